//! Falcon HS image: headers, signatures, load layout.
#![no_main]

use fwparse::hs::HsImage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(h) = HsImage::parse(data) {
        for i in 0..h.num_sig.min(8) {
            assert_eq!(
                h.signature(i).map(<[u8]>::len).ok(),
                Some(h.sig_size as usize)
            );
        }
        let _ = h.signature(h.num_sig);
        for fuse in 0..4 {
            let _ = h.signature_index(fuse);
        }
        let _ = h.pkc_data_offset();
        let _ = h.falcon_load(true);
        let _ = h.falcon_load(false);
        for app in h.apps().take(64) {
            let _ = app;
        }
    }
});
