//! A large output file checked and written piece by piece as it is made, so
//! that a file that grows with the site (`data/decisions.json`) is never
//! held whole.
//!
//! Every piece goes through the leak scan ([`crate::scan`]) and the
//! personal-data guard ([`crate::guard`]) on its way to the staging folder:
//! both see every byte, in order, and find exactly what they would find in
//! the whole file. A file in which exempt text is found is removed from
//! staging as soon as it is finished. This module must never let a file be
//! published without passing both.
//!
//! When the last build wrote the same path under the same fingerprints and
//! rules, the file is written to staging first and judged once finished:
//! if its bytes hash the same as those the last build judged, their verdict
//! holds ([`crate::cache::UnitRecord::verdict`]); otherwise the staged file
//! is read back and judged whole, before anything is published.

use std::io;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::cache::{Digest, OutFile, Previous, UnitRecord};
use crate::guard::{FileFindings, Guard, InspectStream};
use crate::output::{Publisher, WriteError};
use crate::scan::{Fingerprints, Leak, ScanStream};

/// Bytes gathered before a piece is checked and written.
const PIECE: usize = 1 << 20;

/// One output file being made (see the module docs). Write to it, then
/// [`CheckedFile::finish`] it.
pub struct CheckedFile<'a> {
    scan: ScanStream<'a>,
    guard: InspectStream<'a>,
    path: String,
    /// The staged file and its hash so far, when building (not when only
    /// checking).
    file: Option<((std::fs::File, PathBuf), blake3::Hasher)>,
    /// Where it goes, and the last build's files of its unit.
    publisher: Option<(&'a Publisher, Previous<'a>)>,
    /// What this build judges under, and the last build's record of the
    /// file's unit, when the file is written to staging: then it is judged
    /// once finished, by its hash or read back whole.
    judged: Option<(&'a Digest, &'a UnitRecord)>,
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
    /// The file as written, when it was (no leaks, and building).
    pub written: Option<OutFile>,
    pub size: usize,
    pub times: Times,
}

