//! Properties, over arbitrary input: the gateway never panics, never answers 5xx (no fault is
//! scheduled), and every answer on the ECS path is a well-formed ECS envelope, in the format
//! asked for, that the suite's own answer model reads; the world parser either accepts a
//! document that re-serialises to an equivalent one, or refuses it naming a field.
//!
//! `cargo test` runs a bounded number of cases; the long mode is the same tests with more:
//! `ECSC_PROPERTY_CASES=1000000 cargo test --release --lib properties`.

use proptest::prelude::*;
use proptest::test_runner::Config;

use super::*;
use crate::client::Prepared;
use crate::suite::document::Document;

fn cases(default: u32) -> Config {
    let cases = std::env::var("ECSC_PROPERTY_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Text that is mostly plausible, sometimes hostile: control characters, non-characters, `%`.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9_.-]{0,12}",
        "\\PC{0,12}",
        proptest::collection::vec(any::<char>(), 0..8).prop_map(|c| c.into_iter().collect()),
        Just("%".to_owned()),
        Just("\u{1}\u{FFFF}".to_owned()),
    ]
}

fn form() -> impl Strategy<Value = WireForm> {
    prop_oneof![
        Just(WireForm::V1Get),
        Just(WireForm::V1PostQuery),
        Just(WireForm::V1PostForm),
        Just(WireForm::V3),
    ]
}

/// How a signed request is spoiled, if at all.
#[derive(Debug, Clone)]
enum Spoil {
    None,
    WrongSecret,
    FlipQueryByte(usize),
    DropHeader(usize),
    AppendBody(String),
    RawQuery(Vec<u8>),
}

fn spoil() -> impl Strategy<Value = Spoil> {
    prop_oneof![
        3 => Just(Spoil::None),
        1 => Just(Spoil::WrongSecret),
        1 => any::<usize>().prop_map(Spoil::FlipQueryByte),
        1 => any::<usize>().prop_map(Spoil::DropHeader),
        1 => text().prop_map(Spoil::AppendBody),
        1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(Spoil::RawQuery),
    ]
}

/// A request as it reaches the gateway.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// The format a well-formed request asked for.
    asked: Option<Format>,
}

fn signed() -> impl Strategy<Value = Request> {
    (
        prop_oneof![
            Just("ResetDisk".to_owned()),
            Just("DescribeDisks".to_owned()),
            Just("DescribeRegions".to_owned()),
            "[A-Za-z]{1,10}",
        ],
        proptest::collection::vec((text(), text()), 0..5),
        form(),
        prop_oneof![
            Just(None),
            Just(Some(Format::Xml)),
            Just(Some(Format::Json))
        ],
        spoil(),
    )
        .prop_map(|(action, params, form, format, spoil)| {
            let mut call = Call::new(action, form, format);
            for (k, v) in params {
                call = call.param(k, v);
            }
            if matches!(spoil, Spoil::WrongSecret) {
                call.tamper.wrong_secret = Some("wrong".into());
            }
            let creds = Credentials::new("testid", "testsecret");
            let nonce = uuid::Uuid::new_v4().to_string();
            let p: Prepared = call.prepare(
                &creds,
                "127.0.0.1:1",
                time::OffsetDateTime::now_utc(),
                &nonce,
            );
            let (path, query) = p
                .path_and_query
                .split_once('?')
                .map_or((p.path_and_query.clone(), String::new()), |(a, b)| {
                    (a.to_owned(), b.to_owned())
                });
            let mut headers = p.headers.clone();
            headers.push(("host".into(), "127.0.0.1:1".into()));
            let mut r = Request {
                method: p.method.to_owned(),
                path,
                query,
                headers,
                body: p.body.into_bytes(),
                asked: format,
            };
            // Spoiling the query, a header or the body may spoil the Format asked for too.
            if !matches!(spoil, Spoil::None | Spoil::WrongSecret) {
                r.asked = None;
            }
            match spoil {
                Spoil::FlipQueryByte(i) if !r.query.is_empty() => {
                    let mut bytes = r.query.into_bytes();
                    let i = i % bytes.len();
                    bytes[i] ^= 0x01;
                    r.query = String::from_utf8_lossy(&bytes).into_owned();
                }
                Spoil::DropHeader(i) if !r.headers.is_empty() => {
                    let i = i % r.headers.len();
                    r.headers.remove(i);
                }
                Spoil::AppendBody(extra) => r.body.extend(extra.into_bytes()),
                Spoil::RawQuery(bytes) => r.query = String::from_utf8_lossy(&bytes).into_owned(),
                _ => {}
            }
            r
        })
}

