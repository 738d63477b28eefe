//! Plain language: measures the public text and flags what makes it hard to read.
//!
//! For each decision summary and each page body this module counts sentences,
//! words and syllables and works out the Flesch reading ease and the
//! Flesch–Kincaid grade, shown as a UK reading age (grade + 5). It flags
//! sentences longer than `[language] max_sentence_words` (GOV.UK content
//! design: "keep sentences to 25 words or fewer"), paragraphs written mostly in
//! the passive voice (GOV.UK: "use the active voice"), and summaries and pages
//! above their target reading age (GOV.UK writes for a reading age of 9; the
//! targets live in site.toml). Words that mix scripts are flagged by
//! [`crate::scripts`], on the sources.
//!
//! It reads only the [`PublicSite`]: it can never measure, quote or report
//! exempt text. It returns a typed [`LanguageReport`] and pushes diagnostics;
//! it never prints and never changes what is published.

use std::collections::{BTreeMap, BTreeSet};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use crate::config::LanguageConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, Position, Severity};
use crate::markdown::{self, Glossary};
use crate::visibility::{Block, Markdown, PublicDecision, PublicPaper, PublicSite};

// ---------------------------------------------------------------- counting

/// Words whose syllables the rules below get wrong, with the right count.
const SYLLABLE_EXCEPTIONS: &[(&str, usize)] = &[
    ("being", 2),
    ("doing", 2),
    ("going", 2),
    ("seeing", 2),
    ("business", 2),
    ("businesses", 3),
    ("great", 1),
    ("idea", 3),
    ("ideas", 3),
    ("areas", 3),
    ("science", 2),
    ("poem", 2),
    ("every", 3),
    ("everyday", 4),
    ("people's", 2),
    ("pounds", 1),
    ("wednesday", 2),
    ("vehicle", 3),
    ("create", 2),
    ("created", 3),
];

/// Syllables in an English word, by a careful heuristic: count groups of
/// vowels, drop a silent final `e`, `es` or `ed`, keep `-le`, `-ted`, `-ded`,
/// and split a few vowel pairs that are usually two syllables (`ia`, `io`,
/// `ua`, `ie` before `t`). A number counts as one syllable per digit group
/// read aloud is too variable, so it counts as one. Accuracy is about that of
/// the published readability tools; the unit tests list the words it knows.
pub fn syllables(word: &str) -> usize {
    // Most words are short and ASCII: their letters are lower-cased on the
    // stack (this runs for every word of every page).
    let mut ascii = [0u8; 32];
    let collected;
    let w: &str = if word.is_ascii() && word.len() <= ascii.len() {
        let mut n = 0;
        for b in word
            .bytes()
            .filter(|b| b.is_ascii_alphabetic() || *b == b'\'')
        {
            ascii[n] = b.to_ascii_lowercase();
            n += 1;
        }
        std::str::from_utf8(&ascii[..n]).expect("ASCII letters are UTF-8")
    } else {
        collected = word
            .chars()
            .filter(|c| c.is_alphabetic() || *c == '\'')
            .flat_map(char::to_lowercase)
            .collect::<String>();
        &collected
    };
    let w = w.trim_matches('\'').trim_end_matches("'s");
    if w.is_empty() {
        return usize::from(word.chars().any(|c| c.is_ascii_digit()));
    }
    if let Some((_, n)) = SYLLABLE_EXCEPTIONS.iter().find(|(e, _)| *e == w) {
        return *n;
    }
    let unquoted;
    let w = if w.contains('\'') {
        unquoted = w.replace('\'', "");
        &unquoted
    } else {
        w
    };
    if w.chars().count() <= 3 {
        return 1;
    }
    let chars: Vec<char> = w.chars().collect();
    let is_vowel = |i: usize| -> bool {
        match chars[i] {
            'a' | 'e' | 'i' | 'o' | 'u' => true,
            'y' => i > 0 && !matches!(chars[i - 1], 'a' | 'e' | 'i' | 'o' | 'u'),
            _ => false,
        }
    };
    let n = chars.len();
    let consonant = |i: usize| !is_vowel(i);
    // How many letters at the end are silent.
    let mut end = n;
    if w.ends_with("les") && n > 3 && consonant(n - 4) {
        // "tables": the -le is a syllable; only the s is silent.
        end = n - 1;
    } else if (w.ends_with("es")
        && !["ses", "zes", "ces", "ges", "xes", "shes", "ches", "ies"]
            .iter()
            .any(|s| w.ends_with(s)))
        || (w.ends_with("ed") && !w.ends_with("ted") && !w.ends_with("ded"))
    {
        // "makes", "used": the e is silent.
        end = n - 2;
    } else if w.ends_with('e')
        && !w.ends_with("ee")
        && !(w.ends_with("le") && n > 2 && consonant(n - 3))
    {
        end = n - 1;
    }
    let mut count = 0;
    let mut previous_vowel = false;
    for i in 0..end {
        let v = is_vowel(i);
        if v && !previous_vowel {
            count += 1;
        }
        if v && previous_vowel && i >= 2 {
            // Vowel pairs that are usually said as two syllables.
            let pair = (chars[i - 1], chars[i]);
            let before = chars[i - 2];
            let split = match pair {
                ('i', 'a') => !matches!(before, 'c' | 't' | 's' | 'g' | 'q'),
                ('i', 'o') => matches!(before, 'r' | 'd' | 'v' | 'b' | 'p' | 'm'),
                ('u', 'a') => !matches!(before, 'q' | 'g'),
                ('i', 'e') => chars.get(i + 1) == Some(&'t'),
                ('e', 'a') => before == 'r' && matches!(chars.get(i + 1), Some('t') | None),
                ('y', 'i') => true,
                _ => false,
            };
            if split {
                count += 1;
            }
        }
        previous_vowel = v;
    }
    if w.ends_with("ism") {
        count += 1;
    }
    // A silent e before a suffix: "statement", "careful", "lately".
    for suffix in ["ments", "ment", "ly", "ful", "ness", "less"] {
        if let Some(stem) = w.strip_suffix(suffix).and_then(|s| s.strip_suffix('e')) {
            let s: Vec<char> = stem.chars().collect();
            let k = s.len();
            let cluster = if stem.ends_with("ng") { 2 } else { 1 };
            if k > cluster + 1
                && s[k - cluster..].iter().all(|c| !"aeiouy".contains(*c))
                && "aeiou".contains(s[k - cluster - 1])
                && k - cluster - 1 > 0
            {
                count -= 1;
            }
            break;
        }
    }
    count.max(1)
}