impl<'a> CheckedFile<'a> {
    /// Starts `path` (relative to the output folder); it is written by
    /// `publisher` when there is one, which is given the last build's files
    /// of the same unit. `judged` is what this build judges under and the
    /// last build's record of the unit, if any.
    pub fn new(
        path: &str,
        fingerprints: &'a Fingerprints,
        guard: &'a Guard,
        publisher: Option<(&'a Publisher, Previous<'a>)>,
        judged: Option<(&'a Digest, &'a UnitRecord)>,
    ) -> Result<CheckedFile<'a>, WriteError> {
        let file = match publisher {
            Some((p, _)) => Some((p.create(path)?, blake3::Hasher::new())),
            None => None,
        };
        // Without a staged file to read back, every piece is judged on its way.
        let judged = judged.filter(|_| file.is_some());
        Ok(CheckedFile {
            scan: fingerprints.stream(path),
            guard: guard.stream(path),
            path: path.to_string(),
            file,
            publisher,
            judged,
            piece: Vec::with_capacity(PIECE),
            size: 0,
            failed: None,
            times: Times::default(),
        })
    }

    /// Checks the gathered piece (unless the file is judged once
    /// finished), then writes it.
    fn pass(&mut self) -> io::Result<()> {
        if self.judged.is_none() {
            self.judge(0..self.piece.len());
        }
        let writing = Instant::now();
        let piece = &self.piece;
        if let Some(((file, target), hasher)) = &mut self.file {
            hasher.update(piece);
            if let Err(error) = io::Write::write_all(file, piece) {
                let copy = io::Error::new(error.kind(), error.to_string());
                self.failed = Some(WriteError {
                    path: target.clone(),
                    error,
                    advice: "",
                });
                return Err(copy);
            }
            self.times.write += writing.elapsed();
        }
        self.size += piece.len();
        self.piece.clear();
        Ok(())
    }

    /// Feeds `range` of the gathered piece to the scan and the guard.
    fn judge(&mut self, range: std::ops::Range<usize>) {
        let piece = &self.piece[range];
        let start = Instant::now();
        self.scan.feed(piece);
        let scanned = Instant::now();
        self.guard.feed(piece);
        self.times.scan += scanned - start;
        self.times.guard += scanned.elapsed();
    }

    /// Judges the finished file, written to staging at `target` without
    /// being judged, whose bytes hash to `hash`: the last build's verdict
    /// on the same bytes when there is one, else `None` once the staged
    /// file has been read back through the scan and the guard.
    fn judge_staged(
        &mut self,
        target: &std::path::Path,
        hash: &Digest,
    ) -> io::Result<Option<FileFindings>> {
        let (under, record) = self.judged.expect("a file judged once finished");
        if let Some(found) = record.verdict(under, &self.path, hash) {
            return Ok(Some(found));
        }
        let mut staged = std::fs::File::open(target)?;
        self.piece.clear();
        self.piece.resize(PIECE, 0);
        loop {
            let n = io::Read::read(&mut staged, &mut self.piece)?;
            if n == 0 {
                break;
            }
            self.judge(0..n);
        }
        Ok(None)
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
                .map(|((_, target), _)| target)
                .unwrap_or_default();
            return Err(WriteError {
                path,
                error,
                advice: "",
            });
        }
        let hash = self.file.as_ref().map(|(_, h)| *h.finalize().as_bytes());
        let reused = match (&self.file, hash) {
            (Some(((_, target), _)), Some(hash)) if self.judged.is_some() => {
                let target = target.clone();
                self.judge_staged(&target, &hash)
                    .map_err(|error| WriteError {
                        path: target,
                        error,
                        advice: "",
                    })?
            }
            _ => None,
        };
        let (leaks, findings) = match reused {
            Some(found) => (Vec::new(), found),
            None => (self.scan.finish(), self.guard.finish()),
        };
        let mut written = None;
        if let (Some(((file, target), _)), Some((publisher, previous)), Some(hash)) =
            (self.file.take(), self.publisher, hash)
        {
            if leaks.is_empty() {
                written = Some(publisher.end(&self.path, (file, target), hash, previous)?);
            } else {
                drop(file);
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
            written,
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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::scan::FingerprintsBuilder;

    const SECRET: &str = "The bid from Thornbury Outdoor Club scored seventy one points on quality and price overall.";

    fn fingerprints() -> Fingerprints {
        let mut b = FingerprintsBuilder::default();
        b.add_exempt("content/decisions/22-00073/appendix-1.md", SECRET);
        b.finish().0
    }

    /// `filler` bytes of public text ending in a space, then `planted`,
    /// then more public text.
    fn file(filler: usize, planted: &str) -> Vec<u8> {
        let mut bytes = "public words, ".repeat(filler / 14 + 1).into_bytes();
        bytes.truncate(filler - 1);
        bytes.push(b' ');
        bytes.extend_from_slice(planted.as_bytes());
        bytes.extend_from_slice(" and more public words.\n".repeat(10).as_bytes());
        bytes
    }

    /// Checks `bytes`, written in writes of `write_size` bytes.
    fn check(
        path: &str,
        bytes: &[u8],
        write_size: usize,
        publisher: Option<(&Publisher, &[OutFile])>,
    ) -> Checked {
        let f = fingerprints();
        let guard = Guard::allowing(&[]);
        let publisher = publisher.map(|(p, files)| (p, Previous::Files(files)));
        let mut file = CheckedFile::new(path, &f, &guard, publisher, None).unwrap();
        let written = bytes.chunks(write_size).try_for_each(|c| file.write_all(c));
        file.finish(written).unwrap()
    }

    /// Whether `path` is in staging: a file of the same name cannot be
    /// created again while it is.
    fn staged(publisher: &Publisher, path: &str) -> bool {
        publisher.create(path).is_err()
    }

    #[test]
    fn exempt_text_across_a_piece_boundary_is_found_and_not_left_in_staging() {
        let dir = tempfile::tempdir().unwrap();
        let publisher = Publisher::fresh(&dir.path().join("public")).unwrap();
        let to = Some((&publisher, &[][..]));
        // The exempt sentence starts a little or a lot before the first
        // piece ends: writes that divide a piece end it at `PIECE`, one
        // larger write just after.
        for before in [1, 20, 45, SECRET.len() - 1] {
            let bytes = file(PIECE - before, SECRET);
            for write_size in [4096, 1 << 16, PIECE + 7] {
                let path = format!("{before}-{write_size}.json");
                let done = check(&path, &bytes, write_size, to);
                assert_eq!(done.leaks.len(), 1, "{path}");
                assert_eq!(done.size, bytes.len());
                assert!(done.written.is_none());
                assert!(!staged(&publisher, &path), "{path} was left in staging");
            }
        }
        // A clean file is written whole.
        let bytes = file(PIECE + 10, "nothing exempt here");
        let done = check("clean.json", &bytes, 777, to);
        assert!(done.leaks.is_empty());
        let written = done.written.unwrap();
        assert_eq!(written.hash, *blake3::hash(&bytes).as_bytes());
        publisher
            .publish(&[], &["clean.json".to_string()], &|_| None)
            .unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("public/clean.json")).unwrap(),
            bytes
        );
    }

    #[test]
    fn re_typed_exempt_text_across_a_piece_boundary_is_found() {
        // Invisible characters, references, look-alike and multi-byte
        // letters and inline tags, each cut by the end of the first piece
        // at every byte of the sentence.
        let planted = "The b\u{200b}id fr&shy;om Th<b>orn</b>bury \u{41e}utdoor C&#8203;lub sc<span class=\"x\">or</span>ed s\u{435}venty \u{ff4f}ne p&ZeroWidthSpace;oints on quality";
        let f = fingerprints();
        assert_eq!(f.scan("x.json", planted.as_bytes()).len(), 1);
        for before in 1..planted.len() {
            let bytes = file(PIECE - before, planted);
            let done = check("x.json", &bytes, 1 << 16, None);
            assert_eq!(done.leaks.len(), 1, "cut {before} bytes before its end");
        }
    }

    #[test]
    fn personal_data_across_a_piece_boundary_is_found() {
        for planted in ["NHS number 943 476 5919", "Date of birth:\n 12 March 1950"] {
            for before in 1..planted.len() {
                let bytes = file(PIECE - before, planted);
                let done = check("x.json", &bytes, 3000, None);
                assert!(
                    Guard::found_any(&done.findings),
                    "{planted:?} cut {before} bytes before its end"
                );
                let whole = Guard::allowing(&[]).inspect("x.json", &bytes);
                assert_eq!(format!("{:?}", done.findings), format!("{whole:?}"));
                assert!(done.leaks.is_empty());
            }
        }
    }

    #[test]
    fn a_file_made_again_keeps_its_verdict_only_for_the_bytes_judged_else_is_read_back_and_judged()
    {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("public");
        let f = fingerprints();
        let guard = Guard::allowing(&[]);
        let make = |publisher: &Publisher,
                    previous: &[OutFile],
                    judged: Option<(&Digest, &UnitRecord)>,
                    path: &str,
                    bytes: &[u8]| {
            let mut file = CheckedFile::new(
                path,
                &f,
                &guard,
                Some((publisher, Previous::Files(previous))),
                judged,
            )
            .unwrap();
            let written = bytes.chunks(4096).try_for_each(|c| file.write_all(c));
            file.finish(written).unwrap()
        };
        let clean = file(PIECE + 10, "nothing exempt here");
        let first = Publisher::fresh(&public).unwrap();
        let old = [make(&first, &[], None, "a.json", &clean).written.unwrap()];
        first
            .publish(&[], &["a.json".to_string()], &|_| None)
            .unwrap();
        let under = [9; 32];
        let record = UnitRecord::judged(under, old.to_vec(), Vec::new());

        // The bytes judged before, under the same fingerprints and rules:
        // their verdict holds, and nothing is scanned.
        let again = Publisher::in_place(&public).unwrap();
        let same = make(&again, &old, Some((&under, &record)), "a.json", &clean);
        assert!(same.leaks.is_empty());
        assert_eq!(same.written.as_ref(), Some(&old[0]));
        assert_eq!(same.times.scan + same.times.guard, Duration::ZERO);

        // Any other bytes are read back from staging and judged whole: exempt
        // text anywhere (either side of a piece's end) is found, and the
        // staged file removed; so is personal data.
        for before in [1, 45, PIECE / 2] {
            let path = format!("leak-{before}.json");
            let bytes = file(PIECE - before, SECRET);
            let done = make(&again, &old, Some((&under, &record)), &path, &bytes);
            assert_eq!(done.leaks.len(), 1, "{path}");
            assert!(done.written.is_none());
            assert!(!staged(&again, &path), "{path} was left in staging");
        }
        let mut leaked = clean.clone();
        leaked.extend_from_slice(SECRET.as_bytes());
        let done = make(&again, &old, Some((&under, &record)), "a.json", &leaked);
        assert_eq!(done.leaks.len(), 1);
        let personal = file(PIECE - 5, "NHS number 943 476 5919");
        let done = make(&again, &old, Some((&under, &record)), "p.json", &personal);
        assert!(Guard::found_any(&done.findings));

        // A verdict is on bytes judged under given fingerprints and rules:
        // a record that says these bytes were judged under other ones does
        // not spare them (here it would wrongly, as under `under` they were
        // never judged at all: the test forges the record).
        let forged = UnitRecord::judged(
            [8; 32],
            vec![OutFile {
                path: "f.json".to_string(),
                hash: *blake3::hash(&leaked).as_bytes(),
                stamp: old[0].stamp,
            }],
            Vec::new(),
        );
        let done = make(&again, &old, Some((&under, &forged)), "f.json", &leaked);
        assert_eq!(done.leaks.len(), 1);
    }

    #[test]
    fn in_place_a_file_whose_bytes_are_unchanged_is_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("public");
        let bytes = file(PIECE + 10, "nothing exempt here");
        let first = Publisher::fresh(&public).unwrap();
        let old = check("a.json", &bytes, 4096, Some((&first, &[]))).written;
        let old = [old.unwrap()];
        first
            .publish(&[], &["a.json".to_string()], &|_| None)
            .unwrap();
        let again = Publisher::in_place(&public).unwrap();
        let same = check("a.json", &bytes, 4096, Some((&again, &old[..])));
        assert_eq!(same.written.as_ref(), Some(&old[0]));
        // Its staged copy is gone: the changed bytes below are staged anew.
        let mut other = bytes.clone();
        other.extend_from_slice(b"one more line\n");
        let changed = check("a.json", &other, 4096, Some((&again, &old[..])));
        assert_ne!(changed.written.unwrap().hash, old[0].hash);
        assert_eq!(
            again
                .publish(&[], &["a.json".to_string()], &|_| None)
                .unwrap(),
            Some(vec!["a.json".to_string()])
        );
        assert_eq!(std::fs::read(public.join("a.json")).unwrap(), other);
    }
}
