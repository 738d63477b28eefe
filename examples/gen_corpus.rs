//! Writes a synthetic council site for benchmarks, in plainsight's own content
//! format: every decision has a record with a money table and related
//! decisions, a committee report with a timetable, an Equality Impact
//! Assessment and an exempt appendix. Deterministic for a given seed.
//!
//! cargo run --release --example gen_corpus -- --decisions 10000 --out /tmp/corpus [--seed 1]

#![allow(clippy::print_stderr)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// splitmix64: tiny, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const SERVICES: &[&str] = &[
    "day activities for disabled adults",
    "library outreach",
    "school transport",
    "home care",
    "youth clubs",
    "road gritting",
    "recycling centres",
    "mental health support",
    "carers' breaks",
    "adult learning",
    "bus subsidies",
    "street lighting",
    "public health checks",
    "family hubs",
    "supported housing",
];
const MAKERS: &[&str] = &[
    "Cabinet Member for Adult Social Care and Public Health",
    "Cabinet Member for Highways and Transport",
    "Cabinet Member for Communities",
    "Cabinet Member for Education and Skills",
    "Leader of the Council",
    "Cabinet Member for Environment",
];
const DIVISIONS: &[&str] = &[
    "Ashford Central",
    "Canterbury North",
    "Dartford East",
    "Dover Town",
    "Folkestone West",
    "Gravesham Rural",
    "Maidstone South",
    "Sevenoaks North",
    "Swale Central",
    "Thanet East",
    "Tonbridge",
    "Tunbridge Wells North",
];
const OPENINGS: &[&str] = &[
    "The council pays for this service now.",
    "People told us the service matters to them.",
    "The current contract ends soon.",
    "Demand for this support has grown each year.",
    "The service helps people stay independent at home.",
    "Some areas have less support than others.",
];
const MIDDLES: &[&str] = &[
    "We looked at what other councils do and what it costs them.",
    "Providers said they could offer more choice if contracts were flexible.",
    "Residents asked for support at evenings and weekends.",
    "The new arrangement lets more providers join over time.",
    "Costs have risen because of inflation and higher wages.",
    "We will check quality through regular visits and reports.",
    "Social workers will help people choose the support that suits them.",
    "Transport to activities will be planned with each person.",
];
const ENDINGS: &[&str] = &[
    "We will report back to the committee within a year.",
    "The decision will be reviewed if costs change.",
    "Anyone affected can contact the council for advice.",
    "The plan will start once contracts are signed.",
];
const FIRST: &[&str] = &[
    "Amberley",
    "Brookfield",
    "Castlegate",
    "Dunmore",
    "Elmstead",
    "Foxhollow",
    "Greywell",
    "Hartside",
];
const SECOND: &[&str] = &[
    "Care",
    "Support",
    "Community",
    "Pathways",
    "Friends",
    "Partners",
    "Services",
    "Trust",
];

fn paragraph(rng: &mut Rng, sentences: usize) -> String {
    let mut p = String::from(rng.pick(OPENINGS));
    for _ in 0..sentences {
        p.push(' ');
        p.push_str(rng.pick(MIDDLES));
    }
    p.push(' ');
    p.push_str(rng.pick(ENDINGS));
    p
}

fn number(i: usize) -> (String, String) {
    let year = 20 + i / 99_999;
    let n = i % 99_999 + 1;
    (format!("{year:02}/{n:05}"), format!("{year:02}-{n:05}"))
}

