//! `plainsight init`: a new site builds and passes `check --strict` at once,
//! and an occupied folder is refused with nothing in it changed.

mod common;

use std::path::Path;

use common::*;
use plainsight::Options;

/// Every file under `dir`, relative to it, with its bytes.
fn all_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn a_new_site_builds_and_passes_check_strict_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("council-decisions");
    let written = plainsight::init::init(&site).expect("a new folder is fine");
    let schemas = plainsight::schema::files();
    assert_eq!(written.len(), plainsight::init::FILES.len() + schemas.len());
    for (path, text) in plainsight::init::FILES {
        assert_eq!(std::fs::read_to_string(site.join(path)).unwrap(), *text);
    }
    for (name, text) in &schemas {
        let path = site.join(plainsight::schema::DIR).join(name);
        assert_eq!(std::fs::read_to_string(path).unwrap(), *text);
    }
    // Not a single warning, even under --strict.
    let mut options = Options::for_root(&site);
    options.strict = true;
    let checked = plainsight::check_with(&options).expect("no internal error");
    assert!(checked.diagnostics.is_empty(), "{}", printed(&checked));
    let built = plainsight::build(&options).expect("no internal error");
    assert_ok(&built);
    assert!(built.diagnostics.is_empty(), "{}", printed(&built));
    let public = site.join("public");
    for page in [
        "index.html",
        "decisions/26-00001/index.html",
        "about/index.html",
        "accessibility/index.html",
        "glossary/index.html",
    ] {
        assert!(public.join(page).is_file(), "{page} was not built");
    }
    assert!(text(&public, "decisions/26-00001/index.html").contains("A new bus service"));
    // What the build writes is kept out of git.
    let ignored = std::fs::read_to_string(site.join(".gitignore")).unwrap();
    for written in ["/public/", "/reports/", "/.plainsight-cache/"] {
        assert!(
            ignored.lines().any(|l| l == written),
            "{written} is not in .gitignore"
        );
    }
}

/// The text of a new site's file at `path`.
fn starter(path: &str) -> &'static str {
    plainsight::init::FILES
        .iter()
        .find(|(p, _)| *p == path)
        .unwrap_or_else(|| panic!("a new site has no {path}"))
        .1
}

#[test]
fn the_new_sites_settings_file_shows_every_setting() {
    // Each key of site.toml, as docs/content-format.md and the parser know
    // them, is written in the new site's settings (optional ones as comments).
    let toml = starter("site.toml");
    for key in [
        "title",
        "base_url",
        "tagline",
        "example_notice",
        "[organisation]",
        "name",
        "url",
        "[contact]",
        "team",
        "email",
        "phone",
        "address",
        "[licence]",
        "[accessibility]",
        "prepared",
        "reviewed",
        "known_issues",
        "issue",
        "criterion",
        "plan",
        "[language]",
        "summary_reading_age",
        "page_reading_age",
        "max_sentence_words",
        "max_passive_share",
        "hardest_pages",
        "[personal_data]",
        "allow",
        "[procurement]",
        "ocid_prefix",
        "decision",
        "published",
        "tender_period",
        "[branding]",
        "logo",
        "logo_alt",
        "colour",
        "as_of",
        "[forward_plan]",
        "representations_close_clear_days",
    ] {
        assert!(toml.contains(key), "site.toml does not mention {key}");
    }
}

#[test]
fn an_occupied_folder_or_a_file_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir(&site).unwrap();
    std::fs::write(site.join("notes.txt"), "the council's own notes").unwrap();
    let before = all_files(&site);
    let refused = plainsight::init::init(&site).expect_err("a folder with a file is refused");
    assert!(refused.to_string().contains("is not empty"), "{refused}");
    assert_eq!(
        all_files(&site),
        before,
        "a refused init changed the folder"
    );

    // A hidden file counts too, and so does a folder.
    let hidden = dir.path().join("hidden");
    std::fs::create_dir_all(hidden.join(".git")).unwrap();
    assert!(plainsight::init::init(&hidden).is_err());
    assert!(!hidden.join("site.toml").exists());

    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let refused = plainsight::init::init(&file).expect_err("a file is refused");
    assert!(refused.to_string().contains("is not a folder"), "{refused}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");

    // An empty folder is fine, and a second init there is refused.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    plainsight::init::init(&empty).expect("an empty folder is fine");
    let made = all_files(&empty);
    assert!(plainsight::init::init(&empty).is_err());
    assert_eq!(all_files(&empty), made);
}

