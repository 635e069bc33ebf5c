//! The provider-neutral vocabulary: the order summary, signatures and
//! timestamps. Imports nothing else of the crate.

pub mod doc;
pub mod problem;
pub mod signature;
pub mod summary;
pub mod timestamp;
