//! Fuzzes the Apache httpd parser (as `httpd.conf`) and the checks that run on what it
//! produces.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tlslint::model::Dialect;

fuzz_target!(|data: &[u8]| {
    tlslint_fuzz::run_config(Dialect::Apache, "httpd.conf", data);
});
