//! The build cache: what earlier builds worked out, kept so that a rebuild
//! does only what changed. Wrong incrementality is worse than slow, so
//! whatever cannot be shown to be unchanged is worked out again.
//!
//! - Every key starts from the *context*: this very program (a hash of its
//!   executable), the options, and every input that is not a decision folder
//!   (site.toml, pages, data, templates). Any change to them changes every key.
//! - A decision folder is taken to be unchanged when every file's stamp (size,
//!   modification and change times, inode) is, as git, make and cargo judge.
//!   A file changed within [`RACY`](crate::source::RACY) of being looked at
//!   gets no stamp, so it is read again next time: a change in the same clock
//!   tick cannot be missed. Pass 1's result for an unchanged folder is reused.
//! - A unit of pass 2 (one decision's pages, or the site-wide pages) is reused
//!   when its key is unchanged: the context, a hash of every fingerprint of
//!   exempt text, and what the unit shows of other decisions. Its files must
//!   still be in the output folder exactly as they were written (checked by
//!   their stamps and every folder's), or the whole output is written afresh.
//!
//! - A unit's verdicts (what the leak scan and the personal-data guard
//!   found in its files) are reused only for files whose bytes, hashed again
//!   from the output folder in this build, are those they were given on:
//!   stamps say where to look, never what a file holds. A file that differs
//!   is judged again (and, in place, scanned as found: see `lib.rs`).
//! - Every record ends with a checksum of its bytes: a damaged record, and
//!   the records after it, count as absent, never as a verdict.
//!
//! The build asks one handle, [`Cache`], "do you have this?" and tells it
//! what to keep: the last build's notes of each folder ([`Recall`]) and of
//! each unit, this build's ([`FolderNotes`], [`Units`]), and that the output
//! is changing ([`Cache::publishing`]) or published ([`Cache::published`]).
//! Its records, stamps and journal stay behind that door; [`Cache::off`]
//! (for `--no-cache`) has nothing and keeps nothing.
//!
//! The cache folder (`.plainsight-cache/` in the site folder by default) holds:
//! `folders` and `units`, records in site order; `output`, the folders of the
//! output as last published; and `journal`, present only while the output
//! folder is being changed, so a build that stopped half-way is noticed.
//! The cache holds fingerprints and withheld-item notes, never exempt text;
//! it must stay outside the output folder (the build refuses otherwise).
//!
//! The folder carries a marker ([`MARKER`]), as the output folder does. The
//! cache replaces or deletes only files of its own names, and only in a
//! folder with its marker; a folder that holds anything else is refused
//! before the build starts ([`claim`]), so `--cache-dir` pointed at a
//! folder of someone's files can never delete one.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::diagnostics::Diagnostics;
use crate::guard::FileFindings;
use crate::source::Stamp;

/// The default cache folder's name, in the site folder.
pub const DIR: &str = ".plainsight-cache";

/// The marker plainsight leaves in every cache folder it uses: a cache
/// directory tag (<https://bford.info/cachedir/>), so backup tools pass the
/// folder over, with plainsight's own words after the signature, so that
/// another program's tag is not taken for it.
pub const MARKER: &str = "CACHEDIR.TAG";
const MARKER_TEXT: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This folder is plainsight's build cache. plainsight replaces and deletes files here;\n\
# delete the whole folder to start afresh, and keep nothing else in it.\n";

/// Whether `dir` carries plainsight's cache marker.
fn is_marked(dir: &Path) -> bool {
    // Not followed if a link: the marker is a file of the folder's own.
    std::fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
        && std::fs::read(dir.join(MARKER)).is_ok_and(|bytes| bytes == MARKER_TEXT.as_bytes())
}

/// Makes `dir` the build cache's folder, or says why it cannot be. A folder
/// is used when it carries the marker, is empty, does not exist yet, or
/// holds exactly what this program's earlier versions left (they left no
/// marker: each file's name and first bytes are checked, each shard by its
/// hash). Anything else is refused and nothing in it is touched. With
/// `write`, the folder is made and marked; without (`check`), nothing is
/// written.
pub fn claim(dir: &Path, write: bool) -> Result<(), String> {
    let refused = |why: &str| {
        Err(format!(
            "the build cache's folder {} {why}; choose an empty folder or delete it (or build with --no-cache)",
            dir.display()
        ))
    };
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return refused(&format!("cannot be looked at ({e})")),
        // A link to a folder is that folder (the paths were compared resolved).
        Ok(_) if !dir.is_dir() => {
            return refused("is not a folder");
        }
        Ok(_) if is_marked(dir) => return Ok(()),
        Ok(_) => {
            let entries = match std::fs::read_dir(dir) {
                Ok(entries) => entries,
                Err(e) => return refused(&format!("cannot be listed ({e})")),
            };
            for entry in entries {
                let Ok(entry) = entry else {
                    return refused("cannot be listed");
                };
                if !left_by_an_earlier_version(&entry) {
                    return refused("holds files plainsight did not write");
                }
            }
        }
    }
    if !write {
        return Ok(());
    }
    let made = std::fs::create_dir_all(dir).and_then(|()| {
        let mut temp = tempfile::NamedTempFile::new_in(dir)?;
        temp.write_all(MARKER_TEXT.as_bytes())?;
        temp.persist_noclobber(dir.join(MARKER))
            .map_err(|e| e.error)?;
        Ok(())
    });
    match made {
        Ok(()) => Ok(()),
        // Another build marked it at the same moment.
        Err(_) if is_marked(dir) => Ok(()),
        Err(e) => refused(&format!("cannot be made or marked ({e})")),
    }
}

/// Whether a folder entry is exactly a file that a cache of an earlier
/// version (before the marker) wrote: a record file starting with a header
/// of this format, the journal, or a folder-record shard named by its hash.
fn left_by_an_earlier_version(entry: &std::fs::DirEntry) -> bool {
    let name = entry.file_name();
    let Some(name) = name.to_str() else {
        return false;
    };
    if !entry.file_type().is_ok_and(|t| t.is_file()) {
        return false;
    }
    let path = entry.path();
    match name {
        "folders" | "units" | "output" => {
            let mut first = Records::<Header> {
                file: open_records(&path),
                then: Default::default(),
                peeked: None,
                of: std::marker::PhantomData,
            };
            first
                .next_record()
                .is_some_and(|header| header.format == FORMAT)
        }
        "journal" => {
            std::fs::read(&path).is_ok_and(|text| text.starts_with(b"plainsight was changing "))
        }
        _ => {
            is_shard_name(name)
                && std::fs::read(&path)
                    .is_ok_and(|bytes| format!("folders-{}", blake3::hash(&bytes).to_hex()) == name)
        }
    }
}

