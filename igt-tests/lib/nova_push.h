/* SPDX-License-Identifier: MIT */
/*
 * nova_push.h - building push buffers for nova's channels: the method
 * header encoding of the host (PBDMA), the host methods and the copy-engine
 * methods that nova's tests, benchmarks and the walk-through use.
 *
 * Header-only and free of libigt, so that plain programs can include it.
 *
 * Where the facts come from (read for the values, nothing copied):
 *  - the method header formats, the host methods and the GPFIFO limits:
 *    NVIDIA open-gpu-kernel-modules, kernel-open/nvidia-uvm/clc56f.h
 *    (AMPERE_CHANNEL_GPFIFO_A, "dma method formats"; Turing's clc46f.h has
 *    the same), whose header points at dev_pbdma.ref / dev_ram.ref;
 *  - the copy-engine methods: kernel-open/nvidia-uvm/clc5b5.h
 *    (TURING_DMA_COPY_A) and clc7b5.h (AMPERE_DMA_COPY_B, also Ada's copy
 *    class); every method and field used here has the same offset and
 *    bits in both;
 *  - the subchannel a copy class is bound to by convention (4): nouveau's
 *    nvif push906f.h (PUSH906F_SUBC_NV90B5/NVA0B5) and Mesa's NVK, whose
 *    nv_push.h encodes headers the same way.
 *
 * A push buffer is a sequence of 32-bit words: a method header, then the
 * data words it announces. Method addresses are byte offsets in the class
 * (a multiple of 4); the header carries them in dwords.
 */

#ifndef NOVA_PUSH_H
#define NOVA_PUSH_H

#include <stdbool.h>
#include <stdint.h>

#include "nova_drm.h"

/* --- method headers (clc56f.h, NVC56F_DMA_*) ------------------------------ */

/* SEC_OP, bits 31:29: how the data words that follow are spent. */
#define NV_PUSH_SEC_OP_INC		1u	/* method, method + 4, ... */
#define NV_PUSH_SEC_OP_NON_INC		3u	/* every word to one method */
#define NV_PUSH_SEC_OP_IMMD		4u	/* 13-bit data in the header */
#define NV_PUSH_SEC_OP_ONE_INC		5u	/* first to mthd, rest to +4 */
#define NV_PUSH_SEC_OP_END_SEGMENT	7u	/* ends the push buffer */
#define NV_PUSH_SEC_OP_SHIFT		29
/* COUNT (or the immediate data), bits 28:16. */
#define NV_PUSH_COUNT_SHIFT		16
#define NV_PUSH_COUNT_MAX		0x1fffu
/* SUBCHANNEL, bits 15:13; there are 8 subchannels. */
#define NV_PUSH_SUBC_SHIFT		13
#define NV_PUSH_SUBC_MAX		7u
/* ADDRESS, bits 11:0, in dwords (the method's byte offset >> 2). */
#define NV_PUSH_ADDR_MASK		0xfffu
/* An all-zero word is a no-operation (NVC56F_DMA_NOP). */
#define NV_PUSH_DMA_NOP			0u

/* The subchannel nova's users bind the copy class to (see above). */
#define NV_PUSH_SUBC_HOST		0u
#define NV_PUSH_SUBC_COPY		4u

static inline uint32_t nv_push_hdr(uint32_t sec_op, uint32_t subc,
				   uint32_t mthd, uint32_t count)
{
	return sec_op << NV_PUSH_SEC_OP_SHIFT |
	       (count & NV_PUSH_COUNT_MAX) << NV_PUSH_COUNT_SHIFT |
	       (subc & NV_PUSH_SUBC_MAX) << NV_PUSH_SUBC_SHIFT |
	       ((mthd >> 2) & NV_PUSH_ADDR_MASK);
}

/* --- host methods, any subchannel (clc56f.h, NVC56F_*) -------------------- */

