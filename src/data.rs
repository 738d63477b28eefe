//! CSV data and its column schemas (`data/NAME.csv` with `data/NAME.schema.toml`).
//!
//! Every column is declared, typed and given a publication status. A column the
//! schema does not declare, a malformed row or a bad value is an error with the
//! file, line and column. Exempt columns are read here and dropped by `visibility`.

use std::collections::BTreeSet;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde_json::json;
use toml::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics, NOT_SHOWN, Position, Quoting};
use crate::document::{Exemption, Status, understand_status};
use crate::frontmatter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(inline)]
pub enum ColumnType {
    String,
    Text,
    Integer,
    Decimal,
    Boolean,
    Date,
    Email,
    Phone,
    Url,
}

/// A data schema, `data/NAME.schema.toml`. Its doc comments are what
/// editors show on hover (`plainsight schema`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "A data schema (data/NAME.schema.toml)",
    description = "Declares every column of data/NAME.csv, in the order they appear: what it holds and whether it is published or withheld. A column the schema does not declare is an error, and undeclared data is never published."
)]
struct SchemaFile {
    /// The dataset's name, shown on its page and with its downloads.
    title: String,
    /// What one row is, in plain words.
    description: String,
    /// The column whose value identifies a row, like "id". It must be a published column: row keys appear in addresses and downloads.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    primary_key: Option<Spanned<String>>,
    /// A plain page that says how a person gets what the listing offers, by its name in content/pages/ (like "getting-support" for content/pages/getting-support.md); linked from the listing and each row's page.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    help_page: Option<Spanned<String>>,
    /// Rows that give their service online can be used from anywhere: they are listed under every area, not only those they name, with the `anywhere` words on their card.
    #[serde(default)]
    #[schemars(with = "Option<Online>")]
    online: Option<Spanned<Online>>,
    /// Every column, each a `[[columns]]` table, in the order of the CSV's first line.
    columns: Vec<ColumnDecl>,
    // Read by `visibility`, from the schema's text.
    /// Names and figures this dataset publishes that an exempt document also states, one per entry, written as the exempt document writes them. The withholding report lists each for an officer to check.
    #[serde(default)]
    #[allow(dead_code)]
    public_facts: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline, transform = column_schema)]
struct ColumnDecl {
    /// The column's heading, exactly as in the CSV's first line.
    #[schemars(with = "String")]
    name: Spanned<String>,
    /// The column's name for readers.
    title: String,
    /// What the column holds, in plain words.
    #[serde(default)]
    description: Option<String>,
    /// What the values are: string, text (long), integer, decimal, boolean, date (like 2022-07-13), email, phone or url. A public email or phone column is published on purpose, so the personal-data check lets its values through.
    #[serde(rename = "type")]
    ty: ColumnType,
    /// Whether every row must have a value.
    #[serde(default)]
    required: bool,
    /// Whether a cell holds several values separated by ";".
    #[serde(default)]
    list: bool,
    /// The only values allowed, if only some are.
    #[serde(default)]
    values: Option<Vec<String>>,
    /// "dataset.column": every value must be found in that column of another dataset, like "lots.id" (a published column).
    #[serde(default)]
    #[schemars(with = "Option<String>", pattern(REFERENCES_PATTERN))]
    references: Option<Spanned<String>>,
    /// Whether the site gets a page for each value (published columns only).
    #[serde(default)]
    browse: bool,
    /// Whether the column is shown on the short card of each row in listings (published columns only; every published column when none is marked).
    #[serde(default)]
    card: bool,
    /// `public = true`: the column is published. Write `exempt = { ... }` instead to withhold it.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    public: Option<Spanned<bool>>,
    #[serde(default)]
    #[schemars(with = "Option<Exemption>")]
    exempt: Option<Spanned<Exemption>>,
}

/// `[online]`: which rows give their service online, and so can be used
/// from every area (`areas`), not only the ones they list.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline)]
pub struct Online {
    /// The column that says how the service is given, like `delivery`.
    pub column: String,
    /// Its value that means online, like `Online`.
    pub value: String,
    /// The browsable column of areas, like `districts`.
    pub areas: String,
    /// What the card says, like "Available online, anywhere in Kent".
    pub anywhere: String,
}

/// `references` as `parse` splits it: a dataset, a dot, a column.
const REFERENCES_PATTERN: &str = r"^[^.]+\.[\s\S]+$";

