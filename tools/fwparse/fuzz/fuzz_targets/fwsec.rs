//! FWSEC lookup on a raw FWSEC section: input is the falcon data pointer
//! and the PC-AT image size (two little-endian `u32`), then the section.
#![no_main]

use fwparse::fwsec::Fwsec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (Some(p), Some(b), Some(section)) = (data.get(0..4), data.get(4..8), data.get(8..)) else {
        return;
    };
    let pointer = u32::from_le_bytes([p[0], p[1], p[2], p[3]]);
    let base = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    if let Ok(f) = Fwsec::parse(section, pointer, u64::from(base)) {
        let _ = f.dmem_mapper();
        for e in f.table.entries() {
            let _ = e;
        }
    }
});
