//! Key material referenced by configs: certificates, DH parameters, ticket-key files.
//!
//! After parsing, [`gather`] looks at the files the endpoints name and records plain facts
//! (key type and size, signature algorithm, validity, DH prime size, file age) so checks
//! stay pure. Only files inside the checked root are read; nothing read here is ever
//! printed: facts hold numbers and algorithm names, errors hold no file contents. Private
//! keys are never opened.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

use crate::gateway::{Gateway, Refusal};
use crate::model::{Dialect, Endpoint, Model, Observation, ObservationKind, PathBase};
use crate::source::{FileId, Sources, Span};

/// What could be learnt about one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fact<T> {
    /// Read and understood.
    Known(T),
    /// Not read: outside the checked root.
    Outside,
    /// Not there: the path leads into the checked tree, but no file is at its end
    /// (certificates and keys are rarely committed, so this is normal in a repository).
    Missing,
    /// Read, but the program cannot load it: empty, or without the PEM block it reads.
    Rejected(Rejection),
    /// Read failed or the content was not understood (the message holds no contents).
    Unreadable(String),
}

/// Why a program cannot load a key-material file, in words that hold no contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// What is wrong: `is empty`, `holds no PEM certificate`, ...
    pub why: &'static str,
}

/// A certificate's properties.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertFacts {
    /// `rsa`, `ecdsa`, `ed25519`, `dsa`, or an OID.
    pub key_type: String,
    /// Key size in bits.
    pub bits: u32,
    /// Curve of an EC key (`prime256v1`, ...).
    pub curve: Option<String>,
    /// Signature algorithm (`sha256WithRSAEncryption`, `ecdsa-with-SHA256`, ...).
    pub signature: String,
    /// Validity span in days (notAfter − notBefore).
    pub lifespan_days: i64,
    /// The OCSP responder the certificate names, as OpenSSL's `X509_get1_ocsp` finds it
    /// (the URL itself is certificate content and is not kept).
    pub ocsp: OcspUrl,
    /// How many further certificates the file holds after the first (the chain a server
    /// sends with it and searches for the issuer).
    pub chain: usize,
}

/// The first OCSP responder URL of a certificate's Authority Information Access
/// extension, reduced to what decides how a server reaches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OcspUrl {
    /// The certificate names no OCSP responder.
    None,
    /// An `http://` URL whose host is a name (resolved through DNS).
    HostName,
    /// An `http://` URL whose host is an IP address.
    Address,
    /// A URL that does not start with `http://` (nginx refuses it).
    NotHttp,
    /// The extension could not be read.
    Unknown,
}

/// Facts about every key-material file the model names, keyed by the endpoint's file and
/// the path as written (so checks need not resolve paths themselves).
#[derive(Debug, Default)]
pub struct Facts {
    /// DH parameter files: prime size in bits.
    pub dh: Table<u32>,
    /// Certificates (the first certificate of each file, the leaf).
    pub certs: Table<CertFacts>,
    /// Ticket-key files: age in seconds from the modification time.
    pub key_age: Table<u64>,
}

/// Facts by (file of the endpoint, path as written, as bytes). Nested so a lookup borrows
/// the path instead of building an owned key; bytes hash faster than `Path` components.
pub type Table<T> = FastMap<FileId, FastMap<Box<[u8]>, Fact<T>>>;

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

impl Facts {
    /// The fact about a path an endpoint names in the setting at `span`.
    pub fn get<'a, T>(
        map: &'a Table<T>,
        e: &Endpoint,
        span: Option<Span>,
        written: &Path,
    ) -> Option<&'a Fact<T>> {
        map.get(&base_file(e, span))?
            .get(written.as_os_str().as_encoded_bytes())
    }

    /// Where the program looks for a path as written in the setting at `span`: against
    /// the endpoint's [`PathBase`] (nginx's conf prefix, Postfix's `queue_directory`, the
    /// directory of the file naming it).
    pub fn resolve(e: &Endpoint, span: Option<Span>, written: &Path, sources: &Sources) -> PathBuf {
        if written.is_absolute() {
            return written.to_path_buf();
        }
        match &e.relative_paths {
            PathBase::Dir { dir, .. } => dir.join(written),
            PathBase::NamingFile => sources
                .get(base_file(e, span))
                .path
                .parent()
                .map_or_else(|| written.to_path_buf(), |d| d.join(written)),
        }
    }
}

