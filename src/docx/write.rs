//! The blocks of a Word document written as the Markdown body of a
//! plainsight document (docs/content-format.md): headings from `##` without
//! skipping a level, lists nested as Word nests them, tables with their
//! captions on the line before, bold, italic and links, pictures with their
//! alt text, and every passage marked exempt inside an `::: exempt` fence.
//!
//! Text is escaped so that nothing in it can become Markdown it was not
//! (a `<` never starts HTML, a `1.` at the start of a line never starts a
//! list, a `|` never ends a table cell).

use super::body::{Block, ExemptMark, Inline, Para, Run, Table};
use crate::document::PLACEHOLDER;

/// What a picture became: its file name and alt text, or nothing when it
/// was not imported.
pub type PictureOut = Option<(String, String)>;

/// The body, and what was made of the document's parts.
#[derive(Debug, Default)]
pub struct Written {
    pub body: String,
    /// The text of the paragraph in Word's "Title" style, when there is one.
    pub title: Option<String>,
    pub exempt_passages: usize,
    /// Where each block starts in `body`, with its paragraph number in Word.
    pub places: Vec<(usize, usize)>,
    /// Word paragraphs whose text reads as an exempt fence (`:::`), which
    /// could open or close a passage where Word marked none.
    pub fence_like: Vec<usize>,
}

/// The opening fence of a passage marked exempt with `mark`; `default` is
/// the paragraph given for markings that name none (`--exempt-paragraph`).
pub fn opening_fence(mark: ExemptMark, default: Option<u8>) -> String {
    match mark.paragraph.or(default) {
        Some(p) => format!("::: exempt paragraph={p}"),
        None => format!(
            "::: exempt paragraph={PLACEHOLDER} the paragraph of Schedule 12A (1 to 7) that exempts this passage"
        ),
    }
}

