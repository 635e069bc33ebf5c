//! The normalised order summary: one shape for every provider's webhook
//! (fields described in `docs/providers.md`), filled by each provider's
//! `summarize`. Field names are part of the JSON output.

use crate::model::doc::Node;
use crate::model::timestamp;
use serde::Serialize;
use std::collections::BTreeMap;

/// The provider-neutral stage of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Placed, awaiting payment or review.
    Pending,
    /// Held, waiting for something (products, a dispute).
    OnHold,
    /// Being prepared.
    Processing,
    /// Picked in the warehouse.
    Picked,
    /// Handed to the carrier.
    Shipped,
    /// Delivered to the customer.
    Delivered,
    /// Finished.
    Completed,
    /// Cancelled.
    Cancelled,
    /// Returned.
    Returned,
    /// A status the mapping does not know.
    Unknown,
}

impl Category {
    /// The snake_case name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Pending => "pending",
            Category::OnHold => "on_hold",
            Category::Processing => "processing",
            Category::Picked => "picked",
            Category::Shipped => "shipped",
            Category::Delivered => "delivered",
            Category::Completed => "completed",
            Category::Cancelled => "cancelled",
            Category::Returned => "returned",
            Category::Unknown => "unknown",
        }
    }

    /// How far along the order is, for spotting a status going backwards.
    /// Terminal side branches (cancelled, returned) and unknown have none.
    pub fn progress(self) -> Option<u8> {
        match self {
            Category::Pending => Some(0),
            Category::OnHold => Some(1),
            Category::Processing => Some(2),
            Category::Picked => Some(3),
            Category::Shipped => Some(4),
            Category::Delivered => Some(5),
            Category::Completed => Some(6),
            Category::Cancelled | Category::Returned | Category::Unknown => None,
        }
    }
}

/// One order's state as a webhook tells it. Absent fields are null in JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct OrderSummary {
    /// The provider's id of the order.
    pub order_id: Option<String>,
    /// The merchant-facing order number.
    pub order_number: Option<String>,
    /// The provider's raw status value, as a string.
    pub status: Option<String>,
    /// The provider-neutral stage of `status`.
    pub status_category: Option<Category>,
    /// The status before this change, when the event says.
    pub previous_status: Option<String>,
    /// The payment status.
    pub payment_status: Option<String>,
    /// The payment status before this change, when the event says.
    pub previous_payment_status: Option<String>,
    /// The customer-facing tracking number.
    pub tracking_number: Option<String>,
    /// The customer-facing tracking URL.
    pub tracking_url: Option<String>,
    /// The order total, as the payload's own digits (a decimal string).
    pub total_amount: Option<String>,
    /// ISO 4217 currency code, upper case.
    pub currency: Option<String>,
    /// The customer's name.
    pub customer_name: Option<String>,
    /// The customer's e-mail.
    pub customer_email: Option<String>,
    /// How many line items the order has.
    pub items_count: Option<u64>,
    /// When the event happened, RFC 3339 (no offset when the payload has no zone).
    pub occurred_at: Option<String>,
    /// Event specifics: a note, a custom status name, a refund amount, a
    /// carrier code that is not for customers, ... In JSON, an object of
    /// `key: value`.
    #[serde(serialize_with = "details_as_map")]
    pub details: Vec<Detail>,
}

/// One event-specific fact of a summary.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Detail {
    /// Machine name, the key in JSON (`carrier_tracking_code`).
    pub key: &'static str,
    /// Human label (`carrier tracking code (not for customers)`).
    pub label: &'static str,
    /// The value.
    pub value: String,
    /// A caution shown beside the value to people (`not for customers`).
    pub remark: Option<&'static str>,
}

impl OrderSummary {
    /// Adds a detail when the value is present.
    pub fn detail(&mut self, key: &'static str, label: &'static str, value: Option<String>) {
        if let Some(value) = value {
            self.details.push(Detail {
                key,
                label,
                value,
                remark: None,
            });
        }
    }

    /// Adds a detail with a caution for people reading it.
    pub fn detail_with_remark(
        &mut self,
        key: &'static str,
        label: &'static str,
        value: Option<String>,
        remark: &'static str,
    ) {
        if let Some(value) = value {
            self.details.push(Detail {
                key,
                label,
                value,
                remark: Some(remark),
            });
        }
    }
}

fn details_as_map<S: serde::Serializer>(
    details: &[Detail],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let map: BTreeMap<&str, &str> = details.iter().map(|d| (d.key, d.value.as_str())).collect();
    map.serialize(serializer)
}

/// A value as text: strings as they are, numbers with their own digits.
pub fn text(value: Option<Node<'_>>) -> Option<String> {
    let value = value?;
    if let Some(s) = value.as_str() {
        return (!s.is_empty()).then(|| s.into_owned());
    }
    value
        .number()
        .map(str::to_string)
        .or_else(|| value.as_bool().map(|b| b.to_string()))
}

/// The value at a JSON pointer, as text.
pub fn text_at<'a>(body: impl Into<Option<Node<'a>>>, pointer: &str) -> Option<String> {
    text(body.into()?.pointer(pointer))
}

/// Upper-cases a currency code.
pub fn currency(value: Option<String>) -> Option<String> {
    value.map(|c| c.to_ascii_uppercase())
}

/// Normalises a timestamp value in one of `formats` to RFC 3339 text (the
/// text as it is when it has none of them).
pub fn occurred(value: Option<Node<'_>>, formats: &[timestamp::Format]) -> Option<String> {
    let raw = value?.as_str()?;
    Some(timestamp::parse(&raw, formats).map_or_else(|| raw.into_owned(), |o| o.text))
}

/// Joins non-empty name parts with a space.
pub fn full_name(parts: &[Option<String>]) -> Option<String> {
    let joined: Vec<&str> = parts
        .iter()
        .flatten()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    (!joined.is_empty()).then(|| joined.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::doc::Doc;
    use serde_json::json;

    #[test]
    fn numbers_keep_their_digits() {
        let doc = Doc::parse_str(r#"{"a": 330.10, "b": 0.1, "c": 12345678901234567890.05}"#);
        let body = doc.as_ref().ok().map(Doc::root);
        assert_eq!(text_at(body, "/a").as_deref(), Some("330.10"));
        assert_eq!(text_at(body, "/b").as_deref(), Some("0.1"));
        assert_eq!(
            text_at(body, "/c").as_deref(),
            Some("12345678901234567890.05")
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(currency(Some("cad".into())).as_deref(), Some("CAD"));
        assert_eq!(
            full_name(&[
                Some("Geeks".into()),
                None,
                Some("".into()),
                Some("Snipcart".into())
            ])
            .as_deref(),
            Some("Geeks Snipcart")
        );
        assert_eq!(full_name(&[None]), None);
        let empty = Doc::from_value(&json!(""));
        assert_eq!(text(Some(empty.root())), None);
        let time = Doc::from_value(&json!("2023-01-01T12:00:00.0000000"));
        assert_eq!(
            occurred(Some(time.root()), &[timestamp::Format::Iso8601]).as_deref(),
            Some("2023-01-01T12:00:00")
        );
    }

    #[test]
    fn category_progress_orders_the_main_path() {
        assert!(Category::Pending.progress() < Category::Shipped.progress());
        assert_eq!(Category::Cancelled.progress(), None);
    }
}
