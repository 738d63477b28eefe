//! `plainsight import docx`: Word files the tests make, each holding one
//! hidden thing with a marker of its own, import to Markdown holding none
//! of the markers (in no file written), with the summary naming each; a
//! report shaped like Kent's imports as numbered sections, lists, a
//! captioned table and links, and passes `check` once its placeholders are
//! written; a passage marked exempt in Word is fenced and withheld from the
//! built site; the .docx itself is never copied; and personal data in the
//! text stops the import with nothing written.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use common::*;
use plainsight::docx::{ImportAs, ImportError, ImportOptions, Imported, LeftOut};

// ------------------------------------------------------------- the builder

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const NAMESPACES: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

/// A .docx in the making: its parts by name, and the main document's
/// relationships.
#[derive(Clone)]
struct Docx {
    body: String,
    parts: BTreeMap<String, Vec<u8>>,
    rels: Vec<(String, String, String, bool)>,
}

impl Docx {
    fn new(body: &str) -> Docx {
        Docx {
            body: body.to_string(),
            parts: BTreeMap::new(),
            rels: Vec::new(),
        }
    }

    fn part(mut self, name: &str, bytes: impl Into<Vec<u8>>) -> Docx {
        self.parts.insert(name.to_string(), bytes.into());
        self
    }

    fn rel(mut self, id: &str, kind: &str, target: &str, external: bool) -> Docx {
        self.rels
            .push((id.into(), kind.into(), target.into(), external));
        self
    }

    fn styles(self, styles: &str) -> Docx {
        self.part(
            "word/styles.xml",
            format!("<w:styles xmlns:w=\"{W}\">{styles}</w:styles>"),
        )
    }

    fn numbering(self, numbering: &str) -> Docx {
        self.part(
            "word/numbering.xml",
            format!("<w:numbering xmlns:w=\"{W}\">{numbering}</w:numbering>"),
        )
    }

    fn bytes(&self) -> Vec<u8> {
        let mut parts = self.parts.clone();
        parts.insert(
            "[Content_Types].xml".into(),
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_vec(),
        );
        parts.insert(
            "_rels/.rels".into(),
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_vec(),
        );
        parts.insert(
            "word/document.xml".into(),
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document {NAMESPACES}><w:body>{}<w:sectPr/></w:body></w:document>",
                self.body
            )
            .into_bytes(),
        );
        let rels: String = self
            .rels
            .iter()
            .map(|(id, kind, target, external)| {
                format!(
                    "<Relationship Id=\"{id}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}\" Target=\"{target}\"{}/>",
                    if *external { " TargetMode=\"External\"" } else { "" }
                )
            })
            .collect();
        parts.insert(
            "word/_rels/document.xml.rels".into(),
            format!("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{rels}</Relationships>").into_bytes(),
        );
        zip_of(&parts)
    }
}

fn zip_of(parts: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A paragraph of plain text.
fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

/// A paragraph in style `style`.
fn p_styled(style: &str, text: &str) -> String {
    format!(
        "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"
    )
}

/// A paragraph numbered in list `num` at level `ilvl`, bold when `bold`.
fn p_numbered(num: u32, ilvl: u8, bold: bool, text: &str) -> String {
    format!(
        "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"{ilvl}\"/><w:numId w:val=\"{num}\"/></w:numPr></w:pPr><w:r>{}<w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>",
        if bold { "<w:rPr><w:b/></w:rPr>" } else { "" }
    )
}

/// A run of text.
fn r(text: &str) -> String {
    format!("<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>")
}

/// A table of plain cells.
fn table(rows: &[&[&str]]) -> String {
    let rows: String = rows
        .iter()
        .map(|row| {
            let cells: String = row
                .iter()
                .map(|c| format!("<w:tc>{}</w:tc>", p(c)))
                .collect();
            format!("<w:tr>{cells}</w:tr>")
        })
        .collect();
    format!("<w:tbl><w:tblPr/>{rows}</w:tbl>")
}

/// A 1x1 PNG, with a text chunk holding `text` (metadata the import strips).
fn png(text: &str) -> Vec<u8> {
    fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        c.extend_from_slice(&crc.sum().to_be_bytes());
        c
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
    let mut text_data = b"Author\0".to_vec();
    text_data.extend_from_slice(text.as_bytes());
    out.extend(chunk(b"tEXt", &text_data));
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&[0, 0]).unwrap();
    out.extend(chunk(b"IDAT", &z.finish().unwrap()));
    out.extend(chunk(b"IEND", &[]));
    out
}

/// An inline picture of relationship `rel`, with alt text and title.
fn picture(rel: &str, descr: &str, title: &str) -> String {
    format!(
        r#"<w:r><w:drawing><wp:inline><wp:extent cx="1" cy="1"/><wp:docPr id="1" name="Picture 1" descr="{descr}" title="{title}"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:blipFill><a:blip r:embed="{rel}"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#
    )
}

// --------------------------------------------------------------- the site

