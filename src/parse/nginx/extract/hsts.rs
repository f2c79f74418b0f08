//! The Strict-Transport-Security header (RFC 6797) an http `server` sends over TLS.
//!
//! nginx facts applied here (`ngx_http_headers_filter_module.c`, 1.22–1.29): a block inherits
//! the enclosing block's `add_header` lines only when it has none of its own; without
//! `always` a line is applied to 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308
//! responses only; an empty value sends nothing; header names are case-insensitive.
//! `more_set_headers` (the headers-more module) merges the lines of every level and sets the
//! header whatever `add_header` does. Browsers keep the first header they get (RFC 6797 §8.1).
//!
//! The header is left unknown where something else may send it: an application behind
//! `proxy_pass` and its siblings, a Lua or njs handler, a value with variables, and (through
//! [`crate::parse::unknown::mark`]) an include that was not read.

use super::{BodyKind, Chain, DirId, Extractor, MAX_DEPTH, Scope, ServerInfo};
use crate::model::{Hsts, HstsElsewhere, Setting};
use crate::source::Span;

/// The header's name.
const NAME: &str = "Strict-Transport-Security";

/// Directives that hand a request to an application, which may send the header itself.
const PASSES: [&str; 5] = [
    "proxy_pass",
    "fastcgi_pass",
    "uwsgi_pass",
    "scgi_pass",
    "grpc_pass",
];

/// Handlers that run code able to set response headers (OpenResty, njs, embedded Perl).
const SCRIPTED: [&str; 5] = [
    "rewrite_by_lua",
    "access_by_lua",
    "content_by_lua",
    "header_filter_by_lua",
    "server_rewrite_by_lua",
];

/// A server's HSTS setting and the unread include that may change it.
pub(super) struct HstsFound {
    /// `None`: not known (the header may come from elsewhere).
    pub(super) setting: Option<Setting<Option<Hsts>>>,
    /// An include that was not read and may add or drop the header.
    pub(super) unread: Option<DirId>,
}

/// A header line: the directive, the header it sends, where its value is.
#[derive(Clone)]
struct Line {
    id: DirId,
    directive: &'static str,
    hsts: Hsts,
    value: Span,
}

/// What the responses of one level carry.
#[derive(Clone)]
enum Sent {
    None,
    Header(Line),
    Unknown,
}

/// nginx's header state at one level (http, server, location, `if` in a location).
#[derive(Clone)]
struct Level {
    /// From the `add_header` lines in force.
    add: Sent,
    /// The first `add_header` of the block whose lines are in force.
    add_first: Option<DirId>,
    /// From the `more_set_headers` lines in force (merged from every level).
    more: Sent,
    /// A script handler that may set headers is in force.
    script: bool,
}

impl Level {
    fn root() -> Level {
        Level {
            add: Sent::None,
            add_first: None,
            more: Sent::None,
            script: false,
        }
    }

    fn sent(&self) -> Sent {
        if self.script {
            return Sent::Unknown;
        }
        match &self.more {
            Sent::None => self.add.clone(),
            more => more.clone(),
        }
    }
}

/// What the locations of a server send.
#[derive(Default)]
struct Walk {
    elsewhere: Vec<HstsElsewhere>,
    /// The first location with a header line of its own.
    first: Option<(String, Line)>,
    /// Some location's header may come from elsewhere.
    unknown: bool,
    /// The first include that was not read in a location.
    unread: Option<DirId>,
}

