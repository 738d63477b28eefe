//! The text strings of a CBOR document (RFC 8949), for the defences.
//!
//! The search index's word lists, filters and metadata are CBOR (Pagefind's
//! `.pf_index`, `.pf_filter` and `.pf_meta`, inside their gzip). Read as
//! bytes, a short CBOR text is its length byte glued to its letters: the
//! word `swale` is the bytes `eswale` (0x65 is both "text of 5 bytes" and
//! the letter `e`), so a scan of the raw bytes would see words that are not
//! there and miss the ones that are. The leak scan and the personal-data
//! guard read each string as a paragraph of its own instead: a blank line
//! between strings, so that no two words of a sorted word list (two decision
//! numbers, say) are read as one phone number written across a line break.
//!
//! Fail closed: a document that does not parse to its last byte is an
//! error, never read some other way. Imports nothing of ours.

/// Nesting deeper than this is refused (an index is a few levels deep).
const MAX_DEPTH: usize = 64;

/// Every text string (and byte string, read as UTF-8 where it is) of the
/// CBOR items in `bytes`, in document order, each followed by a blank line.
pub fn texts(bytes: &[u8]) -> Result<String, String> {
    let mut reader = Reader {
        bytes,
        at: 0,
        out: String::new(),
    };
    while reader.at < bytes.len() {
        reader.item(0)?;
    }
    Ok(reader.out)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    out: String,
}

/// An item's head: its major type and argument, or the start of an
/// indefinite-length item.
enum Head {
    Definite(u8, u64),
    Indefinite(u8),
    Break,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| format!("its CBOR ends inside an item (at byte {})", self.at))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn head(&mut self) -> Result<Head, String> {
        let first = self.take(1)?[0];
        let (major, info) = (first >> 5, first & 0x1f);
        let argument = match info {
            0..=23 => u64::from(info),
            24..=27 => {
                let n = 1usize << (info - 24);
                self.take(n)?
                    .iter()
                    .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
            }
            31 if major == 7 => return Ok(Head::Break),
            31 if matches!(major, 2..=5) => return Ok(Head::Indefinite(major)),
            _ => {
                return Err(format!(
                    "its CBOR has a malformed item head (at byte {})",
                    self.at - 1
                ));
            }
        };
        Ok(Head::Definite(major, argument))
    }

    fn item(&mut self, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("its CBOR nests too deeply".to_string());
        }
        match self.head()? {
            Head::Break => Err(format!(
                "its CBOR has a break outside an indefinite item (at byte {})",
                self.at - 1
            )),
            Head::Definite(major, argument) => self.definite(major, argument, depth),
            Head::Indefinite(major @ (2 | 3)) => loop {
                // Chunks of an indefinite string are definite strings of its type.
                match self.head()? {
                    Head::Break => return Ok(()),
                    Head::Definite(m, argument) if m == major => {
                        self.definite(m, argument, depth)?
                    }
                    _ => {
                        return Err(format!(
                            "its CBOR has a malformed indefinite string (at byte {})",
                            self.at
                        ));
                    }
                }
            },
            Head::Indefinite(major) => loop {
                if self.bytes.get(self.at) == Some(&0xff) {
                    self.at += 1;
                    return Ok(());
                }
                self.item(depth + 1)?;
                if major == 5 {
                    self.item(depth + 1)?;
                }
            },
        }
    }

    fn definite(&mut self, major: u8, argument: u64, depth: usize) -> Result<(), String> {
        let count = |n: u64| usize::try_from(n).map_err(|_| "its CBOR is too large".to_string());
        match major {
            // Integers, simple values and floats: their head is all of them.
            0 | 1 | 7 => Ok(()),
            2 | 3 => {
                let text = self.take(count(argument)?)?;
                let text = String::from_utf8_lossy(text).into_owned();
                self.out.push_str(&text);
                self.out.push_str("\n\n");
                Ok(())
            }
            4 => {
                for _ in 0..argument {
                    self.item(depth + 1)?;
                }
                Ok(())
            }
            5 => {
                for _ in 0..argument {
                    self.item(depth + 1)?;
                    self.item(depth + 1)?;
                }
                Ok(())
            }
            // A tag: the item it tags follows.
            6 => self.item(depth + 1),
            _ => unreachable!("a major type has three bits"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_read_as_paragraphs_without_their_length_bytes() {
        // [ "swale", {"k": 1, "v": h'6f6e6c696e65'}, -2, 1.5, true ]
        let doc = [
            0x85, 0x65, b's', b'w', b'a', b'l', b'e', 0xa2, 0x61, b'k', 0x01, 0x61, b'v', 0x46,
            b'o', b'n', b'l', b'i', b'n', b'e', 0x21, 0xf9, 0x3e, 0x00, 0xf5,
        ];
        assert_eq!(texts(&doc).unwrap(), "swale\n\nk\n\nv\n\nonline\n\n");
        // Longer lengths, a tag, and indefinite strings, arrays and maps.
        let long = "x".repeat(300);
        let mut doc = vec![0x9f, 0xc1, 0x79, 0x01, 0x2c];
        doc.extend(long.as_bytes());
        doc.extend([0x7f, 0x62, b'a', b'b', 0x61, b'c', 0xff]);
        doc.extend([0xbf, 0x61, b'k', 0x9f, 0xff, 0xff, 0xff]);
        assert_eq!(texts(&doc).unwrap(), format!("{long}\n\nab\n\nc\n\nk\n\n"));
    }

    #[test]
    fn anything_malformed_is_refused() {
        for bad in [
            &[0x65, b's', b'w'][..], // a string cut short
            &[0x82, 0x01][..],       // an array cut short
            &[0xff][..],             // a stray break
            &[0x1c][..],             // a reserved head
            &[0x7f, 0x01, 0xff][..], // an integer inside an indefinite string
            &[0x1b, 0, 0, 0][..],    // an argument cut short
            &[0x9f; 100][..],        // too deep
        ] {
            assert!(texts(bad).is_err(), "{bad:x?}");
        }
    }
}
