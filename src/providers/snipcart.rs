//! Snipcart (shopping cart): order webhooks.
//!
//! Body: `{eventName, mode, createdOn, content}` plus event-specific top-level
//! fields (`from`/`to`, `trackingNumber`/`trackingUrl`).
//! What users need of these facts: `docs/providers.md`.

use super::{Clue, Provider, headers_present, keys_present, str_field};
use crate::model::doc::{Field, Node};
use crate::model::signature::{Headers, Secret, Signature, Status};
use crate::model::summary::{Category, OrderSummary, currency, occurred, text, text_at};

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

/// The webhook events Snipcart documents beside the order events above:
/// the others that share the envelope.
const OTHER_EVENTS: &[&str] = &[
    "shippingrates.fetch",
    "taxes.calculate",
    "customauth:customer_updated",
    "subscription.*",
];

impl Provider for Snipcart {
    // Snipcart's addresses, card holder, customer fields and IP.
    fn personal_fields(&self) -> &'static [&'static str] {
        &[
            "billingAddress",
            "shippingAddress",
            "billingAddressName",
            "billingAddressFirstName",
            "billingAddressCompanyName",
            "billingAddressAddress1",
            "billingAddressAddress2",
            "billingAddressCity",
            "billingAddressPostalCode",
            "billingAddressPhone",
            "shippingAddressName",
            "shippingAddressFirstName",
            "shippingAddressCompanyName",
            "shippingAddressAddress1",
            "shippingAddressAddress2",
            "shippingAddressCity",
            "shippingAddressPostalCode",
            "shippingAddressPhone",
            "cardHolderName",
            "creditCardLast4Digits",
            "fullName",
            "firstName",
            "address1",
            "address2",
            "fullAddress",
            "postalCode",
            "comment",
            "customFields",
            "user/email",
        ]
    }
    fn other_events(&self) -> &'static [&'static str] {
        OTHER_EVENTS
    }
    fn event_pointer(&self, body: Node<'_>) -> Option<&'static str> {
        body.get("eventName").map(|_| "/eventName")
    }
    fn near_miss(&self, body: Node<'_>) -> Option<super::NearMiss> {
        super::near_miss(
            body,
            &["eventName", "mode", "createdOn", "content"],
            &[
                (
                    "/eventName",
                    "eventName",
                    |v| v.is_some_and(Node::is_string),
                    "eventName is not a string",
                ),
                ("/content", "content", |v| v.is_some(), "has no content"),
            ],
        )
    }
    /// Items carry `uniqueId` beside `id`; other lists are keyed by `token`.
    fn identity_keys(&self) -> &'static [&'static str] {
        &["id", "uniqueId", "token"]
    }
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
    fn recognise(&self, body: Node<'_>) -> Option<Clue> {
        let object = body.is_object().then_some(body)?;
        let event = str_field(object, "eventName")?;
        object.get("content")?;
        Some(Clue {
            event: event.to_string(),
            detected_by: format!(
                "body: eventName = {event:?}, {}",
                keys_present(object, &["mode", "createdOn", "content"])
            ),
            note: None,
        })
    }

    fn summarize(&self, event: &str, body: Node<'_>) -> OrderSummary {
        summarize(event, body)
    }

    fn header_clue(&self, headers: Headers<'_>) -> Option<String> {
        headers_present(headers, &["X-Snipcart-RequestToken"])
    }

    /// Snipcart does not sign: it sends a request token that only its API
    /// can confirm (within an hour), so offline it is present or absent.
    fn check_signature(
        &self,
        headers: Headers<'_>,
        _body: &[u8],
        _secret: Option<&Secret>,
    ) -> Option<Signature> {
        // nothing was captured around the body: nothing to check
        if headers.is_empty() {
            return None;
        }
        Some(match headers.get("X-Snipcart-RequestToken") {
            Some(_) => Signature::new(
                "snipcart-request-token",
                Status::Unverifiable,
                "X-Snipcart-RequestToken is present; it can only be checked online, against Snipcart's request validation API, within an hour of the request",
            ),
            None => Signature::new(
                "snipcart-request-token",
                Status::Missing,
                "no X-Snipcart-RequestToken header: Snipcart sends one with every webhook",
            ),
        })
    }

    fn sign(
        &self,
        _body: &[u8],
        secret: &Secret,
        _scheme: Option<&str>,
    ) -> anyhow::Result<Vec<(String, String)>> {
        Ok(vec![(
            "X-Snipcart-RequestToken".into(),
            String::from_utf8_lossy(secret.expose()).into_owned(),
        )])
    }
}

impl Snipcart {
    /// The status-category mapping of `docs/providers.md`.
    pub fn category(status: &str) -> Category {
        match status {
            "InProgress" | "Pending" => Category::Pending,
            "Disputed" => Category::OnHold,
            "Processed" => Category::Processing,
            "Dispatched" | "Shipped" => Category::Shipped,
            "Delivered" => Category::Delivered,
            "Cancelled" => Category::Cancelled,
            _ => Category::Unknown,
        }
    }
}

