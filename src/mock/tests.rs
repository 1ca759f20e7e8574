//! HTTP-level tests: a real mock on loopback, driven by the signing client or by raw requests.

use std::time::Duration;

use super::*;
use crate::api_error::ResetDiskError as E;
use crate::client::{Call, Client, Credentials, RawResponse, WireForm};
use crate::world::{ChargeType, DiskStatus, Fault, InstanceStatus, LockReason, SnapshotStatus};

async fn mock() -> (MockServer, Client) {
    let server = MockServer::start().await.unwrap();
    let client = Client::new(server.url(), Credentials::new("testid", "testsecret")).unwrap();
    (server, client)
}

fn reset(form: WireForm, format: Option<Format>, disk: &str, snapshot: &str) -> Call {
    Call::new("ResetDisk", form, format)
        .param("DiskId", disk)
        .param("SnapshotId", snapshot)
}

fn sample_reset(format: Option<Format>) -> Call {
    reset(WireForm::V1Get, format, "d-diskid1", "s-snapshotid1")
}

fn code_of(r: &RawResponse) -> String {
    let json: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
    if let Some(code) = json["Code"].as_str() {
        return code.to_owned();
    }
    r.body
        .split_once("<Code>")
        .and_then(|(_, rest)| rest.split_once("</Code>"))
        .map(|(code, _)| code.to_owned())
        .unwrap_or_default()
}

fn message_of(r: &RawResponse) -> String {
    let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    json["Message"].as_str().unwrap().to_owned()
}

fn is_upper_uuid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok() && s.len() == 36 && s == s.to_uppercase()
}

async fn raw(url: &str, method: &str, path_and_query: &str, body: Vec<u8>) -> RawResponse {
    let http = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let resp = http
        .request(method, format!("{url}{path_and_query}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    RawResponse {
        status: resp.status().as_u16(),
        content_type: resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default(),
        body: resp.text().await.unwrap(),
    }
}

#[tokio::test]
async fn the_sample_request_succeeds_in_every_wire_form_and_format() {
    let (_server, client) = mock().await;
    for form in WireForm::ALL {
        for format in [Some(Format::Xml), Some(Format::Json), None] {
            let r = client
                .send(&reset(form, format, "d-diskid1", "s-snapshotid1"))
                .await
                .unwrap();
            assert_eq!(r.status, 200, "{form:?} {format:?}: {}", r.body);
            let expect_json =
                format == Some(Format::Json) || (format.is_none() && form == WireForm::V3);
            if expect_json {
                assert_eq!(r.content_type, "application/json;charset=utf-8");
                let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
                let id = v["RequestId"].as_str().unwrap();
                assert!(is_upper_uuid(id), "{id}");
                assert_eq!(v.as_object().unwrap().len(), 1, "{}", r.body);
            } else {
                assert_eq!(r.content_type, "text/xml;charset=utf-8");
                let id = r
                    .body
                    .strip_prefix(
                        r#"<?xml version="1.0" encoding="UTF-8"?><ResetDiskResponse><RequestId>"#,
                    )
                    .and_then(|rest| rest.strip_suffix("</RequestId></ResetDiskResponse>"))
                    .unwrap_or_else(|| panic!("{}", r.body));
                assert!(is_upper_uuid(id), "{id}");
            }
        }
    }
}

#[tokio::test]
async fn every_response_has_a_fresh_request_id() {
    let (_server, client) = mock().await;
    let a = client
        .send(&sample_reset(Some(Format::Json)))
        .await
        .unwrap();
    let b = client
        .send(&sample_reset(Some(Format::Json)))
        .await
        .unwrap();
    assert_ne!(a.body, b.body);
}

#[tokio::test]
async fn format_is_case_insensitive_and_accept_json_selects_json() {
    let (server, client) = mock().await;
    let mut call = sample_reset(None);
    call.params.push(("Format".into(), "jSoN".into()));
    let r = client.send(&call).await.unwrap();
    assert_eq!(r.content_type, "application/json;charset=utf-8");
    let r = reqwest::Client::new()
        .get(format!("{}/?Action=Nope", server.url()))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "application/json;charset=utf-8"
    );
}