/// `folders-` and a blake3 hash in hex: the name of a shard of folder records.
fn is_shard_name(name: &str) -> bool {
    name.strip_prefix("folders-").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Fails unless `dir` carries the marker: the cache never replaces or
/// deletes a file in a folder that is not its own, whatever called it.
fn ours(dir: &Path) -> io::Result<()> {
    if is_marked(dir) {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "{} has lost plainsight's cache marker ({MARKER}); nothing in it was changed",
            dir.display()
        )))
    }
}

/// A content hash (blake3).
pub type Digest = [u8; 32];

/// Bumped when the records' shape changes (the executable's hash changes
/// then too; this is for a cache read by a build of the same source).
const FORMAT: u32 = 6;

/// Bytes of the checksum after each record: the first bytes of its blake3
/// hash. A record whose checksum does not match is damaged, and it and the
/// records after it count as absent (they are worked out again); a damage
/// that still decodes can never pass for what a build wrote.
const CHECK: usize = 16;

/// The checksum of a record's bytes.
fn checksum(bytes: &[u8]) -> [u8; CHECK] {
    let mut out = [0; CHECK];
    out.copy_from_slice(&blake3::hash(bytes).as_bytes()[..CHECK]);
    out
}

/// What pass 1 found in one decision folder, as the cache keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FolderRecord {
    /// `22-00073`.
    pub name: String,
    /// Every file of the folder, with its stamp when it was read.
    pub stamps: Vec<(String, Option<Stamp>)>,
    /// The content hash of the folder's files.
    pub digest: Digest,
    /// A hash of its listing: what other pages show of the decision.
    pub listing: Digest,
    /// Pass 1's result ([`crate::folder::FirstPass`]), frozen.
    #[serde(with = "serde_bytes")]
    pub first_pass: Vec<u8>,
}

/// A [`FolderRecord`] as the last build wrote it: looked at through
/// [`RawFolderRecord::view`], and written again as it is when unchanged
/// ([`FolderWriter::push_raw`]), not decoded and encoded again.
struct RawFolderRecord(Vec<u8>);

impl RawFolderRecord {
    /// The record, borrowed from its bytes (`None` when they do not decode).
    pub fn view(&self) -> Option<FolderRecordRef<'_>> {
        postcard::from_bytes(&self.0).ok()
    }
}

/// A [`FolderRecord`] borrowed from the bytes it was read from.
#[derive(Debug, Deserialize)]
struct FolderRecordRef<'a> {
    pub name: &'a str,
    #[serde(borrow)]
    pub stamps: Vec<(&'a str, Option<Stamp>)>,
    pub digest: Digest,
    pub listing: Digest,
    pub first_pass: &'a [u8],
}

impl FolderRecordRef<'_> {
    /// Whether the folder is unchanged since this record, judged by stamps.
    pub fn matches(&self, stamps: &[(String, Option<Stamp>)]) -> bool {
        self.stamps.len() == stamps.len()
            && self
                .stamps
                .iter()
                .zip(stamps)
                .all(|((p, a), (q, b))| p == q && a.is_some() && a == b)
    }

    /// The record as this build makes it, with the folder's `stamps` now.
    pub fn with_stamps(&self, stamps: Vec<(String, Option<Stamp>)>) -> FolderRecord {
        FolderRecord {
            name: self.name.to_string(),
            stamps,
            digest: self.digest,
            listing: self.listing,
            first_pass: self.first_pass.to_vec(),
        }
    }
}

/// An output file as written: where, its content hash, its stamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutFile {
    pub path: String,
    pub hash: Digest,
    pub stamp: Stamp,
}

/// What one unit of pass 2 produced.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitRecord {
    /// The decision folder's name, or [`SITE_UNIT`].
    pub name: String,
    pub key: Digest,
    /// What its files were judged under: the build's context, the leak
    /// scan's fingerprints and the personal-data guard's rules. Under the
    /// same, the same bytes get the same verdict ([`UnitRecord::verdict`]).
    pub judged_under: Digest,
    pub files: Vec<OutFile>,
    pub diagnostics: Diagnostics,
    pub findings: Vec<FileFindings>,
    /// The bytes it was read from ([`Store::units`]), so that a unit reused
    /// as it was is written again without being encoded again
    /// ([`Writer::push_again`]).
    #[serde(skip)]
    encoded: Vec<u8>,
    /// Where each path is in `files` and `findings`, made on first use: a
    /// site-wide unit has tens of thousands of files, each looked up.
    #[serde(skip)]
    index: std::sync::OnceLock<UnitIndex>,
}

/// The place of the first file and the first findings of each path in a
/// [`UnitRecord`] (as a search from the start would find them).
#[derive(Debug, Clone, Default)]
struct UnitIndex {
    files: std::collections::HashMap<String, usize>,
    findings: std::collections::HashMap<String, usize>,
}

/// The files a unit wrote in the last build, looked up by path.
#[derive(Debug, Clone, Copy)]
pub enum Previous<'a> {
    /// Those of a unit's record (looked up through its index).
    Unit(&'a UnitRecord),
    /// These (looked up one by one; for a few files).
    Files(&'a [OutFile]),
}

impl<'a> Previous<'a> {
    /// None at all.
    pub const NONE: Previous<'static> = Previous::Files(&[]);

    /// The file written at `path`, if any.
    pub fn get(&self, path: &str) -> Option<&'a OutFile> {
        match *self {
            Previous::Unit(u) => u.file(path),
            Previous::Files(files) => files.iter().find(|f| f.path == path),
        }
    }
}

impl UnitRecord {
    fn index(&self) -> &UnitIndex {
        self.index.get_or_init(|| {
            let mut index = UnitIndex::default();
            for (i, f) in self.files.iter().enumerate() {
                index.files.entry(f.path.clone()).or_insert(i);
            }
            for (i, f) in self.findings.iter().enumerate() {
                if let Some(path) = f.path() {
                    index.findings.entry(path.to_string()).or_insert(i);
                }
            }
            index
        })
    }

    /// The file this unit wrote at `path`, if any (the first, if a damaged
    /// record names a path twice).
    pub fn file(&self, path: &str) -> Option<&OutFile> {
        self.index().files.get(path).map(|&i| &self.files[i])
    }

