//! Misspelt fields: a key the schema does not declare that nearly equals a
//! sibling it does (`trackingCode` for `tracking_code`, `refrence_id` for
//! `reference_id`) is a warning, since schemas allow extra keys (providers
//! add fields without notice) and a typo would otherwise pass unseen.
//!
//! "Nearly" means equal up to case and `_`/`-` (camelCase, snake_case,
//! kebab-case), or one edit apart (a letter missing, extra, wrong or two
//! swapped) for keys of four characters or more. Only declared siblings the
//! object lacks are candidates. Which keys an object declares is read from
//! the bundled schema through `explain`'s walker, once per schema and place
//! (array elements share one), for the whole run.

use crate::bundle::{catalog, explain};
use crate::ingest::payload::Payload;
use crate::model::doc::{Kind, Node};
use crate::model::problem::{Problem, ProblemKind};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

/// The keys declared at each place of each schema, `None` where the schema
/// declares none (or the place is not described).
type Declared = HashMap<(String, String), Option<Vec<String>>>;

fn declared(schema: &str, shape: &str) -> Option<Vec<String>> {
    static CACHE: OnceLock<Mutex<Declared>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    let key = (schema.to_string(), shape.to_string());
    if let Some(found) = cache
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
    {
        return found.clone();
    }
    let fields = catalog::find(schema)
        .ok()
        .and_then(|entry| explain::explain_pointer(&entry, shape).ok())
        .map(|explanation| {
            explanation
                .fields
                .into_iter()
                .map(|f| f.name)
                .collect::<Vec<_>>()
        })
        .filter(|fields| !fields.is_empty());
    cache
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(key, fields.clone());
    fields
}

/// The misspelt keys of `payload`, checked against `schema`
/// (`salla/order.created`), as warnings at their values.
pub fn find(payload: &Payload, schema: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    // (pointer in the payload, the same with array indices as 0)
    let mut stack: Vec<(String, String, Node<'_>)> =
        vec![(String::new(), String::new(), payload.body())];
    while let Some((pointer, shape, value)) = stack.pop() {
        match value.kind() {
            Kind::Object => {
                if let Some(fields) = declared(schema, &shape) {
                    for key in value.keys() {
                        if let Some(meant) = misspelling(&key, &fields, value) {
                            let at = format!("{pointer}/{}", escape(&key));
                            problems.push(Problem::at(
                                &at,
                                ProblemKind::MisspeltField,
                                format!("{key} is not documented here: did you mean {meant}?"),
                                payload.position(&at),
                            ));
                        }
                    }
                }
                for (key, child) in value.members() {
                    if child.is_object() || child.is_array() {
                        let key = escape(&key);
                        stack.push((format!("{pointer}/{key}"), format!("{shape}/{key}"), child));
                    }
                }
            }
            Kind::Array => {
                for (i, child) in value.elements().enumerate() {
                    if child.is_object() || child.is_array() {
                        stack.push((format!("{pointer}/{i}"), format!("{shape}/0"), child));
                    }
                }
            }
            _ => {}
        }
    }
    problems
}

/// The declared sibling `key` nearly equals, if `key` is not declared and
/// that sibling is absent from the object.
fn misspelling<'f>(key: &str, fields: &'f [String], object: Node<'_>) -> Option<&'f str> {
    if fields.iter().any(|f| f == key) {
        return None;
    }
    let folded = fold(key);
    fields
        .iter()
        .filter(|f| object.get(f).is_none())
        .find(|f| {
            fold(f) == folded
                || (key.chars().count() >= 4
                    && f.chars().count() >= 4
                    && strsim::damerau_levenshtein(key, f) == 1)
        })
        .map(String::as_str)
}

/// Lower case without `_` and `-`: `trackingCode`, `tracking_code` and
/// `Tracking-Code` fold alike.
fn fold(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A JSON pointer token (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::doc::Doc;
    use serde_json::json;

    fn object(value: &serde_json::Value) -> Doc {
        Doc::from_value(value)
    }

    #[test]
    fn case_separators_and_one_edit_are_misspellings() {
        let fields: Vec<String> = ["tracking_code", "reference_id", "status", "id"]
            .map(String::from)
            .to_vec();
        let empty = object(&json!({}));
        let empty = empty.root();
        assert_eq!(
            misspelling("trackingCode", &fields, empty),
            Some("tracking_code")
        );
        assert_eq!(
            misspelling("Tracking-Code", &fields, empty),
            Some("tracking_code")
        );
        assert_eq!(
            misspelling("refrence_id", &fields, empty),
            Some("reference_id")
        );
        assert_eq!(misspelling("stauts", &fields, empty), Some("status"));
        // short keys need an exact fold: "ib" is not "id"
        assert_eq!(misspelling("ib", &fields, empty), None);
        // declared keys and keys far from any are not
        assert_eq!(misspelling("status", &fields, empty), None);
        assert_eq!(misspelling("checkout_id", &fields, empty), None);
        // the sibling present already: two fields, not a typo
        let both = object(&json!({"tracking_code": "x"}));
        assert_eq!(misspelling("trackingCode", &fields, both.root()), None);
    }
}
