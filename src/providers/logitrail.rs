//! Logitrail (Finnish 3PL): order webhooks.
//!
//! Body: an envelope `{event_id, event_type, webhook_id, ts, retry_count,
//! payload}`; a batch is a JSON array of envelopes, split into one payload per
//! element by the input stage. People also paste the bare `payload`
//! (`{order, shipment?}`), whose event is told from its shape.
//! What users need of these facts: `docs/providers.md`.

use super::{Clue, Provider, keys_present, str_field};
use crate::model::doc::{Field, Node};
use crate::model::summary::{Category, OrderSummary, occurred, text, text_at};

/// The Logitrail provider.
pub struct Logitrail;

const EVENTS: &[&str] = &["order.info.change", "order.shipped"];

/// The event types Logitrail documents beside the order events.
/// `product.info.updated` is the one its own envelope example uses; inbound
/// shipments are a family.
const OTHER_EVENTS: &[&str] = &[
    "product.info.change",
    "product.info.updated",
    "product.inventory.change",
    "product.info.missing",
    "inbound_shipment.*",
];

impl Provider for Logitrail {
    // Logitrail's order webhooks carry no customer data (ids, statuses,
    // tracking); a recipient, should one appear, is masked whole.
    fn personal_fields(&self) -> &'static [&'static str] {
        &["recipient", "customer"]
    }
    fn other_events(&self) -> &'static [&'static str] {
        OTHER_EVENTS
    }
    fn event_pointer(&self, body: Node<'_>) -> Option<&'static str> {
        body.get("event_type").map(|_| "/event_type")
    }
    fn near_miss(&self, body: Node<'_>) -> Option<super::NearMiss> {
        super::near_miss(
            body,
            &[
                "event_id",
                "event_type",
                "webhook_id",
                "ts",
                "retry_count",
                "payload",
            ],
            &[
                (
                    "/event_type",
                    "event_type",
                    |v| v.is_some_and(Node::is_string),
                    "event_type is not a string",
                ),
                ("/payload", "payload", |v| v.is_some(), "has no payload"),
            ],
        )
    }
    fn name(&self) -> &'static str {
        "logitrail"
    }
    fn title(&self) -> &'static str {
        "Logitrail"
    }
    fn docs_url(&self) -> &'static str {
        "https://logitrail-integration.readthedocs.io/en/latest/orders/webhooks.html"
    }
    fn events(&self) -> &'static [&'static str] {
        EVENTS
    }

    fn recognise(&self, body: Node<'_>) -> Option<Clue> {
        let object = body.is_object().then_some(body)?;
        if let Some(event) = str_field(object, "event_type") {
            // an event_type without a payload is not Logitrail's envelope
            object.get("payload")?;
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

    fn summarize(&self, _event: &str, body: Node<'_>) -> OrderSummary {
        summarize(body)
    }

    fn delivery_metadata(&self) -> &'static [&'static str] {
        &["/event_id", "/webhook_id", "/retry_count"]
    }

    fn auth_advice(&self) -> &'static str {
        "Logitrail does not sign its webhooks; integrations protect the URL with HTTP Basic auth"
    }

    fn delivery_id(&self, body: Node<'_>) -> Option<String> {
        text(body.get("event_id"))
    }
}

