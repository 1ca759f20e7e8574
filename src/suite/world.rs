//! The cucumber World of one scenario: the ECS world its Given steps describe, the client that
//! calls the target with the scenario's own key pair, and the answers received.
//!
//! Steps call the methods here; the methods build worlds, install them through the control API,
//! send calls through [`Client`] and keep the answers. Steps never build raw HTTP requests.

use std::sync::Arc;

use super::answer::Answer;
use super::context::RunState;
use super::record::{ScenarioRecord, Stop, exchange};
use super::recorded::SnapshotMode;
use super::steps::judging::Judging;
use super::target::{Binding, Unbound};
use super::verdict::{self, Findings};
use crate::client::{Call, ClientError};
use crate::evidence::ids;
use crate::results::ScenarioId;
use crate::world::{Disk, Instance, Snapshot, World};

#[derive(Debug, Default, cucumber::World)]
pub struct SuiteWorld {
    pub(super) ctx: Option<Arc<RunState>>,
    pub(super) id: ScenarioId,
    /// What the scenario produced: handed over once, when it ends.
    pub(super) record: ScenarioRecord,
    /// The scenario is tagged `@chosen`: what it expects rests on a choice of the mock's, so every
    /// finding counts at `chosen` at most.
    pub(super) chosen_only: bool,
    /// The editions the scenario judges (its `@editions:` tag).
    pub(super) editions: crate::contract::editions::Range,
    /// The world the Given steps describe; installed on the first call.
    pub world: World,
    /// The scenario needs an account with no resources at all (`Given an account with no
    /// resources`), not only a world that states none.
    pub empty_account: bool,
    binding: Option<Binding>,
    /// The answers of the scenario's When steps, in order: what its Then steps judge.
    pub answers: Vec<Answer>,
    /// The answers of the calls the current Then step made aside (the signature probe's twin).
    pub aside: Vec<Answer>,
    /// A signature probe's call as it would be signed right: sent by the step that proves the
    /// signature was checked.
    pub signed_right: Option<Call>,
    /// When the last call of a When step was sent: how late a poll that follows it looked.
    pub last_sent_at: Option<std::time::Instant>,
}

impl SuiteWorld {
    fn ctx(&self) -> Result<&Arc<RunState>, String> {
        self.ctx
            .as_ref()
            .ok_or_else(|| "the suite's context was not set (run through suite::run)".into())
    }

    /// The world, for a Given step to change: only before the first call installs it.
    pub fn world_mut(&mut self) -> Result<&mut World, String> {
        if self.binding.is_some() {
            return Err(
                "the world was already installed by a call: state every Given that \
                        describes resources before the first call"
                    .into(),
            );
        }
        Ok(&mut self.world)
    }

    pub fn add_instance(&mut self, instance: Instance) -> Result<(), String> {
        self.world_mut()?.instances.push(instance);
        Ok(())
    }

    pub fn add_disk(&mut self, disk: Disk) -> Result<(), String> {
        self.world_mut()?.disks.push(disk);
        Ok(())
    }

    pub fn add_snapshot(&mut self, snapshot: Snapshot) -> Result<(), String> {
        self.world_mut()?.snapshots.push(snapshot);
        Ok(())
    }

    pub fn instance_mut(&mut self, id: &str) -> Result<&mut Instance, String> {
        self.world_mut()?
            .instance_mut(id)
            .ok_or_else(|| format!("no instance {id:?} in this scenario's world; add it first"))
    }

    pub fn disk_mut(&mut self, id: &str) -> Result<&mut Disk, String> {
        self.world_mut()?
            .disk_mut(id)
            .ok_or_else(|| format!("no disk {id:?} in this scenario's world; add it first"))
    }

    pub fn snapshot_mut(&mut self, id: &str) -> Result<&mut Snapshot, String> {
        self.world_mut()?
            .snapshot_mut(id)
            .ok_or_else(|| format!("no snapshot {id:?} in this scenario's world; add it first"))
    }

