//! Benchmark corpus generator: realistic, valid webhook payloads made by
//! mutating the bundled samples, for `benches/` and `scripts/bench-peers.sh`.
//!
//! ```sh
//! cargo run --release --example gen-corpus -- --files 10000 --out /tmp/corpus
//! cargo run --release --example gen-corpus -- --files 10000 --provider ongoing --out /tmp/ongoing
//! cargo run --release --example gen-corpus -- --ndjson 1G --out /tmp/big.ndjson
//! ```
//!
//! Files go to `OUT/<provider>/<event>/<NNNNN>.json`, pretty-printed like the
//! samples, so a per-event validator can be pointed at one folder. The NDJSON
//! stream is compact one-line payloads of every chosen provider, mixed.
//!
//! Each payload starts from a sample: arrays of objects (items, shipments,
//! options) are resized, then ids, amounts, dates, names and other strings
//! are varied. Every variant is checked with `whi` itself; a change that
//! makes it invalid, changes its detection or adds a warning is undone, so
//! the corpus is all valid payloads. The output depends only on the options
//! and `--seed` (a xorshift generator, no external randomness). This is a
//! tool for measuring, not part of `whi`: it may print.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use anyhow::{Context, bail};
use clap::Parser;
use serde_json::Value;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use whi::check::detect::Overrides;
use whi::check::record::{self, Status};
use whi::ingest::capture;
use whi::ingest::payload;

/// Makes a corpus of valid payloads from the bundled samples.
#[derive(Parser)]
struct Args {
    /// Write this many payload files below OUT (a directory).
    #[arg(long, conflicts_with = "ndjson")]
    files: Option<usize>,
    /// Write an NDJSON stream of about this size to OUT (a file): `1G`, `200M`, `64K`, bytes.
    #[arg(long)]
    ndjson: Option<String>,
    /// Where to write.
    #[arg(long)]
    out: PathBuf,
    /// Only payloads of this provider (`salla`, `snipcart`, `ongoing`, `logitrail`).
    #[arg(long)]
    provider: Option<String>,
    /// Seed of the generator: the same seed gives the same corpus.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let templates = templates(args.provider.as_deref())?;
    let mut rng = Rng::new(args.seed);
    match (args.files, &args.ndjson) {
        (Some(n), None) => write_files(&templates, &mut rng, n, &args.out),
        (None, Some(size)) => write_ndjson(&templates, &mut rng, parse_size(size)?, &args.out),
        _ => bail!("give --files N or --ndjson SIZE"),
    }
}

/// What `whi` says about a payload, for telling whether a mutation kept it
/// the same kind of valid payload.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    provider: Option<&'static str>,
    event: Option<String>,
    status: Status,
    /// Pointers of errors and warnings.
    problems: Vec<String>,
}

fn outcome(value: &Value) -> Outcome {
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    let parsed = payload::parse_body(capture::plain("gen", bytes));
    let Some(parsed) = parsed.first() else {
        return Outcome {
            provider: None,
            event: None,
            status: Status::Unparseable,
            problems: Vec::new(),
        };
    };
    let record = record::check(parsed, Overrides::default());
    Outcome {
        provider: record.provider.map(|p| p.name()),
        event: record.event,
        status: record.status,
        problems: record
            .errors
            .iter()
            .chain(&record.warnings)
            .map(|p| p.pointer.clone())
            .collect(),
    }
}

/// A sample to vary, and what `whi` says about it.
struct Template {
    provider: String,
    event: String,
    value: Value,
    expected: Outcome,
}

fn templates(provider: Option<&str>) -> anyhow::Result<Vec<Template>> {
    let mut out = Vec::new();
    for (path, text) in whi::bundle::schema::samples() {
        let Some((p, file)) = path.split_once('/') else {
            continue;
        };
        if provider.is_some_and(|wanted| !wanted.eq_ignore_ascii_case(p)) {
            continue;
        }
        let event = file.trim_end_matches(".json").to_string();
        let value: Value = serde_json::from_str(text).with_context(|| format!("samples/{path}"))?;
        let expected = outcome(&value);
        if !parsed_ok(&expected) {
            bail!("samples/{path} is not a valid payload: {expected:?}");
        }
        out.push(Template {
            provider: p.to_string(),
            event,
            value,
            expected,
        });
    }
    if out.is_empty() {
        bail!("no samples for provider {provider:?}");
    }
    Ok(out)
}

fn parsed_ok(outcome: &Outcome) -> bool {
    outcome.status == Status::Valid && outcome.problems.is_empty()
}

/// Largest payload made, pretty-printed; bigger variants lose array elements.
const MAX_BYTES: usize = 12 * 1024;