/// A new site (from `plainsight init`) whose decision 26/00001 the tests
/// import into, in a temp folder with room for the .docx beside it.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        plainsight::init::init(&dir.path().join("site")).unwrap();
        Site { dir }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    fn folder(&self) -> PathBuf {
        self.root().join("content/decisions/26-00001")
    }

    /// Writes `docx` outside the site and imports it.
    fn import(&self, docx: &Docx, options: &ImportOptions) -> Result<Imported, ImportError> {
        let path = self.dir.path().join("Report.docx");
        std::fs::write(&path, docx.bytes()).unwrap();
        plainsight::docx::import(&self.root(), &path, "26/00001", options)
    }

    /// Every file of the site, by path.
    fn files(&self) -> BTreeMap<String, Vec<u8>> {
        files(&self.root())
    }
}

fn report() -> ImportOptions {
    ImportOptions {
        import_as: ImportAs::Report,
        exempt_paragraph: None,
        personal_data_ok: Vec::new(),
    }
}

/// The Markdown an import wrote.
fn markdown(imported: &Imported) -> String {
    std::fs::read_to_string(&imported.written[0]).unwrap()
}

/// The summary as the command prints it.
fn summary(left_out: &[LeftOut]) -> String {
    left_out.iter().map(|l| format!("{l}\n")).collect()
}

// ------------------------------------------------------------------ tests

/// One hidden thing per Word file: (what, the file, a marker only the
/// hidden thing holds, a test of the summary).
/// What a hidden thing is, a Word file holding it, a marker only it holds,
/// and whether a summary line names it.
type Hidden = (&'static str, Docx, &'static str, fn(&LeftOut) -> bool);

