//! Short exempt facts: the figures, percentages, postcodes and names in an
//! exempt source, which a shingle of eight words never sees. The most
//! sensitive parts of an award report are short (a bidder's name, a price,
//! a score), so each is looked for on its own, in any common formatting.
//!
//! - [`extract`] finds them in exempt text: amounts of money of four or more
//!   digits, other numbers of four or more significant digits (not years,
//!   not dates, not references glued to letters or slashes), percentages
//!   (not round ones), UK postcodes, and runs of two or more capitalised
//!   words that are not a sentence's opening words nor made only of the
//!   council's everyday words ([`COMMON`]).
//! - [`spellings`] says how each may be written (`£1,412,650`, `1412650`,
//!   `1,412,650.00`; a name in any case and spacing, with or without
//!   `Ltd`), for the scan to look for in public sources and output.
//! - [`declared`] reads an entry of a public source's `public_facts`: a
//!   fact that is legitimately public (a total the public report states, a
//!   company's registered name), listed in the withholding report.
//!
//! A fact is never shown in a message: only the exempt source is named.

use serde::{Deserialize, Serialize};

/// What kind of fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Kind {
    Number,
    Percentage,
    Postcode,
    Name,
}

/// A fact, by its canonical form: digits without grouping (`1412650`,
/// `63.47`), a postcode in capitals without its space (`ME141XX`), or a
/// name's words in lower case joined by spaces, without a leading `the` or
/// a company suffix (`orchard lane friends club`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Fact {
    pub kind: Kind,
    pub key: String,
}

/// Digits a figure needs to be a fact: `£250` or a score of `72` is too
/// likely to appear by chance to be evidence of anything.
pub const MIN_DIGITS: usize = 4;

/// Whether the opening words of a sentence are read as a name (in a value
/// such as a cell or a title they are; in running text a capital there
/// proves nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Text,
    Value,
}

/// The distinctive short facts of exempt text.
pub fn extract(text: &str, mode: Mode) -> Vec<Fact> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    for n in numbers(&chars) {
        if let Some(fact) = n.fact() {
            // A share with four significant digits (`87.35%`) is as
            // distinctive without its sign (`87.35 out of 100`).
            let significant =
                n.int.trim_start_matches('0').len() + n.dec.trim_end_matches('0').len();
            if fact.kind == Kind::Percentage && significant >= MIN_DIGITS {
                out.push(Fact {
                    kind: Kind::Number,
                    key: fact.key.clone(),
                });
            }
            out.push(fact);
        }
    }
    out.extend(postcodes(&chars));
    out.extend(names(&chars, mode));
    out.sort();
    out.dedup();
    out
}

/// Reads one entry of `public_facts`: exactly one figure, percentage or
/// postcode, or else a name, written as it is in the exempt source.
pub fn declared(entry: &str) -> Result<Fact, String> {
    let entry = entry.trim().replace('&', " and ");
    let entry = entry.as_str();
    let chars: Vec<(usize, char)> = entry.char_indices().collect();
    if entry.chars().any(|c| c.is_ascii_digit()) {
        let mut found: Vec<Fact> = numbers(&chars)
            .into_iter()
            .map(|n| Fact {
                kind: if n.percent {
                    Kind::Percentage
                } else {
                    Kind::Number
                },
                key: n.key(),
            })
            .collect();
        found.extend(postcodes(&chars));
        let letters_outside = entry
            .trim_start_matches(['£', '$', '€'])
            .trim_end_matches('%')
            .trim_end_matches("per cent")
            .trim_end_matches("percent")
            .chars()
            .any(|c| c.is_alphabetic());
        return match found.as_slice() {
            [one] if one.kind == Kind::Postcode || !letters_outside => Ok(one.clone()),
            _ => Err("it holds more than one figure, or a figure with words around it: write each figure on its own, as the exempt source writes it (`£1,000,000`, `12.5%`, `ME14 1XX`)".to_string()),
        };
    }
    let words = words(&chars);
    if words.is_empty() {
        return Err("it has no words or figures".to_string());
    }
    let texts: Vec<&str> = words.iter().map(|w| &entry[w.start..w.end]).collect();
    Ok(Fact {
        kind: Kind::Name,
        key: name_key(&texts),
    })
}

/// Every figure in public text, read as [`extract`] reads exempt text (the
/// same glue rules), whatever its size: byte offset, canonical key, and
/// whether it is a percentage. A number fact is found where the key is the
/// same; a percentage fact where the figure is a percentage too.
pub fn figures(text: &str) -> Vec<(usize, String, bool)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    numbers(&chars)
        .into_iter()
        .map(|n| (n.at, n.key(), n.percent))
        .collect()
}

/// How a fact may be written, each to be read as words by the scan
/// (which reads no `%`: a percentage is found by its "per cent").
pub fn spellings(fact: &Fact) -> Vec<String> {
    match fact.kind {
        Kind::Number => {
            let (int, dec) = match fact.key.split_once('.') {
                Some((i, d)) => (i, Some(d)),
                None => (fact.key.as_str(), None),
            };
            let mut ints = vec![int.to_string()];
            if int.len() > 3 && !int.starts_with('0') {
                ints.push(group(int));
            }
            let mut out = Vec::new();
            for i in &ints {
                match dec {
                    None => out.push(i.clone()),
                    Some(d) => {
                        out.push(format!("{i}.{d}"));
                        if d.len() == 1 {
                            out.push(format!("{i}.{d}0"));
                        }
                    }
                }
            }
            // An amount of pounds and pence, in pence (`6347p`).
            if let Some(d) = dec.filter(|d| d.len() <= 2) {
                let pounds = int.trim_start_matches('0');
                out.push(format!("{pounds}{d:0<2}p"));
            }
            out
        }
        Kind::Percentage => vec![
            format!("{} per cent", fact.key),
            format!("{} percent", fact.key),
        ],
        Kind::Postcode => {
            let split = fact.key.len() - 3;
            vec![
                format!("{} {}", &fact.key[..split], &fact.key[split..]),
                fact.key.clone(),
            ]
        }
        Kind::Name => {
            let mut out = vec![fact.key.clone()];
            let without_and: Vec<&str> = fact.key.split(' ').filter(|w| *w != "and").collect();
            if without_and.len() != fact.key.split(' ').count() {
                out.push(without_and.join(" "));
            }
            out
        }
    }
}

