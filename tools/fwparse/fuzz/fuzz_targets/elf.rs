//! ELF header, section table and section lookup.
#![no_main]

use fwparse::elf::Elf;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(elf) = Elf::parse(data) {
        for s in elf.sections() {
            if let Ok(s) = s {
                assert_eq!(s.data.len() as u64, if s.kind == 8 { 0 } else { s.size });
            }
        }
        let _ = elf.find_section(".fwimage");
        let _ = elf.section("image");
    }
});
