//! Records as councils write them (issue 16): the council's own status
//! labels, expected dates as notices state them (a day, "on or after" a
//! day, or only a month), the part-exempt flag, the lead officer,
//! department and change history, and more than one Schedule 12A
//! paragraph on one paper.
//!
//! `tests/fixtures/records` is a small site as of 10 July 2024: a proposed
//! key decision expected "in September 2024" with the council's label "For
//! Determination", a lead officer and a change history, and an exempt
//! appendix under paragraphs 3 and 5 and a report with a withheld passage,
//! whose sources carry markers
//! (`zqxrecords...`) that no output may hold; a decision expected "not
//! before" 1 October 2024; and a taken decision labelled "Decision Made".

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

const MARKERS: &[&str] = &["zqxrecordstitle", "zqxrecordsbody", "zqxrecordspassage"];
const RECORD: &str = "content/decisions/24-00201/decision.md";

fn built(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let outcome = build(root);
    assert_ok(&outcome);
    files(&root.join("public"))
}

fn page(files: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(files[path].clone()).unwrap()
}

/// Builds `root`, expecting errors; what was printed.
fn refused(root: &Path) -> String {
    let outcome = build(root);
    assert!(outcome.has_errors(), "the build should have failed");
    printed(&outcome)
}

fn no_markers(files: &BTreeMap<String, Vec<u8>>) {
    for marker in MARKERS {
        assert_eq!(
            files_containing(files, marker),
            Vec::<String>::new(),
            "{marker} was published"
        );
    }
}

