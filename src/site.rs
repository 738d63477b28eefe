//! Assembling what was read into one checked site: documents grouped into
//! decisions, attachments matched to their declarations, datasets parsed,
//! and every cross-reference resolved.
//!
//! The result still holds exempt material. Only `visibility` turns it into
//! something a renderer may see. Public images leave here already cleaned of
//! their metadata (`images`), so no later stage ever holds the original bytes
//! of a published picture.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::SiteConfig;
use crate::data::{self, Dataset};
use crate::diagnostics::{Diagnostic, Diagnostics, NOT_SHOWN, Position};
use crate::document::{Document, Front, Kind, Paper};
use crate::source::{BrandingFile, ContentFile, Source};

/// A decision folder: its record, its other documents and their files.
#[derive(Debug, Clone)]
pub struct DecisionBundle {
    /// `22-00073`.
    pub folder: String,
    pub record: Document,
    /// Reports, EqIAs and appendices, with their slug (file stem), in reading order.
    pub papers: Vec<(String, Document)>,
    /// Files in the folder that documents declare, by file name.
    pub files: BTreeMap<String, ContentFile>,
}

impl DecisionBundle {
    pub fn front(&self) -> &crate::document::DecisionFront {
        match &self.record.front {
            Front::Decision(f) => f,
            _ => unreachable!("a bundle's record is a decision"),
        }
    }

    /// The text of one of its files, by path relative to the site folder
    /// (`None` for a file that is not here or is not UTF-8 text).
    pub fn text_of(&self, path: &str) -> Option<&str> {
        if self.record.path == path {
            return Some(&self.record.text);
        }
        if let Some((_, doc)) = self.papers.iter().find(|(_, d)| d.path == path) {
            return Some(&doc.text);
        }
        let file = self.files.values().find(|f| f.path == path)?;
        std::str::from_utf8(&file.bytes).ok()
    }
}

/// A plain page under `content/pages/`.
#[derive(Debug, Clone)]
pub struct PageDoc {
    pub slug: String,
    pub document: Document,
}

/// A decision folder as listed: its files are not read until the build
/// works on it ([`crate::source::fill`], then [`load`]).
#[derive(Debug, Clone)]
pub struct Folder {
    /// `22-00073`.
    pub name: String,
    /// Its Markdown documents.
    pub documents: Vec<ContentFile>,
    /// Its other files.
    pub attachments: Vec<ContentFile>,
}

impl Folder {
    /// The decision number the folder's name stands for (`22/00073`).
    pub fn number(&self) -> String {
        self.name.replacen('-', "/", 1)
    }

    /// Every file, documents first, each list in name order.
    pub fn files(&self) -> impl Iterator<Item = &ContentFile> {
        self.documents.iter().chain(self.attachments.iter())
    }

    pub fn files_mut(&mut self) -> impl Iterator<Item = &mut ContentFile> {
        self.documents.iter_mut().chain(self.attachments.iter_mut())
    }
}

/// The whole site, checked, exempt material included. Decision folders are
/// listed, not read: each is read, parsed and checked by [`load`].
#[derive(Debug, Clone)]
pub struct Site {
    /// The site folder, for reading decision folders and public sources.
    pub root: std::path::PathBuf,
    pub config: SiteConfig,
    /// Sorted by name, which sorts them by number.
    pub folders: Vec<Folder>,
    /// Sorted by slug.
    pub pages: Vec<PageDoc>,
    /// Sorted by name.
    pub datasets: Vec<Dataset>,
    pub templates: Vec<crate::source::TemplateFile>,
    /// The council's logo from `branding/`, cleaned of its metadata, when
    /// site.toml's `[branding]` names one.
    pub logo: Option<BrandingFile>,
    /// The files of `static/`, published as they are.
    pub statics: Vec<crate::source::StaticFile>,
}

impl Site {
    pub fn dataset(&self, name: &str) -> Option<&Dataset> {
        self.datasets.iter().find(|d| d.name == name)
    }
}

pub use crate::slug::RESERVED_SLUGS;

/// Attachment types that may be published (by extension).
pub const PUBLIC_ATTACHMENT_TYPES: &[&str] = &["pdf", "csv", "txt", "png", "jpg", "jpeg", "webp"];

/// Office formats, refused because they can hide data (hidden sheets, pivot
/// caches, comments, tracked changes): councils have been fined for exactly this.
pub const OFFICE_TYPES: &[&str] = &[
    "xlsx", "xls", "xlsm", "docx", "doc", "pptx", "ppt", "odt", "ods", "odp",
];

/// Parses a document's bytes; `None` (with the problem reported) when it
/// cannot be read.
fn parse_document(file: &mut ContentFile, diagnostics: &mut Diagnostics) -> Option<Document> {
    // Moved, not copied: the document keeps the only copy of its text.
    let text = match String::from_utf8(std::mem::take(&mut file.bytes)) {
        Ok(t) => t,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(&file.path, "the file is not valid UTF-8 text")
                    .at(Position::of_utf8_error(e.as_bytes(), &e.utf8_error()))
                    .help("save it as UTF-8"),
            );
            return None;
        }
    };
    Document::parse(&file.path, text, diagnostics)
}

