//! The personal-data guard: runs after rendering, beside the leak scan, over
//! every output file, and fails the build when personal data would be
//! published.
//!
//! Social-care decisions can carry people's identities. Under UK GDPR (Article
//! 5(1)(c), data minimisation) a council publishes personal data only on
//! purpose. This guard looks at the text of every output file (gzip files are
//! opened first) for NHS numbers, National Insurance numbers, dates of birth,
//! email addresses and phone numbers (the rules are in [`crate::personal`]). A
//! hit is traced back to the public source it came from, so the error points at
//! `content/...:line:col`; when no source has it (a template put it there), the
//! error names the output file and line.
//!
//! What is deliberately published is allowed: the site's own contact (site.toml
//! `[contact]`), each decision's `lead_officer` email and phone, values listed in site.toml `[personal_data] allow`, values of
//! published data columns of type `email` or `phone`, and values a document
//! lists in its front matter `personal_data_ok`, for that document only.
//!
//! It also flags small counts of people (1 to 4) in EqIAs and tables, a warning
//! (an error with `--strict`); checks that no published image still carries
//! metadata (the independent second look at [`crate::images`]) and reads
//! what an image keeps that is not pixels as text; reads a PDF's text
//! ([`crate::pdf`]: what its pages show, its information fields and XMP,
//! never its structure, so a cross-reference offset is not an NHS number)
//! and its information fields for the withholding report.
//!
//! This module must never put the personal data it finds into a message: only
//! [`personal::mask`]ed tails. It never changes what is published; it can only
//! stop a build.

use crate::unicode::{Escapes, Unescape};
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::data::ColumnType;
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::document::Kind as DocKind;
use crate::images::{self, ImageKind};
use crate::pdfinfo::{self, PdfInfo};
use crate::personal::{self, BirthColumns, Kind};
use crate::visibility::{PublicAttachment, PublicDecision, PublicPaper, PublicSite};

/// What the guard found, for the withholding report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Output files looked at.
    pub files_checked: usize,
    /// Personal data found and not allowed, by kind (each an error).
    pub personal_data: BTreeMap<&'static str, usize>,
    /// Small counts of people found (warnings, or errors with `--strict`).
    pub small_numbers: usize,
    /// Published images that still carry metadata (errors).
    pub images_with_metadata: usize,
    /// Published images checked for metadata.
    pub images_checked: usize,
    /// Information fields of every published PDF.
    pub pdfs: Vec<PdfInfo>,
}

/// Where a value was first seen in the output: file, position, masked form,
/// and every output file that has it.
type OutputFinding = (String, Position, String, BTreeSet<String>);

/// What the guard keeps of one public source once its text is let go: what
/// it allows, where personal data is in it, and where small counts are.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceFacts {
    path: String,
    markdown: bool,
    /// Allow keys from its front matter `personal_data_ok`.
    ok: BTreeSet<String>,
    hits: Vec<(Kind, String, Position)>,
    small_counts: Vec<Position>,
}

impl SourceFacts {
    /// Whether the source showed nothing the guard needs (no personal data,
    /// no small counts): such a source need not be kept.
    pub fn is_empty(&self) -> bool {
        self.hits.is_empty() && self.small_counts.is_empty()
    }
}

/// Looks at one public source's text as read from disk. `eqia` and
/// `markdown` say what kind of source it is (see [`small_numbers`]).
pub fn source_facts(path: &str, text: &str, eqia: bool, markdown: bool) -> SourceFacts {
    // Exempt passages blanked, so positions still hold.
    let (text, ok) = if markdown {
        (
            std::borrow::Cow::Owned(crate::fence::blank(text)),
            front_matter_ok(text),
        )
    } else {
        (std::borrow::Cow::Borrowed(text), BTreeSet::new())
    };
    let mut hits = personal::find(&text);
    let mut columns = match markdown {
        true => BirthColumns::for_markdown(),
        false => BirthColumns::for_path(path),
    };
    columns.add_to(&mut hits, &text, 0..text.len());
    let hits = hits
        .into_iter()
        .map(|hit| (hit.kind, hit.key, Position::of_offset(&text, hit.start)))
        .collect();
    let mut small_counts = Vec::new();
    if markdown {
        if eqia {
            small_counts.extend(
                personal::small_counts_in_text(&text)
                    .into_iter()
                    .map(|offset| Position::of_offset(&text, offset)),
            );
        }
        small_counts.extend(table_cells(&text, eqia));
    }
    SourceFacts {
        path: path.to_string(),
        markdown,
        ok,
        hits,
        small_counts,
    }
}

