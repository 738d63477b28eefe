//! The build cache's groundwork: what pass 1 keeps of a decision folder, and
//! what pass 2 finds, freeze to bytes and thaw back exactly; a build fed the
//! thawed values makes the same site, report, fingerprints and findings; and
//! public types are read back only by `visibility::thaw`.

mod common;

use std::path::Path;

use common::*;
use plainsight::diagnostics::{Diagnostic, Diagnostics};
use plainsight::folder::{self, FirstPass};
use plainsight::guard::{FileFindings, Guard};
use plainsight::markdown::Glossary;
use plainsight::scan::Fingerprints;
use plainsight::site::{self, Site};
use plainsight::visibility::{
    self, Block, Markdown, PublicAttachment, PublicDecision, PublicPaper, PublishedFile,
    PublishedPaper, WithheldNotice, freeze, through_cache,
};
use plainsight::{language, source};

/// A site's checked model without its decision folders, and pass 1 over
/// each folder, as a build runs them.
fn pass_one(root: &Path) -> (Site, Vec<FirstPass>) {
    let mut diagnostics = Diagnostics::default();
    let source = source::read(root, &mut diagnostics).expect("the site can be read");
    let mut site = site::assemble(source, &mut diagnostics).expect("the site assembles");
    let folders = std::mem::take(&mut site.folders);
    let separated = visibility::separate(site.clone(), &mut diagnostics);
    let glossary = Glossary::from_site(&separated.public);
    let passes = folder::read_all(root, &folders.iter().collect::<Vec<_>>())
        .into_iter()
        .map(|read| {
            let read = read.expect("the folder can be read");
            folder::first_pass(
                &separated.public.config().language,
                glossary.as_ref(),
                read,
                false,
                false,
            )
            .0
        })
        .collect();
    (site, passes)
}

