//! A problem found in a payload, and where it sits in the input. Shared by
//! checking (which finds problems), `explain` (which turns them into hints)
//! and the renderers.

use serde::Serialize;

/// A 1-based line and column; columns count characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// What kind of problem: a JSON Schema keyword that failed, or one of the
/// tool's own categories. Serialised as its keyword (the `keyword` field of
/// JSON output, the rule id of SARIF, the `[...]` of human output).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemKind {
    /// A schema keyword other than `required` failed (`type`, `enum`,
    /// `pattern`, or a warning keyword such as `deprecated`).
    Schema(String),
    /// A required property is missing from the object at the pointer.
    Required {
        /// The missing property's name.
        property: String,
    },
    /// The input is not JSON.
    Syntax,
    /// A capture holds no usable body, or something about the capture.
    Capture,
    /// JSON, but no provider's webhook.
    Unrecognised,
    /// The captured request's signature is wrong.
    Signature,
    /// A bundled schema could not be compiled (a bug in whi).
    BrokenSchema,
    /// An object repeats a key.
    DuplicateKey,
    /// The body names an event its provider does not document.
    UnknownEvent,
    /// A key that is not documented but nearly equals one that is.
    MisspeltField,
}

impl ProblemKind {
    /// The keyword users see.
    pub fn keyword(&self) -> &str {
        match self {
            ProblemKind::Schema(keyword) => keyword,
            ProblemKind::Required { .. } => "required",
            ProblemKind::Syntax => "syntax",
            ProblemKind::Capture => "capture",
            ProblemKind::Unrecognised => "unrecognised",
            ProblemKind::Signature => "signature",
            ProblemKind::BrokenSchema => "schema",
            ProblemKind::DuplicateKey => "duplicate-key",
            ProblemKind::UnknownEvent => "unknown-event",
            ProblemKind::MisspeltField => "misspelt-field",
        }
    }

    /// Whether the problem is about the payload's fields as the schema
    /// describes them (so `whi explain` can say more about it).
    pub fn is_about_fields(&self) -> bool {
        matches!(
            self,
            ProblemKind::Schema(_)
                | ProblemKind::Required { .. }
                | ProblemKind::DuplicateKey
                | ProblemKind::MisspeltField
        )
    }
}

impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.keyword())
    }
}

impl Serialize for ProblemKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.keyword())
    }
}

/// One problem found in a payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// JSON pointer of the offending value inside the payload (`/data/id`).
    pub pointer: String,
    /// What kind of problem (JSON: `keyword`, the failed schema keyword
    /// or `syntax` / `unrecognised` / … for inputs that could not be checked).
    #[serde(rename = "keyword")]
    pub kind: ProblemKind,
    /// What is wrong, in plain words.
    pub message: String,
    /// Line of the offending value in the input, when it can be located.
    pub line: Option<usize>,
    /// Column (in characters) of the offending value in the input.
    pub column: Option<usize>,
}

impl Problem {
    /// A problem at a known position.
    pub fn at(
        pointer: &str,
        kind: ProblemKind,
        message: String,
        position: Option<Position>,
    ) -> Self {
        Problem {
            pointer: pointer.to_string(),
            kind,
            message,
            line: position.map(|p| p.line),
            column: position.map(|p| p.column),
        }
    }
}
