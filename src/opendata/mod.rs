//! Open data: the public model written again in the standards that data users
//! already read, each beside the pages under `/data/` and `/feeds/`.
//!
//! - [`tables`]: CSV and JSON downloads of decisions, documents and every dataset;
//! - [`datapackage`]: a Frictionless Data Package describing every CSV;
//! - [`openreferral`]: provider listings as Open Referral UK (HSDS 3.0 UK profile);
//! - [`ocds`]: the procurement as an Open Contracting Data Standard 1.1 release package;
//! - [`feeds`]: Atom feeds and an iCalendar file of decisions;
//! - [`forward_plan`]: the forward plan as an Atom feed and an iCalendar file;
//! - [`sitemap`]: `sitemap.xml` and `robots.txt`;
//! - [`jsonld`]: schema.org descriptions embedded in pages.
//!
//! Every function takes the sealed [`PublicSite`] (or files already rendered
//! from it) and adds files through [`Files::add`]; nothing here can see an
//! exempt source, and the output scan checks every byte written here anyway.
//! This module must never read the clock or iterate a hash map: the same
//! content must give byte-identical files.

pub mod datapackage;
pub mod feeds;
pub mod forward_plan;
pub mod jsonld;
pub mod ocds;
pub mod openreferral;
pub mod sitemap;
pub mod tables;

use serde::Serialize;

use crate::facets::Facets;
use crate::output::{Emit, Files, Writer};
use crate::visibility::{PublicSite, WithheldNotice};

/// One file offered on the /data/ page.
#[derive(Debug, Clone, Serialize)]
pub struct Download {
    pub title: String,
    /// Plain words: what one row or entry is.
    pub description: String,
    /// Relative to /data/.
    pub href: String,
    /// "CSV", "JSON", "Atom feed"...
    pub format: &'static str,
    pub media_type: &'static str,
    pub bytes: usize,
    /// "2 KB", for people.
    pub size: String,
    /// Rows or entries, when counting them means something.
    pub rows: Option<usize>,
    /// What was held back from this file, with its notices.
    pub withheld: Vec<WithheldNotice>,
}

/// Every open-data file made ([`drafts`], then [`catalogue`]), grouped as the /data/ page shows it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Catalogue {
    /// Tables: CSV and JSON.
    pub tables: Vec<Download>,
    /// Files in a named standard (Data Package, Open Referral UK, OCDS).
    pub standards: Vec<Download>,
    /// Feeds and calendars to subscribe to.
    pub feeds: Vec<Download>,
    /// schema.org JSON-LD for the /data/ page (a DataCatalog of Datasets).
    #[serde(skip)]
    pub jsonld: String,
}

/// Where the /data/ page lists a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Tables,
    Standards,
    Feeds,
}

/// Every open-data file under `data/` and `feeds/` but the Data Package
/// (which describes the tables once they are made), as drafts not yet
/// made, in the order the /data/ page lists them: each can be made on its
/// own, side by side with the others, by [`publish`].
/// The feeds per division and per decision maker are `facets`' groups.
pub fn drafts<'a>(site: &'a PublicSite, facets: &Facets) -> Vec<(Section, Draft<'a>)> {
    let mut drafts = Vec::new();
    tables::render(site, &mut |d| drafts.push((Section::Tables, d)));
    let standards = openreferral::render(site)
        .into_iter()
        .chain(ocds::render(site));
    drafts.extend(standards.map(|d| (Section::Standards, d)));
    let feeds = feeds::render(site, facets)
        .into_iter()
        .chain(forward_plan::render(site));
    drafts.extend(feeds.map(|d| (Section::Feeds, d)));
    drafts
}

/// Once every draft is made (`made`: what [`publish`] said of each, in
/// the order of [`drafts`]), the Data Package describing the tables,
/// handed to `emit`, and the catalogue for the /data/ page.
pub fn catalogue(
    site: &PublicSite,
    made: Vec<(Section, Download)>,
    emit: &mut dyn Emit,
) -> Catalogue {
    let mut catalogue = Catalogue::default();
    let mut standards = Vec::new();
    for (section, d) in made {
        match section {
            Section::Tables => catalogue.tables.push(d),
            Section::Standards => standards.push(d),
            Section::Feeds => catalogue.feeds.push(d),
        }
    }
    // The Data Package first among the standards, as it describes the tables.
    let package = datapackage::render(site, &catalogue.tables);
    catalogue.standards.push(publish(emit, package));
    catalogue.standards.extend(standards);
    catalogue.jsonld = jsonld::data_catalog(site, &catalogue);
    catalogue
}

/// Hands a draft's file on and keeps what the /data/ page says about it.
pub fn publish(emit: &mut dyn Emit, mut d: Draft) -> Download {
    let body = std::mem::replace(&mut d.body, Body::Bytes(Vec::new()));
    let bytes = match body {
        Body::Bytes(bytes) => {
            let size = bytes.len();
            let mut files = Files::default();
            files.add(d.path.clone(), bytes);
            emit.files(files);
            size
        }
        Body::Stream(write) => emit.stream(&d.path, write),
    };
    listed(d, bytes)
}

