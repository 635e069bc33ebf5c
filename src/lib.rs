//! whi, the webhook inspector: detects, validates and summarises order
//! webhooks from Logitrail, Salla, Snipcart and Ongoing WMS.
//!
//! Data flows one way, and the folders follow it; each imports only the ones
//! listed after it:
//!
//! - [`commands`]: the runs behind each subcommand (the only code that sees
//!   per-command settings), feeding records to a renderer;
//! - [`render`]: records → human, JSON, GitHub, JUnit or SARIF output (the only
//!   code that writes);
//! - [`live`]: what `whi listen` makes of a request and what `whi send`
//!   posts (checked, saved, forwarded; never listening or printing itself);
//! - [`redact`]: captures made safe to share (personal data and
//!   credentials masked, shape and validity kept);
//! - [`order`]: diffs and timelines over summaries;
//! - [`check`]: detection, validation, duplicate keys, the per-payload record;
//! - [`bundle`]: the embedded schemas and samples, the catalog, `explain`;
//! - [`providers`]: one module per provider, and the registry;
//! - [`ingest`]: inputs → bytes → payloads, never naming a provider;
//! - [`model`]: the provider-neutral vocabulary.
//!
//! [`cli`] and [`settings`] parse and resolve arguments once.

pub mod bundle;
pub mod check;
pub mod cli;
pub mod commands;
pub mod ingest;
pub mod live;
pub mod model;
pub mod order;
pub mod providers;
pub mod redact;
pub mod render;
pub mod settings;
