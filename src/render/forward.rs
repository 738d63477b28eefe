//! The pages about what is coming and what can still be challenged: the
//! forward plan (`/forward-plan/`) and decisions open to call-in
//! (`/call-in/`), and the views a decision's own page takes from the same
//! rules (its notice, its private meeting, where it stands on call-in).
//!
//! What the law's timetable says is worked out by [`crate::timetable`];
//! this only shapes it for templates. Like the rest of `render`, it sees
//! the public model alone.

use serde::Serialize;

use super::{
    DecisionSummary, Link, PageMeta, PaperLink, Renderer, SitePart, TemplateBug, decision_href,
    summary_of,
};
use crate::diagnostics::Diagnostics;
use crate::document::{CallInOutcome, UrgencyRoute};
use crate::output::Files;
use crate::timetable::{self, AsOfSource, CallInState, PlanEntry, PrivateMeeting};
use crate::visibility::{PublicDecision, PublicPaper};

/// The forward plan's template.
const FORWARD_PLAN: &str = "forward-plan.html";

/// What `forward-plan.html` receives besides `site` and `page`.
#[derive(Serialize)]
pub(super) struct ForwardPlanView {
    /// Proposed key decisions, soonest first.
    key_decisions: Vec<PlanEntryView>,
    /// Other proposed decisions, soonest first.
    other_decisions: Vec<PlanEntryView>,
    /// The clear days before a private decision by which the council
    /// publishes its second notice (`[forward_plan]` in site.toml).
    second_notice_clear_days: u64,
}

/// One decision on the forward plan.
#[derive(Serialize)]
struct PlanEntryView {
    /// `decision-22-00073`: the entry's anchor on the page.
    id: String,
    decision: DecisionSummary,
    /// When it is expected, as its notice states it.
    expected: Option<super::ExpectedView>,
    /// Who leads on it, when the record names them (else the site's contact is shown).
    lead_officer: Option<crate::document::LeadOfficer>,
    /// Its notice and what follows from it, or none.
    notice: Option<NoticeView>,
    /// Its documents: published ones with an `href` from the site's root,
    /// withheld ones with their notice.
    documents: Vec<PaperLink>,
    /// What is to be decided in private, or none.
    private: Option<PrivateMeetingView>,
}

/// A decision's notice in the forward plan, `notice` in a decision's page
/// and in [`PlanEntryView`].
#[derive(Serialize)]
pub(super) struct NoticeView {
    /// The day it first appeared in the forward plan, `YYYY-MM-DD`.
    published: String,
    /// 28 clear days after: the earliest day it may be made without an
    /// urgency route, `YYYY-MM-DD`.
    earliest_lawful: String,
    /// Whether it is a key decision (the 28 days apply to key decisions).
    key_decision: bool,
    /// The urgency route, or none.
    urgency: Option<UrgencyView>,
}

/// How a key decision is taken without 28 clear days' notice.
#[derive(Serialize)]
struct UrgencyView {
    /// `general-exception` or `special-urgency`.
    route: &'static str,
    /// "General exception" or "Special urgency".
    name: &'static str,
    /// Why it could not wait.
    reasons: String,
    /// The day the scrutiny chair was told (general exception) or agreed
    /// (special urgency), `YYYY-MM-DD`.
    scrutiny_chair: String,
}

/// What of a forthcoming decision is to be decided in private (reg. 5).
#[derive(Serialize)]
pub(super) struct PrivateMeetingView {
    /// Each withheld paper, attachment or passage.
    parts: Vec<PrivatePartView>,
    /// The last day to ask for it to be made in public, `YYYY-MM-DD`; none
    /// when an urgent decision leaves no time for the usual notice.
    representations_by: Option<String>,
    /// Whether that day has passed, on the day the site counts as now.
    representations_closed: bool,
    /// The day by which the council publishes its answer, `YYYY-MM-DD`.
    second_notice_by: String,
    /// How many clear days before the decision that answer comes at least
    /// (`[forward_plan]` in site.toml).
    second_notice_clear_days: u64,
}

/// One part of a decision to be decided in private.
#[derive(Serialize)]
struct PrivatePartView {
    /// Its public title ("Appendix 1: Award report").
    title: String,
    /// The paragraphs of Part 1 of Schedule 12A: "paragraph 3" or "paragraphs 3 and 5".
    paragraphs: String,
    /// What they cover, in everyday words.
    covers: String,
}

/// What `call-in.html` receives besides `site` and `page`.
#[derive(Serialize)]
pub(super) struct CallInPageView {
    /// The day the lists are true on, `YYYY-MM-DD`, or none when no record
    /// says anything has happened yet.
    as_of: Option<String>,
    /// Where that day came from: `setting`, `build-date` or `latest-record`.
    as_of_source: &'static str,
    /// Decisions that can be called in now, deadline soonest first.
    open: Vec<CallInEntryView>,
    /// Decisions called in and waiting for the outcome.
    awaiting: Vec<CallInEntryView>,
}

