//! A micro benchmark of the per-output-file hot paths: the leak scan
//! (`scan::Fingerprints::scan`) and the work of the personal-data guard
//! (`unicode::decode_entities` then `personal::find`), run over every file of a
//! built site. It also prints a digest of every result, so two versions of the
//! code can be compared for identical behaviour as well as for speed.
//!
//! cargo run --release --example hotpaths -- <built-output> <site-root> [reps]
//!
//! The fingerprints are made, as the build makes them, from the exempt
//! documents under `<site-root>/content` (their bodies and titles).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::borrow::Cow;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use plainsight::{personal, scan, unicode};

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

/// Exempt documents: a front matter with `exempt = ` in it.
fn fingerprints(root: &Path) -> scan::Fingerprints {
    let mut b = scan::FingerprintsBuilder::default();
    for path in files_under(&root.join("content")) {
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Some(rest) = text.strip_prefix("+++\n") else {
            continue;
        };
        let Some((front, body)) = rest.split_once("\n+++\n") else {
            continue;
        };
        if !front.lines().any(|l| l.starts_with("exempt = ")) {
            continue;
        }
        let name = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .to_string();
        b.add_exempt(&name, body);
        for line in front.lines() {
            if let Some(title) = line.strip_prefix("public_title = ") {
                b.add_exempt_value(&name, title.trim_matches('"'));
            }
        }
    }
    b.finish().0
}

/// The site's own contact, which the guard allows.
fn allowed(root: &Path) -> std::collections::BTreeSet<String> {
    let config = std::fs::read_to_string(root.join("site.toml")).unwrap_or_default();
    let table: toml::Table = config.parse().unwrap_or_default();
    let contact = table.get("contact").and_then(|c| c.as_table());
    ["email", "phone"]
        .into_iter()
        .filter_map(|k| contact?.get(k)?.as_str())
        .flat_map(personal::allow_keys)
        .collect()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: hotpaths <built-output> <site-root> [reps]");
        std::process::exit(2);
    }
    let output = Path::new(&args[1]);
    let root = Path::new(&args[2]);
    let reps: usize = args.get(3).map_or(5, |r| r.parse().expect("reps"));
    let files: Vec<(String, Vec<u8>)> = files_under(output)
        .into_iter()
        .map(|p| {
            let name = p
                .strip_prefix(output)
                .unwrap()
                .to_string_lossy()
                .to_string();
            let bytes = std::fs::read(&p).unwrap();
            (name, bytes)
        })
        .collect();
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    let prints = fingerprints(root);
    let allowed = allowed(root);
    eprintln!(
        "{} files, {:.1} MB; fingerprints {:?}",
        files.len(),
        total as f64 / 1e6,
        prints.counts()
    );

    let mut scan_digest = DefaultHasher::new();
    let mut words_digest = DefaultHasher::new();
    let mut guard_digest = DefaultHasher::new();
    let (mut leaks, mut hits) = (0, 0);
    let mut scan_times = Vec::new();
    let mut words_times = Vec::new();
    let mut guard_times = Vec::new();
    for rep in 0..reps {
        let t = Instant::now();
        for (name, bytes) in &files {
            let found = prints.scan(name, bytes);
            if rep == 0 {
                leaks += found.len();
                format!("{found:?}").hash(&mut scan_digest);
            }
        }
        scan_times.push(t.elapsed());

        let t = Instant::now();
        for (_, bytes) in &files {
            let text = String::from_utf8_lossy(bytes);
            for strip in [false, true] {
                let words = scan::word_hashes(&text, strip);
                if rep == 0 {
                    words.hash(&mut words_digest);
                }
            }
        }
        words_times.push(t.elapsed());

        // What `guard::Guard::inspect` does with a text file (bytes that are
        // UTF-8 are read as they are).
        let t = Instant::now();
        for (name, bytes) in &files {
            let bytes = scan::inspectable(name, bytes).unwrap();
            let text = match std::str::from_utf8(&bytes) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(&bytes),
            };
            let text = unicode::decode_entities(&text);
            let text: &str = &text;
            for hit in personal::find(text) {
                if allowed.contains(&hit.key) {
                    if rep == 0 {
                        format!("{name} {hit:?}").hash(&mut guard_digest);
                    }
                    continue;
                }
                let at = plainsight::diagnostics::Position::of_offset(text, hit.start);
                let masked = personal::mask(&text[hit.start..hit.end]);
                if rep == 0 {
                    hits += 1;
                    format!("{name} {hit:?} {at:?} {masked}").hash(&mut guard_digest);
                }
            }
            if rep == 0 {
                text.hash(&mut guard_digest);
            }
        }
        guard_times.push(t.elapsed());
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "leak scan {:.1} ms, word_hashes x2 {:.1} ms, guard {:.1} ms (medians of {reps})",
        ms(median(scan_times)),
        ms(median(words_times)),
        ms(median(guard_times)),
    );
    println!(
        "digests: scan {:016x} ({leaks} leaks), words {:016x}, guard {:016x} ({hits} hits not allowed)",
        scan_digest.finish(),
        words_digest.finish(),
        guard_digest.finish()
    );
}
