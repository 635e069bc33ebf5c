//! The run: inputs → payloads → records → renderer, in input order, one
//! input in memory at a time. Returns the tally that decides the exit code.

use crate::detect::Overrides;
use crate::input::{self, Input};
use crate::payload;
use crate::render::Render;
use crate::report::{self, Tally};
use crate::settings::Settings;
use std::io::{self, Read};

/// Runs `whi validate`.
pub fn validate(
    settings: &Settings,
    stdin: &mut dyn Read,
    render: &mut dyn Render,
) -> io::Result<Tally> {
    let overrides = Overrides {
        provider: settings.provider,
        event: settings.event.as_deref(),
    };
    let mut tally = Tally::default();
    for resolved in input::resolve(&settings.inputs) {
        let source = match input::read(&resolved, stdin) {
            Ok(source) => source,
            Err(error) => {
                tally.input_errors += 1;
                render.input_error(&error)?;
                continue;
            }
        };
        debug_assert!(!matches!(resolved, Input::Error(_)));
        for parsed in payload::parse(source) {
            let record = report::check(&parsed, overrides);
            tally.add(&record);
            render.record(&record)?;
        }
    }
    render.finish(&tally)?;
    Ok(tally)
}