fn hidden_things() -> Vec<Hidden> {
    let visible = p("Visible words stay.");
    let with = |extra: &str| format!("{visible}{extra}");
    let mut workbook = BTreeMap::new();
    workbook.insert(
        "xl/workbook.xml".to_string(),
        br#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="Summary" sheetId="1"/><sheet name="Qxsheetmark" sheetId="2" state="hidden"/></sheets></workbook>"#.to_vec(),
    );
    workbook.insert(
        "xl/worksheets/sheet2.xml".to_string(),
        b"<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>Qxcellmark</t></is></c></row></sheetData></worksheet>".to_vec(),
    );
    let mut slides = BTreeMap::new();
    slides.insert(
        "ppt/slides/slide1.xml".to_string(),
        b"<sld>Slide</sld>".to_vec(),
    );
    slides.insert(
        "ppt/notesSlides/notesSlide1.xml".to_string(),
        b"<notes>Qxnotesmark</notes>".to_vec(),
    );
    vec![
        (
            "a tracked deletion",
            Docx::new(&with(&format!(
                "<w:p>{}<w:del w:id=\"1\" w:author=\"Qxauthormark\"><w:r><w:delText>Qxdeletedmark</w:delText></w:r></w:del><w:ins w:id=\"2\" w:author=\"A\"><w:r><w:t>kept insertion</w:t></w:r></w:ins></w:p>",
                r("Before ")
            ))),
            "Qxdeletedmark",
            |l| matches!(l, LeftOut::TrackedChanges { deletions: 1, insertions: 1, .. }),
        ),
        (
            "a tracked move away",
            Docx::new(&with("<w:p><w:moveFrom w:id=\"1\"><w:r><w:t>Qxmovedmark</w:t></w:r></w:moveFrom></w:p>")),
            "Qxmovedmark",
            |l| matches!(l, LeftOut::TrackedChanges { moves: 1, .. }),
        ),
        (
            "a deleted table row",
            Docx::new(&with(&format!(
                "<w:tbl><w:tr><w:tc>{c}</w:tc></w:tr><w:tr><w:trPr><w:del w:id=\"3\"/></w:trPr><w:tc>{d}</w:tc></w:tr></w:tbl>",
                c = p("Heading"),
                d = p("Qxrowmark")
            ))),
            "Qxrowmark",
            |l| matches!(l, LeftOut::TrackedChanges { deleted_rows: 1, .. }),
        ),
        (
            "a comment",
            Docx::new(&with(&format!(
                "<w:p><w:commentRangeStart w:id=\"0\"/>{}<w:commentRangeEnd w:id=\"0\"/><w:r><w:commentReference w:id=\"0\"/></w:r></w:p>",
                r("commented words")
            )))
            .part(
                "word/comments.xml",
                format!("<w:comments xmlns:w=\"{W}\"><w:comment w:id=\"0\" w:author=\"Qxcommenter\"><w:p><w:r><w:t>Qxcommentmark</w:t></w:r></w:p></w:comment></w:comments>"),
            ),
            "Qxcomment",
            |l| matches!(l, LeftOut::Comments { comments: 1, .. }),
        ),
        (
            "hidden text",
            Docx::new(&with(&format!(
                "<w:p>{}<w:r><w:rPr><w:vanish/></w:rPr><w:t>Qxhiddenmark</w:t></w:r></w:p>",
                r("shown ")
            ))),
            "Qxhiddenmark",
            |l| matches!(l, LeftOut::HiddenText(1)),
        ),
        (
            "text hidden by a character style",
            Docx::new(&with(
                "<w:p><w:r><w:rPr><w:rStyle w:val=\"Secret\"/></w:rPr><w:t>Qxstylemark</w:t></w:r></w:p>",
            ))
            .styles(r#"<w:style w:type="character" w:styleId="Quiet"><w:name w:val="Quiet"/><w:rPr><w:vanish/></w:rPr></w:style><w:style w:type="character" w:styleId="Secret"><w:name w:val="Secret"/><w:basedOn w:val="Quiet"/></w:style>"#),
            "Qxstylemark",
            |l| matches!(l, LeftOut::HiddenText(1)),
        ),
        (
            "text hidden by a paragraph style",
            Docx::new(&with(&p_styled("Notes", "Qxparastylemark")))
                .styles(r#"<w:style w:type="paragraph" w:styleId="Notes"><w:name w:val="Notes"/><w:rPr><w:vanish/></w:rPr></w:style>"#),
            "Qxparastylemark",
            |l| matches!(l, LeftOut::HiddenText(1)),
        ),
        (
            "white text",
            Docx::new(&with("<w:p><w:r><w:rPr><w:color w:val=\"FFFFFF\"/></w:rPr><w:t>Qxwhitemark</w:t></w:r></w:p>")),
            "Qxwhitemark",
            |l| matches!(l, LeftOut::UnseenText(1)),
        ),
        (
            "text blacked out by highlighting",
            Docx::new(&with("<w:p><w:r><w:rPr><w:color w:val=\"000000\"/><w:highlight w:val=\"black\"/></w:rPr><w:t>Qxblackmark</w:t></w:r></w:p>")),
            "Qxblackmark",
            |l| matches!(l, LeftOut::UnseenText(1)),
        ),
        (
            "the author property",
            Docx::new(&visible).part(
                "docProps/core.xml",
                r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Qxcreatormark</dc:creator><cp:lastModifiedBy>Qxmodifiermark</cp:lastModifiedBy></cp:coreProperties>"#,
            ),
            "Qx",
            |l| matches!(l, LeftOut::Properties { part, names } if part == "docProps/core.xml" && names.iter().any(|n| n.starts_with("creator")) && names.iter().any(|n| n.starts_with("lastModifiedBy"))),
        ),
        (
            "the company and manager",
            Docx::new(&visible).part(
                "docProps/app.xml",
                "<Properties><Company>Qxcompanymark</Company><Manager>Qxmanagermark</Manager><Pages>1</Pages></Properties>",
            ),
            "Qx",
            |l| matches!(l, LeftOut::Properties { names, .. } if names == &["Company", "Manager"]),
        ),
        (
            "custom properties",
            Docx::new(&visible).part(
                "docProps/custom.xml",
                "<Properties><property name=\"Classification\"><vt:lpwstr xmlns:vt=\"v\">Qxcustompropmark</vt:lpwstr></property></Properties>",
            ),
            "Qxcustomprop",
            |l| matches!(l, LeftOut::Properties { part, .. } if part == "docProps/custom.xml"),
        ),
        (
            "a custom XML part and a data binding",
            Docx::new(&with(&format!(
                "<w:sdt><w:sdtPr><w:tag w:val=\"Qxtagmark\"/><w:dataBinding w:xpath=\"/root/Qxxpathmark\" w:storeItemID=\"{{1}}\"/></w:sdtPr><w:sdtContent>{}</w:sdtContent></w:sdt>",
                p("Bound words shown.")
            )))
            .part("customXml/item1.xml", "<root><secret>Qxcustomxmlmark</secret></root>"),
            "Qx",
            |l| matches!(l, LeftOut::CustomXml { parts, bindings: 1, .. } if parts == &["customXml/item1.xml"]),
        ),
        (
            "an embedded workbook with a hidden sheet",
            Docx::new(&with(r#"<w:p><w:r><w:object><v:shape><v:imagedata r:id="rId9" o:title=""/></v:shape><o:OLEObject Type="Embed" ProgID="Excel.Sheet.12" r:id="rId8"/></w:object></w:r></w:p>"#))
                .part("word/embeddings/Microsoft_Excel_Worksheet.xlsx", zip_of(&workbook))
                .rel("rId8", "package", "embeddings/Microsoft_Excel_Worksheet.xlsx", false),
            "Qx",
            |l| matches!(l, LeftOut::Embedded { part, what } if part == "word/embeddings/Microsoft_Excel_Worksheet.xlsx" && what.contains("2 sheets, 1 of them hidden")),
        ),
        (
            "an embedded presentation with speaker notes",
            Docx::new(&visible).part("word/embeddings/Slides.pptx", zip_of(&slides)),
            "Qxnotesmark",
            |l| matches!(l, LeftOut::Embedded { what, .. } if what.contains("1 slide and 1 page of speaker notes")),
        ),
        (
            "a header and a footer",
            Docx::new(&visible)
                .part("word/header1.xml", format!("<w:hdr xmlns:w=\"{W}\">{}</w:hdr>", p("Qxheadermark")))
                .part("word/footer1.xml", format!("<w:ftr xmlns:w=\"{W}\">{}</w:ftr>", p("Qxfootermark"))),
            "Qx",
            |l| matches!(l, LeftOut::HeadersAndFooters(parts) if parts.len() == 2),
        ),
        (
            "a footnote",
            Docx::new(&with("<w:p><w:r><w:t>Noted</w:t></w:r><w:r><w:footnoteReference w:id=\"1\"/></w:r></w:p>"))
                .part("word/footnotes.xml", format!("<w:footnotes xmlns:w=\"{W}\"><w:footnote w:type=\"separator\" w:id=\"-1\"/><w:footnote w:id=\"1\">{}</w:footnote></w:footnotes>", p("Qxfootnotemark"))),
            "Qxfootnotemark",
            |l| matches!(l, LeftOut::Notes { footnotes: 1, endnotes: 0 }),
        ),
        (
            "a field instruction",
            Docx::new(&with("<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>INCLUDETEXT \"C:\\\\Users\\\\Qxfieldmark\\\\x.docx\"</w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>field result shown</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>")),
            "Qxfieldmark",
            |l| matches!(l, LeftOut::FieldCodes(1)),
        ),
        (
            "a link to a file on someone's computer",
            Docx::new(&with("<w:p><w:hyperlink r:id=\"rId3\"><w:r><w:t>the draft</w:t></w:r></w:hyperlink></w:p>"))
                .rel("rId3", "hyperlink", "file:///C:/Users/Qxusermark/draft.docx", true),
            "Qxusermark",
            |l| matches!(l, LeftOut::FileLinks(1)),
        ),
        (
            "a text box",
            Docx::new(&with("<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:anchor><wp:docPr id=\"2\" name=\"Text Box 2\"/></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>Qxtextboxmark</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>")),
            "Qxtextboxmark",
            |l| matches!(l, LeftOut::Drawings { drawings: 1, .. }),
        ),
        (
            "alt text holding an email address",
            Docx::new(&with(&format!("<w:p>{}</w:p>", picture("rId4", "Qxaltmark, photo sent by jo.bloggs@example.org", "Qxtitlemark"))))
                .part("word/media/image1.png", png("Qxpngmark"))
                .rel("rId4", "image", "media/image1.png", false),
            "Qx",
            |l| matches!(l, LeftOut::AltText { picture: 1, found, generated: false } if found.len() == 1 && found[0].starts_with("an email address ending `org`")),
        ),
        (
            "an element the importer does not know",
            Docx::new(&with("<w:p><w:r><w:t>known </w:t></w:r><w:unheard><w:r><w:t>Qxunknownmark</w:t></w:r></w:unheard></w:p>")),
            "Qxunknownmark",
            |l| matches!(l, LeftOut::Unknown(names) if names.get("unheard") == Some(&1)),
        ),
        (
            "macros",
            Docx::new(&visible).part("word/vbaProject.bin", b"Qxmacromark".to_vec()),
            "Qxmacromark",
            |l| matches!(l, LeftOut::Macros(parts) if parts == &["word/vbaProject.bin"]),
        ),
        (
            "a thumbnail of the first page",
            Docx::new(&visible).part("docProps/thumbnail.jpeg", b"Qxthumbmark".to_vec()),
            "Qxthumbmark",
            |l| matches!(l, LeftOut::OtherParts(parts) if parts == &["docProps/thumbnail.jpeg"]),
        ),
    ]
}

#[test]
fn each_hidden_thing_is_left_out_named_and_found_in_no_file_written() {
    for (what, docx, marker, named) in hidden_things() {
        let site = Site::new();
        let before = site.files();
        let imported = site
            .import(&docx, &report())
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let text = markdown(&imported);
        assert!(text.contains("Visible words stay."), "{what}:\n{text}");
        let after = site.files();
        let new: BTreeMap<String, Vec<u8>> = after
            .into_iter()
            .filter(|(path, _)| !before.contains_key(path))
            .collect();
        assert_eq!(new.len(), imported.written.len(), "{what}");
        assert!(
            files_containing(&new, marker).is_empty(),
            "{what}: {marker} reached {:?}:\n{text}",
            files_containing(&new, marker)
        );
        let said = summary(&imported.left_out);
        assert!(
            imported.left_out.iter().any(named),
            "{what} is not named in the summary:\n{said}"
        );
        // The summary says what was left out, never what it said.
        assert!(
            !said.contains(marker),
            "{what}: the summary repeats it:\n{said}"
        );
    }
}

#[test]
fn accepted_changes_and_shown_words_are_imported() {
    let things = hidden_things();
    let find = |what: &str| things.iter().find(|t| t.0 == what).unwrap().1.clone();
    let site = Site::new();
    let text = markdown(&site.import(&find("a tracked deletion"), &report()).unwrap());
    assert!(text.contains("Before kept insertion"), "{text}");
    let site = Site::new();
    let text = markdown(
        &site
            .import(&find("a custom XML part and a data binding"), &report())
            .unwrap(),
    );
    assert!(text.contains("Bound words shown."), "{text}");
    let site = Site::new();
    let text = markdown(
        &site
            .import(&find("a field instruction"), &report())
            .unwrap(),
    );
    assert!(text.contains("field result shown"), "{text}");
    let site = Site::new();
    let text = markdown(
        &site
            .import(&find("a link to a file on someone's computer"), &report())
            .unwrap(),
    );
    assert!(
        text.contains("the draft") && !text.contains("](file"),
        "{text}"
    );
}

/// The issue's test: tracked deletion, comment, hidden text, author
/// property and embedded workbook in one file.
#[test]
fn a_file_with_five_hidden_things_imports_none_of_them_and_names_each() {
    let things = hidden_things();
    let mut body = String::from(&p("The report's words."));
    let mut docx = Docx::new("");
    for what in [
        "a tracked deletion",
        "a comment",
        "hidden text",
        "the author property",
        "an embedded workbook with a hidden sheet",
    ] {
        let thing = &things.iter().find(|t| t.0 == what).unwrap().1;
        body.push_str(&thing.body);
        for (name, bytes) in &thing.parts {
            docx = docx.part(name, bytes.clone());
        }
        for (id, kind, target, external) in &thing.rels {
            docx = docx.rel(id, kind, target, *external);
        }
    }
    docx.body = body;
    let site = Site::new();
    let imported = site.import(&docx, &report()).unwrap();
    let text = markdown(&imported);
    assert!(text.contains("The report's words."), "{text}");
    for marker in [
        "Qxdeletedmark",
        "Qxauthormark",
        "Qxcommentmark",
        "Qxcommenter",
        "Qxhiddenmark",
        "Qxcreatormark",
        "Qxmodifiermark",
        "Qxsheetmark",
        "Qxcellmark",
    ] {
        assert!(!text.contains(marker), "{marker} was imported:\n{text}");
        assert!(
            files_containing(&site.files(), marker).is_empty(),
            "{marker}"
        );
    }
    let said = summary(&imported.left_out);
    for named in [
        "tracked changes: 1 insertion accepted (the text kept), 1 deletion accepted (the text dropped)",
        "comments: 1 comment",
        "hidden text: 1 run",
        "document properties in docProps/core.xml: creator (the author), lastModifiedBy",
        "embedded file word/embeddings/Microsoft_Excel_Worksheet.xlsx: a spreadsheet with 2 sheets, 1 of them hidden; not carried over",
        "embedded objects: 1 object",
    ] {
        assert!(
            said.contains(named),
            "the summary does not say {named:?}:\n{said}"
        );
    }
}

#[test]
fn pictures_become_attachments_without_their_metadata_and_check_wants_alt_text() {
    let docx = Docx::new(&format!(
        "{}<w:p>{}</w:p><w:p>{}</w:p>",
        p("A map."),
        picture("rId4", "A map of the northern villages", ""),
        picture("rId5", "", "")
    ))
    .part("word/media/image1.png", png("Qxexifmark"))
    .part("word/media/image2.png", png("Qxexifmark"))
    .part("word/media/image3.emf", b"EMF".to_vec())
    .rel("rId4", "image", "media/image1.png", false)
    .rel("rId5", "image", "media/image2.png", false);
    let site = Site::new();
    let imported = site.import(&docx, &report()).unwrap();
    let text = markdown(&imported);
    assert!(
        text.contains("![A map of the northern villages](report-image-1.png)"),
        "{text}"
    );
    assert!(
        text.contains("![FILL IN: what the picture shows](report-image-2.png)"),
        "{text}"
    );
    assert!(text.contains("{ file = \"report-image-1.png\", title = \"A map of the northern villages\", public = true }"), "{text}");
    assert_eq!(imported.written.len(), 3);
    assert!(files_containing(&site.files(), "Qxexifmark").is_empty());
    // The picture Word keeps but does not show is named.
    assert!(
        imported
            .left_out
            .iter()
            .any(|l| matches!(l, LeftOut::OtherParts(p) if p == &["word/media/image3.emf"])),
        "{}",
        summary(&imported.left_out)
    );
    // check wants the summary, the title's... and the second picture's alt text and title.
    let checked = plainsight::check(&site.root()).unwrap();
    let at_report: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.file.ends_with("report.md"))
        .collect();
    assert_eq!(
        at_report.len(),
        imported.placeholders,
        "{}",
        printed(&checked)
    );
    assert!(
        at_report
            .iter()
            .all(|d| d.message.contains("still to be written"))
    );
}

/// Kent's committee report (shared/seeds/000_736d43fa8cc12692.txt) in
/// outline: numbered section headings and paragraphs, a recommendations
/// block, a timetable table with its caption after it, background
/// documents, and the author's and director's contact lines.
fn kent_report() -> Docx {
    let numbering = r#"
      <w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="1">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="2">
        <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
        <w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="3">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
      <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
      <w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>
      <w:num w:numId="4"><w:abstractNumId w:val="3"/></w:num>"#;
    let styles = r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
      <w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>
      <w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>
      <w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/></w:style>"#;
    let recommend = |verb: &str, rest: &str| {
        format!(
            "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"2\"/></w:numPr></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{verb}</w:t></w:r>{}</w:p>",
            r(rest)
        )
    };
    let body = [
        p_styled("Title", "Everyday life activities, skills development and training: a Dynamic Purchasing System"),
        format!(
            "<w:p>{}<w:r><w:rPr><w:b/></w:rPr><w:t>CONSIDER</w:t></w:r>{}<w:r><w:rPr><w:b/></w:rPr><w:t>ENDORSE</w:t></w:r>{}</w:p>",
            r("Recommendation(s): The Adult Social Care Cabinet Committee is asked to "),
            r(" and "),
            r(" the proposed decision to:")
        ),
        recommend("APPROVE", " the creation of the Dynamic Purchasing System;"),
        recommend("APPROVE", " the opening of the Dynamic Purchasing System on a regular basis; and"),
        recommend("DELEGATE", " authority to the Corporate Director to take other relevant actions."),
        p_numbered(1, 0, true, "Introduction"),
        p_numbered(1, 1, false, "The current framework contract is due to expire on 30 September 2022."),
        p_numbered(1, 1, false, "The new model is based on the Making a Difference Every Day approach."),
        p_numbered(1, 0, true, "Commissioning Intentions"),
        p_numbered(1, 1, false, "To introduce well-managed contracts, including:"),
        p_numbered(3, 0, false, "Key Performance Indicators."),
        p_numbered(3, 1, false, "Ongoing monitoring of quality."),
        p_numbered(3, 0, false, "Contract Management."),
        p_numbered(1, 0, true, "Procurement Process"),
        p_numbered(1, 1, false, "Table 1 shows the procurement timetable:"),
        table(&[
            &["Event", "Date"],
            &["Prior Information Notice", "29 December 2021"],
            &["ITT and SQ Return", "17 June 2022"],
            &["Service Commencement", "1 October 2022"],
        ]),
        p_styled("Caption", "Table 1: Procurement timetable"),
        p_numbered(1, 0, true, "Background Documents"),
        format!(
            "<w:p>{}<w:hyperlink r:id=\"rId7\"><w:r><w:t>External Community Opportunities (decision 22/00034)</w:t></w:r></w:hyperlink></w:p>",
            r("22/00034: ")
        ),
        p_numbered(1, 0, true, "Report Author"),
        p("Simon Mitchell, Senior Commissioner, 03000 417156, Simon.mitchell@kent.gov.uk"),
        p_styled("Heading2", "Relevant Director"),
        p("Richard Smith, Corporate Director of Adult Social Care and Health"),
        p_numbered(4, 0, false, "A plain numbered list."),
        p_numbered(4, 0, false, "Its second item."),
    ]
    .concat();
    Docx::new(&body).styles(styles).numbering(numbering).rel(
        "rId7",
        "hyperlink",
        "https://democracy.kent.gov.uk/ieDecisionDetails.aspx?ID=2603",
        true,
    )
}

#[test]
fn a_report_shaped_like_kents_imports_as_sections_lists_a_captioned_table_and_links() {
    let site = Site::new();
    // The author's phone and email are personal data: nothing is written.
    let before = site.files();
    let refused = match site.import(&kent_report(), &report()) {
        Err(ImportError::PersonalData(refused)) => refused,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(site.files(), before, "a refused import wrote something");
    let findings: Vec<String> = refused.findings.iter().map(|f| f.to_string()).collect();
    assert_eq!(
        findings,
        [
            "paragraph 28: a phone number ending `156`",
            "paragraph 28: an email address ending `vuk`"
        ],
        "{findings:?}"
    );
    // Let through on purpose, they are written into personal_data_ok.
    let options = ImportOptions {
        personal_data_ok: vec![
            "03000 417156".to_string(),
            "Simon.mitchell@kent.gov.uk".to_string(),
        ],
        ..report()
    };
    let imported = site.import(&kent_report(), &options).unwrap();
    let text = markdown(&imported);
    let body = text.split("+++\n").nth(2).unwrap();
    let expected = "\
Recommendation(s): The Adult Social Care Cabinet Committee is asked to **CONSIDER** and **ENDORSE** the proposed decision to:

a) **APPROVE** the creation of the Dynamic Purchasing System;

b) **APPROVE** the opening of the Dynamic Purchasing System on a regular basis; and

c) **DELEGATE** authority to the Corporate Director to take other relevant actions.

## 1. Introduction

1.1 The current framework contract is due to expire on 30 September 2022.

1.2 The new model is based on the Making a Difference Every Day approach.

## 2. Commissioning Intentions

2.1 To introduce well-managed contracts, including:

- Key Performance Indicators.
  - Ongoing monitoring of quality.
- Contract Management.

## 3. Procurement Process

3.1 Table 1 shows the procurement timetable:

Table 1: Procurement timetable

| Event | Date |
| --- | --- |
| Prior Information Notice | 29 December 2021 |
| ITT and SQ Return | 17 June 2022 |
| Service Commencement | 1 October 2022 |

## 4. Background Documents

22/00034: [External Community Opportunities (decision 22/00034)](https://democracy.kent.gov.uk/ieDecisionDetails.aspx?ID=2603)

## 5. Report Author

Simon Mitchell, Senior Commissioner, 03000 417156, Simon.mitchell@kent.gov.uk

### Relevant Director

Richard Smith, Corporate Director of Adult Social Care and Health

1. A plain numbered list.
2. Its second item.
";
    assert_eq!(body, expected, "the body as written:\n{body}");
    assert!(text.contains(
        "title = \"Everyday life activities, skills development and training: a Dynamic Purchasing System\""
    ));
    assert!(text.contains("personal_data_ok = [\"03000 417156\", \"Simon.mitchell@kent.gov.uk\"]"));

    // check lists exactly the placeholders, then passes once they are written.
    let path = &imported.written[0];
    let placeholder_lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("FILL IN:"))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(placeholder_lines.len(), imported.placeholders);
    let checked = plainsight::check(&site.root()).unwrap();
    let lines: Vec<usize> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == plainsight::diagnostics::Severity::Error)
        .map(|d| {
            assert!(d.file.ends_with("report.md"), "{}", printed(&checked));
            assert!(
                d.message.contains("still to be written"),
                "{}",
                printed(&checked)
            );
            d.line
        })
        .collect();
    assert_eq!(lines, placeholder_lines, "{}", printed(&checked));
    std::fs::write(path, text.replace("FILL IN:", "")).unwrap();
    let checked = plainsight::check(&site.root()).unwrap();
    assert_ok(&checked);
    assert_ok(&build(&site.root()));
    let page = std::fs::read_to_string(
        site.root()
            .join("public/decisions/26-00001/report/index.html"),
    )
    .unwrap();
    assert!(page.contains("<caption>"), "{page}");
}

