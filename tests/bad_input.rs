//! Hostile and broken input, run against the built binary: whatever comes
//! in, `whi` answers with a clear message and the right exit code, never
//! panics or hangs, and still reports every other input given beside it.
//!
//! Each case runs `whi` with an explicit stdin and a deadline, parses the
//! NDJSON records (`--format json`) or reads stderr, and asserts both the
//! exit code and the words. Large fixtures are generated at test time in a
//! temporary directory, never committed.

mod util;

use serde_json::Value;
use std::fs;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command};
use std::time::Duration;

const GOOD: &str = "samples/salla/order.created.json";

/// Longest any case may run before it counts as a hang.
const DEADLINE: Duration = Duration::from_secs(120);

use util::{Run, Temp, reader, root, spawn};

/// What the bad-input cases ask of a run, beside [`Run`]'s own checks.
trait Reported {
    /// The record of `source`.
    fn record(&self, source: &str) -> Value;
    /// Asserts the good sample given beside the bad input was reported valid.
    fn good_still_reported(&self);
}

impl Reported for Run {
    fn record(&self, source: &str) -> Value {
        self.records()
            .into_iter()
            .find(|r| r["source"] == source)
            .unwrap_or_else(|| panic!("no record for {source}:\n{}", self.stdout))
    }

    fn good_still_reported(&self) {
        assert_eq!(self.record(GOOD)["status"], "valid", "{}", self.stdout);
    }
}

/// Runs `whi ARGS` with `stdin` as its standard input, within the deadline.
fn whi(args: &[&str], stdin: &[u8]) -> Run {
    util::bounded(args, stdin, DEADLINE)
}

/// Waits for the child, killing it and failing if it outlives the deadline.
fn wait(child: &mut Child) -> i32 {
    util::wait(child, DEADLINE)
}

fn sample() -> String {
    fs::read_to_string(root().join(GOOD)).expect("sample")
}

/// The good sample with `member` (`"key": value`) inserted first in `data`.
fn sample_with(member: &str) -> String {
    let text = sample();
    let at = text.find("\"data\": {").expect("data") + "\"data\": {".len();
    format!("{}{member},{}", &text[..at], &text[at..])
}

/// Runs `whi validate --format json BAD GOOD`, with `BAD` written to a file,
/// and returns the run and the bad input's record.
fn validate_file(name: &str, bytes: impl AsRef<[u8]>) -> (Run, Value) {
    let temp = Temp::new(name);
    let bad = temp.file(name, bytes);
    let run = whi(&["validate", "--format", "json", &bad, GOOD], b"");
    run.good_still_reported();
    let record = run.record(&bad);
    (run, record)
}

/// The first error of a record: (keyword, message, line, column).
fn first_error(record: &Value) -> (String, String, u64, u64) {
    let e = &record["errors"][0];
    (
        e["keyword"].as_str().unwrap_or_default().to_string(),
        e["message"].as_str().unwrap_or_default().to_string(),
        e["line"].as_u64().unwrap_or_default(),
        e["column"].as_u64().unwrap_or_default(),
    )
}

/// Asserts an unparseable record whose message contains `words`, at `at`.
fn assert_syntax(run: &Run, record: &Value, words: &str, at: (u64, u64)) {
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(record["status"], "unparseable");
    let (keyword, message, line, column) = first_error(record);
    assert_eq!(keyword, "syntax");
    assert!(message.contains(words), "{message:?} lacks {words:?}");
    assert_eq!((line, column), at, "{message}");
}

#[test]
fn empty_file() {
    let (run, record) = validate_file("empty.json", "");
    assert_syntax(&run, &record, "the input is empty", (1, 1));
}

#[test]
fn empty_stdin() {
    let run = whi(&["validate", "--format", "json", "-", GOOD], b"");
    run.good_still_reported();
    assert_syntax(&run, &run.record("-"), "the input is empty", (1, 1));
}

#[test]
fn whitespace_only() {
    let (run, record) = validate_file("blank.json", " \n\t\r\n  ");
    assert_syntax(&run, &record, "the input is empty", (1, 1));
}

