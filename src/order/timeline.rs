//! Timelines: payloads grouped by order, ordered by when they happened,
//! with the status progression and two delivery problems flagged:
//! - a retry: the same event delivered twice (same delivery id where the
//!   provider gives one, otherwise the same event with the same summary);
//! - an out-of-order delivery: a payload that arrived (input order) after
//!   one that happened later.
//!
//! A status whose stage goes backwards in time is flagged too. Nothing here prints.

use crate::model::summary::{Category, OrderSummary};
use crate::model::timestamp;
use crate::providers::Handle;
use serde::Serialize;

/// One payload's contribution to a timeline.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Where it came from.
    pub source: String,
    /// The provider.
    pub provider: Handle,
    /// The event.
    pub event: String,
    /// Its summary.
    pub summary: OrderSummary,
    /// The provider's id for this delivery, if it gives one.
    pub delivery_id: Option<String>,
}

/// One entry of an order's timeline.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Where the payload came from.
    pub source: String,
    /// The event.
    pub event: String,
    /// When it happened (RFC 3339, or without zone when the payload has none).
    pub occurred_at: Option<String>,
    /// The status after this event.
    pub status: Option<String>,
    /// Its stage.
    pub status_category: Option<Category>,
    /// The status before, when the event says.
    pub previous_status: Option<String>,
    /// The payment status after this event.
    pub payment_status: Option<String>,
    /// Delivery problems: `retry`, `out_of_order`, `status_backwards`.
    pub flags: Vec<Flag>,
}

/// What kind of delivery problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// The same event delivered again.
    Retry,
    /// Arrived after a payload that happened later.
    OutOfOrder,
    /// The status went back from a later stage.
    StatusBackwards,
}

impl std::fmt::Display for FlagKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FlagKind::Retry => "retry",
            FlagKind::OutOfOrder => "out_of_order",
            FlagKind::StatusBackwards => "status_backwards",
        })
    }
}

/// A delivery problem spotted on an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// `retry`, `out_of_order` or `status_backwards`.
    pub kind: FlagKind,
    /// What it means here, naming the other payload.
    pub message: String,
}

/// One order's history.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    /// The provider.
    pub provider: Handle,
    /// The order id.
    pub order_id: Option<String>,
    /// The merchant-facing order number, from the latest payload that has one.
    pub order_number: Option<String>,
    /// Entries in the order the events happened.
    pub entries: Vec<Entry>,
}

/// The sort key of a timestamp: the instant when the zone is known, else
/// the civil text (payloads of one provider share a shape, so this orders them).
fn sort_key(occurred_at: Option<&str>) -> (Option<jiff::Timestamp>, String) {
    let text = occurred_at.unwrap_or_default().to_string();
    (timestamp::normalize(&text).and_then(|o| o.instant), text)
}

/// An order: its provider and id.
type OrderKey = (Handle, Option<String>);

/// Builds the timelines of `deliveries`, given in arrival (input) order.
/// Orders come out in the order their first payload arrived.
pub fn build(deliveries: Vec<Delivery>) -> Vec<Timeline> {
    let mut groups: Vec<(OrderKey, Vec<(usize, Delivery)>)> = Vec::new();
    // Where each order's group is: a linear search here made 50,000
    // deliveries quadratic.
    let mut index: std::collections::HashMap<OrderKey, usize> = std::collections::HashMap::new();
    for (arrival, delivery) in deliveries.into_iter().enumerate() {
        let key = (delivery.provider, delivery.summary.order_id.clone());
        match index.get(&key) {
            Some(&at) => groups[at].1.push((arrival, delivery)),
            None => {
                index.insert(key.clone(), groups.len());
                groups.push((key, vec![(arrival, delivery)]));
            }
        }
    }
    groups
        .into_iter()
        .map(|((provider, order_id), list)| timeline(provider, order_id, list))
        .collect()
}

