//! Signatures and transport authentication: the generic vocabulary every
//! provider reports in (a [`Signature`] per payload), the secret the user
//! supplies (never printed), and the primitives providers build on
//! (HMAC-SHA256 via RustCrypto, constant-time comparison).
//! Which headers mean what is each provider's business.

use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use sha2::Sha256;
use std::fmt;

/// What became of a signature check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The signature matches the body and the secret.
    Valid,
    /// It does not: the payload is rejected (exit 1).
    Invalid,
    /// The request carries no signature or credentials.
    Missing,
    /// A signature is there but no secret was given to check it.
    NoSecret,
    /// It cannot be checked offline, or is reported without judgement.
    Unverifiable,
}

/// The signature or authentication of one captured request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signature {
    /// The scheme (`salla-signature`, `salla-token`, `snipcart-request-token`, `basic`, ...).
    pub scheme: String,
    /// The outcome.
    pub status: Status,
    /// Why, in plain words, with the likely cause when invalid.
    pub reason: String,
}

impl Signature {
    /// A signature report.
    pub fn new(scheme: &str, status: Status, reason: impl Into<String>) -> Self {
        Signature {
            scheme: scheme.to_string(),
            status,
            reason: reason.into(),
        }
    }
}

/// A webhook secret. Its `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Wraps secret bytes; one trailing newline (from `echo` or an editor) is dropped.
    pub fn new(mut bytes: Vec<u8>) -> Self {
        if bytes.ends_with(b"\n") {
            bytes.pop();
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
        }
        Secret(bytes)
    }

    /// The secret's bytes, for computing or comparing.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Request headers, looked up case-insensitively.
#[derive(Debug, Clone, Copy)]
pub struct Headers<'a>(pub &'a [(String, String)]);

impl<'a> Headers<'a> {
    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in the order captured.
    pub fn all(&self, name: &str) -> Vec<&'a str> {
        self.0
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether any headers were captured at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Reports the transport authentication of providers that do not sign
/// their webhooks (HTTP Basic, a static token header) without judging it:
/// `whi` cannot know what the receiver expects.
pub fn transport_auth(headers: Headers<'_>, advice: &str) -> Signature {
    use base64::Engine;
    if let Some(auth) = headers.get("authorization") {
        let (kind, credentials) = auth.split_once(' ').unwrap_or((auth, ""));
        if kind.eq_ignore_ascii_case("basic") {
            let user = base64::engine::general_purpose::STANDARD
                .decode(credentials.trim())
                .ok()
                .and_then(|d| String::from_utf8(d).ok())
                .and_then(|d| d.split_once(':').map(|(u, _)| u.to_string()));
            let who = user.map(|u| format!(" for user {u:?}")).unwrap_or_default();
            return Signature::new(
                "basic",
                Status::Unverifiable,
                format!(
                    "HTTP Basic credentials{who} are present; whi reports them without judging them"
                ),
            );
        }
        return Signature::new(
            "authorization",
            Status::Unverifiable,
            format!(
                "an Authorization header ({kind}) is present; whi reports it without judging it"
            ),
        );
    }
    if headers.get("x-auth-token").is_some() {
        return Signature::new(
            "x-auth-token",
            Status::Unverifiable,
            "an X-Auth-Token header is present; whi reports it without judging it",
        );
    }
    Signature::new(
        "none",
        Status::Missing,
        format!("no Authorization or X-Auth-Token header: {advice}"),
    )
}

/// `Authorization: Basic …` for a `user:password` secret.
pub fn basic_auth(secret: &Secret) -> anyhow::Result<Vec<(String, String)>> {
    use base64::Engine;
    if !secret.expose().contains(&b':') {
        anyhow::bail!("the secret must be user:password for HTTP Basic auth");
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(secret.expose());
    Ok(vec![("Authorization".into(), format!("Basic {encoded}"))])
}

/// Lower-case hex HMAC-SHA256 of `body` keyed with `key`.
pub fn hmac_sha256_hex(key: &[u8], body: &[u8]) -> String {
    match <Hmac<Sha256> as KeyInit>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(body);
            hex::encode(mac.finalize().into_bytes())
        }
        // HMAC takes keys of any length; this arm is unreachable in practice.
        Err(_) => String::new(),
    }
}

