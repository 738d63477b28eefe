//! The one place that decides what the public sees (DESIGN.md, "Withholding").
//!
//! [`separate`] consumes the checked [`Site`] and returns a [`PublicSite`], a
//! [`WithholdingReport`] and the [`Fingerprints`] of everything withheld. The
//! public model has a file of its own (`visibility/public.rs`); every type in
//! it carries a `Sealed` field that only this module and that file can name,
//! so no other module can build one: renderers, downloads and feeds can only
//! ever be handed what this module let through. Exempt bodies, titles, passages, attachments and column
//! values are read here for fingerprinting and then dropped; they are never
//! parsed into HTML.
//!
//! This module must never copy an exempt string into a public type. The output
//! scan (`scan`) is the independent second line that checks it did not.
//!
//! # Sealed
//!
//! Other code reads the public model through getters, and cannot make or
//! change any part of it. It can read:
//!
//! ```
//! use plainsight::visibility::{Block, PublicDecision};
//! fn words(d: &PublicDecision) -> Vec<&str> {
//!     let mut out = vec![d.title(), d.summary()];
//!     for block in d.body().blocks() {
//!         if let Block::Text(text) = block {
//!             out.push(text.markdown());
//!         }
//!     }
//!     out
//! }
//! ```
//!
//! It cannot turn bytes into a sealed type (`thaw` is the crate's own):
//!
//! ```compile_fail,E0603
//! use plainsight::visibility::{thaw, PublicDecision};
//! let made: Option<PublicDecision> = thaw(b"any bytes at all");
//! ```
//!
//! nor through [`through_cache`], which takes only the model's own types:
//!
//! ```compile_fail,E0277
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct Mine(String);
//! let _ = plainsight::visibility::through_cache(&Mine(String::new()));
//! ```
//!
//! nor put text in a public value's field:
//!
//! ```compile_fail,E0616
//! fn retitle(d: &mut plainsight::visibility::PublicDecision) {
//!     d.title = "Anything at all".to_string();
//! }
//! ```
//!
//! nor make a block of text or a Markdown of its own:
//!
//! ```compile_fail,E0451
//! use plainsight::visibility::{Block, TextBlock};
//! let block = Block::Text(TextBlock { markdown: "Anything".into(), first_line: 1 });
//! ```
//!
//! ```compile_fail,E0451
//! let m = plainsight::visibility::Markdown { path: String::new(), blocks: Vec::new() };
//! ```
//!
//! nor a notice of what was withheld:
//!
//! ```compile_fail,E0451
//! let n = plainsight::visibility::WithheldNotice {
//!     heading: String::new(), label: None, public_title: String::new(),
//!     paragraph: 3, covers: "", reason: String::new(), review_on: None,
//!     public_interest: String::new(),
//! };
//! ```

use crate::data::{Column, Dataset};
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::document::{Document, Exemption, Front, Paper, Status};
use crate::scan::{Fingerprints, FingerprintsBuilder};
use crate::schedule12a;
use crate::site::{self, DecisionBundle, Site};
use toml::Spanned;

mod public;

pub use public::*;

/// What `separate` returns: the site without its decisions yet, and what
/// was withheld and fingerprinted so far.
pub struct Separated {
    pub public: PublicSite,
    pub report: WithholdingReport,
    prints: FingerprintsBuilder,
}

/// One decision separated: the whole public decision (bodies included), what
/// was withheld from it, and the fingerprints of its exempt material.
pub struct SeparatedDecision {
    pub public: PublicDecision,
    pub report: WithholdingReport,
    pub prints: FingerprintsBuilder,
    /// Its public source files (relative to the site folder), to be checked
    /// for exempt text once every fingerprint is known.
    pub public_sources: Vec<String>,
}

/// Splits one decision folder into what is published and what is withheld.
pub fn separate_decision(
    bundle: &DecisionBundle,
    diagnostics: &mut Diagnostics,
) -> SeparatedDecision {
    separate_one(bundle, false, diagnostics)
}

/// [`separate_decision`] again, for a folder already separated once with the
/// same content: the same public decision, without the work whose results
/// were kept the first time (fingerprints, script checks).
pub fn separate_again(bundle: &DecisionBundle) -> SeparatedDecision {
    separate_one(bundle, true, &mut Diagnostics::default())
}

