//! The CPU sequencer script GSP-RM sends in GSP_RUN_CPU_SEQUENCER.
//!
//! Facts. The opcodes and their payloads (`GSP_SEQ_BUF_OPCODE_*`: REG_WRITE
//! addr, val; REG_MODIFY addr, mask, val; REG_POLL addr, mask, val,
//! timeout (µs, 0 = the driver's default), error; DELAY_US val; REG_STORE
//! addr, index (< 8, into `regSaveArea`); CORE_RESET, CORE_START,
//! CORE_WAIT_FOR_HALT, CORE_RESUME without payload) and what the CPU does
//! for the four core operations, all on the GSP falcon: reset it, start
//! its CPU (CPUCTL or CPUCTL_ALIAS STARTCPU), wait for CPUCTL.HALTED, and
//! for CORE_RESUME reset it, put the libos address into its mailboxes,
//! start SEC2 (SEC2-RTOS reloads GSP-RM) and check SEC2 MAILBOX0 (nova-core
//! `gsp/sequencer.rs`, nouveau `rm/r535/gsp.c` `r535_gsp_msg_run_cpu_
//! sequencer`, open-gpu-kernel-modules `kgspExecuteSequencerCommand_*`).
//! The sizes: the message real GSP-RM 570.144 sends is 0x820 bytes long on
//! a TU117 and 0x18e8 bytes on a GA104 (John Hubbard's nova-core logs,
//! GTX 1650, Turing v11 thread, March 2026, and RTX A4000, GSP boot merge,
//! November 2025; issue #18), headers included (0x30 element header, 0x20
//! RPC header, 0x28 of `rpc_run_cpu_sequencer_v17_00` before the command
//! buffer): 490 and 1564 command dwords. The GA104 one spans two queue
//! pages.
//!
//! What is nvsim's own: the commands themselves. Which registers GSP-RM
//! has the CPU touch is not public, so nvsim composes a script of the real
//! size out of every opcode, on registers it models harmlessly:
//!
//! 1. REG_STORE of the GSP and SEC2 mailboxes and interrupt routing into
//!    the 8 save slots;
//! 2. a handshake through `NV_PBUS_SW_SCRATCH(0x30)`: write, modify, poll
//!    for the result;
//! 3. CORE_RESET, then a small ucode ([`stub_code`]) written into the GSP
//!    falcon's IMEM through its PIO port (IMEMC/IMEMT/IMEMD(0)) and its data
//!    into DMEM (DMEMC/DMEMD(0)) (the data fills the script to its real
//!    size), BOOTVEC 0, [`STUB_TOKEN`] into MAILBOX0, CORE_START,
//!    CORE_WAIT_FOR_HALT, and a REG_POLL for the ucode's answer (MAILBOX0
//!    = 0): nvsim recognises that ucode while GSP-RM waits to be resumed
//!    and halts it with MAILBOX0 cleared (`mod.rs` [`super::SeqStub`]);
//! 4. DELAY_US, a REG_STORE of the scratch register, and CORE_RESUME,
//!    last as on real GPUs.
//!
//! Before it resumes, GSP-RM checks that the driver ran the script: the
//! scratch register holds the modified value and the ucode ran.

use super::rpc::seq::*;
use crate::chip::Arch;

/// The scratch register of the handshake (NV_PBUS_SW_SCRATCH(0x30)).
pub const SCRATCH: u32 = 0x0000_1400 + 4 * 0x30;
/// The value written into [`SCRATCH`].
pub const SCRATCH_WRITE: u32 = 0x05e9_0001;
/// The value [`SCRATCH`] holds once REG_MODIFY ran.
pub const SCRATCH_DONE: u32 = (SCRATCH_WRITE & !0xff00) | 0x0200;
/// MAILBOX0 before CORE_START; the ucode clears it.
pub const STUB_TOKEN: u32 = 0x5e9c_0de5;
/// Dwords of the ucode.
pub const STUB_WORDS: usize = 64;

const GSP: u32 = 0x0011_0000;
const SEC2: u32 = 0x0084_0000;
const MAILBOX0: u32 = 0x040;
const MAILBOX1: u32 = 0x044;
const IRQMASK: u32 = 0x018;
const IRQDEST: u32 = 0x01c;
const BOOTVEC: u32 = 0x104;
const IMEMC: u32 = 0x180;
const IMEMD: u32 = 0x184;
const IMEMT: u32 = 0x188;
const DMEMC: u32 = 0x1c0;
const DMEMD: u32 = 0x1c4;
/// IMEMC/DMEMC auto-increment after a write.
const AINCW: u32 = 1 << 24;

