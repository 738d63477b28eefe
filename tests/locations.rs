//! Every error about a document names the line and column at fault (issue
//! 16): the places that used to name only the file, each built as a small
//! site from `tests/fixtures/minimal` and checked on the printed text. The
//! invalid fixtures (`tests/invalid_fixtures.rs`) hold the rest, and check
//! that every error about a document there has a line and column, or says
//! why it cannot.

mod common;

use std::path::Path;

use common::*;

const D1: &str = "content/decisions/24-00001/decision.md";
const D2: &str = "content/decisions/24-00002/decision.md";

/// Builds `root`, expecting it to be refused; what was printed.
fn refused(root: &Path) -> String {
    let outcome = build(root);
    assert!(outcome.has_errors(), "accepted");
    assert_eq!(outcome.files_written, 0);
    printed(&outcome)
}

#[test]
fn a_key_written_in_quotes_or_as_a_table_is_pointed_at() {
    // The record's key in quotes: the error is at the key, not the file's top.
    let site = fixture("minimal");
    let record = site.path().join(D1);
    let text = std::fs::read_to_string(&record).unwrap();
    let text = text
        .replace("key_decision = true", "\"key_decision\" = true")
        .lines()
        .filter(|l| !l.starts_with("key_decision_reason"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&record, text + "\n").unwrap();
    let printed = refused(site.path());
    assert!(
        printed.contains(&format!(
            "{D1}:9:1: error: a key decision needs `key_decision_reason`"
        )),
        "{printed}"
    );

    // site.toml's `[status_labels]` is a table: the label at fault is named
    // where it is written.
    let site = fixture("minimal");
    append(
        &site.path().join("site.toml"),
        "\n[status_labels]\n\"Decision Made\" = \"taken\"\n\"Taken\" = \"taken\"\n",
    );
    let printed = refused(site.path());
    let line = std::fs::read_to_string(site.path().join("site.toml"))
        .unwrap()
        .lines()
        .position(|l| l.starts_with("\"Taken\""))
        .unwrap()
        + 1;
    assert!(
        printed.contains(&format!(
            "site.toml:{line}:1: error: `[status_labels]` has a label `Taken` that cannot be told from ours"
        )),
        "{printed}"
    );
}

#[test]
fn text_that_is_not_utf8_is_pointed_at_its_first_bad_byte() {
    // A page: line 6, after "It shows " (9 characters).
    let site = fixture("minimal");
    let page = site.path().join("content/pages/about.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let mut bytes = text
        .replacen("It shows the", "It shows \u{0}the", 1)
        .into_bytes();
    let at = bytes.iter().position(|b| *b == 0).unwrap();
    bytes[at] = 0xff;
    std::fs::write(&page, bytes).unwrap();
    let printed = refused(site.path());
    assert!(
        printed.contains("content/pages/about.md:7:10: error: the file is not valid UTF-8 text"),
        "{printed}"
    );

    // A data file: the same, in its own line and column.
    let site = fixture("minimal");
    let csv = site.path().join("data/lots.csv");
    let mut bytes = std::fs::read(&csv).unwrap();
    let second_line = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
    bytes.insert(second_line + 2, 0xc3);
    bytes.insert(second_line + 3, 0x28);
    std::fs::write(&csv, bytes).unwrap();
    let printed = refused(site.path());
    assert!(
        printed.contains("data/lots.csv:2:3: error: the file is not valid UTF-8 text"),
        "{printed}"
    );
}

#[test]
fn a_schema_column_the_site_cannot_use_is_pointed_at_its_name() {
    // A browsable column called `page` would take a listing page's address.
    let site = fixture("minimal");
    let schema = site.path().join("data/providers.schema.toml");
    replace(&schema, "name = \"lots\"", "name = \"page\"");
    replace(&site.path().join("data/providers.csv"), ",lots,", ",page,");
    let printed = refused(site.path());
    assert!(
        printed.contains(
            "data/providers.schema.toml:20:8: error: a browsable column cannot be called `page`"
        ),
        "{printed}"
    );

    // A column the site's pages are built from, withheld.
    let site = fixture("minimal");
    let schema = site.path().join("data/lots.schema.toml");
    let text = std::fs::read_to_string(&schema).unwrap();
    let name_line = text
        .lines()
        .position(|l| l.trim() == "name = \"name\"")
        .expect("lots has a name column")
        + 1;
    let column = &text[text.find("name = \"name\"").unwrap()..];
    let public = column.find("public = true").unwrap() + text.find("name = \"name\"").unwrap();
    let text = format!(
        "{}exempt = {{ paragraph = 3, reason = \"Withheld for the test.\" }}{}",
        &text[..public],
        &text[public + "public = true".len()..]
    );
    std::fs::write(&schema, text).unwrap();
    let printed = refused(site.path());
    assert!(
        printed.contains(&format!(
            "data/lots.schema.toml:{name_line}:8: error: column `name` of `lots` must be public"
        )),
        "{printed}"
    );
}

#[test]
fn a_name_written_two_ways_is_warned_of_where_it_is_written() {
    let site = fixture("minimal");
    replace(
        &site.path().join(D2),
        "decision_maker = \"Cabinet Member for Communities\"",
        "decision_maker = \"Cabinet member for communities\"",
    );
    let outcome = build(site.path());
    assert_ok(&outcome);
    let printed = printed(&outcome);
    let (record, line) = if printed.contains(D2) {
        (D2, 6)
    } else {
        (D1, 6)
    };
    assert!(
        printed.contains(&format!(
            "{record}:{line}:18: warning: the decision maker `"
        )),
        "{printed}"
    );
}

#[test]
fn text_shared_with_an_exempt_source_is_pointed_at_where_it_starts() {
    // A passage of the exempt appendix pasted into the public report.
    let site = fixture("minimal");
    let appendix =
        std::fs::read_to_string(site.path().join("content/decisions/24-00001/appendix-1.md"))
            .unwrap();
    let body = &appendix[appendix.rfind("+++\n").unwrap() + 4..];
    let passage: String = body
        .split_whitespace()
        .filter(|w| w.chars().all(|c| c.is_alphanumeric()))
        .take(12)
        .collect::<Vec<_>>()
        .join(" ");
    let report = site.path().join("content/decisions/24-00001/report.md");
    append(&report, &format!("\n\nAs we said: {passage}.\n"));
    let text = std::fs::read_to_string(&report).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("As we said"))
        .unwrap()
        + 1;
    let printed = refused(site.path());
    // At a word of the shared passage (the first the scan's fingerprints
    // keep, which may be a few words in).
    let message = "error: this public source contains text from the exempt source content/decisions/24-00001/appendix-1.md";
    let found = printed
        .lines()
        .find(|l| l.ends_with(message))
        .unwrap_or_else(|| panic!("{printed}"));
    let prefix = format!("content/decisions/24-00001/report.md:{line}:");
    let column: usize = found
        .strip_prefix(&prefix)
        .and_then(|rest| rest.split(':').next())
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("{found}"));
    let start = "As we said: ".len() + 1;
    assert!(
        (start..start + passage.len()).contains(&column),
        "{found}: not in the passage at {start}"
    );
}
