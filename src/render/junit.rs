//! `--format junit`: a JUnit XML report, the test-result format CI servers
//! ingest (Jenkins, GitLab, Azure Pipelines, CircleCI).
//!
//! One `<testsuite name="whi validate">`; one `<testcase>` per payload,
//! named by its source, classed by `provider.event`. Invalid, unparseable and
//! unrecognised payloads carry a `<failure>` listing every error (the first
//! N and `… 12 more errors` under `--max-errors N`); payloads
//! without a bundled schema are `<skipped/>`; warnings and notes go to
//! `<system-out>`; an unreadable input is a testcase with an `<error>` (and
//! the usual stderr diagnostic). The suite's counts come first in the
//! document, so records are buffered and the document is written by
//! `finish`. quick-xml escapes; characters XML 1.0 cannot carry at all are
//! replaced. Never coloured.

use super::common::{capped, kind, more_errors, plural, problem_line, status_word};
use super::{Palette, Render, write_input_error, write_note};
use crate::check::record::{Record, Status, Tally};
use crate::ingest::input::{InputError, Note};
use quick_xml::Writer;
use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

/// The default suite name, after the command that made it.
const SUITE: &str = "whi validate";

/// One testcase, in input order.
enum Case {
    Payload(Box<Record>),
    Input(InputError),
}

/// The JUnit renderer.
pub struct Junit<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    suite: &'static str,
    cases: Vec<Case>,
    max_errors: Option<usize>,
}

impl<'a> Junit<'a> {
    /// A renderer writing the report to `out` and diagnostics to `err`.
    pub fn new(out: &'a mut dyn Write, err: &'a mut dyn Write) -> Self {
        Junit {
            out,
            err,
            suite: SUITE,
            cases: Vec::new(),
            max_errors: None,
        }
    }

    /// Lists at most `max` errors per failure (`--max-errors`).
    pub fn max_errors(mut self, max: Option<usize>) -> Self {
        self.max_errors = max;
        self
    }

    /// Names the suite after another command (`whi inspect`).
    pub fn suite(mut self, name: &'static str) -> Self {
        self.suite = name;
        self
    }
}

