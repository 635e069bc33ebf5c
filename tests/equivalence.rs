//! One payload, five ways in: the same body bytes as a file, on stdin, as a
//! line of NDJSON, inside a raw HTTP request and inside a HAR entry must get
//! the same verdict and the same errors, at the same place in the body. Only
//! where the body starts in the input differs, and positions follow it.

mod util;

use serde_json::{Value, json};
use std::fs;
use std::path::PathBuf;

/// A Salla order as one line, with `mutate` applied.
fn body(mutate: impl Fn(&mut Value)) -> String {
    let text =
        fs::read_to_string(util::root().join("samples/salla/order.created.json")).expect("sample");
    let mut value: Value = serde_json::from_str(&text).expect("sample is JSON");
    mutate(&mut value);
    serde_json::to_string(&value).expect("serialises")
}

struct Temp(PathBuf);

impl Temp {
    fn new(name: &str) -> Temp {
        let dir = std::env::temp_dir().join(format!("whi-eq-{}-{name}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        Temp(dir)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.0.join(name);
        fs::write(&path, bytes).expect("write");
        path.display().to_string()
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The records `whi validate --format json` prints for `args`.
fn records(args: &[&str], stdin: Option<&[u8]>) -> Vec<Value> {
    let mut all = vec!["validate", "--format", "json"];
    all.extend_from_slice(args);
    util::ndjson(&util::run(&all, stdin))
}

/// What must not change with the container: verdict and each error's
/// pointer, keyword, message, and position relative to the body's start.
fn essence(record: &Value, body_line: i64) -> Value {
    let errors: Vec<Value> = record["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    json!({
                        "pointer": e["pointer"],
                        "keyword": e["keyword"],
                        "message": e["message"],
                        "line": e["line"].as_i64().map(|l| l - body_line + 1),
                        "column": e["column"],
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "provider": record["provider"],
        "event": record["event"],
        "valid": record["valid"],
        "status": record["status"],
        "errors": errors,
    })
}

fn check_all_ways(name: &str, payload: &str) {
    let temp = Temp::new(name);
    let other = body(|_| {});
    // file
    let file = temp.write("body.json", payload.as_bytes());
    let from_file = records(&[&file], None);
    // stdin
    let from_stdin = records(&["-"], Some(payload.as_bytes()));
    // NDJSON: the payload on line 2
    let log = temp.write("log.ndjson", format!("{other}\n{payload}\n").as_bytes());
    let from_ndjson = records(&[&log], None);
    // raw HTTP: three header lines, a blank line, the body on line 5
    let request = format!(
        "POST /webhooks/salla HTTP/1.1\r\nHost: example.test\r\nContent-Type: application/json\r\n\r\n{payload}"
    );
    let http = temp.write("request.http", request.as_bytes());
    let from_http = records(&[&http], None);
    // HAR: the body as postData.text (its positions are the body's own)
    let har = json!({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [{
        "request": {"method": "POST", "url": "http://example.test/webhooks/salla",
            "httpVersion": "HTTP/1.1", "headers": [], "queryString": [], "cookies": [],
            "postData": {"mimeType": "application/json", "text": payload},
            "headersSize": -1, "bodySize": payload.len()},
        "response": {}, "startedDateTime": "2026-01-01T00:00:00Z", "time": 0, "cache": {}, "timings": {}
    }]}});
    let har = temp.write("capture.har", har.to_string().as_bytes());
    let from_har = records(&[&har], None);

    assert_eq!(from_file.len(), 1, "{from_file:?}");
    let expected = essence(&from_file[0], 1);
    assert_eq!(essence(&from_stdin[0], 1), expected, "stdin");
    assert_eq!(from_ndjson.len(), 2);
    assert_eq!(from_ndjson[0]["valid"], true);
    assert_eq!(essence(&from_ndjson[1], 2), expected, "NDJSON line 2");
    assert_eq!(essence(&from_http[0], 5), expected, "raw HTTP");
    assert_eq!(essence(&from_har[0], 1), expected, "HAR entry");
}

#[test]
fn a_valid_payload_is_valid_every_way_in() {
    let payload = body(|_| {});
    check_all_ways("valid", &payload);
}

#[test]
fn an_invalid_payload_has_the_same_errors_at_the_same_places_every_way_in() {
    let payload = body(|v| {
        v["data"]["id"] = json!("1873402915");
        v["data"]["currency"] = json!("sar");
        if let Some(data) = v["data"].as_object_mut() {
            data.remove("reference_id");
        }
    });
    let temp = Temp::new("probe");
    let file = temp.write("body.json", payload.as_bytes());
    let probe = records(&[&file], None);
    let errors = probe[0]["errors"].as_array().map_or(0, Vec::len);
    assert!(errors >= 3, "the mutations must be errors: {probe:?}");
    assert!(
        probe[0]["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|e| e["column"].as_i64().is_some_and(|c| c > 1)),
        "errors located inside the line: {probe:?}"
    );
    check_all_ways("invalid", &payload);
}
