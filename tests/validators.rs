//! The exported schemas work in another validator: boon (an independent
//! JSON Schema 2020-12 implementation) loads `whi schemas export` output
//! from disk, as a file-based validator (check-jsonschema) would, and the
//! `--bundle` export, and agrees with whi on every sample and on invalid
//! fixtures. (.ci/ajv.sh does the same with ajv-cli.)

mod util;

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

struct Temp(PathBuf);

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn export(test: &str, mode: &str) -> Temp {
    let dir = std::env::temp_dir().join(format!(
        "whi-validators-{test}-{mode}-{}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    let mut args = vec!["schemas", "export"];
    if mode == "bundle" {
        args.push("--bundle");
    }
    let target = dir.to_string_lossy().into_owned();
    args.push(&target);
    let out = util::run(&args, None);
    assert_eq!(out.status.code(), Some(0), "{}", util::stdout(&out));
    Temp(dir)
}

/// Whether boon finds `instance` valid against `schema` read from disk.
fn boon_says(schema: &Path, instance: &Path) -> Result<(), String> {
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    let index = compiler
        .compile(&schema.to_string_lossy(), &mut schemas)
        .map_err(|e| format!("{} does not compile: {e:#}", schema.display()))?;
    let text = fs::read_to_string(instance).map_err(|e| e.to_string())?;
    let value: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    schemas
        .validate(&value, index)
        .map_err(|e| format!("{}: {e}", instance.display()))
}

fn samples() -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    for provider in fs::read_dir(util::root().join("samples")).expect("samples/") {
        let provider = provider.expect("entry").path();
        for sample in fs::read_dir(&provider).expect("provider folder") {
            let sample = sample.expect("entry").path();
            let name = provider.file_name().unwrap_or_default().to_string_lossy();
            let event = sample.file_stem().unwrap_or_default().to_string_lossy();
            found.push((format!("{name}/{event}.schema.json"), sample));
        }
    }
    found.sort();
    found
}

#[test]
fn every_sample_is_valid_in_boon_against_both_exports() {
    let samples = samples();
    assert!(samples.len() >= 30, "{} samples", samples.len());
    for mode in ["folder", "bundle"] {
        let dir = export("samples", mode);
        for (schema, sample) in &samples {
            if let Err(e) = boon_says(&dir.0.join(schema), sample) {
                panic!("{mode} export: {e}");
            }
        }
    }
}

#[test]
fn invalid_fixtures_are_invalid_in_boon_too() {
    let cases = [
        (
            "snipcart/order.status.changed.schema.json",
            "tests/fixtures/invalid/snipcart/order.status.changed.enum.json",
        ),
        (
            "salla/order.created.schema.json",
            "tests/fixtures/many-errors/salla-order-created.json",
        ),
    ];
    for mode in ["folder", "bundle"] {
        let dir = export("invalid", mode);
        for (schema, fixture) in cases {
            // whi says invalid ...
            let whi = util::run(&["validate", "--quiet", fixture], None);
            assert_eq!(whi.status.code(), Some(1), "whi on {fixture}");
            // ... and so does boon, on the data, not on a broken schema.
            let said = boon_says(&dir.0.join(schema), &util::root().join(fixture));
            let error = said.expect_err(fixture);
            assert!(!error.contains("does not compile"), "{mode}: {error}");
        }
    }
}
