//! From collected settings to the model: validates each value once, resolves every
//! endpoint's effective settings (most specific matching filter wins, mail.md §7) and
//! fills in the version's defaults with sentences saying what was assumed.

use std::collections::HashMap;
use std::path::PathBuf;

use super::Dv;
use super::collect::{Collected, Entry, LOGIN_SERVICES};
use super::filter::Cond;
use crate::escape::short;
use crate::model::{
    CipherString, Ciphers, Dialect, Endpoint, Model, Named, Observation, ObservationKind as Kind,
    PathBase, Protocol, Setting, Side, TicketKeys, TlsMode, TlsSettings,
};
use crate::source::Span;

/// Dovecot 2.2's built-in cipher list (2.2.36 `master-service-ssl-settings.c`, mail.md §9).
const DEFAULT_CIPHERS_22: &str = "ALL:!LOW:!SSLv2:!EXP:!aNULL";

/// Dovecot 2.2's built-in `ssl_protocols` (with an OpenSSL that knows SSLv2, as 1.0.x does).
const DEFAULT_PROTOCOLS_22: &str = "!SSLv2 !SSLv3";

/// Dovecot's built-in server cipher list (2.3.0 – 2.4, mail.md §8–§9).
const DEFAULT_CIPHERS: &str =
    "ALL:!kRSA:!SRP:!kDHd:!DSS:!aNULL:!eNULL:!EXPORT:!DES:!3DES:!MD5:!PSK:!RC4:!ADH:!LOW@STRENGTH";

/// OpenSSL 3's default TLS 1.3 suites (used when `ssl_cipher_suites` is empty or unset).
const OPENSSL_TLS13: [&str; 3] = [
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256",
];

/// Builds the model. `entry_span` stands for the global scope (start of the entry file).
pub(crate) fn extract(c: &Collected, dv: Dv, entry_span: Span, strict: bool) -> Model {
    let mut model = Model::default();
    let valid = validate(c, dv, &mut model);
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in c.entries.iter().enumerate() {
        by_key.entry(e.key.as_str()).or_default().push(i);
    }
    let x = Resolver {
        c,
        dv,
        valid: &valid,
        by_key,
    };
    let mut scopes = vec![Cond::default()];
    scopes.extend(c.scopes.iter().filter(|s| !s.is_global()).cloned());
    for scope in &scopes {
        let mut tls = x.settings(scope, &mut model);
        let certificate = if dv.is24 {
            "ssl_server_cert_file"
        } else {
            "ssl_cert"
        };
        let unknown = crate::parse::unknown::mark(&mut tls, certificate, strict, &mut |key| {
            x.unread_over(scope, key)
        });
        model.endpoints.push(Endpoint {
            dialect: Dialect::Dovecot,
            app: None,
            name: scope.name().into(),
            key: scope.key(),
            side: Side::Server,
            span: scope.span.unwrap_or(entry_span),
            sockets: Vec::new(),
            server_names: Vec::new(),
            tls,
            negotiable: None,
            handshake_default: None,
            mx_delivery: false,
            unknown,
            relative_paths: PathBase::NamingFile,
        });
    }
    for (i, scope) in scopes.iter().enumerate() {
        x.not_enforced(scope, i, &model.endpoints[i].tls, &mut model.observations);
    }
    no_certificate(&x, &scopes, &mut model);
    for (cond, mut obs) in c.observations.iter().cloned() {
        obs.endpoint = scopes.iter().position(|s| s.same(&cond));
        model.observations.push(obs);
    }
    for obs in &mut model.observations[..] {
        if obs.endpoint.is_none() && obs.key.starts_with("dovecot/global") {
            obs.endpoint = Some(0);
        }
    }
    model
}

