//! `whi listen`: an HTTP/1.1 receiver (hyper on a small tokio runtime).
//! Each request is read whole (up to `--max-body`), then checked, saved and
//! forwarded on a blocking thread ([`crate::live`]); the outcome goes over a
//! channel to this thread, the only one that writes, one whole record at a
//! time. Ctrl-C stops accepting, lets the deliveries in flight finish and
//! exits 0.

use super::Outcome;
use crate::check::detect::Overrides;
use crate::check::record::Status;
use crate::cli::ListFormat;
use crate::ingest::stdin;
use crate::live::delivery::{self, Delivery, Received};
use crate::live::forward::{Answer, Forwarder};
use crate::model::signature::Secret;
use crate::providers::Provider;
use crate::render::live::{self as output, Ready, Rejected};
use crate::render::wrap::Wrap;
use crate::render::{Palette, escape};
use crate::settings::ListenSettings;
use anyhow::Context;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use jiff::Timestamp;
use std::convert::Infallible;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server threads tell the writing thread.
enum Event {
    Delivery(Box<Delivery>),
    Rejected(Rejected),
    /// Something went wrong beside a delivery (a save that failed).
    Error(String),
}

/// What every request needs, shared by the server's tasks.
struct Shared {
    provider: Option<&'static dyn Provider>,
    secret: Option<Secret>,
    forwarder: Option<Forwarder>,
    save: Option<PathBuf>,
    max_body: u64,
    seq: AtomicU64,
    events: Mutex<Sender<Event>>,
}

impl Shared {
    fn tell(&self, event: Event) {
        if let Ok(events) = self.events.lock() {
            let _ = events.send(event);
        }
    }
}

/// Runs `whi listen` until Ctrl-C.
pub(super) fn run(
    settings: &ListenSettings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    // Bound first: a port in use is an error before anything is printed.
    let listener = std::net::TcpListener::bind(settings.addr)
        .with_context(|| format!("cannot listen on {}", settings.addr))?;
    listener.set_nonblocking(true)?;
    let local = listener.local_addr()?;
    if let Some(dir) = &settings.save {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("--save {}: cannot create it", dir.display()))?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("whi-listen")
        .enable_io()
        .enable_time()
        .build()
        .context("cannot start the HTTP server")?;
    let (events, received) = mpsc::channel();
    let shared = Arc::new(Shared {
        provider: settings.provider,
        secret: settings.secret.clone(),
        forwarder: settings
            .forward_to
            .clone()
            .map(|to| Forwarder::new(to, settings.forward_timeout)),
        save: settings.save.clone(),
        max_body: settings.max_body,
        seq: AtomicU64::new(0),
        events: Mutex::new(events),
    });
    let stop = Arc::new(tokio::sync::Notify::new());
    let grace = settings.forward_timeout + Duration::from_secs(5);
    let server = runtime.spawn(serve(
        listener,
        Arc::clone(&shared),
        Arc::clone(&stop),
        grace,
    ));
    // From here on Ctrl-C ends the loop below, not the process.
    stdin::linger();

    let json = settings.format == ListFormat::Json;
    let palette = Palette::new(settings.color);
    let mut out = Wrap::new(out, settings.width);
    let ready = Ready {
        url: format!("http://{local}/"),
        forward_to: settings.forward_to.as_ref().map(ToString::to_string),
        save: settings.save.as_ref().map(|d| d.display().to_string()),
    };
    output::ready(&mut out, err, json, &ready)?;
    let mut counts = Counts::default();
    let mut show =
        |event: Event, out: &mut dyn Write, err: &mut dyn Write| -> std::io::Result<()> {
            match event {
                Event::Delivery(delivery) => {
                    counts.add(&delivery);
                    output::delivery(out, &palette, json, &delivery)
                }
                Event::Rejected(rejected) => {
                    counts.rejected += 1;
                    output::rejected(out, &palette, json, &rejected)
                }
                Event::Error(message) => writeln!(err, "error: {}", escape(&message)),
            }
        };
    loop {
        match received.recv_timeout(Duration::from_millis(50)) {
            Ok(event) => show(event, &mut out, err)?,
            Err(RecvTimeoutError::Timeout) if stdin::interrupted() => break,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    // Stop accepting; the deliveries in flight finish and are shown.
    stop.notify_one();
    let _ = runtime.block_on(server);
    drop(shared);
    while let Ok(event) = received.try_recv() {
        show(event, &mut out, err)?;
    }
    runtime.shutdown_timeout(Duration::from_secs(1));
    out.flush()?;
    writeln!(err, "stopped after {}", counts.line())?;
    Ok(Outcome::Clean)
}

/// Accepts connections until told to stop, then waits (at most `grace`)
/// for the requests in flight.
async fn serve(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    stop: Arc<tokio::sync::Notify>,
    grace: Duration,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        shared.tell(Event::Error("cannot accept connections".into()));
        return;
    };
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30));
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let for_requests = Arc::clone(&shared);
                let service = hyper::service::service_fn(move |request| {
                    handle(request, Arc::clone(&for_requests))
                });
                let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                let shared = Arc::clone(&shared);
                tokio::spawn(async move {
                    if let Err(e) = connection.await
                        && (e.is_parse() || e.is_parse_too_large())
                    {
                        // hyper has answered 400 (431 for huge headers).
                        let status = if e.is_parse_too_large() { 431 } else { 400 };
                        shared.tell(Event::Rejected(Rejected {
                            received_at: now(),
                            method: None,
                            path: None,
                            status,
                            error: format!("malformed HTTP request: {e}"),
                        }));
                    }
                });
            }
            () = stop.notified() => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(grace) => {}
    }
}

