//! The HTTP handlers: the ECS path and the control API. Each reads its body within the limits,
//! answers, and logs one line; ECS errors are rendered here in the envelope ECS uses.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;

use super::config::Limits;
use super::control;
use super::gateway::{Incoming, MAX_BODY_BYTES};
use super::shared::Shared;
use crate::api_error::ApiError;
use crate::format::Format;
use crate::protocol::{CONTROL_PREFIX, MAX_CONTROL_DOCUMENT_BYTES};

/// A whole ECS answer, before it becomes an HTTP response.
pub(crate) struct EcsAnswer {
    pub status: u16,
    pub format: Format,
    /// The error's `Code`; `None` for a success.
    pub code: Option<String>,
    pub action: Option<String>,
    pub text: String,
}

/// The answer to an ECS request whose body was read (or could not be): synchronous, no I/O.
pub(super) fn respond(
    shared: &Shared,
    incoming: &Incoming<'_>,
    body: Result<(), BodyError>,
    request_id: &str,
) -> EcsAnswer {
    let (format, action, result) = match body {
        Ok(()) => shared.answer(incoming, request_id),
        Err(e) => (
            incoming.default_format(),
            None,
            Err(match e {
                BodyError::TooLarge => ApiError::request_too_large("body", MAX_BODY_BYTES),
                BodyError::Broken => ApiError::invalid_parameter(
                    "body",
                    "it could not be read whole (cut short, or broken chunked framing)",
                ),
                BodyError::TimedOut => ApiError::request_timeout(shared.limits.body_read),
            }),
        ),
    };
    let host = incoming.header("host").unwrap_or("ecs.aliyuncs.com");
    match result {
        Ok(text) => EcsAnswer {
            status: 200,
            format,
            code: None,
            action,
            text,
        },
        Err(e) => EcsAnswer {
            status: e.status,
            format,
            code: Some(e.code.to_string()),
            action,
            text: render_error(&e, format, request_id, host),
        },
    }
}

/// Why a request body could not be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BodyError {
    TooLarge,
    /// Cut short, or broken chunked framing.
    Broken,
    TimedOut,
}

/// Reads a body of at most `limit` bytes within `limits.body_read`.
async fn read_body(
    body: Body,
    limit: usize,
    limits: Limits,
) -> Result<axum::body::Bytes, BodyError> {
    match tokio::time::timeout(limits.body_read, axum::body::to_bytes(body, limit)).await {
        Err(_) => Err(BodyError::TimedOut),
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => {
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            while let Some(s) = source {
                if s.is::<http_body_util::LengthLimitError>() {
                    return Err(BodyError::TooLarge);
                }
                source = s.source();
            }
            Err(BodyError::Broken)
        }
    }
}

pub(super) async fn control_handler(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let rest = parts
        .uri
        .path()
        .strip_prefix(CONTROL_PREFIX)
        .unwrap_or_default()
        .to_owned();
    let response = match read_body(body, MAX_CONTROL_DOCUMENT_BYTES, shared.limits).await {
        Ok(body) => control::handle(&shared, &parts.method, &rest, &body),
        Err(e) => {
            let (status, message) = match e {
                BodyError::TooLarge => (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("the document is larger than {MAX_CONTROL_DOCUMENT_BYTES} bytes"),
                ),
                BodyError::Broken => (
                    StatusCode::BAD_REQUEST,
                    "the document could not be read whole: cut short, or broken chunked framing"
                        .to_owned(),
                ),
                BodyError::TimedOut => (
                    StatusCode::REQUEST_TIMEOUT,
                    format!(
                        "the document did not arrive within {} s",
                        shared.limits.body_read.as_secs_f64()
                    ),
                ),
            };
            control::error(status, None, &message)
        }
    };
    if shared.log {
        log_line(format_args!(
            "control {} {}{} {} {:.2}ms",
            parts.method,
            CONTROL_PREFIX,
            rest,
            response.status().as_u16(),
            started.elapsed().as_secs_f64() * 1e3
        ));
    }
    response
}

/// One line of the request log on stderr. A log nobody reads any more (stderr closed, a pipe
/// whose reader left) must not stop the mock answering: `eprintln!` would panic in the handler.
fn log_line(line: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

pub(super) async fn ecs_handler(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4()
        .hyphenated()
        .encode_upper(&mut uuid::Uuid::encode_buffer())
        .to_owned();
    let (parts, body) = req.into_parts();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let body = read_body(body, MAX_BODY_BYTES, shared.limits).await;
    let incoming = Incoming {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or_default(),
        headers: &headers,
        body: body.as_deref().unwrap_or_default(),
    };
    let EcsAnswer {
        status,
        format,
        code,
        action,
        text,
    } = respond(
        &shared,
        &incoming,
        body.as_ref().map(|_| ()).map_err(|e| *e),
        &request_id,
    );
    if shared.log {
        log_line(format_args!(
            "{} {status} {} {:.2}ms",
            action.as_deref().unwrap_or("-"),
            code.as_deref().unwrap_or("-"),
            started.elapsed().as_secs_f64() * 1e3
        ));
    }
    let mut response = Response::new(Body::from(text));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(id) = HeaderValue::from_str(&request_id) {
        headers.insert("x-acs-request-id", id);
    }
    if status == 408 {
        // The rest of a body that timed out would be read as the next request: close.
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// The error envelope, children in the documented order.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ErrorBody<'a> {
    request_id: &'a str,
    host_id: &'a str,
    code: &'a str,
    message: &'a str,
    recommend: String,
}

fn render_error(e: &ApiError, format: Format, request_id: &str, host: &str) -> String {
    let body = ErrorBody {
        request_id,
        host_id: host,
        code: &e.code,
        message: &e.message,
        recommend: format!(
            "https://api.aliyun.com/troubleshoot?q={}&product=Ecs&requestId={request_id}",
            e.code
        ),
    };
    format.render("Error", &body)
}
