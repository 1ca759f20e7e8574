//! Response formats and the one serializer for both: the same serde value renders as XML (with the
//! declaration and an explicit root element) or as JSON (no wrapper), as ECS answers.

use serde::Serialize;

/// `Content-Type` of XML answers. Official SDKs parse an error body as XML only when the header
/// is exactly this string (docs/wire.md §6.3).
pub const XML_CONTENT_TYPE: &str = "text/xml;charset=utf-8";
/// `Content-Type` of JSON answers (unconfirmed upstream; see docs/choices.md).
pub const JSON_CONTENT_TYPE: &str = "application/json;charset=utf-8";
const XML_DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// A response format; `xml` or `json` in `results.json`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Xml,
    Json,
}

impl Format {
    pub const BOTH: [Self; 2] = [Self::Xml, Self::Json];

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Xml => XML_CONTENT_TYPE,
            Self::Json => JSON_CONTENT_TYPE,
        }
    }

    /// The `Format` parameter value the client sends.
    pub fn as_param(self) -> &'static str {
        match self {
            Self::Xml => "XML",
            Self::Json => "JSON",
        }
    }

    /// Serializes `value` in this format. `root` names the XML root element; JSON has none.
    pub fn render<T: Serialize>(self, root: &str, value: &T) -> String {
        match self {
            Self::Json => serde_json::to_string(value).expect("response models serialize to JSON"),
            Self::Xml => {
                let mut out = String::from(XML_DECLARATION);
                let mut ser = quick_xml::se::Serializer::with_root(&mut out, Some(root))
                    .expect("root element names are valid XML names");
                ser.set_quote_level(quick_xml::se::QuoteLevel::Minimal);
                value
                    .serialize(ser)
                    .expect("response models serialize to XML");
                out
            }
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    /// Case-insensitive, as ECS reads its `Format` parameter.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("xml") {
            Ok(Self::Xml)
        } else if s.eq_ignore_ascii_case("json") {
            Ok(Self::Json)
        } else {
            Err(format!("unknown format {s:?}: expected xml or json"))
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Xml => "xml",
            Self::Json => "json",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Sample {
        request_id: &'static str,
        message: &'static str,
        items: Items,
    }

    #[derive(Serialize)]
    struct Items {
        #[serde(rename = "Item")]
        item: Vec<u32>,
    }

    #[test]
    fn xml_has_the_declaration_root_and_minimal_escaping() {
        let v = Sample {
            request_id: "R",
            message: r#"The input "DiskId" <x> & y"#,
            items: Items { item: vec![1, 2] },
        };
        assert_eq!(
            Format::Xml.render("Resp", &v),
            r#"<?xml version="1.0" encoding="UTF-8"?><Resp><RequestId>R</RequestId><Message>The input "DiskId" &lt;x> &amp; y</Message><Items><Item>1</Item><Item>2</Item></Items></Resp>"#
        );
        assert_eq!(
            Format::Json.render("Resp", &v),
            r#"{"RequestId":"R","Message":"The input \"DiskId\" <x> & y","Items":{"Item":[1,2]}}"#
        );
    }

    #[test]
    fn format_parses_case_insensitively() {
        assert_eq!("JSON".parse::<Format>(), Ok(Format::Json));
        assert_eq!("xMl".parse::<Format>(), Ok(Format::Xml));
        assert!("yaml".parse::<Format>().is_err());
    }
}
