//! One finding per cause: the findings that several endpoints get from one value become one
//! finding that names the endpoints.
//!
//! Checks judge endpoints one at a time, so a value that many endpoints share (an
//! `ssl_protocols` at nginx `http` level inherited by 20 servers, a Postfix default that
//! `main.cf` and every `master.cf` service use) gives one finding per endpoint, and the
//! copies bury the rest of a report (GitHub shows 10 annotations per step). The engine runs
//! this pass after suppressions and per-path severities, and before its one sort, so a
//! suppression that hides one endpoint's finding takes that endpoint out of the group.
//!
//! **The rule.** Only findings about an endpoint ([`Finding::endpoint`]) are merged: those
//! of one check, at one severity, whose messages are the same once each one's endpoint name
//! is cut out (wherever it occurs: "TLSv1 is enabled for clients of server a:443" and "...
//! of server b:443" agree, two different values never do), and that concern
//! - **a value written once**: the same primary span and the same setting (the finding
//!   key's part after the endpoint's own key: `protocols`, `curves/X448`) — a value in an
//!   enclosing nginx block, a `main.cf` parameter that `master.cf` services inherit, a
//!   server block shared by its per-socket endpoints; or
//! - **a value written nowhere** (a program's default, or no value at all: the finding sits
//!   at the endpoint's own header): the same setting, the same directive whose default
//!   applies (Postfix's `smtpd_tls_ciphers` and `smtp_tls_ciphers` are two causes, its
//!   `tls_eecdh_auto_curves` one for both sides), the same secondary labels away from the
//!   endpoints' headers (the other places such a cause involves: the `add_header` lines
//!   that keep one server from inheriting HSTS), in the same config: the main file the
//!   endpoints were read from (an `nginx.conf` with its includes, a `main.cf` with its
//!   `master.cf`, a `dovecot.conf` with `conf.d`).
//!
//! Everything else stays one finding per endpoint: a value written in each server block is a
//! cause per block, the same default in two configs a cause per config.
//!
//! **The merged finding** is the first member's (checks report endpoints in model order),
//! with its message naming the count where the endpoint's name was ("for clients of 20
//! servers"; "each of 20 servers does" where the name began the message; "20 servers'"
//! before a possessive) and the endpoints after it ("; servers: a.example:443,
//! b.example:443 and 18 more"), so that one-line formats list them too; its `inherited by`
//! label widened to all of them ("inherited by 20 servers: ..."), or for a default that
//! list as a label at the first endpoint's header; the other members' labels about how they
//! reach a written value (a `$name`, a TLS level), each place once and a few at most; the
//! help only when every member had the same; no single [`Finding::endpoint`] but a
//! [`Cause`] with every endpoint, the members' own keys (what version 1 baselines hold) and
//! the cause's key.
//!
//! **Keys** (`Causes::key`) name a cause, never its endpoints or lines: the setting with
//! the value as written (whitespace collapsed, a long value cut and hashed), `protocols =
//! TLSv1 TLSv1.2`, in the file holding it; or the setting with the directive whose default
//! applies, `curves/X448 (tls_eecdh_auto_curves default)`, in the config's main file. A
//! finding about one endpoint has the key it would have if others shared its cause, so
//! baselines (version 2) keep a cause however many endpoints come to share it. Keys are made
//! only for merged findings and when a baseline asks.
//!
//! **Cost.** One pass over the findings finds each one's endpoint (a hash look-up per `/`
//! of its key) and hashes what identifies its cause; the facts are sorted once (O(n log n),
//! comparing numbers, not texts); the texts of neighbours are compared once to rule out hash
//! collisions. Nothing is compared pairwise.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use crate::diagnostic::{Cause, Finding, Severity};
use crate::fix::{Applicability, Edit, Fix};
use crate::model::{Endpoint, Label, Model, Side};
use crate::source::{FileId, Sources, Span};

/// Endpoints named in a merged finding's message and label; the rest are counted.
const NAMED: usize = 3;

/// Secondary labels a merged finding takes from its other members: a few ways to reach the
/// value are worth showing, a long list only repeats.
const MAX_EXTRA_LABELS: usize = 8;

/// The longest value text a key quotes (bytes); a longer one is cut and hashed.
const KEY_VALUE_BYTES: usize = 120;

/// Where findings' causes are: endpoints by key and config (keys repeat across configs —
/// every Postfix config has a `main.cf smtpd` — not within one), and the main file each file
/// was read for.
pub(crate) struct Causes<'m> {
    model: &'m Model,
    by: HashMap<(&'m str, FileId), usize, foldhash::fast::RandomState>,
    main_files: &'m [Option<FileId>],
}