/* Binds the subchannel the method is sent on to an object of the channel. */
#define NV_HOST_SET_OBJECT			0x0000
#define NV_HOST_SET_OBJECT_NVCLASS(c)		((c) & 0xffffu)	/* 15:0 */
#define NV_HOST_NOP				0x0008
#define NV_HOST_NON_STALL_INTERRUPT		0x0020
#define NV_HOST_SEM_ADDR_LO			0x005c	/* OFFSET 31:2 */
#define NV_HOST_SEM_ADDR_HI			0x0060	/* OFFSET 7:0 */
#define NV_HOST_SEM_PAYLOAD_LO			0x0064
#define NV_HOST_SEM_PAYLOAD_HI			0x0068
#define NV_HOST_SEM_EXECUTE			0x006c
#define NV_HOST_SEM_EXECUTE_OP_ACQUIRE		0x0u	/* OPERATION 2:0 */
#define NV_HOST_SEM_EXECUTE_OP_RELEASE		0x1u
#define NV_HOST_SEM_EXECUTE_OP_ACQ_STRICT_GEQ	0x2u
#define NV_HOST_SEM_EXECUTE_RELEASE_WFI		(1u << 20)
#define NV_HOST_SEM_EXECUTE_PAYLOAD_64BIT	(1u << 24)
#define NV_HOST_WFI				0x0078

/*
 * GPFIFO entry LENGTH is bits 30:10 of ENTRY1: at most 2^21 - 1 dwords;
 * its address is 40 bits (GET 31:2, GET_HI 7:0), hence nova_drm.h's
 * NOVA_EXEC_VA_LIMIT for push buffers.
 */
#define NV_GPFIFO_LENGTH_MAX_DWORDS		((1u << 21) - 1)

/* --- copy engine (clc5b5.h / clc7b5.h, NVC5B5_* / NVC7B5_*) --------------- */

#define NV_CE_NOP				0x0100
#define NV_CE_LAUNCH_DMA			0x0300
/* LAUNCH_DMA fields. */
#define NV_CE_LAUNCH_DMA_TRANSFER_NONE		(0u << 0)	/* 1:0 */
#define NV_CE_LAUNCH_DMA_TRANSFER_PIPELINED	(1u << 0)
#define NV_CE_LAUNCH_DMA_TRANSFER_NON_PIPELINED	(2u << 0)
#define NV_CE_LAUNCH_DMA_FLUSH_ENABLE		(1u << 2)
#define NV_CE_LAUNCH_DMA_SEMAPHORE_NONE		(0u << 3)	/* 4:3 */
#define NV_CE_LAUNCH_DMA_INTERRUPT_NONE		(0u << 5)	/* 6:5 */
#define NV_CE_LAUNCH_DMA_SRC_LAYOUT_PITCH	(1u << 7)
#define NV_CE_LAUNCH_DMA_DST_LAYOUT_PITCH	(1u << 8)
#define NV_CE_LAUNCH_DMA_MULTI_LINE_ENABLE	(1u << 9)
#define NV_CE_LAUNCH_DMA_REMAP_ENABLE		(1u << 10)
#define NV_CE_LAUNCH_DMA_SRC_TYPE_VIRTUAL	(0u << 12)
#define NV_CE_LAUNCH_DMA_SRC_TYPE_PHYSICAL	(1u << 12)
#define NV_CE_LAUNCH_DMA_DST_TYPE_VIRTUAL	(0u << 13)
#define NV_CE_LAUNCH_DMA_DST_TYPE_PHYSICAL	(1u << 13)
/* OFFSET_*_UPPER: address bits 48:32 (UPPER 16:0); LOWER: bits 31:0. */
#define NV_CE_OFFSET_IN_UPPER			0x0400
#define NV_CE_OFFSET_IN_LOWER			0x0404
#define NV_CE_OFFSET_OUT_UPPER			0x0408
#define NV_CE_OFFSET_OUT_LOWER			0x040c
#define NV_CE_OFFSET_UPPER_MASK			0x1ffffu
#define NV_CE_PITCH_IN				0x0410
#define NV_CE_PITCH_OUT				0x0414
/* Bytes per line; with REMAP_ENABLE, pixels (groups of components). */
#define NV_CE_LINE_LENGTH_IN			0x0418
#define NV_CE_LINE_COUNT			0x041c
#define NV_CE_SET_REMAP_CONST_A			0x0700
#define NV_CE_SET_REMAP_CONST_B			0x0704
#define NV_CE_SET_REMAP_COMPONENTS		0x0708
/* SET_REMAP_COMPONENTS: DST_X 2:0, DST_Y 6:4, DST_Z 10:8, DST_W 14:12. */
#define NV_CE_REMAP_DST_X(sel)			((uint32_t)(sel) << 0)
#define NV_CE_REMAP_DST_Y(sel)			((uint32_t)(sel) << 4)
#define NV_CE_REMAP_DST_Z(sel)			((uint32_t)(sel) << 8)
#define NV_CE_REMAP_DST_W(sel)			((uint32_t)(sel) << 12)
#define NV_CE_REMAP_SRC_X			0u
#define NV_CE_REMAP_SRC_Y			1u
#define NV_CE_REMAP_SRC_Z			2u
#define NV_CE_REMAP_SRC_W			3u
#define NV_CE_REMAP_CONST_A			4u
#define NV_CE_REMAP_CONST_B			5u
#define NV_CE_REMAP_NO_WRITE			6u
/*
 * COMPONENT_SIZE 17:16, NUM_SRC_COMPONENTS 21:20, NUM_DST_COMPONENTS 25:24,
 * each holding (value - 1): ONE 0, TWO 1, THREE 2, FOUR 3.
 */
