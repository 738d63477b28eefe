//! The register at scale: pages of 50 decisions, newest first, with the
//! GOV.UK pagination; pages by year, electoral division, decision maker,
//! status and key decisions, each with its count, linked from the register;
//! no page over 100 KB on a large site; no table twin for narrow screens;
//! nothing withheld in any of it.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;

/// Electoral divisions for generated decisions (Kent's, as a council has
/// about this many).
const DIVISIONS: &[&str] = &[
    "Ashford Central",
    "Ashford East",
    "Ashford Rural East",
    "Ashford Rural South",
    "Ashford Rural West",
    "Ashford South",
    "Birchington and Rural",
    "Broadstairs",
    "Canterbury City North",
    "Canterbury City South",
    "Canterbury North",
    "Canterbury South",
    "Cheriton, Sandgate and Hythe East",
    "Cranbrook",
    "Dartford East",
    "Dartford North East",
    "Dartford Rural",
    "Deal and Walmer",
    "Dover North",
    "Dover Town",
    "Elham Valley",
    "Faversham",
    "Folkestone East",
    "Folkestone West",
    "Gravesend East",
    "Gravesham Rural",
    "Herne Bay East",
    "Herne Village and Sturry",
    "Hythe West",
    "Maidstone Central",
    "Maidstone North East",
    "Maidstone Rural North",
    "Maidstone Rural West",
    "Malling Central",
    "Malling North East",
    "Margate",
    "Northfleet and Gravesend West",
    "Ramsgate",
    "Romney Marsh",
    "Sevenoaks North and Darent Valley",
    "Sevenoaks Rural South",
    "Sheppey",
    "Sittingbourne North",
    "Sittingbourne South",
    "Swale East",
    "Swale West",
    "Swanscombe and Greenhithe",
    "Tonbridge",
    "Tunbridge Wells East",
    "Tunbridge Wells North",
    "Whitstable East and Herne Bay West",
    "Whitstable West",
    "Wilmington",
];

const MAKERS: &[&str] = &[
    "Cabinet Member for Adult Social Care and Public Health",
    "Cabinet Member for Integrated Children's Services",
    "Cabinet Member for Highways and Transport",
    "Cabinet Member for Education and Skills",
    "Cabinet Member for Environment",
    "Cabinet Member for Finance, Corporate and Traded Services",
    "Cabinet Member for Community and Regulatory Services",
    "Cabinet Member for Economic Development",
    "Deputy Leader and Cabinet Member for Growth, Economic Development and Communities",
    "Leader of the Council",
    "Cabinet",
    "Corporate Director of Adult Social Care and Health",
];

