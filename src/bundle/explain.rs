//! What the bundled documentation says about an event or one of its fields.
//!
//! `explain("salla/order.created/data/id")` walks the event's schema along
//! the JSON pointer `/data/id`, as a validator would apply it: through
//! `properties`, `items` (a numeric segment) and `prefixItems`,
//! `additionalProperties`, and at every step through `$ref` (into sibling
//! `_defs` files and `$defs`), `allOf`, `anyOf`, `oneOf`, and the `then` and
//! `else` branches of a condition. `if` itself is a test, not a description
//! of the field, and is not followed. Everything that applies is merged into
//! one [`Explanation`]: the nearest description wins (a property's own words
//! before those of the definition it refers to).
//!
//! The walk itself is in `explain/walk.rs`; this module turns what it
//! finds into an [`Explanation`], and picks the hint `whi validate` shows.
//! Returns data; `render::explain` prints it. Never prints.

mod walk;

use crate::bundle::catalog::{self, Entry, Unknown};
use crate::bundle::schema;
use crate::model::problem::{Problem, ProblemKind};
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use walk::{Node, escape, field_names, step};

/// Whether a field must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    /// Listed in `required` of the object that holds it.
    Required,
    /// Required only in some shapes of the payload (a `then`/`else` or
    /// `anyOf`/`oneOf` branch), e.g. Logitrail's envelope but not its bare payload.
    Conditional,
    /// May be absent.
    Optional,
}

/// What the schema says about one location of a payload.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The event: `salla/order.created`.
    pub schema: String,
    /// The JSON pointer explained; empty for the whole payload.
    pub pointer: String,
    /// The event schema's file, `schemas/salla/order.created.schema.json`.
    pub file: String,
    /// Where the provider documents its webhooks.
    pub docs_url: &'static str,
    /// The schema's title (for the whole payload).
    pub title: Option<String>,
    /// What the documentation says it is.
    pub description: Option<String>,
    /// JSON types allowed (`string`, `null`, ...); empty when any is.
    pub types: Vec<String>,
    /// Whether it must be present; null for the whole payload.
    pub presence: Option<Presence>,
    /// `format` (`date-time`, `uri`, `email`, ...).
    pub format: Option<String>,
    /// `pattern`, a regular expression the string must match.
    pub pattern: Option<String>,
    /// `const`: the one value allowed.
    #[serde(rename = "const")]
    pub constant: Option<Value>,
    /// `enum`: the closed set of values allowed.
    #[serde(rename = "enum")]
    pub values: Vec<Value>,
    /// `x-whi-known-values`: the usual values; others are a warning.
    pub known_values: Vec<Value>,
    /// `minimum`, for numbers.
    pub minimum: Option<Value>,
    /// `maximum`, for numbers.
    pub maximum: Option<Value>,
    /// Whether the field is deprecated (its description names the replacement).
    pub deprecated: bool,
    /// The pointer the fields below live under: this one for an object,
    /// `<pointer>/0` for the items of an array.
    pub fields_at: String,
    /// The fields of this object (or of each item of this array).
    pub fields: Vec<Field>,
    /// Every schema location that applies, as `schemas/<file>#<pointer>`.
    pub defined_in: Vec<String>,
}

/// One field of an object, in a few words.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The property name.
    pub name: String,
    /// JSON types allowed.
    pub types: Vec<String>,
    /// Whether it must be present.
    pub presence: Presence,
    /// Whether it is deprecated.
    pub deprecated: bool,
    /// What the documentation says it is.
    pub description: Option<String>,
}

/// Why a target could not be explained.
#[derive(Debug, Clone)]
pub enum ExplainError {
    /// No bundled event by that name.
    Schema(Unknown),
    /// The event's schema has no such field.
    Field {
        /// The event.
        schema: String,
        /// The pointer asked for.
        pointer: String,
        /// The part of the pointer that resolved.
        resolved: String,
        /// Pointers close to the one asked for.
        suggestions: Vec<String>,
    },
}

impl fmt::Display for ExplainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExplainError::Schema(unknown) => unknown.fmt(f),
            ExplainError::Field {
                schema,
                pointer,
                resolved,
                suggestions,
            } => {
                write!(
                    f,
                    "{schema} has no field {pointer}{} (whi explain {schema}{resolved} lists the fields there)",
                    catalog::did_you_mean(suggestions)
                )
            }
        }
    }
}

impl std::error::Error for ExplainError {}

/// Explains `PROVIDER/EVENT[/POINTER]`; the pointer may also follow a `#`.
pub fn explain(target: &str) -> Result<Explanation, ExplainError> {
    let (name, pointer) = split_target(target);
    let entry = catalog::find(name).map_err(ExplainError::Schema)?;
    explain_pointer(&entry, &pointer)
}

/// `salla/order.created/data/id` → (`salla/order.created`, `/data/id`).
fn split_target(target: &str) -> (&str, String) {
    let target = target.trim();
    if let Some((name, pointer)) = target.split_once('#') {
        return (name.trim_end_matches('/'), normalise_pointer(pointer));
    }
    let mut slashes = target.match_indices('/').map(|(i, _)| i);
    match (slashes.next(), slashes.next()) {
        (Some(_), Some(second)) => (&target[..second], normalise_pointer(&target[second..])),
        _ => (target, String::new()),
    }
}

