//! Words that mix Latin letters with Cyrillic or Greek lookalikes ("То"
//! typed with a Cyrillic Т and о): screen readers mispronounce them and search
//! cannot find them (WCAG 2.2 3.1.5 Reading Level and 4.1.2 are the nearest
//! criteria; the harm is plain). Every public source is checked (`site.toml`
//! by `config`, documents by `visibility`), and such a word is always an
//! error.

use crate::diagnostics::{Diagnostic, Diagnostics, Position};

/// What this module enforces, in plain words, for the accessibility statement.
pub const RULES: &[crate::diagnostics::Rule] = &[crate::diagnostics::Rule {
    what: "no word mixes ordinary letters with Cyrillic or Greek letters that look the same, which screen readers mispronounce",
    wcag: "",
}];

/// Cyrillic and Greek letters that look like Latin ones, with the Latin letter.
const LOOKALIKES: &[(char, char)] = &[
    ('А', 'A'),
    ('В', 'B'),
    ('Е', 'E'),
    ('К', 'K'),
    ('М', 'M'),
    ('Н', 'H'),
    ('О', 'O'),
    ('Р', 'P'),
    ('С', 'C'),
    ('Т', 'T'),
    ('Х', 'X'),
    ('У', 'Y'),
    ('І', 'I'),
    ('Ј', 'J'),
    ('Ѕ', 'S'),
    ('а', 'a'),
    ('е', 'e'),
    ('о', 'o'),
    ('р', 'p'),
    ('с', 'c'),
    ('у', 'y'),
    ('х', 'x'),
    ('і', 'i'),
    ('ј', 'j'),
    ('ѕ', 's'),
    ('һ', 'h'),
    ('ԁ', 'd'),
    ('Α', 'A'),
    ('Β', 'B'),
    ('Ε', 'E'),
    ('Ζ', 'Z'),
    ('Η', 'H'),
    ('Ι', 'I'),
    ('Κ', 'K'),
    ('Μ', 'M'),
    ('Ν', 'N'),
    ('Ο', 'O'),
    ('Ρ', 'P'),
    ('Τ', 'T'),
    ('Υ', 'Y'),
    ('Χ', 'X'),
    ('ο', 'o'),
    ('ν', 'v'),
    ('ι', 'i'),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Greek,
    Other,
}

fn script(c: char) -> Script {
    match c as u32 {
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
        0x400..=0x52F | 0x1C80..=0x1C8F => Script::Cyrillic,
        0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
        _ => Script::Other,
    }
}

/// A word that mixes scripts, or is made only of lookalikes, at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixedWord {
    pub offset: usize,
    pub word: String,
    /// The word with every lookalike replaced by its Latin letter.
    pub latin: String,
}

/// Words in `text` that mix Latin with Cyrillic or Greek letters, or that are
/// written wholly in Cyrillic or Greek letters that look Latin (in an English
/// site such a word is a typing accident, like the seed's Cyrillic "То:").
pub fn mixed_script_words(text: &str) -> Vec<MixedWord> {
    let mut out = Vec::new();
    let mut start = None;
    let bytes_end = text.len();
    let check = |from: usize, to: usize, out: &mut Vec<MixedWord>| {
        let word = &text[from..to];
        let scripts: Vec<Script> = word.chars().map(script).collect();
        let latin = scripts.contains(&Script::Latin);
        let foreign = scripts
            .iter()
            .any(|s| matches!(s, Script::Cyrillic | Script::Greek));
        if !foreign {
            return;
        }
        let all_lookalike = word
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| LOOKALIKES.iter().any(|(l, _)| *l == c) || script(c) == Script::Latin);
        if latin || all_lookalike {
            out.push(MixedWord {
                offset: from,
                word: word.to_string(),
                latin: word
                    .chars()
                    .map(|c| {
                        LOOKALIKES
                            .iter()
                            .find(|(l, _)| *l == c)
                            .map_or(c, |(_, latin)| *latin)
                    })
                    .collect(),
            });
        }
    };
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            check(s, i, &mut out);
        }
    }
    if let Some(s) = start {
        check(s, bytes_end, &mut out);
    }
    out
}

/// Flags mixed-script words in `text`, which starts at line `first_line` of
/// `file` (1 for a whole file). Always an error: such words break screen
/// readers and search whatever the thresholds say.
pub fn check_scripts(file: &str, text: &str, first_line: usize, diagnostics: &mut Diagnostics) {
    for word in mixed_script_words(text) {
        let p = Position::of_offset(text, word.offset);
        let problem = if word.word.chars().any(|c| script(c) == Script::Latin) {
            "mixes Latin letters with Cyrillic or Greek ones that look the same"
        } else {
            "is typed in Cyrillic or Greek letters that look like Latin ones"
        };
        diagnostics.push(
            Diagnostic::error(file, format!("the word \"{}\" {problem}", word.word))
                .at(Position { line: p.line + first_line.max(1) - 1, column: p.column })
                .help(format!("retype it as \"{}\" with ordinary letters: screen readers mispronounce mixed-script words and search cannot find them", word.latin)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_scripts() {
        // "То:" typed with Cyrillic Т and о, as in the seed document.
        let words = mixed_script_words("\u{0422}\u{043e}: Adult Social Care");
        assert_eq!(words.len(), 1);
        assert_eq!(words[0].latin, "To");
        // Latin with one Cyrillic о inside.
        let words = mixed_script_words("the C\u{043e}uncil");
        assert_eq!(words[0].offset, 4);
        assert_eq!(words[0].latin, "Council");
        // Real Greek and Russian words are not lookalike accidents.
        assert!(mixed_script_words("Ελλάδα and Москва").is_empty());
        assert!(mixed_script_words("café naïve £7.4 million").is_empty());
    }
}
