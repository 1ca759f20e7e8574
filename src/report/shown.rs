//! What the target was shown to do, from the exchanges a run recorded (setup calls aside): per
//! action and answer format, each documented error code it returned and in which scenarios, each
//! documented code it was never shown to return, and — apart — every code, top-level field or
//! Content-Type that no catalogue or declaration documents. A call of an action the API does not
//! have (the unknown-action probe) is shown as the probe it is, apart from the actions. Facts
//! about the answers, not verdicts: the verdicts are the scenarios'.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalogue::Catalogue;
use crate::format::Format;
use crate::results::{Exchange, Results, Scenario, was_capped};
use crate::suite::KNOWN_ERROR_FIELDS;
use crate::suite::document::Document;

/// What the section says before its tables.
pub const WORDS: &str = "From the answers the scenarios received (setup calls aside): facts      about the answers, not verdicts. A documented code not shown in this run may only not have      been asked for (a selection, scenarios not run).";

/// What a group of answers answered.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    /// An action of the API: declared by the harness or listed in Alibaba Cloud's metadata.
    Action(String),
    /// A call of an action the API does not have: a probe of how the endpoint refuses it.
    UnknownAction(String),
}

/// One action's answers in one format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub subject: Subject,
    pub format: Format,
    /// Documented codes returned, each with the scenarios (`feature / scenario`) that saw it.
    pub returned: BTreeMap<String, BTreeSet<String>>,
    /// The action's own documented codes it was never shown to return in this format.
    pub never: Vec<String>,
    /// Undocumented things returned (`code X`, `field Y`, `Content-Type Z`), with the scenarios.
    pub undocumented: BTreeMap<String, BTreeSet<String>>,
}

/// Whether `action`'s own catalogue or the platform's common one documents `code` with `status`:
/// a row with the code (or its pattern, `Missing{name}`, a name flattened or not) and the status
/// (or its class, `4xx`) — or the action's error table in the API metadata does. A row that
/// allows any code (`{any}`) documents none in particular.
fn documented(action: &str, code: &str, status: u16) -> bool {
    let fits = |pattern: &str| match (pattern.find('{'), pattern.find('}')) {
        (Some(open), Some(close)) => {
            let (prefix, suffix) = (&pattern[..open], &pattern[close + 1..]);
            !(prefix.is_empty() && suffix.is_empty())
                && code.len() > prefix.len() + suffix.len()
                && code.starts_with(prefix)
                && code.ends_with(suffix)
                && code[prefix.len()..code.len() - suffix.len()]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.')
        }
        _ => pattern == code,
    };
    let in_metadata = crate::metadata::action(action).is_some_and(|a| {
        a.errors()
            .any(|(s, c, _)| c == code && s.parse() == Ok(status))
    });
    in_metadata
        || Catalogue::of(action)
            .into_iter()
            .chain([Catalogue::common()])
            .flat_map(|c| c.rows())
            .any(|r| fits(&r.answer.code) && r.answer.status.matches(status))
}

/// Whether `content_type` is the documented one for `format`.
fn documented_content_type(format: Format, content_type: &str) -> bool {
    let ct = content_type.to_ascii_lowercase();
    match format {
        Format::Xml => ct == "text/xml;charset=utf-8",
        Format::Json => ct.split(';').next().map(str::trim) == Some("application/json"),
    }
}

fn parse(x: &Exchange) -> Option<Document> {
    match x.format {
        Format::Xml => Document::parse_xml(&x.body).ok(),
        Format::Json => Document::parse_json(&x.body).ok(),
    }
}

/// What a call of `action` answered: an action of the API, or a probe of one it does not have.
fn subject(action: &str) -> Subject {
    let known =
        crate::contract::find(action).is_some() || crate::metadata::names().any(|n| n == action);
    if known {
        Subject::Action(action.to_owned())
    } else {
        Subject::UnknownAction(action.to_owned())
    }
}

impl Shown {
    /// `ResetDisk, XML`; `a probe: an action the API does not have (DeleteEverything), XML`.
    pub fn title(&self) -> String {
        match &self.subject {
            Subject::Action(a) => format!("{a}, {}", self.format.as_param()),
            Subject::UnknownAction(a) => format!(
                "A probe: an action the API does not have ({a}), {}",
                self.format.as_param()
            ),
        }
    }
}

