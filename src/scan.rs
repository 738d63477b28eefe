//! The second line of defence: scanning every written file for exempt text
//! (DESIGN.md rule 5).
//!
//! It works independently of `visibility`'s type boundary: it judges the
//! bytes written against the exempt sources, whatever made them. It touches
//! two other rooms, each for one thing: `render` for the built-in templates'
//! text (never a fingerprint, since finding it proves nothing) and
//! `visibility` to blank the exempt passages of a public source before it is
//! checked, and to keep the fingerprints in the build cache.
//!
//! - Text is read as a stream of words, as a reader sees them: letters and
//!   digits, lower-cased, character references decoded as browsers decode
//!   them, invisible characters dropped, compatibility forms and combining
//!   marks undone and look-alike letters of other scripts folded to Latin
//!   (UTS #39), the same way in exempt text and in output (see `fold`). It is
//!   read in three views at once: every word, markup included; the words
//!   outside `<...>`; and those words joined across inline tags and comments
//!   (`sec<b>ret</b>` is one word), so text split across tags or hidden in
//!   attributes is still seen.
//! - Exempt documents and passages become shingles of [`SHINGLE_WORDS`] words,
//!   winnowed (Schleimer, Wilkerson and Aiken, "Winnowing", SIGMOD 2003) with a
//!   window of [`WINNOW_WINDOW`]: any copied run of [`GUARANTEED_WORDS`] words
//!   is always found, shorter copies of eight words or more almost always, and
//!   memory stays a fraction of the text's size.
//! - Exempt values (cells, titles, short passages) are matched as whole word
//!   sequences; exempt files byte for byte.
//! - The short facts of exempt sources (names, figures, percentages,
//!   postcodes: [`crate::facts`]) are matched by their spellings; a public
//!   source that states one is placed at its line and column
//!   ([`Fingerprints::check_source`]), unless it is declared public.
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
//! it would be once cleaned: the byte-for-byte check still catches it. A PNG
//! is also fingerprinted by what it shows (`images::pixels_digest`), so one
//! saved again with other compression, filters or colour type is found. Text
//! hidden in base64 or hexadecimal is read decoded
//! (`unicode::encoded_texts`).
//!
//! A leak report names the output file and the exempt source, never the text.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Read;

use crate::unicode::{Escapes, Lossy, Unescape, decode_entity};

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
/// A public source's path and text, and for a dataset where each row
/// starts (byte offset in the text, line in the file).
type PublicSource = (String, String, Vec<(usize, usize)>);
/// A fact's spellings as words, each with whether output is scanned for it.
type Spellings = Vec<(Vec<u64>, bool)>;
type HashSetU64 = HashSet<u64, BuildHasherDefault<Identity>>;

/// Collects exempt and public text while `visibility` walks the site.
///
/// The build cache keeps one per decision folder (`visibility::freeze`);
/// its maps come back holding the same entries, in whatever order they then
/// iterate, which nothing depends on.
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct FingerprintsBuilder {
    sources: Vec<String>,
    source_index: HashMap<String, u32>,
    shingles: HashKeyed<u32>,
    values: Vec<(Vec<u64>, u32)>,
    files: Vec<(u64, usize, u32)>,
    /// Exempt pictures by what they show ([`crate::images::pixels_digest`]).
    pictures: Vec<([u8; 32], u32)>,
    public_shingles: HashSetU64,
    /// Distinct public texts (many notices are worded alike).
    public_texts: HashSet<Vec<u64>>,
    /// Source, text, and for a dataset the byte offset in `text` where each
    /// row starts with that row's line in the file (empty otherwise).
    public_sources: Vec<PublicSource>,
    /// The fields of withholding notices a person wrote (label, public
    /// title, reason, public interest): published by design, so checked,
    /// never subtracted. Source, line, column, text.
    notices: Vec<(String, usize, usize, String)>,
    /// Short facts of exempt sources ([`crate::facts`]), each with its source.
    facts: Vec<(crate::facts::Fact, u32)>,
    /// Text that is public by definition for facts: the names site.toml
    /// gives, a record's fields the law publishes (who decides, the
    /// department), a meeting's body, a schema's allowed values, and every
    /// entry of a `public_facts` declaration. A fact found in one is not
    /// looked for, and the withholding report lists it ([`Vouched`]).
    fact_public: Vec<FactPublic>,
    /// Keeps nothing (see [`FingerprintsBuilder::discarding`]).
    discard: bool,
}

/// Text public by definition for facts: where it is written, and its words.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct FactPublic {
    source: String,
    field: String,
    text: String,
    words: Vec<u64>,
}

/// A field public by definition (not a `public_facts` declaration, which
/// the report lists already) that states a name or figure an exempt source
/// states too, so that the fact is not looked for in the output: listed in
/// the withholding report for an officer to check, as a declaration is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Vouched {
    /// The file where the field is written.
    pub source: String,
    /// The field (`department`, `decision_maker`, `columns.values`).
    pub field: String,
    /// What the field says.
    pub text: String,
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
            .field("pictures", &self.pictures)
            .field(
                "public_shingles",
                &self.public_shingles.iter().collect::<BTreeSet<_>>(),
            )
            .field(
                "public_texts",
                &self.public_texts.iter().collect::<BTreeSet<_>>(),
            )
            .field("public_sources", &self.public_sources)
            .field("notices", &self.notices)
            .field("facts", &self.facts)
            .field("fact_public", &self.fact_public)
            .field("discard", &self.discard)
            .finish()
    }
}

