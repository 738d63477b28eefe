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
        /// Treat small counts of people (1 to 4) as errors, not warnings.
        #[arg(long)]
        strict: bool,
    },
    /// Check everything and write nothing.
    Check {
        /// The site's folder, holding site.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Treat small counts of people (1 to 4) as errors, not warnings.
        #[arg(long)]
        strict: bool,
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
                    eprintln!("check passed: {warnings} warning{}", plural(warnings));
                }
            }
            ExitCode::SUCCESS
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
