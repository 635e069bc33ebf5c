//! Reports: the outcome of checking one payload, as the serialisable record
//! every output format renders, and the tally that decides the exit code.
//!
//! `check` runs detection and validation for one parsed input. The record's
//! fields are a documented interface (README, "JSON output").

use crate::bundle::{catalog, explain};
use crate::check::detect::{self, Detection, Overrides};
use crate::check::validate::{self, Problem, ProblemKind, Verdict};
use crate::check::{duplicates, misspelt};
use crate::ingest::encoding;
use crate::ingest::payload::{Parsed, Payload, SyntaxError};
use crate::model::doc::{Kind, Node};
use crate::model::signature::{self, Headers, Signature};
use crate::model::summary::OrderSummary;
use crate::providers::{self, Handle};
use serde::Serialize;

/// What became of one payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Detected and matches its schema.
    Valid,
    /// Detected and violates its schema.
    Invalid,
    /// Not JSON.
    Unparseable,
    /// JSON, but no provider's webhook.
    Unrecognised,
    /// A known provider's event for which no schema is bundled.
    Unchecked,
}

impl Status {
    /// Whether this outcome makes the run fail (exit 1).
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Status::Invalid | Status::Unparseable | Status::Unrecognised
        )
    }
}

/// The result for one payload.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// `path`, `path#/N` for a batch element, `-` for stdin.
    pub source: String,
    /// Detected provider, null when unknown.
    pub provider: Option<Handle>,
    /// Detected event, null when unknown.
    pub event: Option<String>,
    /// The bundled schema used (`salla/order.created`), null when none.
    pub schema: Option<String>,
    /// True when valid, false when invalid, unparseable or unrecognised,
    /// null when no schema could check it.
    pub valid: Option<bool>,
    /// The outcome in one word.
    pub status: Status,
    /// The evidence detection went by.
    pub detected_by: Option<String>,
    /// A remark about the detection or the missing schema.
    pub note: Option<String>,
    /// Schema violations, syntax error or recognition failure.
    pub errors: Vec<Problem>,
    /// Schema errors past `--max-errors`: counted, neither kept nor located
    /// (the renderers add them to the count).
    #[serde(skip)]
    pub errors_omitted: usize,
    /// Deprecated fields and unusual values.
    pub warnings: Vec<Problem>,
    /// The captured request's signature or authentication; null when the
    /// input carried no headers and no secret was given.
    pub signature: Option<Signature>,
    /// `whi inspect` only: the normalised order summary (null when the
    /// provider is unknown); absent from `whi validate` records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<Option<OrderSummary>>,
    /// The `whi explain` target that says most about the errors
    /// (`salla/order.created/data/id`); absent when none applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<String>,
    /// The provider's id of this delivery, for spotting retries.
    #[serde(skip)]
    pub delivery_id: Option<String>,
    /// For a HAR entry: its request (`POST /webhooks/salla`), index, and the
    /// line of its body in the HAR file; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<std::sync::Arc<crate::ingest::capture::Entry>>,
}

/// Checks one parsed input.
pub fn check(parsed: &Parsed, overrides: Overrides<'_>) -> Record {
    match parsed {
        Parsed::Syntax(err) => unparseable(err),
        Parsed::Payload(payload) => {
            let mut record = check_payload(payload, overrides);
            // Whatever the outcome, the reader learns that positions are
            // in the decoded body.
            if let Some(from) = &payload.decoded_from {
                let decoded = encoding::note(from);
                record.note = Some(match record.note.take() {
                    Some(note) => format!("{decoded}; {note}"),
                    None => decoded,
                });
            }
            record
        }
    }
}

fn unparseable(err: &SyntaxError) -> Record {
    let (message, position) = match err.kind {
        ProblemKind::Syntax => (
            format!("not valid JSON: {}", err.message),
            Some(err.position),
        ),
        _ => (err.message.clone(), None),
    };
    let problem = Problem::at("", err.kind.clone(), message, position);
    Record {
        source: err.source.clone(),
        provider: None,
        event: None,
        schema: None,
        valid: Some(false),
        status: Status::Unparseable,
        detected_by: None,
        note: err.decoded_from.as_deref().map(encoding::note),
        errors: vec![problem],
        errors_omitted: 0,
        warnings: err
            .capture_note
            .iter()
            .map(|note| Problem::at("", ProblemKind::Capture, note.clone(), None))
            .collect(),
        signature: None,
        summary: None,
        explain: None,
        delivery_id: None,
        entry: err.entry.clone(),
    }
}

