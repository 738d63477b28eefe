//! Records as councils write them, and open data for scrutiny (issue 16):
//! electoral divisions checked against site.toml's list, related decisions
//! not on the site, a public paper's withheld attachments on the decision
//! page and in documents.csv/json, a decision's money as a table and as
//! data, EqIA impacts as data, and the notice's date in the downloads and
//! feeds. Each new output is a new leak route: markers planted in exempt
//! sources reach none of it.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

const D: &str = "content/decisions/24-00001";

fn csv_rows(bytes: &[u8]) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

/// Adds front matter to the record of 24/00001 (tables go after the
/// record's keys and before its `[[pathway]]`).
fn add_to_record(site: &Path, keys: &str, tables: &str) {
    let record = site.join(D).join("decision.md");
    replace(
        &record,
        "electoral_divisions = [\"All\"]\n",
        &format!("electoral_divisions = [\"All\"]\n{keys}"),
    );
    replace(
        &record,
        "\n[[pathway]]",
        &format!("\n{tables}\n[[pathway]]"),
    );
}

const MONEY: &str = "[[money]]\nlabel = \"Library outreach contract\"\nperiod = \"2024 to 2027\"\namount = 1230000\nkind = \"spend\"\n\n\
[[money]]\nlabel = \"Fewer agency staff\"\nperiod = \"Each year\"\namount = 45000.5\nkind = \"saving\"\n";

const ELSEWHERE: &str = "related_elsewhere = [{ number = \"21/00091\", title = \"Library strategy 2021 to 2025\", url = \"https://democracy.example.gov.uk/ieDecisionDetails.aspx?ID=2468\", council = \"Example Borough Council\" }]\n";