pub(crate) fn summarize(event: &str, body: Node<'_>) -> OrderSummary {
    let content = body.get("content");
    let mut status = text(content.get("status"));
    let mut previous_status = None;
    let mut payment_status = text(content.get("paymentStatus"));
    let mut previous_payment_status = None;
    match event {
        "order.status.changed" => {
            status = text(body.get("to")).or(status);
            previous_status = text(body.get("from"));
        }
        "order.paymentStatus.changed" => {
            payment_status = text(body.get("to")).or(payment_status);
            previous_payment_status = text(body.get("from"));
        }
        _ => {}
    }
    let (tracking_number, tracking_url) = if event == "order.trackingNumber.changed" {
        (
            text(body.get("trackingNumber")),
            text(body.get("trackingUrl")),
        )
    } else {
        (
            text(content.get("trackingNumber")),
            text(content.get("trackingUrl")),
        )
    };
    let is_order = !matches!(event, "order.refund.created" | "order.notification.created");
    let mut summary = OrderSummary {
        order_id: text(content.get("token")).or_else(|| text(content.get("orderToken"))),
        order_number: text(content.get("invoiceNumber")),
        status_category: status.as_deref().map(Snipcart::category),
        status,
        previous_status,
        payment_status,
        previous_payment_status,
        tracking_number,
        tracking_url,
        total_amount: text(content.get("finalGrandTotal"))
            .or_else(|| text(content.get("grandTotal"))),
        currency: currency(text(content.get("currency"))),
        customer_name: text_at(content, "/billingAddress/fullName")
            .or_else(|| text(content.get("billingAddressName")))
            .or_else(|| text_at(content, "/user/billingAddress/fullName")),
        customer_email: text(content.get("email")).or_else(|| text_at(content, "/user/email")),
        items_count: is_order
            .then(|| {
                content
                    .get("items")
                    .filter(|i| i.is_array())
                    .map(|i| i.len() as u64)
            })
            .flatten(),
        occurred_at: occurred(body.get("createdOn"), Snipcart.timestamp_formats()),
        ..OrderSummary::default()
    };
    summary.detail("mode", "mode", text(body.get("mode")));
    if event == "order.refund.created" {
        summary.detail(
            "refund_amount",
            "refund amount",
            text(content.get("amount")),
        );
        summary.detail(
            "refund_comment",
            "refund comment",
            text(content.get("comment")),
        );
    }
    if event == "order.notification.created" {
        summary.detail(
            "notification_type",
            "notification type",
            text(content.get("notificationType")),
        );
        summary.detail(
            "notification_subject",
            "subject",
            text(content.get("subject")),
        );
        summary.detail(
            "notification_message",
            "message",
            text(content.get("message")),
        );
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::doc::Doc;
    use serde_json::json;

    #[test]
    fn recognises_any_event_of_the_envelope() {
        let body = json!({"eventName": "shippingrates.fetch", "mode": "Live", "content": {}});
        assert_eq!(
            Snipcart
                .recognise(Doc::from_value(&body).root())
                .map(|c| c.event)
                .as_deref(),
            Some("shippingrates.fetch")
        );
    }

    #[test]
    fn every_status_maps_to_its_category() {
        for (status, category) in [
            ("InProgress", Category::Pending),
            ("Pending", Category::Pending),
            ("Disputed", Category::OnHold),
            ("Processed", Category::Processing),
            ("Dispatched", Category::Shipped),
            ("Shipped", Category::Shipped),
            ("Delivered", Category::Delivered),
            ("Cancelled", Category::Cancelled),
            ("Lost", Category::Unknown),
        ] {
            assert_eq!(Snipcart::category(status), category, "{status}");
        }
    }

    #[test]
    fn changes_take_to_as_current_and_from_as_previous() {
        let body = json!({"eventName": "order.status.changed", "from": "Processed", "to": "Shipped",
                          "createdOn": "2017-10-04T19:43:54.6329769Z",
                          "content": {"token": "t", "status": "Processed", "currency": "cad", "finalGrandTotal": 0}});
        let mut body = body;
        body["content"]["finalGrandTotal"] = serde_json::from_str("330.00").unwrap_or_default();
        let s = summarize("order.status.changed", Doc::from_value(&body).root());
        assert_eq!(
            (s.status.as_deref(), s.previous_status.as_deref()),
            (Some("Shipped"), Some("Processed"))
        );
        assert_eq!(
            (s.total_amount.as_deref(), s.currency.as_deref()),
            (Some("330.00"), Some("CAD"))
        );
        let pay =
            json!({"from": "Authorized", "to": "Paid", "content": {"paymentStatus": "Authorized"}});
        let s = summarize("order.paymentStatus.changed", Doc::from_value(&pay).root());
        assert_eq!(
            (
                s.payment_status.as_deref(),
                s.previous_payment_status.as_deref()
            ),
            (Some("Paid"), Some("Authorized"))
        );
    }

    #[test]
    fn needs_content() {
        assert!(
            Snipcart
                .recognise(Doc::from_value(&json!({"eventName": "order.completed"})).root())
                .is_none()
        );
    }
}
