//! Detection: which provider and event a webhook body is, and why.
//!
//! Asks each provider of the registry in turn; `--provider` and `--event`
//! narrow or override the answer. Never names a provider itself.

use crate::bundle::schema;
use crate::model::doc::Node;
use crate::model::signature::{Headers, Secret};
use crate::providers::{self, Handle, Provider};

/// What the user forced or supplied on the command line.
#[derive(Default, Clone, Copy)]
pub struct Overrides<'a> {
    /// Only this provider is considered (`--provider`).
    pub provider: Option<&'static dyn Provider>,
    /// The event, whatever the body says (`--event`).
    pub event: Option<&'a str>,
    /// The webhook secret for signature checks (`--secret-env`, `--secret-file`).
    pub secret: Option<&'a Secret>,
    /// At most this many schema errors are kept and located per payload
    /// (`--max-errors`); the rest are counted.
    pub max_errors: Option<usize>,
}

/// The provider and event of one body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The provider.
    pub provider: Handle,
    /// Whether `--provider` or `--event` decided rather than the body.
    pub forced: bool,
    /// The event (`order.created`).
    pub event: String,
    /// The bundled schema for the event (`salla/order.created`), if any.
    pub schema: Option<String>,
    /// The evidence that decided.
    pub detected_by: String,
    /// Something to know about the detection.
    pub note: Option<String>,
}

impl Detection {
    /// The schema file below `schemas/`, if the event has one.
    pub fn schema_path(&self) -> Option<String> {
        self.schema.as_ref().map(|s| format!("{s}.schema.json"))
    }
}

/// Detects the provider and event of `body`, or `None` when no provider
/// recognises it (and none was forced).
pub fn detect(body: Node<'_>, overrides: Overrides<'_>) -> Option<Detection> {
    detect_request(body, Headers(&[]), overrides)
}

/// Detects the provider and event of a captured request: a provider's own
/// headers decide between providers that recognise the body, and are named
/// in `detected_by`.
pub fn detect_request(
    body: Node<'_>,
    headers: Headers<'_>,
    overrides: Overrides<'_>,
) -> Option<Detection> {
    let by_header = providers::REGISTRY
        .iter()
        .find_map(|p| p.header_clue(headers).map(|names| (*p, names)));
    let mut found = match overrides.provider {
        Some(provider) => provider.recognise(body).map(|clue| (provider, clue)),
        None => by_header
            .as_ref()
            .and_then(|(p, _)| p.recognise(body).map(|clue| (*p, clue)))
            .or_else(|| {
                providers::REGISTRY
                    .iter()
                    .find_map(|p| p.recognise(body).map(|clue| (*p, clue)))
            }),
    };
    if let (Some((provider, clue)), Some((named, names))) = (&mut found, by_header) {
        if provider.name() == named.name() {
            clue.detected_by = format!("header {names}; {}", clue.detected_by);
        } else {
            let remark = format!(
                "the headers ({names}) are {}'s but the body is not",
                named.title()
            );
            clue.note = Some(
                clue.note
                    .take()
                    .map_or(remark.clone(), |n| format!("{n}; {remark}")),
            );
        }
    }
    let (provider, mut event, mut detected_by, note) = match (found, overrides.provider) {
        (Some((provider, clue)), forced) => {
            // the body agreed with --provider: both are evidence
            let by = match forced {
                Some(_) => format!("--provider; {}", clue.detected_by),
                None => clue.detected_by,
            };
            (provider, clue.event, by, clue.note)
        }
        // the body is not the forced provider's, but --event says what it is
        (None, Some(provider)) if overrides.event.is_some() => {
            (provider, String::new(), "--provider".to_string(), None)
        }
        (None, _) => return None,
    };
    if let Some(forced) = overrides.event {
        event = forced.to_string();
        detected_by = format!("--event; {detected_by}");
    }
    let schema = provider
        .events()
        .contains(&event.as_str())
        .then(|| format!("{}/{event}", provider.name()))
        .filter(|s| schema::file(&format!("{s}.schema.json")).is_some());
    Some(Detection {
        provider: Handle(provider),
        forced: overrides.provider.is_some() || overrides.event.is_some(),
        event,
        schema,
        detected_by,
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::doc::Doc;
    use serde_json::json;

    #[test]
    fn unknown_bodies_are_not_detected() {
        assert_eq!(
            detect(
                Doc::from_value(&json!({"hello": "world"})).root(),
                Overrides::default()
            ),
            None
        );
        assert_eq!(
            detect(Doc::from_value(&json!(42)).root(), Overrides::default()),
            None
        );
    }

    #[test]
    fn events_without_schema_keep_provider_and_event() {
        let body = json!({"eventName": "shippingrates.fetch", "mode": "Live", "content": {}});
        let d = detect(Doc::from_value(&body).root(), Overrides::default());
        assert_eq!(
            d.as_ref().map(|d| (d.provider.name(), d.event.as_str())),
            Some(("snipcart", "shippingrates.fetch"))
        );
        assert_eq!(d.and_then(|d| d.schema), None);
    }

    #[test]
    fn provider_headers_are_named_and_decide() {
        let body = json!({"event": "order.created", "merchant": 1, "data": {}});
        let headers = vec![("x-salla-signature".to_string(), "ab".to_string())];
        let d = detect_request(
            Doc::from_value(&body).root(),
            Headers(&headers),
            Overrides::default(),
        );
        assert!(d.is_some_and(|d| {
            d.detected_by
                .starts_with("header X-Salla-Signature; body: event")
        }));
        let snipcart = vec![("X-Snipcart-RequestToken".to_string(), "t".to_string())];
        let d = detect_request(
            Doc::from_value(&body).root(),
            Headers(&snipcart),
            Overrides::default(),
        );
        assert!(
            d.is_some_and(|d| d.provider.name() == "salla"
                && d.note.is_some_and(|n| n.contains("Snipcart's")))
        );
    }

    #[test]
    fn overrides_force_provider_and_event() {
        let forced = Overrides {
            provider: providers::find("salla"),
            event: Some("order.created"),
            secret: None,
            max_errors: None,
        };
        let d = detect(Doc::from_value(&json!({"hello": "world"})).root(), forced);
        assert_eq!(
            d.as_ref().map(|d| d.schema.as_deref()),
            Some(Some("salla/order.created"))
        );
        assert_eq!(
            d.map(|d| d.detected_by),
            Some("--event; --provider".to_string())
        );
        let only_provider = Overrides {
            provider: providers::find("salla"),
            event: None,
            secret: None,
            max_errors: None,
        };
        assert_eq!(
            detect(
                Doc::from_value(&json!({"hello": "world"})).root(),
                only_provider
            ),
            None
        );
    }
}
