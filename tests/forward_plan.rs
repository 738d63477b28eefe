//! The forward plan, the notices the law requires and call-in
//! (2012 Executive Arrangements Regulations, regs. 5, 9, 10 and 11).
//!
//! `tests/fixtures/forward-plan` is a small site as of 5 March 2024: a
//! proposed key decision due exactly 28 clear days after its notice, with a
//! withheld appendix and passage; one under the general exception and one
//! under special urgency; a proposed decision that is not a key decision,
//! with a withheld appendix; and taken decisions at every stage of call-in.
//! Its exempt sources carry markers (`zqxplan...`, `zqxcalled...`) that no
//! output may hold.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

const MARKERS: &[&str] = &[
    "zqxplanpassage",
    "zqxplantitle",
    "zqxplanbody",
    "zqxplanminor",
    "zqxcalledtitle",
    "zqxcalledbody",
];

fn site() -> tempfile::TempDir {
    fixture("forward-plan")
}

/// Builds `root` and returns its files, failing on any error.
fn built(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let outcome = build(root);
    assert_ok(&outcome);
    files(&root.join("public"))
}

fn page(files: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(files[path].clone()).unwrap()
}

/// A page's text as a reader reads it: inline tags dropped, other tags a
/// space, character references decoded, white space collapsed.
fn read(html: &str) -> String {
    const INLINE: &[&str] = &["a", "strong", "em", "time", "span", "abbr", "b", "i"];
    let mut text = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        let end = start + rest[start..].find('>').expect("a tag ends");
        let name = rest[start + 1..end]
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        if !INLINE.contains(&name) {
            text.push(' ');
        }
        rest = &rest[end + 1..];
    }
    text.push_str(rest);
    let text = text
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The part of a page's text from `from` up to `to`.
fn between<'a>(text: &'a str, from: &str, to: &str) -> &'a str {
    let start = text
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} not in {text}"));
    let rest = &text[start..];
    &rest[..rest.find(to).unwrap_or(rest.len())]
}

const D: &str = "content/decisions";

#[test]
fn a_key_decision_may_be_made_28_clear_days_after_its_notice_and_not_a_day_sooner() {
    // Notice on 1 March, due 30 March: the 29th day after, the first lawful one.
    let site = site();
    let out = built(site.path());
    let plan = read(&page(&out, "forward-plan/index.html"));
    let entry = between(&plan, "Decision 24/00101", "Other decisions coming up");
    assert!(
        entry.contains("First in the forward plan 1 March 2024"),
        "{entry}"
    );
    assert!(
        entry.contains(
            "Earliest date the law allows 30 March 2024 (28 clear days after the notice)"
        ),
        "{entry}"
    );
    // Due on the 28th day after the notice: refused at the line of `due`.
    let record = site.path().join(D).join("24-00101/decision.md");
    replace(&record, "due = 2024-03-30", "due = 2024-03-29");
    let outcome = build(site.path());
    let printed = printed(&outcome);
    assert!(outcome.has_errors());
    assert!(
        printed.contains("content/decisions/24-00101/decision.md:8:7: error: this key decision is due on 29 March 2024, sooner than the law allows: its notice was published on 1 March 2024, so the earliest lawful date is 30 March 2024"),
        "{printed}"
    );
    assert!(printed.contains("regulation 9"), "{printed}");
    // Once taken, the same rule at the line of `taken`.
    replace(
        &record,
        "status = \"proposed\"\ndue = 2024-03-29",
        "status = \"taken\"\ntaken = 2024-03-29",
    );
    let printed = printed_of(site.path());
    assert!(
        printed.contains("24-00101/decision.md:8:9: error: this key decision was taken on 29 March 2024, sooner than the law allows"),
        "{printed}"
    );
    replace(&record, "taken = 2024-03-29", "taken = 2024-03-30");
    assert_ok(&build(site.path()));
}

fn printed_of(root: &Path) -> String {
    let outcome = build(root);
    assert!(outcome.has_errors(), "accepted");
    printed(&outcome)
}

