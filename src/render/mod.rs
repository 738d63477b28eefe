//! Rendering the public model into pages and files.
//!
//! Takes only a [`PublicSite`]: there is nothing exempt here to render. Each
//! template runs with strict undefined behaviour and HTML auto-escaping, and
//! may be overridden by a file of the same name in the site's `templates/`.
//! What a template is given is a typed view, never a map built from string
//! keys: a `PageView` holds `site` (site.toml's settings) and `page`
//! (`PageMeta`), and beside them the fields of the one view struct its
//! template receives (`HomeView`, `DecisionView`, `PaperView`, ...), built
//! from smaller views such as `DecisionSummary`. A field's name is the name
//! templates read, and a site's template overrides depend on it: renaming or
//! removing a field breaks a council's templates. A field that is `None` is
//! still there, as none. A misspelt name in a template is an error, not an
//! empty string.

use std::collections::{BTreeMap, BTreeSet};

use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Serialize;

mod register;
pub use register::RegisterPage;

use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::document::{DecisionStatus, Kind, status_name};
use crate::markdown::{self, Context, Rendered};
use crate::output::{Emit, Files};
use crate::slug::{provider_path, slugify};
use crate::templates::BUILTIN;
use crate::visibility::{
    PublicAttachment, PublicDataset, PublicDecision, PublicPaper, PublicSite, WithheldNotice,
    lower_first,
};

mod exempt;
mod forward;

use forward::{CallInView, NoticeView, PrivateMeetingView};

const STYLESHEET: &str = include_str!("../assets/style.css");

/// The search page's script: ours, published at `assets/search.js` and
/// loaded by `search.html` alone. It is part of plainsight, like the
/// templates: content can never add a script (raw HTML in Markdown is
/// refused, and a logo must be a bitmap), so this is the only JavaScript a
/// built-in page runs, and no page needs it but to search.
const SEARCH_SCRIPT: &str = include_str!("../assets/search.js");

/// A failure in a built-in template: a bug in plainsight, not the content.
#[derive(Debug)]
pub struct TemplateBug(pub String);

/// What every template receives: the site's settings, the page's own
/// details and, beside them, the fields of the page's view (`HomeView`,
/// `DecisionView`, ...), so that a template reads `latest`, not
/// `view.latest`. No view has a field named `site` or `page`.
#[derive(Serialize)]
struct PageView<'a, T: Serialize> {
    /// site.toml's settings (`SiteConfig`), made a template value once.
    site: &'a Value,
    page: PageMeta,
    #[serde(flatten)]
    view: T,
}

/// A hash of a page's template name, meta and view, with what every page
/// knows of the site (`site`: [`Renderer::site_view_hash`]): given the
/// whole view, equal keys make equal pages (the site's settings and
/// templates are in every cache key).
fn page_key(
    site: &blake3::Hash,
    template: &str,
    meta: &PageMeta,
    view: &impl Serialize,
) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(b"plainsight page\0");
    h.update(site.as_bytes());
    let mut add = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    add(template.as_bytes());
    add(&serde_json::to_vec(meta).expect("a page's meta encodes"));
    add(&serde_json::to_vec(view).expect("a page's view encodes"));
    *h.finalize().as_bytes()
}

/// Common to every page: `page` in [`PageView`].
#[derive(Serialize)]
struct PageMeta {
    title: String,
    description: String,
    /// Relative prefix to the site root (`../../`), or the base path on the 404 page.
    root: String,
    /// The page's path from the site root (`decisions/22-00073/`).
    path: String,
    canonical: String,
    /// Which top navigation item is current.
    section: &'static str,
    breadcrumbs: Vec<Link>,
}

#[derive(Serialize, Clone)]
struct Link {
    title: String,
    href: String,
}

#[derive(Debug, Serialize)]
struct DecisionSummary {
    number: String,
    title: String,
    summary: String,
    href: String,
    status: &'static str,
    /// The council's word for the status (site.toml's `[status_labels]`),
    /// or ours ("Proposed", "Taken", "Called in", "Withdrawn").
    status_label: String,
    /// The same within a sentence: ours in lower case ("taken"), the
    /// council's label as the council writes it ("Decision Made").
    status_in_text: String,
    decision_maker: String,
    key_decision: bool,
    /// The electoral divisions it affects, as the record names them.
    electoral_divisions: Vec<String>,
    /// The date that places it, for `<time datetime>`: `YYYY-MM-DD`, or
    /// `YYYY-MM` for a decision expected in a month.
    date: Option<String>,
    /// "Taken", "Withdrawn" or "Expected".
    date_label: &'static str,
    /// The date in words with its preposition: "on 1 August 2022", "on or
    /// after 1 September 2024", "in September 2024".
    date_words: Option<String>,
}

#[derive(Serialize)]
struct PaperLink {
    label: Option<String>,
    title: String,
    summary: Option<String>,
    href: Option<String>,
    kind: &'static str,
    notice: Option<WithheldNotice>,
    /// The notices of a published paper's attachments that are withheld.
    withheld_attachments: Vec<WithheldNotice>,
    /// A withheld paper's notice's id (see [`exempt::paper_anchor`]).
    anchor: Option<String>,
}

impl PaperLink {
    /// A published paper, its address `href` (relative to the page that links it).
    fn published(p: &crate::visibility::PublishedPaper, href: String) -> PaperLink {
        PaperLink {
            label: p.label().map(str::to_string),
            title: p.title().to_string(),
            summary: p.summary().map(str::to_string),
            href: Some(href),
            kind: kind_label(p.kind()),
            notice: None,
            anchor: None,
            withheld_attachments: p
                .attachments()
                .iter()
                .filter_map(|a| match a {
                    PublicAttachment::Withheld(n) => Some(WithheldNotice::clone(n)),
                    PublicAttachment::Published(_) => None,
                })
                .collect(),
        }
    }

    /// A withheld paper: its public title and its notice, never a link.
    fn withheld(n: &WithheldNotice) -> PaperLink {
        PaperLink {
            label: n.label().map(str::to_string),
            title: n.public_title().to_string(),
            summary: None,
            href: None,
            kind: "Exempt document",
            notice: Some(WithheldNotice::clone(n)),
            withheld_attachments: Vec::new(),
            anchor: Some(exempt::paper_anchor(n)),
        }
    }
}

#[derive(Serialize)]
struct AttachmentView {
    title: String,
    href: Option<String>,
    format: String,
    size: String,
    notice: Option<WithheldNotice>,
    /// A withheld attachment's notice's id, which the decision page's
    /// part-exempt flag links to.
    anchor: Option<String>,
}

#[derive(Serialize)]
struct ImpactView {
    characteristic: &'static str,
    impact: String,
    detail: String,
    mitigation: Option<String>,
}

#[derive(Serialize)]
struct ProviderView {
    id: String,
    name: String,
    /// Its own page, from the site's root (`activities/provider/p001/`).
    href: String,
    /// Every published column but the id and name, for its own page.
    fields: Vec<FieldView>,
    /// The columns with `card = true` (every one, when no column has it),
    /// for the short card in listings.
    card: Vec<FieldView>,
    /// The listing's `[online]` words ("Available online, anywhere in
    /// Kent") when the provider gives its support online, or none.
    online: Option<String>,
}

/// What `provider.html` receives besides `site` and `page`: one provider.
#[derive(Serialize)]
struct ProviderPageView {
    provider: ProviderView,
    /// The lots it is on, each with its name and what it means.
    lots: Vec<LotView>,
    /// What the lots dataset says a lot is, or none.
    lots_intro: Option<String>,
    /// The page that says how to get this support, when the listing names one.
    help: Option<Link>,
}

#[derive(Serialize, Clone)]
struct FieldView {
    title: String,
    values: Vec<String>,
    /// `email`, `phone`, `url` or `text`, for linking.
    kind: &'static str,
}

#[derive(Serialize)]
struct BrowseValue {
    title: String,
    href: String,
    count: usize,
}

#[derive(Serialize)]
struct BrowseGroup {
    title: String,
    href: String,
    values: Vec<BrowseValue>,
}

#[derive(Serialize, Clone)]
struct LotView {
    id: String,
    /// The lot as people read it: the lots dataset's title for its id
    /// column and the id, like "Lot 1a".
    label: String,
    name: String,
    meaning: String,
    details: Vec<FieldView>,
    href: Option<String>,
}

#[derive(Serialize)]
struct GlossaryEntry {
    id: String,
    term: String,
    abbreviation: Option<String>,
    meaning: String,
}

