//! The runs: inputs → payloads → records → renderer, in input order, one
//! input in memory at a time; timelines; and the two-payload diff. Returns
//! data and tallies, never prints.

use crate::check::detect::Overrides;
use crate::check::record::{self, Record, Tally};
use crate::ingest::capture::{self, Body, Broken, Shape};
use crate::ingest::input::{self, Input, InputError};
use crate::ingest::payload::{self, Parsed, Payload};
use crate::model::signature::{Secret, Signed};
use crate::order::diff::{self, DiffReport};
use crate::order::timeline::{self, Delivery, Timeline};
use crate::providers::Provider;
use crate::render::Render;
use crate::settings::Settings;
use std::io::{self, Read};

pub mod catalog;
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
    /// Files, read and checked one after the other by one worker.
    Files(Vec<Input>),
    /// Bodies read on the calling thread: stdin, or a batch of lines of a
    /// streamed NDJSON input.
    Bodies(Vec<Result<Body, Broken>>),
}

/// What became of one input (or one body), in input order.
// Nearly every outcome is a record: boxing it would cost an allocation each.
#[allow(clippy::large_enum_variant)]
enum Outcome {
    /// A payload's record.
    Record(Record),
    /// An input that could not be read.
    Unreadable(InputError),
    /// An input to stream on the calling thread: a pipe or device, or a large
    /// file that turned out to be NDJSON.
    Stream(Input),
}

/// The outcomes of one job, in order.
type Done = Vec<Outcome>;

/// Jobs dispatched and not yet rendered, at most: bounds memory (with
/// [`BATCH_BYTES`] and [`BATCH_FILES`], a few MiB in flight) whatever the
/// input size.
const WINDOW: usize = 32;

/// A streamed NDJSON input is handed to workers in batches of about this
/// many bytes, so that one job is worth a channel round trip.
const BATCH_BYTES: usize = 128 * 1024;

/// Files are handed to workers this many at a time: a small file is checked
/// in tens of microseconds, about what waking a thread costs.
const BATCH_FILES: usize = 16;

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
    // One file is done inline: threads would only add their start-up.
    let single = matches!(inputs.as_slice(), [one @ Input::File(_)] if !streamed(one));
    let workers = if single {
        1
    } else {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    };
    let summarize = settings.summarize;
    let check = |parsed: &Parsed| {
        if summarize {
            record::inspect(parsed, overrides)
        } else {
            record::check(parsed, overrides)
        }
    };
    let work = |job: Job| run_job(job, &check);
    pool::run(
        workers,
        WINDOW,
        &work,
        |emit| produce(inputs, stdin, emit),
        |done| {
            done.into_iter().try_for_each(|outcome| match outcome {
                Outcome::Record(record) => {
                    tally.add(&record);
                    sink(render, record)
                }
                Outcome::Unreadable(error) => {
                    tally.input_errors += 1;
                    render.input_error(&error)
                }
                // Rare (see `read_file`): done here, in turn, without workers.
                Outcome::Stream(input) => {
                    let mut nothing = io::empty();
                    let opened = input::open(&input, &mut nothing)
                        .and_then(|(name, reader)| bodies(name, reader));
                    match opened {
                        Ok(bodies) => bodies.into_iter().try_for_each(|body| {
                            checked(body, &check).try_for_each(|record| {
                                tally.add(&record);
                                sink(render, record)
                            })
                        }),
                        Err(error) => {
                            tally.input_errors += 1;
                            render.input_error(&error)
                        }
                    }
                }
            })
        },
    )
}

/// Whether an input is read on the calling thread: stdin, and files that
/// say they are NDJSON, which are streamed and handed out in batches.
fn streamed(input: &Input) -> bool {
    match input {
        Input::Stdin => true,
        Input::File(path) => capture::sniff(&path.to_string_lossy(), b"") == Shape::Ndjson,
        Input::Error(_) => false,
    }
}