#[test]
fn the_new_sites_workflow_checks_pull_requests_and_publishes_only_public() {
    let yml = starter(".github/workflows/plainsight.yml");
    let docs = yaml_rust2::YamlLoader::load_from_str(yml).expect("the workflow is YAML");
    let jobs = &docs[0]["jobs"];
    let runs = |job: &str| -> String {
        jobs[job]["steps"]
            .as_vec()
            .unwrap_or_else(|| panic!("no {job} job"))
            .iter()
            .filter_map(|s| s["run"].as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(runs("check").contains("plainsight check --format github"));
    assert!(runs("build").contains("plainsight build --format github"));
    assert!(runs("build").contains("cargo install --locked"));
    assert!(
        !yml.contains("target/release"),
        "the site's repository has no plainsight to build"
    );
    let uploads: Vec<&str> = jobs["build"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .filter(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact"))
        })
        .filter_map(|s| s["with"]["path"].as_str())
        .collect();
    assert_eq!(uploads, ["public/"]);
}

#[test]
fn a_new_decision_is_reported_field_by_field_until_it_is_filled_in() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    plainsight::init::init(&site).unwrap();
    let path = plainsight::init::new_decision(
        &site,
        "26/00002",
        Some("Street lights: \"part-night\" lighting"),
    )
    .expect("a new number in a site");
    assert_eq!(path, site.join("content/decisions/26-00002/decision.md"));
    let text = std::fs::read_to_string(&path).unwrap();
    let placeholders: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("FILL IN:"))
        .map(|(i, _)| i + 1)
        .collect();
    assert!(placeholders.len() >= 10, "{placeholders:?}");
    // Every placeholder is an error at its own line; nothing else is wrong.
    let checked = plainsight::check(&site).unwrap();
    let lines: Vec<usize> = checked
        .diagnostics
        .iter()
        .map(|d| {
            assert!(
                d.file.ends_with("26-00002/decision.md"),
                "{}",
                printed(&checked)
            );
            assert!(
                d.message.contains("still to be written"),
                "{}",
                printed(&checked)
            );
            d.line
        })
        .collect();
    assert_eq!(lines, placeholders, "{}", printed(&checked));
    // The title was written as given, quotes and all.
    let built_title = text.lines().find(|l| l.starts_with("title = ")).unwrap();
    assert!(built_title.contains("part-night"), "{built_title}");

    // Filled in, the record checks clean.
    let filled = fill_in(&text, "The council will decide this in January.");
    std::fs::write(&path, filled).unwrap();
    let checked = plainsight::check(&site).unwrap();
    assert!(!checked.has_errors(), "{}", printed(&checked));

    // A number that is taken, is not a number, or a folder with no site.
    let taken = plainsight::init::new_decision(&site, "26/00002", None).unwrap_err();
    assert!(taken.to_string().contains("already exists"), "{taken}");
    let bad = plainsight::init::new_decision(&site, "26-2", None).unwrap_err();
    assert!(
        bad.to_string().contains("is not a decision number"),
        "{bad}"
    );
    let nowhere = plainsight::init::new_decision(dir.path(), "26/00003", None).unwrap_err();
    assert!(nowhere.to_string().contains("no site.toml"), "{nowhere}");
    assert!(!dir.path().join("content").exists());
}

#[test]
fn every_link_in_a_new_site_leads_to_a_page_it_has() {
    // A new site has no provider listing: nothing may link to pages it
    // does not make (the navigation, the home page).
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    plainsight::init::init(&site).unwrap();
    assert_ok(&plainsight::build(&Options::for_root(&site)).unwrap());
    let broken = broken_links(&site.join("public"));
    assert!(broken.is_empty(), "links to nothing: {broken:?}");
}

