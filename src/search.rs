//! The search index: what a resident can search for, from the public model,
//! indexed by Pagefind.
//!
//! Every record is made here from a [`PublicSite`] and nothing else: the
//! providers (their published columns), each decision (number, title,
//! summary, the decision itself, electoral divisions, status as the site
//! shows it and decision maker),
//! the plain pages, the activities page and the glossary. Nothing is read
//! from disk and no rendered page is indexed, so the index can hold only
//! what the public model let through. It never indexes a decision's papers
//! (their bodies are not in the listing the site holds) or any exempt
//! column, passage or document.
//!
//! Pagefind (its Rust API, [`pagefind::api::PagefindIndex`]) turns the
//! records into the index's files; its browser files (`pagefind.js`, its
//! worker and the WebAssembly) come from the crate itself, never from a
//! download. They are published under `pagefind/`, handed on a batch at a
//! time, and each is leak-scanned and guarded like every output: Pagefind's
//! data files are gzip, which the defences open ([`crate::scan::inspectable`]).
//! Pagefind's own search interface is not published; the site's search page
//! and its script are ours (`search.html`, `assets/search.js`).
//!
//! Deterministic: records are made in the model's order, and Pagefind names
//! its files by hashes of their contents.
//!
//! The decisions are indexed in parts of their own ([`split`]): a Pagefind
//! index for each, under `pagefind/decisions-N/`, which the search page
//! merges with the index of everything else at `pagefind/` (Pagefind's
//! `mergeIndex`; the parts are listed in `pagefind/indexes.json`). A
//! decision belongs to a part by a hash of its address, so an edit to one
//! decision makes one part again, not the whole index, and a part is made,
//! checked and dropped before memory holds the next.

use std::collections::BTreeMap;

use crate::data::ColumnType;
use crate::markdown;
use crate::output::{Emit, Files};
use crate::slug::{provider_path, slugify};
use crate::visibility::{PublicDataset, PublicSite};

/// Where the index is published, from the site's root.
pub const BUNDLE: &str = "pagefind/";

/// The language every record is indexed in (the site is `en-GB`; Pagefind's
/// English stemming, and the browser's `en-gb` finds the `en` index).
const LANGUAGE: &str = "en";

/// What kind of thing a record is: its `kind` filter, which the search page
/// shows beside each result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Provider,
    Decision,
    Page,
    GlossaryTerm,
}

impl Kind {
    /// The value of the `kind` filter.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Provider => "provider",
            Kind::Decision => "decision",
            Kind::Page => "page",
            Kind::GlossaryTerm => "glossary term",
        }
    }
}

/// One thing a resident can find: where it is, what it is called, the
/// words it is found by, and its filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Its address from the site's root (`decisions/22-00073/`,
    /// `activities/provider/p001/`).
    pub url: String,
    pub title: String,
    pub kind: Kind,
    /// The words it is found by, and the text a result's excerpt is taken from.
    pub content: String,
    /// Shown with a result but not searched: a decision's number.
    pub number: Option<String>,
    /// Filters by name (`kind`, and a provider's listed columns with fixed
    /// values or references: districts, lots, delivery, age groups), each
    /// value as people see it.
    pub filters: BTreeMap<String, Vec<String>>,
}

impl Record {
    fn new(url: String, title: &str, kind: Kind, content: String) -> Record {
        let filters = BTreeMap::from([("kind".to_string(), vec![kind.name().to_string()])]);
        Record {
            url,
            title: title.trim().to_string(),
            kind,
            content,
            number: None,
            filters,
        }
    }
}