impl<'t> Extractor<'t> {
    /// The HSTS header of an http server that answers over TLS.
    pub(super) fn hsts(&mut self, s: &ServerInfo<'t>, chain: &Chain<'_, 't>) -> HstsFound {
        if self.no_response(s, chain) {
            return HstsFound {
                setting: None,
                unread: None,
            };
        }
        let mut levels: Vec<Level> = Vec::new();
        let mut level = Level::root();
        for scope in &chain.scopes {
            level = self.level(scope, &level);
            levels.push(level.clone());
        }
        let mut walk = Walk::default();
        self.locations(&s.scope, &level, false, 0, &mut walk);
        let sent = level.sent();
        let unread = hsts_unread(chain, &sent);
        let setting = match sent {
            Sent::Unknown => None,
            Sent::Header(line) => {
                let own = s.scope.get(line.directive).contains(&line.id);
                let directive = self.name(line.directive, "");
                let mut hsts = line.hsts;
                hsts.elsewhere = walk.elsewhere;
                Some(Self::place(Some(hsts), line.value, own, &directive))
            }
            Sent::None if walk.unknown => None,
            Sent::None => match walk.first {
                Some((block, line)) => {
                    let directive = self.name(line.directive, "");
                    let mut hsts = line.hsts;
                    hsts.elsewhere = walk
                        .elsewhere
                        .into_iter()
                        .filter(|x| x.span != line.value)
                        .collect();
                    Some(
                        Setting::set(Some(hsts), line.value)
                            .directive(directive)
                            .with_note(format!(
                                "only `{block}` sends it; the server's other responses carry none"
                            )),
                    )
                }
                None => {
                    let setting = self.no_hsts(s, &levels);
                    return HstsFound {
                        setting: Some(setting),
                        unread: unread.or(walk.unread),
                    };
                }
            },
        };
        HstsFound { setting, unread }
    }

    /// Whether the server never answers with an HTTP response over TLS: it refuses
    /// handshakes, or closes every connection (`return 444`).
    fn no_response(&self, s: &ServerInfo<'t>, chain: &Chain<'_, 't>) -> bool {
        let on = |id: DirId| {
            self.d(id)
                .args
                .first()
                .is_some_and(|a| a.value.eq_ignore_ascii_case("on"))
        };
        chain
            .find("ssl_reject_handshake")
            .is_some_and(|f| on(f.ids[0]))
            || s.scope.get("return").iter().any(|&id| {
                self.d(id)
                    .args
                    .first()
                    .is_some_and(|a| a.value.as_str() == "444")
            })
    }

    /// A server that sends no header: nothing asks for one, or its own `add_header` lines
    /// drop the one of the `http` block.
    fn no_hsts(&mut self, s: &ServerInfo<'t>, levels: &[Level]) -> Setting<Option<Hsts>> {
        let directive = self.name("add_header", "");
        let own_first = s.scope.get("add_header").first().copied();
        let http = levels.first().map(Level::sent);
        if let (Some(first), Some(Sent::Header(line))) = (own_first, http) {
            let at = line.hsts.line.unwrap_or(line.value);
            return Setting::set(None, self.d(first).span)
                .directive(directive)
                .with_note(
                    "the `add_header` lines of this server replace those of the `http` block, \
                     which send Strict-Transport-Security (nginx inherits `add_header` lines \
                     only into a block that has none)",
                )
                .with_related(at, "set here, not inherited by the server");
        }
        let text = self.cached(&["hsts-default"], || {
            format!(
                "no `{directive} {NAME}` for this server; nginx sends no HSTS header unless told to"
            )
        });
        let setting = Setting::defaulted(None, text).directive(directive);
        match levels.last().and_then(|l| l.add_first) {
            Some(first) => setting.with_related(
                self.d(first).span,
                "the `add_header` lines in force for this server",
            ),
            None => setting,
        }
    }

    /// The header state of a block, given the enclosing block's.
    fn level(&self, scope: &Scope<'t>, parent: &Level) -> Level {
        let mut level = parent.clone();
        let adds = scope.get("add_header");
        if let Some(&first) = adds.first() {
            level.add_first = Some(first);
            level.add = Sent::None;
            // Browsers keep the first header (RFC 6797 §8.1).
            if let Some(sent) = adds.iter().find_map(|&id| self.add_header(id)) {
                level.add = sent;
            }
        }
        // nginx 1.29.3 lets a block merge or refuse the inherited lines.
        if !scope.get("add_header_inherit").is_empty() {
            level.add = Sent::Unknown;
        }
        for &id in scope.get("more_set_headers") {
            if let Some(sent) = self.more_set(id) {
                level.more = sent;
            }
        }
        if scope
            .get("more_clear_headers")
            .iter()
            .any(|&id| self.clears(id))
        {
            level.more = Sent::Unknown;
        }
        level.script |= SCRIPTED.iter().any(|p| scope.has_prefix(p))
            || ["js_content", "js_header_filter", "perl"]
                .iter()
                .any(|n| !scope.get(n).is_empty());
        level
    }

