//! Colour contrast in a site's own template overrides (WCAG 2.2 1.4.3
//! Contrast (Minimum): text needs a contrast ratio of at least 4.5:1).
//!
//! The built-in templates and stylesheet are audited in a real browser
//! (tests/browser/); a council's `templates/` override is not, until its site
//! is built and audited. This check catches the common mistake at build time,
//! with file and line: a `<style>` rule or `style="..."` attribute that sets a
//! text `color` which, on its own `background` (or the page's white), is too
//! faint. It only reads literal colours (`#rgb`, `#rrggbb`, `rgb()`, a few
//! names); `var(...)` and inherited backgrounds are left to the browser audit.
//! It never changes a template and never reads content.

use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::source::TemplateFile;

/// What this module enforces, in plain words, for the accessibility statement.
pub const RULES: &[crate::diagnostics::Rule] = &[crate::diagnostics::Rule {
    what: "text colours in the council's own templates have a contrast ratio of at least 4.5 to 1",
    wcag: "1.4.3 Contrast (Minimum)",
}];

/// The minimum for normal-size text (WCAG 2.2 1.4.3). Large text may go to
/// 3:1, but a template rule cannot know the size it will be shown at.
pub const MINIMUM: f64 = 4.5;

/// The built-in stylesheet's page background.
const PAGE_BACKGROUND: Rgb = Rgb(255, 255, 255);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Relative luminance, as WCAG 2.2 defines it.
    fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// The WCAG contrast ratio of two colours, from 1 to 21.
pub fn ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// A literal CSS colour, or `None` for anything we cannot know (`var()`, `inherit`).
pub fn parse_colour(value: &str) -> Option<Rgb> {
    let v = value
        .trim()
        .trim_end_matches("!important")
        .trim()
        .to_ascii_lowercase();
    if let Some(hex) = v.strip_prefix('#') {
        let digit = |i: usize, n: usize| u8::from_str_radix(hex.get(i..i + n)?, 16).ok();
        return match hex.len() {
            3 => Some(Rgb(digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17)),
            6 => Some(Rgb(digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
            _ => None,
        };
    }
    if let Some(inner) = v.strip_prefix("rgb(").and_then(|r| r.strip_suffix(')')) {
        let parts: Vec<u8> = inner
            .split([',', ' '])
            .filter(|p| !p.is_empty())
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        return match parts[..] {
            [r, g, b] => Some(Rgb(r, g, b)),
            _ => None,
        };
    }
    match v.as_str() {
        "white" => Some(Rgb(255, 255, 255)),
        "black" => Some(Rgb(0, 0, 0)),
        "grey" | "gray" => Some(Rgb(128, 128, 128)),
        "silver" => Some(Rgb(192, 192, 192)),
        "lightgrey" | "lightgray" => Some(Rgb(211, 211, 211)),
        "yellow" => Some(Rgb(255, 255, 0)),
        "red" => Some(Rgb(255, 0, 0)),
        "blue" => Some(Rgb(0, 0, 255)),
        _ => None,
    }
}

/// A colour pair that fails, at a byte offset of the template.
#[derive(Debug, Clone, PartialEq)]
pub struct LowContrast {
    pub offset: usize,
    pub text: Rgb,
    pub background: Rgb,
    pub ratio: f64,
}

/// Every declaration block in `<style>` elements and `style` attributes, as
/// (byte offset, declarations).
fn blocks(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(open) = lower[from..].find("<style") {
        let start = from + open;
        let Some(body) = lower[start..].find('>').map(|i| start + i + 1) else {
            break;
        };
        let end = lower[body..]
            .find("</style")
            .map_or(text.len(), |i| body + i);
        let mut at = body;
        while let Some(brace) = text[at..end].find('{') {
            let open = at + brace + 1;
            let close = text[open..end].find('}').map_or(end, |i| open + i);
            out.push((open, &text[open..close]));
            at = (close + 1).min(end);
        }
        from = end;
    }
    for quote in ["style=\"", "style='"] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(quote) {
            let open = from + i + quote.len();
            let q = quote.chars().last().expect("a quote");
            let close = text[open..].find(q).map_or(text.len(), |j| open + j);
            out.push((open, &text[open..close]));
            from = close;
        }
    }
    out.sort_by_key(|(offset, _)| *offset);
    out
}

/// Text colours below [`MINIMUM`] against their block's background or the page's.
pub fn low_contrast(text: &str) -> Vec<LowContrast> {
    let mut out = Vec::new();
    for (offset, block) in blocks(text) {
        let mut colour = None;
        let mut background = None;
        let mut at = 0;
        for declaration in block.split_inclusive(';') {
            if let Some((property, value)) = declaration.trim_end_matches(';').split_once(':') {
                let lead = declaration.len() - declaration.trim_start().len();
                match property.trim().to_ascii_lowercase().as_str() {
                    "color" => colour = parse_colour(value).map(|c| (offset + at + lead, c)),
                    "background" | "background-color" => background = parse_colour(value),
                    _ => {}
                }
            }
            at += declaration.len();
        }
        if let Some((at, colour)) = colour {
            let background = background.unwrap_or(PAGE_BACKGROUND);
            let r = ratio(colour, background);
            if r < MINIMUM {
                out.push(LowContrast {
                    offset: at,
                    text: colour,
                    background,
                    ratio: r,
                });
            }
        }
    }
    out
}

/// Checks the site's own template overrides.
pub fn check_templates(templates: &[TemplateFile], diagnostics: &mut Diagnostics) {
    for t in templates {
        for found in low_contrast(&t.text) {
            diagnostics.push(
                Diagnostic::error(
                    &t.path,
                    format!(
                        "text colour {} on {} has a contrast ratio of {:.2}:1, below {MINIMUM}:1",
                        found.text.hex(),
                        found.background.hex(),
                        // Floor, so 4.49 never shows as a passing 4.50.
                        (found.ratio * 100.0).floor() / 100.0
                    ),
                )
                .at(Position::of_offset(&t.text, found.offset))
                .help("use a darker text colour (WCAG 2.2 1.4.3 Contrast (Minimum)); #505a5f on white is 7:1"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_match_wcag() {
        assert!((ratio(Rgb(0, 0, 0), Rgb(255, 255, 255)) - 21.0).abs() < 1e-9);
        assert!((ratio(Rgb(255, 255, 255), Rgb(255, 255, 255)) - 1.0).abs() < 1e-9);
        // #767676 on white is the well-known 4.54:1.
        let r = ratio(parse_colour("#767676").unwrap(), PAGE_BACKGROUND);
        assert!((r - 4.54).abs() < 0.01, "{r}");
    }

    #[test]
    fn finds_faint_text_in_style_elements_and_attributes() {
        let t = "<style>\n.faint { color: #aaa; }\n.ok { color: #fff; background: #000 }\n</style>\n<p style=\"color: lightgrey\">x</p>";
        let found = low_contrast(t);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            Position::of_offset(t, found[0].offset),
            Position {
                line: 2,
                column: 10
            }
        );
        assert!((found[0].ratio - 2.32).abs() < 0.01);
        assert!(low_contrast("<style>a { color: var(--link) }</style>").is_empty());
    }
}
