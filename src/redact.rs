//! `whi redact`: captures made safe to share. Personal data (names,
//! emails, phones, addresses, IPs, notes: the fields each provider's module
//! lists, and [`PERSONAL`] for all) and credential headers (signatures,
//! tokens, cookies, authorization) are masked; everything else, the JSON
//! types and the structure are kept, so a redacted payload still detects
//! and validates as the original did.
//!
//! Masks keep a value's shape — letters stay letters, digits digits, the
//! `@`, dots and dashes in place, lengths the same — so formats (email,
//! dates, patterns) still hold; the same value gets the same mask within a
//! run (so `diff` and timelines still line up), from a key drawn afresh
//! each run (so a mask cannot be reversed by trying every phone number).
//! Works on JSON bodies, NDJSON, raw HTTP and HAR. Nothing here prints.

use crate::check::detect::{self, Overrides};
use crate::ingest::capture::{self, Shape};
use crate::model::doc::Doc;
use crate::model::signature::Headers;
use crate::providers::{self, PERSONAL};
use base64::Engine;
use serde_json::Value;
use std::hash::{BuildHasher, Hasher};

/// What a credential header's value becomes. `whi validate` reports a
/// signature so masked as unverifiable (redacted).
pub const REDACTED: &str = "[redacted by whi]";

/// Masks values, the same value the same way, for one run.
pub struct Masker {
    key: std::collections::hash_map::RandomState,
}

impl Default for Masker {
    fn default() -> Self {
        Masker {
            key: std::collections::hash_map::RandomState::new(),
        }
    }
}

impl Masker {
    /// `text` with each letter and digit replaced, the rest kept; never the
    /// text itself (a one-letter size would otherwise stay one time in 26).
    pub fn text(&self, text: &str) -> String {
        let mut masked = self.drawn(text, 0);
        for salt in 1..16 {
            if masked != text || !text.chars().any(char::is_alphanumeric) {
                break;
            }
            masked = self.drawn(text, salt);
        }
        masked
    }

    fn drawn(&self, text: &str, salt: u64) -> String {
        let mut hasher = self.key.build_hasher();
        hasher.write_u64(salt);
        hasher.write(text.as_bytes());
        let mut state = hasher.finish() | 1;
        let mut next = |n: u64| {
            // xorshift64*: enough to scatter letters, keyed by the run.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) % n
        };
        let mut first_digit = true;
        text.chars()
            .map(|c| {
                let masked = if c.is_ascii_digit() {
                    let lowest = u64::from(first_digit && c != '0');
                    first_digit = false;
                    char::from(b'0' + u8::try_from(lowest + next(10 - lowest)).unwrap_or(0))
                } else if c.is_ascii_uppercase() {
                    char::from(b'A' + u8::try_from(next(26)).unwrap_or(0))
                } else if c.is_alphabetic() {
                    char::from(b'a' + u8::try_from(next(26)).unwrap_or(0))
                } else {
                    c
                };
                if !c.is_ascii_digit() {
                    first_digit = true;
                }
                masked
            })
            .collect()
    }

