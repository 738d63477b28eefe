//! `site.toml`: the site's settings.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::document::Date;
use crate::frontmatter::{self, position_of_key};
use crate::source::CONFIG_FILE;

/// Settings read from `site.toml`. Unknown keys are errors. The doc
/// comments of these types are what editors show on hover (`plainsight
/// schema`): they are for the officers who set a site up.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "site.toml",
    description = "The settings of a plainsight site: its name and address, the council, who the public contacts, the licence, the accessibility statement's facts and the plain-language targets."
)]
pub struct SiteConfig {
    /// The site's name, shown on every page, like "Kent decisions in plain English".
    pub title: String,
    /// Where the site is published: an absolute address starting https:// or http://, like "https://decisions.example.org/", with no query or fragment. `--base-url` overrides it for preview deployments.
    #[schemars(pattern(BASE_URL_PATTERN))]
    pub base_url: String,
    /// One plain sentence about the site, shown under its name.
    pub tagline: String,
    /// A banner on every page, for example to say the site is illustrative.
    #[serde(default)]
    pub example_notice: Option<String>,
    // Before the tables, as TOML writes values first ([`crate::timetable::as_of`]).
    /// The day the site counts as "now" for which decisions can still be called in, a date like 2026-12-01. Without it, the day SOURCE_DATE_EPOCH gives, if set, or else the latest day on which a decision record says something happened: never the clock. Set it each time you publish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Date>,
    pub organisation: Organisation,
    pub contact: Contact,
    pub licence: Licence,
    // Plain-language thresholds; defaults when the table is absent.
    #[serde(default)]
    pub language: LanguageConfig,
    // Required: a statement must say when it was prepared, and that date
    // comes from here, never from the clock (`parse` says so when absent,
    // so it is an `Option` that serde leaves `None`).
    #[schemars(required)]
    pub accessibility: Option<AccessibilityConfig>,
    #[serde(default)]
    pub personal_data: PersonalData,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procurement: Option<crate::procurement::Procurement>,
    /// The council's own look: its logo and the colour of the header.
    #[serde(default)]
    pub branding: Branding,
    // How the forward plan counts its notices.
    #[serde(default)]
    pub forward_plan: ForwardPlanConfig,
    /// What the provider listing (data/providers.csv) is called, where it is published and what it says first.
    #[serde(default)]
    pub listing: ListingConfig,
    /// The council's electoral divisions, for checking the names each record gives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub electoral_divisions: Option<ElectoralDivisions>,
    /// The council's own words for where a decision stands, as its notices and ModernGov show them, each mapped to one of plainsight's four statuses: `"For Determination" = "proposed"`, `"Decision Made" = "taken"`. A record gives its label as `status_label`; pages and data then show the label.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(with = "BTreeMap<String, crate::document::DecisionStatus>")]
    pub status_labels: BTreeMap<String, crate::document::DecisionStatus>,
}

/// `[listing]`: the provider listing's name, address, navigation label and
/// introduction. A council lists many kinds of things (day activities,
/// childminders, care homes); none of these words is built in beyond a
/// neutral default.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    inline,
    description = "The provider listing (data/providers.csv): its name, web address, navigation label and introduction. Every setting is optional; without them the listing is \"Providers\" at /providers/."
)]
pub struct ListingConfig {
    /// The listing page's heading and title, like "Activities and providers".
    #[serde(default = "default_listing_title")]
    pub title: String,
    /// The first part of every listing address: lower-case letters, digits and hyphens, like "activities" for /activities/. It may not be an address the site uses for something else (decisions, data, search, ...), nor a page's name.
    #[serde(default = "default_listing_path")]
    #[schemars(pattern(LISTING_PATH_PATTERN))]
    pub path: String,
    /// The word in the site's navigation, like "Activities". Keep it short.
    #[serde(default = "default_listing_nav")]
    pub nav: String,
    /// The first sentence of the listing page, under its heading: what a person can find and how.
    #[serde(default = "default_listing_intro")]
    pub intro: String,
    /// What the home page says of the listing, under its name.
    #[serde(default = "default_listing_summary")]
    pub summary: String,
}

/// A listing address as `check_listing` reads it.
const LISTING_PATH_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

fn default_listing_title() -> String {
    "Providers".into()
}
fn default_listing_path() -> String {
    "providers".into()
}
fn default_listing_nav() -> String {
    "Providers".into()
}
fn default_listing_intro() -> String {
    "Find a provider near you: search, or choose your area or the kind of service below.".into()
}
fn default_listing_summary() -> String {
    "Find a provider by where you live or by the kind of service.".into()
}

