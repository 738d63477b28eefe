//! `site.toml`: the site's settings.

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::document::Date;
use crate::frontmatter::{self, position_of_key};
use crate::source::CONFIG_FILE;

/// Settings read from `site.toml`. Unknown keys are errors.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    pub base_url: String,
    pub tagline: String,
    /// A banner on every page, for example to say the site is illustrative.
    #[serde(default)]
    pub example_notice: Option<String>,
    /// The day the site counts as "now" for what is open to call-in. When
    /// absent, `SOURCE_DATE_EPOCH`'s day, else the latest day on which a
    /// decision record says something happened ([`crate::timetable::as_of`]):
    /// never the clock. Before the tables, as TOML writes values first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Date>,
    pub organisation: Organisation,
    pub contact: Contact,
    pub licence: Licence,
    /// Plain-language thresholds; defaults when the table is absent.
    #[serde(default)]
    pub language: LanguageConfig,
    /// What the generated part of the accessibility statement needs to stay true.
    /// Required: a statement must say when it was prepared, and that date comes
    /// from here, never from the clock.
    #[serde(default)]
    pub accessibility: Option<AccessibilityConfig>,
    /// What the personal-data guard allows besides `[contact]`.
    #[serde(default)]
    pub personal_data: PersonalData,
    /// A procurement to publish as Open Contracting data (docs/content-format.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procurement: Option<crate::procurement::Procurement>,
    /// The council's own look: its logo and the colour of the header.
    #[serde(default)]
    pub branding: Branding,
    /// How the forward plan counts its notices.
    #[serde(default)]
    pub forward_plan: ForwardPlanConfig,
}

/// `[forward_plan]`: the council's practice where the law leaves it a choice.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ForwardPlanConfig {
    /// For a decision to be taken in private, the clear days before it by
    /// which the council publishes its second notice, answering any
    /// representations that it should be taken in public; representations
    /// are asked for by the day before that notice. The law's minimum, and
    /// the default, is 5 (2012 Executive Arrangements Regulations, reg. 5(4)).
    #[serde(default = "default_representations_close_clear_days")]
    pub representations_close_clear_days: u64,
}

fn default_representations_close_clear_days() -> u64 {
    crate::clear_days::SECOND_PRIVATE_NOTICE
}

impl Default for ForwardPlanConfig {
    fn default() -> Self {
        ForwardPlanConfig {
            representations_close_clear_days: default_representations_close_clear_days(),
        }
    }
}

/// The most clear days `representations_close_clear_days` may be: any more
/// and representations would close before a notice given 28 clear days
/// before the decision had appeared.
pub const MAX_REPRESENTATIONS_CLOSE_CLEAR_DAYS: u64 = crate::clear_days::NOTICE - 2;

/// `[branding]`: what makes the site look like the council's own, without
/// changing a template. Every setting is optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Branding {
    /// The council's logo: a PNG, JPEG or WebP file in the site's
    /// `branding/` folder, named here (`logo = "logo.png"`). It is shown in
    /// the header, linked to the council's website, and published stripped
    /// of its metadata like any image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    /// What the logo says, for people who cannot see it: usually the
    /// council's name, as the logo writes it. Required with a logo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_alt: Option<String>,
    /// The colour of the header bar (and of the lines and tags that pick it
    /// up), as `#rrggbb`. White text on it, and it as text on the tags'
    /// pale blue, must have a contrast ratio of at least 4.5 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
}

/// `[personal_data]`: values the council publishes on purpose (its own
/// published contacts), which the personal-data guard must not stop.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PersonalData {
    /// Email addresses and phone numbers (or other values) that may be published.
    #[serde(default)]
    pub allow: Vec<String>,
}

