//! `editions`: the editions of the contract, and what changed between two of them — derived from
//! the catalogues, the actions' parameters and preconditions, and the scenarios' `@editions:`
//! tags; nothing here is written by hand. `editions check FILE`: a metadata snapshot against an
//! edition (`metadata::drift`), the drift watch.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ecs_conformance::contract::changes;
use ecs_conformance::contract::editions::{self, Edition};
use ecs_conformance::metadata::drift;

use super::fail::Fail;

#[derive(clap::Subcommand)]
pub enum Command {
    /// What changed from edition A to edition B: error rows added, removed and reworded,
    /// parameters and preconditions, and the scenarios judged in only one of them.
    Diff {
        /// An edition's name, or `latest`.
        a: String,
        /// An edition's name, or `latest`.
        b: String,
    },
    /// Compare FILE, an api-docs.json of ECS 2014-05-26 (a newer snapshot of the metadata, say),
    /// with an edition, for every action whose error table the suite judges: error rows added,
    /// removed or reworded (status, code, message), parameters added, removed or retyped. Exit 0
    /// when they agree; 1 naming each difference, the edition the file agrees with if any, and
    /// else a pending edition worded to paste into the editions data; 2 when FILE cannot be read
    /// or is not ECS 2014-05-26 metadata.
    Check {
        /// The api-docs.json (https://api.aliyun.com/meta/v1/products/Ecs/versions/2014-05-26/api-docs.json).
        file: PathBuf,
        /// The edition to compare with: a date from `ecs-conformance editions`, or latest.
        #[arg(long, default_value = "latest", value_name = "NAME")]
        edition: String,
    },
}

/// `editions` (no command: the list) and its commands.
pub fn exec(command: Option<Command>) -> Result<ExitCode, Fail> {
    match command {
        None => list(),
        Some(Command::Diff { a, b }) => diff(&a, &b),
        Some(Command::Check { file, edition }) => check(&file, &edition),
    }
}

/// FILE against `edition`: exit 0 when they agree, 1 with each difference.
fn check(file: &Path, edition: &str) -> Result<ExitCode, Fail> {
    let edition = editions::named(edition).map_err(|e| Fail::error(2, e))?;
    let meta = super::metadata::load(file)?;
    let actions: Vec<&str> = drift::judged_actions().collect();
    println!(
        "{}: Alibaba Cloud API metadata of {} {}, {} actions; compared with edition {} for {}.",
        file.display(),
        meta.header.product,
        meta.header.version,
        meta.actions.len(),
        edition.label(),
        actions.join(", ")
    );
    let diffs = drift::compare(|n| meta.action(n), edition);
    let known = actions.iter().flat_map(|a| drift::known_of(a)).count();
    if diffs.is_empty() {
        println!(
            "It agrees: every error row (status, code, message) and every parameter (name, type, \
             style, required); the {known} known differences (a row only one source lists, each \
             with its reason in features/<Action>.metadata.tsv) are set aside."
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "It differs from edition {} in {}:",
        edition.name,
        plural(diffs.len())
    );
    for d in &diffs {
        println!("  {d}");
    }
    let agrees = drift::agrees_with(|n| meta.action(n));
    match agrees.last() {
        Some(e) => println!(
            "It agrees with edition {}: a metadata of that edition, not a new one.",
            e.label()
        ),
        None if edition.name == editions::latest().name => {
            println!(
                "No edition agrees with it. A pending edition, to paste into the editions data \
                 ({}: the day the change took effect; docs/editions.md, \"Refreshing\"):",
                drift::PENDING
            );
            let name = file.file_name().map_or_else(
                || file.display().to_string(),
                |n| n.to_string_lossy().into(),
            );
            for (path, lines) in drift::pending(&diffs, &name) {
                println!("{path}:");
                for line in lines {
                    println!("{line}");
                }
            }
        }
        None => println!("No edition agrees with it."),
    }
    Ok(ExitCode::from(1))
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 place".into()
    } else {
        format!("{n} places")
    }
}

/// One line per edition, starting with its name, oldest first.
fn list() -> Result<ExitCode, Fail> {
    for e in editions::all() {
        let unknown = e
            .unknown
            .map_or(String::new(), |u| format!(" Unknown: {u}."));
        println!("{}: {}. Source: {}.{unknown}", e.label(), e.title, e.source);
    }
    Ok(ExitCode::SUCCESS)
}

/// What changed from `a` to `b`, then the scenarios judged in only one of them.
fn diff(a: &str, b: &str) -> Result<ExitCode, Fail> {
    let named = |n: &str| editions::named(n).map_err(|e| Fail::error(2, e));
    let (a, b) = (named(a)?, named(b)?);
    println!("From edition {} to edition {}:", a.label(), b.label());
    let d = changes::diff(a, b);
    if d.lines.is_empty() {
        println!("  no row, parameter or precondition changed");
    }
    for (what, text) in &d.lines {
        println!("  {what}: {text}");
    }
    scenarios(b, a, "judged only in")?;
    scenarios(a, b, "judged only in")?;
    Ok(ExitCode::SUCCESS)
}

fn scenarios(only: &Edition, not: &Edition, words: &str) -> Result<(), Fail> {
    let names = ecs_conformance::suite::judged_only_in(only, not).map_err(Fail::cannot_check)?;
    println!("Scenarios {words} {} ({}):", only.name, names.len());
    for n in names {
        println!("  {n}");
    }
    Ok(())
}
