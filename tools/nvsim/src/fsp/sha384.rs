//! SHA-384 (FIPS 180-4, the SHA-512 family): what the FSP computes over
//! the FMC image to compare with the COT's `hash384`.
//!
//! FIPS 180-4 section 6.4 (SHA-512's compression, 80 rounds on 64-bit
//! words, 1024-bit blocks, big-endian, the message padded with a 1 bit,
//! zeros and its 128-bit length), with SHA-384's initial value (section
//! 5.3.4) and the first 384 bits of the result (section 6.5). The
//! constants are derived rather than listed: `K[t]` is the first 64 bits
//! of the fractional part of the cube root of the t-th prime (section
//! 4.2.3), SHA-384's initial words those of the square roots of the 9th to
//! 16th primes (section 5.3.4); `constants` computes them with exact
//! integer roots, and the tests check the digest against the FIPS 180-4
//! examples.

use std::sync::OnceLock;

/// Digest size in bytes.
pub const DIGEST: usize = 48;
const BLOCK: usize = 128;

/// A 256-bit unsigned integer, four little-endian 64-bit limbs: enough for
/// `p << 192` with p < 512 and for the cube of a 68-bit number.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct U256([u64; 4]);

impl U256 {
    fn from_u128(v: u128) -> Self {
        Self([v as u64, (v >> 64) as u64, 0, 0])
    }

    /// `v << shift` (shift < 192, v < 2^64).
    fn shifted(v: u64, shift: u32) -> Self {
        let mut l = [0u64; 4];
        let (word, bit) = ((shift / 64) as usize, shift % 64);
        l[word] = v << bit;
        if bit != 0 && word + 1 < 4 {
            l[word + 1] = v >> (64 - bit);
        }
        Self(l)
    }

    /// The product, truncated to 256 bits.
    fn mul(self, o: Self) -> Self {
        let mut r = [0u64; 4];
        for i in 0..4 {
            let mut carry = 0u128;
            for j in 0..4 - i {
                let t = u128::from(self.0[i]) * u128::from(o.0[j]) + u128::from(r[i + j]) + carry;
                r[i + j] = t as u64;
                carry = t >> 64;
            }
        }
        Self(r)
    }

    /// Compares limb by limb from the most significant.
    fn le(self, o: Self) -> bool {
        let a = self.0.iter().rev();
        let b = o.0.iter().rev();
        a.cmp(b) != std::cmp::Ordering::Greater
    }
}

/// floor(n^(1/k)) for k = 2 or 3, where the root is below 2^68: bit by
/// bit from the top, keeping each bit whose power does not exceed `n`.
fn iroot(n: U256, k: u32) -> u128 {
    let mut x = 0u128;
    for bit in (0..68).rev() {
        let c = x | (1u128 << bit);
        let cu = U256::from_u128(c);
        let mut p = cu;
        for _ in 1..k {
            p = p.mul(cu);
        }
        if p.le(n) {
            x = c;
        }
    }
    x
}

/// The first `n` primes.
fn primes(n: usize) -> Vec<u64> {
    let mut p = Vec::with_capacity(n);
    let mut c = 2u64;
    while p.len() < n {
        if p.iter()
            .take_while(|q| *q * *q <= c)
            .all(|q| !c.is_multiple_of(*q))
        {
            p.push(c);
        }
        c += 1;
    }
    p
}

/// (K[0..80], SHA-384's initial hash value).
fn constants() -> &'static ([u64; 80], [u64; 8]) {
    static C: OnceLock<([u64; 80], [u64; 8])> = OnceLock::new();
    C.get_or_init(|| {
        let p = primes(80);
        let mut k = [0u64; 80];
        for (t, k) in k.iter_mut().enumerate() {
            // cbrt(p) * 2^64 = cbrt(p * 2^192); its low 64 bits are the
            // fraction's first 64 bits.
            *k = iroot(U256::shifted(p[t], 192), 3) as u64;
        }
        let mut h = [0u64; 8];
        for (i, h) in h.iter_mut().enumerate() {
            *h = iroot(U256::shifted(p[8 + i], 128), 2) as u64;
        }
        (k, h)
    })
}

/// A streaming SHA-384.
#[derive(Clone)]
pub struct Sha384 {
    h: [u64; 8],
    len: u128,
    buf: Vec<u8>,
}

impl Default for Sha384 {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha384 {
    /// An empty hash.
    pub fn new() -> Self {
        Self {
            h: constants().1,
            len: 0,
            buf: Vec::with_capacity(BLOCK),
        }
    }

