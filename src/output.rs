//! Publishing the output folder atomically.
//!
//! Everything is written into a staging folder beside the output, then swapped
//! in with two renames. A build that fails before the swap leaves the previous
//! output exactly as it was (DESIGN.md, "Output"). The swap refuses to replace
//! a folder that plainsight did not write, so `--output ~/Documents` cannot
//! destroy anything.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// The marker plainsight leaves in every output folder it writes.
pub const MARKER: &str = ".plainsight";
const MARKER_TEXT: &str = "This folder is written by `plainsight build` and replaced on every build. Do not edit it by hand.\n";

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
pub type Writer<'a> = Box<dyn FnOnce(&mut dyn io::Write) -> io::Result<()> + 'a>;

/// Files kept whole, and streamed files gathered whole: for tests and
/// small tools, where nothing is large.
impl<F: FnMut(Files)> Emit for F {
    fn files(&mut self, files: Files) {
        self(files)
    }

    fn stream(&mut self, path: &str, write: Writer<'_>) -> usize {
        let mut bytes = Vec::new();
        write(&mut bytes).expect("writing to memory");
        let size = bytes.len();
        let mut files = Files::default();
        files.add(path, bytes);
        self(files);
        size
    }
}

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
        })
    }

    /// Writes one file. Two writes to the same path are a bug, not a replace.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let (mut file, target) = self.create(path)?;
        io::Write::write_all(&mut file, bytes).map_err(at(&target))
    }

    /// Creates one file to be written in pieces, and where it is.
    pub fn create(&self, path: &str) -> Result<(std::fs::File, PathBuf), WriteError> {
        let target = self.dir.path().join(path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(at(dir))?;
        }
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(at(&target))?;
        Ok((file, target))
    }

    pub fn write_all(&self, files: &Files) -> Result<(), WriteError> {
        files
            .iter()
            .try_for_each(|(path, bytes)| self.write(path, bytes))
    }

    /// Swaps the staged folder in for the output.
    pub fn publish(self) -> Result<(), WriteError> {
        std::fs::write(self.dir.path().join(MARKER), MARKER_TEXT).map_err(at(self.dir.path()))?;
        let Staging {
            dir,
            output,
            parent,
        } = self;
        swap(dir.keep(), &output, &parent)
    }
}

fn swap(staged: PathBuf, output: &Path, parent: &Path) -> Result<(), WriteError> {
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

/// A folder plainsight may replace: empty, or carrying its marker.
fn is_ours(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
        || std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false)
}

/// Writes one file atomically (temporary file, then rename), for reports.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_atomic_with(path, &mut |out| out.write_all(bytes))
}

/// [`write_atomic`] for a file written in pieces by `write`, so that a large
/// one is never held whole.
pub fn write_atomic_with(
    path: &Path,
    write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
) -> Result<(), WriteError> {
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
    temp.persist(path).map_err(|e| WriteError {
        path: path.to_path_buf(),
        error: e.error,
        advice: "",
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_its_own_folders() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let publish = |out: &Path, path: &str, text: &str| {
            let staging = Staging::new(out)?;
            staging.write(path, text.as_bytes())?;
            staging.publish()
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
