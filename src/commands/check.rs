//! `whi validate` and `whi inspect`: inputs → payloads → records →
//! renderer, in input order, one input in memory at a time over a pool of
//! workers; and `--timeline`. Writes only through the renderer it makes.

use crate::check::detect::Overrides;
use crate::check::record::{self, Record, Tally};
use crate::ingest::capture::{Body, Broken};
use crate::ingest::input::{self, Input, InputError, Note};
use crate::ingest::payload::{self, Parsed};
use crate::ingest::reader;
use crate::ingest::stdin;
use crate::order::timeline::{self, Delivery, Timeline, Verdict};
use crate::render::Render;
use crate::settings::CheckSettings as Settings;
use std::io::{self, Read};

use super::Outcome;
use super::pool::{self, Unit};
use crate::cli::Format;
use crate::render::wrap::Wrap;
use crate::render::{self, Palette};
use crate::render::{github::Github, human::Human, json::Json, junit::Junit, sarif::Sarif};
use std::io::Write;

/// Runs `whi validate` or `whi inspect`: makes the renderer the settings
/// ask for and feeds it every record, in input order.
pub(super) fn run(
    settings: &Settings,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    // --quiet: the exit status is the answer; diagnostics still go to stderr.
    let mut sink = io::sink();
    let out: &mut dyn Write = if settings.quiet { &mut sink } else { out };
    // Human output fits the terminal; machine formats pass through as is.
    let mut wrapped = Wrap::new(out, settings.width);
    let out: &mut dyn Write = &mut wrapped;
    let palette = Palette::new(settings.color);
    let max = settings.max_errors;
    let mut renderer: Box<dyn Render> = match settings.format {
        Format::Human => {
            Box::new(Human::new(&mut *out, &mut *err, palette, settings.verbose).max_errors(max))
        }
        Format::Json => {
            Box::new(Json::new(&mut *out, &mut *err, settings.timeline).max_errors(max))
        }
        Format::Github => Box::new(Github::new(&mut *out, &mut *err).max_errors(max)),
        Format::Junit if settings.summarize => Box::new(
            Junit::new(&mut *out, &mut *err)
                .suite("whi inspect")
                .max_errors(max),
        ),
        Format::Junit => Box::new(Junit::new(&mut *out, &mut *err).max_errors(max)),
        Format::Sarif => Box::new(Sarif::new(&mut *out, &mut *err).max_errors(max)),
    };
    let tally = if settings.timeline {
        let (timelines, tally) = timelines(settings, stdin, renderer.as_mut())?;
        drop(renderer);
        match settings.format {
            Format::Human => render::human::timelines(out, &palette, &timelines, &tally)?,
            Format::Json => render::json::timelines(out, &timelines)?,
            // refused when the settings were resolved
            Format::Github | Format::Junit | Format::Sarif => {}
        }
        tally
    } else {
        let tally = check(settings, stdin, renderer.as_mut())?;
        drop(renderer);
        tally
    };
    out.flush()?;
    let mut outcome = match tally.exit_code() {
        0 => Outcome::Clean,
        1 => Outcome::Negative,
        _ => Outcome::Failed,
    };
    if settings.strict && tally.unchecked + tally.warned + tally.empty > 0 {
        let empty = if tally.empty > 0 {
            format!(", {} with no payloads", plural_inputs(tally.empty))
        } else {
            String::new()
        };
        writeln!(
            err,
            "error: --strict: {} not checked (no bundled schema), {} with warnings{empty}",
            tally.unchecked, tally.warned
        )?;
        outcome = outcome.merge(Outcome::Negative);
    }
    Ok(outcome)
}

fn plural_inputs(n: usize) -> String {
    if n == 1 {
        "1 input".into()
    } else {
        format!("{n} inputs")
    }
}

