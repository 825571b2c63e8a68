//! VBIOS image chain, BIT, and the FWSEC lookup as the driver does it.
#![no_main]

use fwparse::vbios::Vbios;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = Vbios::parse(data) else { return };
    for image in v.images() {
        let _ = image.map(|i| (i.size(), i.is_last()));
    }
    if let Ok(bit) = v.bit() {
        for t in bit.tokens() {
            let _ = t;
        }
    }
    let _ = v.fwsec_section();
    if let Ok(f) = v.find_fwsec() {
        let _ = f.dmem_mapper();
        let _ = f.dmem();
        for i in 0..f.desc.signature_count() {
            assert!(f.signature(i).is_ok());
        }
    }
});
