//! nginx: an nginx-exact lexer, a parser that expands includes, and extraction of TLS
//! endpoints into the common model.
//!
//! The split: [`lexer`] models `ngx_conf_read_token()`, [`tree`] builds directive blocks
//! and expands `include` (with `crate::glob`), [`extract`] turns the tree into endpoints and
//! observations with nginx's inheritance rules and version-dependent defaults. Checks
//! never see this module's types; they read the model.

use std::path::Path;

use super::{Options, Parsed};
use crate::source::{FileId, Sources};

pub mod extract;
pub mod lexer;
pub mod tree;

/// Trees with at least this many directives are freed on another thread.
const BACKGROUND_DROP: usize = 10_000;

/// Top-level blocks that only an nginx main config has.
const MAIN_BLOCKS: &[&str] = &["http", "events", "stream", "mail"];

/// True when the text looks like an nginx config: a top-level `http`, `events`, `stream`
/// or `mail` block, or a top-level `server` block (an `http`-context fragment).
///
/// Cheap: it tokenizes (no includes, no tree) and stops at the first top-level match.
/// Dovecot's `.conf` files also have `name {` blocks, but never these names at top level.
pub fn looks_like(text: &str) -> bool {
    let mut lexer = lexer::Lexer::new(text, FileId(0), 0, text.len());
    let mut args = Vec::new();
    let mut errors = Vec::new();
    let mut depth = 0usize;
    loop {
        match lexer.statement(&mut args, &mut errors) {
            lexer::End::Eof => return false,
            lexer::End::Semicolon(_) => {}
            lexer::End::BlockEnd(_) => depth = depth.saturating_sub(1),
            lexer::End::BlockStart(_) => {
                let name = args
                    .first()
                    .map_or("", |a| a.value.trim_start_matches('\u{feff}'));
                if depth == 0
                    && args.len() == 1
                    && (MAIN_BLOCKS.contains(&name) || name == "server")
                {
                    return true;
                }
                if name.ends_with("_by_lua_block") {
                    lexer.skip_lua_block(&mut errors);
                } else {
                    depth += 1;
                }
            }
        }
        // Dovecot and other `key = value` formats make nginx-syntax noise quickly.
        if errors.len() > 3 {
            return false;
        }
    }
}

/// True when the text is an nginx TLS snippet: simple directives only (`name args;`, no
/// blocks, no `=` as in `key = value` formats), at least one of them a TLS directive
/// (`ssl_*`, `proxy_ssl_*`, ...). Such a file is included into a block elsewhere.
pub fn looks_like_snippet(text: &str) -> bool {
    let mut lexer = lexer::Lexer::new(text, FileId(0), 0, text.len());
    let mut args = Vec::new();
    let mut errors = Vec::new();
    let mut tls = false;
    // A snippet is a few dozen lines; a long file without a block is something else.
    for _ in 0..512 {
        match lexer.statement(&mut args, &mut errors) {
            lexer::End::Eof => return tls && errors.is_empty(),
            lexer::End::Semicolon(_) => {
                if args.iter().skip(1).any(|a| a.value == "=") {
                    return false;
                }
                let name = args
                    .first()
                    .map_or("", |a| a.value.trim_start_matches('\u{feff}'));
                tls |= name.starts_with("ssl_")
                    || ["proxy_ssl_", "grpc_ssl_", "uwsgi_ssl_"]
                        .iter()
                        .any(|p| name.starts_with(p));
            }
            lexer::End::BlockStart(_) | lexer::End::BlockEnd(_) => return false,
        }
        if !errors.is_empty() {
            return false;
        }
    }
    false
}

/// Parses an nginx entry file and everything it includes.
pub fn parse(path: &Path, sources: &mut Sources, options: &Options) -> Parsed {
    let options = &*crate::parse::confined_for(options, path);
    let tree = tree::parse(path, sources, options);
    let (mut model, extra) = extract::extract(&tree, options);
    if !tree.outside_root.is_empty() {
        let unread: Vec<(crate::source::Span, &Path)> = tree
            .outside_root
            .iter()
            .map(|(id, p, _)| (tree.get(*id).span, p.as_path()))
            .collect();
        crate::parse::unknown::suggest_maps(
            &mut model.observations,
            &unread,
            path,
            &options.gateway,
        );
    }
    let mut tree = tree;
    let mut errors = std::mem::take(&mut tree.errors);
    errors.extend(extra);
    let files = std::mem::take(&mut tree.files);
    let opaque = std::mem::take(&mut tree.opaque);
    // The tree is not needed any more; freeing its many small allocations one by one takes
    // a while, so big ones are freed off the critical path.
    if tree.directives.len() >= BACKGROUND_DROP {
        crate::parallel::drop_later(tree);
    }
    Parsed {
        model,
        errors,
        files,
        opaque,
    }
}
