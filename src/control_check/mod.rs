//! `ecs-conformance control-check`: the control API alone (`docs/control-api.md`), check by check,
//! so that a vendor can make their control API right before certifying their ECS API with it.
//!
//! Each check says what it asked and what came. Key pairs of the check's own are created and
//! removed; the few ECS calls it makes (a fault served, a key pair's isolation, a deleted key pair,
//! a temporary key pair's token) name only resources of those worlds.
//!
//! Every optional feature the control API announces is part of what it certifies: for each, a
//! world (or fault) that uses it must be accepted and read back. A server that announces what it
//! refuses would leave every scenario needing the feature "not run: setup failed" in `run`.

mod checker;
mod outcome;
mod worlds;

use serde_json::{Value, json};

use crate::api_error::ApiError;
use crate::client::{Client, Credentials};
use crate::protocol::{CONTROL_PROTOCOL, FEATURES};

use checker::Checker;
pub use outcome::{CannotCheck, Check, ControlCheck};
use worlds::{action, expect_status, feature_check, world_of, world_one, world_two};

/// Runs every check against the control API at `url`.
pub async fn run(url: &str) -> Result<ControlCheck, CannotCheck> {
    let client = Client::new(url, Credentials::new("control-check", "unused"))
        .map_err(|e| CannotCheck::Unreachable(url.to_owned(), e.to_string()))?;
    let mut c = Checker {
        client: &client,
        checks: Vec::new(),
    };
    // describe
    let (status, describe, text) = match c.control(reqwest::Method::GET, "", None).await {
        Ok(x) => x,
        Err(e) => return Err(CannotCheck::Unreachable(url.to_owned(), e)),
    };
    if status != 200 || describe.get("protocol").and_then(Value::as_str) != Some(CONTROL_PROTOCOL) {
        return Err(CannotCheck::NoControlApi(
            url.to_owned(),
            format!("status {status}: {text:.200}"),
        ));
    }
    let features: Vec<String> = describe
        .get("features")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let described = (|| {
        if describe.get("version").and_then(Value::as_u64) != Some(1) {
            return Err(format!("version: expected 1, got {}", describe["version"]));
        }
        match describe.get("features") {
            None => Ok(()),
            // A feature this harness does not know is a newer one: ignored, as the protocol
            // says, and named by `text`.
            Some(Value::Array(a)) if a.iter().all(Value::is_string) => Ok(()),
            Some(other) => Err(format!("features: expected a list of names, got {other}")),
        }
    })();
    c.record(
        "describe",
        "GET /ecs-conformance/v1 names the protocol, version 1, and its features as a list of names",
        described,
    );

    let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let one = Credentials::new(
        format!("ecsc-check-{run_id}-1"),
        uuid::Uuid::new_v4().simple().to_string(),
    );
    let two = Credentials::new(
        format!("ecsc-check-{run_id}-2"),
        uuid::Uuid::new_v4().simple().to_string(),
    );
    let path_one = format!("/worlds/{}", one.access_key_id);
    let path_two = format!("/worlds/{}", two.access_key_id);
    let put =
        |c: &Credentials, world: Value| json!({"access_key_secret": c.secret(), "world": world});
    let sample = world_one();

    // put
    let result = match c
        .control(
            reqwest::Method::PUT,
            &path_one,
            Some(put(&one, sample.stated())),
        )
        .await
    {
        Ok((status, body, text)) => expect_status(status, &[201], &text).and_then(|()| {
            let w = world_of(&body)?;
            if w == sample {
                Ok(())
            } else {
                Err(format!(
                    "the answer's world differs from the one put: {}",
                    w.stated()
                ))
            }
        }),
        Err(e) => Err(e),
    };
    c.record(
        "put",
        "PUT a new key pair's world: 201 with the world",
        result,
    );

    // get
    let result = match c.control(reqwest::Method::GET, &path_one, None).await {
        Ok((status, body, text)) => expect_status(status, &[200], &text).and_then(|()| {
            if text.contains(one.secret()) {
                return Err("the answer carries the key pair's secret".into());
            }
            if body.get("access_key_id").and_then(Value::as_str) != Some(&one.access_key_id) {
                return Err(format!(
                    "access_key_id: expected {:?}, got {}",
                    one.access_key_id, body["access_key_id"]
                ));
            }
            let w = world_of(&body)?;
            if w == sample {
                Ok(())
            } else {
                Err(format!(
                    "the world read back differs from the one put: {}",
                    w.stated()
                ))
            }
        }),
        Err(e) => Err(e),
    };
    c.record(
        "get",
        "GET returns the world as put, and never the secret",
        result,
    );

    // replace
    let replaced = {
        let mut w = sample.clone();
        w.account.balance_sufficient = false;
        w
    };
    let result = async {
        let (status, _, text) = c
            .control(
                reqwest::Method::PUT,
                &path_one,
                Some(json!({"world": replaced.stated()})),
            )
            .await?;
        expect_status(status, &[200], &text)?;
        let (status, body, text) = c.control(reqwest::Method::GET, &path_one, None).await?;
        expect_status(status, &[200], &text)?;
        let w = world_of(&body)?;
        if w.account.balance_sufficient {
            return Err("after the replacement, GET still shows the old world".into());
        }
        // Put back the sample (the old secret stays).
        let (status, _, text) = c
            .control(
                reqwest::Method::PUT,
                &path_one,
                Some(json!({"world": sample.stated()})),
            )
            .await?;
        expect_status(status, &[200], &text)
    }
    .await;
    c.record(
        "replace",
        "PUT over an existing world replaces it (200), keeping the secret when none is given",
        result,
    );

    // fault
    let fault = ApiError::injectable_common()[1].clone();
    let fault_doc = json!({"action": action().name, "code": fault.code, "message": fault.message});
    let disk = sample
        .disks
        .first()
        .map(|d| d.disk_id.clone())
        .unwrap_or_default();
    let snapshot = sample
        .snapshots
        .first()
        .map(|s| s.snapshot_id.clone())
        .unwrap_or_default();
    let result = async {
        let faults = format!("{path_one}/faults");
        let (status, body, text) = c
            .control(reqwest::Method::POST, &faults, Some(fault_doc.clone()))
            .await?;
        expect_status(status, &[201], &text)?;
        if world_of(&body)?.faults.len() != 1 {
            return Err("the answer's world does not list the fault".into());
        }
        let (status, code) = c.call(&one, &disk, &snapshot).await?;
        if (status, code.as_str()) != (fault.status, fault.code.as_ref()) {
            return Err(format!(
                "the next {} answered {status} {code:?}, not the fault's {} {:?}",
                action().name,
                fault.status,
                fault.code
            ));
        }
        let (status, code) = c.call(&one, &disk, &snapshot).await?;
        if code == fault.code {
            return Err(format!(
                "the fault was served twice ({status} {code}), its count is 1"
            ));
        }
        Ok(())
    }
    .await;
    c.record(
        "fault",
        "POST …/faults: 201, the next call answers the fault, once",
        result,
    );

    // reset
    let result = async {
        let faults = format!("{path_one}/faults");
        let (status, _, text) = c
            .control(reqwest::Method::POST, &faults, Some(fault_doc.clone()))
            .await?;
        expect_status(status, &[201], &text)?;
        let (status, _, text) = c
            .control(reqwest::Method::POST, &format!("{path_one}/reset"), None)
            .await?;
        expect_status(status, &[200], &text)?;
        let (status, body, text) = c.control(reqwest::Method::GET, &path_one, None).await?;
        expect_status(status, &[200], &text)?;
        let w = world_of(&body)?;
        if w != sample {
            return Err(format!(
                "the world was not restored as last loaded: GET shows {}",
                w.stated()
            ));
        }
        Ok(())
    }
    .await;
    c.record(
        "reset",
        "POST …/reset puts the world back as last loaded (a fault added since is gone)",
        result,
    );

    // error-shape
    let result = async {
        let cases = [
            (
                json!({"access_key_secret": "x", "world": {"disks": [{"disk_id": "d-1", "status": "NoSuchStatus"}]}}).to_string(),
                "world.disks[0].status",
            ),
            ("{".to_owned(), "(document)"),
            (json!({"world": {}}).to_string(), "access_key_secret"),
        ];
        for (body, field) in cases {
            let path = format!("/worlds/ecsc-check-{run_id}-bad");
            let (status, text) = c
                .client
                .control_raw(reqwest::Method::PUT, &path, Some(body.clone()))
                .await
                .map_err(|e| e.to_string())?;
            let doc: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let got_field = doc["error"]["field"].as_str();
            let message = doc["error"]["message"].as_str().unwrap_or_default();
            if status != 400 || got_field != Some(field) || message.is_empty() {
                return Err(format!(
                    "PUT {body:.80}: expected 400 with error.field {field:?} and a message, got {status}: {text:.200}"
                ));
            }
        }
        Ok(())
    }
    .await;
    c.record(
        "error-shape",
        "a bad document is a 400 naming the field at fault and saying why",
        result,
    );

    // isolation
    let result = async {
        let (status, _, text) = c
            .control(
                reqwest::Method::PUT,
                &path_two,
                Some(put(&two, world_two())),
            )
            .await?;
        expect_status(status, &[201], &text)?;
        let (_, body, _) = c.control(reqwest::Method::GET, &path_one, None).await?;
        let before = world_of(&body)?;
        let (_, body, _) = c.control(reqwest::Method::GET, &path_two, None).await?;
        let w2 = world_of(&body)?;
        if w2.disk(&disk).is_some() {
            return Err(format!(
                "the second key pair's world shows the first's disk {disk}"
            ));
        }
        let (status, code) = c.call(&two, &disk, &snapshot).await?;
        if status == 200 {
            return Err(format!(
                "a call signed by the second key pair reset the first's disk {disk}"
            ));
        }
        let (_, body, _) = c.control(reqwest::Method::GET, &path_one, None).await?;
        if world_of(&body)? != before {
            return Err(format!(
                "a call signed by the second key pair ({status} {code}) changed the first's world"
            ));
        }
        Ok(())
    }
    .await;
    c.record(
        "isolation",
        "two key pairs see only their own worlds, through the control API and through calls",
        result,
    );

    // delete
    let result = async {
        let (status, _, text) = c.control(reqwest::Method::DELETE, &path_two, None).await?;
        expect_status(status, &[204], &text)?;
        let (status, _, text) = c.control(reqwest::Method::GET, &path_two, None).await?;
        expect_status(status, &[404], &text)?;
        let (status, _, text) = c.control(reqwest::Method::DELETE, &path_two, None).await?;
        expect_status(status, &[404], &text)?;
        let (status, code) = c.call(&two, "d-check-two", "s-check-two").await?;
        if status == 200 || code != "InvalidAccessKeyId.NotFound" {
            return Err(format!(
                "a call signed by the deleted key pair answered {status} {code:?}, not InvalidAccessKeyId.NotFound"
            ));
        }
        let (status, _, text) = c.control(reqwest::Method::GET, &path_one, None).await?;
        expect_status(status, &[200], &text)
            .map_err(|e| format!("deleting the second world touched the first: {e}"))
    }
    .await;
    c.record(
        "delete",
        "DELETE removes a world (204, then 404) and its key pair, and nothing else",
        result,
    );
    // Each announced feature this harness knows (a newer one it cannot check, and says so).
    for feature in FEATURES.iter().filter(|f| features.iter().any(|a| a == *f)) {
        if let Some((name, what)) = feature_check(feature) {
            let result = c.feature(feature, &run_id).await;
            c.record(name, what, result);
        }
    }
    let bad = format!("/worlds/ecsc-check-{run_id}-bad");
    let announced = FEATURES
        .iter()
        .map(|f| format!("/worlds/ecsc-check-{run_id}-{f}"));
    for path in [path_one, path_two, bad].into_iter().chain(announced) {
        let _ = c.control(reqwest::Method::DELETE, &path, None).await;
    }
    Ok(ControlCheck {
        checks: c.checks,
        features,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::{
        FEATURE_EDITION_FAULTS, FEATURE_ENCRYPTION, FEATURE_TAGS, FEATURE_TRANSITIONS, Fault, World,
    };
    use worlds::{edition_faults, encrypted_world, tagged_world, timed_world};

    #[test]
    fn each_feature_s_world_needs_that_feature_and_no_other() {
        assert_eq!(tagged_world().features(), [FEATURE_TAGS]);
        assert_eq!(encrypted_world().features(), [FEATURE_ENCRYPTION]);
        assert_eq!(timed_world().features(), [FEATURE_TRANSITIONS]);
        for w in [tagged_world(), encrypted_world(), timed_world()] {
            assert!(w.validate().is_ok(), "{:?}", w.validate().err());
        }
        let faults = edition_faults();
        assert!(!faults.is_empty());
        for f in faults {
            let mut w = World::sample();
            w.faults.push(Fault {
                action: action().name.into(),
                code: f.code.to_string(),
                message: f.message.to_string(),
                count: 1,
            });
            assert_eq!(w.features(), [FEATURE_EDITION_FAULTS], "{f}");
        }
    }

    #[test]
    fn every_feature_of_the_protocol_has_a_check() {
        for f in FEATURES {
            let (name, what) = feature_check(f).unwrap_or_else(|| panic!("{f} has no check"));
            assert_eq!(name, *f);
            assert!(what.starts_with("announced: "), "{what}");
        }
        assert!(feature_check("newer").is_none());
    }
}
