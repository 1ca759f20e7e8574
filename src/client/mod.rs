//! The signing client: sends [`Call`]s (built by [`request`]) to any endpoint with reqwest, and
//! speaks the control API ([`control`]). It depends on no mock code: what both sides agree on is
//! in [`crate::protocol`].
//!
//! Errors never carry a URL: a signed URL is a secret. Redirects are never followed, and answers
//! are read up to a cap.

mod control;
mod http;
mod pulse;
mod request;

pub use http::{Client, ClientError, DEFAULT_MAX_BODY, DEFAULT_TIMEOUT, RawResponse};
pub(crate) use http::{is_local_url, unreachable_cause};
pub use pulse::Pulse;
pub use request::{Call, Credentials, Method, Prepared, Tamper, WireForm};
