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

/// Every file as the leak scan and the personal-data guard read it: a gzip
/// file (by its magic bytes, so the search index's `.pf_*` files too)
/// inflated, with Pagefind's `pagefind_dcd` prefix removed; any other file
/// as it is. Search these with [`files_containing`]: a word of the index's
/// CBOR is its letters after a length byte, so a marker is still found.
pub fn inflated(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    files
        .iter()
        .map(|(path, bytes)| {
            let mut bytes = bytes.clone();
            while bytes.starts_with(&[0x1f, 0x8b]) {
                let mut out = Vec::new();
                flate2::read::MultiGzDecoder::new(&bytes[..])
                    .read_to_end(&mut out)
                    .unwrap_or_else(|e| panic!("{path} is not valid gzip: {e}"));
                bytes = out;
            }
            if let Some(data) = bytes.strip_prefix(b"pagefind_dcd") {
                bytes = data.to_vec();
            }
            (path.clone(), bytes)
        })
        .collect()
}

/// The search index's files among `files` (published under `pagefind/`).
pub fn search_files(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    files
        .iter()
        .filter(|(path, _)| path.starts_with("pagefind/"))
        .map(|(p, b)| (p.clone(), b.clone()))
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

/// Breaks exempt sources of the minimal fixture in every way a message
/// could quote them, each with a marker planted where it would be quoted:
/// documents, or (`in_data`) data, since broken data stops a build before
/// any decision is read. Returns the markers and, for each break, words its
/// message must hold.
pub fn plant_markers_in_messages(
    site: &Path,
    in_data: bool,
) -> (Vec<&'static str>, Vec<&'static str>) {
    let markers = vec!["zqxmsg", "7431.2917", "74312917", "8802.4406"];
    if in_data {
        return (markers, plant_markers_in_data_messages(site));
    }
    let d = site.join("content/decisions/24-00001");
    let exempt = "label = \"Appendix 9\"\npublic_title = \"Withheld paper\"\nexempt = { paragraph = 3, reason = \"It names bidders.\" }\n";
    let paper = |name: &str, kind: &str, front: &str| {
        std::fs::write(
            d.join(name),
            format!("+++\nkind = \"{kind}\"\n{front}+++\nZqxmsgbody text.\n"),
        )
        .unwrap();
    };
    // A key named with the marker, in the fixture's exempt appendix.
    replace(
        &d.join("appendix-1.md"),
        "exempt =",
        "zqxmsgkeyone = \"x\"\nexempt =",
    );
    // A misspelt enum value (an exempt EqIA's impact level).
    let mut impacts = String::new();
    for key in [
        "age",
        "disability",
        "gender_reassignment",
        "marriage_civil_partnership",
        "pregnancy_maternity",
        "race",
        "religion_belief",
        "sex",
        "sexual_orientation",
    ] {
        let level = if key == "age" {
            "zqxmsgenumtwo"
        } else {
            "neutral"
        };
        impacts.push_str(&format!(
            "[impacts.{key}]\nimpact = \"{level}\"\ndetail = \"d\"\n"
        ));
    }
    paper("eqia.md", "eqia", &format!("{exempt}{impacts}"));
    // A value of the wrong type, a line that is not TOML, a misspelt kind,
    // a paragraph out of range, a public attachment of an exempt paper.
    paper(
        "appendix-2.md",
        "appendix",
        &format!("{exempt}summary = 7431.2917\n"),
    );
    paper(
        "appendix-3.md",
        "appendix",
        &format!("{exempt}title = \"zqxmsgsyntaxthree\" zqxmsgsyntaxthree\n"),
    );
    paper("appendix-4.md", "zqxmsgkindfour", exempt);
    paper(
        "appendix-5.md",
        "appendix",
        &exempt.replace("paragraph = 3", "paragraph = 74312917"),
    );
    paper(
        "appendix-6.md",
        "appendix",
        &format!(
            "{exempt}attachments = [{{ file = \"zqxmsgattachsix.pdf\", title = \"T\", public = true }}]\n"
        ),
    );
    // A bad path for an exempt attachment of a public report.
    replace(
        &d.join("report.md"),
        "file = \"scores.csv\"",
        "file = \"../zqxmsgpathfive.csv\"",
    );
    std::fs::remove_file(d.join("scores.csv")).unwrap();
    (
        markers,
        vec![
            "appendix-1.md:5:1: error: unknown key (its name is not shown",
            "eqia.md:7:10: error: the value here (not shown, as its source is or may be exempt) is not a value this key takes",
            "appendix-2.md:6:11: error: this is a number with a decimal point, but it should be",
            "appendix-3.md:6:",
            "appendix-4.md:2:8: error: the kind here (not shown, as its source is or may be exempt) is not a kind of document",
            "appendix-5.md:5:24: error: `paragraph` must be a paragraph",
            "appendix-6.md:6:",
            "an attachment is marked public, but it belongs to an exempt appendix",
            "report.md:8:12: error: attachment (its name is not shown, as its source is or may be exempt) is not a file name in this folder",
        ],
    )
}

/// [`plant_markers_in_messages`] in data.
fn plant_markers_in_data_messages(site: &Path) -> Vec<&'static str> {
    // An exempt cell that is not a number.
    replace(&site.join("data/providers.csv"), "31.79", "zqxmsgcellseven");
    // An exempt column whose allowed values the schema lists, and a column
    // no schema declares.
    std::fs::write(
        site.join("data/bids.schema.toml"),
        "title = \"Bids\"\ndescription = \"One bid a row.\"\n\n[[columns]]\nname = \"id\"\ntitle = \"Id\"\ntype = \"string\"\npublic = true\n\n[[columns]]\nname = \"band\"\ntitle = \"Band\"\ntype = \"string\"\nvalues = [\"zqxmsgvalueeight\"]\nexempt = { paragraph = 3, reason = \"Bids.\" }\n",
    )
    .unwrap();
    std::fs::write(site.join("data/bids.csv"), "id,band\nB1,8802.4406\n").unwrap();
    std::fs::write(
        site.join("data/extra.schema.toml"),
        "title = \"Extra\"\ndescription = \"Extra.\"\n\n[[columns]]\nname = \"id\"\ntitle = \"Id\"\ntype = \"string\"\npublic = true\n",
    )
    .unwrap();
    std::fs::write(site.join("data/extra.csv"), "id,zqxmsgheadernine\nE1,x\n").unwrap();
    vec![
        "providers.csv:2:79: error: `hourly_rate`: the value (not shown: the column is exempt) is not a number",
        "bids.csv:2:4: error: `band`: the value (not shown: the column is exempt) is not one of the allowed values",
        "use one of the values the schema allows for this column",
        "extra.csv:1:4: error: a column (its name is not shown",
    ]
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

/// Every link in the HTML pages under `public` that leads to no file the
/// build wrote, as `page -> href` (addresses with a scheme are left out).
pub fn broken_links(public: &Path) -> Vec<String> {
    let mut broken = Vec::new();
    for (page, bytes) in files(public) {
        if !page.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let here = Path::new(&page).parent().unwrap().to_path_buf();
        for part in html.split("href=\"").skip(1) {
            let href = &part[..part.find('"').unwrap()];
            let href = href.split('#').next().unwrap();
            if href.is_empty() || href.contains(':') {
                continue;
            }
            let target = match href.strip_prefix('/') {
                // The 404 page links from the site's root.
                Some(rest) => public.join(rest),
                None => public.join(&here).join(href),
            };
            let found = if href.ends_with('/') || target.is_dir() {
                target.join("index.html").is_file()
            } else {
                target.is_file()
            };
            if !found {
                broken.push(format!("{page} -> {href}"));
            }
        }
    }
    broken
}

/// A PNG chunk: its length, type, data and CRC, for building test images.
pub fn png_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    c.extend_from_slice(&crc.sum().to_be_bytes());
    c
}