/// Looks at a public source that is not text: a published PDF attachment is
/// read for its text ([`crate::pdf`]), and one whose text cannot be read is an
/// error here, at the source. Hits name the file alone (line 0): a line of
/// the text read from a PDF is no line a person can find in it. Other files
/// (images) have no text for this guard; their metadata is checked on output.
pub fn file_facts(path: &str, bytes: &[u8], diagnostics: &mut Diagnostics) -> Option<SourceFacts> {
    if !crate::scan::is_pdf(path, bytes) {
        return None;
    }
    match crate::pdf::text(bytes) {
        Ok(text) => {
            let mut facts = source_facts(path, &text.all(), false, false);
            for hit in &mut facts.hits {
                hit.2 = Position { line: 0, column: 0 };
            }
            Some(facts).filter(|f| !f.is_empty())
        }
        Err(problem) => {
            diagnostics.push(
                Diagnostic::error(path, format!("plainsight cannot read this PDF's text: {problem}"))
                    .help("a published PDF is read for exempt text and personal data before it is published; one that cannot be read is never published"),
            );
            None
        }
    }
}

/// A decision's public sources: its record, its published documents (and
/// whether each is an EqIA) and its published attachments; with whether
/// each is Markdown. Paths are relative to the site folder.
pub fn decision_sources(d: &PublicDecision) -> Vec<(String, bool, bool)> {
    let mut out = vec![(d.source_path().to_string(), false, true)];
    for paper in d.papers() {
        if let PublicPaper::Published(p) = paper {
            out.push((p.source_path().to_string(), p.kind() == DocKind::Eqia, true));
            for a in p.attachments() {
                if let PublicAttachment::Published(f) = a {
                    let path = format!("content/decisions/{}/{}", d.slug(), f.name());
                    out.push((path, false, false));
                }
            }
        }
    }
    out
}

/// What one output file showed the guard, kept until every file is seen.
/// One is kept for every output file, so one that showed nothing (nearly
/// every one) is a single word: only its count matters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FileFindings(Option<Box<Found>>);

impl crate::visibility::frozen::Sealed for Vec<FileFindings> {}
impl crate::visibility::Frozen for Vec<FileFindings> {}

/// What a file that showed anything showed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Found {
    path: String,
    image: bool,
    image_with_metadata: bool,
    pdf: Option<Box<PdfInfo>>,
    unreadable: Option<String>,
    /// Personal data not on the allow-list: kind, key, position, masked form.
    hits: Vec<(Kind, String, Position, String)>,
}

impl FileFindings {
    /// The file it is of, when it showed anything.
    pub fn path(&self) -> Option<&str> {
        self.0.as_deref().map(|f| f.path.as_str())
    }
}

impl Found {
    /// What file `path` showed, kept only when it showed anything.
    fn named(mut self, path: &str) -> FileFindings {
        let nothing =
            !self.image && self.pdf.is_none() && self.unreadable.is_none() && self.hits.is_empty();
        if nothing {
            return FileFindings(None);
        }
        self.path = path.to_string();
        FileFindings(Some(Box::new(self)))
    }
}

/// The guard, set up from the public sources once; [`Guard::inspect`] is then
/// called on every output file (from any thread), and [`Guard::conclude`] once.
pub struct Guard {
    /// Public source paths, whether each is Markdown, and its `personal_data_ok` keys.
    sources: Vec<(String, bool, BTreeSet<String>)>,
    /// Where each value occurs in the public sources.
    in_sources: BTreeMap<(Kind, String), Vec<(usize, Position)>>,
    allowed: BTreeSet<String>,
    small_numbers: usize,
    /// Where each file of static/ is published, and where it is read: its
    /// personal data is its own, never excused by another source that
    /// holds the same value.
    statics: BTreeMap<String, String>,
}

impl Guard {
    /// Sets up the guard from what the decision folders' public sources
    /// showed ([`source_facts`], taken while each folder was read) and from
    /// the other public sources, as read (`texts`, by path:
    /// [`crate::source::site_texts`]): site.toml, pages and datasets.
    /// Reports small counts of people, which are found in the sources
    /// themselves.
    pub fn new(
        texts: &std::collections::HashMap<String, String>,
        site: &PublicSite,
        mut facts: Vec<SourceFacts>,
        strict: bool,
        diagnostics: &mut Diagnostics,
    ) -> Guard {
        let mut wanted = vec![(crate::source::CONFIG_FILE.to_string(), false)];
        wanted.extend(
            site.pages()
                .iter()
                .map(|p| (p.source_path().to_string(), true)),
        );
        for (path, markdown) in wanted {
            if let Some(text) = texts.get(&path) {
                facts.push(source_facts(&path, text, false, markdown));
            }
        }
        for ds in site.datasets() {
            let path = format!("data/{}.csv", ds.name());
            let Some(text) = texts.get(&path) else {
                continue;
            };
            let mut f = source_facts(&path, text, false, false);
            let integer: Vec<&str> = ds
                .columns()
                .iter()
                .filter(|c| matches!(c.ty(), ColumnType::Integer))
                .map(|c| c.name())
                .collect();
            if !integer.is_empty() {
                f.small_counts = csv_cells(text, &integer);
            }
            facts.push(f);
        }
        facts.retain(|f| !f.is_empty());
        facts.sort_by(|a, b| a.path.cmp(&b.path));
        let mut in_sources: BTreeMap<(Kind, String), Vec<(usize, Position)>> = BTreeMap::new();
        for (si, source) in facts.iter_mut().enumerate() {
            for (kind, key, position) in std::mem::take(&mut source.hits) {
                in_sources
                    .entry((kind, key))
                    .or_default()
                    .push((si, position));
            }
        }
        let small_numbers = small_numbers(&facts, strict, diagnostics);
        Guard {
            sources: facts
                .into_iter()
                .map(|f| (f.path, f.markdown, f.ok))
                .collect(),
            in_sources,
            allowed: allowed_keys(site),
            small_numbers,
            statics: site
                .statics()
                .iter()
                .map(|f| (f.published.clone(), f.path.clone()))
                .collect(),
        }
    }

