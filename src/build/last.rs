//! What the last build left: its units' records, and whether the output
//! folder still holds what it wrote.

use std::path::Path;

use super::paths::absolute;
use crate::diagnostics::Diagnostics;
use crate::{cache, output, report, scan};

/// What the last build made (from the cache), whether the output folder
/// is still as it left it (then only what changed is written), and which
/// units' files still hold the bytes they were judged on.
pub(super) struct LastBuild {
    pub(super) units: std::collections::HashMap<String, cache::UnitRecord>,
    pub(super) output: Option<cache::OutputRecord>,
    pub(super) in_place: bool,
    /// The units every file of which, hashed again from the output folder
    /// in this build, holds the bytes the last build wrote and judged: only
    /// their verdicts may be reused, and only their files left as they are.
    pub(super) proven: std::collections::HashSet<String>,
    /// In place: files of the last build whose bytes are not those it
    /// wrote (changed since by hand or otherwise), to be scanned as found.
    pub(super) altered: Vec<String>,
}

impl LastBuild {
    /// Looks at what the last build left on a thread of its own, while the
    /// site is parsed and pass 1 runs (both leave a core idle at times).
    pub(super) fn beside(
        cache: cache::Cache,
        output: &Path,
        write: bool,
    ) -> std::thread::JoinHandle<LastBuild> {
        let output = output.to_path_buf();
        std::thread::spawn(move || LastBuild::of(&cache, &output, write))
    }

    /// Where pass 2 stages the files it makes, when building: beside the
    /// output folder, to be swapped in whole, or inside it when the output
    /// is as the last build left it (only changed files are then written).
    pub(super) fn publisher(
        &self,
        output: &Path,
        write: bool,
    ) -> Result<Option<output::Publisher>, crate::Error> {
        let publisher = match (write, self.in_place) {
            (false, _) => return Ok(None),
            (true, true) => output::Publisher::in_place(output),
            (true, false) => output::Publisher::fresh(output),
        };
        publisher.map(Some).map_err(crate::Error::Write)
    }

    pub(super) fn of(cache: &cache::Cache, output: &Path, write: bool) -> LastBuild {
        let units = cache.last_units();
        let old_output = cache.last_output();
        let same_output = old_output.as_ref().filter(|o| o.output == absolute(output));
        // Stamps say the files are where they were; only their bytes say
        // they are what was judged. (A check judges the files a build made.)
        let mut proven = std::collections::HashSet::new();
        let mut altered = Vec::new();
        let mut in_place = false;
        if same_output.is_some() || !write {
            let files: Vec<&cache::OutFile> = units.values().flat_map(|u| &u.files).collect();
            let looked = output::look_again(output, same_output, &files);
            in_place = looked.in_place;
            let mut same = looked.same.into_iter();
            for unit in units.values() {
                let mut all = true;
                for (f, same) in unit.files.iter().zip(same.by_ref()) {
                    if !same {
                        all = false;
                        altered.push(f.path.clone());
                    }
                }
                if all {
                    proven.insert(unit.name.clone());
                }
            }
        }
        if !in_place {
            altered.clear();
        }
        altered.sort();
        LastBuild {
            units,
            output: old_output,
            in_place,
            proven,
            altered,
        }
    }
}

/// Scans, as found, the output files the last build wrote and that no
/// longer hold its bytes. A file changed by hand may already be online:
/// exempt text in one fails the build, so it is reported, not silently
/// written over. (Every file the build writes is scanned as it is made.)
pub(super) fn scan_altered(
    output: &Path,
    altered: &[String],
    fingerprints: &scan::Fingerprints,
    diags: &mut Diagnostics,
) {
    use rayon::prelude::*;
    let found: Vec<Vec<scan::Leak>> = altered
        .par_iter()
        .map(|path| match std::fs::read(output.join(path)) {
            Ok(bytes) => fingerprints.scan(path, &bytes),
            // Gone or unreadable: nothing of it can be published as it is.
            Err(_) => Vec::new(),
        })
        .collect();
    for leak in found.iter().flatten() {
        diags.push(report::altered_leak_diagnostic(leak));
    }
}
