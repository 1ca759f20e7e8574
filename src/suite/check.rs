//! The checks a Then step makes on an answer. Each collects every mismatch — field, expected,
//! got — and fails once with all of them, so a red scenario says everything that is wrong.

use super::document::Document;
use super::snapshot::is_request_id;
use crate::client::RawResponse;
use crate::format::Format;

/// One answer and the format it was asked for.
#[derive(Debug, Clone)]
pub struct Answer {
    pub format: Format,
    pub raw: RawResponse,
    /// The V1 string-to-sign the client computed, for checking `SignatureDoesNotMatch`.
    pub string_to_sign: Option<String>,
}

impl Answer {
    pub fn document(&self) -> Result<Document, String> {
        match self.format {
            Format::Xml => Document::parse_xml(&self.raw.body),
            Format::Json => Document::parse_json(&self.raw.body),
        }
    }
}

/// Mismatches found so far.
#[derive(Debug, Default)]
pub struct Mismatches(Vec<String>);

impl Mismatches {
    pub fn expect<T: PartialEq + std::fmt::Debug>(&mut self, field: &str, expected: T, got: T) {
        if expected != got {
            self.0
                .push(format!("{field}: expected {expected:?}, got {got:?}"));
        }
    }

    pub fn push(&mut self, problem: impl Into<String>) {
        self.0.push(problem.into());
    }

    pub fn into_result(self) -> Result<(), String> {
        match self.0.len() {
            0 => Ok(()),
            n => Err(format!(
                "{n} mismatch{}:\n  {}",
                if n == 1 { "" } else { "es" },
                self.0.join("\n  ")
            )),
        }
    }
}

/// Where the expected message stands for the client's own V1 string-to-sign.
pub const STRING_TO_SIGN: &str = "{string-to-sign}";

/// An expected error answer, as a feature's table states it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpectedError {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl ExpectedError {
    /// Reads a `status` / `Code` / `Message` table, as a Then step states it.
    pub fn from_table(rows: &[Vec<String>]) -> Result<Self, String> {
        let mut expected = Self::default();
        for row in rows {
            match row.as_slice() {
                [k, v] if k == "status" => {
                    expected.status = v
                        .parse()
                        .map_err(|_| format!("status {v:?} is not a number"))?;
                }
                [k, v] if k == "Code" => expected.code = v.clone(),
                [k, v] if k == "Message" => expected.message = v.clone(),
                other => {
                    return Err(format!(
                        "unexpected row {other:?}: rows are status, Code, Message"
                    ));
                }
            }
        }
        if expected.status == 0 || expected.code.is_empty() || expected.message.is_empty() {
            return Err("the table needs status, Code and Message".into());
        }
        Ok(expected)
    }
}

const ENVELOPE: [&str; 5] = ["RequestId", "HostId", "Code", "Message", "Recommend"];

/// Checks that `doc` has exactly `fields`: in order in XML, in any order in JSON.
fn fields(format: Format, doc: &Document, fields: &[&str], m: &mut Mismatches) {
    let mut got = doc.body.names();
    let mut want = fields.to_vec();
    if format == Format::Xml {
        m.expect("fields in order", want, got);
    } else {
        got.sort_unstable();
        want.sort_unstable();
        m.expect("fields", want, got);
    }
}

/// The error envelope: root `Error` in XML and exactly the five documented fields.
fn error_shape(format: Format, doc: &Document, m: &mut Mismatches) {
    if format == Format::Xml {
        m.expect("root element", Some("Error"), doc.root.as_deref());
    }
    fields(format, doc, &ENVELOPE, m);
}

fn common(answer: &Answer, m: &mut Mismatches) -> Option<Document> {
    m.expect(
        "Content-Type",
        answer.format.content_type(),
        answer.raw.content_type.as_str(),
    );
    match answer.document() {
        Ok(doc) => {
            let id = doc.field("RequestId").unwrap_or_default();
            if !is_request_id(id) {
                m.push(format!("RequestId: expected an uppercase UUID, got {id:?}"));
            }
            Some(doc)
        }
        Err(e) => {
            m.push(format!(
                "body: expected {}, got {e}: {:.200}",
                answer.format, answer.raw.body
            ));
            None
        }
    }
}

/// The answer is the expected error: status, Content-Type, envelope (root, fields and — in XML —
/// their order), `Code`, `Message`, a UUID `RequestId`.
pub fn error(answer: &Answer, expected: &ExpectedError) -> Result<(), String> {
    let mut m = Mismatches::default();
    m.expect("status", expected.status, answer.raw.status);
    if let Some(doc) = common(answer, &mut m) {
        error_shape(answer.format, &doc, &mut m);
        m.expect("Code", Some(expected.code.as_str()), doc.field("Code"));
        let message = match (
            &answer.string_to_sign,
            expected.message.contains(STRING_TO_SIGN),
        ) {
            (Some(sts), true) => expected.message.replace(STRING_TO_SIGN, sts),
            _ => expected.message.clone(),
        };
        m.expect("Message", Some(message.as_str()), doc.field("Message"));
    }
    m.into_result()
}