/// `[language]`: targets for the plain-language measures (`language` module).
///
/// The defaults follow GOV.UK's content design guidance: write for a reading
/// age of 9 where you can, keep sentences to about 25 words at most, and
/// prefer the active voice. Council decisions are harder than most GOV.UK
/// pages, so the default summary target is a reading age of 14 (roughly the
/// end of Key Stage 3), and a page body may reach 16.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    /// The highest UK reading age (Flesch–Kincaid grade + 5) for a decision summary.
    #[serde(default = "default_summary_reading_age")]
    pub summary_reading_age: f64,
    /// The highest UK reading age for a page body.
    #[serde(default = "default_page_reading_age")]
    pub page_reading_age: f64,
    /// Sentences longer than this are flagged.
    #[serde(default = "default_max_sentence_words")]
    pub max_sentence_words: usize,
    /// A paragraph of at least two passive sentences is flagged when more than
    /// this share of its sentences are passive.
    #[serde(default = "default_max_passive_share")]
    pub max_passive_share: f64,
    /// How many pages the report lists as hardest.
    #[serde(default = "default_hardest_pages")]
    pub hardest_pages: usize,
}

fn default_summary_reading_age() -> f64 {
    14.0
}
fn default_page_reading_age() -> f64 {
    16.0
}
fn default_max_sentence_words() -> usize {
    25
}
fn default_max_passive_share() -> f64 {
    0.5
}
fn default_hardest_pages() -> usize {
    3
}

impl Default for LanguageConfig {
    fn default() -> Self {
        LanguageConfig {
            summary_reading_age: default_summary_reading_age(),
            page_reading_age: default_page_reading_age(),
            max_sentence_words: default_max_sentence_words(),
            max_passive_share: default_max_passive_share(),
            hardest_pages: default_hardest_pages(),
        }
    }
}

/// `[accessibility]`: the facts the generated statement cannot work out itself.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccessibilityConfig {
    /// When the statement was prepared (a TOML date).
    pub prepared: Date,
    /// When it was last reviewed, if since.
    #[serde(default)]
    pub reviewed: Option<Date>,
    /// Known failures of WCAG 2.2 AA, each with what is being done about it.
    #[serde(default)]
    pub known_issues: Vec<KnownIssue>,
}

/// One known accessibility problem, stated plainly.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KnownIssue {
    /// What does not work, for whom.
    pub issue: String,
    /// The WCAG 2.2 success criterion it fails, like "1.4.3 Contrast (Minimum)".
    pub criterion: String,
    /// What the council will do, and by when.
    pub plan: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub name: String,
    pub url: String,
}

/// Who the public asks about a decision or withheld information.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub team: String,
    pub email: String,
    pub phone: String,
    pub address: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Licence {
    pub name: String,
    pub url: String,
}

impl SiteConfig {
    pub fn parse(text: &str, diagnostics: &mut Diagnostics) -> Option<SiteConfig> {
        // site.toml is published (names, contact details): its text may be quoted.
        let quoting = || crate::diagnostics::Quoting::Public;
        match frontmatter::parse_toml::<SiteConfig>(CONFIG_FILE, text, text, 0, quoting) {
            Ok(mut config) => {
                match base_url(&config.base_url) {
                    Ok(url) => config.base_url = url,
                    Err(why) => diagnostics.push(
                        Diagnostic::error(
                            CONFIG_FILE,
                            "`base_url` must be an absolute web address",
                        )
                        .at(position_of_key(text, "base_url"))
                        .help(format!(
                            "{why}; write it like `base_url = \"https://decisions.example.org/\"`"
                        )),
                    ),
                }
                if config.accessibility.is_none() {
                    diagnostics.push(
                        Diagnostic::error(CONFIG_FILE, "there is no `[accessibility]` table")
                            .help("add `[accessibility]` with `prepared = 2026-03-02` (the date the accessibility statement was prepared); the statement is generated from it and from the build's own checks"),
                    );
                }
                if config.language.max_sentence_words == 0
                    || !(0.0..=1.0).contains(&config.language.max_passive_share)
                {
                    diagnostics.push(
                        Diagnostic::error(CONFIG_FILE, "a `[language]` threshold is out of range")
                            .at(position_of_key(text, "max_sentence_words"))
                            .help("`max_sentence_words` must be at least 1 and `max_passive_share` between 0 and 1"),
                    );
                }
                check_branding(&config.branding, text, diagnostics);
                let days = config.forward_plan.representations_close_clear_days;
                if !(crate::clear_days::SECOND_PRIVATE_NOTICE
                    ..=MAX_REPRESENTATIONS_CLOSE_CLEAR_DAYS)
                    .contains(&days)
                {
                    diagnostics.push(
                        Diagnostic::error(CONFIG_FILE, format!("`representations_close_clear_days` is {days}, outside 5 to {MAX_REPRESENTATIONS_CLOSE_CLEAR_DAYS}"))
                            .at(position_of_key(text, "representations_close_clear_days"))
                            .help(format!("it is the number of clear days before a private decision by which the council publishes its second notice; the law asks for at least 5 (regulation 5(4) of the 2012 Executive Arrangements Regulations), and more than {MAX_REPRESENTATIONS_CLOSE_CLEAR_DAYS} would close representations before the first notice, 28 clear days before, had appeared")),
                    );
                }
                crate::scripts::check_scripts(CONFIG_FILE, text, 1, diagnostics);
                Some(config)
            }
            Err(d) => {
                diagnostics.push(d);
                None
            }
        }
    }
}

