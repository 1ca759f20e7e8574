//! The checks a Then step makes on an answer. Each records findings — expected, got, level,
//! source — for every expectation the answer misses, so a red scenario says everything that is
//! wrong at once and at which level of evidence.
//!
//! An answer ([`super::answer`]) is read in the format it actually came in; whether that is the
//! format asked for is one expectation among the others. What a scenario expects of it is
//! [`super::expected`]'s.

use super::answer::Answer;
use super::document::Document;
use super::expected::{ExpectedRow, fits, is, message_fits};
use super::verdict::Findings;
use crate::evidence::{Level, ids};
use crate::format::{Format, JSON_CONTENT_TYPE, XML_CONTENT_TYPE};
use crate::results::Finding;

/// The checks every answer gets: its format, `Content-Type`, a body that parses, a RequestId.
fn common(answer: &Answer, f: &mut Findings) -> Option<Document> {
    let (expected, id) = answer.expected_format();
    let format = answer.format();
    f.expect(id, "format", expected, format);
    let ct = answer.raw.content_type.as_str();
    match format {
        Format::Xml => f.expect(ids::CONTENT_TYPE_XML, "Content-Type", XML_CONTENT_TYPE, ct),
        Format::Json => {
            let media = ct.split(';').next().unwrap_or_default().trim();
            f.check(
                ids::CONTENT_TYPE_JSON,
                media.eq_ignore_ascii_case("application/json"),
                || format!("Content-Type: expected application/json, got {ct:?}"),
            );
            f.expect(
                ids::CONTENT_TYPE_JSON_EXACT,
                "Content-Type",
                JSON_CONTENT_TYPE,
                ct,
            );
        }
    }
    let doc = match answer.document() {
        Ok(doc) => doc,
        Err(e) => {
            f.fail(
                ids::BODY_WELL_FORMED,
                format!("body: expected {format}, got {e}: {:.200}", answer.raw.body),
            );
            return None;
        }
    };
    match doc.field("RequestId").filter(|id| !id.is_empty()) {
        None => f.fail(
            ids::REQUEST_ID_PRESENT,
            "RequestId: expected a value, got none",
        ),
        Some(id) => {
            f.check(ids::REQUEST_ID_UUID, is_uuid(id), || {
                format!("RequestId: expected a UUID, got {id:?}")
            });
            f.check(
                ids::REQUEST_ID_UPPERCASE,
                is_uuid(id) && id == id.to_uppercase(),
                || format!("RequestId: expected an uppercase UUID, got {id:?}"),
            );
        }
    }
    Some(doc)
}

/// A UUID: 8-4-4-4-12 hexadecimal digits, either case.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

const ENVELOPE: [&str; 5] = ["RequestId", "HostId", "Code", "Message", "Recommend"];
/// The documented four: the envelope without `Recommend`.
const DOCUMENTED_FIELDS: &[&str] = ENVELOPE.split_at(4).0;
/// Every field an error may carry: the envelope, and `AccessDeniedDetail` on RAM denials
/// (`error.known-fields`).
pub(crate) const KNOWN_FIELDS: [&str; 6] = [
    "RequestId",
    "HostId",
    "Code",
    "Message",
    "Recommend",
    "AccessDeniedDetail",
];

