//! The catalog's lists: `whi schemas` (grouped by provider, with each
//! provider's documentation page), `whi samples`, and what `whi schemas
//! export` wrote. Human lists end with a count line; with `--format json`
//! the lists are NDJSON, one record per schema or sample (`json::ndjson`).

use super::Palette;
use super::common::plural;
use crate::bundle::catalog::{Entry, Export, Sample};
use owo_colors::OwoColorize;
use std::io::{self, Write};

/// `whi schemas`: each provider with its documentation page, then its
/// events as `provider/event  schema path`. When that table is wider than
/// `width`, the events are listed alone and one line says where their
/// files are (the path is the name's: `schemas/<provider>/<event>.schema.json`).
pub fn schemas(
    out: &mut dyn Write,
    palette: &Palette,
    entries: &[Entry],
    width: Option<usize>,
) -> io::Result<()> {
    let column = entries.iter().map(|e| e.name.len()).max().unwrap_or(0);
    let widest = entries.iter().map(|e| e.schema.len()).max().unwrap_or(0);
    let paths = width.is_none_or(|w| 2 + column + 2 + widest <= w);
    let mut providers = 0;
    let mut previous: Option<&str> = None;
    for e in entries {
        if previous != Some(e.provider) {
            if previous.is_some() {
                writeln!(out)?;
            }
            previous = Some(e.provider);
            providers += 1;
            writeln!(
                out,
                "{}  {}",
                e.title.style(palette.strong),
                e.docs_url.style(palette.dim)
            )?;
        }
        if paths {
            writeln!(out, "  {:<column$}  {}", e.name, e.schema)?;
        } else {
            writeln!(out, "  {}", e.name)?;
        }
    }
    writeln!(
        out,
        "\n{} from {}",
        plural(entries.len(), "schema"),
        plural(providers, "provider")
    )?;
    if !paths {
        writeln!(
            out,
            "{} schemas/<provider>/<event>.schema.json; whi schemas show NAME prints one",
            "files:".style(palette.dim)
        )?;
    }
    Ok(())
}

/// `whi samples`: `provider/event  sample path`, one per line; the names
/// alone, and where their files are, when that is wider than `width`.
pub fn samples(
    out: &mut dyn Write,
    palette: &Palette,
    samples: &[Sample],
    width: Option<usize>,
) -> io::Result<()> {
    let column = samples.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let widest = samples.iter().map(|s| s.path.len()).max().unwrap_or(0);
    let paths = width.is_none_or(|w| column + 2 + widest <= w);
    for s in samples {
        if paths {
            writeln!(out, "{:<column$}  {}", s.name, s.path)?;
        } else {
            writeln!(out, "{}", s.name)?;
        }
    }
    writeln!(out, "\n{}", plural(samples.len(), "sample"))?;
    if !paths {
        writeln!(
            out,
            "{} samples/<provider>/<event>.json; whi samples NAME prints one",
            "files:".style(palette.dim)
        )?;
    }
    Ok(())
}

/// `whi schemas export`: how many files went where; a partial export says
/// so, and each file not written is an `error:` line on `err`.
pub fn exported(
    out: &mut dyn Write,
    err: &mut dyn Write,
    palette: &Palette,
    export: &Export,
) -> io::Result<()> {
    let parts: Vec<String> = export
        .per_provider()
        .into_iter()
        .map(|(provider, n)| format!("{provider}/ {n}"))
        .collect();
    let dir = super::escape(&export.dir.display().to_string()).into_owned();
    if export.failed.is_empty() {
        return writeln!(
            out,
            "wrote {} to {dir}: {}",
            plural(export.files.len(), "schema file"),
            parts.join(", ")
        );
    }
    let total = export.files.len() + export.failed.len();
    writeln!(
        out,
        "partial export: wrote {} of {total} schema files to {dir}{}{}",
        export.files.len(),
        if parts.is_empty() { "" } else { ": " },
        parts.join(", ")
    )?;
    for failure in &export.failed {
        writeln!(
            err,
            "{}: {}: not written: {}",
            "error".style(palette.bad),
            super::escape(&export.dir.join(&failure.file).display().to_string()),
            super::escape(&failure.reason)
        )?;
    }
    Ok(())
}
