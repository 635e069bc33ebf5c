//! The one reader: every command (validate, inspect, diff, sign, and the
//! live receiver) turns an input into webhook bodies here, with the same
//! limits, the same sniffing and the same names.
//!
//! - A file is read in one `read` of the size `fstat` gives; one larger than
//!   [`MAX_INPUT`] is refused before a byte is read, unless it is NDJSON,
//!   which is streamed line by line.
//! - A pipe, a device or stdin is read once, to its end, once: a read that
//!   returned end-of-file is never repeated (a payload pasted at a terminal
//!   ends with one Ctrl-D), and is capped like a file.
//! - Bytes that did not come from an input (a request received on a socket)
//!   go through [`from_bytes`], so they are split exactly as the same bytes
//!   saved to a file would be.
//! - [`pick`] finds one body by the name `whi` prints for it (`file`,
//!   `file:LINE`, `file#entries/N`, `file#/N`), for commands that take one
//!   payload.
//!
//! Nothing here prints or names a provider.

use crate::ingest::capture::{self, Body, Broken, Shape};
use crate::ingest::input::{self, Input, InputError, MAX_INPUT};
use crate::ingest::payload::{self, Parsed, Payload};
use std::cell::Cell;
use std::ffi::{OsStr, OsString};
use std::io::{self, Read};
use std::path::Path;
use std::rc::Rc;

/// The bodies of one input, in order (a stream for NDJSON).
pub type Bodies<'r> = Box<dyn Iterator<Item = Result<Body, Broken>> + 'r>;

/// How much of an input is read to tell what it holds.
pub const SNIFF_BYTES: u64 = 64 * 1024;

/// The bodies found in bytes that are already in memory, named `name`:
/// sniffed and split as a file holding the same bytes would be.
pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Vec<Result<Body, Broken>> {
    let shape = capture::sniff(name, &bytes);
    capture::split(name, bytes, shape)
}

/// Whether an input is read as a stream on the calling thread: stdin, and
/// files that say they are NDJSON by their name.
pub fn streamed(input: &Input) -> bool {
    match input {
        Input::Stdin => true,
        Input::File(path) => capture::sniff(&path.to_string_lossy(), b"") == Shape::Ndjson,
        Input::Error(_) => false,
    }
}

/// Reads a regular file whole. `Ok(None)` when it must be streamed instead
/// (through [`bodies`]): not a regular file (a pipe, a device), or larger
/// than [`SNIFF_BYTES`] and NDJSON by its content.
pub fn read_file(input: &Input) -> Result<Option<(String, Vec<u8>)>, InputError> {
    let Input::File(path) = input else {
        return Ok(None);
    };
    let name = input::display_name(path);
    // Before opening: opening a pipe (`<(command)`) here would take its data.
    let size = match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => meta.len(),
        _ => return Ok(None),
    };
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        // input::open words the error as every other input error.
        Err(_) => {
            input::open(input, &mut io::empty())?;
            return Ok(None);
        }
    };
    let failed = |e: io::Error| InputError {
        input: name.clone(),
        message: format!("cannot read: {e}"),
    };
    if size > SNIFF_BYTES {
        let mut head = Vec::new();
        (&mut file)
            .take(SNIFF_BYTES)
            .read_to_end(&mut head)
            .map_err(failed)?;
        if capture::sniff(&name, &head) == Shape::Ndjson {
            return Ok(None);
        }
        if size > MAX_INPUT {
            return Err(too_large(&name));
        }
        // Room for the whole file (and one byte to see it grew), so the
        // buffer is never reallocated and copied.
        head.reserve_exact(
            usize::try_from(size + 1)
                .unwrap_or(0)
                .saturating_sub(head.len()),
        );
        // The file may have grown since fstat: the cap still holds.
        let limit = (MAX_INPUT + 1).saturating_sub(head.len() as u64);
        (&mut file)
            .take(limit)
            .read_to_end(&mut head)
            .map_err(failed)?;
        if head.len() as u64 > MAX_INPUT {
            return Err(too_large(&name));
        }
        return Ok(Some((name, head)));
    }
    let size = usize::try_from(size).unwrap_or(0);
    // One byte more than expected, so that a full read shows the file grew.
    let mut bytes = vec![0; size + 1];
    let mut filled = 0;
    loop {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => {
                filled += n;
                if filled == size {
                    break;
                }
                if filled == bytes.len() {
                    if bytes.len() as u64 > MAX_INPUT {
                        return Err(too_large(&name));
                    }
                    bytes.resize(bytes.len() * 2, 0);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(failed(e)),
        }
    }
    bytes.truncate(filled);
    Ok(Some((name, bytes)))
}