/// Parses and checks everything but the decision folders' contents. Returns
/// `None` when errors make the site unusable; the errors are in `diagnostics`.
pub fn assemble(source: Source, diagnostics: &mut Diagnostics) -> Option<Site> {
    let config = source
        .config_text
        .as_deref()
        .and_then(|text| SiteConfig::parse(text, diagnostics));

    let mut folders: BTreeMap<String, Folder> = BTreeMap::new();
    let mut folder = |file: &ContentFile| {
        let name = file.folder.trim_start_matches("decisions/").to_string();
        folders.entry(name.clone()).or_insert_with(|| Folder {
            name,
            documents: Vec::new(),
            attachments: Vec::new(),
        });
        file.folder.trim_start_matches("decisions/").to_string()
    };
    let mut pages = Vec::new();
    let mut listed = Vec::new();
    for mut file in source.documents {
        if file.folder != "pages" {
            let name = folder(&file);
            listed.push((name, file, true));
            continue;
        }
        let Some(doc) = parse_document(&mut file, diagnostics) else {
            continue;
        };
        if doc.kind != Kind::Page {
            diagnostics.push(
                Diagnostic::error(
                    &doc.path,
                    format!(
                        "content/pages/ holds pages, but this is a `{}`",
                        doc.kind.name()
                    ),
                )
                .at(doc.key_position("kind"))
                .help("use `kind = \"page\"`, or move the document into its decision's folder"),
            );
            continue;
        }
        let slug = file.name.trim_end_matches(".md").to_string();
        let listing = config.as_ref().map(|c| c.listing.path.as_str());
        if RESERVED_SLUGS.contains(&slug.as_str()) || listing == Some(slug.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    &doc.path,
                    format!("a page cannot be called `{slug}`: the site uses that address"),
                )
                .at(Position { line: 1, column: 1 })
                .help("rename the file"),
            );
            continue;
        }
        pages.push(PageDoc {
            slug,
            document: doc,
        });
    }
    for file in source.attachments {
        let name = folder(&file);
        listed.push((name, file, false));
    }
    for (name, file, is_document) in listed {
        let f = folders.get_mut(&name).expect("listed above");
        match is_document {
            true => f.documents.push(file),
            false => f.attachments.push(file),
        }
    }

    if config.is_some() && !pages.iter().any(|p| p.slug == "accessibility") {
        diagnostics.push(
            Diagnostic::error("content/pages", "there is no accessibility statement")
                .help("add content/pages/accessibility.md: public sector websites must publish one (Public Sector Bodies Accessibility Regulations 2018)"),
        );
    }

    let mut datasets = Vec::new();
    for files in source.data {
        if let Some(ds) = data::parse(
            &files.name,
            &files.schema_path,
            &files.schema_text,
            &files.csv_path,
            &files.csv_text,
            diagnostics,
        ) {
            datasets.push(ds);
        }
    }
    check_datasets(&datasets, diagnostics);
    for ds in &datasets {
        if let Some((slug, at)) = &ds.help_page {
            if !pages.iter().any(|p| &p.slug == slug) {
                diagnostics.push(
                    Diagnostic::error(
                        &ds.schema_path,
                        format!(
                            "`help_page` names `{slug}`, and there is no content/pages/{slug}.md"
                        ),
                    )
                    .at(*at)
                    .help(
                        "write that page, or name a page the site has (its file name without .md)",
                    ),
                );
            }
        }
    }
    if let (Some(config), Some(text)) = (&config, source.config_text.as_deref()) {
        // Folder names stand for numbers; a record that disagrees is an error of its own.
        let numbers: Vec<String> = folders.values().map(Folder::number).collect();
        let numbers: Vec<&str> = numbers.iter().map(String::as_str).collect();
        let names: Vec<&str> = datasets.iter().map(|d| d.name.as_str()).collect();
        crate::procurement::check(
            config.procurement.as_ref(),
            text,
            &numbers,
            &names,
            diagnostics,
        );
    }

    let config = config?;
    let logo = branding_logo(
        &config,
        source.config_text.as_deref().unwrap_or(""),
        source.branding,
        diagnostics,
    );
    if diagnostics.has_errors() {
        return None;
    }
    Some(Site {
        root: source.root.clone(),
        config,
        folders: folders.into_values().collect(),
        pages,
        datasets,
        templates: source.templates,
        logo,
        statics: checked_statics(source.statics, diagnostics)?,
    })
}

/// A decision folder read, parsed and checked on its own.
pub struct Loaded {
    /// `None` when its errors make it unusable (they are in the diagnostics).
    pub bundle: Option<DecisionBundle>,
    /// Its decision.md could not be read (so its number is the folder's).
    pub record_unreadable: bool,
}

/// Parses and checks one decision folder whose files have been read.
pub fn load(folder: Folder, diagnostics: &mut Diagnostics) -> Loaded {
    let mut docs = Vec::new();
    // Documents that could not be read. Their problems are already reported;
    // they must not cause a cascade of follow-on errors.
    let mut unreadable = BTreeSet::new();
    for mut file in folder.documents {
        match parse_document(&mut file, diagnostics) {
            Some(doc) => docs.push((file, doc)),
            None => {
                unreadable.insert(file.path.clone());
            }
        }
    }
    let record_unreadable =
        unreadable.contains(&format!("content/decisions/{}/decision.md", folder.name));
    let bundle = bundle(
        &format!("decisions/{}", folder.name),
        docs,
        folder.attachments,
        &unreadable,
        diagnostics,
    );
    Loaded {
        bundle,
        record_unreadable,
    }
}