#[test]
fn the_councils_status_label_is_shown_wherever_the_status_is() {
    let site = fixture("records");
    let out = built(site.path());
    let page201 = page(&out, "decisions/24-00201/index.html");
    assert!(page201.contains("<span class=\"status status-proposed\">For Determination</span>"));
    let page203 = page(&out, "decisions/24-00203/index.html");
    assert!(page203.contains("<span class=\"status status-taken\">Decision Made</span>"));
    let register = page(&out, "decisions/index.html");
    assert!(register.contains(">For Determination</span>"));
    assert!(register.contains(">Decision Made</span>"));
    let plan = page(&out, "forward-plan/index.html");
    assert!(plan.contains(">For Determination</span>"));
    let csv = page(&out, "data/decisions.csv");
    let header = csv.lines().next().unwrap();
    assert!(header.contains(",status,status_label,due,not_before,due_month,"));
    assert!(csv.contains(",proposed,For Determination,,,2024-09,"));
    assert!(csv.contains(",taken,Decision Made,,,,2024-06-20,"));
    let json: serde_json::Value = serde_json::from_slice(&out["data/decisions.json"]).unwrap();
    let d = |n: &str| {
        json.as_array()
            .or_else(|| json["decisions"].as_array())
            .unwrap()
            .iter()
            .find(|d| d["number"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(d("24/00201")["status_label"], "For Determination");
    assert_eq!(d("24/00202")["status_label"], serde_json::Value::Null);
}

/// Beyond the pages: the feeds, the JSON-LD, the search records, the
/// register's pages by status and a related decision's mention all show the
/// council's label where the record gives one, never our word for it.
#[test]
fn the_councils_label_is_what_feeds_json_ld_search_and_every_listing_show() {
    let site = fixture("records");
    // 24/00202 cites the taken decision, so its page mentions its status.
    replace(
        &site.path().join("content/decisions/24-00202/decision.md"),
        "status = \"proposed\"\n",
        "status = \"proposed\"\nrelated = [\"24/00203\"]\n",
    );
    let out = built(site.path());

    // Feeds: the entry's category and summary.
    let feeds: Vec<&String> = out
        .keys()
        .filter(|k| k.starts_with("feeds/") && !k.contains("forward-plan") && k.ends_with(".xml"))
        .filter(|k| page(&out, k).contains("decisions/24-00203/</id>"))
        .collect();
    assert!(feeds.len() >= 3, "{feeds:?}");
    let feed = page(&out, "feeds/decisions.xml");
    let start = feed.find("decisions/24-00203/</id>").unwrap();
    let entry = &feed[start..start + feed[start..].find("</entry>").unwrap()];
    assert!(
        entry.contains("label=\"Decision Made, taken on 2024-06-20\""),
        "{entry}"
    );
    assert!(
        entry.contains("(Decision Made, taken on 2024-06-20."),
        "{entry}"
    );
    assert!(!entry.contains("Taken on"), "{entry}");
    assert!(!feed.contains("label=\"Taken"), "{feed}");
    let start = feed.find("decisions/24-00201/</id>").unwrap();
    let entry = &feed[start..start + feed[start..].find("</entry>").unwrap()];
    assert!(
        entry.contains("label=\"For Determination, expected in September 2024\""),
        "{entry}"
    );

    for path in feeds {
        let feed = page(&out, path);
        assert!(
            feed.contains("label=\"Decision Made, taken on 2024-06-20\""),
            "{path}"
        );
    }

    // schema.org: the decision page's JSON-LD.
    let page203 = page(&out, "decisions/24-00203/index.html");
    assert!(
        page203.contains("\"creativeWorkStatus\":\"Decision Made\""),
        "{page203}"
    );
    assert!(!page203.contains("\"creativeWorkStatus\":\"Taken\""));

    // The register's page of taken decisions, and its filter.
    let taken = page(&out, "decisions/status/taken/index.html");
    assert!(
        taken.contains("<h1>Decisions taken: Decision Made</h1>"),
        "{taken}"
    );
    let proposed = page(&out, "decisions/status/proposed/index.html");
    assert!(
        proposed.contains("For Determination or Proposed"),
        "the proposed page names both labels its decisions show: {proposed}"
    );

    // A related decision's mention keeps the label's capitals.
    let page202 = page(&out, "decisions/24-00202/index.html");
    assert!(page202.contains(" (Decision Made)</li>"), "{page202}");

    // Search: the record says the status as the site shows it.
    let mut diagnostics = plainsight::diagnostics::Diagnostics::default();
    let public = plainsight::public_model(site.path(), &mut diagnostics)
        .unwrap()
        .expect("the fixture has no errors");
    let records = plainsight::search::records(&public);
    let record = |url: &str| {
        records
            .iter()
            .find(|r| r.url == url)
            .unwrap()
            .content
            .clone()
    };
    assert!(record("decisions/24-00203/").contains("Status: Decision Made."));
    assert!(record("decisions/24-00201/").contains("Status: For Determination."));
    assert!(record("decisions/24-00202/").contains("Status: Proposed."));
    no_markers(&out);
}

#[test]
fn an_unmapped_or_contradicting_label_is_an_error_that_lists_the_mapping() {
    let site = fixture("records");
    replace(
        &site.path().join(RECORD),
        "status_label = \"For Determination\"",
        "status_label = \"For Decision\"",
    );
    let printed = refused(site.path());
    assert!(
        printed.contains(&format!("{RECORD}:8:16: error: the status label `For Decision` is not one of the council's labels in site.toml")),
        "{printed}"
    );
    assert!(printed.contains("\"Decision Made\" = \"taken\", \"For Determination\" = \"proposed\", \"Recommendations Approved\" = \"taken\""), "{printed}");
    assert!(
        printed.contains("add `\"For Decision\" = \"proposed\"` to `[status_labels]`"),
        "{printed}"
    );

    replace(
        &site.path().join(RECORD),
        "status_label = \"For Decision\"",
        "status_label = \"Decision Made\"",
    );
    let printed = refused(site.path());
    assert!(
        printed.contains("the status label `Decision Made` means `taken` (site.toml's `[status_labels]`), but this record's `status` is `proposed`"),
        "{printed}"
    );
}

#[test]
fn an_edit_to_the_mapping_is_checked_and_rebuilds_every_page() {
    let site = fixture("records");
    let out = built(site.path());
    assert!(page(&out, "decisions/24-00203/index.html").contains(">Decision Made</span>"));
    // The mapping drops "Decision Made": the cached record is checked again.
    replace(
        &site.path().join("site.toml"),
        "\"Decision Made\" = \"taken\"\n",
        "",
    );
    let printed = refused(site.path());
    assert!(
        printed.contains("content/decisions/24-00203/decision.md:8:16: error: the status label `Decision Made` is not one of the council's labels"),
        "{printed}"
    );
    // Mapped again, to a label the record then uses: the pages follow.
    replace(
        &site.path().join("site.toml"),
        "[status_labels]\n",
        "[status_labels]\n\"Decided\" = \"taken\"\n",
    );
    replace(
        &site.path().join("content/decisions/24-00203/decision.md"),
        "\"Decision Made\"",
        "\"Decided\"",
    );
    let out = built(site.path());
    assert!(page(&out, "decisions/24-00203/index.html").contains(">Decided</span>"));
    assert!(page(&out, "decisions/index.html").contains(">Decided</span>"));
}

#[test]
fn expected_dates_are_said_the_same_way_everywhere() {
    let site = fixture("records");
    let out = built(site.path());
    let month = "<time datetime=\"2024-09\">in September 2024</time>";
    let not_before = "<time datetime=\"2024-10-01\">on or after 1 October 2024</time>";
    let page201 = page(&out, "decisions/24-00201/index.html");
    assert!(page201.contains(&format!("Not decided yet. Expected {month}.")));
    let page202 = page(&out, "decisions/24-00202/index.html");
    assert!(page202.contains(&format!("Not decided yet. Expected {not_before}.")));
    let register = page(&out, "decisions/index.html");
    assert!(register.contains(&format!("Expected {month}")));
    assert!(register.contains(&format!("Expected {not_before}")));
    let plan = page(&out, "forward-plan/index.html");
    assert!(plan.contains(&format!("<dt>Expected</dt><dd>{month}</dd>")));
    assert!(plan.contains(&format!("Expected {not_before} ·")));

    // The calendars: a month is an all-day event across the month, titled
    // with the month; "on or after" is an event on its day, titled so.
    for ics in [
        "forward-plan/forward-plan.ics",
        "feeds/upcoming-decisions.ics",
    ] {
        let ics = page(&out, ics).replace("\r\n ", "");
        let event = |number: &str| {
            ics.split("BEGIN:VEVENT")
                .find(|e| e.contains(&format!("Decision {number} ")))
                .unwrap_or_else(|| panic!("no event for {number} in {ics}"))
                .to_string()
        };
        let e201 = event("24/00201");
        assert!(e201.contains("DTSTART;VALUE=DATE:20240901\r\n"), "{e201}");
        assert!(e201.contains("DTEND;VALUE=DATE:20241001\r\n"), "{e201}");
        assert!(e201.contains("in September 2024"), "{e201}");
        let e202 = event("24/00202");
        assert!(e202.contains("DTSTART;VALUE=DATE:20241001\r\n"), "{e202}");
        assert!(e202.contains("DTEND;VALUE=DATE:20241002\r\n"), "{e202}");
        assert!(e202.contains("on or after 1 October 2024"), "{e202}");
    }
    let csv = page(&out, "data/decisions.csv");
    assert!(csv.contains(",proposed,,,2024-10-01,,"));
}

#[test]
fn a_month_or_not_before_that_could_come_too_soon_is_refused() {
    // Notice on 1 July: the earliest lawful day is 30 July. "July 2024"
    // could mean 1 July, so it fails closed, at the line of `due`.
    let site = fixture("records");
    replace(
        &site.path().join(RECORD),
        "due = \"September 2024\"",
        "due = \"2024-07\"",
    );
    let printed = refused(site.path());
    assert!(
        printed.contains(&format!("{RECORD}:9:7: error: this key decision is expected in July 2024, so could be taken as soon as 1 July 2024, sooner than the law allows: its notice was published on 1 July 2024, so the earliest lawful date is 30 July 2024")),
        "{printed}"
    );
    replace(
        &site.path().join(RECORD),
        "due = \"2024-07\"",
        "not_before = 2024-07-29",
    );
    let printed = refused(site.path());
    assert!(
        printed.contains(&format!("{RECORD}:9:14: error: this key decision could be taken as soon as 29 July 2024 (`not_before`), sooner than the law allows")),
        "{printed}"
    );
    replace(
        &site.path().join(RECORD),
        "not_before = 2024-07-29",
        "not_before = 2024-07-30",
    );
    built(site.path());
}

#[test]
fn ambiguous_or_malformed_dates_are_refused() {
    let site = fixture("records");
    replace(
        &site.path().join(RECORD),
        "due = \"September 2024\"",
        "due = \"September 2024\"\nnot_before = 2024-09-01",
    );
    let printed = refused(site.path());
    assert!(
        printed.contains(&format!(
            "{RECORD}:10:14: error: the record gives both `due` and `not_before`"
        )),
        "{printed}"
    );
    replace(
        &site.path().join(RECORD),
        "due = \"September 2024\"\nnot_before = 2024-09-01",
        "due = \"Sept 2024\"",
    );
    let printed = refused(site.path());
    assert!(
        printed.contains(&format!("{RECORD}:9:7: error:")),
        "{printed}"
    );
    assert!(printed.contains("neither a day nor a month"), "{printed}");
}

#[test]
fn the_page_flags_what_is_withheld_and_links_to_its_notice() {
    let site = fixture("records");
    let out = built(site.path());
    let html = page(&out, "decisions/24-00201/index.html");
    assert!(html.contains("<span class=\"tag tag-exempt\">Part exempt</span>"));
    assert!(html.contains(
        "<li><a href=\"#exempt-appendix-1\">Appendix 1 (Tender evaluation) is not published</a></li>"
    ));
    assert!(html.contains("<div class=\"notice notice-withheld\" id=\"exempt-appendix-1\">"));
    // Public text that refers to the exempt paper links to its notice.
    assert!(html.contains("as set out in the <a href=\"#exempt-appendix-1\">exempt appendix</a>."));
    assert!(
        html.contains("The prices are in the <a href=\"#exempt-appendix-1\">Exempt Report</a>.")
    );
    assert!(html.contains("are in the <a href=\"#exempt-appendix-1\">exempt appendix</a>."));
    // A passage withheld from a published paper is listed too, linked to
    // its notice on the paper's page, where "the exempt appendix" links
    // back to the appendix's notice.
    assert!(html.contains("<li><a href=\"report/#exempt-passage-1\">"));
    let report = page(&out, "decisions/24-00201/report/index.html");
    assert!(report.contains("<div class=\"notice notice-withheld\" id=\"exempt-passage-1\">"));
    assert!(report.contains("are in the <a href=\"../#exempt-appendix-1\">exempt appendix</a>."));
    // Every link from the flag lands on an id of the page.
    assert_eq!(html.matches("id=\"exempt-appendix-1\"").count(), 1);
    // A decision with nothing withheld has no flag.
    let html = page(&out, "decisions/24-00203/index.html");
    assert!(!html.contains("Part exempt"));
    assert!(!html.contains("notice-part-exempt"));
    no_markers(&out);
}

#[test]
fn two_paragraphs_on_one_paper_are_each_said_in_plain_words() {
    let site = fixture("records");
    let out = built(site.path());
    let html = page(&out, "decisions/24-00201/index.html");
    assert!(html.contains("It contains information about the financial or business affairs of a particular person or organisation, which can include the council (paragraph 3) and legal advice that is kept confidential between a lawyer and the council (legal professional privilege) (paragraph 5)."), "{html}");
    assert!(html.contains("it is exempt under paragraphs 3 and 5 of Part 1 of Schedule 12A"));
    let plan = page(&out, "forward-plan/index.html");
    assert!(plan.contains("(paragraphs 3 and 5 of Part 1 of"));
    let documents = page(&out, "data/documents.csv");
    assert!(documents.contains(",3;5,"), "{documents}");
    let report = std::fs::read_to_string(site.path().join("reports/withholding-report.txt"))
        .or_else(|_| std::fs::read_to_string(site.path().join("reports/withholding.txt")))
        .unwrap_or_default();
    if !report.is_empty() {
        assert!(report.contains("paragraphs 3 and 5"), "{report}");
    }
    // A paragraph listed twice, or out of range, is refused at its place.
    let appendix = site.path().join("content/decisions/24-00201/appendix-1.md");
    replace(&appendix, "paragraph = [3, 5]", "paragraph = [3, 3]");
    let printed = refused(site.path());
    assert!(printed.contains("content/decisions/24-00201/appendix-1.md:6:24: error: `paragraph` lists no paragraph, or one twice"), "{printed}");
    replace(&appendix, "paragraph = [3, 3]", "paragraph = [3, 9]");
    let printed = refused(site.path());
    assert!(printed.contains("content/decisions/24-00201/appendix-1.md:6:24: error: `paragraph` must be a paragraph of Part 1 of Schedule 12A, 1 to 7"), "{printed}");
}

#[test]
fn lead_officer_department_and_history_are_on_the_page_and_in_the_data() {
    let site = fixture("records");
    let out = built(site.path());
    let html = page(&out, "decisions/24-00201/index.html");
    assert!(
        html.contains("<dt>Council department</dt><dd>Children, Young People and Education</dd>")
    );
    assert!(html.contains("Craig Chapman, Head of Fair Access. Email <a href=\"mailto:craig.chapman@records.example.org\">craig.chapman@records.example.org</a>, phone <a href=\"tel:03000415934\">03000 415934</a>"));
    assert!(html.contains(
        "This record was first published on <time datetime=\"2024-07-01\">1 July 2024</time>."
    ));
    assert!(html.contains("<li><time datetime=\"2024-07-05\">5 July 2024</time>: Added the lead officer&#39;s phone number</li>")
        || html.contains("<li><time datetime=\"2024-07-05\">5 July 2024</time>: Added the lead officer's phone number</li>"));
    let plan = page(&out, "forward-plan/index.html");
    assert!(plan.contains(
        "Craig Chapman, Head of Fair Access: <a href=\"mailto:craig.chapman@records.example.org\">"
    ));
    let csv = page(&out, "data/decisions.csv");
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with(",department,lead_officer_name,lead_officer_role,lead_officer_email,lead_officer_phone,record_published,amended,url"), "{header}");
    assert!(csv.contains("\"Children, Young People and Education\",Craig Chapman,Head of Fair Access,craig.chapman@records.example.org,03000 415934,2024-07-01,\"2024-07-05: Added the lead officer's phone number\n2024-07-08: Corrected the expected month to September 2024\","));
    let json: serde_json::Value =
        serde_json::from_slice(&out["decisions/24-00201/decision.json"]).unwrap();
    assert_eq!(json["lead_officer"]["phone"], "03000 415934");
    assert_eq!(json["department"], "Children, Young People and Education");
    assert_eq!(json["record_published"], "2024-07-01");
    assert_eq!(json["amended"][1]["on"], "2024-07-08");
}

#[test]
fn a_history_out_of_order_or_an_officer_without_a_contact_is_refused() {
    let site = fixture("records");
    replace(
        &site.path().join(RECORD),
        "{ on = 2024-07-05,",
        "{ on = 2024-06-05,",
    );
    let printed = refused(site.path());
    assert!(printed.contains(&format!("{RECORD}:23:3: error: an entry of `amended` is dated 5 June 2024, but the record was published on 1 July 2024")), "{printed}");
    replace(
        &site.path().join(RECORD),
        "{ on = 2024-06-05,",
        "{ on = 2024-07-05,",
    );
    replace(
        &site.path().join(RECORD),
        ", email = \"craig.chapman@records.example.org\", phone = \"03000 415934\"",
        "",
    );
    let printed = refused(site.path());
    assert!(printed.contains(&format!("{RECORD}:20:16: error: `lead_officer` says who leads on the decision but not how to reach them")), "{printed}");
}

#[test]
fn exempt_text_copied_into_the_new_fields_stops_the_build() {
    // Every new line of text the page prints is a route for a leak: an
    // exempt sentence copied into one is caught, and nothing is published.
    for (from, to) in [
        (
            "what = \"Added the lead officer's phone number\"",
            "what = \"Zqxrecordsbody offered the lowest price for the routes\"",
        ),
        (
            "department = \"Children, Young People and Education\"",
            "department = \"Zqxrecordsbody offered the lowest price for the routes\"",
        ),
    ] {
        let site = fixture("records");
        replace(&site.path().join(RECORD), from, to);
        let outcome = build(site.path());
        assert!(outcome.has_errors(), "{to} was published");
        no_markers(&files(&site.path().join("public")));
    }
    let site = fixture("records");
    replace(
        &site.path().join("site.toml"),
        "\"For Determination\" = \"proposed\"",
        "\"Zqxrecordsbody offered the lowest price for the routes\" = \"proposed\"",
    );
    replace(
        &site.path().join(RECORD),
        "status_label = \"For Determination\"",
        "status_label = \"Zqxrecordsbody offered the lowest price for the routes\"",
    );
    let outcome = build(site.path());
    assert!(
        outcome.has_errors(),
        "a label from an exempt paper was published"
    );
    no_markers(&files(&site.path().join("public")));
}

#[test]
fn the_build_is_deterministic() {
    let site = fixture("records");
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    assert_ok(&build_into(site.path(), &one.path().join("public")));
    assert_ok(&build_into(site.path(), &two.path().join("public")));
    assert_eq!(
        files(&one.path().join("public")),
        files(&two.path().join("public"))
    );
}
