//! Captured requests: finds the webhook bodies inside what people paste or
//! save — a raw HTTP request (from a tunnel inspector, a request bin, a
//! proxy), a HAR file (browser devtools), NDJSON/JSON Lines logs, or a plain
//! JSON body — with the request's headers where there are any.
//!
//! Bodies are kept byte-exact (signatures are computed over them), and each
//! carries where it starts in the input so that problems are reported at
//! the input's own line and column. NDJSON is streamed line by line with a
//! bounded buffer. Nothing here prints.

use crate::ingest::encoding::{self, Decoded};
use crate::ingest::locate::Position;
use crate::ingest::trace::Trace;
use base64::Engine;
use serde_json::Value;
use std::io::{self, BufRead};
use std::sync::Arc;

/// One webhook body and the request around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// How the user sees it: `path`, `path#entries/N` (HAR), `path:LINE` (NDJSON).
    pub source: String,
    /// The body exactly as received.
    pub bytes: Vec<u8>,
    /// Request headers, names as sent (compare case-insensitively).
    pub headers: Vec<(String, String)>,
    /// Where the body starts in the input; `None` when the body is not
    /// literally in the input (a HAR's base64 text), so positions are the body's own.
    pub origin: Option<Position>,
    /// Something to know about the capture (e.g. a Content-Length mismatch).
    pub note: Option<String>,
    /// The codings undone when the body was sent compressed (`gzip`):
    /// `bytes` are then the decoded body, and `origin` is `None`.
    pub decoded_from: Option<String>,
    /// The HAR entry the body is the request body of.
    pub entry: Option<Arc<Entry>>,
}

/// A HAR entry, as people find it in their browser: the request's method
/// and URL, its index, and the line of its body in the HAR file (the body
/// is one JSON string there, so that is where annotations point).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    /// `POST /webhooks/salla` (the URL's path and query; the whole URL when
    /// it has none).
    pub request: String,
    /// Its index in `log.entries`.
    pub index: usize,
    /// The line of its `postData.text` in the HAR file.
    pub line: usize,
}

/// A source, or one request of it, that holds no usable body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The source (or `path#entries/N`).
    pub source: String,
    /// What is wrong, lower case.
    pub message: String,
    /// Not a problem: what was passed over, for a note (a HAR's requests
    /// without a body: page loads, preflights).
    pub passed_over: bool,
}

/// What a source holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A JSON document (possibly a batch array).
    Json,
    /// A raw HTTP request, with or without its request line.
    Http,
    /// A HAR 1.2 archive.
    Har,
    /// One JSON value per line.
    Ndjson,
}

const HTTP_METHODS: &[&str] = &["POST", "PUT", "PATCH", "GET", "DELETE", "HEAD", "OPTIONS"];

/// Tells what a source holds from its name and its first bytes.
pub fn sniff(name: &str, head: &[u8]) -> Shape {
    let lower = name.to_ascii_lowercase();
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if lower.ends_with(".ndjson") || lower.ends_with(".jsonl") {
        // One pretty-printed document saved as .jsonl is one document,
        // not an error per line (issue 16).
        return if pretty_printed(head) {
            Shape::Json
        } else {
            Shape::Ndjson
        };
    }
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let text = &head[start..];
    let first_line = text.split(|b| *b == b'\n').next().unwrap_or_default();
    let first_line = String::from_utf8_lossy(first_line);
    let first_line = first_line.trim_end();
    if is_request_line(first_line)
        || is_header_line(first_line)
        || crate::ingest::http::is_status_line(first_line)
        || crate::ingest::trace::looks_like(first_line)
        || first_line.starts_with(":method:")
        || first_line.starts_with(":authority:")
    {
        return Shape::Http;
    }
    if lower.ends_with(".har") || looks_like_har(text) {
        return Shape::Har;
    }
    if looks_like_ndjson(text) {
        return Shape::Ndjson;
    }
    Shape::Json
}

pub(crate) fn is_request_line(line: &str) -> bool {
    let mut parts = line.split(' ');
    let method = parts.next().unwrap_or_default();
    let _target = parts.next();
    let version = parts.next().unwrap_or_default();
    HTTP_METHODS.contains(&method) && version.starts_with("HTTP/")
}

