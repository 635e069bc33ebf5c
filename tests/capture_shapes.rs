//! Captures as proxies and tools save them (issue 15): compressed bodies
//! (Content-Encoding gzip, deflate as zlib and raw, br), and the other
//! shapes people save — a response, chunk extensions and trailers,
//! Content-Length beside chunked, repeated or conflicting lengths, a 1 MB
//! header line, 50,000 headers, NUL bytes, bad base64 in a HAR.
//!
//! Each case runs the built binary, parses its `--format json` records and
//! asserts the exit code and the words. Compressed and large captures are
//! generated at test time from the bundled sample, never committed.

mod util;

use base64::Engine;
use serde_json::Value;
use std::fs;
use std::io::Write;

const GOOD: &str = "samples/salla/order.created.json";
const SECRET: &str = "tests/fixtures/capture/secret.txt";

/// A temporary directory, removed when dropped.
use util::{Temp, messages};

/// `whi ARGS`: exit code, NDJSON records (for `--format json`), stderr.
fn whi(args: &[&str]) -> (i32, Vec<Value>, String) {
    let output = util::run(args, None);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    for word in ["panicked", "RUST_BACKTRACE"] {
        assert!(!stderr.contains(word), "{stderr}");
    }
    let records = if args.contains(&"json") {
        util::ndjson(&output)
    } else {
        Vec::new()
    };
    (output.status.code().expect("exited"), records, stderr)
}

/// The one record of `whi validate --format json FILE`, and the exit code.
/// `file` is unparseable (exit 1) with one error that starts with `words`;
/// its record.
fn unparseable(file: &str, words: &str) -> Value {
    let (code, record) = validate_one(file);
    assert_eq!(code, 1, "{file}");
    assert_eq!(record["status"], "unparseable", "{file}");
    let errors = messages(&record, "errors");
    assert!(
        errors.len() == 1 && errors[0].starts_with(words),
        "{file}: {errors:?}"
    );
    record
}

fn validate_one(file: &str) -> (i32, Value) {
    let (code, mut records, stderr) = whi(&["validate", "--format", "json", file]);
    assert_eq!(records.len(), 1, "{records:?}\n{stderr}");
    (code, records.remove(0))
}

fn sample() -> String {
    fs::read_to_string(util::root().join(GOOD)).expect("sample")
}

/// The sample made invalid in two places, pretty-printed, so that errors
/// have lines and columns to compare.
fn invalid_sample() -> String {
    sample()
        .replacen("\"merchant\": ", "\"merchant\": \"x\", \"was\": ", 1)
        .replacen("\"id\": ", "\"id\": \"not a number\", \"id_was\": ", 1)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("zlib");
    e.finish().expect("zlib")
}

fn raw_deflate(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("deflate");
    e.finish().expect("deflate")
}

fn br(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut e = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
        e.write_all(bytes).expect("br");
    }
    out
}

/// A raw request: request line, `head` (header lines ending in CRLF), a
/// blank line, then `body`.
fn request(head: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!("POST /hook HTTP/1.1\r\nHost: example.com\r\n{head}\r\n").into_bytes();
    out.extend_from_slice(body);
    out
}

/// The parts of a record that must not depend on how the body travelled.
fn verdict(record: &Value) -> Value {
    let mut record = record.clone();
    if let Some(fields) = record.as_object_mut() {
        for field in ["source", "note", "signature", "entry"] {
            fields.remove(field);
        }
    }
    record
}

// ----------------------------------------------------- Content-Encoding