fn arbitrary() -> impl Strategy<Value = Request> {
    (
        prop_oneof![
            Just("GET".to_owned()),
            Just("POST".to_owned()),
            Just("PUT".to_owned()),
            "[A-Z]{1,7}",
        ],
        prop_oneof![Just("/".to_owned()), "/[ -~]{0,20}"],
        proptest::collection::vec(any::<u8>(), 0..128),
        proptest::collection::vec(("[a-z-]{1,20}", "[ -~]{0,40}"), 0..6),
        proptest::collection::vec(any::<u8>(), 0..128),
    )
        .prop_map(|(method, path, query, headers, body)| Request {
            method,
            path,
            query: String::from_utf8_lossy(&query).into_owned(),
            headers,
            body,
            asked: None,
        })
}

/// The gateway's answer to `r`, checked: no 5xx, a well-formed envelope in its format.
fn check(shared: &Shared, r: &Request) -> Result<(), TestCaseError> {
    let headers: Vec<(String, String)> = r
        .headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect();
    let incoming = Incoming {
        method: &r.method,
        path: &r.path,
        query: &r.query,
        headers: &headers,
        body: &r.body,
    };
    let a = respond(
        shared,
        &incoming,
        Ok(()),
        "F3CD6886-D8D0-4FEE-B93E-1B73239673DE",
    );
    prop_assert!(a.status < 500, "status {} for {r:?}", a.status);
    let doc = match a.format {
        Format::Xml => Document::parse_xml(&a.text),
        Format::Json => Document::parse_json(&a.text),
    };
    let doc = doc.map_err(|e| TestCaseError::fail(format!("{e}: {} for {r:?}", a.text)))?;
    prop_assert!(
        doc.field("RequestId").is_some_and(|id| !id.is_empty()),
        "{}",
        a.text
    );
    match a.status {
        200 => prop_assert!(doc.field("Code").is_none()),
        _ => {
            prop_assert!(
                doc.field("Code").is_some_and(|c| !c.is_empty()),
                "{}",
                a.text
            );
            prop_assert!(doc.field("Message").is_some(), "{}", a.text);
            if a.format == Format::Xml {
                prop_assert_eq!(doc.root.as_deref(), Some("Error"));
            }
        }
    }
    if let Some(asked) = r.asked {
        // A well-formed request that asked for a format and got past parameter parsing.
        if a.code.as_deref() != Some("InvalidParameter") {
            prop_assert_eq!(a.format, asked, "{}", a.text);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(cases(500))]

    #[test]
    fn signed_or_spoiled_requests_get_well_formed_answers(r in signed()) {
        let shared = Shared::new(MockConfig::default());
        check(&shared, &r)?;
    }

    #[test]
    fn arbitrary_requests_get_well_formed_answers(r in arbitrary()) {
        let shared = Shared::new(MockConfig::default());
        check(&shared, &r)?;
    }
}

/// Arbitrary JSON, with the world document's field names common enough to build real worlds.
fn json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop_oneof![
            Just("In_use"),
            Just("Available"),
            Just("Stopped"),
            Just("Running"),
            Just("accomplished"),
            Just("progressing"),
            Just("d-1"),
            Just("i-1"),
            Just("s-1"),
            Just("security"),
            Just("financial"),
            Just("PrePaid"),
            Just("2020-01-01T00:00:00Z"),
        ]
        .prop_map(|s| Value::String(s.to_owned())),
        "\\PC{0,8}".prop_map(Value::String),
    ];
    let key = prop_oneof![
        Just("account"),
        Just("instances"),
        Just("disks"),
        Just("snapshots"),
        Just("faults"),
        Just("released_disk_ids"),
        Just("instance_id"),
        Just("disk_id"),
        Just("snapshot_id"),
        Just("source_disk_id"),
        Just("status"),
        Just("lock_reasons"),
        Just("region_id"),
        Just("category"),
        Just("reset_duration_ms"),
        Just("kms_keys"),
        Just("key_id"),
        Just("encrypted"),
        Just("kms_key_id"),
        Just("in_disk_white_list"),
        Just("charge_type"),
        Just("expired_time"),
        Just("creation_time"),
        Just("size_gib"),
        Just("colour"),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(key.clone().prop_map(str::to_owned), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(cases(2000))]

    #[test]
    fn the_world_parser_round_trips_or_names_a_field(doc in json()) {
        let bytes = serde_json::to_vec(&doc).unwrap_or_default();
        match World::from_json(&bytes) {
            Ok(world) => {
                let again = serde_json::to_vec(&world).unwrap_or_default();
                let reparsed = World::from_json(&again);
                prop_assert_eq!(reparsed.as_ref().ok(), Some(&world), "{:?}", reparsed);
            }
            // An object is refused at one of its fields; only a document that is no object at
            // all is refused as a whole.
            Err(e) => prop_assert!(
                !e.field.is_empty() && (e.field != "(document)" || !doc.is_object()),
                "no field named: {e:?}"
            ),
        }
    }
}
