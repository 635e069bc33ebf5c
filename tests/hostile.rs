//! Hostile input, round three (issue 16): hangs, exit codes that lie,
//! terminal injection, unsafe export, streaming output, lenient captures.
//! Beside `tests/bad_input.rs`, with the same rules: each case runs the
//! built binary with an explicit stdin and a deadline (60 s), asserts the
//! exit code and the words, and big inputs are generated at test time.

mod util;

use serde_json::Value;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};
use std::{fs, thread};

const GOOD: &str = "samples/salla/order.created.json";

/// Longest any case may run before it counts as a hang.
const DEADLINE: Duration = Duration::from_secs(60);

/// What one run of `whi` did.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The NDJSON records of a `--format json` run.
    fn records(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    /// Asserts nothing panicked and no trace leaked.
    fn no_panic(&self) {
        for word in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
            assert!(!self.stderr.contains(word), "{}", self.stderr);
        }
    }
}

fn spawn(args: &[&str]) -> Child {
    util::command(args)
        .stdin(Stdio::piped())
        .spawn()
        .expect("whi starts")
}

/// Runs `whi ARGS` with `stdin` as its standard input, within the deadline.
fn whi(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = spawn(args);
    let mut input = child.stdin.take().expect("stdin");
    let stdin = stdin.to_vec();
    // whi may not read stdin at all: a broken pipe here is fine.
    let writer = thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let out = reader(child.stdout.take().expect("stdout"));
    let err = reader(child.stderr.take().expect("stderr"));
    let code = wait(&mut child);
    let _ = writer.join();
    let run = Run {
        code,
        stdout: out.join().expect("stdout read"),
        stderr: err.join().expect("stderr read"),
    };
    run.no_panic();
    run
}

fn reader(mut from: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = from.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Waits for the child, killing it and failing if it outlives the deadline.
fn wait(child: &mut Child) -> i32 {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code().expect("exited, not killed by a signal");
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("whi hung for more than {DEADLINE:?}");
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// A temporary directory, removed when dropped.
struct Temp(PathBuf);

impl Temp {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("whi-hostile-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        Temp(dir)
    }

    /// Writes `bytes` to `name` inside; returns the path as an argument.
    fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("dirs");
        }
        fs::write(&path, bytes).expect("write fixture");
        self.arg(name)
    }

    fn arg(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn sample() -> String {
    fs::read_to_string(util::root().join(GOOD)).expect("sample")
}

// ---------------------------------------------------------------- globs

/// `'d/**/*.json'` with `d/up -> ..` hung with memory growing; a back-link
/// reported one file many times. Links to directories are noted, not followed.
#[cfg(unix)]
#[test]
fn globs_follow_no_directory_links() {
    use std::os::unix::fs::symlink;
    let temp = Temp::new("glob-loop");
    temp.file("d/a.json", sample());
    temp.file("d/sub/b.json", sample());
    symlink("..", temp.0.join("d/up")).expect("link");
    symlink("sub", temp.0.join("d/back")).expect("link");
    let pattern = temp.arg("d/**/*.json");
    let run = whi(&["validate", "--format", "json", &pattern], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sources: Vec<String> = run
        .records()
        .iter()
        .map(|r| r["source"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        sources,
        [temp.arg("d/a.json"), temp.arg("d/sub/b.json")],
        "each file once"
    );
    for link in ["d/back", "d/up"] {
        let note = format!(
            "note: {}: skipped: symbolic link to a directory, not followed",
            temp.arg(link)
        );
        assert!(run.stderr.contains(&note), "{}", run.stderr);
    }
}

// ---------------------------------------------------------- exit codes

/// `whi validate bad/ | head -1` exited 0, so a CI step with `pipefail`
/// passed invalid payloads: a closed stdout stops the writing, not the
/// checking, and the exit status is the real verdict.
#[test]
fn a_closed_stdout_keeps_the_real_verdict() {
    use std::io::BufRead;
    let temp = Temp::new("head");
    temp.file("0000.json", sample());
    for i in 1..2000 {
        temp.file(&format!("{i:04}.json"), "{\"event\": \"order.created\"}");
    }
    let dir = temp.arg("");
    for format in ["human", "json"] {
        let mut child = spawn(&["validate", "--format", format, &dir]);
        drop(child.stdin.take());
        let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let err = reader(child.stderr.take().expect("stderr"));
        let mut first = String::new();
        out.read_line(&mut first).expect("a line");
        assert!(first.contains("0000.json"), "{first}");
        drop(out);
        let code = wait(&mut child);
        let stderr = err.join().expect("stderr");
        assert_eq!((code, stderr.as_str()), (1, ""), "{format}");
    }
}

/// An EPIPE on stderr hid a missing input (exit 0): the run goes on.
#[test]
fn a_closed_stderr_does_not_hide_a_missing_input() {
    let mut child = util::command(&["validate", "no/such/file.json", GOOD])
        .stdin(Stdio::null())
        .spawn()
        .expect("whi starts");
    drop(child.stderr.take());
    let out = reader(child.stdout.take().expect("stdout"));
    let code = wait(&mut child);
    let stdout = out.join().expect("stdout");
    assert_eq!(code, 2, "{stdout}");
    assert!(stdout.contains("order.created valid"), "{stdout}");
}
