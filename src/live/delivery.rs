//! One request received by `whi listen`: kept as the raw HTTP/1.1 capture
//! it is (request line, headers, body), checked exactly as `whi validate`
//! checks that capture saved to a file, and named for saving so that a
//! directory listing sorts by arrival.

use super::forward::Forwarded;
use crate::check::detect::Overrides;
use crate::check::record::{self, Record, Status};
use crate::ingest::capture::{self, Shape};
use crate::ingest::payload;
use jiff::Timestamp;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A request as it arrived, body complete.
#[derive(Debug, Clone)]
pub struct Received {
    /// When it arrived.
    pub at: Timestamp,
    /// Its number in this run, from 1.
    pub seq: u64,
    /// `POST`, …
    pub method: String,
    /// The request target: path and query as sent (`/hooks?x=1`).
    pub target: String,
    /// The headers in the order received, values as bytes.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body, as received (de-chunked).
    pub body: Vec<u8>,
}

/// What became of one request: its records (one per payload: a JSON array
/// body holds several), where it was saved, how forwarding went.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The request.
    pub received: Received,
    /// The checks, as `whi inspect` records (with the order summary).
    pub records: Vec<Record>,
    /// Where the raw request was saved (`--save`).
    pub saved: Option<PathBuf>,
    /// The forwarding, with `--forward-to`.
    pub forward: Option<Forwarded>,
}

impl Received {
    /// The request as a raw HTTP/1.1 capture: its request line, its headers
    /// but framing (the body's own `Content-Length`, no `Transfer-Encoding`:
    /// the body is stored whole), a blank line, the body byte for byte.
    pub fn capture(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.body.len() + 512);
        out.extend_from_slice(format!("{} {} HTTP/1.1\r\n", self.method, self.target).as_bytes());
        for (name, value) in &self.headers {
            if name.eq_ignore_ascii_case("content-length")
                || name.eq_ignore_ascii_case("transfer-encoding")
            {
                continue;
            }
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", self.body.len()).as_bytes());
        out.extend_from_slice(&self.body);
        out
    }

    /// `POST /hooks`: how the request is named until it is saved.
    pub fn name(&self) -> String {
        format!("{} {}", self.method, self.target)
    }
}

/// When something arrived, as whi's records give it: RFC 3339 in UTC with
/// milliseconds (`2026-12-05T10:15:01.123Z`).
pub fn stamp(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Checks the request as `whi inspect` checks the same capture in a file
/// named `name`: one record per payload.
pub fn check(capture: Vec<u8>, name: &str, overrides: Overrides<'_>) -> Vec<Record> {
    capture::split(name, capture, Shape::Http)
        .into_iter()
        .flat_map(|body| match body {
            Ok(body) => payload::parse_body(body),
            Err(broken) => vec![payload::broken(broken)],
        })
        .map(|parsed| record::inspect(&parsed, overrides))
        .collect()
}

/// The file a delivery is saved as:
/// `20261205T101501.123Z-0001-salla-order.created.http`, so that a listing
/// sorts by arrival and says what each holds.
pub fn file_name(at: Timestamp, seq: u64, records: &[Record]) -> String {
    let stamp = at.strftime("%Y%m%dT%H%M%S%.3fZ");
    let what = match records.first() {
        Some(Record {
            provider: Some(provider),
            event: Some(event),
            ..
        }) => format!("{provider}-{event}"),
        Some(record) if record.status == Status::Unparseable => "unparseable".to_owned(),
        Some(_) => "unrecognised".to_owned(),
        None => "empty".to_owned(),
    };
    // The event comes from the body: only characters safe in any file name.
    let what: String = what
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    format!("{stamp}-{seq:04}-{what}.http")
}

/// Writes `bytes` to a new file `name` in `dir`: never over an existing
/// file, never through a link (a name taken gets `-2`, `-3`, … before
/// `.http`).
pub fn save(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    let stem = name.strip_suffix(".http").unwrap_or(name);
    for attempt in 1..=100 {
        let path = if attempt == 1 {
            dir.join(name)
        } else {
            dir.join(format!("{stem}-{attempt}.http"))
        };
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                file.write_all(bytes)?;
                return Ok(path);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{name}: a hundred files of that name exist"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn received(body: &str) -> Received {
        Received {
            at: Timestamp::from_millisecond(1_764_929_701_123).unwrap_or(Timestamp::UNIX_EPOCH),
            seq: 7,
            method: "POST".into(),
            target: "/hooks?x=1".into(),
            headers: vec![
                ("host".into(), b"127.0.0.1:8787".to_vec()),
                ("transfer-encoding".into(), b"chunked".to_vec()),
                ("content-type".into(), b"application/json".to_vec()),
            ],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn the_capture_is_the_request_with_its_body_framed_by_length() {
        let capture = received("{\"a\":1}").capture();
        assert_eq!(
            String::from_utf8_lossy(&capture),
            "POST /hooks?x=1 HTTP/1.1\r\nhost: 127.0.0.1:8787\r\ncontent-type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
        );
    }

    #[test]
    fn a_sample_delivered_is_checked_and_named_by_its_event() {
        let sample = crate::bundle::catalog::sample("salla/order.created")
            .map(|s| s.text)
            .unwrap_or_default();
        let r = received(sample);
        let records = check(r.capture(), &r.name(), Overrides::default());
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].status, Status::Valid, "{:?}", records[0].errors);
        assert_eq!(
            file_name(r.at, r.seq, &records),
            "20251205T101501.123Z-0007-salla-order.created.http"
        );
        let broken = check(received("{").capture(), "x", Overrides::default());
        assert_eq!(
            file_name(r.at, 12, &broken),
            "20251205T101501.123Z-0012-unparseable.http"
        );
    }
}
