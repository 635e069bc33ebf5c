//! The commands: each takes its resolved settings, runs the core, hands the
//! answer to a renderer, and says how it went as an [`Outcome`]. This is the
//! only code that sees per-command settings; `main` only maps the outcome to
//! an exit status.

pub mod catalog;
mod check;
mod diff;
mod listen;
mod pool;
mod redact;
mod send;
mod sign;

pub use check::{check, timelines};
pub use diff::diff;
pub use sign::sign;

use crate::settings::Settings;
use std::io::{Read, Write};

/// How a run went, worst first when merged: the exit status users and CI
/// read (see the README's "Exit status").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Everything checked and good (exit 0).
    Clean,
    /// The tool did its job and the answer is negative: a payload invalid,
    /// unparseable or unrecognised, a signature wrong, a diff found (exit 1).
    Negative,
    /// The tool could not do its job for some input: unreadable, missing,
    /// bad flags (exit 2).
    Failed,
}

impl Outcome {
    /// The worse of two outcomes: one bad file never hides another's failure.
    #[must_use]
    pub fn merge(self, other: Outcome) -> Outcome {
        self.max(other)
    }

    /// The process exit status.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Negative => 1,
            Outcome::Failed => 2,
        }
    }
}

/// Runs one command to its end.
pub fn run(
    settings: Settings,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    match settings {
        Settings::Check(settings) => check::run(&settings, stdin, out, err),
        Settings::Diff(settings) => diff::run(&settings, stdin, out),
        Settings::Sign(settings) => sign::run(&settings, stdin, out),
        Settings::Listen(settings) => listen::run(&settings, out, err),
        Settings::Redact { inputs, in_place } => redact::run(&inputs, in_place, stdin, out, err),
        Settings::Send(settings) => send::run(&settings, stdin, out, err),
        Settings::Catalog {
            command,
            color,
            width,
        } => catalog::run(command, color, width, out, err),
    }
}

#[cfg(test)]
mod tests {
    use super::Outcome::{self, Clean, Failed, Negative};

    #[test]
    fn the_worst_outcome_wins_whatever_the_order() {
        let all = [Clean, Negative, Failed];
        for a in all {
            for b in all {
                assert_eq!(a.merge(b), b.merge(a));
                assert!(a.merge(b) >= a && a.merge(b) >= b);
            }
        }
        let merged = [Clean, Failed, Negative]
            .into_iter()
            .fold(Clean, Outcome::merge);
        assert_eq!(merged.code(), 2);
        assert_eq!(Clean.merge(Negative).code(), 1);
        assert_eq!(Clean.merge(Clean).code(), 0);
    }
}
