//! Duplicate object keys: serde_json keeps the last value of a repeated key
//! and says nothing, so a payload whose `status` appears twice is checked
//! with whichever came last. This module finds such keys in the text and
//! says which value counts. It never prints and never fails: text it cannot
//! follow yields no findings.
//!
//! It runs on every payload, so it first asks the parsed document, which
//! noted while parsing whether any object repeats a key, and walks the text
//! with a key table per object only when one does. The walk keeps its own stack, so nesting depth
//! cannot overflow the thread's.

use crate::ingest::locate::{self, Position};
use crate::ingest::payload::Payload;
use std::collections::HashMap;

/// One occurrence of a key that a later occurrence in the same object
/// overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// JSON pointer of the object member, inside the payload (`/data/status`).
    pub pointer: String,
    /// Where this (overridden) occurrence of the key is in the input.
    pub position: Position,
    /// `duplicate key "status": the last value (line 12) counts`.
    pub message: String,
}

/// Every overridden occurrence of a repeated key in `payload`, in text
/// order; empty (and cheap) when no object repeats a key.
pub fn find(payload: &Payload) -> Vec<Duplicate> {
    if !payload.doc.has_duplicate_keys() {
        return Vec::new();
    }
    let Some(start) = payload.offset("") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (pointer, occurrences) in walk(payload.text(), start).unwrap_or_default() {
        let Some((last, earlier)) = occurrences.split_last() else {
            continue;
        };
        let line = payload.at(last.value_at).line;
        let name = serde_json::to_string(&last.name).unwrap_or_default();
        for occurrence in earlier {
            found.push(Duplicate {
                pointer: pointer.clone(),
                position: payload.at(occurrence.key_at),
                message: format!("duplicate key {name}: the last value (line {line}) counts"),
            });
        }
    }
    found.sort_by_key(|d| d.position);
    found
}

/// One occurrence of a key.
#[derive(Debug)]
struct Occurrence {
    name: String,
    key_at: usize,
    value_at: usize,
}

/// An open container during the walk.
enum Frame {
    /// The keys seen so far, in first-seen order, and the member being read.
    Object {
        keys: HashMap<String, usize>,
        occurrences: Vec<Vec<Occurrence>>,
        current: String,
    },
    /// The index of the element being read.
    Array(usize),
}

/// Walks the value starting at `start`; for every object member whose key
/// occurs more than once, its pointer and all its occurrences.
fn walk(text: &str, start: usize) -> Option<Vec<(String, Vec<Occurrence>)>> {
    let bytes = text.as_bytes();
    let mut repeated = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut at = start;
    loop {
        // `at` is the start of a value.
        match bytes.get(at)? {
            b'{' | b'[' => {
                let object = bytes.get(at) == Some(&b'{');
                let inside = locate::skip_ws(bytes, at + 1);
                if matches!(bytes.get(inside), Some(b'}' | b']')) {
                    at = inside + 1;
                } else if object {
                    stack.push(Frame::Object {
                        keys: HashMap::new(),
                        occurrences: Vec::new(),
                        current: String::new(),
                    });
                    at = member(text, inside, stack.last_mut()?)?;
                    continue;
                } else {
                    stack.push(Frame::Array(0));
                    at = inside;
                    continue;
                }
            }
            _ => at = locate::value_end(bytes, at)?,
        }
        // After a value: the next sibling, or the end of containers.
        loop {
            at = locate::skip_ws(bytes, at);
            let top = match stack.last_mut() {
                Some(top) => top,
                None => return Some(repeated),
            };
            match (bytes.get(at)?, top) {
                (b',', Frame::Array(index)) => {
                    *index += 1;
                    at = locate::skip_ws(bytes, at + 1);
                    break;
                }
                (b',', frame @ Frame::Object { .. }) => {
                    at = member(text, locate::skip_ws(bytes, at + 1), frame)?;
                    break;
                }
                (b'}' | b']', _) => {
                    if let Some(Frame::Object { occurrences, .. }) = stack.pop() {
                        let prefix = pointer_of(&stack);
                        for list in occurrences.into_iter().filter(|l| l.len() > 1) {
                            let key = list.first().map(|o| escape(&o.name)).unwrap_or_default();
                            repeated.push((format!("{prefix}/{key}"), list));
                        }
                    }
                    at += 1;
                }
                _ => return None,
            }
        }
    }
}

