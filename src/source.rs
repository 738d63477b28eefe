//! Reading the site folder from disk, thinly: walk, check names, read bytes.
//!
//! Parsing happens elsewhere, on strings. This module refuses anything whose
//! place or name could confuse what is published: symbolic links (which can
//! point outside `content/` or at an exempt file), hard links (a file with
//! more than one name, which can be an exempt file under a public name),
//! names that are not lower case (two names differing only in case collide
//! on some systems), files outside the places the design gives them, and
//! NUL bytes in text (which tools read differently: some stop there).
//!
//! It also stamps each file of a decision folder as it lists it ([`Stamp`]:
//! size, times and inode, as `stat` gives them), by which the build cache
//! tells an unchanged folder without reading it.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, Position, display_path};

/// The site's settings file, at the root of the site folder.
pub const CONFIG_FILE: &str = "site.toml";

/// How recently a file may have changed and still be trusted by its stamp.
pub const RACY: Duration = Duration::from_secs(2);

/// A file's identity on disk, as `stat` gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub(crate) size: u64,
    pub(crate) mtime: (i64, i64),
    pub(crate) ctime: (i64, i64),
    pub(crate) ino: u64,
}

impl Stamp {
    #[cfg(unix)]
    fn of(meta: &std::fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        Stamp {
            size: meta.len(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
            ino: meta.ino(),
        }
    }

    #[cfg(not(unix))]
    fn of(meta: &std::fs::Metadata) -> Stamp {
        let since = |t: std::io::Result<SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map_or((0, 0), |d| (d.as_secs() as i64, d.subsec_nanos() as i64))
        };
        Stamp {
            size: meta.len(),
            mtime: since(meta.modified()),
            ctime: since(meta.created()),
            ino: 0,
        }
    }

    /// The stamp of a source file, or `None` when it changed too recently
    /// (within [`RACY`] of `now`) for its stamp to tell a later change apart.
    pub fn of_source(meta: &std::fs::Metadata, now: SystemTime) -> Option<Stamp> {
        let stamp = Stamp::of(meta);
        (!stamp.racy(now)).then_some(stamp)
    }

    /// The stamp of an output file. The change time is left out: moving a
    /// file into place changes it, and only the build moves output files.
    pub fn of_output(meta: &std::fs::Metadata) -> Stamp {
        Stamp {
            ctime: (0, 0),
            ..Stamp::of(meta)
        }
    }

    /// Whether this stamp, taken at `taken`, may fail to show a change made
    /// just after: its file or folder changed within [`RACY`] before (times
    /// are kept to the clock's tick, which can be coarse). As git does,
    /// such a stamp is not trusted alone.
    pub fn racy(&self, taken: SystemTime) -> bool {
        let changed =
            SystemTime::UNIX_EPOCH + Duration::new(self.mtime.0.max(self.ctime.0).max(0) as u64, 0);
        changed + RACY + Duration::from_secs(1) >= taken
    }

    /// The stamp of an output folder, taken once the build has put its
    /// files in place. On Unix it keeps the change time: adding, removing
    /// or renaming anything in a folder changes it, and unlike the
    /// modification time it cannot be put back (`touch -r` changes it too),
    /// so an unchanged stamp shows the folder holds what it held.
    pub fn of_output_dir(meta: &std::fs::Metadata) -> Stamp {
        match cfg!(unix) {
            true => Stamp::of(meta),
            false => Stamp::of_output(meta),
        }
    }
}

/// A Markdown document or other file from `content/`, read into memory.
#[derive(Debug, Clone)]
pub struct ContentFile {
    /// Relative to the site root, `/`-separated.
    pub path: String,
    /// The folder it sits in, relative to `content/` (`decisions/22-00073`, `pages`).
    pub folder: String,
    /// The file name.
    pub name: String,
    /// Empty until read: pages are read by [`read`], a decision folder's
    /// files by [`fill`].
    pub bytes: Vec<u8>,
    /// A decision folder's file's stamp, taken when its folder was listed
    /// (before it is read), for the build cache; `None` for other files,
    /// and for a file that changed too recently for its stamp to be
    /// trusted ([`Stamp::of_source`]) or could not be looked at.
    pub stamp: Option<Stamp>,
}

/// A `data/NAME.csv` with its `data/NAME.schema.toml`.
#[derive(Debug, Clone)]
pub struct DataFiles {
    pub name: String,
    pub csv_path: String,
    pub csv_text: String,
    pub schema_path: String,
    pub schema_text: String,
}

/// A template override from `templates/`.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    pub name: String,
    pub path: String,
    pub text: String,
}

