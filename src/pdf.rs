//! Reading the text a PDF holds, so that the leak scan and the personal-data
//! guard look at what a reader of the file would see, not at its structure.
//!
//! A PDF's words are inside compressed content streams (ISO 32000-1:2008,
//! sections 7.3.8 and 9.4), and its structure is full of numbers (a classic
//! cross-reference table is rows of ten-digit offsets) that look like NHS
//! numbers but are not text. So [`text`] returns, one piece to a line:
//!
//! - every string in the object syntax outside streams and inside object
//!   streams (`/Type /ObjStm`): the information dictionary, annotations,
//!   bookmarks, form field values;
//! - the text shown by every content stream (`Tj`, `TJ`, `'`, `"`), with word
//!   breaks where the text moves (`Td`, `TD`, `Tm`, `T*`, `ET`) or a `TJ`
//!   gap is as wide as a space, mapped through the font's `ToUnicode` CMap
//!   (`beginbfchar`, `beginbfrange`) when it has one, else through a simple
//!   font's `/Differences` as its glyph names say, else read as
//!   PDFDocEncoding (Latin-1); and the `/ActualText` of marked content;
//! - the XMP metadata packets (`/Type /Metadata`), as they are.
//!
//! Streams are decoded with `/FlateDecode`, `/ASCIIHexDecode`,
//! `/ASCII85Decode` and `/RunLengthDecode` (and PNG predictors). Image
//! XObjects (`/Subtype /Image`), cross-reference streams and font programs
//! are skipped: they hold pixels, offsets and glyph outlines, not text.
//!
//! Fail closed: a stream that cannot be decoded (`/LZWDecode`, a damaged
//! one, one larger than [`MAX_INFLATED`] in all), an encrypted
//! file, an embedded file, text in a composite font with no `ToUnicode`
//! map, or a code whose glyph's name says nothing (`/g17`) is an error saying
//! why, never skipped: text that cannot be read cannot be checked.
//!
//! This module never modifies a file and never decides what is published.

use std::collections::HashMap;
use std::io::Read;

/// The largest decompressed size inspected, in a PDF's streams in all and
/// (by the scan) in a gzip file; anything larger is refused rather than
/// skipped (a site's own indexes are far smaller).
pub const MAX_INFLATED: u64 = 256 * 1024 * 1024;

/// The most decoded bytes read from one file, in all its streams (less in
/// tests, so that the test of a zip bomb is quick).
pub const MAX_DECODED: u64 = if cfg!(test) { 1 << 24 } else { MAX_INFLATED };

/// The text of a PDF, in two parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    /// What its pages show: text shown by content streams, and marked
    /// content's `/ActualText`.
    pub shown: String,
    /// Everything else that is text: strings in the object syntax (the
    /// information dictionary, annotations, bookmarks) and XMP packets.
    pub other: String,
}

impl Text {
    /// Both parts, one after the other.
    pub fn all(&self) -> String {
        let mut all = String::with_capacity(self.shown.len() + self.other.len() + 1);
        all.push_str(&self.shown);
        all.push('\n');
        all.push_str(&self.other);
        all
    }
}

