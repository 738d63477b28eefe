//! Text as its readers read it, for more than one reader (the exempt-fence
//! reader, the leak scan, the personal-data guard): characters a reader does
//! not see, one table, so that what one reader cannot see the others cannot
//! see either; HTML character references decoded as a browser decodes them;
//! JSON's and iCalendar's escapes decoded as their readers decode them; and
//! bytes read as UTF-8 piece by piece. Imports nothing of ours.

use std::borrow::Cow;

/// Characters a reader does not see: Unicode's default ignorable code
/// points (DerivedCoreProperties.txt) and the format characters (category
/// Cf) outside them: zero-width spaces and joiners, the byte-order mark, the
/// soft hyphen, bidirectional controls, tag characters, variation selectors,
/// Hangul fillers, the combining grapheme joiner.
pub fn is_default_ignorable(c: char) -> bool {
    matches!(
        u32::from(c),
        0xAD | 0x34F
            | 0x600..=0x605
            | 0x61C
            | 0x6DD
            | 0x70F
            | 0x890..=0x891
            | 0x8E2
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

/// Bytes read as UTF-8 piece by piece, exactly as [`String::from_utf8_lossy`]
/// reads them whole (each invalid sequence becomes one U+FFFD), holding back
/// a character cut by the end of a piece until the next.
#[derive(Default)]
pub(crate) struct Lossy {
    partial: Vec<u8>,
}

impl Lossy {
    /// Hands `text` the next piece's text, in one or more parts.
    pub(crate) fn push(&mut self, bytes: &[u8], mut text: impl FnMut(&str)) {
        let joined;
        let mut bytes = if self.partial.is_empty() {
            bytes
        } else {
            let mut partial = std::mem::take(&mut self.partial);
            partial.extend_from_slice(bytes);
            joined = partial;
            &joined[..]
        };
        loop {
            match std::str::from_utf8(bytes) {
                Ok(valid) => return text(valid),
                Err(e) => {
                    let (valid, rest) = bytes.split_at(e.valid_up_to());
                    text(std::str::from_utf8(valid).expect("valid up to here"));
                    match e.error_len() {
                        Some(n) => {
                            text("\u{fffd}");
                            bytes = &rest[n..];
                        }
                        None => {
                            self.partial = rest.to_vec();
                            return;
                        }
                    }
                }
            }
        }
    }

    /// The end of the file: a character cut short there is one U+FFFD.
    pub(crate) fn finish(self, mut text: impl FnMut(&str)) {
        if !self.partial.is_empty() {
            text("\u{fffd}");
        }
    }
}

/// A decoded character reference: the one or two characters it stands for
/// and how many bytes it spans (all ASCII, so also how many characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entity {
    pub(crate) decoded: [char; 2],
    pub(crate) count: usize,
    pub(crate) len: usize,
}

impl Entity {
    fn new(decoded: &str, len: usize) -> Option<Entity> {
        let mut chars = decoded.chars();
        let first = chars.next()?;
        let second = chars.next();
        if chars.next().is_some() {
            return None;
        }
        Some(Entity {
            decoded: [first, second.unwrap_or('\0')],
            count: 1 + usize::from(second.is_some()),
            len,
        })
    }

    pub(crate) fn chars(&self) -> &[char] {
        &self.decoded[..self.count]
    }
}

/// Named references decoded without a look-up in the full list (sorted by
/// name, for a binary search), and the only ones a browser decodes without
/// their `;` (the HTML standard's
/// "legacy" names: Latin-1, and `amp`, `lt`, `gt`, `quot`, `copy`, `reg`).
pub(crate) const NAMED: &[(&str, char, bool)] = &[
    ("AElig", 'Æ', true),
    ("AMP", '&', true),
    ("Aacute", 'Á', true),
    ("Acirc", 'Â', true),
    ("Agrave", 'À', true),
    ("Aring", 'Å', true),
    ("Atilde", 'Ã', true),
    ("Auml", 'Ä', true),
    ("COPY", '©', true),
    ("Ccedil", 'Ç', true),
    ("ETH", 'Ð', true),
    ("Eacute", 'É', true),
    ("Ecirc", 'Ê', true),
    ("Egrave", 'È', true),
    ("Euml", 'Ë', true),
    ("GT", '>', true),
    ("Iacute", 'Í', true),
    ("Icirc", 'Î', true),
    ("Igrave", 'Ì', true),
    ("Iuml", 'Ï', true),
    ("LT", '<', true),
    ("NoBreak", '\u{2060}', false),
    ("Ntilde", 'Ñ', true),
    ("Oacute", 'Ó', true),
    ("Ocirc", 'Ô', true),
    ("Ograve", 'Ò', true),
    ("Oslash", 'Ø', true),
    ("Otilde", 'Õ', true),
    ("Ouml", 'Ö', true),
    ("QUOT", '"', true),
    ("REG", '®', true),
    ("THORN", 'Þ', true),
    ("Uacute", 'Ú', true),
    ("Ucirc", 'Û', true),
    ("Ugrave", 'Ù', true),
    ("Uuml", 'Ü', true),
    ("Yacute", 'Ý', true),
    ("ZeroWidthSpace", '\u{200b}', false),
    ("aacute", 'á', true),
    ("acirc", 'â', true),
    ("acute", '´', true),
    ("aelig", 'æ', true),
    ("agrave", 'à', true),
    ("amp", '&', true),
    ("apos", '\'', false),
    ("aring", 'å', true),
    ("atilde", 'ã', true),
    ("auml", 'ä', true),
    ("brvbar", '¦', true),
    ("ccedil", 'ç', true),
    ("cedil", '¸', true),
    ("cent", '¢', true),
    ("colon", ':', false),
    ("copy", '©', true),
    ("curren", '¤', true),
    ("deg", '°', true),
    ("divide", '÷', true),
    ("eacute", 'é', true),
    ("ecirc", 'ê', true),
    ("egrave", 'è', true),
    ("eth", 'ð', true),
    ("euml", 'ë', true),
    ("frac12", '½', true),
    ("frac14", '¼', true),
    ("frac34", '¾', true),
    ("gt", '>', true),
    ("hyphen", '\u{2010}', false),
    ("iacute", 'í', true),
    ("icirc", 'î', true),
    ("iexcl", '¡', true),
    ("igrave", 'ì', true),
    ("iquest", '¿', true),
    ("iuml", 'ï', true),
    ("laquo", '«', true),
    ("lrm", '\u{200e}', false),
    ("lt", '<', true),
    ("macr", '¯', true),
    ("mdash", '—', false),
    ("micro", 'µ', true),
    ("middot", '·', true),
    ("nbsp", '\u{a0}', true),
    ("ndash", '–', false),
    ("not", '¬', true),
    ("ntilde", 'ñ', true),
    ("oacute", 'ó', true),
    ("ocirc", 'ô', true),
    ("ograve", 'ò', true),
    ("ordf", 'ª', true),
    ("ordm", 'º', true),
    ("oslash", 'ø', true),
    ("otilde", 'õ', true),
    ("ouml", 'ö', true),
    ("para", '¶', true),
    ("plusmn", '±', true),
    ("pound", '£', true),
    ("quot", '"', true),
    ("raquo", '»', true),
    ("reg", '®', true),
    ("rlm", '\u{200f}', false),
    ("rsquo", '\u{2019}', false),
    ("sect", '§', true),
    ("shy", '\u{ad}', true),
    ("sup1", '¹', true),
    ("sup2", '²', true),
    ("sup3", '³', true),
    ("szlig", 'ß', true),
    ("thorn", 'þ', true),
    ("times", '×', true),
    ("uacute", 'ú', true),
    ("ucirc", 'û', true),
    ("ugrave", 'ù', true),
    ("uml", '¨', true),
    ("uuml", 'ü', true),
    ("yacute", 'ý', true),
    ("yen", '¥', true),
    ("yuml", 'ÿ', true),
    ("zwj", '\u{200d}', false),
    ("zwnj", '\u{200c}', false),
];

/// The longest named reference in the HTML standard's list
/// (`CounterClockwiseContourIntegral`).
const LONGEST_NAME: usize = 31;

/// Decodes the character reference at the start of `text` (which starts
/// with `&`) as a browser does ([HTML, "character reference state"]):
///
/// - numeric ones with any number of digits, with or without `;`; zero, a
///   surrogate or a number past U+10FFFF is U+FFFD, and 128 to 159 are the
///   Windows-1252 characters browsers show for them;
/// - every named one of the standard's list, with its `;` (the list is the
///   one CommonMark uses, and `pulldown-cmark` holds it), and the legacy
///   names of [`NAMED`] without it (`&shy` then a letter is a soft hyphen).
///
/// Anything else is no reference (`None`): a browser shows it as it is.
///
/// [HTML, "character reference state"]: https://html.spec.whatwg.org/multipage/parsing.html#character-reference-state
pub(crate) fn decode_entity(text: &str) -> Option<Entity> {
    let rest = text.as_bytes().strip_prefix(b"&")?;
    if let Some(number) = rest.strip_prefix(b"#") {
        let (radix, digits, skip) = match number.first() {
            Some(b'x' | b'X') => (16, &number[1..], 3),
            _ => (10, number, 2),
        };
        let count = digits
            .iter()
            .take_while(|b| char::from(**b).is_digit(radix))
            .count();
        if count == 0 {
            return None;
        }
        let value = digits[..count].iter().fold(0u32, |v, b| {
            let digit = char::from(*b).to_digit(radix).expect("a digit");
            v.saturating_mul(radix).saturating_add(digit).min(0x11_0000)
        });
        let semicolon = usize::from(digits.get(count) == Some(&b';'));
        let c = windows_1252(value)
            .or_else(|| char::from_u32(value).filter(|_| value != 0))
            .unwrap_or('\u{fffd}');
        let mut buf = [0u8; 4];
        return Entity::new(c.encode_utf8(&mut buf), skip + count + semicolon);
    }
    let name_len = rest
        .iter()
        .take(LONGEST_NAME + 1)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let name = std::str::from_utf8(&rest[..name_len]).expect("ASCII");
    if name_len > 0 && name_len <= LONGEST_NAME && rest.get(name_len) == Some(&b';') {
        if let Ok(i) = NAMED.binary_search_by(|(n, _, _)| n.cmp(&name)) {
            let mut buf = [0u8; 4];
            return Entity::new(NAMED[i].1.encode_utf8(&mut buf), name_len + 2);
        }
        if let Some(decoded) = html5_entity(name) {
            return Entity::new(&decoded, name_len + 2);
        }
    }
    // Without `;` (or not a name in full): the longest legacy name it starts with.
    if name_len == 0 {
        return None;
    }
    NAMED
        .iter()
        .filter(|(n, _, legacy)| *legacy && name.starts_with(n))
        .max_by_key(|(n, _, _)| n.len())
        .and_then(|(n, c, _)| {
            let mut buf = [0u8; 4];
            Entity::new(c.encode_utf8(&mut buf), n.len() + 1)
        })
}

/// What a numeric reference from 128 to 159 shows (the HTML standard's
/// table, from Windows-1252); `None` for the rest.
fn windows_1252(value: u32) -> Option<char> {
    const C1: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    let i = value.checked_sub(0x80)?;
    C1.get(i as usize).copied()
}

/// `&name;` decoded by the HTML standard's full list of named references,
/// as the Markdown parser knows it; `None` if it is not one. Only names not
/// in [`NAMED`] come here, which output rarely holds.
fn html5_entity(name: &str) -> Option<String> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let source = format!("&{name};");
    let mut decoded = String::new();
    for event in Parser::new(&source) {
        match event {
            Event::Text(text) => decoded.push_str(&text),
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
            _ => return None,
        }
    }
    (!decoded.is_empty() && decoded != source).then_some(decoded)
}

