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

/// The file's code without its test code (`#[cfg(test)]` items: a `mod x;` line, or a block to
/// its closing brace) and without comments.
fn code_before_tests(text: &str) -> Vec<&str> {
    without_tests(text)
        .into_iter()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect()
}

/// The file's lines without its `#[cfg(test)]` items.
fn without_tests(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() != "#[cfg(test)]" {
            out.push(line);
            continue;
        }
        // The item it marks: one line ending in `;`, or a block counted to its closing brace.
        let mut depth = 0i32;
        for item in lines.by_ref() {
            depth += item.matches('{').count() as i32 - item.matches('}').count() as i32;
            let opened = item.contains('{');
            if depth <= 0 && (item.trim_end().ends_with(';') || opened || item.trim() == "}") {
                break;
            }
        }
    }
    out
}

/// Whether `code` names `module` of the crate (`crate::mock`, `crate::{…, mock::X, …}` over any
/// number of lines), or anything of the crate when `module` is empty.
fn imports(code: &str, module: &str) -> bool {
    crate_paths(code).iter().any(|p| names(p, module))
}

fn names(path: &str, module: &str) -> bool {
    module.is_empty() || path == module || path.starts_with(&format!("{module}::"))
}

/// Every path of the crate `code` names, each whole: `use crate::{a::B, c::{D, E as F}}`, on one
/// line or several, names `a::B`, `c::D` and `c::E`; `crate::x::y(…)` in code names `x::y`.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("crate::") {
        let start = from + at;
        from = start + "crate::".len();
        // `mycrate::` and `$crate::` are other crates' paths.
        if code[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        {
            continue;
        }
        // The use-tree: a path, and braces to their match, across lines.
        let rest = &code[from..];
        let mut depth = 0usize;
        let mut end = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth > 0 => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                c if depth == 0 && !(c.is_ascii_alphanumeric() || c == '_' || c == ':') => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        expand(&rest[..end], "", &mut out);
    }
    out
}

/// The paths a use-tree names under `prefix`.
fn expand(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let join = |head: &str| match (prefix.is_empty(), head.is_empty() || head == "self") {
        (_, true) => prefix.to_owned(),
        (true, false) => head.to_owned(),
        (false, false) => format!("{prefix}::{head}"),
    };
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        // `E as F` names E; whitespace inside a path (`a ::b`) is not significant.
        let path = tree.split(" as ").next().unwrap_or(tree);
        let path: String = path.chars().filter(|c| !c.is_whitespace()).collect();
        let path = path.trim_end_matches("::");
        out.push(join(path));
        return;
    };
    let head: String = tree[..open]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let under = join(head.trim_end_matches("::"));
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    // Its items: split on commas outside braces.
    let (mut depth, mut item) = (0usize, String::new());
    for c in inner.chars().chain([',']) {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                if !item.trim().is_empty() {
                    expand(&item, &under, out);
                }
                item.clear();
                continue;
            }
            _ => {}
        }
        item.push(c);
    }
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
                let hit = breaks(&text, forbidden);
                assert!(hit.is_none(), "{rule}: src/{rel}: {hit:?}");
            }
        }
    }
}

/// The first path of `forbidden` (`crate::mock`, or `crate::` for anything of the crate) that
/// the file's code before its tests names, grouped and multi-line imports read whole.
fn breaks(text: &str, forbidden: &str) -> Option<String> {
    let module = forbidden.trim_start_matches("crate::");
    crate_paths(&code_before_tests(text).join("\n"))
        .into_iter()
        .find(|p| names(p, module))
        .map(|p| format!("crate::{p}"))
}