/// The text of a PDF (see the module documentation), or why it cannot be read.
pub fn text(bytes: &[u8]) -> Result<Text, String> {
    let mut reader = Reader {
        bytes,
        budget: MAX_DECODED,
        objects: HashMap::new(),
        fonts: HashMap::new(),
        font_names: HashMap::new(),
        font_dicts: Vec::new(),
        out: String::new(),
        shown: String::new(),
        content_refs: Default::default(),
        hidden: None,
    };
    let mut streams = Vec::new();
    reader.objects_syntax(bytes, None, &mut streams, 0)?;
    // Object streams hold more objects (fonts among them), read before any
    // content stream so that every font is known.
    let mut contents = Vec::new();
    for s in streams {
        match s.kind {
            StreamKind::Objects => {
                let data = reader.decode(&s)?;
                let numbers = object_stream_numbers(&s.dict, &data);
                let mut inner = Vec::new();
                reader.objects_syntax(&data, Some(&numbers), &mut inner, 1)?;
                if !inner.is_empty() {
                    return Err("an object stream holds a stream, which PDF does not allow".into());
                }
            }
            _ => contents.push(s),
        }
    }
    for n in std::mem::take(&mut reader.font_dicts) {
        if let Some(fonts) = reader.objects.get(&n).cloned() {
            reader.font_resources(&fonts);
        }
    }
    if let Some(why) = reader.hidden {
        return Err(why.into());
    }
    for s in &mut contents {
        if s.number.is_some_and(|n| reader.content_refs.contains(&n))
            && !matches!(s.kind, StreamKind::Embedded | StreamKind::Content)
        {
            s.kind = StreamKind::Content;
        }
    }
    // A simple font without a map that renames its codes' glyphs shows
    // what its glyph names say.
    let diffs: HashMap<u64, Box<Differences>> = reader
        .fonts
        .iter()
        .filter(|(_, font)| font.to_unicode.is_none() && !font.composite)
        .filter_map(|(&n, font)| {
            Some((n, differences(font.encoding.as_deref()?, &reader.objects)?))
        })
        .collect();
    let mut maps: HashMap<u64, CMap> = HashMap::new();
    for s in &contents {
        if s.kind == StreamKind::CMap {
            let data = reader.decode(s)?;
            if let Some(n) = s.number {
                maps.insert(n, CMap::parse(&data));
            }
        }
    }
    for s in &contents {
        match s.kind {
            StreamKind::Content => {
                let data = reader.decode(s)?;
                reader.content_text(&data, &maps, &diffs)?;
            }
            StreamKind::Metadata => {
                let data = reader.decode(s)?;
                reader.out.push_str(&String::from_utf8_lossy(&data));
                reader.out.push('\n');
            }
            StreamKind::Embedded => {
                return Err("it carries an embedded file, which plainsight cannot open to check for exempt text or personal data; remove the attachment from inside the PDF".into());
            }
            _ => {}
        }
    }
    Ok(Text {
        shown: reader.shown,
        other: reader.out,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StreamKind {
    Content,
    Objects,
    Metadata,
    CMap,
    Embedded,
    /// Images, cross-reference streams, font programs: not text.
    Skipped,
}

/// A stream found in the file: its dictionary, where its data is, and what
/// it holds.
struct Stream {
    number: Option<u64>,
    dict: Vec<u8>,
    /// Where its data is in the file.
    data: std::ops::Range<usize>,
    kind: StreamKind,
}

/// What is known of a font: its `ToUnicode` stream, whether it is
/// composite (`/Type0`, codes of more than one byte), and its `/Encoding`
/// as written (a name, a reference or a dictionary).
#[derive(Debug, Clone, Default)]
struct Font {
    to_unicode: Option<u64>,
    composite: bool,
    encoding: Option<Vec<u8>>,
}

/// What a simple font's `/Differences` (9.6.5.1) make of each code: the
/// text of the glyph it names, where its name says (the Adobe Glyph List's
/// rules: `a`, `eacute`, `uni0041`, `f_i`, `A.sc`), or `None` where the
/// name says nothing (`g17`), so that what it shows cannot be read.
type Differences = [Option<Option<String>>; 256];

/// The differences an `/Encoding` value holds (its dictionary, or the
/// object a reference names), if it has any.
fn differences(encoding: &[u8], objects: &HashMap<u64, Vec<u8>>) -> Option<Box<Differences>> {
    let dict = match reference(encoding) {
        Some(n) => objects.get(&n)?.as_slice(),
        None => encoding,
    };
    let entries = dict_entries(dict);
    let array = get(&entries, b"Differences")?;
    let mut out: Box<Differences> = Box::new(std::array::from_fn(|_| None));
    let mut code: Option<usize> = None;
    let mut at = 1;
    while let Some((t, s, e)) = next_token(array, at) {
        at = e;
        match t {
            Token::Word => code = std::str::from_utf8(&array[s..e]).ok()?.parse().ok(),
            Token::Name => {
                if let Some(c) = code.filter(|&c| c < 256) {
                    let name = String::from_utf8_lossy(&array[s + 1..e]);
                    out[c] = Some(glyph_text(&name));
                    code = Some(c + 1);
                }
            }
            _ => {}
        }
    }
    Some(out)
}

/// The text a glyph name stands for, by the Adobe Glyph List's rules for
/// new fonts: what follows a `.` is a variant (`A.sc`), `_` joins the names
/// of a ligature (`f_i`), `uniXXXX` and `uXXXX` give code points, and the
/// common names of letters, figures and marks are known. An accented
/// letter's name reads as its letter (`eacute` as `e`), as the scan folds
/// accents anyway. `None` for a name that says nothing (`g17`, `.notdef`).
fn glyph_text(name: &str) -> Option<String> {
    const NAMED: &[(&str, &str)] = &[
        ("space", " "),
        ("nbspace", " "),
        ("zero", "0"),
        ("one", "1"),
        ("two", "2"),
        ("three", "3"),
        ("four", "4"),
        ("five", "5"),
        ("six", "6"),
        ("seven", "7"),
        ("eight", "8"),
        ("nine", "9"),
        ("period", "."),
        ("comma", ","),
        ("colon", ":"),
        ("semicolon", ";"),
        ("hyphen", "-"),
        ("endash", "\u{2013}"),
        ("emdash", "\u{2014}"),
        ("quoteright", "'"),
        ("quoteleft", "'"),
        ("quotesingle", "'"),
        ("quotedbl", "\""),
        ("quotedblleft", "\""),
        ("quotedblright", "\""),
        ("parenleft", "("),
        ("parenright", ")"),
        ("bracketleft", "["),
        ("bracketright", "]"),
        ("slash", "/"),
        ("backslash", "\\"),
        ("at", "@"),
        ("ampersand", "&"),
        ("percent", "%"),
        ("sterling", "£"),
        ("dollar", "$"),
        ("Euro", "€"),
        ("plus", "+"),
        ("minus", "-"),
        ("equal", "="),
        ("numbersign", "#"),
        ("exclam", "!"),
        ("question", "?"),
        ("underscore", "_"),
        ("asterisk", "*"),
        ("bullet", "\u{2022}"),
        ("ellipsis", "..."),
        ("germandbls", "ss"),
        ("ae", "ae"),
        ("AE", "AE"),
        ("oe", "oe"),
        ("OE", "OE"),
        ("fi", "fi"),
        ("fl", "fl"),
        ("ff", "ff"),
        ("ffi", "ffi"),
        ("ffl", "ffl"),
        ("dotlessi", "i"),
    ];
    const ACCENTS: &[&str] = &[
        "acute",
        "grave",
        "circumflex",
        "dieresis",
        "tilde",
        "ring",
        "cedilla",
        "caron",
        "macron",
        "breve",
        "ogonek",
        "dotaccent",
        "hungarumlaut",
        "slash",
        "commaaccent",
    ];
    let base = name.split('.').next().unwrap_or("");
    if base.is_empty() {
        return None;
    }
    let mut text = String::new();
    for part in base.split('_') {
        let hex = |h: &str| u32::from_str_radix(h, 16).ok().and_then(char::from_u32);
        if part.len() == 1 && part.as_bytes()[0].is_ascii_alphabetic() {
            text.push_str(part);
        } else if let Some((_, t)) = NAMED.iter().find(|(n, _)| *n == part) {
            text.push_str(t);
        } else if let Some(codes) = part.strip_prefix("uni").filter(|c| {
            !c.is_empty() && c.len() % 4 == 0 && c.bytes().all(|b| b.is_ascii_hexdigit())
        }) {
            for i in (0..codes.len()).step_by(4) {
                text.push(hex(&codes[i..i + 4])?);
            }
        } else if let Some(code) = part
            .strip_prefix('u')
            .filter(|c| (4..=6).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            text.push(hex(code)?);
        } else {
            let letter = ACCENTS.iter().find_map(|accent| {
                part.strip_suffix(accent)
                    .filter(|l| l.len() == 1 && l.as_bytes()[0].is_ascii_alphabetic())
            })?;
            text.push_str(letter);
        }
    }
    Some(text)
}

struct Reader<'a> {
    bytes: &'a [u8],
    budget: u64,
    /// Each object's value, by number (the last definition wins, as after an
    /// incremental update).
    objects: HashMap<u64, Vec<u8>>,
    fonts: HashMap<u64, Font>,
    /// Font resource names (`/F1`) and the font objects they name.
    font_names: HashMap<Vec<u8>, Vec<u64>>,
    /// Font resource dictionaries given by reference, read once every
    /// object is known.
    font_dicts: Vec<u64>,
    /// Text other than what the pages show.
    out: String,
    shown: String,
    /// The streams that pages name as their `/Contents`: read as content
    /// whatever their own dictionaries say (a `/N` or `/Length1` would
    /// otherwise pass one for a colour profile or a font program).
    content_refs: std::collections::HashSet<u64>,
    /// Whether a dictionary holds an embedded file (`/EF`, with or without
    /// the stream's optional `/Type /EmbeddedFile`) or an XFA form's data.
    hidden: Option<&'static str>,
}

pub(crate) fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

pub(crate) fn is_delimiter(b: u8) -> bool {
    is_white(b) || b"()<>[]{}/%".contains(&b)
}

/// One lexical token of PDF syntax (7.2), as a byte range of its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// A literal `( )` or hexadecimal `< >` string.
    Str,
    DictOpen,
    DictClose,
    ArrayOpen,
    ArrayClose,
    Name,
    /// A number, a keyword or an operator.
    Word,
}

/// The next token at or after `at`: its kind and range. Comments are skipped.
fn next_token(b: &[u8], mut at: usize) -> Option<(Token, usize, usize)> {
    loop {
        while at < b.len() && is_white(b[at]) {
            at += 1;
        }
        if b.get(at) == Some(&b'%') {
            while at < b.len() && !matches!(b[at], b'\r' | b'\n') {
                at += 1;
            }
            continue;
        }
        break;
    }
    let c = *b.get(at)?;
    let one = |t| Some((t, at, at + 1));
    match c {
        b'(' => {
            let end = literal_end(b, at).unwrap_or(b.len());
            Some((Token::Str, at, end))
        }
        b'<' if b.get(at + 1) == Some(&b'<') => Some((Token::DictOpen, at, at + 2)),
        b'>' if b.get(at + 1) == Some(&b'>') => Some((Token::DictClose, at, at + 2)),
        b'<' => {
            let end = b[at..]
                .iter()
                .position(|&x| x == b'>')
                .map_or(b.len(), |i| at + i + 1);
            Some((Token::Str, at, end))
        }
        b'[' => one(Token::ArrayOpen),
        b']' => one(Token::ArrayClose),
        b'/' => {
            let mut end = at + 1;
            while end < b.len() && !is_delimiter(b[end]) {
                end += 1;
            }
            Some((Token::Name, at, end))
        }
        b')' | b'>' | b'{' | b'}' => Some((Token::Word, at, at + 1)),
        _ => {
            let mut end = at + 1;
            while end < b.len() && !is_delimiter(b[end]) {
                end += 1;
            }
            Some((Token::Word, at, end))
        }
    }
}

/// The index after the `)` closing the literal string opened at `at`.
fn literal_end(b: &[u8], at: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = at;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The bytes of a string token (7.3.4): escapes read, hex digits paired.
fn string_bytes(token: &[u8]) -> Vec<u8> {
    if token.first() == Some(&b'<') {
        let digits: Vec<u32> = token
            .iter()
            .filter_map(|&c| (c as char).to_digit(16))
            .collect();
        return digits
            .chunks(2)
            .map(|p| (p[0] * 16 + p.get(1).copied().unwrap_or(0)) as u8)
            .collect();
    }
    let inner = &token[1..token.len().saturating_sub(1).max(1)];
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        let c = inner[i];
        i += 1;
        if c != b'\\' {
            out.push(c);
            continue;
        }
        let Some(&e) = inner.get(i) else { break };
        i += 1;
        match e {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                for _ in 0..2 {
                    match inner.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((v & 0xFF) as u8);
            }
            b'\r' => {
                if inner.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => {}
            other => out.push(other),
        }
    }
    out
}

/// A text string (7.9.2.2): UTF-16BE with a byte order mark, UTF-8 with one,
/// or PDFDocEncoding, read as Latin-1.
pub fn decode_text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().map(|&b| b as char).collect()
}

/// The top-level entries of a dictionary `<< ... >>`: each key (without its
/// `/`) and its value's bytes.
fn dict_entries(dict: &[u8]) -> Vec<(&[u8], &[u8])> {
    let mut out = Vec::new();
    let Some((Token::DictOpen, _, mut at)) = next_token(dict, 0) else {
        return out;
    };
    while let Some((t, s, e)) = next_token(dict, at) {
        if t != Token::Name {
            break; // `>>`, or damage
        }
        let Some((vs, ve)) = value_at(dict, e) else {
            break;
        };
        out.push((&dict[s + 1..e], &dict[vs..ve]));
        at = ve;
    }
    out
}

/// The range of the one value starting at or after `at` (an indirect
/// reference `N G R` is one value).
fn value_at(b: &[u8], at: usize) -> Option<(usize, usize)> {
    let (t, s, e) = next_token(b, at)?;
    match t {
        Token::DictOpen | Token::ArrayOpen => {
            let mut depth = 1usize;
            let mut at = e;
            while depth > 0 {
                let (t, _, e) = next_token(b, at)?;
                match t {
                    Token::DictOpen | Token::ArrayOpen => depth += 1,
                    Token::DictClose | Token::ArrayClose => depth -= 1,
                    _ => {}
                }
                at = e;
            }
            Some((s, at))
        }
        Token::Word if b[s..e].iter().all(u8::is_ascii_digit) => {
            // `N G R`?
            if let Some((Token::Word, s2, e2)) = next_token(b, e) {
                if b[s2..e2].iter().all(u8::is_ascii_digit) {
                    if let Some((Token::Word, s3, e3)) = next_token(b, e2) {
                        if &b[s3..e3] == b"R" {
                            return Some((s, e3));
                        }
                    }
                }
            }
            Some((s, e))
        }
        Token::DictClose | Token::ArrayClose => None,
        _ => Some((s, e)),
    }
}

fn get<'d>(entries: &[(&[u8], &'d [u8])], key: &[u8]) -> Option<&'d [u8]> {
    entries.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// The object number of an indirect reference `N G R`.
