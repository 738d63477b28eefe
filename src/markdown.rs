//! Public Markdown to HTML, with the checks that keep pages accessible.
//!
//! Only [`visibility::Markdown`] reaches this module, so only public text is
//! ever rendered. Rules enforced here, each with its WCAG 2.2 criterion:
//! - headings start at level 2 and never skip a level (1.3.1 Info and Relationships);
//! - every table has a caption, from a `Table N: ...` paragraph just before it,
//!   and numeric columns are right-aligned (1.3.1);
//! - link text makes sense out of context (2.4.4 Link Purpose);
//! - images have alt text, or are marked decorative with the title "decorative" (1.1.1);
//! - raw HTML is refused: comments and hidden markup are a leak route.
//!
//! It also explains the site's own words: the first use on a page of each
//! glossary term links to its plain meaning on the glossary page, and an
//! abbreviation's first use gets `<abbr title="...">` (WCAG 2.2 3.1.3 Unusual
//! Words and 3.1.4 Abbreviations, both AAA, cheap to meet here). Only text
//! events are touched, never links, headings, code, image descriptions or
//! captions, so no link is ever nested and no heading changes.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use pulldown_cmark::{
    Alignment, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::slug::slugify;
use crate::visibility::{Block, Markdown, WithheldNotice};

/// What this module enforces, in plain words, for the accessibility statement.
pub const RULES: &[crate::diagnostics::Rule] = &[
    crate::diagnostics::Rule {
        what: "each page has one main heading, and headings in the text never skip a level",
        wcag: "1.3.1 Info and Relationships, 2.4.6 Headings and Labels",
    },
    crate::diagnostics::Rule {
        what: "every table has a caption, and columns of numbers line up on the right",
        wcag: "1.3.1 Info and Relationships",
    },
    crate::diagnostics::Rule {
        what: "every image has a text description, or is marked as decorative",
        wcag: "1.1.1 Non-text Content",
    },
    crate::diagnostics::Rule {
        what: "link text says where the link goes: no \"click here\" and no bare web addresses",
        wcag: "2.4.4 Link Purpose (In Context)",
    },
    crate::diagnostics::Rule {
        what: "no raw HTML in the text, so every page uses the site's tested markup",
        wcag: "4.1.2 Name, Role, Value",
    },
];

/// Rendered Markdown: HTML blocks, with withheld-passage notices between them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Rendered {
    pub blocks: Vec<RenderedBlock>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct RenderedBlock {
    pub html: Option<String>,
    pub notice: Option<WithheldNotice>,
    /// The notice's id on its page, where the page links to it (the
    /// decision page's "part exempt" flag does).
    pub anchor: Option<String>,
}

/// How links that start with `/` are made relative to the page (`../../`),
/// and which page's glossary links this text belongs to.
pub struct Context<'a> {
    pub root: &'a str,
    /// The page's address, so each glossary term is linked once per page.
    pub page: &'a str,
    pub glossary: Option<&'a Glossary>,
}

/// One word or phrase from `data/glossary.csv`.
#[derive(Debug, Clone)]
struct GlossaryTerm {
    /// `slug::slugify(term)`: the entry's id on the glossary page.
    id: String,
    term: String,
    abbreviation: Option<String>,
}

/// What to look for in text: a term (matched ignoring ASCII case) or an
/// abbreviation (matched exactly, or "MADE" would match "made").
#[derive(Debug, Clone)]
struct Pattern {
    text: String,
    entry: usize,
    abbreviation: bool,
}

/// Whether a word starts at byte `i` of `text`.
fn word_start(text: &str, i: usize) -> bool {
    text.is_char_boundary(i)
        && (i == 0
            || !text[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric))
}

