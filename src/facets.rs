//! The register's ways in: the public decisions, newest first, grouped by
//! year, electoral division, decision maker and status, and the key
//! decisions on their own; each group with an address of its own.
//!
//! Made from the public model only ([`PublicSite`]): every name a group
//! takes is one a public decision record carries (who decides and which
//! divisions a decision affects are published by law), so nothing withheld
//! can name a group, count in one or give a page its address. The
//! register's pages (`render`) and the feeds per division and per decision
//! maker (`opendata::feeds`) read the same groups, so a page and its feed
//! share a slug.
//!
//! Slugs are made deterministically and never shared: two names that
//! slugify alike (`Swale` and `swale`) are two groups with two addresses.
//! The name first used (by the lowest decision number) keeps the plain
//! slug; each other spelling takes the first free `-2`, `-3`, ... in order of
//! first use, never a slug that another name has as its own. Two spellings
//! of one name are usually a typo, so the build warns.
//!
//! No address segment made here looks like a decision's folder
//! (`decisions/22-00073/`): the groups live under `decisions/year/`,
//! `decisions/division/`, `decisions/maker/`, `decisions/status/` and
//! `decisions/key/`. This module must never iterate a hash map.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::document::{DecisionStatus, status_name};
use crate::slug::slugify;
use crate::visibility::{PublicDecision, PublicSite};

/// The path of the register, from the site's root.
pub const REGISTER: &str = "decisions/";

/// The folder, under a listing's own path, that holds its pages after the
/// first (`decisions/page/2/`, `decisions/year/2024/page/2/`).
pub const PAGE: &str = "page";

/// A way to filter the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacetKind {
    Status,
    Key,
    Year,
    Division,
    Maker,
}

impl FacetKind {
    /// The folder under `decisions/` that holds its groups.
    pub fn segment(self) -> &'static str {
        match self {
            FacetKind::Status => "status",
            FacetKind::Key => "key",
            FacetKind::Year => "year",
            FacetKind::Division => "division",
            FacetKind::Maker => "maker",
        }
    }

    /// What a filter of this kind is called, as the register shows it.
    pub fn title(self) -> &'static str {
        match self {
            FacetKind::Status => "Status",
            FacetKind::Key => "Key decisions",
            FacetKind::Year => "Year",
            FacetKind::Division => "Electoral division",
            FacetKind::Maker => "Decision maker",
        }
    }

    /// The path of the page that lists its groups (`decisions/division/`).
    pub fn index_path(self) -> String {
        format!("{REGISTER}{}/", self.segment())
    }
}

/// Decisions that share one value of a facet.
#[derive(Debug)]
pub struct Group<'a> {
    /// The value as the public record has it (`Swale`, `2024`), or as
    /// people read it (`Taken`, `Key decisions`).
    pub name: String,
    /// Its address segment (`swale`, `2024`, `taken`); for the key
    /// decisions, `key`.
    pub slug: String,
    /// The path of its first page, from the site's root (`decisions/division/swale/`).
    pub path: String,
    /// Its decisions, newest first.
    pub decisions: Vec<&'a PublicDecision>,
    /// Whether it is the division value that means every division (site.toml's
    /// `[electoral_divisions] all`, "All" unless given).
    pub all: bool,
}

/// One way to filter the register, with its groups in the order the
/// register lists them.
#[derive(Debug)]
pub struct Facet<'a> {
    pub kind: FacetKind,
    pub groups: Vec<Group<'a>>,
}

/// Every decision, newest first, and every way to filter them.
#[derive(Debug)]
pub struct Facets<'a> {
    /// Every public decision, newest first (by the date the register shows:
    /// taken, withdrawn or due; then by number, highest first).
    pub all: Vec<&'a PublicDecision>,
    /// In the order the register offers them: status, key decisions, year,
    /// electoral division, decision maker. A facet with no group (no key
    /// decisions) is still here, empty.
    pub facets: Vec<Facet<'a>>,
}

impl<'a> Facets<'a> {
    /// The facet of `kind`.
    pub fn get(&self, kind: FacetKind) -> &Facet<'a> {
        self.facets
            .iter()
            .find(|f| f.kind == kind)
            .expect("every kind of facet is made")
    }
}

/// The public decisions, newest first: by the date that places each in
/// time (taken, withdrawn or due), then by number, highest first; those
/// with no date last.
pub fn newest_first(site: &PublicSite) -> Vec<&PublicDecision> {
    let mut decisions: Vec<&PublicDecision> = site.decisions().iter().collect();
    decisions.sort_by(|a, b| {
        b.date()
            .cmp(&a.date())
            .then_with(|| b.number().cmp(a.number()))
    });
    decisions
}