/// Decodes the HTML entities that could hide text from a plain search.
/// Text without an entity is returned as it is, without a copy.
pub fn decode_entities(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    // Copied to `out` up to here.
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = text[at..].find('&') {
        let amp = at + found;
        match decode_entity(&text[amp..]) {
            Some(entity) => {
                if out.is_empty() {
                    out.reserve(text.len());
                }
                out.push_str(&text[copied..amp]);
                out.extend(entity.chars());
                copied = amp + entity.len;
                at = copied;
            }
            None => at = amp + 1,
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// A run of percent escapes (`%40`, `%C3%A9`: RFC 3986) at the start of
/// `text`: how many bytes it takes and the text it stands for, as a browser
/// shows a link's address decoded. Bytes that are not UTF-8 read as U+FFFD,
/// control characters as a space. `None` if `text` does not start with one.
pub(crate) fn percent_run(text: &str) -> Option<(usize, String)> {
    let b = text.as_bytes();
    let mut bytes = Vec::new();
    let mut i = 0;
    while b.get(i) == Some(&b'%') {
        let hex = |at: usize| b.get(at).and_then(|&c| char::from(c).to_digit(16));
        let (Some(high), Some(low)) = (hex(i + 1), hex(i + 2)) else {
            break;
        };
        bytes.push((high * 16 + low) as u8);
        i += 3;
    }
    if bytes.is_empty() {
        return None;
    }
    let decoded = String::from_utf8_lossy(&bytes)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    Some((i, decoded))
}

/// What a reader of an output file takes its text to be: HTML entities
/// decoded ([`decode_entities`]), then percent escapes ([`percent_run`]), so
/// that `mailto:jane%40example.org` is read as the address it is. Text with
/// neither is returned as it is, without a copy.
pub fn decode_for_reading(text: &str) -> Cow<'_, str> {
    let entities = decode_entities(text);
    let Some(first) = entities
        .match_indices('%')
        .find(|&(at, _)| percent_run(&entities[at..]).is_some())
        .map(|(at, _)| at)
    else {
        return entities;
    };
    let mut out = String::with_capacity(entities.len());
    out.push_str(&entities[..first]);
    let mut rest = &entities[first..];
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        match percent_run(&rest[at..]) {
            Some((len, decoded)) => {
                out.push_str(&decoded);
                rest = &rest[at + len..];
            }
            None => {
                out.push('%');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The texts hidden in `bytes` by a reversible encoding that turns text
/// into letters and digits: each run of base64 (standard or URL-safe, with
/// or without padding, wrapped at lines of 40 characters or more) or of
/// hexadecimal digits, of at least [`MIN_ENCODED`] characters, that decodes
/// to text (UTF-8, nearly all of it letters, digits, spaces and
/// punctuation), and what those texts hide in turn. A reader can decode
/// such a run in a moment, so what it says is published as surely as the
/// text around it. Bytes that decode to anything else (a hash, a key, an
/// image) are not text, and are left alone. Each text comes with the
/// offset in `bytes` of the run it was hidden in.
pub fn encoded_texts(bytes: &[u8]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    encoded_into(bytes, None, 0, &mut out);
    out
}

/// Characters a run of base64 or hexadecimal needs to be read as one.
pub const MIN_ENCODED: usize = 16;

/// The characters of base64, standard and URL-safe (hexadecimal digits
/// among them).
const BASE64: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] =
            matches!(c as u8, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'-' | b'/' | b'_');
        c += 1;
    }
    t
};

/// [`encoded_texts`] of `bytes`, found at `outer` (the offset of the run
/// they were decoded from, if they were) `depth` decodings down.
fn encoded_into(bytes: &[u8], outer: Option<usize>, depth: usize, out: &mut Vec<(usize, String)>) {
    // A run of MIN_ENCODED or more holds one of every MIN_ENCODED bytes:
    // only those are looked at first (most runs are words, and too short).
    let mut probe = MIN_ENCODED - 1;
    while probe < bytes.len() {
        if !BASE64[usize::from(bytes[probe])] {
            probe += MIN_ENCODED;
            continue;
        }
        let mut i = probe;
        while i > 0 && BASE64[usize::from(bytes[i - 1])] {
            i -= 1;
        }
        let i_start = i;
        let first_end = bytes[probe..]
            .iter()
            .position(|&c| !BASE64[usize::from(c)])
            .map_or(bytes.len(), |n| probe + n);
        if first_end - i < MIN_ENCODED {
            probe = first_end + MIN_ENCODED;
            continue;
        }
        // The run, across line breaks after lines of 40 characters or more.
        let mut run: Vec<u8> = Vec::new();
        let mut line = 0;
        let mut at = i;
        loop {
            match bytes.get(at) {
                Some(&c) if BASE64[usize::from(c)] => {
                    run.push(c);
                    line += 1;
                    at += 1;
                }
                Some(b'\r' | b'\n') if line >= 40 => {
                    let next = at
                        + 1
                        + usize::from(bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n'));
                    if bytes.get(next).is_none_or(|&c| !BASE64[usize::from(c)]) {
                        break;
                    }
                    line = 0;
                    at = next;
                }
                _ => break,
            }
        }
        probe = at.max(probe) + MIN_ENCODED;
        let offset = outer.unwrap_or(i_start);
        // Base64 is written in one alphabet or the other: a run with `/` or
        // `+` and `-` or `_` (a path, `/decisions/20-00001/`, or base64 with
        // a word and a hyphen before it) is read a piece in each at a time.
        let standard = run.iter().any(|c| matches!(c, b'/' | b'+'));
        if standard && run.iter().any(|c| matches!(c, b'-' | b'_')) {
            let pieces = run
                .split(|c| matches!(c, b'-' | b'_'))
                .chain(run.split(|c| matches!(c, b'/' | b'+')));
            for piece in pieces.filter(|p| p.len() >= MIN_ENCODED) {
                read_run(piece, offset, depth, out);
            }
        } else {
            read_run(&run, offset, depth, out);
        }
    }
}

/// The text a run of one alphabet (at `offset`, `depth` decodings down)
/// hides, and what that hides in turn, if it decodes to text.
fn read_run(run: &[u8], offset: usize, depth: usize, out: &mut Vec<(usize, String)>) {
    const MAX_DEPTH: usize = 4;
    // What precedes the encoded text in the run (a word run into it)
    // shifts it: each alignment is tried.
    let hex = run.iter().all(u8::is_ascii_hexdigit);
    let decoded = (0..2)
        .filter(|_| hex)
        .find_map(|skip| as_text(decode_hex(&run[skip..])))
        .or_else(|| (0..4).find_map(|skip| as_text(decode_base64(&run[skip..]))));
    let Some(text) = decoded else {
        return;
    };
    if depth < MAX_DEPTH {
        encoded_into(text.as_bytes(), Some(offset), depth + 1, out);
    }
    out.push((offset, text));
}

/// Pairs of hexadecimal digits as bytes (an odd last digit is left).
fn decode_hex(run: &[u8]) -> Vec<u8> {
    let digit = |c: u8| char::from(c).to_digit(16).map_or(0, |d| d as u8);
    run.chunks_exact(2)
        .map(|pair| digit(pair[0]) * 16 + digit(pair[1]))
        .collect()
}

/// Base64 characters, of either alphabet, as bytes.
fn decode_base64(run: &[u8]) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        _ => 63,
    };
    let mut decoded = Vec::with_capacity(run.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in run {
        acc = (acc << 6) | u32::from(value(c));
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            decoded.push((acc >> bits) as u8);
        }
    }
    decoded
}

/// Decoded bytes that are text a person could read: UTF-8, at least eight
/// characters with a letter among them, nine in ten or more of them not
/// control characters.
fn as_text(decoded: Vec<u8>) -> Option<String> {
    // What a word run into the encoded text decodes to (up to three bytes
    // before it) is left out.
    let text = (0..4.min(decoded.len()))
        .find_map(|lead| std::str::from_utf8(&decoded[lead..]).ok())?
        .to_string();
    let chars = text.chars().count();
    let readable = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .count();
    (chars >= 8 && readable * 10 >= chars * 9 && text.chars().any(char::is_alphabetic))
        .then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_hidden_in_base64_or_hexadecimal_is_found_and_nothing_else() {
        // "Jane Smith lives at 1 Oak Lane" in base64, that in hexadecimal.
        let b64 = "SmFuZSBTbWl0aCBsaXZlcyBhdCAxIE9hayBMYW5l";
        let hex: String = b64.bytes().map(|b| format!("{b:02x}")).collect();
        let texts = encoded_texts(format!("see {hex} here").as_bytes());
        let found: Vec<&str> = texts.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(found, ["Jane Smith lives at 1 Oak Lane", b64]);
        assert!(texts.iter().all(|(at, _)| *at == 4));
        // After a word and a hyphen, with a `/` of its own, it is found.
        let slashed = "SmFuZSBTbWl0aCBsaXZlcyBhdCAxIE9hayBMYW5lPz8/";
        let texts = encoded_texts(format!("ref-{slashed} x_y").as_bytes());
        assert!(
            texts.iter().any(|(_, t)| t.starts_with("Jane Smith lives")),
            "{texts:?}"
        );
        // After a path's folders, it is found all the same.
        let texts = encoded_texts(format!("/files/{b64}/").as_bytes());
        assert!(
            texts.iter().any(|(_, t)| t.contains("Jane Smith lives")),
            "{texts:?}"
        );
        // Words, addresses, class names and hashes are not text hidden.
        for plain in [
            "Supercalifragilisticexpialidocious and antidisestablishmentarianism",
            "https://example.org/decisions/20-00001/appendix-2-eqia/impacts.csv",
            "govuk-summary-list__row govuk-summary-list__key",
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
        ] {
            assert!(encoded_texts(plain.as_bytes()).is_empty(), "{plain}");
        }
        // Any bytes are read without panicking.
        for text in crate::testing::random_texts(
            &["QUJD", "ZGVm", "4142", "=", "\n", "é", "-_", "+/"],
            500,
            40,
            7,
        ) {
            let _ = encoded_texts(text.as_bytes());
        }
    }

    #[test]
    fn escapes_are_decoded_the_same_wherever_a_file_is_cut() {
        // Bytes that make escapes, folds and their beginnings.
        const PARTS: &[&[u8]] = &[
            b"\\",
            b"n",
            b"N",
            b"u",
            b"d83d",
            b"de00",
            b"0041",
            b"\r\n",
            b"\n",
            b" ",
            b"\t",
            b",",
            b";",
            b"\"",
            b"/",
            b"x",
            b"\xc3\xa9",
            b"zz",
        ];
        let mut seed = 0x5EED_u64;
        for _ in 0..400 {
            let mut bytes = Vec::new();
            for _ in 0..12 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                bytes.extend_from_slice(PARTS[(seed >> 33) as usize % PARTS.len()]);
            }
            for escapes in [Escapes::Json, Escapes::Calendar] {
                let whole = Unescape::all(escapes, &bytes);
                for cut in 0..=bytes.len() {
                    let mut out = Vec::new();
                    let mut u = Unescape::new(escapes);
                    u.push(&bytes[..cut], &mut out);
                    u.push(&bytes[cut..], &mut out);
                    u.finish(&mut out);
                    assert_eq!(out, whole, "{escapes:?} {bytes:?} cut at {cut}");
                }
            }
        }
    }

    #[test]
    fn json_strings_read_as_serde_json_reads_them() {
        for text in [
            "plain",
            "a\"b\\c/d",
            "line\nbreak\ttab",
            "caf\u{e9} \u{1F600} \u{7}",
        ] {
            let json = serde_json::to_string(text).unwrap();
            let ascii: String = json
                .chars()
                .map(|c| {
                    if c.is_ascii() {
                        c.to_string()
                    } else {
                        let mut units = [0; 2];
                        c.encode_utf16(&mut units)
                            .iter()
                            .map(|u| format!("\\u{u:04x}"))
                            .collect()
                    }
                })
                .collect();
            let expected: String = text
                .chars()
                .map(|c| {
                    if matches!(c, '\n' | '\t' | '\r' | '\u{8}' | '\u{c}') {
                        ' '
                    } else {
                        c
                    }
                })
                .collect();
            for written in [&json, &ascii] {
                let decoded = Unescape::all(Escapes::Json, written.as_bytes());
                let decoded = String::from_utf8(decoded).unwrap();
                // serde_json writes other control characters as \u00XX.
                assert_eq!(&decoded[1..decoded.len() - 1], expected, "{written}");
            }
        }
        assert_eq!(Escapes::of("a/B.JSON.gz"), Some(Escapes::Json));
        assert_eq!(Escapes::of("feeds/plan.ics"), Some(Escapes::Calendar));
        assert_eq!(Escapes::of("index.html"), None);
    }

    #[test]
    fn percent_escapes_read_as_the_text_they_stand_for() {
        assert_eq!(
            decode_for_reading("mailto:jane%2edoe%40example.org"),
            "mailto:jane.doe@example.org"
        );
        assert_eq!(decode_for_reading("Caf%C3%A9%20Ltd"), "Café Ltd");
        assert_eq!(decode_for_reading("a%0Ab &amp;%41"), "a b &A");
        assert_eq!(decode_for_reading("100% of 5%zz %4"), "100% of 5%zz %4");
        assert!(matches!(decode_for_reading("no escape"), Cow::Borrowed(_)));
        assert_eq!(percent_run("%ff%41x"), Some((6, "\u{fffd}A".to_string())));
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a&amp;b&#39;c&#x41;&bogus;"),
            "a&b'cA&bogus;"
        );
    }
}

