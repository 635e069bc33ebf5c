//! Diff: what changed between two payloads of the same order — the
//! normalised summary field by field, then the raw body by JSON pointer.
//!
//! Arrays whose elements all carry a distinct identity (`id`, `uniqueId` or
//! `token`: items, shipments, parcels) are matched by it, not by position,
//! so an inserted item is one addition rather than a cascade of changes.
//! Pointers listed as ignored (delivery metadata) are left out. Nothing here
//! prints.

use crate::check::detect::{self, Overrides};
use crate::ingest::payload::Payload;
use crate::model::doc::{Kind as Shape, Node};
use crate::model::summary::OrderSummary;
use crate::providers::Handle;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A change of one summary field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The summary field (`status`, `tracking_number`, or `details.<key>`).
    pub field: String,
    /// The value before, null when absent.
    pub before: Option<String>,
    /// The value after, null when absent.
    pub after: Option<String>,
}

/// What happened at one pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Only in the new payload.
    Added,
    /// Only in the old payload.
    Removed,
    /// In both, with different values.
    Changed,
}

/// A change of the raw body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawChange {
    /// Where: the new payload's pointer (the old one's for removals).
    pub pointer: String,
    /// Added, removed or changed.
    pub kind: Kind,
    /// The old value (null for additions).
    pub before: Option<Value>,
    /// The new value (null for removals).
    pub after: Option<Value>,
}

/// The comparison of two payloads of one order.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    /// The old payload's source.
    pub old: String,
    /// The new payload's source.
    pub new: String,
    /// The provider of both.
    pub provider: Handle,
    /// The old payload's event.
    pub old_event: String,
    /// The new payload's event.
    pub new_event: String,
    /// The order's id (the new payload's).
    pub order_id: Option<String>,
    /// Things to know, e.g. that the order ids differ.
    pub warnings: Vec<String>,
    /// Summary fields that changed.
    pub changes: Vec<Change>,
    /// Raw fields that changed, by JSON pointer.
    pub raw_changes: Vec<RawChange>,
}

impl DiffReport {
    /// Whether anything differs (diff(1)'s exit 1).
    pub fn differs(&self) -> bool {
        !self.changes.is_empty() || !self.raw_changes.is_empty()
    }
}

/// Compares two payloads: both must be recognised and of one provider.
/// Delivery metadata is left out unless `all`.
pub fn compare(
    old: &Payload,
    new: &Payload,
    overrides: Overrides<'_>,
    all: bool,
) -> anyhow::Result<DiffReport> {
    let detect = |p: &Payload| {
        detect::detect(p.body(), overrides).ok_or_else(|| {
            anyhow::anyhow!(
                "{}: not a recognised webhook (use --provider to say whose it is)",
                p.source
            )
        })
    };
    let (a, b) = (detect(old)?, detect(new)?);
    if a.provider != b.provider {
        anyhow::bail!(
            "{} is a {} payload but {} is a {} payload: diff compares two payloads of one order",
            old.source,
            a.provider,
            new.source,
            b.provider
        );
    }
    let provider = a.provider;
    let before = provider.summarize(&a.event, old.body());
    let after = provider.summarize(&b.event, new.body());
    let mut warnings = Vec::new();
    if let (Some(x), Some(y)) = (&before.order_id, &after.order_id)
        && x != y
    {
        warnings.push(format!(
            "the order ids differ ({x} and {y}): are these the same order?"
        ));
    }
    let ignored = if all {
        &[][..]
    } else {
        provider.delivery_metadata()
    };
    Ok(DiffReport {
        old: old.source.clone(),
        new: new.source.clone(),
        provider: a.provider,
        old_event: a.event,
        new_event: b.event,
        order_id: after.order_id.clone().or_else(|| before.order_id.clone()),
        warnings,
        changes: summary_changes(&before, &after),
        raw_changes: raw_changes(
            old.body(),
            new.body(),
            Rules {
                ignored,
                identity_keys: provider.identity_keys(),
            },
        ),
    })
}

