//! Publishing the output folder, and looking at what the last build left.
//!
//! Every file is first written into a staging folder beside the output;
//! nothing in the output changes until every check has passed, so a build
//! that fails leaves the previous output exactly as it was (DESIGN.md,
//! "Output"). Then, either:
//!
//! - afresh: the staging folder is swapped in whole for the output with two
//!   renames (atomic: a reader sees the old site or the new one); or
//! - in place, when the build cache shows the output is exactly as the last
//!   build left it ([`look_again`]): only the files whose bytes changed were
//!   staged, and they are renamed into place one by one, then files no
//!   longer made are removed. A reader during those renames can see some
//!   pages new and some old, never a half-written file.
//!
//! Neither way replaces or empties a folder that plainsight did not write
//! (it carries [`MARKER`]), so `--output ~/Documents` cannot destroy
//! anything.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::cache::{Digest, OutFile, OutputRecord, Previous};
use crate::source::Stamp;

/// The marker plainsight leaves in every output folder it writes, listing
/// the files it wrote there, each with the start of its hash ([`marker`]):
/// a file that is not listed, or whose bytes are not those listed, is
/// someone else's, and is never deleted ([`foreign`]).
pub const MARKER: &str = ".plainsight";
const MARKER_TEXT: &str = "This folder is written by `plainsight build` and replaced on every build. Do not edit it by hand.\n";
const MARKER_LIST: &str =
    "Files it wrote, each after the first 32 hexadecimal digits of its BLAKE3 hash:\n";
/// How markers listed files before they gave each file's hash.
const MARKER_LIST_BEFORE: &str = "Files it wrote:\n";
/// The hexadecimal digits of a file's hash the marker gives.
const MARKER_HASH: usize = 32;

/// The marker's bytes for an output folder holding `paths` (sorted), each
/// with its hash as `hash_of` gives it (a path without one is listed
/// bare, and is never taken to be plainsight's unless written again).
fn marker(paths: &[String], hash_of: &dyn Fn(&str) -> Option<Digest>) -> Vec<u8> {
    let mut out = Vec::with_capacity(MARKER_TEXT.len() + paths.len() * (MARKER_HASH + 42));
    out.extend_from_slice(MARKER_TEXT.as_bytes());
    out.extend_from_slice(MARKER_LIST.as_bytes());
    for path in paths {
        match hash_of(path) {
            Some(hash) => out.extend_from_slice(marker_hash(&hash).as_bytes()),
            None => out.extend_from_slice(&[b'-'; MARKER_HASH]),
        }
        out.extend_from_slice(b"  ");
        out.extend_from_slice(path.as_bytes());
        out.push(b'\n');
    }
    out
}

