// SPDX-License-Identifier: GPL-2.0

//! A VA space's page tables: nova's own, in video memory, in the format of
//! the GPU's MMU ([`Format`]), written through the PRAMIN window.
//!
//! nova keeps a shadow of the tree in host memory: which tables exist,
//! where they are, and which entries map a page. Every entry of a table
//! is written when the table is created, so no stale VRAM content is ever
//! read by the GPU, and an entry that maps nothing is either invalid or,
//! inside a sparse region, sparse.
//!
//! Under each 2 MiB PD0 entry nova uses either one 2 MiB page or a pair of
//! tables: a big-page table (64 KiB pages) and a small-page table (4 KiB
//! pages), created and freed together. A big-page entry that maps nothing
//! is zero, which sends the MMU on to the small-page table; a small-page
//! entry that maps nothing is sparse or invalid. Tables that no longer map
//! anything are freed, after the TLB invalidation that follows the change
//! (see [`Garbage`]).

use core::ops::Range;

use kernel::{
    prelude::*,
    sizes::SZ_4K,
    sync::Arc, //
};

use crate::{
    gpu::Bar0,
    mm::{
        pramin::Pramin,
        vram::{
            Vram,
            VramAlloc, //
        },
    },
    mmu::format::{
        Aperture,
        DirLevel,
        Format,
        PteAttrs,
        BIG_ENTRIES,
        BIG_SHIFT,
        PD0_ENTRY,
        PD0_SHIFT,
        SMALL_ENTRIES,
        SMALL_SHIFT,
        SPARSE, //
    },
};

/// The page sizes nova maps with.
pub(crate) const PAGE_4K: u64 = 1 << SMALL_SHIFT;
/// 64 KiB: a big page.
pub(crate) const PAGE_64K: u64 = 1 << BIG_SHIFT;
/// 2 MiB: a PTE in PD0.
pub(crate) const PAGE_2M: u64 = 1 << PD0_SHIFT;

/// How much of a range the sparse regions cover.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cover {
    /// None of it.
    None,
    /// Part of it.
    Part,
    /// All of it.
    Full,
}

/// The sparse regions of a VA space, as the page tables need them.
pub(crate) trait SparseMap {
    /// How much of `range` the sparse regions cover.
    fn cover(&self, range: Range<u64>) -> Cover;
}

/// No sparse regions (BAR1, tests).
pub(crate) struct NoSparse;

impl SparseMap for NoSparse {
    fn cover(&self, _r: Range<u64>) -> Cover {
        Cover::None
    }
}

/// Tables that no longer map anything, kept until the TLB has been
/// invalidated: only then may their memory be reused.
pub(crate) type Garbage = KVec<VramAlloc>;

/// Where page tables are written: VRAM through the PRAMIN window on the
/// GPU, host memory in the KUnit tests.
pub(crate) trait PtMem {
    /// Writes the 64-bit `words` from `addr`, each low half last.
    fn write(&self, addr: u64, words: &[u64]) -> Result;
    /// Writes `count` zero words from `addr`.
    fn zero(&self, addr: u64, count: usize) -> Result;
}

/// VRAM through the PRAMIN window.
pub(crate) struct PraminMem<'a, 'b> {
    /// BAR0.
    pub(crate) bar: &'a Bar0<'b>,
    /// The window.
    pub(crate) pramin: &'a Pramin,
}

impl PtMem for PraminMem<'_, '_> {
    fn write(&self, addr: u64, words: &[u64]) -> Result {
        self.pramin.write_u64s(self.bar, addr, words)
    }

    fn zero(&self, addr: u64, count: usize) -> Result {
        self.pramin.zero(self.bar, addr, count)
    }
}

/// What every page-table write needs.
pub(crate) struct Ctx<'a> {
    /// Where the tables are written.
    pub(crate) mem: &'a dyn PtMem,
    /// Where new tables come from.
    pub(crate) vram: &'a Arc<Vram>,
    /// The sparse regions.
    pub(crate) sparse: &'a dyn SparseMap,
    /// Freed tables, dropped by the caller after the TLB invalidation.
    pub(crate) garbage: &'a mut Garbage,
}

