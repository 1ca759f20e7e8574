//! `editions`: the editions of the contract, and what changed between two of them — derived from
//! the catalogues, the actions' parameters and preconditions, and the scenarios' `@editions:`
//! tags; nothing here is written by hand.

use std::process::ExitCode;

use ecs_conformance::contract::editions::{self, Edition};

use super::Fail;

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
}

/// `editions` (no command: the list) and its commands.
pub fn exec(command: Option<Command>) -> Result<ExitCode, Fail> {
    match command {
        None => list(),
        Some(Command::Diff { a, b }) => diff(&a, &b),
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
    let d = editions::diff(a, b);
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
