//! A small HTTP/1.1 server for the preview: `GET` and `HEAD` of files in the
//! output folder, one request per connection (`Connection: close`), and the
//! reload stream.
//!
//! [`resolve`] is the only way from a request to a file. It must never lead
//! outside the output folder: `..` and `.` segments, dot-files, empty
//! segments (`//etc`), backslashes, drive letters and control characters are
//! refused whether typed or percent-encoded, and the file found is
//! canonicalised (following symbolic links) and must still be inside the
//! output folder. A refusal looks exactly like a missing file: 404.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{EVENTS_PATH, Shared, page};

/// The longest request head read; longer ones are refused.
const MAX_HEAD: usize = 16 * 1024;
/// How long a client may take to send its request, or to take a response.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How often an idle reload stream sends a comment, to find closed pages.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How long a request that found nothing waits for a running rebuild.
const BUILD_WAIT: Duration = Duration::from_secs(60);

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file inside the output folder (canonical path).
    File(PathBuf),
    /// A folder asked for without its trailing slash: redirect to this path.
    Redirect(String),
    NotFound,
}

/// Maps a request path (before percent-decoding, without the query) to a
/// file in `output`. See the module documentation for what is refused.
pub fn resolve(output: &Path, path: &str) -> Target {
    let Some(decoded) = percent_decode(path) else {
        return Target::NotFound;
    };
    let Ok(decoded) = String::from_utf8(decoded) else {
        return Target::NotFound;
    };
    if decoded.contains('\\') || decoded.chars().any(char::is_control) {
        return Target::NotFound;
    }
    let Some(rest) = decoded.strip_prefix('/') else {
        return Target::NotFound;
    };
    let (rest, trailing_slash) = match rest.strip_suffix('/') {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let mut relative = PathBuf::new();
    if !rest.is_empty() {
        for segment in rest.split('/') {
            // `.`, `..`, dot-files (the `.plainsight` marker), `//`, `C:`.
            if segment.is_empty() || segment.starts_with('.') || segment.contains(':') {
                return Target::NotFound;
            }
            relative.push(segment);
        }
    }
    let Ok(root) = output.canonicalize() else {
        return Target::NotFound;
    };
    let Some(found) = inside(&root, &root.join(&relative)) else {
        return Target::NotFound;
    };
    match std::fs::metadata(&found) {
        Ok(m) if m.is_dir() => {
            if !rest.is_empty() && !trailing_slash {
                return Target::Redirect(format!("{path}/"));
            }
            match inside(&root, &found.join("index.html")) {
                Some(index) if index.is_file() => Target::File(index),
                _ => Target::NotFound,
            }
        }
        Ok(m) if m.is_file() && !trailing_slash => Target::File(found),
        _ => Target::NotFound,
    }
}

/// `path` canonicalised (symbolic links followed), if that is inside `root`.
fn inside(root: &Path, path: &Path) -> Option<PathBuf> {
    let real = path.canonicalize().ok()?;
    real.starts_with(root).then_some(real)
}

/// Decodes `%XX`; `None` for a malformed escape.
pub fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The Content-Type for a file name.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "jsonld" => "application/ld+json",
        "xml" => "application/xml",
        "atom" => "application/atom+xml",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "gz" => "application/gzip",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// A parsed request line and the one header we need.
#[derive(Debug, PartialEq, Eq)]
struct Request {
    head_only: bool,
    /// The origin-form target as sent, query included.
    target: String,
}

/// Answers one connection.
pub(super) fn handle(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(TIMEOUT));
    let _ = stream.set_write_timeout(Some(TIMEOUT));
    let Ok(Some(head)) = read_head(&mut stream) else {
        return;
    };
    let request = match parse(&head) {
        Ok(request) => request,
        Err((status, extra)) => {
            let _ = plain(&mut stream, status, extra, false);
            return;
        }
    };
    let _ = respond(&mut stream, shared, &request);
}

/// Answers when too many connections are open.
pub(super) fn busy(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = plain(&mut stream, "503 Service Unavailable", "", false);
}