/// Every record of the site, in the order the site holds them: providers,
/// decisions, pages (the activities page first), glossary terms.
pub fn records(site: &PublicSite) -> Vec<Record> {
    let mut out = Vec::new();
    if let Some(providers) = site.dataset("providers") {
        out.extend(provider_records(site, providers));
    }
    for d in site.decisions() {
        let mut content = vec![
            format!("Decision {}.", d.number()),
            d.title().to_string(),
            d.summary().trim().to_string(),
            markdown::words(d.decision()),
        ];
        if !d.electoral_divisions().is_empty() {
            content.push(format!(
                "Electoral divisions: {}.",
                d.electoral_divisions().join(", ")
            ));
        }
        // The status as the site shows it: the council's label, or ours.
        content.push(format!("Status: {}.", d.shown_status()));
        content.push(match d.decision_maker_name() {
            Some(name) => format!("Decision maker: {} ({name}).", d.decision_maker()),
            None => format!("Decision maker: {}.", d.decision_maker()),
        });
        let mut record = Record::new(
            format!("decisions/{}/", d.slug()),
            d.title(),
            Kind::Decision,
            joined(content),
        );
        record.number = Some(d.number().to_string());
        out.push(record);
    }
    if let Some(providers) = site.dataset("providers") {
        out.push(activities_record(site, providers));
    }
    for page in site.pages() {
        let content = vec![
            page.title().to_string(),
            page.summary().unwrap_or_default().trim().to_string(),
            markdown::words(page.body()),
        ];
        out.push(Record::new(
            format!("{}/", page.slug()),
            page.title(),
            Kind::Page,
            joined(content),
        ));
    }
    if let Some(glossary) = site.dataset("glossary") {
        out.extend(glossary_records(glossary));
    }
    out
}

/// Adds every field of every record, in order, to `h`: equal records give
/// equal hashes, and so an equal index (Pagefind is given nothing else).
pub fn digest_into(records: &[Record], h: &mut blake3::Hasher) {
    let mut add = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    add(&records.len().to_le_bytes());
    for r in records {
        add(r.url.as_bytes());
        add(r.title.as_bytes());
        add(r.kind.name().as_bytes());
        add(r.content.as_bytes());
        add(&[u8::from(r.number.is_some())]);
        add(r.number.as_deref().unwrap_or("").as_bytes());
        add(&r.filters.len().to_le_bytes());
        for (name, values) in &r.filters {
            add(name.as_bytes());
            add(&values.len().to_le_bytes());
            for v in values {
                add(v.as_bytes());
            }
        }
    }
}