fn reference(value: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(value).ok()?;
    let mut parts = text.split_ascii_whitespace();
    let n = parts.next()?.parse().ok()?;
    parts.next()?.parse::<u64>().ok()?;
    (parts.next()? == "R" && parts.next().is_none()).then_some(n)
}

/// The object numbers of the references in `value`: one (`4 0 R`) or an
/// array of them (`[4 0 R 5 0 R]`).
fn references(value: &[u8]) -> Vec<u64> {
    let text = String::from_utf8_lossy(value);
    let words: Vec<&str> = text
        .split(|c: char| c.is_ascii_whitespace() || c == '[' || c == ']')
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(3)
        .filter(|w| w[2] == "R" && w[1].parse::<u64>().is_ok())
        .filter_map(|w| w[0].parse().ok())
        .collect()
}

fn names(value: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some((t, s, e)) = next_token(value, at) {
        if t == Token::Name {
            out.push(&value[s + 1..e]);
        }
        at = e;
    }
    out
}

/// The object numbers of an object stream's objects, in order (7.5.7).
fn object_stream_numbers(dict: &[u8], data: &[u8]) -> Vec<(u64, usize)> {
    let entries = dict_entries(dict);
    let int = |k: &[u8]| {
        get(&entries, k)
            .and_then(|v| std::str::from_utf8(v).ok())
            .and_then(|v| v.trim().parse::<usize>().ok())
    };
    let (Some(n), Some(first)) = (int(b"N"), int(b"First")) else {
        return Vec::new();
    };
    let header = String::from_utf8_lossy(&data[..first.min(data.len())]).into_owned();
    let numbers: Vec<usize> = header
        .split_ascii_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    numbers
        .chunks(2)
        .take(n)
        .filter(|p| p.len() == 2)
        .map(|p| (p[0] as u64, first + p[1]))
        .collect()
}