/// `ssl = yes` or `required` written with no certificate: Dovecot starts and advertises
/// TLS, but every handshake fails (measured with Dovecot 2.3.19: `Failed to initialize SSL
/// server context: Can't load SSL certificate (ssl_cert setting): The certificate is
/// empty`, then `TLS initialization failed`). One error where `ssl` is written; every
/// endpoint it leaves without a certificate is refused, so no other check judges settings
/// no handshake uses. The built-in `ssl = yes` alone is not "turning TLS on", and a
/// certificate an unread include may set is unknown, not missing.
fn no_certificate(x: &Resolver<'_>, scopes: &[Cond], model: &mut Model) {
    let certificate = if x.dv.is24 {
        "ssl_server_cert_file"
    } else {
        "ssl_cert"
    };
    let mut reported: Vec<Span> = Vec::new();
    for (i, scope) in scopes.iter().enumerate() {
        let e = &model.endpoints[i];
        let Some(mode) = e.tls.mode.as_ref() else {
            continue;
        };
        if mode.value == TlsMode::Off
            || mode.is_default()
            || !e.tls.certificates.is_empty()
            || x.unread_over(scope, certificate).is_some()
            // Written but rejected (a 2.3 value without `<`, the 2.3 name `ssl_cert` in
            // 2.4): that is reported where it is written, and a certificate is meant.
            || x.c.entries.iter().any(|c| c.key == certificate && scope.within(&c.cond))
            || (x.dv.is24 && x.c.observations.iter().any(|(_, o)| o.key.ends_with("/ssl_cert")))
        {
            continue;
        }
        let span = mode.span.unwrap_or(e.span);
        let written = match mode.value {
            TlsMode::Required => "required",
            _ => "yes",
        };
        let why = if x.dv.is24 {
            format!(
                "Dovecot {} fails every TLS handshake (`TLS initialization failed`)",
                x.dv.short()
            )
        } else {
            format!(
                "Dovecot {} fails every TLS handshake (`Can't load SSL certificate (ssl_cert setting): The certificate is empty`, `TLS initialization failed`)",
                x.dv.short()
            )
        };
        let key = format!("{}/{certificate}", e.key);
        model.endpoints[i].negotiable = Some(Box::new(crate::negotiate::Negotiable {
            refused: Some(why.clone()),
            ..crate::negotiate::Negotiable::default()
        }));
        if reported.contains(&span) {
            continue;
        }
        reported.push(span);
        let help = if x.dv.is24 {
            format!(
                "set `{certificate} = /path/to/cert.pem` and `ssl_server_key_file`, or `ssl = no` if this service should not offer TLS"
            )
        } else {
            format!(
                "set `{certificate} = </path/to/cert.pem` and `ssl_key`, or `ssl = no` if this service should not offer TLS"
            )
        };
        let mut o = Observation::new(
            Kind::InvalidValue,
            span,
            format!("`ssl = {written}` with no `{certificate}`: {why}"),
        )
        .help(help)
        .key(key);
        o.endpoint = Some(i);
        model.observations.push(o);
    }
}

/// Checks each value once; returns which entries Dovecot would accept.
fn validate(c: &Collected, dv: Dv, model: &mut Model) -> Vec<bool> {
    c.entries
        .iter()
        .map(|e| match invalid(e, dv) {
            None => true,
            Some((msg, help)) => {
                model.observations.push(
                    Observation::new(Kind::InvalidValue, e.val.span, msg)
                        .help(help)
                        .key(format!("{}/{}", e.cond.key(), e.written)),
                );
                false
            }
        })
        .collect()
}

