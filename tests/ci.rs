//! What continuous integration relies on, tested through the binary:
//! `--format json|github`, `--base-url`, `SOURCE_DATE_EPOCH`, exit codes.
//!
//! Environment variables are set on the child process (`Command::env`), never
//! on this one: tests run in parallel threads of one process.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;

fn plainsight(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_plainsight"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH");
    command
}

fn run(command: &mut Command) -> Output {
    command.output().expect("the binary runs")
}

/// The minimal fixture with the `misspelt-exempt-key` overlay, in `DIR/site`.
fn invalid_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&repo().join("tests/fixtures/minimal"), &site);
    copy_dir(
        &repo().join("tests/invalid/misspelt-exempt-key/site"),
        &site,
    );
    dir
}

/// Checks one line against GitHub's workflow command syntax, as the runner
/// parses it: `::NAME key=value,key=value::message`, with `%`, CR and LF
/// escaped everywhere and `:` and `,` also escaped in property values.
fn assert_workflow_command(line: &str) {
    let rest = line
        .strip_prefix("::error ")
        .or_else(|| line.strip_prefix("::warning "))
        .unwrap_or_else(|| panic!("not an error or warning command: {line}"));
    let (properties, message) = rest
        .split_once("::")
        .unwrap_or_else(|| panic!("no `::` before the message: {line}"));
    assert!(!message.is_empty(), "{line}");
    assert!(!line.contains(['\r', '\n']), "{line}");
    let mut keys = Vec::new();
    for property in properties.split(',') {
        let (key, value) = property
            .split_once('=')
            .unwrap_or_else(|| panic!("property without `=`: {line}"));
        assert!(!value.is_empty() && !value.contains(':'), "{line}");
        if key == "line" || key == "col" {
            assert!(value.parse::<u32>().is_ok_and(|n| n > 0), "{line}");
        }
        keys.push(key);
    }
    assert!(
        [
            vec!["file", "title"],
            vec!["file", "line", "title"],
            vec!["file", "line", "col", "title"]
        ]
        .contains(&keys),
        "{line}"
    );
    // Every `%` starts one of the escapes the runner decodes.
    for (i, _) in line.match_indices('%') {
        let escape = &line[i..(i + 3).min(line.len())];
        assert!(
            ["%25", "%0D", "%0A", "%3A", "%2C"].contains(&escape),
            "{line}"
        );
    }
}

#[test]
fn check_format_github_annotates_an_invalid_fixture() {
    let dir = invalid_site();
    let out = run(&mut plainsight(
        dir.path(),
        &["check", "--root", "site", "--format", "github"],
    ));
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout,
        "::error file=site/content/decisions/24-00001/appendix-1.md,line=5,col=1,title=plainsight::\
         unknown key (its name is not shown, as its source is or may be exempt)%0Ahelp: did you mean `exempt`? Unknown keys are refused so that a typo cannot change what is published\n"
    );
    for line in stdout.lines() {
        assert_workflow_command(line);
    }
}

#[test]
fn build_format_github_annotates_every_problem_of_a_fixture_with_several() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&repo().join("tests/fixtures/minimal"), &site);
    copy_dir(&repo().join("tests/invalid/inaccessible-page/site"), &site);
    let out = run(&mut plainsight(
        dir.path(),
        &["build", "--root", "./site", "--format", "github"],
    ));
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.lines().count() >= 4, "{stdout}");
    for line in stdout.lines() {
        assert_workflow_command(line);
        assert!(line.contains(" file=site/"), "{line}");
    }
    assert!(!site.join("public").exists());
}

#[test]
fn check_format_json_is_one_document_with_every_diagnostic() {
    let dir = invalid_site();
    let out = run(&mut plainsight(
        dir.path(),
        &["check", "--root", "site", "--format", "json"],
    ));
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["command"], "check");
    assert_eq!(doc["exit_code"], 1);
    assert!(
        doc["exit_meaning"]
            .as_str()
            .unwrap()
            .starts_with("content errors")
    );
    assert_eq!(
        doc["counts"],
        serde_json::json!({"errors": 1, "warnings": 0})
    );
    assert_eq!(
        doc["diagnostics"],
        serde_json::json!([{
            "file": "content/decisions/24-00001/appendix-1.md",
            "line": 5,
            "column": 1,
            "severity": "error",
            // The key is not quoted: it may be exempt text.
            "message": "unknown key (its name is not shown, as its source is or may be exempt)",
            "help": "did you mean `exempt`? Unknown keys are refused so that a typo cannot change what is published"
        }])
    );
}

