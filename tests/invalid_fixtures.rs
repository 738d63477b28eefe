//! Every invalid fixture is refused with a clear error, and a refused build
//! leaves the previous public/ exactly as it was.
//!
//! Each folder in tests/invalid/ holds `site/`, files laid over a copy of
//! tests/fixtures/minimal, and optionally `remove`, paths to delete first. The
//! diagnostics are snapshotted in tests/snapshots/ and reviewed like code.

mod common;

use std::path::Path;

use common::*;

/// Text that only the fixture's exempt sources contain. No diagnostic may
/// print it: CI logs are often public.
const EXEMPT_WORDS: &[&str] = &[
    "Quillfeather",
    "31.79",
    "29.83",
    "Lanternwick",
    "1412650",
    "1,412,650",
    "71.3",
    "9ZZ",
];

/// Whether a diagnostic is about a document people write (a Markdown
/// document, site.toml, a data schema): those name the line and column at
/// fault.
fn about_a_document(file: &str) -> bool {
    file.ends_with(".md") || file == "site.toml" || file.ends_with(".schema.toml")
}

/// Words that say, in the message itself, why a diagnostic about a
/// document names no line: what is at fault is not written in it.
const NO_LINE_BECAUSE: &[&str] = &[
    // Found in an output file by the scan, which does not know where in
    // the exempt source the text is.
    "found there by the scan, which does not say where in this source it is written",
    // A file no document declares, or one in no place content is read from:
    // the file itself is at fault.
    "no document declares this file",
    "is not a place plainsight reads content from",
    "is not a usable name",
    // Missing, so written nowhere.
    "there is no ",
    "and no `[[columns]]` entry of this schema declares it",
];

fn apply_overlay(case: &Path, site: &Path) {
    if let Ok(remove) = std::fs::read_to_string(case.join("remove")) {
        for path in remove.lines().filter(|l| !l.trim().is_empty()) {
            std::fs::remove_file(site.join(path)).unwrap();
        }
    }
    copy_dir(&case.join("site"), site);
}

#[test]
fn invalid_fixtures_are_refused_and_publish_nothing() {
    insta::glob!("invalid/*/site", |overlay| {
        let case = overlay.parent().unwrap();
        let site = fixture("minimal");
        assert_ok(&build(site.path()));
        let public = site.path().join("public");
        let reports = site.path().join("reports");
        let before = files(&public);
        let reports_before = files(&reports);

        apply_overlay(case, site.path());
        let outcome = build(site.path());
        let printed = printed(&outcome);
        assert!(outcome.has_errors(), "{} was accepted", case.display());
        assert_eq!(outcome.files_written, 0);
        assert!(
            files(&public) == before,
            "{}: public/ changed",
            case.display()
        );
        assert!(
            files(&reports) == reports_before,
            "{}: reports/ changed",
            case.display()
        );
        for word in EXEMPT_WORDS {
            assert!(
                !printed.contains(word),
                "{}: a diagnostic prints exempt text {word:?}:\n{printed}",
                case.display()
            );
        }
        // Every error about a document says where in it, or why it cannot.
        for d in &outcome.diagnostics {
            assert!(
                !about_a_document(&d.file)
                    || (d.line > 0 && d.column > 0)
                    || NO_LINE_BECAUSE.iter().any(|w| d.message.contains(w)),
                "{}: names no line and column, nor says why: {d}",
                case.display()
            );
        }
        // Nothing is left beside the output either (no staging folders; the
        // build cache is the good build's).
        let leftovers: Vec<_> = std::fs::read_dir(site.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.starts_with(".plainsight") && n != plainsight::cache::DIR)
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        insta::assert_snapshot!(printed);
    });
}
