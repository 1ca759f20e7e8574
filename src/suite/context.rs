//! What every scenario of a run shares: the run's client and seam, the suite's files, how
//! recorded answers are handled, the level failures count at, the gated edition, the waivers,
//! and the records worlds hand over as their scenarios end.

use std::collections::HashMap;
use std::sync::Mutex;

use super::files::SuiteFiles;
use super::record::ScenarioRecord;
use super::recorded::SnapshotMode;
use super::target::Seam;
use super::waivers::Waivers;
use crate::client::Client;
use crate::contract::editions::Edition;
use crate::evidence::Level;
use crate::results::ScenarioId;

/// What every scenario of a run shares.
#[derive(Debug)]
pub(crate) struct RunState {
    /// The run's client: the target, with the run's own credentials.
    pub client: Client,
    /// How scenarios get their state.
    pub seam: Box<dyn Seam>,
    pub files: SuiteFiles,
    pub snapshot_mode: SnapshotMode,
    pub fail_on: Level,
    /// The edition the run is gated on.
    pub edition: &'static Edition,
    /// The edition the embedded mock serves, whose answers may be recorded; `None` for an
    /// endpoint.
    pub recording: Option<&'static Edition>,
    /// The run's waivers, and its date (in UTC), on which each is in force or expired.
    pub waivers: Waivers,
    pub date: time::Date,
    /// The records worlds handed over as their scenarios ended, until the collector closes them.
    pub records: Mutex<HashMap<ScenarioId, ScenarioRecord>>,
}

impl RunState {
    /// A scenario's world hands over its record, once, when the scenario ends. Two scenarios of
    /// one id (the same feature and scenario names, from edited feature files) keep both records'
    /// findings: a failure never vanishes behind a namesake that passed.
    pub fn hand_over(&self, id: ScenarioId, record: ScenarioRecord) {
        let mut records = self.records.lock().unwrap_or_else(|p| p.into_inner());
        match records.remove(&id) {
            Some(earlier) => records.insert(id, earlier.merged(record)),
            None => records.insert(id, record),
        };
    }

    /// The record of the finished scenario `id` (empty when its world never started).
    pub fn take_record(&self, id: &ScenarioId) -> ScenarioRecord {
        self.records
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id)
            .unwrap_or_default()
    }
}
