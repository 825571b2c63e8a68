//! MCTP and NVDM framing of the FSP's EMEM packets (`docs/fsp-facts.md`
//! section 2; nova-core `mctp.rs`, nouveau `nvkm/subdev/fsp/gh100.c`
//! `MCTP_HEADER_*`/`MCTP_MSG_HEADER_*`, OpenRM `kfspGetPacketInfo_GH100`).
//!
//! Every word is little-endian. Word 0, the MCTP transport header: 31 SOM,
//! 30 EOM, 29:28 SEQ, 27 TO, 26:24 TAG, 23:16 SEID, 15:8 DEID, 7:0
//! version. Word 1 (in a start or single packet), the MCTP message header
//! with NVIDIA's NVDM header: 6:0 message type (0x7e, vendor-defined PCI),
//! 7 IC, 23:8 PCI vendor id (0x10de), 31:24 NVDM type. A reply
//! (`NVDM_PAYLOAD_COMMAND_RESPONSE`) is the two header words, then taskId,
//! commandNvdmType, errorCode (section 2.4).

/// SOM: start of message.
pub const SOM: u32 = 1 << 31;
/// EOM: end of message.
pub const EOM: u32 = 1 << 30;
/// MCTP message type "vendor-defined PCI".
pub const MSG_TYPE_VENDOR_PCI: u32 = 0x7e;
/// NVIDIA's PCI vendor id.
pub const VENDOR_NVIDIA: u32 = 0x10de;
/// NVDM type of a PRC (product reconfiguration) request.
pub const NVDM_PRC: u8 = 0x13;
/// NVDM type of a COT (chain of trust) request.
pub const NVDM_COT: u8 = 0x14;
/// NVDM type of the FSP's response.
pub const NVDM_RESPONSE: u8 = 0x15;

/// Size of a response without payload (`NVDM_PAYLOAD_COMMAND_RESPONSE`).
pub const RESPONSE_LEN: usize = 20;

/// The two header words of a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Headers {
    /// Word 0.
    pub mctp: u32,
    /// Word 1.
    pub nvdm: u32,
}

impl Headers {
    /// The headers at the start of `p`, if it holds two words.
    pub fn of(p: &[u8]) -> Option<Self> {
        Some(Self {
            mctp: crate::le::le32(p, 0)?,
            nvdm: crate::le::le32(p, 4)?,
        })
    }

    /// The NVDM type (31:24 of word 1).
    pub fn nvdm_type(self) -> u8 {
        (self.nvdm >> 24) as u8
    }

    /// Why the packet is not a single-packet NVIDIA NVDM message, if it
    /// is not.
    pub fn problem(self) -> Option<String> {
        if self.mctp & (SOM | EOM) != SOM | EOM {
            return Some(format!(
                "MCTP header {:#010x} is not a single packet (SOM {}, EOM {}); nvsim's FSP \
                 takes single-packet messages only",
                self.mctp,
                self.mctp >> 31,
                (self.mctp >> 30) & 1
            ));
        }
        if self.mctp & (3 << 28) != 0 {
            return Some(format!(
                "MCTP header {:#010x}: SEQ {} in a single packet, expected 0",
                self.mctp,
                (self.mctp >> 28) & 3
            ));
        }
        if self.nvdm & 0x7f != MSG_TYPE_VENDOR_PCI {
            return Some(format!(
                "NVDM header {:#010x}: MCTP message type {:#x}, expected {MSG_TYPE_VENDOR_PCI:#x} \
                 (vendor-defined PCI)",
                self.nvdm,
                self.nvdm & 0x7f
            ));
        }
        if (self.nvdm >> 8) & 0xffff != VENDOR_NVIDIA {
            return Some(format!(
                "NVDM header {:#010x}: vendor id {:#x}, expected {VENDOR_NVIDIA:#x}",
                self.nvdm,
                (self.nvdm >> 8) & 0xffff
            ));
        }
        None
    }
}

/// A response to a command of NVDM type `command` with `error`, then
/// `payload` (a PRC's data).
pub fn response(task_id: u32, command: u8, error: u32, payload: &[u8]) -> Vec<u8> {
    let nvdm = (u32::from(NVDM_RESPONSE) << 24) | (VENDOR_NVIDIA << 8) | MSG_TYPE_VENDOR_PCI;
    let mut r = Vec::with_capacity(RESPONSE_LEN + payload.len());
    for w in [SOM | EOM, nvdm, task_id, u32::from(command), error] {
        r.extend_from_slice(&w.to_le_bytes());
    }
    r.extend_from_slice(payload);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_response() {
        let mut p = 0xc000_0000u32.to_le_bytes().to_vec();
        p.extend_from_slice(&0x1410_de7eu32.to_le_bytes());
        let h = Headers::of(&p).expect("two words");
        assert_eq!((h.nvdm_type(), h.problem()), (NVDM_COT, None));
        let multi = Headers {
            mctp: SOM,
            nvdm: h.nvdm,
        };
        assert!(multi.problem().expect("multi").contains("single packet"));
        let amd = Headers {
            mctp: h.mctp,
            nvdm: 0x1410_227e,
        };
        assert!(amd.problem().expect("vendor").contains("vendor id 0x1022"));
        let r = response(7, NVDM_COT, 0, &[]);
        let words: Vec<u32> = r
            .chunks(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        assert_eq!(words, [0xc000_0000, 0x1510_de7e, 7, 0x14, 0]);
    }
}