    /// What an `add_header` line sends: `None` when it is not about HSTS (or sends nothing),
    /// [`Sent::Unknown`] when its header cannot be known (variables, a line nginx rejects).
    fn add_header(&self, id: DirId) -> Option<Sent> {
        let d = self.d(id);
        if !d.args.first()?.value.eq_ignore_ascii_case(NAME) {
            return None;
        }
        let value = d.args.get(1)?;
        if value.value.is_empty() {
            // nginx adds no header for an empty value.
            return None;
        }
        let always = match d.args.get(2).map(|a| a.value.as_str()) {
            None => false,
            Some("always") if d.args.len() == 3 => true,
            Some(_) => return Some(Sent::Unknown),
        };
        if value.value.contains('$') {
            return Some(Sent::Unknown);
        }
        let (max_age, include_subdomains, preload) = parse_value(&value.value);
        Some(Sent::Header(Line {
            id,
            directive: "add_header",
            hsts: Hsts {
                max_age,
                include_subdomains,
                preload,
                always,
                line: Some(d.span),
                elsewhere: Vec::new(),
            },
            value: value.full_span(),
        }))
    }

    /// A `more_set_headers [-s statuses] [-t types] 'Name: value' ...` line: what it sets
    /// for HSTS (the last such header), `None` when it sets none.
    fn more_set(&self, id: DirId) -> Option<Sent> {
        let d = self.d(id);
        let (mut statuses, mut types) = (false, false);
        let mut found = None;
        let mut args = d.args.iter();
        while let Some(a) = args.next() {
            match a.value.as_str() {
                "-s" => {
                    statuses = true;
                    args.next();
                }
                "-t" => {
                    types = true;
                    args.next();
                }
                spec => {
                    let (name, value) = spec.split_once(':').unwrap_or((spec, ""));
                    if name.trim().eq_ignore_ascii_case(NAME) {
                        found = Some((a, value.trim()));
                    }
                }
            }
        }
        let (arg, value) = found?;
        // An empty value removes the header; content-type filters depend on the response.
        if types || value.is_empty() || value.contains('$') {
            return Some(Sent::Unknown);
        }
        let (max_age, include_subdomains, preload) = parse_value(value);
        Some(Sent::Header(Line {
            id,
            directive: "more_set_headers",
            hsts: Hsts {
                max_age,
                include_subdomains,
                preload,
                always: !statuses,
                line: Some(d.span),
                elsewhere: Vec::new(),
            },
            value: arg.full_span(),
        }))
    }

    /// Whether a `more_clear_headers` line may remove the header (by name or wildcard).
    fn clears(&self, id: DirId) -> bool {
        self.d(id).args.iter().any(|a| {
            let name = a.value.trim();
            match name.strip_suffix('*') {
                Some(prefix) => NAME
                    .get(..prefix.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(prefix)),
                None => name.eq_ignore_ascii_case(NAME),
            }
        })
    }

    /// Walks the `location` blocks (and `if` blocks inside locations) below a block whose
    /// header state is `parent`, noting where what is sent differs.
    fn locations(
        &self,
        scope: &Scope<'t>,
        parent: &Level,
        in_location: bool,
        depth: usize,
        walk: &mut Walk,
    ) {
        if depth >= MAX_DEPTH {
            return;
        }
        let mut nested: Vec<DirId> = scope.get("location").to_vec();
        if in_location {
            // `add_header` is allowed in an `if` inside a location, not in one at server level.
            nested.extend_from_slice(scope.get("if"));
        }
        nested.sort_unstable();
        let parent_sent = parent.sent();
        for id in nested {
            let d = self.d(id);
            let Some(b) = &d.block else { continue };
            if b.kind != BodyKind::Directives {
                continue;
            }
            let inner = Scope::of(self.tree, &b.children, &self.unread);
            if let Some(u) = inner.unread {
                walk.unread.get_or_insert(u);
                continue;
            }
            let args: Vec<&str> = d.args.iter().map(|a| a.value.as_str()).collect();
            let block = format!("{} {}", d.name(), args.join(" "));
            let level = self.level(&inner, parent);
            let passes = self.passes(&inner);
            match level.sent() {
                Sent::Unknown => {
                    walk.unknown = true;
                    continue;
                }
                Sent::Header(line) => {
                    let inherited = matches!(&parent_sent, Sent::Header(p) if p.id == line.id);
                    if !inherited {
                        walk.elsewhere.push(HstsElsewhere {
                            block: block.clone(),
                            header: Some(line.hsts.clone()),
                            span: line.value,
                            dropped: None,
                            directive: line.directive.into(),
                        });
                        walk.first.get_or_insert((block, line));
                    }
                }
                Sent::None if passes => walk.unknown = true,
                Sent::None => {
                    let own = inner.get("add_header").first().copied();
                    if let (Sent::Header(p), Some(first)) = (&parent_sent, own) {
                        walk.elsewhere.push(HstsElsewhere {
                            block,
                            header: None,
                            span: self.d(first).span,
                            dropped: Some(p.hsts.line.unwrap_or(p.value)),
                            directive: "add_header".into(),
                        });
                    }
                }
            }
            self.locations(&inner, &level, true, depth + 1, walk);
        }
    }

