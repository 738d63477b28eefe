//! Open data (issue 6): every download round-trips against the public model,
//! Open Referral UK and OCDS output validate against their standards' own
//! schemas (copied into `standards/`), feeds and the sitemap parse, and the
//! sitemap lists exactly the public pages.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::*;
use plainsight::diagnostics::Diagnostics;
use plainsight::visibility::{PublicPaper, PublicSite};
use serde_json::Value;

/// The public model of a site, as the renderer sees it.
fn public_model(root: &Path) -> PublicSite {
    let mut diags = Diagnostics::default();
    plainsight::public_model(root, &mut diags)
        .unwrap()
        .expect("the site has no errors")
}

fn built_example() -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>, PublicSite) {
    let site = example();
    assert_ok(&build(site.path()));
    let out = files(&site.path().join("public"));
    let model = public_model(site.path());
    (site, out, model)
}

fn read_csv(bytes: &[u8]) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

fn json(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Value {
    serde_json::from_slice(files.get(path).unwrap_or_else(|| panic!("no {path}"))).unwrap()
}

fn schema(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(repo().join(path)).unwrap()).unwrap()
}

#[test]
fn decision_downloads_round_trip() {
    let (_site, out, model) = built_example();
    let (_, rows) = read_csv(&out["data/decisions.csv"]);
    let as_json = json(&out, "data/decisions.json");
    let as_json = as_json.as_array().unwrap();
    assert_eq!(rows.len(), model.decisions().len());
    assert_eq!(as_json.len(), model.decisions().len());
    for ((row, obj), d) in rows.iter().zip(as_json).zip(model.decisions()) {
        assert_eq!(row["number"], d.number());
        assert_eq!(row["title"], d.title().trim());
        assert_eq!(row["summary"], d.summary().trim());
        assert_eq!(row["decision_maker"], d.decision_maker());
        assert_eq!(row["key_decision"], d.key_decision().to_string());
        assert_eq!(
            row["due"],
            d.due().map(|x| x.to_string()).unwrap_or_default()
        );
        assert_eq!(
            row["electoral_divisions"].split(';').collect::<Vec<_>>(),
            d.electoral_divisions()
        );
        assert_eq!(row["related"], d.related().join(";"));
        assert_eq!(
            row["notice_published"],
            d.notice_published()
                .map(|x| x.to_string())
                .unwrap_or_default()
        );
        assert_eq!(
            obj["money"].as_array().unwrap().len(),
            d.money().len(),
            "{}",
            d.number()
        );
        assert_eq!(row["decision"], d.decision().plain_text().trim());
        assert_eq!(row["reasons"], d.reasons().plain_text().trim());
        assert_eq!(
            row["url"],
            format!("{}decisions/{}/", model.config().base_url, d.slug())
        );
        assert_eq!(obj["number"], d.number());
        assert_eq!(
            obj["alternatives"].as_array().unwrap().len(),
            d.alternatives().len()
        );
        assert_eq!(obj["pathway"].as_array().unwrap().len(), d.pathway().len());
        assert_eq!(
            obj["in_consultation_with"],
            serde_json::json!(d.in_consultation_with())
        );
        // The body is in the decision's own decision.json, not the register.
        assert!(obj.get("body").is_none());
        let own = json(&out, &format!("decisions/{}/decision.json", d.slug()));
        assert_eq!(own["body"], d.body().plain_text().trim());
        assert_eq!(own["number"], obj["number"]);
        assert_eq!(own["documents"], obj["documents"]);
    }
    // The documents table: published papers with their address, withheld ones
    // by label, public title and paragraph only.
    let (header, docs) = read_csv(&out["data/documents.csv"]);
    assert_eq!(
        header,
        [
            "decision",
            "kind",
            "label",
            "title",
            "status",
            "schedule_12a_paragraph",
            "withheld_reason",
            "url"
        ]
    );
    let mut expected = Vec::new();
    for d in model.decisions() {
        for p in d.papers() {
            match p {
                PublicPaper::Published(p) => expected.push((
                    d.number().to_string(),
                    p.title().to_string(),
                    "published".to_string(),
                    String::new(),
                )),
                PublicPaper::Withheld(n) => expected.push((
                    d.number().to_string(),
                    n.public_title().to_string(),
                    "withheld".to_string(),
                    n.paragraph().to_string(),
                )),
            }
        }
    }
    let got: Vec<_> = docs
        .iter()
        .filter(|r| r["kind"] != "attachment")
        .map(|r| {
            (
                r["decision"].clone(),
                r["title"].clone(),
                r["status"].clone(),
                r["schedule_12a_paragraph"].clone(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    let award = docs.iter().find(|r| r["status"] == "withheld").unwrap();
    assert_eq!(award["label"], "Appendix 1");
    assert_eq!(award["title"], "Award report");
    assert_eq!(award["schedule_12a_paragraph"], "3");
    assert_eq!(
        award["withheld_reason"],
        "It contains commercially sensitive information about the bids that providers made."
    );
    assert_eq!(award["url"], "");
}

#[test]
fn dataset_downloads_round_trip_with_published_columns_only() {
    let (_site, out, model) = built_example();
    for ds in model.datasets() {
        let (header, rows) = read_csv(&out[&format!("data/{}.csv", ds.name())]);
        let names: Vec<&str> = ds.columns().iter().map(|c| c.name()).collect();
        assert_eq!(header, names, "{}", ds.name());
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| names.iter().map(|n| r[*n].clone()).collect())
            .collect();
        assert_eq!(cells, ds.rows(), "{}.csv", ds.name());
        let objects = json(&out, &format!("data/{}.json", ds.name()));
        let objects = objects.as_array().unwrap();
        assert_eq!(objects.len(), ds.rows().len());
        for (obj, row) in objects.iter().zip(ds.rows()) {
            let keys: Vec<&str> = obj
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(
                keys.iter().copied().collect::<BTreeSet<_>>(),
                names.iter().copied().collect::<BTreeSet<_>>()
            );
            for (i, column) in ds.columns().iter().enumerate() {
                let value = &obj[&column.name()];
                let back: String = match value {
                    Value::Array(items) => items
                        .iter()
                        .map(|v| v.as_str().unwrap().to_string())
                        .collect::<Vec<_>>()
                        .join(";"),
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let expected: String = ds.values(row, i).join(";");
                assert_eq!(back, expected, "{}.{}", ds.name(), column.name());
            }
        }
    }
    let providers = String::from_utf8(out["data/providers.json"].clone()).unwrap();
    assert!(!providers.contains("day_rate") && !providers.contains("evaluation_score"));
}

#[test]
fn data_package_describes_every_csv_with_its_licence() {
    let (_site, out, model) = built_example();
    let package = json(&out, "data/datapackage.json");
    assert_eq!(
        package["licenses"][0]["path"],
        model.config().licence.url.as_str()
    );
    assert_eq!(
        package["licenses"][0]["title"],
        model.config().licence.name.as_str()
    );
    let resources = package["resources"].as_array().unwrap();
    let csvs: BTreeSet<String> = out
        .keys()
        .filter(|k| k.starts_with("data/") && k.ends_with(".csv"))
        .map(|k| k.trim_start_matches("data/").to_string())
        .collect();
    let described: BTreeSet<String> = resources
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(csvs, described);
    for r in resources {
        let path = format!("data/{}", r["path"].as_str().unwrap());
        let (header, _) = read_csv(&out[&path]);
        let fields: Vec<&str> = r["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(header, fields, "{path}");
        assert_eq!(r["bytes"].as_u64().unwrap() as usize, out[&path].len());
    }
    let documents = resources.iter().find(|r| r["name"] == "documents").unwrap();
    assert_eq!(
        documents["schema"]["foreignKeys"][0]["reference"]["resource"],
        "decisions"
    );
    let decisions = resources.iter().find(|r| r["name"] == "decisions").unwrap();
    assert_eq!(decisions["schema"]["primaryKey"], "number");
}

/// Validates `instance` and returns every error, readable.
fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn open_referral_uk_validates_against_the_uk_profile() {
    let (_site, out, model) = built_example();
    let service_schema = schema("standards/openreferral-uk/schema/compiled/service.json");
    let org_schema = schema("standards/openreferral-uk/schema/compiled/organization.json");
    let services_validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&service_schema)
        .unwrap();
    let org_validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&org_schema)
        .unwrap();
    let services = json(&out, "data/openreferral-uk/services.json");
    let services = services.as_array().unwrap();
    let providers = model.dataset("providers").unwrap();
    let lots = providers.column_index("lots").unwrap();
    let expected: usize = providers
        .rows()
        .iter()
        .map(|r| providers.values(r, lots).len())
        .sum();
    assert_eq!(services.len(), expected, "one service per provider and lot");
    let mut broken = services[0].clone();
    broken["id"] = "not-a-uuid".into();
    assert!(
        !errors(&services_validator, &broken).is_empty(),
        "formats are checked"
    );
    for service in services {
        let problems = errors(&services_validator, service);
        assert!(problems.is_empty(), "{}: {problems:#?}", service["name"]);
        assert!(!service["service_areas"].as_array().unwrap().is_empty());
        let link_types: BTreeSet<&str> = service["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["link_type"].as_str().unwrap())
            .collect();
        assert_eq!(link_types, BTreeSet::from(["delivery_mode", "eligibility"]));
        assert!(service["contacts"].as_array().unwrap().len() == 1);
    }
    let maidstone = services
        .iter()
        .flat_map(|s| s["service_areas"].as_array().unwrap())
        .find(|a| a["name"] == "Maidstone")
        .unwrap();
    assert_eq!(
        maidstone["uri"],
        "http://statistics.data.gov.uk/id/statistical-geography/E07000110"
    );
    let orgs = json(&out, "data/openreferral-uk/organizations.json");
    assert_eq!(orgs.as_array().unwrap().len(), providers.rows().len());
    for org in orgs.as_array().unwrap() {
        let problems = errors(&org_validator, org);
        assert!(problems.is_empty(), "{}: {problems:#?}", org["name"]);
    }
    // Identifiers are unique across the whole file.
    let text = String::from_utf8(out["data/openreferral-uk/services.json"].clone()).unwrap();
    assert!(!text.to_lowercase().contains("day rate") && !text.contains("63.47"));
}

/// JSON Merge Patch, RFC 7386, section 2.
fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(patch) => {
            if !target.is_object() {
                *target = Value::Object(Default::default());
            }
            let object = target.as_object_mut().unwrap();
            for (key, value) in patch {
                if value.is_null() {
                    object.remove(key);
                } else {
                    merge_patch(object.entry(key.clone()).or_insert(Value::Null), value);
                }
            }
        }
        other => *target = other.clone(),
    }
}

#[test]
fn merge_patch_follows_rfc_7386() {
    // The examples of RFC 7386, appendix A, that matter here.
    let mut target = serde_json::json!({"a": "b", "c": {"d": "e", "f": "g"}});
    merge_patch(
        &mut target,
        &serde_json::json!({"a": "z", "c": {"f": null}}),
    );
    assert_eq!(target, serde_json::json!({"a": "z", "c": {"d": "e"}}));
    let mut target = serde_json::json!({"a": ["b"]});
    merge_patch(&mut target, &serde_json::json!({"a": "c"}));
    assert_eq!(target, serde_json::json!({"a": "c"}));
}

#[test]
fn ocds_release_package_validates_with_lots_and_techniques() {
    let (_site, out, model) = built_example();
    let mut release_schema = schema("standards/ocds/core/release-schema.json");
    merge_patch(
        &mut release_schema,
        &schema("standards/ocds/lots/release-schema.json"),
    );
    merge_patch(
        &mut release_schema,
        &schema("standards/ocds/techniques/release-schema.json"),
    );
    // The lots extension's `Lot.submissionTerms` refers to a definition of the
    // separate submissionTerms extension, which this package does not declare
    // or use. A schema that accepts nothing stands in for it, so the reference
    // resolves and any use of `submissionTerms` would still fail validation.
    if release_schema["definitions"]
        .get("SubmissionTerms")
        .is_none()
    {
        release_schema["definitions"]["SubmissionTerms"] = serde_json::json!({"not": {}});
    }
    let release_validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&release_schema)
        .unwrap();
    // The package envelope, with each release checked against the merged schema instead.
    let mut package_schema = schema("standards/ocds/core/release-package-schema.json");
    package_schema["properties"]["releases"]["items"] = serde_json::json!({"type": "object"});
    let package_validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&package_schema)
        .unwrap();
    let package = json(&out, "data/ocds.json");
    let problems = errors(&package_validator, &package);
    assert!(problems.is_empty(), "{problems:#?}");
    let releases = package["releases"].as_array().unwrap();
    assert_eq!(releases.len(), 1);
    let release = &releases[0];
    let problems = errors(&release_validator, release);
    assert!(problems.is_empty(), "{problems:#?}");
    // The merged schema really checks the extensions' codelists.
    let mut broken = release.clone();
    broken["tender"]["lots"][0]["techniques"]["dynamicPurchasingSystem"]["type"] =
        "sometimes".into();
    assert!(!errors(&release_validator, &broken).is_empty());

    // Lots and their DPS type: 1a and 2 reopen (open), 1b does not (closed).
    let lots: BTreeMap<&str, &str> = release["tender"]["lots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            assert_eq!(l["techniques"]["hasDynamicPurchasingSystem"], true);
            (
                l["id"].as_str().unwrap(),
                l["techniques"]["dynamicPurchasingSystem"]["type"]
                    .as_str()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lots,
        BTreeMap::from([("1a", "open"), ("1b", "closed"), ("2", "open")])
    );
    assert_eq!(release["ocid"], "ocds-000000-KCC-DPS-ELA-2022");
    assert_eq!(
        release["tender"]["tenderPeriod"]["startDate"],
        "2022-05-30T00:00:00Z"
    );
    assert!(release["tender"]["milestones"].as_array().unwrap().len() >= 5);

    // Suppliers are the published provider names, lot by lot.
    let providers = model.dataset("providers").unwrap();
    let (name, lot_col) = (
        providers.column_index("name").unwrap(),
        providers.column_index("lots").unwrap(),
    );
    for award in release["awards"].as_array().unwrap() {
        let lot = award["relatedLots"][0].as_str().unwrap();
        let suppliers: Vec<&str> = award["suppliers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        let expected: Vec<&str> = providers
            .rows()
            .iter()
            .filter(|r| providers.values(r, lot_col).contains(&lot))
            .map(|r| r[name].as_str())
            .collect();
        assert_eq!(suppliers, expected, "lot {lot}");
        // Withheld fields are named with their paragraph, never given.
        let description = award["description"].as_str().unwrap();
        assert!(
            description.contains("Day rate: withheld under paragraph 3 of Part 1 of Schedule 12A")
        );
        let document = &award["documents"][0];
        assert_eq!(document["documentType"], "evaluationReports");
        assert!(document.get("url").is_none());
        assert!(
            document["description"]
                .as_str()
                .unwrap()
                .starts_with("Not published: withheld under paragraph 3")
        );
    }
    let text = String::from_utf8(out["data/ocds.json"].clone()).unwrap();
    assert!(!text.contains("\"value\"") && !text.contains("\"amount\""));
}

#[test]
fn feeds_parse_and_carry_dates_from_content() {
    let (_site, out, model) = built_example();
    // The forward plan's feed has entries of its own (tests/forward_plan.rs).
    let feeds: Vec<&String> = out
        .keys()
        .filter(|k| k.starts_with("feeds/") && k.ends_with(".xml"))
        .filter(|k| *k != "feeds/forward-plan.xml")
        .collect();
    assert!(out.contains_key("feeds/decisions.xml"));
    assert!(out.contains_key("feeds/divisions/all.xml"));
    assert!(out.contains_key(
        "feeds/decision-makers/cabinet-member-for-adult-social-care-and-public-health.xml"
    ));
    for path in feeds {
        let text = std::str::from_utf8(&out[path]).unwrap();
        let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let feed = doc.root_element();
        assert_eq!(feed.tag_name().name(), "feed");
        assert_eq!(
            feed.tag_name().namespace(),
            Some("http://www.w3.org/2005/Atom")
        );
        for child in ["id", "title", "updated", "author"] {
            assert!(
                feed.children().any(|c| c.has_tag_name(child)),
                "{path} lacks {child}"
            );
        }
        for entry in feed.children().filter(|c| c.has_tag_name("entry")) {
            let id = entry
                .children()
                .find(|c| c.has_tag_name("id"))
                .unwrap()
                .text()
                .unwrap();
            let slug = id.trim_end_matches('/').rsplit('/').next().unwrap();
            let d = model.decisions().iter().find(|d| d.slug() == slug).unwrap();
            let summary = entry
                .children()
                .find(|c| c.has_tag_name("summary"))
                .unwrap();
            assert!(summary.text().unwrap().starts_with(d.summary().trim()));
            let updated = entry
                .children()
                .find(|c| c.has_tag_name("updated"))
                .unwrap();
            let expected = plainsight::opendata::feeds::updated(d).unwrap();
            assert_eq!(updated.text().unwrap(), format!("{expected}T00:00:00Z"));
        }
    }
    let all = std::str::from_utf8(&out["feeds/decisions.xml"]).unwrap();
    let doc = roxmltree::Document::parse(all).unwrap();
    assert_eq!(
        doc.root_element()
            .children()
            .filter(|c| c.has_tag_name("entry"))
            .count(),
        model.decisions().len()
    );

    // The calendar: CRLF lines of at most 75 octets, one event per proposed
    // decision with a due date, stable UIDs.
    let ics = std::str::from_utf8(&out["feeds/upcoming-decisions.ics"]).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{line}");
        assert!(!line.contains('\n'));
    }
    let upcoming = model.decisions().iter().filter(|d| {
        d.status() == plainsight::document::DecisionStatus::Proposed && d.due().is_some()
    });
    for d in upcoming {
        let uid = plainsight::opendata::stable_uuid(&model, &format!("decision/{}/due", d.slug()));
        assert!(
            ics.contains(&format!("UID:{uid}\r\n")),
            "no stable UID for {}",
            d.slug()
        );
        let due = d.due().unwrap().0.format("%Y%m%d").to_string();
        assert!(ics.contains(&format!("DTSTART;VALUE=DATE:{due}\r\n")));
    }
    // Pages point feed readers at the feed.
    let home = std::str::from_utf8(&out["index.html"]).unwrap();
    assert!(home.contains("rel=\"alternate\" type=\"application/atom+xml\""));
}

#[test]
fn sitemap_lists_every_public_page_and_nothing_else() {
    let (_site, out, model) = built_example();
    let text = std::str::from_utf8(&out["sitemap.xml"]).unwrap();
    let doc = roxmltree::Document::parse(text).unwrap();
    let listed: BTreeSet<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| {
            n.text()
                .unwrap()
                .strip_prefix(&model.config().base_url)
                .expect("on this site")
                .to_string()
        })
        .collect();
    let pages: BTreeSet<String> = out
        .keys()
        .filter(|k| k.ends_with("index.html"))
        .map(|k| k.trim_end_matches("index.html").to_string())
        .collect();
    assert_eq!(listed, pages);
    assert!(listed.contains("decisions/22-00073/"));
    assert!(!listed.iter().any(|p| p.contains("appendix-1")));
    assert!(!listed.iter().any(|p| p.contains("404")));
    let robots = std::str::from_utf8(&out["robots.txt"]).unwrap();
    assert!(robots.contains("Sitemap: https://decisions.example.org/sitemap.xml"));
}

