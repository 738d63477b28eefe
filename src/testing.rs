//! Helpers for the library's unit tests.

/// `count` texts, each up to `max_pieces` of `pieces` joined end to end,
/// chosen by a seeded SplitMix64: the same texts on every run.
pub fn random_texts(pieces: &[&str], count: usize, max_pieces: usize, seed: u64) -> Vec<String> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as usize
    };
    (0..count)
        .map(|_| {
            let n = next() % max_pieces;
            (0..n).map(|_| pieces[next() % pieces.len()]).collect()
        })
        .collect()
}
