//! Pass 1, folder by folder in parallel: read, parse, separate, measure;
//! what the build keeps of each folder, from the build cache where a
//! folder is unchanged.

use super::{CHUNK, Counter, cache_error};
use crate::diagnostics::{self, Diagnostics};
use crate::{Error, Options, cache, config, folder, guard, language, markdown, site, visibility};

/// What pass 1 leaves for the rest of the build.
pub(super) struct FirstPasses<'f> {
    /// Each usable folder, in site order.
    pub(super) folders: Vec<Pass1Folder<'f>>,
    /// Each record that lists related numbers: its path, number and those
    /// numbers (checked once every number is known).
    pub(super) related: Vec<(String, String, RelatedRefs)>,
    /// Each record that names electoral divisions: its path and those divisions.
    pub(super) divisions: Vec<(String, RelatedRefs)>,
    /// Each record's path, status and council status label, where it gives one.
    pub(super) labels: Vec<(
        String,
        crate::document::DecisionStatus,
        (String, diagnostics::Position),
    )>,
    /// Each record's path and the decisions it cites in `related_elsewhere`.
    pub(super) elsewhere: Vec<(String, Vec<site::ElsewhereRef>)>,
    pub(super) numbers: std::collections::BTreeSet<String>,
    pub(super) language_parts: Vec<language::LanguagePart>,
    pub(super) source_facts: Vec<guard::SourceFacts>,
    /// A folder had errors in its files or declarations.
    pub(super) unusable: bool,
    /// This build's notes of the folders, for the cache.
    pub(super) records: cache::FolderNotes,
    /// Folders whose pass 1 came from the cache.
    pub(super) reused: usize,
}

impl FirstPasses<'_> {
    /// Whether every folder can be rendered: none had errors in its files
    /// or declarations, and every related number a record lists is a
    /// decision of the site (checked here, once every number is known).
    /// As for the rest of the site, an error stops the build before
    /// anything is rendered.
    pub(super) fn usable(
        &self,
        config: &config::SiteConfig,
        strict: bool,
        diags: &mut Diagnostics,
    ) -> bool {
        let errors = diags.error_count();
        if let Some(d) = config::no_divisions_list(config, strict) {
            diags.push(d);
        }
        for (path, number, refs) in &self.related {
            site::check_related(path, number, refs, &self.numbers, diags);
        }
        for (path, refs) in &self.elsewhere {
            site::check_elsewhere(path, refs, &self.numbers, config, diags);
        }
        for (path, refs) in &self.divisions {
            site::check_divisions(path, refs, config, diags);
        }
        // Here, not in pass 1, so that an edit to site.toml's mapping is
        // checked against every record, cached or not.
        for (path, status, label) in &self.labels {
            site::check_status_label(path, *status, label, config, diags);
        }
        !self.unusable && diags.error_count() == errors
    }
}

/// The related numbers a record lists, with where.
pub(super) type RelatedRefs = Vec<(String, diagnostics::Position)>;

/// One usable folder after pass 1.
pub(super) struct Pass1Folder<'f> {
    pub(super) folder: &'f site::Folder,
    pub(super) number: String,
    /// The numbers its record lists as related.
    pub(super) related: Vec<String>,
    pub(super) digest: folder::Digest,
    /// A hash of its listing (what other pages show of it).
    pub(super) listing: cache::Digest,
    /// The folder as pass 1 parsed (or read) it, kept (up to a budget) for pass 2.
    pub(super) handed: Option<folder::Handed>,
}

/// Pass 1, folder by folder in parallel: read, parse, separate, measure;
/// keep listings, fingerprints and findings, let the text go. A folder the
/// cache shows unchanged is not read: what pass 1 found last time is used.
pub(super) fn first_passes<'f>(
    options: &Options,
    separated: &mut visibility::Separated,
    folders: &'f [site::Folder],
    cache: &cache::Cache,
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
    };
    let (mut recall, records) = cache.folders().map_err(cache_error(cache))?;
    // Set aside at once: growing these a folder at a time copies them over
    // and over.
    separated.reserve(folders.len());
    let mut out = FirstPasses {
        folders: Vec::with_capacity(folders.len()),
        related: Vec::new(),
        divisions: Vec::new(),
        labels: Vec::new(),
        elsewhere: Vec::new(),
        numbers: std::collections::BTreeSet::new(),
        language_parts: Vec::with_capacity(folders.len()),
        source_facts: Vec::new(),
        unusable: false,
        records,
        reused: 0,
    };
    let mut kept_budget = Some(options.keep_bytes);
    // In chunks, merged in folder order. A chunk is merged while the next
    // is worked on (merging is one thread's work); at most two chunks'
    // findings are held at once.
    let mut rest = folders.chunks(CHUNK);
    let mut pending = match rest.next() {
        Some(chunk) => Some(chunks.pass(chunk, &mut recall, &mut kept_budget)?),
        None => None,
    };
    while let Some(done) = pending.take() {
        let next = rest.next();
        let (merged, passed) = rayon::join(
            || merge_chunk(done, &mut out, separated, cache, diags),
            || {
                next.map(|chunk| chunks.pass(chunk, &mut recall, &mut kept_budget))
                    .transpose()
            },
        );
        merged?;
        pending = passed?;
    }
    Ok(out)
}

