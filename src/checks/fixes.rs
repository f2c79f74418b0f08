//! How the checks' fixes are written in each dialect: the value a setting takes in the
//! program's own syntax, and where the line goes when the setting is not written at all.
//!
//! Every fix here is proven by `tests/fixes.rs`: applied to the fixture suite, the config is
//! checked again (the finding gone, no new one) and, where the program is installed, accepted
//! by `nginx -t`, `postconf` or `doveconf`.

use crate::fix::{Applicability, Edit, Fix};
use crate::model::{Ciphers, Dialect, Endpoint, Named, Protocol, Setting, Side, Targets, Version};

/// httpd 2.4.36 added TLS 1.3 (`SSLProtocol +TLSv1.3`).
const APACHE_TLS13: Version = Version(2, 4, 36);

/// Postfix 3.6 added the `>=TLSv1.2` form of the protocol lists.
const POSTFIX_AT_LEAST: Version = Version(3, 6, 0);

/// The value of `s`'s directive that enables `keep` (oldest first, none skipped) and nothing
/// older, in the directive's own syntax; `None` where tlslint does not know how the
/// directive spells it.
pub(super) fn protocols_value(
    e: &Endpoint,
    s: &Setting<Vec<Protocol>>,
    keep: &[Protocol],
    targets: &Targets,
) -> Option<String> {
    let directive = s.directive.as_deref()?;
    let min = *keep.first()?;
    // `!SSLv2,!SSLv3,...`: every version below the minimum, excluded.
    let exclusions = |sep: &str| {
        Protocol::ALL
            .iter()
            .filter(|p| **p < min)
            .map(|p| format!("!{}", p.as_str()))
            .collect::<Vec<_>>()
            .join(sep)
    };
    match e.dialect {
        Dialect::Nginx if directive.ends_with("_protocols") => Some(
            keep.iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Dialect::Postfix if directive.ends_with("_protocols") => {
            // No spaces: the value may sit in a master.cf `-o name=value`.
            if targets.postfix >= POSTFIX_AT_LEAST && keep.last() == Protocol::ALL.last() {
                Some(format!(">={}", min.as_str()))
            } else {
                Some(exclusions(","))
            }
        }
        Dialect::Dovecot if directive == "ssl_min_protocol" => Some(min.as_str().to_owned()),
        // mod_ssl: `-all` first, then each version kept.
        Dialect::Apache if directive.ends_with("Protocol") && directive.starts_with("SSL") => {
            let mut words = vec!["-all".to_owned()];
            words.extend(
                keep.iter()
                    // httpd before 2.4.36 rejects the word `TLSv1.3`.
                    .filter(|p| **p != Protocol::TLSv1_3 || targets.apache >= APACHE_TLS13)
                    .map(|p| format!("+{}", p.as_str())),
            );
            (words.len() > 1).then(|| words.join(" "))
        }
        Dialect::Dovecot if directive == "ssl_protocols" => Some(exclusions(" ")),
        Dialect::Haproxy if directive == "ssl-min-ver" => {
            // HAProxy spells TLS 1.0 `TLSv1.0`.
            Some(if min == Protocol::TLSv1 {
                "TLSv1.0".to_owned()
            } else {
                min.as_str().to_owned()
            })
        }
        Dialect::App => {
            let spelling = s.spelling()?;
            spelling
                .minimum
                .then(|| spelling.spell(min.as_str()).map(str::to_owned))
                .flatten()
        }
        _ => None,
    }
}

/// A fix excluding suites from an OpenSSL cipher string by appending `words` (`!aNULL:!MD5`):
/// where the string is written in one piece, at its end (inside any quotes); where it is
/// the program's default, as a new line holding the default plus the exclusions. Safe:
/// excluding only removes suites.
pub(super) fn exclude_ciphers(
    e: &Endpoint,
    s: &Setting<Ciphers>,
    words: &str,
    title: &str,
) -> Option<Fix> {
    let Ciphers::OpenSsl(cs) = &s.value else {
        return None;
    };
    if let Some(one) = written_whole(cs) {
        if s.span.is_none() || one.range.is_empty() {
            return None;
        }
        let at = one.span?;
        let end = crate::source::Span::new(at.file, at.end as usize, at.end as usize);
        let written = cs.text.get(one.range.clone()).unwrap_or_default();
        let sep = if written.ends_with(':') { "" } else { ":" };
        return Some(Fix::replace(
            title,
            Applicability::Safe,
            end,
            format!("{sep}{words}"),
        ));
    }
    if !cs.builtin.is_empty() {
        return None;
    }
    match (s.span, cs.pieces.as_slice()) {
        (Some(_), [one]) if one.range == (0..cs.text.len()) && !cs.text.is_empty() => {
            let at = one.span?;
            let end = crate::source::Span::new(at.file, at.end as usize, at.end as usize);
            let sep = if cs.text.ends_with(':') { "" } else { ":" };
            Some(Fix::replace(
                title,
                Applicability::Safe,
                end,
                format!("{sep}{words}"),
            ))
        }
        (None, []) if !cs.text.is_empty() => set_value(
            e,
            s,
            &format!("{}:{words}", cs.text),
            title,
            Applicability::Safe,
        ),
        _ => None,
    }
}

/// A fix replacing an OpenSSL cipher string written in one piece (or the program's default)
/// with `value`. Unsafe: clients that have none of the new suites lose their handshake.
pub(super) fn replace_ciphers(
    e: &Endpoint,
    s: &Setting<Ciphers>,
    value: &str,
    title: &str,
) -> Option<Fix> {
    let Ciphers::OpenSsl(cs) = &s.value else {
        return None;
    };
    if let Some(one) = written_whole(cs)
        && s.span.is_some()
        && !value.is_empty()
    {
        return Some(Fix::replace(title, Applicability::Unsafe, one.span?, value));
    }
    if !cs.builtin.is_empty() || value.is_empty() {
        return None;
    }
    match (s.span, cs.pieces.as_slice()) {
        (Some(_), [one]) if one.range == (0..cs.text.len()) => {
            Some(Fix::replace(title, Applicability::Unsafe, one.span?, value))
        }
        (None, []) => set_value(e, s, value, title, Applicability::Unsafe),
        _ => None,
    }
}

/// The written piece of a string that the program extends with a built-in tail (mod_ssl
/// appends `:!aNULL:!eNULL:!EXP` to every `SSLCipherSuite`): one placed piece from the
/// start, then only built-in text. `None` for any other shape.
fn written_whole(cs: &crate::model::CipherString) -> Option<&crate::model::Piece> {
    let [one, tail @ ..] = cs.pieces.as_slice() else {
        return None;
    };
    let builtin_tail = !tail.is_empty() && tail.iter().all(|p| cs.is_builtin(&p.range));
    (one.range.start == 0 && one.span.is_some() && builtin_tail).then_some(one)
}

/// The help line for excluding suites where no fix is made: the exclusion in the setting's
/// own terms (a list of names loses items; an OpenSSL string gains `!` words).
pub(super) fn exclusion_help(s: &Setting<Ciphers>, words: &str, what: &str) -> String {
    let d = s.directive.as_deref().unwrap_or("the cipher setting");
    match &s.value {
        Ciphers::List(_) => {
            format!("remove the {what} from `{d}`, or use the policy's recommended list")
        }
        // Postfix's grade parameters take `high`/`medium`, never `!` words: exclusions
        // have a parameter of their own, listing bare words.
        Ciphers::OpenSsl(_) if postfix_grade(d) => format!(
            "exclude them: add `{}` to `{}`, or use the policy's recommended list",
            words.replace('!', "").replace(':', ", "),
            d.replace("_ciphers", "_exclude_ciphers")
        ),
        Ciphers::OpenSsl(_) if s.span.is_none() => format!(
            "write `{d}` with `{words}` appended to the default, or use the policy's recommended list"
        ),
        Ciphers::OpenSsl(_) => {
            format!("exclude them: append `{words}` to `{d}`, or use the policy's recommended list")
        }
    }
}

/// True for a Postfix cipher-grade parameter (`smtpd_tls_mandatory_ciphers = high`).
fn postfix_grade(directive: &str) -> bool {
    matches!(
        directive,
        "smtpd_tls_ciphers"
            | "smtpd_tls_mandatory_ciphers"
            | "smtp_tls_ciphers"
            | "smtp_tls_mandatory_ciphers"
            | "lmtp_tls_ciphers"
            | "lmtp_tls_mandatory_ciphers"
    )
}

/// A fix writing `s`'s group list without the groups `drop` says to leave out (as written,
/// in the list's order); `None` when nothing would remain or tlslint does not know how the
/// directive separates groups (applications).
pub(super) fn curves_without(
    e: &Endpoint,
    s: &Setting<Vec<Named>>,
    drop: impl Fn(&str) -> bool,
    title: &str,
    applicability: Applicability,
) -> Option<Fix> {
    let sep = match e.dialect {
        Dialect::Nginx | Dialect::Dovecot | Dialect::Apache | Dialect::Haproxy => ":",
        Dialect::Postfix => " ",
        Dialect::App => return None,
    };
    let kept: Vec<&str> = s
        .value
        .iter()
        .map(|n| n.name.as_ref())
        .filter(|n| !drop(n.strip_prefix('?').unwrap_or(n)))
        .collect();
    if kept.is_empty() || kept.len() == s.value.len() {
        return None;
    }
    set_value(e, s, &kept.join(sep), title, applicability)
}

/// How a switch is written: nginx `on`/`off`, Postfix and Dovecot `yes`/`no`, Dovecot 2.4's
/// `ssl_server_prefer_ciphers` `server`/`client`; `None` for applications (a key may be
/// inverted, and YAML and TOML spell booleans alike but apps read strings too).
pub(super) fn switch<T>(e: &Endpoint, s: &Setting<T>, on: bool) -> Option<&'static str> {
    let d = s.directive.as_deref()?;
    match (e.dialect, on) {
        (Dialect::Nginx | Dialect::Apache, true) => Some("on"),
        (Dialect::Nginx | Dialect::Apache, false) => Some("off"),
        (Dialect::Dovecot, true) if d == "ssl_server_prefer_ciphers" => Some("server"),
        (Dialect::Dovecot, false) if d == "ssl_server_prefer_ciphers" => Some("client"),
        (Dialect::Postfix | Dialect::Dovecot, true) => Some("yes"),
        (Dialect::Postfix | Dialect::Dovecot, false) => Some("no"),
        (Dialect::App | Dialect::Haproxy, _) => None,
    }
}