/// Groups `site`'s decisions every way the register offers. Two names of
/// divisions or decision makers that would share an address are each given
/// one of their own, with a warning in `diagnostics`.
pub fn facets<'a>(site: &'a PublicSite, diagnostics: &mut Diagnostics) -> Facets<'a> {
    let all = newest_first(site);
    // Names in order of first use: by decision number, lowest first.
    let mut by_number: Vec<&PublicDecision> = site.decisions().iter().collect();
    by_number.sort_by(|a, b| a.number().cmp(b.number()));
    let divisions = named(
        FacetKind::Division,
        &by_number,
        &all,
        |d| d.electoral_divisions().iter().map(String::as_str).collect(),
        site.config().all_divisions(),
        diagnostics,
    );
    let makers = named(
        FacetKind::Maker,
        &by_number,
        &all,
        |d| vec![d.decision_maker()],
        "",
        diagnostics,
    );

    let mut years: BTreeMap<i32, Vec<&PublicDecision>> = BTreeMap::new();
    let mut statuses: Vec<(DecisionStatus, Vec<&PublicDecision>)> = [
        DecisionStatus::Proposed,
        DecisionStatus::Taken,
        DecisionStatus::CalledIn,
        DecisionStatus::Withdrawn,
    ]
    .into_iter()
    .map(|s| (s, Vec::new()))
    .collect();
    let mut key = Vec::new();
    for &d in &all {
        if let Some(date) = d.date() {
            years.entry(date.0.year()).or_default().push(d);
        }
        if let Some((_, list)) = statuses.iter_mut().find(|(s, _)| *s == d.status()) {
            list.push(d);
        }
        if d.key_decision() {
            key.push(d);
        }
    }
    let group = |kind: FacetKind, name: String, slug: String, decisions| Group {
        path: format!("{}{slug}/", kind.index_path()),
        name,
        slug,
        decisions,
        all: false,
    };
    let years = years
        .into_iter()
        .rev()
        .map(|(year, decisions)| {
            group(
                FacetKind::Year,
                year.to_string(),
                year.to_string(),
                decisions,
            )
        })
        .collect();
    let statuses = statuses
        .into_iter()
        .filter(|(_, decisions)| !decisions.is_empty())
        .map(|(status, decisions)| {
            // Named as its decisions show their status: the council's
            // labels (`[status_labels]`) where records give them, or ours.
            let shown: std::collections::BTreeSet<&str> =
                decisions.iter().map(|d| d.shown_status()).collect();
            let name = shown.into_iter().collect::<Vec<_>>().join(" or ");
            group(
                FacetKind::Status,
                name,
                status_name(status).into(),
                decisions,
            )
        })
        .collect();
    let key = match key.is_empty() {
        true => Vec::new(),
        false => vec![Group {
            name: FacetKind::Key.title().to_string(),
            slug: FacetKind::Key.segment().to_string(),
            path: FacetKind::Key.index_path(),
            decisions: key,
            all: false,
        }],
    };
    Facets {
        all,
        facets: vec![
            Facet {
                kind: FacetKind::Status,
                groups: statuses,
            },
            Facet {
                kind: FacetKind::Key,
                groups: key,
            },
            Facet {
                kind: FacetKind::Year,
                groups: years,
            },
            divisions,
            makers,
        ],
    }
}

/// A facet whose values are names written in the records (divisions,
/// decision makers): `names_of` gives a decision's. `by_number` is every
/// decision in number order (for first use), `all` newest first.
fn named<'a>(
    kind: FacetKind,
    by_number: &[&'a PublicDecision],
    all: &[&'a PublicDecision],
    names_of: impl Fn(&'a PublicDecision) -> Vec<&'a str>,
    all_divisions: &str,
    diagnostics: &mut Diagnostics,
) -> Facet<'a> {
    // Each name once, in order of first use, with the decision that first used it.
    let mut first_use: Vec<(&str, &PublicDecision)> = Vec::new();
    let mut seen = BTreeSet::new();
    for &d in by_number {
        for name in names_of(d) {
            if seen.insert(name) {
                first_use.push((name, d));
            }
        }
    }
    let names: Vec<&str> = first_use.iter().map(|(n, _)| *n).collect();
    let slugs = unique_slugs(&names);
    warn_of_shared_slugs(kind, &first_use, &slugs, diagnostics);

    let index: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut lists: Vec<Vec<&PublicDecision>> = vec![Vec::new(); names.len()];
    for &d in all {
        let mut own: Vec<&str> = names_of(d);
        // A division listed twice in one record lists the decision once.
        own.sort_unstable();
        own.dedup();
        for name in own {
            lists[index[name]].push(d);
        }
    }
    let mut groups: Vec<Group> = names
        .iter()
        .zip(slugs)
        .zip(lists)
        .map(|((name, slug), decisions)| Group {
            path: format!("{}{slug}/", kind.index_path()),
            all: kind == FacetKind::Division && *name == all_divisions,
            name: name.to_string(),
            slug,
            decisions,
        })
        .collect();
    // As people look for them: "All" first, then by name, ignoring case.
    groups.sort_by(|a, b| {
        b.all
            .cmp(&a.all)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.name.cmp(&b.name))
    });
    Facet { kind, groups }
}

