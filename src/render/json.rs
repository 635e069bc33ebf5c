//! `--format json`: NDJSON, one [`Record`] per line, never coloured.
//! Unreadable inputs are diagnostics on stderr, as in every format.

use super::{Palette, Render, write_input_error};
use crate::input::InputError;
use crate::report::{Record, Tally};
use std::io::{self, Write};

/// The NDJSON renderer.
pub struct Json<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
}

impl<'a> Json<'a> {
    /// A renderer writing records to `out` and diagnostics to `err`.
    pub fn new(out: &'a mut dyn Write, err: &'a mut dyn Write) -> Self {
        Json { out, err }
    }
}

impl Render for Json<'_> {
    fn record(&mut self, record: &Record) -> io::Result<()> {
        serde_json::to_writer(&mut *self.out, record)?;
        self.out.write_all(b"\n")
    }

    fn input_error(&mut self, error: &InputError) -> io::Result<()> {
        write_input_error(self.err, &Palette::default(), error)
    }

    fn finish(&mut self, _tally: &Tally) -> io::Result<()> {
        self.out.flush()
    }
}