    /// What the guard found in `path` when the last build judged it, if it
    /// wrote `path` with the bytes whose hash is `hash`, under what this
    /// build judges under (`judged_under`). A file written had no leak
    /// (a file with one is never written), so the same bytes under the same
    /// fingerprints and rules have the same verdict, and need not be judged
    /// again. `None` means: judge them.
    pub fn verdict(
        &self,
        judged_under: &Digest,
        path: &str,
        hash: &Digest,
    ) -> Option<FileFindings> {
        if self.judged_under != *judged_under {
            return None;
        }
        // The first file of that path: a damaged record that names it twice
        // may make this miss the bytes judged, and the file is judged again.
        self.file(path).filter(|f| f.hash == *hash)?;
        // A file that showed nothing has no findings of its own.
        let index = self.index();
        Some(
            index
                .findings
                .get(path)
                .map(|&i| self.findings[i].clone())
                .unwrap_or_default(),
        )
    }
}

#[cfg(test)]
impl UnitRecord {
    /// A record of files judged under `judged_under`, for tests.
    pub(crate) fn judged(
        judged_under: Digest,
        files: Vec<OutFile>,
        findings: Vec<FileFindings>,
    ) -> UnitRecord {
        UnitRecord {
            name: SITE_UNIT.to_string(),
            key: [0; 32],
            judged_under,
            files,
            diagnostics: Diagnostics::default(),
            findings,
            encoded: Vec::new(),
            index: Default::default(),
        }
    }
}

/// A [`UnitRecord`] to write, borrowed (encoded exactly alike).
#[derive(Serialize)]
pub struct UnitRecordRef<'a> {
    pub name: &'a str,
    pub key: &'a Digest,
    pub judged_under: &'a Digest,
    pub files: &'a [OutFile],
    pub diagnostics: &'a Diagnostics,
    pub findings: &'a [FileFindings],
}

/// The name of the unit that makes the site-wide pages.
pub const SITE_UNIT: &str = "";

/// The output folder as last published: where it is and its folders' stamps
/// (a folder whose stamp is unchanged has had nothing added or removed).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutputRecord {
    pub output: PathBuf,
    pub dirs: Vec<(String, Stamp)>,
    /// The folders whose stamp was taken too soon after they last changed
    /// ([`Stamp::racy`]): a change in the same clock tick would not show
    /// in it, so what they hold is listed again on the next build.
    pub racy: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    program: Digest,
    context: Digest,
}

/// The build cache as a build sees it: one handle, asked "do you have
/// this?" and told what to keep, so that the build's stages never handle
/// records, stamps or the journal. [`Cache::off`] (for `--no-cache`, or when
/// this program's executable cannot be read) has nothing and keeps nothing;
/// a check reads what the last build kept and keeps nothing.
#[derive(Clone)]
pub struct Cache {
    store: Option<Store>,
    /// A build keeps its records; a check only reads.
    write: bool,
}

impl Cache {
    /// A cache that has nothing and keeps nothing.
    pub fn off() -> Cache {
        Cache {
            store: None,
            write: false,
        }
    }

    /// The cache in `dir` (claimed: [`claim`]), for this program, under the
    /// context that `context` works out from the program's hash.
    pub fn open(dir: Option<&Path>, write: bool, context: impl FnOnce(Digest) -> Digest) -> Cache {
        match (dir, build_id()) {
            (Some(dir), Some(program)) => Cache {
                store: Some(Store::new(dir, program, context(program))),
                write,
            },
            _ => Cache::off(),
        }
    }

    /// The context every key starts from; `None` when the cache is off
    /// (then nothing has a key, and nothing is reused).
    pub fn context(&self) -> Option<&Digest> {
        self.store.as_ref().map(Store::context)
    }

    /// Whether this build's notes are kept (a build with the cache on).
    pub fn keeps(&self) -> bool {
        self.store.is_some() && self.write
    }

    /// The cache's folder, for messages.
    pub fn dir(&self) -> Option<&Path> {
        self.store.as_ref().map(Store::dir)
    }

    /// The last build's units, by name.
    pub fn last_units(&self) -> HashMap<String, UnitRecord> {
        self.store.as_ref().map(Store::units).unwrap_or_default()
    }

    /// What the last build published, when building and the last build
    /// finished changing the output folder (no journal is left).
    pub fn last_output(&self) -> Option<OutputRecord> {
        let store = self.store.as_ref().filter(|_| self.write)?;
        if store.journal_exists() {
            return None;
        }
        store.output()
    }

    /// What the last build found in each decision folder (to be recalled in
    /// site order), and where this build's notes of them go.
    pub fn folders(&self) -> io::Result<(Recall, FolderNotes)> {
        let old = match &self.store {
            Some(store) => store.folders(),
            None => Records::none(),
        };
        let new = match (&self.store, self.write) {
            (Some(store), true) => Some((store.folder_writer()?, store.clone())),
            _ => None,
        };
        let on = self.store.is_some();
        Ok((Recall { old, on }, FolderNotes { new }))
    }

    /// Where this build's notes of pass 2's units go, when building.
    pub fn units(&self) -> io::Result<Option<Units>> {
        match (&self.store, self.write) {
            (Some(store), true) => Ok(Some(Units(store.writer("units")?))),
            _ => Ok(None),
        }
    }

    /// Notes that the output folder is about to change: a build that stops
    /// before [`Cache::published`] is noticed, and the next writes it afresh.
    pub fn publishing(&self, output: &Path) -> io::Result<()> {
        match self.store.as_ref().filter(|_| self.write) {
            Some(store) => store.begin_journal(output),
            None => Ok(()),
        }
    }

    /// The output folder is published: this build's notes replace the last
    /// build's, the output folder's record is `output`, and the journal ends.
    pub fn published(
        &self,
        folders: FolderNotes,
        units: Option<Units>,
        output: &OutputRecord,
    ) -> io::Result<()> {
        let Some(store) = self.store.as_ref().filter(|_| self.write) else {
            return Ok(());
        };
        let mut out = store.writer("output")?;
        out.push(output)?;
        if let Some((writer, _)) = folders.new {
            writer.commit(store)?;
        }
        if let Some(Units(units)) = units {
            units.commit(store)?;
        }
        out.commit(store)?;
        store.end_journal()
    }
}

/// What the last build found in each decision folder, read in site order.
pub struct Recall {
    old: Records<FolderRecord>,
    /// Whether the cache is on (then notes are made, even in a check).
    on: bool,
}

/// This build's notes of its decision folders (kept when building).
pub struct FolderNotes {
    new: Option<(FolderWriter, Store)>,
}

/// The last build's note of one folder, with the stamps its files have now.
pub struct Recalled {
    raw: Option<RawFolderRecord>,
    stamps: Vec<(String, Option<Stamp>)>,
    on: bool,
}

/// This build's note of one folder.
pub enum Note {
    /// The last build's, unchanged (kept again as read), with the hash of
    /// the folder's listing.
    Same(Digest),
    /// Made (or changed) by this build.
    New(FolderRecord),
}

