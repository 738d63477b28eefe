//! The register's pages: every decision, newest first, [`PER_PAGE`] to a
//! page (`decisions/`, then `decisions/page/2/`, ...), and the same for each
//! group of [`crate::facets`]: by year, electoral division, decision maker
//! and status, and the key decisions (`decisions/division/swale/`,
//! `decisions/division/swale/page/2/`, ...), with a page listing each
//! facet's groups and their counts (`decisions/division/`).
//!
//! Each page is a unit of the build cache on its own, keyed by exactly what
//! it shows ([`Renderer::register_page_keys`]): an edit to one decision's
//! title makes again only the pages that list it. Pages are made one at a
//! time and forgotten, so the register never holds more than a few whatever
//! the size of the site; a page holds at most [`PER_PAGE`] decisions, so it
//! stays small (a test holds every page of a large site under 100 KB).
//!
//! The filter block at the top of each page is links, not a form. A static
//! host cannot turn a form's query string (`?division=swale`) into the page
//! that has it, so a GET form would lead nowhere without JavaScript, and the
//! site has none. Each value of a facet leads to its page (years, statuses
//! and key decisions on every page; divisions and decision makers, which
//! can be many, on a page of their own), and the chosen filter is shown with
//! a link that removes it. Combinations (one division in one year) have no
//! page: `data/decisions.csv` has every decision for that.
//!
//! Like every page, these take only the public model (the groups are made
//! from it: [`crate::facets`]).

use serde::Serialize;

use super::{Link, Renderer, SitePart, summary_of};
use crate::facets::{self, FacetKind, Group, REGISTER};
use crate::output::Files;
use crate::visibility::PublicDecision;

/// Decisions on one page of the register.
pub const PER_PAGE: usize = 50;

/// What `register.html` receives besides `site` and `page`: one page of
/// the register, or of one of its filters.
#[derive(Serialize)]
struct RegisterView {
    /// The listing's title, without the page number that `page.title` has.
    heading: String,
    /// This page's decisions, newest first.
    decisions: Vec<RegisterRow>,
    /// How many decisions the listing has, on all its pages.
    count: usize,
    /// Where this page's first and last decisions are in the listing
    /// (from 1); both 0 when it has none.
    first: usize,
    last: usize,
    /// The filter this listing is, or none for the whole register.
    filter: Option<SelectedFilter>,
    /// The ways to filter the register, for the filter block.
    filters: Vec<FilterView>,
    /// Links to the listing's other pages, or none when it has one page.
    pagination: Option<Pagination>,
    /// The Atom feed of the listing, from the site's root, or none.
    feed: Option<String>,
    /// On a division's page, the page of decisions that affect every
    /// division, or none.
    all_divisions: Option<Link>,
}

/// The filter a listing is, in [`RegisterView::filter`].
#[derive(Serialize)]
struct SelectedFilter {
    /// The facet (`Electoral division`).
    facet: &'static str,
    /// Its value, as people read it (`Swale`).
    value: String,
    /// The page without the filter (the register), from the site's root.
    remove_href: String,
}

/// One way to filter, in [`RegisterView::filters`].
#[derive(Serialize)]
struct FilterView {
    /// `Status`, `Year`, `Electoral division`, ...
    title: &'static str,
    /// The page that lists every value with its count, from the site's
    /// root; none for the key decisions (a single value).
    href: Option<String>,
    /// How many values the facet has.
    count: usize,
    /// The values, each with its page; empty where there can be many
    /// (divisions, decision makers): the page at `href` lists them.
    values: Vec<FilterValue>,
    /// Where `values` is empty, the words of the link to `href` (`Choose
    /// an electoral division`); none otherwise.
    choose: Option<&'static str>,
}

/// A value of a facet with its page, in [`FilterView::values`] and on
/// `register-facet.html`.
#[derive(Serialize)]
struct FilterValue {
    title: String,
    /// Its first page, from the site's root.
    href: String,
    /// How many decisions it has.
    count: usize,
    /// Whether it is the filter of the page shown.
    selected: bool,
}

/// The GOV.UK Design System's pagination, in [`RegisterView::pagination`].
#[derive(Serialize)]
pub(super) struct Pagination {
    /// The page before, from the site's root, or none on the first page.
    previous: Option<String>,
    /// The page after, or none on the last page.
    next: Option<String>,
    /// The first and last pages, the current one and its neighbours, in
    /// order, with an ellipsis (`number` none) for each gap.
    items: Vec<PageItem>,
    /// This page's number, from 1.
    current: usize,
    /// How many pages the listing has.
    total: usize,
}

