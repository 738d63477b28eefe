//! Reading the document-information fields of published PDFs, so that the
//! withholding report can list them for a person to check.
//!
//! A PDF's Info dictionary (ISO 32000-1:2008, section 14.3.3) holds Author,
//! Title, Subject, Keywords, Creator and Producer; an XMP stream (section
//! 14.3.2) can hold the same and more. They are set by whoever made the file and
//! often name a person or an earlier draft ("Award report - scores FINAL.docx").
//! The tool does not rewrite PDFs; it shows these fields to an officer.
//!
//! The parser is deliberately small: it finds the last `/Info N G R` reference
//! in the file (the trailer or a cross-reference stream's dictionary, both
//! uncompressed), then the last `N G obj` with that number, and reads its
//! dictionary's literal and hexadecimal strings. When the dictionary is not in
//! plain sight (inside a compressed object stream) it says "could not read"
//! rather than guess.
//!
//! This module never modifies a file and never decides whether a PDF is
//! published; it only reports.

use serde::{Deserialize, Serialize};

use crate::pdf::{decode_text, is_delimiter, is_white};

/// The fields read from one published PDF.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PdfInfo {
    /// The output file, relative to the output folder.
    pub file: String,
    /// Present fields, in the order of [`FIELDS`], as (name, value).
    pub fields: Vec<(String, String)>,
    /// Whether the file holds an XMP metadata stream (`/Type /Metadata`).
    pub xmp_metadata: bool,
    /// Why the Info dictionary could not be read, when it could not.
    pub could_not_read: Option<String>,
}

/// The document-information fields an officer should look at.
pub const FIELDS: [&str; 6] = [
    "Author", "Title", "Subject", "Keywords", "Creator", "Producer",
];

/// Reads the Info fields of a PDF's bytes.
pub fn read(file: &str, bytes: &[u8]) -> PdfInfo {
    let mut info = PdfInfo {
        file: file.to_string(),
        xmp_metadata: find_all(bytes, b"/Metadata").next().is_some()
            && (contains(bytes, b"/Type/Metadata")
                || contains(bytes, b"/Type /Metadata")
                || contains(bytes, b"<x:xmpmeta")),
        ..PdfInfo::default()
    };
    let compressed = contains(bytes, b"/ObjStm");
    let Some((number, generation)) = last_info_reference(bytes) else {
        // Without a reference there is nothing to read, unless it is hidden.
        info.could_not_read = compressed
            .then(|| "could not read: the file's trailer is in a compressed stream".to_string());
        return info;
    };
    let Some(dict) = object_dictionary(bytes, number, generation) else {
        info.could_not_read = Some(if compressed {
            "could not read: the information dictionary is inside a compressed object stream"
                .to_string()
        } else {
            "could not read: the information dictionary is missing or damaged".to_string()
        });
        return info;
    };
    for field in FIELDS {
        if let Some(value) = dictionary_string(dict, field) {
            info.fields.push((field.to_string(), value));
        }
    }
    info
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find_all(haystack, needle).next().is_some()
}

fn find_all<'a>(haystack: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(move |(_, w)| *w == needle)
        .map(|(i, _)| i)
}

fn skip_white(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && is_white(bytes[at]) {
        at += 1;
    }
    at
}

fn read_uint(bytes: &[u8], at: usize) -> Option<(u64, usize)> {
    let start = at;
    let mut end = at;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    if end == start || end - start > 10 {
        return None;
    }
    let n = std::str::from_utf8(&bytes[start..end]).ok()?.parse().ok()?;
    Some((n, end))
}

/// The last `/Info N G R` in the file: after incremental updates, the last
/// trailer is the one that counts (ISO 32000-1, 7.5.6).
fn last_info_reference(bytes: &[u8]) -> Option<(u64, u64)> {
    find_all(bytes, b"/Info")
        .filter_map(|i| {
            let after = i + 5;
            if bytes.get(after).is_some_and(|b| !is_delimiter(*b)) {
                return None; // `/InfoX`, another name
            }
            let (n, at) = read_uint(bytes, skip_white(bytes, after))?;
            let (g, at) = read_uint(bytes, skip_white(bytes, at))?;
            let at = skip_white(bytes, at);
            (bytes.get(at) == Some(&b'R')).then_some((n, g))
        })
        .last()
}

/// The dictionary `<< ... >>` of the last `N G obj` in the file.
fn object_dictionary(bytes: &[u8], number: u64, generation: u64) -> Option<&[u8]> {
    let header = format!("{number} {generation} obj");
    let start = find_all(bytes, header.as_bytes())
        .filter(|&i| i == 0 || is_delimiter(bytes[i - 1]))
        .last()?;
    let at = skip_white(bytes, start + header.len());
    if bytes.get(at..at + 2) != Some(b"<<") {
        return None;
    }
    let end = dictionary_end(bytes, at)?;
    Some(&bytes[at..end])
}

/// The index just after the `>>` closing the dictionary opened at `at`,
/// stepping over strings (which may hold `<<` or `>>`).
fn dictionary_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    let mut depth = 0usize;
    while at < bytes.len() {
        match bytes[at] {
            b'(' => at = literal_string(bytes, at)?.1,
            b'<' if bytes.get(at + 1) == Some(&b'<') => {
                depth += 1;
                at += 2;
            }
            b'>' if bytes.get(at + 1) == Some(&b'>') => {
                depth = depth.checked_sub(1)?;
                at += 2;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => at += 1,
        }
    }
    None
}

