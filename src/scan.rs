//! The second line of defence: scanning every written file for exempt text
//! (DESIGN.md rule 5).
//!
//! It works independently of `visibility`'s type boundary: it knows nothing of
//! templates or models, only the exempt sources and the bytes written. Exempt
//! documents and passages are fingerprinted as overlapping word shingles
//! (normalised for case, punctuation and markup); exempt values (cells, titles,
//! short passages) are matched as whole word sequences; exempt files by content.
//! Text of the built-in templates and of the public withholding notices is not
//! a fingerprint, since finding it proves nothing. Public *sources* are not
//! subtracted: a public document that contains exempt text is reported as an
//! [`Overlap`], because copying from an exempt paper into a public one is
//! exactly the accident this guards against.
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
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Read;

use aho_corasick::AhoCorasick;

/// Words in a shingle. Eight words is long enough that public and exempt text
/// rarely share one by chance, short enough to catch a copied sentence.
pub const SHINGLE_WORDS: usize = 8;

/// A value shorter than this (letters and digits, spaces ignored) is too
/// likely to appear by chance (a score of `72`) to be evidence of a leak.
pub const MIN_VALUE_CHARS: usize = 4;

/// Collects exempt and public text while `visibility` walks the site.
#[derive(Default)]
pub struct FingerprintsBuilder {
    exempt_texts: Vec<(String, String)>,
    exempt_values: Vec<(String, String)>,
    exempt_files: Vec<(String, u64, usize)>,
    public_shingles: HashSet<u64>,
    public_text: String,
    public_sources: Vec<(String, String)>,
}

/// A public source that contains text from an exempt one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Overlap {
    pub public: String,
    pub exempt: String,
}

impl FingerprintsBuilder {
    /// Text that is public by construction (templates, notices): never a fingerprint.
    pub fn add_public(&mut self, text: &str) {
        let words = normalise(text);
        for shingle in shingles(&words) {
            self.public_shingles.insert(shingle);
        }
        self.public_text.push(' ');
        self.public_text.push_str(&words.join(" "));
        self.public_text.push(' ');
        // The same text with markup removed, as it may appear once rendered.
        let stripped = normalise(&strip_tags(text));
        for shingle in shingles(&stripped) {
            self.public_shingles.insert(shingle);
        }
    }

    /// A public source file, checked for exempt text when the fingerprints are made.
    pub fn add_public_source(&mut self, source: &str, text: &str) {
        self.public_sources
            .push((source.to_string(), text.to_string()));
    }

    pub fn add_exempt(&mut self, source: &str, text: &str) {
        self.exempt_texts
            .push((source.to_string(), text.to_string()));
    }

    pub fn add_exempt_value(&mut self, source: &str, value: &str) {
        self.exempt_values
            .push((source.to_string(), value.to_string()));
    }

    pub fn add_exempt_file(&mut self, source: &str, bytes: &[u8]) {
        self.exempt_files
            .push((source.to_string(), hash_bytes(bytes), bytes.len()));
        // As it would be published: a public image is written without its metadata.
        if let Some(kind) = crate::images::ImageKind::from_name(source) {
            if let Ok(clean) = crate::images::strip(kind, bytes) {
                if clean != bytes {
                    self.exempt_files
                        .push((source.to_string(), hash_bytes(&clean), clean.len()));
                }
            }
        }
        if let Ok(text) = std::str::from_utf8(bytes) {
            self.add_exempt(source, text);
        }
    }