#[derive(Serialize)]
pub(super) struct PageItem {
    /// The page's number, or none for an ellipsis.
    number: Option<usize>,
    /// Its path, from the site's root; none for an ellipsis.
    href: Option<String>,
    current: bool,
}

/// What `register-facet.html` receives besides `site` and `page`: one way
/// to filter the register, with every value.
#[derive(Serialize)]
struct FacetIndexView {
    /// `Year`, `Electoral division`, ...
    facet: &'static str,
    /// Each value with its first page and count, in the register's order.
    values: Vec<FilterValue>,
}

/// One page of the register ([`Renderer::register_pages`]), made on its own.
#[derive(Debug, Clone, Copy)]
pub enum RegisterPage {
    /// Page `n` (from 1) of the whole register.
    Whole(usize),
    /// Page `n` of group `group` of facet `facet` (places in the facets).
    Group(usize, usize, usize),
    /// The page of facet `facet`'s values.
    Index(usize),
}

/// What one register page is made from ([`Renderer::register_page`]).
struct PageMade<'s> {
    template: &'static str,
    path: String,
    meta: super::PageMeta,
    view: PageView,
    /// The decisions it lists.
    shown: &'s [&'s PublicDecision],
}

/// What a register page's template receives besides `site` and `page`.
#[derive(Serialize)]
#[serde(untagged)]
enum PageView {
    Listing(Box<RegisterView>),
    Index(FacetIndexView),
}

/// A decision as the register shows it (not its summary). Each row is made
/// from the decision's listing alone, so a page's cache key holds the
/// listings of the decisions it shows rather than its rows
/// ([`Renderer::register_page_keys`]).
#[derive(Serialize)]
struct RegisterRow {
    number: String,
    title: String,
    href: String,
    status: &'static str,
    /// The council's word for the status, or ours.
    status_label: String,
    decision_maker: String,
    key_decision: bool,
    electoral_divisions: Vec<String>,
    date: Option<String>,
    date_label: &'static str,
    /// The date in words with its preposition ("on or after 1 September 2024").
    date_words: Option<String>,
}

fn row_of(d: &PublicDecision) -> RegisterRow {
    let s = summary_of(d);
    RegisterRow {
        number: s.number,
        title: s.title,
        href: s.href,
        status: s.status,
        status_label: s.status_label,
        decision_maker: s.decision_maker,
        key_decision: s.key_decision,
        electoral_divisions: s.electoral_divisions,
        date: s.date,
        date_label: s.date_label,
        date_words: s.date_words,
    }
}

/// One listing of the register: the whole of it, or one group.
struct Listing<'g> {
    /// The path of its first page, from the site's root.
    path: String,
    heading: String,
    description: String,
    decisions: &'g [&'g PublicDecision],
    /// The facet and group it is, or none for the whole register.
    filter: Option<(FacetKind, &'g Group<'g>)>,
    feed: Option<String>,
}

impl<'a> Renderer<'a> {
    /// Every page of the register, in order: the whole register's, then
    /// each facet's page of values and its groups' pages.
    pub fn register_pages(&self) -> Vec<RegisterPage> {
        let pages = |n: usize| n.div_ceil(PER_PAGE).max(1);
        let mut out: Vec<RegisterPage> = (1..=pages(self.facets.all.len()))
            .map(RegisterPage::Whole)
            .collect();
        for (f, facet) in self.facets.facets.iter().enumerate() {
            if facet.kind != FacetKind::Key {
                out.push(RegisterPage::Index(f));
            }
            for (g, group) in facet.groups.iter().enumerate() {
                out.extend(
                    (1..=pages(group.decisions.len())).map(|n| RegisterPage::Group(f, g, n)),
                );
            }
        }
        out
    }

