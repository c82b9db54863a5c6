//! HTTP tests: the router driven in-process (tower `oneshot`), on SQLite and
//! PostgreSQL, with the demo agency tree and accounts.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod bad_input;
mod cases;
mod edge;
mod evidence;
mod helpers;
mod inspections;
mod law;
mod log_events;
mod notice_pages;
mod openapi;
mod provisional;
mod public;
mod record_pages;
mod registry;
mod report;
mod requests;
mod route_matrix;
mod scope;
mod tasks;
mod throttling;
mod transparency;
