//! The public model: what the public may see, and nothing else. Every type
//! here carries a `Sealed` field that only the `visibility` module (its
//! parent, which separates public from exempt) can name, so no other code
//! can build one or change one; it reads them through getters. The build
//! cache keeps them frozen ([`freeze`]) and only the crate can thaw them.

use std::collections::BTreeMap;

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize};

use crate::config::SiteConfig;
use crate::data::ColumnType;
use crate::diagnostics::Diagnostics;
use crate::document::{
    Alternative, Amendment, CARERS, CallIn, Date, DecisionStatus, Expected, Impact, Kind,
    LeadOfficer, Meeting, PROTECTED_CHARACTERISTICS, PathwayStep, Urgency,
};
use crate::source::TemplateFile;

/// Only this module can name it, so only this module can build public types.
///
/// It holds nothing, so it is never written (`skip_serializing` wherever it
/// is a field: the JSON of public types does not show it). It is always
/// read, as a unit, which postcard encodes as no bytes, so the write it
/// skipped leaves nothing missing. Reading one fails except inside [`thaw`]:
/// no other module can make a public type by deserialising one, from the
/// build cache's bytes or from anything else.
#[derive(Debug, Clone)]
pub(super) struct Sealed;

impl<'de> Deserialize<'de> for Sealed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Sealed, D::Error> {
        if !THAWING.get() {
            return Err(D::Error::custom(
                "public types are read back only by visibility::thaw",
            ));
        }
        <()>::deserialize(deserializer)?;
        Ok(Sealed)
    }
}

/// Everything the public may see.
///
/// Its fields, like those of every public type here, are private: other
/// modules read them through getters and can change none of them.
#[derive(Debug, Clone)]
pub struct PublicSite {
    pub(super) config: SiteConfig,
    pub(super) decisions: Vec<PublicDecision>,
    pub(super) pages: Vec<PublicPage>,
    pub(super) datasets: Vec<PublicDataset>,
    pub(super) templates: Vec<TemplateFile>,
    /// The council's logo, public by its nature, cleaned of metadata.
    pub(super) logo: Option<crate::source::BrandingFile>,
    /// The files of `static/`, public by the council's choice; each is
    /// judged as published, like every output file.
    pub(super) statics: Vec<crate::source::StaticFile>,
    pub(super) _sealed: Sealed,
}

impl PublicSite {
    pub fn config(&self) -> &SiteConfig {
        &self.config
    }

    /// Sorted by number.
    pub fn decisions(&self) -> &[PublicDecision] {
        &self.decisions
    }

    pub fn pages(&self) -> &[PublicPage] {
        &self.pages
    }

    pub fn datasets(&self) -> &[PublicDataset] {
        &self.datasets
    }

    pub fn templates(&self) -> &[TemplateFile] {
        &self.templates
    }

    /// The logo `[branding]` names, as it is published.
    pub fn logo(&self) -> Option<&crate::source::BrandingFile> {
        self.logo.as_ref()
    }

    /// The files of `static/`, as they are published.
    pub fn statics(&self) -> &[crate::source::StaticFile] {
        &self.statics
    }

    pub fn dataset(&self, name: &str) -> Option<&PublicDataset> {
        self.datasets.iter().find(|d| d.name == name)
    }

    /// A value of `column` as shown to people: a reference to a lot shows
    /// the lot's name (`Lot 1a: Everyday life activities`), any other value
    /// itself.
    pub fn value_label(&self, column: &PublicColumn, value: &str) -> String {
        if let Some((dataset, key)) = column.references().and_then(|r| r.split_once('.')) {
            if let Some(target) = self.dataset(dataset) {
                if let (Some(ki), Some(ni)) =
                    (target.column_index(key), target.column_index("name"))
                {
                    if let Some(row) = target.rows().iter().find(|r| r[ki] == value) {
                        let kind = dataset.trim_end_matches('s');
                        let mut chars = kind.chars();
                        let kind: String = match chars.next() {
                            Some(c) => c.to_uppercase().chain(chars).collect(),
                            None => String::new(),
                        };
                        return format!("{kind} {value}: {}", row[ni]);
                    }
                }
            }
        }
        value.to_string()
    }
}

