//! `junit.xml`: the [`View`] for CI systems. A suite per area (feature), a test case per scenario
//! the format can say something true of: a counted failure is a `<failure>` with its findings, a
//! scenario left unjudged by an endpoint that gave no answer an `<error>` (the run fails for it),
//! a waived one `<skipped message="waived: REASON (ISSUE)"/>`, and the rest pass — a deviation
//! beyond `--fail-on` only said in the case's output. A scenario not run is left out: JUnit has
//! no "not run", and `results.json` and the reports list it with its reason.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::markdown::call;
use super::view::View;
use crate::results::{Outcome, Scenario, describe};

/// One test case's verdict in JUnit's words.
enum Case {
    Passed,
    Failure { message: String, text: String },
    Error { message: String },
    Skipped { message: String },
}

/// What JUnit says of `s` in the run of the view.
fn case(v: &View, s: &Scenario) -> Case {
    let run = &v.results.run;
    if s.for_want_of_an_answer() {
        return Case::Error {
            message: s.reason.clone().unwrap_or_default(),
        };
    }
    if s.is_waived() {
        let why: Vec<String> = (s.waived_by.iter())
            .filter_map(|i| run.waivers.get(*i))
            .map(|w| format!("{} ({})", w.waiver.reason, w.waiver.issue))
            .collect();
        return Case::Skipped {
            message: format!("waived: {}", why.join("; ")),
        };
    }
    match (s.outcome, s.counted, s.failed_at) {
        (Outcome::Failed, true, Some(level)) => {
            let counted: Vec<_> = (s.findings.iter())
                .filter(|f| f.level <= run.fail_on)
                .collect();
            Case::Failure {
                message: format!(
                    "failed at {level}, counted at --fail-on {}: {}",
                    run.fail_on,
                    describe(&counted)
                ),
                text: describe(&s.findings_by_level()),
            }
        }
        _ => Case::Passed,
    }
}

/// What a case says besides its verdict: its deviations beyond `--fail-on`, and its calls.
fn output(s: &Scenario) -> String {
    let mut out = String::new();
    if s.outcome == Outcome::Failed && !s.counted {
        out.push_str(&format!(
            "deviations shown, not counted: {}\n",
            describe(&s.findings_by_level())
        ));
    }
    for x in s.exchanges.iter().filter(|x| !x.setup) {
        out.push_str(&format!(
            "{} ({:?}) → {} {}\n",
            call(x),
            x.wire_form,
            x.status,
            x.content_type
        ));
    }
    out
}

/// `tests`, `failures`, `errors`, `skipped` and `time` of some cases.
fn totals<'c>(
    cases: impl Iterator<Item = &'c (&'c Scenario, Case)>,
) -> [(&'static str, String); 5] {
    let (mut n, mut failures, mut errors, mut skipped, mut ms) = (0, 0, 0, 0, 0);
    for (s, c) in cases {
        n += 1;
        ms += s.duration_ms;
        match c {
            Case::Passed => {}
            Case::Failure { .. } => failures += 1,
            Case::Error { .. } => errors += 1,
            Case::Skipped { .. } => skipped += 1,
        }
    }
    [
        ("tests", n.to_string()),
        ("failures", failures.to_string()),
        ("errors", errors.to_string()),
        ("skipped", skipped.to_string()),
        ("time", format!("{:.3}", ms as f64 / 1e3)),
    ]
}

/// The JUnit XML of the view.
pub fn print(v: &View) -> String {
    let mut suites: Vec<(&str, Vec<(&Scenario, Case)>)> = Vec::new();
    for s in v.results.scenarios.iter() {
        if s.omitted_from_machine_reports() {
            continue;
        }
        let c = case(v, s);
        match suites.iter_mut().find(|(f, _)| *f == s.feature) {
            Some((_, cases)) => cases.push((s, c)),
            None => suites.push((&s.feature, vec![(s, c)])),
        }
    }
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let mut put = |e: Event| {
        // Writing into a Vec cannot fail.
        let _ = w.write_event(e);
    };
    put(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let mut root = BytesStart::new("testsuites");
    root.push_attribute(("name", "ecs-conformance"));
    for (k, value) in totals(suites.iter().flat_map(|(_, cases)| cases)) {
        root.push_attribute((k, value.as_str()));
    }
    put(Event::Start(root));
    let timestamp = (v.results.run.started_at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    for (feature, cases) in &suites {
        let mut suite = BytesStart::new("testsuite");
        suite.push_attribute(("name", format!("Feature: {feature}").as_str()));
        for (k, value) in totals(cases.iter()) {
            suite.push_attribute((k, value.as_str()));
        }
        suite.push_attribute(("timestamp", timestamp.as_str()));
        put(Event::Start(suite));
        for (s, c) in cases {
            let mut case = BytesStart::new("testcase");
            case.push_attribute(("name", format!("Scenario: {}", s.name).as_str()));
            case.push_attribute(("classname", s.feature.as_str()));
            let time = format!("{:.3}", s.duration_ms as f64 / 1e3);
            case.push_attribute(("time", time.as_str()));
            put(Event::Start(case));
            let (tag, kind, message, text) = match c {
                Case::Passed => ("", "", "", ""),
                Case::Failure { message, text } => {
                    ("failure", "failed", message.as_str(), text.as_str())
                }
                Case::Error { message } => ("error", "no answer", message.as_str(), ""),
                Case::Skipped { message } => ("skipped", "", message.as_str(), ""),
            };
            if !tag.is_empty() {
                let mut e = BytesStart::new(tag);
                if !kind.is_empty() {
                    e.push_attribute(("type", kind));
                }
                e.push_attribute(("message", message));
                if text.is_empty() {
                    put(Event::Empty(e));
                } else {
                    put(Event::Start(e));
                    put(Event::Text(BytesText::new(text)));
                    put(Event::End(BytesEnd::new(tag)));
                }
            }
            let out = output(s);
            if !out.is_empty() {
                put(Event::Start(BytesStart::new("system-out")));
                put(Event::Text(BytesText::new(&out)));
                put(Event::End(BytesEnd::new("system-out")));
            }
            put(Event::End(BytesEnd::new("testcase")));
        }
        put(Event::End(BytesEnd::new("testsuite")));
    }
    put(Event::End(BytesEnd::new("testsuites")));
    let mut out = String::from_utf8(w.into_inner()).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_xml_cannot_hold_is_escaped() {
        let v = "a <b> & \"c\" ]]>";
        let mut w = Writer::new(Vec::new());
        let mut e = BytesStart::new("skipped");
        e.push_attribute(("message", v));
        let _ = w.write_event(Event::Empty(e));
        let _ = w.write_event(Event::Text(BytesText::new(v)));
        let xml = String::from_utf8(w.into_inner()).unwrap();
        assert_eq!(
            xml,
            r#"<skipped message="a &lt;b&gt; &amp; &quot;c&quot; ]]&gt;"/>a &lt;b&gt; &amp; &quot;c&quot; ]]&gt;"#
        );
    }
}
