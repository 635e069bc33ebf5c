//! `whi redact`: no personal value of a provider's sample survives, the
//! redacted payload validates as the original did, the same value gets the
//! same mask within a run, credentials are masked, inputs are never written
//! unless --in-place says so.

mod util;

use serde_json::Value;
use std::collections::HashMap;

/// Personal values in the bundled samples, picked by hand per provider.
const KNOWN: &[(&str, &[&str])] = &[
    (
        "salla/order.created",
        &[
            "abdullah.alqahtani@example.com",
            "966551234987",
            "551234987",
            "\u{639}\u{628}\u{62f}\u{627}\u{644}\u{644}\u{647}",
            "\u{627}\u{644}\u{642}\u{62d}\u{637}\u{627}\u{646}\u{64a}",
        ],
    ),
    (
        "snipcart/order.completed",
        &[
            "geeks@snipcart.com",
            "Geeks Snipcart",
            "226 rue St-Joseph E",
            "888 888 8888",
        ],
    ),
    ("ongoing/order.picked", &[]),
    ("logitrail/order.shipped", &[]),
];

fn redact(args: &[&str]) -> (i32, String, String) {
    let out = util::run(&[&["redact"][..], args].concat(), None);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn validate(text: &str) -> Value {
    let out = util::run(
        &["validate", "--format", "json", "-"],
        Some(text.as_bytes()),
    );
    util::ndjson(&out).remove(0)
}

/// The values under the provider's personal fields, found independently of
/// whi's walk: every string or number leaf whose key (or parent/key) the
/// provider lists.
fn personal_values(
    value: &Value,
    rules: &[&str],
    parent: &str,
    personal: bool,
    out: &mut Vec<String>,
) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let hit = personal
                    || rules
                        .iter()
                        .any(|r| *r == key || *r == format!("{parent}/{key}"));
                personal_values(child, rules, key, hit, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                personal_values(item, rules, parent, personal, out);
            }
        }
        Value::String(s) if personal && s.chars().any(char::is_alphanumeric) => out.push(s.clone()),
        Value::Number(n) if personal => out.push(n.to_string()),
        _ => {}
    }
}

#[test]
fn no_personal_value_of_any_sample_survives_and_each_still_validates() {
    for (name, known) in KNOWN {
        let path = format!("samples/{name}.json");
        let original = std::fs::read_to_string(util::root().join(&path)).expect("sample");
        let (code, redacted, stderr) = redact(&[&path]);
        assert_eq!(code, 0, "{name}: {stderr}");
        let provider =
            whi::providers::find(name.split('/').next().unwrap_or("")).expect("provider");
        let rules: Vec<&str> = provider
            .personal_fields()
            .iter()
            .chain(whi::providers::PERSONAL)
            .copied()
            .collect();
        let mut values = Vec::new();
        let parsed: Value = serde_json::from_str(&original).expect("json");
        personal_values(&parsed, &rules, "", false, &mut values);
        // A value that is also somewhere not personal (a country, the
        // store's city) may rightly stay there.
        let mut everywhere = Vec::new();
        personal_values(&parsed, &[], "", true, &mut everywhere);
        let count = |list: &[String], v: &String| list.iter().filter(|x| *x == v).count();
        let personal_only: Vec<&str> = values
            .iter()
            .filter(|v| count(&everywhere, v) == count(&values, v))
            // One or two characters (a size, a flag) can be any other
            // value's mask, and identify no one.
            .filter(|v| v.chars().filter(|c| c.is_alphanumeric()).count() >= 3)
            .map(String::as_str)
            .collect();
        // Compared leaf by leaf: a value survives if some leaf still is it.
        let mut leaves = Vec::new();
        let masked: Value = serde_json::from_str(&redacted).expect("redacted json");
        personal_values(&masked, &[], "", true, &mut leaves);
        for value in personal_only.into_iter().chain(known.iter().copied()) {
            assert!(
                !leaves.iter().any(|leaf| leaf == value),
                "{name}: {value:?} survived redaction"
            );
        }
        for value in *known {
            assert!(
                original.contains(value),
                "{name}: the test's {value:?} is not in the sample"
            );
        }
        let before = validate(&original);
        let after = validate(&redacted);
        for field in ["provider", "event", "status", "errors"] {
            assert_eq!(before[field], after[field], "{name}: {field}");
        }
    }
}

