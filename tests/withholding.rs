//! Nothing exempt reaches any output (DESIGN.md, "Withholding").
//!
//! A unique marker is planted in every kind of exempt source; the site must
//! still build, and no marker may appear in any byte written, in the
//! withholding report, or in any message.

mod common;

use std::path::Path;

use common::*;

const D: &str = "content/decisions/24-00001";

/// Plants markers in every exempt source of the minimal fixture and returns them.
fn plant_markers(site: &Path) -> Vec<&'static str> {
    // The body of an exempt document.
    append(
        &site.join(D).join("appendix-1.md"),
        "\nThe marker zqxbodyalpha sits in the exempt body.\n",
    );
    // An exempt document's own title, which must never be used.
    replace(
        &site.join(D).join("appendix-1.md"),
        "public_title =",
        "title = \"Zqxtitlebravo bid\"\npublic_title =",
    );
    // An exempt attachment of a public document.
    append(
        &site.join(D).join("scores.csv"),
        "Zqxattachcharlie Ltd,91\n",
    );
    // An exempt passage inside a public document.
    append(
        &site.join(D).join("report.md"),
        "\n::: exempt paragraph=1 reason=\"It names a person.\"\nMrs Zqxinlinedelta asked for visits on Tuesdays.\n:::\n\nAfter the passage.\n",
    );
    // A whole exempt report with its own attachment.
    std::fs::write(
        site.join(D).join("legal-advice.md"),
        "+++\nkind = \"report\"\nlabel = \"Appendix 3\"\npublic_title = \"Legal advice\"\n\
         exempt = { paragraph = 5, reason = \"It is legal advice to the council.\" }\n\
         attachments = [{ file = \"advice.txt\", public_title = \"Counsel's opinion\", exempt = { paragraph = 5, reason = \"Legal advice.\" } }]\n+++\nCounsel zqxadviceecho advised caution.\n",
    )
    .unwrap();
    std::fs::write(
        site.join(D).join("advice.txt"),
        "Zqxfilefoxtrot opinion in full.\n",
    )
    .unwrap();
    // An exempt passage inside a plain page (pages are searched).
    append(
        &site.join("content/pages/about.md"),
        "\n::: exempt paragraph=1 reason=\"It names a person.\"\nMr Zqxpagegolf asked about his care.\n:::\n",
    );
    // Exempt cells in a data column.
    replace(&site.join("data/providers.csv"), "31.79", "7431.2917");
    replace(&site.join("data/providers.csv"), "29.83", "8802.4406");
    vec![
        "zqxbodyalpha",
        "zqxtitlebravo",
        "zqxattachcharlie",
        "zqxinlinedelta",
        "zqxadviceecho",
        "zqxfilefoxtrot",
        "zqxpagegolf",
        "7431.2917",
        "8802.4406",
    ]
}

/// Asserts that the search index was written, and that opened as the
/// defences open it, its files hold the site's public words: a marker that
/// reached it would be seen by [`assert_no_marker`].
#[track_caller]
fn assert_search_index_opened(output: &std::collections::BTreeMap<String, Vec<u8>>) {
    let search = inflated(&search_files(output));
    for ext in [".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta"] {
        assert!(
            search.keys().any(|p| p.ends_with(ext)),
            "no {ext} in the search index: {:?}",
            search.keys()
        );
    }
    let fragments: std::collections::BTreeMap<String, Vec<u8>> = search
        .into_iter()
        .filter(|(p, _)| p.ends_with(".pf_fragment"))
        .collect();
    assert!(!files_containing(&fragments, "library outreach").is_empty());
}

/// Asserts that no marker is in any file written (compressed files opened),
/// in the withholding report or in any message.
#[track_caller]
fn assert_no_marker(
    markers: &[&str],
    output: &std::collections::BTreeMap<String, Vec<u8>>,
    reports: &std::collections::BTreeMap<String, Vec<u8>>,
    outcome: &plainsight::Outcome,
) {
    let opened = inflated(output);
    for marker in markers {
        assert!(
            files_containing(output, marker).is_empty(),
            "{marker} leaked into {:?}",
            files_containing(output, marker)
        );
        assert!(
            files_containing(&opened, marker).is_empty(),
            "{marker} leaked into a compressed file: {:?}",
            files_containing(&opened, marker)
        );
        assert!(
            files_containing(reports, marker).is_empty(),
            "{marker} is in the withholding report"
        );
        assert!(
            !printed(outcome).to_lowercase().contains(marker),
            "{marker} is in a message"
        );
    }
}

#[test]
fn planted_markers_reach_no_output_byte() {
    let site = fixture("minimal");
    let markers = plant_markers(site.path());
    let outcome = build(site.path());
    assert_ok(&outcome);
    let output = files(&site.path().join("public"));
    let reports = files(&site.path().join("reports"));
    assert!(output.len() > 20, "the site was built");
    // Every output file is searched, the register's pages and those of its
    // filters with the rest.
    for page in [
        "decisions/index.html",
        "decisions/year/index.html",
        "decisions/year/2024/index.html",
        "decisions/division/index.html",
        "decisions/division/all/index.html",
        "decisions/maker/cabinet-member-for-communities/index.html",
        "decisions/status/taken/index.html",
        "decisions/key/index.html",
    ] {
        assert!(output.contains_key(page), "{page} was not written");
    }
    assert_search_index_opened(&output);
    assert_no_marker(&markers, &output, &reports, &outcome);
    // What was withheld is still visible as such.
    let report = text(
        &site.path().join("public"),
        "decisions/24-00001/report/index.html",
    );
    assert!(report.contains("Part of this document is not published"));
    assert!(report.contains("paragraph 1 of Part 1 of Schedule 12A"));
    assert!(report.contains("After the passage."));
    let decision = text(&site.path().join("public"), "decisions/24-00001/index.html");
    assert!(decision.contains("Appendix 3 (Legal advice) is not published"));
    assert!(decision.contains("legal advice that is kept confidential"));
    assert!(
        !site
            .path()
            .join("public/decisions/24-00001/legal-advice")
            .exists()
    );
    // Every withheld item is in the officer's report, with its paragraph.
    let json: serde_json::Value = serde_json::from_slice(&reports["withholding.json"]).unwrap();
    let items: Vec<(String, String, u64)> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["what"].as_str().unwrap().into(),
                i["source"].as_str().unwrap().into(),
                i["paragraph"].as_u64().unwrap(),
            )
        })
        .collect();
    for expected in [
        ("document", "content/decisions/24-00001/appendix-1.md", 3),
        ("document", "content/decisions/24-00001/legal-advice.md", 5),
        ("attachment", "content/decisions/24-00001/advice.txt", 5),
        ("attachment", "content/decisions/24-00001/scores.csv", 3),
        ("passage", "content/decisions/24-00001/report.md", 1),
        ("column", "data/providers.csv", 3),
    ] {
        let expected = (expected.0.to_string(), expected.1.to_string(), expected.2);
        assert!(
            items.contains(&expected),
            "{expected:?} missing from {items:?}"
        );
    }
}

