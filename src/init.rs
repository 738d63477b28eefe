//! `plainsight init`: a new site folder that builds and passes
//! `check --strict` at once; and `plainsight new decision`: a record with
//! every key the law asks for, each a placeholder that `check` reports
//! until a person writes it. A commented site.toml with every setting, the
//! folder layout, a sample decision, two pages (the accessibility statement
//! among them), a data schema with its CSV, a .gitignore for what the build
//! writes, and a GitHub Actions workflow that checks pull requests and
//! publishes main.
//!
//! It writes only into a folder that is new or empty, creates each file as
//! new (never over another), and deletes nothing: a folder holding anything
//! at all is refused before a file is written.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Every file of a new site: its path in the site folder, and its text.
pub const FILES: &[(&str, &str)] = &[
    ("site.toml", include_str!("starter/site.toml")),
    (
        "content/decisions/26-00001/decision.md",
        include_str!("starter/content/decisions/26-00001/decision.md"),
    ),
    (
        "content/pages/about.md",
        include_str!("starter/content/pages/about.md"),
    ),
    (
        "content/pages/accessibility.md",
        include_str!("starter/content/pages/accessibility.md"),
    ),
    (
        "data/glossary.csv",
        include_str!("starter/data/glossary.csv"),
    ),
    (
        "data/glossary.schema.toml",
        include_str!("starter/data/glossary.schema.toml"),
    ),
    (".gitignore", include_str!("starter/gitignore")),
    (
        ".github/workflows/plainsight.yml",
        include_str!("starter/github/plainsight.yml"),
    ),
];

/// Why a new site could not be made.
#[derive(Debug)]
pub struct InitError(pub String);

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InitError {}

/// Makes a new site in `dir` (made if it does not exist; refused unless
/// empty). Returns the files written, in the order of [`FILES`].
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    let failed =
        |path: &Path, e: std::io::Error| InitError(format!("cannot write {}: {e}", path.display()));
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if !meta.is_dir() => {
            return Err(InitError(format!(
                "{} is not a folder: choose a new or empty folder for the site",
                dir.display()
            )));
        }
        Ok(_) => {
            let mut entries = std::fs::read_dir(dir).map_err(|e| failed(dir, e))?;
            if entries.next().is_some() {
                return Err(InitError(format!(
                    "{} is not empty: plainsight init makes a new site only in a new or empty folder, so that it never writes over your files",
                    dir.display()
                )));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
        }
        Err(e) => return Err(failed(dir, e)),
    }
    let mut written = Vec::new();
    for (path, text) in FILES {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| failed(parent, e))?;
        }
        // A new file only: if something appeared there meanwhile, stop.
        let mut file = std::fs::File::create_new(&path).map_err(|e| failed(&path, e))?;
        file.write_all(text.as_bytes())
            .map_err(|e| failed(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// The record `plainsight new decision` writes, with `{number}` and
/// `{title}` to fill.
const NEW_DECISION: &str = include_str!("starter/new-decision.md");

/// Makes `content/decisions/FOLDER/decision.md` for decision `number` in the
/// site at `root`: every key the law asks for, each with a comment saying
/// what to write and a placeholder (`FILL IN:`) that `check` reports at its
/// line until it is replaced. `title` is written as given, or left to fill.
/// Refuses a number that is not a decision number, a site without
/// site.toml, and a folder that exists. Returns the file written.
pub fn new_decision(root: &Path, number: &str, title: Option<&str>) -> Result<PathBuf, InitError> {
    if !crate::source::is_decision_number(number) {
        return Err(InitError(format!(
            "{number:?} is not a decision number: write it as the council does, like 26/00001"
        )));
    }
    if !root.join(crate::source::CONFIG_FILE).is_file() {
        return Err(InitError(format!(
            "{} has no site.toml: run this in a site's folder (or pass --root), or start one with plainsight init",
            root.display()
        )));
    }
    let folder = root
        .join("content/decisions")
        .join(number.replacen('/', "-", 1));
    if std::fs::symlink_metadata(&folder).is_ok() {
        return Err(InitError(format!(
            "{} already exists: decision {number} has a folder",
            folder.display()
        )));
    }
    let quoted = |text: &str| toml::Value::String(text.to_string()).to_string();
    let title = match title {
        Some(title) => quoted(title),
        None => quoted(&format!(
            "{} what is being decided, in a few plain words.",
            crate::document::PLACEHOLDER
        )),
    };
    let text = NEW_DECISION
        .replace("{number}", &quoted(number))
        .replace("{title}", &title);
    let failed =
        |path: &Path, e: std::io::Error| InitError(format!("cannot write {}: {e}", path.display()));
    std::fs::create_dir_all(&folder).map_err(|e| failed(&folder, e))?;
    let path = folder.join("decision.md");
    let mut file = std::fs::File::create_new(&path).map_err(|e| failed(&path, e))?;
    file.write_all(text.as_bytes())
        .map_err(|e| failed(&path, e))?;
    Ok(path)
}
