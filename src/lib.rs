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
pub mod cache;
pub mod checked;
pub mod cli_format;
pub mod config;
pub mod contrast;
pub mod data;
pub mod diagnostics;
pub mod document;
pub mod facts;
pub mod fence;
pub mod folder;
pub mod frontmatter;
pub mod guard;
pub mod images;
pub mod language;
pub mod markdown;
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
pub mod serve;
pub mod site;
pub mod source;
#[cfg(test)]
mod testing;
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
    /// (the library never reads the environment). Nothing in the output
    /// folder depends on it.
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
    /// Units of files (one per decision, one for the site-wide pages, one
    /// for the sitemap and robots.txt) whose files were left as they were.
    pub units: usize,
    /// Whether the output folder was changed in place (only changed files
    /// written) rather than written afresh.
    pub in_place: bool,
}

impl Reuse {
    /// Units of files there are: one per decision, the site-wide pages,
    /// and the sitemap with robots.txt.
    pub fn of_units(&self) -> usize {
        self.decisions + 2
    }
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

    check_paths(options, write)?;
    if let Some(dir) = &options.cache_dir {
        cache::claim(dir, write).map_err(Error::Usage)?;
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
    let cache = match (&options.cache_dir, cache::build_id()) {
        (Some(dir), Some(id)) => Some(cache::Cache::new(dir, id, context(id, &source, options))),
        _ => None,
    };
    // What the last build left is looked at while the site is parsed and
    // pass 1 runs: neither depends on the other, and both leave a core idle
    // at times.
    let last = {
        let (cache, output) = (cache.clone(), options.output.clone());
        std::thread::spawn(move || LastBuild::of(cache.as_ref(), &output, write))
    };
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
    let first = first_passes(
        options,
        &mut separated,
        &folders,
        cache.as_ref().filter(|_| write),
        cache.as_ref(),
        &mut diags,
    );
    let last = last.join().expect("looking at the last build panicked");
    let mut first = first?;
    timings.lap("read, parse and separate decisions", &mut since);
    let errors = diags.error_count();
    for (path, number, refs) in &first.related {
        site::check_related(path, number, refs, &first.numbers, &mut diags);
    }
    // As for the rest of the site: a folder whose files or declarations have
    // errors stops the build here, before anything is rendered.
    if first.unusable || diags.error_count() > errors {
        return Ok(failed(diags, None));
    }
    let (public, withholding, fingerprints) = separated.finish(&mut diags);
    timings.lap("fingerprints", &mut since);
    let language = language::analyse(
        &public,
        std::mem::take(&mut first.language_parts),
        options.strict,
        &mut diags,
    );
    let guard = guard::Guard::new(
        &root,
        &public,
        std::mem::take(&mut first.source_facts),
        options.strict,
        &mut diags,
    );
    contrast::check_templates(public.templates(), &mut diags);
    let keys = Keys::new(
        cache.as_ref(),
        &fingerprints,
        &guard,
        &public,
        &first.folders,
    );
    timings.lap("language and guard set-up", &mut since);
    let Some(renderer) = render::renderer(&public, &mut diags).map_err(|e| Error::Template(e.0))?
    else {
        return Ok(failed(diags, None));
    };
    let LastBuild {
        units: old_units,
        output: old_output,
        in_place,
        proven,
        altered,
    } = last;
    scan_altered(&options.output, &altered, &fingerprints, &mut diags);
    // A unit's results are reused when its key is unchanged and its files,
    // hashed again, hold the bytes they were judged on.
    let reusable = |name: &str, key: &Option<cache::Digest>| -> Option<&cache::UnitRecord> {
        let old = old_units.get(name)?;
        (key.as_ref() == Some(&old.key) && proven.contains(name)).then_some(old)
    };
    // The files of the last build a unit may leave as they are when it
    // makes the same bytes: none, unless they all hold what was written.
    let previous = |name: &str| -> &[cache::OutFile] {
        match old_units.get(name) {
            Some(u) if proven.contains(name) => &u.files,
            _ => &[],
        }
    };
    // Rendered files go straight to a staging folder beside the output, so
    // memory holds one unit of work per thread, not the whole site.
    let publisher = match write && !diags.has_errors() {
        true if in_place => {
            Some(output::Publisher::in_place(&options.output).map_err(Error::Write)?)
        }
        true => Some(output::Publisher::fresh(&options.output).map_err(Error::Write)?),
        false => None,
    };
    let unit_records = match (&cache, &publisher) {
        (Some(c), Some(_)) => Some(std::sync::Mutex::new(
            c.writer("units").map_err(cache_error(c))?,
        )),
        _ => None,
    };
    let fingerprints = &fingerprints;
    let decisions = first.folders.len();
    let [
        read_clock,
        render_clock,
        scan_clock,
        guard_clock,
        write_clock,
    ] = [(); 5].map(|_| StepClock::default());
    // The units reused, by name: their files are as they were.
    let reused = std::sync::Mutex::new(std::collections::HashSet::new());
    // Scans, guards and (when building) writes one unit of rendered files,
    // and notes it in the cache.
    // The last build's record of a unit, with what this build judges under:
    // a file whose bytes are those the last build judged under the same
    // fingerprints and rules has the verdict they had (`UnitRecord::verdict`).
    let judged = |name: &str| keys.base.as_ref().zip(old_units.get(name));
    let process =
        |name: &str, files: output::Files, mut unit_diags: Diagnostics| -> Result<Unit, Error> {
            let mut findings = Vec::new();
            let judged = judged(name);
            for (path, bytes) in files.iter() {
                // The second line of defence runs on every file, whatever the
                // first line did: on these bytes, or on the same bytes before.
                let verdict = judged.and_then(|(under, old)| {
                    old.verdict(under, path, blake3::hash(bytes).as_bytes())
                });
                if let Some(found) = verdict {
                    findings.push(found);
                    continue;
                }
                scan_clock.time(|| {
                    for leak in fingerprints.scan(path, bytes) {
                        unit_diags.push(report::leak_diagnostic(&leak));
                    }
                });
                guard_clock.time(|| findings.push(guard.inspect(path, bytes)));
            }
            let paths = files.iter().map(|(p, _)| p.clone()).collect();
            let mut written = Vec::new();
            if let Some(publisher) = &publisher {
                if !unit_diags.has_errors() {
                    written = write_clock
                        .time(|| publisher.write_all(&files, previous(name)))
                        .map_err(Error::Write)?;
                }
            }
            Ok(Unit {
                diagnostics: unit_diags,
                paths,
                findings,
                written,
            })
        };
    // Notes a finished unit in the cache, under `key`.
    let note = |name: &str, key: Option<cache::Digest>, mut unit: Unit| -> Result<Unit, Error> {
        if let (Some(records), Some(key), Some(c), Some(under)) =
            (&unit_records, key, &cache, &keys.base)
        {
            let record = cache::UnitRecordRef {
                name,
                key: &key,
                judged_under: under,
                files: &unit.written,
                diagnostics: &unit.diagnostics,
                findings: &unit.findings,
            };
            records
                .lock()
                .expect("a unit panicked")
                .push(&record)
                .map_err(cache_error(c))?;
        }
        unit.written = Vec::new();
        Ok(unit)
    };
    // A unit whose key is unchanged: what it found last time, its files as
    // they are.
    let reuse = |old: &cache::UnitRecord| -> Result<Unit, Error> {
        reused
            .lock()
            .expect("a unit panicked")
            .insert(old.name.clone());
        if let (Some(records), Some(c)) = (&unit_records, &cache) {
            records
                .lock()
                .expect("a unit panicked")
                .push_again(old)
                .map_err(cache_error(c))?;
        }
        Ok(Unit {
            diagnostics: old.diagnostics.clone(),
            paths: old.files.iter().map(|f| f.path.clone()).collect(),
            findings: old.findings.clone(),
            written: Vec::new(),
        })
    };
    // A site-wide file that grows with the site: checked and written as it
    // is made, never held whole.
    // Returns the file's size, and the time spent checking and writing it.
    let process_stream =
        |name: &str, path: &str, write: output::Writer| -> Result<Streamed, Error> {
            let to = publisher.as_ref().map(|p| (p, previous(name)));
            let mut file = checked::CheckedFile::new(path, fingerprints, &guard, to, judged(name))
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
                written: done.written.into_iter().collect(),
            };
            let times = done.times;
            Ok((unit, done.size, times.scan + times.guard + times.write))
        };
    let counter = Counter::new(options.progress.as_ref(), "making pages", decisions + 1);
    // Pass 2 for one decision: its folder read again, complete, for its pages.
    let decision_unit = |handed: folder::Handed, f: &Pass1Folder| -> Result<Unit, Error> {
        let _tick = TickOnDrop(&counter);
        let mut unit_diags = Diagnostics::default();
        let complete = read_clock.time(|| match handed {
            folder::Handed::Read(read) => {
                folder::second_pass(read, &f.digest, fingerprints, &mut unit_diags)
            }
            folder::Handed::Loaded(bundle) => {
                Some(folder::complete(&bundle, fingerprints, &mut unit_diags))
            }
        });
        let files = match complete {
            Some(d) => render_clock
                .time(|| renderer.render_decision(&d, &mut unit_diags))
                .map_err(|e| Error::Template(e.0))?,
            None => output::Files::default(),
        };
        let unit = process(&f.folder.name, files, unit_diags)?;
        note(&f.folder.name, keys.decision(f), unit)
    };
    // The site-wide pages and downloads grow with the site: they are made
    // in parts, side by side, and each batch is checked and written as soon
    // as it is made.
    let site_unit = || -> Result<Unit, Error> {
        let _tick = TickOnDrop(&counter);
        let key = keys.site();
        if let Some(old) = reusable(cache::SITE_UNIT, &key) {
            return reuse(old);
        }
        let make = |part: render::SitePart| {
            let mut out = SiteFiles::new(cache::SITE_UNIT, &process, &process_stream);
            let mut diagnostics = Diagnostics::default();
            let started = std::time::Instant::now();
            let made = part.make(&mut out, &mut diagnostics);
            render_clock.add(started.elapsed().saturating_sub(out.elsewhere));
            let made = made.map_err(|e| Error::Template(e.0))?;
            match out.failure {
                Some(e) => Err(e),
                None => Ok((out.unit, diagnostics, made)),
            }
        };
        let parts: Vec<Result<_, Error>> = renderer
            .site_parts()
            .into_par_iter()
            // Each part on its own: a few are much larger than the rest.
            .with_max_len(1)
            .map(make)
            .collect();
        // Gathered in the parts' order, whichever finished first; then the
        // page that lists the downloads the parts made.
        let mut unit = Unit::default();
        let mut unit_diags = Diagnostics::default();
        let mut downloads = Vec::new();
        for part in parts {
            let (made, diagnostics, download) = part?;
            unit.absorb(made);
            unit_diags.extend(diagnostics);
            downloads.extend(download);
        }
        let (made, diagnostics, _) = make(renderer.data_page(downloads))?;
        unit.absorb(made);
        unit_diags.extend(diagnostics);
        unit.absorb(process(
            cache::SITE_UNIT,
            output::Files::default(),
            unit_diags,
        )?);
        note(cache::SITE_UNIT, key, unit)
    };
    let decision_units = || -> Result<Vec<Unit>, Error> {
        let mut folders = first.folders;
        let mut units = Vec::with_capacity(decisions);
        for chunk in folders.chunks_mut(CHUNK) {
            let old: Vec<Option<&cache::UnitRecord>> = chunk
                .iter()
                .map(|f| reusable(&f.folder.name, &keys.decision(f)))
                .collect();
            // Folders pass 1 did not keep are read again.
            let wanted: Vec<&site::Folder> = chunk
                .iter()
                .zip(&old)
                .filter(|(f, old)| old.is_none() && f.handed.is_none())
                .map(|(f, _)| f.folder)
                .collect();
            let mut again = read_clock
                .time(|| folder::read_all(&root, &wanted))
                .into_iter();
            let work: Vec<(
                Option<Result<folder::Handed, source::ReadError>>,
                &Pass1Folder,
            )> = chunk
                .iter_mut()
                .zip(&old)
                .map(|(f, old)| {
                    let read = match (old, f.handed.take()) {
                        (Some(_), _) => None,
                        (None, Some(kept)) => Some(Ok(kept)),
                        (None, None) => Some(
                            again
                                .next()
                                .expect("one read per folder not kept")
                                .map(folder::Handed::Read),
                        ),
                    };
                    let f: &Pass1Folder = f;
                    (read, f)
                })
                .collect();
            let done: Vec<Result<Unit, Error>> = work
                .into_par_iter()
                .zip(old.into_par_iter())
                .map(|((read, f), old)| match (old, read) {
                    (Some(old), _) => {
                        let _tick = TickOnDrop(&counter);
                        reuse(old)
                    }
                    (None, Some(read)) => decision_unit(read.map_err(Error::Read)?, f),
                    (None, None) => unreachable!("a unit not reused is read"),
                })
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
    // Last, what describes the whole build (the sitemap lists what was
    // written): made again only when what it lists or shows has changed.
    written.sort();
    let finish_key = keys.finish(&written);
    let last = match reusable(FINISH_UNIT, &finish_key) {
        Some(old) => reuse(old)?,
        None => {
            let mut out = SiteFiles::new(FINISH_UNIT, &process, &process_stream);
            opendata::finish(&public, &written, &mut out);
            if let Some(e) = out.failure {
                return Err(e);
            }
            note(FINISH_UNIT, finish_key, out.unit)?
        }
    };
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
    let reuse = Reuse {
        decisions_read: first.reused,
        decisions,
        units: reused.lock().expect("a unit panicked").len(),
        in_place,
    };
    if diags.has_errors() {
        let mut outcome = failed(diags, Some(report));
        outcome.language = Some(language);
        outcome.timings = timings;
        return Ok(outcome);
    }
    let mut files_written = 0;
    if let Some(publisher) = publisher {
        written.sort();
        let reused = reused.into_inner().expect("a unit panicked");
        let removed: Vec<String> = match in_place {
            true => old_units
                .values()
                // A unit reused has the files it had.
                .filter(|u| !reused.contains(&u.name))
                .flat_map(|u| &u.files)
                .filter(|f| written.binary_search(&f.path).is_err())
                // Only paths inside the output folder, whatever a record says.
                .filter(|f| {
                    Path::new(&f.path)
                        .components()
                        .all(|c| matches!(c, std::path::Component::Normal(_)))
                })
                .map(|f| f.path.clone())
                .collect(),
            false => Vec::new(),
        };
        // The journal says the output folder is changing until the cache
        // describes it again; a build that stops in between is noticed.
        // The report is made while the journal reaches the disk, and put
        // in place once the site is published.
        let (journal, report_files) = rayon::join(
            || match &cache {
                Some(c) => c.begin_journal(&options.output).map_err(cache_error(c)),
                None => Ok(()),
            },
            || report.prepare(&options.report_dir).map_err(Error::Write),
        );
        journal?;
        let report_files = report_files?;
        let changed = publisher.publish(&removed).map_err(Error::Write)?;
        if let Some(c) = &cache {
            // In place, only the folders holding what changed are looked at
            // again, and those whose stamp was racy (so that it settles).
            let (old_dirs, racy) = match (&changed, old_output) {
                (Some(_), Some(o)) => (o.dirs, o.racy),
                _ => Default::default(),
            };
            let mut touched: std::collections::HashSet<&str> =
                racy.iter().map(String::as_str).collect();
            touched.insert("");
            for path in changed.iter().flatten() {
                let mut rest = path.as_str();
                while let Some((dir, _)) = rest.rsplit_once('/') {
                    touched.insert(dir);
                    rest = dir;
                }
            }
            let stamps = output::dir_stamps(&options.output, &written, &old_dirs, |d| {
                touched.contains(d)
            })
            .map_err(Error::Write)?;
            let mut out = c.writer("output").map_err(cache_error(c))?;
            out.push(&cache::OutputRecord {
                output: absolute(&options.output),
                dirs: stamps.dirs,
                racy: stamps.racy,
            })
            .map_err(cache_error(c))?;
            let units = unit_records
                .expect("a cache has unit records")
                .into_inner()
                .expect("a unit panicked");
            if let Some(folders) = first.records {
                folders.commit(c).map_err(cache_error(c))?;
            }
            for w in [units, out] {
                w.commit(c).map_err(cache_error(c))?;
            }
            c.end_journal().map_err(cache_error(c))?;
        }
        for file in report_files {
            file.put_in_place().map_err(Error::Write)?;
        }
        files_written = file_count;
        timings.lap("publish", &mut since);
    }
    // Freeing what the build held takes a noticeable part of a rebuild of
    // a large site: another thread does it while the caller goes on.
    drop_beside((public, old_units, first.related, folders));
    Ok(Outcome {
        diagnostics: diags.into_sorted(),
        report: Some(report),
        files_written,
        language: Some(language),
        timings,
        reuse: Some(reuse),
    })
}

/// What the last build made (from the cache), whether the output folder
/// is still as it left it (then only what changed is written), and which
/// units' files still hold the bytes they were judged on.
struct LastBuild {
    units: std::collections::HashMap<String, cache::UnitRecord>,
    output: Option<cache::OutputRecord>,
    in_place: bool,
    /// The units every file of which, hashed again from the output folder
    /// in this build, holds the bytes the last build wrote and judged: only
    /// their verdicts may be reused, and only their files left as they are.
    proven: std::collections::HashSet<String>,
    /// In place: files of the last build whose bytes are not those it
    /// wrote (changed since by hand or otherwise), to be scanned as found.
    altered: Vec<String>,
}

impl LastBuild {
    fn of(cache: Option<&cache::Cache>, output: &Path, write: bool) -> LastBuild {
        let units = cache.map(|c| c.units()).unwrap_or_default();
        let last = cache.filter(|c| write && !c.journal_exists());
        let old_output = last.and_then(|c| c.output());
        let same_output = old_output.as_ref().filter(|o| o.output == absolute(output));
        // Stamps say the files are where they were; only their bytes say
        // they are what was judged. (A check judges the files a build made.)
        let mut proven = std::collections::HashSet::new();
        let mut altered = Vec::new();
        let mut in_place = false;
        if same_output.is_some() || !write {
            let files: Vec<&cache::OutFile> = units.values().flat_map(|u| &u.files).collect();
            let looked = output::look_again(output, same_output, &files);
            in_place = looked.in_place;
            let mut same = looked.same.into_iter();
            for unit in units.values() {
                let mut all = true;
                for (f, same) in unit.files.iter().zip(same.by_ref()) {
                    if !same {
                        all = false;
                        altered.push(f.path.clone());
                    }
                }
                if all {
                    proven.insert(unit.name.clone());
                }
            }
        }
        if !in_place {
            altered.clear();
        }
        altered.sort();
        LastBuild {
            units,
            output: old_output,
            in_place,
            proven,
            altered,
        }
    }
}

/// Scans, as found, the output files the last build wrote and that no
/// longer hold its bytes. A file changed by hand may already be online:
/// exempt text in one fails the build, so it is reported, not silently
/// written over. (Every file the build writes is scanned as it is made.)
fn scan_altered(
    output: &Path,
    altered: &[String],
    fingerprints: &scan::Fingerprints,
    diags: &mut Diagnostics,
) {
    use rayon::prelude::*;
    let found: Vec<Vec<scan::Leak>> = altered
        .par_iter()
        .map(|path| match std::fs::read(output.join(path)) {
            Ok(bytes) => fingerprints.scan(path, &bytes),
            // Gone or unreadable: nothing of it can be published as it is.
            Err(_) => Vec::new(),
        })
        .collect();
    for leak in found.iter().flatten() {
        diags.push(report::altered_leak_diagnostic(leak));
    }
}

/// Drops `value` on a thread of its own (here, when no thread can be started).
fn drop_beside<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// The unit that makes the files describing the whole build (the sitemap),
/// once every other unit is done ([`Keys::finish`]).
const FINISH_UNIT: &str = "/finish";

/// What pass 1 leaves for the rest of the build.
struct FirstPasses<'f> {
    /// Each usable folder, in site order.
    folders: Vec<Pass1Folder<'f>>,
    /// Each record's path, number and the related numbers it lists.
    related: Vec<(String, String, RelatedRefs)>,
    numbers: std::collections::BTreeSet<String>,
    language_parts: Vec<language::LanguagePart>,
    source_facts: Vec<guard::SourceFacts>,
    /// A folder had errors in its files or declarations.
    unusable: bool,
    /// This build's folder records, for the cache.
    records: Option<cache::FolderWriter>,
    /// Folders whose pass 1 came from the cache.
    reused: usize,
}

/// The related numbers a record lists, with where.
type RelatedRefs = Vec<(String, diagnostics::Position)>;

/// One usable folder after pass 1.
struct Pass1Folder<'f> {
    folder: &'f site::Folder,
    number: String,
    /// The numbers its record lists as related.
    related: Vec<String>,
    digest: folder::Digest,
    /// A hash of its listing (what other pages show of it).
    listing: cache::Digest,
    /// The folder as pass 1 parsed (or read) it, kept (up to a budget) for pass 2.
    handed: Option<folder::Handed>,
}

