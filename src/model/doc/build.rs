//! Building a [`Doc`]'s index from its text.
//!
//! `serde_json` reads the text first, down the same path a `Value` parse
//! takes, but keeping nothing ([`Discard`]): a broken text fails with the
//! exact error and position a `Value` parse gives (trailing commas, nesting
//! past its recursion limit, a lone surrogate in an escape), and building
//! nothing, whatever the size. The walk then reads text it knows is JSON;
//! it still never indexes past the end.

use super::{BLOCK, BLOCK_BITS, Doc, Kind, LIMIT, Slot};
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

pub(super) fn build(text: Arc<String>) -> Result<Doc, serde_json::Error> {
    if text.len() > LIMIT as usize {
        return Err(serde::de::Error::custom(
            "the document is larger than 1 GiB, more than whi reads",
        ));
    }
    serde_json::from_str::<Discard>(&text)?;
    let mut builder = Builder {
        bytes: text.as_bytes(),
        blocks: Vec::new(),
        slots: 0,
        duplicates: false,
    };
    if builder.walk().is_none() {
        // The walk and serde_json disagree (serde_json accepted the text):
        // a fault of the walk, said rather than guessed around.
        return Err(serde::de::Error::custom(
            "the document could not be indexed",
        ));
    }
    let Builder {
        blocks,
        slots,
        duplicates,
        ..
    } = builder;
    Ok(Doc {
        text,
        blocks,
        slots,
        duplicates,
        elements: std::sync::Mutex::default(),
    })
}

/// Any JSON value, read as a `Value` is read (`deserialize_any`, so with
/// the same errors and the same recursion limit) and kept nowhere.
/// serde's `IgnoredAny` takes another path, with messages of its own ("key
/// must be a string" for a trailing comma) and no limit on nesting.
struct Discard;

impl<'de> Deserialize<'de> for Discard {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Discard)
    }
}

