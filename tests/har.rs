//! HAR files as browsers export them: the page loads, favicons and CORS
//! preflights beside the webhook POSTs are passed over with one note, the
//! POSTs are named by method and URL, and CI annotations point at the HAR
//! file and the line of the entry's body.

mod util;

use serde_json::Value;

const HAR: &str = "tests/fixtures/capture/browser-export.har";

#[test]
fn a_browser_export_checks_its_two_posts_and_notes_the_rest() {
    let out = util::run(&["validate", "--format", "json", HAR], None);
    assert_eq!(out.status.code(), Some(0));
    let records = util::ndjson(&out);
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["entry"]["request"], "POST /webhooks/salla");
    assert_eq!(records[0]["entry"]["index"], 3);
    assert_eq!(
        records[1]["entry"]["request"],
        "POST /webhooks/snipcart?source=replay"
    );
    assert_eq!(records[1]["source"], format!("{HAR}#entries/5"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim_end(),
        format!("note: {HAR}: 5 of 7 entries have no request body (GET 3, OPTIONS 2): passed over")
    );
}

#[test]
fn annotations_point_at_the_har_file_and_the_line_of_the_body() {
    let mut har: Value =
        serde_json::from_str(&std::fs::read_to_string(util::root().join(HAR)).expect("har"))
            .expect("json");
    let invalid = std::fs::read_to_string(
        util::root().join("tests/fixtures/invalid/snipcart/order.status.changed.enum.json"),
    )
    .expect("invalid body");
    har["log"]["entries"][5]["request"]["postData"]["text"] = Value::String(invalid);
    let dir = std::env::temp_dir().join(format!("whi-har-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp");
    let file = dir.join("x.har");
    let text = serde_json::to_string_pretty(&har).expect("pretty");
    std::fs::write(&file, &text).expect("write");
    // The line of entry 5's body: the second request body in the file (the
    // responses' texts are one-line `{"received":true}`).
    let line = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("\"text\": \"{\\n"))
        .nth(1)
        .map(|(i, _)| i + 1)
        .expect("a body line");
    let name = file.to_string_lossy().into_owned();
    let out = util::run(&["validate", "--format", "github", &name], None);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(1));
    let stdout = util::stdout(&out);
    let error = stdout
        .lines()
        .find(|l| l.starts_with("::error "))
        .expect("an error annotation");
    assert!(
        error.starts_with(&format!(
            "::error file={name},line={line},title=snipcart/order.status.changed::"
        )),
        "{error}"
    );
}