/// `parse`'s rules for a column: published or exempt (as for any status),
/// and an exempt column is neither browsed nor on cards.
fn column_schema(schema: &mut Schema) {
    crate::document::status_schema(schema, false);
    crate::document::depend(
        schema,
        "exempt",
        json!({
            "properties": { "browse": { "const": false }, "card": { "const": false } },
        }),
    );
}

/// The JSON Schema of a data schema file, from the type `parse` reads it
/// into; what needs the CSV or other datasets is left to `plainsight check`.
pub fn schema_file_schema(generator: &mut SchemaGenerator) -> Schema {
    SchemaFile::json_schema(generator)
}

/// A declared column whose publication status has been understood.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    pub ty: ColumnType,
    pub required: bool,
    pub list: bool,
    pub values: Option<Vec<String>>,
    /// `dataset.column` that every value must be found in.
    pub references: Option<(String, String, Position)>,
    pub browse: bool,
    /// Shown on the short card in listings (`card = true`); every
    /// published column is on the row's own page.
    pub card: bool,
    pub status: Status,
}

/// One data row: the CSV line it starts on and its cells in schema order.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

/// A dataset with every column, exempt ones included. Only `visibility` may
/// look at exempt cells.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub name: String,
    pub csv_path: String,
    pub schema_path: String,
    /// The schema as written, for the positions of its published fields.
    pub schema_text: String,
    pub title: String,
    pub description: String,
    pub primary_key: Option<String>,
    /// `help_page`: a plain page's slug, with where it is written.
    pub help_page: Option<(String, Position)>,
    /// `[online]`, checked against the columns.
    pub online: Option<Online>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// For each row, the character column where each cell starts, for diagnostics.
    pub cell_columns: Vec<Vec<usize>>,
}

impl Dataset {
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Splits a list cell into its values.
    pub fn values_of<'a>(&self, column: usize, cell: &'a str) -> Vec<&'a str> {
        split_cell(self.columns[column].list, cell)
    }
}

/// Whether `[online]` names columns that can carry it: a public column
/// holding the value (among its `values`, when it lists them), and a
/// public, browsable column of areas. Anything else is an error: a listing
/// must never be widened by a setting that does not mean what it says.
fn check_online(
    online: &Online,
    columns: &[Column],
    schema_path: &str,
    position: Position,
    diagnostics: &mut Diagnostics,
) -> bool {
    let public = |name: &str| {
        columns
            .iter()
            .find(|c| c.name == name && matches!(c.status, Status::Public))
    };
    let problem = match (public(&online.column), public(&online.areas)) {
        (None, _) => Some(format!(
            "`[online]` names the column `{}`, which is not a public column",
            online.column
        )),
        (_, None) => Some(format!(
            "`[online]` names the areas column `{}`, which is not a public column",
            online.areas
        )),
        (Some(c), _)
            if c.values
                .as_ref()
                .is_some_and(|v| !v.contains(&online.value)) =>
        {
            Some(format!(
                "`[online]` names the value `{}`, which `{}` does not allow",
                online.value, online.column
            ))
        }
        (_, Some(a)) if !a.browse => Some(format!(
            "`[online]` names the areas column `{}`, which is not browsable",
            online.areas
        )),
        _ if online.anywhere.trim().is_empty() => {
            Some("`[online]` has no words for `anywhere`".to_string())
        }
        _ => None,
    };
    if let Some(message) = &problem {
        diagnostics.push(
            Diagnostic::error(schema_path, message)
                .at(position)
                .help("name a public column and one of its values, and a public column with `browse = true`, like `[online] column = \"delivery\", value = \"Online\", areas = \"districts\", anywhere = \"Available online, anywhere in Kent\"`"),
        );
    }
    problem.is_none()
}

pub fn split_cell(list: bool, cell: &str) -> Vec<&str> {
    if cell.trim().is_empty() {
        Vec::new()
    } else if list {
        cell.split(';').map(str::trim).collect()
    } else {
        vec![cell.trim()]
    }
}

