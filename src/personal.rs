//! Recognising personal data in text: NHS numbers, National Insurance numbers,
//! dates of birth, email addresses and UK phone numbers, and small counts of
//! people.
//!
//! These are pure functions over strings, used by `guard` on the
//! public output and the public sources. Each rule cites where it comes from.
//! They are tuned to fail closed: a false positive costs a person a minute and
//! can be marked in place; a miss can cost someone their privacy.
//!
//! This module never prints or returns a whole match outside a [`Hit`], and
//! [`mask`] is the only way a match may be shown to a person.

/// What was found.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Kind {
    NhsNumber,
    NiNumber,
    DateOfBirth,
    Email,
    Phone,
}

impl Kind {
    /// For messages: "an NHS number".
    pub fn describe(self) -> &'static str {
        match self {
            Kind::NhsNumber => "an NHS number",
            Kind::NiNumber => "a National Insurance number",
            Kind::DateOfBirth => "a date of birth",
            Kind::Email => "an email address",
            Kind::Phone => "a phone number",
        }
    }

    /// For the report: `nhs_number`.
    pub fn key(self) -> &'static str {
        match self {
            Kind::NhsNumber => "nhs_number",
            Kind::NiNumber => "ni_number",
            Kind::DateOfBirth => "date_of_birth",
            Kind::Email => "email",
            Kind::Phone => "phone",
        }
    }
}

/// A match: its kind, byte range, and a normalised key used to compare it
/// with allow-lists (never shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    pub key: String,
}

/// Every hit in `text`, in order of position: in the text as it is written,
/// and in the text as it reads ([`Joined`]: inline markup taken out, soft line
/// breaks, dashes and spaces made plain), so that `**943** 476 5919`,
/// `<strong>943</strong> 476 5919`, `943 476` broken over two lines and
/// `943–476–5919` are all found. Positions are in `text`.
pub fn find(text: &str) -> Vec<Hit> {
    let mut hits = find_as_written(text);
    let Some(joined) = Joined::of(text) else {
        return hits;
    };
    let written = hits.len();
    for mut hit in find_as_written(&joined.text) {
        hit.start = joined.original(hit.start, false);
        hit.end = joined.original(hit.end, true);
        // Once only: what the text as written already showed is not shown again.
        let seen = hits[..written].iter().any(|h| {
            (h.kind == hit.kind || hit.kind == Kind::Phone)
                && h.start < hit.end
                && hit.start < h.end
        });
        if !seen {
            hits.push(hit);
        }
    }
    hits.sort_by_key(|h| (h.start, h.kind));
    hits
}

/// Inline HTML elements: taken out of the text as it reads, since a number
/// or date split by them is still one number or date on the page. In
/// alphabetical order (looked up by binary search).
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "font", "i",
    "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u",
    "var", "wbr",
];

/// A text as a person reads it, with a map back to where it is written:
/// inline tags (`<strong>`, [`INLINE_TAGS`]) and Markdown emphasis (`*`, `` ` ``,
/// `~`, `_` at the edge of a word, `\` escapes) taken out; entities decoded;
/// dashes (en dash, minus sign, ...) read as `-`, spaces of every width as a
/// space, invisible characters (soft hyphens, zero-width spaces) dropped; a
/// line break within a paragraph (a soft break, the next line not blank)
/// read as a space. Tags are only taken out when they close on their line, so
/// a file looked at line by line reads the same.
pub struct Joined {
    pub text: String,
    /// Where the two texts go on alike: (offset in `text`, offset in the
    /// original), in order.
    edits: Vec<(usize, usize)>,
    /// For each edit, whether something was read in place of what was
    /// written (a digit, a dash), rather than taken out.
    replaced: Vec<bool>,
}

impl Joined {
    /// The text as it reads, or `None` when it reads as it is written.
    pub fn of(original: &str) -> Option<Joined> {
        let b = original.as_bytes();
        let mut text = String::new();
        let mut edits = Vec::new();
        let mut replaced = Vec::new();
        let mut copied = 0;
        let mut at = 0;
        loop {
            at = skip_to_trigger(b, at);
            if at >= b.len() {
                break;
            }
            let rest = &original[at..];
            // The character before, for the two rules that look at it
            // (ASCII unless an underscore follows a letter beyond ASCII).
            let prev_byte = at.checked_sub(1).map_or(b' ', |i| b[i]);
            let edit: Option<(usize, &str)> = match b[at] {
                b'<' => inline_tag(rest).map(|(len, br)| (len, if br { " " } else { "" })),
                b'*' | b'`' | b'~' => Some((1, "")),
                b'_' => {
                    let prev = if prev_byte.is_ascii() {
                        char::from(prev_byte)
                    } else {
                        original[..at].chars().next_back().unwrap_or(' ')
                    };
                    let next = rest[1..].chars().next().unwrap_or(' ');
                    (!prev.is_alphanumeric() || !next.is_alphanumeric()).then_some((1, ""))
                }
                b'\\' => rest[1..]
                    .chars()
                    .next()
                    .filter(char::is_ascii_punctuation)
                    .map(|_| (1, "")),
                b'&' => entity(rest),
                b'\n' => soft_break(rest, prev_byte),
                b'\r' if rest[1..].starts_with('\n') => {
                    soft_break(&rest[1..], prev_byte).map(|(len, with)| (len + 1, with))
                }
                b'\r' => None,
                _ => {
                    let c = rest.chars().next().expect("not at the end");
                    match plain_char(c) {
                        Some(with) => Some((c.len_utf8(), with)),
                        None => {
                            at += c.len_utf8();
                            continue;
                        }
                    }
                }
            };
            match edit {
                Some((len, with)) => {
                    if text.is_empty() {
                        text.reserve(original.len());
                    }
                    text.push_str(&original[copied..at]);
                    text.push_str(with);
                    copied = at + len;
                    edits.push((text.len(), copied));
                    replaced.push(!with.is_empty());
                    at += len;
                }
                None => at += 1,
            }
        }
        if edits.is_empty() {
            return None;
        }
        text.push_str(&original[copied..]);
        Some(Joined {
            text,
            edits,
            replaced,
        })
    }

    /// The offset in the original of `at` in the text as it reads; an `end`
    /// is placed after what comes before it, not after a tag that follows.
    pub fn original(&self, at: usize, end: bool) -> usize {
        let i = if end {
            let i = self.edits.partition_point(|e| e.0 < at);
            // An end just after what was read in place of something (`９`
            // read as `9`) is after that something as written.
            match self.edits.get(i) {
                Some(e) if e.0 == at && self.replaced[i] => i + 1,
                _ => i,
            }
        } else {
            self.edits.partition_point(|e| e.0 <= at)
        };
        match i.checked_sub(1) {
            None => at,
            Some(i) => {
                let (joined, original) = self.edits[i];
                original + (at - joined)
            }
        }
    }
}

/// Bytes at which [`Joined::of`] may take something out or make it plain:
/// markup, entities, line ends, and the lead bytes of the dashes, spaces,
/// invisible characters and digits of [`plain_char`].
const TRIGGERS: [bool; 256] = {
    let mut t = [false; 256];
    let bytes = b"<*_`~\\&\n\r\xC2\xD9\xDB\xDF\xE0\xE1\xE2\xE3\xEA\xEF\xF0";
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
};

/// The first index at or after `from` whose byte is one of [`TRIGGERS`], or
/// `b.len()`: eight bytes at a time while none of them can be (ASCII bytes
/// that are not `<`, `*`, `_`, `` ` ``, `~`, `\\`, `&`, or a line end).
fn skip_to_trigger(b: &[u8], from: usize) -> usize {
    let mut i = from.min(b.len());
    while let Some(chunk) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let maybe = x & HIGHS != 0
            || any_byte_below(x, b'\r' + 1)
            || any_byte_is(x, b'<')
            || any_byte_is(x, b'*')
            || any_byte_is(x, b'_')
            || any_byte_is(x, b'`')
            || any_byte_is(x, b'~')
            || any_byte_is(x, b'\\')
            || any_byte_is(x, b'&');
        if maybe {
            break;
        }
        i += 8;
    }
    while i < b.len() && !TRIGGERS[usize::from(b[i])] {
        i += 1;
    }
    i
}

/// The length of the inline tag `rest` starts with (ending on its line,
/// within 256 bytes), and whether it is a line break.
fn inline_tag(rest: &str) -> Option<(usize, bool)> {
    // The name first: most tags in a page are not inline, and are let go
    // before their end is looked for.
    let inner = rest[1..].strip_prefix('/').unwrap_or(&rest[1..]);
    let name_len = inner
        .bytes()
        .position(|c| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    if !matches!(
        inner.as_bytes().get(name_len),
        Some(b'>' | b' ' | b'\t' | b'/')
    ) {
        return None;
    }
    let name = &inner[..name_len];
    let tag = INLINE_TAGS
        .binary_search_by(|t| t.bytes().cmp(name.bytes().map(|c| c.to_ascii_lowercase())))
        .ok()?;
    let close = rest
        .as_bytes()
        .iter()
        .take(256)
        .position(|&c| c == b'>' || c == b'\n')?;
    if rest.as_bytes()[close] != b'>' {
        return None;
    }
    Some((close + 1, INLINE_TAGS[tag] == "br"))
}

/// An entity at the start of `rest`, decoded and made plain.
fn entity(rest: &str) -> Option<(usize, &'static str)> {
    let semi = rest.as_bytes().iter().take(12).position(|&c| c == b';')?;
    let decoded = crate::unicode::decode_entities(&rest[..=semi]);
    let mut chars = decoded.chars();
    let c = chars.next()?;
    if chars.next().is_some() || decoded.len() == semi + 1 {
        return None;
    }
    // Not `unwrap_or(match ..)`: that match would run, and return, first.
    let with = match (plain_char(c), c) {
        (Some(with), _) => with,
        (None, '-') => "-",
        (None, '.') => ".",
        (None, ' ') => " ",
        (None, '/') => "/",
        (None, _) => return None,
    };
    Some((semi + 1, with))
}

/// How a dash, a space, an invisible character or a digit of another
/// script reads.
fn plain_char(c: char) -> Option<&'static str> {
    match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe58}' | '\u{fe63}' | '\u{ff0d}' => Some("-"),
        '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => Some(" "),
        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => Some(""),
        _ if !c.is_ascii() && c.is_numeric() => decimal_digit(c),
        _ => None,
    }
}

/// The zero of every script's decimal digits beyond ASCII (Unicode 14,
/// general category Nd: each zero is followed by one to nine, in order).
const DIGIT_ZEROS: [u32; 65] = [
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// A decimal digit of another script (fullwidth `９`, Arabic-Indic `٩`,
/// Devanagari `९`, ...) as the ASCII digit it is: a number written in them
/// is the same number.
fn decimal_digit(c: char) -> Option<&'static str> {
    const ASCII: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    let at = DIGIT_ZEROS.partition_point(|&zero| zero <= u32::from(c));
    let value = u32::from(c) - DIGIT_ZEROS[at.checked_sub(1)?];
    ASCII.get(value as usize).copied()
}

/// A soft line break at the start of `rest` (a newline, the next line not
/// blank and this one not ending a paragraph) and its indentation, read as
/// one space (none after a space).
fn soft_break(rest: &str, prev: u8) -> Option<(usize, &'static str)> {
    if prev == b'\n' {
        return None;
    }
    let indent = rest[1..]
        .bytes()
        .take_while(|&c| c == b' ' || c == b'\t')
        .count();
    let next = rest.as_bytes().get(1 + indent).copied().unwrap_or(b'\n');
    if matches!(next, b'\n' | b'\r') {
        return None;
    }
    Some((1 + indent, if prev == b' ' { "" } else { " " }))
}

/// Every hit in `text` as it is written, in order of position.
fn find_as_written(text: &str) -> Vec<Hit> {
    let mut hits = nhs_numbers(text);
    hits.extend(ni_numbers(text));
    hits.extend(dates_of_birth(text));
    hits.extend(emails(text));
    hits.extend(obfuscated_emails(text));
    // A 3-3-4 NHS number can also look like a phone number: report it once.
    let taken: Vec<(usize, usize)> = hits.iter().map(|h| (h.start, h.end)).collect();
    hits.extend(
        phones(text)
            .into_iter()
            .filter(|p| !taken.iter().any(|&(s, e)| p.start < e && s < p.end)),
    );
    hits.sort_by_key(|h| (h.start, h.kind));
    hits
}