/// Pass 1, folder by folder in parallel: read, parse, separate, measure;
/// keep listings, fingerprints and findings, let the text go. A folder the
/// cache shows unchanged is not read: what pass 1 found last time is used.
/// `write_to` is the cache this build's records go to (when building).
fn first_passes<'f>(
    options: &Options,
    separated: &mut visibility::Separated,
    folders: &'f [site::Folder],
    write_to: Option<&cache::Cache>,
    read_from: Option<&cache::Cache>,
    diags: &mut Diagnostics,
) -> Result<FirstPasses<'f>, Error> {
    let glossary = markdown::Glossary::from_site(&separated.public);
    let chunks = Chunks {
        options,
        targets: separated.public.config().language.clone(),
        glossary,
        counter: Counter::new(
            options.progress.as_ref(),
            "reading decisions",
            folders.len(),
        ),
        read_from,
    };
    let mut old = read_from.map_or_else(cache::Records::none, |c| c.folders());
    // Set aside at once: growing these a folder at a time copies them over
    // and over.
    separated.reserve(folders.len());
    let mut out = FirstPasses {
        folders: Vec::with_capacity(folders.len()),
        related: Vec::with_capacity(folders.len()),
        numbers: std::collections::BTreeSet::new(),
        language_parts: Vec::with_capacity(folders.len()),
        source_facts: Vec::new(),
        unusable: false,
        records: match write_to {
            Some(c) => Some(c.folder_writer().map_err(cache_error(c))?),
            None => None,
        },
        reused: 0,
    };
    let mut kept_budget = Some(options.keep_bytes);
    // In chunks, merged in folder order. A chunk is merged while the next
    // is worked on (merging is one thread's work); at most two chunks'
    // findings are held at once.
    let mut rest = folders.chunks(CHUNK);
    let mut pending = match rest.next() {
        Some(chunk) => Some(chunks.pass(chunk, &mut old, &mut kept_budget)?),
        None => None,
    };
    while let Some(done) = pending.take() {
        let next = rest.next();
        let (merged, passed) = rayon::join(
            || merge_chunk(done, &mut out, separated, write_to, diags),
            || {
                next.map(|chunk| chunks.pass(chunk, &mut old, &mut kept_budget))
                    .transpose()
            },
        );
        merged?;
        pending = passed?;
    }
    Ok(out)
}

