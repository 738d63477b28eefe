//! The second line of defence: scanning every written file for exempt text
//! (DESIGN.md rule 5).
//!
//! It works independently of `visibility`'s type boundary: it knows nothing of
//! templates or models, only the exempt sources and the bytes written.
//!
//! - Text is read as a stream of words (letters and digits, lower-cased, HTML
//!   entities decoded), once with markup and once with `<...>` removed, so text
//!   split across tags or hidden in attributes is still seen.
//! - Exempt documents and passages become shingles of [`SHINGLE_WORDS`] words,
//!   winnowed (Schleimer, Wilkerson and Aiken, "Winnowing", SIGMOD 2003) with a
//!   window of [`WINNOW_WINDOW`]: any copied run of [`GUARANTEED_WORDS`] words
//!   is always found, shorter copies of eight words or more almost always, and
//!   memory stays a fraction of the text's size.
//! - Exempt values (cells, titles, short passages) are matched as whole word
//!   sequences; exempt files byte for byte.
//! - Text of the built-in templates and public withholding notices is never a
//!   fingerprint, since finding it proves nothing. Public *sources* are not
//!   subtracted: one that contains exempt text is reported as an [`Overlap`],
//!   because copying from an exempt paper into a public one is exactly the
//!   accident this guards against.
//!
//! Compressed output (gzip) is opened and its contents scanned, so a search
//! index or sitemap written as `.gz` is covered; one that cannot be opened is
//! reported, never skipped. Published images are cleaned of metadata on the
//! way out (`images`), so an exempt image is fingerprinted both as it is and as
//! it would be once cleaned: the byte-for-byte check still catches it.
//!
//! A leak report names the output file and the exempt source, never the text.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Read;

/// Words in a shingle.
pub const SHINGLE_WORDS: usize = 8;
/// Shingles per winnowing window.
pub const WINNOW_WINDOW: usize = 4;
/// A copied run at least this long is always detected.
pub const GUARANTEED_WORDS: usize = SHINGLE_WORDS + WINNOW_WINDOW - 1;

/// A value shorter than this (letters and digits only) is too likely to appear
/// by chance (a score of `72`) to be evidence of a leak.
pub const MIN_VALUE_CHARS: usize = 4;

/// Keys here are already well-mixed hashes; hashing them again is waste.
#[derive(Default, Clone, Copy)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type HashKeyed<V> = HashMap<u64, V, BuildHasherDefault<Identity>>;
type HashSetU64 = HashSet<u64, BuildHasherDefault<Identity>>;

/// Collects exempt and public text while `visibility` walks the site.
///
/// The build cache keeps one per decision folder
/// ([`crate::visibility::freeze`]); its maps come back holding the same
/// entries, in whatever order they then iterate, which nothing depends on.
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct FingerprintsBuilder {
    sources: Vec<String>,
    source_index: HashMap<String, u32>,
    shingles: HashKeyed<u32>,
    values: Vec<(Vec<u64>, u32)>,
    files: Vec<(u64, usize, u32)>,
    public_shingles: HashSetU64,
    /// Distinct public texts (many notices are worded alike).
    public_texts: HashSet<Vec<u64>>,
    public_sources: Vec<(String, String)>,
    /// Public files, checked by reading them again at the end rather than
    /// holding a copy of every one.
    public_files: Vec<String>,
    /// Keeps nothing (see [`FingerprintsBuilder::discarding`]).
    discard: bool,
}

/// Sorted, so that two builders holding the same entries print alike,
/// whatever order their hash maps iterate in.
impl std::fmt::Debug for FingerprintsBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::collections::{BTreeMap, BTreeSet};
        f.debug_struct("FingerprintsBuilder")
            .field("sources", &self.sources)
            .field(
                "source_index",
                &self.source_index.iter().collect::<BTreeMap<_, _>>(),
            )
            .field(
                "shingles",
                &self.shingles.iter().collect::<BTreeMap<_, _>>(),
            )
            .field("values", &self.values)
            .field("files", &self.files)
            .field(
                "public_shingles",
                &self.public_shingles.iter().collect::<BTreeSet<_>>(),
            )
            .field(
                "public_texts",
                &self.public_texts.iter().collect::<BTreeSet<_>>(),
            )
            .field("public_sources", &self.public_sources)
            .field("public_files", &self.public_files)
            .field("discard", &self.discard)
            .finish()
    }
}

/// A public source that contains text from an exempt one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Overlap {
    pub public: String,
    pub exempt: String,
}

impl FingerprintsBuilder {
    fn source(&mut self, source: &str) -> u32 {
        if let Some(i) = self.source_index.get(source) {
            return *i;
        }
        let i = u32::try_from(self.sources.len()).expect("fewer than 4 billion sources");
        self.sources.push(source.to_string());
        self.source_index.insert(source.to_string(), i);
        i
    }

    /// A builder that keeps nothing, for separating a folder again whose
    /// fingerprints were already taken.
    pub fn discarding() -> FingerprintsBuilder {
        FingerprintsBuilder {
            discard: true,
            ..FingerprintsBuilder::default()
        }
    }

    /// Adds what another builder collected (from another decision folder,
    /// separated in parallel). Merging in a fixed order gives the same
    /// fingerprints whatever the threads did.
    pub fn merge(&mut self, other: FingerprintsBuilder) {
        let remap: Vec<u32> = other.sources.iter().map(|s| self.source(s)).collect();
        for (shingle, si) in other.shingles {
            self.shingles.entry(shingle).or_insert(remap[si as usize]);
        }
        self.values.extend(
            other
                .values
                .into_iter()
                .map(|(words, si)| (words, remap[si as usize])),
        );
        self.files.extend(
            other
                .files
                .into_iter()
                .map(|(h, len, si)| (h, len, remap[si as usize])),
        );
        self.public_shingles.extend(other.public_shingles);
        self.public_texts.extend(other.public_texts);
        self.public_sources.extend(other.public_sources);
        self.public_files.extend(other.public_files);
    }

    /// Text that is public by construction (templates, notices): never a fingerprint.
    pub fn add_public(&mut self, text: &str) {
        if self.discard {
            return;
        }
        for strip in [false, true] {
            let words = word_hashes(text, strip);
            self.public_shingles.extend(shingles(&words));
            self.public_texts.insert(words);
        }
    }

    /// A public source file, checked for exempt text when the fingerprints are made.
    pub fn add_public_source(&mut self, source: &str, text: &str) {
        if self.discard {
            return;
        }
        self.public_sources
            .push((source.to_string(), text.to_string()));
    }

    /// A public source file under the site root (path relative to it), read
    /// again when the fingerprints are made, with exempt passages blanked.
    pub fn add_public_file(&mut self, path: &str) {
        if self.discard {
            return;
        }
        self.public_files.push(path.to_string());
    }

    pub fn add_exempt(&mut self, source: &str, text: &str) {
        if self.discard {
            return;
        }
        let si = self.source(source);
        let views: &[bool] = if text.contains('<') {
            &[false, true]
        } else {
            &[false]
        };
        for &strip in views {
            let words = word_hashes(text, strip);
            if words.len() < SHINGLE_WORDS {
                self.add_value_words(words, si, text);
                continue;
            }
            for shingle in winnow(&shingles(&words).collect::<Vec<_>>()) {
                self.shingles.entry(shingle).or_insert(si);
            }
        }
    }

    pub fn add_exempt_value(&mut self, source: &str, value: &str) {
        if self.discard {
            return;
        }
        let si = self.source(source);
        self.add_value_words(word_hashes(value, false), si, value);
    }

    fn add_value_words(&mut self, words: Vec<u64>, si: u32, text: &str) {
        let chars = text.chars().filter(|c| c.is_alphanumeric()).count();
        if !words.is_empty() && chars >= MIN_VALUE_CHARS {
            self.values.push((words, si));
        }
    }