/// A finding's cause as [`Causes::locate`] finds it.
struct Located<'m, 'f> {
    /// The endpoint the finding is about, when the model has it.
    endpoint: Option<&'m Endpoint>,
    /// Written nowhere: the finding sits at the endpoint's header.
    anchored: bool,
    /// The setting part of the finding's key.
    setting: &'f str,
    /// The cause's file: the value's, or the config's main file.
    file: FileId,
}

impl<'m> Causes<'m> {
    /// Indexes a run's endpoints; `main_files[i]` is the main file file `i` was read for.
    pub(crate) fn new(model: &'m Model, main_files: &'m [Option<FileId>]) -> Self {
        let mut causes = Causes {
            model,
            by: HashMap::with_capacity_and_hasher(
                model.endpoints.len(),
                foldhash::fast::RandomState::default(),
            ),
            main_files,
        };
        for (i, e) in model.endpoints.iter().enumerate() {
            let config = causes.config_of(e.span.file);
            causes.by.entry((e.key.as_str(), config)).or_insert(i);
        }
        causes
    }

    /// The main file a file was read for (itself when it was read on its own).
    fn config_of(&self, id: FileId) -> FileId {
        self.main_files
            .get(id.0 as usize)
            .copied()
            .flatten()
            .unwrap_or(id)
    }

    /// The key of a finding's cause with its file (see the module docs); `None` for a
    /// finding about no endpoint.
    pub(crate) fn key(&self, f: &Finding, sources: &Sources) -> Option<(FileId, String)> {
        if let Some(c) = &f.cause {
            return Some((c.file, c.key.clone()));
        }
        f.endpoint.as_ref()?;
        let at = self.locate(f);
        Some((at.file, key_text(f, &at, sources)))
    }

    /// Finds a finding's endpoint and what kind of cause it has.
    fn locate<'f>(&self, f: &'f Finding) -> Located<'m, 'f> {
        let config = self.config_of(f.span.file);
        let endpoint = f
            .endpoint
            .as_deref()
            .and_then(|name| self.endpoint(name, &f.key, config));
        let anchored = f.assumes_default || endpoint.is_some_and(|e| e.span == f.span);
        let setting = endpoint
            .and_then(|e| f.key.get(e.key.len()..))
            .map_or(f.key.as_str(), |s| s.strip_prefix('/').unwrap_or(s));
        Located {
            endpoint,
            anchored,
            setting,
            file: if anchored { config } else { f.span.file },
        }
    }

    /// The endpoint called `name` in the config `config` whose key the finding's key extends
    /// (the longest such): one look-up per `/` in the key, longest first (the endpoint's key
    /// is usually the finding's less a segment or two).
    fn endpoint(&self, name: &str, key: &str, config: FileId) -> Option<&'m Endpoint> {
        std::iter::once(key.len())
            .chain(key.rmatch_indices('/').map(|(i, _)| i))
            .filter_map(|cut| self.by.get(&(key.get(..cut)?, config)))
            .filter_map(|&i| self.model.endpoints.get(i))
            .find(|e| &*e.name == name)
    }
}

/// The directive whose default a cause written nowhere is, when the model names it.
fn directive<'m>(at: &Located<'m, '_>) -> Option<&'m str> {
    let field = at.setting.split('/').next().unwrap_or(at.setting);
    at.endpoint
        .and_then(|e| e.tls.directive_of(field))
        .map(|d| &**d)
}

/// The text of a cause's key.
fn key_text(f: &Finding, at: &Located<'_, '_>, sources: &Sources) -> String {
    let setting = at.setting;
    if at.anchored {
        // A default is the program's for one directive.
        let how = if f.assumes_default {
            "default"
        } else {
            "not written"
        };
        match (directive(at), at.endpoint.map(|e| e.side)) {
            (Some(d), _) => format!("{setting} ({d} {how})"),
            (None, Some(Side::Server)) => format!("{setting} (server side {how})"),
            (None, Some(Side::Client)) => format!("{setting} (client side {how})"),
            (None, None) => format!("{setting} ({how})"),
        }
    } else {
        let mut key = String::with_capacity(setting.len() + 3 + f.span.len().min(160));
        key.push_str(setting);
        key.push_str(" = ");
        push_value(&mut key, sources.get(f.span.file).slice(f.span));
        key
    }
}

