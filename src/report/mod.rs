//! Certification reports: what `run --report DIR` leaves behind, and `verify DIR`.
//!
//! A report directory holds `junit.xml` and `cucumber.json` (for CI), `results.json` (the run as
//! data, `docs/reports.md`), `report.md` and `report.html` (for a person), and `manifest.json`
//! (the SHA-256 of each of those, and the suite's fingerprint). Nothing in it holds a secret, a
//! signature or a signed URL. Every printer reads one [`view::View`] of the results: this folder
//! only reads results and prints them.

pub mod console;
mod counts;
mod depth;
pub mod diff;
mod failures;
mod html;
mod junit;
mod markdown;
mod shown;
mod table;
mod unjudged;
pub mod view;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use console::summary;

use crate::results::{Results, WaiverState};

/// The files a report holds besides its manifest, in the order they are written.
pub const FILES: [&str; 5] = [
    "junit.xml",
    "cucumber.json",
    "results.json",
    "report.md",
    "report.html",
];
/// Files a report holds when the run had them: the regression report of `run --baseline`, and
/// the log of the container of `run --image`.
pub const OPTIONAL_FILES: [&str; 4] = ["diff.json", "diff.md", "diff.html", "container.log"];

/// Whether a report directory may hold a file of this name: one of a report's files, or the
/// manifest.
pub fn is_report_file(name: &str) -> bool {
    name == MANIFEST || FILES.contains(&name) || OPTIONAL_FILES.contains(&name)
}

/// Every file a report may hold, the manifest included.
pub fn report_files() -> impl Iterator<Item = &'static str> {
    FILES
        .iter()
        .chain(&OPTIONAL_FILES)
        .copied()
        .chain([MANIFEST])
}
const MANIFEST: &str = "manifest.json";
const MANIFEST_SCHEMA: &str = "ecs-conformance/manifest/v1";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    schema: String,
    suite_fingerprint: String,
    /// File name to lowercase hex SHA-256.
    files: BTreeMap<String, String>,
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes `results.json`, `junit.xml`, `report.md`, `report.html`, the regression report against
/// a baseline when there is one, and last `manifest.json`, into `dir`, where the run has already
/// written `cucumber.json`.
pub fn write(
    dir: &Path,
    results: &Results,
    regression: Option<&diff::Diff>,
    container_log: Option<&str>,
) -> Result<(), String> {
    let json = serde_json::to_string_pretty(results).map_err(|e| e.to_string())?;
    let put = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text)
            .map_err(|e| format!("cannot write {}: {e}", dir.join(name).display()))
    };
    put("results.json", &json)?;
    let view = view::View::of(results);
    put("junit.xml", &junit::print(&view))?;
    put("report.md", &markdown::print(&view))?;
    put("report.html", &html::print(&view))?;
    if let Some(d) = regression {
        write_diff(dir, d)?;
    }
    if let Some(log) = container_log {
        put("container.log", log)?;
    }
    let mut files = BTreeMap::new();
    let optional = OPTIONAL_FILES.iter().filter(|n| dir.join(n).exists());
    for name in FILES.iter().chain(optional) {
        let bytes = std::fs::read(dir.join(name))
            .map_err(|e| format!("cannot read {}: {e}", dir.join(name).display()))?;
        files.insert((*name).to_owned(), sha256(&bytes));
    }
    let manifest = Manifest {
        schema: MANIFEST_SCHEMA.into(),
        suite_fingerprint: results.run.suite_fingerprint.clone(),
        files,
    };
    put(
        MANIFEST,
        &serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?,
    )
}

