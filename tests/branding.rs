//! site.toml's `[branding]`: a council's logo and colour without forking a
//! template. The logo is published cleaned of its metadata, linked to the
//! council's website with its words as alternative text; the colour must
//! leave text readable; every mistake is an error at site.toml's line.

mod common;

use std::path::Path;

use common::*;

/// A string that must never be published: it sits in the logo's metadata.
const MARKER: &str = "LOGOMETA-7f3e-author-jane.doe@example.org";

/// A 1×1 PNG carrying the marker in a text chunk and in EXIF.
fn logo_with_metadata() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
    b.extend(png_chunk(
        b"tEXt",
        &[b"Author\0".as_slice(), MARKER.as_bytes()].concat(),
    ));
    b.extend(png_chunk(
        b"eXIf",
        &[b"MM\0*".as_slice(), MARKER.as_bytes()].concat(),
    ));
    b.extend(png_chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]));
    b.extend(png_chunk(b"IEND", &[]));
    b
}

/// Files for branding/, by name.
type BrandingFiles<'a> = &'a [(&'a str, &'a [u8])];

/// A new site (`plainsight init`) with `settings` added under
/// `[branding]` and `files` in branding/.
fn branded_site(settings: &str, files: BrandingFiles<'_>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    plainsight::init::init(&root).unwrap();
    append(
        &root.join("site.toml"),
        &format!("\n[branding]\n{settings}\n"),
    );
    if !files.is_empty() {
        std::fs::create_dir(root.join("branding")).unwrap();
    }
    for (name, bytes) in files {
        std::fs::write(root.join("branding").join(name), bytes).unwrap();
    }
    dir
}

fn root(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("site")
}

#[test]
fn the_logo_is_published_clean_and_links_to_the_councils_website() {
    let dir = branded_site(
        "logo = \"logo.png\"\nlogo_alt = \"Example Council\"\ncolour = \"#00441b\"",
        &[("logo.png", &logo_with_metadata())],
    );
    let outcome = build(&root(&dir));
    assert_ok(&outcome);
    let public = root(&dir).join("public");
    let logo = std::fs::read(public.join("assets/logo.png")).expect("the logo is published");
    assert!(logo.starts_with(b"\x89PNG"));
    let written = files(&public);
    assert!(
        files_containing(&written, MARKER).is_empty(),
        "the logo's metadata was published: {:?}",
        files_containing(&written, MARKER)
    );
    assert!(
        !written.keys().any(|p| p.starts_with("branding")),
        "branding/ itself is not published"
    );
    // On every page, deep ones too, the logo is the link to the council's website.
    for (page, root_path) in [
        ("index.html", ""),
        ("decisions/26-00001/index.html", "../../"),
    ] {
        let html = text(&public, page);
        let header = format!(
            "<p class=\"site-organisation\"><a href=\"https://www.example.org/\"><img class=\"site-logo\" src=\"{root_path}assets/logo.png\" alt=\"Example Council\"></a></p>"
        );
        assert!(html.contains(&header), "{page} has no logo link:\n{html}");
        assert!(
            html.contains(
                "This site is published by <a href=\"https://www.example.org/\">Example Council</a>."
            ),
            "{page}'s footer does not name the council"
        );
    }
    // The colour replaces the built-in brand colour.
    let css = text(&public, "assets/style.css");
    assert!(css.ends_with(":root { --brand: #00441b; }\n"), "{css}");
}

#[test]
fn without_branding_the_header_names_the_council_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    plainsight::init::init(&site).unwrap();
    assert_ok(&build(&site));
    let html = text(&site.join("public"), "index.html");
    assert!(html.contains(
        "<p class=\"site-organisation\"><a href=\"https://www.example.org/\">Example Council</a></p>"
    ));
    assert!(!site.join("public/assets/logo.png").exists());
}

/// The errors a build of `dir` gives, one per line, with nothing written.
fn refused(dir: &tempfile::TempDir) -> String {
    let outcome = build(&root(dir));
    assert!(outcome.has_errors(), "accepted:\n{}", printed(&outcome));
    assert!(
        !root(dir).join("public").exists(),
        "a refused build wrote the site"
    );
    printed(&outcome)
}