/// A site too large to keep its folders for pass 2 has each read again
/// there: what it publishes, withholds and says is the same, and leaks
/// nothing either.
#[test]
fn planted_markers_reach_no_output_byte_when_every_folder_is_read_again() {
    let site = fixture("minimal");
    let markers = plant_markers(site.path());
    let out = tempfile::tempdir().unwrap();
    let build_with = |name: &str, keep_bytes: usize| {
        let mut options = plainsight::Options::for_root(site.path());
        options.output = out.path().join(name);
        options.report_dir = out.path().join(format!("{name}-reports"));
        options.cache_dir = None;
        options.keep_bytes = keep_bytes;
        let outcome = plainsight::build(&options).expect("no internal error");
        assert_ok(&outcome);
        let written = files(&options.output);
        let reports = files(&options.report_dir);
        (outcome, written, reports)
    };
    let (again, output, reports) = build_with("read-again", 0);
    let (kept, kept_output, kept_reports) = build_with("kept", plainsight::KEEP_READ_BYTES);
    assert!(output.len() > 20, "the site was built");
    assert_search_index_opened(&output);
    assert_no_marker(&markers, &output, &reports, &again);
    assert!(output == kept_output, "the two sites differ");
    assert!(reports == kept_reports, "the two reports differ");
    assert_eq!(again.diagnostics, kept.diagnostics);
}

#[test]
fn example_site_markers_reach_no_output_byte() {
    let site = example();
    let appendix = site.path().join("content/decisions/22-00073/appendix-1.md");
    append(&appendix, "\nZqxexamplegolf marker in the award report.\n");
    let providers = site.path().join("data/providers.csv");
    let csv = std::fs::read_to_string(&providers).unwrap();
    // Replace the exempt columns (the last two) of the first provider with markers.
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(
        &header[header.len() - 2..],
        ["day_rate", "evaluation_score"]
    );
    let mut first: Vec<String> = lines[1].rsplitn(3, ',').map(str::to_string).collect();
    first[0] = "90417".into();
    first[1] = "6161.7373".into();
    first.reverse();
    lines[1] = first.join(",");
    std::fs::write(&providers, lines.join("\n") + "\n").unwrap();

    assert_ok(&build(site.path()));
    let output = files(&site.path().join("public"));
    // The search index's files opened, as the defences open them.
    let opened = inflated(&output);
    assert!(
        !search_files(&opened).is_empty(),
        "the site has a search index"
    );
    for marker in ["zqxexamplegolf", "90417", "6161.7373"] {
        assert!(
            files_containing(&opened, marker).is_empty(),
            "{marker} leaked into {:?}",
            files_containing(&opened, marker)
        );
    }
    // The real exempt day rates do not appear either.
    for row in csv.lines().skip(1) {
        let rate = row.rsplit(',').nth(1).unwrap();
        assert!(
            files_containing(&output, &format!(",{rate}")).is_empty(),
            "day rate {rate} leaked"
        );
        assert!(
            files_containing(&search_files(&opened), rate).is_empty(),
            "day rate {rate} is in the search index"
        );
    }
}

/// A passage is cut whatever ends its lines: CRLF, CR alone (as old Mac
/// files have), or a Unicode line or paragraph separator or next-line
/// character. Markdown sees no line inside a CR-only "line" of LF-split
/// text, so the fence must be found after any of them.
#[test]
fn passages_are_cut_whatever_ends_their_lines() {
    for ending in ["\r\n", "\r", "\u{2028}", "\u{2029}", "\u{85}"] {
        let site = fixture("minimal");
        let body = [
            "Public words before.",
            "::: exempt paragraph=1 reason=\"It names a person.\"",
            "Mrs Zqxendingsgolf asked for visits on Tuesdays.",
            ":::",
            "",
            "After the passage.",
            "",
        ]
        .join(ending);
        append(&site.path().join(D).join("report.md"), &format!("\n{body}"));
        let outcome = build(site.path());
        assert_ok(&outcome);
        let output = files(&site.path().join("public"));
        let reports = files(&site.path().join("reports"));
        assert_no_marker(&["zqxendingsgolf"], &output, &reports, &outcome);
        let report = text(
            &site.path().join("public"),
            "decisions/24-00001/report/index.html",
        );
        assert!(
            report.contains("Part of this document is not published"),
            "{ending:?}"
        );
        assert!(report.contains("After the passage."), "{ending:?}");
    }
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_refused() {
    for target in ["outside", "exempt"] {
        let site = fixture("minimal");
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "Zqxsymlinkhotel\n").unwrap();
        let link = site.path().join(D).join("linked.txt");
        let pointee = match target {
            "outside" => outside.path().join("secret.txt"),
            _ => site.path().join(D).join("appendix-1.md"),
        };
        std::os::unix::fs::symlink(&pointee, &link).unwrap();
        let outcome = build(site.path());
        assert!(outcome.has_errors());
        assert!(
            printed(&outcome)
                .contains("linked.txt: error: symbolic links are not allowed in content/"),
            "{}",
            printed(&outcome)
        );
        assert!(!site.path().join("public").exists());
    }
}

#[test]
fn a_failed_build_keeps_the_last_good_site() {
    let site = fixture("minimal");
    assert_ok(&build(site.path()));
    let before = files(&site.path().join("public"));
    // A plainly broken edit, then a leak the scan must catch.
    std::fs::write(
        site.path().join("content/pages/about.md"),
        "no front matter\n",
    )
    .unwrap();
    assert!(build(site.path()).has_errors());
    assert!(files(&site.path().join("public")) == before);
}