/// A report with a passage marked exempt by a paragraph style and another
/// by a bookmark around a table.
fn exempt_report(style: &str) -> Docx {
    Docx::new(&[
        p("The council received four bids."),
        p_styled("ExemptStyle", "Qxbidmark bid eleven thousand pounds."),
        p_styled("ExemptStyle", "Qxsecondmark came second."),
        p("The lowest bid was chosen."),
        "<w:p><w:bookmarkStart w:id=\"5\" w:name=\"exempt_p3_scores\"/></w:p>".to_string(),
        p_styled("Caption", "Table 1: Scores"),
        table(&[&["Bidder", "Score"], &["Qxscoremark", "71"]]),
        "<w:p><w:bookmarkEnd w:id=\"5\"/></w:p>".to_string(),
        p("Published words after."),
    ]
    .concat())
    .styles(&format!(
        r#"<w:style w:type="paragraph" w:styleId="ExemptStyle"><w:name w:val="{style}"/></w:style><w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/></w:style>"#
    ))
}

#[test]
fn a_passage_marked_exempt_in_word_is_fenced_and_withheld_from_the_site() {
    let site = Site::new();
    let imported = site.import(&exempt_report("Exempt 3"), &report()).unwrap();
    assert_eq!(imported.exempt_passages, 2);
    let text = markdown(&imported);
    let body = text.split("+++\n").nth(2).unwrap();
    assert_eq!(
        body,
        "\
The council received four bids.

::: exempt paragraph=3

Qxbidmark bid eleven thousand pounds.

Qxsecondmark came second.

:::

The lowest bid was chosen.

::: exempt paragraph=3

Table 1: Scores

| Bidder | Score |
| --- | --- |
| Qxscoremark | 71 |

:::

Published words after.
"
    );
    std::fs::write(&imported.written[0], text.replace("FILL IN:", "")).unwrap();
    let built = build(&site.root());
    assert_ok(&built);
    let public = files(&site.root().join("public"));
    for marker in ["Qxbidmark", "Qxsecondmark", "Qxscoremark"] {
        assert!(
            files_containing(&public, marker).is_empty(),
            "{marker} was published"
        );
    }
    let page = text_of(
        &site
            .root()
            .join("public/decisions/26-00001/report/index.html"),
    );
    assert!(page.contains("Published words after."));
    assert!(page.contains("The lowest bid was chosen."));
}

