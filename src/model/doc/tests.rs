use super::*;
use proptest::prelude::*;

fn doc(text: &str) -> Doc {
    match Doc::parse_str(text) {
        Ok(doc) => doc,
        Err(err) => panic!("{text}: {err}"),
    }
}

/// The value read back through the node API alone (not `to_value`).
fn rebuild(node: Node<'_>) -> Value {
    match node.kind() {
        Kind::Null => Value::Null,
        Kind::True => Value::Bool(true),
        Kind::False => Value::Bool(false),
        Kind::Number => Value::Number(node.as_number().unwrap_or_else(|| 0.into())),
        Kind::String => Value::String(node.as_str().unwrap_or_default().into_owned()),
        Kind::Array => Value::Array(node.elements().map(rebuild).collect()),
        Kind::Object => Value::Object(
            node.members()
                .map(|(k, v)| (k.into_owned(), rebuild(v)))
                .collect(),
        ),
    }
}

fn same_as_serde(text: &str) {
    let expected: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let doc = doc(text);
    assert_eq!(rebuild(doc.root()), expected, "{text}");
    assert_eq!(doc.root().to_value(), expected, "{text}");
}

#[test]
fn reads_as_serde_json_does() {
    for text in [
        "{}",
        "[]",
        " [ ] ",
        "null",
        "0",
        "-1.50e+3",
        "\"x\"",
        "{\"a\": [1, 2, {\"b\": null}], \"c\": {\"d\": [[], {}]}, \"e\": true, \"f\": false}",
        "[1.000, 123456789012345678901234567890, -0.0]",
        "{\"k\\\"ey\": \"v\\u00e9\\n\", \"\\u00e9\": \"\\ud83d\\ude00\"}",
        "\u{feff}{}".trim_start_matches('\u{feff}'),
        "{\"z\": 1, \"a\": 2, \"m\": 3}",
    ] {
        same_as_serde(text);
    }
}

#[test]
fn a_repeated_key_reads_as_serde_json_reads_it() {
    let text = "{\"a\": 1, \"b\": 2, \"a\": 3, \"\\u0062\": 4}";
    same_as_serde(text);
    let doc = doc(text);
    assert!(doc.has_duplicate_keys());
    let root = doc.root();
    assert_eq!(root.get("a").and_then(Node::as_u64), Some(3));
    assert_eq!(root.get("b").and_then(Node::as_u64), Some(4));
    assert_eq!(root.len(), 2);
    assert_eq!(root.keys().collect::<Vec<_>>(), ["a", "b"]);
    assert!(!self::doc("{\"a\": {\"a\": 1}}").has_duplicate_keys());
    let many: Vec<String> = (0..40).map(|i| format!("\"k{}\": {i}", i % 39)).collect();
    assert!(self::doc(&format!("{{{}}}", many.join(","))).has_duplicate_keys());
}

#[test]
fn pointers_offsets_and_raw_text() {
    let text = "{\n  \"data\": {\"items\": [ {\"id\": 7}, {\"a/b\": \"x\"} ] },\n  \"n\": 1.50\n}";
    let doc = doc(text);
    let root = doc.root();
    let id = root.pointer("/data/items/0/id");
    assert_eq!(id.and_then(Node::as_u64), Some(7));
    let slash = root.pointer("/data/items/1/a~1b");
    assert_eq!(slash.and_then(Node::as_str).as_deref(), Some("x"));
    assert_eq!(root.pointer("/n").and_then(Node::number), Some("1.50"));
    assert!(root.pointer("/data/items/2").is_none());
    assert!(root.pointer("/data/items/01").is_none());
    assert!(root.pointer("/n/x").is_none());
    let items = root.pointer("/data/items");
    assert_eq!(
        items.map(Node::raw),
        Some("[ {\"id\": 7}, {\"a/b\": \"x\"} ]")
    );
    assert_eq!(items.map(Node::len), Some(2));
    assert_eq!(root.raw(), text);
    assert_eq!(
        items.map(|i| &text[i.start()..i.end()]),
        items.map(Node::raw)
    );
}

