//! Machine-readable forms of a run's diagnostics, for continuous integration.
//!
//! `plainsight check --format json|github` (and `build`) print these. They
//! live in the library, as pure functions returning strings, so that their
//! exact format is unit-tested here; the binary only prints what they return.
//!
//! Neither form adds anything to a diagnostic: they carry its file, position,
//! severity, message and help, which the library already guarantees never
//! quote exempt text (CI logs are often public). Field names of the JSON
//! document are a stable interface, documented in `docs/ci.md`; change them
//! only with a new `format_version`.

use std::path::Path;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Severity};

/// Exit status: the run found no content error.
pub const EXIT_OK: u8 = 0;
/// Exit status: content errors (each one is a diagnostic); nothing was written.
pub const EXIT_CONTENT_ERRORS: u8 = 1;
/// Exit status: a usage or internal failure (bad arguments or environment,
/// unreadable folder, output folder not ours); not the content's fault.
pub const EXIT_USAGE: u8 = 2;

/// What an exit status means, in the words the README and docs/ci.md use.
pub fn exit_meaning(code: u8) -> &'static str {
    match code {
        EXIT_OK => "fine: no content errors",
        EXIT_CONTENT_ERRORS => {
            "content errors: each is listed with file, line, column and how to fix it; nothing was written"
        }
        _ => {
            "usage or internal failure: bad arguments or environment, unreadable folder, or output folder not ours"
        }
    }
}

/// The version of the JSON document's shape. Raised only when a field is
/// renamed, removed or changes meaning; adding a field keeps it.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// The one JSON document `--format json` prints on stdout.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    pub format_version: u32,
    /// `"check"` or `"build"`.
    pub command: &'a str,
    /// The process's exit status: 0, 1 or 2.
    pub exit_code: u8,
    /// [`exit_meaning`] of `exit_code`.
    pub exit_meaning: &'a str,
    /// For exit status 2 only: what went wrong, in one sentence.
    pub failure: Option<&'a str>,
    pub counts: Counts,
    /// Files written to the output folder (0 for `check` and failed builds).
    pub files_written: usize,
    /// Every diagnostic, sorted by file, line and column.
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

/// One diagnostic in the JSON document. `line` and `column` are 1-based,
/// and `null` when unknown (the problem is about the whole file, or a line).
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub file: &'a str,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub severity: Severity,
    pub message: &'a str,
    pub help: Option<&'a str>,
}

impl Counts {
    pub fn of(diagnostics: &[Diagnostic]) -> Counts {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Counts {
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}

/// The JSON document for a run. `failure` is the usage or internal error
/// when there is one (exit status 2), in which case `diagnostics` is empty.
pub fn json(
    command: &str,
    diagnostics: &[Diagnostic],
    files_written: usize,
    failure: Option<&str>,
) -> String {
    let counts = Counts::of(diagnostics);
    let exit_code = match (failure, counts.errors) {
        (Some(_), _) => EXIT_USAGE,
        (None, 0) => EXIT_OK,
        (None, _) => EXIT_CONTENT_ERRORS,
    };
    let report = JsonReport {
        format_version: JSON_FORMAT_VERSION,
        command,
        exit_code,
        exit_meaning: exit_meaning(exit_code),
        failure,
        counts,
        files_written,
        diagnostics: diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                file: &d.file,
                line: (d.line > 0).then_some(d.line),
                column: (d.line > 0 && d.column > 0).then_some(d.column),
                severity: d.severity,
                message: &d.message,
                help: d.help.as_deref(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&report).expect("the report serialises") + "\n"
}

/// Diagnostics as GitHub Actions workflow commands, one line each:
///
/// `::error file=PATH,line=L,col=C,title=plainsight::MESSAGE`
///
/// (`::warning` for warnings). `line` and `col` are left out when unknown;
/// the help follows the problem in the message, on its own line.
///
/// `prefix` is the site's folder as given on the command line: GitHub wants
/// paths relative to the repository (the working directory in a workflow),
/// while diagnostics name paths relative to the site.
pub fn github(prefix: &Path, diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| github_line(prefix, d) + "\n")
        .collect()
}

/// One diagnostic as a workflow command, without the line break.
pub fn github_line(prefix: &Path, d: &Diagnostic) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = vec![format!(
        "file={}",
        escape_property(&prefixed(prefix, &d.file))
    )];
    if d.line > 0 {
        properties.push(format!("line={}", d.line));
        if d.column > 0 {
            properties.push(format!("col={}", d.column));
        }
    }
    properties.push("title=plainsight".to_string());
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    format!(
        "::{command} {}::{}",
        properties.join(","),
        escape_data(&message)
    )
}

/// `file` under the site folder `prefix`, with `/` separators and no `./`.
fn prefixed(prefix: &Path, file: &str) -> String {
    if Path::new(file).is_absolute() {
        return file.to_string();
    }
    let mut parts: Vec<String> = prefix
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.push(file.to_string());
    let joined = parts.join("/");
    // An absolute prefix starts with the root component `/`, already a separator.
    joined
        .strip_prefix("//")
        .map_or(joined.clone(), |rest| format!("/{rest}"))
}

/// Escapes a workflow command's message as the runner requires
/// (`%`, carriage return, line feed), so a message cannot end the command early
/// or start another one.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value: as [`escape_data`], and also
/// `:` and `,`, which would otherwise end the value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Position;

