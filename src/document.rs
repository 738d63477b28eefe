//! Parsing one document: front matter into typed fields, checked on its own.
//!
//! `Document::parse` works on a string, so tests need no disk. Checks that need
//! other documents (related decisions, declared files) happen in `site`.
//! Nothing here renders Markdown: an exempt body must never be turned into HTML.
//!
//! The front-matter types also describe themselves as JSON Schema
//! ([`front_matter_schema`], for `plainsight schema`): their fields, types and
//! doc comments, plus the checks below that a schema can state, each written
//! beside the check it mirrors. A schema must never refuse what the parser
//! accepts (editors would underline correct records).

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};
use toml::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics, NOT_SHOWN, Position, Quoting};
use crate::frontmatter;
use crate::source::is_decision_number;

/// A calendar date written as a bare TOML date (`2022-07-13`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        if !deserializer.is_human_readable() {
            // The build cache (postcard) reads back what `Serialize` wrote.
            let text = String::deserialize(deserializer)?;
            return NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| D::Error::custom(format!("`{text}` is not a date like 2022-07-13")));
        }
        let value = toml::value::Datetime::deserialize(deserializer)?;
        match (value.date, value.time, value.offset) {
            (Some(d), None, None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                    .map(Date)
                    .ok_or_else(|| D::Error::custom("not a real calendar date"))
            }
            _ => Err(D::Error::custom(
                "expected a date like 2022-07-13, without a time",
            )),
        }
    }
}

/// Written back as `2022-07-13`, for templates, open data and the build cache.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A TOML date is a string to a JSON Schema (editors convert TOML to JSON so),
/// so the schema can say its form but cannot tell it from a quoted string.
impl JsonSchema for Date {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        })
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Date {
    /// "30 March 2024", as messages and pages say a date.
    pub fn in_words(self) -> String {
        self.0.format("%-d %B %Y").to_string()
    }
}

/// A month, for a decision whose notice gives only the month it is
/// expected in ("September 2024").
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, Deserialize,
)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// `2024-09` or `September 2024` (a month's full name, any case).
    pub fn parse(text: &str) -> Option<Month> {
        let text = text.trim();
        let month = if let Some((y, m)) = text.split_once('-') {
            let ok = y.len() == 4
                && m.len() == 2
                && (y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit());
            if !ok {
                return None;
            }
            Month {
                year: y.parse().ok()?,
                month: m.parse().ok()?,
            }
        } else {
            let (name, y) = text.split_once(' ')?;
            let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(name))? as u32 + 1;
            if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Month {
                year: y.parse().ok()?,
                month,
            }
        };
        NaiveDate::from_ymd_opt(month.year, month.month, 1).map(|_| month)
    }

    pub fn first_day(self) -> Date {
        Date(NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("checked when read"))
    }

    /// The first day of the next month.
    pub fn next_first_day(self) -> Date {
        let (year, month) = match self.month {
            12 => (self.year + 1, 1),
            m => (self.year, m + 1),
        };
        Date(NaiveDate::from_ymd_opt(year, month, 1).expect("a real month"))
    }

    /// "September 2024".
    pub fn in_words(self) -> String {
        format!("{} {}", MONTHS[self.month as usize - 1], self.year)
    }
}

/// `2024-09`, as HTML's `<time datetime>` and open data write a month.
impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `due` as a notice states it: a day (`due = 2024-09-17`) or only the
/// month (`due = "September 2024"` or `due = "2024-09"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    Day(Date),
    Month(Month),
}

impl<'de> Deserialize<'de> for Due {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match toml::Value::deserialize(deserializer)? {
            toml::Value::Datetime(value) => match (value.date, value.time, value.offset) {
                (Some(d), None, None) => NaiveDate::from_ymd_opt(
                    i32::from(d.year),
                    u32::from(d.month),
                    u32::from(d.day),
                )
                .map(|d| Due::Day(Date(d)))
                .ok_or_else(|| D::Error::custom("not a real calendar date")),
                _ => Err(D::Error::custom(
                    "expected a date like 2024-09-17, without a time",
                )),
            },
            toml::Value::String(text) => Month::parse(&text).map(Due::Month).ok_or_else(|| {
                D::Error::custom(format!(
                    "`{text}` is neither a day nor a month: write a day as a bare date, `due = 2024-09-17` (no quotes), or, when the notice gives only the month, `due = \"September 2024\"` or `due = \"2024-09\"`"
                ))
            }),
            _ => Err(D::Error::custom(
                "expected a date like 2024-09-17 (no quotes), or a month like \"September 2024\"",
            )),
        }
    }
}

/// When a proposed decision is expected, as its notice states it: on a
/// day (`due`), on or after a day (`not_before`), or some day in a month
/// (`due = "September 2024"`). Every page, listing and calendar says it
/// with [`Expected::words`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
pub enum Expected {
    On(Date),
    NotBefore(Date),
    In(Month),
}

impl Expected {
    /// The soonest day it could be taken: what the 28-clear-day rule and
    /// the private-meeting notice are counted to, and what it sorts by.
    pub fn earliest(self) -> Date {
        match self {
            Expected::On(d) | Expected::NotBefore(d) => d,
            Expected::In(m) => m.first_day(),
        }
    }

    /// "on 29 July 2022", "on or after 1 September 2024", "in September 2024".
    pub fn words(self) -> String {
        match self {
            Expected::On(d) => format!("on {}", d.in_words()),
            Expected::NotBefore(d) => format!("on or after {}", d.in_words()),
            Expected::In(m) => format!("in {}", m.in_words()),
        }
    }

    /// `2022-07-29`, or `2024-09` for a month: valid in `<time datetime>`.
    pub fn datetime(self) -> String {
        match self {
            Expected::On(d) | Expected::NotBefore(d) => d.to_string(),
            Expected::In(m) => m.to_string(),
        }
    }
}

/// What Schedule 12A exempts and why, as declared by the author.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "Withholds this under Schedule 12A to the Local Government Act 1972: `{ paragraph = 3, reason = \"...\" }`. Only its label, public title and a notice saying why are published.",
    transform = exemption_schema
)]
pub struct Exemption {
    // Described from `schedule12a` by `exemption_schema`.
    #[schemars(with = "i64")]
    pub paragraph: Spanned<Paragraphs>,
    /// Why it is withheld, in plain words, without giving the secret away. The public sees it.
    #[schemars(pattern(NOT_BLANK))]
    pub reason: String,
    /// When the exemption should next be reviewed, a date like 2026-08-15. Nothing is published automatically when it passes.
    #[serde(default)]
    pub review_on: Option<Date>,
    /// The council's statement of why keeping it private is, for now, in the public interest. When absent, the standard statement for England is shown.
    #[serde(default)]
    pub public_interest: Option<String>,
}

/// `paragraph = 3`, or `paragraph = [3, 5]` when more than one paragraph
/// of Schedule 12A applies to the same paper. `understand_status` checks
/// each is 1 to 7, that there is at least one, and none twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraphs(pub Vec<i64>);

impl Paragraphs {
    /// Checked: each is 1 to 7.
    pub fn as_u8(&self) -> Vec<u8> {
        self.0
            .iter()
            .map(|p| u8::try_from(*p).expect("checked: paragraphs are 1 to 7"))
            .collect()
    }
}