impl Default for ListingConfig {
    fn default() -> Self {
        ListingConfig {
            title: default_listing_title(),
            path: default_listing_path(),
            nav: default_listing_nav(),
            intro: default_listing_intro(),
            summary: default_listing_summary(),
        }
    }
}

/// `[listing]`'s rules that serde cannot say: an address made of
/// lower-case words, not one the site already uses, and words that are there.
fn check_listing(listing: &ListingConfig, text: &str, diagnostics: &mut Diagnostics) {
    let path = &listing.path;
    let well_formed = !path.is_empty()
        && path.split('-').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if !well_formed {
        diagnostics.push(
            Diagnostic::error(
                CONFIG_FILE,
                format!("`[listing]` `path` is `{path}`, which is not a web address part"),
            )
            .at(position_in_table(text, "listing", "path"))
            .help("write lower-case letters, digits and hyphens, like `path = \"activities\"` for /activities/"),
        );
    } else if crate::slug::RESERVED_SLUGS.contains(&path.as_str()) {
        diagnostics.push(
            Diagnostic::error(
                CONFIG_FILE,
                format!(
                    "`[listing]` `path` is `{path}`, an address the site uses for something else"
                ),
            )
            .at(position_in_table(text, "listing", "path"))
            .help(format!(
                "choose another, like `path = \"activities\"`; the site itself uses {}",
                crate::slug::RESERVED_SLUGS.join(", ")
            )),
        );
    }
    for (key, value) in [
        ("title", &listing.title),
        ("nav", &listing.nav),
        ("intro", &listing.intro),
        ("summary", &listing.summary),
    ] {
        if value.trim().is_empty() {
            diagnostics.push(
                Diagnostic::error(CONFIG_FILE, format!("`[listing]` `{key}` is empty"))
                    .at(position_in_table(text, "listing", key))
                    .help("write the words, or leave the key out for the default"),
            );
        }
    }
}

/// Where `key` is written inside `[table]`, or the table itself.
fn position_in_table(text: &str, table: &str, key: &str) -> Position {
    let header = format!("[{table}]");
    let Some(start) = text.find(&header) else {
        return position_of_key(text, key);
    };
    let rest = &text[start..];
    let end = rest[header.len()..]
        .find("\n[")
        .map_or(rest.len(), |i| i + header.len());
    let within = &rest[..end];
    let offset = within
        .match_indices(key)
        .find(|(i, _)| {
            let before = &within[..*i];
            before.ends_with('\n')
                || before.ends_with(' ') && before.trim_end_matches(' ').ends_with('\n')
        })
        .map_or(0, |(i, _)| i);
    Position::of_offset(text, start + offset)
}

/// `[electoral_divisions]`: every division's name as the council writes it,
/// and the word a record uses for a decision that affects them all. A record
/// naming a division not on the list is an error, so that a misspelt
/// division never starts a register page of its own.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    inline,
    description = "The council's electoral divisions. A record's `electoral_divisions` must name divisions on this list, or the value for all of them. Without this table the names are not checked, and `plainsight check --strict` fails."
)]
pub struct ElectoralDivisions {
    /// Every electoral division's name, as the council writes it, like ["Maidstone Central", "Maidstone Rural East"].
    #[schemars(length(min = 1))]
    pub names: Vec<String>,
    /// What a record writes for a decision that affects every division, like "All divisions" or "County-wide". "All" unless given.
    #[serde(default = "default_all_divisions")]
    pub all: String,
}

/// The electoral division value that means every division, unless
/// `[electoral_divisions] all` says otherwise.
pub const ALL_DIVISIONS: &str = "All";

fn default_all_divisions() -> String {
    ALL_DIVISIONS.to_string()
}

impl SiteConfig {
    /// The value of `electoral_divisions` that means every division.
    pub fn all_divisions(&self) -> &str {
        self.electoral_divisions
            .as_ref()
            .map_or(ALL_DIVISIONS, |d| d.all.as_str())
    }