#[test]
fn a_logo_without_words_or_a_file_or_of_a_wrong_type_is_refused_at_its_line() {
    let png = logo_with_metadata();
    let cases: [(&str, BrandingFiles<'_>, &str); 7] = [
        (
            "logo = \"logo.png\"",
            &[("logo.png", &png)],
            "error: the logo has no `logo_alt`",
        ),
        (
            "logo = \"logo.png\"\nlogo_alt = \"logo\"",
            &[("logo.png", &png)],
            "error: `logo_alt` does not say what the logo says",
        ),
        (
            "logo_alt = \"Example Council\"",
            &[],
            "error: `logo_alt` is set but there is no `logo`",
        ),
        (
            "logo = \"crest.png\"\nlogo_alt = \"Example Council\"",
            &[],
            "error: there is no branding/crest.png for the logo",
        ),
        (
            "logo = \"logo.svg\"\nlogo_alt = \"Example Council\"",
            &[(
                "logo.svg",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            )],
            "error: the logo `logo.svg` is not a PNG, JPEG or WebP image",
        ),
        (
            "logo = \"logo.png\"\nlogo_alt = \"Example Council\"",
            &[("logo.png", b"PK\x03\x04 an Office file renamed")],
            "branding/logo.png: error: the file's contents are not PNG",
        ),
        (
            "logo = \"logo.png\"\nlogo_alt = \"Example Council\"",
            &[("logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR")],
            "branding/logo.png: error: this image cannot be cleaned of its metadata",
        ),
    ];
    for (settings, files, expected) in cases {
        let dir = branded_site(settings, files);
        let errors = refused(&dir);
        assert!(
            errors.contains(expected),
            "{settings}: expected {expected}, got:\n{errors}"
        );
        // Errors about site.toml's settings point at the setting's line.
        if expected.starts_with("error") {
            let line = errors
                .lines()
                .find(|l| l.contains(expected))
                .unwrap()
                .to_string();
            assert!(
                line.starts_with("site.toml:") && !line.starts_with("site.toml:0"),
                "no line and column: {line}"
            );
        }
    }
}

#[test]
fn a_brand_colour_that_text_cannot_be_read_on_is_refused() {
    for (colour, expected) in [
        // White on it is 2.2 to 1.
        ("#ff9900", "is too light: white header text on it"),
        // White on it passes (4.6), but on the tags' pale blue it is 4.0.
        ("#757575", "it as tag text on the tags' pale blue"),
        (
            "red; } body { display: none",
            "is not a colour written as #rrggbb",
        ),
        ("#+f+f+f", "is not a colour written as #rrggbb"),
        ("navy", "is not a colour written as #rrggbb"),
    ] {
        let dir = branded_site(&format!("colour = {colour:?}"), &[]);
        let errors = refused(&dir);
        assert!(
            errors.contains(expected) && errors.starts_with("site.toml:"),
            "{colour}: expected {expected}, got:\n{errors}"
        );
    }
}

#[test]
fn a_file_in_branding_that_site_toml_does_not_name_is_not_published() {
    let dir = branded_site("", &[("old-logo.png", &logo_with_metadata())]);
    let outcome = build(&root(&dir));
    assert_ok(&outcome);
    assert!(
        printed(&outcome)
            .contains("branding/old-logo.png: warning: site.toml does not name this file"),
        "{}",
        printed(&outcome)
    );
    let written = files(&root(&dir).join("public"));
    assert!(!written.keys().any(|p| p.contains("old-logo")));
}

#[test]
fn a_link_in_branding_is_refused() {
    let dir = branded_site("", &[]);
    let site = root(&dir);
    std::fs::create_dir(site.join("branding")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(Path::new("/etc/passwd"), site.join("branding/logo.png"))
            .unwrap();
        let errors = refused(&dir);
        assert!(
            errors
                .contains("branding/logo.png: error: symbolic links are not allowed in branding/"),
            "{errors}"
        );
    }
}

#[test]
fn changing_only_the_logo_republishes_it() {
    // The logo is outside site.toml and content/: the build cache must
    // still see a new one.
    let dir = branded_site(
        "logo = \"logo.png\"\nlogo_alt = \"Example Council\"",
        &[("logo.png", &logo_with_metadata())],
    );
    let site = root(&dir);
    assert_ok(&build(&site));
    let first = std::fs::read(site.join("public/assets/logo.png")).unwrap();
    let mut other = logo_with_metadata();
    // A second picture: a different pixel.
    let idat = png_chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]);
    let at = other
        .windows(idat.len())
        .position(|w| w == idat.as_slice())
        .unwrap();
    other.splice(
        at..at + idat.len(),
        png_chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0xf8, 0x0f, 0, 0, 1, 1, 1, 0]),
    );
    std::fs::write(site.join("branding/logo.png"), &other).unwrap();
    assert_ok(&build(&site));
    let second = std::fs::read(site.join("public/assets/logo.png")).unwrap();
    assert_ne!(first, second, "the new logo was not published");
}

