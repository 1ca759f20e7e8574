//! The conformance suite under `cargo test`.
//!
//! 1. Against the embedded mock: every scenario passes at `chosen`, none is left unrun.
//! 2. Proof both ways (`variants`): faulty variants fail at the level of what they break;
//!    permitted variants pass at `observed` — for the hand-written scenarios at two editions, and
//!    for the generated shape scenarios (an ignored required parameter, a field of the wrong type,
//!    a dropped field, success for a dry run, a wrong status; extra fields, another order, the
//!    other documented error).
//! 3. Broken targets (`broken`): garbage, an endless body, a redirect, silence, nothing at all.
//! 4. The command line's exit statuses for runs that cannot check anything (`cli`).
//! 5. Certification reports: written, verified, tamper-evident, free of secrets (`reports`).
//! 6. Regression reports: each section holds exactly what changed (`regression`).
//! 7. Existing resources (`discover`): a run binds scenarios to tagged resources only, and names
//!    no disk without `--allow-destructive`.
//! 8. Throttling (`throttle`): retried, then not run — never a failure, never a pass.
//! 9. The project's own image, started on the local container engine (`container`), when one
//!    answers; otherwise reported not run — or, under CI (`CI` set), a failure naming the engine.
//! 10. The control protocol as a contract (`control`): a server of its first published revision,
//!     a control API that refuses every world, a target that stops answering, `control-check`.
//! 11. Editions of the contract (`editions`): the mock at each edition passes it, and a mock of
//!     one edition judged against another fails exactly what `editions diff` predicts.
//! 12. Waivers (`waivers`): a real deviation waived, a stale and an expired waiver, refused
//!     files, `waivers renew`, and `verify` and `diff` of waived runs.
//! 13. The runner's own stalls (`stall`): every call answered on a large account, and a runner
//!     blocked for longer than `--timeout` reported as the harness's stall, never the endpoint's
//!     silence.
//! 14. The counts README.md and docs/ state are the run's (`readme`, and each module for its own).
//! 15. Reports of an earlier release (`previous`): read, verified and diffed by today's build.
//! 16. Safe on real accounts (`safety`): without a control API no generated probe sends an action
//!     that changes state a complete request without `DryRun=true`.
//! 17. What the vendor claims (`claims`): `--actions` leaves unclaimed actions unjudged, probes
//!     each for ECS's unknown-action answer, and fails the probe of one that is served anyway.

mod broken;
mod claims;
mod cli;
mod container;
mod control;
mod discover;
mod editions;
#[path = "../discover/large_account.rs"]
mod large_account;
mod previous;
mod proxy;
mod readme;
mod regression;
mod rejudge;
mod reports;
mod safety;
mod stall;
mod throttle;
mod variants;
mod waivers;
mod worlds;

use std::process::ExitCode;

use ecs_conformance::contract::editions as contract_editions;
use ecs_conformance::evidence::Level;
use ecs_conformance::results::Outcome;
use ecs_conformance::suite::{self, SnapshotMode, SuiteConfig};

/// Checks that passed, counted where they pass, and the problems found, kept however a module
/// ends.
#[derive(Default)]
pub struct Tally {
    pub passed: usize,
    pub problems: Vec<String>,
}

impl Tally {
    pub fn pass(&mut self) {
        self.passed += 1;
    }

    pub fn fail(&mut self, problem: String) {
        self.problems.push(problem);
    }

    pub fn check(&mut self, result: Result<(), String>) {
        match result {
            Ok(()) => self.pass(),
            Err(problem) => self.fail(problem),
        }
    }
}