/// `p` found at byte `i` of `text`, as a whole word (or with a plural `s`),
/// if it is there.
fn matched_at(text: &str, i: usize, p: &Pattern) -> Option<Match> {
    let alnum_at = |i: usize| text[i..].chars().next().is_some_and(char::is_alphanumeric);
    let candidate = text.get(i..i + p.text.len())?;
    let same = if p.abbreviation {
        candidate == p.text
    } else {
        candidate.eq_ignore_ascii_case(&p.text)
    };
    if !same {
        return None;
    }
    let mut end = i + p.text.len();
    if text.as_bytes().get(end) == Some(&b's') && (end + 1 >= text.len() || !alnum_at(end + 1)) {
        end += 1;
    }
    if end < text.len() && alnum_at(end) {
        return None;
    }
    Some(Match {
        start: i,
        end,
        entry: p.entry,
        abbreviation: p.abbreviation,
    })
}

/// The site's glossary, ready to find its terms in text.
#[derive(Debug)]
pub struct Glossary {
    terms: Vec<GlossaryTerm>,
    /// Longest first, then alphabetical: deterministic, and "Key decision"
    /// wins over any shorter term inside it.
    patterns: Vec<Pattern>,
    /// Every pattern at once, ignoring ASCII case, in `patterns`' order (a
    /// pattern's id is its place there): text is read once, not tried
    /// against each pattern at each word. `None` only if the automaton
    /// could not be built; then each pattern is tried in turn.
    automaton: Option<aho_corasick::AhoCorasick>,
    /// For each page, the (entry, is-abbreviation) pairs already explained.
    used: Mutex<BTreeMap<String, BTreeSet<(usize, bool)>>>,
}

/// A glossary match in a piece of text, by byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Match {
    start: usize,
    end: usize,
    entry: usize,
    abbreviation: bool,
}

impl Glossary {
    /// The glossary of a site (`data/glossary.csv`), if it has one.
    pub fn from_site(site: &crate::visibility::PublicSite) -> Option<Glossary> {
        let ds = site.dataset("glossary")?;
        let term = ds.column_index("term")?;
        let abbreviation = ds.column_index("abbreviation");
        Some(Glossary::new(ds.rows().iter().map(|row| {
            (
                row[term].clone(),
                abbreviation
                    .map(|i| row[i].trim().to_string())
                    .filter(|a| !a.is_empty()),
            )
        })))
    }