#[test]
fn broken_text_fails_exactly_as_serde_json_does() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let fine = format!("{}{}", "[".repeat(100), "]".repeat(100));
    for text in [
        "",
        "{",
        "{\"a\": 1,}",
        "[1 2]",
        "{\"a\" 1}",
        "01",
        "\"\\x\"",
        "\"\\ud800\"",
        "{\"\\udc00\": 1}",
        "nul",
        "{} x",
        "{\"a\":1 \"b\":2}",
        "[1,]",
        "{\"a\":}",
        "\"abc",
        "\"a\tb\"",
        "1.",
        "-",
        "1e",
        "{\"a\": [1, {\"b\": tru}]}",
        deep.as_str(),
    ] {
        let expected = serde_json::from_str::<Value>(text)
            .map(|_| ())
            .map_err(|e| e.to_string());
        let got = Doc::parse_str(text).map(|_| ()).map_err(|e| e.to_string());
        assert!(expected.is_err(), "{text}");
        assert_eq!(got, expected, "{text}");
    }
    same_as_serde(&fine);
}

#[test]
fn small_documents_stay_small() {
    let doc = doc("{\"a\": 1}");
    assert!(doc.index_bytes() <= 8 * 12, "{}", doc.index_bytes());
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[a-z\\\\\"é\u{1F600}\n]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-c\"\\\\]{0,2}", inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

proptest! {
    /// One byte cut out of, or put into, a valid document: whatever the
    /// result, the document's verdict and message are serde_json's.
    #[test]
    fn any_broken_document_fails_as_serde_json_does(
        value in json(),
        at in any::<prop::sample::Index>(),
        byte in prop::sample::select(vec![b'"', b',', b'{', b'}', b'[', b']', b':', b'\\', b'1', b'e', b'\t']),
        cut in any::<bool>(),
    ) {
        let mut bytes = serde_json::to_vec(&value).unwrap_or_default();
        let i = at.index(bytes.len() + 1);
        if cut && i < bytes.len() {
            bytes.remove(i);
        } else {
            bytes.insert(i, byte);
        }
        let Ok(text) = String::from_utf8(bytes) else {
            return Ok(());
        };
        let expected = serde_json::from_str::<Value>(&text).map(|_| ()).map_err(|e| e.to_string());
        let got = Doc::parse_str(&text).map(|_| ()).map_err(|e| e.to_string());
        prop_assert_eq!(got, expected, "{}", text);
    }

    #[test]
    fn any_document_reads_back_unchanged(value in json(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&value)
        } else {
            serde_json::to_string(&value)
        };
        let text = text.unwrap_or_default();
        same_as_serde(&text);
    }
}

#[test]
fn long_arrays_are_indexed_alike_both_ways() {
    let text = format!(
        "[{}]",
        (0..200)
            .map(|i| format!("{{\"n\": {i}}}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let doc = doc(&text);
    let root = doc.root();
    for i in [0, 31, 32, 33, 150, 199] {
        assert_eq!(
            root.pointer(&format!("/{i}/n")).and_then(Node::as_u64),
            Some(i as u64)
        );
        assert_eq!(
            root.item(i).map(Node::start),
            root.elements().nth(i).map(Node::start)
        );
    }
    assert!(root.item(200).is_none());
    assert!(root.get("0").is_none() && doc.root().pointer("/0/n/x").is_none());
}

#[test]
fn a_slot_keeps_kind_flag_offset_and_length_apart() {
    for kind in Kind::ALL {
        for flag in [false, true] {
            for (start, len) in [(0, 0), (LIMIT, LIMIT), (12_345, 7)] {
                let mut slot = Slot::new(kind, start, len, flag);
                assert_eq!(
                    (slot.kind(), slot.start(), slot.len(), slot.flag()),
                    (kind as u32, start, len, flag)
                );
                slot.close(3, !flag);
                assert_eq!(
                    (slot.kind(), slot.start(), slot.len(), slot.flag()),
                    (kind as u32, start, 3, !flag)
                );
            }
        }
    }
}

#[test]
fn the_validators_contract_holds() {
    let doc = Doc::from_value(&jsonschema_value::conformance::document());
    jsonschema_value::conformance::assert_conformance::<DocJson>(&doc.root());
}
