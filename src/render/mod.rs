//! Renderers: the only code that writes output. Each format implements
//! [`Render`]; results go to the `out` writer, diagnostics to `err`.
//!
//! Colour is decided once and carried as a [`Palette`]; a plain palette
//! writes no escape bytes. Machine formats never colour.

mod escape;
pub mod human;
pub mod json;
pub mod pipe;

// The catalog commands: `whi schemas`, `whi samples`, `whi explain`.
pub mod catalog;
pub mod explain;

// CI formats (`--format github|junit|sarif`) and the text they share.
mod common;
pub mod github;
pub mod junit;
pub mod live;
pub mod sarif;
pub mod wrap;

pub use escape::{escape, escape_lines};

use crate::check::record::{Record, Tally};
use crate::ingest::input::{InputError, Note};
use owo_colors::Style;
use std::io::{self, Write};

/// Styles for each kind of text; all plain when colour is off.
#[derive(Debug, Clone, Copy, Default)]
pub struct Palette {
    /// Valid verdicts.
    pub good: Style,
    /// Errors and failing verdicts.
    pub bad: Style,
    /// Warnings and unchecked verdicts.
    pub warn: Style,
    /// Secondary text: positions, keywords, evidence.
    pub dim: Style,
    /// Emphasis: sources and pointers.
    pub strong: Style,
}

impl Palette {
    /// The palette for a colour decision.
    pub fn new(color: bool) -> Self {
        if !color {
            return Palette::default();
        }
        Palette {
            good: Style::new().green().bold(),
            bad: Style::new().red().bold(),
            warn: Style::new().yellow().bold(),
            dim: Style::new().dimmed(),
            strong: Style::new().bold(),
        }
    }
}

/// A sink for a run's reports.
pub trait Render {
    /// One payload's record, as soon as it is ready.
    fn record(&mut self, record: &Record) -> io::Result<()>;
    /// An input that could not be read.
    fn input_error(&mut self, error: &InputError) -> io::Result<()>;
    /// Something the input expansion passed over (a FIFO in a directory, ...).
    fn note(&mut self, note: &Note) -> io::Result<()>;
    /// The end of the run.
    fn finish(&mut self, tally: &Tally) -> io::Result<()>;
    /// Writes out what was rendered so far: a stream is waiting for its
    /// writer, and the reader of the output should not wait with it.
    /// Formats that are one document (JUnit, SARIF) have nothing to show yet.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes `note: <path>: <what>` to the diagnostics writer.
pub(crate) fn write_note(err: &mut dyn Write, palette: &Palette, note: &Note) -> io::Result<()> {
    use owo_colors::OwoColorize;
    writeln!(
        err,
        "{}: {}: {}",
        "note".style(palette.dim),
        escape(&note.input),
        escape(&note.message)
    )
}

/// Writes `error: <input>: <why>` to the diagnostics writer.
pub(crate) fn write_input_error(
    err: &mut dyn Write,
    palette: &Palette,
    error: &InputError,
) -> io::Result<()> {
    use owo_colors::OwoColorize;
    writeln!(
        err,
        "{}: {}: {}",
        "error".style(palette.bad),
        escape(&error.input),
        escape(&error.message)
    )
}
