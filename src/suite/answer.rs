//! One answer as the checks read it: what was asked (action, wire form, `Format`), what came,
//! and the client's own string-to-sign; read in the format it actually came in (its
//! `Content-Type`, else what its body looks like).

use super::document::Document;
use crate::client::{RawResponse, WireForm};
use crate::evidence::ids;
use crate::format::Format;

/// One answer, and how it was asked for.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The action called.
    pub action: String,
    /// The `Format` parameter sent, if any.
    pub asked: Option<Format>,
    pub form: WireForm,
    pub raw: RawResponse,
    /// The client's string-to-sign and (V3) canonical request, for `SignatureDoesNotMatch`.
    pub string_to_sign: Option<String>,
    pub canonical_request: Option<String>,
}

impl Answer {
    /// The format the answer should come in, and the expectation that says so.
    pub fn expected_format(&self) -> (Format, &'static str) {
        match (self.form, self.asked) {
            (WireForm::V3, Some(f)) => (f, ids::FORMAT_V3_FORMAT),
            (WireForm::V3, None) => (Format::Json, ids::FORMAT_V3_DEFAULT),
            (_, Some(f)) => (f, ids::FORMAT_V1_FORMAT),
            (_, None) => (Format::Xml, ids::FORMAT_V1_DEFAULT),
        }
    }

    /// The error `Code`, when the answer is a document that carries one.
    pub fn code(&self) -> Option<String> {
        self.document()
            .ok()
            .and_then(|d| d.field("Code").map(str::to_owned))
    }

    /// The format the answer came in: as its `Content-Type` says, else as its body looks, else
    /// the one expected.
    pub fn format(&self) -> Format {
        let ct = self.raw.content_type.to_ascii_lowercase();
        if ct.contains("xml") {
            return Format::Xml;
        }
        if ct.contains("json") {
            return Format::Json;
        }
        match self.raw.body.trim_start().chars().next() {
            Some('<') => Format::Xml,
            Some('{') => Format::Json,
            _ => self.expected_format().0,
        }
    }

    pub fn document(&self) -> Result<Document, String> {
        match self.format() {
            Format::Xml => Document::parse_xml(&self.raw.body),
            Format::Json => Document::parse_json(&self.raw.body),
        }
    }
}