/// The world change and the call that trigger each row of ResetDisk's error table.
fn trigger(e: E) -> (World, Call) {
    let mut w = World::sample();
    let mut disk = "d-diskid1";
    let mut snapshot = "s-snapshotid1";
    let mut region = None;
    match e {
        E::InvalidDiskIdNotFound => disk = "d-never-existed",
        E::DiskNotFound => {
            w.released_disk_ids.push("d-released".into());
            disk = "d-released";
        }
        E::InvalidSnapshotIdNotFound => snapshot = "s-never-existed",
        E::IncorrectDiskStatus => {
            w.disks[0].status = DiskStatus::Available;
            w.disks[0].instance_id = None;
        }
        E::IncorrectInstanceStatus => w.instances[0].status = InstanceStatus::Running,
        E::InstanceLockedForSecurity => w.instances[0].lock_reasons = vec![LockReason::Security],
        E::InvalidParameterMismatch => {
            let mut other = w.snapshots[0].clone();
            other.snapshot_id = "s-other".into();
            other.source_disk_id = "d-other".into();
            w.snapshots.push(other);
            snapshot = "s-other";
        }
        E::InvalidSnapshotTooOld => {
            w.snapshots[0].creation_time = time::macros::datetime!(2013-07-14 23:59:59 UTC);
        }
        E::InstanceExpiredOrInArrears => {
            w.instances[0].charge_type = ChargeType::PrePaid;
            w.instances[0].expired_time = Some(time::macros::datetime!(2020-01-01 0:00 UTC));
        }
        E::OperationDenied => w.snapshots[0].supports_reset = false,
        E::InvalidSnapshotIdNotReady => w.snapshots[0].status = SnapshotStatus::Progressing,
        E::InternalError | E::InternalErrorFailure => {
            let err = e.api_error();
            w.faults.push(Fault {
                action: "ResetDisk".into(),
                code: err.code.into_owned(),
                message: err.message.into_owned(),
                count: 1,
            });
        }
        E::DiskCategoryOperationNotSupported => w.disks[0].category = "ephemeral_ssd".into(),
        E::InvalidAccountStatusNotEnoughBalance => w.account.balance_sufficient = false,
        E::InvalidAccountStatusSnapshotServiceUnavailable => {
            w.account.snapshot_service_opened = false;
        }
        E::InvalidInstanceIdNotFound => w.instances.clear(),
        E::OperationConflict => w.reset_duration_ms = 60_000,
        E::UserNotInTheWhiteList => w.account.in_disk_white_list = false,
        E::InvalidRegionIdMalFormed => region = Some("CN_HANGZHOU"),
    }
    let mut call = reset(WireForm::V1Get, Some(Format::Json), disk, snapshot);
    if let Some(region) = region {
        call = call.param("RegionId", region);
    }
    (w, call)
}

#[tokio::test]
async fn every_row_of_the_error_table_is_reachable_from_a_world() {
    let (_server, client) = mock().await;
    for (i, e) in E::ALL.into_iter().enumerate() {
        let creds = Credentials::new(format!("tenant-{i}"), "s3cret");
        let (world, call) = trigger(e);
        client.put_world(&creds, &world).await.unwrap();
        let client = client.with_credentials(creds);
        if e == E::OperationConflict {
            assert_eq!(client.send(&call).await.unwrap().status, 200);
        }
        let r = client.send(&call).await.unwrap();
        let want = e.api_error();
        assert_eq!(
            (r.status, code_of(&r), message_of(&r)),
            (want.status, want.code.to_string(), want.message.to_string()),
            "{e:?}"
        );
    }
}

#[tokio::test]
async fn precedence_account_before_lookup_before_state() {
    let (_server, client) = mock().await;
    let creds = Credentials::new("prec", "s");
    let mut w = World::sample();
    w.account.balance_sufficient = false;
    w.instances[0].status = InstanceStatus::Running;
    client.put_world(&creds, &w).await.unwrap();
    let c = client.with_credentials(creds.clone());
    let r = c
        .send(&reset(WireForm::V1Get, Some(Format::Json), "d-x", "s-x"))
        .await
        .unwrap();
    assert_eq!(code_of(&r), "InvalidAccountStatus.NotEnoughBalance");
    w.account.balance_sufficient = true;
    client.put_world(&creds, &w).await.unwrap();
    let r = c
        .send(&reset(WireForm::V1Get, Some(Format::Json), "d-x", "s-x"))
        .await
        .unwrap();
    assert_eq!(code_of(&r), "InvalidDiskId.NotFound");
    let r = c.send(&sample_reset(Some(Format::Json))).await.unwrap();
    assert_eq!(code_of(&r), "IncorrectInstanceStatus");
    w.instances[0].lock_reasons = vec![LockReason::Security];
    client.put_world(&creds, &w).await.unwrap();
    let r = c.send(&sample_reset(Some(Format::Json))).await.unwrap();
    assert_eq!(code_of(&r), "InstanceLockedForSecurity");
}