#[test]
fn output_folder_not_written_by_plainsight_is_never_replaced() {
    let site = fixture("minimal");
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("thesis.docx"), "precious").unwrap();
    let mut options = plainsight::Options::for_root(site.path());
    options.output = elsewhere.path().to_path_buf();
    assert!(plainsight::build(&options).is_err());
    assert_eq!(
        std::fs::read_to_string(elsewhere.path().join("thesis.docx")).unwrap(),
        "precious"
    );
}

/// The open-data outputs (downloads, Open Referral UK, OCDS, feeds, calendar,
/// sitemap, JSON-LD) exist under planted markers and carry none of them.
#[test]
fn planted_markers_reach_no_open_data_file() {
    let site = fixture("minimal");
    let markers = plant_markers(site.path());
    append(
        &site.path().join("site.toml"),
        "\n[procurement]\nocid_prefix = \"ocds-000000\"\nid = \"DPS-1\"\ndecision = \"24/00001\"\n\
         title = \"Library support\"\ndescription = \"A test procurement.\"\npublished = 2024-05-01\n\
         tender_period = { start = 2024-04-01, end = 2024-04-20 }\n",
    );
    let outcome = build(site.path());
    assert_ok(&outcome);
    let output = files(&site.path().join("public"));
    let open_data: std::collections::BTreeMap<String, Vec<u8>> = output
        .into_iter()
        .filter(|(path, _)| {
            path.starts_with("data/")
                || path.starts_with("feeds/")
                || path == "sitemap.xml"
                || path == "robots.txt"
                || path.starts_with("decisions/")
                    && (path.ends_with("index.html") || path.ends_with("decision.json"))
                || path == "providers/index.html"
        })
        .collect();
    for expected in [
        "data/decisions.csv",
        "data/decisions.json",
        "data/documents.csv",
        "data/providers.csv",
        "data/providers.json",
        "data/datapackage.json",
        "data/openreferral-uk/services.json",
        "data/openreferral-uk/organizations.json",
        "data/ocds.json",
        "decisions/24-00001/decision.json",
        "feeds/decisions.xml",
        "feeds/upcoming-decisions.ics",
        "sitemap.xml",
        "robots.txt",
    ] {
        assert!(
            open_data.contains_key(expected),
            "{expected} was not written"
        );
    }
    for marker in &markers {
        assert!(
            files_containing(&open_data, marker).is_empty(),
            "{marker} leaked into {:?}",
            files_containing(&open_data, marker)
        );
    }
    // The exempt report has no address anywhere, and the OCDS file names its paragraph.
    let sitemap = String::from_utf8(open_data["sitemap.xml"].clone()).unwrap();
    assert!(!sitemap.contains("legal-advice") && !sitemap.contains("appendix-1"));
    let ocds = String::from_utf8(open_data["data/ocds.json"].clone()).unwrap();
    assert!(ocds.contains("withheld under paragraph 5 of Part 1 of Schedule 12A"));
    assert!(
        ocds.contains("Hourly rate: withheld under paragraph 3"),
        "{ocds}"
    );
}

#[test]
fn a_folder_that_changes_between_the_passes_is_refused() {
    use plainsight::diagnostics::Diagnostics;
    use plainsight::folder;
    let site = fixture("minimal");
    let root = site.path();
    let mut diags = Diagnostics::default();
    let source = plainsight::source::read(root, &mut diags).unwrap();
    let assembled = plainsight::site::assemble(source, &mut diags).expect("the fixture assembles");
    let f = &assembled.folders[0];
    let read = || folder::read_all(root, &[f]).pop().unwrap().unwrap();
    let digest = read().1;
    let prints = plainsight::scan::FingerprintsBuilder::default().finish().0;

    let mut unchanged = Diagnostics::default();
    let complete = folder::second_pass(read(), &digest, &prints, &mut unchanged);
    assert!(complete.is_some_and(|d| d.is_complete()));
    assert!(!unchanged.has_errors());

    // An edit saved while the build runs (any file of the folder).
    append(
        &root.join(&f.documents[0].path),
        "\nA sentence saved during the build.\n",
    );
    let mut changed = Diagnostics::default();
    assert!(folder::second_pass(read(), &digest, &prints, &mut changed).is_none());
    let errors = changed.into_sorted();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .message
            .contains("changed while the site was being built")
    );
}

/// A fixture site's decision folders, and what pass 1 works under: the
/// rest of the site separated, and its glossary.
fn before_pass_one(
    root: &Path,
) -> (
    Vec<plainsight::site::Folder>,
    plainsight::visibility::Separated,
    Option<plainsight::markdown::Glossary>,
) {
    let mut diags = plainsight::diagnostics::Diagnostics::default();
    let source = plainsight::source::read(root, &mut diags).unwrap();
    let mut assembled =
        plainsight::site::assemble(source, &mut diags).expect("the fixture assembles");
    let folders = std::mem::take(&mut assembled.folders);
    let separated = plainsight::visibility::separate(assembled, &mut diags);
    let glossary = plainsight::markdown::Glossary::from_site(&separated.public);
    (folders, separated, glossary)
}

/// Pass 2 makes the same public decision from the folder as pass 1 parsed
/// it (a site small enough to keep) as from the folder read again (a large
/// site): exempt text is withheld alike either way.
#[test]
fn pass_two_withholds_alike_from_a_kept_folder_and_one_read_again() {
    use plainsight::diagnostics::Diagnostics;
    use plainsight::folder;
    let site = fixture("minimal");
    let root = site.path();
    let (folders, separated, glossary) = before_pass_one(root);
    let prints = plainsight::scan::FingerprintsBuilder::default().finish().0;
    let mut withheld_somewhere = false;
    for f in &folders {
        let read = || folder::read_all(root, &[f]).pop().unwrap().unwrap();
        let (pass, kept) = folder::first_pass(
            &separated.public.config().language,
            glossary.as_ref(),
            read(),
            false,
            true,
        );
        let kept = kept.expect("a usable folder is kept when asked");
        withheld_somewhere |= !pass.decision.unwrap().report.items.is_empty();
        let (mut from_kept, mut read_again) = (Diagnostics::default(), Diagnostics::default());
        if f.name == "24-00001" {
            // The folder kept still holds it: pass 2 must withhold it.
            assert!(format!("{kept:?}").contains("won the contract on price"));
        }
        let kept = folder::complete(&kept, &prints, &mut from_kept);
        let again = folder::second_pass(read(), &pass.digest, &prints, &mut read_again)
            .expect("the folder is unchanged");
        let shown = format!("{kept:?}");
        assert_eq!(shown, format!("{again:?}"), "{}", f.name);
        // The exempt appendix's text is in neither.
        assert!(!shown.contains("won the contract on price"), "{}", f.name);
        assert_eq!(from_kept.into_sorted(), read_again.into_sorted());
        // Not kept unless asked.
        assert!(
            folder::first_pass(
                &separated.public.config().language,
                glossary.as_ref(),
                read(),
                false,
                false
            )
            .1
            .is_none()
        );
    }
    assert!(withheld_somewhere, "the fixture withholds something");
}

