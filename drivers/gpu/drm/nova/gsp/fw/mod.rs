// SPDX-License-Identifier: GPL-2.0

//! The structures nova exchanges with GSP-RM, for the firmware version it
//! loads.
//!
//! GSP-RM has no stable interface: the layout of its RPCs, of its boot
//! arguments and of the replies it sends changes from one firmware release
//! to the next. Each supported release therefore has its own module here,
//! named after the version (`r570_144` for 570.144), which declares every
//! structure of that release that nova reads or writes as a `#[repr(C)]`
//! type implementing [`FromBytes`](kernel::transmute::FromBytes) and
//! [`AsBytes`](kernel::transmute::AsBytes), with its size and the offsets
//! of the fields that matter checked at compile time against the facts of
//! that release.
//!
//! Supporting a new firmware version means adding a new module beside
//! `r570_144` and pointing the re-export below at it (or choosing between
//! them where both are to be supported); the command code uses the types
//! through this module only, fills in their fields and never computes byte
//! offsets itself.
//!
//! All these structures are little-endian, as GSP-RM is; nova is built for
//! little-endian CPUs only, which the assertion below records.

/// Declares a firmware structure and implements
/// [`FromBytes`](kernel::transmute::FromBytes) and
/// [`AsBytes`](kernel::transmute::AsBytes) for it.
///
/// The structure is `#[repr(C)]`; the macro checks at compile time that
/// every field is `FromBytes` and `AsBytes` and that the sizes of the fields
/// add up to the size of the structure, that is that the padding a C
/// compiler inserts is declared as explicit fields and no byte of a value is
/// left uninitialised.
macro_rules! fw_struct {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $fvis:vis $field:ident: $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[repr(C)]
        $vis struct $name {
            $(
                $(#[$fmeta])*
                $fvis $field: $ty,
            )*
        }

        const _: () = {
            const fn transmutable<T>()
            where
                T: ::kernel::transmute::FromBytes + ::kernel::transmute::AsBytes,
            {
            }
            $(transmutable::<$ty>();)*
            assert!(
                ::core::mem::size_of::<$name>() == 0 $(+ ::core::mem::size_of::<$ty>())*,
                concat!("`", stringify!($name), "` has implicit padding"),
            );
        };

        // SAFETY: The structure is `repr(C)` and every field is `FromBytes`
        // (checked above), so any bit pattern is a valid value; no field has
        // interior mutability.
        unsafe impl ::kernel::transmute::FromBytes for $name {}

        // SAFETY: Every field is `AsBytes` and the field sizes add up to the
        // size of the structure (checked above), so it has no padding and
        // every byte of a value is initialised; no field has interior
        // mutability.
        unsafe impl ::kernel::transmute::AsBytes for $name {}
    };
}

mod r570_144;

pub(crate) use r570_144::*;

const _: () = assert!(
    cfg!(target_endian = "little"),
    "the GSP-RM structures are declared in the CPU's byte order"
);
