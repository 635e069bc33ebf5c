//! whi, the webhook inspector: detects, validates and summarises order
//! webhooks from Logitrail, Salla, Snipcart and Ongoing WMS.
//!
//! Data flows one way: [`input`] → [`payload`] → [`detect`] → [`validate`]
//! → [`report`] → [`render`]; [`app`] drives it. Only `render` writes output.

pub mod app;
pub mod cli;
pub mod detect;
pub mod duplicates;
pub mod input;
pub mod locate;
pub mod payload;
pub mod providers;
pub mod render;
pub mod report;
pub mod schema;
pub mod settings;
pub mod summary;
pub mod timestamp;
pub mod validate;
