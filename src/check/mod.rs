//! Checking one payload: which provider and event it is, whether it matches
//! the bundled schema, duplicate keys, and the record that carries the verdict.

pub mod detect;
pub mod duplicates;
pub mod misspelt;
pub mod record;
pub mod validate;
