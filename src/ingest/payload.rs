//! Payloads: turns the bytes of one source into the webhook bodies it holds.
//!
//! A JSON document is one payload; a top-level array of objects (a Logitrail
//! batch, or any list of bodies) is one payload per element, named
//! `source#/N`. Malformed JSON becomes a [`SyntaxError`] with the line and
//! column where parsing stopped, and a message that says what the input is
//! when it is not JSON text at all (empty, UTF-16, not UTF-8, binary, nested
//! too deeply). Each payload keeps the text it came from so that problems
//! can be located in the user's input. Nothing here prints.

use crate::ingest::capture::{self, Body, Broken, Entry};
use crate::ingest::input::Source;
use crate::ingest::locate::{self, Index, Position};
use crate::model::doc::{Doc, Kind, Node};
use crate::model::problem::ProblemKind;
use std::sync::Arc;

/// One webhook body and where it came from.
#[derive(Debug, Clone)]
pub struct Payload {
    /// How the user sees it: `path`, `path#/2` for a batch element, `-` for stdin.
    pub source: String,
    /// The parsed document the body is part of (shared by a batch).
    pub doc: Arc<Doc>,
    /// The body's number in `doc` (0, or an element's for a batch).
    pub node: u32,
    /// The captured request's headers (empty for a bare body).
    pub headers: Arc<[(String, String)]>,
    /// Where `text` starts in the input, so positions are the input's own;
    /// `None` when the body is not literally in the input (HAR base64).
    pub origin: Option<Position>,
    /// A remark about the capture (e.g. a Content-Length mismatch).
    pub capture_note: Option<String>,
    /// The codings undone when the body was sent compressed (`gzip`);
    /// `text` is then the decoded body, and positions are its own.
    pub decoded_from: Option<String>,
    /// Whether the body began with a UTF-8 byte order mark, which `text`
    /// leaves out: signatures are computed over the raw bytes, BOM included.
    pub bom: bool,
    /// What locating problems in `text` has learnt so far, shared by every
    /// payload of the same text so that many problems cost one scan.
    pub index: Arc<Index>,
    /// The HAR entry the body is the request body of.
    pub entry: Option<Arc<Entry>>,
}

impl Payload {
    /// The whole text of the document the body is part of.
    pub fn text(&self) -> &str {
        self.doc.text()
    }

    /// The parsed body.
    pub fn body(&self) -> Node<'_> {
        self.doc.node(self.node).unwrap_or_else(|| self.doc.root())
    }

    /// The body's bytes as received, which is what a provider signs: `text`
    /// with the byte order mark put back if the body had one.
    pub fn raw(&self) -> std::borrow::Cow<'_, [u8]> {
        if self.bom {
            std::borrow::Cow::Owned([&b"\xEF\xBB\xBF"[..], self.text().as_bytes()].concat())
        } else {
            std::borrow::Cow::Borrowed(self.text().as_bytes())
        }
    }

    /// Line and column, in the input, of the value at `pointer` inside this body.
    pub fn position(&self, pointer: &str) -> Option<Position> {
        self.offset(pointer).map(|offset| self.at(offset))
    }

    /// Line and column, in the input, of a byte offset in `text`.
    pub fn at(&self, offset: usize) -> Position {
        shift(self.index.position(self.text(), offset), self.origin)
    }

    /// Byte offset in `text` of the value at `pointer` inside this body.
    pub fn offset(&self, pointer: &str) -> Option<usize> {
        self.body().pointer(pointer).map(Node::start)
    }
}

/// Moves a position inside a body to the input, given where the body starts.
fn shift(at: Position, origin: Option<Position>) -> Position {
    match origin {
        Some(o) if at.line == 1 => Position {
            line: o.line,
            column: o.column + at.column - 1,
        },
        Some(o) => Position {
            line: o.line + at.line - 1,
            column: at.column,
        },
        None => at,
    }
}

/// A source that is not JSON, or a capture that holds no usable body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The source's name.
    pub source: String,
    /// `syntax` for malformed JSON, `capture` for a request without a usable body.
    pub kind: ProblemKind,
    /// What the parser found, without its position.
    pub message: String,
    /// Where parsing stopped (1-based, in characters).
    pub position: Position,
    /// The codings undone when the body was sent compressed: `position`
    /// is then in the decoded body.
    pub decoded_from: Option<String>,
    /// A remark about the capture (e.g. a Content-Length mismatch), which
    /// often says why the body does not parse.
    pub capture_note: Option<String>,
    /// The HAR entry the body is the request body of.
    pub entry: Option<Arc<Entry>>,
}