/// The start of a file's hash as the marker gives it: [`MARKER_HASH`]
/// hexadecimal digits in small letters.
fn marker_hash(hash: &Digest) -> String {
    hash[..MARKER_HASH / 2]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The files the marker of `dir` lists: each with the start of its hash,
/// if the marker gives one. `None` when the marker lists no files.
fn listed(text: &[u8]) -> Option<std::collections::HashMap<String, Option<String>>> {
    let rest = text.strip_prefix(MARKER_TEXT.as_bytes())?;
    if let Some(list) = rest.strip_prefix(MARKER_LIST.as_bytes()) {
        let list = std::str::from_utf8(list).ok()?;
        let mut out = std::collections::HashMap::new();
        for line in list.lines() {
            let (hash, path) = line.split_at_checked(MARKER_HASH)?;
            let path = path.strip_prefix("  ")?;
            let hash = hash
                .bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
            out.insert(
                path.to_string(),
                hash.then(|| line[..MARKER_HASH].to_string()),
            );
        }
        return Some(out);
    }
    // An older marker lists paths alone: none can be proven plainsight's.
    let list = std::str::from_utf8(rest.strip_prefix(MARKER_LIST_BEFORE.as_bytes())?).ok()?;
    Some(list.lines().map(|path| (path.to_string(), None)).collect())
}

/// What is in the output folder `dir` that plainsight did not write, and so
/// must not be deleted, by path from `dir`, at most `MAX_FOREIGN` of them:
/// every file and folder its marker does not list (a folder holding listed
/// files is listed), and every listed file that this build does not write
/// again (`written`, sorted) whose bytes are not those the marker gives the
/// hash of. A marker written by hand to claim a file therefore claims
/// nothing; a file at a path the site has is the site's, and is written
/// again, even if it was changed. A marker that lists no files (its first
/// line alone, or one that does not read as a list) claims nothing.
fn foreign(dir: &Path, written: &[String]) -> io::Result<Vec<String>> {
    const MAX_FOREIGN: usize = 10;
    let text = std::fs::read(dir.join(MARKER))?;
    let list = listed(&text).unwrap_or_default();
    let mut known: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for path in list.keys() {
        let mut rest = path.as_str();
        known.insert(rest);
        while let Some((parent, _)) = rest.rsplit_once('/') {
            if !known.insert(parent) {
                break;
            }
            rest = parent;
        }
    }
    known.insert(MARKER);
    // A listed file this build does not write again goes: only when its
    // bytes are those plainsight wrote there.
    let as_written = |path: &str| {
        if written.binary_search_by(|w| w.as_str().cmp(path)).is_ok() {
            return Ok(true);
        }
        let Some(Some(hash)) = list.get(path) else {
            return Ok(false);
        };
        let Some((file, _)) = open_plain(&dir.join(path)) else {
            return Ok(false);
        };
        Ok::<bool, io::Error>(&marker_hash(&hash_open(file)?) == hash)
    };
    let mut found = Vec::new();
    let mut folders = vec![String::new()];
    while let Some(folder) = folders.pop() {
        let mut entries: Vec<(String, bool)> = Vec::new();
        for entry in std::fs::read_dir(dir.join(&folder))? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = match folder.is_empty() {
                true => name,
                false => format!("{folder}/{name}"),
            };
            entries.push((path, entry.file_type()?.is_dir()));
        }
        entries.sort();
        for (path, is_dir) in entries {
            let ours =
                known.contains(path.as_str()) && (is_dir || path == MARKER || as_written(&path)?);
            if !ours {
                found.push(path);
                if found.len() == MAX_FOREIGN {
                    return Ok(found);
                }
            } else if is_dir {
                folders.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The files of a built site, keyed by path relative to the output folder
/// (`/`-separated), in sorted order.
#[derive(Debug, Default, Clone)]
pub struct Files {
    files: BTreeMap<String, Vec<u8>>,
}

impl Files {
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        let path = path.into();
        debug_assert!(!path.starts_with('/') && !path.contains(".."), "{path}");
        let previous = self.files.insert(path.clone(), bytes.into());
        assert!(previous.is_none(), "two outputs were written to {path}");
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Vec<u8>)> {
        self.files.iter()
    }
}

/// Where made files go: whole, or, for a file that grows with the site,
/// in pieces as it is made, so that it is never held whole.
pub trait Emit {
    fn files(&mut self, files: Files);
    /// One file, written by `write` (through any number of writes). Returns
    /// its size in bytes.
    fn stream(&mut self, path: &str, write: Writer<'_>) -> usize;
}

/// Writes a file's bytes, in pieces, to what it is given.
/// (`Send`, so that files can be made side by side.)
pub type Writer<'a> = Box<dyn FnOnce(&mut dyn io::Write) -> io::Result<()> + Send + 'a>;

/// A failure to write, with the path it happened at.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub error: io::Error,
    pub advice: &'static str,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write {}: {}", self.path.display(), self.error)?;
        if !self.advice.is_empty() {
            write!(f, "\n  help: {}", self.advice)?;
        }
        Ok(())
    }
}

fn at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |error| WriteError {
        path: path.to_path_buf(),
        error,
        advice: "",
    }
}

/// A folder beside the output where a build is written before it is swapped
/// in. Dropped without [`Staging::publish`], it is removed with all it holds.
/// Writes may come from several threads at once.
pub struct Staging {
    dir: tempfile::TempDir,
    output: PathBuf,
    parent: PathBuf,
    /// Folders of staging already made: a folder holding many files is made
    /// once, not asked for again (and refused) at every file.
    made: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
}

impl Staging {
    /// Prepares to write `output`, refusing a folder plainsight did not write.
    pub fn new(output: &Path) -> Result<Staging, WriteError> {
        if output.exists() && !is_ours(output) {
            return Err(WriteError {
                path: output.to_path_buf(),
                error: io::Error::other("the folder exists and was not written by plainsight"),
                advice: "choose an empty or new folder with --output; plainsight only replaces folders it wrote itself",
            });
        }
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(at(&parent))?;
        let dir = tempfile::Builder::new()
            .prefix(".plainsight-staging-")
            .tempdir_in(&parent)
            .map_err(at(&parent))?;
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
            parent,
            made: std::sync::Mutex::default(),
        })
    }

    /// Writes one file and returns its stamp. Two writes to the same path
    /// are a bug, not a replace.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<Stamp, WriteError> {
        let (mut file, target) = self.create(path)?;
        io::Write::write_all(&mut file, bytes).map_err(at(&target))?;
        let meta = file.metadata().map_err(at(&target))?;
        Ok(Stamp::of_output(&meta))
    }

    /// Creates one file to be written in pieces, and where it is.
    pub fn create(&self, path: &str) -> Result<(std::fs::File, PathBuf), WriteError> {
        let target = self.dir.path().join(path);
        if let Some(dir) = target.parent() {
            let made = |made: &std::collections::HashSet<PathBuf>| made.contains(dir);
            if !made(&self.made.lock().expect("a writing thread panicked")) {
                std::fs::create_dir_all(dir).map_err(at(dir))?;
                self.made
                    .lock()
                    .expect("a writing thread panicked")
                    .insert(dir.to_path_buf());
            }
        }
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(at(&target))?;
        Ok((file, target))
    }

    /// Swaps the staged folder, holding `paths` (sorted, each with its hash
    /// as `hash_of` gives it), in for the output.
    pub fn publish(
        self,
        paths: &[String],
        hash_of: &dyn Fn(&str) -> Option<Digest>,
    ) -> Result<(), WriteError> {
        let bytes = marker(paths, hash_of);
        std::fs::write(self.dir.path().join(MARKER), bytes).map_err(at(self.dir.path()))?;
        let Staging {
            dir,
            output,
            parent,
            ..
        } = self;
        swap(dir.keep(), &output, &parent, paths)
    }
}

