//! Replays every input that ever crashed, hung or exhausted memory under
//! `cargo fuzz` (kept in `tests/fixtures/fuzz/<target>/`) through the very
//! code the fuzz target runs (`fuzz/harness.rs`), on stable `cargo test`.
//!
//! To add one: copy `fuzz/artifacts/<target>/crash-*` (or `timeout-*`,
//! `oom-*`) into `tests/fixtures/fuzz/<target>/`, fix the bug, run this.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::fs;
use std::path::Path;

/// Runs `target` on every file of `tests/fixtures/fuzz/<name>/`; returns
/// how many there were.
fn replay(name: &str, target: fn(&[u8])) -> usize {
    replay_dir(&format!("tests/fixtures/fuzz/{name}"), target)
}

/// Runs `target` on every file of `dir` (below the package root).
fn replay_dir(dir: &str, target: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let Ok(entries) = fs::read_dir(&dir) else {
        return 0;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in &paths {
        let data = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let outcome = std::panic::catch_unwind(|| target(&data));
        assert!(outcome.is_ok(), "{} fails again", path.display());
    }
    paths.len()
}

#[test]
fn parse() {
    replay("parse", harness::parse);
}

#[test]
fn check() {
    replay("check", harness::check);
}

#[test]
fn summarize() {
    replay("summarize", harness::summarize);
}

#[test]
fn locate() {
    replay("locate", harness::locate);
}

#[test]
fn timestamp() {
    assert!(replay("timestamp", harness::timestamp) > 0);
}

/// The seed corpora must pass too: they are what fuzzing starts from.
#[test]
fn seeds() {
    let mut total = 0;
    for (name, target) in [
        ("parse", harness::parse as fn(&[u8])),
        ("check", harness::check),
        ("summarize", harness::summarize),
        ("locate", harness::locate),
        ("timestamp", harness::timestamp),
    ] {
        total += replay_dir(&format!("fuzz/seeds/{name}"), target);
    }
    assert!(total > 100, "seed corpora missing: {total}");
}