/// `1412650` as `1,412,650`.
fn group(int: &str) -> String {
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number as written: its digits, whether money or a percentage.
struct Number {
    /// Byte offset where its digits start.
    at: usize,
    int: String,
    dec: String,
    grouped: bool,
    money: bool,
    percent: bool,
}

impl Number {
    /// Its canonical form: leading zeros dropped (kept for a code such as
    /// `01632`), trailing decimal zeros dropped.
    fn key(&self) -> String {
        let int = if self.int.len() > 1
            && self.int.starts_with('0')
            && !self.grouped
            && self.dec.is_empty()
        {
            self.int.clone()
        } else {
            let t = self.int.trim_start_matches('0');
            if t.is_empty() {
                "0".to_string()
            } else {
                t.to_string()
            }
        };
        let dec = self.dec.trim_end_matches('0');
        if dec.is_empty() {
            int
        } else {
            format!("{int}.{dec}")
        }
    }

    /// The fact this number is, if it is distinctive enough to be one.
    fn fact(&self) -> Option<Fact> {
        let key = self.key();
        if self.percent {
            // Round shares (a half, a tenth) are said of everything.
            let round = self.dec.trim_end_matches('0').is_empty()
                && key
                    .parse::<u32>()
                    .is_ok_and(|n| n <= 100 && (n % 10 == 0 || n == 25 || n == 75));
            return (!round).then_some(Fact {
                kind: Kind::Percentage,
                key,
            });
        }
        let int = self.int.trim_start_matches('0');
        let dec = self.dec.trim_end_matches('0');
        let digits = if self.money {
            // An amount of money counts every digit: `£1,000,000` is a total,
            // and `£61.10` is written with four (pence and all), as long as
            // three of them say something (`£10.00` does not).
            let significant = int.len() + dec.len();
            match significant >= 3 {
                true => int.len() + self.dec.len(),
                false => significant,
            }
        } else {
            // Otherwise trailing zeros are not significant: `1,000 hours`.
            if dec.is_empty() {
                int.trim_end_matches('0').len()
            } else {
                int.len() + dec.len()
            }
        };
        if digits < MIN_DIGITS {
            return None;
        }
        let year = !self.money
            && !self.grouped
            && self.dec.is_empty()
            && self.int.len() == 4
            && self
                .int
                .parse::<u32>()
                .is_ok_and(|y| (1900..=2100).contains(&y));
        (!year).then_some(Fact {
            kind: Kind::Number,
            key,
        })
    }
}

fn is_digit(chars: &[(usize, char)], i: usize) -> bool {
    chars.get(i).is_some_and(|(_, c)| c.is_ascii_digit())
}

fn char_at(chars: &[(usize, char)], i: usize) -> Option<char> {
    chars.get(i).map(|(_, c)| *c)
}

/// Every number in the text that stands on its own: not glued to letters
/// (`ME14`, `10k`), to a slash or a dash and digits (`22/00073`,
/// `2024-03-12`), or to dots and digits (`12.03.2024`, `1.2.3`).
fn numbers(chars: &[(usize, char)]) -> Vec<Number> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_digit(chars, i) {
            i += 1;
            continue;
        }
        let start = i;
        // A currency's code written against the figure (`GBP63.47`) is no
        // word the figure is part of.
        let currency = i >= 3
            && ["gbp", "eur", "usd"].iter().any(|code| {
                code.chars().enumerate().all(|(k, c)| {
                    char_at(chars, i - 3 + k).is_some_and(|x| x.to_ascii_lowercase() == c)
                })
            })
            && (i == 3 || !char_at(chars, i - 4).is_some_and(char::is_alphanumeric));
        let glued_before = match i.checked_sub(1).and_then(|p| char_at(chars, p)) {
            _ if currency => false,
            Some(c) if c.is_alphanumeric() || matches!(c, '/' | '.' | ':' | '_' | '#' | '\\') => {
                true
            }
            Some('-') => i
                .checked_sub(2)
                .and_then(|p| char_at(chars, p))
                .is_some_and(|c| c.is_alphanumeric()),
            _ => false,
        };
        let mut int = String::new();
        while is_digit(chars, i) {
            int.push(chars[i].1);
            i += 1;
        }
        let mut grouped = false;
        // Thousands: a separator, then exactly three digits, after a first
        // group of one to three (`1,412,650`, `1 412 650`, `1'412'650`;
        // `1.412.650` when there are two groups or more).
        let group_at =
            |i: usize| (1..=3).all(|k| is_digit(chars, i + k)) && !is_digit(chars, i + 4);
        let dots = char_at(chars, i) == Some('.')
            && group_at(i)
            && char_at(chars, i + 4) == Some('.')
            && group_at(i + 4);
        if int.len() <= 3 {
            while let Some(sep) = char_at(chars, i) {
                let separator = matches!(
                    sep,
                    ',' | ' ' | '\u{a0}' | '\u{2009}' | '\u{202f}' | '\'' | '’' | '_'
                ) || (sep == '.' && dots);
                if !(separator && group_at(i)) {
                    break;
                }
                grouped = true;
                for k in 1..=3 {
                    int.push(chars[i + k].1);
                }
                i += 4;
            }
        }
        let money = {
            let mut p = start;
            if p > 0 && char_at(chars, p - 1) == Some(' ') {
                p -= 1;
            }
            p > 0 && matches!(char_at(chars, p - 1), Some('£' | '$' | '€'))
        };
        let mut dec = String::new();
        // The decimal point: `.`, or the raised point of older British
        // print (`£63·47`); a comma where dots group thousands, or before
        // two figures of pence (`£63,47`).
        let point = match char_at(chars, i) {
            Some(',') if dots => true,
            Some('.' | '\u{b7}') if !dots => true,
            Some(',') => {
                money && (1..=2).all(|k| is_digit(chars, i + k)) && !is_digit(chars, i + 3)
            }
            _ => false,
        };
        if point && is_digit(chars, i + 1) {
            i += 1;
            while is_digit(chars, i) {
                dec.push(chars[i].1);
                i += 1;
            }
        }
        // Pence (`6347p`, `6347 pence`) are an amount of money in pounds.
        let pence = (!money && !glued_before && dec.is_empty())
            .then(|| pence_after(chars, i))
            .flatten();
        if let Some(end) = pence {
            let digits = int.trim_start_matches('0');
            let (pounds, p) = digits.split_at(digits.len().saturating_sub(2));
            out.push(Number {
                at: chars[start].0,
                int: if pounds.is_empty() {
                    "0".into()
                } else {
                    pounds.into()
                },
                dec: format!("{p:0>2}"),
                grouped,
                money: true,
                percent: false,
            });
            i = end;
            continue;
        }
        // An amount in millions, billions or thousands (`£1.4m`, `£2.35
        // million`, `1,412.65 thousand`) is the same figure as its digits
        // written out; short scales (`m`, `k`) only after a currency sign.
        if !glued_before {
            if let Some((zeros, end)) = scale_after(chars, i)
                .filter(|s| money || s.2)
                .map(|s| (s.0, s.1))
            {
                let significant = format!("{int}{dec}")
                    .trim_start_matches('0')
                    .trim_end_matches('0')
                    .len();
                if significant >= 2 && dec.len() <= zeros {
                    let mut digits = format!("{int}{dec}");
                    digits.extend(std::iter::repeat_n('0', zeros - dec.len()));
                    out.push(Number {
                        at: chars[start].0,
                        int: digits,
                        dec: String::new(),
                        grouped: true,
                        money,
                        percent: false,
                    });
                }
                i = end;
                continue;
            }
        }
        // `87.35pc` is a percentage, written as newspapers do.
        let pc = matches!(char_at(chars, i), Some('p' | 'P'))
            && matches!(char_at(chars, i + 1), Some('c' | 'C'))
            && !char_at(chars, i + 2).is_some_and(char::is_alphanumeric);
        let glued_after = !pc
            && match char_at(chars, i) {
                Some(c) if c.is_alphanumeric() || c == '/' || c == '\\' => true,
                Some('-' | '.' | ':' | ',') => is_digit(chars, i + 1),
                _ => false,
            };
        // An amount of money with its unit stuck to it (`£4,875pa`,
        // `£74.62/day`) is still that amount: the currency says what it is.
        let unit_glued = money && !glued_before && glued_after;
        // The rest of the token goes with it.
        let skip_token = |mut i: usize| {
            while char_at(chars, i).is_some_and(|c| {
                c.is_alphanumeric()
                    || matches!(c, '/' | '-' | '.' | ':' | ',') && is_digit(chars, i + 1)
            }) {
                i += 1;
            }
            i
        };
        if (glued_before || glued_after) && !unit_glued {
            i = skip_token(i);
            continue;
        }
        let percent = pc || {
            let mut p = i;
            while matches!(char_at(chars, p), Some(' ' | '\u{a0}')) {
                p += 1;
            }
            let rest: String = chars[p.min(chars.len())..]
                .iter()
                .take(9)
                .map(|(_, c)| c.to_ascii_lowercase())
                .collect();
            rest.starts_with('%') || rest.starts_with("per cent") || rest.starts_with("percent")
        };
        out.push(Number {
            at: chars[start].0,
            int,
            dec,
            grouped,
            money,
            percent,
        });
        if unit_glued {
            i = skip_token(i);
        }
    }
    out.extend(spelled(chars));
    out.sort_by_key(|n| n.at);
    out
}

