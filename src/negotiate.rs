//! What a client can actually negotiate with an endpoint.
//!
//! The extractors give each endpoint its settings as configured. OpenSSL then removes what
//! no handshake can use: protocols below TLS 1.2 at security level 1 and up (OpenSSL 3),
//! suites without a matching certificate, DHE without DH parameters, ECDHE without an
//! elliptic-curve group, PSK and SRP suites (no server here sets their callbacks), and
//! everything below the security level. It also refuses some configurations outright: a
//! certificate or DH key too small for the level, and a protocol range whose highest
//! version (OpenSSL takes the lowest contiguous run of enabled versions) has no enabled
//! suite. [`apply`] computes that for every endpoint of an OpenSSL-based program, stores
//! it in [`Endpoint::negotiable`], and records the configured settings that cannot take
//! effect (`Ineffective`) and the configurations the program refuses (`InvalidValue`).
//!
//! Facts checked live against nginx 1.22 / OpenSSL 3.0 (`tests/live_nginx.rs`): see
//! `shared/reference/openssl-ciphers.md` §1.8.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::cipher::{self, Au, Kx, MinTls, Profile, Suite};
use crate::material::{Fact, Facts};
use crate::model::{
    Ciphers, Dialect, Endpoint, Model, Observation, ObservationKind, Protocol, Setting, Side,
    Targets,
};

/// OpenSSL's default TLS 1.3 suites (1.1.1 to 3.x), in its order: what a program that
/// sets none of its own enables.
pub(crate) const OPENSSL_CIPHERSUITES: [&str; 3] = [
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256",
];

/// Minimum security bits per level (0 to 5).
const LEVEL_BITS: [u32; 6] = [0, 80, 112, 128, 192, 256];

/// The negotiable part of an endpoint's settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Negotiable {
    /// Protocols a client can negotiate, oldest first.
    pub protocols: Vec<crate::model::Protocol>,
    /// TLS ≤ 1.2 suites a client can negotiate, in the server's order (shared by every
    /// endpoint with the same list, so checks can memoise per list).
    pub ciphers: Arc<[&'static Suite]>,
    /// TLS 1.3 suites a client can negotiate (IANA names), in the server's order (shared
    /// like `ciphers`).
    pub ciphersuites: Arc<[Cow<'static, str>]>,
    /// Why the lists may hold more than a client can negotiate (a certificate or DH file
    /// that could not be read): empty when they are exact.
    pub upper_bound: Vec<Arc<str>>,
    /// Why every handshake fails (or the program does not start), in the program's words.
    pub refused: Option<String>,
    /// True when only the protocols are known (an unread source may set what decides the
    /// suites): `ciphers` and `ciphersuites` are then empty, not "none".
    pub suites_unknown: bool,
}

/// Computes [`Endpoint::negotiable`] for every endpoint of an OpenSSL-based program and
/// records dead settings and refusals as observations.
pub fn apply(model: &mut Model, facts: &Facts, targets: &Targets) {
    let cache = cipher::Cache::new();
    let mut shared = Shared::default();
    let default = {
        let (l, why) = default_level(targets);
        Setting::defaulted(l, why)
    };
    let profile = Profile::for_version(targets.openssl.0, targets.openssl.1);
    // OpenSSL's version-run check runs before the server name is known: a virtual server
    // passes or fails it with its default server's settings.
    let sanity: HashMap<usize, (Observation, String)> = model
        .endpoints
        .iter()
        .enumerate()
        .filter_map(|(i, e)| sanity_check(e, &cache, profile).map(|r| (i, r)))
        .collect();
    // The level of every endpoint whose settings another one's handshake starts with.
    let mut levels: Vec<Option<u8>> = vec![None; model.endpoints.len()];
    for e in &model.endpoints {
        if let Some(d) = e.handshake_default
            && let Some(def) = model.endpoints.get(d)
        {
            let expansion = match def.tls.ciphers.as_ref().map(|c| &c.value) {
                Some(Ciphers::OpenSsl(cs)) => Some(cache.expand(&cs.text, profile)),
                _ => None,
            };
            levels[d] = Some(
                level_of(&def.tls, expansion.as_deref(), &default)
                    .value
                    .min(5),
            );
        }
    }
    let mut observations = Vec::new();
    for (i, e) in model.endpoints.iter_mut().enumerate() {
        if e.dialect == Dialect::App {
            continue;
        }
        if e.has_unknown() {
            // What an unread include (or a snippet's including config) may set decides the
            // suites: only what the build and the level decide whatever it sets is kept.
            if let Some((negotiable, found)) = partial(e, &cache, &default, targets) {
                for mut o in found {
                    o.endpoint = Some(i);
                    o.key.clone_from(&e.key);
                    observations.push(o);
                }
                e.negotiable = Some(Box::new(negotiable));
            }
            continue;
        }
        // Refused by its extractor (TLS on with no certificate), or TLS off: nothing
        // negotiates, and nothing dead is worth reporting.
        if e.refused() || e.tls_off() {
            continue;
        }
        let at = e.handshake_default.unwrap_or(i);
        let before = Before {
            refusal: sanity.get(&at).map(|(o, msg)| (o, msg.as_str(), at == i)),
            level: (at != i)
                .then(|| levels.get(at).copied().flatten())
                .flatten(),
        };
        let (mut negotiable, level, found) =
            negotiate(e, facts, (targets, &default, &before), &cache, &mut shared);
        e.tls.security_level = Some(level);
        if e.tls.protocols.is_none() {
            // Nothing known to negotiate over (a client whose protocols the config does
            // not decide): leave the endpoint to the configured view.
            continue;
        }
        shared.intern(&mut negotiable);
        for mut o in found {
            o.endpoint = Some(i);
            if o.key.is_empty() {
                o.key.clone_from(&e.key);
            }
            observations.push(o);
        }
        e.negotiable = Some(Box::new(negotiable));
    }
    model.observations.extend(observations);
}

/// The negotiable protocols of an endpoint some of whose settings are unknown: those the
/// build has and the security level allows (the level as written, or the build's). Its
/// suites are left to the configured view. `None` when its protocols are not written.
fn partial(
    e: &Endpoint,
    cache: &cipher::Cache,
    default: &Setting<u8>,
    targets: &Targets,
) -> Option<(Negotiable, Vec<Observation>)> {
    let ps = e.tls.protocols.as_ref().filter(|p| !p.is_default())?;
    let profile = Profile::for_version(targets.openssl.0, targets.openssl.1);
    let expansion = match e.tls.ciphers.as_ref().map(|c| &c.value) {
        Some(Ciphers::OpenSsl(cs)) => Some(cache.expand(&cs.text, profile)),
        _ => None,
    };
    let lvl = level_of(&e.tls, expansion.as_deref(), default).value.min(5);
    let mut out = Negotiable {
        suites_unknown: true,
        ..Negotiable::default()
    };
    let mut dead = Vec::new();
    for &p in &ps.value {
        match dead_reason(p, (lvl, lvl), targets.openssl) {
            None => out.protocols.push(p),
            Some(d) => dead.push((p, d)),
        }
    }
    let mut found = Vec::new();
    report_dead(&e.tls, &dead, lvl, targets.openssl, e.span, &mut found);
    out.upper_bound.push(
        "settings that decide the suites are not known (an unread include may set them)".into(),
    );
    Some((out, found))
}

/// The version-run check's refusal that applies to an endpoint: the observation, OpenSSL's
/// words, and whether the endpoint reports it (false: its default server does).
type Pre<'a> = (&'a Observation, &'a str, bool);

/// What is decided before the server name is known, by the default server's settings.
struct Before<'a> {
    /// The version-run check's refusal, if any.
    refusal: Option<Pre<'a>>,
    /// The security level in force when the version is chosen (`None`: the endpoint's own).
    level: Option<u8>,
}

