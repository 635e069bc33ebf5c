//! A [`Doc`]'s values: [`Node`], a cheap handle read like a
//! `serde_json::Value` (`get`, `pointer`, `as_str`, `members`, `elements`,
//! `to_value`), and [`Field`] for reading on through absent members.

use super::{Doc, Kind, Slot};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, PoisonError};

/// One value of a [`Doc`]: a cheap handle, read like a `serde_json::Value`.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    pub(super) doc: &'a Doc,
    pub(super) at: u32,
}

impl std::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Node({:?} at {})", self.kind(), self.start())
    }
}

impl<'a> Node<'a> {
    fn slot(self) -> Slot {
        self.doc.slot(self.at)
    }

    /// The document the node is part of.
    pub fn doc(self) -> &'a Doc {
        self.doc
    }

    /// The node's number in its document, stable for the document's life.
    pub fn index(self) -> u32 {
        self.at
    }

    /// What the value is.
    pub fn kind(self) -> Kind {
        Kind::ALL
            .get(self.slot().kind() as usize)
            .copied()
            .unwrap_or(Kind::Null)
    }

    /// Byte offset in the text where the value starts.
    pub fn start(self) -> usize {
        self.slot().start() as usize
    }

    /// Byte offset in the text just past the value.
    pub fn end(self) -> usize {
        let slot = self.slot();
        match self.kind() {
            Kind::Array | Kind::Object => {
                let bytes = self.doc.text.as_bytes();
                let inner = match self.last_child() {
                    Some(last) => last.end(),
                    None => slot.start() as usize + 1,
                };
                let close = skip_ws(bytes, inner);
                (close + 1).min(bytes.len())
            }
            _ => (slot.start() + slot.len()) as usize,
        }
    }

    /// The value's text as written.
    pub fn raw(self) -> &'a str {
        self.doc.text.get(self.start()..self.end()).unwrap_or("")
    }

    /// Whether the value is `null`.
    pub fn is_null(self) -> bool {
        self.kind() == Kind::Null
    }

    /// Whether the value is an object.
    pub fn is_object(self) -> bool {
        self.kind() == Kind::Object
    }

    /// Whether the value is an array.
    pub fn is_array(self) -> bool {
        self.kind() == Kind::Array
    }

    /// Whether the value is a string.
    pub fn is_string(self) -> bool {
        self.kind() == Kind::String
    }

    /// Whether the value is a number.
    pub fn is_number(self) -> bool {
        self.kind() == Kind::Number
    }

    /// The value of a boolean.
    pub fn as_bool(self) -> Option<bool> {
        match self.kind() {
            Kind::True => Some(true),
            Kind::False => Some(false),
            _ => None,
        }
    }

    /// The text of a string, unescaped (borrowed when it holds no escape).
    pub fn as_str(self) -> Option<Cow<'a, str>> {
        if self.kind() != Kind::String {
            return None;
        }
        let slot = self.slot();
        let raw = self.raw();
        if !slot.flag() {
            return raw.get(1..raw.len().saturating_sub(1)).map(Cow::Borrowed);
        }
        serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
    }

    /// A number's digits as written.
    pub fn number(self) -> Option<&'a str> {
        (self.kind() == Kind::Number).then(|| self.raw())
    }

    /// A number as `serde_json` holds it (exact digits kept).
    pub fn as_number(self) -> Option<serde_json::Number> {
        self.number()?.parse().ok()
    }

    /// A number that is a non-negative integer fitting 64 bits.
    pub fn as_u64(self) -> Option<u64> {
        self.number()?.parse().ok()
    }

    /// A number that is an integer fitting 64 bits.
    pub fn as_i64(self) -> Option<i64> {
        self.number()?.parse().ok()
    }

    /// A number as the nearest float.
    pub fn as_f64(self) -> Option<f64> {
        self.number()?.parse().ok()
    }

    /// Elements of an array, members of an object; 0 for anything else.
    /// Counted (slots keep no count): one step per child.
    pub fn len(self) -> usize {
        match self.kind() {
            Kind::Array => self.children().count(),
            Kind::Object if self.slot().flag() => self.members().count(),
            Kind::Object => self.children().count() / 2,
            _ => 0,
        }
    }

    /// Whether a container is empty (or the value is not a container).
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The direct children in order (for an object: name, value, name, …).
    fn children(self) -> Children<'a> {
        let slot = self.slot();
        let end = match self.kind() {
            Kind::Array | Kind::Object => self.at.saturating_add(slot.len()),
            _ => self.at.saturating_add(1),
        };
        Children {
            doc: Some(self.doc),
            next: self.at.saturating_add(1),
            end,
        }
    }

    fn last_child(self) -> Option<Node<'a>> {
        self.children().last()
    }

    /// The elements of an array (none for anything else).
    pub fn elements(self) -> Children<'a> {
        if self.kind() == Kind::Array {
            self.children()
        } else {
            Children::NONE
        }
    }

    /// Element `i` of an array.
    pub fn item(self, i: usize) -> Option<Node<'a>> {
        if i < DIRECT {
            return self.elements().nth(i);
        }
        if self.kind() != Kind::Array {
            return None;
        }
        let table = {
            let mut cache = self
                .doc
                .elements
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            Arc::clone(
                cache
                    .entry(self.at)
                    .or_insert_with(|| self.elements().map(|e| e.at).collect()),
            )
        };
        table.get(i).map(|&at| Node { doc: self.doc, at })
    }

    /// The members of an object in order, each name once (a repeated key
    /// keeps its first place and its last value, as `serde_json` does).
    pub fn members(self) -> Members<'a> {
        if self.kind() != Kind::Object {
            return Members::Deduped(Vec::new().into_iter());
        }
        if !self.slot().flag() {
            return Members::Plain(self.children());
        }
        let mut seen: HashMap<Cow<'a, str>, usize> = HashMap::new();
        let mut list: Vec<(Cow<'a, str>, Node<'a>)> = Vec::new();
        for (name, value) in (Members::Plain(self.children())).by_ref() {
            match seen.get(&name) {
                Some(&i) => {
                    if let Some(entry) = list.get_mut(i) {
                        entry.1 = value;
                    }
                }
                None => {
                    seen.insert(name.clone(), list.len());
                    list.push((name, value));
                }
            }
        }
        Members::Deduped(list.into_iter())
    }

    /// The names of an object's members, in order, each once.
    pub fn keys(self) -> impl Iterator<Item = Cow<'a, str>> {
        self.members().map(|(name, _)| name)
    }

    /// The value of member `key` (the last one when the key repeats).
    pub fn get(self, key: &str) -> Option<Node<'a>> {
        if self.kind() != Kind::Object {
            return None;
        }
        let mut found = None;
        let mut children = self.children();
        while let (Some(name), Some(value)) = (children.next(), children.next()) {
            if name.is_key(key) {
                found = Some(value);
                if !self.slot().flag() {
                    break;
                }
            }
        }
        found
    }

    /// Whether this member name is `key`.
    fn is_key(self, key: &str) -> bool {
        let slot = self.slot();
        if !slot.flag() {
            let raw = self.raw();
            raw.len() >= 2 && raw.get(1..raw.len() - 1) == Some(key)
        } else {
            self.as_str().is_some_and(|name| name == key)
        }
    }

    /// The value at a JSON pointer (`/data/items/0`) below this one.
    pub fn pointer(self, pointer: &str) -> Option<Node<'a>> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            node = match node.kind() {
                Kind::Object => node.get(&token)?,
                Kind::Array => node.item(array_index(&token)?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The value as a `serde_json::Value` (built on demand: for small parts
    /// and cold paths).
    pub fn to_value(self) -> Value {
        serde_json::from_str(self.raw()).unwrap_or(Value::Null)
    }
}

/// Reading on through a value that may be absent, as `Value::get` reads
/// through `Null`: `body.get("data").get("id")`. `Option<Node>` is `Copy`,
/// so the methods take it by value, under `Value`'s own names.
#[allow(clippy::wrong_self_convention)]
pub trait Field<'a> {
    /// Member `key`, when this is present and an object that has it.
    fn get(self, key: &str) -> Option<Node<'a>>;
    /// The value at `pointer` below this, when present.
    fn pointer(self, pointer: &str) -> Option<Node<'a>>;
    /// The elements, when this is a present array (else none).
    fn elements(self) -> Children<'a>;
    /// Whether this is present and `true`.
    fn is_true(self) -> bool;
    /// The text, when this is a present string.
    fn as_str(self) -> Option<Cow<'a, str>>;
}