    pub fn add_exempt_file(&mut self, source: &str, bytes: &[u8]) {
        if self.discard {
            return;
        }
        let si = self.source(source);
        self.files.push((hash_bytes(bytes), bytes.len(), si));
        // As it would be published: a public image is written without its metadata.
        if let Some(kind) = crate::images::ImageKind::from_name(source) {
            if let Ok(clean) = crate::images::strip(kind, bytes) {
                if clean != bytes {
                    self.files.push((hash_bytes(&clean), clean.len(), si));
                }
            }
        }
        if let Ok(text) = std::str::from_utf8(bytes) {
            self.add_exempt(source, text);
        }
        // A PDF's words, so that a re-saved copy (other bytes, the same
        // words) or a passage pasted from it is found. Only what its pages
        // show: the information fields and XMP of any two PDFs made by the
        // same program share boilerplate that proves nothing.
        if is_pdf(source, bytes) {
            if let Ok(text) = crate::pdf::text(bytes) {
                self.add_exempt(source, &text.shown);
            }
        }
    }

    /// The fingerprints, and every public source that contains exempt text.
    /// `root` is the site folder the public files are read from.
    pub fn finish(mut self, root: &std::path::Path) -> (Fingerprints, Vec<Overlap>) {
        for (_, text) in crate::render::builtin_templates() {
            self.add_public(text);
        }
        let FingerprintsBuilder {
            sources,
            mut shingles,
            mut values,
            files,
            public_shingles,
            public_texts,
            public_sources,
            public_files,
            ..
        } = self;
        shingles.retain(|h, _| !public_shingles.contains(h));
        values.sort();
        values.dedup_by(|a, b| a.0 == b.0);
        // A value found in template or notice text proves nothing.
        let matcher = ValueMatcher::new(&values);
        let public_hits: HashSet<usize> = public_texts
            .iter()
            .flat_map(|words| matcher.all_matches(words))
            .collect();
        let values: Vec<(Vec<u64>, u32)> = values
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !public_hits.contains(i))
            .map(|(_, v)| v)
            .collect();
        let fingerprints = Fingerprints {
            matcher: ValueMatcher::new(&values),
            values,
            sources,
            shingles: ShingleSet::new(shingles),
            files,
        };
        let overlap = |path: &str, text: &str| -> Vec<Overlap> {
            fingerprints
                .scan(path, text.as_bytes())
                .into_iter()
                .map(|leak| Overlap {
                    public: leak.output,
                    exempt: leak.source,
                })
                .collect()
        };
        use rayon::prelude::*;
        let mut overlaps: Vec<Overlap> = public_files
            .par_iter()
            .flat_map_iter(|path| {
                // Read again; a file that vanished since is caught by the next build.
                let text = std::fs::read_to_string(root.join(path)).unwrap_or_default();
                overlap(path, &crate::visibility::blank_exempt_passages(&text))
            })
            .collect();
        for (path, text) in &public_sources {
            overlaps.extend(overlap(path, text));
        }
        overlaps.sort();
        overlaps.dedup();
        (fingerprints, overlaps)
    }
}

/// Bytes read as UTF-8 piece by piece, exactly as [`String::from_utf8_lossy`]
/// reads them whole (each invalid sequence becomes one U+FFFD), holding back
/// a character cut by the end of a piece until the next.
#[derive(Default)]
pub(crate) struct Lossy {
    partial: Vec<u8>,
}

impl Lossy {
    /// Hands `text` the next piece's text, in one or more parts.
    pub(crate) fn push(&mut self, bytes: &[u8], mut text: impl FnMut(&str)) {
        let joined;
        let mut bytes = if self.partial.is_empty() {
            bytes
        } else {
            let mut partial = std::mem::take(&mut self.partial);
            partial.extend_from_slice(bytes);
            joined = partial;
            &joined[..]
        };
        loop {
            match std::str::from_utf8(bytes) {
                Ok(valid) => return text(valid),
                Err(e) => {
                    let (valid, rest) = bytes.split_at(e.valid_up_to());
                    text(std::str::from_utf8(valid).expect("valid up to here"));
                    match e.error_len() {
                        Some(n) => {
                            text("\u{fffd}");
                            bytes = &rest[n..];
                        }
                        None => {
                            self.partial = rest.to_vec();
                            return;
                        }
                    }
                }
            }
        }
    }

    /// The end of the file: a character cut short there is one U+FFFD.
    pub(crate) fn finish(self, mut text: impl FnMut(&str)) {
        if !self.partial.is_empty() {
            text("\u{fffd}");
        }
    }
}

/// Finds exempt values (word sequences) in a word stream.
#[derive(Default)]
struct ValueMatcher {
    /// First word's hash to the indices of values starting with it.
    by_first: HashKeyed<Vec<usize>>,
    sequences: Vec<Vec<u64>>,
    /// Words in the longest sequence.
    longest: usize,
}

impl ValueMatcher {
    fn new(values: &[(Vec<u64>, u32)]) -> ValueMatcher {
        let mut by_first: HashKeyed<Vec<usize>> = HashKeyed::default();
        for (i, (words, _)) in values.iter().enumerate() {
            by_first.entry(words[0]).or_default().push(i);
        }
        ValueMatcher {
            by_first,
            sequences: values.iter().map(|(w, _)| w.clone()).collect(),
            longest: values.iter().map(|(w, _)| w.len()).max().unwrap_or(0),
        }
    }

    /// The first of [`ValueMatcher::matches`], found with plain loops (the
    /// scan finds it as a stream, with [`ValueStream`]).
    #[cfg(test)]
    fn first_match(&self, words: &[u64]) -> Option<usize> {
        if self.by_first.is_empty() {
            return None;
        }
        for (at, w) in words.iter().enumerate() {
            if let Some(candidates) = self.by_first.get(w) {
                for &v in candidates {
                    if words[at..].starts_with(&self.sequences[v]) {
                        return Some(v);
                    }
                }
            }
        }
        None
    }

    fn all_matches<'a>(&'a self, words: &'a [u64]) -> impl Iterator<Item = usize> + 'a {
        self.matches(words)
    }

    fn matches<'a>(&'a self, words: &'a [u64]) -> impl Iterator<Item = usize> + 'a {
        words.iter().enumerate().flat_map(move |(at, w)| {
            self.by_first
                .get(w)
                .into_iter()
                .flatten()
                .copied()
                .filter(move |&v| words[at..].starts_with(&self.sequences[v]))
        })
    }
}

/// The exempt shingles (each with its source), with a bit array in front of
/// the map. Almost every shingle of a page is not exempt, and one bit, in an
/// array small enough to stay in the processor's cache, says so without
/// probing a map that does not.
struct ShingleSet {
    map: HashKeyed<u32>,
    /// Bit `h >> shift` is set for every shingle `h` in `map`.
    bits: Vec<u64>,
    shift: u32,
}

impl ShingleSet {
    fn new(map: HashKeyed<u32>) -> ShingleSet {
        // About 8 bits per shingle, so about one page shingle in 8 gets
        // past the bits to the map; from 2^12 bits up to 2^25 (4 MiB).
        let log2 = (map.len().max(1) * 8)
            .next_power_of_two()
            .trailing_zeros()
            .clamp(12, 25);
        let shift = 64 - log2;
        let mut bits = vec![0u64; 1 << (log2 - 6)];
        for h in map.keys() {
            let i = (h >> shift) as usize;
            bits[i / 64] |= 1 << (i % 64);
        }
        ShingleSet { map, bits, shift }
    }

    /// The source of shingle `h`, if it is exempt.
    fn get(&self, h: u64) -> Option<u32> {
        let i = (h >> self.shift) as usize;
        if self.bits[i / 64] & (1 << (i % 64)) == 0 {
            return None;
        }
        self.map.get(&h).copied()
    }
}

