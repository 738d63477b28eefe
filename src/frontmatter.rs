//! Splitting a document into TOML front matter and Markdown body, and turning
//! TOML errors into diagnostics that point at the document's own line and column.
//! [`position_of_key`] finds where a key is written in TOML text (front
//! matter or `site.toml`), for a diagnostic to point at.
//!
//! Positions are kept absolute: the front matter's byte offset in the file is
//! remembered, so an error's span inside the TOML maps back to the file.

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, NOT_SHOWN, Position, Quoting};

/// A document split at its `+++` fences. Offsets are bytes into the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub front_matter: &'a str,
    pub front_matter_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
}

/// Why a document could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The first line is not `+++`.
    NoOpeningFence,
    /// No closing `+++` line.
    Unterminated,
}

/// Splits `text` into front matter and body. A leading byte-order mark is allowed.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_line_end].trim_end() != "+++" {
        return Err(SplitError::NoOpeningFence);
    }
    let front_matter_offset = start + first_line_end;
    let mut line_start = front_matter_offset;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i + 1);
        if text[line_start..line_end].trim_end() == "+++" {
            return Ok(Split {
                front_matter: &text[front_matter_offset..line_start],
                front_matter_offset,
                body: &text[line_end..],
                body_offset: line_end,
            });
        }
        line_start = line_end;
    }
    Err(SplitError::Unterminated)
}

/// One string value in TOML text: its key path (`summary`,
/// `attachments.title`, `impacts.age.detail`; array items share their
/// array's path), its value, and the byte offset in the TOML where the value
/// is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TomlString {
    pub path: String,
    pub value: String,
    pub offset: usize,
}

/// Every string in TOML text, in nested tables and arrays too, in the order
/// written, so that a caller looking at "every field" needs no list of
/// fields. Empty when the text does not parse (that is reported where it is
/// parsed).
pub fn strings(toml_text: &str) -> Vec<TomlString> {
    use toml::de::DeValue;
    let Ok(table) = toml::de::DeTable::parse(toml_text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stack: Vec<(String, &toml::Spanned<DeValue>)> = table
        .get_ref()
        .iter()
        .rev()
        .map(|(k, v)| (k.get_ref().to_string(), v))
        .collect();
    while let Some((path, value)) = stack.pop() {
        match value.get_ref() {
            DeValue::String(s) => out.push(TomlString {
                path,
                value: s.to_string(),
                offset: value.span().start,
            }),
            DeValue::Array(items) => {
                stack.extend(items.iter().rev().map(|v| (path.clone(), v)));
            }
            DeValue::Table(t) => stack.extend(
                t.iter()
                    .rev()
                    .map(|(k, v)| (format!("{path}.{}", k.get_ref()), v)),
            ),
            _ => {}
        }
    }
    out.sort_by_key(|s| s.offset);
    out
}

impl SplitError {
    pub fn diagnostic(&self, file: &str) -> Diagnostic {
        match self {
            SplitError::NoOpeningFence => Diagnostic::error(file, "the document does not start with front matter")
                .at(Position { line: 1, column: 1 })
                .help("start the file with a line `+++`, then TOML such as `kind = \"page\"`, then another `+++` line"),
            SplitError::Unterminated => Diagnostic::error(file, "the front matter is never closed")
                .at(Position { line: 1, column: 1 })
                .help("add a line `+++` after the last line of front matter"),
        }
    }
}

/// Deserialises `toml_text`, which sits at `offset` bytes into `file_text`.
/// On failure the diagnostic points at the file's own line and column, and
/// quotes what the file says only when `quoting` (asked only then) allows.
pub fn parse_toml<T: DeserializeOwned>(
    file: &str,
    file_text: &str,
    toml_text: &str,
    offset: usize,
    quoting: impl FnOnce() -> Quoting,
) -> Result<T, Diagnostic> {
    toml::from_str(toml_text).map_err(|e| toml_error(file, file_text, offset, &e, quoting()))
}

/// Where `key = ` first appears at the start of a line, for pointing at it.
pub fn position_of_key(text: &str, key: &str) -> Position {
    offset_of_key(text, key)
        .map(|offset| Position::of_offset(text, offset))
        .unwrap_or_default()
}

/// The byte offset of the first `key = ` at the start of a line; failing
/// that, of the key as the TOML parser reads it, however it is written (in
/// quotes, as a table's header `[key]`, or dotted, `key.sub = ...`),
/// outer tables first. None when the text has no such key, or does not parse.
pub fn offset_of_key(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                return Some(offset + (line.len() - trimmed.len()));
            }
        }
        offset += line.len();
    }
    parsed_offset_of_key(text, key)
}