/// Parses a schema and its CSV. Problems go into `diagnostics`.
pub fn parse(
    name: &str,
    schema_path: &str,
    schema_text: &str,
    csv_path: &str,
    csv_text: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Dataset> {
    // A schema that declares an exempt column (or may: it does not read)
    // lists that column's allowed values; a message quotes none of it.
    let quoting = || match toml::from_str::<toml::Table>(schema_text) {
        Ok(table) if !crate::document::declares_withholding(&table) => Quoting::Public,
        _ => Quoting::Withheld,
    };
    let schema: SchemaFile =
        match frontmatter::parse_toml(schema_path, schema_text, schema_text, 0, quoting) {
            Ok(s) => s,
            Err(d) => {
                diagnostics.push(d);
                return None;
            }
        };
    let before = diagnostics.error_count();
    let at = |span: std::ops::Range<usize>| Position::of_offset(schema_text, span.start);
    let mut columns = Vec::new();
    let mut seen = BTreeSet::new();
    for decl in schema.columns {
        let position = at(decl.name.span());
        let name = decl.name.into_inner();
        if !seen.insert(name.clone()) {
            diagnostics.push(
                Diagnostic::error(schema_path, format!("column `{name}` is declared twice"))
                    .at(position)
                    .help("remove one of the declarations"),
            );
            continue;
        }
        let exempt = decl.exempt.map(|e| {
            let p = at(e.span());
            (e.into_inner(), p)
        });
        let Some(status) = understand_status(
            schema_path,
            &format!("column `{name}`"),
            decl.public.as_ref(),
            exempt,
            false,
            position,
            &at,
            diagnostics,
        ) else {
            continue;
        };
        let references = match decl.references {
            Some(r) => {
                let p = at(r.span());
                match r.get_ref().split_once('.') {
                    Some((d, c)) if !d.is_empty() && !c.is_empty() => {
                        Some((d.to_string(), c.to_string(), p))
                    }
                    _ => {
                        let named = status
                            .quoting()
                            .quote(&format!("references = \"{}\"", r.get_ref()), "`references`");
                        diagnostics.push(
                            Diagnostic::error(
                                schema_path,
                                format!("{named} must name a dataset and a column"),
                            )
                            .at(p)
                            .help("write it like `references = \"lots.id\"`"),
                        );
                        None
                    }
                }
            }
            None => None,
        };
        if decl.browse && matches!(status, Status::Exempt(_)) {
            diagnostics.push(
                Diagnostic::error(
                    schema_path,
                    format!("column `{name}` is exempt, so it cannot have `browse = true`"),
                )
                .at(position)
                .help("browse pages would publish its values; remove `browse`"),
            );
        }
        if decl.card && matches!(status, Status::Exempt(_)) {
            diagnostics.push(
                Diagnostic::error(
                    schema_path,
                    format!("column `{name}` is exempt, so it cannot have `card = true`"),
                )
                .at(position)
                .help("cards show published columns only; remove `card`, or publish the column"),
            );
        }
        columns.push(Column {
            name,
            title: decl.title,
            description: decl.description,
            ty: decl.ty,
            required: decl.required,
            list: decl.list,
            values: decl.values,
            references,
            browse: decl.browse,
            card: decl.card,
            status,
        });
    }
    let primary_key = match schema.primary_key {
        Some(pk)
            if columns
                .iter()
                .any(|c| &c.name == pk.get_ref() && matches!(c.status, Status::Exempt(_))) =>
        {
            diagnostics.push(
                Diagnostic::error(
                    schema_path,
                    format!("`primary_key` names `{}`, which is exempt", pk.get_ref()),
                )
                .at(at(pk.span()))
                .help("a row's key is published (in addresses, links and downloads) and repeated in messages; name a public column"),
            );
            None
        }
        Some(pk) if !columns.iter().any(|c| &c.name == pk.get_ref()) => {
            diagnostics.push(
                Diagnostic::error(
                    schema_path,
                    format!(
                        "`primary_key` names `{}`, which is not a declared column",
                        pk.get_ref()
                    ),
                )
                .at(at(pk.span()))
                .help("name one of the declared columns"),
            );
            None
        }
        Some(pk) => Some(pk.into_inner()),
        None => None,
    };
    let online = schema.online.and_then(|online| {
        let position = at(online.span());
        let online = online.into_inner();
        check_online(&online, &columns, schema_path, position, diagnostics).then_some(online)
    });
    if diagnostics.error_count() > before {
        return None;
    }

    let (rows, cell_columns) = read_rows(csv_path, csv_text, &columns, diagnostics)?;
    let dataset = Dataset {
        name: name.to_string(),
        csv_path: csv_path.to_string(),
        schema_path: schema_path.to_string(),
        schema_text: schema_text.to_string(),
        title: schema.title,
        description: schema.description,
        primary_key,
        online,
        help_page: schema.help_page.map(|h| {
            let at = Position::of_offset(schema_text, h.span().start);
            (h.into_inner(), at)
        }),
        columns,
        rows,
        cell_columns,
    };
    check_cells(&dataset, diagnostics);
    refuse_fences_in_toml(schema_path, schema_text, diagnostics);
    Some(dataset)
}

type RowsAndColumns = (Vec<Row>, Vec<Vec<usize>>);

fn read_rows(
    csv_path: &str,
    csv_text: &str,
    columns: &[Column],
    diagnostics: &mut Diagnostics,
) -> Option<RowsAndColumns> {
    let before = diagnostics.error_count();
    let text = csv_text.strip_prefix('\u{feff}').unwrap_or(csv_text);
    if let Some(open) = unclosed_quote(text) {
        // The reader would take the rest of the file into that one cell.
        diagnostics.push(
            Diagnostic::error(csv_path, "a quoted cell starts here and is never closed")
                .at(Position::of_offset(
                    csv_text,
                    open + (csv_text.len() - text.len()),
                ))
                .help(
                    "add the closing `\"`; a quote inside a quoted cell is written twice (`\"\"`)",
                ),
        );
        return None;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            diagnostics.push(csv_error(csv_path, csv_text, &e));
            return None;
        }
        None => {
            diagnostics.push(
                Diagnostic::error(csv_path, "the file is empty")
                    .help("the first line must name the columns declared in the schema"),
            );
            return None;
        }
    };
    let header_columns = field_columns(text, 0);
    // Map each declared column to its position in the file.
    let mut order = Vec::new();
    let mut found = BTreeSet::new();
    for (i, name) in header.iter().enumerate() {
        let position = Position {
            line: 1,
            column: header_columns.get(i).copied().unwrap_or(1),
        };
        match columns.iter().position(|c| c.name == name) {
            Some(_) if !found.insert(name.to_string()) => diagnostics.push(
                Diagnostic::error(csv_path, format!("column `{name}` appears twice"))
                    .at(position)
                    .help("each column may appear once"),
            ),
            Some(index) => order.push((i, index)),
            // Its status is not known, so not even its name is quoted.
            None => diagnostics.push(
                Diagnostic::error(csv_path, format!("a column (its name is {NOT_SHOWN}) is not declared in the schema"))
                    .at(position)
                    .help("declare it in the schema with `public = true` or `exempt = { ... }`; undeclared columns are never published"),
            ),
        }
    }
    for column in columns {
        if !found.contains(&column.name) {
            diagnostics.push(
                Diagnostic::error(
                    csv_path,
                    format!(
                        "the schema declares column `{}`, but the file has no such column",
                        column.name
                    ),
                )
                .at(Position { line: 1, column: 1 })
                .help("add the column to the first line, or remove it from the schema"),
            );
        }
    }
    if diagnostics.error_count() > before {
        return None;
    }

    let mut rows = Vec::new();
    let mut cell_columns = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                diagnostics.push(csv_error(csv_path, csv_text, &e));
                continue;
            }
        };
        let position = record.position().expect("csv records carry positions");
        let starts = field_columns(text, position.byte() as usize);
        let mut cells = vec![String::new(); columns.len()];
        let mut starts_in_order = vec![1; columns.len()];
        for &(file_index, schema_index) in &order {
            cells[schema_index] = record[file_index].to_string();
            starts_in_order[schema_index] = starts.get(file_index).copied().unwrap_or(1);
        }
        rows.push(Row {
            line: position.line() as usize,
            cells,
        });
        cell_columns.push(starts_in_order);
    }
    if diagnostics.error_count() > before {
        return None;
    }
    Some((rows, cell_columns))
}