/// What decides the usable TLS ≤ 1.2 suites of a cipher string's expansion.
type UsableKey = (usize, u8, bool, bool, Option<Vec<Au>>);

/// Lists and texts shared by every endpoint that has them (20,000 servers have a handful of
/// distinct ones), so the checks' per-list memos hit and memory stays flat.
#[derive(Default)]
struct Shared {
    /// Usable TLS ≤ 1.2 suites by (expansion address, level, DHE usable, ECDHE usable,
    /// certificate authentications); the cipher cache keeps every expansion alive.
    usable: HashMap<UsableKey, Arc<[&'static Suite]>>,
    suites: HashMap<Vec<Cow<'static, str>>, Arc<[Cow<'static, str>]>>,
    texts: HashSet<Arc<str>>,
}

impl Shared {
    /// The usable TLS ≤ 1.2 suites, memoised per expansion (lists not from a cipher string
    /// are computed each time).
    fn usable(
        &mut self,
        expansion: Option<&Arc<cipher::Expansion>>,
        configured: &[&'static Suite],
        (lvl, profile): (u8, Profile),
        (dhe, ec_group): (bool, bool),
        auths: Option<Vec<Au>>,
    ) -> Arc<[&'static Suite]> {
        let make = |auths: Option<&[Au]>| {
            usable_tls12(configured, lvl, profile, dhe, ec_group, auths).into()
        };
        match expansion {
            Some(x) => {
                let key = (Arc::as_ptr(x).addr(), lvl, dhe, ec_group, auths);
                if let Some(hit) = self.usable.get(&key) {
                    return Arc::clone(hit);
                }
                let list: Arc<[&'static Suite]> = make(key.4.as_deref());
                self.usable.insert(key, Arc::clone(&list));
                list
            }
            None => make(auths.as_deref()),
        }
    }

    fn intern(&mut self, n: &mut Negotiable) {
        match self.suites.get(&n.ciphersuites[..]) {
            Some(shared) => n.ciphersuites = Arc::clone(shared),
            None => {
                self.suites
                    .insert(n.ciphersuites.to_vec(), Arc::clone(&n.ciphersuites));
            }
        }
        for b in &mut n.upper_bound {
            match self.texts.get(b) {
                Some(shared) => *b = Arc::clone(shared),
                None => {
                    self.texts.insert(Arc::clone(b));
                }
            }
        }
    }
}

/// The security level OpenSSL uses when nothing in the config sets one.
pub fn default_level(targets: &Targets) -> (u8, String) {
    if targets.openssl < crate::model::Version(1, 1, 0) {
        // Security levels came in 1.1.0: nothing is filtered or refused for them.
        return (
            0,
            format!(
                "OpenSSL {} has no security levels (they came in 1.1.0)",
                targets.openssl
            ),
        );
    }
    match targets.seclevel {
        Some(l) => (l, format!("OpenSSL built with security level {l} (target)")),
        None => {
            let profile = Profile::for_version(targets.openssl.0, targets.openssl.1);
            let l = profile.default_security_level();
            (
                l,
                format!(
                    "OpenSSL {} default security level {l} (upstream build; Debian and Ubuntu build 3.0 with 2: `--target seclevel=2`)",
                    targets.openssl
                ),
            )
        }
    }
}

/// The level: the effective string's own `@SECLEVEL`, else one the extractor found
/// (sticky from an overridden string, or set by the program), else the build's.
fn level_of(
    tls: &crate::model::TlsSettings,
    expansion: Option<&cipher::Expansion>,
    default: &Setting<u8>,
) -> Setting<u8> {
    match (expansion.and_then(|x| x.level_set), &tls.ciphers) {
        (Some(l), Some(c)) => c.with_value(l),
        _ => tls.security_level.as_ref().unwrap_or(default).clone(),
    }
}

fn negotiate(
    e: &Endpoint,
    facts: &Facts,
    (targets, default, before): (&Targets, &Setting<u8>, &Before<'_>),
    cache: &cipher::Cache,
    shared: &mut Shared,
) -> (Negotiable, Setting<u8>, Vec<Observation>) {
    let profile = Profile::for_version(targets.openssl.0, targets.openssl.1);
    let tls = &e.tls;
    let mut out = Negotiable::default();
    let mut found = Vec::new();
    let expansion = match tls.ciphers.as_ref().map(|c| &c.value) {
        Some(Ciphers::OpenSsl(cs)) => Some(cache.expand(&cs.text, profile)),
        _ => None,
    };
    let level = level_of(tls, expansion.as_deref(), default);
    if refused_at_load(e, expansion.as_deref(), targets.openssl, &mut found) {
        out.refused = Some(e.dialect.on_rejected_ciphers().to_owned());
        return (out, level, found);
    }
    let lvl = level.value.min(5);
    let min_bits = LEVEL_BITS[usize::from(lvl)];
    let openssl = targets.openssl;
    let configured: Vec<Protocol> = tls
        .protocols
        .as_ref()
        .map(|p| p.value.clone())
        .unwrap_or_default();
    let (configured12, configured13) = configured_suites(tls, expansion.as_deref());

    let load = load_level(e, default, lvl);
    let (auths, dhe) = startup(e, facts, (load, lvl), &mut out, &mut found);
    // Groups at the level: ECDHE needs an elliptic curve, TLS 1.3 any group.
    let (ec_group, any_group) =
        groups_usable(tls.curves.as_ref().map(|c| c.value.as_slice()), min_bits);

    let usable12 = shared.usable(
        expansion.as_ref(),
        &configured12,
        (lvl, profile),
        (dhe, ec_group),
        auths,
    );
    let usable13 = usable_tls13(&configured13, any_group, min_bits);

    // The version-run check, made on the default server's settings (`pre`) when the
    // endpoint is a virtual server; reported once, by the endpoint whose settings fail it.
    let pre_level = before.level;
    if out.refused.is_none()
        && let Some((o, msg, own)) = before.refusal
    {
        if own {
            found.push(o.clone());
        }
        out.refused = Some(msg.to_owned());
    }
    if out.refused.is_none() {
        let mut dead: Vec<(Protocol, Dead)> = Vec::new();
        for &p in &configured {
            let why = dead_reason(p, (lvl, pre_level.unwrap_or(lvl)), openssl).or_else(|| {
                let ok = if p == Protocol::TLSv1_3 {
                    !usable13.is_empty()
                } else {
                    usable12.iter().any(|s| works_in(s, p))
                };
                (!ok).then_some(if p == Protocol::TLSv1_3 && !any_group {
                    Dead::NoGroup
                } else {
                    Dead::NoSuite
                })
            });
            match why {
                None => out.protocols.push(p),
                Some(d) => dead.push((p, d)),
            }
        }
        if out.protocols.is_empty() && !configured.is_empty() {
            // Nothing left to negotiate: every handshake fails, which is the one finding.
            let (o, msg) = nothing_negotiable(tls, &configured, &dead, lvl, openssl, e.span);
            found.push(o);
            out.refused = Some(msg);
        } else {
            report_dead(tls, &dead, lvl, openssl, e.span, &mut found);
        }
        let top12 = out
            .protocols
            .iter()
            .copied()
            .filter(|p| *p <= Protocol::TLSv1_2)
            .max();
        out.ciphers = match top12 {
            // Every usable suite works in TLS 1.2: the shared list as it is.
            Some(Protocol::TLSv1_2) => usable12,
            Some(top) => usable12
                .iter()
                .copied()
                .filter(|s| works_in(s, top))
                .collect(),
            None => Arc::from(Vec::new()),
        };
        if out.protocols.contains(&Protocol::TLSv1_3) {
            out.ciphersuites = usable13.into();
        }
    } else {
        out.upper_bound.clear();
    }
    if e.side != Side::Server {
        out.upper_bound.push(
            "an upstream connection: the upstream server's certificate and settings decide the rest"
                .into(),
        );
    }
    (out, level, found)
}

/// The TLS ≤ 1.2 suites left after the level, PSK/SRP (no callbacks), DHE without DH,
/// ECDHE without a curve, and certificates (`auths`: `None` when not known).
fn usable_tls12(
    configured: &[&'static Suite],
    lvl: u8,
    profile: Profile,
    dhe: bool,
    ec_group: bool,
    auths: Option<&[Au]>,
) -> Vec<&'static Suite> {
    cipher::security_filter(configured, lvl, profile)
        .into_iter()
        .filter(|s| !s.psk() && !s.srp() && s.min_protocol != MinTls::Tls1_3)
        .filter(|s| match s.key_exchange {
            Kx::Dhe => dhe,
            Kx::Ecdhe => ec_group,
            _ => true,
        })
        .filter(|s| {
            auths
                .is_none_or(|list| s.authentication == Au::Null || list.contains(&s.authentication))
        })
        .collect()
}

/// The level in force when the program loads certificates and DH parameters. nginx loads
/// them before it applies `ssl_conf_command`: a level that `CipherString` sets is checked
/// against them only at handshake time.
fn load_level(e: &Endpoint, default: &Setting<u8>, lvl: u8) -> u8 {
    let late = matches!(e.dialect, Dialect::Nginx | Dialect::Apache)
        && e.tls.ciphers.as_ref().is_some_and(|c| {
            c.directive
                .as_deref()
                .is_some_and(|d| d.ends_with("_conf_command") || d == "SSLOpenSSLConfCmd")
        });
    if late {
        e.tls
            .security_level
            .as_ref()
            .unwrap_or(default)
            .value
            .min(5)
    } else {
        lvl
    }
}

/// The TLS 1.3 suites left: any group at the level is needed, and suites below it go.
fn usable_tls13(
    configured: &[Cow<'static, str>],
    any_group: bool,
    min_bits: u32,
) -> Vec<Cow<'static, str>> {
    if !any_group {
        return Vec::new();
    }
    configured
        .iter()
        .filter(|n| cipher::tls13_lookup(n).is_some_and(|s| u32::from(s.bits) >= min_bits))
        .cloned()
        .collect()
}

/// Every configured protocol is dead: the refusal, and OpenSSL's words for it.
fn nothing_negotiable(
    tls: &crate::model::TlsSettings,
    configured: &[Protocol],
    dead: &[(Protocol, Dead)],
    lvl: u8,
    openssl: crate::model::Version,
    fallback: crate::source::Span,
) -> (Observation, String) {
    let names: Vec<&str> = configured.iter().map(|p| p.as_str()).collect();
    // What OpenSSL 3.0 answered live: no version it builds, versions below the level (it
    // fails inside the handshake), or no suite left.
    let msg = if lowest_run_top(configured).is_none() {
        "no protocols available"
    } else if dead
        .iter()
        .all(|(_, d)| matches!(d, Dead::Level | Dead::Build))
    {
        "internal error"
    } else {
        "no shared cipher"
    };
    let o = Observation::new(
        ObservationKind::InvalidValue,
        tls.protocols.as_ref().and_then(|p| p.span).unwrap_or(fallback),
        format!(
            "every TLS handshake fails: OpenSSL {openssl} at security level {lvl} can negotiate none of {} (OpenSSL: \"{msg}\")",
            names.join(", ")
        ),
    )
    .help("enable TLSv1.2 and TLSv1.3");
    (o, msg.to_owned())
}

/// One finding per cause, naming every protocol it kills; only for protocols the user wrote
/// (a program default's dead entries, or those `all` brings, are not the user's doing).
fn report_dead(
    tls: &crate::model::TlsSettings,
    dead: &[(Protocol, Dead)],
    lvl: u8,
    openssl: crate::model::Version,
    fallback: crate::source::Span,
    found: &mut Vec<Observation>,
) {
    let Some(ps) = tls
        .protocols
        .as_ref()
        .filter(|ps| !ps.is_default() && !ps.asks_every_version())
    else {
        return;
    };
    let mut causes: Vec<Dead> = Vec::new();
    for (_, d) in dead {
        if !causes.contains(d) {
            causes.push(*d);
        }
    }
    for cause in causes {
        let ps_dead: Vec<Protocol> = dead
            .iter()
            .filter(|(_, d)| *d == cause)
            .map(|(p, _)| *p)
            .collect();
        found.push(dead_protocols(ps, &ps_dead, cause, lvl, openssl, fallback));
    }
}

/// The suites as configured, before OpenSSL removes any: TLS ≤ 1.2 and TLS 1.3.
fn configured_suites<'e>(
    tls: &crate::model::TlsSettings,
    expansion: Option<&'e cipher::Expansion>,
) -> (Cow<'e, [&'static Suite]>, Vec<Cow<'static, str>>) {
    let configured12: Cow<'e, [&'static Suite]> = match (expansion, tls.ciphers.as_ref()) {
        (Some(x), _) => Cow::Borrowed(&x.suites),
        (None, Some(c)) => match &c.value {
            Ciphers::List(names) => names
                .iter()
                .filter_map(|n| cipher::lookup(&n.name))
                .collect(),
            Ciphers::OpenSsl(_) => Cow::Borrowed(&[]),
        },
        (None, None) => Cow::Borrowed(&[]),
    };
    // No TLS 1.3 setting: the program leaves OpenSSL's default suites in place.
    let configured13: Vec<Cow<'static, str>> = match &tls.ciphersuites {
        Some(s) => s
            .value
            .iter()
            .filter(|n| cipher::tls13_lookup(&n.name).is_some())
            .map(|n| n.name.clone())
            .collect(),
        None => OPENSSL_CIPHERSUITES
            .iter()
            .map(|n| Cow::Borrowed(*n))
            .collect(),
    };

    (configured12, configured13)
}