#[test]
fn the_same_value_gets_the_same_mask_within_a_run() {
    let (_, redacted, _) = redact(&["samples/salla/order.created.json"]);
    let value: Value = serde_json::from_str(&redacted).expect("json");
    let mut emails: HashMap<String, usize> = HashMap::new();
    let mut stack = vec![&value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(e)) = map.get("email") {
                    *emails.entry(e.clone()).or_default() += 1;
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    // The customer's email appears several times in the sample, masked alike.
    assert!(emails.values().any(|n| *n > 1), "{emails:?}");
    assert!(emails.keys().all(|e| e.contains('@')), "{emails:?}");
}

#[test]
fn captures_lose_their_credentials_and_keep_their_verdict() {
    let capture = "tests/fixtures/capture/salla-signed-crlf.http";
    let (code, redacted, _) = redact(&[capture]);
    assert_eq!(code, 0);
    assert!(
        redacted.contains("X-Salla-Signature: [redacted by whi]"),
        "{redacted}"
    );
    let length: usize = redacted
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .and_then(|n| n.trim().parse().ok())
        .expect("Content-Length");
    let body_at = redacted.find("\r\n\r\n").expect("blank line") + 4;
    assert_eq!(
        length,
        redacted.len() - body_at,
        "Content-Length is the new body's"
    );
    let out = util::run(
        &[
            "validate",
            "--format",
            "json",
            "--secret-file",
            "tests/fixtures/capture/secret.txt",
            "-",
        ],
        Some(redacted.as_bytes()),
    );
    let record = util::ndjson(&out).remove(0);
    assert_eq!(record["status"], "valid");
    assert_eq!(record["signature"]["status"], "unverifiable");
    assert!(
        record["signature"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("redacted"))
    );

    let (code, har, _) = redact(&["tests/fixtures/capture/browser-export.har"]);
    assert_eq!(code, 0);
    assert!(!har.contains("sara.alharbi@example.com") && !har.contains("geeks@snipcart.com"));
    assert!(
        har.contains("\"value\": \"[redacted by whi]\""),
        "the request token is masked"
    );
    let dir = std::env::temp_dir().join(format!("whi-redact-har-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp");
    let file = dir.join("shared.har");
    std::fs::write(&file, &har).expect("write");
    let out = util::run(
        &["validate", "--format", "json", &file.to_string_lossy()],
        None,
    );
    let records = util::ndjson(&out);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        records.len(),
        2,
        "the two webhook POSTs are still there, valid"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn inputs_are_written_only_in_place_and_only_when_asked() {
    let dir = std::env::temp_dir().join(format!("whi-redact-place-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp");
    let file = dir.join("order.json");
    let original =
        std::fs::read(util::root().join("samples/snipcart/order.completed.json")).expect("sample");
    std::fs::write(&file, &original).expect("write");
    let name = file.to_string_lossy().into_owned();
    let (code, _, _) = redact(&[&name]);
    assert_eq!(code, 0);
    assert_eq!(std::fs::read(&file).expect("read"), original, "stdout only");
    let (code, _, stderr) = redact(&[&name, &name]);
    assert_eq!(code, 2, "several inputs need --in-place: {stderr}");
    let (code, stdout, stderr) = redact(&["--in-place", &name]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    let now = std::fs::read_to_string(&file).expect("read");
    assert!(!now.contains("geeks@snipcart.com"));
    assert_eq!(validate(&now)["status"], "valid");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Read through the one capped reader: an endless input is refused, not
/// read until memory runs out.
#[cfg(unix)]
#[test]
fn an_endless_input_is_refused_at_the_cap() {
    let (code, stdout, stderr) = redact(&["/dev/zero"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("/dev/zero: larger than 1 GiB"), "{stderr}");
}

#[test]
fn chunked_and_compressed_captures_are_redacted_decoded() {
    for (capture, personal) in [
        (
            "tests/fixtures/capture/salla-signed-gzip.http",
            "abdullah.alqahtani@example.com",
        ),
        (
            "tests/fixtures/capture/ongoing-chunked.http",
            "b25nb2luZzpodW50ZXIy",
        ),
    ] {
        let (code, out, err) = redact(&[capture]);
        assert_eq!(code, 0, "{capture}: {err}");
        assert!(
            err.contains("the copy holds it decoded"),
            "{capture}: {err}"
        );
        assert!(!out.contains(personal), "{capture}: {out}");
        let lower = out.to_ascii_lowercase();
        assert!(
            !lower.contains("transfer-encoding") && !lower.contains("content-encoding"),
            "{out}"
        );
        // The copy is a capture every command reads, with the original's verdict.
        let dir = util::Temp::new("redact-decoded");
        let copy = dir.file("copy.http", &out);
        let checked = util::run(&["validate", "--format", "json", &copy], None);
        let record = util::ndjson(&checked).remove(0);
        let original =
            util::ndjson(&util::run(&["validate", "--format", "json", capture], None)).remove(0);
        for field in ["provider", "event", "valid"] {
            assert_eq!(record[field], original[field], "{capture}: {field}");
        }
    }
}