    /// Every scalar under `value` masked, types kept.
    fn all(&self, value: &mut Value) {
        match value {
            Value::String(s) => *s = self.text(s),
            Value::Number(n) => {
                let masked = self.text(&n.to_string());
                if let Ok(Value::Number(m)) = serde_json::from_str::<Value>(&masked) {
                    *n = m;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.all(v)),
            Value::Object(map) => map.values_mut().for_each(|v| self.all(v)),
            Value::Bool(_) | Value::Null => {}
        }
    }

    /// Masks what `rules` call personal in `value`.
    fn personal(&self, value: &mut Value, parent: &str, rules: &[&str]) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    let scoped = format!("{parent}/{key}");
                    if rules.iter().any(|r| *r == key || *r == scoped) {
                        self.all(child);
                    } else {
                        self.personal(child, key, rules);
                    }
                }
            }
            Value::Array(items) => items
                .iter_mut()
                .for_each(|v| self.personal(v, parent, rules)),
            _ => {}
        }
    }

    /// A header's value as shared: credentials and client addresses masked.
    pub fn header(&self, name: &str, value: &str) -> String {
        let lower = name.to_ascii_lowercase();
        let credential = [
            "authorization",
            "cookie",
            "signature",
            "token",
            "secret",
            "auth",
            "api-key",
            "apikey",
        ]
        .iter()
        .any(|w| lower.contains(w));
        let address = [
            "x-forwarded-for",
            "x-real-ip",
            "cf-connecting-ip",
            "true-client-ip",
        ]
        .contains(&lower.as_str());
        if credential {
            REDACTED.to_owned()
        } else if address {
            self.text(value)
        } else {
            value.to_owned()
        }
    }

    /// A JSON body with its personal fields masked, laid out as it was.
    /// `None` when the body is not JSON.
    fn body(&self, text: &[u8], headers: &[(String, String)]) -> Option<Vec<u8>> {
        let mut value: Value = serde_json::from_slice(text).ok()?;
        match &mut value {
            Value::Array(items) => {
                for item in items {
                    self.payload(item, headers);
                }
            }
            one => self.payload(one, headers),
        }
        let original = String::from_utf8_lossy(text);
        let mut out = if original.trim_end().contains('\n') {
            serde_json::to_vec_pretty(&value).ok()?
        } else {
            serde_json::to_vec(&value).ok()?
        };
        if original.ends_with('\n') {
            out.push(b'\n');
        }
        Some(out)
    }

    /// One payload: its provider's rules, or every provider's when it is
    /// not recognised.
    fn payload(&self, value: &mut Value, headers: &[(String, String)]) {
        let rules: Vec<&str> = match detect::detect_request(
            Doc::from_value(value).root(),
            Headers(headers),
            Overrides::default(),
        ) {
            Some(d) => d.provider.personal_fields().to_vec(),
            None => providers::REGISTRY
                .iter()
                .flat_map(|p| p.personal_fields().iter().copied())
                .collect(),
        };
        let rules: Vec<&str> = rules.into_iter().chain(PERSONAL.iter().copied()).collect();
        self.personal(value, "", &rules);
    }
}

/// The redacted input, and remarks (what could not be redacted).
#[derive(Debug)]
pub struct Redacted {
    /// The input, redacted, in its own format.
    pub bytes: Vec<u8>,
    /// Remarks for the user.
    pub notes: Vec<String>,
}

/// Redacts one input (`name` tells its format, as for every command).
pub fn redact(name: &str, bytes: &[u8], masker: &Masker) -> Result<Redacted, String> {
    let mut notes = Vec::new();
    let bytes = match capture::sniff(name, bytes) {
        Shape::Json => masker
            .body(bytes, &[])
            .ok_or("not JSON (nothing was redacted; whi redact reads JSON bodies, NDJSON, raw HTTP and HAR)")?,
        Shape::Ndjson => {
            let mut out = Vec::with_capacity(bytes.len());
            for line in bytes.split_inclusive(|b| *b == b'\n') {
                let body = line.trim_ascii_end();
                if body.trim_ascii().is_empty() {
                    out.extend_from_slice(line);
                    continue;
                }
                match masker.body(body, &[]) {
                    Some(masked) => out.extend(masked),
                    None => {
                        notes.push("a line that is not JSON was left out".to_owned());
                        continue;
                    }
                }
                out.extend_from_slice(&line[body.len()..]);
            }
            out
        }
        Shape::Http => http(bytes, masker, &mut notes)?,
        Shape::Har => har(bytes, masker, &mut notes)?,
    };
    Ok(Redacted { bytes, notes })
}

/// A raw HTTP request: credential headers masked, the body redacted and its
/// `Content-Length` set to its new length. A chunked or compressed body is
/// written decoded (the codings' headers dropped, a `Content-Length` set),
/// since masking changes its length and a redacted copy is for reading.
fn http(bytes: &[u8], masker: &Masker, notes: &mut Vec<String>) -> Result<Vec<u8>, String> {
    let (split, gap) = match bytes.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(at) => (at, 4),
        None => (
            bytes
                .windows(2)
                .position(|w| w == b"\n\n")
                .ok_or("the request's headers do not end with a blank line")?,
            2,
        ),
    };
    let eol = if gap == 4 { "\r\n" } else { "\n" };
    let head = String::from_utf8_lossy(&bytes[..split]);
    let body = &bytes[split + gap..];
    let mut lines: Vec<String> = Vec::new();
    let mut headers = Vec::new();
    // `Transfer-Encoding` and `Content-Encoding` lines, left out of the copy.
    let mut coded: Vec<String> = Vec::new();
    for (i, line) in head.split(eol).enumerate() {
        match line.split_once(':') {
            Some((name, value)) if i > 0 || !capture::is_request_line(line) => {
                let lower = name.trim().to_ascii_lowercase();
                if lower == "transfer-encoding" || lower == "content-encoding" {
                    coded.push(format!("{}: {}", name.trim(), value.trim()));
                    continue;
                }
                headers.push((name.trim().to_owned(), value.trim().to_owned()));
                lines.push(format!(
                    "{}: {}",
                    name,
                    masker.header(name.trim(), value.trim())
                ));
            }
            _ => lines.push(line.to_owned()),
        }
    }
    let decoded;
    let body = if coded.is_empty() {
        body
    } else {
        // The body as every command reads it: de-chunked and decompressed.
        decoded = match crate::ingest::http::requests("", bytes).into_iter().next() {
            Some(Ok(read)) => read.bytes,
            Some(Err(broken)) => return Err(broken.message),
            None => return Err("the request holds no body".to_owned()),
        };
        notes.push(format!(
            "the body was sent with {}: the copy holds it decoded, with a Content-Length",
            coded.join(", ")
        ));
        if !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        {
            lines.push("Content-Length: 0".to_owned());
        }
        &decoded[..]
    };
    let masked = masker
        .body(body, &headers)
        .ok_or("the request's body is not JSON (nothing was redacted)")?;
    let mut out = String::new();
    for line in lines {
        let line = match line.split_once(':') {
            Some((name, _)) if name.trim().eq_ignore_ascii_case("content-length") => {
                format!("{name}: {}", masked.len())
            }
            _ => line,
        };
        out.push_str(&line);
        out.push_str(eol);
    }
    out.push_str(eol);
    let mut out = out.into_bytes();
    out.extend(masked);
    Ok(out)
}