#[tokio::test]
async fn a_successful_reset_is_recorded_and_exactly_one_concurrent_reset_wins() {
    let (_server, client) = mock().await;
    let creds = Credentials::new("race", "s");
    let mut w = World::sample();
    w.reset_duration_ms = 60_000;
    client.put_world(&creds, &w).await.unwrap();
    let c = client.with_credentials(creds);
    let calls = (0..16).map(|_| {
        let c = c.clone();
        tokio::spawn(async move { c.send(&sample_reset(Some(Format::Json))).await.unwrap() })
    });
    let mut codes: Vec<String> = Vec::new();
    for h in calls {
        let r = h.await.unwrap();
        codes.push(if r.status == 200 {
            "OK".into()
        } else {
            code_of(&r)
        });
    }
    assert_eq!(codes.iter().filter(|c| *c == "OK").count(), 1, "{codes:?}");
    assert_eq!(
        codes.iter().filter(|c| *c == "Operation.Conflict").count(),
        15
    );
    let world = client.get_world("race").await.unwrap();
    assert_eq!(
        world.disks[0].last_reset_snapshot_id.as_deref(),
        Some("s-snapshotid1")
    );
}

#[tokio::test]
async fn worlds_are_isolated_per_access_key() {
    let (_server, client) = mock().await;
    let a = Credentials::new("iso-a", "sa");
    let mut broken = World::sample();
    broken.instances[0].status = InstanceStatus::Running;
    client.put_world(&a, &broken).await.unwrap();
    let r = client
        .with_credentials(a)
        .send(&sample_reset(None))
        .await
        .unwrap();
    assert_eq!(r.status, 403);
    let r = client.send(&sample_reset(None)).await.unwrap();
    assert_eq!(r.status, 200, "the default world is untouched");
}

async fn common_error(client: &Client, call: &Call) -> (u16, String, String) {
    let r = client.send(call).await.unwrap();
    (r.status, code_of(&r), message_of(&r))
}

#[tokio::test]
async fn missing_common_parameters_are_named() {
    let (_server, client) = mock().await;
    for name in [
        "Action",
        "Version",
        "AccessKeyId",
        "SignatureMethod",
        "SignatureVersion",
        "Timestamp",
        "SignatureNonce",
        "Signature",
    ] {
        let mut call = sample_reset(Some(Format::Json));
        call.tamper.omit = vec![name.into()];
        let (status, code, message) = common_error(&client, &call).await;
        assert_eq!(
            (status, code.as_str()),
            (400, format!("Missing{name}").as_str())
        );
        assert_eq!(message, format!("{name} is mandatory for this action."));
    }
    for (logical, header) in [
        ("Timestamp", "x-acs-date"),
        ("SignatureNonce", "x-acs-signature-nonce"),
        ("ContentSha256", "x-acs-content-sha256"),
    ] {
        let mut call = reset(WireForm::V3, None, "d-diskid1", "s-snapshotid1");
        call.tamper.omit = vec![logical.into()];
        let (status, code, message) = common_error(&client, &call).await;
        assert_eq!((status, code), (400, format!("Missing{logical}")));
        assert_eq!(message, format!("{header} is mandatory for this action."));
    }
}

#[tokio::test]
async fn missing_action_parameters_use_the_gateway_form() {
    let (_server, client) = mock().await;
    let call =
        Call::new("ResetDisk", WireForm::V1Get, Some(Format::Json)).param("SnapshotId", "s-1");
    assert_eq!(
        common_error(&client, &call).await,
        (
            400,
            "MissingDiskId".into(),
            "DiskId is mandatory for this action.".into()
        )
    );
    let call = Call::new("ResetDisk", WireForm::V1Get, Some(Format::Json)).param("DiskId", "d-1");
    assert_eq!(common_error(&client, &call).await.1, "MissingSnapshotId");
}

