//! The parsed document: one JSON text, kept as it was written, with a
//! compact index of where each value starts, instead of a tree of
//! `serde_json::Value`s.
//!
//! A `Value` costs about five times the text it was parsed from (an 80-byte
//! node, a key `String` and a hash slot per member, a `String` per number
//! under `arbitrary_precision`). Issue 15 asks for at most four times the
//! payload for a whole run, so the document is the text itself plus one
//! 8-byte slot per value and per member name, in document order (about 0.46
//! times a pretty-printed order). Strings without escapes are read in place;
//! numbers keep their exact digits; members keep their order, and a repeated
//! key reads as `serde_json` reads it (the last value, at the first place).
//!
//! Syntax is `serde_json`'s own: the text is checked by it first, so a
//! broken document fails with exactly the error and position a `Value`
//! parse would give. `to_value` builds a `Value` of any part on demand, for
//! the few places that want one (error messages, small bodies).
//! Imports nothing else of the crate; never prints.

mod build;
mod node;
mod schema;

pub use node::{Children, Field, Members, Node};
pub use schema::DocJson;

use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Slots per block: blocks never move, so the index grows without copying
/// itself (a doubling `Vec` would briefly hold three times its size).
const BLOCK_BITS: u32 = 16;
const BLOCK: usize = 1 << BLOCK_BITS;

/// One value or member name, in 8 bytes.
///
/// - scalars: the byte offset of the token and its length in bytes (a
///   string's includes its quotes);
/// - containers: the offset of the bracket and the number of slots of the
///   subtree, itself included (the next sibling is that many on).
///
/// Offsets and lengths stay below 2^30 (inputs are capped at 1 GiB), which
/// leaves four bits: the kind (three) and a flag (a string holds an
/// escape; an object repeats a key).
#[derive(Clone, Copy, Default)]
struct Slot {
    a: u32,
    b: u32,
}

/// The largest offset or length a slot holds: the bits below the four.
const LIMIT: u32 = (1 << 30) - 1;
const FLAG: u32 = 1 << 30;

impl Slot {
    fn new(kind: Kind, start: u32, len: u32, flag: bool) -> Slot {
        let kind = kind as u32;
        Slot {
            a: (start & LIMIT) | ((kind & 0b11) << 30),
            b: (len & LIMIT) | ((kind >> 2) << 31) | if flag { FLAG } else { 0 },
        }
    }

    fn kind(self) -> u32 {
        (self.a >> 30) | ((self.b >> 31) << 2)
    }

    fn start(self) -> u32 {
        self.a & LIMIT
    }

    fn len(self) -> u32 {
        self.b & LIMIT
    }

    fn flag(self) -> bool {
        self.b & FLAG != 0
    }

    /// A closed container's subtree size and flag.
    fn close(&mut self, len: u32, flag: bool) {
        self.b = (self.b & !(LIMIT | FLAG)) | (len & LIMIT) | if flag { FLAG } else { 0 };
    }

    fn is_container(self) -> bool {
        self.kind() == Kind::Array as u32 || self.kind() == Kind::Object as u32
    }
}

/// What a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `null`.
    Null,
    /// `false`.
    False,
    /// `true`.
    True,
    /// A number, digits as written.
    Number,
    /// A string (also a member name).
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl Kind {
    const ALL: [Kind; 7] = [
        Kind::Null,
        Kind::False,
        Kind::True,
        Kind::Number,
        Kind::String,
        Kind::Array,
        Kind::Object,
    ];
}

/// A parsed JSON text.
pub struct Doc {
    text: Arc<String>,
    blocks: Vec<Vec<Slot>>,
    slots: u32,
    duplicates: bool,
    /// The element slots of long arrays indexed into, by the array's slot,
    /// so that locating many errors in one long array is not quadratic.
    elements: Mutex<HashMap<u32, Arc<[u32]>>>,
}

impl std::fmt::Debug for Doc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Doc")
            .field("bytes", &self.text.len())
            .field("slots", &self.slots)
            .finish()
    }
}

impl Doc {
    /// Parses `text`, failing as `serde_json::from_str::<Value>` would.
    /// The text is shared, not copied: a `String` moves into its `Arc`
    /// without copying, where an `Arc<str>` would copy the whole input.
    pub fn parse(text: Arc<String>) -> Result<Doc, serde_json::Error> {
        build::build(text)
    }

    /// Parses a copy of `text` (small texts: tests, made bodies).
    pub fn parse_str(text: &str) -> Result<Doc, serde_json::Error> {
        build::build(Arc::new(text.to_owned()))
    }

    /// A document holding `value` written out compactly (tests, and bodies
    /// made rather than received).
    pub fn from_value(value: &Value) -> Doc {
        let text = Arc::new(value.to_string());
        // A Value always writes valid JSON; an empty object is the fallback
        // the type system asks for.
        Doc::parse(text).unwrap_or_else(|_| Doc::empty())
    }

    fn empty() -> Doc {
        let root = Slot::new(Kind::Object, 0, 1, false);
        Doc {
            text: Arc::new("{}".to_owned()),
            blocks: vec![vec![root]],
            slots: 1,
            duplicates: false,
            elements: Mutex::default(),
        }
    }

    /// The text the document was parsed from.
    pub fn text(&self) -> &Arc<String> {
        &self.text
    }

    /// The top-level value.
    pub fn root(&self) -> Node<'_> {
        Node { doc: self, at: 0 }
    }

    /// The value numbered `at` (see [`Node::index`]), if there is one.
    pub fn node(&self, at: u32) -> Option<Node<'_>> {
        (at < self.slots).then_some(Node { doc: self, at })
    }

    /// Whether some object repeats a key.
    pub fn has_duplicate_keys(&self) -> bool {
        self.duplicates
    }

    /// Bytes held, for measuring: the index's blocks (the text is shared).
    pub fn index_bytes(&self) -> usize {
        self.blocks.iter().map(Vec::capacity).sum::<usize>() * size_of::<Slot>()
    }

    fn slot(&self, at: u32) -> Slot {
        self.blocks
            .get((at >> BLOCK_BITS) as usize)
            .and_then(|b| b.get(at as usize & (BLOCK - 1)))
            .copied()
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
