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

/// Runs `target` on every file of `tests/fixtures/fuzz/<name>/`, which
/// must hold some: a missing or empty folder is a failure, not a pass.
fn replay(name: &str, target: fn(&[u8])) {
    let count = replay_dir(&format!("tests/fixtures/fuzz/{name}"), target);
    assert!(count > 0, "tests/fixtures/fuzz/{name}/ is missing or empty");
}

/// Runs `target` on every file of `dir` (below the package root); returns
/// how many there were. A folder that cannot be read fails the test.
fn replay_dir(dir: &str, target: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
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
    replay("timestamp", harness::timestamp);
}

#[test]
fn capture() {
    replay("capture", harness::capture);
}

/// The seed corpora must pass too: they are what fuzzing starts from.
#[test]
fn seeds() {
    for (name, target) in [
        ("parse", harness::parse as fn(&[u8])),
        ("check", harness::check),
        ("summarize", harness::summarize),
        ("locate", harness::locate),
        ("timestamp", harness::timestamp),
        ("capture", harness::capture),
    ] {
        let count = replay_dir(&format!("fuzz/seeds/{name}"), target);
        assert!(count >= 20, "fuzz/seeds/{name}/ holds {count} seeds");
    }
}
