//! The control API's client side (`docs/control-api.md`): detect it, install, read and remove a
//! key pair's world.

use super::{Client, ClientError, Credentials};
use crate::protocol::{CONTROL_PREFIX, CONTROL_PROTOCOL, ControlDescribe, GetWorld, PutWorld};
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
        let http = |e: reqwest::Error| ClientError::Http {
            context: context.clone(),
            source: e.without_url(),
        };
        let resp = req.send().await.map_err(http)?;
        let status = resp.status().as_u16();
        let body = self.read_capped(resp, &context).await?;
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }

    /// Whether the endpoint speaks the control API, version 1. A transport failure is an error;
    /// any answer that is not the protocol description is `false`.
    pub async fn has_control_api(&self) -> Result<bool, ClientError> {
        let (status, body) = self.control_request(reqwest::Method::GET, "", None).await?;
        Ok(status == 200
            && serde_json::from_str::<ControlDescribe>(&body)
                .is_ok_and(|d| d.protocol == CONTROL_PROTOCOL && d.version == 1))
    }

    /// Creates or replaces the world of `credentials` (its key pair becomes valid for calls).
    pub async fn put_world(
        &self,
        credentials: &Credentials,
        world: &World,
    ) -> Result<(), ClientError> {
        let doc = PutWorld {
            access_key_secret: Some(credentials.secret().to_owned()),
            security_token: credentials.security_token().map(str::to_owned),
            world: world.clone(),
        };
        let body = serde_json::to_string(&doc).expect("worlds serialize");
        let path = format!("/worlds/{}", credentials.access_key_id);
        let (status, text) = self
            .control_request(reqwest::Method::PUT, &path, Some(body))
            .await?;
        if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(ClientError::Control {
                context: format!("PUT {CONTROL_PREFIX}{path}"),
                message: format!("status {status}: {text}"),
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
            return Err(fail(format!("status {status}: {text}")));
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