/// Section 6 of issue 14: a message about an exempt source (or one whose
/// status is not known) quotes nothing from it, whichever way it is broken.
#[test]
fn no_message_quotes_a_broken_exempt_source() {
    for in_data in [false, true] {
        let site = fixture("minimal");
        let (markers, expected) = plant_markers_in_messages(site.path(), in_data);
        let outcome = build(site.path());
        assert!(outcome.has_errors());
        assert_eq!(outcome.files_written, 0);
        let shown = printed(&outcome);
        for words in expected {
            assert!(shown.contains(words), "{words:?} is not in:\n{shown}");
        }
        let output = files(&site.path().join("public"));
        let reports = files(&site.path().join("reports"));
        assert_no_marker(&markers, &output, &reports, &outcome);
    }
}

/// An exempt sentence with a marker in it, planted in the exempt appendix,
/// and ways a template could print it back that a reader reads alike.
const RETYPED_SENTENCE: &str =
    "Zqxretypedindia bidders offered ninety one pounds an hour for the reading support service";

/// `RETYPED_SENTENCE` re-typed by `change`, word by word.
fn retyped(change: impl Fn(&str) -> String) -> String {
    RETYPED_SENTENCE
        .split(' ')
        .map(change)
        .collect::<Vec<_>>()
        .join(" ")
}

/// After the first letter of `word`, `insert`.
fn after_first(word: &str, insert: &str) -> String {
    let mut chars = word.chars();
    let first = chars.next().unwrap();
    format!("{first}{insert}{}", chars.as_str())
}

#[test]
fn exempt_text_printed_back_re_typed_is_found_and_nothing_is_published() {
    let cyrillic = |w: &str| {
        let mut w = w.to_string();
        for (latin, look_alike) in [('o', "\u{43e}"), ('e', "\u{435}"), ('a', "\u{430}")] {
            w = w.replacen(latin, look_alike, 1);
        }
        w
    };
    let fullwidth = |w: &str| -> String {
        w.chars()
            .map(|c| char::from_u32(u32::from(c) - 0x21 + 0xff01).unwrap())
            .collect()
    };
    let ways: [(&str, String); 10] = [
        ("zero-width space", retyped(|w| after_first(w, "\u{200b}"))),
        ("&#8203;", retyped(|w| after_first(w, "&#8203;"))),
        ("soft hyphen", retyped(|w| after_first(w, "\u{ad}"))),
        ("&shy;", retyped(|w| after_first(w, "&shy;"))),
        (
            "&ZeroWidthSpace;",
            retyped(|w| after_first(w, "&ZeroWidthSpace;")),
        ),
        ("Cyrillic look-alikes", retyped(cyrillic)),
        ("fullwidth", retyped(fullwidth)),
        (
            "split by <b>",
            retyped(|w| format!("<b>{}</b>{}", &w[..1], &w[1..])),
        ),
        (
            "split by <span>",
            retyped(|w| after_first(w, "<span class=\"x\"></span>")),
        ),
        (
            "percent-escaped in a link",
            format!(
                "<a href=\"/search?q={}\">search</a>",
                retyped(|w| after_first(w, "%C2%AD")).replace(' ', "%20")
            ),
        ),
    ];
    for (how, printed_back) in ways {
        let site = fixture("minimal");
        append(
            &site.path().join(D).join("appendix-1.md"),
            &format!("\n{RETYPED_SENTENCE}.\n"),
        );
        let templates = site.path().join("templates");
        std::fs::create_dir_all(&templates).unwrap();
        std::fs::write(
            templates.join("404.html"),
            format!(
                "{{% extends \"base.html\" %}}{{% block content %}}<h1>Not found</h1>\
                 <p>{printed_back}</p>{{% endblock %}}"
            ),
        )
        .unwrap();
        let outcome = build(site.path());
        assert!(outcome.has_errors(), "{how}: the build passed");
        assert_eq!(outcome.files_written, 0, "{how}");
        let output = files(&site.path().join("public"));
        assert!(output.is_empty(), "{how}: something was published");
        assert!(
            printed(&outcome).contains(
                "content/decisions/24-00001/appendix-1.md: error: text from this exempt source appears in the output file `404.html`"
            ),
            "{how}: {}",
            printed(&outcome)
        );
        let reports = files(&site.path().join("reports"));
        assert_no_marker(&["zqxretypedindia"], &output, &reports, &outcome);
    }
}

/// Public text in Welsh and Polish, with accents and letters outside
/// ASCII, is read through the same folding as exempt text and is not
/// taken for it.
#[test]
fn public_text_in_other_languages_builds() {
    let site = fixture("minimal");
    append(
        &site.path().join("content/pages/about.md"),
        "\nMae\u{2019}r cyngor yn prynu cymorth i bobl gymryd rhan mewn bywyd bob dydd, o Llanfair\u{ad}pwll i Gaerdydd; Gwenllïan ap Llŷr sy\u{2019}n ateb.\n\n\
         Pani Małgorzata Żółkiewska z Łodzi złożyła wniosek, a rada odpowiedziała w ciągu tygodnia.\n",
    );
    let outcome = build(site.path());
    assert_ok(&outcome);
    let about = text(&site.path().join("public"), "about/index.html");
    assert!(about.contains("Żółkiewska"), "{about}");
}

/// Words of an exempt PDF, shown only inside its compressed content stream.
const PDF_WORDS: &str = "Bidder zqxpdfgolf offered the lowest hourly rate and the most staff on Tuesdays in every district";

