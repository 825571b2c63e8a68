//! Hopper/Blackwell FMC image.
#![no_main]

use fwparse::fmc::FmcImage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(f) = FmcImage::parse(data) {
        assert_eq!(f.hash.len(), fwparse::fmc::HASH_SIZE);
    }
});