/// A bare payload: an `order` object whose `id` is Logitrail's 24-hex id.
/// `shipment` present means `order.shipped` (the only order event with one).
fn recognise_bare(object: Node<'_>) -> Option<Clue> {
    let order = object.get("order").filter(|o| o.is_object())?;
    let id = str_field(order, "id")?;
    if !is_object_id(&id) {
        return None;
    }
    let shipped = object.get("shipment").is_some_and(Node::is_object);
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

impl Logitrail {
    /// The status-category mapping of `docs/providers.md`.
    pub fn category(status: &str) -> Category {
        match status {
            "passive" => Category::Pending,
            "waiting_products" => Category::OnHold,
            "confirmed" => Category::Processing,
            "processed" => Category::Shipped,
            "cancelled" | "deleted" => Category::Cancelled,
            _ => Category::Unknown,
        }
    }
}

/// The envelope's `payload`, or the body itself when it is a bare payload.
fn payload(body: Node<'_>) -> Node<'_> {
    body.get("payload").unwrap_or(body)
}

pub(crate) fn summarize(body: Node<'_>) -> OrderSummary {
    let payload = payload(body);
    let order = payload.get("order");
    let merchants_order = order.get("merchants_order");
    let status = text(order.get("status"));
    let mut summary = OrderSummary {
        order_id: text(order.get("id")),
        order_number: text(
            merchants_order
                .and_then(|m| m.get("id"))
                .or(merchants_order),
        ),
        status_category: status.as_deref().map(Logitrail::category),
        status,
        tracking_number: text(order.get("tracking_code")),
        tracking_url: text(order.get("tracking_url")),
        occurred_at: occurred(body.get("ts"), Logitrail.timestamp_formats()),
        ..OrderSummary::default()
    };
    // The docs: "this should not be sent to customer. Use order.tracking_code instead."
    summary.detail_with_remark(
        "carrier_tracking_code",
        "carrier code",
        text_at(payload, "/shipment/carrier_tracking_code"),
        "not for customers: give them the tracking code",
    );
    summary.detail(
        "shipment_id",
        "shipment id",
        text_at(payload, "/shipment/id"),
    );
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::doc::Doc;
    use serde_json::json;

    #[test]
    fn recognises_envelopes() {
        let body = json!({"event_type": "order.shipped", "event_id": "x", "payload": {}});
        assert_eq!(
            Logitrail
                .recognise(Doc::from_value(&body).root())
                .map(|c| c.event)
                .as_deref(),
            Some("order.shipped")
        );
    }

    #[test]
    fn tells_bare_payload_events_from_shape() {
        let id = "5499362b1fb35e73548b45af";
        let info = json!({"order": {"id": id, "status": "confirmed"}});
        let shipped = json!({"order": {"id": id}, "shipment": {"id": id}});
        assert_eq!(
            Logitrail
                .recognise(Doc::from_value(&info).root())
                .map(|c| c.event)
                .as_deref(),
            Some("order.info.change")
        );
        assert_eq!(
            Logitrail
                .recognise(Doc::from_value(&shipped).root())
                .map(|c| c.event)
                .as_deref(),
            Some("order.shipped")
        );
    }

    #[test]
    fn every_status_maps_to_its_category() {
        for (status, category) in [
            ("passive", Category::Pending),
            ("waiting_products", Category::OnHold),
            ("confirmed", Category::Processing),
            ("processed", Category::Shipped),
            ("cancelled", Category::Cancelled),
            ("deleted", Category::Cancelled),
            ("teleported", Category::Unknown),
        ] {
            assert_eq!(Logitrail::category(status), category, "{status}");
        }
    }

    #[test]
    fn summarizes_envelopes_and_bare_payloads_alike() {
        let id = "5499362b1fb35e73548b45af";
        let bare = json!({"order": {"id": id, "merchants_order": {"id": "KV-1", "time": 1}, "status": "processed"},
                          "shipment": {"id": id, "carrier_tracking_code": "JJFI1"}});
        let envelope = json!({"event_type": "order.shipped", "ts": "2016-01-18T08:17:55+00:00", "payload": bare.clone()});
        let s = summarize(Doc::from_value(&envelope).root());
        assert_eq!(s.order_number.as_deref(), Some("KV-1"));
        assert_eq!(s.status_category, Some(Category::Shipped));
        assert_eq!(s.occurred_at.as_deref(), Some("2016-01-18T08:17:55+00:00"));
        assert_eq!(s.details.first().map(|d| d.value.as_str()), Some("JJFI1"));
        assert_eq!(
            s.tracking_number, None,
            "the carrier code is not the customer's tracking number"
        );
        assert_eq!(
            summarize(Doc::from_value(&bare).root()).order_id,
            s.order_id
        );
    }

    #[test]
    fn ignores_orders_without_object_id() {
        assert!(
            Logitrail
                .recognise(Doc::from_value(&json!({"order": {"id": "123"}})).root())
                .is_none()
        );
        assert!(
            Logitrail
                .recognise(Doc::from_value(&json!({"order": {"id": 5}})).root())
                .is_none()
        );
    }
}