/// A file from `branding/`: the council's logo, published only when
/// site.toml's `[branding]` names it.
#[derive(Debug, Clone)]
pub struct BrandingFile {
    /// The file name, like `logo.png`.
    pub name: String,
    /// Relative to the site root, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// What a build reads, relative to the site folder: nothing else there
/// changes what it makes.
pub const SOURCES: [&str; 6] = [
    CONFIG_FILE,
    "content",
    "data",
    "templates",
    "branding",
    "static",
];

/// Everything read from a site folder.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// The site folder everything was read from.
    pub root: PathBuf,
    pub config_text: Option<String>,
    pub documents: Vec<ContentFile>,
    pub attachments: Vec<ContentFile>,
    pub data: Vec<DataFiles>,
    pub templates: Vec<TemplateFile>,
    pub branding: Vec<BrandingFile>,
    pub statics: Vec<StaticFile>,
}

/// A file from `static/`, published as it is at the same place under the
/// output folder (a web host's `CNAME`, `.well-known/security.txt`), and
/// judged there by the leak scan and the personal-data guard like every
/// published file.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Where it is read, from the site root: `static/CNAME`.
    pub path: String,
    /// Where it is published, from the output folder: `CNAME`.
    pub published: String,
    pub bytes: Vec<u8>,
}

impl StaticFile {
    /// The words of where it is published, which is public as its web
    /// address (`pellingford-mews/letter.txt` as `pellingford mews letter
    /// txt`), for the checks of names and figures and of personal data.
    pub fn address_words(&self) -> String {
        self.published.replace(['-', '_', '.', '/'], " ")
    }
}

/// An I/O failure that is not the content's fault.
#[derive(Debug)]
pub struct ReadError {
    pub path: PathBuf,
    pub error: std::io::Error,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read {}: {}", self.path.display(), self.error)
    }
}

/// Reads the site at `root`. Layout problems go into `diagnostics`.
pub fn read(root: &Path, diagnostics: &mut Diagnostics) -> Result<Source, ReadError> {
    let mut source = Source {
        root: root.to_path_buf(),
        ..Source::default()
    };
    source.config_text = read_config(root, diagnostics)?;
    read_content(root, &mut source, diagnostics)?;
    // Plain pages are few and read now. A decision folder's files are read by
    // the build when it works on that folder (`fill`), so memory holds the
    // folders being worked on, not the whole site.
    for file in source.documents.iter_mut().filter(|f| f.folder == "pages") {
        file.bytes = read_bytes(&root.join(&file.path))?;
    }
    read_data(root, &mut source, diagnostics)?;
    read_templates(root, &mut source, diagnostics)?;
    read_branding(root, &mut source, diagnostics)?;
    read_static(root, &mut source, diagnostics)?;
    Ok(source)
}

/// site.toml's text, unless it is missing or refused (a link, or a NUL byte
/// in it: reported, and the text is still given so that its other problems
/// are found).
fn read_config(root: &Path, diagnostics: &mut Diagnostics) -> Result<Option<String>, ReadError> {
    let config_path = root.join(CONFIG_FILE);
    let linked = std::fs::symlink_metadata(&config_path)
        .ok()
        .and_then(|m| link_problem(m.file_type(), links(&m), "the site folder"));
    if let Some(problem) = linked {
        diagnostics.push(problem.diagnostic(CONFIG_FILE));
        return Ok(None);
    }
    // As `std::fs::read_to_string` reads it, through the one reader.
    let text = read_file(&config_path).and_then(|bytes| {
        String::from_utf8(bytes).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            )
        })
    });
    match text {
        Ok(text) => {
            if let Some(d) = nul_byte(CONFIG_FILE, &text) {
                diagnostics.push(d);
            }
            Ok(Some(text))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            diagnostics.push(
                Diagnostic::error(CONFIG_FILE, "there is no site.toml here")
                    .help("run plainsight from the site's folder, or pass `--root DIR`"),
            );
            Ok(None)
        }
        Err(error) => Err(ReadError {
            path: config_path,
            error,
        }),
    }
}

/// The one place a source file's bytes are read: everything after the
/// read stage works on what was read here (a decision folder that pass 1
/// did not keep is read here again, checked against pass 1's content
/// hash). Tests count the reads ([`reads_of`]).
fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    #[cfg(test)]
    READS
        .lock()
        .expect("a read panicked")
        .push(path.to_path_buf());
    std::fs::read(path)
}

/// site.toml's text in the site at `root`, for a command that is not a
/// build (`plainsight import docx` takes the site's contact and the values
/// its personal-data guard allows from it).
pub fn config_text(root: &Path) -> std::io::Result<String> {
    let bytes = read_file(&root.join(CONFIG_FILE))?;
    String::from_utf8(bytes).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// A file from outside the site (a Word file to import), read whole but
/// never past `max` bytes: `Ok(None)` when it is larger.
pub fn outside_file(path: &Path, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max + 1)
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max).then_some(bytes))
}

/// Every path read so far by this process, in tests.
#[cfg(test)]
static READS: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// How many times each file under `root` has been read (tests share the
/// process, so each looks at its own site folder only).
#[cfg(test)]
pub(crate) fn reads_of(root: &Path) -> std::collections::BTreeMap<PathBuf, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for path in READS.lock().expect("a read panicked").iter() {
        if let Ok(rest) = path.strip_prefix(root) {
            *counts.entry(rest.to_path_buf()).or_default() += 1;
        }
    }
    counts
}

