//! `tlslint ciphers`: prints a cipher string's expansion like `openssl ciphers`.
//!
//! STUB: being written (issue 3).

use std::io::{self, Write};

use crate::cipher::Profile;
use crate::cli::CiphersArgs;

/// Runs the subcommand; returns the exit code (0 accepted, 1 rejected by OpenSSL).
pub fn run(
    args: &CiphersArgs,
    profile: Profile,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let _ = (args, profile, out, err);
    Ok(0)
}
