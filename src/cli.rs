//! Command-line arguments as clap types. The doc comments are the help
//! text. Resolved once into `Settings` (in `settings.rs`); no other module
//! sees these types.

use crate::providers::REGISTRY;
use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// `--provider`'s values, from the registry: help, completions and the
/// "did you mean" of a typo follow it.
fn provider_names() -> PossibleValuesParser {
    PossibleValuesParser::new(REGISTRY.iter().map(|p| p.name()))
}

/// The one-line description, naming the providers of the registry.
fn about() -> String {
    let titles: Vec<&str> = REGISTRY.iter().map(|p| p.title()).collect();
    let list = match titles.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    format!("whi, the webhook inspector: detect, validate and explain order webhooks from {list}")
}

const EXIT_STATUS: &str = "\
Exit status:
  0  every payload is valid (or is a documented event without a bundled
     schema; with --strict: every payload checked, valid, without warnings)
  1  a payload is invalid (schema, signature, or an event its provider does
     not document), not JSON, or not a recognised webhook
  2  whi could not do its job: bad flags, a missing or unreadable path,
     a glob matching nothing (the other inputs are still reported)
  130  interrupted (Ctrl-C)";

const EXAMPLES: &str = "\
Examples:
  whi validate payload.json
  whi validate samples/             every .json/.ndjson/.jsonl/.http/.har below
  whi validate 'captures/**/*.json' whi expands the glob itself
  pbpaste | whi validate            stdin (or name it: -)
  whi validate --format json samples/ | jq 'select(.valid == false)'
  whi validate --provider salla --event order.created body.json";

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "whi",
    version,
    propagate_version = true,
    about = about(),
    after_help = EXIT_STATUS
)]
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

    /// Validate each payload and print its normalised order summary: which
    /// order, what status now (and before), tracking, total, customer.
    /// With --timeline, group payloads by order and show each order's history.
    #[command(after_help = format!("{INSPECT_EXAMPLES}\n\n{EXIT_STATUS}"))]
    Inspect(InspectArgs),

    /// Compare two payloads of the same order: the summary fields that
    /// changed, then every raw field by JSON pointer.
    #[command(after_help = DIFF_HELP)]
    Diff(DiffArgs),

    /// Print the headers a provider would send with a body (Salla's
    /// X-Salla-Signature, ...), or with --request a complete raw HTTP request,
    /// to send signed test webhooks to your own receiver.
    #[command(after_help = SIGN_HELP)]
    Sign(SignArgs),

    /// Receive webhooks on a local HTTP port: check every delivery as it
    /// arrives (provider, event, schema, signature), print it, optionally
    /// forward it to your app and save it as a raw HTTP file.
    #[command(after_help = LISTEN_HELP)]
    Listen(ListenArgs),

    /// Post payloads to a receiver (your app, or whi listen): bundled
    /// samples by name, payload files or captures, signed the way the
    /// provider signs them.
    #[command(after_help = SEND_HELP)]
    Send(SendArgs),

    /// Make captures safe to share: personal data (names, emails, phones,
    /// addresses, IPs, notes) and credential headers masked, JSON types and
    /// structure kept, so the redacted payload still validates.
    #[command(after_help = REDACT_HELP)]
    Redact(RedactArgs),

    /// List the bundled JSON Schemas with each provider's documentation page,
    /// print one, or export them all to a directory.
    #[command(after_help = SCHEMAS_HELP)]
    Schemas(SchemasArgs),

    /// List the bundled sample payloads, or print one exactly as embedded
    /// (to pipe into a receiver or into whi, or to edit into a fixture).
    #[command(after_help = SAMPLES_HELP)]
    Samples(SamplesArgs),

    /// Say what the documentation says about an event (title, description,
    /// fields) or about one of its fields (description, type, format or
    /// pattern, allowed and usual values, deprecation).
    #[command(after_help = EXPLAIN_HELP)]
    Explain(ExplainArgs),

    /// Print a completion script for a shell.
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),

    /// Print the manual page (roff) of whi or of one of its commands.
    #[command(after_help = MAN_HELP)]
    Man(ManArgs),
}

