//! The Describe actions' shapes in both formats.
use super::*;

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

/// A world that shows every field of the Describe answers: a subscription with locks, a detached
/// data disk made from a snapshot, a snapshot whose disk is gone, tags that need escaping.
fn every_field() -> World {
    use crate::world::{
        ChargeType, Disk, DiskStatus, DiskType, Instance, LockReason, Snapshot, SnapshotStatus, Tag,
    };
    let tags = || {
        vec![
            Tag {
                key: "ecs-conformance".into(),
                value: "disposable".into(),
            },
            Tag {
                key: "a<b".into(),
                value: r#""x" & y"#.into(),
            },
        ]
    };
    let mut world = World::sample();
    let mut x = Instance::new("i-prepaid", InstanceStatus::Running);
    x.charge_type = ChargeType::PrePaid;
    x.expired_time = Some(time::macros::datetime!(2030-01-02 03:04:05 UTC));
    x.lock_reasons = vec![LockReason::Financial, LockReason::Security];
    x.tags = tags();
    world.instances.push(x);
    let mut d = Disk::new("d-data", DiskStatus::Available, None);
    d.disk_type = DiskType::Data;
    d.size_gib = 100;
    d.category = "cloud_ssd".into();
    d.source_snapshot_id = Some("s-snapshotid1".into());
    d.lock_reasons = vec![LockReason::Recycling];
    d.tags = tags();
    world.disks.push(d);
    let mut s = Snapshot::new("s-orphan", "d-gone", SnapshotStatus::Progressing);
    s.tags = tags();
    world.snapshots.push(s);
    world
}

