//! The command line, run as a user would: a run that cannot check anything exits 2 with one
//! message a person understands, and never 0.

use std::process::Command;

use ecs_conformance::{MockConfig, MockServer};

/// Runs `ecs-conformance run ARGS`; returns the exit code and stdout+stderr.
fn run(args: &[&str]) -> (Option<i32>, String) {
    run_binary(
        std::path::Path::new(env!("CARGO_BIN_EXE_ecs-conformance")),
        None,
        args,
    )
}

fn run_binary(
    binary: &std::path::Path,
    cwd: Option<&std::path::Path>,
    args: &[&str],
) -> (Option<i32>, String) {
    let mut command = Command::new(binary);
    if let Some(dir) = cwd {
        command.current_dir(dir);
    }
    exit_and_output(command.arg("run").args(args).env_remove("ECS_ENDPOINT"))
}

/// Runs `command` to its end: its exit code (`None` when it did not start or was killed) and
/// its stdout followed by its stderr (or why it did not start).
pub fn exit_and_output(command: &mut Command) -> (Option<i32>, String) {
    match command.output() {
        Ok(o) => (
            o.status.code(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        ),
        Err(e) => (None, format!("the command did not start: {e}")),
    }
}

fn expect(
    tally: &mut super::Tally,
    what: &str,
    got: (Option<i32>, String),
    code: i32,
    says: &[&str],
) {
    let (status, text) = got;
    let missing: Vec<&&str> = says.iter().filter(|s| !text.contains(**s)).collect();
    if status != Some(code) || !missing.is_empty() {
        tally.fail(format!(
            "{what}: expected exit {code} saying {says:?}; got {status:?}, missing {missing:?}:\n{text}"
        ));
    } else {
        println!("cli: {what}: exit {code}");
        tally.pass();
    }
}

pub async fn cannot_check_exits_2() -> super::Tally {
    let mut tally = super::Tally::default();
    expect(
        &mut tally,
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
        &mut tally,
        "a selection that leaves nothing (a tag and a format that exclude each other)",
        run(&["--tags", "@precedence and @wire-forms"]),
        2,
        &["selects no scenario"],
    );
    expect(
        &mut tally,
        "--actions naming an action the API does not have",
        run(&["--actions", "ResetDisk,DeleteEverything"]),
        2,
        &[
            "--actions",
            "not an action of ECS 2014-05-26",
            "DeleteEverything",
        ],
    );
    // Editions: an unknown one is a usage error naming the known ones, for run and for mock;
    // `editions` lists each on its own line, and `editions diff` is derived from the data.
    expect(
        &mut tally,
        "run with an unknown edition",
        run(&["--edition", "2021-01-01"]),
        2,
        &[
            "no edition \"2021-01-01\"",
            "2019-07-12, 2020-09-10, 2022-04-13, 2023-08-25, 2024-11-23, 2024-12-02, 2025-03-21",
        ],
    );
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_ecs-conformance"));
    let command = |args: &[&str]| exit_and_output(Command::new(binary).args(args));
    expect(
        &mut tally,
        "mock with an unknown edition",
        command(&["mock", "--edition", "nope", "--listen", "127.0.0.1:0"]),
        2,
        &["no edition \"nope\""],
    );
    let (code, listed) = command(&["editions"]);
    let names: Vec<&str> = listed.lines().filter_map(|l| l.split(':').next()).collect();
    if code == Some(0)
        && names
            == [
                "2019-07-12",
                "2020-09-10",
                "2022-04-13",
                "2023-08-25",
                "2024-11-23",
                "2024-12-02",
                "2025-03-21 (latest)",
            ]
    {
        tally.pass();
    } else {
        tally.fail(format!(
            "editions: expected one line per edition, got {code:?}:\n{listed}"
        ));
    }
    let (code, diff) = command(&["editions", "diff", "2019-07-12", "latest"]);
    let count = |what: &str| {
        diff.lines()
            .filter(|l| l.trim_start().starts_with(what))
            .count()
    };
    // What the command prints is the library's diff, derived from the rows; of ResetDisk's rows,
    // the nine added since 2019 and two reworded that docs/editions.md lists.
    let (first, latest) = (
        &ecs_conformance::contract::editions::all()[0],
        ecs_conformance::contract::editions::latest(),
    );
    let rows = ecs_conformance::contract::changes::diff(first, latest);
    let want = |what: &str| rows.lines.iter().filter(|(w, _)| w == what).count();
    let only_first = ecs_conformance::suite::judged_only_in(first, latest)
        .map(|s| s.len())
        .unwrap_or_default();
    if code == Some(0)
        && count("row added:") == want("row added")
        && count("row reworded:") == want("row reworded")
        && count("row removed:") == want("row removed")
        && count("row added: ResetDisk") == 9
        && count("row reworded: ResetDisk") == 2
        && count("parameter added: ResetDisk DryRun") == 1
        && only_first > 0
        && diff.contains(&format!(
            "Scenarios judged only in 2019-07-12 ({only_first}):"
        ))
    {
        tally.pass();
    } else {
        tally.fail(format!(
            "editions diff 2019-07-12 latest, got {code:?}:\n{diff}"
        ));
    }
    editions_check(&mut tally, binary);
    expect(
        &mut tally,
        "an unreachable endpoint",
        run(&["--endpoint", "http://127.0.0.1:1", "--timeout", "2"]),
        2,
        &["cannot reach http://127.0.0.1:1", "the connection failed"],
    );
    // Fixtures name variables, never secrets: an unset one, or a secret written in the file,
    // stops the run before any call.
    let fixtures =
        std::env::temp_dir().join(format!("ecsc-fixtures-cli-{}.toml", std::process::id()));
    let unset = format!("ECSC_UNSET_{}", std::process::id());
    for (what, text, says) in [
        (
            "fixtures naming an unset variable",
            format!(
                "[[accounts]]\ncondition = \"not-enough-balance\"\naccess_key_id_env = \"{unset}\"\naccess_key_secret_env = \"{unset}\"\n"
            ),
            vec![unset.as_str(), "not set"],
        ),
        (
            "fixtures holding a secret",
            "[[accounts]]\ncondition = \"no-resources\"\naccess_key_id_env = \"A\"\naccess_key_secret_env = \"B\"\naccess_key_secret = \"written-secret\"\n".to_owned(),
            vec!["access_key_secret", "is not a fixtures file"],
        ),
    ] {
        let written = std::fs::write(&fixtures, text);
        let got = run(&["--endpoint", "http://127.0.0.1:1", "--fixtures", fixtures.to_str().unwrap_or_default()]);
        let leaked = got.1.contains("written-secret");
        expect(&mut tally, what, (if leaked { None } else { got.0 }, got.1), 2, &says);
        if written.is_err() {
            tally.fail(format!("{what}: cannot write {}", fixtures.display()));
        }
    }
    let _ = std::fs::remove_file(&fixtures);
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
        &mut tally,
        "every selected scenario not run",
        got,
        2,
        &["no scenario ran", "nothing was certified", "control API"],
    );
    // Credentials as users keep them, over HTTPS as real endpoints serve it: an STS key pair from
    // a CLI profile file, signed with its token, against the mock serving TLS with a certificate
    // made now and trusted with --ca-cert; the same profile with another token fails.
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()])
        .expect("a self-signed certificate is generated");
    let ca = std::env::temp_dir().join(format!("ecsc-ca-{}.pem", std::process::id()));
    if let Err(e) = std::fs::write(&ca, certified.cert.pem()) {
        tally.fail(format!("cannot write the CA file: {e}"));
    }
    let sts = MockServer::start_with(MockConfig {
        access_key_id: "STS.cli".into(),
        access_key_secret: "cli-secret".into(),
        security_token: Some("tok+/=cli".into()),
        control: false,
        tls: Some(ecs_conformance::TlsPem {
            cert_chain: certified.cert.pem().into_bytes(),
            key: certified.key_pair.serialize_pem().into_bytes(),
        }),
        ..MockConfig::default()
    })
    .await
    .expect("the mock starts");
    // Without the CA, the endpoint cannot be reached: one clear error.
    let url = sts.url().to_owned();
    let untrusted =
        tokio::task::spawn_blocking(move || run(&["--endpoint", &url, "--timeout", "3"]))
            .await
            .unwrap_or((None, String::new()));
    expect(
        &mut tally,
        "HTTPS with a certificate not trusted",
        untrusted,
        2,
        &["cannot reach https://127.0.0.1"],
    );
    for (token, code, says) in [
        ("tok+/=cli", 0, "0 failed"),
        ("another", 1, "InvalidSecurityToken.MismatchWithAccessKey"),
    ] {
        let home = std::env::temp_dir().join(format!("ecsc-home-{}-{code}", std::process::id()));
        let config = format!(
            r#"{{"current":"sts","profiles":[{{"name":"sts","mode":"StsToken","access_key_id":"STS.cli","access_key_secret":"cli-secret","sts_token":"{token}"}}]}}"#
        );
        let written = std::fs::create_dir_all(home.join(".aliyun"))
            .and_then(|()| std::fs::write(home.join(".aliyun/config.json"), config));
        if let Err(e) = written {
            tally.fail(format!("cannot write a profile file: {e}"));
            continue;
        }
        let url = sts.url().to_owned();
        let home_arg = home.clone();
        let ca_arg = ca.to_string_lossy().into_owned();
        let got = tokio::task::spawn_blocking(move || {
            exit_and_output(
                Command::new(env!("CARGO_BIN_EXE_ecs-conformance"))
                    .args([
                        "run",
                        "--endpoint",
                        &url,
                        "--profile",
                        "sts",
                        "--tags",
                        "@validation",
                        "--ca-cert",
                        &ca_arg,
                    ])
                    .env("HOME", &home_arg)
                    .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
                    .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
                    .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
                    .env_remove("ALIBABA_CLOUD_PROFILE"),
            )
        })
        .await
        .unwrap_or((None, "the child did not run".into()));
        expect(
            &mut tally,
            &format!("HTTPS, and STS credentials from a CLI profile (token {token:?})"),
            got,
            code,
            &["from profile \"sts\"", "https://127.0.0.1", says],
        );
        let _ = std::fs::remove_dir_all(&home);
    }
    let _ = std::fs::remove_file(&ca);

    // The binary carries its suite: copied into an empty directory, it runs every scenario.
    let dir = std::env::temp_dir().join(format!("ecsc-copied-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let copied = dir.join("ecs-conformance");
    let setup = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::copy(env!("CARGO_BIN_EXE_ecs-conformance"), &copied));
    match setup {
        Ok(_) => {
            let got = run_binary(&copied, Some(&dir), &["--fail-on", "chosen"]);
            expect(
                &mut tally,
                "a copied binary, run from an empty directory",
                got,
                0,
                &["0 failed", "0 not run"],
            );
        }
        Err(e) => tally.fail(format!("cannot copy the binary: {e}")),
    }
    let _ = std::fs::remove_dir_all(&dir);
    // Edited copies of the features run instead of the compiled ones.
    let features = concat!(env!("CARGO_MANIFEST_DIR"), "/features");
    expect(
        &mut tally,
        "--features DIR with a tag",
        run(&["--features", features, "--tags", "@describe-regions"]),
        0,
        &["10 scenarios", "10 passed, 0 failed"],
    );
    if let Err(e) = mock_outlives_its_readers().await {
        tally.fail(format!(
            "the standalone mock, its stdout and stderr closed: {e}"
        ));
    } else {
        println!("cli: the standalone mock keeps answering once nobody reads its output");
        tally.pass();
    }
    tally
}