/// Where the parser read a key named `key`: the first at the outermost
/// level that has one (a breadth-first walk of tables and arrays of tables).
fn parsed_offset_of_key(text: &str, key: &str) -> Option<usize> {
    use toml::de::DeValue;
    let table = toml::de::DeTable::parse(text).ok()?;
    let mut level: Vec<&toml::de::DeTable> = vec![table.get_ref()];
    while !level.is_empty() {
        let mut next = Vec::new();
        let mut found: Option<usize> = None;
        for t in level {
            for (k, v) in t.iter() {
                if k.get_ref().as_ref() == key {
                    // The first written, whatever order the table keeps.
                    let start = k.span().start;
                    found = Some(found.map_or(start, |f| f.min(start)));
                }
                let mut values = vec![v];
                while let Some(v) = values.pop() {
                    match v.get_ref() {
                        DeValue::Table(inner) => next.push(inner),
                        DeValue::Array(items) => values.extend(items.iter()),
                        _ => {}
                    }
                }
            }
        }
        if found.is_some() {
            return found;
        }
        level = next;
    }
    None
}

/// A TOML error as a diagnostic at its span, with advice where we can give it.
pub fn toml_error(
    file: &str,
    file_text: &str,
    offset: usize,
    e: &toml::de::Error,
    quoting: Quoting,
) -> Diagnostic {
    let message = e.message().trim().to_string();
    let position = e
        .span()
        .map(|span| Position::of_offset(file_text, offset + span.start))
        .unwrap_or_default();
    let (message, help) = explain_toml_message(&message, quoting);
    let mut d = Diagnostic::error(file, message).at(position);
    if let Some(help) = help {
        d = d.help(help);
    }
    d
}