    /// A hash of what the guard's findings in one output file depend on
    /// (the values it allows), for the build cache's keys: findings are
    /// reused only under the same rules.
    pub fn rules_digest(&self) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        for key in &self.allowed {
            h.update(&(key.len() as u64).to_le_bytes());
            h.update(key.as_bytes());
        }
        *h.finalize().as_bytes()
    }

    /// A guard with no public sources that allows `allowed`, for tests.
    #[cfg(test)]
    pub(crate) fn allowing(allowed: &[&str]) -> Guard {
        Guard {
            sources: Vec::new(),
            in_sources: BTreeMap::new(),
            allowed: allowed
                .iter()
                .flat_map(|v| personal::allow_keys(v))
                .collect(),
            small_numbers: 0,
            statics: BTreeMap::new(),
        }
    }

    /// Whether any personal data not on the allow-list was found in `file`.
    #[cfg(test)]
    pub(crate) fn found_any(file: &FileFindings) -> bool {
        file.0.as_ref().is_some_and(|f| !f.hits.is_empty())
    }

    /// Looks at one output file.
    pub fn inspect(&self, path: &str, bytes: &[u8]) -> FileFindings {
        let mut found = Found::default();
        self.look(path, bytes, &mut found);
        found.named(path)
    }

    fn look(&self, path: &str, bytes: &[u8], found: &mut Found) {
        if let Some(kind) = ImageKind::from_name(path) {
            found.image = true;
            found.image_with_metadata = images::has_metadata(kind, bytes);
            // What it keeps that is not pixels (a palette, a JFIF header) is
            // read as text: nothing in a published file goes unread.
            if let Some(parts) = images::text_parts(kind, bytes) {
                let text = String::from_utf8_lossy(&parts);
                let columns = &mut BirthColumns::default();
                self.hits_in(&text, 0..text.len(), 0, columns, &mut found.hits);
                // A line of an image's parts is no line a person can find.
                for hit in &mut found.hits {
                    hit.2 = Position { line: 0, column: 0 };
                }
            }
            return;
        }
        if path.ends_with(".pdf") {
            found.pdf = Some(Box::new(pdfinfo::read(path, bytes)));
        }
        let bytes = match crate::scan::inspectable(path, bytes) {
            Ok(b) => b,
            Err(problem) => {
                found.unreadable = Some(problem);
                return;
            }
        };
        let bytes = match Escapes::of(path) {
            Some(escapes) => std::borrow::Cow::Owned(Unescape::all(escapes, &bytes)),
            None => bytes,
        };
        let text = match std::str::from_utf8(&bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(&bytes),
        };
        let text = crate::unicode::decode_for_reading(&text);
        let columns = &mut BirthColumns::for_path(path);
        self.hits_in(&text, 0..text.len(), 0, columns, &mut found.hits);
        // What it hides in base64 or hexadecimal, found where it is hidden.
        for (offset, hidden) in crate::unicode::encoded_texts(text.as_bytes()) {
            let mut hits = Vec::new();
            let columns = &mut BirthColumns::default();
            self.hits_in(&hidden, 0..hidden.len(), 0, columns, &mut hits);
            let at = Position::of_offset(&text, offset);
            found.hits.extend(
                hits.into_iter()
                    .map(|(kind, key, _, masked)| (kind, key, at, masked)),
            );
        }
    }

    /// Looks at one output file in pieces, as it is written, holding only a
    /// few lines of it: [`InspectStream::finish`] finds exactly what
    /// [`Guard::inspect`] finds in the whole file, wherever the pieces are cut.
    pub fn stream<'a>(&'a self, path: &str) -> InspectStream<'a> {
        // Images, PDFs, gzip and calendar files are looked at whole.
        let whole = ImageKind::from_name(path).is_some() || crate::scan::read_whole(path);
        InspectStream {
            guard: self,
            path: path.to_string(),
            plain: (!whole).then_some(None),
            held: Vec::new(),
            utf8: crate::unicode::Lossy::default(),
            unescape: Escapes::of(path).map(Unescape::new),
            line: String::new(),
            lines: String::new(),
            done: 0,
            lines_before: 0,
            columns: BirthColumns::for_path(path),
            hits: Vec::new(),
        }
    }

    /// Personal data in `text` not on the allow-list; positions counted
    /// from the line `lines_before + 1`, for hits starting in `keep` (which
    /// starts at a line's start). `columns` reads the file's tables, line
    /// after line, from where the last piece left them.
    fn hits_in(
        &self,
        text: &str,
        keep: std::ops::Range<usize>,
        lines_before: usize,
        columns: &mut BirthColumns,
        out: &mut Vec<(Kind, String, Position, String)>,
    ) {
        let mut hits = personal::find(text);
        columns.add_to(&mut hits, text, keep.clone());
        for hit in hits {
            if keep.contains(&hit.start) && !self.allowed.contains(&hit.key) {
                let mut position = Position::of_offset(text, hit.start);
                position.line += lines_before;
                out.push((
                    hit.kind,
                    hit.key,
                    position,
                    personal::mask(&text[hit.start..hit.end]),
                ));
            }
        }
    }

    /// Turns what every file showed into errors at their sources, once per
    /// value. `output_label` is how the output folder is named (`public`).
    pub fn conclude(
        &self,
        mut files: Vec<FileFindings>,
        output_label: &str,
        diagnostics: &mut Diagnostics,
    ) -> Summary {
        // Paths are unique (files that showed nothing have none, and are
        // only counted): an unstable sort needs no room of its own.
        files.sort_unstable_by(|a, b| a.path().cmp(&b.path()));
        let mut summary = Summary {
            small_numbers: self.small_numbers,
            ..Summary::default()
        };
        // Every output file, in path order; each value reported once.
        let mut in_outputs: BTreeMap<(Kind, String), OutputFinding> = BTreeMap::new();
        for file in files {
            summary.files_checked += 1;
            let Some(file) = file.0 else {
                continue;
            };
            let path = file.path;
            if file.image {
                summary.images_checked += 1;
                if file.image_with_metadata {
                    summary.images_with_metadata += 1;
                    diagnostics.push(
                        Diagnostic::error(format!("{output_label}/{path}"), "this published image still carries metadata (EXIF, XMP or text), or could not be read")
                            .help("this is a bug in plainsight's image cleaning, or the image is damaged; export the image again and report it"),
                    );
                }
            }
            summary.pdfs.extend(file.pdf.map(|pdf| *pdf));
            if let Some(problem) = file.unreadable {
                let d = if crate::scan::is_pdf(&path, b"") {
                    Diagnostic::error(format!("{output_label}/{path}"), format!("the personal-data guard could not read this PDF's text: {problem}"))
                        .help("every published file must be readable so it can be checked for personal data and exempt text; re-save the PDF and attach it again")
                } else {
                    Diagnostic::error(format!("{output_label}/{path}"), format!("the personal-data guard could not read this output file: {problem}"))
                        .help("every output file must be readable so it can be checked; this is a bug in plainsight, please report it")
                };
                diagnostics.push(d);
                continue;
            }
            if let Some(source) = self.statics.get(&path) {
                // Published as it is: each value found is an error here,
                // whatever another source says of the same value.
                for (kind, _, position, masked) in file.hits {
                    *summary.personal_data.entry(kind.key()).or_default() += 1;
                    diagnostics.push(
                        Diagnostic::error(source, format!("{} ({masked}) is in this file, which is published as it is", kind.describe()))
                            .at(position)
                            .help("remove it: personal data must not be published by accident (UK GDPR Article 5). If it is the council's own published contact, add it to `[personal_data] allow` in site.toml"),
                    );
                }
                continue;
            }
            for (kind, key, position, masked) in file.hits {
                let entry = in_outputs
                    .entry((kind, key))
                    .or_insert_with(|| (path.clone(), position, masked, BTreeSet::new()));
                entry.3.insert(path.clone());
            }
        }
        self.report(&in_outputs, output_label, &mut summary, diagnostics);
        summary
    }

    fn report(
        &self,
        in_outputs: &BTreeMap<(Kind, String), OutputFinding>,
        output_label: &str,
        summary: &mut Summary,
        diagnostics: &mut Diagnostics,
    ) {
        for ((kind, key), (first_output, position, masked, files)) in in_outputs {
            let files = files.len();
            let seen_in = if files > 1 {
                format!(
                    "{output_label}/{first_output} and {} other output file{}",
                    files - 1,
                    if files == 2 { "" } else { "s" }
                )
            } else {
                format!("{output_label}/{first_output}")
            };
            let what = kind.describe();
            let locations = self.in_sources.get(&(*kind, key.clone()));
            let not_ok: Vec<&(usize, Position)> = locations
                .map(|l| {
                    l.iter()
                        .filter(|(si, _)| !self.sources[*si].2.contains(key))
                        .collect()
                })
                .unwrap_or_default();
            if locations.is_some() && not_ok.is_empty() {
                continue; // every source that has it marked it as fine
            }
            *summary.personal_data.entry(kind.key()).or_default() += 1;
            if not_ok.is_empty() {
                diagnostics.push(
                    Diagnostic::error(format!("{output_label}/{first_output}"), format!("{what} ({masked}) is in the output, and no public source contains it"))
                        .at(*position)
                        .help("a template or generated file is printing personal data; remove it. If it is the council's own published contact, add it to `[personal_data] allow` in site.toml"),
                );
                continue;
            }
            let mut reported = BTreeSet::new();
            for (si, pos) in not_ok {
                if !reported.insert((*si, pos.line)) {
                    continue;
                }
                let (source_path, markdown, _) = &self.sources[*si];
                let fix = if *markdown {
                    "If it is not personal data, or is published on purpose, list it as written in this document's front matter: `personal_data_ok = [\"...\"]`"
                } else {
                    "If it is published on purpose, add it to `[personal_data] allow` in site.toml (or declare its data column `type = \"email\"` or `\"phone\"`)"
                };
                diagnostics.push(
                    Diagnostic::error(source_path, format!("{what} ({masked}) would be published, in {seen_in}"))
                        .at(*pos)
                        .help(format!("remove it: personal data must not be published by accident (UK GDPR Article 5). {fix}")),
                );
            }
        }
    }
}