/// The text of the site's own sources (site.toml, the pages and the
/// datasets), by path, as read: the checks that look at a source's text
/// after parsing (the personal-data guard, the leak scan's check of public
/// sources) take it from here rather than reading the file again.
pub fn site_texts(source: &Source) -> std::collections::HashMap<String, String> {
    let mut texts = std::collections::HashMap::new();
    if let Some(text) = &source.config_text {
        texts.insert(CONFIG_FILE.to_string(), text.clone());
    }
    for f in source.documents.iter().filter(|f| f.folder == "pages") {
        texts.insert(
            f.path.clone(),
            String::from_utf8_lossy(&f.bytes).into_owned(),
        );
    }
    for d in &source.data {
        texts.insert(d.csv_path.clone(), d.csv_text.clone());
    }
    texts
}

/// `f` on every item, with many calls in flight at once, for work that
/// mostly waits on the disk (reads, `stat`s): on virtual and network disks
/// each call waits, and one call per core at a time would mostly wait.
/// Results are in the order of `items`.
pub fn in_flight<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = IN_FLIGHT.min(items.len());
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    // About each worker's share, so that it seldom grows.
                    let mut out = Vec::with_capacity(items.len() / workers + 1);
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return out;
                        };
                        out.push((i, f(item)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("an I/O thread panicked"))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Calls in flight at once in [`in_flight`].
const IN_FLIGHT: usize = 16;

/// Reads the bytes of files listed by [`read`] (a decision folder's).
pub fn fill(root: &Path, files: &mut [ContentFile]) -> Result<(), ReadError> {
    for file in files {
        file.bytes = read_bytes(&root.join(&file.path))?;
    }
    Ok(())
}

fn walk(dir: &Path) -> walkdir::IntoIter {
    WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1)
        .into_iter()
}

/// [`links`] of a walked entry (not followed); a file that cannot be looked
/// at counts as linked, so it is refused.
fn walked_links(entry: &walkdir::DirEntry) -> u64 {
    match entry.file_type().is_file() {
        true => entry.metadata().map_or(u64::MAX, |m| links(&m)),
        false => 1,
    }
}

fn io_error(e: walkdir::Error) -> ReadError {
    let path = e.path().map(Path::to_path_buf).unwrap_or_default();
    let error = e
        .into_io_error()
        .unwrap_or_else(|| std::io::Error::other("directory loop"));
    ReadError { path, error }
}

/// How many names (hard links) a file has; 1 where the system cannot say.
fn links(meta: &std::fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.nlink()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        1
    }
}

