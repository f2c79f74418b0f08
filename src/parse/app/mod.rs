//! Application configs (YAML/TOML/JSON) read through app descriptions ([`rules`]).
//!
//! A file is parsed once into the generic [`tree`]; every description that recognises a
//! document (file-name globs, key paths, Kubernetes `kind`/`apiVersion`) locates its TLS
//! blocks with [`path`] patterns and maps their fields onto the common model
//! ([`extract`]). Nothing here is specific to one application: Traefik, Envoy, etcd and the
//! rest are data in `rules/apps/`. This module does not judge settings; checks do.

pub mod extract;
pub mod golang;
pub mod jsse;
pub mod path;
pub mod rules;
pub mod tree;

use std::collections::HashSet;
use std::path::Path as FsPath;
use std::sync::OnceLock;

use super::{Options, ParseError, Parsed};
use crate::model::{Dialect, Endpoint, Model, PathBase, TlsSettings};
use crate::source::{FileId, Sources, Span};
use path::{KeyCase, Match};
use rules::AppRules;
use tree::{Format, Kind, Node, Scalar, ScalarType};

/// The built-in descriptions, loaded once (a broken one is a build bug caught by tests).
pub fn builtin() -> &'static [AppRules] {
    static RULES: OnceLock<Vec<AppRules>> = OnceLock::new();
    RULES.get_or_init(|| rules::builtin().unwrap_or_default())
}

/// True for names the app readers consider: `.yaml`, `.yml`, `.toml`, `.json` (read as
/// YAML, of which JSON is a subset), templates or samples of them (`values.yaml.tpl`,
/// `etcd.conf.yml.sample`), and names a built-in description's `files` globs match
/// (`mongod.conf`).
pub fn is_candidate_name(path: &FsPath) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    [".yaml", ".yml", ".toml", ".json"]
        .iter()
        .any(|ext| name.ends_with(ext) || name.contains(&format!("{ext}.")))
        // Other names only where a built-in description claims them (`*mongod*.conf`).
        || builtin()
            .iter()
            .any(|r| !r.files.is_empty() && name_ok(r, &name))
}

fn file_name(path: &FsPath) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The built-in apps that recognise a file (empty: not an app config we read).
pub fn recognise(path: &FsPath, text: &str) -> Vec<String> {
    recognise_in(path, text, builtin().iter())
}

/// The apps among `descriptions` that recognise a file.
pub fn recognise_in<'r>(
    path: &FsPath,
    text: &str,
    descriptions: impl Iterator<Item = &'r AppRules>,
) -> Vec<String> {
    let name = file_name(path);
    let mut apps = Vec::new();
    match tree::parse(Format::of(&name), FileId(0), text) {
        Ok(docs) => {
            for r in descriptions {
                if docs.iter().any(|d| recognises(r, &name, d)) {
                    apps.push(r.app.clone());
                }
            }
        }
        // An unparseable file is still claimed when it names an app's keys, so the syntax
        // error is reported instead of the file being skipped.
        Err(_) => {
            for r in descriptions {
                if name_ok(r, &name) && r.hints.iter().any(|h| text.contains(h.as_str())) {
                    apps.push(r.app.clone());
                }
            }
        }
    }
    apps
}

fn name_ok(r: &AppRules, name: &str) -> bool {
    r.files.is_empty() || r.files.iter().any(|g| g.is_match(name))
}

fn scalar_at<'a>(node: &'a Node, key: &str) -> Option<&'a str> {
    node.get(key)?.scalar().map(|s| s.value.as_str())
}

fn k8s_matches(k: &rules::K8s, doc: &Node) -> bool {
    scalar_at(doc, "kind") == Some(k.kind.as_str())
        && (k.api_version.is_empty()
            || scalar_at(doc, "apiVersion").is_some_and(|v| {
                k.api_version
                    .iter()
                    .any(|g| globset::Glob::new(g).is_ok_and(|g| g.compile_matcher().is_match(v)))
            }))
}

fn recognises(r: &AppRules, name: &str, doc: &Node) -> bool {
    if r.dotted_keys {
        // Expanded only when a key could need it (`a.b: 1`).
        if has_dotted_key(doc) {
            return recognises_doc(r, name, &tree::expand_dotted(doc));
        }
    }
    recognises_doc(r, name, doc)
}

