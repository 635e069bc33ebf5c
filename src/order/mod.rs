//! Comparing deliveries of one order: the diff of two payloads and the
//! timeline of many.

pub mod diff;
pub mod timeline;
