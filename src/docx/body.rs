//! The visible text of word/document.xml as blocks: paragraphs (with their
//! heading level, list numbering and exempt marking) and tables, made of
//! runs of text, line breaks and pictures.
//!
//! Fail closed: text is taken only from runs (`w:r`) in containers known to
//! show their content (paragraphs, hyperlinks, content controls, tracked
//! insertions, smart tags, fields' shown results). Tracked deletions and
//! moves away, hidden runs, runs whose colour cannot be seen against their
//! background (white text, a black bar over black text), field instructions
//! and every element not known to show text are left out, and counted
//! ([`Walked`]) so the summary can say what was left.

use std::collections::{BTreeMap, BTreeSet};

use super::styles::{Numbering, Styles, num_pr};
use super::xml::{Element, Node};

/// How a passage was marked exempt in Word; `paragraph` is the paragraph of
/// Schedule 12A when the marking says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExemptMark {
    pub paragraph: Option<u8>,
}

/// A run of text with its emphasis and link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(Run),
    Break,
    /// A picture, by its index in [`Walked::pictures`].
    Picture(usize),
}

/// How a numbered paragraph is numbered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbered {
    /// What Word shows before it: `3.`, `3.2`, `(b)`, or a bullet.
    pub label: String,
    /// 0 for the outermost level.
    pub level: u8,
    pub bullet: bool,
    /// A plain ordered list: a decimal number followed by `.` or `)`
    /// and nothing of the levels above it, with that number and delimiter.
    pub ordered: Option<(u32, char)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Para {
    pub inlines: Vec<Inline>,
    pub heading: Option<u8>,
    pub title: bool,
    pub caption: bool,
    pub number: Option<Numbered>,
    pub exempt: Option<ExemptMark>,
    /// 1-based, counting every paragraph of the body in order, table cells
    /// included: where a person finds it.
    pub index: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Rows of cells, each cell its paragraphs' inlines joined.
    pub rows: Vec<Vec<Vec<Inline>>>,
    pub exempt: Option<ExemptMark>,
    pub index: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Para(Para),
    Table(Table),
}

/// A picture in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// Its part (`word/media/image1.png`), when it is in the file.
    pub part: Option<String>,
    /// Its alt text (`wp:docPr descr`) and title, as Word has them.
    pub descr: String,
    pub title: String,
    pub exempt: bool,
    /// The paragraph it is in.
    pub index: usize,
}

/// What the walk found and left out, besides the blocks.
#[derive(Debug, Default)]
pub struct Walked {
    pub blocks: Vec<Block>,
    pub pictures: Vec<Picture>,
    /// Hidden runs (`w:vanish`, directly or by style) left out.
    pub hidden: usize,
    /// Runs whose colour could not be seen against their background.
    pub unseen: usize,
    /// Pictures hidden in Word (`wp:docPr hidden`), left out.
    pub hidden_pictures: usize,
    /// Pictures linked to a file outside the document, not fetched.
    pub linked_pictures: usize,
    /// Shapes, text boxes, charts, SmartArt and other drawings that are not
    /// pictures, left out.
    pub drawings: usize,
    /// Equations, left out.
    pub equations: usize,
    /// Links to somewhere other than a web page or email (a file on
    /// someone's computer), whose text is kept but not the link.
    pub links_dropped: usize,
    /// Lines of a table of contents, left out (the site makes its own).
    pub contents_lines: usize,
    /// Table rows deleted with tracked changes on, left out.
    pub deleted_rows: usize,
    /// Elements holding text that the importer does not know to be shown,
    /// left out, by local name.
    pub unknown: BTreeMap<String, usize>,
}

/// The relationships of document.xml: id -> (target, external).
pub type Rels = BTreeMap<String, (String, bool)>;

/// The state of a complex field (`w:fldChar`): in its instruction, or
/// showing its result (a link when it is a HYPERLINK field).
enum Field {
    Instruction(String),
    Result(Option<String>),
}