#[test]
fn a_decisions_money_is_a_captioned_table_and_open_data() {
    let site = fixture("minimal");
    add_to_record(site.path(), "", MONEY);
    assert_ok(&build(site.path()));
    let out = files(&site.path().join("public"));

    let rows = csv_rows(&out["data/money.csv"]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["decision"], "24/00001");
    assert_eq!(rows[0]["amount"], "1230000");
    assert_eq!(rows[0]["kind"], "spend");
    assert_eq!(rows[1]["amount"], "45000.50");
    assert_eq!(rows[1]["kind"], "saving");
    let json: Value = serde_json::from_slice(&out["data/money.json"]).unwrap();
    assert_eq!(json[0]["amount"], serde_json::json!(1230000));
    assert_eq!(json[1]["amount"], serde_json::json!(45000.5));
    let record: Value = serde_json::from_slice(&out["decisions/24-00001/decision.json"]).unwrap();
    assert_eq!(record["money"][0]["amount"], serde_json::json!(1230000));
    let all: Value = serde_json::from_slice(&out["data/decisions.json"]).unwrap();
    assert_eq!(all[0]["money"][1]["period"], "Each year");

    let page = String::from_utf8_lossy(&out["decisions/24-00001/index.html"]);
    assert!(
        page.contains(
            "<caption id=\"money-caption\">Money this decision spends, saves or budgets</caption>"
        ),
        "{page}"
    );
    assert!(page.contains("<td style=\"text-align: right\">£1,230,000</td>"));
    assert!(page.contains("<td style=\"text-align: right\">£45,000.50</td>"));
    assert!(page.contains("<a href=\"#money-in-figures\">"));
    // Described with the other tables, its amount a number.
    let package: Value = serde_json::from_slice(&out["data/datapackage.json"]).unwrap();
    let money = package["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "money")
        .expect("money.csv in the data package");
    assert_eq!(money["schema"]["fields"][4]["type"], "number");
    let data_page = String::from_utf8_lossy(&out["data/index.html"]);
    assert!(data_page.contains("money.csv"));

    // A site that declares no money publishes no money files.
    let site = fixture("minimal");
    assert_ok(&build(site.path()));
    assert!(!site.path().join("public/data/money.csv").exists());
}

#[test]
fn a_money_amount_that_an_exempt_paper_states_is_refused() {
    for amount in ["1412650", "1_412_650", "1412650.00"] {
        let site = fixture("minimal");
        append(
            &site.path().join(D).join("appendix-1.md"),
            "\nThe bid from Lanternwick Story Trust came second, at £1,412,650 over three years.\n",
        );
        add_to_record(
            site.path(),
            "",
            &format!(
                "[[money]]\nlabel = \"Contract\"\nperiod = \"2024 to 2027\"\namount = {amount}\nkind = \"spend\"\n"
            ),
        );
        let outcome = build(site.path());
        assert!(outcome.has_errors(), "{amount}: published");
        assert_eq!(outcome.files_written, 0);
        let shown = printed(&outcome);
        assert!(shown.contains("appendix-1.md"), "{shown}");
        assert!(
            !shown.contains("1,412,650") && !shown.contains("1412650"),
            "{shown}"
        );
    }
}

/// Markers in exempt sources: an exempt EqIA's impacts, an exempt report,
/// an exempt attachment; none may reach money, impacts or citations.
#[test]
fn planted_markers_reach_no_new_download() {
    let site = fixture("minimal");
    let p = site.path();
    add_to_record(p, ELSEWHERE, MONEY);
    let impacts = |detail: &str| {
        [
            "age",
            "disability",
            "gender_reassignment",
            "marriage_civil_partnership",
            "pregnancy_maternity",
            "race",
            "religion_belief",
            "sex",
            "sexual_orientation",
        ]
        .iter()
        .map(|c| format!("[impacts.{c}]\nimpact = \"neutral\"\ndetail = \"{detail}\"\n"))
        .collect::<String>()
    };
    std::fs::write(
        p.join(D).join("eqia.md"),
        format!(
            "+++\nkind = \"eqia\"\ntitle = \"Equality Impact Assessment\"\nassessed_on = 2024-01-10\n{}+++\nThe service is the same for everyone.\n",
            impacts("No change for these people.")
        ),
    )
    .unwrap();
    std::fs::write(
        p.join(D).join("eqia-staff.md"),
        format!(
            "+++\nkind = \"eqia\"\nlabel = \"Appendix 4\"\npublic_title = \"Staffing assessment\"\nexempt = {{ paragraph = 4, reason = \"It is about talks with staff.\" }}\nassessed_on = 2024-01-11\n{}+++\nZqxstaffgolf body.\n",
            impacts("Zqxeqiahotel staff would move.")
        ),
    )
    .unwrap();
    append(&p.join(D).join("scores.csv"), "Zqxattachindia Ltd,91\n");
    let outcome = build(p);
    assert_ok(&outcome);
    let out = files(&p.join("public"));
    let reports = files(&p.join("reports"));
    for marker in ["zqxstaffgolf", "zqxeqiahotel", "zqxattachindia"] {
        assert!(
            files_containing(&out, marker).is_empty(),
            "{marker}: {:?}",
            files_containing(&out, marker)
        );
        assert!(
            files_containing(&reports, marker).is_empty(),
            "{marker} in the report"
        );
        assert!(!printed(&outcome).to_lowercase().contains(marker));
    }
    // The public EqIA's impacts are data beside its page; the exempt one has none.
    let rows = csv_rows(&out["decisions/24-00001/eqia/impacts.csv"]);
    assert_eq!(rows.len(), 9);
    assert_eq!(rows[0]["characteristic"], "age");
    assert_eq!(rows[0]["impact"], "neutral");
    assert_eq!(rows[0]["assessed_on"], "2024-01-10");
    let json: Value = serde_json::from_slice(&out["decisions/24-00001/eqia/impacts.json"]).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 9);
    assert!(
        !out.keys().any(|k| k.contains("eqia-staff")),
        "an exempt EqIA has no page or data"
    );
    let eqia_page = String::from_utf8_lossy(&out["decisions/24-00001/eqia/index.html"]);
    assert!(eqia_page.contains("<a href=\"impacts.csv\">"));

    // The withheld EqIA keeps its kind in documents.csv, with its reason.
    let docs = csv_rows(&out["data/documents.csv"]);
    let staff = docs.iter().find(|r| r["label"] == "Appendix 4").unwrap();
    assert_eq!(staff["kind"], "eqia");
    assert_eq!(staff["status"], "withheld");
    assert_eq!(staff["withheld_reason"], "It is about talks with staff.");
    assert_eq!(staff["url"], "");

    // The related decision from elsewhere: on the page and in the data.
    let page = String::from_utf8_lossy(&out["decisions/24-00001/index.html"]);
    assert!(page.contains("<a href=\"https://democracy.example.gov.uk/ieDecisionDetails.aspx?ID=2468\">Decision 21/00091: Library strategy 2021 to 2025</a> (a decision of Example Borough Council, not on this site)"), "{page}");
    let record: Value = serde_json::from_slice(&out["decisions/24-00001/decision.json"]).unwrap();
    assert_eq!(record["related_elsewhere"][0]["number"], "21/00091");
}

