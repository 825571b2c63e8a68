// SPDX-License-Identifier: GPL-2.0

//! Per-chipset facts the parsers need, keyed by the chipset's lowercase
//! name as used in firmware paths (`nvidia/<chip>/gsp/`).

/// GPU architecture of a GSP-era chipset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Arch {
    /// TU1xx.
    Turing,
    /// GA1xx.
    Ampere,
    /// AD10x.
    Ada,
    /// GH100.
    Hopper,
    /// GB1xx and GB2xx.
    Blackwell,
}

impl Arch {
    /// Human-readable name of the architecture.
    pub fn name(self) -> &'static str {
        match self {
            Self::Turing => "Turing",
            Self::Ampere => "Ampere",
            Self::Ada => "Ada",
            Self::Hopper => "Hopper",
            Self::Blackwell => "Blackwell",
        }
    }
}

/// One known chipset.
struct ChipInfo {
    /// Lowercase name, as in firmware paths.
    name: &'static str,
    /// Architecture.
    arch: Arch,
    /// Name of the GSP-RM ELF section holding this chipset's signatures.
    gsp_sig_section: &'static str,
    /// Whether the falcon HS images (booter) carry non-secure code loaded
    /// into IMEM before the secure code (Turing and GA100), rather than only
    /// a secure application (GA102 and later).
    hs_ns_code: bool,
}

/// The chipsets with a GSP, in order.
const CHIPS: &[ChipInfo] = &[
    chip("tu102", Arch::Turing, ".fwsignature_tu10x", true),
    chip("tu104", Arch::Turing, ".fwsignature_tu10x", true),
    chip("tu106", Arch::Turing, ".fwsignature_tu10x", true),
    chip("tu116", Arch::Turing, ".fwsignature_tu11x", true),
    chip("tu117", Arch::Turing, ".fwsignature_tu11x", true),
    chip("ga100", Arch::Ampere, ".fwsignature_ga100", true),
    chip("ga102", Arch::Ampere, ".fwsignature_ga10x", false),
    chip("ga103", Arch::Ampere, ".fwsignature_ga10x", false),
    chip("ga104", Arch::Ampere, ".fwsignature_ga10x", false),
    chip("ga106", Arch::Ampere, ".fwsignature_ga10x", false),
    chip("ga107", Arch::Ampere, ".fwsignature_ga10x", false),
    chip("ad102", Arch::Ada, ".fwsignature_ad10x", false),
    chip("ad103", Arch::Ada, ".fwsignature_ad10x", false),
    chip("ad104", Arch::Ada, ".fwsignature_ad10x", false),
    chip("ad106", Arch::Ada, ".fwsignature_ad10x", false),
    chip("ad107", Arch::Ada, ".fwsignature_ad10x", false),
    chip("gh100", Arch::Hopper, ".fwsignature_gh100", false),
    chip("gb100", Arch::Blackwell, ".fwsignature_gb10x", false),
    chip("gb102", Arch::Blackwell, ".fwsignature_gb10x", false),
    chip("gb202", Arch::Blackwell, ".fwsignature_gb20x", false),
    chip("gb203", Arch::Blackwell, ".fwsignature_gb20x", false),
    chip("gb205", Arch::Blackwell, ".fwsignature_gb20x", false),
    chip("gb206", Arch::Blackwell, ".fwsignature_gb20x", false),
    chip("gb207", Arch::Blackwell, ".fwsignature_gb20x", false),
];

/// Builds a table entry.
const fn chip(name: &'static str, arch: Arch, sig: &'static str, ns: bool) -> ChipInfo {
    ChipInfo {
        name,
        arch,
        gsp_sig_section: sig,
        hs_ns_code: ns,
    }
}

/// Looks a chipset up by name.
fn info(name: &str) -> Option<&'static ChipInfo> {
    CHIPS.iter().find(|c| c.name == name)
}

/// Whether `name` is a known GSP-era chipset.
pub fn is_known(name: &str) -> bool {
    info(name).is_some()
}

/// The names of all known chipsets, oldest first.
pub fn names() -> impl Iterator<Item = &'static str> {
    CHIPS.iter().map(|c| c.name)
}

/// Architecture of chipset `name`.
pub fn arch(name: &str) -> Option<Arch> {
    info(name).map(|c| c.arch)
}

/// Name of the `.fwsignature_*` section of the GSP-RM ELF image that holds
/// the signatures for chipset `name`, e.g. `.fwsignature_ga10x` for `ga104`.
pub fn gsp_sig_section(name: &str) -> Option<&'static str> {
    info(name).map(|c| c.gsp_sig_section)
}

/// Whether chipset `name` loads the non-secure code of falcon HS images
/// (Turing and GA100); see [`super::hs::HsImage::falcon_load`].
pub fn hs_ns_code(name: &str) -> Option<bool> {
    info(name).map(|c| c.hs_ns_code)
}