fn invalid(e: &Entry, dv: Dv) -> Option<(String, String)> {
    let v = e.val.text.text.trim();
    let key = e.key.as_str();
    let ver = dv.short();
    match key {
        "ssl" if !matches!(v, "yes" | "no" | "required") => Some((
            format!("Dovecot {ver} rejects `ssl = {v}` (Invalid value)"),
            "use `yes`, `no` or `required`".into(),
        )),
        "ssl_protocols" if dv.is22() => protocols_22(v, dv).err().map(|m| {
            (
                m,
                "list versions to exclude, e.g. `!SSLv3 !TLSv1 !TLSv1.1`".into(),
            )
        }),
        "ssl_min_protocol" if e.written == "ssl_protocols" => convert_protocols(v)
            .err()
            .map(|m| (m, "write `ssl_min_protocol = TLSv1.2` instead".into())),
        "ssl_min_protocol" if min_protocol(v, dv).is_none() => Some((
            format!("Dovecot {ver} fails to set up TLS with `ssl_min_protocol = {v}`"),
            "use `TLSv1.2` or `TLSv1.3`".into(),
        )),
        "ssl_options" => options_error(v, dv),
        "ssl_prefer_server_ciphers"
        | "ssl_verify_client_cert"
        | "disable_plaintext_auth"
        | "auth_allow_cleartext"
            if parse_bool(v).is_none() =>
        {
            Some((
                format!(
                    "Dovecot {ver} rejects `{key} = {}` (Invalid boolean value)",
                    short(v)
                ),
                "use `yes` or `no`".into(),
            ))
        }
        "ssl_server_prefer_ciphers" if !matches!(v, "client" | "server") => Some((
            format!("Dovecot 2.4 rejects `ssl_server_prefer_ciphers = {v}` (Invalid value)"),
            "use `server` (or `client`)".into(),
        )),
        "ssl_cert" | "ssl_alt_cert" | "ssl_dh" | "ssl_key" | "ssl_alt_key"
            if e.val.file.is_none() && !v.is_empty() && !v.starts_with("-----BEGIN") =>
        {
            // Never quote the value: it may be key material.
            Some((
                format!(
                    "`{key}` holds the file's contents in Dovecot 2.3, but this value has no `<`"
                ),
                format!("write `{key} = </path/to/file`"),
            ))
        }
        "ssl_server_cert_file"
        | "ssl_server_alt_cert_file"
        | "ssl_server_dh_file"
        | "ssl_server_key_file"
        | "ssl_server_alt_key_file"
            if e.val.file.is_some() =>
        {
            Some((
                format!(
                    "`{key}` takes a path in Dovecot 2.4; `<` would use the file's contents as the path"
                ),
                format!("write `{key} = /path/to/file` without `<`"),
            ))
        }
        _ => None,
    }
}

fn options_error(v: &str, dv: Dv) -> Option<(String, String)> {
    for flag in v.split([' ', ',']).filter(|f| !f.is_empty()) {
        let f = flag.to_ascii_lowercase();
        let ok = match f.as_str() {
            "compression" | "no_ticket" => true,
            "no_compression" => !dv.is24,
            _ => false,
        };
        if !ok {
            let help = if f == "no_compression" {
                "remove it: compression is off unless `compression` is given".to_owned()
            } else {
                "known flags: `compression`, `no_ticket`".to_owned()
            };
            return Some((
                format!(
                    "Dovecot {} rejects `ssl_options` flag `{flag}` (unknown flag)",
                    dv.short()
                ),
                help,
            ));
        }
    }
    None
}

/// Splits an `ssl_protocols` list into the versions it names and the `!`-excluded ones;
/// `Err(name)` for the first name not in `known`.
fn protocol_list(v: &str, known: &[Protocol]) -> Result<(Vec<Protocol>, Vec<Protocol>), String> {
    let (mut pos, mut neg) = (Vec::new(), Vec::new());
    for tok in v.split([' ', ',']).filter(|t| !t.is_empty()) {
        let (list, name) = match tok.strip_prefix('!') {
            Some(n) => (&mut neg, n),
            None => (&mut pos, tok),
        };
        match Protocol::parse(name).filter(|p| known.contains(p)) {
            Some(p) => list.push(p),
            None => return Err(name.to_owned()),
        }
    }
    Ok((pos, neg))
}

