//! The built-in templates, by name: the HTML that `render` fills in for
//! every page, each of which a site may override with a file of the same name
//! in its `templates/`. Imports nothing of ours, so that reading the site
//! folder (which names may be overridden) and the leak scan (which takes the
//! templates' own words as public) need not know how pages are made.

/// The built-in templates, by name.
pub(crate) const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html")),
    ("macros.html", include_str!("templates/macros.html")),
    ("home.html", include_str!("templates/home.html")),
    ("activities.html", include_str!("templates/activities.html")),
    ("browse.html", include_str!("templates/browse.html")),
    ("providers.html", include_str!("templates/providers.html")),
    ("provider.html", include_str!("templates/provider.html")),
    ("register.html", include_str!("templates/register.html")),
    (
        "register-facet.html",
        include_str!("templates/register-facet.html"),
    ),
    ("decision.html", include_str!("templates/decision.html")),
    (
        "forward-plan.html",
        include_str!("templates/forward-plan.html"),
    ),
    ("call-in.html", include_str!("templates/call-in.html")),
    ("paper.html", include_str!("templates/paper.html")),
    ("glossary.html", include_str!("templates/glossary.html")),
    ("page.html", include_str!("templates/page.html")),
    (
        "accessibility.html",
        include_str!("templates/accessibility.html"),
    ),
    ("data.html", include_str!("templates/data.html")),
    ("search.html", include_str!("templates/search.html")),
    ("404.html", include_str!("templates/404.html")),
];

