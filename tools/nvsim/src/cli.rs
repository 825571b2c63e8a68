//! Command line parsing.

use std::path::PathBuf;

use crate::chip::{Chip, CHIPS, DEFAULT_CHIP};
use crate::fault::Fault;
use crate::regs::local_memory_range;
use crate::timing::Timing;

/// Usage text.
pub const USAGE: &str = "\
usage: nvsim [--chip NAME] --socket PATH [--vram SIZE] [--fb-reserved SIZE]
             [--firmware DIR] [--trace] [--timing fast|real] [--delay STEP=TIME]...
             [--fault KIND[:always]]... [--fault-boots N] [--mmu-audit on|off]
       nvsim [--chip NAME] --dump-vbios FILE
       nvsim [--chip NAME] [--vram SIZE] [--fb-reserved SIZE] --describe
       nvsim --describe-all
       nvsim --dump-log-section FILE

Simulates a GSP-era NVIDIA GPU as a vfio-user device for QEMU:
  -device '{\"driver\":\"vfio-user-pci\",\"socket\":{\"type\":\"unix\",\"path\":\"PATH\"}}'

options:
  --chip NAME         one of the 24 GSP-era chips, tu102 ... gb207
                      (--describe-all lists them; default ga102)
  --socket PATH       vfio-user socket to create (must not exist)
  --vram SIZE         VRAM size, e.g. 8G, 24G, 11264M (default: the board's)
  --fb-reserved SIZE  VRAM at the top outside the usable framebuffer, e.g.
                      8M, 0 (default: the chip's; GA10x/AD10x 8M)
  --firmware DIR      firmware files the falcon models recognise
                      (default /usr/lib/firmware)
  --trace             log every register and DMA access to stderr
  --timing PROFILE    how long each boot step takes: fast (default: at
                      once) or real (close to real hardware)
  --delay STEP=TIME   one step's duration (after --timing), e.g.
                      booter-load=5ms, rpc=50us; STEP is one of fsp-cot,
                      fmc-boot (Hopper, Blackwell), fwsec-frts, fwsec-sb,
                      booter-load, booter-unload, gsp-init, gsp-resume,
                      rpc, gsp-unload, engine (each GPFIFO entry of a
                      channel, on the engine thread)
  --fault KIND        inject a fault into the first GSP boot (KIND:always:
                      every boot); KIND is one of
                        gsp-inactive   booter_load succeeds, the GSP RISC-V
                                       core never becomes active
                        no-init-done   GSP-RM never sends GSP_INIT_DONE
                        bad-reply      the GET_GSP_STATIC_INFO reply is
                                       truncated to 0x100 bytes
                        bad-checksum   GSP-RM's first message of the boot
                                       has a wrong checksum
                        mmu-fault      every copy-engine transfer faults on
                                       its destination (RC_TRIGGERED)
                        ce-hang        the copy engine never completes a
                                       LAUNCH_DMA (the channel waits)
                        fsp-no-boot    (Hopper, Blackwell) the FSP never
                                       completes its secure boot: its
                                       boot-complete scratch reads 0, not
                                       0xff, for 10 s from the first read
                                       (a driver's 5 s poll gives up, a
                                       later bind finds it done); with
                                       :always for ever
                        cot-reject     (Hopper, Blackwell) the FSP refuses
                                       the COT (errorCode 0xf5a001), GSP-RM
                                       is not started
                        fmc-hang       (Hopper, Blackwell) the FSP accepts
                                       the COT but the FMC never starts
                                       GSP-RM: the GSP lockdown is never
                                       released, RISC-V never active
                        remove-at=STEP the device disappears (BAR reads all
                                       ones, DMA stops) at STEP: fwsec,
                                       booter-load, init-done, static-info,
                                       doorbell
                      may be given several times
  --fault-boots N     faults without :always apply to the first N GSP boots
                      (default 1; a boot is counted when booter_load starts
                      GSP-RM, or when the FSP receives a COT)
  --mmu-audit on|off  at each TLB invalidation, walk the page tables of the
                      VA spaces registered with SET_PAGE_DIRECTORY whose
                      root was invalidated and log one summary line each
                      (\"mmu audit: ...\") and a line per bad entry
                      (\"mmu audit error: ...\") (default on)
  --bar1-mmap         offer BAR1 to the client as an mmap of VRAM (guest CPU
                      accesses at memory speed, not traced; physical mode
                      only: GSP-RM then leaves BAR1 physical instead of
                      switching it to virtual mode, and logs it; a driver's
                      switch to virtual mode is logged, not applied to the
                      mapping)
  --describe          print what the device is (IDs, chipset, board, VRAM,
                      boot flow...) as one line of JSON and exit
  --describe-all      the same for every chip nvsim simulates, a line each
  --dump-vbios FILE   write the chip's VBIOS image to FILE and exit
  --dump-log-section FILE
                      write the .logging section GSP-RM's log entries point
                      into (its metadata and strings, to be loaded at
                      0x7f0000000000) to FILE and exit
  --help              this text";

/// What the command line asks for.
#[derive(Debug, Clone)]
pub struct Options {
    /// The chip to simulate.
    pub chip: &'static Chip,
    /// Socket path to listen on.
    pub socket: Option<PathBuf>,
    /// VRAM size in bytes.
    pub vram: u64,
    /// Per-access trace.
    pub trace: bool,
    /// Write the VBIOS here and exit.
    pub dump_vbios: Option<PathBuf>,
    /// Write GSP-RM's logging section here and exit.
    pub dump_log_section: Option<PathBuf>,
    /// Print the device's description and exit.
    pub describe: bool,
    /// Firmware directory (`nvidia/<chip>/gsp/...` below it).
    pub firmware: PathBuf,
    /// Fault injection.
    pub faults: Vec<Fault>,
    /// Boots the faults without `:always` apply to.
    pub fault_boots: u32,
    /// VRAM at the top outside the usable framebuffer.
    pub fb_reserved: u64,
    /// How long each step takes.
    pub timing: Timing,
    /// Offer BAR1 as an mmap of VRAM.
    pub bar1_mmap: bool,
    /// The MMU audit at each TLB invalidation.
    pub mmu_audit: bool,
}

/// Outcome of parsing.
#[derive(Debug)]
pub enum Parsed {
    /// Run with these options.
    Run(Box<Options>),
    /// Print the usage and exit successfully.
    Help,
    /// Print every chip's description and exit.
    DescribeAll,
}

/// Parses a size such as `8G`, `512M`, `1T` or a byte count.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (digits, shift) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let shift = match c.to_ascii_uppercase() {
                'K' => 10,
                'M' => 20,
                'G' => 30,
                'T' => 40,
                _ => return Err(format!("unknown size suffix in {s:?}")),
            };
            (&s[..i], shift)
        }
        _ => (s, 0),
    };
    let n: u64 = digits.parse().map_err(|_| format!("not a size: {s:?}"))?;
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("size too large: {s:?}"))
}