impl Ctx<'_> {
    fn write(&self, addr: u64, v: u64) -> Result {
        self.mem.write(addr, &[v])
    }

    /// Writes a dual PD0 entry: the small-page half first, so that the
    /// half the MMU reads first changes last.
    fn write_dual(&self, addr: u64, lo: u64, hi: u64) -> Result {
        self.mem.write(addr + 8, &[hi])?;
        self.mem.write(addr, &[lo])
    }

    fn empty(&self, start: u64, span: u64) -> u64 {
        match self.sparse.cover(start..start + span) {
            Cover::Full => SPARSE,
            Cover::None | Cover::Part => 0,
        }
    }

    fn table(&self) -> Result<VramAlloc> {
        Vram::alloc(self.vram, SZ_4K as u64, Vram::alignment_for(SZ_4K as u64))
    }
}

/// The tables under one PD0 entry.
struct Leaves {
    small: VramAlloc,
    big: VramAlloc,
    /// Which small-page entries map a page.
    small_mapped: KVec<bool>,
    /// Which big-page entries map a page.
    big_mapped: [bool; BIG_ENTRIES],
    /// How many entries map a page.
    mapped: usize,
}

/// One PD0 entry.
#[derive(Default)]
struct Slot {
    /// A 2 MiB page is mapped.
    huge: bool,
    tables: Option<KBox<Leaves>>,
}

/// A page directory.
struct Dir {
    /// The directory's memory; `None` for a root someone else owns.
    _mem: Option<VramAlloc>,
    /// Its VRAM address.
    addr: u64,
    /// Index of the level in [`Format::dirs`].
    level: usize,
    /// The next level's directories (all levels but PD0).
    kids: KVec<Option<KBox<Dir>>>,
    /// PD0's entries.
    slots: KVec<Slot>,
}

impl Dir {
    /// Creates the directory at `level` covering VA from `base` and writes
    /// all its entries.
    fn new(ctx: &Ctx<'_>, fmt: &dyn Format, level: usize, base: u64) -> Result<Self> {
        let dirs = fmt.dirs();
        let lvl = dirs.get(level).ok_or(EINVAL)?;
        let mem = ctx.table()?;
        let n = lvl.entries();
        let last = level + 1 == dirs.len();
        let mut kids = KVec::new();
        let mut slots = KVec::new();
        if last {
            slots.reserve(n, GFP_KERNEL)?;
            for _ in 0..n {
                slots.push(Slot::default(), GFP_KERNEL)?;
            }
        } else {
            kids.reserve(n, GFP_KERNEL)?;
            for _ in 0..n {
                kids.push(None, GFP_KERNEL)?;
            }
        }
        let mut vals = KVec::with_capacity(n * 2, GFP_KERNEL)?;
        for i in 0..n {
            let e = ctx.empty(base + i as u64 * lvl.span(), lvl.span());
            vals.push(e, GFP_KERNEL)?;
            if last {
                vals.push(0, GFP_KERNEL)?;
            }
        }
        ctx.mem.write(mem.addr(), &vals)?;
        Ok(Self {
            addr: mem.addr(),
            _mem: Some(mem),
            level,
            kids,
            slots,
        })
    }
}

/// The page tables of one VA space.
pub(crate) struct PageTables {
    fmt: &'static dyn Format,
    root: Dir,
}

/// A physically contiguous piece of what is to be mapped.
#[derive(Clone, Copy)]
pub(crate) struct Chunk {
    /// Its address.
    pub(crate) addr: u64,
    /// Its size.
    pub(crate) size: u64,
    /// Where it is.
    pub(crate) ap: Aperture,
}

