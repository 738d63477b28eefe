//! Atom feeds (RFC 4287) of decisions, and an iCalendar file (RFC 5545) of
//! the dates when proposed decisions are due.
//!
//! - `feeds/decisions.xml`: all decisions;
//! - `feeds/divisions/SLUG.xml`: one per electoral division;
//! - `feeds/decision-makers/SLUG.xml`: one per decision maker;
//!
//! Each Atom feed holds the [`FEED_ENTRIES`] most recently updated decisions,
//! as feeds usually do: a feed reader needs what changed, and the whole
//! register is in `data/decisions.csv`. (A feed of every decision would grow
//! without limit: 50 MB for 100,000 decisions.)
//! - `feeds/upcoming-decisions.ics`: proposed decisions with a due date.
//!
//! Every date comes from the content, never the clock: an entry is `updated`
//! on the latest date its record carries, and a calendar event is stamped with
//! the same date, so identical content gives identical files and subscribers
//! are not told of changes that did not happen. Identifiers are the decision's
//! address, which never changes.

use super::{Body, Draft, absolute};
use crate::document::{Date, DecisionStatus};
use crate::facets::{FacetKind, Facets, Group};
use crate::visibility::{PublicDecision, PublicSite};

/// The latest date the decision's record carries: taken, withdrawn, a call-in
/// date, a step of its pathway, the day the record was published or an
/// amendment to it; failing those, when it is due.
pub fn updated(d: &PublicDecision) -> Option<Date> {
    let call_in = d
        .call_in()
        .as_ref()
        .map(|c| [c.deadline, c.implement_from])
        .unwrap_or_default();
    [d.taken(), d.withdrawn(), d.record_published()]
        .into_iter()
        .chain(call_in)
        .chain(d.pathway().iter().map(|s| Some(s.date)))
        .chain(d.amended().iter().map(|a| Some(a.on)))
        .flatten()
        .max()
        .or(d.due())
}

/// Where a decision stands, as a feed entry says it: the status as the
/// site shows it (the council's label, or ours), then its date: "Taken on
/// 2024-03-01", "Decision Made, taken on 2024-03-01", "For Determination,
/// expected in September 2024".
fn state(d: &PublicDecision) -> String {
    let when = match (d.status(), d.date()) {
        (DecisionStatus::Proposed, Some(due)) => match d.expected() {
            Some(e) => format!("expected {}", e.words()),
            None => format!("due {due}"),
        },
        (DecisionStatus::Taken, Some(taken)) => format!("taken on {taken}"),
        (DecisionStatus::CalledIn, Some(taken)) => format!("taken on {taken}, called in"),
        (DecisionStatus::Withdrawn, Some(on)) => format!("withdrawn on {on}"),
        (_, None) => return d.shown_status().to_string(),
    };
    match (d.council_status_label(), d.status()) {
        (Some(label), _) => format!("{label}, {when}"),
        (None, DecisionStatus::Proposed) => format!("Proposed, {when}"),
        (None, _) => {
            let mut chars = when.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_uppercase().collect::<String>() + chars.as_str()
            })
        }
    }
}

/// Atom's `published` for a decision (RFC 4287, 4.2.9): the day its record
/// was published (`record_published`), else the first public sign of it,
/// its notice in the forward plan (`notice_published`).
pub fn published(d: &PublicDecision) -> Option<Date> {
    d.record_published().or(d.notice_published())
}

pub(super) fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub(super) fn atom_date(date: Date) -> String {
    format!("{date}T00:00:00Z")
}

/// Entries in each Atom feed: the most recently updated decisions.
pub const FEED_ENTRIES: usize = 100;

/// The `updated` of a feed whose entries were updated on `dates`: the
/// latest, or the epoch (which says "never") when no entry has a date.
pub(super) fn feed_updated(dates: impl Iterator<Item = Date>) -> String {
    dates
        .max()
        .map(atom_date)
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}

/// An Atom feed's opening and its own elements, before its entries: its
/// address is `path`, its page `alternate` (both from the site's root).
pub(super) fn atom_head(
    site: &PublicSite,
    path: &str,
    title: &str,
    alternate: &str,
    feed_updated: &str,
) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en-GB\">\n");
    out.push_str(&format!(
        "  <id>{}</id>\n",
        xml_escape(&absolute(site, path))
    ));
    out.push_str(&format!("  <title>{}</title>\n", xml_escape(title)));
    out.push_str(&format!(
        "  <subtitle>{}</subtitle>\n",
        xml_escape(&site.config().tagline)
    ));
    out.push_str(&format!("  <updated>{feed_updated}</updated>\n"));
    out.push_str(&format!(
        "  <author><name>{}</name><uri>{}</uri></author>\n",
        xml_escape(&site.config().organisation.name),
        xml_escape(&site.config().organisation.url)
    ));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&absolute(site, path))
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&absolute(site, alternate))
    ));
    out.push_str(&format!(
        "  <rights>{}</rights>\n",
        xml_escape(&site.config().licence.name)
    ));
    out
}