/// Every action and format the run's answers came in, the actions first, then the probes.
pub fn shown(r: &Results) -> Vec<Shown> {
    let mut by: BTreeMap<(Subject, Format), Shown> = BTreeMap::new();
    let exchanges = r
        .scenarios
        .iter()
        .flat_map(|s| s.exchanges.iter().map(move |x| (s, x)))
        .filter(|(_, x)| !x.setup);
    for (s, x) in exchanges {
        let subject = subject(&x.action);
        let entry = by
            .entry((subject.clone(), x.format))
            .or_insert_with(|| Shown {
                subject,
                format: x.format,
                returned: BTreeMap::new(),
                never: Vec::new(),
                undocumented: BTreeMap::new(),
            });
        note(entry, s, x);
    }
    for shown in by.values_mut() {
        let Subject::Action(action) = &shown.subject else {
            continue;
        };
        if let Some(catalogue) = Catalogue::of(action) {
            let mut never: Vec<String> = catalogue
                .rows()
                .iter()
                .map(|r| r.answer.code.clone())
                .filter(|c| !shown.returned.contains_key(c))
                .collect();
            never.sort();
            never.dedup();
            shown.never = never;
        }
    }
    by.into_values().collect()
}

/// What one exchange showed.
fn note(shown: &mut Shown, s: &Scenario, x: &Exchange) {
    let name = s.label();
    let mut undocumented = |what: String| {
        shown
            .undocumented
            .entry(what)
            .or_default()
            .insert(name.clone());
    };
    if !documented_content_type(x.format, &x.content_type) {
        undocumented(format!("Content-Type {}", x.content_type));
    }
    let Some(doc) = parse(x) else {
        // A body the report cut (over 64 KiB) is not the target's to answer for.
        if !was_capped(&x.body) {
            undocumented("a body that does not parse as its format".into());
        }
        return;
    };
    let error = x.status >= 400;
    let known: &[&str] = if error {
        &KNOWN_ERROR_FIELDS
    } else {
        crate::contract::find(&x.action).map_or(&[], |a| a.answer_fields)
    };
    if error || !known.is_empty() {
        for field in doc.body.names() {
            if !known.contains(&field) {
                undocumented(format!("field {field}"));
            }
        }
    }
    if let Some(code) = doc.field("Code").filter(|_| error) {
        if documented(&x.action, code, x.status) {
            shown
                .returned
                .entry(code.to_owned())
                .or_default()
                .insert(name.clone());
        } else {
            undocumented(format!("code {code}"));
        }
    }
}

/// How many scenarios, and one for example.
pub fn seen_in(names: &BTreeSet<String>) -> String {
    match names.iter().next() {
        Some(first) if names.len() > 1 => format!("{} scenarios, e.g. {first}", names.len()),
        Some(first) => first.clone(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_the_api_does_not_have_is_a_probe_not_an_action() {
        assert_eq!(
            subject("DeleteEverything"),
            Subject::UnknownAction("DeleteEverything".into())
        );
        assert_eq!(subject("ResetDisk"), Subject::Action("ResetDisk".into()));
        // An action of the metadata the harness declares nothing of is still an action.
        assert_eq!(
            subject("StopInstance"),
            Subject::Action("StopInstance".into())
        );
    }

    #[test]
    fn codes_are_documented_by_row_or_pattern_never_by_any() {
        assert!(documented("ResetDisk", "IncorrectDiskStatus", 403));
        assert!(
            !documented("ResetDisk", "IncorrectDiskStatus", 400),
            "its status counts"
        );
        assert!(
            !documented("DescribeRegions", "IncorrectDiskStatus", 403),
            "another action's"
        );
        assert!(documented("ResetDisk", "MissingDiskId", 400));
        assert!(!documented("ResetDisk", "Missing", 400));
        assert!(!documented("ResetDisk", "Missing|x", 400));
        assert!(!documented("ResetDisk", "Vendor.Oops", 400));
        assert!(documented_content_type(
            Format::Xml,
            "text/xml;charset=utf-8"
        ));
        assert!(!documented_content_type(Format::Xml, "application/xml"));
        assert!(documented_content_type(
            Format::Json,
            "Application/JSON; charset=UTF-8"
        ));
    }
}