/// A decision on the call-in page.
#[derive(Serialize)]
struct CallInEntryView {
    decision: DecisionSummary,
    call_in: CallInView,
}

/// A decision's call-in, as its page and the call-in page word it.
#[derive(Serialize)]
pub(super) struct CallInView {
    /// Whether the decision is subject to call-in.
    subject: bool,
    /// Where it stands on the day the site counts as now: `open`,
    /// `not-called-in` (the deadline passed), `awaiting` (called in, no
    /// outcome yet), `decided` (see `outcome`) or `none` (not subject to
    /// call-in, or not taken).
    state: &'static str,
    /// `YYYY-MM-DD`, or none.
    deadline: Option<String>,
    /// `YYYY-MM-DD`, or none.
    implement_from: Option<String>,
    /// Why it is not subject to call-in, when it is not, or none.
    reason: Option<String>,
    /// The day it was called in, `YYYY-MM-DD`, or none.
    requested_on: Option<String>,
    /// Who called it in, or none.
    by: Option<String>,
    /// `upheld`, `referred-back` or `withdrawn`, or none.
    outcome: Option<&'static str>,
    /// The day the outcome was decided, `YYYY-MM-DD`, or none.
    decided_on: Option<String>,
    /// The day the site counts as now, `YYYY-MM-DD`, or none.
    as_of: Option<String>,
}

fn date(d: crate::document::Date) -> String {
    d.to_string()
}

/// A decision's notice in the forward plan, when its record gives one.
pub(super) fn notice_view(d: &PublicDecision) -> Option<NoticeView> {
    let published = d.notice_published()?;
    Some(NoticeView {
        published: date(published),
        earliest_lawful: date(timetable::earliest_lawful(published)),
        key_decision: d.key_decision(),
        urgency: d.urgency().map(|u| UrgencyView {
            route: match u.route {
                UrgencyRoute::GeneralException => "general-exception",
                UrgencyRoute::SpecialUrgency => "special-urgency",
            },
            name: match u.route {
                UrgencyRoute::GeneralException => "General exception",
                UrgencyRoute::SpecialUrgency => "Special urgency",
            },
            reasons: u.reasons.trim().to_string(),
            scrutiny_chair: date(u.scrutiny_chair),
        }),
    })
}

/// What of a forthcoming decision is to be decided in private, its second
/// notice `clear_days` clear days before the decision, as of `now`.
pub(super) fn private_meeting_view(
    m: PrivateMeeting,
    clear_days: u64,
    now: Option<crate::document::Date>,
) -> PrivateMeetingView {
    PrivateMeetingView {
        second_notice_clear_days: clear_days,
        representations_closed: matches!((now, m.representations_by), (Some(now), Some(by)) if now > by),
        parts: m
            .parts
            .iter()
            .map(|p| PrivatePartView {
                title: p.title.clone(),
                paragraphs: p.notice.paragraphs_words().to_string(),
                covers: p.notice.covers().to_string(),
            })
            .collect(),
        representations_by: m.representations_by.map(date),
        second_notice_by: date(m.second_notice_by),
    }
}

/// Where a decision stands on call-in, on the day the site counts as now.
pub(super) fn call_in_view(
    d: &PublicDecision,
    as_of: Option<crate::document::Date>,
) -> Option<CallInView> {
    let c = d.call_in()?;
    let state = match timetable::call_in_state(d, as_of) {
        CallInState::Open => "open",
        CallInState::NotCalledIn => "not-called-in",
        CallInState::Awaiting => "awaiting",
        CallInState::Decided(_) => "decided",
        CallInState::None => "none",
    };
    Some(CallInView {
        subject: c.subject,
        state,
        deadline: c.deadline.map(date),
        implement_from: c.implement_from.map(date),
        reason: c.reason.as_ref().map(|r| r.trim().to_string()),
        requested_on: c.requested_on.map(date),
        by: c.by.as_ref().map(|b| b.trim().to_string()),
        outcome: c.outcome.map(|o| match o {
            CallInOutcome::Upheld => "upheld",
            CallInOutcome::ReferredBack => "referred-back",
            CallInOutcome::Withdrawn => "withdrawn",
        }),
        decided_on: c.decided_on.map(date),
        as_of: as_of.map(date),
    })
}

/// A decision's documents as the forward plan lists them: published ones
/// linked from the site's root, withheld ones with their notices.
fn documents(d: &PublicDecision) -> Vec<PaperLink> {
    d.papers()
        .iter()
        .map(|paper| match paper {
            PublicPaper::Published(p) => PaperLink {
                summary: None,
                anchor: None,
                ..PaperLink::published(p, format!("{}{}/", decision_href(d), p.slug()))
            },
            PublicPaper::Withheld(n) => PaperLink::withheld(n),
        })
        .collect()
}

