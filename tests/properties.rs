//! Property tests of the locator: for arbitrary JSON documents (nested
//! objects and arrays, strings with escapes and non-ASCII text, numbers of
//! every shape, repeated keys) in arbitrary formatting (compact, pretty,
//! random whitespace), every pointer of the parsed value is located at text
//! that parses back to the value at that pointer, at the line and column a
//! plain count gives; batch elements agree through `Payload`; and
//! `duplicates::find` reports exactly the overridden occurrences of
//! repeated keys.
//!
//! Case counts stay modest so `cargo test` stays fast.

use proptest::prelude::*;
use serde_json::Value;
use std::collections::HashMap;
use whi::check::duplicates;
use whi::ingest::input::Source;
use whi::ingest::locate::{self, Index, Position};
use whi::ingest::payload::{self, Parsed};

/// A JSON document as written, before formatting.
#[derive(Debug, Clone)]
enum Doc {
    Null,
    Bool(bool),
    /// The number's text, as it will appear.
    Number(String),
    /// The string's characters, and one escaping choice per character.
    Text(String, Vec<bool>),
    Array(Vec<Doc>),
    /// Members; keys may repeat, and then the last one counts.
    Object(Vec<((String, Vec<bool>), Doc)>),
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        (any::<i32>(), 0u32..1000).prop_map(|(i, f)| format!("{i}.{f:03}")),
        (-9i32..10, -400i32..400).prop_map(|(m, e)| format!("{m}e{e}")),
        (-9i32..10, 0u32..100, -30i32..30).prop_map(|(m, f, e)| format!("{m}.{f}E{e:+}")),
        Just("1180591620717411303424".to_string()),
        Just("-0".to_string()),
        Just("1e400".to_string()),
    ]
}

fn text() -> impl Strategy<Value = (String, Vec<bool>)> {
    let chars = prop_oneof![
        4 => proptest::char::range('a', 'z'),
        1 => Just('/'),
        1 => Just('~'),
        1 => Just('"'),
        1 => Just('\\'),
        1 => proptest::char::range('\u{0}', '\u{1f}'),
        1 => Just('é'),
        1 => Just('€'),
        1 => Just('😀'),
        1 => Just('\u{2028}'),
    ];
    proptest::collection::vec((chars, any::<bool>()), 0..8).prop_map(|pairs| {
        let (chars, escapes): (Vec<char>, Vec<bool>) = pairs.into_iter().unzip();
        (chars.into_iter().collect(), escapes)
    })
}

fn doc() -> impl Strategy<Value = Doc> {
    let leaf = prop_oneof![
        Just(Doc::Null),
        any::<bool>().prop_map(Doc::Bool),
        number().prop_map(Doc::Number),
        text().prop_map(|(s, e)| Doc::Text(s, e)),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Doc::Array),
            // Keys from a small alphabet repeat now and then.
            proptest::collection::vec(
                (
                    prop_oneof![
                        3 => text(),
                        1 => Just(("k".to_string(), vec![false])),
                        1 => Just(("k".to_string(), vec![true])),
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(Doc::Object),
        ]
    })
}

/// How the document is laid out.
#[derive(Debug, Clone)]
enum Layout {
    Compact,
    Pretty,
    /// Whitespace between tokens, drawn in turn from this list.
    Random(Vec<&'static str>),
}

fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![
        Just(Layout::Compact),
        Just(Layout::Pretty),
        proptest::collection::vec(
            prop_oneof![
                Just(""),
                Just(" "),
                Just("\n"),
                Just("\r\n"),
                Just("\t"),
                Just("  \n    ")
            ],
            1..8
        )
        .prop_map(Layout::Random),
    ]
}

/// Writes documents with a layout.
struct Writer {
    out: String,
    layout: Layout,
    turn: usize,
}

impl Writer {
    /// Whitespace between two tokens, `depth` levels deep; `closing` before
    /// a closing bracket.
    fn gap(&mut self, depth: usize, closing: bool) {
        match &self.layout {
            Layout::Compact => {}
            Layout::Pretty => {
                self.out.push('\n');
                let levels = if closing { depth - 1 } else { depth };
                self.out.push_str(&"  ".repeat(levels));
            }
            Layout::Random(gaps) => {
                let gap = gaps[self.turn % gaps.len()];
                self.turn += 1;
                self.out.push_str(gap);
            }
        }
    }

    fn string(&mut self, text: &str, escapes: &[bool]) {
        self.out.push('"');
        for (i, c) in text.chars().enumerate() {
            let escape = escapes.get(i).copied().unwrap_or(false);
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '/' if escape => self.out.push_str("\\/"),
                '\n' if escape => self.out.push_str("\\n"),
                c if (c as u32) < 0x20 || escape => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        self.out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }

    fn doc(&mut self, doc: &Doc, depth: usize) {
        match doc {
            Doc::Null => self.out.push_str("null"),
            Doc::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Doc::Number(n) => self.out.push_str(n),
            Doc::Text(s, e) => self.string(s, e),
            Doc::Array(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.gap(depth + 1, false);
                    self.doc(item, depth + 1);
                }
                if !items.is_empty() {
                    self.gap(depth + 1, true);
                }
                self.out.push(']');
            }
            Doc::Object(members) => {
                self.out.push('{');
                for (i, ((key, escapes), value)) in members.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.gap(depth + 1, false);
                    self.string(key, escapes);
                    if matches!(self.layout, Layout::Random(_)) {
                        self.gap(depth + 1, false);
                    }
                    self.out.push(':');
                    self.gap(depth + 1, false);
                    self.doc(value, depth + 1);
                }
                if !members.is_empty() {
                    self.gap(depth + 1, true);
                }
                self.out.push('}');
            }
        }
    }
}