/// One valid variant of a template.
fn variant(template: &Template, rng: &mut Rng) -> Value {
    let mut shaped = template.value.clone();
    resize_arrays(&mut shaped, rng);
    while serde_json::to_vec_pretty(&shaped).map_or(0, |b| b.len()) > MAX_BYTES
        && shrink(&mut shaped)
    {}
    if outcome(&shaped) != template.expected {
        shaped = template.value.clone();
    }
    let mut varied = shaped.clone();
    mutate(&mut varied, rng, None);
    for _ in 0..6 {
        let got = outcome(&varied);
        if got.provider != template.expected.provider || got.event != template.expected.event {
            break;
        }
        if parsed_ok(&got) {
            return varied;
        }
        // Undo the changes where whi found something: the structure is the
        // one of `shaped`, so every pointer means the same place in both.
        for pointer in got.problems {
            restore(&mut varied, &shaped, &pointer);
        }
    }
    shaped
}

fn restore(varied: &mut Value, shaped: &Value, pointer: &str) {
    match (varied.pointer_mut(pointer), shaped.pointer(pointer)) {
        (Some(slot), Some(original)) => *slot = original.clone(),
        _ => *varied = shaped.clone(),
    }
}

/// Gives arrays of objects (order items, shipments, options) another length,
/// repeating their own elements.
fn resize_arrays(value: &mut Value, rng: &mut Rng) {
    match value {
        Value::Array(items) => {
            for item in items.iter_mut() {
                resize_arrays(item, rng);
            }
            if !items.is_empty() && items.iter().all(Value::is_object) && rng.chance(0.6) {
                let len = 1 + rng.below(items.len() * 2 + 1);
                let original = items.clone();
                items.truncate(len);
                while items.len() < len {
                    let pick = &original[rng.below(original.len())];
                    items.push(pick.clone());
                }
            }
        }
        Value::Object(map) => {
            for (_, v) in map.iter_mut() {
                resize_arrays(v, rng);
            }
        }
        _ => {}
    }
}

/// Drops the last element of the longest array of objects; false when none
/// has more than one.
fn shrink(value: &mut Value) -> bool {
    fn longest(value: &Value, here: String, best: &mut Option<(usize, String)>) {
        match value {
            Value::Array(items) => {
                let objects = items.len() > 1 && items.iter().all(Value::is_object);
                if objects && best.as_ref().is_none_or(|(len, _)| items.len() > *len) {
                    *best = Some((items.len(), here.clone()));
                }
                for (i, v) in items.iter().enumerate() {
                    longest(v, format!("{here}/{i}"), best);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    let token = k.replace('~', "~0").replace('/', "~1");
                    longest(v, format!("{here}/{token}"), best);
                }
            }
            _ => {}
        }
    }
    let mut best = None;
    longest(value, String::new(), &mut best);
    match best.and_then(|(_, pointer)| value.pointer_mut(&pointer)) {
        Some(Value::Array(items)) => items.pop().is_some(),
        _ => false,
    }
}

/// Keys whose values decide detection or are closed sets: left as they are.
const KEEP: &[&str] = &[
    "event",
    "eventName",
    "event_type",
    "webhookTemplate",
    "currency",
    "currency_code",
    "currencyCode",
    "country",
    "country_code",
    "countryCode",
    "status",
    "slug",
    "type",
    "mode",
    "lang",
    "language",
    "locale",
    "unit",
    "timezone",
    "gender",
    "payment_method",
    "units",
];

fn mutate(value: &mut Value, rng: &mut Rng, key: Option<&str>) {
    if key.is_some_and(|k| KEEP.contains(&k)) {
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                mutate(v, rng, Some(k));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| mutate(v, rng, None)),
        Value::String(s) if rng.chance(0.8) => *s = vary_string(s, rng),
        Value::Number(n) if rng.chance(0.8) => {
            if let Some(new) = vary_number(&n.to_string(), rng) {
                *value = new;
            }
        }
        _ => {}
    }
}

const WORDS: &[&str] = &[
    "Amal", "Noura", "Ahmed", "Fatima", "Leena", "Omar", "Sara", "Mikko", "Aino", "Jonas", "Emma",
    "Lucas", "Olivia", "Garden", "Street", "Blue", "Cotton", "Shirt", "Perfume", "Oud", "Amber",
    "Rose", "Lamp", "Desk", "Chair", "Coffee", "Beans", "Green", "Tea", "Riyadh", "Jeddah",
    "Helsinki", "Tampere", "Montreal", "Quebec", "North", "South", "Road", "Avenue", "Gift", "Box",
];

fn vary_string(s: &str, rng: &mut Rng) -> String {
    let b = s.as_bytes();
    let is_date =
        b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[7] == b'-';
    if is_date {
        return vary_date(s, rng);
    }
    let wordy = s.len() > 3
        && s.bytes().all(|c| c.is_ascii_alphabetic() || c == b' ')
        && s.bytes().next().is_some_and(|c| c.is_ascii_uppercase());
    if wordy && rng.chance(0.6) {
        let n = 1 + rng.below(3);
        let words: Vec<&str> = (0..n).map(|_| WORDS[rng.below(WORDS.len())]).collect();
        return words.join(" ");
    }
    let hex = s.len() >= 8
        && s.bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
    // URL schemes and hosts and e-mail domains stay, so the value keeps its shape.
    let host_end = s.find("://").map_or(0, |at| {
        s[at + 3..]
            .find('/')
            .map_or(s.len(), |slash| at + 3 + slash)
    });
    let domain = s.find('@').unwrap_or(s.len());
    let mut out = String::with_capacity(s.len());
    for (at, c) in s.char_indices() {
        let new = match c {
            _ if at < host_end || at >= domain => c,
            '0'..='9' if hex => hex_digit(rng),
            'a'..='f' if hex => hex_digit(rng),
            '1'..='9' => char::from(b'1' + rng.below(9) as u8),
            '0' => char::from(b'0' + rng.below(10) as u8),
            'a'..='z' => char::from(b'a' + rng.below(26) as u8),
            'A'..='Z' => char::from(b'A' + rng.below(26) as u8),
            _ => c,
        };
        out.push(new);
    }
    out
}