/// What the scan looks for: hashes and short word sequences, never whole texts.
pub struct Fingerprints {
    sources: Vec<String>,
    shingles: ShingleSet,
    values: Vec<(Vec<u64>, u32)>,
    matcher: ValueMatcher,
    files: Vec<(u64, usize, u32)>,
}

impl Fingerprints {
    /// A hash of everything the scan looks for (and the sources it names),
    /// independent of the order things were added in: the scan of a file
    /// finds the same leaks whenever this is the same. The build cache keys
    /// scanned output by it.
    pub fn digest(&self) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        h.update(b"plainsight fingerprints 1");
        let mut add = |bytes: &[u8]| {
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        for s in &self.sources {
            add(s.as_bytes());
        }
        let mut shingles: Vec<(u64, u32)> =
            self.shingles.map.iter().map(|(k, v)| (*k, *v)).collect();
        shingles.sort_unstable();
        let mut buf = Vec::with_capacity(shingles.len() * 12);
        for (k, v) in shingles {
            buf.extend_from_slice(&k.to_le_bytes());
            buf.extend_from_slice(&v.to_le_bytes());
        }
        add(&buf);
        buf.clear();
        for (words, si) in &self.values {
            buf.extend_from_slice(&(words.len() as u64).to_le_bytes());
            for w in words {
                buf.extend_from_slice(&w.to_le_bytes());
            }
            buf.extend_from_slice(&si.to_le_bytes());
        }
        add(&buf);
        buf.clear();
        for (hash, len, si) in &self.files {
            buf.extend_from_slice(&hash.to_le_bytes());
            buf.extend_from_slice(&(*len as u64).to_le_bytes());
            buf.extend_from_slice(&si.to_le_bytes());
        }
        add(&buf);
        *h.finalize().as_bytes()
    }
}

/// Exempt text found in an output file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Leak {
    /// The output file, relative to the output folder.
    pub output: String,
    /// The exempt source it came from.
    pub source: String,
    /// How it was found: `text`, `value`, `file`, or `unreadable` (a compressed
    /// file that could not be opened, so could not be scanned).
    pub how: &'static str,
}

impl Fingerprints {
    /// How many things the scan looks for, for the report.
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.shingles.map.len(), self.values.len(), self.files.len())
    }

    /// Scans one output file (a gzip file is opened and its contents scanned).
    pub fn scan(&self, output: &str, bytes: &[u8]) -> Vec<Leak> {
        let inspected = match inspectable(output, bytes) {
            Ok(b) => b,
            Err(_) => return vec![unreadable(output)],
        };
        let mut stream = ScanStream::new(self, output);
        stream.feed_plain(&inspected);
        let mut leaks = stream.finish();
        if is_pdf(output, bytes) {
            // Its text was scanned; the file itself is compared as it is.
            let (hash, len) = (hash_bytes(bytes), bytes.len());
            leaks.extend(
                self.files
                    .iter()
                    .filter(|(h, l, _)| *h == hash && *l == len)
                    .map(|(_, _, si)| Leak {
                        output: output.to_string(),
                        source: self.sources[*si as usize].clone(),
                        how: "file",
                    }),
            );
            leaks.sort();
            leaks.dedup();
        }
        leaks
    }

    /// Scans one output file in pieces, as it is written, holding only a
    /// few words of it: [`ScanStream::finish`] finds exactly what
    /// [`Fingerprints::scan`] finds in the whole file, wherever the pieces
    /// are cut.
    pub fn stream<'a>(&'a self, output: &str) -> ScanStream<'a> {
        ScanStream::new(self, output)
    }
}

fn unreadable(output: &str) -> Leak {
    Leak {
        output: output.to_string(),
        source: output.to_string(),
        how: "unreadable",
    }
}

/// One output file being scanned piece by piece (see [`Fingerprints::stream`]).
pub struct ScanStream<'a> {
    f: &'a Fingerprints,
    output: String,
    /// Whether the file is known to be plain (not gzip); `None` until its
    /// first bytes are seen. A gzip file is held and opened at the end.
    plain: Option<bool>,
    held: Vec<u8>,
    /// Bytes so far, and their hash while the file could still be the
    /// same length as an exempt file.
    len: usize,
    hash: Option<Fnv>,
    utf8: Lossy,
    /// Text after the last sure word break, read with the next piece.
    pending: String,
    in_markup: bool,
    /// Whether the text has markup (a `<`), so the view without it counts.
    markup: bool,
    views: Views<'a>,
}

impl<'a> ScanStream<'a> {
    fn new(f: &'a Fingerprints, output: &str) -> ScanStream<'a> {
        // Gzip and PDF files are held and read whole.
        let gzip_name = output.ends_with(".gz") || output.ends_with(".pdf");
        ScanStream {
            f,
            output: output.to_string(),
            plain: gzip_name.then_some(false),
            held: Vec::new(),
            len: 0,
            hash: (!f.files.is_empty()).then(Fnv::default),
            utf8: Lossy::default(),
            pending: String::new(),
            in_markup: false,
            markup: false,
            views: Views::new(f),
        }
    }

    /// The next piece of the file.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.plain.is_none() {
            // Gzip is known by its first two bytes (RFC 1952).
            self.held.extend_from_slice(bytes);
            if self.held.len() < 2 {
                return;
            }
            let plain = !self.held.starts_with(&[0x1f, 0x8b]);
            self.plain = Some(plain);
            if plain {
                let held = std::mem::take(&mut self.held);
                self.feed_plain(&held);
            }
            return;
        }
        match self.plain {
            Some(true) => self.feed_plain(bytes),
            _ => self.held.extend_from_slice(bytes),
        }
    }

    /// Bytes known to be the file's own text (not compressed).
    fn feed_plain(&mut self, bytes: &[u8]) {
        self.plain = Some(true);
        self.len += bytes.len();
        if let Some(hash) = &mut self.hash {
            if self.f.files.iter().any(|(_, len, _)| *len >= self.len) {
                hash.write(bytes);
            } else {
                // Longer than every exempt file: it cannot be one.
                self.hash = None;
            }
        }
        let mut utf8 = std::mem::take(&mut self.utf8);
        utf8.push(bytes, |text| self.text(text));
        self.utf8 = utf8;
    }

    /// Reads the words of `text` up to its last ASCII whitespace: there no
    /// word is under way and no entity can be (an entity holds no
    /// whitespace), so the rest can wait for the next piece.
    fn text(&mut self, text: &str) {
        self.markup |= text.contains('<');
        let cut = text
            .bytes()
            .rposition(|b| b.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        if self.pending.is_empty() {
            self.words(&text[..cut]);
            self.pending.push_str(&text[cut..]);
        } else if cut == 0 {
            self.pending.push_str(text);
        } else {
            let mut ready = std::mem::take(&mut self.pending);
            ready.push_str(&text[..cut]);
            self.words(&ready);
            ready.clear();
            ready.push_str(&text[cut..]);
            self.pending = ready;
        }
    }

    fn words(&mut self, text: &str) {
        let views = &mut self.views;
        each_word(text, &mut self.in_markup, |word, in_markup| {
            views.push(word, in_markup)
        });
    }

    /// What the whole file showed.
    pub fn finish(mut self) -> Vec<Leak> {
        if self.plain != Some(true) {
            // Gzip (or too short to tell): opened and scanned whole.
            let held = std::mem::take(&mut self.held);
            return self.f.scan(&self.output, &held);
        }
        std::mem::take(&mut self.utf8).finish(|text| self.text(text));
        let rest = std::mem::take(&mut self.pending);
        self.words(&rest);
        let f = self.f;
        let mut found: Vec<(u32, &'static str)> = Vec::new();
        if let Some(hash) = self.hash {
            let hash = hash.finish();
            for (h, len, si) in &f.files {
                if *h == hash && *len == self.len {
                    found.push((*si, "file"));
                }
            }
        }
        found.extend(self.views.finish(self.markup));
        found.sort();
        found.dedup();
        found
            .into_iter()
            .map(|(si, how)| Leak {
                output: self.output.clone(),
                source: f.sources[si as usize].clone(),
                how,
            })
            .collect()
    }
}

/// The words of one file read as a stream: the first shingle and the first
/// value found in each view (every word; the words outside markup), exactly
/// as if the views were read whole, holding only the last few words.
struct Views<'a> {
    f: &'a Fingerprints,
    /// Words read so far (in the view of every word).
    words: usize,
    all: View<'a>,
    /// The view without markup, from the first word inside markup: until
    /// then it is the view of every word.
    outside: Option<View<'a>>,
}