const SIGN_HELP: &str = "\
Examples:
  export SALLA_SECRET=...
  whi sign --provider salla --secret-env SALLA_SECRET body.json
  whi sign --provider salla --secret-env SALLA_SECRET --request body.json \\
    | whi validate --secret-env SALLA_SECRET
  whi sign --provider salla --secret-env SALLA_SECRET \\
    --curl http://localhost:3000/hooks body.json     a ready curl command
  whi send --secret-env SALLA_SECRET --to http://localhost:3000/hooks body.json

The body is sent exactly as it is in the file: signatures cover the raw bytes.";

/// Arguments of `whi sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The body to sign: a file, or - for stdin.
    #[arg(value_name = "BODY", value_parser = clap::value_parser!(std::ffi::OsString))]
    pub input: std::ffi::OsString,

    /// Whose headers to produce (Salla: HMAC signature or token; Snipcart:
    /// request token; the others: HTTP Basic auth from user:password).
    #[arg(long, value_name = "PROVIDER", value_parser = provider_names(), ignore_case = true)]
    pub provider: String,

    /// The secret, from this environment variable.
    #[arg(
        long,
        value_name = "VAR",
        conflicts_with = "secret_file",
        required_unless_present = "secret_file"
    )]
    pub secret_env: Option<String>,

    /// The secret, from this file (one trailing newline is ignored).
    #[arg(long, value_name = "PATH")]
    pub secret_file: Option<std::path::PathBuf>,

    /// Salla's security strategy: signature (default) or token.
    #[arg(long, value_name = "STRATEGY")]
    pub strategy: Option<String>,

    /// Print a complete raw HTTP/1.1 request (request line, headers, blank
    /// line, body) instead of the headers alone.
    #[arg(long)]
    pub request: bool,

    /// The URL the request is for (with --request).
    #[arg(
        long,
        value_name = "URL",
        default_value = "http://localhost:8080/webhooks"
    )]
    pub url: String,

    /// Print a curl command that posts the body, signed, to URL.
    #[arg(long, value_name = "URL", conflicts_with = "request")]
    pub curl: Option<String>,
}

const REDACT_HELP: &str = "\
Examples:
  whi redact captures/order.http > shareable.http
  whi redact --in-place 'captures/*.har'

Masks keep each value's shape (letters, digits, @ and dots in place), so
formats still hold, and the same value gets the same mask within a run, so
diff and timelines still line up; a new run draws new masks. Signatures and
credentials become [redacted by whi]: whi validate reports them unverifiable.";

/// Arguments of `whi redact`.
#[derive(Debug, Args)]
pub struct RedactArgs {
    /// What to redact: JSON bodies, NDJSON, raw HTTP, HAR; files, globs or
    /// directories with --in-place, else one file or - for stdin.
    #[arg(value_name = "INPUT", required = true, value_parser = clap::value_parser!(std::path::PathBuf))]
    pub inputs: Vec<std::path::PathBuf>,

    /// Replace each input with its redacted version (written to a temporary
    /// file beside it, then renamed); without it, the result goes to stdout
    /// and no input is ever written.
    #[arg(long)]
    pub in_place: bool,
}

const LISTEN_HELP: &str = "\
Examples:
  whi listen                                  on http://127.0.0.1:8787/
  whi listen --forward-to http://localhost:3000/hooks --save captures/
  whi listen --port 0 --format json | jq 'select(.valid == false)'
  whi send salla/order.created --to http://127.0.0.1:8787/

Every request is one delivery, checked as whi validate checks the same
request saved to a file. Without --forward-to the answer is 200
{\"received\":true}; with it, the app's own answer (502 when it cannot be
reached, 504 when it does not answer in time). Ctrl-C stops accepting,
finishes the deliveries in flight and exits 0.";

