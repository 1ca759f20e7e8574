//! Proof both ways: the suite fails what does not conform, at the level of what it breaks, and
//! passes what differs only where the contract is silent.
//!
//! Each variant is the mock behind a proxy that rewrites some answers. A faulty variant must make
//! exactly the scenarios that received a changed answer fail, each at the variant's level; a
//! permitted variant must leave every scenario passing at `--fail-on observed` (it may deviate at
//! `chosen`, and the scenarios it touches usually do).
//!
//! The hand-written scenarios run once through an identity proxy that records every call and
//! answer; each variant then reruns only the scenarios its rewrite changes an answer of (a rewrite
//! is a function of the call and the answer, so the others would get the identity run's answers
//! and its passes again). The first variant runs whole, and every scenario it touches must have
//! been predicted.

use ecs_conformance::contract::editions::Edition;
use std::collections::BTreeSet;
use std::sync::atomic::Ordering;

use ecs_conformance::evidence::Level;
use ecs_conformance::results::Outcome;
use ecs_conformance::suite::{self, RunOutput};
use ecs_conformance::{DiskStatus, InstanceStatus, MockServer, SnapshotStatus, World};

use super::proxy::{self, Exchange, Rewrite, Rewritten};

pub struct Variant {
    pub name: &'static str,
    /// Faulty: the level the scenarios it touches must fail at. Permitted: `None`.
    pub level: Option<Level>,
    pub rewrite: Rewrite,
}

// --- Helpers the rewrites share ------------------------------------------------------------------

fn is_xml(r: &Rewritten) -> bool {
    r.body.trim_start().starts_with("<?xml")
}

fn xml_field<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&close)? + start;
    Some(&body[start..end])
}

/// The error `Code` of an answer, in either format.
fn code(r: &Rewritten) -> String {
    if is_xml(r) {
        return xml_field(&r.body, "Code").unwrap_or_default().to_owned();
    }
    serde_json::from_str::<serde_json::Value>(&r.body)
        .ok()
        .and_then(|v| v["Code"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Edits a JSON body; the body is rewritten only when the edit changed something.
fn json_edit(
    r: &mut Rewritten,
    edit: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>),
) {
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(&r.body) {
        let mut edited = map.clone();
        edit(&mut edited);
        if edited != map {
            r.body = serde_json::Value::Object(edited).to_string();
        }
    }
}

/// Replaces the text of the XML element `name`, or sets the JSON key `name`.
fn set_field(r: &mut Rewritten, name: &str, value: &str) {
    if is_xml(r) {
        let (open, close) = (format!("<{name}>"), format!("</{name}>"));
        if let (Some(s), Some(e)) = (r.body.find(&open), r.body.find(&close)) {
            r.body.replace_range(s + open.len()..e, value);
        }
    } else {
        json_edit(r, |m| {
            m.insert(name.into(), value.into());
        });
    }
}

/// The answer becomes another error of the same envelope.
fn become_error(r: &mut Rewritten, status: u16, code: &str, message: &str) {
    r.status = status;
    set_field(r, "Code", code);
    set_field(r, "Message", message);
}

/// The answer becomes a ResetDisk success, in the format it was in: the endpoint accepted.
fn become_success(r: &mut Rewritten) {
    become_success_of(r, "ResetDisk");
}

/// The answer becomes a success of `action` (whose answer is its RequestId alone), in the
/// format it was in.
fn become_success_of(r: &mut Rewritten, action: &str) {
    let id = "0F2E4A77-7E5B-4C1C-9B43-6C1A4F0C2D11";
    r.status = 200;
    r.body = if is_xml(r) {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><{action}Response><RequestId>{id}</RequestId></{action}Response>"#
        )
    } else {
        format!(r#"{{"RequestId":"{id}"}}"#)
    };
}

fn instance_of_disk<'a>(world: &'a World, disk: &str) -> Option<&'a ecs_conformance::Instance> {
    world.instance(world.disk(disk)?.instance_id.as_deref()?)
}

fn not_found(world: &World, disk: &str) -> (u16, &'static str, &'static str) {
    if world.released_disk_ids.iter().any(|d| d == disk) {
        (404, "Disk.NotFound", "The specified disk does not exist.")
    } else {
        (
            404,
            "InvalidDiskId.NotFound",
            "The specified disk does not exist.",
        )
    }
}

