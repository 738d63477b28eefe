//! Recognising exempt passages (`::: exempt paragraph=N` ... `:::`) in text.
//!
//! One line classifier, [`classify`], decides for every line whether it is
//! ordinary text, a literal fence, or something that looks like a fence and
//! is refused. [`cut`] walks a text with it and returns what is public and
//! where each passage is; the cutter (`visibility`) and the blanker
//! ([`blank`], used by the scan, the guard and `folder`) both use [`cut`], so
//! they can never disagree about where a passage is.
//!
//! "Looks like a fence" is decided on what a reader sees: colons after
//! compatibility normalisation (NFKC, so `：` and `﹕` are colons) and
//! confusable mapping (UTS #39, so `∶` and `ː` are too), with invisible
//! characters ignored. A line with three such colons in a row anywhere, or
//! two at the start of a line, is either an exact fence (three ASCII colons
//! after nothing but spaces) or an error: a fence that is not understood must
//! never let its passage through as text.
//!
//! This module never builds public types (`visibility` does) and its
//! messages never quote the text of a line: CI logs are public.

use std::ops::Range;

use crate::diagnostics::Position;
use crate::document::{Date, Exemption};

/// The form every refusal names.
pub const EXPECTED: &str = "open an exempt passage with a line `::: exempt paragraph=N reason=\"...\"` (N is 1 to 7; `review_on=YYYY-MM-DD` may follow) and close it with a line holding only `:::`";

/// Help for a fence written inside a Markdown container or mid-line.
const OWN_LINE: &str = "a fence is a line of its own, starting with `:::`, outside block quotes, lists, footnotes and tables; open an exempt passage with a line `::: exempt paragraph=N reason=\"...\"` and close it with a line holding only `:::`";

/// Help for a fence spelt with other characters than three ASCII colons.
const PLAIN: &str = "write a fence with three plain ASCII colons and plain spaces, nothing invisible: open an exempt passage with a line `::: exempt paragraph=N reason=\"...\"` and close it with a line holding only `:::`";

/// Why a fence, or a line that looks like one, was refused. Never holds the
/// line's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
    pub help: &'static str,
}

impl Problem {
    pub fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
        }
    }
}

// ------------------------------------------------------------------ lines

/// One line of a text: `text` without its ending, which runs to `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    /// Byte offset of the line's start.
    pub start: usize,
    pub text: &'a str,
    /// Byte offset just after the line's ending.
    pub end: usize,
}

/// The lines of `text`, ended by every line ending CommonMark knows (LF, CR,
/// CRLF) and by the Unicode ones (U+2028, U+2029, U+0085), so that no ending
/// can hide a fence in the middle of a "line". Like `split_inclusive`, an
/// empty text has no lines and a final ending starts none.
pub fn lines(text: &str) -> Lines<'_> {
    Lines { text, pos: 0 }
}

pub struct Lines<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        if start >= bytes.len() {
            return None;
        }
        let mut i = start;
        while i < bytes.len() {
            let ending = match bytes[i] {
                b'\n' => 1,
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => 2,
                b'\r' => 1,
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9; U+0085 is C2 85.
                0xE2 if bytes.get(i + 1) == Some(&0x80)
                    && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) =>
                {
                    3
                }
                0xC2 if bytes.get(i + 1) == Some(&0x85) => 2,
                _ => 0,
            };
            if ending > 0 {
                self.pos = i + ending;
                return Some(Line {
                    start,
                    text: &self.text[start..i],
                    end: self.pos,
                });
            }
            i += 1;
        }
        self.pos = bytes.len();
        Some(Line {
            start,
            text: &self.text[start..],
            end: bytes.len(),
        })
    }
}

// ------------------------------------------------------------ characters

/// Characters a reader does not see: control characters (other than tab;
/// line endings are split off before), format characters (general category
/// Cf: zero-width spaces and joiners, the byte-order mark, the soft hyphen,
/// bidirectional controls, tag characters) and every other default-ignorable
/// code point (variation selectors, Hangul fillers, the combining grapheme
/// joiner). Between colons they would hide a fence from a plain comparison.
/// A unit test checks this covers every code point UTS #39 ignores.
pub fn is_invisible(c: char) -> bool {
    matches!(c as u32, 0x00..=0x08 | 0x0B..=0x1F | 0x7F..=0x9F)
        || crate::unicode::is_default_ignorable(c)
}

/// Every character other than `:` that reads as one or more colons: its
/// compatibility form (NFKC) or its confusable skeleton (UTS #39) holds
/// that many `:`. Sorted; a unit test recomputes it from the two crates.
const COLONS: &[(u32, u8)] = &[
    (0x02D0, 1),
    (0x02F8, 1),
    (0x0589, 1),
    (0x05C3, 1),
    (0x0703, 1),
    (0x0704, 1),
    (0x0831, 1),
    (0x0903, 1),
    (0x0A83, 1),
    (0x1361, 1),
    (0x1393, 1),
    (0x16EC, 1),
    (0x1803, 1),
    (0x1809, 1),
    (0x205A, 1),
    (0x2236, 1),
    (0x2237, 2),
    (0x2254, 1),
    (0x2255, 1),
    (0x29F4, 1),
    (0x2A74, 2),
    (0x2E2C, 2),
    (0xA4FD, 1),
    (0xA789, 1),
    (0xFE13, 1),
    (0xFE55, 1),
    (0xFF1A, 1),
    (0x1015B, 1),
    (0x10781, 1),
    (0x10AF5, 1),
    (0x11002, 1),
    (0x11082, 1),
    (0x11182, 1),
    (0x1123A, 1),
    (0x115BE, 1),
    (0x116AC, 1),
    (0x11838, 1),
    (0x11DD9, 1),
    (0x1D108, 1),
];

/// How many colons `c` reads as.
fn colons(c: char) -> usize {
    if c == ':' {
        return 1;
    }
    if c.is_ascii() {
        return 0;
    }
    match COLONS.binary_search_by_key(&(c as u32), |&(code, _)| code) {
        Ok(i) => usize::from(COLONS[i].1),
        Err(_) => 0,
    }
}