/// Arguments of `whi listen`.
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// The port to listen on; 0 picks a free one (printed when ready).
    #[arg(long, default_value_t = 8787, value_name = "N")]
    pub port: u16,

    /// The address to listen on; 0.0.0.0 to accept from other machines.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub host: String,

    /// Forward each delivery to this URL (your app) and answer with its
    /// response. A URL without a path gets the request's own path.
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,

    /// How long to wait for the app's answer before answering 504.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub forward_timeout: f64,

    /// Save each delivery to DIR as a raw HTTP file, named by arrival.
    #[arg(long, value_name = "DIR")]
    pub save: Option<std::path::PathBuf>,

    /// Only this provider is considered when detecting.
    #[arg(long, value_name = "PROVIDER", value_parser = provider_names(), ignore_case = true)]
    pub provider: Option<String>,

    /// The secret to check signatures with, from this environment variable.
    #[arg(long, value_name = "VAR", conflicts_with = "secret_file")]
    pub secret_env: Option<String>,

    /// The secret to check signatures with, from this file.
    #[arg(long, value_name = "PATH")]
    pub secret_file: Option<std::path::PathBuf>,

    /// Output format: a line per delivery, or NDJSON.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,

    /// The largest body accepted (413 beyond): bytes, or with KiB, MiB, GiB.
    #[arg(long, default_value = "16MiB", value_name = "SIZE", value_parser = parse_size)]
    pub max_body: u64,
}

/// `16MiB`, `512KiB`, `1GiB`, `1000` (bytes); `k`/`M`/`G` are binary too.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size (say 16MiB, 512KiB or 1000)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("{text:?}: unknown unit (say B, KiB, MiB or GiB)")),
    };
    number
        .checked_mul(1 << shift)
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("{text:?} is not a size whi can use"))
}

const SEND_HELP: &str = "\
Examples:
  whi send salla/order.created --to http://127.0.0.1:8787/
  whi send --secret-env SALLA_SECRET --to http://localhost:3000/hooks \\
    salla/order.created salla/order.status.updated
  whi send salla/order.created --set /data/status/slug='\"canceled\"' \\
    --to http://localhost:3000/hooks
  whi send captures/2026*.http --to http://localhost:3000/hooks   replay

A capture (.http, a HAR entry, an NDJSON line) is replayed with its own
headers, less hop-by-hop ones; a secret signs the body afresh.

Exit status:
  0  every response was 2xx
  1  a response was not 2xx
  2  whi could not send: a bad target, the receiver unreachable";

/// Arguments of `whi send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// What to send: a bundled sample (salla/order.created), a payload
    /// file, or a capture (file.http, file.har#entries/N, log.ndjson:N).
    #[arg(value_name = "TARGET", required = true)]
    pub targets: Vec<String>,

    /// The receiver's URL.
    #[arg(long, value_name = "URL")]
    pub to: String,

    /// Sign each body with the secret in this environment variable, the
    /// way its provider signs (Salla: X-Salla-Signature; Logitrail and
    /// Ongoing: Basic auth from user:password; Snipcart: request token).
    #[arg(long, value_name = "VAR", conflicts_with = "secret_file")]
    pub secret_env: Option<String>,

    /// Sign with the secret in this file.
    #[arg(long, value_name = "PATH")]
    pub secret_file: Option<std::path::PathBuf>,

    /// Salla's security strategy: signature (default) or token.
    #[arg(long, value_name = "STRATEGY")]
    pub strategy: Option<String>,

    /// Sign as this provider (default: the provider detected in the body).
    #[arg(long, value_name = "PROVIDER", value_parser = provider_names(), ignore_case = true)]
    pub provider: Option<String>,

    /// Change a field before signing: POINTER=JSON, e.g.
    /// /data/status/slug='"canceled"' (repeatable).
    #[arg(long = "set", value_name = "POINTER=JSON")]
    pub set: Vec<String>,

    /// Add a header: 'Name: value' (repeatable; replaces one of that name).
    #[arg(long = "header", short = 'H', value_name = "HEADER")]
    pub headers: Vec<String>,

    /// How long to wait for each answer.
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
    pub timeout: f64,

    /// Output format: a line per request, or NDJSON.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

