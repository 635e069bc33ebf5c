//! Raw HTTP/1.1 requests as people save them: read leniently, because a
//! capture is evidence, not traffic to defend a server from (issue 16).
//!
//! Accepted as captures come: folded header lines (obs-fold, joined with a
//! space), any number of headers up to [`MAX_HEADERS`], a blank line that
//! holds spaces, `Content-Length: N, N` (one value repeated), a chunked body
//! without its final `0` chunk (with a note), and several requests one after
//! the other (a keep-alive connection saved whole), each checked and named
//! `file#requests/N`. `Transfer-Encoding` is de-chunked only when its last
//! coding is exactly `chunked` (chunk extensions and trailers are read past,
//! and `Content-Length` beside it is ignored with a note); compressing
//! codings before it and `Content-Encoding` are undone by
//! [`encoding`](crate::ingest::encoding). A request that holds no JSON body
//! (a GET without one, a form, a multipart upload), an HTTP response, and a
//! head with a NUL byte are broken captures that say so; a response saved
//! after the request is noted and ignored. Nothing here prints or names a
//! provider.

use crate::ingest::capture::{self, Body, Broken};
use crate::ingest::encoding::{self, Decoded};
use crate::ingest::locate;

/// More header lines than any webhook sends: past this a "request" is
/// something else, and is not held in memory header by header.
pub const MAX_HEADERS: usize = 10_000;

/// The requests in a raw HTTP capture, in order.
pub fn requests(name: &str, bytes: &[u8]) -> Vec<Result<Body, Broken>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut found = Vec::new();
    let mut at = skip_space(bytes, 0);
    loop {
        match request(bytes, at) {
            Ok((body, next)) => {
                found.push(Ok(body));
                match next {
                    Some(next) => at = next,
                    None => break,
                }
            }
            Err(message) => {
                found.push(Err(Broken {
                    source: String::new(),
                    message,
                    passed_over: false,
                }));
                break;
            }
        }
    }
    let many = found.len() > 1;
    for (i, item) in found.iter_mut().enumerate() {
        let source = if many {
            format!("{name}#requests/{i}")
        } else {
            name.to_string()
        };
        match item {
            Ok(body) => body.source = source,
            Err(broken) => broken.source = source,
        }
    }
    found
}

/// The request line and headers of one request.
struct Head {
    /// The method, when there is a request line.
    method: Option<String>,
    headers: Vec<(String, String)>,
    /// Where the body starts.
    body: usize,
}

