//! `whi listen` and `whi send` against real sockets on 127.0.0.1, ports
//! chosen by the OS (`--port 0`, the listener says which on its first JSON
//! line). Waits are bounded (a channel with a deadline), never fixed
//! sleeps. The "app" behind `--forward-to` is a tiny_http server in the
//! test, which records exactly what reached it.

mod util;

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::Duration;

/// The longest any one step may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(30);

const SALLA_SECRET: &str = "whi-test-secret";

struct Listener {
    child: Child,
    lines: Receiver<String>,
    url: String,
}

impl Listener {
    fn start(args: &[&str]) -> Listener {
        let mut command = Command::new(env!("CARGO_BIN_EXE_whi"));
        command
            .args(["listen", "--port", "0", "--format", "json"])
            .args(args)
            .current_dir(util::root())
            .env("SALLA_SECRET", SALLA_SECRET)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = command.spawn().expect("whi listen starts");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut listener = Listener {
            child,
            lines,
            url: String::new(),
        };
        let ready = listener.next();
        assert_eq!(ready["type"], "ready", "{ready}");
        listener.url = ready["url"].as_str().expect("url").to_owned();
        assert!(
            listener.url.starts_with("http://127.0.0.1:"),
            "{}",
            listener.url
        );
        listener
    }