/// What the /data/ page says of a draft's file, of `bytes` bytes, once
/// made (now, or by an earlier build whose file is reused).
pub fn listed(d: Draft, bytes: usize) -> Download {
    Download {
        title: d.title,
        description: d.description,
        // Relative to the /data/ page that lists it.
        href: match d.path.strip_prefix("data/") {
            Some(rest) => rest.to_string(),
            None => format!("../{}", d.path),
        },
        format: d.format,
        media_type: d.media_type,
        bytes,
        size: size_label(bytes),
        rows: d.rows,
        withheld: d.withheld,
    }
}

/// The files that describe the whole build once every other file is known,
/// handed to `emit`: `sitemap.xml` and `robots.txt`. `written` is every path
/// written, sorted.
pub fn finish(site: &PublicSite, written: &[String], emit: &mut dyn Emit) {
    sitemap::render(site, written, emit);
}

/// A file about to be written, with what the /data/ page says about it.
pub struct Draft<'a> {
    /// From the site root: `data/decisions.csv`.
    pub path: String,
    pub body: Body<'a>,
    pub title: String,
    pub description: String,
    pub format: &'static str,
    pub media_type: &'static str,
    pub rows: Option<usize>,
    pub withheld: Vec<WithheldNotice>,
    /// What the file's bytes are made from besides the program and the
    /// site's settings, hashed when asked for ([`Key`]); with one, the file
    /// is a unit of the build cache on its own, made again only when its
    /// key changes. Without, it is made again whenever anything on the site
    /// is.
    pub key: Option<Key<'a>>,
}

/// A draft's key, worked out once when first asked for, so that it can be
/// worked out beside the others; files made from the same rows (a CSV and
/// its JSON) share one.
#[derive(Clone)]
pub struct Key<'a> {
    hash: std::sync::Arc<std::sync::OnceLock<[u8; 32]>>,
    make: std::sync::Arc<dyn Fn() -> [u8; 32] + Send + Sync + 'a>,
}

impl<'a> Key<'a> {
    /// The key of files made from the rows `rows` gives and nothing else
    /// of the site (their paths, headers and layout are the program's):
    /// each row as compact JSON, which reads only one way and holds no line
    /// break, one a line. Rows are cheap to make again; writing, hashing
    /// and comparing a file of them is not.
    pub fn of_rows<T: Serialize, I: IntoIterator<Item = T>>(
        rows: impl Fn() -> I + Send + Sync + 'a,
    ) -> Key<'a> {
        Key {
            hash: Default::default(),
            make: std::sync::Arc::new(move || {
                use std::io::Write;
                let mut hasher = blake3::Hasher::new();
                {
                    // Hashed in large blocks, which the hasher takes several at a time.
                    let mut out = std::io::BufWriter::with_capacity(1 << 16, &mut hasher);
                    for row in rows() {
                        serde_json::to_writer(&mut out, &row).expect("a row encodes");
                        out.write_all(b"\n").expect("hashing cannot fail");
                    }
                    out.flush().expect("hashing cannot fail");
                }
                *hasher.finalize().as_bytes()
            }),
        }
    }

    pub fn get(&self) -> [u8; 32] {
        *self.hash.get_or_init(|| (self.make)())
    }
}

/// A file's bytes: made whole, or written as they are made.
pub enum Body<'a> {
    Bytes(Vec<u8>),
    /// For a file that grows with the site: it is never held whole.
    Stream(Writer<'a>),
}

/// The absolute address of a path on the site.
pub fn absolute(site: &PublicSite, path: &str) -> String {
    format!("{}{}", site.config().base_url, path)
}

/// A stable identifier for a thing on this site: a name-based UUID (RFC 9562
/// version 5) of the site's address and the thing's key, so identifiers never
/// change between builds and never collide between councils.
pub fn stable_uuid(site: &PublicSite, key: &str) -> String {
    uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("{}#{key}", site.config().base_url).as_bytes(),
    )
    .to_string()
}

/// Pretty JSON with a final newline, so files diff well.
pub fn json_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = Vec::new();
    json_write(&mut bytes, value).expect("serialising plain data to memory");
    bytes
}

/// [`json_bytes`], written to `out` as it is made.
pub fn json_write<T: Serialize, W: std::io::Write>(mut out: W, value: &T) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, value)?;
    out.write_all(b"\n")
}

/// "850 bytes", "3 KB", "1.2 MB".
pub fn size_label(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// A lower-case, hyphenated slug for file names of feeds.
pub fn slug(text: &str) -> String {
    crate::slug::slugify(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size_label(850), "850 bytes");
        assert_eq!(size_label(2048), "2 KB");
        assert_eq!(size_label(2049), "3 KB");
    }
}
