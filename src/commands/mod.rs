//! The runs: inputs → payloads → records → renderer, in input order, one
//! input in memory at a time; timelines; and the two-payload diff. Returns
//! data and tallies, never prints.

use crate::check::detect::Overrides;
use crate::check::record::{self, Record, Tally};
use crate::ingest::capture::{Body, Broken};
use crate::ingest::input::{self, Input, InputError};
use crate::ingest::payload::{self, Parsed};
use crate::ingest::reader;
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
    let single = matches!(inputs.as_slice(), [one @ Input::File(_)] if !reader::streamed(one));
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
                    match reader::bodies(&input, &mut nothing) {
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
        if matches!(resolved, Input::File(_)) && !reader::streamed(&resolved) {
            files.push(resolved);
            if files.len() == BATCH_FILES {
                emit(Unit::Job(Job::Files(std::mem::take(&mut files))))?;
            }
            continue;
        }
        if !files.is_empty() {
            emit(Unit::Job(Job::Files(std::mem::take(&mut files))))?;
        }
        let bodies = match reader::bodies(&resolved, stdin) {
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
                match reader::read_file(&input) {
                    Ok(Some((name, bytes))) => {
                        for body in reader::from_bytes(&name, bytes) {
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

/// Runs `whi diff`: loads one payload from each argument and compares them.
/// An argument is a file, `-`, or any name `whi` prints for a payload
/// (`log.ndjson:2`, `x.har#entries/0`, `batch.json#/1`). An error means the
/// two could not be compared (exit 2).
pub fn diff(
    old: &str,
    new: &str,
    provider: Option<&'static dyn Provider>,
    all: bool,
    stdin: &mut dyn Read,
) -> anyhow::Result<DiffReport> {
    let old = reader::pick_payload(old, stdin)?;
    let new = reader::pick_payload(new, stdin)?;
    let overrides = Overrides {
        provider,
        event: None,
        secret: None,
    };
    diff::compare(&old, &new, overrides, all).map_err(anyhow::Error::msg)
}

/// Runs `whi sign`: computes the provider's headers over one body, byte for
/// byte as read. A capture (raw HTTP, HAR entry, NDJSON line) gives its body
/// only, never its headers.
pub fn sign(
    provider: &'static dyn Provider,
    secret: &Secret,
    scheme: Option<&str>,
    input: &str,
    stdin: &mut dyn Read,
) -> anyhow::Result<Signed> {
    let body = reader::pick(input, stdin)?;
    let headers = provider
        .sign(&body.bytes, secret, scheme)
        .map_err(anyhow::Error::msg)?;
    Ok(Signed {
        headers,
        body: body.bytes,
    })
}
