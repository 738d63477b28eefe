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
//! 5. [`render`] (with [`markdown`] and [`opendata`]) turns the public model into files;
//!    [`language`] measures the public text and [`contrast`] checks template colours;
//! 6. [`scan`] checks every file for exempt text, independently of step 4, and
//!    [`guard`] checks it for personal data (with [`personal`], [`images`], [`pdfinfo`]);
//! 7. [`output`] publishes atomically and [`report`] writes the withholding report.
//!
//! [`serve`] is the local preview: it runs this pipeline on every change.
//!
//! The library never prints; the binary does.

pub mod accessibility;
pub mod checked;
pub mod cli_format;
pub mod config;
pub mod contrast;
pub mod data;
pub mod diagnostics;
pub mod document;
pub mod folder;
pub mod frontmatter;
pub mod guard;
pub mod images;
pub mod language;
pub mod markdown;
pub mod opendata;
pub mod output;
pub mod pdfinfo;
pub mod personal;
pub mod procurement;
pub mod render;
pub mod report;
pub mod scan;
pub mod schedule12a;
pub mod serve;
pub mod site;
pub mod source;
#[cfg(test)]
mod testing;
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
    /// (the library never reads the environment). Nothing in the output
    /// folder depends on it.
    pub today: Option<chrono::NaiveDate>,
    /// Told how far a build has got, for a progress bar (the binary draws one
    /// when stderr is a terminal).
    pub progress: Option<ProgressHook>,
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

/// Counts finished units of one step and tells the hook.
struct Counter<'a> {
    hook: Option<&'a ProgressHook>,
    step: &'static str,
    total: usize,
    done: std::sync::atomic::AtomicUsize,
}

impl<'a> Counter<'a> {
    fn new(hook: Option<&'a ProgressHook>, step: &'static str, total: usize) -> Counter<'a> {
        Counter {
            hook,
            step,
            total,
            done: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    fn tick(&self) {
        if let Some(hook) = self.hook {
            let done = 1 + self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            (hook.0)(Progress {
                step: self.step,
                done,
                total: self.total,
            });
        }
    }
}

impl Options {
    pub fn for_root(root: impl Into<PathBuf>) -> Options {
        let root = root.into();
        Options {
            output: root.join("public"),
            report_dir: root.join("reports"),
            root,
            strict: false,
            base_url: None,
            today: None,
            progress: None,
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
}

/// Wall time of each stage, in order; for the parallel stage, the time each
/// step took summed over all threads, so the steps can be compared.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    pub stages: Vec<(&'static str, std::time::Duration)>,
}

impl Timings {
    fn lap(&mut self, stage: &'static str, since: &mut std::time::Instant) {
        let now = std::time::Instant::now();
        self.stages.push((stage, now - *since));
        *since = now;
    }
}

/// Time spent in one step of the parallel stage, summed across threads.
#[derive(Default)]
struct StepClock(std::sync::atomic::AtomicU64);

impl StepClock {
    fn time<T>(&self, f: impl FnOnce() -> T) -> T {
        let start = std::time::Instant::now();
        let out = f();
        let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.0
            .fetch_add(nanos, std::sync::atomic::Ordering::Relaxed);
        out
    }
    fn add(&self, time: std::time::Duration) {
        let nanos = u64::try_from(time.as_nanos()).unwrap_or(u64::MAX);
        self.0
            .fetch_add(nanos, std::sync::atomic::Ordering::Relaxed);
    }