/// One view's last words and first finds.
#[derive(Clone)]
struct View<'a> {
    window: Window,
    /// Where the first shingle found starts (among every word).
    hit: Option<usize>,
    found: Option<u32>,
    values: ValueStream<'a>,
}

impl<'a> View<'a> {
    fn new(f: &'a Fingerprints) -> View<'a> {
        View {
            window: Window::default(),
            hit: None,
            found: None,
            values: ValueStream::new(&f.matcher),
        }
    }
}

impl<'a> Views<'a> {
    fn new(f: &'a Fingerprints) -> Views<'a> {
        Views {
            f,
            words: 0,
            all: View::new(f),
            outside: None,
        }
    }

    fn push(&mut self, word: u64, in_markup: bool) {
        let at = self.words;
        self.words += 1;
        if in_markup && self.outside.is_none() {
            // The views part here: so far they have read the same words.
            self.outside = Some(self.all.clone());
        }
        let all = &mut self.all;
        if all.hit.is_none() {
            if let Some(start) = all.window.push(word, at) {
                if let Some(si) = self.f.shingles.get(all.window.shingle()) {
                    all.found = Some(si);
                    all.hit = Some(start);
                }
            }
        }
        all.values.push(word);
        if in_markup {
            return;
        }
        let Some(outside) = &mut self.outside else {
            return;
        };
        if outside.hit.is_none() {
            if let Some(start) = outside.window.push(word, at) {
                // A run with no markup in it is a shingle the view of every
                // word already looked up, and missed, unless it starts at or
                // after that view's first find: its hash is not worked out again.
                let seen =
                    at - start == SHINGLE_WORDS - 1 && self.all.hit.is_none_or(|hit| start < hit);
                if !seen {
                    if let Some(si) = self.f.shingles.get(outside.window.shingle()) {
                        outside.found = Some(si);
                        outside.hit = Some(start);
                    }
                }
            }
        }
        outside.values.push(word);
    }

    /// The finds of both views; the view without markup counts only when
    /// the text has markup (`<`) to strip.
    fn finish(self, markup: bool) -> Vec<(u32, &'static str)> {
        let mut found = Vec::new();
        let views = std::iter::once(self.all).chain(self.outside.filter(|_| markup));
        for view in views {
            found.extend(view.found.map(|si| (si, "text")));
            if let Some(v) = view.values.finish() {
                found.push((self.f.values[v].1, "value"));
            }
        }
        found
    }
}

/// The last [`SHINGLE_WORDS`] words of a view, with where each is among
/// every word.
#[derive(Default, Clone)]
struct Window {
    words: [u64; SHINGLE_WORDS],
    at: [usize; SHINGLE_WORDS],
    len: usize,
}

impl Window {
    /// Adds a word; once the window is full, where the first of its words is.
    fn push(&mut self, word: u64, at: usize) -> Option<usize> {
        let slot = self.len % SHINGLE_WORDS;
        self.words[slot] = word;
        self.at[slot] = at;
        self.len += 1;
        if self.len < SHINGLE_WORDS {
            return None;
        }
        Some(self.at[self.len % SHINGLE_WORDS])
    }

    /// The shingle of a full window's words (only when it is looked up).
    fn shingle(&self) -> u64 {
        // Oldest first, as [`shingles`] reads a window.
        let oldest = self.len % SHINGLE_WORDS;
        let mut h = SHINGLE_SEED;
        for i in 0..SHINGLE_WORDS {
            h = shingle_step(h, self.words[(oldest + i) % SHINGLE_WORDS]);
        }
        h
    }
}

/// [`ValueMatcher::first_match`] over a stream of words: each start is
/// tried once the longest value could have been read from it.
#[derive(Clone)]
struct ValueStream<'a> {
    matcher: &'a ValueMatcher,
    /// Words from the next start to try on.
    pending: std::collections::VecDeque<u64>,
    found: Option<usize>,
}

impl<'a> ValueStream<'a> {
    fn new(matcher: &'a ValueMatcher) -> ValueStream<'a> {
        ValueStream {
            matcher,
            pending: std::collections::VecDeque::with_capacity(matcher.longest),
            found: None,
        }
    }

    fn push(&mut self, word: u64) {
        if self.found.is_some() || self.matcher.by_first.is_empty() {
            return;
        }
        self.pending.push_back(word);
        if self.pending.len() >= self.matcher.longest {
            self.try_first();
        }
    }

    /// Tries the value that could start at the first pending word, and lets it go.
    fn try_first(&mut self) {
        let Some(first) = self.pending.front() else {
            return;
        };
        if let Some(candidates) = self.matcher.by_first.get(first) {
            for &v in candidates {
                let sequence = &self.matcher.sequences[v];
                if sequence.len() <= self.pending.len()
                    && sequence.iter().zip(&self.pending).all(|(a, b)| a == b)
                {
                    self.found = Some(v);
                    return;
                }
            }
        }
        self.pending.pop_front();
    }

    fn finish(mut self) -> Option<usize> {
        while self.found.is_none() && !self.pending.is_empty() {
            self.try_first();
        }
        self.found
    }
}

/// The largest decompressed size inspected; anything larger is refused
/// rather than skipped (a site's own indexes are far smaller).
pub const MAX_INFLATED: u64 = 256 * 1024 * 1024;

/// Whether a file is a PDF, by its name or its first bytes.
pub fn is_pdf(path: &str, bytes: &[u8]) -> bool {
    path.ends_with(".pdf") || bytes.starts_with(b"%PDF-")
}

/// The bytes to inspect for an output file: a gzip file (by name or by its
/// magic bytes `1f 8b`, RFC 1952) decompressed; a PDF's text (what its pages
/// show, its information fields and XMP, never its structure: see
/// [`crate::pdf`]); any other file as it is.
pub fn inspectable<'a>(path: &str, bytes: &'a [u8]) -> Result<Cow<'a, [u8]>, String> {
    if is_pdf(path, bytes) {
        let text = crate::pdf::text(bytes)?;
        return Ok(Cow::Owned(text.all().into_bytes()));
    }
    if !(path.ends_with(".gz") || bytes.starts_with(&[0x1f, 0x8b])) {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut out = Vec::new();
    let mut decoder = flate2::read::MultiGzDecoder::new(bytes).take(MAX_INFLATED + 1);
    decoder
        .read_to_end(&mut out)
        .map_err(|e| format!("it is not valid gzip ({e})"))?;
    if out.len() as u64 > MAX_INFLATED {
        return Err("it decompresses to more than 256 MB".to_string());
    }
    // A gzip inside a gzip is opened too.
    match inspectable("", &out)? {
        Cow::Borrowed(_) => Ok(Cow::Owned(out)),
        Cow::Owned(inner) => Ok(Cow::Owned(inner)),
    }
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = Fnv::default();
    h.write(bytes);
    h.finish()
}

/// FNV-1a: fast, stable and good enough to key words and files.
struct Fnv(u64);

impl Fnv {
    const START: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;

