//! Ongoing WMS (Swedish warehouse management system): order webhooks.
//!
//! One flat `WebhookOrderPayload` for three triggers (order created, order
//! status changed, order picked) with no event field: the trigger is read from
//! `webhookTemplate`, the webhook type's name, where it names one; otherwise
//! the event is the generic `order`, validated against the shared definition.
//! What users need of these facts: `docs/providers.md`.

use super::{Clue, Provider, keys_present, str_field};
use crate::model::doc::{Field, Node};
use crate::model::summary::{Category, OrderSummary, occurred, text, text_at};

/// The Ongoing WMS provider.
pub struct Ongoing;

const EVENTS: &[&str] = &[
    "order.created",
    "order.status.changed",
    "order.picked",
    "order",
];

/// The webhook kinds Ongoing documents beside orders, each keyed by its own
/// `webhook…Id` in the shared envelope (`webhookEventId`, `system`,
/// `goodsOwnerId`, `webhookTemplate`, `byUser`, `byComputer`).
const KINDS: &[(&str, &str)] = &[
    ("webhookShipmentsId", "shipment"),
    ("webhookPurchaseOrdersId", "purchase_order"),
    ("webhookMovesId", "inbound_and_move"),
    ("webhookMovementArticleItemsId", "movement_order"),
    ("webhookArticlesId", "article"),
    ("webhookArticleItemsId", "article_item"),
    ("webhookPickingsId", "picking"),
];

/// The webhook kinds beside orders (see `KINDS`).
const OTHER_EVENTS: &[&str] = &[
    "shipment",
    "purchase_order",
    "inbound_and_move",
    "movement_order",
    "article",
    "article_item",
    "picking",
];

impl Provider for Ongoing {
    // Ongoing's consignee (the recipient), and who did what at the warehouse.
    fn personal_fields(&self) -> &'static [&'static str] {
        &[
            "consignee",
            "byUser/name",
            "byUser/userName",
            "byUser/email",
            "computerName",
            "address1",
            "address2",
            "address3",
            "postCode",
            "mobilePhone",
            "telePhone",
            "remark",
        ]
    }
    fn other_events(&self) -> &'static [&'static str] {
        OTHER_EVENTS
    }
    fn near_miss(&self, body: Node<'_>) -> Option<super::NearMiss> {
        super::near_miss(
            body,
            &[
                "webhookOrdersId",
                "webhookEventId",
                "system",
                "goodsOwnerId",
                "orderId",
                "orderStatus",
            ],
            &[("", "orderId", |v| v.is_some(), "has no orderId")],
        )
    }
    fn name(&self) -> &'static str {
        "ongoing"
    }
    fn title(&self) -> &'static str {
        "Ongoing WMS"
    }
    fn docs_url(&self) -> &'static str {
        "https://developer.ongoingwarehouse.com/webhook-order"
    }
    fn events(&self) -> &'static [&'static str] {
        EVENTS
    }

    /// Ongoing bodies carry `webhookOrdersId`/`webhookEventId` beside
    /// `orderId` and `orderStatus`.
    fn recognise(&self, body: Node<'_>) -> Option<Clue> {
        let object = body.is_object().then_some(body)?;
        let webhook =
            object.get("webhookOrdersId").is_some() || object.get("webhookEventId").is_some();
        let order = object.get("orderId").is_some() || object.get("orderStatus").is_some();
        if object.get("webhookOrdersId").is_none()
            && let Some(clue) = other_kind(object)
        {
            return Some(clue);
        }
        if !webhook || !order {
            return None;
        }
        let keys = keys_present(
            object,
            &[
                "webhookOrdersId",
                "webhookEventId",
                "orderId",
                "orderStatus",
            ],
        );
        let template = str_field(object, "webhookTemplate");
        Some(match template.as_deref().and_then(trigger) {
            Some(event) => Clue {
                event: event.to_string(),
                detected_by: format!("body: {keys}; webhookTemplate = {:?}", template.unwrap_or_default()),
                note: None,
            },
            None => Clue {
                event: "order".to_string(),
                detected_by: format!("body: {keys}"),
                note: Some(match template {
                    Some(t) => format!(
                        "webhookTemplate {t:?} does not name a trigger (created, status changed, picked): validated against the shared order payload"
                    ),
                    None => "no webhookTemplate: the trigger could not be told; validated against the shared order payload".to_string(),
                }),
            },
        })
    }

    fn summarize(&self, _event: &str, body: Node<'_>) -> OrderSummary {
        summarize(body)
    }

    fn delivery_metadata(&self) -> &'static [&'static str] {
        &["/webhookOrdersId", "/webhookEventId"]
    }

    fn auth_advice(&self) -> &'static str {
        "Ongoing WMS does not sign its webhooks; receivers use HTTP Basic auth, a static X-Auth-Token header or mTLS"
    }

    fn delivery_id(&self, body: Node<'_>) -> Option<String> {
        text(body.get("webhookEventId"))
    }
}

/// The trigger a webhook type's name spells, e.g. "Order picked" or
/// "OrderStatusChanged". Picked is tested first: "picked status" is a pick.
fn trigger(template: &str) -> Option<&'static str> {
    let name: String = template
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    if name.contains("pick") {
        Some("order.picked")
    } else if name.contains("status") {
        Some("order.status.changed")
    } else if name.contains("creat") || name.contains("neworder") {
        Some("order.created")
    } else {
        None
    }
}

