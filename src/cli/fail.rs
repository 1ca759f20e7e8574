//! A command that ends without doing its job: what `main` prints, once, and the exit status that
//! goes with it.

use std::fmt;
use std::process::ExitCode;

/// Could not check anything (exit status 2).
pub const CANNOT_CHECK: u8 = 2;

/// A command that ends without doing its job: the message for stderr (one or more lines, printed
/// as they are) and the exit status that goes with it.
#[derive(Debug)]
pub struct Fail {
    status: u8,
    message: String,
}

impl Fail {
    pub fn new(status: u8, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// `error: WHAT`, with its status.
    pub fn error(status: u8, what: impl fmt::Display) -> Self {
        Self::new(status, format!("error: {what}"))
    }

    /// Nothing could be checked (exit status 2): `error: WHAT`.
    pub fn cannot_check(what: impl fmt::Display) -> Self {
        Self::error(CANNOT_CHECK, what)
    }

    /// Ctrl-C before anything was certified (exit status 130, as a shell reports SIGINT).
    pub fn interrupted() -> Self {
        Self::new(130, "interrupted: nothing was certified")
    }

    /// The same failure, with one more line of explanation.
    pub fn and(mut self, line: impl fmt::Display) -> Self {
        self.message = format!("{}\n{line}", self.message);
        self
    }

    pub fn exit_status(&self) -> ExitCode {
        ExitCode::from(self.status)
    }
}

impl fmt::Display for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// An error from an edge (files, sockets, the client): exit status 1, with its causes.
impl From<anyhow::Error> for Fail {
    fn from(e: anyhow::Error) -> Self {
        Self::error(1, format_args!("{e:#}"))
    }
}
