//! The provider registry: everything `whi` knows about one provider lives in
//! its own module here; generic code reaches providers only through
//! [`Provider`] and [`REGISTRY`].
//!
//! Adding a provider means one new module, its schemas and samples, and one
//! line in [`REGISTRY`]. Nothing in this module prints.

pub mod logitrail;
pub mod ongoing;
pub mod salla;
pub mod snipcart;

use crate::model::doc::Node;
use crate::model::signature::{Headers, Secret, Signature, basic_auth, transport_auth};
use crate::model::summary::OrderSummary;
pub use crate::model::timestamp::Format as TimestampFormat;

/// What a provider's recogniser concluded about one webhook body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clue {
    /// The event, as the provider names it (`order.created`).
    pub event: String,
    /// The keys and values that decided, for the user (`event = "order.created", merchant, data`).
    pub detected_by: String,
    /// Something the user should know about the detection, e.g. that the
    /// event had to be guessed.
    pub note: Option<String>,
}

/// One webhook provider.
pub trait Provider: Sync {
    /// Lower-case identifier used in schema paths and on the command line (`salla`).
    fn name(&self) -> &'static str;
    /// Display name (`Salla`).
    fn title(&self) -> &'static str;
    /// Where the provider documents its order webhooks.
    fn docs_url(&self) -> &'static str;
    /// The events with a bundled schema at `schemas/<name>/<event>.schema.json`.
    fn events(&self) -> &'static [&'static str];
    /// The events the provider documents beside [`Provider::events`], which
    /// have no bundled schema; a name ending in `.*` stands for a
    /// documented family (`inbound_shipment.*`). These are reported *not
    /// checked*; an event a body names that is in neither list is an error.
    fn other_events(&self) -> &'static [&'static str] {
        &[]
    }
    /// The JSON pointer where `body` names its event (`/event`), if it does
    /// (an event told from the body's shape is never "unknown").
    fn event_pointer(&self, body: Node<'_>) -> Option<&'static str> {
        let _ = body;
        None
    }
    /// For a body no provider recognised: whether it looks like this
    /// provider's (most of its envelope keys) and what it lacks, for an
    /// honest "unrecognised" message at the right place.
    fn near_miss(&self, body: Node<'_>) -> Option<NearMiss> {
        let _ = body;
        None
    }
    /// Recognises a webhook body of this provider, or says nothing.
    fn recognise(&self, body: Node<'_>) -> Option<Clue>;
    /// Maps a body of `event` into the normalised order summary.
    fn summarize(&self, event: &str, body: Node<'_>) -> OrderSummary;
    /// JSON pointers of delivery metadata (event ids, retry counts, webhook
    /// ids) that `whi diff` leaves out unless `--all`.
    fn delivery_metadata(&self) -> &'static [&'static str] {
        &[]
    }
    /// The fields that carry personal data, for `whi redact`: a key name
    /// (`email`: that key anywhere) or `parent/key` (`receiver/name`: a
    /// name only under a receiver, not a product's). Whatever is under such
    /// a key is masked; [`PERSONAL`] applies to every provider too.
    fn personal_fields(&self) -> &'static [&'static str] {
        &[]
    }
    /// Keys that identify an element of an array across two versions of a
    /// payload (`whi diff` matches elements by them), in order of preference.
    fn identity_keys(&self) -> &'static [&'static str] {
        &["id"]
    }
    /// The timestamp shapes this provider sends, for the summary's
    /// `occurred_at`.
    fn timestamp_formats(&self) -> &'static [TimestampFormat] {
        &[TimestampFormat::Iso8601]
    }
    /// What identifies one delivery of one event, when the body says: two
    /// bodies with the same id are the same event delivered twice.
    fn delivery_id(&self, body: Node<'_>) -> Option<String> {
        let _ = body;
        None
    }
    /// The request headers that only this provider sends, if present
    /// (`X-Salla-Signature`), for detection.
    fn header_clue(&self, headers: Headers<'_>) -> Option<String> {
        let _ = headers;
        None
    }
    /// What receivers of this provider's webhooks use for authentication,
    /// said when a captured request carries none.
    fn auth_advice(&self) -> &'static str {
        "the provider does not sign its webhooks; receivers usually protect the URL with HTTP Basic auth"
    }
    /// Checks the captured request's signature or reports its transport
    /// authentication; `body` is the raw body, byte-exact. `None` when no
    /// headers were captured (a bare body has nothing to check). By default,
    /// for providers that do not sign: the credentials seen, unjudged.
    fn check_signature(
        &self,
        headers: Headers<'_>,
        body: &[u8],
        secret: Option<&Secret>,
    ) -> Option<Signature> {
        let _ = (body, secret);
        (!headers.is_empty()).then(|| transport_auth(headers, self.auth_advice()))
    }
    /// The headers this provider would send with `body`, for `whi sign`.
    /// `scheme` picks among several (Salla: `signature` or `token`). By
    /// default, HTTP Basic auth from a `user:password` secret.
    fn sign(
        &self,
        body: &[u8],
        secret: &Secret,
        scheme: Option<&str>,
    ) -> anyhow::Result<Vec<(String, String)>> {
        let _ = (body, scheme);
        basic_auth(secret)
    }
}

