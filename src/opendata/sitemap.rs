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
        .filter_map(|d| Some((format!("decisions/{}/", d.slug), super::feeds::updated(d)?)))
        .collect::<std::collections::BTreeMap<String, crate::document::Date>>();
    let pages = written
        .iter()
        .filter(|p| *p == "index.html" || p.ends_with("/index.html"))
        .map(|p| p.trim_end_matches("index.html"));
    emit.stream(
        "sitemap.xml",
        Box::new(move |out| {
            let mut out = std::io::BufWriter::new(out);
            out.write_all(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
            )?;
            for page in pages {
                out.write_all(b"  <url><loc>")?;
                out.write_all(xml_escape(&super::absolute(site, page)).as_bytes())?;
                out.write_all(b"</loc>")?;
                // A decision's papers change with it, so they share its date.
                let decision_page = page.split('/').take(2).collect::<Vec<_>>().join("/") + "/";
                if let Some(date) = lastmod.get(&decision_page) {
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

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
