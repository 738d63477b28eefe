//! The withholding report, written outside the output on every build
//! (DESIGN.md rule 4), so an officer can check at a glance what was held back.
//!
//! It is written as `withholding.json` (for tools) and `withholding.html` (a
//! short, plain, accessible page for people). Besides what was withheld it
//! lists the information fields of published PDFs for a person to check, and
//! a summary of the personal-data guard.
//!
//! It names exempt sources and their public titles, never exempt text, and
//! never personal data (the guard's findings are counts here).

use std::path::Path;

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::guard;
use crate::output::{Prepared, WriteError, prepare_atomic};
use crate::pdfinfo::PdfInfo;
use crate::scan::{Fingerprints, Leak};
use crate::visibility::{WithheldItem, WithholdingReport};

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub items: Vec<WithheldItem>,
    /// Names and figures that public sources declare public though an
    /// exempt source states them too (`public_facts`), for an officer to confirm.
    pub declared_facts: Vec<crate::visibility::DeclaredFact>,
    /// Fields public by definition (who decides, the department, a
    /// schema's allowed values) that state a name or figure an exempt source
    /// states too, so that the scan does not look for it: for an officer to
    /// confirm, as a declaration is.
    pub public_by_field: Vec<crate::scan::Vouched>,
    /// Items whose `review_on` date has passed. Nothing is published because of it.
    pub review_overdue: Vec<WithheldItem>,
    /// The date the review dates were compared with: `Options::today`
    /// (`SOURCE_DATE_EPOCH`), else the clock. The only date in a build that
    /// can come from outside the content, so the report, which lies outside
    /// the published output, is the only place it appears.
    pub today: String,
    pub scanned: Scanned,
    /// Information fields of every published PDF, for a person to check.
    pub pdfs: Vec<PdfInfo>,
    /// What the personal-data guard checked and found.
    pub guard: guard::Summary,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scanned {
    pub output_files: usize,
    pub text_fingerprints: usize,
    pub value_fingerprints: usize,
    pub file_fingerprints: usize,
    pub fact_fingerprints: usize,
}

impl Report {
    pub fn new(
        withheld: WithholdingReport,
        fingerprints: &Fingerprints,
        output_files: usize,
        today: Option<chrono::NaiveDate>,
    ) -> Report {
        let today = today
            .unwrap_or_else(|| chrono::Utc::now().date_naive())
            .format("%Y-%m-%d")
            .to_string();
        let review_overdue = withheld
            .items
            .iter()
            .filter(|i| i.review_on.as_deref().is_some_and(|d| d <= today.as_str()))
            .cloned()
            .collect();
        let (text, values, files, facts) = fingerprints.counts();
        let mut declared_facts = withheld.declared_facts;
        declared_facts.sort();
        declared_facts.dedup();
        Report {
            items: withheld.items,
            declared_facts,
            public_by_field: withheld.public_by_field,
            review_overdue,
            today,
            scanned: Scanned {
                output_files,
                text_fingerprints: text,
                value_fingerprints: values,
                file_fingerprints: files,
                fact_fingerprints: facts,
            },
            pdfs: Vec::new(),
            guard: guard::Summary::default(),
        }
    }

    /// Adds the personal-data guard's summary and the PDFs it read.
    pub fn add_guard(&mut self, mut summary: guard::Summary) {
        self.pdfs = std::mem::take(&mut summary.pdfs);
        self.guard = summary;
    }

    /// `withholding.json` and `withholding.html`, written beside their places
    /// in `dir` (both at once), to be put in place when the build has
    /// published.
    pub fn prepare(&self, dir: &Path) -> Result<[Prepared; 2], WriteError> {
        debug_assert_eq!(FILES, ["withholding.json", "withholding.html"]);
        // Each grows with what is withheld: it is written as it is made.
        let (json, html) = rayon::join(
            || {
                prepare_atomic(&dir.join("withholding.json"), &mut |out| {
                    crate::opendata::json_write(out, self)
                })
            },
            || {
                prepare_atomic(&dir.join("withholding.html"), &mut |out| {
                    let mut html = FmtToIo { out, failed: None };
                    match self.write_html(&mut html) {
                        Ok(()) => Ok(()),
                        Err(_) => Err(html
                            .failed
                            .unwrap_or_else(|| std::io::Error::other("formatting"))),
                    }
                })
            },
        );
        Ok([json?, html?])
    }

