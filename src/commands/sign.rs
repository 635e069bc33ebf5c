//! `whi sign`: the headers a provider would send with a body, computed over
//! the body's exact bytes (a capture's body only, never its headers).

use super::Outcome;
use crate::ingest::reader;
use crate::model::signature::{Secret, Signed};
use crate::providers::Provider;
use crate::render;
use crate::settings::SignSettings;
use std::io::{Read, Write};

/// Computes the provider's headers over one body, byte for byte as read.
pub fn sign(
    provider: &'static dyn Provider,
    secret: &Secret,
    scheme: Option<&str>,
    input: &std::ffi::OsStr,
    stdin: &mut dyn Read,
) -> anyhow::Result<Signed> {
    let body = reader::pick(input, stdin)?;
    let headers = provider.sign(&body.bytes, secret, scheme)?;
    Ok(Signed {
        headers,
        body: body.bytes,
    })
}

/// Runs `whi sign`: prints the headers, or a whole request with `--request`.
pub(super) fn run(
    settings: &SignSettings,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let signed = sign(
        settings.provider,
        &settings.secret,
        settings.strategy.as_deref(),
        &settings.input,
        stdin,
    )?;
    if let Some(url) = &settings.curl {
        // The file itself when it is the body, byte for byte; else inline.
        let whole_file = settings.input != "-"
            && std::fs::read(&settings.input).is_ok_and(|bytes| bytes == signed.body);
        // A name that is not UTF-8 cannot be written into the command:
        // the body goes inline instead.
        let file = whole_file.then(|| settings.input.to_str()).flatten();
        render::human::curl(out, &signed, url, file)?;
        out.flush()?;
        return Ok(Outcome::Clean);
    }
    let request = settings
        .request
        .as_ref()
        .map(|(host, path)| (host.as_str(), path.as_str()));
    render::human::signed(out, &signed, request)?;
    out.flush()?;
    Ok(Outcome::Clean)
}
