//! Waived scenarios in `junit.xml`: cucumber-rs's JUnit writer shows a scenario whose step failed
//! as a `<failure>`; a waived one (`run --waivers`) becomes
//! `<skipped message="waived: REASON (ISSUE)"/>`, its output kept, and its suite's `failures`
//! count drops by one (`skipped` counts it). Every other byte of the file stays as cucumber
//! wrote it.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

/// A waived scenario, and what its `<skipped>` says.
pub struct WaivedCase {
    pub feature: String,
    pub scenario: String,
    pub message: String,
}

/// `xml` with each waived scenario's `<failure>` replaced by `<skipped message=…/>`.
pub fn mark_waived(xml: &str, waived: &[WaivedCase]) -> Result<String, String> {
    if waived.is_empty() {
        return Ok(xml.to_owned());
    }
    // First the conversions per suite (their counts are attributes of the suite's start tag),
    // then the file with them.
    let (_, per_suite) = rewrite(xml, waived, &[])?;
    let (out, _) = rewrite(xml, waived, &per_suite)?;
    Ok(out)
}

fn attr(e: &BytesStart, name: &[u8]) -> String {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
        .unwrap_or_default()
}

/// The waived case a `<testcase>` of the suite `suite` is, if any: cucumber names a suite
/// `Feature: NAME[: PATH]` and a case `[Rule: R: ]Scenario: NAME: PATH:LINE:COL`.
fn waived_case<'w>(waived: &'w [WaivedCase], suite: &str, case: &str) -> Option<&'w WaivedCase> {
    waived.iter().find(|w| {
        let feature = format!("Feature: {}", w.feature);
        let scenario = format!("Scenario: {}", w.scenario);
        (suite == feature || suite.starts_with(&format!("{feature}: ")))
            && (case.ends_with(&scenario) || case.contains(&format!("{scenario}: ")))
    })
}

/// One pass: the file with `<failure>`s of waived cases replaced and each suite's counts
/// lowered by `per_suite` (empty: left as they are), and how many were replaced per suite.
fn rewrite(
    xml: &str,
    waived: &[WaivedCase],
    per_suite: &[usize],
) -> Result<(String, Vec<usize>), String> {
    let mut reader = Reader::from_str(xml);
    let mut writer = Writer::new(Vec::new());
    let mut counts: Vec<usize> = Vec::new();
    let mut suite = String::new();
    let mut case: Option<&WaivedCase> = None;
    let mut in_failure = false;
    let bad = |e: quick_xml::Error| format!("junit.xml: {e}");
    loop {
        let event = reader.read_event().map_err(bad)?;
        let write = match &event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"testsuite" => {
                suite = attr(e, b"name");
                counts.push(0);
                let lowered = per_suite.get(counts.len() - 1).copied().unwrap_or(0);
                if lowered > 0 {
                    let mut start = BytesStart::new("testsuite");
                    for a in e.attributes().flatten() {
                        let value = a.unescape_value().map_err(bad)?.into_owned();
                        let value = match a.key.as_ref() {
                            b"failures" => value
                                .parse::<usize>()
                                .map(|n| n.saturating_sub(lowered).to_string())
                                .unwrap_or(value),
                            _ => value,
                        };
                        start.push_attribute((a.key.as_ref(), value.as_bytes()));
                    }
                    start.push_attribute(("skipped", lowered.to_string().as_str()));
                    let out = match event {
                        Event::Start(_) => Event::Start(start),
                        _ => Event::Empty(start),
                    };
                    writer.write_event(out).map_err(|e| bad(e.into()))?;
                    continue;
                }
                true
            }
            Event::Start(e) if e.name().as_ref() == b"testcase" => {
                case = waived_case(waived, &suite, &attr(e, b"name"));
                true
            }
            Event::End(e) if e.name().as_ref() == b"testcase" => {
                case = None;
                true
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"failure" => {
                let Some(w) = case else {
                    writer.write_event(event).map_err(|e| bad(e.into()))?;
                    continue;
                };
                in_failure = matches!(event, Event::Start(_));
                let mut skipped = BytesStart::new("skipped");
                skipped.push_attribute(("message", w.message.as_str()));
                writer
                    .write_event(Event::Empty(skipped))
                    .map_err(|e| bad(e.into()))?;
                if let Some(n) = counts.last_mut() {
                    *n += 1;
                }
                false
            }
            Event::End(e) if in_failure && e.name().as_ref() == b"failure" => {
                in_failure = false;
                false
            }
            _ => !in_failure,
        };
        if write {
            writer.write_event(event).map_err(|e| bad(e.into()))?;
        }
    }
    let out = String::from_utf8(writer.into_inner()).map_err(|e| format!("junit.xml: {e}"))?;
    Ok((out, counts))
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite id="0" name="Feature: ResetDisk errors: the account: features/errors_account.feature" package="testsuite/x" tests="2" errors="0" failures="2" hostname="localhost" timestamp="2026-11-30T16:00:00Z" time="0.1"><testcase name="Scenario: UserNotInTheWhiteList (XML): features/errors_account.feature:37:3" time="0.01"><failure type="Step Panicked" message="content-type &amp; more"/><system-out><![CDATA[Scenario: UserNotInTheWhiteList (XML)]]></system-out></testcase><testcase name="Scenario: UserNotInTheWhiteList (JSON): features/errors_account.feature:37:3" time="0.01"><failure type="Step Panicked" message="other"/></testcase></testsuite></testsuites>"#;

    #[test]
    fn a_waived_failure_becomes_skipped_with_its_reason_and_issue() {
        let waived = [WaivedCase {
            feature: "ResetDisk errors: the account".into(),
            scenario: "UserNotInTheWhiteList (XML)".into(),
            message: "waived: no charset yet <b> (https://tracker.example/ECS-123)".into(),
        }];
        let out = mark_waived(XML, &waived).expect("rewritten");
        assert!(
            out.contains(r#"<skipped message="waived: no charset yet &lt;b&gt; (https://tracker.example/ECS-123)"/><system-out><![CDATA[Scenario: UserNotInTheWhiteList (XML)]]></system-out>"#),
            "{out}"
        );
        assert!(!out.contains("content-type &amp; more"), "{out}");
        assert!(out.contains(r#"<failure type="Step Panicked" message="other"/>"#));
        assert!(
            out.contains(r#"failures="1""#) && out.contains(r#"skipped="1""#),
            "{out}"
        );
        assert_eq!(mark_waived(XML, &[]).as_deref(), Ok(XML));
        assert_eq!(
            out.replace(r#" skipped="1""#, "")
                .replace(r#"failures="1""#, r#"failures="2""#)
                .replace(
                    r#"<skipped message="waived: no charset yet &lt;b&gt; (https://tracker.example/ECS-123)"/>"#,
                    r#"<failure type="Step Panicked" message="content-type &amp; more"/>"#
                ),
            XML,
            "nothing else changes"
        );
    }
}