/// Invisible, or a combining mark: either way not a character of its own
/// between two colons.
fn is_transparent(c: char) -> bool {
    !c.is_ascii() && (is_invisible(c) || unicode_normalization::char::is_combining_mark(c))
}

// ------------------------------------------------------------ classifier

/// What one line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class<'a> {
    /// Ordinary text: nothing in it reads as a fence.
    Text,
    /// A literal fence: spaces or tabs, three ASCII colons, then `rest`,
    /// which starts at character column `rest_column`.
    Fence { rest: &'a str, rest_column: usize },
    /// It reads as a fence but is not one (line 0: the caller knows).
    Refused(Problem),
}

/// A run of colons (with anything invisible among or after them).
struct Run {
    start: usize,
    end: usize,
    colons: usize,
    /// The first piece of the run that is not an ASCII colon: its byte
    /// offset, the character it is or stands for, and whether it was
    /// written as an escape (`\:`) or an HTML character reference.
    odd: Option<Odd>,
}

/// A piece of a run that is not an ASCII colon: its byte offset, the
/// character it is or stands for, and whether it was written as an escape
/// or a character reference.
type Odd = (usize, char, bool);

/// HTML's named character references that stand for a colon or for
/// something invisible (numeric ones, `&#58;` and `&#x3a;`, are read too).
const NAMED: &[(&str, char)] = &[
    ("colon", ':'),
    ("Colon", '\u{2237}'),
    ("shy", '\u{AD}'),
    ("ZeroWidthSpace", '\u{200B}'),
    ("NegativeVeryThinSpace", '\u{200B}'),
    ("NegativeThinSpace", '\u{200B}'),
    ("NegativeMediumSpace", '\u{200B}'),
    ("NegativeThickSpace", '\u{200B}'),
    ("zwnj", '\u{200C}'),
    ("zwj", '\u{200D}'),
    ("lrm", '\u{200E}'),
    ("rlm", '\u{200F}'),
    ("NoBreak", '\u{2060}'),
    ("ApplyFunction", '\u{2061}'),
    ("af", '\u{2061}'),
    ("InvisibleTimes", '\u{2062}'),
    ("it", '\u{2062}'),
    ("InvisibleComma", '\u{2063}'),
    ("ic", '\u{2063}'),
];

/// The character an HTML character reference at the start of `text`
/// stands for, and its length, as Markdown renders it.
fn reference(text: &str) -> Option<(char, usize)> {
    let rest = text.strip_prefix('&')?;
    // The longest name here is 21 letters.
    let (end, _) = rest.char_indices().take(24).find(|&(_, c)| c == ';')?;
    let name = &rest[..end];
    let c = if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) if (1..=6).contains(&hex.len()) => u32::from_str_radix(hex, 16).ok()?,
            None if (1..=7).contains(&number.len()) => number.parse().ok()?,
            _ => return None,
        };
        char::from_u32(code)?
    } else {
        NAMED.iter().find(|(n, _)| *n == name)?.1
    };
    Some((c, end + 2))
}

/// The piece of `line` at byte `i` if it reads as colons or is invisible:
/// (its length, how many colons it reads as, the odd piece it is, if any).
fn piece(line: &str, i: usize) -> Option<(usize, usize, Option<Odd>)> {
    let c = line[i..].chars().next()?;
    if c == ':' {
        return Some((1, 1, None));
    }
    let n = colons(c);
    if n > 0 || is_transparent(c) {
        return Some((c.len_utf8(), n, Some((i, c, false))));
    }
    let (d, len) = match c {
        // `\:` renders as a colon.
        '\\' => {
            let d = line[i + 1..].chars().next()?;
            (d, 1 + d.len_utf8())
        }
        '&' => reference(&line[i..])?,
        _ => return None,
    };
    let n = colons(d);
    (n > 0 || is_transparent(d) || (c == '&' && d == ':')).then_some((len, n, Some((i, d, true))))
}

/// The runs of colons in `line`, first to last.
fn runs(line: &str) -> impl Iterator<Item = Run> + '_ {
    let bytes = line.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        let mut run = loop {
            // Only a colon, `&`, `\\` or a look-alike colon starts a run:
            // everything else is skipped without looking further.
            while i < bytes.len() && !matches!(bytes[i], b':' | b'&' | b'\\') {
                if bytes[i] < 0x80 {
                    i += 1;
                    continue;
                }
                let c = line[i..].chars().next().expect("a character starts here");
                if colons(c) > 0 {
                    break;
                }
                i += c.len_utf8();
            }
            if i >= line.len() {
                return None;
            }
            match piece(line, i) {
                Some((len, n, odd)) if n > 0 => {
                    break Run {
                        start: i,
                        end: i + len,
                        colons: n,
                        odd,
                    };
                }
                Some((len, _, _)) => i += len,
                None => i += line[i..].chars().next().map_or(1, char::len_utf8),
            }
        };
        i = run.end;
        while let Some((len, n, odd)) = piece(line, i) {
            run.colons += n;
            run.odd = run.odd.or(odd);
            i += len;
            run.end = i;
        }
        Some(run)
    })
}

/// Where the start of `line` ends: the byte offset of its first character
/// that cannot begin a Markdown line, which spaces, invisible characters and
/// container markers (`>`, `-`, `*`, `+`, `|`, `1.`, `1)`) can.
fn line_start_end(line: &str) -> usize {
    line.char_indices()
        .find(|&(_, c)| {
            !(c.is_whitespace()
                || is_invisible(c)
                || matches!(c, '>' | '-' | '*' | '+' | '|' | '.' | ')')
                || c.is_ascii_digit())
        })
        .map_or(line.len(), |(i, _)| i)
}

/// Whether `after` (what follows a run) starts with the word `exempt`,
/// after spaces and invisible characters.
fn starts_with_exempt(after: &str) -> bool {
    let rest = after.trim_start_matches(|c: char| c.is_whitespace() || is_invisible(c));
    rest.get(..6)
        .is_some_and(|w| w.eq_ignore_ascii_case("exempt"))
}

