//! The build cache: a rebuild does only what changed, and its output is
//! byte-identical to a clean build's, whatever changed. Every test compares
//! the rebuilt site with a clean build of the same content (no cache).

mod common;

use std::path::{Path, PathBuf};

use common::*;
use plainsight::{Options, Outcome, Reuse};

/// Builds `root` into `root/public` with the cache in `root/.plainsight-cache`.
fn rebuild(root: &Path) -> Outcome {
    plainsight::build(&Options::for_root(root)).expect("no internal error")
}

/// A clean build of `root` (no cache, fresh output folder); its files.
fn clean(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let mut options = Options::for_root(root);
    options.output = out.path().join("public");
    options.report_dir = out.path().join("reports");
    options.cache_dir = None;
    let outcome = plainsight::build(&options).expect("no internal error");
    assert_ok(&outcome);
    files(&options.output)
}

fn reuse(outcome: &Outcome) -> Reuse {
    outcome.reuse.expect("the build made pages")
}

/// Asserts that the site's output (public/) is what a clean build makes.
#[track_caller]
fn assert_same_as_clean(root: &Path) {
    let rebuilt = files(&root.join("public"));
    let fresh = clean(root);
    let only = |a: &std::collections::BTreeMap<String, Vec<u8>>,
                b: &std::collections::BTreeMap<String, Vec<u8>>| {
        a.keys()
            .filter(|k| !b.contains_key(*k))
            .cloned()
            .collect::<Vec<_>>()
    };
    let differ: Vec<&String> = rebuilt
        .iter()
        .filter(|(k, v)| fresh.get(*k).is_some_and(|w| w != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        rebuilt == fresh,
        "the rebuilt site differs from a clean build: only rebuilt {:?}, only clean {:?}, different {:?}",
        only(&rebuilt, &fresh),
        only(&fresh, &rebuilt),
        differ
    );
}

fn edit(root: &Path, path: &str, from: &str, to: &str) {
    let file = root.join(path);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(from), "{path} has no {from:?}");
    std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
}

fn append(root: &Path, path: &str, text: &str) {
    let file = root.join(path);
    let mut all = std::fs::read_to_string(&file).unwrap();
    all.push_str(text);
    std::fs::write(&file, all).unwrap();
}

const ONE: &str = "content/decisions/24-00001";
const TWO: &str = "content/decisions/24-00002";

#[test]
fn a_rebuild_after_editing_one_body_reuses_the_rest_and_matches_a_clean_build() {
    let site = fixture("minimal");
    let first = rebuild(site.path());
    assert_ok(&first);
    let r = reuse(&first);
    assert_eq!(
        (r.units, r.in_place),
        (0, false),
        "nothing to reuse the first time"
    );
    append(
        site.path(),
        &format!("{TWO}/decision.md"),
        "\nThe new stops start in the spring.\n",
    );
    let second = rebuild(site.path());
    assert_ok(&second);
    let r = reuse(&second);
    assert!(r.in_place, "{r:?}");
    // The other decision and the site-wide pages (no listing changed) are reused.
    assert_eq!(r.units, r.of_units() - 1, "{r:?}");
    assert_eq!(r.decisions_read, 1, "{r:?}");
    assert_same_as_clean(site.path());
    assert!(
        text(&site.path().join("public"), "decisions/24-00002/index.html")
            .contains("The new stops start in the spring.")
    );
    // The warnings are the same as a clean build's, reused or not.
    let mut options = Options::for_root(site.path());
    options.cache_dir = None;
    let fresh = plainsight::check_with(&options).unwrap();
    assert_eq!(fresh.diagnostics, second.diagnostics);
    // And once more with nothing changed: everything is reused.
    let third = rebuild(site.path());
    assert_eq!(reuse(&third).units, reuse(&third).of_units());
    assert_eq!(third.diagnostics, second.diagnostics);
    assert_same_as_clean(site.path());
}

#[test]
fn a_changed_title_changes_the_pages_of_related_decisions_and_the_register() {
    let site = fixture("minimal");
    assert_ok(&rebuild(site.path()));
    // 24/00002 lists 24/00001 as related, so both pages show 24/00002's title.
    edit(
        site.path(),
        &format!("{TWO}/decision.md"),
        "title = \"Opening a new mobile library route\"",
        "title = \"Opening a longer mobile library route\"",
    );
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    // Reused: the search page with the index of what is not a decision
    // (the decisions are indexed in parts of their own), the two downloads
    // of the documents (which show no decision's title), and the register's
    // pages that do not list 24/00002 (its facets' pages of values, the
    // other decision's groups): 7 of its 13 pages. The forward plan's feed
    // and calendar, which list 24/00002, are made again.
    let made = reuse(&outcome);
    assert_eq!(made.units, 10, "{made:?}");
    assert!(!made.made_again.search, "{made:?}");
    assert_eq!(made.made_again.downloads, 2, "{made:?}");
    // The whole register, and its year, status, division, decision maker
    // and key decisions.
    assert_eq!(made.made_again.register, 6, "{made:?}");
    assert_same_as_clean(site.path());
    let out = site.path().join("public");
    assert!(
        text(&out, "decisions/24-00001/index.html")
            .contains("Opening a longer mobile library route")
    );
    assert!(text(&out, "decisions/index.html").contains("Opening a longer mobile library route"));
}