/// Flesch reading ease: 206.835 − 1.015 × words per sentence − 84.6 × syllables per word.
pub fn flesch_reading_ease(sentences: usize, words: usize, syllables: usize) -> f64 {
    if sentences == 0 || words == 0 {
        return 0.0;
    }
    206.835 - 1.015 * (words as f64 / sentences as f64) - 84.6 * (syllables as f64 / words as f64)
}

/// Flesch–Kincaid grade: 0.39 × words per sentence + 11.8 × syllables per word − 15.59.
pub fn flesch_kincaid_grade(sentences: usize, words: usize, syllables: usize) -> f64 {
    if sentences == 0 || words == 0 {
        return 0.0;
    }
    0.39 * (words as f64 / sentences as f64) + 11.8 * (syllables as f64 / words as f64) - 15.59
}

/// A US grade as a UK reading age: children in grade 1 are about 6, so age = grade + 5.
pub fn reading_age(grade: f64) -> f64 {
    grade + 5.0
}

/// Forms of "be" that start a passive.
const BE: &[&str] = &["am", "is", "are", "was", "were", "be", "been", "being"];

/// Words that may sit between "be" and the participle ("is not needed").
const BETWEEN: &[&str] = &[
    "not",
    "also",
    "then",
    "usually",
    "often",
    "always",
    "never",
    "now",
    "only",
    "already",
    "still",
    "all",
    "both",
    "being",
    "currently",
    "normally",
    "mainly",
    "being",
];

