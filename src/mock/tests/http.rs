//! The gateway on the wire: request ids, format selection, methods and paths, malformed input.
use super::*;

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