/// Rewrites serde's messages into plainer ones, and suggests the nearest key
/// for a misspelt one. For a withheld source, nothing the file says is kept:
/// the names serde quotes are ours (fields, variants), the rest is redacted.
fn explain_toml_message(message: &str, quoting: Quoting) -> (String, Option<String>) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((field, expected)) = rest.split_once('`') {
            let known = backticked(expected);
            let help = match nearest(field, &known) {
                Some(best) => format!(
                    "did you mean `{best}`? Unknown keys are refused so that a typo cannot change what is published"
                ),
                None => format!(
                    "remove it, or use one of: {}",
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let key = quoting.quote(field, &format!("(its name is {NOT_SHOWN})"));
            return (format!("unknown key {key}"), Some(help));
        }
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        if let Some((field, _)) = rest.split_once('`') {
            // A field of our own types: never the file's text.
            return (
                format!("missing key `{field}`"),
                Some(format!("add `{field} = ...`; see docs/content-format.md")),
            );
        }
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        if let Some((value, expected)) = rest.split_once('`') {
            let known = backticked(expected);
            let help = match nearest(value, &known) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!(
                    "use one of: {}",
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let value = quoting.quote(value, &format!("the value here ({NOT_SHOWN})"));
            return (format!("{value} is not a value this key takes"), Some(help));
        }
    }
    if let Some(explained) = explain_type_message(message) {
        return explained;
    }
    match quoting {
        Quoting::Public => (redact_quoted(message), None),
        Quoting::Withheld => (redact_withheld(message), None),
    }
}

/// serde's `invalid type: string "a", expected i64` and `invalid value:
/// integer `300`, expected u8` in our own words, with what to write
/// instead. The value itself is never repeated (it may be exempt): only
/// what kind of value it is, which is the parser's reading, not the file's
/// text.
fn explain_type_message(message: &str) -> Option<(String, Option<String>)> {
    let (rest, wrong_value) = if let Some(rest) = message.strip_prefix("invalid type: ") {
        (rest, false)
    } else if let Some(rest) = message.strip_prefix("invalid value: ") {
        (rest, true)
    } else if let Some(rest) = message.strip_prefix("invalid length ") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        return Some((
            "this list has the wrong number of items".to_string(),
            Some(format!(
                "it should have {expected}; see docs/content-format.md"
            )),
        ));
    } else {
        return None;
    };
    let (found, expected) = rest.rsplit_once(", expected ")?;
    let found = found.trim_start();
    let found_words = [
        ("string", "text in quotes"),
        ("integer", "a whole number"),
        ("floating point", "a number with a decimal point"),
        ("boolean", "true or false"),
        ("sequence", "a list in square brackets"),
        ("map", "a table"),
        ("unit", "nothing"),
        ("option", "an optional value"),
        ("date", "a date"),
        ("datetime", "a date and time"),
    ]
    .into_iter()
    .find(|(p, _)| found.starts_with(p))
    .map_or("a value of another kind", |(_, w)| w);
    let expected = expected.trim();
    let (should, help) = if [
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize",
    ]
    .contains(&expected)
    {
        let range = match expected {
            "u8" => " from 0 to 255",
            _ if expected.starts_with('u') => " of 0 or more",
            _ => "",
        };
        (
            format!("a whole number{range}"),
            "write digits only, without quotes, like `3`".to_string(),
        )
    } else if ["f32", "f64"].contains(&expected) {
        (
            "a number".to_string(),
            "write digits, with a decimal point if needed and without quotes or a £ sign, like `1400000` or `63.50`".to_string(),
        )
    } else if expected == "a boolean" {
        (
            "true or false".to_string(),
            "write `true` or `false`, without quotes".to_string(),
        )
    } else if expected.contains("string") || expected == "a character" {
        (
            "text in quotes".to_string(),
            "put the value in double quotes, like `\"...\"`".to_string(),
        )
    } else if expected.starts_with("a paragraph number") {
        (
            "a paragraph number like 3, or a list of them like [3, 5]".to_string(),
            "write the paragraph of Schedule 12A as digits, like `paragraph = 3`, or each that applies, like `paragraph = [3, 5]`".to_string(),
        )
    } else if expected.contains("sequence") || expected.contains("list") {
        (
            "a list".to_string(),
            "put the values in square brackets, each in quotes, like `[\"...\", \"...\"]`; one value is a list of one".to_string(),
        )
    } else if expected.starts_with("struct")
        || expected.contains("map")
        || expected.contains("table")
    {
        (
            "a table".to_string(),
            "write it as a table: `{ key = ..., ... }` on one line, or a `[...]` section"
                .to_string(),
        )
    } else if expected.contains("date") {
        (
            "a date".to_string(),
            "write the date without quotes, like `2024-03-01`".to_string(),
        )
    } else if expected.starts_with("enum")
        || expected.starts_with("variant")
        || expected.starts_with("one of")
    {
        (
            "one of the words this key takes".to_string(),
            "see this key in docs/content-format.md for the words it takes".to_string(),
        )
    } else {
        (
            "something else".to_string(),
            "see this key in docs/content-format.md for what it takes".to_string(),
        )
    };
    let message = if wrong_value {
        format!("this value is out of range: it should be {should}")
    } else {
        format!("this is {found_words}, but it should be {should}")
    };
    Some((message, Some(help)))
}

/// Removes quoted values from a parser message (`invalid type: string "..."`):
/// the value may come from an exempt document, and messages reach CI logs.
fn redact_quoted(message: &str) -> String {
    let mut out = String::new();
    let (mut in_quotes, mut in_backticks) = (false, false);
    for c in message.chars() {
        match c {
            '`' if !in_quotes => {
                in_backticks = !in_backticks;
                out.push(c);
            }
            '"' if !in_backticks && !in_quotes => {
                in_quotes = true;
                out.push_str("a value");
            }
            '"' if in_quotes => in_quotes = false,
            _ if !in_quotes => out.push(c),
            _ => {}
        }
    }
    out
}

