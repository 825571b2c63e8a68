//! The boot arguments GSP-RM finds through the address in the GSP
//! falcon's mailboxes.
//!
//! Facts (nova-core `gsp.rs`, `gsp/fw.rs`, `gsp/hal/tu102.rs`,
//! `gsp/fw/r570_144/bindings.rs`; nouveau `nvkm/subdev/gsp/rm/r535/gsp.c`):
//! before `booter_load`, the driver writes the bus address of a page of
//! `LibosMemoryRegionInitArgument`s into GSP MAILBOX0 (low 32 bits) and
//! MAILBOX1 (high). Each entry is 0x20 bytes: u64 id8 (the region's name,
//! up to 8 ASCII characters, last character in the low byte), u64 pa, u64
//! size, u8 kind (1 contiguous, 2 radix3), u8 loc (1 sysmem, 2 FB); the
//! array ends at the first zero id8. The "RMARGS" region holds
//! `GSP_ARGUMENTS_CACHED`, whose first member is
//! `MESSAGE_QUEUE_INIT_ARGUMENTS` (u64 sharedMemPhysAddr, u32
//! pageTableEntryCount at 0x08, u64 cmdQueueOffset at 0x10, u64
//! statQueueOffset at 0x18); then `srInitArguments` (0x20), u32
//! gpuInstance (0x2c), u8 bDmemStack (0x30), profiler pa/size (0x38).

use crate::dma::DmaSpace;

/// One libos memory region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Its name.
    pub name: String,
    /// Bus address.
    pub pa: u64,
    /// Size in bytes.
    pub size: u64,
    /// Kind (1 contiguous, 2 radix3).
    pub kind: u8,
    /// Location (1 sysmem, 2 FB).
    pub loc: u8,
}

/// Decodes an id8.
pub fn id8_name(id: u64) -> String {
    let mut b: Vec<u8> = id.to_le_bytes().into_iter().filter(|c| *c != 0).collect();
    b.reverse();
    String::from_utf8_lossy(&b).into_owned()
}

/// Encodes a name as an id8.
pub fn id8(name: &str) -> u64 {
    let mut b = [0u8; 8];
    for (dst, c) in b.iter_mut().zip(name.bytes().rev()) {
        *dst = c;
    }
    u64::from_le_bytes(b)
}

fn q(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

/// Reads the region array at `addr`.
pub fn regions(dma: &DmaSpace, addr: u64) -> Result<Vec<Region>, String> {
    if addr == 0 {
        return Err("the GSP mailboxes hold no libos argument address".into());
    }
    if !addr.is_multiple_of(0x1000) {
        return Err(format!("libos arguments at {addr:#x} are not page aligned"));
    }
    let mut page = vec![0u8; 0x1000];
    dma.read(addr, &mut page)
        .map_err(|e| format!("libos arguments at {addr:#x}: {e}"))?;
    let mut out = Vec::new();
    for e in page.chunks(0x20) {
        let id = q(e, 0);
        if id == 0 {
            break;
        }
        out.push(Region {
            name: id8_name(id),
            pa: q(e, 8),
            size: q(e, 16),
            kind: e[24],
            loc: e[25],
        });
    }
    Ok(out)
}

/// The message queue arguments of `GSP_ARGUMENTS_CACHED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueArgs {
    /// sharedMemPhysAddr.
    pub shm: u64,
    /// pageTableEntryCount.
    pub ptes: u32,
    /// cmdQueueOffset.
    pub cmdq: u64,
    /// statQueueOffset.
    pub statq: u64,
}

/// Size of `GSP_ARGUMENTS_CACHED`.
pub const ARGS_SIZE: u64 = 0x48;

/// Finds "RMARGS" in `regions` and reads its queue arguments.
pub fn rm_args(dma: &DmaSpace, regions: &[Region]) -> Result<QueueArgs, String> {
    let r = regions.iter().find(|r| r.name == "RMARGS").ok_or_else(|| {
        let names: Vec<&str> = regions.iter().map(|r| r.name.as_str()).collect();
        format!(
            "no RMARGS region among the libos arguments ({})",
            names.join(", ")
        )
    })?;
    if r.size < ARGS_SIZE {
        return Err(format!(
            "RMARGS is {:#x} bytes, GSP_ARGUMENTS_CACHED needs {ARGS_SIZE:#x}",
            r.size
        ));
    }
    if r.kind != 1 || r.loc != 1 {
        return Err(format!(
            "RMARGS has kind {} loc {}, expected contiguous (1) sysmem (1)",
            r.kind, r.loc
        ));
    }
    let mut a = [0u8; ARGS_SIZE as usize];
    dma.read(r.pa, &mut a)
        .map_err(|e| format!("RMARGS at {:#x}: {e}", r.pa))?;
    Ok(QueueArgs {
        shm: q(&a, 0),
        ptes: u32::from_le_bytes([a[8], a[9], a[10], a[11]]),
        cmdq: q(&a, 0x10),
        statq: q(&a, 0x18),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id8_round_trip() {
        assert_eq!(id8_name(id8("RMARGS")), "RMARGS");
        assert_eq!(id8("LOGINIT") & 0xff, u64::from(b'T'));
    }
}