    /// A short summary for people, as `check` prints it.
    pub fn readable(&self) -> String {
        let mut out = String::from("Withholding report\n==================\n\n");
        if self.items.is_empty() {
            out.push_str("Nothing is withheld.\n");
        }
        for i in &self.items {
            out.push_str(&format!(
                "- {what} {title} ({source}): withheld under {p} of Schedule 12A. Reason: {reason}{review}\n",
                what = i.what,
                title = i.titled(),
                source = i.source,
                p = crate::schedule12a::paragraphs_words(&i.paragraphs),
                reason = i.reason,
                review = i.review_on.as_deref().map(|d| format!(" Review by {d}.")).unwrap_or_default(),
            ));
        }
        if !self.review_overdue.is_empty() {
            out.push_str(&format!(
                "\nReview overdue on {} (still withheld; nothing is published automatically):\n",
                self.today
            ));
            for i in &self.review_overdue {
                out.push_str(&format!(
                    "- {} ({}): review was due {}\n",
                    i.public_title,
                    i.source,
                    i.review_on.as_deref().unwrap_or("")
                ));
            }
        }
        if !self.declared_facts.is_empty() {
            out.push_str("\nDeclared public (check each is meant to be published; an exempt source states it too):\n");
            for d in &self.declared_facts {
                out.push_str(&format!("- {} ({})\n", d.fact, d.source));
            }
        }
        if !self.public_by_field.is_empty() {
            out.push_str("\nPublic by their field (check each is meant to be published; an exempt source states it too):\n");
            for v in &self.public_by_field {
                out.push_str(&format!("- {} ({}, `{}`)\n", v.text, v.source, v.field));
            }
        }
        out.push_str(&format!("\n{}\n", self.scanned_sentence()));
        if !self.pdfs.is_empty() {
            out.push_str("\nPublished PDFs: check these information fields before publishing:\n");
            for pdf in &self.pdfs {
                out.push_str(&format!("- {}: {}\n", pdf.file, pdf_summary(pdf)));
            }
        }
        out.push_str(&format!("\n{}\n", self.guard_sentence()));
        out
    }

    fn scanned_sentence(&self) -> String {
        format!(
            "Scanned {} output files for {} text fingerprints, {} values, {} files and {} spellings of names and figures from exempt sources.",
            self.scanned.output_files,
            self.scanned.text_fingerprints,
            self.scanned.value_fingerprints,
            self.scanned.file_fingerprints,
            self.scanned.fact_fingerprints
        )
    }

