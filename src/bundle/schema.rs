//! The bundled schema catalog: the files under `schemas/`, embedded at build
//! time, and their validators, compiled lazily, once per run, only for the
//! schemas a run needs.
//!
//! Relative `$ref`s between sibling files resolve through an in-memory
//! retriever, so nothing is read from disk or network. Two extension
//! keywords turn into warnings rather than errors: `deprecated: true` and
//! `x-whi-known-values` (see `schemas/README.md`).

use crate::model::doc::{DocJson, Node};
use jsonschema::json::Node as _;
use jsonschema::{Keyword, ValidationError, Validator, paths::Location};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The keywords whose failures are warnings.
pub const WARNING_KEYWORDS: &[&str] = &["deprecated", KNOWN_VALUES];

/// Lists values a field usually has, without forbidding others.
pub const KNOWN_VALUES: &str = "x-whi-known-values";

/// URI prefix the embedded files are served under.
const BASE: &str = "whi:///schemas/";

/// The contents of an embedded schema file by its path below `schemas/`.
pub fn file(path: &str) -> Option<&'static str> {
    SCHEMA_FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
}

/// Every embedded schema file as `(path below schemas/, contents)`.
pub fn files() -> &'static [(&'static str, &'static str)] {
    SCHEMA_FILES
}

/// Every embedded sample as `(path below samples/, contents)`.
pub fn samples() -> &'static [(&'static str, &'static str)] {
    SAMPLE_FILES
}

/// The schema file of a provider's event.
pub fn path_of(provider: &str, event: &str) -> String {
    format!("{provider}/{event}.schema.json")
}

/// An event's schema as one self-contained file: every sibling file it
/// refers to (its provider's `_defs.schema.json`, and what that refers to)
/// embedded under `$defs`, keyed by file name, each keeping its own `$id`.
/// This is JSON Schema 2020-12's own bundling (a compound schema document):
/// the `$ref`s stay as written and resolve to the embedded resources, so a
/// validator needs this one file and nothing else.
pub fn bundled(path: &str) -> anyhow::Result<String> {
    let text = file(path).ok_or_else(|| anyhow::anyhow!("no bundled schema {path}"))?;
    let mut root: Value = serde_json::from_str(text)?;
    let folder = path.rsplit_once('/').map_or("", |(folder, _)| folder);
    let mut embedded: Vec<(String, Value)> = Vec::new();
    let mut pending = external_refs(&root);
    while let Some(name) = pending.pop() {
        if embedded.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let sibling = if folder.is_empty() {
            name.clone()
        } else {
            format!("{folder}/{name}")
        };
        let text = file(&sibling)
            .ok_or_else(|| anyhow::anyhow!("schemas/{path} refers to {name}, not bundled"))?;
        let value: Value = serde_json::from_str(text)?;
        pending.extend(external_refs(&value));
        embedded.push((name, value));
    }
    let Some(object) = root.as_object_mut() else {
        anyhow::bail!("schemas/{path} is not an object");
    };
    let defs = object
        .entry("$defs")
        .or_insert_with(|| Value::Object(serde_json::Map::new()));
    let Some(defs) = defs.as_object_mut() else {
        anyhow::bail!("schemas/{path}: $defs is not an object");
    };
    for (name, value) in embedded {
        if defs.contains_key(&name) {
            anyhow::bail!("schemas/{path} already has $defs/{name}");
        }
        defs.insert(name, value);
    }
    let mut out = serde_json::to_string_pretty(&root)?;
    out.push('\n');
    Ok(out)
}

/// The sibling files a schema's `$ref`s name (`_defs.schema.json` of
/// `_defs.schema.json#/$defs/order`), without repeats.
fn external_refs(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    if key == "$ref"
                        && let Some(target) = v.as_str()
                    {
                        let file = target.split('#').next().unwrap_or_default();
                        if !file.is_empty() && !found.iter().any(|f: &String| f == file) {
                            found.push(file.to_owned());
                        }
                    }
                    stack.push(v);
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}

/// Validators read payloads as parsed documents ([`DocJson`]), not `Value`s.
type Compiled = Result<Validator<DocJson>, String>;

static CACHE: LazyLock<HashMap<&'static str, OnceLock<Compiled>>> = LazyLock::new(|| {
    SCHEMA_FILES
        .iter()
        .map(|(path, _)| (*path, OnceLock::new()))
        .collect()
});