#[test]
fn utf8_bom_is_accepted() {
    let run = whi(
        &["validate", "--format", "json", "-", GOOD],
        format!("\u{feff}{}", sample()).as_bytes(),
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.record("-")["status"], "valid");
    run.good_still_reported();
}

#[test]
fn invalid_utf8_inside_a_string() {
    let (run, record) = validate_file("latin1.json", b"{\n  \"name\": \"Caf\xe9\"\n}");
    assert_syntax(&run, &record, "not UTF-8 text: invalid byte 0xE9", (2, 15));
}

#[test]
fn utf16_files_with_and_without_bom() {
    let units: Vec<u8> = sample()
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let with_bom = [&[0xFF, 0xFE][..], &units].concat();
    for bytes in [with_bom, units] {
        let (run, record) = validate_file("utf16.json", bytes);
        assert_syntax(&run, &record, "UTF-16 text; convert it to UTF-8", (1, 1));
    }
}

#[test]
fn binary_garbage() {
    // A fixed pseudo-random sequence (xorshift), so failures reproduce.
    let mut x: u32 = 0x9E37_79B9;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect();
    let (run, record) = validate_file("garbage.json", bytes);
    assert_syntax(&run, &record, "binary data, not JSON text", (1, 4));
    let (run, record) = validate_file("nul.json", b"{\"a\": 1}\0");
    assert_syntax(&run, &record, "NUL byte", (1, 9));
}

#[test]
fn truncated_json() {
    let text = sample();
    let (run, record) = validate_file("truncated.json", &text[..text.len() / 2]);
    let lines = text[..text.len() / 2].lines().count() as u64;
    let (_, message, line, _) = first_error(&record);
    assert!(message.contains("EOF while parsing"), "{message}");
    assert_eq!(line, lines);
    assert_eq!(run.code, 1);
}

#[test]
fn trailing_garbage_after_a_value() {
    let text = format!("{}\nthat's all folks", sample().trim_end());
    let lines = text.lines().count() as u64;
    let (run, record) = validate_file("trailing.json", text);
    assert_syntax(&run, &record, "trailing characters", (lines, 1));
}

#[test]
fn null_scalar_and_array_of_scalars_at_top_level() {
    for (text, words) in [
        ("null", "null, where a JSON object was expected"),
        (
            "42",
            "a single JSON value, where a JSON object was expected",
        ),
        ("\"order\"", "a single JSON value"),
        (
            "[1, \"two\", null]",
            "an array that is not a list of webhook objects",
        ),
        ("[]", "an empty array"),
    ] {
        let (run, record) = validate_file("top.json", text);
        assert_eq!(run.code, 1);
        assert_eq!(record["status"], "unrecognised", "{text}");
        let (keyword, message, line, column) = first_error(&record);
        assert_eq!(keyword, "unrecognised");
        assert!(message.contains(words), "{text}: {message}");
        assert_eq!((line, column), (1, 1));
    }
}

#[test]
fn duplicate_keys_are_found_and_the_last_value_counts() {
    use whi::check::duplicates;
    use whi::ingest::input::Source;
    use whi::ingest::payload::{self, Parsed};
    // The sample's status slug twice: serde_json keeps the second.
    let text = sample_with("\"read\": false");
    let parsed = payload::parse(Source {
        name: "dup.json".into(),
        bytes: text.clone().into_bytes(),
    });
    let Some(Parsed::Payload(body)) = parsed.first() else {
        panic!("not a payload")
    };
    let found = duplicates::find(body);
    assert_eq!(found.len(), 1, "{found:?}");
    let last_line = text[..text.rfind("\"read\": true").expect("read")]
        .lines()
        .count();
    assert_eq!(found[0].pointer, "/data/read");
    assert_eq!((found[0].position.line, found[0].position.column), (5, 12));
    assert_eq!(
        found[0].message,
        format!("duplicate key \"read\": the last value (line {last_line}) counts")
    );
    // Through the binary, the payload is still checked with the last value.
    let (run, record) = validate_file("dup.json", &text);
    assert_eq!(run.code, 0);
    assert_eq!(record["status"], "valid");
}