/// True when some map key in the tree contains a dot.
fn has_dotted_key(doc: &Node) -> bool {
    let mut stack = vec![doc];
    while let Some(n) = stack.pop() {
        match &n.kind {
            Kind::Map(entries) => {
                for e in entries {
                    if e.key.contains('.') {
                        return true;
                    }
                    stack.push(&e.value);
                }
            }
            Kind::Seq(items) => stack.extend(items.iter()),
            Kind::Scalar(_) => {}
        }
    }
    false
}

fn recognises_doc(r: &AppRules, name: &str, doc: &Node) -> bool {
    name_ok(r, name)
        && (r.names.iter().any(|n| n == name)
            || r.kubernetes.iter().any(|k| k8s_matches(k, doc))
            || (r
                .keys
                .iter()
                .any(|k| !path::find(doc, k, r.key_case).is_empty())
                && (r.also.is_empty()
                    || r.also
                        .iter()
                        .any(|k| !path::find(doc, k, r.key_case).is_empty()))))
}

/// Parses an application config with every description (built-in and `options.app_rules`).
pub fn parse(path: &FsPath, sources: &mut Sources, options: &Options) -> Parsed {
    let options = &*crate::parse::confined_for(options, path);
    let mut parsed = Parsed::default();
    let file = match super::load(path, sources, options) {
        Ok(f) => f,
        Err(e) => {
            parsed.errors.push(e);
            return parsed;
        }
    };
    parsed.files.push(file);
    // Descriptions from `--app-rules` not loaded by the caller are loaded here.
    let mut own;
    let options = if options.extra_apps.is_empty() && !options.app_rules.is_empty() {
        own = options.clone();
        for e in own.load_app_rules() {
            parsed.errors.push(
                ParseError::new(Span::new(file, 0, 0), e)
                    .help("fix the description file; `rules/apps/README.md` documents the format"),
            );
        }
        &own
    } else {
        options
    };
    let all: Vec<&AppRules> = options.apps().collect();
    let text = std::sync::Arc::clone(&sources.get(file).text);
    let name = file_name(path);
    let docs = match tree::parse(Format::of(&name), file, &text) {
        Ok(d) => d,
        Err(e) => {
            parsed.errors.push(syntax_error(path, &text, e));
            return parsed;
        }
    };
    let mut recognised = false;
    let mut seen = HashSet::new();
    for doc in &docs {
        // The dotted-key view of the document, made once for the descriptions that use it.
        let expanded = all
            .iter()
            .any(|r| r.dotted_keys)
            .then(|| has_dotted_key(doc).then(|| tree::expand_dotted(doc)))
            .flatten();
        for &r in &all {
            let doc = match &expanded {
                Some(x) if r.dotted_keys => x,
                _ => doc,
            };
            if !recognises_doc(r, &name, doc) {
                continue;
            }
            recognised = true;
            let version = options.app_versions.get(&r.app).copied().or(r.version);
            let go = options
                .app_versions
                .get("go")
                .copied()
                .unwrap_or(golang::DEFAULT_GO);
            let java = options
                .app_versions
                .get("java")
                .copied()
                .unwrap_or(jsse::DEFAULT_JAVA);
            let mut ex = Extractor {
                rules: r,
                doc,
                text: &text,
                version,
                go,
                java,
                targets: &options.targets,
                model: &mut parsed.model,
                seen: &mut seen,
                misplaced: Vec::new(),
                file_name: &name,
            };
            ex.run();
        }
    }
    if !recognised {
        parsed.errors.push(
            ParseError::new(
                Span::new(file, 0, 0),
                "no app description recognises this file",
            )
            .help(format!(
                "descriptions: {}; add one with --app-rules DIR",
                all.iter()
                    .map(|r| r.app.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
    }
    parsed
}

/// A syntax error worded for the file: JSON is read with the YAML parser, and a template
/// is named as one.
fn syntax_error(path: &FsPath, text: &str, mut e: ParseError) -> ParseError {
    if path
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("json"))
        && let Some(rest) = e.message.strip_prefix("YAML syntax error")
    {
        e.message = format!("JSON syntax error (read as YAML){rest}");
    }
    if ["%{", "${", "{{"].iter().any(|t| text.contains(t)) {
        e = e.help(
            "this looks like a template (Terraform `%{ }`/`${ }`, Helm/Go `{{ }}`); \
             tlslint reads rendered files: render it and check the output",
        );
    }
    e
}

/// Runs one description over one document.
struct Extractor<'a> {
    rules: &'a AppRules,
    doc: &'a Node,
    text: &'a str,
    version: Option<crate::model::Version>,
    /// The Go version, for descriptions whose library is Go.
    go: crate::model::Version,
    /// The Java version, for descriptions whose library is JSSE.
    java: crate::model::Version,
    /// Program versions (the OpenSSL version and security level, for OpenSSL-based apps).
    targets: &'a crate::model::Targets,
    model: &'a mut Model,
    seen: &'a mut HashSet<String>,
    /// Keys found in the wrong kind of file: their span, what the program does, and why.
    misplaced: Vec<(Span, rules::OnUnknown, String)>,
    /// The file's base name (lower case), for keys naming this file.
    file_name: &'a str,
}

impl Extractor<'_> {
    fn run(&mut self) {
        let case = self.rules.key_case;
        for d in &self.rules.deprecated {
            for m in path::find(self.doc, &d.path, case) {
                let span = m.key_span.unwrap_or(m.node.span);
                let mut o = crate::model::Observation::new(
                    crate::model::ObservationKind::Deprecated,
                    span,
                    d.message.clone(),
                )
                .key(format!("{}/{}", self.rules.app, m.path));
                o.help.clone_from(&d.help);
                self.model.observations.push(o);
            }
        }
        self.find_misplaced();
        for loc in &self.rules.locate {
            if loc.kind.as_ref().is_some_and(|k| !k8s_matches(k, self.doc)) {
                continue;
            }
            for m in path::find(self.doc, &loc.path, case) {
                self.block(loc, &m);
            }
        }
    }

    /// Reports keys written in the wrong kind of file (Traefik's `tls` in a static
    /// configuration, recognised by a static-only root key beside it).
    fn find_misplaced(&mut self) {
        let case = self.rules.key_case;
        let Kind::Map(root) = &self.doc.kind else {
            return;
        };
        for mp in &self.rules.misplaced {
            // Static-configuration keys are matched in any case, as Traefik does.
            let Some(beside) = root
                .iter()
                .find(|e| mp.beside.iter().any(|b| b.eq_ignore_ascii_case(&e.key)))
            else {
                continue;
            };
            if mp
                .unless
                .iter()
                .any(|p| path::first(self.doc, p, case).is_some())
            {
                continue;
            }
            let names_self = mp.self_reference.iter().any(|p| {
                path::first(self.doc, p, case)
                    .and_then(|m| m.node.scalar())
                    .is_some_and(|s| {
                        let named = s.value.rsplit(['/', '\\']).next().unwrap_or("");
                        s.value.contains("{{") || named.eq_ignore_ascii_case(self.file_name)
                    })
            });
            if names_self {
                continue;
            }
            for m in path::find(self.doc, &mp.path, case) {
                let message = mp
                    .message
                    .replace("{beside}", &crate::escape::short(&beside.key));
                let kind = match mp.on {
                    rules::OnUnknown::Ignore => crate::model::ObservationKind::Ineffective,
                    _ => crate::model::ObservationKind::InvalidValue,
                };
                let mut o = crate::model::Observation::new(
                    kind,
                    m.key_span.unwrap_or(m.node.span),
                    message.clone(),
                )
                .key(format!("{}/{}", self.rules.app, m.path));
                o.help.clone_from(&mp.help);
                self.model.observations.push(o);
                self.misplaced.push((m.node.span, mp.on, message));
            }
        }
    }

    /// Why the program refuses a block inside a misplaced key, if it is in one.
    fn misplaced_refusal(&self, span: Span) -> Option<String> {
        self.misplaced
            .iter()
            .find(|(s, on, _)| {
                *on != rules::OnUnknown::Ignore && s.start <= span.start && span.end <= s.end
            })
            .map(|(_, _, why)| why.clone())
    }

    /// Whether the locator's conditions on the matched node leave it out: inside a key the
    /// program drops in this kind of file, a `where` not met, or an `unless_every` met.
    fn left_out(&self, loc: &rules::Locate, m: &Match<'_>) -> bool {
        let case = self.rules.key_case;
        // A block inside a key the program skips in this kind of file does not exist.
        if self.misplaced.iter().any(|(s, on, _)| {
            *on == rules::OnUnknown::Ignore
                && s.start <= m.node.span.start
                && m.node.span.end <= s.end
        }) {
            return true;
        }
        for (p, globs) in &loc.conditions {
            let start = if p.rooted { self.doc } else { m.node };
            let ok = path::find(start, p, case).iter().any(|c| {
                c.node
                    .scalar()
                    .is_some_and(|s| globs.iter().any(|g| g.is_match(&s.value)))
            });
            if !ok {
                return true;
            }
        }
        for (capture, p, globs) in &loc.unless_every {
            let start = match capture {
                Some(n) => match m.captures.get(n.wrapping_sub(1)) {
                    Some((_, node)) => *node,
                    None => continue,
                },
                None if p.rooted => self.doc,
                None => m.node,
            };
            let found = path::find(start, p, case);
            let every = !found.is_empty()
                && found.iter().all(|c| {
                    c.node
                        .scalar()
                        .is_some_and(|s| globs.iter().any(|g| g.is_match(&s.value)))
                });
            if every {
                return true;
            }
        }
        false
    }

    /// Whether the block's own fields leave it out: an `unless` met, no `require_any` path,
    /// or a `require_none` path present.
    fn left_out_by_fields(&self, loc: &rules::Locate, ctx: &Node) -> bool {
        let case = self.rules.key_case;
        let excluded = loc.unless.iter().any(|(p, globs)| {
            let start = if p.rooted { self.doc } else { ctx };
            path::find(start, p, case).iter().any(|c| {
                c.node
                    .scalar()
                    .is_some_and(|s| globs.iter().any(|g| g.is_match(&s.value)))
            })
        });
        excluded
            || (!loc.require_any.is_empty()
                && !loc
                    .require_any
                    .iter()
                    .any(|p| path::first(ctx, p, case).is_some()))
            || loc.require_none.iter().any(|p| {
                let start = if p.rooted { self.doc } else { ctx };
                path::first(start, p, case).is_some()
            })
    }

    fn block(&mut self, loc: &rules::Locate, m: &Match<'_>) {
        let case = self.rules.key_case;
        if self.left_out(loc, m) {
            return;
        }
        let synthetic;
        let mut block = m.node;
        if !loc.flags.is_empty() {
            synthetic = flags_map(m.node, &loc.flags, case);
            block = &synthetic;
        } else if let (Some([name, value]), Kind::Seq(items)) = (&loc.pairs, &m.node.kind) {
            synthetic = pairs_map(m.node.span, items, name, value);
            block = &synthetic;
        }
        let ctx = match &loc.context {
            Some(p) => match path::first(block, p, case) {
                Some(c) => c.node,
                None => return,
            },
            None => block,
        };
        if !matches!(ctx.kind, Kind::Map(_)) {
            return;
        }
        if self.left_out_by_fields(loc, ctx) {
            return;
        }
        let key = self.render(&loc.key, m);
        // One endpoint per block: a specific locator and a catch-all may find the same one.
        let at = format!("{}\u{0}@{}", self.rules.app, m.node.span.start);
        let named = format!("{}\u{0}{key}", self.rules.app);
        if self.seen.contains(&at) || self.seen.contains(&named) {
            return;
        }
        self.seen.insert(at);
        self.seen.insert(named);
        let endpoint = Endpoint {
            dialect: Dialect::App,
            app: Some(self.rules.app.clone()),
            name: self.render(&loc.name, m).into(),
            key,
            side: loc.side,
            span: self.first_line(m.key_span.unwrap_or(m.node.span)),
            sockets: Vec::new(),
            server_names: Vec::new(),
            tls: TlsSettings::default(),
            negotiable: None,
            handshake_default: None,
            mx_delivery: false,
            unknown: Vec::new(),
            relative_paths: PathBase::NamingFile,
        };
        let index = self.model.endpoints.len();
        self.model.endpoints.push(endpoint);
        let refusal = self.misplaced_refusal(m.node.span);
        let mut fx = extract::Fields {
            rules: self.rules,
            loc,
            doc: self.doc,
            ctx,
            first_capture: m.captures.first().map(|c| c.0.as_str()),
            version: self.version,
            go: self.go,
            java: self.java,
            targets: self.targets,
            index,
            model: self.model,
            refusal,
            fallback: None,
            ignore_written: false,
        };
        fx.run();
    }

    /// A block found as a sequence item spans the whole item; its first line names it.
    fn first_line(&self, span: Span) -> Span {
        let text = self
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("");
        match text.find('\n') {
            Some(n) => span.sub(0, text[..n].trim_end().len()),
            None => span,
        }
    }

    /// Expands `{N}`, `{N:path}`, `{/path}` and `{path}` in a name or key template.
    fn render(&self, template: &str, m: &Match<'_>) -> String {
        let case = self.rules.key_case;
        let mut out = String::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let inner = &rest[open + 1..open + close];
            rest = &rest[open + close + 1..];
            let scalar = |start: &Node, p: &str| {
                path::Path::parse(p)
                    .ok()
                    .and_then(|p| path::first(start, &p, case))
                    .and_then(|x| x.node.scalar().map(|s| s.value.clone()))
            };
            let text = if inner == "path" {
                m.path.clone()
            } else if let Some(p) = inner.strip_prefix('/') {
                scalar(self.doc, p).unwrap_or_else(|| "?".to_owned())
            } else {
                let (n, sub) = inner.split_once(':').unwrap_or((inner, ""));
                let cap = n
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| m.captures.get(n.wrapping_sub(1)));
                match cap {
                    Some((text, node)) if !sub.is_empty() => {
                        scalar(node, sub).unwrap_or_else(|| text.clone())
                    }
                    Some((text, _)) => text.clone(),
                    None => "?".to_owned(),
                }
            };
            out.push_str(&text);
        }
        out.push_str(rest);
        out
    }
}