fn is_header_line(line: &str) -> bool {
    match line.split_once(':') {
        Some((name, _)) => {
            !name.is_empty()
                && name.as_bytes()[0].is_ascii_alphabetic()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        }
        None => false,
    }
}

fn looks_like_har(text: &[u8]) -> bool {
    let window = &text[..text.len().min(512)];
    text.first() == Some(&b'{') && contains(window, b"\"log\"") && (contains(text, b"\"entries\""))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    // Compare only where the first byte matches: sniffing runs on every input.
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    haystack
        .iter()
        .enumerate()
        .any(|(at, &b)| b == first && haystack[at + 1..].starts_with(rest))
}

/// One JSON document spread over lines: the first line opens a value it
/// does not close, and the next line does not start another value.
fn pretty_printed(text: &[u8]) -> bool {
    let mut lines = text
        .split(|b| *b == b'\n')
        .map(<[u8]>::trim_ascii)
        .filter(|l| !l.is_empty());
    let Some(first) = lines.next() else {
        return false;
    };
    matches!(first.first(), Some(b'{' | b'['))
        && serde_json::from_slice::<serde::de::IgnoredAny>(first).is_err()
        && lines
            .next()
            .is_some_and(|l| !matches!(l.first(), Some(b'{' | b'[')))
}

/// Several JSON values, one per line: the first line is a complete value
/// and another value starts on a later line.
fn looks_like_ndjson(text: &[u8]) -> bool {
    let mut lines = text
        .split(|b| *b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty());
    let Some(first) = lines.next() else {
        return false;
    };
    let complete = serde_json::from_slice::<serde::de::IgnoredAny>(first.trim_ascii()).is_ok();
    complete
        && lines
            .next()
            .is_some_and(|l| matches!(l.trim_ascii().first(), Some(b'{' | b'[')))
}

/// Splits a whole source (not NDJSON, which is streamed) into its bodies.
pub fn split(name: &str, bytes: Vec<u8>, shape: Shape) -> Vec<Result<Body, Broken>> {
    match shape {
        Shape::Http => match crate::ingest::trace::request(&bytes) {
            // A curl record: the request it holds, checked as a capture.
            Some(Trace::Request(raw, remark)) => {
                let mut requests = crate::ingest::http::requests(name, &raw);
                if let Some(remark) = remark {
                    for body in requests.iter_mut().flatten() {
                        add_note(&mut body.note, remark.clone());
                    }
                }
                requests
            }
            Some(Trace::NoBody(message)) => vec![Err(Broken {
                source: name.to_owned(),
                message,
                passed_over: false,
            })],
            None => crate::ingest::http::requests(name, &bytes),
        },
        Shape::Har => har(name, &bytes).unwrap_or_else(|| vec![Ok(plain(name, bytes))]),
        Shape::Ndjson => ndjson(name, io::Cursor::new(bytes)).collect(),
        Shape::Json => {
            // A request bin's or tunnel's export: the requests it holds.
            if let Some(found) = crate::ingest::bins::requests(&bytes) {
                return unwrapped(name, found);
            }
            let mut body = plain(name, bytes);
            if sniff(name, b"") == Shape::Ndjson {
                body.note = Some(
                    "named as JSON Lines but holds one JSON document over several lines: read as one document"
                        .into(),
                );
            }
            vec![Ok(body)]
        }
    }
}

/// A body that is the whole source.
pub fn plain(name: &str, bytes: Vec<u8>) -> Body {
    Body {
        source: name.to_string(),
        bytes,
        headers: Vec::new(),
        origin: Some(Position { line: 1, column: 1 }),
        note: None,
        decoded_from: None,
        entry: None,
    }
}