pub fn markdown(
    blocks: &[Block],
    pictures: &[PictureOut],
    default_paragraph: Option<u8>,
) -> Written {
    let mut w = Written::default();
    let mut skip = vec![false; blocks.len()];
    // The title is front matter, not body.
    if let Some(i) = blocks
        .iter()
        .position(|b| matches!(b, Block::Para(p) if p.title && p.exempt.is_none()))
    {
        if let Block::Para(p) = &blocks[i] {
            let title = plain_text(&p.inlines);
            if !title.is_empty() {
                w.title = Some(title);
            }
        }
        skip[i] = true;
    }
    // Captions: the caption paragraph next to each table, before or after it.
    let mut captions: Vec<Option<String>> = vec![None; blocks.len()];
    let mut tables = 0;
    for (i, block) in blocks.iter().enumerate() {
        let Block::Table(t) = block else {
            continue;
        };
        tables += 1;
        let candidate = |j: usize| match blocks.get(j) {
            // A public caption goes with its table, withheld with it if
            // the table is withheld; an exempt one never leaves its passage.
            Some(Block::Para(p))
                if (p.exempt.is_none() || p.exempt == t.exempt) && is_caption_para(p) =>
            {
                Some(plain_text(&p.inlines))
            }
            _ => None,
        };
        let before = i.checked_sub(1).filter(|j| !skip[*j]);
        let found = before
            .and_then(|j| candidate(j).map(|c| (j, c)))
            .or_else(|| candidate(i + 1).map(|c| (i + 1, c)));
        let caption = match found {
            Some((j, text)) => {
                skip[j] = true;
                caption_text(&text, tables)
            }
            None => format!("Table {tables}: {PLACEHOLDER} what the table shows."),
        };
        captions[i] = Some(caption);
    }

    let mut out = String::new();
    // Where the fences this writer wrote start: every other line must read
    // as text.
    let mut fences: Vec<usize> = Vec::new();
    let mut passage: Option<ExemptMark> = None;
    // The heading level last written (the page title is level 1).
    let mut last_heading = 1;
    // Open list levels: (Word level, indent of the item's content).
    let mut lists: Vec<(u8, usize)> = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        if skip[i] {
            continue;
        }
        let (exempt, index) = match block {
            Block::Para(p) => (p.exempt, p.index),
            Block::Table(t) => (t.exempt, t.index),
        };
        if exempt != passage {
            end_list(&mut lists, &mut out);
            if passage.is_some() {
                fences.push(out.len());
                out.push_str(":::\n\n");
            }
            if let Some(mark) = exempt {
                w.exempt_passages += 1;
                fences.push(out.len());
                out.push_str(&opening_fence(mark, default_paragraph));
                out.push_str("\n\n");
            }
            passage = exempt;
        }
        match block {
            Block::Para(p) => {
                let heading = p.heading.or_else(|| numbered_heading(p).then_some(1));
                let text = inline_markdown(&p.inlines, pictures, false, heading.is_some());
                if text.trim().is_empty() {
                    continue;
                }
                if let Some(level) = heading {
                    end_list(&mut lists, &mut out);
                    let level = (usize::from(level) + 1).clamp(2, 6).min(last_heading + 1);
                    last_heading = level;
                    let label = p
                        .number
                        .as_ref()
                        .filter(|n| !n.bullet)
                        .map(|n| format!("{} ", escape(n.label.trim())))
                        .unwrap_or_default();
                    w.places.push((out.len(), index));
                    out.push_str(&format!(
                        "{} {label}{}\n\n",
                        "#".repeat(level),
                        one_line(&text)
                    ));
                    continue;
                }
                let item = p.number.as_ref().and_then(|n| {
                    if n.bullet {
                        Some((n.level, "-".to_string()))
                    } else {
                        n.ordered.map(|(k, delim)| (n.level, format!("{k}{delim}")))
                    }
                });
                match item {
                    Some((level, marker)) => {
                        while lists.last().is_some_and(|(l, _)| *l >= level) {
                            lists.pop();
                        }
                        let indent = lists.last().map_or(0, |(_, i)| *i);
                        lists.push((level, indent + marker.len() + 1));
                        w.places.push((out.len(), index));
                        let pad = " ".repeat(indent);
                        let continuation = " ".repeat(indent + marker.len() + 1);
                        let body = text.replace('\n', &format!("\n{continuation}"));
                        out.push_str(&format!("{pad}{marker} {body}\n"));
                    }
                    None => {
                        end_list(&mut lists, &mut out);
                        let label = p
                            .number
                            .as_ref()
                            .filter(|n| !n.bullet && !n.label.trim().is_empty())
                            .map(|n| format!("{} ", n.label.trim()))
                            .unwrap_or_default();
                        w.places.push((out.len(), index));
                        out.push_str(&line_starts(&format!("{}{text}", escape(&label))));
                        out.push_str("\n\n");
                    }
                }
            }
            Block::Table(t) => {
                end_list(&mut lists, &mut out);
                w.places.push((out.len(), index));
                let caption = captions[i].as_deref().unwrap_or_default();
                out.push_str(&line_starts(&escape_caption(caption)));
                out.push_str("\n\n");
                out.push_str(&table_markdown(t, pictures));
                out.push('\n');
            }
        }
    }
    end_list(&mut lists, &mut out);
    if passage.is_some() {
        fences.push(out.len());
        out.push_str(":::\n\n");
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    for line in crate::fence::lines(&out) {
        if !fences.contains(&line.start)
            && crate::fence::classify(line.text) != crate::fence::Class::Text
        {
            let index = w
                .places
                .iter()
                .rev()
                .find(|(start, _)| *start <= line.start)
                .map_or(0, |(_, index)| *index);
            if !w.fence_like.contains(&index) {
                w.fence_like.push(index);
            }
        }
    }
    w.body = out;
    w
}

/// Ends an open list with a blank line.
fn end_list(lists: &mut Vec<(u8, usize)>, out: &mut String) {
    if !lists.is_empty() {
        lists.clear();
        out.push('\n');
    }
}