impl<'de> Deserialize<'de> for Paragraphs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Paragraphs;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a paragraph number like 3, or a list of them like [3, 5]")
            }

            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Paragraphs, E> {
                Ok(Paragraphs(vec![n]))
            }

            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Paragraphs, E> {
                Ok(Paragraphs(vec![i64::try_from(n).unwrap_or(i64::MAX)]))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Paragraphs, A::Error> {
                let mut all = Vec::new();
                while let Some(n) = seq.next_element::<i64>()? {
                    all.push(n);
                }
                Ok(Paragraphs(all))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A pattern for text that must not be empty or only spaces (the checks
/// here use `trim().is_empty()`).
pub const NOT_BLANK: &str = r"\S";

/// `paragraph` is one of Part 1 of Schedule 12A, each described, as
/// `understand_status` checks.
fn exemption_schema(schema: &mut Schema) {
    let covers: Vec<String> = crate::schedule12a::PARAGRAPHS
        .map(|n| {
            format!(
                "{n}: information about {}",
                crate::schedule12a::covers(n as u8)
            )
        })
        .collect();
    if let Some(paragraph) = schema.pointer_mut("/properties/paragraph") {
        let one = json!({
            "type": "integer",
            "minimum": crate::schedule12a::PARAGRAPHS.start(),
            "maximum": crate::schedule12a::PARAGRAPHS.end(),
        });
        *paragraph = json!({
            "description": format!(
                "The paragraph of Part 1 of Schedule 12A that exempts it, {} to {}, or a list of each that does, like [3, 5]. {}.",
                crate::schedule12a::PARAGRAPHS.start(),
                crate::schedule12a::PARAGRAPHS.end(),
                covers.join("; ")
            ),
            "anyOf": [one, { "type": "array", "items": one, "minItems": 1, "uniqueItems": true }],
        });
    }
}

/// Whether a document, attachment or column is published. There is no default:
/// `Status` only exists once a declaration has been read and understood.
#[derive(Debug, Clone)]
pub enum Status {
    Public,
    Exempt(Exemption),
}

impl Status {
    /// Whether messages may quote what a source with this status says.
    pub fn quoting(&self) -> Quoting {
        match self {
            Status::Public => Quoting::Public,
            Status::Exempt(_) => Quoting::Withheld,
        }
    }
}

/// How messages may quote a document whose front matter could not be read
/// into its type (its status is then not known). Fail closed: only when the
/// front matter reads as TOML, its kind is published by default or it says
/// `public = true`, and no key anywhere in it is `exempt`, `public` other
/// than `true`, or a near miss of either (a misspelt `exmept` shows the
/// author meant to withhold something).
pub fn quoting_of(front_matter: &str) -> Quoting {
    let Ok(table) = toml::from_str::<toml::Table>(front_matter) else {
        return Quoting::Withheld;
    };
    let public = table.get("public").map(toml::Value::as_bool);
    let published = match table.get("kind").and_then(toml::Value::as_str) {
        Some("decision" | "report" | "eqia" | "page") => public.is_none_or(|p| p == Some(true)),
        Some("appendix") => public == Some(Some(true)),
        _ => false,
    };
    if published && !declares_withholding(&table) {
        Quoting::Public
    } else {
        Quoting::Withheld
    }
}

/// Whether any key, at any depth, declares or nearly declares that
/// something is withheld.
pub fn declares_withholding(table: &toml::Table) -> bool {
    fn value(v: &toml::Value) -> bool {
        match v {
            toml::Value::Table(t) => declares_withholding(t),
            toml::Value::Array(items) => items.iter().any(value),
            _ => false,
        }
    }
    table.iter().any(|(key, v)| {
        let key = key.to_lowercase();
        let near = |word: &str| key.contains(word) || frontmatter::edit_distance(&key, word) <= 2;
        let withholding = near("exempt")
            || (key == "public" && v.as_bool() != Some(true))
            || (key != "public" && frontmatter::edit_distance(&key, "public") <= 2);
        withholding || value(v)
    })
}

/// The kinds of document (DESIGN.md, "Content").
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[schemars(
    inline,
    description = "What kind of document this is: decision (the record of a decision), report (to a committee), eqia (an Equality Impact Assessment), appendix (any other paper of a decision) or page (a plain page under content/pages/)."
)]
pub enum Kind {
    Decision,
    Report,
    Eqia,
    Appendix,
    Page,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Decision,
        Kind::Report,
        Kind::Eqia,
        Kind::Appendix,
        Kind::Page,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Decision => "decision",
            Kind::Report => "report",
            Kind::Eqia => "eqia",
            Kind::Appendix => "appendix",
            Kind::Page => "page",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(inline)]
pub enum DecisionStatus {
    Proposed,
    Taken,
    CalledIn,
    Withdrawn,
}

impl DecisionStatus {
    pub const ALL: [DecisionStatus; 4] = [
        DecisionStatus::Proposed,
        DecisionStatus::Taken,
        DecisionStatus::CalledIn,
        DecisionStatus::Withdrawn,
    ];

    /// The date a decision in this state must give: when it is due, or
    /// when it was taken or withdrawn.
    pub fn date_key(self) -> &'static str {
        match self {
            DecisionStatus::Proposed => "due",
            DecisionStatus::Taken | DecisionStatus::CalledIn => "taken",
            DecisionStatus::Withdrawn => "withdrawn",
        }
    }

    /// Whether the decision has not been taken, so has no `taken` date.
    pub fn not_taken(self) -> bool {
        matches!(self, DecisionStatus::Proposed | DecisionStatus::Withdrawn)
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline)]
pub struct Alternative {
    /// An option the decision maker considered.
    pub option: String,
    /// Why it was rejected, in plain words.
    pub why_rejected: String,
}

/// Whether a decision can be called in, and, once it has been, by whom and
/// with what outcome. Call-in lets councillors who scrutinise the council's
/// work ask for a decision made but not yet carried out to be looked at again.
#[derive(Debug, Clone, Deserialize, serde::Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline, transform = call_in_schema)]
pub struct CallIn {
    /// Whether scrutiny councillors can call the decision in before it is carried out.
    pub subject: bool,
    /// The last day the decision can be called in, a date like 2022-08-08 (when `subject = true`).
    #[serde(default)]
    pub deadline: Option<Date>,
    /// The day from which the decision can be carried out, a date like 2022-08-09 (when `subject = true`).
    #[serde(default)]
    pub implement_from: Option<Date>,
    /// Why the decision cannot be called in, for example urgency (when `subject = false`).
    #[serde(default)]
    pub reason: Option<String>,
    /// The day the decision was called in, a date like 2024-03-05. Needed when `status = "called-in"`; on or before `deadline`.
    #[serde(default)]
    pub requested_on: Option<Date>,
    /// Who called it in: a committee ("Scrutiny Committee"), or councillors by name, acting in their public role. Needed with `requested_on`.
    #[serde(default)]
    pub by: Option<String>,
    /// What became of the call-in: "upheld" (the decision stands and can be carried out), "referred back" (back to the decision maker to think again) or "withdrawn" (the call-in was withdrawn, so the decision stands). Needs `decided_on`.
    #[serde(default)]
    pub outcome: Option<CallInOutcome>,
    /// The day the call-in's outcome was decided, a date like 2024-03-20. Needs `outcome`.
    #[serde(default)]
    pub decided_on: Option<Date>,
}

/// What became of a call-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[schemars(inline)]
pub enum CallInOutcome {
    // The decision stands as it was made, and can be carried out.
    #[serde(rename = "upheld")]
    Upheld,
    // The decision goes back to the decision maker to think again.
    #[serde(rename = "referred back")]
    ReferredBack,
    // Those who called it in withdrew their request: the decision stands.
    #[serde(rename = "withdrawn")]
    Withdrawn,
}

/// The route the law allows for a key decision taken without 28 clear
/// days' notice in the forward plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(inline)]
pub enum UrgencyRoute {
    // 2012 Executive Arrangements Regulations, reg. 10: the scrutiny chair
    // told in writing, a notice with the reasons published, then 5 clear days.
    GeneralException,
    // Reg. 11: the scrutiny chair agrees that the decision is urgent and
    // cannot reasonably be deferred.
    SpecialUrgency,
}

/// `urgency = { route, reasons, scrutiny_chair }` of a key decision.
#[derive(Debug, Clone, Deserialize, serde::Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline)]
pub struct Urgency {
    /// "general-exception" (regulation 10: the scrutiny chair told in writing, the reasons published, then at least 5 clear days) or "special-urgency" (regulation 11: the scrutiny chair agrees it is urgent and cannot reasonably be deferred).
    pub route: UrgencyRoute,
    /// Why the decision could not wait, in plain words, as the published notice gives them.
    #[schemars(pattern(NOT_BLANK))]
    pub reasons: String,
    /// The day the chair of the overview and scrutiny committee was told in writing (general exception) or agreed (special urgency), a date like 2024-03-20; on or before the decision.
    pub scrutiny_chair: Date,
}

/// `check_decision`'s rule for `call_in`: subject to call-in with both
/// dates and no reason, or not, with a reason, no dates and no call-in;
/// and `check_call_in`'s: a call-in says who made it, an outcome its day.
fn call_in_schema(schema: &mut Schema) {
    depend(schema, "requested_on", json!({ "required": ["by"] }));
    for key in ["by", "outcome", "decided_on"] {
        depend(schema, key, json!({ "required": ["requested_on"] }));
    }
    depend(schema, "outcome", json!({ "required": ["decided_on"] }));
    depend(schema, "decided_on", json!({ "required": ["outcome"] }));
    schema.insert(
        "if".into(),
        json!({ "properties": { "subject": { "const": true } } }),
    );
    schema.insert(
        "then".into(),
        json!({ "required": ["deadline", "implement_from"], "not": { "required": ["reason"] } }),
    );
    schema.insert(
        "else".into(),
        json!({
            "required": ["reason"],
            "not": { "anyOf": [
                { "required": ["deadline"] },
                { "required": ["implement_from"] },
                { "required": ["requested_on"] },
            ] },
        }),
    );
}

/// A related decision that is not on this site, cited by its number, title
/// and the address where it is published.
#[derive(Debug, Clone, Deserialize, serde::Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline)]
pub struct RelatedElsewhere {
    /// Its number as its council writes it, like "21/00091".
    #[schemars(pattern(NOT_BLANK))]
    pub number: String,
    /// Its title, as published.
    #[schemars(pattern(NOT_BLANK))]
    pub title: String,
    /// Where it is published: a secure web address starting https://, like "https://democracy.kent.gov.uk/ieDecisionDetails.aspx?ID=2468".
    #[schemars(pattern(HTTPS_URL))]
    pub url: String,
    /// For another council's decision, that council's name, like "Medway Council".
    // Always written (`null` when none): the build cache's encoding
    // (postcard) reads fields by position, so a field left out would not
    // read back.
    #[serde(default)]
    pub council: Option<String>,
}

/// What `related_elsewhere`'s `url` must be: `https://`, a host, no spaces.
pub const HTTPS_URL: &str =
    r"^https://[A-Za-z0-9][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)+(:[0-9]+)?(/\S*)?$";

#[derive(Debug, Clone, Deserialize, serde::Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline)]
pub struct PathwayStep {
    /// The date of the meeting or step, like 2022-07-13.
    pub date: Date,
    /// Who meets or acts, like "Adult Social Care Cabinet Committee".
    pub body: String,
    /// What happens there, in plain words.
    pub what: String,
}

/// `due` to a JSON Schema: a date, or a month written as a string.
#[derive(JsonSchema)]
#[schemars(inline, untagged)]
#[allow(dead_code)]
enum DueSchema {
    Day(Date),
    /// A month, when the notice gives no day: "September 2024" or "2024-09".
    Month(#[schemars(pattern(MONTH_PATTERN))] String),
}

/// What [`Month::parse`] reads.
const MONTH_PATTERN: &str = "^([0-9]{4}-(0[1-9]|1[0-2])|(?i:january|february|march|april|may|june|july|august|september|october|november|december) [0-9]{4})$";

/// `lead_officer`: who leads on a decision and how to reach them.
#[derive(Debug, Clone, Deserialize, serde::Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline)]
pub struct LeadOfficer {
    /// Their name, like "Simon Mitchell".
    #[schemars(pattern(NOT_BLANK))]
    pub name: String,
    /// Their job, like "Senior Commissioner".
    #[schemars(pattern(NOT_BLANK))]
    pub role: String,
    /// Their work email address, published. Give `email`, `phone` or both.
    #[serde(default)]
    pub email: Option<String>,
    /// Their work phone number, published, like "03000 417156".
    #[serde(default)]
    pub phone: Option<String>,
}

/// One change to a published record, in `amended`.
#[derive(Debug, Clone, Deserialize, serde::Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline)]
pub struct Amendment {
    /// The day of the change, a date like 2022-08-10.
    pub on: Date,
    /// What changed, in plain words, like "Corrected the call-in deadline".
    #[schemars(pattern(NOT_BLANK))]
    pub what: String,
}

/// The front matter of a decision record (2012 Executive Arrangements
/// Regulations, reg. 13: decision, date, reasons, alternatives, interests, dispensations).
/// Its doc comments are what editors show on hover: they are for the
/// officers who write records.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "A decision record (kind = \"decision\")",
    description = "The record of a decision, proposed or taken, in content/decisions/NN-NNNNN/decision.md. The 2012 Executive Arrangements Regulations ask for the decision, its date, the reasons, the alternatives considered and rejected, interests declared and dispensations.",
    transform = decision_schema
)]
pub struct DecisionFront {
    #[allow(dead_code)]
    #[schemars(with = "Kind")]
    kind: String,
    /// The council's reference: two digits for the year, a slash and five digits, like "22/00073". The folder is named the same with a dash (22-00073).
    #[schemars(with = "String", pattern(crate::source::DECISION_NUMBER_PATTERN))]
    pub number: Spanned<String>,
    /// What is being decided, in a few plain words.
    pub title: String,
    /// Two or three plain sentences for residents: what is being decided and what it means for them. Its reading age is measured.
    #[schemars(pattern(NOT_BLANK))]
    pub summary: String,
    /// Who takes the decision: the post, like "Cabinet Member for Adult Social Care and Public Health".
    pub decision_maker: String,
    /// The name of the person who holds that post.
    #[serde(default)]
    pub decision_maker_name: Option<String>,
    /// The councillors the decision maker consulted, by post.
    #[serde(default)]
    pub in_consultation_with: Vec<String>,
    /// Where the decision stands: "proposed" (not yet taken; give `due`), "taken" (give `taken`), "called-in" (give `taken` and `call_in`) or "withdrawn" (give `withdrawn`).
    #[schemars(with = "DecisionStatus")]
    pub status: Spanned<DecisionStatus>,
    /// The council's own word for where the decision stands, as its notices and ModernGov show it, like "For Determination" or "Decision Made". It must be one of site.toml's `[status_labels]`, mapped there to this record's `status`; pages and data show it instead of ours.
    #[serde(default)]
    #[schemars(with = "Option<String>", pattern(NOT_BLANK))]
    pub status_label: Option<Spanned<String>>,
    /// When the decision is expected to be taken: a day like 2022-07-29 (no quotes), or, when the notice gives only the month, "September 2024" or "2024-09". A proposed decision needs `due` or `not_before`.
    #[serde(default)]
    #[schemars(with = "Option<DueSchema>")]
    pub due: Option<Spanned<Due>>,
    /// The day on or after which the decision is expected, a date like 2024-09-01, when the notice says "not before". Instead of `due`.
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    pub not_before: Option<Spanned<Date>>,
    /// When the decision was taken, a date like 2022-08-01. Needed once it is taken or called in; a proposed or withdrawn decision has none.
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    pub taken: Option<Spanned<Date>>,
    /// When the decision was withdrawn, a date. Needed when it is withdrawn.
    #[serde(default)]
    pub withdrawn: Option<Date>,
    /// Whether this is a key decision: one likely to mean significant spending or savings, or to affect communities in two or more electoral divisions significantly. A key decision is announced 28 clear days before it is taken.
    #[schemars(with = "bool")]
    pub key_decision: Spanned<bool>,
    /// Why it is a key decision, in plain words: the money involved or the areas affected. Needed when `key_decision = true`.
    #[serde(default)]
    pub key_decision_reason: Option<String>,
    /// The day the decision's notice first appeared in the forward plan, a date like 2022-06-17. Needed for a key decision: the law asks for it at least 28 clear days before the decision (regulation 9 of the 2012 Executive Arrangements Regulations), and the build checks `due` or `taken` against it.
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    pub notice_published: Option<Spanned<Date>>,
    /// For a key decision made sooner than 28 clear days after its notice: the route the law allows, why it could not wait, and the day the scrutiny chair was told or agreed: `{ route = "general-exception", reasons = "...", scrutiny_chair = 2024-03-20 }`.
    #[serde(default)]
    #[schemars(with = "Option<Urgency>")]
    pub urgency: Option<Spanned<Urgency>>,
    /// The electoral divisions the decision affects, or ["All"].
    #[schemars(length(min = 1))]
    pub electoral_divisions: Vec<String>,
    /// Other decisions on this site that this one relates to, by number, like ["22/00034"]. Each must be on the site; they are linked both ways.
    #[serde(default)]
    #[schemars(
        with = "Vec<String>",
        inner(pattern(crate::source::DECISION_NUMBER_PATTERN))
    )]
    pub related: Vec<Spanned<String>>,
    /// Related decisions that are not on this site (older ones, or another council's), each `{ number = "...", title = "...", url = "https://..." }` and, for another council's, `council = "..."`. They are listed with the related decisions and linked to where they are published.
    #[serde(default)]
    #[schemars(with = "Vec<RelatedElsewhere>")]
    pub related_elsewhere: Vec<Spanned<RelatedElsewhere>>,
    /// The money the decision spends, saves or budgets, each `[[money]]` with `label`, `period`, `amount` (in pounds) and `kind` ("spend", "saving" or "budget"). Shown as a table on the decision's page and published as data (money.csv, money.json).
    #[serde(default)]
    pub money: Vec<crate::money::MoneyFront>,
    /// The decision itself, in Markdown: what the decision maker decided, or proposes to decide.
    #[schemars(pattern(NOT_BLANK))]
    pub decision: String,
    /// The reasons for the decision, in Markdown. The law asks for them.
    #[schemars(pattern(NOT_BLANK))]
    pub reasons: String,
    /// The other options considered and rejected, each with why: `{ option = "...", why_rejected = "..." }`. The law asks for them.
    #[schemars(with = "Vec<Alternative>", length(min = 1))]
    pub alternatives: Spanned<Vec<Alternative>>,
    /// Any conflict of interest declared by the decision maker or a councillor consulted, or "None". The law asks for it.
    pub interests_declared: String,
    /// Any dispensation granted for a declared interest, or "None". The law asks for it.
    pub dispensations: String,
    /// Whether the decision can be called in: `{ subject = true, deadline = 2022-08-08, implement_from = 2022-08-09 }`, or `{ subject = false, reason = "..." }`. Needed when it is called in.
    #[serde(default)]
    #[schemars(with = "Option<CallIn>")]
    pub call_in: Option<Spanned<CallIn>>,
    /// The meetings the decision goes through, earliest first, each `[[pathway]]` with its date, body and what happens.
    #[serde(default)]
    pub pathway: Vec<PathwayStep>,
    /// The council officer who leads on the decision and answers questions about it, acting in their public role: `{ name = "...", role = "...", email = "...", phone = "..." }`. Their email and phone are published, and the personal-data check lets them through.
    #[serde(default)]
    #[schemars(with = "Option<LeadOfficer>")]
    pub lead_officer: Option<Spanned<LeadOfficer>>,
    /// The council department (directorate) the decision belongs to, like "Adult Social Care and Health".
    #[serde(default)]
    #[schemars(with = "Option<String>", pattern(NOT_BLANK))]
    pub department: Option<Spanned<String>>,
    /// The day this record was first published, a date like 2022-08-02.
    #[serde(default)]
    pub record_published: Option<Date>,
    /// Each change made to the record after it was published, oldest first: `{ on = 2022-08-10, what = "Corrected the call-in deadline" }`.
    #[serde(default)]
    #[schemars(with = "Vec<Amendment>")]
    pub amended: Vec<Spanned<Amendment>>,
    // Read by `guard`.
    /// Values in this document that look like personal data but are not, or are published on purpose, each written exactly as it appears. The personal-data check lets them through in this document only; a person reviews each.
    #[serde(default)]
    #[allow(dead_code)]
    personal_data_ok: Vec<String>,
    // Read by `visibility`.
    /// Names and figures this document publishes that an exempt document also states (a total the public report gives, a company's registered name), one per entry, written as the exempt document writes them. The withholding report lists each for an officer to check.
    #[serde(default)]
    #[allow(dead_code)]
    public_facts: Vec<String>,
}

