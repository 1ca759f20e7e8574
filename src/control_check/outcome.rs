//! What `control-check` says: each check and what became of it, and why it could not check at
//! all.

use crate::protocol::{CONTROL_PREFIX, FEATURES};

/// One check and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// `describe`, `put`, `get`, `replace`, `fault`, `reset`, `error-shape`, `isolation`,
    /// `delete`, then one per announced optional feature, named after it (`tags`,
    /// `security_token`, `encryption`, `edition_faults`).
    pub name: &'static str,
    /// What it proves when it passes.
    pub what: &'static str,
    /// `None`: passed; else what was wrong.
    pub problem: Option<String>,
}

/// Every check, in the order run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlCheck {
    pub checks: Vec<Check>,
    /// The optional features the control API announced.
    pub features: Vec<String>,
}

impl ControlCheck {
    pub fn passed(&self) -> usize {
        self.checks.iter().filter(|c| c.problem.is_none()).count()
    }

    pub fn failed(&self) -> usize {
        self.checks.len() - self.passed()
    }

    /// A line per check, then `control-check: N passed, N failed`.
    pub fn text(&self) -> String {
        let unknown: Vec<&str> = self
            .features
            .iter()
            .map(String::as_str)
            .filter(|f| !FEATURES.contains(f))
            .collect();
        let mut out = format!(
            "features announced: {}{}\n",
            if self.features.is_empty() {
                "none (the first published set)".to_owned()
            } else {
                self.features.join(", ")
            },
            if unknown.is_empty() {
                String::new()
            } else {
                format!(
                    " (newer than this harness, ignored: {})",
                    unknown.join(", ")
                )
            }
        );
        for c in &self.checks {
            match &c.problem {
                None => out.push_str(&format!("✔ {}: {}\n", c.name, c.what)),
                Some(p) => out.push_str(&format!("✘ {}: {}\n    {}\n", c.name, c.what, p)),
            }
        }
        out.push_str(&format!(
            "control-check: {} passed, {} failed\n",
            self.passed(),
            self.failed()
        ));
        out
    }
}

/// Why the checks could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum CannotCheck {
    #[error("cannot reach {0}: {1}")]
    Unreachable(String, String),
    #[error("{0} does not describe the control API at {CONTROL_PREFIX}: {1}")]
    NoControlApi(String, String),
}
