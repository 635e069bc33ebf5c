//! The runs: inputs → payloads → records → renderer, in input order, one
//! input in memory at a time; timelines; and the two-payload diff. Returns
//! data and tallies, never prints.

use crate::capture::{self, Body, Broken, Shape};
use crate::detect::Overrides;
use crate::diff::{self, DiffReport};
use crate::input::{self, Input, InputError};
use crate::payload::{self, Parsed, Payload};
use crate::providers::Provider;
use crate::render::Render;
use crate::report::{self, Record, Tally};
use crate::settings::Settings;
use crate::signature::Secret;
use crate::timeline::{self, Delivery, Timeline};
use std::io::{self, Read};

mod pool;
use pool::Unit;

/// Runs `whi validate` and `whi inspect` (without --timeline): each record is
/// rendered as soon as it is ready.
pub fn check(
    settings: &Settings,
    stdin: &mut dyn Read,
    render: &mut dyn Render,
) -> io::Result<Tally> {
    let mut tally = Tally::default();
    each_record(
        settings,
        stdin,
        render,
        &mut tally,
        &mut |render, record| render.record(&record),
    )?;
    render.finish(&tally)?;
    Ok(tally)
}

/// Runs `whi inspect --timeline`: payloads that cannot be summarised (not
/// JSON, not recognised) are rendered as records; the others are returned,
/// grouped into timelines, for the caller to render.
pub fn timelines(
    settings: &Settings,
    stdin: &mut dyn Read,
    render: &mut dyn Render,
) -> io::Result<(Vec<Timeline>, Tally)> {
    let mut tally = Tally::default();
    let mut deliveries = Vec::new();
    each_record(
        settings,
        stdin,
        render,
        &mut tally,
        &mut |render, record| match (
            record.provider,
            record.event.clone(),
            record.summary.clone().flatten(),
        ) {
            (Some(provider), Some(event), Some(summary)) => {
                deliveries.push(Delivery {
                    source: record.source,
                    provider,
                    event,
                    summary,
                    delivery_id: record.delivery_id,
                });
                Ok(())
            }
            _ => render.record(&record),
        },
    )?;
    Ok((timeline::build(deliveries), tally))
}

type Sink<'a> = dyn FnMut(&mut dyn Render, Record) -> io::Result<()> + 'a;

/// Work for a worker thread: everything between reading an input and its
/// records, which is where a run spends its time.
enum Job {
    /// A regular file small enough to read whole (its size when resolved).
    File(Input, u64),
    /// Bodies read on the calling thread: stdin, a large file, or a batch
    /// of lines of a streamed NDJSON input.
    Bodies(Vec<Result<Body, Broken>>),
}

/// The records of one job, or why its input could not be read.
type Done = Result<Vec<Record>, InputError>;

/// Jobs dispatched and not yet rendered, at most: bounds memory (with
/// [`BATCH_BYTES`], a few MiB of NDJSON in flight) whatever the input size.
const WINDOW: usize = 32;

/// A streamed NDJSON input is handed to workers in batches of about this
/// many bytes, so that one job is worth a channel round trip.
const BATCH_BYTES: usize = 128 * 1024;

fn each_record(
    settings: &Settings,
    stdin: &mut dyn Read,
    render: &mut dyn Render,
    tally: &mut Tally,
    sink: &mut Sink<'_>,
) -> io::Result<()> {
    let overrides = Overrides {
        provider: settings.provider,
        event: settings.event.as_deref(),
        secret: settings.secret.as_ref(),
    };
    let (inputs, notes) = input::resolve_noting(&settings.inputs);
    for note in &notes {
        render.note(note)?;
    }
    // One small file is done inline: threads would only add their start-up.
    let single = matches!(inputs.as_slice(), [one] if small_file(one).is_some());
    let workers = if single {
        1
    } else {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    };
    let summarize = settings.summarize;
    let work = |job: Job| run_job(job, overrides, summarize);
    pool::run(
        workers,
        WINDOW,
        &work,
        |emit| produce(inputs, stdin, emit),
        |done| match done {
            Ok(records) => records.into_iter().try_for_each(|record| {
                tally.add(&record);
                sink(render, record)
            }),
            Err(error) => {
                tally.input_errors += 1;
                render.input_error(&error)
            }
        },
    )
}

