//! Snapshots of answers: named from the feature and the scenario, validated, redacted, compared.
//!
//! A snapshot holds the HTTP status, the `Content-Type`, and the canonical body: XML keeps element
//! names, order and text (re-indented); JSON keeps keys and values with keys sorted (their order
//! is not significant). Values that legitimately vary by target or call are first checked for
//! their shape — `RequestId` is an uppercase UUID, `HostId` is not empty, `Recommend` is a URL, a
//! `SignatureDoesNotMatch` message ends with a string-to-sign — and then replaced by a marker.
//! Everything else is compared exactly.
//!
//! Files live in `snapshots/` in insta's format. Against the embedded mock, a missing or different
//! snapshot is also handed to insta, which writes `snapshots/NAME.snap.new` for `cargo insta review`
//! (never with `CI=true`). Against any other endpoint snapshots are only read: a vendor's answers
//! never become the reference.

use std::path::{Path, PathBuf};

use super::document::{Document, Node};
use crate::client::RawResponse;
use crate::format::Format;

/// Where snapshots are read from and written to.
pub fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots")
}

/// What to do when a snapshot is missing or differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotMode {
    /// Fail, and let insta record the new answer for review (unless `CI=true`).
    Review,
    /// Fail; write nothing.
    CheckOnly,
}

/// `feature__scenario`, lowercase, words joined by `_`: stable, no line numbers, no target.
pub fn snapshot_name(feature: &str, scenario: &str) -> String {
    format!("{}__{}", slug(feature), slug(scenario))
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// Fields whose values vary by target or call: checked for shape, then masked.
fn redact(code: Option<&str>, name: &str, value: &str) -> Result<Option<String>, String> {
    let check = |ok: bool, what: &str| {
        if ok {
            Ok(())
        } else {
            Err(format!("{name} {value:?} is not {what}"))
        }
    };
    match name {
        "RequestId" => {
            check(is_request_id(value), "an uppercase UUID")?;
            Ok(Some("[uuid]".into()))
        }
        "HostId" => {
            check(!value.trim().is_empty(), "a host")?;
            Ok(Some("[host]".into()))
        }
        "Recommend" => {
            check(
                value.starts_with("https://") || value.starts_with("http://"),
                "a URL",
            )?;
            Ok(Some("[url]".into()))
        }
        "Message" if code == Some("SignatureDoesNotMatch") => {
            let marker = "server string to sign is:";
            let (head, sts) = value
                .split_once(marker)
                .ok_or_else(|| format!("Message {value:?} does not end with {marker:?}"))?;
            check(!sts.is_empty(), "followed by a string to sign")?;
            Ok(Some(format!("{head}{marker}[string-to-sign]")))
        }
        _ => Ok(None),
    }
}

/// An uppercase UUID, 8-4-4-4-12 hex digits.
pub fn is_request_id(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| {
            g.len() == n
                && g.bytes()
                    .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
        })
}

/// The canonical, redacted text of an answer; `Err` lists every value whose shape is wrong and
/// any body that does not parse in its declared format.
pub fn canonical(format: Format, response: &RawResponse) -> Result<String, Vec<String>> {
    let mut problems = Vec::new();
    let body = match format {
        Format::Xml => match Document::parse_xml(&response.body) {
            Ok(doc) => {
                let code = doc.field("Code").map(str::to_owned);
                let mut out = String::new();
                let root = doc.root.clone().unwrap_or_default();
                write_xml(
                    &mut out,
                    &root,
                    &doc.body,
                    0,
                    code.as_deref(),
                    &mut problems,
                );
                out
            }
            Err(e) => {
                problems.push(format!("body: {e}"));
                String::new()
            }
        },
        Format::Json => match serde_json::from_str::<serde_json::Value>(&response.body) {
            Ok(mut value) => {
                let code = value["Code"].as_str().map(str::to_owned);
                if let Some(map) = value.as_object_mut() {
                    for (k, v) in map.iter_mut() {
                        if let Some(text) = v.as_str() {
                            match redact(code.as_deref(), k, text) {
                                Ok(Some(masked)) => *v = serde_json::Value::String(masked),
                                Ok(None) => {}
                                Err(e) => problems.push(e),
                            }
                        }
                    }
                }
                serde_json::to_string_pretty(&value).unwrap_or_default()
            }
            Err(e) => {
                problems.push(format!("body: not JSON: {e}"));
                String::new()
            }
        },
    };
    if problems.is_empty() {
        Ok(format!(
            "status: {}\ncontent-type: {}\nbody:\n{}\n",
            response.status,
            response.content_type,
            body.trim_end()
        ))
    } else {
        Err(problems)
    }
}

fn write_xml(
    out: &mut String,
    name: &str,
    node: &Node,
    depth: usize,
    code: Option<&str>,
    problems: &mut Vec<String>,
) {
    let indent = "  ".repeat(depth);
    match node {
        // `<X></X>` and `<X/>` are the same element.
        Node::Text(text) if text.is_empty() => {
            out.push_str(&format!("{indent}<{name}/>\n"));
        }
        Node::Text(text) => {
            // Only the envelope's own fields vary by call; nested values are data.
            let shown = if depth == 1 {
                match redact(code, name, text) {
                    Ok(Some(masked)) => masked,
                    Ok(None) => text.clone(),
                    Err(e) => {
                        problems.push(e);
                        text.clone()
                    }
                }
            } else {
                text.clone()
            };
            out.push_str(&format!("{indent}<{name}>{shown}</{name}>\n"));
        }
        Node::Object(children) if children.is_empty() => {
            out.push_str(&format!("{indent}<{name}/>\n"));
        }
        Node::Object(children) => {
            out.push_str(&format!("{indent}<{name}>\n"));
            for (child, value) in children {
                write_xml(out, child, value, depth + 1, code, problems);
            }
            out.push_str(&format!("{indent}</{name}>\n"));
        }
    }
}

