//! The LivePerson legacy chat dialect: Login API, Chat Agent API and (later) Server Chat API.

pub mod wire;