#[test]
fn numbers_beyond_i64_and_f64() {
    for number in ["1e400", "1180591620717411303424", "-1e400", "1e-400"] {
        let text = sample().replacen("\"amount\": 347.83", &format!("\"amount\": {number}"), 1);
        let (run, record) = validate_file("big-number.json", text);
        assert_eq!(run.code, 0, "{number}: {}", run.stdout);
        assert_eq!(record["status"], "valid", "{number}");
    }
    // Where an integer is required, a huge integer still is one and a tiny
    // fraction is not; either way the answer is a record, not a crash.
    let text = sample().replacen("\"id\": 1873402915", "\"id\": 1e-400", 1);
    let (run, record) = validate_file("tiny.json", text);
    assert_eq!(run.code, 1);
    assert_eq!(record["errors"][0]["keyword"], "type");
    assert_eq!(record["errors"][0]["pointer"], "/data/id");
}

#[test]
fn nesting_100000_levels_deep() {
    let deep = 100_000;
    let arrays = format!("{}{}", "[".repeat(deep), "]".repeat(deep));
    let objects = format!("{}1{}", "{\"a\":".repeat(deep), "}".repeat(deep));
    for (name, text) in [
        ("arrays.json", arrays.clone()),
        ("objects.json", objects),
        ("in-data.json", sample_with(&format!("\"deep\": {arrays}"))),
    ] {
        let (run, record) = validate_file(name, text);
        let (keyword, message, _, _) = first_error(&record);
        assert_eq!(keyword, "syntax", "{name}");
        assert_eq!(
            message, "not valid JSON: nested more than 128 levels deep (recursion limit exceeded)",
            "{name}"
        );
        assert_eq!(run.code, 1);
    }
    // Just within the limit, the whole pipeline copes: a valid payload.
    let (run, record) = validate_file(
        "in-data-120.json",
        sample_with(&format!("\"deep\": {}{}", "[".repeat(120), "]".repeat(120))),
    );
    assert_eq!((run.code, &record["status"]), (0, &Value::from("valid")));
}

#[test]
fn a_100_mb_payload() {
    let item = format!("\"{}\"", "x".repeat(98));
    let padding = vec![item.as_str(); 1_000_000].join(",");
    let text = sample_with(&format!("\"padding\": [{padding}]"));
    assert!(text.len() > 100_000_000);
    let (run, record) = validate_file("huge.json", text);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(record["status"], "valid");
}

#[test]
fn a_1_mb_string() {
    let text = sample_with(&format!("\"note\": \"{}\"", "é".repeat(500_000)));
    let (run, record) = validate_file("long-string.json", text);
    assert_eq!(run.code, 0);
    assert_eq!(record["status"], "valid");
}

