//! What the target was shown to do, from the exchanges a run recorded (setup calls aside): per
//! action and answer format, each documented error code it returned and in which scenarios, each
//! documented code it was never shown to return, and — apart — every code, top-level field or
//! Content-Type that no catalogue or declaration documents. Facts about the answers, not verdicts:
//! the verdicts are the scenarios'.

use std::collections::{BTreeMap, BTreeSet};

use super::results::{Exchange, Results, Scenario};
use crate::catalogue::Catalogue;
use crate::suite::KNOWN_ERROR_FIELDS;
use crate::suite::document::Document;

/// One action's answers in one format.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Shown {
    pub action: String,
    pub format: String,
    /// Documented codes returned, each with the scenarios (`feature / scenario`) that saw it.
    pub returned: BTreeMap<String, BTreeSet<String>>,
    /// The action's own documented codes it was never shown to return in this format.
    pub never: Vec<String>,
    /// Undocumented things returned (`code X`, `field Y`, `Content-Type Z`), with the scenarios.
    pub undocumented: BTreeMap<String, BTreeSet<String>>,
}

/// Whether `action`'s own catalogue or the platform's common one documents `code` with `status`:
/// a row with the code (or its pattern, `Missing{name}`) and the status (or its class, `4xx`). A
/// row that allows any code (`{any}`) documents none in particular.
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
                    .all(|b| b.is_ascii_alphanumeric())
        }
        _ => pattern == code,
    };
    Catalogue::of(action)
        .into_iter()
        .chain([Catalogue::common()])
        .flat_map(|c| c.rows())
        .any(|r| fits(&r.answer.code) && r.answer.status.matches(status))
}

/// Whether `content_type` is the documented one for `format`.
fn documented_content_type(format: &str, content_type: &str) -> bool {
    let ct = content_type.to_ascii_lowercase();
    match format.to_ascii_uppercase().as_str() {
        "XML" => ct == "text/xml;charset=utf-8",
        _ => ct.split(';').next().map(str::trim) == Some("application/json"),
    }
}

fn parse(x: &Exchange) -> Option<Document> {
    match x.format.to_ascii_uppercase().as_str() {
        "XML" => Document::parse_xml(&x.body).ok(),
        _ => Document::parse_json(&x.body).ok(),
    }
}

/// Every action and format the run's answers came in, in that order.
pub fn shown(r: &Results) -> Vec<Shown> {
    let mut by: BTreeMap<(String, String), Shown> = BTreeMap::new();
    let exchanges = r
        .scenarios
        .iter()
        .flat_map(|s| s.exchanges.iter().map(move |x| (s, x)))
        .filter(|(_, x)| !x.setup);
    for (s, x) in exchanges {
        let format = x.format.to_ascii_uppercase();
        let entry = by
            .entry((x.action.clone(), format.clone()))
            .or_insert_with(|| Shown {
                action: x.action.clone(),
                format,
                ..Shown::default()
            });
        note(entry, s, x);
    }
    for shown in by.values_mut() {
        if let Some(catalogue) = Catalogue::of(&shown.action) {
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
    let name = format!("{} / {}", s.feature, s.name);
    let mut undocumented = |what: String| {
        shown
            .undocumented
            .entry(what)
            .or_default()
            .insert(name.clone());
    };
    if !documented_content_type(&x.format, &x.content_type) {
        undocumented(format!("Content-Type {}", x.content_type));
    }
    let Some(doc) = parse(x) else {
        // A body the report cut (over 64 KiB) is not the target's to answer for.
        if !x.body.ends_with(" more bytes]") {
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(documented_content_type("XML", "text/xml;charset=utf-8"));
        assert!(!documented_content_type("XML", "application/xml"));
        assert!(documented_content_type(
            "JSON",
            "Application/JSON; charset=UTF-8"
        ));
    }
}