fn bundle(
    folder_path: &str,
    docs: Vec<(ContentFile, Document)>,
    files: Vec<ContentFile>,
    unreadable: &BTreeSet<String>,
    diagnostics: &mut Diagnostics,
) -> Option<DecisionBundle> {
    let folder = folder_path.trim_start_matches("decisions/").to_string();
    let folder_display = format!("content/{folder_path}");
    let some_unreadable = unreadable
        .iter()
        .any(|p| p.starts_with(&format!("{folder_display}/")));
    let mut record = None;
    let mut papers = Vec::new();
    for (file, doc) in docs {
        match doc.kind {
            Kind::Decision if file.name == "decision.md" => record = Some(doc),
            Kind::Decision => diagnostics.push(
                Diagnostic::error(&doc.path, "a decision record must be the folder's `decision.md`")
                    .at(doc.key_position("kind"))
                    .help("each decision folder has exactly one record, in decision.md; give this document another kind or move it"),
            ),
            Kind::Page => diagnostics.push(
                Diagnostic::error(&doc.path, "a page cannot be inside a decision's folder")
                    .at(doc.key_position("kind"))
                    .help("move it to content/pages/, or give it the kind `report`, `eqia` or `appendix`"),
            ),
            _ if file.name == "decision.md" => diagnostics.push(
                Diagnostic::error(&doc.path, "decision.md must hold the decision record")
                    .at(doc.key_position("kind"))
                    .help("use `kind = \"decision\"` here, and put this document in a file of its own"),
            ),
            _ => papers.push((file.name.trim_end_matches(".md").to_string(), doc)),
        }
    }
    let Some(record) = record else {
        if unreadable.contains(&format!("{folder_display}/decision.md")) {
            return None;
        }
        diagnostics.push(
            Diagnostic::error(&folder_display, "this decision folder has no decision.md")
                .help("add decision.md with `kind = \"decision\"` and the record of the decision"),
        );
        return None;
    };
    let bundle_number = match &record.front {
        Front::Decision(f) => f.number.get_ref().clone(),
        _ => unreachable!(),
    };
    if bundle_number.replacen('/', "-", 1) != folder {
        diagnostics.push(
            Diagnostic::error(
                &record.path,
                format!("the number `{bundle_number}` does not match the folder `{folder}`"),
            )
            .at(record.key_position("number"))
            .help(format!(
                "name the folder `{}`, or correct the number",
                bundle_number.replacen('/', "-", 1)
            )),
        );
    }

    // Reading order: reports, then EqIAs and appendices by label, then by file.
    papers.sort_by(|(a_slug, a), (b_slug, b)| {
        let key = |slug: &String, d: &Document| {
            let paper = paper(d);
            let rank = match d.kind {
                Kind::Report => 0,
                _ => 1,
            };
            (rank, paper.label.clone().map(natural_key), slug.clone())
        };
        key(a_slug, a).cmp(&key(b_slug, b))
    });

    // Every file in the folder is declared exactly once; every declaration names a file.
    let mut declared: BTreeMap<String, String> = BTreeMap::new();
    let mut public_images = BTreeSet::new();
    for (_, doc) in &papers {
        for attachment in &paper(doc).attachments {
            let name = &attachment.file;
            let position = attachment.position;
            // A withheld attachment's name (or one of a withheld paper) is
            // never quoted: it can give the secret away.
            let shown = paper(doc)
                .status
                .quoting()
                .and(attachment.status.quoting())
                .quote(name, &format!("(its name is {NOT_SHOWN})"));
            let shown = format!("attachment {shown}");
            if name.contains('/') || name.contains('\\') || name == ".." || name == "." {
                diagnostics.push(
                    Diagnostic::error(&doc.path, format!("{shown} is not a file name in this folder"))
                        .at(position)
                        .help("attachments sit next to the document that declares them: write just the file name, with no `/` or `..`"),
                );
                continue;
            }
            if name.ends_with(".md") {
                diagnostics.push(
                    Diagnostic::error(&doc.path, format!("{shown} is a document, not an attachment"))
                        .at(position)
                        .help("Markdown files are documents in their own right; give it front matter instead"),
                );
                continue;
            }
            if let Some(first) = declared.insert(name.clone(), doc.path.clone()) {
                diagnostics.push(
                    Diagnostic::error(&doc.path, format!("{shown} is already declared by {first}"))
                        .at(position)
                        .help("declare each file once, with one status"),
                );
                continue;
            }
            if !files.iter().any(|f| &f.name == name) {
                diagnostics.push(
                    Diagnostic::error(&doc.path, format!("{shown} is not in this folder"))
                        .at(position)
                        .help(format!("put the file in {folder_display}/, or correct the name (names are lower case)")),
                );
                continue;
            }
            if let crate::document::Status::Public = attachment.status {
                check_public_attachment(&doc.path, name, position, &files, diagnostics);
                public_images.insert(name.clone());
            }
        }
    }
    let mut kept = BTreeMap::new();
    for file in files {
        if declared.contains_key(&file.name) {
            let file = if public_images.contains(&file.name) {
                clean_image(file, diagnostics)
            } else {
                file
            };
            kept.insert(file.name.clone(), file);
        } else if some_unreadable {
            // Perhaps declared by the document that could not be read.
            continue;
        } else {
            diagnostics.push(
                Diagnostic::error(&file.path, "no document declares this file, so it will not be published")
                    .help("declare it in a document's `attachments` with `public = true` or `exempt = { ... }`, or remove it"),
            );
        }
    }
    Some(DecisionBundle {
        folder,
        record,
        papers,
        files: kept,
    })
}