impl Note {
    /// A hash of the folder's listing (what other pages show of it).
    pub fn listing(&self) -> Digest {
        match self {
            Note::Same(listing) => *listing,
            Note::New(record) => record.listing,
        }
    }
}

impl Recall {
    /// The last build's notes of `chunk`'s folders. Folders must be asked
    /// for in site order, across calls too.
    pub fn recall(&mut self, chunk: &[crate::site::Folder]) -> Vec<Recalled> {
        let raws = self.old.take_all(chunk.iter().map(|f| f.name.as_str()));
        raws.into_iter()
            .zip(chunk)
            .map(|(raw, f)| Recalled {
                raw,
                // Stamps taken before any read (when the folders were listed):
                // a file changed after its stamp was taken has another stamp
                // next time.
                stamps: match self.on {
                    true => f.files().map(|c| (c.path.clone(), c.stamp)).collect(),
                    false => Vec::new(),
                },
                on: self.on,
            })
            .collect()
    }
}

impl FolderNotes {
    /// Keeps this build's note of a folder (when building).
    pub fn keep(&mut self, recalled: Recalled, note: Option<&Note>) -> io::Result<()> {
        if let Some((writer, _)) = &mut self.new {
            match note {
                Some(Note::Same(_)) => {
                    writer.push_raw(&recalled.raw.expect("a note kept again was read"))
                }
                Some(Note::New(record)) => writer.push(record)?,
                None => {}
            }
        }
        Ok(())
    }

    /// Every folder of a chunk is kept: its notes are written.
    pub fn end_chunk(&mut self) -> io::Result<()> {
        match &mut self.new {
            Some((writer, store)) => writer.end_shard(store),
            None => Ok(()),
        }
    }
}

impl Recalled {
    /// Whether every file of the folder has the stamp it had when noted:
    /// then it need not be read.
    pub fn unchanged(&self) -> bool {
        let view = self.raw.as_ref().and_then(RawFolderRecord::view);
        view.is_some_and(|v| v.matches(&self.stamps))
    }

    /// Pass 1 as the last build found it, if its note holds for the folder
    /// as read (`read`: its content hash; `None` when it was not read, being
    /// unchanged by its stamps); with this build's note of it.
    pub fn first_pass(&self, read: Option<&Digest>) -> Option<(crate::folder::FirstPass, Note)> {
        let view = self.raw.as_ref().and_then(RawFolderRecord::view)?;
        if read.is_some_and(|d| *d != view.digest) {
            return None;
        }
        let pass = crate::visibility::thaw::<crate::folder::FirstPass>(view.first_pass)
            .filter(|p| p.digest == view.digest && p.decision.is_some())?;
        // Kept again as it was, unless a file's stamp changed and not its content.
        let note = match view.matches(&self.stamps) {
            true => Note::Same(view.listing),
            false => Note::New(view.with_stamps(self.stamps.clone())),
        };
        Some((pass, note))
    }

    /// This build's note of a pass it worked out for folder `name` (none
    /// when the cache is off or the folder is not usable).
    pub fn note(&self, name: &str, pass: &crate::folder::FirstPass) -> Option<Note> {
        let kept = pass.decision.as_ref().filter(|_| self.on)?;
        Some(Note::New(FolderRecord {
            name: name.to_string(),
            stamps: self.stamps.clone(),
            digest: pass.digest,
            listing: *blake3::hash(&crate::visibility::freeze(&kept.listing)).as_bytes(),
            first_pass: crate::visibility::freeze(pass),
        }))
    }
}

/// This build's notes of pass 2's units.
pub struct Units(Writer);

impl Units {
    /// Keeps a unit made in this build.
    pub fn keep(&mut self, record: &UnitRecordRef) -> io::Result<()> {
        self.0.push(record)
    }

    /// Keeps a unit reused from the last build, as it was read.
    pub fn keep_again(&mut self, record: &UnitRecord) -> io::Result<()> {
        self.0.push_again(record)
    }
}

/// The cache folder, for one program and one build's context.
#[derive(Clone)]
struct Store {
    dir: PathBuf,
    program: Digest,
    context: Digest,
}

/// A hash of this program's executable, once per process; `None` when it
/// cannot be read (then nothing is cached).
pub fn build_id() -> Option<Digest> {
    static ID: std::sync::OnceLock<Option<Digest>> = std::sync::OnceLock::new();
    *ID.get_or_init(|| {
        let exe = std::env::current_exe().ok()?;
        let mut hasher = blake3::Hasher::new();
        let file = File::open(exe).ok()?;
        hasher.update_reader(file).ok()?;
        Some(*hasher.finalize().as_bytes())
    })
}

/// Hashes a sequence of byte strings, each with its length, so that no two
/// different sequences hash alike.
pub struct Hasher(blake3::Hasher);

impl Hasher {
    pub fn new(domain: &str) -> Hasher {
        let mut h = Hasher(blake3::Hasher::new());
        h.add(domain.as_bytes());
        h
    }

    pub fn add(&mut self, bytes: &[u8]) -> &mut Hasher {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn finish(&self) -> Digest {
        *self.0.finalize().as_bytes()
    }
}

impl Store {
    /// `program` is [`build_id`]; `context` starts every key (see the module).
    pub fn new(dir: &Path, program: Digest, context: Digest) -> Store {
        Store {
            dir: dir.to_path_buf(),
            program,
            context,
        }
    }