    fn new(rows: impl Iterator<Item = (String, Option<String>)>) -> Glossary {
        let terms: Vec<GlossaryTerm> = rows
            .filter(|(t, _)| !t.trim().is_empty())
            .map(|(term, abbreviation)| GlossaryTerm {
                id: slugify(&term),
                term: term.trim().to_string(),
                abbreviation,
            })
            .collect();
        let mut patterns = Vec::new();
        for (entry, t) in terms.iter().enumerate() {
            patterns.push(Pattern {
                text: t.term.clone(),
                entry,
                abbreviation: false,
            });
            if let Some(a) = &t.abbreviation {
                patterns.push(Pattern {
                    text: a.clone(),
                    entry,
                    abbreviation: true,
                });
            }
        }
        patterns.sort_by(|a, b| {
            b.text
                .len()
                .cmp(&a.text.len())
                .then_with(|| a.text.cmp(&b.text))
                .then_with(|| a.abbreviation.cmp(&b.abbreviation))
        });
        let automaton = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::Standard)
            .build(patterns.iter().map(|p| &p.text))
            .ok();
        Glossary {
            terms,
            patterns,
            automaton,
            used: Mutex::new(BTreeMap::new()),
        }
    }

    /// Non-overlapping matches, longest first at each word start. A term may
    /// take a plural `s` ("Cabinet Members").
    ///
    /// Every place any pattern occurs (ignoring ASCII case) is found in one
    /// pass; then, as [`Glossary::find_each`] does, a place that starts a
    /// word and is not inside the last match takes the first pattern, in
    /// `patterns`' order, that matches there and ends a word. The two give
    /// the same matches (a test compares them on random text).
    fn find(&self, text: &str) -> Vec<Match> {
        let Some(automaton) = &self.automaton else {
            return self.find_each(text);
        };
        let mut hits: Vec<(usize, usize)> = automaton
            .find_overlapping_iter(text)
            .map(|m| (m.start(), m.pattern().as_usize()))
            .collect();
        hits.sort_unstable();
        let mut out = Vec::new();
        let mut from = 0;
        let mut k = 0;
        while k < hits.len() {
            let start = hits[k].0;
            let group = hits[k..].iter().take_while(|h| h.0 == start).count();
            let candidates = &hits[k..k + group];
            k += group;
            if start < from || !word_start(text, start) {
                continue;
            }
            for &(_, id) in candidates {
                let p = &self.patterns[id];
                if let Some(m) = matched_at(text, start, p) {
                    from = m.end;
                    out.push(m);
                    break;
                }
            }
        }
        out
    }

    /// [`Glossary::find`], trying each pattern in turn at each word start.
    fn find_each(&self, text: &str) -> Vec<Match> {
        let mut out = Vec::new();
        let bytes = text.as_bytes();
        let alnum_at = |i: usize| text[i..].chars().next().is_some_and(char::is_alphanumeric);
        let mut i = 0;
        while i < text.len() {
            let word_start = text.is_char_boundary(i)
                && (i == 0
                    || !text[..i]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphanumeric));
            let mut advanced = false;
            if word_start {
                for p in &self.patterns {
                    let Some(candidate) = text.get(i..i + p.text.len()) else {
                        continue;
                    };
                    let same = if p.abbreviation {
                        candidate == p.text
                    } else {
                        candidate.eq_ignore_ascii_case(&p.text)
                    };
                    if !same {
                        continue;
                    }
                    let mut end = i + p.text.len();
                    if bytes.get(end) == Some(&b's')
                        && (end + 1 >= text.len() || !alnum_at(end + 1))
                    {
                        end += 1;
                    }
                    if end < text.len() && alnum_at(end) {
                        continue;
                    }
                    out.push(Match {
                        start: i,
                        end,
                        entry: p.entry,
                        abbreviation: p.abbreviation,
                    });
                    i = end;
                    advanced = true;
                    break;
                }
            }
            if !advanced {
                i += text[i..].chars().next().map_or(1, char::len_utf8);
            }
        }
        out
    }

    /// `text` as HTML, with the first use on `page` of each term linked and
    /// each abbreviation expanded. `None` when nothing changed.
    fn link(&self, text: &str, page: &str, root: &str) -> Option<String> {
        let matches = self.find(text);
        if matches.is_empty() {
            return None;
        }
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let used = used.entry(page.to_string()).or_default();
        let mut html = String::new();
        let mut last = 0;
        let mut changed = false;
        for m in matches {
            let term = &self.terms[m.entry];
            let shown = &text[m.start..m.end];
            let href = format!("{root}glossary/#{}", term.id);
            let piece = if m.abbreviation {
                if !used.insert((m.entry, true)) {
                    continue;
                }
                let abbr = format!(
                    "<abbr title=\"{}\">{}</abbr>",
                    escape_attribute(&term.term),
                    escape_text(shown)
                );
                // The abbreviation explains the term too when it comes first.
                if used.insert((m.entry, false)) {
                    format!("<a href=\"{}\">{abbr}</a>", escape_attribute(&href))
                } else {
                    abbr
                }
            } else {
                if !used.insert((m.entry, false)) {
                    continue;
                }
                format!(
                    "<a href=\"{}\">{}</a>",
                    escape_attribute(&href),
                    escape_text(shown)
                )
            };
            html.push_str(&escape_text(&text[last..m.start]));
            html.push_str(&piece);
            last = m.end;
            changed = true;
        }
        html.push_str(&escape_text(&text[last..]));
        changed.then_some(html)
    }

    /// Terms (by their glossary spelling) that `all` uses but `linkable`,
    /// the text where links may go, never does: nothing on the page explains them.
    pub fn unexplained(&self, all: &str, linkable: &str) -> Vec<String> {
        let used: BTreeSet<usize> = self.find(all).iter().map(|m| m.entry).collect();
        let explained: BTreeSet<usize> = self.find(linkable).iter().map(|m| m.entry).collect();
        used.difference(&explained)
            .map(|&e| self.terms[e].term.clone())
            .collect()
    }

    /// Whether `acronym` is a glossary abbreviation or part of one ("PCR" of "PCR 2015").
    pub fn knows_abbreviation(&self, acronym: &str) -> bool {
        self.terms.iter().any(|t| {
            t.abbreviation
                .as_deref()
                .is_some_and(|a| a.split_whitespace().any(|w| w == acronym))
        })
    }
}