/// The error envelope: root, the documented fields, known fields only, their order, the mock's
/// exact five.
fn error_envelope(format: Format, doc: &Document, f: &mut Findings) {
    if format == Format::Xml {
        f.expect(
            ids::ERROR_ROOT,
            "root element",
            Some("Error"),
            doc.root.as_deref(),
        );
    }
    let names = doc.body.names();
    let missing: Vec<&str> = DOCUMENTED_FIELDS
        .iter()
        .copied()
        .filter(|n| !names.contains(n))
        .collect();
    f.check(ids::ERROR_FIELDS, missing.is_empty(), || {
        format!("fields: {missing:?} missing, got {names:?}")
    });
    if names.contains(&"HostId") {
        f.check(
            ids::ERROR_HOST_ID,
            !doc.field("HostId").unwrap_or_default().trim().is_empty(),
            || "HostId: expected a host, got an empty value".into(),
        );
    }
    let unknown: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !KNOWN_FIELDS.contains(n))
        .collect();
    f.check(ids::ERROR_KNOWN_FIELDS, unknown.is_empty(), || {
        format!("fields: {unknown:?} are not error fields")
    });
    if format == Format::Xml {
        let order: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| ENVELOPE.contains(n))
            .collect();
        let mut sorted = order.clone();
        sorted.sort_by_key(|n| ENVELOPE.iter().position(|e| e == n));
        f.expect(ids::ERROR_ORDER, "fields in order", sorted, order);
    }
    if let Some(url) = doc.field("Recommend") {
        f.check(
            ids::ERROR_RECOMMEND,
            url.starts_with("https://") || url.starts_with("http://"),
            || format!("Recommend: expected a URL, got {url:?}"),
        );
    }
    f.check(
        ids::ERROR_EXACT_FIELDS,
        same_fields(format, &names, &ENVELOPE),
        || format!("fields: expected exactly {ENVELOPE:?}, got {names:?}"),
    );
}

/// The answer is one of `rows` (the first is the mock's pick): at `documented`, one of the rows
/// documented or observed; at `observed`, one of the observed rows (else the documented ones);
/// at `chosen`, the first. Only the strongest failing level is recorded.
fn answer_is(answer: &Answer, doc: Option<&Document>, rows: &[ExpectedRow], f: &mut Findings) {
    let code = doc.and_then(|d| d.field("Code"));
    let message = doc.and_then(|d| d.field("Message"));
    let got = format!(
        "{} {} {:?}",
        answer.raw.status,
        code.unwrap_or("(no Code)"),
        message.unwrap_or("(no Message)")
    );
    let at =
        |level: Level| -> Vec<&ExpectedRow> { rows.iter().filter(|r| r.level == level).collect() };
    let (documented, observed) = (at(Level::Documented), at(Level::Observed));
    let evidence: Vec<&ExpectedRow> = documented.iter().chain(&observed).copied().collect();
    let observed_or_documented = if observed.is_empty() {
        documented.clone()
    } else {
        observed
    };
    let any_is = |set: &[&ExpectedRow]| set.iter().any(|r| is(&r.answer, answer, code, message));
    let failed = |level: Level, set: &[&ExpectedRow]| {
        let mut sources: Vec<&str> = set.iter().map(|r| r.source.as_str()).collect();
        sources.dedup();
        let problem = match set {
            // One expected answer: say which fields differ.
            [one] => {
                let e = &one.answer;
                let mut diffs = Vec::new();
                if !e.status.matches(answer.raw.status) {
                    diffs.push(format!(
                        "status: expected {}, got {}",
                        e.status, answer.raw.status
                    ));
                }
                if !code.is_some_and(|c| fits(&e.code, c)) {
                    diffs.push(format!("Code: expected {:?}, got {code:?}", e.code));
                }
                if !message.is_some_and(|m| message_fits(&e.message, answer, m)) {
                    diffs.push(format!(
                        "Message: expected {:?}, got {message:?}",
                        e.message
                    ));
                }
                diffs.join("; ")
            }
            _ => {
                let expected: Vec<String> = set.iter().map(|r| r.answer.to_string()).collect();
                format!("answer: expected {}, got {got}", expected.join(" or "))
            }
        };
        Finding {
            expectation: "error.answer".into(),
            level,
            source: sources.join("; "),
            problem,
        }
    };
    if !evidence.is_empty() && !any_is(&evidence) {
        f.push(failed(Level::Documented, &evidence));
    } else if !observed_or_documented.is_empty() && !any_is(&observed_or_documented) {
        f.push(failed(Level::Observed, &observed_or_documented));
    } else if let Some(first) = rows.first()
        && !is(&first.answer, answer, code, message)
    {
        let mut finding = failed(Level::Chosen, &[first]);
        if first.level != Level::Chosen {
            finding.source =
                "docs/choices.md: the mock's pick among the answers the contract allows".into();
        }
        f.push(finding);
    }
}

