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