/// Every waiver the report says was applied was in force on the run's date (`started_at`, in
/// UTC): `Err` names the first that had expired, or that the report does not list.
fn waivers_in_force(results: &Results) -> Result<(), String> {
    let run = &results.run;
    let date = run.started_at.to_offset(time::UtcOffset::UTC).date();
    let mut applied: Vec<usize> = (run.waivers.iter().enumerate())
        .filter(|(_, w)| w.state == WaiverState::Applied)
        .map(|(i, _)| i)
        .collect();
    applied.extend(results.scenarios.iter().flat_map(|s| &s.waived_by));
    for i in applied {
        let Some(w) = run.waivers.get(i) else {
            return Err(format!(
                "results.json: a scenario is waived by waiver {}, which run.waivers does not list",
                i + 1
            ));
        };
        let w = &w.waiver;
        if !w.in_force(date) {
            return Err(format!(
                "results.json: waiver {} (scenario {}, expectation {}) was applied, but it had \
                 expired on the run's date: it expires {}, the run started {}",
                i + 1,
                w.scenario,
                w.expectation,
                crate::results::format_date(w.expires),
                run.started_at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
            ));
        }
    }
    Ok(())
}

/// Writes a regression report into `dir`: `diff.json`, `diff.md`, `diff.html`.
pub fn write_diff(dir: &Path, d: &diff::Diff) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let put = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text)
            .map_err(|e| format!("cannot write {}: {e}", dir.join(name).display()))
    };
    put(
        "diff.json",
        &serde_json::to_string_pretty(d).map_err(|e| e.to_string())?,
    )?;
    put("diff.md", &d.markdown())?;
    put("diff.html", &d.html())
}

/// Checks a report directory: every file present and matching the manifest, no other file, and
/// a suite fingerprint (in the manifest and in `results.json`) equal to `fingerprint`, this
/// harness's own, and every waiver applied in force on the run's date. `Err` names the first
/// mismatch.
pub fn verify(dir: &Path, fingerprint: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(dir.join(MANIFEST))
        .map_err(|e| format!("{MANIFEST}: cannot read it: {e}"))?;
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|e| format!("{MANIFEST}: not a manifest: {e}"))?;
    // The manifest is written in one canonical form: any edit to it, even one JSON ignores, is
    // an edit.
    if serde_json::to_string_pretty(&manifest).ok().as_deref() != Some(text.as_str()) {
        return Err(format!(
            "{MANIFEST}: edited after the run (not as the run wrote it)"
        ));
    }
    if manifest.schema != MANIFEST_SCHEMA {
        return Err(format!(
            "{MANIFEST}: schema {:?} is not {MANIFEST_SCHEMA:?}",
            manifest.schema
        ));
    }
    // Every required file is listed; every listed file is a report's and is as the run wrote it.
    if let Some(name) = FILES.iter().find(|n| !manifest.files.contains_key(**n)) {
        return Err(format!("{MANIFEST}: it lists no {name}"));
    }
    for (name, expected) in &manifest.files {
        if name == MANIFEST || !is_report_file(name) {
            return Err(format!("{MANIFEST}: lists an unknown file {name}"));
        }
        let bytes = std::fs::read(dir.join(name)).map_err(|e| format!("{name}: missing ({e})"))?;
        if &sha256(&bytes) != expected {
            return Err(format!(
                "{name}: edited after the run (its SHA-256 differs from the manifest's)"
            ));
        }
    }
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name != MANIFEST && !manifest.files.contains_key(&name) {
            return Err(format!(
                "{name}: not part of a report (added after the run)"
            ));
        }
    }
    if manifest.suite_fingerprint != fingerprint {
        return Err(format!(
            "{MANIFEST}: the report is of another suite ({}) than this harness's ({fingerprint})",
            manifest.suite_fingerprint
        ));
    }
    let results = std::fs::read_to_string(dir.join("results.json"))
        .map_err(|e| format!("results.json: {e}"))?;
    let results = Results::parse(&results).map_err(|e| format!("results.json: {e}"))?;
    if results.run.suite_fingerprint != fingerprint {
        return Err(format!(
            "results.json: the run is of another suite ({}) than this harness's ({fingerprint})",
            results.run.suite_fingerprint
        ));
    }
    waivers_in_force(&results)
}
