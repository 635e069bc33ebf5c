//! Inputs: turns the user's INPUT arguments into named byte buffers.
//!
//! An INPUT is `-` (stdin), an existing file, a directory (walked recursively
//! for `*.json`, sorted), or a glob that `whi` expands itself so quoted
//! patterns work on every shell. Problems (missing path, glob matching
//! nothing, unreadable file) are data, reported in input order beside the
//! sources that did read. This module never prints and never writes.
//!
//! Hostile trees must not hang or crash the walk: it keeps its own stack
//! (no recursion, one open directory at a time), never follows a symbolic
//! link into a directory (so link loops end), and never opens anything but
//! regular files, so a FIFO or socket cannot block it. What it passes over
//! that the user may have expected is a [`Note`]. An input larger than
//! [`MAX_INPUT`] (`/dev/zero`, `yes |`) is an error, not an endless read.

use crate::ingest::globbing;
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

/// Something passed over on purpose, worth a line on stderr
/// (`note: <input>: <message>`), that does not change the exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The path concerned.
    pub input: String,
    /// What was done and why: `skipped: not a regular file (FIFO)`.
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

/// The most `whi` reads from one input: each is read whole, and a body
/// larger than this is no webhook (it is `/dev/zero`, or `yes`).
pub const MAX_INPUT: u64 = 1 << 30;

/// Resolves every INPUT argument into inputs, expanding directories and globs.
pub fn resolve<P: AsRef<Path>>(inputs: &[P]) -> Vec<Input> {
    resolve_noting(inputs).0
}

/// How directories are walked, as ripgrep walks them (its own `ignore`
/// crate): hidden files and folders and what `.gitignore`, `.ignore` and
/// git's exclude files leave out are passed over, unless asked for.
#[derive(Debug, Clone, Default)]
pub struct Walking {
    /// Walk hidden files and folders too (`--hidden`).
    pub hidden: bool,
    /// Read what ignore files exclude too (`--no-ignore`).
    pub no_ignore: bool,
    /// Leave out what matches these gitignore-style globs (`--exclude`).
    pub exclude: Vec<String>,
}

/// Resolves every INPUT argument into inputs, expanding directories and
/// globs, with the notes on what the expansion passed over (sorted by path).
/// Arguments are paths, not text: any name the OS allows is read.
pub fn resolve_noting<P: AsRef<Path>>(inputs: &[P]) -> (Vec<Input>, Vec<Note>) {
    resolve_walking(inputs, &Walking::default())
}

/// [`resolve_noting`], walking directories as `walking` says.
pub fn resolve_walking<P: AsRef<Path>>(inputs: &[P], walking: &Walking) -> (Vec<Input>, Vec<Note>) {
    let mut resolved = Vec::new();
    let mut notes = Vec::new();
    let mut stdin_used = false;
    for input in inputs {
        let path = input.as_ref();
        if path.as_os_str() == "-" {
            if stdin_used {
                resolved.push(error("-", "stdin given more than once"));
            } else {
                stdin_used = true;
                resolved.push(Input::Stdin);
            }
            continue;
        }
        match (fs::metadata(path), path.to_str()) {
            (Ok(meta), _) if meta.is_dir() => {
                expand_dir(path, walking, &mut resolved, &mut notes);
            }
            (Ok(_), _) => resolved.push(Input::File(path.to_path_buf())),
            (Err(_), Some(pattern)) if is_glob(pattern) => {
                expand_glob(pattern, walking, &mut resolved, &mut notes);
            }
            (Err(err), _) => resolved.push(error(&display_name(path), &describe_io(&err))),
        }
    }
    (resolved, notes)
}