/// Reads up to the blank line that ends the request head.
fn read_head(stream: &mut TcpStream) -> io::Result<Option<Vec<u8>>> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        head.extend_from_slice(&buf[..n]);
        if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            head.truncate(end);
            return Ok(Some(head));
        }
        if let Some(end) = head.windows(2).position(|w| w == b"\n\n") {
            head.truncate(end);
            return Ok(Some(head));
        }
        if head.len() > MAX_HEAD {
            return Ok(Some(Vec::new()));
        }
    }
}

/// The request line and Host header; an error is a status line to answer with
/// and any extra header lines.
fn parse(head: &[u8]) -> Result<Request, (&'static str, &'static str)> {
    const BAD: (&str, &str) = ("400 Bad Request", "");
    let text = std::str::from_utf8(head).map_err(|_| BAD)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let line = lines.next().ok_or(BAD)?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(BAD);
    };
    if !matches!(version, "HTTP/1.1" | "HTTP/1.0") {
        return Err(("505 HTTP Version Not Supported", ""));
    }
    let head_only = match method {
        "GET" => false,
        "HEAD" => true,
        _ => return Err(("405 Method Not Allowed", "Allow: GET, HEAD\r\n")),
    };
    // Visible ASCII only: the target may be echoed in a Location header.
    if target.is_empty() || !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(BAD);
    }
    let mut host = None;
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("host") {
                if host.is_some() {
                    return Err(BAD);
                }
                host = Some(value.trim());
            }
        }
    }
    // A page elsewhere may point a name it controls at 127.0.0.1 (DNS
    // rebinding); only loopback names are answered.
    match host {
        Some(host) if is_loopback_host(host) => {}
        None if version == "HTTP/1.0" => {}
        _ => return Err(("400 Bad Request", "")),
    }
    Ok(Request {
        head_only,
        target: target.to_string(),
    })
}

fn is_loopback_host(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        Some((name, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "127.0.0.1" | "localhost" | "[::1]"
    )
}

fn respond(stream: &mut TcpStream, shared: &Shared, request: &Request) -> io::Result<()> {
    let without_fragment = request.target.split('#').next().unwrap_or("");
    let (path, query) = match without_fragment.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (without_fragment, None),
    };
    if path == EVENTS_PATH {
        return events(stream, shared, request.head_only);
    }
    // Snapshot before reading the file: if a build finishes in between, the
    // page reloads once more than needed rather than once too few.
    let status = shared.status().clone();
    let mut target = resolve(&shared.output, path);
    let mut file = open(&target);
    if file.is_none() && matches!(target, Target::File(_) | Target::NotFound) {
        // The output folder is briefly absent while a rebuild swaps it in.
        if wait_for_build(shared) {
            target = resolve(&shared.output, path);
            file = open(&target);
        }
    }
    match (target, file) {
        (Target::Redirect(location), _) => {
            let location = match query {
                Some(q) => format!("{location}?{q}"),
                None => location,
            };
            let extra = format!("Location: {location}\r\n");
            let mut out = BufWriter::new(stream);
            write_head(
                &mut out,
                "301 Moved Permanently",
                "text/plain; charset=utf-8",
                0,
                &extra,
            )?;
            out.flush()
        }
        (Target::File(path), Some(file)) => {
            send(stream, "200 OK", &path, file, &status, request.head_only)
        }
        _ => {
            let shared_404 = resolve(&shared.output, "/404.html");
            match open(&shared_404) {
                Some(file) => {
                    let Target::File(path) = shared_404 else {
                        unreachable!("open succeeds only for files")
                    };
                    send(
                        stream,
                        "404 Not Found",
                        &path,
                        file,
                        &status,
                        request.head_only,
                    )
                }
                None => {
                    let body = decorate(page::FALLBACK_404.as_bytes(), &status);
                    let mut out = BufWriter::new(stream);
                    write_head(
                        &mut out,
                        "404 Not Found",
                        content_type(Path::new("404.html")),
                        body.len() as u64,
                        "",
                    )?;
                    if !request.head_only {
                        out.write_all(&body)?;
                    }
                    out.flush()
                }
            }
        }
    }
}

