//! The live loop: what `whi listen` makes of each request it receives (a
//! [`delivery::Delivery`]: the request kept as a raw HTTP capture, checked
//! exactly as `whi validate` checks that capture, saved, forwarded), and
//! what `whi send` posts ([`outbound`]). Nothing here prints or listens:
//! the server and the output are in `commands` and `render`.

pub mod delivery;
pub mod forward;
pub mod headers;
pub mod outbound;