    /// The mapping as a message lists it: `"For Determination" = "proposed", ...`.
    pub fn status_labels_listed(&self) -> String {
        self.status_labels
            .iter()
            .map(|(label, status)| {
                format!(
                    "\"{label}\" = \"{}\"",
                    crate::document::status_name(*status)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Where `[status_labels]` writes `label`, else the table itself.
fn label_at(text: &str, label: &str) -> crate::diagnostics::Position {
    let p = position_of_key(text, label);
    match p.line {
        0 => position_of_key(text, "status_labels"),
        _ => p,
    }
}

/// What [`base_url`] refuses that a pattern can say: anything but
/// `http://` or `https://` then a host, spaces, a query or a fragment.
const BASE_URL_PATTERN: &str = r"^https?://[^/\s?#:][^\s?#]*$";

/// `[forward_plan]`: the council's practice where the law leaves it a choice.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    inline,
    description = "How the forward plan counts its notices. Every setting is optional."
)]
pub struct ForwardPlanConfig {
    /// For a decision with papers to be considered in private: the clear days before it by which the council publishes its second notice, answering anyone who asked for it to be made in public. The site asks for those requests by the day before that notice. At least 5, the law's minimum and the default (regulation 5(4) of the 2012 Executive Arrangements Regulations); at most 26.
    #[serde(default = "default_representations_close_clear_days")]
    #[schemars(range(min = 5, max = 26))]
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
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline, transform = branding_schema)]
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
    #[schemars(pattern(COLOUR_PATTERN))]
    pub colour: Option<String>,
}

/// A colour as `check_branding` reads it: `#` and six (or three)
/// hexadecimal digits.
const COLOUR_PATTERN: &str = "^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$";

/// `check_branding`'s rule that a schema can state: a logo and its
/// alternative text come together.
fn branding_schema(schema: &mut schemars::Schema) {
    schema.insert(
        "dependencies".into(),
        serde_json::json!({ "logo": ["logo_alt"], "logo_alt": ["logo"] }),
    );
}

/// `[personal_data]`: values the council publishes on purpose (its own
/// published contacts), which the personal-data guard must not stop.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    inline,
    description = "Values the council publishes on purpose, such as a press office's email and phone, which the personal-data check lets through everywhere (the `[contact]` email and phone always are)."
)]
pub struct PersonalData {
    /// Email addresses and phone numbers (or other values) that may be published, each written as it appears.
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
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    inline,
    description = "Targets for plain language. The build warns about text above them (`--strict` makes the warnings errors). GOV.UK writes for a reading age of 9; council decisions are harder, so summaries default to 14 and pages to 16."
)]
pub struct LanguageConfig {
    /// The highest UK reading age (Flesch–Kincaid grade + 5) for a decision summary.
    #[serde(default = "default_summary_reading_age")]
    pub summary_reading_age: f64,
    /// The highest UK reading age for a page body.
    #[serde(default = "default_page_reading_age")]
    pub page_reading_age: f64,
    /// Sentences longer than this many words are flagged (GOV.UK: 25 or fewer).
    #[serde(default = "default_max_sentence_words")]
    #[schemars(range(min = 1))]
    pub max_sentence_words: usize,
    /// A paragraph of at least two sentences is flagged when more than this share of them (0 to 1) are in the passive voice.
    #[serde(default = "default_max_passive_share")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub max_passive_share: f64,
    /// How many pages `plainsight check` lists as hardest to read.
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
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    inline,
    description = "Required: the facts the accessibility statement at /accessibility/ cannot work out itself. The rest of the statement is generated from the build's own checks (Public Sector Bodies Accessibility Regulations 2018)."
)]
pub struct AccessibilityConfig {
    /// When the statement was prepared, a date like 2026-03-02 (no quotes).
    pub prepared: Date,
    /// When it was last reviewed, if since.
    #[serde(default)]
    pub reviewed: Option<Date>,
    /// Known failures of WCAG 2.2 AA, each `{ issue = "...", criterion = "...", plan = "..." }`. Any makes the site "partially compliant".
    #[serde(default)]
    pub known_issues: Vec<KnownIssue>,
}

/// One known accessibility problem, stated plainly.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline)]
pub struct KnownIssue {
    /// What does not work, for whom.
    pub issue: String,
    /// The WCAG 2.2 success criterion it fails, like "1.4.3 Contrast (Minimum)".
    pub criterion: String,
    /// What the council will do, and by when.
    pub plan: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline, description = "The council that publishes the site.")]
pub struct Organisation {
    /// The council's name, like "Kent County Council".
    pub name: String,
    /// The council's main website, like "https://www.kent.gov.uk/".
    pub url: String,
}