impl DecisionFront {
    /// When a proposed decision is expected, as the record states it, and
    /// where: `due` or `not_before` (`check_decision` refuses both).
    pub fn expected(&self) -> Option<Spanned<Expected>> {
        let due = self.due.as_ref().map(|d| {
            let e = match *d.get_ref() {
                Due::Day(day) => Expected::On(day),
                Due::Month(m) => Expected::In(m),
            };
            Spanned::new(d.span(), e)
        });
        due.or_else(|| {
            self.not_before
                .as_ref()
                .map(|d| Spanned::new(d.span(), Expected::NotBefore(*d.get_ref())))
        })
    }
}

/// What `check_decision` asks of a record beyond its keys' types: the date
/// its status needs (and no `taken` date before it is taken), `call_in`
/// when called in, and a reason for a key decision. Stated as
/// `dependencies` on the key that triggers each rule, so that the record's
/// own schema has no `allOf`, which editors (Taplo) read as "this object's
/// keys are elsewhere" and then offer none.
fn decision_schema(schema: &mut Schema) {
    let by_status: Vec<Value> = DecisionStatus::ALL
        .iter()
        .map(|status| {
            let mut then = json!({ "required": [status.date_key()] });
            if *status == DecisionStatus::Proposed {
                then =
                    json!({ "anyOf": [{ "required": ["due"] }, { "required": ["not_before"] }] });
            }
            if status.not_taken() {
                then["not"] = json!({ "required": ["taken"] });
            }
            if *status == DecisionStatus::CalledIn {
                then["required"] = json!([status.date_key(), "call_in"]);
                then["properties"] = json!({ "call_in": { "required": ["requested_on"] } });
            }
            json!({
                "if": { "properties": { "status": { "const": status_name(*status) } } },
                "then": then,
            })
        })
        .collect();
    depend(schema, "status", json!({ "allOf": by_status }));
    depend(
        schema,
        "due",
        json!({ "not": { "required": ["not_before"] } }),
    );
    depend(
        schema,
        "lead_officer",
        json!({ "properties": { "lead_officer": { "anyOf": [{ "required": ["email"] }, { "required": ["phone"] }] } } }),
    );
    depend(
        schema,
        "urgency",
        json!({ "properties": { "key_decision": { "const": true } } }),
    );
    depend(
        schema,
        "key_decision",
        json!({
            "if": { "properties": { "key_decision": { "const": true } } },
            "then": {
                "required": ["key_decision_reason", "notice_published"],
                "properties": { "key_decision_reason": { "pattern": NOT_BLANK } },
            },
        }),
    );
}

/// Adds `rule` to what an object must also satisfy when it has `key`
/// (JSON Schema draft 7's `dependencies`).
pub fn depend(schema: &mut Schema, key: &str, rule: Value) {
    let dependencies = schema
        .ensure_object()
        .entry("dependencies")
        .or_insert_with(|| json!({}));
    dependencies[key] = match dependencies.get(key) {
        None => rule,
        Some(earlier) => json!({ "allOf": [earlier, rule] }),
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(inline)]
pub enum ImpactLevel {
    Positive,
    Neutral,
    Negative,
    Mixed,
    Unknown,
}

impl ImpactLevel {
    pub const ALL: [ImpactLevel; 5] = [
        ImpactLevel::Positive,
        ImpactLevel::Neutral,
        ImpactLevel::Negative,
        ImpactLevel::Mixed,
        ImpactLevel::Unknown,
    ];

    /// Whether an impact at this level may be harmful, so needs a mitigation.
    pub fn needs_mitigation(self) -> bool {
        matches!(
            self,
            ImpactLevel::Negative | ImpactLevel::Mixed | ImpactLevel::Unknown
        )
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline, transform = impact_schema)]
pub struct Impact {
    /// The impact on these people: "positive", "neutral", "negative", "mixed" or "unknown". One that may be harmful (negative, mixed or unknown) needs a `mitigation`.
    pub impact: ImpactLevel,
    /// What the effect is, in plain words. Never give a count under 5: small numbers can identify people.
    pub detail: String,
    /// What the council will do to reduce or remove any harm.
    #[serde(default)]
    pub mitigation: Option<String>,
}

/// `check_impacts`'s rule: an impact that may be harmful needs a mitigation.
fn impact_schema(schema: &mut Schema) {
    let harmful: Vec<ImpactLevel> = ImpactLevel::ALL
        .into_iter()
        .filter(|level| level.needs_mitigation())
        .collect();
    schema.insert(
        "if".into(),
        json!({ "properties": { "impact": { "enum": harmful } } }),
    );
    schema.insert(
        "then".into(),
        json!({
            "required": ["mitigation"],
            "properties": { "mitigation": { "pattern": NOT_BLANK } },
        }),
    );
}

/// `[impacts]`: a table for each protected characteristic, all nine
/// required, and carers allowed, as `check_impacts` asks.
fn impacts_schema(generator: &mut SchemaGenerator) -> Schema {
    let impact = generator.subschema_for::<Impact>();
    let mut properties = serde_json::Map::new();
    for (key, name) in PROTECTED_CHARACTERISTICS
        .iter()
        .chain(std::iter::once(&CARERS))
    {
        let mut schema = impact.clone();
        let description = if *key == CARERS.0 {
            "How the decision affects unpaid carers: not a protected characteristic, but one many councils assess.".to_string()
        } else {
            format!(
                "How the decision affects people as to {}, a protected characteristic of the Equality Act 2010.",
                name.to_lowercase()
            )
        };
        schema.insert("description".into(), json!(description));
        properties.insert(key.to_string(), schema.to_value());
    }
    let required: Vec<&str> = PROTECTED_CHARACTERISTICS.iter().map(|(k, _)| *k).collect();
    json_schema!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// The protected characteristics of the Equality Act 2010 (s.4), in the Act's
/// order, with the key each takes in front matter.
pub const PROTECTED_CHARACTERISTICS: [(&str, &str); 9] = [
    ("age", "Age"),
    ("disability", "Disability"),
    ("gender_reassignment", "Gender reassignment"),
    (
        "marriage_civil_partnership",
        "Marriage and civil partnership",
    ),
    ("pregnancy_maternity", "Pregnancy and maternity"),
    ("race", "Race"),
    ("religion_belief", "Religion or belief"),
    ("sex", "Sex"),
    ("sexual_orientation", "Sexual orientation"),
];

/// Not protected by the Act, but assessed by many councils.
pub const CARERS: (&str, &str) = ("carers", "Carers");

#[derive(Debug, Clone, Deserialize, serde::Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline)]
pub struct Meeting {
    /// The committee or other body the report goes to.
    pub body: String,
    /// The date of the meeting, like 2022-07-13.
    pub date: Date,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline, transform = attachment_schema)]
pub struct AttachmentDecl {
    /// The file's name in this document's folder, like "timetable.csv": just the name, no folders.
    #[schemars(with = "String")]
    pub file: Spanned<String>,
    /// What the file holds. Needed when it is published.
    #[serde(default)]
    pub title: Option<String>,
    /// For a withheld file: the title the public sees, checked by a person (titles can give secrets away).
    #[serde(default)]
    pub public_title: Option<String>,
    /// `public = true`: the file is published. Write `exempt = { ... }` instead to withhold it.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub public: Option<Spanned<bool>>,
    #[serde(default)]
    pub exempt: Option<Exemption>,
}

/// `check_attachments`' rules: published with a title, or exempt with a
/// public title.
fn attachment_schema(schema: &mut Schema) {
    status_schema(schema, false);
    depend(
        schema,
        "public",
        json!({ "required": ["title"], "properties": { "title": { "pattern": NOT_BLANK } } }),
    );
    depend(
        schema,
        "exempt",
        json!({
            "required": ["public_title"],
            "properties": { "public_title": { "pattern": NOT_BLANK } },
        }),
    );
}

/// Front matter shared by reports, EqIAs and appendices; kind-specific keys
/// ([`ONE_KIND_KEYS`]) are checked by hand so that each kind refuses the
/// others' keys.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct PaperFront {
    #[allow(dead_code)]
    #[schemars(with = "Kind")]
    kind: String,
    /// How the decision's papers refer to it, like "Appendix 1". Needed when it is withheld, so readers can match the notice to the papers.
    #[serde(default)]
    label: Option<String>,
    /// The document's title. Needed when it is published; never shown for a withheld one.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    title: Option<Spanned<String>>,
    /// For a withheld document only: the title the public sees, checked by a person (titles can give secrets away).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    public_title: Option<Spanned<String>>,
    /// `public = true`: the document is published. To withhold it write `exempt = { ... }` instead (`public = false` says nothing about why, so it is refused).
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    public: Option<Spanned<bool>>,
    #[serde(default)]
    #[schemars(with = "Option<Exemption>")]
    exempt: Option<Spanned<Exemption>>,
    /// One or two plain sentences about the document.
    #[serde(default)]
    summary: Option<String>,
    /// The meeting the report goes to: `{ body = "...", date = 2022-07-13 }`.
    #[serde(default)]
    #[schemars(with = "Option<Meeting>")]
    meeting: Option<Spanned<Meeting>>,
    /// When the assessment was made, a date like 2022-06-01.
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    assessed_on: Option<Spanned<Date>>,
    /// The impact on people with each protected characteristic of the Equality Act 2010 (all nine, each a table `[impacts.age]` and so on), and on carers if the council assesses it.
    #[serde(default)]
    #[schemars(schema_with = "impacts_schema")]
    impacts: Option<Spanned<BTreeMap<String, Spanned<Impact>>>>,
    /// Files in this document's folder, each published or withheld: `{ file = "timetable.csv", title = "...", public = true }` or `{ file = "scores.csv", public_title = "...", exempt = { paragraph = 3, reason = "..." } }`. A file that no document declares is an error.
    #[serde(default)]
    attachments: Vec<AttachmentDecl>,
    // Read by `guard`.
    /// Values in this document that look like personal data but are not, or are published on purpose, each written exactly as it appears. The personal-data check lets them through in this document only; a person reviews each.
    #[serde(default)]
    #[allow(dead_code)]
    personal_data_ok: Vec<String>,
    // Read by `visibility`.
    /// Names and figures this document publishes that an exempt document also states (a total the public report gives, a company's registered name), one per entry, written as the exempt document writes them. The withholding report lists each for an officer to check.
    #[serde(default)]
    #[allow(dead_code)]
    public_facts: Vec<String>,
}

