//! tlslint: lint TLS settings in server configs against a policy.
//!
//! The pipeline ([`engine`]): discover files → [`parse`] them with byte spans, every
//! read through the [`gateway`], into the common [`model`] → run the [`checks`] a [`policy`]
//! enables → [`report`] the [`diagnostic`]s. `main.rs` only parses arguments and turns
//! [`run`]'s result into an exit code; the subcommands live in `commands`.
//!
//! Around the checks sit the project-level layers: a config file and the run's settings
//! resolved once, per-path overrides, include-aware handling of named fragments, inline
//! suppressions ([`suppress`], applied inside [`check_paths`] so the fixture harness sees
//! them too) and a baseline.

pub(crate) mod baseline;
pub mod checks;
pub mod cipher;
pub mod cli;
mod commands;
pub(crate) mod config;
pub mod diagnostic;
pub(crate) mod discover;
pub mod engine;
pub mod escape;
pub mod exclude;
pub mod fix;
pub(crate) mod fragment;
pub mod gateway;
pub(crate) mod glob;
pub mod material;
pub mod model;
pub mod negotiate;
pub(crate) mod own_inputs;
pub(crate) mod parallel;
pub mod parse;
pub mod policy;
pub mod report;
pub(crate) mod rewrite;
pub(crate) mod settings;
pub mod source;
pub(crate) mod spelling;
pub mod suppress;
pub(crate) mod write;

pub use commands::run;
pub use engine::{Enabled, Extras, Input, Outcome, check_paths, check_paths_with};

/// Exit code: no finding at or above the fail level.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: findings at or above the fail level.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage, I/O, config, policy or parse error.
pub const EXIT_ERROR: u8 = 2;