/// What the pass knows of one finding about an endpoint.
struct Fact<'m> {
    /// What findings of one cause share (sorting reads only this, not the findings).
    order: Order,
    /// Index into the findings.
    index: usize,
    /// The endpoint's own span (its header), when the endpoint was found in the model.
    endpoint_span: Option<Span>,
    /// The setting: a range of the finding's key.
    setting: std::ops::Range<usize>,
    /// The directive whose default a cause written nowhere is.
    directive: Option<&'m str>,
    /// The endpoint's side, for a default whose directive is not known.
    side: Option<bool>,
    /// Where the endpoint's name occurs in the message: a range of the pass's list of
    /// offsets (found once; comparisons only cut).
    names: std::ops::Range<usize>,
}

/// The part of a cause that sorts: findings of one cause have equal orders; findings with
/// equal orders have one cause unless their digests collide ([`exact`] tells).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Order {
    check: &'static str,
    severity: Severity,
    /// The finding sits at the endpoint's header: a default or a value written nowhere.
    anchored: bool,
    /// A default (not a value written nowhere).
    default: bool,
    /// A written value's place (none for a default: one setting of one config).
    place: Option<Span>,
    /// The cause's file: the value's, or the config's main file.
    file: FileId,
    /// A hash of what [`exact`] compares, so that sorting compares numbers, not messages.
    digest: u64,
}

/// Merges the findings of one cause (see the module docs). `main_files[i]` is the main file
/// file `i` was read for.
pub(crate) fn group(
    mut findings: Vec<Finding>,
    model: &Model,
    sources: &Sources,
    main_files: &[Option<FileId>],
) -> Vec<Finding> {
    let causes = Causes::new(model, main_files);
    let mut facts = Vec::new();
    let mut offsets: Vec<usize> = Vec::new();
    for (index, f) in findings.iter().enumerate() {
        let Some(name) = f.endpoint.as_deref() else {
            continue;
        };
        let at = causes.locate(f);
        let from = offsets.len();
        if !name.is_empty() {
            offsets.extend(f.message.match_indices(name).map(|(i, _)| i));
        }
        let setting_at = f.key.len() - at.setting.len();
        let mut fact = Fact {
            order: Order {
                check: f.check,
                severity: f.severity,
                anchored: at.anchored,
                default: f.assumes_default,
                place: (!at.anchored).then_some(f.span),
                file: at.file,
                digest: 0,
            },
            index,
            endpoint_span: at.endpoint.map(|e| e.span),
            setting: setting_at..f.key.len(),
            directive: if at.anchored { directive(&at) } else { None },
            side: at.endpoint.map(|e| e.side == Side::Client),
            names: from..offsets.len(),
        };
        fact.order.digest = digest(f, &fact, &offsets);
        facts.push(fact);
    }
    facts.sort_unstable_by(|a, b| a.order.cmp(&b.order).then(a.index.cmp(&b.index)));
    let mut gone = vec![false; findings.len()];
    let coarse: Vec<_> = runs(&facts, |a, b| a.order.cmp(&b.order)).collect();
    for run in coarse {
        let run = &mut facts[run];
        if run.len() < 2 {
            continue;
        }
        // Equal digests almost always mean one cause; a collision is sorted out by the
        // texts.
        let first = &run[0];
        if !run
            .iter()
            .all(|m| exact(&findings, &offsets, first, m).is_eq())
        {
            run.sort_by(|a, b| exact(&findings, &offsets, a, b).then(a.index.cmp(&b.index)));
        }
        let parts: Vec<_> = runs(run, |a, b| exact(&findings, &offsets, a, b)).collect();
        for part in parts {
            if part.len() > 1 {
                let lead = &findings[run[part.start].index];
                let at = causes.locate(lead);
                let cause = Cause {
                    key: key_text(lead, &at, sources),
                    file: at.file,
                    endpoints: Vec::new(),
                    members: Vec::new(),
                };
                merge(&mut findings, &run[part], cause, &mut gone);
            }
        }
    }
    if gone.iter().any(|g| *g) {
        let mut at = 0;
        findings.retain(|_| {
            at += 1;
            !gone[at - 1]
        });
    }
    findings
}

/// The ranges of `items` (sorted) whose neighbours compare `Equal`.
fn runs<T>(
    items: &[T],
    cmp: impl Fn(&T, &T) -> Ordering,
) -> impl Iterator<Item = std::ops::Range<usize>> {
    let mut start = 0;
    std::iter::from_fn(move || {
        let first = items.get(start)?;
        let mut end = start + 1;
        while items.get(end).is_some_and(|x| cmp(first, x).is_eq()) {
            end += 1;
        }
        let run = start..end;
        start = end;
        Some(run)
    })
}