/// Why a source file that is a link is refused.
enum LinkProblem {
    Symbolic(&'static str),
    Hard,
}

/// Whether an entry (not followed) is a symbolic link, or a file with more
/// than one name; `place` is the folder it is in, for the message.
fn link_problem(
    file_type: std::fs::FileType,
    links: u64,
    place: &'static str,
) -> Option<LinkProblem> {
    if file_type.is_symlink() {
        Some(LinkProblem::Symbolic(place))
    } else if file_type.is_file() && links > 1 {
        Some(LinkProblem::Hard)
    } else {
        None
    }
}

impl LinkProblem {
    fn diagnostic(&self, path: &str) -> Diagnostic {
        match self {
            LinkProblem::Symbolic(place) => Diagnostic::error(path, format!("symbolic links are not allowed in {place}"))
                .help("a link can point outside the site or at an exempt file; copy the file here instead"),
            LinkProblem::Hard => Diagnostic::error(path, "this file is a hard link: it has other names, here or elsewhere on the disk")
                .help("a hard link can make an exempt file appear under a public name; copy the file instead (`cp` without `-l`), so that it has one name"),
        }
    }
}

/// An error at the first NUL byte in a text source, if there is one: tools
/// read NUL differently (C strings end there, browsers drop or replace it),
/// so text that holds one may not be what was checked.
pub fn nul_byte(path: &str, text: &str) -> Option<Diagnostic> {
    // `contains` on bytes is a memchr: this runs over every document.
    if !text.as_bytes().contains(&0) {
        return None;
    }
    let at = text.bytes().position(|b| b == 0)?;
    Some(
        Diagnostic::error(path, "this text holds a NUL character (byte 0)")
            .at(Position::of_offset(text, at))
            .help("remove it, and save the file again as plain UTF-8 text; programs read a NUL differently (some stop there, some drop it), so what is checked might not be what is published"),
    )
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    read_file(path).map_err(|error| ReadError {
        path: path.to_path_buf(),
        error,
    })
}

/// Lower-case letters, digits and hyphens, with an optional lower-case extension.
pub fn is_good_name(name: &str) -> bool {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s, Some(e)),
        None => (name, None),
    };
    let stem_ok = !stem.is_empty()
        && !stem.starts_with('-')
        && stem
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let ext_ok = ext.is_none_or(|e| {
        !e.is_empty()
            && e.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    stem_ok && ext_ok
}

fn read_content(
    root: &Path,
    source: &mut Source,
    diagnostics: &mut Diagnostics,
) -> Result<(), ReadError> {
    let content = root.join("content");
    if !content.is_dir() {
        diagnostics.push(
            Diagnostic::error("content", "there is no content/ folder")
                .help("create content/decisions/ and content/pages/; see docs/content-format.md"),
        );
        return Ok(());
    }
    let mut listings = Listings::prefetch(&content);
    for entry in listings.take(&content)? {
        visit(root, &entry, &mut listings, source, diagnostics)?;
    }
    Ok(())
}

/// A folder's entry, as a listing gives it.
struct Entry {
    path: PathBuf,
    name: std::ffi::OsString,
    file_type: std::fs::FileType,
    /// A file's stamp, when its folder was listed with them.
    stamp: Option<Stamp>,
    /// How many names a file has (hard links); 1 for anything else.
    links: u64,
}

/// Folder listings, sorted by name as [`walk`] sorts them. The decision
/// folders are listed before the walk, many at once ([`in_flight`]): a site
/// has thousands, and on virtual and network disks each listing waits.
/// Their files' stamps are taken as they are listed, each looked up within
/// its folder (cheaper than by its whole path later). Any other folder is
/// listed when the walk gets to it. A listing's error is returned when the
/// walk gets to that folder, as a sequential walk would return it.
struct Listings(std::collections::HashMap<PathBuf, Result<Vec<Entry>, ReadError>>);

impl Listings {
    fn prefetch(content: &Path) -> Listings {
        let mut listings = std::collections::HashMap::new();
        let now = std::time::SystemTime::now();
        let top = list(content, None);
        let decisions = content.join("decisions");
        let is_walked_dir =
            |e: &&Entry| e.file_type.is_dir() && is_good_name(&e.name.to_string_lossy());
        if let Ok(top) = &top {
            if top
                .iter()
                .filter(is_walked_dir)
                .any(|e| e.name == "decisions")
            {
                let entries = list(&decisions, None);
                // The folders the walk goes into; others are not listed.
                let folders: Vec<PathBuf> = entries
                    .iter()
                    .flatten()
                    .filter(is_walked_dir)
                    .filter(|e| is_decision_folder(&e.name.to_string_lossy()))
                    .map(|e| e.path.clone())
                    .collect();
                let lists = in_flight(&folders, |f| list(f, Some(now)));
                listings.extend(folders.into_iter().zip(lists));
                listings.insert(decisions, entries);
            }
        }
        listings.insert(content.to_path_buf(), top);
        Listings(listings)
    }

    fn take(&mut self, dir: &Path) -> Result<Vec<Entry>, ReadError> {
        self.0.remove(dir).unwrap_or_else(|| list(dir, None))
    }
}

/// A folder's entries, sorted by name; with `stamp_at`, its files' stamps
/// as of then ([`Stamp::of_source`]).
fn list(dir: &Path, stamp_at: Option<std::time::SystemTime>) -> Result<Vec<Entry>, ReadError> {
    let failed = |error| ReadError {
        path: dir.to_path_buf(),
        error,
    };
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(failed)? {
        let entry = entry.map_err(failed)?;
        let file_type = entry.file_type().map_err(|error| ReadError {
            path: entry.path(),
            error,
        })?;
        // Looked up within the folder (not following links, as
        // `symlink_metadata`). A file that cannot be looked at has no stamp;
        // its links cannot be counted either, so it is refused (fail closed).
        let meta = match file_type.is_file() {
            true => entry.metadata().ok(),
            false => None,
        };
        let stamp = match (stamp_at, &meta) {
            (Some(now), Some(m)) => Stamp::of_source(m, now),
            _ => None,
        };
        let links = match (file_type.is_file(), &meta) {
            (true, Some(m)) => links(m),
            (true, None) => u64::MAX,
            (false, _) => 1,
        };
        entries.push(Entry {
            path: entry.path(),
            name: entry.file_name(),
            file_type,
            stamp,
            links,
        });
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(entries)
}

/// One entry of content/, then (for a folder content/ may hold) everything
/// in it, in name order: a depth-first walk, each folder's entries sorted.
fn visit(
    root: &Path,
    entry: &Entry,
    listings: &mut Listings,
    source: &mut Source,
    diagnostics: &mut Diagnostics,
) -> Result<(), ReadError> {
    let name = entry.name.to_string_lossy();
    match classify(
        root,
        &entry.path,
        &name,
        entry.file_type,
        entry.links,
        diagnostics,
    ) {
        Place::Refused => {}
        Place::Folder => {
            for child in listings.take(&entry.path)? {
                visit(root, &child, listings, source, diagnostics)?;
            }
        }
        Place::File(mut file) => {
            file.stamp = entry.stamp;
            add(source, file);
        }
    }
    Ok(())
}

/// Where an entry of content/ belongs.
enum Place {
    /// Nowhere: refused, with a diagnostic saying why.
    Refused,
    /// A folder content/ may hold, to be walked.
    Folder,
    /// A file to be read, as it will be published or withheld.
    File(ContentFile),
}

/// Where the entry at `path` (named `name`) belongs; a refusal goes into
/// `diagnostics`.
fn classify(
    root: &Path,
    path: &Path,
    name: &str,
    file_type: std::fs::FileType,
    links: u64,
    diagnostics: &mut Diagnostics,
) -> Place {
    let path = display_path(root, path);
    if let Some(problem) = link_problem(file_type, links, "content/") {
        diagnostics.push(problem.diagnostic(&path));
        return Place::Refused;
    }
    if !is_good_name(name) {
        diagnostics.push(
            Diagnostic::error(&path, format!("`{name}` is not a usable name"))
                .help("use lower-case letters, digits and hyphens, like `appendix-2.md`: names become web addresses, and names differing only in case collide"),
        );
        return Place::Refused;
    }
    let relative: Vec<&str> = path.split('/').skip(1).collect();
    if file_type.is_dir() {
        let ok = match relative.as_slice() {
            ["decisions"] | ["pages"] => true,
            ["decisions", folder] => is_decision_folder(folder),
            _ => false,
        };
        if !ok {
            diagnostics.push(place_error(&path, &relative));
            return Place::Refused;
        }
        return Place::Folder;
    }
    let placed = match relative.as_slice() {
        ["decisions", folder, _] => is_decision_folder(folder),
        ["pages", _] => name.ends_with(".md"),
        _ => false,
    };
    if !placed {
        diagnostics.push(place_error(&path, &relative));
        return Place::Refused;
    }
    // Read later, in parallel: on network or virtual disks each read waits.
    Place::File(ContentFile {
        folder: relative[..relative.len() - 1].join("/"),
        path,
        name: name.to_string(),
        bytes: Vec::new(),
        stamp: None,
    })
}

/// A file of content/, among the documents (Markdown) or the attachments.
fn add(source: &mut Source, file: ContentFile) {
    if file.name.ends_with(".md") {
        source.documents.push(file);
    } else {
        source.attachments.push(file);
    }
}

/// [`is_decision_number`] as a JSON Schema pattern, for editors.
pub const DECISION_NUMBER_PATTERN: &str = "^[0-9]{2}/[0-9]{5}$";

/// `22/00073`: two-digit year, slash, five digits.
pub fn is_decision_number(number: &str) -> bool {
    let b = number.as_bytes();
    b.len() == 8
        && b[2] == b'/'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 2 || c.is_ascii_digit())
}

/// `22-00073`: the decision number with `/` written as `-`.
pub fn is_decision_folder(name: &str) -> bool {
    is_decision_number(&name.replacen('-', "/", 1)) && name.as_bytes().get(2) == Some(&b'-')
}

fn place_error(path: &str, relative: &[&str]) -> Diagnostic {
    let help = match relative {
        ["decisions", folder, ..] if !is_decision_folder(folder) => {
            "a decision's folder is named from its number with `-` for `/`, like `content/decisions/22-00073/`"
        }
        ["pages", ..] => "content/pages/ holds Markdown pages only, with no sub-folders",
        _ => {
            "content/ holds `decisions/NN-NNNNN/` folders and `pages/`; see docs/content-format.md"
        }
    };
    Diagnostic::error(path, "this is not a place plainsight reads content from").help(help)
}

fn read_data(
    root: &Path,
    source: &mut Source,
    diagnostics: &mut Diagnostics,
) -> Result<(), ReadError> {
    let data = root.join("data");
    if !data.is_dir() {
        return Ok(());
    }
    let mut csvs = Vec::new();
    let mut schemas = Vec::new();
    for entry in walk(&data) {
        let entry = entry.map_err(io_error)?;
        let path = display_path(root, entry.path());
        let name = entry.file_name().to_string_lossy().to_string();
        if let Some(problem) = link_problem(entry.file_type(), walked_links(&entry), "data/") {
            diagnostics.push(problem.diagnostic(&path));
            continue;
        }
        if entry.file_type().is_dir() {
            diagnostics.push(
                Diagnostic::error(&path, "data/ cannot have sub-folders")
                    .help("keep each NAME.csv and NAME.schema.toml directly in data/"),
            );
            continue;
        }
        if entry.depth() > 1 {
            continue;
        }
        if let Some(stem) = name.strip_suffix(".schema.toml") {
            schemas.push((stem.to_string(), entry.path().to_path_buf()));
        } else if let Some(stem) = name.strip_suffix(".csv") {
            csvs.push((stem.to_string(), entry.path().to_path_buf()));
        } else {
            diagnostics.push(
                Diagnostic::error(&path, "data/ holds only NAME.csv files and their NAME.schema.toml")
                    .help("move this file out of data/; nothing here is published unless a schema declares it"),
            );
        }
    }
    for (stem, csv_path) in &csvs {
        let csv_display = display_path(root, csv_path);
        if !is_good_name(stem) {
            diagnostics.push(
                Diagnostic::error(
                    &csv_display,
                    format!("`{stem}` is not a usable dataset name"),
                )
                .help("use lower-case letters, digits and hyphens"),
            );
            continue;
        }
        let Some((_, schema_path)) = schemas.iter().find(|(s, _)| s == stem) else {
            diagnostics.push(
                Diagnostic::error(&csv_display, format!("there is no data/{stem}.schema.toml for this file"))
                    .help("declare every column, published or exempt, in a schema; undeclared data is never published"),
            );
            continue;
        };
        source.data.push(DataFiles {
            name: stem.clone(),
            csv_text: read_text(csv_path, &csv_display, diagnostics)?,
            csv_path: csv_display,
            schema_text: read_text(schema_path, &display_path(root, schema_path), diagnostics)?,
            schema_path: display_path(root, schema_path),
        });
    }
    for (stem, schema_path) in &schemas {
        if !csvs.iter().any(|(c, _)| c == stem) {
            diagnostics.push(
                Diagnostic::error(
                    display_path(root, schema_path),
                    format!("there is no data/{stem}.csv for this schema"),
                )
                .help("add the CSV file, or remove the schema"),
            );
        }
    }
    Ok(())
}

fn read_text(
    path: &Path,
    display: &str,
    diagnostics: &mut Diagnostics,
) -> Result<String, ReadError> {
    let bytes = read_bytes(path)?;
    match String::from_utf8(bytes) {
        Ok(text) => {
            if let Some(d) = nul_byte(display, &text) {
                diagnostics.push(d);
            }
            Ok(text)
        }
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(display, "the file is not valid UTF-8 text")
                    .at(crate::diagnostics::Position::of_utf8_error(
                        e.as_bytes(),
                        &e.utf8_error(),
                    ))
                    .help("save it as UTF-8 (in spreadsheet programs: \"CSV UTF-8\")"),
            );
            Ok(String::from_utf8_lossy(e.as_bytes()).into_owned())
        }
    }
}

