//! Recorded answers (insta snapshots): named from the feature and the scenario, redacted,
//! compared.
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

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::document::{Document, Node};
use crate::client::RawResponse;
use crate::format::Format;
use crate::results::slug_with;

/// Where `cargo test` writes answers for review: the checkout's `snapshots/`.
fn review_dir() -> PathBuf {
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
    slug_with(s, '_')
}

/// Fields whose values vary by target or call are masked; their shapes are the envelope checks'
/// business (`check`), not the recorded answer's.
fn redact(code: Option<&str>, name: &str, value: &str) -> Option<String> {
    match name {
        "RequestId" => Some("[uuid]".into()),
        "HostId" => Some("[host]".into()),
        "Recommend" => Some("[url]".into()),
        // A success's SnapshotId is the snapshot the call created: the target names it.
        "SnapshotId" if code.is_none() => Some("[snapshot-id]".into()),
        "Message" if code == Some("SignatureDoesNotMatch") => {
            // V1: "... server string to sign is:<sts>"; V3: "... server StringToSign is [<sts>]
            // server CanonicalRequest is [<request>]". The client's own values vary per call.
            if let Some((head, _)) = value.split_once("server string to sign is:") {
                Some(format!("{head}server string to sign is:[string-to-sign]"))
            } else {
                value
                    .split_once("server StringToSign is [")
                    .map(|(head, _)| format!("{head}server StringToSign is [[string-to-sign]] server CanonicalRequest is [[canonical-request]]"))
            }
        }
        _ => None,
    }
}

/// The canonical, redacted text of an answer in `format`: status, Content-Type, and the body
/// (XML re-indented in document order; JSON with sorted keys). A body that does not parse is kept
/// as it came.
pub fn canonical(format: Format, response: &RawResponse) -> String {
    let body = match format {
        Format::Xml => match Document::parse_xml(&response.body) {
            Ok(doc) => {
                let code = doc.field("Code").map(str::to_owned);
                let mut out = String::new();
                let root = doc.root.clone().unwrap_or_default();
                write_xml(&mut out, &root, &doc.body, 0, code.as_deref());
                out
            }
            Err(_) => response.body.clone(),
        },
        Format::Json => match serde_json::from_str::<serde_json::Value>(&response.body) {
            Ok(mut value) => {
                let code = value["Code"].as_str().map(str::to_owned);
                if let Some(map) = value.as_object_mut() {
                    for (k, v) in map.iter_mut() {
                        if let Some(masked) = v.as_str().and_then(|t| redact(code.as_deref(), k, t))
                        {
                            *v = serde_json::Value::String(masked);
                        }
                    }
                }
                serde_json::to_string_pretty(&value).unwrap_or_default()
            }
            Err(_) => response.body.clone(),
        },
    };
    format!(
        "status: {}\ncontent-type: {}\nbody:\n{}\n",
        response.status,
        response.content_type,
        body.trim_end()
    )
}

/// An answer's body as `path = value` fields (nested names joined with `.`, a repeated name
/// numbered `Name#2`), volatile values masked as in a recorded answer; a body that does not parse
/// is one field, `(body)`. For comparing two runs' answers field by field.
pub fn answer_fields(format: Format, body: &str) -> BTreeMap<String, String> {
    let doc = match format {
        Format::Xml => Document::parse_xml(body),
        Format::Json => Document::parse_json(body),
    };
    let mut out = BTreeMap::new();
    match doc {
        Ok(doc) => {
            let code = doc.field("Code").map(str::to_owned);
            flatten(&doc.body, "", 0, code.as_deref(), &mut out);
        }
        Err(_) => {
            out.insert("(body)".to_owned(), body.to_owned());
        }
    }
    out
}

fn flatten(
    node: &Node,
    path: &str,
    depth: usize,
    code: Option<&str>,
    out: &mut BTreeMap<String, String>,
) {
    match node {
        Node::Text(text) => {
            let name = path.rsplit('.').next().unwrap_or(path);
            let masked = (depth == 1).then(|| redact(code, name, text)).flatten();
            out.insert(path.to_owned(), masked.unwrap_or_else(|| text.clone()));
        }
        Node::Object(fields) if fields.is_empty() => {
            out.insert(path.to_owned(), String::new());
        }
        Node::Object(fields) => {
            let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
            for (name, value) in fields {
                let n = seen.entry(name).or_default();
                *n += 1;
                let key = if *n == 1 {
                    name.clone()
                } else {
                    format!("{name}#{n}")
                };
                let child = if path.is_empty() {
                    key
                } else {
                    format!("{path}.{key}")
                };
                flatten(value, &child, depth + 1, code, out);
            }
        }
    }
}

