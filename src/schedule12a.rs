//! The law on exempt information, in everyday words.
//!
//! Schedule 12A to the Local Government Act 1972, Part 1 (England), as amended
//! by the Local Government (Access to Information) (Variation) Order 2006.
//! <https://www.legislation.gov.uk/ukpga/1972/70/schedule/12A>

/// The paragraphs of Part 1 (England) under which information is exempt.
pub const PARAGRAPHS: std::ops::RangeInclusive<i64> = 1..=7;

/// What paragraph `n` covers, finishing the sentence "information about ...".
pub fn covers(paragraph: u8) -> &'static str {
    match paragraph {
        1 => "a particular person",
        2 => "something that is likely to reveal who a person is",
        3 => {
            "the financial or business affairs of a particular person or organisation, which can include the council"
        }
        4 => "consultations or negotiations about staff and labour relations",
        5 => {
            "legal advice that is kept confidential between a lawyer and the council (legal professional privilege)"
        }
        6 => "a notice, order or direction the council plans to give or make",
        7 => "preventing, investigating or prosecuting crime",
        _ => unreachable!("paragraphs are checked to be 1 to 7 when content is read"),
    }
}

/// The standard public interest statement for England, where the public
/// interest test applies to every paragraph (Schedule 12A, Part 2, para 10).
pub const STANDARD_PUBLIC_INTEREST: &str = "The council has decided that, for now, the public interest in keeping this information private is greater than the public interest in publishing it. The law says this must be weighed for every exemption, and the decision can change.";
