//! A decision's money as data: the `[[money]]` lines of a record (what the
//! decision spends, saves or budgets, for which period), checked strictly
//! and kept in whole pence so that every output writes the same figure.
//!
//! The record is a public source: a figure here that an exempt paper also
//! states is found by the short-fact check like any other public text
//! (`facts`), and the output scan looks for it in every file written. This
//! module must never take a figure from anywhere but the record itself.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics, Position};

/// What a line of money is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MoneyKind {
    /// Money the decision spends.
    Spend,
    /// Money the decision saves.
    Saving,
    /// A budget the decision sets or draws on.
    Budget,
}

impl MoneyKind {
    pub fn name(self) -> &'static str {
        match self {
            MoneyKind::Spend => "spend",
            MoneyKind::Saving => "saving",
            MoneyKind::Budget => "budget",
        }
    }

    /// As the page says it.
    pub fn label(self) -> &'static str {
        match self {
            MoneyKind::Spend => "Spending",
            MoneyKind::Saving => "Saving",
            MoneyKind::Budget => "Budget",
        }
    }
}

/// One `[[money]]` line as the record writes it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline)]
pub struct MoneyFront {
    /// What the money is for, in plain words, like "Contract value" or "Savings from fewer agency staff".
    #[schemars(pattern(r"\S"))]
    pub label: String,
    /// The period it covers, as the notice states it, like "2022-23", "2022 to 2026" or "each year".
    #[schemars(pattern(r"\S"))]
    pub period: String,
    /// The amount in pounds, a number with no £ sign and no commas, like 1400000 or 63.50 (at most two decimal places).
    #[schemars(with = "f64", range(min = 0))]
    pub amount: Spanned<f64>,
    /// "spend", "saving" or "budget".
    pub kind: MoneyKind,
}

/// One line of a decision's money, as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub label: String,
    pub period: String,
    /// The amount in whole pence.
    pub pence: i64,
    pub kind: MoneyKind,
}

/// The most pence an amount may be: £1 trillion, far above any council's
/// budget, and well inside what a double holds exactly.
const MAX_PENCE: f64 = 1e14;

impl Money {
    /// The amount as data: digits, a decimal point and pence only when
    /// there are any (`1400000`, `63.50`).
    pub fn amount_text(&self) -> String {
        match self.pence % 100 {
            0 => (self.pence / 100).to_string(),
            p => format!("{}.{p:02}", self.pence / 100),
        }
    }

    /// The amount as JSON: an integer when whole pounds, else a decimal.
    pub fn amount_json(&self) -> serde_json::Value {
        match self.pence % 100 {
            0 => serde_json::Value::from(self.pence / 100),
            _ => serde_json::Value::from(self.pence as f64 / 100.0),
        }
    }

    /// The amount as the page shows it: `£1,400,000`, `£63.50`.
    pub fn amount_words(&self) -> String {
        let pounds = (self.pence / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in pounds.chars().enumerate() {
            if i > 0 && (pounds.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        match self.pence % 100 {
            0 => format!("£{grouped}"),
            p => format!("£{grouped}.{p:02}"),
        }
    }
}

/// Checks a record's money lines: a label and period that say something,
/// and an amount in pounds that is not negative, has at most two decimal
/// places and is not absurdly large. `at` maps a span of the front matter
/// to the file's line and column.
pub fn check(
    path: &str,
    lines: &[MoneyFront],
    at: &dyn Fn(std::ops::Range<usize>) -> Position,
    diagnostics: &mut Diagnostics,
) -> Vec<Money> {
    let mut out = Vec::new();
    for line in lines {
        let amount = *line.amount.get_ref();
        let position = at(line.amount.span());
        let pence = (amount * 100.0).round();
        let problem = if !amount.is_finite() || amount < 0.0 {
            Some("an amount of money cannot be negative or not a number")
        } else if pence > MAX_PENCE {
            Some("this amount is more than £1 trillion")
        } else if (amount * 100.0 - pence).abs() > 1e-6 {
            Some("an amount of money has at most two decimal places (pence)")
        } else {
            None
        };
        if let Some(problem) = problem {
            diagnostics.push(Diagnostic::error(path, problem).at(position).help(
                "write the amount in pounds with no £ sign or commas, like `amount = 1400000` or `amount = 63.50`; a saving is positive, with `kind = \"saving\"`",
            ));
            continue;
        }
        for (key, value) in [("label", &line.label), ("period", &line.period)] {
            if value.trim().is_empty() {
                diagnostics.push(
                    Diagnostic::error(path, format!("a `[[money]]` line has an empty `{key}`"))
                        .at(position)
                        .help("say what the money is for and the period it covers, as the notice does"),
                );
            }
        }
        out.push(Money {
            label: line.label.trim().to_string(),
            period: line.period.trim().to_string(),
            pence: pence as i64,
            kind: line.kind,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(pence: i64) -> Money {
        Money {
            label: "L".into(),
            period: "P".into(),
            pence,
            kind: MoneyKind::Spend,
        }
    }

    #[test]
    fn amounts_are_written_the_same_way_everywhere() {
        assert_eq!(money(140_000_000).amount_text(), "1400000");
        assert_eq!(money(140_000_000).amount_words(), "£1,400,000");
        assert_eq!(money(140_000_000).amount_json(), serde_json::json!(1400000));
        assert_eq!(money(6350).amount_text(), "63.50");
        assert_eq!(money(6350).amount_words(), "£63.50");
        assert_eq!(money(6350).amount_json(), serde_json::json!(63.5));
        assert_eq!(money(5).amount_text(), "0.05");
        assert_eq!(money(100_000).amount_words(), "£1,000");
        assert_eq!(money(99_900).amount_words(), "£999");
    }
}