/// Where a build's files go. Fresh: every file into a staging folder that is
/// swapped in whole for the output. In place, when the build cache shows the
/// output folder is exactly as the last build left it: only files whose
/// bytes changed are staged, then moved into place one by one, and files no
/// longer made are removed. Either way nothing in the output changes until
/// [`Publisher::publish`], after every check has passed.
pub struct Publisher {
    staging: Staging,
    in_place: bool,
    /// In place: the files staged, to be moved into the output.
    staged: std::sync::Mutex<Vec<String>>,
    /// The hash of every file written, or found already written, for the
    /// marker.
    hashes: std::sync::Mutex<std::collections::HashMap<String, Digest>>,
}

impl Publisher {
    /// Writes `output` afresh (refusing a folder plainsight did not write).
    pub fn fresh(output: &Path) -> Result<Publisher, WriteError> {
        Ok(Publisher {
            staging: Staging::new(output)?,
            in_place: false,
            staged: Default::default(),
            hashes: Default::default(),
        })
    }

    /// Changes `output` in place; the caller has checked it is as the last
    /// build left it.
    pub fn in_place(output: &Path) -> Result<Publisher, WriteError> {
        if !output.join(MARKER).is_file() {
            return Err(WriteError {
                path: output.to_path_buf(),
                error: io::Error::other("the output folder has lost plainsight's marker"),
                advice: "build again; the output folder will be written afresh",
            });
        }
        Ok(Publisher {
            staging: Staging::new(output)?,
            in_place: true,
            staged: Default::default(),
            hashes: Default::default(),
        })
    }

    pub fn is_in_place(&self) -> bool {
        self.in_place
    }

    /// Writes a unit's files and returns what was written. In place, a file
    /// whose bytes are those of `previous` (the same path from the last
    /// build) is left as it is.
    pub fn write_all(
        &self,
        files: &Files,
        previous: Previous<'_>,
    ) -> Result<Vec<OutFile>, WriteError> {
        let mut out = Vec::new();
        for (path, bytes) in files.iter() {
            let hash = *blake3::hash(bytes).as_bytes();
            if let Some(old) = self.unchanged(path, &hash, previous) {
                out.push(old);
                continue;
            }
            let stamp = self.staging.write(path, bytes)?;
            out.push(self.staged(path.clone(), hash, stamp));
        }
        Ok(out)
    }

    /// Creates one file to be written in pieces, then ended with
    /// [`Publisher::end`].
    pub fn create(&self, path: &str) -> Result<(std::fs::File, PathBuf), WriteError> {
        self.staging.create(path)
    }

    /// Ends a file made by [`Publisher::create`], whose bytes hash to
    /// `hash`, as [`Publisher::write_all`] would have written it.
    pub fn end(
        &self,
        path: &str,
        (file, target): (std::fs::File, PathBuf),
        hash: Digest,
        previous: Previous<'_>,
    ) -> Result<OutFile, WriteError> {
        let meta = file.metadata().map_err(at(&target))?;
        drop(file);
        if let Some(old) = self.unchanged(path, &hash, previous) {
            std::fs::remove_file(&target).map_err(at(&target))?;
            return Ok(old);
        }
        Ok(self.staged(path.to_string(), hash, Stamp::of_output(&meta)))
    }

    /// Notes, for the marker, that the file at `path` hashes to `hash`
    /// (every file written comes here first), and returns, in place, the
    /// last build's file there when it holds those bytes.
    fn unchanged(&self, path: &str, hash: &Digest, previous: Previous<'_>) -> Option<OutFile> {
        self.hashes
            .lock()
            .expect("a writing thread panicked")
            .insert(path.to_string(), *hash);
        let old = previous.get(path).filter(|o| &o.hash == hash);
        old.filter(|_| self.in_place).cloned()
    }

    /// Notes a file written to staging.
    fn staged(&self, path: impl Into<String>, hash: Digest, stamp: Stamp) -> OutFile {
        let path = path.into();
        if self.in_place {
            self.staged
                .lock()
                .expect("a writing thread panicked")
                .push(path.clone());
        }
        OutFile { path, hash, stamp }
    }

