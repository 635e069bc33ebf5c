//! Captures kept by request bins and tunnels, read as the requests they
//! hold: each wrapper is unwrapped into a raw HTTP request (method, headers,
//! body) and then read as any `.http` capture is.
//!
//! - **webhook.site** (a request from its API, `GET /token/{id}/requests`,
//!   or the list itself, `{"data": [...]}`): `method`, `url`, `headers`
//!   (each name to an array of values), `content` (the body as sent);
//! - **ngrok** agent inspection API (`GET /api/requests/http/{id}`, or the
//!   list, `{"requests": [...]}`): `request.raw`, the whole request in
//!   base64, byte for byte;
//! - **Hookdeck** request or event (`hookdeck gateway request get ID
//!   --output json`, `… event get`, a list of them, or the API's
//!   `{"models": [...]}`): `data.headers`, `data.path`, `data.body` (parsed
//!   JSON, or text), POST assumed; a parsed body is re-serialised, as for
//!   Pipedream;
//! - **Pipedream** HTTP trigger event: `method`, `path`, `headers` (name to
//!   value), `body` (parsed JSON, or text): a parsed body is re-serialised,
//!   so its signature cannot be checked, and the record says so.
//!
//! Fields read are only these; everything else in the wrapper is ignored.

use crate::model::doc::{Doc, Field, Node};
use base64::Engine;
use serde_json::Value;

/// One request of an export: the suffix naming it (`#data/2`, or empty),
/// its raw HTTP bytes or why there are none, and a remark.
pub type Found = (String, Result<Vec<u8>, String>, Option<String>);

/// The requests a bin export holds, or `None` when `bytes` is no export.
pub fn requests(bytes: &[u8]) -> Option<Vec<Found>> {
    // Cheap test first, since every JSON input passes here: every export
    // names its headers or its raw request (a SIMD substring search; a
    // byte-window scan cost 134 ms on a 99 MB body).
    let names = |key: &[u8]| memchr::memmem::find(bytes, key).is_some();
    if !names(b"\"headers\"") && !names(b"\"raw\"") {
        return None;
    }
    // Recognised on the compact document (a webhook body that merely has a
    // "headers" key may be huge); only a matched request becomes a Value.
    let doc = Doc::parse_str(std::str::from_utf8(bytes).ok()?).ok()?;
    let root = doc.root();
    if let Some(list) = listed(root.get("data"), is_webhook_site) {
        return Some(each(list, "#data", |r| (webhook_site(&r), None)));
    }
    if let Some(list) = listed(root.get("requests"), is_ngrok) {
        return Some(each(list, "#requests", |r| (ngrok(&r), None)));
    }
    if let Some(list) = listed(root.get("models"), is_hookdeck) {
        return Some(each(list, "#models", |r| hookdeck(&r)));
    }
    if let Some(list) = listed(Some(root), is_hookdeck) {
        return Some(each(list, "#", |r| hookdeck(&r)));
    }
    let one = |found: (Result<Vec<u8>, String>, Option<String>)| {
        Some(vec![(String::new(), found.0, found.1)])
    };
    if is_webhook_site(root) {
        return one((webhook_site(&root.to_value()), None));
    }
    if is_ngrok(root) {
        return one((ngrok(&root.to_value()), None));
    }
    if is_hookdeck(root) {
        return one(hookdeck(&root.to_value()));
    }
    if is_pipedream(root) {
        return one(pipedream(&root.to_value()));
    }
    None
}

