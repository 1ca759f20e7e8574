//! The target seam: how a scenario gets the state its Given steps describe, and how it observes
//! that state afterwards. Three ways (`run --world`): the control API (each scenario installs its
//! own world under its own key pair), existing resources ([`super::discover`]: each scenario is
//! bound to resources of the account tagged for it), and none (only scenarios that need no world
//! run).
//!
//! Ids in the feature files (`d-1`, `s-1`) are aliases: a [`Binding`] maps them to the target's
//! ids (the control API keeps them as they are).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::future::BoxFuture;

use crate::client::{Call, Client, ClientError, Credentials};
use crate::world::World;

/// Why a scenario got no binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unbound {
    /// The target cannot give this scenario its state: it is reported not run, with this reason.
    NotRun(String),
    /// Preparing the state failed: the scenario is not run ("setup failed"), which judges nothing.
    Failed(String),
    /// Preparing the state got no answer at all: not run, and the endpoint stopped answering.
    NoAnswer(String),
    /// Preparing the state timed out while the runner itself stalled: not run, the harness's
    /// fault, with how long it stalled.
    Stalled {
        reason: String,
        stalled: std::time::Duration,
    },
    /// The scenario's own world is invalid: a defect of the suite, which fails the scenario.
    Invalid(String),
}

/// One way of giving scenarios their state.
pub trait Seam: Send + Sync + std::fmt::Debug {
    /// `control`, `discover` or `none`: what `run --world` calls it.
    fn name(&self) -> &'static str;

    /// Why scenarios that need a world cannot run on this target; `None` when they can.
    fn cannot_install(&self) -> Option<String> {
        None
    }

    /// Prepares one scenario: installs `world` (when the scenario has one) and gives the client
    /// and aliases its calls go through. `empty_account`: the scenario needs an account that
    /// holds no resources at all (an empty `world` alone means only that it needs none).
    fn bind<'a>(
        &'a self,
        base: &'a Client,
        world: &'a World,
        empty_account: bool,
    ) -> BoxFuture<'a, Result<Binding, Unbound>>;

    /// Whether `call` (aliases resolved) may be sent; `Err` is why the scenario is not run. The
    /// runner asks before every call.
    fn admit(&self, _binding: &Binding, _call: &Call) -> Result<(), String> {
        Ok(())
    }

    /// Whether [`Seam::observe`] can see what only the target's own state shows (a disk's last
    /// reset). When it cannot, such expectations are reported "not checked on this target".
    fn observes(&self) -> bool {
        true
    }

    /// The scenario's world as the target holds it now; `Err` says why it cannot be seen (a
    /// failed setup when the target did not show it).
    fn observe<'a>(
        &'a self,
        base: &'a Client,
        binding: &'a Binding,
    ) -> BoxFuture<'a, Result<World, Unbound>>;

    /// Removes what `bind` installed. A failure changes no result, so it is not reported.
    fn release<'a>(&'a self, base: &'a Client, binding: &'a Binding) -> BoxFuture<'a, ()>;
}

/// What a seam holds for one scenario until it releases it: for discovery, the resources it
/// claimed. The seam that made it reads it back through [`Hold::as_any`].
pub trait Hold: std::fmt::Debug + Send + Sync {
    /// An id for `alias`, which the scenario's world does not hold, that names no resource.
    fn absent_id(&self, alias: &str) -> String;
    fn as_any(&self) -> &dyn std::any::Any;
}

/// A scenario's view of the target: the client its calls use, and its aliases.
#[derive(Debug, Clone)]
pub struct Binding {
    pub client: Client,
    pub(super) aliases: HashMap<String, String>,
    /// What the seam holds for the scenario until it is released (claimed resources).
    pub(super) claim: Option<std::sync::Arc<dyn Hold>>,
}

impl Binding {
    fn new(client: Client) -> Self {
        Self {
            client,
            aliases: HashMap::new(),
            claim: None,
        }
    }

    /// The target's id for `alias`: the bound resource; for an alias the scenario's world does
    /// not hold, on a claimed account, an id that names no resource; else itself.
    pub fn resolve(&self, alias: &str) -> String {
        if let Some(id) = self.aliases.get(alias) {
            return id.clone();
        }
        match &self.claim {
            Some(claim) => claim.absent_id(alias),
            None => alias.to_owned(),
        }
    }
}

/// The control API (`docs/control-api.md`): a fresh key pair and world per scenario.
#[derive(Debug)]
pub struct ControlApi {
    run_id: String,
    keys: AtomicUsize,
    /// The target, for reasons.
    url: String,
    /// The optional features of version 1 the target offers.
    features: Vec<String>,
}

impl ControlApi {
    pub fn new(url: &str, features: Vec<String>) -> Self {
        Self {
            run_id: uuid::Uuid::new_v4().simple().to_string()[..8].to_owned(),
            keys: AtomicUsize::new(0),
            url: url.to_owned(),
            features,
        }
    }