/// The answer is an error, one of `rows`: its envelope, and which error it is.
pub fn error(answer: &Answer, rows: &[ExpectedRow]) -> Findings {
    let mut f = Findings::default();
    let doc = common(answer, &mut f);
    if let Some(doc) = &doc {
        error_envelope(answer.format(), doc, &mut f);
    }
    answer_is(answer, doc.as_ref(), rows, &mut f);
    f
}

/// The answer is a success of `action` carrying the `documented` fields: 200, `<{action}Response>`
/// in XML, those fields and (at `chosen`) no other.
pub fn success(answer: &Answer, action: &str, documented: &[&str]) -> Findings {
    let mut f = Findings::default();
    success_status(answer, &mut f);
    if let Some(doc) = common(answer, &mut f) {
        success_shape(answer.format(), &doc, action, documented, &mut f);
    }
    f
}

/// A success's status, the checks every answer gets, and its XML root: the answer's document,
/// for checks of its fields.
pub fn success_document(answer: &Answer, f: &mut Findings) -> Option<Document> {
    success_status(answer, f);
    let doc = common(answer, f)?;
    if answer.format() == Format::Xml {
        let root = format!("{}Response", answer.action);
        f.expect(
            ids::SUCCESS_ROOT,
            "root element",
            Some(root.as_str()),
            doc.root.as_deref(),
        );
    }
    Some(doc)
}

fn success_status(answer: &Answer, f: &mut Findings) {
    let status = answer.raw.status;
    if status != 200 {
        let detail = answer
            .document()
            .ok()
            .and_then(|d| Some(format!(" ({} {:?})", d.field("Code")?, d.field("Message")?)))
            .unwrap_or_default();
        f.fail(
            ids::SUCCESS_STATUS,
            format!("status: expected 200, got {status}{detail}"),
        );
    }
}

fn success_shape(
    format: Format,
    doc: &Document,
    action: &str,
    documented: &[&str],
    f: &mut Findings,
) {
    if format == Format::Xml {
        let root = format!("{action}Response");
        f.expect(
            ids::SUCCESS_ROOT,
            "root element",
            Some(root.as_str()),
            doc.root.as_deref(),
        );
    }
    let names = doc.body.names();
    let missing: Vec<&&str> = documented.iter().filter(|n| !names.contains(n)).collect();
    f.check(ids::SUCCESS_FIELDS, missing.is_empty(), || {
        format!("fields: {missing:?} missing, got {names:?}")
    });
    f.check(
        ids::SUCCESS_EXACT_FIELDS,
        same_fields(format, &names, documented),
        || format!("fields: expected exactly {documented:?}, got {names:?}"),
    );
}

/// Exactly the fields `want`: in that order in XML, in any order in JSON (whose key order is not
/// significant).
fn same_fields(format: Format, names: &[&str], want: &[&str]) -> bool {
    let (mut got, mut want) = (names.to_vec(), want.to_vec());
    if format == Format::Json {
        got.sort_unstable();
        want.sort_unstable();
    }
    got == want
}

/// The answer is well formed for its kind, whatever its values: a success of its action carrying
/// the `documented` fields, or an error envelope (for scenarios that compare answers rather than
/// state their values).
pub fn envelope(answer: &Answer, documented: &[&str]) -> Findings {
    let mut f = Findings::default();
    if let Some(doc) = common(answer, &mut f) {
        if doc.field("Code").is_none() {
            success_shape(answer.format(), &doc, &answer.action, documented, &mut f);
        } else {
            error_envelope(answer.format(), &doc, &mut f);
        }
    }
    f
}

/// A signature probe's answer against the same call signed right (`right`): they must differ in
/// status or code, else the signature was not checked.
pub fn signature_checked(probe: &Answer, right: &Answer) -> Findings {
    let (status, code) = (probe.raw.status, probe.code());
    let (right_status, right_code) = (right.raw.status, right.code());
    let mut f = Findings::default();
    f.check(
        ids::SIGNATURE_CHECKED,
        (status, &code) != (right_status, &right_code),
        || {
            format!(
                "the wrongly signed call and the same call signed right were both answered \
                 {status} {code:?}: the signature was not checked"
            )
        },
    );
    f
}