    /// Puts the build, whose files are `paths` (sorted), in place. In place,
    /// `removed` are the files of the last build that this one did not
    /// make. `kept` gives the hash of a file this build did not write (a
    /// unit reused, a file removed), for the marker. Returns the files
    /// changed in place (`None` when the output was written afresh).
    pub fn publish(
        self,
        removed: &[String],
        paths: &[String],
        kept: &dyn Fn(&str) -> Option<Digest>,
    ) -> Result<Option<Vec<String>>, WriteError> {
        let hashes = self.hashes.into_inner().expect("a writing thread panicked");
        let hash_of = |path: &str| hashes.get(path).copied().or_else(|| kept(path));
        if !self.in_place {
            return self.staging.publish(paths, &hash_of).map(|()| None);
        }
        let Staging { dir, output, .. } = self.staging;
        // The marker lists, at every moment, every file plainsight may have
        // put in the folder: the new files as well as the old while they
        // change places, then the new alone.
        let mut both: Vec<String> = paths.iter().chain(removed).cloned().collect();
        both.sort();
        put_marker(&dir, &output, &marker(&both, &hash_of))?;
        // Removed first, so a file may become a folder and a folder a file.
        for path in removed {
            let target = output.join(path);
            match std::fs::remove_file(&target) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(at(&target)(e)),
                _ => {}
            }
            // Folders left empty go too, as a fresh build would not make them.
            let mut dir = target.parent();
            while let Some(d) = dir.filter(|d| *d != output) {
                if std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        let mut staged = self.staged.into_inner().expect("a writing thread panicked");
        staged.sort();
        for path in &staged {
            let target = output.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(at(parent))?;
            }
            std::fs::rename(dir.path().join(path), &target).map_err(at(&target))?;
        }
        put_marker(&dir, &output, &marker(paths, &hash_of))?;
        dir.close().map_err(at(&output))?;
        staged.extend(removed.iter().cloned());
        Ok(Some(staged))
    }
}

/// Puts `bytes` in the output folder's marker (written in staging, then
/// renamed over it), unless it already holds them.
fn put_marker(staging: &tempfile::TempDir, output: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let target = output.join(MARKER);
    if std::fs::read(&target).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    let staged = staging.path().join(MARKER);
    std::fs::write(&staged, bytes).map_err(at(&staged))?;
    std::fs::rename(&staged, &target).map_err(at(&target))
}

fn swap(
    staged: PathBuf,
    output: &Path,
    parent: &Path,
    written: &[String],
) -> Result<(), WriteError> {
    if output.join(MARKER).is_file() {
        let found = foreign(output, written).map_err(at(output))?;
        if !found.is_empty() {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(WriteError {
                path: output.to_path_buf(),
                error: io::Error::other(format!(
                    "the output folder holds what plainsight did not write, or changed after plainsight wrote it, which writing it afresh would delete: {}",
                    found.join(", ")
                )),
                advice: "move those out of the output folder (plainsight writes the whole folder on every build), then build again; a file to publish as it is, like a CNAME for the web host, belongs in the site's static/ folder",
            });
        }
    }
    if output.exists() {
        let old = tempfile::Builder::new()
            .prefix(".plainsight-old-")
            .tempdir_in(parent)
            .map_err(at(parent))?
            .keep();
        // `old` is an empty folder; renaming onto it replaces it.
        std::fs::rename(output, &old).map_err(at(output))?;
        if let Err(error) = std::fs::rename(&staged, output) {
            // Put the previous site back before reporting.
            let _ = std::fs::rename(&old, output);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(WriteError {
                path: output.to_path_buf(),
                error,
                advice: "",
            });
        }
        std::fs::remove_dir_all(&old).map_err(at(&old))?;
    } else {
        std::fs::rename(&staged, output).map_err(at(output))?;
    }
    Ok(())
}

/// The stamps of the output folder and every folder holding `paths` (as
/// the cache keeps them, in order; `""` is the output folder itself). A
/// folder in `old` (stamps taken earlier, in the same order) is not looked
/// at again unless `touched` says something in it changed since.
pub fn dir_stamps(
    output: &Path,
    paths: &[String],
    old: &[(String, Stamp)],
    touched: impl Fn(&str) -> bool,
) -> Result<FolderStamps, WriteError> {
    let mut dirs = std::collections::BTreeSet::from([""]);
    let mut last_parent = "";
    for path in paths {
        // Paths in order share their folder with the one before, mostly.
        let parent = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        if parent == last_parent {
            continue;
        }
        last_parent = parent;
        let mut rest = path.as_str();
        while let Some((dir, _)) = rest.rsplit_once('/') {
            if !dirs.insert(dir) {
                break;
            }
            rest = dir;
        }
    }
    // Both in order: each folder's earlier stamp is found by walking `old`
    // alongside (a stamp out of order is just not found, and taken again).
    let mut old = old.iter().peekable();
    let mut stamps: Vec<(String, Option<Stamp>)> = Vec::with_capacity(dirs.len());
    for dir in dirs {
        while old.next_if(|(o, _)| o.as_str() < dir).is_some() {}
        let known = old
            .next_if(|(o, _)| o == dir)
            .filter(|_| !touched(dir))
            .map(|(_, s)| *s);
        stamps.push((dir.to_string(), known));
    }
    let unknown: Vec<usize> = (0..stamps.len())
        .filter(|&i| stamps[i].1.is_none())
        .collect();
    let looked = crate::source::in_flight(&unknown, |&i| {
        let path = output.join(&stamps[i].0);
        let taken = std::time::SystemTime::now();
        let meta = std::fs::symlink_metadata(&path).map_err(at(&path))?;
        let stamp = Stamp::of_output_dir(&meta);
        Ok((stamp, stamp.racy(taken)))
    });
    let mut racy = Vec::new();
    for (i, looked) in unknown.into_iter().zip(looked) {
        let (stamp, is_racy) = looked?;
        stamps[i].1 = Some(stamp);
        if is_racy {
            racy.push(stamps[i].0.clone());
        }
    }
    let dirs = stamps
        .into_iter()
        .map(|(dir, stamp)| (dir, stamp.expect("every folder's stamp is known or taken")))
        .collect();
    Ok(FolderStamps { dirs, racy })
}

