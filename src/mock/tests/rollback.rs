//! The rollback procedure as a client runs it, through the mock's API alone after the initial
//! world: CreateSnapshot and DescribeSnapshots until `accomplished`, StopInstance and
//! DescribeInstances until `Stopped`, ResetDisk, StartInstance until `Running` — with the
//! intermediate states each poll sees, and what ResetDisk answers in each of them.
use std::time::Instant;

use super::*;
use crate::world::{Disk, DiskStatus, Instance, Transitions};

fn world() -> World {
    let mut w = World::default();
    w.instances
        .push(Instance::new("i-1", InstanceStatus::Running));
    w.disks
        .push(Disk::new("d-1", DiskStatus::InUse, Some("i-1".into())));
    // The stop is short and the snapshot long, so that the instance is Stopped while the
    // snapshot is still progressing.
    w.transitions = Transitions {
        stop_ms: 150,
        start_ms: 150,
        snapshot_ms: 2_000,
        concurrent_snapshots_per_disk: 1,
    };
    w
}

fn call(action: &str, format: Format, params: &[(&str, &str)]) -> Call {
    params.iter().fold(
        Call::new(action, WireForm::V1Get, Some(format)),
        |c, (k, v)| c.param(*k, *v),
    )
}

async fn json(client: &Client, c: &Call) -> (u16, serde_json::Value) {
    let r = client.send(c).await.unwrap();
    (r.status, serde_json::from_str(&r.body).unwrap_or_default())
}

