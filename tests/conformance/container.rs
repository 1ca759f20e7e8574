//! The suite against the project's own image, through the same code a vendor's image runs
//! through (`run --image`, on the local engine): the image is built locally from docker/Dockerfile
//! with this build's binary (nothing is pulled). No container may be left behind — after a
//! passing run, a failing run, and a container that never becomes ready. Without a container
//! engine, these checks say they were not run, and why — except under CI (`CI` set), where the
//! image and `run --image` are deliverables: there a missing engine is a failure naming it.

use std::path::Path;
use std::process::Command;

use ecs_conformance::container;

const IMAGE: &str = "ecs-conformance-mock:cargo-test";

/// How many checks the module makes when an engine answers: three runs and the report.
pub const CHECKS: usize = 4;

/// Whether this is a CI run: `CI` set to anything but empty, `0` or `false` (as insta reads it).
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"))
}

/// What became of the container checks.
pub enum Outcome {
    Ran {
        passed: usize,
        problems: Vec<String>,
    },
    NotRun(String),
}

fn docker(args: &[&str]) -> Result<String, String> {
    let out = Command::new("docker")
        .args(args)
        .output()
        .map_err(|e| format!("the docker command: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "docker {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// docker/Dockerfile with this build's binary and the libraries `ldd` names, at their paths.
fn build_image() -> Result<(), String> {
    let ctx = std::env::temp_dir().join(format!("ecsc-image-{}", std::process::id()));
    let built = build_in(&ctx);
    let _ = std::fs::remove_dir_all(&ctx);
    built
}

fn build_in(ctx: &Path) -> Result<(), String> {
    let binary = env!("CARGO_BIN_EXE_ecs-conformance");
    let _ = std::fs::remove_dir_all(ctx);
    let rootfs = ctx.join("rootfs");
    std::fs::create_dir_all(&rootfs).map_err(|e| e.to_string())?;
    let dockerfile = concat!(env!("CARGO_MANIFEST_DIR"), "/docker/Dockerfile");
    std::fs::copy(dockerfile, ctx.join("Dockerfile")).map_err(|e| e.to_string())?;
    std::fs::copy(binary, rootfs.join("ecs-conformance")).map_err(|e| e.to_string())?;
    let ldd = Command::new("ldd")
        .arg(binary)
        .output()
        .map_err(|e| format!("ldd: {e}"))?;
    for line in String::from_utf8_lossy(&ldd.stdout).lines() {
        // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)"
        let path = line
            .split("=>")
            .last()
            .and_then(|p| p.split_whitespace().next())
            .filter(|p| p.starts_with('/'));
        if let Some(path) = path {
            let dest = rootfs.join(path.trim_start_matches('/'));
            std::fs::create_dir_all(dest.parent().unwrap_or(Path::new("/")))
                .map_err(|e| e.to_string())?;
            std::fs::copy(path, &dest).map_err(|e| format!("{path}: {e}"))?;
        }
    }
    docker(&["build", "-q", "-t", IMAGE, &ctx.to_string_lossy()]).map(|_| ())
}

fn containers() -> Result<Vec<String>, String> {
    let ancestor = format!("ancestor={IMAGE}");
    Ok(docker(&["ps", "-a", "-q", "--filter", &ancestor])?
        .lines()
        .map(str::to_owned)
        .collect())
}

/// `ecs-conformance run --image IMAGE ARGS`: exit code and output.
fn run_image(args: &[&str]) -> (Option<i32>, String) {
    super::cli::exit_and_output(
        Command::new(env!("CARGO_BIN_EXE_ecs-conformance"))
            .args(["run", "--image", IMAGE])
            .args(args)
            .env_remove("ECS_ENDPOINT"),
    )
}

pub async fn the_image_passes_and_leaves_nothing() -> Outcome {
    if let Err(e) = container::engine().await {
        let host = std::env::var("DOCKER_HOST").unwrap_or_else(|_| "(unset)".into());
        if ci() {
            return Outcome::Ran {
                passed: 0,
                problems: vec![format!(
                    "container: CI is set, and no container engine answers (DOCKER_HOST={host}): \
                     {e}. The image and `run --image` are deliverables: under CI their {CHECKS} \
                     checks must run (start an engine: tests/container/engine.sh)"
                )],
            };
        }
        return Outcome::NotRun(format!("{e} (DOCKER_HOST={host})"));
    }
    // An engine answers: from here on, what fails is a failure, not "not run".
    if let Err(e) = build_image() {
        return Outcome::Ran {
            passed: 0,
            problems: vec![format!(
                "container: an engine answers, yet the image could not be built: {e}"
            )],
        };
    }
    let mut problems = Vec::new();
    let mut passed = 0;
    // Without a list of containers, "none left behind" could not fail: that is a failure too.
    let before = match containers() {
        Ok(list) => list,
        Err(e) => {
            return Outcome::Ran {
                passed: 0,
                problems: vec![format!("container: cannot list containers: {e}")],
            };
        }
    };
    let report = std::env::temp_dir().join(format!("ecsc-image-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&report);
    let report_arg = report.to_string_lossy().into_owned();
    let cases: [(&str, Vec<&str>, i32, &[&str]); 3] = [
        (
            "a passing run",
            vec!["--report", &report_arg],
            0,
            &[
                "0 failed (0 documented, 0 observed, 0 chosen; 0 at --fail-on observed), 0 not run",
                "ready in",
            ],
        ),
        (
            "a failing run (the container's mock has another secret and no control API)",
            vec![
                "--image-cmd",
                "--no-control",
                "--access-key-secret",
                "another",
            ],
            1,
            &["SignatureDoesNotMatch"],
        ),
        (
            "a container that never becomes ready",
            // (--image-cmd takes every argument after it: the timeout comes first.)
            vec!["--startup-timeout", "3", "--image-cmd", "--no-such-flag"],
            2,
            &["nothing was certified", "exited with status"],
        ),
    ];
    for (what, args, code, says) in cases {
        let (status, text) = run_image(&args);
        let missing: Vec<&&str> = says.iter().filter(|s| !text.contains(**s)).collect();
        let left: Vec<String> = match containers() {
            Ok(list) => list.into_iter().filter(|c| !before.contains(c)).collect(),
            Err(e) => vec![format!("(cannot list containers: {e})")],
        };
        if status != Some(code) || !missing.is_empty() || !left.is_empty() {
            problems.push(format!(
                "run --image, {what}: expected exit {code} saying {says:?} and no container left; got {status:?}, missing {missing:?}, left {left:?}:\n{text}"
            ));
        } else {
            passed += 1;
            let timing = text
                .lines()
                .filter(|l| l.contains("ready in") || l.contains(" scenarios: "))
                .collect::<Vec<_>>()
                .join("; ");
            println!("container: {what}: exit {code}, no container left ({timing})");
        }
    }
    // The report names the image and keeps the container's log.
    let results = std::fs::read_to_string(report.join("results.json")).unwrap_or_default();
    let log = std::fs::read_to_string(report.join("container.log")).unwrap_or_default();
    if !results.contains("\"image_id\": \"sha256:") || !log.contains("listening on") {
        problems.push(format!(
            "the report of a run --image must name the image id and keep the container's log; results.json holds {} bytes, container.log {:?}",
            results.len(),
            log.lines().next()
        ));
    } else {
        passed += 1;
    }
    let _ = std::fs::remove_dir_all(&report);
    let _ = docker(&["rmi", "-f", IMAGE]);
    Outcome::Ran { passed, problems }
}