/// Text as pulldown-cmark escapes body text.
fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn escape_attribute(text: &str) -> String {
    escape_text(text).replace('"', "&quot;")
}

/// For each event, whether its text is out of bounds for glossary links:
/// inside a link, image, heading or code block, or a table caption paragraph.
fn protected(events: &[(Event, std::ops::Range<usize>)]) -> Vec<bool> {
    let mut out = vec![false; events.len()];
    let mut depth = 0usize;
    let mut caption_until = None;
    for (i, (event, _)) in events.iter().enumerate() {
        if let Event::Start(Tag::Paragraph) = event {
            if caption_follows(events, i) {
                caption_until = events[i..]
                    .iter()
                    .position(|(e, _)| matches!(e, Event::End(TagEnd::Paragraph)))
                    .map(|p| i + p);
            }
        }
        match event {
            Event::Start(
                Tag::Link { .. } | Tag::Image { .. } | Tag::Heading { .. } | Tag::CodeBlock(_),
            ) => depth += 1,
            Event::End(TagEnd::Link | TagEnd::Image | TagEnd::Heading(_) | TagEnd::CodeBlock) => {
                depth = depth.saturating_sub(1)
            }
            _ => {}
        }
        out[i] = depth > 0 || caption_until.is_some_and(|end| i <= end);
    }
    out
}

