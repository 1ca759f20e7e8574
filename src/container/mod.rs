//! Container targets: start an endpoint's image on a local container engine, wait until it
//! answers, and remove it afterwards — the project's own mock image in `cargo test`, or a vendor's
//! with `run --image`. An image is never pulled: it must exist on the engine.
//!
//! The engine is spoken to directly ([`engine`]: a handful of Docker Engine API calls), not
//! through testcontainers: docs/choices.md gives the measurement behind that choice.

mod engine;

use std::time::{Duration, Instant};

use serde_json::json;

use crate::protocol::CONTROL_PREFIX;
use engine::{Engine, encode};

/// What to start.
#[derive(Debug, Clone)]
pub struct ImageTarget {
    /// `name` or `name:tag` (`latest` when no tag is given).
    pub image: String,
    /// The port the endpoint listens on inside the container.
    pub port: u16,
    pub env: Vec<(String, String)>,
    /// Replaces the image's command (its entrypoint's arguments), when not empty.
    pub cmd: Vec<String>,
    /// A path that answers (below 500) once the endpoint is ready; without one, any HTTP answer
    /// at the control API's path, which an endpoint without the control API answers too.
    pub ready_path: Option<String>,
    /// How long the container may take to start and become ready.
    pub startup_timeout: Duration,
}

impl ImageTarget {
    pub fn new(image: impl Into<String>) -> Self {
        Self {
            image: image.into(),
            port: 8080,
            env: Vec::new(),
            cmd: Vec::new(),
            ready_path: None,
            startup_timeout: Duration::from_secs(60),
        }
    }
}

/// What a report says about the container a run was against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerInfo {
    pub image: String,
    pub container_id: String,
    /// The image's id (`sha256:…`) and its repository digest, when the engine knows them.
    pub image_id: Option<String>,
    pub digest: Option<String>,
    /// How long the container took to start and become ready.
    pub startup: Duration,
}

/// A container started for a run. Remove it with [`Started::remove`]; dropping it removes it
/// too (a blocking call to the engine), so an error path leaves nothing behind.
pub struct Started {
    container: Container,
    pub url: String,
    pub info: ContainerInfo,
}

/// A created container, removed (forcibly, with its volumes) when dropped unless already removed.
struct Container {
    engine: Engine,
    id: String,
    removed: bool,
}

impl Container {
    fn remove(&mut self) -> Result<(), String> {
        self.removed = true;
        let reply = self.engine.request(
            "DELETE",
            &format!("/containers/{}?force=1&v=1", encode(&self.id)),
            None,
        )?;
        match reply.status {
            204 | 404 => Ok(()),
            s => Err(format!("status {s}: {}", reply.message())),
        }
    }

    fn inspect(&self) -> Result<serde_json::Value, String> {
        let reply = self.engine.request(
            "GET",
            &format!("/containers/{}/json", encode(&self.id)),
            None,
        )?;
        match reply.status {
            200 => Ok(reply.json()),
            s => Err(format!("status {s}: {}", reply.message())),
        }
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        if !self.removed {
            let _ = self.remove();
        }
    }
}

/// Runs a blocking engine call off the async runtime.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ContainerError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ContainerError::Start(format!("the engine call did not finish: {e}")))
}

#[derive(Debug, thiserror::Error)]
pub enum ContainerError {
    #[error("no container engine: {0}")]
    NoEngine(String),
    #[error("the container could not be started: {0}")]
    Start(String),
    #[error("the container started but did not become ready within {timeout:?}: {last}")]
    NotReady { timeout: Duration, last: String },
}

/// Whether a container engine answers.
pub async fn engine() -> Result<(), ContainerError> {
    let engine = Engine::from_env().map_err(ContainerError::NoEngine)?;
    blocking(move || ping(&engine)).await?
}

fn ping(engine: &Engine) -> Result<(), ContainerError> {
    match engine.request("GET", "/_ping", None) {
        Ok(r) if r.status == 200 => Ok(()),
        Ok(r) => Err(ContainerError::NoEngine(format!(
            "the engine answered its ping with status {}: {}",
            r.status,
            r.message()
        ))),
        Err(e) => Err(ContainerError::NoEngine(e)),
    }
}

