//! The answers a scenario expects: the rows of a Then step's table (one `status` / `Code` /
//! `Message` answer, or several under a header), each with the evidence of the catalogue row
//! that states it, and whether an answer is one of them — `{any}` standing for any text, and
//! `{string-to-sign}` and `{canonical-request}` for the client's own.

use super::answer::Answer;
use crate::catalogue::{CatalogueRow, ErrorAnswer};
use crate::evidence::Level;

/// An error answer a scenario accepts, with its evidence (from the catalogue row that states it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedRow {
    pub answer: ErrorAnswer,
    pub level: Level,
    pub source: String,
}

impl ExpectedRow {
    pub fn new(answer: ErrorAnswer, row: &CatalogueRow) -> Self {
        Self {
            answer,
            level: row.level,
            source: crate::metadata::sources(row).join("; "),
        }
    }
}

/// The answers a Then step's table states: a vertical `status` / `Code` / `Message` table (one
/// answer), or a `status | Code | Message` header over one row per answer.
pub fn answers_in_table(rows: &[Vec<String>]) -> Result<Vec<ErrorAnswer>, String> {
    let header = ["status", "Code", "Message"];
    if let Some((first, rest)) = rows.split_first()
        && first.iter().map(String::as_str).eq(header)
    {
        if rest.is_empty() {
            return Err("the table lists no answer under its header".into());
        }
        return rest
            .iter()
            .map(|r| match r.as_slice() {
                [status, code, message] => Ok(ErrorAnswer {
                    status: status.parse()?,
                    code: code.clone(),
                    message: message.clone(),
                }),
                other => Err(format!("row {other:?}: expected status, Code and Message")),
            })
            .collect();
    }
    let (mut status, mut code, mut message) = (None, None, None);
    for row in rows {
        match row.as_slice() {
            [k, v] if k == "status" => status = Some(v.parse()?),
            [k, v] if k == "Code" => code = Some(v.clone()),
            [k, v] if k == "Message" => message = Some(v.clone()),
            other => {
                return Err(format!(
                    "unexpected row {other:?}: rows are status, Code, Message"
                ));
            }
        }
    }
    match (status, code, message) {
        (Some(status), Some(code), Some(message)) if !code.is_empty() && !message.is_empty() => {
            Ok(vec![ErrorAnswer {
                status,
                code,
                message,
            }])
        }
        _ => Err("the table needs status, Code and Message".into()),
    }
}

/// The rows of a Then step's table (`status` / `Code` / `Message`), each with the evidence of the
/// catalogue row that states it, else (for a call of `action`) of the row of the action's own
/// table in the API metadata ([`metadata_row`]).
pub fn expected_rows(
    action: Option<&str>,
    rows: &[Vec<String>],
) -> Result<Vec<ExpectedRow>, String> {
    answers_in_table(rows)?
        .into_iter()
        .map(|answer| {
            if let Some(row) = crate::catalogue::find(&answer) {
                return Ok(ExpectedRow::new(answer, row));
            }
            match action.and_then(|a| metadata_row(a, &answer)) {
                Some(source) => Ok(ExpectedRow {
                    answer,
                    level: Level::Documented,
                    source,
                }),
                None => Err(format!(
                    "{answer} is in no catalogue: add it there with its level and source"
                )),
            }
        })
        .collect()
}

/// Whether `action`'s error table in the API metadata states `answer` — its status and code, and
/// its message or `{any}` (the table names the code; the words are the endpoint's) — and the
/// source that says so.
pub fn metadata_row(action: &str, answer: &ErrorAnswer) -> Option<String> {
    let meta = crate::metadata::action(action)?;
    meta.errors()
        .any(|(status, code, message)| {
            status.parse().is_ok_and(|s| answer.status.matches(s))
                && code == answer.code
                && (message == answer.message || answer.message == ANY)
        })
        .then(|| format!("{}: {action}'s error table", crate::metadata::citation()))
}

/// Where an expected message stands for the client's own V1 or V3 string-to-sign.
pub const STRING_TO_SIGN: &str = "{string-to-sign}";
/// Where an expected message stands for the client's own V3 canonical request.
pub const CANONICAL_REQUEST: &str = "{canonical-request}";
/// Where an expected code or message stands for any text.
pub const ANY: &str = "{any}";

/// Whether `text` fits `pattern`, where [`ANY`] stands for any text.
pub(crate) fn fits(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split(ANY).collect();
    // One part: no placeholder, so the text must be the pattern.
    let [first, middle @ .., last] = parts.as_slice() else {
        return pattern == text;
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Whether `message` fits the expected `pattern`, its placeholders filled with the client's own
/// string-to-sign and canonical request.
pub(crate) fn message_fits(pattern: &str, answer: &Answer, message: &str) -> bool {
    let mut pattern = pattern.to_owned();
    for (placeholder, value) in [
        (STRING_TO_SIGN, &answer.string_to_sign),
        (CANONICAL_REQUEST, &answer.canonical_request),
    ] {
        if pattern.contains(placeholder) {
            match value {
                Some(v) => pattern = pattern.replace(placeholder, v),
                None => return false,
            }
        }
    }
    fits(&pattern, message)
}

/// Whether the answer (status, and code and message if it has them) is `expected`.
pub(crate) fn is(
    expected: &ErrorAnswer,
    answer: &Answer,
    code: Option<&str>,
    message: Option<&str>,
) -> bool {
    expected.status.matches(answer.raw.status)
        && code.is_some_and(|c| fits(&expected.code, c))
        && message.is_some_and(|m| message_fits(&expected.message, answer, m))
}