/// Turns the inputs, in order, into jobs. Small files are left for the
/// workers to read; stdin and large files are read here, NDJSON streamed in
/// batches of lines.
fn produce(
    inputs: Vec<Input>,
    stdin: &mut dyn Read,
    emit: &mut dyn FnMut(Unit<Job, Done>) -> io::Result<()>,
) -> io::Result<()> {
    for resolved in inputs {
        if let Some(size) = small_file(&resolved) {
            emit(Unit::Job(Job::File(resolved, size)))?;
            continue;
        }
        let opened = input::open(&resolved, stdin).and_then(|(name, reader)| bodies(name, reader));
        let bodies = match opened {
            Ok(bodies) => bodies,
            Err(error) => {
                emit(Unit::Ready(Err(error)))?;
                continue;
            }
        };
        let mut batch = Vec::new();
        let mut bytes = 0;
        for body in bodies {
            bytes += body.as_ref().map_or(0, |b| b.bytes.len());
            batch.push(body);
            if bytes >= BATCH_BYTES {
                emit(Unit::Job(Job::Bodies(std::mem::take(&mut batch))))?;
                bytes = 0;
            }
        }
        if !batch.is_empty() {
            emit(Unit::Job(Job::Bodies(batch)))?;
        }
    }
    Ok(())
}

/// The size of a regular file that is read whole by a worker; `None` for
/// anything else (stdin, errors, directories, files that may be NDJSON too
/// large to hold).
fn small_file(input: &Input) -> Option<u64> {
    let Input::File(path) = input else {
        return None;
    };
    let meta = std::fs::metadata(path).ok()?;
    (meta.is_file() && meta.len() <= SNIFF_BYTES).then_some(meta.len())
}

/// Reads, detects and validates (and summarises) the bodies of one job.
fn run_job(job: Job, overrides: Overrides<'_>, summarize: bool) -> Done {
    let bodies = match job {
        Job::File(input, size) => {
            let (name, bytes) = read_small(&input, size)?;
            let shape = capture::sniff(&name, &bytes);
            capture::split(&name, bytes, shape)
        }
        Job::Bodies(bodies) => bodies,
    };
    let mut records = Vec::with_capacity(bodies.len());
    for body in bodies {
        let parsed_list = match body {
            Ok(body) => payload::parse_body(body),
            Err(broken) => vec![payload::broken(broken)],
        };
        for parsed in parsed_list {
            records.push(if summarize {
                report::inspect(&parsed, overrides)
            } else {
                report::check(&parsed, overrides)
            });
        }
    }
    Ok(records)
}

/// Reads a small file whole, in one `read` when it still has the size it
/// had when resolved.
fn read_small(input: &Input, size: u64) -> Result<(String, Vec<u8>), InputError> {
    let Input::File(path) = input else {
        return Err(InputError {
            input: "-".into(),
            message: "not a file".into(),
        });
    };
    let mut nothing = io::empty();
    let mut file: Box<dyn Read> = match std::fs::File::open(path) {
        Ok(file) => Box::new(file),
        // input::open words the error as every other input error.
        Err(_) => input::open(input, &mut nothing)?.1,
    };
    let name = path.display().to_string();
    let size = usize::try_from(size).unwrap_or(usize::MAX - 1);
    // One byte more than expected, so that a full read shows the file grew.
    let mut bytes = vec![0; size + 1];
    let mut filled = 0;
    loop {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => {
                filled += n;
                if filled == size {
                    break;
                }
                if filled == bytes.len() {
                    bytes.resize(bytes.len() * 2, 0);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(InputError {
                    input: name,
                    message: format!("cannot read: {e}"),
                });
            }
        }
    }
    bytes.truncate(filled);
    Ok((name, bytes))
}

/// How much of an input is read to tell what it holds.
const SNIFF_BYTES: u64 = 64 * 1024;

