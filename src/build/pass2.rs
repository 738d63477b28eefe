//! What pass 2's units of work produce, and the emitter that checks and
//! writes the site-wide files as the renderer makes them.

use crate::diagnostics::Diagnostics;
use crate::{Error, cache, guard, output};

/// A streamed file's unit, size, and time spent checking and writing it.
pub(super) type Streamed = (Unit, usize, std::time::Duration);

/// The site-wide pages and downloads, each checked and written as it is made.
pub(super) struct SiteFiles<'a> {
    /// The unit they belong to, in the cache.
    pub(super) name: &'a str,
    pub(super) process: &'a dyn Fn(&str, output::Files, Diagnostics) -> Result<Unit, Error>,
    pub(super) stream: &'a dyn Fn(&str, &str, output::Writer) -> Result<Streamed, Error>,
    pub(super) unit: Unit,
    pub(super) failure: Option<Error>,
    /// Time spent checking and writing rather than rendering.
    pub(super) elsewhere: std::time::Duration,
}

impl<'a> SiteFiles<'a> {
    pub(super) fn new(
        name: &'a str,
        process: &'a dyn Fn(&str, output::Files, Diagnostics) -> Result<Unit, Error>,
        stream: &'a dyn Fn(&str, &str, output::Writer) -> Result<Streamed, Error>,
    ) -> SiteFiles<'a> {
        SiteFiles {
            name,
            process,
            stream,
            unit: Unit::default(),
            failure: None,
            elsewhere: std::time::Duration::ZERO,
        }
    }
}

impl output::Emit for SiteFiles<'_> {
    fn files(&mut self, files: output::Files) {
        let start = std::time::Instant::now();
        if self.failure.is_none() {
            match (self.process)(self.name, files, Diagnostics::default()) {
                Ok(done) => self.unit.absorb(done),
                Err(e) => self.failure = Some(e),
            }
        }
        self.elsewhere += start.elapsed();
    }

    fn stream(&mut self, path: &str, write: output::Writer) -> usize {
        if self.failure.is_some() {
            return 0;
        }
        match (self.stream)(self.name, path, write) {
            Ok((done, size, checking)) => {
                self.elsewhere += checking;
                self.unit.absorb(done);
                size
            }
            Err(e) => {
                self.failure = Some(e);
                0
            }
        }
    }
}

/// What one unit of work (a decision, or the site-wide pages) produced.
#[derive(Default)]
pub(super) struct Unit {
    pub(super) diagnostics: Diagnostics,
    pub(super) paths: Vec<String>,
    pub(super) findings: Vec<guard::FileFindings>,
    /// The files as written (for the cache; emptied once noted there).
    pub(super) written: Vec<cache::OutFile>,
}

impl Unit {
    pub(super) fn absorb(&mut self, other: Unit) {
        self.diagnostics.extend(other.diagnostics);
        self.paths.extend(other.paths);
        self.findings.extend(other.findings);
        self.written.extend(other.written);
    }
}