impl PageTables {
    /// Creates the root directory.
    pub(crate) fn new(ctx: &Ctx<'_>, fmt: &'static dyn Format) -> Result<Self> {
        Ok(Self {
            fmt,
            root: Dir::new(ctx, fmt, 0, 0)?,
        })
    }

    /// Page tables under a root directory someone else owns and set up
    /// (GSP-RM's BAR1 root): nova writes the root's entries it uses and
    /// never frees the root.
    pub(crate) fn adopt(fmt: &'static dyn Format, root: u64) -> Result<Self> {
        let n = fmt.dirs().first().ok_or(EINVAL)?.entries();
        let mut kids = KVec::with_capacity(n, GFP_KERNEL)?;
        for _ in 0..n {
            kids.push(None, GFP_KERNEL)?;
        }
        Ok(Self {
            fmt,
            root: Dir {
                _mem: None,
                addr: root,
                level: 0,
                kids,
                slots: KVec::new(),
            },
        })
    }

    /// The root directory's VRAM address.
    pub(crate) fn root_addr(&self) -> u64 {
        self.root.addr
    }

    /// Entries of the root directory.
    pub(crate) fn root_entries(&self) -> usize {
        self.fmt.dirs().first().map_or(0, DirLevel::entries)
    }

    /// Finds the PD0 holding `va`, creating the directories on the way if
    /// `create`; returns the directory and the slot index.
    fn pd0(&mut self, ctx: &Ctx<'_>, va: u64, create: bool) -> Result<Option<(&mut Dir, usize)>> {
        let fmt = self.fmt;
        let dirs = fmt.dirs();
        let mut dir = &mut self.root;
        loop {
            let lvl = dirs.get(dir.level).ok_or(EINVAL)?;
            let i = lvl.index(va);
            if dir.level + 1 == dirs.len() {
                return Ok(Some((dir, i)));
            }
            if dir.kids.get(i).ok_or(EINVAL)?.is_none() {
                if !create {
                    return Ok(None);
                }
                let base = va & !(lvl.span() - 1);
                let kid = KBox::new(Dir::new(ctx, fmt, dir.level + 1, base)?, GFP_KERNEL)?;
                let pde = fmt.pde(Aperture::Vram, kid.addr);
                ctx.write(dir.addr + 8 * i as u64, pde)?;
                dir.kids[i] = Some(kid);
            }
            dir = match dir.kids.get_mut(i) {
                Some(Some(kid)) => kid,
                _ => return Err(EINVAL),
            };
        }
    }

    /// Maps `chunks`, one after the other, from `va`, with the largest
    /// pages that the addresses and sizes allow. On failure, what was
    /// mapped is unmapped again.
    pub(crate) fn map(
        &mut self,
        ctx: &mut Ctx<'_>,
        va: u64,
        chunks: &[Chunk],
        attrs: PteAttrs,
    ) -> Result {
        let mut at = va;
        for c in chunks {
            if let Err(e) = self.map_chunk(ctx, at, c, attrs) {
                let _ = self.unmap(ctx, va..at);
                return Err(e);
            }
            at += c.size;
        }
        Ok(())
    }

    fn map_chunk(&mut self, ctx: &mut Ctx<'_>, va: u64, c: &Chunk, attrs: PteAttrs) -> Result {
        let (mut va, mut pa, end) = (va, c.addr, va + c.size);
        while va < end {
            let left = end - va;
            let page = [PAGE_2M, PAGE_64K, PAGE_4K]
                .into_iter()
                .find(|&p| va % p == 0 && pa % p == 0 && left >= p)
                .ok_or(EINVAL)?;
            let pte = self.fmt.pte(c.ap, pa, attrs);
            if let Err(e) = self.map_page(ctx, va, page, pte) {
                let _ = self.unmap(ctx, c.addr.wrapping_sub(pa).wrapping_add(va)..va);
                return Err(e);
            }
            va += page;
            pa += page;
        }
        Ok(())
    }

