//! The locator: finds where the value at a JSON pointer starts in the
//! original text, so every problem can be reported with its line and column.
//!
//! It scans the text once along the pointer's path, skipping sibling values
//! without recursion (so deep nesting cannot overflow the stack) and without
//! building any tree. With duplicate keys the last one wins, as in the parsed
//! value. It only runs for payloads that have something to report.

use serde::Serialize;

/// A 1-based line and column; columns count characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// The byte offset in `text` where the value at `pointer` starts.
pub fn locate(text: &str, pointer: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = skip_ws(bytes, 0);
    if pointer.is_empty() {
        return Some(at);
    }
    let tokens = pointer.strip_prefix('/')?.split('/');
    for token in tokens {
        let token = token.replace("~1", "/").replace("~0", "~");
        at = match bytes.get(at)? {
            b'{' => member(text, at, &token)?,
            b'[' => element(bytes, at, token.parse().ok()?)?,
            _ => return None,
        };
    }
    Some(at)
}

/// The position of a byte offset.
pub fn position(text: &str, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

/// Converts a parser's line and byte column (serde_json counts bytes, and 0
/// at the start of a line) to a character column.
pub fn char_position(bytes: &[u8], line: usize, byte_column: usize) -> Position {
    let line_text = bytes
        .split(|b| *b == b'\n')
        .nth(line.saturating_sub(1))
        .unwrap_or_default();
    let prefix = &line_text[..byte_column.min(line_text.len())];
    let chars = String::from_utf8_lossy(prefix).chars().count();
    Position {
        line: line.max(1),
        column: chars.max(1),
    }
}

/// Inside the object starting at `open`, the start of the value of the last
/// member named `key`.
fn member(text: &str, open: usize, key: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = skip_ws(bytes, open + 1);
    let mut found = None;
    if bytes.get(at) == Some(&b'}') {
        return None;
    }
    loop {
        let key_end = skip_string(bytes, at)?;
        let name = text.get(at..key_end)?;
        at = skip_ws(bytes, key_end);
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        at = skip_ws(bytes, at + 1);
        if key_matches(name, key) {
            found = Some(at);
        }
        at = skip_ws(bytes, skip_value(bytes, at)?);
        match bytes.get(at) {
            Some(b',') => at = skip_ws(bytes, at + 1),
            _ => return found,
        }
    }
}

/// Inside the array starting at `open`, the start of element `index`.
fn element(bytes: &[u8], open: usize, index: usize) -> Option<usize> {
    let mut at = skip_ws(bytes, open + 1);
    if bytes.get(at) == Some(&b']') {
        return None;
    }
    for _ in 0..index {
        at = skip_ws(bytes, skip_value(bytes, at)?);
        if bytes.get(at) != Some(&b',') {
            return None;
        }
        at = skip_ws(bytes, at + 1);
    }
    Some(at)
}

/// Compares a raw quoted key with an unescaped pointer token.
fn key_matches(raw: &str, key: &str) -> bool {
    let inner = &raw[1..raw.len().saturating_sub(1).max(1)];
    if !inner.contains('\\') {
        return inner == key;
    }
    serde_json::from_str::<String>(raw).is_ok_and(|k| k == key)
}

fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    while bytes
        .get(at)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        at += 1;
    }
    at
}

/// The offset just past the string starting at `at`.
fn skip_string(bytes: &[u8], at: usize) -> Option<usize> {
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let mut i = at + 1;
    loop {
        match bytes.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
}

/// The offset just past the value starting at `at`, without recursion.
fn skip_value(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => skip_string(bytes, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = skip_string(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
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
    fn char_position_converts_byte_columns() {
        assert_eq!(
            char_position("{\"é\": x}".as_bytes(), 1, 8),
            Position { line: 1, column: 7 }
        );
    }
}