    /// The fingerprints, and every public source that contains exempt text.
    pub fn finish(mut self) -> (Fingerprints, Vec<Overlap>) {
        // Text of the built-in templates is public too.
        for (_, text) in crate::render::builtin_templates() {
            self.add_public(text);
        }
        let mut shingle_sources: HashMap<u64, usize> = HashMap::new();
        let mut sources: Vec<String> = Vec::new();
        let source_index =
            |s: &str, sources: &mut Vec<String>| match sources.iter().position(|x| x == s) {
                Some(i) => i,
                None => {
                    sources.push(s.to_string());
                    sources.len() - 1
                }
            };
        let mut candidates: Vec<(String, usize)> = Vec::new();
        for (source, text) in &self.exempt_texts {
            let si = source_index(source, &mut sources);
            for view in [normalise(text), normalise(&strip_tags(text))] {
                if view.len() < SHINGLE_WORDS {
                    candidates.push((view.join(" "), si));
                    continue;
                }
                for shingle in shingles(&view) {
                    if !self.public_shingles.contains(&shingle) {
                        shingle_sources.entry(shingle).or_insert(si);
                    }
                }
            }
        }
        for (source, value) in &self.exempt_values {
            let si = source_index(source, &mut sources);
            candidates.push((normalise(value).join(" "), si));
        }
        // Keep values that are distinctive and not already public.
        candidates.retain(|(v, _)| v.chars().filter(|c| *c != ' ').count() >= MIN_VALUE_CHARS);
        candidates.sort();
        candidates.dedup_by(|a, b| a.0 == b.0);
        let padded: Vec<String> = candidates.iter().map(|(v, _)| format!(" {v} ")).collect();
        let public_hits: HashSet<usize> = if padded.is_empty() {
            HashSet::new()
        } else {
            let ac = AhoCorasick::new(&padded).expect("patterns are plain strings");
            ac.find_overlapping_iter(&self.public_text)
                .map(|m| m.pattern().as_usize())
                .collect()
        };
        let mut values = Vec::new();
        let mut value_sources = Vec::new();
        for (i, (pattern, (_, si))) in padded.into_iter().zip(candidates).enumerate() {
            if !public_hits.contains(&i) {
                values.push(pattern);
                value_sources.push(si);
            }
        }
        let files = self
            .exempt_files
            .into_iter()
            .map(|(source, hash, len)| (hash, len, source_index(&source, &mut sources)))
            .collect();
        let matcher = if values.is_empty() {
            None
        } else {
            Some(AhoCorasick::new(&values).expect("patterns are plain strings"))
        };
        let fingerprints = Fingerprints {
            sources,
            shingles: shingle_sources,
            matcher,
            value_sources,
            files,
        };
        let mut overlaps: Vec<Overlap> = self
            .public_sources
            .iter()
            .flat_map(|(path, text)| {
                fingerprints
                    .scan(path, text.as_bytes())
                    .into_iter()
                    .map(|leak| Overlap {
                        public: leak.output,
                        exempt: leak.source,
                    })
            })
            .collect();
        overlaps.sort();
        overlaps.dedup();
        (fingerprints, overlaps)
    }
}

/// What the scan looks for. Holds hashes and short values, never whole texts.
pub struct Fingerprints {
    sources: Vec<String>,
    shingles: HashMap<u64, usize>,
    matcher: Option<AhoCorasick>,
    value_sources: Vec<usize>,
    files: Vec<(u64, usize, usize)>,
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
        (
            self.shingles.len(),
            self.value_sources.len(),
            self.files.len(),
        )
    }

    /// Scans one output file (a gzip file is opened and its contents scanned).
    pub fn scan(&self, output: &str, bytes: &[u8]) -> Vec<Leak> {
        let mut found = Vec::new();
        let bytes = match inspectable(output, bytes) {
            Ok(b) => b,
            Err(_) => {
                return vec![Leak {
                    output: output.to_string(),
                    source: output.to_string(),
                    how: "unreadable",
                }];
            }
        };
        let bytes = bytes.as_ref();
        let hash = hash_bytes(bytes);
        for (h, len, si) in &self.files {
            if *h == hash && *len == bytes.len() {
                found.push((*si, "file"));
            }
        }
        let text = String::from_utf8_lossy(bytes);
        for view in [normalise(&text), normalise(&strip_tags(&text))] {
            for shingle in shingles(&view) {
                if let Some(si) = self.shingles.get(&shingle) {
                    found.push((*si, "text"));
                    break;
                }
            }
            if let Some(matcher) = &self.matcher {
                let joined = format!(" {} ", view.join(" "));
                if let Some(m) = matcher.find_overlapping_iter(&joined).next() {
                    found.push((self.value_sources[m.pattern().as_usize()], "value"));
                }
            }
        }
        found.sort();
        found.dedup();
        found
            .into_iter()
            .map(|(si, how)| Leak {
                output: output.to_string(),
                source: self.sources[si].clone(),
                how,
            })
            .collect()
    }
}