/// The body with its `Content-Encoding` undone (see
/// [`encoding`](crate::ingest::encoding)): decoded bodies lose their
/// `origin` (positions are the decoded body's own) and say what was
/// undone; a plain body under such a header gets a note.
pub(crate) fn content_decoded(mut body: Body) -> Result<Body, String> {
    let values: Vec<&str> = body
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("content-encoding"))
        .map(|(_, v)| v.as_str())
        .collect();
    let codings = encoding::codings(&values);
    match encoding::decode("Content-Encoding", &codings, &body.bytes)? {
        Decoded::AsSent => {}
        Decoded::Decoded { bytes, from } => {
            body.bytes = bytes;
            body.origin = None;
            body.decoded_from = Some(match body.decoded_from.take() {
                Some(transfer) => format!("{transfer}, then {from}"),
                None => from,
            });
        }
        Decoded::AlreadyPlain { header } => {
            add_note(
                &mut body.note,
                encoding::plain_note("Content-Encoding", &header),
            );
        }
    }
    Ok(body)
}

/// Adds a note to those a body already has.
pub(crate) fn add_note(note: &mut Option<String>, more: String) {
    *note = Some(match note.take() {
        Some(first) => format!("{first}; {more}"),
        None => more,
    });
}

/// Why a body sent as a form or a multipart upload is not a JSON payload,
/// or `None`: a JSON body under a wrong Content-Type is still checked.
pub(crate) fn form_body(content_type: &str, body: &[u8]) -> Option<String> {
    let kind = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let looks_json = matches!(body.trim_ascii().first(), Some(b'{' | b'['));
    let what = match kind.as_str() {
        "application/x-www-form-urlencoded" => "an HTML form (application/x-www-form-urlencoded)",
        "multipart/form-data" => "a multipart upload (multipart/form-data)",
        _ => return None,
    };
    (!looks_json).then(|| {
        format!(
            "the body is {what}, not JSON: the webhooks whi checks send JSON, so this is some other request"
        )
    })
}

/// A HAR 1.2 archive: one body per entry's request, named by method and
/// URL; entries whose request has no body (page loads, preflights: what a
/// browser records beside the webhooks) are passed over with one note.
/// `None` when the JSON is not a HAR after all.
fn har(name: &str, bytes: &[u8]) -> Option<Vec<Result<Body, Broken>>> {
    let archive: Value = serde_json::from_slice(bytes).ok()?;
    let entries = archive.pointer("/log/entries")?.as_array()?;
    let text = String::from_utf8_lossy(bytes);
    let index = crate::ingest::locate::Index::default();
    let mut bodiless: Vec<String> = Vec::new();
    let mut bodies = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let request = entry.get("request");
        let method = request
            .and_then(|r| r.get("method"))
            .and_then(Value::as_str)
            .unwrap_or("POST");
        let post = request.and_then(|r| r.get("postData"));
        let empty = post.is_none_or(|p| {
            p.get("text")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
                && p.get("params")
                    .and_then(Value::as_array)
                    .is_none_or(Vec::is_empty)
        });
        // A request without a body that no webhook is (GET, OPTIONS, …).
        if empty
            && !matches!(
                method.to_ascii_uppercase().as_str(),
                "POST" | "PUT" | "PATCH"
            )
        {
            bodiless.push(method.to_ascii_uppercase());
            continue;
        }
        let url = request
            .and_then(|r| r.get("url"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let line = index
            .locate(&text, &format!("/log/entries/{i}/request/postData/text"))
            .or_else(|| index.locate(&text, &format!("/log/entries/{i}")))
            .map_or(1, |offset| index.position(&text, offset).line);
        let described = Arc::new(Entry {
            request: format!("{} {}", method.to_ascii_uppercase(), url_path(url))
                .trim_end()
                .to_owned(),
            index: i,
            line,
        });
        bodies.push(har_entry(name, i, entry, described));
    }
    if !bodiless.is_empty() {
        let mut kinds: Vec<(String, usize)> = Vec::new();
        for method in &bodiless {
            match kinds.iter_mut().find(|(m, _)| m == method) {
                Some((_, n)) => *n += 1,
                None => kinds.push((method.clone(), 1)),
            }
        }
        let kinds: Vec<String> = kinds.iter().map(|(m, n)| format!("{m} {n}")).collect();
        bodies.push(Err(Broken {
            source: name.to_owned(),
            message: format!(
                "{} of {} entries {} no request body ({}): passed over",
                bodiless.len(),
                entries.len(),
                if bodiless.len() == 1 { "has" } else { "have" },
                kinds.join(", ")
            ),
            passed_over: true,
        }));
    }
    Some(bodies)
}

/// `https://shop.example/webhooks/salla?x=1` → `/webhooks/salla?x=1`.
fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    match rest.find('/') {
        Some(slash) if url.contains("://") => &rest[slash..],
        _ => url,
    }
}

