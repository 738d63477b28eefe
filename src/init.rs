//! `plainsight init`: a new site folder that builds and passes
//! `check --strict` at once. A commented site.toml with every setting, the
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
