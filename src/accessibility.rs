//! The generated part of the accessibility statement at /accessibility/.
//!
//! Public sector websites must publish an accessibility statement (the Public
//! Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility
//! Regulations 2018). A statement written once goes stale; this one is built
//! from `site.toml` (`[accessibility]`, `[contact]`) and from the checks
//! themselves: the build's lints are listed from the `RULES` constants beside
//! the code that enforces them, and the browser checks from [`BROWSER_CHECKS`],
//! which a test keeps equal to the table in tests/browser/README.md.
//!
//! The council's own words stay in content/pages/accessibility.md; the
//! template `accessibility.html` shows them first and these sections after.
//! This module never reads the clock: the dates come from site.toml.

use serde::Serialize;

use crate::config::{KnownIssue, SiteConfig};
use crate::diagnostics::Rule;

/// The checks the browser audit (tests/browser/audit.mjs) runs on every page
/// (`axe-phone` on a page of each kind), by the names it reports them under.
pub const BROWSER_CHECKS: &[(&str, Rule)] = &[
    (
        "axe",
        Rule {
            what: "axe-core tests every page against the WCAG 2.0, 2.1 and 2.2 A and AA rules it can automate, such as text alternatives, colour contrast, names and labels",
            wcag: "1.1.1, 1.3.1, 1.4.3, 2.4.2, 2.5.8, 3.1.1, 4.1.2 and others",
        },
    ),
    (
        "structure",
        Rule {
            what: "each page has one main heading, headings do not skip levels, all content is inside landmarks, and tables have captions and header cells",
            wcag: "1.3.1 Info and Relationships, 2.4.1 Bypass Blocks, 2.4.6 Headings and Labels",
        },
    ),
    (
        "keyboard",
        Rule {
            what: "the first Tab key press reaches a visible skip link, and it moves focus to the main content",
            wcag: "2.4.1 Bypass Blocks, 2.4.3 Focus Order, 2.4.7 Focus Visible",
        },
    ),
    (
        "reflow",
        Rule {
            what: "at 320 pixels wide, no page scrolls sideways",
            wcag: "1.4.10 Reflow",
        },
    ),
    (
        "axe-phone",
        Rule {
            what: "axe-core tests a page of each kind again at 320 pixels wide, where tables are stacked and lists wrap",
            wcag: "1.3.1, 1.4.3, 1.4.10, 2.5.8, 4.1.2 and others",
        },
    ),
    (
        "resize",
        Rule {
            what: "with text at 200%, text grows, nothing scrolls sideways and no text is cut off",
            wcag: "1.4.4 Resize Text",
        },
    ),
    (
        "links",
        Rule {
            what: "every link within the site, and every link to a part of a page, goes somewhere that exists",
            wcag: "2.4.4 Link Purpose",
        },
    ),
    (
        "vnu",
        Rule {
            what: "the Nu HTML Checker finds no errors in any page or stylesheet",
            wcag: "4.1.2 Name, Role, Value",
        },
    ),
];

/// Everything the generated sections show.
#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    pub standard: &'static str,
    /// "fully" or "partially", from the known issues.
    pub compliance: &'static str,
    pub known_issues: Vec<KnownIssue>,
    pub build_checks: Vec<Rule>,
    pub browser_checks: Vec<Rule>,
    /// The `[language]` targets, so the statement says what "plain" means here.
    pub summary_reading_age: f64,
    pub max_sentence_words: usize,
    pub prepared: Option<String>,
    pub reviewed: Option<String>,
}

/// The statement's generated sections for a site.
pub fn statement(config: &SiteConfig) -> Statement {
    let known_issues = config
        .accessibility
        .as_ref()
        .map(|a| a.known_issues.clone())
        .unwrap_or_default();
    Statement {
        standard: "the Web Content Accessibility Guidelines (WCAG) version 2.2 at level AA",
        compliance: if known_issues.is_empty() {
            "fully"
        } else {
            "partially"
        },
        known_issues,
        build_checks: crate::markdown::RULES
            .iter()
            .chain(crate::contrast::RULES)
            .chain(crate::scripts::RULES)
            .copied()
            .collect(),
        browser_checks: BROWSER_CHECKS.iter().map(|(_, r)| *r).collect(),
        summary_reading_age: config.language.summary_reading_age,
        max_sentence_words: config.language.max_sentence_words,
        prepared: config
            .accessibility
            .as_ref()
            .map(|a| a.prepared.to_string()),
        reviewed: config
            .accessibility
            .as_ref()
            .and_then(|a| a.reviewed.map(|d| d.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The statement must list exactly the checks the browser audit runs.
    #[test]
    fn browser_checks_match_the_audit_readme() {
        let readme = include_str!("../tests/browser/README.md");
        let table: Vec<&str> = readme
            .lines()
            .skip_while(|l| !l.starts_with("| check |"))
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(|l| l.split('`').nth(1).expect("a `check` name"))
            .collect();
        let ours: Vec<&str> = BROWSER_CHECKS.iter().map(|(n, _)| *n).collect();
        assert_eq!(table, ours);
        let audit = include_str!("../tests/browser/audit.mjs");
        for name in ours {
            assert!(
                audit.contains(&format!("'{name}'")) || audit.contains(&format!("\"{name}\"")),
                "audit.mjs has no check {name}"
            );
        }
    }
}