#define NV_CE_REMAP_COMPONENT_SIZE(bytes)	((uint32_t)((bytes) - 1) << 16)
#define NV_CE_REMAP_NUM_SRC_COMPONENTS(n)	((uint32_t)((n) - 1) << 20)
#define NV_CE_REMAP_NUM_DST_COMPONENTS(n)	((uint32_t)((n) - 1) << 24)

/* A plain 1D copy or fill: virtual addresses, pitch layouts, flushed. */
#define NV_CE_LAUNCH_DMA_1D						\
	(NV_CE_LAUNCH_DMA_TRANSFER_NON_PIPELINED |			\
	 NV_CE_LAUNCH_DMA_FLUSH_ENABLE |				\
	 NV_CE_LAUNCH_DMA_SEMAPHORE_NONE |				\
	 NV_CE_LAUNCH_DMA_INTERRUPT_NONE |				\
	 NV_CE_LAUNCH_DMA_SRC_LAYOUT_PITCH |				\
	 NV_CE_LAUNCH_DMA_DST_LAYOUT_PITCH |				\
	 NV_CE_LAUNCH_DMA_SRC_TYPE_VIRTUAL |				\
	 NV_CE_LAUNCH_DMA_DST_TYPE_VIRTUAL)

/* --- a push buffer builder ------------------------------------------------ */

/*
 * Words are appended at @pos of a CPU mapping @map whose first word the GPU
 * sees at @va. nv_push_begin() starts a push buffer, nv_push_end() gives the
 * &struct drm_nova_exec_push that names the words written since. Writing
 * past @size_dw sets @overflow and drops the words; nv_push_end() then
 * fails.
 */
struct nv_push {
	uint32_t *map;
	uint64_t va;
	uint32_t size_dw;
	uint32_t pos;
	uint32_t start;
	bool overflow;
};

static inline void nv_push_init(struct nv_push *p, void *map, uint64_t va,
				uint64_t bytes)
{
	p->map = (uint32_t *)map;
	p->va = va;
	p->size_dw = (uint32_t)(bytes / 4);
	p->pos = 0;
	p->start = 0;
	p->overflow = false;
}

