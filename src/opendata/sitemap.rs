//! `sitemap.xml` (https://www.sitemaps.org/protocol.html) and `robots.txt`.
//!
//! The sitemap lists the HTML pages that were rendered, and nothing else: the
//! renderer only ever sees the public model, so a withheld document has no page
//! to list. The 404 page is left out, as search engines expect. This module
//! must never add an address that is not a rendered file.

use crate::output::Files;
use crate::visibility::PublicSite;

/// Adds `sitemap.xml` and `robots.txt` for `written`, the paths of every file
/// the build wrote (sorted).
pub fn render(site: &PublicSite, written: &[String], files: &mut Files) {
    let lastmod = crate::visibility::decisions_by_number(site)
        .values()
        .filter_map(|d| Some((format!("decisions/{}/", d.slug), super::feeds::updated(d)?)))
        .collect::<std::collections::BTreeMap<String, crate::document::Date>>();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let pages: Vec<String> = written
        .iter()
        .filter(|p| *p == "index.html" || p.ends_with("/index.html"))
        .map(|p| p.trim_end_matches("index.html").to_string())
        .collect();
    for page in pages {
        out.push_str("  <url><loc>");
        out.push_str(&xml_escape(&super::absolute(site, &page)));
        out.push_str("</loc>");
        // A decision's papers change with it, so they share its date.
        let decision_page = page.split('/').take(2).collect::<Vec<_>>().join("/") + "/";
        if let Some(date) = lastmod.get(&decision_page) {
            out.push_str(&format!("<lastmod>{date}</lastmod>"));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    files.add("sitemap.xml", out);
    files.add(
        "robots.txt",
        format!(
            "# Everything published here is public; withheld documents have no address.\nUser-agent: *\nAllow: /\n\nSitemap: {}\n",
            super::absolute(site, "sitemap.xml")
        ),
    );
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
