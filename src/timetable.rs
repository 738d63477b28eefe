//! What the law's timetable says of the public decisions, worked out from
//! their dates alone: which are on the forward plan, the earliest day each
//! may lawfully be made, what of each is to be decided in private and by
//! when people can ask for it to be public, and what is open to call-in on
//! the day the site counts as "now".
//!
//! The 2012 Executive Arrangements Regulations set the rules: reg. 9 (the
//! forward plan's 28 clear days' notice of a key decision), reg. 5 (notices
//! of a decision to be taken in private), regs. 10 and 11 (the urgency
//! routes, checked where a record is read: `document`). The arithmetic is
//! [`crate::clear_days`]'s.
//!
//! Takes only the public model, so there is nothing exempt here, and never
//! reads the clock: "now" is a setting, `SOURCE_DATE_EPOCH` or the content's
//! own latest date ([`as_of`]).

use serde::Serialize;

use crate::clear_days;
use crate::config::SiteConfig;
use crate::document::{CallInOutcome, Date, DecisionStatus};
use crate::visibility::{
    Block, Markdown, PublicAttachment, PublicDecision, PublicPaper, PublicSite, WithheldNotice,
};

/// The day the site counts as "now", and where that day came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AsOf {
    /// None only when no record says anything has happened yet.
    pub date: Option<Date>,
    pub source: AsOfSource,
}

/// Where "now" came from, so that pages can say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AsOfSource {
    /// site.toml's `as_of`.
    Setting,
    /// `SOURCE_DATE_EPOCH`, the day the site was built.
    BuildDate,
    /// The latest day on which a decision record says something happened.
    LatestRecord,
}

/// "Now", never the clock: site.toml's `as_of` if set, else `today` (the
/// day of `SOURCE_DATE_EPOCH`, when the binary was given one), else the
/// latest day on which a record says something happened (a decision taken
/// or withdrawn, a notice published, a scrutiny chair told, a call-in
/// requested or decided). Days a record looks forward to (due, deadlines,
/// pathway steps) are not "now": a deadline would then always have passed.
pub fn as_of(site: &PublicSite, today: Option<chrono::NaiveDate>) -> AsOf {
    if let Some(date) = site.config().as_of {
        return AsOf {
            date: Some(date),
            source: AsOfSource::Setting,
        };
    }
    if let Some(today) = today {
        return AsOf {
            date: Some(Date(today)),
            source: AsOfSource::BuildDate,
        };
    }
    let latest = site
        .decisions()
        .iter()
        .flat_map(|d| {
            let call_in = d.call_in();
            [
                d.taken(),
                d.withdrawn(),
                d.notice_published(),
                d.urgency().map(|u| u.scrutiny_chair),
                call_in.and_then(|c| c.requested_on),
                call_in.and_then(|c| c.decided_on),
            ]
        })
        .flatten()
        .max();
    AsOf {
        date: latest,
        source: AsOfSource::LatestRecord,
    }
}

/// A proposed decision as the forward plan lists it.
pub struct PlanEntry<'a> {
    pub decision: &'a PublicDecision,
    /// When it is expected (`due`).
    pub expected: Date,
    /// The notice's day and 28 clear days after it, when the record gives it.
    pub notice: Option<(Date, Date)>,
    /// What is to be decided in private, when anything is.
    pub private: Option<PrivateMeeting<'a>>,
}

/// The forward plan: every proposed decision with a due date, soonest
/// first (ties by number), key decisions and then the others.
pub fn forward_plan<'a>(site: &'a PublicSite) -> (Vec<PlanEntry<'a>>, Vec<PlanEntry<'a>>) {
    let mut entries: Vec<PlanEntry> = site
        .decisions()
        .iter()
        .filter(|d| d.status() == DecisionStatus::Proposed)
        .filter_map(|d| {
            let expected = d.due()?;
            Some(PlanEntry {
                decision: d,
                expected,
                notice: d.notice_published().map(|n| (n, earliest_lawful(n))),
                private: private_meeting(site.config(), d),
            })
        })
        .collect();
    entries
        .sort_by(|a, b| (a.expected, a.decision.number()).cmp(&(b.expected, b.decision.number())));
    entries.into_iter().partition(|e| e.decision.key_decision())
}

/// 28 clear days after a key decision's notice: the earliest day it may
/// be made without an urgency route (reg. 9).
pub fn earliest_lawful(notice: Date) -> Date {
    Date(clear_days::after(notice.0, clear_days::NOTICE))
}

/// What of a forthcoming decision is to be taken in private (reg. 5), with
/// the days its notices give people to ask for it to be public.
pub struct PrivateMeeting<'a> {
    /// What is withheld, each as the notice of its decision's page shows it.
    pub parts: Vec<PrivatePart<'a>>,
    /// The last day to ask for it to be public: the day before the second
    /// notice. None when that day comes before the notice first appeared
    /// (a decision taken under an urgency route).
    pub representations_by: Option<Date>,
    /// The day by which the council answers, in its second notice.
    pub second_notice_by: Date,
}