    fn map_page(&mut self, ctx: &mut Ctx<'_>, va: u64, page: u64, pte: u64) -> Result {
        let fmt = self.fmt;
        let (pd0, i) = self.pd0(ctx, va, true)?.ok_or(EINVAL)?;
        let entry = pd0.addr + (i * PD0_ENTRY) as u64;
        let slot = pd0.slots.get_mut(i).ok_or(EINVAL)?;
        if slot.huge {
            return Err(EEXIST);
        }
        if page == PAGE_2M {
            if let Some(t) = slot.tables.take() {
                if t.mapped != 0 {
                    slot.tables = Some(t);
                    return Err(EEXIST);
                }
                ctx.write_dual(entry, pte, 0)?;
                let t = KBox::into_inner(t);
                ctx.garbage.push(t.small, GFP_KERNEL)?;
                ctx.garbage.push(t.big, GFP_KERNEL)?;
            } else {
                ctx.write_dual(entry, pte, 0)?;
            }
            slot.huge = true;
            return Ok(());
        }
        if slot.tables.is_none() {
            slot.tables = Some(KBox::new(
                new_leaves(ctx, va & !(PAGE_2M - 1))?,
                GFP_KERNEL,
            )?);
            if let Some(t) = &slot.tables {
                let big = fmt.pde(Aperture::Vram, t.big.addr());
                let small = fmt.pde(Aperture::Vram, t.small.addr());
                ctx.write_dual(entry, big, small)?;
            }
        }
        let t = slot.tables.as_mut().ok_or(EINVAL)?;
        if page == PAGE_64K {
            let j = ((va >> BIG_SHIFT) as usize) % BIG_ENTRIES;
            if t.big_mapped[j] {
                return Err(EEXIST);
            }
            ctx.write(t.big.addr() + 8 * j as u64, pte)?;
            t.big_mapped[j] = true;
        } else {
            let j = ((va >> SMALL_SHIFT) as usize) % SMALL_ENTRIES;
            let at = t.small.addr() + 8 * j as u64;
            let m = t.small_mapped.get_mut(j).ok_or(EINVAL)?;
            if *m {
                return Err(EEXIST);
            }
            ctx.write(at, pte)?;
            *m = true;
        }
        t.mapped += 1;
        Ok(())
    }

    /// Unmaps every page in `range`: its entries become sparse where a
    /// sparse region covers them, else invalid.
    pub(crate) fn unmap(&mut self, ctx: &mut Ctx<'_>, range: Range<u64>) -> Result {
        let mut va = range.start;
        while va < range.end {
            let next_slot = (va | (PAGE_2M - 1)).saturating_add(1);
            let Some((pd0, i)) = self.pd0(ctx, va, false)? else {
                va = next_slot;
                continue;
            };
            let entry = pd0.addr + (i * PD0_ENTRY) as u64;
            let slot = pd0.slots.get_mut(i).ok_or(EINVAL)?;
            let slot_base = va & !(PAGE_2M - 1);
            if slot.huge {
                // A 2 MiB page goes whole (GPUVM unmaps whole mappings;
                // BAR1 clears what a freed mapping left).
                ctx.write_dual(entry, ctx.empty(slot_base, PAGE_2M), 0)?;
                slot.huge = false;
                va = next_slot;
                continue;
            }
            let Some(t) = slot.tables.as_mut() else {
                va = next_slot;
                continue;
            };
            let stop = range.end.min(next_slot);
            while va < stop {
                let j = ((va >> BIG_SHIFT) as usize) % BIG_ENTRIES;
                if t.big_mapped[j] {
                    ctx.write(t.big.addr() + 8 * j as u64, 0)?;
                    t.big_mapped[j] = false;
                    t.mapped -= 1;
                    va = (va | (PAGE_64K - 1)) + 1;
                    continue;
                }
                let k = ((va >> SMALL_SHIFT) as usize) % SMALL_ENTRIES;
                let at = t.small.addr() + 8 * k as u64;
                let m = t.small_mapped.get_mut(k).ok_or(EINVAL)?;
                if *m {
                    ctx.write(at, ctx.empty(va, PAGE_4K))?;
                    *m = false;
                    t.mapped -= 1;
                }
                va += PAGE_4K;
            }
            if t.mapped == 0 {
                ctx.write_dual(entry, ctx.empty(slot_base, PAGE_2M), 0)?;
                if let Some(t) = slot.tables.take() {
                    let t = KBox::into_inner(t);
                    ctx.garbage.push(t.small, GFP_KERNEL)?;
                    ctx.garbage.push(t.big, GFP_KERNEL)?;
                }
            }
            va = va.max(stop);
        }
        Ok(())
    }