/// The instance's status, as DescribeInstances shows it.
async fn instance_status(client: &Client) -> String {
    let c = call(
        "DescribeInstances",
        Format::Json,
        &[("RegionId", "cn-hangzhou"), ("InstanceIds", r#"["i-1"]"#)],
    );
    let (_, v) = json(client, &c).await;
    v["Instances"]["Instance"][0]["Status"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The snapshot's status and progress, as DescribeSnapshots shows them.
async fn snapshot_state(client: &Client, id: &str) -> (String, String) {
    let ids = format!(r#"["{id}"]"#);
    let c = call(
        "DescribeSnapshots",
        Format::Json,
        &[("RegionId", "cn-hangzhou"), ("SnapshotIds", &ids)],
    );
    let (_, v) = json(client, &c).await;
    let s = &v["Snapshots"]["Snapshot"][0];
    (
        s["Status"].as_str().unwrap_or_default().to_owned(),
        s["Progress"].as_str().unwrap_or_default().to_owned(),
    )
}

/// Polls `read` every 20 ms until it gives `want` (at most 10 s); every distinct value seen.
async fn poll<F, Fut>(read: F, want: &str) -> Vec<String>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = String>,
{
    let start = Instant::now();
    let mut seen: Vec<String> = Vec::new();
    loop {
        let now = read().await;
        if seen.last() != Some(&now) {
            seen.push(now.clone());
        }
        if now == want || start.elapsed() > Duration::from_secs(10) {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn code(client: &Client, c: &Call) -> String {
    code_of(&client.send(c).await.unwrap())
}

#[tokio::test]
async fn the_rollback_procedure_runs_through_the_api_and_each_poll_sees_the_transition() {
    let server = MockServer::start_with(MockConfig {
        world: world(),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = Client::new(server.url(), Credentials::new("testid", "testsecret")).unwrap();
    // 1. The snapshot: progressing, in both formats, its Progress rising.
    let (status, v) = json(
        &client,
        &call("CreateSnapshot", Format::Json, &[("DiskId", "d-1")]),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let snapshot = v["SnapshotId"].as_str().unwrap().to_owned();
    assert!(
        snapshot.starts_with("s-") && snapshot.len() == 22,
        "{snapshot}"
    );
    let xml = client
        .send(&call(
            "DescribeSnapshots",
            Format::Xml,
            &[("RegionId", "cn-hangzhou"), ("DiskId", "d-1")],
        ))
        .await
        .unwrap();
    assert!(
        xml.body.contains("<Status>progressing</Status>"),
        "{}",
        xml.body
    );
    let (first, progress) = snapshot_state(&client, &snapshot).await;
    assert_eq!(first, "progressing");
    assert!(progress.ends_with('%') && progress != "100%", "{progress}");
    assert_eq!(
        code(
            &client,
            &call("CreateSnapshot", Format::Json, &[("DiskId", "d-1")])
        )
        .await,
        "IncorrectDiskStatus.CreatingSnapshot",
        "one snapshot of a disk at a time"
    );

    // 2. The stop: Stopping, during which ResetDisk is refused, then Stopped.
    let reset_with = |format| {
        call(
            "ResetDisk",
            format,
            &[("DiskId", "d-1"), ("SnapshotId", &snapshot)],
        )
    };
    let (status, _) = json(
        &client,
        &call("StopInstance", Format::Xml, &[("InstanceId", "i-1")]),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        code(&client, &reset_with(Format::Xml)).await,
        "IncorrectInstanceStatus",
        "ResetDisk on a Stopping instance"
    );
    let statuses = poll(|| instance_status(&client), "Stopped").await;
    assert_eq!(statuses, ["Stopping", "Stopped"]);
    assert_eq!(
        code(
            &client,
            &call("StopInstance", Format::Json, &[("InstanceId", "i-1")])
        )
        .await,
        "IncorrectInstanceStatus",
        "a Stopped instance is not stopped again"
    );

    // 3. The snapshot is still progressing: it cannot be reset to yet.
    assert_eq!(
        code(&client, &reset_with(Format::Json)).await,
        "InvalidSnapshotId.NotReady"
    );
    let progresses = poll(
        || async { snapshot_state(&client, &snapshot).await.1 },
        "100%",
    )
    .await;
    let numbers: Vec<u32> = progresses
        .iter()
        .map(|p| p.trim_end_matches('%').parse().unwrap())
        .collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{progresses:?}");
    assert!(
        numbers.len() >= 3,
        "a poll every 20 ms sees it rise: {progresses:?}"
    );
    assert_eq!(snapshot_state(&client, &snapshot).await.0, "accomplished");

    // 4. The reset, then the start: Starting, then Running.
    let r = client.send(&reset_with(Format::Json)).await.unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    let (status, _) = json(
        &client,
        &call("StartInstance", Format::Json, &[("InstanceId", "i-1")]),
    )
    .await;
    assert_eq!(status, 200);
    let statuses = poll(|| instance_status(&client), "Running").await;
    assert_eq!(statuses, ["Starting", "Running"]);

    // 5. The disk is restored to the snapshot, as the control API shows.
    let world = raw(
        server.url(),
        "GET",
        "/ecs-conformance/v1/worlds/testid",
        vec![],
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&world.body).unwrap();
    assert_eq!(v["world"]["disks"][0]["last_reset_snapshot_id"], snapshot);
    assert_eq!(v["world"]["instances"][0]["status"], "Running");
    assert!(
        v["world"]["instances"][0].get("status_until").is_none(),
        "{v}"
    );
}

#[tokio::test]
async fn the_control_api_reads_the_world_as_of_now() {
    let mut w = world();
    w.transitions.stop_ms = 100;
    let server = MockServer::start_with(MockConfig {
        world: w,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = Client::new(server.url(), Credentials::new("testid", "testsecret")).unwrap();
    let (status, _) = json(
        &client,
        &call("StopInstance", Format::Json, &[("InstanceId", "i-1")]),
    )
    .await;
    assert_eq!(status, 200);
    let read = || async {
        let r = raw(
            server.url(),
            "GET",
            "/ecs-conformance/v1/worlds/testid",
            vec![],
        )
        .await;
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        v["world"]["instances"][0]["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(poll(read, "Stopped").await, ["Stopping", "Stopped"]);
}

#[tokio::test]
async fn a_scheduled_fault_answers_for_each_rollback_action_before_it_runs() {
    let server = MockServer::start_with(MockConfig {
        world: world(),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = Client::new(server.url(), Credentials::new("testid", "testsecret")).unwrap();
    for (action, param, id) in [
        ("StopInstance", "InstanceId", "i-1"),
        ("StartInstance", "InstanceId", "i-1"),
        ("CreateSnapshot", "DiskId", "d-1"),
    ] {
        let fault = serde_json::json!({"action": action, "code": "InternalError",
            "message": "The request processing has failed due to some unknown error."});
        let r = raw(
            server.url(),
            "POST",
            "/ecs-conformance/v1/worlds/testid/faults",
            fault.to_string().into_bytes(),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let r = client
            .send(&call(action, Format::Xml, &[(param, id)]))
            .await
            .unwrap();
        assert_eq!(
            (r.status, code_of(&r).as_str()),
            (500, "InternalError"),
            "{action}"
        );
    }
    // Nothing ran: the instance is still Running and the disk has no snapshot.
    let world = raw(
        server.url(),
        "GET",
        "/ecs-conformance/v1/worlds/testid",
        vec![],
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&world.body).unwrap();
    assert_eq!(v["world"]["instances"][0]["status"], "Running");
    assert_eq!(v["world"]["snapshots"], serde_json::json!([]));
}
