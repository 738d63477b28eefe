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
