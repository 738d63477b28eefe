//! What `serve` adds to HTML responses as they are sent: a banner listing the
//! last build's problems, and a small script that reloads the page when a
//! build finishes. Built files are never changed; pages work as before with
//! JavaScript off (the banner is plain HTML and needs no script).
//!
//! The banner shows diagnostics, which never contain exempt text: the library
//! redacts exempt values from every message it makes.

use crate::diagnostics::Severity;
use crate::{Error, Outcome};

/// The banner for a build's problems, or `None` when it built.
pub fn banner(result: Result<&Outcome, &Error>) -> Option<String> {
    let mut items = String::new();
    let summary = match result {
        Ok(outcome) if !outcome.has_errors() => return None,
        Ok(outcome) => {
            for d in &outcome.diagnostics {
                let severity = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                let place = match (d.line, d.column) {
                    (0, _) => d.file.clone(),
                    (line, 0) => format!("{}:{line}", d.file),
                    (line, column) => format!("{}:{line}:{column}", d.file),
                };
                items.push_str(&format!(
                    "<li style=\"margin:0 0 .75em\"><code style=\"{CODE}\">{}</code> <strong>{severity}:</strong> {}",
                    crate::render::html_escape(&place),
                    crate::render::html_escape(&d.message)
                ));
                if let Some(help) = &d.help {
                    items.push_str(&format!("<br>help: {}", crate::render::html_escape(help)));
                }
                items.push_str("</li>");
            }
            let errors = outcome
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            format!(
                "The site did not build: {errors} error{}.",
                if errors == 1 { "" } else { "s" }
            )
        }
        Err(error) => {
            items.push_str(&format!(
                "<li style=\"white-space:pre-wrap\">{}</li>",
                crate::render::html_escape(&error.to_string())
            ));
            "The site could not be built.".to_string()
        }
    };
    Some(format!(
        "<div id=\"plainsight-problems\" role=\"alert\" style=\"{BOX}\">\
<p style=\"margin:0 0 .5em;font-size:1.25em\"><strong>{summary}</strong></p>\
<p style=\"margin:0 0 .75em\">You are seeing the last version that built. \
Fix these and save: the page reloads when the site builds. \
This notice is added by <code style=\"{CODE}\">plainsight serve</code> and is never published.</p>\
<ul style=\"margin:0;padding-left:1.25em\">{items}</ul></div>"
    ))
}

/// Dark text on white with a red border: about 19:1 contrast, readable at
/// 320 pixels wide (it wraps, and is in the flow of the page rather than over it).
const BOX: &str = "position:relative;z-index:2147483647;box-sizing:border-box;max-width:100%;\
margin:0;padding:1em;border:5px solid #d4351c;background:#ffffff;color:#0b0c0c;\
font:1rem/1.5 system-ui,sans-serif;overflow-wrap:anywhere;text-align:left";
const CODE: &str = "background:#f3f2f1;color:#0b0c0c;padding:0 .2em;font-family:monospace";

/// The reload script: listens for builds, reloads when one finished after
/// this page was served. `generation` is the build the page came from.
pub fn script(generation: u64) -> String {
    format!(
        "<script>/* added by plainsight serve; never published */(function(){{\
if(!window.EventSource)return;\
var s=new EventSource(\"{path}\");\
s.addEventListener(\"build\",function(e){{if(e.data!==\"{generation}\"){{s.close();location.reload();}}}});\
}})();</script>",
        path = super::EVENTS_PATH
    )
}

/// `html` with `banner` placed first in the body and `script` before `</body>`.
pub fn inject(html: &[u8], banner: Option<&str>, script: &str) -> Vec<u8> {
    let lower = html.to_ascii_lowercase();
    let body_open = find(&lower, b"<body")
        .and_then(|start| find(&lower[start..], b">").map(|end| start + end + 1));
    let body_close = rfind(&lower, b"</body");
    let mut out = Vec::with_capacity(html.len() + script.len() + banner.map_or(0, str::len));
    let banner = banner.unwrap_or("").as_bytes();
    match (body_open, body_close) {
        (Some(open), Some(close)) if open <= close => {
            out.extend_from_slice(&html[..open]);
            out.extend_from_slice(banner);
            out.extend_from_slice(&html[open..close]);
            out.extend_from_slice(script.as_bytes());
            out.extend_from_slice(&html[close..]);
        }
        (Some(open), _) => {
            out.extend_from_slice(&html[..open]);
            out.extend_from_slice(banner);
            out.extend_from_slice(&html[open..]);
            out.extend_from_slice(script.as_bytes());
        }
        _ => {
            out.extend_from_slice(banner);
            out.extend_from_slice(html);
            out.extend_from_slice(script.as_bytes());
        }
    }
    out
}

/// A page for a missing file when the site has no 404.html (for example
/// when the first build failed and nothing has been built yet).
pub const FALLBACK_404: &str = "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Page not found</title>\n</head>\n\
<body>\n<main>\n<h1>Page not found</h1>\n<p>There is no page at this address in the built site.</p>\n</main>\n</body>\n</html>\n";

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diagnostic, Position};

    fn failed(diagnostics: Vec<Diagnostic>) -> Outcome {
        Outcome {
            diagnostics,
            report: None,
            files_written: 0,
            language: None,
            timings: Default::default(),
            reuse: None,
        }
    }

    #[test]
    fn banner_goes_first_in_the_body_and_script_last() {
        let html = b"<!DOCTYPE html><HTML><Body class=\"x\"><p>hi</p></BODY></html>";
        let out = String::from_utf8(inject(html, Some("[B]"), "[S]")).unwrap();
        assert_eq!(
            out,
            "<!DOCTYPE html><HTML><Body class=\"x\">[B]<p>hi</p>[S]</BODY></html>"
        );
    }

    #[test]
    fn pages_without_a_body_still_get_both() {
        let out = String::from_utf8(inject(b"<p>bare</p>", Some("[B]"), "[S]")).unwrap();
        assert_eq!(out, "[B]<p>bare</p>[S]");
        let out = String::from_utf8(inject(b"<body><p>open", None, "[S]")).unwrap();
        assert_eq!(out, "<body><p>open[S]");
    }

    #[test]
    fn banner_lists_diagnostics_escaped_with_place_and_help() {
        let outcome = failed(vec![
            Diagnostic::error("content/a.md", "unknown key `<statsu>`")
                .at(Position { line: 3, column: 1 })
                .help("did you mean `status`?"),
            Diagnostic::warning("content/b.md", "long sentence")
                .at(Position { line: 9, column: 0 }),
        ]);
        let banner = banner(Ok(&outcome)).unwrap();
        assert!(banner.contains("role=\"alert\""));
        assert!(banner.contains("The site did not build: 1 error."));
        assert!(banner.contains("content/a.md:3:1</code> <strong>error:</strong> unknown key `&lt;statsu&gt;`<br>help: did you mean `status`?"));
        assert!(banner.contains("content/b.md:9</code> <strong>warning:</strong> long sentence"));
    }

    #[test]
    fn no_banner_after_a_good_build() {
        let outcome = failed(vec![Diagnostic::warning("content/b.md", "long")]);
        assert!(banner(Ok(&outcome)).is_none());
    }

    #[test]
    fn script_reloads_only_for_another_generation() {
        let s = script(7);
        assert!(s.contains("EventSource(\"/__plainsight/events\")"));
        assert!(s.contains("e.data!==\"7\""));
    }
}