/// Keys of [`PaperFront`] that one kind of paper only takes; `check_paper`
/// refuses them in the others, and their schemas leave them out.
const ONE_KIND_KEYS: [(&str, Kind); 3] = [
    ("impacts", Kind::Eqia),
    ("assessed_on", Kind::Eqia),
    ("meeting", Kind::Report),
];

/// The schema of a report's, EqIA's or appendix's front matter: the paper
/// type's, narrowed as `check_paper` narrows it for `kind`.
fn paper_schema(kind: Kind, generator: &mut SchemaGenerator) -> Schema {
    let mut schema = PaperFront::json_schema(generator);
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for (key, owner) in ONE_KIND_KEYS {
            if owner != kind {
                properties.remove(key);
            }
        }
    }
    if kind == Kind::Eqia {
        if let Some(required) = schema
            .ensure_object()
            .entry("required")
            .or_insert_with(|| json!([]))
            .as_array_mut()
        {
            required.push(json!("impacts"));
        }
    }
    status_schema(&mut schema, kind != Kind::Appendix);
    // Withheld: a label and public title, no public attachment or declared
    // fact; published: a title, and no public title.
    schema.insert("if".into(), json!({ "required": ["exempt"] }));
    schema.insert(
        "then".into(),
        json!({
            "required": ["label", "public_title"],
            "properties": {
                "public_title": { "pattern": NOT_BLANK },
                "attachments": { "items": { "not": { "required": ["public"] } } },
                "public_facts": { "maxItems": 0 },
            },
        }),
    );
    schema.insert(
        "else".into(),
        json!({
            "required": ["title"],
            "properties": { "title": { "pattern": NOT_BLANK } },
            "not": { "required": ["public_title"] },
        }),
    );
    schema
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "A page (kind = \"page\")",
    description = "A plain page under content/pages/, such as the about page or the accessibility statement."
)]
pub struct PageFront {
    #[allow(dead_code)]
    #[schemars(with = "Kind")]
    kind: String,
    /// The page's title: its only top-level heading.
    pub title: String,
    /// One plain sentence about the page.
    #[serde(default)]
    pub summary: Option<String>,
    // Read by `guard`.
    /// Values in this page that look like personal data but are not, or are published on purpose, each written exactly as it appears. The personal-data check lets them through in this page only; a person reviews each.
    #[serde(default)]
    #[allow(dead_code)]
    personal_data_ok: Vec<String>,
    // Read by `visibility`.
    /// Names and figures this page publishes that an exempt document also states (a total the public report gives, a company's registered name), one per entry, written as the exempt document writes them. The withholding report lists each for an officer to check.
    #[serde(default)]
    #[allow(dead_code)]
    public_facts: Vec<String>,
}

/// The JSON Schema of the front matter of a document of `kind`, from the
/// type the parser reads it into: its keys, their types and descriptions,
/// and the checks of this module that one document's own front matter can
/// show to be broken. What needs other files (related decisions, declared
/// files, exempt text elsewhere) is left to `plainsight check`.
pub fn front_matter_schema(kind: Kind, generator: &mut SchemaGenerator) -> Schema {
    let (mut schema, words) = match kind {
        Kind::Decision => (DecisionFront::json_schema(generator), None),
        Kind::Page => (PageFront::json_schema(generator), None),
        Kind::Report => (
            paper_schema(kind, generator),
            Some((
                "A report to a committee (kind = \"report\")",
                "A report to a committee about a decision, in the decision's folder. Published unless it says `exempt = { ... }`.",
            )),
        ),
        Kind::Eqia => (
            paper_schema(kind, generator),
            Some((
                "An Equality Impact Assessment (kind = \"eqia\")",
                "An Equality Impact Assessment of a decision, in the decision's folder: the impact on people with each of the nine protected characteristics of the Equality Act 2010. Published unless it says `exempt = { ... }`.",
            )),
        ),
        Kind::Appendix => (
            paper_schema(kind, generator),
            Some((
                "An appendix (kind = \"appendix\")",
                "Any other paper of a decision, in the decision's folder. It must say whether it is published: `public = true`, or `exempt = { paragraph = N, reason = \"...\" }` with a `label` and a `public_title`.",
            )),
        ),
    };
    if let Some((title, description)) = words {
        schema.insert("title".into(), json!(title));
        schema.insert("description".into(), json!(description));
    }
    if let Some(kind_schema) = schema
        .pointer_mut("/properties/kind")
        .and_then(Value::as_object_mut)
    {
        kind_schema.remove("enum");
        kind_schema.insert("const".into(), json!(kind.name()));
    }
    schema
}

/// A report, EqIA or appendix after its own checks.
#[derive(Debug, Clone)]
pub struct Paper {
    pub label: Option<String>,
    /// The title from front matter. For an exempt paper this is exempt text.
    pub title: Option<String>,
    /// The reviewed public title; required for an exempt paper.
    pub public_title: Option<String>,
    pub status: Status,
    pub summary: Option<String>,
    pub meeting: Option<Meeting>,
    pub assessed_on: Option<Date>,
    /// In the order of [`PROTECTED_CHARACTERISTICS`], then carers.
    pub impacts: Vec<(&'static str, &'static str, Impact)>,
    pub attachments: Vec<Attachment>,
}

/// A declared attachment whose status has been understood.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// File name as written, relative to the document's folder.
    pub file: String,
    pub position: Position,
    pub title: Option<String>,
    pub public_title: Option<String>,
    pub status: Status,
}

#[derive(Debug, Clone)]
pub enum Front {
    Decision(Box<DecisionFront>),
    Paper(Box<Paper>),
    Page(PageFront),
}

/// One Markdown document from `content/`.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path relative to the site root, `/`-separated (for diagnostics).
    pub path: String,
    pub kind: Kind,
    pub front: Front,
    /// The whole file, so body positions can be mapped to lines.
    pub text: String,
    pub body_offset: usize,
}

impl Document {
    /// Where `key = ` is written in the front matter, for a message about
    /// it; the front matter's first line when it is not written there.
    pub fn key_position(&self, key: &str) -> Position {
        match frontmatter::split(&self.text) {
            Ok(split) => {
                let offset = frontmatter::offset_of_key(split.front_matter, key).unwrap_or(0);
                Position::of_offset(&self.text, split.front_matter_offset + offset)
            }
            Err(_) => Position { line: 1, column: 1 },
        }
    }

    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// Parses and checks one document. Problems go into `diagnostics`; `None`
    /// when the document cannot be understood well enough to use.
    pub fn parse(path: &str, text: String, diagnostics: &mut Diagnostics) -> Option<Document> {
        if let Some(d) = crate::source::nul_byte(path, &text) {
            diagnostics.push(d);
            return None;
        }
        refuse_placeholders(path, &text, diagnostics);
        let split = match frontmatter::split(&text) {
            Ok(split) => split,
            Err(e) => {
                diagnostics.push(e.diagnostic(path));
                return None;
            }
        };
        let (fm, fm_offset, body_offset) = (
            split.front_matter,
            split.front_matter_offset,
            split.body_offset,
        );
        let at = |span: std::ops::Range<usize>| Position::of_offset(&text, fm_offset + span.start);
        // Where a key is written; the front matter's start when it is not.
        let key_at = |key: &str| {
            let offset = frontmatter::offset_of_key(fm, key).unwrap_or(0);
            at(offset..offset)
        };
        // Worked out only for a message: its status is not known yet.
        let quoting = || quoting_of(fm);

        #[derive(Deserialize)]
        struct Probe {
            kind: Option<Spanned<String>>,
        }
        let probe: Probe = match frontmatter::parse_toml(path, &text, fm, fm_offset, quoting) {
            Ok(p) => p,
            Err(d) => {
                diagnostics.push(d);
                return None;
            }
        };
        let Some(kind_value) = probe.kind else {
            diagnostics.push(
                Diagnostic::error(path, "the front matter has no `kind`")
                    .at(Position::of_offset(&text, fm_offset))
                    .help(
                        "add `kind = \"decision\"`, \"report\", \"eqia\", \"appendix\" or \"page\"",
                    ),
            );
            return None;
        };
        let kind = match kind_value.get_ref().as_str() {
            "decision" => Kind::Decision,
            "report" => Kind::Report,
            "eqia" => Kind::Eqia,
            "appendix" => Kind::Appendix,
            "page" => Kind::Page,
            other => {
                let known: Vec<String> = ["decision", "report", "eqia", "appendix", "page"]
                    .map(String::from)
                    .to_vec();
                let help = match frontmatter::nearest(other, &known) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => "use one of `decision`, `report`, `eqia`, `appendix`, `page`".into(),
                };
                // An unknown kind: its status is unknown, so nothing is quoted.
                let other = quoting().quote(other, &format!("the kind here ({NOT_SHOWN})"));
                diagnostics.push(
                    Diagnostic::error(path, format!("{other} is not a kind of document"))
                        .at(at(kind_value.span()))
                        .help(help),
                );
                return None;
            }
        };

        let front = match kind {
            Kind::Decision => {
                let front: DecisionFront =
                    match frontmatter::parse_toml(path, &text, fm, fm_offset, quoting) {
                        Ok(f) => f,
                        Err(d) => {
                            diagnostics.push(d);
                            return None;
                        }
                    };
                check_decision(path, &front, &at, &key_at, diagnostics);
                Front::Decision(Box::new(front))
            }
            Kind::Page => {
                match frontmatter::parse_toml::<PageFront>(path, &text, fm, fm_offset, quoting) {
                    Ok(f) => Front::Page(f),
                    Err(d) => {
                        diagnostics.push(d);
                        return None;
                    }
                }
            }
            Kind::Report | Kind::Eqia | Kind::Appendix => {
                let front: PaperFront =
                    match frontmatter::parse_toml(path, &text, fm, fm_offset, quoting) {
                        Ok(f) => f,
                        Err(d) => {
                            diagnostics.push(d);
                            return None;
                        }
                    };
                let paper = check_paper(path, kind, front, &at, &key_at, diagnostics)?;
                Front::Paper(Box::new(paper))
            }
        };
        Some(Document {
            path: path.to_string(),
            kind,
            front,
            text,
            body_offset,
        })
    }
}

