//! The procurement in `site.toml`'s `[procurement]` table as an Open
//! Contracting Data Standard 1.1 release package (`data/ocds.json`), with the
//! lots extension and the techniques extension (dynamic purchasing systems).
//! Schemas: `standards/ocds/`; https://standard.open-contracting.org/1.1/.
//!
//! Lots come from `data/lots.csv` (a lot that does not reopen is a closed
//! DPS, one that reopens is open), suppliers from the published provider
//! listing. What was withheld is described, never included: prices, scores and
//! exempt papers appear only as statements naming their Schedule 12A paragraph,
//! on the award's `description` and as `documents` without a `url`. This module
//! must never emit a `value` or `amount`: the public model has none to give.

use serde::Serialize;

use super::{Body, Draft, absolute};
use crate::procurement::Procurement;
use crate::visibility::{PublicDataset, PublicPaper, PublicSite, WithheldNotice};

/// The published versions of the two extensions, as OCDS registers them.
const LOTS_EXTENSION: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/master/extension.json";
const TECHNIQUES_EXTENSION: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_techniques_extension/master/extension.json";

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleasePackage {
    pub uri: String,
    pub version: &'static str,
    pub extensions: Vec<&'static str>,
    pub published_date: String,
    pub publisher: Publisher,
    pub license: String,
    pub releases: Vec<Release>,
}