/// A plain notice that something was withheld, and why (DESIGN.md rule 2).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WithheldNotice {
    pub(super) heading: String,
    pub(super) label: Option<String>,
    pub(super) public_title: String,
    /// The first of `paragraphs`.
    pub(super) paragraph: u8,
    /// The paragraphs of Part 1 of Schedule 12A it is withheld under, as declared.
    pub(super) paragraphs: Vec<u8>,
    /// "paragraph 3" or "paragraphs 3 and 5".
    pub(super) paragraphs_words: String,
    /// What they cover, in everyday words ([`schedule12a::covers_all`]).
    pub(super) covers: String,
    pub(super) reason: String,
    pub(super) review_on: Option<String>,
    pub(super) public_interest: String,
    /// For a whole document withheld, its kind (report, eqia, appendix).
    #[serde(default)]
    pub(super) kind: Option<crate::document::Kind>,
    #[serde(skip_serializing)]
    pub(super) _sealed: Sealed,
}

impl WithheldNotice {
    /// The kind of document withheld, when a whole document is.
    pub fn kind(&self) -> Option<crate::document::Kind> {
        self.kind
    }

    /// "Appendix 1 (Award report) is not published", "Bid scores are not published".
    pub fn heading(&self) -> &str {
        &self.heading
    }

    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    pub fn public_title(&self) -> &str {
        &self.public_title
    }

    /// The paragraphs of Part 1 of Schedule 12A it is withheld under.
    pub fn paragraphs(&self) -> &[u8] {
        &self.paragraphs
    }

    /// "paragraph 3" or "paragraphs 3 and 5".
    pub fn paragraphs_words(&self) -> &str {
        &self.paragraphs_words
    }

    /// What the paragraphs cover, in everyday words.
    pub fn covers(&self) -> &str {
        &self.covers
    }

    pub fn reason(&self) -> &str {
        &self.reason
    }

    pub fn review_on(&self) -> Option<&str> {
        self.review_on.as_deref()
    }

    pub fn public_interest(&self) -> &str {
        &self.public_interest
    }

    /// What the register's downloads need of the notice (label, public
    /// title, paragraph and reason): the rest is shown only on the
    /// decision's own pages. See [`PublicDecision::listing`].
    pub(super) fn listing(&mut self) {
        self.heading = String::new();
        self.public_interest = String::new();
        self.review_on = None;
    }
}

/// A block of Markdown that may be rendered, or a notice where a passage was cut.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Block {
    /// Sealed like the rest: only this module makes one.
    Text(TextBlock),
    /// Boxed, so that the far more common text blocks are small.
    Withheld(Box<WithheldNotice>),
}

/// Public text of a document, between the passages cut out of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TextBlock {
    pub(super) markdown: String,
    pub(super) first_line: usize,
    #[serde(skip_serializing)]
    pub(super) _sealed: Sealed,
}

impl TextBlock {
    pub fn markdown(&self) -> &str {
        &self.markdown
    }

    /// The file line where this text starts, for diagnostics (0 when unknown).
    pub fn first_line(&self) -> usize {
        self.first_line
    }
}

/// A block of public text (only this module makes one).
pub(super) fn text_block(markdown: String, first_line: usize) -> Block {
    Block::Text(TextBlock {
        markdown,
        first_line,
        _sealed: Sealed,
    })
}

/// Public Markdown: the text of a public document with exempt passages cut out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Markdown {
    pub(super) path: String,
    pub(super) blocks: Vec<Block>,
    #[serde(skip_serializing)]
    pub(super) _sealed: Sealed,
}

impl Markdown {
    /// Markdown from a front-matter field, which cannot hold exempt passages.
    pub(super) fn field(path: &str, text: &str, first_line: usize) -> Markdown {
        Markdown {
            path: path.to_string(),
            blocks: vec![text_block(text.to_string(), first_line)],
            _sealed: Sealed,
        }
    }

