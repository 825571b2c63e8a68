//! `nvsim --describe`: what a simulated device is, as JSON, for the tests
//! that check what a driver reports of it (`scripts/guest.sh`,
//! `igt-tests/`). The values come from the chip table ([`crate::chip`])
//! and the configured VRAM, so the tests never keep a copy of them.

use std::fmt::Write;

use crate::chip::{Chip, CHIPS};

/// The device `chip` with `vram` bytes of VRAM, `fb_reserved` of them at
/// the top outside the usable framebuffer, as one JSON object on one line.
///
/// Keys: `chip` (nvsim's name, also the firmware directory), `board`,
/// `gpu_name` (the name GSP-RM reports), `arch`, `chipset`, `device_id`,
/// `subsystem` (vendor:device), `class_code`, `revision` (PCI revision ID),
/// `vram` and `usable_vram` (bytes), `bar1_size` (the BAR nvsim exposes),
/// `display`, `boot` (the GSP-RM boot flow: `turing`, `ga100`, `ga10x`,
/// `fsp`), `firmware` (directory under `nvidia/`), `gpcs`, `tpcs`.
/// Numbers that are register or ID values are hexadecimal strings.
pub fn json(chip: &Chip, vram: u64, fb_reserved: u64) -> String {
    let mut s = String::from("{");
    let mut sep = "";
    let mut field = |key: &str, value: String| {
        let _ = write!(s, "{sep}\"{key}\":{value}");
        sep = ",";
    };
    field("chip", string(chip.name));
    field("board", string(chip.board));
    field("gpu_name", string(&format!("NVIDIA {}", chip.board)));
    field("arch", string(chip.arch.name()));
    field("chipset", string(&format!("{:#x}", chip.chipset())));
    field("device_id", string(&format!("{:#06x}", chip.device_id)));
    field(
        "subsystem",
        string(&format!(
            "{:04x}:{:04x}",
            chip.subsystem_vendor_id, chip.subsystem_id
        )),
    );
    field("class_code", string(&format!("{:#08x}", chip.class_code)));
    field("revision", string(&format!("{:#04x}", chip.revision_id())));
    field("vram", vram.to_string());
    field("usable_vram", vram.saturating_sub(fb_reserved).to_string());
    field("bar1_size", chip.bar1_size.to_string());
    field("display", chip.display.to_string());
    field("boot", string(chip.flow.name()));
    field("firmware", string(chip.name));
    field("gpcs", chip.gr.gpcs.to_string());
    field("tpcs", chip.gr.tpcs.to_string());
    s.push('}');
    s
}

/// Every chip with its board's VRAM, one JSON object a line, in table
/// order.
pub fn all() -> String {
    CHIPS
        .iter()
        .map(|c| json(c, c.vram, c.default_fb_reserved(c.vram)) + "\n")
        .collect()
}

/// `s` as a JSON string.
fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ga102_as_the_tests_read_it() {
        let Some(c) = Chip::by_name("ga102") else {
            panic!("no ga102");
        };
        let j = json(c, 24 << 30, 8 << 20);
        for part in [
            "\"chip\":\"ga102\"",
            "\"gpu_name\":\"NVIDIA GeForce RTX 3090\"",
            "\"chipset\":\"0x172\"",
            "\"device_id\":\"0x2204\"",
            "\"subsystem\":\"10de:147d\"",
            "\"class_code\":\"0x030000\"",
            "\"revision\":\"0xa1\"",
            "\"vram\":25769803776",
            "\"usable_vram\":25761415168",
            "\"bar1_size\":268435456",
            "\"boot\":\"ga10x\"",
        ] {
            assert!(j.contains(part), "{part} not in {j}");
        }
        assert!(j.starts_with('{') && j.ends_with('}'));
    }

    #[test]
    fn one_line_per_chip_and_strings_escaped() {
        assert_eq!(all().lines().count(), CHIPS.len());
        assert_eq!(string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }
}
