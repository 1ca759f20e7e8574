//! The step registry: every step of the suite, declared once as data ([`step::Step`]) in the
//! module of what it is about — [`world`] (Given: the state, in domain words), [`gateway`] (the
//! request itself: signatures, timestamps, versions, replays, missing parameters — for any
//! declared action), [`answers`] (Then: what any answer must be), and one module per action
//! under certification ([`reset_disk`]). An action's steps are one more module and one line in
//! [`MODULES`]; the run registers every declaration with cucumber ([`collection`]) and `verify
//! --rejudge` replays the same declarations (`suite::rejudge`), so nothing else changes for a
//! new action's steps.

mod answers;
mod args;
mod create_snapshot;
mod gateway;
pub(crate) mod judging;
mod observing;
mod reset_disk;
mod shape;
mod start_instance;
pub(crate) mod step;
mod stop_instance;
#[cfg(test)]
mod test_only_wipe_disk;
mod world;

use std::sync::OnceLock;

use cucumber::codegen::Regex;
use cucumber::gherkin;
use futures::future::LocalBoxFuture;

use super::world::SuiteWorld;
use step::{Args, Does, Keyword, Step};

/// Every module's steps.
const MODULES: &[&[Step]] = &[
    world::STEPS,
    gateway::STEPS,
    answers::STEPS,
    observing::STEPS,
    reset_disk::STEPS,
    stop_instance::STEPS,
    start_instance::STEPS,
    create_snapshot::STEPS,
    shape::STEPS,
    #[cfg(test)]
    test_only_wipe_disk::STEPS,
];

/// Every declared step with its text compiled, once.
fn registry() -> &'static [(Step, Regex)] {
    static ALL: OnceLock<Vec<(Step, Regex)>> = OnceLock::new();
    ALL.get_or_init(|| {
        (MODULES.iter().flat_map(|m| m.iter()))
            .map(|s| {
                let re = s
                    .regex()
                    .and_then(|r| Regex::new(&r).map_err(|e| e.to_string()));
                // Every declaration compiles: `every_declaration_compiles_and_no_text_is_ambiguous`.
                (
                    *s,
                    re.unwrap_or_else(|e| panic!("the step `{}`: {e}", s.text)),
                )
            })
            .collect()
    })
}

/// Every declared step.
pub fn all() -> impl Iterator<Item = &'static Step> {
    registry().iter().map(|(s, _)| s)
}

/// The keyword of a Gherkin step.
pub fn keyword(ty: gherkin::StepType) -> Keyword {
    match ty {
        gherkin::StepType::Given => Keyword::Given,
        gherkin::StepType::When => Keyword::When,
        gherkin::StepType::Then => Keyword::Then,
    }
}

/// The declaration a step of `keyword` and `text` is, with its arguments (and `table`): `Err`
/// when none is, or more than one.
pub fn find(
    keyword: Keyword,
    text: &str,
    table: &[Vec<String>],
) -> Result<(&'static Step, Args), String> {
    let mut found = (registry().iter())
        .filter(|(s, _)| s.keyword == keyword)
        .filter_map(|(s, re)| Some((s, re.captures(text)?)));
    let Some((step, captures)) = found.next() else {
        return Err(format!("`{keyword:?} {text}` is no declared step"));
    };
    if let Some((other, _)) = found.next() {
        return Err(format!(
            "`{keyword:?} {text}` is both `{}` and `{}`",
            step.text, other.text
        ));
    }
    let values = (captures.iter().skip(1))
        .map(|m| m.map_or_else(String::new, |m| m.as_str().to_owned()))
        .collect();
    let args = Args {
        values,
        table: table.to_vec(),
    };
    Ok((step, args))
}

/// Every declaration, as cucumber's step collection: each text's regex, run by [`run`].
pub fn collection() -> cucumber::step::Collection<SuiteWorld> {
    registry()
        .iter()
        .fold(cucumber::step::Collection::new(), |c, (s, re)| {
            match s.keyword {
                Keyword::Given => c.given(None, re.clone(), run),
                Keyword::When => c.when(None, re.clone(), run),
                Keyword::Then => c.then(None, re.clone(), run),
            }
        })
}

/// What cucumber calls for every step: its declaration, found again from its text, performed.
/// A step that fails panics with the reason, as cucumber expects.
fn run(w: &mut SuiteWorld, ctx: cucumber::step::Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let table: Vec<Vec<String>> = ctx.step.table.iter().flat_map(|t| t.rows.clone()).collect();
        let result = match find(keyword(ctx.step.ty), &ctx.step.value, &table) {
            Ok((step, args)) => perform(w, step, &args).await,
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            panic!("{e}");
        }
    })
}

