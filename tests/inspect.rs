//! `whi inspect` and `whi diff` JSON output, checked by parsing it: the
//! field names are a documented interface.

mod util;

use serde_json::Value;

const SUMMARY_FIELDS: &[&str] = &[
    "order_id",
    "order_number",
    "status",
    "status_category",
    "previous_status",
    "payment_status",
    "previous_payment_status",
    "tracking_number",
    "tracking_url",
    "total_amount",
    "currency",
    "customer_name",
    "customer_email",
    "items_count",
    "occurred_at",
    "details",
];

fn whi(args: &[&str]) -> (i32, Vec<Value>) {
    let out = util::run(args, None);
    (out.status.code().unwrap_or(-1), util::ndjson(&out))
}

#[test]
fn inspect_json_is_the_validate_record_plus_a_summary_with_exactly_the_documented_fields() {
    let (code, records) = whi(&["inspect", "--format", "json", "samples/"]);
    assert_eq!(code, 0);
    assert_eq!(records.len(), event_count());
    for record in &records {
        for key in [
            "source",
            "provider",
            "event",
            "schema",
            "valid",
            "detected_by",
            "errors",
            "warnings",
        ] {
            assert!(record.get(key).is_some(), "{key} missing in {record}");
        }
        let summary = record["summary"].as_object().expect("summary object");
        let keys: Vec<&str> = summary.keys().map(String::as_str).collect();
        assert_eq!(keys, SUMMARY_FIELDS, "{}", record["source"]);
        assert!(
            summary["order_id"].is_string(),
            "{}: every sample names its order",
            record["source"]
        );
        if let Some(category) = summary["status_category"].as_str() {
            let known = [
                "pending",
                "on_hold",
                "processing",
                "picked",
                "shipped",
                "delivered",
                "completed",
                "cancelled",
                "returned",
                "unknown",
            ];
            assert!(known.contains(&category), "{category}");
        }
        if let Some(currency) = summary["currency"].as_str() {
            assert_eq!(currency, currency.to_uppercase());
        }
        if let Some(total) = summary["total_amount"].as_str() {
            assert!(
                total.parse::<f64>().is_ok(),
                "total_amount is a decimal string: {total}"
            );
        }
    }
}

#[test]
fn validate_json_has_no_summary() {
    let (_, records) = whi(&[
        "validate",
        "--format",
        "json",
        "samples/salla/order.created.json",
    ]);
    assert!(records[0].get("summary").is_none());
}

#[test]
fn snipcart_status_change_reads_from_and_to() {
    let (_, records) = whi(&[
        "inspect",
        "--format",
        "json",
        "samples/snipcart/order.status.changed.json",
    ]);
    let s = &records[0]["summary"];
    assert_eq!(s["status"], "Shipped");
    assert_eq!(s["previous_status"], "Processed");
    assert_eq!(s["status_category"], "shipped");
    assert_eq!(s["currency"], "CAD");
}