fn too_large(name: &str) -> InputError {
    InputError {
        input: name.to_string(),
        message: input::too_large_message(),
    }
}

/// The bodies of one input of any kind: a regular file is read whole (see
/// [`read_file`]); stdin, pipes and NDJSON are read from `stdin` or opened,
/// NDJSON streamed with a bounded buffer, anything else read whole, once.
pub fn bodies<'r>(input: &Input, stdin: &'r mut dyn Read) -> Result<Bodies<'r>, InputError> {
    watched(input, stdin).map(|(bodies, _)| bodies)
}

/// Whether a streamed input has handed out everything it had buffered, so
/// that the next body needs a read of the stream (which may wait).
#[derive(Debug, Clone, Default)]
pub struct Drained(Rc<Cell<bool>>);

impl Drained {
    /// Whether the next body needs a read that may wait for the writer:
    /// nothing is buffered here, and stdin has nothing either.
    pub fn idle(&self) -> bool {
        self.0.get() && crate::ingest::stdin::would_wait()
    }
}

/// [`bodies`], with a [`Drained`] that says when the stream ran dry (always
/// false for inputs read whole).
pub fn watched<'r>(
    input: &Input,
    stdin: &'r mut dyn Read,
) -> Result<(Bodies<'r>, Drained), InputError> {
    if let Some((name, bytes)) = read_file(input)? {
        return Ok((
            Box::new(from_bytes(&name, bytes).into_iter()),
            Drained::default(),
        ));
    }
    let (name, reader) = input::open(input, stdin)?;
    stream(name, reader)
}

/// A buffered reader that records, each time a line is taken, whether its
/// buffer is empty.
struct Watch<R> {
    inner: io::BufReader<R>,
    drained: Drained,
}

impl<R: Read> Read for Watch<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.drained.0.set(self.inner.buffer().is_empty());
        Ok(n)
    }
}

impl<R: Read> io::BufRead for Watch<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.inner.consume(amount);
        self.drained.0.set(self.inner.buffer().is_empty());
    }
}

/// The bodies of an open stream: its head tells its shape; NDJSON is
/// streamed, anything else read whole, capped. End-of-file is final: once a
/// read returned it, the stream is not read again.
fn stream<'r>(
    name: String,
    mut reader: Box<dyn Read + 'r>,
) -> Result<(Bodies<'r>, Drained), InputError> {
    let failed = |e: io::Error, name: &str| InputError {
        input: name.to_string(),
        message: format!("cannot read: {e}"),
    };
    let (mut head, mut ended) = sniff_head(&name, &mut reader).map_err(|e| failed(e, &name))?;
    let mut shape = capture::sniff(&name, &head);
    if shape == Shape::Json && !ended && !second_line_starts(&head) {
        // The first line is longer than the head: it may be the first line
        // of NDJSON (issue 16), which only its end and the next line tell.
        (head, ended) = first_lines(head, &mut reader).map_err(|e| InputError {
            input: name.clone(),
            message: e,
        })?;
        if second_line_starts(&head) {
            shape = capture::sniff(&name, &head);
        }
    }
    if shape == Shape::Ndjson {
        let rest: Box<dyn Read + 'r> = if ended { Box::new(io::empty()) } else { reader };
        let drained = Drained::default();
        let stream = Watch {
            inner: io::BufReader::with_capacity(256 * 1024, io::Cursor::new(head).chain(rest)),
            drained: drained.clone(),
        };
        return Ok((Box::new(capture::ndjson(&name, stream)), drained));
    }
    if !ended {
        head = input::read_capped(head, &mut reader).map_err(|message| InputError {
            input: name.clone(),
            message,
        })?;
    }
    Ok((
        Box::new(capture::split(&name, head, shape).into_iter()),
        Drained::default(),
    ))
}

