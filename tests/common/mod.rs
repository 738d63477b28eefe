//! Helpers shared by the integration tests: copy a fixture site into a temp
//! folder, build it, and read back every file written.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plainsight::{Options, Outcome};

/// The repository root, which is also the example site.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of `tests/fixtures/NAME` in a fresh temp folder.
pub fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
    dir
}

/// A copy of the example site (site.toml, content/, data/ of the repository).
pub fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("site.toml"), dir.path().join("site.toml")).unwrap();
    for sub in ["content", "data"] {
        copy_dir(&repo().join(sub), &dir.path().join(sub));
    }
    dir
}

pub fn build(root: &Path) -> Outcome {
    plainsight::build(&Options::for_root(root)).expect("no internal error")
}

pub fn build_into(root: &Path, output: &Path) -> Outcome {
    let mut options = Options::for_root(root);
    options.output = output.to_path_buf();
    options.report_dir = output.with_extension("reports");
    plainsight::build(&options).expect("no internal error")
}

/// Every file under `dir`, by `/`-separated relative path.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    out
}

pub fn text(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The diagnostics as the command prints them, one per line.
pub fn printed(outcome: &Outcome) -> String {
    outcome
        .diagnostics
        .iter()
        .map(|d| format!("{d}\n"))
        .collect()
}

pub fn assert_ok(outcome: &Outcome) {
    assert!(
        !outcome.has_errors(),
        "unexpected errors:\n{}",
        printed(outcome)
    );
}

/// Finds `needle` in any output byte, returning the files that contain it.
pub fn files_containing(files: &BTreeMap<String, Vec<u8>>, needle: &str) -> Vec<String> {
    let needle = needle.as_bytes();
    files
        .iter()
        .filter(|(_, bytes)| {
            bytes
                .windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle))
        })
        .map(|(path, _)| path.clone())
        .collect()
}

/// Appends `text` to a file.
pub fn append(path: &Path, text: &str) {
    let mut content = std::fs::read_to_string(path).unwrap();
    content.push_str(text);
    std::fs::write(path, content).unwrap();
}

/// Replaces `from` with `to` in a file, which must contain it.
pub fn replace(path: &Path, from: &str, to: &str) {
    let content = std::fs::read_to_string(path).unwrap();
    assert!(
        content.contains(from),
        "{} does not contain {from:?}",
        path.display()
    );
    std::fs::write(path, content.replacen(from, to, 1)).unwrap();
}
