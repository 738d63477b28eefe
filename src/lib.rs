//! plainsight: builds an accessible, plain-language static website of council
//! decisions, Equality Impact Assessments and provider listings, and withholds
//! what Schedule 12A to the Local Government Act 1972 exempts.
//!
//! The pipeline, in the order the modules run:
//!
//! 1. [`source`] reads the site folder thinly (names, places, bytes);
//! 2. [`config`], [`document`] and [`data`] parse strings into typed values;
//! 3. [`site`] assembles and cross-checks them;
//! 4. [`visibility`] separates public from exempt: the only door to the public model;
//! 5. [`render`] (with [`markdown`], [`opendata`] and [`search`], the search index)
//!    turns the public model into files, [`timetable`] saying what the law's dates
//!    make of it (with [`clear_days`]); the register and the feeds grouped by [`facets`];
//!    [`language`] measures the public text and [`contrast`] checks template colours;
//! 6. [`scan`] checks every file for exempt text, independently of step 4, and
//!    [`guard`] checks it for personal data (with [`personal`], [`images`], [`pdfinfo`]);
//! 7. [`output`] publishes atomically and [`report`] writes the withholding report.
//!
//! [`serve`] is the local preview: it runs this pipeline on every change.
//! [`schema`] turns the types of step 2 into JSON Schemas for editors.
//! [`init`] makes a new site and new records, and [`docx`] imports a Word
//! report into a decision's folder; neither is part of a build.
//!
//! The library never prints; the binary does.

pub mod accessibility;
mod build;
pub mod cache;
pub mod cbor;
pub mod checked;
pub mod clear_days;
pub mod cli_format;
pub mod config;
pub mod contrast;
pub mod data;
pub mod diagnostics;
pub mod document;
pub mod docx;
pub mod facets;
pub mod facts;
pub mod fence;
pub mod folder;
pub mod frontmatter;
pub mod guard;
pub mod images;
pub mod init;
pub mod language;
pub mod markdown;
pub mod money;
pub mod opendata;
pub mod output;
pub mod pdf;
pub mod pdfinfo;
pub mod personal;
pub mod procurement;
pub mod render;
pub mod report;
pub mod scan;
pub mod schedule12a;
pub mod schema;
pub mod scripts;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod source;
pub mod templates;
#[cfg(test)]
mod testing;
pub mod timetable;
pub mod unicode;
pub mod visibility;

use std::path::{Path, PathBuf};

use diagnostics::{Diagnostic, Diagnostics};

/// Where to read and write.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site folder (holding site.toml).
    pub root: PathBuf,
    /// The output folder; `public/` under the root by default.
    pub output: PathBuf,
    /// Where the withholding report goes; must be outside the output.
    pub report_dir: PathBuf,
    /// Warnings (plain language, small counts of people) become errors (`--strict`).
    pub strict: bool,
    /// Replaces site.toml's `base_url` (`--base-url`, for preview deployments).
    /// Checked like `base_url` ([`config::base_url`]); a bad one is a usage error.
    pub base_url: Option<String>,
    /// The date the withholding report compares review dates with; `None`
    /// means the clock's UTC date. The binary sets it from `SOURCE_DATE_EPOCH`
    /// (the library never reads the environment). In the output folder, it
    /// is "now" for what is open to call-in when site.toml has no `as_of`
    /// ([`timetable::as_of`]; without either, the records' latest date:
    /// never the clock).
    pub today: Option<chrono::NaiveDate>,
    /// Told how far a build has got, for a progress bar (the binary draws one
    /// when stderr is a terminal).
    pub progress: Option<ProgressHook>,
    /// The build cache's folder ([`cache`]); `None` builds everything afresh
    /// and keeps nothing. Must be a folder of its own, outside the output,
    /// the report's folder and the site's sources, and empty, new or
    /// carrying the cache's marker ([`cache::claim`]).
    pub cache_dir: Option<PathBuf>,
    /// How many bytes of decision folders pass 1 may keep, parsed, for pass
    /// 2 ([`KEEP_READ_BYTES`] by default). A site larger than this keeps
    /// none: pass 2 reads and parses each folder again, so memory stays
    /// bounded however large the site. The output is the same either way.
    pub keep_bytes: usize,
}

/// How far a build has got: `done` of `total` units of `step`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// `"reading decisions"`, then `"making pages"`.
    pub step: &'static str,
    pub done: usize,
    pub total: usize,
}

/// Called from any thread, in no particular order, as units finish.
#[derive(Clone)]
pub struct ProgressHook(pub std::sync::Arc<dyn Fn(Progress) + Send + Sync>);

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressHook")
    }
}

impl Options {
    pub fn for_root(root: impl Into<PathBuf>) -> Options {
        let root = root.into();
        let cache_dir = Some(root.join(cache::DIR));
        Options {
            output: root.join("public"),
            report_dir: root.join("reports"),
            root,
            strict: false,
            base_url: None,
            today: None,
            progress: None,
            cache_dir,
            keep_bytes: KEEP_READ_BYTES,
        }
    }
}

