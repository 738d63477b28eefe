//! The build cache's keys: what each unit of pass 2 depends on.

use super::pass1::Pass1Folder;
use crate::{Options, cache, guard, scan, source, timetable, visibility};

/// The context of every cache key: this program, the options that change
/// what is made, and every input that is not a decision folder.
pub(super) fn context(
    build_id: cache::Digest,
    source: &source::Source,
    options: &Options,
) -> cache::Digest {
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
    for b in &source.branding {
        h.add(b.path.as_bytes()).add(&b.bytes);
    }
    for f in &source.statics {
        h.add(f.path.as_bytes()).add(&f.bytes);
    }
    // Decision folders are keyed by their own content; content/ holds
    // nothing else (source::read refuses anything elsewhere).
    h.finish()
}

/// The keys of pass 2's units.
pub(super) struct Keys {
    /// The context, the fingerprints, the guard's rules and "now": what every unit depends on.
    pub(super) base: Option<cache::Digest>,
    /// Each decision's listing hash, by number.
    pub(super) listings: std::collections::HashMap<String, cache::Digest>,
    /// The numbers that list each number as related.
    pub(super) backlinks: std::collections::HashMap<String, Vec<String>>,
    /// The site-wide pages' key.
    pub(super) site: Option<cache::Digest>,
}

impl Keys {
    /// The keys under `cache`'s context, the defences' rules and the
    /// listings of `folders`.
    pub(super) fn new(
        cache: &cache::Cache,
        (fingerprints, guard): (&scan::Fingerprints, &guard::Guard),
        site: &visibility::PublicSite,
        folders: &[Pass1Folder],
        as_of: timetable::AsOf,
    ) -> Keys {
        let Some(context) = cache.context() else {
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
        h.add(context)
            .add(&fingerprints.digest())
            .add(&guard.rules_digest());
        // "Now" (site.toml's `as_of`, `SOURCE_DATE_EPOCH` or the records'
        // latest date) decides what pages say is open to call-in, so every
        // page is made again when it moves.
        h.add(&serde_json::to_vec(&as_of).expect("a date and a name encode"));
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

    pub(super) fn site(&self) -> Option<cache::Digest> {
        self.site
    }

    /// A site-wide unit made only from what `digest` hashes (besides what
    /// every unit depends on): the register's rows, the search records.
    pub(super) fn part(&self, name: &str, digest: &[u8; 32]) -> Option<cache::Digest> {
        let mut h = cache::Hasher::new("site part");
        h.add(&self.base?).add(name.as_bytes()).add(digest);
        Some(h.finish())
    }

    /// The files describing the whole build depend on what the site-wide
    /// pages show of every decision, and on every path written (`written`).
    pub(super) fn finish(&self, written: &[String]) -> Option<cache::Digest> {
        let mut h = cache::Hasher::new("finish");
        h.add(&self.site?);
        for path in written {
            h.add(path.as_bytes());
        }
        Some(h.finish())
    }

    /// A decision's pages depend on its folder and on what they show of
    /// the decisions it relates to, or that relate to it.
    pub(super) fn decision(&self, f: &Pass1Folder) -> Option<cache::Digest> {
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