/// Whether `run` reads as a fence: three colons anywhere, or at the start
/// of a line (which ends at `start_end`, see [`line_start_end`]) two, or
/// one followed by `exempt`.
fn is_fence_like(line: &str, start_end: usize, run: &Run) -> bool {
    run.colons >= 3
        || (run.start <= start_end && (run.colons >= 2 || starts_with_exempt(&line[run.end..])))
}

/// The 1-based character column of byte `offset` in `line`.
fn column(line: &str, offset: usize) -> usize {
    line[..offset].chars().count() + 1
}

fn refused(line: &str, offset: usize, message: String, help: &'static str) -> Class<'static> {
    Class::Refused(Problem {
        line: 0,
        column: column(line, offset),
        message,
        help,
    })
}

fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// Whether `line` holds no colon, no `&` or `\\` (which can write one),
/// nothing invisible and nothing outside ASCII: most lines, decided without looking at characters one by one.
fn is_plain(line: &str) -> bool {
    !line
        .bytes()
        .any(|b| matches!(b, b':' | b'&' | b'\\') || b >= 0x80 || (b < 0x20 && b != b'\t'))
}

/// A space of any kind, or a character a reader does not see.
fn is_blank(c: char) -> bool {
    c.is_whitespace() || is_invisible(c)
}

/// Where a line that starts with marks (anything but letters, digits and
/// spaces, and not only Markdown's container markers) and then reads
/// `exempt paragraph`, `exempt reason` or just `exempt` begins its marks:
/// someone meant a fence there, whatever they wrote it with (`: : :`,
/// `⦂⦂⦂`, `⁝`, `~~~`).
fn marks_then_exempt(line: &str) -> Option<usize> {
    let start = line.find(|c: char| !is_blank(c))?;
    let rest = &line[start..];
    let end = rest.find(char::is_alphanumeric)?;
    let marks = &rest[..end];
    let container = |c: char| is_blank(c) || matches!(c, '>' | '-' | '*' | '+' | '|');
    if marks.chars().all(container) {
        return None;
    }
    let mut words = rest[end..].split(|c: char| is_blank(c) || c == '=');
    let first = words.next()?;
    let next = words.find(|w| !w.is_empty());
    let fence_word = |w: &str| {
        ["paragraph", "reason"]
            .iter()
            .any(|k| w.eq_ignore_ascii_case(k))
    };
    (first.eq_ignore_ascii_case("exempt") && next.is_none_or(fence_word)).then_some(start)
}

/// Where a line that starts with colons with spaces between them (`: : :`,
/// a no-break space before the last) begins them: a fence that a word
/// processor's spacing before colons, or a hand, pulled apart.
fn spaced_colons(line: &str) -> Option<usize> {
    let start = line.find(|c: char| !is_blank(c))?;
    let (mut count, mut spaced, mut gap) = (0, false, false);
    for c in line[start..].chars() {
        if colons(c) > 0 {
            spaced |= gap && count > 0;
            count += colons(c);
            gap = false;
        } else if is_blank(c) {
            gap = true;
        } else {
            break;
        }
    }
    (count >= 2 && spaced).then_some(start)
}

/// How many ASCII colons, one after another, `line` has from byte `at`.
fn colons_at(line: &str, at: usize) -> usize {
    line[at..].chars().take_while(|&c| c == ':').count()
}

/// Classifies one line (without its ending).
pub fn classify(line: &str) -> Class<'_> {
    match classify_colons(line) {
        Class::Text => {}
        class => return class,
    }
    if let Some(at) = spaced_colons(line) {
        let message = "a fence with spaces between its colons".to_string();
        return refused(line, at, message, PLAIN);
    }
    if let Some(at) = marks_then_exempt(line).filter(|&at| colons_at(line, at) != 3) {
        let c = line[at..].chars().next().expect("a mark starts here");
        let message = format!(
            "a line that reads as an exempt fence but opens with {} rather than three ASCII colons",
            code_point(c)
        );
        return refused(line, at, message, PLAIN);
    }
    Class::Text
}

/// Classifies one line by its runs of colons and their look-alikes.
fn classify_colons(line: &str) -> Class<'_> {
    if is_plain(line) {
        return Class::Text;
    }
    let start_end = line_start_end(line);
    let mut fences = runs(line).filter(|run| is_fence_like(line, start_end, run));
    let Some(run) = fences.next() else {
        return Class::Text;
    };
    let prefix = &line[..run.start];
    if let Some(c) = prefix
        .chars()
        .find(|&c| !c.is_whitespace() && !is_invisible(c))
    {
        let inside = match c {
            '>' => "a fence inside a block quote",
            '-' | '*' | '+' => "a fence inside a list item",
            '0'..='9'
                if prefix
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_digit()) =>
            {
                "a fence inside a numbered list item"
            }
            '[' if prefix.trim_start().starts_with("[^") => "a fence inside a footnote",
            _ if prefix.contains('|') => "a fence inside a table cell",
            _ => "a fence that does not start its line",
        };
        return refused(line, run.start, inside.to_string(), OWN_LINE);
    }
    if let Some((i, c)) = prefix.char_indices().find(|&(_, c)| is_invisible(c)) {
        let message = format!("an invisible character ({}) before a fence", code_point(c));
        return refused(line, i, message, PLAIN);
    }
    if let Some((i, c)) = prefix.char_indices().find(|&(_, c)| c != ' ' && c != '\t') {
        let message = format!("a fence indented with {}, not a plain space", code_point(c));
        return refused(line, i, message, PLAIN);
    }
    if let Some((i, c, written)) = run.odd {
        let message = if written {
            "a fence written with an escape or an HTML character reference instead of ASCII colons"
                .to_string()
        } else if colons(c) > 0 {
            format!(
                "a fence written with {} instead of ASCII colons",
                code_point(c)
            )
        } else if is_invisible(c) {
            format!("an invisible character ({}) in a fence", code_point(c))
        } else {
            format!("a combining mark ({}) in a fence", code_point(c))
        };
        return refused(line, i, message, PLAIN);
    }
    if run.colons != 3 {
        let message = match run.colons {
            1 => "a fence of one colon; a fence is exactly three".to_string(),
            n => format!("a fence of {n} colons; a fence is exactly three"),
        };
        return refused(line, run.start, message, PLAIN);
    }
    if let Some(again) = fences.next() {
        let message = "colons again on a fence line, where settings were expected".to_string();
        return refused(line, again.start, message, EXPECTED);
    }
    Class::Fence {
        rest: &line[run.end..],
        rest_column: column(line, run.end),
    }
}

