//! One decision folder's work, in two passes, so that memory holds the
//! folders being worked on and the site's listings, never every body.
//!
//! - [`first_pass`] reads the folder, parses and separates it, measures its
//!   language, notes what the personal-data guard needs from its public
//!   sources, and keeps the listing ([`PublicDecision::listing`]), its
//!   withheld items and fingerprints; then lets the text go, unless the whole
//!   site is small enough to keep for pass 2 ([`Handed`]).
//! - [`second_pass`] takes it read again once every fingerprint is known, checks
//!   it is unchanged (by content hash), separates it again, checks its public
//!   sources for exempt text and hands the complete decision to the renderer.
//!   [`complete`] does the same for a folder pass 1 kept parsed.

use std::path::Path;

use crate::config::LanguageConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::guard::{self, SourceFacts};
use crate::language::{self, LanguagePart};
use crate::markdown::Glossary;
use crate::scan::{Fingerprints, FingerprintsBuilder};
use crate::site::{self, DecisionBundle, Folder};
use crate::source::{self, ReadError};
use crate::visibility::{self, PublicDecision, WithholdingReport};

/// A content hash of a folder's files (names and bytes).
pub type Digest = [u8; 32];

/// What the first pass keeps of a folder (the build cache keeps it too:
/// [`visibility::freeze`]).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct FirstPass {
    pub digest: Digest,
    pub diagnostics: Diagnostics,
    /// The number other records may relate to: the record's, or the folder's
    /// when its record could not be read.
    pub number: Option<String>,
    /// `None` when the folder has errors in its files or declarations (they
    /// are in `diagnostics`); such a folder is not separated.
    pub decision: Option<Kept>,
}

impl visibility::frozen::Sealed for FirstPass {}
impl visibility::Frozen for FirstPass {}

/// What the first pass keeps of a usable decision.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Kept {
    pub listing: PublicDecision,
    pub report: WithholdingReport,
    pub prints: FingerprintsBuilder,
    pub language: LanguagePart,
    pub sources: Vec<SourceFacts>,
    /// The related numbers its record lists, with where.
    pub related: Vec<(String, Position)>,
    /// The electoral divisions its record names, with where.
    pub divisions: Vec<(String, Position)>,
    /// The council's status label its record gives, with where.
    pub status_label: Option<(String, Position)>,
    /// The decisions its record cites in `related_elsewhere`, with where.
    pub elsewhere: Vec<site::ElsewhereRef>,
}

/// A folder with its files read, and their content hash.
pub type Read = (Folder, Digest);

/// What pass 1 hands on to pass 2 of a folder, while the whole site is small
/// enough to keep: the folder as pass 1 parsed it, or (when pass 1 took its
/// findings from the build cache instead) the bytes it read.
pub enum Handed {
    Read(Read),
    Loaded(Box<DecisionBundle>),
}

/// Reads many folders, with many reads in flight at once: on virtual and
/// network disks each read waits, and a build reading one file per core at
/// a time would mostly wait. Results are in the order of `folders`.
pub fn read_all(root: &Path, folders: &[&Folder]) -> Vec<Result<Read, ReadError>> {
    source::in_flight(folders, |folder| read(root, folder))
}

/// The bytes of a folder's files.
pub fn size((folder, _): &Read) -> usize {
    folder
        .documents
        .iter()
        .chain(&folder.attachments)
        .map(|f| f.bytes.len())
        .sum()
}

/// Reads a folder's files and hashes them.
fn read(root: &Path, folder: &Folder) -> Result<Read, ReadError> {
    let mut folder = folder.clone();
    let mut hasher = blake3::Hasher::new();
    for file in folder.files_mut() {
        source::fill(root, std::slice::from_mut(file))?;
        hasher.update(file.path.as_bytes());
        hasher.update(&[0]);
        hasher.update(&(file.bytes.len() as u64).to_le_bytes());
        hasher.update(&file.bytes);
    }
    Ok((folder, *hasher.finalize().as_bytes()))
}