#[test]
fn changed_exempt_text_rechecks_every_page() {
    let site = fixture("minimal");
    assert_ok(&rebuild(site.path()));
    edit(
        site.path(),
        &format!("{ONE}/appendix-1.md"),
        "won the contract on price",
        "won the contract on price and on quality",
    );
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    // Every page is scanned against the new fingerprints.
    assert_eq!(reuse(&outcome).units, 0);
    assert_same_as_clean(site.path());
}

#[test]
fn exempt_text_that_an_unchanged_page_already_quotes_is_caught() {
    // The cache must not hide a leak: 24/00002 is unchanged and its pages
    // were built; then an exempt appendix elsewhere gains a sentence that
    // 24/00002 already publishes. The build must refuse.
    let site = fixture("minimal");
    let sentence = "The villages on the new route were chosen after a survey of every parish council in the district last winter.";
    append(
        site.path(),
        &format!("{TWO}/decision.md"),
        &format!("\n{sentence}\n"),
    );
    assert_ok(&rebuild(site.path()));
    let before = files(&site.path().join("public"));
    append(
        site.path(),
        &format!("{ONE}/appendix-1.md"),
        &format!("\n{sentence}\n"),
    );
    let outcome = rebuild(site.path());
    assert!(outcome.has_errors(), "the leak was not caught");
    assert!(
        outcome
            .diagnostics
            .iter()
            .any(|d| d.file.starts_with(TWO) && d.message.contains("exempt")),
        "{}",
        printed(&outcome)
    );
    // Nothing was published: the last good site is as it was.
    assert!(files(&site.path().join("public")) == before);
    // And the refusal does not depend on the cache.
    let mut options = Options::for_root(site.path());
    options.cache_dir = None;
    assert!(plainsight::check_with(&options).unwrap().has_errors());
}

#[test]
fn a_template_or_site_toml_change_rebuilds_everything() {
    let site = fixture("minimal");
    assert_ok(&rebuild(site.path()));
    edit(site.path(), "site.toml", "title = \"", "title = \"The ");
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    let r = reuse(&outcome);
    assert_eq!((r.units, r.decisions_read), (0, 0), "{r:?}");
    assert_same_as_clean(site.path());

    let templates = site.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let base = plainsight::templates::builtin_templates()
        .iter()
        .find(|(n, _)| *n == "base.html")
        .unwrap()
        .1;
    std::fs::write(
        templates.join("base.html"),
        base.replacen(
            "</footer>",
            "<p>Printed copies are at every library.</p></footer>",
            1,
        ),
    )
    .unwrap();
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    assert_eq!(reuse(&outcome).units, 0);
    assert_same_as_clean(site.path());
    assert!(
        text(&site.path().join("public"), "decisions/24-00001/index.html")
            .contains("Printed copies are at every library.")
    );
}

/// `[listing]` is in every page's key (through site.toml's text): a new
/// navigation label or address reaches every page, decisions' own pages
/// kept from the last build among them, and the old address is gone.
#[test]
fn a_changed_listing_name_or_address_rebuilds_every_page() {
    let site = fixture("minimal");
    assert_ok(&rebuild(site.path()));
    assert!(site.path().join("public/providers/index.html").exists());
    append(
        site.path(),
        "site.toml",
        "\n[listing]\npath = \"library-services\"\nnav = \"Services\"\n",
    );
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    assert_eq!(reuse(&outcome).units, 0);
    assert_same_as_clean(site.path());
    let public = site.path().join("public");
    assert!(!public.join("providers").exists());
    assert!(
        text(&public, "decisions/24-00001/index.html")
            .contains("<a href=\"../../library-services/\">Services</a>")
    );
}

#[test]
fn a_removed_decision_leaves_nothing_behind() {
    let site = fixture("minimal");
    assert_ok(&rebuild(site.path()));
    assert!(
        site.path()
            .join("public/decisions/24-00002/index.html")
            .exists()
    );
    // 24/00001 does not refer to 24/00002, so it can go.
    std::fs::remove_dir_all(site.path().join(TWO)).unwrap();
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    assert!(reuse(&outcome).in_place);
    assert!(!site.path().join("public/decisions/24-00002").exists());
    assert_same_as_clean(site.path());
}