/// Every published EqIA's impacts in one table, linked from the downloads
/// page and described in the data package; an exempt EqIA's are in none of
/// it (its planted markers reach no output byte).
#[test]
fn every_published_eqias_impacts_are_in_one_site_wide_table() {
    let site = fixture("minimal");
    let p = site.path();
    let eqia = |extra: &str, detail: &str, impact: &str, body: &str| {
        let impacts: String = [
            "age",
            "disability",
            "gender_reassignment",
            "marriage_civil_partnership",
            "pregnancy_maternity",
            "race",
            "religion_belief",
            "sex",
            "sexual_orientation",
        ]
        .iter()
        .map(|c| format!("[impacts.{c}]\nimpact = \"{impact}\"\ndetail = \"{detail}\"\n"))
        .collect();
        format!("+++\nkind = \"eqia\"\n{extra}assessed_on = 2024-01-10\n{impacts}+++\n{body}\n")
    };
    let d2 = "content/decisions/24-00002";
    std::fs::write(
        p.join(D).join("eqia.md"),
        eqia(
            "title = \"Equality Impact Assessment\"\n",
            "No change for these people.",
            "neutral",
            "The service is the same for everyone.",
        ),
    )
    .unwrap();
    std::fs::write(
        p.join(d2).join("eqia.md"),
        eqia(
            "title = \"Library hours assessment\"\n",
            "Longer hours help people who work.",
            "positive",
            "Longer hours help.",
        ),
    )
    .unwrap();
    std::fs::write(
        p.join(D).join("eqia-staff.md"),
        eqia(
            "label = \"Appendix 4\"\npublic_title = \"Staffing assessment\"\nexempt = { paragraph = 4, reason = \"It is about talks with staff.\" }\n",
            "Zqxsitewideimpact staff would move.",
            "neutral",
            "Zqxsitewidebody talks.",
        ),
    )
    .unwrap();
    let outcome = build(p);
    assert_ok(&outcome);
    let out = files(&p.join("public"));
    for marker in ["zqxsitewideimpact", "zqxsitewidebody"] {
        assert!(
            files_containing(&out, marker).is_empty(),
            "{marker}: {:?}",
            files_containing(&out, marker)
        );
        assert!(files_containing(&files(&p.join("reports")), marker).is_empty());
        assert!(!printed(&outcome).to_lowercase().contains(marker));
    }

    let rows = csv_rows(&out["data/eqia-impacts.csv"]);
    assert_eq!(
        rows.len(),
        18,
        "two published EqIAs of nine characteristics"
    );
    assert!(rows[..9].iter().all(|r| r["decision"] == "24/00001"
        && r["document"] == "Equality Impact Assessment"
        && r["impact"] == "neutral"));
    assert!(rows[9..].iter().all(|r| r["decision"] == "24/00002"
        && r["document"] == "Library hours assessment"
        && r["impact"] == "positive"
        && r["url"].ends_with("/decisions/24-00002/eqia/")));
    assert_eq!(rows[9]["characteristic"], "age");
    assert_eq!(rows[9]["detail"], "Longer hours help people who work.");
    // The same rows as the table beside each EqIA's page.
    let beside = csv_rows(&out["decisions/24-00002/eqia/impacts.csv"]);
    assert_eq!(beside, rows[9..].to_vec());
    let json: Value = serde_json::from_slice(&out["data/eqia-impacts.json"]).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 18);
    assert_eq!(json[9]["impact"], "positive");

    // On the downloads page, saying one assessment is withheld, and in the data package.
    let data_page = String::from_utf8_lossy(&out["data/index.html"]);
    assert!(
        data_page.contains("href=\"eqia-impacts.csv\""),
        "{data_page}"
    );
    assert!(
        data_page.contains("href=\"eqia-impacts.json\""),
        "{data_page}"
    );
    assert!(data_page.contains("One assessment is withheld, so it is not included"));
    let package: Value = serde_json::from_slice(&out["data/datapackage.json"]).unwrap();
    let resource = package["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "eqia-impacts")
        .expect("eqia-impacts.csv in the data package");
    assert_eq!(resource["schema"]["fields"][5]["name"], "impact");

    // An edit to one EqIA reaches the table in a rebuild that reuses the
    // build cache for everything else.
    replace(
        &p.join(d2).join("eqia.md"),
        "Longer hours help people who work.",
        "Longer hours help people who work shifts.",
    );
    assert_ok(&build(p));
    let rows = csv_rows(&std::fs::read(p.join("public/data/eqia-impacts.csv")).unwrap());
    assert_eq!(
        rows[9]["detail"],
        "Longer hours help people who work shifts."
    );

    // A site with no published EqIA has no such table.
    let site = fixture("minimal");
    assert_ok(&build(site.path()));
    assert!(!site.path().join("public/data/eqia-impacts.csv").exists());
}