/// Calls of `action` sent at once: exactly one succeeds (with the `documented` fields), the
/// `others` are the error `expected`; each answer is checked whole.
pub fn one_wins(
    answers: &[Answer],
    action: &str,
    documented: &[&str],
    others: usize,
    expected: &ExpectedRow,
) -> Findings {
    let mut f = Findings::default();
    let (succeeded, refused): (Vec<_>, Vec<_>) = answers.iter().partition(|a| a.raw.status == 200);
    f.expect(ids::ONE_RESET_WINS, "successful resets", 1, succeeded.len());
    f.expect(
        ids::ONE_RESET_WINS,
        &format!("answers refused with {}", expected.answer.code),
        others,
        refused.len(),
    );
    for a in succeeded {
        f.extend(success(a, action, documented));
    }
    for a in refused {
        f.extend(error(a, std::slice::from_ref(expected)));
    }
    f
}

/// The same call in XML and in JSON: the same kind of answer (a success carrying the
/// `documented` fields, or an error when there are none), well formed in both, with the same
/// fields and the same values where values are the same from call to call.
pub fn parity(xml: &Answer, json: &Answer, documented: &[&str]) -> Findings {
    let mut f = Findings::default();
    // The kind of answer first: parity between two refusals says nothing of a success, nor
    // parity between two successes of an error.
    for a in [xml, json] {
        if documented.is_empty() {
            f.check(ids::PARITY, a.raw.status >= 400, || {
                format!(
                    "expected an error in both formats, got status {} in {}",
                    a.raw.status,
                    a.format()
                )
            });
        } else {
            f.expect(
                ids::SUCCESS_STATUS,
                &format!("status ({})", a.format()),
                200,
                a.raw.status,
            );
        }
        f.extend(envelope(a, documented));
    }
    f.expect(
        ids::PARITY,
        "status (XML vs JSON)",
        xml.raw.status,
        json.raw.status,
    );
    // Values are compared only where they are the same from call to call: an error's Code and
    // Message, a success's documented fields but its RequestId. Every other field (RequestId,
    // HostId, Recommend, a field the contract does not list, such as a task id) differs between
    // two calls by nature: both formats must carry it, as often, and no more is asked.
    const VOLATILE: [&str; 3] = ["RequestId", "HostId", "Recommend"];
    let stable: Vec<&str> = if documented.is_empty() {
        vec!["Code", "Message"]
    } else {
        documented
            .iter()
            .copied()
            .filter(|f| !VOLATILE.contains(f))
            .collect()
    };
    // JSON's key order is not significant: compare both sides with fields sorted by name.
    if let (Ok(x), Ok(j)) = (xml.document(), json.document()) {
        let (x, j) = (x.body.sorted(), j.body.sorted());
        let (mut xn, mut jn) = (x.names(), j.names());
        xn.sort_unstable();
        jn.sort_unstable();
        f.expect(ids::PARITY, "field names (XML vs JSON)", &xn, &jn);
        xn.extend(jn);
        xn.sort_unstable();
        xn.dedup();
        for name in xn {
            if stable.contains(&name) {
                f.expect(
                    ids::PARITY,
                    &format!("{name} (XML vs JSON)"),
                    x.all(name),
                    j.all(name),
                );
            } else {
                f.expect(
                    ids::PARITY,
                    &format!("how often {name} occurs (XML vs JSON)"),
                    x.all(name).len(),
                    j.all(name).len(),
                );
            }
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{ErrorAnswer, Status};
    use crate::client::{RawResponse, WireForm};
    use crate::suite::expected::answers_in_table;

    const ID: &str = "F3CD6886-D8D0-4FEE-B93E-1B73239673DE";

    fn answer(asked: Format, status: u16, ct: &str, body: &str) -> Answer {
        Answer {
            action: "ResetDisk".into(),
            asked: Some(asked),
            form: WireForm::V1Get,
            raw: RawResponse {
                status,
                content_type: ct.into(),
                body: body.into(),
                retry_after: None,
            },
            string_to_sign: Some("GET&%2F&x".into()),
            canonical_request: None,
        }
    }

    fn row(status: &str, code: &str, message: &str, level: Level) -> ExpectedRow {
        ExpectedRow {
            answer: ErrorAnswer {
                status: status.parse::<Status>().unwrap(),
                code: code.into(),
                message: message.into(),
            },
            level,
            source: format!("source of {code}"),
        }
    }

    fn json_error(code: &str, message: &str) -> String {
        format!(
            r#"{{"RequestId":"{ID}","HostId":"h","Code":"{code}","Message":"{message}","Recommend":"https://u"}}"#
        )
    }

    fn levels(f: &Findings) -> Vec<(String, Level)> {
        f.0.iter()
            .map(|x| (x.expectation.clone(), x.level))
            .collect()
    }

    #[test]
    fn every_mismatch_is_named_at_once_with_its_level() {
        let a = answer(
            Format::Xml,
            404,
            "text/xml",
            "<Error><RequestId>r</RequestId><Code>B</Code><Message>m</Message></Error>",
        );
        let f = error(&a, &[row("403", "A", "n", Level::Documented)]);
        let found = levels(&f);
        for (id, level) in [
            (ids::CONTENT_TYPE_XML, Level::Observed),
            (ids::REQUEST_ID_UUID, Level::Observed),
            (ids::ERROR_FIELDS, Level::Documented),
            (ids::ERROR_EXACT_FIELDS, Level::Chosen),
            ("error.answer", Level::Documented),
        ] {
            assert!(found.contains(&(id.to_owned(), level)), "{id} in {found:?}");
        }
        assert_eq!(f.worst(), Some(Level::Documented));
    }

    #[test]
    fn an_allowed_alternative_fails_only_at_chosen() {
        let rows = [
            row("404", "InvalidDiskId.NotFound", "gone", Level::Documented),
            row("404", "Disk.NotFound", "gone", Level::Documented),
        ];
        let ct = JSON_CONTENT_TYPE;
        let first = answer(
            Format::Json,
            404,
            ct,
            &json_error("InvalidDiskId.NotFound", "gone"),
        );
        assert!(error(&first, &rows).is_empty());
        let other = answer(Format::Json, 404, ct, &json_error("Disk.NotFound", "gone"));
        let f = error(&other, &rows);
        assert_eq!(levels(&f), [("error.answer".to_owned(), Level::Chosen)]);
        assert!(f.0[0].source.contains("choices.md"));
        let neither = answer(Format::Json, 403, ct, &json_error("X", "gone"));
        assert_eq!(error(&neither, &rows).worst(), Some(Level::Documented));
    }

    #[test]
    fn observed_rows_outrank_documented_ones_at_observed() {
        let rows = [
            row("404", "InvalidAccessKeyId.NotFound", "m", Level::Observed),
            row("400", "InvalidAccessKeyId.NotFound", "m", Level::Documented),
        ];
        let ct = JSON_CONTENT_TYPE;
        let legacy = answer(
            Format::Json,
            400,
            ct,
            &json_error("InvalidAccessKeyId.NotFound", "m"),
        );
        assert_eq!(error(&legacy, &rows).worst(), Some(Level::Observed));
        let unknown = answer(
            Format::Json,
            500,
            ct,
            &json_error("InvalidAccessKeyId.NotFound", "m"),
        );
        assert_eq!(error(&unknown, &rows).worst(), Some(Level::Documented));
    }

    #[test]
    fn placeholders_stand_for_the_clients_string_to_sign_and_any_text() {
        let rows = [
            row(
                "400",
                "SignatureDoesNotMatch",
                "is:{string-to-sign}",
                Level::Observed,
            ),
            row("4xx", "{any}", "{any}", Level::Documented),
        ];
        let ct = JSON_CONTENT_TYPE;
        let exact = answer(
            Format::Json,
            400,
            ct,
            &json_error("SignatureDoesNotMatch", "is:GET&%2F&x"),
        );
        assert!(error(&exact, &rows).is_empty());
        let other = answer(Format::Json, 403, ct, &json_error("Refused", "no"));
        assert_eq!(error(&other, &rows).worst(), Some(Level::Observed));
        let accepted = answer(Format::Json, 200, ct, &format!(r#"{{"RequestId":"{ID}"}}"#));
        assert_eq!(error(&accepted, &rows).worst(), Some(Level::Documented));
        assert!(fits("a{any}c{any}e", "abcde") && !fits("a{any}c", "abd"));
    }

    #[test]
    fn permitted_variations_pass_at_observed() {
        let rows = [row("404", "C", "M", Level::Documented)];
        let lower = ID.to_lowercase();
        let body = format!(
            r#"{{"RequestId":"{lower}","HostId":"h","Code":"C","Message":"M","AccessDeniedDetail":{{"AuthAction":"x"}}}}"#
        );
        let a = answer(Format::Json, 404, "application/json; charset=UTF-8", &body);
        let f = error(&a, &rows);
        assert_eq!(f.worst(), Some(Level::Chosen), "{:?}", f.0);
        let pretty = format!(
            "<?xml version='1.0' encoding='UTF-8'?>\n<Error>\n  <RequestId>{ID}</RequestId>\n  <HostId>h</HostId>\n  <Code>C</Code>\n  <Message>M</Message>\n</Error>\n"
        );
        let a = answer(Format::Xml, 404, XML_CONTENT_TYPE, &pretty);
        assert_eq!(error(&a, &rows).worst(), Some(Level::Chosen));
    }

    #[test]
    fn tables_state_one_answer_or_several() {
        let row = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
        let one = answers_in_table(&[
            row(&["status", "404"]),
            row(&["Code", "C"]),
            row(&["Message", "M"]),
        ])
        .unwrap();
        assert_eq!(one.len(), 1);
        let two = answers_in_table(&[
            row(&["status", "Code", "Message"]),
            row(&["404", "C", "M"]),
            row(&["4xx", "{any}", "{any}"]),
        ])
        .unwrap();
        assert_eq!(two[1].status.to_string(), "4xx");
        assert!(answers_in_table(&[row(&["status", "x"])]).is_err());
        assert!(answers_in_table(&[row(&["Code", "C"]), row(&["Message", "M"])]).is_err());
        assert!(answers_in_table(&[row(&["Colour", "red"])]).is_err());
        assert!(answers_in_table(&[row(&["status", "Code", "Message"])]).is_err());
    }

    #[test]
    fn json_field_order_does_not_matter_but_xml_order_does() {
        let json = format!(
            r#"{{"RequestId":"{ID}","HostId":"h","Code":"C","Message":"M","Recommend":"https://u"}}"#
        );
        let rows = [row("404", "C", "M", Level::Documented)];
        let a = answer(Format::Json, 404, JSON_CONTENT_TYPE, &json);
        assert!(error(&a, &rows).is_empty());
        let xml = format!(
            "<Error><RequestId>{ID}</RequestId><HostId>h</HostId><Message>M</Message><Code>C</Code><Recommend>https://u</Recommend></Error>"
        );
        let a = answer(Format::Xml, 404, XML_CONTENT_TYPE, &xml);
        assert_eq!(error(&a, &rows).worst(), Some(Level::Observed));
    }

    #[test]
    fn a_success_must_carry_exactly_its_fields_and_an_error_is_no_success() {
        let a = answer(
            Format::Json,
            200,
            JSON_CONTENT_TYPE,
            &format!(r#"{{"RequestId":"{ID}","Extra":1}}"#),
        );
        assert_eq!(
            levels(&success(&a, "ResetDisk", &["RequestId"])),
            [(ids::SUCCESS_EXACT_FIELDS.to_owned(), Level::Chosen)]
        );
        let e = answer(Format::Json, 403, JSON_CONTENT_TYPE, &json_error("C", "M"));
        let f = success(&e, "ResetDisk", &["RequestId"]);
        assert_eq!(f.worst(), Some(Level::Documented));
        assert!(f.0[0].problem.contains("got 403 (C \"M\")"), "{:?}", f.0);
    }

    /// The same ResetDisk answered alike in XML and JSON: a success (200), or a refusal (403).
    fn pair(refused: bool) -> (Answer, Answer) {
        let xml = if refused {
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><RequestId>{ID}</RequestId><HostId>h</HostId><Code>C</Code><Message>M</Message><Recommend>https://u</Recommend></Error>"
            )
        } else {
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ResetDiskResponse><RequestId>{ID}</RequestId></ResetDiskResponse>"
            )
        };
        let json = if refused {
            json_error("C", "M")
        } else {
            format!(r#"{{"RequestId":"{ID}"}}"#)
        };
        let status = if refused { 403 } else { 200 };
        (
            answer(Format::Xml, status, XML_CONTENT_TYPE, &xml),
            answer(Format::Json, status, JSON_CONTENT_TYPE, &json),
        )
    }

    /// The findings of `f` under `id`, with their levels.
    fn under(f: &Findings, id: &str) -> Vec<(String, Level)> {
        levels(f).into_iter().filter(|(e, _)| e == id).collect()
    }

    #[test]
    fn parity_asks_the_kind_of_answer_before_comparing_the_two() {
        let (ok_xml, ok_json) = pair(false);
        let (no_xml, no_json) = pair(true);
        // The kind each step expects: nothing to find.
        assert!(parity(&ok_xml, &ok_json, &["RequestId"]).is_empty());
        assert!(parity(&no_xml, &no_json, &[]).is_empty());
        // Two refusals that agree, where a success is expected: each is a failed success, at
        // documented, however well the two agree.
        let f = parity(&no_xml, &no_json, &["RequestId"]);
        assert_eq!(
            under(&f, ids::SUCCESS_STATUS),
            vec![(ids::SUCCESS_STATUS.to_owned(), Level::Documented); 2],
            "{:?}",
            f.0
        );
        assert_eq!(f.worst(), Some(Level::Documented));
        // Two successes that agree, where an error is expected: each is named, at documented.
        let f = parity(&ok_xml, &ok_json, &[]);
        let kind = under(&f, ids::PARITY);
        assert_eq!(
            kind,
            vec![(ids::PARITY.to_owned(), Level::Documented); 2],
            "{:?}",
            f.0
        );
        assert!(
            f.0.iter()
                .any(|x| x.problem == "expected an error in both formats, got status 200 in xml"),
            "{:?}",
            f.0
        );
        assert!(
            f.0.iter()
                .any(|x| x.problem == "expected an error in both formats, got status 200 in json"),
            "{:?}",
            f.0
        );
        // One of each: the kind and the statuses differ.
        let f = parity(&ok_xml, &no_json, &["RequestId"]);
        assert_eq!(under(&f, ids::SUCCESS_STATUS).len(), 1, "{:?}", f.0);
        assert!(
            f.0.iter()
                .any(|x| x.problem.starts_with("status (XML vs JSON)")),
            "{:?}",
            f.0
        );
    }

    #[test]
    fn the_format_is_read_from_the_answer_and_judged_by_the_wire_form() {
        let mut a = answer(Format::Xml, 404, JSON_CONTENT_TYPE, &json_error("C", "M"));
        a.form = WireForm::V3;
        let f = error(&a, &[row("404", "C", "M", Level::Documented)]);
        assert_eq!(
            levels(&f),
            [(ids::FORMAT_V3_FORMAT.to_owned(), Level::Chosen)]
        );
        a.form = WireForm::V1Get;
        let f = error(&a, &[row("404", "C", "M", Level::Documented)]);
        assert_eq!(f.worst(), Some(Level::Documented));
    }
}
