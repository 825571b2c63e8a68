//! GSP-RM image: required sections, version, per-chip signatures.
#![no_main]

use fwparse::{chip, gsp::GspImage};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(g) = GspImage::parse(data) {
        assert!(!g.version.is_empty());
        for c in chip::names() {
            let _ = g.signature(c);
        }
        for s in g.signatures() {
            let _ = s;
        }
    }
});