/// The compiled validator of a schema file, compiling it on first use.
/// An error means the bundled schema itself is broken.
pub fn validator(path: &str) -> anyhow::Result<&'static Validator<DocJson>> {
    let (key, text) = SCHEMA_FILES
        .iter()
        .find(|(p, _)| *p == path)
        .ok_or_else(|| anyhow::anyhow!("no bundled schema {path}"))?;
    let slot = CACHE
        .get(key)
        .ok_or_else(|| anyhow::anyhow!("no bundled schema {path}"))?;
    // The compile error is kept as text: the cache hands it to every caller.
    slot.get_or_init(|| compile(key, text))
        .as_ref()
        .map_err(|e| anyhow::anyhow!("{e}"))
}

fn compile(path: &str, text: &str) -> Compiled {
    let schema: Value = serde_json::from_str(text).map_err(|e| format!("schemas/{path}: {e}"))?;
    jsonschema::options_for::<DocJson>()
        .with_base_uri(format!("{BASE}{path}"))
        .with_retriever(Embedded)
        .should_validate_formats(true)
        .with_keyword(KNOWN_VALUES, |_, value: &Value, _: Location| {
            Ok(Box::new(Known(
                value.as_array().cloned().unwrap_or_default(),
            )))
        })
        .with_keyword("deprecated", |parent, value: &Value, _: Location| {
            let description = parent.get("description").and_then(Value::as_str);
            Ok(Box::new(Deprecated {
                active: value == &Value::Bool(true),
                description: description.map(str::to_string),
            }))
        })
        .build(&schema)
        .map_err(|e| format!("schemas/{path}: {e}"))
}

/// Serves sibling schema files from the embedded table.
struct Embedded;

impl jsonschema::Retrieve for Embedded {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let path = uri.as_str().strip_prefix(BASE).unwrap_or(uri.as_str());
        let path = path.split('#').next().unwrap_or(path);
        let text = file(path).ok_or_else(|| format!("{} is not a bundled schema", uri.as_str()))?;
        Ok(serde_json::from_str(text)?)
    }
}

/// `x-whi-known-values`: fails (as a warning) on a value outside the list.
struct Known(Vec<Value>);

impl<'i> Keyword<'i, DocJson> for Known {
    fn validate(&self, instance: Node<'i>) -> Result<(), ValidationError<'i>> {
        if self.is_valid(instance) {
            return Ok(());
        }
        let known: Vec<String> = self.0.iter().map(Value::to_string).collect();
        Err(ValidationError::custom(format!(
            "{} is not a usual value ({}); fine if the account customised it",
            Node::to_value(instance),
            known.join(", ")
        )))
    }

    fn is_valid(&self, instance: Node<'i>) -> bool {
        self.0.is_empty() || self.0.iter().any(|known| instance.equals_value(known))
    }
}

/// `deprecated: true`: fails (as a warning) whenever the field is present,
/// quoting the field's description, which names its replacement.
struct Deprecated {
    active: bool,
    description: Option<String>,
}

impl<'i> Keyword<'i, DocJson> for Deprecated {
    fn validate(&self, _: Node<'i>) -> Result<(), ValidationError<'i>> {
        match (&self.active, &self.description) {
            (false, _) => Ok(()),
            (true, Some(description)) if description.to_lowercase().starts_with("deprecated") => {
                Err(ValidationError::custom(description.clone()))
            }
            (true, Some(description)) => Err(ValidationError::custom(format!(
                "deprecated field: {description}"
            ))),
            (true, None) => Err(ValidationError::custom("deprecated field")),
        }
    }

    fn is_valid(&self, _: Node<'i>) -> bool {
        !self.active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundled_schema_carries_its_defs_and_no_outside_reference() -> anyhow::Result<()> {
        let text = bundled("salla/order.created.schema.json")?;
        let value: Value = serde_json::from_str(&text)?;
        assert_eq!(value["$id"], "order.created.schema.json");
        let defs = &value["$defs"]["_defs.schema.json"];
        assert_eq!(defs["$id"], "_defs.schema.json");
        assert!(defs["$defs"]["merchant"].is_object());
        // Every outside reference names a file embedded in the bundle.
        for name in external_refs(&value) {
            assert!(value["$defs"][&name].is_object(), "{name} not embedded");
        }
        // It still validates the sample, compiled on its own.
        let sample: Value = serde_json::from_str(
            samples()
                .iter()
                .find(|(p, _)| *p == "salla/order.created.json")
                .map(|(_, t)| *t)
                .unwrap_or_default(),
        )?;
        let validator = jsonschema::options()
            .with_base_uri("https://example.invalid/bundle/order.created.schema.json")
            .build(&value)?;
        assert!(validator.is_valid(&sample));
        Ok(())
    }

    #[test]
    fn missing_schema_is_an_error_not_a_panic() {
        assert!(validator("nope/nothing.schema.json").is_err());
    }
}
