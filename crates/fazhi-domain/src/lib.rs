//! Fazhi's pure domain: the types and rules every other crate shares.
//!
//! Architecture invariant: this crate performs no IO, reads no clock, draws no
//! randomness and has no async code. Time, calendars and random values are
//! parameters. Same inputs, same outputs.

pub mod action_log;
pub mod agency;
pub mod authz;
pub mod bundle;
pub mod calendar;
pub mod case;
pub mod checkpoint;
pub mod deadline;
pub mod draw;
pub mod ident;
pub mod indicators;
pub mod inspection;
pub mod merkle;
pub mod money;
pub mod notice;
pub mod redact;
pub mod registry;
pub mod request;
pub mod role;
pub mod rules;
