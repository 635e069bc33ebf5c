//! The fuzz targets' bodies, shared by `fuzz/fuzz_targets/*.rs` (libFuzzer,
//! nightly features through cargo-fuzz) and `tests/fuzz_regressions.rs`
//! (stable `cargo test`), so a crashing input found by fuzzing is replayed
//! through exactly the code that found it.
//!
//! Each function takes arbitrary bytes and panics only on a bug.

use serde_json::Value;
use whi::check::detect::{self, Overrides};
use whi::check::{duplicates, record as report};
use whi::ingest::input::Source;
use whi::ingest::locate;
use whi::ingest::payload::{self, Parsed};
use whi::ingest::{capture, reader};
use whi::model::timestamp;

/// A document's value read back through its node API alone.
fn rebuild(node: whi::model::doc::Node<'_>) -> Value {
    use whi::model::doc::Kind;
    match node.kind() {
        Kind::Null => Value::Null,
        Kind::True => Value::Bool(true),
        Kind::False => Value::Bool(false),
        Kind::Number => node.as_number().map_or(Value::Null, Value::Number),
        Kind::String => Value::String(node.as_str().unwrap_or_default().into_owned()),
        Kind::Array => Value::Array(node.elements().map(rebuild).collect()),
        Kind::Object => Value::Object(
            node.members()
                .map(|(k, v)| (k.into_owned(), rebuild(v)))
                .collect(),
        ),
    }
}

fn source(data: &[u8]) -> Source {
    Source {
        name: "fuzz".into(),
        bytes: data.to_vec(),
    }
}

/// `payload::parse` on arbitrary bytes; every payload it yields has a
/// located root, and duplicate-key detection copes with it. The parsed
/// document agrees with a `serde_json::Value` parse of the same text: the
/// same verdict, the same error message, the same value read back.
pub fn parse(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let doc = whi::model::doc::Doc::parse_str(text);
        let value = serde_json::from_str::<Value>(text);
        match (&doc, &value) {
            (Ok(doc), Ok(value)) => assert_eq!(&rebuild(doc.root()), value, "{text:?}"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{text:?}"),
            _ => panic!(
                "doc {:?} but value {:?} for {text:?}",
                doc.is_ok(),
                value.is_ok()
            ),
        }
    }
    for parsed in payload::parse(source(data)) {
        if let Parsed::Payload(payload) = parsed {
            assert!(payload.position("").is_some(), "root not located");
            for duplicate in duplicates::find(&payload) {
                assert!(duplicate.pointer.starts_with('/'), "{duplicate:?}");
            }
        }
    }
}

/// The capture parser (raw HTTP, chunked bodies, HAR, NDJSON, JSON) on
/// arbitrary bytes, then every body parsed and checked: no panic, every
/// payload's root located, every record serialisable.
///
/// Layout: the first byte picks the name the bytes are read under (its
/// extension steers sniffing: `.json`, `.http`, `.har`, `.ndjson`); the
/// rest are the input.
pub fn capture(data: &[u8]) {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = ["fuzz.json", "fuzz.http", "fuzz.har", "fuzz.ndjson"][usize::from(pick % 4)];
    let shape = capture::sniff(name, bytes);
    let bodies = if pick % 8 < 4 {
        reader::from_bytes(name, bytes.to_vec())
    } else {
        capture::split(name, bytes.to_vec(), shape)
    };
    for body in bodies {
        let parsed_list = match body {
            Ok(body) => payload::parse_body(body),
            Err(broken) => vec![payload::broken(broken)],
        };
        for parsed in parsed_list {
            if let Parsed::Payload(payload) = &parsed {
                assert!(payload.position("").is_some(), "root not located");
            }
            let record = report::check(&parsed, Overrides::default());
            assert!(
                serde_json::to_string(&record).is_ok(),
                "record not serialisable"
            );
        }
    }
}

/// Parse then `report::check` with default overrides on every payload:
/// detection, validation and locating every problem.
pub fn check(data: &[u8]) {
    for parsed in payload::parse(source(data)) {
        let record = report::check(&parsed, Overrides::default());
        assert!(
            serde_json::to_string(&record).is_ok(),
            "record not serialisable"
        );
    }
}

/// Parse, detect, then the provider's `summarize`: every provider's mapping must
/// cope with any body its recogniser accepts.
pub fn summarize(data: &[u8]) {
    for parsed in payload::parse(source(data)) {
        if let Parsed::Payload(payload) = parsed
            && let Some(detection) = detect::detect(payload.body(), Overrides::default())
        {
            let _ = detection
                .provider
                .summarize(&detection.event, payload.body());
        }
    }
}

/// `locate::locate`, `locate::position` and `locate::char_position` on
/// arbitrary text and pointers; on valid JSON the located value must be the
/// one the pointer names.
///
/// Layout: the pointer, a NUL byte, then the text. Without a NUL the whole
/// input is the text and its first bytes are the pointer.
pub fn locate(data: &[u8]) {
    let (pointer, text) = match data.iter().position(|b| *b == 0) {
        Some(nul) => (&data[..nul], &data[nul + 1..]),
        None => (&data[..data.len().min(8)], data),
    };
    let pointer = String::from_utf8_lossy(pointer);
    let text = String::from_utf8_lossy(text);
    let found = locate::locate(&text, &pointer);
    if let Some(offset) = found {
        let _ = locate::position(&text, offset);
    }
    // Arbitrary offsets, lines and columns, including past the end and
    // inside multi-byte characters.
    let n = data.len();
    let _ = locate::position(&text, n.wrapping_mul(7) % (text.len() + 3));
    let _ = locate::char_position(text.as_bytes(), n % 5, n.wrapping_mul(13));
    let _ = locate::char_position(text.as_bytes(), usize::MAX, usize::MAX);
    // The oracle: on valid JSON, the located text parses as the pointed-to value.
    if let Ok(value) = serde_json::from_str::<Value>(&text)
        && let Some(expected) = value.pointer(&pointer)
    {
        let offset = found.unwrap_or_else(|| panic!("{pointer:?} not located"));
        let rest = text.get(offset..).unwrap_or_default();
        let got = serde_json::Deserializer::from_str(rest)
            .into_iter::<Value>()
            .next()
            .and_then(Result::ok);
        assert_eq!(got.as_ref(), Some(expected), "{pointer:?} located wrongly");
    }
}

/// `timestamp::normalize` on arbitrary strings; what it returns normalises
/// to itself.
pub fn timestamp(data: &[u8]) {
    let raw = String::from_utf8_lossy(data);
    if let Some(occurred) = timestamp::normalize(&raw) {
        let again = timestamp::normalize(&occurred.text);
        assert_eq!(again.as_ref(), Some(&occurred), "not idempotent: {raw:?}");
    }
}
