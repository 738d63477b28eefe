//! Parsing one document: front matter into typed fields, checked on its own.
//!
//! `Document::parse` works on a string, so tests need no disk. Checks that need
//! other documents (related decisions, declared files) happen in `site`.
//! Nothing here renders Markdown: an exempt body must never be turned into HTML.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};
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

/// What Schedule 12A exempts and why, as declared by the author.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    pub paragraph: Spanned<i64>,
    pub reason: String,
    #[serde(default)]
    pub review_on: Option<Date>,
    #[serde(default)]
    pub public_interest: Option<String>,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Decision,
    Report,
    Eqia,
    Appendix,
    Page,
}

impl Kind {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionStatus {
    Proposed,
    Taken,
    CalledIn,
    Withdrawn,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Alternative {
    pub option: String,
    pub why_rejected: String,
}

/// Whether a decision can be called in, and, once it has been, by whom and
/// with what outcome. Call-in lets councillors who scrutinise the council's
/// work ask for a decision made but not yet carried out to be looked at again.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct CallIn {
    pub subject: bool,
    #[serde(default)]
    pub deadline: Option<Date>,
    #[serde(default)]
    pub implement_from: Option<Date>,
    #[serde(default)]
    pub reason: Option<String>,
    /// The day the decision was called in.
    #[serde(default)]
    pub requested_on: Option<Date>,
    /// Who called it in: a committee, or councillors acting in their public role.
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub outcome: Option<CallInOutcome>,
    /// The day the outcome was decided.
    #[serde(default)]
    pub decided_on: Option<Date>,
}

/// What became of a call-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum CallInOutcome {
    /// The decision stands as it was made, and can be carried out.
    #[serde(rename = "upheld")]
    Upheld,
    /// The decision goes back to the decision maker to think again.
    #[serde(rename = "referred back")]
    ReferredBack,
    /// Those who called it in withdrew their request: the decision stands.
    #[serde(rename = "withdrawn")]
    Withdrawn,
}

/// The route the law allows for a key decision taken without 28 clear
/// days' notice in the forward plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UrgencyRoute {
    /// 2012 Executive Arrangements Regulations, reg. 10: the scrutiny chair
    /// told in writing, a notice with the reasons published, then 5 clear days.
    GeneralException,
    /// Reg. 11: the scrutiny chair agrees that the decision is urgent and
    /// cannot reasonably be deferred.
    SpecialUrgency,
}

/// `urgency = { route, reasons, scrutiny_chair }` of a key decision.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Urgency {
    pub route: UrgencyRoute,
    /// Why the decision could not wait, as the published notice gives them.
    pub reasons: String,
    /// The day the chair of the overview and scrutiny committee was told in
    /// writing (general exception) or agreed (special urgency).
    pub scrutiny_chair: Date,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PathwayStep {
    pub date: Date,
    pub body: String,
    pub what: String,
}