/// Every coding of a valid and an invalid body gives the record the plain
/// body gives: same status, errors, pointers, lines and columns (in the
/// decoded body), and a note that says it was decoded.
#[test]
fn compressed_captures_validate_like_the_plain_body() {
    let temp = Temp::new("codings");
    for (label, body) in [("valid", sample()), ("invalid", invalid_sample())] {
        let plain = temp.file(&format!("{label}.json"), &body);
        let (plain_code, plain_record) = validate_one(&plain);
        let errors = plain_record["errors"].as_array().map_or(0, Vec::len);
        assert_eq!(errors > 0, label == "invalid", "{plain_record}");
        let body = body.as_bytes();
        let cases = [
            ("gzip", "gzip", gzip(body), "gzip"),
            ("zlib", "deflate", zlib(body), "deflate (zlib)"),
            (
                "raw",
                "deflate",
                raw_deflate(body),
                "deflate (raw, no zlib header)",
            ),
            ("br", "br", br(body), "br"),
            ("gzip-br", "gzip, br", br(&gzip(body)), "gzip, br"),
        ];
        for (name, header, encoded, from) in cases {
            assert_ne!(encoded, body, "{name}");
            let capture = temp.file(
                &format!("{label}-{name}.http"),
                request(
                    &format!(
                        "Content-Type: application/json\r\nContent-Encoding: {header}\r\nContent-Length: {}\r\n",
                        encoded.len()
                    ),
                    &encoded,
                ),
            );
            let (code, record) = validate_one(&capture);
            assert_eq!(code, plain_code, "{name} {label}: {record}");
            assert_eq!(verdict(&record), verdict(&plain_record), "{name} {label}");
            assert_eq!(
                record["note"],
                format!(
                    "body decoded from {from}; positions are in the decoded body, and signatures are checked over it"
                ),
                "{name} {label}"
            );
        }
        // A HAR whose postData is the gzip body in base64, with the header.
        let har = serde_json::json!({"log": {"version": "1.2", "entries": [{"request": {
            "method": "POST",
            "headers": [{"name": "Content-Encoding", "value": "gzip"}],
            "postData": {"mimeType": "application/json", "encoding": "base64",
                "text": base64::engine::general_purpose::STANDARD.encode(gzip(body))}}}]}});
        let har = temp.file(&format!("{label}.har"), har.to_string());
        let (code, record) = validate_one(&har);
        assert_eq!(code, plain_code, "har {label}: {record}");
        assert_eq!(verdict(&record), verdict(&plain_record), "har {label}");
    }
}

/// The same through `inspect` and `diff`: a gzip capture summarises and
/// compares as its plain body.
#[test]
fn inspect_and_diff_see_the_decoded_body() {
    let temp = Temp::new("inspect");
    let body = sample();
    let capture = temp.file(
        "gz.http",
        request("Content-Encoding: gzip\r\n", &gzip(body.as_bytes())),
    );
    let (code, records, stderr) = whi(&["inspect", "--format", "json", &capture]);
    assert_eq!(code, 0, "{stderr}");
    let (_, plain, _) = whi(&["inspect", "--format", "json", GOOD]);
    assert_eq!(records[0]["summary"], plain[0]["summary"]);
    let (code, _, stderr) = whi(&["diff", GOOD, &capture]);
    assert_eq!(code, 0, "{stderr}");
}