/// The paper behind a non-record document in a bundle.
pub fn paper(doc: &Document) -> &Paper {
    match &doc.front {
        Front::Paper(p) => p,
        _ => unreachable!("bundles hold only papers besides the record"),
    }
}

/// Sorts "Appendix 10" after "Appendix 2".
fn natural_key(label: String) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut number = String::new();
    for c in label.chars() {
        if c.is_ascii_digit() {
            number.push(c);
        } else {
            if !number.is_empty() {
                out.push((
                    std::mem::take(&mut text),
                    number.parse().unwrap_or(u64::MAX),
                ));
                number.clear();
            }
            text.push(c);
        }
    }
    out.push((text, number.parse().unwrap_or(0)));
    out
}

fn check_public_attachment(
    doc_path: &str,
    name: &str,
    position: crate::diagnostics::Position,
    files: &[ContentFile],
    diagnostics: &mut Diagnostics,
) {
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if OFFICE_TYPES.contains(&ext) {
        diagnostics.push(
            Diagnostic::error(doc_path, format!("`{name}` is an Office file, which is never published"))
                .at(position)
                .help("Office files can carry hidden sheets, pivot caches, comments and tracked changes; councils have been fined for publishing them. Export the public part as CSV or PDF and attach that"),
        );
        return;
    }
    if !PUBLIC_ATTACHMENT_TYPES.contains(&ext) {
        diagnostics.push(
            Diagnostic::error(
                doc_path,
                format!("`{name}` is not a type that can be published"),
            )
            .at(position)
            .help(format!(
                "published attachments may be: {}",
                PUBLIC_ATTACHMENT_TYPES.join(", ")
            )),
        );
        return;
    }
    let Some(file) = files.iter().find(|f| f.name == name) else {
        return;
    };
    if !content_matches_type(ext, &file.bytes) {
        diagnostics.push(
            Diagnostic::error(&file.path, format!("the file's contents are not {}", ext.to_uppercase()))
                .help("the name says one type but the bytes are another; export it again in the right format"),
        );
    }
}

/// A public image without its metadata (EXIF, XMP, text chunks, comments).
/// An image that cannot be walked from end to end is an error: it is never
/// published as it is.
fn clean_image(mut file: ContentFile, diagnostics: &mut Diagnostics) -> ContentFile {
    let Some(kind) = crate::images::ImageKind::from_name(&file.name) else {
        return file;
    };
    let ext = file.name.rsplit_once('.').map_or("", |(_, e)| e);
    if !content_matches_type(ext, &file.bytes) {
        return file; // already reported
    }
    match crate::images::strip(kind, &file.bytes) {
        Ok(clean) => file.bytes = clean,
        Err(problem) => diagnostics.push(
            Diagnostic::error(&file.path, format!("this image cannot be cleaned of its metadata: {problem}"))
                .help("published images are stripped of EXIF, XMP and text, which can name people or places; export the image again (for example as PNG) and attach that"),
        ),
    }
    file
}

/// The logo `[branding]` names, from `branding/`: an image of a type that
/// may be published, whose bytes are that type, cleaned of its metadata as
/// every published image is. A file in `branding/` that site.toml does not
/// name is never published, and a warning says so.
fn branding_logo(
    config: &SiteConfig,
    config_text: &str,
    files: Vec<BrandingFile>,
    diagnostics: &mut Diagnostics,
) -> Option<BrandingFile> {
    let named = config.branding.logo.as_deref();
    let at = crate::frontmatter::position_of_key(config_text, "logo");
    let mut logo = None;
    for file in files {
        if Some(file.name.as_str()) == named {
            logo = Some(file);
        } else {
            diagnostics.push(
                Diagnostic::warning(&file.path, "site.toml does not name this file, so it is not published")
                    .help("name it in site.toml with `[branding]` `logo = \"...\"`, or remove it from branding/"),
            );
        }
    }
    let name = named?;
    let Some(mut file) = logo else {
        diagnostics.push(
            Diagnostic::error(crate::source::CONFIG_FILE, format!("there is no branding/{name} for the logo"))
                .at(at)
                .help("put the logo file in the site's branding/ folder, and name it here by its file name"),
        );
        return None;
    };
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    let Some(kind) = crate::images::ImageKind::from_name(name) else {
        diagnostics.push(
            Diagnostic::error(crate::source::CONFIG_FILE, format!("the logo `{name}` is not a PNG, JPEG or WebP image"))
                .at(at)
                .help("export the logo as PNG; an SVG can hold scripts and text the checks do not read, so it is not published"),
        );
        return None;
    };
    if !content_matches_type(ext, &file.bytes) {
        diagnostics.push(
            Diagnostic::error(&file.path, format!("the file's contents are not {}", ext.to_uppercase()))
                .help("the name says one type but the bytes are another; export the logo again in the right format"),
        );
        return None;
    }
    match crate::images::strip(kind, &file.bytes) {
        Ok(clean) => file.bytes = clean,
        Err(problem) => {
            diagnostics.push(
                Diagnostic::error(&file.path, format!("this image cannot be cleaned of its metadata: {problem}"))
                    .help("published images are stripped of EXIF, XMP and text, which can name people or places; export the logo again (for example as PNG)"),
            );
            return None;
        }
    }
    Some(file)
}

