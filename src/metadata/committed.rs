//! The committed extract (`data/ecs-2014-05-26.metadata.jsonl`), compiled in and indexed by
//! action: each line is parsed the first time it is asked for, so a run that needs two actions
//! never parses 358.

use std::sync::OnceLock;

use super::model::{Action, Header};

/// The committed extract.
pub(super) const EXTRACT: &str = include_str!("../../data/ecs-2014-05-26.metadata.jsonl");
/// Where it is committed.
pub const EXTRACT_PATH: &str = "data/ecs-2014-05-26.metadata.jsonl";

/// The committed extract, indexed by action: each line is parsed when first asked for.
struct Index {
    header: Header,
    lines: Vec<(&'static str, &'static str, OnceLock<Action>)>,
}

/// The extract is compiled in, and the unit tests parse every line of it, so a tested build
/// cannot fail here.
fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut lines = EXTRACT.lines();
        let header = serde_json::from_str(lines.next().unwrap_or_default())
            .unwrap_or_else(|e| panic!("data/ecs-2014-05-26.metadata.jsonl, its header: {e}"));
        let lines = lines
            .map(|line| {
                let name = line
                    .strip_prefix("{\"name\":\"")
                    .and_then(|rest| rest.split('"').next())
                    .unwrap_or_else(|| panic!("an extract line without a name first: {line:.60}"));
                (name, line, OnceLock::new())
            })
            .collect();
        Index { header, lines }
    })
}

/// The committed extract's header: its provenance and snapshot date.
pub fn header() -> &'static Header {
    &index().header
}

/// The action `name` of the committed extract.
pub fn action(name: &str) -> Option<&'static Action> {
    let index = index();
    let i = index
        .lines
        .binary_search_by(|(n, _, _)| (*n).cmp(name))
        .ok()?;
    let (_, line, parsed) = &index.lines[i];
    Some(parsed.get_or_init(|| {
        serde_json::from_str(line).unwrap_or_else(|e| panic!("the extract's {name}: {e}"))
    }))
}

/// The names of every action of the committed extract, sorted.
pub fn names() -> impl Iterator<Item = &'static str> {
    index().lines.iter().map(|(n, _, _)| *n)
}