/// Reads the head of a stream: up to [`SNIFF_BYTES`], or less once it
/// shows NDJSON (a stream that pauses after its first lines is not waited
/// for), or to end-of-file; says whether the stream ended.
fn sniff_head(name: &str, reader: &mut dyn Read) -> io::Result<(Vec<u8>, bool)> {
    let mut head = Vec::new();
    let mut buf = vec![0; 64 * 1024];
    while (head.len() as u64) < SNIFF_BYTES {
        let want = usize::try_from(SNIFF_BYTES).unwrap_or(usize::MAX) - head.len();
        let cap = want.min(buf.len());
        let n = match reader.read(&mut buf[..cap]) {
            Ok(0) => return Ok((head, true)),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        head.extend_from_slice(&buf[..n]);
        if second_line_starts(&head) && capture::sniff(name, &head) == Shape::Ndjson {
            break;
        }
    }
    Ok((head, false))
}

/// Whether `text` holds a line with something on it, then the start of
/// another such line.
fn second_line_starts(text: &[u8]) -> bool {
    let mut scan = Lines::Before;
    scan.feed(text);
    scan == Lines::Second
}

/// How far a scan for the second non-blank line got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lines {
    /// Only white space so far.
    Before,
    /// In the first line that has something on it.
    First,
    /// After that line's end, only white space since.
    Between,
    /// The second such line has started.
    Second,
}

impl Lines {
    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            *self = match (*self, b) {
                (Lines::Second, _) => return,
                (Lines::Before, b) if b.is_ascii_whitespace() => Lines::Before,
                (Lines::Before, _) => Lines::First,
                (Lines::First, b'\n') => Lines::Between,
                (Lines::First, _) => Lines::First,
                (Lines::Between, b) if b.is_ascii_whitespace() => Lines::Between,
                (Lines::Between, _) => Lines::Second,
            };
        }
    }
}

/// Reads on, in chunks, until `head` holds the start of its second line or
/// the stream ends; says whether it ended. Capped like every input.
fn first_lines(head: Vec<u8>, reader: &mut dyn Read) -> Result<(Vec<u8>, bool), String> {
    const CHUNK: u64 = 1 << 20;
    let mut scan = Lines::Before;
    scan.feed(&head);
    let mut total = head.len() as u64;
    let mut chunks = vec![head];
    let mut ended = false;
    while !ended && scan != Lines::Second {
        let mut chunk = Vec::new();
        reader
            .take(CHUNK)
            .read_to_end(&mut chunk)
            .map_err(|e| format!("cannot read: {e}"))?;
        ended = (chunk.len() as u64) < CHUNK;
        total += chunk.len() as u64;
        if total > MAX_INPUT {
            return Err(input::too_large_message());
        }
        scan.feed(&chunk);
        chunks.push(chunk);
    }
    Ok((chunks.concat(), ended))
}

