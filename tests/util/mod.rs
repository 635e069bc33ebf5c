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

/// A temporary directory, removed when dropped; named after the test file
/// and case (`whi-hostile-timeline-<pid>`) so parallel tests keep apart.
pub struct Temp(pub std::path::PathBuf);

impl Temp {
    /// A fresh, empty directory.
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("whi-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Temp(dir)
    }

    /// Writes `bytes` to `name` inside (creating folders); returns the path
    /// as an argument.
    pub fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("dirs");
        }
        std::fs::write(&path, bytes).expect("write fixture");
        self.arg(name)
    }

    /// The path of `name` inside, as an argument.
    pub fn arg(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What one bounded run of `whi` did.
pub struct Run {
    /// Exit status.
    pub code: i32,
    /// Standard output, as text.
    pub stdout: String,
    /// Standard error, as text.
    pub stderr: String,
}

impl Run {
    /// The NDJSON records of a `--format json` run.
    pub fn records(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    /// The `source` of each record of a `--format json` run, in order.
    pub fn sources(&self) -> Vec<String> {
        self.records()
            .iter()
            .map(|r| r["source"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Asserts nothing panicked and no trace or overflow leaked.
    pub fn no_panic(&self) {
        for word in ["panicked", "RUST_BACKTRACE", "stack backtrace", "overflow"] {
            assert!(!self.stderr.contains(word), "{}", self.stderr);
        }
    }
}

/// `whi ARGS` with a piped stdin, not yet written.
pub fn spawn(args: &[&str]) -> std::process::Child {
    command(args)
        .stdin(Stdio::piped())
        .spawn()
        .expect("whi starts")
}

/// Runs `whi ARGS` with `stdin` as its standard input; a run longer than
/// `deadline` is killed and fails the test as a hang. Asserts no panic.
pub fn bounded(args: &[&str], stdin: &[u8], deadline: std::time::Duration) -> Run {
    let mut child = spawn(args);
    let mut input = child.stdin.take().expect("stdin");
    let stdin = stdin.to_vec();
    // whi may not read stdin at all: a broken pipe here is fine.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let out = reader(child.stdout.take().expect("stdout"));
    let err = reader(child.stderr.take().expect("stderr"));
    let code = wait(&mut child, deadline);
    let _ = writer.join();
    let run = Run {
        code,
        stdout: out.join().expect("stdout read"),
        stderr: err.join().expect("stderr read"),
    };
    run.no_panic();
    run
}

/// Reads a child's stream to its end on a thread of its own.
pub fn reader(mut from: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = from.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Waits for the child, killing it and failing if it outlives `deadline`.
pub fn wait(child: &mut std::process::Child, deadline: std::time::Duration) -> i32 {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code().expect("exited, not killed by a signal");
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            panic!("whi hung for more than {deadline:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// The messages of a record's `errors` or `warnings` list.
pub fn messages(record: &Value, list: &str) -> Vec<String> {
    record[list]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["message"].as_str().map(str::to_string))
        .collect()
}
