//! The one escaping function of human output (issue 16): text that came
//! from outside — payload values and keys, event names, JSON pointers,
//! file names, HTTP header values, messages quoting them — is passed
//! through [`escape`] before a human renderer writes it, so that an ESC,
//! BEL or CR in a webhook cannot move the cursor, retitle the window,
//! hide a line or fake a verdict on the reader's terminal.
//!
//! Control characters (C0, DEL, C1) become visible escapes (`\x1b`, `\r`,
//! `\n`, `\u{9b}`), and so do the Unicode bidirectional overrides and
//! isolates, which reorder what is shown. Machine formats (JSON, SARIF,
//! JUnit) are not escaped this way: their encoders already quote, and
//! their content stays exact.

use std::borrow::Cow;
use std::fmt::Write;

/// `text`, with every character a terminal would act on written as a
/// visible escape; borrowed when there is none (nearly always).
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 && is_unsafe(c) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Escapes `text` but keeps its line breaks and tabs: for multi-line text
/// that whi lays out itself (a message of several lines).
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && c != '\t' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            line.split('\t')
                .map(|part| escape(part).into_owned())
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect();
    Cow::Owned(lines.join("\n"))
}

/// Whether a terminal would act on `c` rather than show it.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible_and_plain_text_is_borrowed() {
        assert!(matches!(escape("order.created ✓ é"), Cow::Borrowed(_)));
        assert_eq!(
            escape("a\x1b[2Jb\x07c\rd\ne\tf\x7f"),
            "a\\x1b[2Jb\\x07c\\rd\\ne\\tf\\x7f"
        );
        assert_eq!(escape("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(escape("abc\u{202e}fdp.exe"), "abc\\u{202e}fdp.exe");
        assert_eq!(escape_lines("a\x1b\n\tb"), "a\\x1b\n\tb");
    }

    #[test]
    fn nothing_below_space_but_newline_and_tab_survives() {
        let all: String = (0u8..=0x7f).map(char::from).collect();
        assert!(escape(&all).bytes().all(|b| b >= 0x20 && b != 0x7f));
        assert!(
            escape_lines(&all)
                .bytes()
                .all(|b| (b >= 0x20 && b != 0x7f) || b == b'\n' || b == b'\t')
        );
    }
}