/// Declares an exempt PDF attachment of the fixture's report, and a public one.
fn attach_pdfs(site: &Path, exempt: Vec<u8>, public: Option<Vec<u8>>) {
    let public_decl = if public.is_some() {
        "  { file = \"copy.pdf\", title = \"Copy of the bids\", public = true },\n"
    } else {
        ""
    };
    replace(
        &site.join(D).join("report.md"),
        "attachments = [\n",
        &format!(
            "attachments = [\n  {{ file = \"bids.pdf\", public_title = \"Bids in full\", exempt = {{ paragraph = 3, reason = \"Bids are commercially sensitive.\" }} }},\n{public_decl}"
        ),
    );
    std::fs::write(site.join(D).join("bids.pdf"), exempt).unwrap();
    if let Some(public) = public {
        std::fs::write(site.join(D).join("copy.pdf"), public).unwrap();
    }
}

#[test]
fn an_exempt_pdfs_words_pasted_into_a_public_page_are_found_there() {
    let site = fixture("minimal");
    attach_pdfs(site.path(), pdf_with_text(PDF_WORDS, "Word"), None);
    append(
        &site.path().join("content/pages/about.md"),
        &format!("\nAs the bids showed: {}.\n", PDF_WORDS.to_lowercase()),
    );
    let outcome = build(site.path());
    let printed = printed(&outcome);
    assert!(
        printed.contains("content/pages/about.md:9:28: error: this public source contains text from the exempt source content/decisions/24-00001/bids.pdf"),
        "{printed}"
    );
    assert_eq!(outcome.files_written, 0);
    let output = files(&site.path().join("public"));
    let reports = files(&site.path().join("reports"));
    assert_no_marker(&["zqxpdfgolf"], &output, &reports, &outcome);
}