impl Ongoing {
    /// The status-category mapping of `docs/providers.md` over the
    /// default status numbers (each warehouse can configure its own).
    pub fn category(number: i64) -> Category {
        match number {
            i64::MIN..=299 => Category::Pending,
            300..=399 => Category::Processing,
            400..=449 => Category::Picked,
            475 => Category::Returned,
            450..=499 => Category::Shipped,
            500..=999 => Category::Delivered,
            1000 => Category::Cancelled,
            _ => Category::Unknown,
        }
    }
}

pub(crate) fn summarize(body: Node<'_>) -> OrderSummary {
    let number = body.pointer("/orderStatus/number");
    let (tracking_number, tracking_url) = tracking(body);
    let mut summary = OrderSummary {
        order_id: text(body.get("orderId")),
        order_number: text(body.get("orderNumber")),
        status: text(number),
        status_category: number.map(|n| n.as_i64().map_or(Category::Unknown, Ongoing::category)),
        tracking_number,
        tracking_url,
        occurred_at: occurred(body.get("timestamp"), Ongoing.timestamp_formats()),
        ..OrderSummary::default()
    };
    summary.detail(
        "status_text",
        "status text",
        text_at(body, "/orderStatus/text"),
    );
    summary.detail(
        "goods_owner",
        "goods owner",
        text(body.get("goodsOwnerName")),
    );
    summary.detail("system", "system", text(body.get("system")));
    summary
}

/// The first outgoing (not return) tracking entry, else the first outgoing parcel.
fn tracking(body: Node<'_>) -> (Option<String>, Option<String>) {
    let entries = body.get("tracking").elements();
    if let Some(t) = entries.clone().find(|t| !t.get("isReturn").is_true()) {
        return (text(t.get("waybill")), text(t.get("trackingUrl")));
    }
    let parcels = body.get("parcels").elements();
    match parcels.clone().find(|p| !p.get("isReturnParcel").is_true()) {
        Some(p) => (
            text(p.get("parcelNumber")),
            text_at(p, "/tracking/trackingUrl"),
        ),
        None => (None, None),
    }
}

/// A webhook of another kind than orders (shipment, purchase order, …) in
/// Ongoing's envelope: its own `webhook…Id` with `webhookEventId` or
/// `goodsOwnerId` beside it. No order schema applies: not checked.
fn other_kind(object: Node<'_>) -> Option<Clue> {
    let envelope = object.get("webhookEventId").is_some() || object.get("goodsOwnerId").is_some();
    if !envelope {
        return None;
    }
    let (key, kind) = KINDS.iter().find(|(key, _)| object.get(key).is_some())?;
    Some(Clue {
        event: (*kind).to_string(),
        detected_by: format!(
            "body: {key}, {}",
            keys_present(
                object,
                &["webhookEventId", "goodsOwnerId", "webhookTemplate"]
            )
        ),
        note: Some(format!(
            "Ongoing's {} webhook, not an order (same envelope)",
            kind.replace('_', " ")
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::doc::Doc;
    use serde_json::json;

    fn event(template: Option<&str>) -> Option<String> {
        let mut body = json!({"webhookOrdersId": 1, "webhookEventId": 2, "orderId": 3, "orderStatus": {"number": 200}});
        if let Some(t) = template {
            body["webhookTemplate"] = json!(t);
        }
        Ongoing
            .recognise(Doc::from_value(&body).root())
            .map(|c| c.event)
    }

    #[test]
    fn reads_the_trigger_from_the_template() {
        assert_eq!(
            event(Some("Order created")).as_deref(),
            Some("order.created")
        );
        assert_eq!(
            event(Some("OrderStatusChanged")).as_deref(),
            Some("order.status.changed")
        );
        assert_eq!(event(Some("order_picked")).as_deref(), Some("order.picked"));
    }

    #[test]
    fn falls_back_to_the_generic_order_event() {
        assert_eq!(event(Some("ERP sync")).as_deref(), Some("order"));
        assert_eq!(event(None).as_deref(), Some("order"));
    }

    #[test]
    fn every_status_range_maps_to_its_category() {
        for (number, category) in [
            (100, Category::Pending),
            (200, Category::Pending),
            (299, Category::Pending),
            (300, Category::Processing),
            (320, Category::Processing),
            (399, Category::Processing),
            (400, Category::Picked),
            (425, Category::Picked),
            (449, Category::Picked),
            (450, Category::Shipped),
            (451, Category::Shipped),
            (475, Category::Returned),
            (499, Category::Shipped),
            (500, Category::Delivered),
            (999, Category::Delivered),
            (1000, Category::Cancelled),
            (1001, Category::Unknown),
        ] {
            assert_eq!(Ongoing::category(number), category, "{number}");
        }
    }

    #[test]
    fn tracking_skips_returns() {
        let body = json!({"orderId": 1, "orderStatus": {"number": 450}, "timestamp": "2023-01-01T12:00:00.0000000",
            "tracking": [{"waybill": "R1", "isReturn": true}, {"waybill": "W1", "trackingUrl": "https://t/W1", "isReturn": false}]});
        let s = summarize(Doc::from_value(&body).root());
        assert_eq!(s.tracking_number.as_deref(), Some("W1"));
        assert_eq!(s.status.as_deref(), Some("450"));
        assert_eq!(s.occurred_at.as_deref(), Some("2023-01-01T12:00:00"));
    }

    #[test]
    fn ignores_other_bodies() {
        assert!(
            Ongoing
                .recognise(Doc::from_value(&json!({"orderId": 3})).root())
                .is_none()
        );
    }
}