/// One body, named as `whi` names them in its output: `file` (which must
/// hold one body), `file:LINE` (NDJSON), `file#entries/N` (HAR),
/// `file#requests/N` (a capture of several requests), or `-`.
/// A `#/N` suffix (a batch element) is left to [`pick_payload`].
pub fn pick(arg: &OsStr, stdin: &mut dyn Read) -> anyhow::Result<Body> {
    let base = base_path(arg);
    let input = if base == "-" {
        Input::Stdin
    } else {
        Input::File(base.clone().into())
    };
    // Bodies are named as whi prints names: compare and report so.
    let path = &input::display_name(Path::new(&base));
    let arg_shown = input::display_name(Path::new(arg));
    let arg = arg_shown.as_str();
    let bodies =
        bodies(&input, stdin).map_err(|e| anyhow::anyhow!("{}: {}", e.input, e.message))?;
    let usable = |body: Result<Body, Broken>| {
        body.map_err(|b| anyhow::anyhow!("{}: {}", b.source, b.message))
    };
    let mut names = Vec::new();
    let mut only = None;
    for body in bodies {
        let source = match &body {
            Ok(body) => body.source.clone(),
            Err(broken) => broken.source.clone(),
        };
        if arg != path && source == arg {
            return usable(body);
        }
        if arg == path && only.is_none() {
            only = Some(body);
        }
        names.push(source);
    }
    let listed = format!(
        "{}{}",
        names[..names.len().min(3)].join(", "),
        if names.len() > 3 { ", …" } else { "" }
    );
    match only {
        Some(body) if names.len() == 1 => usable(body),
        _ if names.is_empty() => anyhow::bail!("{path}: holds no payload"),
        Some(_) => anyhow::bail!(
            "{path}: holds {} bodies; name one as whi prints it: {listed}",
            names.len()
        ),
        None => anyhow::bail!(
            "{arg}: no such body in {path} ({} bodies: {listed})",
            names.len()
        ),
    }
}

/// One payload, named as `whi` names payloads: any name [`pick`] takes,
/// with an optional `#/N` for element N of a JSON array of bodies.
pub fn pick_payload(arg: &OsStr, stdin: &mut dyn Read) -> anyhow::Result<Payload> {
    let (base_arg, element) = split_element(arg);
    let body = pick(&base_arg, stdin)?;
    let base = input::display_name(Path::new(&base_arg));
    let base = base.as_str();
    let mut payloads = Vec::new();
    for parsed in payload::parse_body(body) {
        match parsed {
            Parsed::Payload(p) => payloads.push(p),
            Parsed::Syntax(e) => anyhow::bail!(
                "{}: not valid JSON: {} at line {} column {}",
                e.source,
                e.message,
                e.position.line,
                e.position.column
            ),
        }
    }
    let count = payloads.len();
    match element {
        Some(n) => payloads
            .into_iter()
            .nth(n)
            .ok_or_else(|| anyhow::anyhow!("{base}: has no element #/{n} ({count} payloads)")),
        None if count == 1 => payloads
            .pop()
            .ok_or_else(|| anyhow::anyhow!("{base}: holds no payload")),
        None => anyhow::bail!(
            "{base}: holds {count} payloads (a JSON array); pick one with {base}#/0 … {base}#/{}",
            count.saturating_sub(1)
        ),
    }
}

/// `x.json#/3` → (`x.json`, Some(3)), unless a file has that very name.
fn split_element(arg: &OsStr) -> (OsString, Option<usize>) {
    if Path::new(arg).exists() {
        return (arg.to_owned(), None);
    }
    let shown = input::display_name(Path::new(arg));
    match shown.rsplit_once("#/") {
        Some((base, n)) => match n.parse() {
            Ok(n) => (cut(arg, shown.len() - base.len()), Some(n)),
            Err(_) => (arg.to_owned(), None),
        },
        _ => (arg.to_owned(), None),
    }
}

/// The file a body name lives in: `log.ndjson:2` → `log.ndjson`,
/// `x.har#entries/0` → `x.har`; a name that is itself a file stays whole.
pub fn base_path(arg: &OsStr) -> OsString {
    if arg == "-" || Path::new(arg).exists() {
        return arg.to_owned();
    }
    let shown = input::display_name(Path::new(arg));
    let base = base_name(&shown);
    cut(arg, shown.len() - base.len())
}

/// `arg` without its last `suffix` bytes: the suffixes whi adds to names
/// (`:2`, `#entries/0`, `#/1`) are ASCII, the same in the argument and in
/// the name whi prints for it, so the argument's own bytes are kept.
fn cut(arg: &OsStr, suffix: usize) -> OsString {
    if let Some(text) = arg.to_str() {
        return text[..text.len() - suffix].into();
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = arg.as_bytes();
        OsStr::from_bytes(&bytes[..bytes.len() - suffix]).to_owned()
    }
    #[cfg(not(unix))]
    {
        let text = arg.to_string_lossy();
        text[..text.len().saturating_sub(suffix)].into()
    }
}

