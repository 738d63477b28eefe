//! Pass 2: each decision's pages and the site-wide files are rendered, then
//! leak-scanned, guarded and (when building) written to staging, one unit
//! of work at a time (a decision, the site-wide files, the sitemap). A unit
//! whose key is unchanged and whose files still hold what the last build
//! wrote is reused from the build cache; a file made again with the bytes
//! the last build judged keeps their verdict ([`cache::UnitRecord::verdict`]).
//! Every other byte is judged here, whatever pass 1 decided.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

use rayon::prelude::*;

use super::keys::Keys;
use super::last::LastBuild;
use super::pass1::Pass1Folder;
use super::{CHUNK, Counter, FINISH_UNIT, StepClock, TickOnDrop, cache_error};
use crate::cache::{self, OutFile, UnitRecord};
use crate::diagnostics::Diagnostics;
use crate::{
    Error, Options, checked, folder, guard, opendata, output, render, report, scan, site, source,
    visibility,
};

/// What pass 2 works with: the public model's renderer, the two defences,
/// the cache's keys and the last build's records, and where files go.
pub(super) struct Pass2<'a> {
    pub(super) root: &'a Path,
    pub(super) public: &'a visibility::PublicSite,
    pub(super) renderer: &'a render::Renderer<'a>,
    pub(super) fingerprints: &'a scan::Fingerprints,
    pub(super) guard: &'a guard::Guard,
    pub(super) keys: &'a Keys,
    pub(super) cache: &'a cache::Cache,
    /// The last build's units, by name.
    pub(super) old_units: &'a HashMap<String, UnitRecord>,
    /// The units whose files, hashed again in this build, hold the bytes
    /// the last build wrote and judged.
    pub(super) proven: &'a HashSet<String>,
    /// Where rendered files are staged, when building: memory holds one
    /// unit of work per thread, not the whole site.
    pub(super) publisher: Option<&'a output::Publisher>,
    pub(super) counter: Counter<'a>,
    /// This build's notes of its units, for the cache (when building with one).
    records: Option<Mutex<cache::Units>>,
    /// The units reused, by name: their files are as they were.
    reused: Mutex<HashSet<String>>,
    clocks: Clocks,
}

/// Time each step of pass 2 took, summed over threads.
#[derive(Default)]
struct Clocks {
    read: StepClock,
    render: StepClock,
    /// The search part's rendering: mostly Pagefind making the index.
    search: StepClock,
    scan: StepClock,
    guard: StepClock,
    write: StepClock,
}