#[test]
fn amounts_keep_the_payloads_digits() {
    let body = r#"{"eventName": "order.completed", "mode": "Live", "createdOn": "2024-01-01T00:00:00Z",
        "content": {"token": "1912e4c1-d008-4c15-ab12-fe21a76d30d4", "invoiceNumber": "SNIP-1", "status": "Processed",
                    "items": [], "finalGrandTotal": 1234567.10, "currency": "eur"}}"#;
    let dir = std::env::temp_dir().join(format!("whi-amounts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("order.json");
    std::fs::write(&file, body).expect("write");
    let (_, records) = whi(&[
        "inspect",
        "--format",
        "json",
        file.to_str().unwrap_or_default(),
    ]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(records[0]["summary"]["total_amount"], "1234567.10");
    assert_eq!(records[0]["summary"]["currency"], "EUR");
}

#[test]
fn diff_json_has_the_documented_shape() {
    let (code, out) = whi(&[
        "diff",
        "--format",
        "json",
        "tests/fixtures/diff/logitrail-before.json",
        "tests/fixtures/diff/logitrail-after.json",
    ]);
    assert_eq!(code, 1);
    let report = &out[0];
    assert_eq!(report["order_id"], "65ef4bf0c83a1d2e9b470f5c");
    let changes = report["changes"].as_array().expect("changes");
    let tracking = changes
        .iter()
        .find(|c| c["field"] == "tracking_number")
        .expect("tracking change");
    assert_eq!(tracking["before"], Value::Null);
    assert_eq!(tracking["after"], "LT4F7K2Q9XM");
    let raw = report["raw_changes"].as_array().expect("raw_changes");
    assert!(raw.iter().all(|c| {
        ["added", "removed", "changed"].contains(&c["kind"].as_str().unwrap_or_default())
    }));
    assert!(
        raw.iter()
            .any(|c| c["pointer"] == "/payload/order/tracking_code" && c["kind"] == "added")
    );
    assert!(
        !raw.iter().any(|c| c["pointer"] == "/retry_count"),
        "delivery metadata left out"
    );
}

#[test]
fn diff_of_identical_payloads_exits_zero_for_every_sample() {
    for sample in [
        "salla/order.status.updated",
        "snipcart/order.completed",
        "ongoing/order.picked",
        "logitrail/order.shipped",
    ] {
        let path = format!("samples/{sample}.json");
        let (code, out) = whi(&["diff", "--format", "json", &path, &path]);
        assert_eq!(code, 0, "{sample}");
        assert_eq!(out[0]["changes"].as_array().map(Vec::len), Some(0));
        assert_eq!(out[0]["raw_changes"].as_array().map(Vec::len), Some(0));
    }
}

#[test]
fn timeline_json_tags_records_and_flags_retry_and_late_delivery() {
    let (code, lines) = whi(&[
        "inspect",
        "--timeline",
        "--format",
        "json",
        "tests/fixtures/timeline/",
    ]);
    assert_eq!(code, 0);
    assert!(lines.iter().all(|l| l["type"] == "timeline"));
    let logitrail = lines
        .iter()
        .find(|l| l["provider"] == "logitrail")
        .expect("logitrail order");
    let entries = logitrail["entries"].as_array().expect("entries");
    let times: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["occurred_at"].as_str())
        .collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "ordered by occurred_at");
    let flags: Vec<&str> = entries
        .iter()
        .flat_map(|e| e["flags"].as_array().into_iter().flatten())
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert_eq!(flags, vec!["out_of_order", "retry"]);
}

/// An invalid delivery keeps its place in the order's history, marked with
/// its verdict and first error; `status` stays the order's status.
#[test]
fn timeline_entries_carry_their_verdict_and_first_error() {
    let (code, lines) = whi(&[
        "inspect",
        "--timeline",
        "--format",
        "json",
        "tests/fixtures/timeline-invalid/",
    ]);
    assert_eq!(code, 1, "an invalid payload fails the run");
    let broken = lines
        .iter()
        .find(|l| l["type"] == "payload")
        .expect("the unparseable file as a record");
    assert_eq!(broken["status"], "unparseable");
    let timeline = lines
        .iter()
        .find(|l| l["type"] == "timeline")
        .expect("one timeline");
    let entries = timeline["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["valid"], true);
    assert_eq!(entries[0]["verdict"], "valid");
    assert_eq!(entries[0]["error_count"], 0);
    assert!(entries[0]["first_error"].is_null());
    let typo = &entries[1];
    assert_eq!(typo["status"], "confirmd", "the order status as sent");
    assert_eq!(typo["valid"], false);
    assert_eq!(typo["verdict"], "invalid");
    assert_eq!(typo["error_count"], 1);
    assert_eq!(typo["first_error"]["pointer"], "/payload/order/status");
    assert_eq!(typo["first_error"]["keyword"], "enum");
    assert_eq!(typo["first_error"]["line"], 11);
}

/// How many events have a bundled schema (and a sample), from the registry.
fn event_count() -> usize {
    whi::providers::REGISTRY
        .iter()
        .map(|p| p.events().len())
        .sum()
}

/// Salla ids can exceed 2^53: they must survive validation and the summary
/// digit for digit, never through a float.
#[test]
fn ids_above_2_pow_53_survive_exactly() {
    let sample = std::fs::read_to_string(util::root().join("samples/salla/order.created.json"))
        .expect("sample");
    let big = sample.replacen("\"id\": 1873402915", "\"id\": 90071992547409931", 1);
    assert_ne!(big, sample, "the sample's order id moved");
    let out = util::run(&["inspect", "--format", "json", "-"], Some(big.as_bytes()));
    let text = util::stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("\"order_id\":\"90071992547409931\""),
        "{text}"
    );
}