const INCORRECT_INSTANCE_STATUS: (u16, &str, &str) = (
    403,
    "IncorrectInstanceStatus",
    "The current status of the resource does not support this operation.",
);
const NOT_READY: (u16, &str, &str) = (
    403,
    "InvalidSnapshotId.NotReady",
    "The specified snapshot has not completed yet.",
);

/// An endpoint that checks ResetDisk's conditions in another order than the mock's: where two
/// conditions fail, it answers the other one. Only the orders the contract leaves open.
fn other_order(x: &Exchange, r: &mut Rewritten) {
    let Some(world) = &x.world else { return };
    if x.action != "ResetDisk" {
        return;
    }
    let (disk, snapshot) = (x.param("DiskId"), x.param("SnapshotId"));
    let snapshot_of = world.snapshot(snapshot);
    let instance_moving =
        instance_of_disk(world, disk).is_some_and(|i| i.status != InstanceStatus::Stopped);
    let snapshot_pending = snapshot_of.is_some_and(|s| s.status != SnapshotStatus::Accomplished);
    let replacement = match code(r).as_str() {
        "InvalidAccountStatus.NotEnoughBalance"
        | "InvalidAccountStatus.SnapshotServiceUnavailable"
        | "UserNotInTheWhiteList"
            if world.disk(disk).is_none() =>
        {
            Some(not_found(world, disk))
        }
        "InvalidRegionId.MalFormed" if world.disk(disk).is_none() => Some(not_found(world, disk)),
        "Disk.NotFound" | "InvalidDiskId.NotFound" => match snapshot_of {
            None => Some((
                404,
                "InvalidSnapshotId.NotFound",
                "The specified SnapshotId does not exist.",
            )),
            Some(s) if s.source_disk_id != disk => Some((
                403,
                "InvalidParameter.Mismatch",
                "The specified snapshot is not created from the specified disk.",
            )),
            Some(_) => None,
        },
        "InvalidParameter.Mismatch" if snapshot_pending => Some(NOT_READY),
        "IncorrectDiskStatus" | "InstanceLockedForSecurity" | "InstanceExpiredOrInArrears"
            if instance_moving =>
        {
            Some(INCORRECT_INSTANCE_STATUS)
        }
        "IncorrectInstanceStatus" if snapshot_pending => Some(NOT_READY),
        _ => None,
    };
    if let Some((status, code, message)) = replacement {
        become_error(r, status, code, message);
    }
}

/// A V3 answer in JSON whatever its `Format` asked.
fn v3_always_json(x: &Exchange, r: &mut Rewritten) {
    if !x.v3 || !is_xml(r) {
        return;
    }
    let mut map = serde_json::Map::new();
    let inner = r.body.split_once("?>").map_or(r.body.as_str(), |(_, b)| b);
    let mut rest = inner
        .trim()
        .split_once('>')
        .map_or("", |(_, b)| b)
        .to_owned();
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let name = rest[start + 1..start + end].to_owned();
        if name.starts_with('/') {
            break;
        }
        let close = format!("</{name}>");
        let Some(close_at) = rest.find(&close) else {
            break;
        };
        let text = rest[start + end + 1..close_at]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&");
        map.insert(name, text.into());
        rest = rest[close_at + close.len()..].to_owned();
    }
    r.body = serde_json::Value::Object(map).to_string();
    r.content_type = "application/json;charset=utf-8".into();
}

// --- The variants --------------------------------------------------------------------------------