/// The front matter of a decision record (2012 Executive Arrangements
/// Regulations, reg. 13: decision, date, reasons, alternatives, interests, dispensations).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionFront {
    #[allow(dead_code)]
    kind: String,
    pub number: Spanned<String>,
    pub title: String,
    pub summary: String,
    pub decision_maker: String,
    #[serde(default)]
    pub decision_maker_name: Option<String>,
    #[serde(default)]
    pub in_consultation_with: Vec<String>,
    pub status: Spanned<DecisionStatus>,
    #[serde(default)]
    pub due: Option<Spanned<Date>>,
    #[serde(default)]
    pub taken: Option<Spanned<Date>>,
    #[serde(default)]
    pub withdrawn: Option<Date>,
    pub key_decision: Spanned<bool>,
    #[serde(default)]
    pub key_decision_reason: Option<String>,
    /// The day the decision's notice first appeared in the forward plan
    /// (reg. 9); required for a key decision.
    #[serde(default)]
    pub notice_published: Option<Spanned<Date>>,
    /// How a key decision was taken without 28 clear days' notice.
    #[serde(default)]
    pub urgency: Option<Spanned<Urgency>>,
    pub electoral_divisions: Vec<String>,
    #[serde(default)]
    pub related: Vec<Spanned<String>>,
    pub decision: String,
    pub reasons: String,
    pub alternatives: Spanned<Vec<Alternative>>,
    pub interests_declared: String,
    pub dispensations: String,
    #[serde(default)]
    pub call_in: Option<Spanned<CallIn>>,
    #[serde(default)]
    pub pathway: Vec<PathwayStep>,
    /// Values the personal-data guard may let through in this document
    /// (read by `guard`); each a true false positive, reviewed by a person.
    #[serde(default)]
    #[allow(dead_code)]
    personal_data_ok: Vec<String>,
    /// Names and figures this document publishes that an exempt source also
    /// states (read by `visibility`); each reviewed by a person.
    #[serde(default)]
    #[allow(dead_code)]
    public_facts: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImpactLevel {
    Positive,
    Neutral,
    Negative,
    Mixed,
    Unknown,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Impact {
    pub impact: ImpactLevel,
    pub detail: String,
    #[serde(default)]
    pub mitigation: Option<String>,
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

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub body: String,
    pub date: Date,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentDecl {
    pub file: Spanned<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub public_title: Option<String>,
    #[serde(default)]
    pub public: Option<Spanned<bool>>,
    #[serde(default)]
    pub exempt: Option<Exemption>,
}

/// Front matter shared by reports, EqIAs and appendices; kind-specific keys
/// are checked by hand so that each kind refuses the others' keys.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PaperFront {
    #[allow(dead_code)]
    kind: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    title: Option<Spanned<String>>,
    #[serde(default)]
    public_title: Option<Spanned<String>>,
    #[serde(default)]
    public: Option<Spanned<bool>>,
    #[serde(default)]
    exempt: Option<Spanned<Exemption>>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    meeting: Option<Spanned<Meeting>>,
    #[serde(default)]
    assessed_on: Option<Spanned<Date>>,
    #[serde(default)]
    impacts: Option<Spanned<BTreeMap<String, Spanned<Impact>>>>,
    #[serde(default)]
    attachments: Vec<AttachmentDecl>,
    /// Values the personal-data guard may let through in this document
    /// (read by `guard`); each a true false positive, reviewed by a person.
    #[serde(default)]
    #[allow(dead_code)]
    personal_data_ok: Vec<String>,
    /// Names and figures this document publishes that an exempt source also
    /// states (read by `visibility`); each reviewed by a person.
    #[serde(default)]
    #[allow(dead_code)]
    public_facts: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFront {
    #[allow(dead_code)]
    kind: String,
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
    /// Values the personal-data guard may let through in this document
    /// (read by `guard`); each a true false positive, reviewed by a person.
    #[serde(default)]
    #[allow(dead_code)]
    personal_data_ok: Vec<String>,
    /// Names and figures this document publishes that an exempt source also
    /// states (read by `visibility`); each reviewed by a person.
    #[serde(default)]
    #[allow(dead_code)]
    public_facts: Vec<String>,
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
                check_decision(path, &front, &at, diagnostics);
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
                let paper = check_paper(path, kind, front, &at, diagnostics)?;
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
    let status_at = at(front.status.span());
    let need = |what: &str, present: bool, diagnostics: &mut Diagnostics| {
        if !present {
            diagnostics.push(
                Diagnostic::error(
                    path,
                    format!(
                        "a decision with status `{}` needs `{what}`",
                        status_name(*front.status.get_ref())
                    ),
                )
                .at(status_at)
                .help(format!("add `{what} = 2022-07-13` with the real date")),
            );
        }
    };
    match front.status.get_ref() {
        DecisionStatus::Proposed => need("due", front.due.is_some(), diagnostics),
        DecisionStatus::Taken => need("taken", front.taken.is_some(), diagnostics),
        DecisionStatus::CalledIn => {
            need("taken", front.taken.is_some(), diagnostics);
            if front.call_in.is_none() {
                diagnostics.push(
                    Diagnostic::error(path, "a called-in decision needs `call_in`")
                        .at(status_at)
                        .help("add `call_in = { subject = true, deadline = ..., implement_from = ... }`"),
                );
            }
        }
        DecisionStatus::Withdrawn => need("withdrawn", front.withdrawn.is_some(), diagnostics),
    }
    if matches!(
        front.status.get_ref(),
        DecisionStatus::Proposed | DecisionStatus::Withdrawn
    ) && front.taken.is_some()
    {
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
                .help("say in plain words why it is a key decision, for example the money involved or the areas affected"),
        );
    }
    if front.electoral_divisions.is_empty() {
        diagnostics.push(
            Diagnostic::error(path, "`electoral_divisions` is empty")
                .help("name the divisions affected, or write `[\"All\"]`"),
        );
    }
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
                    .help("write it in plain words; the public record needs it"),
            );
        }
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
    // The day it is made: taken once taken, else the day it is due.
    let (key, date, verb) = match front.status.get_ref() {
        DecisionStatus::Proposed => ("due", &front.due, "is due on"),
        DecisionStatus::Taken | DecisionStatus::CalledIn => ("taken", &front.taken, "was taken on"),
        DecisionStatus::Withdrawn => return,
    };
    // A missing date is reported with the status.
    let Some(date) = date else { return };
    let (on, notice_on) = (*date.get_ref(), *notice.get_ref());
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
                    "this key decision {verb} {}, sooner than the law allows: its notice was published on {}, so the earliest lawful date is {}",
                    on.in_words(),
                    notice_on.in_words(),
                    earliest.in_words()
                ),
            )
            .at(at(date.span()))
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
                            "this key decision {verb} {} under the general exception, which asks for 5 clear days after both the notice and the letter to the scrutiny chair: the earliest lawful date is {}",
                            on.in_words(),
                            earliest.in_words()
                        ),
                    )
                    .at(at(date.span()))
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
            let paragraph = *e.paragraph.get_ref();
            if !(1..=7).contains(&paragraph) {
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
    diagnostics: &mut Diagnostics,
) -> Option<Paper> {
    let before = diagnostics.error_count();
    let kind_name = kind.name();
    // Keys that belong to one kind only.
    let wrong_key =
        |key: &str, span: std::ops::Range<usize>, owner: &str, diagnostics: &mut Diagnostics| {
            diagnostics.push(
                Diagnostic::error(
                    path,
                    format!("`{key}` is not a key of a document of kind `{kind_name}`"),
                )
                .at(at(span))
                .help(format!(
                    "only a `{owner}` takes `{key}`; remove it or change `kind`"
                )),
            );
        };
    if kind != Kind::Eqia {
        if let Some(i) = &front.impacts {
            wrong_key("impacts", i.span(), "eqia", diagnostics);
        }
        if let Some(a) = &front.assessed_on {
            wrong_key("assessed_on", a.span(), "eqia", diagnostics);
        }
    }
    if kind != Kind::Report {
        if let Some(m) = &front.meeting {
            wrong_key("meeting", m.span(), "report", diagnostics);
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
                        .help("add `label = \"Appendix 1\"` so readers can match the notice to the papers"),
                );
            }
            if public_title
                .as_ref()
                .is_none_or(|(_, t)| t.trim().is_empty())
            {
                diagnostics.push(
                    Diagnostic::error(path, format!("an exempt {kind_name} needs a `public_title`"))
                        .help("add `public_title = \"...\"`, checked by a person: the title of exempt papers can give secrets away, so the body's title is never used"),
                );
            }
        }
        Some(Status::Public) => {
            if title.as_deref().is_none_or(|t| t.trim().is_empty()) {
                diagnostics.push(
                    Diagnostic::error(path, format!("a published {kind_name} needs a `title`"))
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
        impacts = check_impacts(path, front.impacts, quoting, at, diagnostics);
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
    diagnostics: &mut Diagnostics,
) -> Vec<(&'static str, &'static str, Impact)> {
    let Some(impacts) = impacts else {
        diagnostics.push(
            Diagnostic::error(path, "an Equality Impact Assessment needs `[impacts]`")
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
                let needs_mitigation = matches!(
                    impact.impact,
                    ImpactLevel::Negative | ImpactLevel::Mixed | ImpactLevel::Unknown
                );
                if needs_mitigation
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
                "invalid type: integer (not shown",
            ),
            (
                format!("{appendix}exempt = {{ paragraph = 7431.2917, reason = \"r\" }}\n"),
                "invalid type: floating point (not shown",
            ),
            (
                format!("{appendix}{exempt}summary = true\ntitle = [\"{MARKER}\"]\n"),
                "invalid type",
            ),
            // A date that is not one, and a date where text goes.
            (
                format!(
                    "{appendix}exempt = {{ paragraph = 3, reason = \"r\", review_on = \"{MARKER}\" }}\n"
                ),
                "invalid type: string (not shown",
            ),
            (
                format!(
                    "{appendix}exempt = {{ paragraph = 3, reason = \"r\", review_on = {NUMBER} }}\n"
                ),
                "invalid type: integer (not shown",
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
                "invalid type: integer (not shown",
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
