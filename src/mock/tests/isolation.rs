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

#[tokio::test]
async fn a_temporary_key_pair_needs_its_own_token_in_both_schemes() {
    let (server, client) = mock().await;
    let sts = Credentials::new("STS.k", "s").with_security_token("tok+/=1");
    client.put_world(&sts, &World::sample()).await.unwrap();
    for form in WireForm::ALL {
        let call = reset(form, Some(Format::Json), "d-diskid1", "s-snapshotid1");
        let ok = client
            .with_credentials(sts.clone())
            .send(&call)
            .await
            .unwrap();
        assert_eq!(ok.status, 200, "{form:?}: {}", ok.body);
        let none = client
            .with_credentials(Credentials::new("STS.k", "s"))
            .send(&call)
            .await
            .unwrap();
        assert_eq!(code_of(&none), "MissingSecurityToken", "{form:?}");
        let wrong = Credentials::new("STS.k", "s").with_security_token("other");
        let r = client.with_credentials(wrong).send(&call).await.unwrap();
        assert_eq!(
            code_of(&r),
            "InvalidSecurityToken.MismatchWithAccessKey",
            "{form:?}"
        );
    }
    // A permanent key pair takes no token.
    let extra = Credentials::new("testid", "testsecret").with_security_token("tok");
    let r = client
        .with_credentials(extra)
        .send(&sample_reset(None))
        .await
        .unwrap();
    assert_eq!(code_of(&r), "InvalidSecurityToken.MismatchWithAccessKey");
    drop(server);
}