    /// For each of `pages`, its path from the site's root and a hash of
    /// everything it is made from besides the site's settings and templates
    /// (which every cache key holds): what every page knows of the site,
    /// its template, meta, filters and pagination, and the listing of each
    /// decision it shows, hashed by `listing` (the build's hash of what the
    /// site-wide pages show of a decision). Equal digests make equal pages:
    /// an edit to one decision makes again only the pages that list it.
    pub fn register_page_keys(
        &self,
        pages: &[RegisterPage],
        listing: &(dyn Fn(&PublicDecision) -> [u8; 32] + Sync),
    ) -> Vec<(String, [u8; 32])> {
        use rayon::prelude::*;
        let site = self.site_view_hash();
        pages
            .par_iter()
            .map(|page| {
                // The view without its rows, which are made from the listings.
                let made = self.register_page(*page, false);
                let mut h = blake3::Hasher::new();
                h.update(&super::page_key(
                    &site,
                    made.template,
                    &made.meta,
                    &made.view,
                ));
                for d in made.shown {
                    h.update(&(d.number().len() as u64).to_le_bytes());
                    h.update(d.number().as_bytes());
                    h.update(&listing(d));
                }
                (made.path, *h.finalize().as_bytes())
            })
            .collect()
    }

    /// One page of the register, as a part of the site-wide files.
    pub fn register_page_part(&self, page: RegisterPage) -> SitePart<'_> {
        SitePart::new(move |emit, diagnostics| {
            let made = self.register_page(page, true);
            let mut files = Files::default();
            let (template, path) = (made.template, made.path);
            self.page(
                &mut files,
                template,
                &path,
                made.meta,
                made.view,
                diagnostics,
            )?;
            emit.files(files);
            Ok(None)
        })
    }

    /// What one page is made from (its view without its rows unless
    /// `rows`), and the decisions it shows.
    fn register_page(&self, page: RegisterPage, rows: bool) -> PageMade<'_> {
        match page {
            RegisterPage::Whole(n) => {
                let whole = Listing {
                    path: REGISTER.to_string(),
                    heading: "Decisions".into(),
                    description: "Every decision on this site, newest first: what it is, who makes it and where it has got to.".into(),
                    decisions: &self.facets.all,
                    filter: None,
                    feed: Some("feeds/decisions.xml".into()),
                };
                self.listing_page(&whole, n, rows)
            }
            RegisterPage::Group(f, g, n) => {
                let facet = &self.facets.facets[f];
                self.listing_page(&listing_of(facet.kind, &facet.groups[g]), n, rows)
            }
            RegisterPage::Index(f) => self.facet_index(self.facets.facets[f].kind),
        }
    }

    /// Page `n` (from 1) of `listing`, with its rows when `rows`.
    fn listing_page<'s>(&self, listing: &Listing<'s>, n: usize, rows: bool) -> PageMade<'s> {
        let total = listing.decisions.len().div_ceil(PER_PAGE).max(1);
        let selected = listing.filter.map(|(kind, g)| (kind, g.slug.as_str()));
        let start = (n - 1) * PER_PAGE;
        let shown = &listing.decisions[start..(start + PER_PAGE).min(listing.decisions.len())];
        let path = facets::page_path(&listing.path, n);
        let title = match total {
            1 => listing.heading.clone(),
            _ => format!("{} (page {n} of {total})", listing.heading),
        };
        let mut breadcrumbs = vec![Link {
            title: "Home".into(),
            href: String::new(),
        }];
        if n > 1 || listing.filter.is_some() {
            breadcrumbs.push(Link {
                title: "Decisions".into(),
                href: REGISTER.into(),
            });
        }
        if let Some((kind, _)) = listing.filter.filter(|(k, _)| *k != FacetKind::Key) {
            breadcrumbs.push(Link {
                title: index_title(kind).into(),
                href: kind.index_path(),
            });
        }
        let meta = self.meta(
            &title,
            &listing.description,
            &path,
            "decisions",
            breadcrumbs,
        );
        let view = RegisterView {
            heading: listing.heading.clone(),
            decisions: match rows {
                true => shown.iter().map(|d| row_of(d)).collect(),
                false => Vec::new(),
            },
            count: listing.decisions.len(),
            first: if shown.is_empty() { 0 } else { start + 1 },
            last: start + shown.len(),
            filter: listing.filter.map(|(kind, group)| SelectedFilter {
                facet: kind.title(),
                value: value_title(kind, group),
                remove_href: REGISTER.into(),
            }),
            filters: self.filter_views(selected),
            pagination: pagination(&listing.path, n, total),
            feed: listing.feed.clone(),
            all_divisions: self.all_divisions(listing),
        };
        PageMade {
            template: "register.html",
            path,
            meta,
            view: PageView::Listing(Box::new(view)),
            shown,
        }
    }

    /// The filter block's facets, with `selected` (a facet and a group's
    /// slug) marked.
    fn filter_views(&self, selected: Option<(FacetKind, &str)>) -> Vec<FilterView> {
        self.facets
            .facets
            .iter()
            .filter(|f| !f.groups.is_empty())
            .map(|f| {
                let listed = matches!(f.kind, FacetKind::Status | FacetKind::Key | FacetKind::Year);
                let values = match listed {
                    true => f
                        .groups
                        .iter()
                        .map(|g| filter_value(f.kind, g, selected))
                        .collect(),
                    false => Vec::new(),
                };
                FilterView {
                    title: f.kind.title(),
                    href: (f.kind != FacetKind::Key).then(|| f.kind.index_path()),
                    count: f.groups.len(),
                    values,
                    choose: (!listed).then_some(match f.kind {
                        FacetKind::Division => "Choose an electoral division",
                        _ => "Choose a decision maker",
                    }),
                }
            })
            .collect()
    }

    /// The page of one facet's values (`decisions/division/`).
    fn facet_index(&self, kind: FacetKind) -> PageMade<'_> {
        let facet = self.facets.get(kind);
        let path = kind.index_path();
        let meta = self.meta(
            index_title(kind),
            index_description(kind),
            &path,
            "decisions",
            super::section_crumbs("Decisions", REGISTER),
        );
        let view = FacetIndexView {
            facet: kind.title(),
            values: facet
                .groups
                .iter()
                .map(|g| filter_value(kind, g, None))
                .collect(),
        };
        PageMade {
            template: "register-facet.html",
            path,
            meta,
            view: PageView::Index(view),
            shown: &[],
        }
    }

    /// On the page of one division (not "All"), a link to the page of the
    /// decisions that affect every division, when there are any.
    fn all_divisions(&self, listing: &Listing) -> Option<Link> {
        let (FacetKind::Division, group) = listing.filter? else {
            return None;
        };
        if group.all {
            return None;
        }
        let all = self
            .facets
            .get(FacetKind::Division)
            .groups
            .iter()
            .find(|g| g.all)?;
        Some(Link {
            title: value_title(FacetKind::Division, all),
            href: all.path.clone(),
        })
    }
}

