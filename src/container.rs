//! Container targets: start an endpoint's image through testcontainers, wait until it answers,
//! and remove it afterwards — the project's own mock image in `cargo test`, or a vendor's with
//! `run --image`.
//!
//! testcontainers 0.27 is used because its bollard (0.20) talks to the Docker 20.10 engine that
//! Debian ships; an image that exists locally is never pulled.

use std::time::{Duration, Instant};

use testcontainers::core::{ContainerPort, IntoContainerPort};
use testcontainers::runners::AsyncRunner;
use testcontainers::{ContainerAsync, GenericImage, ImageExt};

use crate::protocol::CONTROL_PREFIX;

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
/// too (testcontainers does, blocking), so an error path leaves nothing behind.
pub struct Started {
    container: ContainerAsync<GenericImage>,
    pub url: String,
    pub info: ContainerInfo,
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

/// Whether a container engine answers (testcontainers connects lazily; this asks).
pub async fn engine() -> Result<(), ContainerError> {
    let docker = testcontainers::core::client::docker_client_instance()
        .await
        .map_err(|e| ContainerError::NoEngine(e.to_string()))?;
    docker
        .ping()
        .await
        .map(|_| ())
        .map_err(|e| ContainerError::NoEngine(e.to_string()))
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
    engine().await?;
    let started = Instant::now();
    let (name, tag) = split_image(&target.image);
    let port: ContainerPort = target.port.tcp();
    let mut request = GenericImage::new(name, tag)
        .with_exposed_port(port)
        .with_startup_timeout(target.startup_timeout);
    for (k, v) in &target.env {
        request = request.with_env_var(k, v);
    }
    if !target.cmd.is_empty() {
        request = request.with_cmd(target.cmd.clone());
    }
    let container = request
        .start()
        .await
        .map_err(|e| ContainerError::Start(e.to_string()))?;
    let host_port = container
        .get_host_port_ipv4(port)
        .await
        .map_err(|e| ContainerError::Start(e.to_string()))?;
    let url = format!("http://127.0.0.1:{host_port}");
    wait_ready(&url, target, started).await?;
    let container_id = container.id().to_owned();
    let (image_id, digest) = image_identity(&container_id, &target.image).await;
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

/// Polls until the endpoint answers as `target` says ready means.
async fn wait_ready(
    url: &str,
    target: &ImageTarget,
    started: Instant,
) -> Result<(), ContainerError> {
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
            Ok(true) => return Ok(()),
            Ok(false) => last = "the ready path answered 5xx".into(),
            Err(e) => last = e.without_url().to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(ContainerError::NotReady {
        timeout: target.startup_timeout,
        last,
    })
}

/// The image's id and repository digest, as the engine reports them.
async fn image_identity(container_id: &str, image: &str) -> (Option<String>, Option<String>) {
    let Ok(docker) = testcontainers::core::client::docker_client_instance().await else {
        return (None, None);
    };
    let image_id = docker
        .inspect_container(container_id, None)
        .await
        .ok()
        .and_then(|c| c.image);
    let digest = docker
        .inspect_image(image)
        .await
        .ok()
        .and_then(|i| i.repo_digests)
        .and_then(|d| d.into_iter().next());
    (image_id, digest)
}

impl Started {
    /// The container's output so far, stdout then stderr.
    pub async fn logs(&self) -> String {
        let out = self.container.stdout_to_vec().await.unwrap_or_default();
        let err = self.container.stderr_to_vec().await.unwrap_or_default();
        format!(
            "{}{}",
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&err)
        )
    }

    /// Stops and removes the container.
    pub async fn remove(self) -> Result<(), ContainerError> {
        self.container
            .rm()
            .await
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
