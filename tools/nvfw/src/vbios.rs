//! `nvfw vbios`: the images, BIT and FWSEC ucode of a VBIOS image.

use std::path::Path;

use fwparse::fwsec::{Fwsec, UcodeDesc};
use fwparse::vbios::{code_type_name, Vbios};
use fwparse::ParseError;

use crate::info::head;
use crate::report::{Obj, Val};

/// Builds the `vbios` report. A chain that cannot be walked is an error; a
/// missing or bad FWSEC is reported in the output and also as an error.
pub fn vbios(path: &Path, data: &[u8]) -> Result<Obj, String> {
    let mut o = head(path, "VBIOS", None, data);
    match build(&mut o, data) {
        Ok(()) => Ok(o),
        Err(e) => Err(format!("VBIOS: {e}")),
    }
}

fn build(o: &mut Obj, data: &[u8]) -> Result<(), ParseError> {
    let v = Vbios::parse(data)?;
    if v.rom_offset != 0 {
        o.hex("IFR: images start at", v.rom_offset as u64);
    }
    let mut images = Vec::new();
    for image in v.images() {
        let image = image?;
        let mut i = Obj::new();
        i.region("at", image.offset as u64, image.size())
            .str(
                "type",
                format!(
                    "{:#04x} {}",
                    image.code_type(),
                    code_type_name(image.code_type())
                ),
            )
            .bool("last", image.is_last())
            .str(
                "pci id",
                format!("{:04x}:{:04x}", image.pcir.vendor_id, image.pcir.device_id),
            )
            .bool("npde", image.npde.is_some());
        images.push(Val::Obj(i));
    }
    o.list("image", images);

    let bit = v.bit()?;
    let mut b = Obj::new();
    b.hex("offset", bit.offset as u64)
        .str(
            "version",
            format!(
                "{:x}.{:02x}",
                bit.header.bcd_version >> 8,
                bit.header.bcd_version & 0xff
            ),
        )
        .dec("header size", bit.header.header_size)
        .dec("token size", bit.header.token_size)
        .dec("tokens", bit.header.token_count);
    let mut tokens = Vec::new();
    for t in bit.tokens() {
        let t = t?;
        let mut to = Obj::new();
        let c = if t.id.is_ascii_graphic() {
            t.id as char
        } else {
            '.'
        };
        to.str("id", format!("{:#04x} '{c}'", t.id))
            .dec("version", t.data_version)
            .region("data", t.data_offset, t.data_size);
        tokens.push(Val::Obj(to));
    }
    b.list("token", tokens);
    o.obj("BIT", b);

    let pointer = v.falcon_data_pointer()?;
    o.hex("falcon data pointer", pointer);
    let (start, section) = v.fwsec_section()?;
    o.region("FWSEC section", start as u64, section.len() as u64);
    let fwsec = v.find_fwsec()?;
    o.obj("falcon ucode table", table(&fwsec)?);
    o.obj("FWSEC", fwsec_obj(&fwsec, start)?);
    Ok(())
}

fn table(f: &Fwsec<'_>) -> Result<Obj, ParseError> {
    let t = &f.table;
    let mut o = Obj::new();
    o.hex("offset in FWSEC section", f.table_offset as u64)
        .dec("version", t.version)
        .dec("header size", t.header_size)
        .dec("entry size", t.entry_size);
    let mut entries = Vec::new();
    for e in t.entries() {
        let e = e?;
        let mut eo = Obj::new();
        eo.hex("application id", e.application_id)
            .hex("target id", e.target_id)
            .hex("pointer", e.data);
        entries.push(Val::Obj(eo));
    }
    o.list("entry", entries);
    Ok(o)
}

fn fwsec_obj(f: &Fwsec<'_>, section_start: usize) -> Result<Obj, ParseError> {
    let mut o = Obj::new();
    let desc_at = (section_start + f.desc_offset) as u64;
    o.hex("descriptor offset", desc_at)
        .dec("descriptor version", f.desc.version())
        .hex("descriptor size", f.desc.size());
    match f.desc {
        UcodeDesc::V2(d) => {
            o.hex("stored size", d.stored_size)
                .hex("virtual entry", d.virtual_entry)
                .hex("IMEM phys base", d.imem_phys_base)
                .hex("IMEM load size", d.imem_load_size)
                .hex("IMEM virt base", d.imem_virt_base)
                .hex("IMEM secure base", d.imem_sec_base)
                .hex("IMEM secure size", d.imem_sec_size)
                .hex("DMEM offset", d.dmem_offset)
                .hex("DMEM phys base", d.dmem_phys_base)
                .hex("DMEM load size", d.dmem_load_size)
                .hex("interface offset", d.interface_offset);
        }
        UcodeDesc::V3(d) => {
            o.hex("stored size", d.stored_size)
                .hex("IMEM phys base", d.imem_phys_base)
                .hex("IMEM load size", d.imem_load_size)
                .hex("IMEM virt base", d.imem_virt_base)
                .hex("DMEM phys base", d.dmem_phys_base)
                .hex("DMEM load size", d.dmem_load_size)
                .hex("interface offset", d.interface_offset)
                .hex("pkc data offset", d.pkc_data_offset)
                .hex("engine id mask", d.engine_id_mask)
                .dec("ucode id", d.ucode_id)
                .hex("signature versions", d.signature_versions);
        }
    }
    let sig_at = desc_at + 44;
    o.dec("signatures", f.desc.signature_count()).region(
        "signature data",
        sig_at,
        f.signatures.len() as u64,
    );
    let ucode_at = desc_at + u64::from(f.desc.size());
    o.region("ucode", ucode_at, f.ucode.len() as u64);
    match f.dmem_mapper() {
        Ok(m) => {
            let mut mo = Obj::new();
            mo.hex("ucode offset", m.ucode_offset)
                .hex("signature", m.signature)
                .dec("version", m.version)
                .region(
                    "command buffer (DMEM)",
                    m.cmd_in_buffer_offset,
                    m.cmd_in_buffer_size,
                )
                .hex("init cmd", m.init_cmd);
            o.obj("DMEM mapper", mo);
        }
        Err(e) => {
            o.str("DMEM mapper", format!("error: {e}"));
        }
    }
    Ok(o)
}