#[test]
fn a_hand_edited_or_added_output_file_means_writing_the_output_afresh() {
    let site = fixture("minimal");
    assert_ok(&rebuild(site.path()));
    let out = site.path().join("public");
    // Edited by hand (with the same length, so only its stamp tells).
    let page = out.join("decisions/24-00002/index.html");
    let bytes = std::fs::read(&page).unwrap();
    let mut edited = bytes.clone();
    let i = edited.iter().position(|b| *b == b'<').unwrap();
    edited[i + 1] = b'x';
    std::fs::write(&page, &edited).unwrap();
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    assert!(!reuse(&outcome).in_place);
    assert_eq!(std::fs::read(&page).unwrap(), bytes);
    assert_same_as_clean(site.path());

    // Files dropped into the output, in a folder of the site's and of
    // their own: plainsight did not write them, so it does not delete them
    // (writing the folder afresh would), and says so.
    std::fs::write(out.join("decisions/24-00001/secret.pdf"), "not ours").unwrap();
    std::fs::write(out.join("CNAME"), "decisions.example.org").unwrap();
    std::fs::create_dir(out.join("uploads")).unwrap();
    std::fs::write(out.join("uploads/mine.pdf"), "mine").unwrap();
    let before = files(&out);
    let refused = plainsight::build(&Options::for_root(site.path()));
    let Err(plainsight::Error::Write(e)) = refused else {
        panic!("files plainsight did not write were not refused: {refused:?}");
    };
    let said = e.to_string();
    for name in ["CNAME", "uploads", "decisions/24-00001/secret.pdf"] {
        assert!(said.contains(name), "{said}");
    }
    assert!(files(&out) == before, "the output folder changed");
    for name in ["CNAME", "uploads/mine.pdf", "decisions/24-00001/secret.pdf"] {
        std::fs::remove_file(out.join(name)).unwrap();
    }
    std::fs::remove_dir(out.join("uploads")).unwrap();
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    assert_same_as_clean(site.path());

    // A file taken away.
    std::fs::remove_file(out.join("decisions/24-00001/index.html")).unwrap();
    let outcome = rebuild(site.path());
    assert!(!reuse(&outcome).in_place);
    assert_same_as_clean(site.path());
}

/// A marker written or edited by hand claims nothing: a file plainsight
/// did not write is never deleted, whatever the marker says of it. A file
/// the last build wrote and this one does not is deleted only when it
/// holds the bytes the marker gives the hash of.
#[test]
fn a_forged_marker_deletes_nothing_plainsight_did_not_write() {
    let site = fixture("minimal");
    let out = site.path().join("public");
    let no_cache = || Options {
        cache_dir: None,
        ..Options::for_root(site.path())
    };
    assert_ok(&plainsight::build(&no_cache()).unwrap());
    let marker = out.join(plainsight::output::MARKER);
    let written = std::fs::read_to_string(&marker).unwrap();
    let first_line = written.lines().next().unwrap().to_string();
    // (Those that list nothing of the site name its files first.)
    for (forged, names_it) in [
        (format!("{first_line}\n"), false),
        (format!("{written}notes.txt\n"), false),
        (format!("{written}{}  notes.txt\n", "0".repeat(32)), true),
        (format!("{first_line}\nFiles it wrote:\nnotes.txt\n"), false),
    ] {
        std::fs::write(out.join("notes.txt"), "the council's own notes").unwrap();
        std::fs::write(&marker, &forged).unwrap();
        let before = files(&out);
        let refused = plainsight::build(&no_cache());
        let Err(plainsight::Error::Write(e)) = refused else {
            panic!("a forged marker let a build go on: {forged:?}: {refused:?}");
        };
        assert!(e.to_string().contains("notes.txt") || !names_it, "{e}");
        assert!(
            files(&out) == before,
            "the output folder changed: {forged:?}"
        );
        std::fs::remove_file(out.join("notes.txt")).unwrap();
        std::fs::write(&marker, &written).unwrap();
    }

    // A decision taken away: its pages, as plainsight wrote them, go.
    let gone = site.path().join("content/decisions/24-00002");
    assert!(gone.is_dir());
    std::fs::remove_dir_all(&gone).unwrap();
    assert_ok(&plainsight::build(&no_cache()).unwrap());
    assert!(!out.join("decisions/24-00002").exists());
    // ... but not one changed since, which is no longer plainsight's.
    assert_ok(&plainsight::build(&no_cache()).unwrap());
    let page = out.join("decisions/24-00001/index.html");
    let mine = "<p>changed by hand</p>";
    std::fs::write(&page, mine).unwrap();
    std::fs::remove_dir_all(site.path().join("content/decisions/24-00001")).unwrap();
    let refused = plainsight::build(&no_cache());
    let Err(plainsight::Error::Write(e)) = refused else {
        panic!("a changed file of a decision taken away was deleted: {refused:?}");
    };
    assert!(
        e.to_string().contains("decisions/24-00001/index.html"),
        "{e}"
    );
    assert_eq!(std::fs::read_to_string(&page).unwrap(), mine);
}

/// The marker is in the output folder, so it is published too: text
/// written into it by hand goes at the next build, in place or afresh.
#[test]
fn a_hand_edited_marker_is_written_again() {
    let site = fixture("minimal");
    assert_ok(&rebuild(site.path()));
    let marker = site.path().join("public").join(plainsight::output::MARKER);
    let written = std::fs::read(&marker).unwrap();
    overwrite_keeping_stamp(&marker, "Contact jane.smith@example.com, NHS 943 476 5919");
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    assert_eq!(std::fs::read(&marker).unwrap(), written);
    assert_same_as_clean(site.path());
}

#[test]
fn an_unfinished_update_means_writing_the_output_afresh() {
    let site = fixture("minimal");
    assert_ok(&rebuild(site.path()));
    // As if a build had stopped while changing the output folder.
    std::fs::write(site.path().join(".plainsight-cache/journal"), "").unwrap();
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    assert!(!reuse(&outcome).in_place);
    assert!(!site.path().join(".plainsight-cache/journal").exists());
    assert_same_as_clean(site.path());
    assert!(reuse(&rebuild(site.path())).in_place);
}

