//! `plainsight import docx`: a Word report (.docx) as a plainsight document
//! in a decision's folder, carrying over what a reader of the report sees
//! and nothing a reader does not.
//!
//! Word files are where councils' leaks come from: tracked changes,
//! comments, hidden text, document properties, custom XML, embedded
//! spreadsheets with hidden sheets. This module reads the text of the body
//! as Word shows it with every change accepted (tracked insertions kept,
//! deletions dropped), takes pictures as attachments needing alt text, and
//! returns a typed list of everything it left out ([`LeftOut`]), so the
//! person importing sees what the file held besides its text. A passage the
//! author marked exempt (a paragraph style named "Exempt", or a bookmark
//! whose name starts with "exempt") becomes an `::: exempt` fence.
//!
//! Fail closed:
//!
//! - only parts asked for by name are read, each inflated with a cap
//!   ([`package`]); malformed XML is an error naming the part ([`xml`]);
//! - text is taken only from elements known to show it ([`body`]);
//! - the personal-data rules ([`crate::personal`], the build's guard) run
//!   over the text to be written, exempt passages aside, before anything is
//!   written: a finding not allowed by site.toml or `--personal-data-ok` is
//!   an error and nothing is written ([`ImportError::PersonalData`]);
//! - the .docx itself is never copied anywhere, and files are written only
//!   as new ones ([`crate::init`]'s writer), never over another.
//!
//! This module never prints: the binary prints the summary.

mod body;
mod package;
mod styles;
mod write;
mod xml;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::document::PLACEHOLDER;
use crate::images::ImageKind;
use crate::init;

pub use body::ExemptMark;

/// What the Word document becomes in the decision's folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportAs {
    /// `report.md` (or `report-2.md`, ...): a report to a committee.
    Report,
    /// The decision's next appendix, `appendix-N.md`, published.
    Appendix,
    /// The record of decision, `decision.md`, in a new decision folder.
    Decision,
}

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub import_as: ImportAs,
    /// The paragraph of Schedule 12A for passages marked exempt without one
    /// (a style "Exempt" rather than "Exempt 3").
    pub exempt_paragraph: Option<u8>,
    /// Values the personal-data check lets through in this document, written
    /// into its `personal_data_ok` for a person to review (an officer's
    /// published work email, say).
    pub personal_data_ok: Vec<String>,
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The Markdown file, then its pictures.
    pub written: Vec<PathBuf>,
    /// Everything in the Word file that was not carried over.
    pub left_out: Vec<LeftOut>,
    /// Passages marked exempt in Word, now in `::: exempt` fences.
    pub exempt_passages: usize,
    /// `FILL IN:` placeholders in the file written, each an error for
    /// `plainsight check` until a person writes the real value.
    pub placeholders: usize,
}

/// One kind of thing the Word file held that the import did not carry over.
/// Each says what and how many, never what it said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeftOut {
    /// Tracked changes: insertions accepted (their text kept), deletions
    /// dropped, moves made, formatting changes; the history dropped.
    TrackedChanges {
        insertions: usize,
        deletions: usize,
        moves: usize,
        formatting: usize,
        deleted_rows: usize,
    },
    /// Comments (word/comments.xml and their marks in the text).
    Comments {
        comments: usize,
        parts: Vec<String>,
    },
    /// Runs of hidden text (`w:vanish`, directly or by a style).
    HiddenText(usize),
    /// Runs whose colour cannot be seen against what is behind them.
    UnseenText(usize),
    /// Document properties, by part and name (never their values).
    Properties {
        part: String,
        names: Vec<String>,
    },
    /// Custom XML parts, elements and data bindings of content controls.
    CustomXml {
        parts: Vec<String>,
        elements: usize,
        bindings: usize,
    },
    /// A file embedded in the document, and what it is.
    Embedded {
        part: String,
        what: String,
    },
    /// Embedded (OLE) objects and inserted files in the text.
    Objects(usize),
    HeadersAndFooters(Vec<String>),
    /// Footnotes and endnotes (not imported: the site's Markdown has none).
    Notes {
        footnotes: usize,
        endnotes: usize,
    },
    /// A picture's alt text or title that held personal data, or that Word
    /// wrote by itself: left out, the alt text to be written by a person.
    AltText {
        picture: usize,
        found: Vec<String>,
        generated: bool,
    },
    /// Field instructions (the results Word shows are kept).
    FieldCodes(usize),
    /// Shapes, text boxes, charts, SmartArt and equations.
    Drawings {
        drawings: usize,
        equations: usize,
    },
    /// Pictures not imported, and why.
    Pictures {
        count: usize,
        why: String,
    },
    /// Links to files rather than web pages (their text is kept).
    FileLinks(usize),
    /// Lines of a table of contents (the site makes its own).
    Contents(usize),
    /// Macros.
    Macros(Vec<String>),
    /// Other parts that held something, not carried over.
    OtherParts(Vec<String>),
    /// Elements with text the importer does not know to be shown, by name.
    Unknown(BTreeMap<String, usize>),
}

