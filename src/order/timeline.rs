//! Timelines: payloads grouped by order, ordered by when they happened,
//! with the status progression and two delivery problems flagged:
//! - a retry: the same event delivered twice (same delivery id where the
//!   provider gives one, otherwise the same event with the same summary);
//! - an out-of-order delivery: a payload that arrived (input order) after
//!   one that happened later.
//!
//! A status whose stage goes backwards in time is flagged too. Nothing here prints.

use crate::check::record::Status;
use crate::model::problem::Problem;
use crate::model::summary::{Category, OrderSummary};
use crate::model::timestamp;
use crate::providers::Handle;
use serde::Serialize;
use std::collections::HashMap;

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
    /// How it fared against its schema.
    pub verdict: Verdict,
}

/// How a delivery fared against its schema, carried into its timeline
/// entry so that an invalid payload is marked where it sits in the history.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// As in records: true when valid, false when invalid, null when no
    /// bundled schema checked it.
    pub valid: Option<bool>,
    /// The outcome in one word, as in records (`valid`, `invalid`,
    /// `unchecked`). `status` stays the order's status.
    pub verdict: Status,
    /// How many errors the payload has.
    pub error_count: usize,
    /// The first of them, with its pointer, line and column.
    pub first_error: Option<Problem>,
}

impl Verdict {
    /// A delivery that matched its schema.
    pub fn valid() -> Self {
        Self {
            valid: Some(true),
            verdict: Status::Valid,
            error_count: 0,
            first_error: None,
        }
    }
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
    /// The payload's own verdict: `valid`, `verdict`, `error_count`,
    /// `first_error`.
    #[serde(flatten)]
    pub check: Verdict,
}

impl Entry {
    /// A delivery's entry, with the flags its place in the history earned.
    fn of(delivery: &Delivery, flags: Vec<Flag>) -> Self {
        Entry {
            source: delivery.source.clone(),
            event: delivery.event.clone(),
            occurred_at: delivery.summary.occurred_at.clone(),
            status: delivery.summary.status.clone(),
            status_category: delivery.summary.status_category,
            previous_status: delivery.summary.previous_status.clone(),
            payment_status: delivery.summary.payment_status.clone(),
            flags,
            check: delivery.verdict.clone(),
        }
    }
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
    let mut index: HashMap<OrderKey, usize> = HashMap::new();
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

/// One order's timeline. Every step is a lookup or a binary search, so an
/// order of n deliveries costs n log n (issue 16: 50,000 deliveries of one
/// order were quadratic).
fn timeline(provider: Handle, order_id: Option<String>, list: Vec<(usize, Delivery)>) -> Timeline {
    // `list` is in arrival order; each delivery's sort key is computed once.
    let keys: Vec<(Option<jiff::Timestamp>, String)> = list
        .iter()
        .map(|(_, d)| sort_key(d.summary.occurred_at.as_deref()))
        .collect();
    // For "arrived after one that happened later": the latest key among the
    // first j arrivals, non-decreasing, so the first arrival later than a
    // key is found by binary search.
    let mut latest: Vec<usize> = Vec::with_capacity(keys.len());
    for (j, key) in keys.iter().enumerate() {
        let best = match latest.last() {
            Some(&b) if keys[b] >= *key => b,
            _ => j,
        };
        latest.push(best);
    }
    let mut order: Vec<usize> = (0..list.len()).collect();
    order.sort_by(|&x, &y| keys[x].cmp(&keys[y]).then(list[x].0.cmp(&list[y].0)));
    let order_number = order
        .iter()
        .rev()
        .find_map(|&i| list[i].1.summary.order_number.clone());
    let mut entries: Vec<Entry> = Vec::with_capacity(list.len());
    // The first delivery seen (in time order) by delivery id, and by content
    // (event and summary) among those with and without an id.
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut by_content_with_id: HashMap<(&str, &OrderSummary), usize> = HashMap::new();
    let mut by_content_without_id: HashMap<(&str, &OrderSummary), usize> = HashMap::new();
    let mut furthest: Option<(u8, String)> = None;
    for (rank, &i) in order.iter().enumerate() {
        let delivery = &list[i].1;
        let content = (delivery.event.as_str(), &delivery.summary);
        let mut flags = Vec::new();
        // `same_event`: ids decide when both have one, content otherwise.
        let first = match &delivery.delivery_id {
            Some(id) => [by_id.get(id.as_str()), by_content_without_id.get(&content)]
                .into_iter()
                .flatten()
                .min(),
            None => [
                by_content_with_id.get(&content),
                by_content_without_id.get(&content),
            ]
            .into_iter()
            .flatten()
            .min(),
        };
        if let Some(&first) = first {
            flags.push(Flag {
                kind: FlagKind::Retry,
                message: format!(
                    "the same {} as {}, delivered again",
                    delivery.event, list[order[first]].1.source
                ),
            });
        }
        // a retry arriving late is explained by being a retry
        if flags.is_empty() && i > 0 && keys[latest[i - 1]] > keys[i] {
            let earlier = latest[..i].partition_point(|&b| keys[b] <= keys[i]);
            flags.push(Flag {
                kind: FlagKind::OutOfOrder,
                message: format!(
                    "arrived after {}, which happened later",
                    list[latest[earlier]].1.source
                ),
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
        match &delivery.delivery_id {
            Some(id) => {
                by_id.entry(id.as_str()).or_insert(rank);
                by_content_with_id.entry(content).or_insert(rank);
            }
            None => {
                by_content_without_id.entry(content).or_insert(rank);
            }
        }
        entries.push(Entry::of(delivery, flags));
    }
    Timeline {
        provider,
        order_id,
        order_number,
        entries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The timeline as it was computed before (a linear search per
    /// delivery): the reference the n log n one must agree with.
    fn quadratic(
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
            entries.push(Entry::of(delivery, flags));
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

    /// Random orders of deliveries with few distinct times, ids and
    /// contents (so retries, ties and late arrivals are common) get the
    /// same entries and flags from both.
    #[test]
    fn agrees_with_the_quadratic_reference() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let categories = [
            Category::Processing,
            Category::Shipped,
            Category::Delivered,
            Category::Cancelled,
        ];
        for _ in 0..300 {
            let n = 1 + next(40) as usize;
            let list: Vec<(usize, Delivery)> = (0..n)
                .map(|a| {
                    let id = match next(3) {
                        0 => None,
                        _ => Some(format!("e{}", next(6))),
                    };
                    let at = match next(5) {
                        0 => "not a time".to_string(),
                        h => format!("2024-03-12T1{h}:00:00+00:00"),
                    };
                    let category = categories[next(4) as usize];
                    let d = delivery(
                        &format!("{a}.json"),
                        "A",
                        &format!("s{}", next(2)),
                        category,
                        &at,
                        id.as_deref(),
                    );
                    (a, d)
                })
                .collect();
            let fast = timeline(list[0].1.provider, Some("A".into()), list.clone());
            let slow = quadratic(list[0].1.provider, Some("A".into()), list);
            let show = |t: &Timeline| -> Vec<(String, Vec<Flag>)> {
                t.entries
                    .iter()
                    .map(|e| (e.source.clone(), e.flags.clone()))
                    .collect()
            };
            assert_eq!(show(&fast), show(&slow));
            assert_eq!(fast.order_number, slow.order_number);
        }
    }

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
            verdict: Verdict::valid(),
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