fn check_decision(
    path: &str,
    front: &DecisionFront,
    at: &dyn Fn(std::ops::Range<usize>) -> Position,
    key_at: &dyn Fn(&str) -> Position,
    diagnostics: &mut Diagnostics,
) {
    let number = front.number.get_ref();
    if !is_decision_number(number) {
        diagnostics.push(
            Diagnostic::error(path, format!("`{number}` is not a decision number"))
                .at(at(front.number.span()))
                .help(
                    "write it as two digits for the year, a slash and five digits, like `22/00073`",
                ),
        );
    }
    // `decision_schema` states these rules too: keep the two together.
    let status_at = at(front.status.span());
    let status = *front.status.get_ref();
    let dated = match status {
        DecisionStatus::Proposed => front.expected().is_some(),
        DecisionStatus::Taken | DecisionStatus::CalledIn => front.taken.is_some(),
        DecisionStatus::Withdrawn => front.withdrawn.is_some(),
    };
    if !dated {
        let what = status.date_key();
        let help = match status {
            DecisionStatus::Proposed => "add `due = 2022-07-13` with the day the notice gives; `not_before = 2022-07-13` when it says \"on or after\", or `due = \"July 2022\"` when it gives only the month".to_string(),
            _ => format!("add `{what} = 2022-07-13` with the real date"),
        };
        diagnostics.push(
            Diagnostic::error(
                path,
                format!(
                    "a decision with status `{}` needs `{what}`",
                    status_name(status)
                ),
            )
            .at(status_at)
            .help(help),
        );
    }
    if let (Some(_), Some(not_before)) = (&front.due, &front.not_before) {
        diagnostics.push(
            Diagnostic::error(path, "the record gives both `due` and `not_before`, so it is not clear when the decision is expected")
                .at(at(not_before.span()))
                .help("keep `due` when the notice gives the day (or the month) it is expected, or `not_before` when it says \"on or after\"; remove the other"),
        );
    }
    check_record_details(path, front, at, diagnostics);
    if status == DecisionStatus::CalledIn && front.call_in.is_none() {
        diagnostics.push(
            Diagnostic::error(path, "a called-in decision needs `call_in`")
                .at(status_at)
                .help("add `call_in = { subject = true, deadline = ..., implement_from = ... }`"),
        );
    }
    if status.not_taken() && front.taken.is_some() {
        diagnostics.push(
            Diagnostic::error(
                path,
                "a decision that has not been taken cannot have a `taken` date",
            )
            .at(status_at)
            .help("change `status` to `taken`, or remove `taken`"),
        );
    }
    if *front.key_decision.get_ref()
        && front
            .key_decision_reason
            .as_deref()
            .is_none_or(|r| r.trim().is_empty())
    {
        diagnostics.push(
            Diagnostic::error(path, "a key decision needs `key_decision_reason`")
                .at(key_at("key_decision"))
                .help("say in plain words why it is a key decision, for example the money involved or the areas affected"),
        );
    }
    if front.electoral_divisions.is_empty() {
        diagnostics.push(
            Diagnostic::error(path, "`electoral_divisions` is empty")
                .at(key_at("electoral_divisions"))
                .help("name the divisions affected, or write `[\"All\"]`"),
        );
    }
    crate::money::check(path, &front.money, at, diagnostics);
    check_related_elsewhere(path, &front.related_elsewhere, at, diagnostics);
    if front.alternatives.get_ref().is_empty() {
        diagnostics.push(
            Diagnostic::error(path, "`alternatives` is empty: the record of a decision must give the alternatives considered and rejected")
                .at(at(front.alternatives.span()))
                .help("add `{ option = \"...\", why_rejected = \"...\" }` for each option the decision maker considered"),
        );
    }
    if let Some(call_in) = &front.call_in {
        let c = call_in.get_ref();
        let problem = match (c.subject, c.deadline, c.implement_from, &c.reason) {
            (true, Some(_), Some(_), None) | (false, None, None, Some(_)) => None,
            (true, ..) => Some(
                "a decision subject to call-in needs `deadline` and `implement_from`, and no `reason`",
            ),
            (false, ..) => Some(
                "a decision not subject to call-in needs a `reason` (for example urgency), and no dates",
            ),
        };
        if let Some(problem) = problem {
            diagnostics.push(
                Diagnostic::error(path, problem)
                    .at(at(call_in.span()))
                    .help("see `call_in` in docs/content-format.md"),
            );
        }
    }
    check_notice(path, front, at, diagnostics);
    check_call_in(path, front, at, diagnostics);
    for summary_field in [
        ("summary", &front.summary),
        ("decision", &front.decision),
        ("reasons", &front.reasons),
    ] {
        if summary_field.1.trim().is_empty() {
            diagnostics.push(
                Diagnostic::error(path, format!("`{}` is empty", summary_field.0))
                    .at(key_at(summary_field.0))
                    .help("write it in plain words; the public record needs it"),
            );
        }
    }
}

/// Each related decision from elsewhere has a number, a title and a secure
/// address that a resident can follow.
fn check_related_elsewhere(
    path: &str,
    related: &[Spanned<RelatedElsewhere>],
    at: &dyn Fn(std::ops::Range<usize>) -> Position,
    diagnostics: &mut Diagnostics,
) {
    for r in related {
        let position = at(r.span());
        let r = r.get_ref();
        for (key, value) in [("number", &r.number), ("title", &r.title)] {
            if value.trim().is_empty() {
                diagnostics.push(
                    Diagnostic::error(
                        path,
                        format!("a decision in `related_elsewhere` has an empty `{key}`"),
                    )
                    .at(position)
                    .help("give its number and title as its council publishes them"),
                );
            }
        }
        if r.council.as_deref().is_some_and(|c| c.trim().is_empty()) {
            diagnostics.push(
                Diagnostic::error(path, "`council` in `related_elsewhere` is empty")
                    .at(position)
                    .help("name the council whose decision it is, or leave `council` out for this council's own"),
            );
        }
        if !is_https_url(&r.url) {
            diagnostics.push(
                Diagnostic::error(
                    path,
                    format!("`{}` is not a secure web address", r.url),
                )
                .at(position)
                .help("write the address where the decision is published, starting https://, like `url = \"https://democracy.kent.gov.uk/ieDecisionDetails.aspx?ID=2468\"`"),
            );
        }
    }
}

/// What [`HTTPS_URL`] says: `https://`, a host of letters, digits, dots
/// and dashes (a port allowed), then nothing or a path, with no spaces.
pub fn is_https_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(host_end);
    let host = authority.split_once(':').map_or(authority, |(h, port)| {
        if port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()) {
            ""
        } else {
            h
        }
    });
    host.contains('.')
        && !host.starts_with(['.', '-'])
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && path.starts_with('/') | path.is_empty()
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The lead officer, the status label and the change history: each says
/// something or is left out, and the history runs oldest first, from the
/// day the record was published.
fn check_record_details(
    path: &str,
    front: &DecisionFront,
    at: &dyn Fn(std::ops::Range<usize>) -> Position,
    diagnostics: &mut Diagnostics,
) {
    if let Some(label) = &front.status_label {
        if label.get_ref().trim().is_empty() {
            diagnostics.push(
                Diagnostic::error(path, "`status_label` is empty")
                    .at(at(label.span()))
                    .help("write the council's word for the status, like \"Decision Made\", or remove `status_label`"),
            );
        }
    }
    if let Some(department) = front
        .department
        .as_ref()
        .filter(|d| d.get_ref().trim().is_empty())
    {
        diagnostics.push(
            Diagnostic::error(path, "`department` is empty")
                .at(at(department.span()))
                .help("write the council department the decision belongs to, like \"Adult Social Care and Health\", or remove `department`"),
        );
    }
    if let Some(spanned) = &front.lead_officer {
        let officer = spanned.get_ref();
        let blank = [
            ("name", Some(&officer.name)),
            ("role", Some(&officer.role)),
            ("email", officer.email.as_ref()),
            ("phone", officer.phone.as_ref()),
        ]
        .into_iter()
        .find(|(_, v)| v.is_some_and(|v| v.trim().is_empty()));
        if let Some((key, _)) = blank {
            diagnostics.push(
                Diagnostic::error(path, format!("`lead_officer.{key}` is empty"))
                    .at(at(spanned.span()))
                    .help("fill it in, or leave out `email` or `phone` if the officer has none"),
            );
        } else if officer.email.is_none() && officer.phone.is_none() {
            diagnostics.push(
                Diagnostic::error(path, "`lead_officer` says who leads on the decision but not how to reach them")
                    .at(at(spanned.span()))
                    .help("add `email = \"...\"`, `phone = \"...\"` or both: the officer's published work contact"),
            );
        }
    }
    // The day each entry must not come before, and what set it.
    let mut previous = front
        .record_published
        .map(|d| (d, format!("the record was published on {}", d.in_words())));
    for change in &front.amended {
        let a = change.get_ref();
        if a.what.trim().is_empty() {
            diagnostics.push(
                Diagnostic::error(path, "an entry of `amended` has an empty `what`")
                    .at(at(change.span()))
                    .help(
                        "say in plain words what changed, like \"Corrected the call-in deadline\"",
                    ),
            );
        }
        if let Some((_, why)) = previous.as_ref().filter(|(p, _)| a.on < *p) {
            diagnostics.push(
                Diagnostic::error(path, format!("an entry of `amended` is dated {}, but {why}", a.on.in_words()))
                    .at(at(change.span()))
                    .help("list the changes oldest first, each on or after `record_published`, and check the dates"),
            );
        }
        previous = Some((
            a.on,
            format!("the entry before it is dated {}", a.on.in_words()),
        ));
    }
}

/// The forward plan's rules (2012 Executive Arrangements Regulations): a
/// key decision's notice is published at least 28 clear days before it is
/// made (reg. 9), unless the record names the urgency route taken and that
/// route's own rules hold (reg. 10, the general exception; reg. 11, special
/// urgency). The error is at the date that comes too soon.
fn check_notice(
    path: &str,
    front: &DecisionFront,
    at: &dyn Fn(std::ops::Range<usize>) -> Position,
    diagnostics: &mut Diagnostics,
) {
    use crate::clear_days;
    let urgency = front.urgency.as_ref();
    if !*front.key_decision.get_ref() {
        if let Some(u) = urgency {
            diagnostics.push(
                Diagnostic::error(path, "only a key decision takes `urgency`")
                    .at(at(u.span()))
                    .help("the urgency routes (general exception and special urgency, regulations 10 and 11 of the 2012 Executive Arrangements Regulations) are for key decisions taken without 28 clear days' notice; remove `urgency`, or set `key_decision = true` if this is one"),
            );
        }
        return;
    }
    let Some(notice) = &front.notice_published else {
        diagnostics.push(
            Diagnostic::error(path, "a key decision needs `notice_published`: the day its notice first appeared in the forward plan")
                .at(at(front.key_decision.span()))
                .help("add `notice_published = 2024-01-15` with the real date. The law asks for a key decision to be announced in the forward plan at least 28 clear days before it is made (regulation 9 of the 2012 Executive Arrangements Regulations), and the build checks the dates against it"),
        );
        return;
    };
    if let Some(u) = urgency {
        if u.get_ref().reasons.trim().is_empty() {
            diagnostics.push(
                Diagnostic::error(path, "`urgency` has empty `reasons`")
                    .at(at(u.span()))
                    .help("the law asks for the reasons to be published: say in plain words why the decision could not wait"),
            );
        }
    }
    // The day it is made: taken once taken, else the soonest day it could
    // be (fail closed: a month or "not before" is checked from its first day).
    let (key, span, on, when) = match front.status.get_ref() {
        DecisionStatus::Proposed => {
            let Some(e) = front.expected() else { return };
            let on = e.get_ref().earliest();
            let (key, when) = match *e.get_ref() {
                Expected::On(d) => ("due", format!("is due on {}", d.in_words())),
                Expected::NotBefore(d) => (
                    "not_before",
                    format!("could be taken as soon as {} (`not_before`)", d.in_words()),
                ),
                Expected::In(m) => (
                    "due",
                    format!(
                        "is expected in {}, so could be taken as soon as {}",
                        m.in_words(),
                        on.in_words()
                    ),
                ),
            };
            (key, e.span(), on, when)
        }
        DecisionStatus::Taken | DecisionStatus::CalledIn => {
            // A missing date is reported with the status.
            let Some(t) = &front.taken else { return };
            let on = *t.get_ref();
            (
                "taken",
                t.span(),
                on,
                format!("was taken on {}", on.in_words()),
            )
        }
        DecisionStatus::Withdrawn => return,
    };
    let notice_on = *notice.get_ref();
    if let Some(u) = urgency {
        let chair = u.get_ref().scrutiny_chair;
        if chair > on {
            diagnostics.push(
                Diagnostic::error(
                    path,
                    format!(
                        "the scrutiny chair was told or agreed on {} (`scrutiny_chair`), after the decision date, {}",
                        chair.in_words(),
                        on.in_words()
                    ),
                )
                .at(at(u.span()))
                .help(format!("under either urgency route the chair of the overview and scrutiny committee is told (general exception) or agrees (special urgency) before the decision is made; correct `scrutiny_chair` or `{key}`")),
            );
            return;
        }
    }
    let earliest = Date(clear_days::after(notice_on.0, clear_days::NOTICE));
    if on >= earliest {
        return;
    }
    match urgency.map(|u| u.get_ref()) {
        None => diagnostics.push(
            Diagnostic::error(
                path,
                format!(
                    "this key decision {when}, sooner than the law allows: its notice was published on {}, so the earliest lawful date is {}",
                    notice_on.in_words(),
                    earliest.in_words()
                ),
            )
            .at(at(span.clone()))
            .help(format!("the law asks for 28 clear days between the notice and the decision, counting neither day (regulation 9 of the 2012 Executive Arrangements Regulations). Correct `{key}` or `notice_published` if either is wrong. If the decision could not wait, record the route the law allows: `urgency = {{ route = \"general-exception\", reasons = \"...\", scrutiny_chair = DATE }}` (regulation 10) or `route = \"special-urgency\"` (regulation 11)")),
        ),
        Some(u) if u.route == UrgencyRoute::GeneralException => {
            let from = notice_on.max(u.scrutiny_chair);
            let earliest = Date(clear_days::after(from.0, clear_days::GENERAL_EXCEPTION));
            if on < earliest {
                diagnostics.push(
                    Diagnostic::error(
                        path,
                        format!(
                            "this key decision {when} under the general exception, which asks for 5 clear days after both the notice and the letter to the scrutiny chair: the earliest lawful date is {}",
                            earliest.in_words()
                        ),
                    )
                    .at(at(span.clone()))
                    .help(format!("check `{key}`, `notice_published` and `scrutiny_chair`, the day the chair of the overview and scrutiny committee was told in writing (regulation 10). If even 5 clear days could not be given, the chair must agree that the decision is urgent and cannot reasonably be deferred: record `route = \"special-urgency\"` with the day the chair agreed (regulation 11)")),
                );
            }
        }
        // Special urgency: the chair agreed on or before the decision date
        // (checked above); its notice follows as soon as it can.
        Some(_) => {}
    }
}