/// Who the public asks about a decision or withheld information.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    inline,
    description = "Who the public asks about a decision or withheld information. These are published on every page, and the personal-data check lets this email and phone through."
)]
pub struct Contact {
    /// The team, like "Democratic Services".
    pub team: String,
    /// The team's email address.
    pub email: String,
    /// The team's phone number.
    pub phone: String,
    /// The team's postal address.
    pub address: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    inline,
    description = "The licence the site's words and data are published under."
)]
pub struct Licence {
    /// The licence's name, like "Open Government Licence v3.0".
    pub name: String,
    /// Where the licence can be read.
    pub url: String,
}

impl SiteConfig {
    pub fn parse(text: &str, diagnostics: &mut Diagnostics) -> Option<SiteConfig> {
        // site.toml is published (names, contact details): its text may be quoted.
        let quoting = || crate::diagnostics::Quoting::Public;
        crate::data::refuse_fences_in_toml(CONFIG_FILE, text, diagnostics);
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
                for label in config.status_labels.keys() {
                    let ours = crate::document::DecisionStatus::ALL.iter().any(|s| {
                        crate::document::status_name(*s).eq_ignore_ascii_case(label.trim())
                    });
                    if label.trim().is_empty() || label.trim() != label || ours {
                        diagnostics.push(
                            Diagnostic::error(CONFIG_FILE, format!("`[status_labels]` has a label `{label}` that cannot be told from ours"))
                                .at(label_at(text, label))
                                .help("each label is the council's own words for a status, like \"Decision Made\", without spaces around it; plainsight's own statuses (proposed, taken, called-in, withdrawn) need no mapping"),
                        );
                    }
                }
                check_listing(&config.listing, text, diagnostics);
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
                check_divisions(config.electoral_divisions.as_ref(), text, diagnostics);
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

/// `[electoral_divisions]`'s own rules: at least one name, each once,
/// none blank or a list in one string, and the value for all divisions not
/// one of the names. (Without the table, [`no_divisions_list`] says so.)
fn check_divisions(
    divisions: Option<&ElectoralDivisions>,
    text: &str,
    diagnostics: &mut Diagnostics,
) {
    let Some(divisions) = divisions else {
        return;
    };
    let at = position_of_key(text, "names");
    if divisions.names.is_empty() {
        diagnostics.push(
            Diagnostic::error(CONFIG_FILE, "`[electoral_divisions]` lists no `names`")
                .at(at)
                .help("list every electoral division's name, like `names = [\"Maidstone Central\", \"Maidstone Rural East\"]`"),
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    for name in &divisions.names {
        let problem = if name.trim().is_empty() || name.trim() != name {
            Some(format!(
                "the division name `{name}` is blank or has spaces around it"
            ))
        } else if name.contains(';') {
            Some(format!(
                "the division name `{name}` holds a `;`: it reads as a list"
            ))
        } else if !seen.insert(name.to_lowercase()) {
            Some(format!("the division `{name}` is listed twice"))
        } else if name.eq_ignore_ascii_case(&divisions.all) {
            Some(format!(
                "`{name}` is both a division and the value for all divisions"
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            diagnostics.push(
                Diagnostic::error(CONFIG_FILE, problem)
                    .at(at)
                    .help("write each division once, by its own name, as its own string"),
            );
        }
    }
    if divisions.all.trim().is_empty() {
        diagnostics.push(
            Diagnostic::error(CONFIG_FILE, "`all` in `[electoral_divisions]` is blank")
                .at(position_of_key(text, "all"))
                .help("write the value a record gives for a decision that affects every division, like `all = \"All\"`"),
        );
    }
}

/// A site.toml with no `[electoral_divisions]`: the names records give
/// cannot be checked, so a misspelt division would start a register page of
/// its own. Existing sites keep building, with a warning; `--strict`, which
/// a council's CI runs before publishing, makes it an error (fail closed).
pub fn no_divisions_list(config: &SiteConfig, strict: bool) -> Option<Diagnostic> {
    if config.electoral_divisions.is_some() {
        return None;
    }
    let message = "there is no `[electoral_divisions]` table, so the divisions that records name are not checked";
    let d = match strict {
        true => Diagnostic::error(CONFIG_FILE, message),
        false => Diagnostic::warning(CONFIG_FILE, message),
    };
    Some(
        d.at(crate::diagnostics::Position { line: 1, column: 1 })
            .help("add `[electoral_divisions]` with `names = [\"...\", ...]`, every division's name as the council writes it, and `all = \"All\"` (the value for a decision that affects every division); see docs/content-format.md"),
    )
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
