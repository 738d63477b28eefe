//! schema.org descriptions (JSON-LD, https://json-ld.org/) embedded in pages:
//! a decision page describes its decision, /data/ is a `DataCatalog` of
//! `Dataset`s with their `DataDownload`s, and /activities/ lists each
//! provider's services as a `GovernmentService` provided by the provider for
//! the council.
//!
//! Built from the public model only. The JSON is made safe to sit inside a
//! `<script>` element: `<`, `>` and `&` are written as `\u` escapes, so no
//! text can close the element early.

use serde::Serialize;

use super::{Catalogue, absolute};
use crate::visibility::{PublicDecision, PublicSite};

#[derive(Debug, Serialize)]
pub struct Organization {
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone: Option<String>,
}

/// A decision record: schema.org has no "decision", so it is a `CreativeWork`
/// about the decision, published by the council.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionWork {
    #[serde(rename = "@context")]
    pub context: &'static str,
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub identifier: String,
    pub name: String,
    pub description: String,
    pub url: String,
    pub in_language: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_modified: Option<String>,
    /// The status as the site shows it: the council's label, or ours.
    pub creative_work_status: String,
    pub publisher: Organization,
    pub license: String,
    pub keywords: Vec<String>,
    pub spatial_coverage: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataCatalog {
    #[serde(rename = "@context")]
    pub context: &'static str,
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub name: String,
    pub description: String,
    pub url: String,
    pub publisher: Organization,
    pub license: String,
    pub dataset: Vec<Dataset>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dataset {
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub name: String,
    pub description: String,
    pub license: String,
    pub creator: Organization,
    pub distribution: Vec<DataDownload>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataDownload {
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub name: String,
    pub encoding_format: &'static str,
    pub content_url: String,
    pub content_size: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceList {
    #[serde(rename = "@context")]
    pub context: &'static str,
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub name: String,
    pub item_list_element: Vec<GovernmentService>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GovernmentService {
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub name: String,
    pub description: String,
    pub provider: Organization,
    pub service_operator: Organization,
    pub area_served: Vec<String>,
}

/// JSON that is safe inside `<script type="application/ld+json">`.
pub fn script_json<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_string(value).expect("serialising plain data to memory");
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn council(site: &PublicSite) -> Organization {
    Organization {
        kind: "GovernmentOrganization",
        name: site.config().organisation.name.clone(),
        url: Some(site.config().organisation.url.clone()),
        email: None,
        telephone: None,
    }
}

/// The JSON-LD of a decision page.
pub fn decision(site: &PublicSite, d: &PublicDecision) -> String {
    script_json(&DecisionWork {
        context: "https://schema.org",
        kind: "CreativeWork",
        identifier: d.number().to_string(),
        name: d.title().trim().to_string(),
        description: d.summary().trim().to_string(),
        url: absolute(site, &format!("decisions/{}/", d.slug())),
        in_language: "en-GB",
        date_modified: super::feeds::updated(d).map(|x| x.to_string()),
        creative_work_status: d.shown_status().to_string(),
        publisher: council(site),
        license: site.config().licence.url.clone(),
        keywords: vec![d.decision_maker().to_string()],
        spatial_coverage: d.electoral_divisions().to_vec(),
    })
}

/// The JSON-LD of /data/: one Dataset per title, with each of its files.
pub fn data_catalog(site: &PublicSite, catalogue: &Catalogue) -> String {
    let mut datasets: Vec<Dataset> = Vec::new();
    for d in catalogue
        .tables
        .iter()
        .chain(&catalogue.standards)
        .chain(&catalogue.feeds)
    {
        let download = DataDownload {
            kind: "DataDownload",
            name: format!("{} ({})", d.title, d.format),
            encoding_format: d.media_type,
            content_url: absolute(site, &format!("data/{}", d.href)).replace("data/../", ""),
            content_size: d.size.clone(),
        };
        match datasets.iter_mut().find(|x| x.name == d.title) {
            Some(existing) => existing.distribution.push(download),
            None => datasets.push(Dataset {
                kind: "Dataset",
                name: d.title.clone(),
                description: d.description.clone(),
                license: site.config().licence.url.clone(),
                creator: council(site),
                distribution: vec![download],
            }),
        }
    }
    script_json(&DataCatalog {
        context: "https://schema.org",
        kind: "DataCatalog",
        name: format!("Open data: {}", site.config().title),
        description: "Every fact on this site as files to download and reuse.".into(),
        url: absolute(site, "data/"),
        publisher: council(site),
        license: site.config().licence.url.clone(),
        dataset: datasets,
    })
}

/// The JSON-LD of a page of the listing (`/activities/`, `/activities/page/2/`):
/// the services of the providers it shows, `pages` of them (rows of the
/// providers dataset, in its order) and no more, so a page's size stays
/// that of its cards however long the listing grows.
pub fn services(site: &PublicSite, pages: std::ops::Range<usize>) -> Option<String> {
    let (_, services) = super::openreferral::build(site)?;
    let list = ServiceList {
        context: "https://schema.org",
        kind: "ItemList",
        name: site.config().listing.title.clone(),
        item_list_element: services
            .into_iter()
            .skip(pages.start)
            .take(pages.len())
            .map(|s| GovernmentService {
                kind: "GovernmentService",
                name: s.name,
                description: s.description,
                provider: Organization {
                    kind: "Organization",
                    name: s.organization.name,
                    url: s.organization.website,
                    email: s.organization.email,
                    telephone: None,
                },
                service_operator: council(site),
                area_served: s.service_areas.into_iter().map(|a| a.name).collect(),
            })
            .collect(),
    };
    Some(script_json(&list))
}