    /// Why `world` cannot be installed here: a feature it needs that the target does not offer.
    fn missing_feature(&self, world: &World) -> Option<String> {
        let missing: Vec<&str> = world
            .features()
            .into_iter()
            .filter(|f| !self.features.iter().any(|o| o == f))
            .collect();
        (!missing.is_empty()).then(|| {
            format!(
                "needs the control API's optional feature{} {}, which {} does not offer \
                 (docs/control-api.md, change log)",
                if missing.len() == 1 { "" } else { "s" },
                missing
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                self.url
            )
        })
    }
}

impl Seam for ControlApi {
    fn name(&self) -> &'static str {
        "control"
    }

    fn bind<'a>(
        &'a self,
        base: &'a Client,
        world: &'a World,
        _: bool,
    ) -> BoxFuture<'a, Result<Binding, Unbound>> {
        Box::pin(async move {
            if let Some(why) = self.missing_feature(world) {
                return Err(Unbound::NotRun(why));
            }
            let n = self.keys.fetch_add(1, Ordering::Relaxed);
            let credentials = Credentials::new(
                format!("ecsc-{}-{n}", self.run_id),
                uuid::Uuid::new_v4().simple().to_string(),
            );
            world
                .validate()
                .map_err(|e| Unbound::Invalid(format!("this scenario's world is invalid: {e}")))?;
            base.put_world(&credentials, world)
                .await
                .map_err(|e| match e {
                    ClientError::Stalled { stalled, .. } => Unbound::Stalled {
                        reason: format!("installing the world: {e}"),
                        stalled,
                    },
                    ClientError::Http { source, .. } => Unbound::NoAnswer(format!(
                        "the control API did not answer: {}",
                        crate::client::unreachable_cause(&source)
                    )),
                    ClientError::Control { message, .. } => {
                        Unbound::Failed(format!("the control API refused the world: {message}"))
                    }
                    other => Unbound::Failed(format!("the world could not be installed: {other}")),
                })?;
            Ok(Binding::new(base.with_credentials(credentials)))
        })
    }

    fn observe<'a>(
        &'a self,
        base: &'a Client,
        binding: &'a Binding,
    ) -> BoxFuture<'a, Result<World, Unbound>> {
        Box::pin(async move {
            base.get_world(&binding.client.credentials().access_key_id)
                .await
                .map_err(|e| match e {
                    ClientError::Stalled { stalled, .. } => Unbound::Stalled {
                        reason: format!("reading the world: {e}"),
                        stalled,
                    },
                    ClientError::Http { source, .. } => Unbound::NoAnswer(format!(
                        "the control API did not answer when the world was read: {}",
                        crate::client::unreachable_cause(&source)
                    )),
                    ClientError::Control { message, .. } => Unbound::Failed(format!(
                        "the control API did not show the world: {message}"
                    )),
                    other => Unbound::Failed(format!("the world could not be read: {other}")),
                })
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
    fn name(&self) -> &'static str {
        "none"
    }

    fn cannot_install(&self) -> Option<String> {
        Some(self.reason.clone())
    }

    fn bind<'a>(
        &'a self,
        base: &'a Client,
        _: &'a World,
        _: bool,
    ) -> BoxFuture<'a, Result<Binding, Unbound>> {
        Box::pin(async move { Ok(Binding::new(base.clone())) })
    }

    fn admit(&self, _: &Binding, call: &Call) -> Result<(), String> {
        super::safety::could_change(call).map_or(Ok(()), Err)
    }

    fn observes(&self) -> bool {
        false
    }

    fn observe<'a>(
        &'a self,
        _: &'a Client,
        _: &'a Binding,
    ) -> BoxFuture<'a, Result<World, Unbound>> {
        let reason = self.reason.clone();
        Box::pin(async move {
            Err(Unbound::NotRun(format!(
                "the target's state cannot be observed: {reason}"
            )))
        })
    }

    fn release<'a>(&'a self, _: &'a Client, _: &'a Binding) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::Tag;

    #[test]
    fn a_world_that_needs_a_feature_the_target_lacks_names_it() {
        let plain = World::sample();
        let mut tagged = World::sample();
        tagged.disks[0].tags.push(Tag {
            key: "team".into(),
            value: "a".into(),
        });
        let first = ControlApi::new("http://old.example", Vec::new());
        assert_eq!(first.missing_feature(&plain), None);
        let why = first.missing_feature(&tagged).unwrap();
        assert!(
            why.contains("optional feature `tags`") && why.contains("http://old.example"),
            "{why}"
        );
        let current = ControlApi::new("http://new.example", vec!["tags".into()]);
        assert_eq!(current.missing_feature(&tagged), None);
    }
}
