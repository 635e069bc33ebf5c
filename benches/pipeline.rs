//! Micro-benchmarks of the pipeline's stages, per provider, over the bundled
//! samples: parsing (and the document alone, against a `serde_json::Value`), detection, validation (schemas compiled before timing,
//! as a run compiles each once), locating line and column of a pointer, and
//! summarising. Run with `cargo bench --bench pipeline`; whole-process
//! comparisons with other validators are in `scripts/bench-peers.sh`.
//!
//! Each benchmark handles every sample of one provider per iteration and
//! reports bytes per second of sample text.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value;
use std::hint::black_box;
use whi::check::detect::{self, Overrides};
use whi::check::{record as report, validate};
use whi::ingest::capture;
use whi::ingest::locate;
use whi::ingest::payload::{self, Parsed, Payload};
use whi::model::doc::Doc;
use whi::providers::{self, Provider};

/// One provider's samples, parsed and detected once, outside the timing.
struct Set {
    provider: &'static dyn Provider,
    samples: Vec<Sample>,
    bytes: u64,
}

struct Sample {
    text: &'static str,
    payload: Payload,
    /// The same payload as `report::check` takes it.
    parsed: Parsed,
    event: String,
    schema_path: String,
    /// Pointers spread over the payload's leaves, last leaf included: the
    /// places errors would be reported at.
    pointers: Vec<String>,
}

fn sets() -> Vec<Set> {
    providers::REGISTRY
        .iter()
        .map(|provider| {
            let prefix = format!("{}/", provider.name());
            let samples: Vec<Sample> = whi::bundle::schema::samples()
                .iter()
                .filter(|(path, _)| path.starts_with(&prefix))
                .filter_map(|(path, text)| sample(path, text))
                .collect();
            let bytes = samples.iter().map(|s| s.text.len() as u64).sum();
            Set {
                provider: *provider,
                samples,
                bytes,
            }
        })
        .collect()
}

fn sample(path: &str, text: &'static str) -> Option<Sample> {
    let parsed = payload::parse_body(capture::plain(path, text.as_bytes().to_vec()));
    let Some(Parsed::Payload(payload)) = parsed.into_iter().next() else {
        return None;
    };
    let detection = detect::detect(payload.body(), Overrides::default())?;
    let schema_path = detection.schema_path()?;
    let mut leaves = Vec::new();
    collect_leaves(&payload.body().to_value(), String::new(), &mut leaves);
    let step = (leaves.len() / 8).max(1);
    let mut pointers: Vec<String> = leaves.iter().step_by(step).cloned().collect();
    pointers.extend(leaves.last().cloned());
    Some(Sample {
        text,
        parsed: Parsed::Payload(payload.clone()),
        payload,
        event: detection.event,
        schema_path,
        pointers,
    })
}

fn collect_leaves(value: &Value, here: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let token = key.replace('~', "~0").replace('/', "~1");
                collect_leaves(v, format!("{here}/{token}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_leaves(v, format!("{here}/{i}"), out);
            }
        }
        _ => out.push(here),
    }
}

fn stages(c: &mut Criterion) {
    for set in sets() {
        let name = set.provider.name();
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(set.bytes));
        group.bench_function("parse", |b| {
            b.iter(|| {
                for s in &set.samples {
                    let body = capture::plain("bench", s.text.as_bytes().to_vec());
                    black_box(payload::parse_body(body));
                }
            });
        });
        // The document payloads are parsed into (model::doc), against the
        // serde_json::Value it replaced (issue 15: a fifth of the memory).
        group.bench_function("doc", |b| {
            b.iter(|| {
                for s in &set.samples {
                    black_box(Doc::parse_str(s.text).is_ok());
                }
            });
        });
        group.bench_function("value", |b| {
            b.iter(|| {
                for s in &set.samples {
                    black_box(serde_json::from_str::<Value>(s.text).is_ok());
                }
            });
        });
        group.bench_function("detect", |b| {
            b.iter(|| {
                for s in &set.samples {
                    black_box(detect::detect(s.payload.body(), Overrides::default()));
                }
            });
        });
        // Compile every schema before timing: a run compiles each once.
        for s in &set.samples {
            let _ = validate::validate(&s.payload, &s.schema_path, None);
        }
        group.bench_function("validate", |b| {
            b.iter(|| {
                for s in &set.samples {
                    let _ = black_box(validate::validate(&s.payload, &s.schema_path, None));
                }
            });
        });
        group.bench_function("locate", |b| {
            b.iter(|| {
                for s in &set.samples {
                    for pointer in &s.pointers {
                        if let Some(offset) = locate::locate(s.text, pointer) {
                            black_box(locate::position(s.text, offset));
                        }
                    }
                }
            });
        });
        group.bench_function("summarize", |b| {
            b.iter(|| {
                for s in &set.samples {
                    black_box(set.provider.summarize(&s.event, s.payload.body()));
                }
            });
        });
        group.bench_function("check", |b| {
            b.iter(|| {
                for s in &set.samples {
                    black_box(report::check(&s.parsed, Overrides::default()));
                }
            });
        });
        group.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