/// OpenSSL's sanity check at the start of every handshake: the top of the lowest contiguous
/// run of enabled versions needs a configured suite (before any filter). `None`: it passes,
/// or the endpoint has nothing to check; else the refusal and OpenSSL's words.
fn sanity_check(
    e: &Endpoint,
    cache: &cipher::Cache,
    profile: Profile,
) -> Option<(Observation, String)> {
    let tls = &e.tls;
    // The version-run check came with 1.1.0's min/max protocol versions; 1.0.2 picks the
    // client's version if its `SSL_OP_NO_*` bit is clear, whatever the others.
    if e.dialect == Dialect::App || profile == Profile::V1_0_2 {
        return None;
    }
    let configured = &tls.protocols.as_ref()?.value;
    let expansion = match tls.ciphers.as_ref().map(|c| &c.value) {
        Some(Ciphers::OpenSsl(cs)) => Some(cache.expand(&cs.text, profile)),
        _ => None,
    };
    if expansion.as_ref().is_some_and(|x| x.error.is_some()) {
        return None;
    }
    let (configured12, configured13) = configured_suites(tls, expansion.as_deref());
    let top = lowest_run_top(configured)?;
    let suite_at_top = if top == Protocol::TLSv1_3 {
        !configured13.is_empty()
    } else {
        configured12.iter().any(|s| works_in(s, top))
    };
    if suite_at_top {
        return None;
    }
    let msg = "No ciphers enabled for max supported SSL/TLS version".to_owned();
    let why = if configured.iter().any(|p| *p > top) {
        format!(
            "OpenSSL only uses the lowest contiguous run of enabled versions, which ends at {top}, and no enabled suite works with {top}"
        )
    } else {
        format!("no enabled suite works with {top}, the highest enabled version")
    };
    let o = Observation::new(
        ObservationKind::InvalidValue,
        tls.protocols.as_ref().and_then(|p| p.span).unwrap_or(e.span),
        format!("every TLS handshake fails: {why} (OpenSSL: \"{msg}\")"),
    )
    .help("enable a contiguous range of versions (e.g. `TLSv1.2 TLSv1.3`) that the cipher suites cover");
    Some((o, msg))
}