// ------------------------------------------------------------ settings

/// The settings of an opening fence: `rest` is what follows `:::`, at
/// character column `rest_column` of line `line`. Strict: `exempt`, then
/// `paragraph=N` (1 to 7, required), `reason="..."` and `review_on=YYYY-MM-DD`
/// (optional), each once, separated by spaces, with no spaces around `=`.
pub fn parse_opening(rest: &str, rest_column: usize, line: usize) -> Result<Exemption, Problem> {
    let at = |offset: usize, message: &str| Problem {
        line,
        column: rest_column + rest[..offset].chars().count(),
        message: message.to_string(),
        help: EXPECTED,
    };
    let is_space = |c: char| c == ' ' || c == '\t';
    let skip = |from: usize| {
        from + rest[from..]
            .find(|c: char| !is_space(c))
            .unwrap_or(rest.len() - from)
    };
    let mut i = skip(0);
    if rest[i..].is_empty() {
        return Err(at(
            i,
            "a `:::` with no passage open: a fence that opens one says `exempt` and its paragraph",
        ));
    }
    if i == 0 {
        return Err(at(0, "a space is needed after `:::`"));
    }
    let word_end = i + rest[i..].find(is_space).unwrap_or(rest.len() - i);
    if &rest[i..word_end] != "exempt" {
        return Err(at(
            i,
            "a fence that opens a passage says `exempt` after `:::`",
        ));
    }
    i = word_end;
    let mut paragraph = None;
    let mut reason = None;
    let mut review_on = None;
    let mut seen: Vec<&str> = Vec::new();
    loop {
        i = skip(i);
        if i == rest.len() {
            break;
        }
        let key_start = i;
        let key_len = rest[i..]
            .find(|c: char| c == '=' || is_space(c))
            .unwrap_or(rest.len() - i);
        let key = &rest[i..i + key_len];
        i += key_len;
        if key.is_empty() {
            return Err(at(key_start, "a setting without a name before `=`"));
        }
        if !rest[i..].starts_with('=') {
            let after = skip(i);
            if i < rest.len() && rest[after..].starts_with('=') {
                return Err(at(
                    i,
                    "a space before `=`; write a setting as `name=value`, without spaces",
                ));
            }
            return Err(at(
                key_start,
                "this part of the fence is not a setting; settings are written `name=value`",
            ));
        }
        if !matches!(key, "paragraph" | "reason" | "review_on") {
            return Err(at(
                key_start,
                "an unknown setting; an exempt passage's settings are `paragraph`, `reason` and `review_on`",
            ));
        }
        if seen.contains(&key) {
            return Err(at(key_start, "a setting given twice"));
        }
        seen.push(key);
        i += 1;
        let value_start = i;
        if rest[i..].is_empty() || rest[i..].starts_with(is_space) {
            return Err(at(
                value_start,
                "a setting without a value after `=`; write it as `name=value`, without spaces",
            ));
        }
        let value = if key == "reason" {
            if !rest[i..].starts_with('"') {
                return Err(at(
                    value_start,
                    "the reason is not in straight double quotes: write `reason=\"...\"`",
                ));
            }
            let Some(len) = rest[i + 1..].find('"') else {
                return Err(at(value_start, "the reason has no closing `\"`"));
            };
            let value = &rest[i + 1..i + 1 + len];
            i += len + 2;
            value
        } else {
            let len = rest[i..].find(is_space).unwrap_or(rest.len() - i);
            let value = &rest[i..i + len];
            i += len;
            value
        };
        if !rest[i..].is_empty() && !rest[i..].starts_with(is_space) {
            return Err(at(i, "settings are separated by a space"));
        }
        match key {
            "paragraph" => {
                let n = match value.as_bytes() {
                    [d @ b'1'..=b'7'] => i64::from(d - b'0'),
                    _ => {
                        return Err(at(
                            value_start,
                            "`paragraph` is one digit from 1 to 7 (Part 1 of Schedule 12A)",
                        ));
                    }
                };
                paragraph = Some(n);
            }
            "reason" => {
                if value.trim().is_empty() {
                    return Err(at(
                        value_start,
                        "the reason is empty; say why in plain words",
                    ));
                }
                reason = Some(value.to_string());
            }
            _ => {
                let date = strict_date(value).ok_or_else(|| {
                    at(
                        value_start,
                        "`review_on` is a date written YYYY-MM-DD, like 2026-08-15",
                    )
                })?;
                review_on = Some(date);
            }
        }
    }
    let Some(paragraph) = paragraph else {
        // At the fence itself (the three colons).
        return Err(Problem {
            column: rest_column.saturating_sub(3).max(1),
            ..at(0, "an exempt passage needs `paragraph=N` (1 to 7)")
        });
    };
    let reason = reason.unwrap_or_else(|| {
        "It contains information the law allows the council to withhold.".to_string()
    });
    Ok(Exemption {
        paragraph: toml::Spanned::new(0..0, crate::document::Paragraphs(vec![paragraph])),
        reason,
        review_on,
        public_interest: None,
    })
}

/// `2026-08-15`, exactly: four, two and two digits, a real date.
fn strict_date(value: &str) -> Option<Date> {
    let b = value.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .map(Date)
}

// ------------------------------------------------------------ cutting

/// A passage: from its opening fence to its closing one.
#[derive(Debug, Clone)]
pub struct Passage {
    /// The line of its opening fence.
    pub line: usize,
    /// None when the fence was refused (a problem says why).
    pub exemption: Option<Exemption>,
    /// Its text, fences excluded.
    pub body: Range<usize>,
}

/// A piece of a text, in order.
#[derive(Debug, Clone)]
pub enum Part {
    /// Public lines, endings included, from line `first_line`.
    Text {
        range: Range<usize>,
        first_line: usize,
    },
    Passage(Passage),
}