/// The backgrounds the brand colour meets in the built-in stylesheet: white
/// header text is drawn on it, and tags draw it as text on a pale blue.
const BRAND_PAIRS: [(&str, crate::contrast::Rgb); 2] = [
    (
        "white header text on it",
        crate::contrast::Rgb(255, 255, 255),
    ),
    (
        "it as tag text on the tags' pale blue (#eaf1f8)",
        crate::contrast::Rgb(0xea, 0xf1, 0xf8),
    ),
];

/// `[branding]`'s own rules: a logo has its alternative text, and the brand
/// colour is a literal colour that text can be read on (WCAG 2.2 1.4.3).
/// Whether the logo file exists and is an image is the site's check, which
/// has the files (`site::branding_logo`).
fn check_branding(branding: &Branding, text: &str, diagnostics: &mut Diagnostics) {
    match (&branding.logo, &branding.logo_alt) {
        (Some(_), None) => diagnostics.push(
            Diagnostic::error(CONFIG_FILE, "the logo has no `logo_alt`")
                .at(position_of_key(text, "logo"))
                .help("add `logo_alt = \"...\"` under [branding] saying what the logo says (usually the council's name), for people who cannot see it (WCAG 2.2 1.1.1)"),
        ),
        (None, Some(_)) => diagnostics.push(
            Diagnostic::error(CONFIG_FILE, "`logo_alt` is set but there is no `logo`")
                .at(position_of_key(text, "logo_alt"))
                .help("name the logo file in branding/ with `logo = \"logo.png\"`, or remove `logo_alt`"),
        ),
        (Some(logo), Some(alt)) => {
            let alt = alt.trim();
            let generic = ["logo", "image", "picture", "img"];
            if alt.is_empty() || generic.contains(&alt.to_lowercase().as_str()) || alt == logo {
                diagnostics.push(
                    Diagnostic::error(CONFIG_FILE, "`logo_alt` does not say what the logo says")
                        .at(position_of_key(text, "logo_alt"))
                        .help("write the words of the logo, usually the council's name (like `logo_alt = \"Example Council\"`), not \"logo\" or the file's name; a screen reader reads it as the link to the council's website"),
                );
            }
        }
        (None, None) => {}
    }
    let Some(colour) = &branding.colour else {
        return;
    };
    let at = position_of_key(text, "colour");
    let parsed = colour
        .strip_prefix('#')
        .filter(|hex| {
            (hex.len() == 6 || hex.len() == 3) && hex.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .and_then(|_| crate::contrast::parse_colour(colour));
    let Some(rgb) = parsed else {
        diagnostics.push(
            Diagnostic::error(CONFIG_FILE, format!("`{colour}` is not a colour written as #rrggbb"))
                .at(at)
                .help("write the colour as a hash and six hexadecimal digits, like `colour = \"#0b3d6e\"`"),
        );
        return;
    };
    for (what, other) in BRAND_PAIRS {
        let ratio = crate::contrast::ratio(rgb, other);
        if ratio < crate::contrast::MINIMUM {
            diagnostics.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    format!("the brand colour {colour} is too light: {what} has a contrast ratio of {ratio:.2} to 1"),
                )
                .at(at)
                .help(format!(
                    "text needs at least {} to 1 (WCAG 2.2 1.4.3 Contrast (Minimum)); choose a darker shade of the council's colour",
                    crate::contrast::MINIMUM
                )),
            );
            return;
        }
    }
}