/// What pass 1 of every chunk of folders shares.
struct Chunks<'a> {
    options: &'a Options,
    targets: config::LanguageConfig,
    glossary: Option<markdown::Glossary>,
    counter: Counter<'a>,
    read_from: Option<&'a cache::Cache>,
}

/// Pass 1 of one chunk of folders, to be merged.
struct ChunkPass<'f> {
    chunk: &'f [site::Folder],
    /// The last build's records of its folders.
    records: Vec<Option<cache::RawFolderRecord>>,
    passes: Vec<FirstPassOf>,
    /// Whether reading this chunk used up the budget for keeping folders
    /// for pass 2: the folders merged before it let theirs go.
    over_budget: bool,
}

impl Chunks<'_> {
    /// Pass 1 for each folder of `chunk`, in parallel, from the cache where
    /// its record still holds.
    fn pass<'f>(
        &self,
        chunk: &'f [site::Folder],
        old: &mut cache::Records<cache::FolderRecord>,
        kept_budget: &mut Option<usize>,
    ) -> Result<ChunkPass<'f>, Error> {
        use rayon::prelude::*;
        // Stamps taken before any read (when the folders were listed): a
        // file changed after its stamp was taken has another stamp next time.
        let stamps: Vec<Vec<(String, Option<cache::Stamp>)>> = match self.read_from {
            Some(_) => chunk
                .iter()
                .map(|f| f.files().map(|c| (c.path.clone(), c.stamp)).collect())
                .collect(),
            None => vec![Vec::new(); chunk.len()],
        };
        let records = old.take_all(chunk.iter().map(|f| f.name.as_str()));
        let views: Vec<Option<cache::FolderRecordRef>> = records
            .par_iter()
            .map(|r| r.as_ref().and_then(cache::RawFolderRecord::view))
            .collect();
        let unchanged: Vec<bool> = views
            .iter()
            .zip(&stamps)
            .map(|(r, s)| r.as_ref().is_some_and(|r| r.matches(s)))
            .collect();
        let wanted: Vec<&site::Folder> = chunk
            .iter()
            .zip(&unchanged)
            .filter(|(_, u)| !**u)
            .map(|(f, _)| f)
            .collect();
        let mut read = folder::read_all(&self.options.root, &wanted).into_iter();
        let reads: Vec<Option<folder::Read>> = unchanged
            .iter()
            .map(|unchanged| match unchanged {
                true => Ok(None),
                false => read.next().expect("one read per folder wanted").map(Some),
            })
            .collect::<Result<_, _>>()
            .map_err(Error::Read)?;
        // While every folder read fits the budget, pass 1 hands each folder
        // to pass 2 as it parsed it, rather than pass 2 reading and parsing
        // it again. A site too large for it keeps none: a part kept would be
        // held through pass 2's peak to save reading that part again.
        let mut over_budget = false;
        if let Some(budget) = *kept_budget {
            let size: usize = reads.iter().flatten().map(folder::size).sum();
            *kept_budget = budget.checked_sub(size);
            over_budget = kept_budget.is_none();
        }
        let keep = kept_budget.is_some();
        let passes: Vec<FirstPassOf> = views
            .into_par_iter()
            .zip(reads)
            .zip(chunk.par_iter().zip(stamps))
            .map(|((view, read), (f, stamps))| {
                let pass = first_pass_of(
                    self.options,
                    &self.targets,
                    self.glossary.as_ref(),
                    f,
                    view,
                    read,
                    stamps,
                    self.read_from.is_some(),
                    keep,
                );
                self.counter.tick();
                pass
            })
            .collect();
        Ok(ChunkPass {
            chunk,
            records,
            passes,
            over_budget,
        })
    }
}

