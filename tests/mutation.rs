//! The project measures its own sensitivity: every bundled sample is
//! mutated along the fields the providers' documentation names
//! (`tests/mutation/fields.json`, written from the docs, not from the
//! schemas) — type flips, null where the docs do not allow it, values out
//! of a closed set, deletion of required fields, broken formats — and each
//! mutant must be invalid with an error at the mutated pointer (at the
//! parent object for a deletion). The catch rate per provider and kind is
//! printed (`cargo test --test mutation -- --nocapture`) and must be at
//! least 97% overall and for each provider.
//!
//! Leniencies real payloads need are not mutations the documentation
//! forbids: `real_types`, `nullable_real` and `real_omit` (with their
//! evidence in tests/real/SOURCES.md) are honoured, and merchant-extensible
//! sets (`known_values`) are never mutated into errors.

#![allow(clippy::print_stdout)] // the catch-rate table is the report

use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use whi::bundle::schema;
use whi::check::detect::Overrides;
use whi::check::record;
use whi::ingest::input::Source;
use whi::ingest::payload;

/// One documented field.
struct Field {
    pointer: String,
    types: Vec<String>,
    required: bool,
    nullable: bool,
    real_omit: bool,
    closed: Option<Vec<Value>>,
    format: Option<String>,
}

fn fields_of(provider: &Value, event: &Value) -> Vec<Field> {
    let mut raw: Vec<&Value> = Vec::new();
    for set in event["sets"].as_array().into_iter().flatten() {
        let name = set.as_str().unwrap_or_default();
        raw.extend(provider["sets"][name].as_array().into_iter().flatten());
    }
    raw.extend(event["fields"].as_array().into_iter().flatten());
    raw.into_iter()
        .map(|f| {
            let mut types: Vec<String> = f["type"]
                .as_str()
                .map(|t| t.split('|').map(str::to_string).collect())
                .or_else(|| {
                    f["type"].as_array().map(|a| {
                        a.iter()
                            .filter_map(|t| t.as_str().map(str::to_string))
                            .collect()
                    })
                })
                .unwrap_or_default();
            for t in f["real_types"].as_array().into_iter().flatten() {
                if let Some(t) = t.as_str() {
                    types.push(t.to_string());
                }
            }
            Field {
                pointer: f["pointer"].as_str().unwrap_or_default().to_string(),
                types,
                required: f["required"] == true,
                nullable: f["nullable"] == true || marked(&f["nullable_real"]),
                real_omit: marked(&f["real_omit"]),
                closed: f["enum"].as_array().cloned(),
                format: f["format"].as_str().map(str::to_string),
            }
        })
        .collect()
}

/// A leniency mark: `true`, or the evidence as text.
fn marked(value: &Value) -> bool {
    !matches!(value, Value::Null | Value::Bool(false))
}

/// Every concrete pointer a pattern with `*` names in `value`.
fn expand(value: &Value, pattern: &str) -> Vec<String> {
    let mut found = vec![String::new()];
    for token in pattern.split('/').skip(1) {
        let mut next = Vec::new();
        for at in found {
            match (token, value.pointer(&at)) {
                ("*", Some(Value::Array(items))) => {
                    next.extend((0..items.len()).map(|i| format!("{at}/{i}")));
                }
                ("*", _) => {}
                (key, _) => next.push(format!("{at}/{key}")),
            }
        }
        found = next;
    }
    found
        .into_iter()
        .filter(|p| value.pointer(p).is_some())
        .collect()
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A value of a type the field does not allow.
fn flipped(field: &Field) -> Option<Value> {
    let allows = |t: &str| {
        field
            .types
            .iter()
            .any(|x| x == t || (t == "integer" && x == "number"))
    };
    [
        json!("mutated"),
        json!(12345),
        json!(true),
        json!({"mutated": 1}),
        json!(["mutated"]),
    ]
    .into_iter()
    .find(|v| !allows(json_type(v)))
}

fn broken(format: &str) -> Option<Value> {
    Some(json!(match format {
        "hex24" => "not-a-24-hex-id",
        "uuid" => "not-a-uuid",
        "date-time" | "dotnet-date-time" | "js-date" | "salla-date" => "not a timestamp",
        _ => return None,
    }))
}

fn set(doc: &mut Value, pointer: &str, value: Value) {
    if let Some(slot) = doc.pointer_mut(pointer) {
        *slot = value;
    }
}

fn delete(doc: &mut Value, pointer: &str) -> Option<String> {
    let (parent, key) = pointer.rsplit_once('/')?;
    let key = key.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent)? {
        Value::Object(map) => map.remove(&key).map(|_| parent.to_string()),
        _ => None,
    }
}