/// Whether `signature_hex` is the HMAC-SHA256 of `body` under `key`,
/// compared in constant time. `None` when the header is not hex.
pub fn verify_hmac_sha256_hex(key: &[u8], body: &[u8], signature_hex: &str) -> Option<bool> {
    let expected = hex::decode(signature_hex.trim()).ok()?;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).ok()?;
    mac.update(body);
    Some(mac.verify_slice(&expected).is_ok())
}

/// What is wrong with a signature header that should carry the lower-case
/// hex of an HMAC-SHA256 (32 bytes), when it does not: a `sha256=` prefix
/// (GitHub's style, which the provider does not send), another length (a
/// 16-byte MD5-sized digest, a header cut short), or not hex at all. `None`
/// when it has the right form. The answer names `header`.
pub fn hex_digest_problem(header: &str, value: &str) -> Option<String> {
    let value = value.trim();
    if let Some((prefix, rest)) = value.split_once('=')
        && prefix.eq_ignore_ascii_case("sha256")
    {
        return Some(format!(
            "{header} starts with {prefix}=, a prefix the provider does not send (GitHub's style): the header was rewritten on its way; the provider sends the bare hex digest{}",
            if hex_digest_problem(header, rest).is_none() {
                ""
            } else {
                ", and what follows the prefix is not one either"
            }
        ));
    }
    match hex::decode(value) {
        Err(_) => Some(format!(
            "{header} is not a hex HMAC-SHA256 digest (64 hex digits)"
        )),
        Ok(bytes) if bytes.len() == 32 => None,
        Ok(bytes) if bytes.len() == 16 => Some(format!(
            "{header} is a 16-byte digest (32 hex digits), not a 32-byte HMAC-SHA256 (64 hex digits): an MD5-sized value, or a header cut in half"
        )),
        Ok(bytes) => Some(format!(
            "{header} is a {}-byte digest ({} hex digits), not a 32-byte HMAC-SHA256 (64 hex digits)",
            bytes.len(),
            value.len()
        )),
    }
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A body with the headers its provider would send.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The provider's headers.
    pub headers: Vec<(String, String)>,
    /// The body, byte for byte as read.
    pub body: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_the_rfc_4231_vector() {
        // RFC 4231 test case 2
        let mac = hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            mac,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            verify_hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?", &mac),
            Some(true)
        );
        assert_eq!(
            verify_hmac_sha256_hex(b"jefe", b"what do ya want for nothing?", &mac),
            Some(false)
        );
        assert_eq!(verify_hmac_sha256_hex(b"Jefe", b"x", "not hex"), None);
    }

    #[test]
    fn secrets_never_show() {
        let secret = Secret::new(b"s3cr3t\n".to_vec());
        assert_eq!(secret.expose(), b"s3cr3t");
        assert_eq!(format!("{secret:?}"), "Secret(…)");
    }

    #[test]
    fn malformed_digests_are_named() {
        let mac = hmac_sha256_hex(b"k", b"body");
        assert_eq!(hex_digest_problem("X-Sig", &mac), None);
        let prefixed = hex_digest_problem("X-Sig", &format!("sha256={mac}")).unwrap_or_default();
        assert!(prefixed.contains("starts with sha256="), "{prefixed}");
        assert!(!prefixed.contains("not one either"), "{prefixed}");
        let short = hex_digest_problem("X-Sig", &mac[..32]).unwrap_or_default();
        assert!(short.contains("16-byte digest"), "{short}");
        let odd = hex_digest_problem("X-Sig", &mac[..40]).unwrap_or_default();
        assert!(odd.contains("20-byte digest (40 hex digits)"), "{odd}");
        let junk = hex_digest_problem("X-Sig", "zz").unwrap_or_default();
        assert!(junk.contains("not a hex"), "{junk}");
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn statuses_serialise_as_documented() {
        assert_eq!(
            serde_json::to_value(Status::NoSecret).ok(),
            Some(serde_json::json!("no-secret"))
        );
    }
}