/// Checks that `vram` bytes can be simulated and reported.
fn check_vram(vram: u64) -> Result<(), String> {
    const MIB: u64 = 1 << 20;
    if vram < 64 * MIB {
        return Err("--vram: at least 64M".into());
    }
    if !vram.is_multiple_of(MIB) || local_memory_range(vram / MIB).is_none() {
        return Err(format!(
            "--vram: {} MiB is not representable as mag << scale MiB (mag < 64)",
            vram / MIB
        ));
    }
    if vram / MIB > u64::from(u32::MAX) {
        return Err("--vram: too large".into());
    }
    Ok(())
}

/// Parses the arguments (without the program name).
pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Parsed, String> {
    let mut chip = None;
    let mut socket = None;
    let mut vram = None;
    let mut trace = false;
    let mut dump = None;
    let mut dump_log = None;
    let mut describe = false;
    let mut firmware = PathBuf::from(crate::device::DEFAULT_FIRMWARE_DIR);
    let mut faults = Vec::new();
    let mut fault_boots = 1;
    let mut bar1_mmap = false;
    let mut mmu_audit = true;
    let mut fb_reserved = None;
    let mut timing = Timing::fast();
    let mut delays = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (key, inline) = match arg.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match key.as_str() {
            "--chip" => {
                let v = value("--chip")?;
                chip = Some(Chip::by_name(&v).ok_or_else(|| {
                    let names: Vec<&str> = CHIPS.iter().map(|c| c.name).collect();
                    format!("unknown chip {v:?} (known: {})", names.join(", "))
                })?);
            }
            "--socket" => socket = Some(PathBuf::from(value("--socket")?)),
            "--vram" => vram = Some(parse_size(&value("--vram")?)?),
            "--fb-reserved" => fb_reserved = Some(parse_size(&value("--fb-reserved")?)?),
            "--timing" => timing = Timing::profile(&value("--timing")?)?,
            "--delay" => delays.push(value("--delay")?),
            "--dump-vbios" => dump = Some(PathBuf::from(value("--dump-vbios")?)),
            "--dump-log-section" => {
                dump_log = Some(PathBuf::from(value("--dump-log-section")?));
            }
            "--firmware" => firmware = PathBuf::from(value("--firmware")?),
            "--trace" => trace = true,
            "--describe" => describe = true,
            "--describe-all" => return Ok(Parsed::DescribeAll),
            "--bar1-mmap" => bar1_mmap = true,
            "--mmu-audit" => {
                mmu_audit = match value("--mmu-audit")?.as_str() {
                    "on" => true,
                    "off" => false,
                    v => return Err(format!("--mmu-audit: on or off, not {v:?}")),
                };
            }
            "--fault" => faults.push(Fault::parse(&value("--fault")?)?),
            "--fault-boots" => {
                let v = value("--fault-boots")?;
                fault_boots = v
                    .parse()
                    .map_err(|_| format!("--fault-boots: not a number: {v:?}"))?;
            }
            "--help" | "-h" => return Ok(Parsed::Help),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let chip = match chip {
        Some(c) => c,
        None => Chip::by_name(DEFAULT_CHIP).ok_or("no default chip")?,
    };
    let vram = vram.unwrap_or(chip.vram);
    check_vram(vram)?;
    for d in &delays {
        timing.apply(d)?;
    }
    let fb_reserved = fb_reserved.unwrap_or(chip.default_fb_reserved(vram));
    if !fb_reserved.is_multiple_of(1 << 20) || fb_reserved.saturating_mul(2) >= vram {
        return Err(format!(
            "--fb-reserved: {fb_reserved:#x} must be whole MiB and under half the VRAM"
        ));
    }
    if socket.is_none() && dump.is_none() && dump_log.is_none() && !describe {
        return Err("--socket PATH is required".into());
    }
    Ok(Parsed::Run(Box::new(Options {
        chip,
        socket,
        vram,
        trace,
        dump_vbios: dump,
        dump_log_section: dump_log,
        describe,
        firmware,
        faults,
        fault_boots,
        fb_reserved,
        timing,
        bar1_mmap,
        mmu_audit,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("8G"), Ok(8 << 30));
        assert_eq!(parse_size("11264m"), Ok(11264 << 20));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("8X").is_err());
        assert!(parse_size("G").is_err());
        assert!(parse_size("99999999999T").is_err());
    }

    #[test]
    fn defaults_and_overrides() {
        let Ok(Parsed::Run(o)) = parse(args("--socket /tmp/s")) else {
            panic!("parse failed");
        };
        assert_eq!(o.chip.name, "ga102");
        assert_eq!(o.vram, 24 << 30);
        assert!(!o.trace);
        let Ok(Parsed::Run(o)) = parse(args("--chip=TU102 --socket /s --vram 8G --trace")) else {
            panic!("parse failed");
        };
        assert_eq!((o.chip.name, o.vram, o.trace), ("tu102", 8 << 30, true));
        let Ok(Parsed::Run(o)) = parse(args(
            "--socket /s --fault bad-reply --fault=remove-at=fwsec:always --fault-boots 3",
        )) else {
            panic!("parse failed");
        };
        assert_eq!((o.faults.len(), o.fault_boots), (2, 3));
        assert!(o.faults[1].always);
        assert!(o.timing.is_fast());
        assert!(o.mmu_audit, "the MMU audit is on by default");
        assert_eq!(o.fb_reserved, 8 << 20, "GA102's reserved top");
        let Ok(Parsed::Run(o)) = parse(args(
            "--socket /s --timing real --delay booter-load=1ms --fb-reserved 0",
        )) else {
            panic!("parse failed");
        };
        use crate::timing::Step;
        assert_eq!(
            o.timing.get(Step::BooterLoad),
            std::time::Duration::from_millis(1)
        );
        assert_eq!(
            o.timing.get(Step::GspResume),
            Timing::real().get(Step::GspResume)
        );
        assert_eq!(o.fb_reserved, 0);
        let Ok(Parsed::Run(o)) = parse(args("--socket /s --mmu-audit off")) else {
            panic!("parse failed");
        };
        assert!(!o.mmu_audit);
    }

    #[test]
    fn errors() {
        assert!(parse(args("")).is_err(), "socket required");
        assert!(parse(args("--chip nv50 --socket /s")).is_err());
        assert!(
            parse(args("--socket /s --vram 1000M")).is_err(),
            "1000 = 125 << 3: mag too big"
        );
        assert!(parse(args("--socket /s --vram 32M")).is_err());
        assert!(parse(args("--socket")).is_err());
        assert!(parse(args("--frobnicate")).is_err());
        assert!(matches!(parse(args("--help")), Ok(Parsed::Help)));
        assert!(parse(args("--socket /s --fault nonsense")).is_err());
        assert!(parse(args("--socket /s --fault-boots x")).is_err());
        assert!(parse(args("--socket /s --timing slow")).is_err());
        assert!(parse(args("--socket /s --delay rpc")).is_err());
        assert!(parse(args("--socket /s --fb-reserved 100K")).is_err());
        assert!(parse(args("--socket /s --mmu-audit maybe")).is_err());
        assert!(parse(args("--socket /s --vram 64M --fb-reserved 32M")).is_err());
        assert!(matches!(
            parse(args("--dump-vbios /tmp/x")),
            Ok(Parsed::Run(_))
        ));
        assert!(matches!(
            parse(args("--dump-log-section /tmp/x")),
            Ok(Parsed::Run(o)) if o.dump_log_section.is_some()
        ));
    }
}
