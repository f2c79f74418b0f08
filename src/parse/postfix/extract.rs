//! From parameters to the model: the effective TLS policy of `smtpd` and `smtp` per
//! main.cf and per master.cf service, as Postfix computes it (mail.md §3–§6).
//!
//! Every dialect fact lives here: the security level choosing mandatory or opportunistic
//! parameters, the grade → cipher-list composition with `:!exclusion`s, version defaults,
//! tlsmgr's ticket-key rotation. Checks only read the resulting [`Endpoint`]s and
//! [`Observation`]s. Syntax is `syntax.rs`' job; lookup and provenance are `scope.rs`'.

use std::path::PathBuf;

use super::params;
use super::scope::{Scope, Val};
use super::text::tokens;
use crate::escape::short;
use crate::model::{
    CipherString, Ciphers, Dialect, Endpoint, Named, Observation, ObservationKind, PathBase,
    Protocol, Setting, Side, TicketKeys, TlsMode, TlsSettings, Version,
};
use crate::source::Span;

/// An endpoint under construction, with the observations that belong to it.
pub(crate) struct Built {
    /// The endpoint.
    pub(crate) endpoint: Endpoint,
    /// Its observations (`endpoint` index filled in by the caller).
    pub(crate) observations: Vec<Observation>,
}

/// Parameter-name prefix of a side (`smtpd` / `smtp`).
fn prefix(side: Side) -> &'static str {
    match side {
        Side::Server => "smtpd",
        Side::Client => "smtp",
    }
}

/// Parses a Postfix boolean (`yes`/`no`, case-insensitive); `None` when invalid.
fn boolean(v: &Val) -> Option<bool> {
    let t = v.trimmed();
    if t.eq_ignore_ascii_case("yes") {
        Some(true)
    } else if t.eq_ignore_ascii_case("no") {
        Some(false)
    } else {
        None
    }
}

