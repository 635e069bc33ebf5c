//! Bytes to payloads: where inputs come from (files, globs, directories,
//! stdin), what shape they are (JSON, NDJSON, raw HTTP, HAR), and where each
//! value sits in the text. Never names a provider.

mod bins;
pub mod capture;
pub mod encoding;
mod globbing;
pub mod http;
pub mod input;
pub mod locate;
pub mod payload;
pub mod reader;
pub mod stdin;
pub mod trace;