    /// The next NDJSON line, parsed.
    fn next(&self) -> Value {
        let line = self
            .lines
            .recv_timeout(DEADLINE)
            .expect("whi listen printed a line in time");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    fn port(&self) -> u16 {
        self.url
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port")
    }

    /// Ctrl-C, then the exit status (bounded wait).
    fn interrupt(mut self) -> i32 {
        interrupt(&self.child);
        wait(&mut self.child)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn interrupt(child: &Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
}

fn wait(child: &mut Child) -> i32 {
    let deadline = std::time::Instant::now() + DEADLINE;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code().unwrap_or(-1);
        }
        assert!(std::time::Instant::now() < deadline, "whi did not exit");
        thread::park_timeout(Duration::from_millis(20));
    }
}

/// `whi send ARGS`: exit code and its JSON lines.
fn send(args: &[&str]) -> (i32, Vec<Value>, String) {
    let mut command = util::command(&["send", "--format", "json"]);
    command.args(args).env("SALLA_SECRET", SALLA_SECRET);
    let out = command.output().expect("whi send runs");
    (
        out.status.code().unwrap_or(-1),
        util::ndjson(&out),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// What the app received.
#[derive(Debug)]
struct Got {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Got {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A test app: answers `status` with `body` and an `X-App` header, after
/// `hold` lets it (when given), and reports each request it got.
struct App {
    url: String,
    got: Receiver<Got>,
}

fn app(status: u16, body: &'static str, hold: Option<Receiver<()>>) -> App {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("app binds");
    let port = server.server_addr().to_ip().expect("ip").port();
    let (tx, got) = mpsc::channel();
    thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let mut bytes = Vec::new();
            let _ = request.as_reader().read_to_end(&mut bytes);
            let _ = tx.send(Got {
                method: request.method().to_string(),
                url: request.url().to_owned(),
                headers: request
                    .headers()
                    .iter()
                    .map(|h| (h.field.to_string(), h.value.to_string()))
                    .collect(),
                body: bytes,
            });
            if let Some(hold) = &hold {
                let _ = hold.recv_timeout(DEADLINE);
            }
            let header = tiny_http::Header::from_bytes("X-App", "yes").expect("header");
            let response = tiny_http::Response::from_string(body)
                .with_status_code(status)
                .with_header(header);
            let _ = request.respond(response);
        }
    });
    App {
        url: format!("http://127.0.0.1:{port}"),
        got,
    }
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(util::root().join(format!("samples/{name}.json"))).expect("sample")
}

use util::Temp;

#[test]
fn every_providers_sample_goes_round_and_is_checked_on_arrival() {
    let listener = Listener::start(&[]);
    let samples = [
        "salla/order.created",
        "snipcart/order.completed",
        "ongoing/order.picked",
        "logitrail/order.shipped",
    ];
    let mut args = samples.to_vec();
    args.extend(["--to", &listener.url]);
    let (code, sent, stderr) = send(&args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(sent.len(), samples.len());
    for (name, line) in samples.iter().zip(&sent) {
        assert_eq!(line["type"], "sent");
        assert_eq!(line["target"], *name);
        assert_eq!(line["status"], 200);
        assert_eq!(line["response"], "{\"received\":true}");
        let delivery = listener.next();
        assert_eq!(delivery["type"], "delivery");
        assert_eq!(delivery["method"], "POST");
        assert_eq!(delivery["path"], "/");
        assert_eq!(
            format!(
                "{}/{}",
                delivery["provider"].as_str().unwrap_or(""),
                delivery["event"].as_str().unwrap_or("")
            ),
            *name
        );
        assert_eq!(delivery["status"], "valid", "{delivery}");
        assert!(delivery["summary"]["order_id"].is_string(), "{delivery}");
        assert!(delivery["forward"].is_null());
        assert!(
            delivery["received_at"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z'))
        );
    }
    assert_eq!(listener.interrupt(), 0, "Ctrl-C ends listening with 0");
}

#[test]
fn a_signed_salla_delivery_is_valid_and_a_tampered_one_is_not() {
    let listener = Listener::start(&["--secret-env", "SALLA_SECRET"]);
    let (code, _, stderr) = send(&[
        "--secret-env",
        "SALLA_SECRET",
        "salla/order.created",
        "--to",
        &listener.url,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let signed = listener.next();
    assert_eq!(signed["signature"]["status"], "valid", "{signed}");
    assert_eq!(signed["status"], "valid");
    // A capture signed for one body, replayed with a field changed and no
    // secret to sign it afresh: the listener sees the mismatch.
    let temp = Temp::new("tamper");
    let body = sample("salla/order.created");
    let signature = {
        let out = util::run(
            &[
                "sign",
                "--provider",
                "salla",
                "--secret-file",
                &{
                    let path = temp.arg("secret");
                    std::fs::write(&path, SALLA_SECRET).expect("secret");
                    path
                },
                "samples/salla/order.created.json",
            ],
            None,
        );
        util::stdout(&out)
    };
    let mut capture = b"POST /hooks HTTP/1.1\r\nContent-Type: application/json\r\n".to_vec();
    capture.extend(signature.trim_end().replace('\n', "\r\n").as_bytes());
    capture.extend(format!("\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes());
    capture.extend(&body);
    let file = temp.arg("signed.http");
    std::fs::write(&file, &capture).expect("capture");
    let (code, sent, stderr) = send(&[
        &file,
        "--set",
        "/data/status/slug=\"canceled\"",
        "--to",
        &listener.url,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        sent[0]["notes"][0]
            .as_str()
            .is_some_and(|n| n.contains("not signed afresh"))
    );
    let tampered = listener.next();
    assert_eq!(tampered["signature"]["status"], "invalid", "{tampered}");
    assert_eq!(tampered["status"], "invalid");
    // The same capture untouched is valid.
    let (code, _, _) = send(&[&file, "--to", &listener.url]);
    assert_eq!(code, 0);
    assert_eq!(listener.next()["signature"]["status"], "valid");
}

#[test]
fn forwarding_relays_the_exact_bytes_and_the_apps_answer() {
    let app = app(202, "accepted-by-app\nsecond line", None);
    let listener = Listener::start(&["--forward-to", &format!("{}/webhooks", app.url)]);
    let (code, sent, stderr) = send(&[
        "snipcart/order.completed",
        "--header",
        "X-Trace: abc",
        "--to",
        &format!("{}hooks/snipcart?x=1", listener.url),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        sent[0]["status"], 202,
        "the app's status reaches the sender"
    );
    assert_eq!(sent[0]["response"], "accepted-by-app");
    let got = app
        .got
        .recv_timeout(DEADLINE)
        .expect("the app got the request");
    assert_eq!(got.method, "POST");
    assert_eq!(
        got.url, "/webhooks",
        "--forward-to with a path is used as is"
    );
    assert_eq!(
        got.body,
        sample("snipcart/order.completed"),
        "byte for byte"
    );
    assert_eq!(got.header("X-Trace"), Some("abc"));
    assert_eq!(got.header("Content-Type"), Some("application/json"));
    let app_host = app.url.trim_start_matches("http://");
    assert_eq!(got.header("Host"), Some(app_host), "Host is the app's");
    assert_eq!(got.header("Transfer-Encoding"), None);
    let delivery = listener.next();
    assert_eq!(delivery["path"], "/hooks/snipcart?x=1");
    assert_eq!(delivery["forward"]["status"], 202);
    assert_eq!(delivery["forward"]["url"], format!("{}/webhooks", app.url));
    assert!(delivery["forward"]["error"].is_null());
    assert!(
        delivery["forward"]["ms"]
            .as_f64()
            .is_some_and(|ms| ms >= 0.0)
    );
}

#[test]
fn an_app_that_is_down_is_a_502_and_the_delivery_is_still_saved() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let temp = Temp::new("down");
    let saved = temp.arg("saved");
    let listener = Listener::start(&[
        "--forward-to",
        &format!("http://127.0.0.1:{port}"),
        "--save",
        &saved,
    ]);
    let (code, sent, _) = send(&["salla/order.created", "--to", &listener.url]);
    assert_eq!(code, 1, "a 502 is not 2xx");
    assert_eq!(sent[0]["status"], 502);
    let delivery = listener.next();
    assert_eq!(delivery["forward"]["status"], 502);
    assert!(
        delivery["forward"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("could not be reached"))
    );
    let file = delivery["saved"].as_str().expect("saved");
    assert!(std::path::Path::new(file).is_file());
}

#[test]
fn saved_deliveries_validate_to_the_same_verdicts() {
    let temp = Temp::new("save");
    let saved = temp.arg("saved");
    let listener = Listener::start(&["--save", &saved, "--secret-env", "SALLA_SECRET"]);
    let broken = temp.arg("broken.json");
    std::fs::write(&broken, "{\"event\": ").expect("broken body");
    let (_, _, stderr) = send(&[
        "--secret-env",
        "SALLA_SECRET",
        "salla/order.created",
        "salla/order.status.updated",
        "--to",
        &listener.url,
    ]);
    assert!(stderr.is_empty(), "{stderr}");
    send(&[
        "snipcart/order.completed",
        "--set",
        "/content/total=\"a lot\"",
        "--to",
        &listener.url,
    ]);
    send(&[&broken, "--to", &listener.url]);
    let mut live = Vec::new();
    for _ in 0..4 {
        let d = listener.next();
        live.push((
            d["source"].as_str().unwrap_or("").to_owned(),
            d["status"].to_string(),
            d["signature"]["status"].to_string(),
        ));
    }
    let statuses: Vec<&str> = live.iter().map(|(_, s, _)| s.as_str()).collect();
    assert_eq!(
        statuses,
        ["\"valid\"", "\"valid\"", "\"invalid\"", "\"unparseable\""]
    );
    let names: Vec<String> = std::fs::read_dir(&saved)
        .expect("saved dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.ends_with("-0001-salla-order.created.http")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.ends_with("-0004-unparseable.http")),
        "{names:?}"
    );
    let mut command = util::command(&[
        "validate",
        "--format",
        "json",
        "--secret-env",
        "SALLA_SECRET",
        &saved,
    ]);
    command.env("SALLA_SECRET", SALLA_SECRET);
    let out = command.output().expect("validate");
    let mut offline: Vec<(String, String, String)> = util::ndjson(&out)
        .iter()
        .map(|r| {
            (
                r["source"].as_str().unwrap_or("").to_owned(),
                r["status"].to_string(),
                r["signature"]["status"].to_string(),
            )
        })
        .collect();
    offline.sort();
    live.sort();
    assert_eq!(live, offline, "the same verdicts, signatures included");
}

#[test]
fn an_oversized_body_is_a_413_and_a_malformed_request_a_400() {
    let listener = Listener::start(&["--max-body", "1KiB"]);
    let (code, sent, _) = send(&["salla/order.created", "--to", &listener.url]);
    assert_eq!(code, 1);
    assert_eq!(sent[0]["status"], 413);
    let rejected = listener.next();
    assert_eq!(rejected["type"], "rejected");
    assert_eq!(rejected["status"], 413);
    assert!(
        rejected["error"]
            .as_str()
            .is_some_and(|e| e.contains("--max-body"))
    );

    let mut stream = TcpStream::connect(("127.0.0.1", listener.port())).expect("connect");
    stream.set_read_timeout(Some(DEADLINE)).expect("timeout");
    stream
        .write_all(b"NOT HTTP AT ALL\x01\r\n\r\n")
        .expect("write");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    let malformed = listener.next();
    assert_eq!(malformed["type"], "rejected");
    assert_eq!(malformed["status"], 400);
    // Still serving (a body under the 1 KiB limit).
    let temp = Temp::new("small");
    let small = temp.arg("small.json");
    std::fs::write(&small, "{\"hello\": 1}").expect("small body");
    let (code, _, _) = send(&[&small, "--to", &listener.url]);
    assert_eq!(code, 0);
    let delivery = listener.next();
    assert_eq!(delivery["type"], "delivery");
    assert_eq!(delivery["status"], "unrecognised");
}

#[test]
fn concurrent_deliveries_each_print_one_whole_record() {
    let listener = Listener::start(&[]);
    let senders: Vec<_> = (0..4)
        .map(|_| {
            let url = listener.url.clone();
            thread::spawn(move || {
                send(&[
                    "salla/order.created",
                    "snipcart/order.completed",
                    "ongoing/order.created",
                    "logitrail/order.info.change",
                    "salla/order.updated",
                    "--to",
                    &url,
                ])
                .0
            })
        })
        .collect();
    for sender in senders {
        assert_eq!(sender.join().expect("sender"), 0);
    }
    let mut seen = 0;
    while seen < 20 {
        let line = listener.next();
        assert_eq!(line["type"], "delivery");
        assert_eq!(line["status"], "valid", "{line}");
        seen += 1;
    }
}

#[test]
fn ctrl_c_lets_the_delivery_in_flight_finish() {
    let (release, hold) = mpsc::channel();
    let app = app(200, "done", Some(hold));
    let listener = Listener::start(&["--forward-to", &app.url]);
    let url = listener.url.clone();
    let sender = thread::spawn(move || send(&["salla/order.created", "--to", &url]));
    // The app has the request: the delivery is in flight.
    app.got.recv_timeout(DEADLINE).expect("the app got it");
    let mut listener = listener;
    interrupt(&listener.child);
    assert!(
        listener.child.try_wait().expect("wait").is_none(),
        "still finishing the delivery in flight"
    );
    release.send(()).expect("release the app");
    let (code, sent, _) = sender.join().expect("sender");
    assert_eq!(code, 0);
    assert_eq!(
        sent[0]["response"], "done",
        "the sender got the app's answer"
    );
    assert_eq!(listener.next()["type"], "delivery");
    assert_eq!(wait(&mut listener.child), 0);
}

#[test]
fn send_says_when_it_cannot_send() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let (code, sent, _) = send(&[
        "salla/order.created",
        "--to",
        &format!("http://127.0.0.1:{port}/"),
    ]);
    assert_eq!(code, 2, "unreachable");
    assert!(sent[0]["status"].is_null());
    assert!(sent[0]["error"].is_string());
    let (code, sent, stderr) = send(&[
        "salla/order.craeted",
        "--to",
        &format!("http://127.0.0.1:{port}/"),
    ]);
    assert_eq!(code, 2);
    assert!(sent.is_empty());
    assert!(
        stderr.contains("did you mean salla/order.created"),
        "{stderr}"
    );
}

#[test]
fn sign_curl_prints_a_command_that_posts_the_file_signed() {
    let args = [
        "sign",
        "--provider",
        "salla",
        "--secret-file",
        "tests/fixtures/capture/secret.txt",
    ];
    let headers = util::stdout(&util::run(
        &[&args[..], &["samples/salla/order.created.json"]].concat(),
        None,
    ));
    let signature = headers
        .lines()
        .find(|l| l.starts_with("X-Salla-Signature: "))
        .expect("a signature header");
    let out = util::run(
        &[
            &args[..],
            &[
                "--curl",
                "http://localhost:3000/hooks",
                "samples/salla/order.created.json",
            ],
        ]
        .concat(),
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let command = util::stdout(&out);
    let lines: Vec<&str> = command.lines().collect();
    assert_eq!(lines[0], "curl --fail-with-body -sS -X POST \\");
    assert_eq!(lines[1], "  http://localhost:3000/hooks \\");
    assert!(lines.contains(&"  -H 'Content-Type: application/json' \\"));
    assert!(
        lines.contains(&format!("  -H '{signature}' \\").as_str()),
        "{command}"
    );
    assert_eq!(
        lines.last().copied(),
        Some("  --data-binary @samples/salla/order.created.json")
    );
    // A capture's body is not its file: it goes inline, quoted.
    let inline = util::stdout(&util::run(
        &[
            &args[..],
            &[
                "--curl",
                "http://x/",
                "tests/fixtures/capture/salla-signed-crlf.http",
            ],
        ]
        .concat(),
        None,
    ));
    assert!(
        inline.contains("  --data-binary ") && !inline.contains("--data-binary @"),
        "{inline}"
    );
}