/// The keys under which an allowed value (from site.toml or front matter) is
/// compared with hits: as an email, as a phone number, and as letters and digits.
pub fn allow_keys(value: &str) -> Vec<String> {
    let mut keys = vec![alnum_key(value)];
    keys.extend(contact_allow_keys(value));
    keys
}

/// The keys under which a value published as a contact (an email address
/// or phone number: the site's contact, a lead officer's, an `email` or
/// `phone` data column's) is compared with hits: as an email address, or as
/// a phone number, and nothing else. A "phone number" that is an NHS or
/// National Insurance number is not allowed as one by being published as a
/// phone number.
pub fn contact_allow_keys(value: &str) -> Vec<String> {
    let mut keys = Vec::new();
    if value.contains('@') {
        keys.push(value.trim().to_ascii_uppercase());
    }
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    if let Some(national) = phone_key(value.trim_start().starts_with('+'), &digits) {
        keys.push(national);
    }
    keys
}

/// Shows only the last three letters or digits: enough for a person to find
/// the match in the file, not enough to disclose it (CI logs are often public).
pub fn mask(text: &str) -> String {
    let chars: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).collect();
    let tail: String = chars[chars.len().saturating_sub(3)..].iter().collect();
    format!("ending `{tail}`")
}

fn alnum_key(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn byte(text: &[u8], i: usize) -> u8 {
    text.get(i).copied().unwrap_or(b' ')
}

fn digits_at(b: &[u8], i: usize) -> usize {
    b[i.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count()
}

/// Bytes the scans skip ahead to: each is rare in running text, and every
/// match starts at (or, for NI numbers, just before) one.
#[derive(Debug, Clone, Copy)]
enum Wanted {
    /// `0` to `9`.
    Digit,
    /// `0`, `+` or `(`: how a phone number starts.
    PhoneStart,
    /// `b` or `B`: in every birth word.
    LetterB,
    /// `a`, `A`, `@`, or the lead byte of a fullwidth `＠`: what comes at,
    /// or a byte or two after, the start of an address's written-out `@`.
    At,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether any byte of `x` is less than `n` (at most 128): exact as to
/// whether there is one, though not as to which.
fn any_byte_below(x: u64, n: u8) -> bool {
    x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS != 0
}

/// Whether any byte of `x` is `c`.
fn any_byte_is(x: u64, c: u8) -> bool {
    any_byte_below(x ^ (ONES * u64::from(c)), 1)
}

impl Wanted {
    fn is(self, c: u8) -> bool {
        match self {
            Wanted::Digit => c.is_ascii_digit(),
            Wanted::PhoneStart => matches!(c, b'0' | b'+' | b'(' | b'4'),
            Wanted::LetterB => c | 0x20 == b'b',
            Wanted::At => c | 0x20 == b'a' || c == b'@' || c == 0xEF,
        }
    }

    /// Whether any of the eight bytes of `x` [`Wanted::is`].
    fn any_of(self, x: u64) -> bool {
        match self {
            // `0` to `9` are 0x30 to 0x39: below 10 once 0x30 is taken off by
            // xor, and nothing else is.
            Wanted::Digit => any_byte_below(x ^ (ONES * 0x30), 10),
            Wanted::PhoneStart => {
                any_byte_is(x, b'0')
                    || any_byte_is(x, b'+')
                    || any_byte_is(x, b'(')
                    || any_byte_is(x, b'4')
            }
            Wanted::LetterB => any_byte_is(x | (ONES * 0x20), b'b'),
            Wanted::At => {
                any_byte_is(x | (ONES * 0x20), b'a') || any_byte_is(x, b'@') || any_byte_is(x, 0xEF)
            }
        }
    }
}

/// The first index at or after `from` whose byte is `wanted`, or `b.len()`:
/// eight bytes at a time while none of them is.
fn skip_to(b: &[u8], from: usize, wanted: Wanted) -> usize {
    let mut i = from.min(b.len());
    while let Some(chunk) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        if wanted.any_of(x) {
            break;
        }
        i += 8;
    }
    while i < b.len() && !wanted.is(b[i]) {
        i += 1;
    }
    i
}

/// Whether the byte before `i` is a decimal point: a `.` after a digit
/// (`12.943`). After a letter it ends an abbreviation (`No.943`, `Tel.07700`),
/// and what follows is a number of its own.
fn after_decimal_point(b: &[u8], i: usize) -> bool {
    i > 0 && b[i - 1] == b'.' && i > 1 && b[i - 2].is_ascii_digit()
}

/// NHS numbers: ten digits, written together or as 3-3-4 with spaces,
/// hyphens or dots ([`group_gap`]; other dashes are read as hyphens by
/// [`Joined`]), whose last digit is the modulus 11 check digit (NHS Data
/// Dictionary, "NHS Number": weights 10 to 2 on the first nine digits; a
/// remainder giving 10 is never issued). Numbers of one repeated digit are
/// not issued either and are ignored.
pub fn nhs_numbers(text: &str) -> Vec<Hit> {
    let b = text.as_bytes();
    let mut hits = Vec::new();
    let mut i = 0;
    loop {
        i = skip_to(b, i, Wanted::Digit);
        if i >= b.len() {
            break;
        }
        // Not part of a longer word or the decimals of a number.
        if !b[i].is_ascii_digit()
            || (i > 0 && (b[i - 1].is_ascii_alphanumeric() || after_decimal_point(b, i)))
        {
            i += 1;
            continue;
        }
        let run = digits_at(b, i);
        let mut found = None;
        if run == 10 && !byte(b, i + 10).is_ascii_alphanumeric() {
            found = Some((i + 10, b[i..i + 10].to_vec()));
        } else if (2..=8).contains(&run) {
            found = grouped_nhs_number(b, i);
        } else if run == 1 {
            found = spaced_nhs_number(b, i);
        }
        if let Some((end, digits)) = found {
            if nhs_check_digit_valid(&digits) {
                hits.push(Hit {
                    kind: Kind::NhsNumber,
                    start: i,
                    end,
                    key: String::from_utf8(digits).expect("digits"),
                });
                i = end;
                continue;
            }
        }
        i += run.max(1);
    }
    hits
}

/// The separator between groups of digits at `at`, as people write it: a
/// space, a hyphen or a dot, or a hyphen or dot with a space on either side
/// (`943 476 5919`, `943.476.5919`, `943 - 476 - 5919`). Its length, 0 if none.
fn group_gap(b: &[u8], at: usize) -> usize {
    let mut j = at;
    if byte(b, j) == b' ' && j < b.len() {
        j += 1;
    }
    if matches!(byte(b, j), b'-' | b'.') {
        j += 1;
        if byte(b, j) == b' ' && j < b.len() {
            j += 1;
        }
    }
    j - at
}

/// An NHS number written in two or three groups of two figures or more
/// starting at `i`: 3-3-4 as the NHS writes it, or as people regroup it
/// (`9434 765 919`, `9434 765919`): its end and its ten digits.
fn grouped_nhs_number(b: &[u8], i: usize) -> Option<(usize, Vec<u8>)> {
    // Not the later groups of a longer number (`0044 7700 900124`).
    let before = b[..i]
        .iter()
        .rev()
        .take(3)
        .position(|c| !matches!(c, b' ' | b'-' | b'.'))
        .unwrap_or(i.min(3));
    if before > 0 && i > before && b[i - before - 1].is_ascii_digit() {
        return None;
    }
    let mut digits = Vec::with_capacity(10);
    let mut at = i;
    let mut groups = 0;
    loop {
        let n = digits_at(b, at);
        if n < 2 || digits.len() + n > 10 {
            return None;
        }
        digits.extend_from_slice(&b[at..at + n]);
        groups += 1;
        at += n;
        if digits.len() == 10 {
            break;
        }
        let gap = group_gap(b, at);
        if gap == 0 {
            return None;
        }
        at += gap;
    }
    if !(2..=3).contains(&groups) || byte(b, at).is_ascii_alphanumeric() {
        return None;
    }
    Some((at, digits))
}

/// An NHS number written a digit at a time with a space between each
/// (`9 4 3 4 7 6 5 9 1 9`), as forms and PDFs that place each figure on its
/// own show it, starting at `i`: its end and digits.
fn spaced_nhs_number(b: &[u8], i: usize) -> Option<(usize, Vec<u8>)> {
    // Not from the middle of a longer run of spaced figures.
    if i >= 2 && b[i - 1] == b' ' && b[i - 2].is_ascii_digit() {
        return None;
    }
    let mut digits = vec![b[i]];
    let mut at = i + 1;
    while digits.len() < 10 {
        let next = byte(b, at + 1);
        if byte(b, at) != b' ' || !next.is_ascii_digit() || byte(b, at + 2).is_ascii_digit() {
            return None;
        }
        digits.push(next);
        at += 2;
    }
    // An eleventh figure, or one run on into a word: not ten on their own.
    let more = byte(b, at) == b' ' && byte(b, at + 1).is_ascii_digit();
    if more || byte(b, at).is_ascii_alphanumeric() {
        return None;
    }
    Some((at, digits))
}

/// The modulus 11 check of an NHS number's ten ASCII digits.
pub fn nhs_check_digit_valid(digits: &[u8]) -> bool {
    if digits.len() != 10 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    if digits.iter().all(|&d| d == digits[0]) {
        return false;
    }
    let sum: u32 = digits[..9]
        .iter()
        .enumerate()
        .map(|(i, d)| u32::from(d - b'0') * (10 - i as u32))
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == u32::from(digits[9] - b'0')
}

/// National Insurance numbers, by HMRC's rules (National Insurance Manual
/// NIM39110): two prefix letters, six digits, a suffix A, B, C or D. The first
/// letter is not D, F, I, Q, U or V; the second is not D, F, I, O, Q, U or V;
/// the prefixes BG, GB, KN, NK, NT, TN and ZZ are not allocated. Spaces,
/// hyphens or dots between the pairs are allowed, as people write them.
pub fn ni_numbers(text: &str) -> Vec<Hit> {
    let b = text.as_bytes();
    let mut hits = Vec::new();
    // The first pair of digits starts two to five bytes in (after the
    // letters and a separator of up to three bytes, [`group_gap`]): only the
    // positions three before a digit, or four or five before one with a
    // separator after the letters, can start a number.
    let mut digit = 0;
    loop {
        digit = skip_to(b, digit, Wanted::Digit);
        if digit >= b.len() {
            break;
        }
        let d = digit;
        digit += 1;
        for back in 3..=5 {
            let Some(i) = d.checked_sub(back) else {
                break;
            };
            if back > 3 && !matches!(b[i + 2], b' ' | b'-' | b'.') {
                continue;
            }
            if !b[i].is_ascii_alphabetic() || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
                continue;
            }
            let Some((end, key)) = ni_at(b, i) else {
                continue;
            };
            hits.push(Hit {
                kind: Kind::NiNumber,
                start: i,
                end,
                key,
            });
        }
    }
    // A number spaced out is reached from more than one digit.
    hits.sort_by_key(|h| h.start);
    hits.dedup_by_key(|h| h.start);
    hits
}

fn ni_at(b: &[u8], i: usize) -> Option<(usize, String)> {
    let first = byte(b, i).to_ascii_uppercase();
    let second = byte(b, i + 1).to_ascii_uppercase();
    if !first.is_ascii_uppercase() || !second.is_ascii_uppercase() {
        return None;
    }
    if b"DFIQUV".contains(&first) || b"DFIOQUV".contains(&second) {
        return None;
    }
    let prefix = [first, second];
    if [b"BG", b"GB", b"KN", b"NK", b"NT", b"TN", b"ZZ"].contains(&&prefix) {
        return None;
    }
    let mut at = i + 2;
    let mut key = String::from_utf8(prefix.to_vec()).ok()?;
    let mut spaced = true;
    for _ in 0..3 {
        let gap = group_gap(b, at);
        spaced &= gap > 0;
        at += gap;
        if !(byte(b, at).is_ascii_digit() && byte(b, at + 1).is_ascii_digit()) {
            return None;
        }
        key.push(b[at] as char);
        key.push(b[at + 1] as char);
        at += 2;
    }
    let digits_end = at;
    at += group_gap(b, at);
    let suffix = byte(b, at).to_ascii_uppercase();
    if !(b'A'..=b'D').contains(&suffix) || byte(b, at + 1).is_ascii_alphanumeric() {
        // Written without its letter, as forms often do, in the pairs an
        // NI number is written in (`AB 12 34 56`), after words that say it
        // is one (`NI`, `NINO`, `National Insurance`): run together, or
        // without those words, two letters and six figures are any
        // reference (or bytes of a binary file).
        let alone = !byte(b, digits_end).is_ascii_alphanumeric();
        return (spaced && alone && ni_word_before(b, i)).then_some((digits_end, key));
    }
    key.push(suffix as char);
    Some((at + 1, key))
}

/// Whether words that name an NI number (`NI`, `NINO`, `National
/// Insurance`) end within 40 bytes before `i`.
fn ni_word_before(b: &[u8], i: usize) -> bool {
    let from = i.saturating_sub(40);
    let before = &b[from..i];
    let word_at = |at: usize, len: usize| {
        (at == 0 || !before[at - 1].is_ascii_alphanumeric())
            && before
                .get(at + len)
                .is_none_or(|c| !c.is_ascii_alphanumeric())
    };
    ["ni", "nino", "insurance"].iter().any(|w| {
        before
            .windows(w.len())
            .enumerate()
            .any(|(at, win)| win.eq_ignore_ascii_case(w.as_bytes()) && word_at(at, w.len()))
    })
}

/// Where the cell before `at` ends when `b[..at]` ends with the boundary
/// of two cells of a table (spaces aside): `</td><td>` (or `th`, with
/// attributes, across a line break), a Markdown `|`, a CSV comma or a tab.
fn cell_gap_before(b: &[u8], at: usize) -> Option<usize> {
    let blank = |c: u8| matches!(c, b' ' | b'\n' | b'\r');
    let mut end = at;
    while end > 0 && blank(b[end - 1]) {
        end -= 1;
    }
    match b[..end].last()? {
        b'|' | b',' | b'\t' => {
            let mut i = end - 1;
            while i > 0 && b[i - 1] == b' ' {
                i -= 1;
            }
            Some(i)
        }
        b'>' => {
            // An opening cell tag, after a closing one.
            let open = b[..end].iter().rposition(|&c| c == b'<')?;
            if !opens_cell(&b[open..end]) {
                return None;
            }
            let mut i = open;
            while i > 0 && blank(b[i - 1]) {
                i -= 1;
            }
            let close = i.checked_sub(5)?;
            closes_cell(&b[close..i]).then_some(close)
        }
        _ => None,
    }
}

/// Where the next cell's text starts when `b[from..]` starts with the
/// boundary of two cells of a table ([`cell_gap_before`], read forwards).
fn cell_gap_after(b: &[u8], from: usize) -> Option<usize> {
    let skip = |mut i: usize| {
        while matches!(b.get(i), Some(b' ' | b'\n' | b'\r')) {
            i += 1;
        }
        i
    };
    let i = skip(from);
    match b.get(i)? {
        b'|' | b',' | b'\t' => Some(skip(i + 1)),
        b'<' => {
            if !closes_cell(b.get(i..i + 5)?) {
                return None;
            }
            let open = skip(i + 5);
            let end = open + b.get(open..)?.iter().position(|&c| c == b'>')? + 1;
            opens_cell(&b[open..end]).then(|| skip(end))
        }
        _ => None,
    }
}

/// Whether `tag` is `<td>` or `<th>`, with or without attributes.
fn opens_cell(tag: &[u8]) -> bool {
    tag.len() >= 4
        && tag[0] == b'<'
        && tag[1] | 0x20 == b't'
        && matches!(tag[2] | 0x20, b'd' | b'h')
        && matches!(tag[3], b'>' | b' ')
        && tag.ends_with(b">")
}

/// Whether `tag` is `</td>` or `</th>`.
fn closes_cell(tag: &[u8]) -> bool {
    tag.len() == 5
        && tag.starts_with(b"</")
        && tag[2] | 0x20 == b't'
        && matches!(tag[3] | 0x20, b'd' | b'h')
        && tag[4] == b'>'
}

/// Email addresses: a local part, `@`, and a domain with a dot and a
/// top-level name of letters.
pub fn emails(text: &str) -> Vec<Hit> {
    let b = text.as_bytes();
    let mut hits = Vec::new();
    let local_char = |c: u8| c.is_ascii_alphanumeric() || b"._%+-'".contains(&c);
    let domain_char = |c: u8| c.is_ascii_alphanumeric() || c == b'.' || c == b'-';
    let mut last_end = 0;
    for (at, _) in text.match_indices('@') {
        if at < last_end {
            continue;
        }
        // The local part, and where it ends: at the `@`, or (split over
        // two cells of a table, `jane.smith | @example.org`) before the
        // cells' boundary.
        let local_before = |to: usize| {
            let mut start = to;
            while start > 0 && local_char(b[start - 1]) {
                start -= 1;
            }
            while start < to && !b[start].is_ascii_alphanumeric() {
                start += 1;
            }
            start
        };
        let mut local_end = at;
        let mut start = local_before(at);
        if start == at {
            if let Some(gap) = cell_gap_before(b, at) {
                local_end = gap;
                start = local_before(gap);
            }
        }
        let domain_after = |from: usize| {
            let mut end = from;
            while end < b.len() && domain_char(b[end]) {
                end += 1;
            }
            while end > from && !b[end - 1].is_ascii_alphanumeric() {
                end -= 1;
            }
            end
        };
        let mut domain_start = at + 1;
        let mut end = domain_after(domain_start);
        if end == domain_start {
            if let Some(gap) = cell_gap_after(b, at + 1) {
                domain_start = gap;
                end = domain_after(gap);
            }
        }
        let domain = &text[domain_start..end];
        let tld_ok = domain.rsplit_once('.').is_some_and(|(host, tld)| {
            !host.is_empty() && tld.len() >= 2 && tld.bytes().all(|c| c.is_ascii_alphabetic())
        });
        if start == local_end || !tld_ok {
            continue;
        }
        hits.push(Hit {
            kind: Kind::Email,
            start,
            end,
            key: format!("{}@{domain}", &text[start..local_end]).to_ascii_uppercase(),
        });
        last_end = end;
    }
    hits
}

/// Email addresses written so that a plain search misses them, as people
/// write them in letters and forms: `jane.smith at gmail dot com`, `jane
/// [at] gmail [dot] com`, `jane(at)gmail.com`, `jane @ gmail.com`, a
/// fullwidth `＠`. The key is the address as it is meant
/// (`JANE.SMITH@GMAIL.COM`), so that an allowed address is allowed however
/// it is written. A bare ` at ` counts only with a ` dot ` after it, since
/// `available at www.example.gov.uk` is no address.
pub fn obfuscated_emails(text: &str) -> Vec<Hit> {
    const ATS: &[&str] = &[
        " [at] ", "[at]", " (at) ", "(at)", " {at} ", "{at}", " at ", " @ ", "\u{ff20}",
    ];
    const DOTS: &[&str] = &[
        " [dot] ", "[dot]", " (dot) ", "(dot)", " {dot} ", "{dot}", " dot ", ".",
    ];
    let b = text.as_bytes();
    let local_char = |c: u8| c.is_ascii_alphanumeric() || b"._%+-'".contains(&c);
    let label_char = |c: u8| c.is_ascii_alphanumeric() || c == b'-';
    let mut hits = Vec::new();
    let mut i = 0;
    // A marker can start only here: a cheap look at two bytes first, as
    // the guard reads every byte of the output.
    let may_start = |i: usize| match b[i] {
        b' ' => matches!(
            b.get(i + 1).map(u8::to_ascii_lowercase),
            Some(b'a' | b'@' | b'[' | b'(' | b'{')
        ),
        b'[' | b'(' | b'{' => b.get(i + 1).is_some_and(|c| c.eq_ignore_ascii_case(&b'a')),
        0xEF => true,
        _ => false,
    };
    while i < b.len() {
        let marker = match may_start(i) {
            true => ATS.iter().find(|m| starts_with_ignoring_case(&b[i..], m)),
            false => None,
        };
        let Some(marker) = marker else {
            // The next marker starts one or two bytes before an `a` or `@`
            // (` at `, ` [at] `, ` @ `), or at a `＠`: nowhere before the
            // next of those.
            let j = skip_to(b, i + 1, Wanted::At);
            i = j.saturating_sub(2).max(i + 1);
            continue;
        };
        let next = i + 1;
        // The local part, just before.
        let mut start = i;
        while start > 0 && local_char(b[start - 1]) {
            start -= 1;
        }
        while start < i && !b[start].is_ascii_alphanumeric() {
            start += 1;
        }
        // The domain's labels, each after a dot however written.
        let mut at = i + marker.len();
        let mut labels: Vec<&str> = Vec::new();
        let mut word_dot = false;
        // Where the last label ends.
        let mut end = at;
        loop {
            let label_start = at;
            while at < b.len() && label_char(b[at]) {
                at += 1;
            }
            if at == label_start {
                break;
            }
            labels.push(&text[label_start..at]);
            end = at;
            let dot = DOTS.iter().find(|d| {
                starts_with_ignoring_case(&b[at..], d)
                    && b.get(at + d.len()).is_some_and(|&c| label_char(c))
            });
            match dot {
                Some(d) => {
                    word_dot |= *d != ".";
                    at += d.len();
                }
                None => break,
            }
        }
        let tld_ok = labels.len() >= 2
            && labels
                .last()
                .is_some_and(|t| t.len() >= 2 && t.bytes().all(|c| c.is_ascii_alphabetic()));
        let bare = marker.eq_ignore_ascii_case(" at ");
        if start < i && tld_ok && (word_dot || !bare) {
            hits.push(Hit {
                kind: Kind::Email,
                start,
                end,
                key: format!("{}@{}", &text[start..i], labels.join(".")).to_ascii_uppercase(),
            });
            i = end;
        } else {
            i = next;
        }
    }
    hits
}

/// A phone number's key: national digits starting with 0 (so `+44 3069
/// 990000` and `03069 990000` are the same number), when the digits can be a
/// UK number at all (Ofcom National Telephone Numbering Plan: ten or eleven
/// digits starting 01, 02, 03, 05, 07, 08 or 09).
fn phone_key(international: bool, digits: &str) -> Option<String> {
    // `0044` is how `+44` is dialled from abroad.
    let (international, digits) = match digits.strip_prefix("00") {
        Some(rest) if !international && rest.starts_with("44") => (true, rest),
        _ => (international, digits),
    };
    // The national number is `0` then `rest`; made only once it is one.
    let rest = if international {
        let rest = digits.strip_prefix("44")?;
        rest.strip_prefix('0').unwrap_or(rest)
    } else {
        digits.strip_prefix('0')?
    };
    let ok = (rest.len() == 9 || rest.len() == 10) && !rest.starts_with(['0', '4', '6']);
    ok.then(|| format!("0{rest}"))
}

/// UK phone numbers: `0`, `+44` or `44` then groups of digits separated by
/// single spaces or hyphens, with the area code optionally in brackets, ten
/// or eleven digits in all (the national number's).
pub fn phones(text: &str) -> Vec<Hit> {
    let b = text.as_bytes();
    let mut hits = Vec::new();
    let mut digits = String::new();
    let mut i = 0;
    loop {
        // Every number starts with one of these.
        i = skip_to(b, i, Wanted::PhoneStart);
        if i >= b.len() {
            break;
        }
        let c = b[i];
        // `44 7700 900123`: the country's code without its `+`, only
        // as a group of its own (a run of digits starting 44 is any number).
        let bare_country =
            c == b'4' && b[i..].starts_with(b"44") && matches!(byte(b, i + 2), b' ' | b'-');
        let starts = match c {
            b'0' => true,
            b'4' => bare_country,
            b'+' => b[i..].starts_with(b"+44"),
            b'(' => matches!(byte(b, i + 1), b'0' | b'+'),
            _ => false,
        };
        let boundary = || {
            i == 0
                || !(b[i - 1].is_ascii_alphanumeric()
                    || b"+/\xA3$".contains(&b[i - 1])
                    || after_decimal_point(b, i))
        };
        if !(starts && boundary()) {
            i += 1;
            continue;
        }
        let international = c == b'+' || byte(b, i + 1) == b'+' || bare_country;
        // Walk groups of digits; remember the longest prefix that is a number.
        let mut at = i;
        digits.clear();
        let mut best: Option<(usize, String)> = None;
        loop {
            while matches!(byte(b, at), b'(' | b'+') && at < b.len() {
                at += 1;
            }
            let run = digits_at(b, at);
            if run == 0 {
                break;
            }
            digits.push_str(&text[at..at + run]);
            at += run;
            if byte(b, at) == b')' && text[i..at].contains('(') {
                at += 1;
                if byte(b, at).is_ascii_digit() {
                    continue; // `(0)20`: the group after the brackets
                }
            }
            let next = byte(b, at);
            let decimal = next == b'.' && byte(b, at + 1).is_ascii_digit();
            if !next.is_ascii_alphanumeric() && !decimal || at >= b.len() {
                if let Some(key) = phone_key(international, &digits) {
                    best = Some((at, key));
                }
            }
            if digits.len() > 13 {
                break;
            }
            let sep = byte(b, at);
            let after = byte(b, at + 1);
            if (sep == b' ' || sep == b'-') && (after.is_ascii_digit() || after == b'(') {
                at += 1;
            } else {
                break;
            }
        }
        match best {
            Some((end, key)) => {
                hits.push(Hit {
                    kind: Kind::Phone,
                    start: i,
                    end,
                    key,
                });
                i = end;
            }
            None => i += 1,
        }
    }
    hits
}

/// Words that introduce a date of birth.
const BIRTH_WORDS: &[&str] = &[
    "date of birth",
    "date_of_birth",
    "date-of-birth",
    "dateofbirth",
    "birth date",
    "birth_date",
    "birth-date",
    "birthdate",
    "birthday",
    "d.o.b",
    "dob",
    "born",
    "birth:",
    "b.",
    "b ",
];

/// How far after a birth word a date may start, in bytes: `b.` is an
/// abbreviation only with a date straight after it (`(b. 1950-03-12)`); a
/// label that can only name a date of birth (`Date of birth`, `DOB`) reaches
/// further, to the end of its sentence, as forms put words between a label
/// and its date (`Date of birth (as the GP recorded it): 12/03/1950`).
fn birth_window(word: &str) -> usize {
    match word {
        "b." | "b " => 2,
        "born" | "birthday" => BIRTH_WINDOW,
        _ => LABEL_WINDOW,
    }
}

/// Where the window for a date after the birth word `word`, ending at `end`
/// in `b`, ends: [`birth_window`] bytes on, or for a label, at the end of
/// its sentence or paragraph if that comes first (but never nearer than
/// [`BIRTH_WINDOW`]).
fn birth_window_end(b: &[u8], word: &str, end: usize) -> usize {
    let far = (end + birth_window(word)).min(b.len());
    if birth_window(word) <= BIRTH_WINDOW {
        return far;
    }
    let stop = (end..far).find(|&i| {
        let sentence = matches!(b[i], b'.' | b'!' | b'?')
            && matches!(byte(b, i + 1), b' ' | b'\n')
            && byte(b, i + 2).is_ascii_alphabetic();
        sentence || (b[i] == b'\n' && byte(b, i + 1) == b'\n')
    });
    // Never nearer than any birth word's window reaches.
    stop.unwrap_or(far).max((end + BIRTH_WINDOW).min(b.len()))
}

/// How far a label's date may be from it, in bytes, within its sentence.
const LABEL_WINDOW: usize = 120;

/// Whether the birth word `word`, found at `at` in `b` (any case), stands as
/// a birth word there: a whole word; `b.` or `b` only after a bracket or a
/// comma (`Jane Smith (b. 1950-03-12)`, `Jane Smith, b 12 March 1950`), not
/// a list's `b.` or an `Appendix B.`.
fn birth_word_stands(b: &[u8], word: &str, at: usize) -> bool {
    let end = at + word.len();
    if (at > 0 && b[at - 1].is_ascii_alphanumeric()) || byte(b, end).is_ascii_alphabetic() {
        return false;
    }
    if matches!(word, "b." | "b ") {
        let before = b[..at].iter().rev().find(|c| !c.is_ascii_whitespace());
        return matches!(before, Some(b'(' | b','));
    }
    true
}

/// How far after a birth word a date may start, in bytes.
const BIRTH_WINDOW: usize = 40;

/// Dates of birth, by a documented heuristic: a date (`12/03/1950`,
/// `12.03.1950`, `1950-03-12`, `12 March 1950`, `12th of March, 1950`,
/// `12 Mar 1950`, `March 12th, 1950`; `12–03–1950` with an en dash is read
/// as a hyphen by [`Joined`]) starting within 40
/// characters after "born", "DOB", "D.O.B.", "date of birth", "birth date" or
/// "birthday". A date on its own is not personal data; next to those words it
/// almost always is someone's date of birth, and with a name it identifies them.
pub fn dates_of_birth(text: &str) -> Vec<Hit> {
    let b = text.as_bytes();
    // Each birth word has one `b`: every `b` or `B` in the text, checked
    // against the words around it (ignoring ASCII case), finds them all.
    let mut found: Vec<(usize, usize)> = Vec::new();
    let mut at_b = 0;
    loop {
        at_b = skip_to(b, at_b, Wanted::LetterB);
        if at_b >= b.len() {
            break;
        }
        // Each word has an `i`, `o`, `.` or a space after its `b`, or a `.`
        // or `o` before.
        let near = |at: usize| byte(b, at) | 0x20;
        let before = at_b.checked_sub(1).map_or(b' ', near);
        if !(matches!(near(at_b + 1), b'i' | b'o' | b'.' | b' ') || matches!(before, b'.' | b'o')) {
            at_b += 1;
            continue;
        }
        for (wi, word) in BIRTH_WORDS.iter().enumerate() {
            let offset = word.bytes().position(|c| c == b'b').expect("a b");
            let Some(at) = at_b.checked_sub(offset) else {
                continue;
            };
            if b.get(at..at + word.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(word.as_bytes()))
            {
                found.push((wi, at));
            }
        }
        at_b += 1;
    }
    // In the order of the words, then of the text.
    found.sort_unstable();
    let mut hits: Vec<Hit> = Vec::new();
    for (wi, at) in found {
        let end = at + BIRTH_WORDS[wi].len();
        if !birth_word_stands(b, BIRTH_WORDS[wi], at) {
            continue;
        }
        let window_end = birth_window_end(b, BIRTH_WORDS[wi], end);
        if let Some((s, e)) = find_date(b, end, window_end) {
            if !hits.iter().any(|h| h.start == s) {
                hits.push(Hit {
                    kind: Kind::DateOfBirth,
                    start: s,
                    end: e,
                    key: alnum_key(&text[s..e]),
                });
            }
        }
    }
    hits
}

/// Where the first birth word of `line` ends, if it has one (whole words,
/// any case).
fn birth_word_end(line: &str) -> Option<usize> {
    let lower = line.to_ascii_lowercase();
    let b = lower.as_bytes();
    BIRTH_WORDS
        .iter()
        .filter(|word| !matches!(**word, "b." | "b "))
        .flat_map(|word| {
            lower
                .match_indices(word)
                .filter(|&(at, word)| birth_word_stands(b, word, at))
                .map(|(at, word)| at + word.len())
        })
        .min()
}

/// A table whose column is headed by a birth word (`<th>Date of birth</th>`
/// in a page, `name,dob` as a CSV file's first line): the dates in its rows
/// are far from the heading, but each is someone's date of birth. Read line
/// by line, in order, as [`BirthColumns::hits`] is given a file's lines: once
/// a heading is seen, every date until the table ends (`</table>`, or the
/// end of a CSV file) is a hit, whatever column it is in.
#[derive(Debug, Clone, Copy, Default)]
pub struct BirthColumns {
    csv: bool,
    /// Markdown: a pipe table's heading row counts too, and a blank line
    /// ends the table.
    markdown: bool,
    /// A line has been read (a CSV file's first line is its heading).
    started: bool,
    /// Inside a table headed by a birth word.
    open: bool,
}

impl BirthColumns {
    /// For the output file at `path` (a CSV file by its name, `.gz` aside).
    pub fn for_path(path: &str) -> BirthColumns {
        let lower = path.to_ascii_lowercase();
        let name = lower.strip_suffix(".gz").unwrap_or(&lower);
        BirthColumns {
            csv: name.ends_with(".csv") || name.ends_with(".tsv"),
            ..BirthColumns::default()
        }
    }

    /// For a Markdown source: its pipe tables and the HTML in it.
    pub fn for_markdown() -> BirthColumns {
        BirthColumns {
            markdown: true,
            ..BirthColumns::default()
        }
    }

    /// `hits` (from [`find`] on `text`) with the dates of birth in the
    /// lines of `text` that start in `keep` added, each place once.
    pub fn add_to(&mut self, hits: &mut Vec<Hit>, text: &str, keep: std::ops::Range<usize>) {
        for hit in self.hits(text, keep) {
            if !hits.iter().any(|h| h.start == hit.start) {
                hits.push(hit);
            }
        }
    }

    /// The dates of birth in the lines of `text` that start in `keep` (which
    /// starts at a line's start), going on from the lines given before.
    pub fn hits(&mut self, text: &str, keep: std::ops::Range<usize>) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut at = keep.start;
        while at < keep.end {
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
            let line = &text[at..end];
            let mut from = 0;
            let mut to = line.len();
            if self.csv {
                if !self.started {
                    self.open = birth_word_end(line).is_some();
                    to = 0;
                } else if !self.open {
                    to = 0;
                }
            } else {
                if self.markdown && self.open && line.trim().is_empty() {
                    self.open = false;
                }
                if !self.open {
                    let cells = match self.markdown && line.trim_start().starts_with('|') {
                        true => Some(0),
                        false => find_tag(line, b"th"),
                    };
                    let heading =
                        cells.and_then(|th| birth_word_end(&line[th..]).map(|end| th + end));
                    match heading {
                        Some(end) => {
                            self.open = true;
                            from = end;
                        }
                        None => to = 0,
                    }
                }
                if let Some(close) = find_tag(&line[from..], b"/table").map(|i| from + i) {
                    to = to.min(close);
                    if self.open {
                        self.open = false;
                    }
                }
            }
            self.started = true;
            let b = text.as_bytes();
            let mut i = at + from;
            while i < at + to {
                let Some((s, e)) = find_date(b, i, at + to) else {
                    break;
                };
                hits.push(Hit {
                    kind: Kind::DateOfBirth,
                    start: s,
                    end: e,
                    key: alnum_key(&text[s..e]),
                });
                i = e;
            }
            at = end;
        }
        hits
    }
}

