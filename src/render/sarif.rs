//! `--format sarif`: a SARIF 2.1.0 log, the static-analysis format GitHub
//! code scanning, Azure DevOps and IDE viewers read.
//!
//! One run; the driver's rules are the schema keywords that failed (plus
//! `syntax` and `unrecognised`); one result per error (level `error`) and
//! warning (level `warning`), located at the file (a batch element's `#/N`
//! stripped; no location for stdin) and its line:column, which count
//! characters, hence `columnKind: unicodeCodePoints`. Unreadable inputs are
//! tool execution notifications (and the usual stderr diagnostic), and so,
//! at level `note`, are the errors `--max-errors N` left out of a payload
//! (`source: … 12 more errors not shown`). The
//! rules come before the results, so results are buffered and the log is
//! written by `finish`. Never coloured.
//! <https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>

use super::common::{capped, hinted, more_errors, place, problem_text};
use super::{Palette, Render, write_input_error, write_note};
use crate::check::record::{Record, Tally};
use crate::check::validate::Problem;
use crate::ingest::input::{InputError, Note};
use crate::providers::Handle;
use serde::Serialize;
use std::collections::BTreeSet;
use std::io::{self, Write};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF renderer.
pub struct Sarif<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    results: Vec<SarifResult>,
    notifications: Vec<Notification>,
    max_errors: Option<usize>,
}

impl<'a> Sarif<'a> {
    /// A renderer writing the log to `out` and diagnostics to `err`.
    pub fn new(out: &'a mut dyn Write, err: &'a mut dyn Write) -> Self {
        Sarif {
            out,
            err,
            results: Vec::new(),
            notifications: Vec::new(),
            max_errors: None,
        }
    }

    /// Reports at most `max` errors per payload as results (`--max-errors`).
    pub fn max_errors(mut self, max: Option<usize>) -> Self {
        self.max_errors = max;
        self
    }
}

impl Render for Sarif<'_> {
    fn record(&mut self, record: &Record) -> io::Result<()> {
        let (shown, hidden) = capped(record, self.max_errors);
        if hidden > 0 {
            self.notifications.push(Notification {
                level: "note",
                message: Message {
                    text: format!(
                        "{}: {} not shown (--max-errors)",
                        record.source,
                        more_errors(hidden)
                    ),
                },
            });
        }
        let hinted = hinted(record, shown);
        let errors = hinted.iter().map(|p| (p, "error"));
        let warnings = record.warnings.iter().map(|p| (p, "warning"));
        for (problem, level) in errors.chain(warnings) {
            self.results.push(result(record, problem, level));
        }
        Ok(())
    }

    fn note(&mut self, note: &Note) -> io::Result<()> {
        write_note(self.err, &Palette::default(), note)
    }

    fn input_error(&mut self, error: &InputError) -> io::Result<()> {
        self.notifications.push(Notification {
            level: "error",
            message: Message {
                text: format!("{}: {}", error.input, error.message),
            },
        });
        write_input_error(self.err, &Palette::default(), error)
    }

    fn finish(&mut self, tally: &Tally) -> io::Result<()> {
        let mut results = std::mem::take(&mut self.results);
        let ids: Vec<String> = results
            .iter()
            .map(|r| r.rule_id.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        for result in &mut results {
            result.rule_index = ids.binary_search(&result.rule_id).ok();
        }
        let rules: Vec<Rule> = ids.iter().map(|id| rule(id)).collect();
        let log = Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: [Run {
                tool: Tool {
                    driver: Driver {
                        name: "whi",
                        version: env!("CARGO_PKG_VERSION"),
                        information_uri: information_uri(),
                        rules,
                    },
                },
                invocations: [Invocation {
                    execution_successful: tally.input_errors == 0,
                    tool_execution_notifications: std::mem::take(&mut self.notifications),
                }],
                column_kind: "unicodeCodePoints",
                results,
            }],
        };
        serde_json::to_writer_pretty(&mut *self.out, &log)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

fn result(record: &Record, problem: &Problem, level: &'static str) -> SarifResult {
    let (file, line, column) = place(record, problem);
    let locations = file
        .map(|file| Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: file_uri(file),
                },
                region: line.map(|line| Region {
                    start_line: line,
                    start_column: column,
                }),
            },
        })
        .into_iter()
        .collect();
    SarifResult {
        rule_id: problem.kind.keyword().to_string(),
        rule_index: None,
        level,
        message: Message {
            text: problem_text(problem),
        },
        locations,
        properties: Properties {
            source: record.source.clone(),
            provider: record.provider,
            event: record.event.clone(),
            pointer: problem.pointer.clone(),
        },
    }
}

