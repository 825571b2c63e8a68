//! The vfio-user side: region and interrupt descriptions, and the
//! [`ServerBackend`] that routes the client's requests to the [`Gpu`].

use std::fs::File;
use std::io;
use std::mem::size_of;
use std::path::Path;

use vfio_bindings::bindings::vfio::{
    vfio_region_info, vfio_region_sparse_mmap_area, VFIO_IRQ_INFO_AUTOMASKED,
    VFIO_IRQ_INFO_EVENTFD, VFIO_IRQ_INFO_MASKABLE, VFIO_IRQ_INFO_NORESIZE,
    VFIO_PCI_BAR1_REGION_INDEX, VFIO_PCI_ERR_IRQ_INDEX, VFIO_PCI_INTX_IRQ_INDEX,
    VFIO_PCI_MSI_IRQ_INDEX, VFIO_PCI_NUM_IRQS, VFIO_PCI_NUM_REGIONS, VFIO_PCI_REQ_IRQ_INDEX,
    VFIO_REGION_INFO_FLAG_MMAP, VFIO_REGION_INFO_FLAG_READ, VFIO_REGION_INFO_FLAG_WRITE,
};
use vfio_user::{
    DmaMapFlags, DmaUnmapFlags, IrqInfo, Server, ServerBackend, ServerRegion, SparseArea,
};

use crate::device::Gpu;

/// The region table QEMU reads with DEVICE_GET_REGION_INFO. With
/// [`Gpu::set_bar1_mmap`], BAR1 is one mmap-able area backed by the VRAM
/// memory file from offset 0 (BAR1 offset = VRAM address, physical mode).
pub fn regions(gpu: &Gpu) -> Vec<ServerRegion> {
    (0..VFIO_PCI_NUM_REGIONS)
        .map(|index| {
            let size = gpu.region_size(index);
            let mut flags = if size > 0 {
                VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE
            } else {
                0
            };
            let mmap_fd = gpu
                .bar1_mmap_fd()
                .filter(|_| index == VFIO_PCI_BAR1_REGION_INDEX && size > 0);
            let sparse_areas = match mmap_fd {
                Some(_) => {
                    flags |= VFIO_REGION_INFO_FLAG_MMAP;
                    vec![SparseArea {
                        area: vfio_region_sparse_mmap_area { offset: 0, size },
                    }]
                }
                None => Vec::new(),
            };
            ServerRegion {
                region_info: vfio_region_info {
                    argsz: size_of::<vfio_region_info>() as u32,
                    flags,
                    index,
                    cap_offset: 0,
                    size,
                    offset: 0,
                },
                sparse_areas,
                mmap_fd,
            }
        })
        .collect()
}

/// The interrupt table: one INTx line, one MSI vector, and the ERR and REQ
/// notifications.
pub fn irqs() -> Vec<IrqInfo> {
    (0..VFIO_PCI_NUM_IRQS)
        .map(|index| match index {
            VFIO_PCI_INTX_IRQ_INDEX => IrqInfo {
                index,
                count: 1,
                flags: VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED,
            },
            VFIO_PCI_MSI_IRQ_INDEX => IrqInfo {
                index,
                count: 1,
                flags: VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE,
            },
            VFIO_PCI_ERR_IRQ_INDEX | VFIO_PCI_REQ_IRQ_INDEX => IrqInfo {
                index,
                count: 1,
                flags: VFIO_IRQ_INFO_EVENTFD,
            },
            _ => IrqInfo {
                index,
                count: 0,
                flags: 0,
            },
        })
        .collect()
}

/// Routes vfio-user requests to a [`Gpu`].
pub struct Backend<'a> {
    gpu: &'a mut Gpu,
}

impl<'a> Backend<'a> {
    /// A backend serving `gpu`.
    pub fn new(gpu: &'a mut Gpu) -> Self {
        Self { gpu }
    }
}

impl ServerBackend for Backend<'_> {
    fn region_read(&mut self, region: u32, offset: u64, data: &mut [u8]) -> io::Result<()> {
        self.gpu.region_read(region, offset, data)
    }

    fn region_write(&mut self, region: u32, offset: u64, data: &[u8]) -> io::Result<()> {
        self.gpu.region_write(region, offset, data)
    }

    fn dma_map(
        &mut self,
        flags: DmaMapFlags,
        offset: u64,
        address: u64,
        size: u64,
        fd: Option<File>,
    ) -> io::Result<()> {
        let writable = flags.contains(DmaMapFlags::WRITE);
        self.gpu.dma.map(writable, offset, address, size, fd)
    }

    fn dma_unmap(&mut self, flags: DmaUnmapFlags, address: u64, size: u64) -> io::Result<()> {
        self.gpu
            .dma
            .unmap(flags.contains(DmaUnmapFlags::UNMAP_ALL), address, size)
    }

    fn reset(&mut self) -> io::Result<()> {
        self.gpu.reset();
        Ok(())
    }

    fn set_irqs(
        &mut self,
        index: u32,
        flags: u32,
        start: u32,
        count: u32,
        fds: Vec<File>,
    ) -> io::Result<()> {
        self.gpu.irq.set_irqs(index, flags, start, count, fds)
    }
}

/// Binds the vfio-user socket at `socket`, which must not exist yet.
pub fn listen(gpu: &Gpu, socket: &Path) -> Result<Server, vfio_user::Error> {
    let server = Server::new(socket, true, irqs(), regions(gpu))?;
    gpu.trace.log(format!(
        "{} ({}, device {:#06x}) listening on {}",
        gpu.chip().name,
        gpu.chip().board,
        gpu.chip().device_id,
        socket.display()
    ));
    Ok(server)
}

/// Serves one client until it disconnects; dropping `server` afterwards
/// removes the socket file.
pub fn run(server: Server, gpu: &mut Gpu) -> Result<(), vfio_user::Error> {
    let result = server.run(&mut Backend::new(gpu));
    drop(server);
    result
}
