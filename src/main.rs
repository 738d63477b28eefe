//! The `plainsight` command: parses arguments, calls the library, prints, and
//! sets the exit code (0 fine, 1 content errors, 2 usage or internal failure).
//!
//! It is also the only place that reads the environment (`SOURCE_DATE_EPOCH`):
//! the library takes everything through `Options`, so tests running in
//! parallel threads never race on process-wide state.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use plainsight::cli_format::{self, EXIT_CONTENT_ERRORS, EXIT_OK, EXIT_USAGE};

#[derive(Parser)]
#[command(
    name = "plainsight",
    version,
    about = "Publish council decisions in plain English, withholding what Schedule 12A exempts",
    after_help = "Exit status: 0 fine; 1 content errors (nothing was written); 2 usage or internal failure.\n\
                  SOURCE_DATE_EPOCH (seconds since 1970, UTC), when set, is the date the withholding report compares review dates with, and the day the call-in page counts as now unless site.toml sets as_of."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        #[command(flatten)]
        common: Common,
        /// Where to write the site (default: ROOT/public).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Where to write the withholding report (default: ROOT/reports).
        #[arg(long)]
        report_dir: Option<PathBuf>,
    },
    /// Check everything and write nothing.
    Check {
        #[command(flatten)]
        common: Common,
    },
    /// Make a new record in the site: `plainsight new decision 26/00002 --title "..."`.
    New {
        #[command(subcommand)]
        what: NewRecord,
    },
    /// Import a document into a decision's folder: `plainsight import docx REPORT.docx --decision 22/00073`.
    Import {
        #[command(subcommand)]
        from: ImportFrom,
    },
    /// Make a new site in DIR (new or empty; the current folder by default) that builds at once.
    Init {
        /// The folder for the new site.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Also copy the built-in templates into templates/, to restyle the pages.
        #[arg(long)]
        with_templates: bool,
    },
    /// Copy built-in templates into the site's templates/ to restyle its pages
    /// (all of them, or those named); a template the site has is never written over.
    Templates {
        /// Which templates, like `base.html` (all when none is named).
        names: Vec<String>,
        /// The site folder (holding site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Write JSON Schemas of front matter, site.toml and data schemas, for
    /// editors that check TOML as it is typed (docs/content-format.md).
    Schema {
        /// The site's folder, holding site.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the schemas (default: ROOT/schemas). Only the
        /// schema files are written, each over an older one; nothing is deleted.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
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

/// Arguments `build` and `check` share.
#[derive(Args)]
struct Common {
    /// The site's folder, holding site.toml.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Treat warnings (plain language, small counts of people) as errors.
    #[arg(long)]
    strict: bool,
    /// How to print problems: `human` (like a compiler), `json` (one document
    /// on stdout) or `github` (GitHub Actions annotations).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Use this site address instead of site.toml's `base_url` (for preview
    /// deployments); absolute http(s), a trailing slash is added.
    #[arg(long, value_name = "URL", value_parser = base_url)]
    base_url: Option<String>,
    /// Where the build cache is kept (default: ROOT/.plainsight-cache).
    /// A rebuild reuses what did not change; delete the folder to start afresh.
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    cache_dir: Option<PathBuf>,
    /// Neither read nor write the build cache: work everything out afresh.
    #[arg(long)]
    no_cache: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
}

#[derive(Subcommand)]
enum NewRecord {
    /// A decision folder with every key the law asks for, each to fill in
    /// (`check` reports each placeholder until it is).
    Decision {
        /// The decision's number, like 26/00002.
        number: String,
        /// Its title, if you have it.
        #[arg(long)]
        title: Option<String>,
        /// The site folder (holding site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// An Equality Impact Assessment for a decision, with every protected
    /// characteristic to fill in, as its next appendix.
    Eqia {
        /// The decision's number, like 26/00002.
        number: String,
        /// The site folder (holding site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// An appendix for a decision, published or (with --exempt N) withheld
    /// under paragraph N of Schedule 12A, as its next appendix.
    Appendix {
        /// The decision's number, like 26/00002.
        number: String,
        /// The paragraph of Schedule 12A (1 to 7) it is exempt under.
        #[arg(long)]
        exempt: Option<u8>,
        /// The site folder (holding site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Subcommand)]
enum ImportFrom {
    /// A Word report (.docx) as Markdown in the decision's folder, with
    /// everything hidden in it (tracked changes, comments, hidden text,
    /// properties, custom XML, embedded files, headers and footers, notes)
    /// left out and listed. Passages in a style named "Exempt" (or "Exempt 3")
    /// or inside a bookmark named exempt... become exempt passages. Nothing
    /// is written when the text holds personal data (exit 1). The .docx
    /// itself is never copied.
    Docx {
        /// The Word file.
        file: PathBuf,
        /// The decision's number, like 22/00073.
        #[arg(long)]
        decision: String,
        /// What the document is: a report (report.md), the decision's next
        /// appendix (appendix-N.md), or the record of a new decision (decision.md).
        #[arg(long = "as", value_name = "KIND", value_enum, default_value_t = ImportKind::Report)]
        import_as: ImportKind,
        /// The paragraph of Schedule 12A (1 to 7) for passages marked
        /// exempt without one; without it, such a passage's fence has a
        /// FILL IN: for the paragraph, which check refuses until written.
        #[arg(long, value_name = "N")]
        exempt_paragraph: Option<u8>,
        /// A value the personal-data check lets through in this document
        /// (an officer's published work email or phone), written into its
        /// personal_data_ok for review. May be given more than once.
        #[arg(long, value_name = "VALUE")]
        personal_data_ok: Vec<String>,
        /// The site folder (holding site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ImportKind {
    Report,
    Appendix,
    Decision,
}

/// Checks `--base-url` while parsing, so a bad one is a usage error (exit 2).
fn base_url(value: &str) -> Result<String, String> {
    plainsight::config::base_url(value)
}

/// mimalloc rather than glibc's malloc: rendering and scanning allocate many
/// short-lived strings on every thread, which mimalloc serves faster and with
/// less memory held per thread (see bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let (verb, common, output, report_dir) = match cli.command {
        Command::Build {
            common,
            output,
            report_dir,
        } => ("build", common, output, report_dir),
        Command::Check { common } => ("check", common, None, None),
        Command::Serve { root, port, output } => return serve(root, port, output),
        Command::Init {
            dir,
            with_templates,
        } => return init(&dir, with_templates),
        Command::Templates { names, root } => return templates(&root, &names),
        Command::Schema { root, out } => return schema(&root, out),
        Command::Import {
            from:
                ImportFrom::Docx {
                    file,
                    decision,
                    import_as,
                    exempt_paragraph,
                    personal_data_ok,
                    root,
                },
        } => {
            use plainsight::docx::{ImportAs, ImportOptions};
            let options = ImportOptions {
                import_as: match import_as {
                    ImportKind::Report => ImportAs::Report,
                    ImportKind::Appendix => ImportAs::Appendix,
                    ImportKind::Decision => ImportAs::Decision,
                },
                exempt_paragraph,
                personal_data_ok,
            };
            return import_docx(&root, &file, &decision, &options);
        }
        Command::New { what } => {
            use plainsight::init::NewPaper;
            let made = match what {
                NewRecord::Decision {
                    number,
                    title,
                    root,
                } => plainsight::init::new_decision(&root, &number, title.as_deref()),
                NewRecord::Eqia { number, root } => {
                    plainsight::init::new_paper(&root, &number, NewPaper::Eqia)
                }
                NewRecord::Appendix {
                    number,
                    exempt,
                    root,
                } => plainsight::init::new_paper(&root, &number, NewPaper::Appendix { exempt }),
            };
            return match made {
                Ok(path) => {
                    println!("made {}", path.display());
                    println!("fill in each FILL IN: there; plainsight check lists the ones left");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(EXIT_USAGE)
                }
            };
        }
    };
    let format = common.format;
    // A usage or internal failure: in JSON too, so CI always gets one document.
    let fail = |message: &str| -> ExitCode {
        match format {
            Format::Json => print!("{}", cli_format::json(verb, &[], 0, Some(message))),
            Format::Github => {
                // An annotation too, so the failure shows on the pull request.
                println!(
                    "::error title=plainsight::{}",
                    cli_format::escape_data(message)
                );
                eprintln!("error: {message}");
            }
            Format::Human => eprintln!("error: {message}"),
        }
        ExitCode::from(EXIT_USAGE)
    };
    let today = match std::env::var_os("SOURCE_DATE_EPOCH") {
        None => None,
        Some(value) => match plainsight::report::source_date_epoch(&value.to_string_lossy()) {
            Ok(date) => Some(date),
            Err(message) => return fail(&message),
        },
    };
    let mut options = plainsight::Options::for_root(&common.root);
    options.strict = common.strict;
    options.base_url = common.base_url;
    options.today = today;
    if common.no_cache {
        options.cache_dir = None;
    } else if let Some(dir) = common.cache_dir {
        options.cache_dir = Some(dir);
    }
    if let Some(output) = output {
        options.output = output;
    }
    if let Some(dir) = report_dir {
        options.report_dir = dir;
    }
    // A progress bar only for people: a terminal, human format.
    let bar = (format == Format::Human && std::io::stderr().is_terminal()).then(progress_bar);
    if let Some((hook, _)) = &bar {
        options.progress = Some(hook.clone());
    }
    let result = match verb {
        "build" => plainsight::build(&options),
        _ => plainsight::check_with(&options),
    };
    if let Some((_, bar)) = bar {
        bar.finish_and_clear();
    }
    // Never freed: the process ends straight after, and freeing a large
    // site's diagnostics and reports one by one takes a noticeable part of
    // a rebuild.
    let outcome = std::mem::ManuallyDrop::new(match result {
        Ok(outcome) => outcome,
        Err(e) => return fail(&e.to_string()),
    });
    if format == Format::Json {
        print!(
            "{}",
            cli_format::json(verb, &outcome.diagnostics, outcome.files_written, None)
        );
        return ExitCode::from(match outcome.has_errors() {
            true => EXIT_CONTENT_ERRORS,
            false => EXIT_OK,
        });
    }
    if format == Format::Github {
        print!("{}", cli_format::github(&common.root, &outcome.diagnostics));
    } else {
        // Buffered: stderr is not, and a large site has thousands of
        // warnings, each printed in several pieces.
        let mut stderr = std::io::BufWriter::new(std::io::stderr().lock());
        for d in &outcome.diagnostics {
            let _ = writeln!(stderr, "{d}");
        }
        let _ = stderr.flush();
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
    if let Some(reuse) = &outcome.reuse {
        eprintln!("{}", reuse_line(reuse));
    }
    let counts = cli_format::Counts::of(&outcome.diagnostics);
    let (errors, warnings) = (counts.errors, counts.warnings);
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
        return ExitCode::from(EXIT_CONTENT_ERRORS);
    }
    if verb == "build" {
        let withheld = outcome.report.as_ref().map_or(0, |r| r.items.len());
        eprintln!(
            "built {} files into {} ({withheld} withheld item{}; report in {})",
            outcome.files_written,
            options.output.display(),
            plural(withheld),
            options.report_dir.display()
        );
    } else {
        if let Some(report) = &outcome.report {
            println!("{}", report.readable());
        }
        if let Some(language) = &outcome.language {
            print_language(language);
        }
        eprintln!("check passed: {warnings} warning{}", plural(warnings));
    }
    ExitCode::from(EXIT_OK)
}

/// What the build cache saved, in one line.
fn reuse_line(r: &plainsight::Reuse) -> String {
    let m = &r.made_again;
    let mut again: Vec<String> = [
        (m.search, "the search page"),
        (m.other, "the other site-wide pages"),
        (m.forward_plan, "the forward plan"),
        (m.sitemap, "the sitemap"),
    ]
    .into_iter()
    .filter(|(made, _)| *made)
    .map(|(_, what)| what.to_string())
    .collect();
    if m.register > 0 {
        again.push(format!(
            "{} page{} of the register",
            m.register,
            plural(m.register)
        ));
    }
    if m.downloads > 0 {
        again.push(format!("{} download{}", m.downloads, plural(m.downloads)));
    }
    if m.search_parts > 0 {
        again.push(format!(
            "{} part{} of the decisions' search index",
            m.search_parts,
            plural(m.search_parts)
        ));
    }
    format!(
        "cache: {} of {} decision folders not read again; {} of {} output units reused; output {}{}",
        r.decisions_read,
        r.decisions,
        r.units,
        r.of_units(),
        if r.in_place {
            "updated in place"
        } else {
            "written afresh"
        },
        match again.is_empty() {
            true => String::new(),
            false => format!("; made again: {}", again.join(", ")),
        }
    )
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

/// `plainsight import docx`: the files made and what was left out, or why
/// nothing was written.
fn import_docx(
    root: &Path,
    file: &Path,
    decision: &str,
    options: &plainsight::docx::ImportOptions,
) -> ExitCode {
    use plainsight::docx::{ImportError, LeftOut};
    let print_left_out = |left_out: &[LeftOut]| {
        if left_out.is_empty() {
            println!("The Word file held nothing hidden that the import found.");
        } else {
            println!("Left out of the import (none of it is in the files written):");
            for item in left_out {
                println!("  - {item}");
            }
        }
    };
    match plainsight::docx::import(root, file, decision, options) {
        Ok(imported) => {
            for path in &imported.written {
                println!("made {}", path.display());
            }
            print_left_out(&imported.left_out);
            if imported.exempt_passages > 0 {
                println!(
                    "{} passage{} marked exempt in Word {} now in ::: exempt fences: check each fence's paragraph.",
                    imported.exempt_passages,
                    plural(imported.exempt_passages),
                    if imported.exempt_passages == 1 {
                        "is"
                    } else {
                        "are"
                    }
                );
            }
            println!(
                "{} FILL IN: placeholder{} to write; plainsight check lists {}.",
                imported.placeholders,
                plural(imported.placeholders),
                if imported.placeholders == 1 {
                    "it"
                } else {
                    "them"
                }
            );
            ExitCode::SUCCESS
        }
        Err(ImportError::PersonalData(refused)) => {
            eprintln!("error: the text to import holds personal data, so nothing was written:");
            for finding in &refused.findings {
                eprintln!("  - {finding}");
            }
            eprintln!(
                "help: take it out of the Word document, or mark its passage with the Exempt style, and import again; \
                 a contact published on purpose (an officer's work email or phone) can be let through for this document with \
                 --personal-data-ok VALUE (written into its personal_data_ok for review), or for the whole site in site.toml's [personal_data] allow"
            );
            print_left_out(&refused.left_out);
            ExitCode::from(EXIT_CONTENT_ERRORS)
        }
        Err(e @ ImportError::FenceInText(_)) => {
            eprintln!("error: {e}; nothing was written");
            ExitCode::from(EXIT_CONTENT_ERRORS)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// `plainsight schema`: the schemas, and where they went. Into a site's
/// `schemas/` folder unless `--out` says elsewhere, so that a mistyped
/// `--root` makes no folder of schemas in a stray place.
fn schema(root: &Path, out: Option<PathBuf>) -> ExitCode {
    let dir = match out {
        Some(dir) => dir,
        None if root.join(plainsight::source::CONFIG_FILE).is_file() => {
            root.join(plainsight::schema::DIR)
        }
        None => {
            eprintln!(
                "error: {} has no site.toml: run this in a site's folder (or pass --root), or say where the schemas go with --out DIR",
                root.display()
            );
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match plainsight::schema::write(&dir) {
        Ok(written) => {
            for path in &written {
                println!("wrote {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// `plainsight init`: a new site, and what to do next.
fn init(dir: &Path, with_templates: bool) -> ExitCode {
    let made = plainsight::init::init(dir).and_then(|mut written| {
        if with_templates {
            written.extend(plainsight::init::copy_templates(dir, &[])?.written);
        }
        Ok(written)
    });
    match made {
        Ok(written) => {
            for path in &written {
                println!("made {}", path.display());
            }
            println!(
                "\na new site is in {0}. Next:\n  cd {0}\n  plainsight check --strict   # checks everything, writes nothing\n  plainsight serve            # builds it and shows it at http://127.0.0.1:8000/\nThen put your own settings in site.toml and your decisions in content/decisions/.",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn templates(root: &Path, names: &[String]) -> ExitCode {
    match plainsight::init::copy_templates(root, names) {
        Ok(copied) => {
            for path in &copied.written {
                println!("made {}", path.display());
            }
            for path in &copied.kept {
                println!("kept {} (the site's own; not written over)", path.display());
            }
            println!(
                "each copy says at its top what it receives; change it and build. Delete a copy to use the built-in template again."
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
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

/// A progress bar that shows itself only once a build has run for half a
/// second (small sites build faster than a bar could be read), and the hook
/// that moves it.
fn progress_bar() -> (plainsight::ProgressHook, indicatif::ProgressBar) {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{msg:>18} [{bar:30}] {pos}/{len}")
            .expect("a valid progress template")
            .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let shown = std::sync::atomic::AtomicBool::new(false);
    let moved = bar.clone();
    let hook = move |p: plainsight::Progress| {
        if !shown.load(std::sync::atomic::Ordering::Relaxed)
            && started.elapsed() > std::time::Duration::from_millis(500)
            && !shown.swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            moved.set_draw_target(ProgressDrawTarget::stderr());
        }
        if moved.message() != p.step {
            moved.set_message(p.step);
            moved.set_length(p.total as u64);
            moved.set_position(0);
        }
        // Units finish out of order; the bar only moves forward.
        if (p.done as u64) > moved.position() {
            moved.set_position(p.done as u64);
        }
    };
    (plainsight::ProgressHook(std::sync::Arc::new(hook)), bar)
}
