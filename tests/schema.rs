//! The JSON Schemas of `plainsight schema` agree with the parser.
//!
//! - Every front matter, site.toml and data schema that the project shows
//!   people (the example site, the test fixtures' sites, a new site from
//!   `init` with a record, an EqIA and appendices from `new`, and every
//!   example in docs/content-format.md) is valid against its schema: an
//!   editor never underlines a correct file.
//! - Every invalid fixture is classified: rejected by a schema, or beyond
//!   what a schema of one file can say, with the reason. The first kind must
//!   be rejected and the second accepted, so a new fixture fails here until
//!   it is put in one list.
//! - Broken variants of every valid file (a key removed, a value of another
//!   type) are refused by the parser whenever the schema refuses them.
//! - The schemas are draft 7, the newest draft Taplo's validator reads, with
//!   keywords of that draft only, and `plainsight schema` writes exactly what
//!   the types generate, the same bytes every time.
//!
//! TOML is turned into JSON as Taplo does it: a date becomes its text.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use plainsight::diagnostics::Diagnostics;
use serde_json::Value;

use common::repo;

/// The schemas, by file name.
fn schemas() -> BTreeMap<String, Value> {
    plainsight::schema::files()
        .into_iter()
        .map(|(name, text)| (name, serde_json::from_str(&text).expect("a schema is JSON")))
        .collect()
}

struct Validators(BTreeMap<String, jsonschema::Validator>);

impl Validators {
    fn new() -> Validators {
        Validators(
            schemas()
                .into_iter()
                .map(|(name, schema)| {
                    let validator = jsonschema::options()
                        .with_draft(jsonschema::Draft::Draft7)
                        .should_validate_formats(true)
                        .build(&schema)
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                    (name, validator)
                })
                .collect(),
        )
    }

    /// The problems the schema named `name` finds in `value`.
    fn errors(&self, name: &str, value: &Value) -> Vec<String> {
        self.0[name]
            .iter_errors(value)
            .map(|e| format!("{e} (at {})", e.instance_path()))
            .collect()
    }

    /// What the schemas say of one file: `None` when no schema applies
    /// (not a file a schema describes, or not TOML at all), else the
    /// problems found. A document is checked against its kind's schema and
    /// against the schema of any front matter, which must agree.
    fn check(&self, path: &str, text: &str) -> Option<Vec<String>> {
        let schema = schema_of(path)?;
        if schema == plainsight::schema::FRONT_MATTER {
            let split = plainsight::frontmatter::split(text).ok()?;
            let value = json_of(split.front_matter)?;
            let any = self.errors(plainsight::schema::FRONT_MATTER, &value);
            let kind = value.get("kind").and_then(Value::as_str);
            if let Some(kind) = kind.filter(|k| self.0.contains_key(&format!("{k}.schema.json"))) {
                let own = self.errors(&format!("{kind}.schema.json"), &value);
                assert_eq!(
                    own.is_empty(),
                    any.is_empty(),
                    "{path}: the {kind} schema and the front-matter schema disagree:\n{own:#?}\n{any:#?}"
                );
            }
            return Some(any);
        }
        let value = json_of(text)?;
        Some(self.errors(schema, &value))
    }
}

/// The schema that describes the file at `path` in a site, if one does.
fn schema_of(path: &str) -> Option<&'static str> {
    if path == "site.toml" {
        Some(plainsight::schema::SITE)
    } else if path.starts_with("data/") && path.ends_with(".schema.toml") {
        Some(plainsight::schema::DATA_SCHEMA)
    } else if path.starts_with("content/") && path.ends_with(".md") {
        Some(plainsight::schema::FRONT_MATTER)
    } else {
        None
    }
}

/// TOML as the JSON an editor validates: dates as their text. `None` when
/// it is not TOML.
fn json_of(toml_text: &str) -> Option<Value> {
    fn convert(value: toml::Value) -> Value {
        match value {
            toml::Value::String(s) => Value::String(s),
            toml::Value::Integer(i) => Value::from(i),
            toml::Value::Float(f) => Value::from(f),
            toml::Value::Boolean(b) => Value::Bool(b),
            toml::Value::Datetime(d) => Value::String(d.to_string()),
            toml::Value::Array(items) => Value::Array(items.into_iter().map(convert).collect()),
            toml::Value::Table(table) => {
                Value::Object(table.into_iter().map(|(k, v)| (k, convert(v))).collect())
            }
        }
    }
    toml::from_str::<toml::Table>(toml_text)
        .ok()
        .map(|t| convert(toml::Value::Table(t)))
}

