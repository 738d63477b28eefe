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
mod publish;

use std::path::Path;

use crate::diagnostics::{self, Diagnostics};
use crate::{
    Error, Options, Outcome, Progress, ProgressHook, Reuse, Timings, cache, config, contrast,
    guard, language, output, render, report, site, source, timetable, visibility,
};
use keys::{Keys, context};
use last::{LastBuild, scan_altered};
use pass1::first_passes;
use pass2::Pass2;
use paths::check_paths;

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

/// A build (or, with `write` false, a check), as the README describes it.
pub(crate) fn run(options: &Options, write: bool) -> Result<Outcome, Error> {
    let base_url = start(options, write)?;
    let mut diags = Diagnostics::default();
    let (mut timings, mut since) = (Timings::default(), std::time::Instant::now());

    // Read the sources, thinly. What the last build left is looked at
    // meanwhile: neither depends on the other.
    let source = source::read(&options.root, &mut diags).map_err(Error::Read)?;
    let dir = options.cache_dir.as_deref();
    let cache = cache::Cache::open(dir, write, |program| context(program, &source, options));
    let texts = source::site_texts(&source);
    let last = LastBuild::beside(cache.clone(), &options.output, write);
    timings.lap("read", &mut since);

    // Parse and assemble the site.
    let Some(mut site) = site::assemble(source, &mut diags) else {
        return Ok(failed(diags, None));
    };
    if let Some(url) = base_url {
        site.config.base_url = url;
    }
    timings.lap("parse", &mut since);

    // Pass 1: read, parse, separate and measure each decision folder.
    let folders = std::mem::take(&mut site.folders);
    let mut separated = visibility::separate(site, &mut diags);
    let first = first_passes(options, &mut separated, &folders, &cache, &mut diags);
    let last = last.join().expect("looking at the last build panicked");
    let mut first = first?;
    timings.lap("read, parse and separate decisions", &mut since);
    if !first.usable(separated.public.config(), options.strict, &mut diags) {
        return Ok(failed(diags, None));
    }

    // The public model, the fingerprints of everything exempt, and the
    // defences' rules; the plain-language measures.
    let (public, withholding, fingerprints) = separated.finish(&mut diags);
    timings.lap("fingerprints", &mut since);
    let parts = std::mem::take(&mut first.language_parts);
    let language = language::analyse(&public, parts, options.strict, &mut diags);
    let facts = std::mem::take(&mut first.source_facts);
    let guard = guard::Guard::new(&texts, &public, facts, options.strict, &mut diags);
    contrast::check_templates(public.templates(), &mut diags);
    // "Now", for what is open to call-in: from the content, never the clock.
    let as_of = timetable::as_of(&public, options.today);
    let keys = Keys::new(
        &cache,
        (&fingerprints, &guard),
        &public,
        &first.folders,
        as_of,
    );
    timings.lap("language and guard set-up", &mut since);
    let Some(renderer) =
        render::renderer(&public, as_of, &mut diags).map_err(|e| Error::Template(e.0))?
    else {
        return Ok(failed(diags, None));
    };

    // Pass 2: render every page and download; scan, guard and stage each.
    scan_altered(&options.output, &last.altered, &fingerprints, &mut diags);
    let publisher = last.publisher(&options.output, write && !diags.has_errors())?;
    let decisions = first.folders.len();
    let (model, judges) = ((&public, &renderer), (&fingerprints, &guard, &keys));
    let to = (&cache, publisher.as_ref());
    let pass = Pass2::new(options, model, judges, to, &last, decisions)?;
    let made = pass.run(std::mem::take(&mut first.folders))?;
    timings.lap("render, scan and write (in parallel)", &mut since);
    timings.stages.extend(made.steps.iter().copied());

    // Conclude: what the guard found, and the withholding report.
    diags.extend(made.diagnostics);
    let output_label = diagnostics::display_path(&options.root, &options.output);
    let guarded = guard.conclude(made.findings, &output_label, &mut diags);
    let file_count = made.written.len();
    let mut report = report::Report::new(withholding, &fingerprints, file_count, options.today);
    report.add_guard(guarded);
    // How many site-wide units of a kind were made again.
    let made_again = |kind: fn(&str) -> bool| {
        let units = made.site_units.iter();
        units
            .filter(|n| kind(n) && !made.reused.contains(*n))
            .count()
    };
    let reuse = Reuse {
        decisions_read: first.reused,
        decisions,
        units: made.reused.len(),
        site_units: made.site_units.len() + 1,
        in_place: last.in_place,
        made_again: crate::SiteWide {
            register: made_again(pass2::is_register_unit),
            search: !made.reused.contains(pass2::SEARCH_UNIT),
            search_parts: made_again(pass2::is_search_part),
            other: !made.reused.contains(cache::SITE_UNIT),
            downloads: made_again(pass2::is_download_unit),
            forward_plan: !made.reused.contains(pass2::FORWARD_PLAN_UNIT),
            sitemap: !made.reused.contains(FINISH_UNIT),
        },
    };
    if diags.has_errors() {
        let mut outcome = failed(diags, Some(report));
        outcome.language = Some(language);
        outcome.timings = timings;
        return Ok(outcome);
    }

    // Publish, with the report, and tell the cache what the output holds.
    let mut files_written = 0;
    if let Some(publisher) = publisher {
        let written = publish::Written {
            paths: made.written,
            reused: made.reused,
            units: made.records,
            folders: first.records,
        };
        publish::publish(options, &cache, publisher, written, &last, &report)?;
        files_written = file_count;
        timings.lap("publish", &mut since);
    }
    // Freeing what the build held takes a noticeable part of a rebuild of
    // a large site: another thread does it while the caller goes on.
    drop_beside((public, last, first.related, folders));
    Ok(Outcome {
        diagnostics: diags.into_sorted(),
        report: Some(report),
        files_written,
        language: Some(language),
        timings,
        reuse: Some(reuse),
    })
}