struct Walker<'a> {
    styles: &'a Styles,
    numbering: &'a mut Numbering,
    rels: &'a Rels,
    out: Walked,
    /// Exempt bookmarks open now: id -> paragraph.
    bookmarks: BTreeMap<String, Option<u8>>,
    paragraphs: usize,
}

/// What applies to the paragraph being read.
struct ParaState {
    style: Option<String>,
    exempt: Option<ExemptMark>,
    inlines: Vec<Inline>,
    link: Option<String>,
    fields: Vec<Field>,
    /// Background colours behind the paragraph (cell, then paragraph).
    background: Option<String>,
    index: usize,
    first_picture: usize,
}

/// Walks `document` (the root of word/document.xml).
pub fn walk(document: &Element, styles: &Styles, numbering: &mut Numbering, rels: &Rels) -> Walked {
    let mut walker = Walker {
        styles,
        numbering,
        rels,
        out: Walked::default(),
        bookmarks: BTreeMap::new(),
        paragraphs: 0,
    };
    if let Some(body) = document.child("body") {
        let mut blocks = Vec::new();
        walker.blocks(body, &mut blocks);
        walker.out.blocks = blocks;
    }
    walker.out
}

impl Walker<'_> {
    /// Block-level content: paragraphs, tables, and the containers that hold them.
    fn blocks(&mut self, parent: &Element, out: &mut Vec<Block>) {
        for e in parent.elements() {
            match e.name.as_str() {
                "p" => {
                    if let Some(p) = self.paragraph(e, None) {
                        out.push(Block::Para(p));
                    }
                }
                "tbl" => {
                    if let Some(t) = self.table(e) {
                        out.push(Block::Table(t));
                    }
                }
                // Shown content in a content control, a custom XML element,
                // a tracked insertion or move here, a smart tag.
                "sdt" => {
                    if let Some(content) = e.child("sdtContent") {
                        self.blocks(content, out);
                    }
                }
                "customXml" | "ins" | "moveTo" | "smartTag" => self.blocks(e, out),
                "bookmarkStart" | "bookmarkEnd" => self.bookmark(e, None),
                // Deleted, moved away, page layout, and parts counted elsewhere.
                "del" | "moveFrom" | "sectPr" | "altChunk" | "customXmlPr" | "sdtPr"
                | "sdtEndPr" | "commentRangeStart" | "commentRangeEnd" | "permStart"
                | "permEnd" | "proofErr" | "moveFromRangeStart" | "moveFromRangeEnd"
                | "moveToRangeStart" | "moveToRangeEnd" => {}
                "AlternateContent" => self.out.drawings += 1,
                "oMathPara" | "oMath" => self.out.equations += 1,
                other => self.unknown(other, e),
            }
        }
    }

    fn unknown(&mut self, name: &str, e: &Element) {
        if e.has_text() {
            *self.out.unknown.entry(name.to_string()).or_default() += 1;
        }
    }

    fn bookmark(&mut self, e: &Element, state: Option<&mut ParaState>) {
        let Some(id) = e.attr("id") else {
            return;
        };
        if e.name == "bookmarkStart" {
            let Some(mark) = e.attr("name").and_then(super::styles::exempt_name) else {
                return;
            };
            self.bookmarks.insert(id.to_string(), mark);
            if let Some(state) = state {
                mark_exempt(&mut state.exempt, mark);
            }
        } else {
            self.bookmarks.remove(id);
        }
    }

    /// An open exempt bookmark's marking, if any.
    fn open_bookmark(&self) -> Option<ExemptMark> {
        let mut mark = None;
        for p in self.bookmarks.values() {
            mark_exempt(&mut mark, *p);
        }
        mark
    }

    /// One paragraph, or `None` when it is a line of a table of contents.
    fn paragraph(&mut self, p: &Element, cell_background: Option<&str>) -> Option<Para> {
        self.paragraphs += 1;
        let ppr = p.child("pPr");
        let style = self
            .styles
            .paragraph_style(ppr.and_then(|p| p.val("pStyle")))
            .map(str::to_string);
        let style = style.as_deref();
        let mut exempt = self.open_bookmark();
        if let Some(mark) = self.styles.exempt(style) {
            mark_exempt(&mut exempt, mark);
        }
        let background = ppr
            .and_then(shading)
            .or(cell_background.map(str::to_string));
        let mut state = ParaState {
            style: style.map(str::to_string),
            exempt,
            inlines: Vec::new(),
            link: None,
            fields: Vec::new(),
            background,
            index: self.paragraphs,
            first_picture: self.out.pictures.len(),
        };
        self.inlines(p, &mut state);
        let exempt = state.exempt;
        for picture in &mut self.out.pictures[state.first_picture..] {
            picture.exempt = exempt.is_some();
        }
        if self.styles.is_contents(style) {
            self.out.contents_lines += 1;
            return None;
        }
        let heading = self.styles.heading(style).or_else(|| {
            ppr.and_then(|p| p.val("outlineLvl"))
                .and_then(|v| v.parse::<u8>().ok())
                .filter(|l| *l < 9)
                .map(|l| l + 1)
        });
        let direct = ppr.and_then(|p| p.child("numPr")).and_then(num_pr);
        let num = direct.or_else(|| self.styles.num(style));
        let number = num.and_then(|(id, level)| {
            let (lvl, label) = self.numbering.next(&id, level)?;
            let bullet = lvl.format == "bullet";
            let ordered = (lvl.format == "decimal")
                .then(|| {
                    let placeholder = format!("%{}", level + 1);
                    let delim = lvl.text.strip_prefix(&placeholder)?.chars().next()?;
                    let plain = lvl.text.len() == placeholder.len() + 1;
                    let number = label[..label.len() - 1].parse().ok()?;
                    (plain && matches!(delim, '.' | ')')).then_some((number, delim))
                })
                .flatten();
            (lvl.format != "none" || !label.trim().is_empty()).then_some(Numbered {
                label,
                level,
                bullet,
                ordered,
            })
        });
        Some(Para {
            inlines: state.inlines,
            heading,
            title: self.styles.is(style, "Title"),
            caption: self.styles.is(style, "Caption"),
            number,
            exempt,
            index: state.index,
        })
    }

    /// The children of a paragraph, or of a container inside one.
    fn inlines(&mut self, parent: &Element, state: &mut ParaState) {
        for e in parent.elements() {
            match e.name.as_str() {
                "r" => self.run(e, state),
                "ins" | "moveTo" | "smartTag" | "customXml" | "dir" | "bdo" => {
                    self.inlines(e, state)
                }
                "sdt" => {
                    if let Some(content) = e.child("sdtContent") {
                        self.inlines(content, state);
                    }
                }
                "hyperlink" => {
                    let url = e
                        .attr("id")
                        .and_then(|id| self.rels.get(id))
                        .filter(|(_, external)| *external)
                        .map(|(target, _)| target.clone());
                    let kept = url.filter(|u| web_link(u));
                    if e.attr("id").is_some() && kept.is_none() && e.has_text() {
                        self.out.links_dropped += 1;
                    }
                    let link = kept.or_else(|| state.link.clone());
                    let outer = std::mem::replace(&mut state.link, link);
                    self.inlines(e, state);
                    state.link = outer;
                }
                "fldSimple" => {
                    let url = e.attr("instr").and_then(hyperlink_field);
                    let kept = url.clone().filter(|u| web_link(u));
                    if url.is_some() && kept.is_none() {
                        self.out.links_dropped += 1;
                    }
                    let link = kept.or_else(|| state.link.clone());
                    let outer = std::mem::replace(&mut state.link, link);
                    self.inlines(e, state);
                    state.link = outer;
                }
                "bookmarkStart" | "bookmarkEnd" => self.bookmark(e, Some(state)),
                "pPr"
                | "del"
                | "moveFrom"
                | "proofErr"
                | "permStart"
                | "permEnd"
                | "commentRangeStart"
                | "commentRangeEnd"
                | "customXmlPr"
                | "sdtPr"
                | "sdtEndPr"
                | "moveFromRangeStart"
                | "moveFromRangeEnd"
                | "moveToRangeStart"
                | "moveToRangeEnd"
                | "lastRenderedPageBreak" => {}
                "AlternateContent" => self.out.drawings += 1,
                "oMath" | "oMathPara" => self.out.equations += 1,
                other => self.unknown(other, e),
            }
        }
    }

    fn run(&mut self, r: &Element, state: &mut ParaState) {
        let rpr = r.child("rPr");
        let flag = |name: &str| rpr.and_then(|p| p.flag(name));
        let style = rpr.and_then(|p| p.val("rStyle"));
        if let Some(mark) = self.styles.exempt(style) {
            mark_exempt(&mut state.exempt, mark);
        }
        let direct_hidden = ["vanish", "specVanish", "webHidden"]
            .iter()
            .filter_map(|n| flag(n))
            .collect::<Vec<_>>();
        let hidden = direct_hidden.contains(&true)
            || (direct_hidden.is_empty()
                && (self.styles.hides(style) || self.styles.hides(state.style.as_deref())));
        let unseen = rpr.is_some_and(|p| cannot_be_seen(p, state.background.as_deref()));
        let shows = !hidden && !unseen;
        let mut counted = false;
        let mut count = |out: &mut Walked| {
            if !counted {
                counted = true;
                if hidden {
                    out.hidden += 1;
                } else {
                    out.unseen += 1;
                }
            }
        };
        for e in r.elements() {
            // A field's instruction is never shown; its result is.
            let in_instruction = state
                .fields
                .iter()
                .any(|f| matches!(f, Field::Instruction(_)));
            match e.name.as_str() {
                "fldChar" => match e.attr("fldCharType") {
                    Some("begin") => state.fields.push(Field::Instruction(String::new())),
                    Some("separate") => {
                        if let Some(Field::Instruction(instr)) = state.fields.pop() {
                            let url = hyperlink_field(&instr);
                            let kept = url.clone().filter(|u| web_link(u));
                            if url.is_some() && kept.is_none() {
                                self.out.links_dropped += 1;
                            }
                            state.fields.push(Field::Result(kept));
                        }
                    }
                    Some("end") => {
                        state.fields.pop();
                    }
                    _ => {}
                },
                "instrText" => {
                    if let Some(Field::Instruction(instr)) = state.fields.last_mut() {
                        instr.push_str(&text_of(e));
                    }
                }
                _ if in_instruction => {}
                "rPr"
                | "delText"
                | "delInstrText"
                | "commentReference"
                | "annotationRef"
                | "footnoteReference"
                | "endnoteReference"
                | "footnoteRef"
                | "endnoteRef"
                | "separator"
                | "continuationSeparator"
                | "lastRenderedPageBreak"
                | "softHyphen"
                | "object"
                | "sym"
                | "fldData" => {}
                "t" => {
                    let text = text_of(e);
                    if text.is_empty() {
                        continue;
                    }
                    if !shows {
                        count(&mut self.out);
                        continue;
                    }
                    let link = state.link.clone().or_else(|| {
                        state.fields.iter().rev().find_map(|f| match f {
                            Field::Result(url) => url.clone(),
                            Field::Instruction(_) => None,
                        })
                    });
                    let bold = flag("b").unwrap_or(false);
                    let italic = flag("i").unwrap_or(false);
                    let strike = flag("strike").or(flag("dstrike")).unwrap_or(false);
                    push_text(&mut state.inlines, text, bold, italic, strike, link);
                }
                "tab" | "ptab" if shows => push_plain(&mut state.inlines, " "),
                "noBreakHyphen" if shows => push_plain(&mut state.inlines, "-"),
                "br" | "cr" if shows => {
                    if e.attr("type").is_none_or(|t| t == "textWrapping") {
                        state.inlines.push(Inline::Break);
                    }
                }
                "tab" | "ptab" | "noBreakHyphen" | "br" | "cr" => {}
                "drawing" => {
                    if shows {
                        self.drawing(e, state);
                    } else {
                        count(&mut self.out);
                    }
                }
                "pict" | "AlternateContent" => self.out.drawings += 1,
                other => self.unknown(other, e),
            }
        }
    }

    /// A `w:drawing`: a picture becomes an attachment; anything else is left out.
    fn drawing(&mut self, drawing: &Element, state: &mut ParaState) {
        for holder in drawing.elements() {
            let doc_pr = holder.child("docPr");
            if doc_pr
                .and_then(|d| d.attr("hidden"))
                .is_some_and(|h| h == "1" || h == "true")
            {
                self.out.hidden_pictures += 1;
                continue;
            }
            let Some(blip) = holder.find("pic").and_then(|p| p.find("blip")) else {
                self.out.drawings += 1;
                continue;
            };
            let part = match (blip.attr("embed"), blip.attr("link")) {
                (Some(id), _) => self
                    .rels
                    .get(id)
                    .filter(|(_, external)| !external)
                    .map(|(target, _)| target.clone()),
                _ => None,
            };
            if part.is_none() {
                self.out.linked_pictures += 1;
                continue;
            }
            let attr = |name: &str| {
                doc_pr
                    .and_then(|d| d.attr(name))
                    .unwrap_or_default()
                    .trim()
                    .to_string()
            };
            state.inlines.push(Inline::Picture(self.out.pictures.len()));
            self.out.pictures.push(Picture {
                part,
                descr: attr("descr"),
                title: attr("title"),
                exempt: false,
                index: state.index,
            });
        }
    }

    fn table(&mut self, tbl: &Element) -> Option<Table> {
        let index = self.paragraphs + 1;
        let first_picture = self.out.pictures.len();
        let mut exempt = self.open_bookmark();
        let mut rows = Vec::new();
        for tr in rows_of(tbl) {
            if tr
                .child("trPr")
                .is_some_and(|p| p.child("del").is_some() || p.child("moveFrom").is_some())
            {
                self.out.deleted_rows += 1;
                continue;
            }
            let mut row = Vec::new();
            for tc in cells_of(tr) {
                let tcpr = tc.child("tcPr");
                // A cell merged into the one above shows nothing of its own.
                let continued = tcpr
                    .and_then(|p| p.child("vMerge"))
                    .is_some_and(|m| m.attr("val").is_none_or(|v| v == "continue"));
                let span: usize = tcpr
                    .and_then(|p| p.val("gridSpan"))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                let background = tcpr.and_then(shading);
                let mut cell: Vec<Inline> = Vec::new();
                self.cell(tc, background.as_deref(), &mut cell, &mut exempt);
                if continued {
                    cell.clear();
                }
                row.push(cell);
                row.extend(std::iter::repeat_n(Vec::new(), span - 1));
            }
            rows.push(row);
        }
        if let Some(mark) = self.open_bookmark() {
            mark_exempt(&mut exempt, mark.paragraph);
        }
        // A table is withheld whole, pictures in its unmarked cells too.
        if exempt.is_some() {
            for picture in &mut self.out.pictures[first_picture..] {
                picture.exempt = true;
            }
        }
        if rows.is_empty() {
            return None;
        }
        Some(Table {
            rows,
            exempt,
            index,
        })
    }

    /// A cell's paragraphs (and nested tables' text), joined with spaces.
    fn cell(
        &mut self,
        parent: &Element,
        background: Option<&str>,
        cell: &mut Vec<Inline>,
        exempt: &mut Option<ExemptMark>,
    ) {
        for e in parent.elements() {
            match e.name.as_str() {
                "p" => {
                    if let Some(p) = self.paragraph(e, background) {
                        if let Some(mark) = p.exempt {
                            mark_exempt(exempt, mark.paragraph);
                        }
                        if !cell.is_empty() && !p.inlines.is_empty() {
                            push_plain(cell, " ");
                        }
                        if let Some(n) = &p.number {
                            if !n.bullet && !n.label.trim().is_empty() {
                                push_plain(cell, &format!("{} ", n.label.trim()));
                            }
                        }
                        cell.extend(p.inlines.into_iter().map(|i| match i {
                            Inline::Break => Inline::Text(plain(" ")),
                            other => other,
                        }));
                    }
                }
                "tbl" => {
                    if let Some(t) = self.table(e) {
                        if let Some(mark) = t.exempt {
                            mark_exempt(exempt, mark.paragraph);
                        }
                        for row in t.rows {
                            for c in row {
                                if !cell.is_empty() && !c.is_empty() {
                                    push_plain(cell, " ");
                                }
                                cell.extend(c);
                            }
                        }
                    }
                }
                "sdt" => {
                    if let Some(content) = e.child("sdtContent") {
                        self.cell(content, background, cell, exempt);
                    }
                }
                "customXml" | "ins" | "moveTo" | "smartTag" => {
                    self.cell(e, background, cell, exempt)
                }
                "bookmarkStart" | "bookmarkEnd" => {
                    self.bookmark(e, None);
                    if let Some(mark) = self.open_bookmark() {
                        mark_exempt(exempt, mark.paragraph);
                    }
                }
                "tcPr" | "del" | "moveFrom" | "customXmlPr" | "sdtPr" | "sdtEndPr"
                | "commentRangeStart" | "commentRangeEnd" | "permStart" | "permEnd"
                | "proofErr" => {}
                "AlternateContent" => self.out.drawings += 1,
                other => self.unknown(other, e),
            }
        }
    }
}