/// Parses a time value: digits plus an optional `s m h d w` unit (seconds by default).
fn time_secs(t: &str) -> Option<u64> {
    let t = t.trim();
    let (num, mult) = match t.as_bytes().last()? {
        b's' => (&t[..t.len() - 1], 1),
        b'm' => (&t[..t.len() - 1], 60),
        b'h' => (&t[..t.len() - 1], 3600),
        b'd' => (&t[..t.len() - 1], 86_400),
        b'w' => (&t[..t.len() - 1], 604_800),
        _ => (t, 1),
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    num.parse::<u64>().ok()?.checked_mul(mult)
}

/// The `tls_ssl_options` names Postfix knows (postconf(5)); anything else is a `0x` mask.
const SSL_OPTION_NAMES: &[&str] = &[
    "NO_COMPRESSION",
    "NO_TICKET",
    "NO_RENEGOTIATION",
    "ENABLE_MIDDLEBOX_COMPAT",
    "LEGACY_SERVER_CONNECT",
    "NO_SESSION_RESUMPTION_ON_RENEGOTIATION",
    "PRIORITIZE_CHACHA",
];

/// How [`Cx::ssl_options`] lists the extension bits of a `0x` mask: lower case, so no
/// (upper-cased) word of the config can spell them (Postfix has no such names).
const NO_ENCRYPT_THEN_MAC: &str = "mask:no_encrypt_then_mac";
/// See [`NO_ENCRYPT_THEN_MAC`].
const NO_EXTENDED_MASTER_SECRET: &str = "mask:no_extended_master_secret";

/// The security level as the endpoint sees it.
struct Level {
    mode: Option<Setting<TlsMode>>,
    /// Mandatory (enforced) parameters apply.
    mandatory: bool,
    /// The level word, lower case (`may`, `encrypt`, ...; `wrapper` for wrapper mode).
    word: String,
    /// Where the deciding value is written.
    span: Option<Span>,
}

impl Level {
    /// A level word Postfix rejects: no mode can be derived from it.
    fn invalid(word: String, span: Option<Span>) -> Level {
        Level {
            mode: None,
            mandatory: false,
            word,
            span,
        }
    }
}

/// Builds one endpoint of `side` from `scope`.
pub(crate) fn endpoint(
    scope: &Scope<'_>,
    side: Side,
    name: String,
    key: String,
    span: Span,
) -> Built {
    let mut cx = Cx {
        scope,
        side,
        key,
        obs: Vec::new(),
    };
    let level = match side {
        Side::Server => cx.server_level(),
        Side::Client => cx.client_level(),
    };
    let tls_on = level.mode.as_ref().is_some_and(|m| m.value != TlsMode::Off);
    if tls_on {
        cx.ineffective_overrides(&level);
    }
    let mut mx_delivery = false;
    let mut tls = TlsSettings {
        mode: level.mode.clone(),
        ..TlsSettings::default()
    };
    if tls_on {
        tls.protocols = Some(cx.protocols(&level));
        tls.ciphers = cx.ciphers(&level);
        tls.ciphersuites = cx.ciphersuites();
    }
    tls.curves = Some(cx.curves());
    let options = cx.ssl_options();
    tls.compression = Some(cx.compression(&options));
    tls.extended_master_secret = cx.turned_off(&options, NO_EXTENDED_MASTER_SECRET);
    tls.encrypt_then_mac = cx.turned_off(&options, NO_ENCRYPT_THEN_MAC);
    match side {
        Side::Server => {
            tls.prefer_server_ciphers = Some(cx.flag("tls_preempt_cipherlist"));
            cx.tickets(&options, &mut tls);
            tls.dh_params = Some(cx.dh_params());
        }
        Side::Client => {
            let verify = matches!(
                level.word.as_str(),
                "verify" | "secure" | "dane" | "dane-only" | "fingerprint"
            );
            let v = scope.get("smtp_tls_security_level");
            let mut setting = scope.setting(&v, verify);
            // Opportunistic TLS to MX hosts (RFC 7435) has nothing to verify against
            // without DANE or MTA-STS; only a relayhost that gets SASL credentials over
            // an unverified connection is a finding.
            let relayed = !scope.get("relayhost").trimmed().is_empty();
            let (sasl, _) = cx.bool_of("smtp_sasl_auth_enable");
            let credentials_to_relay = relayed && sasl;
            if tls_on && !verify && !credentials_to_relay {
                mx_delivery = true;
                setting.set_note(
                    "opportunistic TLS for delivery to MX hosts: certificates cannot be verified without DANE (`dane` with `smtp_dns_support_level = dnssec`) or MTA-STS",
                );
            }
            tls.verify_peer = Some(setting);
        }
    }
    tls.certificates = cx.certificates();
    // Postfix runs OpenSSL at security level 0 and applies its own cipher grades (a
    // `@SECLEVEL` in a cipher list still wins, see `negotiate`). Observed live: Postfix
    // 3.7 with OpenSSL 3.0 negotiates TLS 1.0 where nginx on the same build cannot.
    tls.security_level = Some(Setting::defaulted(
        0,
        "Postfix sets OpenSSL's security level to 0 and relies on its own cipher grades",
    ));
    if side == Side::Server {
        cx.not_enforced(&level, span);
    }
    Built {
        endpoint: Endpoint {
            dialect: Dialect::Postfix,
            app: None,
            name: name.into(),
            key: cx.key,
            side,
            span,
            sockets: Vec::new(),
            server_names: Vec::new(),
            tls,
            negotiable: None,
            handshake_default: None,
            mx_delivery,
            unknown: Vec::new(),
            relative_paths: queue_directory(scope, span),
        },
        observations: cx.obs,
    }
}

/// Postfix daemons `chdir` to `queue_directory` before they load certificates and DH
/// parameters, so a relative path names a file there, never one beside main.cf.
fn queue_directory(scope: &Scope<'_>, span: Span) -> PathBase {
    let v = scope.get_main("queue_directory");
    let dir = Some(v.trimmed())
        .filter(|d| d.starts_with('/'))
        .unwrap_or(DEFAULT_QUEUE_DIRECTORY);
    PathBase::Dir {
        dir: std::path::Path::new(dir).into(),
        by: span.file,
    }
}

/// `queue_directory`'s compiled-in default (postconf(5)).
const DEFAULT_QUEUE_DIRECTORY: &str = "/var/spool/postfix";

struct Cx<'s, 'a> {
    scope: &'s Scope<'a>,
    side: Side,
    key: String,
    obs: Vec<Observation>,
}

impl Cx<'_, '_> {
    fn observe(
        &mut self,
        kind: ObservationKind,
        span: Option<Span>,
        topic: &str,
        msg: String,
        help: &str,
    ) {
        let Some(span) = span else { return };
        let mut o = Observation::new(kind, span, msg).key(format!("{}/{topic}", self.key));
        if !help.is_empty() {
            o = o.help(help);
        }
        self.obs.push(o);
    }

    /// An invalid value of `v`, at its use.
    /// master.cf `-o` overrides of the parameter set this service's TLS level does not use:
    /// mandatory TLS (`encrypt` and up, wrapper mode) reads the `*_mandatory_*` protocols,
    /// grade and exclusions, opportunistic TLS (`may`) the others (mail.md §3). The client's
    /// `dane` uses both (mandatory with TLSA records, `may` without), so nothing is ignored.
    fn ineffective_overrides(&mut self, level: &Level) {
        if self.scope.service.is_none() || (self.side == Side::Client && level.word == "dane") {
            return;
        }
        let p = prefix(self.side);
        let pairs = [
            (
                format!("{p}_tls_ciphers"),
                format!("{p}_tls_mandatory_ciphers"),
            ),
            (
                format!("{p}_tls_protocols"),
                format!("{p}_tls_mandatory_protocols"),
            ),
            (
                format!("{p}_tls_exclude_ciphers"),
                format!("{p}_tls_mandatory_exclude_ciphers"),
            ),
        ];
        let (why, kind) = if level.mandatory {
            let why = if level.word == "wrapper" {
                "wrapper mode (implicit TLS)".to_owned()
            } else {
                format!("TLS level `{}`", level.word)
            };
            (why, "mandatory")
        } else {
            (format!("TLS level `{}`", level.word), "opportunistic")
        };
        let service = self.scope.service.clone().unwrap_or_default();
        let mut found = Vec::new();
        for (opportunistic, mandatory) in &pairs {
            // The exclusions of opportunistic TLS also apply to mandatory TLS.
            let (ignored, used) = if level.mandatory {
                if opportunistic.ends_with("exclude_ciphers") {
                    continue;
                }
                (opportunistic, mandatory)
            } else {
                (mandatory, opportunistic)
            };
            let Some(def) = self.scope.overrides.get(ignored.as_str()) else {
                continue;
            };
            let msg = format!(
                "`-o {ignored}` has no effect on {service}: its {why} makes Postfix use the {kind} `{used}`"
            );
            let help = format!("set `-o {used}=...` instead, or remove this override");
            found.push((def.name_span, ignored.clone(), msg, help));
        }
        for (span, name, msg, help) in found {
            let topic = format!("{name}/ineffective");
            self.observe(ObservationKind::Ineffective, Some(span), &topic, msg, &help);
        }
    }

    fn invalid(&mut self, v: &Val, msg: String, help: &str) {
        let topic = format!("{}/invalid", v.name);
        self.observe(ObservationKind::InvalidValue, v.span, &topic, msg, help);
    }

    /// A boolean parameter, reporting invalid values (Postfix: "bad boolean
    /// configuration") and falling back to `no`.
    fn bool_of(&mut self, name: &str) -> (bool, Val) {
        let v = self.scope.get(name);
        let b = boolean(&v).unwrap_or_else(|| {
            let msg = format!(
                "`{name} = {}` is not a boolean; Postfix stops with \"bad boolean configuration\"",
                v.trimmed()
            );
            self.invalid(&v, msg, "write `yes` or `no`");
            false
        });
        (b, v)
    }

    fn flag(&mut self, name: &str) -> Setting<bool> {
        let (b, v) = self.bool_of(name);
        self.scope.setting(&v, b)
    }

    /// `smtpd`: wrapper mode, then `smtpd_tls_security_level`, then the legacy booleans.
    fn server_level(&mut self) -> Level {
        let (wrap, wv) = self.bool_of("smtpd_tls_wrappermode");
        if wrap {
            let mode = self
                .scope
                .setting(&wv, TlsMode::Required)
                .with_note("wrapper mode (implicit TLS): TLS is required");
            return Level {
                mode: Some(mode),
                mandatory: true,
                word: "wrapper".into(),
                span: wv.span,
            };
        }
        let v = self.scope.get("smtpd_tls_security_level");
        let word = v.trimmed().to_ascii_lowercase();
        if !word.is_empty() {
            let (mode, note) = match word.as_str() {
                "none" => (TlsMode::Off, None),
                "may" => (TlsMode::Optional, None),
                "encrypt" => (TlsMode::Required, None),
                "fingerprint" | "verify" | "secure" => (
                    TlsMode::Required,
                    Some(format!(
                        "smtpd treats `{word}` as `encrypt` (with a warning)"
                    )),
                ),
                _ => {
                    let msg = format!(
                        "invalid TLS level `{}`: smtpd stops with \"Invalid TLS level\"",
                        v.trimmed()
                    );
                    self.invalid(&v, msg, "use `none`, `may` or `encrypt`");
                    return Level::invalid(word, v.span);
                }
            };
            let mut s = self.scope.setting(&v, mode);
            if let Some(n) = note {
                s = s.with_note(n);
            }
            return Level {
                mandatory: mode == TlsMode::Required,
                mode: Some(s),
                word,
                span: v.span,
            };
        }
        self.legacy_level(&v, "smtpd_enforce_tls", "smtpd_use_tls")
    }

    /// An empty security level: the legacy `*_enforce_tls` / `*_use_tls` booleans decide.
    fn legacy_level(&mut self, level: &Val, enforce: &str, use_: &str) -> Level {
        let (enf, ev) = self.bool_of(enforce);
        if enf {
            let s = self.scope.setting(&ev, TlsMode::Required);
            return Level {
                mode: Some(s),
                mandatory: true,
                word: "encrypt".into(),
                span: ev.span,
            };
        }
        let (on, uv) = self.bool_of(use_);
        if on {
            let s = self.scope.setting(&uv, TlsMode::Optional);
            return Level {
                mode: Some(s),
                mandatory: false,
                word: "may".into(),
                span: uv.span,
            };
        }
        let s = if uv.is_explicit() {
            self.scope.setting(&uv, TlsMode::Off)
        } else {
            let mut s = self.scope.setting(level, TlsMode::Off);
            if let crate::model::Origin::Default { assumed } = &mut s.origin {
                *assumed = format!("{assumed} and `{use_}` is `no`: TLS is off").into();
            }
            s
        };
        Level {
            mode: Some(s),
            mandatory: false,
            word: "none".into(),
            span: uv.span,
        }
    }

    /// `smtp`: `smtp_tls_security_level`, then the legacy booleans.
    fn client_level(&mut self) -> Level {
        let v = self.scope.get("smtp_tls_security_level");
        let word = v.trimmed().to_ascii_lowercase();
        if word.is_empty() {
            return self.legacy_level(&v, "smtp_enforce_tls", "smtp_use_tls");
        }
        let mode = match word.as_str() {
            "none" => TlsMode::Off,
            "may" => TlsMode::Optional,
            "encrypt" | "dane" | "dane-only" | "fingerprint" | "verify" | "secure" => {
                TlsMode::Required
            }
            _ => {
                let msg = format!(
                    "invalid TLS level `{}` for the SMTP client",
                    short(v.trimmed())
                );
                self.invalid(&v, msg, "use `none`, `may`, `encrypt`, `dane`, `dane-only`, `fingerprint`, `verify` or `secure`");
                return Level::invalid(word, v.span);
            }
        };
        let mut s = self.scope.setting(&v, mode);
        if word == "dane" {
            s = s.with_note("`dane` requires TLS only for destinations with usable TLSA records; others fall back to `may`");
        }
        Level {
            mandatory: mode == TlsMode::Required,
            mode: Some(s),
            word,
            span: v.span,
        }
    }

    /// The protocol list chosen by the level (mandatory or opportunistic).
    fn protocols(&mut self, level: &Level) -> Setting<Vec<Protocol>> {
        let p = prefix(self.side);
        let name = if level.mandatory {
            format!("{p}_tls_mandatory_protocols")
        } else {
            format!("{p}_tls_protocols")
        };
        let v = self.scope.get(&name);
        let mut s = match parse_protocols(&v.text.text) {
            Ok(list) => {
                let (list, dropped) = available(list, self.scope.openssl);
                let mut s = self.scope.setting(&v, list);
                if let Some(d) = dropped {
                    s = s.with_note(d);
                }
                s
            }
            Err(range) => {
                let word = v.text.text[range.clone()].to_owned();
                let span = v.text.exact(range).or(v.span);
                let topic = format!("{name}/invalid");
                let msg = format!(
                    "unknown protocol `{word}` in `{name}`: Postfix logs \"Invalid TLS protocol list\" and disables TLS"
                );
                let help = if word.starts_with('#') {
                    "Postfix has no comments after a value: move the comment to its own line"
                } else {
                    "use `>=TLSv1.2` or names among SSLv2, SSLv3, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3"
                };
                self.observe(ObservationKind::InvalidValue, span, &topic, msg, help);
                self.scope
                    .setting(&v, Vec::new())
                    .with_note("Postfix rejects this protocol list and disables TLS")
            }
        };
        if let (Some(span), true) = (level.span, v.is_explicit() || level.word != "none") {
            let which = if level.mandatory {
                "mandatory"
            } else {
                "opportunistic"
            };
            s = s.with_related(
                span,
                format!("TLS level `{}` selects the {which} protocols", level.word),
            );
        }
        s
    }

    /// Grade → `tls_*_cipherlist` + `:!exclusion` per excluded word (mail.md §4).
    fn ciphers(&mut self, level: &Level) -> Option<Setting<Ciphers>> {
        let p = prefix(self.side);
        let grade_name = if level.mandatory {
            format!("{p}_tls_mandatory_ciphers")
        } else {
            format!("{p}_tls_ciphers")
        };
        let grade = self.scope.get(&grade_name);
        let g = grade.trimmed().to_ascii_lowercase();
        let v38 = self.scope.postfix >= Version(3, 8, 0);
        let list_name = match g.as_str() {
            "low" | "export" if v38 => "tls_medium_cipherlist".into(),
            "high" | "medium" | "null" | "low" | "export" => format!("tls_{g}_cipherlist"),
            _ => {
                let msg = format!(
                    "unknown cipher grade `{}` in `{grade_name}`: Postfix fails every TLS session",
                    grade.trimmed()
                );
                self.invalid(&grade, msg, "use `high` or `medium`");
                return None;
            }
        };
        let list = self.scope.get(&list_name);
        let mut cs = CipherString::default();
        if list.is_explicit() {
            for (r, span) in list.text.runs() {
                cs.push(&list.text.text[r], span);
            }
        } else {
            cs.push_builtin(&list.text.text);
        }
        let mut excl = vec![format!("{p}_tls_exclude_ciphers")];
        if level.mandatory {
            excl.push(format!("{p}_tls_mandatory_exclude_ciphers"));
        }
        let excl: Vec<Val> = excl.iter().map(|n| self.scope.get(n)).collect();
        for v in &excl {
            self.exclusions(v, &mut cs);
        }
        let anull = self.anull(level);
        if anull {
            cs.push(":!aNULL", None);
        }
        let explicit = [&grade]
            .into_iter()
            .chain(&excl)
            .chain([&list])
            .find(|v| v.is_explicit());
        let mut s = match explicit {
            Some(v) => self
                .scope
                .setting(v, Ciphers::OpenSsl(cs))
                .directive(grade_name.clone()),
            None => Setting::defaulted(
                Ciphers::OpenSsl(cs),
                format!(
                    "{}; it selects the default `{list_name}`",
                    self.scope.assumed(&grade_name, grade.trimmed())
                ),
            )
            .directive(grade_name.clone()),
        };
        for v in [&grade, &list].into_iter().chain(&excl) {
            let primary = explicit.is_some_and(|e| e.name == v.name);
            if let Some(span) = v.span.filter(|_| !primary) {
                s = s.with_related(span, format!("`{}` set here", v.name));
                // The primary value's `$name` definitions are already labelled.
                for (name, def) in &v.via {
                    if let Some(def) = def {
                        s = s.with_related(*def, format!("`${name}` defined here"));
                    }
                }
            }
        }
        if (g == "low" || g == "export") && v38 {
            s = s.with_note(format!(
                "Postfix {} treats grade `{g}` as `medium`",
                self.scope.postfix
            ));
        }
        if anull {
            s = s.with_note("`aNULL` is excluded because certificates are requested or verified");
        }
        Some(s)
    }

    /// Appends `:!word` per exclusion word of `v`; words starting with `! + - @` are
    /// rejected by Postfix ("invalid unary"), which disables the cipher setup.
    fn exclusions(&mut self, v: &Val, cs: &mut CipherString) {
        for r in tokens(&v.text.text, &[',', ':']) {
            let word = &v.text.text[r.clone()];
            let span = v.text.exact(r);
            if word.starts_with(['!', '+', '-', '@']) {
                let topic = format!("{}/invalid", v.name);
                let msg = format!(
                    "`{word}` in `{}`: Postfix rejects exclusions starting with `{}` (\"invalid unary\") and fails every TLS session",
                    v.name,
                    &word[..1]
                );
                let help = format!(
                    "write `{}` without the leading `{}`",
                    &word[1..],
                    &word[..1]
                );
                self.observe(
                    ObservationKind::InvalidValue,
                    span.or(v.span),
                    &topic,
                    msg,
                    &help,
                );
                continue;
            }
            cs.push(":!", None);
            cs.push(word, span);
        }
    }

    /// True when Postfix adds `aNULL` to the exclusions: the server asks for client
    /// certificates, or the client must verify the server (mail.md §3).
    fn anull(&mut self, level: &Level) -> bool {
        match self.side {
            Side::Server => {
                let (ask, _) = self.bool_of("smtpd_tls_ask_ccert");
                let (req, _) = self.bool_of("smtpd_tls_req_ccert");
                ask || (req && level.mandatory)
            }
            Side::Client => matches!(
                level.word.as_str(),
                "verify" | "secure" | "dane" | "dane-only" | "fingerprint"
            ),
        }
    }

    /// `tls_eecdh_auto_curves` (3.2+); before 3.6 `smtpd_tls_eecdh_grade` may pick one curve.
    /// TLS 1.3 suites. Postfix has no parameter for them: OpenSSL's defaults apply, unless
    /// `tls_config_file` (3.9, 3.8.1, 3.7.6, 3.6.10, 3.5.20) names an OpenSSL configuration
    /// file, which may set them and is not read (then they are not judged).
    fn ciphersuites(&mut self) -> Option<Setting<Vec<Named>>> {
        let v = self.scope.get_main("tls_config_file");
        let file = v.trimmed();
        if v.is_explicit() && !file.is_empty() && !file.eq_ignore_ascii_case("default") {
            return None;
        }
        let list = crate::negotiate::OPENSSL_CIPHERSUITES
            .iter()
            .map(|s| Named::new(*s, None))
            .collect();
        Some(
            Setting::defaulted(
                list,
                "Postfix sets no TLS 1.3 suites; OpenSSL's defaults apply",
            )
            .directive("tls_config_file"),
        )
    }

    fn curves(&mut self) -> Setting<Vec<Named>> {
        let pf = self.scope.postfix;
        if pf < Version(3, 6, 0) && self.side == Side::Server {
            let g = self.scope.get("smtpd_tls_eecdh_grade");
            let word = g.trimmed().to_ascii_lowercase();
            let auto_default = pf >= Version(3, 4, 0)
                || (pf >= Version(3, 2, 0) && self.scope.openssl >= Version(1, 0, 2));
            // Before 3.2 (or without OpenSSL 1.0.2) the empty default grade is `strong`.
            let strong = word == "strong" || (word.is_empty() && !auto_default);
            let fixed = match word.as_str() {
                _ if strong => Some("prime256v1"),
                "ultra" => Some("secp384r1"),
                "none" => Some(""),
                _ => None,
            };
            if let Some(curve) = fixed {
                let list = if curve.is_empty() {
                    vec![]
                } else {
                    vec![Named::new(curve, None)]
                };
                return self.scope.setting(&g, list);
            }
        }
        let v = self.scope.get("tls_eecdh_auto_curves");
        let list = tokens(&v.text.text, &[',', ':'])
            .into_iter()
            .map(|r| Named::new(v.text.text[r.clone()].to_owned(), v.text.exact(r)))
            .collect();
        self.scope.setting(&v, list)
    }

    /// `tls_ssl_options` words (upper-cased) with their spans; hex masks are decoded for
    /// the bits that matter here (tickets, compression, encrypt-then-MAC, extended master
    /// secret).
    fn ssl_options(&mut self) -> (Val, Vec<(String, Option<Span>)>) {
        let v = self.scope.get("tls_ssl_options");
        let mut out = Vec::new();
        for r in tokens(&v.text.text, &[',']) {
            let word = v.text.text[r.clone()].to_ascii_uppercase();
            let span = v.text.exact(r);
            if let Some(hex) = word.strip_prefix("0X") {
                // SSL_OP_NO_TICKET = 0x4000, SSL_OP_NO_COMPRESSION = 0x20000 (OpenSSL ssl.h).
                let mask = u64::from_str_radix(hex, 16).unwrap_or(0);
                if mask & 0x4000 != 0 {
                    out.push(("NO_TICKET".to_owned(), span));
                }
                if mask & 0x2_0000 != 0 {
                    out.push(("NO_COMPRESSION".to_owned(), span));
                }
                // Postfix has no names for these two; a mask ORs them in (only SSL_OP_ALL and
                // the bits Postfix manages are dropped). SSL_OP_NO_ENCRYPT_THEN_MAC is bit 19
                // from OpenSSL 1.1.0 (1.0.2 has no encrypt-then-MAC); bit 0 is
                // SSL_OP_NO_EXTENDED_MASTER_SECRET from 3.0 (unused before).
                let ossl = self.scope.openssl;
                if mask & 0x8_0000 != 0 && ossl >= Version(1, 1, 0) {
                    out.push((NO_ENCRYPT_THEN_MAC.to_owned(), span));
                }
                if mask & 0x1 != 0 && ossl >= Version(3, 0, 0) {
                    out.push((NO_EXTENDED_MASTER_SECRET.to_owned(), span));
                }
                continue;
            }
            if !SSL_OPTION_NAMES.contains(&word.as_str()) {
                let msg = format!(
                    "unknown `tls_ssl_options` word `{word}`; Postfix ignores the whole setting with a warning"
                );
                self.observe(
                    ObservationKind::InvalidValue,
                    span.or(v.span),
                    "tls_ssl_options/invalid",
                    msg,
                    "use names such as NO_COMPRESSION, NO_RENEGOTIATION, PRIORITIZE_CHACHA",
                );
            }
            out.push((word, span));
        }
        (v, out)
    }

    /// A TLS extension that a `tls_ssl_options` mask turns off (`word` as [`Cx::ssl_options`]
    /// decodes it); `None` when nothing in the config turns it off (OpenSSL's default: on),
    /// or when a name Postfix does not know puts the whole setting in doubt.
    fn turned_off(
        &self,
        (v, words): &(Val, Vec<(String, Option<Span>)>),
        word: &str,
    ) -> Option<Setting<bool>> {
        let doubtful = words.iter().any(|(w, _)| {
            !SSL_OPTION_NAMES.contains(&w.as_str())
                && w != NO_ENCRYPT_THEN_MAC
                && w != NO_EXTENDED_MASTER_SECRET
        });
        if doubtful {
            return None;
        }
        let (_, span) = words.iter().find(|(w, _)| w == word)?;
        let mut s = self.scope.setting(v, false);
        if let (Some(span), Some(_)) = (span, s.span) {
            s.span = Some(*span);
        }
        Some(s)
    }

    /// TLS compression: off with `NO_COMPRESSION`, else OpenSSL's default for the target.
    fn compression(&self, (v, words): &(Val, Vec<(String, Option<Span>)>)) -> Setting<bool> {
        if let Some((_, span)) = words.iter().find(|(w, _)| w == "NO_COMPRESSION") {
            let mut s = self.scope.setting(v, false);
            if let (Some(span), Some(_)) = (span, s.span) {
                s.span = Some(*span);
            }
            return s;
        }
        let ossl = self.scope.openssl;
        let (value, why) = if ossl >= Version(1, 1, 0) {
            (
                false,
                format!(
                    "no `NO_COMPRESSION` in `tls_ssl_options`; OpenSSL {ossl} disables TLS compression by default"
                ),
            )
        } else {
            (
                true,
                format!(
                    "no `NO_COMPRESSION` in `tls_ssl_options`; with OpenSSL {ossl} TLS compression stays enabled"
                ),
            )
        };
        Setting::defaulted(value, why).directive("tls_ssl_options")
    }

    /// Session tickets and tlsmgr's key rotation (mail.md §6). The timeout is a tlsmgr
    /// parameter: only main.cf counts.
    fn tickets(
        &mut self,
        (opts, words): &(Val, Vec<(String, Option<Span>)>),
        tls: &mut TlsSettings,
    ) {
        let t = self.scope.get_main("smtpd_tls_session_cache_timeout");
        let secs = time_secs(t.trimmed()).unwrap_or_else(|| {
            let msg = format!(
                "`smtpd_tls_session_cache_timeout = {}` is not a time value",
                t.trimmed()
            );
            self.invalid(
                &t,
                msg,
                "write a number with an optional unit s, m, h, d or w",
            );
            3600
        });
        // tlsmgr raises 0 < T < 120 s to 120 s and refuses more than 100 days.
        let max = 100 * 86_400;
        if secs > max {
            let msg = format!(
                "`smtpd_tls_session_cache_timeout` of {secs} s exceeds tlsmgr's maximum of 100 days"
            );
            self.invalid(&t, msg, "use at most `100d`");
        }
        let secs = if secs == 0 { 0 } else { secs.clamp(120, max) };
        let cipher = self.scope.get("tls_session_ticket_cipher");
        let no_ticket = words.iter().find(|(w, _)| w == "NO_TICKET");
        let on = secs > 0 && !cipher.trimmed().is_empty() && no_ticket.is_none();
        tls.session_tickets = Some(if let Some((_, span)) = no_ticket {
            let mut s = self.scope.setting(opts, false);
            if let (Some(span), Some(_)) = (span, s.span) {
                s.span = Some(*span);
            }
            s
        } else if secs == 0 {
            self.scope.setting(&t, false)
        } else if cipher.trimmed().is_empty() {
            self.scope.setting(&cipher, false)
        } else if t.is_explicit() || !cipher.is_explicit() {
            self.scope.setting(&t, true)
        } else {
            self.scope.setting(&cipher, true)
        });
        tls.session_timeout = Some(self.scope.setting(&t, secs.saturating_mul(2)).with_note(
            "tlsmgr sets the session lifetime to twice `smtpd_tls_session_cache_timeout`",
        ));
        if on {
            let keys = TicketKeys::Rotated {
                interval_secs: Some(secs / 2),
            };
            tls.ticket_keys = Some(self.scope.setting(&t, keys).with_note(
                "tlsmgr rotates ticket keys in memory: a key issues tickets for half of `smtpd_tls_session_cache_timeout` and decrypts them until the full timeout",
            ));
        }
    }

    /// `smtpd_tls_dh1024_param_file` (any size despite the name).
    fn dh_params(&self) -> Setting<Option<PathBuf>> {
        let v = self.scope.get("smtpd_tls_dh1024_param_file");
        let t = v.trimmed();
        if v.is_explicit() && !t.is_empty() && !t.eq_ignore_ascii_case("auto") {
            return self.scope.setting(&v, Some(PathBuf::from(t)));
        }
        if v.is_explicit() {
            return self.scope.setting(&v, None);
        }
        let pf = self.scope.postfix;
        let what = if pf >= Version(3, 7, 0) && self.scope.openssl >= Version(3, 0, 0) {
            "OpenSSL chooses the FFDHE group (`tls_ffdhe_auto_groups`)"
        } else if pf >= Version(3, 1, 0) {
            "a built-in 2048-bit group is used"
        } else {
            "a built-in 1024-bit group is used"
        };
        Setting::defaulted(
            None,
            format!("no `smtpd_tls_dh1024_param_file` in main.cf; with Postfix {pf} {what}"),
        )
        .directive("smtpd_tls_dh1024_param_file")
    }

    /// `*_tls_chain_files` (preferred when set) or the legacy cert file parameters.
    fn certificates(&self) -> Vec<Setting<PathBuf>> {
        let p = prefix(self.side);
        let chain = self.scope.get(&format!("{p}_tls_chain_files"));
        let names: Vec<Val> = if chain.trimmed().is_empty() {
            ["cert", "eccert", "dcert"]
                .iter()
                .map(|k| self.scope.get(&format!("{p}_tls_{k}_file")))
                .collect()
        } else {
            vec![chain]
        };
        let mut out = Vec::new();
        for v in &names {
            for r in tokens(&v.text.text, &[',']) {
                let mut s = self
                    .scope
                    .setting(v, PathBuf::from(&v.text.text[r.clone()]));
                if let (Some(span), Some(_)) = (v.text.exact(r), s.span) {
                    s.span = Some(span);
                }
                out.push(s);
            }
        }
        out
    }

    /// AUTH offered without TLS, or a submission service that does not require TLS.
    fn not_enforced(&mut self, level: &Level, header: Span) {
        let enforced = level
            .mode
            .as_ref()
            .is_some_and(|m| m.value == TlsMode::Required);
        if enforced {
            return;
        }
        let (sasl, sv) = self.bool_of("smtpd_sasl_auth_enable");
        let (auth_only, av) = self.bool_of("smtpd_tls_auth_only");
        let submission = self.scope.service.as_deref().is_some_and(|s| {
            let name = s.split('/').next().unwrap_or("");
            let port = name.rsplit(':').next().unwrap_or(name);
            matches!(port, "submission" | "submissions" | "smtps" | "587" | "465")
        });
        let cleartext_auth = sasl && !auth_only;
        if !cleartext_auth && !submission {
            return;
        }
        let (span, msg, help) = if cleartext_auth {
            let span = if av.is_explicit() { av.span } else { sv.span };
            (span, "SASL AUTH is offered without TLS (`smtpd_tls_auth_only = no`): passwords can be sent in cleartext".to_owned(),
             "set `smtpd_tls_auth_only = yes`, or require TLS with `smtpd_tls_security_level = encrypt`")
        } else {
            (
                Some(header),
                format!(
                    "submission service `{}` does not require TLS",
                    self.scope.service.as_deref().unwrap_or("")
                ),
                "add `-o smtpd_tls_security_level=encrypt` (STARTTLS, port 587) or `-o smtpd_tls_wrappermode=yes` (implicit TLS, port 465); see RFC 8314",
            )
        };
        let mut o = Observation::new(ObservationKind::NotEnforced, span.unwrap_or(header), msg)
            .help(help)
            .key(format!("{}/not-enforced", self.key));
        if let (Some(ls), true) = (sv.span, cleartext_auth) {
            o = o.label(ls, "SASL authentication enabled here");
        }
        if let Some(ls) = level.span {
            o = o.label(ls, format!("TLS level `{}` here", level.word));
        }
        self.obs.push(o);
    }
}

/// Protocol version numbers as Postfix compares them (`>=`/`<=` bounds, hex forms).
fn proto_code(p: Protocol) -> u32 {
    match p {
        Protocol::SSLv2 => 0x0002,
        Protocol::SSLv3 => 0x0300,
        Protocol::TLSv1 => 0x0301,
        Protocol::TLSv1_1 => 0x0302,
        Protocol::TLSv1_2 => 0x0303,
        Protocol::TLSv1_3 => 0x0304,
    }
}

/// A bound: empty → none (0), a protocol name, or hex `0303` / `0x303`.
fn bound(s: &str) -> Option<u32> {
    if s.is_empty() {
        return Some(0);
    }
    if let Some(p) = Protocol::parse(s).filter(|_| !s.eq_ignore_ascii_case("TLSv1.0")) {
        return Some(proto_code(p));
    }
    let hex = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    u32::from_str_radix(hex, 16).ok().filter(|&n| n <= 0xffff)
}

/// Postfix's `tls_proto_mask_lims()`: tokens split on space, comma and colon; `>=V`,
/// `<=V`, `!NAME`, and bare `NAME` includes (any include excludes all others). Returns the
/// enabled protocols or the byte range of the first token Postfix rejects.
pub(crate) fn parse_protocols(text: &str) -> Result<Vec<Protocol>, std::ops::Range<usize>> {
    let (mut floor, mut ceiling) = (0u32, 0u32);
    let mut include = Vec::new();
    let mut exclude = Vec::new();
    for r in tokens(text, &[',', ':']) {
        let tok = &text[r.clone()];
        let name = |s: &str| Protocol::parse(s).filter(|_| !s.eq_ignore_ascii_case("TLSv1.0"));
        if let Some(v) = tok.strip_prefix(">=") {
            floor = bound(v).ok_or(r)?;
        } else if let Some(v) = tok.strip_prefix("<=") {
            ceiling = bound(v).ok_or(r)?;
        } else if let Some(v) = tok.strip_prefix('!') {
            exclude.push(name(v).ok_or(r)?);
        } else {
            include.push(name(tok).ok_or(r)?);
        }
    }
    Ok(Protocol::ALL
        .into_iter()
        .filter(|p| {
            let c = proto_code(*p);
            (floor == 0 || c >= floor)
                && (ceiling == 0 || c <= ceiling)
                && !exclude.contains(p)
                && (include.is_empty() || include.contains(p))
        })
        .collect())
}

/// Drops protocols the target OpenSSL cannot speak; says which, for the setting's note.
fn available(list: Vec<Protocol>, openssl: Version) -> (Vec<Protocol>, Option<String>) {
    let gone = |p: &Protocol| {
        (openssl >= Version(1, 1, 0) && matches!(p, Protocol::SSLv2 | Protocol::SSLv3))
            || (openssl < Version(1, 1, 1) && *p == Protocol::TLSv1_3)
    };
    let dropped: Vec<&str> = list
        .iter()
        .filter(|p| gone(p))
        .map(|p| p.as_str())
        .collect();
    let note = (!dropped.is_empty()).then(|| {
        format!(
            "{} not available with OpenSSL {openssl} (removed or not built)",
            dropped.join(", ")
        )
    });
    (list.into_iter().filter(|p| !gone(p)).collect(), note)
}

/// Known TLS parameter check and deprecations for one definition; `referenced` tells
/// whether some value uses `$name` (then it is a user variable, not a typo).
pub(crate) fn name_observations(
    name: &str,
    name_span: Span,
    postfix: Version,
    referenced: bool,
    key: &str,
) -> Option<Observation> {
    if let Some(d) = params::DEPRECATED.iter().find(|d| d.name == name) {
        if postfix < d.since {
            return None;
        }
        return Some(
            Observation::new(ObservationKind::Deprecated, name_span, d.why)
                .help(d.help)
                .key(format!("{key}/deprecated")),
        );
    }
    if referenced || !params::looks_tls(name) || params::known_tls_params().any(|k| k == name) {
        return None;
    }
    let help = match params::closest(name) {
        Some(k) => format!("did you mean `{k}`?"),
        None => "Postfix ignores unknown parameters (postconf warns \"unused parameter\")".into(),
    };
    Some(
        Observation::new(
            ObservationKind::UnknownSetting,
            name_span,
            format!("unknown parameter `{}`: Postfix ignores it", short(name)),
        )
        .help(help)
        .key(format!("{key}/unknown")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<&'static str> {
        parse_protocols(s)
            .expect("valid")
            .into_iter()
            .map(Protocol::as_str)
            .collect()
    }

    #[test]
    fn protocol_lists_both_syntaxes() {
        assert_eq!(p(">=TLSv1.2"), ["TLSv1.2", "TLSv1.3"]);
        assert_eq!(
            p("!SSLv2, !SSLv3"),
            ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
        );
        assert_eq!(p("!SSLv2:!SSLv3,!TLSv1 !TLSv1.1"), ["TLSv1.2", "TLSv1.3"]);
        assert_eq!(
            p(""),
            ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
        );
        assert_eq!(p("TLSv1.2 TLSv1.3"), ["TLSv1.2", "TLSv1.3"]);
        assert_eq!(p(">=tlsv1.1 <=TLSv1.2"), ["TLSv1.1", "TLSv1.2"]);
        assert_eq!(p(">=0x0303"), ["TLSv1.2", "TLSv1.3"]);
        assert_eq!(p(">=0302"), ["TLSv1.1", "TLSv1.2", "TLSv1.3"]);
        // The trap: a space after `>=` is floor 0 plus an include of TLSv1.2 only.
        assert_eq!(p(">= TLSv1.2"), ["TLSv1.2"]);
    }

    #[test]
    fn unknown_protocol_words_are_rejected_with_their_range() {
        assert_eq!(parse_protocols("!SSLv2, !TLSv1.4"), Err(8..16));
        assert_eq!(parse_protocols(">=TLSv9"), Err(0..7));
        assert!(parse_protocols("TLSv1.0").is_err());
    }

    #[test]
    fn time_values() {
        assert_eq!(time_secs("3600s"), Some(3600));
        assert_eq!(time_secs("2h"), Some(7200));
        assert_eq!(time_secs("90"), Some(90));
        assert_eq!(time_secs("1x"), None);
        assert_eq!(time_secs("s"), None);
        assert_eq!(time_secs("99999999999999999999d"), None);
    }

    #[test]
    fn openssl_availability() {
        let (l, note) = available(vec![Protocol::SSLv3, Protocol::TLSv1_3], Version(1, 0, 2));
        assert_eq!(l, [Protocol::SSLv3]);
        assert!(note.is_some());
        let (l, _) = available(vec![Protocol::SSLv3, Protocol::TLSv1_2], Version(3, 0, 0));
        assert_eq!(l, [Protocol::TLSv1_2]);
    }
}
