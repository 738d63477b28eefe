//! `sitemap.xml` (https://www.sitemaps.org/protocol.html) and `robots.txt`.
//!
//! The sitemap lists the HTML pages that were rendered, and nothing else: the
//! renderer only ever sees the public model, so a withheld document has no page
//! to list. The 404 page is left out, as search engines expect. This module
//! must never add an address that is not a rendered file.

use std::io::Write;

use crate::output::{Emit, Files};
use crate::visibility::PublicSite;

/// Hands `emit` `sitemap.xml` (written as it is made: it grows with the
/// site) and `robots.txt`, for `written`, the paths of every file the build
/// wrote (sorted).
pub fn render(site: &PublicSite, written: &[String], emit: &mut dyn Emit) {
    let lastmod = crate::visibility::decisions_by_number(site)
        .values()
        .filter_map(|d| {
            Some((
                format!("decisions/{}/", d.slug()),
                super::feeds::updated(d)?,
            ))
        })
        .collect::<std::collections::BTreeMap<String, crate::document::Date>>();
    let pages = written
        .iter()
        .filter(|p| *p == "index.html" || p.ends_with("/index.html"))
        .map(|p| p.trim_end_matches("index.html"));
    emit.stream(
        "sitemap.xml",
        Box::new(move |out| {
            let mut out = std::io::BufWriter::new(out);
            // Each address is the site's address then the page's (as
            // `absolute` makes it), escaped a part at a time.
            let base = xml_escape(&site.config().base_url);
            out.write_all(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
            )?;
            for page in pages {
                out.write_all(b"  <url><loc>")?;
                out.write_all(base.as_bytes())?;
                out.write_all(xml_escape(page).as_bytes())?;
                out.write_all(b"</loc>")?;
                // A decision's papers change with it, so they share its date:
                // the page's first two folders name the decision's page.
                let decision_page = page.match_indices('/').nth(1).map(|(i, _)| &page[..=i]);
                if let Some(date) = decision_page.and_then(|d| lastmod.get(d)) {
                    write!(out, "<lastmod>{date}</lastmod>")?;
                }
                out.write_all(b"</url>\n")?;
            }
            out.write_all(b"</urlset>\n")?;
            out.flush()
        }),
    );
    let mut files = Files::default();
    files.add(
        "robots.txt",
        format!(
            "# Everything published here is public; withheld documents have no address.\nUser-agent: *\nAllow: /\n\nSitemap: {}\n",
            super::absolute(site, "sitemap.xml")
        ),
    );
    emit.files(files);
}

fn xml_escape(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['&', '<', '>']) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;"),
    )
}

#[cfg(test)]
mod tests {
    use super::xml_escape;

    #[test]
    fn escapes_what_xml_text_needs_and_copies_nothing_otherwise() {
        assert_eq!(xml_escape("a&b<c>d\"e"), "a&amp;b&lt;c&gt;d\"e");
        assert!(matches!(
            xml_escape("decisions/22-00073/"),
            std::borrow::Cow::Borrowed(_)
        ));
        // Escaping the site's address and the page apart is escaping them joined.
        let (base, page) = ("https://x.example/?a=1&b=<2>", "decisions/a&b/");
        assert_eq!(
            format!("{}{}", xml_escape(base), xml_escape(page)),
            xml_escape(&format!("{base}{page}"))
        );
    }
}