/// Personal fields whatever the provider (see [`Provider::personal_fields`]).
pub const PERSONAL: &[&str] = &[
    "email",
    "phone",
    "mobile",
    "first_name",
    "last_name",
    "full_name",
    "ip",
    "ip_address",
    "ipAddress",
    "latitude",
    "longitude",
    "customer/name",
    "receiver/name",
    "consignee/name",
];

/// Every provider `whi` knows, in detection order.
pub static REGISTRY: &[&dyn Provider] = &[
    &salla::Salla,
    &snipcart::Snipcart,
    &ongoing::Ongoing,
    &logitrail::Logitrail,
];

/// A body that looks like a provider's webhook but is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearMiss {
    /// Where the problem is: the offending field, or the object lacking one.
    pub pointer: &'static str,
    /// The envelope keys the body has (`event, merchant, data`).
    pub keys: String,
    /// What it lacks (`data is not an object`).
    pub lacks: String,
}

/// One thing a provider's body must have: `(pointer, key, test, what it
/// lacks when the key is there but fails the test)`.
pub(crate) type Rule = (
    &'static str,
    &'static str,
    fn(Option<Node<'_>>) -> bool,
    &'static str,
);

/// A near miss when at least two of `envelope`'s keys are present: the
/// first of `rules` that fails says what the body lacks.
pub(crate) fn near_miss(body: Node<'_>, envelope: &[&str], rules: &[Rule]) -> Option<NearMiss> {
    let object = body.is_object().then_some(body)?;
    let present: Vec<&str> = envelope
        .iter()
        .copied()
        .filter(|k| object.get(k).is_some())
        .collect();
    if present.len() < 2 {
        return None;
    }
    rules.iter().find_map(|(pointer, key, ok, lacks)| {
        let value = object.get(key);
        (!ok(value)).then(|| NearMiss {
            // a missing key is the object's problem; a wrong one is its own
            pointer: if value.is_some() { pointer } else { "" },
            keys: present.join(", "),
            lacks: if value.is_some() {
                (*lacks).to_string()
            } else {
                format!("has no {key}")
            },
        })
    })
}

/// Every event `provider` documents: those with schemas, then the others.
pub fn documented_events(provider: &dyn Provider) -> impl Iterator<Item = &'static str> {
    provider
        .events()
        .iter()
        .chain(provider.other_events())
        .copied()
}

/// Whether `provider` documents `event` (see [`Provider::other_events`]).
pub fn documents(provider: &dyn Provider, event: &str) -> bool {
    documented_events(provider).any(|known| match known.strip_suffix(".*") {
        Some(family) => event
            .strip_prefix(family)
            .is_some_and(|rest| rest.starts_with('.') && rest.len() > 1),
        None => known == event,
    })
}

/// Looks a provider up by its [`Provider::name`], case-insensitively.
pub fn find(name: &str) -> Option<&'static dyn Provider> {
    REGISTRY
        .iter()
        .copied()
        .find(|p| p.name().eq_ignore_ascii_case(name))
}

/// A provider, as data carries it: compared and serialised by its name,
/// used as the provider itself. What code branches on is this handle, never
/// the name compared as a string.
#[derive(Clone, Copy)]
pub struct Handle(pub &'static dyn Provider);

impl std::ops::Deref for Handle {
    type Target = dyn Provider;
    fn deref(&self) -> &Self::Target {
        self.0
    }
}

impl PartialEq for Handle {
    fn eq(&self, other: &Handle) -> bool {
        self.0.name() == other.0.name()
    }
}

impl Eq for Handle {}

impl PartialOrd for Handle {
    fn partial_cmp(&self, other: &Handle) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Handle {
    fn cmp(&self, other: &Handle) -> std::cmp::Ordering {
        self.0.name().cmp(other.0.name())
    }
}

impl std::hash::Hash for Handle {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.name().hash(state);
    }
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.name())
    }
}

impl std::fmt::Display for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.name())
    }
}

impl serde::Serialize for Handle {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.name())
    }
}

/// The object's keys that are present, joined for a `detected_by` text.
pub(crate) fn keys_present(object: Node<'_>, keys: &[&str]) -> String {
    keys.iter()
        .filter(|k| object.get(k).is_some())
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

/// The names of the headers in `wanted` that are present.
pub(crate) fn headers_present(headers: Headers<'_>, wanted: &[&str]) -> Option<String> {
    let found: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|h| headers.get(h).is_some())
        .collect();
    (!found.is_empty()).then(|| found.join(", "))
}

/// The string value of `key`, if it is a string.
pub(crate) fn str_field<'a>(object: Node<'a>, key: &str) -> Option<std::borrow::Cow<'a, str>> {
    object.get(key).and_then(Node::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_lower_case_and_findable() {
        for p in REGISTRY {
            assert_eq!(p.name(), p.name().to_ascii_lowercase());
            assert_eq!(
                find(&p.name().to_uppercase()).map(|f| f.name()),
                Some(p.name())
            );
        }
        assert!(find("stripe").is_none());
    }

    #[test]
    fn event_counts_match_the_documentation() {
        let count = |n: &str| find(n).map(|p| p.events().len());
        assert_eq!(count("logitrail"), Some(2));
        assert_eq!(count("salla"), Some(18));
        assert_eq!(count("snipcart"), Some(6));
        // three triggers plus the generic `order` used when the trigger cannot be told
        assert_eq!(count("ongoing"), Some(4));
    }
}