#[test]
fn a_damaged_or_foreign_cache_is_ignored() {
    let site = fixture("minimal");
    assert_ok(&rebuild(site.path()));
    let cache = site.path().join(".plainsight-cache");
    for name in ["folders", "units", "output"] {
        let path = cache.join(name);
        let mut bytes = std::fs::read(&path).unwrap();
        // Flip bytes in the middle of the records.
        let n = bytes.len();
        for b in &mut bytes[n / 2..(n / 2 + 16).min(n)] {
            *b ^= 0x5a;
        }
        std::fs::write(&path, bytes).unwrap();
    }
    append(
        site.path(),
        &format!("{TWO}/decision.md"),
        "\nOne more sentence here.\n",
    );
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    assert_same_as_clean(site.path());
}

#[test]
fn unchanged_folders_are_not_read_again() {
    let site = fixture("minimal");
    // Stamps are trusted only for files that did not change just now.
    std::thread::sleep(plainsight::source::RACY + std::time::Duration::from_millis(1500));
    assert_ok(&rebuild(site.path()));
    append(
        site.path(),
        &format!("{TWO}/decision.md"),
        "\nA sentence.\n",
    );
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    // 24/00001 came from the cache without being read; 24/00002 was read.
    let r = reuse(&outcome);
    assert_eq!(r.decisions_read, 1, "{r:?}");
    assert_same_as_clean(site.path());
}

#[test]
fn check_uses_the_cache_and_finds_the_same() {
    let site = example();
    assert_ok(&rebuild(site.path()));
    let cached = plainsight::check(site.path()).unwrap();
    assert_eq!(reuse(&cached).units, reuse(&cached).of_units());
    let mut options = Options::for_root(site.path());
    options.cache_dir = None;
    let fresh = plainsight::check_with(&options).unwrap();
    assert_eq!(cached.diagnostics, fresh.diagnostics);
    assert_eq!(
        cached.report.as_ref().map(|r| r.items.len()),
        fresh.report.as_ref().map(|r| r.items.len())
    );
    assert_eq!(
        format!("{:?}", cached.language),
        format!("{:?}", fresh.language)
    );
}

#[test]
fn the_cache_cannot_live_in_the_output() {
    let site = fixture("minimal");
    let mut options = Options::for_root(site.path());
    options.cache_dir = Some(site.path().join("public/.cache"));
    let error = plainsight::build(&options).unwrap_err();
    assert!(
        error.to_string().contains("outside the output folder"),
        "{error}"
    );
    let _: PathBuf = options.output;
}

#[test]
fn the_example_site_rebuilds_identically_after_each_kind_of_edit() {
    let site = example();
    assert_ok(&rebuild(site.path()));
    // A body, then an EqIA, then a page, then a dataset row.
    append(
        site.path(),
        "content/decisions/22-00073/report.md",
        "\nWe will report back in a year.\n",
    );
    assert_ok(&rebuild(site.path()));
    assert_same_as_clean(site.path());
    append(
        site.path(),
        "content/decisions/22-00073/appendix-2-eqia.md",
        "\nWe will look at this assessment again in a year.\n",
    );
    assert_ok(&rebuild(site.path()));
    assert_same_as_clean(site.path());
    let pages = site.path().join("content/pages");
    let page = std::fs::read_dir(&pages)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let page = page
        .strip_prefix(site.path())
        .unwrap()
        .to_string_lossy()
        .into_owned();
    append(site.path(), &page, "\nThis page was checked this month.\n");
    assert_ok(&rebuild(site.path()));
    assert_same_as_clean(site.path());
}

/// Overwrites `text` at the middle of an output file with `with` (as long),
/// in place, and gives the file back its modification and access times:
/// its size, times and inode are as the build left them.
fn overwrite_keeping_stamp(file: &Path, with: &str) {
    let meta = std::fs::metadata(file).unwrap();
    let mut bytes = std::fs::read(file).unwrap();
    let at = bytes.len() / 2;
    bytes[at..at + with.len()].copy_from_slice(with.as_bytes());
    let handle = std::fs::OpenOptions::new().write(true).open(file).unwrap();
    std::io::Write::write_all(&mut &handle, &bytes).unwrap();
    let times = std::fs::FileTimes::new()
        .set_modified(meta.modified().unwrap())
        .set_accessed(meta.accessed().unwrap());
    handle.set_times(times).unwrap();
    drop(handle);
    let after = std::fs::metadata(file).unwrap();
    assert_eq!(after.len(), meta.len());
    assert_eq!(after.modified().unwrap(), meta.modified().unwrap());
}

/// A sentence of exempt text, for planting.
const MARKER: &str = "Zephyrine Halvorsen bid seventeen pounds an hour for the whole service.";

/// The minimal site with `exempt` added to its exempt appendix, built.
fn built_with_exempt(exempt: &str) -> tempfile::TempDir {
    let site = fixture("minimal");
    append(
        site.path(),
        &format!("{ONE}/appendix-1.md"),
        &format!("\n{exempt}\n"),
    );
    assert_ok(&rebuild(site.path()));
    site
}