/// A text cut at its fences.
#[derive(Debug, Clone, Default)]
pub struct Cut {
    pub parts: Vec<Part>,
    /// Each refused fence; when there are any, the text must not be published.
    pub problems: Vec<Problem>,
}

/// Cuts `text`, whose first line is line `first_line` of its file, into
/// public text and passages. A refused line counts as an opening fence,
/// and a passage is closed only by an exact `:::` line, so what follows a
/// fence that was not understood is withheld, never taken for text.
pub fn cut(text: &str, first_line: usize) -> Cut {
    struct Open {
        line: usize,
        column: usize,
        exemption: Option<Exemption>,
        body_start: usize,
        /// Whether a problem was reported since it opened (then "never
        /// closed" would only repeat it).
        reported: bool,
    }
    let mut cut = Cut::default();
    let mut open: Option<Open> = None;
    let mut text_start: Option<(usize, usize)> = None;
    let mut last = 0;
    for (i, line) in lines(text).enumerate() {
        let number = first_line + i;
        last = line.end;
        let class = classify(line.text);
        if class == Class::Text {
            if open.is_none() && text_start.is_none() {
                text_start = Some((line.start, number));
            }
            continue;
        }
        match open.take() {
            None => {
                if let Some((start, first_line)) = text_start.take() {
                    cut.parts.push(Part::Text {
                        range: start..line.start,
                        first_line,
                    });
                }
                let (exemption, column, reported) = match class {
                    Class::Fence { rest, rest_column } => {
                        match parse_opening(rest, rest_column, number) {
                            Ok(e) => (Some(e), rest_column - 3, false),
                            Err(problem) => {
                                cut.problems.push(problem);
                                (None, rest_column - 3, true)
                            }
                        }
                    }
                    Class::Refused(problem) => {
                        let column = problem.column;
                        cut.problems.push(Problem {
                            line: number,
                            ..problem
                        });
                        (None, column, true)
                    }
                    Class::Text => unreachable!("text is handled above"),
                };
                open = Some(Open {
                    line: number,
                    column,
                    exemption,
                    body_start: line.end,
                    reported,
                });
            }
            Some(mut passage) => {
                let problem = match class {
                    Class::Fence { rest, rest_column } => {
                        let junk = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                        (!rest.trim_matches([' ', '\t']).is_empty()).then(|| Problem {
                            line: number,
                            column: rest_column + rest[..junk].chars().count(),
                            message: "an exempt passage is closed by a line holding only `:::`; passages cannot be nested".to_string(),
                            help: EXPECTED,
                        })
                    }
                    Class::Refused(problem) => Some(Problem {
                        line: number,
                        ..problem
                    }),
                    Class::Text => unreachable!("text is handled above"),
                };
                match problem {
                    // Not a closing fence: the passage goes on, so that
                    // nothing after a fence that was not understood is
                    // taken for text.
                    Some(problem) => {
                        cut.problems.push(problem);
                        passage.reported = true;
                        open = Some(passage);
                    }
                    None => cut.parts.push(Part::Passage(Passage {
                        line: passage.line,
                        exemption: passage.exemption,
                        body: passage.body_start..line.start,
                    })),
                }
            }
        }
    }
    debug_assert_eq!(last, text.len());
    if let Some(passage) = open {
        if !passage.reported {
            cut.problems.push(Problem {
                line: passage.line,
                column: passage.column,
                message: "this exempt passage is never closed".to_string(),
                help: "add a line holding only `:::` where the exempt passage ends",
            });
        }
        cut.parts.push(Part::Passage(Passage {
            line: passage.line,
            exemption: passage.exemption,
            body: passage.body_start..text.len(),
        }));
    }
    if let Some((start, first_line)) = text_start {
        cut.parts.push(Part::Text {
            range: start..text.len(),
            first_line,
        });
    }
    cut
}