    /// One byte more.
    fn step(hash: u64, byte: u8) -> u64 {
        (hash ^ u64::from(byte)).wrapping_mul(Fnv::PRIME)
    }
}

impl Default for Fnv {
    fn default() -> Self {
        Fnv(Fnv::START)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        // A final mix so that near-identical words spread across the table.
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = Fnv::step(self.0, b);
        }
    }
}

/// Position-sensitive hashes of every run of [`SHINGLE_WORDS`] words.
fn shingles(words: &[u64]) -> impl Iterator<Item = u64> + '_ {
    words
        .windows(SHINGLE_WORDS)
        .map(|w| w.iter().fold(SHINGLE_SEED, |h, x| shingle_step(h, *x)))
}

const SHINGLE_SEED: u64 = 0x9E37_79B9_7F4A_7C15;

/// One word more into a shingle's hash.
fn shingle_step(h: u64, word: u64) -> u64 {
    (h.rotate_left(23) ^ word).wrapping_mul(SHINGLE_SEED)
}

/// The rightmost minimum of every window of [`WINNOW_WINDOW`] shingles.
fn winnow(hashes: &[u64]) -> Vec<u64> {
    if hashes.len() <= WINNOW_WINDOW {
        return hashes.to_vec();
    }
    let mut picked: Vec<u64> = Vec::new();
    let mut last = usize::MAX;
    for start in 0..=hashes.len() - WINNOW_WINDOW {
        let window = &hashes[start..start + WINNOW_WINDOW];
        let (offset, _) = window
            .iter()
            .enumerate()
            .rev()
            .min_by_key(|(_, h)| **h)
            .expect("windows are not empty");
        if start + offset != last {
            last = start + offset;
            picked.push(hashes[last]);
        }
    }
    picked
}

/// The words of `text` as hashes: runs of letters and digits, lower-cased,
/// with HTML entities decoded so that `&amp;` and `&#39;` hide nothing.
/// With `strip`, markup `<...>` is a word break and its contents are skipped.
pub fn word_hashes(text: &str, strip: bool) -> Vec<u64> {
    let mut out = Vec::with_capacity(text.len() / 6);
    each_word(text, &mut false, |word, in_markup| {
        if !(strip && in_markup) {
            out.push(word);
        }
    });
    out
}