/* Starts over at the first word (only when the GPU is done with them). */
static inline void nv_push_reset(struct nv_push *p)
{
	p->pos = 0;
	p->start = 0;
	p->overflow = false;
}

static inline void nv_push_begin(struct nv_push *p)
{
	p->start = p->pos;
	p->overflow = false;
}

static inline void nv_push_word(struct nv_push *p, uint32_t word)
{
	if (p->pos >= p->size_dw) {
		p->overflow = true;
		return;
	}
	p->map[p->pos++] = word;
}

/* Header of @count words for @mthd, @mthd + 4, ... */
static inline void nv_push_inc(struct nv_push *p, uint32_t subc,
			       uint32_t mthd, uint32_t count)
{
	nv_push_word(p, nv_push_hdr(NV_PUSH_SEC_OP_INC, subc, mthd, count));
}

/* Header of @count words all for @mthd. */
static inline void nv_push_non_inc(struct nv_push *p, uint32_t subc,
				   uint32_t mthd, uint32_t count)
{
	nv_push_word(p, nv_push_hdr(NV_PUSH_SEC_OP_NON_INC, subc, mthd, count));
}

/* Header of @count words: the first for @mthd, the others for @mthd + 4. */
static inline void nv_push_one_inc(struct nv_push *p, uint32_t subc,
				   uint32_t mthd, uint32_t count)
{
	nv_push_word(p, nv_push_hdr(NV_PUSH_SEC_OP_ONE_INC, subc, mthd, count));
}

/* One method whose data (below 0x2000) travels in the header itself. */
static inline bool nv_push_immd(struct nv_push *p, uint32_t subc,
				uint32_t mthd, uint32_t data)
{
	if (data > NV_PUSH_COUNT_MAX) {
		p->overflow = true;
		return false;
	}
	nv_push_word(p, nv_push_hdr(NV_PUSH_SEC_OP_IMMD, subc, mthd, data));
	return true;
}

/* One method with one data word. */
static inline void nv_push_mthd(struct nv_push *p, uint32_t subc,
				uint32_t mthd, uint32_t data)
{
	nv_push_inc(p, subc, mthd, 1);
	nv_push_word(p, data);
}

/*
 * Ends the push buffer begun last: fills @out (GPU VA, length in bytes,
 * flags 0) and returns true, or false if it is empty or overflowed.
 */
static inline bool nv_push_end(struct nv_push *p,
			       struct drm_nova_exec_push *out)
{
	out->va = p->va + (uint64_t)p->start * 4;
	out->len = (p->pos - p->start) * 4;
	out->flags = 0;
	return !p->overflow && p->pos > p->start;
}

/* --- copy-engine sequences ------------------------------------------------ */

/* SET_OBJECT: binds subchannel @subc to the channel's engine object @cls. */
static inline void nv_push_set_object(struct nv_push *p, uint32_t subc,
				      uint32_t cls)
{
	nv_push_mthd(p, subc, NV_HOST_SET_OBJECT,
		     NV_HOST_SET_OBJECT_NVCLASS(cls));
}

/*
 * A 1D copy of @len bytes from GPU VA @src to GPU VA @dst on the copy
 * object bound to @subc: OFFSET_IN_UPPER .. LINE_COUNT are eight
 * consecutive methods, written with one incrementing header; LAUNCH_DMA's
 * value fits an immediate header.
 */
static inline void nv_push_copy(struct nv_push *p, uint32_t subc,
				uint64_t src, uint64_t dst, uint32_t len)
{
	nv_push_inc(p, subc, NV_CE_OFFSET_IN_UPPER, 8);
	nv_push_word(p, (uint32_t)(src >> 32) & NV_CE_OFFSET_UPPER_MASK);
	nv_push_word(p, (uint32_t)src);
	nv_push_word(p, (uint32_t)(dst >> 32) & NV_CE_OFFSET_UPPER_MASK);
	nv_push_word(p, (uint32_t)dst);
	nv_push_word(p, len);		/* PITCH_IN */
	nv_push_word(p, len);		/* PITCH_OUT */
	nv_push_word(p, len);		/* LINE_LENGTH_IN, bytes */
	nv_push_word(p, 1);		/* LINE_COUNT */
	nv_push_immd(p, subc, NV_CE_LAUNCH_DMA, NV_CE_LAUNCH_DMA_1D);
}

