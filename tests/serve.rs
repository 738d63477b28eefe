//! `plainsight serve` over real sockets on 127.0.0.1: the built site is
//! served as built, an edit rebuilds and fires the reload stream, a broken
//! edit keeps the last good site with the errors shown, and nothing outside
//! the output folder (above all, the exempt sources in content/) is served.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use plainsight::serve::{self, EVENTS_PATH, Event, Server};
use plainsight::{Options, Outcome};

/// Text only in the fixture's exempt appendix.
const EXEMPT: &str = "Quillfeather";
const APPENDIX: &str = "content/decisions/24-00001/appendix-1.md";
const DECISION: &str = "content/decisions/24-00001/decision.md";
const TITLE: &str = "Buying library outreach services";
/// The longest any wait in these tests may take.
const WAIT: Duration = Duration::from_secs(10);

fn start(root: &Path) -> (Server, Outcome) {
    serve::start(Options::for_root(root), 0).expect("server starts")
}

struct Response {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `target` exactly as given (no normalisation, unlike a browser).
fn request(addr: SocketAddr, method: &str, target: &str) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Response {
        status,
        head,
        body: raw[split + 4..].to_vec(),
    }
}

fn get(addr: SocketAddr, target: &str) -> Response {
    request(addr, "GET", target)
}

/// A client of the reload stream, as the injected script is.
struct Reloads {
    reader: BufReader<TcpStream>,
}

impl Reloads {
    fn open(addr: SocketAddr) -> Reloads {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        write!(stream, "GET {EVENTS_PATH} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        let mut reader = BufReader::new(stream);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            head.push_str(&line);
        }
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.contains("Content-Type: text/event-stream"), "{head}");
        Reloads { reader }
    }

    /// The generation of the next `build` event (waits at most [`WAIT`]).
    fn next_build(&mut self) -> u64 {
        let mut in_build = false;
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).expect("an event in time");
            assert!(n > 0, "the reload stream closed");
            let line = line.trim_end();
            if line == "event: build" {
                in_build = true;
            } else if let (true, Some(data)) = (in_build, line.strip_prefix("data: ")) {
                return data.parse().unwrap();
            } else if line.is_empty() {
                in_build = false;
            }
        }
    }

    /// True when the server closed the stream.
    fn closed(&mut self) -> bool {
        let mut rest = Vec::new();
        self.reader.read_to_end(&mut rest).is_ok()
    }
}

/// Polls until `done`, failing after [`WAIT`].
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < WAIT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn next_rebuild(server: &Server) -> Result<Outcome, plainsight::Error> {
    let started = Instant::now();
    loop {
        let left = WAIT.saturating_sub(started.elapsed());
        match server
            .events()
            .recv_timeout(left)
            .expect("a rebuild in time")
        {
            Event::Changed { .. } => {}
            Event::Rebuilt { result, .. } => return *result,
        }
    }
}