/// Of two findings with equal [`Order`]s, whether they have one cause: the same setting
/// (and for a default the same directive), the same message once each endpoint's name is
/// cut out, and for a cause written nowhere the same places elsewhere.
fn exact(findings: &[Finding], offsets: &[usize], a: &Fact<'_>, b: &Fact<'_>) -> Ordering {
    let (fa, fb) = (&findings[a.index], &findings[b.index]);
    fa.key
        .get(a.setting.clone())
        .cmp(&fb.key.get(b.setting.clone()))
        .then(a.directive.cmp(&b.directive))
        .then_with(|| {
            if a.directive.is_none() {
                a.side.cmp(&b.side)
            } else {
                Ordering::Equal
            }
        })
        .then_with(|| without_name(fa, a, offsets).cmp(without_name(fb, b, offsets)))
        .then_with(|| {
            // Where nothing is written, the other places are the cause; a written value is
            // its own place, however each endpoint came to take it.
            if a.order.anchored {
                elsewhere(fa, a).cmp(elsewhere(fb, b))
            } else {
                Ordering::Equal
            }
        })
}

/// A hash of what [`exact`] compares (foldhash with a fixed seed: the same in every run).
fn digest(f: &Finding, fact: &Fact<'_>, offsets: &[usize]) -> u64 {
    use std::hash::{BuildHasher as _, Hasher as _};
    let mut h = foldhash::fast::FixedState::with_seed(0x7c15).build_hasher();
    h.write(f.key.get(fact.setting.clone()).unwrap_or("").as_bytes());
    h.write_u8(0xff);
    if let Some(d) = fact.directive {
        h.write(d.as_bytes());
    }
    h.write_u8(0xff);
    for piece in without_name(f, fact, offsets) {
        h.write(piece.as_bytes());
        h.write_u8(0xff);
    }
    if fact.order.anchored {
        for (span, text) in elsewhere(f, fact) {
            h.write_u32(span.file.0);
            h.write_u32(span.start);
            h.write(text.as_bytes());
            h.write_u8(0xff);
        }
    }
    h.finish()
}

/// A finding's secondary labels away from its endpoint's header: the other places its cause
/// involves (a `$name` definition, the `add_header` lines that keep a server from
/// inheriting HSTS). Labels at the header (the endpoint inherits, a note about it) are the
/// endpoint's, not the cause's.
fn elsewhere<'f>(f: &'f Finding, fact: &Fact<'_>) -> impl Iterator<Item = (Span, &'f str)> {
    let own = fact.endpoint_span;
    f.labels
        .iter()
        .filter(move |l| Some(l.span) != own && !is_inherited_by(l, f))
        .map(|l| (l.span, &*l.text))
}

/// A finding's message as the pieces between the occurrences of its endpoint's name.
fn without_name<'f>(
    f: &'f Finding,
    fact: &Fact<'_>,
    offsets: &'f [usize],
) -> impl Iterator<Item = &'f str> {
    let name = f.endpoint.as_deref().map_or(0, str::len);
    let cuts = offsets.get(fact.names.clone()).unwrap_or(&[]);
    let mut start = 0;
    cuts.iter()
        .copied()
        .chain([f.message.len()])
        .map(move |end| {
            let piece = f.message.get(start..end).unwrap_or("");
            start = end + name;
            piece
        })
}

