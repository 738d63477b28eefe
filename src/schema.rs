//! JSON Schemas for the files people write by hand (`plainsight schema`):
//! the front matter of each kind of document, site.toml and data schemas,
//! so that an editor with TOML schema support (Taplo, which Even Better TOML
//! in VS Code runs) underlines a misspelt key or a paragraph of 9 as it is
//! typed, and shows each key's description on hover.
//!
//! Nothing here describes a key. Each schema is generated from the type the
//! parser reads the file into (`document`, `config`, `data`), with the doc
//! comments of its fields as descriptions and the checks that those modules
//! state beside their own. This module only names the files, puts them in
//! JSON Schema draft 7 (the newest draft Taplo's validator reads) with every
//! subschema inlined (Taplo shows a key's own description only when it is not
//! behind a `$ref`), and writes them. It never writes anything but the files
//! it names, and never deletes.

use std::path::{Path, PathBuf};

use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::transform::{RecursiveTransform, RestrictFormats, Transform};
use schemars::{JsonSchema, Schema};
use serde_json::{Value, json};

use crate::document::{Kind, front_matter_schema};

/// The folder `plainsight schema` writes to, under the site's root, unless told otherwise.
pub const DIR: &str = "schemas";

/// The file of the schema of `site.toml`.
pub const SITE: &str = "site.schema.json";

/// The file of the schema of data schemas (`data/NAME.schema.toml`).
pub const DATA_SCHEMA: &str = "data-schema.schema.json";

/// The file of the schema of any document's front matter, which picks the
/// schema of its kind by its `kind` key.
pub const FRONT_MATTER: &str = "front-matter.schema.json";

/// The file of the schema of the front matter of a document of `kind`.
pub fn kind_file(kind: Kind) -> String {
    format!("{}.schema.json", kind.name())
}

/// Every schema as (file name, JSON text), sorted by file name. The text is
/// the same on every run: keys sorted, two-space indents, a final newline.
pub fn files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Kind::ALL
        .iter()
        .map(|&kind| {
            (
                kind_file(kind),
                text(root(|g| front_matter_schema(kind, g))),
            )
        })
        .collect();
    files.push((FRONT_MATTER.to_string(), text(root(any_front_matter))));
    files.push((
        SITE.to_string(),
        text(root(crate::config::SiteConfig::json_schema)),
    ));
    files.push((
        DATA_SCHEMA.to_string(),
        text(root(crate::data::schema_file_schema)),
    ));
    files.sort();
    files
}

/// Writes every schema into `dir` (made if need be), each over an older
/// schema of its name, and returns the files written in [`files`]' order.
/// A file of one of those names that is not a schema (a link, a folder, or
/// other bytes) is never written over: nothing is written, and the error
/// names it.
pub fn write(dir: &Path) -> Result<Vec<PathBuf>, SchemaError> {
    std::fs::create_dir_all(dir).map_err(|e| SchemaError::new(dir, e))?;
    let files = files();
    let ours: Vec<(&str, &[u8], &[u8])> = files
        .iter()
        .map(|(name, _)| {
            (
                name.as_str(),
                b"{\n".as_slice(),
                b"\"$schema\": \"http://json-schema.org/draft-07/schema#\"".as_slice(),
            )
        })
        .collect();
    if let Some(theirs) = crate::output::someone_elses(dir, &ours) {
        return Err(SchemaError(format!(
            "{} is already there and is not a schema plainsight wrote: move it, or choose another --out",
            theirs.display()
        )));
    }
    files
        .into_iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|e| SchemaError::new(&path, e))?;
            Ok(path)
        })
        .collect()
}

/// A schema file that could not be written, with its path.
#[derive(Debug)]
pub struct SchemaError(String);

impl SchemaError {
    fn new(path: &Path, e: std::io::Error) -> SchemaError {
        SchemaError(format!("cannot write {}: {e}", path.display()))
    }
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SchemaError {}

/// A root schema: what `make` generates, in draft 7 with subschemas
/// inlined, no `null` (TOML has none) and only the draft's formats.
fn root(make: impl FnOnce(&mut SchemaGenerator) -> Schema) -> Schema {
    let settings = SchemaSettings::draft07().with(|s| s.inline_subschemas = true);
    let meta_schema = settings.meta_schema.clone();
    let mut generator = settings.into_generator();
    let mut schema = make(&mut generator);
    for transform in generator.transforms_mut() {
        transform.transform(&mut schema);
    }
    RecursiveTransform(without_null).transform(&mut schema);
    let definitions = generator.take_definitions(true);
    assert!(
        definitions.is_empty(),
        "a schema refers to another by name: {:?}",
        definitions.keys()
    );
    if let Some(meta_schema) = meta_schema {
        schema.insert("$schema".into(), json!(meta_schema));
    }
    // Only formats the draft defines (`date`), not Rust's (`int64`, `uint`).
    RestrictFormats::default().transform(&mut schema);
    schema
}

/// Front matter of any kind: `kind` says which kind's schema applies
/// (`if`/`then`, so that an editor reports the keys of that kind only).
fn any_front_matter(generator: &mut SchemaGenerator) -> Schema {
    let mut chosen: Option<Value> = None;
    for &kind in Kind::ALL.iter().rev() {
        let mut choice = json!({
            "if": { "properties": { "kind": { "const": kind.name() } } },
            "then": front_matter_schema(kind, generator).to_value(),
        });
        if let Some(otherwise) = chosen.take() {
            choice["else"] = otherwise;
        }
        chosen = Some(choice);
    }
    let mut schema = Schema::try_from(chosen.expect("there are kinds of document"))
        .expect("an object is a schema");
    schema.insert(
        "title".into(),
        json!("The front matter of a plainsight document"),
    );
    schema.insert(
        "description".into(),
        json!("The TOML between the two +++ lines at the top of a document in content/. Its `kind` says which keys it takes: decision, report, eqia, appendix or page."),
    );
    schema.insert("type".into(), json!("object"));
    schema.insert("required".into(), json!(["kind"]));
    schema.insert(
        "properties".into(),
        json!({ "kind": Kind::json_schema(generator).to_value() }),
    );
    schema
}

/// TOML has no null: an optional key is one left out, never `null`.
fn without_null(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if object.get("default") == Some(&Value::Null) {
        object.remove("default");
    }
    if let Some(Value::Array(types)) = object.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            object.insert("type".into(), only);
        }
    }
    // An optional table's schema is `anyOf` it and null.
    if let Some(Value::Array(choices)) = object.get_mut("anyOf") {
        choices.retain(|c| c.get("type") != Some(&json!("null")));
        if let [Value::Object(only)] = choices.as_slice() {
            let only = only.clone();
            object.remove("anyOf");
            for (key, value) in only {
                object.entry(key).or_insert(value);
            }
        }
    }
    if let Some(Value::Array(values)) = object.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
}

/// Pretty JSON with every object's keys in order, and a final newline.
fn text(schema: Schema) -> String {
    fn sorted(value: Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(String, Value)> = map.into_iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
            }
            Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
            other => other,
        }
    }
    let mut text =
        serde_json::to_string_pretty(&sorted(schema.to_value())).expect("a schema is JSON");
    text.push('\n');
    text
}