/// Reads the member whose key starts at `at` into `frame`; returns where
/// its value starts.
fn member(text: &str, at: usize, frame: &mut Frame) -> Option<usize> {
    let bytes = text.as_bytes();
    let key = locate::span_of_string(bytes, at)?;
    let name = locate::decode_key(text.get(key.clone())?)?;
    let colon = locate::skip_ws(bytes, key.end);
    if bytes.get(colon) != Some(&b':') {
        return None;
    }
    let value_at = locate::skip_ws(bytes, colon + 1);
    let Frame::Object {
        keys,
        occurrences,
        current,
    } = frame
    else {
        return None;
    };
    let slot = *keys.entry(name.clone()).or_insert(occurrences.len());
    if slot == occurrences.len() {
        occurrences.push(Vec::new());
    }
    occurrences.get_mut(slot)?.push(Occurrence {
        name: name.clone(),
        key_at: key.start,
        value_at,
    });
    *current = name;
    Some(value_at)
}

/// The pointer of the innermost open container.
fn pointer_of(stack: &[Frame]) -> String {
    let mut pointer = String::new();
    // The outermost frame is the body itself; each frame names the member
    // or element being read in it.
    for frame in stack {
        pointer.push('/');
        match frame {
            Frame::Object { current, .. } => pointer.push_str(&escape(current)),
            Frame::Array(index) => pointer.push_str(&index.to_string()),
        }
    }
    pointer
}

/// A key as a pointer token (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::input::Source;
    use crate::ingest::payload::{Parsed, parse};

    fn duplicates(text: &str) -> Vec<(String, usize, usize, String)> {
        parse(Source {
            name: "t".into(),
            bytes: text.as_bytes().to_vec(),
        })
        .iter()
        .flat_map(|parsed| match parsed {
            Parsed::Payload(p) => find(p),
            Parsed::Syntax(_) => Vec::new(),
        })
        .map(|d| (d.pointer, d.position.line, d.position.column, d.message))
        .collect()
    }

    #[test]
    fn no_duplicates_no_findings() {
        assert!(duplicates(r#"{"a": {"b": 1}, "c": [{"b": 2}], "d": "x:y"}"#).is_empty());
        assert!(duplicates(r#"{"a": "\":\""}"#).is_empty());
        assert!(duplicates("[]").is_empty());
    }

    #[test]
    fn nested_duplicates_point_at_the_overridden_key() {
        let text = "{\n  \"data\": {\n    \"status\": \"a\",\n    \"x\": [{}],\n    \"status\": \"b\"\n  }\n}";
        assert_eq!(
            duplicates(text),
            vec![(
                "/data/status".to_string(),
                3,
                5,
                "duplicate key \"status\": the last value (line 5) counts".to_string()
            )]
        );
    }

    #[test]
    fn every_overridden_occurrence_in_arrays_and_batches() {
        let found = duplicates("[{\"a\": [{\"k~/\": 1, \"k~/\": 2, \"k~/\": 3}]}, {\"b\": 1}]");
        let pointers: Vec<&str> = found.iter().map(|d| d.0.as_str()).collect();
        assert_eq!(pointers, vec!["/a/0/k~0~1", "/a/0/k~0~1"]);
        let escaped = duplicates(r#"{"a": 1, "\u0061": 2}"#);
        assert_eq!(escaped.len(), 1);
        assert_eq!(escaped[0].0, "/a");
    }

    #[test]
    fn deep_nesting_within_the_parser_limit() {
        let deep = format!(
            "{}{{\"k\": 1, \"k\": 2}}{}",
            "[".repeat(120),
            "]".repeat(120)
        );
        let found = duplicates(&deep);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, format!("{}/k", "/0".repeat(120)));
    }
}