#[test]
fn pages_carry_schema_org_json_ld() {
    let (_site, out, _model) = built_example();
    let script = |path: &str| -> Value {
        let html = std::str::from_utf8(&out[path]).unwrap();
        let start = html
            .find("<script type=\"application/ld+json\">")
            .unwrap_or_else(|| panic!("{path}"));
        let rest = &html[start + "<script type=\"application/ld+json\">".len()..];
        serde_json::from_str(&rest[..rest.find("</script>").unwrap()]).unwrap()
    };
    let decision = script("decisions/22-00073/index.html");
    assert_eq!(decision["@context"], "https://schema.org");
    assert_eq!(decision["identifier"], "22/00073");
    let data = script("data/index.html");
    assert_eq!(data["@type"], "DataCatalog");
    let datasets = data["dataset"].as_array().unwrap();
    assert!(datasets.iter().all(|d| d["@type"] == "Dataset"));
    assert!(datasets.iter().any(|d| {
        d["distribution"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["contentUrl"] == "https://decisions.example.org/data/providers.csv")
    }));
    let activities = script("activities/index.html");
    assert_eq!(
        activities["itemListElement"][0]["@type"],
        "GovernmentService"
    );
}

#[test]
fn the_data_page_describes_each_download() {
    let (_site, out, _model) = built_example();
    let page = std::str::from_utf8(&out["data/index.html"]).unwrap();
    for href in [
        "decisions.csv",
        "decisions.json",
        "documents.csv",
        "providers.csv",
        "providers.json",
        "datapackage.json",
        "openreferral-uk/services.json",
        "ocds.json",
        "../feeds/decisions.xml",
        "../feeds/upcoming-decisions.ics",
    ] {
        assert!(
            page.contains(&format!("href=\"{href}\"")),
            "no link to {href}"
        );
    }
    assert!(page.contains("Licence: Open Government Licence v3.0"));
    assert!(page.contains("Day rate is not published"));
}

