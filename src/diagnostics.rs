//! Content problems, collected rather than thrown.
//!
//! Every stage pushes what it finds into a [`Diagnostics`] list so that one run
//! reports every problem, sorted by file, line and column, printed like a
//! compiler. This module never prints: the binary does.
//!
//! It also holds [`Rule`]: what one check enforces, in plain words, as the
//! modules that check list it (their `RULES`) for the accessibility statement.

use std::fmt;
use std::path::Path;

/// One automatic check, in plain words, with the WCAG 2.2 criteria it serves.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Rule {
    pub what: &'static str,
    /// Success criteria, like "1.3.1 Info and Relationships"; empty when the
    /// check goes beyond WCAG.
    pub wcag: &'static str,
}

/// How bad a problem is. Errors stop the build; warnings do not.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in the content, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    /// 1-based line, 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based column in characters, 0 when unknown.
    pub column: usize,
    pub severity: Severity,
    pub message: String,
    /// How to fix it, in one sentence.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: 0,
            column: 0,
            severity: Severity::Error,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    pub fn at(mut self, position: Position) -> Self {
        self.line = position.line;
        self.column = position.column;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn sort_key(&self) -> (&str, usize, usize, Severity, &str) {
        (
            &self.file,
            self.line,
            self.column,
            self.severity,
            &self.message,
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match (self.line, self.column) {
            (0, _) => write!(f, "{}: {severity}: {}", self.file, self.message)?,
            (line, 0) => write!(f, "{}:{line}: {severity}: {}", self.file, self.message)?,
            (line, column) => write!(
                f,
                "{}:{line}:{column}: {severity}: {}",
                self.file, self.message
            )?,
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Whether a message may quote what the source it is about says.
///
/// Messages reach CI logs, which are often public, so a value, key or name
/// written in an exempt source (or in one whose status is not known, as when
/// it cannot be parsed: fail closed) is never quoted. Code that puts a
/// source's text into a message does it through [`Quoting::quote`], so the
/// choice is made in one place rather than by editing finished messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    /// The source is known to be published: its text may be quoted.
    Public,
    /// The source is exempt, or may be: nothing it says is quoted.
    Withheld,
}

impl Quoting {
    /// `Public` only when both are.
    pub fn and(self, other: Quoting) -> Quoting {
        match (self, other) {
            (Quoting::Public, Quoting::Public) => Quoting::Public,
            _ => Quoting::Withheld,
        }
    }

    /// `text` in backticks, or `instead` (words saying what is meant, such
    /// as "this value") when the source is withheld. Text holding personal
    /// data (an NHS number, a date of birth) is not quoted from any source:
    /// a message would publish it to a CI log.
    pub fn quote(self, text: &str, instead: &str) -> String {
        match self {
            Quoting::Public if crate::personal::find(text).is_empty() => format!("`{text}`"),
            Quoting::Public => PERSONAL_NOT_SHOWN.to_string(),
            Quoting::Withheld => instead.to_string(),
        }
    }
}

/// `text` with each piece of personal data in it (an NHS number, a date
/// of birth, an email address) masked as the guard masks it (`ending
/// `919``): whatever quoted it, a message never prints it whole.
fn without_personal_data(text: String) -> String {
    let hits = crate::personal::find(&text);
    if hits.is_empty() {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for hit in hits {
        if hit.start < at {
            continue;
        }
        out.push_str(&text[at..hit.start]);
        out.push_str(&format!(
            "[{}, {}]",
            hit.kind.describe(),
            crate::personal::mask(&text[hit.start..hit.end])
        ));
        at = hit.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Said instead of a value that holds personal data.
pub const PERSONAL_NOT_SHOWN: &str = "a value (not shown: it holds personal data)";

/// Said after a placeholder in a message about a withheld source.
pub const NOT_SHOWN: &str = "not shown, as its source is or may be exempt";

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `text`, counting columns in characters.
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position { line, column }
    }
}

impl Position {
    /// Where the first byte of `bytes` that is not UTF-8 is (`e` is what
    /// reading them as UTF-8 said), its column counted in the characters
    /// before it.
    pub fn of_utf8_error(bytes: &[u8], e: &std::str::Utf8Error) -> Position {
        let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
        Position::of_offset(valid, valid.len())
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The problems found so far in a run.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Lets go of spare room, for diagnostics held a long time.
    pub fn shrink_to_fit(&mut self) {
        self.items.shrink_to_fit();
    }

    /// Adds a diagnostic, with any personal data its message or help
    /// quotes masked ([`without_personal_data`]): messages reach CI logs.
    pub fn push(&mut self, mut diagnostic: Diagnostic) {
        diagnostic.message = without_personal_data(diagnostic.message);
        diagnostic.help = diagnostic.help.map(without_personal_data);
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Sorted by file, line, column; duplicates removed.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.items.dedup();
        self.items
    }
}

/// A path relative to the site root, as shown in diagnostics (always `/`).
pub fn display_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    // Most paths are already written as their components would join (this
    // runs for every file of the site).
    if let Some(text) = relative.to_str() {
        let plain = !text.starts_with('/')
            && !text.ends_with('/')
            && !text.ends_with("/.")
            && !text.contains("//")
            && !text.contains("/./");
        if plain {
            return text.to_string();
        }
    }
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_join_components_with_slashes() {
        let root = Path::new("/site");
        for (path, shown) in [
            (
                "/site/content/decisions/22-00073/decision.md",
                "content/decisions/22-00073/decision.md",
            ),
            ("/site/content//pages/./about.md", "content/pages/about.md"),
            ("/site/content/pages/", "content/pages"),
            ("/site/content/.", "content"),
            ("/site/./content", "content"),
            ("./content", "./content"),
            ("/site", ""),
            ("/elsewhere/x", "//elsewhere/x"),
            ("relative/../x", "relative/../x"),
        ] {
            assert_eq!(display_path(root, Path::new(path)), shown, "{path}");
        }
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "a = 1\nТо = \"x\"\n";
        let offset = text.find('=').unwrap();
        assert_eq!(
            Position::of_offset(text, offset),
            Position { line: 1, column: 3 }
        );
        let second = text.rfind('=').unwrap();
        assert_eq!(
            Position::of_offset(text, second),
            Position { line: 2, column: 4 }
        );
    }

    #[test]
    fn sorted_by_file_then_line() {
        let mut d = Diagnostics::default();
        d.push(Diagnostic::error("b.md", "late").at(Position { line: 1, column: 1 }));
        d.push(Diagnostic::error("a.md", "second").at(Position { line: 9, column: 1 }));
        d.push(Diagnostic::error("a.md", "first").at(Position { line: 2, column: 5 }));
        let sorted: Vec<_> = d.into_sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(sorted, ["first", "second", "late"]);
    }

    #[test]
    fn display_is_compiler_style() {
        let d = Diagnostic::error("content/x.md", "unknown key `statsu`")
            .at(Position {
                line: 7,
                column: 12,
            })
            .help("did you mean `status`?");
        assert_eq!(
            d.to_string(),
            "content/x.md:7:12: error: unknown key `statsu`\n  help: did you mean `status`?"
        );
    }
}