/// The kinds of file static/ publishes, by extension as written: text the
/// scan and the guard read (none, as a `CNAME` has, `txt`, `html`, `xml`,
/// `json`, `csv`), images they clean and read, and PDFs they read. Anything
/// else (an archive, an Office file, a script whose escapes hide words) is
/// refused: what cannot be read cannot be checked.
const STATIC_KINDS: &[&str] = &[
    "", "txt", "html", "xml", "json", "csv", "png", "jpg", "jpeg", "webp", "pdf",
];

/// The files of static/ as they will be published, or `None` (with the
/// errors in `diagnostics`) if one cannot be: a kind it does not publish,
/// bytes that are not what the name says, a base64 `data:` address (whose
/// bytes the scan cannot read), an image that cannot be cleaned of its metadata,
/// or a name holding personal data.
fn checked_statics(
    statics: Vec<crate::source::StaticFile>,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<crate::source::StaticFile>> {
    let before = diagnostics.error_count();
    let mut out = Vec::with_capacity(statics.len());
    for mut file in statics {
        let name = file.published.rsplit('/').next().unwrap_or("");
        let ext = match name.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => ext,
            _ => "",
        };
        if !STATIC_KINDS.contains(&ext) {
            diagnostics.push(
                Diagnostic::error(&file.path, "static/ does not publish this kind of file: plainsight cannot read it to check it for exempt text or personal data")
                    .help("static/ publishes text (no extension, .txt, .html, .xml, .json, .csv), images (.png, .jpg, .webp) and PDFs, with the extension in small letters; an archive, an Office file or a script cannot be checked"),
            );
            continue;
        }
        let text_kind = matches!(ext, "" | "txt" | "html" | "xml" | "json" | "csv");
        let matches = match text_kind {
            true => content_matches_type("txt", &file.bytes),
            false => content_matches_type(ext, &file.bytes),
        };
        if !matches {
            let what = if text_kind {
                "UTF-8 text".to_string()
            } else {
                ext.to_uppercase()
            };
            diagnostics.push(
                Diagnostic::error(&file.path, format!("the file's contents are not {what}"))
                    .help("the name says one kind of file but the bytes are another (text must be UTF-8, without NUL bytes); save it again as what its name says"),
            );
            continue;
        }
        let base64 = |w: &[u8]| w.eq_ignore_ascii_case(b";base64,");
        if text_kind && file.bytes.windows(8).any(base64) {
            diagnostics.push(
                Diagnostic::error(&file.path, "this file holds a `data:` address in base64, whose bytes plainsight cannot read to check them")
                    .help("publish what the address holds as a file of its own in static/ and link to it"),
            );
            continue;
        }
        if let Some(kind) = crate::images::ImageKind::from_name(name) {
            match crate::images::strip(kind, &file.bytes) {
                Ok(clean) => file.bytes = clean,
                Err(problem) => {
                    diagnostics.push(
                        Diagnostic::error(&file.path, format!("this image cannot be cleaned of its metadata: {problem}"))
                            .help("published images are stripped of EXIF, XMP and text, which can name people or places; export the image again"),
                    );
                    continue;
                }
            }
        }
        // Its name is published too, as its web address.
        let words = file.address_words();
        if let Some(hit) = crate::personal::find(&words).first() {
            diagnostics.push(
                Diagnostic::error(&file.path, format!("this file's name holds {} ({}), and the name is published as its web address", hit.kind.describe(), crate::personal::mask(&words[hit.start..hit.end])))
                    .help("rename the file"),
            );
            continue;
        }
        out.push(file);
    }
    (diagnostics.error_count() == before).then_some(out)
}

/// Checks the file's magic bytes against its extension, so a renamed Office
/// file cannot slip through as a PDF or image.
pub fn content_matches_type(ext: &str, bytes: &[u8]) -> bool {
    match ext {
        "pdf" => bytes.starts_with(b"%PDF-"),
        "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "webp" => bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP",
        "csv" | "txt" => std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0),
        _ => false,
    }
}

/// Each related number a record lists, with where it is written.
pub fn related_refs(bundle: &DecisionBundle) -> Vec<(String, crate::diagnostics::Position)> {
    let text = &bundle.record.text;
    let fm_offset = text.find('\n').map_or(0, |i| i + 1);
    bundle
        .front()
        .related
        .iter()
        .map(|related| {
            let position =
                crate::diagnostics::Position::of_offset(text, fm_offset + related.span().start);
            (related.get_ref().clone(), position)
        })
        .collect()
}

