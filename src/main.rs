//! The `whi` binary: parse arguments, run, map the outcome to an exit code.
//! A closed stdout (`whi validate samples/ | head -1`) ends the run quietly;
//! Ctrl-C exits 130.
#![allow(clippy::print_stderr)]

use clap::Parser;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use whi::cli::{Cli, Command, DiffFormat, Format};
use whi::render::{self, Palette, Render, human::Human, json::Json};
use whi::render::{github::Github, junit::Junit, sarif::Sarif};
use whi::settings::{self, Settings, Terminal};

/// Parsing and validating allocate many small objects; mimalloc serves them
/// in a fraction of glibc malloc's instructions (see `benches/`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Ctrl-C ends the run at once with the conventional 130 (128 + SIGINT),
    // whoever the parent is, and without a trace. Output already written stays.
    let _ = ctrlc::set_handler(|| std::process::exit(130));
    let cli = Cli::parse();
    let term = Terminal {
        stdout_is_tty: io::stdout().is_terminal(),
        stdin_is_tty: io::stdin().is_terminal(),
        no_color: std::env::var("NO_COLOR").ok(),
        term: std::env::var("TERM").ok(),
    };
    match run(cli, &term) {
        Ok(code) => ExitCode::from(code),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli, term: &Terminal) -> anyhow::Result<u8> {
    let settings = match cli.command {
        Command::Validate(args) => Settings::for_validate(args, cli.color, term)?,
        Command::Inspect(args) => Settings::for_inspect(args, cli.color, term)?,
        Command::Sign(args) => {
            let provider = settings::provider(Some(&args.provider))?
                .ok_or_else(|| anyhow::anyhow!("--provider is required"))?;
            let secret = settings::secret(args.secret_env.as_deref(), args.secret_file.as_deref())?
                .ok_or_else(|| {
                    anyhow::anyhow!("give the secret with --secret-env VAR or --secret-file PATH")
                })?;
            let (host, path) = split_url(&args.url)?;
            let signed = whi::commands::sign(
                provider,
                &secret,
                args.strategy.as_deref(),
                &args.input,
                &mut io::stdin().lock(),
            )
            .map_err(anyhow::Error::msg)?;
            let mut out = io::BufWriter::new(io::stdout().lock());
            render::human::signed(&mut out, &signed, args.request.then_some((host, path)))?;
            out.flush()?;
            return Ok(0);
        }
        Command::Diff(args) => {
            let provider = settings::provider(args.provider.as_deref())?;
            let report = match whi::commands::diff(
                &args.old,
                &args.new,
                provider,
                args.all,
                &mut io::stdin().lock(),
            ) {
                Ok(report) => report,
                Err(message) => anyhow::bail!(message),
            };
            let format = match args.format {
                DiffFormat::Human => Format::Human,
                DiffFormat::Json => Format::Json,
            };
            let palette = Palette::new(settings::use_color(cli.color, format, term));
            let mut out = io::BufWriter::new(io::stdout().lock());
            match args.format {
                DiffFormat::Human => render::human::diff(&mut out, &palette, &report)?,
                DiffFormat::Json => render::json::diff(&mut out, &report)?,
            }
            out.flush()?;
            return Ok(u8::from(report.differs()));
        }
        command @ (Command::Schemas(_)
        | Command::Samples(_)
        | Command::Explain(_)
        | Command::Completions(_)
        | Command::Man(_)) => {
            let palette = Palette::new(settings::use_color(cli.color, Format::Human, term));
            let mut out = io::BufWriter::new(io::stdout().lock());
            let code = whi::commands::catalog::run(command, &palette, &mut out)?;
            out.flush()?;
            return Ok(code);
        }
    };
    // --quiet: the exit status is the answer; diagnostics still go to stderr.
    let mut out: Box<dyn Write> = if settings.quiet {
        Box::new(io::sink())
    } else {
        Box::new(io::BufWriter::new(io::stdout().lock()))
    };
    let mut err = io::stderr();
    let palette = Palette::new(settings.color);
    let max = settings.max_errors;
    let mut renderer: Box<dyn Render> = match settings.format {
        Format::Human => {
            Box::new(Human::new(&mut out, &mut err, palette, settings.verbose).max_errors(max))
        }
        Format::Json => Box::new(Json::new(&mut out, &mut err, settings.timeline).max_errors(max)),
        Format::Github => Box::new(Github::new(&mut out, &mut err).max_errors(max)),
        Format::Junit if settings.summarize => Box::new(
            Junit::new(&mut out, &mut err)
                .suite("whi inspect")
                .max_errors(max),
        ),
        Format::Junit => Box::new(Junit::new(&mut out, &mut err).max_errors(max)),
        Format::Sarif => Box::new(Sarif::new(&mut out, &mut err).max_errors(max)),
    };
    let stdin = &mut io::stdin().lock();
    let tally = if settings.timeline {
        let (timelines, tally) = whi::commands::timelines(&settings, stdin, renderer.as_mut())?;
        drop(renderer);
        match settings.format {
            Format::Human => render::human::timelines(&mut out, &palette, &timelines, &tally)?,
            Format::Json => render::json::timelines(&mut out, &timelines)?,
            // refused by Settings::for_inspect
            Format::Github | Format::Junit | Format::Sarif => {}
        }
        tally
    } else {
        let tally = whi::commands::check(&settings, stdin, renderer.as_mut())?;
        drop(renderer);
        tally
    };
    out.flush()?;
    Ok(tally.exit_code())
}

/// `http://host:port/path` → (`host:port`, `/path`).
fn split_url(url: &str) -> anyhow::Result<(&str, &str)> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| {
            anyhow::anyhow!("--url {url}: expected http://host/path or https://host/path")
        })?;
    Ok(match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash..]),
        None => (rest, "/"),
    })
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<io::Error>())
        .any(|e| e.kind() == io::ErrorKind::BrokenPipe)
}
