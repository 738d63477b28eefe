//! Search: the records come from the public model with their filters, the
//! index and the search page are published (Pagefind's data and the files
//! that read it, never its own interface), every page's header has a search
//! box, and the index is opened by the defences like every output.

mod common;

use std::collections::BTreeMap;

use common::*;
use plainsight::search::{Kind, Record, records};

fn example_records() -> Vec<Record> {
    let site = example();
    let mut diagnostics = plainsight::diagnostics::Diagnostics::default();
    let public = plainsight::public_model(site.path(), &mut diagnostics)
        .unwrap()
        .expect("the example site has no errors");
    records(&public)
}

#[test]
fn records_come_from_the_public_model_with_their_filters() {
    let records = example_records();
    let count = |kind| records.iter().filter(|r| r.kind == kind).count();
    assert_eq!(count(Kind::Provider), 12);
    assert_eq!(count(Kind::Decision), 2);
    assert!(count(Kind::GlossaryTerm) > 20);
    let urls: Vec<&str> = records.iter().map(|r| r.url.as_str()).collect();
    for url in [
        "activities/",
        "about/",
        "accessibility/",
        "decisions/22-00073/",
        "activities/provider/p008/",
        "glossary/#key-decision",
    ] {
        assert!(urls.contains(&url), "{url} not in {urls:?}");
    }
    // Every address is unique, so no record stands in for another.
    let mut unique = urls.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), urls.len());

    // A provider: what it offers and where, with a filter for each listed
    // column; its contact details and the exempt prices are not there.
    let p008 = records
        .iter()
        .find(|r| r.url == "activities/provider/p008/")
        .unwrap();
    assert_eq!(p008.title, "Kingfisher Digital Skills Hub (fictional)");
    let filters: BTreeMap<&str, Vec<&str>> = p008
        .filters
        .iter()
        .map(|(k, v)| (k.as_str(), v.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(filters["kind"], ["provider"]);
    assert_eq!(filters["delivery"], ["Online"]);
    assert_eq!(filters["age_groups"], ["18 to 25"]);
    assert_eq!(filters["lots"], ["Lot 2: Skills development and training"]);
    assert!(
        p008.content
            .contains("Districts served: Ashford, Canterbury, Maidstone.")
    );
    assert!(p008.content.contains("Age groups: 18 to 25."));
    // It works online, so it is found from every district (the listing's
    // `[online]` setting), as on the browse pages; one that does not is
    // found from its own districts only.
    assert!(p008.content.contains("Available online, anywhere in Kent."));
    assert_eq!(filters["districts"].len(), 12);
    assert!(filters["districts"].contains(&"Swale"));
    let p004 = records
        .iter()
        .find(|r| r.url == "activities/provider/p004/")
        .unwrap();
    assert_eq!(p004.filters["districts"], ["Swale"]);
    assert!(!p004.content.contains("anywhere"));
    for absent in ["@", "01632", "https://", "Day rate", "Evaluation score"] {
        assert!(!p008.content.contains(absent), "{absent}: {}", p008.content);
    }

    // A decision: number, title, summary, the decision, divisions and
    // decision maker; its number shown beside it.
    let d = records
        .iter()
        .find(|r| r.url == "decisions/22-00073/")
        .unwrap();
    assert_eq!(d.number.as_deref(), Some("22/00073"));
    assert_eq!(d.filters["kind"], ["decision"]);
    for part in [
        "Decision 22/00073.",
        "Electoral divisions: All.",
        "Decision maker: Cabinet Member for Adult Social Care and Public Health",
    ] {
        assert!(d.content.contains(part), "{part}: {}", d.content);
    }
    // The decision's own words are searched, not its Markdown.
    assert!(
        !d.content.contains("**") && !d.content.contains("]("),
        "{}",
        d.content
    );

    // Glossary terms and pages.
    let term = records
        .iter()
        .find(|r| r.url == "glossary/#key-decision")
        .unwrap();
    assert_eq!(term.filters["kind"], ["glossary term"]);
    assert!(term.content.starts_with("Key decision"));
    let page = records.iter().find(|r| r.url == "about/").unwrap();
    assert_eq!(page.kind, Kind::Page);
}

#[test]
fn the_example_site_publishes_a_search_page_and_its_index() {
    let site = example();
    assert_ok(&build(site.path()));
    let public = site.path().join("public");
    let output = files(&public);
    // Pagefind's data and the files that read it; never its own interface.
    for path in [
        "pagefind/pagefind.js",
        "pagefind/pagefind-worker.js",
        "pagefind/pagefind-entry.json",
        "pagefind/wasm.en.pagefind",
        "assets/search.js",
        "search/index.html",
    ] {
        assert!(output.contains_key(path), "{path} was not written");
    }
    let search = search_files(&output);
    for ext in [".pf_meta", ".pf_fragment", ".pf_index", ".pf_filter"] {
        assert!(search.keys().any(|p| p.ends_with(ext)), "no {ext} file");
    }
    assert!(
        !search
            .keys()
            .any(|p| p.contains("-ui") || p.contains("highlight") || p.contains("unknown")),
        "{:?}",
        search.keys()
    );
    // Every data file is gzip, and holds JSON or CBOR once opened.
    let opened = inflated(&search);
    for (path, bytes) in &search {
        if path.contains(".pf_") {
            assert!(bytes.starts_with(&[0x1f, 0x8b]), "{path} is not gzip");
        }
        if path.ends_with(".pf_fragment") {
            let fragment: serde_json::Value = serde_json::from_slice(&opened[path]).unwrap();
            assert!(fragment["url"].as_str().is_some(), "{path}");
        }
    }
    let entry: serde_json::Value =
        serde_json::from_slice(&output["pagefind/pagefind-entry.json"]).unwrap();
    assert_eq!(entry["languages"]["en"]["wasm"], "en");
    let mut pages = entry["languages"]["en"]["page_count"].as_u64().unwrap();
    // The decisions are in parts of their own, listed for the search page
    // to merge: each a whole index's data, without the browser's files.
    let parts: serde_json::Value =
        serde_json::from_slice(&output["pagefind/indexes.json"]).unwrap();
    assert_eq!(parts, serde_json::json!({ "merge": ["decisions-1/"] }));
    let part: serde_json::Value =
        serde_json::from_slice(&output["pagefind/decisions-1/pagefind-entry.json"]).unwrap();
    pages += part["languages"]["en"]["page_count"].as_u64().unwrap();
    assert_eq!(pages as usize, example_records().len());
    for ext in [".pf_meta", ".pf_fragment", ".pf_index", ".pf_filter"] {
        assert!(
            search
                .keys()
                .any(|p| p.starts_with("pagefind/decisions-1/") && p.ends_with(ext)),
            "no {ext} file in the decisions' part"
        );
    }
    assert!(
        !search.keys().any(|p| p.starts_with("pagefind/decisions-1/")
            && (p.ends_with(".js") || p.contains("wasm"))),
        "{:?}",
        search.keys()
    );

    // The search page: a labelled field, a live region, and without
    // JavaScript plain words and the ways to browse.
    let page = text(&public, "search/index.html");
    assert!(page.contains("<label for=\"search-q\">"));
    assert!(page.contains("<input type=\"search\" id=\"search-q\" name=\"q\""));
    assert!(page.contains("role=\"status\""));
    assert!(page.contains("<noscript>"));
    assert!(page.contains("Search needs JavaScript"));
    for href in [
        "../activities/",
        "../activities/districts/",
        "../activities/lots/",
        "../decisions/",
        "../glossary/",
    ] {
        assert!(page.contains(&format!("href=\"{href}\"")), "{href}");
    }
    assert!(page.contains("<script type=\"module\" src=\"../assets/search.js\"></script>"));
    // Its own field, not the header's.
    assert!(!page.contains("site-search-q"));

    // Every other page has the header's search box, a plain form that
    // leads to the search page, and no script of ours.
    for (path, bytes) in &output {
        if !path.ends_with(".html") || path == "search/index.html" {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let root = if path == "404.html" {
            "/".to_string()
        } else {
            "../".repeat(path.matches('/').count())
        };
        assert!(
            html.contains(&format!(
                "<form class=\"site-search\" role=\"search\" action=\"{root}search/\" method=\"get\">"
            )),
            "{path} has no search box"
        );
        assert!(html.contains("<label for=\"site-search-q\">Search this site</label>"));
        assert!(
            !html.contains("search.js"),
            "{path} loads the search script"
        );
    }
}

#[test]
fn the_index_is_the_same_for_the_same_input_and_follows_the_content() {
    let site = example();
    let out = tempfile::tempdir().unwrap();
    assert_ok(&build_into(site.path(), &out.path().join("one")));
    assert_ok(&build_into(site.path(), &out.path().join("two")));
    let one = search_files(&files(&out.path().join("one")));
    let two = search_files(&files(&out.path().join("two")));
    assert!(one.len() > 20);
    assert!(one == two, "the search index differs between two builds");
    // A word added to a decision's summary is in the index of the next build.
    replace(
        &site.path().join("content/decisions/22-00073/decision.md"),
        "summary = \"\"\"\n",
        "summary = \"\"\"\nZqxsearchable. ",
    );
    assert_ok(&build_into(site.path(), &out.path().join("three")));
    let three = inflated(&search_files(&files(&out.path().join("three"))));
    assert!(!files_containing(&three, "zqxsearchable").is_empty());
    assert!(files_containing(&inflated(&one), "zqxsearchable").is_empty());
}