/// One withheld paper, attachment or passage of a forthcoming decision.
pub struct PrivatePart<'a> {
    /// "Appendix 1: Award report", "Scores given to each bid, attached to
    /// the report", "Part of the record of this decision".
    pub title: String,
    pub notice: &'a WithheldNotice,
}

/// The private parts of a proposed decision with papers, attachments or
/// passages withheld, and when representations close: the day before the
/// second notice, which comes `[forward_plan]
/// representations_close_clear_days` clear days before the decision.
pub fn private_meeting<'a>(
    config: &SiteConfig,
    d: &'a PublicDecision,
) -> Option<PrivateMeeting<'a>> {
    if d.status() != DecisionStatus::Proposed {
        return None;
    }
    let due = d.due()?;
    let parts = private_parts(d);
    if parts.is_empty() {
        return None;
    }
    let days = config.forward_plan.representations_close_clear_days;
    let second_notice_by = Date(clear_days::before(due.0, days));
    let close = Date(clear_days::day_before(second_notice_by.0));
    let representations_by = match d.notice_published() {
        Some(notice) if close < notice => None,
        _ => Some(close),
    };
    Some(PrivateMeeting {
        parts,
        representations_by,
        second_notice_by,
    })
}

/// Every notice of what is withheld from a decision, in the order its page
/// shows them: passages of the record, then each paper (a withheld paper,
/// or a published one's withheld passages and attachments).
pub fn private_parts(d: &PublicDecision) -> Vec<PrivatePart<'_>> {
    let mut parts = Vec::new();
    passages_of(d.body(), "Part of the record of this decision", &mut parts);
    for paper in d.papers() {
        match paper {
            PublicPaper::Withheld(n) => parts.push(PrivatePart {
                title: titled(n.label(), n.public_title()),
                notice: n,
            }),
            PublicPaper::Published(p) => {
                let name = titled(p.label(), p.title());
                passages_of(p.body(), &format!("Part of {name}"), &mut parts);
                for a in p.attachments() {
                    if let PublicAttachment::Withheld(n) = a {
                        parts.push(PrivatePart {
                            title: format!("{}, attached to {name}", n.public_title()),
                            notice: n,
                        });
                    }
                }
            }
        }
    }
    parts
}

fn passages_of<'a>(markdown: &'a Markdown, title: &str, parts: &mut Vec<PrivatePart<'a>>) {
    for block in markdown.blocks() {
        if let Block::Withheld(n) = block {
            parts.push(PrivatePart {
                title: title.to_string(),
                notice: n,
            });
        }
    }
}

/// "Appendix 1: Award report", or the title alone.
fn titled(label: Option<&str>, title: &str) -> String {
    match label {
        Some(label) => format!("{label}: {title}"),
        None => title.to_string(),
    }
}

/// Where a decision stands on call-in, on the day `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallInState {
    /// Taken and subject to call-in, and `now` is on or before the deadline.
    Open,
    /// The deadline has passed (or "now" is not known) and it was not called in.
    NotCalledIn,
    /// Called in, waiting for the outcome.
    Awaiting,
    /// Called in, and the call-in decided.
    Decided(CallInOutcome),
    /// Not subject to call-in, or not taken.
    None,
}

/// Where `d` stands on call-in on the day `now`.
pub fn call_in_state(d: &PublicDecision, now: Option<Date>) -> CallInState {
    let Some(c) = d.call_in().filter(|c| c.subject) else {
        return CallInState::None;
    };
    if !matches!(d.status(), DecisionStatus::Taken | DecisionStatus::CalledIn) {
        return CallInState::None;
    }
    match (c.requested_on, c.outcome) {
        (Some(_), Some(outcome)) => CallInState::Decided(outcome),
        (Some(_), None) => CallInState::Awaiting,
        (None, _) => match (now, c.deadline, d.taken()) {
            (Some(now), Some(deadline), Some(taken)) if taken <= now && now <= deadline => {
                CallInState::Open
            }
            _ => CallInState::NotCalledIn,
        },
    }
}

/// The call-in page's lists on the day `now`: decisions open to call-in,
/// deadline soonest first, and decisions called in and awaiting an outcome,
/// earliest request first (ties by number).
pub fn call_in_lists(
    site: &PublicSite,
    now: Option<Date>,
) -> (Vec<&PublicDecision>, Vec<&PublicDecision>) {
    let mut open = Vec::new();
    let mut awaiting = Vec::new();
    for d in site.decisions() {
        match call_in_state(d, now) {
            CallInState::Open => open.push(d),
            CallInState::Awaiting => awaiting.push(d),
            _ => {}
        }
    }
    let key = |d: &&PublicDecision, date: Option<Date>| (date, d.number().to_string());
    open.sort_by_key(|d| key(d, d.call_in().and_then(|c| c.deadline)));
    awaiting.sort_by_key(|d| key(d, d.call_in().and_then(|c| c.requested_on)));
    (open, awaiting)
}
