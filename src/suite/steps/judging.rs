//! What a Then step's check sees: the scenario's answers so far, those the step made aside, and
//! where its recorded answers are. The run hands it the answers it received; `verify --rejudge`
//! those a report records. (Apart from the step's declaration, so that the scenario's world can
//! hand it over without importing the declarations that act on the world.)

use crate::results::ScenarioId;
use crate::suite::answer::Answer;
use crate::suite::files::SuiteFiles;
use crate::suite::recorded::SnapshotMode;

/// What a Then step's check sees: the scenario's answers so far, those the step made aside, and
/// where the scenario's recorded answers are. The run hands it the answers it received;
/// `verify --rejudge` those a report records.
pub struct Judging<'a> {
    pub scenario: &'a ScenarioId,
    /// The answers of the scenario's When steps, in order.
    pub answers: &'a [Answer],
    /// The answers of the calls this step made aside.
    pub aside: &'a [Answer],
    pub files: &'a SuiteFiles,
    pub snapshot_mode: SnapshotMode,
}

impl Judging<'_> {
    /// The last answer.
    pub fn last(&self) -> Result<&Answer, String> {
        (self.answers.last()).ok_or_else(|| "no call was made before this step".into())
    }
}