    /// The file it came from, for diagnostics.
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The public text, for summaries and search (notices appear as their title).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            if let Block::Text(text) = block {
                out.push_str(&text.markdown);
                out.push('\n');
            }
        }
        out
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublicDecision {
    pub(super) number: String,
    pub(super) slug: String,
    pub(super) source_path: String,
    pub(super) title: String,
    pub(super) summary: String,
    pub(super) summary_line: usize,
    pub(super) decision_maker: String,
    /// Where the record writes `decision_maker`'s value, for a diagnostic.
    pub(super) decision_maker_at: crate::diagnostics::Position,
    pub(super) decision_maker_name: Option<String>,
    pub(super) in_consultation_with: Vec<String>,
    pub(super) status: DecisionStatus,
    /// The council's word for the status (site.toml's `[status_labels]`).
    pub(super) status_label: Option<String>,
    pub(super) expected: Option<Expected>,
    pub(super) taken: Option<Date>,
    pub(super) withdrawn: Option<Date>,
    pub(super) key_decision: bool,
    pub(super) key_decision_reason: Option<String>,
    pub(super) notice_published: Option<Date>,
    pub(super) urgency: Option<Urgency>,
    pub(super) electoral_divisions: Vec<String>,
    /// Where the record writes each of `electoral_divisions`.
    pub(super) electoral_divisions_at: Vec<crate::diagnostics::Position>,
    pub(super) related: Vec<String>,
    pub(super) related_elsewhere: Vec<crate::document::RelatedElsewhere>,
    pub(super) money: Vec<crate::money::Money>,
    pub(super) decision: Markdown,
    pub(super) reasons: Markdown,
    pub(super) alternatives: Vec<Alternative>,
    pub(super) interests_declared: String,
    pub(super) dispensations: String,
    pub(super) call_in: Option<CallIn>,
    pub(super) pathway: Vec<PathwayStep>,
    pub(super) lead_officer: Option<LeadOfficer>,
    pub(super) department: Option<String>,
    pub(super) record_published: Option<Date>,
    pub(super) amended: Vec<Amendment>,
    pub(super) body: Markdown,
    pub(super) papers: Vec<PublicPaper>,
    /// False for a listing (see [`PublicDecision::listing`]).
    pub(super) complete: bool,
    #[serde(skip_serializing)]
    pub(super) _sealed: Sealed,
}

impl PublicDecision {
    pub fn number(&self) -> &str {
        &self.number
    }

    /// `22-00073`: the folder and the address.
    pub fn slug(&self) -> &str {
        &self.slug
    }