impl Reader<'_> {
    /// Reads object syntax (the file, or a decoded object stream): strings
    /// become text, dictionaries are noted (fonts, font names), streams are
    /// collected. `numbers` gives an object stream's object numbers by offset.
    fn objects_syntax(
        &mut self,
        b: &[u8],
        numbers: Option<&[(u64, usize)]>,
        streams: &mut Vec<Stream>,
        depth: usize,
    ) -> Result<(), String> {
        let mut at = 0;
        // The last two numbers, for `N G obj`.
        let mut last_numbers: [Option<u64>; 2] = [None, None];
        let mut current: Option<u64> = None;
        let mut dict_start: Vec<usize> = Vec::new();
        let mut last_dict: Option<(usize, usize)> = None;
        let mut next_number = numbers.map(|n| n.iter().peekable());
        while let Some((t, s, e)) = next_token(b, at) {
            if let Some(it) = &mut next_number {
                while let Some(&&(n, offset)) = it.peek() {
                    if offset > s {
                        break;
                    }
                    current = Some(n);
                    if let Some((vs, ve)) = value_at(b, offset) {
                        self.objects.insert(n, b[vs..ve].to_vec());
                    }
                    it.next();
                }
            }
            at = e;
            match t {
                Token::Str => {
                    let text = decode_text(&string_bytes(&b[s..e]));
                    self.out.push_str(&text);
                    self.out.push('\n');
                }
                Token::DictOpen => dict_start.push(s),
                Token::DictClose => {
                    if let Some(start) = dict_start.pop() {
                        self.note_dict(&b[start..e], current);
                        if dict_start.is_empty() {
                            last_dict = Some((start, e));
                        }
                    }
                }
                Token::Name if &b[s..e] == b"/Encrypt" && dict_start.len() == 1 => {
                    return Err("it is encrypted, so plainsight cannot read its text to check it for exempt text or personal data; publish it without a password or encryption".into());
                }
                Token::Word => {
                    let word = &b[s..e];
                    if word == b"obj" && numbers.is_none() {
                        // `N G obj`: the number two words back.
                        if let [Some(n), Some(_)] = last_numbers {
                            current = Some(n);
                            if let Some((vs, ve)) = value_at(b, e) {
                                self.objects.insert(n, b[vs..ve].to_vec());
                            }
                        }
                    } else if word == b"stream" {
                        if depth > 0 {
                            return Err(
                                "an object stream holds a stream, which PDF does not allow".into(),
                            );
                        }
                        let Some(dict) = last_dict.take() else {
                            return Err("a stream has no dictionary".into());
                        };
                        let (stream, resume) = self.stream_at(b, dict, e, current)?;
                        at = resume;
                        streams.push(stream);
                    }
                    let number = std::str::from_utf8(word)
                        .ok()
                        .filter(|w| w.bytes().all(|c| c.is_ascii_digit()))
                        .and_then(|w| w.parse::<u64>().ok());
                    last_numbers = [last_numbers[1], number];
                    continue;
                }
                _ => {}
            }
            last_numbers = [None, None];
        }
        Ok(())
    }

    /// A stream whose keyword `stream` ends at `after`: its data range and
    /// where reading goes on (after `endstream`).
    fn stream_at(
        &mut self,
        b: &[u8],
        (ds, de): (usize, usize),
        after: usize,
        number: Option<u64>,
    ) -> Result<(Stream, usize), String> {
        // The keyword is followed by CRLF or LF (7.3.8.1); a lone CR is read too.
        let mut start = after;
        if b.get(start) == Some(&b'\r') {
            start += 1;
        }
        if b.get(start) == Some(&b'\n') {
            start += 1;
        }
        let dict = b[ds..de].to_vec();
        let entries = dict_entries(&dict);
        let length = get(&entries, b"Length").and_then(|v| {
            let v = match reference(v) {
                Some(n) => self.objects.get(&n)?.clone(),
                None => v.to_vec(),
            };
            std::str::from_utf8(&v).ok()?.trim().parse::<usize>().ok()
        });
        let by_length = length.and_then(|len| {
            let end = start.checked_add(len)?;
            let (t, s, e) = next_token(b, end)?;
            (t == Token::Word && &b[s..e] == b"endstream").then_some((end, e))
        });
        let (end, resume) = match by_length {
            Some(found) => found,
            None => {
                let i = find(&b[start..], b"endstream")
                    .ok_or_else(|| "a stream has no `endstream`".to_string())?;
                let mut end = start + i;
                if end > start && b[end - 1] == b'\n' {
                    end -= 1;
                }
                if end > start && b[end - 1] == b'\r' {
                    end -= 1;
                }
                (end, start + i + b"endstream".len())
            }
        };
        let kind = classify(&entries, &b[start..end]);
        Ok((
            Stream {
                number,
                dict,
                data: start..end,
                kind,
            },
            resume,
        ))
    }

    /// Notes what a dictionary says of fonts: a font's `ToUnicode`, and a
    /// resource dictionary's font names.
    fn note_dict(&mut self, dict: &[u8], number: Option<u64>) {
        let entries = dict_entries(dict);
        if let Some(contents) = get(&entries, b"Contents") {
            self.content_refs.extend(references(contents));
        }
        if get(&entries, b"EF").is_some() {
            self.hidden = Some(
                "it carries an embedded file, which plainsight cannot open to check for exempt text or personal data; remove the attachment from inside the PDF",
            );
        } else if get(&entries, b"XFA").is_some() {
            self.hidden = Some(
                "it holds an XFA form, whose data plainsight cannot read to check for exempt text or personal data; publish the PDF flattened, without the form",
            );
        }
        let is = |k: &[u8], v: &[u8]| get(&entries, k).is_some_and(|x| x == v);
        if is(b"Type", b"/Font") || get(&entries, b"BaseFont").is_some() {
            let font = Font {
                to_unicode: get(&entries, b"ToUnicode").and_then(reference),
                composite: is(b"Subtype", b"/Type0"),
                encoding: get(&entries, b"Encoding").map(<[u8]>::to_vec),
            };
            if let Some(n) = number {
                // The font dictionary is the object itself, not one inside it.
                if get(&entries, b"Subtype").is_some() {
                    self.fonts.insert(n, font);
                }
            }
        }
        if let Some(fonts) = get(&entries, b"Font") {
            match reference(fonts) {
                Some(n) => self.font_dicts.push(n),
                None => self.font_resources(fonts),
            }
        }
    }

    /// Notes the names a font resource dictionary (`<< /F1 5 0 R >>`) gives.
    fn font_resources(&mut self, fonts: &[u8]) {
        for (name, value) in dict_entries(fonts) {
            if let Some(n) = reference(value) {
                self.font_names.entry(name.to_vec()).or_default().push(n);
            }
        }
    }

    /// The stream's data, decoded by each of its filters in turn.
    fn decode(&mut self, s: &Stream) -> Result<Vec<u8>, String> {
        let entries = dict_entries(&s.dict);
        let filters: Vec<Vec<u8>> = get(&entries, b"Filter")
            .map(|v| names(v).into_iter().map(<[u8]>::to_vec).collect())
            .unwrap_or_default();
        if get(&entries, b"Filter").is_some() && filters.is_empty() {
            return Err("a stream's filter is not written as a name, so plainsight cannot tell how to decode it".into());
        }
        let raw = self.raw(s);
        let mut data = raw.to_vec();
        for (i, filter) in filters.iter().enumerate() {
            data = match filter.as_slice() {
                b"FlateDecode" | b"Fl" => self.inflate(&data)?,
                b"ASCIIHexDecode" | b"AHx" => ascii_hex(&data),
                b"ASCII85Decode" | b"A85" => ascii85(&data)?,
                b"RunLengthDecode" | b"RL" => run_length(&data),
                other => {
                    return Err(format!(
                        "a stream uses /{}, which plainsight cannot read, so it cannot check it for exempt text or personal data; re-save the PDF with ordinary compression",
                        String::from_utf8_lossy(other)
                    ));
                }
            };
            if self.budget < data.len() as u64 {
                return Err(too_large());
            }
            if i == filters.len() - 1 {
                data = predicted(&entries, data)?;
            }
        }
        Ok(data)
    }

    fn raw<'s>(&'s self, s: &Stream) -> &'s [u8] {
        &self.bytes[s.data.clone()]
    }

    fn inflate(&mut self, data: &[u8]) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(data)
            .take(self.budget + 1)
            .read_to_end(&mut out)
            .map_err(|_| "a compressed stream is damaged, so plainsight cannot read it to check it; re-save the PDF".to_string())?;
        if out.len() as u64 > self.budget {
            return Err(too_large());
        }
        self.budget -= out.len() as u64;
        Ok(out)
    }

    /// The text a content stream shows (9.4), one line per text object.
    fn content_text(
        &mut self,
        data: &[u8],
        maps: &HashMap<u64, CMap>,
        diffs: &HashMap<u64, Box<Differences>>,
    ) -> Result<(), String> {
        let mut operands: Vec<(Token, usize, usize)> = Vec::new();
        let mut font: Option<Selected> = None;
        let mut at = 0;
        let mut line = String::new();
        while let Some((t, s, e)) = next_token(data, at) {
            at = e;
            if t != Token::Word || data[s..e].iter().all(|c| b"+-.0123456789".contains(c)) {
                if matches!(t, Token::ArrayOpen | Token::DictOpen) {
                    let (vs, ve) = value_at(data, s).unwrap_or((s, data.len()));
                    operands.push((t, vs, ve));
                    at = ve;
                } else {
                    operands.push((t, s, e));
                }
                continue;
            }
            let show = |line: &mut String, token: &[u8], font: Option<Selected>| {
                let codes = string_bytes(token);
                match font {
                    Some(Selected { map: Some(map), .. }) => map.decode(&codes, line),
                    Some(Selected {
                        differences: Some(d),
                        ..
                    }) => {
                        for &c in &codes {
                            match &d[usize::from(c)] {
                                Some(Some(text)) => line.push_str(text),
                                Some(None) => return Err(UNNAMED_GLYPHS.to_string()),
                                None => line.push(c as char),
                            }
                        }
                    }
                    _ => line.extend(codes.iter().map(|&c| c as char)),
                }
                Ok(())
            };
            let op = &data[s..e];
            let last_string = operands.iter().rev().find(|o| o.0 == Token::Str).copied();
            match op {
                b"Tf" => {
                    let name = operands
                        .iter()
                        .rev()
                        .find(|o| o.0 == Token::Name)
                        .map(|o| data[o.1 + 1..o.2].to_vec());
                    font = name.map(|n| self.font(&n, maps, diffs));
                }
                b"Tj" | b"'" | b"\"" => {
                    if op != b"Tj" {
                        line.push('\n');
                    }
                    if let Some((_, ss, se)) = last_string {
                        self.composite_check(font)?;
                        show(&mut line, &data[ss..se], font)?;
                    }
                }
                b"TJ" => {
                    if let Some(&(Token::ArrayOpen, as_, ae)) = operands.last() {
                        let array = &data[as_..ae];
                        let mut i = 1;
                        while let Some((t, s, e)) = next_token(array, i) {
                            i = e;
                            match t {
                                Token::Str => {
                                    self.composite_check(font)?;
                                    show(&mut line, &array[s..e], font)?;
                                }
                                Token::Word => {
                                    let gap = std::str::from_utf8(&array[s..e])
                                        .ok()
                                        .and_then(|n| n.parse::<f64>().ok())
                                        .unwrap_or(0.0);
                                    // A gap of a fifth of the font size or more
                                    // is a space between words.
                                    if gap <= -200.0 {
                                        line.push(' ');
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                }
                b"Td" | b"TD" | b"Tm" => line.push(' '),
                b"T*" | b"ET" | b"BT" => line.push('\n'),
                b"BDC" | b"DP" => {
                    // Marked content: `/ActualText`, `/Alt` and `/E` are text.
                    if let Some(&(Token::DictOpen, ds, de)) = operands.last() {
                        for (key, value) in dict_entries(&data[ds..de]) {
                            if matches!(key, b"ActualText" | b"Alt" | b"E") {
                                line.push('\n');
                                line.push_str(&decode_text(&string_bytes(value)));
                                line.push('\n');
                            }
                        }
                    }
                }
                b"ID" => {
                    // Inline image data, up to `EI` (8.9.7): pixels, not text.
                    let mut i = e + 1;
                    loop {
                        let Some(j) = find(&data[i.min(data.len())..], b"EI") else {
                            i = data.len();
                            break;
                        };
                        let k = i + j;
                        let before = k == 0 || is_white(data[k - 1]);
                        let after = data.get(k + 2).is_none_or(|&c| is_delimiter(c));
                        i = k + 2;
                        if before && after {
                            break;
                        }
                    }
                    at = i;
                }
                _ => {}
            }
            operands.clear();
        }
        self.shown.push_str(&line);
        self.shown.push('\n');
        Ok(())
    }

    /// The `ToUnicode` map of the font a resource name selects, whether the
    /// font is composite, and its differences. When one name selects several
    /// fonts in the file, the first with a map is used, else the first with
    /// differences.
    fn font<'m>(
        &self,
        name: &[u8],
        maps: &'m HashMap<u64, CMap>,
        diffs: &'m HashMap<u64, Box<Differences>>,
    ) -> Selected<'m> {
        let candidates = self.font_names.get(name).map_or(&[][..], Vec::as_slice);
        let mut selected = Selected::default();
        for n in candidates {
            let Some(font) = self.fonts.get(n) else {
                continue;
            };
            selected.composite |= font.composite;
            if let Some(map) = font.to_unicode.and_then(|n| maps.get(&n)) {
                return Selected {
                    map: Some(map),
                    composite: font.composite,
                    differences: None,
                };
            }
            if selected.differences.is_none() {
                selected.differences = diffs.get(n).map(|d| &**d);
            }
        }
        selected
    }

    fn composite_check(&self, font: Option<Selected>) -> Result<(), String> {
        match font {
            Some(Selected {
                map: None,
                composite: true,
                ..
            }) => Err("its text is in a composite font with no ToUnicode map, so plainsight cannot read it to check it for exempt text or personal data; re-save the PDF with fonts embedded as text (for example \"PDF/A\")".into()),
            _ => Ok(()),
        }
    }
}

/// The font a content stream has selected: see [`Reader::font`].
#[derive(Debug, Clone, Copy, Default)]
struct Selected<'m> {
    map: Option<&'m CMap>,
    composite: bool,
    differences: Option<&'m Differences>,
}

const UNNAMED_GLYPHS: &str = "its text is in a font that renames its characters' glyphs without saying what text they are (`/Differences` with names such as `g17`, and no ToUnicode map), so plainsight cannot read what it shows to check it for exempt text or personal data; re-save the PDF with fonts embedded as text (for example \"PDF/A\")";

fn too_large() -> String {
    format!(
        "its streams decompress to more than {} MB, so plainsight will not read them; split or re-save the PDF",
        MAX_DECODED / (1024 * 1024)
    )
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// What a stream holds, from its dictionary (and, for XMP, its start).
fn classify(entries: &[(&[u8], &[u8])], data: &[u8]) -> StreamKind {
    let is = |k: &[u8], v: &[u8]| get(entries, k).is_some_and(|x| x == v);
    if is(b"Type", b"/ObjStm") {
        StreamKind::Objects
    } else if is(b"Type", b"/EmbeddedFile") {
        StreamKind::Embedded
    } else if is(b"Subtype", b"/Image") || is(b"Type", b"/XRef") {
        StreamKind::Skipped
    } else if is(b"Type", b"/Metadata") || is(b"Subtype", b"/XML") || data.starts_with(b"<?xpacket")
    {
        StreamKind::Metadata
    } else if is(b"Type", b"/CMap") || get(entries, b"UseCMap").is_some() {
        StreamKind::CMap
    } else if ["Length1", "Length2", "Length3"]
        .iter()
        .any(|k| get(entries, k.as_bytes()).is_some())
        || is(b"Subtype", b"/Type1C")
        || is(b"Subtype", b"/CIDFontType0C")
        || is(b"Subtype", b"/OpenType")
    {
        StreamKind::Skipped // a font program
    } else if get(entries, b"N").is_some() && get(entries, b"Filter").is_some() {
        // An ICC profile (`/N` components): colour data. Font programs and
        // profiles carry names and copyright lines, not the document's text.
        StreamKind::Skipped
    } else {
        // A page's or form's content, or a CMap without `/Type`, which
        // begins `/CIDInit /ProcSet findresource`.
        if find(data, b"begincmap").is_some() {
            StreamKind::CMap
        } else {
            StreamKind::Content
        }
    }
}

/// PNG predictors (7.4.4.4) on decoded data; TIFF's predictor 2 is refused.
fn predicted(entries: &[(&[u8], &[u8])], data: Vec<u8>) -> Result<Vec<u8>, String> {
    let Some(parms) = get(entries, b"DecodeParms") else {
        return Ok(data);
    };
    let p = dict_entries(parms);
    let int = |k: &[u8], default: usize| {
        get(&p, k)
            .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse::<usize>().ok())
            .unwrap_or(default)
    };
    let predictor = int(b"Predictor", 1);
    if predictor < 10 {
        return if predictor == 1 {
            Ok(data)
        } else {
            Err(
                "a stream uses the TIFF predictor, which plainsight cannot read; re-save the PDF"
                    .into(),
            )
        };
    }
    let bpp = (int(b"Colors", 1) * int(b"BitsPerComponent", 8))
        .div_ceil(8)
        .max(1);
    let row = (int(b"Columns", 1) * int(b"Colors", 1) * int(b"BitsPerComponent", 8)).div_ceil(8);
    if row == 0 || row > 1 << 24 {
        return Err("a stream's predictor parameters are damaged".into());
    }
    let mut out = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; row];
    for chunk in data.chunks(row + 1) {
        let (&kind, line) = chunk.split_first().expect("chunks are not empty");
        let mut cur = line.to_vec();
        cur.resize(row, 0);
        for i in 0..row {
            let a = if i >= bpp { cur[i - bpp] } else { 0 };
            let b = prev[i];
            let c = if i >= bpp { prev[i - bpp] } else { 0 };
            cur[i] = cur[i].wrapping_add(match kind {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let (pa, pb, pc) = (
                        (p - i16::from(a)).abs(),
                        (p - i16::from(b)).abs(),
                        (p - i16::from(c)).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                _ => return Err("a stream's predictor data is damaged".into()),
            });
        }
        out.extend_from_slice(&cur[..line.len().min(row)]);
        prev = cur;
    }
    Ok(out)
}

fn ascii_hex(data: &[u8]) -> Vec<u8> {
    let end = data.iter().position(|&c| c == b'>').unwrap_or(data.len());
    let mut token = vec![b'<'];
    token.extend_from_slice(&data[..end]);
    token.push(b'>');
    string_bytes(&token)
}

fn ascii85(data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut group: Vec<u32> = Vec::with_capacity(5);
    let damaged = || "an ASCII85 stream is damaged".to_string();
    for &c in data {
        match c {
            b'~' => break,
            b'z' if group.is_empty() => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group.push(u32::from(c - b'!'));
                if group.len() == 5 {
                    let v = group
                        .iter()
                        .try_fold(0u32, |v, &d| v.checked_mul(85)?.checked_add(d))
                        .ok_or_else(damaged)?;
                    out.extend_from_slice(&v.to_be_bytes());
                    group.clear();
                }
            }
            c if is_white(c) => {}
            _ => return Err(damaged()),
        }
    }
    if !group.is_empty() {
        let n = group.len();
        if n == 1 {
            return Err(damaged());
        }
        group.resize(5, 84);
        let v = group
            .iter()
            .try_fold(0u32, |v, &d| v.checked_mul(85)?.checked_add(d))
            .ok_or_else(damaged)?;
        out.extend_from_slice(&v.to_be_bytes()[..n - 1]);
    }
    Ok(out)
}

