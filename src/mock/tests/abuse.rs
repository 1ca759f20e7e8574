//! The mock under abuse: each finding of the fuzzing round, proven gone. Raw TCP where HTTP
//! clients would not send what is sent.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::*;
use crate::suite::document::Document;

/// Sends `request` raw and reads the whole answer (the server closes, or `limit` passes).
async fn raw_tcp(addr: SocketAddr, request: &[u8], close_write: bool) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    if close_write {
        stream.shutdown().await.unwrap();
    }
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

fn body_of(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").map_or("", |(_, b)| b)
}

#[tokio::test]
async fn a_parameter_name_xml_cannot_carry_still_gives_well_formed_xml() {
    let (server, _) = mock().await;
    for query in [
        "/?%01=1&%01=2",
        "/?%EF%BF%BF=1&%EF%BF%BF=2",
        "/?a%00b=1&a%00b=2",
    ] {
        let r = raw(server.url(), "GET", query, vec![]).await;
        assert_eq!(
            (r.status, code_of(&r).as_str()),
            (400, "InvalidParameter"),
            "{query}"
        );
        let doc = Document::parse_xml(&r.body);
        assert!(doc.is_ok(), "{query}: {:?} in {}", doc.err(), r.body);
    }
}

#[tokio::test]
async fn a_truncated_body_or_broken_chunking_is_not_too_large() {
    let (server, _) = mock().await;
    let truncated = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nAction=ResetDisk";
    let chunked = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nAction\r\n0\r\n\r\n";
    for (what, request) in [
        ("truncated", &truncated[..]),
        ("broken chunked", &chunked[..]),
    ] {
        let answer = raw_tcp(server.addr(), request, true).await;
        assert!(answer.starts_with("HTTP/1.1 400"), "{what}: {answer}");
        assert!(
            body_of(&answer).contains("could not be read whole"),
            "{what}: {answer}"
        );
    }
    // The control API says the same, not "larger than the limit".
    let truncated_put = b"PUT /ecs-conformance/v1/worlds/k HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"access";
    let answer = raw_tcp(server.addr(), truncated_put, true).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(
        body_of(&answer).contains("could not be read whole"),
        "{answer}"
    );
    assert!(!answer.contains("larger than"), "{answer}");
}

#[tokio::test]
async fn a_half_sent_request_is_cut_and_cannot_hold_shutdown() {
    let limits = Limits {
        header_read: Duration::from_millis(300),
        body_read: Duration::from_millis(300),
        shutdown_grace: Duration::from_millis(500),
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let config = MockConfig {
        limits,
        ..MockConfig::default()
    };
    let server = tokio::spawn(serve(listener, config, async {
        let _ = stopped.await;
    }));
    // Half a request line: cut after the header timeout.
    let mut half = TcpStream::connect(addr).await.unwrap();
    half.write_all(b"GET /?Action=Reset").await.unwrap();
    let mut buf = Vec::new();
    let cut = tokio::time::timeout(Duration::from_secs(3), half.read_to_end(&mut buf)).await;
    assert!(
        cut.is_ok(),
        "a half-sent request line was not cut within 3 s"
    );
    // Half a body: answered RequestTimeout, and the connection closes.
    let answer = raw_tcp(
        addr,
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nAction=",
        false,
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("RequestTimeout"), "{answer}");
    // A connection still sending headers when shutdown comes cannot delay it past the grace.
    let mut holding = TcpStream::connect(addr).await.unwrap();
    holding
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    let asked = std::time::Instant::now();
    let _ = stop.send(());
    let ended = tokio::time::timeout(Duration::from_secs(3), server).await;
    assert!(ended.is_ok(), "shutdown did not complete within 3 s");
    assert!(
        asked.elapsed() <= limits.shutdown_grace + Duration::from_millis(400),
        "{:?}",
        asked.elapsed()
    );
    drop(holding);
}

#[tokio::test]
async fn the_world_parser_refuses_trailing_data_and_lists_in_place_of_objects() {
    let (server, _) = mock().await;
    let put = |body: &'static str| {
        let url = server.url().to_owned();
        async move {
            reqwest::Client::new()
                .put(format!("{url}/ecs-conformance/v1/worlds/abuse"))
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    for body in [
        r#"{"access_key_secret":"s","world":{}} junk"#,
        r#"["s2",[]]"#,
        r#"{"access_key_secret":"s","world":[]}"#,
    ] {
        let r = put(body).await;
        assert_eq!(r.status(), 400, "{body}");
    }
    let r = put(r#"{"access_key_secret":12345,"world":{}}"#).await;
    assert_eq!(r.status(), 400);
    assert!(
        !r.text().await.unwrap().contains("12345"),
        "the secret is echoed"
    );
}

#[tokio::test]
async fn an_empty_secret_is_refused_also_when_a_world_is_replaced() {
    let (server, _) = mock().await;
    let _ = &server;
    let url = format!("{}/ecs-conformance/v1/worlds/testid", server.url());
    let r = reqwest::Client::new()
        .put(&url)
        .body(r#"{"access_key_secret":"","world":{}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // The secret was not replaced: a call signed with the old one still verifies.
    let (_, client) = (
        &server,
        Client::new(server.url(), Credentials::new("testid", "testsecret")).unwrap(),
    );
    let signed = client
        .send(&sample_reset(Some(Format::Json)))
        .await
        .unwrap();
    assert_eq!(signed.status, 200, "{}", signed.body);
}

#[tokio::test]
async fn the_control_root_takes_a_trailing_slash_and_empty_segments_name_nothing() {
    let (server, _) = mock().await;
    let http = reqwest::Client::new();
    let r = http
        .get(format!("{}/ecs-conformance/v1/", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("ecs-conformance-control"));
    http.put(format!("{}/ecs-conformance/v1/worlds/reset", server.url()))
        .body(r#"{"access_key_secret":"s","world":{}}"#)
        .send()
        .await
        .unwrap();
    let r = http
        .delete(format!("{}/ecs-conformance/v1/worlds//reset", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let kept = http
        .get(format!("{}/ecs-conformance/v1/worlds/reset", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(kept.status(), 200, "the world named \"reset\" is untouched");
}
