//! The folders a build writes in: each of its own, none overlapping the
//! site's sources or one another.

use std::path::{Path, PathBuf};

use crate::{Error, Options};

/// `path` made absolute (against the working folder) and normalised.
pub(super) fn absolute(path: &Path) -> PathBuf {
    let p = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    normalise(&p)
}

/// `path` as the system reaches it: made absolute, the longest part of it
/// that exists with its symbolic links resolved, the rest normalised. Two
/// paths that reach the same folder (through a link, `..` or a relative
/// path) come out alike.
pub(super) fn resolved(path: &Path) -> PathBuf {
    let whole = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let parts: Vec<_> = whole.components().collect();
    for end in (1..=parts.len()).rev() {
        let existing: PathBuf = parts[..end].iter().collect();
        if let Ok(real) = existing.canonicalize() {
            let rest: PathBuf = parts[end..].iter().collect();
            return normalise(&real.join(rest));
        }
    }
    normalise(&whole)
}

/// Whether one of two folders is, or is inside, the other.
pub(super) fn overlap(a: &Path, b: &Path) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

/// Refuses folders to write in that would overwrite, or delete, the site's
/// own files or one another's: the output, the withholding report and the
/// build cache must each be a folder of its own, outside content/, data/,
/// templates/, branding/ and static/, and none may hold the site folder. Paths are compared
/// as the system reaches them ([`resolved`]). `check` writes only the
/// cache (and reads it), so only the cache is checked then.
pub(super) fn check_paths(options: &Options, write: bool) -> Result<(), Error> {
    let root = resolved(&options.root);
    // The source folders (site.toml aside).
    let sources: Vec<(&str, PathBuf)> = crate::source::SOURCES
        .into_iter()
        .filter(|dir| *dir != crate::source::CONFIG_FILE)
        .map(|dir| (dir, resolved(&options.root.join(dir))))
        .collect();
    let mut folders: Vec<(&str, &Path)> = Vec::new();
    if write {
        folders.push(("the output folder", &options.output));
        folders.push(("the withholding report's folder", &options.report_dir));
    }
    if let Some(cache) = &options.cache_dir {
        folders.push(("the build cache's folder", cache));
    }
    let folders: Vec<(&str, &Path, PathBuf)> = folders
        .into_iter()
        .map(|(what, path)| (what, path, resolved(path)))
        .collect();
    for (what, path, real) in &folders {
        for (name, dir) in &sources {
            if overlap(real, dir) {
                return Err(Error::Usage(format!(
                    "{what} {} overlaps the site's {name}/ folder: choose a folder of its own, like public/, outside content/, data/, templates/, branding/ and static/",
                    path.display()
                )));
            }
        }
        if root.starts_with(real) {
            return Err(Error::Usage(format!(
                "{what} {} contains the site itself: choose a folder of its own, like public/",
                path.display()
            )));
        }
    }
    let find = |what: &str| folders.iter().find(|f| f.0 == what);
    let output = find("the output folder");
    let reports = find("the withholding report's folder");
    let cache = find("the build cache's folder");
    if let (Some((_, _, output)), Some((_, path, cache))) = (output, cache) {
        if overlap(output, cache) {
            return Err(Error::Usage(format!(
                "the build cache {} must be outside the output folder {}: it holds fingerprints of exempt text",
                path.display(),
                options.output.display()
            )));
        }
    }
    if let (Some((_, _, output)), Some((_, _, reports))) = (output, reports) {
        if overlap(output, reports) {
            return Err(Error::Usage(format!(
                "the withholding report must be written outside the output folder {}: it is for officers, not the public",
                options.output.display()
            )));
        }
    }
    // Nor inside any site plainsight publishes (another site's output,
    // found by its marker): the report names what is withheld and why.
    if let Some((_, path, reports)) = reports {
        let published = reports
            .ancestors()
            .find(|dir| dir.join(crate::output::MARKER).is_file());
        if let Some(site) = published {
            return Err(Error::Usage(format!(
                "the withholding report's folder {} is inside {}, a site plainsight publishes: the report is for officers, not the public; choose a folder outside any site",
                path.display(),
                site.display()
            )));
        }
    }
    // Nor over an officer's own file of the same name.
    if let Some((_, _, reports)) = reports {
        if let Some(theirs) = crate::report::someone_elses(reports) {
            return Err(Error::Usage(format!(
                "{} is already there and plainsight did not write it: the withholding report would replace it; move it, or choose another --report-dir",
                theirs.display()
            )));
        }
    }
    if let (Some((_, path, reports)), Some((_, _, cache))) = (reports, cache) {
        if overlap(reports, cache) {
            return Err(Error::Usage(format!(
                "the withholding report's folder {} overlaps the build cache's folder: give each a folder of its own",
                path.display()
            )));
        }
    }
    Ok(())
}

/// Removes `.` and `..` without touching the disk.
pub(super) fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