/// Merges one chunk's pass 1 into what the build keeps, in folder order.
fn merge_chunk<'f>(
    done: ChunkPass<'f>,
    out: &mut FirstPasses<'f>,
    separated: &mut visibility::Separated,
    write_to: Option<&cache::Cache>,
    diags: &mut Diagnostics,
) -> Result<(), Error> {
    if done.over_budget {
        for f in &mut out.folders {
            f.handed = None;
        }
    }
    for ((f, (pass, record, reused, handed)), raw) in
        done.chunk.iter().zip(done.passes).zip(done.records)
    {
        diags.extend(pass.diagnostics);
        out.numbers.extend(pass.number);
        let Some(kept) = pass.decision else {
            out.unusable = true;
            continue;
        };
        out.reused += usize::from(reused);
        let listing = match &record {
            Some(Record::Same(listing)) => *listing,
            Some(Record::New(record)) => record.listing,
            None => [0; 32],
        };
        if let (Some(w), Some(c)) = (&mut out.records, write_to) {
            match &record {
                Some(Record::Same(_)) => w.push_raw(&raw.expect("a record reused was read")),
                Some(Record::New(record)) => w.push(record).map_err(cache_error(c))?,
                None => {}
            }
        }
        out.folders.push(Pass1Folder {
            folder: f,
            number: kept.listing.number().to_string(),
            related: kept.listing.related().to_vec(),
            digest: pass.digest,
            listing,
            handed,
        });
        out.related.push((
            kept.listing.source_path().to_string(),
            kept.listing.number().to_string(),
            kept.related,
        ));
        out.language_parts.push(kept.language);
        out.source_facts.extend(kept.sources);
        separated.add_decision(kept.listing, kept.report, kept.prints);
    }
    if let (Some(w), Some(c)) = (&mut out.records, write_to) {
        w.end_shard(c).map_err(cache_error(c))?;
    }
    Ok(())
}