/// An Atom feed of `decisions`: the [`FEED_ENTRIES`] most recently updated, newest first.
fn atom(site: &PublicSite, path: &str, title: &str, decisions: &[&PublicDecision]) -> Vec<u8> {
    let mut sorted: Vec<&PublicDecision> = decisions.to_vec();
    sorted.sort_by(|a, b| {
        updated(b)
            .cmp(&updated(a))
            .then_with(|| b.number().cmp(a.number()))
    });
    sorted.truncate(FEED_ENTRIES);
    let feed_updated = feed_updated(sorted.iter().filter_map(|d| updated(d)));
    let mut out = atom_head(site, path, title, "decisions/", &feed_updated);
    for d in sorted {
        let url = absolute(site, &format!("decisions/{}/", d.slug()));
        let entry_updated = updated(d)
            .map(atom_date)
            .unwrap_or_else(|| feed_updated.clone());
        let state = state(d);
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>{}</id>\n", xml_escape(&url)));
        out.push_str(&format!(
            "    <title>{}: {}</title>\n",
            xml_escape(d.number()),
            xml_escape(d.title().trim())
        ));
        out.push_str(&format!("    <updated>{entry_updated}</updated>\n"));
        if let Some(published) = published(d) {
            out.push_str(&format!(
                "    <published>{}</published>\n",
                atom_date(published)
            ));
        }
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&url)
        ));
        out.push_str(&format!(
            "    <category term=\"{}\" label=\"{}\"/>\n",
            crate::document::status_name(d.status()),
            xml_escape(&state)
        ));
        out.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            xml_escape(&format!(
                "{} ({state}. Decision maker: {}.)",
                d.summary().trim(),
                d.decision_maker()
            ))
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out.into_bytes()
}

