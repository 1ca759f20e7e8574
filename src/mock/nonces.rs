//! The `SignatureNonce` values seen, per access key, for as long as a timestamp stays valid.
//!
//! A nonce older than the clock-skew window on both sides can be forgotten: a request replaying it
//! carries a timestamp the gateway already rejects as expired. Entries are kept as 128-bit hashes
//! in arrival order, so expiry is a pop from the front and an entry costs about 50 bytes. The
//! store holds at most [`MAX_NONCES`]; past that the oldest are forgotten early (docs/choices.md),
//! so memory stays bounded under any load.

use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, Instant};

use super::gateway::CLOCK_SKEW;

/// The most nonces remembered at once (about 250 MB).
pub const MAX_NONCES: usize = 5_000_000;

pub struct Nonces {
    seen: HashSet<u128>,
    order: VecDeque<(Instant, u128)>,
    hashers: (RandomState, RandomState),
    capacity: usize,
}

impl Default for Nonces {
    fn default() -> Self {
        Self::with_capacity(MAX_NONCES)
    }
}

/// How long a nonce is remembered: the skew window on either side of the server's clock.
fn window() -> Duration {
    Duration::from_secs(2 * CLOCK_SKEW.whole_seconds().unsigned_abs())
}

impl Nonces {
    fn with_capacity(capacity: usize) -> Self {
        Self {
            seen: HashSet::new(),
            order: VecDeque::new(),
            hashers: (RandomState::new(), RandomState::new()),
            capacity,
        }
    }

    /// Two independently keyed 64-bit hashes: a false "used" needs both to collide.
    fn hash(&self, access_key_id: &str, nonce: &str) -> u128 {
        let pair = (access_key_id, nonce);
        (u128::from(self.hashers.0.hash_one(pair)) << 64)
            | u128::from(self.hashers.1.hash_one(pair))
    }

    /// Records `nonce` for `access_key_id`; `false` if it was already used within the window.
    pub fn insert(&mut self, access_key_id: &str, nonce: &str, now: Instant) -> bool {
        while let Some(&(at, h)) = self.order.front() {
            let expired = now.saturating_duration_since(at) >= window();
            if !expired && self.order.len() < self.capacity {
                break;
            }
            self.order.pop_front();
            self.seen.remove(&h);
        }
        let h = self.hash(access_key_id, nonce);
        if !self.seen.insert(h) {
            return false;
        }
        self.order.push_back((now, h));
        true
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
        assert!(n.insert("a", "2", now));
    }

    #[test]
    fn nonces_are_forgotten_after_the_window() {
        let mut n = Nonces::default();
        let start = Instant::now();
        for i in 0..1000 {
            assert!(n.insert("a", &i.to_string(), start));
        }
        let later = start + window() + Duration::from_secs(1);
        assert!(n.insert("a", "0", later), "an expired nonce may be reused");
        assert_eq!(n.order.len(), 1, "every expired entry was dropped");
        assert_eq!(n.seen.len(), 1);
    }

    #[test]
    fn memory_is_bounded_by_forgetting_the_oldest() {
        let mut n = Nonces::with_capacity(100);
        let now = Instant::now();
        for i in 0..250 {
            assert!(n.insert("a", &i.to_string(), now));
        }
        assert_eq!((n.order.len(), n.seen.len()), (100, 100));
        assert!(
            !n.insert("a", "249", now),
            "recent nonces are still remembered"
        );
        assert!(n.insert("a", "0", now), "the oldest were forgotten");
    }
}