/// What `page.html` and `accessibility.html` receive, besides `site` and
/// `page`: a plain page from the site's `content/pages/`.
#[derive(Serialize)]
struct PlainPageView {
    /// The page's Markdown, rendered.
    body: Rendered,
    /// The generated sections of the accessibility statement, on
    /// `accessibility.html`; none (but present) on `page.html`.
    statement: Option<crate::accessibility::Statement>,
}

/// What `404.html` receives besides `site` and `page`: nothing.
#[derive(Serialize)]
struct NotFoundView {}

/// What `home.html` receives besides `site` and `page`.
#[derive(Serialize)]
struct HomeView {
    /// The five newest decisions.
    latest: Vec<DecisionSummary>,
    /// Whether the site has a providers dataset, and so an activities page.
    has_activities: bool,
}

/// What `decision.html` receives besides `site` and `page`: a decision
/// record, its documents and the decisions related to it.
#[derive(Serialize)]
struct DecisionView<'a> {
    decision: DecisionSummary,
    /// The person who takes it, when the record names one.
    decision_maker_name: Option<&'a str>,
    in_consultation_with: &'a [String],
    /// What is withheld from the decision, each linked to its notice:
    /// when any is, the page flags the decision as part exempt.
    withheld: Vec<exempt::WithheldLink>,
    /// When a proposed decision is expected, as its notice states it.
    expected: Option<ExpectedView>,
    /// The dates, as `YYYY-MM-DD` (the `date` filter words them); each none
    /// when the record has no such date.
    taken: Option<String>,
    withdrawn: Option<String>,
    key_decision_reason: Option<&'a str>,
    electoral_divisions: &'a [String],
    /// The decision itself, rendered.
    the_decision: Rendered,
    /// The reasons for it, rendered.
    reasons: Rendered,
    /// The options considered and rejected.
    alternatives: Vec<AlternativeView>,
    interests_declared: &'a str,
    dispensations: &'a str,
    /// The call-in arrangements and where the decision stands on them, none
    /// when the record gives none.
    call_in: Option<CallInView>,
    /// Its notice in the forward plan, none when the record gives none.
    notice: Option<NoticeView>,
    /// What of a forthcoming decision is to be decided in private, and how
    /// to ask for it to be public, or none.
    private_meeting: Option<PrivateMeetingView>,
    /// The steps the decision has been through, in the record's order.
    pathway: Vec<PathwayStepView<'a>>,
    /// The record's Markdown body, rendered.
    body: Rendered,
    /// Decisions related either way, each once, in number order.
    related: Vec<DecisionSummary>,
    /// Related decisions not on this site, as the record cites them.
    related_elsewhere: &'a [crate::document::RelatedElsewhere],
    /// The money the decision spends, saves or budgets, in the record's order.
    money: Vec<MoneyView>,
    /// The decision's documents, published or withheld.
    papers: Vec<PaperLink>,
    /// The schema.org JSON-LD for the page, as a safe string.
    jsonld: Value,
    /// The officer who leads on it, and how to reach them.
    lead_officer: Option<&'a crate::document::LeadOfficer>,
    department: Option<&'a str>,
    /// The day the record was first published, `YYYY-MM-DD`.
    record_published: Option<String>,
    /// The changes since, oldest first.
    amended: Vec<AmendmentView<'a>>,
}

/// When a proposed decision is expected, in [`DecisionView::expected`].
#[derive(Serialize)]
struct ExpectedView {
    /// For `<time datetime>`: `YYYY-MM-DD`, or `YYYY-MM` for a month.
    datetime: String,
    /// "on 29 July 2022", "on or after 1 September 2024", "in September 2024".
    words: String,
}

impl From<crate::document::Expected> for ExpectedView {
    fn from(e: crate::document::Expected) -> Self {
        ExpectedView {
            datetime: e.datetime(),
            words: e.words(),
        }
    }
}

/// One change to a record, in [`DecisionView::amended`].
#[derive(Serialize)]
struct AmendmentView<'a> {
    /// `YYYY-MM-DD`.
    on: String,
    what: &'a str,
}

/// A line of a decision's money, in [`DecisionView::money`].
#[derive(Serialize)]
struct MoneyView {
    label: String,
    period: String,
    /// "Spending", "Saving" or "Budget".
    kind: &'static str,
    /// `£1,400,000`.
    amount: String,
}

/// An option considered and rejected, in [`DecisionView::alternatives`].
#[derive(Serialize)]
struct AlternativeView {
    /// The option, rendered from Markdown as HTML.
    option: String,
    /// Why it was rejected, rendered from Markdown as HTML.
    why_rejected: String,
}

/// One step of a decision's pathway, in [`DecisionView::pathway`].
#[derive(Serialize)]
struct PathwayStepView<'a> {
    /// `YYYY-MM-DD`.
    date: String,
    /// The body (committee, board) that took the step.
    body: &'a str,
    what: &'a str,
}

/// What `paper.html` receives besides `site` and `page`: a published
/// document of a decision.
#[derive(Serialize)]
struct PaperView<'a> {
    paper: PaperDetails<'a>,
    /// The decision the document belongs to.
    decision: DecisionSummary,
    /// An equality impact assessment's impacts, by protected characteristic.
    impacts: Vec<ImpactView>,
    /// The document's attachments, published or withheld.
    attachments: Vec<AttachmentView>,
    /// The document's Markdown body, rendered.
    body: Rendered,
    /// Whether the body opens with a heading of its own, so that the page
    /// adds none above it (a heading with nothing under it helps no one).
    body_starts_with_heading: bool,
}

/// The document itself, `paper` in [`PaperView`].
#[derive(Serialize)]
struct PaperDetails<'a> {
    /// Its kind as shown (`Report`, `Equality Impact Assessment`, ...).
    kind: &'static str,
    is_eqia: bool,
    /// Its label (`Appendix A`), or none.
    label: Option<&'a str>,
    summary: Option<&'a str>,
    /// The meeting it went to, or none.
    meeting: Option<MeetingView<'a>>,
    /// When an assessment was made, `YYYY-MM-DD`, or none.
    assessed_on: Option<String>,
}

/// A meeting a document went to, in [`PaperDetails::meeting`].
#[derive(Serialize)]
struct MeetingView<'a> {
    /// The body (committee, board) that met.
    body: &'a str,
    /// `YYYY-MM-DD`.
    date: String,
}

/// How many providers a page of a listing shows; longer lists go on over
/// pages `.../page/2/`, `.../page/3/` (GOV.UK's pagination pattern).
pub const PROVIDERS_PER_PAGE: usize = 20;

/// What `providers.html` receives besides `site` and `page`: the providers
/// for one value of a browsable column.
#[derive(Serialize)]
struct ProvidersView<'a> {
    /// This page's providers (at most [`PROVIDERS_PER_PAGE`]).
    providers: Vec<ProviderView>,
    /// Where this page is in the list: counts and pagination.
    list: ListPage,
    /// The values chosen, as shown to people (a lot shows its name),
    /// joined with commas.
    filter: String,
    /// Each value chosen, with the page without it.
    chosen: &'a [ChosenFilter],
    /// The other browsable columns, each with the values that narrow this
    /// list further (and how many providers each leaves).
    options: &'a [BrowseGroup],
}

/// A filter chosen on a page of providers, in [`ProvidersView::chosen`].
#[derive(Serialize)]
struct ChosenFilter {
    /// The column's title, like "Districts served".
    column: String,
    /// The value as shown, like "Swale".
    value: String,
    /// The page with this filter taken off, from the site's root.
    remove: String,
}

/// Where one page of a paginated provider list is: how many the whole
/// list has, which of them this page shows, and the GOV.UK pagination
/// (none for a list of one page).
#[derive(Serialize)]
struct ListPage {
    /// How many providers the list has on all its pages.
    count: usize,
    /// Where this page's first and last are in the list, from 1.
    first: usize,
    last: usize,
    pagination: Option<register::Pagination>,
}

impl ListPage {
    /// Page `n` (from 1) of a list of `count` at `base`.
    fn new(base: &str, n: usize, count: usize) -> ListPage {
        let total = pages_of(count);
        ListPage {
            count,
            first: if count == 0 {
                0
            } else {
                (n - 1) * PROVIDERS_PER_PAGE + 1
            },
            last: (n * PROVIDERS_PER_PAGE).min(count),
            pagination: register::pagination(base, n, total),
        }
    }
}

/// How many pages a list of `count` providers takes (one when empty).
fn pages_of(count: usize) -> usize {
    count.div_ceil(PROVIDERS_PER_PAGE).max(1)
}

/// A page's title with its place in a list: `Providers: Swale (page 2 of 5)`.
fn paged_title(title: &str, n: usize, count: usize) -> String {
    let total = pages_of(count);
    if total > 1 {
        format!("{title} (page {n} of {total})")
    } else {
        title.to_string()
    }
}