/// A public source that contains text from an exempt one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Overlap {
    pub public: String,
    /// Where in `public`, when known (line 0 when not).
    pub line: usize,
    pub column: usize,
    /// The text is a withholding notice's field, not a whole source.
    pub notice: bool,
    /// What is shared is a short fact (a name or a figure), not a passage.
    pub fact: bool,
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
        self.pictures.extend(
            other
                .pictures
                .into_iter()
                .map(|(digest, si)| (digest, remap[si as usize])),
        );
        self.public_shingles.extend(other.public_shingles);
        self.public_texts.extend(other.public_texts);
        self.public_sources.extend(other.public_sources);
        self.notices.extend(other.notices);
        self.facts.extend(
            other
                .facts
                .into_iter()
                .map(|(fact, si)| (fact, remap[si as usize])),
        );
        self.fact_public.extend(other.fact_public);
    }

    /// Text that is public by construction (templates, notices): never a fingerprint.
    pub fn add_public(&mut self, text: &str) {
        if self.discard {
            return;
        }
        for view in [ALL, OUTSIDE, JOINED] {
            let words = view_words(text, view);
            self.public_shingles.extend(shingles(&words));
            self.public_texts.insert(words);
        }
    }

    /// A public source file, checked for exempt text when the fingerprints are made.
    pub fn add_public_source(&mut self, source: &str, text: &str) {
        if self.discard {
            return;
        }
        // Not the file as written (site.toml is read as settings): a place
        // in `text` is no place in the file, so what is found is the file's.
        self.public_sources
            .push((source.to_string(), text.to_string(), vec![(0, 0)]));
    }

    /// A dataset's public cells as one source: `rows` gives, for the byte
    /// offset in `text` where each row starts, that row's line in the file.
    pub fn add_public_rows(&mut self, source: &str, text: &str, rows: Vec<(usize, usize)>) {
        if self.discard {
            return;
        }
        self.public_sources
            .push((source.to_string(), text.to_string(), rows));
    }

    /// Text that is public by definition as far as short facts go (see
    /// `fact_public`): a name or figure in it is not looked for. `field` is
    /// where in `source` it is written (`public_facts` for a declaration).
    pub fn add_fact_public(&mut self, source: &str, field: &str, text: &str) {
        if self.discard || text.trim().is_empty() {
            return;
        }
        self.fact_public.push(FactPublic {
            source: source.to_string(),
            field: field.to_string(),
            text: text.to_string(),
            words: words_at(text).into_iter().map(|(_, w)| w).collect(),
        });
    }

    /// A withholding notice's field that a person wrote, at `line`:`column`
    /// of `source`: checked for exempt text when the fingerprints are made.
    pub fn add_notice(&mut self, source: &str, line: usize, column: usize, text: &str) {
        if self.discard || text.trim().is_empty() {
            return;
        }
        self.notices
            .push((source.to_string(), line, column, text.to_string()));
    }

    /// A public source file under the site root (path relative to it) as
    /// read, its exempt passages blanked (`blanked`: places in it are places
    /// in the file), checked for exempt text when the fingerprints are made.
    pub fn add_public_file(&mut self, path: &str, blanked: &str) {
        if self.discard {
            return;
        }
        self.public_sources
            .push((path.to_string(), blanked.to_string(), Vec::new()));
    }

    pub fn add_exempt(&mut self, source: &str, text: &str) {
        self.add_exempt_as(source, text, crate::facts::Mode::Text);
    }

    /// Exempt text, its short facts read as `mode` says.
    fn add_exempt_as(&mut self, source: &str, text: &str, mode: crate::facts::Mode) {
        if self.discard {
            return;
        }
        let si = self.source(source);
        self.add_facts(si, text, mode);
        let views: &[u8] = if text.contains('<') {
            &[ALL, OUTSIDE, JOINED]
        } else {
            &[ALL]
        };
        for &view in views {
            let words = view_words(text, view);
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
        self.add_facts(si, value, crate::facts::Mode::Value);
        self.add_value_words(word_hashes(value, false), si, value);
    }

    fn add_facts(&mut self, si: u32, text: &str, mode: crate::facts::Mode) {
        self.facts.extend(
            crate::facts::extract(text, mode)
                .into_iter()
                .map(|fact| (fact, si)),
        );
    }

    fn add_value_words(&mut self, words: Vec<u64>, si: u32, text: &str) {
        let chars = text.chars().filter(|c| c.is_alphanumeric()).count();
        if !words.is_empty() && chars >= MIN_VALUE_CHARS {
            self.values.push((words, si));
        }
    }

    /// Fingerprints an exempt file: its bytes (and, for an image, its bytes
    /// as cleaned), and the words it holds when they can be read (text in
    /// UTF-8 or, with its byte-order mark, UTF-16; a CSV's cells; a PDF's
    /// pages). Returns `false` for a file whose words cannot be read (a
    /// spreadsheet, a PDF that cannot be decoded): a copy of them in public
    /// text would not be found, and the caller says so.
    pub fn add_exempt_file(&mut self, source: &str, bytes: &[u8]) -> bool {
        if self.discard {
            return true;
        }
        let si = self.source(source);
        self.files.push((hash_bytes(bytes), bytes.len(), si));
        // A picture saved again (other compression, filters or colour
        // type) shows the same pixels.
        if let Some(digest) = crate::images::pixels_digest(bytes) {
            self.pictures.push((digest, si));
        }
        // As it would be published: a public image is written without its metadata.
        if let Some(kind) = crate::images::ImageKind::from_name(source) {
            if let Ok(clean) = crate::images::strip(kind, bytes) {
                if clean != bytes {
                    self.files.push((hash_bytes(&clean), clean.len(), si));
                }
            }
        }
        // A PDF's words, so that a re-saved copy (other bytes, the same
        // words) or a passage pasted from it is found. Only what its pages
        // show: the information fields and XMP of any two PDFs made by the
        // same program share boilerplate that proves nothing.
        if is_pdf(source, bytes) {
            return match crate::pdf::text(bytes) {
                Ok(text) => {
                    self.add_exempt(source, &text.shown);
                    true
                }
                Err(_) => false,
            };
        }
        if crate::images::ImageKind::from_name(source).is_some() {
            return true;
        }
        let Some(text) = text_of(bytes) else {
            return false;
        };
        self.add_exempt(source, &text);
        if source.to_ascii_lowercase().ends_with(".csv") {
            self.add_exempt_cells(source, &text);
        }
        true
    }

    /// Every cell of an exempt CSV file (the first row names its columns),
    /// and each item of a list cell (`a;b`): short ones as values, long ones
    /// as shingles too, so that a quoted part of a cell is found, not only
    /// the whole of it. Quoted CSV cells are read as CSV reads them.
    fn add_exempt_cells(&mut self, source: &str, text: &str) {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(text.as_bytes());
        for record in reader.records().flatten() {
            for cell in record.iter() {
                self.add_exempt_cell(source, cell, true);
            }
        }
    }

    /// One exempt cell, and each item of it when it may be a list.
    pub fn add_exempt_cell(&mut self, source: &str, cell: &str, list: bool) {
        if self.discard {
            return;
        }
        let value = crate::facts::Mode::Value;
        self.add_exempt_as(source, cell, value);
        if list && cell.contains(';') {
            for item in cell.split(';') {
                self.add_exempt_as(source, item.trim(), value);
            }
        }
    }

    /// The fingerprints, and every public source that contains exempt text.
    /// The fingerprints; the public sources' overlaps with exempt ones; and
    /// the fields public by definition that vouch for an exempt fact.
    pub fn finish(mut self) -> (Fingerprints, Vec<Overlap>, Vec<Vouched>) {
        for (_, text) in crate::templates::builtin_templates() {
            self.add_public(text);
        }
        // What every notice says in the council's own words.
        self.add_public(crate::schedule12a::STANDARD_PUBLIC_INTEREST);
        for paragraph in 1..=7 {
            self.add_public(crate::schedule12a::covers(paragraph));
        }
        let FingerprintsBuilder {
            sources,
            mut shingles,
            mut values,
            files,
            mut pictures,
            public_shingles,
            public_texts,
            public_sources,
            notices,
            mut facts,
            fact_public,
            ..
        } = self;
        shingles.retain(|h, _| !public_shingles.contains(h));
        pictures.sort();
        pictures.dedup();
        values.sort();
        values.dedup_by(|a, b| a.0 == b.0);
        // A value found in template or notice text proves nothing.
        let matcher = ValueMatcher::new(&values);
        let public_hits: HashSet<usize> = public_texts
            .iter()
            .flat_map(|words| matcher.all_matches(words))
            .collect();
        let mut values: Vec<(Vec<u64>, u32)> = values
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !public_hits.contains(i))
            .map(|(_, v)| v)
            .collect();
        // Each fact once (named by the first source, in name order), in
        // every spelling; one found in public-by-definition text is dropped.
        facts.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| sources[a.1 as usize].cmp(&sources[b.1 as usize]))
        });
        facts.dedup_by(|a, b| a.0 == b.0);
        let spelt: Vec<(Spellings, u32)> = facts
            .iter()
            .map(|(fact, si)| {
                let spellings = crate::facts::spellings(fact)
                    .into_iter()
                    .map(|spelling| {
                        let words: Vec<u64> =
                            words_at(&spelling).into_iter().map(|(_, w)| w).collect();
                        // A short spelling proves nothing in output.
                        let in_output = spelling.chars().filter(|c| c.is_alphanumeric()).count()
                            >= MIN_VALUE_CHARS;
                        (words, in_output)
                    })
                    .filter(|(words, _)| !words.is_empty())
                    .collect();
                (spellings, *si)
            })
            .collect();
        let every: Vec<(Vec<u64>, u32)> = spelt
            .iter()
            .enumerate()
            .flat_map(|(i, (spellings, _))| {
                spellings.iter().map(move |(w, _)| (w.clone(), i as u32))
            })
            .collect();
        let every_matcher = ValueMatcher::new(&every);
        // Facts public wherever they are: in template or notice text, or
        // (below) vouched for by a field public by definition.
        let mut always_public: HashSet<u32> = public_texts
            .iter()
            .flat_map(|words| every_matcher.all_matches(words))
            .map(|v| every[v].1)
            .collect();
        let mut vouched = Vec::new();
        // Declarations first: the report lists them already. Then each
        // field that vouches for a fact no declaration covers.
        let (declared, fields): (Vec<_>, Vec<_>) = fact_public
            .into_iter()
            .partition(|entry| entry.field == "public_facts");
        // Each fact a declaration covers, with the sources that declare it:
        // a declaration makes it public in its own source only (a schema's
        // in its dataset's cells), and the output is not searched for it.
        let mut declared_by: HashMap<u32, Vec<String>> = HashMap::new();
        for entry in declared {
            let source = match entry.source.strip_suffix(".schema.toml") {
                Some(dataset) => format!("{dataset}.csv"),
                None => entry.source,
            };
            for v in every_matcher.all_matches(&entry.words) {
                let by = declared_by.entry(every[v].1).or_default();
                if !by.contains(&source) {
                    by.push(source.clone());
                }
            }
        }
        let mut by_fields = HashSet::new();
        for entry in fields {
            let vouches: Vec<u32> = every_matcher
                .all_matches(&entry.words)
                .map(|v| every[v].1)
                .filter(|fact| !always_public.contains(fact) && !declared_by.contains_key(fact))
                .collect();
            if !vouches.is_empty() {
                by_fields.extend(vouches);
                vouched.push(Vouched {
                    source: entry.source,
                    field: entry.field,
                    text: entry.text,
                });
            }
        }
        always_public.extend(by_fields);
        vouched.sort();
        vouched.dedup();
        let first_fact = values.len();
        let mut located = Vec::new();
        let mut fact_declared = Vec::new();
        let mut figures: HashMap<(String, bool), u32> = HashMap::new();
        let mut figure_declared: HashMap<(String, bool), Vec<String>> = HashMap::new();
        for (i, (spellings, si)) in spelt.into_iter().enumerate() {
            if always_public.contains(&(i as u32)) {
                continue;
            }
            let declared = declared_by.remove(&(i as u32)).unwrap_or_default();
            let fact = &facts[i].0;
            let figure = matches!(
                fact.kind,
                crate::facts::Kind::Number | crate::facts::Kind::Percentage
            );
            if figure {
                // Placed in sources by reading their figures, so that a
                // date's `10-16` is never the figure `10.16`.
                let key = (
                    fact.key.clone(),
                    fact.kind == crate::facts::Kind::Percentage,
                );
                if !declared.is_empty() {
                    figure_declared.insert(key.clone(), declared.clone());
                }
                figures.insert(key, si);
            }
            for (words, in_output) in spellings {
                // In output a figure is read as words, so only one with
                // five digits or more, of one word, or followed by "per
                // cent" is evidence there (`16.16` is two words that
                // `2020-10-16 16` also makes).
                let digits = fact.key.bytes().filter(u8::is_ascii_digit).count();
                let strong = !figure
                    || digits >= 5
                    || words.len() == 1
                    || fact.kind == crate::facts::Kind::Percentage;
                if in_output && strong && declared.is_empty() {
                    values.push((words.clone(), si));
                }
                if !figure {
                    located.push((words, si));
                    fact_declared.push(declared.clone());
                }
            }
        }
        let fingerprints = Fingerprints {
            matcher: ValueMatcher::new(&values),
            values,
            first_fact,
            facts: ValueMatcher::new(&located),
            fact_sources: located.iter().map(|(_, si)| *si).collect(),
            any_declared: fact_declared.iter().any(|d| !d.is_empty()),
            fact_declared,
            figures,
            figure_declared,
            sources,
            shingles: ShingleSet::new(shingles),
            files,
            pictures,
        };
        let mut overlaps: Vec<Overlap> = Vec::new();
        for (path, text, rows) in &public_sources {
            overlaps.extend(fingerprints.check_source(path, text, rows));
        }
        for (path, line, column, text) in &notices {
            overlaps.extend(
                fingerprints
                    .check_source(path, text, &[])
                    .into_iter()
                    .map(|o| Overlap {
                        line: *line,
                        column: *column,
                        notice: true,
                        ..o
                    }),
            );
        }
        overlaps.sort();
        overlaps.dedup();
        (fingerprints, overlaps, vouched)
    }
}