fn timeline(
    provider: Handle,
    order_id: Option<String>,
    mut list: Vec<(usize, Delivery)>,
) -> Timeline {
    let arrived: Vec<(usize, String, (Option<jiff::Timestamp>, String))> = list
        .iter()
        .map(|(a, d)| {
            (
                *a,
                d.source.clone(),
                sort_key(d.summary.occurred_at.as_deref()),
            )
        })
        .collect();
    list.sort_by(|(a1, d1), (a2, d2)| {
        sort_key(d1.summary.occurred_at.as_deref())
            .cmp(&sort_key(d2.summary.occurred_at.as_deref()))
            .then(a1.cmp(a2))
    });
    let order_number = list
        .iter()
        .rev()
        .find_map(|(_, d)| d.summary.order_number.clone());
    let mut entries: Vec<Entry> = Vec::new();
    let mut seen: Vec<(&Delivery, usize)> = Vec::new();
    let mut furthest: Option<(u8, String)> = None;
    for (arrival, delivery) in &list {
        let mut flags = Vec::new();
        if let Some((first, _)) = seen.iter().find(|(s, _)| same_event(s, delivery)) {
            flags.push(Flag {
                kind: FlagKind::Retry,
                message: format!(
                    "the same {} as {}, delivered again",
                    delivery.event, first.source
                ),
            });
        }
        let key = sort_key(delivery.summary.occurred_at.as_deref());
        // a retry arriving late is explained by being a retry
        let late = flags
            .is_empty()
            .then(|| arrived.iter().find(|(a, _, k)| a < arrival && *k > key))
            .flatten();
        if let Some((_, earlier, _)) = late {
            flags.push(Flag {
                kind: FlagKind::OutOfOrder,
                message: format!("arrived after {earlier}, which happened later"),
            });
        }
        let progress = delivery
            .summary
            .status_category
            .and_then(Category::progress);
        if let (Some(p), Some((best, source))) = (progress, &furthest)
            && p < *best
        {
            flags.push(Flag {
                kind: FlagKind::StatusBackwards,
                message: format!("status went back from a later stage seen in {source}"),
            });
        }
        if let Some(p) = progress
            && furthest.as_ref().is_none_or(|(best, _)| p > *best)
        {
            furthest = Some((p, delivery.source.clone()));
        }
        seen.push((delivery, *arrival));
        entries.push(Entry {
            source: delivery.source.clone(),
            event: delivery.event.clone(),
            occurred_at: delivery.summary.occurred_at.clone(),
            status: delivery.summary.status.clone(),
            status_category: delivery.summary.status_category,
            previous_status: delivery.summary.previous_status.clone(),
            payment_status: delivery.summary.payment_status.clone(),
            flags,
        });
    }
    Timeline {
        provider,
        order_id,
        order_number,
        entries,
    }
}

/// Two deliveries of one event: the same delivery id when both have one,
/// otherwise the same event with an identical summary.
fn same_event(a: &Delivery, b: &Delivery) -> bool {
    match (&a.delivery_id, &b.delivery_id) {
        (Some(x), Some(y)) => x == y,
        _ => a.event == b.event && a.summary == b.summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(
        source: &str,
        order: &str,
        status: &str,
        category: Category,
        at: &str,
        id: Option<&str>,
    ) -> Delivery {
        Delivery {
            source: source.into(),
            provider: Handle(&crate::providers::logitrail::Logitrail),
            event: "order.info.change".into(),
            summary: OrderSummary {
                order_id: Some(order.into()),
                status: Some(status.into()),
                status_category: Some(category),
                occurred_at: Some(at.into()),
                ..OrderSummary::default()
            },
            delivery_id: id.map(str::to_string),
        }
    }

    #[test]
    fn groups_orders_sorts_by_time_and_flags_problems() {
        let timelines = build(vec![
            delivery(
                "1.json",
                "A",
                "confirmed",
                Category::Processing,
                "2024-03-12T10:00:00+00:00",
                Some("e1"),
            ),
            delivery(
                "2.json",
                "B",
                "passive",
                Category::Pending,
                "2024-03-12T09:00:00+00:00",
                Some("e9"),
            ),
            delivery(
                "3.json",
                "A",
                "processed",
                Category::Shipped,
                "2024-03-12T12:00:00+00:00",
                Some("e3"),
            ),
            delivery(
                "4.json",
                "A",
                "waiting_products",
                Category::OnHold,
                "2024-03-12T11:00:00+02:00",
                Some("e2"),
            ),
            delivery(
                "5.json",
                "A",
                "confirmed",
                Category::Processing,
                "2024-03-12T10:00:00+00:00",
                Some("e1"),
            ),
        ]);
        assert_eq!(timelines.len(), 2);
        let a = &timelines[0];
        let order: Vec<&str> = a.entries.iter().map(|e| e.source.as_str()).collect();
        // 4.json happened at 09:00 UTC: first, although it arrived fourth
        assert_eq!(order, vec!["4.json", "1.json", "5.json", "3.json"]);
        let flags = |s: &str| -> Vec<FlagKind> {
            a.entries
                .iter()
                .find(|e| e.source == s)
                .map(|e| e.flags.iter().map(|f| f.kind).collect())
                .unwrap_or_default()
        };
        assert_eq!(flags("4.json"), vec![FlagKind::OutOfOrder]);
        assert_eq!(flags("5.json"), vec![FlagKind::Retry]);
        assert!(flags("1.json").is_empty());
        assert!(flags("3.json").is_empty());
    }

    #[test]
    fn backwards_status_is_flagged() {
        let t = build(vec![
            delivery(
                "1.json",
                "A",
                "processed",
                Category::Shipped,
                "2024-03-12T10:00:00+00:00",
                None,
            ),
            delivery(
                "2.json",
                "A",
                "confirmed",
                Category::Processing,
                "2024-03-12T11:00:00+00:00",
                None,
            ),
        ]);
        assert_eq!(
            t[0].entries[1].flags.first().map(|f| f.kind),
            Some(FlagKind::StatusBackwards)
        );
    }
}
