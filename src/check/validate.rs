//! Validation: checks one payload against its bundled schema and returns
//! every problem, each with its JSON pointer, the schema keyword, a plain
//! message and the line and column of the offending value in the input.
//!
//! Failures of the warning keywords (deprecated fields, unusual values of
//! fields merchants customise) become warnings. Positions are computed only
//! for payloads that have something to report. Nothing here prints.

use crate::bundle::schema;
use crate::ingest::payload::Payload;
use crate::model::doc::DocJson;
pub use crate::model::problem::{Problem, ProblemKind};
use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde::Serialize;

/// Errors and warnings of one payload.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Violations of the schema: the payload is invalid when there is one.
    pub errors: Vec<Problem>,
    /// Things worth knowing that do not make the payload invalid.
    pub warnings: Vec<Problem>,
    /// Errors past the limit asked for: counted, neither kept nor located.
    #[serde(skip)]
    pub omitted: usize,
}

/// Validates `payload` against the schema file `schema_path`, keeping and
/// locating at most `limit` errors (`--max-errors`) and counting the rest.
pub fn validate(
    payload: &Payload,
    schema_path: &str,
    limit: Option<usize>,
) -> anyhow::Result<Verdict> {
    let validator = schema::validator(schema_path)?;
    Ok(check(payload, validator, limit.unwrap_or(usize::MAX)))
}

fn check(payload: &Payload, validator: &Validator<DocJson>, limit: usize) -> Verdict {
    let mut verdict = Verdict::default();
    // Most payloads are valid and warning-free: `is_valid` says so without
    // building errors (a warning keyword that fires makes it false too).
    if validator.is_valid(payload.body()) {
        return verdict;
    }
    // Each kept problem with its byte offset: lines and columns are worked
    // out once the validator's errors are gone, so its error list (all of
    // them, built at once) and the line table never coexist.
    let mut kept: Vec<(bool, Problem, Option<usize>)> = Vec::new();
    let mut errors = 0;
    for error in validator.iter_errors(payload.body()) {
        let kind = match error.kind() {
            ValidationErrorKind::Required { property } => ProblemKind::Required {
                property: property
                    .as_str()
                    .map_or_else(|| property.to_string(), str::to_string),
            },
            other => ProblemKind::Schema(other.keyword().to_string()),
        };
        let warning = schema::WARNING_KEYWORDS.contains(&kind.keyword());
        if !warning {
            if errors >= limit {
                verdict.omitted += 1;
                continue;
            }
            errors += 1;
        }
        let pointer = error.instance_path().to_string();
        let message = shorten(message_of(&error), MAX_MESSAGE);
        let offset = payload.offset(&pointer);
        kept.push((warning, Problem::at(&pointer, kind, message, None), offset));
    }
    for (warning, mut problem, offset) in kept {
        if let Some(offset) = offset {
            let at = payload.at(offset);
            problem.line = Some(at.line);
            problem.column = Some(at.column);
        }
        if warning {
            verdict.warnings.push(problem);
        } else {
            verdict.errors.push(problem);
        }
    }
    // A `required` error points at the object; several problems at one
    // place keep the validator's order.
    verdict.errors.sort_by_key(|p| (p.line, p.column));
    verdict.warnings.sort_by_key(|p| (p.line, p.column));
    verdict
}

/// The validator's message, made to carry its answer where it does not:
/// an enum error lists the allowed values (all up to [`ENUM_LISTED`], else
/// that many and a count), a type error names the type found.
fn message_of(error: &jsonschema::ValidationError<'_>) -> String {
    let found = || shorten(error.instance().to_string(), 80);
    match error.kind() {
        ValidationErrorKind::Enum { options } => {
            let options = options.as_array().map(Vec::as_slice).unwrap_or_default();
            let listed: Vec<String> = options
                .iter()
                .take(ENUM_LISTED)
                .map(ToString::to_string)
                .collect();
            let more = options.len().saturating_sub(ENUM_LISTED);
            let rest = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!("{} is not one of {}{rest}", found(), listed.join(", "))
        }
        ValidationErrorKind::Type { .. } => {
            format!("{error} (found {})", type_name(error.instance()))
        }
        _ => error.to_string(),
    }
}

/// The most allowed values an enum error lists.
const ENUM_LISTED: usize = 12;