/// Whether DHE is usable: DH parameters are needed (nginx and Dovecot load none by
/// default; Postfix has its own), and parameters below the load level stop the program.
fn dh_usable(
    e: &Endpoint,
    facts: &Facts,
    (load, lvl): (u8, u8),
    out: &mut Negotiable,
    found: &mut Vec<Observation>,
) -> bool {
    let tls = &e.tls;
    let server = e.side == Side::Server;
    let load_bits = LEVEL_BITS[usize::from(load)];
    let min_bits = LEVEL_BITS[usize::from(lvl)];
    let mut dhe = true;
    if server && let Some(dh) = &tls.dh_params {
        match &dh.value {
            None => dhe = e.dialect == Dialect::Postfix,
            Some(path) => match Facts::get(&facts.dh, e, dh.span, path) {
                Some(Fact::Known(bits)) => {
                    let sec = ff_security_bits(*bits);
                    if sec >= load_bits && sec < min_bits {
                        // Loaded at a lower level than the handshake's: DHE cannot use it.
                        dhe = false;
                    } else if load > 0 && sec < load_bits && out.refused.is_none() {
                        let msg = refusal(
                            e.dialect,
                            "SSL_CTX_set_tmp_dh",
                            path,
                            "error:0A00018A:SSL routines::dh key too small",
                        );
                        out.refused = Some(msg.clone());
                        found.push(
                            Observation::new(
                                ObservationKind::InvalidValue,
                                dh.span.unwrap_or(e.span),
                                format!(
                                    "these {bits}-bit DH parameters are below security level {load} ({load_bits} bits): {msg}"
                                ),
                            )
                            .help("use 2048-bit (level 2) or 3072-bit (level 3) DH parameters, or remove them"),
                        );
                    }
                }
                Some(Fact::Rejected(r)) => {
                    if out.refused.is_none() {
                        let o = unloadable(e, dh.span, path, *r, Material::Dh, out);
                        found.push(o);
                    }
                    // Postfix falls back to its built-in group; the others stop.
                    dhe = e.dialect == Dialect::Postfix;
                }
                _ => out.upper_bound.push(
                    format!(
                        "DH parameters {} were not read: DHE suites are assumed usable",
                        path.display()
                    )
                    .into(),
                ),
            },
        }
    }
    dhe
}