/// One output file being looked at piece by piece (see [`Guard::stream`]).
///
/// The text is looked at in batches of whole lines. Every kind of personal
/// data is written within one line, but a date of birth may be on the line
/// after its label, so each batch is looked at with [`CONTEXT`] bytes of
/// whole lines before and after it, and keeps what starts within it.
/// Entities never span a line, so decoding line by line decodes as the
/// whole file would.
pub struct InspectStream<'a> {
    guard: &'a Guard,
    path: String,
    /// `None` when the file is looked at whole (then `held` has it); else
    /// whether it is known to be plain text (not gzip), once two bytes are in.
    plain: Option<Option<bool>>,
    held: Vec<u8>,
    utf8: crate::unicode::Lossy,
    /// The file's escapes, decoded before it is looked at (JSON's `\n`, a
    /// calendar's folds).
    unescape: Option<Unescape>,
    /// The line under way, not yet decoded.
    line: String,
    /// Decoded whole lines: context already looked at up to `done`, then
    /// lines not yet looked at.
    lines: String,
    done: usize,
    /// Lines of the file before `lines`.
    lines_before: usize,
    columns: BirthColumns,
    hits: Vec<(Kind, String, Position, String)>,
}

/// Bytes of whole lines looked at on each side of a batch: more than a date
/// of birth and its label can span.
const CONTEXT: usize = 256;
/// Bytes of lines looked at together (few in tests, so that they are cut often).
const BATCH: usize = if cfg!(test) { 1000 } else { 1 << 20 };