    /// Rewrites every entry in `range` that maps nothing, after the sparse
    /// regions changed there.
    pub(crate) fn refresh(&mut self, ctx: &mut Ctx<'_>, range: Range<u64>) -> Result {
        let fmt = self.fmt;
        refresh_dir(ctx, fmt, &mut self.root, 0, range)
    }
}

fn new_leaves(ctx: &Ctx<'_>, base: u64) -> Result<Leaves> {
    let small = ctx.table()?;
    let big = ctx.table()?;
    let mut vals = KVec::with_capacity(SMALL_ENTRIES, GFP_KERNEL)?;
    for k in 0..SMALL_ENTRIES {
        vals.push(ctx.empty(base + k as u64 * PAGE_4K, PAGE_4K), GFP_KERNEL)?;
    }
    ctx.mem.write(small.addr(), &vals)?;
    ctx.mem.zero(big.addr(), BIG_ENTRIES)?;
    let mut small_mapped = KVec::with_capacity(SMALL_ENTRIES, GFP_KERNEL)?;
    for _ in 0..SMALL_ENTRIES {
        small_mapped.push(false, GFP_KERNEL)?;
    }
    Ok(Leaves {
        small,
        big,
        small_mapped,
        big_mapped: [false; BIG_ENTRIES],
        mapped: 0,
    })
}

fn refresh_dir(
    ctx: &mut Ctx<'_>,
    fmt: &'static dyn Format,
    dir: &mut Dir,
    base: u64,
    range: Range<u64>,
) -> Result {
    let dirs = fmt.dirs();
    let lvl = *dirs.get(dir.level).ok_or(EINVAL)?;
    let last = dir.level + 1 == dirs.len();
    let span = lvl.span();
    for i in 0..lvl.entries() {
        let start = base + i as u64 * span;
        let end = start + span;
        if end <= range.start || start >= range.end {
            continue;
        }
        if last {
            let entry = dir.addr + (i * PD0_ENTRY) as u64;
            let slot = dir.slots.get_mut(i).ok_or(EINVAL)?;
            if slot.huge {
                continue;
            }
            if slot.tables.is_none() && ctx.sparse.cover(start..end) == Cover::Part {
                let t = KBox::new(new_leaves(ctx, start)?, GFP_KERNEL)?;
                let big = fmt.pde(Aperture::Vram, t.big.addr());
                let small = fmt.pde(Aperture::Vram, t.small.addr());
                ctx.write_dual(entry, big, small)?;
                slot.tables = Some(t);
                continue;
            }
            match slot.tables.as_mut() {
                None => ctx.write_dual(entry, ctx.empty(start, span), 0)?,
                Some(t) => {
                    let from = range.start.max(start);
                    let to = range.end.min(end);
                    let mut va = from & !(PAGE_4K - 1);
                    while va < to {
                        let k = ((va >> SMALL_SHIFT) as usize) % SMALL_ENTRIES;
                        if !t.small_mapped.get(k).copied().unwrap_or(true) {
                            ctx.write(t.small.addr() + 8 * k as u64, ctx.empty(va, PAGE_4K))?;
                        }
                        va += PAGE_4K;
                    }
                }
            }
            continue;
        }
        let kid_exists = dir.kids.get(i).ok_or(EINVAL)?.is_some();
        if !kid_exists {
            match ctx.sparse.cover(start..end) {
                Cover::Part => {
                    let kid = KBox::new(Dir::new(ctx, fmt, dir.level + 1, start)?, GFP_KERNEL)?;
                    let pde = fmt.pde(Aperture::Vram, kid.addr);
                    ctx.write(dir.addr + 8 * i as u64, pde)?;
                    dir.kids[i] = Some(kid);
                }
                cover => {
                    let v = if cover == Cover::Full { SPARSE } else { 0 };
                    ctx.write(dir.addr + 8 * i as u64, v)?;
                    continue;
                }
            }
        }
        if let Some(Some(kid)) = dir.kids.get_mut(i) {
            refresh_dir(ctx, fmt, kid, start, range.clone())?;
        }
    }
    Ok(())
}