/// A numbered paragraph at the outer level that is a short, bold line, like
/// a report template's "1. Introduction": a section heading.
fn numbered_heading(p: &Para) -> bool {
    let Some(n) = &p.number else {
        return false;
    };
    let runs: Vec<&Run> = p
        .inlines
        .iter()
        .filter_map(|i| match i {
            Inline::Text(r) if !r.text.trim().is_empty() => Some(r),
            _ => None,
        })
        .collect();
    let text = plain_text(&p.inlines);
    n.level == 0
        && !n.bullet
        && !runs.is_empty()
        && runs.iter().all(|r| r.bold)
        && text.split_whitespace().count() <= 12
        && !text.ends_with(['.', ':', ';', ','])
}

fn is_caption_para(p: &Para) -> bool {
    let text = plain_text(&p.inlines);
    p.caption && !text.is_empty() || crate::markdown::is_caption(&text)
}

/// A caption as the site writes it: `Table N: what it shows`.
fn caption_text(text: &str, n: usize) -> String {
    if crate::markdown::is_caption(text) {
        return text.to_string();
    }
    if let Some(rest) = text.strip_prefix("Table ") {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            let what = rest[digits..].trim_start_matches([' ', '-', '–', '—', ':']);
            return format!("Table {}: {what}", &rest[..digits]);
        }
    }
    format!("Table {n}: {text}")
}

/// A caption escaped, except for its `Table N:` which must stay as it is.
fn escape_caption(caption: &str) -> String {
    match caption.split_once(':') {
        Some((head, rest)) if head.starts_with("Table ") => format!("{head}:{}", escape(rest)),
        _ => escape(caption),
    }
}

fn table_markdown(t: &Table, pictures: &[PictureOut]) -> String {
    let columns = t.rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let mut out = String::new();
    for (r, row) in t.rows.iter().enumerate() {
        out.push('|');
        for c in 0..columns {
            let text = row
                .get(c)
                .map(|cell| one_line(&inline_markdown(cell, pictures, true, false)))
                .unwrap_or_default();
            out.push(' ');
            out.push_str(text.trim());
            out.push_str(" |");
        }
        out.push('\n');
        if r == 0 {
            out.push('|');
            out.push_str(&" --- |".repeat(columns));
            out.push('\n');
        }
    }
    out
}