/// Each electoral division a record names, with where it is written.
pub fn division_refs(bundle: &DecisionBundle) -> Vec<(String, Position)> {
    let text = &bundle.record.text;
    let Ok(split) = crate::frontmatter::split(text) else {
        return Vec::new();
    };
    let mut refs: Vec<(String, Position)> = crate::frontmatter::strings(split.front_matter)
        .into_iter()
        .filter(|s| s.path == "electoral_divisions")
        .map(|s| {
            let position = Position::of_offset(text, split.front_matter_offset + s.offset);
            (s.value, position)
        })
        .collect();
    // Collected in place, the list keeps the room of every string of the
    // front matter (about 1.7 KB a record), and pass 1 holds it for every
    // decision until the end of the build: give it back.
    refs.shrink_to_fit();
    refs
}

/// Checks the divisions one record names: never a list written as one
/// string, and, when site.toml lists the divisions, each on that list or
/// the value for all of them (with the nearest name suggested).
pub fn check_divisions(
    record_path: &str,
    refs: &[(String, Position)],
    config: &SiteConfig,
    diagnostics: &mut Diagnostics,
) {
    let all = config.all_divisions();
    let known: Option<Vec<String>> = config.electoral_divisions.as_ref().map(|d| {
        d.names
            .iter()
            .cloned()
            .chain(std::iter::once(d.all.clone()))
            .collect()
    });
    for (name, position) in refs {
        let on_list = known.as_ref().is_some_and(|k| k.contains(name));
        // A `;` never belongs in a name; a `,` does in some ("Cheriton,
        // Sandgate and Hythe East"), so it is a list only when the name is
        // not on the council's list.
        if name.contains(';') || (known.is_some() && !on_list && name.contains(',')) {
            let parts: Vec<String> = name
                .split([';', ','])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| format!("\"{p}\""))
                .collect();
            diagnostics.push(
                Diagnostic::error(
                    record_path,
                    format!("`{name}` is several divisions in one string"),
                )
                .at(*position)
                .help(format!(
                    "give each division as its own string: `electoral_divisions = [{}]`",
                    parts.join(", ")
                )),
            );
            continue;
        }
        let Some(known) = &known else {
            continue;
        };
        if on_list {
            continue;
        }
        let help = match crate::frontmatter::nearest(name, known).or_else(|| {
            known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(name))
                .map(String::as_str)
        }) {
            Some(best) => format!(
                "did you mean `{best}`? Names are checked against `[electoral_divisions]` in site.toml; write `{all}` for a decision that affects every division"
            ),
            None => format!(
                "use a name from `names` in `[electoral_divisions]` in site.toml, or `{all}` for a decision that affects every division; if the division is new, add it there"
            ),
        };
        diagnostics.push(
            Diagnostic::error(
                record_path,
                format!("`{name}` is not an electoral division of this council"),
            )
            .at(*position)
            .help(help),
        );
    }
    if refs.len() > 1 && refs.iter().any(|(n, _)| n == all) {
        diagnostics.push(
            Diagnostic::error(
                record_path,
                format!("`{all}` means every division, so it cannot be listed with others"),
            )
            .at(refs[0].1)
            .help(format!(
                "write `electoral_divisions = [\"{all}\"]`, or list the divisions it affects"
            )),
        );
    }
}

/// One decision a record cites in `related_elsewhere`: its number, the
/// council it names (none for this council's own), and where the number is
/// written.
pub type ElsewhereRef = (String, Option<String>, Position);

/// The decisions a record cites in `related_elsewhere`, each with where its
/// `number` is written.
pub fn elsewhere_refs(bundle: &DecisionBundle) -> Vec<ElsewhereRef> {
    let text = &bundle.record.text;
    let Ok(split) = crate::frontmatter::split(text) else {
        return Vec::new();
    };
    let numbers = crate::frontmatter::strings(split.front_matter)
        .into_iter()
        .filter(|s| s.path == "related_elsewhere.number");
    bundle
        .front()
        .related_elsewhere
        .iter()
        .zip(numbers)
        .map(|(r, s)| {
            let r = r.get_ref();
            let position = Position::of_offset(text, split.front_matter_offset + s.offset);
            (r.number.trim().to_string(), r.council.clone(), position)
        })
        .collect()
}

/// A decision cited in `related_elsewhere` ("not on this site") whose
/// number is a decision of this site is refused: it is not elsewhere, and
/// `related` links it both ways and checks it. Another council's decision
/// (`council` naming another council) may share a number with one of ours.
pub fn check_elsewhere(
    record_path: &str,
    refs: &[ElsewhereRef],
    numbers: &BTreeSet<String>,
    config: &SiteConfig,
    diagnostics: &mut Diagnostics,
) {
    let ours = |council: &Option<String>| {
        council.as_deref().is_none_or(|c| {
            c.trim()
                .eq_ignore_ascii_case(config.organisation.name.trim())
        })
    };
    for (number, council, position) in refs {
        if numbers.contains(number) && ours(council) {
            diagnostics.push(
                Diagnostic::error(
                    record_path,
                    format!("decision `{number}` is on this site, so it is not a related decision elsewhere"),
                )
                .at(*position)
                .help(format!("list it in `related` instead (`related = [\"{number}\"]`), which links the two decisions both ways, and remove it from `related_elsewhere`; for another council's decision with the same number, give `council`")),
            );
        }
    }
}