/// Parts of a record's text, each once, as one line of words.
fn joined(parts: Vec<String>) -> String {
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One record per provider, found at its own page: its name, then each
/// published column that describes it (not its reference or contact
/// details), with a filter for each column whose values are a fixed list or
/// another dataset's keys. A provider that works online (the listing's
/// `[online]` setting) says so, and its areas filter holds every area.
fn provider_records(site: &PublicSite, ds: &PublicDataset) -> Vec<Record> {
    let (Some(id), Some(name)) = (ds.column_index("id"), ds.column_index("name")) else {
        return Vec::new();
    };
    // The listing's `[online]` setting: a provider that works online is
    // found from every area, as on the browse pages.
    let online = ds.online().and_then(|o| {
        let how = ds.column_index(&o.column)?;
        let areas = ds.column_index(&o.areas)?;
        let mut every: Vec<String> = match ds.columns()[areas].values() {
            Some(values) => values.to_vec(),
            None => ds
                .rows()
                .iter()
                .flat_map(|row| ds.values(row, areas))
                .map(str::to_string)
                .collect(),
        };
        every.sort();
        every.dedup();
        Some((how, o, every))
    });
    ds.rows()
        .iter()
        .map(|row| {
            let mut content = vec![row[name].clone()];
            let mut filters = BTreeMap::new();
            for (i, column) in ds.columns().iter().enumerate() {
                if i == id
                    || i == name
                    || matches!(
                        column.ty(),
                        ColumnType::Email | ColumnType::Phone | ColumnType::Url
                    )
                {
                    continue;
                }
                let values: Vec<String> = ds
                    .values(row, i)
                    .into_iter()
                    .map(|v| match (column.ty(), v) {
                        (ColumnType::Boolean, "true") => "Yes".to_string(),
                        (ColumnType::Boolean, "false") => "No".to_string(),
                        _ => site.value_label(column, v),
                    })
                    .collect();
                if values.is_empty() {
                    continue;
                }
                let text = values.join(", ");
                let stop = if text.ends_with(['.', '!', '?']) {
                    ""
                } else {
                    "."
                };
                content.push(format!("{}: {text}{stop}", column.title()));
                if column.values().is_some() || column.references().is_some() {
                    filters.insert(column.name().to_string(), values);
                }
            }
            if let Some((how, o, every)) = &online {
                if ds.values(row, *how).contains(&o.value.as_str()) {
                    content.push(format!("{}.", o.anywhere.trim_end_matches('.')));
                    filters.insert(o.areas.clone(), every.clone());
                }
            }
            let mut record = Record::new(
                provider_path(&site.config().listing.path, &row[id]),
                &row[name],
                Kind::Provider,
                joined(content),
            );
            record.filters.extend(filters);
            record
        })
        .collect()
}

/// The listing's page: the listing's description and each lot.
fn activities_record(site: &PublicSite, ds: &PublicDataset) -> Record {
    let mut content = vec![ds.title().to_string(), ds.description().trim().to_string()];
    if let Some(lots) = site.dataset("lots") {
        if let (Some(id), Some(name), Some(meaning)) = (
            lots.column_index("id"),
            lots.column_index("name"),
            lots.column_index("meaning"),
        ) {
            let id_title = lots.columns()[id].title();
            for row in lots.rows() {
                content.push(format!(
                    "{id_title} {}: {}. {}",
                    row[id], row[name], row[meaning]
                ));
            }
        }
    }
    let listing = &site.config().listing;
    Record::new(
        format!("{}/", listing.path),
        &listing.title,
        Kind::Page,
        joined(content),
    )
}

/// One record per glossary term, found at its entry on the glossary page.
fn glossary_records(ds: &PublicDataset) -> Vec<Record> {
    let (Some(term), Some(meaning)) = (ds.column_index("term"), ds.column_index("meaning")) else {
        return Vec::new();
    };
    let abbreviation = ds.column_index("abbreviation");
    ds.rows()
        .iter()
        .map(|row| {
            let abbreviation = abbreviation
                .map(|i| row[i].trim())
                .filter(|a| !a.is_empty());
            let title = match abbreviation {
                Some(a) => format!("{} ({a})", row[term].trim()),
                None => row[term].trim().to_string(),
            };
            Record::new(
                format!("glossary/#{}", slugify(&row[term])),
                &title,
                Kind::GlossaryTerm,
                joined(vec![title.clone(), row[meaning].trim().to_string()]),
            )
        })
        .collect()
}

/// The index could not be made: a fault in plainsight or Pagefind, never in
/// the content.
#[derive(Debug)]
pub struct IndexError(pub String);

/// About how many decisions each part of the index holds ([`split`]): an
/// edit remakes one part, so a part is a small share of a large site's
/// index, and a search loads a little of every part.
const SHARD_SIZE: usize = 1000;

/// At most this many parts, however large the site: a search fetches a
/// chunk of each, side by side, so beyond this the parts grow instead.
const MAX_SHARDS: usize = 32;

/// The file in [`BUNDLE`] that lists the parts the search page merges.
pub const PARTS_FILE: &str = "indexes.json";

/// One part of the decisions' index: its folder under [`BUNDLE`]
/// (`decisions-1/`) and its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    pub dir: String,
    pub records: Vec<Record>,
}

impl Shard {
    /// A hash of what the part is made from, its cache key: its folder and
    /// its records (the index shows nothing else).
    pub fn digest(&self) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        h.update(b"plainsight search part\0");
        h.update(&(self.dir.len() as u64).to_le_bytes())
            .update(self.dir.as_bytes());
        digest_into(&self.records, &mut h);
        *h.finalize().as_bytes()
    }
}

/// The records of the index the search page loads first (everything that is
/// not a decision), and the decisions in parts: as many as there are
/// thousands of decisions, up to [`MAX_SHARDS`], each decision in the part
/// its address hashes to, so that the parts do not change with the
/// others' content. Parts left empty are not made. Order within each is the
/// site's.
pub fn split(records: Vec<Record>) -> (Vec<Record>, Vec<Shard>) {
    let decisions = records.iter().filter(|r| r.kind == Kind::Decision).count();
    let parts = decisions.div_ceil(SHARD_SIZE).clamp(1, MAX_SHARDS);
    let mut first = Vec::new();
    let mut shards: Vec<Vec<Record>> = vec![Vec::new(); parts];
    for record in records {
        if record.kind == Kind::Decision {
            let hash = blake3::hash(record.url.as_bytes());
            let n = u64::from_le_bytes(hash.as_bytes()[..8].try_into().expect("8 bytes"));
            shards[(n % parts as u64) as usize].push(record);
        } else {
            first.push(record);
        }
    }
    let shards = shards
        .into_iter()
        .enumerate()
        .filter(|(_, records)| !records.is_empty())
        .map(|(i, records)| Shard {
            dir: format!("decisions-{}/", i + 1),
            records,
        })
        .collect();
    (first, shards)
}