/// Startup refusals (a key below the level: `SSL_CTX_use_certificate`, `set_tmp_dh`), the
/// authentications the certificates allow (`None`: not known), and whether DHE is usable.
fn startup(
    e: &Endpoint,
    facts: &Facts,
    (load, lvl): (u8, u8),
    out: &mut Negotiable,
    found: &mut Vec<Observation>,
) -> (Option<Vec<Au>>, bool) {
    let tls = &e.tls;
    let load_bits = LEVEL_BITS[usize::from(load)];
    let min_bits = LEVEL_BITS[usize::from(lvl)];
    let server = e.side == Side::Server;
    let mut auths: Option<Vec<Au>> = Some(Vec::new());
    if server {
        for c in &tls.certificates {
            match Facts::get(&facts.certs, e, c.span, &c.value) {
                Some(Fact::Known(cert)) => {
                    let (au, bits) = cert_security(&cert.key_type, cert.bits);
                    if let Some(a) = au
                        && let Some(list) = auths.as_mut()
                    {
                        list.push(a);
                        if a == Au::Ecdsa {
                            // An EC key also serves 1.0.2's static ECDH suites.
                            list.push(Au::Ecdh);
                        }
                    }
                    if load > 0 && bits < load_bits && out.refused.is_none() {
                        let msg = refusal(
                            e.dialect,
                            "SSL_CTX_use_certificate",
                            &c.value,
                            "error:0A00018F:SSL routines::ee key too small",
                        );
                        out.refused = Some(msg.clone());
                        found.push(
                            Observation::new(
                                ObservationKind::InvalidValue,
                                c.span.unwrap_or(e.span),
                                format!(
                                    "the {}-bit {} key of this certificate is below security level {load} ({load_bits} bits): {msg}",
                                    cert.bits, cert.key_type
                                ),
                            )
                            .help(format!(
                                "use a stronger key (RSA 3072+ or ECDSA P-256+ for level 3), or a lower security level than {load}"
                            )),
                        );
                    } else if bits < min_bits && out.refused.is_none() {
                        let msg = "every TLS handshake fails: no certificate is usable at the security level";
                        out.refused = Some(msg.to_owned());
                        found.push(
                            Observation::new(
                                ObservationKind::InvalidValue,
                                c.span.unwrap_or(e.span),
                                format!(
                                    "the {}-bit {} key of this certificate is below security level {lvl} ({min_bits} bits), which `ssl_conf_command CipherString` sets after nginx loaded the certificate: {msg}",
                                    cert.bits, cert.key_type
                                ),
                            )
                            .help(format!(
                                "use a stronger key (RSA 3072+ or ECDSA P-256+ for level 3), or a lower security level than {lvl}"
                            )),
                        );
                    }
                }
                Some(Fact::Rejected(r)) => {
                    auths = None;
                    if out.refused.is_none() {
                        let o = unloadable(e, c.span, &c.value, *r, Material::Certificate, out);
                        found.push(o);
                    }
                }
                _ => {
                    auths = None;
                    out.upper_bound.push(
                        format!(
                            "certificate {} was not read: suites are not matched to its key",
                            c.value.display()
                        )
                        .into(),
                    );
                }
            }
        }
        if tls.certificates.is_empty() {
            auths = None;
        }
    } else {
        auths = None;
    }
    let dhe = dh_usable(e, facts, (load, lvl), out, found);
    (auths, dhe)
}

