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

/// "paragraph 3", "paragraphs 3 and 5", "paragraphs 1, 2 and 5".
pub fn paragraphs_words(paragraphs: &[u8]) -> String {
    let numbers: Vec<String> = paragraphs.iter().map(u8::to_string).collect();
    match numbers.as_slice() {
        [one] => format!("paragraph {one}"),
        [rest @ .., last] => format!("paragraphs {} and {last}", rest.join(", ")),
        [] => unreachable!("an exemption names at least one paragraph"),
    }
}

/// What the paragraphs cover, finishing "information about ...": one
/// paragraph's words, or each paragraph's with its number ("the financial
/// or business affairs of ... (paragraph 3) and legal advice ... (paragraph 5)").
pub fn covers_all(paragraphs: &[u8]) -> String {
    match paragraphs {
        [one] => covers(*one).to_string(),
        _ => {
            let each: Vec<String> = paragraphs
                .iter()
                .map(|p| format!("{} (paragraph {p})", covers(*p)))
                .collect();
            match each.as_slice() {
                [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
                [] => unreachable!("an exemption names at least one paragraph"),
            }
        }
    }
}

/// The standard public interest statement for England, where the public
/// interest test applies to every paragraph (Schedule 12A, Part 2, para 10).
pub const STANDARD_PUBLIC_INTEREST: &str = "The council has decided that, for now, the public interest in keeping this information private is greater than the public interest in publishing it. The law says this must be weighed for every exemption, and the decision can change.";