/// The text of some Markdown, and the part of it where glossary links may go.
pub fn glossary_text(text: &str) -> (String, String) {
    let events: Vec<(Event, std::ops::Range<usize>)> =
        Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
            .into_offset_iter()
            .collect();
    let protected = protected(&events);
    let mut all = String::new();
    let mut linkable = String::new();
    for (i, (event, _)) in events.iter().enumerate() {
        match event {
            Event::Text(t) | Event::Code(t) => {
                all.push_str(t);
                if !protected[i] && matches!(event, Event::Text(_)) {
                    linkable.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak | Event::End(_) => {
                all.push(' ');
                linkable.push(' ');
            }
            _ => {}
        }
    }
    (all, linkable)
}

/// The words of public Markdown as a reader sees them (text and code; block
/// ends and line breaks as spaces), for the search index. A withheld passage
/// leaves nothing: only its notice is public, and that is on the page.
pub fn words(markdown: &Markdown) -> String {
    let mut out = String::new();
    for block in markdown.blocks() {
        if let crate::visibility::Block::Text(text) = block {
            out.push_str(glossary_text(text.markdown()).0.trim());
            out.push(' ');
        }
    }
    out.truncate(out.trim_end().len());
    out
}

pub fn render(markdown: &Markdown, context: &Context, diagnostics: &mut Diagnostics) -> Rendered {
    let mut ids = BTreeSet::new();
    let blocks = markdown
        .blocks()
        .iter()
        .map(|block| match block {
            Block::Text(text) => RenderedBlock {
                html: Some(render_text(
                    markdown.path(),
                    text.markdown(),
                    text.first_line(),
                    context,
                    &mut ids,
                    diagnostics,
                )),
                notice: None,
                anchor: None,
            },
            Block::Withheld(notice) => RenderedBlock {
                html: None,
                notice: Some(WithheldNotice::clone(notice)),
                anchor: None,
            },
        })
        .collect();
    Rendered { blocks }
}

/// Renders Markdown from a short field (a summary, a reason) with the same rules.
pub fn render_field(
    path: &str,
    text: &str,
    context: &Context,
    diagnostics: &mut Diagnostics,
) -> String {
    render_text(path, text, 0, context, &mut BTreeSet::new(), diagnostics)
}

const VAGUE_LINK_TEXT: &[&str] = &[
    "click here",
    "here",
    "read more",
    "more",
    "link",
    "this link",
    "this page",
    "click",
    "find out more",
    "more information",
];

/// A heading at level `n` after one at `last_level`: the page title is the
/// only level 1, and no level is skipped.
fn heading_problem(path: &str, n: usize, last_level: usize) -> Option<Diagnostic> {
    if n == 1 {
        Some(
            Diagnostic::error(path, "a level-1 heading (`#`) in the body")
                .help("the page title is the only level-1 heading; start body headings at `##`"),
        )
    } else if n > last_level + 1 {
        Some(
            Diagnostic::error(
                path,
                format!("this heading skips from level {last_level} to level {n}"),
            )
            .help(format!(
                "use level {} (`{}`) here; skipped levels confuse screen-reader navigation",
                last_level + 1,
                "#".repeat(last_level + 1)
            )),
        )
    } else {
        None
    }
}

/// Link text that does not say where the link goes, or is a bare address.
fn link_text_problem(path: &str, text: &str, link_type: LinkType) -> Option<Diagnostic> {
    let trimmed = text.trim().trim_end_matches('.').to_lowercase();
    if VAGUE_LINK_TEXT.contains(&trimmed.as_str()) {
        Some(
            Diagnostic::error(
                path,
                format!(
                    "the link text \"{}\" does not say where the link goes",
                    text.trim()
                ),
            )
            .help(
                "use words that make sense on their own, like \"the procurement timetable (CSV)\"",
            ),
        )
    } else if matches!(link_type, LinkType::Autolink | LinkType::Email)
        || trimmed.starts_with("http")
        || trimmed.starts_with("www.")
    {
        Some(
            Diagnostic::error(path, "a bare web address is used as link text")
                .help("write `[what the page is](https://...)`: screen readers read addresses out letter by letter"),
        )
    } else {
        None
    }
}

/// An image with no alternative text that is not marked decorative.
fn no_alt_text(path: &str) -> Diagnostic {
    Diagnostic::error(path, "this image has no alternative text")
        .help("describe it: `![What the chart shows](chart.png)`; if it is purely decorative write `![](file.png \"decorative\")`")
}

/// One Markdown text as HTML, checked as it is rendered. One pass over
/// the parser's events, in reading order, each arm rewriting or checking
/// one kind of event (headings get ids and their levels checked, a
/// `Table N:` paragraph becomes the next table's caption, links and images
/// are checked and made relative, glossary terms are linked where first
/// read). It is long because the arms share that order and the heading
/// level so far; the checks themselves are functions of their own above.
fn render_text(
    path: &str,
    text: &str,
    first_line: usize,
    context: &Context,
    ids: &mut BTreeSet<String>,
    diagnostics: &mut Diagnostics,
) -> String {
    let position = |offset: usize| {
        if first_line == 0 {
            Position::default()
        } else {
            let p = Position::of_offset(text, offset);
            Position {
                line: first_line + p.line - 1,
                column: p.column,
            }
        }
    };
    let events: Vec<(Event, std::ops::Range<usize>)> =
        Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
            .into_offset_iter()
            .collect();

    let protected = protected(&events);
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut last_level = 1;
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                diagnostics.push(
                    Diagnostic::error(path, "raw HTML is not allowed in content")
                        .at(position(range.start))
                        .help("write it in Markdown; HTML (and especially `<!-- comments -->`) can hide text that should not be published"),
                );
            }
            Event::Start(Tag::Heading { level, .. }) => {
                let n = heading_number(*level);
                if let Some(d) = heading_problem(path, n, last_level) {
                    diagnostics.push(d.at(position(range.start)));
                }
                last_level = n;
                let heading_text = plain_text_until_end(&events[i + 1..]);
                let id = unique_id(&slugify(&heading_text), ids);
                out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(id)),
                    classes: vec![],
                    attrs: vec![],
                }));
            }
            Event::Start(Tag::Paragraph) if caption_follows(&events, i) => {
                // A `Table N: ...` paragraph becomes the next table's caption.
                let end = events[i..]
                    .iter()
                    .position(|(e, _)| matches!(e, Event::End(TagEnd::Paragraph)))
                    .map(|p| i + p)
                    .unwrap_or(i);
                let mut caption = String::new();
                pulldown_cmark::html::push_html(
                    &mut caption,
                    events[i + 1..end].iter().map(|(e, _)| e.clone()),
                );
                let (Event::Start(Tag::Table(alignments)), _) = &events[end + 1] else {
                    unreachable!()
                };
                let alignments = align_numeric(&events[end + 1..], alignments);
                let label = plain_text_until_end(&events[i + 1..]);
                out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"table-wrap\" role=\"region\" aria-label=\"{}\" tabindex=\"0\">",
                    label
                        .trim()
                        .replace('&', "&amp;")
                        .replace('"', "&quot;")
                        .replace('<', "&lt;")
                ))));
                out.push(Event::Start(Tag::Table(alignments)));
                out.push(Event::Html(CowStr::from(format!(
                    "<caption>{caption}</caption>"
                ))));
                i = end + 2;
                continue;
            }
            Event::Start(Tag::Table(alignments)) => {
                diagnostics.push(
                    Diagnostic::error(path, "this table has no caption")
                        .at(position(range.start))
                        .help("put a paragraph like `Table 1: Procurement timetable` on the line before the table, followed by a blank line"),
                );
                out.push(Event::Html(CowStr::from("<div class=\"table-wrap\">")));
                out.push(Event::Start(Tag::Table(align_numeric(
                    &events[i..],
                    alignments,
                ))));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html(CowStr::from("</div>\n")));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let text = plain_text_until_end(&events[i + 1..]);
                if let Some(d) = link_text_problem(path, &text, *link_type) {
                    diagnostics.push(d.at(position(range.start)));
                }
                out.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: relative(dest_url, context),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let alt = plain_text_until_end(&events[i + 1..]);
                if alt.trim().is_empty() && title.as_ref() != "decorative" {
                    diagnostics.push(no_alt_text(path).at(position(range.start)));
                }
                let title = if title.as_ref() == "decorative" {
                    CowStr::from("")
                } else {
                    title.clone()
                };
                out.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: relative(dest_url, context),
                    title,
                    id: id.clone(),
                }));
            }
            Event::Text(_) if !protected[i] && context.glossary.is_some() => {
                // Adjacent text events (split by the parser) are joined so a
                // phrase is found whole.
                let mut text = String::new();
                let mut j = i;
                while let Some((Event::Text(t), _)) = events.get(j) {
                    text.push_str(t);
                    j += 1;
                }
                let glossary = context.glossary.expect("checked");
                match glossary.link(&text, context.page, context.root) {
                    Some(html) => out.push(Event::InlineHtml(CowStr::from(html))),
                    None => out.push(Event::Text(CowStr::from(text))),
                }
                i = j;
                continue;
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    html
}