impl InspectStream<'_> {
    /// The next piece of the file.
    pub fn feed(&mut self, bytes: &[u8]) {
        match self.plain {
            None | Some(Some(false)) => self.held.extend_from_slice(bytes),
            Some(None) => {
                self.held.extend_from_slice(bytes);
                if self.held.len() < 2 {
                    return;
                }
                let plain = !self.held.starts_with(&[0x1f, 0x8b]);
                self.plain = Some(Some(plain));
                if plain {
                    let held = std::mem::take(&mut self.held);
                    self.plain_text(&held);
                }
            }
            Some(Some(true)) => self.plain_text(bytes),
        }
    }

    fn plain_text(&mut self, bytes: &[u8]) {
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

    fn text(&mut self, mut text: &str) {
        while let Some(end) = text.find('\n') {
            self.line.push_str(&text[..=end]);
            self.lines
                .push_str(&crate::unicode::decode_for_reading(&self.line));
            self.line.clear();
            text = &text[end + 1..];
        }
        self.line.push_str(text);
        if self.lines.len() >= self.done + BATCH + CONTEXT {
            self.look(false);
        }
    }

    /// Looks at the lines not yet looked at, but for the last [`CONTEXT`]
    /// bytes of whole lines (unless `last`), then lets go of all but the
    /// last [`CONTEXT`] bytes of whole lines looked at.
    fn look(&mut self, last: bool) {
        let end = if last {
            self.lines.len()
        } else {
            match line_start_before(&self.lines, self.lines.len() - CONTEXT) {
                Some(i) if i > self.done => i,
                _ => return,
            }
        };
        let hits = &mut self.hits;
        let columns = &mut self.columns;
        self.guard.hits_in(
            &self.lines,
            self.done..end,
            self.lines_before,
            columns,
            hits,
        );
        self.done = end;
        let keep_from = end
            .checked_sub(CONTEXT)
            .and_then(|before| line_start_before(&self.lines, before))
            .unwrap_or(0);
        self.lines_before += self.lines[..keep_from].matches('\n').count();
        self.lines.drain(..keep_from);
        self.done -= keep_from;
    }

    /// What the whole file showed.
    pub fn finish(mut self) -> FileFindings {
        if self.plain != Some(Some(true)) {
            return self.guard.inspect(&self.path, &self.held);
        }
        let mut utf8 = std::mem::take(&mut self.utf8);
        if let Some(mut unescape) = self.unescape.take() {
            let mut decoded = Vec::new();
            unescape.finish(&mut decoded);
            utf8.push(&decoded, |text| self.text(text));
        }
        utf8.finish(|text| self.text(text));
        let line = std::mem::take(&mut self.line);
        self.lines
            .push_str(&crate::unicode::decode_for_reading(&line));
        self.look(true);
        Found {
            hits: self.hits,
            ..Found::default()
        }
        .named(&self.path)
    }
}

