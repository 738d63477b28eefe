//! `plainsight init`: a new site folder that builds and passes
//! `check --strict` at once; and `plainsight new decision`, `new eqia` and
//! `new appendix`: a record or paper with every key the law asks for, each a
//! placeholder that `check` reports until a person writes it. A commented site.toml with every setting, the
//! folder layout, a sample decision, two pages (the accessibility statement
//! among them), a data schema with its CSV, a .gitignore for what the build
//! writes, a GitHub Actions workflow that checks pull requests and
//! publishes main, and the JSON Schemas of `plainsight schema` with a
//! `.taplo.toml` that points editors at them.
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
    (".taplo.toml", include_str!("starter/taplo.toml")),
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
/// empty). Returns the files written: [`FILES`] in their order, then the
/// schemas in `schemas/`.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if !meta.is_dir() => {
            return Err(InitError(format!(
                "{} is not a folder: choose a new or empty folder for the site",
                dir.display()
            )));
        }
        Ok(_) => {
            let mut entries = std::fs::read_dir(dir).map_err(|e| cannot("read", dir, e))?;
            if entries.next().is_some() {
                return Err(InitError(format!(
                    "{} is not empty: plainsight init makes a new site only in a new or empty folder, so that it never writes over your files",
                    dir.display()
                )));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(cannot("read", dir, e)),
    }
    let schemas = crate::schema::files();
    let schemas = schemas
        .iter()
        .map(|(name, text)| (Path::new(crate::schema::DIR).join(name), text.as_str()));
    FILES
        .iter()
        .map(|(path, text)| (PathBuf::from(path), *text))
        .chain(schemas)
        .map(|(path, text)| write_new(&dir.join(path), text))
        .collect()
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
    let folder = free_decision_folder(root, number)?;
    write_new(&folder.join("decision.md"), decision_record(number, title))
}

/// The folder for a new decision `number` in the site at `root`: refused
/// when the number is not a decision number, the site has no site.toml, or
/// the folder exists (the decision has one).
pub(crate) fn free_decision_folder(root: &Path, number: &str) -> Result<PathBuf, InitError> {
    if !crate::source::is_decision_number(number) {
        return Err(InitError(format!(
            "{number:?} is not a decision number: write it as the council does, like 26/00001"
        )));
    }
    is_site(root)?;
    let folder = decision_folder(root, number);
    if std::fs::symlink_metadata(&folder).is_ok() {
        return Err(InitError(format!(
            "{} already exists: decision {number} has a folder",
            folder.display()
        )));
    }
    Ok(folder)
}

/// The text of a new record of decision `number`, every key a placeholder
/// but the number and (when given) the title.
pub(crate) fn decision_record(number: &str, title: Option<&str>) -> String {
    let title = match title {
        Some(title) => toml_string(title),
        None => toml_string(&format!(
            "{} what is being decided, in a few plain words.",
            crate::document::PLACEHOLDER
        )),
    };
    NEW_DECISION
        .replace("{number}", &toml_string(number))
        .replace("{title}", &title)
}

/// A paper to add to a decision with `plainsight new`.
#[derive(Debug, Clone, Copy)]
pub enum NewPaper {
    /// An Equality Impact Assessment, with every protected characteristic.
    Eqia,
    /// An appendix, published, or exempt under a paragraph of Schedule 12A.
    Appendix { exempt: Option<u8> },
}

/// The papers `plainsight new eqia` and `new appendix` write: `{label}` to
/// fill, and for an appendix `{status}`, the public or exempt keys (with
/// `{paragraph}` and `{covers}` for an exempt one).
const NEW_EQIA: &str = include_str!("starter/new-eqia.md");
const NEW_APPENDIX: &str = include_str!("starter/new-appendix.md");
const APPENDIX_PUBLIC: &str = include_str!("starter/new-appendix-public.toml");
const APPENDIX_EXEMPT: &str = include_str!("starter/new-appendix-exempt.toml");

/// Adds a paper to decision `number`'s folder in the site at `root`, as
/// the next appendix (`appendix-N.md`, or `appendix-N-eqia.md`, labelled
/// "Appendix N"), every key commented and left as a placeholder that
/// `check` reports until it is written. Refuses a decision without a
/// folder and a paragraph that is not 1 to 7.
pub fn new_paper(root: &Path, number: &str, paper: NewPaper) -> Result<PathBuf, InitError> {
    if let NewPaper::Appendix { exempt: Some(p) } = paper {
        if !(1..=7).contains(&p) {
            return Err(InitError(format!(
                "there is no paragraph {p} of Schedule 12A: exempt information is under paragraphs 1 to 7"
            )));
        }
    }
    let folder = existing_decision_folder(root, number)?;
    let n = next_appendix(&folder)?;
    let label = toml_string(&format!("Appendix {n}"));
    let (name, text) = match paper {
        NewPaper::Eqia => (
            format!("appendix-{n}-eqia.md"),
            NEW_EQIA.replace("{label}", &label),
        ),
        NewPaper::Appendix { exempt } => (format!("appendix-{n}.md"), appendix(n, exempt)),
    };
    write_new(&folder.join(name), &text)
}

