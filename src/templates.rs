//! The built-in templates, by name: the HTML that `render` fills in for
//! every page, each of which a site may override with a file of the same name
//! in its `templates/`. Imports nothing of ours, so that reading the site
//! folder (which names may be overridden) and the leak scan (which takes the
//! templates' own words as public) need not know how pages are made.

/// The built-in templates, by name.
pub(crate) const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html")),
    ("macros.html", include_str!("templates/macros.html")),
    ("home.html", include_str!("templates/home.html")),
    ("activities.html", include_str!("templates/activities.html")),
    ("browse.html", include_str!("templates/browse.html")),
    ("providers.html", include_str!("templates/providers.html")),
    ("register.html", include_str!("templates/register.html")),
    ("decision.html", include_str!("templates/decision.html")),
    ("paper.html", include_str!("templates/paper.html")),
    ("glossary.html", include_str!("templates/glossary.html")),
    ("page.html", include_str!("templates/page.html")),
    (
        "accessibility.html",
        include_str!("templates/accessibility.html"),
    ),
    ("data.html", include_str!("templates/data.html")),
    ("404.html", include_str!("templates/404.html")),
];

pub fn builtin_templates() -> &'static [(&'static str, &'static str)] {
    BUILTIN
}

pub fn is_template_name(name: &str) -> bool {
    BUILTIN.iter().any(|(n, _)| *n == name)
}

pub fn template_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(n, _)| *n).collect()
}
