//! The locator: finds where the value at a JSON pointer starts in the
//! original text, so every problem can be reported with its line and column.
//!
//! It walks the text along the pointer's path, skipping sibling values
//! without recursion (so deep nesting cannot overflow the stack) and without
//! building any tree. With duplicate keys the last one wins, as in the parsed
//! value. It only runs for payloads that have something to report.
//!
//! A payload with thousands of problems asks thousands of times, so an
//! [`Index`] remembers what it learnt: the children of every container it
//! looked into, and where lines start. Every lookup after the first costs
//! a few hash look-ups, not a scan of the text: a 10 MB payload with 20,000
//! errors is located in one pass, not 20,000.
//!
//! Everything here accepts any text, JSON or not, and any offset: the worst
//! answer is `None`, never a panic.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Mutex, OnceLock, PoisonError};

pub use crate::model::problem::Position;

/// The byte offset in `text` where the value at `pointer` starts.
pub fn locate(text: &str, pointer: &str) -> Option<usize> {
    Index::default().locate(text, pointer)
}

/// The position of a byte offset (offsets past the end count as the end).
pub fn position(text: &str, offset: usize) -> Position {
    Index::default().position(text, offset)
}

/// Converts a parser's line and byte column (serde_json counts bytes, and 0
/// at the start of a line) to a character column.
pub fn char_position(bytes: &[u8], line: usize, byte_column: usize) -> Position {
    let line_text = bytes
        .split(|b| *b == b'\n')
        .nth(line.saturating_sub(1))
        .unwrap_or_default();
    let prefix = &line_text[..byte_column.min(line_text.len())];
    Position {
        line: line.max(1),
        column: count_chars(prefix).max(1),
    }
}

/// What one text's lookups have learnt, shared by every lookup into that
/// text (the elements of a batch share one). Built lazily: nothing is
/// scanned until something asks. Always use it with the same text.
#[derive(Default)]
pub struct Index {
    /// The children of each container looked into, by the container's offset.
    containers: Mutex<HashMap<usize, Children>>,
    /// Line starts and character counts, built on the first position asked.
    lines: OnceLock<Lines>,
}

impl std::fmt::Debug for Index {
    /// How much it has learnt, not all of it: a payload's debug output
    /// should not dump a cache.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let containers = self
            .containers
            .lock()
            .map_or(0, |containers| containers.len());
        f.debug_struct("Index")
            .field("containers", &containers)
            .field("lines", &self.lines.get().map(|l| l.newlines.len() + 1))
            .finish()
    }
}

/// Where the values inside one container start.
enum Children {
    /// Member name (unescaped) → offset of its value; the last duplicate wins.
    Object(HashMap<String, usize>),
    /// Offset of each element.
    Array(Vec<usize>),
}

/// Bytes between two character-count checkpoints.
const CHECKPOINT: usize = 4096;

struct Lines {
    /// Offset of every `\n` (inputs are capped far below 4 GiB: 4 bytes
    /// a line, not 8, since a pretty-printed order has a line every 20).
    newlines: Vec<u32>,
    /// Characters before offset `i * CHECKPOINT`.
    chars: Vec<usize>,
}

impl Index {
    /// The byte offset in `text` where the value at `pointer` starts.
    pub fn locate(&self, text: &str, pointer: &str) -> Option<usize> {
        let bytes = text.as_bytes();
        let mut at = skip_ws(bytes, 0);
        if pointer.is_empty() {
            return (at < bytes.len()).then_some(at);
        }
        let mut containers = self
            .containers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for token in pointer.strip_prefix('/')?.split('/') {
            let children = match containers.entry(at) {
                std::collections::hash_map::Entry::Occupied(seen) => seen.into_mut(),
                std::collections::hash_map::Entry::Vacant(new) => new.insert(children(text, at)?),
            };
            at = match children {
                Children::Object(members) => *members.get(&unescape_token(token))?,
                Children::Array(elements) => *elements.get(array_index(token)?)?,
            };
        }
        Some(at)
    }