/// The words of some inlines, as a person reads them.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut text = String::new();
    for i in inlines {
        match i {
            Inline::Text(r) => text.push_str(&r.text),
            Inline::Break => text.push(' '),
            Inline::Picture(_) => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Inlines as Markdown: emphasis around trimmed text, runs with one link
/// joined in one link, pictures as images. A line break is a hard break
/// (a space in a table cell or a heading). In a heading, bold says nothing.
fn inline_markdown(
    inlines: &[Inline],
    pictures: &[PictureOut],
    cell: bool,
    heading: bool,
) -> String {
    let cell = cell || heading;
    let mut out = String::new();
    let mut i = 0;
    while i < inlines.len() {
        match &inlines[i] {
            Inline::Break => {
                out.push_str(if cell { " " } else { "\\\n" });
                i += 1;
            }
            Inline::Picture(n) => {
                if let Some(Some((file, alt))) = pictures.get(*n) {
                    out.push_str(&format!("![{}]({file})", escape(alt)));
                }
                i += 1;
            }
            Inline::Text(run) => match &run.link {
                Some(url) => {
                    let mut text = String::new();
                    while let Some(Inline::Text(r)) = inlines.get(i) {
                        if r.link.as_ref() != Some(url) {
                            break;
                        }
                        text.push_str(&emphasis(r, heading));
                        i += 1;
                    }
                    if text.trim().is_empty() {
                        out.push_str(&text);
                    } else {
                        let (lead, core, trail) = edges(&text);
                        out.push_str(&format!("{lead}[{core}]({}){trail}", link_target(url)));
                    }
                }
                None => {
                    out.push_str(&emphasis(run, heading));
                    i += 1;
                }
            },
        }
    }
    // Spaces at the start and end of the paragraph, and around its breaks, say nothing.
    let lines: Vec<String> = out
        .split("\\\n")
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\\\n")
}

/// A run's text escaped, with its bold, italic and strikethrough around
/// the words (spaces outside the markers, as CommonMark needs).
fn emphasis(run: &Run, heading: bool) -> String {
    let text = escape(&run.text);
    let (lead, core, trail) = edges(&text);
    if core.is_empty() {
        return text;
    }
    let mut marks = String::new();
    if run.strike {
        marks.push_str("~~");
    }
    if run.bold && !heading {
        marks.push_str("**");
    }
    if run.italic {
        marks.push('*');
    }
    let closing: String = marks.chars().rev().collect();
    format!("{lead}{marks}{core}{closing}{trail}")
}

/// Leading spaces, the rest, trailing spaces.
fn edges(text: &str) -> (&str, &str, &str) {
    let core = text.trim();
    if core.is_empty() {
        return (text, "", "");
    }
    let start = text.find(core).expect("a trimmed part is in the text");
    (&text[..start], core, &text[start + core.len()..])
}

/// A link's destination, with what would end or break it percent-encoded.
fn link_target(url: &str) -> String {
    let mut out = String::new();
    for c in url.trim().chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Text with every character Markdown could read as markup escaped
/// (`&` only where it would start a character reference).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '&' if entity_like(&text[i + 1..]) => out.push_str("\\&"),
            '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => out.push(' '),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether text after `&` reads as a character reference (`amp;`, `#58;`).
fn entity_like(after: &str) -> bool {
    let name = after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '#')
        .count();
    name > 0 && after[name..].starts_with(';')
}

/// Each line's start escaped where Markdown would read it as a block: a
/// heading (`#`), a quote (`>`), a list item (`-`, `+`, `1.`, `1)`), a
/// setext underline (`=`).
fn line_starts(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            let trimmed = line.trim_start();
            let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
            let marker_then_space = |rest: &str| rest.is_empty() || rest.starts_with([' ', '\t']);
            if trimmed.starts_with(['#', '>', '='])
                || (trimmed.starts_with(['-', '+']) && marker_then_space(&trimmed[1..]))
            {
                format!("\\{trimmed}")
            } else if digits > 0
                && trimmed[digits..].starts_with(['.', ')'])
                && marker_then_space(&trimmed[digits + 1..])
            {
                format!("{}\\{}", &trimmed[..digits], &trimmed[digits..])
            } else {
                trimmed.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One line: a hard break becomes a space.
fn one_line(text: &str) -> String {
    text.replace("\\\n", " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, bold: bool) -> Inline {
        Inline::Text(Run {
            text: text.to_string(),
            bold,
            italic: false,
            strike: false,
            link: None,
        })
    }

    #[test]
    fn text_never_becomes_markup_it_was_not() {
        assert_eq!(
            escape("<b>a</b> *x* [y](z) | #1 & &amp;"),
            "\\<b>a\\</b> \\*x\\* \\[y\\](z) \\| #1 & \\&amp;"
        );
        assert_eq!(
            line_starts("1. Not a list\n- nor this\n+ nor\n==\n# nor\n1.1 a number\n-1 degrees"),
            "1\\. Not a list\n\\- nor this\n\\+ nor\n\\==\n\\# nor\n1.1 a number\n-1 degrees"
        );
        assert_eq!(
            inline_markdown(
                &[
                    run("Asked to ", false),
                    run("CONSIDER ", true),
                    run("it.", false)
                ],
                &[],
                false,
                false
            ),
            "Asked to **CONSIDER** it."
        );
    }

    #[test]
    fn captions_are_written_as_the_site_reads_them() {
        assert_eq!(
            caption_text("Table 1: Procurement timetable", 1),
            "Table 1: Procurement timetable"
        );
        assert_eq!(caption_text("Table 3 - Costs", 1), "Table 3: Costs");
        assert_eq!(
            caption_text("Procurement timetable", 2),
            "Table 2: Procurement timetable"
        );
    }
}
