//! What `whi send` posts: each target (a bundled sample by name, a payload
//! file, a capture or one request of it) becomes requests with the body's
//! exact bytes and the capture's own headers less hop-by-hop ones; `--set`
//! edits fields first, a secret signs the result the way its provider does,
//! `--header` has the last word.

use super::headers;
use crate::bundle::catalog;
use crate::check::detect::{self, Overrides};
use crate::ingest::capture::Body;
use crate::ingest::input::Input;
use crate::ingest::reader;
use crate::model::doc::Doc;
use crate::model::signature::{Headers, Secret};
use crate::providers::Provider;
use anyhow::{Context, Result, anyhow, bail};
use serde::Serialize;
use serde_json::Value;
use std::ffi::OsStr;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

/// One request to send.
#[derive(Debug, Clone)]
pub struct Outbound {
    /// What it came from, named as whi names bodies (`x.har#entries/2`).
    pub target: String,
    /// The body, byte for byte.
    pub body: Vec<u8>,
    /// The headers to send with it.
    pub headers: Vec<(String, String)>,
    /// Remarks about it (a signature left stale by `--set`).
    pub notes: Vec<String>,
}

/// How every target is prepared.
#[derive(Default, Clone, Copy)]
pub struct Plan<'a> {
    /// Sign as this provider rather than the one detected.
    pub provider: Option<&'static dyn Provider>,
    /// Sign with this secret.
    pub secret: Option<&'a Secret>,
    /// Salla's strategy (`signature`, `token`).
    pub strategy: Option<&'a str>,
    /// Fields to change: JSON pointer and value.
    pub set: &'a [(String, Value)],
    /// Headers to add, replacing any of the same name.
    pub headers: &'a [(String, String)],
}

/// The requests a target stands for (several for a log or a HAR).
pub fn prepare(target: &str, plan: Plan<'_>, stdin: &mut dyn Read) -> Result<Vec<Outbound>> {
    resolve(target, stdin)?
        .into_iter()
        .map(|body| outbound(body, plan))
        .collect()
}

fn resolve(target: &str, stdin: &mut dyn Read) -> Result<Vec<Body>> {
    let exists = target == "-" || Path::new(target).exists();
    if !exists && reader::base_path(OsStr::new(target)) == target {
        // Not a file: a bundled sample, or a name that matches neither.
        return match catalog::sample(target) {
            Ok(sample) => Ok(vec![Body {
                source: sample.name,
                bytes: sample.text.as_bytes().to_vec(),
                headers: vec![("Content-Type".into(), "application/json".into())],
                origin: None,
                entry: None,
                note: None,
                decoded_from: None,
            }]),
            Err(unknown) => Err(anyhow!("{target}: no such file, and {unknown}")),
        };
    }
    if target == "-" || reader::base_path(OsStr::new(target)) != target {
        return Ok(vec![reader::pick(OsStr::new(target), stdin)?]);
    }
    let input = Input::File(target.into());
    let bodies =
        reader::bodies(&input, stdin).map_err(|e| anyhow!("{}: {}", e.input, e.message))?;
    let bodies: Vec<Body> = bodies
        // What a HAR passed over (requests without a body) is not sent.
        .filter(|body| !matches!(body, Err(b) if b.passed_over))
        .map(|body| body.map_err(|b| anyhow!("{}: {}", b.source, b.message)))
        .collect::<Result<_>>()?;
    if bodies.is_empty() {
        bail!("{target}: holds no payload to send");
    }
    Ok(bodies)
}