/// Checks one parsed input and summarises it (`whi inspect`).
pub fn inspect(parsed: &Parsed, overrides: Overrides<'_>) -> Record {
    let mut record = check(parsed, overrides);
    let mut summary = None;
    if let (Parsed::Payload(payload), Some(provider), Some(event)) =
        (parsed, record.provider, &record.event)
    {
        summary = Some(provider.summarize(event, payload.body()));
        record.delivery_id = provider.delivery_id(payload.body());
    }
    record.summary = Some(summary);
    record
}

fn check_payload(payload: &Payload, overrides: Overrides<'_>) -> Record {
    let headers = Headers(&payload.headers);
    let Some(detection) = detect::detect_request(payload.body(), headers, overrides) else {
        return unrecognised(payload, overrides);
    };
    let mut record = Record {
        source: payload.source.clone(),
        provider: Some(detection.provider),
        event: Some(detection.event.clone()),
        schema: detection.schema.clone(),
        valid: None,
        status: Status::Unchecked,
        detected_by: Some(detection.detected_by.clone()),
        note: detection.note.clone(),
        errors: Vec::new(),
        errors_omitted: 0,
        warnings: Vec::new(),
        signature: None,
        summary: None,
        explain: None,
        delivery_id: None,
        entry: payload.entry.clone(),
    };
    // An event the body names and its provider does not document is a
    // typo or a new event: either way nothing checked it, so it fails.
    // So is an --event the detected provider does not document (a run
    // over several providers' payloads with one --event).
    let pointer = match overrides.event {
        None => detection.provider.event_pointer(payload.body()),
        Some(_) => Some(""),
    };
    if let Some(pointer) = pointer
        && !providers::documents(&*detection.provider, &detection.event)
    {
        let message = match overrides.event {
            None => unknown_event(&detection, "; pass --event to check it as one of them"),
            Some(_) => format!("--event {}", unknown_event(&detection, "")),
        };
        let at = (!pointer.is_empty())
            .then(|| payload.position(pointer))
            .flatten();
        record
            .errors
            .push(Problem::at(pointer, ProblemKind::UnknownEvent, message, at));
        record.valid = Some(false);
        record.status = Status::Invalid;
        record.schema = None;
        record.note = None;
        return record;
    }
    match detection.schema_path() {
        Some(path) => {
            let verdict =
                validate::validate(payload, &path, overrides.max_errors).unwrap_or_else(|broken| {
                    Verdict {
                        errors: vec![Problem::at(
                            "",
                            ProblemKind::BrokenSchema,
                            format!("bundled schema is broken: {broken}"),
                            None,
                        )],
                        warnings: Vec::new(),
                        omitted: 0,
                    }
                });
            record.valid = Some(verdict.errors.is_empty());
            record.status = if verdict.errors.is_empty() {
                Status::Valid
            } else {
                Status::Invalid
            };
            record.errors = verdict.errors;
            record.errors_omitted = verdict.omitted;
            record.warnings = verdict.warnings;
            // Computed here, on the workers, so every format can show it.
            record.explain = record
                .schema
                .as_deref()
                .and_then(|schema| explain::hint(schema, &record.errors));
        }
        None => {
            let missing = format!(
                "no schema is bundled for {}/{}: not validated",
                detection.provider, detection.event
            );
            record.note = Some(
                record
                    .note
                    .take()
                    .map_or(missing.clone(), |n| format!("{n}; {missing}")),
            );
        }
    }
    if let Some(schema) = &detection.schema {
        record.warnings.extend(misspelt::find(payload, schema));
    }
    for duplicate in duplicates::find(payload) {
        let problem = Problem::at(
            &duplicate.pointer,
            ProblemKind::DuplicateKey,
            duplicate.message,
            Some(duplicate.position),
        );
        record.warnings.push(problem);
    }
    record.warnings.sort_by_key(|p| (p.line, p.column));
    if let Some(note) = &payload.capture_note {
        record
            .warnings
            .push(Problem::at("", ProblemKind::Capture, note.clone(), None));
    }
    {
        let mut signature =
            detection
                .provider
                .check_signature(headers, &payload.raw(), overrides.secret);
        // A capture made shareable by `whi redact`: nothing to judge.
        if payload
            .headers
            .iter()
            .any(|(_, value)| value == crate::redact::REDACTED)
        {
            let scheme = signature
                .as_ref()
                .map_or("redacted".to_owned(), |s| s.scheme.clone());
            signature = Some(Signature::new(
                &scheme,
                signature::Status::Unverifiable,
                "the capture was redacted (whi redact): its signature and credentials are masked, so they cannot be checked",
            ));
        }
        if let Some(sig) = signature
            .as_ref()
            .filter(|s| s.status == signature::Status::Invalid)
        {
            record.errors.push(Problem::at(
                "",
                ProblemKind::Signature,
                format!("signature invalid: {}", sig.reason),
                None,
            ));
            record.valid = Some(false);
            record.status = Status::Invalid;
        }
        record.signature = signature;
    }
    record
}

