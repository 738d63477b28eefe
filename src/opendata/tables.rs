//! The downloads as tables: `decisions.csv`/`.json`, `documents.csv`/`.json`
//! and, for every dataset, `NAME.csv`/`.json` with its public columns only.
//!
//! Each CSV has exactly the columns that `datapackage` describes (the
//! `*_FIELDS` lists are shared, so the two cannot drift). A withheld document
//! appears by label, public title, Schedule 12A paragraph and the reason its
//! notice gives only; its own title never reaches this module at all.

use serde::Serialize;
use serde::ser::SerializeMap;

use super::{Body, Draft, absolute};
use crate::data::ColumnType;
use crate::document::{Kind, status_name};
use crate::visibility::{
    PublicAttachment, PublicDataset, PublicDecision, PublicPaper, PublicSite, WithheldNotice,
};

/// One decision, as a CSV row. List fields are joined with `;`, like the
/// site's own data files.
#[derive(Debug, Serialize)]
pub struct DecisionRow {
    pub number: String,
    pub title: String,
    pub summary: String,
    pub status: &'static str,
    pub status_label: String,
    pub due: String,
    pub not_before: String,
    pub due_month: String,
    pub taken: String,
    pub withdrawn: String,
    pub notice_published: String,
    pub decision_maker: String,
    pub decision_maker_name: String,
    pub in_consultation_with: String,
    pub key_decision: bool,
    pub key_decision_reason: String,
    pub electoral_divisions: String,
    pub related: String,
    pub decision: String,
    pub reasons: String,
    pub alternatives: String,
    pub interests_declared: String,
    pub dispensations: String,
    pub call_in_subject: String,
    pub call_in_deadline: String,
    pub call_in_implement_from: String,
    pub call_in_reason: String,
    pub department: String,
    pub lead_officer_name: String,
    pub lead_officer_role: String,
    pub lead_officer_email: String,
    pub lead_officer_phone: String,
    pub record_published: String,
    pub amended: String,
    pub url: String,
}

/// The columns of `decisions.csv`, in order, with their Table Schema types.
pub const DECISION_FIELDS: &[(&str, &str, &str)] = &[
    ("number", "string", "The decision's number, like 22/00073."),
    ("title", "string", "What the decision is about."),
    (
        "summary",
        "string",
        "Plain words, for residents: what is being decided and what it means for them.",
    ),
    (
        "status",
        "string",
        "proposed, taken, called-in or withdrawn.",
    ),
    (
        "status_label",
        "string",
        "The council's own word for the status, when the record gives one (site.toml's [status_labels] maps it to status).",
    ),
    (
        "due",
        "date",
        "The day a proposed decision is expected on, when its notice gives the day.",
    ),
    (
        "not_before",
        "date",
        "The day on or after which a proposed decision is expected, when its notice says \"not before\".",
    ),
    (
        "due_month",
        "yearmonth",
        "The month a proposed decision is expected in, when its notice gives only the month.",
    ),
    ("taken", "date", "When the decision was taken."),
    ("withdrawn", "date", "When the decision was withdrawn."),
    (
        "notice_published",
        "date",
        "When the decision's notice first appeared in the forward plan.",
    ),
    (
        "decision_maker",
        "string",
        "Who makes the decision (a role).",
    ),
    (
        "decision_maker_name",
        "string",
        "The name of the person in that role, when given.",
    ),
    (
        "in_consultation_with",
        "string",
        "Others consulted, separated by ;.",
    ),
    ("key_decision", "boolean", "Whether it is a key decision."),
    ("key_decision_reason", "string", "Why it is a key decision."),
    (
        "electoral_divisions",
        "string",
        "Electoral divisions affected, separated by ;.",
    ),
    (
        "related",
        "string",
        "Numbers of related decisions, separated by ;.",
    ),
    ("decision", "string", "The decision itself, in Markdown."),
    ("reasons", "string", "Why, in Markdown."),
    (
        "alternatives",
        "string",
        "Other options considered and why each was rejected, in Markdown.",
    ),
    (
        "interests_declared",
        "string",
        "Interests declared by anyone consulted.",
    ),
    ("dispensations", "string", "Dispensations granted."),
    (
        "call_in_subject",
        "boolean",
        "Whether the decision can be called in (empty when not stated).",
    ),
    ("call_in_deadline", "date", "The last day for call-in."),
    (
        "call_in_implement_from",
        "date",
        "When the decision can be carried out.",
    ),
    (
        "call_in_reason",
        "string",
        "Why it cannot be called in, when it cannot.",
    ),
    (
        "department",
        "string",
        "The council department the decision belongs to.",
    ),
    (
        "lead_officer_name",
        "string",
        "The council officer who leads on the decision.",
    ),
    ("lead_officer_role", "string", "That officer's job."),
    (
        "lead_officer_email",
        "string",
        "That officer's published work email.",
    ),
    (
        "lead_officer_phone",
        "string",
        "That officer's published work phone number.",
    ),
    (
        "record_published",
        "date",
        "The day the record was first published.",
    ),
    (
        "amended",
        "string",
        "Each change to the record since, oldest first, one a line: the day, a colon and what changed.",
    ),
    ("url", "string", "The decision's page."),
];