/// Irregular past participles (regular ones end in -ed).
const IRREGULAR_PARTICIPLES: &[&str] = &[
    "arisen",
    "awoken",
    "been",
    "beaten",
    "become",
    "begun",
    "bent",
    "bid",
    "bitten",
    "blown",
    "born",
    "borne",
    "bought",
    "bound",
    "broken",
    "brought",
    "built",
    "burnt",
    "caught",
    "chosen",
    "come",
    "cut",
    "dealt",
    "done",
    "drawn",
    "driven",
    "eaten",
    "fallen",
    "fed",
    "felt",
    "fought",
    "found",
    "forbidden",
    "forgiven",
    "forgotten",
    "frozen",
    "given",
    "gone",
    "got",
    "gotten",
    "grown",
    "heard",
    "held",
    "hidden",
    "hit",
    "hung",
    "hurt",
    "kept",
    "known",
    "laid",
    "led",
    "left",
    "lent",
    "let",
    "lost",
    "made",
    "meant",
    "met",
    "mistaken",
    "overseen",
    "overtaken",
    "paid",
    "put",
    "quit",
    "read",
    "rewritten",
    "ridden",
    "risen",
    "run",
    "said",
    "seen",
    "sent",
    "set",
    "shaken",
    "shown",
    "shut",
    "sold",
    "sought",
    "spent",
    "spoken",
    "spread",
    "stolen",
    "stood",
    "struck",
    "sworn",
    "taken",
    "taught",
    "thought",
    "thrown",
    "told",
    "torn",
    "undertaken",
    "understood",
    "upheld",
    "withdrawn",
    "withheld",
    "won",
    "worn",
    "written",
];

/// Words ending in -ed that are not participles.
const NOT_PARTICIPLES: &[&str] = &[
    "need", "feed", "seed", "bed", "red", "shed", "speed", "indeed", "hundred", "proceed",
    "exceed", "succeed", "breed", "greed", "weed", "sled", "wed",
];

/// A documented heuristic for the passive voice: a form of "be", then up to
/// two adverbs, then a past participle (a word ending in -ed, or one of the
/// irregular participles). It also catches some adjectives ("is interested");
/// that is the usual price of a heuristic and only ever gives a warning.
pub fn is_passive(words: &[&str]) -> bool {
    let clean: Vec<String> = words
        .iter()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    for (i, w) in clean.iter().enumerate() {
        if !BE.contains(&w.as_str()) {
            continue;
        }
        let mut j = i + 1;
        while j < clean.len()
            && j <= i + 2
            && (BETWEEN.contains(&clean[j].as_str())
                || (clean[j].ends_with("ly") && clean[j].len() > 4))
        {
            j += 1;
        }
        if let Some(next) = clean.get(j) {
            let regular = next.ends_with("ed")
                && next.len() >= 4
                && !NOT_PARTICIPLES.contains(&next.as_str());
            if regular || IRREGULAR_PARTICIPLES.contains(&next.as_str()) {
                return true;
            }
        }
    }
    false
}

// ---------------------------------------------------------------- prose

/// One sentence of public prose.
#[derive(Debug, Clone)]
pub struct Sentence {
    /// The file line it starts on (0 when unknown).
    pub line: usize,
    pub text: String,
    pub words: usize,
    pub syllables: usize,
    pub passive: bool,
}

/// A paragraph or list item.
#[derive(Debug, Clone)]
pub struct Paragraph {
    pub line: usize,
    pub sentences: Vec<Sentence>,
}

/// Abbreviations that end in a full stop without ending a sentence.
const NOT_SENTENCE_ENDS: &[&str] = &[
    "e.g", "i.e", "etc", "no", "mr", "mrs", "ms", "dr", "st", "vs", "approx", "cllr",
];