fn heading_number(level: HeadingLevel) -> usize {
    level as usize
}

fn caption_follows(events: &[(Event, std::ops::Range<usize>)], i: usize) -> bool {
    let Some(end) = events[i..]
        .iter()
        .position(|(e, _)| matches!(e, Event::End(TagEnd::Paragraph)))
    else {
        return false;
    };
    let end = i + end;
    if !matches!(events.get(end + 1), Some((Event::Start(Tag::Table(_)), _))) {
        return false;
    }
    let text = plain_text_until_end(&events[i + 1..]);
    is_caption(&text)
}

/// `Table 1: ...` or `Table 1. ...`.
pub fn is_caption(text: &str) -> bool {
    let Some(rest) = text.trim().strip_prefix("Table ") else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && matches!(rest[digits..].chars().next(), Some(':' | '.'))
}

/// Right-aligns columns whose every body cell is a number or an amount (£1,000, 12%).
fn align_numeric(
    events: &[(Event, std::ops::Range<usize>)],
    alignments: &[Alignment],
) -> Vec<Alignment> {
    let mut numeric = vec![true; alignments.len()];
    let mut seen = vec![false; alignments.len()];
    let mut in_head = false;
    let mut column = 0;
    let mut cell = String::new();
    for (event, _) in events.iter().skip(1) {
        match event {
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => column = 0,
            Event::Start(Tag::TableCell) => cell.clear(),
            Event::Text(t) | Event::Code(t) => cell.push_str(t),
            Event::End(TagEnd::TableCell) => {
                if !in_head && column < numeric.len() {
                    let c = cell.trim();
                    if !c.is_empty() {
                        seen[column] = true;
                        numeric[column] &= looks_numeric(c);
                    }
                }
                column += 1;
            }
            Event::End(TagEnd::Table) => break,
            _ => {}
        }
    }
    alignments
        .iter()
        .enumerate()
        .map(|(i, a)| {
            if *a == Alignment::None && numeric[i] && seen[i] {
                Alignment::Right
            } else {
                *a
            }
        })
        .collect()
}

