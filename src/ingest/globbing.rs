//! Glob expansion that walks the tree itself, so that it follows no link
//! to a directory (issue 16): the `glob` crate follows them, and a loop
//! (`ln -s .. d/up`) made `'d/**/*.json'` run until memory ran out, while a
//! back-link reported one file dozens of times.
//!
//! The pattern is split into its literal head (`d/sub`, walked from as
//! given, links included: the user named it) and the rest, matched one
//! component at a time with [`glob::Pattern`], so `*` never crosses a `/`
//! and `**` matches any number of directories. Below the head the walk
//! keeps its own stack, descends only where the pattern can still match,
//! reads links to files, and notes links to directories instead of
//! following them. Nothing here prints.

use glob::{MatchOptions, Pattern};
use std::fs;
use std::path::PathBuf;

/// What a glob matched: regular files (and links to them), sorted, and
/// what was passed over (`path`, `why`), sorted by path.
#[derive(Debug, Default)]
pub struct Matched {
    /// Files to read.
    pub files: Vec<PathBuf>,
    /// Directories the whole pattern matched, to walk.
    pub dirs: Vec<PathBuf>,
    /// Paths passed over, with why (`symbolic link to a directory, not followed`).
    pub skipped: Vec<(PathBuf, String)>,
}

const OPTIONS: MatchOptions = MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: false,
};

/// Expands `pattern`, or says why it is not a valid pattern.
pub fn expand(pattern: &str) -> Result<Matched, String> {
    let (head, rest) = split(pattern);
    let parts: Vec<Part> = rest
        .iter()
        .map(|c| {
            if *c == "**" {
                Ok(Part::Any)
            } else {
                Pattern::new(c)
                    .map(Part::One)
                    .map_err(|e| format!("invalid glob pattern: {}", e.msg))
            }
        })
        .collect::<Result<_, _>>()?;
    let mut found = Matched::default();
    if parts.is_empty() {
        return Ok(found);
    }
    let root = if head.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        head.clone()
    };
    // (directory, its path as printed, the states of the pattern reached there)
    let mut pending = vec![(root, head, vec![0usize])];
    while let Some((dir, shown, states)) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(text) = name.to_str() else {
                continue;
            };
            let next = advance(&parts, &states, text);
            if next.is_empty() {
                continue;
            }
            let path = shown.join(&name);
            let complete = next.contains(&parts.len());
            let deeper = next.iter().any(|s| *s < parts.len());
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if complete {
                    found.dirs.push(path.clone());
                }
                if deeper {
                    pending.push((entry.path(), path, next));
                }
            } else if kind.is_file() {
                if complete {
                    found.files.push(path);
                }
            } else if kind.is_symlink() {
                match fs::metadata(entry.path()) {
                    Ok(meta) if meta.is_file() && complete => found.files.push(path),
                    Ok(meta) if meta.is_dir() && deeper => found
                        .skipped
                        .push((path, "symbolic link to a directory, not followed".into())),
                    Ok(meta) if complete && !meta.is_file() && !meta.is_dir() => {
                        found.skipped.push((path, "not a regular file".into()));
                    }
                    Err(err) if complete => {
                        found.skipped.push((path, format!("symbolic link: {err}")));
                    }
                    _ => {}
                }
            } else if complete {
                found.skipped.push((path, "not a regular file".into()));
            }
        }
    }
    found.files.sort();
    found.files.dedup();
    found.dirs.sort();
    found.dirs.dedup();
    // A directory inside another matched one is walked with it.
    let dirs = std::mem::take(&mut found.dirs);
    for dir in dirs {
        if !found.dirs.iter().any(|outer| dir.starts_with(outer)) {
            found.dirs.push(dir);
        }
    }
    found.skipped.sort();
    Ok(found)
}

/// One component of the pattern after its literal head.
enum Part {
    /// `**`: any number of directories, none included.
    Any,
    /// A component pattern (`*.json`, `order.*`, `2024-0?`).
    One(Pattern),
}

/// The states after matching one more path component `name` from `states`
/// (indices into `parts`; `parts.len()` means the whole pattern matched).
fn advance(parts: &[Part], states: &[usize], name: &str) -> Vec<usize> {
    let mut next = Vec::new();
    let push = |s: usize, next: &mut Vec<usize>| {
        if !next.contains(&s) {
            next.push(s);
        }
    };
    for &start in states {
        // `**` may match nothing: every state reachable by skipping them.
        let mut s = start;
        loop {
            match parts.get(s) {
                Some(Part::Any) => {
                    // `**` consumes this component and stays.
                    push(s, &mut next);
                    s += 1;
                }
                Some(Part::One(pattern)) => {
                    if pattern.matches_with(name, OPTIONS) {
                        push(s + 1, &mut next);
                    }
                    break;
                }
                None => break,
            }
        }
    }
    next
}

/// `d/sub/**/*.json` → (`d/sub`, [`**`, `*.json`]): the leading components
/// without a glob character, and the rest.
fn split(pattern: &str) -> (PathBuf, Vec<&str>) {
    let mut head = PathBuf::new();
    if pattern.starts_with('/') {
        head.push("/");
    }
    let components: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
    let literal = components
        .iter()
        .take_while(|c| !c.contains(['*', '?', '[']))
        .count();
    for c in &components[..literal] {
        head.push(c);
    }
    (head, components[literal..].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn tree(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("whi-glob-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("d/sub/deeper")).ok();
        for f in ["d/a.json", "d/sub/b.json", "d/sub/deeper/c.json", "d/x.txt"] {
            fs::write(dir.join(f), "{}").ok();
        }
        dir
    }

    fn files(pattern: &Path) -> Vec<String> {
        let matched = expand(&pattern.to_string_lossy()).unwrap_or_default();
        let mut names: Vec<String> = matched
            .files
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn stars_stay_in_one_directory_and_double_stars_descend() {
        let dir = tree("match");
        assert_eq!(files(&dir.join("d/*.json")), ["a.json"]);
        assert_eq!(files(&dir.join("d/*/*.json")), ["b.json"]);
        assert_eq!(
            files(&dir.join("d/**/*.json")),
            ["a.json", "b.json", "c.json"]
        );
        assert_eq!(files(&dir.join("d/**/deeper/*.json")), ["c.json"]);
        assert_eq!(files(&dir.join("d/s?b/*.json")), ["b.json"]);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn links_to_directories_are_noted_not_followed() {
        use std::os::unix::fs::symlink;
        let dir = tree("links");
        symlink("..", dir.join("d/up")).ok();
        symlink("sub", dir.join("d/again")).ok();
        symlink("a.json", dir.join("d/alias.json")).ok();
        let matched = expand(&dir.join("d/**/*.json").to_string_lossy()).unwrap_or_default();
        assert_eq!(matched.files.len(), 4, "{matched:?}");
        let skipped: Vec<String> = matched
            .skipped
            .iter()
            .map(|(p, why)| format!("{}: {why}", p.display()))
            .collect();
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert!(skipped.iter().all(|s| s.ends_with("not followed")));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_literal_head_is_kept_as_given() {
        assert_eq!(split("d/sub/*.json").0, PathBuf::from("d/sub"));
        assert_eq!(split("/tmp/x/**/*.json").0, PathBuf::from("/tmp/x"));
        assert_eq!(split("*.json"), (PathBuf::new(), vec!["*.json"]));
        assert!(expand("d/[").is_err());
    }
}