/// Pass 1 for one folder: the pass, the folder's record (for the cache),
/// whether it was reused, and what is kept for pass 2.
type FirstPassOf = (
    folder::FirstPass,
    Option<Record>,
    bool,
    Option<folder::Handed>,
);

/// A folder's record for this build's cache.
enum Record {
    /// The last build's, unchanged (written again as read), and the hash of
    /// the folder's listing.
    Same(cache::Digest),
    /// Made (or changed) by this build.
    New(cache::FolderRecord),
}

/// Pass 1 for one folder: from the cache when its record still holds (by
/// stamps, or by content hash once read), worked out otherwise. With `keep`
/// it makes the folder's cache record; with `hand_on` it keeps the folder
/// for pass 2 (as parsed, or as read when the record was reused).
#[allow(clippy::too_many_arguments)]
fn first_pass_of(
    options: &Options,
    targets: &config::LanguageConfig,
    glossary: Option<&markdown::Glossary>,
    f: &site::Folder,
    record: Option<cache::FolderRecordRef>,
    read: Option<folder::Read>,
    stamps: Vec<(String, Option<cache::Stamp>)>,
    keep: bool,
    hand_on: bool,
) -> FirstPassOf {
    let digest = read.as_ref().map(|(_, d)| *d);
    if let Some(record) = record {
        if digest.is_none_or(|d| d == record.digest) {
            let thawed = visibility::thaw::<folder::FirstPass>(record.first_pass)
                .filter(|p| p.digest == record.digest && p.decision.is_some());
            if let Some(pass) = thawed {
                // Written again as it was, unless a file's stamp changed
                // and not its content.
                let record = match record.matches(&stamps) {
                    true => Record::Same(record.listing),
                    false => Record::New(record.with_stamps(stamps)),
                };
                let handed = read.filter(|_| hand_on).map(folder::Handed::Read);
                return (pass, Some(record), true, handed);
            }
        }
    }
    let read = match read {
        Some(r) => r,
        // The record did not thaw: read the folder after all.
        None => match folder::read_all(&options.root, &[f]).pop() {
            Some(Ok(r)) => r,
            Some(Err(e)) => {
                let mut diagnostics = Diagnostics::default();
                diagnostics.push(diagnostics::Diagnostic::error(
                    format!("content/decisions/{}", f.name),
                    format!("this folder could not be read: {e}"),
                ));
                let pass = folder::FirstPass {
                    digest: [0; 32],
                    diagnostics,
                    number: None,
                    decision: None,
                };
                return (pass, None, false, None);
            }
            None => unreachable!("one read per folder"),
        },
    };
    let (pass, bundle) = folder::first_pass(targets, glossary, read, options.strict, hand_on);
    let record = pass
        .decision
        .as_ref()
        .filter(|_| keep)
        .map(|kept| cache::FolderRecord {
            name: f.name.clone(),
            stamps,
            digest: pass.digest,
            listing: *blake3::hash(&visibility::freeze(&kept.listing)).as_bytes(),
            first_pass: visibility::freeze(&pass),
        })
        .map(Record::New);
    let handed = bundle.map(|b| folder::Handed::Loaded(Box::new(b)));
    (pass, record, false, handed)
}

