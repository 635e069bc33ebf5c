//! The parse-only floor for NDJSON throughput: reads a file line by line and
//! parses each non-blank line into a `serde_json::Value` (with the same
//! `serde_json` features as `whi`), validating nothing. `whi validate
//! big.ndjson` cannot beat the time this takes on one core by much;
//! `scripts/bench-peers.sh` reports whi's throughput as a share of it.
//!
//! ```sh
//! cargo run --release --example parse-floor -- big.ndjson
//! ```
#![allow(clippy::print_stdout)]

use anyhow::Context;
use std::io::{BufRead, BufReader};

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .context("usage: parse-floor FILE.ndjson")?;
    let file = std::fs::File::open(&path).with_context(|| format!("opening {path}"))?;
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    let mut line = Vec::new();
    let (mut values, mut objects, mut bytes) = (0u64, 0u64, 0u64);
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .with_context(|| format!("reading {path}"))?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        let text = line.trim_ascii();
        if text.is_empty() {
            continue;
        }
        // A line that is not JSON is counted, not fatal: whi reports it too.
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(text) {
            objects += u64::from(value.is_object());
        }
        values += 1;
    }
    println!("{values} lines ({objects} objects), {bytes} bytes");
    Ok(())
}