    pub fn source_path(&self) -> &str {
        &self.source_path
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// The file line where the summary's text starts (0 when unknown).
    pub fn summary_line(&self) -> usize {
        self.summary_line
    }

    /// Where the record writes the decision maker, or each electoral
    /// division: for a diagnostic about how a name is written.
    pub fn written_at(&self, name: &str, maker: bool) -> crate::diagnostics::Position {
        match maker {
            true => self.decision_maker_at,
            false => self
                .electoral_divisions
                .iter()
                .position(|d| d == name)
                .and_then(|i| self.electoral_divisions_at.get(i).copied())
                .unwrap_or_default(),
        }
    }

    pub fn decision_maker(&self) -> &str {
        &self.decision_maker
    }

    pub fn decision_maker_name(&self) -> Option<&str> {
        self.decision_maker_name.as_deref()
    }

    pub fn in_consultation_with(&self) -> &[String] {
        &self.in_consultation_with
    }

    pub fn status(&self) -> DecisionStatus {
        self.status
    }

    /// The council's own word for the status, when the record gives one
    /// (checked against site.toml's `[status_labels]`).
    pub fn council_status_label(&self) -> Option<&str> {
        self.status_label.as_deref()
    }

    /// The status as residents see it wherever it is shown (pages, feeds,
    /// search, JSON-LD): the council's label when the record gives one,
    /// else ours ("Proposed", "Taken", "Called in", "Withdrawn").
    pub fn shown_status(&self) -> &str {
        self.council_status_label()
            .unwrap_or_else(|| crate::document::status_label(self.status))
    }

    /// The soonest day a proposed decision could be taken (see
    /// [`Expected::earliest`]): what it sorts and is counted by.
    pub fn due(&self) -> Option<Date> {
        self.expected.map(Expected::earliest)
    }

    /// When it is expected, as its notice states it.
    pub fn expected(&self) -> Option<Expected> {
        self.expected
    }

    /// Who leads on it and how to reach them.
    pub fn lead_officer(&self) -> Option<&LeadOfficer> {
        self.lead_officer.as_ref()
    }

    pub fn department(&self) -> Option<&str> {
        self.department.as_deref()
    }

    /// The day the record was first published.
    pub fn record_published(&self) -> Option<Date> {
        self.record_published
    }

    /// The changes since, oldest first.
    pub fn amended(&self) -> &[Amendment] {
        &self.amended
    }

    pub fn taken(&self) -> Option<Date> {
        self.taken
    }

    pub fn withdrawn(&self) -> Option<Date> {
        self.withdrawn
    }

    pub fn key_decision(&self) -> bool {
        self.key_decision
    }

    pub fn key_decision_reason(&self) -> Option<&str> {
        self.key_decision_reason.as_deref()
    }

    /// The day its notice first appeared in the forward plan.
    pub fn notice_published(&self) -> Option<Date> {
        self.notice_published
    }

    /// The urgency route of a key decision taken without 28 clear days' notice.
    pub fn urgency(&self) -> Option<&Urgency> {
        self.urgency.as_ref()
    }

    pub fn electoral_divisions(&self) -> &[String] {
        &self.electoral_divisions
    }

    pub fn related(&self) -> &[String] {
        &self.related
    }

    /// Related decisions not on this site, as the record cites them.
    pub fn related_elsewhere(&self) -> &[crate::document::RelatedElsewhere] {
        &self.related_elsewhere
    }

    /// The money the decision spends, saves or budgets, in the record's order.
    pub fn money(&self) -> &[crate::money::Money] {
        &self.money
    }

    pub fn decision(&self) -> &Markdown {
        &self.decision
    }

    pub fn reasons(&self) -> &Markdown {
        &self.reasons
    }

    pub fn alternatives(&self) -> &[Alternative] {
        &self.alternatives
    }

    pub fn interests_declared(&self) -> &str {
        &self.interests_declared
    }

    pub fn dispensations(&self) -> &str {
        &self.dispensations
    }

    pub fn call_in(&self) -> Option<&CallIn> {
        self.call_in.as_ref()
    }

    pub fn pathway(&self) -> &[PathwayStep] {
        &self.pathway
    }

    pub fn body(&self) -> &Markdown {
        &self.body
    }

    pub fn papers(&self) -> &[PublicPaper] {
        &self.papers
    }

    /// The decision as listings, feeds and tables need it: everything but
    /// its documents' bodies and attachment bytes, which are read again
    /// when its own pages are made, and what only those pages show (a
    /// paper's summary and meeting, a notice's heading and public interest
    /// statement). Memory grows with this, not with bodies. A published
    /// EqIA keeps its impacts: the site-wide table of impacts
    /// (`data/eqia-impacts.csv`) is made from the listings.
    ///
    /// A proposed decision keeps what the forward plan says of it: the
    /// notices of what is withheld from it (its papers', attachments' and
    /// passages'), whole, as its own page shows them. The text around a
    /// withheld passage goes all the same.
    pub fn listing(mut self) -> PublicDecision {
        let forthcoming = self.status == DecisionStatus::Proposed;
        let keep_notices = |markdown: &mut Markdown| {
            if forthcoming {
                markdown.blocks.retain(|b| matches!(b, Block::Withheld(_)));
                markdown.blocks.shrink_to_fit();
            } else {
                // Emptied and freed (not just cleared: a cleared vector keeps its room).
                markdown.blocks = Vec::new();
            }
        };
        keep_notices(&mut self.body);
        // What only the decision's own pages show goes too: they are made
        // from the complete decision. (A Markdown text's file is named only
        // when it is rendered.)
        for markdown in [&mut self.body, &mut self.decision, &mut self.reasons] {
            markdown.path = String::new();
        }
        for paper in &mut self.papers {
            match paper {
                PublicPaper::Published(p) => {
                    keep_notices(&mut p.body);
                    p.body.path = String::new();
                    p.summary = None;
                    p.meeting = None;
                    for a in &mut p.attachments {
                        match a {
                            PublicAttachment::Published(f) => f.bytes = Vec::new(),
                            PublicAttachment::Withheld(n) if !forthcoming => n.listing(),
                            PublicAttachment::Withheld(_) => {}
                        }
                    }
                }
                PublicPaper::Withheld(n) if !forthcoming => n.listing(),
                PublicPaper::Withheld(_) => {}
            }
        }
        // Every decision's listing is held at once: no room to spare.
        self.papers.shrink_to_fit();
        self.complete = false;
        self
    }

    /// Whether bodies and attachments are here (see [`PublicDecision::listing`]).
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// The date that places the decision in time: taken, withdrawn or due.
    pub fn date(&self) -> Option<Date> {
        self.taken.or(self.withdrawn).or(self.due())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum PublicPaper {
    Published(Box<PublishedPaper>),
    Withheld(Box<WithheldNotice>),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublishedPaper {
    pub(super) slug: String,
    pub(super) kind: Kind,
    pub(super) source_path: String,
    pub(super) label: Option<String>,
    pub(super) title: String,
    pub(super) summary: Option<String>,
    pub(super) meeting: Option<Meeting>,
    pub(super) assessed_on: Option<Date>,
    #[serde(deserialize_with = "known_impacts")]
    pub(super) impacts: Vec<(&'static str, &'static str, Impact)>,
    pub(super) body: Markdown,
    pub(super) attachments: Vec<PublicAttachment>,
    #[serde(skip_serializing)]
    pub(super) _sealed: Sealed,
}

impl PublishedPaper {
    pub fn slug(&self) -> &str {
        &self.slug
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn source_path(&self) -> &str {
        &self.source_path
    }

    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn summary(&self) -> Option<&str> {
        self.summary.as_deref()
    }

    pub fn meeting(&self) -> Option<&Meeting> {
        self.meeting.as_ref()
    }

    pub fn assessed_on(&self) -> Option<Date> {
        self.assessed_on
    }

    /// An EqIA's impacts: each characteristic's key and name, and the impact.
    pub fn impacts(&self) -> &[(&'static str, &'static str, Impact)] {
        &self.impacts
    }

    pub fn body(&self) -> &Markdown {
        &self.body
    }

    pub fn attachments(&self) -> &[PublicAttachment] {
        &self.attachments
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum PublicAttachment {
    Published(PublishedFile),
    /// Boxed, like [`PublicPaper::Withheld`]: every listing holds these.
    Withheld(Box<WithheldNotice>),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublishedFile {
    pub(super) name: String,
    pub(super) title: String,
    pub(super) bytes: Vec<u8>,
    #[serde(skip_serializing)]
    pub(super) _sealed: Sealed,
}

impl PublishedFile {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

#[derive(Debug, Clone)]
pub struct PublicPage {
    pub(super) slug: String,
    pub(super) source_path: String,
    pub(super) title: String,
    pub(super) summary: Option<String>,
    pub(super) body: Markdown,
    pub(super) _sealed: Sealed,
}

impl PublicPage {
    pub fn slug(&self) -> &str {
        &self.slug
    }

    pub fn source_path(&self) -> &str {
        &self.source_path
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn summary(&self) -> Option<&str> {
        self.summary.as_deref()
    }

    pub fn body(&self) -> &Markdown {
        &self.body
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicColumn {
    pub(super) name: String,
    pub(super) title: String,
    pub(super) description: Option<String>,
    #[serde(rename = "type")]
    pub(super) ty: ColumnType,
    pub(super) required: bool,
    pub(super) list: bool,
    pub(super) values: Option<Vec<String>>,
    pub(super) references: Option<String>,
    pub(super) browse: bool,
    /// Shown on listing cards; a presentation setting, not data.
    #[serde(skip)]
    pub(super) card: bool,
    #[serde(skip)]
    pub(super) _sealed: Sealed,
}

impl PublicColumn {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    pub fn ty(&self) -> ColumnType {
        self.ty
    }

    pub fn required(&self) -> bool {
        self.required
    }

    pub fn list(&self) -> bool {
        self.list
    }

    pub fn values(&self) -> Option<&[String]> {
        self.values.as_deref()
    }

    pub fn references(&self) -> Option<&str> {
        self.references.as_deref()
    }

    pub fn card(&self) -> bool {
        self.card
    }

    pub fn browse(&self) -> bool {
        self.browse
    }
}

/// A dataset with its exempt columns removed.
#[derive(Debug, Clone)]
pub struct PublicDataset {
    pub(super) name: String,
    pub(super) title: String,
    pub(super) description: String,
    pub(super) primary_key: Option<String>,
    pub(super) help_page: Option<String>,
    /// `[online]`, which names public columns only (checked by `data`).
    pub(super) online: Option<crate::data::Online>,
    pub(super) columns: Vec<PublicColumn>,
    pub(super) rows: Vec<Vec<String>>,
    pub(super) withheld_columns: Vec<(String, WithheldNotice)>,
    pub(super) _sealed: Sealed,
}

impl PublicDataset {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn description(&self) -> &str {
        &self.description
    }

    /// Which rows give their service online, and so are found from every area.
    pub fn online(&self) -> Option<&crate::data::Online> {
        self.online.as_ref()
    }

    /// The slug of the plain page that says how to get what it lists.
    pub fn help_page(&self) -> Option<&str> {
        self.help_page.as_deref()
    }

    pub fn primary_key(&self) -> Option<&str> {
        self.primary_key.as_deref()
    }

    pub fn columns(&self) -> &[PublicColumn] {
        &self.columns
    }

    /// One entry per public column, in `columns` order.
    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    /// Columns held back, by title, with their notices.
    pub fn withheld_columns(&self) -> &[(String, WithheldNotice)] {
        &self.withheld_columns
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The values of a cell (a list cell splits on `;`).
    pub fn values<'a>(&self, row: &'a [String], column: usize) -> Vec<&'a str> {
        crate::data::split_cell(self.columns[column].list, &row[column])
    }
}

/// One withheld item, for the officer's report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WithheldItem {
    /// `document`, `attachment`, `column` or `passage` ([`WITHHELD_WHAT`]).
    #[serde(deserialize_with = "known_what")]
    pub what: StaticStr,
    /// The source file.
    pub source: String,
    pub decision: Option<String>,
    pub label: Option<String>,
    pub public_title: String,
    /// The first of `paragraphs` (the report's readers had only one before
    /// a paper could name several).
    pub paragraph: u8,
    /// The paragraphs of Part 1 of Schedule 12A it is withheld under.
    pub paragraphs: Vec<u8>,
    pub reason: String,
    pub review_on: Option<String>,
}

impl WithheldItem {
    /// "Appendix 1: Award report", or the public title alone when there is no label.
    pub fn titled(&self) -> String {
        match &self.label {
            Some(label) => format!("{label}: {}", self.public_title),
            None => self.public_title.clone(),
        }
    }
}

/// What was withheld, for the report written outside public/ (DESIGN.md rule 4).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WithholdingReport {
    pub items: Vec<WithheldItem>,
    /// Short facts (names, figures) that public sources declare public in
    /// `public_facts`, though an exempt source states them too: each is
    /// for an officer to confirm.
    #[serde(default)]
    pub declared_facts: Vec<DeclaredFact>,
    /// Fields public by definition (who decides, the department, a
    /// schema's allowed values) that state a name or figure an exempt
    /// source states too: each is for an officer to confirm.
    #[serde(default)]
    pub public_by_field: Vec<crate::scan::Vouched>,
}

/// One entry of a public source's `public_facts`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DeclaredFact {
    /// The public source that declares it.
    pub source: String,
    /// As written there.
    pub fact: String,
}

/// Decisions by number, for lookups that must not be quadratic.
pub fn decisions_by_number(site: &PublicSite) -> BTreeMap<&str, &PublicDecision> {
    site.decisions
        .iter()
        .map(|d| (d.number.as_str(), d))
        .collect()
}

// ---------------------------------------------------------------- build cache

thread_local! {
    /// Whether [`thaw`] is running on this thread: the only time a
    /// [`Sealed`] may be read.
    pub(super) static THAWING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Bytes of a value for the build cache (postcard).
pub fn freeze<T: Serialize>(value: &T) -> Vec<u8> {
    // Postcard fails only on sequences of unknown length, which no type
    // here has: a failure is a bug, not a property of the content.
    postcard::to_allocvec(value).expect("the build cache's types all encode")
}

/// A value back from [`freeze`]'s bytes; None if they do not decode (the
/// cache then rebuilds). Bytes left over after the value do not decode.
///
/// The only way to read back a public type, and private to the crate: the
/// cache holds what this module let through on an earlier build of the same
/// content (each record checksummed, see `cache`). No code outside
/// can turn bytes into a sealed type.
pub(crate) fn thaw<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let _thawing = Thawing::start();
    match postcard::take_from_bytes(bytes) {
        Ok((value, [])) => Some(value),
        _ => None,
    }
}

/// What the build cache keeps of the public model and of pass 1, and so
/// what [`through_cache`] takes. Sealed: implemented in this crate only (here
/// for the public model; beside their types for pass 1's `FirstPass` and the
/// guard's `FileFindings`), for types whose decoding runs no code from
/// outside the crate (a type of another crate's making could read anything
/// while the seal is open).
pub trait Frozen: Serialize + DeserializeOwned + frozen::Sealed {}

pub(crate) mod frozen {
    pub trait Sealed {}
}

macro_rules! frozen {
    ($($t:ty),* $(,)?) => {
        $(
            impl frozen::Sealed for $t {}
            impl Frozen for $t {}
        )*
    };
}

frozen!(
    Block,
    Markdown,
    PublicDecision,
    PublishedFile,
    PublishedPaper,
    WithheldNotice,
    WithheldItem,
    Diagnostics,
);

/// A value frozen and thawed again, as a rebuild reads it back from the
/// cache (for tests). It reads only what it was handed, never bytes from
/// elsewhere, so it can make no public value that was not already there.
pub fn through_cache<T: Frozen>(value: &T) -> Option<T> {
    thaw(&freeze(value))
}

/// Lets [`Sealed`] be read on this thread until dropped, however [`thaw`]
/// ends: a panic while decoding must not leave the door open.
struct Thawing {
    pub(super) was: bool,
}

impl Thawing {
    pub(super) fn start() -> Thawing {
        Thawing {
            was: THAWING.replace(true),
        }
    }
}

impl Drop for Thawing {
    fn drop(&mut self) {
        THAWING.set(self.was);
    }
}

/// `&'static str`, for fields read back from the build cache with
/// [`one_of`]. Named because serde's derive takes every field spelt `&str`
/// for text borrowed from its input, which a `'static` one cannot be.
pub type StaticStr = &'static str;

/// Every [`WithheldItem::what`].
pub const WITHHELD_WHAT: [&str; 4] = ["document", "attachment", "column", "passage"];

/// Reads back a `&'static str` field as the same static from the table it
/// was taken from; a text not in `known` does not decode (nothing is leaked
/// to make a static of it).
pub(crate) fn one_of<'de, D: Deserializer<'de>>(
    deserializer: D,
    known: impl IntoIterator<Item = &'static str>,
) -> Result<&'static str, D::Error> {
    let text = String::deserialize(deserializer)?;
    known
        .into_iter()
        .find(|k| *k == text)
        .ok_or_else(|| D::Error::custom(format!("`{text}` is not one of the known values")))
}

pub(super) fn known_what<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<&'static str, D::Error> {
    one_of(deserializer, WITHHELD_WHAT)
}

type Impacts = Vec<(&'static str, &'static str, Impact)>;

/// An EqIA's impacts, each keyed by a characteristic's key and name from
/// [`PROTECTED_CHARACTERISTICS`] or [`CARERS`].
pub(super) fn known_impacts<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Impacts, D::Error> {
    let known = || PROTECTED_CHARACTERISTICS.iter().chain([&CARERS]);
    Vec::<(String, String, Impact)>::deserialize(deserializer)?
        .into_iter()
        .map(|(key, name, impact)| {
            known()
                .find(|(k, n)| *k == key && *n == name)
                .map(|&(k, n)| (k, n, impact))
                .ok_or_else(|| {
                    D::Error::custom(format!(
                        "`{key}` ({name}) is not a characteristic an EqIA assesses"
                    ))
                })
        })
        .collect()
}