/// One HAR entry's request body.
fn har_entry(name: &str, i: usize, entry: &Value, described: Arc<Entry>) -> Result<Body, Broken> {
    let source = format!("{name}#entries/{i}");
    let broken = |message: &str| Broken {
        source: source.clone(),
        message: message.to_owned(),
        passed_over: false,
    };
    let request = entry
        .get("request")
        .ok_or_else(|| broken("HAR entry has no request"))?;
    let headers = request
        .get("headers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|h| {
            Some((
                h.get("name")?.as_str()?.to_string(),
                h.get("value")?.as_str()?.to_string(),
            ))
        })
        .collect();
    let method = request
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or("POST");
    let Some(post) = request.get("postData") else {
        return Err(broken(&format!(
            "HAR entry has no postData: the {method} request had no body"
        )));
    };
    let mime = post
        .get("mimeType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(text) = post.get("text").and_then(Value::as_str) else {
        let params = post
            .get("params")
            .and_then(Value::as_array)
            .is_some_and(|p| !p.is_empty());
        return Err(broken(if params {
            "HAR entry's postData has form parameters (params) and no text: the request sent a form, not a JSON body"
        } else {
            "HAR entry's postData has no text: the body was not saved (in the browser, export the HAR with content)"
        }));
    };
    let bytes = match post.get("encoding").and_then(Value::as_str) {
        // Some tools wrap base64 at 76 columns (MIME style).
        Some(encoding) if encoding.eq_ignore_ascii_case("base64") => {
            let packed: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
            base64::engine::general_purpose::STANDARD
                .decode(packed)
                .map_err(|e| broken(&format!("postData.text is not valid base64: {e}")))?
        }
        None | Some("") => text.as_bytes().to_vec(),
        Some(other) => {
            return Err(broken(&format!(
                "postData.encoding {other:?} is not one whi knows (HAR 1.2 has base64, or none for text)"
            )));
        }
    };
    let body = Body {
        source: source.clone(),
        bytes,
        headers,
        origin: None,
        note: None,
        decoded_from: None,
        entry: Some(described),
    };
    let body = content_decoded(body).map_err(|message| broken(&message))?;
    if let Some(problem) = form_body(mime, &body.bytes) {
        return Err(broken(&problem));
    }
    Ok(body)
}

/// The longest line kept in memory; a longer one is reported, not loaded.
pub const MAX_LINE: usize = 256 * 1024 * 1024;

/// The requests of a bin export, read as the raw requests they are.
fn unwrapped(name: &str, found: Vec<crate::ingest::bins::Found>) -> Vec<Result<Body, Broken>> {
    found
        .into_iter()
        .flat_map(|(suffix, raw, remark)| {
            let source = format!("{name}{suffix}");
            match raw {
                Ok(raw) => {
                    let mut requests = crate::ingest::http::requests(&source, &raw);
                    for body in requests.iter_mut().flatten() {
                        if let Some(remark) = &remark {
                            add_note(&mut body.note, remark.clone());
                        }
                        // Positions are in the request rebuilt from the export.
                        body.origin = None;
                    }
                    requests
                }
                Err(message) => vec![Err(Broken {
                    source,
                    message,
                    passed_over: false,
                })],
            }
        })
        .collect()
}

