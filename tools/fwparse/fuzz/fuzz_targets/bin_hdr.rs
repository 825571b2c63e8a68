//! `bin_hdr` and content-based kind detection.
#![no_main]

use fwparse::bin_hdr::BinHdr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = fwparse::kind::identify(data);
    if let Ok(h) = BinHdr::parse(data) {
        assert!(h.payload(data).is_ok());
        let _ = h.sub_header(data, 84, "header");
    }
});
