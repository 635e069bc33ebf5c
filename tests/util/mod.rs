//! Running the built `whi` from integration tests: one place for the
//! binary's path, the working directory (the package root, so fixture paths
//! read as in the README) and the environment, instead of a copy per test
//! file. A folder module (`tests/util/mod.rs`), so Cargo does not build it
//! as a test crate of its own.
#![allow(dead_code)]

use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The package root: fixture and sample paths are relative to it.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `whi ARGS`, run from the package root, colour left to the flags (not
/// to the caller's NO_COLOR), stdin closed unless the caller pipes it.
pub fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_whi"));
    command
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Runs `whi ARGS` to its end, with `stdin` piped in when given.
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut command = command(args);
    if stdin.is_some() {
        command.stdin(Stdio::piped());
    }
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("whi {args:?}: {e}"));
    if let (Some(mut pipe), Some(bytes)) = (child.stdin.take(), stdin) {
        let bytes = bytes.to_vec();
        // whi may stop reading early (a bad flag): a broken pipe is fine.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("whi {args:?}: {e}"))
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard output as NDJSON: one JSON value per line, each parsed.
pub fn ndjson(output: &Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}
