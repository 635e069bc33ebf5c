//! `--format human`: one header line per payload (source, provider/event,
//! verdict), its errors and warnings indented below with line:column and
//! pointer, then a count line.

use super::common::{count_line, plural};
use super::{Palette, Render, write_input_error};
use crate::input::InputError;
use crate::report::{Record, Status, Tally};
use crate::validate::Problem;
use owo_colors::{OwoColorize, Style};
use std::io::{self, Write};

/// The human renderer.
pub struct Human<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    palette: Palette,
    verbose: bool,
}

impl<'a> Human<'a> {
    /// A renderer writing to `out` (results) and `err` (diagnostics).
    /// `verbose` shows the detection evidence of valid payloads too.
    pub fn new(
        out: &'a mut dyn Write,
        err: &'a mut dyn Write,
        palette: Palette,
        verbose: bool,
    ) -> Self {
        Human {
            out,
            err,
            palette,
            verbose,
        }
    }

    fn problem(&mut self, problem: &Problem, label: &str, style: Style) -> io::Result<()> {
        let at = match (problem.line, problem.column) {
            (Some(line), Some(column)) => format!("{line}:{column}"),
            _ => "-".to_string(),
        };
        let pointer = if problem.pointer.is_empty() {
            String::new()
        } else {
            format!("{}: ", problem.pointer.style(self.palette.strong))
        };
        writeln!(
            self.out,
            "  {:<7} {} {pointer}{} {}",
            at.style(self.palette.dim),
            label.style(style),
            problem.message,
            format!("[{}]", problem.keyword).style(self.palette.dim),
        )
    }
}

/// The verdict word and its style.
fn verdict(status: Status, palette: &Palette) -> (&'static str, Style) {
    match status {
        Status::Valid => ("valid", palette.good),
        Status::Invalid => ("invalid", palette.bad),
        Status::Unparseable => ("unparseable", palette.bad),
        Status::Unrecognised => ("unrecognised", palette.bad),
        Status::Unchecked => ("not checked", palette.warn),
    }
}

impl Render for Human<'_> {
    fn record(&mut self, record: &Record) -> io::Result<()> {
        let (word, style) = verdict(record.status, &self.palette);
        let kind = match (record.provider, &record.event) {
            (Some(p), Some(e)) => format!("{p}/{e} "),
            (Some(p), None) => format!("{p} "),
            _ => String::new(),
        };
        let mut counts = Vec::new();
        if !record.errors.is_empty() && record.status == Status::Invalid {
            counts.push(plural(record.errors.len(), "error"));
        }
        if !record.warnings.is_empty() {
            counts.push(plural(record.warnings.len(), "warning"));
        }
        let counts = if counts.is_empty() {
            String::new()
        } else {
            format!(" ({})", counts.join(", "))
        };
        writeln!(
            self.out,
            "{}: {}{}{}",
            record.source.style(self.palette.strong),
            kind,
            word.style(style),
            counts
        )?;
        for problem in &record.errors {
            self.problem(problem, "error", self.palette.bad)?;
        }
        for problem in &record.warnings {
            self.problem(problem, "warning", self.palette.warn)?;
        }
        if let Some(note) = &record.note {
            writeln!(self.out, "  {} {note}", "note:".style(self.palette.dim))?;
        }
        if let Some(why) = &record.detected_by
            && (self.verbose || record.status != Status::Valid)
        {
            writeln!(
                self.out,
                "  {}",
                format!("detected by {why}").style(self.palette.dim)
            )?;
        }
        Ok(())
    }

    fn input_error(&mut self, error: &InputError) -> io::Result<()> {
        self.out.flush()?;
        write_input_error(self.err, &self.palette, error)
    }

    fn finish(&mut self, tally: &Tally) -> io::Result<()> {
        let line = count_line(tally);
        let style = match tally.exit_code() {
            0 => self.palette.good,
            _ => self.palette.bad,
        };
        writeln!(self.out, "\n{}", line.style(style))?;
        self.out.flush()
    }
}