    /// Whether a location hands requests to an application (itself or in `limit_except`).
    fn passes(&self, scope: &Scope<'t>) -> bool {
        PASSES.iter().any(|p| !scope.get(p).is_empty())
            || scope.get("limit_except").iter().any(|&id| {
                self.d(id)
                    .children()
                    .iter()
                    .any(|&c| PASSES.contains(&self.d(c).name()))
            })
    }
}

/// The include that was not read and may change what the server sends: one in a block
/// from the server up to the innermost block whose `add_header` lines are in force (all of
/// them when none has any); in that block only one before the header line, since browsers
/// keep the first header.
fn hsts_unread(chain: &Chain<'_, '_>, sent: &Sent) -> Option<DirId> {
    for scope in chain.scopes.iter().rev() {
        let adds = scope.get("add_header");
        if let Some(u) = scope.unread {
            let before = match sent {
                Sent::Header(l) if scope.get(l.directive).contains(&l.id) => u < l.id,
                _ => true,
            };
            if before {
                return Some(u);
            }
        }
        if !adds.is_empty() {
            return None;
        }
    }
    None
}

/// Parses a Strict-Transport-Security value (RFC 6797 §6.1): `;`-separated directives whose
/// names are case-insensitive, values optionally quoted. Returns `(max-age, includeSubDomains,
/// preload)`; max-age is `None` when the header is invalid (no max-age, a malformed one, or a
/// directive given twice), which makes browsers ignore it.
pub(crate) fn parse_value(value: &str) -> (Option<u64>, bool, bool) {
    let mut max_age: Option<u64> = None;
    let (mut sub, mut preload, mut valid) = (false, false, true);
    for part in value.split(';') {
        let part = part.trim_matches([' ', '\t']);
        if part.is_empty() {
            continue;
        }
        let (name, v) = match part.split_once('=') {
            Some((n, v)) => (
                n.trim_matches([' ', '\t']),
                Some(v.trim_matches([' ', '\t'])),
            ),
            None => (part, None),
        };
        if name.eq_ignore_ascii_case("max-age") {
            let digits = v.map(|v| {
                v.strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(v)
            });
            match digits.filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) {
                Some(d) if max_age.is_none() => {
                    // Longer than u64 seconds: as good as forever.
                    max_age = Some(d.parse().unwrap_or(u64::MAX));
                }
                _ => valid = false,
            }
        } else if name.eq_ignore_ascii_case("includeSubDomains") {
            valid &= !sub && v.is_none();
            sub = true;
        } else if name.eq_ignore_ascii_case("preload") {
            preload = true;
        }
    }
    (max_age.filter(|_| valid), sub, preload)
}

#[cfg(test)]
mod tests {
    use super::parse_value;

    #[test]
    fn values() {
        assert_eq!(
            parse_value("max-age=63072000"),
            (Some(63_072_000), false, false)
        );
        assert_eq!(
            parse_value("MAX-AGE=\"300\" ; includeSubDomains;preload"),
            (Some(300), true, true)
        );
        assert_eq!(parse_value("max-age=0"), (Some(0), false, false));
        assert_eq!(parse_value("includeSubDomains"), (None, true, false));
        assert_eq!(parse_value("max-age=1y"), (None, false, false));
        assert_eq!(parse_value("max-age=1; max-age=2"), (None, false, false));
        assert_eq!(
            parse_value("max-age=99999999999999999999999"),
            (Some(u64::MAX), false, false)
        );
        assert_eq!(parse_value("max-age=10;;foo=bar"), (Some(10), false, false));
    }
}
