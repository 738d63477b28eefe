//! The provider listing as residents use it: a short card per provider in
//! every list, a page of its own with everything published about it (days,
//! times, access, contact, what a person might pay), and the page that says
//! how to get the support; and the schema's mistakes refused.

mod common;

use common::*;

#[test]
fn every_provider_has_its_own_page_and_short_cards_link_to_it() {
    let site = example();
    assert_ok(&build(site.path()));
    let out = site.path().join("public");
    let page = text(&out, "activities/provider/p002/index.html");
    for shown in [
        "<h1>Bluebell Barn Day Centre (fictional)</h1>",
        "<dt>Days</dt><dd>Monday, Tuesday, Wednesday, Thursday, Friday</dd>",
        "<dt>Times</dt><dd>9.30am to 3.30pm</dd>",
        "<dt>Step-free access</dt><dd>Yes</dd>",
        "<dt>Hearing loop</dt><dd>Yes</dd>",
        "<dt>Postcode</dt><dd>ME14 9ZZ</dd>",
        "<dt>What you might pay</dt><dd>Nothing for the day. Lunch is £4.50 if you want it.</dd>",
        "href=\"mailto:info@bluebell-barn.example.org\"",
        "href=\"tel:01632960002\"",
        // Its lot in plain words, and the way to get the support.
        "<strong>Lot 1b: ",
        "<a href=\"../../../getting-support/\">How to get this support</a>",
    ] {
        assert!(
            page.contains(shown),
            "the provider's page lacks {shown}:\n{page}"
        );
    }
    // The bid prices stay withheld: no column of them on the page.
    assert!(!page.contains("Day rate") && !page.contains("52.18"));

    // Cards: name (linked), what, where and how; no phone number or times.
    let listing = text(&out, "activities/index.html");
    assert!(listing.contains(
        "<h3><a href=\"../activities/provider/p002/\">Bluebell Barn Day Centre (fictional)</a></h3>"
    ), "{listing}");
    let card = &listing[listing.find("id=\"provider-p002\"").unwrap()..];
    let card = &card[..card.find("</li>").unwrap()];
    for shown in [
        "<dt>Districts served</dt>",
        "<dt>How support is given</dt>",
        "<dt>What they offer</dt>",
    ] {
        assert!(card.contains(shown), "the card lacks {shown}: {card}");
    }
    for left_out in ["01632", "<dt>Times</dt>", "<dt>Parking</dt>"] {
        assert!(
            !card.contains(left_out),
            "the card shows {left_out}: {card}"
        );
    }
    // Browse pages use the same cards.
    let district = text(&out, "activities/districts/maidstone/index.html");
    assert!(district.contains("href=\"../../../activities/provider/p002/\""));
    // Every provider has a page.
    let written = files(&out);
    let pages = written
        .keys()
        .filter(|k| k.starts_with("activities/provider/") && k.ends_with("index.html"))
        .count();
    assert_eq!(pages, 12);

    // The how-to page is a plain page, linked from the listing.
    assert!(listing.contains("<a href=\"../getting-support/\">How to get this support</a>"));
    let how = text(&out, "getting-support/index.html");
    assert!(how.contains("Step 1: Ask for a needs assessment"));
}

#[test]
fn a_provider_that_works_online_is_found_from_every_district() {
    let site = example();
    assert_ok(&build(site.path()));
    let out = site.path().join("public");
    // P008 works online only and lists Ashford, Canterbury and Maidstone;
    // P002 works in person in Maidstone and Tonbridge and Malling.
    let swale = text(&out, "activities/districts/swale/index.html");
    assert!(
        swale.contains("provider/p008/"),
        "an online provider is missing from Swale"
    );
    assert!(
        !swale.contains("provider/p002/"),
        "an in-person provider elsewhere is listed in Swale"
    );
    let card = &swale[swale.find("id=\"provider-p008\"").unwrap()..];
    assert!(
        card[..card.find("</li>").unwrap()]
            .contains("<p class=\"online-note\">Available online, anywhere in Kent</p>")
    );
    // Counted where the districts are listed, too.
    let districts = text(&out, "activities/districts/index.html");
    assert!(
        districts.contains(">Swale</a> (7 providers)"),
        "{districts}"
    );
    // Its own page says so at the top.
    let page = text(&out, "activities/provider/p008/index.html");
    assert!(page.contains("<p class=\"lede\">Available online, anywhere in Kent.</p>"));
    // An in-person-only provider's card and page say nothing of it.
    assert!(!text(&out, "activities/provider/p002/index.html").contains("Available online"));
}