/// The string value of `/Key` at the top level of a dictionary.
fn dictionary_string(dict: &[u8], key: &str) -> Option<String> {
    let name = format!("/{key}");
    let mut at = 2;
    let mut depth = 0usize;
    while at < dict.len() {
        match dict[at] {
            b'(' => at = literal_string(dict, at)?.1,
            b'<' if dict.get(at + 1) == Some(&b'<') => {
                depth += 1;
                at += 2;
            }
            b'>' if dict.get(at + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                at += 2;
            }
            b'/' if depth == 0 && dict[at..].starts_with(name.as_bytes()) => {
                let after = at + name.len();
                if dict.get(after).is_some_and(|b| !is_delimiter(*b)) {
                    at = after;
                    continue;
                }
                let v = skip_white(dict, after);
                return match dict.get(v) {
                    Some(b'(') => literal_string(dict, v).map(|(s, _)| decode_text(&s)),
                    Some(b'<') if dict.get(v + 1) != Some(&b'<') => {
                        hex_string(dict, v).map(|s| decode_text(&s))
                    }
                    // An indirect reference or other value: not read, but flagged.
                    Some(_) => Some("(not a plain string: check it in a PDF reader)".into()),
                    None => None,
                };
            }
            _ => at += 1,
        }
    }
    None
}

/// A literal string `( ... )` with escapes and balanced parentheses (7.3.4.2).
fn literal_string(bytes: &[u8], at: usize) -> Option<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = at;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'(' => {
                if depth > 0 {
                    out.push(b);
                }
                depth += 1;
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some((out, i + 1));
                }
                out.push(b);
            }
            b'\\' => {
                i += 1;
                let e = *bytes.get(i)?;
                match e {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'0'..=b'7' => {
                        let mut v: u32 = 0;
                        let mut n = 0;
                        while n < 3 && bytes.get(i).is_some_and(|c| (b'0'..=b'7').contains(c)) {
                            v = v * 8 + u32::from(bytes[i] - b'0');
                            i += 1;
                            n += 1;
                        }
                        out.push((v & 0xFF) as u8);
                        continue;
                    }
                    b'\r' => {
                        if bytes.get(i + 1) == Some(&b'\n') {
                            i += 1;
                        }
                    }
                    b'\n' => {}
                    other => out.push(other),
                }
            }
            _ => out.push(b),
        }
        i += 1;
    }
    None
}

/// A hexadecimal string `< ... >` (7.3.4.3); an odd final digit is padded with 0.
fn hex_string(bytes: &[u8], at: usize) -> Option<Vec<u8>> {
    let end = at + bytes[at..].iter().position(|&b| b == b'>')?;
    let digits: Vec<u8> = bytes[at + 1..end]
        .iter()
        .copied()
        .filter(|b| !is_white(*b))
        .collect();
    let mut out = Vec::new();
    for pair in digits.chunks(2) {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = pair.get(1).map_or(Some(0), |c| (*c as char).to_digit(16))?;
        out.push((hi * 16 + lo) as u8);
    }
    Some(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small uncompressed PDF with an Info dictionary.
    pub fn pdf_with_info(author: &str) -> Vec<u8> {
        format!(
            "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n\
             2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n\
             5 0 obj\n<< /Author ({author}) /Title (Award \\(draft\\) report)\n\
             /Producer <FEFF004C0069006200720065> /CreationDate (D:20240101) >>\nendobj\n\
             trailer\n<< /Size 6 /Root 1 0 R /Info 5 0 R >>\n%%EOF\n"
        )
        .into_bytes()
    }

    #[test]
    fn reads_literal_escaped_and_utf16_strings() {
        let info = read("a.pdf", &pdf_with_info("J. Smith"));
        assert_eq!(
            info.fields,
            vec![
                ("Author".to_string(), "J. Smith".to_string()),
                ("Title".to_string(), "Award (draft) report".to_string()),
                ("Producer".to_string(), "Libre".to_string()),
            ]
        );
        assert!(!info.xmp_metadata);
        assert_eq!(info.could_not_read, None);
    }

    #[test]
    fn the_last_trailer_wins() {
        let mut pdf = pdf_with_info("First");
        pdf.extend_from_slice(
            b"7 0 obj\n<< /Author (Second) >>\nendobj\ntrailer\n<< /Info 7 0 R >>\n%%EOF\n",
        );
        let info = read("a.pdf", &pdf);
        assert_eq!(info.fields[0].1, "Second");
    }

    #[test]
    fn compressed_object_streams_are_not_guessed() {
        let pdf = b"%PDF-1.7\n3 0 obj\n<< /Type /ObjStm /N 2 /Filter /FlateDecode >>\nstream\nxx\nendstream\n\
                    9 0 obj\n<< /Type /XRef /Info 4 0 R /Root 1 0 R >>\nstream\nxx\nendstream\n%%EOF\n";
        let info = read("a.pdf", pdf);
        assert!(info.fields.is_empty());
        assert!(info.could_not_read.unwrap().starts_with("could not read"));
    }

    #[test]
    fn xmp_presence_and_no_info() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Metadata 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Metadata /Subtype /XML >>\nstream\n<x:xmpmeta/>\nendstream\ntrailer\n<< /Root 1 0 R >>\n";
        let info = read("a.pdf", pdf);
        assert!(info.xmp_metadata);
        assert!(info.fields.is_empty());
        assert_eq!(info.could_not_read, None);
    }

    #[test]
    fn damaged_files_do_not_panic() {
        for cut in 0..pdf_with_info("X").len() {
            let _ = read("a.pdf", &pdf_with_info("X")[..cut]);
        }
    }
}
