//! Fazhi use cases.
//!
//! Each use case: parse its input (fields already strings from the edge),
//! authorize the actor, decide with `fazhi-domain`, then persist the change
//! and its one action-log event in a single transaction.
//!
//! Architecture invariant: no SQL here (that is `fazhi-store`), no HTTP here
//! (that is `fazhi-web`). Time comes from the injected [`Clock`].

pub mod accounts;
pub mod annual_report;
pub mod auth;
pub mod cases;
pub mod clock;
pub mod demo;
pub mod demo_cases;
pub mod documents;
pub mod error;
pub mod evidence;
pub mod home;
pub mod indicators;
pub mod inspection_tasks;
pub mod inspections;
pub mod law;
pub mod log_key;
pub mod log_verify;
pub mod notices;
pub mod password;
pub mod public;
pub mod registry;
pub mod requests;
pub mod sheets;
pub mod throttle;
pub mod transparency;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::AppError;

use fazhi_domain::action_log::{EVENT_SALT_BYTES, EventKind, NewEvent};
use fazhi_store::{Db, Tx, events};
use std::sync::Arc;

/// Everything a use case needs. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub password_params: password::PasswordParams,
    pub throttle: Arc<throttle::Throttle>,
    /// Session lifetime after login.
    pub session_ttl_s: i64,
    /// Where evidence files are kept.
    pub evidence: evidence::EvidenceStore,
    /// The statutory calendar and the rule registry.
    pub law: Arc<law::Law>,
    /// Signs the log's checkpoints (`None` until a key is configured).
    pub log_signer: Option<transparency::LogSigner>,
    /// Upper levels of the log's Merkle tree, as read for proofs.
    pub tree_cache: Arc<transparency::TreeCache>,
}

/// Default session lifetime: one working day (8 hours).
pub const SESSION_TTL_S_DEFAULT: i64 = 8 * 3600;

impl App {
    /// `data_dir` holds the files the database does not: evidence, keys.
    pub fn new(
        db: Db,
        clock: Arc<dyn Clock>,
        password_params: password::PasswordParams,
        data_dir: &std::path::Path,
    ) -> Self {
        App {
            db,
            clock,
            password_params,
            throttle: Arc::new(throttle::Throttle::default()),
            session_ttl_s: SESSION_TTL_S_DEFAULT,
            evidence: evidence::EvidenceStore::new(data_dir.join("evidence")),
            law: Arc::new(law::Law::national()),
            log_signer: None,
            tree_cache: Arc::new(transparency::TreeCache::default()),
        }
    }

    /// Sign checkpoints with `seed` under `origin` (the key name is the origin).
    pub fn with_log_key(mut self, origin: &str, seed: log_key::Seed) -> Self {
        self.log_signer = Some(transparency::LogSigner {
            origin: origin.to_owned(),
            key_name: origin.to_owned(),
            seed,
        });
        self
    }

    /// Readiness: the database answers.
    pub async fn health(&self) -> Result<(), AppError> {
        events::size(&self.db).await?;
        Ok(())
    }

    pub fn now_us(&self) -> i64 {
        self.clock.now_us()
    }

    /// Append the one event of a use case inside its transaction.
    pub(crate) async fn log(
        &self,
        tx: &mut Tx,
        actor_user_id: Option<i64>,
        agency_id: Option<i64>,
        kind: EventKind,
        subject: String,
        payload: serde_json::Value,
    ) -> Result<fazhi_domain::action_log::Event, AppError> {
        let mut salt = [0u8; EVENT_SALT_BYTES];
        random_fill(&mut salt)?;
        let new = NewEvent {
            at_us: self.now_us(),
            actor_user_id,
            agency_id,
            kind,
            subject,
            payload,
            salt,
        };
        Ok(events::append(tx, &new).await?)
    }
}

pub(crate) fn random_fill(buf: &mut [u8]) -> Result<(), AppError> {
    getrandom::fill(buf).map_err(|e| AppError::Internal(format!("no OS randomness: {e}")))
}

/// A random token as lowercase hex (`bytes` of entropy).
pub fn random_token(bytes: usize) -> Result<String, AppError> {
    let mut buf = vec![0u8; bytes];
    random_fill(&mut buf)?;
    Ok(hex::encode(buf))
}

/// SHA-256 of a secret token, as stored in the database.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}