/// What pass 2 made of the whole site.
pub(super) struct Made {
    pub(super) diagnostics: Diagnostics,
    /// Every path written (or, when checking, that would be), sorted.
    pub(super) written: Vec<String>,
    pub(super) findings: Vec<guard::FileFindings>,
    /// The units reused, by name.
    pub(super) reused: HashSet<String>,
    /// The site-wide units of this build, by name (not the sitemap's,
    /// which is made after them).
    pub(super) site_units: Vec<String>,
    /// This build's notes of its units, for the cache.
    pub(super) records: Option<cache::Units>,
    /// Time each step took, summed over threads.
    pub(super) steps: Vec<(&'static str, std::time::Duration)>,
}

/// What one unit of work (a decision, or the site-wide pages) produced.
#[derive(Default)]
pub(super) struct Unit {
    diagnostics: Diagnostics,
    paths: Vec<String>,
    findings: Vec<guard::FileFindings>,
    /// The files as written (for the cache; emptied once noted there).
    written: Vec<OutFile>,
}

impl Unit {
    fn absorb(&mut self, other: Unit) {
        self.diagnostics.extend(other.diagnostics);
        self.paths.extend(other.paths);
        self.findings.extend(other.findings);
        self.written.extend(other.written);
    }
}

impl<'a> Pass2<'a> {
    /// Pass 2 of `public`'s decisions (`decisions` of them), judged by
    /// `fingerprints` and `guard`, keyed by `keys` in `cache`, staged by
    /// `publisher` (when building), with what the last build left.
    pub(super) fn new(
        options: &'a Options,
        (public, renderer): (&'a visibility::PublicSite, &'a render::Renderer<'a>),
        (fingerprints, guard, keys): (&'a scan::Fingerprints, &'a guard::Guard, &'a Keys),
        (cache, publisher): (&'a cache::Cache, Option<&'a output::Publisher>),
        last: &'a LastBuild,
        decisions: usize,
    ) -> Result<Pass2<'a>, Error> {
        let counter = Counter::new(options.progress.as_ref(), "making pages", decisions + 1);
        // Units are noted only when their files are written.
        let records = match publisher {
            Some(_) => cache.units().map_err(cache_error(cache))?.map(Mutex::new),
            None => None,
        };
        Ok(Pass2 {
            root: &options.root,
            public,
            renderer,
            fingerprints,
            guard,
            keys,
            cache,
            old_units: &last.units,
            proven: &last.proven,
            publisher,
            counter,
            records,
            reused: Mutex::new(HashSet::new()),
            clocks: Clocks::default(),
        })
    }

    /// Every unit: the decisions' and the site-wide files side by side,
    /// then the files that describe the whole build (the sitemap lists what
    /// was written), made again only when what they list or show changed.
    pub(super) fn run(self, folders: Vec<Pass1Folder>) -> Result<Made, Error> {
        let (site, decisions) = rayon::join(|| self.site(), || self.decisions(folders));
        let (site, site_units) = site?;
        let mut all = Unit::default();
        for unit in decisions?.into_iter().chain(site) {
            all.absorb(unit);
        }
        all.paths.sort();
        let key = self.keys.finish(&all.paths);
        let last = match self.reusable(FINISH_UNIT, &key) {
            Some(old) => self.reuse(old)?,
            None => {
                let mut out = SiteFiles::new(FINISH_UNIT, &self);
                opendata::finish(self.public, &all.paths, &mut out);
                // Against every file made, the sitemap's among them.
                let mut made = all.paths.clone();
                made.extend(out.unit.paths.iter().cloned());
                self.statics(&made, &mut out);
                if let Some(e) = out.failure {
                    return Err(e);
                }
                self.note(FINISH_UNIT, key, out.unit)?
            }
        };
        all.absorb(last);
        all.paths.sort();
        let c = &self.clocks;
        Ok(Made {
            diagnostics: all.diagnostics,
            written: all.paths,
            findings: all.findings,
            reused: self.reused.into_inner().expect("a unit panicked"),
            site_units,
            records: self
                .records
                .map(|r| r.into_inner().expect("a unit panicked")),
            steps: vec![
                ("  read and separate again", c.read.total()),
                ("  render", c.render.total()),
                ("  search index", c.search.total()),
                ("  leak scan", c.scan.total()),
                ("  personal-data guard", c.guard.total()),
                ("  write", c.write.total()),
            ],
        })
    }

    /// The last build's record of a unit, when its key is unchanged and its
    /// files, hashed again, hold the bytes they were judged on.
    fn reusable(&self, name: &str, key: &Option<cache::Digest>) -> Option<&'a UnitRecord> {
        let old = self.old_units.get(name)?;
        (key.as_ref() == Some(&old.key) && self.proven.contains(name)).then_some(old)
    }

    /// The files of the last build a unit may leave as they are when it
    /// makes the same bytes: none, unless they all hold what was written.
    fn previous(&self, name: &str) -> cache::Previous<'a> {
        match self.old_units.get(name) {
            Some(u) if self.proven.contains(name) => cache::Previous::Unit(u),
            _ => cache::Previous::NONE,
        }
    }