/// The escapes of a file format whose text a reader sees decoded: a JSON
/// string's `\n` or `\u00e9`, a calendar's `\,` and folded lines. Read as
/// they are, a word glued to an escape (`\nSecret`) or cut by a fold would
/// hide from the defences; [`Unescape`] reads them as the file's reader does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escapes {
    /// JSON (RFC 8259): `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t` and
    /// `\uXXXX` (surrogate pairs joined). Control escapes are read as a
    /// space, so that lines stay where they are.
    Json,
    /// iCalendar (RFC 5545): a line break and a space or tab is a fold,
    /// removed; `\n` and `\N` are read as a space, `\,`, `\;` and `\\` as
    /// the character.
    Calendar,
}

impl Escapes {
    /// The escapes of an output file, by its name (`.gz` aside): JSON
    /// files and the search index's fragments (JSON once opened), and
    /// calendars.
    pub fn of(path: &str) -> Option<Escapes> {
        let lower = path.to_ascii_lowercase();
        let name = lower.strip_suffix(".gz").unwrap_or(&lower);
        if name.ends_with(".json") || name.ends_with(".pf_fragment") {
            Some(Escapes::Json)
        } else if name.ends_with(".ics") {
            Some(Escapes::Calendar)
        } else {
            None
        }
    }
}