#[tokio::test]
async fn authentication_errors_have_their_documented_status_and_message() {
    let (_server, client) = mock().await;

    let stranger = client.with_credentials(Credentials::new("nobody", "x"));
    assert_eq!(
        common_error(&stranger, &sample_reset(Some(Format::Json))).await,
        (
            404,
            "InvalidAccessKeyId.NotFound".into(),
            "Specified access key is not found.".into()
        )
    );

    let mut call = sample_reset(Some(Format::Json));
    call.tamper.wrong_secret = Some("not-the-secret".into());
    let (status, code, message) = common_error(&client, &call).await;
    assert_eq!((status, code.as_str()), (400, "SignatureDoesNotMatch"));
    let sts = message
        .strip_prefix(
            "Specified signature is not matched with our calculation. server string to sign is:",
        )
        .unwrap();
    assert!(
        sts.starts_with("GET&%2F&AccessKeyId%3Dtestid%26Action%3DResetDisk"),
        "{sts}"
    );
    assert!(!message.contains("not-the-secret") && !message.contains("testsecret"));

    let mut v3 = reset(WireForm::V3, None, "d-diskid1", "s-snapshotid1");
    v3.tamper.wrong_secret = Some("nope".into());
    let (status, code, message) = common_error(&client, &v3).await;
    assert_eq!((status, code.as_str()), (400, "SignatureDoesNotMatch"));
    assert!(
        message.contains("server StringToSign is [ACS3-HMAC-SHA256\n"),
        "{message}"
    );

    let mut call = sample_reset(Some(Format::Json));
    call.tamper.timestamp = Some("2016-02-23T12:46:24Z".into());
    assert_eq!(
        common_error(&client, &call).await,
        (
            400,
            "InvalidTimeStamp.Expired".into(),
            "Specified time stamp or date value is expired.".into()
        )
    );
    call.tamper.timestamp = Some("yesterday".into());
    assert_eq!(
        common_error(&client, &call).await.1,
        "InvalidTimeStamp.Format"
    );

    let call = sample_reset(Some(Format::Json));
    assert_eq!(
        client
            .send_with_nonce(&call, "same-nonce")
            .await
            .unwrap()
            .status,
        200
    );
    let r = client.send_with_nonce(&call, "same-nonce").await.unwrap();
    assert_eq!(
        (r.status, code_of(&r), message_of(&r)),
        (
            400,
            "SignatureNonceUsed".into(),
            "Specified signature nonce was used already.".into()
        )
    );

    let call = Call::new("DeleteEverything", WireForm::V1Get, Some(Format::Json));
    assert_eq!(
        common_error(&client, &call).await,
        (
            404,
            "InvalidAction.NotFound".into(),
            "Specified api is not found, please check your url and method.".into()
        )
    );

    let mut call = sample_reset(Some(Format::Json));
    call.tamper.version = Some("2099-01-01".into());
    assert_eq!(common_error(&client, &call).await.1, "InvalidVersion");
}

#[tokio::test]
async fn wrong_methods_and_paths_get_ecs_errors() {
    let (server, _) = mock().await;
    for method in ["PUT", "DELETE", "PATCH"] {
        let r = raw(server.url(), method, "/?Action=ResetDisk", vec![]).await;
        assert_eq!(
            (r.status, code_of(&r).as_str()),
            (403, "UnsupportedHTTPMethod"),
            "{method}"
        );
        assert_eq!(r.content_type, "text/xml;charset=utf-8");
    }
    let r = raw(server.url(), "GET", "/some/path?Action=ResetDisk", vec![]).await;
    assert_eq!(
        (r.status, code_of(&r).as_str()),
        (404, "InvalidAction.NotFound")
    );
    let r = raw(server.url(), "GET", "/", vec![]).await;
    assert_eq!((r.status, code_of(&r).as_str()), (400, "MissingAction"));
}

#[tokio::test]
async fn malformed_requests_get_ecs_errors_never_a_5xx() {
    let (server, client) = mock().await;
    let url = server.url();
    let cases: Vec<(&str, String, Vec<u8>, u16, &str)> = vec![
        (
            "GET",
            "/?Action=ResetDisk&DiskId=%zz".into(),
            vec![],
            400,
            "InvalidParameter",
        ),
        (
            "GET",
            "/?Action=ResetDisk&DiskId=%FF%FE".into(),
            vec![],
            400,
            "InvalidParameter",
        ),
        (
            "GET",
            "/?Action=ResetDisk&DiskId=a&DiskId=b".into(),
            vec![],
            400,
            "InvalidParameter",
        ),
        (
            "POST",
            "/?DiskId=a".into(),
            b"DiskId=b".to_vec(),
            400,
            "InvalidParameter",
        ),
        (
            "POST",
            "/".into(),
            vec![0xff, 0xfe],
            400,
            "InvalidParameter",
        ),
        (
            "GET",
            format!("/?Action=ResetDisk&x={}", "a".repeat(MAX_QUERY_BYTES)),
            vec![],
            413,
            "RequestTooLarge",
        ),
        (
            "POST",
            "/".into(),
            vec![b'a'; MAX_BODY_BYTES + 1],
            413,
            "RequestTooLarge",
        ),
        (
            "GET",
            "/?Format=yaml&Action=ResetDisk".into(),
            vec![],
            400,
            "InvalidParameter",
        ),
    ];
    for (method, target, body, status, code) in cases {
        let r = raw(url, method, &target, body).await;
        assert_eq!(
            (r.status, code_of(&r).as_str()),
            (status, code),
            "{method} {:.80}",
            target
        );
        assert_eq!(r.content_type, "text/xml;charset=utf-8");
    }
    let r = raw(url, "GET", "/?Action=ResetDisk&DiskId=a&DiskId=b", vec![]).await;
    assert!(
        r.body.contains(
            r#"The specified parameter "DiskId" is not valid: it is specified more than once."#
        ),
        "{}",
        r.body
    );

    // Thousands of unknown parameters are ignored, as ECS ignores unknown parameters.
    let mut call = sample_reset(Some(Format::Json));
    for i in 0..3000 {
        call.params.push((format!("Unknown{i}"), "x".into()));
    }
    let mut form = call.clone();
    form.form = WireForm::V1PostForm;
    assert_eq!(client.send(&form).await.unwrap().status, 200);
}