/// Every output folder's stamp, and the folders whose stamp is racy
/// ([`Stamp::racy`]), in order.
pub struct FolderStamps {
    pub dirs: Vec<(String, Stamp)>,
    pub racy: Vec<String>,
}

/// What the output folder holds of the last build's files, each file looked
/// at once: opened (never through a link), its stamp taken from the open
/// file, its bytes hashed again.
pub struct LookedAgain {
    /// Whether the folder is exactly as the cache says the last build left
    /// it: marked as plainsight's, every folder and every file with the
    /// stamp it had, and so nothing in any folder that the last build did
    /// not write ([`Stamp::of_output_dir`]).
    pub in_place: bool,
    /// For each file, whether it holds, byte for byte, what its record says
    /// was written there: its content hash computed again. A file that is
    /// gone, is not a plain file or cannot be read does not. This, not a
    /// stamp, is what lets a verdict on a file be reused. When `last` was
    /// given and the folder is not as it was left, no file is said to.
    pub same: Vec<bool>,
}

/// Looks at the last build's `files` in `output`. With `last` (the output
/// folder as the last build recorded it), it also says whether the folder
/// can be updated in place; without (a check, which writes nothing), only
/// what each file holds.
pub fn look_again(output: &Path, last: Option<&OutputRecord>, files: &[&OutFile]) -> LookedAgain {
    use std::sync::atomic::{AtomicBool, Ordering};
    let not_in_place = LookedAgain {
        in_place: false,
        same: vec![false; files.len()],
    };
    // The folders first: when one is not as it was left, nothing is
    // updated in place, and no file need be read.
    let dirs_as_left = last.map(|last| {
        output.join(MARKER).is_file()
            && !last.dirs.is_empty()
            && folders_as_left(output, last, files)
    });
    if dirs_as_left == Some(false) {
        return not_in_place;
    }
    // Set by the first file that is gone or whose stamp differs: then the
    // folder is not updated in place, and (but for a check) the rest need
    // not be hashed.
    let stale = AtomicBool::new(false);
    let same: Vec<bool> = crate::source::in_flight(files, |f| {
        let Some((file, stamp)) = open_plain(&output.join(&f.path)) else {
            stale.store(true, Ordering::Relaxed);
            return false;
        };
        if stamp != f.stamp {
            stale.store(true, Ordering::Relaxed);
        }
        if last.is_some() && stale.load(Ordering::Relaxed) {
            return false;
        }
        hash_open(file).is_ok_and(|hash| hash == f.hash)
    });
    match (last, stale.into_inner()) {
        (Some(_), true) => not_in_place,
        (last, _) => LookedAgain {
            in_place: last.is_some(),
            same,
        },
    }
}

/// Whether every folder has the stamp it had, and so holds nothing but the
/// files and folders the last build wrote (and the marker). Where a
/// folder's stamp cannot show that (its stamp was racy, or there is no
/// change time: not Unix), what the folder holds is listed again.
fn folders_as_left(output: &Path, last: &OutputRecord, files: &[&OutFile]) -> bool {
    let dirs = &last.dirs;
    let same = |(dir, stamp): &(String, Stamp)| {
        std::fs::symlink_metadata(output.join(dir))
            .is_ok_and(|m| m.is_dir() && &Stamp::of_output_dir(&m) == stamp)
    };
    if !crate::source::in_flight(dirs, same)
        .into_iter()
        .all(|same| same)
    {
        return false;
    }
    let listed: Vec<&str> = match cfg!(unix) {
        true => last.racy.iter().map(String::as_str).collect(),
        false => dirs.iter().map(|(d, _)| d.as_str()).collect(),
    };
    if listed.is_empty() {
        return true;
    }
    let mut known: std::collections::HashSet<&str> = dirs
        .iter()
        .map(|(d, _)| d.as_str())
        .chain(files.iter().map(|f| f.path.as_str()))
        .collect();
    known.insert(MARKER);
    let only_known = |dir: &str| {
        let Ok(entries) = std::fs::read_dir(output.join(dir)) else {
            return false;
        };
        let mut path = String::new();
        entries.into_iter().all(|e| {
            let Ok(e) = e else { return false };
            let name = e.file_name();
            let Some(name) = name.to_str() else {
                return false;
            };
            path.clear();
            if !dir.is_empty() {
                path.push_str(dir);
                path.push('/');
            }
            path.push_str(name);
            known.contains(path.as_str())
        })
    };
    crate::source::in_flight(&listed, |d| only_known(d))
        .into_iter()
        .all(|only| only)
}