#[test]
fn an_edit_rebuilds_and_fires_the_reload_stream() {
    let site = fixture("minimal");
    let (server, first) = start(site.path());
    assert_ok(&first);
    assert!(server.url().starts_with("http://127.0.0.1:"));
    let addr = server.addr();
    assert!(addr.ip().is_loopback());

    let page = get(addr, "/decisions/24-00001/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(page.text().contains(TITLE));
    assert!(page.text().contains(EVENTS_PATH), "reload script injected");

    let mut reloads = Reloads::open(addr);
    assert_eq!(
        reloads.next_build(),
        0,
        "the stream starts with the current build"
    );

    replace(
        &site.path().join(DECISION),
        &format!("title = \"{TITLE}\""),
        "title = \"Buying library visits for every reader\"",
    );
    wait_until("the page to show the edit", || {
        get(addr, "/decisions/24-00001/")
            .text()
            .contains("Buying library visits for every reader")
    });
    assert_eq!(reloads.next_build(), 1, "the reload stream fired");
    let events: Vec<Event> = std::iter::from_fn(|| server.events().recv_timeout(WAIT).ok())
        .take(2)
        .collect();
    match &events[..] {
        [Event::Changed { paths }, Event::Rebuilt { result, .. }] => {
            assert_eq!(paths, &[DECISION]);
            assert_ok(result.as_ref().as_ref().unwrap());
        }
        other => panic!("unexpected events {other:?}"),
    }
    // The page now reloads only for the build after this one.
    assert!(
        get(addr, "/decisions/24-00001/")
            .text()
            .contains("e.data!==\"1\"")
    );

    server.stop();
    assert!(reloads.closed(), "stopping ends the reload streams");
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(),
        "nothing listens after stop"
    );
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_and_shows_the_errors() {
    let site = fixture("minimal");
    let (server, first) = start(site.path());
    assert_ok(&first);
    let addr = server.addr();
    let mut reloads = Reloads::open(addr);
    assert_eq!(reloads.next_build(), 0);
    let good_on_disk = files(&site.path().join("public"));

    let decision = site.path().join(DECISION);
    let original = std::fs::read_to_string(&decision).unwrap();
    std::fs::write(
        &decision,
        original
            .replace("status = \"taken\"", "statsu = \"taken\"")
            .replace(TITLE, "A title from the broken edit"),
    )
    .unwrap();
    assert_eq!(reloads.next_build(), 1, "a failed build reloads too");
    let outcome = next_rebuild(&server).expect("content errors, not an internal failure");
    assert!(outcome.has_errors());

    let page = get(addr, "/decisions/24-00001/");
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(text.contains(TITLE), "the last good page is still served");
    assert!(!text.contains("A title from the broken edit"));
    assert!(text.contains("role=\"alert\""));
    assert!(text.contains("content/decisions/24-00001/decision.md:7:1"));
    assert!(text.contains("unknown key `statsu`"));
    assert!(text.contains("help: did you mean `status`?"));
    assert!(!text.contains(EXEMPT));
    // Every HTML response carries it, the 404 page too.
    let missing = get(addr, "/no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("unknown key `statsu`"));
    // Nothing on disk changed.
    assert_eq!(files(&site.path().join("public")), good_on_disk);

    std::fs::write(&decision, &original).unwrap();
    assert_eq!(reloads.next_build(), 2);
    assert_ok(&next_rebuild(&server).unwrap());
    let fixed = get(addr, "/decisions/24-00001/").text();
    assert!(
        !fixed.contains("role=\"alert\""),
        "the banner goes once fixed"
    );
    server.stop();
}

#[test]
fn nothing_outside_the_output_folder_is_ever_served() {
    let site = fixture("minimal");
    let (server, first) = start(site.path());
    assert_ok(&first);
    let addr = server.addr();
    let appendix = site.path().join(APPENDIX);
    assert!(
        text(site.path(), APPENDIX).contains(EXEMPT),
        "the exempt source is there to be stolen"
    );
    let out = site.path().join("public");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&appendix, out.join("leak.md")).unwrap();
        std::os::unix::fs::symlink(site.path().join("content"), out.join("leaks")).unwrap();
    }
    let absolute = appendix.to_string_lossy().into_owned();
    let targets = [
        format!("/../{APPENDIX}"),
        format!("/../../{APPENDIX}"),
        format!("/decisions/../../{APPENDIX}"),
        format!("/decisions/24-00001/../../../{APPENDIX}"),
        format!("/%2e%2e/{APPENDIX}"),
        format!("/%2E%2E/{APPENDIX}"),
        format!("/.%2e/{APPENDIX}"),
        format!("/%2e%2e%2f{}", APPENDIX.replace('/', "%2f")),
        format!("/..%2F{APPENDIX}"),
        format!("/..%5c{}", APPENDIX.replace('/', "%5c")),
        format!("/..\\{}", APPENDIX.replace('/', "\\")),
        format!("/./../{APPENDIX}"),
        format!("/{absolute}"),
        format!("/%2f{}", absolute.trim_start_matches('/')),
        absolute.clone(),
        format!("http://{addr}/../{APPENDIX}"),
        "/leak.md".into(),
        "/leaks/decisions/24-00001/appendix-1.md".into(),
        "/.plainsight".into(),
        "/decisions/24-00001/appendix-1/".into(),
        "/decisions/24-00001/appendix-1.md".into(),
    ];
    for target in &targets {
        for method in ["GET", "HEAD"] {
            let response = request(addr, method, target);
            assert_eq!(response.status, 404, "{method} {target}");
            assert!(
                !response.text().contains(EXEMPT) && !response.head.contains(EXEMPT),
                "{method} {target} leaked exempt text"
            );
        }
    }
    server.stop();
}

#[test]
fn served_bytes_are_the_built_bytes_and_disk_matches_plainsight_build() {
    let site = fixture("minimal");
    let (server, first) = start(site.path());
    assert_ok(&first);
    let addr = server.addr();
    let served = files(&site.path().join("public"));
    let script = serve::page::script(0);
    for (path, bytes) in &served {
        if path.starts_with('.') {
            continue;
        }
        let response = get(addr, &format!("/{path}"));
        assert_eq!(response.status, 200, "{path}");
        if path.ends_with(".html") {
            let body = response.text().replacen(&script, "", 1);
            assert_eq!(
                body.as_bytes(),
                &bytes[..],
                "{path} differs beyond the script"
            );
        } else {
            assert_eq!(&response.body, bytes, "{path}");
        }
    }
    server.stop();

    let other = tempfile::tempdir().unwrap();
    assert_ok(&build_into(site.path(), &other.path().join("public")));
    assert_eq!(
        files(&site.path().join("public")),
        files(&other.path().join("public")),
        "serve writes exactly what build writes, and serving changes nothing"
    );
}

#[test]
fn folders_types_methods_and_hosts() {
    let site = fixture("minimal");
    let (server, first) = start(site.path());
    assert_ok(&first);
    let addr = server.addr();

    let redirect = get(addr, "/decisions?page=2");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("Location"), Some("/decisions/?page=2"));
    assert_eq!(get(addr, "/decisions/").status, 200);

    for (path, kind) in [
        ("/assets/style.css", "text/css; charset=utf-8"),
        ("/data/decisions.csv", "text/csv; charset=utf-8"),
        ("/data/decisions.json", "application/json"),
        ("/sitemap.xml", "application/xml"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        (
            "/feeds/upcoming-decisions.ics",
            "text/calendar; charset=utf-8",
        ),
    ] {
        let response = get(addr, path);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.header("Content-Type"), Some(kind), "{path}");
        assert!(
            !response.text().contains(EVENTS_PATH),
            "{path}: only HTML is touched"
        );
    }

    let full = get(addr, "/");
    let head = request(addr, "HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("Content-Length"),
        Some(full.body.len().to_string().as_str())
    );

    let missing = get(addr, "/nowhere.html");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.text().replacen(&serve::page::script(0), "", 1),
        text(&site.path().join("public"), "404.html"),
        "the site's own 404 page"
    );

    let post = request(addr, "POST", "/");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("Allow"), Some("GET, HEAD"));

    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(stream, "GET / HTTP/1.1\r\nHost: attacker.example\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    server.stop();
}
