//! The control protocol (docs/control-api.md), and the mock without it.
use super::*;

#[tokio::test]
async fn the_control_api_reads_replaces_resets_and_schedules_faults() {
    let (server, client) = mock().await;
    let url = server.url();
    let r = raw(url, "GET", "/ecs-conformance/v1", vec![]).await;
    assert_eq!(r.status, 200);
    assert!(client.has_control_api().await.unwrap());

    // A malformed document is a 400 that names the field.
    let r = raw(url, "PUT", "/ecs-conformance/v1/worlds/k", br#"{"access_key_secret":"s","world":{"instances":[{"instance_id":"i","status":"Asleep"}]}}"#.to_vec()).await;
    assert_eq!(r.status, 400);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["error"]["field"], "world.instances[0].status");
    let r = raw(
        url,
        "PUT",
        "/ecs-conformance/v1/worlds/k",
        br#"{"world":{}}"#.to_vec(),
    )
    .await;
    assert_eq!(
        (r.status, r.body.contains("access_key_secret")),
        (400, true)
    );
    let r = raw(url, "PUT", "/ecs-conformance/v1/worlds/k", b"[1,2".to_vec()).await;
    assert_eq!(r.status, 400);
    let r = raw(url, "GET", "/ecs-conformance/v1/worlds/k", vec![]).await;
    assert_eq!(r.status, 404);
    let r = raw(url, "POST", "/ecs-conformance/v1/nothing", vec![]).await;
    assert_eq!(r.status, 404);

    // Reset restores the world as loaded.
    let c = client.with_credentials(Credentials::new("testid", "testsecret"));
    assert_eq!(c.send(&sample_reset(None)).await.unwrap().status, 200);
    let after = client.get_world("testid").await.unwrap();
    assert_eq!(
        after.disks[0].last_reset_snapshot_id.as_deref(),
        Some("s-snapshotid1")
    );
    let r = raw(
        url,
        "POST",
        "/ecs-conformance/v1/worlds/testid/reset",
        vec![],
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(client.get_world("testid").await.unwrap(), World::sample());

    // A fault answers once, then the action runs again.
    let fault = br#"{"action":"ResetDisk","code":"InternalError","message":"The request processing has failed due to some unknown error, exception or failure."}"#;
    let r = raw(
        url,
        "POST",
        "/ecs-conformance/v1/worlds/testid/faults",
        fault.to_vec(),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(c.send(&sample_reset(None)).await.unwrap().status, 500);
    assert_eq!(c.send(&sample_reset(None)).await.unwrap().status, 200);
    let r = raw(
        url,
        "POST",
        "/ecs-conformance/v1/worlds/testid/faults",
        br#"{"action":"ResetDisk","code":"Oops","message":"x"}"#.to_vec(),
    )
    .await;
    assert_eq!(r.status, 400);

    // Deleting a world revokes its key.
    let r = raw(url, "DELETE", "/ecs-conformance/v1/worlds/testid", vec![]).await;
    assert_eq!(r.status, 204);
    assert_eq!(c.send(&sample_reset(None)).await.unwrap().status, 404);
}

#[tokio::test]
async fn with_the_control_api_off_its_path_is_an_unknown_ecs_path() {
    let server = MockServer::start_with(MockConfig {
        control: false,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let r = raw(server.url(), "GET", "/ecs-conformance/v1", vec![]).await;
    assert_eq!(
        (r.status, code_of(&r).as_str()),
        (404, "InvalidAction.NotFound")
    );
}

#[test]
fn a_mock_announces_edition_faults_only_where_it_schedules_them() {
    use crate::contract::editions;
    use crate::mock::control::offered;
    use crate::world::FEATURE_EDITION_FAULTS;
    let latest = offered(editions::latest());
    assert_eq!(latest, crate::protocol::FEATURES);
    let first = offered(&editions::all()[0]);
    assert!(
        !first.iter().any(|f| f == FEATURE_EDITION_FAULTS),
        "{first:?}"
    );
    assert_eq!(first.len(), crate::protocol::FEATURES.len() - 1);
}