impl std::fmt::Display for LeftOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        match self {
            LeftOut::TrackedChanges {
                insertions,
                deletions,
                moves,
                formatting,
                deleted_rows,
            } => {
                let mut parts = Vec::new();
                if *insertions > 0 {
                    parts.push(format!(
                        "{insertions} insertion{} accepted (the text kept)",
                        s(*insertions)
                    ));
                }
                if *deletions > 0 {
                    parts.push(format!(
                        "{deletions} deletion{} accepted (the text dropped)",
                        s(*deletions)
                    ));
                }
                if *deleted_rows > 0 {
                    parts.push(format!(
                        "{deleted_rows} deleted table row{}",
                        s(*deleted_rows)
                    ));
                }
                if *moves > 0 {
                    parts.push(format!("{moves} move{} accepted", s(*moves)));
                }
                if *formatting > 0 {
                    parts.push(format!("{formatting} formatting change{}", s(*formatting)));
                }
                write!(
                    f,
                    "tracked changes: {}; who made them, when, and what was there before are not kept",
                    parts.join(", ")
                )
            }
            LeftOut::Comments { comments, parts } => write!(
                f,
                "comments: {comments} comment{}, with their marks in the text{}",
                s(*comments),
                if parts.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", parts.join(", "))
                }
            ),
            LeftOut::HiddenText(n) => write!(
                f,
                "hidden text: {n} run{} formatted as hidden (w:vanish), directly or by a style",
                s(*n)
            ),
            LeftOut::UnseenText(n) => write!(
                f,
                "text that cannot be seen: {n} run{} coloured like what is behind {} (white text, or text blacked out by highlighting)",
                s(*n),
                if *n == 1 { "it" } else { "them" }
            ),
            LeftOut::Properties { part, names } => {
                write!(f, "document properties in {part}: {}", names.join(", "))
            }
            LeftOut::CustomXml {
                parts,
                elements,
                bindings,
            } => {
                let mut said = Vec::new();
                if !parts.is_empty() {
                    said.push(format!("parts {}", parts.join(", ")));
                }
                if *elements > 0 {
                    said.push(format!(
                        "{elements} custom XML element{} in the text (their words kept)",
                        s(*elements)
                    ));
                }
                if *bindings > 0 {
                    said.push(format!(
                        "{bindings} content control{} bound to data (the words shown kept, the binding not)",
                        s(*bindings)
                    ));
                }
                write!(f, "custom XML: {}", said.join("; "))
            }
            LeftOut::Embedded { part, what } => {
                write!(f, "embedded file {part}: {what}; not carried over")
            }
            LeftOut::Objects(n) => write!(
                f,
                "embedded objects: {n} object{} or inserted file{} in the text",
                s(*n),
                s(*n)
            ),
            LeftOut::HeadersAndFooters(parts) => write!(
                f,
                "headers and footers: {} ({})",
                parts.len(),
                parts.join(", ")
            ),
            LeftOut::Notes {
                footnotes,
                endnotes,
            } => write!(
                f,
                "notes: {footnotes} footnote{} and {endnotes} endnote{}, not imported (the site has no footnotes): write any that matter into the text",
                s(*footnotes),
                s(*endnotes)
            ),
            LeftOut::AltText {
                picture,
                found,
                generated,
            } => {
                if *generated {
                    write!(
                        f,
                        "alt text of picture {picture}: written by Word itself, not by a person; write it"
                    )
                } else {
                    write!(
                        f,
                        "alt text of picture {picture}: it held {}; write it again without",
                        found.join(", ")
                    )
                }
            }
            LeftOut::FieldCodes(n) => write!(
                f,
                "field codes: {n} field instruction{} (what Word shows for them is kept)",
                s(*n)
            ),
            LeftOut::Drawings {
                drawings,
                equations,
            } => {
                let mut said = Vec::new();
                if *drawings > 0 {
                    said.push(format!(
                        "{drawings} shape{}, text box{}, chart{} or diagram{}",
                        s(*drawings),
                        if *drawings == 1 { "" } else { "es" },
                        s(*drawings),
                        s(*drawings)
                    ));
                }
                if *equations > 0 {
                    said.push(format!("{equations} equation{}", s(*equations)));
                }
                write!(
                    f,
                    "drawings: {}, not imported: put what they show into words or a captioned table",
                    said.join(" and ")
                )
            }
            LeftOut::Pictures { count, why } => {
                write!(f, "pictures: {count} not imported, {why}")
            }
            LeftOut::FileLinks(n) => write!(
                f,
                "links: {n} link{} to a file or place that is not a web page (the words kept, the link not)",
                s(*n)
            ),
            LeftOut::Contents(n) => write!(
                f,
                "table of contents: {n} line{} (the site makes its own)",
                s(*n)
            ),
            LeftOut::Macros(parts) => write!(f, "macros: {}", parts.join(", ")),
            LeftOut::OtherParts(parts) => write!(f, "other parts: {}", parts.join(", ")),
            LeftOut::Unknown(names) => write!(
                f,
                "content the importer does not know to be shown: {}",
                names
                    .iter()
                    .map(|(name, n)| format!("{n} w:{name}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// Personal data found in the text to be written, where, masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What it is: "a phone number".
    pub kind: &'static str,
    /// Where: "paragraph 41" or "the title".
    pub place: String,
    /// Its last three letters or digits ([`crate::personal::mask`]).
    pub masked: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} {}", self.place, self.kind, self.masked)
    }
}

/// An import refused because the text holds personal data.
#[derive(Debug, Clone)]
pub struct Refused {
    pub findings: Vec<Finding>,
    /// What was left out besides (as [`Imported::left_out`]).
    pub left_out: Vec<LeftOut>,
}