fn separate_one(
    bundle: &DecisionBundle,
    again: bool,
    diagnostics: &mut Diagnostics,
) -> SeparatedDecision {
    let front = bundle.front().clone();
    let number = front.number.get_ref().clone();
    let mut s = Separation {
        number: &number,
        again,
        report: WithholdingReport::default(),
        prints: match again {
            true => FingerprintsBuilder::discarding(),
            false => FingerprintsBuilder::default(),
        },
        public_sources: Vec::new(),
    };
    let record = &bundle.record;
    refuse_fences_in_front_matter(record, diagnostics);
    declare_facts(record, &mut s.report, &mut s.prints, diagnostics);
    // Who decides, with whom, where and for which divisions is published by
    // law: a name in these is public wherever else it is written (and the
    // withholding report lists each one that an exempt source states too).
    let fields = std::iter::once(("decision_maker", &front.decision_maker))
        .chain(
            front
                .decision_maker_name
                .iter()
                .map(|n| ("decision_maker_name", n)),
        )
        .chain(
            front
                .in_consultation_with
                .iter()
                .map(|n| ("in_consultation_with", n)),
        )
        .chain(
            front
                .electoral_divisions
                .iter()
                .map(|n| ("electoral_divisions", n)),
        )
        .chain(
            front
                .pathway
                .iter()
                .map(|step| ("pathway.body", &step.body)),
        )
        .chain(
            front
                .call_in
                .as_ref()
                .and_then(|c| c.get_ref().by.as_ref())
                .map(|by| ("call_in.by", by)),
        )
        .chain(front.lead_officer.iter().flat_map(|o| {
            [
                ("lead_officer.name", &o.get_ref().name),
                ("lead_officer.role", &o.get_ref().role),
            ]
        }))
        .chain(front.department.iter().map(|d| ("department", d.get_ref())));
    for (field, named) in fields {
        s.prints.add_fact_public(&record.path, field, named);
    }
    let body = s.public_body(record, diagnostics);

    let mut papers = Vec::new();
    for (slug, doc) in &bundle.papers {
        let paper = site::paper(doc);
        refuse_fences_in_front_matter(doc, diagnostics);
        papers.push(match &paper.status {
            Status::Exempt(exemption) => {
                s.withhold_paper(bundle, doc, paper, exemption, diagnostics)
            }
            Status::Public => s.publish_paper(bundle, slug, doc, paper, diagnostics),
        });
    }
    let Separation {
        report,
        prints,
        public_sources,
        ..
    } = s;

    let expected = front.expected().map(Spanned::into_inner);
    let public = PublicDecision {
        number,
        slug: bundle.folder.clone(),
        source_path: record.path.clone(),
        title: front.title,
        summary: front.summary,
        summary_line: value_line(record, "summary"),
        decision_maker: front.decision_maker,
        decision_maker_at: string_positions(record, "decision_maker")
            .first()
            .copied()
            .unwrap_or_default(),
        decision_maker_name: front.decision_maker_name,
        in_consultation_with: front.in_consultation_with,
        status: *front.status.get_ref(),
        status_label: front
            .status_label
            .map(|l| l.into_inner().trim().to_string()),
        expected,
        taken: front.taken.map(Spanned::into_inner),
        withdrawn: front.withdrawn,
        key_decision: front.key_decision.into_inner(),
        key_decision_reason: front.key_decision_reason,
        notice_published: front.notice_published.map(Spanned::into_inner),
        urgency: front.urgency.map(Spanned::into_inner),
        electoral_divisions: front.electoral_divisions,
        electoral_divisions_at: string_positions(record, "electoral_divisions"),
        related: front.related.into_iter().map(|r| r.into_inner()).collect(),
        related_elsewhere: front
            .related_elsewhere
            .into_iter()
            .map(Spanned::into_inner)
            .collect(),
        // Checked (with its errors) when the record was parsed.
        money: crate::money::check(
            &record.path,
            &front.money,
            &|_| Default::default(),
            &mut Diagnostics::default(),
        ),
        decision: Markdown::field(
            &record.path,
            &front.decision,
            value_line(record, "decision"),
        ),
        reasons: Markdown::field(&record.path, &front.reasons, value_line(record, "reasons")),
        alternatives: front.alternatives.into_inner(),
        interests_declared: front.interests_declared,
        dispensations: front.dispensations,
        call_in: front.call_in.map(|c| c.into_inner()),
        pathway: front.pathway,
        lead_officer: front.lead_officer.map(Spanned::into_inner),
        department: front.department.map(Spanned::into_inner),
        record_published: front.record_published,
        amended: front.amended.into_iter().map(Spanned::into_inner).collect(),
        body,
        papers,
        complete: true,
        _sealed: Sealed,
    };
    SeparatedDecision {
        public,
        report,
        prints,
        public_sources,
    }
}

/// One decision's separation under way: what it has withheld and
/// fingerprinted so far, and its public sources.
struct Separation<'n> {
    number: &'n str,
    /// Separated once already with the same content: no fingerprints or
    /// script checks (their results were kept the first time).
    again: bool,
    report: WithholdingReport,
    prints: FingerprintsBuilder,
    public_sources: Vec<String>,
}