/// The driver's `informationUri`: the package's repository or homepage,
/// omitted while Cargo.toml declares neither.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|uri| !uri.is_empty())
}

/// A path as a URI reference: relative paths stay relative (code scanning
/// resolves them against the checkout), absolute ones become `file://`
/// URIs; `\` separators become `/` on Windows; anything outside RFC 3986's
/// unreserved characters and `/` is percent-encoded, so `#`, `%`, spaces
/// and a `:` that would read as a scheme survive.
fn file_uri(path: &str) -> String {
    let path = if std::path::MAIN_SEPARATOR == '\\' {
        path.replace('\\', "/")
    } else {
        path.to_string()
    };
    let mut uri = String::new();
    let bytes = path.as_bytes();
    let drive = cfg!(windows)
        && bytes.get(1) == Some(&b':')
        && bytes.first().is_some_and(u8::is_ascii_alphabetic);
    if path.starts_with('/') {
        uri.push_str("file://");
    } else if drive {
        uri.push_str("file:///");
    }
    for (i, byte) in path.bytes().enumerate() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(char::from(byte));
            }
            b':' if drive && i == 1 => uri.push(':'),
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

/// The rule for a keyword: its id and what a failure of it means.
fn rule(id: &str) -> Rule {
    Rule {
        id: id.to_string(),
        short_description: Message { text: describe(id) },
    }
}

/// One sentence per keyword `whi` reports.
fn describe(keyword: &str) -> String {
    let text = match keyword {
        "syntax" => "The input is not valid JSON.",
        "unrecognised" => "The payload is not a webhook of a known provider.",
        "deprecated" => "A deprecated field is present.",
        "x-whi-known-values" => "A value merchants can customise is not among the usual ones.",
        "schema" => "The bundled schema could not be compiled.",
        "type" => "A value has the wrong JSON type.",
        "required" => "A required property is missing.",
        "enum" => "A value is not one of the allowed values.",
        "const" => "A value differs from the only allowed value.",
        "pattern" => "A string does not match the expected pattern.",
        "format" => "A string is not in the expected format.",
        "minimum" | "exclusiveMinimum" => "A number is below the allowed minimum.",
        "maximum" | "exclusiveMaximum" => "A number is above the allowed maximum.",
        "multipleOf" => "A number is not a multiple of the expected step.",
        "minLength" => "A string is shorter than allowed.",
        "maxLength" => "A string is longer than allowed.",
        "minItems" => "An array has fewer items than allowed.",
        "maxItems" => "An array has more items than allowed.",
        "uniqueItems" => "An array has duplicate items.",
        "minProperties" => "An object has fewer properties than allowed.",
        "maxProperties" => "An object has more properties than allowed.",
        "additionalProperties" | "unevaluatedProperties" => {
            "An object has a property the schema does not allow."
        }
        "oneOf" | "anyOf" => "A value matches none (or more than one) of the allowed shapes.",
        "not" => "A value matches a shape the schema forbids.",
        _ => return format!("The value fails the JSON Schema keyword `{keyword}`."),
    };
    text.to_string()
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: [Invocation; 1],
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    short_description: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    properties: Properties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
}

/// What the result is about, beyond its location.
#[derive(Serialize)]
struct Properties {
    /// The full source, `path#/N` for a batch element.
    source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<Handle>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<String>,
    pointer: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(file_uri("samples/a b#1.json"), "samples/a%20b%231.json");
        assert_eq!(file_uri("x:y.json"), "x%3Ay.json");
        assert_eq!(file_uri("/tmp/ü.json"), "file:///tmp/%C3%BC.json");
        if cfg!(windows) {
            assert_eq!(file_uri("C:\\w\\a.json"), "file:///C:/w/a.json");
        }
    }

    #[test]
    fn every_keyword_has_a_description() {
        assert_eq!(describe("type"), "A value has the wrong JSON type.");
        assert!(describe("dependentRequired").contains("`dependentRequired`"));
    }
}