/// A JSON value's type, in JSON Schema's words.
fn type_name(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// The longest message kept whole: validator messages quote the offending
/// value, which can be megabytes long.
const MAX_MESSAGE: usize = 300;

/// Cuts `text` to about `max` characters, saying how much was left out.
pub fn shorten(text: String, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text;
    }
    let head: String = text.chars().take(max).collect();
    format!("{head}… ({} more characters)", count - max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::input::Source;
    use crate::ingest::payload::{Parsed, parse};

    fn payload(text: &str) -> Payload {
        match parse(Source {
            name: "t".into(),
            bytes: text.as_bytes().to_vec(),
        })
        .into_iter()
        .next()
        {
            Some(Parsed::Payload(p)) => p,
            other => panic!("not a payload: {other:?}"),
        }
    }

    #[test]
    fn huge_values_are_not_quoted_whole() {
        let long = "x".repeat(10_000);
        let short = shorten(format!("\"{long}\" is not of type \"integer\""), 300);
        assert!(short.chars().count() < 340, "{}", short.len());
        assert!(short.ends_with("(9727 more characters)"), "{short}");
        assert_eq!(shorten("short".into(), 300), "short");
    }

    #[test]
    fn errors_carry_pointer_keyword_and_position() {
        let text = "{\n  \"eventName\": \"order.refund.created\",\n  \"mode\": \"Live\",\n  \"createdOn\": \"2024-01-01T00:00:00Z\",\n  \"content\": {\"orderToken\": 7}\n}";
        let verdict = validate(
            &payload(text),
            "snipcart/order.refund.created.schema.json",
            None,
        );
        let verdict = verdict.unwrap_or_default();
        let token = verdict
            .errors
            .iter()
            .find(|e| e.pointer == "/content/orderToken");
        assert_eq!(
            token.map(|e| (e.kind.keyword(), e.line, e.column)),
            Some(("type", Some(5), Some(29)))
        );
    }

    /// Every leaf below the top level turned into the other type: strings
    /// become numbers, numbers and booleans strings, so nearly every field
    /// fails its own way.
    fn scramble(value: &mut serde_json::Value, depth: usize) {
        use serde_json::Value;
        match value {
            Value::Object(map) => map.values_mut().for_each(|v| scramble(v, depth + 1)),
            Value::Array(items) => items.iter_mut().for_each(|v| scramble(v, depth + 1)),
            Value::String(_) if depth > 1 => *value = Value::from(7),
            Value::Number(_) | Value::Bool(_) if depth > 1 => *value = Value::from("x"),
            _ => {}
        }
    }

    /// The parsed document is validated exactly as a `serde_json::Value` of
    /// the same text is, by the same validator on the bundled schema: the
    /// samples, the invalid fixtures, and every sample scrambled.
    #[test]
    fn the_document_validates_exactly_as_a_value_does() {
        use crate::check::detect::{Overrides, detect};
        let mut texts: Vec<(String, String)> = schema::samples()
            .iter()
            .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
            .collect();
        for (path, text) in schema::samples() {
            let mut value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            scramble(&mut value, 0);
            texts.push((format!("scrambled {path}"), value.to_string()));
        }
        let fixtures =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
        for provider in std::fs::read_dir(&fixtures).into_iter().flatten().flatten() {
            for file in std::fs::read_dir(provider.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                if let Ok(text) = std::fs::read_to_string(file.path()) {
                    texts.push((file.path().display().to_string(), text));
                }
            }
        }
        let (mut compared, mut errors) = (0, 0);
        for (name, text) in &texts {
            let Some(Parsed::Payload(p)) = parse(Source {
                name: name.clone(),
                bytes: text.as_bytes().to_vec(),
            })
            .into_iter()
            .next() else {
                continue;
            };
            let Some(path) = detect(p.body(), Overrides::default()).and_then(|d| d.schema_path())
            else {
                continue;
            };
            let mut ours: Vec<(String, String)> = validate(&p, &path, None)
                .unwrap_or_default()
                .errors
                .into_iter()
                .map(|e| (e.pointer, e.kind.keyword().to_owned()))
                .collect();
            let bundle: serde_json::Value =
                serde_json::from_str(&schema::bundled(&path).unwrap_or_default())
                    .unwrap_or_default();
            let reference = jsonschema::options()
                .with_base_uri("https://example.invalid/bundle/x.schema.json")
                .should_validate_formats(true)
                .build(&bundle)
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            let value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            let mut theirs: Vec<(String, String)> = reference
                .iter_errors(&value)
                .map(|e| (e.instance_path().to_string(), e.kind().keyword().to_owned()))
                .filter(|(_, k)| !schema::WARNING_KEYWORDS.contains(&k.as_str()))
                .collect();
            ours.sort();
            theirs.sort();
            assert_eq!(ours, theirs, "{name}");
            compared += 1;
            errors += ours.len();
        }
        assert!(errors > 300, "{errors} errors compared");
        // the samples, their scrambled copies, and most fixtures were compared
        assert!(compared >= 2 * schema::samples().len(), "{compared}");
    }
}