#[test]
fn an_output_file_changed_with_its_stamp_kept_is_judged_from_its_bytes() {
    let site = built_with_exempt(MARKER);
    let out = site.path().join("public");
    // Exempt text put into a published page (as `touch -r` would leave it).
    let page = "decisions/24-00002/index.html";
    overwrite_keeping_stamp(&out.join(page), MARKER);
    let tampered = files(&out);
    let outcome = rebuild(site.path());
    assert!(outcome.has_errors(), "the changed page passed");
    let found = outcome
        .diagnostics
        .iter()
        .find(|d| d.message.contains(page) && d.message.contains("changed after"))
        .unwrap_or_else(|| panic!("no error names {page}:\n{}", printed(&outcome)));
    assert!(found.file.starts_with(ONE), "{found:?}");
    assert!(!printed(&outcome).contains("Zephyrine"));
    // Nothing was published, and the next build says so again.
    assert!(files(&out) == tampered);
    assert!(rebuild(site.path()).has_errors());
    // Written afresh, the site is as a clean build makes it.
    std::fs::remove_dir_all(&out).unwrap();
    assert_ok(&rebuild(site.path()));
    assert!(files_containing(&files(&out), "Zephyrine").is_empty());
    assert_same_as_clean(site.path());

    // A change that publishes nothing exempt is judged again and written over.
    for page in [page, "index.html", "sitemap.xml"] {
        overwrite_keeping_stamp(&out.join(page), "hand-edited");
    }
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    assert!(reuse(&outcome).in_place);
    assert!(reuse(&outcome).units < reuse(&outcome).of_units());
    assert_same_as_clean(site.path());
    // Then, untouched, everything is reused again.
    let outcome = rebuild(site.path());
    assert_eq!(reuse(&outcome).units, reuse(&outcome).of_units());
}

#[test]
fn a_site_wide_file_changed_with_its_stamp_kept_is_judged_when_no_decision_changed() {
    // With no decision's listing changed, the site-wide units are reused
    // without their keys worked out; a unit whose file is not as written
    // is not reused, and the file is judged from its bytes: a register
    // page, a download of its own, the forward plan's page and a download
    // of the other pages.
    for file in [
        "decisions/index.html",
        "data/documents.csv",
        "forward-plan/index.html",
        "data/decisions.json",
    ] {
        let site = built_with_exempt(MARKER);
        let out = site.path().join("public");
        overwrite_keeping_stamp(&out.join(file), MARKER);
        let tampered = files(&out);
        let outcome = rebuild(site.path());
        assert!(outcome.has_errors(), "{file}: the changed file passed");
        assert!(
            outcome.diagnostics.iter().any(|d| d.message.contains(file)),
            "no error names {file}:\n{}",
            printed(&outcome)
        );
        assert!(!printed(&outcome).contains("Zephyrine"), "{file}");
        assert!(files(&out) == tampered, "{file}: something was published");
        // A change that publishes nothing exempt is written over.
        std::fs::remove_dir_all(&out).unwrap();
        assert_ok(&rebuild(site.path()));
        overwrite_keeping_stamp(&out.join(file), "hand-edited");
        let outcome = rebuild(site.path());
        assert_ok(&outcome);
        assert!(reuse(&outcome).units < reuse(&outcome).of_units(), "{file}");
        assert_same_as_clean(site.path());
    }
}

#[test]
fn a_cache_record_changed_or_cut_short_is_judged_again() {
    let site = fixture("minimal");
    assert_ok(&rebuild(site.path()));
    let cache = site.path().join(".plainsight-cache");
    let shards = || -> Vec<PathBuf> {
        std::fs::read_dir(&cache)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("folders-")
            })
            .collect()
    };
    // A letter changed in a decision's title in its folder's record, and in
    // a file's name in the units' records: both still decode, and must not
    // be believed.
    let change_all = |path: &Path, text: &[u8]| {
        let mut bytes = std::fs::read(path).unwrap();
        let mut changed = false;
        for at in (0..bytes.len().saturating_sub(text.len())).rev() {
            if &bytes[at..at + text.len()] == text {
                bytes[at] = b'n';
                changed = true;
            }
        }
        std::fs::write(path, bytes).unwrap();
        changed
    };
    let changed: Vec<bool> = shards()
        .iter()
        .map(|p| change_all(p, b"mobile library route"))
        .collect();
    assert!(changed.contains(&true));
    assert!(change_all(&cache.join("units"), b"index.html"));
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    assert!(reuse(&outcome).decisions_read < reuse(&outcome).decisions);
    assert!(reuse(&outcome).units < reuse(&outcome).of_units());
    assert_same_as_clean(site.path());

    // Cut short: the records cut are absent, so judged again.
    for path in shards().into_iter().chain([cache.join("units")]) {
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 5]).unwrap();
    }
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    assert!(reuse(&outcome).decisions_read < reuse(&outcome).decisions);
    assert!(reuse(&outcome).units < reuse(&outcome).of_units());
    assert_same_as_clean(site.path());
}

