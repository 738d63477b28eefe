//! The `plainsight` command: parses arguments, calls the library, prints, and
//! sets the exit code (0 fine, 1 content errors, 2 usage or internal failure).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "plainsight",
    version,
    about = "Publish council decisions in plain English, withholding what Schedule 12A exempts"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        /// The site's folder, holding site.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: ROOT/public).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Where to write the withholding report (default: ROOT/reports).
        #[arg(long)]
        report_dir: Option<PathBuf>,
        /// Treat warnings (plain language, small counts of people) as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Check everything and write nothing.
    Check {
        /// The site's folder, holding site.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Treat warnings (plain language, small counts of people) as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Build, serve the output on 127.0.0.1, rebuild on change and reload open pages.
    Serve {
        /// The site's folder, holding site.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port on 127.0.0.1 (0 picks any free port).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Where to write the site (default: ROOT/public).
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let (result, verb) = match cli.command {
        Command::Build {
            root,
            output,
            report_dir,
            strict,
        } => {
            let mut options = plainsight::Options::for_root(&root);
            options.strict = strict;
            if let Some(output) = output {
                options.output = output;
            }
            if let Some(dir) = report_dir {
                options.report_dir = dir;
            }
            (
                plainsight::build(&options).map(|o| (o, Some(options))),
                "build",
            )
        }
        Command::Check { root, strict } => {
            let mut options = plainsight::Options::for_root(&root);
            options.strict = strict;
            (plainsight::check_with(&options).map(|o| (o, None)), "check")
        }
        Command::Serve { root, port, output } => return serve(root, port, output),
    };
    match result {
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Ok((outcome, options)) => {
            for d in &outcome.diagnostics {
                eprintln!("{d}");
            }
            // One line of stage timings, for CI logs and for finding slow steps.
            if !outcome.timings.stages.is_empty() {
                let stages: Vec<String> = outcome
                    .timings
                    .stages
                    .iter()
                    .map(|(stage, time)| format!("{} {:.2}s", stage.trim(), time.as_secs_f64()))
                    .collect();
                eprintln!("timings: {}", stages.join(", "));
            }
            let errors = outcome
                .diagnostics
                .iter()
                .filter(|d| d.severity == plainsight::diagnostics::Severity::Error)
                .count();
            let warnings = outcome.diagnostics.len() - errors;
            if errors > 0 {
                eprintln!(
                    "{verb} failed: {errors} error{}, {warnings} warning{}; nothing was written{}",
                    plural(errors),
                    plural(warnings),
                    if verb == "build" {
                        " and the previous site is unchanged"
                    } else {
                        ""
                    }
                );
                return ExitCode::from(1);
            }
            match options {
                Some(options) => eprintln!(
                    "built {} files into {} ({} withheld item{}; report in {})",
                    outcome.files_written,
                    options.output.display(),
                    outcome.report.as_ref().map_or(0, |r| r.items.len()),
                    plural(outcome.report.as_ref().map_or(0, |r| r.items.len())),
                    options.report_dir.display()
                ),
                None => {
                    if let Some(report) = &outcome.report {
                        println!("{}", report.readable());
                    }
                    if let Some(language) = &outcome.language {
                        print_language(language);
                    }
                    eprintln!("check passed: {warnings} warning{}", plural(warnings));
                }
            }
            ExitCode::SUCCESS
        }
    }
}

/// The short language report `check` prints: hardest pages, summaries over
/// target, longest sentences, and words nothing on the page explains.
fn print_language(report: &plainsight::language::LanguageReport) {
    let t = &report.targets;
    println!("Plain language (UK reading age = Flesch-Kincaid grade + 5)");
    println!(
        "  targets: summaries {:.0}, pages {:.0}, sentences up to {} words",
        t.summary_reading_age, t.page_reading_age, t.max_sentence_words
    );
    println!("  hardest pages:");
    for m in report.hardest() {
        println!(
            "    reading age {:>4.1}  ease {:>5.1}  {:>4} words  /{}  ({}){}",
            m.measure.reading_age,
            m.measure.reading_ease,
            m.measure.words,
            m.page,
            m.file,
            if m.over_target() { "  over target" } else { "" }
        );
    }
    let over: Vec<_> = report
        .summaries
        .iter()
        .chain(&report.pages)
        .filter(|m| m.over_target())
        .collect();
    if over.is_empty() {
        println!("  over target: none");
    } else {
        println!("  over target:");
        for m in over {
            println!(
                "    {}:{}: reading age {:.1} (target {:.0}): {}",
                m.file, m.line, m.measure.reading_age, m.target, m.title
            );
        }
    }
    if report.long_sentences.is_empty() {
        println!("  sentences over {} words: none", t.max_sentence_words);
    } else {
        println!("  longest sentences:");
        for s in report.long_sentences.iter().take(5) {
            println!(
                "    {}:{}: {} words: \"{} ...\"",
                s.file, s.line, s.words, s.start
            );
        }
    }
    println!("  passive-heavy paragraphs: {}", report.passive_paragraphs);
    if report.unexplained_terms.is_empty() {
        println!("  unexplained glossary terms: none");
    } else {
        println!(
            "  unexplained glossary terms ({}):",
            report.unexplained_terms[0].reason
        );
        for u in &report.unexplained_terms {
            println!("    /{}: {}", u.page, u.term);
        }
    }
    if report.unknown_acronyms.is_empty() {
        println!("  acronyms not in the glossary: none");
    } else {
        println!("  acronyms not in the glossary or explained in brackets:");
        for a in &report.unknown_acronyms {
            println!("    {}: /{}", a.acronym, a.pages.join(", /"));
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `plainsight serve`: the URL goes to stdout, everything else to stderr.
fn serve(root: PathBuf, port: u16, output: Option<PathBuf>) -> ExitCode {
    use plainsight::serve::Event;

    let mut options = plainsight::Options::for_root(&root);
    if let Some(output) = output {
        options.output = output;
    }
    let (server, first) = match plainsight::serve::start(options.clone(), port) {
        Ok(started) => started,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    print_served_build(&first, &options);
    println!("serving {} at {}", options.output.display(), server.url());
    eprintln!(
        "watching site.toml, content/, data/ and templates/ for changes; press Ctrl-C to stop"
    );
    for event in server.events() {
        match event {
            Event::Changed { paths } => eprintln!("changed: {}; rebuilding", paths.join(", ")),
            Event::Rebuilt { result, took } => match *result {
                Ok(outcome) => {
                    print_served_build(&outcome, &options);
                    if !outcome.has_errors() {
                        eprintln!("rebuilt in {:.1} s; open pages reload", took.as_secs_f64());
                    }
                }
                Err(e) => eprintln!(
                    "error: {e}\nstill serving the last good site; the error is shown in the browser"
                ),
            },
        }
    }
    ExitCode::SUCCESS
}

fn print_served_build(outcome: &plainsight::Outcome, options: &plainsight::Options) {
    for d in &outcome.diagnostics {
        eprintln!("{d}");
    }
    let errors = outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == plainsight::diagnostics::Severity::Error)
        .count();
    if errors > 0 {
        eprintln!(
            "build failed: {errors} error{}; still serving the last good site, with the errors shown in the browser",
            plural(errors)
        );
    } else {
        eprintln!(
            "built {} files into {}",
            outcome.files_written,
            options.output.display()
        );
    }
}
