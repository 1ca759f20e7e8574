//! `ecs-conformance control-check`: the control API alone (`docs/control-api.md`), check by check,
//! so that a vendor can make their control API right before certifying their ECS API with it.
//!
//! Each check says what it asked and what came. Key pairs of the check's own are created and
//! removed; the few ECS calls it makes (a fault served, a key pair's isolation, a deleted key pair,
//! a temporary key pair's token) name only resources of those worlds.
//!
//! Every optional feature the control API announces is part of what it certifies: for each, a
//! world (or fault) that uses it must be accepted and read back. A server that announces what it
//! refuses would leave every scenario needing the feature "not run: setup failed" in `run`.

use serde_json::{Value, json};

use crate::api_error::ApiError;
use crate::client::{Call, Client, Credentials, WireForm};
use crate::contract::editions;
use crate::contract::{self, Resource};
use crate::protocol::{CONTROL_PREFIX, CONTROL_PROTOCOL, FEATURE_SECURITY_TOKEN, FEATURES};
use crate::world::{
    FEATURE_EDITION_FAULTS, FEATURE_ENCRYPTION, FEATURE_TAGS, FEATURE_TRANSITIONS, Fault,
    InstanceStatus, KmsKey, Snapshot, SnapshotStatus, Tag, World,
};

/// The action the ECS side of the checks calls, and the one a world's fault names: the action
/// under certification that changes disks, so that the isolation check proves a call signed by
/// one key pair cannot change another's world.
fn action() -> &'static contract::Action {
    contract::certified()
        .find(|a| a.may_change(Resource::Disk))
        .expect("an action under certification changes disks (src/contract)")
}

/// One check and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// `describe`, `put`, `get`, `replace`, `fault`, `reset`, `error-shape`, `isolation`,
    /// `delete`, then one per announced optional feature, named after it (`tags`,
    /// `security_token`, `encryption`, `edition_faults`).
    pub name: &'static str,
    /// What it proves when it passes.
    pub what: &'static str,
    /// `None`: passed; else what was wrong.
    pub problem: Option<String>,
}

/// Every check, in the order run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlCheck {
    pub checks: Vec<Check>,
    /// The optional features the control API announced.
    pub features: Vec<String>,
}

impl ControlCheck {
    pub fn passed(&self) -> usize {
        self.checks.iter().filter(|c| c.problem.is_none()).count()
    }

    pub fn failed(&self) -> usize {
        self.checks.len() - self.passed()
    }

    /// A line per check, then `control-check: N passed, N failed`.
    pub fn text(&self) -> String {
        let unknown: Vec<&str> = self
            .features
            .iter()
            .map(String::as_str)
            .filter(|f| !FEATURES.contains(f))
            .collect();
        let mut out = format!(
            "features announced: {}{}\n",
            if self.features.is_empty() {
                "none (the first published set)".to_owned()
            } else {
                self.features.join(", ")
            },
            if unknown.is_empty() {
                String::new()
            } else {
                format!(
                    " (newer than this harness, ignored: {})",
                    unknown.join(", ")
                )
            }
        );
        for c in &self.checks {
            match &c.problem {
                None => out.push_str(&format!("✔ {}: {}\n", c.name, c.what)),
                Some(p) => out.push_str(&format!("✘ {}: {}\n    {}\n", c.name, c.what, p)),
            }
        }
        out.push_str(&format!(
            "control-check: {} passed, {} failed\n",
            self.passed(),
            self.failed()
        ));
        out
    }
}

/// Why the checks could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum CannotCheck {
    #[error("cannot reach {0}: {1}")]
    Unreachable(String, String),
    #[error("{0} does not describe the control API at {CONTROL_PREFIX}: {1}")]
    NoControlApi(String, String),
}

/// The world of the first key pair: the reference's sample, which a reset succeeds on.
fn world_one() -> World {
    World::sample()
}

/// The world of the second: other ids, so that each world's resources are its own.
fn world_two() -> Value {
    json!({
        "instances": [{"instance_id": "i-check-two", "status": "Stopped"}],
        "disks": [{"disk_id": "d-check-two", "status": "In_use", "instance_id": "i-check-two"}],
        "snapshots": [{"snapshot_id": "s-check-two", "source_disk_id": "d-check-two",
                       "status": "accomplished"}]
    })
}

