//! The `SignatureNonce` values seen, per access key, for as long as a timestamp stays valid.
//!
//! A nonce older than the clock-skew window can be forgotten: a request replaying it carries a
//! timestamp that the gateway already rejects as expired. Memory is therefore bounded by the
//! request rate times that window, and expired entries are swept when the map doubles.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::gateway::CLOCK_SKEW;

pub struct Nonces {
    seen: HashMap<(String, String), Instant>,
    sweep_at: usize,
}

impl Default for Nonces {
    fn default() -> Self {
        Self {
            seen: HashMap::new(),
            sweep_at: 1024,
        }
    }
}

/// How long a nonce is remembered: the skew window on either side of the server's clock.
fn window() -> Duration {
    Duration::from_secs(2 * CLOCK_SKEW.whole_seconds().unsigned_abs())
}

impl Nonces {
    /// Records `nonce` for `access_key_id`; `false` if it was already used within the window.
    pub fn insert(&mut self, access_key_id: &str, nonce: &str, now: Instant) -> bool {
        if self.seen.len() >= self.sweep_at {
            self.seen
                .retain(|_, at| now.saturating_duration_since(*at) < window());
            self.sweep_at = (self.seen.len() * 2).max(1024);
        }
        let key = (access_key_id.to_owned(), nonce.to_owned());
        match self.seen.get(&key) {
            Some(at) if now.saturating_duration_since(*at) < window() => false,
            _ => {
                self.seen.insert(key, now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_is_accepted_once_per_access_key() {
        let mut n = Nonces::default();
        let now = Instant::now();
        assert!(n.insert("a", "1", now));
        assert!(!n.insert("a", "1", now));
        assert!(n.insert("b", "1", now));
    }

    #[test]
    fn nonces_are_forgotten_after_the_window_and_swept() {
        let mut n = Nonces::default();
        let start = Instant::now();
        for i in 0..1024 {
            assert!(n.insert("a", &i.to_string(), start));
        }
        let later = start + window() + Duration::from_secs(1);
        assert!(n.insert("a", "0", later), "an expired nonce may be reused");
        assert!(n.seen.len() <= 2, "the sweep dropped expired entries");
    }
}
