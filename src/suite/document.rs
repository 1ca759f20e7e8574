//! One model for XML and JSON answers: an ordered tree of named fields.
//!
//! XML elements with children become objects (children in document order, repeated names kept);
//! text elements become text. JSON objects become objects, arrays become the same name repeated
//! (`{"Disks":{"Disk":[a,b]}}` reads like `<Disks><Disk>a</Disk><Disk>b</Disk></Disks>`), and
//! numbers and booleans become their text. So the two formats of one answer compare field by
//! field.

use quick_xml::Reader;
use quick_xml::events::Event;

/// A field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Text(String),
    Object(Vec<(String, Node)>),
}

/// A parsed answer. `root` is the XML root element's name; JSON has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub root: Option<String>,
    pub body: Node,
}

impl Node {
    /// The first field called `name`, if this is an object.
    pub fn get(&self, name: &str) -> Option<&Node> {
        match self {
            Self::Object(fields) => fields.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            Self::Text(_) => None,
        }
    }

    /// Every field called `name`, in order (a repeated name is a list).
    pub fn all(&self, name: &str) -> Vec<&Node> {
        match self {
            Self::Object(fields) => fields
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v)
                .collect(),
            Self::Text(_) => Vec::new(),
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            Self::Text(t) => Some(t),
            Self::Object(f) if f.is_empty() => Some(""),
            Self::Object(_) => None,
        }
    }

    /// The same node with every object's fields sorted by name (a stable sort: a repeated
    /// name — a list — keeps its order), for comparisons where JSON key order does not count.
    pub fn sorted(&self) -> Node {
        match self {
            Self::Text(t) => Self::Text(t.clone()),
            Self::Object(fields) => {
                let mut fields: Vec<(String, Node)> = fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.sorted()))
                    .collect();
                fields.sort_by(|a, b| a.0.cmp(&b.0));
                Self::Object(fields)
            }
        }
    }

    /// Field names in order (empty for text).
    pub fn names(&self) -> Vec<&str> {
        match self {
            Self::Object(fields) => fields.iter().map(|(k, _)| k.as_str()).collect(),
            Self::Text(_) => Vec::new(),
        }
    }
}

impl Document {
    /// The text of a top-level field.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.body.get(name).and_then(Node::text)
    }

    pub fn parse_json(text: &str) -> Result<Self, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        if !value.is_object() {
            return Err("not a JSON object".into());
        }
        Ok(Self {
            root: None,
            body: from_json(value),
        })
    }

    pub fn parse_xml(text: &str) -> Result<Self, String> {
        let mut reader = Reader::from_str(text);
        // Open elements: name, children so far, text so far.
        type Open = (String, Vec<(String, Node)>, String);
        let mut stack: Vec<Open> = Vec::new();
        let mut done: Option<(String, Node)> = None;
        loop {
            let event = reader
                .read_event()
                .map_err(|e| format!("not XML at byte {}: {e}", reader.buffer_position()))?;
            match event {
                Event::Start(e) => {
                    if done.is_some() {
                        return Err("not XML: more than one root element".into());
                    }
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    stack.push((name, Vec::new(), String::new()));
                }
                Event::Empty(e) => {
                    if stack.is_empty() && done.is_some() {
                        return Err("not XML: more than one root element".into());
                    }
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    match stack.last_mut() {
                        Some((_, children, _)) => children.push((name, Node::Object(Vec::new()))),
                        None => done = Some((name, Node::Object(Vec::new()))),
                    }
                }
                Event::Text(t) => {
                    let text = t
                        .decode()
                        .map_err(|e| format!("not XML: {e}"))
                        .and_then(|d| {
                            quick_xml::escape::unescape(&d)
                                .map(|u| u.into_owned())
                                .map_err(|e| format!("not XML: {e}"))
                        })?;
                    if let Some((_, _, buf)) = stack.last_mut() {
                        buf.push_str(&text);
                    } else if !text.trim().is_empty() {
                        return Err("not XML: text outside the root element".into());
                    }
                }
                Event::GeneralRef(r) => {
                    let name = String::from_utf8_lossy(&r).into_owned();
                    let text = quick_xml::escape::unescape(&format!("&{name};"))
                        .map_err(|e| format!("not XML: {e}"))?
                        .into_owned();
                    if let Some((_, _, buf)) = stack.last_mut() {
                        buf.push_str(&text);
                    }
                }
                Event::CData(c) => {
                    if let Some((_, _, buf)) = stack.last_mut() {
                        buf.push_str(&String::from_utf8_lossy(&c));
                    }
                }
                Event::End(_) => {
                    let (name, children, text) =
                        stack.pop().ok_or("not XML: an end tag without a start")?;
                    let node = if children.is_empty() {
                        Node::Text(text)
                    } else {
                        Node::Object(children)
                    };
                    match stack.last_mut() {
                        Some((_, siblings, _)) => siblings.push((name, node)),
                        None => done = Some((name, node)),
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !stack.is_empty() {
            return Err("not XML: the document ends inside an element".into());
        }
        let (root, body) = done.ok_or("not XML: no root element")?;
        Ok(Self {
            root: Some(root),
            body,
        })
    }
}

fn from_json(value: serde_json::Value) -> Node {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut fields = Vec::new();
            for (k, v) in map {
                match v {
                    Value::Array(items) => {
                        fields.extend(items.into_iter().map(|i| (k.clone(), from_json(i))));
                    }
                    v => fields.push((k, from_json(v))),
                }
            }
            Node::Object(fields)
        }
        Value::String(s) => Node::Text(s),
        Value::Null => Node::Text(String::new()),
        Value::Array(items) => Node::Object(
            items
                .into_iter()
                .map(|i| ("item".to_owned(), from_json(i)))
                .collect(),
        ),
        other => Node::Text(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_and_json_of_one_answer_have_the_same_fields() {
        let xml = Document::parse_xml(
            r#"<?xml version="1.0" encoding="UTF-8"?><R><Id>1</Id><Disks><Disk><Size>40</Size></Disk><Disk><Size>20</Size></Disk></Disks><Locks/><M>a &amp; "b"</M></R>"#,
        )
        .unwrap();
        let json = Document::parse_json(
            r#"{"Id":"1","Disks":{"Disk":[{"Size":40},{"Size":20}]},"Locks":{"Lock":[]},"M":"a & \"b\""}"#,
        )
        .unwrap();
        assert_eq!(xml.root.as_deref(), Some("R"));
        // JSON key order is not significant; compare field by field.
        let (mut x, mut j) = (xml.body.names(), json.body.names());
        x.sort_unstable();
        j.sort_unstable();
        assert_eq!(x, j);
        for name in x {
            assert_eq!(xml.body.all(name), json.body.all(name), "{name}");
        }
        assert_eq!(xml.field("M"), Some(r#"a & "b""#));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        // Each is garbage to both parsers: each half is asserted on its own.
        for bad in ["", "<a>", "<a></b>", "<a/><b/>", "text", "{", "[1]"] {
            assert!(Document::parse_xml(bad).is_err(), "XML: {bad:?}");
            assert!(Document::parse_json(bad).is_err(), "JSON: {bad:?}");
        }
        assert!(Document::parse_xml("<a>").is_err());
        assert!(Document::parse_json("[1]").is_err());
    }
}
