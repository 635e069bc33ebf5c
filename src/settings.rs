//! Settings: the command line resolved once into the decisions a run needs
//! (colour, format, inputs, detection overrides, secrets), for every
//! command, checked up front so that bad flags fail before any input is
//! read. `commands` sees these, never clap's types (but for the catalog
//! commands, which are clap's own: completions and man pages).

use crate::cli::{
    Cli, ColorChoice, Command, DiffArgs, DiffFormat, Format, InspectArgs, ListFormat, ListenArgs,
    SendArgs, SignArgs, ValidateArgs,
};
use crate::model::signature::Secret;
use crate::providers::{self, Provider};
use crate::render::wrap::MIN_WIDTH;
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
    /// How wide human output may be: [`columns`].
    pub columns: usize,
}

/// The width human output wraps to: `COLUMNS` when it holds a number,
/// else the terminal's width when stdout is one, else 80 (pipes, files).
/// Never under [`MIN_WIDTH`].
pub fn columns(stdout_is_tty: bool) -> usize {
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0);
    let from_tty = || {
        stdout_is_tty
            .then(terminal_size::terminal_size)
            .flatten()
            .map(|(terminal_size::Width(w), _)| usize::from(w))
            .filter(|&w| w > 0)
    };
    from_env.or_else(from_tty).unwrap_or(80).max(MIN_WIDTH)
}

/// One run of `whi`, resolved.
pub enum Settings {
    /// `whi validate` and `whi inspect`.
    Check(CheckSettings),
    /// `whi diff`.
    Diff(DiffSettings),
    /// `whi sign`.
    Sign(SignSettings),
    /// `whi listen`.
    Listen(ListenSettings),
    /// `whi redact`.
    Redact {
        /// What to redact.
        inputs: Vec<std::path::PathBuf>,
        /// Whether to write the results over the inputs.
        in_place: bool,
    },
    /// `whi send`.
    Send(SendSettings),
    /// `whi schemas`, `samples`, `explain`, `completions`, `man`.
    Catalog {
        /// The subcommand, as parsed.
        command: Command,
        /// Whether to colour human output.
        color: bool,
        /// Where human output wraps.
        width: usize,
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
    /// Where human output wraps; `None` for JSON.
    pub width: Option<usize>,
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
    /// `--curl URL`: print a curl command posting to URL.
    pub curl: Option<String>,
}

/// `whi listen`, resolved.
pub struct ListenSettings {
    /// Where to listen.
    pub addr: std::net::SocketAddr,
    /// Where to forward, if anywhere.
    pub forward_to: Option<ureq::http::Uri>,
    /// How long the app may take to answer.
    pub forward_timeout: std::time::Duration,
    /// Where to save deliveries, if anywhere.
    pub save: Option<std::path::PathBuf>,
    /// Forced provider.
    pub provider: Option<&'static dyn Provider>,
    /// The secret for signature checks.
    pub secret: Option<Secret>,
    /// Output format.
    pub format: ListFormat,
    /// Largest body accepted, in bytes.
    pub max_body: u64,
    /// Whether to colour human output.
    pub color: bool,
    /// Where human output wraps.
    pub width: Option<usize>,
}

/// `whi send`, resolved.
pub struct SendSettings {
    /// What to send, as given.
    pub targets: Vec<String>,
    /// Where to.
    pub to: ureq::http::Uri,
    /// The secret to sign with.
    pub secret: Option<Secret>,
    /// Salla's strategy.
    pub strategy: Option<String>,
    /// Sign as this provider rather than the detected one.
    pub provider: Option<&'static dyn Provider>,
    /// Fields to change: (JSON pointer, new value).
    pub set: Vec<(String, serde_json::Value)>,
    /// Headers to add or replace.
    pub headers: Vec<(String, String)>,
    /// How long to wait for each answer.
    pub timeout: std::time::Duration,
    /// Output format.
    pub format: ListFormat,
    /// Whether to colour human output.
    pub color: bool,
    /// Where human output wraps.
    pub width: Option<usize>,
}

impl From<ListFormat> for Format {
    /// The output format a human/json `--format` choice stands for.
    fn from(format: ListFormat) -> Self {
        match format {
            ListFormat::Human => Format::Human,
            ListFormat::Json => Format::Json,
        }
    }
}

/// An http:// or https:// URL with a host, for `flag`.
pub fn http_url(flag: &str, url: &str) -> Result<ureq::http::Uri> {
    if url.chars().any(char::is_control) || url.contains(' ') {
        bail!("{flag} {url:?}: a URL holds no spaces or control characters");
    }
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|e| anyhow::anyhow!("{flag} {url}: not a URL: {e}"))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(host)) if !host.is_empty() => Ok(uri),
        _ => bail!("{flag} {url}: expected http://host[:port]/path or https://…"),
    }
}

