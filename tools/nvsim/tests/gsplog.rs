//! GSP-RM's libos logs (LOGINIT, LOGINTR, LOGRM) as a driver's debugfs
//! shows them, read back with a decoder written here from the documented
//! format (open-gpu-kernel-modules `libos_log.h` and `liblogdecode.c`
//! `libosExtractLog_ReadRecord`): u64 0 the put pointer (words written
//! since the start), word k at u64 `1 + k % (size / 8 - 1)`; a record is
//! its arguments, the address of its `libosLogMetadata` (u64 filename,
//! u64 format, u32 line at 0x10, u8 argumentCount at 0x14, u8
//! printLevel at 0x15), then a non-zero timestamp.

mod common;

use common::boot::*;
use common::gsp::Gsp;
use common::rig::{fwsec_frts, Rig, FRTS_24G, GSP};
use nvsim::gsprm::log::{logging_image, LOGGING_VA};

/// One decoded record.
#[derive(Debug, Clone)]
struct Rec {
    ts: u64,
    level: u8,
    file: String,
    line: u32,
    text: String,
}

/// The decoder's view of the `.logging` section.
struct Section {
    base: u64,
    bytes: Vec<u8>,
}

impl Section {
    fn get(&self, va: u64, len: usize) -> Option<&[u8]> {
        let off = usize::try_from(va.checked_sub(self.base)?).ok()?;
        self.bytes.get(off..off.checked_add(len)?)
    }

    fn string(&self, va: u64) -> Option<String> {
        let off = usize::try_from(va.checked_sub(self.base)?).ok()?;
        let s = self.bytes.get(off..)?;
        let end = s.iter().position(|c| *c == 0)?;
        Some(String::from_utf8_lossy(&s[..end]).into_owned())
    }
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

/// printf as libos's decoder does it, for the conversions the tests need
/// (`%%`, flags `0`, width, length `l`/`ll`/`h`/`hh`, `d u x X s c`).
fn format(sec: &Section, fmt: &str, args: &[u64]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        let mut zero = false;
        let mut width = 0usize;
        while let Some(&d) = chars.peek() {
            if d == '0' && width == 0 {
                zero = true;
            } else if let Some(v) = d.to_digit(10) {
                width = width * 10 + v as usize;
            } else {
                break;
            }
            chars.next();
        }
        let mut bits = 32;
        while let Some(&l) = chars.peek() {
            match l {
                'l' => bits = 64,
                'h' => bits = if bits == 16 { 8 } else { 16 },
                _ => break,
            }
            chars.next();
        }
        let conv = chars.next().expect("a conversion");
        let a = *args.next().expect("an argument for each conversion");
        // %s and %p take the whole word (LOG_PTR); integers their length.
        let a = if bits == 64 || matches!(conv, 's' | 'p') {
            a
        } else {
            a & ((1u64 << bits) - 1)
        };
        let s = match conv {
            'u' => a.to_string(),
            'd' | 'i' => {
                if bits == 64 {
                    (a as i64).to_string()
                } else {
                    ((a as u32) as i32).to_string()
                }
            }
            'x' => format!("{a:x}"),
            'X' => format!("{a:X}"),
            'c' => char::from(a as u8).to_string(),
            's' => sec.string(a).unwrap_or_else(|| "(bad string)".into()),
            other => panic!("conversion %{other} in {fmt:?}"),
        };
        let pad = width.saturating_sub(s.len());
        out.extend(std::iter::repeat_n(if zero { '0' } else { ' ' }, pad));
        out.push_str(&s);
    }
    assert!(args.next().is_none(), "arguments left over for {fmt:?}");
    out
}

/// Decodes a whole log buffer: the records still in it, oldest first,
/// and whether older ones were overwritten.
fn decode(buf: &[u8], sec: &Section) -> (Vec<Rec>, bool) {
    let put = u64_at(buf, 0);
    let n = (buf.len() / 8 - 1) as u64;
    let word = |k: u64| u64_at(buf, 8 * (1 + (k % n) as usize));
    let floor = put.saturating_sub(n);
    let mut i = put;
    let mut recs = Vec::new();
    let mut lost = floor > 0;
    while i > floor {
        if i < floor + 2 {
            lost = true;
            break;
        }
        let ts = word(i - 1);
        let meta_va = word(i - 2);
        assert_ne!(ts, 0, "a record's timestamp is never 0");
        let meta = sec
            .get(meta_va, 0x18)
            .unwrap_or_else(|| panic!("metadata {meta_va:#x} outside the logging section"));
        let argc = u64::from(meta[0x14]);
        if i - 2 < floor + argc {
            lost = true;
            break;
        }
        let args: Vec<u64> = (0..argc).map(|j| word(i - 2 - argc + j)).collect();
        let fmt = sec.string(u64_at(meta, 8)).expect("format");
        recs.push(Rec {
            ts,
            level: meta[0x15],
            file: sec.string(u64_at(meta, 0)).expect("file"),
            line: u32::from_le_bytes(meta[0x10..0x14].try_into().unwrap()),
            text: format(sec, &fmt, &args),
        });
        i -= 2 + argc;
    }
    recs.reverse();
    (recs, lost)
}