/// One request starting at `at`: its body, and where the next request
/// starts if another follows it.
fn request(bytes: &[u8], at: usize) -> Result<(Body, Option<usize>), String> {
    let head = head(bytes, at)?;
    let values = |wanted: &str| -> Vec<&str> {
        head.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(wanted))
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let rest = &bytes[head.body..];
    let mut note = None;
    let codings = encoding::codings(&values("transfer-encoding"));
    let chunked = codings.last().is_some_and(|c| c == "chunked");
    let mut decoded_from = None;
    let (body, end) = if chunked {
        let (mut body, used, missing_end) = dechunk(rest)?;
        if missing_end {
            note = Some(
                "the chunked body lacks its final 0-size chunk: the capture may be cut short"
                    .to_string(),
            );
        }
        if !values("content-length").is_empty() {
            capture::add_note(
                &mut note,
                "the request has both Content-Length and Transfer-Encoding: chunked: the chunks were read and Content-Length ignored (RFC 9112 §6.3)".into(),
            );
        }
        // Compressing transfer codings before `chunked` (gzip, chunked).
        let inner = &codings[..codings.len() - 1];
        match encoding::decode("Transfer-Encoding", inner, &body)? {
            Decoded::Decoded { bytes, from } => {
                body = bytes;
                decoded_from = Some(format!("{from} (Transfer-Encoding)"));
            }
            Decoded::AlreadyPlain { header } => {
                capture::add_note(
                    &mut note,
                    encoding::plain_note("Transfer-Encoding", &header),
                );
            }
            Decoded::AsSent => {}
        }
        (body, head.body + used)
    } else if let Some(length) = content_length(&values("content-length"))? {
        if !codings.is_empty() {
            note = Some(format!(
                "Transfer-Encoding {} is not chunked: the body was taken as it stands",
                codings.join(", ")
            ));
        }
        if rest.len() < length {
            note = Some(format!(
                "Content-Length is {length} but the body has {} bytes ({} fewer): the capture looks truncated",
                rest.len(),
                length - rest.len()
            ));
            (rest.to_vec(), bytes.len())
        } else if edited(rest, length) {
            note = Some(format!(
                "Content-Length is {length} but the body has {} bytes ({} more), and only the whole body is JSON: the capture was edited after it was saved, so the whole body was checked",
                rest.len(),
                rest.len() - length
            ));
            (rest.to_vec(), bytes.len())
        } else {
            (rest[..length].to_vec(), head.body + length)
        }
    } else {
        if !codings.is_empty() {
            note = Some(format!(
                "Transfer-Encoding {} is not chunked: the body was taken as it stands",
                codings.join(", ")
            ));
        }
        (rest.to_vec(), bytes.len())
    };
    // What follows the body: another request, blank space, or left-overs
    // (after a chunked body, repeated final chunks are left-overs of no
    // consequence: some capture tools write them).
    let mut next = skip_space(bytes, end);
    if chunked {
        loop {
            let line = first_line(&bytes[next..]);
            if line.trim_end() != "0" {
                break;
            }
            next = skip_space(bytes, next + line.len());
        }
    }
    let following = if next >= bytes.len() {
        None
    } else if capture::is_request_line(first_line(&bytes[next..]).trim_end()) {
        Some(next)
    } else if is_status_line(first_line(&bytes[next..]).trim_end()) {
        capture::add_note(
            &mut note,
            "the response saved after the request was ignored: whi checks the request's body"
                .into(),
        );
        None
    } else {
        let left_over = if chunked {
            format!(
                "{} bytes that are not a request follow the chunked body; they were ignored",
                bytes.len() - end
            )
        } else {
            format!(
                "Content-Length is {} but {} more bytes follow the body; they were ignored",
                body.len(),
                bytes.len() - end
            )
        };
        capture::add_note(&mut note, left_over);
        None
    };
    let content_type = values("content-type")
        .first()
        .map(|v| v.to_string())
        .unwrap_or_default();
    let origin = match decoded_from {
        Some(_) => None,
        None => Some(locate::position(
            &String::from_utf8_lossy(&bytes[..head.body]),
            head.body,
        )),
    };
    let body = capture::content_decoded(Body {
        source: String::new(),
        bytes: body,
        headers: head.headers,
        origin,
        note,
        decoded_from,
        entry: None,
    })?;
    if let Some(problem) = not_json(head.method.as_deref(), &content_type, &body.bytes) {
        return Err(problem);
    }
    Ok((body, following))
}

/// Why a request's body cannot be a JSON webhook body, when that is clear
/// from the request itself.
fn not_json(method: Option<&str>, content_type: &str, body: &[u8]) -> Option<String> {
    if body.trim_ascii().is_empty()
        && let Some(method @ ("GET" | "HEAD" | "DELETE" | "OPTIONS")) = method
    {
        return Some(format!(
            "a {method} request without a body: webhooks are POSTed with a JSON body, so this capture holds no payload"
        ));
    }
    capture::form_body(content_type, body)
}

/// `Content-Length`, from every such header and every comma-separated
/// value in them: one number, however often repeated (RFC 9110 §8.6).
fn content_length(values: &[&str]) -> Result<Option<usize>, String> {
    let mut found: Option<usize> = None;
    for value in values.iter().flat_map(|v| v.split(',')) {
        let value = value.trim();
        let n: usize = value
            .parse()
            .map_err(|_| format!("Content-Length {value:?} is not a number"))?;
        match found {
            Some(m) if m != n => {
                return Err(format!(
                    "Content-Length gives two lengths ({m} and {n}): which bytes are the body is ambiguous"
                ));
            }
            _ => found = Some(n),
        }
    }
    Ok(found)
}