/// The prose of Markdown text that starts at `first_line`: paragraphs and
/// list items, split into sentences. Headings, tables and their captions,
/// code and image descriptions are not prose and are left out, as readability
/// formulas expect.
pub fn prose(text: &str, first_line: usize) -> Vec<Paragraph> {
    let mut paragraphs = Vec::new();
    let mut buffer = String::new();
    let mut map: Vec<(usize, usize)> = Vec::new();
    let mut skip = 0usize;
    // Where each line break is, so that a sentence's line is found without
    // counting the breaks before it again (a long page has many sentences).
    let breaks: Vec<usize> = match first_line {
        0 => Vec::new(),
        _ => text.match_indices('\n').map(|(i, _)| i).collect(),
    };
    let line_of = |offset: usize| {
        if first_line == 0 {
            0
        } else {
            breaks.partition_point(|&b| b < offset) + first_line
        }
    };
    let flush = |buffer: &mut String, map: &mut Vec<(usize, usize)>, out: &mut Vec<Paragraph>| {
        if !buffer.trim().is_empty() && !markdown::is_caption(buffer) {
            let sentences = split_sentences(buffer)
                .into_iter()
                .map(|(start, s)| {
                    let source = map
                        .iter()
                        .rev()
                        .find(|(b, _)| *b <= start)
                        .map_or(0, |(b, src)| src + (start - b));
                    sentence(&s, line_of(source.min(text.len())))
                })
                .filter(|s| s.words > 0)
                .collect::<Vec<_>>();
            if let Some(first) = sentences.first() {
                out.push(Paragraph {
                    line: first.line,
                    sentences,
                });
            }
        }
        buffer.clear();
        map.clear();
    };
    for (event, range) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(
                Tag::Heading { .. } | Tag::Table(_) | Tag::CodeBlock(_) | Tag::Image { .. },
            ) => skip += 1,
            Event::End(TagEnd::Heading(_) | TagEnd::Table | TagEnd::CodeBlock | TagEnd::Image) => {
                skip = skip.saturating_sub(1)
            }
            Event::Start(Tag::Paragraph | Tag::Item)
            | Event::End(TagEnd::Paragraph | TagEnd::Item)
                if skip == 0 =>
            {
                flush(&mut buffer, &mut map, &mut paragraphs)
            }
            Event::Text(t) | Event::Code(t) if skip == 0 => {
                map.push((buffer.len(), range.start));
                buffer.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak if skip == 0 => buffer.push(' '),
            _ => {}
        }
    }
    flush(&mut buffer, &mut map, &mut paragraphs);
    paragraphs
}

fn sentence(text: &str, line: usize) -> Sentence {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    Sentence {
        line,
        text: text.trim().to_string(),
        words: words.len(),
        syllables: words
            .iter()
            .map(|w| w.split('-').map(syllables).sum::<usize>().max(1))
            .sum(),
        passive: is_passive(&words),
    }
}

/// Sentences of a paragraph, each with its byte offset.
fn split_sentences(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        // The end of a sentence is followed by a space (perhaps after a closing
        // quote or bracket) or the end of the paragraph.
        let mut next = k + 1;
        while next < chars.len() && matches!(chars[next].1, '"' | '\'' | ')' | '”' | '’') {
            next += 1;
        }
        if next < chars.len() && !chars[next].1.is_whitespace() {
            continue;
        }
        let before: String = text[start..i]
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or("")
            .trim_start_matches(['(', '"'])
            .to_lowercase();
        if c == '.' && NOT_SENTENCE_ENDS.contains(&before.as_str()) {
            continue;
        }
        let end = chars.get(next).map_or(text.len(), |(j, _)| *j);
        let s = &text[start..end];
        if !s.trim().is_empty() {
            out.push((
                start + (s.len() - s.trim_start().len()),
                s.trim().to_string(),
            ));
        }
        start = end;
    }
    let rest = &text[start..];
    if !rest.trim().is_empty() {
        out.push((
            start + (rest.len() - rest.trim_start().len()),
            rest.trim().to_string(),
        ));
    }
    out
}

// ---------------------------------------------------------------- report

/// The readability of one piece of text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    pub sentences: usize,
    pub words: usize,
    pub syllables: usize,
    pub reading_ease: f64,
    pub grade: f64,
    pub reading_age: f64,
}

impl Measure {
    pub fn of(paragraphs: &[Paragraph]) -> Measure {
        let sentences = paragraphs.iter().map(|p| p.sentences.len()).sum();
        let words = paragraphs
            .iter()
            .flat_map(|p| &p.sentences)
            .map(|s| s.words)
            .sum();
        let syllables = paragraphs
            .iter()
            .flat_map(|p| &p.sentences)
            .map(|s| s.syllables)
            .sum();
        let grade = flesch_kincaid_grade(sentences, words, syllables);
        Measure {
            sentences,
            words,
            syllables,
            reading_ease: flesch_reading_ease(sentences, words, syllables),
            grade,
            reading_age: reading_age(grade),
        }
    }
}

/// A measured summary or page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Measured {
    pub title: String,
    /// The page's address from the site root (`decisions/22-00073/`).
    pub page: String,
    /// The source file.
    pub file: String,
    /// The line of the text in the file (0 when unknown).
    pub line: usize,
    pub measure: Measure,
    /// The target reading age it was held to.
    pub target: f64,
}

impl Measured {
    pub fn over_target(&self) -> bool {
        self.measure.reading_age > self.target
    }
}