/// Where the first tag named `name` (in small letters; `/table` for a
/// closing tag) opens in `line`, in any case: `<th>` or `<TH class="x">`,
/// not `<thead>`.
fn find_tag(line: &str, name: &[u8]) -> Option<usize> {
    let b = line.as_bytes();
    line.match_indices('<').map(|(at, _)| at).find(|&at| {
        let after = at + 1 + name.len();
        b.get(at + 1..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && b.get(after)
                .is_none_or(|&c| c == b'>' || c == b'/' || c.is_ascii_whitespace())
    })
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "sept",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
];

fn month_at(b: &[u8], at: usize) -> Option<usize> {
    MONTHS
        .iter()
        .filter(|m| {
            starts_with_ignoring_case(&b[at..], m) && !byte(b, at + m.len()).is_ascii_alphabetic()
        })
        .map(|m| at + m.len() + usize::from(byte(b, at + m.len()) == b'.'))
        .next()
}

/// Dates as forms and registers write them, starting at the digit at `i`
/// (where the ones [`find_date`] reads first do not fit): a month's name
/// between hyphens, slashes or spaces and a year of two or four figures
/// (`12-Mar-1950`, `12 Mar 50`), figures apart by spaces with a four-figure
/// year (`12 03 1950`), or eight figures run together (`12031950`). Where
/// the date ends.
fn form_date(b: &[u8], i: usize) -> Option<usize> {
    let n1 = digits_at(b, i);
    let two_digits_at = |at: usize| u32::from(b[at] - b'0') * 10 + u32::from(b[at + 1] - b'0');
    let day_month = |d: u32, m: u32| (1..=31).contains(&d) && (1..=12).contains(&m);
    if n1 == 8 {
        let (d, m) = (two_digits_at(i), two_digits_at(i + 2));
        let year = &b[i + 4..i + 8];
        let plausible = year.starts_with(b"19") || year.starts_with(b"20");
        return (day_month(d, m) && plausible && !byte(b, i + 8).is_ascii_alphanumeric())
            .then_some(i + 8);
    }
    if !(1..=2).contains(&n1) {
        return None;
    }
    let sep = byte(b, i + n1);
    if !matches!(sep, b'-' | b'/' | b' ' | b'.') {
        return None;
    }
    let j = i + n1 + 1;
    if j >= b.len() {
        return None;
    }
    if let Some(k) = month_at(b, j) {
        if byte(b, k) != sep {
            return None;
        }
        let k = k + 1;
        let n = digits_at(b, k);
        return ((n == 2 || n == 4) && !byte(b, k + n).is_ascii_alphanumeric()).then_some(k + n);
    }
    if sep != b' ' {
        return None;
    }
    let n2 = digits_at(b, j);
    let k = j + n2 + 1;
    let fits = (1..=2).contains(&n2) && byte(b, j + n2) == b' ' && digits_at(b, k) == 4;
    (fits && !byte(b, k + 4).is_ascii_alphanumeric()).then_some(k + 4)
}

/// Whether `b` starts with `word` (lower-case ASCII), ignoring ASCII case.
fn starts_with_ignoring_case(b: &[u8], word: &str) -> bool {
    b.get(..word.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(word.as_bytes()))
}

fn skip_spaces(b: &[u8], mut at: usize) -> usize {
    while byte(b, at) == b' ' && at < b.len() {
        at += 1;
    }
    at
}

/// Whether four figures are a year someone living may have been born in.
fn plausible_year(year: &[u8]) -> bool {
    year.starts_with(b"19") || year.starts_with(b"20")
}

/// Whether a number ending at `at` goes on (a letter or digit, or a
/// separator and a digit): then it was not a year.
fn after_more(b: &[u8], at: usize) -> bool {
    byte(b, at).is_ascii_alphanumeric()
        || (matches!(byte(b, at), b'/' | b'.' | b'-' | b',') && byte(b, at + 1).is_ascii_digit())
}

/// The first date starting in `b[from..to]` (ASCII case ignored), as a byte
/// range: a whole date, or a month and a year.
fn find_date(b: &[u8], from: usize, to: usize) -> Option<(usize, usize)> {
    for i in from..to {
        let prev_ok = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if !prev_ok {
            continue;
        }
        if b[i].is_ascii_digit() {
            let n1 = digits_at(b, i);
            if let Some(end) = form_date(b, i) {
                return Some((i, end));
            }
            let sep = byte(b, i + n1);
            if matches!(sep, b'/' | b'.' | b'-') {
                let j = i + n1 + 1;
                let n2 = digits_at(b, j);
                if n2 > 0 && byte(b, j + n2) == sep {
                    let k = j + n2 + 1;
                    let n3 = digits_at(b, k);
                    let dmy = n1 <= 2 && n2 <= 2 && (n3 == 2 || n3 == 4);
                    let ymd = n1 == 4 && n2 <= 2 && n3 <= 2 && n3 > 0;
                    if dmy || ymd {
                        return Some((i, k + n3));
                    }
                }
                // A month and a year (`03/1950`): a date of birth in part.
                let month = n1 <= 2 && {
                    let m =
                        std::str::from_utf8(&b[i..i + n1]).map_or(0, |t| t.parse().unwrap_or(0));
                    (1..=12).contains(&m)
                };
                if month && n2 == 4 && plausible_year(&b[j..j + 4]) && !after_more(b, j + 4) {
                    return Some((i, j + 4));
                }
            }
            if n1 <= 2 {
                let mut j = i + n1;
                for suffix in ["st", "nd", "rd", "th"] {
                    if starts_with_ignoring_case(&b[j..], suffix) {
                        j += 2;
                        break;
                    }
                }
                let mut j = skip_spaces(b, j);
                if starts_with_ignoring_case(&b[j..], "of ") {
                    j = skip_spaces(b, j + 3);
                }
                if let Some(k) = month_at(b, j) {
                    let k = k + usize::from(byte(b, k) == b',');
                    let k = skip_spaces(b, k);
                    if digits_at(b, k) == 4 {
                        return Some((i, k + 4));
                    }
                }
            }
        } else if let Some(j) = month_at(b, i) {
            // A month and a year (`March 1950`, `Mar, 1950`): a date of
            // birth in part, which with a name identifies someone as well.
            let y = skip_spaces(b, j + usize::from(byte(b, j) == b','));
            if digits_at(b, y) == 4 && plausible_year(&b[y..y + 4]) && !after_more(b, y + 4) {
                return Some((i, y + 4));
            }
            let j = skip_spaces(b, j);
            let n = digits_at(b, j);
            if (1..=2).contains(&n) {
                let mut k = j + n;
                for suffix in ["st", "nd", "rd", "th"] {
                    if starts_with_ignoring_case(&b[k..], suffix) {
                        k += 2;
                        break;
                    }
                }
                if byte(b, k) == b',' {
                    k += 1;
                }
                let k = skip_spaces(b, k);
                if digits_at(b, k) == 4 {
                    return Some((i, k + 4));
                }
            }
        }
    }
    None
}

/// Words that make a nearby number a count of people.
const PEOPLE_WORDS: &[&str] = &[
    "people",
    "person",
    "persons",
    "resident",
    "user",
    "client",
    "individual",
    "carer",
    "child",
    "children",
    "adult",
    "household",
    "family",
    "families",
    "patient",
    "pupil",
    "student",
    "staff",
    "employee",
    "worker",
    "respondent",
    "men",
    "women",
    "boy",
    "girl",
    "man",
    "woman",
    "member",
    "tenant",
    "learner",
    "participant",
    "customer",
];

/// Whether `word` (lower case) names people, allowing a plural `s`.
pub fn is_people_word(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    PEOPLE_WORDS
        .iter()
        .any(|p| w == *p || w.strip_suffix('s') == Some(p))
}

/// Whether a text (a table heading) mentions people or a count.
pub fn mentions_people(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric()).any(|w| {
        is_people_word(w)
            || matches!(
                w.to_ascii_lowercase().as_str(),
                "number" | "count" | "total" | "headcount"
            )
    })
}