/// What one source yields.
#[derive(Debug)]
pub enum Parsed {
    /// A body to detect and validate.
    Payload(Payload),
    /// The source could not be parsed.
    Syntax(SyntaxError),
}

/// How deep serde_json lets a document nest before it stops parsing (its
/// default recursion limit), quoted in the message that says so.
const NESTING_LIMIT: usize = 128;

/// Parses a source that is a plain JSON body into its payloads.
pub fn parse(source: Source) -> Vec<Parsed> {
    parse_body(capture::plain(&source.name, source.bytes))
}

/// A capture that yielded no body becomes an unparseable input.
pub fn broken(broken: Broken) -> Parsed {
    Parsed::Syntax(SyntaxError {
        source: broken.source,
        kind: ProblemKind::Capture,
        message: broken.message,
        position: Position { line: 1, column: 1 },
        decoded_from: None,
        capture_note: None,
        entry: None,
    })
}

/// Parses one captured body into its payloads.
pub fn parse_body(body: Body) -> Vec<Parsed> {
    let Body {
        source: name,
        bytes,
        headers,
        origin,
        note,
        decoded_from,
        entry,
    } = body;
    let headers: Arc<[(String, String)]> = headers.into();
    let mut owned = bytes;
    let bom = owned.starts_with(b"\xEF\xBB\xBF");
    let bytes = owned.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&owned);
    match decode(bytes) {
        Ok(_) => {}
        Err((message, position)) => {
            return vec![Parsed::Syntax(SyntaxError {
                source: name,
                kind: ProblemKind::Syntax,
                message,
                position: shift(position, origin),
                decoded_from,
                capture_note: note,
                entry,
            })];
        }
    };
    // The text is kept (problems are located in it): the bytes themselves
    // become it, moved and not copied, so the input is held once.
    if bom {
        owned.drain(..3);
    }
    let text = Arc::new(String::from_utf8(owned).unwrap_or_else(|err| {
        // `decode` found it UTF-8; should that ever disagree, the text
        // is still shown rather than lost.
        String::from_utf8_lossy(err.as_bytes()).into_owned()
    }));
    let doc = match Doc::parse(Arc::clone(&text)) {
        Ok(doc) => Arc::new(doc),
        Err(err) => {
            let mut error = syntax_error(name, text.as_bytes(), &err);
            error.position = shift(error.position, origin);
            error.decoded_from = decoded_from;
            error.capture_note = note;
            error.entry = entry;
            return vec![Parsed::Syntax(error)];
        }
    };
    let index = Arc::new(Index::default());
    let root = doc.root();
    match root.kind() {
        Kind::Array if !root.is_empty() && root.elements().all(Node::is_object) => root
            .elements()
            .enumerate()
            .map(|(i, element)| {
                Parsed::Payload(Payload {
                    source: format!("{name}#/{i}"),
                    doc: Arc::clone(&doc),
                    node: element.index(),
                    headers: Arc::clone(&headers),
                    origin,
                    capture_note: note.clone(),
                    decoded_from: decoded_from.clone(),
                    bom,
                    index: Arc::clone(&index),
                    entry: entry.clone(),
                })
            })
            .collect(),
        _ => vec![Parsed::Payload(Payload {
            source: name,
            node: 0,
            doc: Arc::clone(&doc),
            headers,
            origin,
            capture_note: note,
            decoded_from,
            bom,
            index,
            entry,
        })],
    }
}