/// The hash of an open file's bytes, read in large blocks into a buffer the
/// thread keeps: most output files are a few KB, and `update_reader` clears
/// a buffer of 64 KiB for each.
fn hash_open(mut file: std::fs::File) -> std::io::Result<Digest> {
    use std::io::Read;
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|buffer| {
        buffer.resize(1 << 18, 0);
        let mut hasher = blake3::Hasher::new();
        loop {
            match file.read(buffer) {
                Ok(0) => return Ok(*hasher.finalize().as_bytes()),
                Ok(n) => {
                    hasher.update(&buffer[..n]);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    })
}

/// A plain file opened for reading, never through a symbolic link, with
/// its stamp as an output file; `None` for anything else (gone, a link, a
/// folder, a device) or what cannot be opened.
fn open_plain(path: &Path) -> Option<(std::fs::File, Stamp)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A link is refused by the open itself, and a FIFO does not block it.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    if !std::fs::symlink_metadata(path).ok()?.is_file() {
        return None;
    }
    let file = options.open(path).ok()?;
    let meta = file.metadata().ok()?;
    meta.is_file().then(|| (file, Stamp::of_output(&meta)))
}

/// A folder plainsight may replace: empty, or carrying its marker.
fn is_ours(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
        || std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false)
}

/// The first of `files` (name, the bytes this program's file of that name
/// begins with, and bytes its first 512 hold) already in `dir` that this
/// program did not write: a folder, a link, or a file that does not begin
/// as this program's does. An empty file holds nothing to lose.
pub fn someone_elses(dir: &Path, files: &[(&str, &[u8], &[u8])]) -> Option<PathBuf> {
    files.iter().find_map(|&(name, begins, holds)| {
        let path = dir.join(name);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        if !meta.is_file() {
            return Some(path);
        }
        let mut start = Vec::with_capacity(512);
        let read = std::fs::File::open(&path)
            .and_then(|f| io::Read::read_to_end(&mut io::Read::take(f, 512), &mut start))
            .is_ok();
        let ours = start.starts_with(begins)
            && (holds.is_empty() || start.windows(holds.len()).any(|w| w == holds));
        (!(read && (ours || meta.len() == 0))).then_some(path)
    })
}

/// A file made by [`prepare_atomic`], not yet in its place.
pub struct Prepared {
    path: PathBuf,
    /// `None` when the file already holds these bytes.
    temp: Option<tempfile::NamedTempFile>,
}

impl Prepared {
    /// Puts the file in place (a rename); nothing when it was already there.
    pub fn put_in_place(self) -> Result<(), WriteError> {
        let Some(temp) = self.temp else {
            return Ok(());
        };
        temp.persist(&self.path).map_err(|e| WriteError {
            path: self.path,
            error: e.error,
            advice: "",
        })?;
        Ok(())
    }
}

/// Writes one file atomically, for reports: made in pieces by `write` beside
/// `path` (so that a large one is never held whole), then put in place by
/// [`Prepared::put_in_place`] (a rename); dropped instead, it leaves `path`
/// as it was. A file that already holds exactly those bytes is left as it
/// is: a rebuild that changes nothing in a large report does not write it
/// again (`write` is then called twice when it did change).
pub fn prepare_atomic(
    path: &Path,
    write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
) -> Result<Prepared, WriteError> {
    let file = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file());
    if let Some(Ok(old)) = file.then(|| std::fs::File::open(path)) {
        let mut same = SameAs {
            old: io::BufReader::new(old),
            same: true,
            buf: Vec::new(),
        };
        if write(&mut same).is_ok()
            && same.same
            && io::Read::read(&mut same.old, &mut [0]).is_ok_and(|n| n == 0)
        {
            return Ok(Prepared {
                path: path.to_path_buf(),
                temp: None,
            });
        }
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(at(dir))?;
    let temp = tempfile::NamedTempFile::new_in(dir).map_err(at(dir))?;
    let mut out = io::BufWriter::new(temp);
    write(&mut out).map_err(at(path))?;
    let temp = out.into_inner().map_err(|e| WriteError {
        path: path.to_path_buf(),
        error: e.into_error(),
        advice: "",
    })?;
    Ok(Prepared {
        path: path.to_path_buf(),
        temp: Some(temp),
    })
}

/// Compares what is written to it with a file's bytes.
struct SameAs<R> {
    old: R,
    same: bool,
    buf: Vec<u8>,
}