/// For each byte: the lower-cased byte if it is an ASCII letter or digit, 0
/// if it is any other ASCII character but `&`, `<` or `>` (a word break), and
/// 1 for those three and every byte of a multi-byte character (a closer look).
const ASCII_WORD: [u8; 256] = {
    let mut table = [1u8; 256];
    let mut b = 0;
    while b < 0x80 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else if c == b'&' || c == b'<' || c == b'>' {
            1
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Calls `emit` with the hash of every word of `text`, as [`word_hashes`]
/// reads it without `strip`, and whether the word is inside markup `<...>`
/// (so skipped with `strip`). One pass gives both views: `<` and `>` end a
/// word either way, so a word is wholly inside markup or wholly outside it,
/// and the words outside are the same in both views.
///
/// `in_markup` is whether `text` starts inside markup, and is left as it
/// ends, so that a text can be read in pieces cut where no word is under way.
fn each_word(text: &str, in_markup: &mut bool, mut emit: impl FnMut(u64, bool)) {
    const START: u64 = Fnv::START;
    let b = text.as_bytes();
    let mut word = START;
    let mut in_word = false;
    let mut markup = *in_markup;
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        match ASCII_WORD[usize::from(x)] {
            0 => {
                if in_word {
                    emit(Fnv(word).finish(), markup);
                    word = START;
                    in_word = false;
                }
                i += 1;
                continue;
            }
            1 => {}
            lower => {
                // The rest of a run of ASCII letters and digits.
                word = Fnv::step(word, lower);
                i += 1;
                while let Some(&next) = b.get(i) {
                    let lower = ASCII_WORD[usize::from(next)];
                    if lower <= 1 {
                        break;
                    }
                    word = Fnv::step(word, lower);
                    i += 1;
                }
                in_word = true;
                continue;
            }
        }
        // `&`, `<`, `>` or a multi-byte character: the general case.
        let (c, len) = if x == b'&' {
            decode_entity(&text[i..]).unwrap_or(('&', 1))
        } else {
            let c = text[i..].chars().next().expect("i is a character boundary");
            (c, c.len_utf8())
        };
        i += len;
        if c.is_ascii_alphanumeric() {
            word = Fnv::step(word, c.to_ascii_lowercase() as u8);
            in_word = true;
        } else if c.is_alphanumeric() {
            let mut fnv = Fnv(word);
            let mut buf = [0u8; 4];
            for lower in c.to_lowercase() {
                fnv.write(lower.encode_utf8(&mut buf).as_bytes());
            }
            word = fnv.0;
            in_word = true;
        } else {
            if in_word {
                emit(Fnv(word).finish(), markup);
                word = START;
                in_word = false;
            }
            match c {
                '<' => markup = true,
                '>' => markup = false,
                _ => {}
            }
        }
    }
    if in_word {
        emit(Fnv(word).finish(), markup);
    }
    *in_markup = markup;
}

/// Decodes the entity at the start of `text` (which starts with `&`): the
/// character and how many bytes the entity spans (all of them ASCII, so also
/// how many characters).
fn decode_entity(text: &str) -> Option<(char, usize)> {
    if !text.starts_with('&') {
        return None;
    }
    // Bytes, not characters: a multi-byte character may straddle byte 12.
    let end = text.as_bytes()[..text.len().min(12)]
        .iter()
        .position(|&b| b == b';')?;
    let entity = &text[1..end];
    let c = match entity {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => entity
            .strip_prefix("#x")
            .or_else(|| entity.strip_prefix("#X"))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
            .and_then(char::from_u32)?,
    };
    // Only ASCII names and digits get here.
    debug_assert!(text[..=end].is_ascii());
    Some((c, end + 1))
}

/// Decodes the HTML entities that could hide text from a plain search.
/// Text without an entity is returned as it is, without a copy.
pub fn decode_entities(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    // Copied to `out` up to here.
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = text[at..].find('&') {
        let amp = at + found;
        match decode_entity(&text[amp..]) {
            Some((c, len)) => {
                if out.is_empty() {
                    out.reserve(text.len());
                }
                out.push_str(&text[copied..amp]);
                out.push(c);
                copied = amp + len;
                at = copied;
            }
            None => at = amp + 1,
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prints(exempt: &str, values: &[&str], public: &str) -> Fingerprints {
        let mut b = FingerprintsBuilder::default();
        b.add_exempt("content/a.md", exempt);
        for v in values {
            b.add_exempt_value("data/p.csv", v);
        }
        b.add_public(public);
        b.finish(std::path::Path::new(".")).0
    }

    const SECRET: &str = "The bid from Thornbury Outdoor Club scored seventy one points on quality and price overall.";

    #[test]
    fn a_builder_thaws_to_one_that_finds_the_same() {
        use crate::visibility::{freeze, thaw};
        let mut b = FingerprintsBuilder::default();
        b.add_exempt("content/a.md", SECRET);
        b.add_exempt_value("data/p.csv", "Quillfeather Trust");
        b.add_exempt_file("content/b.csv", b"name,score\nQuillfeather,31.79\n");
        b.add_public("Public words of a notice.");
        b.add_public_source("site.toml", "title = \"A council\"");
        b.add_public_file("content/pages/about.md");
        let thawed: FingerprintsBuilder = thaw(&freeze(&b)).expect("thaws");
        assert_eq!(format!("{thawed:?}"), format!("{b:?}"));
        let root = std::path::Path::new(".");
        let (before, after) = (b.finish(root).0, thawed.finish(root).0);
        assert_eq!(before.counts(), after.counts());
        for text in [
            SECRET,
            "the quillfeather trust",
            "name,score\nQuillfeather,31.79\n",
        ] {
            let found = before.scan("x.html", text.as_bytes());
            assert!(!found.is_empty(), "{text}");
            assert_eq!(found, after.scan("x.html", text.as_bytes()));
        }
        // A discarding builder still keeps nothing once thawed.
        let mut discarding: FingerprintsBuilder =
            thaw(&freeze(&FingerprintsBuilder::discarding())).expect("thaws");
        discarding.add_exempt("content/a.md", SECRET);
        let (prints, _) = discarding.finish(root);
        assert!(prints.scan("x.html", SECRET.as_bytes()).is_empty());
    }

    #[test]
    fn finds_copied_text_through_markup_and_entities() {
        let f = prints(SECRET, &[], "Public text.");
        let html = "<p>The bid from <strong>Thornbury</strong> Outdoor Club scored seventy&#32;one points on quality and price</p>";
        let leaks = f.scan("x.html", html.as_bytes());
        assert_eq!(leaks.len(), 1, "{leaks:?}");
        assert_eq!(leaks[0].source, "content/a.md");
        assert!(f.scan("y.html", b"<p>Nothing to see.</p>").is_empty());
        // Hidden in an attribute.
        let attr = "<img alt=\"the bid from thornbury outdoor club scored seventy one points on quality\">";
        assert_eq!(f.scan("z.html", attr.as_bytes()).len(), 1);
    }

    #[test]
    fn any_run_of_the_guaranteed_length_is_found() {
        let long: String = (0..200).map(|i| format!("w{i} ")).collect();
        let f = prints(&long, &[], "");
        let words: Vec<&str> = long.split_whitespace().collect();
        for start in 0..words.len() - GUARANTEED_WORDS {
            let run = words[start..start + GUARANTEED_WORDS].join(" ");
            assert_eq!(
                f.scan("x", run.as_bytes()).len(),
                1,
                "run at {start} missed"
            );
        }
    }

    #[test]
    fn template_text_is_not_evidence() {
        let shared = "the council buys support for people to take part in everyday life";
        let f = prints(&format!("{shared}. Secret."), &[], shared);
        assert!(f.scan("x.html", shared.as_bytes()).is_empty());
    }

    #[test]
    fn values_match_as_whole_words() {
        let f = prints("", &["63.47", "72", "Secret Trading Ltd"], "Public 12.50.");
        assert_eq!(f.scan("x.csv", b"P001,Name,63.47\n").len(), 1);
        assert!(f.scan("x.csv", b"P001,163.470\n").is_empty());
        // Too short to be distinctive.
        assert!(f.scan("x.csv", b"score 72\n").is_empty());
        assert_eq!(
            f.scan("x.html", b"<td>SECRET trading</td><td>ltd</td>")
                .len(),
            1
        );
    }

    #[test]
    fn values_in_template_text_are_not_fingerprints() {
        let f = prints("", &["Maidstone"], "Providers in Maidstone");
        assert!(f.scan("x.html", b"Maidstone").is_empty());
    }

    #[test]
    fn identical_files_are_found() {
        let mut b = FingerprintsBuilder::default();
        b.add_exempt_file("content/d/scores.png", b"\x89PNG\r\n\x1a\nbinary");
        let (f, _) = b.finish(std::path::Path::new("."));
        assert_eq!(
            f.scan("d/scores.png", b"\x89PNG\r\n\x1a\nbinary")[0].how,
            "file"
        );
    }

    #[test]
    fn public_sources_quoting_exempt_text_are_reported() {
        let mut b = FingerprintsBuilder::default();
        b.add_exempt("content/d/appendix-1.md", SECRET);
        b.add_exempt_value("data/p.csv", "63.47");
        b.add_public_source("content/d/report.md", "As the award report says, the bid from Thornbury Outdoor Club scored seventy one points.");
        b.add_public_source("data/providers.csv", "P001,Name,63.47");
        b.add_public_source(
            "content/d/decision.md",
            "Nothing exempt here at all, just a public decision.",
        );
        let (_, overlaps) = b.finish(std::path::Path::new("."));
        let publics: Vec<_> = overlaps.iter().map(|o| o.public.as_str()).collect();
        assert_eq!(publics, ["content/d/report.md", "data/providers.csv"]);
    }

    #[test]
    fn shingle_set_finds_every_shingle_it_holds() {
        // Sizes below, within and above the bit array's limits.
        for n in [0usize, 1, 100, 5_000, 600_000] {
            let mut map = HashKeyed::default();
            let mut h = SHINGLE_SEED;
            for i in 0..n {
                h = shingle_step(h, i as u64);
                map.insert(h, i as u32);
            }
            let set = ShingleSet::new(map.clone());
            for (k, v) in &map {
                assert_eq!(set.get(*k), Some(*v));
            }
            // Keys it does not hold are never found, whatever the bits say.
            let mut misses = 0;
            for i in 0..10_000u64 {
                let k = shingle_step(0x5EED, i);
                if !map.contains_key(&k) {
                    assert_eq!(set.get(k), None);
                    misses += usize::from(
                        set.bits[(k >> set.shift) as usize / 64] & (1 << ((k >> set.shift) % 64))
                            == 0,
                    );
                }
            }
            // The bits turn most of them away before the map is probed.
            assert!(
                n > 100_000 || misses > 8_000,
                "{n}: only {misses} turned away"
            );
        }
    }

    #[test]
    fn words_are_normalised() {
        assert_eq!(word_hashes("Café &amp; CAFÉ", false).len(), 2);
        assert_eq!(word_hashes("Café", false), word_hashes("cAFÉ", false));
        assert_eq!(word_hashes("a<b class=x>c", true).len(), 2);
        assert_eq!(word_hashes("it&#39;s", false).len(), 2);
        assert_eq!(word_hashes("&bogus; x", false).len(), 2);
    }

    #[test]
    fn gzip_compressed_exempt_text_is_found() {
        use std::io::Write;
        let f = prints(SECRET, &["Zqxgzipmarker"], "Public text.");
        let gzip = |data: &[u8]| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        };
        let index = gzip(b"{\"pages\":[{\"text\":\"supplier Zqxgzipmarker\"}]}");
        let leaks = f.scan("search-index.json.gz", &index);
        assert_eq!(leaks.len(), 1, "{leaks:?}");
        assert_eq!(
            (leaks[0].how, leaks[0].source.as_str()),
            ("value", "data/p.csv")
        );
        // Found by magic bytes even without the extension, and inside two layers.
        assert_eq!(
            f.scan("sitemap.bin", &gzip(&gzip(SECRET.as_bytes())))[0].how,
            "text"
        );
        // A damaged gzip is never skipped.
        assert_eq!(
            f.scan("x.gz", &index[..index.len() / 2])[0].how,
            "unreadable"
        );
        assert!(f.scan("clean.gz", &gzip(b"nothing here")).is_empty());
    }

    #[test]
    fn exempt_images_are_found_after_cleaning() {
        let dirty = crate::images::tests::png_with_metadata();
        let mut b = FingerprintsBuilder::default();
        b.add_exempt_file("content/d/photo.png", &dirty);
        let (f, _) = b.finish(std::path::Path::new("."));
        let clean = crate::images::strip(crate::images::ImageKind::Png, &dirty).unwrap();
        assert_eq!(f.scan("d/photo.png", &clean)[0].how, "file");
        assert_eq!(f.scan("d/photo.png", &dirty)[0].how, "file");
    }

    /// Words and entities as they were read before the one-pass reader, kept
    /// to check that it reads exactly the same.
    mod before {
        use super::super::Fnv;
        use std::hash::Hasher;

        pub(super) fn word_hashes(text: &str, strip: bool) -> Vec<u64> {
            let mut out = Vec::with_capacity(text.len() / 6);
            let mut word = Fnv::default();
            let mut in_word = false;
            let mut in_tag = false;
            let mut chars = text.char_indices();
            let mut end_word = |word: &mut Fnv, in_word: &mut bool| {
                if *in_word {
                    out.push(word.finish());
                    *word = Fnv::default();
                    *in_word = false;
                }
            };
            while let Some((i, c)) = chars.next() {
                let c = if c == '&' {
                    match decode_entity(&text[i..]) {
                        Some((decoded, len)) => {
                            for _ in 1..len {
                                chars.next();
                            }
                            decoded
                        }
                        None => c,
                    }
                } else {
                    c
                };
                if strip {
                    if c == '<' {
                        in_tag = true;
                        end_word(&mut word, &mut in_word);
                        continue;
                    }
                    if in_tag {
                        if c == '>' {
                            in_tag = false;
                        }
                        continue;
                    }
                }
                if c.is_ascii_alphanumeric() {
                    word.write(&[c.to_ascii_lowercase() as u8]);
                    in_word = true;
                } else if c.is_alphanumeric() {
                    let mut buf = [0u8; 4];
                    for lower in c.to_lowercase() {
                        word.write(lower.encode_utf8(&mut buf).as_bytes());
                    }
                    in_word = true;
                } else {
                    end_word(&mut word, &mut in_word);
                }
            }
            end_word(&mut word, &mut in_word);
            out
        }

        pub(super) fn decode_entity(text: &str) -> Option<(char, usize)> {
            if !text.starts_with('&') {
                return None;
            }
            let end = text.as_bytes()[..text.len().min(12)]
                .iter()
                .position(|&b| b == b';')?;
            let entity = &text[1..end];
            let c = match entity {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32)?,
            };
            Some((c, text[..=end].chars().count()))
        }

        pub(super) fn decode_entities(text: &str) -> String {
            let mut out = String::with_capacity(text.len());
            let mut chars = text.char_indices();
            while let Some((i, c)) = chars.next() {
                match decode_entity(&text[i..]).filter(|_| c == '&') {
                    Some((decoded, len)) => {
                        out.push(decoded);
                        for _ in 1..len {
                            chars.next();
                        }
                    }
                    None => out.push(c),
                }
            }
            out
        }
    }

    /// The scan as it was: each view read in its own pass.
    fn scan_before(f: &Fingerprints, bytes: &[u8]) -> Vec<(u32, &'static str)> {
        let mut found = Vec::new();
        let text = String::from_utf8_lossy(bytes);
        let views: &[bool] = if text.contains('<') {
            &[false, true]
        } else {
            &[false]
        };
        for &strip in views {
            let words = before::word_hashes(&text, strip);
            if let Some(si) = shingles(&words).find_map(|s| f.shingles.map.get(&s)) {
                found.push((*si, "text"));
            }
            if let Some(v) = f.matcher.first_match(&words) {
                found.push((f.values[v].1, "value"));
            }
        }
        found.sort();
        found.dedup();
        found
    }

    /// Texts made of words, markup and entities, in every order, ending anywhere.
    fn random_texts(count: usize, seed: u64) -> Vec<String> {
        const PIECES: &[&str] = &[
            "the",
            "bid",
            "from",
            "Thornbury",
            "outdoor",
            "club",
            "scored",
            "seventy",
            "one",
            "points",
            "on",
            "quality",
            "and",
            "price",
            " ",
            " ",
            " ",
            "  ",
            "\n",
            "<p>",
            "</p>",
            "<",
            ">",
            "<a href=\"x&amp;y\">",
            "<b title='the bid'>",
            "<!-- the -->",
            "&amp;",
            "&lt;",
            "&gt;",
            "&quot;",
            "&apos;",
            "&nbsp;",
            "&#39;",
            "&#x41;",
            "&#X42;",
            "&#65;",
            "&#x+41;",
            "&#+66;",
            "&#xC9;",
            "&#223;",
            "&#0;",
            "&#xD800;",
            "&#1114112;",
            "&bogus;",
            "&",
            ";",
            "#",
            "x",
            "&#",
            "&#x",
            "&amp",
            "&lt",
            "\u{c9}",
            "\u{e9}",
            "\u{df}",
            "STRA\u{df}E",
            "\u{130}",
            "\u{1c5}",
            "\u{3a3}",
            "\u{2013}",
            "\u{1f600}",
            "\u{a0}",
            "\u{660}",
            "caf\u{c9}",
            "A",
            "z",
            "0",
            "9",
            "63.47",
            "Ltd",
            "Secret",
            "trading",
        ];
        crate::testing::random_texts(PIECES, count, 50, seed)
    }

    #[test]
    fn one_pass_words_are_the_words_read_before() {
        let mut texts = random_texts(20_000, 1);
        // Entities at the very end, cut short, or with `;` just in reach.
        for edge in [
            "&",
            "&a",
            "&amp",
            "&amp;",
            "&#x4",
            "&#x41;",
            "&#1234567890;",
            "&#12345678901;",
        ] {
            texts.push(format!("word{edge}"));
            texts.push(format!("<p title=\"{edge}\">x{edge}</p>{edge}"));
        }
        for text in &texts {
            for strip in [false, true] {
                assert_eq!(
                    word_hashes(text, strip),
                    before::word_hashes(text, strip),
                    "{text:?} {strip}"
                );
            }
            assert_eq!(
                decode_entities(text),
                before::decode_entities(text),
                "{text:?}"
            );
            assert_eq!(decode_entity(text), before::decode_entity(text), "{text:?}");
        }
    }

    #[test]
    fn one_pass_scan_finds_what_the_two_pass_scan_did() {
        let exempt = random_texts(40, 2);
        let values = random_texts(40, 3);
        let mut b = FingerprintsBuilder::default();
        for (i, text) in exempt.iter().enumerate() {
            b.add_exempt(&format!("content/{i}.md"), text);
        }
        for (i, value) in values.iter().enumerate() {
            b.add_exempt_value(&format!("data/{}.csv", i % 3), value);
        }
        b.add_public(SECRET);
        let (f, _) = b.finish(std::path::Path::new("."));
        let mut found = 0;
        for text in random_texts(5_000, 4).iter().chain(&exempt).chain(&values) {
            let leaks: Vec<(String, &str)> = f
                .scan("x.html", text.as_bytes())
                .into_iter()
                .map(|l| (l.source, l.how))
                .collect();
            let expected: Vec<(String, &str)> = scan_before(&f, text.as_bytes())
                .into_iter()
                .map(|(si, how)| (f.sources[si as usize].clone(), how))
                .collect();
            assert_eq!(leaks, expected, "{text:?}");
            found += leaks.len();
        }
        assert!(found > 100, "{found}");
    }

    #[test]
    fn the_streamed_scan_finds_what_whole_views_did_in_long_files() {
        // Few, long values: a value is tried only once its last word could
        // have been read, so matches deep in a long file, at its very end
        // and overlapping other values are all tried.
        let exempt = random_texts(10, 6);
        let mut b = FingerprintsBuilder::default();
        for (i, text) in exempt.iter().enumerate() {
            b.add_exempt(&format!("content/{i}.md"), text);
        }
        for (i, value) in random_texts(12, 7).iter().enumerate() {
            b.add_exempt_value(&format!("data/{}.csv", i % 4), value);
        }
        for value in ["bid from", "the bid from thornbury outdoor club scored"] {
            b.add_exempt_value("data/short.csv", value);
        }
        let (f, _) = b.finish(std::path::Path::new("."));
        let pieces = random_texts(3_000, 8);
        let mut found = 0;
        for (i, file) in pieces.chunks(60).enumerate() {
            let mut text = file.concat();
            if i % 3 == 0 {
                text.push_str(&exempt[i % exempt.len()]);
            }
            let leaks: Vec<(String, &str)> = f
                .scan("x.html", text.as_bytes())
                .into_iter()
                .map(|l| (l.source, l.how))
                .collect();
            let expected: Vec<(String, &str)> = scan_before(&f, text.as_bytes())
                .into_iter()
                .map(|(si, how)| (f.sources[si as usize].clone(), how))
                .collect();
            assert_eq!(leaks, expected, "{text:?}");
            found += leaks.iter().filter(|(_, how)| *how == "value").count();
        }
        assert!(found > 10, "{found}");
    }

    /// Scans `bytes` fed in the pieces that `cuts` (sorted offsets) make.
    fn scan_in_pieces(f: &Fingerprints, output: &str, bytes: &[u8], cuts: &[usize]) -> Vec<Leak> {
        let mut stream = f.stream(output);
        let mut from = 0;
        for &cut in cuts.iter().chain([&bytes.len()]) {
            stream.feed(&bytes[from..cut]);
            from = cut;
        }
        stream.finish()
    }

    #[test]
    fn exempt_text_cut_across_pieces_is_found() {
        let f = prints(SECRET, &["Zqx Secret Trading"], "Public text.");
        let html = "<p>The bid from <b>Thornbury</b> Outdoor Club scored seventy&#32;one points on quality</p> and Zqx Secret Trading&amp;";
        let whole = f.scan("x.html", html.as_bytes());
        assert_eq!(whole.len(), 2, "{whole:?}");
        // Cut once anywhere, even inside a word, a tag or an entity.
        for cut in 0..=html.len() {
            assert_eq!(
                scan_in_pieces(&f, "x.html", html.as_bytes(), &[cut]),
                whole,
                "cut at {cut}"
            );
        }
        // And a byte at a time.
        let every: Vec<usize> = (1..html.len()).collect();
        assert_eq!(scan_in_pieces(&f, "x.html", html.as_bytes(), &every), whole);
    }

    #[test]
    fn a_file_scanned_in_pieces_shows_what_it_shows_whole() {
        let exempt = random_texts(20, 9);
        let mut b = FingerprintsBuilder::default();
        for (i, text) in exempt.iter().enumerate() {
            b.add_exempt(&format!("content/{i}.md"), text);
        }
        for (i, value) in random_texts(20, 10).iter().enumerate() {
            b.add_exempt_value(&format!("data/{}.csv", i % 3), value);
        }
        b.add_exempt_file("content/x.txt", b"caf\xc3\xa9 one two");
        let (f, _) = b.finish(std::path::Path::new("."));
        let mut rng = crate::testing::Rng::new(11);
        let mut files: Vec<Vec<u8>> = random_texts(300, 12)
            .chunks(3)
            .map(|c| c.concat().into_bytes())
            .collect();
        files.extend(exempt.iter().map(|t| t.clone().into_bytes()));
        files.push(b"caf\xc3\xa9 one two".to_vec());
        // Invalid UTF-8, and characters cut short at the very end.
        files.push(b"the bid \xff\xfe from caf\xc3".to_vec());
        files.push(b"<p>x\xe2\x82</p> \xf0\x9f\x98".to_vec());
        let mut found = 0;
        for bytes in &files {
            let whole = f.scan("x.html", bytes);
            found += whole.len();
            for _ in 0..8 {
                let mut cuts: Vec<usize> = (0..rng.below(6))
                    .map(|_| rng.below(bytes.len() + 1))
                    .collect();
                cuts.sort();
                assert_eq!(
                    scan_in_pieces(&f, "x.html", bytes, &cuts),
                    whole,
                    "{:?} cut at {cuts:?}",
                    String::from_utf8_lossy(bytes)
                );
            }
        }
        assert!(found > 20, "{found}");
    }

    #[test]
    fn gzip_scanned_in_pieces_is_opened() {
        use std::io::Write;
        let f = prints(SECRET, &[], "");
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(SECRET.as_bytes()).unwrap();
        let gzip = e.finish().unwrap();
        for cut in 0..4 {
            assert_eq!(
                scan_in_pieces(&f, "index.bin", &gzip, &[cut])[0].how,
                "text"
            );
            assert_eq!(
                scan_in_pieces(&f, "x.gz", &gzip[..9], &[cut])[0].how,
                "unreadable"
            );
        }
        assert!(scan_in_pieces(&f, "x", b"", &[]).is_empty());
        assert!(scan_in_pieces(&f, "x", b"a", &[0]).is_empty());
    }

    #[test]
    fn first_match_is_the_first_of_all_matches() {
        let values: Vec<(Vec<u64>, u32)> = [
            "secret trading ltd",
            "secret trading",
            "trading ltd",
            "63 47",
            "ltd",
        ]
        .iter()
        .map(|v| (word_hashes(v, false), 0))
        .collect();
        let matcher = ValueMatcher::new(&values);
        for text in random_texts(2_000, 5) {
            let words = word_hashes(&text, false);
            assert_eq!(
                matcher.first_match(&words),
                matcher.all_matches(&words).next(),
                "{text:?}"
            );
        }
        assert_eq!(ValueMatcher::new(&[]).first_match(&[1, 2, 3]), None);
    }

    #[test]
    fn entities_at_the_edges() {
        assert_eq!(decode_entities("&amp;"), "&");
        assert_eq!(decode_entities("x&amp"), "x&amp");
        assert_eq!(decode_entities("&lt;&gt;&"), "<>&");
        assert!(matches!(
            decode_entities("no entity & here"),
            Cow::Borrowed(_)
        ));
        assert_eq!(decode_entity("&#x1F600;"), Some(('\u{1f600}', 9)));
        assert_eq!(decode_entity("&#1114112;"), None);
        assert_eq!(word_hashes("x&#65;y", false), word_hashes("xay", false));
        // A decoded `<` opens markup that is stripped; a decoded `>` closes it.
        assert_eq!(
            word_hashes("a &lt;b c&gt; d", true),
            word_hashes("a d", false)
        );
        assert_eq!(
            word_hashes("<a title=\"&gt;\">b", true),
            word_hashes("\">b", false)
        );
    }

    #[test]
    fn non_ascii_letters_are_lower_cased_in_full() {
        assert_eq!(word_hashes("STRASSE", false), word_hashes("strasse", false));
        assert_eq!(
            word_hashes("STRA\u{df}E", false),
            word_hashes("stra\u{df}e", false)
        );
        assert_ne!(
            word_hashes("stra\u{df}e", false),
            word_hashes("strasse", false)
        );
        assert_eq!(
            word_hashes("\u{c9}T\u{c9}", false),
            word_hashes("\u{e9}t\u{e9}", false)
        );
        // `\u{130}` lower-cases to two characters, `i` and a combining dot
        // (which on its own is no letter): both are hashed, in one word.
        assert_eq!(word_hashes("x\u{130}y", false).len(), 1);
        assert_eq!(
            word_hashes("x\u{130}y", false),
            before::word_hashes("x\u{130}y", false)
        );
        assert_ne!(word_hashes("x\u{130}y", false), word_hashes("xiy", false));
        // A non-breaking space and an en dash break words.
        assert_eq!(word_hashes("a\u{a0}b\u{2013}c", false).len(), 3);
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a&amp;b&#39;c&#x41;&bogus;"),
            "a&b'cA&bogus;"
        );
    }

    #[test]
    fn an_ampersand_before_a_character_across_byte_12_is_text() {
        // `É` takes bytes 11 and 12 after the `&`: no entity, and no panic.
        let text = "R&abcdefghij\u{c9}t &amp;";
        assert_eq!(decode_entities(text), "R&abcdefghij\u{c9}t &");
        assert_eq!(word_hashes(text, false).len(), 2);
        assert_eq!(word_hashes("<&abcdefghij\u{c9}> x", true).len(), 1);
    }
}