/// The sample world with a tag on its instance, disk and snapshot (feature `tags`).
fn tagged_world() -> World {
    let mut w = World::sample();
    let tag = Tag {
        key: "ecs-conformance-check".into(),
        value: "tagged".into(),
    };
    w.instances
        .iter_mut()
        .for_each(|i| i.tags.push(tag.clone()));
    w.disks.iter_mut().for_each(|d| d.tags.push(tag.clone()));
    w.snapshots
        .iter_mut()
        .for_each(|s| s.tags.push(tag.clone()));
    w
}

/// The sample world with its disk and snapshot encrypted under a KMS key of the account
/// (feature `encryption`).
fn encrypted_world() -> World {
    let mut w = World::sample();
    let key = "key-ecsc-check";
    w.kms_keys.push(KmsKey {
        key_id: key.into(),
        enabled: true,
        ecs_tagged: true,
    });
    for d in &mut w.disks {
        d.encrypted = true;
        d.kms_key_id = Some(key.into());
    }
    for s in &mut w.snapshots {
        s.encrypted = true;
        s.kms_key_id = Some(key.into());
    }
    w
}

/// The sample world with its transitions' durations set, its instance `Stopping` and a second
/// snapshot `progressing` until a time to come (feature `transitions`).
fn timed_world() -> World {
    let mut w = World::sample();
    w.transitions.stop_ms = 500;
    w.transitions.start_ms = 600;
    w.transitions.snapshot_ms = 700;
    w.transitions.concurrent_snapshots_per_disk = 2;
    let to_come = time::macros::datetime!(2099-01-01 00:00:00 UTC);
    w.instances[0].status = InstanceStatus::Stopping;
    w.instances[0].status_until = Some(to_come);
    let mut s = Snapshot::new(
        "s-check-progressing",
        w.disks[0].disk_id.clone(),
        SnapshotStatus::Progressing,
    );
    s.status_until = Some(to_come);
    w.snapshots.push(s);
    w
}

/// The faults of the latest edition that a server of the first published set does not schedule
/// (feature `edition_faults`).
fn edition_faults() -> Vec<ApiError> {
    let first = Fault::injectable_in(&editions::all()[0]);
    Fault::injectable_in(editions::latest())
        .into_iter()
        .filter(|e| !first.contains(e))
        .collect()
}

/// What each optional feature's check proves, by the feature's name.
fn feature_check(feature: &str) -> Option<(&'static str, &'static str)> {
    Some(match feature {
        FEATURE_TAGS => (
            FEATURE_TAGS,
            "announced: a world whose instance, disk and snapshot carry tags is accepted and read \
             back with them",
        ),
        FEATURE_SECURITY_TOKEN => (
            FEATURE_SECURITY_TOKEN,
            "announced: a temporary key pair's world is accepted and read back without its token; \
             calls with the token are served, calls without it refused",
        ),
        FEATURE_ENCRYPTION => (
            FEATURE_ENCRYPTION,
            "announced: a world with a KMS key and an encrypted disk and snapshot is accepted and \
             read back",
        ),
        FEATURE_EDITION_FAULTS => (
            FEATURE_EDITION_FAULTS,
            "announced: a fault of a later edition than the first is accepted (201) and served",
        ),
        FEATURE_TRANSITIONS => (
            FEATURE_TRANSITIONS,
            "announced: a world whose transitions end in time to come reads back as put; one \
             whose transitions' time has passed reads back with them ended",
        ),
        _ => return None,
    })
}

struct Checker<'a> {
    client: &'a Client,
    checks: Vec<Check>,
}