impl Render for Junit<'_> {
    fn record(&mut self, record: &Record) -> io::Result<()> {
        self.cases.push(Case::Payload(Box::new(record.clone())));
        Ok(())
    }

    fn note(&mut self, note: &Note) -> io::Result<()> {
        write_note(self.err, &Palette::default(), note)
    }

    fn input_error(&mut self, error: &InputError) -> io::Result<()> {
        self.cases.push(Case::Input(error.clone()));
        write_input_error(self.err, &Palette::default(), error)
    }

    fn finish(&mut self, tally: &Tally) -> io::Result<()> {
        let mut xml = Writer::new_with_indent(&mut *self.out, b' ', 2);
        write_document(&mut xml, self.suite, tally, &self.cases, self.max_errors)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

fn write_document<W: Write>(
    xml: &mut Writer<W>,
    suite: &str,
    tally: &Tally,
    cases: &[Case],
    max_errors: Option<usize>,
) -> io::Result<()> {
    let tests = (tally.payloads + tally.input_errors).to_string();
    let failures = (tally.invalid + tally.unparseable + tally.unrecognised).to_string();
    let errors = tally.input_errors.to_string();
    let skipped = tally.unchecked.to_string();
    let counts = [
        ("tests", tests.as_str()),
        ("failures", failures.as_str()),
        ("errors", errors.as_str()),
        ("skipped", skipped.as_str()),
    ];
    xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    xml.create_element("testsuites")
        .with_attribute(("name", "whi"))
        .with_attributes(counts)
        .write_inner_content(|xml| {
            xml.create_element("testsuite")
                .with_attribute(("name", xml_safe(suite).as_ref()))
                .with_attributes(counts)
                .write_inner_content(|xml| {
                    for case in cases {
                        match case {
                            Case::Payload(record) => payload_case(xml, record, max_errors)?,
                            Case::Input(error) => input_case(xml, error)?,
                        }
                    }
                    Ok(())
                })?;
            Ok(())
        })?;
    Ok(())
}

fn payload_case<W: Write>(
    xml: &mut Writer<W>,
    record: &Record,
    max_errors: Option<usize>,
) -> io::Result<()> {
    let name = xml_safe(&record.source);
    let classname = xml_safe_owned(kind(record, "."));
    let element = xml
        .create_element("testcase")
        .with_attribute(("name", name.as_ref()))
        .with_attribute(("classname", classname.as_str()));
    let failed = record.status.is_failure();
    let skipped = record.status == Status::Unchecked;
    let output = system_out(record);
    if !failed && !skipped && output.is_empty() {
        element.write_empty()?;
        return Ok(());
    }
    element.write_inner_content(|xml| {
        if failed {
            let message = plural(record.error_count(), "error");
            let kind = record
                .errors
                .first()
                .map_or(status_word(record.status), |p| p.kind.keyword());
            let (shown, hidden) = capped(record, max_errors);
            let mut lines: Vec<String> = shown.iter().map(problem_line).collect();
            if hidden > 0 {
                lines.push(more_errors(hidden));
            }
            if let Some(target) = &record.explain {
                lines.push(format!("see: whi explain {target}"));
            }
            xml.create_element("failure")
                .with_attribute(("message", message.as_str()))
                .with_attribute(("type", xml_safe(kind).as_ref()))
                .write_text_content(text(&lines.join("\n")))?;
        }
        if skipped {
            let why = record.note.as_deref().unwrap_or("no bundled schema");
            xml.create_element("skipped")
                .with_attribute(("message", xml_safe(why).as_ref()))
                .write_empty()?;
        }
        if !output.is_empty() {
            xml.create_element("system-out")
                .write_text_content(text(&output))?;
        }
        Ok(())
    })?;
    Ok(())
}

/// Warnings and the note, one per line.
fn system_out(record: &Record) -> String {
    let mut lines: Vec<String> = record
        .warnings
        .iter()
        .map(|p| format!("warning {}", problem_line(p)))
        .collect();
    if let Some(note) = &record.note
        && record.status != Status::Unchecked
    {
        lines.push(format!("note: {note}"));
    }
    lines.join("\n")
}

fn input_case<W: Write>(xml: &mut Writer<W>, error: &InputError) -> io::Result<()> {
    xml.create_element("testcase")
        .with_attribute(("name", xml_safe(&error.input).as_ref()))
        .with_attribute(("classname", "input"))
        .write_inner_content(|xml| {
            xml.create_element("error")
                .with_attribute(("message", xml_safe(&error.message).as_ref()))
                .with_attribute(("type", "input"))
                .write_text_content(text(&format!("{}: {}", error.input, error.message)))?;
            Ok(())
        })?;
    Ok(())
}

/// Element text, escaping only what text content needs (`<`, `>`, `&`,
/// CR): quotes stay readable.
fn text(content: &str) -> BytesText<'static> {
    BytesText::from_escaped(partial_escape(xml_safe(content).into_owned()).into_owned())
}

/// Whether XML 1.0 can carry `c` at all, even escaped.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` with the characters XML 1.0 forbids (most C0 controls, U+FFFE,
/// U+FFFF) written out as escapes the way human output shows them (`\x1b`,
/// `\u{ffff}`), so a stray control character in a key or file name cannot
/// make the whole report unreadable, and the reader still sees what it was.
fn xml_safe(text: &str) -> Cow<'_, str> {
    if text.chars().all(xml_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if xml_char(c) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

fn xml_safe_owned(text: String) -> String {
    match xml_safe(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(safe) => safe,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_xml_cannot_carry_are_shown_escaped() {
        assert_eq!(xml_safe("a\tb\nc"), "a\tb\nc");
        assert_eq!(xml_safe("a\u{1}b\u{FFFF}"), "a\\x01b\\u{ffff}");
        assert_eq!(xml_safe("ü😀"), "ü😀");
    }

    #[test]
    fn the_suite_is_named_after_the_command() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut junit = Junit::new(&mut out, &mut err).suite("whi inspect");
        assert!(junit.finish(&Tally::default()).is_ok());
        let text = String::from_utf8_lossy(&out);
        assert!(
            text.contains(r#"<testsuite name="whi inspect" tests="0""#),
            "{text}"
        );
    }
}
