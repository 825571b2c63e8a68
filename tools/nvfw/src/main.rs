//! `nvfw`: inspect NVIDIA GSP-era firmware files and VBIOS images with the
//! same parsers nova.ko uses.
//!
//! ```text
//! nvfw info [--json] [--chip CHIP] FILE
//! nvfw vbios [--json] FILE
//! nvfw tlv [--json] [--chip CHIP] [--version VER] CHIP_DIR OUT_DIR
//! ```

mod info;
mod report;
mod tlv;
mod vbios;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: nvfw info [--json] [--chip CHIP] FILE
       nvfw vbios [--json] FILE
       nvfw tlv [--json] [--chip CHIP] [--version VER] CHIP_DIR OUT_DIR

info   what a firmware file (gsp, bootloader, booter_*, scrubber,
       gen_bootloader, fmc) is: kind, chip, version, sections, sizes,
       signatures and load layout; the chip is taken from a
       .../<chip>/gsp/ path unless --chip is given
vbios  the images, BIT tokens, falcon ucode table and FWSEC descriptor
       of a VBIOS image
tlv    repackage a chip's <name>-VER.bin files (CHIP_DIR, e.g.
       /usr/lib/firmware/nvidia/ga102/gsp; VER defaults to 570.144)
       into the TLV files upstream nova-core loads, written to OUT_DIR
--json machine-readable output";

/// Parsed command line.
struct Args {
    cmd: String,
    json: bool,
    chip: Option<String>,
    version: Option<String>,
    file: PathBuf,
    /// Output directory (`tlv`).
    out: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut cmd = None;
    let mut json = false;
    let mut chip = None;
    let mut version = None;
    let mut file = None;
    let mut out = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--json" => json = true,
            "--chip" => chip = Some(args.next().ok_or("--chip needs a value")?),
            "--version" => version = Some(args.next().ok_or("--version needs a value")?),
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            _ if cmd.is_none() => cmd = Some(a),
            _ if file.is_none() => file = Some(PathBuf::from(a)),
            _ if out.is_none() && cmd.as_deref() == Some("tlv") => out = Some(PathBuf::from(a)),
            _ => return Err("too many arguments".to_string()),
        }
    }
    let cmd = cmd.ok_or("missing command")?;
    if !["info", "vbios", "tlv"].contains(&cmd.as_str()) {
        return Err(format!("unknown command {cmd}"));
    }
    if cmd == "tlv" {
        if out.is_none() {
            return Err("usage: nvfw tlv CHIP_DIR OUT_DIR".to_string());
        }
    } else if version.is_some() {
        return Err("--version is only for tlv".to_string());
    }
    let file = file.ok_or("missing FILE")?;
    if let Some(c) = &chip {
        if !fwparse::chip::is_known(c) {
            return Err(format!("unknown chip {c}"));
        }
    }
    Ok(Args {
        cmd,
        json,
        chip,
        version,
        file,
        out,
    })
}

fn run(args: &Args) -> Result<report::Obj, String> {
    if let (Some(out), "tlv") = (&args.out, args.cmd.as_str()) {
        return tlv::tlv(
            &args.file,
            out,
            args.chip.as_deref(),
            args.version.as_deref(),
        );
    }
    let data = std::fs::read(&args.file).map_err(|e| e.to_string())?;
    let chip = args
        .chip
        .clone()
        .or_else(|| info::chip_from_path(&args.file));
    match args.cmd.as_str() {
        "vbios" => vbios::vbios(&args.file, &data),
        _ => info::info(&args.file, chip.as_deref(), &data),
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("nvfw: {e}\n{USAGE}");
            return ExitCode::from(1);
        }
    };
    match run(&args) {
        Ok(r) => {
            let out = if args.json {
                report::json(&r)
            } else {
                report::text(&r)
            };
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("nvfw: {}: {e}", args.file.display());
            ExitCode::from(1)
        }
    }
}
