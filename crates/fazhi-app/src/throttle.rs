//! Login throttling: at most `FAILURES_MAX` failed logins per username and per
//! client address within `WINDOW_S`; further attempts are refused until the
//! oldest failure leaves the window. Kept in memory: a restart forgets it,
//! which only ever errs towards letting a user back in.

use std::collections::HashMap;
use std::sync::Mutex;

pub const FAILURES_MAX: usize = 5;
pub const WINDOW_S: i64 = 15 * 60;
/// Keys tracked before old ones are pruned (bounds memory under a spray).
const KEYS_MAX: usize = 100_000;

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Vec<i64>>>,
}

impl LoginThrottle {
    /// Seconds to wait before `keys` may try again, or `None` if allowed now.
    pub fn retry_after_s(&self, keys: &[String], now_s: i64) -> Option<i64> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter()
            .filter_map(|k| map.get(k))
            .filter_map(|times| {
                let recent: Vec<i64> = times
                    .iter()
                    .copied()
                    .filter(|t| now_s - t < WINDOW_S)
                    .collect();
                (recent.len() >= FAILURES_MAX)
                    .then(|| recent.iter().min().map_or(0, |t| t + WINDOW_S - now_s))
            })
            .max()
    }

    pub fn record_failure(&self, keys: &[String], now_s: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > KEYS_MAX {
            map.retain(|_, times| times.iter().any(|t| now_s - t < WINDOW_S));
        }
        for k in keys {
            let times = map.entry(k.clone()).or_default();
            times.retain(|t| now_s - t < WINDOW_S);
            times.push(now_s);
        }
    }

    pub fn clear(&self, keys: &[String]) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for k in keys {
            map.remove(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_attempt_within_fifteen_minutes_is_refused_then_allowed_after_the_window() {
        let t = LoginThrottle::default();
        let keys = vec!["user:a".to_owned()];
        for i in 0..FAILURES_MAX as i64 {
            assert_eq!(t.retry_after_s(&keys, 100 + i), None);
            t.record_failure(&keys, 100 + i);
        }
        assert_eq!(t.retry_after_s(&keys, 110), Some(100 + WINDOW_S - 110));
        assert_eq!(t.retry_after_s(&keys, 100 + WINDOW_S + 10), None);
    }
}
