//! Settings: the command line resolved once into the decisions a run needs
//! (colour, format, inputs, detection overrides, secrets), for every
//! command, checked up front so that bad flags fail before any input is
//! read. `commands` sees these, never clap's types (but for the catalog
//! commands, which are clap's own: completions and man pages).

use crate::cli::{
    Cli, ColorChoice, Command, DiffArgs, DiffFormat, Format, InspectArgs, SignArgs, ValidateArgs,
};
use crate::model::signature::Secret;
use crate::providers::{self, Provider};
use anyhow::{Context, Result, bail};
use std::io::Read;
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

/// One run of `whi`, resolved.
pub enum Settings {
    /// `whi validate` and `whi inspect`.
    Check(CheckSettings),
    /// `whi diff`.
    Diff(DiffSettings),
    /// `whi sign`.
    Sign(SignSettings),
    /// `whi schemas`, `samples`, `explain`, `completions`, `man`.
    Catalog {
        /// The subcommand, as parsed.
        command: Command,
        /// Whether to colour human output.
        color: bool,
    },
}

/// The resolved settings of `whi diff`.
pub struct DiffSettings {
    /// The earlier payload, as named on the command line.
    pub old: std::ffi::OsString,
    /// The later payload.
    pub new: std::ffi::OsString,
    /// Forced provider.
    pub provider: Option<&'static dyn Provider>,
    /// Include delivery metadata.
    pub all: bool,
    /// Human or JSON.
    pub format: DiffFormat,
    /// Whether to colour human output.
    pub color: bool,
}

/// The resolved settings of `whi sign`.
pub struct SignSettings {
    /// The body (or capture) to sign.
    pub input: std::ffi::OsString,
    /// Whose headers to produce.
    pub provider: &'static dyn Provider,
    /// The secret.
    pub secret: Secret,
    /// Salla's strategy (`signature` or `token`).
    pub strategy: Option<String>,
    /// `--request`: print a whole request for this `(host, path)`.
    pub request: Option<(String, String)>,
}

