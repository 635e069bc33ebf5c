//! What ships inside the binary: the embedded schemas and samples, the
//! catalog over them, and `explain`, which reads the schemas to users.

pub mod catalog;
pub mod explain;
pub mod export;
pub mod schema;
