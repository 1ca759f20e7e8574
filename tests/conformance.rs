//! The conformance suite under `cargo test`.
//!
//! 1. Against the embedded mock: every scenario must pass and none may be left unrun.
//! 2. Proving it can fail: the mock behind a response-rewriting proxy (here, in the test — the
//!    mock's own code has no fault switches). Through an identity proxy everything passes; through
//!    each faulty variant, exactly the scenarios that received a rewritten answer must fail.
//! 3. A target that answers garbage, or never answers, fails what it runs, clearly and in bounded
//!    time.

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use ecs_conformance::suite::{self, AnswerSummary, RunOutput, SuiteConfig, Target};
use ecs_conformance::{Credentials, Format, MockServer};

/// A faulty variant: which answers it rewrites, and how.
struct Variant {
    name: &'static str,
    affects: fn(&AnswerSummary) -> bool,
    rewrite: fn(&mut Rewritten),
}

/// An ECS answer on its way back through the proxy.
struct Rewritten {
    status: u16,
    content_type: String,
    body: String,
}

fn code_is(a: &AnswerSummary, codes: &[&str]) -> bool {
    a.code.as_deref().is_some_and(|c| codes.contains(&c))
}

fn json_edit(
    r: &mut Rewritten,
    edit: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>),
) {
    if let Ok(serde_json::Value::Object(mut map)) = serde_json::from_str(&r.body) {
        edit(&mut map);
        r.body = serde_json::Value::Object(map).to_string();
    }
}

fn is_xml(r: &Rewritten) -> bool {
    r.body.starts_with("<?xml")
}

const VARIANTS: &[Variant] = &[
    Variant {
        name: "one error's HTTP status changed (IncorrectDiskStatus 403 -> 400)",
        affects: |a| code_is(a, &["IncorrectDiskStatus"]),
        rewrite: |r| {
            if r.body.contains("IncorrectDiskStatus") {
                r.status = 400;
            }
        },
    },
    Variant {
        name: "one message changed (the \"dees\" typo fixed)",
        affects: |a| code_is(a, &["OperationDenied"]),
        rewrite: |r| r.body = r.body.replace("dees not support", "does not support"),
    },
    Variant {
        name: "two codes swapped (IncorrectDiskStatus <-> IncorrectInstanceStatus)",
        affects: |a| code_is(a, &["IncorrectDiskStatus", "IncorrectInstanceStatus"]),
        rewrite: |r| {
            r.body = r
                .body
                .replace("IncorrectDiskStatus", "\u{0}")
                .replace("IncorrectInstanceStatus", "IncorrectDiskStatus")
                .replace('\u{0}', "IncorrectInstanceStatus");
        },
    },
    Variant {
        name: "XML children reordered (Code after Message)",
        affects: |a| a.format == Format::Xml && a.code.is_some(),
        rewrite: |r| {
            let (Some(start), Some(end)) = (r.body.find("<Code>"), r.body.find("</Code>")) else {
                return;
            };
            let code = r.body[start..end + "</Code>".len()].to_owned();
            r.body.replace_range(start..end + "</Code>".len(), "");
            r.body = r
                .body
                .replacen("</Message>", &format!("</Message>{code}"), 1);
        },
    },
    Variant {
        name: "a JSON key missing (HostId dropped from errors)",
        affects: |a| a.format == Format::Json && a.code.is_some(),
        rewrite: |r| {
            json_edit(r, |m| {
                m.remove("HostId");
            })
        },
    },
    Variant {
        name: "the Content-Type changed (text/xml; charset=utf-8, with a space)",
        affects: |a| a.format == Format::Xml,
        rewrite: |r| {
            if r.content_type == "text/xml;charset=utf-8" {
                r.content_type = "text/xml; charset=utf-8".into();
            }
        },
    },
    Variant {
        name: "a RequestId that is not a UUID",
        affects: |_| true,
        rewrite: |r| {
            if is_xml(r) {
                if let (Some(s), Some(e)) =
                    (r.body.find("<RequestId>"), r.body.find("</RequestId>"))
                {
                    r.body.replace_range(s + "<RequestId>".len()..e, "req-0001");
                }
            } else {
                json_edit(r, |m| {
                    m.insert("RequestId".into(), "req-0001".into());
                });
            }
        },
    },
    Variant {
        name: "a wrong success body (an extra field)",
        affects: |a| a.action == "ResetDisk" && a.status == 200,
        rewrite: |r| {
            if r.status != 200 {
                return;
            }
            if is_xml(r) {
                r.body = r.body.replace(
                    "</ResetDiskResponse>",
                    "<Extra>1</Extra></ResetDiskResponse>",
                );
            } else {
                json_edit(r, |m| {
                    m.insert("Extra".into(), 1.into());
                });
            }
        },
    },
];

