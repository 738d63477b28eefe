//! Data downloads built from the public model only.

use crate::document::status_name;
use crate::visibility::{PublicDataset, PublicSite};

/// The columns of `decisions.csv`, in order.
pub const DECISION_COLUMNS: &[&str] = &[
    "number",
    "title",
    "summary",
    "status",
    "due",
    "taken",
    "withdrawn",
    "decision_maker",
    "key_decision",
    "key_decision_reason",
    "electoral_divisions",
    "related",
];

/// One row per decision with its public fields.
pub fn decisions_csv(site: &PublicSite) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(DECISION_COLUMNS)
        .expect("writing to memory");
    for d in &site.decisions {
        let date = |x: Option<crate::document::Date>| x.map(|d| d.to_string()).unwrap_or_default();
        writer
            .write_record([
                d.number.as_str(),
                d.title.trim(),
                d.summary.trim(),
                status_name(d.status),
                &date(d.due),
                &date(d.taken),
                &date(d.withdrawn),
                d.decision_maker.as_str(),
                if d.key_decision { "true" } else { "false" },
                d.key_decision_reason.as_deref().unwrap_or("").trim(),
                &d.electoral_divisions.join(";"),
                &d.related.join(";"),
            ])
            .expect("writing to memory");
    }
    writer.into_inner().expect("writing to memory")
}

/// The public columns of a dataset.
pub fn dataset_csv(ds: &PublicDataset) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(ds.columns.iter().map(|c| c.name.as_str()))
        .expect("writing to memory");
    for row in &ds.rows {
        writer.write_record(row).expect("writing to memory");
    }
    writer.into_inner().expect("writing to memory")
}