fn csv_error(csv_path: &str, csv_text: &str, e: &csv::Error) -> Diagnostic {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => {
            let line = pos.as_ref().map_or(0, |p| p.line() as usize);
            Diagnostic::error(csv_path, format!("this row has {len} cells, but the first line names {expected_len} columns"))
                .at(Position { line, column: 1 })
                .help("check for a missing or extra comma; put any cell that contains a comma in double quotes")
        }
        csv::ErrorKind::Utf8 { pos, .. } => {
            let line = pos.as_ref().map_or(0, |p| p.line() as usize);
            Diagnostic::error(csv_path, "this row is not valid UTF-8 text")
                .at(Position { line, column: 1 })
                .help("save the file as UTF-8 (in spreadsheet programs: \"CSV UTF-8\")")
        }
        _ => {
            // The reader's own words are not given: they could quote a cell.
            let _ = csv_text;
            let line = e.position().map_or(0, |p| p.line() as usize);
            Diagnostic::error(csv_path, "the file cannot be read as CSV")
                .at(Position { line, column: 0 })
                .help("save it again as CSV UTF-8")
        }
    }
}

/// The byte offset of a quote that opens a cell and is never closed, if
/// any: the reader takes everything after it, other rows too, into that one
/// cell, which is never what was meant.
fn unclosed_quote(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut i, mut field_start, mut open) = (0, true, None);
    while i < bytes.len() {
        let b = bytes[i];
        match open {
            Some(_) if b == b'"' && bytes.get(i + 1) == Some(&b'"') => i += 1,
            Some(_) if b == b'"' => {
                open = None;
                field_start = false;
            }
            Some(_) => {}
            None => match b {
                b'"' if field_start => open = Some(i),
                b',' | b'\n' | b'\r' => field_start = true,
                _ => field_start = false,
            },
        }
        i += 1;
    }
    open
}