/// The rows of a table, through content controls and custom XML around them.
fn rows_of(tbl: &Element) -> Vec<&Element> {
    let mut rows = Vec::new();
    fn collect<'a>(e: &'a Element, rows: &mut Vec<&'a Element>) {
        for c in e.elements() {
            match c.name.as_str() {
                "tr" => rows.push(c),
                "sdt" => {
                    if let Some(content) = c.child("sdtContent") {
                        collect(content, rows);
                    }
                }
                "customXml" | "ins" | "moveTo" => collect(c, rows),
                _ => {}
            }
        }
    }
    collect(tbl, &mut rows);
    rows
}

fn cells_of(tr: &Element) -> Vec<&Element> {
    let mut cells = Vec::new();
    fn collect<'a>(e: &'a Element, cells: &mut Vec<&'a Element>) {
        for c in e.elements() {
            match c.name.as_str() {
                "tc" => cells.push(c),
                "sdt" => {
                    if let Some(content) = c.child("sdtContent") {
                        collect(content, cells);
                    }
                }
                "customXml" | "ins" | "moveTo" => collect(c, cells),
                _ => {}
            }
        }
    }
    collect(tr, &mut cells);
    cells
}

/// Combines two exempt markings: a paragraph number given by either wins.
fn mark_exempt(mark: &mut Option<ExemptMark>, paragraph: Option<u8>) {
    match mark {
        Some(m) => m.paragraph = m.paragraph.or(paragraph),
        None => *mark = Some(ExemptMark { paragraph }),
    }
}

