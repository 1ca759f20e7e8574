//! Isolation between worlds, the server's lifecycle, and concurrency regressions.
use super::*;

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