/// The file that decides where a relative path leads: facts are kept per such file, so
/// the same words written under two bases stay two facts.
fn base_file(e: &Endpoint, span: Option<Span>) -> FileId {
    match &e.relative_paths {
        PathBase::Dir { by, .. } => *by,
        PathBase::NamingFile => span.map_or(e.span.file, |s| s.file),
    }
}

/// The fact for `written`, made by `make` the first time it is asked for.
fn fact<'a, T>(
    table: &'a mut Table<T>,
    file: FileId,
    written: &Path,
    make: impl FnOnce() -> Fact<T>,
) -> &'a Fact<T> {
    let key = written.as_os_str().as_encoded_bytes();
    let per_file = table.entry(file).or_default();
    if !per_file.contains_key(key) {
        per_file.insert(key.into(), make());
    }
    &per_file[key]
}

/// Reads the key material the model names, through the gateway (which confines reading).
/// A file outside the root is not read; each such file gets one `OutsideRoot` note in the
/// model saying what could not be checked.
pub fn gather(model: &mut Model, sources: &Sources, gateway: &Gateway) -> Facts {
    let endpoints = &model.endpoints;
    let (facts, notes) = if endpoints.len() >= PARALLEL_MIN {
        // Two halves on two threads (each file costs a system call or a read), merged as
        // if gathered in order: a fact is the same whoever finds it, and a note goes to
        // the first endpoint naming its file.
        let (a, b) = endpoints.split_at(endpoints.len() / 2);
        let (second, first) = crate::parallel::join(
            || gather_part(b, sources, gateway),
            || gather_part(a, sources, gateway),
        );
        let (mut facts, mut notes) = first;
        let (more, later) = second;
        merge(&mut facts.dh, more.dh);
        merge(&mut facts.certs, more.certs);
        merge(&mut facts.key_age, more.key_age);
        for (path, note) in later.list {
            if notes.seen.insert(path) {
                notes.list.push((path, note));
            }
        }
        (facts, notes)
    } else {
        gather_part(endpoints, sources, gateway)
    };
    let list: Vec<Observation> = notes.list.into_iter().map(|(_, o)| o).collect();
    model.observations.extend(list);
    facts
}

/// Endpoints from which [`gather`] uses two threads.
const PARALLEL_MIN: usize = 2048;

fn merge<T>(into: &mut Table<T>, from: Table<T>) {
    for (file, facts) in from {
        let mine = into.entry(file).or_default();
        for (path, fact) in facts {
            mine.entry(path).or_insert(fact);
        }
    }
}

fn gather_part<'m>(
    endpoints: &'m [Endpoint],
    sources: &Sources,
    gateway: &Gateway,
) -> (Facts, Notes<'m>) {
    let mut facts = Facts::default();
    let mut notes = Notes::default();
    let paths = Resolver { gateway };
    for e in endpoints {
        if let Some(dh) = &e.tls.dh_params
            && let Some(p) = &dh.value
        {
            let fact = fact(&mut facts.dh, base_file(e, dh.span), p, || {
                paths
                    .read(&Facts::resolve(e, dh.span, p, sources))
                    .and_then(|b| dh_bits(&b))
            });
            notes.add(fact, e, dh.span, p, "dh_params", "its DH group size");
        }
        for c in &e.tls.certificates {
            let fact = fact(&mut facts.certs, base_file(e, c.span), &c.value, || {
                paths
                    .read(&Facts::resolve(e, c.span, &c.value, sources))
                    .and_then(|b| cert(&b))
            });
            notes.add(
                fact,
                e,
                c.span,
                &c.value,
                "certificate",
                "its key, signature and lifespan",
            );
        }
        if let Some(k) = &e.tls.ticket_keys
            && let crate::model::TicketKeys::Files { files } = &k.value
        {
            for f in files {
                let fact = fact(&mut facts.key_age, base_file(e, k.span), f, || {
                    paths.age(&Facts::resolve(e, k.span, f, sources))
                });
                notes.add(fact, e, k.span, f, "ticket_keys", "its age");
            }
        }
    }
    (facts, notes)
}

/// One `OutsideRoot` note per file not read.
#[derive(Default)]
struct Notes<'m> {
    seen: std::collections::HashSet<&'m [u8], foldhash::fast::RandomState>,
    /// Each note with the path (as written) it is about.
    list: Vec<(&'m [u8], Observation)>,
}