/// How whi names a path in every output: the path itself when it is
/// UTF-8 (control characters included: human output escapes them, JSON
/// carries them exactly); otherwise each byte that is not UTF-8 written as
/// `\xNN` (`caf\xe9.json`), since no output format can carry it raw.
pub fn display_name(path: &Path) -> String {
    if let Some(text) = path.to_str() {
        return text.to_string();
    }
    #[cfg(unix)]
    {
        use std::fmt::Write;
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for byte in chunk.invalid() {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().into_owned()
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
            let name = display_name(path);
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

/// Reads to the end, after the bytes already read (`head`), but no more
/// than [`MAX_INPUT`] bytes in all. The stream is read in chunks of 16 MiB
/// and joined once at the end, so memory peaks near the input's size (a
/// growing buffer would reallocate and copy: twice the input), and an input
/// over the cap is dropped at the cap. End-of-file is final: once a read
/// returned it, the stream is not read again (a terminal's one Ctrl-D).
pub fn read_capped(head: Vec<u8>, reader: &mut dyn Read) -> Result<Vec<u8>, String> {
    const CHUNK: u64 = 16 << 20;
    let mut total = head.len() as u64;
    let mut chunks = vec![head];
    loop {
        let mut chunk = Vec::with_capacity(CHUNK as usize);
        let read = reader
            .take(CHUNK)
            .read_to_end(&mut chunk)
            .map_err(|err| describe_io(&err))?;
        total += read as u64;
        if total > MAX_INPUT {
            return Err(too_large_message());
        }
        chunks.push(chunk);
        if (read as u64) < CHUNK {
            break;
        }
    }
    let mut bytes = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    for chunk in chunks {
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Why an input over [`MAX_INPUT`] is refused.
pub fn too_large_message() -> String {
    format!(
        "larger than {} GiB: whi reads each input whole, so it cannot be a webhook body",
        MAX_INPUT >> 30
    )
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

fn expand_glob(pattern: &str, walking: &Walking, resolved: &mut Vec<Input>, notes: &mut Vec<Note>) {
    // Walked by whi itself: links to directories are not followed (issue 16).
    let matched = match globbing::expand(pattern) {
        Ok(matched) => matched,
        Err(message) => {
            resolved.push(error(pattern, &message));
            return;
        }
    };
    notes.extend(matched.skipped.iter().map(|(path, why)| skipped(path, why)));
    let excluded = excluder(Path::new("."), &walking.exclude);
    let kept = |path: &PathBuf, is_dir: bool| {
        excluded
            .as_ref()
            .is_none_or(|o| !o.matched(path, is_dir).is_ignore())
    };
    let dirs: Vec<PathBuf> = matched.dirs.into_iter().filter(|d| kept(d, true)).collect();
    // A file in a matched directory is read when the directory is walked.
    let files: Vec<PathBuf> = matched
        .files
        .into_iter()
        .filter(|f| kept(f, false) && !dirs.iter().any(|d| f.starts_with(d)))
        .collect();
    if files.is_empty() && dirs.is_empty() {
        resolved.push(error(pattern, "glob matched no files"));
    }
    // A glob that names directories walks them, as a directory argument is;
    // their files and the glob's own are read in one sorted order.
    let mut walked = Vec::new();
    for dir in dirs {
        expand_dir(&dir, walking, &mut walked, notes);
    }
    let mut all: Vec<PathBuf> = files;
    for input in walked {
        match input {
            Input::File(path) => all.push(path),
            other => resolved.push(other),
        }
    }
    all.sort();
    resolved.extend(all.into_iter().map(Input::File));
}

/// The `--exclude` globs as an ignore matcher rooted at `root`, or the
/// error they make.
fn excluder(root: &Path, exclude: &[String]) -> Option<ignore::overrides::Override> {
    if exclude.is_empty() {
        return None;
    }
    let mut builder = ignore::overrides::OverrideBuilder::new(root);
    for glob in exclude {
        // In an override, `!glob` leaves out what matches.
        let _ = builder.add(&format!("!{glob}"));
    }
    builder.build().ok()
}

fn expand_dir(dir: &Path, walking: &Walking, resolved: &mut Vec<Input>, notes: &mut Vec<Note>) {
    let mut found = Walk::default();
    walk(dir, walking, &mut found);
    found.files.sort();
    found.errors.sort_by(|a, b| a.input.cmp(&b.input));
    found.notes.sort_by(|a, b| a.input.cmp(&b.input));
    if found.files.is_empty() && found.errors.is_empty() {
        let kinds: Vec<String> = DIR_EXTENSIONS.iter().map(|e| format!("*.{e}")).collect();
        // Say so when hidden or ignored files are all there is.
        let mut everything = Walk::default();
        if !(walking.hidden && walking.no_ignore) {
            let all = Walking {
                hidden: true,
                no_ignore: true,
                exclude: walking.exclude.clone(),
            };
            walk(dir, &all, &mut everything);
        }
        let unless = match everything.files.len() {
            0 => String::new(),
            n => format!(
                " but {n} hidden or ignored (--hidden, --no-ignore read {})",
                if n == 1 { "it" } else { "them" }
            ),
        };
        resolved.push(error(
            &display_name(dir),
            &format!("directory holds no {} files{unless}", kinds.join(", ")),
        ));
    }
    notes.extend(found.notes);
    resolved.extend(found.errors.into_iter().map(Input::Error));
    resolved.extend(found.files.into_iter().map(Input::File));
}

/// What a directory walk found.
#[derive(Default)]
struct Walk {
    files: Vec<PathBuf>,
    errors: Vec<InputError>,
    notes: Vec<Note>,
}

/// Collects matching regular files below `root` with ripgrep's walker
/// (iterative: deep trees cannot overflow the stack), passing over hidden
/// and ignored paths unless `walking` says otherwise. Symbolic links to
/// files are read; links to directories are not followed (so a loop cannot
/// hang the walk); FIFOs, sockets and devices are never opened (so nothing
/// blocks).
fn walk(root: &Path, walking: &Walking, found: &mut Walk) {
    let ignores = !walking.no_ignore;
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(!walking.hidden)
        .ignore(ignores)
        .git_ignore(ignores)
        .git_global(ignores)
        .git_exclude(ignores)
        .parents(ignores)
        // A .gitignore counts in an unpacked archive too, not only in a clone.
        .require_git(false)
        .follow_links(false);
    if let Some(excluded) = excluder(root, &walking.exclude) {
        builder.overrides(excluded);
    }
    for entry in builder.build() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                found.errors.push(InputError {
                    input: display_name(root),
                    message: err.to_string(),
                });
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let path = entry.path().to_path_buf();
        let Some(kind) = entry.file_type() else {
            continue;
        };
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| DIR_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)));
        if kind.is_dir() {
            // The walker descends on its own.
        } else if kind.is_file() {
            if wanted {
                found.files.push(path);
            }
        } else if kind.is_symlink() {
            symlink(path, wanted, found);
        } else if wanted {
            found.notes.push(skipped(&path, &not_regular(&kind)));
        }
    }
}

/// A symbolic link met in a walk: read if it leads to a wanted file, noted
/// if it leads to a directory, to something else, or nowhere.
fn symlink(path: PathBuf, wanted: bool, found: &mut Walk) {
    match fs::metadata(&path) {
        Ok(meta) if meta.is_file() => {
            if wanted {
                found.files.push(path);
            }
        }
        Ok(meta) if meta.is_dir() => found
            .notes
            .push(skipped(&path, "symbolic link to a directory, not followed")),
        Ok(meta) => {
            if wanted {
                found
                    .notes
                    .push(skipped(&path, &not_regular(&meta.file_type())));
            }
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            if wanted {
                found.notes.push(skipped(&path, "broken symbolic link"));
            }
        }
        // A link loop ("too many levels of symbolic links") or worse.
        Err(err) => found.notes.push(skipped(
            &path,
            &format!("symbolic link: {}", describe_io(&err)),
        )),
    }
}

fn skipped(path: &Path, why: &str) -> Note {
    Note {
        input: display_name(path),
        message: format!("skipped: {why}"),
    }
}

/// `not a regular file (FIFO)`, naming the kind where the platform tells.
fn not_regular(kind: &fs::FileType) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let name = if kind.is_fifo() {
            Some("FIFO")
        } else if kind.is_socket() {
            Some("socket")
        } else if kind.is_char_device() {
            Some("character device")
        } else if kind.is_block_device() {
            Some("block device")
        } else {
            None
        };
        if let Some(name) = name {
            return format!("not a regular file ({name})");
        }
    }
    let _ = kind;
    "not a regular file".into()
}

