//! A build, stage by stage: read the sources, pass 1 over every decision
//! folder (read, parse, separate, measure; [`pass1`]), the public model and
//! the defences' set-up, pass 2 (render each decision's pages and the
//! site-wide files, leak-scan, guard and write them; [`pass2`]), then
//! publish and note it all in the build cache.

mod keys;
mod last;
mod pass1;
mod pass2;
mod paths;

use std::path::Path;

use crate::diagnostics::{self, Diagnostics};
use crate::{
    Error, Options, Outcome, Progress, ProgressHook, Reuse, Timings, cache, checked, config,
    contrast, folder, guard, language, opendata, output, render, report, site, source, visibility,
};
use keys::{Keys, context};
use last::{LastBuild, scan_altered};
use pass1::{Pass1Folder, first_passes};
use pass2::{SiteFiles, Streamed, Unit};
use paths::{absolute, check_paths};

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

pub(crate) fn run(options: &Options, write: bool) -> Result<Outcome, Error> {
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

/// Drops `value` on a thread of its own (here, when no thread can be started).
fn drop_beside<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// The unit that makes the files describing the whole build (the sitemap),
/// once every other unit is done ([`Keys::finish`]).
const FINISH_UNIT: &str = "/finish";

/// Decision folders read at once (and, in pass 1, worked on before their
/// results are merged).
const CHUNK: usize = 512;

/// Ticks when a unit ends, however it ends.
struct TickOnDrop<'a, 'b>(&'a Counter<'b>);

impl Drop for TickOnDrop<'_, '_> {
    fn drop(&mut self) {
        self.0.tick();
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