#[test]
fn a_key_decision_without_its_notice_date_is_refused_naming_the_rule() {
    let site = site();
    replace(
        &site.path().join(D).join("24-00101/decision.md"),
        "notice_published = 2024-03-01\n",
        "",
    );
    let printed = printed_of(site.path());
    assert!(
        printed.contains("24-00101/decision.md:9:16: error: a key decision needs `notice_published`: the day its notice first appeared in the forward plan"),
        "{printed}"
    );
    assert!(
        printed.contains("at least 28 clear days before it is made (regulation 9"),
        "{printed}"
    );
}

#[test]
fn the_urgency_routes_are_accepted_only_when_their_own_rules_hold() {
    let site = site();
    let out = built(site.path());
    let plan = read(&page(&out, "forward-plan/index.html"));
    // General exception: notice and chair on 20 March, due on 26 March.
    let general = between(&plan, "Decision 24/00102", "Decision 24/00103");
    for said in [
        "Earliest date the law allows 18 April 2024, with the usual 28 clear days' notice. This decision uses the general exception route instead",
        "under the general exception. The chair of the overview and scrutiny committee was told in writing on 20 March 2024",
        "Why it could not wait: A survey found cracks that will get worse in the spring rain.",
    ] {
        assert!(general.contains(said), "{said:?} not in {general}");
    }
    let special = between(&plan, "Decision 24/00103", "Decision 24/00101");
    for said in [
        "under the special urgency rule. The chair of the overview and scrutiny committee agreed on 25 March 2024 that it is urgent and cannot reasonably wait.",
        "Why it could not wait: Families need somewhere to live this week.",
    ] {
        assert!(special.contains(said), "{said:?} not in {special}");
    }
    // The decision's own page says the same.
    let own = read(&page(&out, "decisions/24-00102/index.html"));
    assert!(own.contains("under the general exception"), "{own}");

    // The general exception one day short: 4 clear days after the chair.
    let general = site.path().join(D).join("24-00102/decision.md");
    replace(&general, "due = 2024-03-26", "due = 2024-03-25");
    let printed = printed_of(site.path());
    assert!(
        printed.contains("24-00102/decision.md:8:7: error: this key decision is due on 25 March 2024 under the general exception, which asks for 5 clear days after both the notice and the letter to the scrutiny chair: the earliest lawful date is 26 March 2024"),
        "{printed}"
    );
    // The chair told later than the notice: the 5 days run from the chair.
    replace(&general, "due = 2024-03-25", "due = 2024-03-26");
    replace(
        &general,
        "scrutiny_chair = 2024-03-20",
        "scrutiny_chair = 2024-03-21",
    );
    let printed = printed_of(site.path());
    assert!(
        printed.contains("the earliest lawful date is 27 March 2024"),
        "{printed}"
    );
    replace(
        &general,
        "scrutiny_chair = 2024-03-21",
        "scrutiny_chair = 2024-03-20",
    );

    // Special urgency: the chair's agreement after the decision date.
    let special = site.path().join(D).join("24-00103/decision.md");
    replace(
        &special,
        "scrutiny_chair = 2024-03-25",
        "scrutiny_chair = 2024-03-27",
    );
    let printed = printed_of(site.path());
    assert!(
        printed.contains("24-00103/decision.md:18:11: error: the scrutiny chair was told or agreed on 27 March 2024 (`scrutiny_chair`), after the decision date, 26 March 2024"),
        "{printed}"
    );
    // A route the law does not have.
    replace(
        &special,
        "scrutiny_chair = 2024-03-27",
        "scrutiny_chair = 2024-03-25",
    );
    replace(&special, "\"special-urgency\"", "\"urgent\"");
    let printed = printed_of(site.path());
    assert!(
        printed.contains("18:21: error: `urgent` is not a value this key takes\n  help: use one of: `general-exception`, `special-urgency`"),
        "{printed}"
    );
}