/// Suites for TLS ≤ 1.2 all work in TLS 1.2; the older ones also before it.
fn works_in(s: &Suite, p: Protocol) -> bool {
    match s.min_protocol {
        MinTls::Ssl3 | MinTls::Tls1 => p <= Protocol::TLSv1_2,
        MinTls::Tls1_2 => p == Protocol::TLSv1_2,
        MinTls::Tls1_3 => p == Protocol::TLSv1_3,
    }
}

/// The highest version of the lowest contiguous run of enabled versions (SSL 2 and 3 are
/// not built into OpenSSL 1.1.0 and later, so they neither start a run nor break one).
fn lowest_run_top(enabled: &[Protocol]) -> Option<Protocol> {
    let order = [
        Protocol::TLSv1,
        Protocol::TLSv1_1,
        Protocol::TLSv1_2,
        Protocol::TLSv1_3,
    ];
    let mut top = None;
    for p in order {
        if enabled.contains(&p) {
            top = Some(p);
        } else if top.is_some() {
            break;
        }
    }
    top
}

/// Why a configured protocol cannot be negotiated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dead {
    /// SSL 2 and 3 are not built into OpenSSL 1.1.0 and later.
    Build,
    /// Below the security level's oldest protocol.
    Level,
    /// No enabled suite works with it (after certificates, DH and groups).
    NoSuite,
    /// TLS 1.3 without any usable key-exchange group.
    NoGroup,
}

/// Why OpenSSL cannot negotiate `p` whatever the suites: not built, or below the level.
/// `level` is the endpoint's own security level, `pre_level` the one in force before the
/// server name is known (its default server's; the same for a default server).
fn dead_reason(
    p: Protocol,
    (level, pre_level): (u8, u8),
    openssl: crate::model::Version,
) -> Option<Dead> {
    let built = if openssl < crate::model::Version(1, 1, 0) {
        // 1.0.2 builds SSLv3 (SSLv2 only with enable-ssl2 since 1.0.2g), no TLS 1.3.
        p != Protocol::SSLv2 && p != Protocol::TLSv1_3
    } else {
        p > Protocol::SSLv3 && (p != Protocol::TLSv1_3 || openssl >= crate::model::Version(1, 1, 1))
    };
    if !built {
        return Some(Dead::Build);
    }
    if p >= Protocol::TLSv1_2 {
        return None;
    }
    // The version rule, applied when the version is chosen (before the server name):
    // TLS 1.0 from level 3, TLS 1.1 from 4. OpenSSL 3 also rates the SHA-1 and MD5-SHA1
    // signatures that every handshake before TLS 1.2 needs below 80 bits, checked later
    // with the virtual server's level (live: nginx 1.22.1, OpenSSL 3.0).
    let version = (p == Protocol::TLSv1 && pre_level >= 3) || pre_level >= 4;
    let signatures = openssl.0 >= 3 && level >= 1;
    (version || signatures).then_some(Dead::Level)
}

/// True when OpenSSL cannot negotiate `p` at security level `level` whatever a config
/// enables (not built, or below the level): for OpenSSL-based application endpoints, whose
/// suites are not negotiated here.
pub(crate) fn openssl_cannot(p: Protocol, level: u8, openssl: crate::model::Version) -> bool {
    dead_reason(p, (level, level), openssl).is_some()
}

fn dead_protocols(
    ps: &Setting<Vec<Protocol>>,
    dead: &[Protocol],
    cause: Dead,
    level: u8,
    openssl: crate::model::Version,
    fallback: crate::source::Span,
) -> Observation {
    let what = ps.directive.as_deref().unwrap_or("the protocol setting");
    let names: Vec<&str> = dead.iter().map(|p| p.as_str()).collect();
    let list = match names.as_slice() {
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => String::new(),
    };
    let (verb, pronoun) = if dead.len() == 1 {
        ("is", "it")
    } else {
        ("are", "they")
    };
    let reason = match cause {
        Dead::Build => {
            let why =
                if dead.contains(&Protocol::TLSv1_3) && openssl < crate::model::Version(1, 1, 1) {
                    "TLS 1.3 came in 1.1.1"
                } else if openssl < crate::model::Version(1, 1, 0) {
                    "SSLv2 is not built by default since 1.0.2g"
                } else {
                    "not built since 1.1.0"
                };
            format!("OpenSSL {openssl} has no support for {list} ({why})")
        }
        Dead::Level => format!(
            "OpenSSL {openssl} refuses {list} at security level {level}; {pronoun} would become negotiable only if the level were lowered to 0 (`@SECLEVEL=0`)"
        ),
        Dead::NoSuite => format!("no enabled cipher suite can be used with {list}"),
        Dead::NoGroup => "no key-exchange group is usable at this security level".to_owned(),
    };
    let mut o = Observation::new(
        ObservationKind::Ineffective,
        ps.span.unwrap_or(fallback),
        format!("{list} in `{what}` {verb} never negotiated: {reason}"),
    )
    .help(format!("remove {list} from `{what}`"));
    o.labels.extend(ps.related().iter().cloned());
    o
}