/// Fails with the first place two long texts differ, not both texts whole.
fn same(what: &str, before: &str, after: &str) {
    if before == after {
        return;
    }
    let at = before
        .bytes()
        .zip(after.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(before.len().min(after.len()));
    let near = |s: &str| {
        let bytes = &s.as_bytes()[at.saturating_sub(80)..(at + 80).min(s.len())];
        String::from_utf8_lossy(bytes).into_owned()
    };
    panic!(
        "{what} differs after a round trip, at byte {at}:\n before: {:?}\n  after: {:?}",
        near(before),
        near(after)
    );
}

/// Freezes and thaws a value, checking the thawed one prints the same and
/// freezes to the same bytes (only for values without hash maps, whose
/// bytes follow their iteration order).
fn round_trip<T>(what: &str, value: &T) -> T
where
    T: plainsight::visibility::Frozen + std::fmt::Debug,
{
    let thawed: T = through_cache(value).unwrap_or_else(|| panic!("{what} does not thaw"));
    same(what, &format!("{value:?}"), &format!("{thawed:?}"));
    thawed
}

fn same_bytes<T: serde::Serialize>(what: &str, before: &T, after: &T) {
    assert!(
        freeze(before) == freeze(after),
        "{what} freezes to other bytes after a round trip"
    );
}

/// Each pass frozen and thawed, checked part by part.
fn thaw_all(passes: &[FirstPass]) -> Vec<FirstPass> {
    passes
        .iter()
        .map(|pass| {
            let what = pass
                .number
                .as_deref()
                .unwrap_or("a folder without a number");
            let thawed = round_trip(what, pass);
            assert_eq!(thawed.digest, pass.digest);
            assert_eq!(thawed.number, pass.number);
            same_bytes(what, &pass.diagnostics, &thawed.diagnostics);
            assert_eq!(thawed.decision.is_some(), pass.decision.is_some());
            if let (Some(a), Some(b)) = (&pass.decision, &thawed.decision) {
                same_bytes(what, &a.listing, &b.listing);
                same_bytes(what, &a.report, &b.report);
                same_bytes(what, &a.language, &b.language);
                same_bytes(what, &a.sources, &b.sources);
                same_bytes(what, &a.related, &b.related);
                same(what, &format!("{:?}", a.prints), &format!("{:?}", b.prints));
            }
            thawed
        })
        .collect()
}

/// What the rest of a build makes of pass 1's results, printed, with the
/// fingerprints and the personal-data guard.
struct Rest {
    printed: String,
    fingerprints: Fingerprints,
    guard: Guard,
    /// The withheld items' source files.
    exempt_sources: Vec<String>,
}

fn rest_of_build(root: &Path, site: &Site, passes: Vec<FirstPass>) -> Rest {
    let mut diagnostics = Diagnostics::default();
    let mut separated = visibility::separate(site.clone(), &mut diagnostics);
    let (mut parts, mut facts) = (Vec::new(), Vec::new());
    for pass in passes {
        diagnostics.extend(pass.diagnostics);
        let Some(kept) = pass.decision else {
            continue;
        };
        parts.push(kept.language);
        facts.extend(kept.sources);
        separated.add_decision(kept.listing, kept.report, kept.prints);
    }
    let (public, report, fingerprints) = separated.finish(&mut diagnostics);
    let language = language::analyse(&public, parts, false, &mut diagnostics);
    let read = source::read(root, &mut Diagnostics::default()).expect("the site can be read");
    let guard = Guard::new(
        &source::site_texts(&read),
        &public,
        facts,
        false,
        &mut diagnostics,
    );
    let exempt_sources = report.items.iter().map(|i| i.source.clone()).collect();
    Rest {
        printed: format!(
            "{public:#?}\n{report:#?}\n{language:#?}\n{:#?}\n{:?}",
            diagnostics.into_sorted(),
            fingerprints.counts()
        ),
        fingerprints,
        guard,
        exempt_sources,
    }
}

/// Pass 1 of the site at `root`, thawed, builds the same as before.
fn check_site(root: &Path) -> (Rest, Rest) {
    let (site, passes) = pass_one(root);
    assert!(!passes.is_empty(), "{} has no decisions", root.display());
    let thawed = thaw_all(&passes);
    let before = rest_of_build(root, &site, passes);
    let after = rest_of_build(root, &site, thawed);
    same("the rest of the build", &before.printed, &after.printed);
    // Both fingerprints find the same exempt text in the exempt sources.
    let mut leaks = 0;
    for path in &before.exempt_sources {
        let bytes = std::fs::read(root.join(path)).unwrap();
        let found = before.fingerprints.scan("out.html", &bytes);
        assert_eq!(found, after.fingerprints.scan("out.html", &bytes), "{path}");
        leaks += found.len();
    }
    if !before.exempt_sources.is_empty() {
        assert!(leaks > 0, "no exempt source was found in itself");
    }
    (before, after)
}

/// The example site with `count` more decisions made from 22/00073 (a
/// record, a report, an EqIA and an exempt appendix), numbered 23/00001 on.
/// Every other one has what the personal-data guard notes in its sources:
/// a small count of people, personal data, and a value allowed in place.
fn example_with_more(count: u32) -> tempfile::TempDir {
    let site = example();
    let from = site.path().join("content/decisions/22-00073");
    for i in 1..=count {
        let dir = site.path().join(format!("content/decisions/23-{i:05}"));
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&from).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap();
            let mut text = std::fs::read_to_string(&path)
                .unwrap()
                .replace("22/00073", &format!("23/{i:05}"))
                .replace(
                    "Dynamic Purchasing System",
                    &format!("purchasing system {i}"),
                );
            if i % 2 == 0 && name == "appendix-2-eqia.md" {
                text.push_str("\nAt the moment 3 residents wait for a place.\n");
            }
            if i % 2 == 0 && name == "report.md" {
                text = text.replacen(
                    "+++\nkind = \"report\"\n",
                    "+++\nkind = \"report\"\npersonal_data_ok = [\"01632 960 001\"]\n",
                    1,
                );
                text.push_str("\nCall 01632 960 001 or write to a.person@example.org.\n");
            }
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
    site
}

#[test]
fn pass_one_of_the_example_site_thaws_to_the_same_build() {
    check_site(&repo());
}

#[test]
fn pass_one_of_generated_decisions_thaws_to_the_same_build() {
    let site = example_with_more(20);
    // What the round trip is checked on: every folder usable, and the guard's
    // notes of every kind.
    let (_, passes) = pass_one(site.path());
    assert_eq!(passes.len(), 22);
    assert!(passes.iter().all(|p| p.decision.is_some()));
    let printed = format!("{passes:?}");
    for noted in ["small_counts: [Position", "Phone", "Email", "ok: {\""] {
        assert!(printed.contains(noted), "pass 1 noted no {noted}");
    }
    check_site(site.path());
}

#[test]
fn pass_one_of_the_minimal_fixture_thaws_to_the_same_build() {
    // Attachments, published and withheld, and exempt data columns.
    let site = fixture("minimal");
    check_site(site.path());
}

/// Each invalid fixture (tests/invalid/NAME: `site/` laid over a copy of
/// the minimal fixture, after deleting the paths listed in `remove`).
fn invalid_sites() -> Vec<tempfile::TempDir> {
    let mut cases: Vec<_> = std::fs::read_dir(repo().join("tests/invalid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    cases
        .iter()
        .map(|case| {
            let site = fixture("minimal");
            if let Ok(remove) = std::fs::read_to_string(case.join("remove")) {
                for path in remove.lines().filter(|l| !l.trim().is_empty()) {
                    std::fs::remove_file(site.path().join(path)).unwrap();
                }
            }
            if case.join("site").exists() {
                copy_dir(&case.join("site"), site.path());
            }
            site
        })
        .collect()
}

#[test]
fn pass_one_of_folders_with_errors_thaws_the_same() {
    // Folders that pass 1 could not separate keep only their diagnostics.
    let (mut unusable, mut with_errors) = (0, 0);
    for site in invalid_sites() {
        let root = site.path();
        let mut diagnostics = Diagnostics::default();
        let Ok(source) = source::read(root, &mut diagnostics) else {
            continue;
        };
        if site::assemble(source, &mut diagnostics).is_none() {
            continue;
        }
        let (_, passes) = pass_one(root);
        unusable += passes.iter().filter(|p| p.decision.is_none()).count();
        with_errors += passes.iter().filter(|p| p.diagnostics.has_errors()).count();
        thaw_all(&passes);
    }
    assert!(
        unusable > 5,
        "only {unusable} folders could not be separated"
    );
    assert!(with_errors > 10, "only {with_errors} folders had errors");
}

#[test]
fn diagnostics_thaw_the_same() {
    let mut count = 0;
    for site in invalid_sites() {
        let outcome = plainsight::check(site.path()).expect("no internal error");
        let mut diagnostics = Diagnostics::default();
        for d in &outcome.diagnostics {
            diagnostics.push(d.clone());
        }
        count += outcome.diagnostics.len();
        let thawed = round_trip("diagnostics", &diagnostics);
        same_bytes("diagnostics", &diagnostics, &thawed);
        let sorted: Vec<Diagnostic> = thawed.into_sorted();
        assert_eq!(sorted, outcome.diagnostics);
    }
    assert!(count > 50, "only {count} diagnostics");
}

#[test]
fn file_findings_thaw_the_same_and_conclude_the_same() {
    let site = example();
    let output = site.path().join("out");
    assert_ok(&build_into(site.path(), &output));
    let (before, after) = check_site(site.path());
    let mut files: Vec<(String, Vec<u8>)> = files(&output).into_iter().collect();
    // What the example does not publish: personal data, a PDF with its
    // information fields, an image with metadata, a broken gzip file.
    files.push((
        "decisions/x/index.html".into(),
        b"<p>NHS number 943 476 5919, call 01632 960 001 or write to a.person@example.org</p>"
            .to_vec(),
    ));
    files.push((
        "decisions/x/paper.pdf".into(),
        b"%PDF-1.4\n1 0 obj\n<< /Author (A Person) /Title (Award report FINAL) >>\nendobj\ntrailer\n<< /Info 1 0 R >>\n%%EOF\n".to_vec(),
    ));
    files.push((
        "decisions/x/photo.png".into(),
        std::fs::read(repo().join(
            "tests/invalid/image-that-cannot-be-cleaned/site/content/decisions/24-00001/photo.png",
        ))
        .unwrap(),
    ));
    files.push(("search.json.gz".into(), b"\x1f\x8b not gzip".to_vec()));
    let findings: Vec<FileFindings> = files
        .iter()
        .map(|(path, bytes)| before.guard.inspect(path, bytes))
        .collect();
    let printed = format!("{findings:?}");
    for expected in [
        "NhsNumber",
        "Award report FINAL",
        "unreadable: Some",
        "image: true",
    ] {
        assert!(printed.contains(expected), "no {expected} in the findings");
    }
    let thawed = round_trip("file findings", &findings);
    same_bytes("file findings", &findings, &thawed);
    let conclude = |guard: &Guard, findings: Vec<FileFindings>| {
        let mut diagnostics = Diagnostics::default();
        let summary = guard.conclude(findings, "public", &mut diagnostics);
        format!("{summary:#?}\n{:#?}", diagnostics.into_sorted())
    };
    same(
        "the guard's conclusion",
        &conclude(&before.guard, findings),
        &conclude(&after.guard, thawed),
    );
}

/// One of each sealed type, from the example site's public model.
struct Sealed {
    decision: PublicDecision,
    markdown: Markdown,
    paper: PublishedPaper,
    file: PublishedFile,
    notice: WithheldNotice,
}

fn sealed_values() -> Sealed {
    let mut diagnostics = Diagnostics::default();
    let public = plainsight::public_model(&repo(), &mut diagnostics)
        .unwrap()
        .expect("the example site has no errors");
    let decision = public.decisions()[1].clone();
    let papers = || decision.papers().iter();
    let paper = papers()
        .find_map(|p| match p {
            PublicPaper::Published(p) => Some(p.as_ref().clone()),
            PublicPaper::Withheld(_) => None,
        })
        .expect("a published paper");
    let notice = papers()
        .find_map(|p| match p {
            PublicPaper::Withheld(n) => Some(n.as_ref().clone()),
            PublicPaper::Published(_) => None,
        })
        .expect("a withheld paper");
    let file = fixture_file();
    Sealed {
        markdown: decision.body().clone(),
        decision,
        paper,
        file,
        notice,
    }
}

/// A published attachment, from the minimal fixture.
fn fixture_file() -> PublishedFile {
    let site = fixture("minimal");
    let mut diagnostics = Diagnostics::default();
    let public = plainsight::public_model(site.path(), &mut diagnostics)
        .unwrap()
        .expect("the minimal fixture has no errors");
    public
        .decisions()
        .iter()
        .flat_map(|d| d.papers())
        .filter_map(|p| match p {
            PublicPaper::Published(p) => Some(p.attachments()),
            PublicPaper::Withheld(_) => None,
        })
        .flatten()
        .find_map(|a| match a {
            PublicAttachment::Published(f) => Some(f.clone()),
            PublicAttachment::Withheld(_) => None,
        })
        .expect("a published attachment")
}

/// Thaw reads it back; postcard called directly does not, nor JSON (when
/// `json`: see [`public_types_are_read_back_only_by_thaw`]).
fn only_thaw_reads<T>(what: &str, value: &T, json: bool)
where
    T: plainsight::visibility::Frozen + std::fmt::Debug,
{
    let bytes = freeze(value);
    let thawed: T = through_cache(value).unwrap_or_else(|| panic!("{what} does not thaw"));
    same(what, &format!("{value:?}"), &format!("{thawed:?}"));
    let direct = postcard::from_bytes::<T>(&bytes).expect_err(what);
    assert!(
        direct.to_string().contains("Serde Deserialization Error"),
        "{what}: {direct}"
    );
    if !json {
        return;
    }
    // JSON as the value writes it, with the seal (which is never written) added.
    let mut json = serde_json::to_value(value).unwrap();
    json.as_object_mut()
        .unwrap()
        .insert("_sealed".into(), serde_json::Value::Null);
    let error = serde_json::from_value::<T>(json).expect_err(what);
    assert!(
        error.to_string().contains("visibility::thaw"),
        "{what} was refused for another reason: {error}"
    );
}

#[test]
fn public_types_are_read_back_only_by_thaw() {
    let sealed = sealed_values();
    only_thaw_reads("a withheld notice", &sealed.notice, true);
    only_thaw_reads("Markdown", &sealed.markdown, true);
    only_thaw_reads("a published file", &sealed.file, true);
    // JSON cannot read these for another reason first (front matter reads
    // dates from TOML, and their Markdown is sealed too): postcard shows
    // the seal refusing them, since thaw reads the same bytes and differs
    // from it only in opening the seal.
    assert!(sealed.decision.is_complete());
    only_thaw_reads("a complete decision", &sealed.decision, false);
    only_thaw_reads("a published paper", &sealed.paper, false);
    // A thaw does not leave the seal open behind it.
    let notice = freeze(&sealed.notice);
    assert!(through_cache(&sealed.notice).is_some());
    assert!(postcard::from_bytes::<WithheldNotice>(&notice).is_err());
    // Nor does a thaw on another thread open it on this one.
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for _ in 0..200 {
                assert!(through_cache(&sealed.notice).is_some());
            }
        });
        for _ in 0..200 {
            assert!(postcard::from_bytes::<WithheldNotice>(&notice).is_err());
        }
    });
    // A block of text is sealed too: no module but visibility makes one.
    let text = sealed.markdown.blocks()[0].clone();
    assert!(matches!(text, Block::Text(_)));
    assert!(postcard::from_bytes::<Block>(&freeze(&text)).is_err());
    assert!(through_cache(&text).is_some());
}