/// One decision, as a JSON object with lists and nested records kept whole.
#[derive(Debug, Serialize)]
pub struct DecisionJson {
    pub number: String,
    pub url: String,
    pub title: String,
    pub summary: String,
    pub status: &'static str,
    pub status_label: Option<String>,
    pub due: Option<String>,
    pub not_before: Option<String>,
    pub due_month: Option<String>,
    pub taken: Option<String>,
    pub withdrawn: Option<String>,
    pub notice_published: Option<String>,
    pub decision_maker: String,
    pub decision_maker_name: Option<String>,
    pub in_consultation_with: Vec<String>,
    pub key_decision: bool,
    pub key_decision_reason: Option<String>,
    pub electoral_divisions: Vec<String>,
    pub related: Vec<String>,
    pub related_elsewhere: Vec<crate::document::RelatedElsewhere>,
    pub decision: String,
    pub reasons: String,
    pub alternatives: Vec<AlternativeJson>,
    pub interests_declared: String,
    pub dispensations: String,
    pub call_in: Option<CallInJson>,
    pub pathway: Vec<PathwayJson>,
    pub money: Vec<MoneyJson>,
    pub department: Option<String>,
    pub lead_officer: Option<crate::document::LeadOfficer>,
    pub record_published: Option<String>,
    pub amended: Vec<crate::document::Amendment>,
    /// The record's body as published, in Markdown, exempt passages cut out:
    /// only in the decision's own `decision.json` (beside its page), so that
    /// the site-wide `decisions.json` grows with the register, not the text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    pub documents: Vec<DocumentRow>,
}

#[derive(Debug, Serialize)]
pub struct AlternativeJson {
    pub option: String,
    pub why_rejected: String,
}

