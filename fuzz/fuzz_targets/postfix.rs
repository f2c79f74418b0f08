//! Fuzzes the Postfix parser and the checks. The input is `main.cf`, then optionally a NUL
//! byte and the sibling `master.cf`, so both files' syntax and their interplay
//! (`-o` overrides of main.cf parameters) are reached.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tlslint_fuzz::run_postfix(data);
});