/// The character column at which each field of the record at `start` begins.
fn field_columns(text: &str, start: usize) -> Vec<usize> {
    let mut columns = vec![1];
    let mut in_quotes = false;
    let mut column = 1;
    let mut chars = text[start..].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if in_quotes && chars.peek() == Some(&'"') => {
                chars.next();
                column += 1;
            }
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => columns.push(column + 1),
            '\n' | '\r' if !in_quotes => break,
            _ => {}
        }
        column += 1;
    }
    columns
}

/// Every string of a TOML file published as text (site.toml, a data
/// schema's titles and values) that holds a fence, or anything that reads
/// as one, is an error at that string.
pub fn refuse_fences_in_toml(path: &str, text: &str, diagnostics: &mut Diagnostics) {
    for position in crate::fence::in_toml(text) {
        diagnostics.push(
            Diagnostic::error(path, "this value holds an exempt passage fence (`:::`) or something that reads as one; it would be published as written")
                .at(position)
                .help("exempt passages may only be in a document's body; remove the colons from the value"),
        );
    }
}

fn check_cells(dataset: &Dataset, diagnostics: &mut Diagnostics) {
    let mut keys = BTreeSet::new();
    let key_index = dataset
        .primary_key
        .as_deref()
        .and_then(|k| dataset.column_index(k));
    for (row_index, row) in dataset.rows.iter().enumerate() {
        for (i, column) in dataset.columns.iter().enumerate() {
            let cell = &row.cells[i];
            let position = Position {
                line: row.line,
                column: dataset.cell_columns[row_index][i],
            };
            if matches!(column.status, Status::Public) && crate::fence::holds_fence(cell) {
                diagnostics.push(
                    Diagnostic::error(
                        &dataset.csv_path,
                        format!("`{}`: this cell holds an exempt passage fence (`:::`) or something that reads as one; a data cell is published as written", column.name),
                    )
                    .at(position)
                    .help("exempt passages may only be in a document's body; to withhold a column, declare it exempt in the schema (see docs/content-format.md)"),
                );
            }
            let values = split_cell(column.list, cell);
            if column.required && values.is_empty() {
                diagnostics.push(
                    Diagnostic::error(
                        &dataset.csv_path,
                        format!("`{}` is required but empty", column.name),
                    )
                    .at(position)
                    .help("fill in the cell"),
                );
            }
            // An exempt cell's value is never repeated in a message: CI logs are often public.
            let quoting = column.status.quoting();
            for value in values {
                let shown = quoting.quote(value, "the value (not shown: the column is exempt)");
                if let Some(problem) = type_problem(column.ty, value) {
                    diagnostics.push(
                        Diagnostic::error(
                            &dataset.csv_path,
                            format!("`{}`: {shown} {problem}", column.name),
                        )
                        .at(position)
                        .help(type_help(column.ty)),
                    );
                }
                if let Some(allowed) = &column.values {
                    if !allowed.iter().any(|a| a == value) {
                        diagnostics.push(
                            Diagnostic::error(
                                &dataset.csv_path,
                                format!(
                                    "`{}`: {shown} is not one of the allowed values",
                                    column.name
                                ),
                            )
                            .at(position)
                            .help(match quoting {
                                // The allowed values of an exempt column are its possible values.
                                Quoting::Withheld => {
                                    "use one of the values the schema allows for this column"
                                        .to_string()
                                }
                                Quoting::Public => format!("use one of: {}", allowed.join(", ")),
                            }),
                        );
                    }
                }
            }
        }
        if let Some(k) = key_index {
            let key = row.cells[k].trim();
            let position = Position {
                line: row.line,
                column: dataset.cell_columns[row_index][k],
            };
            if key.is_empty() {
                diagnostics.push(
                    Diagnostic::error(
                        &dataset.csv_path,
                        format!("the key `{}` is empty", dataset.columns[k].name),
                    )
                    .at(position)
                    .help("every row needs a unique key"),
                );
            } else if !keys.insert(key.to_string()) {
                let key = dataset.columns[k]
                    .status
                    .quoting()
                    .quote(key, "this row's key");
                diagnostics.push(
                    Diagnostic::error(
                        &dataset.csv_path,
                        format!("the key {key} is used by more than one row"),
                    )
                    .at(position)
                    .help("every row needs a unique key"),
                );
            }
        }
    }
}