/// An I/O error in the lower-case words of `error: <path>: <why>`.
fn describe_io(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::NotFound => "no such file or directory".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        _ => lower_case(err),
    }
}

/// An I/O error as whi's messages word it, in lower case:
/// "Is a directory (os error 21)" → "is a directory (os error 21)".
pub fn lower_case(err: &std::io::Error) -> String {
    let text = err.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
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
        let got = names(&resolve(&["nope.json", "nowhere/*.json", "-", "-"]));
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
        let err = open(&Input::File(PathBuf::from(".")), &mut std::io::empty()).err();
        assert_eq!(
            err.map(|e| e.message).as_deref(),
            Some("is a directory where a file was expected")
        );
    }

    #[cfg(unix)]
    #[test]
    fn special_files_and_link_loops_are_noted_never_opened() {
        use std::os::unix::fs::symlink;
        let dir = std::env::temp_dir().join(format!("whi-special-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("sub")).ok();
        fs::write(dir.join("good.json"), "{}").ok();
        let fifo = std::process::Command::new("mkfifo")
            .arg(dir.join("pipe.json"))
            .status();
        assert!(fifo.is_ok_and(|s| s.success()), "mkfifo failed");
        let _socket = std::os::unix::net::UnixListener::bind(dir.join("sock.json"));
        symlink("loop.json", dir.join("loop.json")).ok();
        symlink("nowhere.json", dir.join("dangling.json")).ok();
        symlink("sub", dir.join("linked")).ok();
        symlink("good.json", dir.join("alias.json")).ok();
        let (inputs, notes) = resolve_noting(&[dir.display().to_string()]);
        let _ = fs::remove_dir_all(&dir);
        let files: Vec<String> = names(&inputs)
            .iter()
            .map(|n| n.rsplit('/').next().unwrap_or_default().to_string())
            .collect();
        assert_eq!(files, vec!["alias.json", "good.json"]);
        let notes: Vec<String> = notes
            .iter()
            .map(|n| {
                let file = n.input.rsplit('/').next().unwrap_or_default();
                format!("{file}: {}", n.message)
            })
            .collect();
        assert_eq!(
            notes,
            vec![
                "dangling.json: skipped: broken symbolic link",
                "linked: skipped: symbolic link to a directory, not followed",
                "loop.json: skipped: symbolic link: too many levels of symbolic links (os error 40)",
                "pipe.json: skipped: not a regular file (FIFO)",
                "sock.json: skipped: not a regular file (socket)",
            ]
        );
    }

    #[test]
    fn deep_trees_are_walked_without_recursion() {
        let root = std::env::temp_dir().join(format!("whi-deep-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let mut dir = root.clone();
        for _ in 0..300 {
            dir.push("d");
        }
        fs::create_dir_all(&dir).ok();
        fs::write(dir.join("x.json"), "{}").ok();
        let got = resolve(&[root.display().to_string()]);
        let _ = fs::remove_dir_all(&root);
        assert_eq!(got.len(), 1, "{:?}", names(&got));
    }

    #[cfg(unix)]
    #[test]
    fn endless_inputs_stop_at_the_cap() {
        let err = crate::ingest::reader::bodies(
            &Input::File(PathBuf::from("/dev/zero")),
            &mut std::io::empty(),
        )
        .err();
        assert!(
            err.is_some_and(|e| e.message.starts_with("larger than 1 GiB")),
            "read /dev/zero whole"
        );
    }
}