fn hex_digit(rng: &mut Rng) -> char {
    char::from(b"0123456789abcdef"[rng.below(16)])
}

/// A date or date-time with another day (2021–2025) and time of day,
/// keeping the layout and anything after the seconds.
fn vary_date(s: &str, rng: &mut Rng) -> String {
    let mut out = format!(
        "{:04}-{:02}-{:02}",
        2021 + rng.below(5),
        1 + rng.below(12),
        1 + rng.below(28)
    );
    let rest = &s[10..];
    let b = rest.as_bytes();
    if b.len() >= 9 && matches!(b[0], b'T' | b' ') && b[3] == b':' && b[6] == b':' {
        out.push(char::from(b[0]));
        out.push_str(&format!(
            "{:02}:{:02}:{:02}",
            rng.below(24),
            rng.below(60),
            rng.below(60)
        ));
        out.push_str(&rest[9..]);
    } else {
        out.push_str(rest);
    }
    out
}

/// Another number of the same sign and kind, within a factor of two,
/// keeping the count of decimals.
fn vary_number(text: &str, rng: &mut Rng) -> Option<Value> {
    if text.contains(['e', 'E']) {
        return None;
    }
    let negative = text.starts_with('-');
    let decimals = text.split_once('.').map_or(0, |(_, f)| f.len());
    let magnitude: f64 = text.trim_start_matches('-').parse().ok()?;
    if magnitude == 0.0 {
        return None;
    }
    let factor = 0.5 + rng.unit() * 1.5;
    let mut scaled = magnitude * factor;
    if decimals == 0 {
        scaled = scaled.round().max(1.0);
    }
    let sign = if negative { "-" } else { "" };
    serde_json::from_str(&format!("{sign}{scaled:.decimals$}")).ok()
}

fn write_files(
    templates: &[Template],
    rng: &mut Rng,
    count: usize,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    let mut sizes = Vec::with_capacity(count);
    for n in 0..count {
        let template = &templates[rng.below(templates.len())];
        let value = variant(template, rng);
        let dir = out.join(&template.provider).join(&template.event);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let mut bytes = serde_json::to_vec_pretty(&value)?;
        bytes.push(b'\n');
        sizes.push(bytes.len());
        let path = dir.join(format!("{n:05}.json"));
        std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    sizes.sort_unstable();
    let total: usize = sizes.iter().sum();
    println!(
        "{count} files in {}: {:.1} MB, sizes min {} / median {} / max {} bytes",
        out.display(),
        total as f64 / 1e6,
        sizes.first().unwrap_or(&0),
        sizes.get(sizes.len() / 2).unwrap_or(&0),
        sizes.last().unwrap_or(&0)
    );
    Ok(())
}

fn write_ndjson(
    templates: &[Template],
    rng: &mut Rng,
    size: u64,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    // Varying is slower than writing: a pool of variants, refreshed as the
    // stream goes, keeps every stretch of the file varied.
    let mut pool: Vec<Vec<u8>> = Vec::new();
    let (mut written, mut lines) = (0u64, 0u64);
    while written < size {
        if pool.len() < 4096 || rng.chance(0.05) {
            let template = &templates[rng.below(templates.len())];
            let line = serde_json::to_vec(&variant(template, rng))?;
            if pool.len() < 4096 {
                pool.push(line);
            } else {
                let at = rng.below(pool.len());
                pool[at] = line;
            }
        }
        let line = &pool[rng.below(pool.len())];
        writer.write_all(line)?;
        writer.write_all(b"\n")?;
        written += line.len() as u64 + 1;
        lines += 1;
    }
    writer.flush()?;
    println!(
        "{lines} lines in {}: {:.1} MB",
        out.display(),
        written as f64 / 1e6
    );
    Ok(())
}

/// `1G`, `200M`, `64K` (powers of 1024) or a count of bytes.
fn parse_size(text: &str) -> anyhow::Result<u64> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, ""),
    };
    let n: u64 = digits
        .parse()
        .with_context(|| format!("size {text:?}: expected e.g. 1G, 200M, 64K"))?;
    let scale = match unit.to_ascii_uppercase().trim_end_matches(['B', 'I']) {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => bail!("size {text:?}: unknown unit {unit:?} (K, M or G)"),
    };
    Ok(n * scale)
}

/// xorshift64*: small, fast and deterministic; not for anything secret.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}