/// A seeded generator: the same site on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// The minimal fixture with `count` more decisions, 25/00001 on: each a
/// record only, with a long title, one to three divisions (one in ten
/// "All"), a decision maker from [`MAKERS`], a status and a date from 2019
/// to 2025.
fn generated(count: usize) -> tempfile::TempDir {
    let site = fixture("minimal");
    // The council's list in site.toml gains the generated divisions.
    let config = site.path().join("site.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let names: Vec<String> = DIVISIONS.iter().map(|d| format!("{d:?}")).collect();
    let text = text.replace(
        "names = [\"Northfield\", ",
        &format!("names = [{}, \"Northfield\", ", names.join(", ")),
    );
    std::fs::write(&config, text).unwrap();
    let mut rng = Rng(7);
    for i in 1..=count {
        let number = format!("25/{i:05}");
        let dir = site.path().join(format!("content/decisions/25-{i:05}"));
        std::fs::create_dir_all(&dir).unwrap();
        let divisions: Vec<String> = match rng.below(10) {
            0 => vec!["\"All\"".into()],
            n => (0..1 + n % 3)
                .map(|_| format!("\"{}\"", DIVISIONS[rng.below(DIVISIONS.len())]))
                .collect(),
        };
        let date = format!(
            "{}-{:02}-{:02}",
            2019 + rng.below(7),
            1 + rng.below(12),
            1 + rng.below(28)
        );
        let status = match rng.below(6) {
            0 => format!("status = \"proposed\"\ndue = {date}"),
            1 => format!("status = \"withdrawn\"\nwithdrawn = {date}"),
            2 => format!(
                "status = \"called-in\"\ntaken = {date}\ncall_in = {{ subject = true, deadline = {date}, implement_from = {date}, requested_on = {date}, by = \"Scrutiny Committee\" }}"
            ),
            _ => format!("status = \"taken\"\ntaken = {date}"),
        };
        let key = match rng.below(2) {
            0 => {
                "key_decision = true\nkey_decision_reason = \"It means spending of more than £1 million.\"\nnotice_published = 2018-01-02"
            }
            _ => "key_decision = false",
        };
        std::fs::write(
            dir.join("decision.md"),
            format!(
                "+++\nkind = \"decision\"\nnumber = \"{number}\"\n\
                 title = \"Buying home care, day services and support for carers across the county from 2026 to 2030: decision {number}\"\n\
                 summary = \"The council will buy support in a new way so that people have more choice.\"\n\
                 decision_maker = \"{}\"\n{status}\n{key}\nelectoral_divisions = [{}]\n\
                 decision = \"To buy the support through a new contract.\"\nreasons = \"The current contract ends.\"\n\
                 alternatives = [{{ option = \"Do nothing\", why_rejected = \"People would lose support.\" }}]\n\
                 interests_declared = \"None\"\ndispensations = \"None\"\n+++\n",
                MAKERS[rng.below(MAKERS.len())],
                divisions.join(", "),
            ),
        )
        .unwrap();
    }
    site
}

/// The register's own pages (the whole register, its filters and their
/// pages): every page under decisions/ that is not a decision's.
fn register_pages(out: &BTreeMap<String, Vec<u8>>) -> BTreeMap<&str, String> {
    out.iter()
        .filter(|(path, _)| path.starts_with("decisions/") && path.ends_with("index.html"))
        .filter(|(path, _)| {
            let folder = path.split('/').nth(1).unwrap();
            !plainsight::source::is_decision_folder(folder)
        })
        .map(|(path, bytes)| (path.as_str(), String::from_utf8(bytes.clone()).unwrap()))
        .collect()
}

/// The decisions a register page lists, in its order, by number.
fn listed(page: &str) -> Vec<String> {
    page.split("<td data-label=\"Number\">")
        .skip(1)
        .map(|rest| rest[..rest.find('<').unwrap()].to_string())
        .collect()
}

/// Every listing's pages, in order, from its first page's file.
fn pages_of<'p>(pages: &'p BTreeMap<&str, String>, first: &str) -> Vec<&'p String> {
    let base = first.trim_end_matches("index.html");
    let mut found = vec![&pages[first]];
    for n in 2.. {
        match pages.get(format!("{base}page/{n}/index.html").as_str()) {
            Some(page) => found.push(page),
            None => break,
        }
    }
    found
}

/// The count a filter link gives its value, as `(N)` after the link.
fn count_after(page: &str, href: &str) -> usize {
    let link = format!("href=\"{href}\"");
    let at = page
        .find(&link)
        .unwrap_or_else(|| panic!("no link to {href}"));
    let rest = &page[at..];
    let open = rest.find("</a> (").unwrap() + "</a> (".len();
    let close = rest[open..].find(')').unwrap();
    rest[open..open + close].replace(',', "").parse().unwrap()
}

