//! Provider listings as Open Referral UK: the UK profile of the Human Services
//! Data Specification 3.0 (https://openreferraluk.org/, schemas copied under
//! `standards/openreferral-uk/`). Written to `data/openreferral-uk/`:
//!
//! - `services.json`: one service per provider and lot, each with its
//!   organisation, service areas (the districts served), a contact, and
//!   attributes for delivery mode and age group (`schema/compiled/service.json`);
//! - `organizations.json`: one organisation per provider (`schema/compiled/organization.json`).
//!
//! Only published columns are used: the listing comes from the public model,
//! so a column withheld under Schedule 12A is not there to publish. Identifiers
//! are name-based UUIDs (the profile requires `format: uuid`), stable across builds.
//! The UK profile has no telephone field on a service or contact, so the
//! published phone number is given in the service description.

use serde::Serialize;

use super::{Body, Draft, stable_uuid};
use crate::visibility::{PublicDataset, PublicSite};

#[derive(Debug, Serialize)]
pub struct Service {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_age: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_age: Option<u32>,
    pub service_areas: Vec<ServiceArea>,
    pub organization: Organization,
    pub contacts: Vec<Contact>,
    pub attributes: Vec<Attribute>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ServiceArea {
    pub id: String,
    pub service_id: String,
    pub name: String,
    /// A free-text area ("text" is the profile's value for a named place).
    pub extent_type: &'static str,
    pub extent: String,
    /// The Office for National Statistics code of the district, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Contact {
    pub id: String,
    pub service_id: String,
    pub name: String,
    pub title: String,
}

#[derive(Debug, Serialize)]
pub struct Attribute {
    pub id: String,
    pub link_id: String,
    pub link_type: &'static str,
    pub taxonomy_term_id: String,
    pub taxonomy_term: TaxonomyTerm,
}

#[derive(Debug, Serialize)]
pub struct TaxonomyTerm {
    pub id: String,
    pub name: String,
    pub description: String,
    pub taxonomy: String,
    pub term: String,
}

/// ONS GSS codes of Kent's twelve districts (ONS Register of Geographic
/// Codes, local authority districts E07), so that aggregators can match areas.
/// Checked against several public datasets that use them; E07000112 was
/// "Shepway" until the district was renamed Folkestone and Hythe in 2018.
const KENT_DISTRICTS: &[(&str, &str)] = &[
    ("Ashford", "E07000105"),
    ("Canterbury", "E07000106"),
    ("Dartford", "E07000107"),
    ("Dover", "E07000108"),
    ("Gravesham", "E07000109"),
    ("Maidstone", "E07000110"),
    ("Sevenoaks", "E07000111"),
    ("Folkestone and Hythe", "E07000112"),
    ("Swale", "E07000113"),
    ("Thanet", "E07000114"),
    ("Tonbridge and Malling", "E07000115"),
    ("Tunbridge Wells", "E07000116"),
];

/// The ages an age group such as "18 to 25" or "26 and over" covers.
fn age_range(group: &str) -> (Option<u32>, Option<u32>) {
    let numbers: Vec<u32> = group
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    match numbers.as_slice() {
        [low, high] => (Some(*low), Some(*high)),
        [low] if group.contains("over") => (Some(*low), None),
        _ => (None, None),
    }
}

struct Columns {
    id: usize,
    name: usize,
    lots: usize,
    districts: Option<usize>,
    delivery: Option<usize>,
    age_groups: Option<usize>,
    activities: Option<usize>,
    phone: Option<usize>,
    email: Option<usize>,
    website: Option<usize>,
}

impl Columns {
    fn of(ds: &PublicDataset) -> Option<Columns> {
        Some(Columns {
            id: ds.column_index("id")?,
            name: ds.column_index("name")?,
            lots: ds.column_index("lots")?,
            districts: ds.column_index("districts"),
            delivery: ds.column_index("delivery"),
            age_groups: ds.column_index("age_groups"),
            activities: ds.column_index("activities"),
            phone: ds.column_index("phone"),
            email: ds.column_index("email"),
            website: ds.column_index("website"),
        })
    }
}

fn cell(row: &[String], i: Option<usize>) -> Option<String> {
    i.map(|i| row[i].trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The organisations and services, or nothing when the site has no providers.
pub fn build(site: &PublicSite) -> Option<(Vec<Organization>, Vec<Service>)> {
    let ds = site.dataset("providers")?;
    let cols = Columns::of(ds)?;
    let lots = site.dataset("lots");
    let lot_name = |id: &str| -> String {
        lots.and_then(|l| {
            let (ki, ni) = (l.column_index("id")?, l.column_index("name")?);
            l.rows().iter().find(|r| r[ki] == id).map(|r| r[ni].clone())
        })
        .unwrap_or_else(|| format!("Lot {id}"))
    };
    let mut organizations = Vec::new();
    let mut services = Vec::new();
    for row in ds.rows() {
        let provider = &row[cols.id];
        let activities = cell(row, cols.activities).unwrap_or_default();
        let organization = Organization {
            id: stable_uuid(site, &format!("organization/{provider}")),
            name: row[cols.name].clone(),
            description: if activities.is_empty() {
                row[cols.name].clone()
            } else {
                activities.clone()
            },
            email: cell(row, cols.email),
            website: cell(row, cols.website),
        };
        organizations.push(organization.clone());
        for lot in ds.values(row, cols.lots) {
            let key = format!("service/{provider}/lot/{lot}");
            let service_id = stable_uuid(site, &key);
            let mut description = format!(
                "{} Part of lot {lot} of {}'s Dynamic Purchasing System: {}.",
                activities,
                site.config().organisation.name,
                lot_name(lot)
            );
            if let Some(phone) = cell(row, cols.phone) {
                description.push_str(&format!(" Phone {phone}."));
            }
            let service_areas = cols
                .districts
                .map(|i| ds.values(row, i))
                .unwrap_or_default()
                .into_iter()
                .map(|district| ServiceArea {
                    id: stable_uuid(site, &format!("{key}/area/{district}")),
                    service_id: service_id.clone(),
                    name: district.to_string(),
                    extent_type: "text",
                    extent: district.to_string(),
                    uri: KENT_DISTRICTS
                        .iter()
                        .find(|(name, _)| *name == district)
                        .map(|(_, code)| {
                            format!("http://statistics.data.gov.uk/id/statistical-geography/{code}")
                        }),
                })
                .collect();
            let mut attributes = Vec::new();
            let mut attribute = |taxonomy: &str, link_type: &'static str, value: &str| {
                let term_id = stable_uuid(site, &format!("taxonomy/{taxonomy}/{value}"));
                attributes.push(Attribute {
                    id: stable_uuid(site, &format!("{key}/attribute/{taxonomy}/{value}")),
                    link_id: service_id.clone(),
                    link_type,
                    taxonomy_term_id: term_id.clone(),
                    taxonomy_term: TaxonomyTerm {
                        id: term_id,
                        name: value.to_string(),
                        description: format!("{taxonomy}: {value}"),
                        taxonomy: taxonomy.to_string(),
                        term: value.to_string(),
                    },
                });
            };
            for mode in cols.delivery.map(|i| ds.values(row, i)).unwrap_or_default() {
                attribute("Delivery mode", "delivery_mode", mode);
            }
            let groups = cols
                .age_groups
                .map(|i| ds.values(row, i))
                .unwrap_or_default();
            for group in &groups {
                attribute("Age group", "eligibility", group);
            }
            let ranges: Vec<(Option<u32>, Option<u32>)> =
                groups.iter().map(|g| age_range(g)).collect();
            let minimum_age = ranges
                .iter()
                .map(|r| r.0)
                .collect::<Option<Vec<_>>>()
                .and_then(|v| v.into_iter().min());
            let maximum_age = ranges
                .iter()
                .map(|r| r.1)
                .collect::<Option<Vec<_>>>()
                .and_then(|v| v.into_iter().max());
            services.push(Service {
                id: service_id.clone(),
                organization_id: organization.id.clone(),
                name: format!("{}: {}", row[cols.name], lot_name(lot)),
                description,
                url: cell(row, cols.website),
                email: cell(row, cols.email),
                status: "active",
                minimum_age,
                maximum_age,
                service_areas,
                organization: organization.clone(),
                contacts: vec![Contact {
                    id: stable_uuid(site, &format!("{key}/contact")),
                    service_id,
                    name: row[cols.name].clone(),
                    title: "Enquiries".into(),
                }],
                attributes,
            });
        }
    }
    Some((organizations, services))
}

/// `data/openreferral-uk/services.json` and `organizations.json`.
pub fn render(site: &PublicSite) -> Vec<Draft<'static>> {
    let Some((organizations, services)) = build(site) else {
        return vec![];
    };
    vec![
        Draft {
            path: "data/openreferral-uk/services.json".into(),
            body: Body::Bytes(super::json_bytes(&services)),
            title: "Services, in Open Referral UK".into(),
            description: "The providers' services in the Open Referral UK standard that service directories use: one service for each provider and lot, with the districts it covers, how it is given, the age groups it is for, and how to get in touch.".into(),
            format: "Open Referral UK (JSON)",
            media_type: "application/json",
            rows: Some(services.len()),
            withheld: vec![],
            key: None,
        },
        Draft {
            path: "data/openreferral-uk/organizations.json".into(),
            body: Body::Bytes(super::json_bytes(&organizations)),
            title: "Organisations, in Open Referral UK".into(),
            description: "The providers as Open Referral UK organisations: one for each provider, with its description, email and website.".into(),
            format: "Open Referral UK (JSON)",
            media_type: "application/json",
            rows: Some(organizations.len()),
            withheld: vec![],
            key: None,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_groups_become_ranges() {
        assert_eq!(age_range("18 to 25"), (Some(18), Some(25)));
        assert_eq!(age_range("26 and over"), (Some(26), None));
        assert_eq!(age_range("Adults"), (None, None));
    }
}