/// A PNG of `rows` (RGB, or palette indices with `palette`), each row
/// under `filter` (0 none, 1 the byte to the left, 2 the byte above),
/// compressed at `level`, its data in `parts` chunks.
fn png(rows: &[Vec<u8>], palette: Option<&[u8]>, filter: u8, level: u32, parts: usize) -> Vec<u8> {
    use std::io::Write;
    let (width, colour, bpp) = match palette {
        Some(_) => (rows[0].len(), 3u8, 1),
        None => (rows[0].len() / 3, 2u8, 3),
    };
    let mut raw = Vec::new();
    for (y, row) in rows.iter().enumerate() {
        raw.push(filter);
        for x in 0..row.len() {
            let before = match filter {
                1 if x >= bpp => row[x - bpp],
                2 if y > 0 => rows[y - 1][x],
                _ => 0,
            };
            raw.push(row[x].wrapping_sub(before));
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(level));
    z.write_all(&raw).unwrap();
    let data = z.finish().unwrap();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = (width as u32).to_be_bytes().to_vec();
    ihdr.extend_from_slice(&(rows.len() as u32).to_be_bytes());
    ihdr.extend_from_slice(&[8, colour, 0, 0, 0]);
    out.extend(png_chunk(b"IHDR", &ihdr));
    if let Some(p) = palette {
        out.extend(png_chunk(b"PLTE", p));
    }
    for part in data.chunks(data.len().div_ceil(parts)) {
        out.extend(png_chunk(b"IDAT", part));
    }
    out.extend(png_chunk(b"IEND", &[]));
    out
}

#[test]
fn an_exempt_picture_saved_again_is_known_by_what_it_shows() {
    // Four colours in a 4 by 3 picture: as RGB, and as a palette.
    let colours: [[u8; 3]; 4] = [[200, 30, 40], [10, 220, 90], [250, 250, 5], [0, 0, 0]];
    let index = |x: usize, y: usize| (x * 7 + y * 3) % 4;
    let rgb: Vec<Vec<u8>> = (0..3)
        .map(|y| (0..4).flat_map(|x| colours[index(x, y)]).collect())
        .collect();
    let indices: Vec<Vec<u8>> = (0..3)
        .map(|y| (0..4).map(|x| index(x, y) as u8).collect())
        .collect();
    let palette: Vec<u8> = colours.concat();
    let exempt = png(&rgb, None, 0, 6, 1);
    let attach = |site: &Path, public: &[u8]| {
        replace(
            &site.join(D).join("report.md"),
            "attachments = [\n",
            "attachments = [\n  { file = \"scores.png\", public_title = \"Scores chart\", exempt = { paragraph = 3, reason = \"Scores are commercially sensitive.\" } },\n  { file = \"chart.png\", title = \"Chart\", public = true },\n",
        );
        std::fs::write(site.join(D).join("scores.png"), &exempt).unwrap();
        std::fs::write(site.join(D).join("chart.png"), public).unwrap();
    };
    for (how, copy) in [
        ("compressed harder", png(&rgb, None, 0, 9, 1)),
        ("in three chunks", png(&rgb, None, 0, 6, 3)),
        ("with other filters", png(&rgb, None, 1, 6, 1)),
        ("filtered from above", png(&rgb, None, 2, 1, 2)),
        ("as a palette", png(&indices, Some(&palette), 0, 6, 1)),
    ] {
        assert_ne!(copy, exempt, "{how}");
        let site = fixture("minimal");
        attach(site.path(), &copy);
        let outcome = build(site.path());
        let shown = printed(&outcome);
        assert!(
            shown.contains(&format!("{D}/scores.png: error: ")) && shown.contains("chart.png"),
            "{how}: {shown}"
        );
        assert_eq!(outcome.files_written, 0, "{how}");
    }
    // Another picture is published.
    let mut other = rgb.clone();
    other[1][0] ^= 1;
    let site = fixture("minimal");
    attach(site.path(), &png(&other, None, 0, 6, 1));
    assert_ok(&build(site.path()));
}

#[test]
fn a_re_saved_or_identical_copy_of_an_exempt_pdf_is_never_published() {
    let exempt = pdf_with_text(PDF_WORDS, "Word");
    let resaved = pdf_with_text(PDF_WORDS, "Acrobat Distiller");
    assert_ne!(exempt, resaved);
    for copy in [resaved, exempt.clone()] {
        let site = fixture("minimal");
        attach_pdfs(site.path(), exempt.clone(), Some(copy));
        let outcome = build(site.path());
        let printed = printed(&outcome);
        assert!(
            printed.contains("content/decisions/24-00001/bids.pdf: error: ")
                && printed.contains("the output file `decisions/24-00001/report/copy.pdf`"),
            "{printed}"
        );
        assert_eq!(outcome.files_written, 0);
        assert_no_marker(
            &["zqxpdfgolf"],
            &files(&site.path().join("public")),
            &files(&site.path().join("reports")),
            &outcome,
        );
    }
    // The exempt PDF alone: the site builds, and its words are nowhere.
    let site = fixture("minimal");
    attach_pdfs(site.path(), exempt, None);
    let outcome = build(site.path());
    assert_ok(&outcome);
    assert_no_marker(
        &["zqxpdfgolf"],
        &files(&site.path().join("public")),
        &files(&site.path().join("reports")),
        &outcome,
    );
}

#[test]
fn every_string_of_an_exempt_document_is_exempt_and_notices_are_checked() {
    let appendix = format!("{D}/appendix-1.md");
    // An exempt document's summary quoted in a public page.
    let site = fixture("minimal");
    replace(
        &site.path().join(&appendix),
        "label = \"Appendix 1\"\n",
        "label = \"Appendix 1\"\nsummary = \"Zqxsummarygolf panel moderation notes\"\n",
    );
    append(
        &site.path().join("content/pages/about.md"),
        "\nThe zqxsummarygolf panel moderation notes are kept.\n",
    );
    let outcome = build(site.path());
    let shown = printed(&outcome);
    assert!(
        shown.contains("content/pages/about.md:9:5: error: this public source contains text from the exempt source content/decisions/24-00001/appendix-1.md"),
        "{shown}"
    );
    assert_eq!(outcome.files_written, 0);
    assert_no_marker(
        &["zqxsummarygolf"],
        &files(&site.path().join("public")),
        &files(&site.path().join("reports")),
        &outcome,
    );

    // A notice's reason that repeats the exempt body: an error at the notice.
    let site = fixture("minimal");
    replace(
        &site.path().join(&appendix),
        "reason = \"It contains the prices that bidders offered.\"",
        "reason = \"Quillfeather Reading Ventures offered the lowest hourly price of all four bidders\"",
    );
    let outcome = build(site.path());
    let shown = printed(&outcome);
    assert!(
        shown.contains(&format!("{appendix}:5:36: error: this field is published"))
            && shown.contains("this field is published"),
        "{shown}"
    );
    assert_eq!(outcome.files_written, 0);
}

/// Base64 (standard, URL-safe, wrapped at 76 characters, after a word run
/// into it) and hexadecimal.
fn encodings(text: &str) -> Vec<(&'static str, String)> {
    let url_safe = |b64: String| b64.replace('+', "-").replace('/', "_");
    let plain = base64(text.as_bytes());
    let wrapped: Vec<String> = plain
        .as_bytes()
        .chunks(76)
        .map(|line| String::from_utf8(line.to_vec()).unwrap())
        .collect();
    let hex: String = text.bytes().map(|b| format!("{b:02x}")).collect();
    vec![
        ("base64", format!("{plain}==")),
        ("URL-safe base64", url_safe(base64(text.as_bytes()))),
        ("wrapped base64", wrapped.join("\n")),
        ("base64 after a word", format!("b64{plain}")),
        ("hexadecimal", hex),
    ]
}

#[test]
fn exempt_text_or_personal_data_in_base64_or_hexadecimal_is_read_as_decoded() {
    let sentence = "Quillfeather Reading Ventures offered the lowest hourly price of all bidders in the second round of the panel";
    for (how, encoded) in encodings(sentence) {
        // In a public page, and in a file of static/.
        for in_static in [false, true] {
            let site = fixture("minimal");
            append(
                &site.path().join(format!("{D}/appendix-1.md")),
                &format!("\n{sentence}.\n"),
            );
            if in_static {
                let at = site.path().join("static/data.txt");
                std::fs::create_dir_all(at.parent().unwrap()).unwrap();
                std::fs::write(&at, format!("{encoded}\n")).unwrap();
            } else {
                append(
                    &site.path().join("content/pages/about.md"),
                    &format!("\nReference:\n\n{encoded}\n"),
                );
            }
            let outcome = build(site.path());
            let shown = printed(&outcome);
            assert!(
                shown.contains(&format!("{D}/appendix-1.md")) && shown.contains(": error: "),
                "{how} (static: {in_static}): {shown}"
            );
            assert_eq!(outcome.files_written, 0, "{how}");
            assert!(!site.path().join("public").exists(), "{how}");
        }
    }
    // Personal data so hidden is found where it is hidden.
    for (how, encoded) in encodings("Her NHS number is 943 476 5919, and she lives nearby.") {
        let site = fixture("minimal");
        let at = site.path().join("static/data.txt");
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::fs::write(&at, format!("Record:\n{encoded}\n")).unwrap();
        let outcome = build(site.path());
        let shown = printed(&outcome);
        assert!(
            shown.contains("static/data.txt:2:1: error: an NHS number"),
            "{how}: {shown}"
        );
        assert!(!shown.contains("476 5919"), "{how}: {shown}");
        assert!(!site.path().join("public").exists(), "{how}");
    }
    // What decodes to no text (a signature, a hash) is left alone.
    let site = fixture("minimal");
    let at = site.path().join("static/data.txt");
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    let binary: Vec<u8> = (0..48u8).map(|b| b.wrapping_mul(97) ^ 0xA5).collect();
    let hashes: String = binary.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(&at, format!("sha: {hashes}\nsig: {}\n", base64(&binary))).unwrap();
    assert_ok(&build(site.path()));
}

/// `bytes` in standard base64.
fn base64(bytes: &[u8]) -> String {
    const STANDARD: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, &b| n << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
        for k in 0..=chunk.len() {
            out.push(char::from(STANDARD[(n >> (18 - 6 * k) & 63) as usize]));
        }
    }
    out
}

#[test]
fn an_exempt_price_restated_in_other_spellings_is_refused() {
    let appendix = format!("{D}/appendix-1.md");
    let report = format!("{D}/report.md");
    // A raised decimal point, a decimal comma, pence, thousands spelt out,
    // a currency code: each the exempt figure as a reader takes it.
    for (exempt, public) in [
        ("£63.47 an hour", "£63·47 an hour"),
        ("£63.47 an hour", "£63,47 an hour"),
        ("£63.47 an hour", "6347p an hour"),
        ("£63.47 an hour", "6347 pence an hour"),
        ("£63.47 an hour", "GBP63.47 an hour"),
        ("6347p an hour", "£63.47 an hour"),
        ("£1,412,650 in all", "1,412.65 thousand pounds in all"),
        (
            "£1,412,650 in all",
            "one million, four hundred and twelve thousand, six hundred and fifty pounds in all",
        ),
        (
            "£63.47 an hour",
            "sixty-three pounds and forty-seven pence an hour",
        ),
    ] {
        let site = fixture("minimal");
        append(
            &site.path().join(&appendix),
            &format!("\nThe second bidder asked for {exempt}.\n"),
        );
        append(
            &site.path().join(&report),
            &format!("\nOne bidder asked for {public}.\n"),
        );
        let outcome = build(site.path());
        let shown = printed(&outcome);
        assert!(
            shown.contains(&format!("{report}:15:"))
                && shown.contains(&format!(
                    "states a name or figure that the exempt source {appendix} also states"
                )),
            "{public}: {shown}"
        );
        assert_eq!(outcome.files_written, 0, "{public}");
        assert!(!shown.contains(public), "{public}: {shown}");
    }
}

