//! whi, the webhook inspector: detects, validates and summarises order
//! webhooks from Logitrail, Salla, Snipcart and Ongoing WMS.
//!
//! Data flows one way: [`input`] → [`payload`] → [`detect`] → [`validate`]
//! → [`report`] → [`render`]; [`app`] drives it. Only `render` writes output.

pub mod app;
pub mod capture;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod detect;
pub mod diff;
pub mod duplicates;
pub mod explain;
pub mod input;
pub mod locate;
pub mod payload;
pub mod providers;
pub mod render;
pub mod report;
pub mod schema;
pub mod settings;
pub mod signature;
pub mod summary;
pub mod timeline;
pub mod timestamp;
pub mod validate;