/*
 * Fills @words 32-bit words at GPU VA @dst with @value through the remap
 * unit: one destination component of four bytes, taken from CONST_A; no
 * source is read. SET_REMAP_CONST_A and _B go with one increment-once
 * header (A, then B, B), the offsets and lengths with an incrementing one.
 */
static inline void nv_push_fill(struct nv_push *p, uint32_t subc,
				uint64_t dst, uint32_t words, uint32_t value)
{
	nv_push_one_inc(p, subc, NV_CE_SET_REMAP_CONST_A, 2);
	nv_push_word(p, value);		/* SET_REMAP_CONST_A */
	nv_push_word(p, 0);		/* SET_REMAP_CONST_B */
	nv_push_mthd(p, subc, NV_CE_SET_REMAP_COMPONENTS,
		     NV_CE_REMAP_DST_X(NV_CE_REMAP_CONST_A) |
		     NV_CE_REMAP_DST_Y(NV_CE_REMAP_NO_WRITE) |
		     NV_CE_REMAP_DST_Z(NV_CE_REMAP_NO_WRITE) |
		     NV_CE_REMAP_DST_W(NV_CE_REMAP_NO_WRITE) |
		     NV_CE_REMAP_COMPONENT_SIZE(4) |
		     NV_CE_REMAP_NUM_SRC_COMPONENTS(1) |
		     NV_CE_REMAP_NUM_DST_COMPONENTS(1));
	nv_push_inc(p, subc, NV_CE_OFFSET_OUT_UPPER, 2);
	nv_push_word(p, (uint32_t)(dst >> 32) & NV_CE_OFFSET_UPPER_MASK);
	nv_push_word(p, (uint32_t)dst);
	nv_push_inc(p, subc, NV_CE_LINE_LENGTH_IN, 2);
	nv_push_word(p, words);		/* LINE_LENGTH_IN, pixels */
	nv_push_word(p, 1);		/* LINE_COUNT */
	nv_push_immd(p, subc, NV_CE_LAUNCH_DMA,
		     NV_CE_LAUNCH_DMA_1D | NV_CE_LAUNCH_DMA_REMAP_ENABLE);
}

/*
 * A host semaphore release: the 32-bit @payload written at GPU VA @va
 * (4-byte aligned) once the work before it is done (RELEASE_WFI).
 * SEM_ADDR_LO .. SEM_EXECUTE are five consecutive host methods.
 */
static inline void nv_push_sem_release(struct nv_push *p, uint64_t va,
				       uint32_t payload)
{
	nv_push_inc(p, NV_PUSH_SUBC_HOST, NV_HOST_SEM_ADDR_LO, 5);
	nv_push_word(p, (uint32_t)va & ~3u);
	nv_push_word(p, (uint32_t)(va >> 32) & 0xffu);
	nv_push_word(p, payload);
	nv_push_word(p, 0);
	nv_push_word(p, NV_HOST_SEM_EXECUTE_OP_RELEASE |
		     NV_HOST_SEM_EXECUTE_RELEASE_WFI);
}

/* @count host NOPs, sent with one non-incrementing header. */
static inline void nv_push_host_nops(struct nv_push *p, uint32_t count)
{
	nv_push_non_inc(p, NV_PUSH_SUBC_HOST, NV_HOST_NOP, count);
	for (uint32_t i = 0; i < count; i++)
		nv_push_word(p, 0);
}

#endif /* NOVA_PUSH_H */