/// Values chosen on a page of providers, as (column, value) indices into
/// its [`Facet`]s, columns in the schema's order.
type Choice = Vec<(usize, usize)>;

/// A browsable column of the providers, for [`Renderer::filter_pages`]:
/// its values, each with its address part, its label and the providers
/// (row indices, sorted) that have it.
struct Facet {
    slug: String,
    title: String,
    values: Vec<(String, String, Vec<usize>)>,
}

/// What `browse.html` receives besides `site` and `page`: one browsable
/// column of the providers and its values.
#[derive(Serialize)]
struct BrowseView<'a> {
    group: &'a BrowseGroup,
}

/// What `glossary.html` receives besides `site` and `page`.
#[derive(Serialize)]
struct GlossaryView {
    /// The glossary's terms, in alphabetical order.
    entries: Vec<GlossaryEntry>,
}

/// What `activities.html` receives besides `site` and `page`: the
/// providers dataset, its lots and the ways to browse it.
#[derive(Serialize)]
struct ActivitiesView<'a> {
    dataset: DatasetHeading<'a>,
    /// The lots providers are listed for; empty when the site has no lots dataset.
    lots: Vec<LotView>,
    /// What the lots dataset says a lot is, to introduce them; none
    /// without a lots dataset.
    lots_intro: Option<String>,
    /// The browsable columns, each with its values.
    groups: Vec<BrowseGroup>,
    /// This page's providers, in the dataset's order.
    providers: Vec<ProviderView>,
    /// Where this page is in the list of every provider.
    list: ListPage,
    /// The first page (the ways in, the description, the lots, what is
    /// withheld); later pages list providers only.
    first_page: bool,
    /// Notices for the dataset's withheld columns.
    withheld: Vec<WithheldNotice>,
    /// The schema.org JSON-LD for the page, as a safe string, or none.
    jsonld: Option<Value>,
    /// The page that says how to get this support, when the listing names one.
    help: Option<Link>,
}

/// The providers dataset's title and description, `dataset` in [`ActivitiesView`].
#[derive(Serialize)]
struct DatasetHeading<'a> {
    title: &'a str,
    description: &'a str,
}

/// What `search.html` receives besides `site` and `page`.
#[derive(Serialize)]
struct SearchView {
    /// The other ways to find things that the site has, for a reader
    /// without JavaScript (and for anyone who would rather browse).
    browse: Vec<Link>,
}

/// What `data.html` receives besides `site` and `page`.
#[derive(Serialize)]
struct DataView<'a> {
    /// The open-data files, grouped as the page lists them.
    catalogue: &'a crate::opendata::Catalogue,
    /// The schema.org JSON-LD for the page, as a safe string.
    jsonld: Value,
}

/// What every template knows of the site as `site`: site.toml's settings,
/// and which of the optional parts it has (the navigation links only to
/// pages that exist).
#[derive(serde::Serialize)]
struct SiteView<'a> {
    #[serde(flatten)]
    config: &'a crate::config::SiteConfig,
    /// A provider listing (`data/providers.csv`): the activities pages.
    has_activities: bool,
    /// A glossary (`data/glossary.csv`): the "Words we use" page.
    has_glossary: bool,
    /// Any proposed decision: the forward plan is linked from the
    /// navigation and the home page.
    has_forward_plan: bool,
    /// Where the council's logo is published, from the site's root
    /// (`assets/logo.png`), when `[branding]` names one.
    logo: Option<String>,
}

/// The way back from a page in a section: home, then the section's page.
fn section_crumbs(title: &str, href: &str) -> Vec<Link> {
    vec![
        Link {
            title: "Home".into(),
            href: String::new(),
        },
        Link {
            title: title.into(),
            href: href.into(),
        },
    ]
}

/// Where the logo named `name` is published.
fn logo_path(name: &str) -> String {
    format!("assets/{name}")
}

/// The built-in stylesheet, with `[branding]`'s colour as the brand colour
/// when it has one (checked for contrast when site.toml was read).
fn stylesheet(config: &crate::config::SiteConfig) -> String {
    match &config.branding.colour {
        Some(colour) => format!(
            "{STYLESHEET}/* The council's colour, from site.toml's [branding]. */\n:root {{ --brand: {colour}; }}\n"
        ),
        None => STYLESHEET.to_string(),
    }
}

/// Renders the public model. Shared by the threads of a build: every method
/// takes `&self`, and each unit of work returns its own files.
pub struct Renderer<'a> {
    env: Environment<'a>,
    site: &'a PublicSite,
    overridden: BTreeSet<String>,
    site_view: Value,
    base_path: String,
    /// Decision index by number, and the decisions that list each as related.
    by_number: BTreeMap<&'a str, &'a PublicDecision>,
    backlinks: BTreeMap<&'a str, Vec<&'a PublicDecision>>,
    /// Links the first use of each glossary term on a page.
    glossary: Option<markdown::Glossary>,
    /// The day the site counts as now (what is open to call-in).
    as_of: crate::timetable::AsOf,
    /// Every decision newest first, and grouped every way the register
    /// can be filtered.
    facets: crate::facets::Facets<'a>,
}

/// Sets up templates. Errors in the site's template overrides go into
/// `diagnostics` (and `None` is returned); errors in built-in ones are bugs.
pub fn renderer<'a>(
    site: &'a PublicSite,
    as_of: crate::timetable::AsOf,
    diagnostics: &mut Diagnostics,
) -> Result<Option<Renderer<'a>>, TemplateBug> {
    let errors_before = diagnostics.error_count();
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });
    // HTML-escape strings as HTML needs (`&<>"'`), leaving `/` alone so that
    // "22/00073" stays readable in the page source and to text tools.
    env.set_formatter(|out, state, value| match value.as_str() {
        Some(text) if state.auto_escape() == minijinja::AutoEscape::Html && !value.is_safe() => out
            .write_str(&html_escape(text))
            .map_err(|_| minijinja::Error::from(minijinja::ErrorKind::WriteFailure)),
        _ => minijinja::escape_formatter(out, state, value),
    });
    env.add_filter("date", format_date);
    env.add_filter("thousands", thousands);
    let glossary_ids: BTreeSet<String> = site
        .dataset("glossary")
        .and_then(|g| {
            g.column_index("term")
                .map(|t| g.rows().iter().map(|r| slugify(&r[t])).collect())
        })
        .unwrap_or_default();
    // `term("key-decision", "Key decision", page.root)`: a link to the glossary
    // entry when the site's glossary has it, plain text otherwise.
    env.add_function(
        "term",
        move |id: String, text: String, root: String| -> Value {
            if glossary_ids.contains(&id) {
                Value::from_safe_string(format!(
                    "<a href=\"{}glossary/#{}\">{}</a>",
                    html_escape(&root),
                    html_escape(&id),
                    html_escape(&text)
                ))
            } else {
                Value::from(text)
            }
        },
    );
    // The footer links to every plain page, accessibility statement first.
    let mut footer_pages: Vec<Link> = site
        .pages()
        .iter()
        .map(|p| Link {
            title: p.title().to_string(),
            href: format!("{}/", p.slug()),
        })
        .collect();
    footer_pages.sort_by_key(|l| (l.href != "accessibility/", l.href.clone()));
    env.add_global("footer_pages", Value::from_serialize(&footer_pages));
    let mut overridden = BTreeSet::new();
    for (name, text) in BUILTIN {
        let override_text = site.templates().iter().find(|t| t.name == *name);
        let (text, is_override) = match override_text {
            Some(t) => (t.text.clone(), true),
            None => (text.to_string(), false),
        };
        if let Err(e) = env.add_template_owned(name.to_string(), text) {
            if is_override {
                diagnostics.push(template_diagnostic(site, name, &e));
            } else {
                return Err(TemplateBug(format!("{e:#}")));
            }
        }
        if is_override {
            overridden.insert(name.to_string());
        }
    }
    if diagnostics.error_count() > errors_before {
        return Ok(None);
    }
    let mut backlinks: BTreeMap<&str, Vec<&PublicDecision>> = BTreeMap::new();
    for d in site.decisions() {
        for r in d.related() {
            backlinks.entry(r.as_str()).or_default().push(d);
        }
    }
    let facets = crate::facets::facets(site, diagnostics);
    Ok(Some(Renderer {
        facets,
        site_view: Value::from_serialize(SiteView {
            config: site.config(),
            has_activities: site.dataset("providers").is_some(),
            has_glossary: site.dataset("glossary").is_some(),
            has_forward_plan: site
                .decisions()
                .iter()
                .any(|d| d.status() == DecisionStatus::Proposed),
            logo: site.logo().map(|l| logo_path(&l.name)),
        }),
        base_path: base_path(&site.config().base_url),
        by_number: crate::visibility::decisions_by_number(site),
        backlinks,
        env,
        site,
        overridden,
        glossary: markdown::Glossary::from_site(site),
        as_of,
    }))
}

