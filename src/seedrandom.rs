//! The original playground's seeded random stream (seedrandom 2.4.4, ARC4 generator).
//!
//! A shared link carries a `seed=` string; the browser feeds that raw text to seedrandom and then
//! draws data, the shuffle and the initial weights from the one stream, in that order. Reproducing
//! the stream bit for bit is what makes a link open with the same points and the same starting
//! weights here as in the browser. The algorithm follows `../shared/reference/seedrandom/README.md`.

use serde::{Deserialize, Serialize};

/// The generator. Its whole state is the RC4 permutation and two indices, so it can be saved and
/// restored exactly (see [`Arc4::state`]).
#[derive(Clone, PartialEq, Eq)]
pub struct Arc4 {
    i: u8,
    j: u8,
    s: [u8; 256],
}

/// A serialisable copy of the generator's state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arc4State {
    pub i: u8,
    pub j: u8,
    /// The 256-entry permutation.
    pub s: Vec<u8>,
}

impl std::fmt::Debug for Arc4 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Arc4").field("i", &self.i).field("j", &self.j).finish_non_exhaustive()
    }
}

impl Arc4 {
    /// Seeds the stream exactly as `Math.seedrandom(seed)` does.
    pub fn new(seed: &str) -> Self {
        // Fold the seed's UTF-16 code units into a key of at most 256 bytes.
        let mut key: Vec<u8> = Vec::new();
        let mut smear: u32 = 0;
        for (j, c) in seed.encode_utf16().enumerate() {
            let slot = j & 255;
            let k = key.get(slot).copied().unwrap_or(0) as u32;
            smear ^= k * 19;
            let byte = (smear.wrapping_add(c as u32) & 255) as u8;
            if slot < key.len() {
                key[slot] = byte;
            } else {
                key.push(byte);
            }
        }
        if key.is_empty() {
            key.push(0);
        }

        let mut s = [0u8; 256];
        for (i, v) in s.iter_mut().enumerate() {
            *v = i as u8;
        }
        let mut j: u8 = 0;
        for i in 0..256 {
            j = j.wrapping_add(key[i % key.len()]).wrapping_add(s[i]);
            s.swap(i, j as usize);
        }
        let mut rng = Arc4 { i: 0, j: 0, s };
        // RC4-drop[256]: the first bytes of RC4 are biased, seedrandom discards them.
        for _ in 0..256 {
            rng.byte();
        }
        rng
    }

    fn byte(&mut self) -> u8 {
        self.i = self.i.wrapping_add(1);
        let t = self.s[self.i as usize];
        self.j = self.j.wrapping_add(t);
        self.s[self.i as usize] = self.s[self.j as usize];
        self.s[self.j as usize] = t;
        self.s[self.s[self.i as usize].wrapping_add(self.s[self.j as usize]) as usize]
    }

    fn bytes(&mut self, count: usize) -> u128 {
        let mut r: u128 = 0;
        for _ in 0..count {
            r = r * 256 + self.byte() as u128;
        }
        r
    }

    /// The next double in [0, 1), as `Math.random()` returns it after seeding.
    pub fn next_f64(&mut self) -> f64 {
        // Exact integer arithmetic: the denominator can reach 2^72, past u64.
        let mut n: u128 = self.bytes(6);
        let mut d: u128 = 1 << 48;
        let mut x: u128 = 0;
        while n < (1u128 << 52) {
            n = (n + x) * 256;
            d *= 256;
            x = self.bytes(1);
        }
        while n >= (1u128 << 53) {
            n /= 2;
            d /= 2;
            x >>= 1;
        }
        // n + x < 2^53 and d is a power of two, so both conversions and the division are exact.
        (n + x) as f64 / d as f64
    }

    /// `U(a, b) = random() * (b - a) + a`, in the original's order of operations.
    pub fn uniform(&mut self, a: f64, b: f64) -> f64 {
        self.next_f64() * (b - a) + a
    }

    pub fn state(&self) -> Arc4State {
        Arc4State { i: self.i, j: self.j, s: self.s.to_vec() }
    }

    /// Restores a saved state. Fails unless `s` is a permutation of 0..=255, since anything else
    /// cannot have come from a real stream.
    pub fn from_state(state: &Arc4State) -> Option<Self> {
        let s: [u8; 256] = state.s.as_slice().try_into().ok()?;
        let mut seen = [false; 256];
        for &v in &s {
            if std::mem::replace(&mut seen[v as usize], true) {
                return None;
            }
        }
        Some(Arc4 { i: state.i, j: state.j, s })
    }
}

/// A fresh seed in the original's style (`Math.random().toFixed(5)`), for a state without one.
pub fn fresh_seed() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    let v = (h.finish() >> 11) as f64 / (1u64 << 53) as f64;
    format!("{v:.5}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readme_check_values() {
        let mut r = Arc4::new("0.59704");
        assert_eq!(r.next_f64(), 0.3720885891366738);
        assert_eq!(r.next_f64(), 0.5777042295963245);
    }

    #[test]
    fn state_round_trip_continues_the_stream() {
        let mut a = Arc4::new("abc");
        a.next_f64();
        let mut b = Arc4::from_state(&a.state()).expect("valid state");
        for _ in 0..100 {
            assert_eq!(a.next_f64().to_bits(), b.next_f64().to_bits());
        }
        let mut bad = a.state();
        bad.s[0] = bad.s[1];
        assert!(Arc4::from_state(&bad).is_none());
    }

    #[test]
    fn fresh_seed_looks_like_the_originals() {
        let s = fresh_seed();
        assert_eq!(s.len(), 7, "{s}");
        assert!(s.starts_with("0."), "{s}");
    }
}