/// The value of a number word (`seven`, `seventeen`, `seventy`).
fn number_word(word: &str) -> Option<u64> {
    const SMALL: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(n) = SMALL.iter().position(|w| *w == word) {
        return Some(n as u64);
    }
    TENS.iter()
        .position(|w| *w == word)
        .map(|n| (n as u64 + 2) * 10)
}

/// Amounts and other numbers written in words (`one million, four hundred
/// and twelve thousand, six hundred and fifty pounds`, `sixty-three pounds
/// and forty-seven pence`, `sixty-three point four seven`, `forty-one per
/// cent`): the same figures as their digits, so that an exempt price cannot
/// be published by spelling it out. A number needs two significant figures
/// to be read at all (`one million` is round, like `£1 million`).
fn spelled(chars: &[(usize, char)]) -> Vec<Number> {
    // The words a number in words is made of, lower case, with where each
    // starts. Other words are left out: one between two number words
    // stands between them in the text, so they are not joined.
    const WORDS: [&str; 14] = [
        "a", "and", "hundred", "thousand", "million", "billion", "point", "pounds", "pound",
        "pence", "p", "per", "cent", "percent",
    ];
    let mut words: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].1.is_alphabetic() {
            i += 1;
        }
        // The longest such word, `seventeen`, has nine letters.
        if i - start > 9 || !chars[start..i].iter().all(|(_, c)| c.is_ascii()) {
            continue;
        }
        let word: String = chars[start..i]
            .iter()
            .map(|(_, c)| c.to_ascii_lowercase())
            .collect();
        if WORDS.contains(&word.as_str()) || number_word(&word).is_some() {
            words.push((start, word));
        }
    }
    // Whether only separators (spaces, hyphens, commas) lie between words.
    let joined = |a: usize, b: usize| {
        let end = words[a].0 + words[a].1.chars().count();
        chars[end..words[b].0]
            .iter()
            .all(|(_, c)| matches!(c, ' ' | '-' | ',' | '\u{a0}' | '\n'))
    };
    let mut out = Vec::new();
    let mut w = 0;
    while w < words.len() {
        let starts = number_word(&words[w].1).is_some()
            || (words[w].1 == "a"
                && words.get(w + 1).is_some_and(|(_, n)| {
                    matches!(n.as_str(), "hundred" | "thousand" | "million" | "billion")
                }));
        if !starts {
            w += 1;
            continue;
        }
        let first = w;
        let (mut total, mut current, mut last) = (0u64, 0u64, w);
        let mut k = w;
        while k < words.len() && (k == first || joined(k - 1, k)) {
            let word = words[k].1.as_str();
            match (word, number_word(word)) {
                (_, Some(n)) => current = current.saturating_add(n),
                ("a", _) if k == first => current = 1,
                ("hundred", _) => current = current.max(1).saturating_mul(100),
                ("thousand" | "million" | "billion", _) => {
                    let scale = match word {
                        "thousand" => 1_000,
                        "million" => 1_000_000,
                        _ => 1_000_000_000,
                    };
                    total = total.saturating_add(current.max(1).saturating_mul(scale));
                    current = 0;
                }
                // `and` joins the parts of one number (`four hundred and
                // twelve`) only when a number word follows.
                ("and", _)
                    if words
                        .get(k + 1)
                        .is_some_and(|(_, n)| number_word(n).is_some()) => {}
                _ => break,
            }
            if word != "and" {
                last = k;
            }
            k += 1;
        }
        let value = total.saturating_add(current);
        let mut next = last + 1;
        // The word `w` at `k`, straight after the word before it.
        let at_word = |k: usize, w: &str| {
            k > 0 && words.get(k).is_some_and(|(_, x)| x == w) && joined(k - 1, k)
        };
        // Decimals: `point` and one digit word after another.
        let mut dec = String::new();
        if at_word(next, "point") {
            let mut k = next + 1;
            while let Some(d) = words
                .get(k)
                .and_then(|(_, x)| number_word(x))
                .filter(|d| *d < 10)
            {
                if !joined(k - 1, k) {
                    break;
                }
                dec.push(char::from(b'0' + d as u8));
                k += 1;
            }
            if !dec.is_empty() {
                next = k;
            }
        }
        let money = at_word(next, "pounds") || at_word(next, "pound") || {
            let before = chars[..words[first].0]
                .iter()
                .rev()
                .find(|(_, c)| *c != ' ');
            matches!(before, Some((_, '£')))
        };
        // `... pounds and forty-seven pence`.
        if money && dec.is_empty() && (at_word(next, "pounds") || at_word(next, "pound")) {
            let mut k = next + 1;
            if at_word(k, "and") {
                k += 1;
            }
            let mut pence = 0u64;
            let mut any = false;
            while let Some(n) = words
                .get(k)
                .filter(|_| joined(k - 1, k))
                .and_then(|(_, x)| number_word(x))
            {
                pence += n;
                any = true;
                k += 1;
            }
            if any && pence < 100 && (at_word(k, "pence") || at_word(k, "p")) {
                dec = format!("{pence:02}");
            }
        }
        let percent =
            (at_word(next, "per") && at_word(next + 1, "cent")) || at_word(next, "percent");
        let int = value.to_string();
        let significant = format!("{int}{dec}")
            .trim_start_matches('0')
            .trim_end_matches('0')
            .len();
        if significant >= 2 {
            out.push(Number {
                at: chars[words[first].0].0,
                int,
                dec,
                grouped: true,
                money,
                percent,
            });
        }
        w = last + 1;
    }
    out
}