/// A call-in's record must agree with itself and with the decision's status.
fn check_call_in(
    path: &str,
    front: &DecisionFront,
    at: &dyn Fn(std::ops::Range<usize>) -> Position,
    diagnostics: &mut Diagnostics,
) {
    let status = *front.status.get_ref();
    let Some(call_in) = &front.call_in else {
        return;
    };
    let c = call_in.get_ref();
    let here = at(call_in.span());
    let mut problems: Vec<(String, &str)> = Vec::new();
    let mut problem = |message: String, help: &'static str| problems.push((message, help));
    let finish = |problems: Vec<(String, &str)>, diagnostics: &mut Diagnostics| {
        for (message, help) in problems {
            diagnostics.push(Diagnostic::error(path, message).at(here).help(help));
        }
    };
    let said = c.by.is_some() || c.outcome.is_some() || c.decided_on.is_some();
    let Some(requested) = c.requested_on else {
        if status == DecisionStatus::CalledIn {
            problem(
                "a called-in decision needs `requested_on` in `call_in`: the day it was called in"
                    .into(),
                "add `requested_on = 2024-03-05, by = \"...\"` to `call_in`, naming who called it in",
            );
        } else if said {
            problem(
                "`call_in` gives `by`, `outcome` or `decided_on`, but no `requested_on`".into(),
                "add `requested_on`, the day the decision was called in, or remove them if it was not",
            );
        }
        return finish(problems, diagnostics);
    };
    if !c.subject {
        problem(
            "`call_in` says the decision cannot be called in (`subject = false`), but gives `requested_on`".into(),
            "if it was called in, it was subject to call-in: write `subject = true` with its `deadline` and `implement_from`; otherwise remove `requested_on`",
        );
        return finish(problems, diagnostics);
    }
    let taken = front.taken.as_ref().map(|t| *t.get_ref());
    match (status, taken) {
        (DecisionStatus::Taken | DecisionStatus::CalledIn, Some(taken)) if requested < taken => {
            problem(
                format!(
                    "the call-in was requested on {}, before the decision was taken on {}",
                    requested.in_words(),
                    taken.in_words()
                ),
                "only a decision that has been made can be called in: correct `requested_on` or `taken`",
            )
        }
        (DecisionStatus::Taken | DecisionStatus::CalledIn, _) => {}
        _ => problem(
            format!(
                "a decision with status `{}` cannot have been called in",
                status_name(status)
            ),
            "only a decision that has been made can be called in: correct `status`, or remove `requested_on`",
        ),
    }
    if let Some(deadline) = c.deadline.filter(|d| requested > *d) {
        problem(
            format!(
                "the call-in was requested on {}, after the deadline of {}",
                requested.in_words(),
                deadline.in_words()
            ),
            "a request after the deadline is out of time: correct `requested_on` or `deadline`",
        );
    }
    if c.by.as_deref().is_none_or(|b| b.trim().is_empty()) {
        problem(
            "`call_in` needs `by`: who called the decision in".into(),
            "name the committee or the councillors, like `by = \"Scrutiny Committee\"` or `by = \"Councillors Ann Smith and Raj Patel\"`",
        );
    }
    match (c.outcome, c.decided_on) {
        (Some(_), None) => problem(
            "a call-in's `outcome` needs `decided_on`: the day it was decided".into(),
            "add `decided_on = 2024-03-20` with the real date",
        ),
        (None, Some(_)) => problem(
            "`decided_on` needs an `outcome`".into(),
            "add `outcome = \"upheld\"` (the decision stands), `\"referred back\"` (back to the decision maker to think again) or `\"withdrawn\"` (the call-in was withdrawn)",
        ),
        (Some(_), Some(decided)) if decided < requested => problem(
            format!(
                "the call-in was decided on {}, before it was requested on {}",
                decided.in_words(),
                requested.in_words()
            ),
            "correct `decided_on` or `requested_on`",
        ),
        _ => {}
    }
    let awaiting = c.outcome.is_none() && c.decided_on.is_none();
    finish(problems, diagnostics);
    if awaiting && status == DecisionStatus::Taken {
        diagnostics.push(
            Diagnostic::error(path, "the decision was called in and the call-in has no outcome yet, so its status is `called-in`")
                .at(at(front.status.span()))
                .help("write `status = \"called-in\"`, or add the call-in's `outcome` and `decided_on`"),
        );
    }
}

/// What `plainsight new` writes where a person must write the real value.
pub const PLACEHOLDER: &str = "FILL IN:";

/// Every placeholder `plainsight new` left in a document is an error at its
/// place, until a person writes the real value. The message never quotes the
/// document (it may be exempt): the comment above the key says what to write.
fn refuse_placeholders(path: &str, text: &str, diagnostics: &mut Diagnostics) {
    for (offset, _) in text.match_indices(PLACEHOLDER) {
        diagnostics.push(
            Diagnostic::error(path, format!("`{PLACEHOLDER}` marks something still to be written"))
                .at(Position::of_offset(text, offset))
                .help("write the real value in its place; in a record made by `plainsight new`, the comment above each key says what the law asks for"),
        );
    }
}

pub fn status_name(status: DecisionStatus) -> &'static str {
    match status {
        DecisionStatus::Proposed => "proposed",
        DecisionStatus::Taken => "taken",
        DecisionStatus::CalledIn => "called-in",
        DecisionStatus::Withdrawn => "withdrawn",
    }
}

pub fn status_label(status: DecisionStatus) -> &'static str {
    match status {
        DecisionStatus::Proposed => "Proposed",
        DecisionStatus::Taken => "Taken",
        DecisionStatus::CalledIn => "Called in",
        DecisionStatus::Withdrawn => "Withdrawn",
    }
}

/// Understands a publication status declaration. Fail closed: anything but
/// exactly one of `public = true` or `exempt = {...}` is an error, except that
/// `default_public` kinds (reports, EqIAs) may say neither.
#[allow(clippy::too_many_arguments)]
pub fn understand_status(
    path: &str,
    what: &str,
    public: Option<&Spanned<bool>>,
    exempt: Option<(Exemption, Position)>,
    default_public: bool,
    fallback: Position,
    at: &dyn Fn(std::ops::Range<usize>) -> Position,
    diagnostics: &mut Diagnostics,
) -> Option<Status> {
    let help = "write either `public = true` or `exempt = { paragraph = 3, reason = \"...\" }`";
    match (public, exempt) {
        (Some(p), Some(_)) => {
            diagnostics.push(
                Diagnostic::error(path, format!("{what} says both `public` and `exempt`"))
                    .at(at(p.span()))
                    .help("keep only one: a document is either published or exempt"),
            );
            None
        }
        (Some(p), None) if !*p.get_ref() => {
            diagnostics.push(
                Diagnostic::error(path, format!("{what} says `public = false` but not why it is withheld"))
                    .at(at(p.span()))
                    .help("replace it with `exempt = { paragraph = N, reason = \"...\" }`, naming the paragraph of Schedule 12A"),
            );
            None
        }
        (Some(_), None) => Some(Status::Public),
        (None, Some((e, position))) => {
            let paragraphs = &e.paragraph.get_ref().0;
            let mut seen = std::collections::BTreeSet::new();
            if paragraphs.is_empty() || !paragraphs.iter().all(|p| seen.insert(*p)) {
                diagnostics.push(
                    Diagnostic::error(path, "`paragraph` lists no paragraph, or one twice")
                        .at(at(e.paragraph.span()))
                        .help("write the paragraph of Schedule 12A, like `paragraph = 3`, or each that applies once, like `paragraph = [3, 5]`"),
                );
                return None;
            }
            if !paragraphs
                .iter()
                .all(|p| crate::schedule12a::PARAGRAPHS.contains(p))
            {
                diagnostics.push(
                    // The number is not quoted: it is written in an exemption.
                    Diagnostic::error(path, "`paragraph` must be a paragraph of Part 1 of Schedule 12A, 1 to 7")
                        .at(at(e.paragraph.span()))
                        .help("in England the exempt categories are paragraphs 1 to 7; see docs/content-format.md for what each covers"),
                );
                return None;
            }
            if e.reason.trim().is_empty() {
                diagnostics.push(
                    Diagnostic::error(
                        path,
                        format!("the exemption of {what} has an empty `reason`"),
                    )
                    .at(position)
                    .help("say in plain words why it is withheld, without giving the secret away"),
                );
                return None;
            }
            Some(Status::Exempt(e))
        }
        (None, None) if default_public => Some(Status::Public),
        (None, None) => {
            diagnostics.push(
                Diagnostic::error(path, format!("{what} does not say whether it is published"))
                    .at(fallback)
                    .help(help),
            );
            None
        }
    }
}

/// `understand_status`'s rules for an object with `public` and `exempt`
/// keys: `public` is `true` when given, never with `exempt`, and one of the
/// two is required unless the object is `default_public`.
pub fn status_schema(schema: &mut Schema, default_public: bool) {
    if let Some(public) = schema
        .pointer_mut("/properties/public")
        .and_then(Value::as_object_mut)
    {
        public.insert("const".into(), json!(true));
    }
    depend(
        schema,
        "public",
        json!({ "not": { "required": ["exempt"] } }),
    );
    if !default_public {
        schema.insert(
            "anyOf".into(),
            json!([{ "required": ["public"] }, { "required": ["exempt"] }]),
        );
    }
}

/// A document's attachment declarations, each public with a title or
/// exempt with a public title. `quoting` says whether the document's own
/// words may be quoted in messages.
fn check_attachments(
    path: &str,
    declared: Vec<AttachmentDecl>,
    quoting: Quoting,
    at: &dyn Fn(std::ops::Range<usize>) -> Position,
    diagnostics: &mut Diagnostics,
) -> Vec<Attachment> {
    let mut attachments = Vec::new();
    for decl in declared {
        let position = at(decl.file.span());
        let named = match (&decl.public, &decl.exempt) {
            (Some(p), None) if *p.get_ref() => Quoting::Public,
            _ => Quoting::Withheld,
        };
        let what = format!(
            "attachment {}",
            quoting
                .and(named)
                .quote(decl.file.get_ref(), &format!("(its name is {NOT_SHOWN})"))
        );
        let exempt = decl.exempt.map(|e| (e, position));
        let Some(status) = understand_status(
            path,
            &what,
            decl.public.as_ref(),
            exempt,
            false,
            position,
            at,
            diagnostics,
        ) else {
            continue;
        };
        match &status {
            Status::Public if decl.title.as_deref().is_none_or(|t| t.trim().is_empty()) => {
                diagnostics.push(
                    Diagnostic::error(path, format!("{what} needs a `title`"))
                        .at(position)
                        .help("add `title = \"...\"` saying what the file holds"),
                );
            }
            Status::Exempt(_)
                if decl
                    .public_title
                    .as_deref()
                    .is_none_or(|t| t.trim().is_empty()) =>
            {
                diagnostics.push(
                    Diagnostic::error(path, format!("{what} is exempt and needs a `public_title`"))
                        .at(position)
                        .help("add `public_title = \"...\"`, checked by a person"),
                );
            }
            _ => {}
        }
        attachments.push(Attachment {
            file: decl.file.into_inner(),
            position,
            title: decl.title,
            public_title: decl.public_title,
            status,
        });
    }
    attachments
}