fn split_image(image: &str) -> (&str, &str) {
    // A registry port (`host:5000/name`) is not a tag: only a `:` after the last `/` is.
    match image.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => (name, tag),
        _ => (image, "latest"),
    }
}

/// Starts `target` and waits until it answers.
pub async fn start(target: &ImageTarget) -> Result<Started, ContainerError> {
    if target.image.contains('@') {
        return Err(ContainerError::Start(format!(
            "{} names an image by digest; give NAME[:TAG] (tag it first: docker tag {} NAME:TAG)",
            target.image, target.image
        )));
    }
    let started = Instant::now();
    let engine = Engine::from_env().map_err(ContainerError::NoEngine)?;
    let spec = target.clone();
    let (container, host_port) = blocking(move || create_and_start(engine, &spec)).await??;
    let url = format!("http://127.0.0.1:{host_port}");
    // Dropped on every error path below: the container is removed.
    let container = wait_ready(&url, target, started, container).await?;
    let container_id = container.id.clone();
    let (image_id, digest) = {
        let (engine, id, image) = (
            container.engine.clone(),
            container_id.clone(),
            target.image.clone(),
        );
        blocking(move || image_identity(&engine, &id, &image))
            .await
            .unwrap_or((None, None))
    };
    Ok(Started {
        info: ContainerInfo {
            image: target.image.clone(),
            container_id,
            image_id,
            digest,
            startup: started.elapsed(),
        },
        container,
        url,
    })
}

/// Creates the container (the image's port published on loopback, at a port the engine picks),
/// starts it, and reads the published port.
fn create_and_start(
    engine: Engine,
    target: &ImageTarget,
) -> Result<(Container, u16), ContainerError> {
    ping(&engine)?;
    let (name, tag) = split_image(&target.image);
    let port = format!("{}/tcp", target.port);
    let mut spec = json!({
        "Image": format!("{name}:{tag}"),
        "Env": target.env.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(),
        "ExposedPorts": { &port: {} },
        "HostConfig": { "PortBindings": { &port: [{ "HostIp": "127.0.0.1", "HostPort": "" }] } },
        "Labels": { "ecs-conformance": "run --image" },
    });
    if !target.cmd.is_empty() {
        spec["Cmd"] = json!(target.cmd);
    }
    let start = |e: String| ContainerError::Start(e);
    let reply = engine
        .request("POST", "/containers/create", Some(&spec))
        .map_err(start)?;
    let id = match reply.status {
        201 => reply.json()["Id"].as_str().unwrap_or_default().to_owned(),
        404 => {
            return Err(start(format!(
                "the image {} is not on this engine, and it is never pulled: build or pull it \
                 first ({})",
                target.image,
                reply.message()
            )));
        }
        s => {
            return Err(start(format!(
                "creating it: status {s}: {}",
                reply.message()
            )));
        }
    };
    if id.is_empty() {
        return Err(start("the engine created a container without an id".into()));
    }
    let container = Container {
        engine,
        id,
        removed: false,
    };
    let reply = container
        .engine
        .request(
            "POST",
            &format!("/containers/{}/start", encode(&container.id)),
            None,
        )
        .map_err(start)?;
    if !matches!(reply.status, 204 | 304) {
        return Err(start(format!(
            "starting it: status {}: {}",
            reply.status,
            reply.message()
        )));
    }
    let inspected = container.inspect().map_err(start)?;
    let host_port = inspected["NetworkSettings"]["Ports"][&port][0]["HostPort"]
        .as_str()
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| {
            // A container that exited at once has no ports: its exit is the reason.
            start(
                exit_of(&container.engine, &container.id)
                    .unwrap_or_else(|| format!("the engine published no host port for {port}")),
            )
        })?;
    Ok((container, host_port))
}