fn section() -> Section {
    Section {
        base: LOGGING_VA,
        bytes: logging_image(),
    }
}

fn read(r: &Rig, at: u64, size: u64) -> Vec<u8> {
    let mut b = vec![0u8; size as usize];
    r.gpu.dma.read(at, &mut b).expect("log buffer");
    b
}

fn texts(recs: &[Rec]) -> Vec<String> {
    recs.iter().map(|r| r.text.clone()).collect()
}

fn check_order(recs: &[Rec]) {
    for w in recs.windows(2) {
        assert!(w[0].ts < w[1].ts, "timestamps increase: {w:?}");
    }
}

#[test]
fn boot_writes_loginit_logrm_and_logintr() {
    let g = Gsp::boot("ga102");
    let sec = section();
    let (init, lost) = decode(&read(&g.r, LOGINIT, LOGINIT_SIZE), &sec);
    assert!(!lost);
    check_order(&init);
    let t = texts(&init);
    assert_eq!(t.len(), 5, "{t:#?}");
    assert_eq!(
        t[0],
        format!("GSP-RM 570.144 (nvsim) booting, boot 1, libos arguments at 0x{LIBOS:x}\n")
    );
    assert!(
        t[1].starts_with("GPU GA102: ") && t[1].contains(" MiB usable framebuffer"),
        "{}",
        t[1]
    );
    assert_eq!(
        t[2],
        format!(
            "message queues: shared memory 0x{SHM:x} ({NUM_PTES} pages), command queue \
             +0x{CMDQ:x}, status queue +0x{STATQ:x}\n"
        )
    );
    assert!(t[3].starts_with("CPU sequencer sent ("), "{}", t[3]);
    assert_eq!(t[4], "GSP-RM initialised; sending GSP_INIT_DONE\n");
    assert_eq!(init[0].level, 2);
    assert_eq!(init[0].file, "nvsim/gsprm/init.c");
    assert_eq!(init[0].line, 100);

    let (rm, lost) = decode(&read(&g.r, LOGRM, LOGRM_SIZE), &sec);
    assert!(!lost);
    check_order(&rm);
    let t = texts(&rm);
    let first_in = t
        .iter()
        .position(|s| s.starts_with("rpc: received function 0x48 seq 0,"))
        .unwrap_or_else(|| panic!("GSP_SET_SYSTEM_INFO received: {t:#?}"));
    assert!(
        t[first_in + 1].starts_with("system info: BAR0 0x"),
        "{t:#?}"
    );
    assert!(
        t.iter()
            .any(|s| s.starts_with("rpc: received function 0x49 seq 1,")),
        "{t:#?}"
    );
    assert!(t.iter().any(|s| s.starts_with("registry: ")), "{t:#?}");
    assert!(
        t.iter()
            .any(|s| s == "rpc: sent function 0x1001 result 0x0, 0-byte payload\n"),
        "GSP_INIT_DONE sent: {t:#?}"
    );

    let (intr, lost) = decode(&read(&g.r, LOGINTR, LOGINTR_SIZE), &sec);
    assert!(!lost);
    assert!(!intr.is_empty());
    assert!(
        intr.iter()
            .all(|r| r.text.starts_with("doorbell: command queue write pointer ")),
        "{:#?}",
        texts(&intr)
    );

    // The raw layout: put counts words; LOGINIT's are the five records'
    // (2 + 3 + 4 + 1 + 0 arguments, each with metadata and timestamp).
    let raw = read(&g.r, LOGINIT, LOGINIT_SIZE);
    assert_eq!(u64_at(&raw, 0), 10 + 2 * 5);
    assert_eq!(u64_at(&raw, 8), 1, "the first word is the boot number");
    assert_eq!(u64_at(&raw, 16), LIBOS);
    assert_eq!(u64_at(&raw, 24), LOGGING_VA, "the banner's metadata");
    for (word, meta) in [(8, 0x18), (14, 0x30), (17, 0x48), (19, 0x60)] {
        assert_eq!(u64_at(&raw, 8 * word), LOGGING_VA + meta, "u64 {word}");
    }
    assert_eq!(u64_at(&raw, 8 * 21), 0, "nothing after the last record");
    g.done();
}

