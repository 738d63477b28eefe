//! Noticing changes to a site's sources and rebuilding.
//!
//! Polls `site.toml`, `content/`, `data/` and `templates/` every
//! [`POLL`] for a fingerprint of paths, sizes and modification times: cheap,
//! portable and without dependencies. The output and report folders are not
//! watched, so a build never triggers another. Rebuilds use
//! [`crate::build`], which publishes atomically: after a failed rebuild the
//! last good site stays on disk and is still served.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant, SystemTime};

use super::{Event, Shared, page};
use crate::Options;

/// How often the sources are looked at.
pub const POLL: Duration = Duration::from_millis(300);
/// Editors save in steps (write, rename, touch): a change is built once the
/// sources have looked the same for this long, or after `SETTLE_MAX` tries.
const SETTLE: Duration = Duration::from_millis(100);
const SETTLE_MAX: usize = 20;
/// The most changed paths named in one [`Event::Changed`].
pub const MAX_NAMED: usize = 10;

/// Every watched path with its size and modification time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fingerprint {
    entries: BTreeMap<PathBuf, Stamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stamp {
    File {
        len: u64,
        modified: Option<SystemTime>,
    },
    Dir,
    /// A path that vanished or could not be read while walking.
    Unreadable,
}

impl Fingerprint {
    pub fn of(root: &Path) -> Fingerprint {
        let mut entries = BTreeMap::new();
        for watched in crate::source::SOURCES {
            let start = root.join(watched);
            if std::fs::symlink_metadata(&start).is_err() {
                continue;
            }
            for entry in walkdir::WalkDir::new(&start).sort_by_file_name() {
                let (path, stamp) = match entry {
                    Ok(entry) => {
                        let stamp = match entry.metadata() {
                            Ok(m) if m.is_dir() => Stamp::Dir,
                            Ok(m) => Stamp::File {
                                len: m.len(),
                                modified: m.modified().ok(),
                            },
                            Err(_) => Stamp::Unreadable,
                        };
                        (entry.into_path(), stamp)
                    }
                    Err(e) => match e.path() {
                        Some(p) => (p.to_path_buf(), Stamp::Unreadable),
                        None => continue,
                    },
                };
                let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                entries.insert(relative, stamp);
            }
        }
        Fingerprint { entries }
    }

    /// Paths added, removed or changed since `before`, `/`-separated, sorted.
    pub fn changed_since(&self, before: &Fingerprint) -> Vec<String> {
        let mut paths: Vec<&PathBuf> = self
            .entries
            .iter()
            .filter(|(path, stamp)| before.entries.get(*path) != Some(stamp))
            .map(|(path, _)| path)
            .chain(
                before
                    .entries
                    .keys()
                    .filter(|path| !self.entries.contains_key(*path)),
            )
            .collect();
        paths.sort();
        paths
            .into_iter()
            .map(|p| crate::diagnostics::display_path(Path::new(""), p))
            .collect()
    }
}

/// The watcher's loop: runs until the server stops.
pub(super) fn run(
    shared: &Shared,
    options: &Options,
    mut last: Fingerprint,
    events: &Sender<Event>,
) {
    loop {
        if shared.pause(POLL) {
            return;
        }
        let mut now = Fingerprint::of(&options.root);
        if now == last {
            continue;
        }
        for _ in 0..SETTLE_MAX {
            if shared.pause(SETTLE) {
                return;
            }
            let again = Fingerprint::of(&options.root);
            if again == now {
                break;
            }
            now = again;
        }
        let mut paths = now.changed_since(&last);
        paths.truncate(MAX_NAMED);
        // Taken before the build: an edit made while it runs triggers another.
        last = now;
        let _ = events.send(Event::Changed { paths });
        shared.status().building = true;
        let started = Instant::now();
        let result = crate::build(options);
        let took = started.elapsed();
        {
            let mut status = shared.status();
            status.generation += 1;
            status.building = false;
            status.banner = page::banner(result.as_ref()).map(Arc::from);
            shared.changed.notify_all();
        }
        let _ = events.send(Event::Rebuilt {
            result: Box::new(result),
            took,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_sees_edits_additions_and_removals_but_not_output() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("site.toml"), "title = 1").unwrap();
        std::fs::create_dir_all(root.join("content/pages")).unwrap();
        std::fs::write(root.join("content/pages/a.md"), "a").unwrap();
        let first = Fingerprint::of(root);

        std::fs::create_dir_all(root.join("public")).unwrap();
        std::fs::write(root.join("public/index.html"), "built").unwrap();
        assert_eq!(Fingerprint::of(root), first, "the output is not watched");

        std::fs::write(root.join("content/pages/a.md"), "ab").unwrap();
        std::fs::create_dir_all(root.join("data")).unwrap();
        std::fs::write(root.join("data/x.csv"), "x").unwrap();
        std::fs::remove_file(root.join("site.toml")).unwrap();
        let second = Fingerprint::of(root);
        assert_eq!(
            second.changed_since(&first),
            ["content/pages/a.md", "data", "data/x.csv", "site.toml"]
        );
    }
}