/// A sentence over the length limit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LongSentence {
    pub file: String,
    pub line: usize,
    pub words: usize,
    /// The first words, to find it by.
    pub start: String,
}

/// A glossary term used on a page without a linked explanation there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UnexplainedTerm {
    pub page: String,
    pub term: String,
    /// Why it could not be linked ([`UNLINKABLE`]).
    #[serde(deserialize_with = "known_reason")]
    pub reason: crate::visibility::StaticStr,
}

/// Why a glossary term could not be linked on a page.
const UNLINKABLE: &str =
    "used only where it cannot be linked (a title, summary, heading, caption or link)";

fn known_reason<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<&'static str, D::Error> {
    crate::visibility::one_of(deserializer, [UNLINKABLE])
}

/// A capitalised acronym that the glossary does not explain.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UnknownAcronym {
    pub acronym: String,
    /// The pages that use it, in address order.
    pub pages: Vec<String>,
}

/// What the plain-language checks found. The binary prints it; the library never does.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LanguageReport {
    pub targets: LanguageConfig,
    /// Every decision summary, hardest first.
    pub summaries: Vec<Measured>,
    /// Every page body, hardest first.
    pub pages: Vec<Measured>,
    /// Sentences over the limit, longest first.
    pub long_sentences: Vec<LongSentence>,
    pub passive_paragraphs: usize,
    pub unexplained_terms: Vec<UnexplainedTerm>,
    pub unknown_acronyms: Vec<UnknownAcronym>,
}

impl LanguageReport {
    /// The pages with the highest reading age, as many as `[language] hardest_pages`.
    pub fn hardest(&self) -> &[Measured] {
        &self.pages[..self.pages.len().min(self.targets.hardest_pages)]
    }
}

/// One page's text, gathered from the public model.
struct PageText<'a> {
    title: String,
    page: String,
    file: String,
    /// Markdown pieces in reading order.
    parts: Vec<&'a Markdown>,
    /// Plain text shown on the page that is not Markdown (summaries).
    plain: Vec<String>,
}

fn pieces(markdown: &Markdown) -> impl Iterator<Item = (&str, usize)> {
    markdown.blocks().iter().filter_map(|b| match b {
        Block::Text(text) => Some((text.markdown(), text.first_line())),
        Block::Withheld(_) => None,
    })
}

impl LanguageReport {
    fn empty(targets: LanguageConfig) -> LanguageReport {
        LanguageReport {
            targets,
            summaries: Vec::new(),
            pages: Vec::new(),
            long_sentences: Vec::new(),
            passive_paragraphs: 0,
            unexplained_terms: Vec::new(),
            unknown_acronyms: Vec::new(),
        }
    }
}

/// How language findings are flagged: warnings, or errors when `strict`.
#[derive(Clone, Copy)]
struct Flag {
    severity: Severity,
}

impl Flag {
    fn new(strict: bool) -> Flag {
        let severity = if strict {
            Severity::Error
        } else {
            Severity::Warning
        };
        Flag { severity }
    }

    fn at(&self, file: &str, line: usize, message: String, help: &str) -> Diagnostic {
        Diagnostic {
            severity: self.severity,
            ..Diagnostic::error(file, message)
                .at(Position { line, column: 0 })
                .help(help)
        }
    }
}

/// What measuring some pages found, to be merged with [`analyse`].
#[derive(Debug, Serialize, Deserialize)]
pub struct LanguagePart {
    diagnostics: Diagnostics,
    report: LanguageReport,
    /// Acronyms used without explanation, with the page they are on.
    acronyms: Vec<(String, String)>,
}

impl LanguagePart {
    fn new(targets: &LanguageConfig) -> LanguagePart {
        LanguagePart {
            diagnostics: Diagnostics::default(),
            report: LanguageReport::empty(targets.clone()),
            acronyms: Vec::new(),
        }
    }

    fn shrink_to_fit(&mut self) {
        self.diagnostics.shrink_to_fit();
        let report = &mut self.report;
        report.summaries.shrink_to_fit();
        report.pages.shrink_to_fit();
        report.long_sentences.shrink_to_fit();
        report.unexplained_terms.shrink_to_fit();
        self.acronyms.shrink_to_fit();
    }