/// What a raw comparison leaves out and how it matches array elements: the
/// provider's knowledge (`Provider::delivery_metadata`, `identity_keys`).
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    /// Pointers left out, with everything below them.
    pub ignored: &'a [&'a str],
    /// Keys that identify an array element across versions, in order of
    /// preference.
    pub identity_keys: &'a [&'a str],
}

impl Rules<'static> {
    /// No provider's knowledge: nothing ignored, elements matched by `id`.
    pub const GENERIC: Rules<'static> = Rules {
        ignored: &[],
        identity_keys: &["id"],
    };
}

/// The summary fields that differ.
pub fn summary_changes(old: &OrderSummary, new: &OrderSummary) -> Vec<Change> {
    let (Ok(Value::Object(a)), Ok(Value::Object(b))) =
        (serde_json::to_value(old), serde_json::to_value(new))
    else {
        return Vec::new();
    };
    let mut changes = Vec::new();
    for (field, before) in &a {
        let after = b.get(field).unwrap_or(&Value::Null);
        if field == "details" {
            detail_changes(before, after, &mut changes);
        } else if before != after {
            changes.push(Change {
                field: field.clone(),
                before: scalar_text(before),
                after: scalar_text(after),
            });
        }
    }
    changes
}

fn detail_changes(before: &Value, after: &Value, changes: &mut Vec<Change>) {
    let empty = Map::new();
    let a = before.as_object().unwrap_or(&empty);
    let b = after.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let (x, y) = (
            a.get(key).unwrap_or(&Value::Null),
            b.get(key).unwrap_or(&Value::Null),
        );
        if x != y {
            changes.push(Change {
                field: format!("details.{key}"),
                before: scalar_text(x),
                after: scalar_text(y),
            });
        }
    }
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Where a value is in the old and in the new document: the same except
/// below array elements matched by id whose index moved.
#[derive(Clone)]
struct Paths {
    old: String,
    new: String,
}

impl Paths {
    fn child(&self, old: &str, new: &str) -> Paths {
        Paths {
            old: format!("{}/{old}", self.old),
            new: format!("{}/{new}", self.new),
        }
    }
}

/// Pending work of the diff walk: compare two values, or report a change.
enum Work<'v> {
    Compare(Paths, Node<'v>, Node<'v>),
    Report(RawChange),
}