/// Why an input yielded no payload, for its note.
fn no_payloads(name: &str) -> Note {
    use crate::ingest::capture::{Shape, sniff};
    let why = match sniff(name, b"") {
        Shape::Ndjson => "no payloads: not one line of JSON in it (empty or blank)",
        Shape::Har => "no payloads: no entry of the HAR archive is a request with a body",
        _ => "no payloads in it",
    };
    Note {
        input: name.to_string(),
        message: why.into(),
    }
}

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
                let error_count = record.error_count();
                deliveries.push(Delivery {
                    source: record.source,
                    provider,
                    event,
                    summary,
                    delivery_id: record.delivery_id,
                    verdict: Verdict {
                        valid: record.valid,
                        verdict: record.status,
                        error_count,
                        first_error: record.errors.into_iter().next(),
                    },
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
enum Step {
    /// A payload's record.
    Record(Record),
    /// An input that could not be read.
    Unreadable(InputError),
    /// An input to stream on the calling thread: a pipe or device, or a large
    /// file that turned out to be NDJSON.
    Stream(Input),
    /// An input that held no payload (an empty log, a HAR without entries).
    Empty(String),
    /// What a capture passed over (a HAR's requests without a body).
    PassedOver(Note),
    /// Write out what was rendered: the stream waits for its writer.
    Flush,
}

/// The outcomes of one job, in order.
type Done = Vec<Step>;

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
        max_errors: settings.max_errors,
    };
    let (inputs, notes) = input::resolve_walking(&settings.inputs, &settings.walking);
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
                Step::Record(record) => {
                    tally.add(&record);
                    sink(render, record)
                }
                Step::Unreadable(error) => {
                    tally.input_errors += 1;
                    render.input_error(&error)
                }
                Step::PassedOver(note) => render.note(&note),
                Step::Empty(name) => {
                    tally.empty += 1;
                    render.note(&no_payloads(&name))
                }
                Step::Flush => render.flush(),
                // Rare (see `read_file`): done here, in turn, without workers.
                Step::Stream(input) => {
                    let mut nothing = io::empty();
                    match reader::bodies(&input, &mut nothing) {
                        Ok(bodies) => {
                            // As `run_job` does it: records, notes for what was
                            // passed over, "no payloads" when there was no record.
                            let mut any = false;
                            let mut steps = bodies.into_iter().flat_map(|body| steps(body, &check));
                            steps.try_for_each(|step| match step {
                                Step::Record(record) => {
                                    any = true;
                                    tally.add(&record);
                                    sink(render, record)
                                }
                                Step::PassedOver(note) => render.note(&note),
                                _ => Ok(()),
                            })?;
                            if !any {
                                tally.empty += 1;
                                render.note(&no_payloads(&name_of(&input)))?;
                            }
                            Ok(())
                        }
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
        // Ctrl-C: what is under way is finished and reported, no more is read.
        if stdin::interrupted() {
            break;
        }
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
        let (bodies, drained) = match reader::watched(&resolved, stdin) {
            Ok(found) => found,
            Err(error) => {
                emit(Unit::Ready(vec![Step::Unreadable(error)]))?;
                continue;
            }
        };
        let mut batch = Vec::new();
        let mut bytes = 0;
        let mut any = false;
        for body in bodies {
            // Ctrl-C cut the read: this body may be cut too; drop it.
            if stdin::interrupted() {
                break;
            }
            any |= holds_payload(&body);
            bytes += body.as_ref().map_or(0, |b| b.bytes.len());
            batch.push(body);
            if bytes >= BATCH_BYTES {
                emit(Unit::Job(Job::Bodies(std::mem::take(&mut batch))))?;
                bytes = 0;
            }
            // The next line must wait for the writer: what is read is
            // checked and written out now, not held for a fuller batch.
            if drained.idle() {
                if !batch.is_empty() {
                    emit(Unit::Job(Job::Bodies(std::mem::take(&mut batch))))?;
                    bytes = 0;
                }
                emit(Unit::Barrier(vec![Step::Flush]))?;
            }
        }
        if !batch.is_empty() {
            emit(Unit::Job(Job::Bodies(batch)))?;
        }
        if !any && !stdin::interrupted() {
            emit(Unit::Ready(vec![Step::Empty(name_of(&resolved))]))?;
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
                        let bodies = reader::from_bytes(&name, bytes);
                        // No payload at all, or only what was passed over.
                        if !bodies.iter().any(holds_payload) {
                            done.push(Step::Empty(name));
                        }
                        for body in bodies {
                            done.extend(steps(body, check));
                        }
                    }
                    Ok(None) => done.push(Step::Stream(input)),
                    Err(error) => done.push(Step::Unreadable(error)),
                }
            }
        }
        Job::Bodies(bodies) => {
            for body in bodies {
                done.extend(steps(body, check));
            }
        }
    }
    done
}

/// An input's name as whi prints it.
fn name_of(input: &Input) -> String {
    match input {
        Input::Stdin => "-".into(),
        Input::File(path) => input::display_name(path),
        Input::Error(error) => error.input.clone(),
    }
}

/// Whether a body is a payload (to check, or to report as unusable), not
/// something a capture passed over: an input of none says "no payloads".
fn holds_payload(body: &Result<Body, Broken>) -> bool {
    !matches!(body, Err(broken) if broken.passed_over)
}

/// What one body comes to: its records, or a note for what was passed over.
fn steps(body: Result<Body, Broken>, check: &dyn Fn(&Parsed) -> Record) -> Vec<Step> {
    match body {
        Err(broken) if broken.passed_over => vec![Step::PassedOver(Note {
            input: broken.source,
            message: broken.message,
        })],
        body => checked(body, check).map(Step::Record).collect(),
    }
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
