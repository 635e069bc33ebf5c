//! The catalog of what `whi` bundles: every provider's events with their
//! schema file, documentation page and sample; lookups by name that answer
//! an unknown name with its near matches; and the export of the schema
//! files to a directory.
//!
//! Names are `provider/event` (`salla/order.created`); the paths printed by
//! `whi schemas` and `whi samples` are accepted too. Returns data and
//! writes files only in [`export`]; never prints.

use crate::bundle::schema;
use crate::providers::REGISTRY;
use anyhow::{Result, bail};
use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// One event with a bundled schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// `salla/order.created`: what `whi schemas show` and `whi explain` take.
    pub name: String,
    /// `salla`.
    pub provider: &'static str,
    /// `Salla`, `Ongoing WMS`.
    #[serde(skip)]
    pub title: &'static str,
    /// `order.created`.
    pub event: &'static str,
    /// `schemas/salla/order.created.schema.json`.
    pub schema: String,
    /// Where the provider documents its order webhooks.
    pub docs_url: &'static str,
    /// `samples/salla/order.created.json`, when one is bundled.
    pub sample: Option<String>,
}

/// One bundled sample payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sample {
    /// `salla/order.created`.
    pub name: String,
    /// `samples/salla/order.created.json`.
    pub path: String,
    /// The payload, exactly as embedded.
    #[serde(skip)]
    pub text: &'static str,
}

/// A name that matches nothing bundled, with the names it is close to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// What was asked for: `schema`, `sample`.
    pub what: &'static str,
    /// The name as given.
    pub name: String,
    /// Near matches, best first (at most three).
    pub suggestions: Vec<String>,
    /// The command that lists every name.
    pub list: &'static str,
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no bundled {} {}{} ({} lists them all)",
            self.what,
            self.name,
            did_you_mean(&self.suggestions),
            self.list
        )
    }
}

impl std::error::Error for Unknown {}

/// Every event with a bundled schema, sorted by provider, then event.
pub fn entries() -> Vec<Entry> {
    let mut entries: Vec<Entry> = REGISTRY
        .iter()
        .flat_map(|p| {
            p.events().iter().map(move |event| {
                let name = format!("{}/{event}", p.name());
                let sample = format!("{name}.json");
                Entry {
                    schema: format!("schemas/{}", schema::path_of(p.name(), event)),
                    sample: schema_sample(&sample).map(|_| format!("samples/{sample}")),
                    name,
                    provider: p.name(),
                    title: p.title(),
                    event,
                    docs_url: p.docs_url(),
                }
            })
        })
        .collect();
    entries.sort_by(|a, b| (a.provider, a.event).cmp(&(b.provider, b.event)));
    entries
}

fn schema_sample(path: &str) -> Option<&'static str> {
    schema::samples()
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
}

/// The event `name` names, or its near matches.
pub fn find(name: &str) -> Result<Entry, Unknown> {
    let wanted = normalise(name, "schemas/", ".schema.json");
    let entries = entries();
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    match exact(wanted, &names).and_then(|i| entries.get(i)) {
        Some(entry) => Ok(entry.clone()),
        None => Err(unknown("schema", name, &names, "whi schemas")),
    }
}

/// A schema file by name, `_defs` files included (`salla/_defs`), as
/// `(path below schemas/, contents)`.
pub fn schema_file(name: &str) -> Result<(&'static str, &'static str), Unknown> {
    let wanted = normalise(name, "schemas/", ".schema.json");
    let files = schema::files();
    let names: Vec<&str> = files
        .iter()
        .map(|(path, _)| path.strip_suffix(".schema.json").unwrap_or(path))
        .collect();
    match exact(wanted, &names).and_then(|i| files.get(i)) {
        Some(file) => Ok(*file),
        None => Err(unknown("schema", name, &names, "whi schemas")),
    }
}

/// Every bundled sample, sorted by path.
pub fn samples() -> Vec<Sample> {
    schema::samples()
        .iter()
        .map(|(path, text)| Sample {
            name: path.strip_suffix(".json").unwrap_or(path).to_string(),
            path: format!("samples/{path}"),
            text,
        })
        .collect()
}