    /// The scenario's binding to the target: made on the first call, through the run's seam,
    /// from the world the Given steps described.
    async fn binding(&mut self) -> Result<Binding, String> {
        if let Some(b) = &self.binding {
            return Ok(b.clone());
        }
        let ctx = self.ctx()?.clone();
        let binding = match ctx
            .seam
            .bind(&ctx.client, &self.world, self.empty_account)
            .await
        {
            Ok(b) => b,
            Err(e) => return Err(self.unbound(e)),
        };
        self.binding = Some(binding.clone());
        Ok(binding)
    }

    /// Records why the target could not give or show the scenario's state; the text is the
    /// step's error.
    fn unbound(&mut self, e: Unbound) -> String {
        match e {
            Unbound::NotRun(why) => self.not_run(why),
            Unbound::Failed(why) => self.setup_failed(why, false),
            Unbound::NoAnswer(why) => self.setup_failed(why, true),
            Unbound::Stalled { reason, stalled } => self.stalled(reason, stalled),
            Unbound::Invalid(why) => {
                let mut f = Findings::default();
                f.fail(ids::SETUP, why.clone());
                let _ = self.judge(f);
                why
            }
        }
    }

    /// Records findings and fails the step when any counts at the run's `--fail-on` level; the
    /// others are kept for the report.
    pub fn judge(&mut self, findings: Findings) -> Result<(), String> {
        let fail_on = self.ctx()?.fail_on;
        let (findings, result) = verdict::weigh(findings, self.chosen_only, fail_on);
        self.record.findings.extend(findings);
        result
    }