impl<'m> Notes<'m> {
    fn add<T>(
        &mut self,
        fact: &Fact<T>,
        e: &Endpoint,
        span: Option<Span>,
        written: &'m Path,
        setting: &str,
        what: &str,
    ) {
        let path = written.as_os_str().as_encoded_bytes();
        let missing = match fact {
            Fact::Outside => false,
            Fact::Missing => true,
            _ => return,
        };
        if !self.seen.insert(path) {
            return;
        }
        let (message, help) = if missing {
            (
                format!(
                    "{}{} is not in the checked tree; {what} could not be checked",
                    written.display(),
                    relative_to(e, written)
                ),
                "nothing to fix if the file is deployed separately (certificates and keys are rarely committed); keep a copy of a certificate or DH file in the tree to have it checked",
            )
        } else {
            (
                format!(
                    "{}{} is outside the checked root and was not read; {what} could not be checked",
                    written.display(),
                    relative_to(e, written)
                ),
                "pass --allow-outside-root to read files outside the checked tree",
            )
        };
        self.list.push((
            path,
            Observation::new(
                ObservationKind::OutsideRoot,
                span.unwrap_or(e.span),
                message,
            )
            .help(help)
            .key(format!("{}/{setting}", e.key)),
        ));
    }
}

/// How a relative path was resolved, for notes: the program's rule (never a path of this
/// machine, so outputs are the same everywhere).
fn relative_to(e: &Endpoint, written: &Path) -> String {
    if written.is_absolute() {
        return String::new();
    }
    match (&e.relative_paths, e.dialect) {
        (PathBase::Dir { .. }, Dialect::Nginx) => {
            " (relative to nginx's conf prefix, the directory of the main config)".to_owned()
        }
        (PathBase::Dir { .. }, Dialect::Apache) => {
            " (relative to httpd's `ServerRoot`, the main config's directory unless set)".to_owned()
        }
        (PathBase::Dir { dir, .. }, Dialect::Postfix) => format!(
            " (Postfix reads it relative to `queue_directory`, {})",
            dir.display()
        ),
        _ => " (relative to the directory of the file naming it)".to_owned(),
    }
}

impl<T> Fact<T> {
    fn and_then<U>(self, f: impl FnOnce(T) -> Fact<U>) -> Fact<U> {
        match self {
            Fact::Known(t) => f(t),
            Fact::Outside => Fact::Outside,
            Fact::Missing => Fact::Missing,
            Fact::Rejected(r) => Fact::Rejected(r),
            Fact::Unreadable(e) => Fact::Unreadable(e),
        }
    }
}

/// Reads key material through the gateway; a file it will not read outside the root is
/// [`Fact::Outside`], any other refusal [`Fact::Unreadable`] with the reason.
struct Resolver<'g> {
    gateway: &'g Gateway,
}

impl Resolver<'_> {
    fn read(&self, p: &Path) -> Fact<Vec<u8>> {
        match self.gateway.read_material(p) {
            Ok(b) => Fact::Known(b),
            Err(r) => refused(&r),
        }
    }

    fn age(&self, p: &Path) -> Fact<u64> {
        match self.gateway.modified(p) {
            Ok(t) => Fact::Known(
                SystemTime::now()
                    .duration_since(t)
                    .map_or(0, |d| d.as_secs()),
            ),
            Err(r) => refused(&r),
        }
    }
}

fn refused<T>(r: &Refusal) -> Fact<T> {
    match r {
        Refusal::Outside { .. } => Fact::Outside,
        Refusal::Missing { dangling: false } => Fact::Missing,
        other => Fact::Unreadable(other.to_string()),
    }
}

/// The first PEM block with one of `labels`.
fn pem(bytes: &[u8], labels: &[&str]) -> Option<Vec<u8>> {
    x509_parser::pem::Pem::iter_from_buffer(bytes)
        .filter_map(Result::ok)
        .find(|p| labels.contains(&p.label.as_str()))
        .map(|p| p.contents)
}

/// Why a file without the PEM block a program reads is refused: it is empty (a
/// placeholder), or holds something else (`otherwise`).
fn rejection(bytes: &[u8], otherwise: &'static str) -> Rejection {
    let why = if bytes.iter().all(u8::is_ascii_whitespace) {
        "is empty"
    } else {
        otherwise
    };
    Rejection { why }
}