pub const FAULTY: &[Variant] = &[
    Variant {
        name: "one error's HTTP status changed (IncorrectDiskStatus 403 -> 400)",
        level: Some(Level::Documented),
        rewrite: |_, r| {
            if code(r) == "IncorrectDiskStatus" {
                r.status = 400;
            }
        },
    },
    Variant {
        name: "one message changed (the \"dees\" typo fixed)",
        level: Some(Level::Documented),
        rewrite: |_, r| r.body = r.body.replace("dees not support", "does not support"),
    },
    Variant {
        name: "two codes swapped (IncorrectDiskStatus <-> IncorrectInstanceStatus)",
        level: Some(Level::Documented),
        rewrite: |_, r| {
            r.body = r
                .body
                .replace("IncorrectDiskStatus", "\u{0}")
                .replace("IncorrectInstanceStatus", "IncorrectDiskStatus")
                .replace('\u{0}', "IncorrectInstanceStatus");
        },
    },
    Variant {
        name: "a JSON key missing (HostId dropped from errors)",
        level: Some(Level::Documented),
        rewrite: |_, r| {
            if !is_xml(r) {
                json_edit(r, |m| {
                    m.remove("HostId");
                });
            }
        },
    },
    Variant {
        name: "V3 signatures not verified (a wrong one is accepted)",
        level: Some(Level::Documented),
        rewrite: |x, r| {
            if x.v3 && code(r) == "SignatureDoesNotMatch" {
                become_success(r);
            }
        },
    },
    Variant {
        name: "V1 signatures verified for GET only, not POST",
        level: Some(Level::Documented),
        rewrite: |x, r| {
            if !x.v3 && x.method == "POST" && code(r) == "SignatureDoesNotMatch" {
                become_success(r);
            }
        },
    },
    // An endpoint that serves ResetDisk only and skips a signature check answers the wrongly
    // signed probe as it answers the call signed right: a not-found error, a 4xx that the probe's
    // own table allows. Only the differential step sees that the signature was not checked.
    Variant {
        name: "a ResetDisk-only endpoint that skips V3 signature checks",
        level: Some(Level::Documented),
        rewrite: |x, r| {
            if x.v3 && x.action == "ResetDisk" && code(r) == "SignatureDoesNotMatch" {
                become_error(
                    r,
                    404,
                    "InvalidDiskId.NotFound",
                    "The specified disk does not exist.",
                );
            }
        },
    },
    Variant {
        name: "a ResetDisk-only endpoint that skips V1 POST signature checks",
        level: Some(Level::Documented),
        rewrite: |x, r| {
            if !x.v3
                && x.method == "POST"
                && x.action == "ResetDisk"
                && code(r) == "SignatureDoesNotMatch"
            {
                become_error(
                    r,
                    404,
                    "InvalidDiskId.NotFound",
                    "The specified disk does not exist.",
                );
            }
        },
    },
    Variant {
        name: "a replayed V3 nonce accepted",
        level: Some(Level::Documented),
        rewrite: |x, r| {
            if x.v3 && code(r) == "SignatureNonceUsed" {
                become_success(r);
            }
        },
    },
    Variant {
        name: "an instance that is Starting, Stopping or Pending reset as if Stopped",
        level: Some(Level::Documented),
        rewrite: |x, r| {
            let moving = x
                .world
                .as_ref()
                .and_then(|w| instance_of_disk(w, x.param("DiskId")));
            let moving = moving.is_some_and(|i| {
                matches!(
                    i.status,
                    InstanceStatus::Starting | InstanceStatus::Stopping | InstanceStatus::Pending
                )
            });
            if moving && code(r) == "IncorrectInstanceStatus" {
                become_success(r);
            }
        },
    },
    Variant {
        name: "StopInstance answering success for an instance already Stopped",
        level: Some(Level::Documented),
        rewrite: |x, r| {
            let stopped = (x.world.as_ref())
                .and_then(|w| w.instance(x.param("InstanceId")))
                .is_some_and(|i| i.status == InstanceStatus::Stopped);
            if x.action == "StopInstance" && stopped && code(r) == "IncorrectInstanceStatus" {
                become_success_of(r, "StopInstance");
            }
        },
    },
    Variant {
        name: "a snapshot still progressing usable for a reset",
        level: Some(Level::Documented),
        rewrite: |x, r| {
            let progressing = (x.world.as_ref())
                .and_then(|w| w.snapshot(x.param("SnapshotId")))
                .is_some_and(|s| s.status == SnapshotStatus::Progressing);
            let refused = matches!(
                code(r).as_str(),
                "InvalidSnapshotId.NotReady" | "IncorrectDiskStatus.HasUnfinishedSnapshot"
            );
            if x.action == "ResetDisk" && progressing && refused {
                become_success(r);
            }
        },
    },
    Variant {
        name: "a disk that is Attaching, Detaching, Creating or ReIniting reset as if In_use",
        level: Some(Level::Documented),
        rewrite: |x, r| {
            let busy = x
                .world
                .as_ref()
                .and_then(|w| w.disk(x.param("DiskId")))
                .is_some_and(|d| {
                    matches!(
                        d.status,
                        DiskStatus::Attaching
                            | DiskStatus::Detaching
                            | DiskStatus::Creating
                            | DiskStatus::ReIniting
                    )
                });
            if busy && code(r) == "IncorrectDiskStatus" {
                become_success(r);
            }
        },
    },
    Variant {
        name: "XML children reordered (Code after Message)",
        level: Some(Level::Observed),
        rewrite: |_, r| {
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
        name: "the Content-Type changed (text/xml; charset=utf-8, with a space)",
        level: Some(Level::Observed),
        rewrite: |_, r| {
            if r.content_type == "text/xml;charset=utf-8" {
                r.content_type = "text/xml; charset=utf-8".into();
            }
        },
    },
    Variant {
        name: "a RequestId that is not a UUID",
        level: Some(Level::Observed),
        rewrite: |_, r| set_field(r, "RequestId", "req-0001"),
    },
    Variant {
        name: "a wrong ResetDisk success body (an extra field)",
        level: Some(Level::Chosen),
        rewrite: |x, r| {
            if r.status != 200 || x.action != "ResetDisk" {
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

const PERMITTED_REWRITES: &[(&str, Rewrite)] = &[
    ("a lowercase RequestId", |_, r| {
        let id = if is_xml(r) {
            xml_field(&r.body, "RequestId").map(str::to_owned)
        } else {
            serde_json::from_str::<serde_json::Value>(&r.body)
                .ok()
                .and_then(|v| v["RequestId"].as_str().map(str::to_owned))
        };
        if let Some(id) = id {
            set_field(r, "RequestId", &id.to_lowercase());
        }
    }),
    ("errors without Recommend", |_, r| {
        if is_xml(r) {
            if let (Some(s), Some(e)) = (r.body.find("<Recommend>"), r.body.find("</Recommend>")) {
                r.body.replace_range(s..e + "</Recommend>".len(), "");
            }
        } else {
            json_edit(r, |m| {
                m.remove("Recommend");
            });
        }
    }),
    ("errors with an extra AccessDeniedDetail", |_, r| {
        if code(r).is_empty() {
            return;
        }
        if is_xml(r) {
            r.body = r.body.replace(
                "</Error>",
                "<AccessDeniedDetail><AuthAction>ecs:ResetDisk</AuthAction><NoPermissionType>ImplicitDeny</NoPermissionType></AccessDeniedDetail></Error>",
            );
        } else {
            json_edit(r, |m| {
                m.insert(
                    "AccessDeniedDetail".into(),
                    serde_json::json!({"AuthAction": "ecs:ResetDisk", "NoPermissionType": "ImplicitDeny"}),
                );
            });
        }
    }),
    ("pretty-printed XML", |_, r| {
        if is_xml(r) {
            r.body = r.body.replace("><", ">\n  <") + "\n";
        }
    }),
    ("a single-quoted XML declaration", |_, r| {
        r.body = r.body.replace(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            "<?xml version='1.0' encoding='UTF-8'?>",
        );
    }),
    ("JSON served as application/json; charset=UTF-8", |_, r| {
        if r.content_type == "application/json;charset=utf-8" {
            r.content_type = "application/json; charset=UTF-8".into();
        }
    }),
    ("MissingParameter for a missing parameter", |_, r| {
        let code = code(r);
        if let Some(name) = code.strip_prefix("Missing")
            && name != "Parameter"
            && !name.is_empty()
        {
            let message = format!(
                "The input parameter \"{name}\" that is mandatory for processing this request is not supplied."
            );
            become_error(r, 400, "MissingParameter", &message);
        }
    }),
    (
        "a success with a task id of its own, new at every call",
        |x, r| {
            if r.status != 200 || x.action != "ResetDisk" {
                return;
            }
            let task = uuid::Uuid::new_v4().to_string();
            if is_xml(r) {
                r.body = r.body.replace(
                    "</ResetDiskResponse>",
                    &format!("<TaskId>{task}</TaskId></ResetDiskResponse>"),
                );
            } else {
                json_edit(r, |m| {
                    m.insert("TaskId".into(), task.into());
                });
            }
        },
    ),
    ("the other error where two conditions fail", other_order),
    ("V3 answered in JSON whatever Format says", v3_always_json),
    ("the 2013-07-15 cut read in China time", |x, r| {
        let cut_in_china = time::macros::datetime!(2013-07-14 16:00 UTC);
        let late = x
            .world
            .as_ref()
            .and_then(|w| w.snapshot(x.param("SnapshotId")))
            .is_some_and(|s| s.creation_time >= cut_in_china);
        if late && code(r) == "InvalidSnapshot.TooOld" {
            become_success(r);
        }
    }),
];

/// Every permitted variation at once: an endpoint that differs from the mock wherever the
/// contract lets it.
fn all_permitted(x: &Exchange, r: &mut Rewritten) {
    // Answers first become what another order or format gives, then are dressed differently.
    for (_, rewrite) in PERMITTED_REWRITES.iter().rev() {
        rewrite(x, r);
    }
}

pub fn permitted() -> Vec<Variant> {
    PERMITTED_REWRITES
        .iter()
        .map(|(name, rewrite)| Variant {
            name,
            level: None,
            rewrite: *rewrite,
        })
        .chain([Variant {
            name: "all of the above at once",
            level: None,
            rewrite: all_permitted,
        }])
        .collect()
}

// --- The proof ------------------------------------------------------------------------------------

/// Runs the hand-written suite through a proxy (every level is evaluated whatever `--fail-on`
/// says). The generated shape scenarios (`@shape`) have variants of their own (`shape_variants`):
/// the variants here rewrite what every answer shares, which the hand-written scenarios judge
/// in every form, and a thousand generated scenarios more per variant would only slow the proof.
async fn run_through(
    mock: &MockServer,
    edition: &'static Edition,
    options: proxy::Options,
    scenarios: Option<BTreeSet<String>>,
) -> (RunOutput, std::sync::Arc<proxy::Proxy>) {
    let (url, proxy, _stop) = proxy::start_with(mock.url(), options).await;
    let config = suite::SuiteConfig {
        edition,
        tags: Some("not @shape".into()),
        scenarios,
        ..proxy::through(url)
    };
    let out = suite::run(config)
        .await
        .expect("the suite runs through the proxy");
    (out, proxy)
}

/// The scenarios whose calls `rewrite` would answer differently, predicted from the identity
/// run's calls and answers (setup calls included); `None` when it would change a call that no
/// scenario's record holds, so that only a whole run can tell.
///
/// A rewrite is a function of the call and of the answer alone, and an untouched scenario makes
/// the same calls and gets the same answers as through the identity proxy, where every scenario
/// passed: only the predicted scenarios need to run again through the variant.
fn predicted(
    baseline: &RunOutput,
    recorded: &[proxy::Recorded],
    rewrite: Rewrite,
) -> Option<BTreeSet<String>> {
    let mut owner = std::collections::HashMap::new();
    for (scenario, answers) in baseline.answers() {
        for a in answers {
            owner.insert(
                (a.access_key_id.as_str(), a.nonce.as_str()),
                scenario.clone(),
            );
        }
    }
    let mut touched = BTreeSet::new();
    for r in recorded {
        let mut answer = r.answer.clone();
        rewrite(&r.exchange, &mut answer);
        if answer != r.answer {
            let key = (r.exchange.access_key_id.as_str(), r.nonce.as_str());
            touched.insert(owner.get(&key)?.clone());
        }
    }
    Some(touched)
}

/// The scenarios that received at least one changed answer (setup calls aside).
fn touched(out: &RunOutput, proxy: &proxy::Proxy) -> BTreeSet<String> {
    let changed = proxy.changed.lock().expect("the proxy lock is whole");
    out.answers()
        .iter()
        .filter(|(_, answers)| {
            answers
                .iter()
                .any(|a| !a.setup && changed.contains(&(a.access_key_id.clone(), a.nonce.clone())))
        })
        .map(|(scenario, _)| scenario.clone())
        .collect()
}

pub struct Proof {
    pub faulty_caught: usize,
    pub permitted_passed: usize,
    pub problems: Vec<String>,
}

/// Runs the identity proxy, then every variant, and checks each as its kind requires, against
/// a mock serving `edition` and judged against it; the scenarios of other editions aside.
pub async fn prove_both_ways(edition: &'static Edition) -> Proof {
    let mock = MockServer::start_with(ecs_conformance::MockConfig {
        edition,
        ..ecs_conformance::MockConfig::default()
    })
    .await
    .expect("the mock starts");
    let mut proof = Proof {
        faulty_caught: 0,
        permitted_passed: 0,
        problems: Vec::new(),
    };
    let identity = proxy::Options {
        record: true,
        ..proxy::Options::default()
    };
    let (baseline, proxy) = run_through(&mock, edition, identity, None).await;
    let (created, removed) = (
        proxy.created.load(Ordering::Relaxed),
        proxy.removed.load(Ordering::Relaxed),
    );
    println!("worlds created and removed through the control API: {created} and {removed}");
    if created == 0 || created != removed {
        proof.problems.push(format!(
            "the suite must remove every world it creates: {created} created, {removed} removed"
        ));
    }
    let r = &baseline.results;
    if r.scenarios
        .iter()
        .any(|s| s.outcome != Outcome::Passed && !s.of_other_editions())
    {
        proof.problems.push(format!(
            "through an identity proxy the suite must pass whole at {}:\n{}",
            edition.name,
            ecs_conformance::report::summary(r)
        ));
        return proof;
    }

    let recorded = std::mem::take(&mut *proxy.recorded.lock().expect("the proxy lock is whole"));
    for (i, v) in FAULTY.iter().chain(&permitted()).enumerate() {
        let prediction = predicted(&baseline, &recorded, v.rewrite);
        if prediction.as_ref().is_some_and(BTreeSet::is_empty) {
            proof.problems.push(format!(
                "variant {:?}: it changes no answer of the identity run: the variant proves nothing",
                v.name
            ));
            continue;
        }
        // The first variant runs whole, which keeps the prediction honest: every scenario it
        // touches must have been predicted.
        let rerun = prediction.clone().filter(|_| i > 0);
        let options = proxy::Options {
            rewrite: Some(v.rewrite),
            ..proxy::Options::default()
        };
        let (out, proxy) = run_through(&mock, edition, options, rerun.clone()).await;
        let touched = touched(&out, &proxy);
        let mut wrong = Vec::new();
        match (&rerun, &prediction) {
            // Every predicted scenario ran again (a name the selection missed would pass unseen).
            (Some(names), _) => {
                let ran: BTreeSet<String> =
                    out.results.scenarios.iter().map(|s| s.label()).collect();
                for missing in names.difference(&ran) {
                    wrong.push(format!(
                        "{missing}: predicted to be touched, but not run again"
                    ));
                }
            }
            (None, Some(names)) => {
                for unseen in touched.difference(names) {
                    wrong.push(format!(
                        "{unseen}: touched in a whole run, but not predicted from the identity run's calls (the other variants rerun only what is predicted)"
                    ));
                }
            }
            (None, None) => {}
        }
        for s in out
            .results
            .scenarios
            .iter()
            .filter(|s| !s.of_other_editions())
        {
            let name = s.label();
            // A scenario tagged @chosen counts every finding at chosen at most.
            let cap = |l: Level| {
                if s.tags.iter().any(|t| t == "chosen") {
                    l.max(Level::Chosen)
                } else {
                    l
                }
            };
            let ok = match (touched.contains(&name), v.level) {
                (false, _) => s.outcome == Outcome::Passed,
                (true, Some(level)) => {
                    s.outcome == Outcome::Failed && s.failed_at == Some(cap(level))
                }
                (true, None) => match s.outcome {
                    Outcome::Passed => true,
                    Outcome::Failed => s.failed_at == Some(Level::Chosen),
                    _ => false,
                },
            };
            if !ok {
                let findings: Vec<String> = s.findings.iter().map(|f| f.to_string()).collect();
                wrong.push(format!("{name}: {:?} {findings:#?}", s.outcome));
            }
        }
        let at_observed = out.results.failed_names(Level::Observed).len();
        match v.level {
            Some(level) => println!(
                "faulty variant: {} -> {} scenarios touched, {} fail at {level}",
                v.name,
                touched.len(),
                out.results.failed_at(level)
            ),
            None => println!(
                "permitted variant: {} -> {} scenarios touched, {} fail at --fail-on observed, {} deviate at chosen",
                v.name,
                touched.len(),
                at_observed,
                out.results.failed_at(Level::Chosen)
            ),
        }
        if touched.is_empty() {
            wrong.push("it changed no answer: the variant proves nothing".into());
        }
        if let Err(e) = crate::rejudge::follows(&out, v.name) {
            wrong.push(e);
        }
        if wrong.is_empty() {
            match v.level {
                Some(_) => proof.faulty_caught += 1,
                None => proof.permitted_passed += 1,
            }
        } else {
            proof.problems.push(format!(
                "variant {:?} ({}): {} scenarios judged wrongly:\n{}",
                v.name,
                v.level
                    .map_or("permitted".to_owned(), |l| format!("must fail at {l}")),
                wrong.len(),
                wrong.join("\n")
            ));
        }
    }
    proof
}

pub fn counts() -> (usize, usize) {
    (FAULTY.len(), permitted().len())
}

// --- The generated shape scenarios, proven both ways ---------------------------------------------

/// The actions the shape variants touch: a read with a typed success (DescribeInstanceStatus), a
/// read with a required parameter (DescribeZones), an action that changes state and takes a dry
/// run (RebootInstance). Their generated scenarios are the shape proof's selection.
const SHAPE_TAGS: &str = "@shape and (@action:DescribeInstanceStatus or @action:DescribeZones or @action:RebootInstance)";

fn is_success(ex: &Exchange, r: &Rewritten, action: &str) -> bool {
    ex.action == action && r.status == 200
}

/// Faulty variants of the generated scenarios' targets: each touched scenario must fail at the
/// level given.
pub const SHAPE_FAULTY: &[Variant] = &[
    Variant {
        name: "an action that ignores a required parameter (DescribeZones without RegionId answered 200)",
        level: Some(Level::Documented),
        rewrite: |ex, r| {
            if ex.action == "DescribeZones" && code(r) == "MissingRegionId" {
                become_success_of(r, &ex.action);
            }
        },
    },
    Variant {
        name: "a field of the wrong type (DescribeInstanceStatus's TotalCount \"many\")",
        level: Some(Level::Documented),
        rewrite: |ex, r| {
            if is_success(ex, r, "DescribeInstanceStatus") {
                set_field(r, "TotalCount", "many");
            }
        },
    },
    Variant {
        name: "a documented field dropped (DescribeInstanceStatus without TotalCount)",
        level: Some(Level::Chosen),
        rewrite: |ex, r| {
            if is_success(ex, r, "DescribeInstanceStatus") {
                if is_xml(r) {
                    if let (Some(s), Some(e)) =
                        (r.body.find("<TotalCount>"), r.body.find("</TotalCount>"))
                    {
                        r.body.replace_range(s..e + "</TotalCount>".len(), "");
                    }
                } else {
                    json_edit(r, |m| {
                        m.remove("TotalCount");
                    });
                }
            }
        },
    },
    Variant {
        name: "success for a call it did not perform (RebootInstance's dry run answered 200)",
        level: Some(Level::Documented),
        rewrite: |ex, r| {
            if ex.action == "RebootInstance" && code(r) == "DryRunOperation" {
                become_success_of(r, &ex.action);
            }
        },
    },
    Variant {
        name: "a wrong status for a table row (InvalidParameter answered 403)",
        level: Some(Level::Documented),
        rewrite: |_, r| {
            if code(r) == "InvalidParameter" {
                r.status = 403;
            }
        },
    },
];

/// Permitted variants: each touched scenario passes, or deviates at `chosen` only.
pub const SHAPE_PERMITTED: &[Variant] = &[
    Variant {
        name: "extra fields in a success (DescribeInstanceStatus with NextToken and a field of its own)",
        level: None,
        rewrite: |ex, r| {
            if is_success(ex, r, "DescribeInstanceStatus") {
                if is_xml(r) {
                    let end = "</DescribeInstanceStatusResponse>";
                    r.body = r.body.replace(
                        end,
                        &format!("<NextToken></NextToken><Vendor>x</Vendor>{end}"),
                    );
                } else {
                    json_edit(r, |m| {
                        m.insert("NextToken".into(), "".into());
                        m.insert("Vendor".into(), "x".into());
                    });
                }
            }
        },
    },
    Variant {
        name: "another field order in a success (DescribeInstanceStatus's TotalCount last)",
        level: None,
        rewrite: |ex, r| {
            if is_success(ex, r, "DescribeInstanceStatus") {
                if is_xml(r) {
                    if let Some(total) = xml_field(&r.body, "TotalCount").map(str::to_owned) {
                        let field = format!("<TotalCount>{total}</TotalCount>");
                        let end = "</DescribeInstanceStatusResponse>";
                        r.body = r
                            .body
                            .replacen(&field, "", 1)
                            .replace(end, &format!("{field}{end}"));
                    }
                } else if let Ok(serde_json::Value::Object(m)) =
                    serde_json::from_str::<serde_json::Value>(&r.body)
                {
                    // serde_json writes keys sorted: reversed by hand.
                    let mut keys: Vec<&String> = m.keys().collect();
                    keys.reverse();
                    let parts: Vec<String> = keys
                        .iter()
                        .map(|k| format!("{:?}:{}", k, m[k.as_str()]))
                        .collect();
                    r.body = format!("{{{}}}", parts.join(","));
                }
            }
        },
    },
    Variant {
        name: "the other documented error where two apply (MissingParameter for a missing RegionId)",
        level: None,
        rewrite: |ex, r| {
            if ex.action == "DescribeZones" && code(r) == "MissingRegionId" {
                let message = "The input parameter \"RegionId\" that is mandatory for processing this request is not supplied.";
                set_field(r, "Code", "MissingParameter");
                set_field(r, "Message", message);
            }
        },
    },
];

/// The shape variants against the mock of the latest edition (the generic handler is the same
/// in every edition), each over the generated scenarios of `SHAPE_TAGS`: faulty ones caught at
/// their level, permitted ones passed at `observed`.
pub async fn prove_shape_both_ways() -> super::Tally {
    let mut tally = super::Tally::default();
    let Ok(mock) = MockServer::start().await else {
        tally.fail("shape variants: the mock did not start".into());
        return tally;
    };
    for v in SHAPE_FAULTY.iter().chain(SHAPE_PERMITTED) {
        let (url, proxy, _stop) = proxy::start(mock.url(), v.rewrite).await;
        let config = suite::SuiteConfig {
            tags: Some(SHAPE_TAGS.into()),
            ..proxy::through(url)
        };
        let out = match suite::run(config).await {
            Ok(out) => out,
            Err(e) => {
                tally.fail(format!("shape variant {:?}: the run failed: {e:#}", v.name));
                continue;
            }
        };
        let touched = touched(&out, &proxy);
        let mut wrong = Vec::new();
        for s in &out.results.scenarios {
            let ok = match (touched.contains(&s.label()), v.level) {
                (false, _) => s.outcome == Outcome::Passed,
                (true, Some(level)) => s.outcome == Outcome::Failed && s.failed_at == Some(level),
                (true, None) => {
                    s.outcome == Outcome::Passed
                        || (s.outcome == Outcome::Failed && s.failed_at == Some(Level::Chosen))
                }
            };
            if !ok {
                let findings: Vec<String> = s.findings.iter().map(|f| f.to_string()).collect();
                wrong.push(format!("{}: {:?} {findings:?}", s.label(), s.outcome));
            }
        }
        if touched.is_empty() {
            wrong.push("it changed no answer: the variant proves nothing".into());
        }
        println!(
            "shape variant: {} -> {} of {} scenarios touched, {}",
            v.name,
            touched.len(),
            out.results.scenarios.len(),
            match v.level {
                Some(l) => format!("{} fail at {l}", out.results.failed_at(l)),
                None => format!(
                    "{} fail at --fail-on observed",
                    out.results.failed_names(Level::Observed).len()
                ),
            }
        );
        if wrong.is_empty() {
            tally.pass();
        } else {
            tally.fail(format!(
                "shape variant {:?}: {} scenarios judged wrongly:\n{}",
                v.name,
                wrong.len(),
                wrong.join("\n")
            ));
        }
    }
    let (faulty, permitted) = (SHAPE_FAULTY.len(), SHAPE_PERMITTED.len());
    tally.check(crate::readme::states(
        "README.md",
        &format!(
            "shape variants: {faulty}/{faulty} faulty caught, {permitted}/{permitted} permitted passed"
        ),
    ));
    tally
}