fn main() -> ExitCode {
    let runtime = tokio::runtime::Runtime::new().expect("the async runtime starts");
    runtime.block_on(async {
        let config = SuiteConfig {
            fail_on: Level::Chosen,
            snapshot_mode: SnapshotMode::Review,
            ..SuiteConfig::default()
        };
        let out = match suite::run(config).await {
            Ok(out) => out,
            Err(e) => {
                eprintln!("the suite could not run: {e:#}");
                return ExitCode::FAILURE;
            }
        };
        let report = &out.results;
        print!("{}", ecs_conformance::report::summary(report));
        // Every scenario of the selection has a result: none may vanish unseen.
        let selected = suite::selected_scenarios(&SuiteConfig::default()).unwrap_or(0);
        if report.scenarios.len() != selected || selected == 0 {
            println!(
                "✘ the embedded run has {} results for {selected} selected scenarios",
                report.scenarios.len()
            );
        }
        // A scenario that does not judge the edition the run is gated on (latest) is not run
        // for it; `editions` proves it against its own editions.
        let suite_ok = report
            .scenarios
            .iter()
            .all(|r| r.outcome == Outcome::Passed || r.of_other_editions())
            && report.run.suite_problems.is_empty()
            && report.scenarios.len() == selected
            && selected > 0;

        // The throttling checks mostly wait out the runner's back-off (15 s), and the container
        // checks on the engine: both run beside the proofs below, which keep the cores busy
        // (their lines, each prefixed, may come between the proofs' lines). The container checks
        // call the docker client synchronously, so they run on a thread (and a runtime) of their
        // own: polled in the same task, they stalled the throttling run until its preflight
        // timed out. The throttling checks get a thread and a runtime of their own too (a run's
        // future is not Send): no proof's work can hold up their clocks.
        let containers = tokio::task::spawn_blocking(|| {
            tokio::runtime::Runtime::new()
                .expect("a runtime for the container checks")
                .block_on(container::the_image_passes_and_leaves_nothing())
        });
        let throttle = std::thread::spawn(|| {
            tokio::runtime::Runtime::new()
                .expect("a runtime for the throttling checks")
                .block_on(throttle::throttling_is_not_conformance())
        });

        println!("\nProof both ways: the mock behind faulty and permitted proxies");
        // The proofs run at the first edition and the latest: the two that differ most.
        let mut proof = variants::prove_both_ways(contract_editions::latest()).await;
        let first = variants::prove_both_ways(&contract_editions::all()[0]).await;
        proof.faulty_caught += first.faulty_caught;
        proof.permitted_passed += first.permitted_passed;
        proof.problems.extend(first.problems);
        let mut problems = proof.problems;
        // Each module counts its checks where they pass and keeps every problem it found, also
        // when it stops early.
        let mut passed = 0;
        let mut add = |tally: Tally| {
            passed += tally.passed;
            problems.extend(tally.problems);
        };
        add(broken::targets_fail_clearly().await);
        let regression = regression::sections_are_exact(&out).await;
        add(Tally {
            passed: usize::from(regression.is_empty()),
            problems: regression,
        });
        let throttle = (throttle.join()).expect("the throttling checks end");
        let containers = containers.await.expect("the container checks end");
        let container_not_run = match containers {
            container::Outcome::Ran {
                passed: p,
                problems: found,
            } => {
                add(Tally {
                    passed: p,
                    problems: found,
                });
                0
            }
            container::Outcome::NotRun(why) => {
                println!("container checks: not run: {why}");
                container::CHECKS
            }
        };
        let reports = reports::written_verified_and_tamper_evident().await;
        add(Tally {
            passed: usize::from(reports.is_empty()),
            problems: reports,
        });
        add(rejudge::verdicts_follow_from_exchanges().await);
        let shown = reports::shown_to_return().await;
        add(Tally {
            passed: usize::from(shown.is_empty()),
            problems: shown,
        });
        let agree = reports::printers_agree_on_every_count().await;
        add(Tally {
            passed: usize::from(agree.is_empty()),
            problems: agree,
        });
        add(throttle);
        let mut discover = Tally::default();
        discover::only_tagged_resources_are_named(&mut discover).await;
        discover::an_unsettled_resource_is_not_bound_again(&mut discover).await;
        discover::rollback_scenarios_leave_untagged_instances_alone(&mut discover).await;
        add(discover);
        add(variants::prove_shape_both_ways().await);
        let mut safe = Tally::default();
        safety::no_generated_probe_changes_an_account(&mut safe).await;
        claims::unclaimed_actions_are_probed_not_judged(&mut safe).await;
        add(safe);
        let mut stalls = Tally::default();
        stall::a_large_account_gets_every_answer(&mut stalls).await;
        stall::a_stalled_runner_is_not_the_endpoint_s_silence(&mut stalls).await;
        add(stalls);
        let (control_passed, control) = control::the_protocol_is_a_contract().await;
        add(Tally {
            passed: control_passed,
            problems: control,
        });
        add(cli::cannot_check_exits_2().await);
        add(editions::proven_both_ways(report).await);
        add(waivers::excuse_expire_and_go_stale().await);
        add(previous::earlier_reports_still_read(&out));
        // Each variant is proven at two editions.
        let (faulty, permitted) = variants::counts();
        // README.md states these counts: they must be the run's.
        let mut readme = Tally::default();
        for result in readme::main_counts(report, faulty, permitted) {
            readme.check(result);
        }
        add(readme);
        for p in &problems {
            println!("✘ {p}");
        }
        let (faulty, permitted) = (2 * faulty, 2 * permitted);
        println!(
            "faulty variants caught: {}/{faulty}; permitted variants passed: {}/{permitted}",
            proof.faulty_caught, proof.permitted_passed
        );
        println!(
            "{} passed, {} failed",
            report.passed() + proof.faulty_caught + proof.permitted_passed + passed,
            report.failed()
                + report.not_run()
                + problems.len()
                + usize::from(report.scenarios.len() != selected)
        );
        if container_not_run > 0 {
            println!(
                "{container_not_run} container checks not run (counted neither passed nor failed)"
            );
        }
        if suite_ok && problems.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    })
}