#[derive(Debug, Serialize)]
pub struct CallInJson {
    pub subject: bool,
    pub deadline: Option<String>,
    pub implement_from: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PathwayJson {
    pub date: String,
    pub body: String,
    pub what: String,
}

/// One line of a decision's money, in a decision's JSON.
#[derive(Debug, Serialize)]
pub struct MoneyJson {
    pub label: String,
    pub period: String,
    pub kind: &'static str,
    pub amount: serde_json::Value,
}

/// One line of a decision's money, as a row of `money.csv` (and, with a
/// numeric amount, an object of `money.json`).
#[derive(Debug, Serialize)]
pub struct MoneyRow {
    pub decision: String,
    pub label: String,
    pub period: String,
    pub kind: &'static str,
    /// Pounds, digits and a decimal point only (`1400000`, `63.50`).
    pub amount: String,
    #[serde(skip)]
    pub amount_json: serde_json::Value,
    pub url: String,
}

/// `money.json`'s object: the amount a JSON number.
#[derive(Debug, Serialize)]
struct MoneyRecord {
    decision: String,
    label: String,
    period: String,
    kind: &'static str,
    amount: serde_json::Value,
    url: String,
}

pub const MONEY_FIELDS: &[(&str, &str, &str)] = &[
    (
        "decision",
        "string",
        "The number of the decision the money belongs to.",
    ),
    ("label", "string", "What the money is for."),
    (
        "period",
        "string",
        "The period it covers, as the record states it.",
    ),
    ("kind", "string", "spend, saving or budget."),
    (
        "amount",
        "number",
        "The amount in pounds, without a £ sign or commas.",
    ),
    ("url", "string", "The decision's page."),
];

/// A decision's money lines, in the record's order.
pub fn money_rows(site: &PublicSite, d: &PublicDecision) -> Vec<MoneyRow> {
    let url = absolute(site, &format!("decisions/{}/", d.slug()));
    d.money()
        .iter()
        .map(|m| MoneyRow {
            decision: d.number().to_string(),
            label: m.label.clone(),
            period: m.period.clone(),
            kind: m.kind.name(),
            amount: m.amount_text(),
            amount_json: m.amount_json(),
            url: url.clone(),
        })
        .collect()
}

/// One protected characteristic's expected impact, from a published EqIA:
/// a row of its `impacts.csv` and an object of its `impacts.json`.
#[derive(Debug, Serialize)]
pub struct ImpactRow {
    pub decision: String,
    pub document: String,
    pub assessed_on: Option<String>,
    /// Its key, like `age` or `gender_reassignment`.
    pub characteristic: &'static str,
    /// As people read it, like "Gender reassignment".
    pub characteristic_name: &'static str,
    /// positive, neutral, negative, mixed or unknown.
    pub impact: crate::document::ImpactLevel,
    pub detail: String,
    pub mitigation: Option<String>,
    pub url: String,
}

pub const IMPACT_FIELDS: &[(&str, &str, &str)] = &[
    (
        "decision",
        "string",
        "The number of the decision the assessment is for.",
    ),
    ("document", "string", "The assessment's label and title."),
    ("assessed_on", "date", "When the assessment was made."),
    (
        "characteristic",
        "string",
        "The protected characteristic (Equality Act 2010), or carers.",
    ),
    (
        "characteristic_name",
        "string",
        "The characteristic as people read it.",
    ),
    (
        "impact",
        "string",
        "The expected impact: positive, neutral, negative, mixed or unknown.",
    ),
    ("detail", "string", "What the effect is expected to be."),
    (
        "mitigation",
        "string",
        "What the council will do about any harm (empty when nothing extra is needed).",
    ),
    ("url", "string", "The assessment's page."),
];

/// A published EqIA's impacts, in the order its page lists them.
pub fn impact_rows(
    site: &PublicSite,
    d: &PublicDecision,
    p: &crate::visibility::PublishedPaper,
) -> Vec<ImpactRow> {
    let url = absolute(site, &format!("decisions/{}/{}/", d.slug(), p.slug()));
    let document = match p.label() {
        Some(label) => format!("{label}: {}", p.title()),
        None => p.title().to_string(),
    };
    p.impacts()
        .iter()
        .map(|(key, name, impact)| ImpactRow {
            decision: d.number().to_string(),
            document: document.clone(),
            assessed_on: date(p.assessed_on()),
            characteristic: key,
            characteristic_name: name,
            impact: impact.impact,
            detail: impact.detail.trim().to_string(),
            mitigation: impact.mitigation.as_ref().map(|m| m.trim().to_string()),
            url: url.clone(),
        })
        .collect()
}

/// Every published EqIA's impacts, decision by decision in the site's
/// order, each EqIA's in the order its page lists them. A withheld EqIA is
/// not a published paper, so it has none here: only its notice, on its
/// decision's page and in documents.csv.
pub fn all_impact_rows(site: &PublicSite) -> impl Iterator<Item = ImpactRow> + '_ {
    site.decisions().iter().flat_map(move |d| {
        d.papers().iter().flat_map(move |paper| match paper {
            PublicPaper::Published(p) if p.kind() == Kind::Eqia => impact_rows(site, d, p),
            _ => Vec::new(),
        })
    })
}

/// How many EqIAs are withheld whole (their impacts are in no table).
fn withheld_eqias(site: &PublicSite) -> usize {
    site.decisions()
        .iter()
        .flat_map(|d| d.papers())
        .filter(|paper| matches!(paper, PublicPaper::Withheld(n) if n.kind() == Some(Kind::Eqia)))
        .count()
}

/// An EqIA's impacts as CSV and as JSON, for the files beside its page.
pub fn impact_files(rows: &[ImpactRow]) -> (Vec<u8>, Vec<u8>) {
    let mut csv = Vec::new();
    csv_write(&mut csv, rows, IMPACT_FIELDS).expect("writing to memory");
    (csv, super::json_bytes(&rows))
}

