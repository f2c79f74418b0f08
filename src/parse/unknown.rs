//! Settings an unread include may set: the model's third state besides "written" and
//! "the program's default". The dialect extractors find which include may set which setting
//! (each by its program's rules of precedence); this module turns that into the endpoint's
//! [`Unknown`] list and into the words of the include's one `outside-root` note.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::gateway::Gateway;

use crate::model::{Endpoint, Observation, TlsSettings, Unknown, setting_words};
use crate::source::Span;

/// Finds the settings of `tls` that an unread include may set: `over(directive)` names the
/// include (its span and how it is written) that may set `directive` for this endpoint.
/// `certificate` is the directive that names the certificate.
///
/// Unless `strict`, those settings are dropped from `tls` (checks do not judge them) and
/// returned; with `strict` they keep their values, with a note saying what was assumed.
pub(crate) fn mark(
    tls: &mut TlsSettings,
    certificate: &str,
    strict: bool,
    over: &mut dyn FnMut(&str) -> Option<(Span, String)>,
) -> Vec<Unknown> {
    let mut found: Vec<Unknown> = Vec::new();
    for (setting, s) in tls.each_mut() {
        let Some(s) = s else { continue };
        let Some(directive) = s.directive_name().cloned() else {
            continue;
        };
        let Some((source, written)) = over(&directive) else {
            continue;
        };
        if strict {
            s.note_that(format!(
                "`{written}` was not read and may set `{directive}`; judged as if it does not (--strict-unknown)"
            ));
        }
        found.push(Unknown {
            setting,
            directive,
            source,
        });
    }
    if tls.certificates.is_empty()
        && let Some((source, _)) = over(certificate)
    {
        found.push(Unknown {
            setting: "certificates",
            directive: certificate.into(),
            source,
        });
    }
    if strict {
        return Vec::new();
    }
    for u in &found {
        tls.forget(u.setting);
    }
    found
}

/// The endpoints each unread include leaves settings unknown in, by the include's span.
pub(crate) fn affected(endpoints: &[Endpoint]) -> HashMap<Span, Vec<usize>> {
    let mut by: HashMap<Span, Vec<usize>> = HashMap::new();
    for (i, e) in endpoints.iter().enumerate() {
        let mut last = None;
        for u in &e.unknown {
            if last != Some(u.source) {
                by.entry(u.source).or_default().push(i);
                last = Some(u.source);
            }
        }
    }
    by
}

/// What the note of the unread include at `include` adds to "… was not read": which
/// settings of which endpoints it leaves unknown. `program` names whose defaults
/// `--strict-unknown` assumes.
pub(crate) fn clause(
    endpoints: &[Endpoint],
    affected: &HashMap<Span, Vec<usize>>,
    include: Span,
    program: &str,
    strict: bool,
) -> String {
    let Some((&first, rest)) = affected.get(&include).and_then(|a| a.split_first()) else {
        return if strict {
            format!("; {program}'s defaults are assumed for what it may set (--strict-unknown)")
        } else {
            String::new()
        };
    };
    let e = &endpoints[first];
    let others = match rest.len() {
        0 => String::new(),
        1 => " and 1 more endpoint".to_owned(),
        n => format!(" and {n} more endpoints"),
    };
    format!(
        "; it may set {} of {}{others}, so these are not judged",
        words(e, include),
        e.name
    )
}

/// How a note of an unread include ends before [`describe`] says more.
const UNSEEN: &str = "; the settings it holds could not be seen";

/// Adds the [`clause`] to each note of an unread include (by its span), the endpoint it
/// concerns when it concerns one, and the help that says how to read it.
pub(crate) fn describe(
    notes: &mut [Observation],
    endpoints: &[Endpoint],
    program: &str,
    strict: bool,
) {
    let affected = affected(endpoints);
    for o in notes {
        let clause = clause(endpoints, &affected, o.span, program, strict);
        if !clause.is_empty()
            && let Some(read) = o.message.strip_suffix(UNSEEN)
        {
            o.message = read.to_owned();
        }
        o.message.push_str(&clause);
        if let Some([only]) = affected.get(&o.span).map(Vec::as_slice) {
            o.endpoint = Some(*only);
        }
        o.help = Some(help(program));
    }
}

/// How to read an unread include, or to judge without it.
pub(crate) fn help(program: &str) -> String {
    format!(
        "map the deploy path into the repository with `--map DEPLOY=DIR` (or `[paths]` in \
         .tlslint.toml), or pass --allow-outside-root to read it; `--strict-unknown` judges \
         {program}'s defaults in its place"
    )
}

/// The settings one unread include leaves unknown, in words: `the cipher suites and ticket
/// keys`, or `every TLS setting but the protocols` when few are known.
fn words(e: &Endpoint, include: Span) -> String {
    let mine: Vec<&Unknown> = e.unknown.iter().filter(|u| u.source == include).collect();
    let known: Vec<&str> = e.tls.present().into_iter().map(setting_words).collect();
    if known.len() <= 2 && mine.len() > 2 {
        return if known.is_empty() {
            "every TLS setting".to_owned()
        } else {
            format!(
                "every TLS setting but the {}",
                crate::diagnostic::and_list(&known)
            )
        };
    }
    let words: Vec<&str> = mine.iter().map(|u| setting_words(u.setting)).collect();
    format!("the {}", crate::diagnostic::and_list(&words))
}

/// Unread includes for which a mapping is looked for, per entry file (each look is a few
/// dozen `stat` calls).
const MAX_SUGGESTIONS: usize = 32;

/// Directories looked in for one include's file.
const MAX_PLACES: usize = 128;