    /// What a Then step's check sees of this scenario: its answers, those of the step's calls
    /// aside, and its recorded answers.
    pub fn judging(&self) -> Result<Judging<'_>, String> {
        Ok(Judging {
            scenario: &self.id,
            answers: &self.answers,
            aside: &self.aside,
            files: &self.ctx()?.files,
            snapshot_mode: self.snapshot_mode()?,
        })
    }

    /// Records that the scenario cannot run on this target; the text is the step's error, and the
    /// scenario is reported not run, with `why`.
    fn not_run(&mut self, why: String) -> String {
        let text = format!("not run: {why}");
        self.stop(Stop::NotRun(why));
        text
    }

    /// Records why the scenario stopped short of a verdict (the first reason wins).
    fn stop(&mut self, stop: Stop) {
        self.record.stop(stop);
    }

    /// Records an expectation this target cannot show: reported "not checked on this target",
    /// never passed.
    pub fn not_checked(&mut self, expectation: &str) -> Result<(), String> {
        self.record.not_checked.push(expectation.to_owned());
        Ok(())
    }

    /// Whether the target's own state can be observed (else see [`SuiteWorld::not_checked`]).
    pub fn observes(&self) -> Result<bool, String> {
        Ok(self.ctx()?.seam.observes())
    }

    /// Records that the scenario's state could not be prepared (`no_answer`: for want of any
    /// answer): it is not run, which judges nothing. The text is the step's error.
    fn setup_failed(&mut self, why: String, no_answer: bool) -> String {
        let text = format!("setup failed: {why}");
        self.stop(Stop::SetupFailed {
            reason: text.clone(),
            no_answer,
        });
        text
    }

    /// Records that a call timed out while the runner itself stalled: the scenario is not run,
    /// the harness's fault (never the endpoint's silence). The text is the step's error.
    fn stalled(&mut self, why: String, stalled: std::time::Duration) -> String {
        let text = format!("not run: {why}");
        self.stop(Stop::Stalled {
            reason: why,
            stalled,
        });
        text
    }

    /// Sends `call` (with `nonce`, or a fresh one) and keeps the answer. A `setup` call prepares
    /// state: its failures say "setup failed", and proxies that count answers leave it out.
    pub async fn send(&mut self, call: &Call, nonce: Option<&str>) -> Result<(), String> {
        self.last_sent_at = Some(std::time::Instant::now());
        let answer = self.exchange(call, nonce, false).await?;
        self.answers.push(answer);
        Ok(())
    }

    /// Sends `call` and returns its answer without keeping it as the scenario's last answer (it
    /// is recorded for reports like any call): a comparison's second call.
    pub async fn send_aside(&mut self, call: &Call) -> Result<Answer, String> {
        self.exchange(call, None, false).await
    }

    /// Sends a call that looks at the target's state on the way (a poll), marked `setup` as a
    /// preparatory call is: not among the scenario's answers, and an answer of any status is
    /// returned for the step to read.
    pub async fn poll(&mut self, call: &Call) -> Result<Answer, String> {
        self.exchange(call, None, true).await
    }

    /// Sends a call that prepares the scenario's state and requires a 200 answer, whatever its
    /// body: the scenario's own expectations are checked on the calls that follow.
    pub async fn send_setup(&mut self, call: &Call, what: &str) -> Result<(), String> {
        match self.exchange(call, None, true).await {
            Ok(a) if a.raw.status == 200 => Ok(()),
            Ok(a) => Err(self.setup_failed(
                format!(
                    "{what}: expected 200, got {} {:.200}",
                    a.raw.status, a.raw.body
                ),
                false,
            )),
            // Already recorded: the binding itself failed, the scenario cannot run here, or the
            // call got no answer.
            Err(e) => Err(e),
        }
    }

    async fn exchange(
        &mut self,
        call: &Call,
        nonce: Option<&str>,
        setup: bool,
    ) -> Result<Answer, String> {
        let (binding, call) = self.admitted(call).await?;
        let (client, call) = (&binding.client, &call);
        // Throttling the scenario did not ask for is the infrastructure's, not a finding: retried
        // with back-off, then the scenario is not run.
        let replay = nonce.is_some();
        let mut attempt = 0;
        let (nonce, prepared, raw) = loop {
            let nonce = nonce.map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
            let prepared = client.prepare(call, &nonce);
            let raw = match client.send_prepared(&prepared, &call.action).await {
                Ok(raw) => raw,
                Err(e) => return Err(self.no_answer(e, setup, what_for(call))),
            };
            if !self.unexpected_throttling(&raw) {
                break (nonce, prepared, raw);
            }
            // A call with a given nonce (a replay) cannot be sent again unchanged.
            if attempt == super::throttle::RETRIES || replay {
                return Err(self.not_run(format!(
                    "throttled: the target answered {} after {attempt} retries",
                    super::throttle::throttle_words(&raw)
                )));
            }
            tokio::time::sleep(super::throttle::backoff(&raw, attempt)).await;
            attempt += 1;
        };
        let answer = Answer {
            action: call.action.clone(),
            asked: call.format,
            form: call.form,
            raw,
            string_to_sign: prepared.string_to_sign,
            canonical_request: prepared.canonical_request,
        };
        self.record(&binding, call, &nonce, setup, &answer)?;
        Ok(answer)
    }

    /// The scenario's binding and `call` with its aliases resolved, once the seam admits it;
    /// otherwise the scenario is not run.
    async fn admitted(&mut self, call: &Call) -> Result<(Binding, Call), String> {
        let binding = self.binding().await?;
        let call = resolve(&binding, call);
        if let Err(why) = self.ctx()?.seam.admit(&binding, &call) {
            return Err(self.not_run(why));
        }
        Ok((binding, call))
    }

    /// Throttling the scenario did not inject itself.
    fn unexpected_throttling(&self, raw: &crate::client::RawResponse) -> bool {
        self.world.faults.is_empty() && super::throttle::throttled(raw)
    }

    /// Keeps what one call sent and received, for reports and proofs.
    fn record(
        &mut self,
        binding: &Binding,
        call: &Call,
        nonce: &str,
        setup: bool,
        answer: &Answer,
    ) -> Result<(), String> {
        let key = &binding.client.credentials().access_key_id;
        self.record
            .answered(exchange(call, key, nonce, setup, answer));
        Ok(())
    }

    /// A call that got no answer. A transport failure (refused, reset, timed out) is no answer
    /// at all: the scenario is unjudged, and the run fails for it, but no expectation of the
    /// contract was missed. Anything else (an answer over the size cap) is a finding.
    fn no_answer(&mut self, e: ClientError, setup: bool, call: String) -> String {
        if let ClientError::Stalled { stalled, .. } = e {
            return self.stalled(format!("{call}: {e}"), stalled);
        }
        let ClientError::Http { source, .. } = &e else {
            let text = format!("the target did not answer: {e}");
            if setup {
                return self.setup_failed(format!("{call}: {text}"), false);
            }
            let mut f = Findings::default();
            f.fail(ids::ANSWER_RECEIVED, text.clone());
            let _ = self.judge(f);
            return text;
        };
        let cause = crate::client::unreachable_cause(source);
        if setup {
            return self.setup_failed(format!("{call} got no answer: {cause}"), true);
        }
        let text = format!("no answer: {call}: {cause}");
        self.stop(Stop::NoAnswer {
            reason: text.clone(),
        });
        text
    }

    /// Sends the same calls at once and keeps every answer.
    pub async fn send_concurrently(&mut self, call: &Call, n: usize) -> Result<(), String> {
        let (binding, call) = self.admitted(call).await?;
        let (client, call) = (binding.client.clone(), &call);
        let sends = (0..n).map(|_| {
            let (client, call) = (client.clone(), call.clone());
            async move {
                let nonce = uuid::Uuid::new_v4().to_string();
                let prepared = client.prepare(&call, &nonce);
                (nonce, client.send_prepared(&prepared, &call.action).await)
            }
        });
        for (nonce, raw) in futures::future::join_all(sends).await {
            let raw = match raw {
                Ok(raw) => raw,
                Err(e) => return Err(self.no_answer(e, false, what_for(call))),
            };
            // Calls at once cannot be retried as one: throttling leaves the scenario unrun.
            if self.unexpected_throttling(&raw) {
                return Err(self.not_run(format!(
                    "throttled: the target answered {} to one of {n} calls at once",
                    super::throttle::throttle_words(&raw)
                )));
            }
            let answer = Answer {
                action: call.action.clone(),
                asked: call.format,
                form: call.form,
                raw,
                string_to_sign: None,
                canonical_request: None,
            };
            self.record(&binding, call, &nonce, false, &answer)?;
            self.answers.push(answer);
        }
        Ok(())
    }

    /// The world as the target holds it now. When it cannot be seen, the scenario stops short of
    /// a verdict as its setup would (not run, saying why).
    pub async fn target_world(&mut self) -> Result<World, String> {
        let binding = self.binding().await?;
        let ctx = self.ctx()?.clone();
        match ctx.seam.observe(&ctx.client, &binding).await {
            Ok(world) => Ok(world),
            Err(e) => Err(self.unbound(e)),
        }
    }

    /// Removes what the scenario installed, so runs against a long-lived endpoint do not
    /// accumulate worlds.
    pub async fn clean_up(&mut self) {
        // Taken, so that what the binding holds (claimed resources) is let go of here.
        if let (Some(ctx), Some(binding)) = (&self.ctx, self.binding.take()) {
            ctx.seam.release(&ctx.client, &binding).await;
        }
    }

    /// How a recorded answer that differs is handled: recorded for review only from an
    /// embedded mock serving an edition this scenario judges (another edition's answer is not
    /// this scenario's reference), else only checked.
    pub fn snapshot_mode(&self) -> Result<SnapshotMode, String> {
        let ctx = self.ctx()?;
        let judged = ctx.recording.is_some_and(|e| self.editions.contains(e));
        Ok(if judged {
            ctx.snapshot_mode
        } else {
            SnapshotMode::CheckOnly
        })
    }
}

/// `ResetDisk (V1Get)`: a call, for a reason's text.
fn what_for(call: &Call) -> String {
    format!("{} ({:?})", call.action, call.form)
}

/// `call` with every `…Id` parameter (an alias in the feature files) resolved to the target's id.
fn resolve(binding: &Binding, call: &Call) -> Call {
    let mut call = call.clone();
    for (name, value) in &mut call.params {
        // `DiskId`, and a list's items: `InstanceId.1`.
        let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        if base.ends_with("Id") {
            *value = binding.resolve(value);
        }
    }
    call
}
