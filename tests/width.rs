//! Human output fits the terminal: every command's human output, piped
//! (so 80 columns unless `COLUMNS` says otherwise), has no line wider than
//! its width. Widths are display widths (colour escapes count for nothing).

mod util;

use std::path::PathBuf;
use textwrap::core::display_width;

/// Every command whose output a person reads, on inputs that make long
/// lines: long file names, long messages, URLs, tables, timelines, help.
const COMMANDS: &[&[&str]] = &[
    &["validate", "samples/"],
    &["validate", "--verbose", "samples/"],
    &["validate", "tests/fixtures/invalid/"],
    &["validate", "tests/fixtures/warn/"],
    &["validate", "tests/fixtures/capture/"],
    &["validate", "tests/fixtures/messages/"],
    &["validate", "--color", "always", "tests/fixtures/invalid/"],
    &["inspect", "samples/"],
    &["inspect", "tests/fixtures/invalid/"],
    &["inspect", "--timeline", "tests/fixtures/timeline/"],
    &["inspect", "--timeline", "tests/fixtures/timeline-invalid/"],
    &[
        "diff",
        "tests/fixtures/diff/salla-before.json",
        "tests/fixtures/diff/salla-after.json",
    ],
    &[
        "diff",
        "--all",
        "tests/fixtures/diff/snipcart-before.json",
        "tests/fixtures/diff/snipcart-after.json",
    ],
    &["explain", "ongoing/order.status.changed"],
    &["explain", "salla/order.created"],
    &["explain", "salla/order.created/data/status/slug"],
    &["explain", "snipcart/order.completed/content/items/0"],
    &["schemas"],
    &["samples"],
    &["--help"],
    &["validate", "--help"],
    &["inspect", "--help"],
    &["diff", "--help"],
    &["sign", "--help"],
    &["listen", "--help"],
    &["send", "--help"],
    &["redact", "--help"],
    &["schemas", "--help"],
    &["samples", "--help"],
    &["explain", "--help"],
    &["completions", "--help"],
    &["man", "--help"],
];

fn too_wide(args: &[&str], columns: Option<&str>, width: usize) -> Vec<String> {
    let mut command = util::command(args);
    if let Some(columns) = columns {
        command.env("COLUMNS", columns);
    }
    let output = command.output().expect("whi runs");
    let text = util::stdout(&output);
    assert!(
        text.lines().count() > 1,
        "whi {args:?} printed almost nothing: {text}"
    );
    text.lines()
        .filter(|line| display_width(line) > width)
        .map(|line| format!("{} columns: {line}", display_width(line)))
        .collect()
}

#[test]
fn every_command_fits_80_columns_when_piped() {
    let mut failures = Vec::new();
    for args in COMMANDS {
        for line in too_wide(args, None, 80) {
            failures.push(format!("whi {}: {line}", args.join(" ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn columns_sets_the_width() {
    for (columns, width) in [("60", 60), ("120", 120), ("10", 40)] {
        for args in [&["validate", "tests/fixtures/invalid/"][..], &["schemas"]] {
            let lines = too_wide(args, Some(columns), width);
            assert!(lines.is_empty(), "COLUMNS={columns}: {}", lines.join("\n"));
        }
    }
    // Wider is used: at 120 columns the schema table keeps its paths.
    let mut command = util::command(&["schemas"]);
    command.env("COLUMNS", "120");
    let text = util::stdout(&command.output().expect("whi runs"));
    assert!(text.contains("salla/order.created  "), "{text}");
    assert!(
        text.contains("schemas/salla/order.created.schema.json"),
        "{text}"
    );
}

#[test]
fn an_export_report_fits_too() {
    let dir = std::env::temp_dir().join(format!("whi-width-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let target: PathBuf = dir.join("a-rather-long-folder-name-for-the-exported-schemas");
    let lines = too_wide(&["schemas", "export", &target.to_string_lossy()], None, 80);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(lines.is_empty(), "{}", lines.join("\n"));
}