fn open(target: &Target) -> Option<File> {
    match target {
        Target::File(path) => File::open(path).ok(),
        _ => None,
    }
}

/// Waits for a running rebuild to finish; false when none was running.
fn wait_for_build(shared: &Shared) -> bool {
    let status = shared.status();
    if !status.building {
        return false;
    }
    let _ = shared
        .changed
        .wait_timeout_while(status, BUILD_WAIT, |s| s.building && !shared.stopping());
    true
}

/// Sends a file; HTML gets the reload script and any problem banner.
fn send(
    stream: &mut TcpStream,
    status_line: &str,
    path: &Path,
    mut file: File,
    status: &super::Status,
    head_only: bool,
) -> io::Result<()> {
    let kind = content_type(path);
    let mut out = BufWriter::new(stream);
    if kind.starts_with("text/html") {
        let mut html = Vec::new();
        file.read_to_end(&mut html)?;
        let body = decorate(&html, status);
        write_head(&mut out, status_line, kind, body.len() as u64, "")?;
        if !head_only {
            out.write_all(&body)?;
        }
    } else {
        let len = file.metadata()?.len();
        write_head(&mut out, status_line, kind, len, "")?;
        if !head_only {
            io::copy(&mut file.take(len), &mut out)?;
        }
    }
    out.flush()
}

fn decorate(html: &[u8], status: &super::Status) -> Vec<u8> {
    page::inject(
        html,
        status.banner.as_deref(),
        &page::script(status.generation),
    )
}

fn write_head(
    out: &mut impl Write,
    status_line: &str,
    content_type: &str,
    len: u64,
    extra: &str,
) -> io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {status_line}\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\n\
Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n{extra}\r\n"
    )
}

/// A short plain-text answer.
fn plain(
    stream: &mut TcpStream,
    status_line: &str,
    extra: &str,
    head_only: bool,
) -> io::Result<()> {
    let body = format!("{status_line}\n");
    let mut out = BufWriter::new(stream);
    write_head(
        &mut out,
        status_line,
        "text/plain; charset=utf-8",
        body.len() as u64,
        extra,
    )?;
    if !head_only {
        out.write_all(body.as_bytes())?;
    }
    out.flush()
}

