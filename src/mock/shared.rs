//! The store every request shares: the tenants (one world per access key) and the nonces seen,
//! and the answer to an ECS request once its body is in hand.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use time::OffsetDateTime;

use super::config::{Limits, MockConfig};
use super::gateway::{self, Incoming};
use super::nonces::Nonces;
use super::tenant::Tenant;
use crate::api_error::ApiError;
use crate::contract::editions::Edition;
use crate::format::Format;

/// State shared by every request: the tenants (one world per access key) and the nonces seen.
pub struct Shared {
    tenants: Mutex<HashMap<String, Tenant>>,
    nonces: Mutex<Nonces>,
    pub(super) log: bool,
    pub(super) limits: Limits,
    /// The edition of the contract every tenant is served.
    pub(super) edition: &'static Edition,
}

impl Shared {
    pub(super) fn new(config: MockConfig) -> Self {
        let mut tenant = Tenant::new(config.access_key_secret, config.world);
        tenant.security_token = config.security_token;
        Self {
            tenants: Mutex::new(HashMap::from([(config.access_key_id, tenant)])),
            nonces: Mutex::new(Nonces::default()),
            log: config.log,
            limits: config.limits,
            edition: config.edition,
        }
    }

    /// A poisoned lock only means another request panicked; the map itself is still whole.
    pub(super) fn tenants(&self) -> MutexGuard<'_, HashMap<String, Tenant>> {
        self.tenants.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn answer(
        &self,
        incoming: &Incoming<'_>,
        request_id: &str,
    ) -> (Format, Option<String>, Result<String, ApiError>) {
        let now = OffsetDateTime::now_utc();
        let instant = Instant::now();
        let unverified = match gateway::check(incoming, Some(now)) {
            Ok(unverified) => unverified,
            Err(r) => return (r.format, r.action, Err(r.error)),
        };
        // One lock for the rest: the secret the signature is checked with belongs to the tenant
        // the call then runs against.
        let mut tenants = self.tenants();
        let mut tenant = tenants.get_mut(unverified.access_key_id());
        let call = match unverified.verify(tenant.as_ref().map(|t| t.secret.as_str())) {
            Ok(call) => call,
            Err(r) => return (r.format, r.action, Err(r.error)),
        };
        let fresh = self
            .nonces
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(&call.access_key_id, &call.nonce, instant);
        let result = if !fresh {
            Err(ApiError::nonce_used())
        } else {
            match tenant.as_mut() {
                Some(t) => t
                    .check_token(call.security_token.as_deref())
                    .and_then(|()| {
                        t.call(
                            call.action,
                            &call.params,
                            call.format,
                            request_id.to_owned(),
                            now,
                            self.edition,
                        )
                    }),
                // Not reached: verify refuses a key no tenant holds.
                None => Err(ApiError::access_key_not_found()),
            }
        };
        drop(tenants);
        (call.format, Some(call.action.name().to_owned()), result)
    }
}
