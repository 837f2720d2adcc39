//! Fuzz target: any bytes → load + resolve + check. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(rep) = gongkai::report::load_bytes(data, None) {
        if let Ok(res) = gongkai::check::resolve(rep) {
            let _ = gongkai::check::run(&res, None);
        }
    }
});