fn run_length(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let n = data[i];
        i += 1;
        match n {
            128 => break,
            0..=127 => {
                let end = (i + usize::from(n) + 1).min(data.len());
                out.extend_from_slice(&data[i..end]);
                i = end;
            }
            _ => {
                if let Some(&b) = data.get(i) {
                    out.extend(std::iter::repeat_n(b, 257 - usize::from(n)));
                }
                i += 1;
            }
        }
    }
    out
}

/// A `ToUnicode` CMap (9.10.3): codes of one to four bytes to text.
#[derive(Debug, Default)]
struct CMap {
    /// Code lengths in bytes used by the code space, longest first.
    lengths: Vec<usize>,
    map: HashMap<Vec<u8>, String>,
}

impl CMap {
    fn parse(data: &[u8]) -> CMap {
        let mut cmap = CMap::default();
        let mut tokens = Vec::new();
        let mut at = 0;
        while let Some((t, s, e)) = next_token(data, at) {
            at = e;
            if t == Token::ArrayOpen {
                let (_, ve) = value_at(data, s).unwrap_or((s, data.len()));
                tokens.push((t, s, ve));
                at = ve;
                continue;
            }
            tokens.push((t, s, e));
        }
        let bytes = |i: usize| string_bytes(&data[tokens[i].1..tokens[i].2]);
        let utf16 = |b: &[u8]| {
            let units: Vec<u16> = b
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        };
        let mut i = 0;
        let word = |i: usize| &data[tokens[i].1..tokens[i].2];
        while i < tokens.len() {
            match word(i) {
                b"begincodespacerange" => {
                    i += 1;
                    while i + 1 < tokens.len() && tokens[i].0 == Token::Str {
                        let len = bytes(i).len();
                        if (1..=4).contains(&len) && !cmap.lengths.contains(&len) {
                            cmap.lengths.push(len);
                        }
                        i += 2;
                    }
                }
                b"beginbfchar" => {
                    i += 1;
                    while i + 1 < tokens.len() && tokens[i].0 == Token::Str {
                        let code = bytes(i);
                        if tokens[i + 1].0 == Token::Str {
                            cmap.map.insert(code, utf16(&bytes(i + 1)));
                        }
                        i += 2;
                    }
                }
                b"beginbfrange" => {
                    i += 1;
                    while i + 2 < tokens.len() && tokens[i].0 == Token::Str {
                        let (lo, hi) = (bytes(i), bytes(i + 1));
                        cmap.range(&lo, &hi, i + 2, &tokens, data, &utf16);
                        i += 3;
                    }
                }
                _ => i += 1,
            }
        }
        cmap.lengths.sort_unstable_by(|a, b| b.cmp(a));
        if cmap.lengths.is_empty() {
            cmap.lengths = cmap.map.keys().map(Vec::len).collect();
            cmap.lengths.sort_unstable_by(|a, b| b.cmp(a));
            cmap.lengths.dedup();
        }
        cmap
    }

