//! Helpers for the library's unit tests.

/// A seeded SplitMix64: the same numbers on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as usize
    }

    /// A number from 0 to `n - 1` (`n` must not be 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.next() % n
    }
}

/// `count` texts, each up to `max_pieces` of `pieces` joined end to end,
/// chosen by a seeded [`Rng`]: the same texts on every run.
pub fn random_texts(pieces: &[&str], count: usize, max_pieces: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|_| {
            let n = rng.below(max_pieces);
            (0..n).map(|_| pieces[rng.below(pieces.len())]).collect()
        })
        .collect()
}