/// What each template receives besides what every page has, in the words
/// of the comment `plainsight templates` heads a copy with. Each line is
/// `name: what it is`; a test checks that every variable a built-in
/// template reads is named here.
const RECEIVES: &[(&str, &str)] = &[
    (
        "base.html",
        "The frame of every page: the other page templates extend it and fill its
`head` and `content` blocks. It reads:
- site: site.toml's settings (title, tagline, example_notice, organisation,
  contact, licence, branding, listing (the provider listing's title, path,
  nav, intro and summary), ...), with has_activities and has_glossary
  (whether the site has a provider listing and a glossary),
  has_forward_plan (whether any decision is proposed) and logo (where
  the logo is published, from the site's root, or none)
- page: title, description, canonical (its full address), root (the way
  back to the site's root, like ../../), path, section (the navigation item
  that is current) and breadcrumbs (each with title and href)
- footer_pages: the plain pages, accessibility statement first, each with
  title and href
Its header has the site's search box (a form that sends `q` to search/),
left out on the search page itself, which has its own.",
    ),
    (
        "macros.html",
        "Macros the page templates import (`{% import \"macros.html\" as m %}`).
Each macro takes what it shows as arguments; besides them, macros read only
- term(id, text, root): a link to the glossary's entry for `id` when the
  glossary has one, else the text
Among them: provider_list(providers, root, heading_level), list_count(list)
(\"Showing 21 to 40 of 143 providers.\") and pagination(p, root, label)
(GOV.UK's pattern, from a list's pagination; nothing for a list of one page).",
    ),
    (
        "home.html",
        "The home page. Besides site and page:
- latest: the five newest decisions, each with number, title, summary,
  href, status and the dates the register shows
- has_activities: whether the site has a provider listing",
    ),
    (
        "activities.html",
        "A page of the provider listing (data/providers.csv): its first page at
site.listing.path, the others at .../page/N/. Besides site and page:
- first_page: whether this is the first page (the ways in, the dataset's
  description, the lots and what is withheld are on it only)
- dataset: its title and description
- lots: the parts of the listing, each with id, label (like \"Lot 1a\"),
  name, meaning, details and href; empty on later pages
- lots_intro: what the lots dataset says a lot is (its description), or none
- groups: the ways to browse it (its `browse = true` columns), each with
  title, href and values (each with a value, href and count)
- providers: this page's providers (at most 20), in the file's order, each
  with id, name, href (its own page), fields and card (as provider.html
  describes)
- list: count (providers on all pages), first and last (this page's, from
  1) and pagination (previous, next, items, current, total; none for one page)
- withheld: notices for the columns that are withheld, and why
- jsonld: the page's schema.org data, or none
- help: the page that says how to get what is listed (title and href), or
  none
- term(id, text, root): a link to the glossary's entry for `id` when the
  glossary has one, else the text",
    ),
    (
        "browse.html",
        "One way to browse the providers (a `browse = true` column) and its values.
Besides page:
- group: title, href and values (each with a value, href and count)",
    ),
    (
        "providers.html",
        "The providers with the values chosen of one or more browsable columns
(Swale; or Swale, lot 1a and online). Besides page:
- filter: the values chosen, as people see them, joined with commas
- chosen: each value chosen, with column, value and remove (the page
  without it, from the site's root)
- options: the other browsable columns, each with title, href and values
  that narrow the list further (each with title, href and count)
- providers: this page's providers that have them all (at most 20)
- list: count, first, last and pagination, as activities.html has them",
    ),
    (
        "provider.html",
        "One provider's own page. Besides site and page:
- provider: id, name, href, fields (every published column but the id and
  name, each with title, values and kind: email, phone, url or text), card
  (the columns its card in listings shows) and online (the listing's words
  for a provider found from every area because it works online, or none)
- lots: the lots it is on, each with id, label, name, meaning and href (the
  page of the lot's providers, or none)
- lots_intro: what the lots dataset says a lot is, or none
- help: the page that says how to get what is listed (title and href), or
  none
- term(id, text, root): a link to the glossary's entry",
    ),
    (
        "register.html",
        "One page of the register (decisions/, decisions/page/2/, ...), or of one
of its filters (decisions/year/2024/, decisions/division/swale/page/2/, ...).
Besides page (whose title has the page number when there are several):
- heading: the listing's title, without the page number
- decisions: this page's decisions (at most 50), newest first, each with
  number, title, summary, href, status, decision_maker,
  electoral_divisions, key_decision and its dates
- count: how many decisions the listing has on all its pages; first and
  last: where this page's first and last are in it (from 1)
- filter: the filter this listing is (facet, value and remove_href), or
  none for the whole register
- filters: the ways to filter (title, href, count, values and choose): each
  value with title, href, count and selected
- pagination: previous, next, items (each with number, none for an
  ellipsis, href and current), current and total; none for one page
- feed: the Atom feed of the listing, or none; all_divisions: on a
  division's page, the page of decisions for every division, or none
- thousands: a filter that writes 10000 as 10,000
- term(id, text, root): a link to the glossary's entry, as on every page",
    ),
    (
        "register-facet.html",
        "The values of one way to filter the register (decisions/year/,
decisions/division/, decisions/maker/, decisions/status/). Besides page:
- facet: its name (Year, Electoral division, Decision maker, Status)
- values: each with title, href, count (its decisions) and selected
- thousands: a filter that writes 10000 as 10,000",
    ),
    (
        "decision.html",
        "A decision's page. Besides site and page:
- decision: number, title, summary, href, status, status_label (the
  council's own word for the status when site.toml maps one, else ours),
  status_in_text (the same within a sentence: ours in lower case, the
  council's as it writes it),
  date, date_label and date_words (like: on 1 August 2022)
- decision_maker_name, in_consultation_with, key_decision_reason,
  electoral_divisions, interests_declared, dispensations, department: as
  the record says
- lead_officer: name, role, email and phone (either may be none), or none
- withheld: what is withheld from the decision, each with heading and href
  (its notice); when any is, the page flags the decision as part exempt
- expected: when a proposed decision is expected: datetime (YYYY-MM-DD, or
  YYYY-MM for a month) and words (on 29 July 2022, on or after 1
  September 2024, in September 2024), or none
- taken, withdrawn, record_published: dates as YYYY-MM-DD (the `date`
  filter words them), or none
- amended: the changes to the record since it was published, each with on
  (YYYY-MM-DD) and what
- the_decision, reasons, body: the record's Markdown, rendered
- alternatives: each with option and why_rejected
- call_in: subject, deadline, implement_from and reason; state (open,
  not-called-in, awaiting, decided or none, on the day the site counts as
  now, as_of); requested_on, by, outcome (upheld, referred-back or
  withdrawn) and decided_on; or none
- notice: its notice in the forward plan (published, earliest_lawful,
  key_decision and urgency, with route, name, reasons and scrutiny_chair),
  or none
- private_meeting: what of a proposed decision is to be decided in private
  (parts, each with title, paragraphs and covers), representations_by,
  representations_closed (whether that day has passed, as of now),
  second_notice_by and second_notice_clear_days, or none
- pathway: the steps it went through, each with date, body and what
- related: the decisions related either way
- related_elsewhere: related decisions not on this site, each with number,
  title, url and council (or none)
- money: the money it spends, saves or budgets, each with label, period,
  kind (Spending, Saving or Budget) and amount (like £1,400,000)
- papers: its documents, published or withheld (a withheld one with its
  notice: what it is, the Schedule 12A paragraphs in plain words, and why,
  and its anchor, the notice's id), each with withheld_attachments: the
  notices of its attachments that are not published
- jsonld: the page's schema.org data
- term(id, text, root): a link to the glossary's entry",
    ),
    (
        "forward-plan.html",
        "The forward plan: every proposed decision. Besides site and page:
- key_decisions: proposed key decisions, soonest first; other_decisions:
  the other proposed decisions. Each has id (its anchor), decision
  (number, title, summary, href, status, decision_maker, ...), expected
  (datetime and words, as on a decision's page), lead_officer (name, role,
  email and phone, or none: the site's contact is shown instead), notice (published, earliest_lawful, key_decision and
  urgency, or none), documents (published with href from the site's
  root and the notices of their withheld_attachments, withheld with
  notice) and private (parts, representations_by,
  representations_closed, second_notice_by, second_notice_clear_days, or
  none)
- second_notice_clear_days: site.toml's [forward_plan] setting
- term(id, text, root): a link to the glossary's entry",
    ),
    (
        "call-in.html",
        "Decisions open to call-in. Besides site and page:
- as_of: the day the lists are true on (YYYY-MM-DD), or none
- as_of_source: where that day came from: setting (site.toml's as_of),
  build-date (SOURCE_DATE_EPOCH) or latest-record
- open: decisions that can be called in, deadline soonest first;
  awaiting: decisions called in and waiting for the outcome. Each has
  decision (number, title, href, status, decision_maker, date, ...) and
  call_in (as on a decision's page)
- term(id, text, root): a link to the glossary's entry",
    ),
    (
        "paper.html",
        "A published document of a decision (a report, an equality impact
assessment, an appendix). Besides site and page:
- paper: kind (as shown), is_eqia, label, summary, meeting (body and date)
  and assessed_on
- decision: the decision it belongs to (number, title, href, status, ...)
- impacts: an assessment's impacts, by protected characteristic (also
  written beside the page as impacts.csv and impacts.json)
- attachments: its files, published or withheld
- body: its Markdown, rendered
- body_starts_with_heading: whether the body opens with a heading of its
  own (then the page adds none above it)
- term(id, text, root): a link to the glossary's entry",
    ),
    (
        "glossary.html",
        "The \"Words we use\" page (data/glossary.csv). Besides page:
- entries: the terms in alphabetical order, each with id, term,
  abbreviation and meaning",
    ),
    (
        "page.html",
        "A plain page from content/pages/. Besides site and page:
- body: the page's Markdown, rendered
- statement: none here (it is filled on accessibility.html)",
    ),
    (
        "accessibility.html",
        "The accessibility statement: content/pages/accessibility.md, then the
sections made from site.toml's [accessibility] and the build's own checks.
Besides site and page:
- body: the page's Markdown, rendered
- statement: the generated sections",
    ),
    (
        "data.html",
        "The open data page. Besides site and page:
- catalogue: the download files, grouped as the page lists them
- jsonld: the page's schema.org data",
    ),
    (
        "search.html",
        "The search page (search/). Its script, assets/search.js, reads the field
`q` (the header's search box sends it here) and shows the results; without
JavaScript the page says so. Besides site and page:
- browse: the other ways to find things that the site has (the activities
  page and its browse pages, the register of decisions, the glossary), each
  with title and href",
    ),
    (
        "404.html",
        "The page for an address the site does not have. It receives page only
(its root is the site's base path, as the page can be shown at any address).",
    ),
];

/// A built-in template as `plainsight templates` writes it into a site's
/// `templates/`: headed with a comment on what it receives, which renders
/// to nothing (`{#- ... -#}` also takes the line break after it), so the
/// copy makes the same pages as the built-in template.
pub fn with_header(name: &str) -> Option<String> {
    let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
    let receives = RECEIVES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, r)| r);
    Some(format!(
        "{{#- plainsight's built-in {name}, copied into this site's templates/
    so that you can change it. Delete this file to use the built-in one again
    (and get its improvements). A build checks it as it checks every
    override: text colours for contrast, and every page for personal data
    and withheld text.

{receives}
-#}}
{text}"
    ))
}

pub fn builtin_templates() -> &'static [(&'static str, &'static str)] {
    BUILTIN
}

pub fn is_template_name(name: &str) -> bool {
    BUILTIN.iter().any(|(n, _)| *n == name)
}

pub fn template_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(n, _)| *n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_names_everything_each_template_reads() {
        let mut env = minijinja::Environment::new();
        for (name, text) in BUILTIN {
            env.add_template(name, text).unwrap();
        }
        for (name, _) in BUILTIN {
            let header = with_header(name).unwrap();
            let header = &header[..header.find("-#}").unwrap()];
            let read = env.get_template(name).unwrap().undeclared_variables(false);
            for variable in read {
                let named = header
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .any(|word| word == variable);
                assert!(named, "{name}'s header does not say what `{variable}` is");
            }
        }
        assert_eq!(RECEIVES.len(), BUILTIN.len(), "a template has no header");
    }
}