/// A Salla signature over the JSON body verifies on a gzip capture of
/// it: the provider signs the body it sends, before the coding.
#[test]
fn a_signed_gzip_capture_verifies() {
    let temp = Temp::new("signed");
    let signed = util::run(
        &["sign", "--provider", "salla", "--secret-file", SECRET, GOOD],
        None,
    );
    let mac = util::stdout(&signed)
        .lines()
        .find_map(|l| l.strip_prefix("X-Salla-Signature: ").map(str::to_string))
        .expect("a signature header");
    let head = |mac: &str| {
        format!(
            "X-Salla-Security-Strategy: Signature\r\nX-Salla-Signature: {mac}\r\nContent-Encoding: gzip\r\n"
        )
    };
    let body = gzip(sample().as_bytes());
    let capture = temp.file("signed.http", request(&head(&mac), &body));
    let (code, records, stderr) = whi(&[
        "validate",
        "--format",
        "json",
        "--secret-file",
        SECRET,
        &capture,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(records[0]["signature"]["status"], "valid", "{}", records[0]);
    // A signature over anything else still fails on the decoded body.
    let wrong = temp.file("wrong.http", request(&head(&"0".repeat(64)), &body));
    let (code, records, _) = whi(&[
        "validate",
        "--format",
        "json",
        "--secret-file",
        SECRET,
        &wrong,
    ]);
    assert_eq!(code, 1);
    assert_eq!(records[0]["signature"]["status"], "invalid");
}

/// Gzip members of a mebibyte of zeros each, more than 1 GiB decoded from
/// about 1 MB: refused at the cap with a message, beside a good input.
#[test]
fn a_compression_bomb_is_refused() {
    let temp = Temp::new("bomb");
    let member = gzip(&vec![0; 1 << 20]);
    let bomb = member.repeat(1025);
    assert!(bomb.len() < 2 << 20, "{}", bomb.len());
    let capture = temp.file("bomb.http", request("Content-Encoding: gzip\r\n", &bomb));
    let (code, records, stderr) = whi(&["validate", "--format", "json", &capture, GOOD]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(records[0]["status"], "unparseable");
    assert_eq!(
        messages(&records[0], "errors"),
        [
            "the body decoded from gzip is larger than 1 GiB: refused (a compression bomb, or not a webhook body)"
        ]
    );
    assert_eq!(records[1]["status"], "valid");
}

/// Codings whi does not know, bodies that do not decode, and a header over
/// a body that is already JSON.
#[test]
fn unknown_corrupt_and_already_plain_bodies_say_so() {
    let temp = Temp::new("odd-codings");
    let body = sample();
    let mut cut = gzip(body.as_bytes());
    cut.truncate(cut.len() / 2);
    let failing = [
        (
            "zstd.http",
            request("Content-Encoding: zstd\r\n", &gzip(body.as_bytes())),
            "the body is zstd-encoded (Content-Encoding: zstd): whi decodes gzip, deflate and br, not zstd; save the body decoded",
        ),
        (
            "compress.http",
            request(
                "Transfer-Encoding: compress, chunked\r\n",
                b"2\r\nab\r\n0\r\n\r\n",
            ),
            "the body is compress-encoded (Transfer-Encoding: compress)",
        ),
        (
            "garbage.http",
            request("Content-Encoding: gzip\r\n", b"\x00\x01binary, not gzip"),
            "the body does not decode as gzip (Content-Encoding: gzip): invalid gzip header",
        ),
        (
            "cut.http",
            request("Content-Encoding: gzip\r\n", &cut),
            "the body does not decode as gzip (Content-Encoding: gzip): the compressed data ends too soon (the capture may be cut short)",
        ),
        (
            "bad-br.http",
            request("Content-Encoding: br\r\n", b"\x00\x01binary"),
            "the body does not decode as br (Content-Encoding: br): not a whole brotli stream (corrupt, or cut short)",
        ),
    ];
    for (name, text, words) in failing {
        unparseable(&temp.file(name, text), words);
    }
    // Devtools decode the body and keep the header: checked as it stands.
    let plain = temp.file(
        "plain.http",
        request("Content-Encoding: gzip\r\n", body.as_bytes()),
    );
    let (code, record) = validate_one(&plain);
    assert_eq!((code, record["status"].as_str()), (0, Some("valid")));
    assert_eq!(
        messages(&record, "warnings"),
        [
            "Content-Encoding says gzip, but the body is plain JSON text (devtools keep the header after decoding): checked as it stands"
        ]
    );
    assert_eq!(record["note"], Value::Null, "{record}");
    // Positions stay the input's own (the body starts on line 5), and
    // the note is kept beside the syntax error.
    let broken = temp.file(
        "plain-broken.http",
        request("Content-Encoding: gzip\r\n", b"{\"event\": }"),
    );
    let (code, record) = validate_one(&broken);
    assert_eq!((code, record["status"].as_str()), (1, Some("unparseable")));
    assert_eq!(record["errors"][0]["line"], 5, "{record}");
    assert_eq!(record["errors"][0]["column"], 11, "{record}");
    assert!(
        messages(&record, "warnings")[0].starts_with("Content-Encoding says gzip"),
        "{record}"
    );
    // A syntax error in a decoded body is at the decoded body's position.
    let decoded = temp.file(
        "decoded-broken.http",
        request("Content-Encoding: gzip\r\n", &gzip(b"{\n  \"event\": }")),
    );
    let (code, record) = validate_one(&decoded);
    assert_eq!(code, 1);
    assert_eq!(
        (&record["errors"][0]["line"], &record["errors"][0]["column"]),
        (&Value::from(2), &Value::from(12)),
        "{record}"
    );
    assert!(
        record["note"]
            .as_str()
            .is_some_and(|n| n.starts_with("body decoded from gzip")),
        "{record}"
    );
}

/// `Transfer-Encoding: gzip, chunked` is de-chunked, then decoded.
#[test]
fn a_gzip_transfer_coding_is_decoded_after_the_chunks() {
    let temp = Temp::new("te-gzip");
    let encoded = gzip(sample().as_bytes());
    let (a, b) = encoded.split_at(encoded.len() / 2);
    let mut body = format!("{:x}\r\n", a.len()).into_bytes();
    body.extend_from_slice(a);
    body.extend_from_slice(format!("\r\n{:x}\r\n", b.len()).as_bytes());
    body.extend_from_slice(b);
    body.extend_from_slice(b"\r\n0\r\n\r\n");
    let file = temp.file(
        "te.http",
        request("Transfer-Encoding: gzip, chunked\r\n", &body),
    );
    let (code, record) = validate_one(&file);
    assert_eq!((code, record["status"].as_str()), (0, Some("valid")));
    assert_eq!(
        record["note"],
        "body decoded from gzip (Transfer-Encoding); positions are in the decoded body, and signatures are checked over it"
    );
}

// ---------------------------------------------------- other odd shapes

fn compact() -> String {
    let value: Value = serde_json::from_str(&sample()).expect("sample");
    value.to_string()
}

/// Shapes that are still a usable request: valid, with the note expected.
#[test]
fn odd_but_usable_requests_are_checked() {
    let temp = Temp::new("usable");
    let body = compact();
    let n = body.len();
    let big_line = format!("X-Big: {}\r\n", "a".repeat(1 << 20));
    let cases = [
        (
            "extensions-trailers.http",
            request(
                "Transfer-Encoding: chunked\r\n",
                format!(
                    "{n:x};name=value;flag\r\n{body}\r\n0\r\nX-Trailer: 1\r\nX-Other: 2\r\n\r\n"
                )
                .as_bytes(),
            ),
            None,
        ),
        (
            "length-and-chunked.http",
            request(
                &format!("Content-Length: {n}\r\nTransfer-Encoding: chunked\r\n"),
                format!("{n:x}\r\n{body}\r\n0\r\n\r\n").as_bytes(),
            ),
            Some(
                "the request has both Content-Length and Transfer-Encoding: chunked: the chunks were read and Content-Length ignored",
            ),
        ),
        (
            "same-length-twice.http",
            request(
                &format!("Content-Length: {n}\r\nContent-Length: {n}\r\n"),
                body.as_bytes(),
            ),
            None,
        ),
        (
            "megabyte-header.http",
            request(&big_line, body.as_bytes()),
            None,
        ),
        (
            "with-response.http",
            [
                request(&format!("Content-Length: {n}\r\n"), body.as_bytes()),
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec(),
            ]
            .concat(),
            Some("the response saved after the request was ignored"),
        ),
    ];
    for (name, text, note) in cases {
        let file = temp.file(name, text);
        let (code, record) = validate_one(&file);
        assert_eq!(
            (code, record["status"].as_str()),
            (0, Some("valid")),
            "{name}: {record}"
        );
        let warnings = messages(&record, "warnings");
        match note {
            Some(words) => assert!(
                warnings.len() == 1 && warnings[0].starts_with(words),
                "{name}: {warnings:?}"
            ),
            None => assert!(warnings.is_empty(), "{name}: {warnings:?}"),
        }
    }
}

/// Shapes that hold no usable body: exit 1, one capture error that says
/// what the input is, instead of a JSON syntax error at 1:1.
#[test]
fn unusable_captures_say_what_they_are() {
    let temp = Temp::new("unusable");
    let body = compact();
    let n = body.len();
    let many: String = (0..50_000).map(|i| format!("X-H{i}: {i}\r\n")).collect();
    let har = serde_json::json!({"log": {"version": "1.2", "entries": [{"request": {
        "method": "POST", "headers": [],
        "postData": {"mimeType": "application/json", "encoding": "base64", "text": "!!not base64!!"}}}]}});
    let cases = [
        (
            "response.http",
            format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{body}").into_bytes(),
            "this is an HTTP response (HTTP/1.1 200 OK), not a request: whi checks the body of the webhook request; save the request instead".to_string(),
        ),
        (
            "conflicting-lengths.http",
            request(
                &format!("Content-Length: {n}\r\nContent-Length: 5\r\n"),
                body.as_bytes(),
            ),
            format!(
                "Content-Length gives two lengths ({n} and 5): which bytes are the body is ambiguous"
            ),
        ),
        (
            "50000-headers.http",
            request(&many, body.as_bytes()),
            "more than 10000 header lines: not a webhook request".to_string(),
        ),
        (
            "nul-in-name.http",
            request("X-A\0B: 1\r\n", body.as_bytes()),
            "not valid HTTP headers: line 3 holds a NUL byte (the capture is binary or corrupted)".to_string(),
        ),
        (
            "nul-in-value.http",
            request("X-A: 1\0 2\r\n", body.as_bytes()),
            "not valid HTTP headers: line 3 holds a NUL byte (the capture is binary or corrupted)".to_string(),
        ),
        (
            "bad-base64.har",
            har.to_string().into_bytes(),
            "postData.text is not valid base64".to_string(),
        ),
    ];
    for (name, text, words) in cases {
        let record = unparseable(&temp.file(name, text), &words);
        assert_eq!(record["errors"][0]["keyword"], "capture", "{name}");
    }
}

// ----------------------------------------------------- edited captures

/// A capture edited by hand: a body longer than its Content-Length whose
/// whole is JSON is checked whole, with a warning saying by how much; a
/// body whose whole is not JSON either keeps the warning beside the syntax
/// error; a shorter body says how many bytes are missing.
#[test]
fn edited_captures_say_by_how_many_bytes() {
    let temp = Temp::new("edited");
    let body = sample();
    let head = |length: usize| {
        format!(
            "POST /hooks HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
        )
    };
    let longer = temp.file(
        "longer.http",
        format!("{}{body}", head(body.len() - 10)).into_bytes(),
    );
    let (code, record) = validate_one(&longer);
    assert_eq!(code, 0, "{record}");
    assert_eq!(record["status"], "valid");
    let warnings = messages(&record, "warnings");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("(10 more)") && w.contains("whole body was checked")),
        "{warnings:?}"
    );

    let broken = &body[..body.len() - 3];
    let neither = temp.file(
        "neither.http",
        format!("{}{broken}", head(broken.len() - 10)).into_bytes(),
    );
    let (code, record) = validate_one(&neither);
    assert_eq!(code, 1);
    assert_eq!(record["status"], "unparseable");
    let warnings = messages(&record, "warnings");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("10 more bytes follow the body")),
        "{warnings:?}"
    );

    let shorter = temp.file(
        "shorter.http",
        format!("{}{body}", head(body.len() + 25)).into_bytes(),
    );
    let (_, record) = validate_one(&shorter);
    let warnings = messages(&record, "warnings");
    assert!(
        warnings.iter().any(|w| w.contains("(25 fewer)")),
        "{warnings:?}"
    );
}

