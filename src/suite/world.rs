//! The cucumber World of one scenario: the ECS world its Given steps describe, the client that
//! calls the target with the scenario's own key pair, and the answers received.
//!
//! Steps call the methods here; the methods build worlds, install them through the control API,
//! send calls through [`Client`] and keep the answers. Steps never build raw HTTP requests.

use std::sync::Arc;

use super::Context;
use super::check::Answer;
use crate::client::{Call, Client, Credentials, WireForm};
use crate::format::Format;
use crate::world::{Disk, Instance, Snapshot, World};

#[derive(Debug, Default, cucumber::World)]
pub struct SuiteWorld {
    pub(super) ctx: Option<Arc<Context>>,
    pub(super) feature: String,
    pub(super) scenario: String,
    /// The world the Given steps describe; installed on the first call.
    pub world: World,
    client: Option<Client>,
    pub answers: Vec<Answer>,
}

impl SuiteWorld {
    fn ctx(&self) -> Result<&Arc<Context>, String> {
        self.ctx
            .as_ref()
            .ok_or_else(|| "the suite's context was not set (run through suite::run)".into())
    }

    /// The world, for a Given step to change: only before the first call installs it.
    pub fn world_mut(&mut self) -> Result<&mut World, String> {
        if self.client.is_some() {
            return Err(
                "the world was already installed by a call: state every Given that \
                        describes resources before the first call"
                    .into(),
            );
        }
        Ok(&mut self.world)
    }

    pub fn add_instance(&mut self, instance: Instance) -> Result<(), String> {
        self.world_mut()?.instances.push(instance);
        Ok(())
    }

    pub fn add_disk(&mut self, disk: Disk) -> Result<(), String> {
        self.world_mut()?.disks.push(disk);
        Ok(())
    }

    pub fn add_snapshot(&mut self, snapshot: Snapshot) -> Result<(), String> {
        self.world_mut()?.snapshots.push(snapshot);
        Ok(())
    }

    pub fn instance_mut(&mut self, id: &str) -> Result<&mut Instance, String> {
        self.world_mut()?
            .instance_mut(id)
            .ok_or_else(|| format!("no instance {id:?} in this scenario's world; add it first"))
    }

    pub fn disk_mut(&mut self, id: &str) -> Result<&mut Disk, String> {
        self.world_mut()?
            .disk_mut(id)
            .ok_or_else(|| format!("no disk {id:?} in this scenario's world; add it first"))
    }

    pub fn snapshot_mut(&mut self, id: &str) -> Result<&mut Snapshot, String> {
        self.world_mut()?
            .snapshot_mut(id)
            .ok_or_else(|| format!("no snapshot {id:?} in this scenario's world; add it first"))
    }

    /// The scenario's client: with a control API, a fresh key pair whose world is the one the
    /// Given steps described; without one, the credentials the run was given.
    async fn client(&mut self) -> Result<Client, String> {
        if let Some(c) = &self.client {
            return Ok(c.clone());
        }
        let ctx = self.ctx()?.clone();
        let client = if ctx.control {
            let credentials = Credentials::new(
                ctx.next_access_key_id(),
                uuid::Uuid::new_v4().simple().to_string(),
            );
            self.world
                .validate()
                .map_err(|e| format!("this scenario's world is invalid: {e}"))?;
            ctx.client
                .put_world(&credentials, &self.world)
                .await
                .map_err(|e| e.to_string())?;
            ctx.client.with_credentials(credentials)
        } else {
            ctx.client.clone()
        };
        self.client = Some(client.clone());
        Ok(client)
    }

    /// Sends `call` (with `nonce`, or a fresh one) and keeps the answer.
    pub async fn send(&mut self, call: &Call, nonce: Option<&str>) -> Result<(), String> {
        let client = self.client().await?;
        let nonce = nonce.map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
        let prepared = client.prepare(call, &nonce);
        let raw = client
            .send_prepared(&prepared, &call.action)
            .await
            .map_err(|e| format!("the target did not answer: {e}"))?;
        let format = answer_format(call);
        let answer = Answer {
            format,
            raw,
            string_to_sign: prepared.string_to_sign,
        };
        self.ctx()?
            .record(&self.feature, &self.scenario, &call.action, &answer);
        self.answers.push(answer);
        Ok(())
    }

    /// Sends the same calls at once and keeps every answer.
    pub async fn send_concurrently(&mut self, call: &Call, n: usize) -> Result<(), String> {
        let client = self.client().await?;
        let ctx = self.ctx()?.clone();
        let sends = (0..n).map(|_| {
            let (client, call) = (client.clone(), call.clone());
            async move {
                let prepared = client.prepare(&call, &uuid::Uuid::new_v4().to_string());
                client.send_prepared(&prepared, &call.action).await
            }
        });
        for raw in futures::future::join_all(sends).await {
            let raw = raw.map_err(|e| format!("the target did not answer: {e}"))?;
            let answer = Answer {
                format: answer_format(call),
                raw,
                string_to_sign: None,
            };
            ctx.record(&self.feature, &self.scenario, &call.action, &answer);
            self.answers.push(answer);
        }
        Ok(())
    }

    /// The last answer.
    pub fn answer(&self) -> Result<&Answer, String> {
        self.answers
            .last()
            .ok_or_else(|| "no call was made before this step".into())
    }

    /// The world as the target holds it now (through the control API).
    pub async fn target_world(&mut self) -> Result<World, String> {
        let client = self.client().await?;
        let ctx = self.ctx()?;
        ctx.client
            .get_world(&client.credentials().access_key_id)
            .await
            .map_err(|e| e.to_string())
    }

    /// Removes the scenario's own world from the target, so runs against a long-lived endpoint do
    /// not accumulate worlds. A failure here changes no result, so it is not reported.
    pub async fn clean_up(&mut self) {
        let (Some(ctx), Some(client)) = (&self.ctx, &self.client) else {
            return;
        };
        if ctx.control {
            let _ = ctx
                .client
                .delete_world(&client.credentials().access_key_id)
                .await;
        }
    }

    pub fn snapshot_name(&self) -> String {
        super::snapshot::snapshot_name(&self.feature, &self.scenario)
    }

    pub fn snapshot_mode(&self) -> Result<super::SnapshotMode, String> {
        Ok(self.ctx()?.snapshot_mode)
    }
}

/// The format the endpoint should answer `call` in: its `Format`, else JSON for V3 and XML for
/// V1 (docs/choices.md).
fn answer_format(call: &Call) -> Format {
    call.format.unwrap_or(match call.form {
        WireForm::V3 => Format::Json,
        _ => Format::Xml,
    })
}
