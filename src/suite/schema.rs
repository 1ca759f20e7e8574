//! A success judged against its action's success schema in the API metadata (the generated
//! shape scenarios): status, envelope and root as every success; then every field present has
//! its documented type (`shape.field-type`, documented), every documented field outside a list
//! is present (`shape.field-present`, chosen: the metadata marks no response field required and
//! real ECS leaves empty ones out), and a field the schema does not list is allowed. Between the
//! XML and the JSON answer of one call, the same fields and values but RequestId
//! (`shape.parity`).

use super::answer::Answer;
use super::check;
use super::document::Node;
use super::verdict::Findings;
use crate::evidence::ids;
use crate::metadata::Schema;

/// The answer is a success whose fields are of `action`'s documented schema.
pub fn documented_success(answer: &Answer) -> Findings {
    let mut f = Findings::default();
    let Some(doc) = check::success_document(answer, &mut f) else {
        return f;
    };
    let schema = crate::metadata::action(&answer.action).and_then(|a| a.success.as_ref());
    if let Some(success) = schema {
        let mut problems = (Vec::new(), Vec::new());
        walk(&success.schema, &doc.body, "", &mut problems);
        let (types, absent) = problems;
        f.check(ids::SHAPE_FIELD_TYPE, types.is_empty(), || {
            format!("({}) {}", answer.format(), types.join("; "))
        });
        f.check(ids::SHAPE_FIELD_PRESENT, absent.is_empty(), || {
            format!(
                "({}) documented fields missing: {}",
                answer.format(),
                absent.join(", ")
            )
        });
    }
    f
}

fn kind(schema: &Schema) -> &str {
    schema.kind.as_deref().unwrap_or("string")
}

/// Checks `node` against `schema` at `path`: type problems, then absent documented fields.
fn walk(schema: &Schema, node: &Node, path: &str, out: &mut (Vec<String>, Vec<String>)) {
    let at = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    match kind(schema) {
        "object" => {
            let Some(properties) = &schema.properties else {
                return;
            };
            if let Node::Text(t) = node {
                if !t.is_empty() {
                    out.0.push(format!("{path}: expected an object, got {t:?}"));
                }
                return;
            }
            for (name, s) in &properties.0 {
                let found = node.all(name);
                if kind(s) == "array" {
                    let default = Schema::default();
                    let items = s.items.as_deref().unwrap_or(&default);
                    for item in found {
                        walk(items, item, &at(name), out);
                    }
                    continue;
                }
                match found.as_slice() {
                    [] => out.1.push(at(name)),
                    [one] => walk(s, one, &at(name), out),
                    _ => out.0.push(format!(
                        "{}: expected one value, got {}",
                        at(name),
                        found.len()
                    )),
                }
            }
        }
        "array" => {}
        k => {
            let Some(text) = node.text() else {
                out.0.push(format!("{path}: expected {k}, got an object"));
                return;
            };
            let fits = match k {
                "integer" => text.parse::<i64>().is_ok(),
                "number" => text.parse::<f64>().is_ok(),
                "boolean" => matches!(text, "true" | "false"),
                _ => true,
            };
            if !fits {
                out.0.push(format!("{path}: expected {k}, got {text:?}"));
            }
        }
    }
}

/// Every leaf of `node` with its path and text, in document order (an empty object reads as
/// empty text).
fn leaves(node: &Node, path: &str, out: &mut Vec<(String, String)>) {
    match node {
        Node::Object(fields) if !fields.is_empty() => {
            for (k, v) in fields {
                leaves(v, &format!("{path}/{k}"), out);
            }
        }
        other => out.push((path.to_owned(), other.text().unwrap_or_default().to_owned())),
    }
}

/// The XML and the JSON answer of one call carry the same fields and values, RequestId aside, in
/// any order: the two are separate calls, and no source says a listing's order holds from one
/// call to the next, so another order is not a fault to fail a target for.
pub fn parity(xml: &Answer, json: &Answer) -> Findings {
    let mut f = Findings::default();
    f.expect(
        ids::SHAPE_PARITY,
        "status (XML vs JSON)",
        xml.raw.status,
        json.raw.status,
    );
    if let (Ok(x), Ok(j)) = (xml.document(), json.document()) {
        let side = |n: &Node| {
            let mut out = Vec::new();
            leaves(n, "", &mut out);
            out.retain(|(p, _)| p != "/RequestId");
            out.sort();
            out
        };
        let (x, j) = (side(&x.body), side(&j.body));
        let only = |a: &[(String, String)], b: &[(String, String)]| -> Vec<String> {
            a.iter()
                .filter(|l| !b.contains(l))
                .map(|(p, v)| format!("{p}={v:?}"))
                .take(5)
                .collect()
        };
        let (in_xml, in_json) = (only(&x, &j), only(&j, &x));
        f.check(ids::SHAPE_PARITY, x == j, || {
            format!(
                "XML and JSON differ: only in XML {}; only in JSON {}",
                in_xml.join(", "),
                in_json.join(", ")
            )
        });
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{RawResponse, WireForm};
    use crate::format::Format;

    fn answer(asked: Format, body: &str) -> Answer {
        Answer {
            action: "DescribeZones".into(),
            asked: Some(asked),
            form: WireForm::V1Get,
            raw: RawResponse {
                status: 200,
                content_type: asked.content_type().into(),
                body: body.into(),
                retry_after: None,
            },
            string_to_sign: None,
            canonical_request: None,
        }
    }

    #[test]
    fn parity_allows_another_order_of_fields_and_items_not_another_value() {
        let xml = answer(
            Format::Xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeZonesResponse><RequestId>A</RequestId>\
             <Zones><Zone><ZoneId>a</ZoneId><LocalName>A</LocalName></Zone>\
             <Zone><ZoneId>b</ZoneId><LocalName>B</LocalName></Zone></Zones></DescribeZonesResponse>",
        );
        let json = |zones: &str| {
            answer(
                Format::Json,
                &format!("{{\"RequestId\":\"B\",\"Zones\":{{\"Zone\":[{zones}]}}}}"),
            )
        };
        let (a, b) = (
            r#"{"LocalName":"A","ZoneId":"a"}"#,
            r#"{"LocalName":"B","ZoneId":"b"}"#,
        );
        assert!(parity(&xml, &json(&format!("{a},{b}"))).is_empty());
        assert!(parity(&xml, &json(&format!("{b},{a}"))).is_empty());
        let other = parity(&xml, &json(&format!("{a},{a}")));
        assert!(
            (other.0.iter()).any(|x| x.problem.contains("only in XML")),
            "{:?}",
            other.0
        );
    }
}
