//! Publishing: the staged files put in place (swapped in whole, or in
//! place), the withholding report beside them, and the build cache told
//! what the output folder now holds. Files change only here, after every
//! check has passed.

use std::collections::HashSet;
use std::path::Path;

use super::cache_error;
use super::last::LastBuild;
use super::paths::absolute;
use crate::{Error, Options, cache, output, report};

/// What pass 2 wrote to staging, and the records the cache keeps of it.
pub(super) struct Written {
    /// Every path the site has, sorted.
    pub(super) paths: Vec<String>,
    /// The units reused, by name: their files are as they were.
    pub(super) reused: HashSet<String>,
    /// Pass 2's notes of its units, and pass 1's of the folders.
    pub(super) units: Option<cache::Units>,
    pub(super) folders: cache::FolderNotes,
}

/// Publishes what `publisher` staged, with the withholding report.
pub(super) fn publish(
    options: &Options,
    cache: &cache::Cache,
    publisher: output::Publisher,
    written: Written,
    last: &LastBuild,
    report: &report::Report,
) -> Result<(), Error> {
    // In place, the last build's files that no unit wrote again go.
    let removed: Vec<String> = match last.in_place {
        true => last
            .units
            .values()
            // A unit reused has the files it had.
            .filter(|u| !written.reused.contains(&u.name))
            .flat_map(|u| &u.files)
            .filter(|f| written.paths.binary_search(&f.path).is_err())
            // Only paths inside the output folder, whatever a record says.
            .filter(|f| {
                Path::new(&f.path)
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)))
            })
            .map(|f| f.path.clone())
            .collect(),
        false => Vec::new(),
    };
    // The journal says the output folder is changing until the cache
    // describes it again; a build that stops in between is noticed.
    // The report is made while the journal reaches the disk, and put
    // in place once the site is published.
    let (journal, report_files) = rayon::join(
        || {
            cache
                .publishing(&options.output)
                .map_err(cache_error(cache))
        },
        || report.prepare(&options.report_dir).map_err(Error::Write),
    );
    journal?;
    let report_files = report_files?;
    // The hash of each file this build did not write, for the marker: as
    // the last build wrote it (its bytes were hashed again in this build).
    let last_hashes: std::collections::HashMap<&str, cache::Digest> = last
        .units
        .values()
        .flat_map(|u| &u.files)
        .map(|f| (f.path.as_str(), f.hash))
        .collect();
    let kept = |path: &str| last_hashes.get(path).copied();
    let changed = publisher
        .publish(&removed, &written.paths, &kept)
        .map_err(Error::Write)?;
    if cache.keeps() {
        // In place, only the folders holding what changed are looked at
        // again, and those whose stamp was racy (so that it settles).
        let (old_dirs, racy) = match (&changed, &last.output) {
            (Some(_), Some(o)) => (o.dirs.clone(), o.racy.clone()),
            _ => Default::default(),
        };
        let mut touched: HashSet<&str> = racy.iter().map(String::as_str).collect();
        touched.insert("");
        for path in changed.iter().flatten() {
            let mut rest = path.as_str();
            while let Some((dir, _)) = rest.rsplit_once('/') {
                touched.insert(dir);
                rest = dir;
            }
        }
        let stamps = output::dir_stamps(&options.output, &written.paths, &old_dirs, |d| {
            touched.contains(d)
        })
        .map_err(Error::Write)?;
        let output = cache::OutputRecord {
            output: absolute(&options.output),
            dirs: stamps.dirs,
            racy: stamps.racy,
        };
        cache
            .published(written.folders, written.units, &output)
            .map_err(cache_error(cache))?;
    }
    for file in report_files {
        file.put_in_place().map_err(Error::Write)?;
    }
    Ok(())
}
