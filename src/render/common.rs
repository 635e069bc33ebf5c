//! Text pieces several formats share: the count line that ends a run, the
//! label of a payload's kind, a problem in one line, and the file a record's
//! source names. Plain strings only: no colour, no escaping, no writing;
//! each format escapes for its own syntax.

use crate::check::record::{Record, Status, Tally};
use crate::check::validate::Problem;

/// `1 payload`, `2 payloads`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The run's count line: `29 payloads: 27 valid, 2 invalid`, with
/// `; 1 input could not be read` when inputs failed.
pub(crate) fn count_line(tally: &Tally) -> String {
    let mut parts = vec![format!("{} valid", tally.valid)];
    for (n, word) in [
        (tally.invalid, "invalid"),
        (tally.unparseable, "unparseable"),
        (tally.unrecognised, "unrecognised"),
        (tally.unchecked, "not checked"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    let mut line = format!(
        "{}: {}",
        plural(tally.payloads, "payload"),
        parts.join(", ")
    );
    if tally.input_errors > 0 {
        line.push_str(&format!(
            "; {} could not be read",
            plural(tally.input_errors, "input")
        ));
    }
    if tally.empty > 0 {
        line.push_str(&format!(
            "; {} held no payloads",
            plural(tally.empty, "input")
        ));
    }
    line
}

/// What a payload is, joined with `sep`: `salla/order.created` (sep `/`),
/// the provider alone when the event is unknown, else the status word
/// (`unparseable`, `unrecognised`).
pub(crate) fn kind(record: &Record, sep: &str) -> String {
    match (record.provider, &record.event) {
        (Some(p), Some(e)) => format!("{p}{sep}{e}"),
        (Some(p), None) => p.to_string(),
        _ => status_word(record.status).to_string(),
    }
}

/// The status as one word, as in the JSON `status` field.
pub(crate) fn status_word(status: Status) -> &'static str {
    match status {
        Status::Valid => "valid",
        Status::Invalid => "invalid",
        Status::Unparseable => "unparseable",
        Status::Unrecognised => "unrecognised",
        Status::Unchecked => "unchecked",
    }
}

/// The errors to list when at most `max` are shown per payload
/// (`--max-errors`), and how many are left out.
pub(crate) fn capped(record: &Record, max: Option<usize>) -> (&[Problem], usize) {
    let errors = &record.errors;
    match max {
        Some(max) if errors.len() > max => {
            (&errors[..max], errors.len() - max + record.errors_omitted)
        }
        _ => (errors, record.errors_omitted),
    }
}

/// The errors to show, the first one ending with the record's
/// `see: whi explain …` line, for formats whose messages stand alone (CI
/// annotations, SARIF results, JUnit failures).
pub(crate) fn hinted(record: &Record, shown: &[Problem]) -> Vec<Problem> {
    let mut shown = shown.to_vec();
    if let (Some(target), Some(first)) = (&record.explain, shown.first_mut()) {
        first.message = format!("{}\nsee: whi explain {target}", first.message);
    }
    shown
}

/// `… 12 more errors`, for the errors `--max-errors` left out.
pub(crate) fn more_errors(hidden: usize) -> String {
    format!("… {}", plural(hidden, "more error"))
}

/// `<pointer>: <message>`, or the message alone for the whole payload.
pub(crate) fn problem_text(problem: &Problem) -> String {
    if problem.pointer.is_empty() {
        problem.message.clone()
    } else {
        format!("{}: {}", problem.pointer, problem.message)
    }
}

/// `line:col <pointer>: <message> [keyword]`, without the position when
/// it is unknown.
pub(crate) fn problem_line(problem: &Problem) -> String {
    let text = format!("{} [{}]", problem_text(problem), problem.kind);
    match (problem.line, problem.column) {
        (Some(line), Some(column)) => format!("{line}:{column} {text}"),
        (Some(line), None) => format!("{line} {text}"),
        _ => text,
    }
}

/// The file a record's source names: the path without what names a part
/// of it — a batch element's `#/N`, a HAR entry's `#entries/N`, a capture's
/// `#requests/N`, an NDJSON line's `:N`; `None` for stdin (`-`).
pub(crate) fn source_file(source: &str) -> Option<&str> {
    let mut file = source;
    if let Some((rest, index)) = file.rsplit_once("#/")
        && !index.is_empty()
        && index.bytes().all(|b| b.is_ascii_digit())
    {
        file = rest;
    }
    for marker in ["#entries/", "#requests/"] {
        if let Some((rest, index)) = file.rsplit_once(marker)
            && !index.is_empty()
            && index.bytes().all(|b| b.is_ascii_digit())
        {
            file = rest;
        }
    }
    if let Some((rest, line)) = file.rsplit_once(':')
        && !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
        && (rest == "-"
            || [".ndjson", ".jsonl"]
                .iter()
                .any(|e| rest.to_ascii_lowercase().ends_with(e)))
    {
        file = rest;
    }
    (file != "-").then_some(file)
}

/// Where an annotation about `problem` points: the file, and the line and
/// column in it. A HAR entry's body is one JSON string in its file, so its
/// problems point at that string's line; other bodies keep their positions,
/// which are already the file's own.
pub(crate) fn place<'r>(
    record: &'r Record,
    problem: &Problem,
) -> (Option<&'r str>, Option<usize>, Option<usize>) {
    let file = source_file(&record.source);
    match &record.entry {
        Some(entry) => (file, Some(entry.line), None),
        None => (file, problem.line, problem.column),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::problem::ProblemKind;

    #[test]
    fn batch_elements_and_stdin_name_their_file() {
        assert_eq!(source_file("a/b.json"), Some("a/b.json"));
        assert_eq!(source_file("a/b.json#/12"), Some("a/b.json"));
        assert_eq!(source_file("-"), None);
        assert_eq!(source_file("-#/0"), None);
        // Only a trailing element index is stripped.
        assert_eq!(source_file("a#/b.json"), Some("a#/b.json"));
        assert_eq!(source_file("a.json#/"), Some("a.json#/"));
        assert_eq!(source_file("x.har#entries/12"), Some("x.har"));
        assert_eq!(source_file("x.har#entries/12#/0"), Some("x.har"));
        assert_eq!(source_file("c.http#requests/2"), Some("c.http"));
        assert_eq!(source_file("log.ndjson:41"), Some("log.ndjson"));
        assert_eq!(source_file("-:3"), None);
        assert_eq!(source_file("odd:12"), Some("odd:12"));
    }

    #[test]
    fn problems_read_as_one_line() {
        let at = Problem {
            pointer: "/to".into(),
            kind: ProblemKind::Schema("enum".into()),
            message: "bad".into(),
            line: Some(3),
            column: Some(9),
        };
        assert_eq!(problem_line(&at), "3:9 /to: bad [enum]");
        let root = Problem {
            pointer: String::new(),
            line: None,
            column: None,
            ..at
        };
        assert_eq!(problem_line(&root), "bad [enum]");
    }

    #[test]
    fn errors_are_capped_with_a_count_of_the_rest() {
        let p = |n: usize| Problem {
            pointer: format!("/{n}"),
            kind: ProblemKind::Schema("type".into()),
            message: "bad".into(),
            line: None,
            column: None,
        };
        let parsed = crate::ingest::payload::parse(crate::ingest::input::Source {
            name: "t".into(),
            bytes: b"{}".to_vec(),
        });
        let Some(base) = parsed
            .first()
            .map(|p| crate::check::record::check(p, Default::default()))
        else {
            panic!("no record")
        };
        let errors = Record {
            errors: (0..5).map(p).collect(),
            ..base.clone()
        };
        assert_eq!(capped(&errors, None).1, 0);
        assert_eq!(capped(&errors, Some(5)).1, 0);
        let (shown, hidden) = capped(&errors, Some(2));
        assert_eq!((shown.len(), hidden), (2, 3));
        assert_eq!(capped(&errors, Some(0)).1, 5);
        // errors the check itself left out (past --max-errors) are counted
        let counted = Record {
            errors: (0..2).map(p).collect(),
            errors_omitted: 7,
            ..base
        };
        assert_eq!(capped(&counted, Some(2)).1, 7);
        assert_eq!(counted.error_count(), 9);
        assert_eq!(more_errors(3), "… 3 more errors");
        assert_eq!(more_errors(1), "… 1 more error");
    }

    #[test]
    fn the_count_line_names_only_what_happened() {
        let tally = Tally {
            payloads: 29,
            valid: 27,
            invalid: 2,
            ..Tally::default()
        };
        assert_eq!(count_line(&tally), "29 payloads: 27 valid, 2 invalid");
        let tally = Tally {
            payloads: 1,
            valid: 1,
            input_errors: 1,
            ..Tally::default()
        };
        assert_eq!(
            count_line(&tally),
            "1 payload: 1 valid; 1 input could not be read"
        );
    }
}