/// The reload stream (Server-Sent Events): sends `event: build` with the
/// current generation at once, then whenever a build finishes.
fn events(stream: &mut TcpStream, shared: &Shared, head_only: bool) -> io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
    )?;
    if head_only {
        return stream.flush();
    }
    write!(stream, "retry: 1000\n\n")?;
    let mut sent = None;
    loop {
        let generation = {
            let status = shared.status();
            let (status, _) = shared
                .changed
                .wait_timeout_while(status, KEEP_ALIVE, |s| {
                    Some(s.generation) == sent && !shared.stopping()
                })
                .unwrap_or_else(|e| e.into_inner());
            status.generation
        };
        if shared.stopping() {
            return Ok(());
        }
        if Some(generation) == sent {
            stream.write_all(b": still here\n\n")?;
        } else {
            write!(stream, "event: build\ndata: {generation}\n\n")?;
            sent = Some(generation);
        }
        stream.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("decisions/a")).unwrap();
        std::fs::write(out.join("index.html"), "home").unwrap();
        std::fs::write(out.join("decisions/a/index.html"), "a").unwrap();
        std::fs::write(out.join("style.css"), "css").unwrap();
        std::fs::write(out.join(".plainsight"), "marker").unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("content/secret.md"), "exempt").unwrap();
        let out = out.canonicalize().unwrap();
        (dir, out)
    }

    #[test]
    fn folders_serve_their_index_and_redirect_without_a_slash() {
        let (_dir, out) = site();
        assert_eq!(resolve(&out, "/"), Target::File(out.join("index.html")));
        assert_eq!(
            resolve(&out, "/decisions/a/"),
            Target::File(out.join("decisions/a/index.html"))
        );
        assert_eq!(
            resolve(&out, "/decisions/a"),
            Target::Redirect("/decisions/a/".into())
        );
        assert_eq!(resolve(&out, "/decisions/"), Target::NotFound);
        assert_eq!(
            resolve(&out, "/style.css"),
            Target::File(out.join("style.css"))
        );
        assert_eq!(resolve(&out, "/style.css/"), Target::NotFound);
        assert_eq!(
            resolve(&out, "/st%79le.css"),
            Target::File(out.join("style.css"))
        );
    }

    #[test]
    fn traversal_in_every_spelling_is_not_found() {
        let (dir, out) = site();
        let secret = dir.path().join("content/secret.md");
        let absolute = secret.to_string_lossy().to_string();
        for path in [
            "/../content/secret.md",
            "/%2e%2e/content/secret.md",
            "/%2E%2E/content/secret.md",
            "/..%2fcontent%2fsecret.md",
            "/%2e%2e%2fcontent%2fsecret.md",
            "/decisions/../../content/secret.md",
            "/./../content/secret.md",
            "/..%5ccontent%5csecret.md",
            "/..\\content\\secret.md",
            &format!("/{absolute}"),
            &format!("/%2f{}", absolute.trim_start_matches('/')),
            "/.plainsight",
            "/%00",
            "/%zz",
            "/%",
            "/c:/windows",
            "relative",
        ] {
            assert_eq!(resolve(&out, path), Target::NotFound, "{path}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_out_of_the_output_are_not_found() {
        let (dir, out) = site();
        std::os::unix::fs::symlink(dir.path().join("content/secret.md"), out.join("leak.md"))
            .unwrap();
        std::os::unix::fs::symlink(dir.path().join("content"), out.join("leaks")).unwrap();
        std::os::unix::fs::symlink(out.join("style.css"), out.join("inside.css")).unwrap();
        assert_eq!(resolve(&out, "/leak.md"), Target::NotFound);
        assert_eq!(resolve(&out, "/leaks/secret.md"), Target::NotFound);
        assert_eq!(resolve(&out, "/leaks/"), Target::NotFound);
        assert_eq!(
            resolve(&out, "/inside.css"),
            Target::File(out.join("style.css"))
        );
    }

    #[test]
    fn content_types() {
        for (name, kind) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.css", "text/css; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.json", "application/json"),
            ("a.xml", "application/xml"),
            ("a.csv", "text/csv; charset=utf-8"),
            ("a.txt", "text/plain; charset=utf-8"),
            ("a.ics", "text/calendar; charset=utf-8"),
            ("a.png", "image/png"),
            ("a.JPG", "image/jpeg"),
            ("a.jpeg", "image/jpeg"),
            ("a.webp", "image/webp"),
            ("a.pdf", "application/pdf"),
            ("a", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(name)), kind, "{name}");
        }
    }

    #[test]
    fn requests_are_parsed_strictly() {
        let ok = parse(b"GET /a?b HTTP/1.1\r\nHost: 127.0.0.1:8000").unwrap();
        assert_eq!(
            ok,
            Request {
                head_only: false,
                target: "/a?b".into()
            }
        );
        assert!(
            parse(b"HEAD / HTTP/1.1\r\nhost: localhost:1")
                .unwrap()
                .head_only
        );
        assert!(parse(b"GET / HTTP/1.1\r\nHost: [::1]:8000").is_ok());
        assert!(parse(b"GET / HTTP/1.0").is_ok());
        assert_eq!(
            parse(b"POST / HTTP/1.1\r\nHost: localhost").unwrap_err().0,
            "405 Method Not Allowed"
        );
        assert_eq!(
            parse(b"GET / HTTP/2.0\r\nHost: localhost").unwrap_err().0,
            "505 HTTP Version Not Supported"
        );
        for bad in [
            &b"GET / HTTP/1.1"[..],
            b"GET / HTTP/1.1\r\nHost: attacker.example",
            b"GET / HTTP/1.1\r\nHost: attacker.example:8000",
            b"GET / HTTP/1.1\r\nHost: localhost\r\nHost: localhost",
            b"GET  / HTTP/1.1\r\nHost: localhost",
            b"GET /\x01 HTTP/1.1\r\nHost: localhost",
            b"",
        ] {
            assert_eq!(parse(bad).unwrap_err().0, "400 Bad Request", "{bad:?}");
        }
    }
}
