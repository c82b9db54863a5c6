//! Time is an input. Production reads the system clock; tests fix it.

use std::sync::atomic::{AtomicI64, Ordering};

pub trait Clock: Send + Sync {
    /// Microseconds since the Unix epoch (UTC).
    fn now_us(&self) -> i64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_us(&self) -> i64 {
        jiff::Timestamp::now().as_microsecond()
    }
}

/// A clock that only moves when told to.
pub struct FixedClock(AtomicI64);

impl FixedClock {
    pub fn new(now_us: i64) -> Self {
        FixedClock(AtomicI64::new(now_us))
    }
    pub fn advance_s(&self, seconds: i64) {
        self.0.fetch_add(seconds * 1_000_000, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now_us(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}
