//! `data/datapackage.json`: a Frictionless Data Package (Data Package v1 with
//! Table Schema, https://specs.frictionlessdata.io/) describing every CSV
//! download: its columns' types and constraints, primary and foreign keys, and
//! the licence from `site.toml`. `frictionless validate` checks it in `.ci/run`.
//!
//! It describes only the CSV files [`super::tables`] wrote, from the same
//! column lists, so it cannot promise a column that is not there.

use serde::Serialize;

use super::tables::{DECISION_FIELDS, DOCUMENT_FIELDS, IMPACT_FIELDS, MONEY_FIELDS};
use super::{Body, Download, Draft};
use crate::data::ColumnType;
use crate::visibility::{PublicColumn, PublicDataset, PublicSite};

#[derive(Debug, Serialize)]
pub struct DataPackage {
    pub profile: &'static str,
    pub name: String,
    pub title: String,
    pub description: String,
    pub homepage: String,
    pub licenses: Vec<License>,
    pub contributors: Vec<Contributor>,
    pub resources: Vec<Resource>,
}

#[derive(Debug, Serialize)]
pub struct License {
    pub title: String,
    pub path: String,
}

#[derive(Debug, Serialize)]
pub struct Contributor {
    pub title: String,
    pub path: String,
    pub role: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Resource {
    pub profile: &'static str,
    pub name: String,
    pub path: String,
    pub title: String,
    pub description: String,
    pub format: &'static str,
    pub mediatype: &'static str,
    pub encoding: &'static str,
    pub bytes: usize,
    pub schema: Schema,
}

#[derive(Debug, Serialize)]
pub struct Schema {
    pub fields: Vec<Field>,
    #[serde(rename = "primaryKey", skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<String>,
    #[serde(rename = "foreignKeys", skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    /// Empty cells are missing values, as in the site's own data files.
    #[serde(rename = "missingValues")]
    pub missing_values: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct Field {
    pub name: String,
    pub title: String,
    pub description: String,
    #[serde(rename = "type")]
    pub ty: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    #[serde(rename = "trueValues", skip_serializing_if = "Option::is_none")]
    pub true_values: Option<Vec<&'static str>>,
    #[serde(rename = "falseValues", skip_serializing_if = "Option::is_none")]
    pub false_values: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
}

#[derive(Debug, Default, Serialize)]
pub struct Constraints {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unique: Option<bool>,
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
    /// For list cells: each `;`-separated value must be one of the allowed ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

impl Constraints {
    fn is_empty(&self) -> bool {
        self.required.is_none()
            && self.unique.is_none()
            && self.allowed.is_none()
            && self.pattern.is_none()
    }
}

#[derive(Debug, Serialize)]
pub struct ForeignKey {
    pub fields: String,
    pub reference: Reference,
}

#[derive(Debug, Serialize)]
pub struct Reference {
    pub resource: String,
    pub fields: String,
}

fn field(name: &str, ty: &'static str, description: &str) -> Field {
    Field {
        name: name.to_string(),
        title: name.replace('_', " "),
        description: description.to_string(),
        ty,
        format: None,
        // The downloads write booleans as `true` and `false` only.
        true_values: (ty == "boolean").then(|| vec!["true"]),
        false_values: (ty == "boolean").then(|| vec!["false"]),
        constraints: Constraints::default(),
    }
}

fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A dataset column as a Table Schema field. List cells stay strings (`a;b`),
/// so their allowed values become a pattern rather than an enum.
fn dataset_field(c: &PublicColumn, is_key: bool) -> Field {
    let (ty, format) = match (c.list(), c.ty()) {
        (true, _) => ("string", None),
        (_, ColumnType::Integer) => ("integer", None),
        (_, ColumnType::Decimal) => ("number", None),
        (_, ColumnType::Boolean) => ("boolean", None),
        (_, ColumnType::Date) => ("date", None),
        (_, ColumnType::Email) => ("string", Some("email")),
        (_, ColumnType::Url) => ("string", Some("uri")),
        _ => ("string", None),
    };
    let mut f = field(c.name(), ty, c.description().unwrap_or(c.title()).trim());
    f.title = c.title().to_string();
    f.format = format;
    f.constraints.required = (c.required() || is_key).then_some(true);
    f.constraints.unique = is_key.then_some(true);
    if let Some(values) = &c.values() {
        if c.list() {
            let one = values
                .iter()
                .map(|v| regex_escape(v))
                .collect::<Vec<_>>()
                .join("|");
            f.constraints.pattern = Some(format!("(({one})(;({one}))*)?"));
        } else {
            f.constraints.allowed = Some(values.to_vec());
        }
    }
    f
}

fn dataset_schema(ds: &PublicDataset) -> Schema {
    let fields = ds
        .columns()
        .iter()
        .map(|c| dataset_field(c, ds.primary_key() == Some(c.name())))
        .collect();
    // A foreign key on a single-valued column only: a `;` list cell is not one
    // key, and Table Schema foreign keys compare whole cells.
    let foreign_keys = ds
        .columns()
        .iter()
        .filter(|c| !c.list())
        .filter_map(|c| {
            let (dataset, column) = c.references()?.split_once('.')?;
            Some(ForeignKey {
                fields: c.name().to_string(),
                reference: Reference {
                    resource: dataset.to_string(),
                    fields: column.to_string(),
                },
            })
        })
        .collect();
    Schema {
        fields,
        primary_key: ds.primary_key().map(str::to_string),
        foreign_keys,
        missing_values: vec![""],
    }
}

fn fixed_schema(fields: &[(&str, &'static str, &str)], required: &[&str]) -> Vec<Field> {
    fields
        .iter()
        .map(|(name, ty, description)| {
            let mut f = field(name, ty, description);
            if required.contains(name) {
                f.constraints.required = Some(true);
            }
            f
        })
        .collect()
}

fn package_name(title: &str) -> String {
    super::slug(title)
}

/// The data package for the CSV tables already published (other downloads
/// are ignored).
pub fn render(site: &PublicSite, tables: &[Download]) -> Draft<'static> {
    /// The schema of a table with rows about decisions: `decision` names
    /// a row of the decisions table.
    fn of_each_decision(fields: Vec<Field>) -> Schema {
        Schema {
            fields,
            primary_key: None,
            foreign_keys: vec![ForeignKey {
                fields: "decision".into(),
                reference: Reference {
                    resource: "decisions".into(),
                    fields: "number".into(),
                },
            }],
            missing_values: vec![""],
        }
    }
    let mut resources = Vec::new();
    for draft in tables.iter().filter(|d| d.format == "CSV") {
        let file = draft.href.as_str();
        let name = file.trim_end_matches(".csv").to_string();
        let schema = match name.as_str() {
            "decisions" => {
                let mut fields = fixed_schema(
                    DECISION_FIELDS,
                    &[
                        "number",
                        "title",
                        "summary",
                        "status",
                        "decision_maker",
                        "key_decision",
                        "url",
                    ],
                );
                fields[0].constraints.unique = Some(true);
                fields[3].constraints.allowed = Some(
                    ["proposed", "taken", "called-in", "withdrawn"]
                        .map(String::from)
                        .to_vec(),
                );
                Schema {
                    fields,
                    primary_key: Some("number".into()),
                    foreign_keys: vec![],
                    missing_values: vec![""],
                }
            }
            "documents" => {
                let mut fields =
                    fixed_schema(DOCUMENT_FIELDS, &["decision", "kind", "title", "status"]);
                fields[4].constraints.allowed =
                    Some(["published", "withheld"].map(String::from).to_vec());
                of_each_decision(fields)
            }
            "money" => {
                let mut fields = fixed_schema(
                    MONEY_FIELDS,
                    &["decision", "label", "period", "kind", "amount", "url"],
                );
                fields[3].constraints.allowed =
                    Some(["spend", "saving", "budget"].map(String::from).to_vec());
                of_each_decision(fields)
            }
            "eqia-impacts" => {
                let mut fields = fixed_schema(
                    IMPACT_FIELDS,
                    &[
                        "decision",
                        "document",
                        "characteristic",
                        "characteristic_name",
                        "impact",
                        "detail",
                        "url",
                    ],
                );
                fields[5].constraints.allowed = Some(
                    crate::document::ImpactLevel::ALL
                        .iter()
                        .map(|l| format!("{l:?}").to_lowercase())
                        .collect(),
                );
                of_each_decision(fields)
            }
            _ => match site.dataset(&name) {
                Some(ds) => dataset_schema(ds),
                None => continue,
            },
        };
        resources.push(Resource {
            profile: "tabular-data-resource",
            name,
            path: file.to_string(),
            title: draft.title.clone(),
            description: draft.description.clone(),
            format: "csv",
            mediatype: "text/csv",
            encoding: "utf-8",
            bytes: draft.bytes,
            schema,
        });
    }
    let package = DataPackage {
        profile: "tabular-data-package",
        name: package_name(&site.config().title),
        title: site.config().title.clone(),
        description: site.config().tagline.clone(),
        homepage: super::absolute(site, "data/"),
        licenses: vec![License {
            title: site.config().licence.name.clone(),
            path: site.config().licence.url.clone(),
        }],
        contributors: vec![Contributor {
            title: site.config().organisation.name.clone(),
            path: site.config().organisation.url.clone(),
            role: "publisher",
        }],
        resources,
    };
    Draft {
        path: "data/datapackage.json".into(),
        body: Body::Bytes(super::json_bytes(&package)),
        title: "Data package".into(),
        description: "A description of every CSV file above in the Frictionless Data Package standard: what each column holds, its type, which values are allowed, how the tables link together, and the licence. Data tools can read it to load the files correctly.".into(),
        format: "Frictionless Data Package (JSON)",
        media_type: "application/json",
        rows: None,
        withheld: vec![],
        key: None,
    }
}
