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

/// The index's files, by path from the site's root (under [`BUNDLE`]), in
/// path order: Pagefind's data files and the browser files that read them.
pub fn index(records: Vec<Record>) -> Result<BTreeMap<String, Vec<u8>>, IndexError> {
    // In a rayon pool of its own: Pagefind uses rayon inside the runtime,
    // and a thread of the shared pool waiting there may take up other work,
    // such as another build's index in the same process (tests, `serve`),
    // which would then start a runtime inside this one and panic. This
    // pool's threads take up only this index's work.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(rayon::current_num_threads())
        .thread_name(|i| format!("search-index-{i}"))
        .build()
        .map_err(|e| IndexError(format!("{e:#}")))?;
    pool.install(|| index_here(records))
}

fn index_here(records: Vec<Record>) -> Result<BTreeMap<String, Vec<u8>>, IndexError> {
    let failed = |e: &dyn std::fmt::Display| IndexError(format!("{e:#}"));
    // Pagefind's API is async; a runtime of one thread drives it. (Pagefind
    // hands each record to the runtime's blocking threads, and builds the
    // index on rayon's.)
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| failed(&e))?;
    let files = runtime.block_on(async move {
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
        index.get_files().await.map_err(|e| failed(&e))
    })?;
    let mut out = BTreeMap::new();
    for file in files {
        let name = file.filename.to_string_lossy().replace('\\', "/");
        if published(&name) {
            out.insert(format!("{BUNDLE}{name}"), file.contents);
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

/// Files handed on at once: the defences check and write each batch before
/// the next, so a large index is not held twice.
const BATCH: usize = 512;

/// Makes the index of `records` ([`records`] of a site) and hands its
/// files to `emit` a batch at a time.
pub fn publish(records: Vec<Record>, emit: &mut dyn Emit) -> Result<(), IndexError> {
    let files = index(records)?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