#[kunit_tests(nova_mmu_pt)]
mod tests {
    use super::*;
    use crate::{
        mm::vram::Region,
        mmu::format::VER2, //
    };
    use kernel::{
        new_mutex,
        sync::Mutex, //
    };

    /// Page tables in host memory: the last value written at each address.
    #[pin_data]
    struct FakeMem {
        #[pin]
        words: Mutex<KVec<(u64, u64)>>,
    }

    impl FakeMem {
        fn new() -> Result<Pin<KBox<Self>>> {
            KBox::pin_init(
                pin_init!(Self { words <- new_mutex!(KVec::new()) }),
                GFP_KERNEL,
            )
        }

        fn read(&self, addr: u64) -> u64 {
            let w = self.words.lock();
            w.iter()
                .rev()
                .find(|(a, _)| *a == addr)
                .map_or(0, |(_, v)| *v)
        }
    }

    impl PtMem for FakeMem {
        fn write(&self, addr: u64, words: &[u64]) -> Result {
            let mut w = self.words.lock();
            for (i, v) in words.iter().enumerate() {
                w.push((addr + 8 * i as u64, *v), GFP_KERNEL)?;
            }
            Ok(())
        }

        fn zero(&self, addr: u64, count: usize) -> Result {
            let mut w = self.words.lock();
            for i in 0..count {
                w.push((addr + 8 * i as u64, 0), GFP_KERNEL)?;
            }
            Ok(())
        }
    }

    struct AllSparse;

    impl SparseMap for AllSparse {
        fn cover(&self, _r: Range<u64>) -> Cover {
            Cover::Full
        }
    }

    /// The table a ver2 PDE points at (video memory).
    fn table(pde: u64) -> u64 {
        (pde >> 8) << 12
    }

    /// The address of the PD0 entry of `va`, walking from `root`.
    fn pd0_entry(mem: &FakeMem, root: u64, va: u64) -> u64 {
        let d = VER2.dirs();
        let mut t = root;
        for lvl in &d[..3] {
            t = table(mem.read(t + 8 * lvl.index(va) as u64));
        }
        t + 16 * d[3].index(va) as u64
    }

    const VRAM_BASE: u64 = 0x10_0000;

    fn vram() -> Result<Arc<Vram>> {
        Vram::new(&[Region {
            base: VRAM_BASE,
            size: 64 << 20,
        }])
    }

    fn chunk(addr: u64, size: u64) -> Chunk {
        Chunk {
            addr,
            size,
            ap: Aperture::Vram,
        }
    }

