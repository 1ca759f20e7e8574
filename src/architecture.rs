//! The map's rules that a test can check (ARCHITECTURE.md, "Invariants"): which layer may import
//! which, that no shared module names an action, and how long a source file may grow.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, with its path relative to `src/`.
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root()).unwrap_or(&path);
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                out.push((rel.to_string_lossy().replace('\\', "/"), text));
            }
        }
    }
    out.sort();
    out
}

/// Whether the whole file is test code: a `tests` module of its own.
fn is_test_file(rel: &str) -> bool {
    rel.ends_with("/tests.rs") || rel.contains("/tests/") || rel == "architecture.rs"
}

/// The code before the file's test module, without comments.
fn code_before_tests(text: &str) -> Vec<&str> {
    text.lines()
        .take_while(|l| !l.starts_with("#[cfg(test)]"))
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect()
}

#[test]
fn layers_import_in_one_direction() {
    let rules = [
        (
            "client/",
            "crate::mock",
            "the client imports nothing from the mock",
        ),
        (
            "mock/",
            "crate::suite",
            "the mock imports nothing from the suite",
        ),
        (
            "contract/",
            "crate::mock",
            "declarations import nothing from the mock",
        ),
        (
            "contract/",
            "crate::suite",
            "declarations import nothing from the suite",
        ),
        (
            "signing.rs",
            "crate::",
            "signing imports nothing of the crate",
        ),
    ];
    for (rel, text) in sources(&root()) {
        for (under, forbidden, rule) in rules {
            if rel.starts_with(under) && !is_test_file(&rel) {
                let hit = code_before_tests(&text)
                    .into_iter()
                    .find(|l| l.contains(forbidden));
                assert!(hit.is_none(), "{rule}: src/{rel}: {hit:?}");
            }
        }
    }
}

#[test]
fn only_its_own_modules_name_an_action() {
    let snake = |name: &str| {
        let mut s = String::new();
        for (i, c) in name.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                s.push('_');
            }
            s.push(c.to_ascii_lowercase());
        }
        s
    };
    let mut checked = 0;
    for action in crate::contract::ACTIONS {
        let literal = format!("\"{}\"", action.name);
        let own = format!("{}.rs", snake(action.name));
        let declared_in = if action.role == crate::contract::Role::Support {
            "contract/describe.rs"
        } else {
            "contract/"
        };
        for (rel, text) in sources(&root()) {
            if is_test_file(&rel) || rel.ends_with(&own) || rel.starts_with(declared_in) {
                continue;
            }
            let hit = code_before_tests(&text)
                .into_iter()
                .find(|l| l.contains(&literal));
            assert!(
                hit.is_none(),
                "src/{rel} names {literal}: only the action's own modules may ({hit:?})"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked} files checked");
}

#[test]
fn no_source_file_outgrows_its_room() {
    for (rel, text) in sources(&root()) {
        if is_test_file(&rel) {
            continue;
        }
        let lines = text
            .lines()
            .take_while(|l| !l.starts_with("#[cfg(test)]"))
            .count();
        let limit = match rel.as_str() {
            "main.rs" | "suite/mod.rs" => 400,
            _ => 1000,
        };
        assert!(
            lines <= limit,
            "src/{rel}: {lines} lines before its tests, more than {limit}: split it by concern"
        );
    }
}
