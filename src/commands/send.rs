//! `whi send`: posts each target to the receiver, one request at a time in
//! the order given, over one kept-alive connection, and prints how each went.
//! Exit status: 0 when every answer is 2xx, 1 when one is not, 2 when a
//! target cannot be prepared or the receiver cannot be reached.

use super::Outcome;
use crate::cli::ListFormat;
use crate::live::outbound::{self, Plan};
use crate::render::live as output;
use crate::render::wrap::Wrap;
use crate::render::{Palette, escape};
use crate::settings::SendSettings;
use std::io::{Read, Write};

/// Runs `whi send`.
pub(super) fn run(
    settings: &SendSettings,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let plan = Plan {
        provider: settings.provider,
        secret: settings.secret.as_ref(),
        strategy: settings.strategy.as_deref(),
        set: &settings.set,
        headers: &settings.headers,
    };
    let json = settings.format == ListFormat::Json;
    let palette = Palette::new(settings.color);
    let mut out = Wrap::new(out, settings.width);
    let agent = outbound::agent(settings.timeout);
    let url = settings.to.to_string();
    let mut outcome = Outcome::Clean;
    for target in &settings.targets {
        let requests = match outbound::prepare(target, plan, stdin) {
            Ok(requests) => requests,
            Err(e) => {
                writeln!(err, "error: {}", escape(&format!("{e:#}")))?;
                outcome = outcome.merge(Outcome::Failed);
                continue;
            }
        };
        for request in &requests {
            let sent = outbound::post(&agent, &url, request);
            outcome = outcome.merge(match sent.status {
                Some(status) if (200..300).contains(&status) => Outcome::Clean,
                Some(_) => Outcome::Negative,
                None => Outcome::Failed,
            });
            output::sent(&mut out, &palette, json, &sent)?;
            out.flush()?;
        }
    }
    Ok(outcome)
}