/// Gives the note of each unread include (by span) whose file or directory also exists in
/// the tree a help line with the exact `--map` that reads it: the include's directory mapped
/// to the tree directory holding the longest matching tail of its path, looked for from
/// the entry file's directory up to the checked root (`/config/nginx/ssl.conf` and
/// `./nginx/ssl.conf` give `--map /config/nginx=nginx`).
pub(crate) fn suggest_maps(
    notes: &mut [Observation],
    unread: &[(Span, &Path)],
    entry: &Path,
    gateway: &Gateway,
) {
    let mut seen: Vec<Span> = Vec::new();
    for &(span, path) in unread {
        if seen.len() >= MAX_SUGGESTIONS {
            break;
        }
        if seen.contains(&span) {
            continue;
        }
        seen.push(span);
        let Some((from, to)) = suggestion(path, entry, gateway) else {
            continue;
        };
        let (from, to) = (from.display(), crate::source::display_name(&to));
        let to = if to.is_empty() { ".".to_owned() } else { to };
        for o in notes.iter_mut().filter(|o| o.span == span) {
            o.help = Some(format!(
                "the tree has this file under `{to}`: run with `--map {from}={to}` (or \
                 `\"{from}\" = \"{to}\"` under `[paths]` in .tlslint.toml) to read it there"
            ));
        }
    }
}

/// The mapping (deploy directory, tree directory) that makes `path` readable in the tree,
/// if its tail exists there.
fn suggestion(path: &Path, entry: &Path, gateway: &Gateway) -> Option<(PathBuf, PathBuf)> {
    if !path.is_absolute() {
        return None;
    }
    // A glob's directory part: the include reads a directory's files.
    let names: Vec<&std::ffi::OsStr> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n),
            _ => None,
        })
        .collect();
    let plain = names
        .iter()
        .position(|n| crate::glob::is_pattern(&n.to_string_lossy()))
        .unwrap_or(names.len());
    let (names, is_dir) = (&names[..plain], plain < names.len());
    if names.is_empty() {
        return None;
    }
    let root = gateway.root()?;
    let parent = entry.parent().unwrap_or(Path::new("."));
    let start = parent
        .canonicalize()
        .unwrap_or_else(|_| crate::gateway::absolute(parent));
    // The entry's directory and those above it up to the root, then their subdirectories
    // (a snippet often sits beside the config's directory: `nginx/` and `snippets/`).
    let ancestors: Vec<&Path> = start
        .ancestors()
        .take_while(|d| d.starts_with(root))
        .take(16)
        .collect();
    let mut dirs: Vec<PathBuf> = ancestors.iter().map(|d| d.to_path_buf()).collect();
    for d in &ancestors {
        let Ok(names) = gateway.list(d) else { continue };
        for n in names.iter() {
            if dirs.len() >= MAX_PLACES {
                break;
            }
            let child = d.join(n);
            if !n.to_string_lossy().starts_with('.')
                && !dirs.contains(&child)
                && gateway.is_dir(&child)
            {
                dirs.push(child);
            }
        }
    }
    // Longest tail first: more matching names, more certainly the same file.
    for keep in (1..=names.len()).rev() {
        let tail: PathBuf = names[names.len() - keep..].iter().collect();
        for d in &dirs {
            let here = d.join(&tail);
            let found = if is_dir {
                gateway.is_dir(&here)
            } else {
                gateway.is_file(&here)
            };
            if found {
                let deploy: PathBuf = std::iter::once(std::ffi::OsStr::new("/"))
                    .chain(names.iter().copied())
                    .collect();
                return Some(if is_dir {
                    (deploy, here)
                } else {
                    (deploy.parent()?.to_path_buf(), here.parent()?.to_path_buf())
                });
            }
        }
    }
    None
}

/// Makes `e` a snippet endpoint: a file read without the config that includes it (or, for
/// a lone `master.cf`, without its `main.cf`), so the program's defaults are not known to
/// apply: every defaulted setting becomes unknown (`source`: the snippet's start). What
/// the snippet writes is judged as usual. With `strict` (`--strict-unknown`) the defaults
/// stay and are judged.
/// The end of parsing a config read from an entry file with includes (Dovecot, httpd): a
/// fragment's endpoints ([`as_snippet`], at the start of `entry`), then the notes of the
/// includes not read ([`describe`]) with `--map` suggestions, added to the model.
pub(crate) fn close_includes(
    model: &mut crate::model::Model,
    mut notes: Vec<Observation>,
    unread: &[(Span, PathBuf)],
    fragment: Option<Span>,
    program: &str,
    entry: &Path,
    options: &crate::parse::Options,
) {
    if let Some(at) = fragment {
        for e in &mut model.endpoints {
            as_snippet(e, at, options.strict_unknown);
        }
    }
    describe(
        &mut notes,
        &model.endpoints,
        program,
        options.strict_unknown,
    );
    let paths: Vec<(Span, &Path)> = unread.iter().map(|(s, p)| (*s, p.as_path())).collect();
    suggest_maps(&mut notes, &paths, entry, &options.gateway);
    model.observations.extend(notes);
}

pub(crate) fn as_snippet(e: &mut Endpoint, source: Span, strict: bool) {
    if strict {
        return;
    }
    let mut found = Vec::new();
    for (setting, s) in e.tls.each_mut() {
        let Some(s) = s else { continue };
        if !matches!(s.origin(), crate::model::Origin::Default { .. }) {
            continue;
        }
        let directive = s
            .directive_name()
            .cloned()
            .unwrap_or_else(|| setting.into());
        found.push(Unknown {
            setting,
            directive,
            source,
        });
    }
    for u in found {
        e.tls.forget(u.setting);
        e.unknown.push(u);
    }
}
