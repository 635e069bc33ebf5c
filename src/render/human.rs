//! `--format human`: one header line per payload (source, provider/event,
//! verdict), its errors and warnings indented below with line:column and
//! pointer, then a count line. With `--max-errors N` an invalid payload
//! lists its first N errors and `… 12 more errors`; the header still counts
//! them all. An invalid payload whose errors are about a field the schema
//! describes gets one `see: whi explain <event>/<pointer>` line.

use super::common::{
    capped, count_line, more_errors, plural, problem_text, source_file, status_word,
};
use super::{Palette, Render, escape as esc, write_input_error, write_note};
use crate::check::record::{Record, Status, Tally};
use crate::check::validate::Problem;
use crate::ingest::input::{InputError, Note};
use crate::model::signature::Status as SigStatus;
use crate::model::summary::{Category, OrderSummary};
use crate::order::diff::{DiffReport, Kind};
use crate::order::timeline::Timeline;
use owo_colors::{OwoColorize, Style};
use std::io::{self, Write};

/// The human renderer.
pub struct Human<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    palette: Palette,
    verbose: bool,
    max_errors: Option<usize>,
}

impl<'a> Human<'a> {
    /// A renderer writing to `out` (results) and `err` (diagnostics).
    /// `verbose` shows the detection evidence of valid payloads too.
    pub fn new(
        out: &'a mut dyn Write,
        err: &'a mut dyn Write,
        palette: Palette,
        verbose: bool,
    ) -> Self {
        Human {
            out,
            err,
            palette,
            verbose,
            max_errors: None,
        }
    }

    /// Lists at most `max` errors per payload (`--max-errors`).
    pub fn max_errors(mut self, max: Option<usize>) -> Self {
        self.max_errors = max;
        self
    }

    fn problem(&mut self, problem: &Problem, label: &str, style: Style) -> io::Result<()> {
        let at = match (problem.line, problem.column) {
            (Some(line), Some(column)) => format!("{line}:{column}"),
            _ => "-".to_string(),
        };
        let pointer = if problem.pointer.is_empty() {
            String::new()
        } else {
            format!("{}: ", esc(&problem.pointer).style(self.palette.strong))
        };
        writeln!(
            self.out,
            "  {:<7} {} {pointer}{} {}",
            at.style(self.palette.dim),
            label.style(style),
            esc(&problem.message),
            format!("[{}]", problem.kind).style(self.palette.dim),
        )
    }
}

/// The verdict word and its style.
fn verdict(status: Status, palette: &Palette) -> (&'static str, Style) {
    match status {
        Status::Valid => ("valid", palette.good),
        Status::Invalid => ("invalid", palette.bad),
        Status::Unparseable => ("unparseable", palette.bad),
        Status::Unrecognised => ("unrecognised", palette.bad),
        Status::Unchecked => ("not checked", palette.warn),
    }
}