    fn range(
        &mut self,
        lo: &[u8],
        hi: &[u8],
        dst: usize,
        tokens: &[(Token, usize, usize)],
        data: &[u8],
        utf16: &dyn Fn(&[u8]) -> String,
    ) {
        if lo.len() != hi.len() || lo.is_empty() || lo.len() > 4 {
            return;
        }
        let value = |b: &[u8]| b.iter().fold(0u32, |v, &x| (v << 8) | u32::from(x));
        let (from, to) = (value(lo), value(hi));
        if to < from || to - from > 0xFFFF {
            return;
        }
        let code = |v: u32| v.to_be_bytes()[4 - lo.len()..].to_vec();
        let (t, s, e) = tokens[dst];
        match t {
            Token::Str => {
                let mut base = string_bytes(&data[s..e]);
                for v in from..=to {
                    self.map.insert(code(v), utf16(&base));
                    // The last byte counts up (9.10.3).
                    if let Some(last) = base.last_mut() {
                        *last = last.wrapping_add(1);
                    }
                }
            }
            Token::ArrayOpen => {
                let array = &data[s..e];
                let mut at = 1;
                let mut v = from;
                while let Some((t, s, e)) = next_token(array, at) {
                    at = e;
                    if t == Token::Str && v <= to {
                        self.map.insert(code(v), utf16(&string_bytes(&array[s..e])));
                        v += 1;
                    }
                }
            }
            _ => {}
        }
    }