/// The request line (optional) and the headers, up to the blank line.
fn head(bytes: &[u8], at: usize) -> Result<Head, String> {
    let mut pos = at;
    let mut method = None;
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut number = 0;
    loop {
        let Some(end) = bytes[pos..].iter().position(|b| *b == b'\n') else {
            return Err(if method.is_some() {
                "the request ends before its headers do (no blank line after them)".into()
            } else {
                "the headers do not end with a blank line".into()
            });
        };
        let raw = &bytes[pos..pos + end];
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        pos += end + 1;
        number += 1;
        let text = String::from_utf8_lossy(line);
        if number == 1 && is_status_line(text.trim_end()) {
            return Err(format!(
                "this is an HTTP response ({}), not a request: whi checks the body of the webhook request; save the request instead",
                text.trim_end()
            ));
        }
        if line.contains(&0) {
            return Err(format!(
                "not valid HTTP headers: line {number} holds a NUL byte (the capture is binary or corrupted)"
            ));
        }
        if number == 1 && capture::is_request_line(text.trim_end()) {
            method = text.split(' ').next().map(str::to_string);
            continue;
        }
        // HTTP/2 as devtools and proxies write it: pseudo-headers first.
        if let Some((name, value)) = text.strip_prefix(':').and_then(|p| p.split_once(':')) {
            let value = value.trim();
            match name {
                "method" => method = Some(value.to_owned()),
                "authority" => headers.push(("Host".into(), value.to_owned())),
                "status" => {
                    return Err(format!(
                        "this is an HTTP/2 response (:status {value}), not a request: whi checks the body of the webhook request; save the request instead"
                    ));
                }
                // :path, :scheme, :protocol say nothing about the body.
                _ => {}
            }
            continue;
        }
        // A blank line ends the head, spaces or not (some tools save one).
        if line.trim_ascii().is_empty() {
            return Ok(Head {
                method,
                headers,
                body: pos,
            });
        }
        if line.starts_with(b" ") || line.starts_with(b"\t") {
            // obs-fold: the line continues the header above it.
            let Some((_, value)) = headers.last_mut() else {
                return Err(format!(
                    "not valid HTTP headers: line {number} starts with white space but follows no header"
                ));
            };
            if !value.is_empty() {
                value.push(' ');
            }
            value.push_str(text.trim());
            continue;
        }
        let header = text
            .split_once(':')
            .filter(|(name, _)| is_token(name))
            .ok_or_else(|| {
                format!(
                    "not valid HTTP headers: line {number} is not `Name: value`{}",
                    if method.is_none() && number == 1 {
                        ""
                    } else {
                        " (a header name is letters, digits and -)"
                    }
                )
            })?;
        if headers.len() == MAX_HEADERS {
            return Err(format!(
                "more than {MAX_HEADERS} header lines: not a webhook request"
            ));
        }
        headers.push((header.0.to_string(), header.1.trim().to_string()));
    }
}

/// An HTTP/1.x status line (`HTTP/1.1 200 OK`): the start of a response.
pub(crate) fn is_status_line(line: &str) -> bool {
    let mut parts = line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let code = parts.next().unwrap_or_default();
    version.starts_with("HTTP/") && code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit())
}

/// An HTTP token (RFC 9110 §5.6.2): a header name.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether a body longer than its `Content-Length` was edited by hand
/// rather than followed by something else: what follows is no request or
/// response, the body cut at `length` is not JSON, and the whole of it is.
fn edited(rest: &[u8], length: usize) -> bool {
    use serde::de::IgnoredAny;
    let after = &rest[skip_space(rest, length)..];
    let line = first_line(after);
    let line = line.trim_end();
    !after.is_empty()
        && !capture::is_request_line(line)
        && !is_status_line(line)
        && serde_json::from_slice::<IgnoredAny>(&rest[..length]).is_err()
        && serde_json::from_slice::<IgnoredAny>(rest).is_ok()
}

fn first_line(bytes: &[u8]) -> String {
    let line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    String::from_utf8_lossy(line).into_owned()
}

fn skip_space(bytes: &[u8], from: usize) -> usize {
    let from = from.min(bytes.len());
    from + bytes[from..]
        .iter()
        .take_while(|b| b.is_ascii_whitespace())
        .count()
}

/// Decodes a chunked body: the body, the bytes used (trailers included),
/// and whether the final `0` chunk was missing (the data ended at a chunk
/// boundary instead).
fn dechunk(data: &[u8]) -> Result<(Vec<u8>, usize, bool), String> {
    let mut body = Vec::new();
    let mut pos = 0;
    loop {
        if data[pos..].trim_ascii().is_empty() && pos > 0 {
            return Ok((body, data.len(), true));
        }
        let (start, size) = match httparse::parse_chunk_size(&data[pos..]) {
            Ok(httparse::Status::Complete(found)) => found,
            Ok(httparse::Status::Partial) => {
                return Err("the chunked body ends in the middle of a chunk size".into());
            }
            Err(_) => return Err("the chunked body has an invalid chunk size".into()),
        };
        let size = usize::try_from(size).map_err(|_| "a chunk is too large".to_string())?;
        let start = pos + start;
        if size == 0 {
            return Ok((body, start + trailers(&data[start..]), false));
        }
        // A size near usize::MAX must not overflow: checked, then sliced.
        let end = start
            .checked_add(size)
            .filter(|end| *end <= data.len())
            .ok_or_else(|| "the chunked body ends in the middle of a chunk".to_string())?;
        body.extend_from_slice(&data[start..end]);
        pos = end;
        if data[pos..].starts_with(b"\r\n") {
            pos += 2;
        } else if data[pos..].starts_with(b"\n") {
            pos += 1;
        }
    }
}