/// The sample `name` names, or its near matches.
pub fn sample(name: &str) -> Result<Sample, Unknown> {
    let wanted = normalise(name, "samples/", ".json");
    let samples = samples();
    let names: Vec<&str> = samples.iter().map(|s| s.name.as_str()).collect();
    match exact(wanted, &names).and_then(|i| samples.get(i)) {
        Some(sample) => Ok(sample.clone()),
        None => Err(unknown("sample", name, &names, "whi samples")),
    }
}

/// `schemas/salla/order.created.schema.json` → `salla/order.created`.
fn normalise<'n>(name: &'n str, prefix: &str, suffix: &str) -> &'n str {
    let name = name.trim();
    let name = name.strip_prefix("./").unwrap_or(name);
    let name = name.strip_prefix(prefix).unwrap_or(name);
    name.strip_suffix(suffix).unwrap_or(name)
}

/// The index of `wanted` among `names`, ignoring case (no two bundled
/// names differ only by case).
fn exact(wanted: &str, names: &[&str]) -> Option<usize> {
    names.iter().position(|n| n.eq_ignore_ascii_case(wanted))
}

fn unknown(what: &'static str, name: &str, names: &[&str], list: &'static str) -> Unknown {
    let wanted = normalise(name, "", "");
    let mut suggestions = if wanted.contains('/') {
        Vec::new()
    } else {
        // `order.created` without its provider: every provider's event of that name.
        names
            .iter()
            .filter(|n| {
                n.split_once('/')
                    .is_some_and(|(_, event)| event.eq_ignore_ascii_case(wanted))
            })
            .map(|n| n.to_string())
            .collect()
    };
    if suggestions.is_empty() {
        suggestions = if wanted.contains('/') {
            near(wanted, names.iter().copied())
        } else {
            let events = names
                .iter()
                .map(|n| (n.split_once('/').map_or(*n, |(_, event)| event), *n));
            near_keyed(wanted, events)
        };
    }
    Unknown {
        what,
        name: name.to_string(),
        suggestions,
        list,
    }
}

/// `: did you mean x?`, `: did you mean one of x, y?`, or nothing.
pub fn did_you_mean(suggestions: &[String]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!(": did you mean {one}?"),
        many => format!(": did you mean one of {}?", many.join(", ")),
    }
}

/// The candidates closest to `name` within two edits (a swapped pair
/// counts as one; case is ignored): only those at the smallest distance
/// found, at most three, so that one typo names one answer.
pub fn near<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Vec<String> {
    near_keyed(name, candidates.into_iter().map(|c| (c, c)))
}

/// Like [`near`], comparing `name` with each candidate's key and answering
/// with the candidate.
fn near_keyed<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = (&'c str, &'c str)>,
) -> Vec<String> {
    const LIMIT: usize = 2;
    let name = name.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|(key, c)| (strsim::damerau_levenshtein(&name, &key.to_lowercase()), c))
        .filter(|(distance, _)| *distance <= LIMIT)
        .collect();
    scored.sort();
    scored.dedup();
    let best = scored.first().map_or(0, |(distance, _)| *distance);
    scored
        .into_iter()
        .take_while(|(distance, _)| *distance == best)
        .take(3)
        .map(|(_, c)| c.into())
        .collect()
}

/// What [`export`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Export {
    /// The directory written to, as given.
    pub dir: PathBuf,
    /// The files written, below `dir`, in catalog order.
    pub files: Vec<PathBuf>,
    /// The files that could not be written, and why: a partial export.
    pub failed: Vec<crate::bundle::export::Failure>,
}

impl Export {
    /// How many files went to each provider's directory, by provider.
    pub fn per_provider(&self) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for file in &self.files {
            let provider = file
                .components()
                .next()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .unwrap_or_default();
            match counts.last_mut() {
                Some((last, n)) if *last == provider => *n += 1,
                _ => counts.push((provider, 1)),
            }
        }
        counts
    }
}

