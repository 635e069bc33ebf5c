//! Lines that fit the terminal. Human output goes through [`Wrap`], which
//! leaves a line that fits alone and wraps a longer one at spaces:
//!
//! - a table row continues under its last column (the text after the
//!   line's last run of two or more spaces) when that column's words fit
//!   there, so a description or message reads as one block;
//! - otherwise it continues four spaces past the line's own indent, so a
//!   long last column (a path) moves to a line of its own;
//! - a word longer than a whole line (a URL, a regular expression) is cut
//!   where the line ends: nothing is lost, nothing is wider than the width.
//!
//! Widths are display widths: colour escapes count for nothing, wide
//! characters for two.

use std::borrow::Cow;
use std::io::{self, Write};
use textwrap::core::display_width;
use textwrap::{Options, WordSeparator, WordSplitter, WrapAlgorithm};

/// The narrowest width whi wraps to, whatever `COLUMNS` says.
pub const MIN_WIDTH: usize = 40;

/// A writer that wraps each complete line to `width` columns; with no
/// width it passes everything through (machine formats).
pub struct Wrap<'a> {
    inner: &'a mut dyn Write,
    width: Option<usize>,
    line: Vec<u8>,
}

impl<'a> Wrap<'a> {
    /// Wraps what is written to `inner` at `width` columns (`None`: never).
    pub fn new(inner: &'a mut dyn Write, width: Option<usize>) -> Self {
        Wrap {
            inner,
            width: width.map(|w| w.max(MIN_WIDTH)),
            line: Vec::new(),
        }
    }

    fn emit(&mut self, width: usize) -> io::Result<()> {
        match std::str::from_utf8(&self.line) {
            Ok(text) => {
                let wrapped = wrap_line(text, width);
                self.inner.write_all(wrapped.as_bytes())?;
            }
            // Not text whi made: passed on as it is.
            Err(_) => self.inner.write_all(&self.line)?,
        }
        self.line.clear();
        Ok(())
    }
}

impl Write for Wrap<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(width) = self.width else {
            return self.inner.write(buf);
        };
        let mut rest = buf;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            self.line.extend_from_slice(&rest[..end]);
            self.emit(width)?;
            self.inner.write_all(b"\n")?;
            rest = &rest[end + 1..];
        }
        self.line.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Some(width) = self.width
            && !self.line.is_empty()
        {
            self.emit(width)?;
        }
        self.inner.flush()
    }
}

impl Drop for Wrap<'_> {
    fn drop(&mut self) {
        // A last line without its line break still gets out.
        if let Some(width) = self.width
            && !self.line.is_empty()
        {
            let _ = self.emit(width);
        }
    }
}

/// `line` (without its line break) in lines of at most `width` columns,
/// joined by line breaks.
pub fn wrap_line(line: &str, width: usize) -> Cow<'_, str> {
    if display_width(line) <= width {
        return Cow::Borrowed(line);
    }
    let lead = line.len() - line.trim_start_matches(' ').len();
    let body = &line[lead..];
    // Deep indents give way to a long word, so that it need not be cut.
    let longest = body.split(' ').map(display_width).max().unwrap_or(0);
    let hanging = (lead + 4)
        .min(width / 2)
        .min(width.saturating_sub(longest))
        .max(2);
    let column = last_column(line, lead).filter(|&(column, at)| {
        let longest = line[at..].split(' ').map(display_width).max();
        column < width && longest.is_some_and(|w| w <= width - column)
    });
    let pad = " ".repeat(hanging);
    // A heading (`file.json: salla/order.created invalid (2 errors)`)
    // breaks after its name (one word, then a colon), keeping what is said about it together.
    if column.is_none()
        && lead == 0
        && let Some(colon) = line.find(": ")
        && !line[..colon].contains(' ')
        && display_width(&line[..=colon]) <= width
    {
        let rest = textwrap::wrap(&line[colon + 2..], options(width, &pad, &pad));
        return Cow::Owned(format!("{}\n{}", &line[..=colon], rest.join("\n")));
    }
    let subsequent = column.map_or(pad, |(column, _)| " ".repeat(column));
    Cow::Owned(textwrap::wrap(body, options(width, &line[..lead], &subsequent)).join("\n"))
}