/// `/data/id/` → `/data/id`; `data/id` → `/data/id`; `/` → ``.
fn normalise_pointer(pointer: &str) -> String {
    let trimmed = pointer.trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    }
}

/// Explains a pointer into a known event's schema.
pub fn explain_pointer(entry: &Entry, pointer: &str) -> Result<Explanation, ExplainError> {
    let nodes = locate(entry, pointer)?;
    let parent_presence = presence_at(entry, pointer);
    let info = Merged::of(&nodes);
    let (fields_at, field_nodes) =
        if info.types.iter().any(|t| t == "array") && !info.types.iter().any(|t| t == "object") {
            (format!("{pointer}/0"), step(&nodes, "0"))
        } else {
            (pointer.to_string(), nodes.clone())
        };
    Ok(Explanation {
        schema: entry.name.clone(),
        pointer: pointer.to_string(),
        file: entry.schema.clone(),
        docs_url: entry.docs_url,
        title: info.title,
        description: info.description,
        types: info.types,
        presence: parent_presence,
        format: info.format,
        pattern: info.pattern,
        constant: info.constant,
        values: info.values,
        known_values: info.known_values,
        minimum: info.minimum,
        maximum: info.maximum,
        deprecated: info.deprecated,
        fields_at,
        fields: fields(&field_nodes),
        defined_in: nodes
            .iter()
            .map(|n| format!("schemas/{}#{}", n.file, n.pointer))
            .collect(),
    })
}

/// The `whi explain` target that helps most with a payload's errors: the
/// first schema error whose location the schema describes (for `required`,
/// the missing field itself when its name can be read from the message).
/// `None` when no error is about a described field.
pub fn hint(schema: &str, errors: &[Problem]) -> Option<String> {
    let entry = catalog::find(schema).ok()?;
    errors
        .iter()
        .filter(|p| p.kind.is_about_fields())
        .flat_map(|p| {
            let missing = match &p.kind {
                ProblemKind::Required { property } => {
                    Some(format!("{}/{}", p.pointer, escape(property)))
                }
                _ => None,
            };
            missing.into_iter().chain([p.pointer.clone()])
        })
        .find(|pointer| locate(&entry, pointer).is_ok())
        .map(|pointer| format!("{}{pointer}", entry.name))
}

/// The schema locations that apply at `pointer` in an event's schema, or
/// the error naming the near fields.
fn locate(entry: &Entry, pointer: &str) -> Result<Vec<Node>, ExplainError> {
    let file = entry
        .schema
        .strip_prefix("schemas/")
        .unwrap_or(&entry.schema);
    walk::locate(file, pointer).map_err(|miss| ExplainError::Field {
        schema: entry.name.clone(),
        pointer: pointer.to_string(),
        resolved: miss.resolved,
        suggestions: miss.suggestions,
    })
}

/// Whether the field at `pointer` must be present in its parent; `None`
/// for the whole payload or an array item.
fn presence_at(entry: &Entry, pointer: &str) -> Option<Presence> {
    let (parent, last) = pointer.rsplit_once('/')?;
    let last = walk::unescape(last);
    if last.parse::<usize>().is_ok() {
        return None;
    }
    let parents = locate(entry, parent).ok()?;
    Some(presence(&parents, &last))
}

fn presence(parents: &[Node], name: &str) -> Presence {
    let requiring = parents.iter().filter(|n| {
        n.value
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|v| v.as_str() == Some(name)))
    });
    let mut result = Presence::Optional;
    for n in requiring {
        if !n.conditional {
            return Presence::Required;
        }
        result = Presence::Conditional;
    }
    result
}

fn fields(nodes: &[Node]) -> Vec<Field> {
    field_names(nodes)
        .into_iter()
        .map(|name| {
            let info = Merged::of(&step(nodes, &name));
            Field {
                presence: presence(nodes, &name),
                types: info.types,
                deprecated: info.deprecated,
                description: info.description,
                name,
            }
        })
        .collect()
}

/// The annotations of every applicable location, nearest first.
#[derive(Default)]
struct Merged {
    title: Option<String>,
    description: Option<String>,
    types: Vec<String>,
    format: Option<String>,
    pattern: Option<String>,
    constant: Option<Value>,
    values: Vec<Value>,
    known_values: Vec<Value>,
    minimum: Option<Value>,
    maximum: Option<Value>,
    deprecated: bool,
}

