// SPDX-License-Identifier: GPL-2.0

//! Hardware abstraction: what differs between GPU generations.
//!
//! Each generation that boots GSP-RM differently has one implementation of
//! [`Hal`]; the chip table ([`crate::chip::CHIPS`]) points every chip at its
//! implementation, so code elsewhere never matches on chip or architecture.

/// How a generation brings GSP-RM up.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum BootMethod {
    /// SEC2 runs booter, loaded through the generic falcon bootloader
    /// (Turing, GA100).
    GenericBootloader,
    /// The GSP falcon runs FWSEC-FRTS from the VBIOS, then SEC2 runs booter
    /// (GA10x, Ada).
    FwsecBooter,
    /// The FSP boots the GSP through the FMC image (Hopper, Blackwell).
    Fsp,
}

/// Generation-specific behaviour of a GPU.
pub(crate) trait Hal: Sync {
    /// How GSP-RM is booted.
    fn boot_method(&self) -> BootMethod;

    /// Short name of the generation's flow, for logs.
    fn name(&self) -> &'static str;
}

/// Turing and GA100.
pub(crate) struct Tu1xx;

impl Hal for Tu1xx {
    fn boot_method(&self) -> BootMethod {
        BootMethod::GenericBootloader
    }

    fn name(&self) -> &'static str {
        "tu1xx"
    }
}

/// GA10x (but GA100) and Ada.
pub(crate) struct Ga10x;

impl Hal for Ga10x {
    fn boot_method(&self) -> BootMethod {
        BootMethod::FwsecBooter
    }

    fn name(&self) -> &'static str {
        "ga10x"
    }
}

/// Hopper and Blackwell.
pub(crate) struct Gh100;

impl Hal for Gh100 {
    fn boot_method(&self) -> BootMethod {
        BootMethod::Fsp
    }

    fn name(&self) -> &'static str {
        "gh100"
    }
}

/// The Turing/GA100 HAL.
pub(crate) static TU1XX: Tu1xx = Tu1xx;
/// The GA10x/Ada HAL.
pub(crate) static GA10X: Ga10x = Ga10x;
/// The Hopper/Blackwell HAL.
pub(crate) static GH100: Gh100 = Gh100;