impl Render for Human<'_> {
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn record(&mut self, record: &Record) -> io::Result<()> {
        let (word, style) = verdict(record.status, &self.palette);
        let kind = match (record.provider, &record.event) {
            (Some(p), Some(e)) => format!("{p}/{} ", esc(e)),
            (Some(p), None) => format!("{p} "),
            _ => String::new(),
        };
        let mut counts = Vec::new();
        if !record.errors.is_empty() && record.status == Status::Invalid {
            counts.push(plural(record.error_count(), "error"));
        }
        if !record.warnings.is_empty() {
            counts.push(plural(record.warnings.len(), "warning"));
        }
        let counts = if counts.is_empty() {
            String::new()
        } else {
            format!(" ({})", counts.join(", "))
        };
        // A HAR entry is named as the browser shows it: method and URL.
        let name = match &record.entry {
            Some(entry) => format!(
                "{}: {} (entry {})",
                source_file(&record.source).unwrap_or(&record.source),
                entry.request,
                entry.index
            ),
            None => record.source.clone(),
        };
        writeln!(
            self.out,
            "{}: {}{}{}",
            esc(&name).style(self.palette.strong),
            kind,
            word.style(style),
            counts
        )?;
        let (shown, hidden) = capped(record, self.max_errors);
        for problem in shown {
            self.problem(problem, "error", self.palette.bad)?;
        }
        if hidden > 0 {
            writeln!(
                self.out,
                "  {}",
                more_errors(hidden).style(self.palette.dim)
            )?;
        }
        if record.status == Status::Invalid
            && let Some(target) = &record.explain
        {
            writeln!(
                self.out,
                "  {} whi explain {}",
                "see:".style(self.palette.dim),
                esc(target)
            )?;
        }
        for problem in &record.warnings {
            self.problem(problem, "warning", self.palette.warn)?;
        }
        if let Some(sig) = record
            .signature
            .as_ref()
            .filter(|s| s.status != SigStatus::Invalid)
        {
            let (word, style) = match sig.status {
                SigStatus::Valid => ("valid", self.palette.good),
                SigStatus::Missing => ("missing", self.palette.warn),
                SigStatus::NoSecret => ("not checked", self.palette.warn),
                SigStatus::Unverifiable | SigStatus::Invalid => ("unverifiable", self.palette.dim),
            };
            writeln!(
                self.out,
                "  {} {} ({}): {}",
                "signature".style(self.palette.dim),
                word.style(style),
                esc(&sig.scheme),
                esc(&sig.reason)
            )?;
        }
        if let Some(Some(summary)) = &record.summary {
            write_summary(self.out, &self.palette, summary)?;
        }
        if let Some(note) = &record.note {
            writeln!(
                self.out,
                "  {} {}",
                "note:".style(self.palette.dim),
                esc(note)
            )?;
        }
        if let Some(why) = &record.detected_by
            && (self.verbose || record.status != Status::Valid)
        {
            writeln!(
                self.out,
                "  {}",
                format!("detected by {}", esc(why)).style(self.palette.dim)
            )?;
        }
        Ok(())
    }

    fn note(&mut self, note: &Note) -> io::Result<()> {
        write_note(self.err, &self.palette, note)
    }

    fn input_error(&mut self, error: &InputError) -> io::Result<()> {
        self.out.flush()?;
        write_input_error(self.err, &self.palette, error)
    }

    fn finish(&mut self, tally: &Tally) -> io::Result<()> {
        let line = count_line(tally);
        let style = match tally.exit_code() {
            0 => self.palette.good,
            _ => self.palette.bad,
        };
        writeln!(self.out, "\n{}", line.style(style))?;
        self.out.flush()
    }
}

/// Width of the label column of summaries.
const LABEL: usize = 15;

/// `Processed → Shipped`, or just the current value.
fn transition(before: Option<&str>, after: Option<&str>) -> Option<String> {
    match (before, after) {
        (Some(b), Some(a)) if b != a => Some(format!("{b} → {a}")),
        (_, Some(a)) => Some(a.to_string()),
        (Some(b), None) => Some(format!("{b} → —")),
        (None, None) => None,
    }
}

fn category_style(category: Category, palette: &Palette) -> Style {
    match category {
        Category::Cancelled | Category::Returned => palette.bad,
        Category::Unknown | Category::OnHold => palette.warn,
        Category::Delivered | Category::Completed | Category::Shipped => palette.good,
        _ => palette.strong,
    }
}

/// The summary with every value from the payload escaped for a terminal.
fn escaped(s: &OrderSummary) -> OrderSummary {
    let mut s = s.clone();
    for field in [
        &mut s.order_id,
        &mut s.order_number,
        &mut s.status,
        &mut s.previous_status,
        &mut s.payment_status,
        &mut s.previous_payment_status,
        &mut s.tracking_number,
        &mut s.tracking_url,
        &mut s.total_amount,
        &mut s.currency,
        &mut s.customer_name,
        &mut s.customer_email,
        &mut s.occurred_at,
    ]
    .into_iter()
    .flatten()
    {
        *field = esc(field).into_owned();
    }
    for detail in &mut s.details {
        detail.value = esc(&detail.value).into_owned();
    }
    s
}