/// The resolved settings of `whi validate` and `whi inspect`.
pub struct CheckSettings {
    /// Whether to colour human output.
    pub color: bool,
    /// The output format.
    pub format: Format,
    /// The inputs, `-` meaning stdin.
    pub inputs: Vec<std::path::PathBuf>,
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
    /// Not-checked payloads and warnings fail too (`--strict`).
    pub strict: bool,
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

impl Terminal {
    /// What this process's environment says.
    pub fn detect() -> Terminal {
        use std::io::IsTerminal;
        Terminal {
            stdout_is_tty: std::io::stdout().is_terminal(),
            stdin_is_tty: std::io::stdin().is_terminal(),
            no_color: std::env::var("NO_COLOR").ok(),
            term: std::env::var("TERM").ok(),
        }
    }
}

impl Settings {
    /// Resolves the whole command line.
    pub fn resolve(cli: Cli, term: &Terminal) -> Result<Settings> {
        let color = cli.color;
        Ok(match cli.command {
            Command::Validate(args) => {
                Settings::Check(CheckSettings::for_validate(args, color, term)?)
            }
            Command::Inspect(args) => {
                Settings::Check(CheckSettings::for_inspect(args, color, term)?)
            }
            Command::Diff(args) => Settings::Diff(DiffSettings::resolve(args, color, term)?),
            Command::Sign(args) => Settings::Sign(SignSettings::resolve(args)?),
            command => Settings::Catalog {
                command,
                color: use_color(color, Format::Human, term),
            },
        })
    }
}

impl DiffSettings {
    fn resolve(args: DiffArgs, color: ColorChoice, term: &Terminal) -> Result<DiffSettings> {
        let format = match args.format {
            DiffFormat::Human => Format::Human,
            DiffFormat::Json => Format::Json,
        };
        Ok(DiffSettings {
            provider: provider(args.provider.as_deref())?,
            old: args.old,
            new: args.new,
            all: args.all,
            format: args.format,
            color: use_color(color, format, term),
        })
    }
}

impl SignSettings {
    fn resolve(args: SignArgs) -> Result<SignSettings> {
        let provider = provider(Some(&args.provider))?
            .ok_or_else(|| anyhow::anyhow!("--provider is required"))?;
        let secret =
            secret(args.secret_env.as_deref(), args.secret_file.as_deref())?.ok_or_else(|| {
                anyhow::anyhow!("give the secret with --secret-env VAR or --secret-file PATH")
            })?;
        let request = if args.request {
            let (host, path) = split_url(&args.url)?;
            Some((host.to_string(), path.to_string()))
        } else {
            None
        };
        Ok(SignSettings {
            input: args.input,
            provider,
            secret,
            strategy: args.strategy,
            request,
        })
    }
}

/// `http://host:port/path` → (`host:port`, `/path`).
fn split_url(url: &str) -> Result<(&str, &str)> {
    // CR or LF would inject headers into the printed request.
    if url.chars().any(char::is_control) || url.contains(' ') {
        bail!("--url: a URL holds no spaces or control characters (CR, LF, …)");
    }
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

impl CheckSettings {
    /// Resolves `whi validate`'s arguments.
    pub fn for_validate(
        args: ValidateArgs,
        color: ColorChoice,
        term: &Terminal,
    ) -> Result<CheckSettings> {
        let provider = provider(args.provider.as_deref())?;
        if let (Some(p), Some(event)) = (provider, &args.event)
            && !p.events().contains(&event.as_str())
        {
            let near = crate::bundle::catalog::near(event, p.events().iter().copied());
            match near.as_slice() {
                [] => bail!(
                    "{} has no bundled schema for event {event:?}: expected one of {}",
                    p.name(),
                    p.events().join(", ")
                ),
                _ => bail!(
                    "{} has no bundled schema for event {event:?}{}",
                    p.name(),
                    crate::bundle::catalog::did_you_mean(&near)
                ),
            }
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
        Ok(CheckSettings {
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
            strict: args.strict,
        })
    }

    /// Resolves `whi inspect`'s arguments.
    pub fn for_inspect(
        args: InspectArgs,
        color: ColorChoice,
        term: &Terminal,
    ) -> Result<CheckSettings> {
        let mut settings = CheckSettings::for_validate(args.check, color, term)?;
        if args.timeline && !matches!(settings.format, Format::Human | Format::Json) {
            bail!("--timeline prints per-order histories: use --format human or --format json");
        }
        settings.summarize = true;
        settings.timeline = args.timeline;
        Ok(settings)
    }
}

/// The largest secret file read.
const MAX_SECRET: u64 = 4 << 10;

/// Reads the secret named by `--secret-env VAR` or `--secret-file PATH`.
/// Secrets are never taken as bare arguments (they would land in shell
/// history and process lists) and never printed.
pub fn secret(env: Option<&str>, file: Option<&Path>) -> Result<Option<Secret>> {
    match (env, file) {
        (Some(var), _) => match std::env::var_os(var) {
            Some(value) if !value.is_empty() => {
                let secret = Secret::new(value.into_encoded_bytes());
                if secret.expose().is_empty() {
                    bail!(
                        "--secret-env {var}: the variable holds only a line break: the secret is empty"
                    );
                }
                Ok(Some(secret))
            }
            Some(_) => bail!("--secret-env {var}: the variable is empty"),
            None => bail!("--secret-env {var}: the variable is not set"),
        },
        (None, Some(path)) => {
            // A secret is a few dozen bytes: read at most 4 KiB and one more,
            // so /dev/zero or a wrong path to a big file is an error, not an
            // endless read.
            let mut bytes = Vec::new();
            std::fs::File::open(path)
                .and_then(|file| file.take(MAX_SECRET + 1).read_to_end(&mut bytes))
                .with_context(|| format!("--secret-file {}", path.display()))?;
            if bytes.len() as u64 > MAX_SECRET {
                bail!(
                    "--secret-file {}: larger than {} KiB, which no webhook secret is",
                    path.display(),
                    MAX_SECRET >> 10
                );
            }
            if bytes.is_empty() {
                bail!("--secret-file {}: the file is empty", path.display());
            }
            let secret = Secret::new(bytes);
            // `echo > secret.txt` with the variable unset: an empty key
            // would sign and verify as if it were one.
            if secret.expose().is_empty() {
                bail!(
                    "--secret-file {}: holds only a line break: the secret is empty",
                    path.display()
                );
            }
            Ok(Some(secret))
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