/// Every file under `dir` that a schema describes, by its path in the
/// site, with its text.
fn site_files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if !dir.exists() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if schema_of(&path).is_some() {
            let bytes = std::fs::read(entry.path()).unwrap();
            out.push((path, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    out
}

/// Asserts that every file is valid against its schema.
fn assert_valid(validators: &Validators, what: &str, files: &[(String, String)]) {
    let mut problems = Vec::new();
    for (path, text) in files {
        match validators.check(path, text) {
            Some(errors) if !errors.is_empty() => problems.push(format!("{path}: {errors:#?}")),
            Some(_) => {}
            None => problems.push(format!("{path}: no schema could read it")),
        }
    }
    assert!(
        problems.is_empty(),
        "{what}: a correct file is refused by its schema:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_example_site_and_the_fixture_sites_are_valid() {
    let validators = Validators::new();
    let example = site_files(&repo());
    // site.toml, data schemas and a document of every kind, and nothing
    // from src/, tests/ or docs/.
    let kinds: std::collections::BTreeSet<String> = example
        .iter()
        .filter_map(|(_, text)| {
            let split = plainsight::frontmatter::split(text).ok()?;
            let front = json_of(split.front_matter)?;
            Some(front["kind"].as_str()?.to_string())
        })
        .collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["appendix", "decision", "eqia", "page", "report"],
        "{:?}",
        paths(&example)
    );
    assert!(example.iter().any(|(p, _)| p == "site.toml"));
    assert!(
        example
            .iter()
            .any(|(p, _)| p == "data/providers.schema.toml")
    );
    assert!(
        example
            .iter()
            .all(|(p, _)| p == "site.toml" || p.starts_with("content/") || p.starts_with("data/"))
    );
    assert_valid(&validators, "the example site", &example);
    for fixture in std::fs::read_dir(repo().join("tests/fixtures")).unwrap() {
        let fixture = fixture.unwrap().path();
        let files = site_files(&fixture);
        assert!(files.len() > 5, "{}", fixture.display());
        assert_valid(&validators, &fixture.display().to_string(), &files);
    }
}

fn paths(files: &[(String, String)]) -> Vec<&str> {
    files.iter().map(|(p, _)| p.as_str()).collect()
}

/// What `plainsight new` writes is valid before it is filled in (each
/// placeholder is a string where a string goes), so an editor underlines
/// nothing in a new record: `check` reports the placeholders.
#[test]
fn a_new_site_and_new_records_are_valid() {
    use plainsight::init::{NewPaper, new_decision, new_paper};
    let validators = Validators::new();
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    plainsight::init::init(&site).unwrap();
    new_decision(&site, "26/00002", None).unwrap();
    new_decision(&site, "26/00003", Some("Street lights")).unwrap();
    new_paper(&site, "26/00002", NewPaper::Eqia).unwrap();
    new_paper(&site, "26/00002", NewPaper::Appendix { exempt: None }).unwrap();
    for paragraph in plainsight::schedule12a::PARAGRAPHS {
        new_paper(
            &site,
            "26/00003",
            NewPaper::Appendix {
                exempt: Some(paragraph as u8),
            },
        )
        .unwrap();
    }
    let files = site_files(&site);
    // site.toml, the glossary's schema, the sample decision, two pages, and
    // the two new decisions with 1 + 1 + 7 papers.
    assert_eq!(files.len(), 16, "{:?}", paths(&files));
    assert_valid(&validators, "a new site", &files);
}

/// A fenced TOML block of docs/content-format.md, with the line it starts on.
struct Example {
    line: usize,
    text: String,
}

fn documented_examples() -> Vec<Example> {
    let doc = std::fs::read_to_string(repo().join("docs/content-format.md")).unwrap();
    let mut examples = Vec::new();
    let mut open: Option<(usize, String, String)> = None;
    for (i, line) in doc.lines().enumerate() {
        match &mut open {
            None => {
                if let Some(lang) = line.strip_prefix("```") {
                    open = Some((i + 2, lang.trim().to_string(), String::new()));
                }
            }
            Some((start, lang, text)) => {
                if line.starts_with("```") {
                    // TOML blocks, and Markdown blocks that show a whole
                    // document (front matter first).
                    if lang == "toml" || (lang == "markdown" && text.starts_with("+++")) {
                        examples.push(Example {
                            line: *start,
                            text: std::mem::take(text),
                        });
                    }
                    open = None;
                } else {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
    }
    examples
}

/// The first table header or key of a TOML fragment.
fn first_key(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("")
}

/// Every TOML example in docs/content-format.md is a whole document, site.toml
/// or data schema, or a part of one (a `[table]` of site.toml, a document's
/// `attachments`), and each is valid both to its schema and to the parser.
#[test]
fn every_documented_example_is_valid() {
    let validators = Validators::new();
    let examples = documented_examples();
    let site = examples
        .iter()
        .find(|e| first_key(&e.text).starts_with("title =") && e.text.contains("base_url"))
        .expect("docs/content-format.md shows a whole site.toml");
    let mut checked = Vec::new();
    for example in &examples {
        let key = first_key(&example.text);
        if key == "[[rule]]" {
            // Taplo's settings: the_taplo_settings_point_each_file_at_its_schema.
            continue;
        }
        let (path, text) = if key == "+++" {
            (
                "content/decisions/22-00073/example.md",
                example.text.clone(),
            )
        } else if std::ptr::eq(example, site) {
            ("site.toml", example.text.clone())
        } else if [
            "[personal_data]",
            "[procurement]",
            "[branding]",
            "[electoral_divisions]",
            "[status_labels]",
        ]
        .iter()
        .any(|table| key.starts_with(table))
        {
            ("site.toml", format!("{}\n{}", site.text, example.text))
        } else if example.text.contains("[[columns]]") {
            ("data/providers.schema.toml", example.text.clone())
        } else if key.starts_with("attachments =") {
            (
                "content/decisions/22-00073/example.md",
                format!(
                    "+++\nkind = \"report\"\ntitle = \"Report\"\n{}+++\n",
                    example.text
                ),
            )
        } else {
            panic!(
                "docs/content-format.md:{}: a TOML example this test cannot place; teach it where the example belongs",
                example.line
            );
        };
        let errors = validators
            .check(path, &text)
            .unwrap_or_else(|| panic!("docs/content-format.md:{}: not TOML", example.line));
        assert!(
            errors.is_empty(),
            "docs/content-format.md:{}: refused by the schema:\n{errors:#?}",
            example.line
        );
        let parsed = parser_errors(path, &text);
        assert!(
            parsed.is_empty(),
            "docs/content-format.md:{}: refused by plainsight:\n{parsed:#?}",
            example.line
        );
        checked.push(path);
    }
    // Documents (five decisions: one in full, one under the general
    // exception, one called in, one with money and a related decision from
    // elsewhere, one expected in a month with a status label, lead officer
    // and history; two reports, an EqIA, two appendices, two pages), a
    // document's attachments, a data schema, and site.toml with its
    // optional tables (electoral divisions and status labels among them):
    // 20 in all.
    assert_eq!(checked.len(), 20, "{checked:?}");
}

/// What the parser of one file says of it, without the rest of the site:
/// `Document::parse`, site.toml's parse with its procurement's own checks,
/// and a data schema's parse with a CSV of its columns.
fn parser_errors(path: &str, text: &str) -> Vec<String> {
    let mut diagnostics = Diagnostics::default();
    if path == "site.toml" {
        if let Some(config) = plainsight::config::SiteConfig::parse(text, &mut diagnostics) {
            plainsight::procurement::check(
                config.procurement.as_ref(),
                text,
                &["22/00073", "22/00034", "24/00001", "24/00002", "26/00001"],
                &["lots", "providers", "glossary"],
                &mut diagnostics,
            );
        }
    } else if path.starts_with("data/") {
        let header = columns_of(text).join(",");
        plainsight::data::parse(
            "providers",
            path,
            text,
            "data/providers.csv",
            &format!("{header}\n"),
            &mut diagnostics,
        );
    } else {
        plainsight::document::Document::parse(path, text.to_string(), &mut diagnostics);
    }
    diagnostics
        .into_sorted()
        .into_iter()
        .filter(|d| d.severity == plainsight::diagnostics::Severity::Error)
        .map(|d| d.to_string())
        .collect()
}

/// The column names a data schema declares, in order.
fn columns_of(schema: &str) -> Vec<String> {
    let table: toml::Table = toml::from_str(schema).unwrap_or_default();
    table
        .get("columns")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("name")?.as_str().map(String::from))
        .collect()
}

/// Why a schema of one file cannot see an invalid fixture's problem.
#[derive(Debug, Clone, Copy)]
enum Beyond {
    /// The file is not TOML (or has no front matter): an editor's TOML
    /// parser reports that before any schema is read.
    NotToml,
    /// The problem is in a Markdown body, which no TOML schema sees.
    Body,
    /// The problem is in a file that is not TOML: a CSV, a template, an
    /// image or a PDF.
    OtherFile,
    /// It needs the folder or other files: the folder's name, the files a
    /// document declares and their types, related decisions, other datasets
    /// (checked when the site is put together, `site`).
    Site,
    /// It compares two values of one file (a primary key naming an exempt
    /// column, a date too soon after another), which JSON Schema cannot do.
    TwoValues,
    /// A rule about what text says, not its shape: personal data, mixed
    /// scripts, placeholders, fence-like colons, what one fact is.
    Text,
    /// It is found by comparing exempt and public text, or in the output.
    Output,
    /// A figure's decimal places (an amount in whole pence): JSON Schema's
    /// `multipleOf = 0.01` misjudges decimals such as 63.5, which binary
    /// floating point cannot hold exactly.
    Precision,
}

/// Every invalid fixture whose problem the schemas state: at least one of
/// its files is refused by its schema.
const REJECTED: &[&str] = &[
    "appendix-without-status",
    "attachment-undeclared-status",
    "call-in-that-contradicts-itself",
    "column-misspelt-status",
    "column-without-status",
    "due-and-not-before-both-given",
    "due-month-misspelt",
    "eqia-missing-characteristic",
    "exempt-column-browsable",
    "exempt-document-key-named-with-exempt-text",
    "exempt-document-misspelt-enum-value",
    "exempt-document-misspelt-kind",
    "exempt-document-value-of-wrong-type",
    "exempt-paragraph-listed-twice",
    "exempt-without-public-title",
    "key-decision-without-notice-published",
    "key-decision-without-reason",
    "lead-officer-without-contact",
    "misspelt-exempt-key",
    "misspelt-kind",
    "money-amount-written-as-text",
    "money-unknown-kind",
    "no-alternatives-recorded",
    "paragraph-out-of-range",
    "paragraph-zero",
    "procurement-unknown-key",
    "public-and-exempt-both",
    "public-attachment-of-exempt-document",
    "public-facts-in-an-exempt-document",
    "public-false-without-exemption",
    "related-elsewhere-not-https",
    "related-elsewhere-without-title",
    "representations-close-too-late",
    "special-urgency-agreed-after-the-decision",
    "unknown-front-matter-key",
];

/// Every other invalid fixture, with why no schema can refuse it: each of
/// its files is valid against its schema.
const BEYOND: &[(&str, Beyond)] = &[
    ("attachment-content-not-its-type", Beyond::OtherFile),
    ("attachment-path-traversal", Beyond::Site),
    ("bad-toml-syntax", Beyond::NotToml),
    ("bad-value-type", Beyond::OtherFile),
    ("case-variant-file-name", Beyond::Site),
    ("csv-without-schema", Beyond::Site),
    ("date-of-birth-in-public-text", Beyond::Text),
    ("date-of-birth-in-words", Beyond::Text),
    ("decision-number-does-not-match-folder", Beyond::Site),
    ("division-all-with-others", Beyond::Site),
    ("division-not-on-the-list", Beyond::Site),
    ("divisions-in-one-string", Beyond::Site),
    ("email-not-on-allow-list", Beyond::Text),
    ("exempt-attachment-bad-path", Beyond::Site),
    ("exempt-column-as-primary-key", Beyond::TwoValues),
    ("exempt-column-referenced", Beyond::Site),
    ("exempt-column-unterminated-quote", Beyond::OtherFile),
    ("exempt-column-value-not-allowed", Beyond::OtherFile),
    ("exempt-document-toml-syntax-error", Beyond::NotToml),
    ("exempt-fact-in-public-text", Beyond::Output),
    ("exempt-value-in-public-text", Beyond::Output),
    ("fence-in-blockquote", Beyond::Body),
    ("fence-in-a-data-cell", Beyond::OtherFile),
    ("fence-in-a-public-attachment", Beyond::OtherFile),
    ("general-exception-without-5-clear-days", Beyond::TwoValues),
    ("fence-in-front-matter-string", Beyond::Text),
    ("fence-in-list-item", Beyond::Body),
    ("fence-in-page-front-matter", Beyond::Text),
    ("fence-in-site-toml", Beyond::Text),
    ("fence-in-table-cell", Beyond::Body),
    ("fence-with-character-references", Beyond::Body),
    ("fence-with-duplicate-setting", Beyond::Body),
    ("fence-with-fullwidth-colons", Beyond::Body),
    ("fence-with-invisible-characters", Beyond::Body),
    ("fence-with-lookalike-colons", Beyond::Body),
    ("fence-with-other-marks", Beyond::Body),
    ("fence-with-spaced-colons", Beyond::Body),
    ("fence-with-spaces-around-equals", Beyond::Body),
    ("fence-with-two-colons", Beyond::Body),
    ("fence-with-unknown-setting", Beyond::Body),
    ("fence-with-unquoted-reason", Beyond::Body),
    ("fence-without-paragraph", Beyond::Body),
    ("file-declared-twice", Beyond::Site),
    ("file-outside-known-places", Beyond::Site),
    ("image-that-cannot-be-cleaned", Beyond::OtherFile),
    ("key-decision-sooner-than-28-clear-days", Beyond::TwoValues),
    ("inaccessible-page", Beyond::Body),
    ("malformed-csv-row", Beyond::OtherFile),
    ("missing-accessibility-statement", Beyond::Site),
    ("money-amount-in-fractions-of-a-penny", Beyond::Precision),
    ("misspelt-exempt-fence", Beyond::Body),
    ("mixed-script-word", Beyond::Text),
    ("nested-exempt-fences", Beyond::Body),
    ("nhs-number-in-public-text", Beyond::Text),
    ("nhs-number-split-by-markup", Beyond::Text),
    ("ni-number-in-public-text", Beyond::Text),
    ("no-front-matter", Beyond::NotToml),
    ("nul-byte-in-markdown", Beyond::Text),
    ("nul-byte-in-schema", Beyond::NotToml),
    ("office-attachment", Beyond::Site),
    ("page-in-reserved-address", Beyond::Site),
    ("pdf-with-undecodable-stream", Beyond::OtherFile),
    ("personal-data-after-an-abbreviation", Beyond::Body),
    ("personal-data-in-csv", Beyond::OtherFile),
    ("personal-data-in-template", Beyond::OtherFile),
    ("phone-not-on-allow-list", Beyond::Text),
    ("placeholder-left-in-record", Beyond::Text),
    ("procurement-unknown-decision", Beyond::Site),
    ("public-document-quotes-exempt-text", Beyond::Output),
    ("public-facts-entry-not-one-fact", Beyond::Text),
    (
        "public-title-shares-a-name-with-its-document",
        Beyond::Output,
    ),
    ("raw-html-comment", Beyond::Body),
    ("register-template-prints-exempt-text", Beyond::Output),
    ("related-decision-missing", Beyond::Site),
    ("related-elsewhere-on-this-site", Beyond::Site),
    ("skipped-heading-level", Beyond::Body),
    ("stray-file-in-decision-folder", Beyond::Site),
    ("table-without-caption", Beyond::Body),
    ("template-prints-an-exempt-name", Beyond::Output),
    ("template-prints-exempt-text", Beyond::Output),
    (
        "template-prints-exempt-text-in-look-alike-letters",
        Beyond::Output,
    ),
    (
        "template-prints-exempt-text-split-by-inline-tags",
        Beyond::Output,
    ),
    (
        "template-prints-exempt-text-with-invisible-characters",
        Beyond::Output,
    ),
    ("template-syntax-error", Beyond::OtherFile),
    ("undeclared-csv-column", Beyond::OtherFile),
    ("unknown-lot-reference", Beyond::OtherFile),
    ("unknown-template-name", Beyond::Site),
    ("unterminated-exempt-fence", Beyond::Body),
    ("vague-link-text", Beyond::Body),
    ("status-label-not-in-site-toml", Beyond::Site),
    (
        "due-month-could-be-sooner-than-28-clear-days",
        Beyond::TwoValues,
    ),
    ("amended-before-record-published", Beyond::TwoValues),
];

#[test]
fn every_invalid_fixture_is_refused_by_a_schema_or_said_to_be_beyond_one() {
    let validators = Validators::new();
    let fixtures: Vec<String> = {
        let mut names: Vec<String> = std::fs::read_dir(repo().join("tests/invalid"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let mut classified: Vec<&str> = REJECTED
        .iter()
        .copied()
        .chain(BEYOND.iter().map(|(name, _)| *name))
        .collect();
    classified.sort();
    let unclassified: Vec<&String> = fixtures
        .iter()
        .filter(|f| !classified.contains(&f.as_str()))
        .collect();
    assert!(
        unclassified.is_empty(),
        "invalid fixtures that this test does not classify: {unclassified:?}\n\
         add each to REJECTED (a schema refuses one of its files) or to BEYOND with the reason a schema cannot"
    );
    let mut twice = classified.clone();
    twice.dedup();
    assert_eq!(twice.len(), classified.len(), "a fixture is listed twice");
    let gone: Vec<&&str> = classified
        .iter()
        .filter(|c| !fixtures.iter().any(|f| f == *c))
        .collect();
    assert!(
        gone.is_empty(),
        "listed here but not in tests/invalid: {gone:?}"
    );

    let mut wrong = Vec::new();
    for name in &fixtures {
        let verdicts: Vec<(String, Option<Vec<String>>)> =
            site_files(&repo().join("tests/invalid").join(name).join("site"))
                .into_iter()
                .map(|(path, text)| {
                    let verdict = validators.check(&path, &text);
                    (path, verdict)
                })
                .collect();
        let refused: Vec<&(String, Option<Vec<String>>)> = verdicts
            .iter()
            .filter(|(_, v)| v.as_ref().is_some_and(|e| !e.is_empty()))
            .collect();
        if REJECTED.contains(&name.as_str()) {
            if refused.is_empty() {
                wrong.push(format!(
                    "{name}: listed as refused, but every file is valid"
                ));
            }
        } else {
            let why = BEYOND.iter().find(|(n, _)| n == name).unwrap().1;
            if !refused.is_empty() {
                wrong.push(format!(
                    "{name}: listed as beyond a schema ({why:?}), but refused: {refused:#?}"
                ));
            }
            let unread = verdicts.iter().any(|(_, v)| v.is_none());
            if matches!(why, Beyond::NotToml) != unread {
                wrong.push(format!(
                    "{name}: {why:?}, but a file that is not TOML: {unread}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Broken variants of a TOML table: each key left out, and each value
/// replaced by one of another type, at the top and one level down.
fn variants(table: &toml::Table) -> Vec<(String, toml::Table)> {
    let replacements = [
        toml::Value::Integer(9),
        toml::Value::Float(0.5),
        toml::Value::String("x".into()),
        toml::Value::String(" ".into()),
        toml::Value::Boolean(false),
        toml::Value::Boolean(true),
        toml::Value::Array(Vec::new()),
        toml::Value::Table(toml::Table::new()),
        toml::Value::Datetime("2022-07-13".parse().unwrap()),
    ];
    let mut out = Vec::new();
    for (key, value) in table {
        let mut without = table.clone();
        without.remove(key);
        out.push((format!("without `{key}`"), without));
        for replacement in replacements.iter().filter(|r| !empty_for_table(value, r)) {
            let mut changed = table.clone();
            changed.insert(key.clone(), replacement.clone());
            out.push((format!("`{key}` = {replacement}"), changed));
        }
        let inner: Vec<(String, toml::Table)> = match value {
            toml::Value::Table(inner) => vec![(key.clone(), inner.clone())],
            toml::Value::Array(items) => items
                .first()
                .and_then(toml::Value::as_table)
                .map(|t| vec![(format!("{key}[0]"), t.clone())])
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        for (name, inner) in inner {
            for (change, changed) in variants_flat(&inner, &replacements) {
                let mut outer = table.clone();
                let placed = match outer.get_mut(key) {
                    Some(toml::Value::Array(items)) => {
                        items[0] = toml::Value::Table(changed);
                        true
                    }
                    Some(slot) => {
                        *slot = toml::Value::Table(changed);
                        true
                    }
                    None => false,
                };
                if placed {
                    out.push((format!("in `{name}`, {change}"), outer));
                }
            }
        }
    }
    out
}

/// Whether `replacement` is `[]` in place of a table. The parser (serde)
/// reads `[]` as a table whose keys all have defaults, so `language = []`
/// is the default `[language]`; the schema asks for a table, as the docs
/// do. A leniency of the parser that nobody relies on, not a schema fault.
fn empty_for_table(value: &toml::Value, replacement: &toml::Value) -> bool {
    value.is_table() && replacement.as_array().is_some_and(Vec::is_empty)
}

fn variants_flat(table: &toml::Table, replacements: &[toml::Value]) -> Vec<(String, toml::Table)> {
    let mut out = Vec::new();
    for (key, value) in table {
        let mut without = table.clone();
        without.remove(key);
        out.push((format!("without `{key}`"), without));
        for replacement in replacements.iter().filter(|r| !empty_for_table(value, r)) {
            let mut changed = table.clone();
            changed.insert(key.clone(), replacement.clone());
            out.push((format!("`{key}` = {replacement}"), changed));
        }
    }
    out
}

/// The schema never refuses what the parser accepts: of many broken
/// variants of every valid file, each one a schema refuses, the parser
/// refuses too. (The other way round is not asked: much that the parser
/// refuses needs other files.)
#[test]
fn whatever_a_schema_refuses_the_parser_refuses() {
    let validators = Validators::new();
    let mut files = site_files(&repo());
    files.extend(site_files(&repo().join("tests/fixtures/minimal")));
    let mut tried = 0;
    let mut refused_by_both = 0;
    let mut wrong = Vec::new();
    for (path, text) in &files {
        let (front, body, wrap): (&str, &str, bool) = if path.ends_with(".md") {
            let split = plainsight::frontmatter::split(text).unwrap();
            (split.front_matter, split.body, true)
        } else {
            (text.as_str(), "", false)
        };
        let table: toml::Table = toml::from_str(front).unwrap();
        for (change, variant) in variants(&table) {
            let toml_text = toml::to_string(&variant).unwrap();
            let text = if wrap {
                format!("+++\n{toml_text}+++\n{body}")
            } else {
                toml_text
            };
            let schema = validators.check(path, &text).expect("still TOML");
            tried += 1;
            if schema.is_empty() {
                continue;
            }
            let parser = if path.starts_with("data/") {
                data_parser_errors(path, &text)
            } else {
                parser_errors(path, &text)
            };
            if parser.is_empty() {
                wrong.push(format!(
                    "{path}, {change}: refused by the schema but not by plainsight:\n{schema:#?}"
                ));
            } else {
                refused_by_both += 1;
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {tried}:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(tried > 2000, "only {tried} variants tried");
    assert!(refused_by_both > 1000, "only {refused_by_both} refused");
}

/// A data schema's parse, with the CSV that sits beside it in the example site.
fn data_parser_errors(path: &str, text: &str) -> Vec<String> {
    let name = path
        .trim_start_matches("data/")
        .trim_end_matches(".schema.toml");
    let csv = std::fs::read_to_string(repo().join("data").join(format!("{name}.csv"))).unwrap();
    let mut diagnostics = Diagnostics::default();
    plainsight::data::parse(
        name,
        path,
        text,
        &format!("data/{name}.csv"),
        &csv,
        &mut diagnostics,
    );
    diagnostics
        .into_sorted()
        .into_iter()
        .filter(|d| d.severity == plainsight::diagnostics::Severity::Error)
        .map(|d| d.to_string())
        .collect()
}

/// Taplo (Even Better TOML) validates with a JSON Schema library that reads
/// drafts 4 to 7: the schemas say they are draft 7, are valid draft 7, and
/// use no keyword of a later draft (which would be silently ignored).
#[test]
fn the_schemas_are_draft_7_and_use_its_keywords_only() {
    const DRAFT_7: &[&str] = &[
        "$schema",
        "$id",
        "$ref",
        "$comment",
        "title",
        "description",
        "default",
        "examples",
        "readOnly",
        "writeOnly",
        "type",
        "enum",
        "const",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "items",
        "additionalItems",
        "maxItems",
        "minItems",
        "uniqueItems",
        "contains",
        "maxProperties",
        "minProperties",
        "required",
        "properties",
        "patternProperties",
        "additionalProperties",
        "dependencies",
        "propertyNames",
        "if",
        "then",
        "else",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "format",
        "definitions",
    ];
    fn keywords(schema: &Value, out: &mut Vec<String>) {
        let Some(object) = schema.as_object() else {
            return;
        };
        for (key, value) in object {
            out.push(key.clone());
            match key.as_str() {
                "properties" | "patternProperties" | "dependencies" | "definitions" => {
                    for sub in value.as_object().into_iter().flat_map(|m| m.values()) {
                        keywords(sub, out);
                    }
                }
                "allOf" | "anyOf" | "oneOf" => {
                    for sub in value.as_array().into_iter().flatten() {
                        keywords(sub, out);
                    }
                }
                "items"
                | "additionalItems"
                | "additionalProperties"
                | "contains"
                | "propertyNames"
                | "not"
                | "if"
                | "then"
                | "else" => keywords(value, out),
                _ => {}
            }
        }
    }
    for (name, schema) in schemas() {
        assert_eq!(
            schema["$schema"], "http://json-schema.org/draft-07/schema#",
            "{name}"
        );
        if let Err(e) = jsonschema::draft7::meta::validate(&schema) {
            panic!("{name} is not a valid draft 7 schema: {e}");
        }
        let mut used = Vec::new();
        keywords(&schema, &mut used);
        used.retain(|k| !DRAFT_7.contains(&k.as_str()));
        assert!(used.is_empty(), "{name} uses {used:?}");
        // Inlined: Taplo shows a key's own description only when it is not
        // behind a reference.
        let text = serde_json::to_string(&schema).unwrap();
        assert!(!text.contains("\"$ref\""), "{name} has a $ref");
        assert!(
            !text.contains("null"),
            "{name} mentions null, which TOML has not"
        );
    }
}

/// `plainsight schema` writes what the types generate, the same bytes every
/// time (keys sorted, a final newline), over older copies of its own files,
/// and touches nothing else in the folder.
#[test]
fn the_written_schemas_are_what_the_types_generate() {
    let expected = plainsight::schema::files();
    assert_eq!(
        expected,
        plainsight::schema::files(),
        "generated twice, differently"
    );
    let names: Vec<&str> = expected.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "appendix.schema.json",
            "data-schema.schema.json",
            "decision.schema.json",
            "eqia.schema.json",
            "front-matter.schema.json",
            "page.schema.json",
            "report.schema.json",
            "site.schema.json",
        ]
    );
    for (name, text) in &expected {
        assert!(text.ends_with("}\n"), "{name} does not end with a newline");
        let value: Value = serde_json::from_str(text).unwrap();
        let mut keys_in_order = true;
        fn check_order(value: &Value, ok: &mut bool) {
            match value {
                Value::Object(map) => {
                    let keys: Vec<&String> = map.keys().collect();
                    *ok &= keys.windows(2).all(|w| w[0] < w[1]);
                    map.values().for_each(|v| check_order(v, ok));
                }
                Value::Array(items) => items.iter().for_each(|v| check_order(v, ok)),
                _ => {}
            }
        }
        check_order(&value, &mut keys_in_order);
        assert!(keys_in_order, "{name}: keys are not sorted");
        assert_eq!(
            &serde_json::to_string_pretty(&value).unwrap(),
            text.trim_end(),
            "{name} is not pretty-printed JSON"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("schemas");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("mine.json"), "kept").unwrap();
    // An older schema of this program's is written over.
    std::fs::write(
        out.join("site.schema.json"),
        "{\n  \"$schema\": \"http://json-schema.org/draft-07/schema#\",\n  \"title\": \"old\"\n}\n",
    )
    .unwrap();
    for _ in 0..2 {
        let written = plainsight::schema::write(&out).unwrap();
        assert_eq!(written.len(), expected.len());
        let on_disk = common::files(&out);
        assert_eq!(on_disk.len(), expected.len() + 1);
        assert_eq!(on_disk["mine.json"], b"kept");
        for (name, text) in &expected {
            assert_eq!(on_disk[name.as_str()], text.as_bytes(), "{name}");
        }
    }
}

/// Spot checks that the schemas say what the parser checks, as an editor
/// would show them: each of these front matters is refused, at the key named.
#[test]
fn the_schemas_refuse_what_an_editor_should_underline() {
    let validators = Validators::new();
    let appendix = "kind = \"appendix\"\nlabel = \"Appendix 1\"\npublic_title = \"Award report\"\n";
    let cases: &[(&str, String, &str)] = &[
        (
            "content/x/appendix-1.md",
            format!("{appendix}exempt = {{ paragraph = 9, reason = \"Bids\" }}\n"),
            "/exempt/paragraph",
        ),
        (
            "content/x/appendix-1.md",
            format!("{appendix}exmept = {{ paragraph = 3, reason = \"Bids\" }}\n"),
            "",
        ),
        (
            "content/x/decision.md",
            "kind = \"decision\"\nstatus = \"taekn\"\n".to_string(),
            "/status",
        ),
        (
            "content/x/appendix-1.md",
            format!(
                "{appendix}exempt = {{ paragraph = 3, reason = \"Bids\", review_on = \"soon\" }}\n"
            ),
            "/exempt/review_on",
        ),
    ];
    for (path, front, pointer) in cases {
        let errors = validators
            .check(path, &format!("+++\n{front}+++\n"))
            .unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e.ends_with(&format!("(at {pointer})"))),
            "{front}\nnot refused at {pointer:?}: {errors:#?}"
        );
    }
    // site.toml: the accessibility statement's table, and a logo without
    // its words.
    let site = std::fs::read_to_string(repo().join("site.toml")).unwrap();
    let accessibility = site.find("[accessibility]").unwrap();
    let language = site.find("[language]").unwrap();
    for (text, refused) in [
        (
            format!("{}{}", &site[..accessibility], &site[language..]),
            "\"accessibility\" is a required property",
        ),
        (
            format!("{site}\n[branding]\nlogo = \"logo.png\"\n"),
            "\"logo_alt\" is a required property",
        ),
    ] {
        let errors = validators.check("site.toml", &text).unwrap();
        assert!(
            errors.iter().any(|e| e.starts_with(refused)),
            "not refused: {refused}: {errors:#?}"
        );
        assert!(!parser_errors("site.toml", &text).is_empty());
    }
}

/// A pattern of a schema, found by where it sits, as a validator of strings.
fn pattern(schema: &str, pointer: &str) -> jsonschema::Validator {
    let pattern = schemas()[schema]
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{schema}: no {pointer}"))
        .clone();
    jsonschema::validator_for(&serde_json::json!({ "type": "string", "pattern": pattern })).unwrap()
}

/// The patterns that stand in for the parser's own code refuse nothing it
/// accepts (and a decision number's, exactly what it refuses).
#[test]
fn the_patterns_refuse_only_what_the_parser_refuses() {
    let number = pattern("decision.schema.json", "/properties/number/pattern");
    for n in [
        "22/00073",
        "00/00000",
        "2/00073",
        "22-00073",
        "22/0007",
        "22/000731",
        "ab/cdefg",
        "22/0007a",
        "٢٢/00073",
        " 22/00073",
        "22/00073\n",
        "",
    ] {
        assert_eq!(
            number.is_valid(&Value::from(n)),
            plainsight::source::is_decision_number(n),
            "{n:?}"
        );
    }
    let elsewhere = pattern(
        "decision.schema.json",
        "/properties/related_elsewhere/items/properties/url/pattern",
    );
    for url in [
        "https://democracy.kent.gov.uk/ieDecisionDetails.aspx?ID=2468",
        "https://a.example",
        "https://a.example:8443/x",
        "https://a.example/x y",
        "http://a.example/",
        "https://localhost/",
        "https://a.example:/x",
        "https://.example/",
        "https://a.example?x=1",
        "ftp://a.example/",
        "https://",
        "",
    ] {
        assert_eq!(
            elsewhere.is_valid(&Value::from(url)),
            plainsight::document::is_https_url(url),
            "{url:?}"
        );
    }
    let base_url = pattern("site.schema.json", "/properties/base_url/pattern");
    for url in [
        "https://a.example",
        "https://a.example/x/",
        "http://localhost:8000/preview/42",
        "https://a.example/x.y-z_~%20/",
        "",
        "decisions.example.org",
        "HTTPS://a.example/",
        "ftp://a.example/",
        "//a.example/",
        "https://",
        "https:///path",
        "https://:80/",
        "https://a:/",
        "https://a.example/has space/",
        "https://a.example/\t",
        "https://a.example/\u{7f}",
        "https://a.example/?q=1",
        "https://a.example/#top",
        "file:///srv/site/",
    ] {
        if !base_url.is_valid(&Value::from(url)) {
            assert!(
                plainsight::config::base_url(url).is_err(),
                "the schema refuses {url:?}, which plainsight accepts"
            );
        }
    }
    let site = std::fs::read_to_string(repo().join("site.toml")).unwrap();
    let procurement = |key: &str, value: &str| {
        let line = site
            .lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .unwrap();
        let text = site.replacen(line, &format!("{key} = \"{value}\""), 1);
        parser_errors("site.toml", &text)
    };
    let ocid = pattern(
        "site.schema.json",
        "/properties/procurement/properties/ocid_prefix/pattern",
    );
    for prefix in [
        "ocds-b5fd17",
        "ocds-000000",
        "ocds-B5FD17",
        "ocds-b5fd1",
        "ocds-b5fd177",
        "OCDS-b5fd17",
        "b5fd17",
        "ocds_b5fd17",
        "ocds-b5fd1é",
    ] {
        assert_eq!(
            ocid.is_valid(&Value::from(prefix)),
            procurement("ocid_prefix", prefix).is_empty(),
            "{prefix:?}"
        );
    }
    let id = pattern(
        "site.schema.json",
        "/properties/procurement/properties/id/pattern",
    );
    for reference in [
        "KCC-DPS-ELA-2022",
        "a",
        "-",
        "",
        "KCC DPS",
        "KCC/DPS",
        "KCC_DPS",
        "KCCé",
    ] {
        assert_eq!(
            id.is_valid(&Value::from(reference)),
            procurement("id", reference).is_empty(),
            "{reference:?}"
        );
    }
    // The listing's address: the pattern says what the parser's own check
    // says, but for the addresses the site keeps for itself (the parser
    // refuses those too).
    let listing = pattern(
        "site.schema.json",
        "/properties/listing/properties/path/pattern",
    );
    let with_listing = |path: &str| {
        let text = site.replacen("path = \"activities\"", &format!("path = \"{path}\""), 1);
        assert!(
            site.contains("path = \"activities\""),
            "the example site.toml has no `path = \"activities\"`"
        );
        parser_errors("site.toml", &text)
    };
    for path in [
        "activities",
        "care-homes",
        "a1",
        "Activities",
        "care homes",
        "care--homes",
        "-care",
        "care-",
        "",
        "caf\u{e9}",
        "a/b",
    ] {
        assert_eq!(
            listing.is_valid(&Value::from(path)),
            with_listing(path).is_empty(),
            "{path:?}"
        );
    }
    assert!(listing.is_valid(&Value::from("decisions")));
    assert!(!with_listing("decisions").is_empty());
}

/// The command: into a site's `schemas/` folder, or `--out`, and never a
/// folder of schemas for a root that is not a site.
#[test]
fn the_command_writes_into_a_sites_schemas_folder_or_where_it_is_told() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_plainsight"))
            .arg("schema")
            .args(args)
            .output()
            .unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    plainsight::init::init(&site).unwrap();
    let before = common::files(&site.join("schemas"));
    let out = run(&["--root", site.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.lines().count(),
        plainsight::schema::files().len(),
        "{stdout}"
    );
    assert_eq!(common::files(&site.join("schemas")), before);

    let stray = dir.path().join("not-a-site");
    let out = run(&["--root", stray.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no site.toml"));
    assert!(!stray.exists());

    let elsewhere = dir.path().join("published/schemas");
    let out = run(&[
        "--root",
        stray.to_str().unwrap(),
        "--out",
        elsewhere.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(common::files(&elsewhere), before);

    // A file of a schema's name that plainsight did not write, or a link,
    // is never written over (nor what the link points at): nothing is.
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("site.schema.json"), "my own notes\n").unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me\n").unwrap();
    let linked = dir.path().join("linked");
    std::fs::create_dir(&linked).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&victim, linked.join("page.schema.json")).unwrap();
    for folder in [&mine, &linked] {
        let out = run(&["--out", folder.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("is not a schema plainsight wrote"),
            "{stderr}"
        );
    }
    assert_eq!(common::files(&mine).len(), 1);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");
}

/// A new site's `.taplo.toml` gives each TOML file the schema that
/// describes it, from the folder `plainsight schema` writes to, and
/// docs/content-format.md shows it as it is.
#[test]
fn the_taplo_settings_point_each_file_at_its_schema() {
    let text = plainsight::init::FILES
        .iter()
        .find(|(path, _)| *path == ".taplo.toml")
        .expect("a new site has a .taplo.toml")
        .1;
    let settings: toml::Table = toml::from_str(text).unwrap();
    let rules = settings["rule"].as_array().unwrap();
    let mut pointed = Vec::new();
    for rule in rules {
        let schema = rule["schema"]["path"].as_str().unwrap();
        let name = schema
            .strip_prefix(&format!("{}/", plainsight::schema::DIR))
            .unwrap_or_else(|| panic!("{schema} is not in the schemas folder"));
        for include in rule["include"].as_array().unwrap() {
            let example = include.as_str().unwrap().replace('*', "glossary");
            assert_eq!(schema_of(&example), Some(name), "{include}");
            pointed.push(name);
        }
    }
    pointed.sort();
    assert_eq!(
        pointed,
        [plainsight::schema::DATA_SCHEMA, plainsight::schema::SITE]
    );
    let doc = std::fs::read_to_string(repo().join("docs/content-format.md")).unwrap();
    assert!(
        doc.contains(&format!("```toml\n{text}```\n")),
        "docs/content-format.md does not show the .taplo.toml that plainsight init writes"
    );
}
