//! Fuzzes the OpenSSL cipher-string engine under every profile, plus suite lookup and the
//! BoringSSL list parser, with the same bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tlslint_fuzz::run_cipher(data);
});
