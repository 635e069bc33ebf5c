//! whi in the shell and in CI, run against the built binary: samples piped
//! into `whi validate`, the JSON of `schemas`, `samples` and `explain`
//! parsed (not compared as strings), `--max-errors` in JSON, an export whose
//! `$ref`s all resolve on disk, and every completion shell.

mod util;

use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

const MANY: &str = "tests/fixtures/many-errors/salla-order-created.json";

fn whi(args: &[&str]) -> Output {
    util::run(args, None)
}

fn lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// `whi samples NAME | whi validate`, for every bundled sample.
#[test]
fn every_sample_piped_into_validate_is_valid() {
    let list = lines(&whi(&["samples", "--format", "json"]));
    assert_eq!(list.len(), event_count());
    for sample in list {
        let name = sample["name"].as_str().unwrap_or_default();
        let printed = whi(&["samples", name]);
        assert_eq!(printed.status.code(), Some(0), "{name}");
        let path = sample["path"].as_str().unwrap_or_default();
        let on_disk = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(path));
        assert_eq!(
            Some(&printed.stdout),
            on_disk.ok().as_ref(),
            "{name} as embedded"
        );
        let mut child = util::command(&["validate"])
            .stdin(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(&printed.stdout)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let validated = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8_lossy(&validated.stdout);
        assert_eq!(validated.status.code(), Some(0), "{name}: {text}");
        assert!(text.starts_with(&format!("-: {name} valid")), "{text}");
    }
}

#[test]
fn the_schema_list_in_json_names_files_docs_and_samples() {
    let list = lines(&whi(&["schemas", "--format", "json"]));
    assert_eq!(list.len(), event_count());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for entry in &list {
        let name = entry["name"].as_str().unwrap_or_default();
        assert_eq!(
            Some(name),
            entry["provider"]
                .as_str()
                .zip(entry["event"].as_str())
                .map(|(p, e)| format!("{p}/{e}"))
                .as_deref()
        );
        for key in ["schema", "sample"] {
            let path = entry[key].as_str().unwrap_or_default();
            assert!(root.join(path).is_file(), "{name}: {key} {path}");
        }
        let docs = entry["docs_url"].as_str().unwrap_or_default();
        assert!(docs.starts_with("https://"), "{name}: {docs}");
    }
}

#[test]
fn explain_in_json_is_one_object_with_the_documented_fields() {
    let out = whi(&[
        "explain",
        "--format",
        "json",
        "ongoing/order.picked/orderStatus/number",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let e: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert_eq!(e["schema"], "ongoing/order.picked");
    assert_eq!(e["pointer"], "/orderStatus/number");
    assert_eq!(e["types"], serde_json::json!(["integer"]));
    assert_eq!(e["presence"], "required");
    assert_eq!(e["minimum"], 400);
    assert!(e["known_values"].as_array().is_some_and(|v| v.len() > 5));
    assert_eq!(e["deprecated"], false);
    assert!(e["description"].as_str().is_some_and(|d| d.contains("400")));
}

#[test]
fn max_errors_cuts_the_json_errors_and_keeps_the_total() {
    let out = whi(&["validate", "--format", "json", "--max-errors", "2", MANY]);
    assert_eq!(out.status.code(), Some(1));
    let records = lines(&out);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["errors"].as_array().map(Vec::len), Some(2));
    assert_eq!(records[0]["errors_total"], 7);
    let plain = lines(&whi(&["validate", "--format", "json", MANY]));
    assert_eq!(plain[0]["errors"].as_array().map(Vec::len), Some(7));
    assert!(
        plain[0].get("errors_total").is_none(),
        "only with --max-errors"
    );
    let sarif = whi(&["validate", "--format", "sarif", "--max-errors", "1", MANY]);
    let log: Value = serde_json::from_slice(&sarif.stdout).unwrap_or_default();
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(1));
    let note = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "note");
    assert!(
        note["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("6 more errors"))
    );
}

#[test]
fn quiet_prints_nothing_whatever_the_format() {
    for format in ["human", "json", "github", "junit", "sarif"] {
        let out = whi(&["inspect", "-q", "--format", format, MANY, "samples/"]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(out.stdout.is_empty(), "{format}");
        assert!(out.stderr.is_empty(), "{format}");
    }
}

/// The exported files are the bundled ones, and every relative `$ref` in
/// them names a file that was exported beside it.
#[test]
fn an_export_keeps_its_refs_intact() {
    let dir = std::env::temp_dir().join(format!("whi-shell-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let target = dir.display().to_string();
    let out = whi(&["schemas", "export", &target]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut files = 0;
    for provider in ["logitrail", "ongoing", "salla", "snipcart"] {
        let exported = std::fs::read_dir(dir.join(provider))
            .into_iter()
            .flatten()
            .flatten();
        for entry in exported {
            files += 1;
            let path = entry.path();
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let name = entry.file_name();
            let original = std::fs::read_to_string(root.join(provider).join(&name));
            assert_eq!(
                original.ok().as_deref(),
                Some(text.as_str()),
                "{}",
                path.display()
            );
            let mut refs = Vec::new();
            collect_refs(&serde_json::from_str(&text).unwrap_or_default(), &mut refs);
            for r in refs {
                let file = r.split('#').next().unwrap_or_default();
                if !file.is_empty() {
                    assert!(
                        dir.join(provider).join(file).is_file(),
                        "{}: {r}",
                        path.display()
                    );
                }
            }
        }
    }
    assert_eq!(files, 33);
    let again = whi(&["schemas", "export", &target]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        whi(&["schemas", "export", "--force", &target])
            .status
            .code(),
        Some(0)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[test]
fn completions_for_every_shell_and_man_pages() {
    for (shell, start) in [
        ("bash", "_whi()"),
        ("zsh", "#compdef whi"),
        ("fish", "# Print an optspec"),
        ("powershell", "\nusing namespace"),
        ("elvish", ""),
    ] {
        let out = whi(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.starts_with(start),
            "{shell}: {}",
            &text[..text.len().min(80)]
        );
        assert!(
            text.contains("explain"),
            "{shell} completes the new commands"
        );
    }
    let man = whi(&["man"]);
    assert_eq!(man.status.code(), Some(0));
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(page.contains(".TH whi 1"), "{page}");
    for command in [
        "validate", "inspect", "diff", "sign", "schemas", "samples", "explain",
    ] {
        let out = whi(&["man", command]);
        assert_eq!(out.status.code(), Some(0), "{command}");
        let page = String::from_utf8_lossy(&out.stdout);
        assert!(page.contains(&format!(".TH whi-{command} 1")), "{command}");
    }
}

/// `.pre-commit-hooks.yaml` offers what the README configures.
#[test]
fn the_pre_commit_hook_runs_whi_validate_on_payload_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let hooks = std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap_or_default();
    let lines: Vec<&str> = hooks.lines().map(str::trim).collect();
    for expected in [
        "- id: whi-validate",
        "entry: whi validate",
        "language: rust",
        r"files: '\.(json|ndjson|jsonl|har|http)$'",
        "pass_filenames: true",
    ] {
        assert!(lines.contains(&expected), "{expected}");
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_default();
    assert!(readme.contains("      - id: whi-validate"));
}

/// How many events have a bundled schema (and a sample), from the registry.
fn event_count() -> usize {
    whi::providers::REGISTRY
        .iter()
        .map(|p| p.events().len())
        .sum()
}
