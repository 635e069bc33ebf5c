//! `whi redact`: each input redacted ([`crate::redact`]) to stdout, or with
//! `--in-place` written back through a temporary file renamed over it. No
//! input is written otherwise. Exit 2 when an input cannot be redacted.

use super::Outcome;
use crate::ingest::input::{self, Input};
use crate::redact::{self, Masker};
use crate::render::escape;
use std::io::{Read, Write};
use std::path::PathBuf;

/// Runs `whi redact`.
pub(super) fn run(
    inputs: &[PathBuf],
    in_place: bool,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let masker = Masker::default();
    let mut outcome = Outcome::Clean;
    let (resolved, notes) = input::resolve_noting(inputs);
    for note in notes {
        writeln!(
            err,
            "note: {}: {}",
            escape(&note.input),
            escape(&note.message)
        )?;
    }
    for input in resolved {
        let (name, bytes) = match read(&input, stdin) {
            Ok(read) => read,
            Err((name, why)) => {
                writeln!(err, "error: {}: {}", escape(&name), escape(&why))?;
                outcome = outcome.merge(Outcome::Failed);
                continue;
            }
        };
        let redacted = match redact::redact(&name, &bytes, &masker) {
            Ok(redacted) => redacted,
            Err(why) => {
                writeln!(err, "error: {}: {}", escape(&name), escape(&why))?;
                outcome = outcome.merge(Outcome::Failed);
                continue;
            }
        };
        for note in &redacted.notes {
            writeln!(err, "note: {}: {}", escape(&name), escape(note))?;
        }
        match (&input, in_place) {
            (Input::File(path), true) => {
                if let Err(why) = crate::bundle::export::replace(path, &redacted.bytes) {
                    writeln!(
                        err,
                        "error: {}: not written: {}",
                        escape(&name),
                        escape(&why)
                    )?;
                    outcome = outcome.merge(Outcome::Failed);
                } else {
                    writeln!(err, "redacted {}", escape(&name))?;
                }
            }
            (Input::Stdin, true) => {
                writeln!(
                    err,
                    "error: -: stdin cannot be redacted in place; drop --in-place"
                )?;
                outcome = outcome.merge(Outcome::Failed);
            }
            _ => out.write_all(&redacted.bytes)?,
        }
    }
    out.flush()?;
    Ok(outcome)
}

/// An input whole, through the same opening and the same 1 GiB cap as
/// every command's reads.
fn read(input: &Input, stdin: &mut dyn Read) -> Result<(String, Vec<u8>), (String, String)> {
    let (name, mut from) = input::open(input, stdin).map_err(|e| (e.input, e.message))?;
    let bytes = input::read_capped(Vec::new(), &mut from).map_err(|why| (name.clone(), why))?;
    Ok((name, bytes))
}