/// Writes every bundled schema file, the shared `_defs` files included,
/// to `dir/<provider>/`, so that their relative `$ref`s resolve there as
/// they do in the binary. Refuses, before writing anything, when a file
/// (or a link in its place) would be replaced, unless `force`; with it, a
/// link is replaced, never written through. Files that cannot be written
/// are listed in [`Export::failed`]; the others are still written.
pub fn export(dir: &Path, force: bool, bundle: bool) -> Result<Export> {
    // --bundle: the events only, each with what it refers to embedded.
    let bundled: Vec<(&str, String)> = if bundle {
        schema::files()
            .iter()
            .filter(|(path, _)| !path.rsplit('/').next().unwrap_or(path).starts_with('_'))
            .map(|(path, _)| Ok((*path, schema::bundled(path)?)))
            .collect::<Result<_>>()?
    } else {
        Vec::new()
    };
    let files: Vec<(&str, &str)> = if bundle {
        bundled.iter().map(|(p, t)| (*p, t.as_str())).collect()
    } else {
        schema::files().to_vec()
    };
    let files = files.as_slice();
    if !force {
        let existing: Vec<PathBuf> = files
            .iter()
            .map(|(path, _)| dir.join(path))
            .filter(|target| target.symlink_metadata().is_ok())
            .collect();
        if let Some(first) = existing.first() {
            let more = match existing.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            bail!(
                "{} exists{more}: pass --force to overwrite, or export into another directory",
                first.display()
            );
        }
    }
    // No link is followed and each file is renamed into place (issue 16).
    let (written, failed) = crate::bundle::export::write_all(dir, files);
    Ok(Export {
        dir: dir.to_path_buf(),
        files: written,
        failed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_is_listed_once_with_its_schema_file() {
        let entries = entries();
        let total: usize = REGISTRY.iter().map(|p| p.events().len()).sum();
        assert_eq!(entries.len(), total);
        for e in &entries {
            let below = e.schema.strip_prefix("schemas/").unwrap_or_default();
            assert!(schema::file(below).is_some(), "{}", e.schema);
            assert!(e.docs_url.starts_with("https://"), "{}", e.docs_url);
        }
    }

    #[test]
    fn names_and_paths_are_found_case_insensitively() {
        let found = |n: &str| find(n).map(|e| e.name);
        assert_eq!(
            found("salla/order.created").as_deref(),
            Ok("salla/order.created")
        );
        assert_eq!(
            found("schemas/salla/order.created.schema.json").as_deref(),
            Ok("salla/order.created")
        );
        assert_eq!(
            found("snipcart/order.paymentstatus.changed").as_deref(),
            Ok("snipcart/order.paymentStatus.changed")
        );
        assert!(schema_file("salla/_defs").is_ok());
        assert!(find("salla/_defs").is_err(), "_defs is not an event");
        assert_eq!(
            sample("samples/ongoing/order.picked.json").map(|s| s.name),
            Ok("ongoing/order.picked".to_string())
        );
    }

    #[test]
    fn unknown_names_get_near_matches() {
        let err = find("salla/order.craeted").err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some(
                "no bundled schema salla/order.craeted: did you mean salla/order.created? (whi schemas lists them all)"
            )
        );
        let bare = find("order.created").err().map(|e| e.suggestions);
        assert_eq!(
            bare,
            Some(vec![
                "ongoing/order.created".to_string(),
                "salla/order.created".to_string()
            ])
        );
        let far = find("stripe/charge.succeeded").err().map(|e| e.suggestions);
        assert_eq!(far, Some(Vec::new()));
    }

    #[test]
    fn export_refuses_to_overwrite_unless_forced() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("whi-export-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = export(&dir, false, false)?;
        assert_eq!(first.files.len(), schema::files().len());
        for (path, text) in schema::files() {
            assert_eq!(std::fs::read_to_string(dir.join(path))?, *text);
        }
        let again = export(&dir, false, false);
        assert!(again.is_err_and(|e| e.to_string().contains("pass --force")));
        assert!(export(&dir, true, false).is_ok());
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
