//! The withholding report, written outside the output on every build
//! (DESIGN.md rule 4), so an officer can check at a glance what was held back.
//!
//! It names exempt sources and their public titles, never exempt text.

use std::path::Path;

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::output::{WriteError, write_atomic};
use crate::scan::{Fingerprints, Leak};
use crate::visibility::{WithheldItem, WithholdingReport};

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub items: Vec<WithheldItem>,
    /// Items whose `review_on` date has passed. Nothing is published because of it.
    pub review_overdue: Vec<WithheldItem>,
    /// The date the review dates were compared with.
    pub today: String,
    pub scanned: Scanned,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scanned {
    pub output_files: usize,
    pub text_fingerprints: usize,
    pub value_fingerprints: usize,
    pub file_fingerprints: usize,
}

impl Report {
    pub fn new(
        withheld: WithholdingReport,
        fingerprints: &Fingerprints,
        output_files: usize,
    ) -> Report {
        let today = today();
        let review_overdue = withheld
            .items
            .iter()
            .filter(|i| i.review_on.as_deref().is_some_and(|d| d <= today.as_str()))
            .cloned()
            .collect();
        let (text, values, files) = fingerprints.counts();
        Report {
            items: withheld.items,
            review_overdue,
            today,
            scanned: Scanned {
                output_files,
                text_fingerprints: text,
                value_fingerprints: values,
                file_fingerprints: files,
            },
        }
    }

    /// Writes `withholding.json` and `withholding.txt` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<(), WriteError> {
        let json = serde_json::to_string_pretty(self).expect("the report serialises") + "\n";
        write_atomic(&dir.join("withholding.json"), json.as_bytes())?;
        write_atomic(&dir.join("withholding.txt"), self.readable().as_bytes())
    }

    /// A short summary for people, as `check` prints it.
    pub fn readable(&self) -> String {
        let mut out = String::from("Withholding report\n==================\n\n");
        if self.items.is_empty() {
            out.push_str("Nothing is withheld.\n");
        }
        for i in &self.items {
            let label = i
                .label
                .as_deref()
                .map(|l| format!("{l}: "))
                .unwrap_or_default();
            out.push_str(&format!(
                "- {what} {label}{title} ({source}): withheld under paragraph {p} of Schedule 12A. Reason: {reason}{review}\n",
                what = i.what,
                title = i.public_title,
                source = i.source,
                p = i.paragraph,
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
        out.push_str(&format!(
            "\nScanned {} output files for {} text fingerprints, {} values and {} files from exempt sources.\n",
            self.scanned.output_files, self.scanned.text_fingerprints, self.scanned.value_fingerprints, self.scanned.file_fingerprints
        ));
        out
    }
}

/// Today for review dates: `SOURCE_DATE_EPOCH` when set, else the clock. The
/// report is for officers and lies outside the published output.
fn today() -> String {
    let date = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|t| t.date_naive())
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    date.format("%Y-%m-%d").to_string()
}

/// A leak as a content error on the exempt source. Names files, never text.
pub fn leak_diagnostic(leak: &Leak) -> Diagnostic {
    let how = match leak.how {
        "file" => "this exempt file was copied to",
        "value" => "an exempt value from this source appears in",
        _ => "text from this exempt source appears in",
    };
    Diagnostic::error(&leak.source, format!("{how} the output file `{}`; nothing was published", leak.output))
        .help("a template or document is copying exempt material into a public page; find what puts it there and remove it. If the text is genuinely public, publish it in a public document too")
}