#[test]
fn format_json_reports_success_and_usage_failures_too() {
    let site = example();
    let out = run(&mut plainsight(site.path(), &["check", "--format", "json"]));
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["exit_code"], 0);
    assert_eq!(doc["counts"]["errors"], 0);

    // Output inside content/ is a usage error: still one JSON document.
    let out = run(&mut plainsight(
        site.path(),
        &["build", "--format", "json", "--output", "content/out"],
    ));
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["exit_code"], 2);
    assert_eq!(doc["command"], "build");
    assert!(doc["failure"].as_str().is_some_and(|f| !f.is_empty()));
}

#[test]
fn base_url_option_moves_every_absolute_link() {
    let site = example();
    let out = run(&mut plainsight(
        site.path(),
        &[
            "build",
            "--output",
            "preview",
            "--report-dir",
            "preview-reports",
            "--base-url",
            "https://preview.example.net/pr-7",
        ],
    ));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let public = site.path().join("preview");
    let all = files(&public);
    let stale = files_containing(&all, "decisions.example.org");
    assert!(stale.is_empty(), "still the site.toml address: {stale:?}");
    let new = "https://preview.example.net/pr-7/";
    assert!(
        text(&public, "index.html").contains(&format!("<link rel=\"canonical\" href=\"{new}\">")),
        "canonical link"
    );
    assert!(
        text(&public, "decisions/22-00073/index.html").contains(&format!(
            "<link rel=\"canonical\" href=\"{new}decisions/22-00073/\">"
        ))
    );
    // The 404 page is served at any depth, so its links are root-relative.
    assert!(text(&public, "404.html").contains("href=\"/pr-7/"));
    let sitemap = text(&public, "sitemap.xml");
    let locs: Vec<_> = sitemap.match_indices("<loc>").collect();
    assert!(!locs.is_empty());
    assert_eq!(
        sitemap.matches(&format!("<loc>{new}")).count(),
        locs.len(),
        "{sitemap}"
    );
    assert!(text(&public, "robots.txt").contains(&format!("{new}sitemap.xml")));
    let feed = text(&public, "feeds/decisions.xml");
    assert!(
        feed.contains(&format!("<id>{new}feeds/decisions.xml</id>")),
        "{feed}"
    );
    assert!(
        feed.contains(&format!("<id>{new}decisions/22-00073/</id>")),
        "{feed}"
    );
    assert!(text(&public, "data/ocds.json").contains(&format!("{new}decisions/22-00073/")));

    // A bad address is a usage error, and nothing is written.
    let out = run(&mut plainsight(
        site.path(),
        &["build", "--base-url", "decisions.example.net"],
    ));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("https://"));
    assert!(!site.path().join("public").exists());
}

#[test]
fn source_date_epoch_changes_the_report_and_public_only_through_now() {
    let site = example();
    let build = |epoch: &str, output: &str| {
        let out = run(plainsight(
            site.path(),
            &[
                "build",
                "--output",
                output,
                "--report-dir",
                &format!("{output}-reports"),
            ],
        )
        .env("SOURCE_DATE_EPOCH", epoch));
        assert_eq!(out.status.code(), Some(0), "{out:?}");
    };
    // 1970-01-01, before every review date; 2100-01-01, after all of them.
    build("0", "one");
    build("4102444800", "two");
    let one = files(&site.path().join("one"));
    let two = files(&site.path().join("two"));
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        two.keys().collect::<Vec<_>>()
    );
    // Without site.toml's `as_of`, its day is "now": the call-in page says
    // what is open as of it, and 22/00073's private-meeting notice (on its
    // page and the forward plan) whether the day to object has passed.
    // Nothing else moves.
    let moves = [
        "call-in/index.html",
        "decisions/22-00073/index.html",
        "forward-plan/index.html",
    ];
    for (path, bytes) in &one {
        // The marker gives the hash of every file, those that move too.
        if !moves.contains(&path.as_str()) && path != plainsight::output::MARKER {
            assert!(bytes == &two[path], "public/{path} depends on the date");
        }
    }
    let (early, late) = (site.path().join("one"), site.path().join("two"));
    assert!(text(&early, "call-in/index.html").contains("1 January 1970"));
    assert!(text(&late, "call-in/index.html").contains("1 January 2100"));
    for page in &moves[1..] {
        assert!(text(&early, page).contains("Please do this by"), "{page}");
        assert!(
            text(&late, page).contains("The time to do this ended on"),
            "{page}"
        );
    }
    // With `as_of`, nothing in public/ depends on it.
    let toml = site.path().join("site.toml");
    let settings = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("as_of = 2022-07-01\n{settings}")).unwrap();
    build("0", "three");
    build("4102444800", "four");
    assert!(
        files(&site.path().join("three")) == files(&site.path().join("four")),
        "public/ depends on SOURCE_DATE_EPOCH despite as_of"
    );
    let report = |output: &str| -> serde_json::Value {
        serde_json::from_str(&text(
            &site.path().join(format!("{output}-reports")),
            "withholding.json",
        ))
        .unwrap()
    };
    let (early, late) = (report("one"), report("two"));
    assert_eq!(early["today"], "1970-01-01");
    assert_eq!(late["today"], "2100-01-01");
    assert_eq!(early["review_overdue"].as_array().unwrap().len(), 0);
    assert!(!late["review_overdue"].as_array().unwrap().is_empty());
}