#[test]
fn a_short_exempt_fact_restated_in_public_is_refused_unless_declared_and_then_listed() {
    let appendix = format!("{D}/appendix-1.md");
    let report = format!("{D}/report.md");
    let plant = |site: &Path| {
        append(
            &site.join(&appendix),
            "\nThe bid from Lanternwick Story Trust came second, at £1,412,650 over three years.\n",
        );
        append(
            &site.join(&report),
            "\nThe runner-up, lanternwick story trust, asked for 1,412,650 pounds.\n",
        );
    };
    // Undeclared: an error at each place in the public report, naming the
    // exempt source but never the fact.
    let site = fixture("minimal");
    plant(site.path());
    let outcome = build(site.path());
    let shown = printed(&outcome);
    for column in [16, 51] {
        assert!(
            shown.contains(&format!("{report}:15:{column}: error: this public source states a name or figure that the exempt source {appendix} also states")),
            "{shown}"
        );
    }
    assert!(shown.contains("public_facts"), "{shown}");
    assert_eq!(outcome.files_written, 0);
    assert_no_marker(
        &["lanternwick", "1,412,650"],
        &files(&site.path().join("public")),
        &files(&site.path().join("reports")),
        &outcome,
    );

    // A term added to the glossary is not thereby public.
    let site = fixture("minimal");
    plant(site.path());
    replace(
        &site.path().join(&report),
        "lanternwick story trust, asked for 1,412,650 pounds",
        "asked for less",
    );
    append(
        &site.path().join("data/glossary.csv"),
        "Lanternwick Story Trust,A provider.,\n",
    );
    let outcome = build(site.path());
    assert!(
        printed(&outcome).contains("data/glossary.csv:"),
        "{}",
        printed(&outcome)
    );
    assert_eq!(outcome.files_written, 0);

    // Declared in the public report: published, and listed for an officer.
    let site = fixture("minimal");
    plant(site.path());
    replace(
        &site.path().join(&report),
        "kind = \"report\"\n",
        "kind = \"report\"\npublic_facts = [\"Lanternwick Story Trust\", \"£1,412,650\"]\n",
    );
    let outcome = build(site.path());
    assert_ok(&outcome);
    let json = std::fs::read_to_string(site.path().join("reports/withholding.json")).unwrap();
    let html = std::fs::read_to_string(site.path().join("reports/withholding.html")).unwrap();
    let declared: serde_json::Value = serde_json::from_str(&json).unwrap();
    let declared = declared["declared_facts"].as_array().unwrap();
    for fact in ["Lanternwick Story Trust", "£1,412,650"] {
        assert!(
            declared.contains(&serde_json::json!({ "source": report, "fact": fact })),
            "{json}"
        );
        assert!(html.contains(fact), "{html}");
    }
    let output = files(&site.path().join("public"));
    assert!(!files_containing(&output, "lanternwick story trust").is_empty());

    // A declaration covers the document that makes it, not every other:
    // the name stated in another page is still an error there.
    let about = site.path().join("content/pages/about.md");
    let before = std::fs::read_to_string(&about).unwrap();
    append(&about, "\nWe also work with Lanternwick Story Trust.\n");
    let shown = printed(&build(site.path()));
    assert!(
        shown.contains("content/pages/about.md:9:") && shown.contains("states a name or figure"),
        "{shown}"
    );
    std::fs::write(&about, before).unwrap();

    // A declaration covers only what it declares: another exempt figure
    // stated in public is still refused.
    append(
        &site.path().join(&appendix),
        "\nIts quality score was 71.3%.\n",
    );
    append(
        &site.path().join("content/pages/about.md"),
        "\nOne bidder scored 71.3 per cent.\n",
    );
    let outcome = build(site.path());
    let shown = printed(&outcome);
    assert!(
        shown.contains(
            "content/pages/about.md:9:19: error: this public source states a name or figure"
        ),
        "{shown}"
    );
    assert!(!shown.contains("71.3"), "{shown}");

    // A field the law publishes (who was consulted, a pathway's body)
    // makes a name public without a declaration, so the output is not
    // searched for it: the report lists each such field for an officer.
    let site = fixture("minimal");
    append(
        &site.path().join(&appendix),
        "\nThe bid from Pellingford Mews Partnership came third.\n",
    );
    replace(
        &site.path().join(format!("{D}/decision.md")),
        "body = \"Communities Cabinet Committee\"",
        "body = \"Pellingford Mews Partnership\"",
    );
    let outcome = build(site.path());
    assert_ok(&outcome);
    let json = std::fs::read_to_string(site.path().join("reports/withholding.json")).unwrap();
    let html = std::fs::read_to_string(site.path().join("reports/withholding.html")).unwrap();
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        report["public_by_field"],
        serde_json::json!([{
            "source": format!("{D}/decision.md"),
            "field": "pathway.body",
            "text": "Pellingford Mews Partnership"
        }]),
        "{json}"
    );
    assert!(
        html.contains("<td>Pellingford Mews Partnership</td><td><code>pathway.body</code></td>"),
        "{html}"
    );

    // A council's own template states an exempt four-figure price and the
    // runner-up's name: found at the template's line, as any public source.
    let site = fixture("minimal");
    append(
        &site.path().join(&appendix),
        "\nThe Quillbarrow Arts Collective bid £8,450 a year.\n",
    );
    let templates = site.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("404.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>Not found</h1>\n\
         <p>Try again. Our price was £8,450.</p>\n<p>Ask Quillbarrow Arts Collective.</p>{% endblock %}",
    )
    .unwrap();
    let outcome = build(site.path());
    let shown = printed(&outcome);
    for line in [2, 3] {
        assert!(
            shown.contains(&format!("templates/404.html:{line}:")),
            "{shown}"
        );
    }
    assert!(
        !shown.contains("8,450") && !shown.contains("Quillbarrow"),
        "{shown}"
    );
    assert_eq!(outcome.files_written, 0);
}