/// What a run found and did.
#[derive(Debug)]
pub struct Outcome {
    /// Every problem, sorted. Any error means nothing was written.
    pub diagnostics: Vec<Diagnostic>,
    /// What was withheld, when the content could be read.
    pub report: Option<report::Report>,
    /// Files written to the output (0 for `check` or a failed build).
    pub files_written: usize,
    /// The plain-language measures, when the content could be read.
    pub language: Option<language::LanguageReport>,
    /// How long each stage took, for people and CI logs (never in the output).
    pub timings: Timings,
    /// What the build cache saved, when the build got as far as making pages.
    pub reuse: Option<Reuse>,
}

/// What the build cache saved a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reuse {
    /// Decision folders whose first pass (reading, parsing, separating,
    /// measuring) came from the cache.
    pub decisions_read: usize,
    /// Usable decision folders.
    pub decisions: usize,
    /// Units of files (one per decision, the site-wide ones, and one for
    /// the sitemap and robots.txt) whose files were left as they were.
    pub units: usize,
    /// Site-wide units there are: the register, the search page with the
    /// first search index, each part of the decisions' search index, the
    /// other site-wide pages, and the sitemap with robots.txt.
    pub site_units: usize,
    /// Whether the output folder was changed in place (only changed files
    /// written) rather than written afresh.
    pub in_place: bool,
    /// Which of the site-wide units were made again rather than reused.
    pub made_again: SiteWide,
}

/// The site-wide units of files, each made again only when what it shows
/// changed: a flag for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SiteWide {
    /// How many of the register's pages (its own and its filters', each a
    /// unit of its own) were made again.
    pub register: usize,
    /// The search page and the first search index (of everything but the
    /// decisions).
    pub search: bool,
    /// How many parts of the decisions' search index were made again.
    pub search_parts: usize,
    /// Every other site-wide page and download (home, listings, open data)
    /// but the downloads that are units of their own.
    pub other: bool,
    /// How many of the downloads that are units of their own (each made
    /// from rows that change less often than the site: documents, money,
    /// equality impacts) were made again.
    pub downloads: usize,
    /// The forward plan's page.
    pub forward_plan: bool,
    /// The sitemap and robots.txt.
    pub sitemap: bool,
}

impl Reuse {
    /// Units of files there are: one per decision and the site-wide ones.
    pub fn of_units(&self) -> usize {
        self.decisions + self.site_units
    }
}

/// Wall time of each stage, in order; for the parallel stage, the time each
/// step took summed over all threads, so the steps can be compared.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    pub stages: Vec<(&'static str, std::time::Duration)>,
}

impl Timings {
    pub(crate) fn lap(&mut self, stage: &'static str, since: &mut std::time::Instant) {
        let now = std::time::Instant::now();
        self.stages.push((stage, now - *since));
        *since = now;
    }
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == diagnostics::Severity::Error)
    }
}

/// A failure that is not the content's fault: the exit code is 2.
#[derive(Debug)]
pub enum Error {
    Read(source::ReadError),
    Write(output::WriteError),
    /// A bug in a built-in template, or the search index could not be made.
    Template(String),
    /// The options cannot work (for example, output inside content/).
    Usage(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Read(e) => write!(f, "{e}"),
            Error::Write(e) => write!(f, "{e}"),
            Error::Template(e) => write!(f, "internal error (please report it): {e}"),
            Error::Usage(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {}

/// Validates everything and writes nothing.
pub fn check(root: &Path) -> Result<Outcome, Error> {
    check_with(&Options::for_root(root))
}

/// Like [`check`], with options (only `root` and `strict` matter).
pub fn check_with(options: &Options) -> Result<Outcome, Error> {
    build::run(options, false)
}

/// Builds the site into `options.output`, atomically, and writes the
/// withholding report. On any content error nothing is written.
pub fn build(options: &Options) -> Result<Outcome, Error> {
    build::run(options, true)
}

/// The public model of a site with every decision complete (every body and
/// attachment in memory at once), as the renderer sees each decision. For
/// tests and tools on small sites: a build never holds this. `None` when the
/// site has errors (they are in `diagnostics`).
pub fn public_model(
    root: &Path,
    diagnostics: &mut Diagnostics,
) -> Result<Option<visibility::PublicSite>, Error> {
    let source = source::read(root, diagnostics).map_err(Error::Read)?;
    let Some(mut site) = site::assemble(source, diagnostics) else {
        return Ok(None);
    };
    let folders = std::mem::take(&mut site.folders);
    let mut separated = visibility::separate(site, diagnostics);
    for mut f in folders {
        source::fill(root, &mut f.documents).map_err(Error::Read)?;
        source::fill(root, &mut f.attachments).map_err(Error::Read)?;
        let Some(bundle) = site::load(f, diagnostics).bundle else {
            return Ok(None);
        };
        let d = visibility::separate_decision(&bundle, diagnostics);
        separated.add_decision(d.public, d.report, d.prints);
    }
    let (public, _, _) = separated.finish(diagnostics);
    Ok((!diagnostics.has_errors()).then_some(public))
}

/// Bytes of decision folders (as read) up to which pass 1 keeps every folder
/// for pass 2, parsed, so that most sites are read and parsed once; a site
/// larger than this is read again (and each folder's content hash checked),
/// so memory stays bounded however large the site.
pub const KEEP_READ_BYTES: usize = 128 * 1024 * 1024;
