//! Salla (Saudi e-commerce platform): order webhooks.
//!
//! Body: `{event, merchant, created_at, data}`; the event name is in `event`.
//! Facts: `shared/PROVIDERS.md`, docs excerpt `shared/provider-docs/salla-order-webhooks.txt`.

use super::{Clue, Provider, keys_present, str_field};
use crate::summary::{Category, OrderSummary, currency, full_name, occurred, text, text_at};
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

    fn summarize(&self, event: &str, body: &Value) -> OrderSummary {
        summarize(event, body)
    }
}

impl Salla {
    /// The status-category mapping of `shared/PROVIDERS.md`, on the slug
    /// (custom statuses keep their parent's slug).
    pub fn category(slug: &str) -> Category {
        match slug {
            "payment_pending"
            | "waiting_for_payment_confirmation"
            | "payment_failed"
            | "under_review" => Category::Pending,
            "in_progress" => Category::Processing,
            "shipped" | "delivering" => Category::Shipped,
            "delivered" => Category::Delivered,
            "completed" => Category::Completed,
            "canceled" => Category::Cancelled,
            "restoring" | "restored" => Category::Returned,
            _ => Category::Unknown,
        }
    }
}

pub(crate) fn summarize(event: &str, body: &Value) -> OrderSummary {
    let data = body.get("data").unwrap_or(&Value::Null);
    // order.status.updated wraps the order: data = {id (history id), status (name), note, order}
    let order = if event == "order.status.updated" {
        data.get("order").unwrap_or(&Value::Null)
    } else {
        data
    };
    let slug = text_at(order, "/status/slug");
    let customer = order.get("customer").unwrap_or(&Value::Null);
    let (tracking_number, tracking_url) = tracking(order);
    let mut summary = OrderSummary {
        order_id: text(order.get("id")),
        order_number: text(order.get("reference_id")),
        status_category: slug.as_deref().map(Salla::category),
        status: slug,
        payment_status: (order.get("is_pending_payment") == Some(&Value::Bool(true)))
            .then(|| "pending".to_string()),
        tracking_number,
        tracking_url,
        total_amount: text_at(order, "/amounts/total/amount"),
        currency: currency(
            text_at(order, "/amounts/total/currency").or_else(|| text(order.get("currency"))),
        ),
        customer_name: text(customer.get("name")).or_else(|| {
            full_name(&[
                text(customer.get("first_name")),
                text(customer.get("last_name")),
            ])
        }),
        customer_email: text(customer.get("email")),
        items_count: order
            .get("items")
            .and_then(Value::as_array)
            .map(|i| i.len() as u64),
        occurred_at: occurred(body.get("created_at")),
        ..OrderSummary::default()
    };
    let custom =
        text_at(order, "/status/customized/name").or_else(|| text_at(data, "/customized/name"));
    summary.detail("status_name", "status name", text_at(order, "/status/name"));
    summary.detail("custom_status", "custom status", custom);
    if event == "order.status.updated" {
        summary.detail("new_status", "new status", text(data.get("status")));
        summary.detail("note", "note", text(data.get("note")));
    }
    summary.detail(
        "payment_method",
        "payment method",
        text(order.get("payment_method")),
    );
    summary.detail(
        "shipping_number",
        "shipping number",
        text(data.get("shipping_number")),
    );
    summary
}

/// The customer-facing tracking: the first outgoing shipment with a number,
/// else the order's `shipping.shipment` (whose id is the carrier's number).
fn tracking(order: &Value) -> (Option<String>, Option<String>) {
    let shipments = order.get("shipments").and_then(Value::as_array);
    let outgoing = shipments.into_iter().flatten().find(|s| {
        s.get("type").and_then(Value::as_str) != Some("return")
            && text(s.get("tracking_number")).is_some()
    });
    if let Some(s) = outgoing {
        return (text(s.get("tracking_number")), text(s.get("tracking_link")));
    }
    let shipment = order.pointer("/shipping/shipment").unwrap_or(&Value::Null);
    (
        text(shipment.get("tracking_number")).or_else(|| text(shipment.get("id"))),
        text(shipment.get("tracking_link")),
    )
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
    fn every_slug_maps_to_its_category() {
        for (slug, category) in [
            ("payment_pending", Category::Pending),
            ("waiting_for_payment_confirmation", Category::Pending),
            ("payment_failed", Category::Pending),
            ("under_review", Category::Pending),
            ("in_progress", Category::Processing),
            ("shipped", Category::Shipped),
            ("delivering", Category::Shipped),
            ("delivered", Category::Delivered),
            ("completed", Category::Completed),
            ("canceled", Category::Cancelled),
            ("restoring", Category::Returned),
            ("restored", Category::Returned),
            ("ready_for_pickup", Category::Unknown),
        ] {
            assert_eq!(Salla::category(slug), category, "{slug}");
        }
    }

    #[test]
    fn status_updated_reads_the_wrapped_order() {
        let body = json!({"event": "order.status.updated", "created_at": "Sun Jun 26 2022 12:21:48 GMT+0300",
            "data": {"id": 9, "status": "Out for delivery", "note": "Handed to Aramex",
                     "order": {"id": 1, "reference_id": 71, "status": {"id": 3, "name": "Out for delivery", "slug": "delivering",
                               "customized": {"id": 4, "name": "Out for delivery"}},
                               "amounts": {"total": {"amount": 0, "currency": "SAR"}}}}});
        let mut body = body;
        body["data"]["order"]["amounts"]["total"]["amount"] =
            serde_json::from_str("108.70").unwrap_or_default();
        let s = summarize("order.status.updated", &body);
        assert_eq!(
            (s.order_id.as_deref(), s.status.as_deref()),
            (Some("1"), Some("delivering"))
        );
        assert_eq!(s.status_category, Some(Category::Shipped));
        assert_eq!(s.total_amount.as_deref(), Some("108.70"));
        assert_eq!(s.occurred_at.as_deref(), Some("2022-06-26T12:21:48+03:00"));
        let detail = |k: &str| {
            s.details
                .iter()
                .find(|d| d.key == k)
                .map(|d| d.value.clone())
        };
        assert_eq!(detail("custom_status").as_deref(), Some("Out for delivery"));
        assert_eq!(detail("note").as_deref(), Some("Handed to Aramex"));
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
