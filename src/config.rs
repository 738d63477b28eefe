//! `site.toml`: the site's settings.

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::frontmatter;

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
    pub organisation: Organisation,
    pub contact: Contact,
    pub licence: Licence,
    /// A procurement to publish as Open Contracting data (docs/content-format.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procurement: Option<crate::procurement::Procurement>,
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

pub const FILE: &str = "site.toml";

impl SiteConfig {
    pub fn parse(text: &str, diagnostics: &mut Diagnostics) -> Option<SiteConfig> {
        match frontmatter::parse_toml::<SiteConfig>(FILE, text, text, 0) {
            Ok(mut config) => {
                if !(config.base_url.starts_with("https://")
                    || config.base_url.starts_with("http://"))
                {
                    diagnostics.push(
                        Diagnostic::error(FILE, "`base_url` must be an absolute web address")
                            .at(position_of_key(text, "base_url"))
                            .help("write it like `base_url = \"https://decisions.example.org/\"`"),
                    );
                }
                if !config.base_url.ends_with('/') {
                    config.base_url.push('/');
                }
                Some(config)
            }
            Err(d) => {
                diagnostics.push(d);
                None
            }
        }
    }
}

/// Where `key = ` first appears at the start of a line, for pointing at it.
pub fn position_of_key(text: &str, key: &str) -> Position {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                return Position::of_offset(text, offset + (line.len() - trimmed.len()));
            }
        }
        offset += line.len();
    }
    Position::default()
}