/// The context of every cache key: this program, the options that change
/// what is made, and every input that is not a decision folder.
fn context(build_id: cache::Digest, source: &source::Source, options: &Options) -> cache::Digest {
    let mut h = cache::Hasher::new("plainsight context");
    h.add(&build_id);
    h.add(&[u8::from(options.strict)]);
    h.add(options.base_url.as_deref().unwrap_or("").as_bytes());
    h.add(source.config_text.as_deref().unwrap_or("").as_bytes());
    for f in source.documents.iter().filter(|f| f.folder == "pages") {
        h.add(f.path.as_bytes()).add(&f.bytes);
    }
    for d in &source.data {
        h.add(d.csv_path.as_bytes()).add(d.csv_text.as_bytes());
        h.add(d.schema_path.as_bytes())
            .add(d.schema_text.as_bytes());
    }
    for t in &source.templates {
        h.add(t.path.as_bytes()).add(t.text.as_bytes());
    }
    // Decision folders are keyed by their own content; content/ holds
    // nothing else (source::read refuses anything elsewhere).
    h.finish()
}

/// The keys of pass 2's units.
struct Keys {
    /// The context, the fingerprints and the guard's rules: what every unit depends on.
    base: Option<cache::Digest>,
    /// Each decision's listing hash, by number.
    listings: std::collections::HashMap<String, cache::Digest>,
    /// The numbers that list each number as related.
    backlinks: std::collections::HashMap<String, Vec<String>>,
    /// The site-wide pages' key.
    site: Option<cache::Digest>,
}