    /// The position of a byte offset in `text` (past the end counts as the
    /// end; inside a multi-byte character counts as that character).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let bytes = text.as_bytes();
        let mut offset = offset.min(bytes.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let lines = self.lines.get_or_init(|| Lines::new(bytes));
        let line = lines.newlines.partition_point(|nl| (*nl as usize) < offset);
        let line_start = match line {
            0 => 0,
            n => lines.newlines.get(n - 1).map_or(0, |nl| *nl as usize + 1),
        };
        let column = if offset - line_start <= CHECKPOINT {
            bytes.get(line_start..offset).map_or(0, count_chars)
        } else {
            lines.chars_before(bytes, offset) - lines.chars_before(bytes, line_start)
        };
        Position {
            line: line + 1,
            column: column + 1,
        }
    }
}

impl Lines {
    fn new(bytes: &[u8]) -> Self {
        // Counted first, so the table is allocated once at its size.
        let mut newlines = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count());
        newlines.extend(memchr::memchr_iter(b'\n', bytes).map_while(|i| u32::try_from(i).ok()));
        let mut chars = Vec::with_capacity(bytes.len() / CHECKPOINT + 1);
        let mut total = 0;
        for chunk in bytes.chunks(CHECKPOINT) {
            chars.push(total);
            total += count_chars(chunk);
        }
        chars.push(total);
        Lines { newlines, chars }
    }

    /// Characters that start before `offset` (at most the text's length).
    fn chars_before(&self, bytes: &[u8], offset: usize) -> usize {
        let checkpoint = offset / CHECKPOINT;
        let base = self.chars.get(checkpoint).copied().unwrap_or_default();
        let from = checkpoint * CHECKPOINT;
        base + bytes.get(from..offset).map_or(0, count_chars)
    }
}

/// Characters in UTF-8 bytes: every byte that is not a continuation byte.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count()
}

/// A pointer token with `~1` and `~0` decoded (RFC 6901, in that order).
fn unescape_token(token: &str) -> String {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~")
    } else {
        token.to_string()
    }
}

/// An array index token: `0` or digits without a leading zero (RFC 6901).
fn array_index(token: &str) -> Option<usize> {
    let digits = token.bytes().all(|b| b.is_ascii_digit());
    if !digits || token.is_empty() || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    token.parse().ok()
}

/// Scans the container starting at `open` once, recording where each child
/// starts. Stops quietly at the first thing that is not JSON.
fn children(text: &str, open: usize) -> Option<Children> {
    let bytes = text.as_bytes();
    match bytes.get(open)? {
        b'{' => {
            let mut members = HashMap::new();
            let mut at = skip_ws(bytes, open + 1);
            while let Some(key) = span_of_string(bytes, at) {
                at = skip_ws(bytes, key.end);
                if bytes.get(at) != Some(&b':') {
                    break;
                }
                at = skip_ws(bytes, at + 1);
                if let Some(name) = text.get(key).and_then(decode_key) {
                    members.insert(name, at);
                }
                match next_sibling(bytes, at) {
                    Some(next) => at = next,
                    None => break,
                }
            }
            Some(Children::Object(members))
        }
        b'[' => {
            let mut elements = Vec::new();
            let mut at = skip_ws(bytes, open + 1);
            while bytes.get(at).is_some_and(|b| *b != b']') {
                elements.push(at);
                match next_sibling(bytes, at) {
                    Some(next) => at = next,
                    None => break,
                }
            }
            Some(Children::Array(elements))
        }
        _ => None,
    }
}

/// After the value starting at `at`, the start of the next sibling, if a
/// comma follows.
fn next_sibling(bytes: &[u8], at: usize) -> Option<usize> {
    let after = skip_ws(bytes, value_end(bytes, at)?);
    (bytes.get(after) == Some(&b',')).then(|| skip_ws(bytes, after + 1))
}

/// A raw quoted key, unescaped; `None` when its escapes are broken.
pub(crate) fn decode_key(raw: &str) -> Option<String> {
    let inner = raw.get(1..raw.len().saturating_sub(1))?;
    if inner.contains('\\') {
        serde_json::from_str::<String>(raw).ok()
    } else {
        Some(inner.to_string())
    }
}

/// The offset of the first byte at or after `at` that is not JSON whitespace.
pub(crate) fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    while bytes
        .get(at)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        at += 1;
    }
    at
}