    fn guard_sentence(&self) -> String {
        let g = &self.guard;
        let personal: usize = g.personal_data.values().sum();
        let kinds = if personal == 0 {
            String::new()
        } else {
            format!(
                " ({})",
                g.personal_data
                    .iter()
                    .map(|(k, n)| format!("{k}: {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        format!(
            "Personal-data guard: checked {} output files; {personal} personal data finding{}{kinds}; {} small number{} of people; {} of {} published images still carrying metadata.",
            g.files_checked,
            if personal == 1 { "" } else { "s" },
            g.small_numbers,
            if g.small_numbers == 1 { "" } else { "s" },
            g.images_with_metadata,
            g.images_checked,
        )
    }

    /// The report as a short, plain HTML page (one h1, tables with captions
    /// and header scopes, `lang="en-GB"`, no scripts), for officers,
    /// written to `h` as it is made.
    fn write_html(&self, h: &mut dyn std::fmt::Write) -> std::fmt::Result {
        h.write_str(
            "<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>Withholding report</title>\n\
             <style>body{font-family:sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;line-height:1.5}\
             table{border-collapse:collapse;width:100%}th,td{border:1px solid #555;padding:.25rem .5rem;text-align:left;vertical-align:top}\
             caption{text-align:left;font-weight:bold}</style>\n</head>\n<body>\n<main>\n<h1>Withholding report</h1>\n",
        )?;
        writeln!(
            h,
            "<p>For officers: what this build held back under Schedule 12A to the Local Government Act 1972, and what to check by hand. It is not published. Review dates were compared with {}.</p>",
            crate::render::html_escape(&self.today)
        )?;
        h.write_str("<h2>Withheld</h2>\n")?;
        if self.items.is_empty() {
            h.write_str("<p>Nothing is withheld.</p>\n")?;
        } else {
            h.write_str("<table>\n<caption>Every withheld document, attachment, column and passage</caption>\n<thead><tr><th scope=\"col\">What</th><th scope=\"col\">Public title</th><th scope=\"col\">Source</th><th scope=\"col\">Paragraph</th><th scope=\"col\">Reason</th><th scope=\"col\">Review by</th></tr></thead>\n<tbody>\n")?;
            for i in &self.items {
                writeln!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    crate::render::html_escape(i.what),
                    crate::render::html_escape(&i.titled()),
                    crate::render::html_escape(&i.source),
                    i.paragraphs
                        .iter()
                        .map(u8::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    crate::render::html_escape(&i.reason),
                    crate::render::html_escape(i.review_on.as_deref().unwrap_or("none set")),
                )?;
            }
            h.write_str("</tbody>\n</table>\n")?;
        }
        h.write_str("<h2>Reviews overdue</h2>\n")?;
        if self.review_overdue.is_empty() {
            h.write_str("<p>No review is overdue.</p>\n")?;
        } else {
            h.write_str("<p>These are still withheld: nothing is published automatically when a review date passes.</p>\n<ul>\n")?;
            for i in &self.review_overdue {
                writeln!(
                    h,
                    "<li>{} ({}): review was due {}</li>",
                    crate::render::html_escape(&i.public_title),
                    crate::render::html_escape(&i.source),
                    crate::render::html_escape(i.review_on.as_deref().unwrap_or(""))
                )?;
            }
            h.write_str("</ul>\n")?;
        }
        h.write_str("<h2>Declared public</h2>\n")?;
        if self.declared_facts.is_empty() {
            h.write_str("<p>No public source declares a name or figure public.</p>\n")?;
        } else {
            h.write_str("<p>An exempt source states each of these names and figures too; the public source declares it public (<code>public_facts</code>). Check each is meant to be published.</p>\n<table>\n<caption>Names and figures declared public</caption>\n<thead><tr><th scope=\"col\">Name or figure</th><th scope=\"col\">Declared in</th></tr></thead>\n<tbody>\n")?;
            for d in &self.declared_facts {
                writeln!(
                    h,
                    "<tr><td>{}</td><td>{}</td></tr>",
                    crate::render::html_escape(&d.fact),
                    crate::render::html_escape(&d.source)
                )?;
            }
            h.write_str("</tbody>\n</table>\n")?;
        }
        h.write_str("<h2>Public by their field</h2>\n")?;
        if self.public_by_field.is_empty() {
            h.write_str("<p>No field that is public by law or by the council's settings states a name or figure that an exempt source states.</p>\n")?;
        } else {
            h.write_str("<p>An exempt source states each of these names and figures too, and the field it is written in (who decides, the department, a dataset's allowed values, the site's settings) makes it public, so the output is not searched for it. Check each is meant to be published.</p>\n<table>\n<caption>Names and figures public by their field</caption>\n<thead><tr><th scope=\"col\">What the field says</th><th scope=\"col\">Field</th><th scope=\"col\">Written in</th></tr></thead>\n<tbody>\n")?;
            for v in &self.public_by_field {
                writeln!(
                    h,
                    "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                    crate::render::html_escape(&v.text),
                    crate::render::html_escape(&v.field),
                    crate::render::html_escape(&v.source)
                )?;
            }
            h.write_str("</tbody>\n</table>\n")?;
        }
        h.write_str("<h2>Published PDFs</h2>\n")?;
        if self.pdfs.is_empty() {
            h.write_str("<p>No PDF is published.</p>\n")?;
        } else {
            h.write_str("<p>Check that these information fields name no person and no exempt matter.</p>\n<table>\n<caption>Document information of published PDFs</caption>\n<thead><tr><th scope=\"col\">File</th><th scope=\"col\">Fields</th><th scope=\"col\">XMP metadata</th></tr></thead>\n<tbody>\n")?;
            for pdf in &self.pdfs {
                let fields = match &pdf.could_not_read {
                    Some(why) => crate::render::html_escape(why),
                    None if pdf.fields.is_empty() => "none".to_string(),
                    None => pdf
                        .fields
                        .iter()
                        .map(|(k, v)| {
                            format!(
                                "{}: {}",
                                crate::render::html_escape(k),
                                crate::render::html_escape(v)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("<br>"),
                };
                writeln!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    crate::render::html_escape(&pdf.file),
                    fields,
                    if pdf.xmp_metadata {
                        "present: check it in a PDF reader"
                    } else {
                        "none"
                    }
                )?;
            }
            h.write_str("</tbody>\n</table>\n")?;
        }
        writeln!(
            h,
            "<h2>Checks</h2>\n<p>{}</p>\n<p>{}</p>\n</main>\n</body>\n</html>",
            crate::render::html_escape(&self.scanned_sentence()),
            crate::render::html_escape(&self.guard_sentence())
        )
    }
}

/// One line about a PDF's information fields.
/// The files the report is written as, in the report's folder.
pub const FILES: [&str; 2] = ["withholding.json", "withholding.html"];

/// The first of the report's files already in `dir` that this program did
/// not write, which writing the report would replace: the build refuses
/// before it starts rather than overwrite an officer's own file.
pub fn someone_elses(dir: &Path) -> Option<std::path::PathBuf> {
    crate::output::someone_elses(
        dir,
        &[
            (FILES[0], b"{\n  \"items\": [", b""),
            (
                FILES[1],
                b"<!doctype html>\n",
                b"<title>Withholding report</title>",
            ),
        ],
    )
}

fn pdf_summary(pdf: &PdfInfo) -> String {
    let mut parts: Vec<String> = match &pdf.could_not_read {
        Some(why) => vec![why.clone()],
        None if pdf.fields.is_empty() => vec!["no information fields".to_string()],
        None => pdf
            .fields
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect(),
    };
    if pdf.xmp_metadata {
        parts.push("XMP metadata present".to_string());
    }
    parts.join("; ")
}

/// The date a `SOURCE_DATE_EPOCH` value names (reproducible-builds.org: an
/// integer number of seconds since 1970-01-01 00:00:00 UTC, as `date +%s`
/// prints it), as a UTC calendar date. Anything else is refused with a
/// sentence saying what is wrong and what to do, never silently ignored: a
/// build that quietly fell back to the clock would not be reproducible.
pub fn source_date_epoch(value: &str) -> Result<chrono::NaiveDate, String> {
    let fix = "set it to a whole number of seconds since 1970-01-01 UTC, like `SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)`, or unset it to use today's date";
    let digits = value.strip_prefix('-').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "SOURCE_DATE_EPOCH is `{}`, which is not a whole number of seconds: {fix}",
            value.escape_debug()
        ));
    }
    value
        .parse::<i64>()
        .ok()
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|t| t.date_naive())
        .ok_or_else(|| {
            format!(
                "SOURCE_DATE_EPOCH `{value}` is outside the dates this tool can represent: {fix}"
            )
        })
}

/// A leak as a content error on the exempt source. Names files, never text.
pub fn leak_diagnostic(leak: &Leak) -> Diagnostic {
    if leak.how == "unreadable" && leak.output.ends_with(".pdf") {
        return Diagnostic::error(&leak.source, "this PDF's text could not be read, so it could not be scanned for exempt text; nothing was published")
            .help("the personal-data guard's error on the same file says why; re-save the PDF (for example as PDF/A) and attach it again");
    }
    if leak.how == "unreadable" {
        return Diagnostic::error(&leak.source, "this output file is compressed and could not be opened, so it could not be scanned; nothing was published")
            .help("every output file must be scanned for exempt text; this is a bug in plainsight, please report it");
    }
    let how = match leak.how {
        "file" => "this exempt file was copied to",
        "value" => "an exempt value from this source appears in",
        "fact" => "a name or figure from this exempt source appears in",
        _ => "text from this exempt source appears in",
    };
    // No line of the source is named: the scan of an output file knows
    // which exempt source its text matches, not where in that source it is.
    Diagnostic::error(&leak.source, format!("{how} the output file `{}` (found there by the scan, which does not say where in this source it is written); nothing was published", leak.output))
        .help("a template or document is copying exempt material into a public page; find what puts it there and remove it. If the text is genuinely public, publish it in a public document too")
}

/// The error for an output file that is not what the last build wrote (it
/// was changed after it was published) and that holds exempt text.
pub fn altered_leak_diagnostic(leak: &Leak) -> Diagnostic {
    Diagnostic::error(&leak.source, format!("text from this exempt source appears in the output file `{}`, which was changed after plainsight wrote it; nothing was published", leak.output))
        .help("the output folder may already be online with exempt text in it: find out what changed it, take it down if it is published, then delete the output folder and build again")
}

/// Text written to a file: `fmt::Write` over `io::Write`, keeping the I/O error.
struct FmtToIo<'a> {
    out: &'a mut dyn std::io::Write,
    failed: Option<std::io::Error>,
}

impl std::fmt::Write for FmtToIo<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.out.write_all(s.as_bytes()).map_err(|e| {
            self.failed = Some(e);
            std::fmt::Error
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_date_epoch_is_seconds_since_1970_utc() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(source_date_epoch("0"), Ok(d(1970, 1, 1)));
        assert_eq!(source_date_epoch("1700000000"), Ok(d(2023, 11, 14)));
        // 23:59:59 UTC is still that day, wherever the build runs.
        assert_eq!(source_date_epoch("86399"), Ok(d(1970, 1, 1)));
        assert_eq!(source_date_epoch("-86400"), Ok(d(1969, 12, 31)));
    }

    #[test]
    fn malformed_source_date_epoch_is_refused() {
        for bad in [
            "",
            " ",
            "1700000000 ",
            " 1700000000",
            "+1700000000",
            "1.5",
            "1e9",
            "-",
            "2024-01-01",
            "abc",
            "99999999999999999999",
            "9223372036854775807",
        ] {
            let err = source_date_epoch(bad).expect_err(bad);
            assert!(err.contains("SOURCE_DATE_EPOCH"), "{err}");
        }
    }
}
