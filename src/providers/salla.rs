//! Salla (Saudi e-commerce platform): order webhooks.
//!
//! Body: `{event, merchant, created_at, data}`; the event name is in `event`.
//! Facts: `shared/PROVIDERS.md`, docs excerpt `shared/provider-docs/salla-order-webhooks.txt`.

use super::{Clue, Provider, keys_present, str_field};
use serde_json::Value;

/// The Salla provider.
pub struct Salla;

const EVENTS: &[&str] = &[
    "order.created",
    "order.updated",
    "order.refunded",
    "order.deleted",
    "order.products.updated",
    "order.payment.updated",
    "order.coupon.updated",
    "order.total.price.updated",
    "order.shipping.address.updated",
    "order.cancelled",
    "order.customer.updated",
    "order.shipment.creating",
    "order.shipment.created",
    "order.shipment.return.creating",
    "order.shipment.return.created",
    "order.shipment.cancelled",
    "order.shipment.return.cancelled",
    "order.status.updated",
];

impl Provider for Salla {
    fn name(&self) -> &'static str {
        "salla"
    }
    fn title(&self) -> &'static str {
        "Salla"
    }
    fn docs_url(&self) -> &'static str {
        "https://docs.salla.dev/doc-421119"
    }
    fn events(&self) -> &'static [&'static str] {
        EVENTS
    }

    /// A Salla body has a string `event` and a `data` object, and the store
    /// id in `merchant` or a `created_at` beside them.
    fn recognise(&self, body: &Value) -> Option<Clue> {
        let object = body.as_object()?;
        let event = str_field(object, "event")?;
        let data_is_object = object.get("data").is_some_and(Value::is_object);
        if !data_is_object
            || !(object.contains_key("merchant") || object.contains_key("created_at"))
        {
            return None;
        }
        Some(Clue {
            event: event.to_string(),
            detected_by: format!(
                "body: event = {event:?}, {}",
                keys_present(object, &["merchant", "created_at", "data"])
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
    fn recognises_the_envelope() {
        let clue = Salla
            .recognise(
                &json!({"event": "order.created", "merchant": 1, "created_at": "x", "data": {}}),
            )
            .map(|c| c.event);
        assert_eq!(clue.as_deref(), Some("order.created"));
    }

    #[test]
    fn ignores_bodies_without_data_object() {
        assert!(
            Salla
                .recognise(&json!({"event": "order.created", "merchant": 1}))
                .is_none()
        );
        assert!(
            Salla
                .recognise(&json!({"event": "order.created", "merchant": 1, "data": []}))
                .is_none()
        );
        assert!(
            Salla
                .recognise(&json!({"event": "x", "data": {}}))
                .is_none()
        );
    }
}