#[test]
fn a_forthcoming_decision_to_be_made_in_private_says_what_why_and_by_when_to_object() {
    let site = site();
    let out = built(site.path());
    for path in ["forward-plan/index.html", "decisions/24-00101/index.html"] {
        let text = read(&page(&out, path));
        let notice = between(
            &text,
            "Part of this decision will be made in private",
            "at least 5 clear days before the decision",
        );
        for said in [
            // Which parts, by their public titles, and the paragraph in plain words.
            "Part of the record of this decision, because it contains information about the financial or business affairs of a particular person or organisation",
            "Appendix 1: Valuation of the depot, because it contains information about the financial or business affairs",
            "(paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972)",
            // How to make representations, and by when: due 30 March, the
            // second notice by 24 March (5 clear days before), so by 23 March.
            "If you think this should be decided in public, tell Democratic Services why: email democratic.services@example.org, phone 01632 960000, or write to Fixture Hall, Exampletown. Please do this by 23 March 2024.",
            "The council will publish its answer by 24 March 2024",
        ] {
            assert!(notice.contains(said), "{path}: {said:?} not in {notice}");
        }
    }
    // A proposed decision that is not a key decision has its notice too.
    let plan = read(&page(&out, "forward-plan/index.html"));
    let minor = between(&plan, "Decision 24/00104", "See also");
    assert!(
        minor.contains("Appendix 1: Letters from residents, because it contains information about a particular person (paragraph 1"),
        "{minor}"
    );
    assert!(minor.contains("Please do this by 3 April 2024."), "{minor}");
    // A decision already taken is not to be decided: no notice.
    let taken = read(&page(&out, "decisions/24-00106/index.html"));
    assert!(!taken.contains("will be made in private"), "{taken}");

    // Once that day has passed, the page says so in the past tense.
    replace(
        &site.path().join("site.toml"),
        "as_of = 2024-03-05",
        "as_of = 2024-03-24",
    );
    let text = read(&page(&built(site.path()), "decisions/24-00101/index.html"));
    assert!(
        text.contains("The time to do this ended on 23 March 2024."),
        "{text}"
    );
    assert!(!text.contains("Please do this by"), "{text}");
    replace(
        &site.path().join("site.toml"),
        "as_of = 2024-03-24",
        "as_of = 2024-03-05",
    );

    // The council's own practice: the second notice 10 clear days before.
    append(
        &site.path().join("site.toml"),
        "\n[forward_plan]\nrepresentations_close_clear_days = 10\n",
    );
    let out = built(site.path());
    let text = read(&page(&out, "decisions/24-00101/index.html"));
    assert!(text.contains("Please do this by 18 March 2024."), "{text}");
    assert!(
        text.contains(
            "publish its answer by 19 March 2024, at least 10 clear days before the decision"
        ),
        "{text}"
    );
    // Fewer than the law's 5 is refused.
    replace(
        &site.path().join("site.toml"),
        "representations_close_clear_days = 10",
        "representations_close_clear_days = 4",
    );
    let printed = printed_of(site.path());
    assert!(
        printed.contains(
            "site.toml:29:1: error: `representations_close_clear_days` is 4, outside 5 to 26"
        ),
        "{printed}"
    );
}