/// A site's own template's error, at the line and column minijinja gives
/// (the column from where its span starts in the template's text).
fn template_diagnostic(site: &PublicSite, name: &str, e: &minijinja::Error) -> Diagnostic {
    let name = e.name().unwrap_or(name);
    let mut d = Diagnostic::error(format!("templates/{name}"), e.detail().unwrap_or(&e.kind().to_string()).to_string())
        .help("fix the template; plainsight's own templates are in src/templates/ of its source for reference");
    let text = site
        .templates()
        .iter()
        .find(|t| t.name == name)
        .map(|t| t.text.as_str());
    let spanned = match (e.range(), text) {
        (Some(range), Some(text)) => Some(Position::of_offset(text, range.start)),
        _ => None,
    };
    match (spanned, e.line()) {
        (Some(p), Some(line)) if p.line == line => d = d.at(p),
        (_, Some(line)) => d = d.at(Position { line, column: 0 }),
        _ => {}
    }
    d
}

/// The path part of the base URL (`/` or `/site/`), for the 404 page.
fn base_path(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].to_string(),
        None => "/".to_string(),
    }
}

fn root_for(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

fn format_date(value: String) -> Result<String, minijinja::Error> {
    // A month-only date (`2024-09`) is worded as a month.
    if let Some(month) = crate::document::Month::parse(&value).filter(|_| value.len() == 7) {
        return Ok(month.in_words());
    }
    let date = chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d").map_err(|_| {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("`{value}` is not a date"),
        )
    })?;
    Ok(date.format("%-d %B %Y").to_string())
}

/// A count as people read it: `10,000`.
fn thousands(value: usize) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Escapes text for HTML content and attribute values. The one escaper for
/// every page, report and notice plainsight writes.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn human_size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes < 1024 * 1024 {
        format!("{:.0} KB", (bytes as f64 / 1024.0).ceil())
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

fn decision_href(d: &PublicDecision) -> String {
    format!("decisions/{}/", d.slug())
}

fn summary_of(d: &PublicDecision) -> DecisionSummary {
    let (date, date_label, date_words) = match d.status() {
        DecisionStatus::Proposed => (
            d.expected().map(|e| e.datetime()),
            "Expected",
            d.expected().map(|e| e.words()),
        ),
        DecisionStatus::Taken | DecisionStatus::CalledIn => on(d.taken(), "Taken"),
        DecisionStatus::Withdrawn => on(d.withdrawn(), "Withdrawn"),
    };
    DecisionSummary {
        number: d.number().to_string(),
        title: d.title().to_string(),
        summary: d.summary().trim().to_string(),
        href: decision_href(d),
        status: status_name(d.status()),
        status_label: shown_status(d).to_string(),
        status_in_text: match d.council_status_label() {
            Some(label) => label.to_string(),
            None => shown_status(d).to_lowercase(),
        },
        decision_maker: d.decision_maker().to_string(),
        key_decision: d.key_decision(),
        electoral_divisions: d.electoral_divisions().to_vec(),
        date,
        date_label,
        date_words,
    }
}

/// A day as [`DecisionSummary`] gives it.
fn on(
    day: Option<crate::document::Date>,
    label: &'static str,
) -> (Option<String>, &'static str, Option<String>) {
    (
        day.map(|d| d.to_string()),
        label,
        day.map(|d| format!("on {}", d.in_words())),
    )
}

/// The status as the site shows it: the council's label, or ours.
pub(crate) fn shown_status(d: &PublicDecision) -> &str {
    d.shown_status()
}

/// The file a page's address is written to: `decisions/` is `decisions/index.html`.
fn page_file(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

fn file_format(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_uppercase())
        .unwrap_or_default()
}