/// The order summary, one aligned `label value` line per known field.
fn write_summary(out: &mut dyn Write, palette: &Palette, s: &OrderSummary) -> io::Result<()> {
    let s = &escaped(s);
    let mut line = |label: &str, value: String| -> io::Result<()> {
        writeln!(out, "    {:<LABEL$} {value}", esc(label).style(palette.dim))
    };
    let order = match (&s.order_id, &s.order_number) {
        (Some(id), Some(number)) if id != number => Some(format!("{id}  #{number}")),
        (Some(id), _) => Some(id.clone()),
        (None, Some(number)) => Some(format!("#{number}")),
        (None, None) => None,
    };
    if let Some(order) = order {
        line("order", order)?;
    }
    if let Some(status) = transition(s.previous_status.as_deref(), s.status.as_deref()) {
        let category = s
            .status_category
            .map(|c| format!("  [{}]", c.as_str().style(category_style(c, palette))))
            .unwrap_or_default();
        line(
            "status",
            format!("{}{category}", status.style(palette.strong)),
        )?;
    }
    if let Some(payment) = transition(
        s.previous_payment_status.as_deref(),
        s.payment_status.as_deref(),
    ) {
        line("payment", payment)?;
    }
    if s.tracking_number.is_some() || s.tracking_url.is_some() {
        let parts: Vec<&str> = [&s.tracking_number, &s.tracking_url]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        line("tracking", parts.join("  "))?;
    }
    if let Some(total) = &s.total_amount {
        line(
            "total",
            format!("{total} {}", s.currency.as_deref().unwrap_or_default())
                .trim_end()
                .to_string(),
        )?;
    }
    if s.customer_name.is_some() || s.customer_email.is_some() {
        let customer = match (&s.customer_name, &s.customer_email) {
            (Some(n), Some(e)) => format!("{n} <{e}>"),
            (Some(n), None) => n.clone(),
            (None, Some(e)) => e.clone(),
            (None, None) => String::new(),
        };
        line("customer", customer)?;
    }
    if let Some(items) = s.items_count {
        line("items", items.to_string())?;
    }
    if let Some(at) = &s.occurred_at {
        line("occurred at", at.clone())?;
    }
    for detail in &s.details {
        let remark = detail
            .remark
            .map(|r| format!("  ({})", r.style(palette.warn)))
            .unwrap_or_default();
        line(detail.label, format!("{}{remark}", detail.value))?;
    }
    Ok(())
}

/// Every order's history: its entries in the order they happened, with
/// flags, then the count line.
pub fn timelines(
    out: &mut dyn Write,
    palette: &Palette,
    timelines: &[Timeline],
    tally: &Tally,
) -> io::Result<()> {
    for t in timelines {
        let id = esc(t.order_id.as_deref().unwrap_or("(no order id)"));
        let number = t
            .order_number
            .as_ref()
            .map(|n| format!(" #{}", esc(n)))
            .unwrap_or_default();
        writeln!(
            out,
            "{} {}{number} ({})",
            "order".style(palette.dim),
            id.style(palette.strong),
            t.provider
        )?;
        let event_width = t
            .entries
            .iter()
            .map(|e| esc(&e.event).len())
            .max()
            .unwrap_or(0);
        let at_width = t
            .entries
            .iter()
            .map(|e| e.occurred_at.as_deref().map_or(1, |at| esc(at).len()))
            .max()
            .unwrap_or(0);
        for e in &t.entries {
            let status = transition(e.previous_status.as_deref(), e.status.as_deref())
                .map_or_else(|| "—".into(), |s| esc(&s).into_owned());
            let category = e
                .status_category
                .map(|c| format!(" [{}]", c.as_str()))
                .unwrap_or_default();
            writeln!(
                out,
                "  {:<at_width$}  {:<event_width$}  {}{}  {}",
                esc(e.occurred_at.as_deref().unwrap_or("—")),
                esc(&e.event),
                status.style(palette.strong),
                category,
                esc(&e.source).style(palette.dim),
            )?;
            if let Some(error) = &e.check.first_error {
                let at = match (error.line, error.column) {
                    (Some(line), Some(column)) => format!(" (at {line}:{column})"),
                    _ => String::new(),
                };
                let more = match e.check.error_count.saturating_sub(1) {
                    0 => String::new(),
                    1 => ", and 1 more error".to_owned(),
                    n => format!(", and {n} more errors"),
                };
                writeln!(
                    out,
                    "  {:<25} {} {}{at}{more}",
                    "",
                    format!("✗ {}:", status_word(e.check.verdict)).style(palette.bad),
                    esc(&problem_text(error))
                )?;
            }
            for flag in &e.flags {
                writeln!(
                    out,
                    "  {:<25} {} {}",
                    "",
                    format!("! {}:", flag.kind).style(palette.warn),
                    esc(&flag.message)
                )?;
            }
        }
        writeln!(out)?;
    }
    let flagged: usize = timelines
        .iter()
        .flat_map(|t| &t.entries)
        .filter(|e| !e.flags.is_empty())
        .count();
    let mut counts = vec![
        plural(tally.payloads, "payload"),
        plural(flagged, "flagged delivery").replace("deliverys", "deliveries"),
    ];
    for (n, word) in [
        (tally.invalid, "invalid"),
        (tally.unparseable, "unparseable"),
        (tally.unrecognised, "unrecognised"),
        (tally.input_errors, "unreadable"),
    ] {
        if n > 0 {
            counts.push(format!("{n} {word}"));
        }
    }
    writeln!(
        out,
        "{}: {}",
        plural(timelines.len(), "order"),
        counts.join(", ")
    )
}