/// Wrapping at spaces only (never at hyphens: `X-Salla-Signature` stays
/// whole), cutting only words wider than a line.
fn options<'a>(width: usize, first: &'a str, subsequent: &'a str) -> Options<'a> {
    Options::new(width)
        .initial_indent(first)
        .subsequent_indent(subsequent)
        .break_words(true)
        .word_splitter(WordSplitter::NoHyphenation)
        .word_separator(WordSeparator::AsciiSpace)
        .wrap_algorithm(WrapAlgorithm::FirstFit)
}

/// Where the line's last column starts: its display column and byte
/// offset, after the last run of two or more spaces past the indent.
fn last_column(line: &str, lead: usize) -> Option<(usize, usize)> {
    let gap = line[lead..].rfind("  ")? + lead;
    let at = gap + line[gap..].len() - line[gap..].trim_start_matches(' ').len();
    (at < line.len()).then(|| (display_width(&line[..at]), at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widest(text: &str) -> usize {
        text.lines().map(display_width).max().unwrap_or(0)
    }

    #[test]
    fn a_line_that_fits_is_left_alone() {
        let line = "  2:1     error  two  spaces   kept";
        assert!(matches!(wrap_line(line, 80), Cow::Borrowed(_)));
    }

    #[test]
    fn a_table_row_continues_under_its_last_column() {
        let line = format!("  status      string  required  {}", "word ".repeat(20));
        let wrapped = wrap_line(line.trim_end(), 60);
        assert!(widest(&wrapped) <= 60, "{wrapped}");
        let lines: Vec<&str> = wrapped.lines().collect();
        assert!(lines[0].starts_with("  status      string  required  word"));
        let column = lines[0].find("word").unwrap_or(0);
        for next in &lines[1..] {
            assert_eq!(next.len() - next.trim_start().len(), column, "{wrapped}");
        }
    }

    #[test]
    fn a_long_last_column_moves_to_its_own_line() {
        let line = "  salla/order.shipping.address.updated  schemas/salla/order.shipping.address.updated.schema.json";
        let wrapped = wrap_line(line, 80);
        assert_eq!(
            wrapped,
            "  salla/order.shipping.address.updated\n      schemas/salla/order.shipping.address.updated.schema.json"
        );
    }

    #[test]
    fn a_heading_breaks_after_its_name() {
        let line =
            "tests/fixtures/events/salla-order.craeted.json: salla/order.craeted invalid (1 error)";
        assert_eq!(
            wrap_line(line, 80),
            "tests/fixtures/events/salla-order.craeted.json:\n    salla/order.craeted invalid (1 error)"
        );
    }

    #[test]
    fn hyphens_are_not_places_to_break() {
        let line = format!(
            "  signature valid: {} X-Salla-Signature",
            "word ".repeat(11)
        );
        assert!(wrap_line(&line, 80).contains("X-Salla-Signature"));
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut_not_lost() {
        let word = "x".repeat(150);
        let wrapped = wrap_line(&word, 80);
        assert!(widest(&wrapped) <= 80);
        assert_eq!(wrapped.replace(['\n', ' '], ""), word);
    }

    #[test]
    fn colour_escapes_take_no_columns() {
        let line = format!("\u{1b}[1m{}\u{1b}[0m", "a".repeat(78));
        assert!(matches!(wrap_line(&line, 80), Cow::Borrowed(_)));
    }

    #[test]
    fn the_writer_wraps_complete_lines_and_passes_machine_output_through() {
        let long = format!("{}\n", "word ".repeat(30).trim_end());
        let mut out = Vec::new();
        {
            let mut wrap = Wrap::new(&mut out, Some(40));
            wrap.write_all(&long.as_bytes()[..20]).unwrap_or_default();
            wrap.write_all(&long.as_bytes()[20..]).unwrap_or_default();
        }
        let text = String::from_utf8_lossy(&out);
        assert!(widest(&text) <= 40, "{text}");
        assert_eq!(text.split_whitespace().count(), 30);
        let mut raw = Vec::new();
        Wrap::new(&mut raw, None)
            .write_all(long.as_bytes())
            .unwrap_or_default();
        assert_eq!(raw, long.as_bytes());
    }
}
