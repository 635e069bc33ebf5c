//! The `whi` binary: parse arguments, run, map the outcome to an exit code.
//! A closed stdout (`whi validate samples/ | head -1`) ends the run quietly.
#![allow(clippy::print_stderr)]

use clap::Parser;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use whi::cli::{Cli, Command, Format};
use whi::render::{Palette, Render, human::Human, json::Json};
use whi::render::{github::Github, junit::Junit, sarif::Sarif};
use whi::settings::{Settings, Terminal};

fn main() -> ExitCode {
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
    match cli.command {
        Command::Validate(args) => {
            let settings = Settings::for_validate(args, cli.color, term)?;
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            let mut err = io::stderr();
            let mut renderer: Box<dyn Render> = match settings.format {
                Format::Human => Box::new(Human::new(
                    &mut out,
                    &mut err,
                    Palette::new(settings.color),
                    settings.verbose,
                )),
                Format::Json => Box::new(Json::new(&mut out, &mut err)),
                Format::Github => Box::new(Github::new(&mut out, &mut err)),
                Format::Junit => Box::new(Junit::new(&mut out, &mut err)),
                Format::Sarif => Box::new(Sarif::new(&mut out, &mut err)),
            };
            let tally = whi::app::validate(&settings, &mut io::stdin().lock(), renderer.as_mut())?;
            drop(renderer);
            out.flush()?;
            Ok(tally.exit_code())
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<io::Error>())
        .any(|e| e.kind() == io::ErrorKind::BrokenPipe)
}
