//! The control API: JSON over HTTP under `/ecs-conformance/v1`, a path no ECS action uses, to
//! read, replace, delete and reset worlds and to schedule faults. `docs/control-api.md` is the
//! protocol; vendors may implement it on their own endpoints to certify every scenario.

use std::sync::Arc;

use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::shared::Shared;
use super::tenant::Tenant;
use crate::contract::editions::{self, Edition};
use crate::protocol::FEATURES;
use crate::protocol::{
    CONTROL_PREFIX as PREFIX, CONTROL_PROTOCOL, ControlDescribe, GetWorld, PutWorld,
};
use crate::world::{FEATURE_EDITION_FAULTS, Fault, WorldError, from_json};

/// The optional features a mock serving `edition` offers: all of them, but `edition_faults` when
/// the edition lacks a fault a later one added (the mock refuses it: announcing the feature would
/// promise what it refuses, which `control-check` fails).
pub(super) fn offered(edition: &Edition) -> Vec<String> {
    let ours = Fault::injectable_in(edition);
    let every_later = Fault::injectable_in(editions::latest())
        .iter()
        .all(|e| ours.contains(e));
    FEATURES
        .iter()
        .filter(|f| **f != FEATURE_EDITION_FAULTS || every_later)
        .map(|f| (*f).to_owned())
        .collect()
}

fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(value).unwrap_or_default(),
    )
        .into_response()
}

pub(super) fn error(status: StatusCode, field: Option<&str>, message: &str) -> Response {
    json(
        status,
        &serde_json::json!({ "error": { "field": field, "message": message } }),
    )
}

fn invalid(e: &WorldError, prefix: &str) -> Response {
    let field = if e.field == "(document)" {
        e.field.clone()
    } else {
        format!("{prefix}{}", e.field)
    };
    // serde's message quotes the value it refused: for the secret, that is the secret.
    let message = if field.starts_with("access_key_secret") {
        "expected a non-empty string (the value is not shown: it is a secret)"
    } else {
        &e.message
    };
    error(StatusCode::BAD_REQUEST, Some(&field), message)
}

/// Answers one control request. `rest` is the path after [`PREFIX`].
pub fn handle(shared: &Arc<Shared>, method: &Method, rest: &str, body: &[u8]) -> Response {
    // `/ecs-conformance/v1` and `/ecs-conformance/v1/` are the root; an empty segment elsewhere
    // (`worlds//reset`) names nothing.
    let path = rest.strip_prefix('/').unwrap_or(rest);
    let segments: Vec<&str> = if path.is_empty() {
        Vec::new()
    } else {
        path.split('/').collect()
    };
    if segments.iter().any(|s| s.is_empty()) {
        return error(
            StatusCode::NOT_FOUND,
            None,
            &format!("no control resource at {PREFIX}{rest}: a path segment is empty"),
        );
    }
    let not_allowed = || {
        error(
            StatusCode::METHOD_NOT_ALLOWED,
            None,
            &format!("{method} is not allowed on {PREFIX}{rest}"),
        )
    };
    match segments.as_slice() {
        [] if method == Method::GET => json(
            StatusCode::OK,
            &ControlDescribe {
                protocol: CONTROL_PROTOCOL.into(),
                version: 1,
                features: offered(shared.edition),
            },
        ),
        ["worlds", key] => match *method {
            Method::GET => get_world(shared, key),
            Method::PUT => put_world(shared, key, body),
            Method::DELETE => match shared.tenants().remove(*key) {
                Some(_) => StatusCode::NO_CONTENT.into_response(),
                None => no_world(key),
            },
            _ => not_allowed(),
        },
        ["worlds", key, "reset"] if method == Method::POST => {
            // The guard must be gone before get_world locks again.
            let found = shared.tenants().get_mut(*key).map(Tenant::reset).is_some();
            if found {
                get_world(shared, key)
            } else {
                no_world(key)
            }
        }
        ["worlds", key, "faults"] if method == Method::POST => add_fault(shared, key, body),
        [] | ["worlds", _, "reset" | "faults"] => not_allowed(),
        _ => error(
            StatusCode::NOT_FOUND,
            None,
            &format!("no control resource at {PREFIX}{rest}"),
        ),
    }
}

fn no_world(key: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        None,
        &format!("no world for access key {key:?}"),
    )
}

fn get_world(shared: &Arc<Shared>, key: &str) -> Response {
    match shared.tenants().get_mut(key) {
        Some(t) => {
            // The world as of now: transitions whose time has come have ended.
            t.world.settle(time::OffsetDateTime::now_utc());
            json(
                StatusCode::OK,
                &GetWorld {
                    access_key_id: key.to_owned(),
                    world: t.world.clone(),
                },
            )
        }
        None => no_world(key),
    }
}

fn put_world(shared: &Arc<Shared>, key: &str, body: &[u8]) -> Response {
    let doc: PutWorld = match from_json(body) {
        Ok(doc) => doc,
        Err(e) => return invalid(&e, ""),
    };
    if let Err(e) = doc
        .world
        .validate()
        .and_then(|()| doc.world.check_edition(shared.edition))
    {
        return invalid(&e, "world.");
    }
    let mut tenants = shared.tenants();
    let created = !tenants.contains_key(key);
    if doc.access_key_secret.as_deref() == Some("") {
        return error(
            StatusCode::BAD_REQUEST,
            Some("access_key_secret"),
            "must not be empty: a call signed with an empty secret would verify",
        );
    }
    match (tenants.get_mut(key), doc.access_key_secret) {
        (Some(t), secret) => {
            if let Some(secret) = secret {
                t.secret = secret;
            }
            t.security_token = doc.security_token;
            t.load(doc.world);
        }
        (None, Some(secret)) => {
            let mut tenant = Tenant::new(secret, doc.world);
            tenant.security_token = doc.security_token;
            tenants.insert(key.to_owned(), tenant);
        }
        (None, _) => {
            return error(
                StatusCode::BAD_REQUEST,
                Some("access_key_secret"),
                "required to create a world for a new access key",
            );
        }
    }
    drop(tenants);
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut response = get_world(shared, key);
    *response.status_mut() = status;
    response
}

fn add_fault(shared: &Arc<Shared>, key: &str, body: &[u8]) -> Response {
    let fault: Fault = match from_json(body) {
        Ok(f) => f,
        Err(e) => return invalid(&e, ""),
    };
    let mut tenants = shared.tenants();
    let Some(tenant) = tenants.get_mut(key) else {
        return no_world(key);
    };
    let mut world = tenant.world.clone();
    world.faults.push(fault);
    if let Err(e) = world
        .validate()
        .and_then(|()| world.check_edition(shared.edition))
    {
        return invalid(&e, "");
    }
    tenant.world.faults = world.faults;
    drop(tenants);
    let mut response = get_world(shared, key);
    *response.status_mut() = StatusCode::CREATED;
    response
}