fn now() -> String {
    Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// One request: read whole, then checked, saved and forwarded off the
/// server's threads; answered with the app's answer or `{"received":true}`.
async fn handle(
    request: Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let at = Timestamp::now();
    let (parts, body) = request.into_parts();
    let method = parts.method.to_string();
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    let reject = |status: u16, error: String| {
        shared.tell(Event::Rejected(Rejected {
            received_at: at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            method: Some(method.clone()),
            path: Some(target.clone()),
            status,
            error: error.clone(),
        }));
        respond(Answer::json(status, &serde_json::json!({ "error": error })))
    };
    let limit = usize::try_from(shared.max_body).unwrap_or(usize::MAX);
    let declared = parts
        .headers
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let too_large = format!(
        "the body is larger than --max-body ({} bytes)",
        shared.max_body
    );
    if declared.is_some_and(|n| n > shared.max_body) {
        return Ok(reject(413, too_large));
    }
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => return Ok(reject(413, too_large)),
        Err(e) => return Ok(reject(400, format!("the body could not be read: {e}"))),
    };
    let received = Received {
        at,
        seq: shared.seq.fetch_add(1, Ordering::Relaxed) + 1,
        method,
        target,
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
            .collect(),
        body: bytes.to_vec(),
    };
    let worker = Arc::clone(&shared);
    let answer = match tokio::task::spawn_blocking(move || process(&worker, received)).await {
        Ok((delivery, answer)) => {
            shared.tell(Event::Delivery(Box::new(delivery)));
            answer
        }
        Err(e) => Answer::json(500, &serde_json::json!({ "error": e.to_string() })),
    };
    Ok(respond(answer))
}

/// Checks, saves and forwards one request (on a blocking thread).
fn process(shared: &Shared, received: Received) -> (Delivery, Answer) {
    let overrides = Overrides {
        provider: shared.provider,
        event: None,
        secret: shared.secret.as_ref(),
    };
    let capture = received.capture();
    let name = received.name();
    let mut records = delivery::check(capture.clone(), &name, overrides);
    let mut saved = None;
    if let Some(dir) = &shared.save {
        let file = delivery::file_name(received.at, received.seq, &records);
        match delivery::save(dir, &file, &capture) {
            Ok(path) => {
                // Named as `whi validate DIR` will name it.
                let shown = path.display().to_string();
                for record in &mut records {
                    record.source = record.source.replacen(&name, &shown, 1);
                }
                saved = Some(path);
            }
            Err(e) => shared.tell(Event::Error(format!(
                "--save {}: delivery {} not saved: {e}",
                dir.display(),
                received.seq
            ))),
        }
    }
    let (forward, answer) = match &shared.forwarder {
        Some(forwarder) => {
            let (forwarded, answer) = forwarder.forward(
                &received.method,
                &received.target,
                &received.headers,
                &received.body,
            );
            (Some(forwarded), answer)
        }
        None => (
            None,
            Answer::json(200, &serde_json::json!({ "received": true })),
        ),
    };
    (
        Delivery {
            received,
            records,
            saved,
            forward,
        },
        answer,
    )
}

fn respond(answer: Answer) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(answer.body)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(answer.status).unwrap_or(hyper::StatusCode::BAD_GATEWAY);
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            hyper::header::HeaderValue::from_bytes(&value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

/// Deliveries seen, for the line printed on stopping.
#[derive(Default)]
struct Counts {
    deliveries: usize,
    valid: usize,
    failed: usize,
    rejected: usize,
}

impl Counts {
    fn add(&mut self, delivery: &Delivery) {
        self.deliveries += 1;
        if delivery.records.iter().all(|r| r.status == Status::Valid) {
            self.valid += 1;
        } else if delivery.records.iter().any(|r| r.status.is_failure()) {
            self.failed += 1;
        }
    }

    fn line(&self) -> String {
        let mut line = format!(
            "{} {}",
            self.deliveries,
            if self.deliveries == 1 {
                "delivery"
            } else {
                "deliveries"
            }
        );
        let parts: Vec<String> = [
            (self.valid, "valid"),
            (self.failed, "failed their checks"),
            (self.rejected, "rejected"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if !parts.is_empty() {
            line.push_str(": ");
            line.push_str(&parts.join(", "));
        }
        line
    }
}