fn write_xml(out: &mut String, name: &str, node: &Node, depth: usize, code: Option<&str>) {
    let indent = "  ".repeat(depth);
    match node {
        // `<X></X>` and `<X/>` are the same element.
        Node::Text(text) if text.is_empty() => {
            out.push_str(&format!("{indent}<{name}/>\n"));
        }
        Node::Text(text) => {
            // Only the envelope's own fields vary by call; nested values are data.
            let masked = (depth == 1).then(|| redact(code, name, text)).flatten();
            let shown = masked.as_deref().unwrap_or(text);
            out.push_str(&format!("{indent}<{name}>{shown}</{name}>\n"));
        }
        Node::Object(children) if children.is_empty() => {
            out.push_str(&format!("{indent}<{name}/>\n"));
        }
        Node::Object(children) => {
            out.push_str(&format!("{indent}<{name}>\n"));
            for (child, value) in children {
                write_xml(out, child, value, depth + 1, code);
            }
            out.push_str(&format!("{indent}</{name}>\n"));
        }
    }
}

/// The content of an insta `.snap` file: what follows its `---` front matter.
fn contents(snap: &str) -> Option<&str> {
    let rest = snap.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some(&rest[end + "\n---\n".len()..])
}

/// Compares `content` with the recorded answer `name` (`stored`, the `.snap` file's text, if
/// any). `Err` says what differs, line by line.
pub fn check(
    name: &str,
    content: &str,
    stored: Option<&str>,
    mode: SnapshotMode,
) -> Result<(), String> {
    let stored = stored.and_then(contents);
    let result = match stored {
        Some(s) if s.trim_end() == content.trim_end() => return Ok(()),
        Some(s) => Err(format!(
            "differs from the recorded answer snapshots/{name}.snap:\n{}",
            line_diff(s, content)
        )),
        None => Err(format!(
            "no recorded answer snapshots/{name}.snap; the answer was:\n{content}"
        )),
    };
    if mode == SnapshotMode::Review {
        record_for_review(&review_dir(), name, content);
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
            retry_after: None,
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
        assert_eq!(
            snapshot_name("ResetDisk errors: the account", "A reset (XML)"),
            "resetdisk_errors_the_account__a_reset_xml"
        );
    }

    #[test]
    fn xml_is_redacted_keeping_order() {
        let c = canonical(Format::Xml, &raw(404, "text/xml;charset=utf-8", XML_ERROR));
        assert_eq!(
            c,
            "status: 404\ncontent-type: text/xml;charset=utf-8\nbody:\n<Error>\n  <RequestId>[uuid]</RequestId>\n  <HostId>[host]</HostId>\n  <Code>X</Code>\n  <Message>m</Message>\n  <Recommend>[url]</Recommend>\n</Error>\n"
        );
    }

    #[test]
    fn json_keys_are_sorted_and_volatile_values_masked() {
        let a = canonical(
            Format::Json,
            &raw(
                200,
                "j",
                r#"{"RequestId":"F3CD6886-D8D0-4FEE-B93E-1B73239673DE","B":1,"A":"x"}"#,
            ),
        );
        let b = canonical(
            Format::Json,
            &raw(200, "j", r#"{"A":"x","B":1,"RequestId":"req-1"}"#),
        );
        assert_eq!(a, b);
    }

    #[test]
    fn both_signature_messages_mask_the_clients_values() {
        let v1 =
            r#"{"Code":"SignatureDoesNotMatch","Message":"m. server string to sign is:GET&x"}"#;
        assert!(canonical(Format::Json, &raw(400, "j", v1)).contains("is:[string-to-sign]"));
        let v3 = r#"{"Code":"SignatureDoesNotMatch","Message":"m. server StringToSign is [A\nb] server CanonicalRequest is [POST\n/]"}"#;
        let c = canonical(Format::Json, &raw(400, "j", v3));
        assert!(
            c.contains("is [[string-to-sign]] server CanonicalRequest is [[canonical-request]]"),
            "{c}"
        );
    }

    #[test]
    fn empty_elements_canonicalise_alike() {
        let a = canonical(Format::Xml, &raw(200, "x", "<R><A></A><B/></R>"));
        let b = canonical(Format::Xml, &raw(200, "x", "<R><A/><B></B></R>"));
        assert_eq!(a, b);
    }

    #[test]
    fn a_body_that_does_not_parse_is_kept_as_it_came() {
        assert!(canonical(Format::Json, &raw(200, "j", "<x/>")).ends_with("body:\n<x/>\n"));
    }

    #[test]
    fn a_recorded_answer_is_read_after_its_front_matter() {
        let snap = "---\nsource: src/suite/recorded.rs\n---\nstatus: 200\nbody:\nx\n";
        assert_eq!(
            check(
                "n",
                "status: 200\nbody:\nx",
                Some(snap),
                SnapshotMode::CheckOnly
            ),
            Ok(())
        );
        let e = check("n", "status: 404", Some(snap), SnapshotMode::CheckOnly).unwrap_err();
        assert!(
            e.contains("line 1: expected `status: 200`, got `status: 404`"),
            "{e}"
        );
        assert!(
            check("n", "x", None, SnapshotMode::CheckOnly)
                .unwrap_err()
                .contains("no recorded answer")
        );
    }

    #[test]
    fn the_diff_names_each_differing_line() {
        assert_eq!(
            line_diff("a\nb\nc", "a\nB"),
            "  line 2: expected `b`, got `B`\n  line 3: expected `c`, got (nothing)"
        );
    }
}