/// Streams NDJSON: one body per non-blank line, named `name:LINE`; a line
/// that is a request bin's export yields its requests. Memory holds one
/// line at a time.
pub fn ndjson<R: BufRead>(
    name: &str,
    reader: R,
) -> impl Iterator<Item = Result<Body, Broken>> + use<R> {
    let name = name.to_string();
    let mut reader = reader;
    let mut line_number = 0usize;
    let mut buffer = Vec::new();
    // A line that is a bin's export (Hookdeck's CLI, `jq -c` over a list)
    // may hold several requests: the ones not yet handed out.
    let mut pending = std::collections::VecDeque::new();
    std::iter::from_fn(move || {
        loop {
            if let Some(next) = pending.pop_front() {
                return Some(next);
            }
            buffer.clear();
            line_number += 1;
            let read =
                io::Read::take(&mut reader, MAX_LINE as u64 + 1).read_until(b'\n', &mut buffer);
            match read {
                Ok(0) => return None,
                Ok(_) if buffer.len() > MAX_LINE => {
                    // skip the rest of the over-long line
                    let mut sink = Vec::new();
                    while reader.read_until(b'\n', &mut sink).is_ok_and(|n| n > 0) {
                        if sink.ends_with(b"\n") {
                            break;
                        }
                        sink.clear();
                    }
                    return Some(Err(Broken {
                        source: format!("{name}:{line_number}"),
                        message: format!("line longer than {} MiB: not loaded", MAX_LINE >> 20),
                        passed_over: false,
                    }));
                }
                Ok(_) => {
                    let line = buffer.trim_ascii();
                    if line.is_empty() {
                        continue;
                    }
                    let source = format!("{name}:{line_number}");
                    if let Some(found) = crate::ingest::bins::requests(line) {
                        pending.extend(unwrapped(&source, found));
                        continue;
                    }
                    let indent = buffer
                        .iter()
                        .take_while(|b| b.is_ascii_whitespace())
                        .count();
                    return Some(Ok(Body {
                        source,
                        bytes: line.to_vec(),
                        headers: Vec::new(),
                        origin: Some(Position {
                            line: line_number,
                            column: indent + 1,
                        }),
                        note: None,
                        decoded_from: None,
                        entry: None,
                    }));
                }
                Err(e) => {
                    return Some(Err(Broken {
                        source: format!("{name}:{line_number}"),
                        message: format!("cannot read: {e}"),
                        passed_over: false,
                    }));
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = r#"{"event":"order.created","merchant":1,"data":{}}"#;

    fn one(text: &str) -> Body {
        let shape = sniff("capture", text.as_bytes());
        match split("capture", text.as_bytes().to_vec(), shape)
            .into_iter()
            .next()
        {
            Some(Ok(body)) => body,
            other => panic!("no body: {other:?}"),
        }
    }

    #[test]
    fn sniffs_every_shape() {
        assert_eq!(sniff("a.json", BODY.as_bytes()), Shape::Json);
        assert_eq!(sniff("a.json", b"  {\n  \"a\": 1\n}\n"), Shape::Json);
        assert_eq!(
            sniff("a", b"POST /hook HTTP/1.1\r\nHost: x\r\n\r\n{}"),
            Shape::Http
        );
        assert_eq!(
            sniff("a", b"Content-Type: application/json\n\n{}"),
            Shape::Http
        );
        assert_eq!(
            sniff("a", b"{\"log\": {\"version\": \"1.2\", \"entries\": []}}"),
            Shape::Har
        );
        assert_eq!(sniff("a", b"{\"a\":1}\n{\"b\":2}\n"), Shape::Ndjson);
        assert_eq!(sniff("a.jsonl", b"{\"a\":1}"), Shape::Ndjson);
        assert_eq!(sniff("a", b"[{\"a\":1},\n{\"b\":2}]"), Shape::Json);
    }

    #[test]
    fn raw_http_with_crlf_and_lf() {
        for eol in ["\r\n", "\n"] {
            let text = format!(
                "POST /webhooks/salla HTTP/1.1{eol}Host: example.com{eol}X-Salla-Security-Strategy: Signature{eol}Content-Length: {}{eol}{eol}{BODY}",
                BODY.len()
            );
            let body = one(&text);
            assert_eq!(body.bytes, BODY.as_bytes());
            assert_eq!(body.headers.len(), 3);
            assert_eq!(body.origin, Some(Position { line: 6, column: 1 }));
            assert_eq!(body.note, None);
        }
    }

    #[test]
    fn request_line_may_be_missing() {
        let body = one(&format!(
            "X-Snipcart-RequestToken: abc\nContent-Type: application/json\n\n{BODY}\n"
        ));
        assert_eq!(body.bytes, format!("{BODY}\n").as_bytes());
        assert_eq!(
            body.headers[0],
            ("X-Snipcart-RequestToken".to_string(), "abc".to_string())
        );
        assert_eq!(body.origin, Some(Position { line: 4, column: 1 }));
    }

    #[test]
    fn chunked_bodies_are_decoded() {
        let (a, b) = BODY.split_at(10);
        let text = format!(
            "POST /h HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
            a.len(),
            b.len()
        );
        assert_eq!(one(&text).bytes, BODY.as_bytes());
    }

    #[test]
    fn chunk_sizes_that_overflow_are_broken_captures_not_panics() {
        for size in ["ffffffffffffffff", "fffffffffffffff0", "7fffffffffffffff"] {
            let text = format!(
                "POST /h HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n{size}\r\n{{}}\r\n0\r\n\r\n"
            );
            let found = split("c.http", text.into_bytes(), Shape::Http);
            assert!(
                matches!(found.as_slice(), [Err(b)] if b.message.contains("chunk")),
                "{size}: {found:?}"
            );
        }
    }

    #[test]
    fn content_length_disagreements_are_noted() {
        let short = one(&format!(
            "POST /h HTTP/1.1\r\nContent-Length: 999\r\n\r\n{BODY}"
        ));
        assert!(
            short
                .note
                .as_deref()
                .is_some_and(|n| n.contains("truncated"))
        );
        let long = one(&format!(
            "POST /h HTTP/1.1\r\nContent-Length: 5\r\n\r\n{BODY}"
        ));
        // Only the whole is JSON: an edited capture, checked whole.
        assert_eq!(long.bytes, BODY.as_bytes());
        assert!(
            long.note
                .as_deref()
                .is_some_and(|n| n.contains("whole body was checked"))
        );
        // The length holds a JSON body and something else follows it.
        let trailing = one(&format!(
            "POST /h HTTP/1.1\r\nContent-Length: {}\r\n\r\n{BODY}xyz",
            BODY.len()
        ));
        assert_eq!(trailing.bytes, BODY.as_bytes());
        assert!(
            trailing
                .note
                .as_deref()
                .is_some_and(|n| n.contains("3 more bytes follow the body; they were ignored"))
        );
    }

    #[test]
    fn har_entries_with_plain_and_base64_bodies() {
        let encoded = base64::engine::general_purpose::STANDARD.encode(BODY);
        let har = serde_json::json!({"log": {"version": "1.2", "entries": [
            {"request": {"method": "POST", "headers": [{"name": "X-Salla-Signature", "value": "ab"}],
                         "postData": {"mimeType": "application/json", "text": BODY}}},
            {"request": {"method": "POST", "headers": [], "postData": {"mimeType": "application/json", "text": encoded, "encoding": "base64"}}},
            {"request": {"method": "GET", "headers": []}}
        ]}})
        .to_string();
        let bodies = split("x.har", har.into_bytes(), Shape::Har);
        assert_eq!(bodies.len(), 3);
        let ok: Vec<&Body> = bodies.iter().filter_map(|b| b.as_ref().ok()).collect();
        assert_eq!(ok[0].source, "x.har#entries/0");
        assert_eq!(ok[0].headers[0].0, "X-Salla-Signature");
        assert_eq!(ok[1].bytes, BODY.as_bytes());
        // The GET is passed over, with one note for the archive.
        assert!(matches!(&bodies[2], Err(b) if b.passed_over
            && b.source == "x.har"
            && b.message == "1 of 3 entries has no request body (GET 1): passed over"));
        assert_eq!(
            ok[0].entry.as_ref().map(|e| (e.request.as_str(), e.index)),
            Some(("POST", 0)),
            "no URL in this HAR: the method alone"
        );
    }

    #[test]
    fn ndjson_streams_lines_with_their_numbers() {
        let text = format!("{BODY}\n\n  {BODY}\nnot json\n");
        let bodies: Vec<_> = ndjson("log.ndjson", io::Cursor::new(text)).collect();
        let sources: Vec<String> = bodies
            .iter()
            .filter_map(|b| b.as_ref().ok())
            .map(|b| b.source.clone())
            .collect();
        assert_eq!(
            sources,
            vec!["log.ndjson:1", "log.ndjson:3", "log.ndjson:4"]
        );
        let third = bodies[1].as_ref().ok().and_then(|b| b.origin);
        assert_eq!(third, Some(Position { line: 3, column: 3 }));
    }
}