fn type_problem(ty: ColumnType, value: &str) -> Option<&'static str> {
    let ok = match ty {
        ColumnType::String | ColumnType::Text => true,
        ColumnType::Integer => value.parse::<i64>().is_ok(),
        ColumnType::Decimal => {
            let digits = value.strip_prefix('-').unwrap_or(value);
            !digits.is_empty()
                && digits.split('.').count() <= 2
                && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
                && !digits.starts_with('.')
                && !digits.ends_with('.')
        }
        ColumnType::Boolean => matches!(value, "true" | "false"),
        ColumnType::Date => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok(),
        ColumnType::Email => {
            let mut parts = value.split('@');
            matches!((parts.next(), parts.next(), parts.next()), (Some(l), Some(d), None) if !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.'))
                && !value.contains(char::is_whitespace)
        }
        ColumnType::Phone => {
            value
                .chars()
                .all(|c| c.is_ascii_digit() || c == ' ' || c == '+')
                && value.chars().filter(char::is_ascii_digit).count() >= 10
        }
        ColumnType::Url => {
            (value.starts_with("https://") || value.starts_with("http://"))
                && !value.contains(char::is_whitespace)
        }
    };
    if ok { None } else { Some(type_name(ty)) }
}

fn type_name(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::String | ColumnType::Text => "is not text",
        ColumnType::Integer => "is not a whole number",
        ColumnType::Decimal => "is not a number",
        ColumnType::Boolean => "is not `true` or `false`",
        ColumnType::Date => "is not a date",
        ColumnType::Email => "is not an email address",
        ColumnType::Phone => "is not a phone number",
        ColumnType::Url => "is not a web address",
    }
}

