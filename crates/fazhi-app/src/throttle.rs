//! Attempt throttling (failed logins, public submissions, tracking misses,
//! anonymous form posts), kept in memory: a restart forgets it, which only
//! ever errs towards letting someone back in.
//!
//! A caller *reserves* one attempt on every key the attempt concerns before
//! doing the work (checking a password, filing a form), atomically under one
//! lock: while an attempt is in flight it counts as if it had failed, so any
//! number of concurrent attempts on a key whose limit is `max` do the work at
//! most `max` times. An attempt that succeeds gives its reservation back
//! ([`Throttle::release`]); otherwise it stays counted until it leaves the
//! window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Failed logins allowed per (account, client) within `WINDOW_S`.
pub const FAILURES_MAX: usize = 5;
/// Failed logins allowed per client, over all accounts, within `WINDOW_S`
/// (password spraying from one address).
pub const CLIENT_FAILURES_MAX: usize = 20;
/// Failed logins of one account, over all clients, within `WINDOW_S`, after
/// which only clients that have not failed on the account may still try: an
/// attacker cannot lock the real user out, and every address he uses gets a
/// single guess.
pub const ACCOUNT_FAILURES_MAX: usize = 50;
pub const WINDOW_S: i64 = 15 * 60;
/// Keys tracked before stale ones are pruned (bounds memory under a spray).
const KEYS_MAX: usize = 100_000;

/// When a limit refuses an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// Whenever the key is full.
    Always,
    /// Only when the named other key already holds an attempt (the attempt
    /// is still recorded on this key either way).
    IfUsed(String),
}

/// One key an attempt counts against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    pub key: String,
    pub max: usize,
    pub window_s: i64,
    pub when: When,
}

impl Limit {
    pub fn new(key: impl Into<String>, max: usize, window_s: i64) -> Self {
        Limit {
            key: key.into(),
            max,
            window_s,
            when: When::Always,
        }
    }

    pub fn when(mut self, when: When) -> Self {
        self.when = when;
        self
    }
}

/// An attempt in flight; give it to [`Throttle::release`] if it succeeded.
#[must_use = "a reservation not released counts as a failed attempt"]
#[derive(Debug)]
pub struct Reservation {
    id: u64,
    keys: Vec<String>,
}

struct Bucket {
    window_s: i64,
    /// (time, reservation id), oldest first; at most `max` kept.
    slots: VecDeque<(i64, u64)>,
}

impl Bucket {
    fn prune(&mut self, now_s: i64) {
        while self
            .slots
            .front()
            .is_some_and(|(t, _)| now_s - t >= self.window_s)
        {
            self.slots.pop_front();
        }
    }
}

#[derive(Default)]
struct Inner {
    buckets: HashMap<String, Bucket>,
    next_id: u64,
}

#[derive(Default)]
pub struct Throttle {
    inner: Mutex<Inner>,
}

impl Throttle {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reserve one attempt on every limit, or refuse with the seconds to
    /// wait until the fullest enforced key has room again.
    pub fn reserve(&self, limits: &[Limit], now_s: i64) -> Result<Reservation, i64> {
        let mut inner = self.lock();
        if inner.buckets.len() > KEYS_MAX {
            inner.buckets.retain(|_, b| {
                b.prune(now_s);
                !b.slots.is_empty()
            });
        }
        for l in limits {
            if let Some(b) = inner.buckets.get_mut(&l.key) {
                b.prune(now_s);
            }
        }
        let used = |inner: &Inner, key: &str| inner.buckets.get(key).map_or(0, |b| b.slots.len());
        let mut retry: Option<i64> = None;
        for l in limits {
            let enforced = match &l.when {
                When::Always => true,
                When::IfUsed(other) => used(&inner, other) > 0,
            };
            if !enforced || used(&inner, &l.key) < l.max.max(1) {
                continue;
            }
            let oldest = inner
                .buckets
                .get(&l.key)
                .and_then(|b| b.slots.front())
                .map_or(now_s, |(t, _)| *t);
            let wait = (oldest + l.window_s - now_s).max(1);
            retry = Some(retry.map_or(wait, |r: i64| r.max(wait)));
        }
        if let Some(wait) = retry {
            return Err(wait);
        }
        inner.next_id += 1;
        let id = inner.next_id;
        for l in limits {
            let b = inner.buckets.entry(l.key.clone()).or_insert(Bucket {
                window_s: l.window_s,
                slots: VecDeque::new(),
            });
            b.window_s = l.window_s;
            b.slots.push_back((now_s, id));
            while b.slots.len() > l.max.max(1) {
                b.slots.pop_front();
            }
        }
        Ok(Reservation {
            id,
            keys: limits.iter().map(|l| l.key.clone()).collect(),
        })
    }

    /// The attempt succeeded: it no longer counts.
    pub fn release(&self, reservation: Reservation) {
        let mut inner = self.lock();
        for k in &reservation.keys {
            if let Some(b) = inner.buckets.get_mut(k) {
                b.slots.retain(|(_, id)| *id != reservation.id);
            }
        }
    }