/// A fix giving `s` (a setting of `e`) the value `value`: the written value is replaced
/// (where it is inherited, in the block that writes it: that is the cause), and a value the
/// program defaults is written where it takes effect for `e` alone or for everything the
/// default covers: the server or filter block, Postfix's `main.cf`, Dovecot's global section.
/// `None` where no such place is known (a `master.cf` service, an application's default).
pub(super) fn set_value<T>(
    e: &Endpoint,
    s: &Setting<T>,
    value: &str,
    title: impl Into<String>,
    applicability: Applicability,
) -> Option<Fix> {
    if let Some(span) = s.span {
        // nginx ORs repeated `ssl_protocols` in one block (and warns of a value twice): which
        // of them to drop is the user's call.
        if s.note().is_some_and(|n| n.starts_with("union of")) {
            return None;
        }
        return Some(Fix::replace(title, applicability, span, value));
    }
    let directive = s.directive.as_deref()?;
    let line = match e.dialect {
        // The one mod_ssl default written through `SSLOpenSSLConfCmd` is the group list.
        Dialect::Apache if directive == "SSLOpenSSLConfCmd" => {
            e.dialect.assignment(directive, &format!("Groups {value}"))
        }
        _ => e.dialect.assignment(directive, value),
    };
    let edit = match e.dialect {
        // A server that is not the default of its socket does not decide the handshake's
        // protocols and suites: writing them there would change nothing.
        Dialect::Nginx if e.side == Side::Server && e.handshake_default.is_none() => {
            Edit::IntoBlock {
                header: e.span,
                line,
            }
        }
        Dialect::Postfix if e.key.starts_with("postfix/main.cf/") => Edit::Append {
            file: e.span.file,
            line,
        },
        // `-o` values with blanks need Postfix 3.0's `{ name = value }` form.
        Dialect::Postfix if e.key.starts_with("postfix/master.cf/") => Edit::Continue {
            header: e.span,
            line: if value.contains(char::is_whitespace) {
                format!("-o {{ {directive} = {value} }}")
            } else {
                format!("-o {directive}={value}")
            },
        },
        // httpd picks the name-based vhost from the ClientHello (2.4.42 with OpenSSL
        // 1.1.1): each vhost's own lines decide its handshake (tests/live_apache.rs).
        Dialect::Apache if e.side == Side::Server && e.key.starts_with("apache/vhost[") => {
            Edit::IntoBlock {
                header: e.span,
                line,
            }
        }
        Dialect::Apache if e.key == "apache/main" => Edit::Append {
            file: e.span.file,
            line,
        },
        Dialect::Dovecot if e.key == "dovecot/global" => Edit::Append {
            file: e.span.file,
            line,
        },
        Dialect::Dovecot if e.key.starts_with("dovecot/") => Edit::IntoBlock {
            header: e.span,
            line,
        },
        // HAProxy options sit on the bind or server line: add the option at its end.
        Dialect::Haproxy => Edit::Replace {
            span: crate::source::Span::new(e.span.file, e.span.end as usize, e.span.end as usize),
            text: format!(" {line}"),
        },
        _ => return None,
    };
    Some(Fix::one(title, applicability, edit))
}
