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

/// A valid one-page PDF that shows `text` (a PDF literal string's contents)
/// in a Flate-compressed content stream, made by `producer`, with a
/// cross-reference table of true offsets. Two producers give two files with
/// other bytes and the same words, as a re-saved copy is.
pub fn pdf_with_text(text: &str, producer: &str) -> Vec<u8> {
    use std::io::Write;
    let content = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(content.as_bytes()).unwrap();
    let data = z.finish().unwrap();
    let mut stream = format!(
        "<< /Length {} /Filter /FlateDecode >>\nstream\n",
        data.len()
    )
    .into_bytes();
    stream.extend_from_slice(&data);
    stream.extend_from_slice(b"\nendstream");
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        stream,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        format!("<< /Producer ({producer}) >>").into_bytes(),
    ];
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    let size = objects.len() + 1;
    out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n")
            .as_bytes(),
    );
    out
}