/// `p` or ` pence` right after a whole number at `i` (ending a word, and
/// not `pc`, a percentage): where it ends.
fn pence_after(chars: &[(usize, char)], i: usize) -> Option<usize> {
    let ends = |e: usize| !char_at(chars, e).is_some_and(char::is_alphanumeric);
    if matches!(char_at(chars, i), Some('p' | 'P')) && ends(i + 1) {
        return Some(i + 1);
    }
    let word: String = chars[i.min(chars.len())..]
        .iter()
        .take(6)
        .map(|(_, c)| c.to_ascii_lowercase())
        .collect();
    (word == " pence" && ends(i + 6)).then_some(i + 6)
}

/// A scale word right after an amount at `i` (`m`, `bn`, `k`, or ` million`,
/// ` billion`, ` thousand`, ending a word): how many zeros it stands for,
/// where it ends, and whether it is a word (not an abbreviation).
fn scale_after(chars: &[(usize, char)], i: usize) -> Option<(usize, usize, bool)> {
    let mut p = i;
    if char_at(chars, p) == Some(' ') {
        p += 1;
    }
    let word_end = (p..=chars.len())
        .find(|&e| !char_at(chars, e).is_some_and(char::is_alphanumeric))
        .unwrap_or(chars.len());
    let word: String = chars[p..word_end]
        .iter()
        .map(|(_, c)| c.to_ascii_lowercase())
        .collect();
    let spaced = p > i;
    let (zeros, spelled) = match word.as_str() {
        "m" | "mn" if !spaced => (6, false),
        "bn" if !spaced => (9, false),
        "k" if !spaced => (3, false),
        "million" => (6, true),
        "billion" => (9, true),
        "thousand" => (3, true),
        _ => return None,
    };
    Some((zeros, word_end, spelled))
}

