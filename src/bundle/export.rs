//! Writing the exported schema files safely (issue 16): `whi schemas
//! export DIR` must write below DIR and nowhere else, whatever was planted
//! there before.
//!
//! - No link is followed when writing: a provider directory that is a
//!   symbolic link is not entered, and a file is never opened through a
//!   link. Each file is written to a new temporary file beside it (created
//!   exclusively, so a planted name cannot redirect it) and renamed into
//!   place; `--force` therefore replaces a link itself, never its target.
//! - A file that could not be written does not stop the others: the
//!   result lists what was written and what was not, so a partial export
//!   is reported, not hidden.
//!
//! DIR itself is the user's choice and is used as given (a link to a
//! directory there is followed, as `cd` would).

use crate::ingest::input::lower_case as lower;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// One file that was not written, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Failure {
    /// The file, below the export directory.
    pub file: PathBuf,
    /// Why, lower case.
    pub reason: String,
}

/// Writes `files` (`(path below dir, contents)`) below `dir`; returns the
/// paths written and the failures, both in the order given.
pub fn write_all(dir: &Path, files: &[(&str, &str)]) -> (Vec<PathBuf>, Vec<Failure>) {
    let mut written = Vec::new();
    let mut failed = Vec::new();
    if let Err(e) = fs::create_dir_all(dir) {
        let reason = format!("cannot create {}: {}", dir.display(), lower(&e));
        for (path, _) in files {
            failed.push(Failure {
                file: PathBuf::from(path),
                reason: reason.clone(),
            });
        }
        return (written, failed);
    }
    for (path, text) in files {
        match write_one(dir, Path::new(path), text.as_bytes()) {
            Ok(()) => written.push(PathBuf::from(path)),
            Err(reason) => failed.push(Failure {
                file: PathBuf::from(path),
                reason,
            }),
        }
    }
    (written, failed)
}

/// Writes one file below `dir`, creating its directories, following no link.
fn write_one(dir: &Path, relative: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut parent = dir.to_path_buf();
    let components: Vec<_> = relative.components().collect();
    let Some((name, directories)) = components.split_last() else {
        return Err("an empty file name".into());
    };
    for component in directories {
        parent.push(component);
        match fs::symlink_metadata(&parent) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(format!(
                    "{} is a symbolic link: not followed, so nothing is written through it (remove it, or export into another directory)",
                    parent.display()
                ));
            }
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return Err(format!("{} is not a directory", parent.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                fs::create_dir(&parent)
                    .map_err(|e| format!("cannot create {}: {}", parent.display(), lower(&e)))?;
            }
            Err(e) => return Err(format!("{}: {}", parent.display(), lower(&e))),
        }
    }
    replace(&parent.join(name), bytes)
}

/// Puts `bytes` at `target` without writing through it: a new temporary
/// file beside it, renamed over it (a link there is replaced, never its
/// target). Also how `whi redact --in-place` writes.
pub fn replace(target: &Path, bytes: &[u8]) -> Result<(), String> {
    if fs::symlink_metadata(target).is_ok_and(|m| m.is_dir()) {
        return Err(format!("{} is a directory", target.display()));
    }
    let temporary = temporary_beside(target, bytes)?;
    fs::rename(&temporary, target).map_err(|e| {
        let _ = fs::remove_file(&temporary);
        format!("cannot rename into {}: {}", target.display(), lower(&e))
    })
}

/// A new file beside `target` holding `bytes`, created exclusively
/// (`O_EXCL`: an existing name or a planted link makes it fail, and the
/// next name is tried).
fn temporary_beside(target: &Path, bytes: &[u8]) -> Result<PathBuf, String> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut last = None;
    for attempt in 0..100 {
        let temporary =
            target.with_file_name(format!(".{name}.whi-{}-{attempt}", std::process::id()));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
        {
            Ok(mut file) => {
                return match file.write_all(bytes).and_then(|()| file.flush()) {
                    Ok(()) => Ok(temporary),
                    Err(e) => {
                        let _ = fs::remove_file(&temporary);
                        Err(format!("cannot write {}: {}", target.display(), lower(&e)))
                    }
                };
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(format!("cannot write {}: {}", target.display(), lower(&e))),
        }
    }
    Err(format!(
        "cannot write {}: no free temporary name beside it ({})",
        target.display(),
        last.map(|e| lower(&e)).unwrap_or_default()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn planted_links_are_neither_followed_nor_written_through() {
        use std::os::unix::fs::symlink;
        let base = std::env::temp_dir().join(format!("whi-export-links-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        let (dir, outside) = (base.join("out"), base.join("outside"));
        fs::create_dir_all(dir.join("b")).ok();
        fs::create_dir_all(&outside).ok();
        fs::write(outside.join("victim"), "keep").ok();
        symlink(&outside, dir.join("a")).ok();
        symlink(outside.join("victim"), dir.join("b/x.json")).ok();
        let files = [("a/x.json", "A"), ("b/x.json", "B"), ("c/x.json", "C")];
        let (written, failed) = write_all(&dir, &files);
        assert_eq!(
            written,
            [PathBuf::from("b/x.json"), PathBuf::from("c/x.json")]
        );
        assert_eq!(failed.len(), 1);
        assert!(failed[0].reason.contains("symbolic link: not followed"));
        assert_eq!(
            fs::read_to_string(outside.join("victim")).ok().as_deref(),
            Some("keep")
        );
        assert!(!outside.join("x.json").exists());
        // The link was replaced by the file; its target is untouched.
        assert!(
            !fs::symlink_metadata(dir.join("b/x.json")).is_ok_and(|m| m.file_type().is_symlink())
        );
        assert_eq!(
            fs::read_to_string(dir.join("b/x.json")).ok().as_deref(),
            Some("B")
        );
        let _ = fs::remove_dir_all(&base);
    }
}