impl Keys {
    fn new(
        cache: Option<&cache::Cache>,
        fingerprints: &scan::Fingerprints,
        guard: &guard::Guard,
        site: &visibility::PublicSite,
        folders: &[Pass1Folder],
    ) -> Keys {
        let Some(cache) = cache else {
            return Keys {
                base: None,
                listings: Default::default(),
                backlinks: Default::default(),
                site: None,
            };
        };
        let mut h = cache::Hasher::new("plainsight units");
        // What every verdict is given under: the scan's fingerprints and
        // the guard's rules.
        h.add(cache.context())
            .add(&fingerprints.digest())
            .add(&guard.rules_digest());
        let base = h.finish();
        let mut backlinks: std::collections::HashMap<String, Vec<String>> = Default::default();
        for d in site.decisions() {
            for r in d.related() {
                backlinks
                    .entry(r.clone())
                    .or_default()
                    .push(d.number().to_string());
            }
        }
        let mut s = cache::Hasher::new("site");
        s.add(&base);
        for f in folders {
            s.add(f.folder.name.as_bytes())
                .add(f.number.as_bytes())
                .add(&f.listing);
        }
        Keys {
            base: Some(base),
            listings: folders
                .iter()
                .map(|f| (f.number.clone(), f.listing))
                .collect(),
            backlinks,
            site: Some(s.finish()),
        }
    }

    fn site(&self) -> Option<cache::Digest> {
        self.site
    }

    /// The files describing the whole build depend on what the site-wide
    /// pages show of every decision, and on every path written (`written`).
    fn finish(&self, written: &[String]) -> Option<cache::Digest> {
        let mut h = cache::Hasher::new("finish");
        h.add(&self.site?);
        for path in written {
            h.add(path.as_bytes());
        }
        Some(h.finish())
    }

    /// A decision's pages depend on its folder and on what they show of
    /// the decisions it relates to, or that relate to it.
    fn decision(&self, f: &Pass1Folder) -> Option<cache::Digest> {
        let base = self.base?;
        let mut h = cache::Hasher::new("decision");
        h.add(&base).add(f.folder.name.as_bytes()).add(&f.digest);
        let mut others: Vec<&String> = self
            .backlinks
            .get(&f.number)
            .into_iter()
            .flatten()
            .chain(&f.related)
            .collect();
        others.sort();
        others.dedup();
        for n in others {
            h.add(n.as_bytes())
                .add(self.listings.get(n).map_or(&[0u8; 32][..], |d| &d[..]));
        }
        Some(h.finish())
    }
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

/// Bytes of decision folders (as read) up to which pass 1 keeps every folder
/// for pass 2, parsed, so that most sites are read and parsed once; a site
/// larger than this is read again (and each folder's content hash checked),
/// so memory stays bounded however large the site.
pub const KEEP_READ_BYTES: usize = 128 * 1024 * 1024;

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
    /// The unit they belong to, in the cache.
    name: &'a str,
    process: &'a dyn Fn(&str, output::Files, Diagnostics) -> Result<Unit, Error>,
    stream: &'a dyn Fn(&str, &str, output::Writer) -> Result<Streamed, Error>,
    unit: Unit,
    failure: Option<Error>,
    /// Time spent checking and writing rather than rendering.
    elsewhere: std::time::Duration,
}