/// Whether the mutant is invalid with an error at `expected`.
fn caught(sample: &str, doc: &Value, expected: &str) -> bool {
    let text = serde_json::to_string_pretty(doc).unwrap_or_default();
    let parsed = payload::parse(Source {
        name: sample.to_string(),
        bytes: text.into_bytes(),
    });
    parsed.iter().any(|p| {
        let record = record::check(p, Overrides::default());
        record.status.is_failure() && record.errors.iter().any(|e| e.pointer == expected)
    })
}

#[derive(Default)]
struct Score {
    caught: usize,
    total: usize,
    misses: Vec<String>,
}

#[test]
fn documented_mutations_are_caught_at_their_pointer() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mutation/fields.json");
    let text = std::fs::read_to_string(&path).expect("tests/mutation/fields.json");
    let list: Value = serde_json::from_str(&text).expect("fields.json is JSON");
    let providers = list["providers"]
        .as_object()
        .cloned()
        .unwrap_or_else(Map::new);
    assert!(!providers.is_empty(), "no providers in fields.json");
    let mut scores: BTreeMap<(String, &'static str), Score> = BTreeMap::new();
    for (name, provider) in &providers {
        for (event, spec) in provider["events"].as_object().into_iter().flatten() {
            let sample = format!("{name}/{event}.json");
            let Some((_, sample_text)) = schema::samples().iter().find(|(p, _)| *p == sample)
            else {
                panic!("fields.json names {sample}, which has no bundled sample");
            };
            let original: Value = serde_json::from_str(sample_text).expect("sample");
            for field in fields_of(provider, spec) {
                for at in expand(&original, &field.pointer) {
                    let value = original.pointer(&at).cloned().unwrap_or(Value::Null);
                    let mut mutants: Vec<(&'static str, Value, String)> = Vec::new();
                    if let Some(v) = flipped(&field) {
                        let mut doc = original.clone();
                        set(&mut doc, &at, v);
                        mutants.push(("type", doc, at.clone()));
                    }
                    if !field.nullable && !value.is_null() {
                        let mut doc = original.clone();
                        set(&mut doc, &at, Value::Null);
                        mutants.push(("null", doc, at.clone()));
                    }
                    if let Some(closed) = &field.closed
                        && value.is_string()
                    {
                        let outside = json!("zz_not_in_the_documented_set");
                        if !closed.contains(&outside) {
                            let mut doc = original.clone();
                            set(&mut doc, &at, outside);
                            mutants.push(("enum", doc, at.clone()));
                        }
                    }
                    if field.required && !field.real_omit {
                        let mut doc = original.clone();
                        if let Some(parent) = delete(&mut doc, &at) {
                            mutants.push(("required", doc, parent));
                        }
                    }
                    if let (Some(format), true) = (&field.format, value.is_string())
                        && let Some(v) = broken(format)
                    {
                        let mut doc = original.clone();
                        set(&mut doc, &at, v);
                        mutants.push(("format", doc, at.clone()));
                    }
                    for (kind, doc, expected) in mutants {
                        let score = scores.entry((name.clone(), kind)).or_default();
                        score.total += 1;
                        if caught(&sample, &doc, &expected) {
                            score.caught += 1;
                        } else {
                            score.misses.push(format!("{sample} {kind} {at}"));
                        }
                    }
                }
            }
        }
    }
    let mut per_provider: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    println!("provider    kind      caught / total");
    for ((provider, kind), score) in &scores {
        println!(
            "{provider:<11} {kind:<9} {:>6} / {:<6} {:.1}%",
            score.caught,
            score.total,
            100.0 * score.caught as f64 / score.total.max(1) as f64
        );
        let entry = per_provider.entry(provider).or_default();
        entry.0 += score.caught;
        entry.1 += score.total;
        for miss in score.misses.iter().take(5) {
            println!("    missed: {miss}");
        }
    }
    let (all_caught, all_total) = per_provider
        .values()
        .fold((0, 0), |(c, t), (c2, t2)| (c + c2, t + t2));
    let rate = |c: usize, t: usize| 100.0 * c as f64 / t.max(1) as f64;
    for (provider, (c, t)) in &per_provider {
        println!(
            "{provider:<11} all       {c:>6} / {t:<6} {:.1}%",
            rate(*c, *t)
        );
    }
    println!(
        "overall               {all_caught:>6} / {all_total:<6} {:.1}%",
        rate(all_caught, all_total)
    );
    assert!(all_total > 1000, "too few mutations: {all_total}");
    for (provider, (c, t)) in &per_provider {
        assert!(rate(*c, *t) >= 97.0, "{provider}: {c}/{t} caught");
    }
    assert!(rate(all_caught, all_total) >= 97.0);
}
