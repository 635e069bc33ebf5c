//! `--format json`: NDJSON, one [`Record`] per line, never coloured.
//! Unreadable inputs are diagnostics on stderr, as in every format. Where
//! several record kinds share a stream (`inspect --timeline`), each line
//! carries a `type` tag: `payload` or `timeline`. `whi diff` prints one object.

use super::{Palette, Render, write_input_error};
use crate::diff::DiffReport;
use crate::input::InputError;
use crate::report::{Record, Tally};
use crate::timeline::Timeline;
use serde::Serialize;
use std::io::{self, Write};

/// The NDJSON renderer.
pub struct Json<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    tagged: bool,
}

impl<'a> Json<'a> {
    /// A renderer writing records to `out` and diagnostics to `err`;
    /// `tagged` adds `"type": "payload"` to each record.
    pub fn new(out: &'a mut dyn Write, err: &'a mut dyn Write, tagged: bool) -> Self {
        Json { out, err, tagged }
    }
}

#[derive(Serialize)]
struct Tagged<'r> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    record: &'r Record,
}

impl Render for Json<'_> {
    fn record(&mut self, record: &Record) -> io::Result<()> {
        if self.tagged {
            serde_json::to_writer(
                &mut *self.out,
                &Tagged {
                    kind: "payload",
                    record,
                },
            )?;
        } else {
            serde_json::to_writer(&mut *self.out, record)?;
        }
        self.out.write_all(b"\n")
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
    for timeline in timelines {
        serde_json::to_writer(&mut *out, timeline)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The diff report as one JSON object.
pub fn diff(out: &mut dyn Write, report: &DiffReport) -> io::Result<()> {
    serde_json::to_writer(&mut *out, report)?;
    out.write_all(b"\n")
}