#[test]
fn a_file_added_with_its_folders_times_put_back_is_found_and_not_deleted() {
    let site = fixture("minimal");
    assert_ok(&rebuild(site.path()));
    let out = site.path().join("public");
    let dir = out.join("decisions/24-00002");
    let meta = std::fs::metadata(&dir).unwrap();
    std::fs::write(
        dir.join("extra.html"),
        "Quillfeather Reading Ventures offered the lowest hourly price of all four bidders",
    )
    .unwrap();
    let times = std::fs::FileTimes::new()
        .set_modified(meta.modified().unwrap())
        .set_accessed(meta.accessed().unwrap());
    std::fs::File::open(&dir).unwrap().set_times(times).unwrap();
    assert_eq!(
        std::fs::metadata(&dir).unwrap().modified().unwrap(),
        meta.modified().unwrap()
    );
    // Not written in place (which would leave it unseen), nor deleted
    // (plainsight did not write it): the build stops and names it.
    let refused = plainsight::build(&Options::for_root(site.path()));
    let Err(plainsight::Error::Write(e)) = refused else {
        panic!("a file added with its folder's times put back was not found: {refused:?}");
    };
    assert!(
        e.to_string().contains("decisions/24-00002/extra.html"),
        "{e}"
    );
    std::fs::remove_file(dir.join("extra.html")).unwrap();
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    assert!(!reuse(&outcome).in_place);
    assert_same_as_clean(site.path());
}

/// Rewrites the cache's unit records as an attacker who can write the cache
/// folder would: each record also lists every file of `made`, with the hash
/// of its bytes, as a file the last build wrote (so judged clean), under the
/// record's own `judged_under`; every checksum recomputed (it is blake3,
/// keyed by nothing).
fn forge_units(units: &Path, made: &std::collections::BTreeMap<String, Vec<u8>>) {
    use plainsight::cache::OutFile;
    rewrite_units(units, |records| {
        let stamp = records
            .iter()
            .flat_map(|r| &r.files)
            .next()
            .expect("a file written")
            .stamp;
        for r in records.iter_mut() {
            for (path, bytes) in made {
                r.files.push(OutFile {
                    path: path.clone(),
                    hash: *blake3::hash(bytes).as_bytes(),
                    stamp,
                });
            }
        }
    });
}

/// Decodes the cache's unit records, hands them to `change`, and writes
/// them back with their checksums recomputed.
fn rewrite_units(units: &Path, change: impl FnOnce(&mut Vec<plainsight::cache::UnitRecord>)) {
    use plainsight::cache::{UnitRecord, UnitRecordRef};
    const CHECK: usize = 16;
    let bytes = std::fs::read(units).unwrap();
    let mut records = Vec::new();
    let mut at = 0;
    while at + 8 <= bytes.len() {
        let len = u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
        records.push(bytes[at + 8..at + 8 + len].to_vec());
        at += 8 + len + CHECK;
    }
    assert_eq!(at, bytes.len(), "the units file is records end to end");
    let mut decoded: Vec<UnitRecord> = records[1..]
        .iter()
        .map(|r| postcard::from_bytes(r).unwrap())
        .collect();
    change(&mut decoded);
    let mut out = Vec::new();
    let mut push = |encoded: &[u8]| {
        out.extend_from_slice(&(encoded.len() as u64).to_le_bytes());
        out.extend_from_slice(encoded);
        out.extend_from_slice(&blake3::hash(encoded).as_bytes()[..CHECK]);
    };
    // The header (format, program, context) as it was.
    push(&records[0]);
    for r in &decoded {
        let record = UnitRecordRef {
            name: &r.name,
            key: &r.key,
            judged_under: &r.judged_under,
            files: &r.files,
            diagnostics: &r.diagnostics,
            findings: &r.findings,
        };
        push(&postcard::to_stdvec(&record).unwrap());
    }
    std::fs::write(units, out).unwrap();
}

/// A download's unit whose record no longer lists its file (moved to
/// another unit's record, so that every file is still accounted for) is
/// made again, not reused and listed on the /data/ page as 0 bytes.
#[test]
fn a_download_whose_record_lacks_its_file_is_made_again() {
    let site = fixture("minimal");
    assert_ok(&rebuild(site.path()));
    let unit = "/download/data/documents.csv";
    rewrite_units(&site.path().join(".plainsight-cache/units"), |records| {
        let from = records
            .iter()
            .position(|r| r.name == unit)
            .expect("the unit");
        let moved = std::mem::take(&mut records[from].files);
        assert!(!moved.is_empty(), "{unit} wrote no file");
        let to = records
            .iter()
            .position(|r| r.name.is_empty())
            .expect("the site's unit");
        records[to].files.extend(moved);
    });
    // A summary edit: the site-wide units' keys are worked out, and the
    // documents download's is the one it had.
    edit(
        site.path(),
        &format!("{ONE}/decision.md"),
        "summary = \"The council will pay for library staff to visit people at home.\"",
        "summary = \"The council will pay for library staff to visit people in their homes.\"",
    );
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    assert_eq!(reuse(&outcome).made_again.downloads, 1);
    assert_same_as_clean(site.path());
}