#[test]
fn the_register_is_paginated_newest_first_with_pages_for_each_filter() {
    let site = generated(120);
    assert_ok(&build(site.path()));
    let out = files(&site.path().join("public"));
    let pages = register_pages(&out);
    let decisions = 122;

    // The whole register: three pages of 50, 50 and 22, newest first.
    let register = pages_of(&pages, "decisions/index.html");
    assert_eq!(register.len(), 3);
    assert!(!pages.contains_key("decisions/page/1/index.html"));
    let mut numbers = Vec::new();
    for page in &register {
        numbers.extend(listed(page));
    }
    assert_eq!(numbers.len(), decisions);
    assert_eq!(
        numbers.iter().collect::<BTreeSet<_>>().len(),
        decisions,
        "each decision once"
    );
    let rows: BTreeMap<String, serde_json::Value> =
        serde_json::from_slice::<Vec<serde_json::Value>>(&out["data/decisions.json"])
            .unwrap()
            .into_iter()
            .map(|d| (d["number"].as_str().unwrap().to_string(), d))
            .collect();
    let date = |number: &String| {
        let d = &rows[number];
        ["taken", "withdrawn", "due"]
            .iter()
            .find_map(|k| d[*k].as_str())
            .unwrap()
            .to_string()
    };
    let dates: Vec<String> = numbers.iter().map(date).collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {dates:?}"
    );

    // The GOV.UK pagination: previous and next with their words, numbered
    // pages, the current one marked, in a labelled navigation landmark.
    let first = register[0];
    assert!(first.contains("<nav class=\"pagination\" aria-label=\"Pages of decisions\">"));
    assert!(!first.contains("rel=\"prev\""));
    assert!(first.contains(
        "<a href=\"../decisions/page/2/\" rel=\"next\">Next<span class=\"visually-hidden\"> page</span>"
    ));
    assert!(
        first.contains(
            "<a href=\"../decisions/\" aria-label=\"Page 1\" aria-current=\"page\">1</a>"
        )
    );
    assert!(first.contains("<title>Decisions (page 1 of 3) – Fixture council decisions</title>"));
    assert!(first.contains("<h1>Decisions</h1>"));
    assert!(first.contains("Decisions 1 to 50 of 122, newest first"));
    let second = register[1];
    assert!(second.contains("<a href=\"../../../decisions/\" rel=\"prev\">"));
    assert!(second.contains("<a href=\"../../../decisions/page/3/\" rel=\"next\">"));
    assert!(second.contains("aria-label=\"Page 2\" aria-current=\"page\">2</a>"));
    assert_eq!(
        second.matches("aria-current=\"page\"").count(),
        2,
        "the navigation's Decisions, and page 2"
    );
    assert!(second.contains("Decisions 51 to 100 of 122, newest first"));
    let third = register[2];
    assert!(!third.contains("rel=\"next\""));
    assert!(third.contains("Decisions 101 to 122 of 122, newest first"));

    // No twin of the table for narrow screens: each decision is linked once.
    for (path, page) in &pages {
        assert!(!page.contains("only-narrow"), "{path} has a hidden twin");
        for number in listed(page) {
            let href = format!("decisions/{}/\"", number.replace('/', "-"));
            assert_eq!(page.matches(&href).count(), 1, "{number} on {path}");
        }
    }

    // The filter block links every status, the key decisions and every
    // year from the register, each with its count, and the pages that list
    // the divisions and the decision makers.
    let mut by_status = 0;
    for status in ["proposed", "taken", "called-in", "withdrawn"] {
        let href = format!("../decisions/status/{status}/");
        let count = count_after(first, &href);
        let listing = pages_of(&pages, &format!("decisions/status/{status}/index.html"));
        let on_pages: Vec<String> = listing.iter().flat_map(|p| listed(p)).collect();
        assert_eq!(on_pages.len(), count, "{status}");
        by_status += count;
    }
    assert_eq!(by_status, decisions);
    let mut by_year = 0;
    for year in 2019..=2025 {
        let count = count_after(first, &format!("../decisions/year/{year}/"));
        let listing = pages_of(&pages, &format!("decisions/year/{year}/index.html"));
        let on_pages: Vec<String> = listing.iter().flat_map(|p| listed(p)).collect();
        assert_eq!(on_pages.len(), count, "{year}");
        assert!(
            on_pages
                .iter()
                .all(|n| date(n).starts_with(&year.to_string()))
        );
        let dates: Vec<String> = on_pages.iter().map(date).collect();
        assert!(
            dates.windows(2).all(|w| w[0] >= w[1]),
            "{year} newest first"
        );
        by_year += count;
    }
    assert_eq!(by_year, decisions);
    let key = count_after(first, "../decisions/key/");
    let keyed = rows.values().filter(|d| d["key_decision"] == true).count();
    assert_eq!(key, keyed);
    assert!(first.contains("<a href=\"../decisions/division/\">Choose an electoral division</a>"));
    assert!(first.contains("<a href=\"../decisions/maker/\">Choose a decision maker</a>"));

    // The divisions' page lists each with its count, "All" first; each
    // division's page lists the decisions that name it.
    let index = &pages["decisions/division/index.html"];
    assert!(index.contains("<h1>Decisions by electoral division</h1>"));
    let first_link = index.find("<ul class=\"browse\">").unwrap();
    assert!(
        index[first_link..]
            .trim_start_matches("<ul class=\"browse\">")
            .trim_start()
            .starts_with(
                "<li><a href=\"../../decisions/division/all/\">All electoral divisions</a>"
            )
    );
    let swale = &pages["decisions/division/swale-east/index.html"];
    let named: Vec<&String> = rows
        .keys()
        .filter(|n| {
            rows[*n]["electoral_divisions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d == "Swale East")
        })
        .collect();
    let on_pages: Vec<String> = pages_of(&pages, "decisions/division/swale-east/index.html")
        .iter()
        .flat_map(|p| listed(p))
        .collect();
    assert_eq!(on_pages.len(), named.len());
    assert!(index.contains(&format!(
        "<a href=\"../../decisions/division/swale-east/\">Swale East</a> ({} decision",
        named.len()
    )));
    // Its page shows the filter chosen, a way to remove it, the page for
    // every division, its feed, and where it sits.
    assert!(swale.contains("<h1>Decisions affecting Swale East</h1>"));
    assert!(swale.contains("<h3>Selected filter</h3>"));
    assert!(swale.contains("<p>Electoral division: <strong>Swale East</strong></p>"));
    assert!(swale.contains("<a href=\"../../../decisions/\">Remove this filter"));
    assert!(
        swale.contains("<a href=\"../../../decisions/division/all/\">all electoral divisions</a>")
    );
    assert!(swale.contains("<a href=\"../../../feeds/divisions/swale-east.xml\">"));
    assert!(out.contains_key("feeds/divisions/swale-east.xml"));
    assert!(
        swale.contains(
            "<a href=\"../../../decisions/division/\">Decisions by electoral division</a>"
        )
    );
    // A status page marks its status chosen in the filter block.
    let taken = &pages["decisions/status/taken/index.html"];
    assert!(
        taken.contains(
            "<a href=\"../../../decisions/status/taken/\" aria-current=\"true\">Taken</a>"
        )
    );
    assert!(taken.contains("<h1>Decisions taken</h1>"));

    // The decision makers' page and a decision maker's page and feed.
    let makers = &pages["decisions/maker/index.html"];
    let slug = "cabinet-member-for-finance-corporate-and-traded-services";
    assert!(makers.contains(&format!(
        "<a href=\"../../decisions/maker/{slug}/\">Cabinet Member for Finance, Corporate and Traded Services</a>"
    )));
    let maker = &pages[format!("decisions/maker/{slug}/index.html").as_str()];
    assert!(maker.contains(
        "<h1>Decisions by the Cabinet Member for Finance, Corporate and Traded Services</h1>"
    ));
    assert!(out.contains_key(&format!("feeds/decision-makers/{slug}.xml")));

    // Every register page is in the sitemap.
    let sitemap = String::from_utf8(out["sitemap.xml"].clone()).unwrap();
    for path in pages.keys() {
        let address = format!(
            "<loc>https://fixture.example.org/{}</loc>",
            path.trim_end_matches("index.html")
        );
        assert!(
            sitemap.contains(&address),
            "{address} is not in the sitemap"
        );
    }
}