impl<'a> SiteFiles<'a> {
    fn new(
        name: &'a str,
        process: &'a dyn Fn(&str, output::Files, Diagnostics) -> Result<Unit, Error>,
        stream: &'a dyn Fn(&str, &str, output::Writer) -> Result<Streamed, Error>,
    ) -> SiteFiles<'a> {
        SiteFiles {
            name,
            process,
            stream,
            unit: Unit::default(),
            failure: None,
            elsewhere: std::time::Duration::ZERO,
        }
    }
}

impl output::Emit for SiteFiles<'_> {
    fn files(&mut self, files: output::Files) {
        let start = std::time::Instant::now();
        if self.failure.is_none() {
            match (self.process)(self.name, files, Diagnostics::default()) {
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
        match (self.stream)(self.name, path, write) {
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
    /// The files as written (for the cache; emptied once noted there).
    written: Vec<cache::OutFile>,
}

impl Unit {
    fn absorb(&mut self, other: Unit) {
        self.diagnostics.extend(other.diagnostics);
        self.paths.extend(other.paths);
        self.findings.extend(other.findings);
        self.written.extend(other.written);
    }
}

fn failed(diags: Diagnostics, report: Option<report::Report>) -> Outcome {
    Outcome {
        diagnostics: diags.into_sorted(),
        report,
        files_written: 0,
        language: None,
        timings: Timings::default(),
        reuse: None,
    }
}

/// A cache failure, as a write failure naming the cache folder.
fn cache_error(cache: &cache::Cache) -> impl Fn(std::io::Error) -> Error + '_ {
    move |error| {
        Error::Write(output::WriteError {
            path: cache.dir().to_path_buf(),
            error,
            advice: "the build cache could not be written; check the folder's permissions and free space, or build with --no-cache",
        })
    }
}

/// `path` made absolute (against the working folder) and normalised.
fn absolute(path: &Path) -> PathBuf {
    let p = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    normalise(&p)
}

/// `path` as the system reaches it: made absolute, the longest part of it
/// that exists with its symbolic links resolved, the rest normalised. Two
/// paths that reach the same folder (through a link, `..` or a relative
/// path) come out alike.
fn resolved(path: &Path) -> PathBuf {
    let whole = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let parts: Vec<_> = whole.components().collect();
    for end in (1..=parts.len()).rev() {
        let existing: PathBuf = parts[..end].iter().collect();
        if let Ok(real) = existing.canonicalize() {
            let rest: PathBuf = parts[end..].iter().collect();
            return normalise(&real.join(rest));
        }
    }
    normalise(&whole)
}

/// Whether one of two folders is, or is inside, the other.
fn overlap(a: &Path, b: &Path) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

/// Refuses folders to write in that would overwrite, or delete, the site's
/// own files or one another's: the output, the withholding report and the
/// build cache must each be a folder of its own, outside content/, data/
/// and templates/, and none may hold the site folder. Paths are compared
/// as the system reaches them ([`resolved`]). `check` writes only the
/// cache (and reads it), so only the cache is checked then.
fn check_paths(options: &Options, write: bool) -> Result<(), Error> {
    let root = resolved(&options.root);
    let sources: Vec<(&str, PathBuf)> = ["content", "data", "templates"]
        .into_iter()
        .map(|dir| (dir, resolved(&options.root.join(dir))))
        .collect();
    let mut folders: Vec<(&str, &Path)> = Vec::new();
    if write {
        folders.push(("the output folder", &options.output));
        folders.push(("the withholding report's folder", &options.report_dir));
    }
    if let Some(cache) = &options.cache_dir {
        folders.push(("the build cache's folder", cache));
    }
    let folders: Vec<(&str, &Path, PathBuf)> = folders
        .into_iter()
        .map(|(what, path)| (what, path, resolved(path)))
        .collect();
    for (what, path, real) in &folders {
        for (name, dir) in &sources {
            if overlap(real, dir) {
                return Err(Error::Usage(format!(
                    "{what} {} overlaps the site's {name}/ folder: choose a folder of its own, like public/, outside content/, data/ and templates/",
                    path.display()
                )));
            }
        }
        if root.starts_with(real) {
            return Err(Error::Usage(format!(
                "{what} {} contains the site itself: choose a folder of its own, like public/",
                path.display()
            )));
        }
    }
    let find = |what: &str| folders.iter().find(|f| f.0 == what);
    let output = find("the output folder");
    let reports = find("the withholding report's folder");
    let cache = find("the build cache's folder");
    if let (Some((_, _, output)), Some((_, path, cache))) = (output, cache) {
        if overlap(output, cache) {
            return Err(Error::Usage(format!(
                "the build cache {} must be outside the output folder {}: it holds fingerprints of exempt text",
                path.display(),
                options.output.display()
            )));
        }
    }
    if let (Some((_, _, output)), Some((_, _, reports))) = (output, reports) {
        if overlap(output, reports) {
            return Err(Error::Usage(format!(
                "the withholding report must be written outside the output folder {}: it is for officers, not the public",
                options.output.display()
            )));
        }
    }
    if let (Some((_, path, reports)), Some((_, _, cache))) = (reports, cache) {
        if overlap(reports, cache) {
            return Err(Error::Usage(format!(
                "the withholding report's folder {} overlaps the build cache's folder: give each a folder of its own",
                path.display()
            )));
        }
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
