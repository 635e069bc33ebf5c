//! `--format github`: GitHub Actions workflow commands, which the runner
//! turns into annotations on the files and lines of a pull request.
//!
//! One `::error` per error and one `::warning` per warning, with `file`,
//! `line`, `col` (when known) and `title` (provider/event); an unreadable
//! input is an `::error title=whi::` besides its usual stderr diagnostic;
//! the run ends with one `::notice` carrying the count line. With
//! `--max-errors N`, a payload's errors past the N-th are summed up in one
//! `::notice` (`… 12 more errors not shown`) on its file. Nothing else
//! is printed to stdout, and nothing is coloured. Escaping follows the
//! runner's rules (actions/toolkit `command.ts`): `%`, CR and LF in the
//! message; those and `:` and `,` in properties.
//! <https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands>

use super::common::{
    capped, count_line, hinted, kind, more_errors, place, problem_text, source_file,
};
use super::{Palette, Render, escape, write_input_error, write_note};
use crate::check::record::{Record, Tally};
use crate::check::validate::Problem;
use crate::ingest::input::{InputError, Note};
use std::io::{self, Write};

/// The GitHub Actions renderer.
pub struct Github<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    max_errors: Option<usize>,
}

impl<'a> Github<'a> {
    /// A renderer writing workflow commands to `out` and diagnostics to `err`.
    pub fn new(out: &'a mut dyn Write, err: &'a mut dyn Write) -> Self {
        Github {
            out,
            err,
            max_errors: None,
        }
    }

    /// Annotates at most `max` errors per payload (`--max-errors`).
    pub fn max_errors(mut self, max: Option<usize>) -> Self {
        self.max_errors = max;
        self
    }

    fn command(
        &mut self,
        name: &str,
        properties: &[(&str, String)],
        message: &str,
    ) -> io::Result<()> {
        let properties: Vec<String> = properties
            .iter()
            .map(|(key, value)| format!("{key}={}", escape(&escape_property(value))))
            .collect();
        let space = if properties.is_empty() { "" } else { " " };
        writeln!(
            self.out,
            "::{name}{space}{}::{}",
            properties.join(","),
            // CR and LF as the runner wants them, then the other controls
            // (ESC would reach the log viewer raw).
            escape(&escape_data(message))
        )
    }

    fn problem(&mut self, name: &str, record: &Record, problem: &Problem) -> io::Result<()> {
        let mut properties = Vec::new();
        let (file, line, column) = place(record, problem);
        if let Some(file) = file {
            properties.push(("file", file.to_string()));
        }
        // Kept for stdin too: without a file the annotation is not placed,
        // but the log still says where the problem is.
        if let Some(line) = line {
            properties.push(("line", line.to_string()));
            if let Some(column) = column {
                properties.push(("col", column.to_string()));
            }
        }
        properties.push(("title", kind(record, "/")));
        self.command(name, &properties, &problem_text(problem))
    }
}

impl Render for Github<'_> {
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn record(&mut self, record: &Record) -> io::Result<()> {
        let (shown, hidden) = capped(record, self.max_errors);
        for problem in &hinted(record, shown) {
            self.problem("error", record, problem)?;
        }
        if hidden > 0 {
            let mut properties = Vec::new();
            if let Some(file) = source_file(&record.source) {
                properties.push(("file", file.to_string()));
            }
            properties.push(("title", kind(record, "/")));
            let message = format!("{} not shown (--max-errors)", more_errors(hidden));
            self.command("notice", &properties, &message)?;
        }
        for problem in &record.warnings {
            self.problem("warning", record, problem)?;
        }
        Ok(())
    }

    fn note(&mut self, note: &Note) -> io::Result<()> {
        write_note(self.err, &Palette::default(), note)
    }

    fn input_error(&mut self, error: &InputError) -> io::Result<()> {
        let message = format!("{}: {}", error.input, error.message);
        self.command("error", &[("title", "whi".to_string())], &message)?;
        self.out.flush()?;
        write_input_error(self.err, &Palette::default(), error)
    }

    fn finish(&mut self, tally: &Tally) -> io::Result<()> {
        self.command(
            "notice",
            &[("title", "whi".to_string())],
            &count_line(tally),
        )?;
        self.out.flush()
    }
}

/// Escapes a command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn commands_without_properties_have_no_space() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut github = Github::new(&mut out, &mut err);
        let done = github.command("notice", &[], "hi");
        assert!(done.is_ok());
        assert_eq!(String::from_utf8_lossy(&out), "::notice::hi\n");
    }
}
