//! Where a run reads its feature files and recorded answers: the copies compiled into the binary
//! (the default, so an installed or copied binary runs the suite from any directory), or
//! directories of edited copies (`run --features DIR`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cucumber::feature::Ext as _;
use cucumber::{cli, gherkin, parser};
use futures::stream;

use crate::embedded;

#[derive(Debug, Clone, Default)]
pub enum SuiteFiles {
    /// The suite compiled into this binary.
    #[default]
    Embedded,
    /// Feature files in `features`, recorded answers in `recorded_answers`.
    Directory {
        features: PathBuf,
        recorded_answers: PathBuf,
    },
}

impl SuiteFiles {
    /// Edited copies: features in `dir`, recorded answers in `recorded` or else `dir/../snapshots`.
    pub fn directory(dir: &Path, recorded: Option<&Path>) -> Self {
        let recorded_answers = recorded.map_or_else(
            || dir.parent().unwrap_or(Path::new(".")).join("snapshots"),
            Path::to_path_buf,
        );
        Self::Directory {
            features: dir.to_path_buf(),
            recorded_answers,
        }
    }

    /// Every `.feature` file: `(file name, text)`, sorted by name.
    pub fn feature_texts(&self) -> Result<Vec<(String, String)>, String> {
        match self {
            Self::Embedded => Ok(embedded::features()
                .iter()
                .filter(|(n, _)| n.ends_with(".feature"))
                .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
                .collect()),
            Self::Directory { features, .. } => {
                let mut out = Vec::new();
                let entries = std::fs::read_dir(features)
                    .map_err(|e| format!("cannot read {}: {e}", features.display()))?;
                for entry in entries.filter_map(Result::ok) {
                    let path = entry.path();
                    if path.extension().is_some_and(|x| x == "feature") {
                        let text = std::fs::read_to_string(&path)
                            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                        let name = entry.file_name().to_string_lossy().into_owned();
                        out.push((name, text));
                    }
                }
                out.sort();
                if out.is_empty() {
                    return Err(format!("{} holds no .feature file", features.display()));
                }
                Ok(out)
            }
        }
    }

    /// The features, parsed (outlines not expanded), each with its path `features/NAME`. The
    /// compiled-in suite is parsed once per process: a run reads it for its selection, its
    /// counts and cucumber alike, and parsing is a large part of a run's own work.
    pub fn features(&self) -> Result<Vec<gherkin::Feature>, String> {
        let parse_all = || {
            self.feature_texts()?
                .iter()
                .map(|(name, text)| parse(name, text).map_err(|e| e.to_string()))
                .collect()
        };
        match self {
            Self::Embedded => {
                static PARSED: OnceLock<Result<Vec<gherkin::Feature>, String>> = OnceLock::new();
                PARSED.get_or_init(parse_all).clone()
            }
            Self::Directory { .. } => parse_all(),
        }
    }

    /// Every recorded answer: `(file name, text)`, sorted by name.
    pub fn recorded_answers(&self) -> Vec<(String, String)> {
        match self {
            Self::Embedded => embedded::recorded_answers()
                .iter()
                .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
                .collect(),
            Self::Directory {
                recorded_answers, ..
            } => {
                let mut out: Vec<(String, String)> = std::fs::read_dir(recorded_answers)
                    .into_iter()
                    .flatten()
                    .filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "snap"))
                    .filter_map(|e| {
                        let text = std::fs::read_to_string(e.path()).ok()?;
                        Some((e.file_name().to_string_lossy().into_owned(), text))
                    })
                    .collect();
                out.sort();
                out
            }
        }
    }

    /// The suite's fingerprint: SHA-256 over its feature files, its catalogues and
    /// `expectations.tsv` (always the compiled ones), and its recorded answers, each with its
    /// name. Two runs with the same fingerprint ran the same suite.
    pub fn fingerprint(&self) -> Result<String, String> {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        let tables = embedded::features()
            .iter()
            .filter(|(n, _)| n.ends_with(".tsv"))
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()));
        let mut add = |kind: &str, (name, text): (String, String)| {
            for part in [kind, name.as_str(), text.as_str()] {
                hash.update((part.len() as u64).to_le_bytes());
                hash.update(part.as_bytes());
            }
        };
        for file in self.feature_texts()? {
            add("feature", file);
        }
        for file in tables {
            add("table", file);
        }
        for file in self.recorded_answers() {
            add("recorded-answer", file);
        }
        Ok(format!("sha256:{}", hex::encode(hash.finalize())))
    }

    /// The recorded answer `name` (without `.snap`), as insta stores it.
    pub fn recorded_answer(&self, name: &str) -> Option<String> {
        let file = format!("{name}.snap");
        match self {
            Self::Embedded => embedded::recorded_answer(&file).map(str::to_owned),
            Self::Directory {
                recorded_answers, ..
            } => std::fs::read_to_string(recorded_answers.join(file)).ok(),
        }
    }
}

fn parse(name: &str, text: &str) -> Result<gherkin::Feature, gherkin::ParseFileError> {
    let path = PathBuf::from("features").join(name);
    let mut feature =
        gherkin::Feature::parse(text, gherkin::GherkinEnv::default()).map_err(|source| {
            gherkin::ParseFileError::Parsing {
                path: path.clone(),
                error: None,
                source,
            }
        })?;
    // Writers tell features apart by path; the JSON one merges nothing without it.
    feature.path = Some(path);
    Ok(feature)
}

/// The cucumber parser over features the run parsed already: each one's outlines expanded, as
/// cucumber's own parser does for files.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextParser;

impl parser::Parser<Vec<gherkin::Feature>> for TextParser {
    type Cli = cli::Empty;
    type Output = stream::Iter<std::vec::IntoIter<parser::Result<gherkin::Feature>>>;

    fn parse(self, input: Vec<gherkin::Feature>, _: cli::Empty) -> Self::Output {
        let features: Vec<parser::Result<gherkin::Feature>> = input
            .into_iter()
            .map(|f| Ok(f.expand_examples()?))
            .collect();
        stream::iter(features)
    }
}
