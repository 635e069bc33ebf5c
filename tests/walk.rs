//! Directory walks as ripgrep does them (its own `ignore` crate): hidden
//! paths and what ignore files exclude are passed over unless asked for,
//! `--exclude` leaves out more, and a glob that names directories walks
//! them.

mod util;

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Project(PathBuf);

impl Drop for Project {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn write(root: &Path, name: &str, text: &str) {
    let path = root.join(name);
    fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
    fs::write(path, text).expect("write");
}

/// A web project with webhook fixtures in it: a git folder, node modules,
/// editor settings and a package.json the .gitignore leaves out.
fn project(name: &str) -> Project {
    let root = std::env::temp_dir().join(format!("whi-walk-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    let sample = |event: &str| {
        fs::read_to_string(util::root().join(format!("samples/{event}.json"))).expect("sample")
    };
    write(&root, ".git/HEAD", "ref: refs/heads/main\n");
    write(&root, ".git/info/whatever.json", "{\"not\": \"a webhook\"}");
    write(&root, ".gitignore", "node_modules/\n/package.json\n");
    write(
        &root,
        "package.json",
        "{\"name\": \"shop\", \"private\": true}",
    );
    write(
        &root,
        "node_modules/left-pad/package.json",
        "{\"name\": \"left-pad\"}",
    );
    write(&root, ".vscode/settings.json", "{\"editor.tabSize\": 2}");
    write(
        &root,
        "hooks/salla/order.created.json",
        &sample("salla/order.created"),
    );
    write(
        &root,
        "hooks/snipcart.json",
        &sample("snipcart/order.completed"),
    );
    write(
        &root,
        "hooks/old/ongoing.json",
        &sample("ongoing/order.picked"),
    );
    Project(root)
}

fn validate(project: &Project, args: &[&str]) -> (i32, Vec<String>) {
    let out = Command::new(env!("CARGO_BIN_EXE_whi"))
        .arg("validate")
        .args(["--format", "json"])
        .args(args)
        .current_dir(&project.0)
        .stdin(Stdio::null())
        .output()
        .expect("whi runs");
    let sources = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|r| r["source"].as_str().map(str::to_owned))
        .collect();
    (out.status.code().unwrap_or(-1), sources)
}

#[test]
fn a_project_root_reads_only_the_webhook_files() {
    let p = project("root");
    let (code, sources) = validate(&p, &["."]);
    assert_eq!(
        sources,
        [
            "./hooks/old/ongoing.json",
            "./hooks/salla/order.created.json",
            "./hooks/snipcart.json"
        ]
    );
    assert_eq!(code, 0, "nothing unrecognised was read");
}

#[test]
fn hidden_no_ignore_and_exclude_change_what_is_read() {
    let p = project("flags");
    let (code, sources) = validate(&p, &["--hidden", "."]);
    assert!(
        sources.contains(&"./.vscode/settings.json".to_owned()),
        "{sources:?}"
    );
    assert!(
        sources.contains(&"./.git/info/whatever.json".to_owned()),
        "{sources:?}"
    );
    assert!(
        !sources.iter().any(|s| s.contains("package.json")),
        "{sources:?}"
    );
    assert_eq!(code, 1, "the editor settings are no webhook");
    let (_, sources) = validate(&p, &["--no-ignore", "."]);
    assert!(
        sources.contains(&"./package.json".to_owned()),
        "{sources:?}"
    );
    assert!(
        sources.contains(&"./node_modules/left-pad/package.json".to_owned()),
        "{sources:?}"
    );
    assert!(
        !sources.iter().any(|s| s.contains(".vscode")),
        "{sources:?}"
    );
    let (code, sources) = validate(&p, &["--exclude", "old", "--exclude", "*.har", "."]);
    assert_eq!(
        sources,
        ["./hooks/salla/order.created.json", "./hooks/snipcart.json"]
    );
    assert_eq!(code, 0);
}

#[test]
fn a_glob_that_names_directories_walks_them() {
    let p = project("glob");
    let (code, sources) = validate(&p, &["hooks/s*"]);
    assert_eq!(
        sources,
        ["hooks/salla/order.created.json", "hooks/snipcart.json"]
    );
    assert_eq!(code, 0);
    let (_, sources) = validate(&p, &["--exclude", "salla", "hooks/*"]);
    assert_eq!(sources, ["hooks/old/ongoing.json", "hooks/snipcart.json"]);
}

#[test]
fn a_directory_of_only_ignored_files_says_how_to_read_them() {
    let p = project("only-hidden");
    let out = Command::new(env!("CARGO_BIN_EXE_whi"))
        .args(["validate", ".vscode"])
        .current_dir(&p.0)
        .output()
        .expect("whi runs");
    // Named explicitly, a hidden directory is walked.
    assert_eq!(out.status.code(), Some(1));
    write(&p.0, "drafts/.draft.json", "{}");
    let out = Command::new(env!("CARGO_BIN_EXE_whi"))
        .args(["validate", "drafts"])
        .current_dir(&p.0)
        .output()
        .expect("whi runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("but 1 hidden or ignored (--hidden, --no-ignore read it)"),
        "{stderr}"
    );
}