    /// The last build's record of a unit, with what this build judges
    /// under: a file whose bytes are those the last build judged under the
    /// same fingerprints and rules has the verdict they had. Only for a unit
    /// whose files, hashed again from the output folder in this build, hold
    /// what the record says was judged: a record alone (a cache folder
    /// written by someone else) can vouch for no bytes that are not already
    /// published.
    fn judged(&self, name: &str) -> Option<(&'a cache::Digest, &'a UnitRecord)> {
        let old = self
            .old_units
            .get(name)
            .filter(|_| self.proven.contains(name));
        self.keys.base.as_ref().zip(old)
    }

    /// Scans, guards and (when building) writes one unit's rendered files.
    fn process(
        &self,
        name: &str,
        files: output::Files,
        mut diagnostics: Diagnostics,
    ) -> Result<Unit, Error> {
        let mut findings = Vec::new();
        let judged = self.judged(name);
        for (path, bytes) in files.iter() {
            // The second line of defence runs on every file, whatever the
            // first line did: on these bytes, or on the same bytes before.
            let verdict = judged
                .and_then(|(under, old)| old.verdict(under, path, blake3::hash(bytes).as_bytes()));
            if let Some(found) = verdict {
                findings.push(found);
                continue;
            }
            self.clocks.scan.time(|| {
                for leak in self.fingerprints.scan(path, bytes) {
                    diagnostics.push(report::leak_diagnostic(&leak));
                }
            });
            self.clocks
                .guard
                .time(|| findings.push(self.guard.inspect(path, bytes)));
        }
        let paths = files.iter().map(|(p, _)| p.clone()).collect();
        let mut written = Vec::new();
        if let Some(publisher) = self.publisher {
            if !diagnostics.has_errors() {
                written = self
                    .clocks
                    .write
                    .time(|| publisher.write_all(&files, self.previous(name)))
                    .map_err(Error::Write)?;
            }
        }
        Ok(Unit {
            diagnostics,
            paths,
            findings,
            written,
        })
    }

    /// A site-wide file that grows with the site: checked and written as it
    /// is made, never held whole. Returns the file's size, and the time
    /// spent checking and writing it.
    fn stream(&self, name: &str, path: &str, write: output::Writer) -> Result<Streamed, Error> {
        let to = self.publisher.map(|p| (p, self.previous(name)));
        let mut file =
            checked::CheckedFile::new(path, self.fingerprints, self.guard, to, self.judged(name))
                .map_err(Error::Write)?;
        let written = write(&mut file);
        let done = file.finish(written).map_err(Error::Write)?;
        self.clocks.scan.add(done.times.scan);
        self.clocks.guard.add(done.times.guard);
        self.clocks.write.add(done.times.write);
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
    }

    /// Notes a finished unit in the cache, under `key`.
    fn note(&self, name: &str, key: Option<cache::Digest>, mut unit: Unit) -> Result<Unit, Error> {
        if let (Some(records), Some(key), Some(under)) = (&self.records, key, &self.keys.base) {
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
                .keep(&record)
                .map_err(cache_error(self.cache))?;
        }
        unit.written = Vec::new();
        Ok(unit)
    }

    /// A unit whose key is unchanged: what it found last time, its files as
    /// they are.
    fn reuse(&self, old: &UnitRecord) -> Result<Unit, Error> {
        self.reused
            .lock()
            .expect("a unit panicked")
            .insert(old.name.clone());
        if let Some(records) = &self.records {
            records
                .lock()
                .expect("a unit panicked")
                .keep_again(old)
                .map_err(cache_error(self.cache))?;
        }
        Ok(Unit {
            diagnostics: old.diagnostics.clone(),
            paths: old.files.iter().map(|f| f.path.clone()).collect(),
            findings: old.findings.clone(),
            written: Vec::new(),
        })
    }