/// A HAR: request and response headers and cookies, and each request body
/// (text or base64), redacted; the archive laid out as browsers write it.
fn har(bytes: &[u8], masker: &Masker, notes: &mut Vec<String>) -> Result<Vec<u8>, String> {
    let mut archive: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not a HAR archive: {e}"))?;
    let entries = archive
        .pointer_mut("/log/entries")
        .and_then(Value::as_array_mut)
        .ok_or("not a HAR archive (no log.entries)")?;
    for entry in entries {
        for side in ["request", "response"] {
            let Some(message) = entry.get_mut(side) else {
                continue;
            };
            let mut headers = Vec::new();
            if let Some(list) = message.get_mut("headers").and_then(Value::as_array_mut) {
                for header in list {
                    let name = header
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned();
                    if let Some(Value::String(value)) = header.get_mut("value") {
                        headers.push((name.clone(), value.clone()));
                        *value = masker.header(&name, value);
                    }
                }
            }
            if let Some(list) = message.get_mut("cookies").and_then(Value::as_array_mut) {
                for cookie in list {
                    if let Some(Value::String(value)) = cookie.get_mut("value") {
                        *value = REDACTED.to_owned();
                    }
                }
            }
            let text_at = if side == "request" {
                "/postData"
            } else {
                "/content"
            };
            let Some(holder) = message.pointer_mut(text_at) else {
                continue;
            };
            let base64 = holder
                .get("encoding")
                .and_then(Value::as_str)
                .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
            let Some(Value::String(text)) = holder.get_mut("text") else {
                continue;
            };
            let engine = base64::engine::general_purpose::STANDARD;
            let raw = if base64 {
                let packed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                match engine.decode(packed) {
                    Ok(raw) => raw,
                    Err(_) => continue,
                }
            } else {
                text.as_bytes().to_vec()
            };
            match masker.body(&raw, &headers) {
                Some(masked) if base64 => *text = engine.encode(masked),
                Some(masked) => *text = String::from_utf8_lossy(&masked).into_owned(),
                None if !raw.is_empty() && side == "request" => {
                    notes.push("a request body that is not JSON was left as it is".to_owned());
                }
                None => {}
            }
        }
    }
    let mut out = serde_json::to_vec_pretty(&archive).map_err(|e| e.to_string())?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_the_shape_and_the_same_value_gets_the_same_mask() {
        let m = Masker::default();
        let email = m.text("sara.alharbi@example.com");
        assert_eq!(email.len(), "sara.alharbi@example.com".len());
        assert_eq!(email.find('@'), Some(12));
        assert_ne!(email, "sara.alharbi@example.com");
        assert_eq!(m.text("sara.alharbi@example.com"), email);
        let phone = m.text("+966 555 123 456");
        assert!(phone.starts_with('+') && phone.chars().filter(char::is_ascii_digit).count() == 12);
        assert!(!m.text("Sara").starts_with(|c: char| c.is_lowercase()));
    }

    #[test]
    fn credential_headers_are_redacted_and_others_kept() {
        let m = Masker::default();
        assert_eq!(m.header("X-Salla-Signature", "ab12"), REDACTED);
        assert_eq!(m.header("Authorization", "Basic eA=="), REDACTED);
        assert_eq!(
            m.header("Content-Type", "application/json"),
            "application/json"
        );
    }
}
