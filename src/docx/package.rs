//! A Word file's container: a zip of named parts (ECMA-376 Part 2, Open
//! Packaging Conventions), read part by part with limits.
//!
//! Only parts asked for by name are read, so a path with `..` in the zip
//! can never lead anywhere: nothing here writes a file. Every part is
//! inflated with a cap ([`MAX_PART`], and [`MAX_TOTAL`] over the file), read
//! from the bytes that come out rather than the sizes the zip claims, so a
//! zip bomb is refused, never expanded.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use super::ImportError;

/// The most bytes one part may inflate to. A report's document.xml is a few
/// megabytes; a picture, tens.
pub const MAX_PART: u64 = if cfg!(test) {
    1 << 20
} else {
    64 * 1024 * 1024
};

/// The most bytes all the parts read from one file may inflate to (the same
/// cap as a PDF's streams: [`crate::pdf::MAX_INFLATED`]).
pub const MAX_TOTAL: u64 = crate::pdf::MAX_INFLATED;

/// The most parts a file may have; Word writes a few dozen.
pub const MAX_PARTS: usize = 10_000;

/// An opened package: its part names (as the zip has them, without a
/// leading `/`), and the bytes inflated so far.
pub struct Package<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    names: BTreeMap<String, usize>,
    inflated: u64,
    /// What the package is, for messages ("the Word file", "the embedded
    /// part word/embeddings/x.xlsx").
    what: String,
}

impl<'a> Package<'a> {
    /// Opens the zip in `bytes`. `what` names it in messages.
    pub fn open(bytes: &'a [u8], what: &str) -> Result<Package<'a>, ImportError> {
        let not_zip = |e: zip::result::ZipError| {
            ImportError::NotDocx(format!(
                "{what} is not a Word document (.docx): it cannot be read as a zip file ({e})"
            ))
        };
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(not_zip)?;
        if zip.len() > MAX_PARTS {
            return Err(ImportError::NotDocx(format!(
                "{what} has {} parts, more than the {MAX_PARTS} a Word document could need",
                zip.len()
            )));
        }
        let names = (0..zip.len())
            .filter_map(|i| {
                let name = zip.name_for_index(i)?;
                Some((name.trim_start_matches('/').to_string(), i))
            })
            .collect();
        Ok(Package {
            zip,
            names,
            inflated: 0,
            what: what.to_string(),
        })
    }

    /// Every part's name, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.keys().map(String::as_str)
    }

    pub fn has(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// The bytes of part `name` (matched exactly, or ignoring case as OPC
    /// part names are), or `None` when there is no such part.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ImportError> {
        let index = match self.names.get(name) {
            Some(&i) => i,
            None => match self
                .names
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                Some((_, &i)) => i,
                None => return Ok(None),
            },
        };
        let what = &self.what;
        let broken = |e: &dyn std::fmt::Display| {
            ImportError::NotDocx(format!("{what}: its part {name} cannot be read ({e})"))
        };
        let file = self.zip.by_index(index).map_err(|e| broken(&e))?;
        let left = MAX_TOTAL.saturating_sub(self.inflated);
        let cap = MAX_PART.min(left);
        let mut bytes = Vec::new();
        file.take(cap + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| broken(&e))?;
        if bytes.len() as u64 > cap {
            return Err(ImportError::TooLarge(format!(
                "{what}: its part {name} inflates to more than {} MiB{}; it is refused rather than read (a zip bomb looks like this)",
                cap >> 20,
                if cap < MAX_PART {
                    " with what was read before it"
                } else {
                    ""
                }
            )));
        }
        self.inflated += bytes.len() as u64;
        Ok(Some(bytes))
    }

    /// Like [`Package::read`], for a part the package must have.
    pub fn require(&mut self, name: &str) -> Result<Vec<u8>, ImportError> {
        match self.read(name)? {
            Some(bytes) => Ok(bytes),
            None => Err(ImportError::NotDocx(format!(
                "{} is not a Word document (.docx): it has no {name}",
                self.what
            ))),
        }
    }
}