impl<'a> Field<'a> for Option<Node<'a>> {
    fn get(self, key: &str) -> Option<Node<'a>> {
        self?.get(key)
    }

    fn pointer(self, pointer: &str) -> Option<Node<'a>> {
        self?.pointer(pointer)
    }

    fn elements(self) -> Children<'a> {
        match self {
            Some(node) => node.elements(),
            None => Children::NONE,
        }
    }

    fn is_true(self) -> bool {
        self.and_then(Node::as_bool) == Some(true)
    }

    fn as_str(self) -> Option<Cow<'a, str>> {
        self?.as_str()
    }
}

/// Elements reached by walking from the first; past them, through a table.
const DIRECT: usize = 32;

/// An array index token of a JSON pointer: digits, no leading zero.
fn array_index(token: &str) -> Option<usize> {
    if token.is_empty() || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    if !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(at) {
        at += 1;
    }
    at
}

/// The direct children of a container, in order.
#[derive(Clone)]
pub struct Children<'a> {
    doc: Option<&'a Doc>,
    next: u32,
    end: u32,
}

impl Children<'_> {
    /// No children at all.
    const NONE: Children<'static> = Children {
        doc: None,
        next: 0,
        end: 0,
    };
}

impl<'a> Iterator for Children<'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        if self.next >= self.end {
            return None;
        }
        let node = Node {
            doc: self.doc?,
            at: self.next,
        };
        let len = match node.kind() {
            Kind::Array | Kind::Object => node.slot().len().max(1),
            _ => 1,
        };
        self.next = self.next.saturating_add(len);
        Some(node)
    }
}

/// The members of an object: name and value.
pub enum Members<'a> {
    /// Read straight from the index (no key repeats).
    Plain(Children<'a>),
    /// Gathered, for an object that repeats a key.
    Deduped(std::vec::IntoIter<(Cow<'a, str>, Node<'a>)>),
}

impl<'a> Iterator for Members<'a> {
    type Item = (Cow<'a, str>, Node<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Members::Plain(children) => {
                let name = children.next()?;
                let value = children.next()?;
                Some((name.as_str().unwrap_or_default(), value))
            }
            Members::Deduped(list) => list.next(),
        }
    }
}