    /// One decision's pages, from its folder complete (as pass 1 kept it,
    /// or read again and checked against pass 1's content hash).
    fn decision(&self, handed: folder::Handed, f: &Pass1Folder) -> Result<Unit, Error> {
        let _tick = TickOnDrop(&self.counter);
        let mut diagnostics = Diagnostics::default();
        let complete = self.clocks.read.time(|| match handed {
            folder::Handed::Read(read) => {
                folder::second_pass(read, &f.digest, self.fingerprints, &mut diagnostics)
            }
            folder::Handed::Loaded(bundle) => Some(folder::complete(
                &bundle,
                self.fingerprints,
                &mut diagnostics,
            )),
        });
        let files = match complete {
            Some(d) => self
                .clocks
                .render
                .time(|| self.renderer.render_decision(&d, &mut diagnostics))
                .map_err(|e| Error::Template(e.0))?,
            None => output::Files::default(),
        };
        let unit = self.process(&f.folder.name, files, diagnostics)?;
        self.note(&f.folder.name, self.keys.decision(f), unit)
    }

    /// Every decision's pages, a chunk of folders at a time: those reused
    /// from the cache, those pass 1 kept, and those read again.
    fn decisions(&self, mut folders: Vec<Pass1Folder>) -> Result<Vec<Unit>, Error> {
        let mut units = Vec::with_capacity(folders.len());
        for chunk in folders.chunks_mut(CHUNK) {
            let old: Vec<Option<&UnitRecord>> = chunk
                .iter()
                .map(|f| self.reusable(&f.folder.name, &self.keys.decision(f)))
                .collect();
            // Folders pass 1 did not keep are read again.
            let wanted: Vec<&site::Folder> = chunk
                .iter()
                .zip(&old)
                .filter(|(f, old)| old.is_none() && f.handed.is_none())
                .map(|(f, _)| f.folder)
                .collect();
            let mut again = self
                .clocks
                .read
                .time(|| folder::read_all(self.root, &wanted))
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
                        let _tick = TickOnDrop(&self.counter);
                        self.reuse(old)
                    }
                    (None, Some(read)) => self.decision(read.map_err(Error::Read)?, f),
                    (None, None) => unreachable!("a unit not reused is read"),
                })
                .collect();
            for unit in done {
                units.push(unit?);
            }
        }
        Ok(units)
    }

    /// The site-wide pages and downloads grow with the site: they are made
    /// in parts, side by side, and each batch is checked and written as
    /// soon as it is made. They are units of their own, each keyed on what
    /// its files show, so that an edit remakes only those that show it:
    /// each page of the register (the listings of the decisions it shows:
    /// [`render::Renderer::register_page_keys`]), the forward plan's page
    /// (the listings of the decisions in the plan), the search page with the
    /// first search index (its records and the list of parts:
    /// [`render::Renderer::search_digest`]), each part of the decisions'
    /// search index (its records: [`crate::search::Shard::digest`]), each
    /// download with a key ([`crate::opendata::Key`]) and the rest (every
    /// decision's listing, conservatively).
    fn site(&self) -> SiteUnits {
        use crate::opendata::{Download, Section};
        let _tick = TickOnDrop(&self.counter);
        if let Some(reused) = self.same_site() {
            return reused;
        }
        let r = self.renderer;
        // What the site-wide pages show of a decision, hashed: as pass 1
        // hashed it, or (for none, in practice) hashed here.
        let listing = |d: &visibility::PublicDecision| match self.keys.listings.get(d.number()) {
            Some(digest) => *digest,
            None => *blake3::hash(&visibility::freeze(d)).as_bytes(),
        };
        // What the units are made from, and their keys, worked out side by
        // side: the search records and parts; the downloads, each with its
        // key when it has one; the forward plan's and the register pages'
        // keys.
        let ((search, (first, shards, shard_keys)), (downloads, (plan_key, register))) =
            rayon::join(
                || {
                    let (first, shards) = crate::search::split(crate::search::records(self.public));
                    let dirs: Vec<String> = shards.iter().map(|s| s.dir.clone()).collect();
                    let search = r.search_digest(&first, &dirs);
                    let keys: Vec<[u8; 32]> = shards.par_iter().map(|s| s.digest()).collect();
                    ((search, dirs), (first, shards, keys))
                },
                || {
                    rayon::join(
                        || {
                            let drafts = r.drafts();
                            // (A draft is not shared between threads: its key is.)
                            let lazy: Vec<Option<crate::opendata::Key>> =
                                drafts.iter().map(|(_, d)| d.key.clone()).collect();
                            let keys: Vec<Option<[u8; 32]>> = lazy
                                .par_iter()
                                .map(|k| k.as_ref().map(crate::opendata::Key::get))
                                .collect();
                            (drafts, keys)
                        },
                        || {
                            let pages = r.register_pages();
                            let keys = r.register_page_keys(&pages, &listing);
                            (r.forward_plan_key(&listing), (pages, keys))
                        },
                    )
                },
            );
        let (search_key, dirs) = search;
        let (drafts, draft_keys) = downloads;
        let mut drafts: Vec<Option<(Section, crate::opendata::Draft)>> =
            drafts.into_iter().map(Some).collect();
        /// What a site-wide unit is made by.
        enum Maker {
            Other,
            ForwardPlan,
            Register(render::RegisterPage),
            Search(Vec<crate::search::Record>, Vec<String>),
            Shard(crate::search::Shard),
            /// The download of this place among the drafts.
            Download(usize),
        }
        let mut units: Vec<(String, Option<cache::Digest>, Maker)> = vec![
            (cache::SITE_UNIT.to_string(), self.keys.site(), Maker::Other),
            (
                SEARCH_UNIT.to_string(),
                self.keys.part(SEARCH_UNIT, &search_key),
                Maker::Search(first, dirs),
            ),
            (
                FORWARD_PLAN_UNIT.to_string(),
                self.keys.part(FORWARD_PLAN_UNIT, &plan_key),
                Maker::ForwardPlan,
            ),
        ];
        let (pages, page_keys) = register;
        for (page, (path, digest)) in pages.iter().zip(page_keys) {
            let name = format!("{REGISTER_UNIT}/{path}");
            let key = self.keys.part(&name, &digest);
            units.push((name, key, Maker::Register(*page)));
        }
        for (shard, digest) in shards.into_iter().zip(shard_keys) {
            let name = format!("{SEARCH_UNIT}/{}", shard.dir.trim_end_matches('/'));
            let key = self.keys.part(&name, &digest);
            units.push((name, key, Maker::Shard(shard)));
        }
        for (slot, (draft, key)) in drafts.iter().zip(&draft_keys).enumerate() {
            if let (Some((_, d)), Some(key)) = (draft, key) {
                let name = download_unit(&d.path);
                let key = self.keys.part(&name, key);
                units.push((name, key, Maker::Download(slot)));
            }
        }
        /// Work for one thread: a part of a unit (with its place among the
        /// downloads, when it makes one), or the parts of the decisions'
        /// search index to make again, one after another.
        enum Job<'r> {
            Part(usize, Option<usize>, render::SitePart<'r>),
            Shards(Vec<(usize, crate::search::Shard)>),
        }
        // What the /data/ page lists of each download, in the drafts' order.
        let mut downloads: Vec<Option<(Section, Download)>> = Vec::new();
        downloads.resize_with(drafts.len(), || None);
        let mut kept: Vec<Option<Unit>> = Vec::new();
        let mut jobs: Vec<Job> = Vec::new();
        let mut shards = Vec::new();
        let mut names = Vec::new();
        let mut keys = Vec::new();
        for (i, (name, key, maker)) in units.into_iter().enumerate() {
            // A download is listed with the size of its file: reused only
            // when the record holds that file (it always does, unless the
            // record is not what this build would have written).
            let file_of = |old: &UnitRecord| match &maker {
                Maker::Download(slot) => {
                    let (_, d) = drafts[*slot].as_ref().expect("each download made once");
                    old.files
                        .iter()
                        .find(|f| f.path == d.path)
                        .map(|f| f.stamp.size)
                }
                _ => Some(0),
            };
            let old = self.reusable(&name, &key);
            if let Some((old, size)) = old.and_then(|old| Some((old, file_of(old)?))) {
                if let Maker::Download(slot) = maker {
                    // Listed as it was made: its size is that of its file.
                    let (section, d) = drafts[slot].take().expect("each download made once");
                    downloads[slot] = Some((section, crate::opendata::listed(d, size as usize)));
                }
                kept.push(Some(self.reuse(old)?));
            } else {
                kept.push(None);
                match maker {
                    Maker::Other => {
                        jobs.push(Job::Part(i, None, r.other_part()));
                        // The downloads with no key of their own.
                        for (slot, key) in draft_keys.iter().enumerate() {
                            if key.is_none() {
                                let (section, d) = drafts[slot].take().expect("made once");
                                jobs.push(Job::Part(i, Some(slot), r.download_part(section, d)));
                            }
                        }
                    }
                    Maker::ForwardPlan => jobs.push(Job::Part(i, None, r.forward_plan_part())),
                    Maker::Register(page) => {
                        jobs.push(Job::Part(i, None, r.register_page_part(page)))
                    }
                    Maker::Search(records, dirs) => {
                        jobs.push(Job::Part(i, None, r.search_part(records, dirs)))
                    }
                    Maker::Shard(shard) => shards.push((i, shard)),
                    Maker::Download(slot) => {
                        let (section, d) = drafts[slot].take().expect("each download made once");
                        jobs.push(Job::Part(i, Some(slot), r.download_part(section, d)));
                    }
                }
            }
            names.push(name);
            keys.push(key);
        }
        if !shards.is_empty() {
            jobs.push(Job::Shards(shards));
        }
        let make = |name: &str, part: render::SitePart| {
            let mut out = SiteFiles::new(name, self);
            let mut diagnostics = Diagnostics::default();
            let started = std::time::Instant::now();
            let made = part.make(&mut out, &mut diagnostics);
            let clock = if name.starts_with(SEARCH_UNIT) {
                &self.clocks.search
            } else {
                &self.clocks.render
            };
            clock.add(started.elapsed().saturating_sub(out.elsewhere));
            let made = made.map_err(|e| Error::Template(e.0))?;
            match out.failure {
                Some(e) => Err(e),
                None => Ok((out.unit, diagnostics, made)),
            }
        };
        let made: Vec<(usize, Option<usize>, Result<_, Error>)> = jobs
            .into_par_iter()
            // Each part on its own: a few are much larger than the rest.
            .with_max_len(1)
            .flat_map_iter(|job| match job {
                Job::Part(i, slot, part) => vec![(i, slot, make(&names[i], part))],
                Job::Shards(shards) => self
                    .search_parts(&names, shards)
                    .into_iter()
                    .map(|(i, made)| (i, None, made))
                    .collect(),
            })
            .collect();
        // Gathered in the parts' order, whichever finished first; then the
        // page that lists the downloads.
        let mut fresh: Vec<(Unit, Diagnostics)> = Vec::new();
        fresh.resize_with(names.len(), Default::default);
        for (i, slot, part) in made {
            let (made, found, download) = part?;
            fresh[i].0.absorb(made);
            fresh[i].1.extend(found);
            if let (Some(slot), Some(download)) = (slot, download) {
                downloads[slot] = Some(download);
            }
        }
        let mut out = Vec::new();
        for (i, (unit, (mut made, mut diagnostics))) in kept.into_iter().zip(fresh).enumerate() {
            if let Some(unit) = unit {
                out.push(unit);
                continue;
            }
            if i == 0 {
                let listed = std::mem::take(&mut downloads)
                    .into_iter()
                    .flatten()
                    .collect();
                let (page, found, _) = make(&names[i], r.data_page(listed))?;
                made.absorb(page);
                diagnostics.extend(found);
            }
            made.absorb(self.process(&names[i], output::Files::default(), diagnostics)?);
            out.push(self.note(&names[i], keys[i], made)?);
        }
        Ok((out, names))
    }
}