fn looks_numeric(cell: &str) -> bool {
    let core = cell
        .trim_start_matches(['£', '-', '−'])
        .trim_end_matches('%');
    !core.is_empty()
        && core.starts_with(|c: char| c.is_ascii_digit())
        && core
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

fn plain_text_until_end(events: &[(Event, std::ops::Range<usize>)]) -> String {
    let mut depth = 0;
    let mut text = String::new();
    for (event, _) in events {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

fn unique_id(base: &str, ids: &mut BTreeSet<String>) -> String {
    let mut id = base.to_string();
    let mut n = 2;
    while !ids.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// Makes a site-absolute link (`/accessibility/`) relative to the page.
fn relative<'a>(url: &CowStr<'a>, context: &Context) -> CowStr<'a> {
    match url.strip_prefix('/') {
        Some(rest) if !rest.starts_with('/') => CowStr::from(format!("{}{rest}", context.root)),
        _ => url.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(text: &str) -> (String, Vec<Diagnostic>) {
        let mut d = Diagnostics::default();
        let out = render_text(
            "x.md",
            text,
            1,
            &Context {
                root: "../",
                page: "x/",
                glossary: None,
            },
            &mut BTreeSet::new(),
            &mut d,
        );
        (out, d.into_sorted())
    }

    #[test]
    fn caption_and_numeric_alignment() {
        let (out, d) =
            html("Table 1: Spend\n\n| Group | Forecast |\n|---|---|\n| Adults | £7,392,400 |\n");
        assert!(d.is_empty(), "{d:?}");
        assert!(
            out.starts_with("<div class=\"table-wrap\" role=\"region\" aria-label=\"Table 1: Spend\" tabindex=\"0\"><table><caption>Table 1: Spend</caption>"),
            "{out}"
        );
        assert!(out.trim_end().ends_with("</table>\n</div>"), "{out}");
        assert!(
            out.contains("<td style=\"text-align: right\">£7,392,400</td>"),
            "{out}"
        );
        assert!(!out.contains("<p>Table 1"));
    }

    #[test]
    fn table_without_caption() {
        let (_, d) = html("Intro\n\n| a |\n|---|\n| b |\n");
        assert_eq!(d[0].message, "this table has no caption");
        assert_eq!(d[0].line, 3);
    }

    #[test]
    fn raw_html_is_refused() {
        let (out, d) = html("Text\n\n<!-- secret note -->\n\nMore <b>bold</b>\n");
        assert!(!out.contains("secret"));
        assert_eq!(d.len(), 3, "{d:?}");
        assert_eq!(d[0].line, 3);
    }

    #[test]
    fn headings() {
        let (out, d) = html("## Money\n\n#### Detail\n\n# Top\n");
        assert!(out.contains("<h2 id=\"money\">"));
        assert_eq!(d[0].message, "this heading skips from level 2 to level 4");
        assert_eq!(d[1].message, "a level-1 heading (`#`) in the body");
    }

    #[test]
    fn vague_links_and_bare_urls() {
        let (out, d) = html("[click here](/accessibility/) and <https://example.org>\n");
        assert!(out.contains("href=\"../accessibility/\""), "{out}");
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn images_need_alt() {
        let (_, d) = html("![](a.png)\n\n![](b.png \"decorative\")\n\n![A chart](c.png)\n");
        assert_eq!(d.len(), 1);
    }

    fn glossary() -> Glossary {
        Glossary::new(
            [
                ("Key decision", None),
                ("Decision", None),
                ("Dynamic Purchasing System", Some("DPS")),
                ("Making a Difference Every Day", Some("MADE")),
            ]
            .into_iter()
            .map(|(t, a)| (t.to_string(), a.map(str::to_string))),
        )
    }

    #[test]
    fn one_pass_finds_what_trying_each_term_finds_in_random_text() {
        // Terms that share prefixes and words, an abbreviation that is also
        // a word ("MADE"), a term inside another, duplicates, non-ASCII.
        let g = Glossary::new(
            [
                ("Key decision", None),
                ("Decision", None),
                ("decision maker", Some("DM")),
                ("Dynamic Purchasing System", Some("DPS")),
                ("Making a Difference Every Day", Some("MADE")),
                ("Café", Some("CAF")),
                ("Members", None),
                ("Cabinet Member", Some("CM")),
                ("S", None),
                ("Key", Some("Key")),
                ("déjà vu", None),
            ]
            .into_iter()
            .map(|(t, a)| (t.to_string(), a.map(str::to_string))),
        );
        assert!(g.automaton.is_some());
        let pieces = [
            "key",
            "Key",
            "KEY",
            " ",
            "  ",
            "decision",
            "Decision",
            "DECISIONS",
            "s",
            "S",
            "maker",
            "DM",
            "dm",
            "DPS",
            "dps",
            "Dynamic",
            " Purchasing",
            " System",
            "making a difference",
            " every day",
            "MADE",
            "made",
            "Café",
            "CAFÉ",
            "café",
            "CAF",
            "Cabinet",
            " Member",
            "Members",
            "déjà",
            " vu",
            "é",
            "ß",
            "1",
            "-",
            ".",
            ",",
            "'",
            "\n",
            "x",
            "Ünïcödé",
            "\u{200b}",
            "ss",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let text: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            assert_eq!(g.find(&text), g.find_each(&text), "{text:?}");
        }
    }

    fn linked(g: &Glossary, text: &str) -> String {
        let mut d = Diagnostics::default();
        let out = render_text(
            "x.md",
            text,
            1,
            &Context {
                root: "../",
                page: "p/",
                glossary: Some(g),
            },
            &mut BTreeSet::new(),
            &mut d,
        );
        assert!(d.clone().into_sorted().is_empty(), "{d:?}");
        out
    }

    #[test]
    fn glossary_links_first_use_longest_first() {
        let g = glossary();
        let out = linked(
            &g,
            "This key decisions page: a key decision, then a decision.\n",
        );
        assert_eq!(
            out,
            "<p>This <a href=\"../glossary/#key-decision\">key decisions</a> page: a key decision, then a <a href=\"../glossary/#decision\">decision</a>.</p>\n"
        );
        // Already used on this page: no second link, even from another block.
        let again = linked(&g, "Another key decision.\n");
        assert_eq!(again, "<p>Another key decision.</p>\n");
    }

    #[test]
    fn glossary_abbreviations_are_exact_and_expanded_once() {
        let g = glossary();
        let out = linked(
            &g,
            "The DPS was made by the DPS team. It was MADE & made.\n",
        );
        assert!(out.contains("<a href=\"../glossary/#dynamic-purchasing-system\"><abbr title=\"Dynamic Purchasing System\">DPS</abbr></a> was made by the DPS team"), "{out}");
        assert!(
            out.contains(
                "<abbr title=\"Making a Difference Every Day\">MADE</abbr></a> &amp; made."
            ),
            "{out}"
        );
    }

    #[test]
    fn glossary_never_links_inside_links_headings_code_or_captions() {
        let g = glossary();
        let out = linked(
            &g,
            "## The decision\n\n[a decision](/x/) and `decision`\n\nTable 1: Each decision\n\n| a |\n|---|\n| 1 |\n\n```\ndecision\n```\n",
        );
        assert!(!out.contains("glossary/"), "{out}");
        let (all, linkable) = glossary_text("## Key decision\n\nText [key decision](/x/).\n");
        assert_eq!(g.unexplained(&all, &linkable), ["Key decision"]);
    }
}