/// The bytes of the string starting at `at`, quotes included.
pub(crate) fn span_of_string(bytes: &[u8], at: usize) -> Option<Range<usize>> {
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let mut i = at + 1;
    loop {
        match bytes.get(i)? {
            b'"' => return Some(at..i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
}

/// The offset just past the value starting at `at`, without recursion.
pub(crate) fn value_end(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => span_of_string(bytes, at).map(|s| s.end),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = span_of_string(bytes, i)?.end;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = at;
            while bytes
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
            {
                i += 1;
            }
            (i > at).then_some(i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, pointer: &str) -> Option<(usize, usize)> {
        locate(text, pointer).map(|o| {
            let p = position(text, o);
            (p.line, p.column)
        })
    }

    const DOC: &str = "{\n  \"a\": {\"b\": [10, {\"c\": \"x\"}]},\n  \"a/b\": 1, \"m~n\": true,\n  \"é\": \"ü\", \"z\": null\n}";

    #[test]
    fn finds_nested_members_and_elements() {
        assert_eq!(at(DOC, ""), Some((1, 1)));
        assert_eq!(at(DOC, "/a"), Some((2, 8)));
        assert_eq!(at(DOC, "/a/b/0"), Some((2, 15)));
        assert_eq!(at(DOC, "/a/b/1/c"), Some((2, 25)));
        assert_eq!(at(DOC, "/a~1b"), Some((3, 10)));
        assert_eq!(at(DOC, "/m~0n"), Some((3, 20)));
    }

    #[test]
    fn counts_columns_in_characters() {
        assert_eq!(at(DOC, "/é"), Some((4, 8)));
        assert_eq!(at(DOC, "/z"), Some((4, 18)));
    }

    #[test]
    fn missing_paths_give_none() {
        assert_eq!(at(DOC, "/nope"), None);
        assert_eq!(at(DOC, "/a/b/7"), None);
        assert_eq!(at(DOC, "/a/b/x"), None);
        assert_eq!(at("{}", "/a"), None);
        assert_eq!(at("[1, 2]", "/01"), None);
        assert_eq!(at("[1, 2]", "/+1"), None);
        assert_eq!(at("[1, 2]", "/-"), None);
        assert_eq!(at("", ""), None);
        assert_eq!(at("  ", ""), None);
    }

    #[test]
    fn last_duplicate_key_wins_and_escaped_keys_match() {
        assert_eq!(at("{\"k\": 1, \"k\": 2}", "/k"), Some((1, 15)));
        assert_eq!(at("{\"\\u0061\": 1}", "/a"), Some((1, 12)));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!(
            "{{\"x\": {}1{}, \"y\": 2}}",
            "[".repeat(200_000),
            "]".repeat(200_000)
        );
        assert_eq!(at(&deep, "/y"), Some((1, 400_015)));
    }

    #[test]
    fn an_index_answers_many_lookups_from_one_scan() {
        let items: Vec<String> = (0..20_000).map(|i| format!("{{\"id\": {i}}}")).collect();
        let text = format!("{{\"items\": [\n{}\n]}}", items.join(",\n"));
        let index = Index::default();
        for i in (0..20_000).rev() {
            let offset = index.locate(&text, &format!("/items/{i}/id"));
            let p = offset.map(|o| index.position(&text, o));
            assert_eq!(
                p,
                Some(Position {
                    line: i + 2,
                    column: 8
                })
            );
        }
    }

    #[test]
    fn positions_cross_checkpoints_and_ignore_partial_characters() {
        let text = format!("{}\n{}x", "é".repeat(3000), "ü".repeat(5000));
        let x = text.len() - 1;
        assert_eq!(
            position(&text, x),
            Position {
                line: 2,
                column: 5001
            }
        );
        assert_eq!(
            position(&text, usize::MAX),
            Position {
                line: 2,
                column: 5002
            }
        );
        // Inside the second byte of the first "é": still that character.
        assert_eq!(position(&text, 1), Position { line: 1, column: 1 });
    }

    #[test]
    fn anything_that_is_not_json_gives_none_not_a_panic() {
        for text in [
            "{", "[", "{\"a\"", "{\"a\":", "{\"a\\", "[1,", "{]", "}{", "\"\\",
        ] {
            for pointer in ["", "/a", "/0", "/a/0", "/"] {
                let _ = at(text, pointer);
            }
        }
    }

    #[test]
    fn char_position_converts_byte_columns() {
        assert_eq!(
            char_position("{\"é\": x}".as_bytes(), 1, 8),
            Position { line: 1, column: 7 }
        );
        assert_eq!(
            char_position(b"ab", usize::MAX, usize::MAX),
            Position {
                line: usize::MAX,
                column: 1
            }
        );
    }
}