fn outbound(body: Body, plan: Plan<'_>) -> Result<Outbound> {
    let Body {
        source,
        mut bytes,
        headers: captured,
        decoded_from,
        ..
    } = body;
    let mut notes = Vec::new();
    // A compressed capture was decoded when read: the decoded JSON is sent,
    // so its Content-Encoding header must not say otherwise.
    let decoded =
        |name: &str| decoded_from.is_some() && name.eq_ignore_ascii_case("content-encoding");
    let mut headers: Vec<(String, String)> = captured
        .iter()
        .filter(|(name, _)| headers::travels(name) && !decoded(name))
        .cloned()
        .collect();
    if let Some(from) = &decoded_from {
        notes.push(format!(
            "the captured body was decoded from {from}: it is sent decoded, without Content-Encoding"
        ));
    }
    let changed = !plan.set.is_empty();
    if changed {
        bytes = edited(&source, &bytes, plan.set)?;
    }
    if let Some(secret) = plan.secret {
        let provider = match plan.provider {
            Some(p) => p,
            None => detected(&bytes, &captured).ok_or_else(|| {
                anyhow!("{source}: not a webhook whi recognises, so it cannot tell how to sign it (give --provider)")
            })?,
        };
        for (name, value) in provider
            .sign(&bytes, secret, plan.strategy)
            .with_context(|| format!("{source}: signing as {}", provider.name()))?
        {
            replace(&mut headers, name, value);
        }
    } else if changed && captured.iter().any(|(name, _)| credential(name)) {
        notes.push(
            "the body was changed by --set and not signed afresh (no secret): a signature it carries no longer matches"
                .to_owned(),
        );
    }
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
    {
        headers.push(("Content-Type".into(), "application/json".into()));
    }
    for (name, value) in plan.headers {
        replace(&mut headers, name.clone(), value.clone());
    }
    Ok(Outbound {
        target: source,
        body: bytes,
        headers,
        notes,
    })
}

/// Whether a header carries a signature or credentials (whose names all
/// say so: X-Salla-Signature, X-Snipcart-RequestToken, Authorization, …).
fn credential(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["signature", "token", "authorization", "auth"]
        .iter()
        .any(|word| name.contains(word))
}

/// The provider the body (and its headers) look like.
fn detected(bytes: &[u8], headers: &[(String, String)]) -> Option<&'static dyn Provider> {
    let text = std::str::from_utf8(bytes).ok()?;
    let doc = Doc::parse_str(text).ok()?;
    detect::detect_request(doc.root(), Headers(headers), Overrides::default())
        .map(|detection| detection.provider.0)
}

/// The body with `--set` applied, laid out as it was (pretty or compact,
/// with or without a final line break).
fn edited(source: &str, bytes: &[u8], set: &[(String, Value)]) -> Result<Vec<u8>> {
    let mut value: Value = serde_json::from_slice(bytes)
        .map_err(|e| anyhow!("--set: {source} is not JSON ({e}), so no field can be set"))?;
    for (pointer, new) in set {
        set_pointer(&mut value, pointer, new.clone())
            .map_err(|why| anyhow!("--set {pointer}: {why} in {source}"))?;
    }
    let text = String::from_utf8_lossy(bytes);
    let mut out = if text.trim_end().contains('\n') {
        serde_json::to_vec_pretty(&value)?
    } else {
        serde_json::to_vec(&value)?
    };
    if text.ends_with('\n') {
        out.push(b'\n');
    }
    Ok(out)
}

/// Sets the value at a JSON pointer, adding the last member of an object
/// (or `-`, the end of an array) when it is missing.
pub fn set_pointer(root: &mut Value, pointer: &str, new: Value) -> Result<(), String> {
    if let Some(slot) = root.pointer_mut(pointer) {
        *slot = new;
        return Ok(());
    }
    let (parent, last) = pointer
        .rsplit_once('/')
        .ok_or_else(|| "not a JSON pointer".to_owned())?;
    let key = last.replace("~1", "/").replace("~0", "~");
    match root.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(key, new);
            Ok(())
        }
        Some(Value::Array(items)) if key == "-" => {
            items.push(new);
            Ok(())
        }
        Some(Value::Array(items)) => Err(format!(
            "no item {key} (the array has {}; - adds one at the end)",
            items.len()
        )),
        Some(_) => Err(format!("{parent} holds no object or array")),
        None => Err(format!("no {parent}")),
    }
}

fn replace(headers: &mut Vec<(String, String)>, name: String, value: String) {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
    headers.push((name, value));
}

/// How one request went.
#[derive(Debug, Clone, Serialize)]
pub struct Sent {
    /// What was sent.
    pub target: String,
    /// Where to.
    pub url: String,
    /// The receiver's status; null when it could not be reached.
    pub status: Option<u16>,
    /// Milliseconds from sending to the complete answer.
    pub ms: f64,
    /// The first line of the answer's body (at most 200 characters).
    pub response: Option<String>,
    /// Why nothing was answered.
    pub error: Option<String>,
    /// Remarks about the request.
    pub notes: Vec<String>,
}