/// Turns the inputs, in order, into jobs: files go to the workers in small
/// batches, unread; stdin and NDJSON files are read here, streamed in
/// batches of lines.
fn produce(
    inputs: Vec<Input>,
    stdin: &mut dyn Read,
    emit: &mut dyn FnMut(Unit<Job, Done>) -> io::Result<()>,
) -> io::Result<()> {
    let mut files = Vec::new();
    for resolved in inputs {
        if matches!(resolved, Input::File(_)) && !streamed(&resolved) {
            files.push(resolved);
            if files.len() == BATCH_FILES {
                emit(Unit::Job(Job::Files(std::mem::take(&mut files))))?;
            }
            continue;
        }
        if !files.is_empty() {
            emit(Unit::Job(Job::Files(std::mem::take(&mut files))))?;
        }
        let opened = input::open(&resolved, stdin).and_then(|(name, reader)| bodies(name, reader));
        let bodies = match opened {
            Ok(bodies) => bodies,
            Err(error) => {
                emit(Unit::Ready(vec![Outcome::Unreadable(error)]))?;
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
    if !files.is_empty() {
        emit(Unit::Job(Job::Files(files)))?;
    }
    Ok(())
}

/// Reads (for files), detects and validates (and summarises) the bodies of
/// one job.
fn run_job(job: Job, check: &dyn Fn(&Parsed) -> Record) -> Done {
    let mut done = Vec::new();
    match job {
        Job::Files(files) => {
            for input in files {
                match read_file(&input) {
                    Ok(Some((name, bytes))) => {
                        let shape = capture::sniff(&name, &bytes);
                        for body in capture::split(&name, bytes, shape) {
                            done.extend(checked(body, check).map(Outcome::Record));
                        }
                    }
                    Ok(None) => done.push(Outcome::Stream(input)),
                    Err(error) => done.push(Outcome::Unreadable(error)),
                }
            }
        }
        Job::Bodies(bodies) => {
            for body in bodies {
                done.extend(checked(body, check).map(Outcome::Record));
            }
        }
    }
    done
}

/// The records of one body (several for a JSON array of payloads).
fn checked(
    body: Result<Body, Broken>,
    check: &dyn Fn(&Parsed) -> Record,
) -> impl Iterator<Item = Record> {
    let parsed_list = match body {
        Ok(body) => payload::parse_body(body),
        Err(broken) => vec![payload::broken(broken)],
    };
    parsed_list.into_iter().map(move |parsed| check(&parsed))
}

/// Reads a file whole: a small one in one `read` of the size `fstat` gives.
/// `None` when it must be streamed instead: not a regular file (a pipe, a
/// device), or larger than [`SNIFF_BYTES`] and NDJSON by its content.
fn read_file(input: &Input) -> Result<Option<(String, Vec<u8>)>, InputError> {
    let Input::File(path) = input else {
        return Ok(None);
    };
    let name = path.display().to_string();
    let failed = |e: io::Error| InputError {
        input: name.clone(),
        message: format!("cannot read: {e}"),
    };
    // Before opening: opening a pipe (`<(command)`) here would take its data.
    let size = match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => meta.len(),
        _ => return Ok(None),
    };
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        // input::open words the error as every other input error.
        Err(_) => {
            input::open(input, &mut io::empty())?;
            return Ok(None);
        }
    };
    if size > SNIFF_BYTES {
        let mut head = Vec::new();
        (&mut file)
            .take(SNIFF_BYTES)
            .read_to_end(&mut head)
            .map_err(failed)?;
        if capture::sniff(&name, &head) == Shape::Ndjson {
            return Ok(None);
        }
        file.read_to_end(&mut head).map_err(failed)?;
        return Ok(Some((name, head)));
    }
    let size = usize::try_from(size).unwrap_or(0);
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
            Err(e) => return Err(failed(e)),
        }
    }
    bytes.truncate(filled);
    Ok(Some((name, bytes)))
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