    fn extend(&mut self, other: LanguagePart) {
        self.diagnostics.extend(other.diagnostics);
        let (to, from) = (&mut self.report, other.report);
        to.summaries.extend(from.summaries);
        to.pages.extend(from.pages);
        to.long_sentences.extend(from.long_sentences);
        to.passive_paragraphs += from.passive_paragraphs;
        to.unexplained_terms.extend(from.unexplained_terms);
        self.acronyms.extend(other.acronyms);
    }
}

/// Measures one decision (which must be complete: its bodies are measured):
/// its summary and each of its pages, against the site's `targets`.
pub fn analyse_decision(
    targets: &LanguageConfig,
    glossary: Option<&Glossary>,
    d: &PublicDecision,
    strict: bool,
) -> LanguagePart {
    let flag = Flag::new(strict);
    let mut part = LanguagePart::new(targets);
    let page = format!("decisions/{}/", d.slug());
    // The summary: what most residents read, held to its own target.
    let paragraphs = prose(d.summary(), d.summary_line());
    let measured = Measured {
        title: format!("Summary of decision {}", d.number()),
        page: page.clone(),
        file: d.source_path().to_string(),
        line: d.summary_line(),
        measure: Measure::of(&paragraphs),
        target: targets.summary_reading_age,
    };
    if measured.over_target() {
        part.diagnostics.push(flag.at(
            &measured.file,
            measured.line,
            format!(
                "this summary has a reading age of {:.0}, above the target of {:.0}",
                measured.measure.reading_age, measured.target
            ),
            "use shorter sentences and everyday words (GOV.UK: most people read best at a reading age of 9); the target is `[language] summary_reading_age` in site.toml",
        ));
    }
    sentence_checks(
        d.source_path(),
        &paragraphs,
        targets,
        &flag,
        &mut part.report,
        &mut part.diagnostics,
    );
    part.report.summaries.push(measured);
    let mut pages = vec![PageText {
        title: d.title().to_string(),
        page: page.clone(),
        file: d.source_path().to_string(),
        parts: vec![&d.decision(), &d.reasons(), &d.body()],
        plain: vec![d.summary().to_string()],
    }];
    for paper in d.papers() {
        if let PublicPaper::Published(p) = paper {
            pages.push(PageText {
                title: p.title().to_string(),
                page: format!("{page}{}/", p.slug()),
                file: p.source_path().to_string(),
                parts: vec![&p.body()],
                plain: p.summary().map(str::to_string).into_iter().collect(),
            });
        }
    }
    for page in &pages {
        part.extend(measure_page(page, glossary, targets, &flag));
    }
    // Every decision's part is held until the site's are merged.
    part.shrink_to_fit();
    part
}

/// Measures the site's plain pages, merges them with the decisions' parts
/// (given in number order) and pushes every finding into `diagnostics`.
pub fn analyse(
    site: &PublicSite,
    decisions: Vec<LanguagePart>,
    strict: bool,
    diagnostics: &mut Diagnostics,
) -> LanguageReport {
    let targets = site.config().language.clone();
    let flag = Flag::new(strict);
    let glossary = Glossary::from_site(site);
    let mut all = LanguagePart::new(&targets);
    for part in decisions {
        all.extend(part);
    }
    for p in site.pages() {
        let page = PageText {
            title: p.title().to_string(),
            page: format!("{}/", p.slug()),
            file: p.source_path().to_string(),
            parts: vec![&p.body()],
            plain: p.summary().map(str::to_string).into_iter().collect(),
        };
        all.extend(measure_page(&page, glossary.as_ref(), &targets, &flag));
    }
    let LanguagePart {
        diagnostics: found,
        mut report,
        acronyms: found_acronyms,
    } = all;
    diagnostics.extend(found);
    let mut acronyms: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (acronym, page) in found_acronyms {
        acronyms.entry(acronym).or_default().insert(page);
    }
    report.unknown_acronyms = acronyms
        .into_iter()
        .map(|(acronym, pages)| UnknownAcronym {
            acronym,
            pages: pages.into_iter().collect(),
        })
        .collect();
    let hardest_first = |a: &Measured, b: &Measured| {
        b.measure
            .reading_age
            .total_cmp(&a.measure.reading_age)
            .then_with(|| a.page.cmp(&b.page))
    };
    // Pages are unique, so no two compare equal: an unstable sort gives the
    // same order and needs no room of its own (there is one per page).
    report.summaries.sort_unstable_by(hardest_first);
    report.pages.sort_unstable_by(hardest_first);
    report.long_sentences.sort_by(|a, b| {
        b.words
            .cmp(&a.words)
            .then_with(|| (&a.file, a.line).cmp(&(&b.file, b.line)))
    });
    report
        .long_sentences
        .dedup_by(|a, b| (&a.file, a.line, a.words) == (&b.file, b.line, b.words));
    report.unexplained_terms.sort();
    report
}