/// One document or attachment of a decision, published or withheld.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentRow {
    pub decision: String,
    /// "report", "eqia", "appendix" or "attachment".
    pub kind: &'static str,
    pub label: String,
    /// The title, or for a withheld document the public title a person reviewed.
    pub title: String,
    /// "published" or "withheld".
    pub status: &'static str,
    /// The paragraph of Part 1 of Schedule 12A it is withheld under (empty when published).
    pub schedule_12a_paragraph: Option<String>,
    /// Why it is withheld, as its notice says (empty when published).
    pub withheld_reason: String,
    /// Where it is published (empty when withheld).
    pub url: String,
}

pub const DOCUMENT_FIELDS: &[(&str, &str, &str)] = &[
    (
        "decision",
        "string",
        "The number of the decision the document belongs to.",
    ),
    ("kind", "string", "report, eqia, appendix or attachment."),
    (
        "label",
        "string",
        "Its label, like Appendix 1, when it has one.",
    ),
    (
        "title",
        "string",
        "Its title; for a withheld document, the public title.",
    ),
    ("status", "string", "published or withheld."),
    (
        "schedule_12a_paragraph",
        "string",
        "For a withheld document, the paragraph of Part 1 of Schedule 12A to the Local Government Act 1972 it is withheld under, or each of them separated by ; (like 3;5) when more than one applies.",
    ),
    (
        "withheld_reason",
        "string",
        "For a withheld document, why it is withheld, as the notice on the decision's page says.",
    ),
    (
        "url",
        "string",
        "Where it is published; empty when withheld.",
    ),
];

