//! The checker: asks the control API, records each check as it ends.

use serde_json::{Value, json};

use super::outcome::Check;
use super::worlds::{
    action, edition_faults, encrypted_world, expect_status, tagged_world, timed_world, world_of,
};
use crate::client::{Call, Client, Credentials, WireForm};
use crate::contract::Resource;
use crate::protocol::FEATURE_SECURITY_TOKEN;
use crate::world::{
    FEATURE_EDITION_FAULTS, FEATURE_ENCRYPTION, FEATURE_TAGS, FEATURE_TRANSITIONS, InstanceStatus,
    SnapshotStatus, World,
};

pub(super) struct Checker<'a> {
    pub(super) client: &'a Client,
    pub(super) checks: Vec<Check>,
}

impl Checker<'_> {
    pub(super) fn record(
        &mut self,
        name: &'static str,
        what: &'static str,
        result: Result<(), String>,
    ) {
        self.checks.push(Check {
            name,
            what,
            problem: result.err(),
        });
    }

    pub(super) async fn control(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<(u16, Value, String), String> {
        let (status, text) = self
            .client
            .control_raw(method, path, body.map(|b| b.to_string()))
            .await
            .map_err(|e| e.to_string())?;
        let value = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok((status, value, text))
    }

    /// A signed call of [`action`] on `disk` and `snapshot` with `credentials`: its status and
    /// error `Code`.
    pub(super) async fn call(
        &self,
        credentials: &Credentials,
        disk: &str,
        snapshot: &str,
    ) -> Result<(u16, String), String> {
        let action = action();
        let mut call = Call::new(
            action.name,
            WireForm::V1Get,
            Some(crate::format::Format::Json),
        );
        for (kind, id) in [(Resource::Disk, disk), (Resource::Snapshot, snapshot)] {
            if let Some(name) = action.param_for(kind) {
                call = call.param(name, id);
            }
        }
        let answer = self
            .client
            .with_credentials(credentials.clone())
            .send(&call)
            .await
            .map_err(|e| e.to_string())?;
        let code = serde_json::from_str::<Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("Code")?.as_str().map(str::to_owned))
            .unwrap_or_default();
        Ok((answer.status, code))
    }

    /// PUT [`timed_world`] with every transition's time passed as `credentials`' world, then GET
    /// it: every transition must read back ended (feature `transitions`).
    async fn transitions_ended(&self, credentials: &Credentials) -> Result<(), String> {
        let passed = time::macros::datetime!(2021-01-01 00:00:00 UTC);
        let mut world = timed_world();
        world.instances[0].status = InstanceStatus::Starting;
        world.instances[0].status_until = Some(passed);
        for s in world
            .snapshots
            .iter_mut()
            .filter(|s| s.status_until.is_some())
        {
            s.status_until = Some(passed);
        }
        let (read, _) = self.put_new(credentials, &world, json!({})).await?;
        let instance = read.instances.first().map(|x| (x.status, x.status_until));
        if instance != Some((InstanceStatus::Running, None)) {
            return Err(format!(
                "an instance Starting until 2021-01-01 reads back as {instance:?}, not Running"
            ));
        }
        let unfinished = (read.snapshots.iter())
            .find(|s| s.status != SnapshotStatus::Accomplished || s.status_until.is_some());
        if let Some(s) = unfinished {
            return Err(format!(
                "a snapshot progressing until 2021-01-01 reads back {} (until {:?})",
                s.status, s.status_until
            ));
        }
        Ok(())
    }

    /// PUT `world` as a new key pair's (`doc` adds to the document), then GET it: accepted (201),
    /// the world read back and the answer's text.
    async fn put_new(
        &self,
        credentials: &Credentials,
        world: &World,
        doc: Value,
    ) -> Result<(World, String), String> {
        let path = format!("/worlds/{}", credentials.access_key_id);
        let mut body = json!({"access_key_secret": credentials.secret(), "world": world.stated()});
        if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), doc) {
            body.extend(extra);
        }
        let (status, _, text) = self
            .control(reqwest::Method::PUT, &path, Some(body))
            .await?;
        expect_status(status, &[201], &text)?;
        let (status, got, text) = self.control(reqwest::Method::GET, &path, None).await?;
        expect_status(status, &[200], &text)?;
        Ok((world_of(&got)?, text))
    }

    /// PUT `world` as a new key pair's (`doc` adds to the document), then GET it: it must be
    /// accepted (201) and read back as put.
    pub(super) async fn put_and_read(
        &self,
        credentials: &Credentials,
        world: &World,
        doc: Value,
    ) -> Result<String, String> {
        let (read, text) = self.put_new(credentials, world, doc).await?;
        if read != *world {
            return Err(format!(
                "the world read back differs from the one put: {}",
                read.stated()
            ));
        }
        Ok(text)
    }

    /// The check of one announced optional feature.
    pub(super) async fn feature(&self, feature: &str, run_id: &str) -> Result<(), String> {
        let credentials = Credentials::new(
            format!("ecsc-check-{run_id}-{feature}"),
            uuid::Uuid::new_v4().simple().to_string(),
        );
        let sample = World::sample();
        let (disk, snapshot) = (
            sample.disks[0].disk_id.clone(),
            sample.snapshots[0].snapshot_id.clone(),
        );
        match feature {
            FEATURE_TAGS => self
                .put_and_read(&credentials, &tagged_world(), json!({}))
                .await
                .map(drop),
            FEATURE_ENCRYPTION => self
                .put_and_read(&credentials, &encrypted_world(), json!({}))
                .await
                .map(drop),
            FEATURE_SECURITY_TOKEN => {
                let token = format!("tok-{}", uuid::Uuid::new_v4().simple());
                let text = self
                    .put_and_read(&credentials, &sample, json!({"security_token": token}))
                    .await?;
                if text.contains(&token) {
                    return Err("GET returns the security token".into());
                }
                let (status, code) = self.call(&credentials, &disk, &snapshot).await?;
                if status == 200 {
                    return Err(format!(
                        "a call without the security token was served (200 {code:?})"
                    ));
                }
                let temporary = credentials.clone().with_security_token(token);
                let (status, code) = self.call(&temporary, &disk, &snapshot).await?;
                if status != 200 {
                    return Err(format!(
                        "a call carrying the security token was refused: {status} {code:?}"
                    ));
                }
                Ok(())
            }
            FEATURE_EDITION_FAULTS => {
                let faults = edition_faults();
                if faults.is_empty() {
                    return Err("no edition adds a fault: nothing to check".into());
                }
                let path = format!("/worlds/{}", credentials.access_key_id);
                self.put_and_read(&credentials, &sample, json!({})).await?;
                for fault in faults {
                    let doc = json!({"action": action().name, "code": fault.code, "message": fault.message});
                    let (status, _, text) = self
                        .control(reqwest::Method::POST, &format!("{path}/faults"), Some(doc))
                        .await?;
                    expect_status(status, &[201], &text)
                        .map_err(|e| format!("the fault {fault}: {e}"))?;
                    let (status, code) = self.call(&credentials, &disk, &snapshot).await?;
                    if (status, code.as_str()) != (fault.status, fault.code.as_ref()) {
                        return Err(format!(
                            "after the fault {fault}, the next call answered {status} {code:?}"
                        ));
                    }
                }
                Ok(())
            }
            FEATURE_TRANSITIONS => {
                self.put_and_read(&credentials, &timed_world(), json!({}))
                    .await?;
                // The same world with its times passed, under a key pair of its own (so that
                // this check needs no replacement, which `replace` checks).
                let ended = Credentials::new(
                    format!("{}-ended", credentials.access_key_id),
                    credentials.secret().to_owned(),
                );
                let result = self.transitions_ended(&ended).await;
                let path = format!("/worlds/{}", ended.access_key_id);
                let _ = self.control(reqwest::Method::DELETE, &path, None).await;
                result
            }
            other => Err(format!("{other} is no feature this harness knows")),
        }
    }
}