#[test]
fn thousands_of_errors_are_located_in_one_pass() {
    // Every item's id of the wrong type: each error needs a line and
    // column. Located one scan at a time this took minutes; now seconds.
    let text = sample();
    let value: Value = serde_json::from_str(&text).expect("sample");
    let mut item = value["data"]["items"][0].clone();
    item["id"] = Value::from("not a number");
    let items = vec![item; 3000];
    let mut body = value.clone();
    body["data"]["items"] = Value::from(items);
    let text = serde_json::to_string_pretty(&body).expect("json");
    let (run, record) = validate_file("many-errors.json", text);
    assert_eq!(run.code, 1);
    let errors = record["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 3000);
    assert!(errors.iter().all(|e| e["line"].is_u64()));
    assert_eq!(errors[2999]["pointer"], "/data/items/2999/id");
}

#[test]
fn a_batch_of_20000_bodies() {
    // Each unrecognised element is located ("#/N" at line:column); found
    // by skipping N elements each time, this was quadratic.
    let text = format!("[\n{}\n]", vec!["{\"a\": 1}"; 20_000].join(",\n"));
    let temp = Temp::new("batch");
    let batch = temp.file("batch.json", text);
    let run = whi(&["validate", "--format", "json", &batch, GOOD], b"");
    assert_eq!(run.code, 1);
    let last = run.record(&format!("{batch}#/19999"));
    assert_eq!(last["status"], "unrecognised");
    assert_eq!(
        (&last["errors"][0]["line"], &last["errors"][0]["column"]),
        (&Value::from(20_001), &Value::from(1))
    );
    run.good_still_reported();
}

/// A body `whi` recognises (Snipcart) but has no schema for: the cheapest
/// payload that still counts as fine (exit 0).
const UNCHECKED: &str = r#"{"eventName": "shippingrates.fetch", "mode": "Live", "content": {}}"#;

#[test]
fn a_directory_of_50000_files() {
    let temp = Temp::new("many");
    for i in 0..50_000 {
        let sub = format!("d{:02}", i % 100);
        let _ = fs::create_dir(temp.0.join(&sub));
        fs::write(temp.0.join(format!("{sub}/{i:05}.json")), UNCHECKED).expect("write");
    }
    let run = whi(&["validate", &temp.arg(""), GOOD], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let last = run.stdout.lines().last().unwrap_or_default();
    assert_eq!(last, "50001 payloads: 1 valid, 50000 not checked");
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn fifo_socket_and_symlink_loop_are_skipped_without_hanging() {
    let temp = special_files("special");
    let run = whi(&["validate", "--format", "json", &temp.arg(""), GOOD], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sources = run.sources();
    assert_eq!(sources, vec![temp.arg("good.json"), GOOD.to_string()]);
    run.good_still_reported();
    // The library says what was passed over, for the renderer to print.
    let (_, notes) = whi::ingest::input::resolve_noting(&[temp.arg("")]);
    let notes: Vec<String> = notes
        .iter()
        .map(|n| format!("note: {}: {}", n.input, n.message))
        .collect();
    assert_eq!(notes, expected_notes(&temp));
}

/// The notes of [`special_files`], as stderr should show them.
fn expected_notes(temp: &Temp) -> Vec<String> {
    vec![
        format!(
            "note: {}: skipped: symbolic link: too many levels of symbolic links (os error 40)",
            temp.arg("loop.json")
        ),
        format!(
            "note: {}: skipped: not a regular file (FIFO)",
            temp.arg("pipe.json")
        ),
        format!(
            "note: {}: skipped: not a regular file (socket)",
            temp.arg("sock.json")
        ),
    ]
}

/// A directory holding a good payload, a FIFO, a socket and a link loop.
#[cfg(unix)]
fn special_files(name: &str) -> Temp {
    let temp = Temp::new(name);
    fs::copy(root().join(GOOD), temp.0.join("good.json")).expect("copy");
    let status = Command::new("mkfifo")
        .arg(temp.0.join("pipe.json"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let socket = std::os::unix::net::UnixListener::bind(temp.0.join("sock.json"));
    // The socket file stays after the listener closes.
    drop(socket.expect("socket"));
    std::os::unix::fs::symlink("loop.json", temp.0.join("loop.json")).expect("symlink");
    temp
}

#[cfg(unix)]
#[test]
fn skipped_special_files_are_noted_on_stderr() {
    let temp = special_files("noted");
    let run = whi(&["validate", &temp.arg(""), GOOD], b"");
    assert_eq!(run.code, 0);
    let notes: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(notes, expected_notes(&temp));
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_are_walked() {
    use std::os::unix::ffi::OsStrExt;
    let temp = Temp::new("names");
    let name = std::ffi::OsStr::from_bytes(b"\xff\xfe.json");
    fs::copy(root().join(GOOD), temp.0.join(name)).expect("copy");
    let run = whi(&["validate", "--format", "json", &temp.arg(""), GOOD], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.record(&temp.arg("\\xff\\xfe.json"));
    run.good_still_reported();
}

/// Runs `whi ARGS` in `dir`, where arguments may be any bytes the OS allows.
#[cfg(unix)]
fn whi_os(dir: &std::path::Path, args: &[&std::ffi::OsStr]) -> Run {
    let output = util::command(&[])
        .current_dir(dir)
        .args(args)
        .output()
        .expect("whi runs");
    let run = Run {
        code: output.status.code().expect("exited"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    run.no_panic();
    run
}

/// File names given on the command line that are not UTF-8, hold a line
/// break, or start with a dash (after `--`) are read: clap refused the
/// first (exit 2). Human output shows them escaped (`\xe9`, `\n`), JSON
/// carries UTF-8 names exactly and other bytes as `\xNN`.
#[cfg(unix)]
#[test]
fn any_file_name_the_os_allows_works_on_the_command_line() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let temp = Temp::new("os-names");
    let latin1 = temp.0.join(OsStr::from_bytes(b"caf\xe9.json"));
    let newline = temp.0.join("new\nline.json");
    let dash = "-leading.json";
    for path in [&latin1, &newline, &temp.0.join(dash)] {
        fs::copy(root().join(GOOD), path).expect("copy");
    }
    let ndjson = temp.0.join(OsStr::from_bytes(b"log\xff.ndjson"));
    fs::write(&ndjson, format!("{}\n", compact_sample())).expect("write");
    let shown = |name: &str| temp.arg(name);
    let json = whi_os(
        &temp.0,
        &[
            "validate".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            latin1.as_os_str(),
            newline.as_os_str(),
            ndjson.as_os_str(),
            "--".as_ref(),
            dash.as_ref(),
        ],
    );
    assert_eq!(json.code, 0, "{}", json.stderr);
    let sources = json.sources();
    assert_eq!(
        sources,
        [
            shown("caf\\xe9.json"),
            shown("new\nline.json"),
            shown("log\\xff.ndjson:1"),
            dash.to_string()
        ]
    );
    let human = whi_os(
        &temp.0,
        &["validate".as_ref(), latin1.as_os_str(), newline.as_os_str()],
    );
    assert_eq!(human.code, 0, "{}", human.stderr);
    let lines: Vec<&str> = human
        .stdout
        .lines()
        .filter(|l| l.contains("salla/order.created valid"))
        .collect();
    assert_eq!(
        lines,
        [
            format!("{}: salla/order.created valid", shown("caf\\xe9.json")),
            format!("{}: salla/order.created valid", shown("new\\nline.json")),
        ]
    );
    // Missing, and named in the error as whi names it.
    let missing = temp.0.join(OsStr::from_bytes(b"nope\xff\n.json"));
    let run = whi_os(&temp.0, &["validate".as_ref(), missing.as_os_str()]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim_end(),
        format!(
            "error: {}: no such file or directory",
            shown("nope\\xff\\n.json")
        )
    );
    // Commands that take one payload take such names too, with suffixes.
    let line = OsStr::from_bytes(&[ndjson.as_os_str().as_bytes(), b":1"].concat()).to_owned();
    let diff = whi_os(&temp.0, &["diff".as_ref(), latin1.as_os_str(), &line]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    let secret = root().join("tests/fixtures/capture/secret.txt");
    let sign = whi_os(
        &temp.0,
        &[
            "sign".as_ref(),
            "--provider".as_ref(),
            "salla".as_ref(),
            "--secret-file".as_ref(),
            secret.as_os_str(),
            latin1.as_os_str(),
        ],
    );
    assert_eq!(sign.code, 0, "{}", sign.stderr);
    assert!(
        sign.stdout.contains("X-Salla-Signature: "),
        "{}",
        sign.stdout
    );
}

#[cfg(unix)]
fn compact_sample() -> String {
    let value: Value = serde_json::from_str(&sample()).expect("sample");
    value.to_string()
}

#[test]
fn paths_that_are_not_what_was_expected() {
    let temp = Temp::new("paths");
    fs::create_dir(temp.0.join("empty")).expect("mkdir");
    let cases = [
        (
            format!("{GOOD}/"),
            format!("error: {GOOD}/: not a directory (os error 20)"),
        ),
        (
            temp.arg("empty"),
            format!(
                "error: {}: directory holds no *.json, *.ndjson, *.jsonl, *.http, *.har files",
                temp.arg("empty")
            ),
        ),
        (
            "no/such.json".to_string(),
            "error: no/such.json: no such file or directory".to_string(),
        ),
        (
            "nowhere/*.json".to_string(),
            "error: nowhere/*.json: glob matched no files".to_string(),
        ),
    ];
    for (arg, message) in cases {
        let run = whi(&["validate", "--format", "json", &arg, GOOD], b"");
        assert_eq!(run.code, 2, "{arg}");
        assert_eq!(run.stderr.trim_end(), message);
        run.good_still_reported();
    }
}

#[cfg(unix)]
#[test]
fn endless_input_is_refused_not_read_forever() {
    let run = whi(&["validate", "--format", "json", "/dev/zero", GOOD], b"");
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim_end(),
        "error: /dev/zero: larger than 1 GiB: whi reads each input whole, so it cannot be a webhook body"
    );
    run.good_still_reported();
}

/// A regular file over the cap is refused before a byte is read, whatever
/// its size beyond 64 KiB (a sparse file: no disk is used). It used to
/// skip the cap and be parsed whole.
#[test]
fn a_file_over_the_cap_is_refused_like_stdin() {
    let temp = Temp::new("cap");
    let path = temp.0.join("big.json");
    let file = fs::File::create(&path).expect("create");
    file.set_len((1 << 30) + 200 * (1 << 20))
        .expect("sparse file");
    drop(file);
    let arg = path.display().to_string();
    let run = whi(&["validate", "--format", "json", &arg, GOOD], b"");
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim_end(),
        format!(
            "error: {arg}: larger than 1 GiB: whi reads each input whole, so it cannot be a webhook body"
        )
    );
    run.good_still_reported();
}

#[test]
fn stdout_closed_early_ends_quietly() {
    let temp = Temp::new("pipe");
    for i in 0..3000 {
        fs::write(temp.0.join(format!("{i:04}.json")), UNCHECKED).expect("write");
    }
    let dir = temp.arg("");
    for format in ["human", "json"] {
        let mut child = spawn(&["validate", "--format", format, &dir]);
        drop(child.stdin.take());
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let err = reader(child.stderr.take().expect("stderr"));
        let mut first = String::new();
        out.read_line(&mut first).expect("a line");
        assert!(first.contains("0000.json"), "{first}");
        drop(out);
        let code = wait(&mut child);
        let stderr = err.join().expect("stderr");
        assert_eq!((code, stderr.as_str()), (0, ""), "{format}");
    }
}

/// A full stderr (`2>/dev/full`) or stdout (`--help >/dev/full`) is an
/// error to report by exit status, never a panic (101) or a false success.
#[cfg(target_os = "linux")]
#[test]
fn full_output_devices_fail_cleanly() {
    let full = || {
        fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full")
    };
    let status = util::command(&["validate", "no/such.json"])
        .stderr(full())
        .status()
        .expect("whi runs");
    assert_eq!(status.code(), Some(2), "stderr full");
    let status = util::command(&["--help"])
        .stdout(full())
        .status()
        .expect("whi runs");
    assert_eq!(status.code(), Some(2), "--help into a full stdout");
}

/// `--secret-file /dev/zero` used to read until memory ran out.
#[cfg(unix)]
#[test]
fn an_endless_secret_file_is_refused() {
    let run = whi(&["validate", "--secret-file", "/dev/zero", GOOD], b"");
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim_end(),
        "error: --secret-file /dev/zero: larger than 4 KiB, which no webhook secret is"
    );
}

/// `whi sign --url` with CR/LF would inject headers into the printed request.
#[test]
fn sign_refuses_a_url_with_line_breaks() {
    let run = whi(
        &[
            "sign",
            "--provider",
            "salla",
            "--secret-file",
            "tests/fixtures/capture/secret.txt",
            "--request",
            "--url",
            "http://localhost/hook\r\nX-Injected: 1",
            GOOD,
        ],
        b"",
    );
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("--url"), "{}", run.stderr);
}
