//! A [`Doc`] as an instance the `jsonschema` validator reads in place
//! (its `json::Json` representation trait), so validating never builds a
//! `serde_json::Value` of the payload. An error's instance is built from
//! the value's own text only when a message reads it.

use super::{Doc, Kind, Members, Node};
use jsonschema::JsonType;
use jsonschema::json::{Array, Json, NodeIdentity, Object};
use jsonschema_value::LazyInstance;
use serde_json::Value;
use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

/// The representation: validators built with `jsonschema::options_for::<DocJson>()`.
pub struct DocJson;

impl Json for DocJson {
    type Node<'a> = Node<'a>;
    type PreparedKey = String;
    type StringBuffer = Option<Doc>;

    // A lookup is a walk over the members, so one pass over them beats
    // looking each wanted name up.
    const KEYS_PER_LOOKUP: usize = 64;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(
        buffer: &mut Option<Doc>,
        string: &str,
        f: impl FnOnce(Node<'_>) -> T,
    ) -> T {
        let text = Arc::new(Value::String(string.to_owned()).to_string());
        let doc = buffer.insert(Doc::parse(text).unwrap_or_else(|_| Doc::empty()));
        f(doc.root())
    }
}

impl<'a> jsonschema::json::Node<'a, DocJson> for Node<'a> {
    type Object = Node<'a>;
    type Array = Node<'a>;
    type Number = serde_json::Number;

    fn as_object(&self) -> Option<Node<'a>> {
        self.is_object().then_some(*self)
    }

    fn as_array(&self) -> Option<Node<'a>> {
        self.is_array().then_some(*self)
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        self.as_str()
    }

    fn as_number(&self) -> Option<serde_json::Number> {
        Node::as_number(*self)
    }

    fn is_number(&self) -> bool {
        Node::is_number(*self)
    }

    fn is_string(&self) -> bool {
        Node::is_string(*self)
    }

    fn as_boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn is_null(&self) -> bool {
        Node::is_null(*self)
    }

    fn json_type(&self) -> JsonType {
        match self.kind() {
            Kind::Null => JsonType::Null,
            Kind::False | Kind::True => JsonType::Boolean,
            Kind::Number => JsonType::Number,
            Kind::String => JsonType::String,
            Kind::Array => JsonType::Array,
            Kind::Object => JsonType::Object,
        }
    }

    fn string_length(&self) -> Option<u64> {
        self.as_str().map(|s| s.chars().count() as u64)
    }

    fn equals_value(&self, expected: &Value) -> bool {
        match (self.kind(), expected) {
            (Kind::String, Value::String(s)) => self.as_str().is_some_and(|own| own == s.as_str()),
            (Kind::String, _) | (_, Value::String(_)) => false,
            (Kind::Null, other) => other.is_null(),
            (Kind::True | Kind::False, Value::Bool(b)) => self.as_bool() == Some(*b),
            _ => jsonschema::json::cmp::equal(&self.to_value(), expected),
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(Node::to_value(*self))
    }

    fn lazy_value(&self) -> LazyInstance<'a> {
        LazyInstance::Deferred {
            bytes: self.raw().as_bytes(),
            tag: 0,
            make: |bytes, _| serde_json::from_slice(bytes).unwrap_or(Value::Null),
            cell: OnceLock::new(),
        }
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::tagged(
            std::ptr::from_ref::<Doc>(self.doc()) as usize,
            self.index(),
        ))
    }
}

impl<'a> Object<'a, DocJson> for Node<'a> {
    type Node = Node<'a>;
    type MemberName = Cow<'a, str>;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        Node::len(*self)
    }

    fn get(&self, key: &String) -> Option<Node<'a>> {
        Node::get(*self, key)
    }

    fn members(&self) -> Members<'a> {
        Node::members(*self)
    }
}

impl<'a> Array<'a, DocJson> for Node<'a> {
    type Node = Node<'a>;
    type ElementsIter = super::Children<'a>;

    fn len(&self) -> usize {
        Node::len(*self)
    }

    fn elements(&self) -> super::Children<'a> {
        Node::elements(*self)
    }
}
