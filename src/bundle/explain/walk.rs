//! The walk through a bundled schema that `whi explain` describes: which
//! schema locations apply at a JSON pointer of a payload, following
//! `properties`, `items`/`prefixItems`, `additionalProperties`, and at every
//! step `$ref` (into sibling files and `$defs`), `allOf`, `anyOf`, `oneOf`,
//! `then` and `else`. Works on the embedded files, parsed once; nothing is
//! read from disk. Never prints.

use crate::bundle::catalog;
use crate::bundle::schema;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The bundled schema files, parsed once.
static PARSED: LazyLock<HashMap<&'static str, Value>> = LazyLock::new(|| {
    schema::files()
        .iter()
        .filter_map(|(path, text)| Some((*path, serde_json::from_str(text).ok()?)))
        .collect()
});

/// One schema location that applies to the place being explained.
#[derive(Debug, Clone)]
pub(super) struct Node {
    /// The file below `schemas/`.
    pub(super) file: &'static str,
    /// The JSON pointer inside the file.
    pub(super) pointer: String,
    /// The schema there.
    pub(super) value: &'static Value,
    /// Reached through a branch that applies only to some payloads.
    pub(super) conditional: bool,
}

impl Node {
    /// A subschema that applies at the same place (`allOf/0`, `then`).
    fn branch(&self, path: &str, value: &'static Value, conditional: bool) -> Node {
        Node {
            file: self.file,
            pointer: format!("{}/{path}", self.pointer),
            value,
            conditional: self.conditional || conditional,
        }
    }

    /// The subschema of a field or item one level down. Whether the field
    /// must be present is decided by its parent, so conditions start afresh.
    fn descend(&self, path: &str, value: &'static Value) -> Node {
        Node {
            conditional: false,
            ..self.branch(path, value, false)
        }
    }
}

/// Where a pointer stopped resolving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Miss {
    /// The part of the pointer that resolved.
    pub(super) resolved: String,
    /// Pointers close to the one asked for.
    pub(super) suggestions: Vec<String>,
}

/// The schema locations that apply at `pointer` in the file `file` (below
/// `schemas/`), nearest first.
pub(super) fn locate(file: &str, pointer: &str) -> Result<Vec<Node>, Miss> {
    let miss = |resolved: &str, suggestions| Miss {
        resolved: resolved.to_string(),
        suggestions,
    };
    let root = root(file).ok_or_else(|| miss("", Vec::new()))?;
    let mut nodes = Vec::new();
    expand(root, &mut nodes);
    let mut resolved = String::new();
    for segment in segments(pointer) {
        let next = step(&nodes, &segment);
        if next.is_empty() {
            return Err(miss(&resolved, suggest(&nodes, &resolved, &segment)));
        }
        resolved = format!("{resolved}/{}", escape(&segment));
        nodes = next;
    }
    Ok(nodes)
}

fn root(file: &str) -> Option<Node> {
    let (file, value) = PARSED.get_key_value(file)?;
    Some(Node {
        file,
        pointer: String::new(),
        value,
        conditional: false,
    })
}

/// The pointer's unescaped reference tokens.
fn segments(pointer: &str) -> Vec<String> {
    pointer.split('/').skip(1).map(unescape).collect()
}

/// `a~1b` → `a/b`: a reference token as the key it names.
pub(super) fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `a/b` → `a~1b`: a key as a reference token.
pub(super) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Adds `node` and every subschema that applies with it, once each.
fn expand(node: Node, out: &mut Vec<Node>) {
    let seen = out
        .iter()
        .any(|n| n.file == node.file && n.pointer == node.pointer);
    // The bound only guards against a pathological cycle of distinct refs.
    if seen || out.len() >= 256 {
        return;
    }
    let value = node.value;
    out.push(node.clone());
    if let Some(target) = value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| resolve(&node, r))
    {
        expand(target, out);
    }
    for (key, conditional) in [("allOf", false), ("anyOf", true), ("oneOf", true)] {
        for (i, sub) in value
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            expand(node.branch(&format!("{key}/{i}"), sub, conditional), out);
        }
    }
    for key in ["then", "else"] {
        if let Some(sub) = value.get(key) {
            expand(node.branch(key, sub, true), out);
        }
    }
}

/// Resolves a `$ref` relative to the file holding it.
fn resolve(from: &Node, reference: &str) -> Option<Node> {
    let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    let file = if file.is_empty() {
        from.file.to_string()
    } else {
        join(from.file, file)?
    };
    let (file, root) = PARSED.get_key_value(file.as_str())?;
    let value = if fragment.is_empty() {
        root
    } else {
        root.pointer(fragment)?
    };
    Some(Node {
        file,
        pointer: fragment.to_string(),
        value,
        conditional: from.conditional,
    })
}

/// `salla/order.created.schema.json` + `_defs.schema.json` → `salla/_defs.schema.json`.
fn join(from: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// The locations that apply one level down, at `segment`.
pub(super) fn step(nodes: &[Node], segment: &str) -> Vec<Node> {
    let mut next = Vec::new();
    let path = format!("properties/{}", escape(segment));
    for n in nodes {
        if let Some(sub) = n.value.get("properties").and_then(|p| p.get(segment)) {
            expand(n.descend(&path, sub), &mut next);
        }
    }
    if next.is_empty()
        && let Ok(index) = segment.parse::<usize>()
    {
        for n in nodes {
            if let Some(sub) = n.value.get("prefixItems").and_then(|p| p.get(index)) {
                expand(n.descend(&format!("prefixItems/{index}"), sub), &mut next);
            } else if let Some(sub) = n.value.get("items").filter(|i| i.is_object()) {
                expand(n.descend("items", sub), &mut next);
            }
        }
    }
    if next.is_empty() {
        for n in nodes {
            if let Some(sub) = n
                .value
                .get("additionalProperties")
                .filter(|a| a.is_object())
            {
                expand(n.descend("additionalProperties", sub), &mut next);
            }
        }
    }
    next
}

/// Near field names where `segment` did not resolve; for an array, the
/// same field in its first item.
fn suggest(nodes: &[Node], resolved: &str, segment: &str) -> Vec<String> {
    if segment.parse::<usize>().is_err() && !step(&step(nodes, "0"), segment).is_empty() {
        return vec![format!("{resolved}/0/{}", escape(segment))];
    }
    let names = field_names(nodes);
    catalog::near(segment, names.iter().map(String::as_str))
        .into_iter()
        .map(|name| format!("{resolved}/{}", escape(&name)))
        .collect()
}

/// The property names the locations define, in order, once each.
pub(super) fn field_names(nodes: &[Node]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for n in nodes {
        if let Some(properties) = n.value.get("properties").and_then(Value::as_object) {
            for name in properties.keys() {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_join_among_siblings() {
        let joined = |from: &str, to: &str| join(from, to);
        assert_eq!(
            joined("salla/order.created.schema.json", "_defs.schema.json").as_deref(),
            Some("salla/_defs.schema.json")
        );
        assert_eq!(
            joined("a/b/c.json", "./../d.json").as_deref(),
            Some("a/d.json")
        );
        assert_eq!(joined("a.json", "../../x.json"), None);
    }

    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.push(r.clone());
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_bundled_ref_resolves() {
        assert_eq!(PARSED.len(), schema::files().len(), "every file parses");
        for (file, value) in PARSED.iter() {
            let Some(from) = root(file) else {
                panic!("{file}: no root");
            };
            let mut found = Vec::new();
            refs(value, &mut found);
            for r in found {
                assert!(resolve(&from, &r).is_some(), "{file}: {r}");
            }
        }
    }
}