/// The name of the cache unit of a download with a key of its own, at
/// `path` (`/download/data/documents.csv`); no decision folder's name
/// starts with `/`.
fn download_unit(path: &str) -> String {
    format!("{DOWNLOAD_UNIT}/{path}")
}

const DOWNLOAD_UNIT: &str = "/download";

/// Whether a site-wide unit's `name` is a part of the decisions' search
/// index's (`/search/decisions-1`).
pub(super) fn is_search_part(name: &str) -> bool {
    named_under(name, SEARCH_UNIT)
}

/// Whether a site-wide unit's `name` is a download's ([`download_unit`]).
pub(super) fn is_download_unit(name: &str) -> bool {
    named_under(name, DOWNLOAD_UNIT)
}

/// Whether `name` is that of one of the units named from `unit` and a path
/// (`/register/decisions/`), not `unit` itself.
fn named_under(name: &str, unit: &str) -> bool {
    name.strip_prefix(unit)
        .is_some_and(|rest| rest.starts_with('/'))
}

impl Pass2<'_> {
    /// Every site-wide unit of the last build, reused as it is, when the
    /// site's key is the one the last build made the other site-wide pages
    /// under and every such unit still holds the files it wrote. Then what
    /// each is made from (every decision's listing, and the settings, data
    /// and templates) is as it was, and so is its key: none is worked out
    /// again, which takes a noticeable part of a rebuild after a body edit.
    fn same_site(&self) -> Option<SiteUnits> {
        let site = self.keys.site()?;
        if self.old_units.get(cache::SITE_UNIT)?.key != site {
            return None;
        }
        let mut names: Vec<&String> = self
            .old_units
            .keys()
            .filter(|name| is_site_wide(name) && *name != FINISH_UNIT)
            .collect();
        if !names.iter().all(|name| self.proven.contains(*name)) {
            return None;
        }
        names.sort();
        let units = names
            .iter()
            .map(|name| self.reuse(&self.old_units[*name]))
            .collect::<Result<Vec<Unit>, Error>>();
        Some(units.map(|units| (units, names.into_iter().cloned().collect())))
    }

    /// The parts of the decisions' search index in `shards` (each with its
    /// unit's index in `names`), made one after another by one
    /// [`crate::search::Indexer`], each checked and written as its unit.
    fn search_parts(
        &self,
        names: &[String],
        shards: Vec<(usize, crate::search::Shard)>,
    ) -> Vec<(usize, Result<SiteMade, Error>)> {
        let failed = |e: crate::search::IndexError| {
            Error::Template(format!("the search index could not be made: {}", e.0))
        };
        let indexer = match crate::search::Indexer::new() {
            Ok(indexer) => indexer,
            Err(e) => {
                let e = failed(e);
                return vec![(shards[0].0, Err(e))];
            }
        };
        shards
            .into_iter()
            .map(|(i, shard)| {
                let mut out = SiteFiles::new(&names[i], self);
                let started = std::time::Instant::now();
                let made = indexer.publish(shard.records, &shard.dir, &mut out);
                self.clocks
                    .search
                    .add(started.elapsed().saturating_sub(out.elsewhere));
                let made = match (made, out.failure) {
                    (Err(e), _) => Err(failed(e)),
                    (Ok(()), Some(e)) => Err(e),
                    (Ok(()), None) => Ok((out.unit, Diagnostics::default(), None)),
                };
                (i, made)
            })
            .collect()
    }
}