/// The folder of decision `number` in the site at `root`, which must have
/// its record (`decision.md`).
pub(crate) fn existing_decision_folder(root: &Path, number: &str) -> Result<PathBuf, InitError> {
    let folder = decision_folder(root, number);
    if !crate::source::is_decision_number(number) || !folder.join("decision.md").is_file() {
        return Err(InitError(format!(
            "there is no decision {number:?} in {}: make it first with plainsight new decision",
            root.display()
        )));
    }
    Ok(folder)
}

/// The number of the decision's next appendix: the first `N` with no
/// `appendix-N.*` or `appendix-N-*` in `folder`.
pub(crate) fn next_appendix(folder: &Path) -> Result<usize, InitError> {
    let names: Vec<String> = std::fs::read_dir(folder)
        .map_err(|e| cannot("read", folder, e))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    let taken = |n: usize| {
        let (a, b) = (format!("appendix-{n}."), format!("appendix-{n}-"));
        names
            .iter()
            .any(|name| name.starts_with(&a) || name.starts_with(&b))
    };
    Ok((1..).find(|n| !taken(*n)).expect("a free number"))
}

/// The text of appendix `n`, labelled "Appendix N": published, or exempt
/// under paragraph `exempt` (1 to 7) with its notice to fill in.
pub(crate) fn appendix(n: usize, exempt: Option<u8>) -> String {
    let status = match exempt {
        None => APPENDIX_PUBLIC.to_string(),
        Some(p) => APPENDIX_EXEMPT
            .replace("{paragraph}", &p.to_string())
            .replace("{covers}", crate::schedule12a::covers(p)),
    };
    NEW_APPENDIX
        .replace("{label}", &toml_string(&format!("Appendix {n}")))
        .replace("{status}", &status)
}

/// The folder of decision `number` (`26/00001` is `26-00001`).
pub(crate) fn decision_folder(root: &Path, number: &str) -> PathBuf {
    root.join("content/decisions")
        .join(number.replacen('/', "-", 1))
}

/// Refuses a folder that is not a site's (it has no site.toml).
fn is_site(root: &Path) -> Result<(), InitError> {
    match root.join(crate::source::CONFIG_FILE).is_file() {
        true => Ok(()),
        false => Err(InitError(format!(
            "{} has no site.toml: run this in a site's folder (or pass --root), or start one with plainsight init",
            root.display()
        ))),
    }
}

/// What `plainsight templates` did.
#[derive(Debug, Default)]
pub struct Copied {
    /// The copies written into `templates/`.
    pub written: Vec<PathBuf>,
    /// The site's own templates of those names, left as they are.
    pub kept: Vec<PathBuf>,
}

/// Copies the built-in templates called `names` (all of them when none is
/// named) into the site's `templates/`, each headed with a comment saying
/// what it receives, for a council that wants to restyle its pages. A
/// template the site already has is kept as it is, never written over. An
/// unknown name is refused before anything is written.
pub fn copy_templates(root: &Path, names: &[String]) -> Result<Copied, InitError> {
    is_site(root)?;
    let all = crate::templates::template_names();
    if let Some(unknown) = names.iter().find(|n| !all.contains(&n.as_str())) {
        return Err(InitError(format!(
            "there is no built-in template called {unknown:?}; the templates are: {}",
            all.join(", ")
        )));
    }
    let chosen: Vec<&str> = match names.is_empty() {
        true => all,
        false => all
            .into_iter()
            .filter(|n| names.iter().any(|m| m == n))
            .collect(),
    };
    let mut copied = Copied::default();
    for name in chosen {
        let path = root.join("templates").join(name);
        if std::fs::symlink_metadata(&path).is_ok() {
            copied.kept.push(path);
            continue;
        }
        let text = crate::templates::with_header(name).expect("a built-in template's name");
        copied.written.push(write_new(&path, &text)?);
    }
    Ok(copied)
}

/// `text` as a TOML string, quoted and escaped.
pub(crate) fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// Writes `contents` to `path` as a new file (never over one: if something
/// is there, or appeared there meanwhile, it stops), making its folders.
pub(crate) fn write_new(path: &Path, contents: impl AsRef<[u8]>) -> Result<PathBuf, InitError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| cannot("write", parent, e))?;
    }
    let mut file = std::fs::File::create_new(path).map_err(|e| cannot("write", path, e))?;
    file.write_all(contents.as_ref())
        .map_err(|e| cannot("write", path, e))?;
    Ok(path.to_path_buf())
}

/// A failure to `verb` `path`, for people.
fn cannot(verb: &str, path: &Path, e: std::io::Error) -> InitError {
    InitError(format!("cannot {verb} {}: {e}", path.display()))
}