/// Pass 1. `targets` are the site's language targets. With `keep`, a usable
/// folder's parsed files are handed back for pass 2 rather than let go.
pub fn first_pass(
    targets: &LanguageConfig,
    glossary: Option<&Glossary>,
    (folder, digest): Read,
    strict: bool,
    keep: bool,
) -> (FirstPass, Option<DecisionBundle>) {
    let mut diagnostics = Diagnostics::default();
    let folder_number = folder.number();
    let loaded = site::load(folder, &mut diagnostics);
    let number = match (&loaded.bundle, loaded.record_unreadable) {
        (Some(bundle), _) => Some(bundle.front().number.get_ref().clone()),
        (None, true) => Some(folder_number),
        (None, false) => None,
    };
    // A folder with errors is not separated: its declarations cannot be trusted.
    let bundle = loaded.bundle.filter(|_| !diagnostics.has_errors());
    let Some(bundle) = bundle else {
        let pass = FirstPass {
            digest,
            diagnostics,
            number,
            decision: None,
        };
        return (pass, None);
    };
    let related = site::related_refs(&bundle);
    let divisions = site::division_refs(&bundle);
    let status_label = site::status_label_ref(&bundle);
    let elsewhere = site::elsewhere_refs(&bundle);
    let separated = visibility::separate_decision(&bundle, &mut diagnostics);
    let sources = guard::decision_sources(&separated.public)
        .into_iter()
        .filter_map(|(path, eqia, markdown)| match bundle.text_of(&path) {
            // A PDF is read as a PDF, even when its bytes are plain text.
            Some(text) if !crate::scan::is_pdf(&path, text.as_bytes()) => {
                Some(guard::source_facts(&path, text, eqia, markdown)).filter(|f| !f.is_empty())
            }
            _ => {
                let file = bundle.files.values().find(|f| f.path == path)?;
                guard::file_facts(&path, &file.bytes, &mut diagnostics)
            }
        })
        .collect();
    let language = language::analyse_decision(targets, glossary, &separated.public, strict);
    let pass = FirstPass {
        digest,
        diagnostics,
        number,
        decision: Some(Kept {
            listing: separated.public.listing(),
            report: separated.report,
            prints: separated.prints,
            language,
            sources,
            related,
            divisions,
            status_label,
            elsewhere,
        }),
    };
    (pass, Some(bundle).filter(|_| keep))
}

/// Pass 2: the complete decision from the folder read again, or an error
/// when it changed since pass 1 (whose hash is `digest`). Exempt text found
/// in its public sources is reported into `diagnostics`.
pub fn second_pass(
    (folder, now): Read,
    digest: &Digest,
    fingerprints: &Fingerprints,
    diagnostics: &mut Diagnostics,
) -> Option<PublicDecision> {
    let path = format!("content/decisions/{}", folder.name);
    let changed = || {
        Diagnostic::error(&path, "this folder changed while the site was being built")
            .help("build again once the changes are saved; nothing was published")
    };
    if &now != digest {
        diagnostics.push(changed());
        return None;
    }
    // Everything this finds was found and reported by pass 1.
    let mut again = Diagnostics::default();
    let Some(bundle) = site::load(folder, &mut again).bundle else {
        diagnostics.push(changed());
        return None;
    };
    Some(complete(&bundle, fingerprints, diagnostics))
}

/// Pass 2 for a folder as pass 1 parsed it (so unchanged): separated again,
/// with exempt text found in its public sources reported into `diagnostics`.
pub fn complete(
    bundle: &DecisionBundle,
    fingerprints: &Fingerprints,
    diagnostics: &mut Diagnostics,
) -> PublicDecision {
    let separated = visibility::separate_again(bundle);
    check_sources(bundle, &separated.public_sources, fingerprints, diagnostics);
    separated.public
}

/// A public source that contains exempt text is an error at that source.
fn check_sources(
    bundle: &DecisionBundle,
    public_sources: &[String],
    fingerprints: &Fingerprints,
    diagnostics: &mut Diagnostics,
) {
    let mut overlaps = std::collections::BTreeSet::new();
    for path in public_sources {
        let Some(text) = bundle.text_of(path) else {
            continue;
        };
        let blanked = crate::fence::blank(text);
        overlaps.extend(fingerprints.check_source(path, &blanked, &[]));
    }
    for overlap in &overlaps {
        diagnostics.push(visibility::overlap_diagnostic(overlap));
    }
}