/// Compares `content` with the snapshot `name`. `Err` says what differs, line by line.
pub fn check(name: &str, content: &str, mode: SnapshotMode) -> Result<(), String> {
    let dir = snapshot_dir();
    let path = dir.join(format!("{name}.snap"));
    let stored = insta::Snapshot::from_file(&path)
        .ok()
        .and_then(|s| s.as_text().map(|t| t.to_string()));
    let result = match &stored {
        Some(s) if s.trim_end() == content.trim_end() => return Ok(()),
        Some(s) => Err(format!(
            "differs from snapshots/{name}.snap:\n{}",
            line_diff(s, content)
        )),
        None => Err(format!(
            "no committed snapshot snapshots/{name}.snap; the answer was:\n{content}"
        )),
    };
    if mode == SnapshotMode::Review {
        record_for_review(&dir, name, content);
    }
    result
}

/// Lets insta write `NAME.snap.new` (or the snapshot itself under `INSTA_UPDATE=always`).
fn record_for_review(dir: &Path, name: &str, content: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(name, content));
    }));
}

fn line_diff(expected: &str, got: &str) -> String {
    let (e, g): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), got.lines().collect());
    let mut out = Vec::new();
    for i in 0..e.len().max(g.len()) {
        match (e.get(i), g.get(i)) {
            (Some(a), Some(b)) if a == b => {}
            (a, b) => out.push(format!(
                "  line {}: expected {}, got {}",
                i + 1,
                a.map_or("(nothing)".into(), |s| format!("`{}`", s.trim())),
                b.map_or("(nothing)".into(), |s| format!("`{}`", s.trim()))
            )),
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, ct: &str, body: &str) -> RawResponse {
        RawResponse {
            status,
            content_type: ct.into(),
            body: body.into(),
        }
    }

    const XML_ERROR: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>F3CD6886-D8D0-4FEE-B93E-1B73239673DE</RequestId><HostId>h</HostId><Code>X</Code><Message>m</Message><Recommend>https://x</Recommend></Error>"#;

    #[test]
    fn names_are_stable_slugs() {
        assert_eq!(
            snapshot_name(
                "ResetDisk: errors",
                "Disk.NotFound for a released disk (XML)"
            ),
            "resetdisk_errors__disk_notfound_for_a_released_disk_xml"
        );
    }

    #[test]
    fn xml_is_validated_then_redacted_keeping_order() {
        let c = canonical(Format::Xml, &raw(404, "text/xml;charset=utf-8", XML_ERROR)).unwrap();
        assert_eq!(
            c,
            "status: 404\ncontent-type: text/xml;charset=utf-8\nbody:\n<Error>\n  <RequestId>[uuid]</RequestId>\n  <HostId>[host]</HostId>\n  <Code>X</Code>\n  <Message>m</Message>\n  <Recommend>[url]</Recommend>\n</Error>\n"
        );
    }

    #[test]
    fn json_keys_are_sorted_and_volatile_values_checked() {
        let a = canonical(
            Format::Json,
            &raw(
                200,
                "j",
                r#"{"RequestId":"F3CD6886-D8D0-4FEE-B93E-1B73239673DE","B":1,"A":"x"}"#,
            ),
        )
        .unwrap();
        let b = canonical(
            Format::Json,
            &raw(
                200,
                "j",
                r#"{"A":"x","B":1,"RequestId":"00000000-0000-0000-0000-000000000000"}"#,
            ),
        )
        .unwrap();
        assert_eq!(a, b);
        let bad = canonical(Format::Json, &raw(200, "j", r#"{"RequestId":"req-1"}"#)).unwrap_err();
        assert_eq!(
            bad,
            vec![r#"RequestId "req-1" is not an uppercase UUID"#.to_owned()]
        );
        let lower = canonical(
            Format::Json,
            &raw(
                200,
                "j",
                r#"{"RequestId":"f3cd6886-d8d0-4fee-b93e-1b73239673de"}"#,
            ),
        );
        assert!(lower.is_err());
    }

    #[test]
    fn empty_elements_canonicalise_alike() {
        let a = canonical(Format::Xml, &raw(200, "x", "<R><A></A><B/></R>")).unwrap();
        let b = canonical(Format::Xml, &raw(200, "x", "<R><A/><B></B></R>")).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn a_body_in_the_wrong_format_is_a_problem() {
        assert!(canonical(Format::Json, &raw(200, "j", XML_ERROR)).is_err());
        assert!(canonical(Format::Xml, &raw(200, "x", "{}")).is_err());
    }

    #[test]
    fn the_diff_names_each_differing_line() {
        assert_eq!(
            line_diff("a\nb\nc", "a\nB"),
            "  line 2: expected `b`, got `B`\n  line 3: expected `c`, got (nothing)"
        );
    }
}
