//! Settings: the command line resolved once into the decisions a run needs
//! (colour, format, inputs, detection overrides), checked up front so that
//! bad flags fail before any input is read.

use crate::cli::{ColorChoice, Format, InspectArgs, ValidateArgs};
use crate::model::signature::Secret;
use crate::providers::{self, Provider};
use anyhow::{Context, Result, bail};
use std::path::Path;

/// What the environment says about colour.
#[derive(Debug, Clone, Default)]
pub struct Terminal {
    /// Whether stdout is a terminal.
    pub stdout_is_tty: bool,
    /// Whether stdin is a terminal.
    pub stdin_is_tty: bool,
    /// `NO_COLOR`, if set.
    pub no_color: Option<String>,
    /// `TERM`, if set.
    pub term: Option<String>,
}

/// The resolved settings of `whi validate`.
pub struct Settings {
    /// Whether to colour human output.
    pub color: bool,
    /// The output format.
    pub format: Format,
    /// The inputs, `-` meaning stdin.
    pub inputs: Vec<String>,
    /// Forced provider.
    pub provider: Option<&'static dyn Provider>,
    /// Forced event.
    pub event: Option<String>,
    /// Show detection evidence for every payload.
    pub verbose: bool,
    /// Add the order summary to every record (`whi inspect`).
    pub summarize: bool,
    /// Group summaries into per-order timelines (`whi inspect --timeline`).
    pub timeline: bool,
    /// The webhook secret for signature checks.
    pub secret: Option<Secret>,
    /// Print nothing on stdout (`-q`); unreadable inputs still go to stderr.
    pub quiet: bool,
    /// List at most this many errors per payload (`--max-errors`).
    pub max_errors: Option<usize>,
}

/// Decides colour as STYLE.md says: `auto` = stdout is a terminal, NO_COLOR
/// unset or empty, TERM not `dumb`. Machine formats are never coloured.
pub fn use_color(choice: ColorChoice, format: Format, term: &Terminal) -> bool {
    if format != Format::Human {
        return false;
    }
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            term.stdout_is_tty
                && term.no_color.as_deref().is_none_or(str::is_empty)
                && term.term.as_deref() != Some("dumb")
        }
    }
}

impl Settings {
    /// Resolves `whi validate`'s arguments.
    pub fn for_validate(
        args: ValidateArgs,
        color: ColorChoice,
        term: &Terminal,
    ) -> Result<Settings> {
        let provider = provider(args.provider.as_deref())?;
        if let (Some(p), Some(event)) = (provider, &args.event)
            && !p.events().contains(&event.as_str())
        {
            bail!(
                "{} has no bundled schema for event {event:?}: expected one of {}",
                p.name(),
                p.events().join(", ")
            );
        }
        let mut inputs = args.inputs;
        if inputs.is_empty() {
            if term.stdin_is_tty {
                bail!(
                    "no input: give files, directories or globs, or pipe a payload into stdin (see whi validate --help)"
                );
            }
            inputs.push("-".into());
        }
        Ok(Settings {
            color: use_color(color, args.format, term),
            format: args.format,
            inputs,
            provider,
            event: args.event,
            verbose: args.verbose,
            summarize: false,
            timeline: false,
            secret: secret(args.secret_env.as_deref(), args.secret_file.as_deref())?,
            quiet: args.quiet,
            max_errors: args.max_errors,
        })
    }

    /// Resolves `whi inspect`'s arguments.
    pub fn for_inspect(args: InspectArgs, color: ColorChoice, term: &Terminal) -> Result<Settings> {
        let mut settings = Settings::for_validate(args.check, color, term)?;
        if args.timeline && !matches!(settings.format, Format::Human | Format::Json) {
            bail!("--timeline prints per-order histories: use --format human or --format json");
        }
        settings.summarize = true;
        settings.timeline = args.timeline;
        Ok(settings)
    }
}

/// Reads the secret named by `--secret-env VAR` or `--secret-file PATH`.
/// Secrets are never taken as bare arguments (they would land in shell
/// history and process lists) and never printed.
pub fn secret(env: Option<&str>, file: Option<&Path>) -> Result<Option<Secret>> {
    match (env, file) {
        (Some(var), _) => match std::env::var_os(var) {
            Some(value) if !value.is_empty() => Ok(Some(Secret::new(value.into_encoded_bytes()))),
            Some(_) => bail!("--secret-env {var}: the variable is empty"),
            None => bail!("--secret-env {var}: the variable is not set"),
        },
        (None, Some(path)) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("--secret-file {}", path.display()))?;
            if bytes.is_empty() {
                bail!("--secret-file {}: the file is empty", path.display());
            }
            Ok(Some(Secret::new(bytes)))
        }
        (None, None) => Ok(None),
    }
}

/// Resolves `--provider`.
pub fn provider(name: Option<&str>) -> Result<Option<&'static dyn Provider>> {
    let Some(name) = name else { return Ok(None) };
    match providers::find(name) {
        Some(p) => Ok(Some(p)),
        None => {
            let known: Vec<&str> = providers::REGISTRY.iter().map(|p| p.name()).collect();
            bail!(
                "unknown provider {name:?}: expected one of {}",
                known.join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tty(no_color: Option<&str>, term: Option<&str>) -> Terminal {
        Terminal {
            stdout_is_tty: true,
            stdin_is_tty: true,
            no_color: no_color.map(str::to_string),
            term: term.map(str::to_string),
        }
    }

    #[test]
    fn auto_colour_follows_the_conventions() {
        let auto = |t: &Terminal| use_color(ColorChoice::Auto, Format::Human, t);
        assert!(auto(&tty(None, Some("xterm"))));
        assert!(auto(&tty(Some(""), None)));
        assert!(!auto(&tty(Some("1"), None)));
        assert!(!auto(&tty(None, Some("dumb"))));
        assert!(!auto(&Terminal::default()));
        assert!(use_color(
            ColorChoice::Always,
            Format::Human,
            &Terminal::default()
        ));
        for machine in [Format::Json, Format::Github, Format::Junit, Format::Sarif] {
            assert!(!use_color(ColorChoice::Always, machine, &tty(None, None)));
        }
    }
}