/// `text` with each placeholder's line filled: a comment line that is only a
/// placeholder is dropped, and a placeholder in a value or the body becomes
/// `with`.
fn fill_in(text: &str, with: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("# FILL IN:"))
        .map(|l| match l.find("FILL IN:") {
            // Divisions are checked against site.toml's list: a sentence is none.
            Some(_) if l.starts_with("electoral_divisions") => {
                "electoral_divisions = [\"All\"]".to_string()
            }
            Some(at) => {
                let end = l[at..].find('"').map_or(l.len(), |e| at + e);
                format!("{}{with}{}", &l[..at], &l[end..])
            }
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn new_papers_are_the_next_appendices_and_an_exempt_one_is_withheld_once_filled_in() {
    use plainsight::init::{NewPaper, new_decision, new_paper};
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    plainsight::init::init(&site).unwrap();
    let record = new_decision(&site, "26/00002", Some("Street lights at night")).unwrap();
    std::fs::write(
        &record,
        fill_in(
            &std::fs::read_to_string(&record).unwrap(),
            "The council will decide this in January.",
        ),
    )
    .unwrap();
    let eqia = new_paper(&site, "26/00002", NewPaper::Eqia).unwrap();
    let exempt = new_paper(&site, "26/00002", NewPaper::Appendix { exempt: Some(3) }).unwrap();
    let public = new_paper(&site, "26/00002", NewPaper::Appendix { exempt: None }).unwrap();
    let names: Vec<String> = [&eqia, &exempt, &public]
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["appendix-1-eqia.md", "appendix-2.md", "appendix-3.md"]
    );
    assert!(
        std::fs::read_to_string(&exempt)
            .unwrap()
            .contains("paragraph = 3")
    );
    // Every placeholder of every paper is an error until it is written.
    let checked = plainsight::check(&site).unwrap();
    for paper in [&eqia, &exempt, &public] {
        let name = paper.file_name().unwrap().to_string_lossy().into_owned();
        let left = std::fs::read_to_string(paper)
            .unwrap()
            .matches("FILL IN:")
            .count();
        let found = checked
            .diagnostics
            .iter()
            .filter(|d| d.file.ends_with(&name))
            .count();
        assert_eq!(found, left, "{name}: {}", printed(&checked));
    }
    assert!(
        checked
            .diagnostics
            .iter()
            .all(|d| d.message.contains("still to be written")),
        "{}",
        printed(&checked)
    );

    // Filled in, the site builds, and the exempt appendix's words are withheld.
    let marker = "Quorvanth bid eleven thousand pounds for the lanterns.";
    // The exempt appendix's body holds the marker; its public title and
    // reason (published in its notice) say what it is, never what it says.
    let body = std::fs::read_to_string(&exempt).unwrap().replace(
        "FILL IN: the appendix's text. Explain any word a resident might not know.",
        marker,
    );
    std::fs::write(
        &exempt,
        fill_in(&body, "Details of the bids that companies made."),
    )
    .unwrap();
    for (paper, with) in [
        (&eqia, "No effect was found on this group."),
        (&public, "The street lighting timetable."),
    ] {
        std::fs::write(
            paper,
            fill_in(&std::fs::read_to_string(paper).unwrap(), with),
        )
        .unwrap();
    }
    let built = plainsight::build(&Options::for_root(&site)).unwrap();
    assert_ok(&built);
    let out = all_files(&site.join("public"));
    let leaked: Vec<&String> = out
        .iter()
        .filter(|(_, b)| String::from_utf8_lossy(b).contains("Quorvanth"))
        .map(|(p, _)| p)
        .collect();
    assert!(leaked.is_empty(), "the exempt appendix reached {leaked:?}");
    assert!(text(&site.join("public"), "decisions/26-00002/index.html").contains("Appendix 2"));

    // A paragraph the law does not have, or a decision that is not there.
    assert!(new_paper(&site, "26/00002", NewPaper::Appendix { exempt: Some(8) }).is_err());
    assert!(new_paper(&site, "26/00009", NewPaper::Eqia).is_err());
}

#[test]
fn copied_templates_make_the_same_pages_and_say_what_they_receive() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain");
    let styled = dir.path().join("styled");
    plainsight::init::init(&plain).unwrap();
    plainsight::init::init(&styled).unwrap();
    let copied = plainsight::init::copy_templates(&styled, &[]).unwrap();
    let names = plainsight::templates::template_names();
    assert_eq!(copied.written.len(), names.len());
    assert!(copied.kept.is_empty());
    for name in &names {
        let copy = std::fs::read_to_string(styled.join("templates").join(name)).unwrap();
        assert!(
            copy.starts_with(&format!("{{#- plainsight's built-in {name}")),
            "{name} has no header"
        );
    }
    let base = std::fs::read_to_string(styled.join("templates/base.html")).unwrap();
    assert!(base.contains("- footer_pages: the plain pages"), "{base}");

    // The copies pass every check an override gets, even under --strict,
    // and make exactly the pages the built-in templates make.
    let mut options = Options::for_root(&styled);
    options.strict = true;
    let built = plainsight::build(&options).unwrap();
    assert!(built.diagnostics.is_empty(), "{}", printed(&built));
    let mut options = Options::for_root(&plain);
    options.strict = true;
    assert_ok(&plainsight::build(&options).unwrap());
    assert_eq!(
        files(&styled.join("public")),
        files(&plain.join("public")),
        "copied templates changed the pages"
    );

    // A change to a copy shows on the site.
    replace(
        &styled.join("templates/home.html"),
        "{% block content %}",
        "{% block content %}<p>Restyled by the council.</p>",
    );
    assert_ok(&plainsight::build(&Options::for_root(&styled)).unwrap());
    assert!(text(&styled.join("public"), "index.html").contains("Restyled by the council."));
}

#[test]
fn copying_templates_never_writes_over_the_sites_own() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    plainsight::init::init(&site).unwrap();
    std::fs::create_dir(site.join("templates")).unwrap();
    let own = "{% extends \"base.html\" %}{% block content %}<p>Ours.</p>{% endblock %}";
    std::fs::write(site.join("templates/page.html"), own).unwrap();

    // An unknown name is refused before anything is written.
    let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let refused =
        plainsight::init::copy_templates(&site, &names(&["base.html", "header.html"])).unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("no built-in template called \"header.html\""),
        "{refused}"
    );
    assert!(!site.join("templates/base.html").exists());

    // Named ones only; the site's own is kept as it is.
    let copied =
        plainsight::init::copy_templates(&site, &names(&["page.html", "base.html"])).unwrap();
    assert_eq!(copied.written, vec![site.join("templates/base.html")]);
    assert_eq!(copied.kept, vec![site.join("templates/page.html")]);
    assert_eq!(
        std::fs::read_to_string(site.join("templates/page.html")).unwrap(),
        own
    );
    assert_eq!(all_files(&site.join("templates")).len(), 2);

    // Not a site: refused.
    let not_a_site = dir.path().join("elsewhere");
    std::fs::create_dir(&not_a_site).unwrap();
    assert!(plainsight::init::copy_templates(&not_a_site, &[]).is_err());
    assert!(!not_a_site.join("templates").exists());
}