/// Refuses folders that would overwrite the site's files or one another's,
/// claims the cache's folder, and reads `--base-url`.
fn start(options: &Options, write: bool) -> Result<Option<String>, Error> {
    check_paths(options, write)?;
    if let Some(dir) = &options.cache_dir {
        cache::claim(dir, write).map_err(Error::Usage)?;
    }
    match &options.base_url {
        Some(url) => config::base_url(url)
            .map(Some)
            .map_err(|why| Error::Usage(format!("--base-url: {why}"))),
        None => Ok(None),
    }
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
            path: cache.dir().unwrap_or(Path::new("")).to_path_buf(),
            error,
            advice: "the build cache could not be written; check the folder's permissions and free space, or build with --no-cache",
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// Copies the site folder `from`'s sources into `to`.
    fn copy_site(from: &Path, to: &Path) {
        for top in crate::source::SOURCES {
            for entry in walkdir::WalkDir::new(from.join(top)).sort_by_file_name() {
                let Ok(entry) = entry else { continue };
                let at = to.join(entry.path().strip_prefix(from).unwrap());
                if entry.file_type().is_dir() {
                    std::fs::create_dir_all(&at).unwrap();
                } else {
                    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
                    std::fs::copy(entry.path(), &at).unwrap();
                }
            }
        }
    }

    #[test]
    fn a_build_reads_each_source_file_once_through_the_one_reader() {
        // The example site: pages, datasets, decisions with attachments.
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        copy_site(Path::new(env!("CARGO_MANIFEST_DIR")), &root);
        let sources: Vec<std::path::PathBuf> = walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(&root).unwrap().to_path_buf())
            .collect();
        assert!(sources.len() > 10, "{sources:?}");
        for write in [false, true] {
            let before = source::reads_of(&root);
            let outcome = run(&Options::for_root(&root), write).expect("no internal error");
            assert!(!outcome.has_errors(), "{:?}", outcome.diagnostics);
            let after = source::reads_of(&root);
            let mut twice = Vec::new();
            for path in &sources {
                let reads = after.get(path).unwrap_or(&0) - before.get(path).unwrap_or(&0);
                // Written by the build into the site folder (its cache), not a source.
                if path.starts_with(cache::DIR) {
                    continue;
                }
                if reads != 1 {
                    twice.push((path, reads));
                }
            }
            assert!(
                twice.is_empty(),
                "not read exactly once (write: {write}): {twice:?}"
            );
            // The build's own cache is not where sources are read from.
            let _ = std::fs::remove_dir_all(root.join(cache::DIR));
        }
    }

    #[test]
    fn only_the_reader_opens_files_to_read_them() {
        // Files are read by source (the sources), output, build::last and
        // checked (the output folder and its staging), cache (its own
        // records) and serve (the output, to send it): nothing else opens a
        // file to read it, so nothing reads a source again after the read
        // stage. (The count above sees reads through the reader; this sees
        // the rest.)
        let allowed = [
            "source.rs",
            "output.rs",
            "checked.rs",
            "cache.rs",
            "build/last.rs",
            "serve/http.rs",
        ];
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut readers = Vec::new();
        for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
            let entry = entry.unwrap();
            let rel = entry
                .path()
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if !rel.ends_with(".rs") || allowed.contains(&rel.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            // Tests may read what they wrote.
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
            for call in ["fs::read(", "File::open", "read_to_string(", "OpenOptions"] {
                if code.contains(call) {
                    readers.push(format!("{rel}: {call}"));
                }
            }
        }
        assert!(
            readers.is_empty(),
            "files read outside the reader: {readers:?}"
        );
    }
}