impl Separation<'_> {
    /// A public document's body, its exempt passages cut out; the document
    /// is a public source.
    fn public_body(&mut self, doc: &Document, diagnostics: &mut Diagnostics) -> Markdown {
        let body = cut_passages(
            doc,
            Some(self.number),
            &mut self.report,
            &mut self.prints,
            diagnostics,
        );
        self.public_sources.push(doc.path.clone());
        if !self.again {
            check_public_text(doc, &body, diagnostics);
        }
        body
    }

    /// A wholly exempt document: its body and every string of its front
    /// matter fingerprinted, and only the declared label and public title
    /// kept (checked, as the notice is public); its attachments are
    /// withheld with it.
    fn withhold_paper(
        &mut self,
        bundle: &DecisionBundle,
        doc: &Document,
        paper: &Paper,
        exemption: &Exemption,
        diagnostics: &mut Diagnostics,
    ) -> PublicPaper {
        let number = Some(self.number);
        let prints = &mut self.prints;
        prints.add_exempt(&doc.path, doc.body());
        fingerprint_exempt_front(doc, prints);
        refuse_declared_facts(doc, diagnostics);
        if !self.again {
            check_notice_scripts(doc, diagnostics);
        }
        if let Some(title) = &paper.title {
            prints.add_exempt_value(&doc.path, title);
        }
        let public_title = paper
            .public_title
            .clone()
            .expect("checked: exempt papers have a public title");
        let mut notice = notice(paper.label.clone(), public_title, exemption);
        notice.kind = Some(doc.kind);
        let items = &mut self.report.items;
        items.push(item("document", &doc.path, number, &notice));
        for attachment in &paper.attachments {
            let file = &bundle.files[&attachment.file];
            fingerprint_exempt_file(prints, file, diagnostics);
            let public_title = attachment
                .public_title
                .clone()
                .unwrap_or_else(|| format!("Attachment to {}", notice.public_title));
            let attachment_notice = notice_from(notice.label.clone(), public_title, &notice);
            items.push(item("attachment", &file.path, number, &attachment_notice));
        }
        PublicPaper::Withheld(Box::new(notice))
    }

    /// A public document: its body with exempt passages cut, its public
    /// attachments published and its exempt ones withheld.
    fn publish_paper(
        &mut self,
        bundle: &DecisionBundle,
        slug: &str,
        doc: &Document,
        paper: &Paper,
        diagnostics: &mut Diagnostics,
    ) -> PublicPaper {
        declare_facts(doc, &mut self.report, &mut self.prints, diagnostics);
        if let Some(meeting) = &paper.meeting {
            self.prints
                .add_fact_public(&doc.path, "meeting.body", &meeting.body);
        }
        let body = self.public_body(doc, diagnostics);
        let mut attachments = Vec::new();
        for attachment in &paper.attachments {
            let file = &bundle.files[&attachment.file];
            attachments.push(match &attachment.status {
                Status::Public => {
                    if let Ok(text) = std::str::from_utf8(&file.bytes) {
                        self.public_sources.push(file.path.clone());
                        refuse_fences_in_attachment(&file.path, text, diagnostics);
                    } else {
                        refuse_fences_in_pdf(&file.path, &file.bytes, diagnostics);
                    }
                    PublicAttachment::Published(PublishedFile {
                        name: attachment.file.clone(),
                        title: attachment
                            .title
                            .clone()
                            .expect("checked: public attachments have a title"),
                        bytes: file.bytes.clone(),
                        _sealed: Sealed,
                    })
                }
                Status::Exempt(exemption) => {
                    fingerprint_exempt_file(&mut self.prints, file, diagnostics);
                    if let Some(title) = &attachment.title {
                        self.prints.add_exempt_value(&file.path, title);
                    }
                    let public_title = attachment
                        .public_title
                        .clone()
                        .expect("checked: exempt attachments have a public title");
                    // Its notice is in this public document's front
                    // matter, which is checked as a public source.
                    let notice = notice(None, public_title, exemption);
                    let number = Some(self.number);
                    self.report
                        .items
                        .push(item("attachment", &file.path, number, &notice));
                    PublicAttachment::Withheld(Box::new(notice))
                }
            });
        }
        PublicPaper::Published(Box::new(PublishedPaper {
            slug: slug.to_string(),
            kind: doc.kind,
            source_path: doc.path.clone(),
            label: paper.label.clone(),
            title: paper
                .title
                .clone()
                .expect("checked: public papers have a title"),
            summary: paper.summary.clone(),
            meeting: paper.meeting.clone(),
            assessed_on: paper.assessed_on,
            impacts: paper.impacts.clone(),
            body,
            attachments,
            _sealed: Sealed,
        }))
    }
}

/// Separates what is not a decision (site.toml, pages, datasets). Decisions
/// are separated one by one ([`separate_decision`]) and added as listings
/// ([`Separated::add_decision`]); then [`Separated::finish`] makes the
/// fingerprints.
pub fn separate(site: Site, diagnostics: &mut Diagnostics) -> Separated {
    let mut report = WithholdingReport::default();
    let mut prints = FingerprintsBuilder::default();
    let Site {
        root: _,
        config,
        folders: _,
        pages,
        datasets,
        templates,
        logo,
        statics,
    } = site;

    // The council's own settings: checked for exempt passages and values.
    // The names it goes by and its address are public by definition as far
    // as names and figures go (not its free text, such as the tagline).
    let settings = toml::to_string(&config).unwrap_or_default();
    prints.add_public_source(crate::source::CONFIG_FILE, &settings);
    for (field, named) in [
        ("title", &config.title),
        ("organisation.name", &config.organisation.name),
        ("contact.team", &config.contact.team),
        ("contact.address", &config.contact.address),
        ("licence.name", &config.licence.name),
    ] {
        prints.add_fact_public(crate::source::CONFIG_FILE, field, named);
    }

    // A static file is published as it is: a fence in it would cut nothing.
    // Its name is published too, as its web address: checked for exempt
    // names and figures like any public text.
    for file in &statics {
        match std::str::from_utf8(&file.bytes) {
            Ok(text) => refuse_fences_in_attachment(&file.path, text, diagnostics),
            Err(_) => refuse_fences_in_pdf(&file.path, &file.bytes, diagnostics),
        }
        let words = file.address_words();
        prints.add_public_source(&file.path, &words);
    }

    // The council's own templates print their text on every page: an
    // exempt name or figure written into one is found at its line (the
    // output scan reads a figure of four digits as two words, `8,450`).
    for template in &templates {
        prints.add_public_file(&template.path, &template.text);
    }

    let mut public_pages = Vec::new();
    for page in pages {
        let doc = &page.document;
        let Front::Page(front) = &doc.front else {
            unreachable!("pages are checked to be pages")
        };
        refuse_fences_in_front_matter(doc, diagnostics);
        declare_facts(doc, &mut report, &mut prints, diagnostics);
        let body = cut_passages(doc, None, &mut report, &mut prints, diagnostics);
        prints.add_public_file(&doc.path, &crate::fence::blank(&doc.text));
        check_public_text(doc, &body, diagnostics);
        public_pages.push(PublicPage {
            slug: page.slug.clone(),
            source_path: doc.path.clone(),
            title: front.title.clone(),
            summary: front.summary.clone(),
            body,
            _sealed: Sealed,
        });
    }

    let public_datasets = datasets
        .into_iter()
        .map(|ds| separate_dataset(ds, &mut report, &mut prints, diagnostics))
        .collect();

    Separated {
        public: PublicSite {
            config,
            decisions: Vec::new(),
            pages: public_pages,
            datasets: public_datasets,
            templates,
            logo,
            statics,
            _sealed: Sealed,
        },
        report,
        prints,
    }
}

