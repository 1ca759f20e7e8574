//! The command line, run as a user would: a run that cannot check anything exits 2 with one
//! message a person understands, and never 0.

use std::process::Command;

use ecs_conformance::{MockConfig, MockServer};

pub const CHECKS: usize = 4;

/// Runs `ecs-conformance run ARGS`; returns the exit code and stdout+stderr.
fn run(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ecs-conformance"))
        .arg("run")
        .args(args)
        .env_remove("ECS_ENDPOINT")
        .output()
        .expect("the ecs-conformance binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

fn expect(
    problems: &mut Vec<String>,
    what: &str,
    got: (Option<i32>, String),
    code: i32,
    says: &[&str],
) {
    let (status, text) = got;
    let missing: Vec<&&str> = says.iter().filter(|s| !text.contains(**s)).collect();
    if status != Some(code) || !missing.is_empty() {
        problems.push(format!(
            "{what}: expected exit {code} saying {says:?}; got {status:?}, missing {missing:?}:\n{text}"
        ));
    } else {
        println!("cli: {what}: exit {code}");
    }
}

pub async fn cannot_check_exits_2() -> Vec<String> {
    let mut problems = Vec::new();
    expect(
        &mut problems,
        "an unknown tag",
        run(&["--tags", "@nonexistent"]),
        2,
        &[
            "\"@nonexistent\"",
            "selects no scenario",
            "@errors",
            "@validation",
            "nothing was certified",
        ],
    );
    expect(
        &mut problems,
        "a selection that leaves nothing (a tag and a format that exclude each other)",
        run(&["--tags", "@precedence and @wire-forms"]),
        2,
        &["selects no scenario"],
    );
    expect(
        &mut problems,
        "an unreachable endpoint",
        run(&["--endpoint", "http://127.0.0.1:1", "--timeout", "2"]),
        2,
        &["cannot reach http://127.0.0.1:1", "the connection failed"],
    );
    let mock = MockServer::start_with(MockConfig {
        control: false,
        ..MockConfig::default()
    })
    .await
    .expect("the mock starts");
    let url = mock.url().to_owned();
    // The blocking child process must not hold the runtime's only thread that serves the mock.
    let got =
        tokio::task::spawn_blocking(move || run(&["--endpoint", &url, "--tags", "@preconditions"]))
            .await
            .expect("the child ran");
    expect(
        &mut problems,
        "every selected scenario not run",
        got,
        2,
        &["no scenario ran", "nothing was certified", "control API"],
    );
    problems
}
