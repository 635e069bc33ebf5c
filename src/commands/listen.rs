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
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Deliveries at most between arrival and being shown.
const PERMITS: usize = 32;

/// What the server threads tell the writing thread.
enum Event {
    /// A checked delivery, with the permit it holds until it is shown.
    Delivery(Box<Delivery>, OwnedSemaphorePermit),
    Rejected(Rejected),
    /// Something went wrong beside a delivery (a save that failed).
    Error(String),
    /// The delivery with this number will not come.
    Lost(u64),
}

/// Deliveries are checked side by side and finish in any order; they are
/// shown in the order they arrived (their numbers), each as soon as all
/// before it are.
struct InOrder<T> {
    next: u64,
    waiting: std::collections::BTreeMap<u64, Option<T>>,
}

impl<T> InOrder<T> {
    fn new() -> Self {
        InOrder {
            next: 1,
            waiting: std::collections::BTreeMap::new(),
        }
    }

    /// Takes delivery `seq` (or its loss) and returns those now due.
    fn arrive(&mut self, seq: u64, delivery: Option<T>) -> Vec<T> {
        self.waiting.insert(seq, delivery);
        let mut due = Vec::new();
        while let Some(delivery) = self.waiting.remove(&self.next) {
            due.extend(delivery);
            self.next += 1;
        }
        due
    }
}

/// What every request needs, shared by the server's tasks.
struct Shared {
    provider: Option<&'static dyn Provider>,
    secret: Option<Secret>,
    forwarder: Option<Forwarder>,
    save: Option<PathBuf>,
    max_body: u64,
    seq: AtomicU64,
    /// Deliveries answered and not yet checked and shown.
    in_flight: AtomicUsize,
    /// Deliveries allowed between arrival and being shown.
    permits: Arc<Semaphore>,
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
        in_flight: AtomicUsize::new(0),
        permits: Arc::new(Semaphore::new(PERMITS)),
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
    let mut order = InOrder::new();
    let mut show =
        |event: Event, out: &mut dyn Write, err: &mut dyn Write| -> std::io::Result<()> {
            let due = match event {
                Event::Delivery(delivery, permit) => {
                    order.arrive(delivery.received.seq, Some((delivery, permit)))
                }
                Event::Lost(seq) => order.arrive(seq, None),
                Event::Rejected(rejected) => {
                    counts.rejected += 1;
                    return output::rejected(out, &palette, json, &rejected);
                }
                Event::Error(message) => return writeln!(err, "error: {}", escape(&message)),
            };
            // Each permit is released once its delivery is shown.
            for (delivery, _permit) in due {
                counts.add(&delivery);
                output::delivery(out, &palette, json, &delivery)?;
            }
            Ok(())
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
                            received_at: delivery::stamp(Timestamp::now()),
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
    let finished = async {
        graceful.shutdown().await;
        // Answered deliveries still being checked.
        while shared.in_flight.load(Ordering::SeqCst) > 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::select! {
        () = finished => {}
        () = tokio::time::sleep(grace) => {}
    }
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
            received_at: delivery::stamp(at),
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
    // At most PERMITS deliveries between arrival and being shown: a sender
    // faster than the checks, or than the terminal, waits instead of
    // piling work up. The number comes after the permit, so that the one
    // the printer waits for always holds a permit.
    let Ok(permit) = Arc::clone(&shared.permits).acquire_owned().await else {
        return Ok(reject(503, "whi listen is stopping".into()));
    };
    let seq = shared.seq.fetch_add(1, Ordering::SeqCst) + 1;
    let received = Received {
        at,
        seq,
        method,
        target,
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
            .collect(),
        body: bytes.to_vec(),
    };
    // The check runs beside the forwarding, and is printed when done: the
    // sender waits for the app's answer, never for whi's verdict.
    shared.in_flight.fetch_add(1, Ordering::SeqCst);
    // Only a delivery that is also forwarded needs a second copy.
    let forwarding = shared
        .forwarder
        .clone()
        .map(|forwarder| (forwarder, received.clone()));
    let checking = {
        let shared = Arc::clone(&shared);
        tokio::task::spawn_blocking(move || checked(&shared, received))
    };
    let (forward, answer) = match forwarding {
        Some((forwarder, request)) => match tokio::task::spawn_blocking(move || {
            forwarder.forward(
                &request.method,
                &request.target,
                &request.headers,
                &request.body,
            )
        })
        .await
        {
            Ok((forwarded, answer)) => (Some(forwarded), answer),
            Err(_) => (
                None,
                Answer::json(500, &serde_json::json!({ "error": "forwarding failed" })),
            ),
        },
        None => (
            None,
            Answer::json(200, &serde_json::json!({ "received": true })),
        ),
    };
    let shared = Arc::clone(&shared);
    tokio::spawn(async move {
        match checking.await {
            Ok(mut delivery) => {
                delivery.forward = forward;
                shared.tell(Event::Delivery(Box::new(delivery), permit));
            }
            // Only if a check panicked: the printer must not wait for it.
            Err(_) => shared.tell(Event::Lost(seq)),
        }
        shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    });
    Ok(respond(answer))
}

/// Checks and saves one request (on a blocking thread).
fn checked(shared: &Shared, received: Received) -> Delivery {
    let overrides = Overrides {
        provider: shared.provider,
        event: None,
        secret: shared.secret.as_ref(),
        max_errors: None,
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
    Delivery {
        received,
        records,
        saved,
        forward: None,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(seq: u64) -> Delivery {
        Delivery {
            received: Received {
                at: Timestamp::UNIX_EPOCH,
                seq,
                method: "POST".into(),
                target: "/".into(),
                headers: Vec::new(),
                body: Vec::new(),
            },
            records: Vec::new(),
            saved: None,
            forward: None,
        }
    }

    fn seqs(due: Vec<Delivery>) -> Vec<u64> {
        due.iter().map(|d| d.received.seq).collect()
    }

    #[test]
    fn deliveries_are_shown_in_arrival_order_and_a_lost_one_holds_nothing_up() {
        let mut order = InOrder::new();
        assert!(seqs(order.arrive(2, Some(delivery(2)))).is_empty());
        assert_eq!(seqs(order.arrive(1, Some(delivery(1)))), [1, 2]);
        assert!(seqs(order.arrive(4, Some(delivery(4)))).is_empty());
        assert_eq!(seqs(order.arrive(3, None)), [4]);
    }
}
