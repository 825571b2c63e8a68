//! Falcon generic bootloader.
#![no_main]

use fwparse::bl::GenericBootloader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(b) = GenericBootloader::parse(data) {
        assert_eq!(b.code.len(), b.desc.code_size as usize);
        let _ = b.imem_addr();
    }
});