/// The protocols a Dovecot 2.2 `ssl_protocols` list leaves on (`openssl_get_protocol_options`):
/// the listed versions if any are listed, else every version the library has, minus the
/// `!`-excluded ones. SSLv2 counts only when listed (no current build has it); TLS 1.3
/// only when the library has it and the list names no version to include.
fn protocols_22(v: &str, dv: Dv) -> Result<Vec<Protocol>, String> {
    const KNOWN: [Protocol; 5] = [
        Protocol::SSLv2,
        Protocol::SSLv3,
        Protocol::TLSv1,
        Protocol::TLSv1_1,
        Protocol::TLSv1_2,
    ];
    let (pos, neg) = protocol_list(v, &KNOWN).map_err(|name| {
        format!(
            "Dovecot 2.2 fails to set up TLS with `ssl_protocols = {v}`: unknown protocol '{name}'"
        )
    })?;
    let base: Vec<Protocol> = if pos.is_empty() {
        let mut all = KNOWN[1..].to_vec();
        if dv.tls13 {
            all.push(Protocol::TLSv1_3);
        }
        all
    } else {
        pos
    };
    Ok(base.into_iter().filter(|p| !neg.contains(p)).collect())
}

/// Dovecot 2.3's conversion of the obsolete `ssl_protocols` list (observed with
/// doveconf 2.3.19.1): the oldest of the listed protocols (or of all, when only
/// exclusions are listed) that is not excluded; `SSLv2`, `TLSv1.3` and unknown names
/// make Dovecot drop the setting.
fn convert_protocols(v: &str) -> Result<Protocol, String> {
    const KNOWN: [Protocol; 4] = [
        Protocol::SSLv3,
        Protocol::TLSv1,
        Protocol::TLSv1_1,
        Protocol::TLSv1_2,
    ];
    let (pos, neg) = protocol_list(v, &KNOWN).map_err(|name| {
        format!("Dovecot 2.3 drops `ssl_protocols = {v}`: Unrecognized protocol '{name}'")
    })?;
    let base = if pos.is_empty() { KNOWN.to_vec() } else { pos };
    base.into_iter()
        .filter(|p| !neg.contains(p))
        .min()
        .ok_or_else(|| format!("Dovecot 2.3 finds no minimum protocol in `ssl_protocols = {v}`"))
}

/// The protocols a `ssl_min_protocol` value enables, with a note for `ANY`.
fn min_protocol(v: &str, dv: Dv) -> Option<(Vec<Protocol>, Option<&'static str>)> {
    let upto = |min: Protocol| Protocol::ALL.into_iter().filter(|p| *p >= min).collect();
    if v.eq_ignore_ascii_case("ANY") {
        return Some((
            upto(Protocol::TLSv1),
            Some(
                "`ANY` sets no minimum: OpenSSL's floor applies (SSLv3 is not built into current OpenSSL)",
            ),
        ));
    }
    if v.eq_ignore_ascii_case("LATEST") {
        return Some((vec![Protocol::TLSv1_3], None));
    }
    match Protocol::parse(v) {
        Some(Protocol::SSLv2) | None => None,
        Some(Protocol::SSLv3) if dv.is24 => None,
        // `TLSv1.0` is not in Dovecot's table (`TLSv1` is).
        Some(_) if v.eq_ignore_ascii_case("TLSv1.0") => None,
        Some(p) => Some((upto(p), None)),
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "yes" | "y" | "1" | "true" => Some(true),
        "no" | "n" | "0" | "false" => Some(false),
        _ => None,
    }
}

struct Resolver<'a> {
    c: &'a Collected,
    dv: Dv,
    valid: &'a [bool],
    /// Entry indexes per canonical key, so a lookup scans only that key's entries.
    by_key: HashMap<&'a str, Vec<usize>>,
}

