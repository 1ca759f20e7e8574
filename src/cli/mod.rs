//! The commands: each module holds a command's arguments and its body; `main.rs` dispatches.
//! Every command returns its exit status, or a [`fail::Fail`]: what `main` prints, once, and the
//! status it exits with. `args.rs` reads the values the commands' arguments share.

mod args;
pub mod call;
pub mod control_check;
pub mod diff;
pub mod editions;
pub mod fail;
pub mod metadata;
pub mod mock;
pub mod run;
pub mod verify;
pub mod waivers;