fn write(doc: &Doc, layout: Layout) -> String {
    let mut writer = Writer {
        out: String::new(),
        layout: layout.clone(),
        turn: 0,
    };
    if let Layout::Random(_) = layout {
        writer.gap(0, false);
    }
    writer.doc(doc, 0);
    if let Layout::Random(_) = layout {
        writer.gap(0, false);
    }
    writer.out
}

/// Every pointer into `value`, the root (`""`) first.
fn pointers(value: &Value) -> Vec<String> {
    let mut all = Vec::new();
    let mut stack = vec![(String::new(), value)];
    while let Some((pointer, value)) = stack.pop() {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let token = key.replace('~', "~0").replace('/', "~1");
                    stack.push((format!("{pointer}/{token}"), child));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    stack.push((format!("{pointer}/{i}"), child));
                }
            }
            _ => {}
        }
        all.push(pointer);
    }
    all
}

/// The first JSON value in `text`.
fn first_value(text: &str) -> Option<Value> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .next()
        .and_then(Result::ok)
}

/// Line and column by plain counting, for comparison.
fn counted(text: &str, offset: usize) -> Position {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

/// Occurrences of keys that a later occurrence in the same object overrides.
fn overridden(doc: &Doc) -> usize {
    match doc {
        Doc::Array(items) => items.iter().map(overridden).sum(),
        Doc::Object(members) => {
            let mut seen: HashMap<&str, usize> = HashMap::new();
            for ((key, _), _) in members {
                *seen.entry(key).or_default() += 1;
            }
            let here: usize = seen.values().map(|n| n - 1).sum();
            here + members.iter().map(|(_, d)| overridden(d)).sum::<usize>()
        }
        _ => 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_pointer_is_located_at_its_value((doc, layout) in (doc(), layout())) {
        let text = write(&doc, layout);
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
        let index = Index::default();
        for pointer in pointers(&value) {
            let expected = value.pointer(&pointer);
            // Cold (one lookup, own index) and warm (shared index) agree.
            let offset = locate::locate(&text, &pointer);
            prop_assert_eq!(offset, index.locate(&text, &pointer), "{}", pointer);
            let offset = offset
                .ok_or_else(|| TestCaseError::fail(format!("{pointer} not located in {text}")))?;
            let got = first_value(&text[offset..]);
            prop_assert_eq!(got.as_ref(), expected, "{} in {}", pointer, text);
            prop_assert_eq!(locate::position(&text, offset), counted(&text, offset));
            prop_assert_eq!(index.position(&text, offset), counted(&text, offset));
        }
    }

    #[test]
    fn batch_elements_are_located_through_their_payloads(
        docs in proptest::collection::vec(doc(), 1..4),
        layout in layout(),
    ) {
        // Each element wrapped in an object, so the array is a batch.
        let batch = Doc::Array(
            docs.into_iter()
                .map(|d| Doc::Object(vec![(("body".into(), vec![]), d)]))
                .collect(),
        );
        let text = write(&batch, layout);
        let parsed = payload::parse(Source { name: "p".into(), bytes: text.clone().into_bytes() });
        for parsed in &parsed {
            let Parsed::Payload(body) = parsed else {
                return Err(TestCaseError::fail(format!("not a payload: {text}")));
            };
            let value = body.body().to_value();
            for pointer in pointers(&value) {
                let offset = body.offset(&pointer)
                    .ok_or_else(|| TestCaseError::fail(format!("{pointer} not located")))?;
                let got = first_value(&text[offset..]);
                prop_assert_eq!(got.as_ref(), value.pointer(&pointer));
                prop_assert_eq!(body.position(&pointer), Some(counted(&text, offset)));
            }
        }
    }

    #[test]
    fn positions_of_any_offset_match_plain_counting(
        text in "[a-zé€😀\n\r\t ]{0,200}",
        offset in 0usize..1000,
    ) {
        let mut at = offset.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        prop_assert_eq!(locate::position(&text, offset), counted(&text, at));
    }

    #[test]
    fn duplicates_are_exactly_the_overridden_keys((doc, layout) in (doc(), layout())) {
        let text = write(&doc, layout);
        let parsed = payload::parse(Source { name: "d".into(), bytes: text.clone().into_bytes() });
        let found: Vec<_> = parsed
            .iter()
            .flat_map(|p| match p {
                Parsed::Payload(body) => duplicates::find(body),
                Parsed::Syntax(_) => Vec::new(),
            })
            .collect();
        prop_assert_eq!(found.len(), overridden(&doc), "{}", text);
        for duplicate in &found {
            // The pointer names the member; inside a value that is itself
            // overridden it names nothing in the parsed body, so only its
            // shape is checked; the position must be the key's quote.
            prop_assert!(duplicate.pointer.starts_with('/'), "{:?}", duplicate);
            let line = text.lines().nth(duplicate.position.line - 1).unwrap_or_default();
            let rest: String = line.chars().skip(duplicate.position.column - 1).collect();
            let key = serde_json::Deserializer::from_str(&rest).into_iter::<String>().next();
            let last = duplicate.pointer.rsplit('/').next().unwrap_or_default();
            let last = last.replace("~1", "/").replace("~0", "~");
            prop_assert_eq!(key.and_then(Result::ok), Some(last), "{:?} in {}", duplicate, text);
        }
    }
}