/// A parser message about a withheld source, keeping only what cannot be
/// the file's text: the parser's own words, and backticked tokens made of
/// punctuation alone (the `=` or `"` it expected). Anything else in
/// backticks or quotes (`integer `5``, `string "..."`, `duplicate key
/// `...``) is replaced by words saying it is not shown, and a list of keys
/// the file wrote is dropped.
fn redact_withheld(message: &str) -> String {
    if message.starts_with("unexpected keys in table") {
        return "unexpected keys in this table".to_string();
    }
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(['`', '"']) {
        out.push_str(&rest[..start]);
        let mark = rest[start..].chars().next().expect("found above");
        let after = &rest[start + 1..];
        let Some(end) = after.find(mark) else {
            // Unbalanced: whatever follows could be the file's.
            out.push_str(&format!("({NOT_SHOWN})"));
            return out;
        };
        let inside = &after[..end];
        let syntax =
            !inside.is_empty() && inside.chars().all(|c| c.is_ascii_punctuation() || c == ' ');
        match (mark, syntax) {
            ('`', true) => {
                out.push('`');
                out.push_str(inside);
                out.push('`');
            }
            _ => out.push_str(&format!("({NOT_SHOWN})")),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The closest candidate by edit distance, if it is close enough to be a typo.
pub fn nearest<'a>(word: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c.as_str())
}

pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_every_string_with_its_path_and_place() {
        let text = "title = \"T\"\nexempt = { paragraph = 3, reason = \"R\" }\n[[attachments]]\nfile = \"a.csv\"\ntitle = \"A\"\n[impacts.age]\ndetail = \"\"\"\nD\"\"\"\n";
        let found: Vec<(String, String, String)> = strings(text)
            .into_iter()
            .map(|s| (s.path, s.value, text[s.offset..].chars().take(2).collect()))
            .collect();
        let want = [
            ("title", "T", "\"T"),
            ("exempt.reason", "R", "\"R"),
            ("attachments.file", "a.csv", "\"a"),
            ("attachments.title", "A", "\"A"),
            ("impacts.age.detail", "D", "\"\""),
        ];
        let want: Vec<(String, String, String)> = want
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(found, want);
        assert!(strings("not = = toml").is_empty());
    }

    #[test]
    fn splits_and_keeps_offsets() {
        let text = "+++\nkind = \"page\"\n+++\n# Body\n";
        let split = split(text).unwrap();
        assert_eq!(split.front_matter, "kind = \"page\"\n");
        assert_eq!(&text[split.front_matter_offset..][..4], "kind");
        assert_eq!(split.body, "# Body\n");
        assert_eq!(&text[split.body_offset..], "# Body\n");
    }

    #[test]
    fn crlf_and_bom_are_fine() {
        let text = "\u{feff}+++\r\nkind = \"page\"\r\n+++\r\nbody";
        let split = split(text).unwrap();
        assert_eq!(split.front_matter, "kind = \"page\"\r\n");
        assert_eq!(split.body, "body");
    }

    #[test]
    fn refuses_missing_fences() {
        assert_eq!(split("kind = 1\n"), Err(SplitError::NoOpeningFence));
        assert_eq!(split("+++\nkind = 1\n"), Err(SplitError::Unterminated));
        assert_eq!(split(""), Err(SplitError::NoOpeningFence));
    }

    #[test]
    fn never_panics_on_arbitrary_text() {
        // A cheap exhaustive property check over short strings of the tricky characters.
        let alphabet = ["+", "\n", "\r", "a", "é", "\u{feff}", " "];
        let mut inputs = vec![String::new()];
        for _ in 0..5 {
            let mut next = Vec::new();
            for s in &inputs {
                for c in alphabet {
                    next.push(format!("{s}{c}"));
                }
            }
            inputs.extend(next);
            inputs.dedup();
        }
        for input in inputs {
            let _ = split(&input);
        }
    }

    #[test]
    fn values_are_not_echoed() {
        assert_eq!(
            redact_quoted("invalid basic string, expected `\"`"),
            "invalid basic string, expected `\"`"
        );
        assert_eq!(
            redact_quoted("invalid type: string \"Secret Ltd\", expected i64"),
            "invalid type: string a value, expected i64"
        );
    }

    #[test]
    fn withheld_messages_keep_only_the_parsers_own_words() {
        for (message, redacted) in [
            (
                "invalid type: floating point `31.79`, expected i64",
                "invalid type: floating point (not shown, as its source is or may be exempt), expected i64",
            ),
            (
                "invalid type: string \"Secret Ltd\", expected a boolean",
                "invalid type: string (not shown, as its source is or may be exempt), expected a boolean",
            ),
            (
                "duplicate key `secret`",
                "duplicate key (not shown, as its source is or may be exempt)",
            ),
            (
                "invalid basic string, expected `\"`",
                "invalid basic string, expected `\"`",
            ),
            (
                "key with no value, expected `=`",
                "key with no value, expected `=`",
            ),
            (
                "unexpected keys in table: secret, available keys: a, b",
                "unexpected keys in this table",
            ),
            (
                "invalid type: string \"unbalanced",
                "invalid type: string (not shown, as its source is or may be exempt)",
            ),
        ] {
            assert_eq!(redact_withheld(message), redacted, "{message}");
        }
        let (message, help) = explain_toml_message(
            "unknown variant `secret`, expected `positive` or `neutral`",
            Quoting::Withheld,
        );
        assert!(!message.contains("secret"), "{message}");
        assert_eq!(help.as_deref(), Some("use one of: `positive`, `neutral`"));
        let (message, help) = explain_toml_message(
            "unknown field `exmept`, expected `kind` or `exempt`",
            Quoting::Withheld,
        );
        assert_eq!(
            message,
            "unknown key (its name is not shown, as its source is or may be exempt)"
        );
        assert!(help.unwrap().starts_with("did you mean `exempt`?"));
    }

    /// Whatever a withheld file holds, a message about it quotes none of it:
    /// random words planted in random TOML, parsed into a strict type.
    #[test]
    fn no_toml_error_quotes_a_withheld_file() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Front {
            kind: String,
            number: i64,
            flag: bool,
            level: Option<Level>,
            when: Option<toml::value::Datetime>,
            list: Option<Vec<String>>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[serde(rename_all = "lowercase")]
        enum Level {
            Low,
        }
        let pieces = [
            "zqxa",
            "\"zqxb\"",
            "'zqxc'",
            "= ",
            "7431.2917",
            "74312917",
            "[",
            "]",
            "{",
            "}",
            ",",
            ".",
            "\n",
            " ",
            "kind",
            "number",
            "flag",
            "level",
            "when",
            "list",
            "true",
            "1979-05-27",
            "\"\"\"",
            "#",
            "`zqxd`",
            "zqxe.zqxf",
        ];
        // A small linear congruential generator: the same inputs every run.
        let mut state: u64 = 0x5eed;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize % n
        };
        let mut seen = 0;
        for _ in 0..3000 {
            let mut text = String::from("kind = \"x\"\n");
            for _ in 0..(1 + next(12)) {
                text.push_str(pieces[next(pieces.len())]);
            }
            let Err(e) = toml::from_str::<Front>(&text) else {
                continue;
            };
            seen += 1;
            let d = toml_error("f.md", &text, 0, &e, Quoting::Withheld);
            let printed = d.to_string();
            for planted in ["zqx", "7431", "1979"] {
                assert!(!printed.contains(planted), "{printed}\nfrom:\n{text}");
            }
        }
        assert!(seen > 1000, "{seen}");
    }

    #[test]
    fn toml_errors_point_into_the_file() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Front {
            kind: String,
            status: String,
        }
        let text = "+++\nkind = \"decision\"\nstatsu = \"taken\"\n+++\n";
        let s = split(text).unwrap();
        let err = parse_toml::<Front>("d.md", text, s.front_matter, s.front_matter_offset, || {
            Quoting::Public
        })
        .unwrap_err();
        assert_eq!((err.line, err.column), (3, 1));
        assert_eq!(err.message, "unknown key `statsu`");
        assert!(err.help.unwrap().contains("did you mean `status`?"));
    }
}