#[test]
fn filters_combine_without_javascript_and_every_link_leads_somewhere() {
    let site = example();
    assert_ok(&build(site.path()));
    let out = site.path().join("public");
    // Swale, online, 18 to 25: a page of its own, reached from each filter.
    let page = "activities/districts/swale/delivery/online/age-groups/18-to-25/index.html";
    let html = text(&out, page);
    assert!(
        html.contains("<h1>Providers: Swale, Online, 18 to 25</h1>"),
        "{html}"
    );
    for provider in ["p001", "p003", "p008", "p009"] {
        assert!(
            html.contains(&format!("provider/{provider}/")),
            "{provider} is missing"
        );
    }
    // Each chosen filter can be taken off; the others narrow it further.
    for removal in [
        "href=\"../../../../../../../activities/delivery/online/age-groups/18-to-25/\">Remove<span class=\"visually-hidden\"> filter districts served: Swale</span>",
        "href=\"../../../../../../../activities/districts/swale/delivery/online/\">Remove",
    ] {
        assert!(html.contains(removal), "no {removal}");
    }
    assert!(html.contains(
        "activities/lots/1a/districts/swale/delivery/online/age-groups/18-to-25/\">Lot 1a: "
    ));
    // Reached from the one-filter page by narrowing.
    let swale = text(&out, "activities/districts/swale/index.html");
    assert!(swale.contains("activities/districts/swale/delivery/online/\">Online</a> ("));
    // No page for a combination nobody has, and no link to one.
    assert!(!out.join("activities/lots/1b/delivery/online").exists());
    assert_eq!(broken_links(&out), Vec::<String>::new());
}

/// A copy of the example site with `from` replaced by `to` in `file`.
fn example_with(file: &str, from: &str, to: &str) -> tempfile::TempDir {
    let site = example();
    replace(&site.path().join(file), from, to);
    site
}

#[test]
fn listing_schema_mistakes_are_refused_at_their_line() {
    let cases = [
        (
            example_with(
                "data/providers.schema.toml",
                "help_page = \"getting-support\"",
                "help_page = \"get-support\"",
            ),
            "data/providers.schema.toml:7:13: error: `help_page` names `get-support`, and there is no content/pages/get-support.md",
        ),
        (
            example_with(
                "data/providers.schema.toml",
                "name = \"day_rate\"\n",
                "name = \"day_rate\"\ncard = true\n",
            ),
            "error: column `day_rate` is exempt, so it cannot have `card = true`",
        ),
        (
            example_with(
                "data/providers.schema.toml",
                "value = \"Online\", areas",
                "value = \"Remote\", areas",
            ),
            "error: `[online]` names the value `Remote`, which `delivery` does not allow",
        ),
        (
            example_with(
                "data/providers.schema.toml",
                "column = \"delivery\", value",
                "column = \"day_rate\", value",
            ),
            "error: `[online]` names the column `day_rate`, which is not a public column",
        ),
        (
            example_with(
                "data/providers.schema.toml",
                "areas = \"districts\"",
                "areas = \"activities\"",
            ),
            "error: `[online]` names the areas column `activities`, which is not browsable",
        ),
        (
            {
                // Without a list of allowed values, two spellings of one district.
                let site = example_with("data/providers.csv", "Swale,In person", "swale,In person");
                let schema = site.path().join("data/providers.schema.toml");
                let text = std::fs::read_to_string(&schema).unwrap();
                let start = text.find("values = [\n  \"Ashford\"").unwrap();
                let end = start + text[start..].find("]\n").unwrap() + 2;
                std::fs::write(&schema, format!("{}{}", &text[..start], &text[end..])).unwrap();
                site
            },
            "data/providers.csv:13:1: error: `swale` and `Swale` in column `districts` make the same web address",
        ),
        (
            example_with("data/providers.csv", "\nP012,", "\np001,"),
            "error: provider ids `P001` and `p001` make the same web address",
        ),
    ];
    for (site, expected) in cases {
        let outcome = build(site.path());
        let printed = printed(&outcome);
        assert!(
            printed.contains(expected),
            "expected {expected}, got:\n{printed}"
        );
        assert!(!site.path().join("public").exists());
    }
}

