//! Waivers, run as a user would (`run --waivers`, `waivers renew`, `verify`, `diff`): a waiver
//! for a real deviation (the mock behind a proxy that serves one XML error as `application/xml`)
//! turns exit 1 into exit 0 with "1 waived" in the summary and every report; the same waiver
//! against the conforming mock is stale and fails the run; an expired one is ignored with a
//! warning; a waiver without a link, without an end, or for more than a year is refused with exit
//! 2; `renew` moves only the waivers whose deviation a report shows; `verify` refuses a report
//! whose applied waiver had expired on the run's date.

use std::path::{Path, PathBuf};
use std::process::Command;

use ecs_conformance::MockServer;
use ecs_conformance::results::format_date;
use ecs_conformance::suite::one_year_after;
use sha2::{Digest, Sha256};

use super::Tally;
use super::cli::exit_and_output;
use super::proxy::{self, Exchange, Rewritten};

/// The one deviation: UserNotInTheWhiteList in XML served as `application/xml`.
fn no_charset(_: &Exchange, r: &mut Rewritten) {
    if r.content_type == "text/xml;charset=utf-8"
        && r.body.contains("<Code>UserNotInTheWhiteList</Code>")
    {
        r.content_type = "application/xml".into();
    }
}

const SCENARIO: &str = "resetdisk-errors-the-account/usernotinthewhitelist-xml";
const REASON: &str = "the gateway adds no charset yet";
const ISSUE: &str = "https://tracker.example/ECS-123";

fn waiver(expectation: &str, received: &str, expires: &str) -> String {
    format!(
        "[[waiver]]\nscenario = \"resetdisk-errors-the-account/*\"   # the account's errors\nexpectation = \"{expectation}\"\nreceived = \"{received}\"\nreason = \"{REASON}\"\nissue = \"{ISSUE}\"\nexpires = \"{expires}\"\n"
    )
}

/// `ecs-conformance ARGS`, to its end: the exit code and stdout+stderr.
fn binary(args: Vec<String>) -> (Option<i32>, String) {
    exit_and_output(
        Command::new(env!("CARGO_BIN_EXE_ecs-conformance"))
            .args(args)
            .env_remove("ECS_ENDPOINT"),
    )
}

/// The same, on a blocking thread: the mock and the proxy answer from this runtime meanwhile.
async fn spawn(args: &[&str]) -> (Option<i32>, String) {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || binary(args))
        .await
        .unwrap_or((None, "the child did not run".into()))
}

