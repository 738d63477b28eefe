//! Folders and files that must be refused (issue 14, section 7): the output,
//! the withholding report and the build cache may not overlap the site's
//! sources or one another, however the path is written; the cache never
//! deletes or replaces a file it did not write; a source that is a hard link
//! is refused like a symbolic link.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

const D: &str = "content/decisions/24-00001";

/// Every file of the site folder but the ones builds write.
fn sources(site: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut all = files(site);
    all.retain(|path, _| {
        !["public/", "reports/", ".plainsight-cache/"]
            .iter()
            .any(|p| path.starts_with(p))
    });
    all
}

/// A page whose name a cache of the last version deleted when the cache was
/// pointed at content/pages/ (it removed every `folders-*` it found).
fn add_page_with_a_cache_name(site: &Path) {
    std::fs::write(
        site.join("content/pages/folders-and-files.md"),
        "+++\nkind = \"page\"\ntitle = \"Folders and files\"\n+++\nHow the council keeps its papers.\n",
    )
    .unwrap();
}

#[test]
fn a_cache_folder_inside_the_sites_sources_is_refused_and_nothing_there_changes() {
    let site = fixture("minimal");
    add_page_with_a_cache_name(site.path());
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    let before = sources(site.path());
    let root = site.path();
    for dir in [
        "content",
        "content/pages",
        D,
        "data",
        "templates",
        ".",
        "content/pages/new",
    ] {
        for write in [true, false] {
            let mut options = plainsight::Options::for_root(root);
            options.cache_dir = Some(root.join(dir));
            let result = match write {
                true => plainsight::build(&options),
                false => plainsight::check_with(&options),
            };
            let error = result.expect_err(dir).to_string();
            assert!(
                error.contains("the build cache's folder") && error.contains("overlaps"),
                "{dir}: {error}"
            );
            assert!(sources(root) == before, "{dir}: the site's files changed");
        }
    }
    assert!(!root.join("public").exists());
}

#[test]
fn report_and_output_folders_inside_the_sites_sources_are_refused() {
    let site = fixture("minimal");
    add_page_with_a_cache_name(site.path());
    let before = sources(site.path());
    let root = site.path();
    for dir in ["content", "content/pages", D, "data", "templates", "."] {
        let mut options = plainsight::Options::for_root(root);
        options.report_dir = root.join(dir);
        let error = plainsight::build(&options).expect_err(dir).to_string();
        assert!(error.contains("withholding report"), "{dir}: {error}");
        let mut options = plainsight::Options::for_root(root);
        options.output = root.join(dir);
        let error = plainsight::build(&options).expect_err(dir).to_string();
        assert!(error.contains("the output folder"), "{dir}: {error}");
        assert!(sources(root) == before, "{dir}: the site's files changed");
    }
    // Each folder of its own: the report and the cache may not share one.
    let elsewhere = tempfile::tempdir().unwrap();
    let mut options = plainsight::Options::for_root(root);
    options.report_dir = elsewhere.path().join("both");
    options.cache_dir = Some(elsewhere.path().join("both/cache"));
    let error = plainsight::build(&options).unwrap_err().to_string();
    assert!(
        error.contains("overlaps the build cache's folder"),
        "{error}"
    );
}

/// The withholding report names what is withheld and why: it is never
/// written into a site plainsight publishes, this one's or another's.
#[test]
fn the_report_is_refused_inside_any_published_site() {
    let other = fixture("minimal");
    assert_ok(&plainsight::build(&plainsight::Options::for_root(other.path())).unwrap());
    let published = other.path().join("public");
    let before = files(&published);
    let site = fixture("minimal");
    for inside in ["data", "reports-here"] {
        let mut options = plainsight::Options::for_root(site.path());
        options.report_dir = published.join(inside);
        let error = plainsight::build(&options).expect_err(inside).to_string();
        assert!(
            error.contains("a site plainsight publishes"),
            "{inside}: {error}"
        );
    }
    assert!(files(&published) == before, "the other site changed");
    assert!(!site.path().join("public").exists());
}

