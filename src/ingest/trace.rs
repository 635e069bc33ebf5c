//! curl's own records of a request, turned into the raw HTTP request they
//! describe, so that they are checked as a `.http` capture is:
//!
//! - `curl --trace FILE`: blocks headed `=> Send header, N bytes` and
//!   `=> Send data, N bytes`, each line an offset, sixteen bytes in hex and
//!   the same as text. The hex gives the request byte for byte.
//! - `curl --trace-ascii FILE`: the same blocks as text only, 64 characters a
//!   line; curl starts a new line at each CRLF and shows other control and
//!   non-ASCII bytes as `.`, so the body is rebuilt as well as the text
//!   allows, and the record says so.
//! - `curl -v`: `> ` lines are the request's head, `< ` the response, `* `
//!   curl's remarks. It never shows the request body, which the message says.
//!
//! The layouts are curl's `dump()` in `src/tool_cb_dbg.c`.

/// What a curl record holds.
#[derive(Debug, PartialEq, Eq)]
pub enum Trace {
    /// The request as raw HTTP, and a remark about how it was rebuilt.
    Request(Vec<u8>, Option<String>),
    /// A record that holds no body to check, and why.
    NoBody(String),
}

/// Whether `first_line` starts a curl record.
pub fn looks_like(first_line: &str) -> bool {
    first_line.starts_with("== Info:")
        || first_line.starts_with("=> Send ")
        || (first_line.starts_with("* ") || first_line.starts_with("*   ")) && first_line.len() > 2
        || first_line.starts_with("> ")
}

/// The request a curl record describes, or `None` when it is not one.
pub fn request(bytes: &[u8]) -> Option<Trace> {
    let text = String::from_utf8_lossy(bytes);
    let first = text.lines().find(|l| !l.trim().is_empty())?;
    if !looks_like(first) {
        return None;
    }
    if text.lines().any(|l| l.starts_with("=> Send header")) {
        return Some(traced(&text));
    }
    verbose(&text)
}

/// `curl -v`: the head is there, the body never is.
fn verbose(text: &str) -> Option<Trace> {
    let head: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("> ").or_else(|| (l == ">").then_some("")))
        .collect();
    if head.is_empty() {
        return None;
    }
    let request = head.first().copied().unwrap_or_default();
    Some(Trace::NoBody(format!(
        "this is a curl -v record of {request:?}: curl -v shows the request's headers but never its body; record it with curl --trace FILE (or --trace-ascii FILE), or save the body itself"
    )))
}

/// `--trace` (hex) or `--trace-ascii`: the bytes curl sent.
fn traced(text: &str) -> Trace {
    let mut sent = Vec::new();
    let mut ascii = false;
    let mut declared = 0usize;
    let mut in_send = false;
    // Where the data (the body) starts in `sent`.
    let mut data_from = None;
    for line in text.lines() {
        if let Some(rest) = line
            .strip_prefix("=> Send header, ")
            .or_else(|| line.strip_prefix("=> Send data, "))
        {
            in_send = true;
            if line.starts_with("=> Send data") && data_from.is_none() {
                if ascii && sent.ends_with(b"\r\n\r\n\r\n") {
                    // The blank line's CRLF, then curl's own line end.
                    sent.truncate(sent.len() - 2);
                }
                data_from = Some(sent.len());
            }
            declared += rest
                .split(' ')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0);
            continue;
        }
        if line.starts_with("=> ") || line.starts_with("<= ") || line.starts_with("== ") {
            in_send = false;
            continue;
        }
        if !in_send {
            continue;
        }
        let Some((offset, rest)) = line.split_once(": ") else {
            continue;
        };
        if offset.len() < 4 || !offset.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        match hex_bytes(rest) {
            Some(bytes) => sent.extend(bytes),
            None => {
                // --trace-ascii: a line shorter than 64 ended at a CRLF.
                ascii = true;
                sent.extend_from_slice(rest.as_bytes());
                if rest.len() < 64 {
                    sent.extend_from_slice(b"\r\n");
                }
            }
        }
    }
    let note = ascii.then(|| {
        "rebuilt from curl --trace-ascii, which shows line breaks inside the body and bytes that are not ASCII as '.': record with curl --trace for the exact bytes (signatures need them)".to_owned()
    });
    if ascii {
        // The last data line's CRLF was curl's line end, not the body's.
        if sent.ends_with(b"\r\n") && !sent.ends_with(b"\r\n\r\n") {
            sent.truncate(sent.len() - 2);
        }
        if let Some(from) = data_from {
            unmask_line_breaks(&mut sent[from..]);
        }
    } else if declared != sent.len() {
        return Trace::NoBody(format!(
            "the curl trace says {declared} bytes were sent but holds {}: it is cut short",
            sent.len()
        ));
    }
    Trace::Request(sent, note)
}

