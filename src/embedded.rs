//! The suite as compiled into the binary: feature files, catalogues and recorded answers (written
//! by `build.rs`). A run reads these unless it is given directories of edited copies.

mod files {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// `(file name, text)` of every `features/*.feature` and `features/*.tsv`.
pub fn features() -> &'static [(&'static str, &'static str)] {
    files::FEATURES
}

/// `(file name, text)` of every `snapshots/*.snap`.
pub fn recorded_answers() -> &'static [(&'static str, &'static str)] {
    files::RECORDED_ANSWERS
}

/// The embedded recorded answer `name` (`x.snap`).
pub fn recorded_answer(name: &str) -> Option<&'static str> {
    recorded_answers()
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
}