/// The labels OpenSSL's `PEM_read_bio_X509_AUX` (nginx, Postfix, Dovecot) accepts.
const CERT_LABELS: [&str; 3] = ["CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE"];

/// Size of the prime in a PEM `DH PARAMETERS` block (PKCS #3: SEQUENCE { p, g, ... }).
fn dh_bits(bytes: &[u8]) -> Fact<u32> {
    let Some(der) = pem(bytes, &["DH PARAMETERS", "X9.42 DH PARAMETERS"]) else {
        return Fact::Rejected(rejection(bytes, "holds no PEM `DH PARAMETERS` block"));
    };
    match der_integer_bits(&der) {
        Some(bits) => Fact::Known(bits),
        None => Fact::Unreadable("malformed DH parameters".to_owned()),
    }
}

/// Reads a DER length at `i`, returning (length, next index).
fn der_len(d: &[u8], i: usize) -> Option<(usize, usize)> {
    let first = *d.get(i)?;
    if first < 0x80 {
        return Some((usize::from(first), i + 1));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 {
        return None;
    }
    let mut len = 0usize;
    for k in 0..n {
        len = (len << 8) | usize::from(*d.get(i + 1 + k)?);
    }
    Some((len, i + 1 + n))
}

/// Bit length of the first INTEGER inside the outer SEQUENCE.
fn der_integer_bits(d: &[u8]) -> Option<u32> {
    if *d.first()? != 0x30 {
        return None;
    }
    let (_, i) = der_len(d, 1)?;
    if *d.get(i)? != 0x02 {
        return None;
    }
    let (len, j) = der_len(d, i + 1)?;
    let int = d.get(j..j.checked_add(len)?)?;
    let int: &[u8] = match int.iter().position(|b| *b != 0) {
        Some(k) => &int[k..],
        None => return Some(0),
    };
    let lead = u32::from(int[0]);
    let bits = u32::try_from(int.len() - 1).ok()?.checked_mul(8)? + (32 - lead.leading_zeros());
    Some(bits)
}

fn cert(bytes: &[u8]) -> Fact<CertFacts> {
    // The programs read PEM only: a DER file or a key alone stops them as an empty one.
    let Some(der) = pem(bytes, &CERT_LABELS) else {
        return Fact::Rejected(rejection(bytes, "holds no PEM certificate"));
    };
    // After the first certificate, servers read the rest of the file as its chain with
    // `PEM_read_bio_X509`, which takes these two labels only.
    let chain = x509_parser::pem::Pem::iter_from_buffer(bytes)
        .filter_map(Result::ok)
        .skip_while(|p| !CERT_LABELS.contains(&p.label.as_str()))
        .skip(1)
        .filter(|p| matches!(p.label.as_str(), "CERTIFICATE" | "X509 CERTIFICATE"))
        .count();
    let Ok((_, c)) = X509Certificate::from_der(&der) else {
        return Fact::Unreadable("not an X.509 certificate".to_owned());
    };
    let spki = c.public_key();
    let alg = spki.algorithm.algorithm.to_id_string();
    let (key_type, bits) = match spki.parsed() {
        Ok(PublicKey::RSA(k)) => ("rsa".to_owned(), k.key_size()),
        Ok(PublicKey::EC(k)) => ("ecdsa".to_owned(), k.key_size()),
        Ok(PublicKey::DSA(y)) => ("dsa".to_owned(), y.len() * 8),
        _ if alg == "1.3.101.112" => ("ed25519".to_owned(), 256),
        _ if alg == "1.3.101.113" => ("ed448".to_owned(), 456),
        _ => (alg, 0),
    };
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|oid| curve_name(&oid.to_id_string()));
    let sig = c.signature_algorithm.algorithm.to_id_string();
    let v = c.validity();
    Fact::Known(CertFacts {
        key_type,
        bits: u32::try_from(bits).unwrap_or(u32::MAX),
        curve: if c.public_key().algorithm.algorithm.to_id_string() == "1.2.840.10045.2.1" {
            curve
        } else {
            None
        },
        signature: signature_name(&sig),
        lifespan_days: (v.not_after.timestamp() - v.not_before.timestamp()) / 86_400,
        ocsp: ocsp_url(&c),
        chain,
    })
}

