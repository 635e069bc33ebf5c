//! The commands that look things up rather than check payloads: `whi
//! schemas`, `whi samples`, `whi explain`, `whi completions` and `whi man`.
//! Each resolves its arguments, asks the core ([`crate::bundle::catalog`],
//! [`crate::bundle::explain`]) and hands the answer to a renderer.
//!
//! Like `main`, this is glue that sees clap types; it writes only to the
//! writer it is given. A name that matches nothing is an error (exit 2)
//! that names the near matches.

use super::Outcome;
use crate::bundle::catalog;
use crate::bundle::explain;
use crate::cli::{Cli, Command, ListFormat, SamplesArgs, SchemasAction, SchemasArgs};
use crate::render::wrap::Wrap;
use crate::render::{self, Palette};
use anyhow::{Result, anyhow, bail};
use clap::CommandFactory;
use std::io::Write;

/// Runs `schemas`, `samples`, `explain`, `completions` or `man`; the exit
/// code is 0 (a failure is an error: exit 2, and so is a partial export).
pub(super) fn run(
    command: Command,
    color: bool,
    width: usize,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let palette = &Palette::new(color);
    // Lists and explanations wrap to the terminal; what is printed as
    // bundled (a schema, a sample, a script, a page) never does.
    let width = Some(width);
    let mut outcome = Outcome::Clean;
    match command {
        Command::Schemas(args) => outcome = schemas(args, palette, width, out, err)?,
        Command::Samples(args) => samples(args, palette, width, out)?,
        Command::Explain(args) => {
            let explanation = explain::explain(&args.target)?;
            match args.format {
                ListFormat::Human => {
                    render::explain::human(&mut Wrap::new(out, width), palette, &explanation)?;
                }
                ListFormat::Json => render::explain::json(out, &explanation)?,
            }
        }
        Command::Completions(args) => {
            // clap_complete panics when its writer fails (a closed pipe), so
            // the script is built in memory and written here.
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "whi", &mut script);
            out.write_all(&script)?;
        }
        Command::Man(args) => man(args.command.as_deref(), out)?,
        Command::Validate(_)
        | Command::Inspect(_)
        | Command::Diff(_)
        | Command::Sign(_)
        | Command::Listen(_)
        | Command::Redact(_)
        | Command::Send(_) => {
            bail!("internal: this command is not run by commands::run")
        }
    }
    out.flush()?;
    Ok(outcome)
}

fn schemas(
    args: SchemasArgs,
    palette: &Palette,
    width: Option<usize>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    match args.action {
        None => {
            let entries = catalog::entries();
            match args.format {
                ListFormat::Human => {
                    render::catalog::schemas(&mut Wrap::new(out, width), palette, &entries, width)?;
                }
                ListFormat::Json => render::json::ndjson(out, &entries)?,
            }
        }
        Some(SchemasAction::Show { name }) => {
            let (_, text) = catalog::schema_file(&name)?;
            out.write_all(text.as_bytes())?;
        }
        Some(SchemasAction::Export { dir, force, bundle }) => {
            let export = catalog::export(&dir, force, bundle)?;
            render::catalog::exported(&mut Wrap::new(out, width), err, palette, &export)?;
            if !export.failed.is_empty() {
                return Ok(Outcome::Failed);
            }
        }
    }
    Ok(Outcome::Clean)
}

fn samples(
    args: SamplesArgs,
    palette: &Palette,
    width: Option<usize>,
    out: &mut dyn Write,
) -> Result<()> {
    match args.name {
        // Byte for byte: a receiver or `whi validate` sees what is bundled.
        Some(name) => out.write_all(catalog::sample(&name)?.text.as_bytes())?,
        None => {
            let samples = catalog::samples();
            match args.format {
                ListFormat::Human => {
                    render::catalog::samples(&mut Wrap::new(out, width), palette, &samples, width)?;
                }
                ListFormat::Json => render::json::ndjson(out, &samples)?,
            }
        }
    }
    Ok(())
}

/// The roff page of whi, or of one of its commands (`whi-validate(1)`).
fn man(command: Option<&str>, out: &mut dyn Write) -> Result<()> {
    let mut cli = Cli::command();
    let page = match command {
        None => cli,
        Some(name) => {
            // Built, subcommands carry their page name: whi-validate.
            cli.build();
            let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
            let Some(sub) = cli.find_subcommand(name) else {
                let hint = catalog::did_you_mean(&catalog::near(name, names));
                return Err(anyhow!("no command {name}{hint} (whi --help lists them)"));
            };
            sub.clone()
        }
    };
    clap_mangen::Man::new(page)
        .source(format!("whi {}", env!("CARGO_PKG_VERSION")))
        .render(out)?;
    Ok(())
}
