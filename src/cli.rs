//! Command-line arguments as clap types. The doc comments are the help
//! text. Resolved once into [`crate::settings::Settings`]; no other module
//! sees these types.

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_STATUS: &str = "\
Exit status:
  0  every payload is valid (or has no bundled schema to check it against)
  1  a payload is invalid, not JSON, or not a recognised webhook
  2  whi could not do its job: bad flags, a missing or unreadable path,
     a glob matching nothing (the other inputs are still reported)";

const EXAMPLES: &str = "\
Examples:
  whi validate payload.json
  whi validate samples/                    every *.json below, sorted
  whi validate 'captures/**/*.json'        whi expands the glob itself
  pbpaste | whi validate                   stdin (or name it: -)
  whi validate --format json samples/ | jq 'select(.valid == false)'
  whi validate --provider salla --event order.created body.json";

/// whi, the webhook inspector: detect, validate and explain order webhooks
/// from Logitrail, Salla, Snipcart and Ongoing WMS.
#[derive(Debug, Parser)]
#[command(name = "whi", version, propagate_version = true, after_help = EXIT_STATUS)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,

    /// When to colour the output: auto colours when stdout is a terminal,
    /// NO_COLOR is unset or empty and TERM is not "dumb".
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Detect each payload's provider and event and validate it against the
    /// bundled JSON Schema, reporting every problem with its JSON pointer and
    /// line:column.
    #[command(after_help = format!("{EXAMPLES}\n\n{EXIT_STATUS}"))]
    Validate(ValidateArgs),
}

/// Arguments of `whi validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files, directories (searched recursively for *.json), globs, or - for
    /// stdin. With none, stdin is read when it is not a terminal.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Treat every payload as this provider's (logitrail, salla, snipcart, ongoing).
    #[arg(long, value_name = "PROVIDER")]
    pub provider: Option<String>,

    /// Treat every payload as this event (e.g. order.created); needs --provider
    /// when the body's provider cannot be detected.
    #[arg(long, value_name = "EVENT")]
    pub event: Option<String>,

    /// Show how every payload was detected, not only the failing ones.
    #[arg(short, long)]
    pub verbose: bool,
}

/// `--color` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// `--format` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable report with a count line.
    Human,
    /// NDJSON: one record per payload.
    Json,
    /// GitHub Actions workflow commands: an annotation per error and warning.
    Github,
    /// JUnit XML, for CI test reports (Jenkins, GitLab, Azure Pipelines).
    Junit,
    /// SARIF 2.1.0, for code scanning (GitHub, Azure DevOps).
    Sarif,
}
