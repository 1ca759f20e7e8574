//! The control API's client side (`docs/control-api.md`): detect it, install, read and remove a
//! key pair's world.

use super::http::{Client, ClientError};
use super::request::Credentials;
use crate::protocol::{CONTROL_PREFIX, CONTROL_PROTOCOL, ControlDescribe, GetWorld};
use crate::world::World;

impl Client {
    async fn control_request(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<String>,
    ) -> Result<(u16, String), ClientError> {
        let context = format!(
            "control API {method} {CONTROL_PREFIX}{path} on {}",
            self.endpoint()
        );
        let mut req = self
            .http
            .request(method, format!("{}{CONTROL_PREFIX}{path}", self.endpoint()));
        if let Some(body) = body {
            req = req.header("content-type", "application/json").body(body);
        }
        let sent = std::time::Instant::now();
        let resp = (req.send().await).map_err(|e| self.transport_error(&context, e, sent))?;
        let status = resp.status().as_u16();
        let body = self.read_capped(resp, &context, sent).await?;
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }

    /// A control API request as it is: status and body (for `control-check`, which judges them).
    pub(crate) async fn control_raw(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<String>,
    ) -> Result<(u16, String), ClientError> {
        self.control_request(method, path, body).await
    }

    /// Whether the endpoint speaks the control API, version 1. A transport failure is an error;
    /// any answer that is not the protocol description is `false`.
    pub async fn has_control_api(&self) -> Result<bool, ClientError> {
        Ok(self.control_api().await?.is_some())
    }

    /// The control API's description, when the endpoint speaks version 1 of it: its optional
    /// features (none listed: the first published set). A transport failure is an error; any
    /// answer that is not the protocol description is `None`.
    pub async fn control_api(&self) -> Result<Option<ControlDescribe>, ClientError> {
        let (status, body) = self.control_request(reqwest::Method::GET, "", None).await?;
        Ok(serde_json::from_str::<ControlDescribe>(&body)
            .ok()
            .filter(|d| status == 200 && d.protocol == CONTROL_PROTOCOL && d.version == 1))
    }

    /// Creates or replaces the world of `credentials` (its key pair becomes valid for calls).
    pub async fn put_world(
        &self,
        credentials: &Credentials,
        world: &World,
    ) -> Result<(), ClientError> {
        // Only what the scenario states: the world without its defaults, the token only when
        // there is one (docs/control-api.md: a server of an earlier revision of version 1 reads
        // every document that needs nothing newer).
        let mut doc = serde_json::json!({
            "access_key_secret": credentials.secret(),
            "world": world.stated(),
        });
        if let Some(token) = credentials.security_token() {
            doc["security_token"] = token.into();
        }
        let body = doc.to_string();
        let path = format!("/worlds/{}", credentials.access_key_id);
        let (status, text) = self
            .control_request(reqwest::Method::PUT, &path, Some(body))
            .await?;
        if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(ClientError::Control {
                context: format!("PUT {CONTROL_PREFIX}{path}"),
                message: refusal(status, &text),
            })
        }
    }

    /// Reads the world of `access_key_id`.
    pub async fn get_world(&self, access_key_id: &str) -> Result<World, ClientError> {
        let path = format!("/worlds/{access_key_id}");
        let (status, text) = self
            .control_request(reqwest::Method::GET, &path, None)
            .await?;
        let fail = |message: String| ClientError::Control {
            context: format!("GET {CONTROL_PREFIX}{path}"),
            message,
        };
        if status != 200 {
            return Err(fail(refusal(status, &text)));
        }
        serde_json::from_str::<GetWorld>(&text)
            .map(|g| g.world)
            .map_err(|e| fail(format!("not a world document: {e}")))
    }

    /// Removes the world of `access_key_id`; a missing world is not an error.
    pub async fn delete_world(&self, access_key_id: &str) -> Result<(), ClientError> {
        let path = format!("/worlds/{access_key_id}");
        self.control_request(reqwest::Method::DELETE, &path, None)
            .await?;
        Ok(())
    }
}

/// A control API's refusal in words: the status, and the field and message of a documented error
/// document (`{"error": {"field", "message"}}`), else the start of the body.
pub(crate) fn refusal(status: u16, body: &str) -> String {
    let error = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("error").cloned());
    let field = error
        .as_ref()
        .and_then(|e| e.get("field")?.as_str().map(str::to_owned));
    let message = error
        .as_ref()
        .and_then(|e| e.get("message")?.as_str().map(str::to_owned));
    match (field, message) {
        (Some(field), Some(message)) => format!("status {status}: field `{field}`: {message}"),
        (None, Some(message)) => format!("status {status}: {message}"),
        _ => {
            let mut end = body.len().min(200);
            while !body.is_char_boundary(end) {
                end -= 1;
            }
            format!("status {status}: {}", &body[..end])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::refusal;

    #[test]
    fn a_refusal_names_the_field_and_message_of_the_error_document() {
        assert_eq!(
            refusal(
                400,
                r#"{"error":{"field":"world.instances[0].tags","message":"unknown field `tags`"}}"#
            ),
            "status 400: field `world.instances[0].tags`: unknown field `tags`"
        );
        assert_eq!(
            refusal(400, r#"{"error":{"field":null,"message":"bad"}}"#),
            "status 400: bad"
        );
        assert_eq!(refusal(502, "Bad Gateway"), "status 502: Bad Gateway");
    }
}
