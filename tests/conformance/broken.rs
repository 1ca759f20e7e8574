//! Targets that do not behave: one that answers garbage, one that streams an endless body, one
//! that redirects, one that never answers, and nothing listening at all. The runner trusts none of
//! them: every scenario that runs fails with a message saying why, in bounded time and memory;
//! one that cannot be reached is one clear error.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use ecs_conformance::Credentials;
use ecs_conformance::results::{Cause, Outcome};
use ecs_conformance::suite::{self, RunError, SuiteConfig, Target};

async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("loopback binds");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn config(url: &str, timeout: Duration) -> SuiteConfig {
    SuiteConfig {
        target: Target::Endpoint {
            url: url.to_owned(),
            credentials: Credentials::new("testid", "testsecret"),
        },
        progress: false,
        timeout,
        ..SuiteConfig::default()
    }
}

/// Every scenario that ran failed, each saying one of `symptoms`; some were not run; none passed.
fn all_fail_saying(out: &suite::RunOutput, symptoms: &[&str]) -> Result<(), String> {
    let symptom = symptoms.join(" or ");
    let r = &out.results;
    let unclear: Vec<String> = r
        .scenarios
        .iter()
        .filter(|x| match x.outcome {
            Outcome::Failed => !x
                .findings
                .iter()
                .any(|f| symptoms.iter().any(|s| f.problem.contains(s))),
            Outcome::Passed | Outcome::NoAnswer => true,
            Outcome::NotRun => x.cause == Some(Cause::HarnessStall),
        })
        .map(|x| x.label())
        .collect();
    crate::rejudge::follows(out, &format!("broken target ({symptom})"))?;
    if r.failed() == 0 || r.not_run() == 0 || !unclear.is_empty() {
        return Err(format!(
            "every scenario that runs must fail saying {symptom:?}; these did not: {unclear:#?}\n{}",
            ecs_conformance::report::summary(r)
        ));
    }
    println!(
        "broken target ({symptom}): {} passed, {} failed, {} not run in {:.1} s",
        r.passed(),
        r.failed(),
        r.not_run(),
        r.run.duration_ms as f64 / 1e3
    );
    Ok(())
}

pub async fn targets_fail_clearly() -> super::Tally {
    let mut tally = super::Tally::default();
    let bound = Duration::from_secs(60);

    // Garbage: a 200 with plain text to everything.
    let garbage = serve(axum::Router::new().fallback(|| async { "hello, I am not ECS" })).await;
    match tokio::time::timeout(bound, suite::run(config(&garbage, Duration::from_secs(10)))).await {
        Ok(Ok(out)) => tally.check(all_fail_saying(&out, &["body: expected"])),
        other => tally.fail(format!(
            "the run against garbage did not end well: {other:?}"
        )),
    }

    // An endless body: the cap stops each read at 1 MiB, at once.
    let endless = serve(axum::Router::new().fallback(|| async {
        let chunk = axum::body::Bytes::from(vec![b'x'; 64 * 1024]);
        let stream = futures::stream::repeat_with(move || Ok::<_, std::io::Error>(chunk.clone()));
        Response::new(Body::from_stream(stream))
    }))
    .await;
    match tokio::time::timeout(bound, suite::run(config(&endless, Duration::from_secs(10)))).await {
        Ok(Ok(out)) => tally.check(all_fail_saying(&out, &["exceeds 1048576 bytes"])),
        other => tally.fail(format!(
            "the run against an endless body did not end well: {other:?}"
        )),
    }

    // A redirect to another server: never followed, the 302 is the answer.
    let elsewhere_hits = Arc::new(AtomicUsize::new(0));
    let hits = elsewhere_hits.clone();
    let elsewhere = serve(axum::Router::new().fallback(move || {
        hits.fetch_add(1, Ordering::Relaxed);
        async { r#"{"RequestId":"0F2E4A77-7E5B-4C1C-9B43-6C1A4F0C2D11"}"# }
    }))
    .await;
    let location = format!("{elsewhere}/");
    let redirecting = serve(axum::Router::new().fallback(move || {
        let location = location.clone();
        async move {
            Response::builder()
                .status(302)
                .header("location", location)
                .body(Body::empty())
                .unwrap_or_default()
        }
    }))
    .await;
    match tokio::time::timeout(
        bound,
        suite::run(config(&redirecting, Duration::from_secs(10))),
    )
    .await
    {
        Ok(Ok(out)) => {
            let n = elsewhere_hits.load(Ordering::Relaxed);
            tally.check(
                all_fail_saying(&out, &["got 302", "body: expected"]).and_then(|()| {
                    if n == 0 {
                        Ok(())
                    } else {
                        Err(format!(
                            "a redirect was followed: {n} requests reached its target"
                        ))
                    }
                }),
            );
        }
        other => tally.fail(format!(
            "the run against a redirect did not end well: {other:?}"
        )),
    }

    // Silent (accepts, never answers) and absent (nothing listens): unreachable, one error each.
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
    for (url, cause) in [
        (silent_url, "no answer before the timeout"),
        ("http://127.0.0.1:1".to_owned(), "the connection failed"),
    ] {
        match tokio::time::timeout(bound, suite::run(config(&url, Duration::from_secs(1)))).await {
            Ok(Err(RunError::Unreachable { endpoint, cause: c })) if c.contains(cause) => {
                println!("unreachable target: cannot reach {endpoint}: {c}");
                tally.pass();
            }
            other => tally.fail(format!(
                "{url} must be one clear \"cannot reach\" error ({cause}), got {other:?}"
            )),
        }
    }
    tally
}