/// Escapes a TEXT value (RFC 5545, 3.3.11).
pub(super) fn ics_text(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets, never inside a character (RFC 5545,
/// 3.1), and before a space where one is in reach, so that no word (an
/// email address, a word the leak scan looks for) is split across lines:
/// the leak scan and the personal-data guard read the file as it is
/// written, and a word split by a fold would read to them as two.
pub(super) fn ics_line(out: &mut String, line: &str) {
    const LIMIT: usize = 75;
    let mut rest = line;
    // The first line holds 75 octets; each folded line 74 after its space.
    let mut room = LIMIT;
    while rest.len() > room {
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        // Before the last space in reach, if that leaves something on this line.
        if let Some(space) = rest[..cut].rfind(' ').filter(|&i| i > 0) {
            cut = space;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = LIMIT - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

pub(super) fn ics_date(date: Date) -> String {
    date.0.format("%Y%m%d").to_string()
}

/// A calendar's opening lines: made by plainsight's `product`, called `name`.
pub(super) fn ics_head(out: &mut String, product: &str, name: &str) {
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        &format!("PRODID:-//plainsight//{product}//EN"),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        ics_line(out, line);
    }
    ics_line(out, &format!("X-WR-CALNAME:{}", ics_text(name)));
}

/// The decisions the calendar has an event for: proposed, with a due date.
fn upcoming(site: &PublicSite) -> impl Iterator<Item = (&PublicDecision, Date)> {
    site.decisions()
        .iter()
        .filter_map(|d| match (d.status(), d.due()) {
            (DecisionStatus::Proposed, Some(due)) => Some((d, due)),
            _ => None,
        })
}

/// An all-day event on each proposed decision's due date, written to
/// `write` an event at a time (the calendar grows with the site).
pub fn calendar(site: &PublicSite, write: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut out = String::new();
    let name = format!("Upcoming decisions: {}", site.config().organisation.name);
    ics_head(&mut out, "decisions", &name);
    for (d, due) in upcoming(site) {
        write.write_all(out.as_bytes())?;
        out.clear();
        let url = absolute(site, &format!("decisions/{}/", d.slug()));
        let stamp = updated(d).unwrap_or(due);
        ics_line(&mut out, "BEGIN:VEVENT");
        // RFC 7986 5.3: a UUID, stable across builds (name-based from the site
        // and decision). Not `id@host`, which reads like an email address.
        let uid = super::stable_uuid(site, &format!("decision/{}/due", d.slug()));
        ics_line(&mut out, &format!("UID:{uid}"));
        ics_line(&mut out, &format!("DTSTAMP:{}T000000Z", ics_date(stamp)));
        // As the forward plan's calendar: a decision expected only in a
        // month is an all-day event across the month, titled so.
        let (start, next) = match d.expected() {
            Some(crate::document::Expected::In(m)) => (m.first_day(), m.next_first_day()),
            _ => (due, Date(due.0.succ_opt().unwrap_or(due.0))),
        };
        let words = d
            .expected()
            .map_or_else(|| format!("on {}", due.in_words()), |e| e.words());
        ics_line(&mut out, &format!("DTSTART;VALUE=DATE:{}", ics_date(start)));
        ics_line(&mut out, &format!("DTEND;VALUE=DATE:{}", ics_date(next)));
        ics_line(
            &mut out,
            &format!(
                "SUMMARY:{}",
                ics_text(&format!(
                    "Decision {} due {words}: {}",
                    d.number(),
                    d.title().trim()
                ))
            ),
        );
        ics_line(
            &mut out,
            &format!(
                "DESCRIPTION:{}",
                ics_text(&format!(
                    "{}\n\nDecision maker: {}.\n{url}",
                    d.summary().trim(),
                    d.decision_maker()
                ))
            ),
        );
        ics_line(&mut out, &format!("URL:{url}"));
        ics_line(&mut out, "TRANSP:TRANSPARENT");
        ics_line(&mut out, "END:VEVENT");
    }
    ics_line(&mut out, "END:VCALENDAR");
    write.write_all(out.as_bytes())
}

/// Every feed and the calendar; the feeds per division and per decision
/// maker are `facets`' groups, so each shares its slug with its register
/// page (and two names that slugify alike have a feed each).
pub fn render<'a>(site: &'a PublicSite, facets: &Facets) -> Vec<Draft<'a>> {
    let all: Vec<&PublicDecision> = site.decisions().iter().collect();
    let feed =
        |path: String, title: String, description: String, decisions: &[&PublicDecision]| Draft {
            body: Body::Bytes(atom(site, &path, &title, decisions)),
            path,
            title,
            description,
            format: "Atom feed",
            media_type: "application/atom+xml",
            rows: Some(decisions.len().min(FEED_ENTRIES)),
            withheld: vec![],
            key: None,
        };
    let mut drafts = vec![feed(
        "feeds/decisions.xml".into(),
        format!("Decisions: {}", site.config().organisation.name),
        format!(
            "Up to the {FEED_ENTRIES} most recently updated decisions, newest first, with their plain summaries. Add it to a feed reader to hear of new and changed decisions."
        ),
        &all,
    )];
    // In slug order, as the /data/ page lists them.
    let by_slug = |kind: FacetKind| {
        let mut groups: Vec<&Group> = facets.get(kind).groups.iter().collect();
        groups.sort_by(|a, b| a.slug.cmp(&b.slug));
        groups
    };
    for group in by_slug(FacetKind::Division) {
        let division = &group.name;
        let title = if group.all {
            "Decisions affecting all electoral divisions".to_string()
        } else {
            format!("Decisions affecting {division}")
        };
        drafts.push(feed(
            format!("feeds/divisions/{}.xml", group.slug),
            title,
            format!("Up to the {FEED_ENTRIES} most recently updated decisions that affect the electoral division: {division}."),
            &group.decisions,
        ));
    }
    for group in by_slug(FacetKind::Maker) {
        let maker = &group.name;
        drafts.push(feed(
            format!("feeds/decision-makers/{}.xml", group.slug),
            format!("Decisions by the {maker}"),
            format!("Up to the {FEED_ENTRIES} most recently updated decisions made or proposed by the {maker}."),
            &group.decisions,
        ));
    }
    let count = upcoming(site).count();
    drafts.push(Draft {
        path: "feeds/upcoming-decisions.ics".into(),
        body: Body::Stream(Box::new(|out| calendar(site, out))),
        title: "Upcoming decisions calendar".into(),
        description: "The day each proposed decision is due, as a calendar you can subscribe to in Outlook, Google Calendar or Apple Calendar.".into(),
        format: "iCalendar",
        media_type: "text/calendar",
        rows: Some(count),
        withheld: vec![],
        key: None,
    });
    drafts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ics_lines_fold_at_75_octets() {
        let mut out = String::new();
        ics_line(&mut out, &"é".repeat(60));
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert_eq!(out.replace("\r\n ", ""), format!("{}\r\n", "é".repeat(60)));
        assert_eq!(ics_text("a,b;c\nd"), "a\\,b\\;c\\nd");
    }

    #[test]
    fn ics_lines_fold_between_words() {
        let words: Vec<String> = (0..40)
            .map(|i| format!("word{i}é{}", "x".repeat(i % 9)))
            .collect();
        let line = format!(
            "DESCRIPTION:{} democratic.services@example.org",
            words.join(" ")
        );
        let mut out = String::new();
        ics_line(&mut out, &line);
        // Unfolded, it is the line again; folded, every word is whole.
        assert_eq!(out.replace("\r\n ", ""), format!("{line}\r\n"));
        let mut read: Vec<&str> = Vec::new();
        for physical in out.split("\r\n") {
            assert!(physical.len() <= 75, "{physical}");
            read.extend(physical.split_whitespace());
        }
        let expected: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(read, expected);
        // A word longer than a line is folded inside, as it must be.
        let mut out = String::new();
        ics_line(&mut out, &format!("URL:{}", "a".repeat(200)));
        assert_eq!(
            out.replace("\r\n ", ""),
            format!("URL:{}\r\n", "a".repeat(200))
        );
    }
}
