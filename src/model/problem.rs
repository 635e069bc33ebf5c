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

/// One problem found in a payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// JSON pointer of the offending value inside the payload (`/data/id`).
    pub pointer: String,
    /// The JSON Schema keyword that failed (`type`, `required`, ...), or
    /// `syntax` / `unrecognised` for inputs that could not be checked.
    pub keyword: String,
    /// What is wrong, in plain words.
    pub message: String,
    /// Line of the offending value in the input, when it can be located.
    pub line: Option<usize>,
    /// Column (in characters) of the offending value in the input.
    pub column: Option<usize>,
}

impl Problem {
    /// A problem at a known position.
    pub fn at(pointer: &str, keyword: &str, message: String, position: Option<Position>) -> Self {
        Problem {
            pointer: pointer.to_string(),
            keyword: keyword.to_string(),
            message,
            line: position.map(|p| p.line),
            column: position.map(|p| p.column),
        }
    }
}
