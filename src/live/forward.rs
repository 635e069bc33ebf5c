//! `whi listen --forward-to`: the request goes on to the app with its exact
//! body and its headers (less hop-by-hop ones; `Host` is the app's), and the
//! app's answer comes back whole, to be relayed to the sender. An app that
//! cannot be reached gives 502, one that does not answer in time 504, each
//! with a short JSON body saying why.

use super::headers;
use serde::Serialize;
use std::time::{Duration, Instant};
use ureq::http::{self, Uri};

/// The largest app answer relayed.
const MAX_ANSWER: u64 = 16 << 20;

/// How forwarding one delivery went, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct Forwarded {
    /// The URL forwarded to.
    pub url: String,
    /// The app's status, or the 502/504 whi answered for it.
    pub status: u16,
    /// Milliseconds from sending to the app's complete answer.
    pub ms: f64,
    /// Why the app's answer is not relayed (unreachable, timed out).
    pub error: Option<String>,
}

/// The answer to give the sender.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// Headers (hop-by-hop ones already left out).
    pub headers: Vec<(String, Vec<u8>)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Answer {
    /// A short JSON answer whi gives itself.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Answer {
            status,
            headers: vec![("content-type".into(), b"application/json".to_vec())],
            body: body.to_string().into_bytes(),
        }
    }
}

/// Forwards deliveries to one app, over kept-alive connections (a clone
/// shares them).
#[derive(Clone)]
pub struct Forwarder {
    agent: ureq::Agent,
    target: Uri,
}

impl Forwarder {
    /// A forwarder to `target`, waiting at most `timeout` for each answer.
    pub fn new(target: Uri, timeout: Duration) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(timeout))
            .timeout_connect(Some(timeout.min(Duration::from_secs(5))))
            .allow_non_standard_methods(true)
            .user_agent(ureq::config::AutoHeaderValue::None)
            .accept(ureq::config::AutoHeaderValue::None)
            .build()
            .into();
        Forwarder { agent, target }
    }

    /// Where a request for `path` goes: the `--forward-to` URL as given, or,
    /// when it has no path of its own, with the request's path and query.
    pub fn url_for(&self, path: &str) -> String {
        let own = self.target.path_and_query().map_or("", |p| p.as_str());
        let base = self.target.to_string();
        if own.is_empty() || own == "/" {
            format!("{}{path}", base.trim_end_matches('/'))
        } else {
            base
        }
    }

    /// Sends the request on and returns what to report and what to answer.
    pub fn forward(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, Vec<u8>)],
        body: &[u8],
    ) -> (Forwarded, Answer) {
        let url = self.url_for(path);
        let started = Instant::now();
        let result = self.send(method, &url, headers, body);
        let ms = (started.elapsed().as_secs_f64() * 100_000.0).round() / 100.0;
        match result {
            Ok(answer) => (
                Forwarded {
                    url,
                    status: answer.status,
                    ms,
                    error: None,
                },
                answer,
            ),
            Err(error) => {
                let (status, why) = match &error {
                    ureq::Error::Timeout(_) => (504, "the app did not answer in time".to_owned()),
                    other => (502, format!("the app could not be reached: {other}")),
                };
                let answer = Answer::json(status, &serde_json::json!({ "error": why, "url": url }));
                (
                    Forwarded {
                        url,
                        status,
                        ms,
                        error: Some(why),
                    },
                    answer,
                )
            }
        }
    }

    fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, Vec<u8>)],
        body: &[u8],
    ) -> Result<Answer, ureq::Error> {
        let connection: Vec<&str> = headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("connection"))
            .filter_map(|(_, value)| std::str::from_utf8(value).ok())
            .collect();
        let mut request = http::Request::builder().method(method).uri(url);
        for (name, value) in headers {
            if headers::travels(name) && !headers::named_by_connection(connection.clone(), name) {
                request = request.header(name.as_str(), value.as_slice());
            }
        }
        let request = request.body(body.to_vec())?;
        let mut response = self.agent.run(request)?;
        let status = response.status().as_u16();
        let answer_connection: Vec<String> = response
            .headers()
            .get_all(http::header::CONNECTION)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        let headers = response
            .headers()
            .iter()
            .filter(|(name, _)| {
                headers::travels(name.as_str())
                    && !headers::named_by_connection(
                        answer_connection.iter().map(String::as_str),
                        name.as_str(),
                    )
            })
            .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_vec()?;
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarder(url: &str) -> Forwarder {
        Forwarder::new(url.parse().unwrap_or_default(), Duration::from_secs(1))
    }

    #[test]
    fn a_url_without_a_path_takes_the_requests_own() {
        assert_eq!(
            forwarder("http://localhost:3000").url_for("/hooks/salla?x=1"),
            "http://localhost:3000/hooks/salla?x=1"
        );
        assert_eq!(
            forwarder("http://localhost:3000/").url_for("/a"),
            "http://localhost:3000/a"
        );
        assert_eq!(
            forwarder("http://localhost:3000/webhooks").url_for("/anything"),
            "http://localhost:3000/webhooks"
        );
    }

    #[test]
    fn an_app_that_is_not_there_is_a_502_with_the_reason() {
        // A port just released: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(9);
        let (forwarded, answer) =
            forwarder(&format!("http://127.0.0.1:{port}/hooks")).forward("POST", "/x", &[], b"{}");
        assert_eq!(forwarded.status, 502);
        assert_eq!(answer.status, 502);
        assert!(
            forwarded
                .error
                .is_some_and(|e| e.contains("could not be reached"))
        );
    }
}
