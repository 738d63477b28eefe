//! Counting clear days, as the law on executive decisions counts them.
//!
//! The Local Authorities (Executive Arrangements) (Meetings and Access to
//! Information) (England) Regulations 2012 set their time limits in "clear
//! days": whole days between two events, counting neither the day of the
//! first nor the day of the second. A notice published on 1 March gives 28
//! clear days on 30 March (2 to 29 March lie between), so a key decision
//! announced on 1 March may be taken on 30 March at the earliest.
//! <https://www.legislation.gov.uk/uksi/2012/2089>
//!
//! This is the one place that does the arithmetic: checks and pages ask it.
//! A leaf module (plain `chrono` dates in and out), so that anything can.

use chrono::{Days, NaiveDate};

/// A key decision's notice in the forward plan comes at least this many
/// clear days before the decision (reg. 9(1)), as does the first notice of
/// a meeting to be held in private (reg. 5(2)).
pub const NOTICE: u64 = 28;

/// Under the general exception, a decision may be taken once this many
/// clear days have passed since the scrutiny chair was told and the notice
/// was published (reg. 10(2)(c)).
pub const GENERAL_EXCEPTION: u64 = 5;

/// The second notice of a private meeting comes at least this many clear
/// days before it (reg. 5(4)).
pub const SECOND_PRIVATE_NOTICE: u64 = 5;

/// The earliest day with `clear` whole days between `from` and it.
/// `after(1 March, 28)` is 30 March.
pub fn after(from: NaiveDate, clear: u64) -> NaiveDate {
    from.checked_add_days(Days::new(clear + 1))
        .unwrap_or(NaiveDate::MAX)
}

/// The latest day with `clear` whole days between it and `to`.
/// `before(30 March, 28)` is 1 March.
pub fn before(to: NaiveDate, clear: u64) -> NaiveDate {
    to.checked_sub_days(Days::new(clear + 1))
        .unwrap_or(NaiveDate::MIN)
}

/// The whole days strictly between `from` and `to`: 0 for the same or the
/// next day, negative when `to` comes first.
pub fn between(from: NaiveDate, to: NaiveDate) -> i64 {
    let days = (to - from).num_days();
    if days > 0 { days - 1 } else { days.min(0) }
}

/// Whether `to` leaves at least `clear` whole days after `from`.
pub fn at_least(from: NaiveDate, to: NaiveDate, clear: u64) -> bool {
    to >= after(from, clear)
}

/// The day before `date`.
pub fn day_before(date: NaiveDate) -> NaiveDate {
    date.pred_opt().unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_laws_own_example() {
        // Notice on 1 March: 2 to 29 March are the 28 clear days.
        assert_eq!(after(d(2024, 3, 1), NOTICE), d(2024, 3, 30));
        assert_eq!(before(d(2024, 3, 30), NOTICE), d(2024, 3, 1));
        assert_eq!(between(d(2024, 3, 1), d(2024, 3, 30)), 28);
        // Day 29 after the notice is lawful; day 28 is one day short.
        assert!(at_least(d(2024, 3, 1), d(2024, 3, 30), NOTICE));
        assert!(!at_least(d(2024, 3, 1), d(2024, 3, 29), NOTICE));
        // Over the end of February in a leap year and in another.
        assert_eq!(after(d(2024, 2, 1), NOTICE), d(2024, 3, 1));
        assert_eq!(after(d(2023, 2, 1), NOTICE), d(2023, 3, 2));
        assert_eq!(after(d(2024, 12, 20), GENERAL_EXCEPTION), d(2024, 12, 26));
    }

    #[test]
    fn no_days_lie_between_a_day_and_itself_or_the_next() {
        let day = d(2024, 3, 1);
        assert_eq!(between(day, day), 0);
        assert_eq!(between(day, d(2024, 3, 2)), 0);
        assert_eq!(between(day, d(2024, 3, 3)), 1);
        assert_eq!(between(d(2024, 3, 3), day), -2);
        assert!(at_least(day, d(2024, 3, 2), 0));
        assert!(!at_least(day, day, 0));
        assert_eq!(day_before(day), d(2024, 2, 29));
    }

    #[test]
    fn the_edges_of_the_calendar_do_not_panic() {
        assert_eq!(after(NaiveDate::MAX, 5), NaiveDate::MAX);
        assert_eq!(before(NaiveDate::MIN, 5), NaiveDate::MIN);
        assert_eq!(day_before(NaiveDate::MIN), NaiveDate::MIN);
    }

    /// A property test over every day of four years (a leap year among
    /// them) and every number of clear days up to 60: `after` and `before`
    /// undo each other, give exactly `clear` days between, and `at_least`
    /// says yes from that day on and no the day before.
    #[test]
    fn after_and_before_agree_with_counting_the_days_between() {
        let mut from = d(2023, 1, 1);
        while from < d(2027, 1, 1) {
            for clear in 0..=60 {
                let earliest = after(from, clear);
                assert_eq!(before(earliest, clear), from);
                assert_eq!(between(from, earliest), clear as i64);
                assert!(at_least(from, earliest, clear));
                assert!(!at_least(from, day_before(earliest), clear));
                // Counted by hand: the days strictly between.
                let mut count = 0;
                let mut day = from.succ_opt().unwrap();
                while day < earliest {
                    count += 1;
                    day = day.succ_opt().unwrap();
                }
                assert_eq!(count, clear);
            }
            from = from.succ_opt().unwrap();
        }
    }
}