/// [`base_path`] on the name as text, whether or not a file has it.
fn base_name(name: &str) -> &str {
    for marker in ["#entries/", "#requests/"] {
        if let Some((path, _)) = name.split_once(marker) {
            return path;
        }
    }
    if let Some((path, line)) = name.rsplit_once(':')
        && !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
    {
        return path;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_whi_prints_map_to_their_files() {
        let os = |s: &str| OsString::from(s);
        assert_eq!(base_path(&os("log.ndjson:12")), "log.ndjson");
        assert_eq!(base_path(&os("x.har#entries/0")), "x.har");
        assert_eq!(base_path(&os("-")), "-");
        assert_eq!(base_path(&os("plain.json")), "plain.json");
        assert_eq!(split_element(&os("b.json#/2")), (os("b.json"), Some(2)));
        assert_eq!(split_element(&os("b.json#/x")), (os("b.json#/x"), None));
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_keep_their_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let arg = OsStr::from_bytes(b"caf\xe9.har#entries/2");
        assert_eq!(base_path(arg), OsStr::from_bytes(b"caf\xe9.har"));
        let arg = OsStr::from_bytes(b"caf\xe9.json#/1");
        assert_eq!(
            split_element(arg),
            (OsStr::from_bytes(b"caf\xe9.json").to_owned(), Some(1))
        );
        assert_eq!(
            input::display_name(Path::new(OsStr::from_bytes(b"caf\xe9\xff.json"))),
            "caf\\xe9\\xff.json"
        );
    }

    #[test]
    fn stdin_is_read_once_to_its_end() {
        // A reader that fails if asked again after it said end-of-file.
        struct Once(Option<Vec<u8>>);
        impl Read for Once {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                match self.0.take() {
                    Some(bytes) => {
                        buf[..bytes.len()].copy_from_slice(&bytes);
                        Ok(bytes.len())
                    }
                    None => Err(io::Error::other("read again after end-of-file")),
                }
            }
        }
        // The first read hands the bytes; the second says end-of-file (0)...
        struct Eof(Once, bool);
        impl Read for Eof {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0.0.is_some() {
                    return self.0.read(buf);
                }
                if self.1 {
                    return Err(io::Error::other("read again after end-of-file"));
                }
                self.1 = true;
                Ok(0)
            }
        }
        for text in [&b"{\"a\": 1}"[..], b"{\"a\":1}\n{\"a\":2}\n"] {
            let mut stdin = Eof(Once(Some(text.to_vec())), false);
            let bodies: Vec<_> = bodies(&Input::Stdin, &mut stdin)
                .map(Iterator::collect)
                .unwrap_or_default();
            assert!(!bodies.is_empty());
            assert!(bodies.iter().all(Result::is_ok), "{bodies:?}");
        }
    }

    #[test]
    fn an_ndjson_first_line_longer_than_the_head_is_still_ndjson() {
        let long = format!("{{\"pad\": \"{}\"}}", "x".repeat(200 * 1024));
        let text = format!("{long}\n{long}\n{{\"a\": 1}}\n");
        let mut stdin = io::Cursor::new(text.into_bytes());
        let sources: Vec<String> = bodies(&Input::Stdin, &mut stdin)
            .map(|b| b.filter_map(Result::ok).map(|b| b.source).collect())
            .unwrap_or_default();
        assert_eq!(sources, ["-:1", "-:2", "-:3"]);
        let mut one = io::Cursor::new(long.clone().into_bytes());
        let whole: Vec<_> = bodies(&Input::Stdin, &mut one)
            .map(|b| b.filter_map(Result::ok).map(|b| b.bytes.len()).collect())
            .unwrap_or_default();
        assert_eq!(whole, [long.len()]);
    }

    #[test]
    fn bytes_from_a_socket_split_like_a_file() {
        let request =
            b"POST /hook HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{\"a\":1}".to_vec();
        let bodies = from_bytes("delivery", request);
        let body = bodies[0].as_ref().ok();
        assert_eq!(body.map(|b| b.bytes.as_slice()), Some(&b"{\"a\":1}"[..]));
    }
}
