//! Payloads: turns the bytes of one source into the webhook bodies it holds.
//!
//! A JSON document is one payload; a top-level array of objects (a Logitrail
//! batch, or any list of bodies) is one payload per element, named
//! `source#/N`. Malformed JSON becomes a [`SyntaxError`] with the line and
//! column where parsing stopped. Each payload keeps the text it came from so
//! that problems can be located in the user's input. Nothing here prints.

use crate::capture::{self, Body, Broken};
use crate::input::Source;
use crate::locate::{self, Position};
use serde_json::Value;
use std::sync::Arc;

/// One webhook body and where it came from.
#[derive(Debug, Clone)]
pub struct Payload {
    /// How the user sees it: `path`, `path#/2` for a batch element, `-` for stdin.
    pub source: String,
    /// The whole text of the document the body is part of.
    pub text: Arc<str>,
    /// The pointer of this body inside `text` (empty, or `/N` for a batch element).
    pub prefix: String,
    /// The parsed body.
    pub value: Value,
    /// The captured request's headers (empty for a bare body).
    pub headers: Arc<[(String, String)]>,
    /// Where `text` starts in the input, so positions are the input's own;
    /// `None` when the body is not literally in the input (HAR base64).
    pub origin: Option<Position>,
    /// A remark about the capture (e.g. a Content-Length mismatch).
    pub capture_note: Option<String>,
}

impl Payload {
    /// Line and column, in the input, of the value at `pointer` inside this body.
    pub fn position(&self, pointer: &str) -> Option<Position> {
        let full = format!("{}{}", self.prefix, pointer);
        locate::locate(&self.text, &full)
            .map(|offset| shift(locate::position(&self.text, offset), self.origin))
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

/// A source that is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The source's name.
    pub source: String,
    /// What the parser found, without its position.
    pub message: String,
    /// Where parsing stopped (1-based, in characters).
    pub position: Position,
}

/// What one source yields.
#[derive(Debug)]
pub enum Parsed {
    /// A body to detect and validate.
    Payload(Payload),
    /// The source could not be parsed.
    Syntax(SyntaxError),
}

/// Parses a source that is a plain JSON body into its payloads.
pub fn parse(source: Source) -> Vec<Parsed> {
    parse_body(capture::plain(&source.name, source.bytes))
}

/// A capture that yielded no body becomes an unparseable input.
pub fn broken(broken: Broken) -> Parsed {
    Parsed::Syntax(SyntaxError {
        source: broken.source,
        message: broken.message,
        position: Position { line: 1, column: 1 },
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
    } = body;
    let headers: Arc<[(String, String)]> = headers.into();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if let Some(message) = not_json_text(bytes) {
        return vec![Parsed::Syntax(SyntaxError {
            source: name,
            message: message.into(),
            position: shift(Position { line: 1, column: 1 }, origin),
        })];
    }
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(err) => {
            let mut error = syntax_error(name, bytes, &err);
            error.position = shift(error.position, origin);
            return vec![Parsed::Syntax(error)];
        }
    };
    // serde_json accepted it, so it is UTF-8 throughout: the strict check
    // (with its ASCII fast path) always succeeds, the lossy one is a fallback.
    let text: Arc<str> = match std::str::from_utf8(bytes) {
        Ok(text) => text.into(),
        Err(_) => String::from_utf8_lossy(bytes).into(),
    };
    match value {
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => items
            .into_iter()
            .enumerate()
            .map(|(i, value)| {
                Parsed::Payload(Payload {
                    source: format!("{name}#/{i}"),
                    text: Arc::clone(&text),
                    prefix: format!("/{i}"),
                    value,
                    headers: Arc::clone(&headers),
                    origin,
                    capture_note: note.clone(),
                })
            })
            .collect(),
        value => vec![Parsed::Payload(Payload {
            source: name,
            text,
            prefix: String::new(),
            value,
            headers,
            origin,
            capture_note: note,
        })],
    }
}

/// Inputs that are not JSON text at all, told before parsing so the message
/// says what they are.
fn not_json_text(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Some(
            "the input is UTF-16 text; convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)",
        );
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Some("the input is empty: expected a JSON webhook body");
    }
    None
}

fn syntax_error(source: String, bytes: &[u8], err: &serde_json::Error) -> SyntaxError {
    let full = err.to_string();
    let message = match full.rfind(" at line ") {
        Some(at) => full[..at].to_string(),
        None => full,
    };
    SyntaxError {
        source,
        message,
        position: locate::char_position(bytes, err.line(), err.column()),
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
