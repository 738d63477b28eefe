//! The example site, built as a newcomer would: every page the design names
//! exists and says what it should.

mod common;

use common::*;

#[test]
fn builds_every_page() {
    let site = example();
    let outcome = build(site.path());
    assert_ok(&outcome);
    let out = site.path().join("public");
    for page in [
        "index.html",
        "404.html",
        "activities/index.html",
        "activities/lots/index.html",
        "activities/lots/1a/index.html",
        "activities/lots/1b/index.html",
        "activities/lots/2/index.html",
        "activities/districts/index.html",
        "activities/districts/maidstone/index.html",
        "activities/districts/tunbridge-wells/index.html",
        "decisions/index.html",
        "decisions/22-00034/index.html",
        "decisions/22-00073/index.html",
        "decisions/22-00073/report/index.html",
        "decisions/22-00073/appendix-2-eqia/index.html",
        "glossary/index.html",
        "accessibility/index.html",
        "about/index.html",
        "data/index.html",
        "data/decisions.csv",
        "data/providers.csv",
        "assets/style.css",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    // The exempt appendix has no page of its own.
    assert!(!out.join("decisions/22-00073/appendix-1").exists());
    // The report goes outside public/.
    assert!(site.path().join("reports/withholding.json").is_file());
    assert!(!files(&out).keys().any(|k| k.contains("withholding")));
}

#[test]
fn home_page_offers_three_ways_in() {
    let site = example();
    assert_ok(&build(site.path()));
    let home = text(&site.path().join("public"), "index.html");
    for link in [
        "href=\"activities/\"",
        "href=\"decisions/\"",
        "href=\"data/\"",
    ] {
        assert!(home.contains(link), "home page lacks {link}");
    }
    assert!(home.contains("lang=\"en-GB\""));
    assert!(home.contains("class=\"skip-link\" href=\"#main\""));
    assert_eq!(home.matches("<h1").count(), 1);
}

#[test]
fn register_lists_decisions_newest_first() {
    let site = example();
    assert_ok(&build(site.path()));
    let register = text(&site.path().join("public"), "decisions/index.html");
    let newer = register.find("22/00073").expect("22/00073 listed");
    let older = register.find("22/00034").expect("22/00034 listed");
    assert!(newer < older, "newest first");
    assert!(register.contains("Proposed"));
    assert!(register.contains("Cabinet Member for Adult Social Care and Public Health"));
}

#[test]
fn decision_page_gives_the_record_the_law_asks_for() {
    let site = example();
    assert_ok(&build(site.path()));
    let page = text(&site.path().join("public"), "decisions/22-00073/index.html");
    // Summary first, then the record.
    let summary = page.find("id=\"in-short\"").unwrap();
    for section in [
        "the-decision",
        "why",
        "other-options",
        "interests",
        "who-decides",
        "status",
        "documents",
    ] {
        let at = page
            .find(&format!("id=\"{section}\""))
            .unwrap_or_else(|| panic!("no {section} section"));
        assert!(summary < at, "{section} comes after the summary");
    }
    assert!(page.contains("Key decision"));
    assert!(page.contains("Adult Social Care Cabinet Committee"));
    // Related decisions are linked both ways.
    assert!(page.contains("href=\"../../decisions/22-00034/\""));
    let other = text(&site.path().join("public"), "decisions/22-00034/index.html");
    assert!(other.contains("href=\"../../decisions/22-00073/\""));
    // Financial tables are captioned, numbers right-aligned.
    assert!(other.contains("<caption>"));
    assert!(other.contains("style=\"text-align: right\""));
    // The withheld appendix shows its label, public title and a plain notice.
    assert!(page.contains("Appendix 1 (Award report) is not published"));
    assert!(page.contains("paragraph 3 of Part 1 of Schedule 12A"));
    assert!(
        page.contains("the financial or business affairs of a particular person or organisation")
    );
    assert!(page.contains("Public interest:"));
    assert!(page.contains("15 August 2026"));
    assert!(page.contains("democratic.services@example.org"));
    // The EqIA is linked from its decision.
    assert!(page.contains("href=\"appendix-2-eqia/\""));
}

#[test]
fn eqia_page_covers_every_protected_characteristic() {
    let site = example();
    assert_ok(&build(site.path()));
    let page = text(
        &site.path().join("public"),
        "decisions/22-00073/appendix-2-eqia/index.html",
    );
    for (_, name) in plainsight::document::PROTECTED_CHARACTERISTICS {
        assert!(page.contains(&format!(">{name}</th>")), "no row for {name}");
    }
    assert!(page.contains("<caption"));
}

#[test]
fn provider_listing_shows_published_columns_only() {
    let site = example();
    assert_ok(&build(site.path()));
    let out = site.path().join("public");
    let listing = text(&out, "activities/index.html");
    assert!(listing.contains("(fictional)"));
    assert!(!listing.to_lowercase().contains("day rate:"));
    let csv = text(&out, "data/providers.csv");
    let header = csv.lines().next().unwrap();
    assert!(
        !header.contains("day_rate") && !header.contains("evaluation_score"),
        "{header}"
    );
    assert!(header.starts_with("id,name,lots"));
    // Browsing by lot and district works without JavaScript: plain pages.
    let lot = text(&out, "activities/lots/1b/index.html");
    assert!(lot.contains("provider"));
    assert!(!lot.contains("<script src") && !lot.contains("type=\"module\""));
    // The only scripts are the search page's: ours and Pagefind's.
    let scripts: Vec<String> = files(&out)
        .into_keys()
        .filter(|k| k.ends_with(".js"))
        .collect();
    assert_eq!(
        scripts,
        [
            "assets/search.js",
            "pagefind/pagefind-worker.js",
            "pagefind/pagefind.js"
        ]
    );
}

#[test]
fn glossary_explains_terms_of_art() {
    let site = example();
    assert_ok(&build(site.path()));
    let glossary = text(&site.path().join("public"), "glossary/index.html");
    for term in [
        "Dynamic Purchasing System",
        "key decision",
        "Schedule 12A",
        "Equality Impact Assessment",
        "call-in",
    ] {
        assert!(
            glossary.to_lowercase().contains(&term.to_lowercase()),
            "glossary lacks {term}"
        );
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let site = example();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    assert_ok(&build_into(site.path(), &a.path().join("one")));
    assert_ok(&build_into(site.path(), &b.path().join("two")));
    let one = files(&a.path().join("one"));
    let two = files(&b.path().join("two"));
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        two.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &one {
        assert!(bytes == &two[path], "{path} differs between builds");
    }
    // The search index is among the files compared.
    assert!(one.keys().any(|p| p.ends_with(".pf_fragment")));
    assert!(one.contains_key("pagefind/pagefind-entry.json"));
}

#[test]
fn check_writes_nothing() {
    let site = example();
    let outcome = plainsight::check(site.path()).unwrap();
    assert_ok(&outcome);
    assert!(!site.path().join("public").exists());
    assert!(!site.path().join("reports").exists());
    assert_eq!(outcome.report.unwrap().items.len(), 3);
}

#[test]
fn the_command_line_exit_codes() {
    let site = example();
    let bin = env!("CARGO_BIN_EXE_plainsight");
    let run = |args: &[&str]| std::process::Command::new(bin).args(args).output().unwrap();
    let root = site.path().to_str().unwrap();
    assert_eq!(run(&["check", "--root", root]).status.code(), Some(0));
    assert_eq!(run(&["build", "--root", root]).status.code(), Some(0));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    // Output inside content/ is refused as a usage error.
    let inside = format!("{root}/content/out");
    assert_eq!(
        run(&["build", "--root", root, "--output", &inside])
            .status
            .code(),
        Some(2)
    );
    // A content error exits 1 and says where.
    append(
        &site.path().join("content/decisions/22-00073/decision.md"),
        "\n<!-- note -->\n",
    );
    let failed = run(&["check", "--root", root]);
    assert_eq!(failed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("content/decisions/22-00073/decision.md:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: raw HTML is not allowed in content"),
        "{stderr}"
    );
}