#[tokio::test]
async fn region_id_is_tolerated_and_checked_for_form() {
    let (_server, client) = mock().await;
    let call = sample_reset(Some(Format::Json)).param("RegionId", "cn-hangzhou");
    assert_eq!(client.send(&call).await.unwrap().status, 200);
    let call = sample_reset(Some(Format::Json)).param("RegionId", "cn_hangzhou!");
    assert_eq!(
        common_error(&client, &call).await,
        (
            400,
            "InvalidRegionId.MalFormed".into(),
            "The specified RegionId is not valid".into()
        )
    );
}

#[tokio::test]
async fn errors_carry_the_envelope_in_order_in_xml_and_json() {
    let (_server, client) = mock().await;
    let r = client
        .send(&reset(WireForm::V1Get, Some(Format::Xml), "d-x", "s-x"))
        .await
        .unwrap();
    let body = r
        .body
        .strip_prefix(r#"<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>"#)
        .unwrap();
    let order: Vec<usize> = [
        "</RequestId><HostId>",
        "</HostId><Code>",
        "</Code><Message>",
        "</Message><Recommend>",
        "</Recommend></Error>",
    ]
    .iter()
    .map(|tag| body.find(tag).unwrap_or_else(|| panic!("{tag} in {body}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{body}");
    let r = client
        .send(&reset(WireForm::V1Get, Some(Format::Json), "d-x", "s-x"))
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 5);
    assert!(is_upper_uuid(v["RequestId"].as_str().unwrap()));
}

#[tokio::test]
async fn describe_actions_show_the_world_in_both_formats() {
    let (_server, client) = mock().await;
    for (action, filter, list, item, id) in [
        ("DescribeDisks", "DiskIds", "Disks", "Disk", "d-diskid1"),
        (
            "DescribeSnapshots",
            "SnapshotIds",
            "Snapshots",
            "Snapshot",
            "s-snapshotid1",
        ),
        (
            "DescribeInstances",
            "InstanceIds",
            "Instances",
            "Instance",
            "i-instance1",
        ),
    ] {
        let call = |format| {
            Call::new(action, WireForm::V1Get, Some(format))
                .param("RegionId", "cn-hangzhou")
                .param(filter, format!(r#"["{id}"]"#))
        };
        let r = client.send(&call(Format::Json)).await.unwrap();
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["TotalCount"], 1, "{action}: {}", r.body);
        assert!(v[list][item].is_array(), "{action}: {}", r.body);
        let r = client.send(&call(Format::Xml)).await.unwrap();
        assert!(
            r.body.contains(&format!("<{list}><{item}>")),
            "{action}: {}",
            r.body
        );
        assert!(r.body.contains(&format!("<{action}Response>")), "{action}");
    }
}

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

#[tokio::test]
async fn a_dropped_server_stops_listening() {
    let server = MockServer::start().await.unwrap();
    let addr = server.addr();
    assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
    drop(server);
    // Shutdown is asynchronous: wait for it, within a bound.
    let mut stopped = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            stopped = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(stopped, "still listening 5 s after the drop");
}

#[tokio::test]
async fn concurrent_instant_resets_never_conflict() {
    // Regression: the monotonic clock was read before the tenant lock, so a request could see a
    // reset recorded "after" its own instant and answer Operation.Conflict for an instant reset.
    let (_server, client) = mock().await;
    let calls: Vec<_> = (0..64)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.send(&sample_reset(Some(Format::Json))).await.unwrap() })
        })
        .collect();
    for h in calls {
        let r = h.await.unwrap();
        assert_eq!(r.status, 200, "{}", r.body);
    }
}