/// The bound the issue sets at 10,000 decisions holds at any size: a page
/// lists 50 decisions and links to a bounded number of others. Measured on
/// 2,500 generated decisions with long titles and names (bench/run.sh
/// reports the largest at 10,000).
#[test]
fn every_register_page_of_a_large_site_is_under_100_kb() {
    let site = generated(2_500);
    assert_ok(&build(site.path()));
    let out = files(&site.path().join("public"));
    let pages = register_pages(&out);
    assert!(pages.len() > 300, "{} register pages", pages.len());
    assert_eq!(pages_of(&pages, "decisions/index.html").len(), 51);
    let (largest, size) = pages
        .iter()
        .map(|(path, page)| (*path, page.len()))
        .max_by_key(|(_, size)| *size)
        .unwrap();
    assert!(size < 100 * 1024, "{largest} is {size} bytes, over 100 KB");
    // Every division has its page and its count.
    let index = &pages["decisions/division/index.html"];
    for division in DIVISIONS {
        assert!(index.contains(&format!(">{division}</a>")), "{division}");
    }
}

/// Two names that slugify alike never share a page (or a feed): the first
/// used keeps the plain address, the other takes `-2`, and the build warns.
#[test]
fn names_that_slugify_alike_get_pages_of_their_own() {
    let site = fixture("minimal");
    // A site with no list of divisions (a list would refuse `northfield`
    // and suggest `Northfield`): the spellings are told apart and warned of.
    let config = site.path().join("site.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    let without = &toml[..toml.find("\n# The divisions the fixture").unwrap()];
    std::fs::write(&config, format!("{without}\n")).unwrap();
    let d = site.path().join("content/decisions/24-00003");
    std::fs::create_dir_all(&d).unwrap();
    let record =
        std::fs::read_to_string(site.path().join("content/decisions/24-00002/decision.md"))
            .unwrap()
            .replace("24/00002", "24/00003")
            .replace("[\"Northfield\", \"Southmoor\"]", "[\"northfield\"]")
            .replace(
                "Cabinet Member for Communities",
                "Cabinet member for communities",
            );
    std::fs::write(d.join("decision.md"), record).unwrap();
    let outcome = build(site.path());
    assert_ok(&outcome);
    let printed = printed(&outcome);
    assert!(
        printed.contains("content/decisions/24-00003/decision.md:10:24: warning: the electoral division `northfield` is written differently in decision 24/00002 (`Northfield`): each has a register page of its own, `decisions/division/northfield-2/` and `decisions/division/northfield/`"),
        "{printed}"
    );
    assert!(printed.contains("content/decisions/24-00003/decision.md:6:18: warning: the decision maker `Cabinet member for communities` is written differently in decision 24/00001"));
    let out = site.path().join("public");
    let first = text(&out, "decisions/division/northfield/index.html");
    let second = text(&out, "decisions/division/northfield-2/index.html");
    assert!(first.contains("<h1>Decisions affecting Northfield</h1>"));
    assert_eq!(listed(&first), ["24/00002"]);
    assert!(second.contains("<h1>Decisions affecting northfield</h1>"));
    assert_eq!(listed(&second), ["24/00003"]);
    let maker = text(
        &out,
        "decisions/maker/cabinet-member-for-communities-2/index.html",
    );
    assert_eq!(listed(&maker), ["24/00003"]);
    let all = files(&out);
    for feed in [
        "feeds/divisions/northfield.xml",
        "feeds/divisions/northfield-2.xml",
        "feeds/decision-makers/cabinet-member-for-communities.xml",
        "feeds/decision-makers/cabinet-member-for-communities-2.xml",
    ] {
        assert!(all.contains_key(feed), "{feed}");
    }
    let feed = String::from_utf8(all["feeds/divisions/northfield-2.xml"].clone()).unwrap();
    assert!(feed.contains("<title>Decisions affecting northfield</title>"));
    assert!(feed.contains("24/00003") && !feed.contains("24/00002"));
}

/// A name or division that only an exempt source holds (an exempt report's
/// meeting and summary, an exempt passage in the record, an exempt
/// appendix's body) makes no page, no filter and no count: the groups are
/// made from the public record alone.
#[test]
fn nothing_withheld_names_a_filter_or_reaches_a_register_page() {
    let site = fixture("minimal");
    let d = site.path().join("content/decisions/24-00001");
    std::fs::write(
        d.join("cabinet-report.md"),
        "+++\nkind = \"report\"\nlabel = \"Appendix 4\"\npublic_title = \"Report to the committee\"\n\
         exempt = { paragraph = 3, reason = \"It names the bidders.\" }\n\
         summary = \"Decided by the Cabinet Member for Zqxfacetmaker.\"\n\
         meeting = { body = \"Zqxfacetmeeting Cabinet Committee\", date = 2024-02-01 }\n+++\n\
         Electoral division: Zqxfacetdivision. Decision maker: Cabinet Member for Zqxfacetmaker.\n",
    )
    .unwrap();
    append(
        &d.join("decision.md"),
        "\n::: exempt paragraph=1 reason=\"It names a person.\"\nThe ward of Zqxfacetward is where Mrs Zqxfacetperson lives.\n:::\n",
    );
    append(
        &d.join("appendix-1.md"),
        "\nDivision: Zqxfacetappendix. Decision maker: Zqxfacetappendix.\n",
    );
    let outcome = build(site.path());
    assert_ok(&outcome);
    let out = files(&site.path().join("public"));
    let pages = register_pages(&out);
    for expected in [
        "decisions/index.html",
        "decisions/division/index.html",
        "decisions/division/all/index.html",
        "decisions/division/northfield/index.html",
        "decisions/maker/cabinet-member-for-communities/index.html",
        "decisions/status/taken/index.html",
        "decisions/key/index.html",
        "decisions/year/2024/index.html",
    ] {
        assert!(pages.contains_key(expected), "{expected} was not written");
    }
    let markers = [
        "zqxfacetmaker",
        "zqxfacetmeeting",
        "zqxfacetdivision",
        "zqxfacetward",
        "zqxfacetperson",
        "zqxfacetappendix",
    ];
    for marker in markers {
        assert!(
            files_containing(&out, marker).is_empty(),
            "{marker} leaked into {:?}",
            files_containing(&out, marker)
        );
        assert!(!printed(&outcome).to_lowercase().contains(marker));
        assert!(
            !out.keys().any(|p| p.contains(marker)),
            "{marker} names a file"
        );
    }
    // The groups are exactly the public records' names.
    let divisions: BTreeSet<&str> = out
        .keys()
        .filter_map(|p| p.strip_prefix("decisions/division/"))
        .filter_map(|p| p.split('/').next())
        .filter(|p| *p != "index.html")
        .collect();
    assert_eq!(
        divisions,
        BTreeSet::from(["all", "northfield", "southmoor"])
    );
    let makers: BTreeSet<&str> = out
        .keys()
        .filter_map(|p| p.strip_prefix("decisions/maker/"))
        .filter_map(|p| p.split('/').next())
        .filter(|p| *p != "index.html")
        .collect();
    assert_eq!(makers, BTreeSet::from(["cabinet-member-for-communities"]));
}

/// The register's pages are the same bytes build after build.
#[test]
fn the_register_is_deterministic() {
    let site = generated(60);
    let a = site.path().join("a");
    let b = site.path().join("b");
    assert_ok(&build_into(site.path(), &a));
    assert_ok(&build_into(site.path(), &b));
    let (a, b) = (files(&a), files(&b));
    assert!(register_pages(&a) == register_pages(&b));
    assert!(a == b);
}