/// The ucode the script loads into the GSP falcon's IMEM (nvsim's own
/// bytes: nvsim does not execute falcon code, it recognises these).
pub fn stub_code() -> Vec<u32> {
    (0..STUB_WORDS as u32)
        .map(|i| 0x4e56_5351 ^ i.wrapping_mul(0x9e37_79b9))
        .collect()
}

/// [`stub_code`] as IMEM bytes.
pub fn stub_bytes() -> Vec<u8> {
    stub_code().iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// Command dwords of the real script of `arch` (see the module
/// documentation): Turing 490 (TU117), GA10x 1564 (GA104); Ada, Hopper
/// and Blackwell are not measured and take the GA10x size.
pub fn script_dwords(arch: Arch) -> usize {
    match arch {
        Arch::Turing => (0x820 - 0x50 - 0x28) / 4,
        _ => (0x18e8 - 0x50 - 0x28) / 4,
    }
}

/// One command: opcode and payload.
pub type Command = (u32, Vec<u32>);

fn words(cmds: &[Command]) -> usize {
    cmds.iter().map(|(_, a)| 1 + a.len()).sum()
}

/// The script for `arch`: exactly [`script_dwords`] dwords, CORE_RESUME
/// last.
pub fn script(arch: Arch) -> Vec<Command> {
    let target = script_dwords(arch);
    let w = |addr: u32, val: u32| (REG_WRITE, vec![addr, val]);
    let mut head: Vec<Command> = [
        GSP + MAILBOX0,
        GSP + MAILBOX1,
        GSP + IRQMASK,
        GSP + IRQDEST,
        SEC2 + MAILBOX0,
        SEC2 + MAILBOX1,
        SEC2 + IRQMASK,
        SEC2 + IRQDEST,
    ]
    .into_iter()
    .enumerate()
    .map(|(i, r)| (REG_STORE, vec![r, i as u32]))
    .collect();
    head.extend([
        w(SCRATCH, SCRATCH_WRITE),
        (REG_MODIFY, vec![SCRATCH, 0xff00, 0x0200]),
        (REG_POLL, vec![SCRATCH, 0xffff_ffff, SCRATCH_DONE, 1000, 0]),
        (CORE_RESET, vec![]),
        w(GSP + IMEMC, AINCW),
        w(GSP + IMEMT, 0),
    ]);
    head.extend(stub_code().into_iter().map(|v| w(GSP + IMEMD, v)));
    head.push(w(GSP + DMEMC, AINCW));
    let tail: Vec<Command> = vec![
        w(GSP + BOOTVEC, 0),
        w(GSP + MAILBOX0, STUB_TOKEN),
        (CORE_START, vec![]),
        (CORE_WAIT_FOR_HALT, vec![]),
        (REG_POLL, vec![GSP + MAILBOX0, 0xffff_ffff, 0, 2000, 0]),
        (DELAY_US, vec![10]),
        (REG_STORE, vec![SCRATCH, 0]),
        (CORE_RESUME, vec![]),
    ];
    let fixed = words(&head) + words(&tail);
    let rest = target.saturating_sub(fixed);
    // DMEM data words (3 dwords each) and one or two extra delays (2
    // dwords each) fill the script to its size.
    let delays = match rest % 3 {
        0 => 0,
        1 => 2,
        _ => 1,
    };
    let data = rest.saturating_sub(2 * delays) / 3;
    let mut s = head;
    s.extend((0..data as u32).map(|i| w(GSP + DMEMD, 0x4e56_0000 | i)));
    s.extend((0..delays).map(|_| (DELAY_US, vec![1])));
    s.extend(tail);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_have_the_real_sizes_and_every_opcode() {
        for (arch, dwords, len) in [(Arch::Turing, 490, 0x820), (Arch::Ampere, 1564, 0x18e8)] {
            let s = script(arch);
            assert_eq!(words(&s), dwords, "{arch:?}");
            assert_eq!(0x50 + 0x28 + 4 * words(&s), len, "{arch:?} message length");
            for op in 0..=8 {
                assert!(s.iter().any(|(o, _)| *o == op), "{arch:?}: opcode {op}");
            }
            assert_eq!(s.last().map(|c| c.0), Some(CORE_RESUME));
            assert_eq!(s.iter().filter(|c| c.0 == CORE_RESUME).count(), 1);
            for (op, a) in &s {
                let want = match *op {
                    REG_WRITE | REG_STORE => 2,
                    REG_MODIFY => 3,
                    REG_POLL => 5,
                    DELAY_US => 1,
                    _ => 0,
                };
                assert_eq!(a.len(), want, "{arch:?}: payload of opcode {op}");
                if *op == REG_STORE {
                    assert!(a[1] < 8, "save slot");
                }
            }
        }
    }
}