#[test]
fn a_public_papers_withheld_attachment_is_on_the_decision_page_and_in_documents() {
    let site = fixture("minimal");
    let p = site.path();
    std::fs::write(
        p.join(D).join("legal-advice.md"),
        "+++\nkind = \"report\"\nlabel = \"Appendix 3\"\npublic_title = \"Legal advice from Counsel\"\n\
         exempt = { paragraph = 5, reason = \"It is legal advice to the council.\" }\n+++\nCounsel advised caution.\n",
    )
    .unwrap();
    assert_ok(&build(p));
    let out = files(&p.join("public"));
    let page = String::from_utf8_lossy(&out["decisions/24-00001/index.html"]);
    // The report's exempt attachment, with its own notice, under the report;
    // the verb agrees with its title.
    assert!(
        page.contains("<h4>Scores given to each bid are not published</h4>"),
        "{page}"
    );
    assert!(
        page.contains("Bidders&#39;") || page.contains("Bidders'"),
        "{page}"
    );
    // The public title keeps its capitals.
    assert!(
        page.contains("Appendix 3 (Legal advice from Counsel) is not published"),
        "{page}"
    );
    let docs = csv_rows(&out["data/documents.csv"]);
    let scores = docs
        .iter()
        .find(|r| r["title"] == "Scores given to each bid")
        .unwrap();
    assert_eq!(scores["kind"], "attachment");
    assert_eq!(scores["status"], "withheld");
    assert_eq!(scores["schedule_12a_paragraph"], "3");
    assert_eq!(
        scores["withheld_reason"],
        "Bidders' scores are commercially sensitive."
    );
    let advice = docs.iter().find(|r| r["label"] == "Appendix 3").unwrap();
    assert_eq!(advice["kind"], "report");
    let json: Value = serde_json::from_slice(&out["data/documents.json"]).unwrap();
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .any(|d| d["title"] == "Scores given to each bid"
                && d["withheld_reason"] == "Bidders' scores are commercially sensitive.")
    );
}

#[test]
fn the_notice_date_is_in_the_downloads_and_the_feeds() {
    let site = fixture("minimal");
    assert_ok(&build(site.path()));
    let out = files(&site.path().join("public"));
    let rows = csv_rows(&out["data/decisions.csv"]);
    let row = rows.iter().find(|r| r["number"] == "24/00001").unwrap();
    assert_eq!(row["notice_published"], "2024-01-25");
    let json: Value = serde_json::from_slice(&out["data/decisions.json"]).unwrap();
    let d = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["number"] == "24/00001")
        .unwrap();
    assert_eq!(d["notice_published"], "2024-01-25");
    let feed = String::from_utf8_lossy(&out["feeds/decisions.xml"]);
    assert!(
        feed.contains("<published>2024-01-25T00:00:00Z</published>"),
        "{feed}"
    );
}