    /// Attempts counted on `key` now (failures and attempts in flight).
    pub fn count(&self, key: &str, now_s: i64) -> usize {
        let mut inner = self.lock();
        inner.buckets.get_mut(key).map_or(0, |b| {
            b.prune(now_s);
            b.slots.len()
        })
    }

    /// Forget every attempt on `keys`.
    pub fn clear(&self, keys: &[String]) {
        let mut inner = self.lock();
        for k in keys {
            inner.buckets.remove(k);
        }
    }
}

/// The limits of one login attempt on `username` from `client`.
pub fn login_limits(username: &str, client: &str) -> Vec<Limit> {
    let pair = pair_key(username, client);
    vec![
        Limit::new(pair.clone(), FAILURES_MAX, WINDOW_S),
        Limit::new(
            format!("login-client:{client}"),
            CLIENT_FAILURES_MAX,
            WINDOW_S,
        ),
        Limit::new(
            format!("login-account:{username}"),
            ACCOUNT_FAILURES_MAX,
            WINDOW_S,
        )
        .when(When::IfUsed(pair)),
    ]
}

/// Anonymous form posts allowed per client within `ANONYMOUS_WINDOW_S`.
pub const ANONYMOUS_POSTS_PER_CLIENT_MAX: usize = 30;
/// Anonymous form posts allowed from everyone together within the window.
pub const ANONYMOUS_POSTS_TOTAL_MAX: usize = 1_000;
pub const ANONYMOUS_WINDOW_S: i64 = 10 * 60;

/// The limits of one anonymous form post (complaint, disclosure request,
/// rating, tracking look-up) from `client`.
pub fn anonymous_post_limits(client: &str) -> Vec<Limit> {
    vec![
        Limit::new(
            format!("anonymous-post:{client}"),
            ANONYMOUS_POSTS_PER_CLIENT_MAX,
            ANONYMOUS_WINDOW_S,
        ),
        Limit::new(
            "anonymous-post:*",
            ANONYMOUS_POSTS_TOTAL_MAX,
            ANONYMOUS_WINDOW_S,
        ),
    ]
}

/// The key of one account as tried from one client.
pub fn pair_key(username: &str, client: &str) -> String {
    format!("login-pair:{username}\n{client}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_attempt_within_fifteen_minutes_is_refused_then_allowed_after_the_window() {
        let t = Throttle::default();
        let limits = login_limits("a", "10.0.0.1");
        for i in 0..FAILURES_MAX as i64 {
            let _failed = t.reserve(&limits, 100 + i).unwrap();
        }
        assert_eq!(t.reserve(&limits, 110).unwrap_err(), 100 + WINDOW_S - 110);
        assert!(t.reserve(&limits, 100 + WINDOW_S + 10).is_ok());
    }

    #[test]
    fn concurrent_attempts_are_reserved_so_at_most_the_limit_are_checked() {
        let t = std::sync::Arc::new(Throttle::default());
        let limits = login_limits("a", "10.0.0.1");
        let granted = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..100 {
                s.spawn(|| {
                    if t.reserve(&limits, 100).is_ok() {
                        granted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                });
            }
        });
        assert_eq!(granted.into_inner(), FAILURES_MAX);
    }

    #[test]
    fn a_released_attempt_does_not_count() {
        let t = Throttle::default();
        let limits = login_limits("a", "10.0.0.1");
        for _ in 0..20 {
            let r = t.reserve(&limits, 100).unwrap();
            t.release(r);
        }
        assert_eq!(t.count(&pair_key("a", "10.0.0.1"), 100), 0);
    }

    #[test]
    fn failures_from_one_client_do_not_lock_the_account_for_another() {
        let t = Throttle::default();
        for _ in 0..FAILURES_MAX {
            let _ = t.reserve(&login_limits("a", "attacker"), 100).unwrap();
        }
        assert!(t.reserve(&login_limits("a", "attacker"), 101).is_err());
        assert!(t.reserve(&login_limits("a", "user"), 101).is_ok());
    }

    #[test]
    fn a_spray_over_many_addresses_locks_only_the_addresses_that_failed() {
        let t = Throttle::default();
        for i in 0..ACCOUNT_FAILURES_MAX {
            let _ = t
                .reserve(&login_limits("a", &format!("bot{i}")), 100)
                .unwrap();
        }
        // The account is under attack: an address that failed on it may not
        // try again, though its own limit is not reached…
        assert!(t.reserve(&login_limits("a", "bot0"), 101).is_err());
        // …while an address with no failure on it still gets its chance.
        assert!(t.reserve(&login_limits("a", "user"), 101).is_ok());
    }

    #[test]
    fn one_client_spraying_many_accounts_is_stopped_by_its_own_limit() {
        let t = Throttle::default();
        for i in 0..CLIENT_FAILURES_MAX {
            let _ = t
                .reserve(&login_limits(&format!("u{i}"), "sprayer"), 100)
                .unwrap();
        }
        assert!(t.reserve(&login_limits("fresh", "sprayer"), 101).is_err());
        assert!(t.reserve(&login_limits("fresh", "other"), 101).is_ok());
    }
}
