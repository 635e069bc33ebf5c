//! Snipcart (shopping cart): order webhooks.
//!
//! Body: `{eventName, mode, createdOn, content}` plus event-specific top-level
//! fields (`from`/`to`, `trackingNumber`/`trackingUrl`).
//! Facts: `shared/PROVIDERS.md`, docs excerpt `shared/provider-docs/snipcart-order-webhooks.fr.txt`.

use super::{Clue, Provider, keys_present, str_field};
use serde_json::Value;

/// The Snipcart provider.
pub struct Snipcart;

const EVENTS: &[&str] = &[
    "order.completed",
    "order.status.changed",
    "order.paymentStatus.changed",
    "order.trackingNumber.changed",
    "order.refund.created",
    "order.notification.created",
];

impl Provider for Snipcart {
    fn name(&self) -> &'static str {
        "snipcart"
    }
    fn title(&self) -> &'static str {
        "Snipcart"
    }
    fn docs_url(&self) -> &'static str {
        "https://docs.snipcart.com/v3/webhooks/order-events"
    }
    fn events(&self) -> &'static [&'static str] {
        EVENTS
    }

    /// A Snipcart body names its event in `eventName` and carries `content`
    /// (and usually `mode` and `createdOn`).
    fn recognise(&self, body: &Value) -> Option<Clue> {
        let object = body.as_object()?;
        let event = str_field(object, "eventName")?;
        if !object.contains_key("content") {
            return None;
        }
        Some(Clue {
            event: event.to_string(),
            detected_by: format!(
                "body: eventName = {event:?}, {}",
                keys_present(object, &["mode", "createdOn", "content"])
            ),
            note: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recognises_any_event_of_the_envelope() {
        let body = json!({"eventName": "shippingrates.fetch", "mode": "Live", "content": {}});
        assert_eq!(
            Snipcart.recognise(&body).map(|c| c.event).as_deref(),
            Some("shippingrates.fetch")
        );
    }

    #[test]
    fn needs_content() {
        assert!(
            Snipcart
                .recognise(&json!({"eventName": "order.completed"}))
                .is_none()
        );
    }
}