fn date(d: Option<crate::document::Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn alternatives_markdown(d: &PublicDecision) -> String {
    d.alternatives()
        .iter()
        .map(|a| {
            format!(
                "- {} Rejected because: {}",
                a.option.trim(),
                a.why_rejected.trim()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `due`, `not_before` and `due_month`: how the record states when a
/// decision is expected, each in the column of its own form.
fn expected(d: &PublicDecision) -> (Option<String>, Option<String>, Option<String>) {
    use crate::document::Expected;
    match d.expected() {
        Some(Expected::On(day)) => (Some(day.to_string()), None, None),
        Some(Expected::NotBefore(day)) => (None, Some(day.to_string()), None),
        Some(Expected::In(month)) => (None, None, Some(month.to_string())),
        None => (None, None, None),
    }
}

/// The row of `decisions.csv` for a decision.
pub fn decision_row(site: &PublicSite, d: &PublicDecision) -> DecisionRow {
    let call_in = d.call_in();
    DecisionRow {
        number: d.number().to_string(),
        title: d.title().trim().to_string(),
        summary: d.summary().trim().to_string(),
        status: status_name(d.status()),
        status_label: d.council_status_label().unwrap_or_default().to_string(),
        due: expected(d).0.unwrap_or_default(),
        not_before: expected(d).1.unwrap_or_default(),
        due_month: expected(d).2.unwrap_or_default(),
        taken: date(d.taken()).unwrap_or_default(),
        withdrawn: date(d.withdrawn()).unwrap_or_default(),
        notice_published: date(d.notice_published()).unwrap_or_default(),
        decision_maker: d.decision_maker().to_string(),
        decision_maker_name: d.decision_maker_name().unwrap_or_default().to_string(),
        in_consultation_with: d.in_consultation_with().join(";"),
        key_decision: d.key_decision(),
        key_decision_reason: d.key_decision_reason().unwrap_or("").trim().to_string(),
        electoral_divisions: d.electoral_divisions().join(";"),
        related: d.related().join(";"),
        decision: d.decision().plain_text().trim().to_string(),
        reasons: d.reasons().plain_text().trim().to_string(),
        alternatives: alternatives_markdown(d),
        interests_declared: d.interests_declared().trim().to_string(),
        dispensations: d.dispensations().trim().to_string(),
        call_in_subject: call_in.map(|c| c.subject.to_string()).unwrap_or_default(),
        call_in_deadline: call_in.and_then(|c| date(c.deadline)).unwrap_or_default(),
        call_in_implement_from: call_in
            .and_then(|c| date(c.implement_from))
            .unwrap_or_default(),
        call_in_reason: call_in
            .and_then(|c| c.reason.clone())
            .unwrap_or_default()
            .trim()
            .to_string(),
        department: d.department().unwrap_or_default().trim().to_string(),
        lead_officer_name: officer(d, |o| Some(&o.name)),
        lead_officer_role: officer(d, |o| Some(&o.role)),
        lead_officer_email: officer(d, |o| o.email.as_ref()),
        lead_officer_phone: officer(d, |o| o.phone.as_ref()),
        record_published: date(d.record_published()).unwrap_or_default(),
        amended: d
            .amended()
            .iter()
            .map(|a| format!("{}: {}", a.on, a.what.trim().replace('\n', " ")))
            .collect::<Vec<_>>()
            .join("\n"),
        url: absolute(site, &format!("decisions/{}/", d.slug())),
    }
}

/// A field of the lead officer's, or empty.
fn officer(
    d: &PublicDecision,
    field: impl Fn(&crate::document::LeadOfficer) -> Option<&String>,
) -> String {
    d.lead_officer()
        .and_then(field)
        .map(|v| v.trim().to_string())
        .unwrap_or_default()
}

fn kind_name(kind: Kind) -> &'static str {
    kind.name()
}

/// Every document and attachment of a decision, in the order the page lists them.
pub fn document_rows(site: &PublicSite, d: &PublicDecision) -> Vec<DocumentRow> {
    let withheld = |kind: &'static str, n: &WithheldNotice| DocumentRow {
        decision: d.number().to_string(),
        kind,
        label: n.label().unwrap_or_default().to_string(),
        title: n.public_title().to_string(),
        status: "withheld",
        schedule_12a_paragraph: Some(
            n.paragraphs()
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(";"),
        ),
        withheld_reason: n.reason().trim().to_string(),
        url: String::new(),
    };
    let mut rows = Vec::new();
    for paper in d.papers() {
        match paper {
            PublicPaper::Withheld(n) => {
                rows.push(withheld(n.kind().map_or("appendix", kind_name), n))
            }
            PublicPaper::Published(p) => {
                let page = format!("decisions/{}/{}/", d.slug(), p.slug());
                rows.push(DocumentRow {
                    decision: d.number().to_string(),
                    kind: kind_name(p.kind()),
                    label: p.label().unwrap_or_default().to_string(),
                    title: p.title().to_string(),
                    status: "published",
                    schedule_12a_paragraph: None,
                    withheld_reason: String::new(),
                    url: absolute(site, &page),
                });
                for a in p.attachments() {
                    match a {
                        PublicAttachment::Published(f) => rows.push(DocumentRow {
                            decision: d.number().to_string(),
                            kind: "attachment",
                            label: String::new(),
                            title: f.title().to_string(),
                            status: "published",
                            schedule_12a_paragraph: None,
                            withheld_reason: String::new(),
                            url: absolute(site, &format!("{page}{}", f.name())),
                        }),
                        PublicAttachment::Withheld(n) => rows.push(withheld("attachment", n)),
                    }
                }
            }
        }
    }
    rows
}

/// The object of `decisions.json` for a decision (with its body when the
/// decision is complete, for its own `decision.json`).
pub fn decision_json(site: &PublicSite, d: &PublicDecision) -> DecisionJson {
    DecisionJson {
        number: d.number().to_string(),
        url: absolute(site, &format!("decisions/{}/", d.slug())),
        title: d.title().trim().to_string(),
        summary: d.summary().trim().to_string(),
        status: status_name(d.status()),
        status_label: d.council_status_label().map(str::to_string),
        due: expected(d).0,
        not_before: expected(d).1,
        due_month: expected(d).2,
        taken: date(d.taken()),
        withdrawn: date(d.withdrawn()),
        notice_published: date(d.notice_published()),
        decision_maker: d.decision_maker().to_string(),
        decision_maker_name: d.decision_maker_name().map(str::to_string),
        in_consultation_with: d.in_consultation_with().to_vec(),
        key_decision: d.key_decision(),
        key_decision_reason: d
            .key_decision_reason()
            .as_ref()
            .map(|r| r.trim().to_string()),
        electoral_divisions: d.electoral_divisions().to_vec(),
        related: d.related().to_vec(),
        related_elsewhere: d.related_elsewhere().to_vec(),
        decision: d.decision().plain_text().trim().to_string(),
        reasons: d.reasons().plain_text().trim().to_string(),
        alternatives: d
            .alternatives()
            .iter()
            .map(|a| AlternativeJson {
                option: a.option.trim().to_string(),
                why_rejected: a.why_rejected.trim().to_string(),
            })
            .collect(),
        interests_declared: d.interests_declared().trim().to_string(),
        dispensations: d.dispensations().trim().to_string(),
        call_in: d.call_in().map(|c| CallInJson {
            subject: c.subject,
            deadline: date(c.deadline),
            implement_from: date(c.implement_from),
            reason: c.reason.as_ref().map(|r| r.trim().to_string()),
        }),
        pathway: d
            .pathway()
            .iter()
            .map(|s| PathwayJson {
                date: s.date.to_string(),
                body: s.body.clone(),
                what: s.what.trim().to_string(),
            })
            .collect(),
        money: money_rows(site, d)
            .into_iter()
            .map(|m| MoneyJson {
                label: m.label,
                period: m.period,
                kind: m.kind,
                amount: m.amount_json,
            })
            .collect(),
        department: d.department().map(|x| x.trim().to_string()),
        lead_officer: d.lead_officer().cloned(),
        record_published: date(d.record_published()),
        amended: d.amended().to_vec(),
        body: d
            .is_complete()
            .then(|| d.body().plain_text().trim().to_string()),
        documents: document_rows(site, d),
    }
}

/// A dataset row as a JSON object, its keys in column order: list cells
/// become arrays, booleans and integers become JSON values, and everything
/// else (decimals included, so that `63.50` stays `63.50`) stays text.
pub struct DatasetRecord<'a> {
    pub dataset: &'a PublicDataset,
    pub row: &'a [String],
}

impl Serialize for DatasetRecord<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ds = self.dataset;
        let mut map = serializer.serialize_map(Some(ds.columns().len()))?;
        for (i, column) in ds.columns().iter().enumerate() {
            let cell = &self.row[i];
            if column.list() {
                map.serialize_entry(&column.name(), &ds.values(self.row, i))?;
            } else if cell.is_empty() {
                map.serialize_entry(&column.name(), &None::<String>)?;
            } else {
                match column.ty() {
                    ColumnType::Boolean => {
                        map.serialize_entry(&column.name(), &(cell == "true"))?
                    }
                    ColumnType::Integer => match cell.parse::<i64>() {
                        Ok(n) => map.serialize_entry(&column.name(), &n)?,
                        Err(_) => map.serialize_entry(&column.name(), cell)?,
                    },
                    _ => map.serialize_entry(&column.name(), cell)?,
                }
            }
        }
        map.end()
    }
}