    fn decode(&self, codes: &[u8], out: &mut String) {
        let mut i = 0;
        'codes: while i < codes.len() {
            for &len in &self.lengths {
                if let Some(text) = codes.get(i..i + len).and_then(|c| self.map.get(c)) {
                    out.push_str(text);
                    i += len;
                    continue 'codes;
                }
            }
            // Unmapped: one code of the shortest length, shown as a gap.
            out.push('\u{FFFD}');
            i += self.lengths.last().copied().unwrap_or(1);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A valid one-page PDF whose content stream, Flate-compressed, is
    /// `content`, with a cross-reference table of true offsets.
    pub fn pdf_with_content(content: &str) -> Vec<u8> {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(content.as_bytes()).unwrap();
        let data = z.finish().unwrap();
        let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut offsets = Vec::new();
        let mut obj = |out: &mut Vec<u8>, body: &[u8]| {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        };
        obj(&mut out, b"<< /Type /Catalog /Pages 2 0 R >>");
        obj(&mut out, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        obj(
            &mut out,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        );
        let mut stream = format!(
            "<< /Length {} /Filter /FlateDecode >>\nstream\n",
            data.len()
        )
        .into_bytes();
        stream.extend_from_slice(&data);
        stream.extend_from_slice(b"\nendstream");
        obj(&mut out, &stream);
        obj(
            &mut out,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        );
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
        );
        for o in &offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                offsets.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    /// A PDF showing `text` in one `Tj`.
    pub fn pdf_with_text(text: &str) -> Vec<u8> {
        pdf_with_content(&format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET"))
    }

    /// A page's content stream dressed as a colour profile (`/N 1`) or a
    /// font program (`/Length1`) is read as content all the same, since the
    /// page names it; an embedded file without its optional `/Type`, or an
    /// XFA form, is refused.
    #[test]
    fn what_a_page_shows_is_read_whatever_its_stream_says_and_hidden_files_are_refused() {
        let plain = pdf_with_text("NHS number 943 476 5919");
        let replaced = |from: &str, to: &str| -> Vec<u8> {
            let at = find(&plain, from.as_bytes()).expect("in the PDF");
            [&plain[..at], to.as_bytes(), &plain[at + from.len()..]].concat()
        };
        for dressed in [" /N 1", " /Length1 5"] {
            let pdf = replaced(
                " /Filter /FlateDecode >>",
                &format!(" /Filter /FlateDecode{dressed} >>"),
            );
            let shown = text(&pdf).unwrap().shown;
            assert!(shown.contains("943 476 5919"), "{dressed}: {shown:?}");
        }
        let with = |extra: &str| {
            let pdf = replaced("/Type /Catalog", &format!("/Type /Catalog {extra}"));
            text(&pdf)
        };
        let embedded = with(
            "/Names << /EmbeddedFiles << /Names [(a.csv) << /Type /Filespec /EF << /F 4 0 R >> >>] >> >>",
        );
        assert!(embedded.is_err_and(|e| e.contains("embedded file")));
        let xfa = with("/AcroForm << /XFA [(datasets) 4 0 R] >>");
        assert!(xfa.is_err_and(|e| e.contains("XFA")));
    }

    /// An NHS number placed a figure at a time (each by its own move, or
    /// apart in a `TJ` array) reads as figures a space apart, which the
    /// personal-data rules find.
    #[test]
    fn figures_placed_one_at_a_time_are_found_as_personal_data() {
        let digits = "9434765919";
        let moves: String = digits
            .chars()
            .map(|d| format!("({d}) Tj 20 0 Td "))
            .collect();
        let kerned: String = digits.chars().map(|d| format!("({d}) -900 ")).collect();
        for content in [
            format!("BT /F1 12 Tf 72 720 Td (NHS number: ) Tj 100 0 Td {moves}ET"),
            format!("BT /F1 12 Tf 72 720 Td (NHS number: ) Tj [{kerned}] TJ ET"),
        ] {
            let shown = text(&pdf_with_content(&content)).unwrap().shown;
            let found = crate::personal::find(&shown);
            assert!(
                found
                    .iter()
                    .any(|h| h.kind == crate::personal::Kind::NhsNumber && h.key == digits),
                "{shown:?}: {found:?}"
            );
        }
    }

    #[test]
    fn shown_text_is_read_from_compressed_streams() {
        let t = text(&pdf_with_text("Award report \\(draft\\)"))
            .unwrap()
            .shown;
        assert!(t.contains("Award report (draft)"), "{t:?}");
        let t = text(&pdf_with_content(
            "BT /F1 12 Tf [(Hel) -20 (lo) -300 (wor) 10 (ld)] TJ T* (next) ' ET BT <416263> Tj ET",
        ))
        .unwrap()
        .shown;
        assert!(t.contains("Hello world\n") && t.contains("\nnext"), "{t:?}");
        assert!(t.contains("Abc"), "{t:?}");
    }

    #[test]
    fn structure_is_not_text() {
        // Offsets and generation numbers are not in the text.
        let pdf = pdf_with_text("Hello");
        let t = text(&pdf).unwrap().all();
        assert!(!t.contains("0000000000"), "{t:?}");
        assert!(!t.contains("65535"), "{t:?}");
    }

    #[test]
    fn information_dictionary_strings_are_text() {
        let t = text(&super::super::pdfinfo::tests::pdf_with_info("J. Smith"))
            .unwrap()
            .other;
        assert!(
            t.contains("J. Smith") && t.contains("Award (draft) report"),
            "{t:?}"
        );
        assert!(t.contains("Libre"), "{t:?}");
    }

    #[test]
    fn undecodable_streams_are_refused_with_the_reason() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<< /Length 4 /Filter /LZWDecode >>\nstream\nabcd\nendstream\nendobj\n%%EOF\n";
        let e = text(pdf).unwrap_err();
        assert!(e.contains("/LZWDecode"), "{e}");
        let pdf = b"%PDF-1.4\n1 0 obj\n<< /Length 4 /Filter /FlateDecode >>\nstream\nabcd\nendstream\nendobj\n%%EOF\n";
        assert!(text(pdf).unwrap_err().contains("damaged"));
        let pdf = b"%PDF-1.4\ntrailer\n<< /Root 1 0 R /Encrypt 5 0 R >>\n%%EOF\n";
        assert!(text(pdf).unwrap_err().contains("encrypted"));
    }

    #[test]
    fn images_are_skipped_and_other_filters_read() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /XObject /Subtype /Image /Length 4 /Filter /DCTDecode >>\nstream\n\xff\xd8\xff\xd9\nendstream\nendobj\n\
                    2 0 obj\n<< /Length 19 /Filter /ASCIIHexDecode >>\nstream\n4254202848692920546a>\nendstream\nendobj\n%%EOF\n";
        let t = text(pdf).unwrap().shown;
        assert!(t.contains("Hi"), "{t:?}");
        assert_eq!(ascii85(b"87cURD]i,\"Ebo80~>").unwrap(), b"Hello World!");
        assert_eq!(
            run_length(&[2, b'a', b'b', b'c', 254, b'x', 128]),
            b"abcxxx"
        );
    }

    #[test]
    fn to_unicode_maps_are_applied() {
        let cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
                    2 beginbfchar <0001> <0048> <0002> <0069> endbfchar\n1 beginbfrange <0010> <0012> <0041> endbfrange\nendcmap\n";
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(b"BT /F2 12 Tf <00010002> Tj ( ) Tj <001000110012> Tj ET")
            .unwrap();
        let content = z.finish().unwrap();
        let mut pdf = b"%PDF-1.7\n3 0 obj\n<< /Type /Page /Resources << /Font << /F2 5 0 R >> >> /Contents 4 0 R >>\nendobj\n".to_vec();
        pdf.extend_from_slice(
            format!(
                "4 0 obj\n<< /Length {} /Filter /FlateDecode >>\nstream\n",
                content.len()
            )
            .as_bytes(),
        );
        pdf.extend_from_slice(&content);
        pdf.extend_from_slice(b"\nendstream\nendobj\n5 0 obj\n<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /ToUnicode 6 0 R >>\nendobj\n");
        pdf.extend_from_slice(
            format!(
                "6 0 obj\n<< /Length {} >>\nstream\n{cmap}\nendstream\nendobj\n%%EOF\n",
                cmap.len()
            )
            .as_bytes(),
        );
        let t = text(&pdf).unwrap().shown;
        assert!(t.contains("Hi"), "{t:?}");
        assert!(t.contains("ABC"), "{t:?}");
        // Without the map, a composite font's text cannot be read.
        let without = String::from_utf8_lossy(&pdf).replace("/ToUnicode 6 0 R", "");
        let e = text(without.as_bytes());
        assert!(e.is_err(), "{e:?}");
    }

    #[test]
    fn a_simple_fonts_differences_are_read_as_their_glyphs_names_say() {
        let helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
        let with = |encoding: &str, more: &str| {
            let pdf = pdf_with_text("ABCDEF GHI");
            let at = find(&pdf, helvetica.as_bytes()).unwrap();
            let xref = find(&pdf, b"xref\n").unwrap();
            let mut out = pdf[..at].to_vec();
            out.extend_from_slice(
                format!("<< /Type /Font /Subtype /Type1 /BaseFont /X /Encoding {encoding} >>")
                    .as_bytes(),
            );
            out.extend_from_slice(&pdf[at + helvetica.len()..xref]);
            out.extend_from_slice(more.as_bytes());
            out.extend_from_slice(&pdf[xref..]);
            text(&out)
        };
        // The bytes say `ABCDEF`; the glyphs a reader sees say `Secret`.
        let inline = "<< /BaseEncoding /WinAnsiEncoding /Differences [65 /S /e /c /r /e /t 71 /uni0042 /eacute /f_i.alt] >>";
        let t = with(inline, "").unwrap().shown;
        assert!(t.contains("Secret Befi"), "{t:?}");
        // The same, as an object of its own.
        let t = with("6 0 R", &format!("6 0 obj\n{inline}\nendobj\n"))
            .unwrap()
            .shown;
        assert!(t.contains("Secret"), "{t:?}");
        // A code whose glyph's name says nothing cannot be read: refused.
        let e = with("<< /Differences [65 /g17 /g18] >>", "").unwrap_err();
        assert!(e.contains("/Differences"), "{e}");
        // Codes the differences leave alone read as before.
        let t = with("<< /Differences [200 /g17] >>", "").unwrap().shown;
        assert!(t.contains("ABCDEF GHI"), "{t:?}");
        // Glyph names, by the Adobe Glyph List's rules.
        assert_eq!(glyph_text("A.sc").as_deref(), Some("A"));
        assert_eq!(glyph_text("uni00410042").as_deref(), Some("AB"));
        assert_eq!(glyph_text("u1F600").as_deref(), Some("\u{1F600}"));
        assert_eq!(glyph_text("Odieresis").as_deref(), Some("O"));
        assert_eq!(glyph_text(".notdef"), None);
        assert_eq!(glyph_text("g17"), None);
    }

    #[test]
    fn a_zip_bomb_is_an_error() {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..20 {
            z.write_all(&zeros).unwrap();
        }
        let data = z.finish().unwrap();
        let mut pdf = format!(
            "%PDF-1.4\n1 0 obj\n<< /Length {} /Filter /FlateDecode >>\nstream\n",
            data.len()
        )
        .into_bytes();
        pdf.extend_from_slice(&data);
        pdf.extend_from_slice(b"\nendstream\nendobj\n");
        assert!(text(&pdf).unwrap_err().contains("MB"));
    }

    #[test]
    fn damaged_files_do_not_panic() {
        let pdf = pdf_with_text("Some words here");
        for cut in 0..pdf.len() {
            let _ = text(&pdf[..cut]);
        }
        let mut rng = crate::testing::Rng::new(3);
        for _ in 0..2000 {
            let mut p = pdf.clone();
            for _ in 0..4 {
                let i = rng.below(p.len());
                p[i] = b"()<>[]/ \\0123456789stream"[rng.below(25)];
            }
            let _ = text(&p);
        }
    }
}
