//! The VBIOS parser on hand-built images (see `fwparse::testimg`) and on
//! corrupted copies of them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use fwparse::fwsec::{UcodeDesc, APPID_FWSEC_PROD};
use fwparse::testimg::{self, build_vbios, SynthVbios, VbiosSpec};
use fwparse::vbios::{
    self, Vbios, BIT_TOKEN_FALCON_DATA, CODE_TYPE_EFI, CODE_TYPE_FWSEC, CODE_TYPE_PCI_AT,
};
use fwparse::ParseError;

fn put16(d: &mut [u8], at: usize, v: u16) {
    d[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

fn put32(d: &mut [u8], at: usize, v: u32) {
    d[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// Walks the whole VBIOS down to the DMEM mapper.
fn full(data: &[u8]) -> Result<(), ParseError> {
    let v = Vbios::parse(data)?;
    let f = v.find_fwsec()?;
    f.dmem_mapper()?;
    for i in 0..f.desc.signature_count() {
        f.signature(i)?;
    }
    Ok(())
}

fn corrupt(s: &SynthVbios, change: impl FnOnce(&mut Vec<u8>)) -> ParseError {
    let mut d = s.bytes.clone();
    change(&mut d);
    full(&d).expect_err("corrupted VBIOS parsed")
}

#[test]
fn default_image_chain_and_fwsec() {
    let s = build_vbios(&VbiosSpec::default());
    let v = Vbios::parse(&s.bytes).unwrap();
    assert_eq!(v.rom_offset, 0);
    assert_eq!(v.image_count, 4);
    let images: Vec<_> = v.images().map(|i| i.unwrap()).collect();
    let types: Vec<_> = images.iter().map(|i| i.code_type()).collect();
    assert_eq!(
        types,
        [
            CODE_TYPE_PCI_AT,
            CODE_TYPE_EFI,
            CODE_TYPE_FWSEC,
            CODE_TYPE_FWSEC
        ]
    );
    let offsets: Vec<_> = images.iter().map(|i| i.offset).collect();
    assert_eq!(offsets, s.image_offsets);
    assert_eq!(images[0].size(), 1024);
    assert_eq!(images[0].pcir.vendor_id, 0x10de);
    assert_eq!(images[0].pcir.device_id, testimg::DEVICE_ID);
    // The NPDE's last-image flag wins over the PCIR's.
    assert!(images.iter().all(|i| i.npde.is_some()));
    assert_eq!(
        images.iter().map(|i| i.is_last()).collect::<Vec<_>>(),
        [false, false, false, true]
    );

    let bit = v.bit().unwrap();
    assert_eq!(bit.offset, 0x100);
    assert_eq!(bit.header.token_count, 3);
    let t = bit.token(BIT_TOKEN_FALCON_DATA).unwrap();
    assert_eq!((t.data_version, t.data_size, t.data_offset), (2, 4, 0x180));
    assert_eq!(
        bit.token(b'Z'),
        Err(ParseError::NotFound { what: "BIT token" })
    );

    let (start, section) = v.fwsec_section().unwrap();
    assert_eq!(start, s.fwsec_start);
    assert_eq!(start + section.len(), s.bytes.len());

    let f = v.find_fwsec().unwrap();
    assert_eq!(f.table_offset, s.table_offset - s.fwsec_start);
    assert_eq!(f.desc_offset, s.desc_offset - s.fwsec_start);
    assert_eq!(f.entry.application_id, APPID_FWSEC_PROD);
    assert_eq!(f.table.entry_count, 2);
    let UcodeDesc::V3(d) = f.desc else {
        panic!("v3 expected")
    };
    assert_eq!(
        (d.signature_count, d.ucode_id, d.engine_id_mask),
        (2, 9, 0x400)
    );
    assert_eq!(f.desc.size(), 44 + 2 * 384);
    assert_eq!(f.signature(1).unwrap(), &[0xa1; 384][..]);
    assert!(f.signature(2).is_err());
    assert_eq!(
        f.ucode.len() as u32,
        testimg::IMEM_SIZE + testimg::DMEM_SIZE
    );
    assert_eq!(f.ucode.as_ptr(), s.bytes[s.ucode_offset..].as_ptr());
    let m = f.dmem_mapper().unwrap();
    assert_eq!(m.ucode_offset, testimg::IMEM_SIZE + testimg::MAPPER_OFFSET);
    assert_eq!(&m.signature.to_le_bytes(), b"DMAP");
    assert_eq!(
        (m.init_cmd, m.cmd_in_buffer_offset, m.cmd_in_buffer_size),
        (0x15, 0x180, 0x40)
    );
}

#[test]
fn variants() {
    for spec in [
        VbiosSpec {
            desc_version: 2,
            ..Default::default()
        },
        VbiosSpec {
            efi: false,
            npde: false,
            ..Default::default()
        },
        VbiosSpec {
            signatures: 0,
            ..Default::default()
        },
        VbiosSpec {
            ifr: Some(1),
            ..Default::default()
        },
        VbiosSpec {
            ifr: Some(3),
            desc_version: 2,
            ..Default::default()
        },
    ] {
        let s = build_vbios(&spec);
        full(&s.bytes).unwrap_or_else(|e| panic!("{spec:?}: {e}"));
        let v = Vbios::parse(&s.bytes).unwrap();
        assert_eq!(v.rom_offset, s.image_offsets[0], "{spec:?}");
        let f = v.find_fwsec().unwrap();
        assert_eq!(f.desc.version(), spec.desc_version);
        assert_eq!(f.dmem_mapper().unwrap().init_cmd, 0x15);
        if !spec.npde {
            assert!(v.images().all(|i| i.unwrap().npde.is_none()));
        }
    }
}

#[test]
fn truncated_everywhere() {
    for spec in [
        VbiosSpec::default(),
        VbiosSpec {
            ifr: Some(3),
            ..Default::default()
        },
    ] {
        let s = build_vbios(&spec);
        for len in 0..s.bytes.len() {
            let e = full(&s.bytes[..len]).expect_err("truncated VBIOS parsed");
            assert!(!e.to_string().is_empty());
        }
    }
}

#[test]
fn bad_headers() {
    let s = build_vbios(&VbiosSpec::default());
    let pcir = 0x40;
    let fw2 = s.image_offsets[3];

    let e = corrupt(&s, |d| d[0] = 0);
    assert_eq!(
        e,
        ParseError::BadMagic {
            what: "ROM image signature"
        }
    );
    let e = corrupt(&s, |d| d[fw2 + pcir] = b'X');
    assert_eq!(
        e,
        ParseError::BadMagic {
            what: "PCI data structure"
        }
    );
    let e = corrupt(&s, |d| put16(d, 0x18, 0xfff0));
    assert!(
        matches!(
            e,
            ParseError::Truncated {
                what: "PCI data structure",
                ..
            }
        ),
        "{e:?}"
    );
    let e = corrupt(&s, |d| put16(d, pcir + 0x10, 0));
    assert_eq!(
        e,
        ParseError::Invalid {
            what: "PCIR image length",
            value: 0
        }
    );
    // An NPDE claiming a huge image.
    let e = corrupt(&s, |d| put16(d, fw2 + 0x68, 0xffff));
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "ROM image",
                ..
            }
        ),
        "{e:?}"
    );
    // No last-image flag anywhere.
    let e = corrupt(&s, |d| d[fw2 + 0x6a] = 0);
    assert!(matches!(e, ParseError::NotFound { .. }), "{e:?}");
    // IFR header with an unknown version.
    let e = corrupt(&s, |d| {
        d[..4].copy_from_slice(b"NVGI");
        put32(d, 4, 7 << 8);
    });
    assert_eq!(
        e,
        ParseError::Unsupported {
            what: "IFR header version",
            value: 7
        }
    );
}

#[test]
fn bad_bit_and_falcon_data() {
    let s = build_vbios(&VbiosSpec::default());
    let bit = s.bit_offset;

    let e = corrupt(&s, |d| d[bit + 2] = b'b');
    assert_eq!(e, ParseError::NotFound { what: "BIT header" });
    let e = corrupt(&s, |d| d[bit + 10] = 200);
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "BIT token table",
                ..
            }
        ),
        "{e:?}"
    );
    let e = corrupt(&s, |d| d[bit + 9] = 2);
    assert!(matches!(
        e,
        ParseError::Invalid {
            what: "BIT token size",
            ..
        }
    ));
    let e = corrupt(&s, |d| d[bit + 12 + 6] = b'q');
    assert_eq!(e, ParseError::NotFound { what: "BIT token" });
    let e = corrupt(&s, |d| put16(d, bit + 12 + 6 + 2, 2));
    assert!(matches!(
        e,
        ParseError::Invalid {
            what: "BIT falcon data token size",
            ..
        }
    ));
    let e = corrupt(&s, |d| put16(d, bit + 12 + 6 + 4, 0xfffe));
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "BIT falcon data",
                ..
            }
        ),
        "{e:?}"
    );

    // Falcon data pointer before the FWSEC section, or past it.
    let p = s.falcon_ptr_offset;
    let e = corrupt(&s, |d| put32(d, p, 16));
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "falcon data pointer",
                ..
            }
        ),
        "{e:?}"
    );
    let e = corrupt(&s, |d| put32(d, p, u32::MAX));
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "falcon data pointer",
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn bad_ucode_table_and_descriptor() {
    let s = build_vbios(&VbiosSpec::default());
    let t = s.table_offset;
    let dsc = s.desc_offset;

    let e = corrupt(&s, |d| d[t + 2..t + 4].fill(255));
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "falcon ucode table entries",
                ..
            }
        ),
        "{e:?}"
    );
    let e = corrupt(&s, |d| d[t + 2] = 3);
    assert!(matches!(
        e,
        ParseError::Invalid {
            what: "falcon ucode table entry size",
            ..
        }
    ));
    let e = corrupt(&s, |d| d[t + 4 + 6] = 0x45);
    assert!(matches!(e, ParseError::NotFound { .. }), "{e:?}");
    let e = corrupt(&s, |d| put32(d, t + 4 + 6 + 2, 3));
    assert!(matches!(
        e,
        ParseError::OutOfBounds {
            what: "FWSEC descriptor pointer",
            ..
        }
    ));

    let e = corrupt(&s, |d| d[dsc + 1] = 9);
    assert_eq!(
        e,
        ParseError::Unsupported {
            what: "falcon ucode descriptor version",
            value: 9
        }
    );
    let e = corrupt(&s, |d| d[dsc] = 0);
    assert!(matches!(
        e,
        ParseError::Invalid {
            what: "falcon ucode descriptor valid bit",
            ..
        }
    ));
    let e = corrupt(&s, |d| d[dsc + 39] = 200);
    assert!(matches!(e, ParseError::Invalid { .. }), "{e:?}");
    let e = corrupt(&s, |d| put32(d, dsc + 5 * 4, u32::MAX));
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "FWSEC ucode",
                ..
            }
        ),
        "{e:?}"
    );
    let e = corrupt(&s, |d| put32(d, dsc + 2 * 4, testimg::DMEM_SIZE - 10));
    assert!(matches!(
        e,
        ParseError::OutOfBounds {
            what: "FWSEC signature patch location",
            ..
        }
    ));
    let e = corrupt(&s, |d| put32(d, dsc + 3 * 4, 0xfffff));
    assert!(matches!(
        e,
        ParseError::OutOfBounds {
            what: "FWSEC application interface table",
            ..
        }
    ));
    let mapper = s.ucode_offset + (testimg::IMEM_SIZE + testimg::MAPPER_OFFSET) as usize;
    let e = corrupt(&s, |d| put32(d, mapper + 12, 0x1000));
    assert!(matches!(
        e,
        ParseError::OutOfBounds {
            what: "FWSEC command buffer",
            ..
        }
    ));

    let s2 = build_vbios(&VbiosSpec {
        desc_version: 2,
        ..Default::default()
    });
    let e = corrupt(&s2, |d| put32(d, s2.desc_offset + 10 * 4, 0x300));
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "FWSEC DMEM image",
                ..
            }
        ),
        "{e:?}"
    );
    let e = corrupt(&s2, |d| put32(d, s2.desc_offset + 9 * 4, 0x300));
    assert!(matches!(e, ParseError::Invalid { .. }), "{e:?}");
}

#[test]
fn random_mutations_never_panic() {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for spec in [
        VbiosSpec::default(),
        VbiosSpec {
            desc_version: 2,
            ifr: Some(1),
            ..Default::default()
        },
    ] {
        let s = build_vbios(&spec);
        for _ in 0..4000 {
            let mut d = s.bytes.clone();
            for _ in 0..1 + next() % 3 {
                let at = (next() as usize) % d.len();
                d[at] = next() as u8;
            }
            let _ = full(&d);
            let _ = vbios::ifr_rom_offset(&d);
            let _ = fwparse::kind::identify(&d);
        }
    }
}