/// The list of parts the search page merges (at [`PARTS_FILE`]): their
/// folders, from the bundle.
pub fn parts_file(shards: &[String]) -> Vec<u8> {
    let mut out = serde_json::to_vec(&serde_json::json!({ "merge": shards }))
        .expect("a list of strings encodes");
    out.push(b'\n');
    out
}

/// What makes indexes: a rayon pool and a Pagefind runtime of their own,
/// used for one index after another (a site's parts are made in turn, so
/// memory holds one part's index at a time, on the same few threads).
///
/// The pool is its own because Pagefind uses rayon inside its runtime, and
/// a thread of the shared pool waiting there may take up other work, such
/// as another build's index in the same process (tests, `serve`), which
/// would then start a runtime inside this one and panic. This pool's
/// threads take up only this indexer's work.
pub struct Indexer {
    pool: rayon::ThreadPool,
    runtime: tokio::runtime::Runtime,
}

impl Indexer {
    pub fn new() -> Result<Indexer, IndexError> {
        let failed = |e: &dyn std::fmt::Display| IndexError(format!("{e:#}"));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(rayon::current_num_threads())
            .thread_name(|i| format!("search-index-{i}"))
            .build()
            .map_err(|e| failed(&e))?;
        // Pagefind's API is async; a runtime of one thread drives it.
        // (Pagefind hands each record to the runtime's blocking threads,
        // and builds the index on rayon's.)
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| failed(&e))?;
        Ok(Indexer { pool, runtime })
    }

    /// The index's files, by path from the site's root (under [`BUNDLE`]
    /// and `dir` in it), in path order: Pagefind's data files and, with
    /// `browser`, the browser files that read them (the first index's; a
    /// part merged with it needs only its data).
    pub fn index(
        &self,
        records: Vec<Record>,
        dir: &str,
        browser: bool,
    ) -> Result<BTreeMap<String, Vec<u8>>, IndexError> {
        self.pool
            .install(|| self.runtime.block_on(index_here(records, dir, browser)))
    }

    /// Makes the index of `records` in `dir` of the bundle ("" for the
    /// first index, which carries the browser files; a [`Shard`]'s folder
    /// for a part) and hands its files to `emit` a batch at a time.
    pub fn publish(
        &self,
        records: Vec<Record>,
        dir: &str,
        emit: &mut dyn Emit,
    ) -> Result<(), IndexError> {
        let files = self.index(records, dir, dir.is_empty())?;
        let mut batch = Files::default();
        let mut count = 0;
        for (path, bytes) in files {
            batch.add(path, bytes);
            count += 1;
            if count == BATCH {
                emit.files(std::mem::take(&mut batch));
                count = 0;
            }
        }
        emit.files(batch);
        Ok(())
    }
}

async fn index_here(
    records: Vec<Record>,
    dir: &str,
    browser: bool,
) -> Result<BTreeMap<String, Vec<u8>>, IndexError> {
    let failed = |e: &dyn std::fmt::Display| IndexError(format!("{e:#}"));
    let config = pagefind::options::PagefindServiceConfig::builder()
        .force_language(LANGUAGE.to_string())
        .build();
    let mut index = pagefind::api::PagefindIndex::new(Some(config)).map_err(|e| failed(&e))?;
    for record in records {
        let mut meta = BTreeMap::from([("title".to_string(), record.title)]);
        if let Some(number) = record.number {
            meta.insert("number".to_string(), number);
        }
        index
            .add_custom_record(
                record.url,
                record.content,
                LANGUAGE.to_string(),
                Some(meta),
                Some(record.filters),
                None,
            )
            .await
            .map_err(|e| failed(&e))?;
    }
    let files = index.get_files().await.map_err(|e| failed(&e))?;
    let mut out = BTreeMap::new();
    for file in files {
        let name = file.filename.to_string_lossy().replace('\\', "/");
        if published(&name) && (browser || !browser_file(&name)) {
            out.insert(format!("{BUNDLE}{dir}{name}"), file.contents);
        }
    }
    Ok(out)
}