#[test]
fn the_forward_plan_lists_proposed_decisions_soonest_first_with_what_the_law_asks() {
    let site = site();
    let out = built(site.path());
    let html = page(&out, "forward-plan/index.html");
    let plan = read(&html);
    // Key decisions soonest first (ties by number), then the others.
    let order: Vec<usize> = [
        "24/00102",
        "24/00103",
        "24/00101",
        "Other decisions",
        "24/00104",
    ]
    .iter()
    .map(|n| plan.find(n).unwrap_or_else(|| panic!("{n} not listed")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    // Only proposed decisions.
    for taken in ["24/00105", "24/00106", "24/00112"] {
        assert!(!plan.contains(taken), "{taken} is on the forward plan");
    }
    let entry = between(&plan, "Decision 24/00101", "Other decisions coming up");
    for said in [
        // The matter, the decision maker and the date.
        "Selling the old Riverside depot",
        "The council plans to sell the old Riverside depot, which it no longer uses.",
        "Expected on 30 March 2024",
        "To be decided by Cabinet Member for Communities",
        // Where to get the documents; a published one linked, a withheld one's notice.
        "Ask about it Democratic Services: democratic.services@example.org, 01632 960000",
        "Report on the Riverside depot (report)",
        "Appendix 1 (Valuation of the depot) is not published",
    ] {
        assert!(entry.contains(said), "{said:?} not in {entry}");
    }
    assert!(html.contains("href=\"../decisions/24-00101/report/\""));
    // That other documents may be submitted, and the words explained.
    assert!(plan.contains("and for other documents that are given to the decision maker"));
    for term in ["key-decision", "forward-plan", "clear-days"] {
        assert!(
            html.contains(&format!("href=\"../glossary/#{term}\"")),
            "{term} is not linked"
        );
    }
    // Feeds are offered in the head and on the page.
    assert!(html.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Forward plan: Fixture Borough Council\" href=\"../feeds/forward-plan.xml\">"));
    assert!(html.contains("<link rel=\"alternate\" type=\"text/calendar\""));
    assert!(html.contains("href=\"forward-plan.ics\""));
    // The navigation and the home page link to it while anything is proposed.
    for path in ["index.html", "decisions/index.html", "call-in/index.html"] {
        assert!(page(&out, path).contains("forward-plan/\""), "{path}");
    }
    // The register names who decides, in a column that fits every status.
    let register = page(&out, "decisions/index.html");
    assert!(
        register.contains("<td data-label=\"Who decides\">Cabinet Member for Communities</td>")
    );
}

#[test]
fn with_nothing_proposed_the_forward_plan_says_so_and_is_not_in_the_navigation() {
    let site = site();
    for n in ["24-00101", "24-00102", "24-00103", "24-00104"] {
        std::fs::remove_dir_all(site.path().join(D).join(n)).unwrap();
    }
    let out = built(site.path());
    let plan = read(&page(&out, "forward-plan/index.html"));
    assert!(
        plan.contains("No decisions are coming up at the moment."),
        "{plan}"
    );
    assert!(!page(&out, "index.html").contains("href=\"forward-plan/\""));
    let ics = page(&out, "forward-plan/forward-plan.ics");
    assert!(!ics.contains("BEGIN:VEVENT"));
    let feed = page(&out, "feeds/forward-plan.xml");
    roxmltree::Document::parse(&feed).unwrap();
    assert!(!feed.contains("<entry>"));
}

#[test]
fn the_call_in_page_lists_what_is_open_on_the_day_the_site_counts_as_now() {
    let site = site();
    let out = built(site.path());
    let text = read(&page(&out, "call-in/index.html"));
    assert!(text.contains("This page is as of 5 March 2024."), "{text}");
    assert!(text.contains("The council sets this date when it updates the site."));
    let open = between(
        &text,
        "Decisions that can be called in",
        "Decisions called in, waiting",
    );
    assert!(
        open.contains("Decision 24/00105: New opening hours for the library"),
        "{open}"
    );
    assert!(
        open.contains("Can be called in until 8 March 2024. If it is not, it can be carried out from 11 March 2024."),
        "{open}"
    );
    // Past their deadline, decided, or not subject to call-in: not open.
    for n in [
        "24/00106", "24/00107", "24/00108", "24/00109", "24/00110", "24/00111",
    ] {
        assert!(!open.contains(n), "{n} is open in {open}");
    }
    let awaiting = between(&text, "waiting for the outcome", "How call-in works");
    assert!(
        awaiting.contains("Decision 24/00106: Closing the Elm Street car park"),
        "{awaiting}"
    );
    assert!(awaiting.contains("Called in on 1 March 2024 by Scrutiny Committee."));
    for n in ["24/00105", "24/00107", "24/00108", "24/00109"] {
        assert!(!awaiting.contains(n), "{n} is awaiting in {awaiting}");
    }

    // After 24/00105's deadline nothing is open.
    replace(
        &site.path().join("site.toml"),
        "as_of = 2024-03-05",
        "as_of = 2024-03-09",
    );
    let text = read(&page(&built(site.path()), "call-in/index.html"));
    assert!(
        text.contains("No decision can be called in as of 9 March 2024."),
        "{text}"
    );

    // Without `as_of`, the latest day a record says something happened,
    // never the clock: here 24/00103's notice and its chair's agreement on
    // 25 March, after 24/00105's deadline.
    replace(&site.path().join("site.toml"), "as_of = 2024-03-09\n", "");
    let text = read(&page(&built(site.path()), "call-in/index.html"));
    assert!(text.contains("This page is as of 25 March 2024."), "{text}");
    assert!(text.contains("the latest date in the decision records"));
    assert!(text.contains("No decision can be called in as of 25 March 2024."));
    // Days a record looks forward to (due dates, deadlines) are not "now":
    // without the proposed decisions, 24/00105's taking on 1 March is the
    // latest thing that happened, and it is open.
    for n in ["24-00101", "24-00102", "24-00103", "24-00104"] {
        std::fs::remove_dir_all(site.path().join(D).join(n)).unwrap();
    }
    let text = read(&page(&built(site.path()), "call-in/index.html"));
    assert!(text.contains("This page is as of 1 March 2024."), "{text}");
    assert!(text.contains("Decision 24/00105"), "{text}");

    // SOURCE_DATE_EPOCH's day, when the binary is given one.
    let mut options = plainsight::Options::for_root(site.path());
    options.today = chrono::NaiveDate::from_ymd_opt(2024, 3, 8);
    assert_ok(&plainsight::build(&options).unwrap());
    let text =
        read(&std::fs::read_to_string(site.path().join("public/call-in/index.html")).unwrap());
    assert!(text.contains("This page is as of 8 March 2024."), "{text}");
    assert!(text.contains("This is the day the site was last updated."));
}

#[test]
fn each_decisions_sentences_agree_with_its_status_and_the_tense_of_its_dates() {
    let site = site();
    let out = built(site.path());
    let status = |n: &str| {
        let text = read(&page(&out, &format!("decisions/24-{n}/index.html")));
        between(&text, "Where it has got to This", "Documents").to_string()
    };
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "00101",
            &[
                "This decision is proposed: it has not been made yet.",
                "It was first announced in the forward plan on 1 March 2024. As a key decision, it cannot be made before 30 March 2024",
            ],
            &["has been taken", "called in", "How the decision was made"],
        ),
        (
            "00105",
            &[
                "This decision has been taken.",
                "As of 5 March 2024, it can be called in until 8 March 2024. If it is not, it can be carried out from 11 March 2024.",
                "How the decision was made",
            ],
            &["is being made", "could be called in", "was called in"],
        ),
        (
            "00106",
            &[
                "This decision has been called in: councillors have asked for it to be looked at again before it is carried out.",
                "It was called in on 1 March 2024 by Scrutiny Committee, before the deadline of 4 March 2024. It cannot be carried out until the call-in has been decided.",
            ],
            &["can be called in until", "could be called in"],
        ),
        (
            "00107",
            &[
                "It was called in on 5 February 2024 by Councillors Ann Smith and Raj Patel. On 20 February 2024, the decision was upheld: it stands as it was made, and can be carried out.",
            ],
            &["can be called in until", "have asked"],
        ),
        (
            "00108",
            &[
                "On 21 February 2024, it was referred back to the decision maker, the Cabinet Member for Communities, to think again. It cannot be carried out unless the decision maker confirms it.",
            ],
            &["can be called in until"],
        ),
        (
            "00109",
            &[
                "This decision has been taken.",
                "On 9 February 2024, the call-in was withdrawn by those who asked for it, so the decision stands and can be carried out.",
            ],
            &["can be called in until"],
        ),
        (
            "00110",
            &[
                "It could be called in until 17 February 2024. It was not called in, so it can be carried out from 20 February 2024.",
            ],
            &["can be called in until", "As of"],
        ),
        (
            "00111",
            &["It cannot be called in. It was urgent: the roads were icy."],
            &["can be called in until"],
        ),
        (
            "00112",
            &[
                "This decision has been withdrawn: it will not be made.",
                "How the decision was being made before it was withdrawn",
            ],
            &["is being made", "called in"],
        ),
    ];
    for (n, says, never) in cases {
        let text = status(n);
        for said in *says {
            assert!(text.contains(said), "24/{n}: {said:?} not in {text}");
        }
        for not in *never {
            assert!(!text.contains(not), "24/{n}: {not:?} in {text}");
        }
    }
}