#[cfg(unix)]
#[test]
fn paths_are_compared_as_the_system_reaches_them() {
    let site = fixture("minimal");
    add_page_with_a_cache_name(site.path());
    let before = sources(site.path());
    let root = site.path();
    let elsewhere = tempfile::tempdir().unwrap();
    let link = elsewhere.path().join("link");
    std::os::unix::fs::symlink(root.join("content"), &link).unwrap();
    let ways: [PathBuf; 4] = [
        // Through a symbolic link, through `..`, into a folder not made yet.
        link.join("pages"),
        root.join("public/../content/pages"),
        link.join("pages/not-yet/../more"),
        // `..` after a link is the link's target's parent, not `elsewhere`.
        elsewhere.path().join("link/../content/pages"),
    ];
    for way in ways {
        for what in ["cache", "report", "output"] {
            let mut options = plainsight::Options::for_root(root);
            match what {
                "cache" => options.cache_dir = Some(way.clone()),
                "report" => options.report_dir = way.clone(),
                _ => options.output = way.clone(),
            }
            let error = plainsight::build(&options).expect_err(what).to_string();
            assert!(
                error.contains("overlaps"),
                "{what} {}: {error}",
                way.display()
            );
        }
        assert!(
            sources(root) == before,
            "{}: the site's files changed",
            way.display()
        );
    }
    // A relative root and cache, from the site's parent folder.
    let out = Command::new(env!("CARGO_BIN_EXE_plainsight"))
        .current_dir(root.parent().unwrap())
        .args(["build", "--root"])
        .arg(root.file_name().unwrap())
        .arg("--cache-dir")
        .arg(Path::new(root.file_name().unwrap()).join("content/./pages"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("overlaps the site's content/ folder"),
        "{stderr}"
    );
    assert!(sources(root) == before);
}

#[test]
fn a_cache_folder_holding_someone_elses_files_is_refused_and_they_survive() {
    let site = fixture("minimal");
    let theirs = tempfile::tempdir().unwrap();
    // Names the cache itself uses, and another program's cache tag.
    for name in [
        "thesis.docx",
        "folders-2024.csv",
        "journal",
        "units",
        "CACHEDIR.TAG",
    ] {
        std::fs::write(theirs.path().join(name), "precious").unwrap();
    }
    let before = files(theirs.path());
    let out = Command::new(env!("CARGO_BIN_EXE_plainsight"))
        .args(["build", "--root"])
        .arg(site.path())
        .arg("--cache-dir")
        .arg(theirs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("holds files plainsight did not write; choose an empty folder or delete it"),
        "{stderr}"
    );
    assert!(files(theirs.path()) == before);
    assert!(!site.path().join("public").exists());

    // An empty folder is made plainsight's: marked, then used and reused.
    let empty = tempfile::tempdir().unwrap();
    let mut options = plainsight::Options::for_root(site.path());
    options.cache_dir = Some(empty.path().to_path_buf());
    assert_ok(&plainsight::build(&options).unwrap());
    assert!(empty.path().join(plainsight::cache::MARKER).is_file());
    assert_ok(&plainsight::build(&options).unwrap());
    // A file of someone else's put in it later is never deleted or replaced.
    std::fs::write(empty.path().join("notes.txt"), "mine").unwrap();
    assert_ok(&plainsight::build(&options).unwrap());
    assert_eq!(
        std::fs::read_to_string(empty.path().join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn the_default_cache_left_by_an_earlier_version_is_still_used() {
    let site = fixture("minimal");
    assert_ok(&build(site.path()));
    let cache = site.path().join(plainsight::cache::DIR);
    // Earlier versions left no marker.
    std::fs::remove_file(cache.join(plainsight::cache::MARKER)).unwrap();
    let outcome = build(site.path());
    assert_ok(&outcome);
    assert!(cache.join(plainsight::cache::MARKER).is_file());
}

#[cfg(unix)]
#[test]
fn hard_links_are_refused() {
    for (target, at) in [
        // An exempt document under a public attachment's name.
        ("exempt", format!("{D}/linked.txt")),
        // A file outside the site, as a page.
        ("outside", "content/pages/linked.md".to_string()),
        // A data file.
        ("outside", "data/linked.csv".to_string()),
    ] {
        let site = fixture("minimal");
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.md"), "Zqxhardlinkindia\n").unwrap();
        let pointee = match target {
            "outside" => outside.path().join("secret.md"),
            _ => site.path().join(D).join("appendix-1.md"),
        };
        std::fs::hard_link(&pointee, site.path().join(&at)).unwrap();
        if target == "exempt" {
            replace(
                &site.path().join(D).join("report.md"),
                "attachments = [",
                "attachments = [\n  { file = \"linked.txt\", title = \"Notes\", public = true },",
            );
        }
        let outcome = build(site.path());
        assert!(outcome.has_errors(), "{at}");
        assert!(
            printed(&outcome).contains(&format!("{at}: error: this file is a hard link")),
            "{}",
            printed(&outcome)
        );
        assert!(!site.path().join("public").exists());
        assert!(
            !printed(&outcome)
                .to_lowercase()
                .contains("zqxhardlinkindia")
        );
    }
}

/// The withholding report never replaces an officer's own file of the same
/// name; it replaces its own report from the last build.
#[test]
fn the_report_never_replaces_a_file_plainsight_did_not_write() {
    let site = fixture("minimal");
    let root = site.path();
    let folder = tempfile::tempdir().unwrap();
    let mut options = plainsight::Options::for_root(root);
    options.report_dir = folder.path().to_path_buf();
    for (name, theirs) in [
        (
            "withholding.html",
            "<html><p>My notes on what we withhold.</p></html>\n",
        ),
        ("withholding.json", "{\"mine\": true}\n"),
    ] {
        std::fs::write(folder.path().join("notes.txt"), "other files stay").unwrap();
        std::fs::write(folder.path().join(name), theirs).unwrap();
        let error = plainsight::build(&options).expect_err(name).to_string();
        assert!(
            error.contains(name) && error.contains("plainsight did not write it"),
            "{name}: {error}"
        );
        assert_eq!(
            std::fs::read_to_string(folder.path().join(name)).unwrap(),
            theirs
        );
        assert!(!root.join("public").exists(), "{name}");
        std::fs::remove_file(folder.path().join(name)).unwrap();
    }
    // A folder of that name is refused too.
    std::fs::create_dir(folder.path().join("withholding.json")).unwrap();
    assert!(plainsight::build(&options).is_err());
    std::fs::remove_dir(folder.path().join("withholding.json")).unwrap();
    // Its own report, from the last build, it replaces.
    assert_ok(&plainsight::build(&options).unwrap());
    assert_ok(&plainsight::build(&options).unwrap());
    assert!(folder.path().join("withholding.html").is_file());
    assert_eq!(
        std::fs::read_to_string(folder.path().join("notes.txt")).unwrap(),
        "other files stay"
    );
}
