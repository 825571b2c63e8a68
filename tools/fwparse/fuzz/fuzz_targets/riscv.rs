//! RISC-V bootloader descriptor.
#![no_main]

use fwparse::riscv::RiscvFirmware;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(fw) = RiscvFirmware::parse(data) {
        for (_, off, size) in fw.desc.regions() {
            assert!(u64::from(off) + u64::from(size) <= fw.ucode.len() as u64);
        }
    }
});
