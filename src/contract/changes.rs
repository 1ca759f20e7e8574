//! What changed between two editions of the contract, derived from the rows alone: error rows
//! added, removed and reworded (`crate::catalogue`), and parameters and preconditions added or
//! removed (`super::editions`'s facts). `editions diff` prints it; the editions proof in
//! `cargo test` predicts from it what a mock of one edition fails when judged against another.

use super::editions::{Edition, facts};
use crate::catalogue::Catalogue;

/// What changed from edition `a` to edition `b`, derived from the rows alone.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// `(what, text)` lines: `what` is `row added`, `row removed`, `row reworded`,
    /// `parameter added`, …, each naming the action.
    pub lines: Vec<(String, String)>,
}

/// What changed from `a` to `b`: error rows added, removed and reworded (a row removed and one
/// added with the same status and code), and parameters and preconditions added or removed, per
/// action, in the files' order.
pub fn diff(a: &Edition, b: &Edition) -> Diff {
    let mut out = Diff::default();
    for c in Catalogue::all().iter().filter(|c| c.action().is_some()) {
        let action = c.action().unwrap_or_default();
        let only = |x: &Edition, y: &Edition| {
            c.rows()
                .iter()
                .filter(|r| r.editions.contains(x) && !r.editions.contains(y))
                .collect::<Vec<_>>()
        };
        let (removed, added) = (only(a, b), only(b, a));
        for r in &removed {
            let twin = added
                .iter()
                .find(|n| n.answer.status == r.answer.status && n.answer.code == r.answer.code);
            match twin {
                Some(n) => out.lines.push((
                    "row reworded".into(),
                    format!(
                        "{action} {} {}: {:?} -> {:?}",
                        r.answer.status, r.answer.code, r.answer.message, n.answer.message
                    ),
                )),
                None => out
                    .lines
                    .push(("row removed".into(), format!("{action} {}", r.answer))),
            }
        }
        for n in &added {
            let reworded = removed
                .iter()
                .any(|r| n.answer.status == r.answer.status && n.answer.code == r.answer.code);
            if !reworded {
                out.lines
                    .push(("row added".into(), format!("{action} {}", n.answer)));
            }
        }
        for f in facts(action) {
            let (in_a, in_b) = (f.editions.contains(a), f.editions.contains(b));
            if in_a != in_b {
                let change = if in_b { "added" } else { "removed" };
                out.lines.push((
                    format!("{} {change}", f.kind),
                    format!("{action} {}", f.name),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::editions::{all, latest, named};

    /// The lines of `d` about `action`.
    fn of<'d>(d: &'d Diff, action: &str) -> Vec<&'d (String, String)> {
        let prefix = format!("{action} ");
        (d.lines.iter())
            .filter(|(_, t)| t.starts_with(&prefix))
            .collect()
    }

    #[test]
    fn the_diff_from_the_first_edition_to_the_latest_is_derived_from_the_rows() {
        // ResetDisk's changes, as docs/editions.md tells them.
        let d = diff(&all()[0], latest());
        let reset = of(&d, "ResetDisk");
        let count = |what: &str| reset.iter().filter(|(w, _)| w == what).count();
        assert_eq!(count("row added"), 9);
        assert_eq!(count("row reworded"), 2);
        assert_eq!(count("row removed"), 0);
        assert_eq!(count("parameter added"), 1);
        assert_eq!(count("precondition added"), 1);
        let back = diff(latest(), &all()[0]);
        assert_eq!(
            (of(&back, "ResetDisk").iter())
                .filter(|(w, _)| w == "row removed")
                .count(),
            9
        );
        assert!(diff(latest(), latest()).lines.is_empty());

        // The 400 InternalError is the latest edition's own row of ResetDisk, as the metadata
        // dates it.
        let last = diff(named("2024-12-02").unwrap(), latest());
        assert_eq!(
            of(&last, "ResetDisk"),
            [&(
                "row added".to_owned(),
                "ResetDisk 400 InternalError \"The requested services is not available now. \
                 Please try again later.\""
                    .to_owned()
            )]
        );

        // StopInstance's, as docs/editions.md ("The rollback actions") dates its rows: DryRun
        // and its row in 2022, Hibernate and its row in 2023, DiskError's status 403 → 400 and
        // LimitedOperation.ServiceUnavailable in 2025 (another status: a row removed, one added).
        let stop: Vec<String> = (of(&d, "StopInstance").iter())
            .map(|(w, t)| format!("{w}: {t}"))
            .collect();
        let want = [
            "row removed: StopInstance 403 DiskError \"IncorrectDiskStatus\"",
            "row added: StopInstance 400 DiskError \"IncorrectDiskStatus.\"",
            "row added: StopInstance 403 HibernationConfigured.NotEnabled \"The instance \
             hibernation configured option is not enabled.\"",
            "row added: StopInstance 503 LimitedOperation.ServiceUnavailable \"The service is \
             currently unavailable. Please try again later.\"",
            "row added: StopInstance 400 DryRunOperation \"Request validation has been passed \
             with DryRun flag set.\"",
            "parameter added: StopInstance DryRun",
            "parameter added: StopInstance Hibernate",
        ];
        assert_eq!(stop, want);
    }
}