/// Polls until the endpoint answers as `target` says ready means.
async fn wait_ready(
    url: &str,
    target: &ImageTarget,
    started: Instant,
    container: Container,
) -> Result<Container, ContainerError> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ContainerError::Start(e.to_string()))?;
    let mut last = String::from("no answer yet");
    while started.elapsed() < target.startup_timeout {
        let probe = match &target.ready_path {
            Some(path) => http
                .get(format!("{url}{path}"))
                .send()
                .await
                .map(|r| r.status().as_u16() < 500),
            None => http
                .get(format!("{url}{CONTROL_PREFIX}"))
                .send()
                .await
                .map(|_| true),
        };
        match probe {
            Ok(true) => return Ok(container),
            Ok(false) => last = "the ready path answered 5xx".into(),
            Err(e) => last = e.without_url().to_string(),
        }
        // A container that has exited will not become ready: say so now, with its last words,
        // rather than at the end of the timeout.
        let (engine, id) = (container.engine.clone(), container.id.clone());
        if let Some(exited) = blocking(move || exit_of(&engine, &id)).await.ok().flatten() {
            return Err(ContainerError::Start(exited));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(ContainerError::NotReady {
        timeout: target.startup_timeout,
        last,
    })
}

/// When the container has stopped running: its exit status and the last lines of its log.
fn exit_of(engine: &Engine, id: &str) -> Option<String> {
    let inspected = engine
        .request("GET", &format!("/containers/{}/json", encode(id)), None)
        .ok()
        .filter(|r| r.status == 200)?
        .json();
    if inspected["State"]["Running"].as_bool() != Some(false) {
        return None;
    }
    let code = inspected["State"]["ExitCode"].as_i64().unwrap_or(-1);
    let raw = engine
        .request(
            "GET",
            &format!("/containers/{}/logs?stdout=1&stderr=1&tail=5", encode(id)),
            None,
        )
        .ok()
        .filter(|r| r.status == 200)
        .map(|r| r.body)
        .unwrap_or_default();
    let (out, err) = engine::demux_logs(&raw);
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&err)
    );
    Some(format!(
        "the container exited with status {code} before it answered; its last lines: {}",
        log.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" | ")
    ))
}

/// The image's id and repository digest, as the engine reports them.
fn image_identity(
    engine: &Engine,
    container_id: &str,
    image: &str,
) -> (Option<String>, Option<String>) {
    let field = |path: String, pick: fn(&serde_json::Value) -> Option<String>| {
        engine
            .request("GET", &path, None)
            .ok()
            .filter(|r| r.status == 200)
            .and_then(|r| pick(&r.json()))
    };
    let image_id = field(format!("/containers/{}/json", encode(container_id)), |v| {
        v["Image"].as_str().map(str::to_owned)
    });
    let digest = field(format!("/images/{}/json", encode(image)), |v| {
        v["RepoDigests"][0].as_str().map(str::to_owned)
    });
    (image_id, digest)
}

impl Started {
    /// The container's output so far, stdout then stderr.
    pub async fn logs(&self) -> String {
        let (engine, id) = (self.container.engine.clone(), self.container.id.clone());
        let raw = blocking(move || {
            engine
                .request(
                    "GET",
                    &format!("/containers/{}/logs?stdout=1&stderr=1", encode(&id)),
                    None,
                )
                .ok()
                .filter(|r| r.status == 200)
                .map(|r| r.body)
                .unwrap_or_default()
        })
        .await
        .unwrap_or_default();
        let (out, err) = engine::demux_logs(&raw);
        format!(
            "{}{}",
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&err)
        )
    }

    /// Stops and removes the container.
    pub async fn remove(self) -> Result<(), ContainerError> {
        let mut container = self.container;
        blocking(move || container.remove())
            .await?
            .map_err(|e| ContainerError::Start(format!("removing it failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_name_splits_into_name_and_tag() {
        assert_eq!(
            split_image("ecs-conformance-mock"),
            ("ecs-conformance-mock", "latest")
        );
        assert_eq!(split_image("vendor/ecs:1.2"), ("vendor/ecs", "1.2"));
        assert_eq!(
            split_image("registry:5000/ecs"),
            ("registry:5000/ecs", "latest")
        );
        assert_eq!(
            split_image("registry:5000/ecs:2"),
            ("registry:5000/ecs", "2")
        );
    }
}
