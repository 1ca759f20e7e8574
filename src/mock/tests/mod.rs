//! Tests of the mock that the Gherkin suite cannot state: raw and malformed HTTP, the control
//! protocol, lifecycle, isolation between worlds, concurrency regressions, the Describe actions'
//! shapes, and the generic handler on the wire. What a feature file states (every error row,
//! precedence, wire forms, signatures) is tested there, not again here. A real mock on loopback, driven by the signing
//! client or by raw requests.

mod abuse;
mod control;
mod describe;
mod http;
mod isolation;
mod properties;
mod rollback;
mod shape;

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;

use super::config::{Limits, MockConfig};
use super::gateway::{Incoming, MAX_BODY_BYTES, MAX_QUERY_BYTES};
use super::handlers::respond;
use super::server::{MockServer, serve};
use super::shared::Shared;
use crate::client::{Call, Client, Credentials, RawResponse, WireForm};
use crate::format::Format;
use crate::world::{InstanceStatus, World};

pub(super) async fn mock() -> (MockServer, Client) {
    let server = MockServer::start().await.unwrap();
    let client = Client::new(server.url(), Credentials::new("testid", "testsecret")).unwrap();
    (server, client)
}

pub(super) fn reset(form: WireForm, format: Option<Format>, disk: &str, snapshot: &str) -> Call {
    Call::new("ResetDisk", form, format)
        .param("DiskId", disk)
        .param("SnapshotId", snapshot)
}

pub(super) fn sample_reset(format: Option<Format>) -> Call {
    reset(WireForm::V1Get, format, "d-diskid1", "s-snapshotid1")
}

pub(super) fn code_of(r: &RawResponse) -> String {
    let json: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
    if let Some(code) = json["Code"].as_str() {
        return code.to_owned();
    }
    r.body
        .split_once("<Code>")
        .and_then(|(_, rest)| rest.split_once("</Code>"))
        .map(|(code, _)| code.to_owned())
        .unwrap_or_default()
}

pub(super) async fn raw(
    url: &str,
    method: &str,
    path_and_query: &str,
    body: Vec<u8>,
) -> RawResponse {
    let http = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let resp = http
        .request(method, format!("{url}{path_and_query}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    RawResponse {
        status: resp.status().as_u16(),
        content_type: resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default(),
        body: resp.text().await.unwrap(),
        retry_after: None,
    }
}
