//! Captured requests end to end: `whi sign` builds a request that
//! `whi validate` verifies, and the secret never appears in any output.

mod util;

use std::io::Write;
use std::process::{Command, Output, Stdio};

const SECRET: &str = "whsec_test_7Yq2pL9x";

fn whi(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = util::command(args)
        .env("WHI_TEST_SECRET", SECRET)
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn whi");
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(stdin.unwrap_or_default())
            .expect("write stdin");
    }
    child.wait_with_output().expect("wait for whi")
}

#[test]
fn a_signed_request_verifies_and_is_framed_with_crlf() {
    let signed = whi(
        &[
            "sign",
            "--provider",
            "salla",
            "--secret-env",
            "WHI_TEST_SECRET",
            "--request",
            "samples/salla/order.created.json",
        ],
        None,
    );
    assert_eq!(signed.status.code(), Some(0));
    let request = signed.stdout;
    let split = request
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("blank line after headers");
    let head = String::from_utf8_lossy(&request[..split]);
    assert!(
        head.starts_with("POST /webhooks HTTP/1.1\r\nHost: localhost:8080\r\n"),
        "{head}"
    );
    let body = &request[split + 4..];
    let sample = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/salla/order.created.json"
    ))
    .expect("sample");
    assert_eq!(body, &sample[..], "the body is sent byte for byte");
    assert!(head.contains(&format!("Content-Length: {}\r\n", sample.len())));

    let checked = whi(
        &[
            "validate",
            "--format",
            "json",
            "--secret-env",
            "WHI_TEST_SECRET",
        ],
        Some(&request),
    );
    assert_eq!(
        checked.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
    let record: serde_json::Value =
        serde_json::from_slice(&checked.stdout).expect("one JSON record");
    assert_eq!(record["signature"]["status"], "valid");
    assert!(
        record["detected_by"]
            .as_str()
            .is_some_and(|d| d.starts_with("header X-Salla-Signature"))
    );

    let mut tampered = request.clone();
    let at = tampered.len() - 10;
    tampered[at] = if tampered[at] == b'1' { b'2' } else { b'1' };
    let rejected = whi(
        &[
            "validate",
            "--format",
            "json",
            "--secret-env",
            "WHI_TEST_SECRET",
        ],
        Some(&tampered),
    );
    assert_eq!(rejected.status.code(), Some(1));
}

#[test]
fn the_secret_never_appears_in_any_output() {
    let fixtures = "tests/fixtures/capture/";
    for format in ["human", "json", "github", "junit", "sarif"] {
        for command in ["validate", "inspect"] {
            let out = whi(
                &[
                    command,
                    "--format",
                    format,
                    "--secret-env",
                    "WHI_TEST_SECRET",
                    "--verbose",
                    fixtures,
                ],
                None,
            );
            let all = [out.stdout, out.stderr].concat();
            let text = String::from_utf8_lossy(&all);
            assert!(
                !text.contains(SECRET),
                "{command} --format {format} printed the secret"
            );
            assert!(
                text.len() > 100,
                "{command} --format {format} printed something"
            );
        }
    }
}

#[test]
fn har_entries_keep_their_own_sources_and_positions() {
    let out = whi(
        &[
            "validate",
            "--format",
            "json",
            "tests/fixtures/capture/devtools.har",
        ],
        None,
    );
    let sources: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|r| r["source"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        sources,
        ["#entries/0", "#entries/1", "#entries/2"]
            .map(|s| format!("tests/fixtures/capture/devtools.har{s}"))
    );
}

#[test]
fn ndjson_problems_are_reported_at_their_line_of_the_log() {
    let out = whi(
        &[
            "validate",
            "--format",
            "json",
            "tests/fixtures/capture/corrupt-line.jsonl",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let records: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(records.len(), 5, "every other line is still validated");
    let broken = records
        .iter()
        .find(|r| r["status"] == "unparseable")
        .expect("the corrupt line");
    assert_eq!(
        broken["source"],
        "tests/fixtures/capture/corrupt-line.jsonl:3"
    );
    assert_eq!(broken["errors"][0]["line"], 3);
    assert_eq!(records.iter().filter(|r| r["valid"] == true).count(), 4);
}

#[cfg(unix)]
#[test]
fn interrupt_exits_130_without_a_trace() {
    let mut child = util::command(&["validate"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn whi");
    // whi now waits on stdin; interrupt it as Ctrl-C would
    let pid = child.id().to_string();
    let mut waited = 0;
    loop {
        std::thread::sleep(std::time::Duration::from_millis(100));
        waited += 100;
        let status = Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("kill");
        assert!(status.success());
        std::thread::sleep(std::time::Duration::from_millis(100));
        if child.try_wait().ok().flatten().is_some() || waited > 3000 {
            break;
        }
    }
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(130));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