/// The start of the last line that starts at or before byte `at` (after a
/// newline), if one does.
fn line_start_before(text: &str, at: usize) -> Option<usize> {
    text.as_bytes()[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map(|i| i + 1)
}

/// The allow keys of a document's `personal_data_ok` front-matter list.
fn front_matter_ok(text: &str) -> BTreeSet<String> {
    let Ok(split) = crate::frontmatter::split(text) else {
        return BTreeSet::new();
    };
    let Ok(table) = split.front_matter.parse::<toml::Table>() else {
        return BTreeSet::new();
    };
    table
        .get("personal_data_ok")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .flat_map(personal::allow_keys)
        .collect()
}

/// Values published on purpose, as allow keys: `[personal_data] allow`
/// as written, and contact details as the email addresses and phone
/// numbers they are ([`personal::contact_allow_keys`]).
fn allowed_keys(site: &PublicSite) -> BTreeSet<String> {
    let contact = &site.config().contact;
    let mut values: Vec<&str> = vec![&contact.email, &contact.phone];
    let mut keys: BTreeSet<String> = (site.config().personal_data.allow.iter())
        .flat_map(|v| personal::allow_keys(v))
        .collect();
    // A decision's lead officer's work contact is published on purpose,
    // like the site's own (the record says so: `lead_officer`).
    for d in site.decisions() {
        if let Some(officer) = d.lead_officer() {
            values.extend(officer.email.as_deref());
            values.extend(officer.phone.as_deref());
        }
    }
    for ds in site.datasets() {
        for (ci, column) in ds.columns().iter().enumerate() {
            if matches!(column.ty(), ColumnType::Email | ColumnType::Phone) {
                for row in ds.rows() {
                    values.extend(ds.values(row, ci));
                }
            }
        }
    }
    keys.extend(values.into_iter().flat_map(personal::contact_allow_keys));
    keys
}

/// Small numbers (ICO, "Anonymisation, pseudonymisation and privacy
/// enhancing technologies guidance", and the ONS disclosure control practice
/// of suppressing counts under 5): a count of 1 to 4 people in an EqIA or a
/// table can identify someone. Flagged where it is written:
///
/// - in an EqIA (front matter and body): a number 1 to 4 followed within
///   three words by a word for people ("3 residents"), or a table cell of 1 to 4;
/// - in a Markdown table of any public document: a cell of 1 to 4 whose column
///   heading or row label mentions people or a count ("Number of clients");
/// - in a published CSV column of type `integer`: a value of 1 to 4.
fn small_numbers(facts: &[SourceFacts], strict: bool, diagnostics: &mut Diagnostics) -> usize {
    let mut found: Vec<(&str, Position)> = facts
        .iter()
        .flat_map(|f| f.small_counts.iter().map(|p| (f.path.as_str(), *p)))
        .collect();
    found.sort_by_key(|(p, pos)| (*p, pos.line, pos.column));
    found.dedup();
    for (path, pos) in &found {
        let message = "a count of 1 to 4 people can identify someone";
        let d = if strict {
            Diagnostic::error(*path, message)
        } else {
            Diagnostic::warning(*path, message)
        };
        diagnostics.push(d.at(*pos).help(
            "publish it as \"fewer than 5\", or combine it with another group, as the ICO's anonymisation guidance advises for small numbers",
        ));
    }
    found.len()
}

/// Positions of small-count cells in Markdown tables.
fn table_cells(text: &str, every_table: bool) -> Vec<Position> {
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0usize, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some((start, line.trim_end_matches(['\n', '\r'])))
        })
        .collect();
    let is_row = |l: &str| l.trim_start().starts_with('|');
    let is_delimiter = |l: &str| {
        is_row(l) && l.contains('-') && l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !(is_row(lines[i].1) && lines.get(i + 1).is_some_and(|l| is_delimiter(l.1))) {
            i += 1;
            continue;
        }
        let header: Vec<String> = cells(lines[i].1)
            .into_iter()
            .map(|(_, c)| c.to_string())
            .collect();
        i += 2;
        while i < lines.len() && is_row(lines[i].1) {
            let (start, line) = lines[i];
            let row = cells(line);
            let row_label = row.first().map(|(_, c)| *c).unwrap_or("");
            for (j, (at, cell)) in row.iter().enumerate() {
                if !personal::is_small_count(cell) {
                    continue;
                }
                let heading = header.get(j).map(String::as_str).unwrap_or("");
                if every_table
                    || personal::mentions_people(heading)
                    || personal::mentions_people(row_label)
                {
                    let lead = cell.len() - cell.trim_start().len();
                    out.push(Position::of_offset(text, start + at + lead));
                }
            }
            i += 1;
        }
    }
    out
}

