//! `metadata extract`: the compact extract of a full ECS `api-docs.json`, on stdout — how
//! `data/ecs-2014-05-26.metadata.jsonl` is made and refreshed (docs/editions.md).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ecs_conformance::metadata::{self, Metadata};

use super::fail::Fail;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Print the compact extract of FILE, a full api-docs.json of ECS 2014-05-26: one line of
    /// provenance, then one line per action. data/ecs-2014-05-26.metadata.jsonl is this output.
    /// Exit 0, or 2 when FILE cannot be read or is not ECS 2014-05-26 metadata.
    Extract {
        /// The api-docs.json (as published at the metadata's URL, or from an archive of it).
        file: PathBuf,
        /// The day the file was taken, YYYY-MM-DD (the file does not say): the extract's provenance.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        snapshot: String,
    },
}

fn parse_date(s: &str) -> Result<String, String> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map(|_| s.to_owned())
        .map_err(|_| format!("{s:?} is not a date YYYY-MM-DD"))
}

pub fn exec(command: Command) -> Result<ExitCode, Fail> {
    match command {
        Command::Extract { file, snapshot } => {
            let text = read(&file)?;
            let extract = metadata::extract(&text, &snapshot)
                .map_err(|e| Fail::cannot_check(format_args!("{}: {e}", file.display())))?;
            print!("{extract}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The text of FILE; unreadable, nothing can be done (exit status 2).
pub fn read(file: &Path) -> Result<String, Fail> {
    std::fs::read_to_string(file)
        .map_err(|e| Fail::cannot_check(format_args!("cannot read {}: {e}", file.display())))
}

/// FILE read as ECS 2014-05-26 metadata, or why it is not (exit status 2).
pub fn load(file: &Path) -> Result<Metadata, Fail> {
    let text = read(file)?;
    Metadata::read(&text, "(unknown)")
        .map_err(|e| Fail::cannot_check(format_args!("{}: {e}", file.display())))
}