/// The listing of one group of a facet.
fn listing_of<'g>(kind: FacetKind, group: &'g Group<'g>) -> Listing<'g> {
    let name = &group.name;
    let (heading, description, feed) = match kind {
        FacetKind::Year => (
            format!("Decisions in {name}"),
            format!("Decisions taken, withdrawn or due in {name}, newest first."),
            None,
        ),
        FacetKind::Division => {
            let (heading, description) = match group.all {
                true => (
                    "Decisions affecting all electoral divisions".to_string(),
                    "Decisions that affect every electoral division, newest first.".to_string(),
                ),
                _ => (
                    format!("Decisions affecting {name}"),
                    format!("Decisions that affect the electoral division of {name}, newest first."),
                ),
            };
            let feed = format!("feeds/divisions/{}.xml", group.slug);
            (heading, description, Some(feed))
        }
        FacetKind::Maker => (
            format!("Decisions by the {name}"),
            format!("Decisions made or proposed by the {name}, newest first."),
            Some(format!("feeds/decision-makers/{}.xml", group.slug)),
        ),
        FacetKind::Status => {
            // The council's own words, when its records give them.
            let heading = match status_label_of(&group.slug) == group.name {
                true => status_heading(&group.slug).to_string(),
                false => format!("{}: {}", status_heading(&group.slug), group.name),
            };
            let description = format!("{heading}, newest first.");
            (heading, description, None)
        }
        FacetKind::Key => (
            "Key decisions".to_string(),
            "Key decisions only, newest first: those likely to mean significant spending or savings, or to affect communities in two or more electoral divisions.".to_string(),
            None,
        ),
    };
    Listing {
        path: group.path.clone(),
        heading,
        description,
        decisions: &group.decisions,
        filter: Some((kind, group)),
        feed,
    }
}

fn filter_value(
    kind: FacetKind,
    group: &Group,
    selected: Option<(FacetKind, &str)>,
) -> FilterValue {
    FilterValue {
        title: value_title(kind, group),
        href: group.path.clone(),
        count: group.decisions.len(),
        selected: selected == Some((kind, group.slug.as_str())),
    }
}

/// A group's value as people read it.
fn value_title(kind: FacetKind, group: &Group) -> String {
    match kind {
        FacetKind::Division if group.all => "All electoral divisions".into(),
        FacetKind::Key => "Key decisions only".into(),
        _ => group.name.clone(),
    }
}