fn type_help(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::String | ColumnType::Text => "write plain text",
        ColumnType::Integer => "write digits only, like 42",
        ColumnType::Decimal => {
            "write digits with an optional decimal point, like 63.50, with no £ sign"
        }
        ColumnType::Boolean => "write `true` or `false`",
        ColumnType::Date => "write the date as YYYY-MM-DD, like 2022-07-13",
        ColumnType::Email => "write it like name@example.org",
        ColumnType::Phone => "write at least 10 digits, spaces allowed, like 03000 000000",
        ColumnType::Url => "write the full address starting with https://",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"title = "T"
description = "D"
primary_key = "id"

[[columns]]
name = "id"
title = "Id"
type = "string"
required = true
public = true

[[columns]]
name = "rate"
title = "Rate"
type = "decimal"
exempt = { paragraph = 3, reason = "Prices" }
"#;

    fn parse_csv(csv: &str) -> (Option<Dataset>, Vec<Diagnostic>) {
        let mut d = Diagnostics::default();
        let ds = parse("x", "data/x.schema.toml", SCHEMA, "data/x.csv", csv, &mut d);
        (ds, d.into_sorted())
    }

    #[test]
    fn reads_valid_rows() {
        let (ds, d) = parse_csv("id,rate\nP1,63.47\n\"P,2\",1\n");
        assert!(d.is_empty(), "{d:?}");
        let ds = ds.unwrap();
        assert_eq!(ds.rows.len(), 2);
        assert_eq!(ds.rows[1].cells, ["P,2", "1"]);
        assert_eq!(ds.rows[1].line, 3);
    }

    #[test]
    fn undeclared_column_is_an_error() {
        let (ds, d) = parse_csv("id,rate,score\nP1,1,2\n");
        assert!(ds.is_none());
        // Its status is not known: its name is not quoted.
        assert_eq!(
            d[0].message,
            "a column (its name is not shown, as its source is or may be exempt) is not declared in the schema"
        );
        assert_eq!((d[0].line, d[0].column), (1, 9));
    }

    #[test]
    fn malformed_row_names_its_line() {
        let (ds, d) = parse_csv("id,rate\nP1,1\nP2\n");
        assert!(ds.is_none());
        assert_eq!(d[0].line, 3);
        assert!(d[0].message.contains("has 1 cells"));
    }

    #[test]
    fn bad_value_points_at_cell() {
        let (_, d) = parse_csv("id,rate\nP1,£63\n");
        assert_eq!(
            d[0].message,
            "`rate`: the value (not shown: the column is exempt) is not a number"
        );
        assert_eq!((d[0].line, d[0].column), (2, 4));
    }

    #[test]
    fn a_quote_never_closed_is_an_error_where_it_opens() {
        assert_eq!(unclosed_quote("a,b\n\"x,\"\"y\"\"\",z\n"), None);
        assert_eq!(unclosed_quote("a,b\nx\"y,z\n"), None);
        assert_eq!(unclosed_quote("a,b\nP1,\"63\nP2,1\n"), Some(7));
        let (ds, d) = parse_csv("id,rate\nP1,\"63.47\nP2,1\n");
        assert!(ds.is_none());
        assert_eq!(
            d[0].message,
            "a quoted cell starts here and is never closed"
        );
        assert_eq!((d[0].line, d[0].column), (2, 4));
    }

    #[test]
    fn duplicate_keys() {
        let (_, d) = parse_csv("id,rate\nP1,1\nP1,2\n");
        assert_eq!(d[0].message, "the key `P1` is used by more than one row");
    }

    #[test]
    fn an_exempt_primary_key_is_an_error() {
        let schema = SCHEMA.replace("primary_key = \"id\"", "primary_key = \"rate\"");
        let mut d = Diagnostics::default();
        assert!(parse("x", "s", &schema, "c", "id,rate\nP1,1\n", &mut d).is_none());
        let d = d.into_sorted();
        assert_eq!(d[0].message, "`primary_key` names `rate`, which is exempt");
        assert_eq!((d[0].line, d[0].column), (3, 15));
    }

    #[test]
    fn an_exempt_columns_allowed_values_are_not_listed() {
        let schema = SCHEMA.replace(
            "type = \"decimal\"",
            "type = \"decimal\"\nvalues = [\"7431.2917\"]",
        );
        let mut d = Diagnostics::default();
        parse("x", "s", &schema, "c", "id,rate\nP1,8802.4406\n", &mut d);
        let printed: String = d.into_sorted().iter().map(|d| d.to_string()).collect();
        assert!(
            printed.contains("is not one of the allowed values"),
            "{printed}"
        );
        assert!(
            !printed.contains("7431") && !printed.contains("8802"),
            "{printed}"
        );
    }

    #[test]
    fn a_schema_with_an_exempt_column_is_not_quoted() {
        let schema = format!(
            "{SCHEMA}\n[[columns]]\nname = \"band\"\ntitle = \"B\"\ntype = \"strnig\"\nexempt = {{ paragraph = 3, reason = \"r\" }}\nvalues = [7431.2917]\n"
        );
        let mut d = Diagnostics::default();
        assert!(parse("x", "s", &schema, "c", "id,rate\n", &mut d).is_none());
        let printed: String = d.into_sorted().iter().map(|d| d.to_string()).collect();
        assert!(
            printed.contains("is not a value this key takes"),
            "{printed}"
        );
        assert!(!printed.contains("strnig"), "{printed}");
    }

    #[test]
    fn column_without_status_is_an_error() {
        let schema = "title = \"T\"\ndescription = \"D\"\n[[columns]]\nname = \"a\"\ntitle = \"A\"\ntype = \"string\"\n";
        let mut d = Diagnostics::default();
        assert!(parse("x", "s", schema, "c", "a\n1\n", &mut d).is_none());
        assert_eq!(
            d.into_sorted()[0].message,
            "column `a` does not say whether it is published"
        );
    }
}