impl<'de> Visitor<'de> for Discard {
    type Value = Discard;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Discard, E> {
        Ok(Discard)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Discard, E> {
        Ok(Discard)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Discard, E> {
        Ok(Discard)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Discard, E> {
        Ok(Discard)
    }

    fn visit_str<E>(self, _: &str) -> Result<Discard, E> {
        Ok(Discard)
    }

    fn visit_unit<E>(self) -> Result<Discard, E> {
        Ok(Discard)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Discard, A::Error> {
        while seq.next_element::<Discard>()?.is_some() {}
        Ok(Discard)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Discard, A::Error> {
        while map.next_key::<Discard>()?.is_some() {
            map.next_value::<Discard>()?;
        }
        Ok(Discard)
    }
}

struct Builder<'t> {
    bytes: &'t [u8],
    blocks: Vec<Vec<Slot>>,
    slots: u32,
    duplicates: bool,
}

/// A container being filled.
struct Open {
    at: u32,
    count: u32,
    object: bool,
}

impl Builder<'_> {
    fn push(&mut self, slot: Slot) -> Option<u32> {
        let at = self.slots;
        let block = (at >> BLOCK_BITS) as usize;
        if block == self.blocks.len() {
            self.blocks.push(Vec::new());
        }
        let filling = self.blocks.get_mut(block)?;
        if filling.len() == filling.capacity() && filling.capacity() < BLOCK {
            // Doubling inside a block, never past it: small documents stay
            // small, big ones never copy more than one block.
            filling.reserve_exact(filling.capacity().max(8).min(BLOCK - filling.len()));
        }
        filling.push(slot);
        self.slots = at.checked_add(1)?;
        Some(at)
    }

    fn slot_mut(&mut self, at: u32) -> Option<&mut Slot> {
        self.blocks
            .get_mut((at >> BLOCK_BITS) as usize)?
            .get_mut(at as usize & (BLOCK - 1))
    }

    fn skip_ws(&self, mut at: usize) -> usize {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(at) {
            at += 1;
        }
        at
    }

    /// Indexes the whole text; `None` when it is not what the syntax check
    /// promised.
    fn walk(&mut self) -> Option<()> {
        let mut stack: Vec<Open> = Vec::new();
        let mut at = self.skip_ws(0);
        loop {
            // A value starts at `at`.
            let byte = *self.bytes.get(at)?;
            match byte {
                b'{' | b'[' => {
                    let object = byte == b'{';
                    let kind = if object { Kind::Object } else { Kind::Array };
                    let slot = self.push(Slot::new(kind, offset(at)?, 1, false))?;
                    stack.push(Open {
                        at: slot,
                        count: 0,
                        object,
                    });
                    at = self.skip_ws(at + 1);
                    let close = if object { b'}' } else { b']' };
                    if self.bytes.get(at) == Some(&close) {
                        at = self.close(&mut stack, at)?;
                    } else if object {
                        at = self.key(at)?;
                        continue;
                    } else {
                        continue;
                    }
                }
                b'"' => {
                    let end = self.string(at)?;
                    at = end;
                }
                _ => {
                    let (kind, end) = self.scalar(at)?;
                    self.push(Slot::new(kind, offset(at)?, offset(end - at)?, false))?;
                    at = end;
                }
            }
            // A value ended at `at`: what follows it in its container.
            loop {
                let Some(open) = stack.last_mut() else {
                    return Some(());
                };
                open.count = open.count.saturating_add(1);
                let object = open.object;
                at = self.skip_ws(at);
                match self.bytes.get(at)? {
                    b',' => {
                        at = self.skip_ws(at + 1);
                        if object {
                            at = self.key(at)?;
                        }
                        break;
                    }
                    b'}' | b']' => at = self.close(&mut stack, at)?,
                    _ => return None,
                }
            }
        }
    }

    /// Indexes a member name at `at` and steps past its colon to the value.
    fn key(&mut self, at: usize) -> Option<usize> {
        let end = self.string(at)?;
        let colon = self.skip_ws(end);
        (self.bytes.get(colon) == Some(&b':')).then(|| self.skip_ws(colon + 1))
    }

    /// Indexes the string starting at `at`; returns the offset past it.
    fn string(&mut self, at: usize) -> Option<usize> {
        let mut i = at + 1;
        let mut escaped = false;
        loop {
            let rest = self.bytes.get(i..)?;
            let found = memchr::memchr2(b'"', b'\\', rest)?;
            i += found;
            if self.bytes.get(i) == Some(&b'\\') {
                escaped = true;
                i += 2;
            } else {
                break;
            }
        }
        let end = i + 1;
        self.push(Slot::new(
            Kind::String,
            offset(at)?,
            offset(end - at)?,
            escaped,
        ))?;
        Some(end)
    }

    /// The kind and end of a literal or number at `at`.
    fn scalar(&self, at: usize) -> Option<(Kind, usize)> {
        let rest = self.bytes.get(at..)?;
        let literal = |word: &[u8], kind| rest.starts_with(word).then_some((kind, at + word.len()));
        match rest.first()? {
            b'n' => literal(b"null", Kind::Null),
            b't' => literal(b"true", Kind::True),
            b'f' => literal(b"false", Kind::False),
            b'-' | b'0'..=b'9' => {
                let len = rest
                    .iter()
                    .position(|b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                    .unwrap_or(rest.len());
                Some((Kind::Number, at + len))
            }
            _ => None,
        }
    }

    /// Closes the container on top of the stack at its bracket `at`.
    fn close(&mut self, stack: &mut Vec<Open>, at: usize) -> Option<usize> {
        let open = stack.pop()?;
        let len = self.slots.checked_sub(open.at)?;
        let members = if open.object {
            let repeats = self.repeats(open.at, open.count);
            self.duplicates |= repeats;
            repeats
        } else {
            false
        };
        self.slot_mut(open.at)?
            .close(offset(len as usize)?, members);
        Some(at + 1)
    }

    /// Whether the object at `at` with `count` members names a key twice.
    fn repeats(&self, at: u32, count: u32) -> bool {
        if count < 2 {
            return false;
        }
        let doc = Peek { builder: self };
        let mut names: Vec<Cow<'_, str>> = Vec::with_capacity(count as usize);
        let mut child = at + 1;
        for _ in 0..count {
            names.push(doc.name(child));
            // the value after the name
            let value = child + 1;
            child = value + doc.span(value);
        }
        if names.len() <= 16 {
            names
                .iter()
                .enumerate()
                .any(|(i, a)| names[i + 1..].contains(a))
        } else {
            let mut seen = HashSet::with_capacity(names.len());
            !names.iter().all(|n| seen.insert(n))
        }
    }
}

/// An offset or length as a slot holds it: inputs are capped at 1 GiB.
fn offset(n: usize) -> Option<u32> {
    u32::try_from(n).ok().filter(|n| *n <= LIMIT)
}

/// Reading slots already written, while building.
struct Peek<'b, 't> {
    builder: &'b Builder<'t>,
}

impl<'b> Peek<'b, '_> {
    fn slot(&self, at: u32) -> Slot {
        self.builder
            .blocks
            .get((at >> BLOCK_BITS) as usize)
            .and_then(|b| b.get(at as usize & (BLOCK - 1)))
            .copied()
            .unwrap_or_default()
    }

    /// Slots taken by the value at `at`.
    fn span(&self, at: u32) -> u32 {
        let slot = self.slot(at);
        if slot.is_container() {
            slot.len().max(1)
        } else {
            1
        }
    }

    /// The member name at `at`, unescaped.
    fn name(&self, at: u32) -> Cow<'b, str> {
        let slot = self.slot(at);
        let raw = self
            .builder
            .bytes
            .get(slot.start() as usize..(slot.start() + slot.len()) as usize)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("\"\"");
        if !slot.flag() {
            Cow::Borrowed(raw.get(1..raw.len().saturating_sub(1)).unwrap_or(""))
        } else {
            serde_json::from_str::<String>(raw).map_or(Cow::Borrowed(raw), Cow::Owned)
        }
    }
}
