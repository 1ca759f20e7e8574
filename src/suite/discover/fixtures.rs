//! What discovery cannot find, named in `--fixtures FILE` (TOML, `docs/discover.md`): released
//! disks, and key pairs of accounts in a condition. A secret written in the file is refused.

use serde::Deserialize;

use crate::client::Credentials;
use crate::world::Account;

/// What discovery cannot find, from `--fixtures FILE` (TOML, `docs/discover.md`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    /// Ids of disks that existed in the account and were released.
    #[serde(default)]
    pub released_disk_ids: Vec<String>,
    /// Key pairs of accounts in an account condition, named by environment variables.
    #[serde(default)]
    pub accounts: Vec<AccountFixture>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountFixture {
    pub condition: AccountCondition,
    /// The environment variable holding the account's AccessKeyId.
    pub access_key_id_env: String,
    /// The environment variable holding its secret (never the secret itself).
    pub access_key_secret_env: String,
    /// The environment variable holding an STS token, for a temporary key pair.
    #[serde(default)]
    pub security_token_env: Option<String>,
}

/// The account conditions ResetDisk's error table names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountCondition {
    NotInDiskWhiteList,
    SnapshotServiceNotOpened,
    NotEnoughBalance,
    /// An account that holds no instance, disk or snapshot in the region.
    NoResources,
}

impl AccountCondition {
    fn account(self) -> Account {
        let mut a = Account::default();
        match self {
            Self::NotInDiskWhiteList => a.in_disk_white_list = false,
            Self::SnapshotServiceNotOpened => a.snapshot_service_opened = false,
            Self::NotEnoughBalance => a.balance_sufficient = false,
            Self::NoResources => {}
        }
        a
    }
}

/// How an account stands, in words: "" for one in good standing.
pub(super) fn account_words(a: &Account) -> String {
    let mut parts = Vec::new();
    if !a.in_disk_white_list {
        parts.push("is not in the disk white list (condition = \"not-in-disk-white-list\")");
    }
    if !a.snapshot_service_opened {
        parts.push(
            "has not opened the snapshot service (condition = \"snapshot-service-not-opened\")",
        );
    }
    if !a.balance_sufficient {
        parts.push("does not have enough balance (condition = \"not-enough-balance\")");
    }
    parts.join(" and ")
}

impl Fixtures {
    /// Reads a fixtures file. A secret written in the file is refused (unknown field).
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.message().to_owned())
    }

    /// Each account fixture's condition and key pair, read from the environment (at the edge:
    /// the command line, or a test).
    pub fn accounts(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Vec<(Account, Credentials)>, String> {
        self.accounts
            .iter()
            .map(|a| {
                let var = |name: &str| {
                    env(name).filter(|v| !v.is_empty()).ok_or_else(|| {
                        format!(
                            "the fixtures name the environment variable {name}, which is not set"
                        )
                    })
                };
                let mut c =
                    Credentials::new(var(&a.access_key_id_env)?, var(&a.access_key_secret_env)?);
                if let Some(t) = &a.security_token_env {
                    c = c.with_security_token(var(t)?);
                }
                Ok((a.condition.account(), c))
            })
            .collect()
    }
}