fn check_paper(
    path: &str,
    kind: Kind,
    front: PaperFront,
    at: &dyn Fn(std::ops::Range<usize>) -> Position,
    key_at: &dyn Fn(&str) -> Position,
    diagnostics: &mut Diagnostics,
) -> Option<Paper> {
    let before = diagnostics.error_count();
    let kind_name = kind.name();
    // Keys that belong to one kind only.
    for (key, owner) in ONE_KIND_KEYS {
        let span = match key {
            "impacts" => front.impacts.as_ref().map(Spanned::span),
            "assessed_on" => front.assessed_on.as_ref().map(Spanned::span),
            "meeting" => front.meeting.as_ref().map(Spanned::span),
            _ => unreachable!("every key of ONE_KIND_KEYS is matched here"),
        };
        if let Some(span) = span.filter(|_| owner != kind) {
            diagnostics.push(
                Diagnostic::error(
                    path,
                    format!("`{key}` is not a key of a document of kind `{kind_name}`"),
                )
                .at(at(span))
                .help(format!(
                    "only a `{}` takes `{key}`; remove it or change `kind`",
                    owner.name()
                )),
            );
        }
    }
    let exempt = front.exempt.map(|e| {
        let position = at(e.span());
        (e.into_inner(), position)
    });
    let status = understand_status(
        path,
        &format!("this {kind_name}"),
        front.public.as_ref(),
        exempt,
        kind != Kind::Appendix,
        at(0..0),
        at,
        diagnostics,
    );

    let title = front.title.map(Spanned::into_inner);
    let public_title = front.public_title.map(|t| (t.span(), t.into_inner()));
    match &status {
        Some(Status::Exempt(_)) => {
            if front.label.is_none() {
                diagnostics.push(
                    Diagnostic::error(path, format!("an exempt {kind_name} needs a `label`"))
                        .at(key_at("exempt"))
                        .help("add `label = \"Appendix 1\"` so readers can match the notice to the papers"),
                );
            }
            if public_title
                .as_ref()
                .is_none_or(|(_, t)| t.trim().is_empty())
            {
                diagnostics.push(
                    Diagnostic::error(path, format!("an exempt {kind_name} needs a `public_title`"))
                        .at(key_at("exempt"))
                        .help("add `public_title = \"...\"`, checked by a person: the title of exempt papers can give secrets away, so the body's title is never used"),
                );
            }
        }
        Some(Status::Public) => {
            if title.as_deref().is_none_or(|t| t.trim().is_empty()) {
                diagnostics.push(
                    Diagnostic::error(path, format!("a published {kind_name} needs a `title`"))
                        .at(key_at("kind"))
                        .help("add `title = \"...\"`"),
                );
            }
            if let Some((span, _)) = &public_title {
                diagnostics.push(
                    Diagnostic::error(path, "`public_title` is only for exempt documents")
                        .at(at(span.clone()))
                        .help("use `title` for a published document"),
                );
            }
        }
        None => {}
    }

    // What the document says is quoted only when it is known to be published.
    let quoting = status.as_ref().map_or(Quoting::Withheld, Status::quoting);
    let mut impacts = Vec::new();
    if kind == Kind::Eqia {
        impacts = check_impacts(path, front.impacts, quoting, at, key_at, diagnostics);
    }

    let attachments = check_attachments(path, front.attachments, quoting, at, diagnostics);

    if matches!(status, Some(Status::Exempt(_))) {
        for a in attachments
            .iter()
            .filter(|a| matches!(a.status, Status::Public))
        {
            // The document is exempt: the attachment's name is not quoted.
            diagnostics.push(
                Diagnostic::error(path, format!("an attachment is marked public, but it belongs to an exempt {kind_name}"))
                    .at(a.position)
                    .help("an exempt document's files are withheld with it: mark the attachment `exempt = { ... }` too, or attach it to a public document"),
            );
        }
    }
    if diagnostics.error_count() > before {
        return None;
    }
    Some(Paper {
        label: front.label,
        title,
        public_title: public_title.map(|(_, t)| t),
        status: status?,
        summary: front.summary,
        meeting: front.meeting.map(Spanned::into_inner),
        assessed_on: front.assessed_on.map(Spanned::into_inner),
        impacts,
        attachments,
    })
}

