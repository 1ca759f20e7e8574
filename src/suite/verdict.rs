//! Findings and verdicts. A check does not fail on its own: it records a finding — what was
//! expected, what came, at which evidence level, on what source — and the run decides what counts
//! from its `--fail-on` level. A scenario's verdict is the strongest level at which it deviates.

use crate::evidence::{self, Level};
use crate::results::Finding;
pub use crate::results::describe;

/// The findings of one check, collected so a red scenario says everything that is wrong at once.
#[derive(Debug, Default)]
pub struct Findings(pub Vec<Finding>);

impl Findings {
    /// Records a failure of the generic expectation `id` (its level and source from the table).
    pub fn fail(&mut self, id: &str, problem: impl Into<String>) {
        let e = evidence::expectation(id);
        self.0.push(Finding {
            expectation: e.id.clone(),
            level: e.level,
            source: e.source.clone(),
            problem: problem.into(),
        });
    }

    /// Records `problem` under `id` unless `ok`.
    pub fn check(&mut self, id: &str, ok: bool, problem: impl FnOnce() -> String) {
        if !ok {
            self.fail(id, problem());
        }
    }

    /// Records a mismatch of `field` under `id` unless `expected == got`.
    pub fn expect<T: PartialEq + std::fmt::Debug>(
        &mut self,
        id: &str,
        field: &str,
        expected: T,
        got: T,
    ) {
        if expected != got {
            self.fail(id, format!("{field}: expected {expected:?}, got {got:?}"));
        }
    }

    pub fn push(&mut self, finding: Finding) {
        self.0.push(finding);
    }

    pub fn extend(&mut self, other: Findings) {
        self.0.extend(other.0);
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The strongest level at which anything failed.
    #[cfg(test)]
    pub fn worst(&self) -> Option<Level> {
        worst(&self.0)
    }
}

/// A step's findings weighed as the run weighs them: in a scenario tagged `@chosen` (whose whole
/// expectation is a choice) every finding counts at `chosen` at most; `Err` (the step fails, with
/// its counted findings) when any counts at `fail_on`. The run's steps and `verify --rejudge`
/// weigh alike, here.
pub fn weigh(
    findings: Findings,
    chosen_only: bool,
    fail_on: Level,
) -> (Vec<Finding>, Result<(), String>) {
    let mut findings = findings.0;
    if chosen_only {
        for f in &mut findings {
            f.level = f.level.max(Level::Chosen);
        }
    }
    let counted: Vec<&Finding> = findings.iter().filter(|f| f.level <= fail_on).collect();
    let result = if counted.is_empty() {
        Ok(())
    } else {
        Err(describe(&counted))
    };
    (findings, result)
}

/// The strongest level among `findings`.
pub fn worst(findings: &[Finding]) -> Option<Level> {
    findings.iter().map(|f| f.level).min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::ids;

    #[test]
    fn a_finding_takes_its_level_and_source_from_the_table() {
        let mut f = Findings::default();
        f.expect(ids::CONTENT_TYPE_XML, "Content-Type", "a", "b");
        f.check(ids::REQUEST_ID_UPPERCASE, false, || "lower".into());
        f.check(ids::REQUEST_ID_UUID, true, || unreachable!());
        assert_eq!(f.0.len(), 2);
        assert_eq!(f.0[0].level, Level::Observed);
        assert_eq!(f.0[1].level, Level::Chosen);
        assert_eq!(f.worst(), Some(Level::Observed));
        let text = describe(&f.0.iter().collect::<Vec<_>>());
        assert!(text.starts_with("2 mismatches"), "{text}");
        assert!(
            text.contains("[observed] Content-Type: expected \"a\", got \"b\""),
            "{text}"
        );
    }
}