/// Whether a file Pagefind made is published: the index's data, the entry
/// that names it, the search library with its worker, and the WebAssembly
/// for English. Pagefind's own interfaces (`pagefind-ui.js` and the rest),
/// its highlighter and its WebAssembly for other languages are left out:
/// the site has its own search page, and publishes nothing it does not use.
fn published(name: &str) -> bool {
    matches!(
        name,
        "pagefind.js" | "pagefind-worker.js" | "pagefind-entry.json"
    ) || name == format!("wasm.{LANGUAGE}.pagefind")
        || (name.starts_with("pagefind.") && name.ends_with(".pf_meta") && !name.contains('/'))
        || ["fragment/", "index/", "filter/"]
            .iter()
            .zip([".pf_fragment", ".pf_index", ".pf_filter"])
            .any(|(dir, ext)| {
                name.strip_prefix(dir)
                    .is_some_and(|rest| rest.ends_with(ext) && !rest.contains('/'))
            })
}

/// Whether a file Pagefind made is for the browser rather than the
/// index's data: the search library, its worker and the WebAssembly.
fn browser_file(name: &str) -> bool {
    matches!(name, "pagefind.js" | "pagefind-worker.js") || name.starts_with("wasm.")
}

/// Files handed on at once: the defences check and write each batch before
/// the next, so a large index is not held twice.
const BATCH: usize = 512;

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(n: usize, summary: &str) -> Record {
        Record::new(
            format!("decisions/{n:05}/"),
            &format!("Decision {n}"),
            Kind::Decision,
            summary.to_string(),
        )
    }

    #[test]
    fn decisions_are_split_into_parts_of_about_a_thousand_by_their_address() {
        let page = Record::new("help/".into(), "Help", Kind::Page, "Help.".into());
        let mut records = vec![page.clone()];
        records.extend((0..2500).map(|n| decision(n, "A summary.")));
        let (first, shards) = split(records.clone());
        assert_eq!(first, vec![page.clone()]);
        assert_eq!(shards.len(), 3);
        assert_eq!(
            shards.iter().map(|s| s.dir.as_str()).collect::<Vec<_>>(),
            ["decisions-1/", "decisions-2/", "decisions-3/"]
        );
        let mut all: Vec<&Record> = shards.iter().flat_map(|s| &s.records).collect();
        assert_eq!(all.len(), 2500);
        all.sort_by(|a, b| a.url.cmp(&b.url));
        all.dedup();
        assert_eq!(all.len(), 2500, "a decision in two parts");
        for shard in &shards {
            assert!(
                (600..1100).contains(&shard.records.len()),
                "{}",
                shard.records.len()
            );
            assert!(
                shard.records.windows(2).all(|w| w[0].url < w[1].url),
                "the site's order"
            );
        }
        // An edit to one decision changes its part alone.
        records[1234] = decision(1233, "Another summary.");
        let (_, edited) = split(records);
        let changed = shards.iter().zip(&edited).filter(|(a, b)| a != b).count();
        assert_eq!(changed, 1);
    }

    #[test]
    fn a_small_site_has_one_part_and_a_huge_one_no_more_than_the_most() {
        let (first, shards) = split((0..10).map(|n| decision(n, "S.")).collect());
        assert!(first.is_empty());
        assert_eq!(shards.len(), 1);
        assert_eq!(shards[0].records.len(), 10);
        let (_, shards) = split((0..40_000).map(|n| decision(n, "S.")).collect());
        assert_eq!(shards.len(), MAX_SHARDS);
        let (_, shards) = split(Vec::new());
        assert!(shards.is_empty());
        assert_eq!(parts_file(&[]), b"{\"merge\":[]}\n");
    }

    #[test]
    fn only_what_the_search_page_uses_is_published() {
        for name in [
            "pagefind.js",
            "pagefind-worker.js",
            "pagefind-entry.json",
            "wasm.en.pagefind",
            "pagefind.en_1a2b3c4d.pf_meta",
            "fragment/en_1a2b3c4.pf_fragment",
            "index/en_1a2b3c4.pf_index",
            "filter/en_1a2b3c4.pf_filter",
        ] {
            assert!(published(name), "{name}");
        }
        for name in [
            "pagefind-ui.js",
            "pagefind-ui.css",
            "pagefind-modular-ui.js",
            "pagefind-component-ui.js",
            "pagefind-highlight.js",
            "wasm.unknown.pagefind",
            "wasm.fr.pagefind",
            "playground/index.html",
            "fragment/x/y.pf_fragment",
            "fragment/a.html",
        ] {
            assert!(!published(name), "{name}");
        }
    }
}