/// Pagination and the listing's own address are new routes for a leak: a
/// listing of 50 providers (20 a page) at an address of its own, with a
/// marker in every exempt cell, carries none of them on any page of any
/// list, its filters' later pages among them.
#[test]
fn planted_markers_reach_no_page_of_a_paginated_listing() {
    let site = fixture("minimal");
    let mut markers: Vec<String> = plant_markers(site.path())
        .into_iter()
        .map(String::from)
        .collect();
    append(
        &site.path().join("site.toml"),
        "\n[listing]\ntitle = \"Library services\"\npath = \"library-services\"\nnav = \"Services\"\n",
    );
    let mut rows = String::new();
    for i in 0..50 {
        let rate = format!("{}.{:04}", 6100 + i, 1234 + i);
        rows.push_str(&format!(
            "Q{i},Reader group {i} (fictional),1;2,Northfield;Southmoor,group{i}@example.org,{rate}\n"
        ));
        markers.push(rate);
    }
    append(&site.path().join("data/providers.csv"), &rows);
    let outcome = build(site.path());
    assert_ok(&outcome);
    let public = site.path().join("public");
    let output = files(&public);
    let reports = files(&site.path().join("reports"));
    for page in [
        "library-services/index.html",
        "library-services/page/2/index.html",
        "library-services/page/3/index.html",
        "library-services/areas/northfield/page/2/index.html",
        "library-services/lots/1/areas/southmoor/page/3/index.html",
        "library-services/provider/q49/index.html",
    ] {
        assert!(output.contains_key(page), "{page} was not written");
    }
    assert!(!output.keys().any(|p| p.starts_with("activities/")));
    let markers: Vec<&str> = markers.iter().map(String::as_str).collect();
    assert_no_marker(&markers, &output, &reports, &outcome);
}

/// Pass 1 holds what it keeps of every decision until the build ends, so
/// none of it may carry spare room: a record's electoral divisions were once
/// collected in place into the list of every string of its front matter,
/// and kept its room (about 1.7 KB a decision, a fifth of what pass 1
/// keeps).
#[test]
fn pass_one_keeps_a_records_divisions_without_spare_room() {
    use plainsight::folder;
    let site = fixture("forward-plan");
    let root = site.path();
    let (folders, separated, glossary) = before_pass_one(root);
    let targets = &separated.public.config().language;
    let mut divisions = 0;
    for f in &folders {
        let read = folder::read_all(root, &[f]).pop().unwrap().unwrap();
        let (pass, _) = folder::first_pass(targets, glossary.as_ref(), read, false, false);
        let kept = pass.decision.expect("the fixture's folders are usable");
        assert_eq!(
            kept.divisions.capacity(),
            kept.divisions.len(),
            "{}",
            f.name
        );
        assert_eq!(kept.related.capacity(), kept.related.len(), "{}", f.name);
        divisions += kept.divisions.len();
    }
    assert!(divisions > 0, "the fixture's records name divisions");
}

/// An exempt CSV saved as UTF-16 ("Unicode text") is read for its words
/// like a UTF-8 one; an exempt file whose words cannot be read (a
/// spreadsheet) is withheld with a warning that a copy of its words would
/// not be found.
#[test]
fn an_exempt_file_is_read_for_its_words_or_said_to_be_unreadable() {
    let site = fixture("minimal");
    let folder = site.path().join("content/decisions/24-00001");
    let text = "bidder,total\nZqxutf Harrowgate Moorings,\"£1,938,204\"\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(folder.join("scores.csv"), utf16).unwrap();
    append(
        &site.path().join("content/pages/about.md"),
        "\nThe highest bid, from Zqxutf Harrowgate Moorings, was £1,938,204.\n",
    );
    let outcome = build(site.path());
    let said = printed(&outcome);
    assert!(outcome.has_errors(), "{said}");
    assert!(
        said.contains("content/pages/about.md:9:")
            && said.contains("content/decisions/24-00001/scores.csv"),
        "{said}"
    );
    assert_eq!(outcome.files_written, 0);

    // A spreadsheet's words are not read: withheld, with a warning.
    let site = fixture("minimal");
    let folder = site.path().join("content/decisions/24-00001");
    std::fs::remove_file(folder.join("scores.csv")).unwrap();
    std::fs::write(
        folder.join("scores.xlsx"),
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00\xb5\xff\xfe not text",
    )
    .unwrap();
    let report = folder.join("report.md");
    let md = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, md.replace("\"scores.csv\"", "\"scores.xlsx\"")).unwrap();
    let outcome = build(site.path());
    assert_ok(&outcome);
    let warned = outcome.diagnostics.iter().any(|d| {
        d.file == "content/decisions/24-00001/scores.xlsx"
            && d.message
                .contains("cannot be read, so a copy of them in public text would not be found")
    });
    assert!(warned, "{}", printed(&outcome));
}

/// A document marked public that heads itself, or a part, as not for
/// publication (as an exempt report is headed) is ambiguous: refused at
/// the line. A sentence saying an appendix is not for publication is not.
#[test]
fn a_public_document_headed_not_for_publication_is_refused() {
    for heading in [
        "# NOT FOR PUBLICATION",
        "**Not for publication** by virtue of paragraph 3 of Part 1 of Schedule 12A",
        "## Appendix 2: not for publication",
    ] {
        let site = fixture("minimal");
        let report = site.path().join(D).join("report.md");
        let lines = std::fs::read_to_string(&report).unwrap().lines().count();
        append(&report, &format!("\n{heading}\n\nThe bids in full.\n"));
        let outcome = build(site.path());
        let said = printed(&outcome);
        let at = format!("{D}/report.md:{}:", lines + 2);
        assert!(
            said.contains(&at) && said.contains("says it is not for publication"),
            "{heading}: {said}"
        );
        assert_eq!(outcome.files_written, 0);
    }
    let site = fixture("minimal");
    append(
        &site.path().join(D).join("report.md"),
        "\nAppendix 1 is not for publication, as it holds the bids.\n",
    );
    assert_ok(&build(site.path()));
}
