//! The forward plan as an iCalendar file (RFC 5545) and an Atom feed
//! (RFC 4287), to subscribe to:
//!
//! - `forward-plan/forward-plan.ics`: an all-day event on the day each
//!   proposed decision is expected, and, for a decision with papers to be
//!   taken in private, one on the last day to ask for it to be public;
//! - `feeds/forward-plan.xml`: an entry for each proposed decision.
//!
//! Both say what the forward plan page says, in plain text: what is to be
//! decided, by whom, when, its notice and the earliest day the law allows,
//! any urgency route, and what is private and why. Dates come from the
//! content ([`stamp`]), never the clock; identifiers from the site's address
//! and the decision's number, so they never change between builds.

use super::feeds::{
    atom_date, atom_head, feed_updated, ics_date, ics_head, ics_line, ics_text, updated, xml_escape,
};
use super::{Body, Draft, absolute};
use crate::document::{Date, Expected, UrgencyRoute};
use crate::timetable::{self, PlanEntry};
use crate::visibility::{PublicDecision, PublicSite};

/// Where the calendar is published, beside the forward plan's page.
pub const CALENDAR: &str = "forward-plan/forward-plan.ics";

/// Where the feed is published, beside the site's other feeds.
pub const FEED: &str = "feeds/forward-plan.xml";

/// The latest day the record of `d` carries, for DTSTAMP and `updated`:
/// what [`updated`] takes, its notice and the day the scrutiny chair was told.
pub fn stamp(d: &PublicDecision) -> Option<Date> {
    [
        updated(d),
        d.notice_published(),
        d.urgency().map(|u| u.scrutiny_chair),
    ]
    .into_iter()
    .flatten()
    .max()
}

/// Every entry of the forward plan, key decisions and others together,
/// soonest first (ties by number).
fn entries(site: &PublicSite) -> Vec<PlanEntry<'_>> {
    let (key, other) = timetable::forward_plan(site);
    let mut all: Vec<PlanEntry> = key.into_iter().chain(other).collect();
    all.sort_by(|a, b| (a.expected, a.decision.number()).cmp(&(b.expected, b.decision.number())));
    all
}

/// What the forward plan says of one decision, in plain sentences, a
/// paragraph a line. (The calendar joins them with spaces: an escaped line
/// break, `\n`, would run into the next word for anything that reads the
/// file as it is written, the leak scan among them.)
fn described(site: &PublicSite, e: &PlanEntry) -> String {
    let d = e.decision;
    let contact = &site.config().contact;
    let mut text = format!(
        "{}\nExpected {}. To be decided by the {}.",
        d.summary().trim().replace('\n', " "),
        expected_words(e),
        d.decision_maker()
    );
    if let Some((notice, earliest)) = e.notice {
        text.push_str(&format!(
            "\nFirst in the forward plan on {}.",
            notice.in_words()
        ));
        if d.key_decision() {
            text.push_str(&format!(
                " Key decision: the earliest date the law allows is {} (28 clear days after the notice).",
                earliest.in_words()
            ));
        }
    }
    if let Some(u) = d.urgency() {
        let route = match u.route {
            UrgencyRoute::GeneralException => format!(
                "the general exception (the chair of the overview and scrutiny committee was told in writing on {})",
                u.scrutiny_chair.in_words()
            ),
            UrgencyRoute::SpecialUrgency => format!(
                "special urgency (the chair of the overview and scrutiny committee agreed on {} that it cannot reasonably wait)",
                u.scrutiny_chair.in_words()
            ),
        };
        text.push_str(&format!(
            "\nIt is to be made sooner, under {route}. Why: {}",
            u.reasons.trim()
        ));
    }
    if let Some(m) = &e.private {
        text.push_str("\nPart of this decision will be made in private:");
        for p in &m.parts {
            text.push_str(&format!(
                " {}, because it contains information about {} ({} of Part 1 of Schedule 12A to the Local Government Act 1972).",
                p.title,
                p.notice.covers(),
                p.notice.paragraphs_words()
            ));
        }
        let by = match m.representations_by {
            Some(by) => format!("by {}", by.in_words()),
            None => "as soon as you can (the decision is urgent)".to_string(),
        };
        text.push_str(&format!(
            " To ask for it to be made in public, tell {} why, {by}: {}, {}. The council will publish its answer by {}.",
            contact.team,
            contact.email,
            contact.phone,
            m.second_notice_by.in_words()
        ));
    }
    text.push_str(&format!(
        "\nAsk about it: {}, {}, {}.",
        contact.team, contact.email, contact.phone
    ));
    text
}

/// "on 26 March 2024", "on or after 1 September 2024", "in September 2024".
fn expected_words(e: &PlanEntry) -> String {
    e.decision
        .expected()
        .map_or_else(|| format!("on {}", e.expected.in_words()), |x| x.words())
}

/// The days an expected decision's event covers, the last exclusive: the
/// day itself, or, for a decision expected only in a month, the whole
/// month. An event on the 1st would tell a calendar the wrong day, and
/// leaving it out would drop a decision the plan lists; an all-day event
/// across the month, marked free (`TRANSP:TRANSPARENT`) like every event
/// here and titled "expected in September 2024", says what is known and
/// no more. A decision expected on or after a day has its event on that
/// day, titled so.
fn expected_days(e: &PlanEntry) -> (Date, Date) {
    match e.decision.expected() {
        Some(Expected::In(month)) => (month.first_day(), month.next_first_day()),
        _ => (
            e.expected,
            Date(e.expected.0.succ_opt().unwrap_or(e.expected.0)),
        ),
    }
}