const INSPECT_EXAMPLES: &str = "\
Examples:
  whi inspect payload.json
  pbpaste | whi inspect
  whi inspect --format json samples/ | jq .summary.status_category
  whi inspect --timeline captures/  history per order; retries, late
                                    deliveries and invalid payloads marked";

const DIFF_HELP: &str = "\
Examples:
  whi diff before.json after.json
  whi diff batch.json#/0 batch.json#/1  elements of a JSON array
  whi diff --all old.json new.json      with event ids, retry counts, webhook ids

Exit status (as diff(1)):
  0  the payloads do not differ
  1  they differ
  2  whi could not compare them (unreadable, not JSON, not one recognised
     webhook each, different providers)";

/// Arguments of `whi inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Inputs and output options, as for `whi validate`.
    #[command(flatten)]
    pub check: ValidateArgs,

    /// Group payloads by order, ordered by when they happened, showing the
    /// status progression and flagging retries (the same event delivered
    /// twice) and deliveries that arrived out of order.
    #[arg(long)]
    pub timeline: bool,
}

/// Arguments of `whi diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier payload: a file, `-` for stdin, or `file#/N` for element N of a JSON array.
    #[arg(value_name = "OLD", value_parser = clap::value_parser!(std::ffi::OsString))]
    pub old: std::ffi::OsString,

    /// The later payload, given like OLD.
    #[arg(value_name = "NEW", value_parser = clap::value_parser!(std::ffi::OsString))]
    pub new: std::ffi::OsString,

    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,

    /// Include delivery metadata (event ids, retry counts, webhook ids),
    /// which is left out by default.
    #[arg(long)]
    pub all: bool,

    /// Treat both payloads as this provider's.
    #[arg(long, value_name = "PROVIDER", value_parser = provider_names(), ignore_case = true)]
    pub provider: Option<String>,
}

/// `whi diff --format` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Readable list of changes.
    Human,
    /// One JSON object.
    Json,
}

/// Arguments of `whi validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files, directories (searched recursively for .json, .ndjson, .jsonl,
    /// .http and .har files), globs, or - for stdin. Each may be a JSON body,
    /// a raw HTTP request, a HAR file or an NDJSON log. With none, stdin is
    /// read when it is not a terminal.
    #[arg(value_name = "INPUT", value_parser = clap::value_parser!(std::path::PathBuf))]
    pub inputs: Vec<std::path::PathBuf>,

    /// Walk hidden files and folders too (by default a directory walk
    /// passes over names starting with a dot, as ripgrep does).
    #[arg(long)]
    pub hidden: bool,

    /// Read files that .gitignore, .ignore or git's exclude files leave out
    /// (by default a directory walk respects them, as ripgrep does).
    #[arg(long)]
    pub no_ignore: bool,

    /// Leave out paths matching this gitignore-style glob when walking
    /// directories or expanding globs (repeatable): --exclude 'fixtures/old'.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Treat every payload as this provider's.
    #[arg(long, value_name = "PROVIDER", value_parser = provider_names(), ignore_case = true)]
    pub provider: Option<String>,

    /// Treat every payload as this event (e.g. order.created); needs --provider
    /// when the body's provider cannot be detected.
    #[arg(long, value_name = "EVENT")]
    pub event: Option<String>,

    /// Show how every payload was detected, not only the failing ones.
    #[arg(short, long)]
    pub verbose: bool,

    /// Verify signatures with the webhook secret held in this environment
    /// variable (Salla: the webhook secret, or the token in Token mode).
    #[arg(long, value_name = "VAR", conflicts_with = "secret_file")]
    pub secret_env: Option<String>,

    /// Verify signatures with the webhook secret read from this file (one
    /// trailing newline is ignored).
    #[arg(long, value_name = "PATH")]
    pub secret_file: Option<std::path::PathBuf>,

    /// Print nothing on stdout: the exit status is the answer. Inputs that
    /// cannot be read are still reported on stderr.
    #[arg(short, long)]
    pub quiet: bool,

    /// List at most N errors per payload (the count in the header and, in
    /// JSON, `errors_total` still say how many there are).
    #[arg(long, value_name = "N")]
    pub max_errors: Option<usize>,

    /// Fail (exit 1) also when a payload could not be checked (no bundled
    /// schema for its event) or has warnings: for CI that wants every
    /// payload checked and clean.
    #[arg(long)]
    pub strict: bool,
}