/// A non-empty array whose every element is an export of one tool.
fn listed<'a>(list: Option<Node<'a>>, is: fn(Node<'_>) -> bool) -> Option<Node<'a>> {
    list.filter(|l| l.is_array() && !l.is_empty() && l.elements().all(is))
}

/// Each request of a list, named `{prefix}/{i}`.
fn each(
    list: Node<'_>,
    prefix: &str,
    read: impl Fn(Value) -> (Result<Vec<u8>, String>, Option<String>),
) -> Vec<Found> {
    list.elements()
        .enumerate()
        .map(|(i, r)| {
            let (raw, note) = read(r.to_value());
            (format!("{prefix}/{i}"), raw, note)
        })
        .collect()
}

fn is_webhook_site(v: Node<'_>) -> bool {
    v.get("content").is_some()
        && v.get("headers").is_some_and(Node::is_object)
        && v.get("method").is_some_and(Node::is_string)
        && (v.get("uuid").is_some() || v.get("token_id").is_some())
}

fn is_ngrok(v: Node<'_>) -> bool {
    v.pointer("/request/raw").is_some_and(Node::is_string)
}

fn is_pipedream(v: Node<'_>) -> bool {
    v.get("headers").is_some_and(Node::is_object)
        && v.get("body").is_some()
        && v.get("method").is_some_and(Node::is_string)
        && (v.get("path").is_some() || v.get("url").is_some())
}

/// A Hookdeck request or event as its API and CLI print it
/// (`hookdeck gateway request get ID --output json`): an `evt_`/`req_` id,
/// `team_id`, and the request under `data`.
fn is_hookdeck(v: Node<'_>) -> bool {
    let id = v.get("id").as_str();
    id.is_some_and(|id| id.starts_with("evt_") || id.starts_with("req_"))
        && v.get("team_id").is_some()
}

/// `headers` whose values are strings or arrays of strings, as lines.
fn header_lines(headers: Option<&Value>) -> String {
    let mut out = String::new();
    for (name, value) in headers.and_then(Value::as_object).into_iter().flatten() {
        let values: Vec<&str> = match value {
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            Value::String(s) => vec![s.as_str()],
            _ => Vec::new(),
        };
        for v in values {
            // A length or a transfer coding describes the bin's copy, not ours.
            if name.eq_ignore_ascii_case("content-length")
                || name.eq_ignore_ascii_case("transfer-encoding")
            {
                continue;
            }
            out.push_str(&format!("{name}: {v}\r\n"));
        }
    }
    out
}

fn request_line(method: &str, target: &str) -> String {
    let target = match target.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None if target.is_empty() => "/",
        None => target,
    };
    format!("{method} {target} HTTP/1.1\r\n")
}

fn assemble(line: String, headers: String, body: &[u8]) -> Vec<u8> {
    let mut raw = line.into_bytes();
    raw.extend(headers.into_bytes());
    raw.extend(format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes());
    raw.extend_from_slice(body);
    raw
}