fn check_impacts(
    path: &str,
    impacts: Option<Spanned<BTreeMap<String, Spanned<Impact>>>>,
    quoting: Quoting,
    at: &dyn Fn(std::ops::Range<usize>) -> Position,
    key_at: &dyn Fn(&str) -> Position,
    diagnostics: &mut Diagnostics,
) -> Vec<(&'static str, &'static str, Impact)> {
    let Some(impacts) = impacts else {
        diagnostics.push(
            Diagnostic::error(path, "an Equality Impact Assessment needs `[impacts]`")
                .at(key_at("kind"))
                .help("add a table `[impacts.age]` with `impact` and `detail` for each of the nine protected characteristics"),
        );
        return Vec::new();
    };
    let table_at = at(impacts.span());
    let mut map = impacts.into_inner();
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for (key, name) in PROTECTED_CHARACTERISTICS
        .iter()
        .chain(std::iter::once(&CARERS))
    {
        match map.remove(*key) {
            Some(impact) => {
                let impact_at = at(impact.span());
                let impact = impact.into_inner();
                if impact.impact.needs_mitigation()
                    && impact
                        .mitigation
                        .as_deref()
                        .is_none_or(|m| m.trim().is_empty())
                {
                    diagnostics.push(
                        Diagnostic::error(
                            path,
                            format!("the impact on `{key}` may be harmful but has no `mitigation`"),
                        )
                        .at(impact_at)
                        .help("say what the council will do to reduce or remove the harm"),
                    );
                }
                out.push((*key, *name, impact));
            }
            None if *key == CARERS.0 => {}
            None => missing.push(*key),
        }
    }
    if !missing.is_empty() {
        diagnostics.push(
            Diagnostic::error(path, format!(
                "the assessment leaves out protected characteristics: {}",
                missing.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            ))
            .at(table_at)
            .help("the Equality Act 2010 protects nine characteristics; add `[impacts.KEY]` for each, even when the impact is neutral"),
        );
    }
    for (key, impact) in map {
        let known: Vec<String> = PROTECTED_CHARACTERISTICS
            .iter()
            .chain(std::iter::once(&CARERS))
            .map(|(k, _)| k.to_string())
            .collect();
        let help = match frontmatter::nearest(&key, &known) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("use one of: {}", known.join(", ")),
        };
        let key = quoting.quote(&key, &format!("a key here ({NOT_SHOWN})"));
        diagnostics.push(
            Diagnostic::error(path, format!("{key} is not a protected characteristic"))
                .at(at(impact.span()))
                .help(help),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<Document>, Vec<Diagnostic>) {
        let mut d = Diagnostics::default();
        let doc = Document::parse("content/x.md", text.to_string(), &mut d);
        (doc, d.into_sorted())
    }

    #[test]
    fn appendix_without_status_is_an_error() {
        let (doc, d) =
            parse("+++\nkind = \"appendix\"\nlabel = \"Appendix 1\"\ntitle = \"T\"\n+++\nbody\n");
        assert!(doc.is_none());
        assert_eq!(
            d[0].message,
            "this appendix does not say whether it is published"
        );
    }

    #[test]
    fn public_false_is_not_enough() {
        let (doc, d) = parse("+++\nkind = \"appendix\"\ntitle = \"T\"\npublic = false\n+++\n");
        assert!(doc.is_none());
        assert!(
            d[0].message.contains("`public = false` but not why"),
            "{d:?}"
        );
        assert_eq!((d[0].line, d[0].column), (4, 10));
    }

    #[test]
    fn paragraph_out_of_range_points_at_the_number() {
        let (doc, d) = parse(
            "+++\nkind = \"appendix\"\nlabel = \"A\"\npublic_title = \"P\"\nexempt = { paragraph = 9, reason = \"r\" }\n+++\n",
        );
        assert!(doc.is_none());
        assert_eq!(
            d[0].message,
            "`paragraph` must be a paragraph of Part 1 of Schedule 12A, 1 to 7"
        );
        assert_eq!((d[0].line, d[0].column), (5, 24));
    }

    #[test]
    fn exempt_needs_public_title() {
        let (doc, d) = parse(
            "+++\nkind = \"appendix\"\nlabel = \"A\"\ntitle = \"Secret bidder Ltd\"\nexempt = { paragraph = 3, reason = \"r\" }\n+++\n",
        );
        assert!(doc.is_none());
        assert!(d[0].message.contains("needs a `public_title`"));
    }

    #[test]
    fn eqia_must_cover_every_characteristic() {
        let (doc, d) = parse(
            "+++\nkind = \"eqia\"\ntitle = \"E\"\n[impacts.age]\nimpact = \"neutral\"\ndetail = \"d\"\n[impacts.sexx]\nimpact = \"neutral\"\ndetail = \"d\"\n+++\n",
        );
        assert!(doc.is_none());
        let messages: Vec<_> = d.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("leaves out protected characteristics")
                    && m.contains("`disability`"))
        );
        assert!(messages.contains(&"`sexx` is not a protected characteristic"));
    }

    /// A decision record with `extra` keys; `key` says whether it is a key decision.
    fn record(key: bool, extra: &str) -> String {
        format!(
            "+++\nkind = \"decision\"\nnumber = \"24/00001\"\ntitle = \"T\"\nsummary = \"S.\"\n\
             decision_maker = \"Cabinet\"\nkey_decision = {key}\nkey_decision_reason = \"Money.\"\n\
             electoral_divisions = [\"All\"]\ndecision = \"D.\"\nreasons = \"R.\"\n\
             alternatives = [{{ option = \"O\", why_rejected = \"W\" }}]\n\
             interests_declared = \"None\"\ndispensations = \"None\"\n{extra}+++\n"
        )
    }

    fn errors(text: &str) -> Vec<String> {
        let (_, d) = parse(text);
        d.iter()
            .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
            .collect()
    }

    #[test]
    fn a_key_decision_comes_28_clear_days_after_its_notice() {
        // Notice on 1 March 2024: 30 March is the 29th day after, lawful;
        // 29 March leaves 27 clear days.
        let notice = "notice_published = 2024-03-01\n";
        for (status, date) in [("proposed", "due"), ("taken", "taken")] {
            let ok = record(
                true,
                &format!("status = \"{status}\"\n{date} = 2024-03-30\n{notice}"),
            );
            assert_eq!(errors(&ok), Vec::<String>::new(), "{status}");
            let early = record(
                true,
                &format!("status = \"{status}\"\n{date} = 2024-03-29\n{notice}"),
            );
            let found = errors(&early);
            assert_eq!(found.len(), 1, "{found:?}");
            // At the line of `due` or `taken`, naming the earliest lawful date.
            assert!(found[0].starts_with("16:"), "{found:?}");
            assert!(found[0].contains("sooner than the law allows"), "{found:?}");
            assert!(
                found[0].contains("the earliest lawful date is 30 March 2024"),
                "{found:?}"
            );
        }
        // Not a key decision: no notice needed, and none checked.
        let minor = record(
            false,
            "status = \"proposed\"\ndue = 2024-03-02\nnotice_published = 2024-03-01\n",
        );
        assert_eq!(errors(&minor), Vec::<String>::new());
    }

    #[test]
    fn a_key_decision_needs_notice_published() {
        let found = errors(&record(true, "status = \"proposed\"\ndue = 2024-03-30\n"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("7:16:"),
            "at `key_decision`: {found:?}"
        );
        assert!(found[0].contains("needs `notice_published`"), "{found:?}");
        let (_, d) = parse(&record(true, "status = \"proposed\"\ndue = 2024-03-30\n"));
        assert!(d[0].help.as_deref().unwrap().contains("regulation 9"));
    }

    #[test]
    fn the_general_exception_needs_5_clear_days_after_the_notice_and_the_chair() {
        let general = |due: &str, notice: &str, chair: &str| {
            errors(&record(
                true,
                &format!(
                    "status = \"proposed\"\ndue = {due}\nnotice_published = {notice}\n\
                 urgency = {{ route = \"general-exception\", reasons = \"The contract ends.\", scrutiny_chair = {chair} }}\n"
                ),
            ))
        };
        // Notice and chair on 1 March: 7 March is the sixth day after, lawful.
        assert_eq!(
            general("2024-03-07", "2024-03-01", "2024-03-01"),
            Vec::<String>::new()
        );
        // 6 March leaves 4 clear days.
        let early = general("2024-03-06", "2024-03-01", "2024-03-01");
        assert!(
            early[0].contains("under the general exception"),
            "{early:?}"
        );
        assert!(
            early[0].contains("earliest lawful date is 7 March 2024"),
            "{early:?}"
        );
        // The chair told later than the notice: 5 clear days from the chair.
        let late_chair = general("2024-03-07", "2024-03-01", "2024-03-03");
        assert!(
            late_chair[0].contains("earliest lawful date is 9 March 2024"),
            "{late_chair:?}"
        );
        // The chair told after the decision date.
        let after = general("2024-03-07", "2024-03-01", "2024-03-08");
        assert!(after[0].contains("after the decision date"), "{after:?}");
    }

    #[test]
    fn special_urgency_needs_the_chairs_agreement_by_the_decision_date() {
        let special = |chair: &str, reasons: &str| {
            errors(&record(
                true,
                &format!(
                    "status = \"taken\"\ntaken = 2024-03-02\nnotice_published = 2024-03-02\n\
                 urgency = {{ route = \"special-urgency\", reasons = \"{reasons}\", scrutiny_chair = {chair} }}\n"
                ),
            ))
        };
        assert_eq!(
            special("2024-03-02", "A child's safety."),
            Vec::<String>::new()
        );
        let late = special("2024-03-03", "A child's safety.");
        assert!(
            late[0].contains("after the decision date, 2 March 2024"),
            "{late:?}"
        );
        let silent = special("2024-03-01", " ");
        assert!(silent[0].contains("empty `reasons`"), "{silent:?}");
        // Only a key decision takes an urgency route.
        let minor = errors(&record(
            false,
            "status = \"taken\"\ntaken = 2024-03-02\n\
             urgency = { route = \"special-urgency\", reasons = \"R.\", scrutiny_chair = 2024-03-01 }\n",
        ));
        assert!(
            minor[0].contains("only a key decision takes `urgency`"),
            "{minor:?}"
        );
    }

    #[test]
    fn a_call_in_must_agree_with_itself_and_the_status() {
        let record_with = |status: &str, call_in: &str| {
            errors(&record(
                false,
                &format!(
                    "status = \"{status}\"\ntaken = 2024-03-01\ncall_in = {{ subject = true, deadline = 2024-03-08, implement_from = 2024-03-11{call_in} }}\n"
                ),
            ))
        };
        let by = ", by = \"Scrutiny Committee\"";
        assert_eq!(record_with("taken", ""), Vec::<String>::new());
        assert_eq!(
            record_with("called-in", &format!(", requested_on = 2024-03-05{by}")),
            Vec::<String>::new()
        );
        assert_eq!(
            record_with(
                "taken",
                &format!(
                    ", requested_on = 2024-03-05{by}, outcome = \"upheld\", decided_on = 2024-03-20"
                )
            ),
            Vec::<String>::new()
        );
        for (status, call_in, expected) in [
            ("called-in", String::new(), "needs `requested_on`"),
            (
                "called-in",
                format!(", requested_on = 2024-03-09{by}"),
                "after the deadline of 8 March 2024",
            ),
            (
                "called-in",
                format!(", requested_on = 2024-02-28{by}"),
                "before the decision was taken",
            ),
            (
                "called-in",
                ", requested_on = 2024-03-05".into(),
                "needs `by`",
            ),
            (
                "called-in",
                format!(", requested_on = 2024-03-05{by}, outcome = \"referred back\""),
                "needs `decided_on`",
            ),
            (
                "called-in",
                format!(", requested_on = 2024-03-05{by}, decided_on = 2024-03-20"),
                "needs an `outcome`",
            ),
            (
                "called-in",
                format!(
                    ", requested_on = 2024-03-05{by}, outcome = \"withdrawn\", decided_on = 2024-03-04"
                ),
                "before it was requested",
            ),
            (
                "taken",
                format!(", requested_on = 2024-03-05{by}"),
                "so its status is `called-in`",
            ),
            (
                "taken",
                format!(", outcome = \"upheld\", decided_on = 2024-03-20{by}"),
                "but no `requested_on`",
            ),
        ] {
            let found = record_with(status, &call_in);
            assert!(
                found.iter().any(|f| f.contains(expected)),
                "{expected:?} not in {found:?}"
            );
        }
        // Not subject to call-in, yet called in.
        let found = errors(&record(
            false,
            "status = \"called-in\"\ntaken = 2024-03-01\n\
             call_in = { subject = false, reason = \"Urgent.\", requested_on = 2024-03-05, by = \"Scrutiny Committee\" }\n",
        ));
        assert!(
            found.iter().any(|f| f.contains("`subject = false`")),
            "{found:?}"
        );
        // An outcome that is not one of the three.
        let found = record_with(
            "called-in",
            &format!(
                ", requested_on = 2024-03-05{by}, outcome = \"upheld in part\", decided_on = 2024-03-20"
            ),
        );
        assert!(
            found
                .iter()
                .any(|f| f.contains("not a value this key takes")),
            "{found:?}"
        );
    }

    #[test]
    fn misspelt_kind_is_suggested() {
        let (_, d) = parse("+++\nkind = \"apendix\"\n+++\n");
        // A document of no known kind may be exempt: its kind is not quoted.
        assert_eq!(
            d[0].message,
            "the kind here (not shown, as its source is or may be exempt) is not a kind of document"
        );
        assert_eq!(d[0].help.as_deref(), Some("did you mean `appendix`?"));
    }

    /// Every message a withheld document can cause, each with a marker
    /// planted where the message would otherwise quote it: the message is
    /// made (its words are there) and the marker is not. Long because it
    /// lists every message path, one case each.
    #[test]
    fn no_message_quotes_a_withheld_document() {
        const MARKER: &str = "zqxmsg";
        const NUMBER: &str = "74312917";
        let appendix = "kind = \"appendix\"\nlabel = \"A\"\npublic_title = \"P\"\n";
        let exempt = "exempt = { paragraph = 3, reason = \"r\" }\n";
        let eqia = "kind = \"eqia\"\nlabel = \"A\"\npublic_title = \"P\"\nexempt = { paragraph = 3, reason = \"r\" }\n";
        let impacts = |age: &str| {
            let mut t = String::new();
            for (key, _) in PROTECTED_CHARACTERISTICS {
                let impact = if key == "age" { age } else { "neutral" };
                t.push_str(&format!(
                    "[impacts.{key}]\nimpact = \"{impact}\"\ndetail = \"d\"\n"
                ));
            }
            t
        };
        let cases: Vec<(String, &str)> = vec![
            // A key whose name is the marker.
            (
                format!("{appendix}{exempt}{MARKER}key = 1\n"),
                "unknown key (its name is not shown",
            ),
            // A misspelt enum value (an EqIA's impact level).
            (
                format!("{eqia}{}", impacts(&format!("{MARKER}ive"))),
                "the value here (not shown",
            ),
            // A misspelt kind.
            (
                format!("kind = \"{MARKER}\"\n{exempt}"),
                "is not a kind of document",
            ),
            // A wrong type: a number where text goes, a float where a whole number does.
            (
                format!("{appendix}{exempt}summary = {NUMBER}\n"),
                "this is a whole number, but it should be text in quotes",
            ),
            (
                format!("{appendix}exempt = {{ paragraph = 7431.2917, reason = \"r\" }}\n"),
                "this is a number with a decimal point, but it should be a paragraph number like 3",
            ),
            (
                format!("{appendix}{exempt}summary = true\ntitle = [\"{MARKER}\"]\n"),
                "this is true or false, but it should be text in quotes",
            ),
            // A date that is not one, and a date where text goes.
            (
                format!(
                    "{appendix}exempt = {{ paragraph = 3, reason = \"r\", review_on = \"{MARKER}\" }}\n"
                ),
                "this is text in quotes, but it should be",
            ),
            (
                format!(
                    "{appendix}exempt = {{ paragraph = 3, reason = \"r\", review_on = {NUMBER} }}\n"
                ),
                "this is a whole number, but it should be",
            ),
            // A syntax error on a line holding the marker, and a key written twice.
            (
                format!("{appendix}{exempt}title = \"{MARKER} ok\" {MARKER}\n"),
                "unexpected key or value",
            ),
            (
                format!("{appendix}{exempt}{MARKER} {MARKER} = 1\n"),
                "expected",
            ),
            (
                format!("{appendix}{exempt}{MARKER} = 1\n{MARKER} = 2\n"),
                "duplicate key",
            ),
            // A paragraph out of range, written as the marker's number.
            (
                format!("{appendix}exempt = {{ paragraph = {NUMBER}, reason = \"r\" }}\n"),
                "`paragraph` must be a paragraph",
            ),
            // An EqIA key that is not a characteristic.
            (
                format!(
                    "{eqia}{}[impacts.{MARKER}]\nimpact = \"neutral\"\ndetail = \"d\"\n",
                    impacts("neutral")
                ),
                "is not a protected characteristic",
            ),
            // Attachments of an exempt document, named with the marker.
            (
                format!(
                    "{appendix}{exempt}attachments = [{{ file = \"{MARKER}.pdf\", title = \"T\", public = true }}]\n"
                ),
                "an attachment is marked public",
            ),
            (
                format!(
                    "{appendix}{exempt}attachments = [{{ file = \"{MARKER}.pdf\", public = false }}]\n"
                ),
                "says `public = false`",
            ),
            (
                format!(
                    "{appendix}{exempt}attachments = [{{ file = \"{MARKER}.pdf\", public = true, exempt = {{ paragraph = 3, reason = \"r\" }} }}]\n"
                ),
                "says both `public` and `exempt`",
            ),
            (
                format!(
                    "{appendix}{exempt}attachments = [{{ file = \"{MARKER}.pdf\", public_title = \"P\" }}]\n"
                ),
                "does not say whether it is published",
            ),
            // An exempt attachment of a public report, and an unclear one.
            (
                format!(
                    "kind = \"report\"\ntitle = \"T\"\nattachments = [{{ file = \"{MARKER}.csv\", exempt = {{ paragraph = 3, reason = \"r\" }} }}]\n"
                ),
                "is exempt and needs a `public_title`",
            ),
            (
                format!(
                    "kind = \"report\"\ntitle = \"T\"\nattachments = [{{ file = \"{MARKER}.csv\", exempt = {{ paragraph = 9, reason = \"r\" }}, public_title = \"P\" }}]\n"
                ),
                "`paragraph` must be",
            ),
            // Withholding said with a misspelt key, or `public = false`, or an
            // appendix that says nothing: its other values are not quoted.
            (
                format!(
                    "kind = \"report\"\ntitle = \"T\"\n{MARKER}key = 1\nexmept = {{ paragraph = 3, reason = \"r\" }}\n"
                ),
                "unknown key (its name is not shown",
            ),
            (
                format!("kind = \"decision\"\nstatus = \"{MARKER}\"\n{exempt}"),
                "not shown",
            ),
            (
                format!("kind = \"appendix\"\npublic = false\ntitle = {NUMBER}\n"),
                "this is a whole number, but it should be text in quotes",
            ),
            (
                format!("kind = \"appendix\"\n{MARKER}key = 1\n"),
                "unknown key (its name is not shown",
            ),
        ];
        for (front, expected) in cases {
            let (doc, d) = parse(&format!("+++\n{front}+++\nBody {MARKER}.\n"));
            assert!(doc.is_none(), "accepted:\n{front}");
            let printed: String = d.iter().map(|d| format!("{d}\n")).collect();
            assert!(
                printed.contains(expected),
                "{expected:?} not in:\n{printed}\nfor:\n{front}"
            );
            for planted in [MARKER, NUMBER, "7431.2917"] {
                assert!(
                    !printed.to_lowercase().contains(planted),
                    "{planted} quoted:\n{printed}\nfor:\n{front}"
                );
            }
        }
    }

    #[test]
    fn a_published_document_is_quoted() {
        let (_, d) = parse("+++\nkind = \"page\"\ntitle = \"T\"\nsumary = \"s\"\n+++\n");
        assert_eq!(d[0].message, "unknown key `sumary`");
        let (_, d) = parse("+++\nkind = \"decision\"\nstatus = \"taekn\"\n+++\n");
        assert_eq!(d[0].message, "`taekn` is not a value this key takes");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `taken`?"));
    }

    #[test]
    fn quoting_fails_closed() {
        use Quoting::{Public, Withheld};
        for (front, quoting) in [
            ("kind = \"page\"\ntitle = \"T\"\n", Public),
            (
                "kind = \"report\"\nattachments = [{ file = \"a.csv\", public = true }]\n",
                Public,
            ),
            (
                "kind = \"appendix\"\npublic = true\npublic_title = \"x\"\n",
                Public,
            ),
            ("kind = \"appendix\"\n", Withheld),
            ("kind = \"appendix\"\npublic = \"true\"\n", Withheld),
            ("kind = \"report\"\npublic = false\n", Withheld),
            ("kind = \"report\"\nexempt = 1\n", Withheld),
            ("kind = \"report\"\nExempt = 1\n", Withheld),
            ("kind = \"report\"\nexempted = 1\n", Withheld),
            ("kind = \"report\"\npubilc = true\n", Withheld),
            ("kind = \"report\"\n[x]\ny = [{ exmpt = 1 }]\n", Withheld),
            (
                "kind = \"report\"\nattachments = [{ file = \"a.csv\", public = false }]\n",
                Withheld,
            ),
            ("kind = \"paper\"\n", Withheld),
            ("kind = 1\n", Withheld),
            ("title = \"T\"\n", Withheld),
            ("kind = \"page\"\ntitle = \n", Withheld),
        ] {
            assert_eq!(quoting_of(front), quoting, "{front}");
        }
    }
}