/// The cells of a table row, each with its byte offset in the line.
fn cells(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            '\\' => escaped = !escaped,
            '|' if !escaped => {
                if let Some(s) = start {
                    out.push((s, &line[s..i]));
                }
                start = Some(i + 1);
            }
            _ => escaped = false,
        }
    }
    if let Some(s) = start {
        if !line[s..].trim().is_empty() {
            out.push((s, &line[s..]));
        }
    }
    out
}

/// Positions of small values in the named columns of a CSV text.
fn csv_cells(text: &str, columns: &[&str]) -> Vec<Position> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let Some(Ok(header)) = records.next() else {
        return Vec::new();
    };
    let wanted: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| columns.contains(&h.trim()))
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::new();
    for record in records.flatten() {
        let Some(pos) = record.position() else {
            continue;
        };
        let offset = pos.byte() as usize;
        for &i in &wanted {
            if record.get(i).is_some_and(personal::is_small_count) {
                // The cell's column: count the separators before it on the line,
                // unless the record spans lines (then the line is enough).
                let line_end = text[offset..].find('\n').map_or(text.len(), |e| offset + e);
                let line = &text[offset..line_end];
                let column = field_offset(line, i);
                let mut p = Position::of_offset(text, offset + column.unwrap_or(0));
                if column.is_none() {
                    p.column = 0;
                }
                out.push(p);
            }
        }
    }
    out
}