fn expect(tally: &mut Tally, what: &str, got: &(Option<i32>, String), code: i32, says: &[&str]) {
    let (status, text) = got;
    let missing: Vec<&&str> = says.iter().filter(|s| !text.contains(**s)).collect();
    if *status != Some(code) || !missing.is_empty() {
        tally.fail(format!(
            "waivers: {what}: expected exit {code} saying {says:?}; got {status:?}, missing {missing:?}:\n{text}"
        ));
    } else {
        println!("waivers: {what}: exit {code}");
        tally.pass();
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Every report of the waived run says so: results.json (counts, the waiver's state, the
/// scenario's waivers and its findings kept), report.md, report.html and junit.xml.
fn waived_everywhere(dir: &Path) -> Result<(), String> {
    let results: serde_json::Value = serde_json::from_str(&read(&dir.join("results.json")))
        .map_err(|e| format!("results.json: {e}"))?;
    let run = &results["run"];
    if run["counts"]["waived"] != 1 || run["verdict"]["observed"] != "passed" {
        return Err(format!(
            "results.json: counts {} and verdict {}",
            run["counts"], run["verdict"]
        ));
    }
    if run["waivers"][0]["state"] != "applied" || run["waivers"][0]["issue"] != ISSUE {
        return Err(format!("results.json: run.waivers {}", run["waivers"]));
    }
    let scenarios = results["scenarios"].as_array().cloned().unwrap_or_default();
    let Some(s) = scenarios.iter().find(|s| s["id"] == SCENARIO) else {
        return Err(format!("results.json: no scenario {SCENARIO}"));
    };
    let kept = (s["findings"].as_array().into_iter().flatten())
        .any(|f| f["expectation"] == "content-type.xml");
    if s["waived_by"] != serde_json::json!([0]) || s["counted"] != false || !kept {
        return Err(format!("results.json: the waived scenario reads {s}"));
    }
    let others_say_nothing = scenarios
        .iter()
        .filter(|o| o["id"] != SCENARIO)
        .all(|o| o.get("waived_by").is_none());
    if !others_say_nothing {
        return Err("results.json: waived_by on a scenario no waiver excuses".into());
    }
    let md = read(&dir.join("report.md"));
    if !md.contains(", 1 waived,") || !md.contains("## Waivers") {
        return Err(format!("report.md does not say 1 waived:\n{md}"));
    }
    let html = read(&dir.join("report.html"));
    let first_screen = html
        .split("<section id=\"score\">")
        .next()
        .unwrap_or_default();
    if !first_screen.contains(", 1 waived,") || !first_screen.contains(ISSUE) {
        return Err("report.html: its verdict section does not say 1 waived".into());
    }
    let junit = read(&dir.join("junit.xml"));
    let skipped = format!("<skipped message=\"waived: {REASON} ({ISSUE})\"/>");
    if !junit.contains(&skipped) || junit.contains("<failure") {
        return Err(format!("junit.xml does not hold {skipped} alone:\n{junit}"));
    }
    Ok(())
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A copy of the report `from` whose results.json says `now` where it said `was`, its manifest
/// rewritten to match (as whoever holds a report can): only the checks of its verdicts can tell.
fn edited(from: &Path, to: &Path, was: &str, now: &str) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        std::fs::copy(entry.path(), to.join(entry.file_name())).map_err(|e| e.to_string())?;
    }
    let results = read(&to.join("results.json"));
    if !results.contains(was) {
        return Err(format!("results.json holds no {was}"));
    }
    let edited = results.replace(was, now);
    let manifest = read(&to.join("manifest.json"))
        .replace(&sha256(results.as_bytes()), &sha256(edited.as_bytes()));
    std::fs::write(to.join("results.json"), edited)
        .and_then(|()| std::fs::write(to.join("manifest.json"), manifest))
        .map_err(|e| e.to_string())
}

pub async fn excuse_expire_and_go_stale() -> Tally {
    let mut tally = Tally::default();
    let dir: PathBuf = std::env::temp_dir().join(format!("ecsc-waivers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        tally.fail(format!("waivers: cannot create {}: {e}", dir.display()));
        return tally;
    }
    let today = time::OffsetDateTime::now_utc().date();
    let day = |d: time::Date| format_date(d);
    let in_force = day(today + time::Duration::days(90));
    let yesterday = day(today - time::Duration::days(1));
    let too_far = day(one_year_after(today) + time::Duration::days(1));
    let file = |name: &str, text: String| {
        let path = dir.join(name);
        std::fs::write(&path, text).map(|()| path.to_string_lossy().into_owned())
    };
    let files = (|| -> std::io::Result<_> {
        Ok((
            file(
                "good.toml",
                waiver("content-type.xml", "application/xml", &in_force),
            )?,
            file(
                "expired.toml",
                waiver("content-type.xml", "application/xml", &yesterday),
            )?,
            file(
                "too-far.toml",
                waiver("content-type.xml", "application/xml", &too_far),
            )?,
            file(
                "no-issue.toml",
                waiver("content-type.xml", "application/xml", &in_force)
                    .replace(&format!("issue = \"{ISSUE}\"\n"), ""),
            )?,
            file(
                "no-expiry.toml",
                waiver("content-type.xml", "application/xml", &in_force)
                    .replace(&format!("expires = \"{in_force}\"\n"), ""),
            )?,
            file("malformed.toml", "[[waiver]\nscenario = \n".into())?,
        ))
    })();
    let Ok((good, expired, too_far_file, no_issue, no_expiry, malformed)) = files else {
        tally.fail(format!("waivers: cannot write the waiver files: {files:?}"));
        return tally;
    };

    let mock = MockServer::start().await.expect("the mock starts");
    let (url, _proxy, _stop) = proxy::start(mock.url(), no_charset).await;
    let (failed_dir, waived_dir) = (dir.join("failed"), dir.join("waived"));
    let (failed_arg, waived_arg) = (
        failed_dir.to_string_lossy().into_owned(),
        waived_dir.to_string_lossy().into_owned(),
    );
    let against = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = [
            "run",
            "--endpoint",
            &url,
            "--access-key-id",
            "testid",
            "--access-key-secret",
            "testsecret",
            "--tags",
            "@account",
            "--format",
            "xml",
        ]
        .iter()
        .map(|a| (*a).to_owned())
        .collect();
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        args
    };
    let run = |args: Vec<String>| async move {
        tokio::task::spawn_blocking(move || binary(args))
            .await
            .unwrap_or((None, "the child did not run".into()))
    };

    // The deviation is real: without a waiver the run fails.
    let got = run(against(&["--report", &failed_arg])).await;
    expect(
        &mut tally,
        "the deviation, unwaived",
        &got,
        1,
        &["1 failed"],
    );
    // Waived: exit 0, "1 waived" in the summary and every report, and the report verifies.
    let got = run(against(&["--waivers", &good, "--report", &waived_arg])).await;
    expect(
        &mut tally,
        "the deviation, waived",
        &got,
        0,
        &[
            "2 passed, 0 failed at --fail-on observed, 1 waived",
            "~ [waived]",
            ISSUE,
        ],
    );
    tally.check(waived_everywhere(&waived_dir).map_err(|e| format!("waivers: {e}")));
    let got = spawn(&["verify", &waived_arg]).await;
    expect(
        &mut tally,
        "a waived run's report verifies",
        &got,
        0,
        &["verified"],
    );
    // Against the conforming mock the same waiver is stale: the run fails, naming it.
    let got = spawn(&[
        "run",
        "--tags",
        "@account",
        "--format",
        "xml",
        "--fail-on",
        "observed",
        "--waivers",
        &good,
    ])
    .await;
    expect(
        &mut tally,
        "the same waiver against a conforming endpoint",
        &got,
        1,
        &[
            "stale waiver: the deviation is gone — remove it",
            "waiver 1 (scenario resetdisk-errors-the-account/*, expectation content-type.xml",
            "3 passed, 0 failed",
        ],
    );
    // Expired: ignored, with a warning; the deviation fails the run again.
    let got = run(against(&["--waivers", &expired])).await;
    expect(
        &mut tally,
        "an expired waiver",
        &got,
        1,
        &["1 expired: ignored", "warning: expired waiver", "1 failed"],
    );
    // Refused before anything runs: exit 2, saying why.
    for (what, path, says) in [
        ("a waiver without a link", &no_issue, "waiver 1: no `issue`"),
        (
            "a waiver without an expiry",
            &no_expiry,
            "waiver 1: no `expires`",
        ),
        (
            "a waiver for more than a year",
            &too_far_file,
            "more than a year",
        ),
        ("a malformed waivers file", &malformed, "malformed.toml"),
    ] {
        let got = spawn(&["run", "--waivers", path]).await;
        expect(&mut tally, what, &got, 2, &[says, "no scenario was run"]);
    }

    // A waived scenario failing in the other run reads as such in a diff.
    let got = spawn(&["diff", &waived_arg, &failed_arg]).await;
    expect(
        &mut tally,
        "diff, waived then failing",
        &got,
        1,
        &["waived at observed → failed at observed"],
    );

    // renew moves only the waiver whose deviation the report shows; every other byte stays.
    let two = format!(
        "# known deviations\n{}\n{}",
        waiver("content-type.xml", "application/xml", &in_force),
        waiver("error.answer", "Code", &in_force)
    );
    let until = day(today + time::Duration::days(200));
    let renewing = file("renew.toml", two.clone()).unwrap_or_default();
    let got = spawn(&[
        "waivers",
        "renew",
        &renewing,
        "--from",
        &waived_arg,
        "--until",
        &until,
    ])
    .await;
    expect(
        &mut tally,
        "renew",
        &got,
        0,
        &[
            "renewed waiver 1",
            "kept waiver 2",
            "1 of 2 waivers renewed",
        ],
    );
    let first = two.find(&in_force).unwrap_or_default();
    let mut expected = two.clone();
    expected.replace_range(first..first + in_force.len(), &until);
    let renewed = read(Path::new(&renewing));
    if renewed != expected {
        tally.fail(format!(
            "waivers: renew rewrote more than waiver 1's expiry:\n{renewed}\nexpected:\n{expected}"
        ));
    } else {
        tally.pass();
    }
    let got = spawn(&[
        "waivers",
        "renew",
        &renewing,
        "--from",
        &waived_arg,
        "--until",
        &too_far,
    ])
    .await;
    expect(
        &mut tally,
        "renew for more than a year",
        &got,
        2,
        &["at most a year"],
    );
    if read(Path::new(&renewing)) != expected {
        tally.fail("waivers: a refused renew changed the file".into());
    }

    // verify: the waived report with its waiver's expiry moved before the run is refused; the
    // same edit keeping the date verifies (the manifest is rewritten alike).
    let (late, same) = (dir.join("late"), dir.join("same"));
    let expiry = |date: &str| format!("\"expires\": \"{date}\"");
    match edited(&waived_dir, &late, &expiry(&in_force), &expiry(&yesterday))
        .and_then(|()| edited(&waived_dir, &same, &expiry(&in_force), &expiry(&in_force)))
    {
        Ok(()) => {
            let got = spawn(&["verify", &late.to_string_lossy()]).await;
            expect(
                &mut tally,
                "verify, an applied waiver expired on the run's date",
                &got,
                1,
                &["waiver 1", "had expired on the run's date"],
            );
            let got = spawn(&["verify", &same.to_string_lossy()]).await;
            expect(
                &mut tally,
                "verify, the waiver in force",
                &got,
                0,
                &["verified"],
            );
        }
        Err(e) => tally.fail(format!("waivers: cannot edit the report: {e}")),
    }
    // verify --rejudge: the waived report's verdicts follow from its exchanges and waivers; a
    // waiver's state edited does not.
    let got = spawn(&["verify", "--rejudge", &waived_arg]).await;
    expect(
        &mut tally,
        "verify --rejudge, a waived run",
        &got,
        0,
        &["every verdict follows"],
    );
    let forged = dir.join("forged");
    match edited(
        &waived_dir,
        &forged,
        "\"state\": \"applied\"",
        "\"state\": \"unexercised\"",
    ) {
        Ok(()) => {
            let got = spawn(&["verify", "--rejudge", &forged.to_string_lossy()]).await;
            expect(
                &mut tally,
                "verify --rejudge, a waiver's state edited",
                &got,
                1,
                &["run.waivers", "\"unexercised\"", "\"applied\""],
            );
        }
        Err(e) => tally.fail(format!("waivers: cannot edit the report: {e}")),
    }
    let _ = std::fs::remove_dir_all(&dir);
    tally
}
