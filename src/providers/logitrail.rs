//! Logitrail (Finnish 3PL): order webhooks.
//!
//! Body: an envelope `{event_id, event_type, webhook_id, ts, retry_count,
//! payload}`; a batch is a JSON array of envelopes, split into one payload per
//! element by the input stage. People also paste the bare `payload`
//! (`{order, shipment?}`), whose event is told from its shape.
//! Facts: `shared/PROVIDERS.md`, docs excerpt `shared/provider-docs/logitrail-order-webhooks.txt`.

use super::{Clue, Provider, keys_present, str_field};
use serde_json::{Map, Value};

/// The Logitrail provider.
pub struct Logitrail;

const EVENTS: &[&str] = &["order.info.change", "order.shipped"];

impl Provider for Logitrail {
    fn name(&self) -> &'static str {
        "logitrail"
    }
    fn title(&self) -> &'static str {
        "Logitrail"
    }
    fn docs_url(&self) -> &'static str {
        "https://docs.logitrail.com/en/latest/webhooks.html"
    }
    fn events(&self) -> &'static [&'static str] {
        EVENTS
    }

    fn recognise(&self, body: &Value) -> Option<Clue> {
        let object = body.as_object()?;
        if let Some(event) = str_field(object, "event_type") {
            if !object.contains_key("payload") {
                return None;
            }
            return Some(Clue {
                event: event.to_string(),
                detected_by: format!(
                    "body: event_type = {event:?}, {}",
                    keys_present(object, &["event_id", "webhook_id", "ts", "payload"])
                ),
                note: None,
            });
        }
        recognise_bare(object)
    }
}

/// A bare payload: an `order` object whose `id` is Logitrail's 24-hex id.
/// `shipment` present means `order.shipped` (the only order event with one).
fn recognise_bare(object: &Map<String, Value>) -> Option<Clue> {
    let order = object.get("order")?.as_object()?;
    let id = str_field(order, "id")?;
    if !is_object_id(id) {
        return None;
    }
    let shipped = object.get("shipment").is_some_and(Value::is_object);
    let (event, why) = if shipped {
        ("order.shipped", "shipment present")
    } else {
        ("order.info.change", "no shipment")
    };
    Some(Clue {
        event: event.to_string(),
        detected_by: format!("body: bare payload, order.id is a 24-hex id, {why}"),
        note: Some("no envelope: the event was told from the payload's shape".to_string()),
    })
}

/// Logitrail ids are MongoDB object ids: 24 hexadecimal digits.
fn is_object_id(id: &str) -> bool {
    id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recognises_envelopes() {
        let body = json!({"event_type": "order.shipped", "event_id": "x", "payload": {}});
        assert_eq!(
            Logitrail.recognise(&body).map(|c| c.event).as_deref(),
            Some("order.shipped")
        );
    }

    #[test]
    fn tells_bare_payload_events_from_shape() {
        let id = "5499362b1fb35e73548b45af";
        let info = json!({"order": {"id": id, "status": "confirmed"}});
        let shipped = json!({"order": {"id": id}, "shipment": {"id": id}});
        assert_eq!(
            Logitrail.recognise(&info).map(|c| c.event).as_deref(),
            Some("order.info.change")
        );
        assert_eq!(
            Logitrail.recognise(&shipped).map(|c| c.event).as_deref(),
            Some("order.shipped")
        );
    }

    #[test]
    fn ignores_orders_without_object_id() {
        assert!(
            Logitrail
                .recognise(&json!({"order": {"id": "123"}}))
                .is_none()
        );
        assert!(Logitrail.recognise(&json!({"order": {"id": 5}})).is_none());
    }
}