/// Byte offset of field `n` in one CSV line, honouring quotes.
fn field_offset(line: &str, n: usize) -> Option<usize> {
    if n == 0 {
        return Some(0);
    }
    let mut quoted = false;
    let mut field = 0;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                field += 1;
                if field == n {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(allowed: &[&str]) -> Guard {
        Guard::allowing(allowed)
    }

    /// Looks at `bytes` fed in the pieces that `cuts` (sorted offsets) make.
    fn inspect_in_pieces(guard: &Guard, path: &str, bytes: &[u8], cuts: &[usize]) -> String {
        let mut stream = guard.stream(path);
        let mut from = 0;
        for &cut in cuts.iter().chain([&bytes.len()]) {
            stream.feed(&bytes[from..cut]);
            from = cut;
        }
        format!("{:?}", stream.finish())
    }

    #[test]
    fn personal_data_in_a_search_index_file_is_found() {
        use std::io::Write;
        let pagefind = |data: &[u8]| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            e.write_all(b"pagefind_dcd").unwrap();
            e.write_all(data).unwrap();
            e.finish().unwrap()
        };
        let g = guard(&[]);
        // A result's text (JSON), and a word list (CBOR: each word's length
        // byte glued to its first letter unless it is read as CBOR).
        let fragment = pagefind(b"{\"content\":\"Her NHS number is 943 476 5919.\"}");
        let mut words = vec![0x81, 0x78, 23];
        words.extend(b"someone@private.example");
        for (path, bytes) in [
            ("pagefind/fragment/en_1.pf_fragment", fragment),
            ("pagefind/index/en_2.pf_index", pagefind(&words)),
        ] {
            let whole = format!("{:?}", g.inspect(path, &bytes));
            assert!(
                whole.contains("NhsNumber") || whole.contains("Email"),
                "{path}: {whole}"
            );
            assert_eq!(
                inspect_in_pieces(&g, path, &bytes, &[1, 7]),
                whole,
                "{path}"
            );
        }
        // A sorted word list's numbers, one after another (decision numbers
        // without their slash), are not one phone number.
        let mut numbers = vec![0x84];
        for n in ["01632", "960001", "2000002", "2000004"] {
            numbers.push(0x60 + n.len() as u8);
            numbers.extend(n.as_bytes());
        }
        let found = format!(
            "{:?}",
            g.inspect("pagefind/index/en_4.pf_index", &pagefind(&numbers))
        );
        assert!(!found.contains("Phone"), "{found}");
        // Named as compressed but not: refused, never read as it is.
        let found = format!("{:?}", g.inspect("pagefind/index/en_3.pf_index", b"plain"));
        assert!(found.contains("unreadable: Some"), "{found}");
    }

    #[test]
    fn personal_data_folded_or_escaped_in_a_calendar_is_found() {
        let g = guard(&[]);
        // An email address cut by a fold (RFC 5545 folds anywhere) and
        // glued to an escaped line break, as a calendar program joins them.
        let ics = b"BEGIN:VCALENDAR\r\nDESCRIPTION:Contact\\nsome\r\n one@priv\r\n ate.example\r\nEND:VCALENDAR\r\n";
        let whole = format!("{:?}", g.inspect("feeds/plan.ics", ics));
        assert!(whole.contains("Email"), "{whole}");
        assert_eq!(
            inspect_in_pieces(&g, "feeds/plan.ics", ics, &[3, 40]),
            whole
        );
    }

    #[test]
    fn personal_data_behind_json_escapes_is_found() {
        let g = guard(&[]);
        // An email address glued to an escaped line break, and an NHS
        // number written with \u escapes.
        let json =
            br#"{"a":"Contact:\nsomeone@private.example","b":"NHS\u0020943\u0020476\u00205919"}"#;
        let whole = format!("{:?}", g.inspect("data/x.json", json));
        assert!(
            whole.contains("Email") && whole.contains("NhsNumber"),
            "{whole}"
        );
        for cut in 0..json.len() {
            assert_eq!(
                inspect_in_pieces(&g, "data/x.json", json, &[cut]),
                whole,
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn personal_data_cut_across_pieces_is_found() {
        let g = guard(&["0300 123 4567"]);
        let text = "Call 07700 900123 or 0300 123 4567.\nDate of birth:\n 12 March 1950, NHS 943&#32;476 5919\n";
        let whole = format!("{:?}", g.inspect("x.html", text.as_bytes()));
        assert!(
            whole.contains("DateOfBirth") && whole.contains("NhsNumber") && whole.contains("Phone"),
            "{whole}"
        );
        assert!(!whole.contains("ending `567`"), "{whole}");
        for cut in 0..=text.len() {
            assert_eq!(
                inspect_in_pieces(&g, "x.html", text.as_bytes(), &[cut]),
                whole,
                "cut at {cut}"
            );
        }
        let every: Vec<usize> = (1..text.len()).collect();
        assert_eq!(
            inspect_in_pieces(&g, "x.html", text.as_bytes(), &every),
            whole
        );
    }

    #[test]
    fn a_file_looked_at_in_pieces_shows_what_it_shows_whole() {
        const PIECES: &[&str] = &[
            "943 476 5919",
            "9434765919",
            "943-476-5919",
            "AB 12 34 56 C",
            "ce123456d",
            "born",
            "Born ",
            "DOB",
            "dob:",
            "D.O.B.",
            "Date of Birth",
            "birth date",
            "12 March 1950",
            "March 12, 1950",
            "03/04/1961",
            "1970-01-02",
            "12.03.50",
            "jo@example.org",
            "@",
            "a.b@c",
            ".uk",
            "+44 ",
            "(0)20",
            "(01632)",
            "07700 900123",
            "01632 960001",
            "020 7946 0018",
            "(",
            ")",
            "-",
            " ",
            "  ",
            ".",
            ",",
            ":",
            "\n",
            "\n",
            "\n",
            "&#10;",
            "&amp;",
            "&#32;",
            "&#x40;",
            "&",
            "&#",
            ";",
            "\u{e9}",
            "\u{a3}",
            "0",
            "1",
            "x",
            "words and more words ",
        ];
        let g = guard(&["07700 900123", "jo@example.org"]);
        let mut rng = crate::testing::Rng::new(21);
        let mut texts = crate::testing::random_texts(PIECES, 400, 120, 22);
        // Long files, so that batches and their context are cut many times.
        let long: Vec<String> = texts.chunks(40).map(|c| c.concat().repeat(3)).collect();
        texts.extend(long);
        let mut files: Vec<Vec<u8>> = texts.into_iter().map(String::into_bytes).collect();
        // Invalid UTF-8, and a character cut short at the very end.
        files.push(b"born \xff12/03/1950 \xe2\x82".to_vec());
        let mut found = 0;
        for bytes in &files {
            let whole = format!("{:?}", g.inspect("x.html", bytes));
            found += whole.matches("ending").count();
            for _ in 0..4 {
                let mut cuts: Vec<usize> = (0..rng.below(5))
                    .map(|_| rng.below(bytes.len() + 1))
                    .collect();
                cuts.sort();
                assert_eq!(
                    inspect_in_pieces(&g, "x.html", bytes, &cuts),
                    whole,
                    "cut at {cuts:?}"
                );
            }
        }
        assert!(found > 1000, "{found}");
    }

    #[test]
    fn exempt_passages_are_blanked_keeping_positions() {
        let text = "a\n::: exempt paragraph=1\nsecret 943 476 5919\n:::\nb\n";
        let blank = crate::fence::blank(text);
        assert_eq!(blank.len(), text.len());
        assert!(!blank.contains("943"));
        assert!(blank.ends_with("\nb\n"));
    }

    #[test]
    fn table_cells_with_people_headings() {
        let md = "Table 1: Clients\n\n| Area | Number of clients | Budget |\n| --- | ---: | ---: |\n| Dover | 3 | 4 |\n| Thanet | 12 | 2 |\n";
        let found = table_cells(md, false);
        assert_eq!(
            found,
            [Position {
                line: 5,
                column: 11
            }]
        );
        assert_eq!(table_cells(md, true).len(), 3);
    }

    #[test]
    fn csv_cells_point_at_the_value() {
        let csv = "id,name,clients\nA,\"Smith, J\",3\nB,X,40\n";
        assert_eq!(
            csv_cells(csv, &["clients"]),
            [Position {
                line: 2,
                column: 14
            }]
        );
    }

    #[test]
    fn front_matter_ok_is_read() {
        let ok = front_matter_ok(
            "+++\nkind = \"page\"\npersonal_data_ok = [\"943 476 5919\"]\n+++\nBody\n",
        );
        assert!(ok.contains("9434765919"));
    }
}