/// A slug for each of `names` (distinct, in order of first use), no two
/// alike: the first name to slugify to a slug keeps it; a later one takes
/// the first of `-2`, `-3`, ... that no name has as its plain slug and no
/// earlier name has taken.
pub fn unique_slugs(names: &[&str]) -> Vec<String> {
    let plain: Vec<String> = names.iter().map(|n| slugify(n)).collect();
    let mut taken: BTreeSet<String> = plain.iter().cloned().collect();
    let mut owned: BTreeSet<&str> = BTreeSet::new();
    plain
        .iter()
        .map(|slug| {
            if owned.insert(slug.as_str()) {
                return slug.clone();
            }
            let mut n = 2;
            loop {
                let candidate = format!("{slug}-{n}");
                if taken.insert(candidate.clone()) {
                    return candidate;
                }
                n += 1;
            }
        })
        .collect()
}

/// A warning at each name that did not get its plain slug, naming the
/// spelling that has it.
fn warn_of_shared_slugs(
    kind: FacetKind,
    first_use: &[(&str, &PublicDecision)],
    slugs: &[String],
    diagnostics: &mut Diagnostics,
) {
    let mut owner: BTreeMap<String, (&str, &PublicDecision)> = BTreeMap::new();
    for ((name, d), slug) in first_use.iter().zip(slugs) {
        let plain = slugify(name);
        if *slug == plain {
            owner.insert(plain, (name, d));
            continue;
        }
        let (other, other_d) = owner[&plain];
        let what = match kind {
            FacetKind::Division => "electoral division",
            _ => "decision maker",
        };
        diagnostics.push(
            Diagnostic::warning(
                d.source_path(),
                format!(
                    "the {what} `{name}` is written differently in decision {} (`{other}`): each has a register page of its own, `{}{slug}/` and `{}{plain}/`",
                    other_d.number(),
                    kind.index_path(),
                    kind.index_path(),
                ),
            )
            .at(d.written_at(name, kind != FacetKind::Division))
            .help(format!(
                "write the {what} the same way in every record, so that its decisions are listed together"
            )),
        );
    }
}

/// The path of page `n` (from 1) of a listing whose first page is at `path`.
pub fn page_path(path: &str, n: usize) -> String {
    match n {
        0 | 1 => path.to_string(),
        n => format!("{path}{PAGE}/{n}/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_slugify_alike_get_slugs_of_their_own() {
        assert_eq!(
            unique_slugs(&["Swale", "Ashford Rural", "swale", "SWALE!"]),
            ["swale", "ashford-rural", "swale-2", "swale-3"]
        );
        // A suffix never takes another name's plain slug, whichever comes first.
        assert_eq!(
            unique_slugs(&["Swale", "swale", "Swale 2"]),
            ["swale", "swale-3", "swale-2"]
        );
        assert_eq!(
            unique_slugs(&["Swale 2", "Swale", "swale"]),
            ["swale-2", "swale", "swale-3"]
        );
        // The same names give the same slugs, run after run.
        let names = ["Leader of the Council", "Leader of the council.", "Cabinet"];
        assert_eq!(unique_slugs(&names), unique_slugs(&names));
    }

    #[test]
    fn later_pages_are_under_page() {
        assert_eq!(page_path("decisions/", 1), "decisions/");
        assert_eq!(page_path("decisions/", 2), "decisions/page/2/");
        assert_eq!(
            page_path("decisions/division/swale/", 12),
            "decisions/division/swale/page/12/"
        );
    }

    #[test]
    fn no_folder_of_the_register_looks_like_a_decisions_folder() {
        for kind in [
            FacetKind::Status,
            FacetKind::Key,
            FacetKind::Year,
            FacetKind::Division,
            FacetKind::Maker,
        ] {
            assert!(!crate::source::is_decision_folder(kind.segment()));
        }
        assert!(!crate::source::is_decision_folder(PAGE));
    }
}
