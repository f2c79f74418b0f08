//! Dovecot filters (`local`, `local_name`, `remote`, `protocol`): what a filter block
//! matches, which of two filters is more specific, and the endpoint names and keys they
//! give. Address matching is CIDR containment; host names are compared as written
//! (Dovecot resolves them by DNS, which a linter must not do).

use std::fmt::Write as _;
use std::net::IpAddr;

use crate::source::Span;

/// The filter kinds, in the nesting order Dovecot requires (`local` ⊃ `local_name` ⊃
/// `remote` ⊃ `protocol`, mail.md §7).
pub(crate) const KINDS: [&str; 4] = ["local", "local_name", "remote", "protocol"];

/// The conditions of a (possibly nested) filter block; empty for the global scope.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Cond {
    /// One condition per kind in [`KINDS`] order.
    pub(crate) parts: [Option<String>; 4],
    /// The header of the innermost filter block.
    pub(crate) span: Option<Span>,
    /// `local` / `remote` parsed once as networks (`None` for host names), because
    /// resolution compares every endpoint with every filter.
    nets: [Option<(IpAddr, u8)>; 2],
}

impl Cond {
    /// This scope narrowed by one more filter block.
    pub(crate) fn with(&self, kind: usize, value: String, span: Span) -> Cond {
        let mut c = self.clone();
        match kind {
            0 => c.nets[0] = parse_net(&value),
            2 => c.nets[1] = parse_net(&value),
            _ => {}
        }
        c.parts[kind] = Some(value);
        c.span = Some(span);
        c
    }

    /// True for the global scope.
    pub(crate) fn is_global(&self) -> bool {
        self.parts.iter().all(Option::is_none)
    }

    /// Same conditions (spans ignored).
    pub(crate) fn same(&self, other: &Cond) -> bool {
        self.parts == other.parts
    }

    /// True when a connection matching `self` also matches `filter`, i.e. settings of
    /// `filter` apply to `self`. Also the "at least as specific" order between filters.
    pub(crate) fn within(&self, filter: &Cond) -> bool {
        self.parts
            .iter()
            .zip(&filter.parts)
            .enumerate()
            .all(|(i, (mine, theirs))| match (mine, theirs) {
                (_, None) => true,
                (None, Some(_)) => false,
                (Some(m), Some(t)) => match KINDS[i] {
                    "local" => addr_within(m, t, self.nets[0], filter.nets[0]),
                    "remote" => addr_within(m, t, self.nets[1], filter.nets[1]),
                    "local_name" => {
                        m == t
                            || t.split_whitespace()
                                .any(|n| Some(n) == m.split_whitespace().next())
                    }
                    _ => protocol_within(m, t),
                },
            })
    }

    /// Human name: `local 192.0.2.10 / protocol imap`, or `global`.
    pub(crate) fn name(&self) -> String {
        if self.is_global() {
            return "global".into();
        }
        self.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(" / ")
    }

    /// Baseline key: `dovecot/local[192.0.2.10]/protocol[imap]`, or `dovecot/global`.
    pub(crate) fn key(&self) -> String {
        if self.is_global() {
            return "dovecot/global".into();
        }
        let mut k = String::from("dovecot");
        for (kind, v) in self.iter() {
            let _ = write!(k, "/{kind}[{v}]");
        }
        k
    }

    fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        KINDS
            .iter()
            .zip(&self.parts)
            .filter_map(|(k, v)| v.as_deref().map(|v| (*k, v)))
    }

    /// The protocol condition, when positive (`imap`, not `!imap`).
    pub(crate) fn protocol(&self) -> Option<&str> {
        self.parts[3].as_deref().filter(|p| !p.starts_with('!'))
    }

    /// True when the `remote` condition only covers loopback addresses.
    pub(crate) fn remote_is_loopback(&self) -> bool {
        self.parts[2]
            .as_deref()
            .and_then(parse_net)
            .is_some_and(|(ip, bits)| match ip {
                IpAddr::V4(v4) => v4.octets()[0] == 127 && bits >= 8,
                IpAddr::V6(v6) => v6.is_loopback(),
            })
    }
}

fn protocol_within(mine: &str, theirs: &str) -> bool {
    if mine == theirs {
        return true;
    }
    match theirs.strip_prefix('!') {
        // `protocol !imap` applies to every positive protocol other than imap.
        Some(neg) => !mine.starts_with('!') && mine != neg,
        None => false,
    }
}

/// `IP`, `IP/bits`; `None` for host names.
fn parse_net(s: &str) -> Option<(IpAddr, u8)> {
    let (ip, bits) = match s.split_once('/') {
        Some((ip, bits)) => (ip, Some(bits.parse::<u8>().ok()?)),
        None => (s, None),
    };
    let ip: IpAddr = ip
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    Some((ip, bits.unwrap_or(max).min(max)))
}

fn addr_within(
    mine: &str,
    theirs: &str,
    my_net: Option<(IpAddr, u8)>,
    their_net: Option<(IpAddr, u8)>,
) -> bool {
    match (my_net, their_net) {
        (Some((a, abits)), Some((b, bbits))) => {
            abits >= bbits
                && match (a, b) {
                    (IpAddr::V4(a), IpAddr::V4(b)) => {
                        masked(u128::from(a.to_bits()) << 96, bbits)
                            == masked(u128::from(b.to_bits()) << 96, bbits)
                    }
                    (IpAddr::V6(a), IpAddr::V6(b)) => {
                        masked(a.to_bits(), bbits) == masked(b.to_bits(), bbits)
                    }
                    _ => false,
                }
        }
        _ => mine.eq_ignore_ascii_case(theirs),
    }
}

/// The first `bits` bits of an address (IPv4 shifted to the top of the `u128`).
fn masked(addr: u128, bits: u8) -> u128 {
    match bits {
        0 => 0,
        b if b >= 128 => addr,
        b => addr & (u128::MAX << (128 - u32::from(b))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(local: Option<&str>, protocol: Option<&str>) -> Cond {
        let span = Span::new(crate::source::FileId(0), 0, 0);
        let mut c = Cond::default();
        if let Some(l) = local {
            c = c.with(0, l.into(), span);
        }
        if let Some(p) = protocol {
            c = c.with(3, p.into(), span);
        }
        c
    }

    #[test]
    fn containment() {
        let g = Cond::default();
        let l10 = cond(Some("192.0.2.10"), None);
        let l24 = cond(Some("192.0.2.0/24"), None);
        let imap = cond(None, Some("imap"));
        let both = cond(Some("192.0.2.10"), Some("imap"));
        assert!(l10.within(&g) && l10.within(&l24) && !l24.within(&l10));
        assert!(both.within(&imap) && both.within(&l24) && !imap.within(&both));
        assert!(cond(None, Some("pop3")).within(&cond(None, Some("!imap"))));
        assert!(!imap.within(&cond(None, Some("!imap"))));
        assert!(cond(Some("2001:db8::1"), None).within(&cond(Some("2001:db8::/32"), None)));
        assert_eq!(both.key(), "dovecot/local[192.0.2.10]/protocol[imap]");
        assert_eq!(both.name(), "local 192.0.2.10 / protocol imap");
    }
}
