//! `--format json`: NDJSON, one [`Record`] per line, never coloured.
//! Unreadable inputs are diagnostics on stderr, as in every format. Where
//! several record kinds share a stream (`inspect --timeline`), each line
//! carries a `type` tag: `payload` or `timeline`. `whi diff` prints one object;
//! the lists of `whi schemas` and `whi samples` are NDJSON too ([`ndjson`]).
//! With `--max-errors N`, `errors` holds at most N entries and every record
//! gains `errors_total`, the number before the cut.

use super::common::capped;
use super::{Palette, Render, write_input_error, write_note};
use crate::check::record::{Record, Tally};
use crate::ingest::input::{InputError, Note};
use crate::order::diff::DiffReport;
use crate::order::timeline::Timeline;
use serde::Serialize;
use std::io::{self, Write};

/// The NDJSON renderer.
pub struct Json<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    tagged: bool,
    max_errors: Option<usize>,
}

impl<'a> Json<'a> {
    /// A renderer writing records to `out` and diagnostics to `err`;
    /// `tagged` adds `"type": "payload"` to each record.
    pub fn new(out: &'a mut dyn Write, err: &'a mut dyn Write, tagged: bool) -> Self {
        Json {
            out,
            err,
            tagged,
            max_errors: None,
        }
    }

    /// Keeps at most `max` errors per record and adds `errors_total`.
    pub fn max_errors(mut self, max: Option<usize>) -> Self {
        self.max_errors = max;
        self
    }
}

/// A payload's record, with `errors_total` when asked for.
#[derive(Serialize)]
struct Line<'r> {
    #[serde(flatten)]
    record: &'r Record,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors_total: Option<usize>,
}

/// One line of a stream where several kinds of record mix
/// (`inspect --timeline`): tagged with its `type`.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Message<'r> {
    /// A payload that is in no timeline (unparseable, unrecognised).
    Payload(Line<'r>),
    /// One order's history.
    Timeline(&'r Timeline),
}

impl Render for Json<'_> {
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn record(&mut self, record: &Record) -> io::Result<()> {
        let (shown, hidden) = capped(record, self.max_errors);
        let cut;
        let record = if hidden > 0 {
            cut = Record {
                errors: shown.to_vec(),
                ..record.clone()
            };
            &cut
        } else {
            record
        };
        let errors_total = self.max_errors.map(|_| shown.len() + hidden);
        let line = Line {
            record,
            errors_total,
        };
        if self.tagged {
            serde_json::to_writer(&mut *self.out, &Message::Payload(line))?;
        } else {
            serde_json::to_writer(&mut *self.out, &line)?;
        }
        self.out.write_all(b"\n")
    }

    fn note(&mut self, note: &Note) -> io::Result<()> {
        write_note(self.err, &Palette::default(), note)
    }

    fn input_error(&mut self, error: &InputError) -> io::Result<()> {
        write_input_error(self.err, &Palette::default(), error)
    }

    fn finish(&mut self, _tally: &Tally) -> io::Result<()> {
        self.out.flush()
    }
}

/// One line per order timeline, tagged `"type": "timeline"`.
pub fn timelines(out: &mut dyn Write, timelines: &[Timeline]) -> io::Result<()> {
    let messages: Vec<Message<'_>> = timelines.iter().map(Message::Timeline).collect();
    ndjson(out, &messages)
}

/// One JSON object per line.
pub fn ndjson<T: Serialize>(out: &mut dyn Write, records: &[T]) -> io::Result<()> {
    for record in records {
        serde_json::to_writer(&mut *out, record)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The diff report as one JSON object.
pub fn diff(out: &mut dyn Write, report: &DiffReport) -> io::Result<()> {
    serde_json::to_writer(&mut *out, report)?;
    out.write_all(b"\n")
}