#[derive(Debug, Serialize)]
pub struct Publisher {
    pub name: String,
    pub uri: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    pub ocid: String,
    pub id: String,
    pub date: String,
    pub tag: Vec<&'static str>,
    pub initiation_type: &'static str,
    pub language: &'static str,
    pub parties: Vec<Party>,
    pub buyer: OrganizationReference,
    pub tender: Tender,
    pub awards: Vec<Award>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Party {
    pub id: String,
    pub name: String,
    pub roles: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_point: Option<ContactPoint>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactPoint {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrganizationReference {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tender {
    pub id: String,
    pub title: String,
    pub description: String,
    pub status: &'static str,
    pub procurement_method: &'static str,
    pub procurement_method_details: &'static str,
    pub main_procurement_category: &'static str,
    pub tender_period: Period,
    pub milestones: Vec<Milestone>,
    pub documents: Vec<Document>,
    pub lots: Vec<Lot>,
    pub techniques: Techniques,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    pub start_date: String,
    pub end_date: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Milestone {
    pub id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: crate::procurement::MilestoneType,
    pub due_date: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_type: Option<&'static str>,
    pub title: String,
    pub description: String,
    /// Absent for a withheld document: there is nothing to link to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    pub language: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Lot {
    pub id: String,
    pub title: String,
    pub description: String,
    pub status: &'static str,
    pub techniques: Techniques,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Techniques {
    pub has_dynamic_purchasing_system: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamic_purchasing_system: Option<DynamicPurchasingSystem>,
}

/// `type` is from the techniques extension's closed `dynamicPurchasingSystemType` codelist.
#[derive(Debug, Serialize)]
pub struct DynamicPurchasingSystem {
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Award {
    pub id: String,
    pub title: String,
    pub description: String,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    pub suppliers: Vec<OrganizationReference>,
    pub related_lots: Vec<String>,
    pub documents: Vec<Document>,
}

/// OCDS dates are date-times; content has days, so midnight UTC of that day.
fn datetime(date: crate::document::Date) -> String {
    format!("{date}T00:00:00Z")
}

/// "withheld under paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972".
fn under(n: &WithheldNotice) -> String {
    format!(
        "withheld under {} of Part 1 of Schedule 12A to the Local Government Act 1972, because it contains information about {}",
        n.paragraphs_words(),
        n.covers()
    )
}

/// The award report and other exempt papers of the decision, as documents
/// without an address.
fn withheld_documents(site: &PublicSite, p: &Procurement) -> Vec<Document> {
    let Some(decision) = site
        .decisions()
        .iter()
        .find(|d| d.number() == p.decision.get_ref())
    else {
        return vec![];
    };
    decision
        .papers()
        .iter()
        .filter_map(|paper| match paper {
            PublicPaper::Withheld(n) => Some(n),
            PublicPaper::Published(_) => None,
        })
        .enumerate()
        .map(|(i, n)| {
            let title = match &n.label() {
                Some(label) => format!("{label}: {}", n.public_title()),
                None => n.public_title().to_string(),
            };
            let lower = n.public_title().to_lowercase();
            Document {
                id: format!("withheld-{}", i + 1),
                // An award or evaluation report is the codelist's `evaluationReports`;
                // for anything else no code fits, so none is claimed.
                document_type: (lower.contains("award") || lower.contains("evaluation"))
                    .then_some("evaluationReports"),
                title,
                description: format!(
                    "Not published: {}. {} The record of decision {} says what was withheld and why.",
                    under(n),
                    n.reason(),
                    decision.number()
                ),
                url: None,
                format: None,
                language: "en",
            }
        })
        .collect()
}

/// The release package, or nothing when `site.toml` has no `[procurement]`.
pub fn build(site: &PublicSite) -> Option<ReleasePackage> {
    let p = site.config().procurement.as_ref()?;
    let lots = site.dataset("lots")?;
    let providers = site.dataset("providers")?;
    let ocid = p.ocid();
    let buyer = OrganizationReference {
        id: super::slug(&site.config().organisation.name),
        name: site.config().organisation.name.clone(),
    };
    let mut tag = vec!["tender"];
    if p.awarded.is_some() {
        tag.push("award");
    }
    let release = Release {
        id: format!("{ocid}-{}", p.published),
        date: datetime(p.published),
        tag,
        initiation_type: "tender",
        language: "en",
        parties: parties(site, &buyer, providers)?,
        tender: tender(site, p, lots)?,
        awards: awards(site, p, &ocid, lots, providers)?,
        ocid,
        buyer,
    };
    Some(ReleasePackage {
        uri: absolute(site, "data/ocds.json"),
        version: "1.1",
        extensions: vec![LOTS_EXTENSION, TECHNIQUES_EXTENSION],
        published_date: datetime(p.published),
        publisher: Publisher {
            name: site.config().organisation.name.clone(),
            uri: site.config().organisation.url.clone(),
        },
        license: site.config().licence.url.clone(),
        releases: vec![release],
    })
}

/// The parties: the council (buyer and procuring entity), then each
/// provider (supplier) with its public contact details.
fn parties(
    site: &PublicSite,
    buyer: &OrganizationReference,
    providers: &PublicDataset,
) -> Option<Vec<Party>> {
    let (provider_id, provider_name) = (
        providers.column_index("id")?,
        providers.column_index("name")?,
    );
    let mut parties = vec![Party {
        id: buyer.id.clone(),
        name: buyer.name.clone(),
        roles: vec!["buyer", "procuringEntity"],
        contact_point: Some(ContactPoint {
            name: Some(site.config().contact.team.clone()),
            email: Some(site.config().contact.email.clone()),
            telephone: Some(site.config().contact.phone.clone()),
            url: Some(site.config().organisation.url.clone()),
        }),
    }];
    let cell = |row: &[String], name: &str| {
        providers
            .column_index(name)
            .map(|i| row[i].trim().to_string())
            .filter(|s| !s.is_empty())
    };
    for row in providers.rows() {
        parties.push(Party {
            id: format!("provider-{}", row[provider_id]),
            name: row[provider_name].clone(),
            roles: vec!["supplier"],
            contact_point: Some(ContactPoint {
                name: None,
                email: cell(row, "email"),
                telephone: cell(row, "phone"),
                url: cell(row, "website"),
            }),
        });
    }
    Some(parties)
}

/// The tender: the Dynamic Purchasing System, its lots and milestones, and
/// the decision that approved it.
fn tender(site: &PublicSite, p: &Procurement, lots: &PublicDataset) -> Option<Tender> {
    let (lot_id, lot_name, lot_meaning) = (
        lots.column_index("id")?,
        lots.column_index("name")?,
        lots.column_index("meaning")?,
    );
    let reopens = lots.column_index("reopens");
    let lot_list: Vec<Lot> = lots
        .rows()
        .iter()
        .map(|row| Lot {
            id: row[lot_id].clone(),
            title: row[lot_name].clone(),
            description: row[lot_meaning].clone(),
            status: "active",
            techniques: Techniques {
                has_dynamic_purchasing_system: true,
                // A lot that reopens for new providers is an open DPS; one that
                // does not is closed (techniques extension, dynamicPurchasingSystemType).
                dynamic_purchasing_system: reopens.map(|i| DynamicPurchasingSystem {
                    kind: if row[i] == "true" { "open" } else { "closed" },
                }),
            },
        })
        .collect();
    let decision_slug = p.decision.get_ref().replacen('/', "-", 1);
    Some(Tender {
        id: p.id.clone(),
        title: p.title.clone(),
        description: p.description.trim().to_string(),
        status: "active",
        // A DPS is set up by the restricted procedure (Public Contracts
        // Regulations 2015, regulation 34), which OCDS calls `selective`.
        procurement_method: "selective",
        procurement_method_details: "Dynamic purchasing system (restricted procedure)",
        main_procurement_category: "services",
        tender_period: Period {
            start_date: datetime(p.tender_period.start),
            end_date: datetime(p.tender_period.end),
        },
        milestones: p
            .milestones
            .iter()
            .enumerate()
            .map(|(i, m)| Milestone {
                id: format!("{}", i + 1),
                title: m.title.clone(),
                kind: m.kind,
                due_date: datetime(m.date),
            })
            .collect(),
        documents: vec![Document {
            id: format!("decision-{decision_slug}"),
            document_type: None,
            title: format!("Record of decision {}", p.decision.get_ref()),
            description: "The decision that approves this procurement, in plain English, with the reasons and the other options considered.".into(),
            url: Some(absolute(site, &format!("decisions/{decision_slug}/"))),
            format: Some("text/html"),
            language: "en",
        }],
        lots: lot_list,
        techniques: Techniques {
            has_dynamic_purchasing_system: true,
            dynamic_purchasing_system: None,
        },
    })
}

/// One award per lot: the providers admitted to it, what the provider
/// listing withholds, and the withheld papers (never their contents).
fn awards(
    site: &PublicSite,
    p: &Procurement,
    ocid: &str,
    lots: &PublicDataset,
    providers: &PublicDataset,
) -> Option<Vec<Award>> {
    let lot_id = lots.column_index("id")?;
    let (provider_id, provider_name, provider_lots) = (
        providers.column_index("id")?,
        providers.column_index("name")?,
        providers.column_index("lots")?,
    );
    // What the provider listing holds back, said once for every award.
    let withheld_columns: Vec<String> = providers
        .withheld_columns()
        .iter()
        .map(|(title, n)| format!("{title}: {}. {}", under(n), n.reason()))
        .collect();
    let withheld_papers = withheld_documents(site, p);
    let status = if p.awarded.is_some() {
        "active"
    } else {
        "pending"
    };
    let awards = lots
        .rows()
        .iter()
        .map(|lot| {
            let lot = &lot[lot_id];
            let suppliers: Vec<OrganizationReference> = providers
                .rows()
                .iter()
                .filter(|row| providers.values(row, provider_lots).contains(&lot.as_str()))
                .map(|row| OrganizationReference {
                    id: format!("provider-{}", row[provider_id]),
                    name: row[provider_name].clone(),
                })
                .collect();
            let mut description = format!(
                "Providers admitted to lot {lot} of the Dynamic Purchasing System. The value of the award is not published."
            );
            if !withheld_columns.is_empty() {
                description.push_str(" Withheld from this award: ");
                description.push_str(&withheld_columns.join(" "));
            }
            Award {
                id: format!("{ocid}-lot-{lot}"),
                title: format!("Admission to lot {lot}"),
                description,
                status,
                date: p.awarded.map(datetime),
                suppliers,
                related_lots: vec![lot.clone()],
                documents: withheld_papers
                    .iter()
                    .map(|d| Document {
                        id: d.id.clone(),
                        document_type: d.document_type,
                        title: d.title.clone(),
                        description: d.description.clone(),
                        url: None,
                        format: None,
                        language: "en",
                    })
                    .collect(),
            }
        })
        .collect();
    Some(awards)
}

/// `data/ocds.json`.
pub fn render(site: &PublicSite) -> Option<Draft<'static>> {
    let package = build(site)?;
    let withheld = site
        .dataset("providers")
        .map(|ds| {
            ds.withheld_columns()
                .iter()
                .map(|(_, n)| n.clone())
                .collect()
        })
        .unwrap_or_default();
    Some(Draft {
        path: "data/ocds.json".into(),
        body: Body::Bytes(super::json_bytes(&package)),
        title: "The procurement, in the Open Contracting Data Standard".into(),
        description: "How the council is buying this support, in the Open Contracting Data Standard that procurement analysts use: the tender, its lots, the timetable, and which providers were admitted to each lot. Prices and scores are not published; the file says so, and why.".into(),
        format: "OCDS release package (JSON)",
        media_type: "application/json",
        rows: None,
        withheld,
        key: None,
    })
}