#[test]
fn logrm_wraps_as_libos_does() {
    let mut g = Gsp::boot("ga102");
    let sec = section();
    let n = LOGRM_SIZE / 8 - 1;
    for _ in 0..150 {
        let (result, _) = g.rpc(nvsim::gsprm::rpc::NOP, &[]);
        assert_eq!(result, 0);
    }
    let raw = read(&g.r, LOGRM, LOGRM_SIZE);
    let put = u64_at(&raw, 0);
    assert!(put > n + 500, "put {put} went round the {n} words");
    let (rm, lost) = decode(&raw, &sec);
    assert!(lost, "older records were overwritten");
    check_order(&rm);
    let words: u64 = rm.iter().map(|_| 2 + 3).sum();
    assert!(words <= n && words > n - 5, "{words} of {n} words decoded");
    let t = texts(&rm);
    assert_eq!(
        t.last().unwrap(),
        "rpc: sent function 0x0 result 0x0, 0-byte payload\n"
    );
    // Only the NOPs' records are left, received and sent in turn.
    let mut seq = None;
    for (i, x) in t.iter().enumerate() {
        if let Some(rest) = x.strip_prefix("rpc: received function 0x0 seq ") {
            let n: u64 = rest.split(',').next().unwrap().parse().unwrap();
            if let Some(prev) = seq {
                assert_eq!(n, prev + 1, "{x}");
            }
            seq = Some(n);
            assert_eq!(rest, format!("{n}, 0-byte payload\n"));
        } else {
            assert_eq!(
                x, "rpc: sent function 0x0 result 0x0, 0-byte payload\n",
                "record {i}"
            );
        }
    }
    assert!(seq.is_some());
    // The last record sits just below put, across the wrap.
    let k = put - 2;
    let at = 8 * (1 + (k % n) as usize);
    assert_eq!(
        u64_at(&raw, at),
        nvsim::gsprm::log::meta_va(nvsim::gsprm::log::RPC_OUT)
    );
    g.done();
}

#[test]
fn unload_is_logged() {
    let mut g = Gsp::boot("ga102");
    let mut p = [0u8; 8];
    p[4] = 0;
    g.d.send(&mut g.r, 47, &p);
    assert!(g.d.wait(&mut g.r, 47).is_some());
    let sec = section();
    let (rm, _) = decode(&read(&g.r, LOGRM, LOGRM_SIZE), &sec);
    let t = texts(&rm);
    assert!(
        t.iter()
            .any(|s| s.starts_with("unloading guest driver: PM level 0, transition ")),
        "{t:#?}"
    );
    let (init, _) = decode(&read(&g.r, LOGINIT, LOGINIT_SIZE), &sec);
    assert_eq!(init.last().unwrap().text, "GSP-RM suspended\n");
    g.done();
}

#[test]
fn a_bad_page_table_is_reported_and_boot_goes_on() {
    let dir = fw_dir("ga102");
    let mut r = Rig::with_firmware("ga102", &dir);
    assert_eq!(fwsec_frts(&mut r, 0x172, FRTS_24G), (true, 0));
    write_meta(&mut r, 0xdc3a_ae21_371a_60b3);
    write_gsp(&mut r);
    write_libos(&mut r);
    // LOGRM's page table entry 1 is lost.
    r.gpu
        .dma
        .write(LOGRM + 16, &0u64.to_le_bytes())
        .expect("pte");
    r.reset_falcon(GSP, false);
    r.wr(GSP + 0x40, LIBOS as u32);
    r.wr(GSP + 0x44, (LIBOS >> 32) as u32);
    assert_eq!(
        run_booter(
            &mut r,
            0x10,
            1,
            sig_at(),
            (META as u32, (META >> 32) as u32)
        ),
        (true, 0)
    );
    let mut d = Driver::new();
    assert!(d.boot_rpcs(&mut r), "GSP_INIT_DONE all the same");
    assert_eq!(
        r.logged(
            "GSP-RM: LOGRM at 0x40044000 (0x2000 bytes): page table entry 1 (u64 2 of the \
             buffer) is 0x0, not a page address; nothing is logged there"
        ),
        1
    );
    let raw = read(&r, LOGRM, LOGRM_SIZE);
    assert_eq!(u64_at(&raw, 0), 0, "LOGRM untouched");
    let (init, _) = decode(&read(&r, LOGINIT, LOGINIT_SIZE), &section());
    assert_eq!(init.len(), 5);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_decoder_formats_as_printf() {
    let sec = section();
    assert_eq!(
        format(&sec, "%08x|%4u|%%|%llx", &[0xab, 7, 1 << 40]),
        "000000ab|   7|%|10000000000"
    );
    assert_eq!(format(&sec, "%d", &[u64::from(u32::MAX)]), "-1");
}