impl Separated {
    /// Room for `more` decisions' listings, set aside at once.
    pub fn reserve(&mut self, more: usize) {
        self.public.decisions.reserve(more);
    }

    /// Adds a decision separated on its own: its listing joins the site
    /// (callers add them in number order), its withheld items the report and
    /// its fingerprints the rest. A build adds listings; a complete decision
    /// is accepted too (see [`crate::public_model`]).
    pub fn add_decision(
        &mut self,
        listing: PublicDecision,
        report: WithholdingReport,
        prints: FingerprintsBuilder,
    ) {
        self.public.decisions.push(listing);
        self.report.items.extend(report.items);
        self.report.declared_facts.extend(report.declared_facts);
        self.prints.merge(prints);
    }

    /// Makes the fingerprints once every decision is in, and reports each
    /// page or site.toml that contains exempt text. (Decision folders'
    /// public sources are checked as each is rendered.)
    pub fn finish(
        self,
        diagnostics: &mut Diagnostics,
    ) -> (PublicSite, WithholdingReport, Fingerprints) {
        let (fingerprints, overlaps, vouched) = self.prints.finish();
        for overlap in overlaps {
            diagnostics.push(overlap_diagnostic(&overlap));
        }
        let mut report = self.report;
        report.public_by_field = vouched;
        (self.public, report, fingerprints)
    }
}

/// The error for a public source that contains exempt text.
pub fn overlap_diagnostic(overlap: &crate::scan::Overlap) -> Diagnostic {
    let declare = if overlap.public.ends_with(".csv") {
        "the dataset's schema"
    } else {
        "this document's front matter"
    };
    let d = if overlap.fact && overlap.notice {
        Diagnostic::error(&overlap.public, format!("this field is published (it says what is withheld, or names it), and it states a name or figure from the exempt source {}", overlap.exempt))
            .help("a notice or title says what is held back and why, never what it says: reword this field so that it names no one and gives no figure from what is withheld")
    } else if overlap.fact && overlap.public == crate::source::CONFIG_FILE {
        Diagnostic::error(&overlap.public, format!("the site's settings state a name or figure that the exempt source {} also states", overlap.exempt))
            .help("remove it from site.toml; the settings cannot declare anything public, so a name or figure that is public is declared in the front matter of a public document that states it (`public_facts`)")
    } else if overlap.public.starts_with("templates/") {
        Diagnostic::error(&overlap.public, format!("this template states {} the exempt source {}", if overlap.fact { "a name or figure that" } else { "text from" }, overlap.exempt))
            .help("remove it from the template: a template prints its text on every page made with it, and cannot declare anything public; a name or figure that is public is declared in the front matter of a public document that states it (`public_facts`)")
    } else if overlap.fact {
        Diagnostic::error(&overlap.public, format!("this public source states a name or figure that the exempt source {} also states", overlap.exempt))
            .help(format!("remove it here, or, if it is legitimately public (a total the public report states, a company's registered name), declare it as written in {declare}: `public_facts = [\"...\"]`, which the withholding report lists for an officer to check"))
    } else if overlap.notice {
        Diagnostic::error(&overlap.public, format!("this field is published (it says what is withheld, or names it), and it repeats text from the exempt source {}", overlap.exempt))
            .help("a notice or title says what is held back and why, never what it says: reword this field so that it shares no text with what is withheld")
    } else {
        Diagnostic::error(&overlap.public, format!("this public source contains text from the exempt source {}", overlap.exempt))
            .help("nothing exempt may be published: remove the shared text from this file, or, if it is meant to be public, from the exempt one")
    };
    match overlap.line {
        0 => d,
        line => d.at(Position {
            line,
            column: overlap.column,
        }),
    }
}

/// The file line where a front-matter string value's text starts: the key's
/// line, or the next one for a `"""` string that starts on a new line (0 when
/// the key is not found).
/// Where each string value at `path` (see [`crate::frontmatter::strings`])
/// is written in `doc`'s front matter, in order.
fn string_positions(doc: &Document, path: &str) -> Vec<Position> {
    let Ok(split) = crate::frontmatter::split(&doc.text) else {
        return Vec::new();
    };
    crate::frontmatter::strings(split.front_matter)
        .into_iter()
        .filter(|s| s.path == path)
        .map(|s| Position::of_offset(&doc.text, split.front_matter_offset + s.offset))
        .collect()
}

fn value_line(doc: &Document, key: &str) -> usize {
    let front = &doc.text[..doc.body_offset];
    let p = crate::frontmatter::position_of_key(front, key);
    if p.line == 0 {
        return 0;
    }
    let line = front.lines().nth(p.line - 1).unwrap_or("");
    let value = line.split_once('=').map_or("", |(_, v)| v).trim();
    if value == "\"\"\"" || value == "'''" {
        p.line + 1
    } else {
        p.line
    }
}