/// `ecs-conformance mock | head -1`, or a supervisor that reads the address and leaves: the mock
/// must keep serving once its stdout and stderr pipes have no reader.
async fn mock_outlives_its_readers() -> Result<(), String> {
    use std::process::Stdio;
    let (mut child, url) = super::discover::spawn_mock(&[], Stdio::piped()).await?;
    // Both readers gone: every later write of the mock meets a broken pipe.
    drop(child.stderr.take());
    let client = reqwest::Client::new();
    for path in [
        "/ecs-conformance/v1",
        "/?Action=ResetDisk",
        "/ecs-conformance/v1",
    ] {
        let status = client
            .get(format!("{url}{path}"))
            .send()
            .await
            .map_err(|e| format!("GET {path}: {e}"))?
            .status();
        if status.is_server_error() {
            return Err(format!("GET {path} answered {status}"));
        }
    }
    match child.try_wait() {
        Ok(None) => Ok(()),
        other => Err(format!("the mock exited: {other:?}")),
    }
}

/// `editions check FILE`, the drift watch, on the two committed snapshots, on edited copies of
/// the last, and on files that are not metadata.
fn editions_check(tally: &mut super::Tally, binary: &std::path::Path) {
    let snapshot = |date: &str| {
        format!(
            "{}/tests/metadata/ecs-2014-05-26.api-docs.{date}.json",
            env!("CARGO_MANIFEST_DIR")
        )
    };
    let check =
        |file: &str| exit_and_output(Command::new(binary).args(["editions", "check", file]));
    let last = snapshot("2025-12-19");
    expect(
        tally,
        "editions check, the last snapshot",
        check(&last),
        0,
        &["It agrees"],
    );
    let (code, text) = check(&snapshot("2024-09-23"));
    let named: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("  ResetDisk: ") || l.starts_with("  DescribeRegions: "))
        .collect();
    let want = [
        "  ResetDisk: row removed: 400 InternalError \"The requested services is not available now. Please try again later.\"",
        "  ResetDisk: row removed: 403 InvalidOperation.DiskResetInProgress \"The operation cannot be performed because the disk has an ongoing reset task, please try again later.\"",
    ];
    if code == Some(1) && named == want && text.contains("It agrees with edition 2023-08-25") {
        println!(
            "cli: editions check, the first snapshot: exit 1 naming exactly its 2 missing rows"
        );
        tally.pass();
    } else {
        tally.fail(format!("editions check, the first snapshot: expected exit 1 naming exactly {want:?}; got {code:?}:\n{text}"));
    }

    // Edited copies of the last snapshot: a row more, DryRun gone.
    let dir = std::env::temp_dir().join(format!("ecsc-editions-check-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let original: serde_json::Value = match std::fs::read_to_string(&last)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => {
            tally.fail(format!("editions check: cannot read {last}: {e}"));
            return;
        }
    };
    let edited = |name: &str, edit: &dyn Fn(&mut serde_json::Value)| {
        let mut copy = original.clone();
        edit(&mut copy["apis"]["ResetDisk"]);
        let path = dir.join(name);
        let _ = std::fs::write(&path, copy.to_string());
        path.display().to_string()
    };
    let gained = edited("gained-a-row.json", &|a| {
        a["errorCodes"]["409"] =
            serde_json::json!([{"errorCode": "New.Code", "errorMessage": "New message."}]);
    });
    expect(
        tally,
        "editions check, a copy whose ResetDisk gained a row",
        check(&gained),
        1,
        &[
            "in 1 place:",
            "  ResetDisk: row added: 409 New.Code \"New message.\"",
            "No edition agrees with it. A pending edition",
            "features/ResetDisk.errors.tsv:\n409\tNew.Code\tNew message.\tdocumented\t[meta] Alibaba Cloud API metadata (gained-a-row.json)\tPENDING..\n",
        ],
    );
    let no_dry_run = edited("lost-dry-run.json", &|a| {
        if let Some(list) = a["parameters"].as_array_mut() {
            list.retain(|p| p["name"] != "DryRun");
        }
    });
    expect(
        tally,
        "editions check, a copy whose ResetDisk lost DryRun",
        check(&no_dry_run),
        1,
        &[
            "in 1 place:",
            "  ResetDisk: parameter removed: DryRun",
            "features/ResetDisk.contract.tsv:\nparameter\tDryRun\t2022-04-13..PENDING\t",
        ],
    );
    let not_metadata = dir.join("world.json");
    let _ = std::fs::write(&not_metadata, r#"{"disks": []}"#);
    expect(
        tally,
        "editions check, a JSON file that is not metadata",
        check(&not_metadata.display().to_string()),
        2,
        &["not Alibaba Cloud API metadata", "missing field `info`"],
    );
    expect(
        tally,
        "editions check, a file that is not JSON",
        check(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")),
        2,
        &["Cargo.toml: not JSON"],
    );
    expect(
        tally,
        "editions check, a file that does not exist",
        check(&dir.join("absent.json").display().to_string()),
        2,
        &["cannot read"],
    );
    let _ = std::fs::remove_dir_all(&dir);
}