/// The text directly in an element (`w:t`, `w:instrText`).
fn text_of(e: &Element) -> String {
    e.children
        .iter()
        .filter_map(|n| match n {
            Node::Text(t) => Some(t.as_str()),
            Node::Element(_) => None,
        })
        .collect()
}

fn plain(text: &str) -> Run {
    Run {
        text: text.to_string(),
        bold: false,
        italic: false,
        strike: false,
        link: None,
    }
}

/// Adds plain text (a tab as a space) to the last run when it can.
fn push_plain(inlines: &mut Vec<Inline>, text: &str) {
    match inlines.last_mut() {
        Some(Inline::Text(run)) => run.text.push_str(text),
        _ => inlines.push(Inline::Text(plain(text))),
    }
}

/// Adds a run, joined to the one before when it looks the same.
fn push_text(
    inlines: &mut Vec<Inline>,
    text: String,
    bold: bool,
    italic: bool,
    strike: bool,
    link: Option<String>,
) {
    if let Some(Inline::Text(last)) = inlines.last_mut() {
        if last.bold == bold && last.italic == italic && last.strike == strike && last.link == link
        {
            last.text.push_str(&text);
            return;
        }
    }
    inlines.push(Inline::Text(Run {
        text,
        bold,
        italic,
        strike,
        link,
    }));
}