/// What a public document publishes (its front matter and its body without
/// the exempt passages): no mixed-script words, and no heading or line that
/// marks it, or a part of it, as not for publication (`NOT FOR
/// PUBLICATION`, as an exempt report is headed): a document marked public
/// that says so is ambiguous, and ambiguity is refused. A sentence saying an
/// appendix is not for publication is not a heading.
fn check_public_text(doc: &Document, body: &Markdown, diagnostics: &mut Diagnostics) {
    crate::scripts::check_scripts(&doc.path, &doc.text[..doc.body_offset], 1, diagnostics);
    for block in &body.blocks {
        if let Block::Text(text) = block {
            crate::scripts::check_scripts(&doc.path, &text.markdown, text.first_line, diagnostics);
            for (i, line) in text.markdown.lines().enumerate() {
                let words = line.trim_start_matches(|c: char| {
                    c.is_whitespace() || matches!(c, '#' | '*' | '_' | '>' | '|' | '-')
                });
                let phrase = |w: &[u8]| w.eq_ignore_ascii_case(b"not for publication");
                let heading = line.trim_start().starts_with('#');
                let says = match heading {
                    true => words.as_bytes().windows(19).position(phrase),
                    false => words.as_bytes().get(..19).filter(|w| phrase(w)).map(|_| 0),
                };
                if let Some(at) = says {
                    let before = line.len() - words.len() + at;
                    let column = line[..before].chars().count() + 1;
                    diagnostics.push(
                        Diagnostic::error(&doc.path, "this public document says it is not for publication")
                            .at(Position { line: text.first_line + i, column })
                            .help("if the document is exempt, declare it with `exempt = { paragraph = N, reason = \"...\" }` instead of `public = true`; if a passage is, put it between exempt fences; if it is public, remove the words"),
                    );
                }
            }
        }
    }
}

/// Mixed-script words in what an exempt document publishes: only the lines
/// of its label, public title and exemption notice, never its title or body.
fn check_notice_scripts(doc: &Document, diagnostics: &mut Diagnostics) {
    for (i, line) in doc.text[..doc.body_offset].lines().enumerate() {
        let key = line.split('=').next().unwrap_or("").trim();
        if matches!(key, "label" | "public_title" | "exempt") {
            crate::scripts::check_scripts(&doc.path, line, i + 1, diagnostics);
        }
    }
}

fn separate_dataset(
    ds: Dataset,
    report: &mut WithholdingReport,
    prints: &mut FingerprintsBuilder,
    diagnostics: &mut Diagnostics,
) -> PublicDataset {
    let mut keep = Vec::new();
    let mut columns = Vec::new();
    let mut withheld_columns = Vec::new();
    for (i, column) in ds.columns.iter().enumerate() {
        match &column.status {
            Status::Public => {
                keep.push(i);
                columns.push(public_column(column));
            }
            Status::Exempt(exemption) => {
                for row in &ds.rows {
                    prints.add_exempt_cell(&ds.csv_path, &row.cells[i], column.list);
                }
                let notice = notice(None, column.title.clone(), exemption);
                report
                    .items
                    .push(item("column", &ds.csv_path, None, &notice));
                withheld_columns.push((column.title.clone(), notice));
            }
        }
    }
    // What the schema publishes: its title and description, its columns'
    // titles and descriptions, and its exempt columns' notices.
    for field in crate::frontmatter::strings(&ds.schema_text) {
        if matches!(
            field.path.as_str(),
            "title"
                | "description"
                | "columns.title"
                | "columns.description"
                | "columns.exempt.reason"
                | "columns.exempt.public_interest"
        ) {
            let at = Position::of_offset(&ds.schema_text, field.offset);
            prints.add_notice(&ds.schema_path, at.line, at.column, &field.value);
        } else if field.path == "columns.values" {
            // The council's own list of what a cell may say.
            prints.add_fact_public(&ds.schema_path, "columns.values", &field.value);
        } else if field.path == "public_facts" {
            let at = Position::of_offset(&ds.schema_text, field.offset);
            declare_fact(
                &ds.schema_path,
                at,
                &field.value,
                report,
                prints,
                diagnostics,
            );
        }
    }
    let rows: Vec<Vec<String>> = ds
        .rows
        .iter()
        .map(|row| keep.iter().map(|&i| row.cells[i].clone()).collect())
        .collect();
    let mut public_text = String::new();
    let mut row_lines = Vec::with_capacity(rows.len());
    for (row, source_row) in rows.iter().zip(&ds.rows) {
        row_lines.push((public_text.len(), source_row.line));
        for cell in row {
            public_text.push_str(cell);
            public_text.push('\n');
        }
    }
    prints.add_public_rows(&ds.csv_path, &public_text, row_lines);

    PublicDataset {
        name: ds.name,
        title: ds.title,
        description: ds.description,
        primary_key: ds.primary_key,
        help_page: ds.help_page.map(|(slug, _)| slug),
        online: ds.online,
        columns,
        rows,
        withheld_columns,
        _sealed: Sealed,
    }
}

fn public_column(c: &Column) -> PublicColumn {
    PublicColumn {
        name: c.name.clone(),
        title: c.title.clone(),
        description: c.description.clone(),
        ty: c.ty,
        required: c.required,
        list: c.list,
        values: c.values.clone(),
        references: c.references.as_ref().map(|(d, c, _)| format!("{d}.{c}")),
        browse: c.browse,
        card: c.card,
        _sealed: Sealed,
    }
}

fn notice(label: Option<String>, public_title: String, e: &Exemption) -> WithheldNotice {
    let paragraphs = e.paragraph.get_ref().as_u8();
    WithheldNotice {
        heading: notice_heading(label.as_deref(), &public_title),
        label,
        public_title,
        paragraph: paragraphs[0],
        paragraphs_words: schedule12a::paragraphs_words(&paragraphs),
        covers: schedule12a::covers_all(&paragraphs),
        paragraphs,
        reason: e.reason.trim().to_string(),
        review_on: e.review_on.map(|d| d.to_string()),
        public_interest: e
            .public_interest
            .clone()
            .unwrap_or_else(|| schedule12a::STANDARD_PUBLIC_INTEREST.to_string()),
        kind: None,
        _sealed: Sealed,
    }
}

fn notice_from(
    label: Option<String>,
    public_title: String,
    like: &WithheldNotice,
) -> WithheldNotice {
    WithheldNotice {
        heading: notice_heading(label.as_deref(), &public_title),
        label,
        public_title,
        kind: None,
        ..like.clone()
    }
}

