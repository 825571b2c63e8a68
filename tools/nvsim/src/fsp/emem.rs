//! The FSP's EMEM and its PIO port 0 (EMEMC/EMEMD), through which the CPU
//! writes commands and reads replies (`docs/fsp-facts.md` section 1.4;
//! nova-core `regs.rs` `NV_PFALCON_FALCON_EMEM_CTL`/`_DATA`,
//! `falcon/fsp.rs`; OpenRM `_kfspWriteToEmem_GH100`/`_kfspReadFromEmem_GH100`).
//!
//! EMEMC: 7:2 OFFS (dword in a 256-byte block), 15:8 BLK, 24 AINCW, 25
//! AINCR; so bits 15:2 are the byte address. Each EMEMD write (with
//! AINCW) or read (with AINCR) moves the address one dword, across
//! blocks; EMEMC reads back the current address and the flags (OpenRM
//! checks that the pointer advanced by the words it wrote). nvsim's EMEM is
//! 4 KiB (channel 0, the CPU's, is its first KiB: `FSP_EMEM_CHANNEL_RM`,
//! 1 KiB); an access beyond it reads 0 and is dropped, and logged once.

use crate::le::le32;
use crate::trace::Trace;

/// EMEM size.
pub const EMEM_SIZE: usize = 0x1000;
/// Size of channel 0, the one the driver uses (at EMEM offset 0).
pub const CHANNEL_SIZE: usize = 0x400;

const AINCW: u32 = 1 << 24;
const AINCR: u32 = 1 << 25;
const ADDR: u32 = 0xfffc;

/// The EMEM and port 0.
pub struct Emem {
    mem: Vec<u8>,
    ctl: u32,
    beyond_logged: bool,
}

impl Default for Emem {
    fn default() -> Self {
        Self::new()
    }
}

impl Emem {
    /// Zeroed EMEM, address 0, no auto-increment.
    pub fn new() -> Self {
        Self {
            mem: vec![0; EMEM_SIZE],
            ctl: 0,
            beyond_logged: false,
        }
    }

    /// EMEMC as read: the current address and the flags.
    pub fn ctl(&self) -> u32 {
        self.ctl & (ADDR | AINCW | AINCR)
    }

    /// EMEMC written: a new address and flags.
    pub fn set_ctl(&mut self, v: u32) {
        self.ctl = v & (ADDR | AINCW | AINCR);
    }

    fn addr(&self) -> usize {
        (self.ctl & ADDR) as usize
    }

    fn advance(&mut self) {
        let next = (self.ctl & ADDR).wrapping_add(4) & ADDR;
        self.ctl = (self.ctl & !ADDR) | next;
    }

    fn beyond(&mut self, trace: &Trace, what: &str) {
        if !self.beyond_logged {
            self.beyond_logged = true;
            trace.log(format!(
                "FSP: EMEMD {what} at EMEM offset {:#x}, beyond nvsim's {EMEM_SIZE:#x}-byte EMEM; \
                 ignored",
                self.addr()
            ));
        }
    }

    /// EMEMD read.
    pub fn read_data(&mut self, trace: &Trace) -> u32 {
        let a = self.addr();
        let v = match le32(&self.mem, a) {
            Some(v) => v,
            None => {
                self.beyond(trace, "read");
                0
            }
        };
        if self.ctl & AINCR != 0 {
            self.advance();
        }
        v
    }

    /// EMEMD write.
    pub fn write_data(&mut self, v: u32, trace: &Trace) {
        let a = self.addr();
        match self.mem.get_mut(a..a + 4) {
            Some(b) => b.copy_from_slice(&v.to_le_bytes()),
            None => self.beyond(trace, "write"),
        }
        if self.ctl & AINCW != 0 {
            self.advance();
        }
    }

    /// `len` bytes at `off`, if inside the EMEM.
    pub fn bytes(&self, off: usize, len: usize) -> Option<&[u8]> {
        self.mem.get(off..off.checked_add(len)?)
    }

    /// The FSP writes `data` at `off` (inside the EMEM).
    pub fn put(&mut self, off: usize, data: &[u8]) {
        if let Some(d) = self.mem.get_mut(off..off + data.len()) {
            d.copy_from_slice(data);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_increment_across_blocks_and_read_back() {
        let t = Trace::memory(false);
        let mut e = Emem::new();
        e.set_ctl(AINCW | (0xfc));
        e.write_data(0x1111_1111, &t);
        e.write_data(0x2222_2222, &t);
        // Block 1, offset 1: 0x104.
        assert_eq!(e.ctl(), AINCW | 0x104);
        e.set_ctl(AINCR | 0xfc);
        assert_eq!(e.read_data(&t), 0x1111_1111);
        assert_eq!(e.read_data(&t), 0x2222_2222);
        assert_eq!(e.bytes(0x100, 4), Some(&[0x22u8; 4][..]));
        // Without AINCR the address stays.
        e.set_ctl(0x100);
        assert_eq!(
            (e.read_data(&t), e.read_data(&t)),
            (0x2222_2222, 0x2222_2222)
        );
        e.set_ctl(AINCW | 0xfffc);
        e.write_data(5, &t);
        assert_eq!(e.read_data(&t), 0);
        assert_eq!(t.lines().len(), 1, "logged once");
    }
}
