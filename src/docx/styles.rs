//! What a paragraph's or run's style says about it (word/styles.xml), and
//! the numbers Word shows before numbered paragraphs (word/numbering.xml).
//!
//! Styles inherit (`w:basedOn`). For hiding, inheritance is read to fail
//! closed: a run is hidden when any style it inherits from sets `w:vanish`
//! (Word's toggle rules could show it again when two levels both set it;
//! losing such a run is listed and costs a person a minute, keeping it could
//! publish what its author hid). The same goes for the "Exempt" marking.

use std::collections::BTreeMap;

use super::xml::Element;

/// One style, as declared.
#[derive(Debug, Clone, Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    /// `w:vanish` in its run properties.
    vanish: Option<bool>,
    /// `w:outlineLvl` in its paragraph properties (0 is a level-1 heading).
    outline: Option<u8>,
    /// `w:numPr` in its paragraph properties: (numId, ilvl).
    num: Option<(String, u8)>,
}

/// The styles of a document.
#[derive(Debug, Clone, Default)]
pub struct Styles {
    by_id: BTreeMap<String, Style>,
    /// The paragraph style used when a paragraph names none.
    default_paragraph: Option<String>,
    /// `w:docDefaults` sets `w:vanish` for every run.
    default_vanish: bool,
}

/// How deep a `w:basedOn` chain is followed (a loop stops it too).
const MAX_CHAIN: usize = 32;

impl Styles {
    pub fn read(root: Option<&Element>) -> Styles {
        let mut styles = Styles::default();
        let Some(root) = root else {
            return styles;
        };
        if let Some(defaults) = root.child("docDefaults") {
            styles.default_vanish = defaults
                .child("rPrDefault")
                .and_then(|r| r.child("rPr"))
                .and_then(|r| r.flag("vanish"))
                .unwrap_or(false);
        }
        for s in root.elements().filter(|e| e.name == "style") {
            let Some(id) = s.attr("styleId") else {
                continue;
            };
            let ppr = s.child("pPr");
            let style = Style {
                name: s.val("name").unwrap_or_default().to_string(),
                based_on: s.val("basedOn").map(str::to_string),
                vanish: s.child("rPr").and_then(|r| r.flag("vanish")),
                outline: ppr
                    .and_then(|p| p.val("outlineLvl"))
                    .and_then(|v| v.parse().ok()),
                num: ppr.and_then(|p| num_pr(p.child("numPr")?)),
            };
            if s.attr("type") == Some("paragraph")
                && matches!(s.attr("default"), Some("1" | "true" | "on"))
            {
                styles.default_paragraph = Some(id.to_string());
            }
            styles.by_id.insert(id.to_string(), style);
        }
        styles
    }

    /// The style `id` and those it is based on, nearest first.
    fn chain(&self, id: Option<&str>) -> Vec<(&str, &Style)> {
        let mut out: Vec<(&str, &Style)> = Vec::new();
        let mut next = id.and_then(|id| self.by_id.get_key_value(id));
        while let Some((id, style)) = next {
            if out.len() >= MAX_CHAIN || out.iter().any(|(seen, _)| *seen == id.as_str()) {
                break;
            }
            out.push((id.as_str(), style));
            next = style
                .based_on
                .as_deref()
                .and_then(|b| self.by_id.get_key_value(b));
        }
        out
    }

    /// The paragraph style a paragraph with `pStyle` = `id` has.
    pub fn paragraph_style<'a>(&'a self, id: Option<&'a str>) -> Option<&'a str> {
        id.or(self.default_paragraph.as_deref())
    }

    /// Whether style `id` (or one it is based on), or the document's
    /// defaults, hide text.
    pub fn hides(&self, id: Option<&str>) -> bool {
        self.default_vanish || self.chain(id).iter().any(|(_, s)| s.vanish == Some(true))
    }