/// Decodes a file's escapes piece by piece, holding at most an unfinished
/// escape between pieces: what it gives for a file is the same wherever the
/// pieces are cut.
#[derive(Debug)]
pub struct Unescape {
    escapes: Escapes,
    held: Vec<u8>,
}

impl Unescape {
    pub fn new(escapes: Escapes) -> Unescape {
        Unescape {
            escapes,
            held: Vec::new(),
        }
    }

    /// Decodes the next piece into `out`.
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<u8>) {
        let mut buf = std::mem::take(&mut self.held);
        buf.extend_from_slice(bytes);
        let used = self.decode(&buf, false, out);
        self.held = buf[used..].to_vec();
    }

    /// Decodes what is held at the end of the file into `out`.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        let buf = std::mem::take(&mut self.held);
        self.decode(&buf, true, out);
    }

    /// The whole of `bytes` decoded.
    pub fn all(escapes: Escapes, bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(bytes.len());
        let mut u = Unescape::new(escapes);
        u.push(bytes, &mut out);
        u.finish(&mut out);
        out
    }

    /// Decodes `buf` into `out`, and returns how much of it was used: all of
    /// it when `last`, otherwise all but an escape that may not be complete.
    fn decode(&self, buf: &[u8], last: bool, out: &mut Vec<u8>) -> usize {
        match self.escapes {
            Escapes::Json => decode_json(buf, last, out),
            Escapes::Calendar => decode_calendar(buf, last, out),
        }
    }
}