/// Why an import did not happen. Nothing was written in any case.
#[derive(Debug, Clone)]
pub enum ImportError {
    /// The command cannot work (no such decision, no site, a file there).
    Usage(String),
    /// The file is not a Word document, or a part of it cannot be read.
    NotDocx(String),
    /// A part inflates past the limits.
    TooLarge(String),
    /// A part is not well-formed XML.
    Malformed { part: String, message: String },
    /// The text holds personal data not allowed (exit 1: a content error).
    PersonalData(Box<Refused>),
    /// Paragraphs (numbered from the start of the document) whose text
    /// reads as an exempt fence: written as it is, it could open or close a
    /// passage where the author marked none (exit 1: a content error).
    FenceInText(Vec<usize>),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Usage(m) | ImportError::NotDocx(m) | ImportError::TooLarge(m) => {
                f.write_str(m)
            }
            ImportError::Malformed { part, message } => write!(
                f,
                "the Word file's part {part} is not well-formed XML: {message}"
            ),
            ImportError::FenceInText(paragraphs) => write!(
                f,
                "the text of paragraph{} {} reads as an exempt fence (three colons in a row, or two at the start of a line), which would open or close a withheld passage where the Word document marks none; write {} differently in Word (or mark the passage with the Exempt style) and import again",
                if paragraphs.len() == 1 { "" } else { "s" },
                paragraphs
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                if paragraphs.len() == 1 { "it" } else { "them" }
            ),
            ImportError::PersonalData(refused) => write!(
                f,
                "the text to import holds personal data ({} finding{}), so nothing was written",
                refused.findings.len(),
                if refused.findings.len() == 1 { "" } else { "s" }
            ),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<init::InitError> for ImportError {
    fn from(e: init::InitError) -> ImportError {
        ImportError::Usage(e.0)
    }
}

/// The largest .docx read.
pub const MAX_FILE: u64 = package::MAX_TOTAL;

/// Imports the Word file at `docx` into decision `number`'s folder in the
/// site at `root`. Nothing is written unless everything can be.
pub fn import(
    root: &Path,
    docx: &Path,
    number: &str,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    if let Some(p) = options.exempt_paragraph {
        if !(1..=7).contains(&p) {
            return Err(ImportError::Usage(format!(
                "there is no paragraph {p} of Schedule 12A: exempt information is under paragraphs 1 to 7"
            )));
        }
    }
    let (folder, stem) = match options.import_as {
        ImportAs::Decision => (
            init::free_decision_folder(root, number)?,
            "decision".to_string(),
        ),
        ImportAs::Report => {
            let folder = init::existing_decision_folder(root, number)?;
            let stem = (1..)
                .map(|n| match n {
                    1 => "report".to_string(),
                    n => format!("report-{n}"),
                })
                .find(|s| !folder.join(format!("{s}.md")).exists())
                .expect("a free name");
            (folder, stem)
        }
        ImportAs::Appendix => {
            let folder = init::existing_decision_folder(root, number)?;
            let n = init::next_appendix(&folder)?;
            (folder, format!("appendix-{n}"))
        }
    };
    let allowed = allowed_keys(root, &options.personal_data_ok)?;
    let bytes = read_file(docx)?;
    let named = |m: String| format!("{}: {m}", docx.display());
    let converted = convert(
        &bytes,
        &Settings {
            stem: stem.clone(),
            attachments: options.import_as != ImportAs::Decision,
            exempt_paragraph: options.exempt_paragraph,
            allowed: allowed.clone(),
        },
    )
    .map_err(|e| match e {
        ImportError::NotDocx(m) => ImportError::NotDocx(named(m)),
        ImportError::TooLarge(m) => ImportError::TooLarge(named(m)),
        other => other,
    })?;
    let front = front_matter(options, number, &stem, &converted)?;
    let text = format!("{front}{}", converted.body);
    let findings = personal_data(&text, front.len(), &converted.places, &allowed);
    if !findings.is_empty() {
        return Err(ImportError::PersonalData(Box::new(Refused {
            findings,
            left_out: converted.left_out,
        })));
    }
    let markdown = folder.join(format!("{stem}.md"));
    let targets: Vec<PathBuf> = std::iter::once(markdown.clone())
        .chain(converted.pictures.iter().map(|(name, _)| folder.join(name)))
        .collect();
    if let Some(taken) = targets
        .iter()
        .find(|p| std::fs::symlink_metadata(p).is_ok())
    {
        return Err(ImportError::Usage(format!(
            "{} already exists: move it away, or import into another decision",
            taken.display()
        )));
    }
    // Pictures first: a Markdown file is never left pointing at nothing.
    let mut written = Vec::new();
    for (name, bytes) in &converted.pictures {
        written.push(init::write_new(&folder.join(name), bytes)?);
    }
    written.insert(0, init::write_new(&markdown, &text)?);
    Ok(Imported {
        written,
        left_out: converted.left_out,
        exempt_passages: converted.exempt_passages,
        placeholders: text.matches(PLACEHOLDER).count(),
    })
}

/// Reads the .docx, refusing one larger than [`MAX_FILE`].
fn read_file(path: &Path) -> Result<Vec<u8>, ImportError> {
    match crate::source::outside_file(path, MAX_FILE) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(ImportError::TooLarge(format!(
            "{} is larger than {} MiB; it is refused rather than read",
            path.display(),
            MAX_FILE >> 20
        ))),
        Err(e) => Err(ImportError::Usage(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// The values the personal-data check allows: the site's contact and
/// `[personal_data] allow` (as the build's guard allows them), and those
/// given for this document.
fn allowed_keys(root: &Path, extra: &[String]) -> Result<BTreeSet<String>, ImportError> {
    let path = root.join(crate::source::CONFIG_FILE);
    let text = crate::source::config_text(root)
        .map_err(|e| ImportError::Usage(format!("cannot read {}: {e}", path.display())))?;
    let mut diagnostics = crate::diagnostics::Diagnostics::default();
    let Some(config) = crate::config::SiteConfig::parse(&text, &mut diagnostics) else {
        return Err(ImportError::Usage(format!(
            "{} cannot be read as the site's settings: run plainsight check to see why",
            path.display()
        )));
    };
    let mut values = vec![config.contact.email, config.contact.phone];
    values.extend(config.personal_data.allow);
    values.extend(extra.iter().cloned());
    Ok(values
        .iter()
        .flat_map(|v| crate::personal::allow_keys(v))
        .collect())
}

/// Personal data in `text` (the file to write), exempt passages aside,
/// that `allowed` does not let through; each placed by the Word paragraph
/// it is in (`places`: offsets in the body, which starts at `body_start`).
fn personal_data(
    text: &str,
    body_start: usize,
    places: &[(usize, usize)],
    allowed: &BTreeSet<String>,
) -> Vec<Finding> {
    let blanked = crate::fence::blank(text);
    crate::personal::find(&blanked)
        .into_iter()
        .filter(|hit| !allowed.contains(&hit.key))
        .map(|hit| {
            let place = match hit.start.checked_sub(body_start) {
                None => "the front matter (the title)".to_string(),
                Some(at) => match places.iter().rev().find(|(start, _)| *start <= at) {
                    Some((_, index)) => format!("paragraph {index}"),
                    None => "the start of the text".to_string(),
                },
            };
            Finding {
                kind: hit.kind.describe(),
                place,
                masked: crate::personal::mask(&text[hit.start..hit.end]),
            }
        })
        .collect()
}

/// What the pure conversion needs to know.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The Markdown file's name without `.md`; pictures are `STEM-image-N`.
    pub stem: String,
    /// Whether the document may have attachments (a record of decision may not).
    pub attachments: bool,
    pub exempt_paragraph: Option<u8>,
    /// Allow keys ([`crate::personal::allow_keys`]) for alt text.
    pub allowed: BTreeSet<String>,
}

/// A Word document converted, nothing written.
#[derive(Debug, Clone, Default)]
pub struct Converted {
    /// The Markdown body.
    pub body: String,
    /// The title, from the paragraph in Word's "Title" style.
    pub title: Option<String>,
    /// Pictures: file name and bytes (their metadata stripped).
    pub pictures: Vec<(String, Vec<u8>)>,
    /// Attachment declarations: file name and title (alt text or a placeholder).
    pub attachments: Vec<(String, String)>,
    pub left_out: Vec<LeftOut>,
    pub exempt_passages: usize,
    /// Where each block starts in `body`, with its Word paragraph number.
    pub places: Vec<(usize, usize)>,
}

/// Converts the bytes of a .docx: the pure part of an import.
pub fn convert(bytes: &[u8], settings: &Settings) -> Result<Converted, ImportError> {
    let mut package = package::Package::open(bytes, "the file")?;
    let document_part = main_part(&mut package)?;
    let document = xml::parse(&document_part, &package.require(&document_part)?)?;
    let rels = relationships(&mut package, &document_part)?;
    let styles_root = optional_xml(&mut package, "word/styles.xml")?;
    let numbering_root = optional_xml(&mut package, "word/numbering.xml")?;
    let styles = styles::Styles::read(styles_root.as_ref());
    let mut numbering = styles::Numbering::read(numbering_root.as_ref());
    let walked = body::walk(&document, &styles, &mut numbering, &rels);

    let mut left_out = Vec::new();
    let mut used_parts: BTreeSet<String> = BTreeSet::new();
    // Pictures: each part once, metadata stripped, alt text checked.
    let mut outputs: Vec<write::PictureOut> = Vec::new();
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    let mut pictures = Vec::new();
    let mut attachments = Vec::new();
    let mut not_imported: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (n, picture) in walked.pictures.iter().enumerate() {
        let number = n + 1;
        let Some(part) = &picture.part else {
            outputs.push(None);
            continue;
        };
        used_parts.insert(part.clone());
        if picture.exempt {
            *not_imported
                .entry("being in a passage marked exempt (add it by hand as an exempt attachment if it is needed)")
                .or_default() += 1;
            outputs.push(None);
            continue;
        }
        if !settings.attachments {
            *not_imported
                .entry("as a record of decision has no attachments (import the report with --as report)")
                .or_default() += 1;
            outputs.push(None);
            continue;
        }
        let Some(kind) = ImageKind::from_name(&part.to_ascii_lowercase()) else {
            *not_imported
                .entry("being in a format the site cannot publish (save them as PNG or JPEG and add them by hand)")
                .or_default() += 1;
            outputs.push(None);
            continue;
        };
        let name = match files.get(part) {
            Some(name) => name.clone(),
            None => {
                let Some(bytes) = package.read(part)? else {
                    *not_imported.entry("missing from the file").or_default() += 1;
                    outputs.push(None);
                    continue;
                };
                let Ok(stripped) = crate::images::strip(kind, &bytes) else {
                    *not_imported
                        .entry("as they could not be read from end to end")
                        .or_default() += 1;
                    outputs.push(None);
                    continue;
                };
                let ext = match kind {
                    ImageKind::Png => "png",
                    ImageKind::Jpeg => "jpg",
                    ImageKind::Webp => "webp",
                };
                let name = format!("{}-image-{}.{ext}", settings.stem, files.len() + 1);
                files.insert(part.clone(), name.clone());
                pictures.push((name.clone(), stripped));
                name
            }
        };
        let mut found = Vec::new();
        for text in [&picture.descr, &picture.title] {
            for hit in crate::personal::find(text) {
                if !settings.allowed.contains(&hit.key) {
                    found.push(format!(
                        "{} {}",
                        hit.kind.describe(),
                        crate::personal::mask(&text[hit.start..hit.end])
                    ));
                }
            }
        }
        let generated = picture
            .descr
            .to_ascii_lowercase()
            .contains("automatically generated");
        let alt = if picture.descr.is_empty() || !found.is_empty() || generated {
            if !found.is_empty() || generated {
                left_out.push(LeftOut::AltText {
                    picture: number,
                    found,
                    generated,
                });
            }
            format!("{PLACEHOLDER} what the picture shows")
        } else {
            picture
                .descr
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        if !attachments.iter().any(|(file, _)| *file == name) {
            attachments.push((name.clone(), alt.clone()));
        }
        outputs.push(Some((name, alt)));
    }
    for (why, count) in not_imported {
        left_out.push(LeftOut::Pictures {
            count,
            why: why.to_string(),
        });
    }
    if walked.hidden_pictures > 0 {
        left_out.push(LeftOut::Pictures {
            count: walked.hidden_pictures,
            why: "being hidden in Word".to_string(),
        });
    }
    if walked.linked_pictures > 0 {
        left_out.push(LeftOut::Pictures {
            count: walked.linked_pictures,
            why: "being linked to files outside the document, which are not fetched".to_string(),
        });
    }

    let written = write::markdown(&walked.blocks, &outputs, settings.exempt_paragraph);
    if !written.fence_like.is_empty() {
        return Err(ImportError::FenceInText(written.fence_like));
    }
    let mut hidden = hidden_in(&document, &walked, &mut package, &used_parts)?;
    hidden.append(&mut left_out);
    Ok(Converted {
        body: written.body,
        title: written.title,
        pictures,
        attachments,
        left_out: hidden,
        exempt_passages: written.exempt_passages,
        places: written.places,
    })
}

/// The main document part, from the package's relationships (or the usual name).
fn main_part(package: &mut package::Package) -> Result<String, ImportError> {
    if let Some(rels) = optional_xml(package, "_rels/.rels")? {
        for r in rels.elements() {
            if r.attr("Type")
                .is_some_and(|t| t.ends_with("/officeDocument"))
            {
                if let Some(target) = r.attr("Target") {
                    let target = target.trim_start_matches('/').to_string();
                    if package.has(&target) {
                        return Ok(target);
                    }
                }
            }
        }
    }
    Ok("word/document.xml".to_string())
}

/// The relationships of `part`: id -> (target, external). Internal targets
/// are resolved against the part's folder (`media/a.png` is `word/media/a.png`).
fn relationships(package: &mut package::Package, part: &str) -> Result<body::Rels, ImportError> {
    let (folder, name) = part.rsplit_once('/').unwrap_or(("", part));
    let rels_part = if folder.is_empty() {
        format!("_rels/{name}.rels")
    } else {
        format!("{folder}/_rels/{name}.rels")
    };
    let mut out = BTreeMap::new();
    let Some(root) = optional_xml(package, &rels_part)? else {
        return Ok(out);
    };
    for r in root.elements().filter(|e| e.name == "Relationship") {
        let (Some(id), Some(target)) = (r.attr("Id"), r.attr("Target")) else {
            continue;
        };
        let external = r.attr("TargetMode") == Some("External");
        let target = if external {
            target.to_string()
        } else {
            resolve(folder, target)
        };
        out.insert(id.to_string(), (target, external));
    }
    Ok(out)
}

/// `target` relative to `folder`, as a part name (`..` taken off the folder).
fn resolve(folder: &str, target: &str) -> String {
    if let Some(absolute) = target.strip_prefix('/') {
        return absolute.to_string();
    }
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for piece in target.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn optional_xml(
    package: &mut package::Package,
    part: &str,
) -> Result<Option<xml::Element>, ImportError> {
    match package.read(part)? {
        Some(bytes) => Ok(Some(xml::parse(part, &bytes)?)),
        None => Ok(None),
    }
}

/// Everything hidden in the document and its other parts, as [`LeftOut`]s.
fn hidden_in(
    document: &xml::Element,
    walked: &body::Walked,
    package: &mut package::Package,
    used_parts: &BTreeSet<String>,
) -> Result<Vec<LeftOut>, ImportError> {
    let mut out = Vec::new();
    let count = |names: &[&str]| body::count(document, names);

    let insertions = count(&["ins"]);
    let deletions = count(&["del"]);
    let moves = count(&["moveFrom"]);
    let formatting = count(&[
        "pPrChange",
        "rPrChange",
        "tblPrChange",
        "tblPrExChange",
        "trPrChange",
        "tcPrChange",
        "sectPrChange",
        "tblGridChange",
        "numberingChange",
        "cellIns",
        "cellDel",
        "cellMerge",
    ]);
    if insertions + deletions + moves + formatting > 0 {
        out.push(LeftOut::TrackedChanges {
            insertions,
            deletions,
            moves,
            formatting,
            deleted_rows: walked.deleted_rows,
        });
    }

    let names: Vec<String> = package.names().map(str::to_string).collect();
    let mut comment_ids = BTreeSet::new();
    body::ids(
        document,
        &["commentRangeStart", "commentRangeEnd", "commentReference"],
        &mut comment_ids,
    );
    let comment_parts: Vec<String> = names
        .iter()
        .filter(|n| {
            let lower = n.to_ascii_lowercase();
            lower.starts_with("word/comments") || lower == "word/people.xml"
        })
        .cloned()
        .collect();
    let mut comments = comment_ids.len();
    if let Some(root) = optional_xml(package, "word/comments.xml")? {
        comments = comments.max(root.elements().filter(|e| e.name == "comment").count());
    }
    if comments > 0 || !comment_parts.is_empty() {
        out.push(LeftOut::Comments {
            comments,
            parts: comment_parts.clone(),
        });
    }
    if walked.hidden > 0 {
        out.push(LeftOut::HiddenText(walked.hidden));
    }
    if walked.unseen > 0 {
        out.push(LeftOut::UnseenText(walked.unseen));
    }

    for (part, wanted) in [
        ("docProps/core.xml", None),
        (
            "docProps/app.xml",
            Some(&["Company", "Manager", "Template", "HyperlinkBase"][..]),
        ),
    ] {
        if let Some(root) = optional_xml(package, part)? {
            let names: Vec<String> = root
                .elements()
                .filter(|e| e.has_text())
                .filter(|e| wanted.is_none_or(|w| w.contains(&e.name.as_str())))
                .map(|e| match e.name.as_str() {
                    "creator" => "creator (the author)".to_string(),
                    "lastModifiedBy" => "lastModifiedBy (who saved it last)".to_string(),
                    other => other.to_string(),
                })
                .collect();
            if !names.is_empty() {
                out.push(LeftOut::Properties {
                    part: part.to_string(),
                    names,
                });
            }
        }
    }
    if let Some(root) = optional_xml(package, "docProps/custom.xml")? {
        let n = root.elements().filter(|e| e.name == "property").count();
        out.push(LeftOut::Properties {
            part: "docProps/custom.xml".to_string(),
            names: vec![format!(
                "{n} custom propert{}",
                if n == 1 { "y" } else { "ies" }
            )],
        });
    }

    let custom_parts: Vec<String> = names
        .iter()
        .filter(|n| n.to_ascii_lowercase().starts_with("customxml/"))
        .cloned()
        .collect();
    let custom_elements = count(&["customXml"]);
    let bindings = count(&["dataBinding"]);
    if !custom_parts.is_empty() || custom_elements + bindings > 0 {
        out.push(LeftOut::CustomXml {
            parts: custom_parts,
            elements: custom_elements,
            bindings,
        });
    }

    for name in names
        .iter()
        .filter(|n| n.to_ascii_lowercase().starts_with("word/embeddings/"))
    {
        let what = embedded(package, name)?;
        out.push(LeftOut::Embedded {
            part: name.clone(),
            what,
        });
    }
    let objects = count(&["object", "altChunk", "subDoc"]);
    if objects > 0 {
        out.push(LeftOut::Objects(objects));
    }

    let headers: Vec<String> = names
        .iter()
        .filter(|n| {
            let lower = n.to_ascii_lowercase();
            (lower.starts_with("word/header") || lower.starts_with("word/footer"))
                && lower.ends_with(".xml")
        })
        .cloned()
        .collect();
    if !headers.is_empty() {
        out.push(LeftOut::HeadersAndFooters(headers.clone()));
    }
    let mut notes = [0, 0];
    for (i, (part, element)) in [
        ("word/footnotes.xml", "footnote"),
        ("word/endnotes.xml", "endnote"),
    ]
    .iter()
    .enumerate()
    {
        if let Some(root) = optional_xml(package, part)? {
            notes[i] = root
                .elements()
                .filter(|e| e.name == *element && e.attr("type").is_none_or(|t| t == "normal"))
                .count();
        }
    }
    if notes != [0, 0] {
        out.push(LeftOut::Notes {
            footnotes: notes[0],
            endnotes: notes[1],
        });
    }

    let fields = count(&["fldSimple", "instrText"]);
    if fields > 0 {
        out.push(LeftOut::FieldCodes(fields));
    }
    if walked.drawings + walked.equations > 0 {
        out.push(LeftOut::Drawings {
            drawings: walked.drawings,
            equations: walked.equations,
        });
    }
    if walked.links_dropped > 0 {
        out.push(LeftOut::FileLinks(walked.links_dropped));
    }
    if walked.contents_lines > 0 {
        out.push(LeftOut::Contents(walked.contents_lines));
    }
    let macros: Vec<String> = names
        .iter()
        .filter(|n| {
            let lower = n.to_ascii_lowercase();
            lower.contains("vbaproject") || lower.contains("vbadata")
        })
        .cloned()
        .collect();
    if !macros.is_empty() {
        out.push(LeftOut::Macros(macros.clone()));
    }

    // Every other part that can hold words, named, so nothing goes unlisted.
    let listed: BTreeSet<&String> = comment_parts
        .iter()
        .chain(&headers)
        .chain(&macros)
        .collect();
    let others: Vec<String> = names
        .iter()
        .filter(|n| !listed.contains(n) && !used_parts.contains(*n) && !quiet_part(n))
        .cloned()
        .collect();
    if !others.is_empty() {
        out.push(LeftOut::OtherParts(others));
    }
    if !walked.unknown.is_empty() {
        out.push(LeftOut::Unknown(walked.unknown.clone()));
    }
    Ok(out)
}

/// Parts that are the document's machinery or listed elsewhere: the main
/// document and its styles, numbering, settings, fonts and theme, the
/// relationships and content types, properties, custom XML, embeddings and
/// notes (each counted on its own line).
fn quiet_part(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let folder_of = |prefix: &str| lower.starts_with(prefix);
    matches!(
        lower.as_str(),
        "[content_types].xml"
            | "word/document.xml"
            | "word/styles.xml"
            | "word/styleswitheffects.xml"
            | "word/numbering.xml"
            | "word/settings.xml"
            | "word/websettings.xml"
            | "word/fonttable.xml"
            | "word/footnotes.xml"
            | "word/endnotes.xml"
            | "docprops/core.xml"
            | "docprops/app.xml"
            | "docprops/custom.xml"
    ) || lower.ends_with(".rels")
        || lower.ends_with('/')
        || folder_of("word/theme/")
        || folder_of("word/fonts/")
        || folder_of("customxml/")
        || folder_of("word/embeddings/")
}

/// What an embedded file is, looked into when it is an Office file: a
/// workbook's sheets (hidden ones named as such: the ICO's hidden-sheet
/// cases) and a presentation's slides and speaker notes.
fn embedded(package: &mut package::Package, part: &str) -> Result<String, ImportError> {
    let lower = part.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    let kind = match ext {
        "xlsx" | "xlsm" | "xlsb" | "xls" => "a spreadsheet",
        "pptx" | "pptm" | "ppt" => "a presentation",
        "docx" | "docm" | "doc" => "a Word document",
        "bin" => "an OLE object (perhaps a spreadsheet or other document)",
        _ => "a file",
    };
    if !matches!(ext, "xlsx" | "xlsm" | "pptx" | "pptm") {
        return Ok(kind.to_string());
    }
    // Too large or damaged to look into: it is left out all the same.
    let Ok(Some(bytes)) = package.read(part) else {
        return Ok(format!("{kind} too large or damaged to look inside"));
    };
    let what = format!("the embedded part {part}");
    let Ok(mut inner) = package::Package::open(&bytes, &what) else {
        return Ok(format!("{kind} that could not be opened to look inside"));
    };
    let inner_names: Vec<String> = inner.names().map(str::to_string).collect();
    let s = |n: usize| if n == 1 { "" } else { "s" };
    if ext.starts_with("xls") {
        let Ok(Some(workbook)) = inner
            .read("xl/workbook.xml")
            .map(|b| b.and_then(|b| xml::parse("xl/workbook.xml", &b).ok()))
        else {
            return Ok(format!("{kind} that could not be opened to look inside"));
        };
        let mut sheets = Vec::new();
        workbook.find_all("sheet", &mut sheets);
        let hidden = sheets
            .iter()
            .filter(|s| matches!(s.attr("state"), Some("hidden" | "veryHidden")))
            .count();
        let pivots = inner_names
            .iter()
            .filter(|n| {
                n.to_ascii_lowercase()
                    .starts_with("xl/pivotcache/pivotcachedefinition")
            })
            .count();
        let mut said = format!("{kind} with {} sheet{}", sheets.len(), s(sheets.len()));
        if hidden > 0 {
            said.push_str(&format!(", {hidden} of them hidden"));
        }
        if pivots > 0 {
            said.push_str(&format!(
                " and {pivots} pivot cache{}",
                if pivots == 1 { "" } else { "s" }
            ));
        }
        return Ok(said);
    }
    let count_of = |prefix: &str| {
        inner_names
            .iter()
            .filter(|n| {
                let l = n.to_ascii_lowercase();
                l.starts_with(prefix) && l.ends_with(".xml")
            })
            .count()
    };
    let slides = count_of("ppt/slides/slide");
    let notes = count_of("ppt/notesslides/notesslide");
    Ok(format!(
        "{kind} with {slides} slide{} and {notes} page{} of speaker notes",
        s(slides),
        s(notes)
    ))
}

/// The front matter (with its `+++` lines) for the document imported.
fn front_matter(
    options: &ImportOptions,
    number: &str,
    stem: &str,
    converted: &Converted,
) -> Result<String, ImportError> {
    let title = converted.title.as_deref();
    let mut extra = String::new();
    if !converted.attachments.is_empty() {
        extra.push_str(
            "# The pictures from the Word document, published with it. Each title\n\
             # says what the picture shows; its alt text in the text says it too.\n\
             attachments = [\n",
        );
        for (file, title) in &converted.attachments {
            let title = match title.strip_prefix(PLACEHOLDER) {
                Some(_) => format!("{PLACEHOLDER} what the picture shows."),
                None => title.clone(),
            };
            extra.push_str(&format!(
                "  {{ file = {}, title = {}, public = true }},\n",
                init::toml_string(file),
                init::toml_string(&title)
            ));
        }
        extra.push_str("]\n");
    }
    if !options.personal_data_ok.is_empty() {
        extra.push_str(
            "# Values the personal-data check lets through in this document, given to\n\
             # the import with --personal-data-ok: each one published on purpose.\n",
        );
        let values: Vec<String> = options
            .personal_data_ok
            .iter()
            .map(|v| init::toml_string(v))
            .collect();
        extra.push_str(&format!("personal_data_ok = [{}]\n", values.join(", ")));
    }
    let text = match options.import_as {
        ImportAs::Report => {
            let title = init::toml_string(&match title {
                Some(t) => t.to_string(),
                None => format!("{PLACEHOLDER} the report's title."),
            });
            IMPORTED_REPORT.replace("{title}", &title)
        }
        ImportAs::Appendix => {
            let n: usize = stem
                .strip_prefix("appendix-")
                .and_then(|n| n.parse().ok())
                .expect("an appendix's stem is appendix-N");
            let text = init::appendix(n, None);
            match title {
                Some(t) => text.replacen(
                    &init::toml_string(&format!("{PLACEHOLDER} what the paper is.")),
                    &init::toml_string(t),
                    1,
                ),
                None => text,
            }
        }
        ImportAs::Decision => init::decision_record(number, title),
    };
    let split = crate::frontmatter::split(&text).map_err(|_| {
        ImportError::Usage("internal error: a starter file has no front matter".to_string())
    })?;
    let front_end = split.front_matter_offset + split.front_matter.len();
    let front = &text[..front_end];
    // Keys go before the first table of the front matter (and the comments
    // above it), where they are the document's own keys.
    let mut at = front.len();
    if let Some(table) = front.match_indices("\n[").next().map(|(i, _)| i + 1) {
        at = table;
        while let Some(line_start) = front[..at - 1].rfind('\n').map(|i| i + 1) {
            let line = &front[line_start..at - 1];
            if !(line.starts_with('#') || line.trim().is_empty()) {
                break;
            }
            at = line_start;
        }
    }
    Ok(format!(
        "{}{extra}{}{}",
        &front[..at],
        &front[at..],
        &text[front_end..split.body_offset]
    ))
}

/// The front matter of an imported report, with `{title}` to fill.
const IMPORTED_REPORT: &str = include_str!("../starter/imported-report.md");

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A zip of `parts`, deflated.
    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in parts {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn document(body: &str) -> Vec<u8> {
        format!("<w:document xmlns:w=\"w\"><w:body>{body}</w:body></w:document>").into_bytes()
    }

    fn settings() -> Settings {
        Settings {
            stem: "report".to_string(),
            attachments: true,
            exempt_paragraph: None,
            allowed: BTreeSet::new(),
        }
    }

    #[test]
    fn a_part_inflating_past_the_cap_is_refused_not_expanded() {
        // Zeros deflate a thousandfold: a few kilobytes in the zip.
        let zeros = vec![0u8; (package::MAX_PART + 1) as usize];
        let bomb = zip_of(&[
            ("word/document.xml", &document("<w:p/>")),
            ("word/styles.xml", &zeros),
        ]);
        assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
        match convert(&bomb, &settings()) {
            Err(ImportError::TooLarge(m)) => assert!(m.contains("word/styles.xml"), "{m}"),
            other => panic!("{other:?}"),
        }
        // An embedded file is looked into with the same caps.
        let inner = zip_of(&[("xl/workbook.xml", &zeros)]);
        let nested = zip_of(&[
            ("word/document.xml", &document("<w:p/>")),
            ("word/embeddings/Book.xlsx", &inner),
        ]);
        let converted = convert(&nested, &settings()).unwrap();
        assert!(
            converted.left_out.iter().any(|l| matches!(l,
                LeftOut::Embedded { what, .. } if what.contains("could not be opened"))),
            "{:?}",
            converted.left_out
        );
    }

    #[test]
    fn text_that_reads_as_a_fence_is_refused() {
        for line in [
            ":::",
            "::: exempt paragraph=3",
            "Notes ::: here",
            "：：： x",
        ] {
            let docx = zip_of(&[(
                "word/document.xml",
                &document(&format!(
                    "<w:p><w:r><w:t>First.</w:t></w:r></w:p><w:p><w:r><w:t>{line}</w:t></w:r></w:p>"
                )),
            )]);
            match convert(&docx, &settings()) {
                Err(ImportError::FenceInText(paragraphs)) => assert_eq!(paragraphs, [2], "{line}"),
                other => panic!("{line}: {other:?}"),
            }
        }
        // A colon or two in ordinary words is fine.
        let docx = zip_of(&[(
            "word/document.xml",
            &document("<w:p><w:r><w:t>Time: 10:30. Ratio 1:2.</w:t></w:r></w:p>"),
        )]);
        assert_eq!(
            convert(&docx, &settings()).unwrap().body,
            "Time: 10:30. Ratio 1:2.\n"
        );
    }

    #[test]
    fn relationship_targets_resolve_against_the_parts_folder() {
        assert_eq!(resolve("word", "media/image1.png"), "word/media/image1.png");
        assert_eq!(
            resolve("word", "../customXml/item1.xml"),
            "customXml/item1.xml"
        );
        assert_eq!(resolve("word", "/word/media/a.png"), "word/media/a.png");
        assert_eq!(resolve("word", "../../../etc/passwd"), "etc/passwd");
    }
}