/// In a JSON body shown by `--trace-ascii`, a `.` outside strings that is
/// not a decimal point was a line break (or another control byte): it
/// becomes a line break again, so a pretty-printed body parses.
fn unmask_line_breaks(body: &mut [u8]) {
    let mut in_string = false;
    let mut escaped = false;
    for i in 0..body.len() {
        let b = body[i];
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'.' => {
                let digit_before = i > 0 && body[i - 1].is_ascii_digit();
                let digit_after = body.get(i + 1).is_some_and(u8::is_ascii_digit);
                if !(digit_before && digit_after) {
                    body[i] = b'\n';
                }
            }
            _ => {}
        }
    }
}

/// The bytes of a `--trace` line (`7b 22 65 76 …  {"ev…`: sixteen columns of
/// `xx ` or, on a last short line, blanks, then the text), or `None` when
/// the line is not hex (a `--trace-ascii` line).
fn hex_bytes(rest: &str) -> Option<Vec<u8>> {
    let columns = rest.as_bytes().get(..48)?;
    let mut bytes = Vec::new();
    let mut ended = false;
    for group in columns.chunks(3) {
        if group == b"   " {
            ended = true;
            continue;
        }
        if ended || group[2] != b' ' {
            return None;
        }
        let pair = std::str::from_utf8(&group[..2]).ok()?;
        bytes.push(u8::from_str_radix(pair, 16).ok()?);
    }
    (!bytes.is_empty()).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `curl --trace` writes for `bytes` sent as a header then data,
    /// following curl's dump(): offset, 16 hex bytes, the text.
    fn hex_trace(head: &[u8], body: &[u8]) -> String {
        let mut out = String::from("== Info:   Trying 127.0.0.1:8787...\n");
        for (what, bytes) in [("header", head), ("data", body)] {
            out.push_str(&format!(
                "=> Send {what}, {} bytes (0x{:x})\n",
                bytes.len(),
                bytes.len()
            ));
            for (i, chunk) in bytes.chunks(16).enumerate() {
                out.push_str(&format!("{:04x}: ", i * 16));
                for c in 0..16 {
                    match chunk.get(c) {
                        Some(b) => out.push_str(&format!("{b:02x} ")),
                        None => out.push_str("   "),
                    }
                }
                for b in chunk {
                    out.push(if (0x20..0x80).contains(b) {
                        *b as char
                    } else {
                        '.'
                    });
                }
                out.push('\n');
            }
        }
        out.push_str("<= Recv header, 17 bytes (0x11)\n0000: 48 54 54 50 2f 31 2e 31 20 32 30 30 20 4f 4b 0d HTTP/1.1 200 OK.\n");
        out
    }

    #[test]
    fn a_hex_trace_gives_the_request_byte_for_byte() {
        let head = b"POST /hooks HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 26\r\n\r\n";
        let body = "{\"event\":\"\u{0639}\",\n\"x\":[1]}".as_bytes();
        let trace = hex_trace(head, body);
        assert_eq!(
            request(trace.as_bytes()),
            Some(Trace::Request([&head[..], body].concat(), None))
        );
    }

    #[test]
    fn an_ascii_trace_is_rebuilt_with_a_remark() {
        let trace = "== Info: Connected to localhost\n=> Send header, 64 bytes (0x40)\n0000: POST /hooks HTTP/1.1\n0016: Host: localhost\n0027: Content-Type: application/json\n0047: \n=> Send data, 9 bytes (0x9)\n0000: {\"a\": 1}\n== Info: upload completely sent off\n";
        match request(trace.as_bytes()) {
            Some(Trace::Request(bytes, Some(note))) => {
                assert_eq!(
                    String::from_utf8_lossy(&bytes),
                    "POST /hooks HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\r\n{\"a\": 1}"
                );
                assert!(note.contains("--trace-ascii"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_verbose_record_says_it_has_no_body() {
        let trace = "*   Trying 127.0.0.1:8787...\n* Connected to localhost (127.0.0.1) port 8787\n> POST /hooks HTTP/1.1\n> Host: localhost:8787\n> Content-Type: application/json\n> Content-Length: 52\n>\n* upload completely sent off: 52 bytes\n< HTTP/1.1 200 OK\n";
        match request(trace.as_bytes()) {
            Some(Trace::NoBody(why)) => {
                assert!(
                    why.contains("curl -v record of \"POST /hooks HTTP/1.1\""),
                    "{why}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(request(b"{\"a\": 1}"), None);
    }
}