    /// Whether style `id` (or one it is based on) is named "Exempt", by its
    /// id or its name, ignoring case, perhaps with a paragraph number after
    /// it ("Exempt 3"). `Some(paragraph)` when it is, the paragraph being
    /// `None` when the name gives none.
    pub fn exempt(&self, id: Option<&str>) -> Option<Option<u8>> {
        self.chain(id)
            .iter()
            .find_map(|(id, s)| exempt_name(id).or_else(|| exempt_name(&s.name)))
    }

    /// The heading level (1 for Heading 1) of a paragraph in style `id`:
    /// from a style named "heading N" (Word's built-in names) or an outline
    /// level, the nearest in the chain first.
    pub fn heading(&self, id: Option<&str>) -> Option<u8> {
        for (id, s) in self.chain(id) {
            if let Some(n) = heading_name(&s.name).or_else(|| heading_name(id)) {
                return Some(n);
            }
            if let Some(level) = s.outline {
                return (level < 9).then_some(level + 1);
            }
        }
        None
    }

    /// Whether a paragraph in style `id` is named `name` (ignoring case and
    /// spaces), by itself or a style it is based on: "Title", "Caption".
    pub fn is(&self, id: Option<&str>, name: &str) -> bool {
        let same = |a: &str| {
            a.chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_lowercase)
                .eq(name.chars().flat_map(char::to_lowercase))
        };
        self.chain(id)
            .iter()
            .any(|(id, s)| same(id) || same(&s.name))
    }

    /// Whether a paragraph in style `id` is a line of a table of contents
    /// (Word's "toc 1" to "toc 9").
    pub fn is_contents(&self, id: Option<&str>) -> bool {
        self.chain(id).iter().any(|(id, s)| {
            let n = s.name.to_ascii_lowercase();
            n.starts_with("toc ") || (id.starts_with("TOC") && id[3..].parse::<u8>().is_ok())
        })
    }

    /// The numbering a paragraph in style `id` takes from its style.
    pub fn num(&self, id: Option<&str>) -> Option<(String, u8)> {
        self.chain(id).iter().find_map(|(_, s)| s.num.clone())
    }
}