// ----------------------------------------------------- curl and HTTP/2

/// curl's records, HTTP/2 text and request-bin exports are checked like
/// the body in a file.
#[test]
fn curl_traces_and_http2_text_validate_like_the_plain_body() {
    let cases = [
        (
            "tests/fixtures/capture/salla.curl-trace",
            "samples/salla/order.created.json",
        ),
        (
            "tests/fixtures/capture/snipcart.curl-trace-ascii",
            "samples/snipcart/order.completed.json",
        ),
        (
            "tests/fixtures/capture/ongoing-h2-pseudo-headers.http",
            "samples/ongoing/order.picked.json",
        ),
        (
            "tests/fixtures/capture/webhook-site-request.json",
            "samples/salla/order.created.json",
        ),
        (
            "tests/fixtures/capture/ngrok-request.json",
            "samples/salla/order.created.json",
        ),
        (
            "tests/fixtures/capture/pipedream-event.json",
            "samples/snipcart/order.completed.json",
        ),
        (
            "tests/fixtures/capture/hookdeck-event.json",
            "samples/snipcart/order.completed.json",
        ),
    ];
    for (capture, plain) in cases {
        let (code, record) = validate_one(capture);
        let (plain_code, plain_record) = validate_one(plain);
        assert_eq!(code, plain_code, "{capture}");
        let mut got = verdict(&record);
        let mut want = verdict(&plain_record);
        // The ascii trace's remark is a warning the plain body has not, and
        // captured headers add to the evidence detection names.
        for v in [&mut got, &mut want] {
            if let Some(fields) = v.as_object_mut() {
                fields.remove("warnings");
                fields.remove("detected_by");
            }
        }
        assert_eq!(got, want, "{capture}");
    }
    // Hookdeck requests one per line: each like its own plain body.
    let (code, records, stderr) = whi(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/capture/hookdeck-requests.ndjson",
    ]);
    assert_eq!((code, records.len()), (0, 2), "{records:?}\n{stderr}");
    for (record, plain) in records.iter().zip([
        "samples/ongoing/order.status.changed.json",
        "samples/logitrail/order.shipped.json",
    ]) {
        let (_, plain_record) = validate_one(plain);
        for field in ["provider", "event", "valid", "errors"] {
            assert_eq!(record[field], plain_record[field], "{plain}: {field}");
        }
    }
    let (code, record) = validate_one("tests/fixtures/capture/salla.curl-v");
    assert_eq!(code, 1);
    assert!(
        messages(&record, "errors")[0]
            .contains("curl -v shows the request's headers but never its body"),
        "{record}"
    );
}
