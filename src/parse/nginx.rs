//! nginx: lexer, parser with includes, and extraction of TLS endpoints.
//!
//! STUB: being written (issue 2).

use std::path::Path;

use super::{Options, Parsed};
use crate::source::Sources;

/// True when the text looks like an nginx config (top-level `http {`, `server {`, ...).
pub fn looks_like(text: &str) -> bool {
    text.contains("server {") || text.contains("http {")
}

/// Parses an nginx entry file and everything it includes.
pub fn parse(path: &Path, sources: &mut Sources, options: &Options) -> Parsed {
    let _ = (path, sources, options);
    Parsed::default()
}