    fn total(&self) -> std::time::Duration {
        std::time::Duration::from_nanos(self.0.load(std::sync::atomic::Ordering::Relaxed))
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
    /// A bug in a built-in template.
    Template(String),
    /// The options cannot work (for example, output inside content/).
    Usage(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Read(e) => write!(f, "{e}"),
            Error::Write(e) => write!(f, "{e}"),
            Error::Template(e) => write!(
                f,
                "internal error in a built-in template (please report it): {e}"
            ),
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
    run(options, false)
}

/// Builds the site into `options.output`, atomically, and writes the
/// withholding report. On any content error nothing is written.
pub fn build(options: &Options) -> Result<Outcome, Error> {
    run(options, true)
}

fn run(options: &Options, write: bool) -> Result<Outcome, Error> {
    use rayon::prelude::*;

    if write {
        check_paths(options)?;
    }
    let base_url = match &options.base_url {
        Some(url) => {
            Some(config::base_url(url).map_err(|why| Error::Usage(format!("--base-url: {why}")))?)
        }
        None => None,
    };
    let mut diags = Diagnostics::default();
    let mut timings = Timings::default();
    let mut since = std::time::Instant::now();
    let source = source::read(&options.root, &mut diags).map_err(Error::Read)?;
    timings.lap("read", &mut since);
    let Some(mut site) = site::assemble(source, &mut diags) else {
        return Ok(failed(diags, None));
    };
    if let Some(url) = base_url {
        site.config.base_url = url;
    }
    timings.lap("parse", &mut since);
    let root = options.root.clone();
    let folders = std::mem::take(&mut site.folders);
    let mut separated = visibility::separate(site, &mut diags);
    // Pass 1, folder by folder in parallel: read, parse, separate, measure;
    // keep listings, fingerprints and findings, let the text go.
    let glossary = markdown::Glossary::from_site(&separated.public);
    let counter = Counter::new(
        options.progress.as_ref(),
        "reading decisions",
        folders.len(),
    );
    let mut numbers = std::collections::BTreeSet::new();
    let mut digests = Vec::new();
    let mut related = Vec::new();
    let mut language_parts = Vec::new();
    let mut source_facts = Vec::new();
    let mut unusable = false;
    let mut kept_budget = Some(KEEP_READ_BYTES);
    // In chunks, each merged (in folder order) before the next is read, so
    // that what one folder found is held once, not twice.
    for chunk in folders.chunks(CHUNK) {
        let read = folder::read_all(&root, &chunk.iter().collect::<Vec<_>>());
        let read: Vec<folder::Read> = read
            .into_iter()
            .collect::<Result<_, _>>()
            .map_err(Error::Read)?;
        // While every folder fits the budget, pass 2 takes a copy of the
        // bytes read here rather than reading the folder again. A site too
        // large for it keeps none: copies of a part would be held through
        // pass 2's peak to save reading that part again.
        if let Some(budget) = kept_budget {
            let size: usize = read.iter().map(folder::size).sum();
            kept_budget = budget.checked_sub(size);
            if kept_budget.is_none() {
                for (_, _, copy) in &mut digests {
                    *copy = None;
                }
            }
        }
        let copies: Vec<Option<folder::Read>> = read
            .iter()
            .map(|r| kept_budget.is_some().then(|| r.clone()))
            .collect();
        let passes: Vec<folder::FirstPass> = read
            .into_par_iter()
            .map(|r| {
                let pass =
                    folder::first_pass(&separated.public, glossary.as_ref(), r, options.strict);
                counter.tick();
                pass
            })
            .collect();
        for ((f, pass), copy) in chunk.iter().zip(passes).zip(copies) {
            diags.extend(pass.diagnostics);
            numbers.extend(pass.number);
            let Some(kept) = pass.decision else {
                unusable = true;
                continue;
            };
            digests.push((f, pass.digest, copy));
            related.push((
                kept.listing.source_path.clone(),
                kept.listing.number.clone(),
                kept.related,
            ));
            language_parts.push(kept.language);
            source_facts.extend(kept.sources);
            separated.add_decision(kept.listing, kept.report, kept.prints);
        }
    }
    timings.lap("read, parse and separate decisions", &mut since);
    let errors = diags.error_count();
    for (path, number, refs) in &related {
        site::check_related(path, number, refs, &numbers, &mut diags);
    }
    // As for the rest of the site: a folder whose files or declarations have
    // errors stops the build here, before anything is rendered.
    if unusable || diags.error_count() > errors {
        return Ok(failed(diags, None));
    }
    let (public, withholding, fingerprints) = separated.finish(&mut diags);
    timings.lap("fingerprints", &mut since);
    let language = language::analyse(&public, language_parts, options.strict, &mut diags);
    let guard = guard::Guard::new(&root, &public, source_facts, options.strict, &mut diags);
    contrast::check_templates(&public.templates, &mut diags);
    timings.lap("language and guard set-up", &mut since);
    let Some(renderer) = render::renderer(&public, &mut diags).map_err(|e| Error::Template(e.0))?
    else {
        return Ok(failed(diags, None));
    };
    // Rendered files go straight to a staging folder beside the output, so
    // memory holds one unit of work per thread, not the whole site.
    let staging = match write && !diags.has_errors() {
        true => Some(output::Staging::new(&options.output).map_err(Error::Write)?),
        false => None,
    };
    let fingerprints = &fingerprints;
    let decisions = digests.len();
    let [
        read_clock,
        render_clock,
        scan_clock,
        guard_clock,
        write_clock,
    ] = [(); 5].map(|_| StepClock::default());
    // Scans, guards and (when building) writes one unit of rendered files.
    let process = |files: output::Files, mut unit_diags: Diagnostics| -> Result<Unit, Error> {
        let mut findings = Vec::new();
        for (path, bytes) in files.iter() {
            // The second line of defence runs on every file, whatever the first line did.
            scan_clock.time(|| {
                for leak in fingerprints.scan(path, bytes) {
                    unit_diags.push(report::leak_diagnostic(&leak));
                }
            });
            guard_clock.time(|| findings.push(guard.inspect(path, bytes)));
        }
        if let Some(staging) = &staging {
            if !unit_diags.has_errors() {
                write_clock
                    .time(|| staging.write_all(&files))
                    .map_err(Error::Write)?;
            }
        }
        let paths = files.iter().map(|(p, _)| p.clone()).collect();
        Ok(Unit {
            diagnostics: unit_diags,
            paths,
            findings,
        })
    };
    // A site-wide file that grows with the site: checked and written as it
    // is made, never held whole.
    // Returns the file's size, and the time spent checking and writing it.
    let process_stream = |path: &str, write: output::Writer| -> Result<Streamed, Error> {
        let mut file = checked::CheckedFile::new(path, fingerprints, &guard, staging.as_ref())
            .map_err(Error::Write)?;
        let written = write(&mut file);
        let done = file.finish(written).map_err(Error::Write)?;
        scan_clock.add(done.times.scan);
        guard_clock.add(done.times.guard);
        write_clock.add(done.times.write);
        let mut diagnostics = Diagnostics::default();
        for leak in &done.leaks {
            diagnostics.push(report::leak_diagnostic(leak));
        }
        let unit = Unit {
            diagnostics,
            paths: vec![path.to_string()],
            findings: vec![done.findings],
        };
        let times = done.times;
        Ok((unit, done.size, times.scan + times.guard + times.write))
    };
    let counter = Counter::new(options.progress.as_ref(), "making pages", decisions + 1);
    // Pass 2 for one decision: its folder read again, complete, for its pages.
    let decision_unit = |read: folder::Read, digest: &folder::Digest| -> Result<Unit, Error> {
        let _tick = TickOnDrop(&counter);
        let mut unit_diags = Diagnostics::default();
        let complete =
            read_clock.time(|| folder::second_pass(read, digest, fingerprints, &mut unit_diags));
        let files = match complete {
            Some(d) => render_clock
                .time(|| renderer.render_decision(&d, &mut unit_diags))
                .map_err(|e| Error::Template(e.0))?,
            None => output::Files::default(),
        };
        process(files, unit_diags)
    };
    // The site-wide pages and downloads grow with the site: each batch is
    // checked and written as soon as it is made.
    let site_unit = || -> Result<Unit, Error> {
        let _tick = TickOnDrop(&counter);
        let mut unit_diags = Diagnostics::default();
        let mut out = SiteFiles {
            process: &process,
            stream: &process_stream,
            unit: Unit::default(),
            failure: None,
            elsewhere: std::time::Duration::ZERO,
        };
        let started = std::time::Instant::now();
        let rendered = renderer.render_site_pages(&mut unit_diags, &mut out);
        render_clock.add(started.elapsed().saturating_sub(out.elsewhere));
        rendered.map_err(|e| Error::Template(e.0))?;
        if let Some(e) = out.failure {
            return Err(e);
        }
        let mut unit = out.unit;
        unit.absorb(process(output::Files::default(), unit_diags)?);
        Ok(unit)
    };
    let decision_units = || -> Result<Vec<Unit>, Error> {
        let mut digests = digests;
        let mut units = Vec::with_capacity(decisions);
        for chunk in digests.chunks_mut(CHUNK) {
            // Folders whose bytes were not kept from pass 1 are read again.
            let folders: Vec<&site::Folder> = chunk
                .iter()
                .filter(|(_, _, copy)| copy.is_none())
                .map(|(f, _, _)| *f)
                .collect();
            let mut again = read_clock
                .time(|| folder::read_all(&root, &folders))
                .into_iter();
            let read: Vec<Result<folder::Read, source::ReadError>> = chunk
                .iter_mut()
                .map(|(_, _, copy)| match copy.take() {
                    Some(r) => Ok(r),
                    None => again.next().expect("one read per folder not kept"),
                })
                .collect();
            let done: Vec<Result<Unit, Error>> = read
                .into_par_iter()
                .zip(chunk.par_iter())
                .map(|(read, (_, digest, _))| decision_unit(read.map_err(Error::Read)?, digest))
                .collect();
            for unit in done {
                units.push(unit?);
            }
        }
        Ok(units)
    };
    let (site_unit, decision_units) = rayon::join(site_unit, decision_units);
    let units = decision_units?.into_iter().chain([site_unit?]);
    let mut written = Vec::new();
    let mut guard_findings = Vec::new();
    for unit in units {
        diags.extend(unit.diagnostics);
        written.extend(unit.paths);
        guard_findings.extend(unit.findings);
    }
    // Last, what describes the whole build (the sitemap lists what was written).
    written.sort();
    let mut out = SiteFiles {
        process: &process,
        stream: &process_stream,
        unit: Unit::default(),
        failure: None,
        elsewhere: std::time::Duration::ZERO,
    };
    opendata::finish(&public, &written, &mut out);
    if let Some(e) = out.failure {
        return Err(e);
    }
    let last = out.unit;
    diags.extend(last.diagnostics);
    written.extend(last.paths);
    guard_findings.extend(last.findings);
    let file_count = written.len();
    timings.lap("render, scan and write (in parallel)", &mut since);
    for (step, clock) in [
        ("  read and separate again", &read_clock),
        ("  render", &render_clock),
        ("  leak scan", &scan_clock),
        ("  personal-data guard", &guard_clock),
        ("  write", &write_clock),
    ] {
        timings.stages.push((step, clock.total()));
    }
    let output_label = diagnostics::display_path(&options.root, &options.output);
    let guarded = guard.conclude(guard_findings, &output_label, &mut diags);
    let mut report = report::Report::new(withholding, fingerprints, file_count, options.today);
    report.add_guard(guarded);
    if diags.has_errors() {
        let mut outcome = failed(diags, Some(report));
        outcome.language = Some(language);
        outcome.timings = timings;
        return Ok(outcome);
    }
    let mut files_written = 0;
    if let Some(staging) = staging {
        staging.publish().map_err(Error::Write)?;
        report.write(&options.report_dir).map_err(Error::Write)?;
        files_written = file_count;
        timings.lap("publish", &mut since);
    }
    Ok(Outcome {
        diagnostics: diags.into_sorted(),
        report: Some(report),
        files_written,
        language: Some(language),
        timings,
    })
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

/// Decision folders read at once (and, in pass 1, worked on before their
/// results are merged).
const CHUNK: usize = 512;

/// Bytes of decision folders that pass 1 keeps for pass 2, so that most
/// sites are read once; a site larger than this is read again (and each
/// folder's content hash checked), so memory stays bounded however large
/// the site.
const KEEP_READ_BYTES: usize = 128 * 1024 * 1024;

/// Ticks when a unit ends, however it ends.
struct TickOnDrop<'a, 'b>(&'a Counter<'b>);

impl Drop for TickOnDrop<'_, '_> {
    fn drop(&mut self) {
        self.0.tick();
    }
}

/// A streamed file's unit, size, and time spent checking and writing it.
type Streamed = (Unit, usize, std::time::Duration);

/// The site-wide pages and downloads, each checked and written as it is made.
struct SiteFiles<'a> {
    process: &'a dyn Fn(output::Files, Diagnostics) -> Result<Unit, Error>,
    stream: &'a dyn Fn(&str, output::Writer) -> Result<Streamed, Error>,
    unit: Unit,
    failure: Option<Error>,
    /// Time spent checking and writing rather than rendering.
    elsewhere: std::time::Duration,
}

impl output::Emit for SiteFiles<'_> {
    fn files(&mut self, files: output::Files) {
        let start = std::time::Instant::now();
        if self.failure.is_none() {
            match (self.process)(files, Diagnostics::default()) {
                Ok(done) => self.unit.absorb(done),
                Err(e) => self.failure = Some(e),
            }
        }
        self.elsewhere += start.elapsed();
    }

    fn stream(&mut self, path: &str, write: output::Writer) -> usize {
        if self.failure.is_some() {
            return 0;
        }
        match (self.stream)(path, write) {
            Ok((done, size, checking)) => {
                self.elsewhere += checking;
                self.unit.absorb(done);
                size
            }
            Err(e) => {
                self.failure = Some(e);
                0
            }
        }
    }
}

/// What one unit of work (a decision, or the site-wide pages) produced.
#[derive(Default)]
struct Unit {
    diagnostics: Diagnostics,
    paths: Vec<String>,
    findings: Vec<guard::FileFindings>,
}

impl Unit {
    fn absorb(&mut self, other: Unit) {
        self.diagnostics.extend(other.diagnostics);
        self.paths.extend(other.paths);
        self.findings.extend(other.findings);
    }
}

fn failed(diags: Diagnostics, report: Option<report::Report>) -> Outcome {
    Outcome {
        diagnostics: diags.into_sorted(),
        report,
        files_written: 0,
        language: None,
        timings: Timings::default(),
    }
}

/// Refuses output or report folders that would overwrite the site's own files.
fn check_paths(options: &Options) -> Result<(), Error> {
    let absolute = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        normalise(&p)
    };
    let root = absolute(&options.root);
    let output = absolute(&options.output);
    let reports = absolute(&options.report_dir);
    for protected in ["content", "data", "templates"] {
        let dir = root.join(protected);
        if output.starts_with(&dir) || dir.starts_with(&output) {
            return Err(Error::Usage(format!(
                "the output folder {} overlaps {}: choose a folder of its own, like public/",
                options.output.display(),
                dir.display()
            )));
        }
    }
    if root.starts_with(&output) {
        return Err(Error::Usage(format!(
            "the output folder {} contains the site itself: choose a folder of its own, like public/",
            options.output.display()
        )));
    }
    if reports.starts_with(&output) || output.starts_with(&reports) {
        return Err(Error::Usage(format!(
            "the withholding report must be written outside the output folder {}: it is for officers, not the public",
            options.output.display()
        )));
    }
    Ok(())
}

/// Removes `.` and `..` without touching the disk.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