/// `w:numPr`: (numId, ilvl).
pub fn num_pr(e: &Element) -> Option<(String, u8)> {
    let id = e.val("numId")?.to_string();
    let level = e.val("ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
    Some((id, level.min(8)))
}

/// "heading 2" or "Heading2": 2.
fn heading_name(name: &str) -> Option<u8> {
    let lower = name.to_ascii_lowercase();
    let rest = lower.strip_prefix("heading")?.trim_start();
    let n: u8 = rest.parse().ok()?;
    (1..=9).contains(&n).then_some(n)
}

/// Whether a style or bookmark name marks exempt text: after any leading
/// underscores (Word's hidden bookmarks, `_exempt3`), it starts with
/// "exempt", "not for publication" or "confidential" (any case, spaces or
/// underscores between the words) and no letter follows at once ("Exempt",
/// "Exempt 3", "exempt_p3", "Not for publication", but not "Exemption");
/// `Some(Some(n))` when a number 1 to 7 follows, the paragraph of Schedule
/// 12A. A name that says text is withheld is taken at its word: failing
/// closed, its text is withheld, never imported as public.
pub fn exempt_name(name: &str) -> Option<Option<u8>> {
    let name = name.trim_start_matches('_');
    let plain: String = name
        .chars()
        .map(|c| {
            if c == '_' {
                ' '
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    let head = [
        "exempt",
        "not for publication",
        "notforpublication",
        "confidential",
    ]
    .into_iter()
    .find(|head| plain.starts_with(head))?;
    let after = &name[head.len()..];
    if after.starts_with(char::is_alphabetic) {
        return None;
    }
    let digits: String = after
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    Some(
        digits
            .parse::<u8>()
            .ok()
            .filter(|p| digits.len() == 1 && (1..=7).contains(p)),
    )
}

/// A level of a list's numbering.
#[derive(Debug, Clone)]
pub struct Level {
    /// `decimal`, `bullet`, `lowerLetter`, `upperRoman`, `none` ...
    pub format: String,
    /// `%1.`, `%1.%2`, `(%1)`, or the bullet character.
    pub text: String,
    pub start: u32,
}

/// A list (`w:num`): its abstract numbering, and the levels and starts it
/// overrides.
#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: String,
    levels: BTreeMap<u8, Level>,
    starts: BTreeMap<u8, u32>,
}

/// The numbering of a document.
#[derive(Debug, Clone, Default)]
pub struct Numbering {
    /// abstractNumId -> its levels by ilvl.
    abstracts: BTreeMap<String, BTreeMap<u8, Level>>,
    nums: BTreeMap<String, Num>,
    /// Counters per numId, by level, as Word counts while it lays out.
    counters: BTreeMap<String, [Option<u32>; 9]>,
}

fn level(e: &Element) -> Option<(u8, Level)> {
    let ilvl: u8 = e.attr("ilvl")?.parse().ok()?;
    Some((
        ilvl.min(8),
        Level {
            format: e.val("numFmt").unwrap_or("decimal").to_string(),
            text: e.val("lvlText").unwrap_or_default().to_string(),
            start: e.val("start").and_then(|v| v.parse().ok()).unwrap_or(1),
        },
    ))
}

impl Numbering {
    pub fn read(root: Option<&Element>) -> Numbering {
        let mut numbering = Numbering::default();
        let Some(root) = root else {
            return numbering;
        };
        for a in root.elements().filter(|e| e.name == "abstractNum") {
            if let Some(id) = a.attr("abstractNumId") {
                let levels = a.elements().filter(|e| e.name == "lvl").filter_map(level);
                numbering.abstracts.insert(id.to_string(), levels.collect());
            }
        }
        for n in root.elements().filter(|e| e.name == "num") {
            let (Some(id), Some(abs)) = (n.attr("numId"), n.val("abstractNumId")) else {
                continue;
            };
            let mut levels = BTreeMap::new();
            let mut starts = BTreeMap::new();
            for o in n.elements().filter(|e| e.name == "lvlOverride") {
                let Some(ilvl) = o.attr("ilvl").and_then(|v| v.parse::<u8>().ok()) else {
                    continue;
                };
                if let Some(start) = o.val("startOverride").and_then(|v| v.parse().ok()) {
                    starts.insert(ilvl.min(8), start);
                }
                if let Some((_, l)) = o.child("lvl").and_then(level) {
                    levels.insert(ilvl.min(8), l);
                }
            }
            numbering.nums.insert(
                id.to_string(),
                Num {
                    abstract_id: abs.to_string(),
                    levels,
                    starts,
                },
            );
        }
        numbering
    }

    fn level(&self, num: &str, ilvl: u8) -> Option<Level> {
        let n = self.nums.get(num)?;
        let mut level = match n.levels.get(&ilvl) {
            Some(l) => l.clone(),
            None => self.abstracts.get(&n.abstract_id)?.get(&ilvl)?.clone(),
        };
        if let Some(start) = n.starts.get(&ilvl) {
            level.start = *start;
        }
        Some(level)
    }

    /// Counts the next paragraph numbered `num` at level `ilvl` and returns
    /// its level and the label Word shows (`3.2`, `(b)`, or the bullet).
    /// `None` for numId 0 (numbering taken away) or an unknown list.
    pub fn next(&mut self, num: &str, ilvl: u8) -> Option<(Level, String)> {
        let level = self.level(num, ilvl)?;
        let ilvl = usize::from(ilvl);
        let mut counters = self.counters.get(num).copied().unwrap_or([None; 9]);
        counters[ilvl] = Some(counters[ilvl].map_or(level.start, |c| c + 1));
        for deeper in counters.iter_mut().skip(ilvl + 1) {
            *deeper = None;
        }
        self.counters.insert(num.to_string(), counters);
        let mut label = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek().and_then(|d| d.to_digit(10))) {
                ('%', Some(d @ 1..=9)) => {
                    chars.next();
                    let at = d as usize - 1;
                    let of = if at == ilvl {
                        level.clone()
                    } else {
                        self.level(num, at as u8).unwrap_or(Level {
                            format: "decimal".to_string(),
                            text: String::new(),
                            start: 1,
                        })
                    };
                    let n = counters[at].unwrap_or(of.start);
                    label.push_str(&format_number(&of.format, n));
                }
                _ => label.push(c),
            }
        }
        Some((level, label))
    }
}

/// `n` written in a list format.
fn format_number(format: &str, n: u32) -> String {
    match format {
        "lowerLetter" => letters(n).to_lowercase(),
        "upperLetter" => letters(n),
        "lowerRoman" => roman(n).to_lowercase(),
        "upperRoman" => roman(n),
        "decimalZero" if n < 10 => format!("0{n}"),
        "none" | "bullet" => String::new(),
        _ => n.to_string(),
    }
}

/// Word's letters: A to Z, then AA to ZZ, ...
fn letters(n: u32) -> String {
    if n == 0 {
        return "0".to_string();
    }
    let letter = char::from(b'A' + ((n - 1) % 26) as u8);
    std::iter::repeat_n(letter, ((n - 1) / 26 + 1) as usize).collect()
}

fn roman(mut n: u32) -> String {
    if n == 0 || n >= 4000 {
        return n.to_string();
    }
    let mut out = String::new();
    for (value, numeral) in [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ] {
        while n >= value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exempt_names() {
        assert_eq!(exempt_name("Exempt"), Some(None));
        assert_eq!(exempt_name("EXEMPT"), Some(None));
        assert_eq!(exempt_name("Exempt 3"), Some(Some(3)));
        assert_eq!(exempt_name("exempt_3"), Some(Some(3)));
        assert_eq!(exempt_name("exempt_p3"), Some(Some(3)));
        assert_eq!(exempt_name("Exempt para 5"), Some(Some(5)));
        assert_eq!(exempt_name("exempt-paragraph-7"), Some(Some(7)));
        // Names that say the text is withheld, and Word's hidden bookmarks.
        assert_eq!(exempt_name("_exempt3"), Some(Some(3)));
        assert_eq!(exempt_name("Not for publication"), Some(None));
        assert_eq!(exempt_name("NotForPublication3"), Some(Some(3)));
        assert_eq!(exempt_name("not_for_publication"), Some(None));
        assert_eq!(exempt_name("Confidential"), Some(None));
        assert_eq!(exempt_name("Confidentiality"), None);
        assert_eq!(exempt_name("exempt_bids"), Some(None));
        assert_eq!(exempt_name("Exempt 9"), Some(None));
        assert_eq!(exempt_name("Exempt 12"), Some(None));
        assert_eq!(exempt_name("Exemption"), None);
        assert_eq!(exempt_name("Normal"), None);
        assert_eq!(exempt_name("exe"), None);
    }

    #[test]
    fn numbers_count_like_word() {
        let xml = br#"<w:numbering xmlns:w="w">
          <w:abstractNum w:abstractNumId="0">
            <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
            <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
            <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%3)"/></w:lvl>
          </w:abstractNum>
          <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
        </w:numbering>"#;
        let root = super::super::xml::parse("n", xml).unwrap();
        let mut n = Numbering::read(Some(&root));
        let labels: Vec<String> = [0, 1, 1, 2, 2, 0, 1]
            .iter()
            .map(|l| n.next("1", *l).unwrap().1)
            .collect();
        assert_eq!(labels, ["1.", "1.1", "1.2", "(a)", "(b)", "2.", "2.1"]);
        assert!(n.next("7", 0).is_none());
        assert_eq!(roman(1994), "MCMXCIV");
        assert_eq!(letters(28), "BB");
    }
}