/// The site-wide units, with their names.
type SiteUnits = Result<(Vec<Unit>, Vec<String>), Error>;

/// What a site-wide part made: its files as a unit, its diagnostics, and
/// the download it adds to the /data/ page.
type SiteMade = (
    Unit,
    Diagnostics,
    Option<(crate::opendata::Section, crate::opendata::Download)>,
);

/// Whether a unit's `name` is a site-wide unit's, not a decision folder's:
/// the other pages' ([`cache::SITE_UNIT`]) or one whose name starts with `/`.
fn is_site_wide(name: &str) -> bool {
    name == cache::SITE_UNIT || name.starts_with('/')
}

/// The unit of the forward plan's page ([`Pass2::site`]).
pub(super) const FORWARD_PLAN_UNIT: &str = "/forward-plan";

/// Each page of the register is a unit named from this and its path
/// (`/register/decisions/page/2/`: [`Pass2::site`]).
const REGISTER_UNIT: &str = "/register";

/// Whether a site-wide unit's `name` is a page of the register's.
pub(super) fn is_register_unit(name: &str) -> bool {
    named_under(name, REGISTER_UNIT)
}

/// The unit that makes the search page and the first search index
/// ([`Pass2::site`]); each part of the decisions' index is a unit named
/// from this (`/search/decisions-1`).
pub(super) const SEARCH_UNIT: &str = "/search";