/// A duration flag in seconds, positive and finite.
fn seconds(flag: &str, value: f64) -> Result<std::time::Duration> {
    if !(value.is_finite() && value > 0.0 && value <= 86_400.0) {
        bail!("{flag} {value}: give a number of seconds between 0 and 86400");
    }
    Ok(std::time::Duration::from_secs_f64(value))
}

impl ListenSettings {
    fn resolve(args: ListenArgs, color: ColorChoice, term: &Terminal) -> Result<ListenSettings> {
        let ip: std::net::IpAddr = args.host.parse().map_err(|_| {
            anyhow::anyhow!(
                "--host {}: expected an IP address (127.0.0.1, 0.0.0.0, ::1)",
                args.host
            )
        })?;
        let forward_to = args
            .forward_to
            .as_deref()
            .map(|url| http_url("--forward-to", url))
            .transpose()?;
        let format = Format::from(args.format);
        Ok(ListenSettings {
            addr: std::net::SocketAddr::new(ip, args.port),
            forward_to,
            forward_timeout: seconds("--forward-timeout", args.forward_timeout)?,
            save: args.save,
            provider: provider(args.provider.as_deref())?,
            secret: secret(args.secret_env.as_deref(), args.secret_file.as_deref())?,
            format: args.format,
            max_body: args.max_body,
            color: use_color(color, format, term),
            width: (format == Format::Human).then_some(term.columns),
        })
    }
}

impl SendSettings {
    fn resolve(args: SendArgs, color: ColorChoice, term: &Terminal) -> Result<SendSettings> {
        let set = args
            .set
            .iter()
            .map(|item| {
                let (pointer, json) = item.split_once('=').ok_or_else(|| {
                    anyhow::anyhow!("--set {item}: expected POINTER=JSON, e.g. /data/status/slug='\"canceled\"'")
                })?;
                if !pointer.starts_with('/') {
                    bail!("--set {item}: the pointer starts with / (a JSON pointer: /data/id)");
                }
                let value: serde_json::Value = serde_json::from_str(json).map_err(|e| {
                    anyhow::anyhow!(
                        "--set {item}: the value is not JSON ({e}); quote strings: {pointer}='\"text\"'"
                    )
                })?;
                Ok((pointer.to_owned(), value))
            })
            .collect::<Result<Vec<_>>>()?;
        let headers = args
            .headers
            .iter()
            .map(|item| {
                let (name, value) = item
                    .split_once(':')
                    .ok_or_else(|| anyhow::anyhow!("--header {item:?}: expected 'Name: value'"))?;
                let name = name.trim();
                let valid =
                    !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':');
                if !valid || value.chars().any(|c| c == '\r' || c == '\n') {
                    bail!("--header {item:?}: not a header (a name, a colon, a value on one line)");
                }
                Ok((name.to_owned(), value.trim().to_owned()))
            })
            .collect::<Result<Vec<_>>>()?;
        let format = Format::from(args.format);
        Ok(SendSettings {
            targets: args.targets,
            to: http_url("--to", &args.to)?,
            secret: secret(args.secret_env.as_deref(), args.secret_file.as_deref())?,
            strategy: args.strategy,
            provider: provider(args.provider.as_deref())?,
            set,
            headers,
            timeout: seconds("--timeout", args.timeout)?,
            format: args.format,
            color: use_color(color, format, term),
            width: (format == Format::Human).then_some(term.columns),
        })
    }
}

