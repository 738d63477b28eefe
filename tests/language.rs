//! Plain language and accessibility: the language report on the example site,
//! glossary links, the generated accessibility statement, `--strict`, and the
//! deliberately broken fixture failing every Rust lint it should.

mod common;

use std::path::Path;

use common::*;

#[test]
fn language_report_names_the_hardest_page_of_the_example_site() {
    let site = example();
    let outcome = plainsight::check(site.path()).expect("no internal error");
    assert_ok(&outcome);
    let report = outcome.language.expect("a language report");
    let hardest = &report.hardest()[0];
    assert!(
        report
            .pages
            .iter()
            .all(|p| p.measure.reading_age <= hardest.measure.reading_age)
    );
    assert_eq!(hardest.page, "decisions/22-00073/report/");
    assert_eq!(hardest.file, "content/decisions/22-00073/report.md");
    // Every page and summary of the example is within its target.
    assert!(report.pages.iter().all(|p| !p.over_target()), "{report:#?}");
    assert!(report.summaries.iter().all(|p| !p.over_target()));
    assert!(report.long_sentences.is_empty());

    // And the command prints it.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_plainsight"))
        .args(["check", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let section = &stdout[stdout.find("hardest pages:").expect("hardest pages")..];
    let first = section.lines().nth(1).unwrap();
    assert!(first.contains("/decisions/22-00073/report/"), "{stdout}");
}

fn long_sentence_site() -> tempfile::TempDir {
    let site = fixture("minimal");
    append(
        &site.path().join("content/pages/about.md"),
        "\nThis sentence is written to be far too long for anyone to read comfortably in one go, because it keeps adding clause after clause without ever stopping to let the reader take a breath.\n",
    );
    site
}

#[test]
fn long_sentences_warn_and_fail_under_strict() {
    let site = long_sentence_site();
    let outcome = build(site.path());
    assert_ok(&outcome);
    let printed = printed(&outcome);
    assert!(
        printed.contains(
            "content/pages/about.md:9: warning: this sentence has 34 words, more than 25"
        ),
        "{printed}"
    );
    let mut options = plainsight::Options::for_root(site.path());
    options.strict = true;
    let strict = plainsight::check_with(&options).unwrap();
    assert!(strict.has_errors());
    assert!(printed_contains(
        &strict,
        "error: this sentence has 34 words"
    ));

    let status = std::process::Command::new(env!("CARGO_BIN_EXE_plainsight"))
        .args(["build", "--strict", "--root"])
        .arg(site.path())
        .output()
        .unwrap()
        .status;
    assert_eq!(status.code(), Some(1));
}

fn printed_contains(outcome: &plainsight::Outcome, needle: &str) -> bool {
    printed(outcome).contains(needle)
}

#[test]
fn glossary_terms_link_once_per_page_never_in_headings() {
    let site = example();
    assert_ok(&build(site.path()));
    let out = site.path().join("public");
    let report = text(&out, "decisions/22-00073/report/index.html");
    assert_eq!(
        report
            .matches("href=\"../../../glossary/#dynamic-purchasing-system\"")
            .count(),
        1,
        "linked once"
    );
    // The term came first, so its abbreviation is expanded, not linked again.
    assert!(report.contains(
        "approach, or <abbr title=\"Making a Difference Every Day\">MADE</abbr> for short. MADE is"
    ));
    for line in report
        .lines()
        .filter(|l| l.contains("<h2") || l.contains("<h3"))
    {
        assert!(!line.contains("glossary/#"), "a link in a heading: {line}");
    }
    // The glossary page defines terms; it does not link to itself.
    let glossary = text(&out, "glossary/index.html");
    let list = &glossary[glossary.find("<dl class=\"glossary\">").unwrap()..];
    let list = &list[..list.find("</dl>").unwrap()];
    assert!(!list.contains("<a "), "{list}");
    assert!(glossary.contains("id=\"dynamic-purchasing-system\""));
}

#[test]
fn accessibility_statement_is_generated_from_site_toml_and_the_checks() {
    let site = example();
    assert_ok(&build(site.path()));
    let page = text(&site.path().join("public"), "accessibility/index.html");
    for needle in [
        // The council's own words come first.
        "<h2 id=\"using-this-site\">Using this site</h2>",
        // Then the generated sections.
        "WCAG) version 2.2 at level AA",
        "This site is fully compliant",
        "every table has a caption",
        "text colours in the council&#39;s own templates have a contrast ratio of at least 4.5 to 1",
        "at 320 pixels wide, no page scrolls sideways",
        "the Nu HTML Checker",
        "mailto:democratic.services@example.org",
        "Equality and Human Rights Commission (EHRC)",
        "Equality Advisory and Support Service (EASS)",
        "<time datetime=\"2026-03-02\">2 March 2026</time>",
    ] {
        assert!(page.contains(needle), "statement lacks {needle:?}");
    }
    assert!(page.find("Using this site").unwrap() < page.find("How we tested this site").unwrap());

    // A known issue makes it partially compliant, and is listed.
    replace(
        &site.path().join("site.toml"),
        "known_issues = []",
        "known_issues = [{ issue = \"Some PDF attachments are not tagged.\", criterion = \"1.3.1 Info and Relationships\", plan = \"We will replace them by June 2026.\" }]",
    );
    assert_ok(&build(site.path()));
    let page = text(&site.path().join("public"), "accessibility/index.html");
    assert!(page.contains("partially compliant"));
    assert!(page.contains("Some PDF attachments are not tagged."));
}

/// The deliberately broken fixture (tests/invalid/inaccessible-page) fails each
/// Rust lint; tests/browser/fixtures/broken fails the same four in the browser
/// (tests/browser/selftest.sh).
#[test]
fn broken_fixture_fails_every_rust_lint() {
    let site = fixture("minimal");
    copy_dir(
        &repo().join("tests/invalid/inaccessible-page/site"),
        site.path(),
    );
    let outcome = build(site.path());
    let found: Vec<(String, usize, &str)> = outcome
        .diagnostics
        .iter()
        .map(|d| (d.file.clone(), d.line, d.message.as_str()))
        .collect();
    for (file, line, message) in [
        (
            "content/pages/about.md",
            9,
            "this image has no alternative text",
        ),
        (
            "content/pages/about.md",
            11,
            "this heading skips from level 2 to level 4",
        ),
        ("content/pages/about.md", 13, "this table has no caption"),
        (
            "templates/page.html",
            5,
            "text colour #aaaaaa on #ffffff has a contrast ratio of 2.32:1, below 4.5:1",
        ),
    ] {
        assert!(
            found
                .iter()
                .any(|(f, l, m)| f == file && *l == line && *m == message),
            "missing {file}:{line}: {message} in {found:?}"
        );
    }
    assert_eq!(outcome.files_written, 0);
    let browser = repo().join("tests/browser/fixtures/broken/index.html");
    let html = std::fs::read_to_string(Path::new(&browser)).unwrap();
    for deliberate in [
        "without alt",
        "heading level skipped",
        "neither caption",
        "faint",
    ] {
        assert!(
            html.contains(deliberate),
            "browser fixture lacks {deliberate}"
        );
    }
}