impl Renderer<'_> {
    /// The provider listing's address, from the site's root, with its
    /// slash: `activities/` (site.toml's `[listing] path`).
    fn listing_base(&self) -> String {
        format!("{}/", self.site.config().listing.path)
    }

    /// The way back from a page under the listing's page.
    fn listing_crumbs(&self) -> Vec<Link> {
        section_crumbs(&self.site.config().listing.nav, &self.listing_base())
    }

    fn meta(
        &self,
        title: &str,
        description: &str,
        path: &str,
        section: &'static str,
        breadcrumbs: Vec<Link>,
    ) -> PageMeta {
        PageMeta {
            title: title.to_string(),
            description: description.trim().to_string(),
            root: root_for(path),
            path: path.to_string(),
            canonical: format!("{}{}", self.site.config().base_url, path),
            section,
            breadcrumbs,
        }
    }

    /// A hash of what every page knows of the site ([`page_key`]).
    fn site_view_hash(&self) -> blake3::Hash {
        blake3::hash(&serde_json::to_vec(&self.site_view).expect("the site's view encodes"))
    }

    fn page(
        &self,
        files: &mut Files,
        template: &str,
        path: &str,
        meta: PageMeta,
        view: impl Serialize,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), TemplateBug> {
        let (tmpl, ctx) = self.prepare(template, meta, view)?;
        match tmpl.render(ctx) {
            Ok(html) => {
                files.add(page_file(path), html);
                Ok(())
            }
            Err(e) => self.template_error(template, e, diagnostics),
        }
    }

    /// The template for a page, and its context.
    fn prepare(
        &self,
        template: &str,
        meta: PageMeta,
        view: impl Serialize,
    ) -> Result<(minijinja::Template<'_, '_>, Value), TemplateBug> {
        let tmpl = self
            .env
            .get_template(template)
            .map_err(|e| TemplateBug(format!("{e:#}")))?;
        let ctx = Value::from_serialize(PageView {
            site: &self.site_view,
            page: meta,
            view,
        });
        Ok((tmpl, ctx))
    }

    /// A template that failed: a content error in a site's own template, a
    /// bug in a built-in one.
    fn template_error(
        &self,
        template: &str,
        e: minijinja::Error,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), TemplateBug> {
        let name = e.name().unwrap_or(template).to_string();
        if self.overridden.contains(&name) || self.overridden.contains(template) {
            diagnostics.push(template_diagnostic(self.site, &name, &e));
            Ok(())
        } else {
            Err(TemplateBug(format!("{e:#}")))
        }
    }

    fn markdown(
        &self,
        markdown: &crate::visibility::Markdown,
        path: &str,
        diagnostics: &mut Diagnostics,
    ) -> Rendered {
        markdown::render(
            markdown,
            &Context {
                root: &root_for(path),
                page: path,
                glossary: self.glossary.as_ref(),
            },
            diagnostics,
        )
    }

    /// The pages and files of a decision: its page, its documents' pages
    /// and their published attachments. The site holds decisions as
    /// listings; this one must be complete (separated again from its folder).
    pub fn render_decision(
        &self,
        decision: &PublicDecision,
        diagnostics: &mut Diagnostics,
    ) -> Result<Files, TemplateBug> {
        if !decision.is_complete() {
            return Err(TemplateBug(format!(
                "decision {} was handed to the renderer without its documents",
                decision.number()
            )));
        }
        let mut files = Files::default();
        self.decision(&mut files, decision, diagnostics)?;
        Ok(files)
    }

    /// The site-wide pages but the register, the search and the data
    /// downloads, as one part ([`Renderer::drafts`] gives the downloads).
    pub fn other_part(&self) -> SitePart<'_> {
        SitePart::new(move |emit, diagnostics| {
            self.other_site_pages(emit, diagnostics)?;
            Ok(None)
        })
    }

    /// Every data download, as drafts not yet made, in the order the
    /// /data/ page lists them ([`crate::opendata::drafts`]).
    pub fn drafts(&self) -> Vec<(crate::opendata::Section, crate::opendata::Draft<'_>)> {
        crate::opendata::drafts(self.site, &self.facets)
    }

    /// One download made as a part of its own.
    pub fn download_part<'r>(
        &self,
        section: crate::opendata::Section,
        draft: crate::opendata::Draft<'r>,
    ) -> SitePart<'r> {
        SitePart::new(move |emit, _| Ok(Some((section, crate::opendata::publish(emit, draft)))))
    }

    /// The search page, its script and the first search index, of
    /// `records` (everything but the decisions: [`crate::search::split`]),
    /// with the list of the decisions' parts it merges (`parts`, their
    /// folders), as a part of its own: its cache key is made from both
    /// ([`Renderer::search_digest`]).
    pub fn search_part(
        &self,
        records: Vec<crate::search::Record>,
        parts: Vec<String>,
    ) -> SitePart<'_> {
        SitePart::new(move |emit, diagnostics| {
            self.search(emit, records, &parts, diagnostics)?;
            Ok(None)
        })
    }

    /// A hash of everything the search page and first index are made from
    /// besides the site's settings, data and templates (which every cache
    /// key holds): what every page knows of the site, the records, and the
    /// parts merged. Equal digests make equal files.
    pub fn search_digest(&self, records: &[crate::search::Record], parts: &[String]) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        h.update(b"plainsight search\0");
        let site = serde_json::to_vec(&self.site_view).expect("the site's view encodes");
        h.update(&(site.len() as u64).to_le_bytes()).update(&site);
        crate::search::digest_into(records, &mut h);
        let parts = crate::search::parts_file(parts);
        h.update(&(parts.len() as u64).to_le_bytes()).update(&parts);
        *h.finalize().as_bytes()
    }

    /// The search page, its script and the search index (made from the
    /// public model by [`crate::search`]).
    fn search(
        &self,
        emit: &mut dyn Emit,
        records: Vec<crate::search::Record>,
        parts: &[String],
        diagnostics: &mut Diagnostics,
    ) -> Result<(), TemplateBug> {
        let home = Link {
            title: "Home".into(),
            href: String::new(),
        };
        let mut browse = Vec::new();
        if let Some(providers) = self.site.dataset("providers") {
            let base = self.listing_base();
            browse.push(Link {
                title: self.site.config().listing.title.clone(),
                href: base.clone(),
            });
            for column in providers.columns().iter().filter(|c| c.browse()) {
                browse.push(Link {
                    title: format!("Providers by {}", lower_first(column.title())),
                    href: format!("{base}{}/", slugify(column.name())),
                });
            }
        }
        browse.push(Link {
            title: "Every decision, newest first".into(),
            href: "decisions/".into(),
        });
        if self.site.dataset("glossary").is_some() {
            browse.push(Link {
                title: "Words we use, and what they mean".into(),
                href: "glossary/".into(),
            });
        }
        let meta = self.meta(
            "Search",
            "Search this site for providers, decisions and pages.",
            "search/",
            "search",
            vec![home],
        );
        let mut files = Files::default();
        files.add("assets/search.js", SEARCH_SCRIPT);
        files.add(
            format!("{}{}", crate::search::BUNDLE, crate::search::PARTS_FILE),
            crate::search::parts_file(parts),
        );
        self.page(
            &mut files,
            "search.html",
            "search/",
            meta,
            SearchView { browse },
            diagnostics,
        )?;
        emit.files(files);
        crate::search::Indexer::new()
            .and_then(|indexer| indexer.publish(records, "", emit))
            .map_err(|e| TemplateBug(format!("the search index could not be made: {}", e.0)))
    }

    /// The site-wide pages but the register and the /data/ page.
    fn other_site_pages(
        &self,
        emit: &mut dyn Emit,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), TemplateBug> {
        let mut files = Files::default();
        files.add("assets/style.css", stylesheet(self.site.config()));
        if let Some(logo) = self.site.logo() {
            files.add(logo_path(&logo.name), logo.bytes.clone());
        }
        self.home(&mut files, diagnostics)?;
        emit.files(std::mem::take(&mut files));
        self.activities(&mut files, diagnostics)?;
        emit.files(std::mem::take(&mut files));
        self.glossary(&mut files, diagnostics)?;
        emit.files(std::mem::take(&mut files));
        self.call_in_page(&mut files, diagnostics)?;
        emit.files(std::mem::take(&mut files));
        for page in self.site.pages() {
            let path = format!("{}/", page.slug());
            let body = self.markdown(page.body(), &path, diagnostics);
            let meta = self.meta(
                page.title(),
                page.summary().unwrap_or(page.title()),
                &path,
                "",
                vec![],
            );
            // The accessibility statement: the council's words, then the
            // sections generated from site.toml and the checks themselves.
            let (template, statement) = if page.slug() == "accessibility" {
                let statement = crate::accessibility::statement(self.site.config());
                ("accessibility.html", Some(statement))
            } else {
                ("page.html", None)
            };
            self.page(
                &mut files,
                template,
                &path,
                meta,
                PlainPageView { body, statement },
                diagnostics,
            )?;
        }
        let mut meta = self.meta(
            "Page not found",
            "The page you asked for is not here.",
            "404.html",
            "",
            vec![],
        );
        meta.root = self.base_path.clone();
        meta.canonical = format!("{}404.html", self.site.config().base_url);
        self.page(
            &mut files,
            "404.html",
            "404.html",
            meta,
            NotFoundView {},
            diagnostics,
        )?;
        emit.files(files);
        Ok(())
    }

    fn home(&self, files: &mut Files, diagnostics: &mut Diagnostics) -> Result<(), TemplateBug> {
        let latest: Vec<DecisionSummary> = self
            .facets
            .all
            .iter()
            .take(5)
            .map(|d| summary_of(d))
            .collect();
        let meta = self.meta(
            &self.site.config().title,
            &self.site.config().tagline,
            "",
            "home",
            vec![],
        );
        let has_activities = self.site.dataset("providers").is_some();
        self.page(
            files,
            "home.html",
            "",
            meta,
            HomeView {
                latest,
                has_activities,
            },
            diagnostics,
        )
    }

    fn decision(
        &self,
        files: &mut Files,
        d: &PublicDecision,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), TemplateBug> {
        let path = decision_href(d);
        let root = root_for(&path);
        let ctx = Context {
            root: &root,
            page: &path,
            glossary: self.glossary.as_ref(),
        };
        // In reading order, so a glossary term is linked where it is first read.
        let the_decision = self.markdown(d.decision(), &path, diagnostics);
        let reasons = self.markdown(d.reasons(), &path, diagnostics);
        // Related both ways, each once, in number order.
        let mut related: BTreeMap<&str, &PublicDecision> = BTreeMap::new();
        for number in d.related() {
            related.insert(number, self.by_number[number.as_str()]);
        }
        for other in self.backlinks.get(d.number()).into_iter().flatten() {
            related.insert(other.number(), other);
        }
        let related: Vec<DecisionSummary> = related.values().map(|r| summary_of(r)).collect();

        let mut papers = Vec::new();
        for paper in d.papers() {
            match paper {
                PublicPaper::Published(p) => {
                    papers.push(PaperLink::published(p, format!("{}/", p.slug())));
                    self.paper(files, d, p, diagnostics)?;
                }
                PublicPaper::Withheld(n) => papers.push(PaperLink::withheld(n)),
            }
        }
        let path_str = &d.source_path();
        let alternatives: Vec<AlternativeView> = d
            .alternatives()
            .iter()
            .map(|a| AlternativeView {
                option: markdown::render_field(path_str, &a.option, &ctx, diagnostics),
                why_rejected: markdown::render_field(path_str, &a.why_rejected, &ctx, diagnostics),
            })
            .collect();
        let pathway: Vec<PathwayStepView> = d
            .pathway()
            .iter()
            .map(|s| PathwayStepView {
                date: s.date.to_string(),
                body: &s.body,
                what: &s.what,
            })
            .collect();
        let call_in = forward::call_in_view(d, self.as_of.date);
        let private_meeting = crate::timetable::private_meeting(self.site.config(), d).map(|m| {
            forward::private_meeting_view(m, self.second_notice_clear_days(), self.as_of.date)
        });
        let withheld = exempt::withheld_links(d);
        let mut body = self.markdown(d.body(), &path, diagnostics);
        exempt::anchor_passages(&mut body, &mut 0);
        // "As set out in the exempt report" links to the notice of a
        // withheld paper (the first), or else of what else is withheld.
        let mut the_decision = the_decision;
        let mut reasons = reasons;
        if let Some(href) = &exempt::mention_target(d, &withheld) {
            for rendered in [&mut the_decision, &mut reasons, &mut body] {
                exempt::link_mentions(rendered, href);
            }
        }
        let view = DecisionView {
            decision: summary_of(d),
            decision_maker_name: d.decision_maker_name(),
            in_consultation_with: d.in_consultation_with(),
            withheld,
            expected: d.expected().map(ExpectedView::from),
            taken: d.taken().map(|x| x.to_string()),
            withdrawn: d.withdrawn().map(|x| x.to_string()),
            key_decision_reason: d.key_decision_reason(),
            electoral_divisions: d.electoral_divisions(),
            the_decision,
            reasons,
            alternatives,
            interests_declared: d.interests_declared(),
            dispensations: d.dispensations(),
            call_in,
            notice: forward::notice_view(d),
            private_meeting,
            pathway,
            body,
            related,
            related_elsewhere: d.related_elsewhere(),
            money: d
                .money()
                .iter()
                .map(|m| MoneyView {
                    label: m.label.clone(),
                    period: m.period.clone(),
                    kind: m.kind.label(),
                    amount: m.amount_words(),
                })
                .collect(),
            papers,
            jsonld: Value::from_safe_string(crate::opendata::jsonld::decision(self.site, d)),
            lead_officer: d.lead_officer(),
            department: d.department(),
            record_published: d.record_published().map(|x| x.to_string()),
            amended: d
                .amended()
                .iter()
                .map(|a| AmendmentView {
                    on: a.on.to_string(),
                    what: &a.what,
                })
                .collect(),
        };
        let meta = self.meta(
            d.title(),
            d.summary(),
            &path,
            "decisions",
            section_crumbs("Decisions", crate::facets::REGISTER),
        );
        // The record as data beside its page, body included (the site-wide
        // decisions.json leaves bodies out so that it grows with the register).
        files.add(
            format!("{path}decision.json"),
            crate::opendata::json_bytes(&crate::opendata::tables::decision_json(self.site, d)),
        );
        self.page(files, "decision.html", &path, meta, view, diagnostics)
    }

    fn paper(
        &self,
        files: &mut Files,
        d: &PublicDecision,
        p: &crate::visibility::PublishedPaper,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), TemplateBug> {
        let path = format!("{}{}/", decision_href(d), p.slug());
        let mut attachments = Vec::new();
        for a in p.attachments() {
            match a {
                PublicAttachment::Published(f) => {
                    files.add(format!("{path}{}", f.name()), f.bytes());
                    attachments.push(AttachmentView {
                        title: f.title().to_string(),
                        href: Some(f.name().to_string()),
                        format: file_format(f.name()),
                        size: human_size(f.bytes().len()),
                        notice: None,
                        anchor: None,
                    });
                }
                PublicAttachment::Withheld(n) => attachments.push(AttachmentView {
                    title: n.public_title().to_string(),
                    href: None,
                    format: String::new(),
                    size: String::new(),
                    notice: Some(WithheldNotice::clone(n)),
                    anchor: Some(exempt::paper_anchor(n)),
                }),
            }
        }
        let impacts: Vec<ImpactView> = p
            .impacts()
            .iter()
            .map(|(_, name, impact)| ImpactView {
                characteristic: name,
                impact: capitalise(&format!("{:?}", impact.impact).to_lowercase()),
                detail: impact.detail.trim().to_string(),
                mitigation: impact.mitigation.as_ref().map(|m| m.trim().to_string()),
            })
            .collect();
        if p.kind() == Kind::Eqia {
            // The impacts as data beside the page; every published EqIA's
            // are in one table too (`data/eqia-impacts.csv`, from the listings).
            let rows = crate::opendata::tables::impact_rows(self.site, d, p);
            let (csv, json) = crate::opendata::tables::impact_files(&rows);
            files.add(format!("{path}impacts.csv"), csv);
            files.add(format!("{path}impacts.json"), json);
        }
        let title = match &p.label() {
            Some(label) => format!("{label}: {}", p.title()),
            None => p.title().to_string(),
        };
        let view = PaperView {
            paper: PaperDetails {
                kind: kind_label(p.kind()),
                is_eqia: p.kind() == Kind::Eqia,
                label: p.label(),
                summary: p.summary(),
                meeting: p.meeting().map(|m| MeetingView {
                    body: &m.body,
                    date: m.date.to_string(),
                }),
                assessed_on: p.assessed_on().map(|x| x.to_string()),
            },
            decision: summary_of(d),
            impacts,
            attachments,
            body_starts_with_heading: false,
            body: {
                // Its withheld passages' notices have the ids the decision
                // page's flag links to; "the exempt appendix" links to the
                // decision page's notice.
                let mut body = self.markdown(p.body(), &path, diagnostics);
                exempt::anchor_passages(&mut body, &mut 0);
                let withheld = exempt::withheld_links(d);
                if let Some(href) = exempt::mention_target(d, &withheld) {
                    exempt::link_mentions(&mut body, &format!("../{href}"));
                }
                body
            },
        };
        let view = PaperView {
            body_starts_with_heading: view.body.blocks.first().is_some_and(|b| {
                b.html
                    .as_deref()
                    .is_some_and(|h| h.trim_start().starts_with("<h2"))
            }),
            ..view
        };
        let meta = self.meta(
            &title,
            p.summary().unwrap_or(p.title()),
            &path,
            "decisions",
            {
                let mut crumbs = section_crumbs("Decisions", crate::facets::REGISTER);
                crumbs.push(Link {
                    title: format!("Decision {}", d.number()),
                    href: decision_href(d),
                });
                crumbs
            },
        );
        self.page(files, "paper.html", &path, meta, view, diagnostics)
    }

    fn providers(&self, ds: &PublicDataset, rows: &[&Vec<String>]) -> Vec<ProviderView> {
        let id = ds.column_index("id").expect("checked: providers have id");
        let name = ds
            .column_index("name")
            .expect("checked: providers have name");
        let any_card = ds.columns().iter().any(|c| c.card());
        let online = ds.online().and_then(|o| {
            ds.column_index(&o.column)
                .map(|i| (i, o.value.as_str(), o.anywhere.as_str()))
        });
        rows.iter()
            .map(|row| {
                let fields = |on_card: bool| {
                    ds.columns()
                        .iter()
                        .enumerate()
                        .filter(|(i, c)| {
                            *i != id && *i != name && (!on_card || c.card() || !any_card)
                        })
                        .map(|(i, c)| FieldView {
                            title: c.title().to_string(),
                            values: ds
                                .values(row, i)
                                .into_iter()
                                .map(|v| match (c.ty(), v) {
                                    (crate::data::ColumnType::Boolean, "true") => "Yes".into(),
                                    (crate::data::ColumnType::Boolean, "false") => "No".into(),
                                    _ => self.value_label(c, v),
                                })
                                .collect(),
                            kind: match c.ty() {
                                crate::data::ColumnType::Email => "email",
                                crate::data::ColumnType::Phone => "phone",
                                crate::data::ColumnType::Url => "url",
                                _ => "text",
                            },
                        })
                        .filter(|f| !f.values.is_empty())
                        .collect()
                };
                ProviderView {
                    id: row[id].clone(),
                    name: row[name].clone(),
                    href: provider_path(&self.site.config().listing.path, &row[id]),
                    fields: fields(false),
                    card: fields(true),
                    online: online
                        .filter(|(i, value, _)| ds.values(row, *i).contains(value))
                        .map(|(_, _, anywhere)| anywhere.to_string()),
                }
            })
            .collect()
    }

    /// A value as shown to people: a reference to a lot shows the lot's name.
    fn value_label(&self, column: &crate::visibility::PublicColumn, value: &str) -> String {
        self.site.value_label(column, value)
    }

    /// Each lot of the procurement, for the activities page, with a link
    /// to its providers when the provider listing is browsed by lot.
    fn lot_views(&self, ds: &PublicDataset) -> Vec<LotView> {
        match self.site.dataset("lots") {
            Some(lots) => {
                let (id, name, meaning) = (
                    lots.column_index("id").expect("checked"),
                    lots.column_index("name").expect("checked"),
                    lots.column_index("meaning").expect("checked"),
                );
                let lot_column = ds
                    .columns()
                    .iter()
                    .find(|c| c.browse() && c.references() == Some("lots.id"));
                let id_title = &lots.columns()[id].title();
                let base = self.listing_base();
                lots.rows()
                    .iter()
                    .map(|row| LotView {
                        label: format!("{id_title} {}", row[id]),
                        id: row[id].clone(),
                        name: row[name].clone(),
                        meaning: row[meaning].clone(),
                        details: lots
                            .columns()
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| ![id, name, meaning].contains(i))
                            .map(|(i, c)| FieldView {
                                title: c.title().to_string(),
                                values: lots
                                    .values(row, i)
                                    .into_iter()
                                    .map(|v| match v {
                                        "true" => "Yes".into(),
                                        "false" => "No".into(),
                                        v => v.to_string(),
                                    })
                                    .collect(),
                                kind: "text",
                            })
                            .collect(),
                        href: lot_column
                            .map(|c| format!("{base}{}/{}/", slugify(c.name()), slugify(&row[id]))),
                    })
                    .collect()
            }
            None => Vec::new(),
        }
    }

    fn activities(
        &self,
        files: &mut Files,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), TemplateBug> {
        let Some(ds) = self.site.dataset("providers") else {
            return Ok(());
        };
        let home = Link {
            title: "Home".into(),
            href: String::new(),
        };
        let base = self.listing_base();
        let listing = &self.site.config().listing;
        let activities_link = Link {
            title: listing.nav.clone(),
            href: base.clone(),
        };
        let all_rows: Vec<&Vec<String>> = ds.rows().iter().collect();

        let mut groups = Vec::new();
        let mut facets = Vec::new();
        for (ci, column) in ds.columns().iter().enumerate().filter(|(_, c)| c.browse()) {
            let column_slug = slugify(column.name());
            // Each value, with the providers (row indices, in the file's
            // order) that have it.
            let mut by_value: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            if let Some(values) = column.values() {
                for v in values {
                    by_value.entry(v.clone()).or_default();
                }
            }
            for (r, row) in ds.rows().iter().enumerate() {
                for v in ds.values(row, ci) {
                    let rows = by_value.entry(v.to_string()).or_default();
                    if rows.last() != Some(&r) {
                        rows.push(r);
                    }
                }
            }
            // A provider that works online is found from every area.
            if let Some((how, online)) = ds
                .online()
                .filter(|o| o.areas == column.name())
                .and_then(|o| Some((ds.column_index(&o.column)?, o.value.as_str())))
            {
                for (value, rows) in by_value.iter_mut() {
                    *rows = (0..ds.rows().len())
                        .filter(|r| {
                            let row = &ds.rows()[*r];
                            ds.values(row, ci).contains(&value.as_str())
                                || ds.values(row, how).contains(&online)
                        })
                        .collect();
                }
            }
            let values = by_value
                .iter()
                .map(|(value, rows)| BrowseValue {
                    title: self.value_label(column, value),
                    href: format!("{base}{column_slug}/{}/", slugify(value)),
                    count: rows.len(),
                })
                .collect();
            facets.push(Facet {
                slug: column_slug.clone(),
                title: column.title().to_string(),
                values: by_value
                    .into_iter()
                    .map(|(value, rows)| (slugify(&value), self.value_label(column, &value), rows))
                    .collect(),
            });
            let group_path = format!("{base}{column_slug}/");
            let group = BrowseGroup {
                title: column.title().to_string(),
                href: group_path.clone(),
                values,
            };
            let meta = self.meta(
                &format!("Providers by {}", lower_first(column.title())),
                &format!(
                    "Choose one to see the providers for it: {}.",
                    lower_first(column.title())
                ),
                &group_path,
                "activities",
                vec![home.clone(), activities_link.clone()],
            );
            self.page(
                files,
                "browse.html",
                &group_path,
                meta,
                BrowseView { group: &group },
                diagnostics,
            )?;
            groups.push(group);
        }

        self.filter_pages(files, ds, &facets, diagnostics)?;
        let lots = self.lot_views(ds);
        let providers = self.providers(ds, &all_rows);
        let help = self.help_link(ds);
        self.provider_pages(files, ds, &providers, &lots, diagnostics)?;
        let withheld: Vec<WithheldNotice> = ds
            .withheld_columns()
            .iter()
            .map(|(_, n)| n.clone())
            .collect();
        // The first page: the ways in, the first providers, then what the
        // list is; later pages: the providers that follow, and the way on.
        let count = providers.len();
        let mut pages = providers.into_iter();
        for n in 1..=pages_of(count) {
            let path = crate::facets::page_path(&base, n);
            let title = paged_title(&listing.title, n, count);
            let meta = self.meta(
                &title,
                if n == 1 {
                    &listing.intro
                } else {
                    ds.description()
                },
                &path,
                "activities",
                if n == 1 {
                    vec![home.clone()]
                } else {
                    vec![home.clone(), activities_link.clone()]
                },
            );
            let first_page = n == 1;
            let view = ActivitiesView {
                dataset: DatasetHeading {
                    title: ds.title(),
                    description: ds.description(),
                },
                lots: if first_page { lots.clone() } else { Vec::new() },
                lots_intro: self.lots_intro(),
                groups: if first_page {
                    std::mem::take(&mut groups)
                } else {
                    Vec::new()
                },
                providers: pages.by_ref().take(PROVIDERS_PER_PAGE).collect(),
                list: ListPage::new(&base, n, count),
                first_page,
                withheld: if first_page {
                    withheld.clone()
                } else {
                    Vec::new()
                },
                jsonld: crate::opendata::jsonld::services(
                    self.site,
                    (n - 1) * PROVIDERS_PER_PAGE..(n * PROVIDERS_PER_PAGE).min(count),
                )
                .map(Value::from_safe_string),
                help: help.clone(),
            };
            self.page(files, "activities.html", &path, meta, view, diagnostics)?;
        }
        Ok(())
    }

    /// What the lots dataset says one lot is (its description), to
    /// introduce the lots wherever they are listed; none without one.
    fn lots_intro(&self) -> Option<String> {
        self.site
            .dataset("lots")
            .map(|lots| lots.description().trim().to_string())
    }

    /// A page for every choice of values of the browsable columns that some
    /// provider has (a value of one column, or of several combined: Swale,
    /// lot 1a, online), at `activities/COLUMN/VALUE/COLUMN/VALUE/`, columns
    /// in the schema's order. Each shows the chosen filters, each with a
    /// link that removes it, and links that narrow the list further, each
    /// with its count: combining filters needs no JavaScript. A value no
    /// provider has yet gets its page too, saying so.
    fn filter_pages(
        &self,
        files: &mut Files,
        ds: &PublicDataset,
        facets: &[Facet],
        diagnostics: &mut Diagnostics,
    ) -> Result<(), TemplateBug> {
        // Depth first, each column after the last one chosen, so that each
        // choice is made once, in the schema's order.
        let all: Vec<usize> = (0..ds.rows().len()).collect();
        let mut stack: Vec<(Choice, Vec<usize>)> = vec![(Vec::new(), all)];
        while let Some((chosen, rows)) = stack.pop() {
            if !chosen.is_empty() {
                self.filter_page(files, ds, facets, &chosen, &rows, diagnostics)?;
            }
            let next = chosen.last().map_or(0, |(f, _)| f + 1);
            for (f, facet) in facets.iter().enumerate().skip(next).rev() {
                for (v, (_, _, set)) in facet.values.iter().enumerate().rev() {
                    let narrowed: Vec<usize> = rows
                        .iter()
                        .copied()
                        .filter(|r| set.binary_search(r).is_ok())
                        .collect();
                    // A single value always has its page (the browse pages
                    // link to each); a combination only when someone has it.
                    if !narrowed.is_empty() || chosen.is_empty() {
                        let mut more = chosen.clone();
                        more.push((f, v));
                        stack.push((more, narrowed));
                    }
                }
            }
        }
        Ok(())
    }

    /// One page of [`Renderer::filter_pages`]: `chosen` is a list of
    /// (column, value) indices into `facets`, `rows` the providers that
    /// have them all.
    fn filter_page(
        &self,
        files: &mut Files,
        ds: &PublicDataset,
        facets: &[Facet],
        chosen: &[(usize, usize)],
        rows: &[usize],
        diagnostics: &mut Diagnostics,
    ) -> Result<(), TemplateBug> {
        let path = |choice: &[(usize, usize)]| -> String {
            let mut p = self.listing_base();
            for (f, v) in choice {
                p.push_str(&format!("{}/{}/", facets[*f].slug, facets[*f].values[*v].0));
            }
            p
        };
        let here = path(chosen);
        let labels: Vec<String> = chosen
            .iter()
            .map(|(f, v)| facets[*f].values[*v].1.clone())
            .collect();
        let filter = labels.join(", ");
        let chosen_view: Vec<ChosenFilter> = chosen
            .iter()
            .enumerate()
            .map(|(i, (f, v))| {
                let rest: Vec<(usize, usize)> = chosen
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, c)| *c)
                    .collect();
                ChosenFilter {
                    column: facets[*f].title.clone(),
                    value: facets[*f].values[*v].1.clone(),
                    remove: path(&rest),
                }
            })
            .collect();
        let options: Vec<BrowseGroup> = facets
            .iter()
            .enumerate()
            .filter(|(f, _)| !chosen.iter().any(|(c, _)| c == f))
            .map(|(f, facet)| BrowseGroup {
                title: facet.title.clone(),
                href: format!("{}{}/", self.listing_base(), facet.slug),
                values: facet
                    .values
                    .iter()
                    .enumerate()
                    .filter_map(|(v, (_, label, set))| {
                        let count = rows.iter().filter(|r| set.binary_search(r).is_ok()).count();
                        let mut more = chosen.to_vec();
                        more.push((f, v));
                        more.sort_unstable();
                        (count > 0).then(|| BrowseValue {
                            title: label.clone(),
                            href: path(&more),
                            count,
                        })
                    })
                    .collect(),
            })
            .filter(|g: &BrowseGroup| !g.values.is_empty())
            .collect();
        let mut breadcrumbs = self.listing_crumbs();
        if let [(f, _)] = chosen {
            breadcrumbs.push(Link {
                title: facets[*f].title.clone(),
                href: format!("{}{}/", self.listing_base(), facets[*f].slug),
            });
        }
        // The list over pages of PROVIDERS_PER_PAGE: the chosen filters and
        // the ways to narrow it on each, so every page is a whole answer.
        let count = rows.len();
        for (i, chunk) in rows
            .chunks(PROVIDERS_PER_PAGE)
            .chain(rows.is_empty().then_some(&rows[..0]))
            .enumerate()
        {
            let n = i + 1;
            let path = crate::facets::page_path(&here, n);
            let mut crumbs = breadcrumbs.clone();
            if n > 1 {
                crumbs.push(Link {
                    title: format!("Providers: {filter}"),
                    href: here.clone(),
                });
            }
            let meta = self.meta(
                &paged_title(&format!("Providers: {filter}"), n, count),
                &format!("Providers on the list for {filter}."),
                &path,
                "activities",
                crumbs,
            );
            let some: Vec<&Vec<String>> = chunk.iter().map(|r| &ds.rows()[*r]).collect();
            let view = ProvidersView {
                providers: self.providers(ds, &some),
                list: ListPage::new(&here, n, count),
                filter: filter.clone(),
                chosen: &chosen_view,
                options: &options,
            };
            self.page(files, "providers.html", &path, meta, view, diagnostics)?;
        }
        Ok(())
    }

    /// The plain page the listing names as how to get its support.
    fn help_link(&self, ds: &PublicDataset) -> Option<Link> {
        let slug = ds.help_page()?;
        let page = self.site.pages().iter().find(|p| p.slug() == slug)?;
        Some(Link {
            title: page.title().to_string(),
            href: format!("{slug}/"),
        })
    }

    /// A page for each provider, at an address made from its id: every
    /// published column, and what each of its lots means.
    fn provider_pages(
        &self,
        files: &mut Files,
        ds: &PublicDataset,
        providers: &[ProviderView],
        lots: &[LotView],
        diagnostics: &mut Diagnostics,
    ) -> Result<(), TemplateBug> {
        let lot_column = ds
            .columns()
            .iter()
            .position(|c| c.references() == Some("lots.id"));
        for (provider, row) in providers.iter().zip(ds.rows()) {
            let on: Vec<&str> = lot_column.map(|i| ds.values(row, i)).unwrap_or_default();
            let meta = self.meta(
                &provider.name,
                &format!(
                    "What {} offers, where, and how to contact them.",
                    provider.name
                ),
                &provider.href,
                "activities",
                self.listing_crumbs(),
            );
            let view = ProviderPageView {
                provider: self.providers(ds, &[row]).remove(0),
                lots: lots
                    .iter()
                    .filter(|l| on.contains(&l.id.as_str()))
                    .map(|l| LotView {
                        label: l.label.clone(),
                        id: l.id.clone(),
                        name: l.name.clone(),
                        meaning: l.meaning.clone(),
                        details: Vec::new(),
                        href: l.href.clone(),
                    })
                    .collect(),
                help: self.help_link(ds),
                lots_intro: self.lots_intro(),
            };
            self.page(
                files,
                "provider.html",
                &provider.href,
                meta,
                view,
                diagnostics,
            )?;
        }
        Ok(())
    }

    fn glossary(
        &self,
        files: &mut Files,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), TemplateBug> {
        let Some(ds) = self.site.dataset("glossary") else {
            return Ok(());
        };
        let term = ds.column_index("term").expect("checked");
        let meaning = ds.column_index("meaning").expect("checked");
        let abbreviation = ds.column_index("abbreviation");
        let mut entries: Vec<GlossaryEntry> = ds
            .rows()
            .iter()
            .map(|row| GlossaryEntry {
                id: slugify(&row[term]),
                term: row[term].clone(),
                abbreviation: abbreviation
                    .map(|i| row[i].clone())
                    .filter(|a| !a.trim().is_empty()),
                meaning: row[meaning].clone(),
            })
            .collect();
        entries.sort_by(|a, b| {
            a.term
                .to_lowercase()
                .cmp(&b.term.to_lowercase())
                .then_with(|| a.term.cmp(&b.term))
        });
        let meta = self.meta(
            "Words we use",
            "Plain meanings of the words and abbreviations that council papers use.",
            "glossary/",
            "glossary",
            vec![Link {
                title: "Home".into(),
                href: String::new(),
            }],
        );
        self.page(
            files,
            "glossary.html",
            "glossary/",
            meta,
            GlossaryView { entries },
            diagnostics,
        )
    }

    /// The /data/ page and the Data Package, once every part of
    /// [`Renderer::other_part`] and every download is made (`made` is what they said of the
    /// downloads, in their order), as a part of its own.
    pub fn data_page(
        &self,
        made: Vec<(crate::opendata::Section, crate::opendata::Download)>,
    ) -> SitePart<'_> {
        SitePart::new(move |emit, diagnostics| {
            let catalogue = crate::opendata::catalogue(self.site, made, emit);
            let meta = self.meta(
                "Open data",
                "Download the facts on this site to use as you like: spreadsheets, data in the standards that service directories and procurement analysts use, and feeds.",
                "data/",
                "data",
                vec![Link {
                    title: "Home".into(),
                    href: String::new(),
                }],
            );
            let jsonld = Value::from_safe_string(catalogue.jsonld.clone());
            let view = DataView {
                catalogue: &catalogue,
                jsonld,
            };
            let mut files = Files::default();
            self.page(&mut files, "data.html", "data/", meta, view, diagnostics)?;
            emit.files(files);
            Ok(None)
        })
    }
}