/// The first OCSP responder URI of the Authority Information Access extension, as
/// OpenSSL's `X509_get1_ocsp` returns it (empty URIs skipped), judged as nginx's
/// `ngx_ssl_stapling_responder` does: it must start with `http://`.
fn ocsp_url(c: &X509Certificate<'_>) -> OcspUrl {
    use x509_parser::extensions::{GeneralName, ParsedExtension};
    let aia = x509_parser::oid_registry::OID_PKIX_AUTHORITY_INFO_ACCESS;
    let ocsp = x509_parser::oid_registry::OID_PKIX_ACCESS_DESCRIPTOR_OCSP;
    // No extension, or one that appears twice (OpenSSL reads neither).
    let Ok(Some(ext)) = c.get_extension_unique(&aia) else {
        return OcspUrl::None;
    };
    let ParsedExtension::AuthorityInfoAccess(info) = ext.parsed_extension() else {
        return OcspUrl::Unknown;
    };
    let first = info
        .iter()
        .filter(|d| d.access_method == ocsp)
        .find_map(|d| match d.access_location {
            GeneralName::URI(uri) if !uri.is_empty() => Some(uri),
            _ => None,
        });
    match first {
        None => OcspUrl::None,
        Some(uri) => responder_kind(uri),
    }
}

/// How a server reaches the responder at `url`: nginx takes only `http://` URLs (any
/// case) and resolves a host name, unless it is an address.
pub fn responder_kind(url: &str) -> OcspUrl {
    let Some(rest) = url
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("http://"))
        .and_then(|_| url.get(7..))
        .filter(|r| !r.is_empty())
    else {
        return OcspUrl::NotHttp;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    // `[v6]:port`, or `host:port`.
    let host = match authority.strip_prefix('[') {
        Some(v6) => {
            return v6
                .split_once(']')
                .map_or(OcspUrl::Unknown, |_| OcspUrl::Address);
        }
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        OcspUrl::Address
    } else {
        OcspUrl::HostName
    }
}

fn curve_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.3.1.7" => "prime256v1",
        "1.3.132.0.34" => "secp384r1",
        "1.3.132.0.35" => "secp521r1",
        "1.3.132.0.10" => "secp256k1",
        "1.2.840.10045.3.1.1" => "prime192v1",
        "1.3.132.0.33" => "secp224r1",
        "1.3.132.0.31" => "secp192k1",
        "1.3.132.0.32" => "secp224k1",
        "1.3.36.3.3.2.8.1.1.7" => "brainpoolP256r1",
        "1.3.36.3.3.2.8.1.1.11" => "brainpoolP384r1",
        "1.3.36.3.3.2.8.1.1.13" => "brainpoolP512r1",
        other => other,
    }
    .to_owned()
}

fn signature_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10040.4.3" => "dsa-with-SHA1",
        "2.16.840.1.101.3.4.3.2" => "dsa-with-SHA256",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "ED25519",
        "1.3.101.113" => "ED448",
        other => other,
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responder_urls_as_nginx_takes_them() {
        assert_eq!(
            responder_kind("http://ocsp.example.net/"),
            OcspUrl::HostName
        );
        assert_eq!(responder_kind("HTTP://ocsp.example.net"), OcspUrl::HostName);
        assert_eq!(responder_kind("http://192.0.2.7:8080/x"), OcspUrl::Address);
        assert_eq!(responder_kind("http://[2001:db8::1]/"), OcspUrl::Address);
        assert_eq!(
            responder_kind("https://ocsp.example.net/"),
            OcspUrl::NotHttp
        );
        assert_eq!(responder_kind("http://"), OcspUrl::NotHttp);
        assert_eq!(responder_kind("ocsp.example.net"), OcspUrl::NotHttp);
        assert_eq!(responder_kind("htt\u{e9}://x"), OcspUrl::NotHttp);
    }

    #[test]
    fn der_integer_bit_lengths() {
        // SEQUENCE { INTEGER 0x00FF.. (2 bytes value 0x80 0x01 => 16 bits), INTEGER 2 }
        let d = [0x30, 0x07, 0x02, 0x03, 0x00, 0x80, 0x01, 0x02, 0x01, 0x02];
        assert_eq!(der_integer_bits(&d), Some(16));
        assert_eq!(der_integer_bits(&[0x30]), None);
        assert_eq!(
            der_integer_bits(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
            None
        );
    }
}