/// Measures one page's text.
fn measure_page(
    page: &PageText,
    glossary: Option<&Glossary>,
    targets: &LanguageConfig,
    flag: &Flag,
) -> LanguagePart {
    let mut part = LanguagePart::new(targets);
    let mut paragraphs = Vec::new();
    let mut all_text = page.plain.join("\n");
    let mut linkable = String::new();
    for markdown in &page.parts {
        for (text, first_line) in pieces(markdown) {
            let p = prose(text, first_line);
            sentence_checks(
                &page.file,
                &p,
                targets,
                flag,
                &mut part.report,
                &mut part.diagnostics,
            );
            paragraphs.extend(p);
            let (all, link) = markdown::glossary_text(text);
            all_text.push('\n');
            all_text.push_str(&all);
            linkable.push('\n');
            linkable.push_str(&link);
        }
    }
    if paragraphs.is_empty() {
        return part;
    }
    let measured = Measured {
        title: page.title.clone(),
        page: page.page.clone(),
        file: page.file.clone(),
        line: 0,
        measure: Measure::of(&paragraphs),
        target: targets.page_reading_age,
    };
    if measured.over_target() {
        part.diagnostics.push(flag.at(
            &measured.file,
            0,
            format!(
                // Measured over the whole page, so at no one line.
                "this page, taken as a whole, has a reading age of {:.0}, above the target of {:.0}",
                measured.measure.reading_age, measured.target
            ),
            "split long sentences and prefer everyday words; the target is `[language] page_reading_age` in site.toml",
        ));
    }
    part.report.pages.push(measured);
    if let Some(glossary) = glossary {
        for term in glossary.unexplained(&all_text, &linkable) {
            part.report.unexplained_terms.push(UnexplainedTerm {
                page: page.page.clone(),
                term,
                reason: UNLINKABLE,
            });
        }
    }
    for acronym in acronyms_in(&all_text) {
        let known = glossary.is_some_and(|g| g.knows_abbreviation(&acronym));
        if !known && !all_text.contains(&format!("({acronym})")) {
            part.acronyms.push((acronym, page.page.clone()));
        }
    }
    part
}

fn sentence_checks(
    file: &str,
    paragraphs: &[Paragraph],
    targets: &LanguageConfig,
    flag: &Flag,
    report: &mut LanguageReport,
    diagnostics: &mut Diagnostics,
) {
    for paragraph in paragraphs {
        for s in &paragraph.sentences {
            if s.words > targets.max_sentence_words {
                diagnostics.push(flag.at(
                    file,
                    s.line,
                    format!(
                        "this sentence has {} words, more than {}",
                        s.words, targets.max_sentence_words
                    ),
                    "split it into two or more sentences (GOV.UK: keep sentences to 25 words or fewer)",
                ));
                report.long_sentences.push(LongSentence {
                    file: file.to_string(),
                    line: s.line,
                    words: s.words,
                    start: s
                        .text
                        .split_whitespace()
                        .take(8)
                        .collect::<Vec<_>>()
                        .join(" "),
                });
            }
        }
        let passive = paragraph.sentences.iter().filter(|s| s.passive).count();
        if passive >= 2
            && passive as f64 / paragraph.sentences.len() as f64 > targets.max_passive_share
        {
            report.passive_paragraphs += 1;
            diagnostics.push(flag.at(
                file,
                paragraph.line,
                format!(
                    "{passive} of this paragraph's {} sentences are in the passive voice",
                    paragraph.sentences.len()
                ),
                "say who does what: \"the council will decide\" rather than \"it will be decided\" (GOV.UK: use the active voice)",
            ));
        }
    }
}