struct Proxy {
    upstream: String,
    http: reqwest::Client,
    rewrite: fn(&mut Rewritten),
    /// Worlds created (PUT) and removed (DELETE) through the control API.
    worlds: (AtomicUsize, AtomicUsize),
}

/// Forwards every request to the mock; rewrites ECS answers (never the control API's).
async fn forward(State(proxy): State<Arc<Proxy>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    if path.starts_with("/ecs-conformance/v1/worlds/") {
        let counter = match parts.method.as_str() {
            "PUT" => Some(&proxy.worlds.0),
            "DELETE" => Some(&proxy.worlds.1),
            _ => None,
        };
        if let Some(c) = counter {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }
    let mut upstream = proxy
        .http
        .request(parts.method.clone(), format!("{}{path}", proxy.upstream))
        .body(body);
    for (k, v) in &parts.headers {
        if !matches!(
            k.as_str(),
            "content-length" | "connection" | "transfer-encoding"
        ) {
            upstream = upstream.header(k, v);
        }
    }
    let (status, content_type, text) = match upstream.send().await {
        Ok(r) => {
            let ct = r
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            (r.status().as_u16(), ct, r.text().await.unwrap_or_default())
        }
        Err(e) => (502, "text/plain".into(), e.to_string()),
    };
    let mut answer = Rewritten {
        status,
        content_type,
        body: text,
    };
    if !path.starts_with("/ecs-conformance/") {
        (proxy.rewrite)(&mut answer);
    }
    Response::builder()
        .status(answer.status)
        .header("content-type", answer.content_type)
        .body(Body::from(answer.body))
        .unwrap_or_default()
}

async fn start_proxy(
    upstream: &str,
    rewrite: fn(&mut Rewritten),
) -> (String, Arc<Proxy>, tokio::sync::oneshot::Sender<()>) {
    let proxy = Arc::new(Proxy {
        upstream: upstream.to_owned(),
        http: reqwest::Client::new(),
        rewrite,
        worlds: (AtomicUsize::new(0), AtomicUsize::new(0)),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("loopback binds");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = axum::Router::new()
        .fallback(forward)
        .with_state(proxy.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    (url, proxy, stop)
}

/// Runs the suite through a proxy; also returns the worlds it created and removed.
async fn run_through(mock: &MockServer, rewrite: fn(&mut Rewritten)) -> (RunOutput, usize, usize) {
    let (url, proxy, _stop) = start_proxy(mock.url(), rewrite).await;
    let config = SuiteConfig {
        target: Target::Endpoint {
            url,
            credentials: Credentials::new("testid", "testsecret"),
        },
        progress: false,
        ..SuiteConfig::default()
    };
    let out = suite::run(config)
        .await
        .expect("the suite runs through the proxy");
    let (created, removed) = (&proxy.worlds.0, &proxy.worlds.1);
    (
        out,
        created.load(Ordering::Relaxed),
        removed.load(Ordering::Relaxed),
    )
}

/// Runs the variants; returns how many were caught exactly.
async fn prove_it_can_fail() -> (usize, Vec<String>) {
    let mock = MockServer::start().await.expect("the mock starts");
    let (baseline, created, removed) = run_through(&mock, |_| {}).await;
    let mut problems = Vec::new();
    println!("worlds created and removed through the control API: {created} and {removed}");
    if created == 0 || created != removed {
        problems.push(format!(
            "the suite must remove every world it creates: {created} created, {removed} removed"
        ));
    }
    if baseline.report.failed() + baseline.report.not_run() > 0 {
        problems.push(format!(
            "through an identity proxy the suite must pass whole:\n{}",
            baseline.report.summary()
        ));
        return (0, problems);
    }
    let mut caught = 0;
    for v in VARIANTS {
        let expected: BTreeSet<String> = baseline
            .answers
            .iter()
            .filter(|(_, answers)| answers.iter().any(v.affects))
            .map(|(scenario, _)| scenario.clone())
            .collect();
        let (out, _, _) = run_through(&mock, v.rewrite).await;
        let failed: BTreeSet<String> = out.report.failed_names().into_iter().collect();
        let missed: Vec<_> = expected.difference(&failed).collect();
        let extra: Vec<_> = failed.difference(&expected).collect();
        println!(
            "variant: {} -> {} scenarios fail (expected {})",
            v.name,
            failed.len(),
            expected.len()
        );
        if expected.is_empty() || !missed.is_empty() || !extra.is_empty() {
            problems.push(format!(
                "variant {:?}: expected {} failing scenarios; these passed: {missed:#?}; these failed unexpectedly: {extra:#?}",
                v.name,
                expected.len()
            ));
        } else {
            caught += 1;
        }
    }
    (caught, problems)
}

/// A target that answers garbage, and one that accepts connections but never answers: every
/// scenario that runs must fail with a clear message, none may pass, and the run must end.
async fn broken_targets_fail_clearly() -> Vec<String> {
    let garbage = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("loopback binds");
    let garbage_url = format!("http://{}", garbage.local_addr().expect("bound"));
    let app = axum::Router::new().fallback(|| async { "hello, I am not ECS" });
    tokio::spawn(async move { axum::serve(garbage, app).await });

    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("loopback binds");
    let silent_url = format!("http://{}", silent.local_addr().expect("bound"));
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((conn, _)) = silent.accept().await {
            held.push(conn);
        }
    });

    let mut problems = Vec::new();
    // The silent target gets a short timeout; the garbage one answers at once and keeps the default.
    let short = std::time::Duration::from_secs(1);
    for (url, symptom, timeout) in [
        (
            garbage_url,
            "body: expected",
            ecs_conformance::DEFAULT_TIMEOUT,
        ),
        (silent_url, "did not answer", short),
    ] {
        let config = SuiteConfig {
            target: Target::Endpoint {
                url: url.clone(),
                credentials: Credentials::new("testid", "testsecret"),
            },
            progress: false,
            timeout,
            ..SuiteConfig::default()
        };
        let bound = std::time::Duration::from_secs(60);
        let Ok(Ok(out)) = tokio::time::timeout(bound, suite::run(config)).await else {
            problems.push(format!(
                "the run against {url} did not end within {bound:?}"
            ));
            continue;
        };
        let r = &out.report;
        let unclear = r.results.iter().any(|x| match &x.outcome {
            suite::Outcome::Failed(why) => !why.contains(symptom),
            _ => false,
        });
        println!(
            "broken target ({symptom}): {} passed, {} failed, {} not run in {:.1} s",
            r.passed(),
            r.failed(),
            r.not_run(),
            r.elapsed.as_secs_f64()
        );
        if r.passed() != 1 || r.failed() == 0 || r.not_run() == 0 || unclear {
            problems.push(format!(
                "against {url} only the catalogue check may pass and every failure must say {symptom:?}:\n{}",
                r.summary()
            ));
        }
    }
    problems
}

fn main() -> ExitCode {
    let runtime = tokio::runtime::Runtime::new().expect("the async runtime starts");
    runtime.block_on(async {
        let out = match suite::run(SuiteConfig::default()).await {
            Ok(out) => out,
            Err(e) => {
                eprintln!("the suite could not run: {e:#}");
                return ExitCode::FAILURE;
            }
        };
        print!("{}", out.report.summary());
        let suite_ok = out.report.failed() == 0 && out.report.not_run() == 0;

        println!("\nProving it can fail: the mock behind faulty proxies");
        let (caught, mut problems) = prove_it_can_fail().await;
        let broken = broken_targets_fail_clearly().await;
        let broken_passed = 2 - broken.len();
        problems.extend(broken);
        for p in &problems {
            println!("✘ {p}");
        }
        println!("faulty variants caught: {caught}/{}", VARIANTS.len());
        let variants_ok = problems.is_empty() && caught == VARIANTS.len();
        println!(
            "{} passed, {} failed",
            out.report.passed() + caught + broken_passed,
            out.report.failed() + out.report.not_run() + problems.len()
        );
        if suite_ok && variants_ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    })
}