/// A table as CSV, written to `out` as it is made.
fn csv_write<T: Serialize>(
    out: &mut dyn std::io::Write,
    rows: impl IntoIterator<Item = T>,
    header: &[(&str, &str, &str)],
) -> std::io::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out);
    writer.write_record(header.iter().map(|(name, _, _)| *name))?;
    for row in rows {
        writer.serialize(row)?;
    }
    writer.flush()
}

/// A dataset's public columns as CSV, in schema order.
fn dataset_csv(ds: &crate::visibility::PublicDataset) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(ds.columns().iter().map(|c| c.name()))
        .expect("writing to memory");
    for row in ds.rows() {
        writer.write_record(row).expect("writing to memory");
    }
    writer.into_inner().expect("writing to memory")
}

/// A sequence serialised straight from an iterator, so a table is never
/// held twice (as rows and as bytes).
struct Lazy<I>(std::cell::RefCell<Option<I>>);

impl<I> Lazy<I> {
    fn new(items: I) -> Lazy<I> {
        Lazy(std::cell::RefCell::new(Some(items)))
    }
}

impl<T: Serialize, I: Iterator<Item = T>> Serialize for Lazy<I> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let items = self.0.borrow_mut().take().expect("serialised once");
        serializer.collect_seq(items)
    }
}