/// One part of the site-wide files ([`Renderer::other_part`], [`Renderer::download_part`]): made on its
/// own, it hands its files to the `emit` it is given and says what the
/// /data/ page lists of them, if anything.
pub struct SitePart<'r>(Box<MakePart<'r>>);

type MakePart<'r> = dyn FnOnce(&mut dyn Emit, &mut Diagnostics) -> PartMade + Send + 'r;

/// What a [`SitePart`] made that the /data/ page lists.
pub type PartMade =
    Result<Option<(crate::opendata::Section, crate::opendata::Download)>, TemplateBug>;

impl<'r> SitePart<'r> {
    fn new(
        make: impl FnOnce(&mut dyn Emit, &mut Diagnostics) -> PartMade + Send + 'r,
    ) -> SitePart<'r> {
        SitePart(Box::new(make))
    }

    pub fn make(self, emit: &mut dyn Emit, diagnostics: &mut Diagnostics) -> PartMade {
        (self.0)(emit, diagnostics)
    }
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Report => "Report",
        Kind::Eqia => "Equality Impact Assessment",
        Kind::Appendix => "Appendix",
        Kind::Decision => "Decision",
        Kind::Page => "Page",
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_and_paths() {
        assert_eq!(root_for(""), "");
        assert_eq!(root_for("decisions/22-00073/"), "../../");
        assert_eq!(base_path("https://example.org"), "/");
        assert_eq!(base_path("https://example.github.io/site/"), "/site/");
    }

    #[test]
    fn dates_read_naturally() {
        assert_eq!(format_date("2022-07-03".into()).unwrap(), "3 July 2022");
    }

    #[test]
    fn a_page_view_keeps_its_fields_and_values() {
        /// A view holding a template value (as `jsonld` fields do).
        #[derive(Serialize)]
        struct View {
            jsonld: Value,
        }
        let site = Value::from_serialize(BTreeMap::from([("title", "Council")]));
        let page = PageMeta {
            title: "Decisions".into(),
            description: String::new(),
            root: "../".into(),
            path: "decisions/".into(),
            canonical: String::new(),
            section: "decisions",
            breadcrumbs: vec![],
        };
        let view = View {
            jsonld: Value::from_safe_string("<script></script>".into()),
        };
        let ctx = Value::from_serialize(PageView {
            site: &site,
            page,
            view,
        });
        let keys: Vec<String> = ctx.try_iter().unwrap().map(|k| k.to_string()).collect();
        assert_eq!(keys, ["jsonld", "page", "site"]);
        assert!(ctx.get_attr("jsonld").unwrap().is_safe());
        assert_eq!(ctx.get_attr("site").unwrap(), site);
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn notice_headings() {
        assert_eq!(lower_first("Award report"), "award report");
        assert_eq!(lower_first("EqIA scores"), "EqIA scores");
        assert_eq!(html_escape("<a&\""), "&lt;a&amp;&quot;");
    }
}