/// Capitalised acronyms: two to eight letters or digits, starting with a
/// capital, with at least two capitals (DPS, EqIA, KCC). Roman numerals are
/// left alone.
fn acronyms_in(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| {
            let n = w.chars().count();
            (2..=8).contains(&n)
                && w.starts_with(|c: char| c.is_ascii_uppercase())
                && w.chars().filter(char::is_ascii_uppercase).count() >= 2
                && w.chars().all(|c| c.is_ascii_alphanumeric())
                && !w.chars().all(|c| "IVXLC".contains(c))
        })
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_of_known_words() {
        for (word, expected) in [
            ("the", 1),
            ("cat", 1),
            ("make", 1),
            ("makes", 1),
            ("used", 1),
            ("free", 1),
            ("care", 1),
            ("whole", 1),
            ("planned", 1),
            ("council", 2),
            ("people", 2),
            ("table", 2),
            ("tables", 2),
            ("service", 2),
            ("value", 2),
            ("agreed", 2),
            ("needed", 2),
            ("uses", 2),
            ("provides", 2),
            ("being", 2),
            ("quiet", 2),
            ("decision", 3),
            ("decided", 3),
            ("services", 3),
            ("created", 3),
            ("area", 3),
            ("period", 3),
            ("previous", 3),
            ("financial", 3),
            ("continue", 3),
            ("media", 3),
            ("usual", 3),
            ("studying", 3),
            ("racism", 3),
            ("material", 4),
            ("society", 4),
            ("individual", 5),
            ("procurement", 3),
            ("statement", 2),
            ("arrangements", 3),
            ("element", 3),
            ("implement", 3),
            ("careful", 2),
            ("completely", 3),
            ("agreement", 3),
            ("accessibility", 6),
            ("Kent's", 1),
            ("2022", 1),
        ] {
            assert_eq!(syllables(word), expected, "{word}");
        }
    }

    #[test]
    fn flesch_on_reference_sentences() {
        // "The cat sat on the mat.": 1 sentence, 6 words, 6 syllables.
        let p = prose("The cat sat on the mat.\n", 1);
        let m = Measure::of(&p);
        assert_eq!((m.sentences, m.words, m.syllables), (1, 6, 6));
        assert!((m.reading_ease - 116.145).abs() < 1e-9, "{m:?}");
        assert!((m.grade - -1.45).abs() < 1e-9, "{m:?}");
        assert!((m.reading_age - 3.55).abs() < 1e-9);
        // Residents 3, will 1, be 1, asked 1, to 1, choose 1, the 1, best 1,
        // option 2: 9 words, 12 syllables.
        let p = prose("Residents will be asked to choose the best option.\n", 1);
        let m = Measure::of(&p);
        assert_eq!((m.sentences, m.words, m.syllables), (1, 9, 12));
        assert!((m.reading_ease - 84.9).abs() < 1e-9, "{m:?}");
        assert!((m.grade - (3.51 + 11.8 * 12.0 / 9.0 - 15.59)).abs() < 1e-9);
        assert!(p[0].sentences[0].passive);
    }

    #[test]
    fn sentences_lines_and_what_is_not_prose() {
        let text = "## A heading that is not prose\n\nFirst sentence here. Second one, e.g. this, is here!\n\nTable 1: Money\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- a list item\n- another\n";
        let p = prose(text, 10);
        let lines: Vec<(usize, usize)> = p
            .iter()
            .flat_map(|p| p.sentences.iter().map(|s| (s.line, s.words)))
            .collect();
        assert_eq!(lines, [(12, 3), (12, 6), (20, 3), (21, 1)]);
    }

    #[test]
    fn passive_voice() {
        assert!(is_passive(
            &"The decision was taken by the Cabinet Member"
                .split(' ')
                .collect::<Vec<_>>()
        ));
        assert!(is_passive(
            &"Bids will be evaluated quickly"
                .split(' ')
                .collect::<Vec<_>>()
        ));
        assert!(is_passive(
            &"It is not needed".split(' ').collect::<Vec<_>>()
        ));
        assert!(!is_passive(
            &"The council took the decision"
                .split(' ')
                .collect::<Vec<_>>()
        ));
        assert!(!is_passive(
            &"This is a need".split(' ').collect::<Vec<_>>()
        ));
    }

    #[test]
    fn acronyms() {
        let found: Vec<String> = acronyms_in("The DPS and EqIA, KCC's plan, Lot 1a, II, A and UK2")
            .into_iter()
            .collect();
        assert_eq!(found, ["DPS", "EqIA", "KCC", "UK2"]);
    }
}
