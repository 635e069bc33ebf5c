//! Invariants over the bundled data: every schema compiles and is valid
//! 2020-12; every provider event has a schema and a sample; every sample is
//! valid, warning-free and detected as the provider/event its path names;
//! every fixture fails, warns or passes as its folder and name say.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use whi::bundle::schema;
use whi::check::detect::Overrides;
use whi::check::record::{self, Record, Status};
use whi::ingest::input::Source;
use whi::ingest::payload;
use whi::providers::REGISTRY;

fn records(path: &Path) -> Vec<Record> {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let source = Source {
        name: path.display().to_string(),
        bytes,
    };
    payload::parse(source)
        .iter()
        .map(|p| record::check(p, Overrides::default()))
        .collect()
}

fn json_files(dir: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut out);
    out.sort();
    out
}

#[test]
fn every_schema_is_valid_2020_12_and_compiles() {
    assert!(
        schema::files().len() > event_count(),
        "schemas missing: {}",
        schema::files().len()
    );
    for (path, text) in schema::files() {
        let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(
            value["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{path} must declare draft 2020-12"
        );
        // The file's own name, relative: it resolves to the file itself
        // wherever it is read from, and gives validators that register
        // schemas by id (ajv) a base for the relative $refs.
        let name = path.rsplit('/').next().unwrap_or(path);
        assert_eq!(
            value["$id"], name,
            "{path}: $id must be the file's own name"
        );
        if let Err(e) = jsonschema::draft202012::meta::validate(&value) {
            panic!("{path} is not a valid 2020-12 schema: {e}");
        }
        assert!(
            value.get("description").is_some(),
            "{path} needs a description"
        );
        if !path.contains("/_") {
            schema::validator(path).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

#[test]
fn every_event_has_a_schema_and_a_sample_and_nothing_is_orphaned() {
    let mut expected = Vec::new();
    for provider in REGISTRY {
        for event in provider.events() {
            let schema_path = schema::path_of(provider.name(), event);
            assert!(
                schema::file(&schema_path).is_some(),
                "no schema {schema_path}"
            );
            let sample = format!("{}/{event}.json", provider.name());
            assert!(
                schema::samples().iter().any(|(p, _)| *p == sample),
                "no sample {sample}"
            );
            expected.push(schema_path);
        }
    }
    for (path, _) in schema::files() {
        let is_shared = path.rsplit('/').next().is_some_and(|f| f.starts_with('_'));
        assert!(
            is_shared || expected.contains(&path.to_string()),
            "{path} belongs to no event"
        );
    }
    assert_eq!(expected.len(), event_count());
}

/// How many events have a bundled schema, from the registry.
fn event_count() -> usize {
    REGISTRY.iter().map(|p| p.events().len()).sum()
}

/// Detection asks providers in registry order: a sample two providers
/// recognise would be decided by that order, not by its shape.
#[test]
fn every_sample_is_recognised_by_exactly_one_provider() {
    for (path, text) in schema::samples() {
        let body = whi::model::doc::Doc::parse_str(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let recognised: Vec<&str> = REGISTRY
            .iter()
            .filter(|p| p.recognise(body.root()).is_some())
            .map(|p| p.name())
            .collect();
        let owner = path.split('/').next().unwrap_or_default();
        assert_eq!(recognised, vec![owner], "{path}");
    }
}

#[test]
fn every_sample_is_valid_and_detected_as_its_path_names() {
    let samples = json_files("samples");
    assert_eq!(samples.len(), event_count());
    for path in samples {
        let provider = path
            .parent()
            .and_then(Path::file_name)
            .and_then(|s| s.to_str());
        let event = path.file_stem().and_then(|s| s.to_str());
        let records = records(&path);
        assert_eq!(records.len(), 1, "{}", path.display());
        let r = &records[0];
        assert_eq!(
            (r.provider.map(|p| p.name()), r.event.as_deref()),
            (provider, event),
            "{}",
            path.display()
        );
        assert_eq!(
            r.status,
            Status::Valid,
            "{}: {:#?}",
            path.display(),
            r.errors
        );
        assert!(
            r.warnings.is_empty(),
            "{}: {:#?}",
            path.display(),
            r.warnings
        );
    }
}

#[test]
fn every_invalid_fixture_fails_for_the_reason_its_name_says_where_expected_says() {
    let fixtures = json_files("tests/fixtures/invalid");
    let mut expectations: BTreeMap<String, Value> = BTreeMap::new();
    for path in json_files("tests/fixtures/expected") {
        let text = fs::read_to_string(&path).unwrap_or_default();
        let map: BTreeMap<String, Value> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let provider = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/invalid")
            .join(provider);
        for (file, expected) in map {
            assert!(
                dir.join(&file).is_file(),
                "{}: {file} does not exist",
                path.display()
            );
            expectations.insert(dir.join(file).display().to_string(), expected);
        }
    }
    let mut checked = 0;
    for path in &fixtures {
        let name = path.display().to_string();
        let reason = path
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.rsplit('.').next())
            .unwrap_or_default();
        let records = records(path);
        let failing: Vec<_> = records.iter().filter(|r| r.status.is_failure()).collect();
        assert!(!failing.is_empty(), "{name} should fail");
        let problems: Vec<_> = failing.iter().flat_map(|r| &r.errors).collect();
        assert!(
            problems.iter().any(|p| p.kind.keyword() == reason),
            "{name} should fail with {reason}: {problems:#?}"
        );
        if let Some(expected) = expectations.get(&name) {
            let hit = problems.iter().find(|p| {
                expected["keyword"] == p.kind.keyword() && p.pointer == expected["pointer"]
            });
            let hit = hit.unwrap_or_else(|| panic!("{name}: no {expected} among {problems:#?}"));
            assert_eq!(
                (hit.line, hit.column),
                (
                    expected["line"].as_u64().map(|n| n as usize),
                    expected["column"].as_u64().map(|n| n as usize)
                ),
                "{name}: position of {}",
                hit.pointer
            );
            checked += 1;
        } else {
            assert!(
                reason == "unrecognised",
                "{name} has no entry in its expected.json"
            );
        }
    }
    assert!(checked >= 16, "only {checked} fixtures had expectations");
}

#[test]
fn warn_fixtures_are_valid_with_warnings_and_valid_fixtures_are_clean() {
    for path in json_files("tests/fixtures/warn") {
        for r in records(&path) {
            assert_eq!(
                r.status,
                Status::Valid,
                "{}: {:#?}",
                path.display(),
                r.errors
            );
            assert!(!r.warnings.is_empty(), "{} should warn", path.display());
            assert!(
                r.warnings.iter().all(|w| w.line.is_some()),
                "{}: warnings located",
                path.display()
            );
        }
    }
    let valid = json_files("tests/fixtures/valid");
    assert!(valid.len() >= 8);
    for path in valid {
        for r in records(&path) {
            assert!(
                matches!(r.status, Status::Valid | Status::Unchecked),
                "{}: {:?} {:#?}",
                r.source,
                r.status,
                r.errors
            );
            assert!(r.warnings.is_empty(), "{}: {:#?}", r.source, r.warnings);
        }
    }
}

#[test]
fn other_events_are_detected_but_not_checked() {
    for path in json_files("tests/fixtures/other") {
        let provider = path
            .parent()
            .and_then(Path::file_name)
            .and_then(|s| s.to_str());
        for r in records(&path) {
            assert_eq!(r.status, Status::Unchecked, "{}", r.source);
            assert_eq!(r.provider.map(|p| p.name()), provider);
            assert!(
                r.note
                    .as_deref()
                    .is_some_and(|n| n.contains("no schema is bundled"))
            );
        }
    }
}

/// The real-payload corpus (tests/real/, see its SOURCES.md): every order
/// event validates (warnings allowed); every other payload is recognised
/// with its provider and event and reported not checked. Nothing in it is
/// invalid, unparseable or unrecognised, and every file has its provenance
/// row.
#[test]
fn every_real_payload_is_accepted_and_has_its_source() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real");
    let sources = fs::read_to_string(root.join("SOURCES.md")).expect("tests/real/SOURCES.md");
    let files = json_files("tests/real");
    assert!(files.len() >= 20, "the corpus shrank: {}", files.len());
    let mut checked = 0;
    for path in &files {
        let relative = path
            .strip_prefix(&root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        assert!(
            sources.contains(&format!("`{relative}`")),
            "{relative} has no row in tests/real/SOURCES.md"
        );
        let provider_dir = relative.split('/').next().unwrap_or_default();
        for r in records(path) {
            assert_eq!(
                r.provider.map(|p| p.name()),
                Some(provider_dir),
                "{relative}: detected as {:?}",
                r.provider
            );
            match r.status {
                Status::Valid => checked += 1,
                Status::Unchecked => assert!(r.schema.is_none(), "{relative}"),
                other => panic!("{relative}: {other:?} {:#?}", r.errors),
            }
        }
    }
    assert!(
        checked >= 10,
        "only {checked} real order payloads validated"
    );
}