#[test]
fn a_forged_unit_record_does_not_let_personal_data_through() {
    let site = fixture("minimal");
    assert_ok(&rebuild(site.path()));
    let out = site.path().join("public");
    let nhs = "943 476 5919";
    append(
        site.path(),
        &format!("{TWO}/decision.md"),
        &format!("\nThe resident's NHS number is {nhs}.\n"),
    );
    // The guard refuses it, and nothing is published.
    let refused = rebuild(site.path());
    assert!(refused.has_errors(), "the NHS number was not refused");
    assert!(files_containing(&files(&out), nhs).is_empty());

    // The bytes the build would make: the same sources with the number on
    // the allow-list (which no page prints), built elsewhere.
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(site.path().join("site.toml"), copy.path().join("site.toml")).unwrap();
    for sub in ["content", "data"] {
        copy_dir(&site.path().join(sub), &copy.path().join(sub));
    }
    append(
        copy.path(),
        "site.toml",
        &format!("\n[personal_data]\nallow = [\"{nhs}\"]\n"),
    );
    let made = clean(copy.path());
    assert!(!files_containing(&made, nhs).is_empty());

    // Only the cache is written: its records now say those bytes were judged.
    forge_units(&site.path().join(".plainsight-cache/units"), &made);
    let outcome = rebuild(site.path());
    let published = files_containing(&files(&out), nhs);
    assert!(
        outcome.has_errors() && published.is_empty(),
        "a forged cache record published personal data with exit {}: {published:?}",
        if outcome.has_errors() { 1 } else { 0 }
    );
}

/// "Now" (what is open to call-in) comes from the content or
/// `SOURCE_DATE_EPOCH`: when it moves, a decision whose folder did not
/// change says something else, so its cached page must not be reused.
#[test]
fn a_change_of_now_remakes_the_pages_that_say_what_is_open_to_call_in() {
    let site = fixture("minimal");
    let page = "public/decisions/24-00001/index.html";
    let says = |root: &Path| std::fs::read_to_string(root.join(page)).unwrap();
    // Now is 24/00001's taking, 1 March: its deadline, 8 March, is to come.
    assert_ok(&rebuild(site.path()));
    assert!(
        says(site.path()).contains("it can be called in until <time datetime=\"2024-03-08\">"),
        "{}",
        says(site.path())
    );

    // Another decision taken on 20 March moves now past the deadline.
    let three = site.path().join("content/decisions/24-00003");
    std::fs::create_dir_all(&three).unwrap();
    let two = std::fs::read_to_string(site.path().join(TWO).join("decision.md")).unwrap();
    let three_record = two
        .replace("24/00002", "24/00003")
        .replace(
            "status = \"proposed\"\ndue = 2024-06-01",
            "status = \"taken\"\ntaken = 2024-03-20",
        )
        .replace("related = [\"24/00001\"]\n", "");
    std::fs::write(three.join("decision.md"), three_record).unwrap();
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    assert!(
        says(site.path()).contains("It could be"),
        "{}",
        says(site.path())
    );
    assert_same_as_clean(site.path());

    // SOURCE_DATE_EPOCH's day, 5 March, puts it back before the deadline.
    let on = |root: &Path, output: &Path, cache: Option<std::path::PathBuf>| {
        let mut options = Options::for_root(root);
        options.today = chrono::NaiveDate::from_ymd_opt(2024, 3, 5);
        options.output = output.to_path_buf();
        options.report_dir = output.with_extension("reports");
        options.cache_dir = cache;
        let outcome = plainsight::build(&options).expect("no internal error");
        assert_ok(&outcome);
        files(output)
    };
    let cached = on(
        site.path(),
        &site.path().join("public"),
        Some(site.path().join(plainsight::cache::DIR)),
    );
    let text = String::from_utf8(cached["decisions/24-00001/index.html"].clone()).unwrap();
    assert!(
        text.contains("As of <time datetime=\"2024-03-05\">"),
        "{text}"
    );
    let fresh = tempfile::tempdir().unwrap();
    assert!(cached == on(site.path(), &fresh.path().join("public"), None));
}

/// Builds the minimal site, edits decision 24/00002's `decision.md` from
/// `from` to `to`, rebuilds, and checks the rebuilt site against a clean
/// build; returns which site-wide units were made again.
fn after_editing(from: &str, to: &str) -> plainsight::SiteWide {
    after_editing_in(TWO, from, to)
}

/// As [`after_editing`], in the `decision.md` of the decision at `folder`.
fn after_editing_in(folder: &str, from: &str, to: &str) -> plainsight::SiteWide {
    let site = fixture("minimal");
    assert_ok(&rebuild(site.path()));
    edit(site.path(), &format!("{folder}/decision.md"), from, to);
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    assert_same_as_clean(site.path());
    let made = reuse(&outcome).made_again;
    // Nothing changed since: every unit is reused, and the site is the same.
    let again = rebuild(site.path());
    assert_ok(&again);
    assert_eq!(
        reuse(&again).units,
        reuse(&again).of_units(),
        "{from} -> {to}"
    );
    assert_same_as_clean(site.path());
    made
}

