//! The target seam: how a scenario gets the state its Given steps describe, and how it observes
//! that state afterwards. Today two ways: the control API (each scenario installs its own world
//! under its own key pair) and none (only scenarios that need no world run). The next ways —
//! existing resources on a real account, a container — plug in here.
//!
//! Ids in the feature files (`d-1`, `s-1`) are aliases: a [`Binding`] maps them to the target's
//! ids (the control API keeps them as they are).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::future::BoxFuture;

use crate::client::{Client, Credentials};
use crate::world::World;

/// One way of giving scenarios their state.
pub trait Seam: Send + Sync + std::fmt::Debug {
    /// Why scenarios that need a world cannot run on this target; `None` when they can.
    fn cannot_install(&self) -> Option<String>;

    /// Prepares one scenario: installs `world` (when the scenario has one) and gives the client
    /// and aliases its calls go through.
    fn bind<'a>(
        &'a self,
        base: &'a Client,
        world: &'a World,
    ) -> BoxFuture<'a, Result<Binding, String>>;

    /// The scenario's world as the target holds it now.
    fn observe<'a>(
        &'a self,
        base: &'a Client,
        binding: &'a Binding,
    ) -> BoxFuture<'a, Result<World, String>>;

    /// Removes what `bind` installed. A failure changes no result, so it is not reported.
    fn release<'a>(&'a self, base: &'a Client, binding: &'a Binding) -> BoxFuture<'a, ()>;
}

/// A scenario's view of the target: the client its calls use, and its aliases.
#[derive(Debug, Clone)]
pub struct Binding {
    pub client: Client,
    aliases: HashMap<String, String>,
}

impl Binding {
    /// The target's id for `alias` (itself when the seam keeps ids as they are).
    pub fn resolve<'a>(&'a self, alias: &'a str) -> &'a str {
        self.aliases.get(alias).map_or(alias, String::as_str)
    }
}

/// The control API (`docs/control-api.md`): a fresh key pair and world per scenario.
#[derive(Debug)]
pub struct ControlApi {
    run_id: String,
    keys: AtomicUsize,
}

impl ControlApi {
    pub fn new() -> Self {
        Self {
            run_id: uuid::Uuid::new_v4().simple().to_string()[..8].to_owned(),
            keys: AtomicUsize::new(0),
        }
    }
}

impl Seam for ControlApi {
    fn cannot_install(&self) -> Option<String> {
        None
    }

    fn bind<'a>(
        &'a self,
        base: &'a Client,
        world: &'a World,
    ) -> BoxFuture<'a, Result<Binding, String>> {
        Box::pin(async move {
            let n = self.keys.fetch_add(1, Ordering::Relaxed);
            let credentials = Credentials::new(
                format!("ecsc-{}-{n}", self.run_id),
                uuid::Uuid::new_v4().simple().to_string(),
            );
            world
                .validate()
                .map_err(|e| format!("this scenario's world is invalid: {e}"))?;
            base.put_world(&credentials, world)
                .await
                .map_err(|e| format!("the world could not be installed: {e}"))?;
            Ok(Binding {
                client: base.with_credentials(credentials),
                aliases: HashMap::new(),
            })
        })
    }

    fn observe<'a>(
        &'a self,
        base: &'a Client,
        binding: &'a Binding,
    ) -> BoxFuture<'a, Result<World, String>> {
        Box::pin(async move {
            base.get_world(&binding.client.credentials().access_key_id)
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn release<'a>(&'a self, base: &'a Client, binding: &'a Binding) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let _ = base
                .delete_world(&binding.client.credentials().access_key_id)
                .await;
        })
    }
}

/// No way to state a world: scenarios that need one are not run; the others call the target
/// with the run's own credentials.
#[derive(Debug)]
pub struct NoState {
    pub reason: String,
}

impl Seam for NoState {
    fn cannot_install(&self) -> Option<String> {
        Some(self.reason.clone())
    }

    fn bind<'a>(
        &'a self,
        base: &'a Client,
        _: &'a World,
    ) -> BoxFuture<'a, Result<Binding, String>> {
        Box::pin(async move {
            Ok(Binding {
                client: base.clone(),
                aliases: HashMap::new(),
            })
        })
    }

    fn observe<'a>(
        &'a self,
        _: &'a Client,
        _: &'a Binding,
    ) -> BoxFuture<'a, Result<World, String>> {
        let reason = self.reason.clone();
        Box::pin(async move { Err(format!("the target's state cannot be observed: {reason}")) })
    }

    fn release<'a>(&'a self, _: &'a Client, _: &'a Binding) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
}
