//! Prints the expansion of each argument (development aid).
use tlslint::cipher::{Profile, expand};
fn main() {
    for s in std::env::args().skip(1) {
        let e = expand(&s, Profile::V3_0);
        let names: Vec<&str> = e.suites.iter().map(|s| s.openssl_name).collect();
        println!("{}", names.join(":"));
        if let Some(err) = e.error { println!("ERROR {err:?}"); }
        for u in e.unknown { println!("unknown {u:?}"); }
    }
}
