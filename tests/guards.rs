//! The guards beside the leak scan: image metadata, PDF information fields,
//! personal data and small numbers, and the withholding report that lists them.

mod common;

use std::path::Path;

use common::*;
use plainsight::diagnostics::Severity;

const D: &str = "content/decisions/24-00001";
const MARKER: &[u8] = b"Zqxmetadatamarker";

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    c.extend_from_slice(&[0, 0, 0, 0]);
    c
}

fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
    b.extend(png_chunk(
        b"tEXt",
        &[b"Author\0".as_slice(), MARKER].concat(),
    ));
    b.extend(png_chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]));
    b.extend(png_chunk(b"IEND", &[]));
    b
}

fn jpeg() -> Vec<u8> {
    let seg = |m: u8, d: &[u8]| {
        let mut s = vec![0xFF, m];
        s.extend_from_slice(&((d.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(d);
        s
    };
    let mut b = vec![0xFF, 0xD8];
    b.extend(seg(0xE1, &[b"Exif\0\0".as_slice(), MARKER].concat()));
    b.extend(seg(0xFE, MARKER));
    b.extend(seg(0xDB, &[0u8; 65]));
    b.extend(seg(0xC0, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0]));
    b.extend(seg(0xDA, &[1, 1, 0, 0, 63, 0]));
    b.extend_from_slice(&[0x12, 0x34, 0xFF, 0xD9]);
    b
}

fn webp() -> Vec<u8> {
    let chunk = |k: &[u8; 4], d: &[u8]| {
        let mut c = k.to_vec();
        c.extend_from_slice(&(d.len() as u32).to_le_bytes());
        c.extend_from_slice(d);
        if d.len() % 2 == 1 {
            c.push(0);
        }
        c
    };
    let mut body = b"WEBP".to_vec();
    body.extend(chunk(b"VP8X", &[0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    body.extend(chunk(b"VP8L", &[0x2f, 0, 0, 0, 0x10, 0x07]));
    body.extend(chunk(
        b"XMP ",
        &[b"<x:xmpmeta>".as_slice(), MARKER].concat(),
    ));
    let mut b = b"RIFF".to_vec();
    b.extend_from_slice(&(body.len() as u32).to_le_bytes());
    b.extend(body);
    b
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n\
      2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n\
      3 0 obj\n<< /Author (A. Officer) /Title (Timetable draft 3) /Producer (Word) >>\nendobj\n\
      trailer\n<< /Size 4 /Root 1 0 R /Info 3 0 R >>\n%%EOF\n"
        .to_vec()
}

/// Adds public attachments to the fixture's report.
fn attach(site: &Path, files: &[(&str, Vec<u8>)]) {
    let decls: String = files
        .iter()
        .map(|(name, _)| {
            format!("  {{ file = \"{name}\", title = \"Attachment {name}\", public = true }},\n")
        })
        .collect();
    replace(
        &site.join(D).join("report.md"),
        "attachments = [\n",
        &format!("attachments = [\n{decls}"),
    );
    for (name, bytes) in files {
        std::fs::write(site.join(D).join(name), bytes).unwrap();
    }
}

#[test]
fn published_images_lose_their_metadata_and_stay_valid() {
    let site = fixture("minimal");
    attach(
        site.path(),
        &[
            ("photo.png", png()),
            ("photo.jpg", jpeg()),
            ("photo.webp", webp()),
        ],
    );
    let outcome = build(site.path());
    assert_ok(&outcome);
    let output = files(&site.path().join("public"));
    let marker = std::str::from_utf8(MARKER).unwrap();
    assert!(files_containing(&output, marker).is_empty());
    let dir = "decisions/24-00001/report/";
    let png = &output[&format!("{dir}photo.png")];
    let jpg = &output[&format!("{dir}photo.jpg")];
    let webp = &output[&format!("{dir}photo.webp")];
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.ends_with(&png_chunk(b"IEND", &[])));
    assert!(jpg.starts_with(&[0xFF, 0xD8, 0xFF]) && jpg.ends_with(&[0xFF, 0xD9]));
    assert!(&webp[..4] == b"RIFF" && &webp[8..12] == b"WEBP");
    let riff = u32::from_le_bytes([webp[4], webp[5], webp[6], webp[7]]) as usize;
    assert_eq!(riff + 8, webp.len());
    assert_eq!(webp[20] & 0x0C, 0, "VP8X metadata flags cleared");
    // Structurally valid: each walks from end to end and has nothing left to strip.
    use plainsight::images::{ImageKind, has_metadata};
    for (kind, bytes) in [
        (ImageKind::Png, png),
        (ImageKind::Jpeg, jpg),
        (ImageKind::Webp, webp),
    ] {
        assert!(!has_metadata(kind, bytes), "{kind:?}");
    }
    let report = outcome.report.unwrap();
    assert_eq!(report.guard.images_checked, 3);
    assert_eq!(report.guard.images_with_metadata, 0);
}

#[test]
fn pdf_information_fields_are_in_the_report() {
    let site = fixture("minimal");
    attach(site.path(), &[("timetable.pdf", pdf())]);
    assert_ok(&build(site.path()));
    let reports = site.path().join("reports");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(reports.join("withholding.json")).unwrap()).unwrap();
    let pdfs = json["pdfs"].as_array().unwrap();
    assert_eq!(pdfs.len(), 1);
    assert_eq!(pdfs[0]["file"], "decisions/24-00001/report/timetable.pdf");
    assert_eq!(
        pdfs[0]["fields"][0],
        serde_json::json!(["Author", "A. Officer"])
    );
    let html = text(&reports, "withholding.html");
    assert!(html.contains("Author: A. Officer"));
    assert!(html.contains("Title: Timetable draft 3"));
    assert!(!reports.join("withholding.txt").exists());
}

#[test]
fn withholding_report_page_is_plain_and_complete() {
    let site = fixture("minimal");
    assert_ok(&build(site.path()));
    let html = text(&site.path().join("reports"), "withholding.html");
    assert!(html.starts_with("<!doctype html>\n<html lang=\"en-GB\">"));
    assert_eq!(html.matches("<h1>").count(), 1);
    assert!(
        html.contains("<caption>Every withheld document, attachment, column and passage</caption>")
    );
    assert!(html.contains("<th scope=\"col\">Paragraph</th>"));
    assert!(html.contains("content/decisions/24-00001/appendix-1.md"));
    assert!(html.contains("Scanned "));
    assert!(html.contains("Personal-data guard: checked "));
    assert!(!html.contains("<script"));
    // Deterministic: the same input gives the same report.
    let again = fixture("minimal");
    assert_ok(&build(again.path()));
    assert_eq!(
        html,
        text(&again.path().join("reports"), "withholding.html")
    );
}

fn add_to_about(site: &Path, text: &str) {
    append(&site.join("content/pages/about.md"), text);
}

#[test]
fn a_planted_valid_nhs_number_is_found_and_an_invalid_one_ignored() {
    let site = fixture("minimal");
    add_to_about(site.path(), "\nPatient 943 476 5919 asked.\n");
    let outcome = build(site.path());
    let printed = printed(&outcome);
    assert!(
        printed.contains(
            "content/pages/about.md:9:9: error: an NHS number (ending `919`) would be published"
        ),
        "{printed}"
    );
    assert!(!printed.contains("943 476") && !printed.contains("9434765919"));
    assert!(!site.path().join("public").exists());

    let site = fixture("minimal");
    add_to_about(
        site.path(),
        "\nReference 943 476 5918 fails the modulus 11 check.\n",
    );
    assert_ok(&build(site.path()));
}

#[test]
fn personal_data_ok_marks_a_true_false_positive_in_place() {
    let site = fixture("minimal");
    let about = site.path().join("content/pages/about.md");
    add_to_about(
        site.path(),
        "\nOur library van's fleet number is 943 476 5919.\n",
    );
    replace(
        &about,
        "title = \"About this site\"\n",
        "title = \"About this site\"\npersonal_data_ok = [\"943 476 5919\"]\n",
    );
    assert_ok(&build(site.path()));
    // It applies to that document only.
    append(
        &site.path().join(D).join("report.md"),
        "\nThe van 943 476 5919 also visits.\n",
    );
    let outcome = build(site.path());
    assert!(
        printed(&outcome).contains("content/decisions/24-00001/report.md:"),
        "{}",
        printed(&outcome)
    );
}

#[test]
fn site_allow_list_and_published_contact_columns_are_allowed() {
    let site = fixture("minimal");
    add_to_about(
        site.path(),
        "\nThe press office is on 01632 960999 or press@example.org.\n",
    );
    assert!(build(site.path()).has_errors());
    append(
        &site.path().join("site.toml"),
        "\n[personal_data]\nallow = [\"01632 960999\", \"press@example.org\"]\n",
    );
    assert_ok(&build(site.path()));
}

/// A value published as a phone number allows that phone number, not an
/// NHS or National Insurance number written in its place.
#[test]
fn a_contact_phone_that_is_an_nhs_or_ni_number_is_not_allowed() {
    let site = example();
    let csv = site.path().join("data/providers.csv");
    replace(&csv, "01632 960001", "943 476 5919");
    let outcome = plainsight::check(site.path()).unwrap();
    let said = printed(&outcome);
    assert!(
        outcome.has_errors(),
        "an NHS number in a phone column was published"
    );
    assert!(said.contains("an NHS number (ending `919`)"), "{said}");
    replace(&csv, "943 476 5919", "01632 960001");
    assert_ok(&plainsight::check(site.path()).unwrap());
    replace(
        &site.path().join("site.toml"),
        "phone = \"03069 990000\"",
        "phone = \"AB 12 34 56 C\"",
    );
    let outcome = plainsight::check(site.path()).unwrap();
    let said = printed(&outcome);
    assert!(
        outcome.has_errors(),
        "a National Insurance number as the site's phone was published"
    );
    assert!(said.contains("National Insurance number"), "{said}");
}

#[test]
fn example_site_provider_contacts_are_allowed_only_by_their_column_types() {
    let site = example();
    assert_ok(&plainsight::check(site.path()).unwrap());
    let schema = site.path().join("data/providers.schema.toml");
    replace(&schema, "type = \"phone\"", "type = \"string\"");
    let outcome = plainsight::check(site.path()).unwrap();
    let printed = printed(&outcome);
    assert!(outcome.has_errors());
    assert!(
        printed.contains("data/providers.csv:2:")
            && printed.contains("a phone number (ending `001`)"),
        "{printed}"
    );
    assert!(!printed.contains("960001"));
}

#[test]
fn small_numbers_warn_and_fail_under_strict() {
    let site = example();
    let eqia = site
        .path()
        .join("content/decisions/22-00073/appendix-2-eqia.md");
    append(
        &eqia,
        "\nIn the pilot, 3 residents from one village took part.\n",
    );
    let outcome = plainsight::check(site.path()).unwrap();
    assert!(!outcome.has_errors(), "{}", printed(&outcome));
    let warning = outcome
        .diagnostics
        .iter()
        .find(|d| d.message.contains("a count of 1 to 4 people"))
        .expect("a small-number warning");
    assert_eq!(warning.severity, Severity::Warning);
    assert!(warning.file.ends_with("appendix-2-eqia.md") && warning.line > 0 && warning.column > 0);

    let mut options = plainsight::Options::for_root(site.path());
    options.strict = true;
    let strict = plainsight::check_with(&options).unwrap();
    assert!(strict.has_errors());
}

#[test]
fn small_numbers_in_public_tables() {
    let site = fixture("minimal");
    add_to_about(
        site.path(),
        "\nTable 1: Visits\n\n| Area | Number of people | Vans |\n| --- | ---: | ---: |\n| Northfield | 2 | 3 |\n",
    );
    let outcome = build(site.path());
    assert_ok(&outcome);
    let small: Vec<String> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("a count of 1 to 4"))
        .map(|d| format!("{}:{}:{}", d.file, d.line, d.column))
        .collect();
    assert_eq!(small, ["content/pages/about.md:13:16"]);
}

#[test]
fn a_pdf_whose_cross_reference_table_holds_an_nhs_number_like_run_is_published() {
    // The free entry's ten digits pass the modulus 11 check; they are the
    // file's structure, not its text.
    let pdf = pdf_with_text("Timetable for the new service", "Word");
    let from = b"0000000000 65535 f";
    let at = pdf.windows(from.len()).position(|w| w == from).unwrap();
    let mut pdf = pdf;
    pdf[at..at + 10].copy_from_slice(b"9434765919");
    let site = fixture("minimal");
    attach(site.path(), &[("timetable.pdf", pdf)]);
    assert_ok(&build(site.path()));
}

#[test]
fn personal_data_in_a_published_pdf_is_found_at_the_attachment() {
    for shown in [
        "Patient 943 476 5919 asked for visits",
        "NI number AB 12 34 56 C",
        "Mrs Example, born 12th March 1950",
    ] {
        let site = fixture("minimal");
        attach(
            site.path(),
            &[("timetable.pdf", pdf_with_text(shown, "Word"))],
        );
        let outcome = build(site.path());
        let printed = printed(&outcome);
        assert!(
            printed.contains(&format!("{D}/timetable.pdf: error: ")),
            "{shown}: {printed}"
        );
        assert!(
            printed
                .contains("would be published, in public/decisions/24-00001/report/timetable.pdf"),
            "{printed}"
        );
        assert!(!site.path().join("public").exists());
    }
}

/// A PDF is published as it is: a fence its pages show would cut nothing.
#[test]
fn a_fence_a_published_pdf_shows_is_refused_at_the_attachment() {
    let site = fixture("minimal");
    attach(
        site.path(),
        &[(
            "timetable.pdf",
            pdf_with_text("::: exempt paragraph=3", "Word"),
        )],
    );
    let said = printed(&build(site.path()));
    assert!(
        said.contains(&format!(
            "{D}/timetable.pdf: error: this PDF's pages show an exempt passage fence"
        )),
        "{said}"
    );
    assert!(!site.path().join("public").exists());
}

#[test]
fn a_published_pdf_that_cannot_be_read_is_refused_at_the_attachment() {
    let lzw = b"%PDF-1.4\n1 0 obj\n<< /Length 4 /Filter /LZWDecode >>\nstream\nabcd\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
    let site = fixture("minimal");
    attach(site.path(), &[("timetable.pdf", lzw.to_vec())]);
    let outcome = build(site.path());
    let printed = printed(&outcome);
    assert!(
        printed.contains(&format!("{D}/timetable.pdf: error: plainsight cannot read this PDF's text: a stream uses /LZWDecode")),
        "{printed}"
    );
    assert!(!site.path().join("public").exists());
}

#[test]
fn personal_data_is_found_however_it_is_written() {
    for written in [
        "NHS **943** 476 5919.",
        "NHS 943\n476 5919.",
        "NHS 943.476.5919.",
        "NHS 943\u{2013}476\u{2013}5919.",
        "NHS 943 - 476 - 5919.",
        "NHS 9434 765 919.",
        "NHS 9434 765919.",
        "NI *AB* 12 34 56 C.",
        "NI AB-12-34-56-C.",
        "Mr A. Example, born 12.03.1950.",
        "Mr A. Example, born 12\u{2013}03\u{2013}1950.",
        "Mr A. Example, born 12th March 1950.",
        "Mr A. Example, born March 12th, 1950.",
        "Mr A. Example, date of birth **12 Mar 1950**.",
    ] {
        let site = fixture("minimal");
        add_to_about(site.path(), &format!("\n{written}\n"));
        let outcome = build(site.path());
        let printed = printed(&outcome);
        // At the value's first letter or digit on line 9, where it is written.
        let value = ["943", "AB", "12", "March"]
            .iter()
            .filter_map(|v| written.find(v))
            .min()
            .unwrap();
        let column = written[..value].chars().count() + 1;
        assert!(
            printed.contains(&format!("content/pages/about.md:9:{column}: error: ")),
            "{written:?}: {printed}"
        );
        assert!(!site.path().join("public").exists(), "{written:?}");
    }
    // An invalid check digit, however written, and a decision's own date.
    for written in [
        "Reference **943** 476 5918.",
        "Reference 943.476.5918.",
        "The decision was taken on 12th March 2024.",
    ] {
        let site = fixture("minimal");
        add_to_about(site.path(), &format!("\n{written}\n"));
        assert_ok(&build(site.path()));
    }
}

#[test]
fn dates_in_a_column_headed_date_of_birth_are_found_however_far_from_the_heading() {
    let rows: String = (0..12)
        .map(|i| format!("| Resident {i} with a long name for the column | Ward {i} |  |\n"))
        .collect();
    let table = format!(
        "\nTable 1: Residents\n\n| Name | Ward | Date of birth |\n| --- | --- | --- |\n{rows}| Jane Example | Ward 12 | 12/03/1950 |\n"
    );
    let site = fixture("minimal");
    add_to_about(site.path(), &table);
    let outcome = build(site.path());
    let said = printed(&outcome);
    assert!(
        said.contains("content/pages/about.md:") && said.contains("a date of birth"),
        "{said}"
    );
    assert!(!said.contains("12/03/1950"), "{said}");
    assert!(!site.path().join("public").exists());
    // `(b. 1950-03-12)` after a name.
    let site = fixture("minimal");
    add_to_about(site.path(), "\nJane Example (b. 1950-03-12) chairs it.\n");
    let said = printed(&build(site.path()));
    assert!(said.contains("content/pages/about.md:9:"), "{said}");
    // A table of meetings, with no such heading, is published.
    let site = fixture("minimal");
    add_to_about(
        site.path(),
        "\nTable 1: Meetings\n\n| Meeting | Date |\n| --- | --- |\n| Cabinet | 12/03/2024 |\n",
    );
    assert_ok(&build(site.path()));
}

#[test]
fn an_email_address_written_to_dodge_a_search_is_found() {
    for written in [
        "Write to jane.example77 at gmail dot com.",
        "Write to jane.example77 [at] gmail [dot] com.",
        "Write to jane.example77(at)gmail.com.",
    ] {
        let site = fixture("minimal");
        add_to_about(site.path(), &format!("\n{written}\n"));
        let said = printed(&build(site.path()));
        assert!(
            said.contains("content/pages/about.md:9:10: error: an email address"),
            "{written}: {said}"
        );
        assert!(!said.contains("jane.example77"), "{said}");
        assert!(!site.path().join("public").exists());
    }
}

#[test]
fn personal_data_percent_escaped_in_a_link_is_found() {
    for written in [
        "[the form](https://example.org/form?nhs=943%20476%205919)",
        "[write to her](mailto:jane.example%40gmail.com)",
        "<a href=\"tel:943%2E476%2E5919\">call</a>",
    ] {
        let site = fixture("minimal");
        add_to_about(site.path(), &format!("\n{written}\n"));
        let outcome = build(site.path());
        let said = printed(&outcome);
        assert!(said.contains(": error: "), "{written:?}: {said}");
        assert!(
            !said.contains("476 5919") && !said.contains("jane.example"),
            "{written:?}: {said}"
        );
        assert!(!site.path().join("public").exists(), "{written:?}");
    }
}

#[test]
fn personal_data_in_other_digits_a_bare_country_code_or_a_month_and_year_of_birth_is_found() {
    // Each written in a page, and in a file of static/ (published as it is,
    // so judged in the output only).
    for (written, shown) in [
        ("Call her on 44 7700 900123.", "900123"),
        (
            "Her NHS number is \u{ff19}\u{ff14}\u{ff13} \u{ff14}\u{ff17}\u{ff16} \u{ff15}\u{ff19}\u{ff11}\u{ff19}.",
            "\u{ff15}\u{ff19}\u{ff11}\u{ff19}",
        ),
        (
            "Her NHS number is \u{96f}\u{96a}\u{969} \u{96a}\u{96d}\u{96c} \u{96b}\u{96f}\u{967}\u{96f}.",
            "\u{96b}\u{96f}\u{967}\u{96f}",
        ),
        (
            "Jane Smith, born in March 1950, lives nearby.",
            "March 1950",
        ),
        ("Jane Smith (DOB 03/1950) lives nearby.", "03/1950"),
    ] {
        for in_static in [false, true] {
            let site = fixture("minimal");
            if in_static {
                let at = site.path().join("static/notes.txt");
                std::fs::create_dir_all(at.parent().unwrap()).unwrap();
                std::fs::write(&at, format!("{written}\n")).unwrap();
            } else {
                add_to_about(site.path(), &format!("\n{written}\n"));
            }
            let outcome = build(site.path());
            let said = printed(&outcome);
            let place = match in_static {
                true => "static/notes.txt:1:",
                false => "content/pages/about.md:",
            };
            assert!(
                said.contains(place) && said.contains(": error: "),
                "{written:?}: {said}"
            );
            assert!(!said.contains(shown), "{written:?}: {said}");
            assert!(!site.path().join("public").exists(), "{written:?}");
        }
    }
}

#[test]
fn an_email_address_split_over_two_cells_of_a_table_is_found() {
    let site = fixture("minimal");
    add_to_about(
        site.path(),
        "\n| Name | Address |\n| --- | --- |\n| jane.smith | @gmail.com |\n",
    );
    let outcome = build(site.path());
    let said = printed(&outcome);
    assert!(
        said.contains("content/pages/about.md:") && said.contains("error: an email address"),
        "{said}"
    );
    assert!(!said.contains("jane.smith"), "{said}");
    assert!(!site.path().join("public").exists());
}

#[test]
fn text_bearing_colour_profiles_and_thumbnails_are_not_published() {
    let marked = |prefix: &[u8]| [prefix, MARKER].concat();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
    png.extend(png_chunk(b"iCCP", &marked(b"")));
    png.extend(png_chunk(b"sPLT", &marked(b"")));
    png.extend(png_chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]));
    png.extend(png_chunk(b"IEND", &[]));
    let seg = |m: u8, d: &[u8]| {
        let mut s = vec![0xFF, m];
        s.extend_from_slice(&((d.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(d);
        s
    };
    let mut jpeg = vec![0xFF, 0xD8];
    jpeg.extend(seg(0xE0, &marked(b"JFIF\0\x01\x02\0\0\x01\0\x01\x01\x01")));
    jpeg.extend(seg(0xE2, &marked(b"ICC_PROFILE\0\x01\x01")));
    jpeg.extend(seg(0xEE, &marked(b"Adobe\0\x64\0\0\0\0\x01")));
    jpeg.extend(seg(0xDB, &[0u8; 65]));
    jpeg.extend(seg(0xC0, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0]));
    jpeg.extend(seg(0xDA, &[1, 1, 0, 0, 63, 0]));
    jpeg.extend_from_slice(&[0x12, 0x34, 0xFF, 0xD9]);
    let site = fixture("minimal");
    attach(site.path(), &[("photo.png", png), ("photo.jpg", jpeg)]);
    let outcome = build(site.path());
    assert_ok(&outcome);
    let output = files(&site.path().join("public"));
    let marker = std::str::from_utf8(MARKER).unwrap();
    assert!(files_containing(&output, marker).is_empty());
    assert!(!printed(&outcome).contains(marker));
}

#[test]
fn personal_data_in_a_kept_image_palette_is_found() {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 3, 0, 0, 0]));
    png.extend(png_chunk(b"PLTE", b"NHS 943 476 5919 "));
    png.extend(png_chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]));
    png.extend(png_chunk(b"IEND", &[]));
    let site = fixture("minimal");
    attach(site.path(), &[("photo.png", png)]);
    let printed = printed(&build(site.path()));
    assert!(
        printed.contains("public/decisions/24-00001/report/photo.png: error: an NHS number (ending `919`) is in the output"),
        "{printed}"
    );
}