/// The URL of a `HYPERLINK "..."` field instruction (not its `\l` bookmark form).
fn hyperlink_field(instr: &str) -> Option<String> {
    let rest = instr.trim_start().strip_prefix("HYPERLINK")?.trim_start();
    if rest.starts_with('\\') {
        return None;
    }
    let url = match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next()?,
        None => rest.split_whitespace().next()?,
    };
    (!url.is_empty()).then(|| url.to_string())
}

/// Links the site may keep: web pages and email addresses. A link to a file
/// (`file:///C:/Users/...`) would publish a path from someone's computer.
fn web_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

/// The background colour a `w:shd` of `pr` (a paragraph's or cell's
/// properties) paints, as hex, when it paints one.
fn shading(pr: &Element) -> Option<String> {
    let fill = pr.child("shd")?.attr("fill")?;
    (fill != "auto").then(|| fill.to_string())
}

/// Word's highlight colours.
fn highlight(name: &str) -> Option<&'static str> {
    Some(match name {
        "black" => "000000",
        "blue" => "0000FF",
        "cyan" => "00FFFF",
        "green" => "00FF00",
        "magenta" => "FF00FF",
        "red" => "FF0000",
        "yellow" => "FFFF00",
        "white" => "FFFFFF",
        "darkBlue" => "000080",
        "darkCyan" => "008080",
        "darkGreen" => "008000",
        "darkMagenta" => "800080",
        "darkRed" => "800000",
        "darkYellow" => "808000",
        "darkGray" => "808080",
        "lightGray" => "C0C0C0",
        _ => return None,
    })
}

