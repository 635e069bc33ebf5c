//! The `whi` binary: parse, resolve, run, map the outcome to an exit code.
//! A closed stdout (`whi validate samples/ | head -1`) is written no more,
//! and the run goes on to its real exit status;
//! Ctrl-C stops the reading, reports what was done and exits 130.

use clap::{CommandFactory, FromArgMatches};
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use whi::cli::Cli;
use whi::commands;
use whi::ingest::stdin::{self, Stdin};
use whi::render::escape_lines;
use whi::render::pipe::Closable;
use whi::settings::{Settings, Terminal};

/// Parsing and validating allocate many small objects; mimalloc serves them
/// in a fraction of glibc malloc's instructions (see `benches/`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Ctrl-C stops the reading: what was read is finished, reported and
    // counted, and the run exits 130 (128 + SIGINT). Should the run not get
    // there (stuck opening a FIFO, say), it ends anyway a moment later.
    // `whi listen` ends itself: it finishes the deliveries in flight and
    // exits 0; a second Ctrl-C ends it at once.
    let _ = ctrlc::set_handler(|| {
        let again = stdin::interrupted();
        stdin::interrupt();
        if stdin::lingers() && !again {
            return;
        }
        if !again {
            std::thread::sleep(std::time::Duration::from_secs(2));
        }
        std::process::exit(130);
    });
    // clap's own exit would report success when --help cannot be written.
    // Help wraps to the width human output uses (`COLUMNS`, the tty, 80).
    let width = whi::settings::columns(io::stdout().is_terminal());
    let parsed = Cli::command()
        .term_width(width)
        .max_term_width(width)
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            return ExitCode::from(if print_clap(&e).is_ok() {
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
            &mut Stdin::new(),
            &mut out,
            &mut Closable::new(io::stderr()),
        );
        out.flush()?;
        outcome
    });
    // Interrupted: what was done is printed; the status says it was cut short.
    if stdin::interrupted() && !stdin::lingers() {
        return ExitCode::from(130);
    }
    match outcome {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // A full or closed stderr must not turn into a panic.
            // Messages quote inputs (file names, flags): escaped for the terminal.
            let message = format!("{err:#}");
            let _ = writeln!(io::stderr(), "error: {}", escape_lines(&message));
            ExitCode::from(2)
        }
    }
}

/// Prints clap's message (help, version, a usage error). When an argument
/// holds a control character, clap would echo it raw to the terminal: the
/// message is then printed plain, escaped.
fn print_clap(e: &clap::Error) -> io::Result<()> {
    let hostile = std::env::args_os().any(|a| {
        a.to_string_lossy().chars().any(|c| {
            c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
    });
    if !hostile {
        return e.print();
    }
    let text = e.render().to_string();
    let text = escape_lines(&text);
    if e.use_stderr() {
        io::stderr().write_all(text.as_bytes())
    } else {
        let mut out = io::stdout();
        out.write_all(text.as_bytes())?;
        out.flush()
    }
}

/// A closed stdout: the reader has all it wants (`| head`), not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<io::Error>())
        .any(|e| e.kind() == io::ErrorKind::BrokenPipe)
}