fn hex4(b: &[u8]) -> Option<u32> {
    let s = std::str::from_utf8(b.get(..4)?).ok()?;
    if !s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

fn push_char(c: u32, out: &mut Vec<u8>) {
    let c = char::from_u32(c).unwrap_or('\u{FFFD}');
    let mut utf8 = [0; 4];
    out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
}

fn decode_json(buf: &[u8], last: bool, out: &mut Vec<u8>) -> usize {
    let mut i = 0;
    while i < buf.len() {
        if buf[i] != b'\\' {
            out.push(buf[i]);
            i += 1;
            continue;
        }
        let Some(&c) = buf.get(i + 1) else {
            if !last {
                return i;
            }
            out.push(b'\\');
            return buf.len();
        };
        match c {
            b'"' | b'\\' | b'/' => {
                out.push(c);
                i += 2;
            }
            b'b' | b'f' | b'n' | b'r' | b't' => {
                out.push(b' ');
                i += 2;
            }
            b'u' => {
                if buf.len() < i + 6 && !last {
                    return i;
                }
                let Some(high) = hex4(&buf[i + 2..]) else {
                    out.push(b'\\');
                    i += 1;
                    continue;
                };
                if (0xD800..0xDC00).contains(&high) {
                    if buf.len() < i + 12 && !last {
                        return i;
                    }
                    let low = (buf.get(i + 6..i + 8) == Some(b"\\u"))
                        .then(|| hex4(&buf[i + 8..]))
                        .flatten()
                        .filter(|low| (0xDC00..0xE000).contains(low));
                    if let Some(low) = low {
                        push_char(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00), out);
                        i += 12;
                        continue;
                    }
                }
                push_char(high, out);
                i += 6;
            }
            _ => {
                out.push(b'\\');
                i += 1;
            }
        }
    }
    i
}