/// The largest decompressed size inspected; anything larger is refused
/// rather than skipped (a site's own indexes are far smaller).
pub const MAX_INFLATED: u64 = 256 * 1024 * 1024;

/// The bytes to inspect for an output file: a gzip file (by name or by its
/// magic bytes `1f 8b`, RFC 1952) decompressed, any other file as it is.
pub fn inspectable<'a>(path: &str, bytes: &'a [u8]) -> Result<Cow<'a, [u8]>, String> {
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
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

fn shingles(words: &[String]) -> impl Iterator<Item = u64> + '_ {
    words.windows(SHINGLE_WORDS).map(|w| {
        let mut h = DefaultHasher::new();
        w.hash(&mut h);
        h.finish()
    })
}

/// Lower-case words of letters and digits, with HTML entities decoded so that
/// `&amp;` and `&#39;` do not hide a match.
pub fn normalise(text: &str) -> Vec<String> {
    let decoded = decode_entities(text);
    decoded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Replaces markup `<...>` with a space, so text split across tags joins up.
pub fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Decodes the HTML entities that could hide text from a plain search.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[..rest.len().min(12)].find(';');
        let decoded = end.and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
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
        b.finish().0
    }

    const SECRET: &str = "The bid from Thornbury Outdoor Club scored seventy one points on quality and price overall.";

    #[test]
    fn finds_copied_text_through_markup_and_entities() {
        let f = prints(SECRET, &[], "Public text.");
        let html = "<p>The bid from <strong>Thornbury</strong> Outdoor Club scored seventy&#32;one points on quality</p>";
        let leaks = f.scan("x.html", html.as_bytes());
        assert_eq!(leaks.len(), 1, "{leaks:?}");
        assert_eq!(leaks[0].source, "content/a.md");
        assert!(f.scan("y.html", b"<p>Nothing to see.</p>").is_empty());
    }

    #[test]
    fn text_shared_with_public_sources_is_not_evidence() {
        let shared = "the council buys support for people to take part in everyday life";
        let f = prints(&format!("{shared}. Secret."), &[], shared);
        assert!(f.scan("x.html", shared.as_bytes()).is_empty());
    }

    #[test]
    fn values_match_as_whole_words() {
        let f = prints("", &["63.47", "72"], "Public 12.50.");
        assert_eq!(f.scan("x.csv", b"P001,Name,63.47\n").len(), 1);
        assert!(f.scan("x.csv", b"P001,163.470\n").is_empty());
        // Too short to be distinctive.
        assert!(f.scan("x.csv", b"score 72\n").is_empty());
    }

    #[test]
    fn public_values_are_not_fingerprints() {
        let f = prints("", &["Maidstone"], "Providers in Maidstone");
        assert!(f.scan("x.html", b"Maidstone").is_empty());
    }

    #[test]
    fn identical_files_are_found() {
        let mut b = FingerprintsBuilder::default();
        b.add_exempt_file("content/d/scores.png", b"\x89PNG\r\n\x1a\nbinary");
        let (f, _) = b.finish();
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
        let (_, overlaps) = b.finish();
        let publics: Vec<_> = overlaps.iter().map(|o| o.public.as_str()).collect();
        assert_eq!(publics, ["content/d/report.md", "data/providers.csv"]);
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
        let (f, _) = b.finish();
        let clean = crate::images::strip(crate::images::ImageKind::Png, &dirty).unwrap();
        assert_eq!(f.scan("d/photo.png", &clean)[0].how, "file");
        assert_eq!(f.scan("d/photo.png", &dirty)[0].how, "file");
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a&amp;b&#39;c&#x41;&bogus;"),
            "a&b'cA&bogus;"
        );
    }
}