impl Checker<'_> {
    fn record(&mut self, name: &'static str, what: &'static str, result: Result<(), String>) {
        self.checks.push(Check {
            name,
            what,
            problem: result.err(),
        });
    }

    async fn control(
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
    async fn call(
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
    async fn put_and_read(
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
    async fn feature(&self, feature: &str, run_id: &str) -> Result<(), String> {
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

fn expect_status(got: u16, want: &[u16], text: &str) -> Result<(), String> {
    if want.contains(&got) {
        Ok(())
    } else {
        Err(format!("expected status {want:?}, got {got}: {text:.300}"))
    }
}

/// The world in a `GET` answer, read as a world document.
fn world_of(body: &Value) -> Result<World, String> {
    let world = body.get("world").ok_or("the answer holds no `world`")?;
    World::from_json(world.to_string().as_bytes()).map_err(|e| format!("its `world`: {e}"))
}

/// Runs every check against the control API at `url`.
pub async fn run(url: &str) -> Result<ControlCheck, CannotCheck> {
    let client = Client::new(url, Credentials::new("control-check", "unused"))
        .map_err(|e| CannotCheck::Unreachable(url.to_owned(), e.to_string()))?;
    let mut c = Checker {
        client: &client,
        checks: Vec::new(),
    };
    // describe
    let (status, describe, text) = match c.control(reqwest::Method::GET, "", None).await {
        Ok(x) => x,
        Err(e) => return Err(CannotCheck::Unreachable(url.to_owned(), e)),
    };
    if status != 200 || describe.get("protocol").and_then(Value::as_str) != Some(CONTROL_PROTOCOL) {
        return Err(CannotCheck::NoControlApi(
            url.to_owned(),
            format!("status {status}: {text:.200}"),
        ));
    }
    let features: Vec<String> = describe
        .get("features")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let described = (|| {
        if describe.get("version").and_then(Value::as_u64) != Some(1) {
            return Err(format!("version: expected 1, got {}", describe["version"]));
        }
        match describe.get("features") {
            None => Ok(()),
            // A feature this harness does not know is a newer one: ignored, as the protocol
            // says, and named by `text`.
            Some(Value::Array(a)) if a.iter().all(Value::is_string) => Ok(()),
            Some(other) => Err(format!("features: expected a list of names, got {other}")),
        }
    })();
    c.record(
        "describe",
        "GET /ecs-conformance/v1 names the protocol, version 1, and its features as a list of names",
        described,
    );

    let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let one = Credentials::new(
        format!("ecsc-check-{run_id}-1"),
        uuid::Uuid::new_v4().simple().to_string(),
    );
    let two = Credentials::new(
        format!("ecsc-check-{run_id}-2"),
        uuid::Uuid::new_v4().simple().to_string(),
    );
    let path_one = format!("/worlds/{}", one.access_key_id);
    let path_two = format!("/worlds/{}", two.access_key_id);
    let put =
        |c: &Credentials, world: Value| json!({"access_key_secret": c.secret(), "world": world});
    let sample = world_one();

    // put
    let result = match c
        .control(
            reqwest::Method::PUT,
            &path_one,
            Some(put(&one, sample.stated())),
        )
        .await
    {
        Ok((status, body, text)) => expect_status(status, &[201], &text).and_then(|()| {
            let w = world_of(&body)?;
            if w == sample {
                Ok(())
            } else {
                Err(format!(
                    "the answer's world differs from the one put: {}",
                    w.stated()
                ))
            }
        }),
        Err(e) => Err(e),
    };
    c.record(
        "put",
        "PUT a new key pair's world: 201 with the world",
        result,
    );

    // get
    let result = match c.control(reqwest::Method::GET, &path_one, None).await {
        Ok((status, body, text)) => expect_status(status, &[200], &text).and_then(|()| {
            if text.contains(one.secret()) {
                return Err("the answer carries the key pair's secret".into());
            }
            if body.get("access_key_id").and_then(Value::as_str) != Some(&one.access_key_id) {
                return Err(format!(
                    "access_key_id: expected {:?}, got {}",
                    one.access_key_id, body["access_key_id"]
                ));
            }
            let w = world_of(&body)?;
            if w == sample {
                Ok(())
            } else {
                Err(format!(
                    "the world read back differs from the one put: {}",
                    w.stated()
                ))
            }
        }),
        Err(e) => Err(e),
    };
    c.record(
        "get",
        "GET returns the world as put, and never the secret",
        result,
    );

    // replace
    let replaced = {
        let mut w = sample.clone();
        w.account.balance_sufficient = false;
        w
    };
    let result = async {
        let (status, _, text) = c
            .control(
                reqwest::Method::PUT,
                &path_one,
                Some(json!({"world": replaced.stated()})),
            )
            .await?;
        expect_status(status, &[200], &text)?;
        let (status, body, text) = c.control(reqwest::Method::GET, &path_one, None).await?;
        expect_status(status, &[200], &text)?;
        let w = world_of(&body)?;
        if w.account.balance_sufficient {
            return Err("after the replacement, GET still shows the old world".into());
        }
        // Put back the sample (the old secret stays).
        let (status, _, text) = c
            .control(
                reqwest::Method::PUT,
                &path_one,
                Some(json!({"world": sample.stated()})),
            )
            .await?;
        expect_status(status, &[200], &text)
    }
    .await;
    c.record(
        "replace",
        "PUT over an existing world replaces it (200), keeping the secret when none is given",
        result,
    );

    // fault
    let fault = ApiError::injectable_common()[1].clone();
    let fault_doc = json!({"action": action().name, "code": fault.code, "message": fault.message});
    let disk = sample
        .disks
        .first()
        .map(|d| d.disk_id.clone())
        .unwrap_or_default();
    let snapshot = sample
        .snapshots
        .first()
        .map(|s| s.snapshot_id.clone())
        .unwrap_or_default();
    let result = async {
        let faults = format!("{path_one}/faults");
        let (status, body, text) = c
            .control(reqwest::Method::POST, &faults, Some(fault_doc.clone()))
            .await?;
        expect_status(status, &[201], &text)?;
        if world_of(&body)?.faults.len() != 1 {
            return Err("the answer's world does not list the fault".into());
        }
        let (status, code) = c.call(&one, &disk, &snapshot).await?;
        if (status, code.as_str()) != (fault.status, fault.code.as_ref()) {
            return Err(format!(
                "the next {} answered {status} {code:?}, not the fault's {} {:?}",
                action().name,
                fault.status,
                fault.code
            ));
        }
        let (status, code) = c.call(&one, &disk, &snapshot).await?;
        if code == fault.code {
            return Err(format!(
                "the fault was served twice ({status} {code}), its count is 1"
            ));
        }
        Ok(())
    }
    .await;
    c.record(
        "fault",
        "POST …/faults: 201, the next call answers the fault, once",
        result,
    );

    // reset
    let result = async {
        let faults = format!("{path_one}/faults");
        let (status, _, text) = c
            .control(reqwest::Method::POST, &faults, Some(fault_doc.clone()))
            .await?;
        expect_status(status, &[201], &text)?;
        let (status, _, text) = c
            .control(reqwest::Method::POST, &format!("{path_one}/reset"), None)
            .await?;
        expect_status(status, &[200], &text)?;
        let (status, body, text) = c.control(reqwest::Method::GET, &path_one, None).await?;
        expect_status(status, &[200], &text)?;
        let w = world_of(&body)?;
        if w != sample {
            return Err(format!(
                "the world was not restored as last loaded: GET shows {}",
                w.stated()
            ));
        }
        Ok(())
    }
    .await;
    c.record(
        "reset",
        "POST …/reset puts the world back as last loaded (a fault added since is gone)",
        result,
    );

    // error-shape
    let result = async {
        let cases = [
            (
                json!({"access_key_secret": "x", "world": {"disks": [{"disk_id": "d-1", "status": "NoSuchStatus"}]}}).to_string(),
                "world.disks[0].status",
            ),
            ("{".to_owned(), "(document)"),
            (json!({"world": {}}).to_string(), "access_key_secret"),
        ];
        for (body, field) in cases {
            let path = format!("/worlds/ecsc-check-{run_id}-bad");
            let (status, text) = c
                .client
                .control_raw(reqwest::Method::PUT, &path, Some(body.clone()))
                .await
                .map_err(|e| e.to_string())?;
            let doc: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let got_field = doc["error"]["field"].as_str();
            let message = doc["error"]["message"].as_str().unwrap_or_default();
            if status != 400 || got_field != Some(field) || message.is_empty() {
                return Err(format!(
                    "PUT {body:.80}: expected 400 with error.field {field:?} and a message, got {status}: {text:.200}"
                ));
            }
        }
        Ok(())
    }
    .await;
    c.record(
        "error-shape",
        "a bad document is a 400 naming the field at fault and saying why",
        result,
    );

    // isolation
    let result = async {
        let (status, _, text) = c
            .control(
                reqwest::Method::PUT,
                &path_two,
                Some(put(&two, world_two())),
            )
            .await?;
        expect_status(status, &[201], &text)?;
        let (_, body, _) = c.control(reqwest::Method::GET, &path_one, None).await?;
        let before = world_of(&body)?;
        let (_, body, _) = c.control(reqwest::Method::GET, &path_two, None).await?;
        let w2 = world_of(&body)?;
        if w2.disk(&disk).is_some() {
            return Err(format!(
                "the second key pair's world shows the first's disk {disk}"
            ));
        }
        let (status, code) = c.call(&two, &disk, &snapshot).await?;
        if status == 200 {
            return Err(format!(
                "a call signed by the second key pair reset the first's disk {disk}"
            ));
        }
        let (_, body, _) = c.control(reqwest::Method::GET, &path_one, None).await?;
        if world_of(&body)? != before {
            return Err(format!(
                "a call signed by the second key pair ({status} {code}) changed the first's world"
            ));
        }
        Ok(())
    }
    .await;
    c.record(
        "isolation",
        "two key pairs see only their own worlds, through the control API and through calls",
        result,
    );

    // delete
    let result = async {
        let (status, _, text) = c.control(reqwest::Method::DELETE, &path_two, None).await?;
        expect_status(status, &[204], &text)?;
        let (status, _, text) = c.control(reqwest::Method::GET, &path_two, None).await?;
        expect_status(status, &[404], &text)?;
        let (status, _, text) = c.control(reqwest::Method::DELETE, &path_two, None).await?;
        expect_status(status, &[404], &text)?;
        let (status, code) = c.call(&two, "d-check-two", "s-check-two").await?;
        if status == 200 || code != "InvalidAccessKeyId.NotFound" {
            return Err(format!(
                "a call signed by the deleted key pair answered {status} {code:?}, not InvalidAccessKeyId.NotFound"
            ));
        }
        let (status, _, text) = c.control(reqwest::Method::GET, &path_one, None).await?;
        expect_status(status, &[200], &text)
            .map_err(|e| format!("deleting the second world touched the first: {e}"))
    }
    .await;
    c.record(
        "delete",
        "DELETE removes a world (204, then 404) and its key pair, and nothing else",
        result,
    );
    // Each announced feature this harness knows (a newer one it cannot check, and says so).
    for feature in FEATURES.iter().filter(|f| features.iter().any(|a| a == *f)) {
        if let Some((name, what)) = feature_check(feature) {
            let result = c.feature(feature, &run_id).await;
            c.record(name, what, result);
        }
    }
    let bad = format!("/worlds/ecsc-check-{run_id}-bad");
    let announced = FEATURES
        .iter()
        .map(|f| format!("/worlds/ecsc-check-{run_id}-{f}"));
    for path in [path_one, path_two, bad].into_iter().chain(announced) {
        let _ = c.control(reqwest::Method::DELETE, &path, None).await;
    }
    Ok(ControlCheck {
        checks: c.checks,
        features,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_feature_s_world_needs_that_feature_and_no_other() {
        assert_eq!(tagged_world().features(), [FEATURE_TAGS]);
        assert_eq!(encrypted_world().features(), [FEATURE_ENCRYPTION]);
        assert_eq!(timed_world().features(), [FEATURE_TRANSITIONS]);
        for w in [tagged_world(), encrypted_world(), timed_world()] {
            assert!(w.validate().is_ok(), "{:?}", w.validate().err());
        }
        let faults = edition_faults();
        assert!(!faults.is_empty());
        for f in faults {
            let mut w = World::sample();
            w.faults.push(Fault {
                action: action().name.into(),
                code: f.code.to_string(),
                message: f.message.to_string(),
                count: 1,
            });
            assert_eq!(w.features(), [FEATURE_EDITION_FAULTS], "{f}");
        }
    }

    #[test]
    fn every_feature_of_the_protocol_has_a_check() {
        for f in FEATURES {
            let (name, what) = feature_check(f).unwrap_or_else(|| panic!("{f} has no check"));
            assert_eq!(name, *f);
            assert!(what.starts_with("announced: "), "{what}");
        }
        assert!(feature_check("newer").is_none());
    }
}