    pub fn context(&self) -> &Digest {
        &self.context
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The folder records of the last build, in site order (none when
    /// there are none for this context).
    pub fn folders(&self) -> Records<FolderRecord> {
        let mut index = self.open::<String>("folders", true);
        let mut shards = std::collections::VecDeque::new();
        while let Some(name) = index.next_record() {
            shards.push_back(self.dir.join(name));
        }
        Records {
            file: None,
            then: shards,
            peeked: None,
            of: std::marker::PhantomData,
        }
    }

    /// Starts writing this build's folder records, in shards: a shard whose
    /// records are unchanged is already there and not written again.
    pub fn folder_writer(&self) -> io::Result<FolderWriter> {
        Ok(FolderWriter {
            index: self.writer("folders")?,
            shard: Vec::new(),
            names: Vec::new(),
        })
    }

    /// The unit records of the last build by this program, by name, in
    /// whatever context (a unit's key includes the context; its files are
    /// what the output folder should hold).
    pub fn units(&self) -> HashMap<String, UnitRecord> {
        let mut out = HashMap::new();
        let mut records = self.open::<UnitRecord>("units", false);
        while let Some(mut encoded) = records.next_raw() {
            let Ok(record) = postcard::from_bytes::<UnitRecord>(&encoded) else {
                break;
            };
            // Kept until the unit is written again: no more room than it needs.
            encoded.shrink_to_fit();
            out.insert(record.name.clone(), UnitRecord { encoded, ..record });
        }
        out
    }

    /// What the last build published.
    pub fn output(&self) -> Option<OutputRecord> {
        self.open::<OutputRecord>("output", false).next_record()
    }

    fn open<T: DeserializeOwned>(&self, name: &str, same_context: bool) -> Records<T> {
        let mut records = Records {
            file: open_records(&self.dir.join(name)),
            then: Default::default(),
            peeked: None,
            of: std::marker::PhantomData,
        };
        let fits = records
            .next_raw()
            .and_then(|bytes| postcard::from_bytes::<Header>(&bytes).ok())
            .is_some_and(|h| {
                h.format == FORMAT
                    && h.program == self.program
                    && (!same_context || h.context == self.context)
            });
        if !fits {
            records.file = None;
        }
        records
    }

    /// Starts writing the records of this build; they replace the last
    /// build's only when [`Writer::commit`] is called.
    pub fn writer(&self, name: &'static str) -> io::Result<Writer> {
        ours(&self.dir)?;
        let temp = tempfile::NamedTempFile::new_in(&self.dir)?;
        let mut w = Writer {
            file: BufWriter::new(temp),
            name,
        };
        w.push(&Header {
            format: FORMAT,
            program: self.program,
            context: self.context,
        })?;
        Ok(w)
    }

    /// Whether a change to the output folder was started and not finished.
    pub fn journal_exists(&self) -> bool {
        self.dir.join("journal").exists()
    }

    /// Notes that the output folder is about to change.
    pub fn begin_journal(&self, output: &Path) -> io::Result<()> {
        ours(&self.dir)?;
        let text = format!(
            "plainsight was changing {} and had not finished; the next build writes it afresh.\n",
            output.display()
        );
        let path = self.dir.join("journal");
        let mut file = File::create(&path)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    }

    /// Notes that the output folder and the cache agree again.
    pub fn end_journal(&self) -> io::Result<()> {
        ours(&self.dir)?;
        std::fs::remove_file(self.dir.join("journal"))
    }
}

/// A cache file opened for reading, and its length.
fn open_records(path: &Path) -> Option<(BufReader<File>, u64)> {
    let file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    // Records are a few kilobytes each: read in large blocks, not 8 KiB ones.
    Some((BufReader::with_capacity(1 << 20, file), len))
}

/// Records of one cache file, read one at a time.
struct Records<T> {
    /// The file being read, and how many of its bytes are left.
    file: Option<(BufReader<File>, u64)>,
    /// Files whose records follow this one's (the folder records' shards).
    then: std::collections::VecDeque<PathBuf>,
    /// A record read ahead, as read.
    peeked: Option<Vec<u8>>,
    of: std::marker::PhantomData<T>,
}

impl<T: DeserializeOwned> Records<T> {
    /// An empty set of records.
    pub fn none() -> Records<T> {
        Records {
            file: None,
            then: Default::default(),
            peeked: None,
            of: std::marker::PhantomData,
        }
    }

    fn next_raw(&mut self) -> Option<Vec<u8>> {
        if self.file.is_none() {
            let next = self.then.pop_front()?;
            self.file = Some(open_records(&next)?);
        }
        let (file, left) = self.file.as_mut()?;
        let mut len = [0u8; 8];
        let read = (|| -> io::Result<Vec<u8>> {
            file.read_exact(&mut len)?;
            let len = u64::from_le_bytes(len);
            // A damaged length cannot ask for more than the file holds.
            *left = left
                .checked_sub(8 + len + CHECK as u64)
                .ok_or(io::ErrorKind::InvalidData)?;
            let mut bytes = vec![0; len as usize];
            file.read_exact(&mut bytes)?;
            let mut check = [0; CHECK];
            file.read_exact(&mut check)?;
            if check != checksum(&bytes) {
                return Err(io::ErrorKind::InvalidData.into());
            }
            Ok(bytes)
        })();
        match read {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && !self.then.is_empty() => {
                // The end of one shard: on to the next.
                self.file = None;
                self.next_raw()
            }
            Err(_) => {
                // The end, or a damaged file: either way, nothing more.
                self.file = None;
                self.then.clear();
                None
            }
        }
    }

    pub fn next_record(&mut self) -> Option<T> {
        let bytes = match self.peeked.take() {
            Some(bytes) => bytes,
            None => self.next_raw()?,
        };
        match postcard::from_bytes(&bytes) {
            Ok(r) => Some(r),
            Err(_) => {
                self.end();
                None
            }
        }
    }

    /// Nothing more is read: the records are damaged.
    fn end(&mut self) {
        self.file = None;
        self.then.clear();
        self.peeked = None;
    }
}

impl Records<FolderRecord> {
    /// The record of each folder in `names`, when the last build had one.
    /// Folders must be asked for in site order, as records are written,
    /// across calls too. A record that does not decode is the end of the
    /// records, as when they are taken one at a time.
    pub fn take_all<'a>(
        &mut self,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Vec<Option<RawFolderRecord>> {
        let mut damaged = false;
        names
            .into_iter()
            .map(|n| {
                if damaged {
                    return None;
                }
                let raw = RawFolderRecord(self.find(n)?);
                if raw.view().is_none() {
                    damaged = true;
                    self.end();
                    return None;
                }
                Some(raw)
            })
            .collect()
    }

    /// [`Self::take_all`] for one folder.
    #[cfg(test)]
    fn take(&mut self, name: &str) -> Option<FolderRecord> {
        let raw = self.take_all([name]).pop().flatten()?;
        let view = raw.view()?;
        Some(
            view.with_stamps(
                view.stamps
                    .iter()
                    .map(|(p, s)| (p.to_string(), *s))
                    .collect(),
            ),
        )
    }

    /// The encoded record for folder `name`, if next in order; records of
    /// earlier names are passed over, only their name decoded.
    fn find(&mut self, name: &str) -> Option<Vec<u8>> {
        loop {
            let bytes = match self.peeked.take() {
                Some(bytes) => bytes,
                None => self.next_raw()?,
            };
            // A record starts with its folder's name.
            let Ok((this, _)) = postcard::take_from_bytes::<&str>(&bytes) else {
                self.end();
                return None;
            };
            match this.cmp(name) {
                std::cmp::Ordering::Less => continue,
                std::cmp::Ordering::Equal => return Some(bytes),
                std::cmp::Ordering::Greater => {
                    self.peeked = Some(bytes);
                    return None;
                }
            }
        }
    }
}

/// Writes folder records in shards named by their content's hash, and an
/// index of them in order.
struct FolderWriter {
    index: Writer,
    shard: Vec<u8>,
    names: Vec<String>,
}

impl FolderWriter {
    pub fn push(&mut self, record: &FolderRecord) -> io::Result<()> {
        // Encoded straight into the shard, after room for its length.
        let start = self.shard.len();
        self.shard.extend_from_slice(&[0; 8]);
        let shard = std::mem::take(&mut self.shard);
        self.shard = postcard::to_extend(record, shard).map_err(io::Error::other)?;
        let len = (self.shard.len() - start - 8) as u64;
        self.shard[start..start + 8].copy_from_slice(&len.to_le_bytes());
        let check = checksum(&self.shard[start + 8..]);
        self.shard.extend_from_slice(&check);
        Ok(())
    }

    /// [`Self::push`] for a record unchanged since the last build.
    pub fn push_raw(&mut self, record: &RawFolderRecord) {
        self.shard
            .extend_from_slice(&(record.0.len() as u64).to_le_bytes());
        self.shard.extend_from_slice(&record.0);
        self.shard.extend_from_slice(&checksum(&record.0));
    }

    /// Ends a shard (a chunk of folders), writing it unless it is there.
    pub fn end_shard(&mut self, cache: &Store) -> io::Result<()> {
        if self.shard.is_empty() {
            return Ok(());
        }
        let name = format!("folders-{}", blake3::hash(&self.shard).to_hex());
        let path = cache.dir.join(&name);
        ours(&cache.dir)?;
        if !path.is_file() {
            let mut temp = tempfile::NamedTempFile::new_in(&cache.dir)?;
            temp.write_all(&self.shard)?;
            temp.persist(&path).map_err(|e| e.error)?;
        }
        self.index.push(&name)?;
        self.names.push(name);
        self.shard.clear();
        Ok(())
    }

    /// Puts the index in place and removes shards it does not name.
    pub fn commit(mut self, cache: &Store) -> io::Result<()> {
        self.end_shard(cache)?;
        self.index.commit(cache)?;
        let keep: std::collections::HashSet<&str> = self.names.iter().map(String::as_str).collect();
        ours(&cache.dir)?;
        for entry in std::fs::read_dir(&cache.dir)?.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let file = entry.file_type().is_ok_and(|t| t.is_file());
            if file && is_shard_name(&name) && !keep.contains(&*name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        Ok(())
    }
}

/// Writes one cache file's records into a temporary file.
struct Writer {
    file: BufWriter<tempfile::NamedTempFile>,
    name: &'static str,
}

impl Writer {
    pub fn push<T: Serialize>(&mut self, record: &T) -> io::Result<()> {
        let bytes = postcard::to_stdvec(record).map_err(io::Error::other)?;
        self.write_record(&bytes)
    }

    /// One record's bytes: their length, them, their checksum.
    fn write_record(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(&(bytes.len() as u64).to_le_bytes())?;
        self.file.write_all(bytes)?;
        self.file.write_all(&checksum(bytes))
    }

    /// Writes a unit's record as [`Store::units`] read it: encoded alike,
    /// without encoding it again.
    pub fn push_again(&mut self, record: &UnitRecord) -> io::Result<()> {
        if record.encoded.is_empty() {
            return self.push(record);
        }
        debug_assert_eq!(
            postcard::to_stdvec(record).ok().as_ref(),
            Some(&record.encoded),
            "a unit record is written again as it was read"
        );
        self.write_record(&record.encoded)
    }

    /// Puts the records in place of the last build's.
    pub fn commit(self, cache: &Store) -> io::Result<()> {
        ours(&cache.dir)?;
        let temp = self.file.into_inner().map_err(|e| e.into_error())?;
        temp.persist(cache.dir.join(self.name))
            .map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_in_order_and_only_for_their_context() {
        let dir = tempfile::tempdir().unwrap();
        claim(dir.path(), true).unwrap();
        let cache = Store::new(dir.path(), [7; 32], [1; 32]);
        let record = |name: &str| FolderRecord {
            name: name.to_string(),
            stamps: vec![("content/decisions/a/decision.md".into(), None)],
            digest: [2; 32],
            listing: [3; 32],
            first_pass: vec![4, 5, 6],
        };
        let mut w = cache.folder_writer().unwrap();
        for name in ["20-00001", "20-00003", "20-00004"] {
            w.push(&record(name)).unwrap();
            // Shards end anywhere; the records read as one sequence.
            if name == "20-00003" {
                w.end_shard(&cache).unwrap();
            }
        }
        // Nothing is there until it is committed.
        assert!(cache.folders().take("20-00001").is_none());
        w.commit(&cache).unwrap();

        let mut records = cache.folders();
        assert!(records.take("20-00000").is_none());
        assert_eq!(records.take("20-00001").unwrap().first_pass, [4, 5, 6]);
        assert!(records.take("20-00002").is_none());
        assert!(records.take("20-00004").is_some());
        assert!(records.take("20-00005").is_none());

        // Another context (other options or site files) or another program sees nothing.
        assert!(
            Store::new(dir.path(), [7; 32], [9; 32])
                .folders()
                .take("20-00001")
                .is_none()
        );
        assert!(
            Store::new(dir.path(), [8; 32], [1; 32])
                .folders()
                .take("20-00001")
                .is_none()
        );

        // A damaged shard is the end of the records, not a failure.
        let mut shards: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("folders-")
            })
            .collect();
        assert_eq!(shards.len(), 2);
        shards.sort_by_key(|p| std::fs::metadata(p).unwrap().len());
        // The smaller shard holds the last record alone.
        let bytes = std::fs::read(&shards[0]).unwrap();
        std::fs::write(&shards[0], &bytes[..bytes.len() - 3]).unwrap();
        let mut records = cache.folders();
        assert!(records.take("20-00003").is_some());
        assert!(records.take("20-00004").is_none());
    }

    #[test]
    fn folder_records_taken_many_at_once_are_those_taken_one_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        claim(dir.path(), true).unwrap();
        let cache = Store::new(dir.path(), [7; 32], [1; 32]);
        let record = |name: &str| FolderRecord {
            name: name.to_string(),
            stamps: vec![(format!("content/decisions/{name}/decision.md"), None)],
            digest: [2; 32],
            listing: [3; 32],
            first_pass: name.as_bytes().to_vec(),
        };
        let names = ["20-00001", "20-00002", "20-00004", "20-00005"];
        let mut w = cache.folder_writer().unwrap();
        for name in names {
            w.push(&record(name)).unwrap();
        }
        w.commit(&cache).unwrap();
        let asked = [
            "20-00000", "20-00002", "20-00003", "20-00004", "20-00005", "20-00006",
        ];
        let one_at_a_time = |cache: &Store| {
            let mut records = cache.folders();
            asked.map(|n| records.take(n).map(|r| r.first_pass))
        };
        let many = |cache: &Store| {
            let mut records = cache.folders();
            let mut out: Vec<_> = records.take_all(asked[..3].iter().copied());
            out.extend(records.take_all(asked[3..].iter().copied()));
            out.into_iter()
                .map(|r| r.map(|r| r.view().unwrap().first_pass.to_vec()))
                .collect::<Vec<_>>()
        };
        assert_eq!(many(&cache), one_at_a_time(&cache));
        assert_eq!(many(&cache)[4], Some(b"20-00005".to_vec()));

        // A record whose name reads but whose rest does not is the end.
        let shard = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("folders-")
            })
            .unwrap();
        let mut bytes = std::fs::read(&shard).unwrap();
        let second = bytes.windows(8).position(|w| w == b"20-00002").unwrap();
        // The number of stamps, just after the name.
        bytes[second + 8] = 0x7f;
        std::fs::write(&shard, bytes).unwrap();
        let damaged = one_at_a_time(&cache);
        assert_eq!(damaged, [None, None, None, None, None, None]);
        assert_eq!(many(&cache), damaged);
        let mut records = cache.folders();
        assert!(records.take("20-00001").is_some());
        assert_eq!(records.take_all(["20-00002", "20-00004"]).len(), 2);
        assert!(records.take("20-00005").is_none());
    }