/// UK postcodes written in capitals (`ME14 1XX`, `SW1A 2AA`): the outward
/// code (one or two letters, a digit, then a letter or digit or nothing),
/// an optional space, the inward code (a digit and two letters).
fn postcodes(chars: &[(usize, char)]) -> Vec<Fact> {
    let up = |i: usize| char_at(chars, i).is_some_and(|c| c.is_ascii_uppercase());
    let dig = |i: usize| is_digit(chars, i);
    let alnum = |i: usize| char_at(chars, i).is_some_and(|c| c.is_alphanumeric());
    let mut out = Vec::new();
    for start in 0..chars.len() {
        if !up(start) || (start > 0 && alnum(start - 1)) {
            continue;
        }
        let mut i = start + 1;
        if up(i) {
            i += 1;
        }
        if !dig(i) {
            continue;
        }
        i += 1;
        for outward_end in [i + 1, i] {
            if outward_end == i + 1 && !(up(i) || dig(i)) {
                continue;
            }
            let mut j = outward_end;
            if char_at(chars, j) == Some(' ') {
                j += 1;
            }
            if dig(j) && up(j + 1) && up(j + 2) && !alnum(j + 3) {
                let key: String = chars[start..j + 3]
                    .iter()
                    .map(|(_, c)| *c)
                    .filter(|c| *c != ' ')
                    .collect();
                out.push(Fact {
                    kind: Kind::Postcode,
                    key,
                });
                break;
            }
        }
    }
    out
}

/// A word of running text: letters and digits, with `'` and `-` inside.
struct Word {
    start: usize,
    end: usize,
    /// Index of its first character.
    first: usize,
    last: usize,
}

fn words(chars: &[(usize, char)]) -> Vec<Word> {
    let end_of = |i: usize| {
        chars.get(i).map_or_else(
            || chars.last().map_or(0, |(o, c)| o + c.len_utf8()),
            |(o, _)| *o,
        )
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_alphanumeric() {
            i += 1;
            continue;
        }
        let first = i;
        while i < chars.len()
            && (chars[i].1.is_alphanumeric()
                || matches!(chars[i].1, '\'' | '’' | '-')
                    && chars.get(i + 1).is_some_and(|(_, c)| c.is_alphanumeric()))
        {
            i += 1;
        }
        out.push(Word {
            start: chars[first].0,
            end: end_of(i),
            first,
            last: i,
        });
    }
    out
}

/// Small words that may join the capitalised words of a name.
const CONNECTORS: [&str; 6] = ["of", "and", "the", "for", "on", "upon"];

/// Words a sentence often opens with, dropped from a name there.
const OPENERS: [&str; 32] = [
    "a", "an", "the", "in", "at", "on", "for", "from", "to", "by", "with", "when", "if", "this",
    "that", "these", "those", "our", "we", "it", "its", "each", "every", "all", "some", "as",
    "after", "before", "under", "where", "while", "no",
];

/// Titles that go before a person's name.
const TITLES: [&str; 11] = [
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "cllr",
    "councillor",
    "sir",
    "dame",
    "prof",
];

/// Company suffixes: `Oakwood Care Ltd` is `Oakwood Care`.
const SUFFIXES: [&str; 7] = ["ltd", "limited", "llp", "plc", "cic", "inc", "lp"];

/// The council's everyday words: a capitalised run made only of these
/// (`Kent County Council`, `Selection Questionnaire`, `Table One`) names
/// no one.
pub const COMMON: &[&str] = &[
    "a",
    "accessibility",
    "act",
    "activities",
    "activity",
    "adult",
    "adults",
    "agenda",
    "and",
    "annex",
    "appendices",
    "appendix",
    "april",
    "assessment",
    "assessments",
    "august",
    "award",
    "awards",
    "background",
    "bid",
    "bidder",
    "bidders",
    "bids",
    "borough",
    "budget",
    "cabinet",
    "care",
    "categories",
    "category",
    "chair",
    "children",
    "city",
    "commercial",
    "commercially",
    "commissioner",
    "commissioning",
    "committee",
    "communities",
    "community",
    "conclusion",
    "conclusions",
    "confidential",
    "consultation",
    "contact",
    "context",
    "contract",
    "contracts",
    "corporate",
    "cost",
    "costs",
    "council",
    "councils",
    "county",
    "criteria",
    "data",
    "day",
    "december",
    "decision",
    "decisions",
    "deputy",
    "development",
    "director",
    "directorate",
    "district",
    "division",
    "divisions",
    "documents",
    "draft",
    "dynamic",
    "economic",
    "economy",
    "education",
    "electoral",
    "engagement",
    "england",
    "environment",
    "equalities",
    "equality",
    "evaluation",
    "everyday",
    "exception",
    "executive",
    "exempt",
    "february",
    "fictional",
    "figure",
    "final",
    "finance",
    "financial",
    "for",
    "forward",
    "framework",
    "friday",
    "general",
    "governance",
    "government",
    "growth",
    "head",
    "health",
    "highways",
    "home",
    "housing",
    "human",
    "impact",
    "implications",
    "information",
    "infrastructure",
    "integrated",
    "introduction",
    "item",
    "january",
    "july",
    "june",
    "kent",
    "key",
    "kingdom",
    "leader",
    "legal",
    "life",
    "local",
    "lot",
    "lots",
    "manager",
    "march",
    "may",
    "meeting",
    "member",
    "members",
    "method",
    "methodology",
    "minutes",
    "monday",
    "money",
    "news",
    "next",
    "nhs",
    "not",
    "notice",
    "november",
    "october",
    "of",
    "officer",
    "officers",
    "on",
    "one",
    "option",
    "options",
    "overview",
    "panel",
    "papers",
    "paragraph",
    "part",
    "people",
    "plan",
    "planning",
    "policy",
    "portfolio",
    "price",
    "privacy",
    "procurement",
    "protection",
    "provider",
    "providers",
    "public",
    "publication",
    "purchasing",
    "purpose",
    "quality",
    "questionnaire",
    "recommendation",
    "recommendations",
    "regulations",
    "report",
    "reports",
    "resources",
    "result",
    "results",
    "review",
    "rights",
    "risk",
    "risks",
    "round",
    "saturday",
    "schedule",
    "score",
    "scores",
    "scoring",
    "scrutiny",
    "section",
    "selection",
    "sensitive",
    "september",
    "service",
    "services",
    "skills",
    "social",
    "stage",
    "statement",
    "steps",
    "strategic",
    "summary",
    "sunday",
    "supplier",
    "suppliers",
    "support",
    "system",
    "table",
    "team",
    "tender",
    "tenders",
    "the",
    "thursday",
    "timetable",
    "training",
    "transport",
    "tuesday",
    "uk",
    "unit",
    "united",
    "urgency",
    "us",
    "value",
    "version",
    "waste",
    "wednesday",
    "weighting",
    "young",
];