impl<R: io::Read> io::Write for SameAs<R> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.same {
            self.buf.resize(bytes.len(), 0);
            self.same = self.old.read_exact(&mut self.buf).is_ok() && self.buf == bytes;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_claims_only_files_whose_bytes_plainsight_wrote_or_writes_again() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::write(out.join("a/old.html"), "<p>old</p>").unwrap();
        std::fs::write(out.join("a/page.html"), "<p>page</p>").unwrap();
        std::fs::write(out.join("notes.txt"), "the council's own notes").unwrap();
        let listed = ["a/old.html", "a/page.html", "notes.txt"].map(String::from);
        let hash =
            |path: &str| Some(*blake3::hash(&std::fs::read(out.join(path)).unwrap()).as_bytes());
        let write = |bytes: Vec<u8>| std::fs::write(out.join(MARKER), bytes).unwrap();
        let written = ["a/page.html".to_string()];

        // As plainsight writes it: every file listed with its hash is its own.
        write(marker(&listed, &hash));
        assert!(foreign(out, &written).unwrap().is_empty());
        // A file changed after it was written: the site's own path is
        // written again; any other is not deleted.
        std::fs::write(out.join("a/page.html"), "<p>edited</p>").unwrap();
        std::fs::write(out.join("a/old.html"), "<p>edited</p>").unwrap();
        assert_eq!(foreign(out, &written).unwrap(), ["a/old.html"]);
        std::fs::write(out.join("a/old.html"), "<p>old</p>").unwrap();