/// "Appendix 1 (Award report) is not published"; without a label, the
/// verb agrees with the title ("Bid scores are not published"). The
/// public title keeps its capitals: a person reviewed it as written, and
/// names in it ("Kent Enablement at Home bids") are proper nouns.
fn notice_heading(label: Option<&str>, public_title: &str) -> String {
    match label {
        Some(label) => format!("{label} ({public_title}) is not published"),
        None if reads_plural(public_title) => format!("{public_title} are not published"),
        None => format!("{public_title} is not published"),
    }
}

/// Whether a title's head noun reads as plural ("Bid scores", "Scores
/// given to each bid", "Terms and conditions"), so that it takes "are".
/// The head is the last word before a preposition or a participle ("of",
/// "given"), else the last word; plural by its English ending, not a
/// dictionary, so words such as "analysis", "business" and "status" stay
/// singular.
pub fn reads_plural(title: &str) -> bool {
    const BREAKS: &[&str] = &[
        "of", "for", "to", "from", "in", "on", "by", "with", "about", "at", "under", "between",
        "per", "given", "offered", "made", "received", "used", "held",
    ];
    let words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let end = words
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, w)| BREAKS.contains(&w.as_str()) || (w.len() > 4 && w.ends_with("ed")))
        .map_or(words.len(), |(i, _)| i);
    let Some(head) = words[..end].last() else {
        return false;
    };
    head.len() > 3
        && head.ends_with('s')
        && !["ss", "us", "is", "ics", "'s"]
            .iter()
            .any(|e| head.ends_with(e))
}

