//! `whi diff`: one payload from each argument (any name `whi` prints for a
//! body), compared by the core, rendered as a list of changes or JSON.

use super::Outcome;
use crate::check::detect::Overrides;
use crate::cli::DiffFormat;
use crate::ingest::reader;
use crate::order::diff::{self, DiffReport};
use crate::providers::Provider;
use crate::render::wrap::Wrap;
use crate::render::{self, Palette};
use crate::settings::DiffSettings;
use std::io::{Read, Write};

/// Loads one payload from each argument and compares them. An argument is a
/// file, `-`, or any name `whi` prints for a payload (`log.ndjson:2`,
/// `x.har#entries/0`, `batch.json#/1`). An error means the two could not be
/// compared (exit 2).
pub fn diff(
    old: &std::ffi::OsStr,
    new: &std::ffi::OsStr,
    provider: Option<&'static dyn Provider>,
    all: bool,
    stdin: &mut dyn Read,
) -> anyhow::Result<DiffReport> {
    let old = reader::pick_payload(old, stdin)?;
    let new = reader::pick_payload(new, stdin)?;
    let overrides = Overrides {
        provider,
        event: None,
        secret: None,
        max_errors: None,
    };
    diff::compare(&old, &new, overrides, all)
}

/// Runs `whi diff`: exit 1 when the payloads differ, as diff(1).
pub(super) fn run(
    settings: &DiffSettings,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let report = diff(
        &settings.old,
        &settings.new,
        settings.provider,
        settings.all,
        stdin,
    )?;
    match settings.format {
        DiffFormat::Human => render::human::diff(
            &mut Wrap::new(out, settings.width),
            &Palette::new(settings.color),
            &report,
        )?,
        DiffFormat::Json => render::json::diff(out, &report)?,
    }
    out.flush()?;
    Ok(if report.differs() {
        Outcome::Negative
    } else {
        Outcome::Clean
    })
}