    fn at(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    #[test]
    fn github_error_with_position_and_help() {
        let d = Diagnostic::error("content/x.md", "unknown key `statsu`")
            .at(at(7, 12))
            .help("did you mean `status`?");
        assert_eq!(
            github_line(Path::new("."), &d),
            "::error file=content/x.md,line=7,col=12,title=plainsight::unknown key `statsu`%0Ahelp: did you mean `status`?"
        );
    }

    #[test]
    fn github_warning_without_position_omits_line_and_col() {
        let d = Diagnostic::warning("data/providers.csv", "a small count");
        assert_eq!(
            github_line(Path::new(""), &d),
            "::warning file=data/providers.csv,title=plainsight::a small count"
        );
    }

    #[test]
    fn github_line_without_column_omits_col_only() {
        let d = Diagnostic::error("site.toml", "bad").at(at(3, 0));
        assert_eq!(
            github_line(Path::new("."), &d),
            "::error file=site.toml,line=3,title=plainsight::bad"
        );
    }

    #[test]
    fn github_escapes_message_and_properties() {
        let d = Diagnostic::error("content/a,b:c%.md", "50% done\r\nnext: a, b")
            .at(at(1, 2))
            .help("fix: it, 100%");
        assert_eq!(
            github_line(Path::new("."), &d),
            "::error file=content/a%2Cb%3Ac%25.md,line=1,col=2,title=plainsight::50%25 done%0D%0Anext: a, b%0Ahelp: fix: it, 100%25"
        );
    }

    #[test]
    fn escaping_follows_the_runner_rules() {
        assert_eq!(escape_data("a%b\rc\nd:e,f"), "a%25b%0Dc%0Ad:e,f");
        assert_eq!(escape_property("a%b\rc\nd:e,f"), "a%25b%0Dc%0Ad%3Ae%2Cf");
        // `%` first, so an escape is never escaped twice.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn github_paths_are_relative_to_the_working_directory() {
        let d = Diagnostic::error("content/x.md", "m");
        assert!(github_line(Path::new("./site"), &d).contains("file=site/content/x.md,"));
        assert!(github_line(Path::new("site/"), &d).contains("file=site/content/x.md,"));
        assert!(github_line(Path::new("/srv/site"), &d).contains("file=/srv/site/content/x.md,"));
    }

    #[test]
    fn every_diagnostic_is_one_line() {
        let ds = vec![
            Diagnostic::error("a.md", "one\ntwo").help("three\nfour"),
            Diagnostic::warning("b.md", "five"),
        ];
        let out = github(Path::new("."), &ds);
        assert_eq!(out.lines().count(), 2);
        assert!(out.lines().all(|l| l.starts_with("::")));
    }

    #[test]
    fn json_has_stable_fields_counts_and_exit_meaning() {
        let ds = vec![
            Diagnostic::error("content/x.md", "bad")
                .at(at(7, 12))
                .help("fix it"),
            Diagnostic::warning("site.toml", "hmm"),
        ];
        let v: serde_json::Value = serde_json::from_str(&json("check", &ds, 0, None)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "format_version": 1,
                "command": "check",
                "exit_code": 1,
                "exit_meaning": exit_meaning(1),
                "failure": null,
                "counts": {"errors": 1, "warnings": 1},
                "files_written": 0,
                "diagnostics": [
                    {"file": "content/x.md", "line": 7, "column": 12, "severity": "error", "message": "bad", "help": "fix it"},
                    {"file": "site.toml", "line": null, "column": null, "severity": "warning", "message": "hmm", "help": null}
                ]
            })
        );
    }

    #[test]
    fn json_exit_codes() {
        let exit =
            |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap()["exit_code"].clone();
        assert_eq!(exit(&json("build", &[], 12, None)), 0);
        let warning = [Diagnostic::warning("a.md", "w")];
        assert_eq!(exit(&json("check", &warning, 0, None)), 0);
        assert_eq!(exit(&json("check", &[], 0, Some("no site.toml"))), 2);
    }
}