/// The council's status label a record gives, with where it is written.
pub fn status_label_ref(bundle: &DecisionBundle) -> Option<(String, crate::diagnostics::Position)> {
    let text = &bundle.record.text;
    let fm_offset = text.find('\n').map_or(0, |i| i + 1);
    bundle.front().status_label.as_ref().map(|label| {
        let position =
            crate::diagnostics::Position::of_offset(text, fm_offset + label.span().start);
        (label.get_ref().trim().to_string(), position)
    })
}

/// Checks a record's status label against site.toml's `[status_labels]`:
/// the label must be there (fail closed: an unmapped word could mean
/// anything), and mean the record's `status`.
pub fn check_status_label(
    record_path: &str,
    status: crate::document::DecisionStatus,
    (label, position): &(String, crate::diagnostics::Position),
    config: &SiteConfig,
    diagnostics: &mut Diagnostics,
) {
    use crate::document::status_name;
    let listed = match config.status_labels.is_empty() {
        true => "site.toml has no `[status_labels]`".to_string(),
        false => format!(
            "site.toml's `[status_labels]` maps {}",
            config.status_labels_listed()
        ),
    };
    let add = format!("`\"{label}\" = \"{}\"`", status_name(status));
    match config.status_labels.get(label) {
        None => diagnostics.push(
            Diagnostic::error(
                record_path,
                format!("the status label `{label}` is not one of the council's labels in site.toml"),
            )
            .at(*position)
            .help(match config.status_labels.is_empty() {
                true => format!("{listed}: add the table, with {add} and each other label the council uses, or remove `status_label`"),
                false => format!("{listed}. Write one of those (exactly, capitals included), or add {add} to `[status_labels]` in site.toml"),
            }),
        ),
        Some(mapped) if *mapped != status => diagnostics.push(
            Diagnostic::error(
                record_path,
                format!(
                    "the status label `{label}` means `{}` (site.toml's `[status_labels]`), but this record's `status` is `{}`",
                    status_name(*mapped),
                    status_name(status)
                ),
            )
            .at(*position)
            .help(format!("{listed}. Correct `status` or `status_label` so that they agree")),
        ),
        Some(_) => {}
    }
}

/// Checks one record's related numbers against every number in the site.
pub fn check_related(
    record_path: &str,
    number: &str,
    refs: &[(String, crate::diagnostics::Position)],
    numbers: &BTreeSet<String>,
    diagnostics: &mut Diagnostics,
) {
    let mut seen = BTreeSet::new();
    for (related, position) in refs {
        if related == number {
            diagnostics.push(
                Diagnostic::error(record_path, "a decision cannot be related to itself")
                    .at(*position)
                    .help("remove it from `related`"),
            );
        } else if !numbers.contains(related) {
            diagnostics.push(
                Diagnostic::error(
                    record_path,
                    format!("related decision `{related}` is not in this site"),
                )
                .at(*position)
                .help("add its folder under content/decisions/, or correct the number"),
            );
        } else if !seen.insert(related) {
            diagnostics.push(
                Diagnostic::error(
                    record_path,
                    format!("`{related}` is listed twice in `related`"),
                )
                .at(*position)
                .help("list it once"),
            );
        }
    }
}

/// Each provider has a page at `LISTING/provider/ID/` (LISTING is
/// site.toml's `[listing] path`) and each browsable column pages at
/// `LISTING/COLUMN/`, each long list `.../page/N/`: two ids that make the
/// same address, or a browsable column called `provider` or `page`, would
/// put two pages in one place.
fn check_provider_addresses(ds: &Dataset, diagnostics: &mut Diagnostics) {
    use crate::slug::slugify;
    let mut columns: BTreeMap<String, &str> = BTreeMap::new();
    for (ci, column) in ds.columns.iter().enumerate().filter(|(_, c)| c.browse) {
        if ["provider", "page"].contains(&slugify(&column.name).as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    &ds.schema_path,
                    format!("a browsable column cannot be called `{}`", column.name),
                )
                .at(column_at(ds, &column.name))
                .help("each provider's own page is at LISTING/provider/ and each list's second page at .../page/2/; rename the column"),
            );
        }
        if let Some(first) = columns.insert(slugify(&column.name), &column.name) {
            diagnostics.push(
                Diagnostic::error(
                    &ds.schema_path,
                    format!(
                        "browsable columns `{first}` and `{}` make the same web address",
                        column.name
                    ),
                )
                .at(column_at(ds, &column.name))
                .help("each browsable column's pages are at LISTING/COLUMN/; rename one"),
            );
        }
        // Each value's page is at LISTING/COLUMN/VALUE/.
        let mut values: BTreeMap<String, String> = BTreeMap::new();
        let declared = column.values.iter().flatten().map(|v| (v.as_str(), 0));
        let found = ds.rows.iter().flat_map(|row| {
            ds.values_of(ci, &row.cells[ci])
                .into_iter()
                .map(|v| (v, row.line))
        });
        for (value, line) in declared.chain(found) {
            match values.get(&slugify(value)) {
                Some(first) if first != value => diagnostics.push(
                    Diagnostic::error(&ds.csv_path, format!("`{first}` and `{value}` in column `{}` make the same web address", column.name))
                        .at(Position { line: line.max(1), column: 1 })
                        .help("each value of a browsable column has a page made from its letters and digits; write the value one way"),
                ),
                Some(_) => {}
                None => {
                    values.insert(slugify(value), value.to_string());
                }
            }
        }
    }
    let Some(id) = ds.column_index("id") else {
        return;
    };
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for row in &ds.rows {
        let value = row.cells[id].as_str();
        if let Some(first) = seen.insert(slugify(value), value) {
            if first != value {
                diagnostics.push(
                    Diagnostic::error(&ds.csv_path, format!("provider ids `{first}` and `{value}` make the same web address"))
                        .at(Position { line: row.line, column: 1 })
                        .help("each provider's page address is made from its id in lower case, with other characters as hyphens; make the ids differ in letters or digits"),
                );
            }
        }
    }
}