/// `text` with every character outside its public parts (passages and
/// fences, as [`cut`] finds them) replaced by a space, line endings kept:
/// lines and columns still hold. For a document, only the body is cut,
/// exactly as `visibility` cuts it.
pub fn blank(text: &str) -> String {
    let (head, body) = match crate::frontmatter::split(text) {
        Ok(split) => text.split_at(split.body_offset),
        Err(_) => ("", text),
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(head);
    let mut pos = 0;
    let blank_into = |out: &mut String, withheld: &str| {
        out.extend(withheld.chars().map(|c| match c {
            '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => c,
            _ => ' ',
        }))
    };
    for part in cut(body, 1).parts {
        if let Part::Text { range, .. } = part {
            blank_into(&mut out, &body[pos..range.start]);
            out.push_str(&body[range.clone()]);
            pos = range.end;
        }
    }
    blank_into(&mut out, &body[pos..]);
    out
}

// ------------------------------------------------------------ front matter

/// Whether `value` (a front-matter string, a data cell, a setting: text
/// that is published as written) holds anything [`classify`] does not call
/// text, on any of its lines: exempt passages may only be in a document's
/// body.
pub fn holds_fence(value: &str) -> bool {
    lines(value).any(|line| classify(line.text) != Class::Text)
}

/// Whether some part of `text` could read as a fence once cut out of its
/// line: two colons or more (with spaces between them or not), or the word
/// `exempt`, anywhere. (A string's lines are parts of the front matter's
/// lines, so a fence in a string is one of these in the front matter.)
fn may_hold_fence(text: &str) -> bool {
    lines(text).any(|line| {
        let l = line.text;
        l.as_bytes()
            .windows(6)
            .any(|w| w.eq_ignore_ascii_case(b"exempt"))
            || l.chars().map(colons).sum::<usize>() >= 2
            || (!is_plain(l) && runs(l).any(|run| run.colons >= 2))
    })
}

/// The positions of every string in a TOML file (site.toml, a data schema)
/// that holds a fence or anything that reads as one ([`in_front_matter`]).
pub fn in_toml(text: &str) -> Vec<Position> {
    in_front_matter(text, text, 0)
}

/// The positions (in `file_text`) of every front-matter string that holds a
/// fence or anything like one. `front` is the front matter, at byte
/// `offset` of `file_text`. Every string of every key is looked at, in
/// nested tables and arrays too, so a new field is covered without a change
/// here. Front matter that does not parse is reported where it is parsed.
pub fn in_front_matter(file_text: &str, front: &str, offset: usize) -> Vec<Position> {
    // A string can only hold colons its raw text shows, unless it is
    // written with escapes (`\u003a`) or continued lines (`\` at a line's
    // end): most front matter needs no parsing here.
    if !front.contains('\\') && !may_hold_fence(front) {
        return Vec::new();
    }
    let Ok(table) = toml::de::DeTable::parse(front) else {
        return Vec::new();
    };
    let mut spans = Vec::new();
    let mut stack: Vec<&toml::Spanned<toml::de::DeValue>> = table.get_ref().values().collect();
    while let Some(value) = stack.pop() {
        match value.get_ref() {
            toml::de::DeValue::String(s) if holds_fence(s) => spans.push(value.span().start),
            toml::de::DeValue::Array(items) => stack.extend(items.iter()),
            toml::de::DeValue::Table(table) => stack.extend(table.values()),
            _ => {}
        }
    }
    spans.sort_unstable();
    spans
        .into_iter()
        .map(|start| Position::of_offset(file_text, offset + start))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Rng;

    fn refusal(line: &str) -> Problem {
        match classify(line) {
            Class::Refused(p) => p,
            other => panic!("{line:?} was not refused: {other:?}"),
        }
    }

    #[test]
    fn lines_end_at_every_line_ending() {
        let text = "a\nb\r\nc\rd\u{2028}e\u{2029}f\u{85}g";
        let got: Vec<&str> = lines(text).map(|l| l.text).collect();
        assert_eq!(got, ["a", "b", "c", "d", "e", "f", "g"]);
        let ends: Vec<usize> = lines("a\n\nb\n").map(|l| l.end).collect();
        assert_eq!(ends, [2, 3, 5]);
        assert_eq!(lines("").count(), 0);
        // The lines and their endings are the whole text, in order.
        let mut pos = 0;
        for line in lines(text) {
            assert_eq!(line.start, pos);
            pos = line.end;
        }
        assert_eq!(pos, text.len());
    }

    #[test]
    fn ordinary_lines_are_text() {
        for line in [
            "",
            "Plain words.",
            "Time: 10:30, ratio 3:2.",
            "Note: it is exempt under paragraph 3.",
            "Bidders’ scores – £3m",
            "Status: exempt",
            "https://example.org/a:b",
            "  a :: b in the middle",
            "Health & Care: \\ &amp; &#59; &colon; &#58;",
            "&nbsp;&#x3a; and \\:",
        ] {
            assert_eq!(classify(line), Class::Text, "{line:?}");
        }
    }

    #[test]
    fn literal_fences() {
        assert_eq!(
            classify("::: exempt paragraph=3"),
            Class::Fence {
                rest: " exempt paragraph=3",
                rest_column: 4
            }
        );
        assert_eq!(
            classify("  \t:::"),
            Class::Fence {
                rest: "",
                rest_column: 7
            }
        );
        // A reason may hold a colon or two, and any letters.
        assert!(matches!(
            classify("::: exempt paragraph=3 reason=\"Note: bidders’ prices\""),
            Class::Fence { .. }
        ));
    }

    #[test]
    fn look_alikes_are_refused_at_their_column() {
        let cases: &[(&str, usize, &str)] = &[
            ("> ::: exempt paragraph=3", 3, "block quote"),
            (">::: exempt paragraph=3", 2, "block quote"),
            ("- ::: exempt paragraph=3", 3, "list item"),
            ("* :::", 3, "list item"),
            ("1. ::: exempt paragraph=3", 4, "numbered list item"),
            ("[^1]: ::: exempt paragraph=3", 7, "footnote"),
            ("| a | ::: exempt paragraph=3 |", 7, "table cell"),
            (
                "Some text ::: exempt paragraph=3",
                11,
                "does not start its line",
            ),
            ("\u{200B}::: exempt paragraph=3", 1, "U+200B"),
            ("\u{FEFF}::: exempt paragraph=3", 1, "U+FEFF"),
            (":\u{200B}:: exempt paragraph=3", 2, "U+200B"),
            ("::\u{AD}: exempt paragraph=3", 3, "U+00AD"),
            (":::\u{2060} exempt paragraph=3", 4, "U+2060"),
            ("::\u{301}: exempt", 3, "combining mark (U+0301)"),
            ("：：： exempt paragraph=3", 1, "U+FF1A"),
            ("::： exempt paragraph=3", 3, "U+FF1A"),
            ("﹕﹕﹕ exempt paragraph=3", 1, "U+FE55"),
            ("∶∶∶ exempt paragraph=3", 1, "U+2236"),
            ("∷: exempt paragraph=3", 1, "U+2237"),
            ("\u{A0}::: exempt paragraph=3", 1, "U+00A0"),
            (
                "&#58;&#58;&#58; exempt paragraph=3",
                1,
                "character reference",
            ),
            (
                "&colon;&#x3A;&#0058; exempt paragraph=3",
                1,
                "character reference",
            ),
            ("&Colon;: exempt paragraph=3", 1, "character reference"),
            ("::&#8203;: exempt paragraph=3", 3, "character reference"),
            (":&shy;:: exempt paragraph=3", 2, "character reference"),
            ("\\:\\:\\: exempt paragraph=3", 1, "escape"),
            (":::\\: exempt paragraph=3", 4, "escape"),
            ("\u{3000}:::", 1, "U+3000"),
            (":::: exempt paragraph=3", 1, "4 colons"),
            (":: exempt paragraph=3", 1, "2 colons"),
            (": exempt paragraph=3", 1, "one colon"),
            ("  :: secret", 3, "2 colons"),
            (": : : exempt paragraph=3", 1, "spaces between its colons"),
            (": : :", 1, "spaces between its colons"),
            (
                ":\u{A0}:: exempt paragraph=3",
                1,
                "spaces between its colons",
            ),
            ("  ::\u{202F}: exempt paragraph=3", 3, "2 colons"),
            (":\u{2009}:\u{2009}:", 1, "spaces between its colons"),
            ("\u{2982}\u{2982}\u{2982} exempt paragraph=3", 1, "U+2982"),
            ("\u{1804}\u{1804}\u{1804} exempt paragraph=3", 1, "U+1804"),
            ("\u{205D} exempt paragraph=3", 1, "U+205D"),
            ("\u{22EE}\u{22EE} exempt reason=\"x\"", 1, "U+22EE"),
            ("~~~ exempt paragraph=3", 1, "U+007E"),
            ("!! EXEMPT", 1, "U+0021"),
            (
                "::: exempt paragraph=3 reason=\"a ::: b\"",
                34,
                "colons again",
            ),
        ];
        for &(line, column, says) in cases {
            let p = refusal(line);
            assert_eq!(p.column, column, "{line:?}: {p:?}");
            assert!(p.message.contains(says), "{line:?}: {p:?}");
            assert!(!p.message.contains("exempt paragraph"), "{p:?}");
        }
    }

    #[test]
    fn invisible_covers_what_uts_39_ignores() {
        for c in (0x80..=0x10FFFFu32).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let ignored = unicode_security::skeleton(c.encode_utf8(&mut buf))
                .next()
                .is_none();
            if ignored && !"\u{2028}\u{2029}\u{85}".contains(c) {
                assert!(is_invisible(c), "{}", code_point(c));
            }
        }
        assert!(!is_invisible('\t') && !is_invisible(' ') && !is_invisible('a'));
    }

    #[test]
    fn the_colon_table_is_what_nfkc_and_skeletons_say() {
        use unicode_normalization::UnicodeNormalization;
        let mut found = Vec::new();
        for c in (0x80..=0x10FFFFu32).filter_map(char::from_u32) {
            if !unicode_normalization::char::is_public_assigned(c) {
                continue;
            }
            let compatible: String = std::iter::once(c).nfkc().collect();
            let n = unicode_security::skeleton(&compatible)
                .filter(|&x| x == ':')
                .count();
            if n > 0 {
                found.push((c as u32, u8::try_from(n).unwrap()));
            }
        }
        assert_eq!(found, COLONS);
    }

    fn opening(line: &str) -> Result<Exemption, Problem> {
        match classify(line) {
            Class::Fence { rest, rest_column } => parse_opening(rest, rest_column, 1),
            other => panic!("{line:?} is not a fence: {other:?}"),
        }
    }

    #[test]
    fn settings_are_read_strictly() {
        let e = opening("::: exempt paragraph=3 reason=\"Bids\" review_on=2026-08-15").unwrap();
        assert_eq!(e.paragraph.get_ref().0, [3]);
        assert_eq!(e.reason, "Bids");
        assert_eq!(e.review_on.unwrap().to_string(), "2026-08-15");
        assert!(opening("  :::  exempt\tparagraph=1  ").is_ok());
        let refused: &[(&str, usize, &str)] = &[
            ("::: exmept paragraph=3", 5, "says `exempt`"),
            ("::: Exempt paragraph=3", 5, "says `exempt`"),
            (":::exempt paragraph=3", 4, "a space is needed"),
            ("::: exempt", 1, "needs `paragraph=N`"),
            ("::: exempt reason=\"Bids\"", 1, "needs `paragraph=N`"),
            (":::", 4, "says `exempt`"),
            ("::: exempt paragraph=8", 22, "one digit"),
            ("::: exempt paragraph=0", 22, "one digit"),
            ("::: exempt paragraph=03", 22, "one digit"),
            ("::: exempt paragraph=three", 22, "one digit"),
            ("::: exempt paragraph = 3", 21, "space before `=`"),
            ("::: exempt paragraph =3", 21, "space before `=`"),
            ("::: exempt paragraph= 3", 22, "without a value"),
            ("::: exempt paragraph=", 22, "without a value"),
            ("::: exempt paragraph=3 colour=red", 24, "unknown setting"),
            (
                "::: exempt paragraph=3 Quillfeather offered",
                24,
                "not a setting",
            ),
            ("::: exempt paragraph=3 paragraph=4", 24, "given twice"),
            ("::: exempt paragraph=3 =4", 24, "without a name"),
            (
                "::: exempt paragraph=3 reason=Bids",
                31,
                "straight double quotes",
            ),
            (
                "::: exempt paragraph=3 reason=“Bids”",
                31,
                "straight double quotes",
            ),
            ("::: exempt paragraph=3 reason=\"Bids", 31, "no closing"),
            ("::: exempt paragraph=3 reason=\"\"", 31, "empty"),
            (
                "::: exempt paragraph=3 reason=\"a\"b",
                34,
                "separated by a space",
            ),
            (
                "::: exempt paragraph=3 review_on=2026-8-15",
                34,
                "YYYY-MM-DD",
            ),
            (
                "::: exempt paragraph=3 review_on=2026-02-30",
                34,
                "YYYY-MM-DD",
            ),
            ("::: exempt paragraph=3 review_on=soon", 34, "YYYY-MM-DD"),
        ];
        for &(line, column, says) in refused {
            let p = opening(line).unwrap_err();
            assert_eq!(p.column, column, "{line:?}: {p:?}");
            assert!(p.message.contains(says), "{line:?}: {p:?}");
            assert!(!p.message.contains("Quillfeather") && !p.message.contains("colour"));
        }
    }

    fn public_text(text: &str) -> String {
        cut(text, 1)
            .parts
            .iter()
            .filter_map(|p| match p {
                Part::Text { range, .. } => Some(&text[range.clone()]),
                Part::Passage(_) => None,
            })
            .collect()
    }

    #[test]
    fn passages_are_cut_whatever_the_line_endings() {
        for ending in ["\n", "\r\n", "\r", "\u{2028}", "\u{2029}", "\u{85}"] {
            let text = [
                "Before.",
                "::: exempt paragraph=3",
                "Zqxsecret.",
                ":::",
                "After.",
                "",
            ]
            .join(ending);
            let cut = cut(&text, 10);
            assert!(cut.problems.is_empty(), "{ending:?}: {:?}", cut.problems);
            assert_eq!(cut.parts.len(), 3, "{ending:?}");
            let Part::Passage(p) = &cut.parts[1] else {
                panic!("{ending:?}: {:?}", cut.parts)
            };
            assert_eq!(p.line, 11);
            assert_eq!(&text[p.body.clone()], format!("Zqxsecret.{ending}"));
            let Part::Text { first_line, .. } = &cut.parts[2] else {
                panic!()
            };
            assert_eq!(*first_line, 14);
            assert_eq!(public_text(&text), format!("Before.{ending}After.{ending}"));
            let blanked = blank(&text);
            assert_eq!(blanked.chars().count(), text.chars().count());
            assert!(!blanked.contains("Zqx") && blanked.contains("After."));
        }
    }

    #[test]
    fn a_refused_fence_withholds_what_follows() {
        let text = "a\n> ::: exempt paragraph=3\n> Zqxsecret\n> :::\nb\n";
        let cut = cut(text, 1);
        assert_eq!(cut.problems.len(), 2, "{:?}", cut.problems);
        assert_eq!((cut.problems[0].line, cut.problems[0].column), (2, 3));
        assert_eq!(public_text(text), "a\n");
        // Refused and never closed: one problem, and the rest is withheld.
        let cut_open = super::cut("a\n\u{200B}::: exempt paragraph=3\nZqxsecret\n", 1);
        assert_eq!(cut_open.problems.len(), 1);
        assert!(!public_text("a\n\u{200B}::: exempt paragraph=3\nZqxsecret\n").contains("Zqx"));
        let unclosed = super::cut("::: exempt paragraph=3\nZqxsecret\n", 1);
        assert_eq!(
            unclosed.problems[0].message,
            "this exempt passage is never closed"
        );
    }

    #[test]
    fn a_closing_fence_holds_only_colons() {
        let text = "::: exempt paragraph=3\nx\n::: exempt paragraph=4\ny\n:::\nz\n";
        let cut = cut(text, 1);
        // The second opening is refused and the first passage goes on to
        // the `:::` line: `y` is withheld too.
        assert_eq!(cut.problems.len(), 1, "{:?}", cut.problems);
        assert_eq!((cut.problems[0].line, cut.problems[0].column), (3, 5));
        assert!(cut.problems[0].message.contains("cannot be nested"));
        assert_eq!(public_text(text), "z\n");
        // A refused closing fence does not close either.
        let text = "::: exempt paragraph=3\nx\n> :::\ny\n";
        assert_eq!(super::cut(text, 1).problems.len(), 1);
        assert_eq!(public_text(text), "");
    }

    /// Bodies mixing every spelling with a planted marker: either the cut
    /// reports a problem, or the marker is in no public part.
    #[test]
    fn generated_bodies_never_publish_a_fenced_marker() {
        let openers = [
            "::: exempt paragraph=3",
            "::: exempt paragraph=3 reason=\"Bids\"",
            "> ::: exempt paragraph=3",
            "- ::: exempt paragraph=3",
            "1. ::: exempt paragraph=3",
            "[^1]: ::: exempt paragraph=3",
            "| ::: exempt paragraph=3 |",
            "\u{200B}::: exempt paragraph=3",
            ":\u{200B}:: exempt paragraph=3",
            "\u{FEFF}::: exempt paragraph=3",
            "::\u{AD}: exempt paragraph=3",
            "：：： exempt paragraph=3",
            "﹕﹕﹕ exempt paragraph=3",
            ":: exempt paragraph=3",
            ":::: exempt paragraph=3",
            "::: exmept paragraph=3",
            "::: exempt paragraph = 3",
            "::: exempt paragraph=3 paragraph=3",
            "::: exempt colour=3",
            "::: exempt",
        ];
        let closers = [":::", "> :::", ":::\u{200B}", "：：：", "::: x", "  :::  "];
        let endings = ["\n", "\r\n", "\r", "\u{2028}", "\u{2029}", "\u{85}"];
        let fillers = ["Public words.", "", "> A quote.", "- An item.", "| a | b |"];
        let mut rng = Rng::new(14);
        let (mut refused, mut cut_clean) = (0, 0);
        for _ in 0..3000 {
            let mut body = String::new();
            let mut push = |line: &str, rng: &mut Rng| {
                body.push_str(line);
                body.push_str(endings[rng.below(endings.len())]);
            };
            for _ in 0..rng.below(3) {
                push(fillers[rng.below(fillers.len())], &mut rng);
            }
            push(openers[rng.below(openers.len())], &mut rng);
            push("Zqxmarker offered nine per cent.", &mut rng);
            if rng.below(4) > 0 {
                push(closers[rng.below(closers.len())], &mut rng);
            }
            for _ in 0..rng.below(3) {
                push(fillers[rng.below(fillers.len())], &mut rng);
            }
            let cut = cut(&body, 1);
            if cut.problems.is_empty() {
                cut_clean += 1;
            } else {
                refused += 1;
            }
            assert!(!public_text(&body).contains("Zqxmarker"), "{body:?}");
            assert!(!blank(&body).contains("Zqxmarker"), "{body:?}");
        }
        assert!(refused > 100 && cut_clean > 50, "{refused} {cut_clean}");
    }

    #[test]
    fn front_matter_strings_are_looked_at_everywhere() {
        let front = "kind = \"decision\"\n\
                     summary = \"Plain: fine.\"\n\
                     reasons = \"\"\"\nWhy.\n::: exempt paragraph=3\nx\n:::\n\"\"\"\n\
                     alternatives = [{ option = \"A\", why_rejected = \"B ：：： C\" }]\n\
                     escaped = \"\\u003a\\u003a\\u003a exempt\"\n\
                     [call_in]\nreason = \"> ::: exempt\"\n";
        let text = format!("+++\n{front}+++\nBody\n");
        let found = in_front_matter(&text, front, 4);
        let lines: Vec<(usize, usize)> = found.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(lines, [(4, 11), (10, 48), (11, 11), (13, 10)]);
        let clean = "kind = \"page\"\ntitle = \"About: us\"\n# ::: a comment\n";
        assert!(in_front_matter(clean, clean, 0).is_empty());
    }
}