/// The answer is well formed for its kind, whatever its values: a success of `action`, or an
/// error envelope (for scenarios that compare answers rather than state their values).
pub fn envelope(answer: &Answer, action: &str) -> Result<(), String> {
    let mut m = Mismatches::default();
    if let Some(doc) = common(answer, &mut m) {
        if doc.field("Code").is_none() {
            return success(answer, action, &["RequestId"]);
        }
        error_shape(answer.format, &doc, &mut m);
    }
    m.into_result()
}

/// The answer is a success of `action`: 200, Content-Type, `<{action}Response>` in XML, and
/// exactly the fields `expected` (in order in XML, in any order in JSON).
pub fn success(answer: &Answer, action: &str, expected: &[&str]) -> Result<(), String> {
    let mut m = Mismatches::default();
    m.expect("status", 200, answer.raw.status);
    if let Some(doc) = common(answer, &mut m) {
        if answer.format == Format::Xml {
            let root = format!("{action}Response");
            m.expect("root element", Some(root.as_str()), doc.root.as_deref());
        }
        fields(answer.format, &doc, expected, &mut m);
    }
    m.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(format: Format, status: u16, ct: &str, body: &str) -> Answer {
        Answer {
            format,
            raw: RawResponse {
                status,
                content_type: ct.into(),
                body: body.into(),
            },
            string_to_sign: Some("GET&%2F&x".into()),
        }
    }

    #[test]
    fn every_mismatch_is_named_at_once() {
        let a = answer(
            Format::Xml,
            404,
            "text/xml",
            "<Error><RequestId>r</RequestId><Code>B</Code><Message>m</Message></Error>",
        );
        let expected = ExpectedError {
            status: 403,
            code: "A".into(),
            message: "n".into(),
        };
        let e = error(&a, &expected).unwrap_err();
        for part in [
            "6 mismatches",
            "status: expected 403, got 404",
            "Content-Type",
            "RequestId",
            "fields in order",
            "Code: expected Some(\"A\")",
            "Message",
        ] {
            assert!(e.contains(part), "{part} in {e}");
        }
    }

    #[test]
    fn the_string_to_sign_placeholder_is_the_clients_own() {
        let body = r#"{"RequestId":"F3CD6886-D8D0-4FEE-B93E-1B73239673DE","HostId":"h","Code":"SignatureDoesNotMatch","Message":"is:GET&%2F&x","Recommend":"u"}"#;
        let a = answer(Format::Json, 400, "application/json;charset=utf-8", body);
        let expected = ExpectedError {
            status: 400,
            code: "SignatureDoesNotMatch".into(),
            message: format!("is:{STRING_TO_SIGN}"),
        };
        assert_eq!(error(&a, &expected), Ok(()));
    }

    #[test]
    fn tables_must_state_status_code_and_message() {
        let row = |k: &str, v: &str| vec![k.to_owned(), v.to_owned()];
        let ok = ExpectedError::from_table(&[
            row("status", "404"),
            row("Code", "C"),
            row("Message", "M"),
        ]);
        assert_eq!(ok.map(|e| e.status), Ok(404));
        assert!(ExpectedError::from_table(&[row("status", "x")]).is_err());
        assert!(ExpectedError::from_table(&[row("Code", "C"), row("Message", "M")]).is_err());
        assert!(ExpectedError::from_table(&[row("Colour", "red")]).is_err());
    }

    #[test]
    fn json_field_order_does_not_matter_but_xml_order_does() {
        let id = "F3CD6886-D8D0-4FEE-B93E-1B73239673DE";
        let json = format!(
            r#"{{"RequestId":"{id}","HostId":"h","Code":"C","Message":"M","Recommend":"u"}}"#
        );
        let a = answer(Format::Json, 200, "application/json;charset=utf-8", &json);
        assert_eq!(
            success(
                &a,
                "X",
                &["RequestId", "HostId", "Code", "Message", "Recommend"]
            ),
            Ok(())
        );
        assert_eq!(
            success(
                &a,
                "X",
                &["Recommend", "Message", "Code", "HostId", "RequestId"]
            ),
            Ok(())
        );
        let xml = format!("<XResponse><HostId>h</HostId><RequestId>{id}</RequestId></XResponse>");
        let a = answer(Format::Xml, 200, "text/xml;charset=utf-8", &xml);
        assert!(
            success(&a, "X", &["RequestId", "HostId"])
                .unwrap_err()
                .contains("fields in order")
        );
    }

    #[test]
    fn a_success_must_carry_exactly_its_fields() {
        let a = answer(
            Format::Json,
            200,
            "application/json;charset=utf-8",
            r#"{"RequestId":"F3CD6886-D8D0-4FEE-B93E-1B73239673DE","Extra":1}"#,
        );
        assert!(
            success(&a, "ResetDisk", &["RequestId"])
                .unwrap_err()
                .contains("fields")
        );
    }
}