/// The words of `text` as the scan reads them in the view of every word
/// (with no markup or character references to read), each with the byte
/// offset it starts at.
pub(crate) fn words_at(text: &str) -> Vec<(usize, u64)> {
    let mut out = Vec::new();
    let mut word = Fnv::START;
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        fold(c, &mut |folded| match folded {
            Folded::Letter(l) => {
                start.get_or_insert(i);
                let mut buf = [0u8; 4];
                for &b in l.encode_utf8(&mut buf).as_bytes() {
                    word = Fnv::step(word, b);
                }
            }
            Folded::Break(_) => {
                if let Some(s) = start.take() {
                    out.push((s, Fnv(word).finish()));
                    word = Fnv::START;
                }
            }
        });
    }
    if let Some(s) = start {
        out.push((s, Fnv(word).finish()));
    }
    out
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

    /// The first of [`ValueMatcher::matches`] that `which` takes, found
    /// with plain loops (the scan finds it as a stream, with [`ValueStream`]).
    #[cfg(test)]
    fn first_match(&self, words: &[u64], which: impl Fn(usize) -> bool) -> Option<usize> {
        if self.by_first.is_empty() {
            return None;
        }
        for (at, w) in words.iter().enumerate() {
            if let Some(candidates) = self.by_first.get(w) {
                for &v in candidates {
                    if which(v) && words[at..].starts_with(&self.sequences[v]) {
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
    /// Exempt values, then (from `first_fact`) the spellings of short
    /// facts that output is scanned for.
    values: Vec<(Vec<u64>, u32)>,
    first_fact: usize,
    matcher: ValueMatcher,
    files: Vec<(u64, usize, u32)>,
    /// Exempt pictures by what they show, sorted.
    pictures: Vec<([u8; 32], u32)>,
    /// Every spelling of every short fact, `%` included, with its source:
    /// where a public source states one ([`Fingerprints::check_source`]).
    facts: ValueMatcher,
    fact_sources: Vec<u32>,
    /// Number and percentage facts by canonical key (and whether a
    /// percentage), with their source.
    figures: HashMap<(String, bool), u32>,
    /// For each of `facts`, and each of `figures`, the public sources
    /// that declare it public (`public_facts`): stating it there is no
    /// overlap, anywhere else it is.
    fact_declared: Vec<Vec<String>>,
    figure_declared: HashMap<(String, bool), Vec<String>>,
    /// Whether any fact is declared: a source is then searched for facts
    /// even where the output scan (which does not look for them) found none.
    any_declared: bool,
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
        buf.clear();
        for (digest, si) in &self.pictures {
            buf.extend_from_slice(digest);
            buf.extend_from_slice(&si.to_le_bytes());
        }
        add(&buf);
        buf.clear();
        buf.extend_from_slice(&(self.first_fact as u64).to_le_bytes());
        for (words, si) in self.facts.sequences.iter().zip(&self.fact_sources) {
            buf.extend_from_slice(&(words.len() as u64).to_le_bytes());
            for w in words {
                buf.extend_from_slice(&w.to_le_bytes());
            }
            buf.extend_from_slice(&si.to_le_bytes());
        }
        add(&buf);
        let mut figures: Vec<(&(String, bool), &u32)> = self.figures.iter().collect();
        figures.sort();
        for ((key, percent), si) in figures {
            add(key.as_bytes());
            add(&[u8::from(*percent)]);
            add(&si.to_le_bytes());
            for by in self
                .figure_declared
                .get(&(key.clone(), *percent))
                .into_iter()
                .flatten()
            {
                add(by.as_bytes());
            }
        }
        for (v, by) in self.fact_declared.iter().enumerate() {
            for source in by {
                add(&(v as u64).to_le_bytes());
                add(source.as_bytes());
            }
        }
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
    /// How it was found: `text`, `value`, `fact` (a short name or figure,
    /// [`crate::facts`]), `file`, or `unreadable` (a compressed file that
    /// could not be opened, so could not be scanned).
    pub how: &'static str,
}

impl Fingerprints {
    /// How many things the scan looks for, for the report: shingles,
    /// values, files and short facts' spellings.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        (
            self.shingles.map.len(),
            self.first_fact,
            self.files.len(),
            self.facts.sequences.len(),
        )
    }

    /// Exempt material in a public source's text (a passage, a value, a
    /// file, or a short fact, each once), at the place it is when that can
    /// be found. `rows` gives a dataset's row lines (see
    /// [`FingerprintsBuilder::add_public_rows`]; line 0 is no place);
    /// when it is empty places are
    /// worked out from `text`.
    pub fn check_source(&self, path: &str, text: &str, rows: &[(usize, usize)]) -> Vec<Overlap> {
        let overlap = |line, column, fact, exempt| Overlap {
            public: path.to_string(),
            line,
            column,
            notice: false,
            fact,
            exempt,
        };
        // A byte offset in `text` as a line and column: a dataset's row's
        // line, or the text's own line and column.
        let place = |offset: usize| match rows.iter().rposition(|(start, _)| *start <= offset) {
            Some(r) => (rows[r].1, 1),
            None if !rows.is_empty() => (0, 0),
            None => {
                let p = crate::diagnostics::Position::of_offset(text, offset);
                (p.line, p.column)
            }
        };
        let mut out = Vec::new();
        let mut fact_found = Vec::new();
        let mut words = None;
        for leak in self.scan(path, text.as_bytes()) {
            match leak.how {
                "unreadable" => {} // a PDF that cannot be read: an error of its own
                "fact" => fact_found.push(leak.source),
                how => {
                    // Where the shared text starts, as the view of every
                    // word reads it; a find only without markup, or a whole
                    // file, has no one place.
                    let words = words.get_or_insert_with(|| words_at(text));
                    let si = self.source_index(&leak.source);
                    let offset = si.and_then(|si| match how {
                        "text" => self.locate_text(words, si),
                        "value" => self.locate_value(words, si),
                        _ => None,
                    });
                    let (line, column) = offset.map_or((0, 0), place);
                    out.push(overlap(line, column, false, leak.source));
                }
            }
        }
        // Names and postcodes are placed only where the scan found
        // something; figures always, since a short one is not scanned for.
        let mut located = if fact_found.is_empty() && out.is_empty() && !self.any_declared {
            Vec::new()
        } else {
            self.locate_facts(text, path)
        };
        located.extend(self.locate_figures(text, path));
        // A source whose text or values are found says it already.
        let known: HashSet<String> = out.iter().map(|o| o.exempt.clone()).collect();
        if located.is_empty() {
            // Found as the output scan reads text, but not placed: the file.
            out.extend(
                fact_found
                    .into_iter()
                    .filter(|e| !known.contains(e))
                    .map(|e| overlap(0, 0, true, e)),
            );
        }
        for (offset, si) in located {
            let exempt = &self.sources[si as usize];
            if known.contains(exempt) {
                continue;
            }
            let (line, column) = place(offset);
            out.push(overlap(line, column, true, exempt.clone()));
        }
        out
    }

    /// The index of the exempt source named `source`.
    fn source_index(&self, source: &str) -> Option<u32> {
        self.sources
            .iter()
            .position(|s| s == source)
            .and_then(|i| u32::try_from(i).ok())
    }

    /// Where the first run of [`SHINGLE_WORDS`] words of `words` (from
    /// [`words_at`]) that the exempt source `si` also has starts: a byte offset.
    fn locate_text(&self, words: &[(usize, u64)], si: u32) -> Option<usize> {
        words.windows(SHINGLE_WORDS).find_map(|window| {
            let h = window
                .iter()
                .fold(SHINGLE_SEED, |h, (_, w)| shingle_step(h, *w));
            (self.shingles.get(h) == Some(si)).then_some(window[0].0)
        })
    }

    /// Where the first of the exempt source `si`'s values starts in
    /// `words` (from [`words_at`]): a byte offset.
    fn locate_value(&self, words: &[(usize, u64)], si: u32) -> Option<usize> {
        let hashes: Vec<u64> = words.iter().map(|(_, w)| *w).collect();
        words.iter().enumerate().find_map(|(at, (offset, w))| {
            self.matcher
                .by_first
                .get(w)
                .into_iter()
                .flatten()
                .any(|&v| {
                    v < self.first_fact
                        && self.values[v].1 == si
                        && hashes[at..].starts_with(&self.matcher.sequences[v])
                })
                .then_some(*offset)
        })
    }

    /// Where each number or percentage fact first is in `text`, read as
    /// figures ([`crate::facts::figures`]): byte offset and source.
    fn locate_figures(&self, text: &str, path: &str) -> Vec<(usize, u32)> {
        if self.figures.is_empty() {
            return Vec::new();
        }
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let declared_here = |k: &(String, bool)| {
            self.figure_declared
                .get(k)
                .is_some_and(|by| by.iter().any(|s| s == path))
        };
        for (offset, key, percent) in crate::facts::figures(text) {
            let plain = (key.clone(), false);
            let fact = match self.figures.get(&plain) {
                Some(si) => Some((plain, si)),
                None => percent
                    .then(|| {
                        let k = (key.clone(), true);
                        self.figures.get(&k).map(|si| (k, si))
                    })
                    .flatten(),
            };
            if let Some((_, &si)) = fact.filter(|(k, _)| !declared_here(k)) {
                if seen.insert(key) {
                    out.push((offset, si));
                }
            }
        }
        out
    }

    /// Where each short fact first is in `text` (the source at `path`, so
    /// not one it declares): byte offset and source.
    fn locate_facts(&self, text: &str, path: &str) -> Vec<(usize, u32)> {
        if self.facts.by_first.is_empty() {
            return Vec::new();
        }
        let words = words_at(text);
        let hashes: Vec<u64> = words.iter().map(|(_, w)| *w).collect();
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (at, (offset, w)) in words.iter().enumerate() {
            for &v in self.facts.by_first.get(w).into_iter().flatten() {
                if hashes[at..].starts_with(&self.facts.sequences[v])
                    && !self.fact_declared[v].iter().any(|s| s == path)
                    && seen.insert(v)
                {
                    out.push((*offset, self.fact_sources[v]));
                }
            }
        }
        out
    }

    /// Scans one output file (a gzip file is opened and its contents scanned).
    pub fn scan(&self, output: &str, bytes: &[u8]) -> Vec<Leak> {
        let inspected = match inspectable(output, bytes) {
            Ok(b) => b,
            Err(_) => return vec![unreadable(output)],
        };
        let mut stream = ScanStream::new(self, output);
        stream.feed_plain(&inspected);
        // What it hides in base64 or hexadecimal, read as a reader who
        // decodes it would read it.
        for (_, text) in crate::unicode::encoded_texts(&inspected) {
            stream.feed_plain(b"\n\n");
            stream.feed_plain(text.as_bytes());
        }
        let mut leaks = stream.finish();
        let picture = || crate::images::pixels_digest(bytes);
        if let Some(digest) = (!self.pictures.is_empty()).then(picture).flatten() {
            // A picture: by what it shows, whatever its bytes.
            leaks.extend(
                self.pictures
                    .iter()
                    .filter(|(d, _)| *d == digest)
                    .map(|(_, si)| Leak {
                        output: output.to_string(),
                        source: self.sources[*si as usize].clone(),
                        how: "file",
                    }),
            );
            leaks.sort();
            leaks.dedup();
        }
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
    /// The file's escapes, decoded before its words are read (JSON's
    /// `\n`, a calendar's folds: [`crate::unicode::Escapes`]).
    unescape: Option<Unescape>,
    /// Text after the last sure word break, read with the next piece.
    pending: String,
    reading: Reading,
    /// Whether the text has markup (a `<`), so the view without it counts.
    markup: bool,
    views: Views<'a>,
}

impl<'a> ScanStream<'a> {
    fn new(f: &'a Fingerprints, output: &str) -> ScanStream<'a> {
        // Gzip and PDF files are held and read whole.
        let whole = read_whole(output);
        ScanStream {
            f,
            output: output.to_string(),
            plain: whole.then_some(false),
            held: Vec::new(),
            len: 0,
            hash: (!f.files.is_empty()).then(Fnv::default),
            utf8: Lossy::default(),
            unescape: Escapes::of(output).map(Unescape::new),
            pending: String::new(),
            reading: Reading::default(),
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
        match &mut self.unescape {
            Some(unescape) => {
                let mut decoded = Vec::with_capacity(bytes.len());
                unescape.push(bytes, &mut decoded);
                utf8.push(&decoded, |text| self.text(text));
            }
            None => utf8.push(bytes, |text| self.text(text)),
        }
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
        each_word(text, &mut self.reading, &mut |word, which| {
            views.push(word, which)
        });
    }

    /// What the whole file showed.
    pub fn finish(mut self) -> Vec<Leak> {
        if self.plain != Some(true) {
            // Gzip or PDF (or too short to tell): read whole.
            let held = std::mem::take(&mut self.held);
            return self.f.scan(&self.output, &held);
        }
        let mut utf8 = std::mem::take(&mut self.utf8);
        if let Some(mut unescape) = self.unescape.take() {
            let mut decoded = Vec::new();
            unescape.finish(&mut decoded);
            utf8.push(&decoded, |text| self.text(text));
        }
        utf8.finish(|text| self.text(text));
        let rest = std::mem::take(&mut self.pending);
        self.words(&rest);
        let views = &mut self.views;
        self.reading
            .finish(&mut |word, which| views.push(word, which));
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
        drop_repeated_facts(&mut found);
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

/// Sorts finds (source, how) and keeps each once; a short fact says nothing
/// more where its source's text or values are found too.
fn drop_repeated_facts(found: &mut Vec<(u32, &'static str)>) {
    found.sort();
    found.dedup();
    let sources: Vec<u32> = found
        .iter()
        .filter(|(_, how)| *how != "fact")
        .map(|(si, _)| *si)
        .collect();
    found.retain(|(si, how)| *how != "fact" || !sources.contains(si));
}

/// The words of one file read as a stream: the first shingle and the first
/// value found in each view ([`ALL`], [`OUTSIDE`], [`JOINED`]), exactly as
/// if the views were read whole, holding only the last few words.
struct Views<'a> {
    f: &'a Fingerprints,
    /// Words read so far (each word once, whatever views it is in): where
    /// a word is in the file.
    words: usize,
    all: View<'a>,
    /// The view without markup, from the first word not in every view:
    /// until then it is the view of every word.
    outside: Option<View<'a>>,
    /// The joined view, from the first word in only one of it and the view
    /// without markup: until then it is that view.
    joined: Option<View<'a>>,
    /// Where the last word in the view without markup but not the joined
    /// view is.
    last_unjoined: Option<usize>,
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
            values: ValueStream::new(&f.matcher, f.first_fact),
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
            joined: None,
            last_unjoined: None,
        }
    }

    /// The next word, in the views `which` says.
    fn push(&mut self, word: u64, which: u8) {
        let at = self.words;
        self.words += 1;
        if which != EVERY && self.outside.is_none() {
            // The views part here: so far they have read the same words.
            self.outside = Some(self.all.clone());
        }
        if (which & OUTSIDE == 0) != (which & JOINED == 0) && self.joined.is_none() {
            self.joined = self.outside.clone();
        }
        if which & ALL != 0 {
            let all = &mut self.all;
            if all.hit.is_none() {
                if let Some(start) = all.window.push(word, at, false) {
                    if let Some(si) = self.f.shingles.get(all.window.shingle()) {
                        all.found = Some(si);
                        all.hit = Some(start);
                    }
                }
            }
            all.values.push(word);
        }
        // What the view without markup made of its window at this word, if
        // it judged it: the joined view's window may be the same.
        let mut judged: Option<Option<u32>> = None;
        if which & OUTSIDE != 0 {
            if which & JOINED == 0 {
                self.last_unjoined = Some(at);
            }
            if let Some(outside) = &mut self.outside {
                if outside.hit.is_none() {
                    if let Some(start) = outside.window.push(word, at, which & ALL == 0) {
                        // A run of words next to each other, each in the view of
                        // every word, is a shingle that view already looked up,
                        // and missed, unless it starts at or after that view's
                        // first find: its hash is not worked out again.
                        let seen = at - start == SHINGLE_WORDS - 1
                            && outside.window.novel == 0
                            && self.all.hit.is_none_or(|hit| start < hit);
                        let found = if seen {
                            None
                        } else {
                            self.f.shingles.get(outside.window.shingle())
                        };
                        if let Some(si) = found {
                            outside.found = Some(si);
                            outside.hit = Some(start);
                        }
                        judged = Some(found);
                    }
                }
                outside.values.push(word);
            }
        }
        if which & JOINED != 0 {
            if let Some(joined) = &mut self.joined {
                if joined.hit.is_none() {
                    if let Some(start) = joined.window.push(word, at, which & OUTSIDE == 0) {
                        // The same words as the window of the view without
                        // markup, if no word in it or since its start is
                        // in one of the two only: found as that found.
                        let same = joined.window.novel == 0
                            && self.last_unjoined.is_none_or(|last| last < start);
                        let found = match judged.filter(|_| same) {
                            Some(found) => found,
                            None => self.f.shingles.get(joined.window.shingle()),
                        };
                        if let Some(si) = found {
                            joined.found = Some(si);
                            joined.hit = Some(start);
                        }
                    }
                }
                joined.values.push(word);
            }
        }
    }

    /// The finds of every view; the view without markup counts only when
    /// the text has markup (`<`) to strip.
    fn finish(self, markup: bool) -> Vec<(u32, &'static str)> {
        let mut found = Vec::new();
        let views = std::iter::once(self.all)
            .chain(self.outside.filter(|_| markup))
            .chain(self.joined);
        for view in views {
            found.extend(view.found.map(|si| (si, "text")));
            let (value, fact) = view.values.finish();
            found.extend(value.map(|v| (self.f.values[v].1, "value")));
            found.extend(fact.map(|v| (self.f.values[v].1, "fact")));
        }
        found
    }
}

/// The last [`SHINGLE_WORDS`] words of a view, with where each is among
/// every word, and how many of them are not in the view it is compared with.
#[derive(Default, Clone)]
struct Window {
    words: [u64; SHINGLE_WORDS],
    at: [usize; SHINGLE_WORDS],
    novel_at: [bool; SHINGLE_WORDS],
    novel: usize,
    len: usize,
}

impl Window {
    /// Adds a word (`novel` if it is not in the view compared with); once
    /// the window is full, where the first of its words is.
    fn push(&mut self, word: u64, at: usize, novel: bool) -> Option<usize> {
        let slot = self.len % SHINGLE_WORDS;
        if self.len >= SHINGLE_WORDS {
            self.novel -= usize::from(self.novel_at[slot]);
        }
        self.words[slot] = word;
        self.at[slot] = at;
        self.novel_at[slot] = novel;
        self.novel += usize::from(novel);
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
/// tried once the longest value could have been read from it. Values from
/// `first_fact` on are short facts' spellings: the first of those is kept
/// apart, and the stream goes on for a value.
#[derive(Clone)]
struct ValueStream<'a> {
    matcher: &'a ValueMatcher,
    first_fact: usize,
    /// Words from the next start to try on.
    pending: std::collections::VecDeque<u64>,
    found: Option<usize>,
    fact: Option<usize>,
}

impl<'a> ValueStream<'a> {
    fn new(matcher: &'a ValueMatcher, first_fact: usize) -> ValueStream<'a> {
        ValueStream {
            matcher,
            first_fact,
            pending: std::collections::VecDeque::with_capacity(matcher.longest),
            found: None,
            fact: None,
        }
    }

    fn push(&mut self, word: u64) {
        let done = self.found.is_some()
            && (self.fact.is_some() || self.first_fact == self.matcher.sequences.len());
        if done || self.matcher.by_first.is_empty() {
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
                    if v < self.first_fact {
                        self.found.get_or_insert(v);
                    } else {
                        self.fact.get_or_insert(v);
                    }
                    if self.found.is_some() && self.fact.is_some() {
                        return;
                    }
                }
            }
        }
        self.pending.pop_front();
    }

    /// The first value found, and the first fact.
    fn finish(mut self) -> (Option<usize>, Option<usize>) {
        while (self.found.is_none() || self.fact.is_none()) && !self.pending.is_empty() {
            self.try_first();
        }
        (self.found, self.fact)
    }
}

/// The text of a file's bytes: UTF-8, or UTF-16 with its byte-order mark
/// (as spreadsheet programs save "Unicode text"); `None` for anything else.
fn text_of(bytes: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    let utf16 = |unit: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|p| unit([p[0], p[1]]))
            .collect();
        String::from_utf16(&units).ok().map(std::borrow::Cow::Owned)
    };
    match bytes {
        [0xFF, 0xFE, ..] => utf16(u16::from_le_bytes),
        [0xFE, 0xFF, ..] => utf16(u16::from_be_bytes),
        _ => std::str::from_utf8(bytes)
            .ok()
            .map(std::borrow::Cow::Borrowed),
    }
}

/// Whether a file is a PDF, by its name or its first bytes.
pub fn is_pdf(path: &str, bytes: &[u8]) -> bool {
    path.ends_with(".pdf") || bytes.starts_with(b"%PDF-")
}

/// Output files that the defences read whole rather than as they are
/// written: compressed files and PDFs.
pub fn read_whole(path: &str) -> bool {
    claims_gzip(path) || path.ends_with(".pdf")
}

/// Output files whose names say they are gzip-compressed: `.gz`, and the
/// search index's data files (Pagefind's `.pf_fragment`, `.pf_index`,
/// `.pf_meta` and `.pf_filter`, which Pagefind always compresses). Any file
/// that starts with gzip's magic bytes is opened too, whatever its name; one
/// whose name says gzip but whose bytes are not is refused, never read as
/// it is (fail closed).
pub fn claims_gzip(path: &str) -> bool {
    const NAMES: [&str; 5] = [".gz", ".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter"];
    NAMES.iter().any(|end| path.ends_with(end))
}

/// What Pagefind puts before the data of each of its files, inside the gzip.
const PAGEFIND_PREFIX: &[u8] = b"pagefind_dcd";

/// The bytes to inspect for an output file: a gzip file (by its magic bytes
/// `1f 8b`, RFC 1952; a name that says gzip must have them) decompressed,
/// and a search index file's contents read as text ([`crate::cbor`]); a
/// PDF's text (what its pages show, its information fields and XMP, never
/// its structure: see [`crate::pdf`]); any other file as it is.
pub fn inspectable<'a>(path: &str, bytes: &'a [u8]) -> Result<Cow<'a, [u8]>, String> {
    if is_pdf(path, bytes) {
        let text = crate::pdf::text(bytes)?;
        return Ok(Cow::Owned(text.all().into_bytes()));
    }
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        if claims_gzip(path) {
            return Err("its name says it is compressed (gzip), but it is not".to_string());
        }
        return Ok(Cow::Borrowed(bytes));
    }
    let mut out = Vec::new();
    let mut decoder = flate2::read::MultiGzDecoder::new(bytes).take(crate::pdf::MAX_INFLATED + 1);
    decoder
        .read_to_end(&mut out)
        .map_err(|e| format!("it is not valid gzip ({e})"))?;
    if out.len() as u64 > crate::pdf::MAX_INFLATED {
        return Err("it decompresses to more than 256 MB".to_string());
    }
    // The search index's files, once inflated: Pagefind's prefix, then a
    // fragment's JSON, Pagefind's WebAssembly (read as it is, like any
    // binary), or the CBOR of word lists, filters and metadata.
    if let Some(data) = out.strip_prefix(PAGEFIND_PREFIX) {
        if data.starts_with(b"{") || data.starts_with(b"\0asm") {
            return Ok(Cow::Owned(data.to_vec()));
        }
        return crate::cbor::texts(data)
            .map(|text| Cow::Owned(text.into_bytes()))
            .map_err(|e| format!("it is a search index file, but {e}"));
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

/// The views of a text's words (bits, so that one word can be in several).
///
/// - [`ALL`]: every word, markup included, `<` and `>` ending words;
/// - [`OUTSIDE`]: the words outside markup `<...>`, every tag ending a word;
/// - [`JOINED`]: the words outside markup as a reader sees them, where an
///   inline tag (`sec<b>ret</b>`, a comment, any tag but a block or break
///   one: see [`breaks_words`]) does not end a word.
pub(crate) const ALL: u8 = 1;
pub(crate) const OUTSIDE: u8 = 2;
pub(crate) const JOINED: u8 = 4;
const EVERY: u8 = ALL | OUTSIDE | JOINED;

/// The words of `text` as hashes: runs of letters and digits, lower-cased,
/// with HTML entities decoded so that `&amp;` and `&#39;` hide nothing.
/// With `strip`, markup `<...>` is a word break and its contents are skipped.
pub fn word_hashes(text: &str, strip: bool) -> Vec<u64> {
    view_words(text, if strip { OUTSIDE } else { ALL })
}

/// The words of `text` in one view ([`ALL`], [`OUTSIDE`] or [`JOINED`]).
fn view_words(text: &str, view: u8) -> Vec<u64> {
    let mut out = Vec::with_capacity(text.len() / 6);
    let mut reading = Reading::default();
    let mut keep = |word, views: u8| {
        if views & view != 0 {
            out.push(word);
        }
    };
    each_word(text, &mut reading, &mut keep);
    reading.finish(&mut keep);
    out
}

/// For each byte: the lower-cased byte if it is an ASCII letter or digit, 0
/// if it is any other ASCII character but `&`, `%`, `<` or `>` (a word
/// break), and 1 for those four and every byte of a multi-byte character (a
/// closer look).
const ASCII_WORD: [u8; 256] = {
    let mut table = [1u8; 256];
    let mut b = 0;
    while b < 0x80 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else if c == b'&' || c == b'%' || c == b'<' || c == b'>' {
            1
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Where the word reader is at the end of a piece of text, to go on from
/// in the next: a text can be read in pieces cut wherever no word of the
/// view of every word is under way (at ASCII whitespace, say).
#[derive(Clone, Copy)]
struct Reading {
    /// Inside markup `<...>`.
    markup: bool,
    /// Reading the name of the tag just opened, and the name so far
    /// (lower-cased; longer names are cut, and are no block tag's).
    naming: bool,
    name: [u8; 12],
    name_len: usize,
    /// A word outside markup that a tag ended, while it is not yet known
    /// whether the word goes on after the tag (in [`JOINED`]): its hash, and
    /// whether [`ALL`] has been given it (once the tag's name is known).
    held: Option<u64>,
    held_all: bool,
    /// Letters went on after an inline tag: the joined word is not the word
    /// of the other views, and `joined` is its hash so far (FNV state).
    split: bool,
    joined: u64,
}

impl Default for Reading {
    fn default() -> Reading {
        Reading {
            markup: false,
            naming: false,
            name: [0; 12],
            name_len: 0,
            held: None,
            held_all: false,
            split: false,
            joined: Fnv::START,
        }
    }
}

impl Reading {
    /// A letter (lower-cased ASCII byte or the bytes of another letter)
    /// outside markup, after a held word: the word goes on across the tag.
    fn go_on(&mut self, emit: &mut impl FnMut(u64, u8)) {
        if let Some(held) = self.held.take() {
            emit(held, OUTSIDE);
            self.split = true;
            self.held_all = false;
        }
    }

    /// The end of the word outside markup under way (`word`, FNV state, if
    /// it has letters), and of the joined word it may end.
    fn end_outside(&mut self, word: Option<u64>, emit: &mut impl FnMut(u64, u8)) {
        let (hash, given) = match (word, self.held.take()) {
            (Some(word), _) => (Fnv(word).finish(), 0),
            (None, Some(held)) => (held, if self.held_all { ALL } else { 0 }),
            (None, None) => return,
        };
        if self.split {
            emit(hash, (ALL | OUTSIDE) & !given);
            emit(Fnv(self.joined).finish(), JOINED);
        } else {
            emit(hash, EVERY & !given);
        }
        self.split = false;
        self.held_all = false;
        self.joined = Fnv::START;
    }

    /// The name of the tag opened ends: an inline tag lets a word go on.
    fn named(&mut self, emit: &mut impl FnMut(u64, u8)) {
        self.naming = false;
        if self.held.is_none() {
            return;
        }
        // A name too long to keep is no block tag's.
        let long = self.name_len > self.name.len();
        if !long && breaks_words(&self.name[..self.name_len]) {
            self.end_outside(None, emit);
        } else if !self.held_all {
            emit(self.held.expect("held"), ALL);
            self.held_all = true;
        }
    }

    /// The end of the whole text.
    fn finish(mut self, emit: &mut impl FnMut(u64, u8)) {
        if self.naming {
            self.named(emit);
        }
        if let Some(held) = self.held.filter(|_| !self.held_all) {
            emit(held, ALL);
            self.held_all = true;
        }
        self.end_outside(None, emit);
    }
}

/// Whether a tag of this name (lower-cased, without `<` or `/`) ends a word
/// where it stands, as a block, a line break or an embedded thing does;
/// inline tags, comments (`!`) and names browsers do not know (shown inline)
/// do not. A tag with no name (`< `, `<=`) is text a browser shows, a break.
fn breaks_words(name: &[u8]) -> bool {
    const BREAKS: &[&[u8]] = &[
        b"address",
        b"area",
        b"article",
        b"aside",
        b"audio",
        b"base",
        b"blockquote",
        b"body",
        b"br",
        b"button",
        b"canvas",
        b"caption",
        b"center",
        b"col",
        b"colgroup",
        b"dd",
        b"details",
        b"dialog",
        b"dir",
        b"div",
        b"dl",
        b"dt",
        b"embed",
        b"fieldset",
        b"figcaption",
        b"figure",
        b"footer",
        b"form",
        b"frame",
        b"frameset",
        b"h1",
        b"h2",
        b"h3",
        b"h4",
        b"h5",
        b"h6",
        b"head",
        b"header",
        b"hgroup",
        b"hr",
        b"html",
        b"iframe",
        b"img",
        b"input",
        b"legend",
        b"li",
        b"link",
        b"main",
        b"map",
        b"menu",
        b"meta",
        b"meter",
        b"nav",
        b"noscript",
        b"object",
        b"ol",
        b"optgroup",
        b"option",
        b"output",
        b"p",
        b"param",
        b"picture",
        b"pre",
        b"progress",
        b"script",
        b"search",
        b"section",
        b"select",
        b"source",
        b"style",
        b"summary",
        b"svg",
        b"table",
        b"tbody",
        b"td",
        b"template",
        b"textarea",
        b"tfoot",
        b"th",
        b"thead",
        b"title",
        b"tr",
        b"track",
        b"ul",
        b"video",
    ];
    name.is_empty() || BREAKS.binary_search(&name).is_ok()
}

/// Calls `emit` with the hash of every word of `text` and the views it is
/// in ([`ALL`], [`OUTSIDE`], [`JOINED`]), in order within each view: one
/// pass gives all three. `<` and `>` end a word in the first two, so a word
/// there is wholly inside markup (only in [`ALL`]) or wholly outside it;
/// a word that goes on across an inline tag is one word in [`JOINED`] and
/// its pieces in the others.
///
/// Words are read as a reader sees them (see [`fold`]): ASCII letters and
/// digits go straight through the [`ASCII_WORD`] table; entities, percent
/// escapes (`%20` in a link's address) and other characters are decoded,
/// folded and then read the same way, so an invisible character joins the
/// letters around it instead of splitting a word. An escaped `<` or `>` is
/// a break, not markup.
///
/// `reading` is where the reader was at the start of `text`, and is left
/// where it is at the end; [`Reading::finish`] ends the whole text.
///
/// One loop, kept whole: it reads every byte of every output file, and the
/// fast path for plain ASCII words must stay beside the slow one it falls
/// back to, sharing the word under way.
fn each_word(text: &str, reading: &mut Reading, emit: &mut impl FnMut(u64, u8)) {
    const START: u64 = Fnv::START;
    let b = text.as_bytes();
    let r = reading;
    let mut word = START;
    let mut in_word = false;
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        match ASCII_WORD[usize::from(x)] {
            0 if !in_word && !r.naming && r.held.is_none() => {
                i += 1;
                continue;
            }
            0 if in_word && r.markup && !r.naming => {
                emit(Fnv(word).finish(), ALL);
                word = START;
                in_word = false;
                i += 1;
                continue;
            }
            0 if in_word && !r.markup && r.held.is_none() && !r.split => {
                emit(Fnv(word).finish(), EVERY);
                word = START;
                in_word = false;
                i += 1;
                continue;
            }
            1 => {}
            lower if lower > 1 && (r.markup || r.held.is_none() && !r.split) => {
                // The rest of a run of ASCII letters and digits.
                let start = i;
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
                if r.naming {
                    // A tag's name (markup, so no word of the other views).
                    for &byte in &b[start..i] {
                        if r.name_len < r.name.len() {
                            r.name[r.name_len] = ASCII_WORD[usize::from(byte)];
                        }
                        r.name_len += 1;
                    }
                }
                in_word = true;
                continue;
            }
            _ => {}
        }
        // Anything else: a break that ends more than a word, a letter in
        // markup or of a joined word, `&`, `<`, `>` or a multi-byte character.
        let mut read = |folded: Folded| match folded {
            Folded::Letter(c) => {
                let mut buf = [0u8; 4];
                let bytes = c.encode_utf8(&mut buf).as_bytes();
                if r.markup {
                    if r.naming {
                        for &byte in bytes {
                            if r.name_len < r.name.len() {
                                r.name[r.name_len] = byte;
                            }
                            r.name_len += 1;
                        }
                    }
                } else {
                    r.go_on(emit);
                    if r.split {
                        for &byte in bytes {
                            r.joined = Fnv::step(r.joined, byte);
                        }
                    }
                }
                for &byte in bytes {
                    word = Fnv::step(word, byte);
                }
                in_word = true;
            }
            Folded::Break(c) => {
                if r.markup {
                    if r.naming && !(c == '/' && r.name_len == 0) {
                        if c == '!' && r.name_len == 0 {
                            // A comment, doctype or CDATA section: inline.
                            r.name[0] = b'!';
                            r.name_len = 1;
                        }
                        r.named(emit);
                    }
                    if in_word {
                        emit(Fnv(word).finish(), ALL);
                    }
                    if c == '>' {
                        r.markup = false;
                    }
                } else if c == '<' {
                    if in_word {
                        // Held until the tag shows whether the word goes on.
                        r.held = Some(Fnv(word).finish());
                        if !r.split {
                            r.joined = word;
                        }
                    }
                    r.markup = true;
                    r.naming = true;
                    r.name_len = 0;
                } else {
                    r.end_outside(in_word.then_some(word), emit);
                }
                word = START;
                in_word = false;
            }
        };
        if x == b'&' {
            match decode_entity(&text[i..]) {
                Some(entity) => {
                    i += entity.len;
                    for &c in entity.chars() {
                        fold(c, &mut read);
                    }
                }
                None => {
                    i += 1;
                    read(Folded::Break('&'));
                }
            }
        } else if x == b'%' {
            match crate::unicode::percent_run(&text[i..]) {
                Some((len, decoded)) => {
                    i += len;
                    for c in decoded.chars() {
                        match c {
                            '<' | '>' => read(Folded::Break(' ')),
                            c => fold(c, &mut read),
                        }
                    }
                }
                None => {
                    i += 1;
                    read(Folded::Break('%'));
                }
            }
        } else if x < 0x80 {
            i += 1;
            read(fold_ascii(char::from(x)));
        } else {
            let c = text[i..].chars().next().expect("i is a character boundary");
            i += c.len_utf8();
            fold(c, &mut read);
        }
    }
    if in_word {
        // A piece ends here only where no word is under way, but for the
        // last, which [`Reading::finish`] ends.
        if r.markup {
            if r.naming {
                r.named(emit);
            }
            emit(Fnv(word).finish(), ALL);
        } else {
            r.end_outside(Some(word), emit);
        }
    }
}

/// One character as the word reader takes it, once folded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Folded {
    /// A letter or digit of a word, lower-cased.
    Letter(char),
    /// Anything else: it ends a word (`<` and `>` also open and close markup).
    Break(char),
}

/// Reads `c` as a reader sees it, into zero or more [`Folded`] characters,
/// the same way in exempt text and in output, so that a copy is found
/// however it was re-typed:
///
/// - invisible characters ([`invisible`]: zero-width spaces and joiners,
///   soft hyphens, bidirectional controls, tag characters, variation
///   selectors) are dropped, so they join the letters around them;
/// - compatibility forms are decomposed (NFKD, [UAX #15]): fullwidth,
///   ligatures, mathematical and circled letters, superscripts;
/// - combining marks are dropped, so `é` (precomposed or `e` and U+0301)
///   reads as `e`, and marks piled on a letter hide nothing;
/// - other letters take their confusable prototype ([UTS #39] skeleton), so a
///   Cyrillic, Greek or Armenian look-alike reads as the Latin letter, and
///   are then lower-cased.
///
/// ASCII letters and digits are only lower-cased: UTS #39 maps `I` to `l`,
/// `0` to `O`, `1` to `l` and `m` to `rn`, which would make `INFO` and
/// `info` different words and read every number as letters. So a prototype
/// that is one of those ASCII forms is read back as the letter a reader
/// takes it for: `rn` as `m`, and `l` as `i` when it comes from a capital
/// (Cyrillic `І`, Greek `Ι`). Capitals and small letters of other scripts
/// are folded as they look, so a Greek `Ν` reads as `n` but `ν` as `v`.
///
/// [UAX #15]: https://www.unicode.org/reports/tr15/
/// [UTS #39]: https://www.unicode.org/reports/tr39/#Confusable_Detection
fn fold(c: char, out: &mut impl FnMut(Folded)) {
    if c.is_ascii() {
        return out(fold_ascii(c));
    }
    if crate::unicode::is_default_ignorable(c) {
        return;
    }
    unicode_normalization::char::decompose_compatible(c, |d| {
        if d.is_ascii() {
            return out(fold_ascii(d));
        }
        if crate::unicode::is_default_ignorable(d)
            || unicode_normalization::char::is_combining_mark(d)
        {
            return;
        }
        let mut buf = [0u8; 4];
        let mut prototype = ['\0'; 8];
        let mut n = 0;
        for e in unicode_security::confusable_detection::skeleton(d.encode_utf8(&mut buf)) {
            if !unicode_normalization::char::is_combining_mark(e) && n < prototype.len() {
                prototype[n] = e;
                n += 1;
            }
        }
        match prototype[..n] {
            ['r', 'n'] => out(Folded::Letter('m')),
            ['l'] if d.is_uppercase() => out(Folded::Letter('i')),
            _ => {
                for &e in &prototype[..n] {
                    if e.is_ascii() {
                        out(fold_ascii(e));
                        continue;
                    }
                    for lower in e.to_lowercase() {
                        out(if lower.is_ascii() {
                            fold_ascii(lower)
                        } else if lower.is_alphanumeric() {
                            Folded::Letter(lower)
                        } else {
                            Folded::Break(lower)
                        });
                    }
                }
            }
        }
    });
}

fn fold_ascii(c: char) -> Folded {
    if c.is_ascii_alphanumeric() {
        Folded::Letter(c.to_ascii_lowercase())
    } else {
        Folded::Break(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unicode::{Entity, NAMED, decode_entities};

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
    fn a_builder_thaws_to_one_that_finds_the_same() {
        use crate::visibility::{freeze, thaw};
        let mut b = FingerprintsBuilder::default();
        b.add_exempt("content/a.md", SECRET);
        b.add_exempt_value("data/p.csv", "Quillfeather Trust");
        b.add_exempt_file("content/b.csv", b"name,score\nQuillfeather,31.79\n");
        b.add_public("Public words of a notice.");
        b.add_public_source("site.toml", "title = \"A council\"");
        b.add_public_file("content/pages/about.md", "About the council.");
        let thawed: FingerprintsBuilder = thaw(&freeze(&b)).expect("thaws");
        assert_eq!(format!("{thawed:?}"), format!("{b:?}"));
        let (before, after) = (b.finish().0, thawed.finish().0);
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
        let (prints, _, _) = discarding.finish();
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
    fn words_at_reads_the_words_the_scan_reads() {
        for text in random_texts(5_000, 11) {
            // The view of every word, where there is no markup or reference to read.
            if text.contains(['<', '>', '&']) {
                continue;
            }
            let at: Vec<u64> = words_at(&text).into_iter().map(|(_, w)| w).collect();
            assert_eq!(at, word_hashes(&text, false), "{text:?}");
        }
    }

    #[test]
    fn short_facts_are_found_in_any_common_format_and_placed_in_sources() {
        let f = prints(
            "Lanternwick Story Trust came second at £1,412,650 with 71.3% on quality.",
            &[],
            "",
        );
        for output in [
            "<p>LANTERNWICK <b>story</b> trust</p>",
            "<td>1412650.00</td>",
            "1 412 650",
            "71.3 per cent",
        ] {
            let leaks = f.scan("x.html", output.as_bytes());
            assert_eq!(leaks.len(), 1, "{output}");
            assert_eq!(leaks[0].how, "fact", "{output}");
        }
        // `%` is read only in sources, where the fact is placed.
        assert!(f.scan("x.html", b"71.3%").is_empty());
        let found = f.check_source(
            "content/p.md",
            "One line.\nIt scored 71.3 % overall.\n",
            &[],
        );
        assert_eq!(
            (found[0].line, found[0].column, found[0].fact),
            (2, 11, true)
        );
        // A dataset's cells are placed at their row's line.
        let text = "P001\nOther\nP002\nlanternwick story trust\n";
        let found = f.check_source("data/p.csv", text, &[(0, 2), (11, 7)]);
        assert_eq!((found[0].line, found[0].column), (7, 1));
        // Nothing else is.
        assert!(
            f.scan("x.html", b"Story time at the trust, 1412 people, 650 books")
                .is_empty()
        );
    }

    #[test]
    fn declared_and_public_by_definition_facts_are_not_looked_for() {
        let mut b = FingerprintsBuilder::default();
        b.add_exempt(
            "content/a.md",
            "The bids from Lanternwick Story Trust and Marsh Owl Club came in.",
        );
        b.add_fact_public(
            "content/pages/a.md",
            "public_facts",
            "Lanternwick Story Trust",
        );
        let (f, _, _) = b.finish();
        assert!(f.scan("x.html", b"lanternwick story trust").is_empty());
        assert_eq!(f.scan("x.html", b"marsh owl club")[0].how, "fact");
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
        let (f, _, _) = b.finish();
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
        let (_, overlaps, _) = b.finish();
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

    /// A calendar's text as RFC 5545 writes it: escaped, then folded every
    /// `width` octets (anywhere in a word, as a writer may).
    fn calendar(text: &str, width: usize) -> Vec<u8> {
        let escaped = text
            .replace('\\', "\\\\")
            .replace(',', "\\,")
            .replace(';', "\\;")
            .replace('\n', "\\n");
        let mut out = b"BEGIN:VCALENDAR\r\nDESCRIPTION:".to_vec();
        for (i, chunk) in escaped.as_bytes().chunks(width).enumerate() {
            if i > 0 {
                out.extend_from_slice(b"\r\n ");
            }
            out.extend_from_slice(chunk);
        }
        out.extend_from_slice(b"\r\nEND:VCALENDAR\r\n");
        out
    }

    #[test]
    fn exempt_text_folded_or_escaped_in_a_calendar_is_found() {
        let f = prints(SECRET, &["Zqxcalmarker"], "Public text.");
        for width in [1, 2, 5, 7, 74] {
            // Cut by folds inside its words, and read in pieces as written.
            let ics = calendar(&format!("Intro.\n{SECRET}"), width);
            assert_eq!(f.scan("feeds/plan.ics", &ics)[0].how, "text", "{width}");
            let mut stream = f.stream("feeds/PLAN.ICS");
            for piece in ics.chunks(3) {
                stream.feed(piece);
            }
            assert_eq!(stream.finish()[0].how, "text", "{width}");
            // A value glued to an escaped line break: `\nZqxcalmarker`.
            let ics = calendar("Contact;\nZqxcalmarker, today", width);
            let leaks = f.scan("feeds/plan.ics", &ics);
            assert_eq!(leaks.len(), 1, "{width}: {leaks:?}");
            assert_eq!(leaks[0].how, "value");
            // A clean calendar passes.
            assert!(
                f.scan("feeds/plan.ics", &calendar("Public text.\nMore.", width))
                    .is_empty()
            );
        }
        assert_eq!(
            Unescape::all(Escapes::Calendar, b"a\\\r\n ,b\\\n\tNc\\x\\\\n"),
            b"a,b c\\x\\n"
        );
    }

    #[test]
    fn exempt_text_behind_json_escapes_is_found() {
        let f = prints(SECRET, &["Zqxjsonmarker"], "Public text.");
        let escaped = SECRET.replace(' ', "\\u0020").replace("Club", "\\u0043lub");
        let files: [(&str, Vec<u8>); 4] = [
            // A value glued to an escaped line break or tab.
            (
                "data/x.json",
                br#"{"a":"Intro.\nZqxjsonmarker\tx"}"#.to_vec(),
            ),
            // Written with \u escapes (and a surrogate pair before it).
            (
                "data/x.json",
                br#"{"a":"\ud83d\ude00\u005aqxjsonmarker"}"#.to_vec(),
            ),
            (
                "data/y.JSON",
                format!(r#"{{"a":"{escaped}"}}"#).into_bytes(),
            ),
            // The search index's fragments are JSON too.
            (
                "pagefind/fragment/x.pf_fragment",
                pagefind_file(br#"{"content":"A\nZqxjsonmarker"}"#),
            ),
        ];
        for (path, bytes) in &files {
            let whole = f.scan(path, bytes);
            assert_eq!(whole.len(), 1, "{path}: {whole:?}");
            for cut in 0..bytes.len() {
                let mut stream = f.stream(path);
                stream.feed(&bytes[..cut]);
                stream.feed(&bytes[cut..]);
                assert_eq!(stream.finish(), whole, "{path} cut at {cut}");
            }
        }
        // Clean JSON passes; a backslash that escapes nothing is kept.
        assert!(
            f.scan("x.json", br#"{"a":"Public\ntext \q \u12"}"#)
                .is_empty()
        );
    }

    /// Pagefind's way of writing an index file: its prefix, then the data, gzip'd.
    fn pagefind_file(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(PAGEFIND_PREFIX).unwrap();
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn exempt_text_that_reaches_a_search_index_file_is_found() {
        let f = prints(SECRET, &["Zqxgzipmarker"], "Public text.");
        // A fragment (a result's text): JSON, under a name that is not `.gz`.
        let fragment = pagefind_file(
            format!("{{\"url\":\"/decisions/a/\",\"content\":\"{SECRET}\",\"meta\":{{}}}}")
                .as_bytes(),
        );
        let leaks = f.scan("pagefind/fragment/en_0a1b2c3.pf_fragment", &fragment);
        assert!(leaks.iter().any(|l| l.how == "text"), "{leaks:?}");
        // The word list: CBOR, where a word's length byte is glued to its
        // first letter (0x6d, `m`, is "text of 13 bytes"). Read as raw
        // bytes the word is `mzqxgzipmarker`; read as CBOR it is found.
        let mut words = vec![0x82, 0x6d];
        words.extend(b"zqxgzipmarker");
        words.extend([0x63, b'b', b'i', b'd']);
        let index = pagefind_file(&words);
        let leaks = f.scan("pagefind/index/en_4d5e6f7.pf_index", &index);
        assert_eq!(
            leaks.iter().map(|l| l.how).collect::<Vec<_>>(),
            ["value"],
            "{leaks:?}"
        );
        assert!(
            f.scan("w.txt", &words).is_empty(),
            "the raw bytes alone would have hidden it"
        );
        // Found by gzip's magic bytes whatever the file is called.
        assert_eq!(f.scan("pagefind/renamed.bin", &index)[0].how, "value");
        // A file named as compressed that is not, a damaged one, and one
        // whose CBOR does not parse: each refused, never read some other way.
        assert_eq!(
            f.scan("pagefind/fragment/x.pf_fragment", SECRET.as_bytes())[0].how,
            "unreadable"
        );
        assert_eq!(
            f.scan("pagefind/index/x.pf_index", &index[..index.len() - 9])[0].how,
            "unreadable"
        );
        assert_eq!(
            f.scan(
                "pagefind/filter/x.pf_filter",
                &pagefind_file(&[0x82, 0x6d, b'z'])
            )[0]
            .how,
            "unreadable"
        );
        for name in ["x.pf_meta", "x.pf_filter", "x.pf_index", "x.pf_fragment"] {
            assert!(claims_gzip(name), "{name}");
        }
        // Clean files pass.
        assert!(
            f.scan("pagefind/x.pf_meta", &pagefind_file(&[0x81, 0x61, b'a']))
                .is_empty()
        );
        assert!(
            f.scan(
                "pagefind/x.pf_fragment",
                &pagefind_file(b"{\"content\":\"Public text.\"}")
            )
            .is_empty()
        );
    }

    #[test]
    fn a_search_index_file_scanned_in_pieces_is_opened_whole() {
        let f = prints(SECRET, &["Zqxgzipmarker"], "Public text.");
        let mut words = vec![0x81, 0x6d];
        words.extend(b"zqxgzipmarker");
        let index = pagefind_file(&words);
        for cut in [1, 2, 10] {
            assert_eq!(
                scan_in_pieces(&f, "pagefind/index/a.pf_index", &index, &[cut])[0].how,
                "value"
            );
        }
        // Named as compressed, not gzip: refused in pieces too.
        assert_eq!(
            scan_in_pieces(
                &f,
                "pagefind/index/a.pf_index",
                b"zqxgzipmarker plain",
                &[3]
            )[0]
            .how,
            "unreadable"
        );
    }

    #[test]
    fn exempt_images_are_found_after_cleaning() {
        let dirty = crate::images::tests::png_with_metadata();
        let mut b = FingerprintsBuilder::default();
        b.add_exempt_file("content/d/photo.png", &dirty);
        let (f, _, _) = b.finish();
        let clean = crate::images::strip(crate::images::ImageKind::Png, &dirty).unwrap();
        assert_eq!(f.scan("d/photo.png", &clean)[0].how, "file");
        assert_eq!(f.scan("d/photo.png", &dirty)[0].how, "file");
    }

    /// Words and entities read the slow way, a character at a time and each
    /// view in its own pass, to check that the one-pass reader and its ASCII
    /// fast path read exactly the same.
    mod before {
        use super::super::{Fnv, Folded, decode_entity, fold};
        use std::hash::Hasher;

        /// One view, read alone: `strip` skips markup, and with `join` an
        /// inline tag ends no word.
        pub(super) fn view_words(text: &str, strip: bool, join: bool) -> Vec<u64> {
            let mut out = Vec::with_capacity(text.len() / 6);
            let mut word = Fnv::default();
            let mut in_word = false;
            let mut in_tag = false;
            // The name of the tag opened, while it is read.
            let mut name: Option<Vec<u8>> = None;
            let mut chars = text.char_indices();
            let mut folded = Vec::new();
            let mut end = |word: &mut Fnv, in_word: &mut bool| {
                if *in_word {
                    out.push(word.finish());
                    *word = Fnv::default();
                    *in_word = false;
                }
            };
            while let Some((i, c)) = chars.next() {
                folded.clear();
                match decode_entity(&text[i..]).filter(|_| c == '&') {
                    Some(entity) => {
                        for _ in 1..entity.len {
                            chars.next();
                        }
                        for &c in entity.chars() {
                            fold(c, &mut |f| folded.push(f));
                        }
                    }
                    None => fold(c, &mut |f| folded.push(f)),
                }
                for &f in &folded {
                    let c = match f {
                        Folded::Letter(c) => {
                            if let Some(name) = &mut name {
                                let mut buf = [0u8; 4];
                                name.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                            }
                            if !(strip && in_tag) {
                                let mut buf = [0u8; 4];
                                word.write(c.encode_utf8(&mut buf).as_bytes());
                                in_word = true;
                            }
                            continue;
                        }
                        Folded::Break(c) => c,
                    };
                    if let Some(so_far) = name.take() {
                        if so_far.is_empty() && c == '/' {
                            name = Some(so_far);
                            continue;
                        }
                        let so_far = if so_far.is_empty() && c == '!' {
                            b"!".to_vec()
                        } else {
                            so_far
                        };
                        if join && so_far.len() <= 12 && super::super::breaks_words(&so_far) {
                            end(&mut word, &mut in_word);
                        }
                    }
                    if !(strip && in_tag || join && c == '<') {
                        end(&mut word, &mut in_word);
                    }
                    if c == '<' && !in_tag {
                        in_tag = true;
                        name = Some(Vec::new());
                    } else if c == '>' {
                        in_tag = false;
                    }
                }
            }
            end(&mut word, &mut in_word);
            out
        }

        pub(super) fn decode_entities(text: &str) -> String {
            let mut out = String::with_capacity(text.len());
            let mut chars = text.char_indices();
            while let Some((i, c)) = chars.next() {
                match decode_entity(&text[i..]).filter(|_| c == '&') {
                    Some(entity) => {
                        out.extend(entity.chars());
                        for _ in 1..entity.len {
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
        let views: &[(bool, bool)] = if text.contains('<') {
            &[(false, false), (true, false), (true, true)]
        } else {
            &[(false, false)]
        };
        for &(strip, join) in views {
            let words = before::view_words(&text, strip, join);
            if let Some(si) = shingles(&words).find_map(|s| f.shingles.map.get(&s)) {
                found.push((*si, "text"));
            }
            if let Some(v) = f.matcher.first_match(&words, |v| v < f.first_fact) {
                found.push((f.values[v].1, "value"));
            }
            if let Some(v) = f.matcher.first_match(&words, |v| v >= f.first_fact) {
                found.push((f.values[v].1, "fact"));
            }
        }
        drop_repeated_facts(&mut found);
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
            "<b>",
            "</b>",
            "<span class=\"x\">",
            "</span>",
            "<wbr>",
            "<br>",
            "<br/>",
            "</td><td>",
            "<!---->",
            "<em",
            "</",
            "<strongestelement>",
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
            "\u{200b}",
            "\u{ad}",
            "\u{2060}",
            "\u{feff}",
            "\u{202e}",
            "\u{e0041}",
            "\u{fe0f}",
            "&shy;",
            "&shy",
            "&#173;",
            "&#x200b;",
            "&ZeroWidthSpace;",
            "&NoBreak;",
            "&zwj;",
            "&Sfr;",
            "&fjlig;",
            "&notit;",
            "&#154;",
            "&#0000115;",
            "&#115",
            "\u{441}",
            "\u{421}",
            "\u{406}",
            "\u{399}",
            "\u{3bd}",
            "\u{585}",
            "\u{ff33}",
            "\u{fb01}",
            "\u{1d42c}",
            "\u{2460}",
            "\u{b2}",
            "\u{217f}",
            "e\u{301}",
            "\u{336}",
            "\u{142}\u{f3}d\u{17a}",
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
            for (view, strip, join) in [
                (ALL, false, false),
                (OUTSIDE, true, false),
                (JOINED, true, true),
            ] {
                assert_eq!(
                    view_words(text, view),
                    before::view_words(text, strip, join),
                    "{text:?} {view}"
                );
            }
            assert_eq!(
                decode_entities(text),
                before::decode_entities(text),
                "{text:?}"
            );
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
        let (f, _, _) = b.finish();
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
        let (f, _, _) = b.finish();
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
        assert!(found > 5, "{found}");
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
        let (f, _, _) = b.finish();
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
                matcher.first_match(&words, |_| true),
                matcher.all_matches(&words).next(),
                "{text:?}"
            );
        }
        assert_eq!(
            ValueMatcher::new(&[]).first_match(&[1, 2, 3], |_| true),
            None
        );
    }

    #[test]
    fn entities_at_the_edges() {
        assert_eq!(decode_entities("&amp;"), "&");
        // A legacy name is decoded without its `;`, as browsers do.
        assert_eq!(decode_entities("x&amp"), "x&");
        assert_eq!(decode_entities("&notit; &notin;"), "\u{ac}it; \u{2209}");
        assert_eq!(
            decode_entities("&zwj &bogus; &#; &#x;"),
            "&zwj &bogus; &#; &#x;"
        );
        assert_eq!(decode_entities("&lt;&gt;&"), "<>&");
        assert!(matches!(
            decode_entities("no entity & here"),
            Cow::Borrowed(_)
        ));
        let one = |c: char, len: usize| {
            Some(Entity {
                decoded: [c, '\0'],
                count: 1,
                len,
            })
        };
        assert_eq!(decode_entity("&#x1F600;"), one('\u{1f600}', 9));
        // Numbers past Unicode, zero and surrogates show as U+FFFD.
        assert_eq!(decode_entity("&#1114112;"), one('\u{fffd}', 10));
        assert_eq!(decode_entity("&#0;"), one('\u{fffd}', 4));
        assert_eq!(decode_entity("&#xD800;"), one('\u{fffd}', 8));
        // Any number of digits, `;` or not; 128 to 159 as Windows-1252.
        assert_eq!(decode_entity("&#0000000000000115;"), one('s', 19));
        assert_eq!(decode_entity("&#115ecret"), one('s', 5));
        assert_eq!(decode_entity("&#154;"), one('\u{161}', 6));
        // The full list of names, one or two characters each.
        assert_eq!(decode_entity("&Sfr;"), one('\u{1d516}', 5));
        assert_eq!(decode_entities("&fjlig;"), "fj");
        assert_eq!(
            decode_entities("&NegativeVeryThinSpace;&CounterClockwiseContourIntegral;"),
            "\u{200b}\u{2233}"
        );
        assert!(NAMED.windows(2).all(|w| w[0].0 < w[1].0), "sorted");
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
        // `\u{130}` is an `I` with a dot above, a combining mark: it reads as `i`.
        assert_eq!(word_hashes("x\u{130}y", false), word_hashes("xiy", false));
        // A non-breaking space and an en dash break words.
        assert_eq!(word_hashes("a\u{a0}b\u{2013}c", false).len(), 3);
    }

    #[test]
    fn an_ampersand_before_a_character_across_byte_12_is_text() {
        // `É` takes bytes 11 and 12 after the `&`: no entity, and no panic.
        let text = "R&abcdefghij\u{c9}t &amp;";
        assert_eq!(decode_entities(text), "R&abcdefghij\u{c9}t &");
        assert_eq!(word_hashes(text, false).len(), 2);
        assert_eq!(word_hashes("<&abcdefghij\u{c9}> x", true).len(), 1);
    }

    /// `SECRET` re-typed: every word changed by `change`, markup kept.
    fn retyped(change: impl Fn(&str) -> String) -> String {
        let words: Vec<String> = SECRET.split(' ').map(change).collect();
        format!("<p>{}</p>", words.join(" "))
    }

    #[test]
    fn invisible_characters_join_the_letters_around_them() {
        let f = prints(SECRET, &["Zqx Secret Trading"], "Public text.");
        for invisible in [
            "\u{200b}",
            "\u{200c}",
            "\u{200d}",
            "\u{2060}",
            "\u{2063}",
            "\u{feff}",
            "\u{ad}",
            "\u{180e}",
            "\u{202e}",
            "\u{2066}",
            "\u{e0041}",
            "\u{fe0f}",
            "\u{34f}",
            "&shy;",
            "&shy",
            "&#173;",
            "&#xAD;",
            "&#x200b;",
            "&#8203;",
            "&ZeroWidthSpace;",
            "&NegativeThinSpace;",
            "&NoBreak;",
            "&zwnj;",
            "&zwj;",
            "&lrm;",
            "&rlm;",
            "&InvisibleTimes;",
        ] {
            // After the first letter of every word.
            let html = retyped(|w| {
                let mut chars = w.chars();
                let first = chars.next().unwrap();
                format!("{first}{invisible}{}", chars.as_str())
            });
            let leaks = f.scan("x.html", html.as_bytes());
            assert_eq!(leaks.len(), 1, "{invisible:?}: {leaks:?}");
            let value = format!("Zqx Se{invisible}cret Tra{invisible}ding");
            assert_eq!(f.scan("x.csv", value.as_bytes()).len(), 1, "{value:?}");
            assert_eq!(
                word_hashes(&format!("sec{invisible}ret"), true),
                word_hashes("secret", false),
                "{invisible:?}"
            );
        }
        // An unknown name is shown as it is, so it is no invisible character.
        assert_eq!(word_hashes("sec&bogus;ret", false).len(), 3);
    }

    #[test]
    fn percent_escapes_read_as_the_text_they_stand_for() {
        let f = prints(SECRET, &["Zqx Secret Trading"], "Public text.");
        // A link's address holding the exempt words, as a browser's status
        // bar or a screen reader's link list shows it decoded.
        let href = format!(
            "<a href=\"https://example.org/{}\">a link</a>",
            SECRET.replace(' ', "%20")
        );
        assert_eq!(f.scan("x.html", href.as_bytes()).len(), 1, "{href}");
        let value = "<a href=\"/p?q=Zqx%20Secret%20Tr%61ding\">x</a>";
        assert_eq!(f.scan("x.html", value.as_bytes()).len(), 1);
        assert_eq!(
            word_hashes("Caf%C3%A9%2dBar", false),
            word_hashes("cafe bar", false)
        );
        // A `%` that escapes nothing is a break; an escaped `<` opens no markup.
        assert_eq!(word_hashes("100%zz", false).len(), 2);
        assert_eq!(word_hashes("a%3Cb c", false), word_hashes("a b c", false));
    }

    #[test]
    fn compatibility_forms_and_marks_read_as_their_letters() {
        let f = prints(SECRET, &["Zqx Secret Trading"], "Public text.");
        let fullwidth = |w: &str| -> String {
            w.chars()
                .map(|c| match c {
                    '!'..='~' => char::from_u32(u32::from(c) - 0x21 + 0xff01).unwrap(),
                    c => c,
                })
                .collect()
        };
        let bold = |w: &str| -> String {
            w.chars()
                .map(|c| match c {
                    'A'..='Z' => char::from_u32(u32::from(c) - 0x41 + 0x1d400).unwrap(),
                    'a'..='z' => char::from_u32(u32::from(c) - 0x61 + 0x1d41a).unwrap(),
                    c => c,
                })
                .collect()
        };
        let circled = |w: &str| -> String {
            w.chars()
                .map(|c| match c {
                    'a'..='z' => char::from_u32(u32::from(c) - 0x61 + 0x24d0).unwrap(),
                    c => c,
                })
                .collect()
        };
        // A combining mark on every letter (accents, strike-through).
        let marked = |w: &str| -> String { w.chars().flat_map(|c| [c, '\u{336}']).collect() };
        let changes: [&dyn Fn(&str) -> String; 4] = [&fullwidth, &bold, &circled, &marked];
        for (i, change) in changes.iter().enumerate() {
            let html = retyped(change);
            assert_eq!(f.scan("x.html", html.as_bytes()).len(), 1, "{i}: {html}");
            assert_eq!(
                f.scan("x.csv", change("Zqx Secret Trading").as_bytes())
                    .len(),
                1,
                "{i}"
            );
        }
        for (a, b) in [
            ("\u{fb01}nal", "final"),
            ("\u{fb00}", "ff"),
            ("x\u{b2}", "x2"),
            ("\u{2460}", "1"),
            ("\u{33a1}", "m2"),
            ("caf\u{e9}", "cafe\u{301}"),
            ("caf\u{e9}", "cafe"),
            ("\u{1e9b}", "s"),
        ] {
            assert_eq!(word_hashes(a, false), word_hashes(b, false), "{a:?} {b:?}");
        }
    }

    #[test]
    fn look_alike_letters_read_as_latin() {
        let f = prints(SECRET, &["Zqx Secret Trading"], "Public text.");
        // One Cyrillic, Greek or Armenian letter in every word it can go in.
        let look_alikes: &[(char, char)] = &[
            ('o', '\u{43e}'),
            ('e', '\u{435}'),
            ('a', '\u{430}'),
            ('c', '\u{441}'),
            ('p', '\u{440}'),
            ('o', '\u{3bf}'),
            ('o', '\u{585}'),
            ('u', '\u{57d}'),
            ('T', '\u{422}'),
            ('O', '\u{41e}'),
            ('C', '\u{421}'),
            ('i', '\u{456}'),
            ('n', '\u{578}'),
        ];
        for &(latin, other) in look_alikes {
            let html = retyped(|w| w.replacen(latin, &other.to_string(), 1));
            assert_ne!(html, retyped(str::to_string), "{other:?} changed nothing");
            assert_eq!(
                f.scan("x.html", html.as_bytes()).len(),
                1,
                "{other:?}: {html}"
            );
        }
        // In capitals too: a capital that looks like `I` reads as `i`.
        let upper = retyped(|w| w.to_uppercase().replacen('I', "\u{406}", 1));
        assert_eq!(f.scan("x.html", upper.as_bytes()).len(), 1, "{upper}");
        for (a, b) in [
            ("\u{399}NFO", "info"),
            ("\u{217f}e", "me"),
            ("\u{405}\u{415}\u{421}RE\u{422}", "secret"),
            ("\u{1d5ba}", "a"),
        ] {
            assert_eq!(word_hashes(a, false), word_hashes(b, false), "{a:?} {b:?}");
        }
        // ASCII is only lower-cased: TR39's `I`/`l`, `0`/`O` and `rn`/`m`
        // would make capitals and numbers other words.
        assert_eq!(word_hashes("INFO", false), word_hashes("info", false));
        for (a, b) in [("l", "i"), ("0", "o"), ("1", "l"), ("rn", "m")] {
            assert_ne!(word_hashes(a, false), word_hashes(b, false), "{a:?} {b:?}");
        }
    }

    #[test]
    fn public_text_in_other_languages_is_not_taken_for_exempt_text() {
        // Welsh, Polish and Greek public text and names, with an exempt
        // sentence and values they do not contain: nothing is found.
        let f = prints(
            SECRET,
            &["Zqx Secret Trading", "Gruffydd Llŷr", "63.47"],
            "Cyngor Sir",
        );
        for public in [
            "<p>Mae\u{2019}r cyngor yn prynu cymorth i bobl gymryd rhan mewn bywyd bob dydd yn Llanfair\u{ad}pwll a Chaerdydd.</p>",
            "<p>Pan Łukasz Żółkiewski z Łodzi złożył wniosek o dofinansowanie, rada odpowiedziała w ciągu tygodnia.</p>",
            "<p>Η Ελένη Παπαδοπούλου από την Αθήνα υπέβαλε αίτηση για υποστήριξη στην περιοχή της.</p>",
            "<p>Gruffydd ap Rhys, Llŷr Williams, score 63 of 147 points</p>",
        ] {
            assert!(f.scan("x.html", public.as_bytes()).is_empty(), "{public}");
        }
        // Copies are still found, whatever their accents.
        assert_eq!(f.scan("x.html", "gruffydd LLYR".as_bytes()).len(), 1);
    }

    #[test]
    fn words_go_on_across_inline_tags() {
        let f = prints(SECRET, &["Zqx Secret Trading"], "Public text.");
        for (open, close) in [
            ("<b>", "</b>"),
            ("<strong>", "</strong>"),
            ("<em>", "</em>"),
            ("<i>", "</i>"),
            ("<span class=\"x y\">", "</span>"),
            ("<a href=\"/decisions/?a=1&amp;b=2\">", "</a>"),
            ("<abbr title=\"t\">", "</abbr>"),
            ("<mark>", "</mark>"),
            ("<code>", "</code>"),
            ("<sup>", "</sup>"),
            ("<x-custom>", "</x-custom>"),
            ("<wbr>", ""),
            ("<!-- -->", ""),
            ("<b><i>", "</i></b>"),
        ] {
            let split = |w: &str| {
                let mut chars = w.chars();
                let first = chars.next().unwrap();
                format!("{first}{open}{}{close}", chars.as_str())
            };
            let html = retyped(split);
            assert_eq!(f.scan("x.html", html.as_bytes()).len(), 1, "{html}");
            let value = format!("Zqx {} {}", split("Secret"), split("Trading"));
            assert_eq!(f.scan("x.html", value.as_bytes()).len(), 1, "{value}");
            // Every letter in its own tag.
            let each: String = "secret"
                .chars()
                .map(|c| format!("{open}{c}{close}"))
                .collect();
            assert_eq!(
                view_words(&each, JOINED),
                word_hashes("secret", false),
                "{each}"
            );
        }
        // A block tag, a line break or an image still ends a word; the
        // view of every word and the view without markup are as they were.
        for tag in [
            "<br>",
            "<p>",
            "</p>",
            "</td><td>",
            "<img alt=\"\">",
            "<li>",
            "< >",
        ] {
            let text = format!("sec{tag}ret");
            assert_eq!(view_words(&text, JOINED).len(), 2, "{text}");
        }
        assert_eq!(word_hashes("sec<b>ret</b>", true).len(), 2);
        assert_eq!(word_hashes("sec<b>ret</b>", false).len(), 4);
        // Words run together across a tag stay found as they were.
        assert_eq!(f.scan("x.html", b"Zqx<b>Secret</b>Trading").len(), 1);
    }

    #[test]
    fn text_across_lines_table_cells_and_rows_is_found() {
        let f = prints(SECRET, &["Zqx Secret Trading"], "Public text.");
        let words: Vec<&str> = SECRET.split(' ').collect();
        let lines = words.join("\n");
        let cells = format!("<tr><td>{}</td></tr>", words.join("</td><td>"));
        let rows = format!(
            "<table>\n<tr><td>{}</td></tr>\n</table>",
            words.join("</td></tr>\n<tr><td>")
        );
        let lists = format!("<ul><li>{}</li></ul>", words.join("</li><li>"));
        let csv = words.join(",");
        for text in [lines, cells, rows, lists, csv] {
            assert_eq!(f.scan("x.html", text.as_bytes()).len(), 1, "{text}");
        }
        assert_eq!(
            f.scan(
                "x.html",
                b"<td>Zqx</td>\n<td>Secret</td></tr><tr><td>Trading</td>"
            )
            .len(),
            1
        );
    }

    #[test]
    fn normalised_text_cut_across_pieces_is_found() {
        let f = prints(SECRET, &["Zqx Secret Trading"], "Public text.");
        let html = "<p>The b\u{200b}id fr&shy;om <b>Th</b>orn<span class=\"a b\">bury</span> \u{41e}utdoor C&#x200b;lub sco&#173;red s\u{435}venty \u{ff4f}ne po<!-- x -->ints on q<em>ual</em>ity</p> Zqx S&ZeroWidthSpace;ecret Tr<b>ad</b>ing&amp;";
        let whole = f.scan("x.html", html.as_bytes());
        assert_eq!(whole.len(), 2, "{whole:?}");
        for cut in 0..=html.len() {
            assert_eq!(
                scan_in_pieces(&f, "x.html", html.as_bytes(), &[cut]),
                whole,
                "cut at {cut}"
            );
        }
        let every: Vec<usize> = (1..html.len()).collect();
        assert_eq!(scan_in_pieces(&f, "x.html", html.as_bytes(), &every), whole);
    }
}
