//! Properties of `whi diff`'s raw comparison over arbitrary JSON:
//! a document never differs from itself, every reported change is real
//! (the values it shows are the values at its pointers), and documents that
//! differ always report something.

use proptest::prelude::*;
use serde_json::{Map, Value};
use whi::model::doc::Doc;
use whi::order::diff::{Kind, Rules, raw_changes};

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-1000i64..1000).prop_map(Value::from),
        "[a-z/~é]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(("[a-c/~]{1,3}", inner.clone()), 0..5)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
            // arrays of objects with ids, as items and shipments are
            prop::collection::vec((0u8..6, inner), 0..5).prop_map(|items| {
                let mut seen = std::collections::HashSet::new();
                Value::Array(
                    items
                        .into_iter()
                        .filter(|(id, _)| seen.insert(*id))
                        .map(|(id, v)| serde_json::json!({"id": id, "v": v}))
                        .collect(),
                )
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_document_never_differs_from_itself(a in json()) {
        prop_assert!(raw_changes(Doc::from_value(&a).root(), Doc::from_value(&a).root(), Rules::GENERIC).is_empty());
    }

    #[test]
    fn every_reported_change_is_real(a in json(), b in json()) {
        let changes = raw_changes(Doc::from_value(&a).root(), Doc::from_value(&b).root(), Rules::GENERIC);
        if a != b {
            prop_assert!(!changes.is_empty(), "{a} vs {b} reported nothing");
        }
        for c in &changes {
            match c.kind {
                Kind::Added => {
                    prop_assert_eq!(b.pointer(&c.pointer), c.after.as_ref());
                    prop_assert!(c.before.is_none());
                }
                Kind::Removed => {
                    prop_assert_eq!(a.pointer(&c.pointer), c.before.as_ref());
                    prop_assert!(c.after.is_none());
                }
                Kind::Changed => {
                    prop_assert_eq!(b.pointer(&c.pointer), c.after.as_ref());
                    prop_assert_ne!(&c.before, &c.after);
                }
            }
        }
    }
}
