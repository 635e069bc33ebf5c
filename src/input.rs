//! Inputs: turns the user's INPUT arguments into named byte buffers.
//!
//! An INPUT is `-` (stdin), an existing file, a directory (walked recursively
//! for `*.json`, sorted), or a glob that `whi` expands itself so quoted
//! patterns work on every shell. Problems (missing path, glob matching
//! nothing, unreadable file) are data, reported in input order beside the
//! sources that did read. This module never prints and never writes.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Bytes read from one place, named as the user will see it.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as given or found (`samples/salla/order.created.json`), or `-` for stdin.
    pub name: String,
    /// The raw bytes, untouched.
    pub bytes: Vec<u8>,
}

/// An input that could not be read: the tool could not do its job for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The argument or path concerned.
    pub input: String,
    /// What went wrong, lower case, with the fix when known.
    pub message: String,
}

/// One resolved input, in the order the user gave them. Files are read
/// only when their turn comes, so memory holds one input at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input.
    Stdin,
    /// A file to read.
    File(PathBuf),
    /// Nothing can be read for this argument.
    Error(InputError),
}

/// File name extensions picked up when walking a directory.
const DIR_EXTENSIONS: &[&str] = &["json", "ndjson", "jsonl", "http", "har"];

/// Resolves every INPUT argument into inputs, expanding directories and globs.
pub fn resolve(inputs: &[String]) -> Vec<Input> {
    let mut resolved = Vec::new();
    let mut stdin_used = false;
    for input in inputs {
        if input == "-" {
            if stdin_used {
                resolved.push(error(input, "stdin given more than once"));
            } else {
                stdin_used = true;
                resolved.push(Input::Stdin);
            }
            continue;
        }
        let path = Path::new(input);
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => expand_dir(path, &mut resolved),
            Ok(_) => resolved.push(Input::File(path.to_path_buf())),
            Err(_) if is_glob(input) => expand_glob(input, &mut resolved),
            Err(err) => resolved.push(error(input, &describe_io(&err))),
        }
    }
    resolved
}

/// Reads one input whole, once.
pub fn read(input: &Input, stdin: &mut dyn Read) -> Result<Source, InputError> {
    match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            stdin.read_to_end(&mut bytes).map_err(|err| InputError {
                input: "-".into(),
                message: format!("cannot read stdin: {}", describe_io(&err)),
            })?;
            Ok(Source {
                name: "-".into(),
                bytes,
            })
        }
        Input::File(path) => {
            let name = path.display().to_string();
            if path.is_dir() {
                return Err(InputError {
                    input: name,
                    message: "is a directory where a file was expected".into(),
                });
            }
            match fs::read(path) {
                Ok(bytes) => Ok(Source { name, bytes }),
                Err(err) => Err(InputError {
                    input: name,
                    message: describe_io(&err),
                }),
            }
        }
        Input::Error(err) => Err(err.clone()),
    }
}

/// Opens one input for reading as a stream, named as the user sees it.
pub fn open<'a>(
    input: &Input,
    stdin: &'a mut dyn Read,
) -> Result<(String, Box<dyn Read + 'a>), InputError> {
    match input {
        Input::Stdin => Ok(("-".into(), Box::new(stdin))),
        Input::File(path) => {
            let name = path.display().to_string();
            if path.is_dir() {
                return Err(InputError {
                    input: name,
                    message: "is a directory where a file was expected".into(),
                });
            }
            match fs::File::open(path) {
                Ok(file) => Ok((name, Box::new(file))),
                Err(err) => Err(InputError {
                    input: name,
                    message: describe_io(&err),
                }),
            }
        }
        Input::Error(err) => Err(err.clone()),
    }
}

fn error(input: &str, message: &str) -> Input {
    Input::Error(InputError {
        input: input.into(),
        message: message.into(),
    })
}

fn is_glob(input: &str) -> bool {
    input.contains(['*', '?', '['])
}

fn expand_glob(pattern: &str, resolved: &mut Vec<Input>) {
    let paths = match glob::glob(pattern) {
        Ok(paths) => paths,
        Err(err) => {
            resolved.push(error(
                pattern,
                &format!("invalid glob pattern: {}", err.msg),
            ));
            return;
        }
    };
    let mut matched: Vec<PathBuf> = paths
        .filter_map(Result::ok)
        .filter(|p| p.is_file())
        .collect();
    matched.sort();
    if matched.is_empty() {
        resolved.push(error(pattern, "glob matched no files"));
    }
    resolved.extend(matched.into_iter().map(Input::File));
}

fn expand_dir(dir: &Path, resolved: &mut Vec<Input>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    walk(dir, &mut files, &mut errors);
    files.sort();
    if files.is_empty() && errors.is_empty() {
        let kinds: Vec<String> = DIR_EXTENSIONS.iter().map(|e| format!("*.{e}")).collect();
        resolved.push(error(
            &dir.display().to_string(),
            &format!("directory holds no {} files", kinds.join(", ")),
        ));
    }
    resolved.extend(errors.into_iter().map(Input::Error));
    resolved.extend(files.into_iter().map(Input::File));
}

/// Collects matching regular files below `dir`. Symbolic links are not
/// followed into directories, so a link loop cannot hang the walk; FIFOs and
/// sockets are skipped, so nothing blocks on open.
fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<InputError>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            errors.push(InputError {
                input: dir.display().to_string(),
                message: describe_io(&err),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| DIR_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)));
        if kind.is_dir() {
            walk(&path, files, errors);
        } else if wanted && (kind.is_file() || (kind.is_symlink() && path.is_file())) {
            files.push(path);
        }
    }
}

/// An I/O error in the lower-case words of `error: <path>: <why>`.
fn describe_io(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::NotFound => "no such file or directory".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let text = err.to_string();
            // "Is a directory (os error 21)" → "is a directory (os error 21)"
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => text,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(resolved: &[Input]) -> Vec<String> {
        resolved
            .iter()
            .map(|l| match l {
                Input::Stdin => "-".to_string(),
                Input::File(p) => p.display().to_string(),
                Input::Error(e) => format!("error {}: {}", e.input, e.message),
            })
            .collect()
    }

    #[test]
    fn directories_are_walked_sorted_and_filtered() {
        let dir = std::env::temp_dir().join(format!("whi-input-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("b")).ok();
        fs::write(dir.join("b/z.json"), "{}").ok();
        fs::write(dir.join("a.json"), "{}").ok();
        fs::write(dir.join("notes.txt"), "x").ok();
        let got = names(&resolve(&[dir.display().to_string()]));
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got[0].ends_with("a.json") && got[1].ends_with("b/z.json"),
            "{got:?}"
        );
    }

    #[test]
    fn missing_paths_and_empty_globs_are_errors_in_order() {
        let got = names(&resolve(&[
            "nope.json".into(),
            "nowhere/*.json".into(),
            "-".into(),
            "-".into(),
        ]));
        assert_eq!(
            got,
            vec![
                "error nope.json: no such file or directory",
                "error nowhere/*.json: glob matched no files",
                "-",
                "error -: stdin given more than once",
            ]
        );
    }

    #[test]
    fn reading_a_directory_as_a_file_is_an_error() {
        let err = read(&Input::File(PathBuf::from(".")), &mut std::io::empty()).err();
        assert_eq!(
            err.map(|e| e.message).as_deref(),
            Some("is a directory where a file was expected")
        );
    }
}
