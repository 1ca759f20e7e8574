//! Throttling: an answer that says the caller sent too much, told apart from every other, and
//! the waits before a retry. Throttling a scenario did not ask for is the infrastructure's, not a
//! finding: the runner retries, then reports the scenario not run (docs/discover.md).

use std::time::Duration;

use crate::client::{Call, Client, ClientError, RawResponse};

/// The error `Code` of an answer, when it has one.
fn code(raw: &RawResponse) -> Option<String> {
    super::document::Document::parse_json(&raw.body)
        .or_else(|_| super::document::Document::parse_xml(&raw.body))
        .ok()
        .and_then(|d| d.field("Code").map(str::to_owned))
}

/// Whether an answer is throttling: 429, 503, or a `Code` that contains `Throttling` (as the new
/// SDKs read it, docs/wire.md).
pub fn throttled(raw: &RawResponse) -> bool {
    matches!(raw.status, 429 | 503)
        || (raw.status >= 400 && code(raw).is_some_and(|c| c.contains("Throttling")))
}

/// A throttled answer in a few words that do not vary from call to call: `400 Throttling.User`.
pub fn throttle_words(raw: &RawResponse) -> String {
    match code(raw) {
        Some(c) => format!("{} {c}", raw.status),
        None => raw.status.to_string(),
    }
}

/// How long to wait before retry `attempt` (0-based): 1, 2, 4, 8 s, or the answer's
/// `x-acs-retry-after` when it asks for longer (its unit is unconfirmed: read as milliseconds, a
/// value meant in seconds still waits at least our own back-off); never more than 30 s.
pub fn backoff(raw: &RawResponse, attempt: u32) -> Duration {
    let ours = Duration::from_secs(1 << attempt.min(3));
    raw.retry_after
        .map_or(ours, |ms| Duration::from_millis(ms).max(ours))
        .min(Duration::from_secs(30))
}

/// How many times a throttled call is retried.
pub const RETRIES: u32 = 4;

/// Sends a Describe call, retrying while it is throttled.
pub async fn send_retrying(client: &Client, call: &Call) -> Result<RawResponse, ClientError> {
    let mut attempt = 0;
    loop {
        let raw = client.send(call).await?;
        if !throttled(&raw) || attempt == RETRIES {
            return Ok(raw);
        }
        tokio::time::sleep(backoff(&raw, attempt)).await;
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_is_told_apart_and_waited_for() {
        let raw = |status, body: &str, retry_after| RawResponse {
            status,
            content_type: "application/json".into(),
            body: body.into(),
            retry_after,
        };
        assert!(throttled(&raw(429, "", None)));
        assert!(throttled(&raw(503, "", None)));
        assert!(throttled(&raw(
            400,
            r#"{"RequestId":"r","Code":"Throttling.User","Message":"m"}"#,
            None
        )));
        assert!(!throttled(&raw(
            403,
            r#"{"RequestId":"r","Code":"IncorrectDiskStatus","Message":"m"}"#,
            None
        )));
        assert!(!throttled(&raw(200, r#"{"RequestId":"r"}"#, None)));
        let t = raw(429, "", None);
        assert_eq!(backoff(&t, 0), Duration::from_secs(1));
        assert_eq!(backoff(&t, 3), Duration::from_secs(8));
        assert_eq!(backoff(&t, 9), Duration::from_secs(8));
        assert_eq!(
            backoff(&raw(429, "", Some(1500)), 0),
            Duration::from_millis(1500)
        );
        assert_eq!(
            backoff(&raw(429, "", Some(5)), 1),
            Duration::from_secs(2),
            "a value meant in seconds never shortens our own wait"
        );
        assert_eq!(
            backoff(&raw(429, "", Some(3_600_000)), 0),
            Duration::from_secs(30)
        );
    }
}