/// The entry of a decision in every feed of decisions: `published` is the
/// day its record was published when the record says so (else its notice's
/// day, as above), and an amendment updates it.
#[test]
fn a_feed_entry_is_published_on_the_day_the_record_was() {
    let site = fixture("minimal");
    add_to_record(
        site.path(),
        "record_published = 2024-03-04\namended = [{ on = 2024-04-02, what = \"Added the lead officer's phone number\" }]\n",
        "",
    );
    assert_ok(&build(site.path()));
    let out = files(&site.path().join("public"));
    let feeds: Vec<&String> = out
        .keys()
        .filter(|k| k.starts_with("feeds/") && k.ends_with(".xml") && !k.contains("forward-plan"))
        .collect();
    assert!(feeds.len() >= 3, "{feeds:?}");
    let mut seen = 0;
    for path in feeds {
        let feed = String::from_utf8_lossy(&out[path]);
        let Some(start) = feed.find("decisions/24-00001/</id>") else {
            continue;
        };
        let entry = &feed[start..feed[start..].find("</entry>").unwrap() + start];
        assert!(
            entry.contains("<published>2024-03-04T00:00:00Z</published>"),
            "{path}: {entry}"
        );
        assert!(!entry.contains("2024-01-25T"), "{path}: {entry}");
        assert!(
            entry.contains("<updated>2024-04-02T00:00:00Z</updated>"),
            "{path}: {entry}"
        );
        seen += 1;
    }
    assert!(
        seen >= 3,
        "the decision is in the feed of all decisions, its division's and its maker's"
    );
}

