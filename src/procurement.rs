//! The optional `[procurement]` table of `site.toml`: the facts about a
//! procurement that the pages do not carry but the Open Contracting Data
//! Standard needs (an ocid prefix, the tender period, the timetable).
//!
//! Lots come from `data/lots.csv` and suppliers from `data/providers.csv`, so
//! nothing is written twice. Everything here is public: exempt facts (prices,
//! scores, the award report) stay in their exempt sources, and the OCDS output
//! only says that they were withheld. This module must never hold exempt text.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::document::Date;

/// One procurement, published as an OCDS release package at `/data/ocds.json`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    inline,
    description = "A procurement that a decision approves, published as Open Contracting data (OCDS 1.1) at /data/ocds.json. Its lots come from data/lots.csv and its suppliers from data/providers.csv. Everything here is published."
)]
pub struct Procurement {
    // https://standard.open-contracting.org/1.1/en/schema/identifiers/
    /// The council's ocid prefix, registered with the OCDS Data Support Team: `ocds-` and six lower-case letters or digits, like "ocds-b5fd17".
    #[schemars(pattern(OCID_PREFIX_PATTERN))]
    pub ocid_prefix: String,
    /// The council's own reference for the procurement, in letters, digits and hyphens; it becomes part of the ocid, so never change it.
    #[schemars(pattern(ID_PATTERN))]
    pub id: String,
    /// The decision that approves it, by number, like "22/00073"; it must be on the site.
    #[schemars(with = "String", pattern(crate::source::DECISION_NUMBER_PATTERN))]
    pub decision: Spanned<String>,
    /// What the procurement is called.
    pub title: String,
    /// Plain words: what is being bought and for whom.
    pub description: String,
    /// The date of this release of the data, like 2022-07-13 (from the content, never the clock).
    pub published: Date,
    /// When bids could be made: `{ start = 2022-05-30, end = 2022-06-17 }`.
    pub tender_period: Period,
    /// When providers were told they had been admitted.
    #[serde(default)]
    pub awarded: Option<Date>,
    /// The timetable, earliest first, each `[[procurement.milestones]]` with a title, date and type.
    #[serde(default)]
    pub milestones: Vec<Milestone>,
}

/// The ocid prefix and id as `check` accepts them.
const OCID_PREFIX_PATTERN: &str = "^ocds-[a-z0-9]{6}$";
const ID_PATTERN: &str = "^[A-Za-z0-9-]+$";

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline)]
pub struct Period {
    /// The first day, like 2022-05-30.
    pub start: Date,
    /// The last day, like 2022-06-17.
    pub end: Date,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline)]
pub struct Milestone {
    /// What happens, in plain words.
    pub title: String,
    /// The day it is due, or the last day of a stage that spans several.
    pub date: Date,
    /// The OCDS milestone type: preProcurement, approval, engagement, assessment, delivery, reporting or financing.
    #[serde(rename = "type")]
    pub kind: MilestoneType,
}

/// The OCDS 1.1 `milestoneType` codelist (closed), standards/ocds/core/codelists/milestoneType.csv.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(inline)]
pub enum MilestoneType {
    PreProcurement,
    Approval,
    Engagement,
    Assessment,
    Delivery,
    Reporting,
    Financing,
}

/// Checks what `site.toml` cannot check alone of its `[procurement]`, if it
/// has one (`config_text` is the file's text): the decision exists, the lots
/// and providers it builds on exist, and dates are in order.
pub fn check(
    procurement: Option<&Procurement>,
    config_text: &str,
    decision_numbers: &[&str],
    dataset_names: &[&str],
    diagnostics: &mut Diagnostics,
) {
    let Some(p) = procurement else {
        return;
    };
    let at = |key: &str| crate::frontmatter::position_of_key(config_text, key);
    let file = crate::source::CONFIG_FILE;
    let number = p.decision.get_ref();
    if !decision_numbers.contains(&number.as_str()) {
        diagnostics.push(
            Diagnostic::error(file, format!("procurement decision `{number}` is not in this site"))
                .at(Position::of_offset(config_text, p.decision.span().start))
                .help("give the number of the decision that approves the procurement, like `decision = \"22/00073\"`"),
        );
    }
    for needed in ["lots", "providers"] {
        if !dataset_names.contains(&needed) {
            diagnostics.push(
                Diagnostic::error(file, format!("`[procurement]` needs data/{needed}.csv"))
                    .at(at("ocid_prefix"))
                    .help("the OCDS output takes its lots from data/lots.csv and its suppliers from data/providers.csv; add them, or remove `[procurement]`"),
            );
        }
    }
    let prefix_ok = p.ocid_prefix.len() == 11
        && p.ocid_prefix.starts_with("ocds-")
        && p.ocid_prefix[5..]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !prefix_ok {
        diagnostics.push(
            Diagnostic::error(file, format!("`{}` is not an ocid prefix", p.ocid_prefix))
                .at(at("ocid_prefix"))
                .help("an ocid prefix is `ocds-` and six lower-case letters or digits, like `ocds-b5fd17`; the OCDS Data Support Team registers one for free"),
        );
    }
    if p.id.is_empty() || !p.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        diagnostics.push(
            Diagnostic::error(file, format!("procurement id `{}` must be letters, digits and hyphens", p.id))
                .at(at("id"))
                .help("it becomes part of the ocid, which must never change: write it like `id = \"DPS-2022-001\"`"),
        );
    }
    if p.tender_period.end < p.tender_period.start {
        diagnostics.push(
            Diagnostic::error(file, "the tender period ends before it starts")
                .at(at("tender_period"))
                .help("write `tender_period = { start = 2022-05-30, end = 2022-06-17 }` with the start first"),
        );
    }
    if p.milestones.windows(2).any(|w| w[1].date < w[0].date) {
        diagnostics.push(
            Diagnostic::error(file, "the procurement milestones are not in date order")
                .at(Position::of_offset(
                    config_text,
                    config_text.find("[[procurement.milestones]]").unwrap_or(0),
                ))
                .help("list `[[procurement.milestones]]` earliest first"),
        );
    }
}

impl Procurement {
    /// The Open Contracting ID: the prefix, a hyphen and the local id.
    pub fn ocid(&self) -> String {
        format!("{}-{}", self.ocid_prefix, self.id)
    }
}
