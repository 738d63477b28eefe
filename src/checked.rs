//! A large output file checked and written piece by piece as it is made, so
//! that a file that grows with the site (`data/decisions.json`) is never
//! held whole.
//!
//! Every piece goes through the leak scan ([`crate::scan`]) and the
//! personal-data guard ([`crate::guard`]) on its way to the staging folder:
//! both see every byte, in order, and find exactly what they would find in
//! the whole file. A file in which exempt text is found is removed from
//! staging as soon as it is finished. This module must never let a piece
//! reach staging without passing both.

use std::io;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::guard::{FileFindings, Guard, InspectStream};
use crate::output::{Staging, WriteError};
use crate::scan::{Fingerprints, Leak, ScanStream};

/// Bytes gathered before a piece is checked and written.
const PIECE: usize = 1 << 20;

/// One output file being made (see the module docs). Write to it, then
/// [`CheckedFile::finish`] it.
pub struct CheckedFile<'a> {
    scan: ScanStream<'a>,
    guard: InspectStream<'a>,
    /// The staged file, when building (not when only checking).
    file: Option<(std::fs::File, PathBuf)>,
    piece: Vec<u8>,
    size: usize,
    /// The first failure to write to staging.
    failed: Option<WriteError>,
    times: Times,
}

/// Time spent on each step, for the build's timings.
#[derive(Debug, Default, Clone, Copy)]
pub struct Times {
    pub scan: Duration,
    pub guard: Duration,
    pub write: Duration,
}

/// What a finished file showed, and its size in bytes.
pub struct Checked {
    pub leaks: Vec<Leak>,
    pub findings: FileFindings,
    pub size: usize,
    pub times: Times,
}

impl<'a> CheckedFile<'a> {
    /// Starts `path` (relative to the output folder); it is written to
    /// `staging` when there is one.
    pub fn new(
        path: &str,
        fingerprints: &'a Fingerprints,
        guard: &'a Guard,
        staging: Option<&Staging>,
    ) -> Result<CheckedFile<'a>, WriteError> {
        Ok(CheckedFile {
            scan: fingerprints.stream(path),
            guard: guard.stream(path),
            file: staging.map(|s| s.create(path)).transpose()?,
            piece: Vec::with_capacity(PIECE),
            size: 0,
            failed: None,
            times: Times::default(),
        })
    }

    /// Checks the gathered piece, then writes it.
    fn pass(&mut self) -> io::Result<()> {
        let piece = &self.piece;
        let start = Instant::now();
        self.scan.feed(piece);
        let scanned = Instant::now();
        self.guard.feed(piece);
        let guarded = Instant::now();
        self.times.scan += scanned - start;
        self.times.guard += guarded - scanned;
        if let Some((file, target)) = &mut self.file {
            if let Err(error) = io::Write::write_all(file, piece) {
                let copy = io::Error::new(error.kind(), error.to_string());
                self.failed = Some(WriteError {
                    path: target.clone(),
                    error,
                    advice: "",
                });
                return Err(copy);
            }
            self.times.write += guarded.elapsed();
        }
        self.size += piece.len();
        self.piece.clear();
        Ok(())
    }

    /// Checks and writes what is left. `written` is how the writing went;
    /// a failure to write to staging is an error, with the path.
    pub fn finish(mut self, written: io::Result<()>) -> Result<Checked, WriteError> {
        let last = written.and_then(|()| self.pass());
        if let Some(failed) = self.failed.take() {
            return Err(failed);
        }
        if let Err(error) = last {
            // Making the file failed, not staging it: nothing to show for it.
            let path = self
                .file
                .take()
                .map(|(_, target)| target)
                .unwrap_or_default();
            return Err(WriteError {
                path,
                error,
                advice: "",
            });
        }
        let leaks = self.scan.finish();
        let findings = self.guard.finish();
        if let Some((file, target)) = self.file.take() {
            drop(file);
            if !leaks.is_empty() {
                // Exempt text stays in staging no longer than it takes to find it.
                std::fs::remove_file(&target).map_err(|error| WriteError {
                    path: target,
                    error,
                    advice: "",
                })?;
            }
        }
        Ok(Checked {
            leaks,
            findings,
            size: self.size,
            times: self.times,
        })
    }
}

impl io::Write for CheckedFile<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.piece.extend_from_slice(bytes);
        if self.piece.len() >= PIECE {
            self.pass()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
