//! Use-case tests on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod accounts_cli;
mod cases;
mod indicators;
mod inspections;
mod law;
mod log_verify;
mod notices;
mod provisional;
mod registry_import;
mod registry_records;
mod registry_scope;
mod requests;
mod support;