/// The authentication a certificate key allows and its security bits as OpenSSL rates it.
fn cert_security(key_type: &str, bits: u32) -> (Option<Au>, u32) {
    match key_type {
        "rsa" | "rsa-pss" => (Some(Au::Rsa), ff_security_bits(bits)),
        "dsa" => (Some(Au::Dss), ff_security_bits(bits)),
        "ecdsa" | "ec" => (Some(Au::Ecdsa), bits / 2),
        "ed25519" => (Some(Au::Ecdsa), 128),
        "ed448" => (Some(Au::Ecdsa), 224),
        _ => (None, u32::MAX),
    }
}

/// OpenSSL's security bits of an RSA, DSA or DH modulus (`BN_security_bits`).
fn ff_security_bits(bits: u32) -> u32 {
    match bits {
        15360.. => 256,
        7680.. => 192,
        3072.. => 128,
        2048.. => 112,
        1024.. => 80,
        _ => 0,
    }
}

/// Security bits of a named group, and whether it is an elliptic curve; `None` for names
/// not known here (taken as usable).
fn group(name: &str) -> Option<(u32, bool)> {
    let n = name.to_ascii_lowercase();
    Some(match n.as_str() {
        "x25519" | "prime256v1" | "secp256r1" | "p-256" | "brainpoolp256r1" => (128, true),
        "secp384r1" | "p-384" | "brainpoolp384r1" => (192, true),
        "secp521r1" | "p-521" | "brainpoolp512r1" => (256, true),
        "x448" => (224, true),
        "secp224r1" | "p-224" => (112, true),
        "secp192r1" | "prime192v1" | "p-192" => (80, true),
        "ffdhe2048" => (112, false),
        "ffdhe3072" | "ffdhe4096" | "ffdhe6144" => (128, false),
        "ffdhe8192" => (192, false),
        _ => return None,
    })
}

/// Whether the program refuses the endpoint's lists as it loads them: a cipher string OpenSSL
/// rejects (`cipher-string-error` reports it) or a group the target lacks (reported here).
/// Nothing negotiates then.
fn refused_at_load(
    e: &Endpoint,
    expansion: Option<&cipher::Expansion>,
    openssl: crate::model::Version,
    found: &mut Vec<Observation>,
) -> bool {
    if expansion.is_some_and(|x| x.error.is_some()) {
        return true;
    }
    match unavailable_group(e, openssl) {
        Some((o, refuses)) => {
            found.push(o);
            refuses
        }
        None => false,
    }
}

/// The OpenSSL release that added a group to TLS, for groups newer than 1.0.2.
fn group_since(name: &str) -> Option<crate::model::Version> {
    use crate::model::Version;
    let n = name.to_ascii_lowercase();
    Some(match n.as_str() {
        "x25519mlkem768" | "secp256r1mlkem768" | "secp384r1mlkem1024" => Version(3, 5, 0),
        "brainpoolp256r1tls13" | "brainpoolp384r1tls13" | "brainpoolp512r1tls13" => {
            Version(3, 2, 0)
        }
        "ffdhe2048" | "ffdhe3072" | "ffdhe4096" | "ffdhe6144" | "ffdhe8192" => Version(3, 0, 0),
        "x25519" | "x448" => Version(1, 1, 0),
        _ => return None,
    })
}

/// A written group the target OpenSSL does not have (`X25519MLKEM768` before 3.5): nginx and
/// Dovecot refuse the whole list (nginx does not start), Postfix skips the group with a
/// warning. Groups marked optional with `?` (OpenSSL 3.3+) are skipped by OpenSSL itself.
/// Returns the observation and whether the program refuses.
fn unavailable_group(e: &Endpoint, openssl: crate::model::Version) -> Option<(Observation, bool)> {
    let curves = e.tls.curves.as_ref().filter(|c| !c.is_default())?;
    let (n, since) = curves.value.iter().find_map(|n| {
        let since = group_since(&n.name)?;
        (openssl < since).then_some((n, since))
    })?;
    let refuses = matches!(
        e.dialect,
        Dialect::Nginx | Dialect::Dovecot | Dialect::Apache | Dialect::Haproxy
    );
    let (kind, what) = if refuses {
        (
            ObservationKind::InvalidValue,
            format!(
                "{}: the group list is refused",
                e.dialect.on_rejected_ciphers()
            ),
        )
    } else {
        (
            ObservationKind::Ineffective,
            "Postfix skips it with a warning".to_owned(),
        )
    };
    let o = Observation::new(
        kind,
        n.span.or(curves.span).unwrap_or(e.span),
        format!(
            "group `{}` needs OpenSSL {since} or later; OpenSSL {openssl} does not have it ({what})",
            n.name
        ),
    )
    .help(format!(
        "remove `{}` for OpenSSL {openssl}, or set `--target openssl=` to the OpenSSL you run",
        n.name
    ));
    Some((o, refuses))
}