#[test]
fn an_invalid_source_date_epoch_is_refused() {
    let site = example();
    for bad in ["yesterday", "1.5", "", "2024-01-01T00:00:00Z"] {
        for verb in ["build", "check"] {
            let out = run(plainsight(site.path(), &[verb]).env("SOURCE_DATE_EPOCH", bad));
            assert_eq!(out.status.code(), Some(2), "{verb} with {bad:?}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains("SOURCE_DATE_EPOCH") && stderr.contains("seconds"),
                "{stderr}"
            );
        }
    }
    assert!(!site.path().join("public").exists());
    assert!(!site.path().join("reports").exists());
}

/// One YAML document, parsed strictly.
fn yaml(path: &str) -> yaml_rust2::Yaml {
    let text = text(&repo(), path);
    let mut docs = yaml_rust2::YamlLoader::load_from_str(&text)
        .unwrap_or_else(|e| panic!("{path} is not valid YAML: {e}"));
    assert_eq!(docs.len(), 1, "{path}: one document");
    docs.remove(0)
}

/// Every string in a YAML value, for "does any step run X" questions.
fn strings(value: &yaml_rust2::Yaml) -> Vec<String> {
    use yaml_rust2::Yaml;
    match value {
        Yaml::String(s) => vec![s.clone()],
        Yaml::Array(items) => items.iter().flat_map(strings).collect(),
        Yaml::Hash(map) => map
            .iter()
            .flat_map(|(k, v)| strings(k).into_iter().chain(strings(v)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The step of a GitHub Actions job that uses `action` (any version).
fn step_using<'a>(job: &'a yaml_rust2::Yaml, action: &str) -> &'a yaml_rust2::Yaml {
    job["steps"]
        .as_vec()
        .expect("the job has steps")
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.split('@').next() == Some(action))
        })
        .unwrap_or_else(|| panic!("no step uses {action}"))
}

