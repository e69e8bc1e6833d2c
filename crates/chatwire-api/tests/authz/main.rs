//! The authorization matrix (issue 11): every route of the app, from the router's own list,
//! against every kind of intruder, and the chat-hijack sequence on both SuperOffice routes.
//! In-process over the memory store.

mod fixture;
mod hijack;
mod matrix;
mod table;