/// A council lists more than day activities: the listing's name, address,
/// navigation label and introduction come from site.toml's `[listing]`, the
/// lots' wording from the lots dataset, and every link leads to a page.
#[test]
fn the_listing_is_named_and_placed_by_site_toml() {
    let site = fixture("minimal");
    append(
        &site.path().join("site.toml"),
        "\n[listing]\ntitle = \"Library services\"\npath = \"library-services\"\nnav = \"Services\"\n\
         intro = \"Find a library service near you.\"\nsummary = \"Library services by area.\"\n",
    );
    assert_ok(&build(site.path()));
    let out = site.path().join("public");
    let home = text(&out, "index.html");
    assert!(
        home.contains("<a href=\"library-services/\">Library services</a>"),
        "{home}"
    );
    assert!(home.contains("<p>Library services by area.</p>"));
    assert!(
        home.contains("<li><a href=\"library-services/\">Services</a></li>"),
        "{home}"
    );
    let listing = text(&out, "library-services/index.html");
    for shown in [
        "<h1>Library services</h1>",
        "<p class=\"lede\">Find a library service near you.</p>",
        "action=\"../search/\"",
        "<label for=\"listing-search-q\">Search library services</label>",
        "<h4>Lot 1: Home visits</h4>",
        "aria-current=\"page\">Services</a>",
    ] {
        assert!(
            listing.contains(shown),
            "the listing lacks {shown}:\n{listing}"
        );
    }
    // The search box and the ways in come before the list, the dataset's
    // description and the withholding notice after it.
    let at = |s: &str| listing.find(s).unwrap_or_else(|| panic!("no {s}"));
    assert!(at("listing-search-q") < at("<ul class=\"providers\">"));
    assert!(at("<h2>Find by") < at("<ul class=\"providers\">"));
    assert!(at("<ul class=\"providers\">") < at("<h2>About this list</h2>"));
    assert!(at("<ul class=\"providers\">") < at("<h3>What we do not publish</h3>"));
    let written = files(&out);
    assert!(written.contains_key("library-services/provider/p1/index.html"));
    assert!(written.contains_key("library-services/areas/northfield/index.html"));
    for (path, bytes) in &written {
        assert!(
            !path.starts_with("activities/") && !path.starts_with("providers/"),
            "{path}"
        );
        if path.ends_with(".html") {
            let html = String::from_utf8_lossy(bytes);
            assert!(!html.contains("activities/"), "{path} links to activities/");
        }
    }
    assert_eq!(broken_links(&out), Vec::<String>::new());
    // The search page offers the listing by its name.
    assert!(text(&out, "search/index.html").contains(">Library services</a>"));
}

/// A site without provider data or a glossary has no link to either: not in
/// the navigation, not on the home page, not on the search page.
#[test]
fn a_site_without_providers_or_glossary_links_to_neither() {
    let site = fixture("minimal");
    for f in [
        "providers.csv",
        "providers.schema.toml",
        "glossary.csv",
        "glossary.schema.toml",
    ] {
        std::fs::remove_file(site.path().join("data").join(f)).unwrap();
    }
    assert_ok(&build(site.path()));
    let out = site.path().join("public");
    let written = files(&out);
    assert!(written.contains_key("index.html"));
    for (path, bytes) in &written {
        assert!(
            !path.starts_with("providers/") && !path.starts_with("glossary/"),
            "{path}"
        );
        if path.ends_with(".html") {
            let html = String::from_utf8_lossy(bytes);
            for gone in ["providers/\"", "glossary/\"", "glossary/#"] {
                assert!(!html.contains(gone), "{path} links to {gone}");
            }
        }
    }
    assert_eq!(broken_links(&out), Vec::<String>::new());
}