/// Whether a run's text colour cannot be told from what is behind it
/// (contrast under 1.5:1): white text on the page, or text under a bar of
/// its own colour, as when a report is "redacted" by highlighting in black.
/// Word's automatic colour always shows.
fn cannot_be_seen(rpr: &Element, background: Option<&str>) -> bool {
    let colour = |hex: &str| crate::contrast::parse_colour(&format!("#{hex}"));
    let text = match (
        rpr.val("color"),
        rpr.child("color").and_then(|c| c.attr("themeColor")),
    ) {
        (_, Some("background1" | "light1")) => Some(crate::contrast::Rgb(255, 255, 255)),
        (Some(hex), _) if hex != "auto" => colour(hex),
        _ => None,
    };
    let Some(text) = text else {
        return false;
    };
    let behind = rpr
        .val("highlight")
        .and_then(highlight)
        .map(str::to_string)
        .or_else(|| shading(rpr))
        .or(background.map(str::to_string))
        .and_then(|hex| colour(&hex))
        .unwrap_or(crate::contrast::Rgb(255, 255, 255));
    crate::contrast::ratio(text, behind) < 1.5
}

/// Elements below `root` named in `names`, counted.
pub fn count(root: &Element, names: &[&str]) -> usize {
    root.elements()
        .map(|e| usize::from(names.contains(&e.name.as_str())) + count(e, names))
        .sum()
}

/// The `w:id`s of elements below `root` named in `names`.
pub fn ids(root: &Element, names: &[&str], out: &mut BTreeSet<String>) {
    for e in root.elements() {
        if names.contains(&e.name.as_str()) {
            if let Some(id) = e.attr("id") {
                out.insert(id.to_string());
            }
        }
        ids(e, names, out);
    }
}