/// Writes `bytes` at `path` under the site's static/ folder.
fn put_static(site: &Path, path: &str, bytes: &[u8]) {
    let at = site.join("static").join(path);
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::fs::write(at, bytes).unwrap();
}

/// static/ holds files the site does not make, published as they are: a
/// web host's CNAME, .well-known/security.txt. They are judged like every
/// published file, never take the place of a file the build makes, and a
/// build after one changes or goes publishes exactly what static/ holds.
#[test]
fn static_files_are_published_as_they_are_and_judged_like_every_file() {
    let site = fixture("minimal");
    let root = site.path();
    put_static(root, "CNAME", b"decisions.example.gov.uk\n");
    put_static(
        root,
        ".well-known/security.txt",
        b"Contact: mailto:security@example.gov.uk\nExpires: 2027-01-01T00:00:00Z\n",
    );
    // Personal data there is found like anywhere: the council's security
    // address is allowed as its own published contact is.
    let said = printed(&build(root));
    assert!(
        said.contains("static/.well-known/security.txt:1:17: error: an email address"),
        "{said}"
    );
    append(
        &root.join("site.toml"),
        "\n[personal_data]\nallow = [\"security@example.gov.uk\"]\n",
    );
    assert_ok(&build(root));
    let output = files(&root.join("public"));
    assert_eq!(output["CNAME"], b"decisions.example.gov.uk\n");
    assert!(output.contains_key(".well-known/security.txt"));
    let marker = text(&root.join("public"), ".plainsight");
    assert!(marker.contains("CNAME"), "{marker}");
    // Changed, then gone: the next builds follow.
    put_static(root, "CNAME", b"www.example.gov.uk\n");
    assert_ok(&build(root));
    assert_eq!(
        files(&root.join("public"))["CNAME"],
        b"www.example.gov.uk\n"
    );
    std::fs::remove_file(root.join("static/CNAME")).unwrap();
    assert_ok(&build(root));
    assert!(!root.join("public/CNAME").exists());

    // Exempt text, or personal data, in a static file: refused, and the
    // last good site stays as it was.
    let before = files(&root.join("public"));
    let secret = "The bid from Thornbury Outdoor Club scored seventy one points on quality and price overall.";
    append(
        &root.join("content/decisions/24-00001/appendix-1.md"),
        &format!("\n{secret}\n"),
    );
    put_static(root, "notes.txt", format!("Notes: {secret}\n").as_bytes());
    let outcome = build(root);
    assert!(
        printed(&outcome).contains("appears in the output file `notes.txt`"),
        "{}",
        printed(&outcome)
    );
    assert!(files(&root.join("public")) == before);
    put_static(root, "notes.txt", b"Patient 943 476 5919 asked.\n");
    let said = printed(&build(root));
    assert!(
        said.contains("notes.txt") && said.contains("NHS number"),
        "{said}"
    );
    assert!(!said.contains("476 5919"), "{said}");
    assert!(files(&root.join("public")) == before);
}

