//! TLS turned on with no certificate: which servers nginx refuses to start with.
//!
//! nginx 1.22.1 (measured with `nginx -t`, `nginx.md` §4) stops with `no "ssl_certificate"
//! is defined for the "listen ... ssl" directive` when the *default* server of a TLS
//! socket has no `ssl_certificate` in scope and no `ssl_reject_handshake on`; when the
//! default rejects handshakes, every other server on the socket needs a certificate or
//! `ssl_reject_handshake on` too. A virtual server without a certificate on a socket whose
//! default has one is accepted: nginx serves it the default's certificate. `ssl on` and
//! mail servers (`listen ... ssl`, `starttls`) are checked per server. A certificate that
//! an unread include may name, or a path merely not in the tree, is not "no certificate".
//! This module decides only that refusal; it does not judge the certificate itself.

use super::HashMap;

use super::{Chain, Extractor, Made, Module};
use crate::model::{Observation, ObservationKind, Origin};
use crate::negotiate::Negotiable;
use crate::source::Span;

/// What a server has for a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Certificate {
    /// `ssl_certificate` in scope, or an unread include that may set it.
    Named,
    /// None, but `ssl_reject_handshake on`: deliberate, every handshake is refused.
    RejectsHandshake,
    /// None at all.
    Missing,
}

/// How a server turned TLS on, as nginx's message names it, and where to point.
#[derive(Clone, Copy, Debug)]
pub(super) struct TurnedOn {
    /// `listen ... ssl`, `listen ... quic`, `ssl` or `starttls`.
    pub(super) words: &'static str,
    /// The flag or directive in the server itself, else the server's header.
    pub(super) span: Span,
}

impl<'t> Extractor<'t> {
    /// The certificate state of a server's chain of blocks (`ssl_reject_handshake` exists
    /// in http and stream only).
    pub(super) fn certificate_state(&self, chain: &Chain<'_, 't>, module: Module) -> Certificate {
        let name = "ssl_certificate";
        if chain.find(name).is_some() || chain.unread_over(name).is_some() {
            return Certificate::Named;
        }
        let rejects = module != Module::Mail
            && chain.find("ssl_reject_handshake").is_some_and(|f| {
                self.d(f.ids[0])
                    .args
                    .first()
                    .is_some_and(|a| a.value.eq_ignore_ascii_case("on"))
            });
        if rejects {
            Certificate::RejectsHandshake
        } else {
            Certificate::Missing
        }
    }

    /// What turned TLS on for the server of `endpoint`, from its mode setting.
    pub(super) fn turned_on(&self, endpoint: usize, quic_only: bool, header: Span) -> TurnedOn {
        let Some(mode) = self.model.endpoints[endpoint].tls.mode.as_ref() else {
            return TurnedOn {
                words: "listen ... ssl",
                span: header,
            };
        };
        let words = match mode.directive.as_deref() {
            Some("ssl") => "ssl",
            Some("starttls") => "starttls",
            _ if quic_only => "listen ... quic",
            _ => "listen ... ssl",
        };
        let span = match (mode.origin == Origin::Set, mode.span) {
            (true, Some(s)) => s,
            _ => header,
        };
        TurnedOn { words, span }
    }

    /// Reports each server nginx refuses for want of a certificate (one error per server,
    /// however many sockets) and marks its endpoint refused, so no other check judges
    /// settings that never take effect. A server that rejects every handshake on purpose
    /// is left out of judging too, silently. Runs before the default-server pass, so the
    /// endpoints that pass splits a server into keep the mark.
    pub(super) fn no_certificate(&mut self, made: &[Made], default_of: &HashMap<&str, usize>) {
        let by_server: HashMap<usize, &Made> = made.iter().map(|m| (m.server, m)).collect();
        for m in made {
            let refused = match m.certificate {
                Certificate::Named => false,
                Certificate::RejectsHandshake => {
                    self.refuse(
                        m.endpoint,
                        "every TLS handshake is rejected on purpose (`ssl_reject_handshake on`)",
                    );
                    continue;
                }
                // `ssl on` and mail servers are checked per server, in nginx's merge step.
                Certificate::Missing if m.on.words == "ssl" || m.module == Module::Mail => true,
                // Otherwise per socket, by its default server.
                Certificate::Missing => m.sockets.iter().any(|socket| {
                    match default_of
                        .get(socket.as_str())
                        .and_then(|d| by_server.get(d))
                    {
                        Some(d) if d.server == m.server => true,
                        Some(d) => d.certificate == Certificate::RejectsHandshake,
                        None => true,
                    }
                }),
            };
            if !refused {
                continue;
            }
            let msg = format!(
                "nginx refuses to start: no \"ssl_certificate\" is defined for the \"{}\" directive",
                m.on.words
            );
            let help = if m.module == Module::Mail {
                "add `ssl_certificate` and `ssl_certificate_key` to this server or the mail block"
            } else {
                "add `ssl_certificate` and `ssl_certificate_key` to this server (or the block around it), or `ssl_reject_handshake on;` if it should refuse every TLS handshake"
            };
            let key = format!("{}/ssl_certificate", self.model.endpoints[m.endpoint].key);
            let mut o = Observation::new(
                ObservationKind::InvalidValue,
                m.on.span,
                format!("TLS is on but this server has no certificate: {msg}"),
            )
            .help(help)
            .key(key);
            o.endpoint = Some(m.endpoint);
            self.observe(o);
            self.refuse(m.endpoint, &msg);
        }
    }

    fn refuse(&mut self, endpoint: usize, why: &str) {
        self.model.endpoints[endpoint].negotiable = Some(Box::new(Negotiable {
            refused: Some(why.to_owned()),
            ..Negotiable::default()
        }));
    }
}