fn date(rng: &mut Rng, i: usize) -> String {
    let year = 2020 + (i / 99_999) as u32;
    format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn decision(rng: &mut Rng, i: usize) -> String {
    let (this, _) = number(i);
    let service = rng.pick(SERVICES);
    let maker = rng.pick(MAKERS);
    let taken = rng.below(3) > 0;
    let when = date(rng, i);
    let status = if taken {
        format!(
            "status = \"taken\"\ntaken = {when}\ncall_in = {{ subject = true, deadline = {when}, implement_from = {when} }}"
        )
    } else {
        format!("status = \"proposed\"\ndue = {when}")
    };
    let key = rng.below(2) == 0;
    // A key decision's notice: a year before, well over the 28 clear days the law asks.
    let notice = format!("{}{}", when[..4].parse::<u32>().unwrap() - 1, &when[4..]);
    let key_reason = if key {
        format!(
            "\nkey_decision_reason = \"It means spending of more than £1 million.\"\nnotice_published = {notice}"
        )
    } else {
        String::new()
    };
    let mut related = Vec::new();
    for _ in 0..rng.below(3) {
        if i > 0 {
            let other = number(rng.below(i as u64) as usize).0;
            if !related.contains(&other) {
                related.push(other);
            }
        }
    }
    let related: Vec<String> = related.iter().map(|r| format!("\"{r}\"")).collect();
    let divisions = if rng.below(4) == 0 {
        "\"All\"".to_string()
    } else {
        format!("\"{}\", \"{}\"", rng.pick(DIVISIONS), rng.pick(DIVISIONS))
    };
    let spend: Vec<u64> = (0..3).map(|_| 100_000 + rng.below(9_000_000)).collect();
    let mut body = String::new();
    writeln!(
        body,
        "## Background\n\n{}\n\n{}\n",
        paragraph(rng, 3),
        paragraph(rng, 2)
    )
    .unwrap();
    writeln!(
        body,
        "## Money\n\nTable 1: Forecast spending by year\n\n| Year | Spending |\n|---|---|"
    )
    .unwrap();
    for (y, s) in spend.iter().enumerate() {
        writeln!(body, "| 202{}-2{} | £{} |", 2 + y, 3 + y, thousands(*s)).unwrap();
    }
    writeln!(body, "\n## Risks\n\n{}", paragraph(rng, 2)).unwrap();
    format!(
        "+++\nkind = \"decision\"\nnumber = \"{this}\"\ntitle = \"Buying {service}, decision {this}\"\n\
         summary = \"The council plans to buy {service} in a new way so that people have more choice.\"\n\
         decision_maker = \"{maker}\"\n{status}\nkey_decision = {key}{key_reason}\nelectoral_divisions = [{divisions}]\n\
         related = [{}]\ndecision = \"To buy {service} through a new contract.\"\nreasons = \"{}\"\n\
         alternatives = [{{ option = \"Keep the current contract\", why_rejected = \"It ends soon and cannot be extended.\" }}]\n\
         interests_declared = \"None\"\ndispensations = \"None\"\n\n[[pathway]]\ndate = {when}\nbody = \"Cabinet Committee\"\nwhat = \"The committee discussed the proposal.\"\n+++\n{body}",
        related.join(", "),
        paragraph(rng, 1),
    )
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn report(rng: &mut Rng) -> String {
    let mut body = String::new();
    for heading in [
        "Introduction",
        "What we found",
        "Options",
        "Equality",
        "Conclusions",
    ] {
        writeln!(
            body,
            "## {heading}\n\n{}\n\n{}\n",
            paragraph(rng, 3),
            paragraph(rng, 3)
        )
        .unwrap();
    }
    writeln!(body, "Table 1: Timetable\n\n| Step | Date |\n|---|---|\n| Advert | 1 March |\n| Bids due | 1 April |\n| Start | 1 July |").unwrap();
    format!(
        "+++\nkind = \"report\"\ntitle = \"Report to the Cabinet Committee\"\nsummary = \"Why the council wants to change how it buys this service.\"\n+++\n{body}"
    )
}

fn eqia(rng: &mut Rng) -> String {
    let mut out = String::from(
        "+++\nkind = \"eqia\"\nlabel = \"Appendix 2\"\ntitle = \"Equality Impact Assessment\"\nsummary = \"The change should not treat any group unfairly.\"\n",
    );
    for key in [
        "age",
        "disability",
        "gender_reassignment",
        "marriage_civil_partnership",
        "pregnancy_maternity",
        "race",
        "religion_belief",
        "sex",
        "sexual_orientation",
    ] {
        let (impact, mitigation) = match rng.below(3) {
            0 => ("positive", ""),
            1 => ("neutral", ""),
            _ => (
                "mixed",
                "\nmitigation = \"Staff will check each person's needs and adjust the support.\"",
            ),
        };
        writeln!(
            out,
            "\n[impacts.{key}]\nimpact = \"{impact}\"\ndetail = \"{}\"{mitigation}",
            rng.pick(MIDDLES)
        )
        .unwrap();
    }
    out.push_str("+++\n## How we assessed it\n\nWe read complaints, surveys and data about who uses the service.\n");
    out
}

fn exempt_appendix(rng: &mut Rng) -> String {
    let mut body = String::from("## Evaluation of bids\n\n");
    for b in 0..(3 + rng.below(4)) {
        writeln!(
            body,
            "Tender {b} lodged by {} {} Limited achieved {} marks for quality, tendered hourly at £{}.{:02}, ranking {} overall.\n",
            rng.pick(FIRST),
            rng.pick(SECOND),
            40 + rng.below(60),
            15 + rng.below(30),
            rng.below(100),
            1 + b
        )
        .unwrap();
    }
    format!(
        "+++\nkind = \"appendix\"\nlabel = \"Appendix 1\"\npublic_title = \"Evaluation of bids\"\n\
         exempt = {{ paragraph = 3, reason = \"It contains the prices and scores of bids.\" }}\n+++\n{body}"
    )
}

fn site_files(out: &Path) {
    write(
        &out.join("site.toml"),
        "title = \"Benchmark council decisions\"\nbase_url = \"https://bench.example.org/\"\ntagline = \"A synthetic site for benchmarks.\"\n\n\
         [organisation]\nname = \"Benchmark County Council\"\nurl = \"https://council.example.org/\"\n\n\
         [contact]\nteam = \"Democratic Services\"\nemail = \"democratic.services@example.org\"\nphone = \"01632 960000\"\naddress = \"County Hall\"\n\n\
         [licence]\nname = \"Open Government Licence v3.0\"\nurl = \"https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/\"\n\n\
         [accessibility]\nprepared = 2026-01-01\n",
    );
    write(
        &out.join("content/pages/accessibility.md"),
        "+++\nkind = \"page\"\ntitle = \"Accessibility statement\"\n+++\n## How accessible this website is\n\nWe test every page in a real browser.\n",
    );
}

fn main() {
    let mut decisions = 1000;
    let mut out: Option<PathBuf> = None;
    let mut seed = 1u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--decisions" => {
                decisions = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--decisions N")
            }
            "--out" => out = args.next().map(PathBuf::from),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).expect("--seed N"),
            other => panic!("unknown argument {other}; usage: --decisions N --out DIR [--seed N]"),
        }
    }
    let out = out.expect("--out DIR");
    assert!(
        !out.join("content").exists(),
        "{} already has content/; choose an empty folder",
        out.display()
    );
    site_files(&out);
    let mut rng = Rng(seed);
    for i in 0..decisions {
        let (_, folder) = number(i);
        let dir = out.join("content/decisions").join(folder);
        write(&dir.join("decision.md"), &decision(&mut rng, i));
        write(&dir.join("report.md"), &report(&mut rng));
        write(&dir.join("appendix-2-eqia.md"), &eqia(&mut rng));
        write(&dir.join("appendix-1.md"), &exempt_appendix(&mut rng));
    }
    eprintln!("wrote {decisions} decisions to {}", out.display());
}