/// Our own word for a status, by its slug.
fn status_label_of(slug: &str) -> &'static str {
    use crate::document::{DecisionStatus, status_label, status_name};
    DecisionStatus::ALL
        .iter()
        .find(|s| status_name(**s) == slug)
        .map_or("", |s| status_label(*s))
}

/// The title of the page of one status, by its slug.
fn status_heading(slug: &str) -> &'static str {
    use crate::document::{DecisionStatus, status_name};
    match slug {
        s if s == status_name(DecisionStatus::Proposed) => "Proposed decisions",
        s if s == status_name(DecisionStatus::Taken) => "Decisions taken",
        s if s == status_name(DecisionStatus::CalledIn) => "Decisions called in",
        _ => "Withdrawn decisions",
    }
}

fn index_title(kind: FacetKind) -> &'static str {
    match kind {
        FacetKind::Year => "Decisions by year",
        FacetKind::Division => "Decisions by electoral division",
        FacetKind::Maker => "Decisions by decision maker",
        FacetKind::Status => "Decisions by status",
        FacetKind::Key => "Key decisions",
    }
}

fn index_description(kind: FacetKind) -> &'static str {
    match kind {
        FacetKind::Year => "Choose a year to see the decisions taken, withdrawn or due in it.",
        FacetKind::Division => "Choose an electoral division to see the decisions that affect it.",
        FacetKind::Maker => {
            "Choose a decision maker to see the decisions they made or propose to make."
        }
        FacetKind::Status => "Choose a status to see the decisions that have reached it.",
        FacetKind::Key => "Key decisions only.",
    }
}

/// The GOV.UK pagination of page `current` of `total` for the listing at
/// `path`: the first and last pages, the current one and those either side
/// of it, with an ellipsis for each gap of more than one page (a gap of one
/// shows that page). None for a listing of one page.
pub(super) fn pagination(path: &str, current: usize, total: usize) -> Option<Pagination> {
    if total <= 1 {
        return None;
    }
    let mut shown: Vec<usize> = [1, current.saturating_sub(1), current, current + 1, total]
        .into_iter()
        .filter(|n| (1..=total).contains(n))
        .collect();
    shown.sort_unstable();
    shown.dedup();
    let link = |n: usize, current: bool| PageItem {
        number: Some(n),
        href: Some(facets::page_path(path, n)),
        current,
    };
    let mut items = Vec::new();
    let mut before = 0;
    for n in shown {
        match n - before {
            1 => {}
            2 => items.push(link(before + 1, false)),
            _ => items.push(PageItem {
                number: None,
                href: None,
                current: false,
            }),
        }
        items.push(link(n, n == current));
        before = n;
    }
    Some(Pagination {
        previous: (current > 1).then(|| facets::page_path(path, current - 1)),
        next: (current < total).then(|| facets::page_path(path, current + 1)),
        items,
        current,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page numbers shown, 0 for an ellipsis, the current one in brackets.
    fn shown(current: usize, total: usize) -> String {
        let p = pagination("decisions/", current, total).unwrap();
        p.items
            .iter()
            .map(|i| match (i.number, i.current) {
                (None, _) => "…".to_string(),
                (Some(n), true) => format!("[{n}]"),
                (Some(n), false) => n.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn pagination_shows_the_ends_the_neighbours_and_ellipses() {
        assert!(pagination("decisions/", 1, 1).is_none());
        assert_eq!(shown(1, 2), "[1] 2");
        assert_eq!(shown(1, 200), "[1] 2 … 200");
        assert_eq!(shown(3, 200), "1 2 [3] 4 … 200");
        assert_eq!(shown(4, 200), "1 2 3 [4] 5 … 200");
        assert_eq!(shown(5, 200), "1 … 4 [5] 6 … 200");
        assert_eq!(shown(200, 200), "1 … 199 [200]");
        assert_eq!(shown(197, 200), "1 … 196 [197] 198 199 200");
        let p = pagination("decisions/year/2024/", 2, 3).unwrap();
        assert_eq!(p.previous.as_deref(), Some("decisions/year/2024/"));
        assert_eq!(p.next.as_deref(), Some("decisions/year/2024/page/3/"));
        assert_eq!(
            p.items[1].href.as_deref(),
            Some("decisions/year/2024/page/2/")
        );
        let first = pagination("decisions/", 1, 3).unwrap();
        assert!(first.previous.is_none());
        let last = pagination("decisions/", 3, 3).unwrap();
        assert!(last.next.is_none());
    }
}