/// A streamed file's unit, size, and time spent checking and writing it.
type Streamed = (Unit, usize, std::time::Duration);

/// The site-wide pages and downloads, each checked and written as it is
/// made (the renderer hands them here).
struct SiteFiles<'p, 'a> {
    /// The unit they belong to, in the cache.
    name: &'p str,
    pass: &'p Pass2<'a>,
    unit: Unit,
    failure: Option<Error>,
    /// Time spent checking and writing rather than rendering.
    elsewhere: std::time::Duration,
}

impl<'p, 'a> SiteFiles<'p, 'a> {
    fn new(name: &'p str, pass: &'p Pass2<'a>) -> SiteFiles<'p, 'a> {
        SiteFiles {
            name,
            pass,
            unit: Unit::default(),
            failure: None,
            elsewhere: std::time::Duration::ZERO,
        }
    }
}

impl Pass2<'_> {
    /// The files of static/, published as they are, but for one where the
    /// build writes a file of its own (`written`), or a folder of
    /// that name, or the other way round: an error at the static file,
    /// which never takes a made file's place. Compared without case, as
    /// many disks and web hosts compare names.
    fn statics(&self, written: &[String], out: &mut SiteFiles) {
        let statics = self.public.statics();
        if statics.is_empty() {
            return;
        }
        let files_made: std::collections::HashSet<String> =
            written.iter().map(|path| path.to_lowercase()).collect();
        let folders_made: std::collections::HashSet<&str> = files_made
            .iter()
            .flat_map(|path| path.match_indices('/').map(|(at, _)| &path[..at]))
            .collect();
        let mut files = output::Files::default();
        let mut diagnostics = Diagnostics::default();
        for file in statics {
            let lower = file.published.to_lowercase();
            let clash = files_made.contains(&lower)
                || folders_made.contains(lower.as_str())
                || lower
                    .match_indices('/')
                    .any(|(at, _)| files_made.contains(&lower[..at]));
            if clash {
                diagnostics.push(
                    crate::diagnostics::Diagnostic::error(&file.path, format!("plainsight makes `{}` itself, so this file cannot take its place", file.published))
                        .help("static/ is for files the site does not make, like a CNAME for the web host or .well-known/security.txt: rename or move this one"),
                );
                continue;
            }
            files.add(file.published.clone(), file.bytes.clone());
        }
        match self.process(out.name, files, diagnostics) {
            Ok(done) => out.unit.absorb(done),
            Err(e) => out.failure = Some(e),
        }
    }
}

impl output::Emit for SiteFiles<'_, '_> {
    fn files(&mut self, files: output::Files) {
        let start = std::time::Instant::now();
        if self.failure.is_none() {
            match self.pass.process(self.name, files, Diagnostics::default()) {
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
        match self.pass.stream(self.name, path, write) {
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
