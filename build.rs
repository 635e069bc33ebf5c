//! Embeds `schemas/` and `samples/` into the binary.
//!
//! Writes `$OUT_DIR/embedded.rs` with two tables of `(relative path, contents)`
//! built from `include_str!`, sorted by path, so the catalog is data in the
//! repository and adding a schema file needs no code change here.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

fn table(name: &str, root: &str, file: &mut fs::File) {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let base = manifest.join(root);
    println!("cargo:rerun-if-changed={root}");
    let mut files = Vec::new();
    collect(&base, &mut files);
    files.sort();
    writeln!(file, "pub static {name}: &[(&str, &str)] = &[").ok();
    for path in &files {
        let rel = path
            .strip_prefix(&base)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            file,
            "    ({rel:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .ok();
    }
    writeln!(file, "];").ok();
}

fn main() {
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("embedded.rs");
    let Ok(mut file) = fs::File::create(&out) else {
        panic!("cannot write {}", out.display());
    };
    table("SCHEMA_FILES", "schemas", &mut file);
    table("SAMPLE_FILES", "samples", &mut file);
}