/// The minimal fixture with `count` more decisions like 24/00002, numbered
/// 25/00001 onwards and due on successive days from 1 January 2025.
fn many_decisions(count: u32) -> tempfile::TempDir {
    let site = fixture("minimal");
    let template =
        std::fs::read_to_string(site.path().join("content/decisions/24-00002/decision.md"))
            .unwrap();
    let first = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    for i in 0..count {
        let number = format!("25/{:05}", i + 1);
        let dir = site
            .path()
            .join(format!("content/decisions/25-{:05}", i + 1));
        std::fs::create_dir_all(&dir).unwrap();
        let due = first + chrono::Days::new(u64::from(i));
        let text = template
            .replace("24/00002", &number)
            .replace("due = 2024-06-01", &format!("due = {due}"));
        std::fs::write(dir.join("decision.md"), text).unwrap();
    }
    site
}

#[test]
fn a_site_larger_than_a_chunk_builds_every_decision_the_same_way_twice() {
    // More folders than one chunk of the build's passes (512).
    let site = many_decisions(600);
    let first = site.path().join("first");
    let second = site.path().join("second");
    assert_ok(&build_into(site.path(), &first));
    assert_ok(&build_into(site.path(), &second));
    let (a, b) = (files(&first), files(&second));
    assert!(a == b, "two builds of the same content differ");
    for i in 1..=600 {
        assert!(
            a.contains_key(&format!("decisions/25-{i:05}/index.html")),
            "{i}"
        );
        assert!(
            a.contains_key(&format!("decisions/25-{i:05}/decision.json")),
            "{i}"
        );
    }
    let (_, rows) = read_csv(&a["data/decisions.csv"]);
    assert_eq!(rows.len(), 602);
    let numbers: Vec<&str> = rows.iter().map(|r| r["number"].as_str()).collect();
    let mut sorted = numbers.clone();
    sorted.sort();
    assert_eq!(numbers, sorted, "the register is in number order");
}

#[test]
fn feeds_hold_the_most_recent_decisions_only() {
    // 120 more decisions, due on successive days of 2025.
    let site = many_decisions(120);
    assert_ok(&build(site.path()));
    let out = files(&site.path().join("public"));
    let feed = String::from_utf8(out["feeds/decisions.xml"].clone()).unwrap();
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .map(|e| {
            e.children()
                .find(|c| c.has_tag_name("id"))
                .unwrap()
                .text()
                .unwrap()
        })
        .collect();
    assert_eq!(ids.len(), plainsight::opendata::feeds::FEED_ENTRIES);
    // Newest first: the last one due leads, the oldest twenty-two are left out.
    assert!(ids[0].ends_with("/decisions/25-00120/"), "{}", ids[0]);
    assert!(ids.iter().all(|id| !id.contains("24-0000")));
    // The register itself still has every decision.
    let (_, rows) = read_csv(&out["data/decisions.csv"]);
    assert_eq!(rows.len(), 122);
}