fn webhook_site(r: &Value) -> Result<Vec<u8>, String> {
    let method = r.get("method").and_then(Value::as_str).unwrap_or("POST");
    let url = r.get("url").and_then(Value::as_str).unwrap_or("/");
    let body = match r.get("content") {
        Some(Value::String(s)) => s.as_bytes().to_vec(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => other.to_string().into_bytes(),
    };
    Ok(assemble(
        request_line(method, url),
        header_lines(r.get("headers")),
        &body,
    ))
}

fn ngrok(r: &Value) -> Result<Vec<u8>, String> {
    let raw = r
        .pointer("/request/raw")
        .and_then(Value::as_str)
        .unwrap_or_default();
    base64::engine::general_purpose::STANDARD
        .decode(raw.trim())
        .map_err(|e| format!("ngrok request.raw is not valid base64: {e}"))
}

fn pipedream(r: &Value) -> (Result<Vec<u8>, String>, Option<String>) {
    let method = r.get("method").and_then(Value::as_str).unwrap_or("POST");
    let target = r
        .get("path")
        .or_else(|| r.get("url"))
        .and_then(Value::as_str)
        .unwrap_or("/");
    let (body, note) = match r.get("body") {
        Some(Value::String(text)) => (text.as_bytes().to_vec(), None),
        Some(parsed) => (
            parsed.to_string().into_bytes(),
            Some("a Pipedream event keeps the body parsed, not as sent: it was re-serialised, so a signature over the original bytes cannot match (use the event's raw body, or capture the request itself)".to_owned()),
        ),
        None => (Vec::new(), None),
    };
    (
        Ok(assemble(
            request_line(method, target),
            header_lines(r.get("headers")),
            &body,
        )),
        note,
    )
}

/// Hookdeck keeps `data.headers` (name to value), `data.path` and
/// `data.body` (parsed when it was JSON), and no method: webhooks are POSTs.
fn hookdeck(r: &Value) -> (Result<Vec<u8>, String>, Option<String>) {
    let id = r.get("id").and_then(Value::as_str).unwrap_or_default();
    let kind = if id.starts_with("req_") {
        "request"
    } else {
        "event"
    };
    let Some(data) = r.get("data").filter(|d| d.is_object()) else {
        return (
            Err(format!(
                "Hookdeck {kind} {id} holds no request data (lists leave it out): get it with `hookdeck gateway {kind} get {id} --output json`"
            )),
            None,
        );
    };
    let target = data.get("path").and_then(Value::as_str).unwrap_or("/");
    let (body, note) = match data.get("body") {
        Some(Value::String(text)) => (text.as_bytes().to_vec(), None),
        Some(Value::Null) | None => (Vec::new(), None),
        Some(parsed) => (
            parsed.to_string().into_bytes(),
            Some(format!(
                "Hookdeck keeps the body parsed, and its CLI writes it back with the keys sorted: a signature over the bytes the provider sent cannot match (`hookdeck gateway {kind} raw-body {id}` prints them)"
            )),
        ),
    };
    (
        Ok(assemble(
            request_line("POST", target),
            header_lines(data.get("headers")),
            &body,
        )),
        note,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_site_request_becomes_its_http_request() {
        let export = serde_json::json!({
            "uuid": "2d0b6a8f", "token_id": "c4e2e097", "type": "web", "method": "POST",
            "url": "https://webhook.site/c4e2e097/hooks?x=1", "ip": "203.0.113.9",
            "headers": {"content-type": ["application/json"], "x-salla-signature": ["ab"], "content-length": ["7"]},
            "content": "{\"a\":1}", "query": null, "created_at": "2026-12-05 10:15:01"
        });
        let found = requests(export.to_string().as_bytes()).unwrap_or_default();
        let (suffix, raw, _) = &found[0];
        assert!(suffix.is_empty());
        let text = String::from_utf8(raw.clone().unwrap_or_default()).unwrap_or_default();
        assert_eq!(
            text,
            "POST /c4e2e097/hooks?x=1 HTTP/1.1\r\ncontent-type: application/json\r\nx-salla-signature: ab\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
        );
        let list = serde_json::json!({"data": [export.clone(), export], "total": 2});
        let found = requests(list.to_string().as_bytes()).unwrap_or_default();
        assert_eq!(
            found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
            ["#data/0", "#data/1"]
        );
    }

    #[test]
    fn ngrok_raw_requests_are_taken_byte_for_byte() {
        let raw = "POST /h HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";
        let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
        let export = serde_json::json!({"uri": "/api/requests/http/ab", "id": "ab",
            "request": {"method": "POST", "proto": "HTTP/1.1", "headers": {}, "uri": "/h", "raw": encoded}});
        let found = requests(export.to_string().as_bytes()).unwrap_or_default();
        assert_eq!(found[0].1.clone().unwrap_or_default(), raw.as_bytes());
    }

    #[test]
    fn a_pipedream_event_with_a_parsed_body_says_it_was_re_serialised() {
        let export = serde_json::json!({"method": "POST", "path": "/", "query": {},
            "headers": {"content-type": "application/json"}, "body": {"a": 1}, "url": "https://x.m.pipedream.net/"});
        let found = requests(export.to_string().as_bytes()).unwrap_or_default();
        assert!(
            found[0]
                .2
                .as_deref()
                .is_some_and(|n| n.contains("re-serialised"))
        );
        // A webhook body is not mistaken for an export.
        assert!(requests(br#"{"eventName":"order.completed","content":{"headers":1}}"#).is_none());
    }

    #[test]
    fn hookdeck_requests_and_events_become_their_http_requests() {
        let event = serde_json::json!({"id": "evt_1", "status": "SUCCESSFUL", "request_id": "req_1",
            "data": {"headers": {"content-type": "application/json", "x-a": "b"},
                     "body": "{\"a\":1}", "path": "/hooks/x"},
            "team_id": "tm_1"});
        let found = requests(event.to_string().as_bytes()).unwrap_or_default();
        let text = String::from_utf8(found[0].1.clone().unwrap_or_default()).unwrap_or_default();
        assert_eq!(
            text,
            "POST /hooks/x HTTP/1.1\r\ncontent-type: application/json\r\nx-a: b\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
        );
        // a body kept as text is the body as sent: no warning
        assert!(found[0].2.is_none());
        // the API's list, and the CLI's list whose entries carry no data
        let bare = serde_json::json!({"id": "req_2", "team_id": "tm_1", "verified": false});
        let listed = serde_json::json!({"models": [event.clone(), bare.clone()], "pagination": {}});
        let found = requests(listed.to_string().as_bytes()).unwrap_or_default();
        assert_eq!(
            found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
            ["#models/0", "#models/1"]
        );
        let missing = found[1].1.clone().err().unwrap_or_default();
        assert!(
            missing.contains("hookdeck gateway request get req_2 --output json"),
            "{missing}"
        );
        let cli = serde_json::json!([event, bare]);
        let found = requests(cli.to_string().as_bytes()).unwrap_or_default();
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].0, "#/1");
        // an order whose items have ids like Hookdeck's is no export
        assert!(requests(br#"[{"id":"evt_1","headers":{}}]"#).is_none());
    }
}
