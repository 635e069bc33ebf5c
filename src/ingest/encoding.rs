//! Compressed bodies: undoes the `Content-Encoding` (and the compressing
//! `Transfer-Encoding` codings) of a captured request, so that what is
//! checked is the JSON the provider sent (issue 15).
//!
//! - gzip (and `x-gzip`, several members too), deflate — the zlib stream
//!   RFC 9110 names, or the raw deflate some senders put under that name,
//!   told apart by the zlib header — and br, through flate2 and brotli.
//!   `identity` is no coding.
//! - A decoded body is capped at [`MAX_DECODED`]: it is decoded once
//!   through `Read::take` into nothing to count it, so a compression bomb
//!   is refused at the cap without being held, then once into a buffer of
//!   its exact size.
//! - A body that says it is compressed but is already JSON text (browser
//!   devtools decode the body and keep the header) is taken as it stands.
//! - A coding `whi` does not know, or a body that fails to decode, is an
//!   error that names the coding.
//!
//! Providers sign the JSON they send, before any coding is applied on the
//! wire, so signatures are checked over the decoded body, and positions
//! are the decoded body's own. Nothing here prints or names a provider.

use crate::ingest::input::MAX_INPUT;
use std::io::{self, Read};

/// The largest decoded body: the cap on any input, so compressing a body
/// never lets more through than a file holding it.
pub const MAX_DECODED: u64 = MAX_INPUT;

/// A content coding `whi` can undo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Gzip,
    Deflate,
    Brotli,
}

impl Coding {
    fn named(name: &str) -> Option<Self> {
        match name {
            "gzip" | "x-gzip" => Some(Coding::Gzip),
            "deflate" => Some(Coding::Deflate),
            "br" => Some(Coding::Brotli),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
            Coding::Brotli => "br",
        }
    }
}

/// What became of a body under its codings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// No coding to undo: the body is as sent.
    AsSent,
    /// The body was decoded; `from` names the codings undone, outermost
    /// last (`gzip`, `deflate (raw)`, `gzip, br`).
    Decoded {
        /// The decoded body.
        bytes: Vec<u8>,
        /// The codings undone, as the header lists them.
        from: String,
    },
    /// The header names a coding, but the body is JSON text already.
    AlreadyPlain {
        /// The codings the header named.
        header: String,
    },
}

/// The codings a header's values list, lower case, `identity` left out.
pub fn codings(values: &[&str]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect()
}

