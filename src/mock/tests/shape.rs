//! The generic handler on the wire: every wire form reaches it through the gateway, its answers
//! carry ECS's envelope and headers, faults reach it, and unknown actions stay unknown.
use super::*;
use crate::world::Fault;

fn zones(form: WireForm, format: Option<Format>) -> Call {
    Call::new("DescribeZones", form, format).param("RegionId", "cn-hangzhou")
}

#[tokio::test]
async fn a_read_of_the_metadata_answers_in_every_wire_form_and_both_formats() {
    let (_server, client) = mock().await;
    for form in WireForm::ALL {
        for format in Format::BOTH {
            let r = client.send(&zones(form, Some(format))).await.unwrap();
            assert_eq!(r.status, 200, "{form:?} {format}: {}", r.body);
            assert_eq!(r.content_type, format.content_type());
            match format {
                Format::Xml => assert!(
                    r.body.contains("<DescribeZonesResponse><RequestId>"),
                    "{}",
                    r.body
                ),
                Format::Json => {
                    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
                    assert_eq!(v["Zones"]["Zone"], serde_json::json!([]), "{}", r.body);
                    assert!(v["RequestId"].as_str().is_some_and(|id| id.len() == 36));
                }
            }
        }
    }
}

#[tokio::test]
async fn validation_dry_run_and_not_modelled_answers_carry_ecs_envelope() {
    let (_server, client) = mock().await;
    let cases = [
        (
            Call::new("DescribeZones", WireForm::V3, Some(Format::Json)),
            400,
            "MissingRegionId",
        ),
        (
            zones(WireForm::V1Get, Some(Format::Json)).param("Verbose", "sometimes"),
            400,
            "InvalidParameter",
        ),
        (
            Call::new("RebootInstance", WireForm::V1PostForm, Some(Format::Json))
                .param("InstanceId", "i-instance1")
                .param("DryRun", "true"),
            400,
            "DryRunOperation",
        ),
        (
            Call::new("RebootInstance", WireForm::V3, Some(Format::Json))
                .param("InstanceId", "i-instance1"),
            403,
            "InvalidOperation.NotModelled",
        ),
    ];
    for (call, status, code) in cases {
        let r = client.send(&call).await.unwrap();
        assert_eq!(
            (r.status, code_of(&r)),
            (status, code.to_owned()),
            "{}",
            r.body
        );
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let fields: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        let mut expected = ["Code", "HostId", "Message", "Recommend", "RequestId"];
        expected.sort();
        assert_eq!(fields, expected, "{}", r.body);
    }
}

#[tokio::test]
async fn nothing_changes_when_a_state_changing_action_is_not_modelled() {
    let (server, client) = mock().await;
    let _keep = &server;
    let before = client.get_world("testid").await.unwrap();
    for action in ["RebootInstance", "DeleteDisk", "DeleteSnapshot"] {
        let (param, id) = match action {
            "RebootInstance" => ("InstanceId", "i-instance1"),
            "DeleteDisk" => ("DiskId", "d-diskid1"),
            _ => ("SnapshotId", "s-snapshotid1"),
        };
        let call = Call::new(action, WireForm::V1Get, Some(Format::Xml)).param(param, id);
        let r = client.send(&call).await.unwrap();
        assert_eq!(r.status, 403, "{action}: {}", r.body);
        assert!(r.body.contains("<Code>InvalidOperation.NotModelled</Code>"));
    }
    assert_eq!(client.get_world("testid").await.unwrap(), before);
}

#[tokio::test]
async fn a_fault_scheduled_for_an_action_of_the_metadata_answers_first() {
    let mut world = World::sample();
    world.faults.push(Fault {
        action: "DescribeZones".into(),
        code: "ServiceUnavailable".into(),
        message: "The request has failed due to a temporary failure of the server.".into(),
        count: 1,
    });
    let server = MockServer::start_with(MockConfig {
        world,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = Client::new(server.url(), Credentials::new("testid", "testsecret")).unwrap();
    let call = zones(WireForm::V1Get, Some(Format::Json));
    let r = client.send(&call).await.unwrap();
    assert_eq!(
        (r.status, code_of(&r).as_str()),
        (503, "ServiceUnavailable")
    );
    assert_eq!(client.send(&call).await.unwrap().status, 200);
}

#[tokio::test]
async fn an_action_the_metadata_does_not_have_is_still_not_found() {
    let (_server, client) = mock().await;
    for action in ["DeleteEverything", "describezones", "DescribeZonesX"] {
        let call = Call::new(action, WireForm::V1Get, Some(Format::Json));
        let r = client.send(&call).await.unwrap();
        assert_eq!(
            (r.status, code_of(&r).as_str()),
            (404, "InvalidAction.NotFound"),
            "{action}"
        );
    }
}
