//! `metadata extract`: the compact extract of a full ECS `api-docs.json`, on stdout — how
//! `data/ecs-2014-05-26.metadata.jsonl` is made and refreshed (docs/editions.md); `metadata
//! features`: the generated shape scenarios, written from the extract (`suite::generated`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ecs_conformance::metadata::{self, Metadata};
use ecs_conformance::suite::generated;

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
    /// Write the generated shape scenarios (features/shape.*.feature, one per directory of the
    /// metadata) from the compiled-in extract into DIR, removing generated files no directory
    /// makes any more. A test fails when the committed ones are not what this writes.
    Features {
        /// Where the feature files go.
        #[arg(long, value_name = "DIR", default_value = "features")]
        out: PathBuf,
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
        Command::Features { out } => {
            let cannot = |e: std::io::Error| {
                Fail::cannot_check(format_args!("cannot write into {}: {e}", out.display()))
            };
            let generated = generated::features();
            for entry in std::fs::read_dir(&out).map_err(cannot)? {
                let name = entry.map_err(cannot)?.file_name();
                let name = name.to_string_lossy();
                let stale = name.starts_with(generated::PREFIX)
                    && name.ends_with(".feature")
                    && !generated.iter().any(|(n, _)| *n == name);
                if stale {
                    std::fs::remove_file(out.join(&*name)).map_err(cannot)?;
                }
            }
            for (name, text) in &generated {
                std::fs::write(out.join(name), text).map_err(cannot)?;
            }
            println!(
                "{} feature files written into {}",
                generated.len(),
                out.display()
            );
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