/// The length of a calendar fold (a line break and a space or tab) at
/// `buf[i..]`: `Some(0)` if there is none, `None` if the bytes end too soon
/// to tell.
fn fold_at(buf: &[u8], i: usize, last: bool) -> Option<usize> {
    let rest = &buf[i..];
    let line_break = match rest {
        [b'\r', b'\n', ..] => 2,
        [b'\r'] if !last => return None,
        [b'\n', ..] => 1,
        _ => return Some(0),
    };
    match rest.get(line_break) {
        Some(b' ' | b'\t') => Some(line_break + 1),
        None if !last => None,
        _ => Some(0),
    }
}

fn decode_calendar(buf: &[u8], last: bool, out: &mut Vec<u8>) -> usize {
    let mut i = 0;
    while i < buf.len() {
        match fold_at(buf, i, last) {
            None => return i,
            Some(0) => {}
            Some(n) => {
                i += n;
                continue;
            }
        }
        if buf[i] != b'\\' {
            out.push(buf[i]);
            i += 1;
            continue;
        }
        // An escape may itself be cut by a fold.
        let mut j = i + 1;
        loop {
            if j >= buf.len() {
                if !last {
                    return i;
                }
                break;
            }
            match fold_at(buf, j, last) {
                None => return i,
                Some(0) => break,
                Some(n) => j += n,
            }
        }
        match buf.get(j) {
            Some(b'n' | b'N') => {
                out.push(b' ');
                i = j + 1;
            }
            Some(&c @ (b',' | b';' | b'\\')) => {
                out.push(c);
                i = j + 1;
            }
            _ => {
                out.push(b'\\');
                i += 1;
            }
        }
    }
    i
}