#[test]
fn github_actions_example_checks_pull_requests_and_publishes_main() {
    let wf = yaml("docs/examples/github-actions.yml");
    assert!(!wf["on"]["pull_request"].is_badvalue());
    let branches = strings(&wf["on"]["push"]["branches"]);
    assert_eq!(branches, ["main"]);

    let check = &wf["jobs"]["check"];
    assert!(check["if"].as_str().unwrap().contains("pull_request"));
    assert!(
        strings(&check["steps"])
            .iter()
            .any(|s| s.contains("plainsight check --format github")),
        "the check job runs `plainsight check --format github`"
    );

    let build = &wf["jobs"]["build"];
    assert!(build["if"].as_str().unwrap().contains("refs/heads/main"));
    assert!(
        strings(&build["steps"])
            .iter()
            .any(|s| s.contains("plainsight build") && s.contains("--base-url")),
    );
    let pages = step_using(build, "actions/upload-pages-artifact");
    assert_eq!(pages["with"]["path"].as_str(), Some("public/"));
    let report = step_using(build, "actions/upload-artifact");
    assert_eq!(report["with"]["path"].as_str(), Some("reports/"));
    // The report goes nowhere near Pages.
    for step in build["steps"].as_vec().unwrap() {
        if step["uses"].as_str().is_some_and(|u| u.contains("pages")) {
            assert!(!strings(step).iter().any(|s| s.contains("reports")));
        }
    }

    let deploy = &wf["jobs"]["deploy"];
    assert_eq!(deploy["needs"].as_str(), Some("build"));
    assert_eq!(deploy["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(deploy["permissions"]["id-token"].as_str(), Some("write"));
    step_using(deploy, "actions/deploy-pages");
}

#[test]
fn gitlab_ci_example_checks_merge_requests_and_publishes_pages() {
    let ci = yaml("docs/examples/gitlab-ci.yml");
    let check = &ci["check"];
    assert!(
        strings(&check["rules"])
            .iter()
            .any(|s| s.contains("merge_request_event"))
    );
    assert!(
        strings(&check["script"])
            .iter()
            .any(|s| s.contains("plainsight check"))
    );

    let pages = &ci["pages"];
    assert!(
        strings(&pages["rules"])
            .iter()
            .any(|s| s.contains("$CI_DEFAULT_BRANCH"))
    );
    assert!(
        strings(&pages["script"])
            .iter()
            .any(|s| s.contains("plainsight build") && s.contains("$CI_PAGES_URL"))
    );
    assert_eq!(strings(&pages["artifacts"]["paths"]), ["public"]);
    // Cargo's downloads and the compiled dependencies are cached.
    let cached = strings(&ci["default"]["cache"]["paths"]);
    assert!(cached.iter().any(|p| p.starts_with("target")), "{cached:?}");
    assert!(
        cached.iter().any(|p| p.starts_with(".cargo/registry")),
        "{cached:?}"
    );
}

#[test]
fn a_build_reports_its_progress_through_each_step() {
    let site = fixture("minimal");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let mut options = plainsight::Options::for_root(site.path());
    options.progress = Some(plainsight::ProgressHook(std::sync::Arc::new(
        move |p: plainsight::Progress| log.lock().unwrap().push(p),
    )));
    let outcome = plainsight::build(&options).unwrap();
    assert!(!outcome.has_errors());
    let seen = seen.lock().unwrap();
    let decisions = std::fs::read_dir(site.path().join("content/decisions"))
        .unwrap()
        .count();
    // Every decision folder once in each pass, and the site-wide pages once.
    for (step, total) in [
        ("reading decisions", decisions),
        ("making pages", decisions + 1),
    ] {
        let mut done: Vec<usize> = seen
            .iter()
            .filter(|p| p.step == step)
            .inspect(|p| assert_eq!(p.total, total, "{step}"))
            .map(|p| p.done)
            .collect();
        done.sort();
        assert_eq!(done, (1..=total).collect::<Vec<_>>(), "{step}");
    }
    // The steps come in order: reading, then making pages.
    let first_page = seen.iter().position(|p| p.step == "making pages").unwrap();
    assert!(seen[first_page..].iter().all(|p| p.step == "making pages"));
}

/// Section 6 of issue 14: a message quotes nothing from a broken exempt
/// source in any format the binary prints (human, JSON, GitHub), for
/// `check` and `build` alike.
#[test]
fn no_format_quotes_a_broken_exempt_source() {
    for in_data in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        copy_dir(&repo().join("tests/fixtures/minimal"), &site);
        let (markers, expected) = plant_markers_in_messages(&site, in_data);
        for verb in ["check", "build"] {
            for format in ["human", "json", "github"] {
                let out = run(&mut plainsight(
                    dir.path(),
                    &[verb, "--root", "site", "--format", format],
                ));
                assert_eq!(out.status.code(), Some(1), "{verb} {format}");
                let shown = format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
                // Every message is there (GitHub's form escapes nothing in these).
                for words in &expected {
                    // The message's words; for a position alone, its file's name.
                    let words = match words.rsplit_once(": error: ") {
                        Some((_, message)) => message,
                        None => words.split(':').next().unwrap(),
                    };
                    assert!(
                        shown.contains(words),
                        "{verb} {format}: {words:?} not in:\n{shown}"
                    );
                }
                for marker in &markers {
                    assert!(
                        !shown.to_lowercase().contains(marker),
                        "{verb} {format}: {marker} is in:\n{shown}"
                    );
                }
            }
        }
        assert!(!site.join("public").exists());
    }
}

/// Personal data quoted back by a message about a public source (a cell
/// that is not an allowed value, an unknown status label or division) is
/// masked in every format: messages reach CI logs, which are often public.
#[test]
fn no_format_prints_personal_data_a_message_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&repo().join("tests/fixtures/minimal"), &site);
    replace(
        &site.join("content/decisions/24-00001/decision.md"),
        "electoral_divisions = [\"All\"]",
        "electoral_divisions = [\"Jane Smith NHS 943 476 5919\"]\nstatus_label = \"Ask jane.smith77@gmail.com, born 12/03/1950\"",
    );
    for format in ["human", "json", "github"] {
        let out = run(&mut plainsight(
            dir.path(),
            &["check", "--root", "site", "--format", format],
        ));
        assert_eq!(out.status.code(), Some(1), "{format}");
        let shown = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for datum in ["476 5919", "jane.smith77", "12/03/1950"] {
            assert!(!shown.contains(datum), "{format}: {datum} in:\n{shown}");
        }
        assert!(shown.contains("ending `919`"), "{format}: {shown}");
    }
}
