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

// ---------------------------------------------------------- signatures

const SECRET: &str = "tests/fixtures/capture/secret.txt";

/// The X-Salla-Signature `whi sign` computes for `body` (a file).
fn salla_signature(body: &str) -> String {
    let run = whi(
        &["sign", "--provider", "salla", "--secret-file", SECRET, body],
        b"",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
        .lines()
        .find_map(|l| l.strip_prefix("X-Salla-Signature: "))
        .expect("a signature header")
        .to_string()
}

/// A raw request carrying `body` with `signatures` as X-Salla-Signature headers.
fn salla_capture(body: &[u8], signatures: &[&str]) -> Vec<u8> {
    let mut request =
        b"POST /hook HTTP/1.1\r\nHost: example.com\r\nX-Salla-Security-Strategy: Signature\r\n"
            .to_vec();
    for signature in signatures {
        request.extend_from_slice(format!("X-Salla-Signature: {signature}\r\n").as_bytes());
    }
    request.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    request.extend_from_slice(body);
    request
}

/// The signature error of a one-payload `--format json` run, and its exit code.
fn signature_error(capture: &str) -> (i32, String) {
    let run = whi(
        &[
            "validate",
            "--format",
            "json",
            "--secret-file",
            SECRET,
            capture,
        ],
        b"",
    );
    let records = run.records();
    let message = records[0]["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["message"].as_str())
        .find(|m| m.starts_with("signature invalid"))
        .unwrap_or_default()
        .to_string();
    (run.code, message)
}

/// Two X-Salla-Signature headers: the first won silently. Ambiguous: invalid.
#[test]
fn a_duplicated_signature_header_is_invalid_and_says_why() {
    let temp = Temp::new("dup-sig");
    let mac = salla_signature(GOOD);
    let capture = temp.file(
        "twice.http",
        salla_capture(sample().as_bytes(), &[&mac, &"0".repeat(64)]),
    );
    let (code, message) = signature_error(&capture);
    assert_eq!(code, 1);
    assert!(
        message.contains("2 X-Salla-Signature headers: ambiguous"),
        "{message}"
    );
    let once = temp.file("once.http", salla_capture(sample().as_bytes(), &[&mac]));
    assert_eq!(signature_error(&once), (0, String::new()));
}

/// A BOM was stripped before the HMAC: `sign` and the check use raw bytes.
#[test]
fn a_byte_order_mark_is_signed_and_verified_as_sent() {
    let temp = Temp::new("bom-sig");
    let with_bom = [&b"\xEF\xBB\xBF"[..], sample().as_bytes()].concat();
    let body = temp.file("bom.json", &with_bom);
    let mac = salla_signature(&body);
    assert_ne!(mac, salla_signature(GOOD), "the BOM is signed");
    let signed = temp.file("signed.http", salla_capture(&with_bom, &[&mac]));
    assert_eq!(signature_error(&signed), (0, String::new()));
    // Signed without the BOM, captured with it: the BOM is named.
    let added = temp.file(
        "added.http",
        salla_capture(&with_bom, &[&salla_signature(GOOD)]),
    );
    let (code, message) = signature_error(&added);
    assert_eq!(code, 1);
    assert!(message.contains("byte order mark"), "{message}");
}

/// A secret file holding only a newline became an empty key that signed.
#[test]
fn a_secret_file_of_one_line_break_is_refused() {
    let temp = Temp::new("empty-secret");
    for (name, bytes) in [("lf.txt", "\n"), ("crlf.txt", "\r\n")] {
        let secret = temp.file(name, bytes);
        for command in ["sign", "validate"] {
            let mut args = vec![command, "--secret-file", &secret, GOOD];
            if command == "sign" {
                args.splice(1..1, ["--provider", "salla"]);
            }
            let run = whi(&args, b"");
            assert_eq!(run.code, 2, "{command} {name}");
            assert!(run.stdout.is_empty(), "{}", run.stdout);
            assert_eq!(
                run.stderr.trim_end(),
                format!(
                    "error: --secret-file {secret}: holds only a line break: the secret is empty"
                )
            );
        }
    }
}

/// `sha256=<hex>` and a 16-byte digest were both "the secret is wrong".
#[test]
fn prefixed_and_short_digests_get_their_own_diagnosis() {
    let temp = Temp::new("digest-form");
    let mac = salla_signature(GOOD);
    let body = sample();
    let cases = [
        (
            "prefixed.http",
            format!("sha256={mac}"),
            "starts with sha256=",
        ),
        (
            "short.http",
            mac[..32].to_string(),
            "is a 16-byte digest (32 hex digits)",
        ),
        (
            "junk.http",
            "not-hex".to_string(),
            "is not a hex HMAC-SHA256 digest",
        ),
    ];
    for (name, signature, words) in cases {
        let capture = temp.file(name, salla_capture(body.as_bytes(), &[&signature]));
        let (code, message) = signature_error(&capture);
        assert_eq!(code, 1, "{name}");
        assert!(message.contains(words), "{name}: {message}");
        assert!(!message.contains("secret is wrong"), "{name}: {message}");
    }
}