/// A declared step, performed in a run: its world change or calls, or its check of the answers
/// (after the calls it makes aside), whose findings the world judges.
async fn perform(w: &mut SuiteWorld, step: &Step, args: &Args) -> Result<(), String> {
    match step.does {
        Does::State(state) => state(w, args),
        Does::Act(act) | Does::Observe { act, .. } => act(w, args).await,
        Does::Judge {
            before,
            check,
            goes_on,
        } => {
            w.aside.clear();
            if let Some(before) = before {
                before(w, args).await?;
            }
            let findings = check(&w.judging()?, args)?;
            let judged = w.judge(findings);
            if goes_on { Ok(()) } else { judged }
        }
    }
}

/// The expectations whose findings only a run can make, by looking at the target's world.
pub fn observed() -> impl Iterator<Item = &'static str> {
    all().filter_map(|s| match s.does {
        Does::Observe { expectation, .. } => Some(expectation),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::files::SuiteFiles;
    use crate::suite::outline;

    #[test]
    fn every_declaration_compiles_and_no_text_is_ambiguous() {
        assert!(registry().len() > 40, "{} steps", registry().len());
        for (s, _) in registry() {
            assert!(s.regex().is_ok(), "{s:?}");
        }
        assert!(
            Step::given("a {colour} disk", |_, _| Ok(()))
                .regex()
                .is_err()
        );
    }

    #[test]
    fn every_step_of_the_suite_is_exactly_one_declaration_and_every_declaration_is_used() {
        let mut seen = 0;
        let mut used = std::collections::HashSet::new();
        for f in SuiteFiles::Embedded.features().unwrap() {
            for s in outline::expand(&f) {
                for (ty, text, rows) in &s.steps {
                    let found = find(keyword(*ty), text, rows);
                    assert!(found.is_ok(), "{} / {}: {found:?}", s.feature, s.name);
                    used.insert(found.map(|(step, _)| step.text).unwrap_or_default());
                    seen += 1;
                }
            }
        }
        assert!(seen > 500, "{seen} steps");
        // A declaration no feature uses is code nothing runs (the unit tests' own steps aside).
        let test_only: Vec<&str> = test_only_wipe_disk::STEPS.iter().map(|s| s.text).collect();
        let unused: Vec<&str> = (all().map(|s| s.text))
            .filter(|t| !used.contains(t) && !test_only.contains(t))
            .collect();
        assert!(unused.is_empty(), "steps no feature uses: {unused:#?}");
    }

    #[test]
    fn arguments_are_captured_typed_and_counted() {
        let (step, args) = find(
            Keyword::When,
            "8 resets of disk \"d-1\" to snapshot \"s-1\" run at once in XML",
            &[],
        )
        .unwrap();
        assert_eq!(args.values, ["8", "d-1", "s-1", "XML"]);
        assert_eq!(step.calls_with(&args), Ok(8));
        assert_eq!(args.format(3), Ok(crate::format::Format::Xml));
        let (step, args) = find(
            Keyword::When,
            "I reset disk \"d\" to snapshot \"s\" in XML and in JSON",
            &[],
        )
        .unwrap();
        assert_eq!(step.calls_with(&args), Ok(2));
        let (step, args) = find(
            Keyword::When,
            "I send the same ResetDisk twice as V3 in JSON",
            &[],
        )
        .unwrap();
        assert_eq!(
            (step.calls_with(&args), args.wire_form(1)),
            (Ok(2), Ok(crate::client::WireForm::V3))
        );
        let (step, args) = find(
            Keyword::When,
            "I reset disk \"d\" to snapshot \"s\" in XML",
            &[],
        )
        .unwrap();
        assert_eq!(step.calls_with(&args), Ok(1));
        let (step, args) = find(
            Keyword::Then,
            "exactly one reset succeeds and the other 7 are \"Operation.Conflict\"",
            &[],
        )
        .unwrap();
        assert_eq!(
            (step.calls_with(&args), args.values.as_slice()),
            (
                Ok(0),
                &["7".to_owned(), "Operation.Conflict".to_owned()][..]
            )
        );
        let (step, _) = find(
            Keyword::Then,
            "the same call signed right gets another answer",
            &[],
        )
        .unwrap();
        assert_eq!(step.calls, step::Calls::Fixed(1), "it makes one call aside");
        assert!(find(Keyword::Then, "the moon is made of cheese", &[]).is_err());
        let regex = Step::given("a disk {string} (the {int}th)", |_, _| Ok(())).regex();
        assert_eq!(
            regex.as_deref(),
            Ok(r#"^a disk "([^"]*)" \(the (-?\d+)th\)$"#)
        );
    }
}