/// Compact JSON for a raw value, cut to keep lines readable.
fn short(value: Option<&serde_json::Value>) -> String {
    let Some(value) = value else {
        return "—".into();
    };
    let text = esc(&value.to_string()).into_owned();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(59).collect::<String>())
    } else {
        text
    }
}

/// The diff: summary changes, then raw changes by pointer.
pub fn diff(out: &mut dyn Write, palette: &Palette, report: &DiffReport) -> io::Result<()> {
    let events = if report.old_event == report.new_event {
        esc(&report.old_event).into_owned()
    } else {
        format!("{} → {}", esc(&report.old_event), esc(&report.new_event))
    };
    writeln!(
        out,
        "{} {} → {}  {}/{events}{}",
        "diff".style(palette.strong),
        esc(&report.old),
        esc(&report.new),
        report.provider,
        report
            .order_id
            .as_ref()
            .map(|o| format!("  order {}", esc(o)))
            .unwrap_or_default()
    )?;
    for warning in &report.warnings {
        writeln!(out, "{} {}", "warning:".style(palette.warn), esc(warning))?;
    }
    if !report.differs() {
        return writeln!(out, "no differences");
    }
    if !report.changes.is_empty() {
        writeln!(out, "\n{}", "summary".style(palette.strong))?;
        let width = report
            .changes
            .iter()
            .map(|c| esc(&c.field).len())
            .max()
            .unwrap_or(0);
        for c in &report.changes {
            writeln!(
                out,
                "  {:<width$}  {} → {}",
                esc(&c.field),
                esc(c.before.as_deref().unwrap_or("—")).style(palette.bad),
                esc(c.after.as_deref().unwrap_or("—")).style(palette.good)
            )?;
        }
    }
    if !report.raw_changes.is_empty() {
        writeln!(out, "\n{}", "fields".style(palette.strong))?;
        for c in &report.raw_changes {
            let (mark, style) = match c.kind {
                Kind::Added => ("+", palette.good),
                Kind::Removed => ("-", palette.bad),
                Kind::Changed => ("~", palette.warn),
            };
            let values = match c.kind {
                Kind::Added => short(c.after.as_ref()),
                Kind::Removed => short(c.before.as_ref()),
                Kind::Changed => {
                    format!("{} → {}", short(c.before.as_ref()), short(c.after.as_ref()))
                }
            };
            writeln!(out, "  {} {}  {values}", mark.style(style), esc(&c.pointer))?;
        }
    }
    writeln!(
        out,
        "\n{} in the summary, {}",
        plural(report.changes.len(), "change"),
        plural(report.raw_changes.len(), "raw change")
    )
}

/// `whi sign`: the headers, one `Name: value` per line, or with `request`
/// (host, path) a raw HTTP/1.1 request with CRLF line ends and the body as is.
pub fn signed(
    out: &mut dyn Write,
    signed: &crate::model::signature::Signed,
    request: Option<(&str, &str)>,
) -> io::Result<()> {
    let Some((host, path)) = request else {
        for (name, value) in &signed.headers {
            writeln!(out, "{}: {}", esc(name), esc(value))?;
        }
        return Ok(());
    };
    write!(
        out,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
    )?;
    write!(out, "Content-Length: {}\r\n", signed.body.len())?;
    for (name, value) in &signed.headers {
        write!(out, "{name}: {value}\r\n")?;
    }
    out.write_all(b"\r\n")?;
    out.write_all(&signed.body)
}

/// A curl command that posts the signed body: `--data-binary @FILE` when
/// the body is a whole file, else the body inline, quoted for a POSIX shell.
pub fn curl(
    out: &mut dyn Write,
    signed: &crate::model::signature::Signed,
    url: &str,
    file: Option<&str>,
) -> io::Result<()> {
    let quote = |text: &str| -> io::Result<String> {
        shlex::try_quote(text)
            .map(std::borrow::Cow::into_owned)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))
    };
    let mut parts = vec!["curl --fail-with-body -sS -X POST".to_owned(), quote(url)?];
    let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    headers.extend(signed.headers.iter().cloned());
    for (name, value) in &headers {
        parts.push(format!("-H {}", quote(&format!("{name}: {value}"))?));
    }
    let data = match file {
        Some(path) => quote(&format!("@{path}"))?,
        None => {
            let body = std::str::from_utf8(&signed.body).map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the body is not text: save it to a file and sign the file",
                )
            })?;
            quote(body)?
        }
    };
    parts.push(format!("--data-binary {data}"));
    writeln!(out, "{}", parts.join(" \\\n  "))
}
