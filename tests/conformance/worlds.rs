//! The world each scenario states, as the runner sends it: the embedded suite run once against
//! the mock at the latest edition (which offers every optional feature and accepts every fault
//! of its edition; a world whose fault is of older editions alone is refused, and not recorded)
//! through a recording proxy, each scenario matched with the document its key pair was given.
//!
//! The proofs that say which scenarios a given server cannot run (`control`, `editions`) derive
//! their expected sets from these documents, not from the runner's own reasons.

use std::collections::BTreeMap;

use ecs_conformance::MockServer;
use ecs_conformance::suite::{self, RunOutput};
use serde_json::Value;

use crate::proxy;

/// The reference run and the world document each of its scenarios stated.
pub struct Stated {
    /// By scenario name (`feature / scenario`); a scenario none of whose calls was signed by the
    /// key pair its world was installed under is missing (a probe with an unknown key only).
    pub worlds: BTreeMap<String, Value>,
    pub out: RunOutput,
}

impl Stated {
    /// The scenarios whose world `pred` holds for.
    pub fn whose(&self, pred: impl Fn(&Value) -> bool) -> std::collections::BTreeSet<String> {
        self.worlds
            .iter()
            .filter(|(_, w)| pred(w))
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// The scenarios one of whose calls carried the parameter `name`.
    pub fn calling_with(&self, name: &str) -> std::collections::BTreeSet<String> {
        self.out
            .results
            .scenarios
            .iter()
            .filter(|r| {
                r.exchanges
                    .iter()
                    .any(|a| a.params.iter().any(|(k, _)| k == name))
            })
            .map(|r| r.label())
            .collect()
    }
}

pub async fn stated() -> Result<Stated, String> {
    let mock = MockServer::start()
        .await
        .map_err(|e| format!("the mock did not start: {e}"))?;
    let (url, proxy, _stop) = proxy::start(mock.url(), |_, _| {}).await;
    let out = suite::run(proxy::through(url))
        .await
        .map_err(|e| format!("the reference run: {e:#}"))?;
    let documents = proxy
        .documents
        .lock()
        .expect("the proxy lock is whole")
        .clone();
    let worlds = out
        .results
        .scenarios
        .iter()
        .filter_map(|r| {
            let doc = r
                .exchanges
                .iter()
                .find_map(|a| documents.get(&a.access_key_id))?;
            Some((r.label(), doc.clone()))
        })
        .collect::<BTreeMap<_, _>>();
    if worlds.is_empty() {
        return Err("the reference run stated no world".into());
    }
    Ok(Stated { worlds, out })
}