/// Undoes `codings` (in the order they were applied, as a header lists
/// them) on `body`; `header` names the header for messages
/// (`Content-Encoding`).
pub fn decode(header: &str, codings: &[String], body: &[u8]) -> Result<Decoded, String> {
    if codings.is_empty() || body.is_empty() {
        return Ok(Decoded::AsSent);
    }
    let listed = codings.join(", ");
    let known = codings
        .iter()
        .map(|name| {
            Coding::named(name).ok_or_else(|| {
                format!(
                    "the body is {name}-encoded ({header}: {listed}): whi decodes gzip, deflate and br, not {name}; save the body decoded"
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if is_json(body) {
        return Ok(Decoded::AlreadyPlain { header: listed });
    }
    // The captured body is read in place; only decoded bytes are owned.
    let mut bytes: Option<Vec<u8>> = None;
    let mut undone = Vec::new();
    for coding in known.iter().rev() {
        match decode_one(*coding, bytes.as_deref().unwrap_or(body)) {
            Ok((decoded, label)) => {
                bytes = Some(decoded);
                undone.push(label);
            }
            Err(Failure::TooLarge) => {
                return Err(format!(
                    "the body decoded from {} is larger than {} GiB: refused (a compression bomb, or not a webhook body)",
                    coding.name(),
                    MAX_DECODED >> 30
                ));
            }
            // JSON text under the header, broken JSON included: checked as
            // it stands, and the syntax error shows where.
            Err(Failure::Corrupt(_)) if undone.is_empty() && looks_like_json(body) => {
                return Ok(Decoded::AlreadyPlain { header: listed });
            }
            Err(Failure::Corrupt(e)) => {
                let why = if e.kind() == io::ErrorKind::UnexpectedEof {
                    "the compressed data ends too soon (the capture may be cut short)".to_string()
                } else {
                    lower_first(&e.to_string())
                };
                return Err(format!(
                    "the body does not decode as {} ({header}: {listed}): {why}",
                    coding.name(),
                ));
            }
        }
    }
    undone.reverse();
    Ok(Decoded::Decoded {
        bytes: bytes.unwrap_or_else(|| body.to_vec()),
        from: undone.join(", "),
    })
}

/// The note a decoded body carries: what was undone, and what follows
/// for positions and signatures.
pub fn note(from: &str) -> String {
    format!(
        "body decoded from {from}; positions are in the decoded body, and signatures are checked over it"
    )
}

/// The note a body carries when its header names a coding its bytes lack.
pub fn plain_note(header: &str, codings: &str) -> String {
    format!(
        "{header} says {codings}, but the body is plain JSON text (devtools keep the header after decoding): checked as it stands"
    )
}

enum Failure {
    TooLarge,
    Corrupt(io::Error),
}

/// One coding undone: the bytes, and the coding's name as shown.
fn decode_one(coding: Coding, bytes: &[u8]) -> Result<(Vec<u8>, &'static str), Failure> {
    match coding {
        Coding::Gzip => Ok((
            read_all(|| flate2::read::MultiGzDecoder::new(bytes))?,
            "gzip",
        )),
        // RFC 9110 §8.4.1.2: deflate is a zlib stream; some servers send
        // raw deflate. A zlib stream's two-byte header is a multiple of 31
        // with compression method 8; a raw stream may start so by chance,
        // so a failed zlib read is tried raw.
        Coding::Deflate if zlib_header(bytes) => {
            match read_all(|| flate2::read::ZlibDecoder::new(bytes)) {
                Ok(decoded) => Ok((decoded, "deflate (zlib)")),
                Err(Failure::Corrupt(e)) => {
                    match read_all(|| flate2::read::DeflateDecoder::new(bytes)) {
                        Ok(decoded) => Ok((decoded, "deflate (raw, no zlib header)")),
                        Err(_) => Err(Failure::Corrupt(e)),
                    }
                }
                Err(too_large) => Err(too_large),
            }
        }
        Coding::Deflate => Ok((
            read_all(|| flate2::read::DeflateDecoder::new(bytes))?,
            "deflate (raw, no zlib header)",
        )),
        // brotli's reader says only "Invalid Data", for a corrupt stream
        // and for one cut short alike.
        Coding::Brotli => match read_all(|| brotli::Decompressor::new(bytes, 64 * 1024)) {
            Err(Failure::Corrupt(e)) if e.kind() != io::ErrorKind::UnexpectedEof => {
                Err(Failure::Corrupt(io::Error::other(
                    "not a whole brotli stream (corrupt, or cut short)",
                )))
            }
            other => Ok((other?, "br")),
        },
    }
}

fn zlib_header(bytes: &[u8]) -> bool {
    match bytes {
        [cmf, flg, ..] => cmf & 0x0f == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0,
        _ => false,
    }
}

/// Reads a decoder to its end, refusing past [`MAX_DECODED`]: see
/// [`read_capped`].
fn read_all<R: Read>(decoder: impl Fn() -> R) -> Result<Vec<u8>, Failure> {
    read_capped(decoder, MAX_DECODED)
}

/// Decodes twice: once into nothing, to count the decoded bytes (more than
/// `cap` is `TooLarge`, with nothing held: a bomb costs time, not memory),
/// then into a buffer of exactly that size, so a body that passes is held
/// once, never in a growing buffer that doubles and copies.
fn read_capped<R: Read>(decoder: impl Fn() -> R, cap: u64) -> Result<Vec<u8>, Failure> {
    let size = io::copy(&mut decoder().take(cap + 1), &mut io::sink()).map_err(Failure::Corrupt)?;
    if size > cap {
        return Err(Failure::TooLarge);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    decoder()
        .take(size)
        .read_to_end(&mut bytes)
        .map_err(Failure::Corrupt)?;
    Ok(bytes)
}

/// Whether the body is a whole JSON document already.
fn is_json(body: &[u8]) -> bool {
    looks_like_json(body) && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// Whether the body starts as JSON text does (an object or an array).
fn looks_like_json(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    matches!(body.trim_ascii_start().first(), Some(b'{' | b'['))
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const BODY: &[u8] = br#"{"event":"order.created","merchant":1,"data":{"id":7}}"#;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = e.write_all(bytes);
        e.finish().unwrap_or_default()
    }

    fn zlib(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = e.write_all(bytes);
        e.finish().unwrap_or_default()
    }

    fn raw(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = e.write_all(bytes);
        e.finish().unwrap_or_default()
    }

    fn br(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut e = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
            let _ = e.write_all(bytes);
        }
        out
    }

    fn run(codings: &str, body: &[u8]) -> Result<Decoded, String> {
        decode("Content-Encoding", &super::codings(&[codings]), body)
    }

    #[test]
    fn every_coding_decodes_to_the_body() {
        let cases = [
            ("gzip", gzip(BODY), "gzip"),
            ("x-gzip", gzip(BODY), "gzip"),
            ("deflate", zlib(BODY), "deflate (zlib)"),
            ("deflate", raw(BODY), "deflate (raw, no zlib header)"),
            ("br", br(BODY), "br"),
            ("identity, GZIP", gzip(BODY), "gzip"),
            ("gzip, br", br(&gzip(BODY)), "gzip, br"),
        ];
        for (header, bytes, from) in cases {
            assert_eq!(
                run(header, &bytes),
                Ok(Decoded::Decoded {
                    bytes: BODY.to_vec(),
                    from: from.into()
                }),
                "{header}"
            );
        }
        let two_members = [gzip(&BODY[..9]), gzip(&BODY[9..])].concat();
        assert!(
            matches!(run("gzip", &two_members), Ok(Decoded::Decoded { bytes, .. }) if bytes == BODY)
        );
    }

    #[test]
    fn no_coding_or_identity_leaves_the_body() {
        assert_eq!(run("", BODY), Ok(Decoded::AsSent));
        assert_eq!(run("identity", BODY), Ok(Decoded::AsSent));
    }

    #[test]
    fn plain_json_under_a_coding_is_taken_as_it_stands() {
        for header in ["gzip", "deflate", "br"] {
            assert_eq!(
                run(header, BODY),
                Ok(Decoded::AlreadyPlain {
                    header: header.into()
                })
            );
            // Broken JSON too: the syntax error is the useful message.
            assert_eq!(
                run(header, b"{\"a\": "),
                Ok(Decoded::AlreadyPlain {
                    header: header.into()
                })
            );
        }
    }

    #[test]
    fn unknown_codings_and_corrupt_bodies_are_named() {
        let zstd = run("zstd", b"\x28\xb5\x2f\xfd");
        assert!(
            matches!(&zstd, Err(m) if m.contains("zstd-encoded") && m.contains("not zstd")),
            "{zstd:?}"
        );
        for header in ["gzip", "deflate", "br"] {
            let got = run(header, b"\x00\x01\x02 not compressed at all");
            assert!(
                matches!(&got, Err(m) if m.starts_with(&format!("the body does not decode as {header} (Content-Encoding: {header}): "))),
                "{header}: {got:?}"
            );
        }
        let long = BODY.repeat(50);
        for (header, mut bytes) in [
            ("gzip", gzip(&long)),
            ("deflate", zlib(&long)),
            ("deflate", raw(&long)),
            ("br", br(&long)),
        ] {
            bytes.truncate(bytes.len() / 2);
            let got = run(header, &bytes);
            assert!(
                matches!(&got, Err(m) if m.ends_with("the capture may be cut short)") || m.ends_with("or cut short)")),
                "{header}: {got:?}"
            );
        }
    }

    #[test]
    fn every_decoder_stops_at_the_cap() {
        let zeros = vec![0; 1 << 20];
        let cap = 1000;
        let capped = |r: Result<Vec<u8>, Failure>| matches!(r, Err(Failure::TooLarge));
        let (gz, zl, rw, b) = (gzip(&zeros), zlib(&zeros), raw(&zeros), br(&zeros));
        assert!(capped(read_capped(
            || flate2::read::MultiGzDecoder::new(&gz[..]),
            cap
        )));
        assert!(capped(read_capped(
            || flate2::read::ZlibDecoder::new(&zl[..]),
            cap
        )));
        assert!(capped(read_capped(
            || flate2::read::DeflateDecoder::new(&rw[..]),
            cap
        )));
        assert!(capped(read_capped(
            || brotli::Decompressor::new(&b[..], 4096),
            cap
        )));
        let exact = read_capped(|| flate2::read::MultiGzDecoder::new(&gz[..]), 1 << 20);
        assert!(matches!(exact, Ok(bytes) if bytes.len() == 1 << 20));
    }

    #[test]
    fn zlib_headers_are_told_from_raw_deflate() {
        assert!(zlib_header(&zlib(BODY)));
        assert!(!zlib_header(&raw(BODY)));
        assert!(!zlib_header(b"x"));
    }
}