/// What pass 1 of every chunk of folders shares.
pub(super) struct Chunks<'a> {
    pub(super) options: &'a Options,
    pub(super) targets: config::LanguageConfig,
    pub(super) glossary: Option<markdown::Glossary>,
    pub(super) counter: Counter<'a>,
}

/// Pass 1 of one chunk of folders, to be merged.
pub(super) struct ChunkPass<'f> {
    pub(super) chunk: &'f [site::Folder],
    /// The last build's notes of its folders.
    pub(super) recalled: Vec<cache::Recalled>,
    pub(super) passes: Vec<FirstPassOf>,
    /// Whether reading this chunk used up the budget for keeping folders
    /// for pass 2: the folders merged before it let theirs go.
    pub(super) over_budget: bool,
}

impl Chunks<'_> {
    /// Pass 1 for each folder of `chunk`, in parallel, from the cache where
    /// its record still holds.
    pub(super) fn pass<'f>(
        &self,
        chunk: &'f [site::Folder],
        recall: &mut cache::Recall,
        kept_budget: &mut Option<usize>,
    ) -> Result<ChunkPass<'f>, Error> {
        use rayon::prelude::*;
        let recalled = recall.recall(chunk);
        let unchanged: Vec<bool> = recalled.par_iter().map(|r| r.unchanged()).collect();
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
        let passes: Vec<FirstPassOf> = recalled
            .par_iter()
            .zip(reads)
            .zip(chunk.par_iter())
            .map(|((recalled, read), f)| {
                let pass = first_pass_of(
                    self.options,
                    &self.targets,
                    self.glossary.as_ref(),
                    f,
                    recalled,
                    read,
                    keep,
                );
                self.counter.tick();
                pass
            })
            .collect();
        Ok(ChunkPass {
            chunk,
            recalled,
            passes,
            over_budget,
        })
    }
}

/// Merges one chunk's pass 1 into what the build keeps, in folder order.
pub(super) fn merge_chunk<'f>(
    done: ChunkPass<'f>,
    out: &mut FirstPasses<'f>,
    separated: &mut visibility::Separated,
    cache: &cache::Cache,
    diags: &mut Diagnostics,
) -> Result<(), Error> {
    if done.over_budget {
        for f in &mut out.folders {
            f.handed = None;
        }
    }
    for ((f, (pass, note, reused, handed)), recalled) in
        done.chunk.iter().zip(done.passes).zip(done.recalled)
    {
        diags.extend(pass.diagnostics);
        out.numbers.extend(pass.number);
        let Some(kept) = pass.decision else {
            out.unusable = true;
            continue;
        };
        out.reused += usize::from(reused);
        let listing = note.as_ref().map_or([0; 32], cache::Note::listing);
        out.records
            .keep(recalled, note.as_ref())
            .map_err(cache_error(cache))?;
        out.folders.push(Pass1Folder {
            folder: f,
            number: kept.listing.number().to_string(),
            related: kept.listing.related().to_vec(),
            digest: pass.digest,
            listing,
            handed,
        });
        // Only what there is to check is kept until every number is known
        // (most records list no related decision).
        if !kept.related.is_empty() {
            out.related.push((
                kept.listing.source_path().to_string(),
                kept.listing.number().to_string(),
                kept.related,
            ));
        }
        if !kept.divisions.is_empty() {
            out.divisions
                .push((kept.listing.source_path().to_string(), kept.divisions));
        }
        if !kept.elsewhere.is_empty() {
            out.elsewhere
                .push((kept.listing.source_path().to_string(), kept.elsewhere));
        }
        if let Some(label) = kept.status_label {
            out.labels.push((
                kept.listing.source_path().to_string(),
                kept.listing.status(),
                label,
            ));
        }
        out.language_parts.push(kept.language);
        out.source_facts.extend(kept.sources);
        separated.add_decision(kept.listing, kept.report, kept.prints);
    }
    out.records.end_chunk().map_err(cache_error(cache))?;
    Ok(())
}

/// Pass 1 for one folder: the pass, this build's note of it (for the
/// cache), whether it came from the cache, and what is kept for pass 2.
pub(super) type FirstPassOf = (
    folder::FirstPass,
    Option<cache::Note>,
    bool,
    Option<folder::Handed>,
);

/// Pass 1 for one folder: from the cache when its note still holds (by
/// stamps, or by content hash once read), worked out otherwise; with
/// `hand_on` it keeps the folder for pass 2 (as parsed, or as read when the
/// note was reused).
pub(super) fn first_pass_of(
    options: &Options,
    targets: &config::LanguageConfig,
    glossary: Option<&markdown::Glossary>,
    f: &site::Folder,
    recalled: &cache::Recalled,
    read: Option<folder::Read>,
    hand_on: bool,
) -> FirstPassOf {
    if let Some((pass, note)) = recalled.first_pass(read.as_ref().map(|(_, d)| d)) {
        let handed = read.filter(|_| hand_on).map(folder::Handed::Read);
        return (pass, Some(note), true, handed);
    }
    let read = match read {
        Some(r) => r,
        // The note did not hold: read the folder after all.
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
    let note = recalled.note(&f.name, &pass);
    let handed = bundle.map(|b| folder::Handed::Loaded(Box::new(b)));
    (pass, note, false, handed)
}