fn read_templates(
    root: &Path,
    source: &mut Source,
    diagnostics: &mut Diagnostics,
) -> Result<(), ReadError> {
    let dir = root.join("templates");
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walk(&dir) {
        let entry = entry.map_err(io_error)?;
        if entry.file_type().is_dir() {
            continue;
        }
        let path = display_path(root, entry.path());
        let name = path.trim_start_matches("templates/").to_string();
        if let Some(problem) = link_problem(entry.file_type(), walked_links(&entry), "templates/") {
            diagnostics.push(problem.diagnostic(&path));
            continue;
        }
        if !crate::templates::is_template_name(&name) {
            diagnostics.push(
                Diagnostic::error(
                    &path,
                    format!("`{name}` does not override any built-in template"),
                )
                .help(format!(
                    "a file here must have the name of a built-in template: {}",
                    crate::templates::template_names().join(", ")
                )),
            );
            continue;
        }
        let text = read_text(entry.path(), &path, diagnostics)?;
        source.templates.push(TemplateFile { name, path, text });
    }
    Ok(())
}

/// The files of `branding/`, which site.toml's `[branding]` may name (the
/// logo). Like everything else read, no links, no sub-folders, and names in
/// lower case.
fn read_branding(
    root: &Path,
    source: &mut Source,
    diagnostics: &mut Diagnostics,
) -> Result<(), ReadError> {
    let dir = root.join("branding");
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walk(&dir) {
        let entry = entry.map_err(io_error)?;
        let path = display_path(root, entry.path());
        let name = entry.file_name().to_string_lossy().to_string();
        if let Some(problem) = link_problem(entry.file_type(), walked_links(&entry), "branding/") {
            diagnostics.push(problem.diagnostic(&path));
            continue;
        }
        if entry.file_type().is_dir() {
            diagnostics.push(
                Diagnostic::error(&path, "branding/ cannot have sub-folders")
                    .help("keep the logo directly in branding/, like branding/logo.png"),
            );
            continue;
        }
        if entry.depth() > 1 {
            continue;
        }
        if !is_good_name(&name) {
            diagnostics.push(
                Diagnostic::error(&path, format!("`{name}` is not a usable file name"))
                    .help("use lower-case letters, digits and hyphens, like `logo.png`"),
            );
            continue;
        }
        source.branding.push(BrandingFile {
            bytes: read_bytes(entry.path())?,
            name,
            path,
        });
    }
    Ok(())
}