/// Where a dataset's schema declares column `name`: its `name = "..."`.
fn column_at(ds: &Dataset, name: &str) -> Position {
    crate::frontmatter::strings(&ds.schema_text)
        .into_iter()
        .find(|s| s.path == "columns.name" && s.value == name)
        .map(|s| Position::of_offset(&ds.schema_text, s.offset))
        .unwrap_or_default()
}

/// The datasets the site itself uses, with the columns it needs.
const KNOWN_DATASETS: &[(&str, &[&str])] = &[
    ("lots", &["id", "name", "meaning"]),
    ("providers", &["id", "name", "lots"]),
    ("glossary", &["term", "meaning"]),
];

fn check_datasets(datasets: &[Dataset], diagnostics: &mut Diagnostics) {
    for (name, required) in KNOWN_DATASETS {
        let Some(ds) = datasets.iter().find(|d| d.name == *name) else {
            continue;
        };
        for column in *required {
            match ds.columns.iter().find(|c| c.name == *column) {
                // Not declared, so at no line of the schema.
                None => diagnostics.push(
                    Diagnostic::error(&ds.schema_path, format!("the `{name}` data needs a column `{column}`, and no `[[columns]]` entry of this schema declares it"))
                        .help("declare it; the site's pages use it"),
                ),
                Some(c) if !matches!(c.status, crate::document::Status::Public) => diagnostics.push(
                    Diagnostic::error(&ds.schema_path, format!("column `{column}` of `{name}` must be public: the site's pages are built from it"))
                        .at(column_at(ds, column))
                        .help("make it `public = true`, or remove the dataset"),
                ),
                Some(_) => {}
            }
        }
    }
    if let Some(providers) = datasets.iter().find(|d| d.name == "providers") {
        check_provider_addresses(providers, diagnostics);
    }
    // Foreign keys.
    for ds in datasets {
        for (ci, column) in ds.columns.iter().enumerate() {
            let Some((target, target_column, position)) = &column.references else {
                continue;
            };
            let Some(target_ds) = datasets.iter().find(|d| &d.name == target) else {
                diagnostics.push(
                    Diagnostic::error(
                        &ds.schema_path,
                        format!("`references` names the dataset `{target}`, which does not exist"),
                    )
                    .at(*position)
                    .help("add data/{target}.csv with its schema, or correct the name"),
                );
                continue;
            };
            let Some(ti) = target_ds.column_index(target_column) else {
                diagnostics.push(
                    Diagnostic::error(
                        &ds.schema_path,
                        format!("`{target}` has no column `{target_column}`"),
                    )
                    .at(*position)
                    .help("name a column declared in that dataset's schema"),
                );
                continue;
            };
            let keys: BTreeSet<&str> = target_ds.rows.iter().map(|r| r.cells[ti].trim()).collect();
            if !matches!(
                target_ds.columns[ti].status,
                crate::document::Status::Public
            ) {
                diagnostics.push(
                    Diagnostic::error(&ds.schema_path, format!("`references` points at `{target}.{target_column}`, which is exempt"))
                        .at(*position)
                        .help("a reference must point at a public column, or its values would appear in messages and pages"),
                );
                continue;
            }
            let exempt = matches!(column.status, crate::document::Status::Exempt(_));
            for (ri, row) in ds.rows.iter().enumerate() {
                for value in ds.values_of(ci, &row.cells[ci]) {
                    if !keys.contains(value) {
                        let shown = if exempt {
                            "the value (not shown: the column is exempt)".to_string()
                        } else {
                            format!("`{value}`")
                        };
                        diagnostics.push(
                            Diagnostic::error(
                                &ds.csv_path,
                                format!(
                                    "`{}`: {shown} is not in the `{target_column}` column of data/{target}.csv",
                                    column.name
                                ),
                            )
                            .at(crate::diagnostics::Position {
                                line: row.line,
                                column: ds.cell_columns[ri][ci],
                            })
                            .help(format!(
                                "use one of: {}",
                                keys.iter().copied().collect::<Vec<_>>().join(", ")
                            )),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_sort_naturally() {
        let mut labels = vec!["Appendix 10", "Appendix 2", "Appendix 1"];
        labels.sort_by_key(|l| natural_key(l.to_string()));
        assert_eq!(labels, ["Appendix 1", "Appendix 2", "Appendix 10"]);
    }

    #[test]
    fn magic_bytes() {
        assert!(content_matches_type("pdf", b"%PDF-1.7\n"));
        assert!(!content_matches_type("pdf", b"PK\x03\x04"));
        assert!(!content_matches_type("csv", b"a,b\0"));
    }
}