/// The resolved settings of `whi validate` and `whi inspect`.
pub struct CheckSettings {
    /// Whether to colour human output.
    pub color: bool,
    /// The output format.
    pub format: Format,
    /// Where human output wraps; `None` for the machine formats.
    pub width: Option<usize>,
    /// How directories are walked.
    pub walking: crate::ingest::input::Walking,
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
        let stdout_is_tty = std::io::stdout().is_terminal();
        Terminal {
            columns: columns(stdout_is_tty),
            stdout_is_tty,
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
            Command::Redact(args) => {
                if !args.in_place && args.inputs.len() > 1 {
                    bail!(
                        "whi redact prints one input to stdout: give one INPUT, or --in-place to redact several where they are"
                    );
                }
                Settings::Redact {
                    inputs: args.inputs,
                    in_place: args.in_place,
                }
            }
            Command::Listen(args) => Settings::Listen(ListenSettings::resolve(args, color, term)?),
            Command::Send(args) => Settings::Send(SendSettings::resolve(args, color, term)?),
            command => Settings::Catalog {
                command,
                color: use_color(color, Format::Human, term),
                width: term.columns,
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
            width: (format == Format::Human).then_some(term.columns),
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
        let curl = args
            .curl
            .as_deref()
            .map(|url| http_url("--curl", url).map(|_| url.to_owned()))
            .transpose()?;
        Ok(SignSettings {
            input: args.input,
            provider,
            secret,
            strategy: args.strategy,
            request,
            curl,
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
        // Without --provider, an --event no provider has a schema for is a
        // typo (or a provider's other event, which nothing would check).
        if let (None, Some(event)) = (provider, &args.event)
            && !providers::REGISTRY
                .iter()
                .any(|p| p.events().contains(&event.as_str()))
        {
            let all = providers::REGISTRY
                .iter()
                .flat_map(|p| p.events().iter().copied());
            let near = crate::bundle::catalog::near(event, all);
            let hint = match near.as_slice() {
                [] => " (whi schemas lists the events it checks)".to_owned(),
                _ => crate::bundle::catalog::did_you_mean(&near),
            };
            bail!("no provider has a bundled schema for event {event:?}{hint}");
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
            width: (args.format == Format::Human).then_some(term.columns),
            walking: crate::ingest::input::Walking {
                hidden: args.hidden,
                no_ignore: args.no_ignore,
                exclude: args.exclude,
            },
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
        // The argument is never echoed: given the secret itself by mistake
        // (`--secret-env "$SALLA_SECRET"`), an error must not print it.
        (Some(var), _) => {
            const TAKES_A_NAME: &str = "--secret-env takes the NAME of an environment variable that holds the secret, e.g. --secret-env SALLA_SECRET";
            let is_name = var
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                && var.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !is_name {
                bail!(
                    "{TAKES_A_NAME}; what was given is not a variable name (it is not shown, in case it is the secret itself)"
                );
            }
            match std::env::var_os(var) {
                Some(value) if !value.is_empty() => {
                    let secret = Secret::new(value.into_encoded_bytes());
                    if secret.expose().is_empty() {
                        bail!(
                            "--secret-env: the variable holds only a line break: the secret is empty"
                        );
                    }
                    Ok(Some(secret))
                }
                Some(_) => bail!("--secret-env: that variable is empty ({TAKES_A_NAME})"),
                None => bail!(
                    "{TAKES_A_NAME}; no variable of the name given is set (the name is not shown, in case it is the secret itself; export it first)"
                ),
            }
        }
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
            columns: 80,
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