/// Whether `name` may be a file or folder in `static/`, published as it
/// is: ASCII letters (either case: a host wants `CNAME`), digits, `-`, `_`
/// and `.`, not hidden, but for the `.well-known` folder (RFC 8615).
pub fn is_static_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && (!name.starts_with('.') || name == ".well-known")
}

/// The files of `static/`, published as they are (see [`StaticFile`]). Like
/// everything else read: no links, and names that are safe in a web
/// address; two names differing only in case are refused, since they
/// collide on many disks and web hosts.
fn read_static(
    root: &Path,
    source: &mut Source,
    diagnostics: &mut Diagnostics,
) -> Result<(), ReadError> {
    let dir = root.join("static");
    if !dir.is_dir() {
        return Ok(());
    }
    let mut seen: std::collections::HashMap<String, String> = Default::default();
    let mut walker = walk(&dir);
    while let Some(entry) = walker.next() {
        let entry = entry.map_err(io_error)?;
        let path = display_path(root, entry.path());
        if let Some(problem) = link_problem(entry.file_type(), walked_links(&entry), "static/") {
            diagnostics.push(problem.diagnostic(&path));
            continue;
        }
        let name = entry.file_name().to_string_lossy().to_string();
        if !is_static_name(&name) {
            diagnostics.push(
                Diagnostic::error(&path, "this name cannot be published as it is")
                    .help("use letters, digits, `-`, `_` and `.`, not starting with `.` (but for a `.well-known` folder), like `CNAME` or `security.txt`"),
            );
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        let published = path.strip_prefix("static/").unwrap_or(&path).to_string();
        if let Some(other) = seen.insert(published.to_lowercase(), path.clone()) {
            diagnostics.push(
                Diagnostic::error(&path, format!("this name differs from {other} only in case; on many disks and web hosts they are one file"))
                    .help("rename one of them"),
            );
            continue;
        }
        if entry.file_type().is_file() {
            source.statics.push(StaticFile {
                bytes: read_bytes(entry.path())?,
                path,
                published,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_good_name("appendix-2.md"));
        assert!(is_good_name("22-00073"));
        assert!(!is_good_name("Appendix-2.md"));
        assert!(!is_good_name("report.MD"));
        assert!(!is_good_name(".hidden"));
        assert!(!is_good_name("a b.md"));
        assert!(!is_good_name("-x.md"));
    }

    /// The walk of content/ as it was, sequential (walkdir), each entry
    /// placed by the same [`classify`]: the listings made many at once must
    /// give the same files in the same order and the same diagnostics in
    /// the same order.
    fn read_content_sequentially(
        root: &Path,
        source: &mut Source,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), ReadError> {
        let content = root.join("content");
        let mut entries = walk(&content);
        while let Some(entry) = entries.next() {
            let entry = entry.map_err(io_error)?;
            let name = entry.file_name().to_string_lossy();
            let file_type = entry.file_type();
            let links = walked_links(&entry);
            match classify(root, entry.path(), &name, file_type, links, diagnostics) {
                Place::Refused if file_type.is_dir() => entries.skip_current_dir(),
                Place::Refused | Place::Folder => {}
                Place::File(file) => add(source, file),
            }
        }
        Ok(())
    }

    /// Files, then diagnostics, in the order found.
    fn walked(
        root: &Path,
        how: fn(&Path, &mut Source, &mut Diagnostics) -> Result<(), ReadError>,
    ) -> (Vec<String>, Vec<String>, String) {
        let mut source = Source::default();
        let mut diagnostics = Diagnostics::default();
        how(root, &mut source, &mut diagnostics).unwrap();
        let names = |files: &[ContentFile]| {
            files
                .iter()
                .map(|f| format!("{} | {} | {}", f.path, f.folder, f.name))
                .collect()
        };
        (
            names(&source.documents),
            names(&source.attachments),
            format!("{diagnostics:?}"),
        )
    }

    #[cfg(unix)]
    #[test]
    fn content_is_walked_as_a_sequential_sorted_walk_would() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let files = [
            "content/decisions/22-00073/decision.md",
            "content/decisions/22-00073/report.md",
            "content/decisions/22-00073/Appendix.md",
            "content/decisions/22-00073/plan.pdf",
            "content/decisions/22-00073/sub/inner.md",
            "content/decisions/22-00073/Sub/inner.md",
            "content/decisions/21-00001/decision.md",
            "content/decisions/21-00001/a b.md",
            "content/decisions/24-00002/.hidden",
            "content/decisions/22-0007/decision.md",
            "content/decisions/2200074/decision.md",
            "content/decisions/Bad-Folder/decision.md",
            "content/decisions/notes.md",
            "content/pages/about.md",
            "content/pages/image.png",
            "content/pages/sub/x.md",
            "content/pages/-x.md",
            "content/other/x.md",
            "content/Top.md",
            "content/readme.md",
            "content/.hidden",
        ];
        for f in files {
            let path = root.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "x").unwrap();
        }
        for d in ["content/decisions/25-00003", "content/pages/empty"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        let link = |target: &str, at: &str| {
            std::os::unix::fs::symlink(root.join(target), root.join(at)).unwrap();
        };
        link("content/decisions/22-00073", "content/decisions/23-00001");
        link(
            "content/decisions/22-00073/decision.md",
            "content/decisions/21-00001/linked.md",
        );
        link("content/pages/about.md", "content/pages/linked.md");
        link("content/other", "content/zz-link");

        let parallel = walked(root, read_content);
        assert_eq!(parallel, walked(root, read_content_sequentially));
        // Every case above is met.
        assert_eq!(parallel.0.len(), 4, "{parallel:?}");
        assert_eq!(parallel.1.len(), 1, "{parallel:?}");
        assert_eq!(
            parallel.2.matches("Diagnostic {").count(),
            21,
            "{parallel:?}"
        );

        // Without decisions/ (or with a file in its place) as well.
        std::fs::remove_dir_all(root.join("content/decisions")).unwrap();
        assert_eq!(
            walked(root, read_content),
            walked(root, read_content_sequentially)
        );
        std::fs::write(root.join("content/decisions"), "x").unwrap();
        assert_eq!(
            walked(root, read_content),
            walked(root, read_content_sequentially)
        );
    }

    #[test]
    fn a_decision_folders_files_are_stamped_as_their_paths_would_be() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("22-00073");
        std::fs::create_dir_all(folder.join("sub")).unwrap();
        std::fs::write(folder.join("decision.md"), "one").unwrap();
        std::fs::write(folder.join("plan.pdf"), "three").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(folder.join("plan.pdf"), folder.join("linked.pdf")).unwrap();
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(10);
        let entries = list(&folder, Some(later)).unwrap();
        for e in &entries {
            let by_path = std::fs::symlink_metadata(&e.path)
                .ok()
                .filter(|m| m.is_file())
                .and_then(|m| Stamp::of_source(&m, later));
            assert_eq!(e.stamp, by_path, "{}", e.path.display());
            assert_eq!(e.stamp.is_some(), e.file_type.is_file());
        }
        assert_eq!(entries.iter().filter(|e| e.stamp.is_some()).count(), 2);
        // Just changed: not trusted. Not asked for: none.
        let now = std::time::SystemTime::now();
        assert!(
            list(&folder, Some(now))
                .unwrap()
                .iter()
                .all(|e| e.stamp.is_none())
        );
        assert!(
            list(&folder, None)
                .unwrap()
                .iter()
                .all(|e| e.stamp.is_none())
        );
    }

    #[test]
    fn the_example_site_is_walked_as_before() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let parallel = walked(root, read_content);
        assert!(!parallel.0.is_empty());
        assert_eq!(parallel, walked(root, read_content_sequentially));
    }

    #[test]
    fn a_nul_byte_is_an_error_where_it_is() {
        assert!(nul_byte("a.md", "no nul here\n").is_none());
        let d = nul_byte("a.md", "line one\nab\0c\n").unwrap();
        assert_eq!((d.line, d.column), (2, 3));
        assert!(d.message.contains("NUL"));
    }

    #[cfg(unix)]
    #[test]
    fn hard_links_are_refused_wherever_a_source_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.md");
        std::fs::write(&secret, "x").unwrap();
        for (at, place) in [
            ("content/pages/linked.md", "content"),
            ("content/decisions/22-00073/linked.csv", "content"),
            ("data/linked.csv", "data"),
            ("templates/base.html", "templates"),
            ("site.toml", "site"),
        ] {
            let path = root.join(at);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::hard_link(&secret, &path).unwrap();
            let mut d = Diagnostics::default();
            let _ = read(root, &mut d).unwrap();
            let printed = format!("{:?}", d.into_sorted());
            assert!(
                printed.contains(&format!("file: \"{at}\"")) && printed.contains("hard link"),
                "{place}: {printed}"
            );
            std::fs::remove_file(&path).unwrap();
        }
    }

    #[test]
    fn decision_folders() {
        assert!(is_decision_folder("22-00073"));
        assert!(!is_decision_folder("22-0007"));
        assert!(!is_decision_folder("2200073"));
    }

    #[test]
    fn a_file_changed_just_now_has_no_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "text").unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert!(Stamp::of_source(&meta, SystemTime::now()).is_none());
        let later = SystemTime::now() + Duration::from_secs(10);
        assert!(Stamp::of_source(&meta, later).is_some());
    }

    #[test]
    fn a_stamp_is_racy_until_well_after_its_last_change() {
        let dir = tempfile::tempdir().unwrap();
        let meta = std::fs::metadata(dir.path()).unwrap();
        let stamp = Stamp::of_output_dir(&meta);
        let now = SystemTime::now();
        assert!(stamp.racy(now));
        assert!(stamp.racy(now + RACY));
        assert!(!stamp.racy(now + RACY + Duration::from_secs(2)));
        assert!(Stamp::of_source(&meta, now).is_none());
        assert!(Stamp::of_source(&meta, now + RACY + Duration::from_secs(2)).is_some());
    }

    #[test]
    fn decision_numbers() {
        assert!(is_decision_number("22/00073"));
        assert!(!is_decision_number("22-00073"));
        assert!(!is_decision_number("2/000731"));
    }
}