impl Merged {
    fn of(nodes: &[Node]) -> Merged {
        let first = |key: &str| nodes.iter().find_map(|n| n.value.get(key));
        let text = |key: &str| first(key).and_then(Value::as_str).map(str::to_string);
        let list = |key: &str| {
            first(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let types = match first("type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        };
        Merged {
            title: text("title"),
            description: text("description"),
            types,
            format: text("format"),
            pattern: text("pattern"),
            constant: first("const").cloned(),
            values: list("enum"),
            known_values: list(schema::KNOWN_VALUES),
            minimum: first("minimum").cloned(),
            maximum: first("maximum").cloned(),
            deprecated: nodes
                .iter()
                .any(|n| n.value.get("deprecated") == Some(&Value::Bool(true))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(target: &str) -> Explanation {
        match explain(target) {
            Ok(e) => e,
            Err(e) => panic!("{target}: {e}"),
        }
    }

    #[test]
    fn targets_split_into_event_and_pointer() {
        assert_eq!(
            split_target("salla/order.created"),
            ("salla/order.created", String::new())
        );
        assert_eq!(
            split_target("salla/order.created/data/id"),
            ("salla/order.created", "/data/id".to_string())
        );
        assert_eq!(
            split_target("salla/order.created#/data/id/"),
            ("salla/order.created", "/data/id".to_string())
        );
    }

    #[test]
    fn an_event_lists_its_fields() {
        let e = ok("salla/order.created");
        assert_eq!(e.title.as_deref(), Some("Salla order.created webhook"));
        assert_eq!(e.presence, None);
        let data = e.fields.iter().find(|f| f.name == "data");
        assert!(data.is_some_and(|f| f.presence == Presence::Required && f.types == ["object"]));
    }

    #[test]
    fn refs_into_defs_files_are_followed_and_the_nearest_description_wins() {
        let e = ok("salla/order.created/data");
        // the event file's own description of `data`, not the definition's title
        assert!(
            e.description
                .as_deref()
                .is_some_and(|d| d.starts_with("An order as sent by the eleven order events")),
            "{:?}",
            e.description
        );
        assert!(
            e.defined_in
                .iter()
                .any(|d| d.starts_with("schemas/salla/_defs.schema.json#/$defs/order"))
        );
        let id = ok("salla/order.created/data/id");
        assert_eq!(id.types, ["integer"]);
        assert_eq!(id.presence, Some(Presence::Required));
    }

    #[test]
    fn then_and_else_branches_are_conditional() {
        let e = ok("logitrail/order.shipped");
        let presence = |name: &str| e.fields.iter().find(|f| f.name == name).map(|f| f.presence);
        assert_eq!(presence("payload"), Some(Presence::Conditional));
        assert_eq!(presence("order"), Some(Presence::Conditional));
        let status = ok("logitrail/order.shipped/payload/order/status");
        assert!(status.values.contains(&Value::from("processed")));
        let id = ok("logitrail/order.shipped/order/id");
        assert_eq!(id.pattern.as_deref(), Some("^[0-9a-fA-F]{24}$"));
    }

    #[test]
    fn array_items_known_values_minimum_and_deprecation() {
        let picked = ok("ongoing/order.picked/orderStatus/number");
        assert_eq!(picked.minimum, Some(Value::from(400)));
        assert!(!picked.known_values.is_empty());
        assert_eq!(picked.types, ["integer"]);
        let items = ok("salla/order.created/data/items");
        assert_eq!(items.fields_at, "/data/items/0");
        assert!(
            items
                .fields
                .iter()
                .any(|f| f.name == "codes" && f.deprecated)
        );
        assert!(ok("salla/order.created/data/items/0/codes").deprecated);
    }

    #[test]
    fn unknown_fields_suggest_near_ones() {
        let err = explain("salla/order.created/data/idd")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "salla/order.created has no field /data/idd: did you mean /data/id? (whi explain salla/order.created/data lists the fields there)"
            )
        );
        let err = explain("salla/order.created/data/items/name").err();
        assert!(
            matches!(err, Some(ExplainError::Field { ref suggestions, .. }) if suggestions == &["/data/items/0/name"]),
            "{err:?}"
        );
        assert!(matches!(
            explain("salla/order.craeted"),
            Err(ExplainError::Schema(_))
        ));
    }

    #[test]
    fn hints_point_at_a_described_field() {
        let problem = |pointer: &str, keyword: &str, message: &str| Problem {
            pointer: pointer.into(),
            kind: match keyword {
                "required" => ProblemKind::Required {
                    property: message.split('"').nth(1).unwrap_or_default().into(),
                },
                "syntax" => ProblemKind::Syntax,
                other => ProblemKind::Schema(other.into()),
            },
            message: message.into(),
            line: None,
            column: None,
        };
        let hint = |errors: &[Problem]| hint("salla/order.created", errors);
        assert_eq!(
            hint(&[problem("/data/id", "type", "bad")]).as_deref(),
            Some("salla/order.created/data/id")
        );
        assert_eq!(
            hint(&[problem(
                "/data",
                "required",
                "\"reference_id\" is a required property"
            )])
            .as_deref(),
            Some("salla/order.created/data/reference_id")
        );
        assert_eq!(hint(&[problem("", "syntax", "bad")]), None);
        assert_eq!(
            hint(&[
                problem("/nope", "type", "x"),
                problem("/merchant", "type", "x")
            ])
            .as_deref(),
            Some("salla/order.created/merchant")
        );
    }
}