/// A client for `whi send`: answers of any status are answers, redirects
/// are not followed (a webhook is not re-posted elsewhere).
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(timeout))
        .user_agent(concat!("whi/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Posts one request.
pub fn post(agent: &ureq::Agent, url: &str, outbound: &Outbound) -> Sent {
    let started = Instant::now();
    let mut request = agent.post(url);
    for (name, value) in &outbound.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let result = request.send(outbound.body.as_slice()).map(|mut response| {
        let status = response.status().as_u16();
        // An answer cut short still has its status: the body is a courtesy.
        let body = response
            .body_mut()
            .with_config()
            .limit(1 << 20)
            .read_to_vec()
            .unwrap_or_default();
        (status, body)
    });
    let ms = (started.elapsed().as_secs_f64() * 100_000.0).round() / 100.0;
    let (status, response, error) = match result {
        Ok((status, body)) => {
            let text = String::from_utf8_lossy(&body);
            let first = text.lines().next().unwrap_or("").trim();
            let first: String = first.chars().take(200).collect();
            (Some(status), Some(first), None)
        }
        Err(e) => (None, None, Some(e.to_string())),
    };
    Sent {
        target: outbound.target.clone(),
        url: url.to_owned(),
        status,
        ms,
        response,
        error,
        notes: outbound.notes.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_replaces_adds_and_says_what_is_missing() {
        let mut v = json!({"data": {"status": {"slug": "x"}, "items": [1]}});
        assert!(set_pointer(&mut v, "/data/status/slug", json!("canceled")).is_ok());
        assert!(set_pointer(&mut v, "/data/new", json!(1)).is_ok());
        assert!(set_pointer(&mut v, "/data/items/-", json!(2)).is_ok());
        assert_eq!(v["data"]["status"]["slug"], "canceled");
        assert_eq!(v["data"]["new"], 1);
        assert_eq!(v["data"]["items"], json!([1, 2]));
        assert!(set_pointer(&mut v, "/nope/deeper", json!(1)).is_err_and(|e| e == "no /nope"));
    }

    #[test]
    fn a_sample_is_sent_as_bundled_and_an_edit_keeps_its_layout() -> Result<()> {
        let plan = Plan::default();
        let sent = prepare("salla/order.created", plan, &mut std::io::empty())?;
        let sample = catalog::sample("salla/order.created").map(|s| s.text)?;
        assert_eq!(sent[0].body, sample.as_bytes());
        let set = [("/data/status/slug".to_owned(), json!("canceled"))];
        let edited = prepare(
            "salla/order.created",
            Plan { set: &set, ..plan },
            &mut std::io::empty(),
        )?;
        let text = String::from_utf8_lossy(&edited[0].body);
        assert!(text.contains("\"slug\": \"canceled\""), "{text}");
        assert_eq!(text.lines().count(), sample.lines().count());
        Ok(())
    }

    #[test]
    fn a_compressed_capture_is_sent_decoded_without_its_coding() -> Result<()> {
        use std::io::Write;
        let body = br#"{"event":"order.created","merchant":1,"data":{"id":7}}"#;
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gzip.write_all(body)?;
        let mut capture =
            b"POST /h HTTP/1.1\r\nContent-Encoding: gzip\r\nX-Trace: 1\r\n\r\n".to_vec();
        capture.extend_from_slice(&gzip.finish()?);
        let sent = prepare("-", Plan::default(), &mut &capture[..])?;
        assert_eq!(sent[0].body, body);
        let names: Vec<&str> = sent[0].headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["X-Trace", "Content-Type"]);
        assert!(sent[0].notes[0].contains("decoded from gzip: it is sent decoded"));
        Ok(())
    }

    #[test]
    fn an_unknown_name_is_neither_a_file_nor_a_sample() {
        let err = prepare(
            "salla/order.craeted",
            Plan::default(),
            &mut std::io::empty(),
        );
        assert!(err.is_err_and(|e| e.to_string().contains("did you mean salla/order.created")));
    }
}