    #[test]
    fn folder_records_read_back_are_written_again_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        claim(dir.path(), true).unwrap();
        let cache = Store::new(dir.path(), [7; 32], [1; 32]);
        let stamp = Stamp {
            size: 9,
            mtime: (1, 2),
            ctime: (3, 4),
            ino: 5,
        };
        let names = ["20-00001", "20-00002", "20-00003"];
        let mut w = cache.folder_writer().unwrap();
        for name in names {
            w.push(&FolderRecord {
                name: name.to_string(),
                stamps: vec![(format!("content/decisions/{name}/decision.md"), Some(stamp))],
                digest: [2; 32],
                listing: [3; 32],
                first_pass: name.as_bytes().to_vec(),
            })
            .unwrap();
        }
        w.commit(&cache).unwrap();
        let files = |dir: &Path| {
            let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap())
                .map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    (name, std::fs::read(e.path()).unwrap())
                })
                .collect();
            all.sort();
            all
        };
        let first = files(dir.path());

        let raw = cache.folders().take_all(names);
        let view = raw[1].as_ref().unwrap().view().unwrap();
        assert_eq!((view.name, view.first_pass), ("20-00002", &b"20-00002"[..]));
        assert!(view.matches(&[(
            "content/decisions/20-00002/decision.md".to_string(),
            Some(stamp)
        )]));
        let mut w = cache.folder_writer().unwrap();
        for record in raw.iter().flatten() {
            w.push_raw(record);
        }
        w.commit(&cache).unwrap();
        assert_eq!(files(dir.path()), first);
    }

    #[test]
    fn unit_records_read_back_are_written_again_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        claim(dir.path(), true).unwrap();
        let cache = Store::new(dir.path(), [7; 32], [1; 32]);
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(crate::diagnostics::Diagnostic::warning(
            "a.md",
            "passive voice",
        ));
        let record = |name: &str| UnitRecord {
            name: name.to_string(),
            key: [name.len() as u8; 32],
            judged_under: [5; 32],
            files: vec![OutFile {
                path: format!("decisions/{name}/index.html"),
                hash: [3; 32],
                stamp: Stamp {
                    size: 9,
                    mtime: (1, 2),
                    ctime: (0, 0),
                    ino: 4,
                },
            }],
            diagnostics: diagnostics.clone(),
            findings: Vec::new(),
            encoded: Vec::new(),
            index: Default::default(),
        };
        let names = ["20-00001", "20-00002", SITE_UNIT];
        let mut w = cache.writer("units").unwrap();
        for name in names {
            w.push(&record(name)).unwrap();
        }
        w.commit(&cache).unwrap();
        let first = std::fs::read(dir.path().join("units")).unwrap();

        let units = cache.units();
        assert_eq!(units.len(), 3);
        assert_eq!(units["20-00002"].files, record("20-00002").files);
        let mut w = cache.writer("units").unwrap();
        for name in names {
            w.push_again(&units[name]).unwrap();
        }
        w.commit(&cache).unwrap();
        assert_eq!(std::fs::read(dir.path().join("units")).unwrap(), first);
    }

    #[test]
    fn a_folder_of_other_files_is_never_claimed_or_changed() {
        let dir = tempfile::tempdir().unwrap();
        let files = |dir: &Path| {
            let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap())
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read(e.path()).unwrap_or_default(),
                    )
                })
                .collect();
            all.sort();
            all
        };
        // Names the cache itself uses, and another program's cache tag.
        for name in ["notes.txt", "folders-notes.md", "journal", "units", MARKER] {
            let folder = dir.path().join(name.replace('.', "-"));
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join(name), "precious").unwrap();
            let before = files(&folder);
            for write in [true, false] {
                let why = claim(&folder, write).unwrap_err();
                assert!(
                    why.contains("holds files plainsight did not write"),
                    "{why}"
                );
            }
            assert_eq!(files(&folder), before, "{name}");
            // Nor does anything the cache does change it, claimed or not.
            let cache = Store::new(&folder, [7; 32], [1; 32]);
            assert!(cache.writer("units").is_err());
            assert!(cache.begin_journal(Path::new("out")).is_err());
            assert!(cache.end_journal().is_err());
            assert!(cache.folder_writer().is_err());
            assert_eq!(files(&folder), before, "{name}");
        }
        // A file, not a folder.
        let file = dir.path().join("notes-txt/notes.txt");
        assert!(claim(&file, true).unwrap_err().contains("is not a folder"));
    }

    #[test]
    fn empty_new_and_marked_folders_are_claimed() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("a/b");
        claim(&new, false).unwrap();
        assert!(!new.exists(), "check writes nothing");
        claim(&new, true).unwrap();
        assert!(is_marked(&new));
        claim(&new, true).unwrap();
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        claim(&empty, false).unwrap();
        assert!(!is_marked(&empty));
        claim(&empty, true).unwrap();
        assert!(is_marked(&empty));
        assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 1);
    }

    #[test]
    fn a_cache_an_earlier_version_left_is_recognised_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old");
        claim(&old, true).unwrap();
        let cache = Store::new(&old, [7; 32], [1; 32]);
        let mut w = cache.folder_writer().unwrap();
        w.push(&FolderRecord {
            name: "20-00001".into(),
            stamps: Vec::new(),
            digest: [2; 32],
            listing: [3; 32],
            first_pass: vec![4],
        })
        .unwrap();
        w.commit(&cache).unwrap();
        let mut w = cache.writer("units").unwrap();
        w.push(&1u8).unwrap();
        w.commit(&cache).unwrap();
        cache.begin_journal(Path::new("public")).unwrap();
        // As an earlier version left it: no marker.
        std::fs::remove_file(old.join(MARKER)).unwrap();
        claim(&old, false).unwrap();
        assert!(!is_marked(&old));

        // Anything else in it, or a shard whose name is not its hash: refused.
        let shard = std::fs::read_dir(&old)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| is_shard_name(&p.file_name().unwrap().to_string_lossy()))
            .unwrap();
        let bytes = std::fs::read(&shard).unwrap();
        std::fs::write(&shard, b"changed").unwrap();
        assert!(claim(&old, true).is_err());
        std::fs::write(&shard, &bytes).unwrap();
        std::fs::write(old.join("units"), b"not a record").unwrap();
        assert!(claim(&old, true).is_err());
        // Unmarked, the cache writes nothing there; the units as they were.
        assert!(cache.writer("units").is_err());
        std::fs::write(old.join(MARKER), MARKER_TEXT).unwrap();
        cache.writer("units").unwrap().commit(&cache).unwrap();
        std::fs::remove_file(old.join(MARKER)).unwrap();
        std::fs::write(old.join("readme.txt"), b"mine").unwrap();
        assert!(claim(&old, true).is_err());
        std::fs::remove_file(old.join("readme.txt")).unwrap();
        claim(&old, true).unwrap();
        assert!(is_marked(&old));
    }

    #[test]
    fn a_verdict_holds_for_the_same_bytes_of_the_same_file_under_the_same_rules_only() {
        let stamp = Stamp {
            size: 9,
            mtime: (1, 2),
            ctime: (0, 0),
            ino: 4,
        };
        let file = |path: &str, hash: u8| OutFile {
            path: path.to_string(),
            hash: [hash; 32],
            stamp,
        };
        let guard = crate::guard::Guard::allowing(&[]);
        let found = guard.inspect("b.html", b"<p>NHS number 943 476 5919</p>");
        assert!(crate::guard::Guard::found_any(&found));
        let record = UnitRecord::judged(
            [5; 32],
            vec![file("a.html", 1), file("b.html", 2)],
            vec![crate::guard::FileFindings::default(), found.clone()],
        );
        // The same bytes of the same file, under the same fingerprints and rules.
        let a = record.verdict(&[5; 32], "a.html", &[1; 32]).unwrap();
        assert!(!crate::guard::Guard::found_any(&a));
        let b = record.verdict(&[5; 32], "b.html", &[2; 32]).unwrap();
        assert_eq!(format!("{b:?}"), format!("{found:?}"));
        // Other bytes, another file's bytes, other rules, a file not written: judge again.
        assert!(record.verdict(&[5; 32], "a.html", &[2; 32]).is_none());
        assert!(record.verdict(&[6; 32], "a.html", &[1; 32]).is_none());
        assert!(record.verdict(&[5; 32], "c.html", &[1; 32]).is_none());
    }

    #[test]
    fn a_damaged_record_that_still_decodes_counts_as_absent() {
        let dir = tempfile::tempdir().unwrap();
        claim(dir.path(), true).unwrap();
        let cache = Store::new(dir.path(), [7; 32], [1; 32]);
        let record = |name: &str, finding: &str| UnitRecord {
            name: name.to_string(),
            key: [1; 32],
            judged_under: [5; 32],
            files: Vec::new(),
            diagnostics: {
                let mut d = Diagnostics::default();
                d.push(crate::diagnostics::Diagnostic::warning("a.md", finding));
                d
            },
            findings: Vec::new(),
            encoded: Vec::new(),
            index: Default::default(),
        };
        let mut w = cache.writer("units").unwrap();
        for (name, finding) in [
            ("20-00001", "first finding"),
            ("20-00002", "second finding"),
        ] {
            w.push(&record(name, finding)).unwrap();
        }
        w.commit(&cache).unwrap();
        let path = dir.path().join("units");
        let good = std::fs::read(&path).unwrap();
        assert_eq!(cache.units().len(), 2);
        // Each text byte changed to another letter still decodes; the
        // checksum refuses it, and every record from it on.
        let at = good.windows(6).position(|w| w == b"second").unwrap();
        for i in at..at + 6 {
            let mut bytes = good.clone();
            bytes[i] = if bytes[i] == b'x' { b'y' } else { b'x' };
            std::fs::write(&path, &bytes).unwrap();
            let units = cache.units();
            assert!(units.contains_key("20-00001"));
            assert!(!units.contains_key("20-00002"), "byte {i} changed");
        }
        let first = good.windows(5).position(|w| w == b"first").unwrap();
        let mut bytes = good.clone();
        bytes[first] = b'F';
        std::fs::write(&path, &bytes).unwrap();
        assert!(cache.units().is_empty());
        // Cut short anywhere, the records cut are absent.
        for len in 0..good.len() {
            std::fs::write(&path, &good[..len]).unwrap();
            assert!(cache.units().len() < 2, "cut at {len}");
        }
        // A checksum changed, alone, refuses its record too.
        let mut bytes = good.clone();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(cache.units().len(), 1);
    }

    #[test]
    fn stamps_must_all_be_there_and_equal() {
        let s = |size| {
            Some(Stamp {
                size,
                mtime: (1, 0),
                ctime: (1, 0),
                ino: 7,
            })
        };
        let record = FolderRecordRef {
            name: "x",
            stamps: vec![("a", s(1)), ("b", s(2))],
            digest: [0; 32],
            listing: [0; 32],
            first_pass: &[],
        };
        assert!(record.matches(&[("a".into(), s(1)), ("b".into(), s(2))]));
        assert!(!record.matches(&[("a".into(), s(1)), ("b".into(), s(3))]));
        assert!(!record.matches(&[("a".into(), s(1))]));
        assert!(!record.matches(&[("a".into(), s(1)), ("c".into(), s(2))]));
        let mut racy = record;
        racy.stamps[1].1 = None;
        assert!(!racy.matches(&[("a".into(), s(1)), ("b".into(), None)]));
    }
}