/// Every table, CSV then JSON, decisions first, each handed to `emit` as
/// soon as it is made. The register's tables grow with it, so they are
/// written as they are made, never held whole.
pub fn render<'a>(site: &'a PublicSite, emit: &mut dyn FnMut(Draft<'a>)) {
    let n = site.decisions().len();
    let decisions_description = "One row for each decision: its number, title, plain summary, status and dates, who makes it, whether it is a key decision and why, the decision and the reasons, the other options, interests, call-in and a link to its page.";
    emit(Draft {
        path: "data/decisions.csv".into(),
        body: Body::Stream(Box::new(|out| {
            csv_write(
                out,
                site.decisions().iter().map(|d| decision_row(site, d)),
                DECISION_FIELDS,
            )
        })),
        title: "Decisions".into(),
        description: decisions_description.into(),
        format: "CSV",
        media_type: "text/csv",
        rows: Some(n),
        withheld: vec![],
        key: None,
    });
    emit(Draft {
        path: "data/decisions.json".into(),
        body: Body::Stream(Box::new(|out| {
            super::json_write(
                out,
                &Lazy::new(site.decisions().iter().map(|d| decision_json(site, d))),
            )
        })),
        title: "Decisions".into(),
        description: "The same decisions as JSON, with lists kept as lists, the route through meetings and each decision's documents. Each decision's own page has its full record as JSON too, in decision.json, with the text of the page.".into(),
        format: "JSON",
        media_type: "application/json",
        rows: Some(n),
        withheld: vec![],
        key: None,
    });
    // Withheld documents are counted here, not each given a notice: a notice
    // per document would make /data/ grow with the site. Each decision's page
    // carries the full notice for its own.
    let documents = || site.decisions().iter().flat_map(|d| document_rows(site, d));
    let (rows, withheld_documents) = documents().fold((0, 0), |(rows, withheld), d| {
        (rows + 1, withheld + usize::from(d.status == "withheld"))
    });
    // No title or summary of a decision is in these tables, so editing one
    // leaves them as they are (each is a cache unit of its own).
    let documents_key = Some(super::Key::of_rows(documents));
    emit(Draft {
        path: "data/documents.csv".into(),
        body: Body::Stream(Box::new(move |out| {
            csv_write(out, documents(), DOCUMENT_FIELDS)
        })),
        title: "Documents".into(),
        description: format!(
            "One row for each document and attachment of each decision, with whether it is published. {withheld_documents} {} not published: each is listed by its label, public title, the paragraph of Schedule 12A it is withheld under and the reason its notice gives, and nothing else.",
            if withheld_documents == 1 {
                "document is"
            } else {
                "documents are"
            }
        ),
        format: "CSV",
        media_type: "text/csv",
        rows: Some(rows),
        withheld: vec![],
        key: documents_key.clone(),
    });
    emit(Draft {
        path: "data/documents.json".into(),
        body: Body::Stream(Box::new(move |out| {
            super::json_write(out, &Lazy::new(documents()))
        })),
        title: "Documents".into(),
        description: "The same documents as JSON.".into(),
        format: "JSON",
        media_type: "application/json",
        rows: Some(rows),
        withheld: vec![],
        key: documents_key,
    });
    // The decisions' money, one row per line, when any record declares it.
    let money = || site.decisions().iter().flat_map(|d| money_rows(site, d));
    // Counted without making the rows: one for each line of money.
    let money_rows_count: usize = site.decisions().iter().map(|d| d.money().len()).sum();
    debug_assert_eq!(money_rows_count, money().count());
    if money_rows_count > 0 {
        let money_key = Some(super::Key::of_rows(move || {
            money().map(|m| {
                let MoneyRow {
                    decision,
                    label,
                    period,
                    kind,
                    amount,
                    amount_json,
                    url,
                } = m;
                (decision, label, period, kind, amount, amount_json, url)
            })
        }));
        let decisions_with_money = site
            .decisions()
            .iter()
            .filter(|d| !d.money().is_empty())
            .count();
        emit(Draft {
            path: "data/money.csv".into(),
            body: Body::Stream(Box::new(move |out| csv_write(out, money(), MONEY_FIELDS))),
            title: "Money in decisions".into(),
            description: format!(
                "One row for each amount of money that a decision spends, saves or budgets, as its record states it: what it is for, the period, the kind (spend, saving or budget) and the amount in pounds as a number. {decisions_with_money} {} give amounts.",
                if decisions_with_money == 1 {
                    "decision"
                } else {
                    "decisions"
                }
            ),
            format: "CSV",
            media_type: "text/csv",
            rows: Some(money_rows_count),
            withheld: vec![],
            key: money_key.clone(),
        });
        emit(Draft {
            path: "data/money.json".into(),
            body: Body::Stream(Box::new(move |out| {
                super::json_write(
                    out,
                    &Lazy::new(money().map(|m| MoneyRecord {
                        decision: m.decision,
                        label: m.label,
                        period: m.period,
                        kind: m.kind,
                        amount: m.amount_json,
                        url: m.url,
                    })),
                )
            })),
            title: "Money in decisions".into(),
            description: "The same amounts as JSON, each amount a number.".into(),
            format: "JSON",
            media_type: "application/json",
            rows: Some(money_rows_count),
            withheld: vec![],
            key: money_key,
        });
    }
    // Every published EqIA's impacts in one table, when any EqIA is published.
    let impacts = || all_impact_rows(site);
    // Counted without making the rows: one for each impact of each
    // published EqIA (as [`all_impact_rows`] makes them).
    let impact_rows_count: usize = site
        .decisions()
        .iter()
        .flat_map(|d| d.papers())
        .map(|paper| match paper {
            PublicPaper::Published(p) if p.kind() == Kind::Eqia => p.impacts().len(),
            _ => 0,
        })
        .sum();
    debug_assert_eq!(impact_rows_count, impacts().count());
    if impact_rows_count > 0 {
        let impacts_key = Some(super::Key::of_rows(impacts));
        let assessments = site
            .decisions()
            .iter()
            .flat_map(|d| d.papers())
            .filter(|paper| matches!(paper, PublicPaper::Published(p) if p.kind() == Kind::Eqia))
            .count();
        let withheld = match withheld_eqias(site) {
            0 => String::new(),
            1 => " One assessment is withheld, so it is not included: its notice, saying why, is on its decision's page.".to_string(),
            n => format!(" {n} assessments are withheld, so they are not included: their notices, saying why, are on their decisions' pages."),
        };
        emit(Draft {
            path: "data/eqia-impacts.csv".into(),
            body: Body::Stream(Box::new(move |out| {
                csv_write(out, impacts(), IMPACT_FIELDS)
            })),
            title: "Equality impacts".into(),
            description: format!(
                "One row for each protected characteristic in each published Equality Impact Assessment: the decision, the assessment, the expected impact (positive, neutral, negative, mixed or unknown), what is expected and what the council will do about any harm. {assessments} {} included; each is also beside its own page.{withheld}",
                if assessments == 1 {
                    "assessment is"
                } else {
                    "assessments are"
                }
            ),
            format: "CSV",
            media_type: "text/csv",
            rows: Some(impact_rows_count),
            withheld: vec![],
            key: impacts_key.clone(),
        });
        emit(Draft {
            path: "data/eqia-impacts.json".into(),
            body: Body::Stream(Box::new(move |out| {
                super::json_write(out, &Lazy::new(impacts()))
            })),
            title: "Equality impacts".into(),
            description: "The same impacts as JSON.".into(),
            format: "JSON",
            media_type: "application/json",
            rows: Some(impact_rows_count),
            withheld: vec![],
            key: impacts_key,
        });
    }
    for ds in site.datasets() {
        let withheld: Vec<WithheldNotice> = ds
            .withheld_columns()
            .iter()
            .map(|(_, n)| n.clone())
            .collect();
        emit(Draft {
            path: format!("data/{}.csv", ds.name()),
            body: Body::Bytes(dataset_csv(ds)),
            title: ds.title().to_string(),
            description: ds.description().trim().to_string(),
            format: "CSV",
            media_type: "text/csv",
            rows: Some(ds.rows().len()),
            withheld: withheld.clone(),
            key: None,
        });
        let records: Vec<DatasetRecord> = ds
            .rows()
            .iter()
            .map(|row| DatasetRecord { dataset: ds, row })
            .collect();
        emit(Draft {
            path: format!("data/{}.json", ds.name()),
            body: Body::Bytes(super::json_bytes(&records)),
            title: ds.title().to_string(),
            description:
                "The same rows as JSON: a list of objects, one per row, with lists kept as lists."
                    .into(),
            format: "JSON",
            media_type: "application/json",
            rows: Some(ds.rows().len()),
            withheld,
            key: None,
        });
    }
}