/// The canonical key of a name's words.
fn name_key(words: &[&str]) -> String {
    let mut lower: Vec<String> = words
        .iter()
        .map(|w| w.to_lowercase().replace('’', "'"))
        .collect();
    while lower
        .first()
        .is_some_and(|w| w == "the" || TITLES.contains(&w.as_str()))
    {
        lower.remove(0);
    }
    if lower.len() > 2 && lower.last().is_some_and(|w| SUFFIXES.contains(&w.as_str())) {
        lower.pop();
    }
    lower.join(" ")
}

/// Runs of capitalised words (with [`CONNECTORS`] between them) that may
/// name a person, a company or a place.
fn names(chars: &[(usize, char)], mode: Mode) -> Vec<Fact> {
    let words = words(chars);
    let text_of = |w: &Word| -> String { chars[w.first..w.last].iter().map(|(_, c)| *c).collect() };
    let texts: Vec<String> = words.iter().map(text_of).collect();
    let capital = |i: usize| texts[i].chars().next().is_some_and(|c| c.is_uppercase());
    let connector = |i: usize| CONNECTORS.contains(&texts[i].as_str());
    // The characters between word i-1 and word i.
    let gap = |i: usize| -> String {
        let from = if i == 0 { 0 } else { words[i - 1].last };
        chars[from..words[i].first]
            .iter()
            .map(|(_, c)| *c)
            .collect()
    };
    // Whether word i goes on from word i-1 within a name.
    let joined = |i: usize| -> bool {
        let g = gap(i);
        let g = g.trim_matches([' ', '\t']);
        g.is_empty() || g == "&" || g == "\n" || g == "\r\n"
    };
    let sentence_start = |i: usize| -> bool {
        if i == 0 {
            return true;
        }
        let g = gap(i);
        if g.contains([
            '.', '!', '?', ':', ';', '|', '"', '“', '(', '[', '*', '_', '#', '>',
        ]) || g.contains("\n\n")
        {
            return true;
        }
        // A new line that opens a list item or a heading.
        g.rsplit('\n').next().is_some_and(|last| {
            g.contains('\n') && last.trim_start().starts_with(['-', '+', '*', '#', '>'])
        }) || (g.contains('\n')
            && words[i - 1].last > 0
            && texts[i - 1].chars().all(|c| c.is_ascii_digit()))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if !capital(i) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        while end < words.len() && joined(end) && (capital(end) || connector(end)) {
            end += 1;
        }
        // A run does not end in a connector.
        while end > start + 1 && connector(end - 1) {
            end -= 1;
        }
        i = end.max(start + 1);
        let mut first = start;
        if mode == Mode::Text && sentence_start(start) {
            let opener = OPENERS.contains(&texts[start].to_lowercase().as_str());
            if opener || end - start < 3 {
                first += 1;
            }
        }
        while first < end && connector(first) {
            first += 1;
        }
        if end - first < 2 || !capital(first) {
            continue;
        }
        // The run's words, `&` read as `and`.
        let mut run: Vec<&str> = Vec::new();
        for (w, text) in texts.iter().enumerate().take(end).skip(first) {
            if w > first && gap(w).contains('&') {
                run.push("and");
            }
            run.push(text);
        }
        // The whole run, and each part between an `and` or a `the`, for a
        // run may be two names (`Dr Amelia Pond and the Oakwood Trust`).
        let mut candidates = vec![run.clone()];
        let parts: Vec<&[&str]> = run.split(|w| *w == "and" || *w == "the").collect();
        if parts.len() > 1 {
            candidates.extend(parts.into_iter().map(<[&str]>::to_vec));
        }
        for mut candidate in candidates {
            while candidate.first().is_some_and(|w| CONNECTORS.contains(w)) {
                candidate.remove(0);
            }
            while candidate.last().is_some_and(|w| CONNECTORS.contains(w)) {
                candidate.pop();
            }
            if candidate.len() < 2 {
                continue;
            }
            let key = name_key(&candidate);
            if key.split(' ').count() < 2 || key.split(' ').all(|w| COMMON.contains(&w)) {
                continue;
            }
            out.push(Fact {
                kind: Kind::Name,
                key,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str, mode: Mode) -> Vec<String> {
        extract(text, mode).into_iter().map(|f| f.key).collect()
    }

    #[test]
    fn figures_of_four_digits_or_more_are_facts_and_years_dates_and_references_are_not() {
        assert_eq!(
            keys("The price was £1,412,650 in total.", Mode::Text),
            ["1412650"]
        );
        assert_eq!(keys("A day rate of £63.47 was bid.", Mode::Text), ["63.47"]);
        assert_eq!(
            keys("A day rate of GBP63.47 was bid.", Mode::Text),
            ["63.47"]
        );
        assert!(keys("Form XGBP6347 was used.", Mode::Text).is_empty());
        assert_eq!(keys("It cost 1412650.00 pounds", Mode::Text), ["1412650"]);
        assert_eq!(keys("£1,000,000 over 1,000 hours", Mode::Text), ["1000000"]);
        for grouped in [
            "£1 412 650",
            "£1\u{202f}412\u{202f}650",
            "£1.412.650",
            "£1'412'650",
            "1,412,650.00",
        ] {
            assert_eq!(keys(grouped, Mode::Text), ["1412650"], "{grouped}");
        }
        assert_eq!(keys("€1.412.650,75", Mode::Text), ["1412650.75"]);
        // Millions and thousands, when the amount has two figures or more.
        assert_eq!(keys("about £1.4m in all", Mode::Text), ["1400000"]);
        assert_eq!(keys("£2.35 million", Mode::Text), ["2350000"]);
        assert_eq!(keys("£125k", Mode::Text), ["125000"]);
        assert!(keys("more than £1 million, or £500k, or £10m", Mode::Text).is_empty());
        assert_eq!(figures("a total of £1,400,000")[0].1, "1400000");
        assert!(keys("In 2024, 72 marks, decision 22/00073, on 12/03/2024 or 2024-03-12 or 12.03.2024, ME14 road A229, v1.2.3, 10k", Mode::Text).is_empty());
        assert!(extract("£250 and 12.5 marks", Mode::Text).is_empty());
        assert_eq!(keys("call 01632 960001", Mode::Text), ["01632", "960001"]);
    }

    #[test]
    fn figures_in_public_text_are_read_with_the_same_glue() {
        let found = figures("On 2020-10-16 it cost £1,412,650 and 16.16 an hour, or 71.3%.");
        assert_eq!(
            found,
            [
                (24, "1412650".to_string(), false),
                (38, "16.16".to_string(), false),
                (56, "71.3".to_string(), true),
            ]
        );
    }

    #[test]
    fn amounts_with_their_units_stuck_on_pence_and_shares_without_their_sign_are_facts() {
        // An amount with its unit glued to it, in exempt text and in public.
        for text in [
            "£1,412,650pa",
            "£1,412,650p.a.",
            "£1,412,650/yr",
            "£1,412,650/year",
        ] {
            assert_eq!(keys(text, Mode::Text), ["1412650"], "{text}");
        }
        assert_eq!(keys("it quoted £74.62/day", Mode::Text), ["74.62"]);
        assert_eq!(keys("a fee of £4,875pa", Mode::Text), ["4875"]);
        assert_eq!(figures("£88.15/day")[0].1, "88.15");
        // Pence written with a nought still have four figures; `£10.00` not.
        assert_eq!(keys("£61.10 a day", Mode::Text), ["61.1"]);
        assert!(keys("£10.00 and £5.50", Mode::Text).is_empty());
        // A share of four figures is a number fact too; `pc` is a percent sign.
        let facts = extract("It scored 87.35% on quality.", Mode::Text);
        assert!(
            facts.contains(&Fact {
                kind: Kind::Number,
                key: "87.35".into()
            }),
            "{facts:?}"
        );
        assert!(
            facts.contains(&Fact {
                kind: Kind::Percentage,
                key: "87.35".into()
            }),
            "{facts:?}"
        );
        assert_eq!(figures("87.35pc")[0], (0, "87.35".to_string(), true));
        // Codes glued to letters are still not figures.
        assert!(keys("ME14 road A229, 10k, v1234a", Mode::Text).is_empty());
        // Pounds and pence however they are written: a raised decimal
        // point, a decimal comma, in pence; a figure in thousands.
        for text in [
            "£63·47 an hour",
            "£63,47 an hour",
            "£ 63,47 an hour",
            "6347p an hour",
            "6347 pence an hour",
            "6,347p an hour",
        ] {
            assert_eq!(keys(text, Mode::Text), ["63.47"], "{text}");
        }
        assert_eq!(keys("1,412.65 thousand pounds", Mode::Text), ["1412650"]);
        // In words, as an amount is written out in a letter.
        for (text, key) in [
            (
                "one million, four hundred and twelve thousand, six hundred and fifty pounds",
                "1412650",
            ),
            ("sixty-three pounds and forty-seven pence a day", "63.47"),
            ("£ sixty-three point four seven", "63.47"),
            ("sixty three pounds forty seven pence", "63.47"),
            ("a day rate of fifty-seven pounds thirty-six p", "57.36"),
            (
                "four thousand, eight hundred and seventy-five pounds a year",
                "4875",
            ),
        ] {
            assert_eq!(keys(text, Mode::Text), [key], "{text}");
        }
        // Round or small amounts in words are not facts.
        for text in [
            "one million pounds",
            "two hundred and fifty pounds",
            "twenty-five bidders and a hundred people",
            "one of the four and twenty",
            "sixty-three bidders, not pounds",
            "sixty-three bidders asked for forty-seven pounds",
        ] {
            assert!(keys(text, Mode::Text).is_empty(), "{text}");
        }
        assert_eq!(
            figures("forty-one per cent")[0],
            (0, "41".to_string(), true)
        );
        assert_eq!(keys("£1,412.65 thousand", Mode::Text), ["1412650"]);
        // A list with commas, a count in millions, a share: as before.
        assert_eq!(
            keys("£63,470 and 2.5 million people", Mode::Text),
            ["63470"]
        );
        assert!(keys("it costs 75p, or 12 pence", Mode::Text).is_empty());
        assert!(figures("1,234pc")[0].2);
    }

    #[test]
    fn percentages_are_facts_unless_round() {
        let facts = extract(
            "Quality 70%, price 30 per cent, the bid scored 73.5% and 41 percent.",
            Mode::Text,
        );
        assert_eq!(
            facts,
            [
                Fact {
                    kind: Kind::Percentage,
                    key: "41".into()
                },
                Fact {
                    kind: Kind::Percentage,
                    key: "73.5".into()
                },
            ]
        );
    }

    #[test]
    fn postcodes_in_capitals_are_facts() {
        assert_eq!(keys("Sessions Hall, ME14 1XX.", Mode::Text), ["ME141XX"]);
        assert_eq!(keys("at SW1A2AA", Mode::Text), ["SW1A2AA"]);
        assert!(keys("at me14 1xx", Mode::Text).is_empty());
    }

    #[test]
    fn names_are_capitalised_runs_that_do_not_open_a_sentence() {
        assert_eq!(
            keys(
                "The bid from Thornbury Leisure Partnership (fictional) scored 41.",
                Mode::Text
            ),
            ["thornbury leisure partnership"]
        );
        // At a sentence's start two words may be an ordinary opening...
        assert!(keys("Bluebell Barn was admitted.", Mode::Text).is_empty());
        // ...three are a name, and an opener is dropped.
        assert_eq!(
            keys("Weald Village Hall bid.", Mode::Text),
            ["weald village hall"]
        );
        assert_eq!(
            keys("In Tonbridge and Malling, it met.", Mode::Text),
            ["tonbridge and malling"]
        );
        // In a value they are names.
        assert_eq!(keys("Bluebell Barn", Mode::Value), ["bluebell barn"]);
        // The council's own words are not.
        assert!(
            keys(
                "a report for Kent County Council and the Selection Questionnaire",
                Mode::Text
            )
            .is_empty()
        );
        // Titles, a leading `the` and a company suffix are not part of the key.
        assert_eq!(
            keys(
                "a letter to Dr Amelia Pond and the Oakwood Care Ltd team",
                Mode::Text
            ),
            [
                "amelia pond",
                "amelia pond and the oakwood care",
                "oakwood care"
            ]
        );
        assert_eq!(
            keys("from Smith & Jones Ltd.", Mode::Text),
            ["jones ltd", "smith and jones"]
        );
    }

    #[test]
    fn spellings_cover_common_formats() {
        let n = Fact {
            kind: Kind::Number,
            key: "1412650".into(),
        };
        assert_eq!(spellings(&n), ["1412650", "1,412,650"]);
        let d = Fact {
            kind: Kind::Number,
            key: "1234.5".into(),
        };
        assert_eq!(
            spellings(&d),
            ["1234.5", "1234.50", "1,234.5", "1,234.50", "123450p"]
        );
        let p = Fact {
            kind: Kind::Postcode,
            key: "ME141XX".into(),
        };
        assert_eq!(spellings(&p), ["ME14 1XX", "ME141XX"]);
        let name = Fact {
            kind: Kind::Name,
            key: "tonbridge and malling".into(),
        };
        assert_eq!(
            spellings(&name),
            ["tonbridge and malling", "tonbridge malling"]
        );
    }

    #[test]
    fn any_text_is_read_without_panicking_and_figures_are_placed_on_their_digits() {
        const PIECES: &[&str] = &[
            "1",
            "23",
            "456",
            "7890",
            ",",
            ".",
            " ",
            "\u{a0}",
            "\u{202f}",
            "'",
            "’",
            "-",
            "/",
            ":",
            "%",
            " per cent",
            "£",
            "€",
            "$",
            "ME14",
            " 1XX",
            "SW1A",
            "Lanternwick",
            " Story",
            " Trust",
            " and",
            " the",
            " of",
            " &",
            " Ltd",
            "Dr",
            "\n",
            "\n\n",
            "## ",
            "| ",
            "(",
            ")",
            "é",
            "Ü",
            "ǅ",
            "İ",
            "ß",
            "😀",
            "a",
            "B",
            "x",
        ];
        for text in crate::testing::random_texts(PIECES, 20_000, 30, 17) {
            for mode in [Mode::Text, Mode::Value] {
                for fact in extract(&text, mode) {
                    assert!(!fact.key.is_empty(), "{text:?}");
                    assert!(!spellings(&fact).is_empty(), "{text:?}");
                }
            }
            for (at, key, _) in figures(&text) {
                assert!(
                    text[at..].starts_with(|c: char| c.is_ascii_digit()),
                    "{text:?} {at} {key}"
                );
            }
            let _ = declared(&text);
        }
    }

    #[test]
    fn declared_facts_are_one_figure_or_a_name() {
        assert_eq!(
            declared("£1,000,000"),
            Ok(Fact {
                kind: Kind::Number,
                key: "1000000".into()
            })
        );
        assert_eq!(
            declared("12.50%"),
            Ok(Fact {
                kind: Kind::Percentage,
                key: "12.5".into()
            })
        );
        assert_eq!(
            declared("ME14 1XX"),
            Ok(Fact {
                kind: Kind::Postcode,
                key: "ME141XX".into()
            })
        );
        assert_eq!(
            declared("The Oakwood Care Ltd"),
            Ok(Fact {
                kind: Kind::Name,
                key: "oakwood care".into()
            })
        );
        assert!(declared("£1,000 and £2,000").is_err());
        assert!(declared("about 1,412,650 people").is_err());
        assert!(declared("  ").is_err());
    }
}