        // Forged by hand: the first line alone, a list without hashes, a
        // file listed with a made-up hash, the older list of paths.
        let text = |list: &str| format!("{MARKER_TEXT}{list}").into_bytes();
        for forged in [
            text(""),
            text("Files it wrote:\n"),
            text(&format!("{MARKER_LIST}notes.txt\n")),
            text(&format!(
                "{MARKER_LIST}{}  notes.txt\n",
                "0".repeat(MARKER_HASH)
            )),
            text(&format!(
                "{MARKER_LIST}{}  notes.txt\n",
                "-".repeat(MARKER_HASH)
            )),
            text("Files it wrote:\na/old.html\na/page.html\nnotes.txt\n"),
            b"notes.txt\n".to_vec(),
        ] {
            write(forged.clone());
            let found = foreign(out, &written).unwrap();
            assert!(
                found.contains(&"notes.txt".to_string()),
                "{}: {found:?}",
                String::from_utf8_lossy(&forged)
            );
        }
        // The older list still lets the site's own paths be written again.
        write(text(
            "Files it wrote:\na/old.html\na/page.html\nnotes.txt\n",
        ));
        assert_eq!(foreign(out, &written).unwrap(), ["a/old.html", "notes.txt"]);
    }

    #[test]
    fn folder_stamps_are_taken_again_only_where_needed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        for d in ["a/b", "c", "d"] {
            std::fs::create_dir_all(out.join(d)).unwrap();
        }
        let paths: Vec<String> = [
            "a/b/x.html",
            "a/y.html",
            "c/z.html",
            "d/w.html",
            "index.html",
        ]
        .map(String::from)
        .to_vec();
        let now = |d: &str| Stamp::of_output_dir(&std::fs::symlink_metadata(out.join(d)).unwrap());
        let fresh = dir_stamps(out, &paths, &[], |_| false).unwrap().dirs;
        let names: Vec<&str> = fresh.iter().map(|(d, _)| d.as_str()).collect();
        assert_eq!(names, ["", "a", "a/b", "c", "d"]);
        assert!(fresh.iter().all(|(d, s)| *s == now(d)));

        // Earlier stamps (here a file's, to tell them apart) are kept for
        // folders not touched; a touched folder, or one not in `old`, is
        // looked at again.
        std::fs::write(out.join("elsewhere.txt"), "x").unwrap();
        let made_up = now("elsewhere.txt");
        let old: Vec<(String, Stamp)> = ["", "a", "a/b", "c"]
            .map(|d| (d.to_string(), made_up))
            .to_vec();
        let again = dir_stamps(out, &paths, &old, |d| d == "a" || d.is_empty()).unwrap();
        // Only the folders looked at again can be racy (all are, just made).
        assert_eq!(again.racy, ["", "a", "d"]);
        let again = again.dirs;
        let expected: Vec<(String, Stamp)> = [
            ("", now("")),
            ("a", now("a")),
            ("a/b", made_up),
            ("c", made_up),
            ("d", now("d")),
        ]
        .map(|(d, s)| (d.to_string(), s))
        .to_vec();
        assert_eq!(again, expected);

        // A folder that has gone is an error, not a stamp.
        std::fs::remove_dir_all(out.join("d")).unwrap();
        assert!(dir_stamps(out, &paths, &old, |_| false).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_given_a_file_is_not_as_left_even_with_its_times_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::write(
            out.join(MARKER),
            marker(&["a/x.html".to_string()], &|_| None),
        )
        .unwrap();
        std::fs::write(out.join("a/x.html"), "<p>x</p>").unwrap();
        let file = OutFile {
            path: "a/x.html".into(),
            hash: *blake3::hash(b"<p>x</p>").as_bytes(),
            stamp: Stamp::of_output(&std::fs::symlink_metadata(out.join("a/x.html")).unwrap()),
        };
        let stamps = dir_stamps(out, std::slice::from_ref(&file.path), &[], |_| false).unwrap();
        // Just made, so every folder's stamp is racy.
        assert_eq!(stamps.racy, ["", "a"]);
        let record = |racy: &[&str]| OutputRecord {
            output: out.to_path_buf(),
            dirs: dir_stamps(out, std::slice::from_ref(&file.path), &[], |_| false)
                .unwrap()
                .dirs,
            racy: racy.iter().map(|d| d.to_string()).collect(),
        };
        let before = record(&[]);
        let looked = look_again(out, Some(&before), &[&file]);
        assert!(looked.in_place);
        assert_eq!(looked.same, [true]);

        // A file added by hand, and the folder's times put back: its change
        // time shows it, with no folder listed.
        let folder = std::fs::File::open(out.join("a")).unwrap();
        let modified = folder.metadata().unwrap().modified().unwrap();
        std::fs::write(out.join("a/added.html"), "added").unwrap();
        folder.set_modified(modified).unwrap();
        let looked = look_again(out, Some(&before), &[&file]);
        assert!(!looked.in_place);
        assert_eq!(looked.same, [false], "nothing is taken as it was");
        // A check judges the bytes alone.
        assert_eq!(look_again(out, None, &[&file]).same, [true]);

        // Were the file added in the clock tick of the folder's stamp, the
        // stamp could not show it (here, the stamp is taken after it): a
        // racy folder is listed, and the file found.
        assert!(look_again(out, Some(&record(&[])), &[&file]).in_place);
        assert!(!look_again(out, Some(&record(&["a"])), &[&file]).in_place);
        std::fs::remove_file(out.join("a/added.html")).unwrap();
        assert!(look_again(out, Some(&record(&["a"])), &[&file]).in_place);

        // A link to the same bytes, in the file's place, is not the file;
        // nor is a file with other bytes, its stamp put back.
        std::fs::write(out.join("copy.html"), "<p>x</p>").unwrap();
        std::fs::remove_file(out.join("a/x.html")).unwrap();
        std::os::unix::fs::symlink(out.join("copy.html"), out.join("a/x.html")).unwrap();
        assert_eq!(look_again(out, None, &[&file]).same, [false]);
        std::fs::remove_file(out.join("a/x.html")).unwrap();
        std::fs::write(out.join("a/x.html"), "<p>y</p>").unwrap();
        assert_eq!(look_again(out, None, &[&file]).same, [false]);
    }

    fn write_atomic_with(
        path: &Path,
        write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> Result<(), WriteError> {
        prepare_atomic(path, write)?.put_in_place()
    }

    fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
        write_atomic_with(path, &mut |out| out.write_all(bytes))
    }

    #[cfg(unix)]
    #[test]
    fn a_file_written_atomically_is_left_alone_only_when_it_holds_the_same_bytes() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reports/withholding.json");
        let inode = || std::fs::symlink_metadata(&path).unwrap().ino();
        write_atomic(&path, b"one").unwrap();
        let first = inode();
        write_atomic(&path, b"one").unwrap();
        assert_eq!(inode(), first, "the same bytes are not written again");
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        write_atomic(&path, b"twO").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"twO");
        // Written in pieces: the same bytes are left alone, a beginning of
        // them is not the same.
        let before = inode();
        let pieces = |parts: &'static [&'static [u8]]| {
            move |out: &mut dyn io::Write| parts.iter().try_for_each(|p| out.write_all(p))
        };
        write_atomic_with(&path, &mut pieces(&[b"t", b"w", b"O"])).unwrap();
        assert_eq!(inode(), before);
        write_atomic_with(&path, &mut pieces(&[b"t", b"w"])).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"tw");
        // Made and not put in place, it leaves the file as it was and
        // nothing beside it.
        let made = prepare_atomic(&path, &mut pieces(&[b"new"])).unwrap();
        drop(made);
        assert_eq!(std::fs::read(&path).unwrap(), b"tw");
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
        // A link to a file with the same bytes is replaced by the file.
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, b"three").unwrap();
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
        write_atomic(&path, b"three").unwrap();
        assert!(std::fs::symlink_metadata(&path).unwrap().is_file());
        assert_eq!(std::fs::read(&path).unwrap(), b"three");
    }

    #[test]
    fn replaces_only_its_own_folders() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let publish = |out: &Path, path: &str, text: &str| {
            let staging = Staging::new(out)?;
            staging.write(path, text.as_bytes())?;
            let hash = *blake3::hash(text.as_bytes()).as_bytes();
            staging.publish(&[path.to_string()], &|_| Some(hash))
        };
        publish(&out, "index.html", "one").unwrap();
        publish(&out, "a/index.html", "two").unwrap();
        assert!(!out.join("index.html").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "two"
        );
        // Nothing left behind beside it.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"]);

        let foreign = dir.path().join("documents");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("thesis.txt"), "precious").unwrap();
        assert!(publish(&foreign, "index.html", "three").is_err());
        assert_eq!(
            std::fs::read_to_string(foreign.join("thesis.txt")).unwrap(),
            "precious"
        );
    }
}