/// Builds a map from a list of `{name: k, value: v}` items (items without both are
/// skipped); each value keeps its own node and span.
fn pairs_map(span: Span, items: &[Node], name: &str, value: &str) -> Node {
    let entries = items
        .iter()
        .filter_map(|item| {
            let n = item.get(name)?;
            let key = n.scalar()?.value.clone();
            Some(tree::Entry {
                key,
                key_span: n.value_span(),
                value: item.get(value)?.clone(),
            })
        })
        .collect();
    Node {
        span,
        kind: Kind::Map(entries),
    }
}

/// Builds a map from `--key=value` items of the given sequences (a container's `command`
/// and `args`), each value spanning exactly its text after `=`. A `--key` item followed by
/// an item that is not a flag takes that item as its value (`--key value`, as the programs'
/// flag parser reads it); a `--key` item alone is a switch, `true`.
fn flags_map(node: &Node, lists: &[path::Path], case: KeyCase) -> Node {
    let mut entries = Vec::new();
    for p in lists {
        for m in path::find(node, p, case) {
            let Kind::Seq(items) = &m.node.kind else {
                continue;
            };
            let mut rest = items.iter().peekable();
            while let Some(item) = rest.next() {
                let Some(s) = item.scalar() else { continue };
                let Some(flag) = s.value.strip_prefix("--") else {
                    continue;
                };
                let key_span = |k: &str| s.exact.map_or(item.span, |sp| sp.sub(2, 2 + k.len()));
                if let Some((k, v)) = flag.split_once('=') {
                    let exact = s.exact.map(|sp| sp.sub(3 + k.len(), s.value.len()));
                    entries.push(flag_entry(k, key_span(k), v, exact, item.span));
                    continue;
                }
                let next = rest
                    .peek()
                    .and_then(|n| n.scalar().map(|ns| (n, ns)))
                    .filter(|(_, ns)| !ns.value.starts_with('-'));
                match next {
                    Some((n, ns)) => {
                        entries.push(flag_entry(
                            flag,
                            key_span(flag),
                            &ns.value,
                            ns.exact,
                            n.span,
                        ));
                        rest.next();
                    }
                    None => entries.push(flag_entry(flag, key_span(flag), "true", None, item.span)),
                }
            }
        }
    }
    Node {
        span: node.span,
        kind: Kind::Map(entries),
    }
}

/// One flag of [`flags_map`]: a string value at `exact` when known, else at `span`.
fn flag_entry(
    key: &str,
    key_span: Span,
    value: &str,
    exact: Option<Span>,
    span: Span,
) -> tree::Entry {
    tree::Entry {
        key: key.to_owned(),
        key_span,
        value: Node {
            span: exact.unwrap_or(span),
            kind: Kind::Scalar(Scalar {
                value: value.to_owned(),
                quoted: true,
                ty: ScalarType::Str,
                exact,
            }),
        },
    }
}