/// `body` with its RequestId's value replaced by `R`, in either format.
fn without_request_id(body: &str) -> String {
    let mut out = body.to_owned();
    for (open, close) in [(r#""RequestId":""#, "\""), ("<RequestId>", "</RequestId>")] {
        if let Some(start) = out.find(open).map(|i| i + open.len())
            && let Some(len) = out[start..].find(close)
        {
            out.replace_range(start..start + len, "R");
        }
    }
    out
}

/// The Describe answers, byte for byte: what ECS's SDKs and discovery read must not move when the
/// code that renders it does.
#[tokio::test]
async fn describe_answers_are_pinned_byte_for_byte() {
    let config = MockConfig {
        world: every_field(),
        ..MockConfig::default()
    };
    let server = MockServer::start_with(config).await.unwrap();
    let client = Client::new(server.url(), Credentials::new("testid", "testsecret")).unwrap();
    let mut got = Vec::new();
    for action in ["DescribeInstances", "DescribeDisks", "DescribeSnapshots"] {
        for format in Format::BOTH {
            let call =
                Call::new(action, WireForm::V1Get, Some(format)).param("RegionId", "cn-hangzhou");
            let r = client.send(&call).await.unwrap();
            assert_eq!(r.status, 200, "{action}: {}", r.body);
            got.push(without_request_id(&r.body));
        }
    }
    assert_eq!(got, PINNED);
}

const PINNED: [&str; 6] = [
    r#"<?xml version="1.0" encoding="UTF-8"?><DescribeInstancesResponse><RequestId>R</RequestId><TotalCount>2</TotalCount><PageNumber>1</PageNumber><PageSize>10</PageSize><Instances><Instance><InstanceId>i-instance1</InstanceId><RegionId>cn-hangzhou</RegionId><Status>Stopped</Status><InstanceChargeType>PostPaid</InstanceChargeType><ExpiredTime>2099-12-31T15:59Z</ExpiredTime><CreationTime>2020-08-20T14:52Z</CreationTime><OperationLocks/><Tags/></Instance><Instance><InstanceId>i-prepaid</InstanceId><RegionId>cn-hangzhou</RegionId><Status>Running</Status><InstanceChargeType>PrePaid</InstanceChargeType><ExpiredTime>2030-01-02T03:04Z</ExpiredTime><CreationTime>2020-08-20T14:52Z</CreationTime><OperationLocks><LockReason><LockReason>financial</LockReason></LockReason><LockReason><LockReason>security</LockReason></LockReason></OperationLocks><Tags><Tag><TagKey>ecs-conformance</TagKey><TagValue>disposable</TagValue></Tag><Tag><TagKey>a&lt;b</TagKey><TagValue>"x" &amp; y</TagValue></Tag></Tags></Instance></Instances></DescribeInstancesResponse>"#,
    r#"{"RequestId":"R","TotalCount":2,"PageNumber":1,"PageSize":10,"Instances":{"Instance":[{"InstanceId":"i-instance1","RegionId":"cn-hangzhou","Status":"Stopped","InstanceChargeType":"PostPaid","ExpiredTime":"2099-12-31T15:59Z","CreationTime":"2020-08-20T14:52Z","OperationLocks":{"LockReason":[]},"Tags":{"Tag":[]}},{"InstanceId":"i-prepaid","RegionId":"cn-hangzhou","Status":"Running","InstanceChargeType":"PrePaid","ExpiredTime":"2030-01-02T03:04Z","CreationTime":"2020-08-20T14:52Z","OperationLocks":{"LockReason":[{"LockReason":"financial"},{"LockReason":"security"}]},"Tags":{"Tag":[{"TagKey":"ecs-conformance","TagValue":"disposable"},{"TagKey":"a<b","TagValue":"\"x\" & y"}]}}]}}"#,
    r#"<?xml version="1.0" encoding="UTF-8"?><DescribeDisksResponse><RequestId>R</RequestId><TotalCount>2</TotalCount><PageNumber>1</PageNumber><PageSize>10</PageSize><Disks><Disk><DiskId>d-diskid1</DiskId><RegionId>cn-hangzhou</RegionId><Status>In_use</Status><Type>system</Type><Category>cloud_essd</Category><Size>40</Size><InstanceId>i-instance1</InstanceId><SourceSnapshotId/><CreationTime>2020-08-20T14:52:28Z</CreationTime><OperationLocks/><Tags/></Disk><Disk><DiskId>d-data</DiskId><RegionId>cn-hangzhou</RegionId><Status>Available</Status><Type>data</Type><Category>cloud_ssd</Category><Size>100</Size><InstanceId/><SourceSnapshotId>s-snapshotid1</SourceSnapshotId><CreationTime>2020-08-20T14:52:28Z</CreationTime><OperationLocks><OperationLock><LockReason>recycling</LockReason></OperationLock></OperationLocks><Tags><Tag><TagKey>ecs-conformance</TagKey><TagValue>disposable</TagValue></Tag><Tag><TagKey>a&lt;b</TagKey><TagValue>"x" &amp; y</TagValue></Tag></Tags></Disk></Disks></DescribeDisksResponse>"#,
    r#"{"RequestId":"R","TotalCount":2,"PageNumber":1,"PageSize":10,"Disks":{"Disk":[{"DiskId":"d-diskid1","RegionId":"cn-hangzhou","Status":"In_use","Type":"system","Category":"cloud_essd","Size":40,"InstanceId":"i-instance1","SourceSnapshotId":"","CreationTime":"2020-08-20T14:52:28Z","OperationLocks":{"OperationLock":[]},"Tags":{"Tag":[]}},{"DiskId":"d-data","RegionId":"cn-hangzhou","Status":"Available","Type":"data","Category":"cloud_ssd","Size":100,"InstanceId":"","SourceSnapshotId":"s-snapshotid1","CreationTime":"2020-08-20T14:52:28Z","OperationLocks":{"OperationLock":[{"LockReason":"recycling"}]},"Tags":{"Tag":[{"TagKey":"ecs-conformance","TagValue":"disposable"},{"TagKey":"a<b","TagValue":"\"x\" & y"}]}}]}}"#,
    r#"<?xml version="1.0" encoding="UTF-8"?><DescribeSnapshotsResponse><RequestId>R</RequestId><TotalCount>2</TotalCount><PageNumber>1</PageNumber><PageSize>10</PageSize><Snapshots><Snapshot><SnapshotId>s-snapshotid1</SnapshotId><SourceDiskId>d-diskid1</SourceDiskId><SourceDiskType>system</SourceDiskType><SourceDiskSize>40</SourceDiskSize><Status>accomplished</Status><Progress>100%</Progress><SnapshotType>user</SnapshotType><CreationTime>2020-08-20T14:52:28Z</CreationTime><Tags/></Snapshot><Snapshot><SnapshotId>s-orphan</SnapshotId><SourceDiskId>d-gone</SourceDiskId><Status>progressing</Status><Progress>0%</Progress><SnapshotType>user</SnapshotType><CreationTime>2020-08-20T14:52:28Z</CreationTime><Tags><Tag><TagKey>ecs-conformance</TagKey><TagValue>disposable</TagValue></Tag><Tag><TagKey>a&lt;b</TagKey><TagValue>"x" &amp; y</TagValue></Tag></Tags></Snapshot></Snapshots></DescribeSnapshotsResponse>"#,
    r#"{"RequestId":"R","TotalCount":2,"PageNumber":1,"PageSize":10,"Snapshots":{"Snapshot":[{"SnapshotId":"s-snapshotid1","SourceDiskId":"d-diskid1","SourceDiskType":"system","SourceDiskSize":"40","Status":"accomplished","Progress":"100%","SnapshotType":"user","CreationTime":"2020-08-20T14:52:28Z","Tags":{"Tag":[]}},{"SnapshotId":"s-orphan","SourceDiskId":"d-gone","Status":"progressing","Progress":"0%","SnapshotType":"user","CreationTime":"2020-08-20T14:52:28Z","Tags":{"Tag":[{"TagKey":"ecs-conformance","TagValue":"disposable"},{"TagKey":"a<b","TagValue":"\"x\" & y"}]}}]}}"#,
];