/// The raw changes from `old` to `new` in document order, leaving out the
/// `ignored` pointers (and everything below them). Walks with an explicit
/// stack, so deep documents cannot overflow the call stack.
pub fn raw_changes(old: Node<'_>, new: Node<'_>, rules: Rules<'_>) -> Vec<RawChange> {
    let is_ignored = |pointer: &str| {
        rules.ignored.iter().any(|i| {
            pointer == *i
                || pointer
                    .strip_prefix(i)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    };
    let mut changes = Vec::new();
    let root = Paths {
        old: String::new(),
        new: String::new(),
    };
    let mut stack = vec![Work::Compare(root, old, new)];
    while let Some(work) = stack.pop() {
        let (paths, a, b) = match work {
            Work::Report(change) => {
                changes.push(change);
                continue;
            }
            Work::Compare(paths, a, b) => (paths, a, b),
        };
        if is_ignored(&paths.new) {
            continue;
        }
        let mut next = Vec::new();
        match (a.kind(), b.kind()) {
            (Shape::Object, Shape::Object) => compare_objects(&paths, a, b, &mut next),
            (Shape::Array, Shape::Array) => {
                compare_arrays(&paths, a, b, rules.identity_keys, &mut next);
            }
            _ if !same(a, b) => next.push(Work::Report(change(
                paths.new.clone(),
                Kind::Changed,
                Some(a),
                Some(b),
            ))),
            _ => {}
        }
        // reversed so that the stack pops them in document order
        stack.extend(next.into_iter().rev());
    }
    changes.retain(|c| !is_ignored(&c.pointer));
    changes
}

/// Whether two values that are not both objects or both arrays are equal
/// as `Value`s are: same kind, same text (numbers keep their digits).
fn same(a: Node<'_>, b: Node<'_>) -> bool {
    match (a.kind(), b.kind()) {
        (Shape::String, Shape::String) => a.as_str() == b.as_str(),
        (Shape::Number, Shape::Number) => a.number() == b.number(),
        (x, y) => x == y && !matches!(x, Shape::Object | Shape::Array),
    }
}

fn change(
    pointer: String,
    kind: Kind,
    before: Option<Node<'_>>,
    after: Option<Node<'_>>,
) -> RawChange {
    RawChange {
        pointer,
        kind,
        before: before.map(Node::to_value),
        after: after.map(Node::to_value),
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn compare_objects<'v>(paths: &Paths, x: Node<'v>, y: Node<'v>, next: &mut Vec<Work<'v>>) {
    for (key, a) in x.members() {
        let here = paths.child(&escape(&key), &escape(&key));
        next.push(match y.get(&key) {
            Some(b) => Work::Compare(here, a, b),
            None => Work::Report(change(here.old, Kind::Removed, Some(a), None)),
        });
    }
    for (key, b) in y.members() {
        if x.get(&key).is_none() {
            let here = paths.child(&escape(&key), &escape(&key));
            next.push(Work::Report(change(here.new, Kind::Added, None, Some(b))));
        }
    }
}

/// The identity of every element under one key, if all elements have a
/// distinct one.
fn identities<'k>(items: &[Node<'_>], keys: &[&'k str]) -> Option<(&'k str, Vec<String>)> {
    keys.iter().find_map(|key| {
        let ids: Option<Vec<String>> = items
            .iter()
            .map(|item| {
                item.get(key)
                    .filter(|v| !v.is_null())
                    .map(|v| v.to_value().to_string())
            })
            .collect();
        let ids = ids?;
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        (unique.len() == ids.len()).then_some((*key, ids))
    })
}

fn compare_arrays<'v>(
    paths: &Paths,
    x: Node<'v>,
    y: Node<'v>,
    keys: &[&str],
    next: &mut Vec<Work<'v>>,
) {
    let x: Vec<Node<'v>> = x.elements().collect();
    let y: Vec<Node<'v>> = y.elements().collect();
    let matched = match (identities(&x, keys), identities(&y, keys)) {
        (Some((kx, ix)), Some((ky, iy))) if kx == ky && !x.is_empty() && !y.is_empty() => {
            Some((ix, iy))
        }
        _ => None,
    };
    let Some((old_ids, new_ids)) = matched else {
        for i in 0..x.len().max(y.len()) {
            let here = paths.child(&i.to_string(), &i.to_string());
            next.push(match (x.get(i), y.get(i)) {
                (Some(a), Some(b)) => Work::Compare(here, *a, *b),
                (Some(a), None) => Work::Report(change(here.old, Kind::Removed, Some(*a), None)),
                (None, b) => Work::Report(change(here.new, Kind::Added, None, b.copied())),
            });
        }
        return;
    };
    let new_index: HashMap<&String, usize> =
        new_ids.iter().enumerate().map(|(i, id)| (id, i)).collect();
    let old_index: HashMap<&String, usize> =
        old_ids.iter().enumerate().map(|(i, id)| (id, i)).collect();
    // walk the new order; removed elements come after, at their old index
    for (j, id) in new_ids.iter().enumerate() {
        let (Some(&b), at) = (y.get(j), old_index.get(id)) else {
            continue;
        };
        next.push(match at.and_then(|&i| x.get(i).map(|a| (i, *a))) {
            Some((i, a)) => Work::Compare(paths.child(&i.to_string(), &j.to_string()), a, b),
            None => Work::Report(change(
                format!("{}/{j}", paths.new),
                Kind::Added,
                None,
                Some(b),
            )),
        });
    }
    for (i, id) in old_ids.iter().enumerate() {
        if let (false, Some(&a)) = (new_index.contains_key(id), x.get(i)) {
            next.push(Work::Report(change(
                format!("{}/{i}", paths.old),
                Kind::Removed,
                Some(a),
                None,
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::doc::Doc;
    use serde_json::json;

    /// `raw_changes` between two values, each parsed as a document.
    fn raw(old: &Value, new: &Value, rules: Rules<'_>) -> Vec<RawChange> {
        let (old, new) = (Doc::from_value(old), Doc::from_value(new));
        raw_changes(old.root(), new.root(), rules)
    }

    #[test]
    fn identical_documents_have_no_changes() {
        let v = json!({"a": [1, {"id": 1}], "b": {"c": null}});
        assert!(raw(&v, &v, Rules::GENERIC).is_empty());
    }

    #[test]
    fn reports_added_removed_changed_in_document_order() {
        let old = json!({"status": "confirmed", "gone": 1, "nested": {"x": 1}});
        let new = json!({"status": "processed", "nested": {"x": 2}, "new/key": true});
        let got: Vec<(String, Kind)> = raw(&old, &new, Rules::GENERIC)
            .into_iter()
            .map(|c| (c.pointer, c.kind))
            .collect();
        assert!(got.contains(&("/status".into(), Kind::Changed)));
        assert!(got.contains(&("/gone".into(), Kind::Removed)));
        assert!(got.contains(&("/nested/x".into(), Kind::Changed)));
        assert!(got.contains(&("/new~1key".into(), Kind::Added)));
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn arrays_with_ids_are_matched_by_id() {
        let old = json!({"items": [{"id": "a", "q": 1}, {"id": "b", "q": 1}]});
        let new = json!({"items": [{"id": "z", "q": 5}, {"id": "a", "q": 1}, {"id": "b", "q": 2}]});
        let got: Vec<(String, Kind)> = raw(&old, &new, Rules::GENERIC)
            .into_iter()
            .map(|c| (c.pointer, c.kind))
            .collect();
        assert_eq!(
            got,
            vec![
                ("/items/0".into(), Kind::Added),
                ("/items/2/q".into(), Kind::Changed),
            ]
        );
    }

    #[test]
    fn removals_inside_a_moved_element_point_into_the_old_document() {
        // found by the property test: element id 3 moved from index 0 to 1
        let old = json!([{"id": 3, "v": [null]}]);
        let new = json!([{"id": 0, "v": null}, {"id": 3, "v": []}]);
        let got = raw(&old, &new, Rules::GENERIC);
        let removed = got
            .iter()
            .find(|c| c.kind == Kind::Removed)
            .map(|c| c.pointer.as_str());
        assert_eq!(removed, Some("/0/v/0"));
        assert_eq!(old.pointer("/0/v/0"), Some(&Value::Null));
    }

    #[test]
    fn ignored_pointers_are_left_out() {
        let old = json!({"event_id": "1", "retry_count": 0, "payload": {"s": 1}});
        let new = json!({"event_id": "2", "retry_count": 1, "payload": {"s": 2}});
        let got = raw(
            &old,
            &new,
            Rules {
                ignored: &["/event_id", "/retry_count"],
                ..Rules::GENERIC
            },
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].pointer, "/payload/s");
    }

    #[test]
    fn summary_changes_name_fields_and_details() {
        let mut a = OrderSummary {
            status: Some("confirmed".into()),
            ..OrderSummary::default()
        };
        let mut b = OrderSummary {
            status: Some("processed".into()),
            tracking_number: Some("JJFI1".into()),
            ..OrderSummary::default()
        };
        a.detail("note", "note", Some("x".into()));
        b.detail("note", "note", Some("y".into()));
        let got: Vec<(String, Option<String>, Option<String>)> = summary_changes(&a, &b)
            .into_iter()
            .map(|c| (c.field, c.before, c.after))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "status".into(),
                    Some("confirmed".into()),
                    Some("processed".into())
                ),
                ("tracking_number".into(), None, Some("JJFI1".into())),
                ("details.note".into(), Some("x".into()), Some("y".into())),
            ]
        );
    }
}