    fn compress(h: &mut [u64; 8], block: &[u8]) {
        let k = &constants().0;
        let mut w = [0u64; 80];
        for (t, c) in block.chunks_exact(8).enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            w[t] = u64::from_be_bytes(b);
        }
        for t in 16..80 {
            let s0 = w[t - 15].rotate_right(1) ^ w[t - 15].rotate_right(8) ^ (w[t - 15] >> 7);
            let s1 = w[t - 2].rotate_right(19) ^ w[t - 2].rotate_right(61) ^ (w[t - 2] >> 6);
            w[t] = s1
                .wrapping_add(w[t - 7])
                .wrapping_add(s0)
                .wrapping_add(w[t - 16]);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = *h;
        for t in 0..80 {
            let big_s1 = e.rotate_right(14) ^ e.rotate_right(18) ^ e.rotate_right(41);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(big_s1)
                .wrapping_add(ch)
                .wrapping_add(k[t])
                .wrapping_add(w[t]);
            let big_s0 = a.rotate_right(28) ^ a.rotate_right(34) ^ a.rotate_right(39);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = big_s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, v) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(v);
        }
    }

    /// Adds `data`.
    pub fn update(&mut self, mut data: &[u8]) {
        self.len += data.len() as u128;
        if !self.buf.is_empty() {
            let n = (BLOCK - self.buf.len()).min(data.len());
            self.buf.extend_from_slice(&data[..n]);
            data = &data[n..];
            if self.buf.len() < BLOCK {
                return;
            }
            let b = std::mem::take(&mut self.buf);
            Self::compress(&mut self.h, &b);
        }
        let mut chunks = data.chunks_exact(BLOCK);
        for c in &mut chunks {
            Self::compress(&mut self.h, c);
        }
        self.buf.extend_from_slice(chunks.remainder());
    }

    /// The digest of everything added.
    pub fn finish(mut self) -> [u8; DIGEST] {
        let bits = self.len.wrapping_mul(8);
        let mut tail = std::mem::take(&mut self.buf);
        tail.push(0x80);
        while tail.len() % BLOCK != BLOCK - 16 {
            tail.push(0);
        }
        tail.extend_from_slice(&bits.to_be_bytes());
        for c in tail.chunks_exact(BLOCK) {
            Self::compress(&mut self.h, c);
        }
        let mut out = [0u8; DIGEST];
        for (o, h) in out.chunks_exact_mut(8).zip(self.h) {
            o.copy_from_slice(&h.to_be_bytes());
        }
        out
    }
}

/// SHA-384 of `data`.
pub fn sha384(data: &[u8]) -> [u8; DIGEST] {
    let mut s = Sha384::new();
    s.update(data);
    s.finish()
}

/// Lower-case hex of `b`, for the log.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_constants_are_fips_180_4s() {
        let (k, h) = constants();
        // Section 4.2.3's first and last K, section 5.3.4's first and last H.
        assert_eq!(k[0], 0x428a_2f98_d728_ae22);
        assert_eq!(k[79], 0x6c44_198c_4a47_5817);
        assert_eq!(h[0], 0xcbbb_9d5d_c105_9ed8);
        assert_eq!(h[7], 0x47b5_481d_befa_4fa4);
    }

    #[test]
    fn fips_180_4_examples() {
        // "abc" (one block), the empty message, and the 896-bit two-block
        // example of FIPS 180-4's SHA-384 examples.
        assert_eq!(
            hex(&sha384(b"abc")),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed\
             8086072ba1e7cc2358baeca134c825a7"
        );
        assert_eq!(
            hex(&sha384(b"")),
            "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da\
             274edebfe76f65fbd51ad2f14898b95b"
        );
        let two = b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno\
ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
        assert_eq!(
            hex(&sha384(two)),
            "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712\
             fcc7c71a557e2db966c3e9fa91746039"
        );
    }

    #[test]
    fn streaming_matches_one_shot() {
        let data: Vec<u8> = (0..5000u32).map(|i| (i * 31 + 7) as u8).collect();
        for step in [1, 63, 127, 128, 129, 1000] {
            let mut s = Sha384::new();
            for c in data.chunks(step) {
                s.update(c);
            }
            assert_eq!(s.finish(), sha384(&data), "chunks of {step}");
        }
        // Lengths around the padding boundary (111/112 bytes in a block).
        for n in 110..115 {
            assert_ne!(sha384(&data[..n]), sha384(&data[..n + 1]));
        }
    }
}
