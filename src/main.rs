//! The `whi` binary: parse, resolve, run, map the outcome to an exit code.
//! A closed stdout (`whi validate samples/ | head -1`) is written no more,
//! and the run goes on to its real exit status;
//! Ctrl-C exits 130.

use clap::Parser;
use std::io::{self, Write};
use std::process::ExitCode;
use whi::cli::Cli;
use whi::commands;
use whi::render::pipe::Closable;
use whi::settings::{Settings, Terminal};

/// Parsing and validating allocate many small objects; mimalloc serves them
/// in a fraction of glibc malloc's instructions (see `benches/`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Ctrl-C ends the run at once with the conventional 130 (128 + SIGINT),
    // whoever the parent is, and without a trace. Output already written stays.
    let _ = ctrlc::set_handler(|| std::process::exit(130));
    // clap's own exit would report success when --help cannot be written.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            return ExitCode::from(if e.print().is_ok() {
                e.exit_code() as u8
            } else {
                2
            });
        }
    };
    let outcome = Settings::resolve(cli, &Terminal::detect()).and_then(|settings| {
        // A reader that leaves (`| head -1`) stops the writing, not the
        // checking: the exit status stays the real verdict.
        let mut out = io::BufWriter::new(Closable::new(io::stdout().lock()));
        let outcome = commands::run(
            settings,
            &mut io::stdin().lock(),
            &mut out,
            &mut Closable::new(io::stderr()),
        );
        out.flush()?;
        outcome
    });
    match outcome {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // A full or closed stderr must not turn into a panic.
            let _ = writeln!(io::stderr(), "error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// A closed stdout: the reader has all it wants (`| head`), not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<io::Error>())
        .any(|e| e.kind() == io::ErrorKind::BrokenPipe)
}