/// The bytes as text, or why they are not JSON text at all, told before
/// parsing so the message says what they are.
fn decode(bytes: &[u8]) -> Result<&str, (String, Position)> {
    const START: Position = Position { line: 1, column: 1 };
    if bytes.starts_with(b"\x00\x00\xFE\xFF") || bytes.starts_with(b"\xFF\xFE\x00\x00") {
        return Err((
            "the input is UTF-32 text; convert it to UTF-8 (e.g. iconv -f UTF-32 -t UTF-8)".into(),
            START,
        ));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") || looks_utf16(bytes) {
        return Err((
            "the input is UTF-16 text; convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)".into(),
            START,
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err((
            "the input is empty: expected a JSON webhook body".into(),
            START,
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let at = err.valid_up_to();
            let byte = bytes.get(at).copied().unwrap_or_default();
            let what = if looks_binary(bytes) {
                "the input is binary data, not JSON text".to_string()
            } else {
                format!(
                    "the input is not UTF-8 text: invalid byte 0x{byte:02X}; convert it to UTF-8"
                )
            };
            return Err((what, offset_position(bytes, at)));
        }
    };
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err((
            "the input holds a NUL byte: it is binary data, not JSON text".into(),
            offset_position(bytes, at),
        ));
    }
    Ok(text)
}

/// UTF-16 without a byte order mark: JSON starts with ASCII, so one of the
/// first two bytes is NUL.
fn looks_utf16(bytes: &[u8]) -> bool {
    match bytes {
        [a, 0, b, 0, ..] | [0, a, 0, b, ..] => a.is_ascii() && b.is_ascii() && *a != 0 && *b != 0,
        _ => false,
    }
}

/// Control characters other than whitespace in the first kilobyte: text
/// in a legacy encoding has none, binary data nearly always has some.
fn looks_binary(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .take(1024)
        .any(|b| (*b < 0x20 && !b.is_ascii_whitespace()) || *b == 0x7F)
}

/// Line and column of a byte offset in bytes that may not be UTF-8.
fn offset_position(bytes: &[u8], offset: usize) -> Position {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Position { line, column }
}

fn syntax_error(source: String, bytes: &[u8], err: &serde_json::Error) -> SyntaxError {
    let full = err.to_string();
    let mut message = match full.rfind(" at line ") {
        Some(at) => full[..at].to_string(),
        None => full,
    };
    if message == "recursion limit exceeded" {
        message =
            format!("nested more than {NESTING_LIMIT} levels deep (recursion limit exceeded)");
    }
    SyntaxError {
        source,
        kind: ProblemKind::Syntax,
        message,
        position: locate::char_position(bytes, err.line(), err.column()),
        decoded_from: None,
        capture_note: None,
        entry: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Vec<Parsed> {
        parse(Source {
            name: "t.json".into(),
            bytes: text.as_bytes().to_vec(),
        })
    }

    #[test]
    fn arrays_of_objects_are_split_with_numbered_sources() {
        let parsed = parse_str("[{\"a\": 1},\n {\"b\": 2}]");
        let sources: Vec<_> = parsed
            .iter()
            .filter_map(|p| match p {
                Parsed::Payload(p) => Some(p.source.clone()),
                Parsed::Syntax(_) => None,
            })
            .collect();
        assert_eq!(sources, vec!["t.json#/0", "t.json#/1"]);
        let Some(Parsed::Payload(second)) = parsed.get(1) else {
            panic!("no second payload")
        };
        assert_eq!(second.position("/b"), Some(Position { line: 2, column: 8 }));
    }

    #[test]
    fn arrays_of_scalars_stay_one_payload() {
        assert_eq!(parse_str("[1, 2]").len(), 1);
        assert_eq!(parse_str("[]").len(), 1);
    }

    #[test]
    fn syntax_errors_carry_position_and_clean_message() {
        let parsed = parse_str("{\n  \"a\": 1,\n}");
        let Some(Parsed::Syntax(err)) = parsed.first() else {
            panic!("expected a syntax error")
        };
        assert_eq!(err.message, "trailing comma");
        assert_eq!(err.position, Position { line: 3, column: 1 });
    }

    #[test]
    fn bom_is_accepted_and_empty_or_utf16_explained() {
        assert!(matches!(
            parse_str("\u{feff}{}").first(),
            Some(Parsed::Payload(_))
        ));
        let Some(Parsed::Syntax(err)) = parse_str(" \n").into_iter().next() else {
            panic!("expected a syntax error")
        };
        assert!(err.message.contains("empty"));
        let utf16 = parse(Source {
            name: "u".into(),
            bytes: vec![0xFF, 0xFE, b'{', 0, b'}', 0],
        });
        assert!(matches!(utf16.first(), Some(Parsed::Syntax(e)) if e.message.contains("UTF-16")));
    }
}