/// Checks a site address (site.toml's `base_url`, or `--base-url` for a
/// preview deployment) and returns it with a trailing slash, so that page
/// paths can be appended to it. Every absolute link the site prints
/// (canonical links, sitemap, feeds, JSON-LD, Open Referral UK and OCDS
/// identifiers) starts with it, so anything doubtful is refused rather than
/// guessed: it must be `http://` or `https://` with a host, with no spaces,
/// query or fragment.
pub fn base_url(url: &str) -> Result<String, String> {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return Err(format!(
            "`{url}` does not start with `https://` or `http://`"
        ));
    };
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') || host.ends_with(':') {
        return Err(format!("`{url}` has no host name after `//`"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("`{url}` contains a space or control character"));
    }
    if url.contains(['?', '#']) {
        return Err(format!(
            "`{url}` has a query (`?`) or fragment (`#`), which page paths cannot follow"
        ));
    }
    let mut url = url.to_string();
    if !url.ends_with('/') {
        url.push('/');
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_get_a_trailing_slash() {
        assert_eq!(base_url("https://a.example").unwrap(), "https://a.example/");
        assert_eq!(
            base_url("http://localhost:8000/preview/42").unwrap(),
            "http://localhost:8000/preview/42/"
        );
        assert_eq!(
            base_url("https://a.example/x/").unwrap(),
            "https://a.example/x/"
        );
    }

    const MINIMAL: &str = "title = \"T\"\nbase_url = \"https://a.example/\"\ntagline = \"T.\"\n\
        [organisation]\nname = \"C\"\nurl = \"https://c.example/\"\n\
        [contact]\nteam = \"D\"\nemail = \"d@c.example\"\nphone = \"01632 960000\"\naddress = \"A\"\n\
        [licence]\nname = \"L\"\nurl = \"https://l.example/\"\n[accessibility]\nprepared = 2024-01-15\n";

    #[test]
    fn the_forward_plan_counts_5_clear_days_unless_told_and_never_fewer() {
        let mut d = Diagnostics::default();
        let config = SiteConfig::parse(MINIMAL, &mut d).unwrap();
        assert!(!d.has_errors());
        assert_eq!(config.forward_plan.representations_close_clear_days, 5);
        assert_eq!(config.as_of, None);
        for (days, ok) in [(4, false), (5, true), (10, true), (26, true), (27, false)] {
            let mut d = Diagnostics::default();
            let text = format!(
                "as_of = 2024-03-01\n{MINIMAL}[forward_plan]\nrepresentations_close_clear_days = {days}\n"
            );
            let config = SiteConfig::parse(&text, &mut d).unwrap();
            assert_eq!(!d.has_errors(), ok, "{days}");
            assert_eq!(
                config.as_of.map(|a| a.to_string()).as_deref(),
                Some("2024-03-01")
            );
            if !ok {
                let found = d.into_sorted();
                assert_eq!((found[0].line, found[0].column), (19, 1), "{found:?}");
                assert!(
                    found[0]
                        .help
                        .as_deref()
                        .unwrap()
                        .contains("regulation 5(4)")
                );
            }
        }
    }

    #[test]
    fn doubtful_base_urls_are_refused() {
        for bad in [
            "",
            "decisions.example.org",
            "ftp://a.example/",
            "//a.example/",
            "https://",
            "https:///path",
            "https://a.example/has space/",
            "https://a.example/?q=1",
            "https://a.example/#top",
            "file:///srv/site/",
        ] {
            assert!(base_url(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
