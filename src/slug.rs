//! Web addresses made from names: a heading's id, a glossary term's anchor,
//! a provider's or a browse value's page. A leaf: it imports nothing of
//! ours, so that the checks (which refuse two names making one address)
//! and the renderer (which makes the addresses) share one rule.

/// Lower-case words joined by hyphens: `Tonbridge and Malling` becomes
/// `tonbridge-and-malling`; a name with no letters or digits, `section`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug
    }
}

/// Top-level addresses the site itself uses; neither a page nor the
/// provider listing (site.toml's `[listing] path`) may take them.
pub const RESERVED_SLUGS: &[&str] = &[
    "assets",
    "data",
    "decisions",
    "glossary",
    "index",
    "404",
    "sitemap",
    "robots",
    "feeds",
    "search",
    "forward-plan",
    "call-in",
];

/// A provider's own page, from the listing's address and its id:
/// `activities/provider/p001/`.
pub fn provider_path(listing: &str, id: &str) -> String {
    format!("{listing}/provider/{}/", slugify(id))
}
