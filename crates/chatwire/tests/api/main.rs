//! The one end-to-end test binary: real servers on port 0 with temporary data directories,
//! driven over HTTP (and the real `chatwire` executable for the CLI, kill -9 and multi-node).
//!
//! Backend: SQLite by default; with `CHATWIRE_TEST_PG_URL=postgres://…` every server runs on a
//! fresh schema of that PostgreSQL database instead, and the multi-node tests run too.

mod agent_liveness;
mod backup;
mod cli;
mod cli_admin;
mod cli_ops;
mod durability;
mod guard_flood;
mod guard_proxy;
mod guard_throttle;
mod guard_timing;
mod helpers;
mod history;
mod limits;
mod liveperson_agent;
mod liveperson_agent_extras;
mod liveperson_flow;
mod liveperson_poll_cache;
mod liveperson_regressions;
mod liveperson_snapshots;
mod liveperson_snapshots_chat;
mod liveperson_snapshots_extras;
mod liveperson_snapshots_identity;
mod liveperson_snapshots_routing;
mod liveperson_snapshots_visitor;
mod liveperson_snapshots_visitor_extras;
mod liveperson_visitor;
mod lp;
mod mailbox;
mod metrics;
mod multi_node;
mod multi_node_admin;
mod multi_node_liveness;
mod multi_node_outage;
mod multi_node_ring;
mod opening_hours_snapshots;
mod own_admin;
mod own_admin_agents;
mod own_api;
mod own_app_logins;
mod own_surveys;
mod realtime;
mod restart;
mod ring_and_sessions;
mod server;
mod smtp;
mod staff_mail;
mod superoffice_flow;
mod superoffice_long_poll;
mod superoffice_snapshots;
mod superoffice_snapshots_archive;
mod superoffice_snapshots_listen;
mod superoffice_snapshots_offers;
mod superoffice_snapshots_rest;
mod superoffice_snapshots_rest_topics;
mod superoffice_snapshots_sessions;
mod superoffice_snapshots_topics;
mod tls_reload;
mod transcript;
mod web;
mod webhooks;
mod wire_snap;
mod xml_chars;