#[test]
fn divisions_are_checked_against_site_toml_and_a_site_without_a_list_is_warned() {
    // Without a list: the site builds, with a warning at site.toml, and
    // fails under --strict.
    let site = fixture("minimal");
    let config = site.path().join("site.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let without = &text[..text.find("\n# The divisions the fixture").unwrap()];
    std::fs::write(&config, format!("{without}\n")).unwrap();
    let outcome = build(site.path());
    assert_ok(&outcome);
    assert!(
        printed(&outcome)
            .contains("site.toml:1:1: warning: there is no `[electoral_divisions]` table"),
        "{}",
        printed(&outcome)
    );
    let mut options = plainsight::Options::for_root(site.path());
    options.strict = true;
    assert!(plainsight::check_with(&options).unwrap().has_errors());
    // A list in one string is refused with or without a list.
    replace(
        &site.path().join("content/decisions/24-00002/decision.md"),
        "[\"Northfield\", \"Southmoor\"]",
        "[\"Northfield; Southmoor\"]",
    );
    let shown = printed(&build(site.path()));
    assert!(shown.contains("content/decisions/24-00002/decision.md:10:24: error: `Northfield; Southmoor` is several divisions in one string"), "{shown}");

    // A council that writes "County-wide" for every division: that value
    // is the register's "all divisions", and "All" is then a misspelling.
    let site = fixture("minimal");
    append(&site.path().join("site.toml"), "all = \"County-wide\"\n");
    let outcome = build(site.path());
    assert!(
        printed(&outcome).contains("`All` is not an electoral division of this council"),
        "{}",
        printed(&outcome)
    );
    replace(
        &site.path().join(D).join("decision.md"),
        "electoral_divisions = [\"All\"]",
        "electoral_divisions = [\"County-wide\"]",
    );
    assert_ok(&build(site.path()));
    let index = text_of(site.path(), "decisions/division/county-wide/index.html");
    assert!(
        index.contains("<h1>Decisions affecting all electoral divisions</h1>"),
        "{index}"
    );
    // A division with a comma in its name is one name when the list has it.
    let site = fixture("minimal");
    replace(
        &site.path().join("site.toml"),
        "names = [\"Northfield\", ",
        "names = [\"Cheriton, Sandgate and Hythe East\", \"Northfield\", ",
    );
    replace(
        &site.path().join("content/decisions/24-00002/decision.md"),
        "[\"Northfield\", \"Southmoor\"]",
        "[\"Cheriton, Sandgate and Hythe East\"]",
    );
    assert_ok(&build(site.path()));
}

/// The list is read afresh by every build, whatever the build cache kept:
/// a name taken off the list is an error at once, with no folder changed.
#[test]
fn a_division_taken_off_the_list_is_an_error_on_the_next_build() {
    let site = fixture("minimal");
    assert_ok(&build(site.path()));
    replace(
        &site.path().join("site.toml"),
        "names = [\"Northfield\", \"Southmoor\",",
        "names = [\"Northfield\",",
    );
    let outcome = build(site.path());
    assert!(
        printed(&outcome).contains("content/decisions/24-00002/decision.md:10:38: error: `Southmoor` is not an electoral division of this council"),
        "{}",
        printed(&outcome)
    );
    assert_eq!(outcome.files_written, 0);
}

fn text_of(site: &Path, path: &str) -> String {
    std::fs::read_to_string(site.join("public").join(path)).unwrap()
}

/// No page has a heading with nothing under it: every heading is followed
/// by content before the next heading of the same or a higher level.
#[test]
fn no_heading_is_left_empty() {
    let site = example();
    let p = site.path();
    assert_ok(&build(p));
    let out = files(&p.join("public"));
    let mut empty = Vec::new();
    for (path, bytes) in out.iter().filter(|(k, _)| k.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        let headings: Vec<(usize, u8, usize)> = (1..=6u8)
            .flat_map(|n| {
                let open = format!("<h{n}");
                let close = format!("</h{n}>");
                let html = &html;
                html.match_indices(&open)
                    .filter_map(move |(i, _)| {
                        let end = html[i..].find(&close)? + i + close.len();
                        Some((i, n, end))
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut sorted = headings.clone();
        sorted.sort();
        for (k, &(_, level, end)) in sorted.iter().enumerate() {
            let next = sorted[k + 1..].iter().find(|(_, l, _)| *l <= level);
            let until = next.map_or(html.len(), |(i, _, _)| *i);
            let between = &html[end..until];
            // Content: any text outside tags, or a list item, table or image.
            let mut text = String::new();
            let mut in_tag = false;
            for c in between.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    _ if !in_tag => text.push(c),
                    _ => {}
                }
            }
            if text.trim().is_empty() && !between.contains("<img") && !between.contains("<input") {
                empty.push(format!("{path}: {}", &html[sorted[k].0..end]));
            }
        }
    }
    assert!(
        empty.is_empty(),
        "headings with nothing under them:\n{}",
        empty.join("\n")
    );
}

#[test]
fn a_related_decision_elsewhere_that_is_on_this_site_is_refused_at_its_number() {
    let cite = |council: &str| {
        format!(
            "related_elsewhere = [{{ number = \"24/00002\", title = \"Library plan\", url = \"https://democracy.example.gov.uk/ieDecisionDetails.aspx?ID=1\"{council} }}]\n"
        )
    };
    // This council's own (no `council`, or the site's own name): use `related`.
    for council in ["", ", council = \"Fixture County Council\""] {
        let site = fixture("minimal");
        add_to_record(site.path(), &cite(council), "");
        let outcome = build(site.path());
        assert!(outcome.has_errors(), "{council}: accepted");
        let shown = printed(&outcome);
        assert!(
            shown.contains("decision.md:13:33: error: decision `24/00002` is on this site, so it is not a related decision elsewhere\n  help: list it in `related` instead"),
            "{shown}"
        );
    }
    // Another council's decision may share a number with one of ours.
    let site = fixture("minimal");
    add_to_record(
        site.path(),
        &cite(", council = \"Example Borough Council\""),
        "",
    );
    assert_ok(&build(site.path()));
}
