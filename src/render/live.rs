//! `whi listen` and `whi send` output. Human: one line per delivery in the
//! idiom of `stripe listen` (time, method and path, provider/event, order,
//! verdict, signature, forwarding) with its errors indented below, and one
//! line per request sent. JSON: NDJSON tagged by `type`: `ready` (first),
//! `delivery` (the `whi inspect` record of each payload, with `received_at`,
//! `method`, `path`, `forward`, `saved`), `rejected` (a request refused
//! before it could be checked: malformed, too large) and `sent`.

use super::common::problem_text;
use super::{Palette, escape};
use crate::check::record::{Record, Status};
use crate::live::delivery::Delivery;
use crate::live::forward::Forwarded;
use crate::live::outbound::Sent;
use crate::model::signature;
use owo_colors::OwoColorize;
use serde::Serialize;
use std::io::{self, Write};

/// Where `whi listen` listens, and what it does with deliveries.
#[derive(Debug, Clone, Serialize)]
pub struct Ready {
    /// `http://127.0.0.1:8787/`.
    pub url: String,
    /// The app deliveries go on to.
    pub forward_to: Option<String>,
    /// Where deliveries are saved.
    pub save: Option<String>,
}

/// A request answered before it could be checked.
#[derive(Debug, Clone, Serialize)]
pub struct Rejected {
    /// When.
    pub received_at: String,
    /// The method, when the request got that far.
    pub method: Option<String>,
    /// The path, when the request got that far.
    pub path: Option<String>,
    /// What whi answered (400, 413).
    pub status: u16,
    /// Why.
    pub error: String,
}