/// "Award report" becomes "award report"; acronyms ("EqIA scores") stay as written.
pub fn lower_first(text: &str) -> String {
    let first_word = text.split_whitespace().next().unwrap_or("");
    if first_word.chars().skip(1).any(char::is_uppercase) {
        return text.to_string();
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Fingerprints an exempt document's front matter: every string in it is
/// exempt material (its title, summary, attachments' titles, impact
/// details, any field a later version adds) but the notice's own fields,
/// which are published and so are checked instead
/// ([`FingerprintsBuilder::add_notice`]), and the few that name things
/// rather than say them ([`names_a_thing`]).
fn fingerprint_exempt_front(doc: &Document, prints: &mut FingerprintsBuilder) {
    let Ok(split) = crate::frontmatter::split(&doc.text) else {
        return;
    };
    for s in crate::frontmatter::strings(split.front_matter) {
        if is_notice_field(&s.path) {
            let at = Position::of_offset(&doc.text, split.front_matter_offset + s.offset);
            prints.add_notice(&doc.path, at.line, at.column, &s.value);
        } else if !names_a_thing(&s.path) {
            prints.add_exempt(&doc.path, &s.value);
        }
    }
}

/// The entries of a public document's `public_facts`: names and figures it
/// publishes that an exempt source states too.
fn declare_facts(
    doc: &Document,
    report: &mut WithholdingReport,
    prints: &mut FingerprintsBuilder,
    diagnostics: &mut Diagnostics,
) {
    let Ok(split) = crate::frontmatter::split(&doc.text) else {
        return;
    };
    for s in crate::frontmatter::strings(split.front_matter) {
        if s.path == "public_facts" {
            let at = Position::of_offset(&doc.text, split.front_matter_offset + s.offset);
            declare_fact(&doc.path, at, &s.value, report, prints, diagnostics);
        }
    }
}

/// One `public_facts` entry at `at` in `source`: it must be one figure,
/// percentage or postcode, or a name. Its words are public by definition
/// for the short-fact check (every fact in it is dropped), and it is listed
/// in the report for an officer to see.
fn declare_fact(
    source: &str,
    at: Position,
    entry: &str,
    report: &mut WithholdingReport,
    prints: &mut FingerprintsBuilder,
    diagnostics: &mut Diagnostics,
) {
    match crate::facts::declared(entry) {
        Ok(_) => {
            prints.add_fact_public(source, "public_facts", entry);
            report.declared_facts.push(DeclaredFact {
                source: source.to_string(),
                fact: entry.trim().to_string(),
            });
        }
        Err(why) => diagnostics.push(
            Diagnostic::error(source, format!("this `public_facts` entry is not one name or figure: {why}"))
                .at(at)
                .help("list each name or figure that is published here and also stated in an exempt source as its own entry, for example `public_facts = [\"£1,000,000\", \"Oakwood Care Ltd\"]`"),
        ),
    }
}

/// An exempt document's `public_facts` is refused: nothing in it is
/// published, so it can declare nothing public. The entry is not quoted.
fn refuse_declared_facts(doc: &Document, diagnostics: &mut Diagnostics) {
    let Ok(split) = crate::frontmatter::split(&doc.text) else {
        return;
    };
    for s in crate::frontmatter::strings(split.front_matter) {
        if s.path == "public_facts" {
            let at = Position::of_offset(&doc.text, split.front_matter_offset + s.offset);
            diagnostics.push(
                Diagnostic::error(&doc.path, "an exempt document cannot declare names or figures public (`public_facts`): everything it says is withheld")
                    .at(at)
                    .help("remove `public_facts` here; declare a name or figure in the front matter of the public document that publishes it"),
            );
        }
    }
}

/// A field of a withholding notice that a person writes: the document's or
/// an attachment's label, public title and exemption.
fn is_notice_field(path: &str) -> bool {
    let path = path.strip_prefix("attachments.").unwrap_or(path);
    matches!(
        path,
        "label" | "public_title" | "exempt.reason" | "exempt.public_interest"
    )
}

/// Strings that name a thing rather than say anything: the kind, file
/// names, impact levels, and the body a paper goes to, which is public by
/// law (its agenda names it).
fn names_a_thing(path: &str) -> bool {
    matches!(path, "kind" | "attachments.file" | "meeting.body")
        || (path.starts_with("impacts.") && path.ends_with(".impact"))
}

fn item(
    what: &'static str,
    source: &str,
    decision: Option<&str>,
    n: &WithheldNotice,
) -> WithheldItem {
    debug_assert!(
        WITHHELD_WHAT.contains(&what),
        "{what} is missing from WITHHELD_WHAT"
    );
    WithheldItem {
        what,
        source: source.to_string(),
        decision: decision.map(str::to_string),
        label: n.label.clone(),
        public_title: n.public_title.clone(),
        paragraph: n.paragraph,
        paragraphs: n.paragraphs.clone(),
        reason: n.reason.clone(),
        review_on: n.review_on.clone(),
    }
}

/// A public attachment or a file of static/ that is text (a CSV, a text
/// file) is published as it is: a line in it that reads as an exempt passage
/// fence would not cut anything, so it is an error at that line.
fn refuse_fences_in_attachment(path: &str, text: &str, diagnostics: &mut Diagnostics) {
    for (n, line) in crate::fence::lines(text).enumerate() {
        // At the fence, or at what reads as one.
        let column = match crate::fence::classify(line.text) {
            crate::fence::Class::Text => continue,
            crate::fence::Class::Refused(problem) => problem.column,
            crate::fence::Class::Fence { .. } => {
                line.text.chars().take_while(|c| c.is_whitespace()).count() + 1
            }
        };
        diagnostics.push(
            Diagnostic::error(path, "this file holds an exempt passage fence (`:::`) or something that reads as one; it is published as it is (a public attachment, or a file of static/), so nothing would be cut")
                .at(Position { line: n + 1, column })
                .help("put what is exempt in an attachment of its own, declared with `exempt = { paragraph = N, reason = \"...\" }`, and remove the fence"),
        );
        return;
    }
}

/// A public PDF is published as it is too: a page whose text reads as an
/// exempt passage fence cuts nothing, so it is an error at the file (a
/// line of a PDF's text is no line a person can find in it). A PDF whose
/// text cannot be read is refused by the personal-data guard, saying why.
fn refuse_fences_in_pdf(path: &str, bytes: &[u8], diagnostics: &mut Diagnostics) {
    if !crate::scan::is_pdf(path, bytes) {
        return;
    }
    let Ok(text) = crate::pdf::text(bytes) else {
        return;
    };
    if crate::fence::holds_fence(&text.shown) {
        diagnostics.push(
            Diagnostic::error(path, "this PDF's pages show an exempt passage fence (`:::`) or something that reads as one; a PDF is published as it is, so nothing would be cut")
                .help("publish what is exempt as an exempt attachment of its own, declared with `exempt = { paragraph = N, reason = \"...\" }`, and remove the fence from the PDF"),
        );
    }
}

/// Fingerprints an exempt attachment, with a warning if its words cannot be
/// read ([`unreadable_exempt_file`]).
fn fingerprint_exempt_file(
    prints: &mut FingerprintsBuilder,
    file: &crate::source::ContentFile,
    diagnostics: &mut Diagnostics,
) {
    if !prints.add_exempt_file(&file.path, &file.bytes) {
        diagnostics.push(unreadable_exempt_file(&file.path));
    }
}

/// A warning for an exempt attachment whose words cannot be read: it is
/// withheld all the same, but a copy of its words in public text, or in
/// what the build writes, would not be recognised.
fn unreadable_exempt_file(path: &str) -> Diagnostic {
    Diagnostic::warning(path, "the words of this exempt file cannot be read, so a copy of them in public text would not be found; it is withheld all the same")
        .help("attach it as a UTF-8 CSV or text file, or a PDF with its text in it, so that every build can look for its words in what is published")
}

/// Every front-matter string of `doc` (every key, nested ones too) that
/// holds a fence, or anything like one, is an error at that value: exempt
/// passages may only be in the body, and a fence in a field would be
/// published as text.
fn refuse_fences_in_front_matter(doc: &Document, diagnostics: &mut Diagnostics) {
    let Ok(split) = crate::frontmatter::split(&doc.text) else {
        return;
    };
    for position in
        crate::fence::in_front_matter(&doc.text, split.front_matter, split.front_matter_offset)
    {
        diagnostics.push(
            Diagnostic::error(&doc.path, "this front-matter value holds an exempt passage fence (`:::`) or something that reads as one; exempt passages may only be in the body")
                .at(position)
                .help("move the exempt passage into the document's body, inside `::: exempt paragraph=N reason=\"...\"` and `:::`, or remove the colons from the value"),
        );
    }
}

/// Cuts `::: exempt paragraph=N reason="..."` ... `:::` passages out of a
/// public document's body. A line that reads as a fence but is not exactly
/// one is an error, and what follows it is withheld like a passage: a
/// misspelt fence must never let the passage through as ordinary text.
fn cut_passages(
    doc: &Document,
    decision: Option<&str>,
    report: &mut WithholdingReport,
    prints: &mut FingerprintsBuilder,
    diagnostics: &mut Diagnostics,
) -> Markdown {
    let body = doc.body();
    let first_line = Position::of_offset(&doc.text, doc.body_offset).line;
    let cut = crate::fence::cut(body, first_line);
    for problem in cut.problems {
        diagnostics.push(
            Diagnostic::error(&doc.path, problem.message)
                .at(Position {
                    line: problem.line,
                    column: problem.column,
                })
                .help(problem.help),
        );
    }
    let mut blocks = Vec::new();
    for part in cut.parts {
        match part {
            crate::fence::Part::Text { range, first_line } => {
                blocks.push(text_block(body[range].to_string(), first_line))
            }
            crate::fence::Part::Passage(passage) => {
                prints.add_exempt(&doc.path, &body[passage.body]);
                if let Some(e) = &passage.exemption {
                    prints.add_notice(&doc.path, passage.line, 1, &e.reason);
                    if let Some(public_interest) = &e.public_interest {
                        prints.add_notice(&doc.path, passage.line, 1, public_interest);
                    }
                }
                if let Some(e) = passage.exemption {
                    let mut notice = notice(None, "A passage of this document".to_string(), &e);
                    notice.heading = "Part of this document is not published".to_string();
                    report
                        .items
                        .push(item("passage", &doc.path, decision, &notice));
                    blocks.push(Block::Withheld(Box::new(notice)));
                }
            }
        }
    }
    Markdown {
        path: doc.path.clone(),
        blocks,
        _sealed: Sealed,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn notice_headings_keep_capitals_and_agree_in_number() {
        for (title, plural) in [
            ("Scores given to each bid", true),
            ("Bid scores", true),
            ("Terms and conditions", true),
            ("Prices offered by bidders", true),
            ("Evaluation of bids", false),
            ("Award report", false),
            ("Legal advice", false),
            ("Cost analysis", false),
            ("Business case", false),
            ("Counsel's opinion", false),
        ] {
            assert_eq!(reads_plural(title), plural, "{title}");
        }
        assert_eq!(
            notice_heading(Some("Appendix 1"), "Kent Enablement at Home bids"),
            "Appendix 1 (Kent Enablement at Home bids) is not published"
        );
        assert_eq!(
            notice_heading(None, "Scores given to each bid"),
            "Scores given to each bid are not published"
        );
    }
    use serde::{Deserialize, Deserializer};

    use super::*;

    /// The settings of an opening fence (`fence` tests every refusal).
    fn parse_fence(line: &str) -> Result<Exemption, crate::fence::Problem> {
        let rest = line.strip_prefix(":::").expect("a fence");
        crate::fence::parse_opening(rest, 4, 1)
    }

    #[test]
    fn fences() {
        assert_eq!(
            parse_fence("::: exempt paragraph=3 reason=\"bids\"")
                .unwrap()
                .paragraph
                .get_ref()
                .0,
            [3]
        );
        assert!(parse_fence("::: exmept paragraph=3").is_err());
        assert!(parse_fence("::: exempt paragraph=8").is_err());
        assert!(parse_fence("::: exempt").is_err());
        assert!(parse_fence("::: exempt paragraph=3 colour=red").is_err());
    }

    fn markdown() -> Markdown {
        Markdown::field("content/decisions/22-00073/decision.md", "Public words.", 4)
    }

    #[test]
    fn the_seal_opens_only_inside_thaw() {
        let bytes = freeze(&markdown());
        let thawed: Markdown = thaw(&bytes).expect("thaws");
        assert_eq!(format!("{thawed:?}"), format!("{:?}", markdown()));
        assert!(postcard::from_bytes::<Markdown>(&bytes).is_err());
        assert!(postcard::from_bytes::<Sealed>(&[]).is_err());
        let json = r#"{"path": "a.md", "blocks": [], "_sealed": null}"#;
        let refused = serde_json::from_str::<Markdown>(json).unwrap_err();
        assert!(
            refused.to_string().contains("visibility::thaw"),
            "{refused}"
        );
    }

    /// Thaws something inside its own deserialisation, then panics or not.
    struct Inner {
        panics: bool,
    }

    impl<'de> Deserialize<'de> for Inner {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Inner, D::Error> {
            let panics = bool::deserialize(deserializer)?;
            assert!(thaw::<Markdown>(&freeze(&markdown())).is_some());
            // The inner thaw leaves the seal as the outer one had it: open.
            assert!(THAWING.get());
            assert!(!panics, "a decoder panicked");
            Ok(Inner { panics })
        }
    }

    #[test]
    fn thaw_refuses_what_freeze_did_not_write() {
        let bytes = freeze(&markdown());
        assert!(thaw::<Markdown>(&bytes[..bytes.len() - 1]).is_none());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(thaw::<Markdown>(&longer).is_none());
        assert!(thaw::<PublicDecision>(&bytes).is_none());
    }

    #[test]
    fn the_seal_closes_however_thaw_ends() {
        assert!(thaw::<Inner>(&freeze(&false)).is_some_and(|i| !i.panics));
        assert!(!THAWING.get());
        assert!(thaw::<Markdown>(b"not a value").is_none());
        assert!(!THAWING.get());
        let panicked = std::panic::catch_unwind(|| thaw::<Inner>(&freeze(&true)));
        assert!(panicked.is_err());
        assert!(!THAWING.get());
        assert!(postcard::from_bytes::<Markdown>(&freeze(&markdown())).is_err());
    }

    #[test]
    fn static_fields_thaw_from_their_tables() {
        for paragraph in 1..=7 {
            let exemption = parse_fence(&format!("::: exempt paragraph={paragraph}")).unwrap();
            let notice = notice(None, "Scores".to_string(), &exemption);
            let items: Vec<WithheldItem> = WITHHELD_WHAT
                .iter()
                .map(|what| item(what, "content/a.md", None, &notice))
                .collect();
            let (notice_again, items_again): (WithheldNotice, Vec<WithheldItem>) =
                thaw(&freeze(&(&notice, &items))).expect("thaws");
            assert_eq!(notice_again.covers, notice.covers);
            for (again, item) in items_again.iter().zip(&items) {
                assert_eq!(again.what, item.what);
            }
        }
        let mut unknown = item(
            "passage",
            "content/a.md",
            None,
            &notice(
                None,
                "x".into(),
                &parse_fence("::: exempt paragraph=1").unwrap(),
            ),
        );
        unknown.what = "image";
        assert!(thaw::<WithheldItem>(&freeze(&unknown)).is_none());
    }
}
