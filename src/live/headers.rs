//! Which headers travel when whi relays or replays a request: everything
//! but the hop-by-hop headers of RFC 9110 §7.6.1 (they describe one
//! connection, not the message) and those whi's own connection sets
//! (`Host`, `Content-Length`).

/// Headers that never travel on (compared case-insensitively).
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
];

/// Whether a header with this name is passed on.
pub fn travels(name: &str) -> bool {
    !HOP_BY_HOP.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// Whether the message names this header in its `Connection` header (those
/// are hop-by-hop too).
pub fn named_by_connection<'a>(connection: impl IntoIterator<Item = &'a str>, name: &str) -> bool {
    connection
        .into_iter()
        .flat_map(|value| value.split(','))
        .any(|token| token.trim().eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_headers_stay_behind_whatever_their_case() {
        assert!(!travels("Transfer-Encoding"));
        assert!(!travels("HOST"));
        assert!(!travels("content-length"));
        assert!(travels("X-Salla-Signature"));
        assert!(travels("Content-Type"));
        assert!(named_by_connection(["keep-alive, X-Trace"], "x-trace"));
        assert!(!named_by_connection(["close"], "x-trace"));
    }
}