/// 47 providers: the listing runs over three pages of 20, each with GOV.UK's
/// pagination, the right counts and every provider once; a filter page of
/// 23 runs over two; the sitemap lists every page and every link leads to one.
#[test]
fn long_lists_are_paginated_with_stable_addresses_and_right_counts() {
    let site = fixture("minimal");
    let mut rows = String::new();
    for i in 0..45 {
        let areas = if i % 2 == 0 {
            "Northfield"
        } else {
            "Northfield;Southmoor"
        };
        rows.push_str(&format!(
            "Q{i:02},Reader group {i} (fictional),1,{areas},group{i}@example.org,{}.{:02}\n",
            40 + i,
            i
        ));
    }
    append(&site.path().join("data/providers.csv"), &rows);
    assert_ok(&build(site.path()));
    let out = site.path().join("public");
    let written = files(&out);
    let one = text(&out, "providers/index.html");
    let two = text(&out, "providers/page/2/index.html");
    let three = text(&out, "providers/page/3/index.html");
    assert!(!written.contains_key("providers/page/4/index.html"));
    assert!(!written.contains_key("providers/page/1/index.html"));
    assert!(one.contains("<title>Providers (page 1 of 3) – "), "{one}");
    assert!(one.contains("Showing 1 to 20 of 47 providers."));
    assert!(
        one.contains("<a href=\"../providers/page/2/\" rel=\"next\">"),
        "{one}"
    );
    assert!(!one.contains("rel=\"prev\""));
    assert!(
        one.contains("aria-current=\"page\"><span class=\"visually-hidden\">Page </span>1</a>")
    );
    assert!(two.contains("<h1>Providers (page 2 of 3)</h1>"), "{two}");
    assert!(two.contains("Showing 21 to 40 of 47 providers."));
    assert!(
        two.contains("<a href=\"../../../providers/\" rel=\"prev\">"),
        "{two}"
    );
    assert!(two.contains("<a href=\"../../../providers/page/3/\" rel=\"next\">"));
    assert!(
        two.contains("aria-current=\"page\"><span class=\"visually-hidden\">Page </span>2</a>")
    );
    assert!(three.contains("Showing 41 to 47 of 47 providers."));
    assert!(!three.contains("rel=\"next\""));
    // What the list is and what is withheld: on the first page only.
    assert!(one.contains("<h2>About this list</h2>") && !two.contains("<h2>About this list</h2>"));
    // Every provider once, over the three pages.
    let mut ids: Vec<String> = [&one, &two, &three]
        .iter()
        .flat_map(|html| {
            html.split("class=\"provider\" id=\"")
                .skip(1)
                .map(|s| s[..s.find('"').unwrap()].to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(ids.len(), 47);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 47, "a provider is listed twice");
    // A filter page: Southmoor has P2 and the 22 odd ones.
    let southmoor = text(&out, "providers/areas/southmoor/index.html");
    assert!(
        southmoor.contains("23 providers are on the list for Southmoor. This page shows 1 to 20."),
        "{southmoor}"
    );
    assert!(southmoor.contains("<title>Providers: Southmoor (page 1 of 2) – "));
    let southmoor2 = text(&out, "providers/areas/southmoor/page/2/index.html");
    assert_eq!(southmoor2.matches("class=\"provider\" id=").count(), 3);
    assert!(southmoor2.contains("This page shows 21 to 23."));
    // The chosen filter and the way to narrow stay on every page.
    assert!(southmoor2.contains("Areas served: <strong>Southmoor</strong>"));
    assert!(southmoor2.contains("<summary>Narrow the list</summary>"));
    // A short list has no pagination.
    let lot2 = text(&out, "providers/lots/2/index.html");
    assert!(!lot2.contains("class=\"pagination\""));
    let sitemap = text(&out, "sitemap.xml");
    for page in ["providers/page/3/", "providers/areas/southmoor/page/2/"] {
        assert!(sitemap.contains(page), "the sitemap lacks {page}");
    }
    assert_eq!(broken_links(&out), Vec::<String>::new());
}

/// `[listing]`'s mistakes are refused where they are written, with a way
/// to put them right.
#[test]
fn listing_settings_are_checked_where_they_are_written() {
    for (setting, says) in [
        ("path = \"Library Services\"", "is not a web address part"),
        (
            "path = \"decisions\"",
            "an address the site uses for something else",
        ),
        ("nav = \" \"", "`[listing]` `nav` is empty"),
        ("colour = \"red\"", "unknown key `colour`"),
    ] {
        let site = fixture("minimal");
        let toml = site.path().join("site.toml");
        let line = std::fs::read_to_string(&toml).unwrap().lines().count() + 3;
        append(&toml, &format!("\n[listing]\n{setting}\n"));
        let outcome = build(site.path());
        let printed = printed(&outcome);
        assert!(
            printed.contains(&format!("site.toml:{line}:")) && printed.contains(says),
            "{setting}: {printed}"
        );
        assert!(printed.contains("help:"), "{printed}");
        assert!(!site.path().join("public").exists());
    }
    // A page may not take the listing's address.
    let site = fixture("minimal");
    append(
        &site.path().join("site.toml"),
        "\n[listing]\npath = \"about\"\n",
    );
    let printed = printed(&build(site.path()));
    assert!(
        printed.contains("content/pages/about.md")
            && printed.contains("the site uses that address"),
        "{printed}"
    );
}