/// Whether a table cell is just a small count (1 to 4).
pub fn is_small_count(cell: &str) -> bool {
    matches!(cell.trim(), "1" | "2" | "3" | "4")
}

/// Small counts of people in running text: a whole number 1 to 4 followed,
/// within the next two words, by a word for people ("3 residents", "2 service
/// users", "4 older people"). Returns byte offsets of the numbers.
pub fn small_counts_in_text(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    for i in 0..b.len() {
        if !(b'1'..=b'4').contains(&b[i]) {
            continue;
        }
        let prev = if i == 0 { b' ' } else { b[i - 1] };
        if prev.is_ascii_alphanumeric() || b"\xA3$.,:/-".contains(&prev) {
            continue;
        }
        let next = byte(b, i + 1);
        if next.is_ascii_alphanumeric()
            || b"%.,:/-".contains(&next) && byte(b, i + 2).is_ascii_digit()
            || next == b'%'
        {
            continue;
        }
        let rest = &text[i + 1..];
        let mut words = rest
            .split(|c: char| !(c.is_alphanumeric() || c == '-'))
            .filter(|w| !w.is_empty());
        if words.by_ref().take(3).any(is_people_word) {
            found.push(i);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        find(text)
            .into_iter()
            .map(|h| (h.kind, &text[h.start..h.end]))
            .collect()
    }

    /// The scans as they were before they learned to skip ahead, kept to
    /// check that the fast ones find exactly the same.
    mod before {
        use super::super::{
            BIRTH_WORDS, Hit, INLINE_TAGS, Kind, MONTHS, after_decimal_point, alnum_key,
            birth_word_stands, byte, digits_at, entity, form_date, grouped_nhs_number,
            nhs_check_digit_valid, ni_at, plain_char, skip_spaces, spaced_nhs_number,
        };

        /// [`super::super::Joined::of`] as it was, one byte at a time: the
        /// text as it reads and its edits.
        pub(super) fn joined(original: &str) -> Option<(String, Vec<(usize, usize)>)> {
            let b = original.as_bytes();
            let trigger = |c: u8| {
                matches!(
                    c,
                    b'<' | b'*'
                        | b'_'
                        | b'`'
                        | b'~'
                        | b'\\'
                        | b'&'
                        | b'\n'
                        | b'\r'
                        | 0xC2
                        | 0xD9
                        | 0xDB
                        | 0xDF
                        | 0xE0
                        | 0xE1
                        | 0xE2
                        | 0xE3
                        | 0xEA
                        | 0xEF
                        | 0xF0
                )
            };
            let mut text = String::new();
            let mut edits = Vec::new();
            let mut copied = 0;
            let mut at = 0;
            while at < b.len() {
                if !trigger(b[at]) {
                    at += 1;
                    continue;
                }
                let rest = &original[at..];
                let prev = if at == 0 {
                    ' '
                } else {
                    original[..at].chars().next_back().unwrap_or(' ')
                };
                let c = rest.chars().next().expect("not at the end");
                let edit: Option<(usize, &str)> = match c {
                    '<' => inline_tag(rest).map(|(len, br)| (len, if br { " " } else { "" })),
                    '*' | '`' | '~' => Some((1, "")),
                    '_' => {
                        let next = rest[1..].chars().next().unwrap_or(' ');
                        (!prev.is_alphanumeric() || !next.is_alphanumeric()).then_some((1, ""))
                    }
                    '\\' => rest[1..]
                        .chars()
                        .next()
                        .filter(char::is_ascii_punctuation)
                        .map(|_| (1, "")),
                    '&' => entity(rest),
                    '\n' => soft_break(rest, prev),
                    '\r' if rest[1..].starts_with('\n') => {
                        soft_break(&rest[1..], prev).map(|(len, with)| (len + 1, with))
                    }
                    c => plain_char(c).map(|with| (c.len_utf8(), with)),
                };
                match edit {
                    Some((len, with)) => {
                        text.push_str(&original[copied..at]);
                        text.push_str(with);
                        copied = at + len;
                        edits.push((text.len(), copied));
                        at += len;
                    }
                    None => at += c.len_utf8(),
                }
            }
            if edits.is_empty() {
                return None;
            }
            text.push_str(&original[copied..]);
            Some((text, edits))
        }

        fn inline_tag(rest: &str) -> Option<(usize, bool)> {
            let close = rest
                .as_bytes()
                .iter()
                .take(256)
                .position(|&c| c == b'>' || c == b'\n')?;
            if rest.as_bytes()[close] != b'>' {
                return None;
            }
            let inner = rest[1..close].strip_prefix('/').unwrap_or(&rest[1..close]);
            let name_len = inner
                .bytes()
                .position(|c| !c.is_ascii_alphanumeric())
                .unwrap_or(inner.len());
            let name = &inner[..name_len];
            let after = inner[name_len..].chars().next();
            if !matches!(after, None | Some(' ' | '\t' | '/')) {
                return None;
            }
            INLINE_TAGS
                .iter()
                .find(|t| t.eq_ignore_ascii_case(name))
                .map(|t| (close + 1, matches!(*t, "br")))
        }

        fn soft_break(rest: &str, prev: char) -> Option<(usize, &'static str)> {
            if prev == '\n' {
                return None;
            }
            let indent = rest[1..]
                .bytes()
                .take_while(|&c| c == b' ' || c == b'\t')
                .count();
            let next = rest.as_bytes().get(1 + indent).copied().unwrap_or(b'\n');
            if matches!(next, b'\n' | b'\r') {
                return None;
            }
            Some((1 + indent, if prev == ' ' { "" } else { " " }))
        }

        pub(super) fn phone_key(international: bool, digits: &str) -> Option<String> {
            let (international, digits) = match digits.strip_prefix("00") {
                Some(rest) if !international && rest.starts_with("44") => (true, rest),
                _ => (international, digits),
            };
            let national = if international {
                let rest = digits.strip_prefix("44")?;
                let rest = rest.strip_prefix('0').unwrap_or(rest);
                format!("0{rest}")
            } else {
                digits.to_string()
            };
            let ok = (national.len() == 10 || national.len() == 11)
                && national.starts_with('0')
                && !national[1..].starts_with(['0', '4', '6']);
            ok.then_some(national)
        }

        pub(super) fn nhs_numbers(text: &str) -> Vec<Hit> {
            let b = text.as_bytes();
            let mut hits = Vec::new();
            let mut i = 0;
            while i < b.len() {
                // Not part of a longer word or the decimals of a number.
                if !b[i].is_ascii_digit()
                    || (i > 0 && (b[i - 1].is_ascii_alphanumeric() || after_decimal_point(b, i)))
                {
                    i += 1;
                    continue;
                }
                let run = digits_at(b, i);
                let mut found = None;
                if run == 10 && !byte(b, i + 10).is_ascii_alphanumeric() {
                    found = Some((i + 10, b[i..i + 10].to_vec()));
                } else if (2..=8).contains(&run) {
                    found = grouped_nhs_number(b, i);
                } else if run == 1 {
                    found = spaced_nhs_number(b, i);
                }
                if let Some((end, digits)) = found {
                    if nhs_check_digit_valid(&digits) {
                        hits.push(Hit {
                            kind: Kind::NhsNumber,
                            start: i,
                            end,
                            key: String::from_utf8(digits).expect("digits"),
                        });
                        i = end;
                        continue;
                    }
                }
                i += run.max(1);
            }
            hits
        }

        pub(super) fn ni_numbers(text: &str) -> Vec<Hit> {
            let b = text.as_bytes();
            let mut hits = Vec::new();
            for i in 0..b.len() {
                if !b[i].is_ascii_alphabetic() || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
                    continue;
                }
                let Some((end, key)) = ni_at(b, i) else {
                    continue;
                };
                hits.push(Hit {
                    kind: Kind::NiNumber,
                    start: i,
                    end,
                    key,
                });
            }
            hits
        }

        pub(super) fn phones(text: &str) -> Vec<Hit> {
            let b = text.as_bytes();
            let mut hits = Vec::new();
            let mut i = 0;
            while i < b.len() {
                let c = b[i];
                let boundary = i == 0
                    || !(b[i - 1].is_ascii_alphanumeric()
                        || b"+/\xA3$".contains(&b[i - 1])
                        || after_decimal_point(b, i));
                let bare_country = b[i..].starts_with(b"44 ") || b[i..].starts_with(b"44-");
                let starts = match c {
                    b'0' => true,
                    b'4' => bare_country,
                    b'+' => b[i..].starts_with(b"+44"),
                    b'(' => matches!(byte(b, i + 1), b'0' | b'+'),
                    _ => false,
                };
                if !(boundary && starts) {
                    i += 1;
                    continue;
                }
                let international = c == b'+' || byte(b, i + 1) == b'+' || bare_country;
                // Walk groups of digits; remember the longest prefix that is a number.
                let mut at = i;
                let mut digits = String::new();
                let mut best: Option<(usize, String)> = None;
                loop {
                    while matches!(byte(b, at), b'(' | b'+') && at < b.len() {
                        at += 1;
                    }
                    let run = digits_at(b, at);
                    if run == 0 {
                        break;
                    }
                    digits.push_str(&text[at..at + run]);
                    at += run;
                    if byte(b, at) == b')' && text[i..at].contains('(') {
                        at += 1;
                        if byte(b, at).is_ascii_digit() {
                            continue; // `(0)20`: the group after the brackets
                        }
                    }
                    let next = byte(b, at);
                    let decimal = next == b'.' && byte(b, at + 1).is_ascii_digit();
                    if !next.is_ascii_alphanumeric() && !decimal || at >= b.len() {
                        if let Some(key) = phone_key(international, &digits) {
                            best = Some((at, key));
                        }
                    }
                    if digits.len() > 13 {
                        break;
                    }
                    let sep = byte(b, at);
                    let after = byte(b, at + 1);
                    if (sep == b' ' || sep == b'-') && (after.is_ascii_digit() || after == b'(') {
                        at += 1;
                    } else {
                        break;
                    }
                }
                match best {
                    Some((end, key)) => {
                        hits.push(Hit {
                            kind: Kind::Phone,
                            start: i,
                            end,
                            key,
                        });
                        i = end;
                    }
                    None => i += 1,
                }
            }
            hits
        }

        pub(super) fn dates_of_birth(text: &str) -> Vec<Hit> {
            let lower = text.to_ascii_lowercase();
            let b = lower.as_bytes();
            let mut hits: Vec<Hit> = Vec::new();
            for word in BIRTH_WORDS {
                for (at, _) in lower.match_indices(word) {
                    let end = at + word.len();
                    // `lower` has lost the case `b.` needs.
                    if !birth_word_stands(text.as_bytes(), word, at) {
                        continue;
                    }
                    let window_end = super::super::birth_window_end(b, word, end);
                    if let Some((s, e)) = find_date(b, end, window_end) {
                        if !hits.iter().any(|h| h.start == s) {
                            hits.push(Hit {
                                kind: Kind::DateOfBirth,
                                start: s,
                                end: e,
                                key: alnum_key(&text[s..e]),
                            });
                        }
                    }
                }
            }
            hits
        }

        pub(super) fn month_at(b: &[u8], at: usize) -> Option<usize> {
            MONTHS
                .iter()
                .filter(|m| {
                    b[at..].starts_with(m.as_bytes())
                        && !byte(b, at + m.len()).is_ascii_alphabetic()
                })
                .map(|m| at + m.len() + usize::from(byte(b, at + m.len()) == b'.'))
                .next()
        }

        pub(super) fn find_date(b: &[u8], from: usize, to: usize) -> Option<(usize, usize)> {
            for i in from..to {
                let prev_ok = i == 0 || !b[i - 1].is_ascii_alphanumeric();
                if !prev_ok {
                    continue;
                }
                if b[i].is_ascii_digit() {
                    let n1 = digits_at(b, i);
                    if let Some(end) = form_date(b, i) {
                        return Some((i, end));
                    }
                    let sep = byte(b, i + n1);
                    if matches!(sep, b'/' | b'.' | b'-') {
                        let j = i + n1 + 1;
                        let n2 = digits_at(b, j);
                        if n2 > 0 && byte(b, j + n2) == sep {
                            let k = j + n2 + 1;
                            let n3 = digits_at(b, k);
                            let dmy = n1 <= 2 && n2 <= 2 && (n3 == 2 || n3 == 4);
                            let ymd = n1 == 4 && n2 <= 2 && n3 <= 2 && n3 > 0;
                            if dmy || ymd {
                                return Some((i, k + n3));
                            }
                        }
                        let m: u32 = match n1 <= 2 {
                            true => std::str::from_utf8(&b[i..i + n1]).unwrap().parse().unwrap(),
                            false => 0,
                        };
                        if (1..=12).contains(&m)
                            && n2 == 4
                            && super::super::plausible_year(&b[j..j + 4])
                            && !super::super::after_more(b, j + 4)
                        {
                            return Some((i, j + 4));
                        }
                    }
                    if n1 <= 2 {
                        let mut j = i + n1;
                        for suffix in ["st", "nd", "rd", "th"] {
                            if b[j..].starts_with(suffix.as_bytes()) {
                                j += 2;
                                break;
                            }
                        }
                        let mut j = skip_spaces(b, j);
                        if b[j..].starts_with(b"of ") {
                            j = skip_spaces(b, j + 3);
                        }
                        if let Some(k) = month_at(b, j) {
                            let k = k + usize::from(byte(b, k) == b',');
                            let k = skip_spaces(b, k);
                            if digits_at(b, k) == 4 {
                                return Some((i, k + 4));
                            }
                        }
                    }
                } else if let Some(j) = month_at(b, i) {
                    let y = skip_spaces(b, j + usize::from(byte(b, j) == b','));
                    if digits_at(b, y) == 4
                        && super::super::plausible_year(&b[y..y + 4])
                        && !super::super::after_more(b, y + 4)
                    {
                        return Some((i, y + 4));
                    }
                    let j = skip_spaces(b, j);
                    let n = digits_at(b, j);
                    if (1..=2).contains(&n) {
                        let mut k = j + n;
                        for suffix in ["st", "nd", "rd", "th"] {
                            if b[k..].starts_with(suffix.as_bytes()) {
                                k += 2;
                                break;
                            }
                        }
                        if byte(b, k) == b',' {
                            k += 1;
                        }
                        let k = skip_spaces(b, k);
                        if digits_at(b, k) == 4 {
                            return Some((i, k + 4));
                        }
                    }
                }
            }
            None
        }
    }

    /// Texts made of pieces that are, or are nearly, personal data, in every
    /// order and case, ending anywhere.
    fn random_texts(count: usize) -> Vec<String> {
        const PIECES: &[&str] = &[
            "943 476 5919",
            "9434765919",
            "943-476-5919",
            "943 476",
            "5919",
            "AB 12 34 56 C",
            "ce123456d",
            "AB123456",
            "AB1",
            "QQ 12",
            "born",
            "Born ",
            "DOB",
            "dob:",
            "D.O.B.",
            "Date of Birth",
            "date of birth",
            "birth date",
            "Birthday",
            "reborn",
            "12 March 1950",
            "March 12, 1950",
            "MARCH",
            "Sept.",
            "sept",
            "1st",
            "2ND",
            "03/04/1961",
            "1970-01-02",
            "12.03.50",
            "jo@example.org",
            "@",
            "a.b@c",
            ".uk",
            "+44",
            "+44 ",
            "(0)20",
            "(01632)",
            "07700 900123",
            "01632 960001",
            "020 7946 0018",
            "(",
            ")",
            "-",
            " ",
            "  ",
            ".",
            ",",
            ":",
            "\n",
            "\u{a3}",
            "$",
            "0",
            "1",
            "4",
            "7",
            "9",
            "12",
            "1234",
            "a",
            "B",
            "x",
            "b",
            "\u{c9}",
            "\u{df}",
            "\u{2013}",
            "\u{1f600}",
            "<p>",
            "&amp;",
            "&",
            "'",
            "%",
            "/",
        ];
        crate::testing::random_texts(PIECES, count, 60, 0x5EED_u64)
    }

    #[test]
    fn fast_scans_find_what_the_slow_ones_did() {
        let mut texts = random_texts(20_000);
        // Long stretches with nothing in them, then something near an edge.
        texts.push(format!("{}943 476 5919", "words ".repeat(40)));
        texts.push(format!("9434765919 {}AB 12 34 56 C", "x".repeat(33)));
        texts.push(format!("{}born 1 May 1990", "y".repeat(31)));
        for text in &texts {
            assert_eq!(nhs_numbers(text), before::nhs_numbers(text), "{text:?}");
            assert_eq!(ni_numbers(text), before::ni_numbers(text), "{text:?}");
            assert_eq!(phones(text), before::phones(text), "{text:?}");
            assert_eq!(
                dates_of_birth(text),
                before::dates_of_birth(text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_text_as_it_reads_is_made_as_it_was_one_byte_at_a_time() {
        const PIECES: &[&str] = &[
            "<b>",
            "</b>",
            "<B >",
            "<br>",
            "<br/>",
            "<strong>",
            "</span>",
            "<div>",
            "<p class=\"x\">",
            "<a",
            "<wbr",
            "<",
            ">",
            "</",
            "<abbr title=\"t\">",
            "<bdo\n>",
            "*",
            "_",
            "a_b",
            "é_",
            "_é",
            "`",
            "~",
            "\\",
            "\\-",
            "\\a",
            "&nbsp;",
            "&#8211;",
            "&amp;",
            "&",
            ";",
            "\n",
            "\r\n",
            "\r",
            "\n\n",
            "\n  ",
            "\t",
            " ",
            "\u{a0}",
            "\u{2013}",
            "\u{2212}",
            "\u{ad}",
            "\u{200b}",
            "\u{feff}",
            "\u{3000}",
            "\u{e9}",
            "\u{20ac}",
            "\u{1f600}",
            "x",
            "word",
            "943",
            "12",
            "-",
            ".",
        ];
        let mut texts = crate::testing::random_texts(PIECES, 20_000, 40, 0x101E_u64);
        // Long runs with nothing to take out, then something at either edge.
        texts.push(format!("{}<b>1</b>", "abcdefgh".repeat(5)));
        texts.push(format!("_{}*", "plain text ".repeat(7)));
        for text in &texts {
            let fast = Joined::of(text).map(|j| (j.text, j.edits));
            assert_eq!(fast, before::joined(text), "{text:?}");
        }
    }

    /// `BirthColumns::hits` over `text` given in pieces cut at `cuts`
    /// (line starts), as the guard gives a file's lines.
    fn in_columns(path: &str, text: &str, cuts: &[usize]) -> Vec<String> {
        let mut columns = BirthColumns::for_path(path);
        let mut starts = vec![0];
        starts.extend_from_slice(cuts);
        starts.push(text.len());
        starts
            .windows(2)
            .flat_map(|w| columns.hits(text, w[0]..w[1]))
            .map(|h| text[h.start..h.end].to_string())
            .collect()
    }

    #[test]
    fn dates_in_a_column_headed_by_a_birth_word_are_dates_of_birth() {
        let page = "<p>Taken 12 March 2024.</p>\n<table>\n<thead><tr><th>Name</th><th>Date of birth</th></tr></thead>\n\
                    <tbody>\n<tr><td>Jane Example</td><td>12/03/1950</td></tr>\n\
                    <tr><td>John Example</td><td>1961-04-03</td></tr>\n</tbody></table>\n\
                    <p>Decided 1 April 2024.</p>\n<table><tr><th>Meeting</th></tr><tr><td>2 May 2024</td></tr></table>\n";
        let line = |n: usize| page.match_indices('\n').nth(n).unwrap().0 + 1;
        for cuts in [vec![], vec![line(2)], vec![line(3), line(4)], vec![line(0)]] {
            assert_eq!(
                in_columns("decisions/a/index.html", page, &cuts),
                ["12/03/1950", "1961-04-03"],
                "{cuts:?}"
            );
        }
        let csv = "name,dob,joined\nJane Example,12/03/1950,2020-01-06\nJohn Example,1961-04-03,\n";
        assert_eq!(
            in_columns("data/people.csv", csv, &[]),
            ["12/03/1950", "2020-01-06", "1961-04-03"]
        );
        assert_eq!(
            in_columns("data/people.csv", csv, &[csv.find("John").unwrap()]).len(),
            3
        );
        // A Markdown pipe table ends at a blank line.
        let markdown =
            "| Name | DOB |\n| --- | --- |\n| Jane | 12/03/1950 |\n\nTaken 12/03/2024.\n";
        let mut columns = BirthColumns::for_markdown();
        let found: Vec<&str> = columns
            .hits(markdown, 0..markdown.len())
            .iter()
            .map(|h| &markdown[h.start..h.end])
            .collect();
        assert_eq!(found, ["12/03/1950"]);
        // A CSV file not headed by a birth word, a page with no such heading.
        let meetings = "meeting,date\nCabinet,12/03/2024\n";
        assert!(in_columns("data/meetings.csv", meetings, &[]).is_empty());
        // Only a heading cell heads a column (a body cell's label is read by
        // `dates_of_birth`, beside its date); `<thead>` is no heading cell.
        assert!(in_columns("a.html", "<td>Date of birth</td><td>12/03/1950</td>", &[]).is_empty());
        assert!(in_columns("a.html", "<thead>DOB</thead><td>12/03/1950</td>", &[]).is_empty());
        assert_eq!(
            in_columns(
                "a.html",
                "<TH class=\"x\">DOB</TH></TR><TD>12/03/1950</TD></TABLE>12/03/1951",
                &[]
            ),
            ["12/03/1950"]
        );
        assert!(
            in_columns(
                "a.html",
                "<p>Born in 1950.</p>\n<p>12 March 2024</p>\n",
                &[]
            )
            .is_empty()
        );
    }

    #[test]
    fn an_email_address_split_over_two_cells_of_a_table_is_found() {
        for text in [
            "| jane.smith | @example.org |",
            "| jane.smith@ | example.org |",
            "jane.smith,@example.org",
            "jane.smith\t@example.org",
            "<td>jane.smith</td><td>@example.org</td>",
            "<td>jane.smith</td>\n  <td class=\"x\">@example.org</td>",
            "<TH>jane.smith@</TH><TD>example.org</TD>",
        ] {
            let hits = find(text);
            assert_eq!(hits.len(), 1, "{text:?}: {hits:?}");
            assert_eq!(hits[0].kind, Kind::Email, "{text:?}");
            assert_eq!(hits[0].key, "JANE.SMITH@EXAMPLE.ORG", "{text:?}");
        }
        // A handle, a cell of its own, or words around a table: no address.
        for text in [
            "| Kent | @kentcc |",
            "<td>Contact</td><td>@ the office.</td>",
            "<p>jane.smith</p><p>@example.org</p>",
            "jane.smith;@example.org",
        ] {
            assert!(find(text).iter().all(|h| h.kind != Kind::Email), "{text:?}");
        }
    }

    #[test]
    fn email_addresses_written_to_dodge_a_search_are_found() {
        for (text, key) in [
            (
                "Write to jane.smith77 at gmail dot com today",
                "JANE.SMITH77@GMAIL.COM",
            ),
            ("jane [at] gmail [dot] com", "JANE@GMAIL.COM"),
            ("jane(at)gmail.com", "JANE@GMAIL.COM"),
            ("jane (AT) example (dot) co (dot) uk.", "JANE@EXAMPLE.CO.UK"),
            ("jane @ gmail.com", "JANE@GMAIL.COM"),
            ("jane\u{ff20}gmail.com", "JANE@GMAIL.COM"),
        ] {
            let found = obfuscated_emails(text);
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(found[0].key, key, "{text}");
            assert_eq!(
                find(text).iter().filter(|h| h.kind == Kind::Email).count(),
                1,
                "{text}"
            );
        }
        for text in [
            "The service is available at www.example.gov.uk today.",
            "We meet at 10.30 in the hall.",
            "Look at the map.",
            "jane.smith@gmail.com",
        ] {
            assert!(obfuscated_emails(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn every_birth_word_has_one_b() {
        for word in BIRTH_WORDS {
            assert_eq!(word.matches('b').count(), 1, "{word}");
            assert_eq!(*word, word.to_ascii_lowercase());
            // What `dates_of_birth` checks first.
            let (before, after) = word.split_once('b').unwrap();
            assert!(
                after.starts_with(['i', 'o', '.', ' ']) || before.ends_with(['.', 'o']),
                "{word}"
            );
        }
    }

    #[test]
    fn phone_keys_are_made_as_before() {
        let mut digits = String::new();
        let mut state = 11u64;
        for _ in 0..50_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let len = (state >> 59) as usize % 16;
            digits.clear();
            for k in 0..len {
                // Mostly the digits that matter: 0, 4, 6 and 1.
                digits.push(b"0446011234567890"[((state >> (k * 3)) & 15) as usize] as char);
            }
            for international in [false, true] {
                assert_eq!(
                    phone_key(international, &digits),
                    before::phone_key(international, &digits),
                    "{digits} {international}"
                );
            }
        }
        assert_eq!(phone_key(true, "44020"), None);
        assert_eq!(
            phone_key(true, "4403069990000").as_deref(),
            Some("03069990000")
        );
        assert_eq!(phone_key(false, "1632960000"), None);
    }

    #[test]
    fn dates_of_birth_ignore_case() {
        assert_eq!(
            kinds("BORN 1ST SEPT. 1950, Dob 03/04/1961, Date Of Birth: MARCH 2ND, 1970"),
            [
                (Kind::DateOfBirth, "1ST SEPT. 1950"),
                (Kind::DateOfBirth, "03/04/1961"),
                (Kind::DateOfBirth, "MARCH 2ND, 1970"),
            ]
        );
        // Non-ASCII letters are not folded: `\u{c9}` is not `e`, nor `\u{df}` `ss`.
        assert!(kinds("D\u{c9}B 03/04/1961, bo\u{df}rn 03/04/1961").is_empty());
    }

    const ALL_WANTED: [Wanted; 4] = [
        Wanted::Digit,
        Wanted::PhoneStart,
        Wanted::LetterB,
        Wanted::At,
    ];

    #[test]
    fn skip_to_finds_the_first_at_every_position() {
        let text: Vec<u8> = (0..100u8)
            .map(|i| if i % 37 == 5 { b'7' } else { b'x' })
            .collect();
        for from in 0..=text.len() + 2 {
            let expected = (from..text.len())
                .find(|&i| text[i].is_ascii_digit())
                .unwrap_or(text.len());
            assert_eq!(skip_to(&text, from, Wanted::Digit), expected, "{from}");
        }
    }

    #[test]
    fn eight_bytes_at_a_time_is_each_byte_in_turn() {
        // Every byte value in every position, among every other byte value.
        for wanted in ALL_WANTED {
            for c in 0..=255u8 {
                for filler in 0..=255u8 {
                    for at in [0, 3, 7] {
                        let mut bytes = [filler; 8];
                        bytes[at] = c;
                        assert_eq!(
                            wanted.any_of(u64::from_le_bytes(bytes)),
                            bytes.iter().any(|&b| wanted.is(b)),
                            "{wanted:?} {bytes:?}"
                        );
                    }
                }
            }
            // And mixtures.
            let mut state = 7u64;
            for _ in 0..200_000 {
                state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = state;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                z ^= z >> 31;
                // Bias towards the bytes looked for and their neighbours.
                let bytes = z.to_le_bytes().map(|b| match b % 4 {
                    0 => b"/09:+*()aBbc"[usize::from(b / 4) % 12],
                    _ => b,
                });
                assert_eq!(
                    wanted.any_of(u64::from_le_bytes(bytes)),
                    bytes.iter().any(|&b| wanted.is(b)),
                    "{wanted:?} {bytes:?}"
                );
            }
        }
    }

    #[test]
    fn nhs_modulus_11() {
        // 943 476 5919 is the NHS's own published example of a valid number.
        assert!(nhs_check_digit_valid(b"9434765919"));
        assert!(!nhs_check_digit_valid(b"9434765918"));
        assert!(!nhs_check_digit_valid(b"1111111111"));
        // A remainder giving a check digit of 10 is never valid.
        assert!(!nhs_check_digit_valid(b"0000000060"));
        assert_eq!(
            kinds("NHS no. 943 476 5919, or 9434765919, or 943-476-5919."),
            [
                (Kind::NhsNumber, "943 476 5919"),
                (Kind::NhsNumber, "9434765919"),
                (Kind::NhsNumber, "943-476-5919")
            ]
        );
        // Invalid check digit, wrong grouping, or part of a longer number: ignored.
        assert!(kinds("943 476 5918 and 94347659190 and 9434 765 918").is_empty());
        // Regrouped as people write it: still the number.
        assert_eq!(kinds("9434 765 919").len(), 1);
    }

    #[test]
    fn personal_data_however_it_is_written() {
        let found = |text: &str| -> Vec<(Kind, String)> {
            find(text).into_iter().map(|h| (h.kind, h.key)).collect()
        };
        let nhs = |text: &str| {
            assert_eq!(
                found(text),
                [(Kind::NhsNumber, "9434765919".to_string())],
                "{text:?}"
            );
        };
        for text in [
            "NHS **943** 476 5919.",
            "NHS <strong>943</strong> 476 5919.",
            "NHS 943\n476 5919.",
            "NHS 943 \r\n   476 5919.",
            "NHS 943.476.5919.",
            "NHS 943\u{2013}476\u{2013}5919.",
            "NHS 943 \u{2013} 476 \u{2013} 5919.",
            "NHS 943\u{a0}476\u{a0}5919.",
            "NHS 943&nbsp;476&nbsp;5919.",
            "NHS 94\u{ad}3 476 59\u{200b}19.",
            "NHS <em>9</em>434765919.",
            "NHS `943` 476 _5919_.",
            "Patient NHS No.943 476 5919 was seen.",
            "(NHS No.9434765919)",
            "NHS number: 9 4 3 4 7 6 5 9 1 9",
            "NHS \u{ff19}\u{ff14}\u{ff13} \u{ff14}\u{ff17}\u{ff16} \u{ff15}\u{ff19}\u{ff11}\u{ff19}.",
            "NHS \u{96f}\u{96a}\u{969}\u{96a}\u{96d}\u{96c}\u{96b}\u{96f}\u{967}\u{96f}",
            "NHS \u{1d7ff}434765919",
        ] {
            nhs(text);
        }
        // After a decimal point, digits are a number's decimals.
        assert!(found("a share of 12.9434765919").is_empty());
        // Eleven figures a space apart are not an NHS number.
        for text in ["9 4 3 4 7 6 5 9 1 9 1", "1 9 4 3 4 7 6 5 9 1 9"] {
            assert!(found(text).is_empty(), "{text}");
        }
        // A phone number after an abbreviation, or dialled from abroad.
        for text in [
            "Tel.07700 900123",
            "Tel. 07700 900123",
            "0044 7700 900123",
            "0044 (0)7700 900123",
            "44 7700 900123",
            "call 44-7700-900123 today",
            // Digits of other scripts are the same digits.
            "\u{ff10}\u{ff17}\u{ff17}\u{ff10}\u{ff10} \u{ff19}\u{ff10}\u{ff10}\u{ff11}\u{ff12}\u{ff13}",
            "\u{660}\u{667}\u{667}\u{660}\u{660} \u{669}\u{660}\u{660}\u{661}\u{662}\u{663}",
        ] {
            assert_eq!(
                found(text),
                [(Kind::Phone, "07700900123".to_string())],
                "{text:?}"
            );
        }
        // A paragraph break, or table cells, are not one number.
        for text in [
            "943\n\n476 5919",
            "<td>943</td><td>476 5919</td>",
            "943 476 5918",
            "Reference AB123456.",
        ] {
            assert!(found(text).is_empty(), "{text:?}");
        }
        for text in [
            "NI <b>CE</b> 12 34 56 C",
            "NI AB-12-34-56-C",
            "NI AB 12\n34 56 C",
            "NI AB 12 34 56 on file",
        ] {
            assert_eq!(found(text).len(), 1, "{text:?}");
            assert_eq!(found(text)[0].0, Kind::NiNumber, "{text:?}");
        }
        for text in [
            "born 12.03.1950",
            "DOB 12\u{2013}03\u{2013}1950",
            "Date of birth: 12th March 1950",
            "**Date of birth:** 12<sup>th</sup> March 1950",
            "born on the 12th of March, 1950",
            "d.o.b. March 12th, 1950",
            "born 12 Mar 1950",
            "date of\nbirth 12 Mar 1950",
        ] {
            assert_eq!(
                found(text).iter().map(|h| h.0).collect::<Vec<_>>(),
                [Kind::DateOfBirth],
                "{text:?}"
            );
        }
        // Decision dates, however written, are not dates of birth.
        for text in [
            "Decided on 12th March 2022 and reborn 12.03.2022",
            "Taken <strong>12 March 2022</strong>.",
        ] {
            assert!(found(text).is_empty(), "{text:?}");
        }
        // Positions are in the text as written; the mask shows no markup.
        let text = "NHS <strong>943</strong> 476 <em>5919</em>!";
        let hit = &find(text)[0];
        assert_eq!(&text[hit.start..hit.end], "943</strong> 476 <em>5919");
        assert_eq!(mask(&text[hit.start..hit.end]), "ending `919`");
    }

    #[test]
    fn text_as_it_reads_maps_back_to_where_it_is_written() {
        const PIECES: &[&str] = &[
            "943",
            "476",
            "5919",
            " ",
            "\n",
            "\r\n",
            "\n\n",
            "<b>",
            "</b>",
            "<strong>",
            "</strong>",
            "<br>",
            "<p>",
            "</p>",
            "<a href=\"x\">",
            "</a>",
            "*",
            "_",
            "`",
            "~",
            "\\",
            "\\-",
            "&nbsp;",
            "&#8211;",
            "&amp;",
            "&",
            ";",
            "\u{2013}",
            "\u{a0}",
            "\u{ad}",
            "\u{200b}",
            "\u{e9}",
            "-",
            ".",
            "born",
            "12",
            "March",
            "1950",
            "QQ",
            "AB",
            "C",
            "jo_b@x.org",
            "x",
            "\u{ff19}\u{ff14}\u{ff13}",
            "\u{96b}",
        ];
        for text in crate::testing::random_texts(PIECES, 3000, 30, 0x0A7E) {
            let Some(joined) = Joined::of(&text) else {
                continue;
            };
            // Every hit lies on character boundaries of the text as written,
            // and what the text as written shows is kept.
            let hits = find(&text);
            for h in &hits {
                assert!(h.start < h.end && h.end <= text.len(), "{text:?}");
                assert!(text.is_char_boundary(h.start) && text.is_char_boundary(h.end));
            }
            for h in find_as_written(&text) {
                assert!(hits.contains(&h), "{text:?}");
            }
            // Offsets that are unchanged map to themselves.
            for (at, c) in joined.text.char_indices() {
                let o = joined.original(at, false);
                assert!(text.is_char_boundary(o), "{text:?}");
                if c.is_alphanumeric() {
                    let written = text[o..].chars().next().expect("a character");
                    let reads = decimal_digit(written).and_then(|d| d.chars().next());
                    assert!(written == c || reads == Some(c), "{text:?} {at}");
                }
            }
        }
    }

    #[test]
    fn national_insurance_rules() {
        assert_eq!(
            kinds("NI: AB 12 34 56 C and ce123456d."),
            [
                (Kind::NiNumber, "AB 12 34 56 C"),
                (Kind::NiNumber, "ce123456d")
            ]
        );
        // Excluded letters and prefixes, bad suffix, embedded in a word.
        for bad in [
            "DA123456A",
            "AO123456A",
            "GB123456A",
            "TN123456A",
            "AB123456E",
            "XAB123456A",
            "AB12345A",
        ] {
            assert!(kinds(bad).is_empty(), "{bad}");
        }
    }

    #[test]
    fn dates_of_birth_need_a_birth_word() {
        assert_eq!(
            kinds(
                "Mr Smith (born 12 March 1950) and Ms Jones, DOB: 03/04/1961. Date of birth 1970-01-02."
            ),
            [
                (Kind::DateOfBirth, "12 March 1950"),
                (Kind::DateOfBirth, "03/04/1961"),
                (Kind::DateOfBirth, "1970-01-02")
            ]
        );
        assert!(kinds("The decision was taken on 12 March 2022.").is_empty());
        assert!(kinds("Reborn 12 March 2022 service.").is_empty());
        // As forms and registers write them.
        for (text, date) in [
            ("Jane Smith, DOB: 12-Mar-1950, lives", "12-Mar-1950"),
            ("DOB 12 Mar 50.", "12 Mar 50"),
            ("D.O.B. 12 03 1950", "12 03 1950"),
            ("DOB 12031950", "12031950"),
            ("date of birth 12/Mar/1950", "12/Mar/1950"),
            ("Jane Smith (b. 1950-03-12) lives", "1950-03-12"),
            ("Jane Smith, b. 12 March 1950, lives", "12 March 1950"),
            ("{\"date_of_birth\": \"1950-03-12\"}", "1950-03-12"),
            ("dateOfBirth=12/03/1950", "12/03/1950"),
            ("birth-date: 12.03.1950", "12.03.1950"),
            ("Jane Smith (b 12/03/1950) lives", "12/03/1950"),
            ("Jane Smith (B. 12/03/1950) lives", "12/03/1950"),
            ("Birth: 12 March 1950", "12 March 1950"),
            // A month and a year are a date of birth in part.
            ("Jane Smith, born in March 1950, lives", "March 1950"),
            ("DOB: Mar, 1950.", "Mar, 1950"),
            ("DOB 03/1950", "03/1950"),
            ("born 3.1950", "3.1950"),
            // A label reaches to the end of its sentence.
            (
                "Date of birth (as the GP recorded it on the referral form): 12/03/1950",
                "12/03/1950",
            ),
            (
                "DOB, as given by her daughter at the first visit last year: 12 March 1950",
                "12 March 1950",
            ),
            (
                "Date of birth (see Dr. Smith's note): 12/03/1950",
                "12/03/1950",
            ),
        ] {
            assert_eq!(kinds(text), [(Kind::DateOfBirth, date)], "{text}");
        }
        // `b.` is a birth word only in small letters after a name.
        for text in [
            "See Appendix B. 12 March 2024 was the date.",
            "a. 1 March 2025: notices. b. 1 April 2025: the contract starts.",
            "(b. the contract starts on 1 April 2025)",
            "Appendix B 12 March 2024 was the date.",
            "On the web 12/03/2024 we said so.",
        ] {
            assert!(kinds(text).is_empty(), "{text}");
        }
        // Not dates: a count, a reference, a phone number.
        for text in [
            "DOB 12 residents",
            "born 1234567890",
            "DOB 99999999",
            "born 12 03 19",
            "born in March 1850 or 13/1950",
            "born in March 19505",
            // Past a label's sentence, or a prose `born` 40 characters on.
            "We ask for a date of birth on the referral form. The annual review took place on 12 March 2024.",
            "The scheme was born out of the review that the council held on 12 March 2024.",
        ] {
            assert!(kinds(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn emails_and_phones() {
        assert_eq!(
            kinds(
                "Write to jo.bloggs+x@mail.example.co.uk. or call 01632 960001, +44 (0)20 7946 0018 or 07700-900-123."
            ),
            [
                (Kind::Email, "jo.bloggs+x@mail.example.co.uk"),
                (Kind::Phone, "01632 960001"),
                (Kind::Phone, "+44 (0)20 7946 0018"),
                (Kind::Phone, "07700-900-123"),
            ]
        );
        // Money, dates, decision numbers, CSS at-rules and short numbers are not.
        assert!(kinds("£1,000,000 on 2022-07-29 for 22/00073 @media 0 to 4 0.5 10065200 16 0123 0.1632960001").is_empty());
        // In a CSV row, between cells, and in brackets without a closing one.
        assert_eq!(
            kinds("P1,Sam (on 07700 900123),01632 960001,63.47"),
            [(Kind::Phone, "07700 900123"), (Kind::Phone, "01632 960001")]
        );
    }

    #[test]
    fn allow_keys_match_hits() {
        let hit = &find("call +44 3069 990000")[0];
        assert!(allow_keys("03069 990000").contains(&hit.key));
        let hit = &find("Democratic.Services@example.org")[0];
        assert!(allow_keys("democratic.services@example.org").contains(&hit.key));
    }

    #[test]
    fn masks_show_only_the_last_three() {
        assert_eq!(mask("943 476 5919"), "ending `919`");
        assert_eq!(mask("jo@example.org"), "ending `org`");
    }

    #[test]
    fn small_counts() {
        let t = "Of the 3 residents, 2 service users and 12 people, £4 and 4% and 1.5 people.";
        let found: Vec<&str> = small_counts_in_text(t)
            .iter()
            .map(|&i| &t[i..i + 1])
            .collect();
        assert_eq!(found, ["3", "2"]);
        assert!(is_small_count(" 4 ") && !is_small_count("5") && !is_small_count("14"));
        assert!(mentions_people("Number of people") && !mentions_people("Lot"));
    }
}
