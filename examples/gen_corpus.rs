//! Generates config trees for benchmarks (see README "Speed").
//!
//! ```sh
//! cargo run --release --example gen-corpus -- nginx DIR 2000 200     # 2,000 servers, 200 files
//! cargo run --release --example gen-corpus -- nginx DIR 20000 2000   # ten times that
//! cargo run --release --example gen-corpus -- mixed DIR 10000        # monorepo of 10,000 files
//! ```
//! The nginx tree is `DIR/nginx.conf` including `DIR/sites/*.conf`, each server about twelve
//! lines, with a mix of good and weak TLS settings so checks have work to do.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen-corpus nginx DIR SERVERS FILES | gen-corpus mixed DIR FILES";
    let (Some(kind), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let num =
        |i: usize, default: usize| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(default);
    let dir = Path::new(dir);
    let result = match kind.as_str() {
        "nginx" => nginx(dir, num(2, 2000), num(3, 200)),
        "mixed" => mixed(dir, num(2, 10_000)),
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("gen-corpus: {e}");
        std::process::exit(1);
    }
}

/// One TLS server block; `i` varies names, ports and settings.
fn server(i: usize) -> String {
    let protocols = if i.is_multiple_of(7) {
        "TLSv1 TLSv1.1 TLSv1.2"
    } else {
        "TLSv1.2 TLSv1.3"
    };
    let ciphers = match i % 5 {
        0 => "HIGH:!aNULL:!MD5",
        1 => "ECDHE+AESGCM:ECDHE+CHACHA20",
        2 => {
            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384"
        }
        3 => "ALL:!aNULL:!eNULL:!RC4x",
        _ => "EECDH+AESGCM:EDH+AESGCM",
    };
    format!(
        "server {{\n    listen {port} ssl;\n    server_name host{i}.example.com;\n    \
         ssl_certificate /etc/ssl/host{i}.crt;\n    ssl_certificate_key /etc/ssl/host{i}.key;\n    \
         ssl_protocols {protocols};\n    ssl_ciphers {ciphers};\n    \
         ssl_session_cache shared:SSL:10m;\n    location / {{\n        \
         proxy_pass https://backend{i}.internal;\n    }}\n}}\n",
        port = 10_000 + i
    )
}

pub(crate) fn nginx(dir: &Path, servers: usize, files: usize) -> std::io::Result<()> {
    let files = files.max(1);
    fs::create_dir_all(dir.join("sites"))?;
    fs::write(
        dir.join("nginx.conf"),
        "events {}\nhttp {\n    ssl_prefer_server_ciphers off;\n    include sites/*.conf;\n}\n",
    )?;
    let per_file = servers.div_ceil(files);
    for f in 0..files {
        let mut text = String::new();
        for s in f * per_file..((f + 1) * per_file).min(servers) {
            text.push_str(&server(s));
        }
        fs::write(dir.join(format!("sites/site{f:05}.conf")), text)?;
    }
    Ok(())
}

pub(crate) fn mixed(dir: &Path, files: usize) -> std::io::Result<()> {
    // A monorepo: many services, each with one config of one kind.
    for i in 0..files {
        let svc = dir.join(format!("services/svc{i:05}"));
        fs::create_dir_all(&svc)?;
        match i % 4 {
            0 => fs::write(
                svc.join("nginx.conf"),
                format!("events {{}}\nhttp {{\n{}}}\n", server(i)),
            )?,
            1 => {
                let mut main = String::new();
                let _ = writeln!(main, "smtpd_tls_security_level = may");
                let _ = writeln!(main, "smtpd_tls_protocols = >=TLSv1.2");
                let _ = writeln!(main, "smtpd_tls_mandatory_ciphers = high");
                let _ = writeln!(main, "smtpd_tls_cert_file = /etc/ssl/mail{i}.pem");
                let _ = writeln!(main, "smtp_tls_security_level = may");
                fs::write(svc.join("main.cf"), main)?;
            }
            2 => fs::write(
                svc.join("dovecot.conf"),
                format!(
                    "dovecot_config_version = 2.4.0\nprotocols = imap\nssl = required\n\
                     ssl_min_protocol = TLSv1.2\nssl_server_cert_file = /etc/ssl/imap{i}.pem\n"
                ),
            )?,
            _ => fs::write(
                svc.join("web-config.yml"),
                "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  \
                 min_version: TLS12\n",
            )?,
        }
    }
    Ok(())
}