/// The iCalendar: an all-day event on each expected day (across the month
/// for a decision expected only in a month: [`expected_days`]), and one on
/// each last day to ask for a private decision to be public.
pub fn calendar(site: &PublicSite, write: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut out = String::new();
    let name = format!("Forward plan: {}", site.config().organisation.name);
    ics_head(&mut out, "forward plan", &name);
    for e in entries(site) {
        write.write_all(out.as_bytes())?;
        out.clear();
        let d = e.decision;
        let url = absolute(site, &format!("decisions/{}/", d.slug()));
        let stamp = stamp(d).unwrap_or(e.expected);
        let key = if d.key_decision() {
            " (key decision)"
        } else {
            ""
        };
        let mut event =
            |what: &str, (day, next): (Date, Date), summary: String, description: String| {
                ics_line(&mut out, "BEGIN:VEVENT");
                // RFC 7986 5.3: a UUID named from the site's address and the
                // decision's number, stable across builds. Not `number@host`,
                // which the personal-data guard would read as an email address.
                let uid = super::stable_uuid(site, &format!("forward-plan/{}/{what}", d.number()));
                ics_line(&mut out, &format!("UID:{uid}"));
                ics_line(&mut out, &format!("DTSTAMP:{}T000000Z", ics_date(stamp)));
                ics_line(&mut out, &format!("DTSTART;VALUE=DATE:{}", ics_date(day)));
                ics_line(&mut out, &format!("DTEND;VALUE=DATE:{}", ics_date(next)));
                ics_line(&mut out, &format!("SUMMARY:{}", ics_text(&summary)));
                ics_line(
                    &mut out,
                    &format!(
                        "DESCRIPTION:{}",
                        ics_text(&format!("{} {url}", description.replace('\n', " ")))
                    ),
                );
                ics_line(&mut out, &format!("URL:{url}"));
                ics_line(&mut out, "TRANSP:TRANSPARENT");
                ics_line(&mut out, "END:VEVENT");
            };
        event(
            "expected",
            expected_days(&e),
            format!(
                "Decision {} expected {}{key}: {}",
                d.number(),
                expected_words(&e),
                d.title().trim()
            ),
            described(site, &e),
        );
        if let Some(by) = e.private.as_ref().and_then(|m| m.representations_by) {
            event(
                "representations",
                (by, Date(by.0.succ_opt().unwrap_or(by.0))),
                format!(
                    "Last day to ask for decision {} to be made in public",
                    d.number()
                ),
                format!(
                    "Part of decision {} ({}) is to be made in private. If you think it should be made in public, tell {} why by today: {}, {}.",
                    d.number(),
                    d.title().trim(),
                    site.config().contact.team,
                    site.config().contact.email,
                    site.config().contact.phone
                ),
            );
        }
    }
    ics_line(&mut out, "END:VCALENDAR");
    write.write_all(out.as_bytes())
}

/// The Atom feed: an entry for each decision on the forward plan, soonest
/// first, each updated on the latest day its record carries.
pub fn atom(site: &PublicSite) -> Vec<u8> {
    let entries = entries(site);
    let updated = feed_updated(entries.iter().filter_map(|e| stamp(e.decision)));
    let title = format!("Forward plan: {}", site.config().organisation.name);
    let mut out = atom_head(site, FEED, &title, "forward-plan/", &updated);
    for e in &entries {
        let d = e.decision;
        let id = absolute(site, &format!("forward-plan/#decision-{}", d.slug()));
        let url = absolute(site, &format!("decisions/{}/", d.slug()));
        let entry_updated = stamp(d).map(atom_date).unwrap_or_else(|| updated.clone());
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>{}</id>\n", xml_escape(&id)));
        out.push_str(&format!(
            "    <title>{}</title>\n",
            xml_escape(&format!(
                "Decision {}, expected {}: {}",
                d.number(),
                expected_words(e),
                d.title().trim()
            ))
        ));
        out.push_str(&format!("    <updated>{entry_updated}</updated>\n"));
        if let Some(notice) = d.notice_published() {
            out.push_str(&format!(
                "    <published>{}</published>\n",
                atom_date(notice)
            ));
        }
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&url)
        ));
        let (term, label) = match d.key_decision() {
            true => ("key-decision", "Key decision"),
            false => ("other-decision", "Not a key decision"),
        };
        out.push_str(&format!(
            "    <category term=\"{term}\" label=\"{label}\"/>\n"
        ));
        out.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            xml_escape(&described(site, e))
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out.into_bytes()
}

/// The feed and the calendar, for the /data/ page's feeds.
pub fn render(site: &PublicSite) -> Vec<Draft<'_>> {
    let count = entries(site).len();
    // Both are made from the plan's entries alone (with the site's settings
    // and "now", which every key holds), and each entry from its decision:
    // an edit to a decision not in the plan leaves them as they are.
    let key = super::Key::of_rows(move || entries(site).into_iter().map(|e| e.decision));
    vec![
        Draft {
            path: FEED.into(),
            body: Body::Stream(Box::new(|out| out.write_all(&atom(site)))),
            title: format!("Forward plan: {}", site.config().organisation.name),
            description: "Every decision the council plans to take, with when it is expected, who will decide, its notice and what will be decided in private. Add it to a feed reader to hear of new entries.".into(),
            format: "Atom feed",
            media_type: "application/atom+xml",
            rows: Some(count),
            withheld: vec![],
            key: Some(key.clone()),
        },
        Draft {
            path: CALENDAR.into(),
            body: Body::Stream(Box::new(|out| calendar(site, out))),
            title: "Forward plan calendar".into(),
            description: "The day each decision in the forward plan is expected, and the last day to ask for a private one to be made in public, as a calendar you can subscribe to.".into(),
            format: "iCalendar",
            media_type: "text/calendar",
            rows: Some(count),
            withheld: vec![],
            key: Some(key),
        },
    ]
}