#[test]
fn a_static_file_never_takes_a_made_files_place_and_odd_names_are_refused() {
    for (path, says) in [
        ("index.html", "plainsight makes `index.html` itself"),
        ("INDEX.html", "plainsight makes `INDEX.html` itself"),
        (
            "data/decisions.json",
            "plainsight makes `data/decisions.json` itself",
        ),
        ("decisions", "plainsight makes `decisions` itself"),
        (
            "index.html/x.txt",
            "plainsight makes `index.html/x.txt` itself",
        ),
        (".htaccess", "this name cannot be published as it is"),
        ("my notes.txt", "this name cannot be published as it is"),
        ("notes.txt", "exempt passage fence"),
    ] {
        let site = fixture("minimal");
        put_static(
            site.path(),
            path,
            b"Some words.\n::: exempt paragraph=3 reason=\"x\"\nHidden.\n:::\n",
        );
        let outcome = build(site.path());
        let said = printed(&outcome);
        assert!(
            said.contains(&format!("static/{path}")) && said.contains(says),
            "{path}: {said}"
        );
        assert!(!site.path().join("public").exists(), "{path}");
    }
    // What cannot be read cannot be checked: archives, Office files,
    // scripts, other encodings, an extension in capitals, a base64 address.
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend("Secret".encode_utf16().flat_map(u16::to_le_bytes));
    for (path, bytes, says) in [
        (
            "papers.zip",
            b"PK\x03\x04rest".to_vec(),
            "does not publish this kind of file",
        ),
        (
            "scores.xlsx",
            b"PK\x03\x04rest".to_vec(),
            "does not publish this kind of file",
        ),
        (
            "notes.txt.xz",
            b"\xfd7zXZ\x00".to_vec(),
            "does not publish this kind of file",
        ),
        (
            "map.geojson",
            b"{}".to_vec(),
            "does not publish this kind of file",
        ),
        (
            "app.js",
            b"var a = 1;".to_vec(),
            "does not publish this kind of file",
        ),
        (
            "photo.JPG",
            b"\xff\xd8\xff".to_vec(),
            "does not publish this kind of file",
        ),
        ("notes.txt", utf16, "the file's contents are not UTF-8 text"),
        (
            "photo.png",
            b"GIF89a".to_vec(),
            "the file's contents are not PNG",
        ),
        (
            "page.html",
            b"<img src=\"data:text/plain;base64,U2VjcmV0\">".to_vec(),
            "a `data:` address in base64",
        ),
        (
            "robots.txt",
            b"User-agent: *\n".to_vec(),
            "plainsight makes `robots.txt` itself",
        ),
        (
            "sitemap.xml",
            b"<urlset/>\n".to_vec(),
            "plainsight makes `sitemap.xml` itself",
        ),
        (
            "letter-nhs-9434765919.txt",
            b"A letter.\n".to_vec(),
            "this file's name holds an NHS number",
        ),
    ] {
        let site = fixture("minimal");
        put_static(site.path(), path, &bytes);
        let said = printed(&build(site.path()));
        assert!(
            said.contains(&format!("static/{path}")) && said.contains(says),
            "{path}: {said}"
        );
        // The number is shown only as the file's name, where it is.
        assert!(said.matches("9434765919").count() <= 1, "{said}");
        assert!(!site.path().join("public").exists(), "{path}");
    }
    // An exempt name in a file's name, which is published as its address.
    let site = fixture("minimal");
    append(
        &site.path().join("content/decisions/24-00001/appendix-1.md"),
        "\nThe bid from Pellingford Mews Partnership came third.\n",
    );
    put_static(
        site.path(),
        "pellingford-mews-partnership/letter.txt",
        b"A letter.\n",
    );
    let said = printed(&build(site.path()));
    assert!(
        said.contains("static/pellingford-mews-partnership/letter.txt: error: this public source states a name or figure"),
        "{said}"
    );
    // Another document's `personal_data_ok` never excuses a static file.
    let site = fixture("minimal");
    replace(
        &site.path().join("content/pages/about.md"),
        "title = \"About this site\"\n",
        "title = \"About this site\"\npersonal_data_ok = [\"943 476 5919\"]\n",
    );
    append(
        &site.path().join("content/pages/about.md"),
        "\nThe van 943 476 5919 also visits.\n",
    );
    put_static(
        site.path(),
        "patients.txt",
        b"Patient Jane Smith, NHS number 943 476 5919.\n",
    );
    let said = printed(&build(site.path()));
    assert!(said.contains("static/patients.txt:1:"), "{said}");
    assert!(!site.path().join("public").exists());
    // A kept image is published cleaned of its metadata.
    let site = fixture("minimal");
    put_static(site.path(), "photo.png", &logo_with_metadata());
    assert_ok(&build(site.path()));
    let published = std::fs::read(site.path().join("public/photo.png")).unwrap();
    assert!(!String::from_utf8_lossy(&published).contains(MARKER));

    // Two names that differ only in case are one file on many hosts.
    let site = fixture("minimal");
    put_static(site.path(), "robots.txt", b"User-agent: *\n");
    put_static(site.path(), "ROBOTS.txt", b"User-agent: *\n");
    assert!(printed(&build(site.path())).contains("only in case"));
}