/// The bodies of one input: NDJSON is streamed with a bounded buffer, any
/// other shape is read whole, once.
fn bodies<'r>(
    name: String,
    mut reader: Box<dyn Read + 'r>,
) -> Result<Box<dyn Iterator<Item = Result<Body, Broken>> + 'r>, InputError> {
    let failed = |e: io::Error, name: &str| InputError {
        input: name.to_string(),
        message: format!("cannot read: {e}"),
    };
    let mut head = Vec::new();
    (&mut reader)
        .take(SNIFF_BYTES)
        .read_to_end(&mut head)
        .map_err(|e| failed(e, &name))?;
    let shape = capture::sniff(&name, &head);
    if shape == Shape::Ndjson {
        let stream = io::BufReader::with_capacity(256 * 1024, io::Cursor::new(head).chain(reader));
        return Ok(Box::new(capture::ndjson(&name, stream)));
    }
    // anything but NDJSON is read whole, so it is capped like a file read
    let rest = input::read_capped(&mut reader).map_err(|message| InputError {
        input: name.clone(),
        message,
    })?;
    head.extend_from_slice(&rest);
    Ok(Box::new(capture::split(&name, head, shape).into_iter()))
}

/// Runs `whi diff`: loads one payload from each argument and compares them.
/// An error means the two could not be compared (exit 2).
pub fn diff(
    old: &str,
    new: &str,
    provider: Option<&'static dyn Provider>,
    all: bool,
    stdin: &mut dyn Read,
) -> Result<DiffReport, String> {
    let old = load_one(old, stdin)?;
    let new = load_one(new, stdin)?;
    let overrides = Overrides {
        provider,
        event: None,
        secret: None,
    };
    diff::compare(&old, &new, overrides, all)
}

/// Loads exactly one payload: `file`, `-`, or `file#/N` for an element of a
/// JSON array.
fn load_one(arg: &str, stdin: &mut dyn Read) -> Result<Payload, String> {
    let (path, element) = match arg.rsplit_once("#/") {
        Some((path, n)) if !std::path::Path::new(arg).exists() => {
            let n: usize = n
                .parse()
                .map_err(|_| format!("{arg}: #/{n} is not an element number"))?;
            (path, Some(n))
        }
        _ => (arg, None),
    };
    let input = if path == "-" {
        Input::Stdin
    } else {
        Input::File(path.into())
    };
    let source = input::read(&input, stdin)
        .map_err(|InputError { input, message }| format!("{input}: {message}"))?;
    let mut payloads = Vec::new();
    for parsed in payload::parse(source) {
        match parsed {
            Parsed::Payload(p) => payloads.push(p),
            Parsed::Syntax(e) => {
                return Err(format!(
                    "{}: not valid JSON: {} at line {} column {}",
                    e.source, e.message, e.position.line, e.position.column
                ));
            }
        }
    }
    let count = payloads.len();
    match element {
        Some(n) => payloads
            .into_iter()
            .nth(n)
            .ok_or_else(|| format!("{path}: has no element #/{n} ({count} payloads)")),
        None if count == 1 => payloads
            .pop()
            .ok_or_else(|| format!("{path}: holds no payload")),
        None => Err(format!(
            "{path}: holds {count} payloads (a JSON array); pick one with {path}#/0 … {path}#/{}",
            count.saturating_sub(1)
        )),
    }
}

/// A body with the headers its provider would send.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The provider's headers.
    pub headers: Vec<(String, String)>,
    /// The body, byte for byte as read.
    pub body: Vec<u8>,
}

/// Runs `whi sign`: reads the body as it is and computes the provider's headers.
pub fn sign(
    provider: &'static dyn Provider,
    secret: &Secret,
    scheme: Option<&str>,
    input: &str,
    stdin: &mut dyn Read,
) -> Result<Signed, String> {
    let input = if input == "-" {
        Input::Stdin
    } else {
        Input::File(input.into())
    };
    let source = input::read(&input, stdin).map_err(|e| format!("{}: {}", e.input, e.message))?;
    let headers = provider.sign(&source.bytes, secret, scheme)?;
    Ok(Signed {
        headers,
        body: source.bytes,
    })
}