/// One iCalendar component's properties, unfolded and unescaped.
type Properties = BTreeMap<String, String>;

/// Reads an iCalendar file back as RFC 5545 says: CRLF line ends, folded
/// lines of at most 75 octets unfolded, components nested in BEGIN/END,
/// TEXT unescaped. Returns the events' properties.
fn parse_ics(text: &str) -> Vec<Properties> {
    assert!(text.ends_with("\r\n"), "the last line ends with CRLF");
    let physical: Vec<&str> = text[..text.len() - 2].split("\r\n").collect();
    for line in &physical {
        assert!(line.len() <= 75, "longer than 75 octets: {line:?}");
        assert!(!line.contains(['\r', '\n']), "a bare line end: {line:?}");
    }
    let mut logical: Vec<String> = Vec::new();
    for line in physical {
        match line.strip_prefix([' ', '\t']) {
            Some(more) => logical.last_mut().expect("a first line").push_str(more),
            None => logical.push(line.to_string()),
        }
    }
    let mut stack: Vec<String> = Vec::new();
    let mut events = Vec::new();
    let mut event = Properties::new();
    for line in &logical {
        let (name, value) = line.split_once(':').unwrap_or_else(|| panic!("{line}"));
        let name = name.split(';').next().unwrap();
        match name {
            "BEGIN" => stack.push(value.to_string()),
            "END" => {
                assert_eq!(stack.pop().as_deref(), Some(value), "unbalanced {value}");
                if value == "VEVENT" {
                    events.push(std::mem::take(&mut event));
                }
            }
            _ if stack.last().map(String::as_str) == Some("VEVENT") => {
                let mut unescaped = String::new();
                let mut chars = value.chars();
                while let Some(c) = chars.next() {
                    if c == '\\' {
                        match chars.next() {
                            Some('n' | 'N') => unescaped.push('\n'),
                            Some(other) => unescaped.push(other),
                            None => panic!("a lone backslash in {line}"),
                        }
                    } else {
                        assert!(
                            c != ',' && c != ';' || name != "SUMMARY",
                            "unescaped {c} in {line}"
                        );
                        unescaped.push(c);
                    }
                }
                assert!(
                    event.insert(name.to_string(), unescaped).is_none(),
                    "{name} twice"
                );
            }
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert!(logical[0] == "BEGIN:VCALENDAR" && logical.contains(&"VERSION:2.0".to_string()));
    assert!(logical.iter().any(|l| l.starts_with("PRODID:")));
    events
}

#[test]
fn the_calendar_and_the_feed_read_back_and_say_what_the_page_says() {
    let site = site();
    let out = built(site.path());
    let events = parse_ics(&page(&out, "forward-plan/forward-plan.ics"));
    // One event a decision on its expected day, and one on the last day for
    // representations for each decision with private parts.
    let summaries: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e["DTSTART"].as_str(), e["SUMMARY"].as_str()))
        .collect();
    assert_eq!(
        summaries,
        [
            (
                "20240326",
                "Decision 24/00102 expected on 26 March 2024 (key decision): Repairing the Mill Lane bridge"
            ),
            (
                "20240326",
                "Decision 24/00103 expected on 26 March 2024 (key decision): Emergency housing for families after the flood"
            ),
            (
                "20240330",
                "Decision 24/00101 expected on 30 March 2024 (key decision): Selling the old Riverside depot"
            ),
            (
                "20240323",
                "Last day to ask for decision 24/00101 to be made in public"
            ),
            (
                "20240410",
                "Decision 24/00104 expected on 10 April 2024: Renaming the town square"
            ),
            (
                "20240403",
                "Last day to ask for decision 24/00104 to be made in public"
            ),
        ]
    );
    let mut uids = std::collections::BTreeSet::new();
    for e in &events {
        // All-day events, stamped with a date from the content.
        assert!(e.contains_key("DTEND"));
        assert!(e["DTSTAMP"].ends_with("T000000Z") && e["DTSTAMP"].starts_with("2024"));
        assert!(uids.insert(e["UID"].clone()), "a UID twice");
        assert!(e["URL"].starts_with("https://plan.example.org/decisions/24-001"));
    }
    let depot = &events[2];
    for said in [
        "Expected on 30 March 2024. To be decided by the Cabinet Member for Communities.",
        "Key decision: the earliest date the law allows is 30 March 2024",
        "Appendix 1: Valuation of the depot, because it contains information about the financial or business affairs",
        "To ask for it to be made in public, tell Democratic Services why, by 23 March 2024: democratic.services@example.org, 01632 960000.",
    ] {
        assert!(
            depot["DESCRIPTION"].contains(said),
            "{said:?} not in {}",
            depot["DESCRIPTION"]
        );
    }
    assert!(events[0]["DESCRIPTION"].contains("under the general exception"));
    // UIDs are named from the site's address and the number: the same in
    // every build, another on another site.
    let model = {
        let mut d = plainsight::diagnostics::Diagnostics::default();
        plainsight::public_model(site.path(), &mut d)
            .unwrap()
            .unwrap()
    };
    let uid = plainsight::opendata::stable_uuid(&model, "forward-plan/24/00101/expected");
    assert_eq!(depot["UID"], uid);

    // The Atom feed: one entry a decision, in the same order, parsed strictly.
    let feed = page(&out, "feeds/forward-plan.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let root = doc.root_element();
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    let child = |n: roxmltree::Node<'_, '_>, name: &str| -> String {
        n.children()
            .find(|c| c.has_tag_name(name))
            .and_then(|c| c.text())
            .unwrap_or_else(|| panic!("no {name}"))
            .to_string()
    };
    assert_eq!(
        child(root, "title"),
        "Forward plan: Fixture Borough Council"
    );
    assert_eq!(child(root, "updated"), "2024-04-10T00:00:00Z");
    let entries: Vec<roxmltree::Node> = root
        .children()
        .filter(|c| c.has_tag_name("entry"))
        .collect();
    let ids: Vec<String> = entries.iter().map(|e| child(*e, "id")).collect();
    assert_eq!(
        ids,
        ["24-00102", "24-00103", "24-00101", "24-00104"]
            .map(|s| format!("https://plan.example.org/forward-plan/#decision-{s}"))
    );
    let depot = child(entries[2], "summary");
    assert!(
        depot.contains("tell Democratic Services why, by 23 March 2024"),
        "{depot}"
    );
    assert_eq!(child(entries[2], "updated"), "2024-03-30T00:00:00Z");
    assert!(child(entries[0], "title").starts_with("Decision 24/00102, expected on 26 March 2024"));
    // Both are on the open data page.
    let data = page(&out, "data/index.html");
    assert!(data.contains("href=\"../feeds/forward-plan.xml\""));
    assert!(data.contains("href=\"../forward-plan/forward-plan.ics\""));
}

#[test]
fn two_builds_of_the_same_content_are_byte_identical() {
    let site = site();
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    let a = build_into(site.path(), &first.path().join("public"));
    let b = build_into(site.path(), &second.path().join("public"));
    assert_ok(&a);
    assert_ok(&b);
    let a = files(&first.path().join("public"));
    let b = files(&second.path().join("public"));
    assert!(a.contains_key("forward-plan/forward-plan.ics"));
    assert!(a == b, "two builds differ");
}

#[test]
fn exempt_papers_titles_and_passages_reach_no_plan_feed_calendar_or_call_in_page() {
    let site = site();
    let out = built(site.path());
    for path in [
        "forward-plan/index.html",
        "forward-plan/forward-plan.ics",
        "feeds/forward-plan.xml",
        "call-in/index.html",
    ] {
        assert!(out.contains_key(path), "{path} was not written");
    }
    // Nothing anywhere in the output: the four files above among them.
    for marker in MARKERS {
        let found = files_containing(&out, marker);
        assert!(found.is_empty(), "{marker} leaked into {found:?}");
    }
    let reports = files(&site.path().join("reports"));
    for marker in MARKERS {
        assert!(
            files_containing(&reports, marker).is_empty(),
            "{marker} in the report"
        );
    }
    // What was withheld is still said, by its public title.
    let plan = page(&out, "forward-plan/index.html");
    assert!(plan.contains("Valuation of the depot"));
    assert!(plan.contains("Letters from residents"));
}

/// A forthcoming decision's public report with a withheld attachment: the
/// forward plan says, under the report, what is withheld and on which
/// paragraph in plain words (the decision page's notice), and lists it with
/// the private parts; the page, its calendar and its feed say which part is
/// private and why, and none of them holds the attachment's contents.
#[test]
fn a_withheld_attachment_of_a_forthcoming_decision_is_named_with_its_paragraph_and_never_shown() {
    let site = site();
    let folder = site.path().join("content/decisions/24-00101");
    replace(
        &folder.join("report.md"),
        "summary = \"Why the council wants to sell the depot.\"\n",
        "summary = \"Why the council wants to sell the depot.\"\nattachments = [\n  { file = \"bids.csv\", public_title = \"Bids received for the depot\", exempt = { paragraph = [3, 5], reason = \"It holds what each bidder offered.\" } },\n]\n",
    );
    std::fs::write(
        folder.join("bids.csv"),
        "bidder,offer\nZqxplanattachbidder Estates,Zqxplanattachoffer\n",
    )
    .unwrap();
    let out = built(site.path());
    let plan = read(&page(&out, "forward-plan/index.html"));
    let entry = between(&plan, "Decision 24/00101", "Decision 24/00102");
    let documents = between(
        entry,
        "Documents",
        "Part of this decision will be made in private",
    );
    // Under the report, the attachment's notice as the decision page has it.
    for said in [
        "Report on the Riverside depot (report)",
        "Bids received for the depot are not published",
        "It holds what each bidder offered.",
        "it is exempt under paragraphs 3 and 5 of Part 1 of Schedule 12A to the Local Government Act 1972",
    ] {
        assert!(documents.contains(said), "{said:?} not in {documents}");
    }
    let decision_page = read(&page(&out, "decisions/24-00101/index.html"));
    assert!(decision_page.contains("Bids received for the depot are not published"));
    // With the private parts, in plain words.
    let private = between(
        entry,
        "Part of this decision will be made in private",
        "The council will publish its answer",
    );
    assert!(
        private.contains("Bids received for the depot, attached to Report on the Riverside depot, because it contains information about the financial or business affairs of a particular person or organisation, which can include the council (paragraph 3) and legal advice"),
        "{private}"
    );
    assert!(
        private.contains("(paragraphs 3 and 5 of Part 1 of Schedule 12A"),
        "{private}"
    );
    // The calendar and the feed say the same.
    for path in ["forward-plan/forward-plan.ics", "feeds/forward-plan.xml"] {
        let text = page(&out, path).replace("\r\n ", "").replace("\\,", ",");
        assert!(
            text.contains("Bids received for the depot, attached to Report on the Riverside depot, because it contains information about"),
            "{path}: {text}"
        );
        assert!(
            text.contains("paragraphs 3 and 5 of Part 1 of Schedule 12A"),
            "{path}"
        );
    }
    // Nothing of the attachment, nor of the fixture's other exempt sources.
    for marker in ["zqxplanattachbidder", "zqxplanattachoffer"]
        .iter()
        .chain(MARKERS)
    {
        let found = files_containing(&out, marker);
        assert!(found.is_empty(), "{marker} leaked into {found:?}");
    }
}