#[derive(Serialize)]
struct DeliveryLine<'a> {
    received_at: String,
    method: &'a str,
    path: &'a str,
    #[serde(flatten)]
    record: &'a Record,
    forward: Option<&'a Forwarded>,
    saved: Option<String>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Message<'a> {
    Ready(&'a Ready),
    Delivery(DeliveryLine<'a>),
    Rejected(&'a Rejected),
    Sent(&'a Sent),
}

fn line(out: &mut dyn Write, message: &Message<'_>) -> io::Result<()> {
    serde_json::to_writer(&mut *out, message)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// `listening on http://127.0.0.1:8787/ (forwarding to …, saving to …)`:
/// on `err` for people; with `json`, also the first line on `out`.
pub fn ready(
    out: &mut dyn Write,
    err: &mut dyn Write,
    json: bool,
    ready: &Ready,
) -> io::Result<()> {
    let mut what = Vec::new();
    if let Some(app) = &ready.forward_to {
        what.push(format!("forwarding to {app}"));
    }
    if let Some(dir) = &ready.save {
        what.push(format!("saving to {}", escape(dir)));
    }
    let what = if what.is_empty() {
        String::new()
    } else {
        format!(" ({})", what.join(", "))
    };
    writeln!(err, "listening on {}{what}; Ctrl-C stops", ready.url)?;
    err.flush()?;
    if json {
        line(out, &Message::Ready(ready))?;
    }
    Ok(())
}

/// One delivery: a line per payload (a JSON array body holds several).
pub fn delivery(
    out: &mut dyn Write,
    palette: &Palette,
    json: bool,
    delivery: &Delivery,
) -> io::Result<()> {
    let received = &delivery.received;
    let at = crate::live::delivery::stamp(received.at);
    let saved = delivery.saved.as_ref().map(|p| p.display().to_string());
    for record in &delivery.records {
        if json {
            line(
                out,
                &Message::Delivery(DeliveryLine {
                    received_at: at.clone(),
                    method: &received.method,
                    path: &received.target,
                    record,
                    forward: delivery.forward.as_ref(),
                    saved: saved.clone(),
                }),
            )?;
            continue;
        }
        human(out, palette, delivery, record)?;
    }
    out.flush()
}

fn human(
    out: &mut dyn Write,
    palette: &Palette,
    delivery: &Delivery,
    record: &Record,
) -> io::Result<()> {
    let received = &delivery.received;
    let time = received.at.strftime("%H:%M:%S").to_string();
    let what = match (&record.provider, &record.event) {
        (Some(p), Some(e)) => format!("{p}/{}", escape(e)),
        _ => super::common::status_word(record.status).to_owned(),
    };
    let order = record
        .summary
        .as_ref()
        .and_then(|s| s.as_ref())
        .and_then(|s| s.order_id.as_deref())
        .map(|id| format!("  order {}", escape(id)))
        .unwrap_or_default();
    let (verdict, style) = match record.status {
        Status::Valid => ("valid", palette.good),
        Status::Invalid => ("invalid", palette.bad),
        Status::Unparseable => ("unparseable", palette.bad),
        Status::Unrecognised => ("unrecognised", palette.bad),
        Status::Unchecked => ("not checked", palette.warn),
    };
    let signature = record
        .signature
        .as_ref()
        .map(|s| {
            let word = match s.status {
                signature::Status::Valid => "signature ok",
                signature::Status::Invalid => "signature invalid",
                signature::Status::Missing => "unsigned",
                signature::Status::NoSecret => "signature unchecked",
                signature::Status::Unverifiable => "signature unverifiable",
            };
            format!("  {word}")
        })
        .unwrap_or_default();
    let forward = match &delivery.forward {
        Some(f) => format!("  → {} {} ms", f.status, f.ms),
        None => String::new(),
    };
    writeln!(
        out,
        "{} {} {}  {}{order}  {}{signature}{forward}",
        time.style(palette.dim),
        escape(&received.method),
        escape(&received.target),
        what.style(palette.strong),
        verdict.style(style),
    )?;
    for problem in &record.errors {
        let at = match (problem.line, problem.column) {
            (Some(l), Some(c)) => format!("{l}:{c}"),
            _ => "-".to_owned(),
        };
        writeln!(
            out,
            "    {:<7} {} {}",
            at.style(palette.dim),
            escape(&problem_text(problem)),
            format!("[{}]", problem.kind).style(palette.dim)
        )?;
    }
    if let Some(f) = delivery.forward.as_ref().and_then(|f| f.error.as_ref()) {
        writeln!(out, "    {} {}", "forward:".style(palette.bad), escape(f))?;
    }
    Ok(())
}

/// A request refused before it could be checked.
pub fn rejected(
    out: &mut dyn Write,
    palette: &Palette,
    json: bool,
    rejected: &Rejected,
) -> io::Result<()> {
    if json {
        return line(out, &Message::Rejected(rejected));
    }
    let request = match (&rejected.method, &rejected.path) {
        (Some(m), Some(p)) => format!("{} {}", escape(m), escape(p)),
        _ => "request".to_owned(),
    };
    writeln!(
        out,
        "{}  {request}  {} {}",
        rejected
            .received_at
            .get(11..19)
            .unwrap_or("")
            .style(palette.dim),
        format!("rejected {}:", rejected.status).style(palette.bad),
        escape(&rejected.error)
    )?;
    out.flush()
}

/// One request `whi send` made.
pub fn sent(out: &mut dyn Write, palette: &Palette, json: bool, sent: &Sent) -> io::Result<()> {
    if json {
        return line(out, &Message::Sent(sent));
    }
    match (sent.status, &sent.error) {
        (Some(status), _) => {
            let style = if (200..300).contains(&status) {
                palette.good
            } else {
                palette.bad
            };
            writeln!(
                out,
                "{}  → {}  {} ms  {}",
                escape(&sent.target).style(palette.strong),
                status.style(style),
                sent.ms,
                escape(sent.response.as_deref().unwrap_or("")).style(palette.dim)
            )?;
        }
        (None, error) => writeln!(
            out,
            "{}  {} {}",
            escape(&sent.target).style(palette.strong),
            "not sent:".style(palette.bad),
            escape(error.as_deref().unwrap_or("no answer"))
        )?,
    }
    for note in &sent.notes {
        writeln!(out, "    {} {}", "note:".style(palette.warn), escape(note))?;
    }
    Ok(())
}