const SCHEMAS_HELP: &str = "\
Examples:
  whi schemas                        every event: schema file, documentation
  whi schemas --format json | jq -r .schema
  whi schemas show salla/order.created   the schema as bundled
  whi schemas show salla/_defs           the definitions Salla's events share
  whi schemas export ./whi-schemas   for check-jsonschema, ajv, an editor
  whi schemas export --bundle ./one  one self-contained file per event

Export writes DIR/<provider>/*.schema.json, the _defs files with them, so
relative $refs resolve; with --bundle, each event's file embeds what it
refers to instead. It refuses to overwrite a file unless --force.";

/// Arguments of `whi schemas`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SchemasArgs {
    /// Print or export schemas instead of listing them.
    #[command(subcommand)]
    pub action: Option<SchemasAction>,

    /// Output format of the list.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

/// `whi schemas` subcommands.
#[derive(Debug, Subcommand)]
pub enum SchemasAction {
    /// Print one schema file exactly as bundled.
    Show {
        /// The event (salla/order.created), or a shared file (salla/_defs).
        #[arg(value_name = "PROVIDER/EVENT")]
        name: String,
    },
    /// Write every schema file, with the shared _defs files, to DIR/PROVIDER/.
    Export {
        /// The directory to write to (created if missing).
        #[arg(value_name = "DIR")]
        dir: std::path::PathBuf,

        /// Overwrite files that exist.
        #[arg(long)]
        force: bool,

        /// One self-contained file per event, with the shared definitions
        /// embedded (no _defs files): for validators that take one schema.
        #[arg(long)]
        bundle: bool,
    },
}

const SAMPLES_HELP: &str = "\
Examples:
  whi samples                                     every bundled sample
  whi samples salla/order.created | whi validate  a valid payload, on stdin
  whi samples salla/order.created > fixture.json  a start for a test fixture
  whi samples snipcart/order.completed \\
    | curl --data-binary @- -H 'Content-Type: application/json' \\
        http://localhost:8080/webhooks";

/// Arguments of `whi samples`.
#[derive(Debug, Args)]
pub struct SamplesArgs {
    /// The sample to print (salla/order.created); with none, list them.
    #[arg(value_name = "PROVIDER/EVENT")]
    pub name: Option<String>,

    /// Output format of the list.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

const EXPLAIN_HELP: &str = "\
Examples:
  whi explain salla/order.created                   the event and its fields
  whi explain salla/order.created/data/status/slug  one field, by JSON pointer
  whi explain salla/order.created/data/items/0/codes
                                       fields of array items: use an index
  whi explain --format json ongoing/order.picked/orderStatus/number

whi validate prints the explain command for an invalid payload's first error.";

/// Arguments of `whi explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The event, optionally followed by a JSON pointer to one of its fields:
    /// salla/order.created, salla/order.created/data/id.
    #[arg(value_name = "PROVIDER/EVENT[/POINTER]")]
    pub target: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

const COMPLETIONS_HELP: &str = "\
Examples:
  whi completions bash > ~/.local/share/bash-completion/completions/whi
  whi completions zsh > ~/.zfunc/_whi   with fpath+=~/.zfunc before compinit
  whi completions fish > ~/.config/fish/completions/whi.fish
  whi completions powershell >> $PROFILE";

/// Arguments of `whi completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

const MAN_HELP: &str = "\
Examples:
  whi man | man -l -                         read it now
  whi man > ~/.local/share/man/man1/whi.1    install it
  whi man validate > whi-validate.1          the page of one command";

/// Arguments of `whi man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command whose page to print (validate, inspect, ...); with none,
    /// the page of whi itself.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// `--format` choices of the catalog commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Readable, aligned text.
    Human,
    /// JSON: one object per line.
    Json,
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
