//! Ongoing WMS (Swedish warehouse management system): order webhooks.
//!
//! One flat `WebhookOrderPayload` for three triggers (order created, order
//! status changed, order picked) with no event field: the trigger is read from
//! `webhookTemplate`, the webhook type's name, where it names one; otherwise
//! the event is the generic `order`, validated against the shared definition.
//! Facts: `shared/PROVIDERS.md`, docs excerpt `shared/provider-docs/ongoing-wms-order-webhooks.txt`.

use super::{Clue, Provider, keys_present, str_field};
use serde_json::Value;

/// The Ongoing WMS provider.
pub struct Ongoing;

const EVENTS: &[&str] = &[
    "order.created",
    "order.status.changed",
    "order.picked",
    "order",
];

impl Provider for Ongoing {
    fn name(&self) -> &'static str {
        "ongoing"
    }
    fn title(&self) -> &'static str {
        "Ongoing WMS"
    }
    fn docs_url(&self) -> &'static str {
        "https://developer.ongoingwarehouse.com/webhooks"
    }
    fn events(&self) -> &'static [&'static str] {
        EVENTS
    }

    /// Ongoing bodies carry `webhookOrdersId`/`webhookEventId` beside
    /// `orderId` and `orderStatus`.
    fn recognise(&self, body: &Value) -> Option<Clue> {
        let object = body.as_object()?;
        let webhook =
            object.contains_key("webhookOrdersId") || object.contains_key("webhookEventId");
        if !webhook || !(object.contains_key("orderId") || object.contains_key("orderStatus")) {
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
        Some(match template.and_then(trigger) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(template: Option<&str>) -> Option<String> {
        let mut body = json!({"webhookOrdersId": 1, "webhookEventId": 2, "orderId": 3, "orderStatus": {"number": 200}});
        if let Some(t) = template {
            body["webhookTemplate"] = json!(t);
        }
        Ongoing.recognise(&body).map(|c| c.event)
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
    fn ignores_other_bodies() {
        assert!(Ongoing.recognise(&json!({"orderId": 3})).is_none());
    }
}