/// The length of the trailer section after the last chunk, up to and
/// including its blank line (or to the end of the data).
fn trailers(data: &[u8]) -> usize {
    let mut pos = 0;
    while pos < data.len() {
        let end = data[pos..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(data.len(), |e| pos + e + 1);
        let line = &data[pos..end];
        pos = end;
        if line.trim_ascii().is_empty() {
            break;
        }
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = r#"{"event":"order.created","merchant":1,"data":{}}"#;

    fn one(text: &str) -> Result<Body, Broken> {
        let mut found = requests("c.http", text.as_bytes());
        assert_eq!(found.len(), 1, "{found:?}");
        found.remove(0)
    }

    fn body(text: &str) -> Body {
        match one(text) {
            Ok(body) => body,
            Err(broken) => panic!("{}", broken.message),
        }
    }

    #[test]
    fn folded_headers_and_a_blank_line_of_spaces() {
        let got = body(&format!(
            "POST /h HTTP/1.1\r\nX-Long: one\r\n  two\r\n\ttwo-and-a-half\r\n \r\n{BODY}"
        ));
        assert_eq!(got.headers[0].1, "one two two-and-a-half");
        assert_eq!(got.bytes, BODY.as_bytes());
    }

    #[test]
    fn more_headers_than_httparse_took() {
        let many: String = (0..200).map(|i| format!("X-H{i}: {i}\r\n")).collect();
        let got = body(&format!("POST /h HTTP/1.1\r\n{many}\r\n{BODY}"));
        assert_eq!(got.headers.len(), 200);
        let too_many: String = (0..=MAX_HEADERS)
            .map(|i| format!("X-H{i}: {i}\n"))
            .collect();
        let broken = one(&format!("POST /h HTTP/1.1\n{too_many}\n{BODY}"));
        assert!(matches!(broken, Err(b) if b.message.contains("more than")));
    }

    #[test]
    fn repeated_content_lengths_agree_or_are_refused() {
        let n = BODY.len();
        let got = body(&format!(
            "POST /h HTTP/1.1\r\nContent-Length: {n}, {n}\r\n\r\n{BODY}"
        ));
        assert_eq!(got.bytes, BODY.as_bytes());
        let broken = one(&format!(
            "POST /h HTTP/1.1\r\nContent-Length: {n}\r\nContent-Length: 3\r\n\r\n{BODY}"
        ));
        assert!(matches!(broken, Err(b) if b.message.contains("two lengths")));
    }

    #[test]
    fn chunked_only_when_the_last_coding_is_chunked() {
        let got = body(&format!(
            "POST /h HTTP/1.1\r\nTransfer-Encoding: notchunked\r\n\r\n{BODY}"
        ));
        assert_eq!(got.bytes, BODY.as_bytes());
        assert!(got.note.is_some_and(|n| n.contains("not chunked")));
        let (a, b) = BODY.split_at(7);
        let got = body(&format!(
            "POST /h HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n",
            a.len(),
            b.len()
        ));
        assert_eq!(got.bytes, BODY.as_bytes());
        assert!(got.note.is_some_and(|n| n.contains("final 0-size chunk")));
    }

    #[test]
    fn a_second_request_after_a_chunked_body_is_its_own() {
        let text = format!(
            "POST /h HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{BODY}\r\n0\r\n\r\nPOST /h HTTP/1.1\r\nContent-Length: 2\r\n\r\n{{}}",
            BODY.len()
        );
        let found = requests("c.http", text.as_bytes());
        let sources: Vec<_> = found
            .iter()
            .map(|b| b.as_ref().map(|b| (b.source.clone(), b.bytes.clone())))
            .collect();
        assert_eq!(
            sources,
            [
                Ok(("c.http#requests/0".to_string(), BODY.as_bytes().to_vec())),
                Ok(("c.http#requests/1".to_string(), b"{}".to_vec()))
            ]
        );
    }

    #[test]
    fn requests_without_a_json_body_say_what_they_hold() {
        let get = one("GET /h HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(matches!(get, Err(b) if b.message.starts_with("a GET request without a body")));
        let form = one(
            "POST /h HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\na=1&b=2",
        );
        assert!(matches!(form, Err(b) if b.message.contains("form")));
    }
}
