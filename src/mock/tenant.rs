//! A tenant: one access key's secret, its world, and the runtime state a world document does not
//! hold (each action's own, such as ResetDisk's resets in progress). Worlds are isolated per access key: every call is signed, and the
//! key that signed it selects the world it runs against.

use crate::contract::editions::Edition;
use std::collections::HashMap;

use time::OffsetDateTime;

use super::actions::{self, Served};
use crate::api_error::ApiError;
use crate::format::Format;
use crate::params::Params;
use crate::world::World;

pub struct Tenant {
    pub secret: String,
    /// When set, the key pair is a temporary (STS) one: every call must carry this token.
    pub security_token: Option<String>,
    /// What `reset` restores: the world as it was last loaded.
    pub initial: World,
    pub world: World,
    /// Each action's state between calls, by action name.
    states: HashMap<&'static str, actions::State>,
}

impl Tenant {
    pub fn new(secret: String, world: World) -> Self {
        Self {
            secret,
            security_token: None,
            initial: world.clone(),
            world,
            states: HashMap::new(),
        }
    }

    /// Replaces the world (and what `reset` restores) and forgets the actions' state.
    pub fn load(&mut self, world: World) {
        self.initial = world.clone();
        self.world = world;
        self.states.clear();
    }

    /// Whether a call carrying `presented` may act for this key pair: a temporary key pair
    /// needs its own token; a permanent one takes none.
    pub fn check_token(&self, presented: Option<&str>) -> Result<(), ApiError> {
        match (self.security_token.as_deref(), presented) {
            (None, None) => Ok(()),
            (Some(_), None) => Err(ApiError::missing("SecurityToken")),
            (Some(ours), Some(theirs)) if ours == theirs => Ok(()),
            _ => Err(crate::catalogue::Catalogue::common()
                .error("InvalidSecurityToken.MismatchWithAccessKey")),
        }
    }

    pub fn reset(&mut self) {
        self.world = self.initial.clone();
        self.states.clear();
    }

    /// Runs an authenticated call of `action`; a scheduled fault for it answers first. The
    /// success comes rendered in `format`.
    pub fn call(
        &mut self,
        action: Served,
        params: &Params,
        format: Format,
        request_id: String,
        now: OffsetDateTime,
        edition: &'static Edition,
    ) -> Result<String, ApiError> {
        // Transitions whose time has come end before the call reads the world.
        self.world.settle(now);
        if let Some(fault) = self.world.take_fault(action.name()) {
            return Err(fault);
        }
        let call = actions::Invocation {
            world: &mut self.world,
            state: self.states.entry(action.name()).or_default(),
            now,
            request_id,
            format,
            edition,
        };
        actions::run(action, call, params)
    }
}
