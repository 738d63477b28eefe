//! The "part exempt" flag at the top of a decision page, and links from
//! public text that refers to an exempt paper ("as set out in the exempt
//! report") to the notice that says why it is withheld.
//!
//! Everything here works on what the public model already holds: the
//! notices' headings and the rendered public HTML. It never sees exempt
//! text, so it cannot publish any.

use serde::Serialize;

use crate::markdown::Rendered;
use crate::slug::slugify;
use crate::visibility::{Block, PublicAttachment, PublicDecision, PublicPaper, WithheldNotice};

/// One withheld thing the flag lists, linked to its notice.
#[derive(Debug, Serialize)]
pub(super) struct WithheldLink {
    /// "Appendix 1 (award report) is not published".
    pub(super) heading: String,
    /// The notice's address from the decision page: `#exempt-appendix-1`,
    /// or `report/#exempt-passage-1` for a notice on a paper's page.
    pub(super) href: String,
}

/// The id of a withheld paper's or attachment's notice.
pub(super) fn paper_anchor(n: &WithheldNotice) -> String {
    format!("exempt-{}", slugify(n.label().unwrap_or(n.public_title())))
}

/// The id of the `index`th (from 1) withheld passage's notice on a page.
pub(super) fn passage_anchor(index: usize) -> String {
    format!("exempt-passage-{index}")
}

/// Gives each withheld passage's notice in `rendered` its id, counting on
/// from `count` (passages are numbered across a page).
pub(super) fn anchor_passages(rendered: &mut Rendered, count: &mut usize) {
    for block in &mut rendered.blocks {
        if block.notice.is_some() {
            *count += 1;
            block.anchor = Some(passage_anchor(*count));
        }
    }
}

/// Everything withheld from a decision, in page order: passages of its
/// record, then its papers (a withheld paper, or a published paper's
/// withheld passages and attachments, whose notices are on its own page).
pub(super) fn withheld_links(d: &PublicDecision) -> Vec<WithheldLink> {
    let mut links = Vec::new();
    let passages = |blocks: &[Block], prefix: &str, links: &mut Vec<WithheldLink>| {
        let mut count = 0;
        for block in blocks {
            if let Block::Withheld(n) = block {
                count += 1;
                links.push(WithheldLink {
                    heading: n.heading().to_string(),
                    href: format!("{prefix}#{}", passage_anchor(count)),
                });
            }
        }
    };
    // The record's decision and reasons are front-matter fields, which
    // hold no passages: only its body can.
    passages(d.body().blocks(), "", &mut links);
    for paper in d.papers() {
        match paper {
            PublicPaper::Withheld(n) => links.push(WithheldLink {
                heading: n.heading().to_string(),
                href: format!("#{}", paper_anchor(n)),
            }),
            PublicPaper::Published(p) => {
                let prefix = format!("{}/", p.slug());
                passages(p.body().blocks(), &prefix, &mut links);
                for a in p.attachments() {
                    if let PublicAttachment::Withheld(n) = a {
                        links.push(WithheldLink {
                            heading: n.heading().to_string(),
                            href: format!("{prefix}#{}", paper_anchor(n)),
                        });
                    }
                }
            }
        }
    }
    links
}

/// Where "the exempt report" in a decision's public text links, from the
/// decision's page: the notice of its first withheld paper, or else of the
/// first thing withheld from it.
pub(super) fn mention_target(d: &PublicDecision, withheld: &[WithheldLink]) -> Option<String> {
    d.papers()
        .iter()
        .find_map(|p| match p {
            PublicPaper::Withheld(n) => Some(format!("#{}", paper_anchor(n))),
            PublicPaper::Published(_) => None,
        })
        .or_else(|| withheld.first().map(|w| w.href.clone()))
}

/// The words that refer to a withheld paper, matched ignoring case: "the
/// exempt report", "exempt appendix" (and "appendices"), "exempt annex",
/// "exempt paper(s)", "exempt report(s)". Longest first.
const MENTIONS: [&str; 7] = [
    "exempt appendices",
    "exempt appendix",
    "exempt reports",
    "exempt report",
    "exempt papers",
    "exempt paper",
    "exempt annex",
];

/// Links each mention of an exempt paper in `rendered`'s public text to
/// `href` (the notice), outside links, headings and code. Only text
/// between tags is looked at, so no markup is changed.
pub(super) fn link_mentions(rendered: &mut Rendered, href: &str) {
    for block in &mut rendered.blocks {
        if let Some(html) = &mut block.html {
            *html = link_in_html(html, href);
        }
    }
}

fn link_in_html(html: &str, href: &str) -> String {
    let mut out = String::with_capacity(html.len());
    // Open elements inside which no link may go.
    let mut inside = 0usize;
    let mut rest = html;
    while !rest.is_empty() {
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let tag = &rest[..end];
            let name: String = tag
                .trim_start_matches("</")
                .trim_start_matches('<')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            if matches!(
                name.as_str(),
                "a" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "code" | "pre" | "abbr"
            ) {
                match tag.starts_with("</") {
                    true => inside = inside.saturating_sub(1),
                    false => inside += 1,
                }
            }
            out.push_str(tag);
            rest = &rest[end..];
            continue;
        }
        let end = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..end];
        if inside == 0 {
            out.push_str(&link_text(text, href));
        } else {
            out.push_str(text);
        }
        rest = &rest[end..];
    }
    out
}

/// `text` (HTML text, no tags) with each mention linked.
fn link_text(text: &str, href: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    'scan: while i < text.len() {
        for m in MENTIONS {
            let boundary_before = i == 0 || !lower.as_bytes()[i - 1].is_ascii_alphanumeric();
            let end = i + m.len();
            let boundary_after =
                end >= lower.len() || !lower.as_bytes()[end].is_ascii_alphanumeric();
            if boundary_before && boundary_after && lower[i..].starts_with(m) {
                out.push_str(&format!("<a href=\"{href}\">{}</a>", &text[i..end]));
                i = end;
                continue 'scan;
            }
        }
        let c = text[i..].chars().next().expect("within the text");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_linked_outside_links_and_headings() {
        let html = "<p>As set out in the Exempt Report, and the <a href=\"x\">exempt appendix</a>.</p><h3>The exempt appendix</h3><p>See the exempt appendices; not exempt reporting.</p>";
        assert_eq!(
            link_in_html(html, "#n"),
            "<p>As set out in the <a href=\"#n\">Exempt Report</a>, and the <a href=\"x\">exempt appendix</a>.</p><h3>The exempt appendix</h3><p>See the <a href=\"#n\">exempt appendices</a>; not exempt reporting.</p>"
        );
    }
}