#[test]
fn the_layer_rule_reads_grouped_and_multi_line_imports() {
    let grouped = "use crate::{\n    client::Client,\n    suite::Report,\n};\n";
    assert!(breaks(grouped, "crate::suite").is_some(), "{grouped}");
    assert!(breaks(grouped, "crate::mock").is_none(), "{grouped}");
    let nested = "use crate::{client, mock::{\n    MockServer, serve}};\n";
    assert!(breaks(nested, "crate::mock").is_some(), "{nested}");
    let one_line = "use crate::{format::Format, suite::check};\n";
    assert!(breaks(one_line, "crate::suite").is_some(), "{one_line}");
    let near = "use crate::{suite_like::X, mockery};\n// use crate::suite;\n";
    assert!(breaks(near, "crate::suite").is_none(), "{near}");
    assert!(breaks(near, "crate::mock").is_none(), "{near}");
    let tested = "use crate::client;\n#[cfg(test)]\nmod tests {\n    use crate::{\n        suite::X,\n    };\n}\n";
    assert!(breaks(tested, "crate::suite").is_none(), "{tested}");
    assert!(breaks("use crate::{\n  params};\n", "crate::").is_some());
    assert_eq!(
        crate_paths("use crate::{a::B, c::{self, D, E as F}};\nlet x = crate::g::h(1);"),
        ["a::B", "c", "c::D", "c::E", "g::h"]
    );
    assert!(crate_paths("use mycrate::mock; $crate::mock::X").is_empty());
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

/// The generic handler (`mock/shape/`) answers every other action of the API metadata from its
/// metadata alone: no module names one of those actions, since none has a module of its own.
#[test]
fn no_module_names_an_action_that_has_no_module_of_its_own() {
    let own: Vec<&str> = crate::contract::ACTIONS.iter().map(|a| a.name).collect();
    let others: std::collections::HashSet<&str> = crate::metadata::names()
        .filter(|n| !own.contains(n))
        .collect();
    assert!(others.len() > 300, "{} actions", others.len());
    let mut checked = 0;
    for (rel, text) in sources(&root()) {
        if is_test_file(&rel) {
            continue;
        }
        for line in code_before_tests(&text) {
            // The text between each pair of quotes on the line.
            let literals = line.split('"').skip(1).step_by(2);
            for literal in literals {
                assert!(
                    !others.contains(literal),
                    "src/{rel} names \"{literal}\", an action without a module of its own"
                );
            }
        }
        checked += 1;
    }
    assert!(checked > 50, "{checked} files checked");
}

#[test]
fn no_source_file_outgrows_its_room() {
    for (rel, text) in sources(&root()) {
        if is_test_file(&rel) {
            continue;
        }
        let lines = without_tests(&text).len();
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

/// Every `.rs`, `.sh`, `.py` and `.js` file of `src/`, `tests/` and `benches/`, relative to the
/// repository (`src/` left off for the crate's own).
fn listed_files() -> Vec<String> {
    let repo = root().parent().map(Path::to_path_buf).unwrap_or_default();
    let mut out = Vec::new();
    let mut stack = vec![repo.join("src"), repo.join("tests"), repo.join("benches")];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if name != "node_modules" && name != "snapshots" && !name.starts_with('.') {
                    stack.push(path);
                }
            } else if ["rs", "sh", "py", "js"]
                .iter()
                .any(|e| path.extension().is_some_and(|x| x == *e))
            {
                let rel = path.strip_prefix(&repo).unwrap_or(&path).to_string_lossy();
                let rel = rel.replace('\\', "/");
                out.push(rel.strip_prefix("src/").unwrap_or(&rel).to_owned());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_map_names_every_file() {
    let map = std::fs::read_to_string(root().join("../ARCHITECTURE.md")).unwrap_or_default();
    // A bullet: a line starting `- ` and the lines that continue it.
    let mut bullets: Vec<String> = Vec::new();
    for line in map.lines() {
        if line.starts_with("- ") || line.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            bullets.push(line.to_owned());
        } else if line.starts_with("  ")
            && let Some(last) = bullets.last_mut()
        {
            last.push(' ');
            last.push_str(line.trim());
        }
    }
    let files = listed_files();
    assert!(files.len() > 80, "{} files found", files.len());
    for rel in files {
        let (folder, name) = rel.rsplit_once('/').unwrap_or(("", &rel));
        let named = bullets.iter().any(|b| {
            (folder.is_empty() && b.contains(&format!("`{rel}`")))
                || (!folder.is_empty() && b.contains(&rel))
                || (!folder.is_empty()
                    && b.contains(&format!("{folder}/"))
                    && b.contains(&format!("`{name}`")))
        });
        assert!(
            named,
            "ARCHITECTURE.md does not name {rel}: add it to the map"
        );
    }
}

/// The modules a folder's `mod.rs` declares.
fn declared_modules(mod_rs: &str) -> Vec<String> {
    mod_rs
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let l = l
                .strip_prefix("pub(crate) ")
                .or_else(|| l.strip_prefix("pub "))
                .unwrap_or(l);
            l.strip_prefix("mod ")?.strip_suffix(';').map(str::to_owned)
        })
        .collect()
}

/// The first path segments a file imports through `use super::…;`.
fn imported_from_super(text: &str) -> Vec<String> {
    let code = code_before_tests(text).join("\n");
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("use super::") {
        let after = &rest[at + "use super::".len()..];
        let end = after.find(';').unwrap_or(after.len());
        let tree = &after[..end];
        let tree = tree.trim();
        let inner = tree
            .strip_prefix('{')
            .and_then(|t| t.strip_suffix('}'))
            .unwrap_or(tree);
        // Top-level items of the tree: split on commas outside braces.
        let mut depth = 0;
        let mut item = String::new();
        for c in inner.chars().chain([',']) {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    let first = item.trim().split("::").next().unwrap_or("").trim();
                    if !first.is_empty() {
                        out.push(first.to_owned());
                    }
                    item.clear();
                    continue;
                }
                _ => {}
            }
            item.push(c);
        }
        rest = &after[end..];
    }
    out
}

#[test]
fn the_mock_imports_nothing_back_from_its_face() {
    let mock = root().join("mock");
    let face = std::fs::read_to_string(mock.join("mod.rs")).unwrap_or_default();
    let modules = declared_modules(&face);
    assert!(modules.len() >= 5, "{modules:?}");
    for entry in std::fs::read_dir(&mock).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !name.ends_with(".rs") || name == "mod.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for first in imported_from_super(&text) {
            assert!(
                modules.contains(&first) || first == "*",
                "src/mock/{name} imports super::{first} from the folder's face: import it from \
                 the module that defines it"
            );
        }
    }
}

#[test]
fn test_code_is_cut_whole_and_only_it() {
    let text = "a\n#[cfg(test)]\nmod tests;\nb\n#[cfg(test)]\nmod t {\n    fn x() {\n    }\n}\nc\n#[cfg(test)]\nconst X: &[u8] = &[\n    1,\n];\nd\n";
    assert_eq!(without_tests(text), ["a", "b", "c", "d"]);
    assert!(imports("use crate::{client, mock::X};", "mock"));
    assert!(imports("use crate::mock;", "mock"));
    assert!(!imports("use crate::{client, mockery};", "mock"));
}

#[test]
fn imports_through_super_are_read_whole() {
    let text = "use super::{a::B, c, d::{E, F}};\nuse super::g::H;\n";
    assert_eq!(imported_from_super(text), ["a", "c", "d", "g"]);
    assert_eq!(
        declared_modules("mod a;\npub mod b;\npub(crate) mod c;\n"),
        ["a", "b", "c"]
    );
}