    #[test]
    fn pages_by_alignment() -> Result {
        let mem = FakeMem::new()?;
        let vram = vram()?;
        let mut garbage = Garbage::new();
        let mut ctx = Ctx {
            mem: &*mem,
            vram: &vram,
            sparse: &NoSparse,
            garbage: &mut garbage,
        };
        let mut pt = PageTables::new(&ctx, &VER2)?;
        let root = pt.root_addr();
        assert_eq!(pt.root_entries(), 4);
        let attrs = PteAttrs::default();

        // 2 MiB-aligned VA and address, 2 MiB long: one 2 MiB page.
        let va = 0x40_0000_0000;
        pt.map(&mut ctx, va, &[chunk(0x200_0000, PAGE_2M)], attrs)?;
        let e = pd0_entry(&mem, root, va);
        assert_eq!(mem.read(e), VER2.pte(Aperture::Vram, 0x200_0000, attrs));
        assert_eq!(mem.read(e + 8), 0);

        // 64 KiB-aligned: big pages; then 4 KiB pages for the tail.
        let va2 = va + 4 * PAGE_2M;
        pt.map(
            &mut ctx,
            va2,
            &[chunk(0x300_0000, PAGE_64K + PAGE_4K)],
            attrs,
        )?;
        let e2 = pd0_entry(&mem, root, va2);
        let big = table(mem.read(e2));
        let small = table(mem.read(e2 + 8));
        assert_eq!(mem.read(big), VER2.pte(Aperture::Vram, 0x300_0000, attrs));
        assert_eq!(
            mem.read(small + 8 * 16),
            VER2.pte(Aperture::Vram, 0x301_0000, attrs)
        );
        assert_eq!(mem.read(small), 0);

        // Unmapping all of it frees both tables and clears the PD0 entry.
        let used = vram.used();
        pt.unmap(&mut ctx, va2..va2 + PAGE_64K + PAGE_4K)?;
        assert_eq!(mem.read(big), 0);
        assert_eq!(mem.read(small + 8 * 16), 0);
        assert_eq!(mem.read(e2), 0);
        assert_eq!(mem.read(e2 + 8), 0);
        assert_eq!(ctx.garbage.len(), 2);
        // The tables go back to VRAM when the garbage is dropped.
        drop(garbage);
        assert_eq!(vram.used(), used - 2 * SZ_4K as u64);

        let mut garbage = Garbage::new();
        let mut ctx = Ctx {
            mem: &*mem,
            vram: &vram,
            sparse: &NoSparse,
            garbage: &mut garbage,
        };
        pt.unmap(&mut ctx, va..va + PAGE_2M)?;
        assert_eq!(mem.read(e), 0);
        // Part of a 2 MiB page cannot be mapped over.
        pt.map(&mut ctx, va, &[chunk(0x200_0000, PAGE_2M)], attrs)?;
        assert_eq!(
            pt.map(&mut ctx, va, &[chunk(0x200_0000, PAGE_4K)], attrs)
                .err(),
            Some(EEXIST)
        );
        Ok(())
    }

    #[test]
    fn sparse_entries() -> Result {
        let mem = FakeMem::new()?;
        let vram = vram()?;
        let mut garbage = Garbage::new();
        let mut ctx = Ctx {
            mem: &*mem,
            vram: &vram,
            sparse: &AllSparse,
            garbage: &mut garbage,
        };
        // Everything sparse: the root's entries say so, no table below.
        let mut pt = PageTables::new(&ctx, &VER2)?;
        let root = pt.root_addr();
        for i in 0..4 {
            assert_eq!(mem.read(root + 8 * i), SPARSE);
        }
        // A 4 KiB page in it: its neighbours are sparse, the big-page
        // entry is zero so the MMU looks at the small-page table.
        let va = 0x1_0000_0000;
        pt.map(
            &mut ctx,
            va,
            &[chunk(0x400_0000, PAGE_4K)],
            PteAttrs::default(),
        )?;
        let e = pd0_entry(&mem, root, va);
        let big = table(mem.read(e));
        let small = table(mem.read(e + 8));
        assert_eq!(mem.read(big), 0);
        assert_eq!(mem.read(small + 8), SPARSE);
        assert_eq!(mem.read(e + 16), SPARSE);
        // Unmapped, the page is sparse again.
        pt.unmap(&mut ctx, va..va + PAGE_4K)?;
        assert_eq!(mem.read(e), SPARSE);
        Ok(())
    }
}