impl Renderer<'_> {
    /// `[forward_plan] representations_close_clear_days`.
    pub(super) fn second_notice_clear_days(&self) -> u64 {
        self.site
            .config()
            .forward_plan
            .representations_close_clear_days
    }

    /// The forward plan, `/forward-plan/`: every proposed decision, key
    /// decisions first, each soonest first; a part of the site-wide files
    /// of its own, keyed by what it shows ([`Renderer::forward_plan_key`]).
    pub fn forward_plan_part(&self) -> SitePart<'_> {
        SitePart::new(move |emit, diagnostics| {
            let (meta, view) = self.forward_plan();
            let mut files = Files::default();
            self.page(
                &mut files,
                FORWARD_PLAN,
                "forward-plan/",
                meta,
                view,
                diagnostics,
            )?;
            emit.files(files);
            Ok(None)
        })
    }

    /// A hash of everything the forward plan's page is made from besides
    /// the site's settings, templates and "now" (which every cache key
    /// holds): what every page knows of the site, and the listing of each
    /// decision in the plan, in its place, hashed by `listing` (the build's
    /// hash of what the site-wide pages show of a decision). An edit to a
    /// decision not in the plan leaves it as it is.
    pub fn forward_plan_key(&self, listing: &dyn Fn(&PublicDecision) -> [u8; 32]) -> [u8; 32] {
        let (key, other) = timetable::forward_plan(self.site);
        let mut h = blake3::Hasher::new();
        h.update(b"plainsight forward plan\0");
        h.update(self.site_view_hash().as_bytes());
        h.update(&self.second_notice_clear_days().to_le_bytes());
        for (part, entries) in [(b'k', key), (b'o', other)] {
            h.update(&[part])
                .update(&(entries.len() as u64).to_le_bytes());
            for e in entries {
                let number = e.decision.number();
                h.update(&(number.len() as u64).to_le_bytes());
                h.update(number.as_bytes());
                h.update(&listing(e.decision));
            }
        }
        *h.finalize().as_bytes()
    }

    fn forward_plan(&self) -> (PageMeta, ForwardPlanView) {
        let (key, other) = timetable::forward_plan(self.site);
        let clear_days = self.second_notice_clear_days();
        let entry = |e: PlanEntry| PlanEntryView {
            id: format!("decision-{}", e.decision.slug()),
            decision: summary_of(e.decision),
            expected: e.decision.expected().map(super::ExpectedView::from),
            lead_officer: e.decision.lead_officer().cloned(),
            notice: notice_view(e.decision),
            documents: documents(e.decision),
            private: e
                .private
                .map(|m| private_meeting_view(m, clear_days, self.as_of.date)),
        };
        let view = ForwardPlanView {
            key_decisions: key.into_iter().map(entry).collect(),
            other_decisions: other.into_iter().map(entry).collect(),
            second_notice_clear_days: clear_days,
        };
        let meta = self.meta(
            "Forward plan",
            "The decisions the council plans to take, soonest first: what each is about, who will decide, when, and what you can read or ask about before it is made.",
            "forward-plan/",
            "forward-plan",
            vec![Link {
                title: "Home".into(),
                href: String::new(),
            }],
        );
        (meta, view)
    }

    /// Decisions open to call-in, and those called in and waiting for the
    /// outcome, `/call-in/`, as of the day the site counts as now.
    pub(super) fn call_in_page(
        &self,
        files: &mut Files,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), TemplateBug> {
        let now = self.as_of.date;
        let (open, awaiting) = timetable::call_in_lists(self.site, now);
        let entries = |list: Vec<&PublicDecision>| -> Vec<CallInEntryView> {
            list.into_iter()
                .filter_map(|d| {
                    Some(CallInEntryView {
                        decision: summary_of(d),
                        call_in: call_in_view(d, now)?,
                    })
                })
                .collect()
        };
        let view = CallInPageView {
            as_of: now.map(date),
            as_of_source: match self.as_of.source {
                AsOfSource::Setting => "setting",
                AsOfSource::BuildDate => "build-date",
                AsOfSource::LatestRecord => "latest-record",
            },
            open: entries(open),
            awaiting: entries(awaiting),
        };
        let meta = self.meta(
            "Decisions you can still call in",
            "Decisions that councillors can still ask to be looked at again before they are carried out, and those waiting for the outcome of a call-in.",
            "call-in/",
            "call-in",
            vec![Link {
                title: "Home".into(),
                href: String::new(),
            }],
        );
        self.page(files, "call-in.html", "call-in/", meta, view, diagnostics)
    }
}