/// `"order.craeted" is not an event Salla documents: did you mean order.created?`
/// `then` follows the list of the events whi checks, when nothing is near.
fn unknown_event(detection: &Detection, then: &str) -> String {
    let provider = detection.provider;
    let candidates = providers::documented_events(&*provider).filter(|e| !e.ends_with(".*"));
    let suggestions = catalog::near(&detection.event, candidates);
    let hint = if suggestions.is_empty() {
        format!(" (whi checks {}{then})", provider.events().join(", "))
    } else {
        catalog::did_you_mean(&suggestions)
    };
    format!(
        "{:?} is not an event {} documents{hint}",
        detection.event,
        provider.title()
    )
}

fn unrecognised(payload: &Payload, overrides: Overrides<'_>) -> Record {
    // The provider it came closest to, and what it lacked, where one did.
    let near = match overrides.provider {
        Some(p) => p.near_miss(payload.body()).map(|m| (p, m)),
        None => providers::REGISTRY
            .iter()
            .find_map(|p| p.near_miss(payload.body()).map(|m| (*p, m))),
    };
    let pointer = near.as_ref().map_or("", |(_, m)| m.pointer);
    let message = match (&near, overrides.provider) {
        (Some((p, m)), _) => format!(
            "not a recognised webhook: looks like {} ({}) but {}",
            p.title(),
            m.keys,
            m.lacks
        ),
        (None, Some(p)) => format!(
            "does not look like a webhook from {}; pass --event to validate it as one",
            p.title()
        ),
        (None, None) => format!("not a recognised webhook: {}", shape(payload.body())),
    };
    Record {
        source: payload.source.clone(),
        provider: overrides.provider.map(Handle),
        event: None,
        schema: None,
        valid: Some(false),
        status: Status::Unrecognised,
        detected_by: None,
        note: None,
        errors_omitted: 0,
        errors: vec![Problem::at(
            pointer,
            ProblemKind::Unrecognised,
            message,
            payload.position(pointer),
        )],
        warnings: Vec::new(),
        signature: None,
        summary: None,
        explain: None,
        delivery_id: None,
        entry: payload.entry.clone(),
    }
}

/// A few words on what the body is, for the unrecognised message.
fn shape(value: Node<'_>) -> String {
    match value.kind() {
        Kind::Object if value.is_empty() => "an empty object".into(),
        Kind::Object => {
            let keys: Vec<String> = value
                .keys()
                .take(5)
                .map(|k| validate::shorten(k.into_owned(), 40))
                .collect();
            let more = if value.len() > 5 { ", ..." } else { "" };
            format!(
                "no provider uses an object with keys {}{more}",
                keys.join(", ")
            )
        }
        Kind::Array if value.is_empty() => "an empty array".into(),
        Kind::Array => "an array that is not a list of webhook objects".into(),
        Kind::Null => "null, where a JSON object was expected".into(),
        Kind::True | Kind::False | Kind::Number | Kind::String => {
            "a single JSON value, where a JSON object was expected".into()
        }
    }
}

impl Record {
    /// How many errors the payload has, kept or not (`--max-errors`).
    pub fn error_count(&self) -> usize {
        self.errors.len() + self.errors_omitted
    }
}

/// Counts of outcomes over a run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Payloads reported.
    pub payloads: usize,
    /// Valid payloads.
    pub valid: usize,
    /// Invalid payloads.
    pub invalid: usize,
    /// Inputs that were not JSON.
    pub unparseable: usize,
    /// Payloads no provider recognised.
    pub unrecognised: usize,
    /// Payloads without a bundled schema.
    pub unchecked: usize,
    /// Inputs that could not be read at all.
    pub input_errors: usize,
    /// Payloads with at least one warning.
    pub warned: usize,
    /// Inputs that held no payload at all (an empty log, a HAR without
    /// entries): a note, and a failure under `--strict`.
    pub empty: usize,
}

impl Tally {
    /// Counts one record.
    pub fn add(&mut self, record: &Record) {
        self.payloads += 1;
        if !record.warnings.is_empty() {
            self.warned += 1;
        }
        match record.status {
            Status::Valid => self.valid += 1,
            Status::Invalid => self.invalid += 1,
            Status::Unparseable => self.unparseable += 1,
            Status::Unrecognised => self.unrecognised += 1,
            Status::Unchecked => self.unchecked += 1,
        }
    }

    /// The exit code: 2 if an input could not be read, 1 if a payload
    /// failed, else 0. The worst outcome wins.
    pub fn exit_code(&self) -> u8 {
        if self.input_errors > 0 {
            2
        } else if self.invalid + self.unparseable + self.unrecognised > 0 {
            1
        } else {
            0
        }
    }
}