#[test]
fn a_picture_in_a_withheld_table_is_neither_imported_nor_published() {
    let docx = Docx::new(&format!(
        "{}<w:tbl><w:tr><w:tc>{}</w:tc><w:tc><w:p>{}</w:p></w:tc></w:tr></w:tbl>",
        p_styled("Caption", "Table 1: Sites"),
        p_styled("ExemptStyle", "Qxsitemark"),
        picture("rId4", "A photograph of the site", "")
    ))
    .styles(r#"<w:style w:type="paragraph" w:styleId="ExemptStyle"><w:name w:val="Exempt 2"/></w:style>"#)
    .part("word/media/image1.png", png("x"))
    .rel("rId4", "image", "media/image1.png", false);
    let site = Site::new();
    let imported = site.import(&docx, &report()).unwrap();
    assert_eq!(imported.written.len(), 1, "{:?}", imported.written);
    let text = markdown(&imported);
    assert!(
        !text.contains("attachments") && !text.contains(".png"),
        "{text}"
    );
    assert!(
        text.contains("::: exempt paragraph=2\n\nTable 1: Sites\n"),
        "{text}"
    );
    assert!(
        imported
            .left_out
            .iter()
            .any(|l| matches!(l, LeftOut::Pictures { count: 1, why } if why.contains("exempt"))),
        "{}",
        summary(&imported.left_out)
    );
}

fn text_of(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn an_exempt_passage_whose_paragraph_is_not_known_is_refused_by_check_until_written() {
    // "Exempt" with no paragraph: the fence waits for a person...
    let site = Site::new();
    let imported = site.import(&exempt_report("exempt"), &report()).unwrap();
    let text = markdown(&imported);
    assert!(
        text.contains("::: exempt paragraph=FILL IN: the paragraph of Schedule 12A (1 to 7) that exempts this passage\n"),
        "{text}"
    );
    std::fs::write(
        &imported.written[0],
        text.replace("summary = \"FILL IN:", "summary = \"")
            .replace("title = \"FILL IN:", "title = \""),
    )
    .unwrap();
    let checked = plainsight::check(&site.root()).unwrap();
    assert!(checked.has_errors());
    let fence_line = text
        .lines()
        .position(|l| l.starts_with("::: exempt paragraph=FILL IN"))
        .unwrap()
        + 1;
    assert!(
        checked
            .diagnostics
            .iter()
            .any(|d| d.line == fence_line && d.message.contains("still to be written")),
        "{}",
        printed(&checked)
    );
    let built = build(&site.root());
    assert!(built.has_errors());
    assert!(!site.root().join("public").exists());

    // ... or --exempt-paragraph gives it.
    let site = Site::new();
    let options = ImportOptions {
        exempt_paragraph: Some(3),
        ..report()
    };
    let text = markdown(&site.import(&exempt_report("exempt"), &options).unwrap());
    assert_eq!(
        text.matches("::: exempt paragraph=3\n").count(),
        2,
        "{text}"
    );
}

#[test]
fn the_word_file_is_never_copied_into_the_site_or_its_output() {
    let site = Site::new();
    let docx = kent_report();
    let options = ImportOptions {
        personal_data_ok: vec![
            "03000 417156".to_string(),
            "Simon.mitchell@kent.gov.uk".to_string(),
        ],
        ..report()
    };
    let imported = site.import(&docx, &options).unwrap();
    std::fs::write(
        &imported.written[0],
        markdown(&imported).replace("FILL IN:", ""),
    )
    .unwrap();
    assert_ok(&build(&site.root()));
    let bytes = docx.bytes();
    for (path, content) in site.files() {
        assert!(!path.ends_with(".docx"), "{path}");
        assert!(!content.starts_with(b"PK\x03\x04"), "{path} is a zip");
        assert!(
            !content.windows(64).any(|w| w == &bytes[..64]),
            "{path} holds the Word file"
        );
    }
}

#[test]
fn as_appendix_and_as_decision_use_the_new_commands_names_and_keys() {
    let site = Site::new();
    let options = ImportOptions {
        import_as: ImportAs::Appendix,
        ..report()
    };
    let docx = Docx::new(&p("An appendix's words."));
    let first = site.import(&docx, &options).unwrap();
    let second = site.import(&docx, &options).unwrap();
    assert!(first.written[0].ends_with("appendix-1.md"));
    assert!(second.written[0].ends_with("appendix-2.md"));
    let text = markdown(&first);
    assert!(text.contains("label = \"Appendix 1\"\n"), "{text}");
    assert!(text.contains("public = true\n"), "{text}");
    assert!(text.ends_with("+++\nAn appendix's words.\n"), "{text}");
    // A second report is report-2.md; nothing is written over.
    let a = site.import(&docx, &report()).unwrap();
    let b = site.import(&docx, &report()).unwrap();
    assert!(a.written[0].ends_with("report.md") && b.written[0].ends_with("report-2.md"));

    // A record of decision goes in a new folder, with every key to fill in.
    let path = site.dir.path().join("Decision.docx");
    std::fs::write(&path, Docx::new(&p("The decision's background.")).bytes()).unwrap();
    let options = ImportOptions {
        import_as: ImportAs::Decision,
        ..report()
    };
    let made = plainsight::docx::import(&site.root(), &path, "26/00002", &options).unwrap();
    assert!(made.written[0].ends_with("content/decisions/26-00002/decision.md"));
    let text = markdown(&made);
    assert!(
        text.contains("number = \"26/00002\"")
            && text.ends_with("+++\nThe decision's background.\n"),
        "{text}"
    );
    let checked = plainsight::check(&site.root()).unwrap();
    let at_record = checked
        .diagnostics
        .iter()
        .filter(|d| d.file.ends_with("26-00002/decision.md"))
        .count();
    assert_eq!(at_record, made.placeholders, "{}", printed(&checked));
    // Its folder exists now: a second import is refused.
    assert!(matches!(
        plainsight::docx::import(&site.root(), &path, "26/00002", &options),
        Err(ImportError::Usage(_))
    ));
    // A decision that does not exist has no report.
    assert!(matches!(
        plainsight::docx::import(&site.root(), &path, "26/00009", &report()),
        Err(ImportError::Usage(_))
    ));
}

#[test]
fn broken_files_are_errors_not_panics() {
    let site = Site::new();
    let malformed = Docx::new("<w:p><w:r><w:t>unclosed</w:r></w:p>");
    match site.import(&malformed, &report()) {
        Err(ImportError::Malformed { part, .. }) => assert_eq!(part, "word/document.xml"),
        other => panic!("{other:?}"),
    }
    let path = site.dir.path().join("notes.docx");
    std::fs::write(&path, b"not a zip at all").unwrap();
    let e = plainsight::docx::import(&site.root(), &path, "26/00001", &report()).unwrap_err();
    assert!(e.to_string().contains("not a Word document"), "{e}");
    assert!(!site.folder().join("report.md").exists());
}

#[test]
fn arbitrary_and_truncated_files_never_panic() {
    let settings = plainsight::docx::Settings {
        stem: "report".to_string(),
        attachments: true,
        exempt_paragraph: None,
        allowed: Default::default(),
    };
    let whole = kent_report().bytes();
    // Every truncation, and bytes flipped throughout.
    for end in (0..whole.len()).step_by(7) {
        let _ = plainsight::docx::convert(&whole[..end], &settings);
    }
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..300 {
        let mut bytes = whole.clone();
        for _ in 0..(next() % 8 + 1) {
            let at = (next() as usize) % bytes.len();
            bytes[at] = next() as u8;
        }
        let _ = plainsight::docx::convert(&bytes, &settings);
        let len = (next() % 300) as usize;
        let noise: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let _ = plainsight::docx::convert(&noise, &settings);
    }
}
