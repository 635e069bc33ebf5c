//! `whi explain`: what the schema says about an event or a field, as
//! aligned `label  value` lines (descriptions wrapped), then the fields of
//! the object (or of each item of the array) with their type, whether they
//! are required, and the first sentence of their description. `--format
//! json` prints the [`Explanation`] as one JSON object.

use super::Palette;
use crate::bundle::explain::{Explanation, Field, Presence};
use owo_colors::OwoColorize;
use serde_json::Value;
use std::io::{self, Write};

/// Width of the label column.
const LABEL: usize = 12;

/// The explanation, readable.
pub fn human(out: &mut dyn Write, palette: &Palette, e: &Explanation) -> io::Result<()> {
    let heading = format!("{}{}", e.schema, e.pointer);
    match &e.title {
        Some(title) if e.pointer.is_empty() => {
            writeln!(out, "{}: {title}", heading.style(palette.strong))?;
        }
        _ => writeln!(out, "{}", heading.style(palette.strong))?,
    }
    // One line per label; the writer wraps it under the value column.
    let mut line = |label: &str, value: &str| -> io::Result<()> {
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        writeln!(out, "  {:<LABEL$}  {value}", label.style(palette.dim))
    };
    if e.pointer.is_empty() {
        line("schema", &e.file)?;
        line("docs", e.docs_url)?;
    }
    if let Some(description) = &e.description {
        line("description", description)?;
    }
    if !e.types.is_empty() {
        line("type", &e.types.join(" or "))?;
    }
    if let Some(presence) = e.presence {
        line("presence", presence_word(presence).unwrap_or("optional"))?;
    }
    if let Some(format) = &e.format {
        line("format", format)?;
    }
    if let Some(pattern) = &e.pattern {
        line("pattern", pattern)?;
    }
    if let Some(constant) = &e.constant {
        line("const", &constant.to_string())?;
    }
    if !e.values.is_empty() {
        line("enum", &values(&e.values))?;
    }
    if !e.known_values.is_empty() {
        line(
            "known values",
            &format!(
                "{} (others are accepted, with a warning)",
                values(&e.known_values)
            ),
        )?;
    }
    if let Some(minimum) = &e.minimum {
        line("minimum", &minimum.to_string())?;
    }
    if let Some(maximum) = &e.maximum {
        line("maximum", &maximum.to_string())?;
    }
    if e.deprecated {
        line("deprecated", "yes: see the description for its replacement")?;
    }
    if !e.pointer.is_empty() {
        for (i, place) in e.defined_in.iter().enumerate() {
            line(if i == 0 { "defined in" } else { "" }, place)?;
        }
    }
    if !e.fields.is_empty() {
        let at = if e.fields_at.is_empty() {
            String::new()
        } else {
            format!(" of {}", e.fields_at)
        };
        writeln!(out, "\n{}", format!("fields{at}").style(palette.strong))?;
        fields(out, palette, &e.fields)?;
        writeln!(
            out,
            "\n{} whi explain {}{}/<field>",
            "more:".style(palette.dim),
            e.schema,
            e.fields_at
        )?;
    }
    Ok(())
}

/// The explanation as one JSON object.
pub fn json(out: &mut dyn Write, e: &Explanation) -> io::Result<()> {
    serde_json::to_writer(&mut *out, e)?;
    out.write_all(b"\n")
}

fn fields(out: &mut dyn Write, palette: &Palette, fields: &[Field]) -> io::Result<()> {
    let name_width = fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
    let types: Vec<String> = fields.iter().map(|f| f.types.join("|")).collect();
    let type_width = types.iter().map(String::len).max().unwrap_or(0);
    let presence_width = fields
        .iter()
        .filter_map(|f| presence_word(f.presence))
        .map(str::len)
        .max()
        .unwrap_or(0);
    for (f, types) in fields.iter().zip(&types) {
        let mut about = f
            .description
            .as_deref()
            .map(first_sentence)
            .unwrap_or_default();
        if f.deprecated {
            about = format!("deprecated. {about}");
        }
        let presence = match presence_width {
            0 => String::new(),
            width => format!("{:<width$}  ", presence_word(f.presence).unwrap_or("")),
        };
        let text = format!(
            "  {:<name_width$}  {types:<type_width$}  {presence}{about}",
            f.name
        );
        let style = if f.deprecated {
            palette.dim
        } else {
            owo_colors::Style::new()
        };
        writeln!(out, "{}", text.trim_end().style(style))?;
    }
    Ok(())
}

/// `required`, `conditional`; nothing for an optional field in the table.
fn presence_word(presence: Presence) -> Option<&'static str> {
    match presence {
        Presence::Required => Some("required"),
        Presence::Conditional => Some("conditional"),
        Presence::Optional => None,
    }
}

/// `"a", "b", 3`.
fn values(values: &[Value]) -> String {
    values
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first sentence (ending at a full stop followed by a capital, so
/// that "e.g. ..." does not end it), on one line: the table row wraps it
/// under its column, and the full text is one `whi explain` away.
fn first_sentence(text: &str) -> String {
    let end = text
        .match_indices(". ")
        .map(|(i, _)| i)
        .find(|&i| text[i + 2..].chars().next().is_some_and(char::is_uppercase));
    let sentence = match end {
        Some(end) => &text[..=end],
        None => text,
    };
    sentence.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_sentences_end_at_a_full_stop_before_a_capital() {
        assert_eq!(first_sentence("One. Two."), "One.");
        assert_eq!(
            first_sentence("A date, e.g. \"x\". More."),
            "A date, e.g. \"x\"."
        );
        let long = "x ".repeat(100);
        assert_eq!(first_sentence(&long), long.trim_end(), "never cut");
    }
}