#[test]
fn a_summary_edit_remakes_its_part_of_the_search_index_and_the_register_pages_that_list_it() {
    // The decision's part of the search index, the home page, the forward
    // plan and the downloads show the summary. The search page and the
    // index of everything else do not. The register's pages are keyed by
    // the listings of the decisions they show: only the 6 of its 13 pages
    // that list 24/00002 are made again (with the same bytes, as the
    // register shows no summary).
    let made = after_editing(
        "summary = \"A mobile library will stop in six more villages.\"",
        "summary = \"A mobile library will stop in seven more villages.\"",
    );
    assert_eq!(made.register, 6, "{made:?}");
    assert!(!made.search, "{made:?}");
    assert_eq!(made.search_parts, 1, "{made:?}");
    assert!(made.other, "{made:?}");
}

#[test]
fn a_summary_or_title_edit_leaves_the_downloads_that_do_not_show_it() {
    // documents.csv and .json name each decision by its number; the forward
    // plan's page, feed and calendar show only proposed decisions (24/00002,
    // not 24/00001): each is a unit of its own, made again only when what
    // it shows changes.
    for (from, to) in [
        (
            "summary = \"The council will pay for library staff to visit people at home.\"",
            "summary = \"The council will pay for library staff to visit people in their homes.\"",
        ),
        (
            "title = \"Buying library outreach services\"",
            "title = \"Buying library outreach services for people at home\"",
        ),
    ] {
        let made = after_editing_in(ONE, from, to);
        assert!(made.other, "{from} -> {to}: {made:?}");
        assert_eq!(made.downloads, 0, "{from} -> {to}: {made:?}");
        assert!(!made.forward_plan, "{from} -> {to}: {made:?}");
    }
    for (from, to) in [
        (
            "summary = \"A mobile library will stop in six more villages.\"",
            "summary = \"A mobile library will stop in seven more villages.\"",
        ),
        (
            "title = \"Opening a new mobile library route\"",
            "title = \"Opening a longer mobile library route\"",
        ),
    ] {
        let made = after_editing(from, to);
        // The forward plan's feed and calendar, and its page.
        assert_eq!(made.downloads, 2, "{from} -> {to}: {made:?}");
        assert!(made.forward_plan, "{from} -> {to}: {made:?}");
    }
}

#[test]
fn a_document_title_edit_remakes_the_documents_downloads_and_no_other() {
    let site = fixture("minimal");
    assert_ok(&rebuild(site.path()));
    let csv = site.path().join("public/data/documents.csv");
    let before = std::fs::read_to_string(&csv).unwrap();
    edit(
        site.path(),
        &format!("{ONE}/report.md"),
        "title = \"Report to the Communities Cabinet Committee\"",
        "title = \"Report to the Cabinet Committee for Communities\"",
    );
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    assert_same_as_clean(site.path());
    // The CSV and the JSON of the documents, from the same rows.
    assert_eq!(
        reuse(&outcome).made_again.downloads,
        2,
        "{:?}",
        reuse(&outcome)
    );
    let after = std::fs::read_to_string(&csv).unwrap();
    assert!(
        !before.contains("Cabinet Committee for Communities"),
        "{before}"
    );
    assert!(
        after.contains("Cabinet Committee for Communities"),
        "{after}"
    );
    // Every download is listed on /data/ with its size, whether made again or not.
    let data = std::fs::read_to_string(site.path().join("public/data/index.html")).unwrap();
    for file in ["documents.csv", "providers.csv", "decisions.json"] {
        assert!(data.contains(&format!("href=\"{file}\"")), "{file}: {data}");
    }
    let again = rebuild(site.path());
    assert_eq!(reuse(&again).made_again.downloads, 0, "{:?}", reuse(&again));
    assert_same_as_clean(site.path());
}

#[test]
fn a_title_status_or_date_edit_remakes_the_register_and_the_search_index() {
    for (from, to) in [
        (
            "title = \"Opening a new mobile library route\"",
            "title = \"Opening a longer mobile library route\"",
        ),
        (
            "status = \"proposed\"\ndue = 2024-06-01",
            "status = \"withdrawn\"\nwithdrawn = 2024-05-20",
        ),
        ("due = 2024-06-01", "due = 2024-06-08"),
        (
            "decision_maker = \"Cabinet Member for Communities\"",
            "decision_maker = \"Leader of the Council\"",
        ),
    ] {
        let made = after_editing(from, to);
        assert!(made.register > 0 && made.other, "{from} -> {to}: {made:?}");
    }
}

#[test]
fn an_edit_the_search_shows_remakes_only_the_register_pages_that_list_it() {
    // The decision itself is indexed for search, and shown by the forward
    // plan, but not in the register: of the register's 13 pages, only the
    // 6 that list 24/00002 are made again.
    let made = after_editing(
        "decision = \"To add six village stops to the mobile library route.\"",
        "decision = \"To add seven village stops to the mobile library route.\"",
    );
    assert_eq!(made.register, 6, "{made:?}");
    assert_eq!(made.search_parts, 1, "{made:?}");
}

#[test]
fn a_body_edit_remakes_no_site_wide_unit() {
    let site = fixture("minimal");
    assert_ok(&rebuild(site.path()));
    append(
        site.path(),
        &format!("{ONE}/report.md"),
        "\nWe will report back in a year.\n",
    );
    let outcome = rebuild(site.path());
    assert_ok(&outcome);
    assert_same_as_clean(site.path());
    assert_eq!(
        reuse(&outcome).made_again,
        plainsight::SiteWide::default(),
        "{:?}",
        reuse(&outcome)
    );
}