/// Whether an elliptic curve, and any group at all, survives the level. No setting, or
/// `auto`, is OpenSSL's default list (which has both).
fn groups_usable(curves: Option<&[crate::model::Named]>, min_bits: u32) -> (bool, bool) {
    let Some(list) = curves else {
        return (true, true);
    };
    let mut ec = false;
    let mut any = false;
    for n in list {
        if n.name.eq_ignore_ascii_case("auto") {
            return (true, true);
        }
        match group(&n.name) {
            Some((bits, is_ec)) if bits >= min_bits => {
                any = true;
                ec |= is_ec;
            }
            Some(_) => {}
            None => {
                any = true;
                ec = true;
            }
        }
    }
    if list.is_empty() {
        return (true, true);
    }
    (ec, any)
}

/// What the program says when OpenSSL refuses a key, and what happens then.
/// Kinds of key-material file a program loads at start.
#[derive(Clone, Copy)]
enum Material {
    Certificate,
    Dh,
}

/// A certificate or DH file inside the tree that the program cannot load (empty, or not
/// PEM): nginx does not start, Postfix runs the service without TLS (a DH file: it logs a
/// warning and keeps its built-in group), Dovecot fails TLS set-up. Sets the refusal when
/// the program refuses; the observation says what happens, never what the file holds.
fn unloadable(
    e: &Endpoint,
    span: Option<crate::source::Span>,
    path: &std::path::Path,
    r: crate::material::Rejection,
    what: Material,
    out: &mut Negotiable,
) -> Observation {
    let span = span.unwrap_or(e.span);
    let (noun, nginx) = match what {
        // Measured with nginx 1.22.1 / OpenSSL 3.0.19 (`nginx -t`).
        Material::Certificate => (
            "certificate",
            format!(
                "nginx refuses to start: cannot load certificate \"{}\": PEM_read_bio_X509_AUX() failed (SSL: error:0480006C:PEM routines::no start line:Expecting: TRUSTED CERTIFICATE)",
                path.display()
            ),
        ),
        Material::Dh => (
            "DH parameter",
            refusal(
                Dialect::Nginx,
                "PEM_read_bio_DHparams",
                path,
                "error:0480006C:PEM routines::no start line:Expecting: DH PARAMETERS",
            ),
        ),
    };
    let head = format!("this {noun} file {}", r.why);
    let help =
        format!("put the PEM {noun} file the program should load here, or point the setting at it");
    if e.dialect == Dialect::Postfix && matches!(what, Material::Dh) {
        // tls_dh.c: "cannot load ... DH parameters from file ... -- using compiled-in defaults".
        return Observation::new(
            ObservationKind::Ineffective,
            span,
            format!("{head}: Postfix logs a warning and uses its built-in DH parameters instead"),
        )
        .help(help);
    }
    let msg = match e.dialect {
        Dialect::Nginx => nginx,
        other => format!(
            "{}: it cannot load this {noun} file",
            other.on_rejected_ciphers()
        ),
    };
    out.refused = Some(msg.clone());
    Observation::new(
        ObservationKind::InvalidValue,
        span,
        format!("{head}: {msg}"),
    )
    .help(help)
}

fn refusal(dialect: Dialect, call: &str, path: &std::path::Path, reason: &str) -> String {
    match dialect {
        Dialect::Nginx => format!(
            "nginx refuses to start: {call}(\"{}\") failed (SSL: {reason})",
            path.display()
        ),
        other => format!("{} (OpenSSL: \"{reason}\")", other.on_rejected_ciphers()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowest_run() {
        use Protocol::*;
        assert_eq!(lowest_run_top(&[TLSv1, TLSv1_2, TLSv1_3]), Some(TLSv1));
        assert_eq!(lowest_run_top(&[TLSv1_2, TLSv1_3]), Some(TLSv1_3));
        assert_eq!(lowest_run_top(&[SSLv3, TLSv1_2]), Some(TLSv1_2));
        assert_eq!(lowest_run_top(&[]), None);
    }

    #[test]
    fn levels_kill_old_protocols_in_openssl_3() {
        let v3 = crate::model::Version(3, 0, 0);
        let v1 = crate::model::Version(1, 1, 1);
        assert_eq!(dead_reason(Protocol::TLSv1, (1, 1), v3), Some(Dead::Level));
        assert!(dead_reason(Protocol::TLSv1, (0, 0), v3).is_none());
        assert!(dead_reason(Protocol::TLSv1, (2, 2), v1).is_none());
        assert!(dead_reason(Protocol::TLSv1_2, (5, 5), v3).is_none());
        // A virtual server at level 0 behind a default server at level 3: TLS 1.1 works,
        // TLS 1.0 is refused when the version is chosen.
        assert_eq!(dead_reason(Protocol::TLSv1, (0, 3), v3), Some(Dead::Level));
        assert!(dead_reason(Protocol::TLSv1_1, (0, 3), v3).is_none());
    }

    #[test]
    fn openssl_1_0_2_has_sslv3_and_no_tls13() {
        let v = crate::model::Version(1, 0, 2);
        assert!(dead_reason(Protocol::SSLv3, (0, 0), v).is_none());
        assert!(dead_reason(Protocol::TLSv1, (0, 0), v).is_none());
        assert_eq!(dead_reason(Protocol::TLSv1_3, (0, 0), v), Some(Dead::Build));
        assert_eq!(dead_reason(Protocol::SSLv2, (0, 0), v), Some(Dead::Build));
        let t = Targets {
            openssl: v,
            seclevel: Some(2),
            ..Targets::default()
        };
        assert_eq!(default_level(&t).0, 0);
    }
}