impl Resolver<'_> {
    /// The effective entry for `key` at `scope`: the most specific matching filter; the
    /// later one among equally specific blocks.
    fn lookup(&self, scope: &Cond, key: &str) -> Option<&Entry> {
        self.lookup_at(scope, key).map(|i| &self.c.entries[i])
    }

    /// [`Resolver::lookup`] as an index into the entries (their file order).
    fn lookup_at(&self, scope: &Cond, key: &str) -> Option<usize> {
        let mut best: Option<usize> = None;
        for &i in self.by_key.get(key).map_or(&[][..], Vec::as_slice) {
            let e = &self.c.entries[i];
            if !self.valid[i] || !scope.within(&e.cond) {
                continue;
            }
            best = match best {
                Some(b)
                    if self.c.entries[b].cond.within(&e.cond)
                        && !e.cond.within(&self.c.entries[b].cond) =>
                {
                    Some(b)
                }
                _ => Some(i),
            };
        }
        best
    }

    /// The unread include that may set `key` at `scope`: one whose filter applies there and
    /// would win over the effective entry (more specific, or as specific and later), or
    /// any that applies when nothing sets `key`.
    fn unread_over(&self, scope: &Cond, key: &str) -> Option<(Span, String)> {
        if self.c.unread.is_empty() {
            return None;
        }
        let best = self.lookup_at(scope, key);
        self.c
            .unread
            .iter()
            .filter(|(cond, ..)| scope.within(cond))
            .find(|(cond, at, ..)| match best {
                None => true,
                Some(i) => {
                    let e = &self.c.entries[i].cond;
                    let inner = cond.within(e);
                    inner && (!e.within(cond) || *at > i)
                }
            })
            .map(|(_, _, span, line)| (*span, line.clone()))
    }

    fn setting<T>(scope: &Cond, e: &Entry, value: T) -> Setting<T> {
        let mut s = if e.cond.same(scope) {
            Setting::set(value, e.val.span)
        } else {
            Setting::inherited(value, e.val.span)
        };
        for l in &e.val.related {
            s = s.with_related(l.span, l.text.clone());
        }
        s.directive(e.key.clone())
    }

    fn default<T>(&self, value: T, directive: &str, default_text: &str) -> Setting<T> {
        Setting::defaulted(
            value,
            format!(
                "no `{directive}` set; Dovecot {} default {default_text} applies",
                self.dv.short()
            ),
        )
        .directive(directive)
    }

    fn settings(&self, scope: &Cond, _model: &mut Model) -> TlsSettings {
        let (tickets, compression) = self.options(scope);
        let ticket_keys = tickets.value.then(|| self.ticket_keys(scope));
        TlsSettings {
            mode: Some(self.mode(scope)),
            protocols: Some(self.protocols(scope)),
            ciphers: Some(self.ciphers(scope)),
            ciphersuites: Some(self.suites(scope)),
            prefer_server_ciphers: Some(self.prefer(scope)),
            compression: Some(compression),
            session_tickets: Some(tickets),
            ticket_keys,
            session_timeout: None,
            curves: self.curves(scope),
            dh_params: Some(self.dh(scope)),
            certificates: self.certificates(scope),
            verify_peer: Some(self.verify(scope)),
            // Dovecot accepts no 0-RTT data, and `ssl_options` (`compression`, `no_ticket`)
            // cannot turn the extended master secret or encrypt-then-MAC off.
            early_data: None,
            extended_master_secret: None,
            encrypt_then_mac: None,
            // Dovecot has no OCSP stapling.
            ocsp_stapling: None,
            // Not HTTP: no Strict-Transport-Security header.
            hsts: None,
            security_level: None,
        }
    }

    fn mode(&self, scope: &Cond) -> Setting<TlsMode> {
        let of = |v: &str| match v {
            "no" => TlsMode::Off,
            "required" => TlsMode::Required,
            _ => TlsMode::Optional,
        };
        let global = self.lookup(&Cond::default(), "ssl");
        if let Some(g) = global.filter(|g| g.val.text.text.trim() == "no") {
            // Global `ssl = no` disables TLS everywhere; Dovecot ignores `ssl` in filters.
            let s = Self::setting(scope, g, TlsMode::Off);
            return if scope.is_global() {
                s
            } else {
                s.with_note("global `ssl = no` disables TLS in every filter")
            };
        }
        match self.lookup(scope, "ssl") {
            Some(e) => Self::setting(scope, e, of(e.val.text.text.trim())),
            None => self.default(
                TlsMode::Optional,
                "ssl",
                "`yes` (TLS offered, plaintext allowed)",
            ),
        }
    }

    fn protocols(&self, scope: &Cond) -> Setting<Vec<Protocol>> {
        if self.dv.is22() {
            if let Some(e) = self.lookup(scope, "ssl_protocols")
                && let Ok(set) = protocols_22(e.val.text.text.trim(), self.dv)
            {
                return Self::setting(scope, e, set);
            }
            let set = protocols_22(DEFAULT_PROTOCOLS_22, self.dv).unwrap_or_default();
            return self.default(set, "ssl_protocols", &format!("`{DEFAULT_PROTOCOLS_22}`"));
        }
        if let Some(e) = self.lookup(scope, "ssl_min_protocol") {
            let v = e.val.text.text.trim();
            if e.written == "ssl_protocols" {
                let min = convert_protocols(v).unwrap_or(Protocol::TLSv1_2);
                let set = Protocol::ALL.into_iter().filter(|p| *p >= min).collect();
                return Self::setting(scope, e, set)
                    .directive("ssl_min_protocol")
                    .with_note(format!(
                        "obsolete `ssl_protocols` converted by Dovecot 2.3 to `ssl_min_protocol = {min}`"
                    ));
            }
            if let Some((set, note)) = min_protocol(v, self.dv) {
                let s = Self::setting(scope, e, set);
                return match note {
                    Some(n) => s.with_note(n),
                    None => s,
                };
            }
        }
        // 2.3.0–2.3.14 defaulted to TLSv1; 2.3.15 and later to TLSv1.2.
        let min = if self.dv.version < crate::model::Version(2, 3, 15) {
            Protocol::TLSv1
        } else {
            Protocol::TLSv1_2
        };
        let set = Protocol::ALL.into_iter().filter(|p| *p >= min).collect();
        self.default(set, "ssl_min_protocol", &format!("`{min}`"))
    }

    fn ciphers(&self, scope: &Cond) -> Setting<Ciphers> {
        match self.lookup(scope, "ssl_cipher_list") {
            Some(e) if e.val.text.text.trim().is_empty() => Self::setting(
                scope,
                e,
                Ciphers::OpenSsl(CipherString::unplaced("DEFAULT")),
            )
            .with_note("empty `ssl_cipher_list`: Dovecot leaves OpenSSL's `DEFAULT` cipher list"),
            Some(e) => Self::setting(scope, e, Ciphers::OpenSsl(e.val.text.clone())),
            None => {
                let default = if self.dv.is22() {
                    DEFAULT_CIPHERS_22
                } else {
                    DEFAULT_CIPHERS
                };
                self.default(
                    Ciphers::OpenSsl(CipherString::unplaced(default)),
                    "ssl_cipher_list",
                    &format!("`{default}`"),
                )
            }
        }
    }

    fn suites(&self, scope: &Cond) -> Setting<Vec<Named>> {
        let defaults = || OPENSSL_TLS13.iter().map(|s| Named::new(*s, None)).collect();
        match self.lookup(scope, "ssl_cipher_suites") {
            Some(e) if e.val.text.text.trim().is_empty() => Self::setting(scope, e, defaults())
                .with_note("empty `ssl_cipher_suites`: OpenSSL's default TLS 1.3 suites apply"),
            Some(e) => Self::setting(scope, e, split_names(&e.val.text)),
            None => Setting::defaulted(
                defaults(),
                "no `ssl_cipher_suites` set; OpenSSL's default TLS 1.3 suites apply",
            )
            .directive("ssl_cipher_suites"),
        }
    }

    fn curves(&self, scope: &Cond) -> Option<Setting<Vec<Named>>> {
        let e = self.lookup(scope, "ssl_curve_list")?;
        if e.val.text.text.trim().is_empty() {
            return None;
        }
        Some(Self::setting(scope, e, split_names(&e.val.text)))
    }

    fn prefer(&self, scope: &Cond) -> Setting<bool> {
        if self.dv.is24 {
            return match self.lookup(scope, "ssl_server_prefer_ciphers") {
                Some(e) => Self::setting(scope, e, e.val.text.text.trim() == "server"),
                None => self.default(false, "ssl_server_prefer_ciphers", "`client`"),
            };
        }
        match self.lookup(scope, "ssl_prefer_server_ciphers") {
            Some(e) => Self::setting(
                scope,
                e,
                parse_bool(e.val.text.text.trim()).unwrap_or(false),
            ),
            None => self.default(false, "ssl_prefer_server_ciphers", "`no`"),
        }
    }

    /// (session tickets, compression) from `ssl_options`. A filter's `ssl_options`
    /// replaces the global one as a whole (observed).
    fn options(&self, scope: &Cond) -> (Setting<bool>, Setting<bool>) {
        let Some(e) = self.lookup(scope, "ssl_options") else {
            return (
                Setting::defaulted(true, "no `no_ticket` in `ssl_options`; OpenSSL issues session tickets by default")
                    .directive("ssl_options"),
                Setting::defaulted(
                    false,
                    if self.dv.is22() {
                        "no `ssl_options`; Dovecot 2.2 leaves TLS compression to OpenSSL, which has none unless built with zlib"
                    } else {
                        "no `compression` in `ssl_options`; Dovecot has TLS compression off by default since 2.3.0"
                    },
                )
                .directive("ssl_options"),
            );
        };
        let flags: Vec<String> = e
            .val
            .text
            .text
            .split([' ', ','])
            .filter(|f| !f.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        let has = |f: &str| flags.iter().any(|x| x == f);
        (
            Self::setting(scope, e, !has("no_ticket")),
            Self::setting(scope, e, has("compression")),
        )
    }

    fn dh(&self, scope: &Cond) -> Setting<Option<PathBuf>> {
        if self.dv.is22() {
            // Not modelled: 2.2 generates its own group of `ssl_dh_parameters_length` bits
            // (default 1024) into ssl-parameters.dat, so DHE works without a file.
            return Setting::defaulted(
                None,
                format!(
                    "Dovecot {} generates its own DH parameters (`ssl_dh_parameters_length`, default 1024 bits); tlslint does not model them",
                    self.dv.short()
                ),
            )
            .directive("ssl_dh_parameters_length");
        }
        let key = if self.dv.is24 {
            "ssl_server_dh_file"
        } else {
            "ssl_dh"
        };
        match self.lookup(scope, key) {
            Some(e) => {
                let path = path_of(e);
                Self::setting(scope, e, path)
            }
            None => Setting::defaulted(
                None,
                format!(
                    "no `{key}` set; Dovecot {} loads no DH parameters (no DHE key exchange)",
                    self.dv.short()
                ),
            )
            .directive(key),
        }
    }

    fn certificates(&self, scope: &Cond) -> Vec<Setting<PathBuf>> {
        let keys: [&str; 2] = if self.dv.is24 {
            ["ssl_server_cert_file", "ssl_server_alt_cert_file"]
        } else {
            ["ssl_cert", "ssl_alt_cert"]
        };
        keys.iter()
            .filter_map(|k| self.lookup(scope, k))
            .filter_map(|e| path_of(e).map(|p| Self::setting(scope, e, p)))
            .collect()
    }

    fn verify(&self, scope: &Cond) -> Setting<bool> {
        let key = if self.dv.is24 {
            "ssl_server_request_client_cert"
        } else {
            "ssl_verify_client_cert"
        };
        match self.lookup(scope, key) {
            Some(e) => {
                let v = e.val.text.text.trim();
                Self::setting(scope, e, v != "no" && parse_bool(v) != Some(false))
            }
            None => self.default(false, key, "`no`"),
        }
    }

    /// OpenSSL makes one ticket key per `SSL_CTX`, i.e. per login process, never rotated
    /// (mail.md §10); long-lived login processes keep it indefinitely.
    fn ticket_keys(&self, scope: &Cond) -> Setting<TicketKeys> {
        let relevant: Vec<&str> = match scope.protocol() {
            Some("imap") => vec!["imap-login"],
            Some("pop3") => vec!["pop3-login"],
            Some("submission") => vec!["submission-login"],
            Some("sieve") => vec!["managesieve-login"],
            _ => LOGIN_SERVICES.to_vec(),
        };
        let key = if self.dv.is24 {
            "restart_request_count"
        } else {
            "service_count"
        };
        // Later `service` blocks of the same name override earlier ones.
        let mut latest: Vec<&super::collect::ServiceCount> = Vec::new();
        for s in self
            .c
            .services
            .iter()
            .filter(|s| relevant.contains(&s.service.as_str()) && s.key == key)
        {
            latest.retain(|l| l.service != s.service);
            latest.push(s);
        }
        let long = |v: &str| matches!(v.trim(), "0" | "unlimited");
        let chosen = latest.iter().find(|s| long(&s.value)).or(latest.first());
        match chosen {
            Some(s) => {
                let v = TicketKeys::PerProcess { long_lived: long(&s.value) };
                let set = if scope.is_global() {
                    Setting::set(v, s.span)
                } else {
                    Setting::inherited(v, s.span)
                };
                set.directive(key).with_note(format!(
                    "`service {} {{ {key} = {} }}`: each login process keeps its own ticket key for its lifetime",
                    s.service,
                    s.value.trim()
                ))
            }
            None => Setting::defaulted(
                TicketKeys::PerProcess { long_lived: false },
                format!(
                    "no `{key}` in the login services; Dovecot {} default `1` applies (one connection per login process)",
                    self.dv.short()
                ),
            )
            .directive(key),
        }
    }

    /// `ssl = yes` with cleartext authentication explicitly allowed.
    fn not_enforced(
        &self,
        scope: &Cond,
        index: usize,
        tls: &TlsSettings,
        out: &mut Vec<Observation>,
    ) {
        if tls.mode.as_ref().map(|m| m.value) != Some(TlsMode::Optional)
            || scope.remote_is_loopback()
        {
            return;
        }
        let (key, allowed_when) = if self.dv.is24 {
            ("auth_allow_cleartext", true)
        } else {
            ("disable_plaintext_auth", false)
        };
        let Some(e) = self.lookup(scope, key) else {
            return;
        };
        if parse_bool(e.val.text.text.trim()) != Some(allowed_when) {
            return;
        }
        // Report once, where the permission is written, not for every filter inheriting it.
        if !e.cond.same(scope)
            && self.c.scopes.iter().any(|s| s.same(&e.cond))
            && !scope.is_global()
        {
            return;
        }
        let v = e.val.text.text.trim();
        let fix = if self.dv.is24 { "no" } else { "yes" };
        let mut obs = Observation::new(
            Kind::NotEnforced,
            e.val.span,
            format!(
                "`{key} = {}` lets clients send passwords before TLS while `ssl = yes` only offers TLS",
                short(v)
            ),
        )
        .help(format!("set `{key} = {fix}`, or `ssl = required`"))
        .key(format!("{}/{key}", scope.key()));
        if let Some(span) = tls.mode.as_ref().and_then(|m| m.span) {
            obs = obs.label(span, "TLS is optional here");
        }
        obs.endpoint = Some(index);
        out.push(obs);
    }
}

fn path_of(e: &Entry) -> Option<PathBuf> {
    let p = e
        .val
        .file
        .clone()
        .unwrap_or_else(|| e.val.text.text.trim().to_owned());
    (!p.is_empty()).then(|| PathBuf::from(p))
}

/// Splits a `:`-separated list, keeping each name's exact location when known.
fn split_names(s: &CipherString) -> Vec<Named> {
    let mut out = Vec::new();
    let mut start = 0;
    for part in s.text.split(':') {
        let end = start + part.len();
        let lead = part.len() - part.trim_start().len();
        let name = part.trim();
        if !name.is_empty() {
            let a = start + lead;
            out.push(Named::new(name.to_owned(), s.span_of(a..a + name.len())));
        }
        start = end + 1;
    }
    out
}
