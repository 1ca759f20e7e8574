//! The runner's own pulse: a task on the run's runtime that wakes every [`BEAT`] and notes each
//! time it woke late. A call waits on the same runtime; when its timeout elapses while the runtime
//! itself was not running its tasks (a step's CPU work on the polling threads, an overloaded
//! machine, a debugger), the answer may have come and gone unheard. The client asks the pulse how
//! long the runner stalled during the call before it blames the endpoint ([`super::ClientError`]'s
//! `Stalled`).
//!
//! Two measures, the larger counts: the pulse's late wake-ups within the call's window (a beat
//! that is overdue now counts up to now), and the call's own lateness — how long after its
//! timeout was due its task ran at all. Both only ever understate a stall: a beat is late from
//! when it was due, not from when the runtime stopped.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

/// How often the pulse beats.
pub const BEAT: Duration = Duration::from_millis(20);

/// How late a beat may wake before the delay counts as a stall: timer and scheduler jitter.
const JITTER: Duration = Duration::from_millis(20);

/// How many stalls are remembered: a call asks about its own window, which is recent.
const REMEMBERED: usize = 4096;

#[derive(Debug)]
struct Beats {
    /// When the next beat is due.
    due: Instant,
    /// Periods in which a beat was due and the runtime did not run it, oldest first.
    stalls: VecDeque<(Instant, Instant)>,
    longest: Duration,
}

/// A handle on the pulse of the runtime it was started on; it beats while a handle lives.
#[derive(Debug, Clone)]
pub struct Pulse(Arc<Mutex<Beats>>);

impl Pulse {
    /// Starts beating on the current tokio runtime.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub fn start() -> Self {
        let beats = Arc::new(Mutex::new(Beats {
            due: Instant::now() + BEAT,
            stalls: VecDeque::new(),
            longest: Duration::ZERO,
        }));
        tokio::spawn(beat(Arc::downgrade(&beats)));
        Self(beats)
    }

    fn beats(&self) -> std::sync::MutexGuard<'_, Beats> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How long, between `from` and `to`, the runtime did not run the pulse when it was due.
    pub fn stalled(&self, from: Instant, to: Instant) -> Duration {
        let b = self.beats();
        let overlap = |(start, end): (Instant, Instant)| {
            end.min(to).saturating_duration_since(start.max(from))
        };
        let recorded: Duration = b.stalls.iter().copied().map(overlap).sum();
        // A beat overdue now: the stall may still be going on as the caller looks.
        let ongoing = if to > b.due + JITTER {
            overlap((b.due, to))
        } else {
            Duration::ZERO
        };
        recorded + ongoing
    }

    /// The longest stall the pulse saw.
    pub fn longest(&self) -> Duration {
        self.beats().longest
    }
}

/// Beats until every handle is gone.
async fn beat(beats: Weak<Mutex<Beats>>) {
    loop {
        let due = match beats.upgrade() {
            Some(b) => b.lock().unwrap_or_else(|p| p.into_inner()).due,
            None => return,
        };
        tokio::time::sleep_until(due.into()).await;
        let Some(b) = beats.upgrade() else { return };
        let mut b = b.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let late = now.saturating_duration_since(due);
        if late > JITTER {
            if b.stalls.len() == REMEMBERED {
                b.stalls.pop_front();
            }
            b.stalls.push_back((due, now));
            b.longest = b.longest.max(late);
        }
        b.due = now + BEAT;
    }
}

/// Whether a call that timed out after `elapsed`, with `timeout`, during which the runner stalled
/// for `stalled`, is the harness's stall rather than the endpoint's silence: the endpoint had less
/// than three quarters of its time heard.
pub fn is_harness_stall(stalled: Duration, timeout: Duration) -> bool {
    stalled * 4 >= timeout
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A runtime blocked on purpose: the pulse sees the block, within a beat and the jitter, and
    /// sees nothing outside it.
    #[test]
    fn a_blocked_runtime_is_a_stall_of_its_length() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        runtime.block_on(async {
            let pulse = Pulse::start();
            tokio::time::sleep(BEAT * 3).await;
            let quiet = Instant::now();
            tokio::time::sleep(BEAT * 5).await;
            assert!(pulse.stalled(quiet, Instant::now()) <= JITTER * 2);
            let blocked = Instant::now();
            std::thread::sleep(Duration::from_millis(400));
            // Looked at before the pulse ran again: the overdue beat counts.
            let seen = pulse.stalled(blocked, Instant::now());
            assert!(
                seen >= Duration::from_millis(400) - BEAT - JITTER,
                "{seen:?}"
            );
            tokio::time::sleep(BEAT * 3).await;
            let after = pulse.stalled(blocked, Instant::now());
            assert!(
                after >= seen && after <= Duration::from_millis(450),
                "{after:?}"
            );
            assert!(pulse.longest() >= Duration::from_millis(400) - BEAT - JITTER);
        });
    }

    #[test]
    fn a_quarter_of_the_timeout_unheard_is_the_harness_s_stall() {
        let timeout = Duration::from_secs(10);
        assert!(is_harness_stall(Duration::from_millis(2500), timeout));
        assert!(!is_harness_stall(Duration::from_millis(2499), timeout));
    }
}