/// Merges the findings of one cause into the first (`facts` in the findings' order) and
/// marks the others gone.
fn merge(findings: &mut [Finding], facts: &[Fact<'_>], mut cause: Cause, gone: &mut [bool]) {
    let lead = facts[0].index;
    let names: Vec<Arc<str>> = facts
        .iter()
        .filter_map(|m| findings[m.index].endpoint.clone())
        .collect();
    let same_help = facts
        .iter()
        .all(|m| findings[m.index].help == findings[lead].help);
    // Every member inherits the value: the widened label can say so.
    let all_inherit = facts.iter().all(|m| {
        let f = &findings[m.index];
        f.labels.iter().any(|l| is_inherited_by(l, f))
    });
    // How the other endpoints reach a written value (a `$name` in between, the TLS level
    // that picks the parameter): kept beside the first's, each place once.
    let mut extra: Vec<Label> = Vec::new();
    for m in &facts[1..] {
        for (span, text) in elsewhere(&findings[m.index], m) {
            if extra.len() >= MAX_EXTRA_LABELS {
                break;
            }
            let known = |l: &Label| l.span == span && l.text == text;
            if !findings[lead].labels.iter().any(known) && !extra.iter().any(known) {
                extra.push(Label::new(span, text.to_owned()));
            }
        }
    }
    let mut members = Vec::with_capacity(facts.len());
    let mut fixes = Vec::with_capacity(facts.len());
    // Without a merged fix, the help of the members that had none (a server whose default
    // server decides its handshake) still says what to do, when they agree.
    let fixless: Vec<&Option<crate::checks::Text>> = facts
        .iter()
        .map(|m| &findings[m.index])
        .filter(|f| f.fix.is_none())
        .map(|f| &f.help)
        .collect();
    let fixless_help = fixless
        .first()
        .filter(|h| fixless.iter().all(|x| x == *h))
        .and_then(|h| (*h).clone());
    for m in facts {
        let f = &mut findings[m.index];
        fixes.push(f.fix.take());
        members.push((f.span.file, std::mem::take(&mut f.key)));
        gone[m.index] = m.index != lead;
    }
    let (plural, strip) = kind(&names);
    let list = listing(&names, strip);
    let n = names.len();
    let summary = format!(
        "{} {n} {plural}: {list}",
        if all_inherit {
            "inherited by"
        } else {
            "used by"
        }
    );
    let f = &mut findings[lead];
    if let Some(name) = f.endpoint.take() {
        f.message = format!(
            "{}; {plural}: {list}",
            counted(&f.message, &name, n, plural)
        );
        let own = f
            .labels
            .iter()
            .position(|l| l.text.strip_prefix("inherited by ") == Some(&*name));
        match own {
            Some(i) => f.labels[i].text = summary.into(),
            // At the first endpoint's header (for a default, where the finding is).
            None => f.labels.insert(
                0,
                Label::new(facts[0].endpoint_span.unwrap_or(f.span), summary),
            ),
        }
    }
    f.labels.extend(extra);
    f.fix = merged_fix(&fixes);
    if !same_help {
        f.help = fixless_help.filter(|_| f.fix.is_none());
    }
    f.key.clone_from(&cause.key);
    cause.endpoints = names;
    cause.members = members;
    f.cause = Some(Box::new(cause));
}

/// The fix of a merged finding: every member's edits, each once (a default fixed in each
/// server that takes it is several insertions), unsafe if any is. None when a member has
/// no fix: half a fix would leave the finding standing under a help line that claims it.
fn merged_fix(fixes: &[Option<Box<Fix>>]) -> Option<Box<Fix>> {
    let mut all = fixes.iter();
    let mut fix = all.next()?.clone()?;
    for other in all {
        let other = other.as_deref()?;
        if other.applicability == Applicability::Unsafe {
            fix.applicability = Applicability::Unsafe;
        }
        for edit in &other.edits {
            if !fix.edits.contains(edit) {
                fix.edits.push(edit.clone());
            }
        }
    }
    // A master.cf service that takes main.cf's default needs no `-o` of its own when a member
    // writes the same value into main.cf.
    let in_main: Vec<String> = fix
        .edits
        .iter()
        .filter_map(|e| match e {
            Edit::Append { line, .. } => Some(line.split_whitespace().collect()),
            _ => None,
        })
        .collect();
    fix.edits.retain(|e| match e {
        Edit::Continue { line, .. } => {
            // Blanks dropped on both sides: `-o { a = b c }` and `a = b c` compare equal.
            let assignment = line
                .trim_start_matches("-o")
                .trim()
                .trim_matches(['{', '}']);
            !in_main.contains(&assignment.split_whitespace().collect())
        }
        _ => true,
    });
    Some(fix)
}

/// The label [`Finding::for_setting`] puts on an endpoint that inherits the value.
fn is_inherited_by(l: &Label, f: &Finding) -> bool {
    f.endpoint
        .as_deref()
        .is_some_and(|name| l.text.strip_prefix("inherited by ") == Some(name))
}

/// What the endpoints are called together, and how much of each name that word makes
/// redundant (`server a.example:443` is listed as `a.example:443` among "servers").
fn kind(names: &[Arc<str>]) -> (&'static str, usize) {
    const KINDS: [(&str, &str); 3] = [
        ("server ", "servers"),
        ("stream server ", "stream servers"),
        ("mail server ", "mail servers"),
    ];
    KINDS
        .iter()
        .find(|(prefix, _)| names.iter().all(|n| n.starts_with(prefix)))
        .map_or(("endpoints", 0), |(prefix, plural)| (plural, prefix.len()))
}

/// `a, b and c`, or `a, b and 18 more`.
fn listing(names: &[Arc<str>], strip: usize) -> String {
    let shown = |n: &Arc<str>| n.get(strip..).unwrap_or(n).to_owned();
    if names.len() <= NAMED {
        let all: Vec<String> = names.iter().map(shown).collect();
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        return crate::diagnostic::and_list(&all);
    }
    let first: Vec<String> = names.iter().take(NAMED - 1).map(shown).collect();
    format!(
        "{} and {} more",
        first.join(", "),
        names.len() - (NAMED - 1)
    )
}

/// The message with the endpoint's name replaced by the count: "each of 20 servers" where
/// the name began the message (its verb stays singular), "20 servers'" before a possessive
/// `'s`, else "20 servers".
fn counted(message: &str, name: &str, n: usize, plural: &str) -> String {
    if name.is_empty() {
        return message.to_owned();
    }
    let mut out = String::with_capacity(message.len() + 16);
    let mut rest = message;
    let mut first = true;
    while let Some(at) = rest.find(name) {
        out.push_str(&rest[..at]);
        let after = &rest[at + name.len()..];
        if let Some(after) = after.strip_prefix("'s") {
            let _ = write!(out, "{n} {plural}'");
            rest = after;
        } else {
            if first && at == 0 && out.is_empty() {
                out.push_str("each of ");
            }
            let _ = write!(out, "{n} {plural}");
            rest = after;
        }
        first = false;
    }
    out.push_str(rest);
    out
}

/// Appends the value a key quotes: the text at the span, whitespace collapsed; a long one
/// cut at [`KEY_VALUE_BYTES`] and followed by a hash of the whole.
fn push_value(key: &mut String, text: &str) {
    let start = key.len();
    for word in text.split_whitespace() {
        if key.len() > start {
            key.push(' ');
        }
        key.push_str(word);
        if key.len() - start > KEY_VALUE_BYTES {
            break;
        }
    }
    if key.len() - start > KEY_VALUE_BYTES {
        let whole: Vec<&str> = text.split_whitespace().collect();
        let hash = crate::report::sarif::fnv1a(&whole);
        let mut cut = start + KEY_VALUE_BYTES;
        while !key.is_char_boundary(cut) {
            cut -= 1;
        }
        key.truncate(cut);
        let _ = write!(key, "… #{hash:016x}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_replaces_the_name() {
        let c = |m: &str| counted(m, "server a:443", 20, "servers");
        assert_eq!(
            c("TLSv1 is enabled for clients of server a:443"),
            "TLSv1 is enabled for clients of 20 servers"
        );
        assert_eq!(
            c("server a:443 does not send Strict-Transport-Security"),
            "each of 20 servers does not send Strict-Transport-Security"
        );
        assert_eq!(
            c("server a:443's cipher order puts X first"),
            "20 servers' cipher order puts X first"
        );
        assert_eq!(c("no name here"), "no name here");
    }

    #[test]
    fn a_few_are_named_and_the_rest_counted() {
        let names = |n: usize| -> Vec<Arc<str>> {
            (0..n)
                .map(|i| Arc::from(format!("server s{i}:443")))
                .collect()
        };
        let (plural, strip) = kind(&names(2));
        assert_eq!(plural, "servers");
        assert_eq!(listing(&names(2), strip), "s0:443 and s1:443");
        assert_eq!(listing(&names(3), strip), "s0:443, s1:443 and s2:443");
        assert_eq!(listing(&names(20), strip), "s0:443, s1:443 and 18 more");
        let mixed: Vec<Arc<str>> = vec!["main.cf smtpd".into(), "master.cf smtps/inet".into()];
        assert_eq!(kind(&mixed), ("endpoints", 0));
    }

    #[test]
    fn long_values_are_cut_and_hashed() {
        let value = |text: &str| {
            let mut key = String::from("ciphers = ");
            push_value(&mut key, text);
            key
        };
        let long = value(&format!("'{}'", "AES128-SHA:".repeat(40)));
        assert!(long.len() < KEY_VALUE_BYTES + 40, "{long}");
        assert!(long.contains("… #"), "{long}");
        assert_ne!(long, value(&format!("'{}'", "AES128-SHA:".repeat(41))));
        assert_eq!(value("TLSv1\n   TLSv1.2"), "ciphers = TLSv1 TLSv1.2");
    }
}
