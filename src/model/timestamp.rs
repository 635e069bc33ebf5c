//! Timestamps: normalises timestamp shapes to RFC 3339 and, where the text
//! gives a zone, an instant to order events by.
//!
//! Two shapes ([`Format`]): ISO 8601, with `Z`, an offset or no zone, and up
//! to 7 fractional digits (`2017-10-04T19:18:53.5703196Z`,
//! `2023-01-01T12:00:00.0000000`); and JavaScript's `Date.toString()`
//! (`Sun Jun 26 2022 12:21:48 GMT+0300 (Arabia Standard Time)`). Which
//! provider sends which is the provider's knowledge
//! (`Provider::timestamp_formats`). A timestamp without a zone stays without
//! one: `whi` does not guess a warehouse's time zone.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::Offset;

/// A normalised timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurred {
    /// RFC 3339 (`2022-06-26T12:21:48+03:00`), or the civil date-time alone
    /// when the payload gives no zone.
    pub text: String,
    /// The instant, when the zone is known.
    pub instant: Option<Timestamp>,
}

/// A timestamp shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// ISO 8601 / RFC 3339, with or without a zone.
    Iso8601,
    /// JavaScript's `Date.toString()`.
    JavaScriptDate,
}

/// Normalises a timestamp of any known shape, or `None`.
pub fn normalize(raw: &str) -> Option<Occurred> {
    parse(raw, &[Format::Iso8601, Format::JavaScriptDate])
}

/// Normalises a timestamp in one of `formats`, or `None`.
pub fn parse(raw: &str, formats: &[Format]) -> Option<Occurred> {
    let raw = raw.trim();
    formats.iter().find_map(|format| match format {
        Format::JavaScriptDate => javascript(raw),
        Format::Iso8601 => iso(raw),
    })
}

fn iso(raw: &str) -> Option<Occurred> {
    if raw.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let (civil, offset) = split_zone(raw);
    let civil: DateTime = civil.replacen(' ', "T", 1).parse().ok()?;
    Some(finish(civil, offset))
}

fn finish(civil: DateTime, offset: Option<Offset>) -> Occurred {
    let base = civil.to_string();
    match offset {
        Some(offset) => Occurred {
            text: format!("{base}{}", offset_text(offset)),
            instant: offset.to_timestamp(civil).ok(),
        },
        None => Occurred {
            text: base,
            instant: None,
        },
    }
}

/// `+03:00`, `-05:30`, `+00:00`.
fn offset_text(offset: Offset) -> String {
    let seconds = offset.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Splits `Z`, `+HH:MM`, `+HHMM` or `+HH` off the end.
fn split_zone(raw: &str) -> (&str, Option<Offset>) {
    if let Some(civil) = raw.strip_suffix('Z').or_else(|| raw.strip_suffix('z')) {
        return (civil, Some(Offset::UTC));
    }
    let Some(sign_at) = raw.rfind(['+', '-']) else {
        return (raw, None);
    };
    // A '-' inside the date is not a zone: the zone comes after the time.
    if !raw[..sign_at].contains(':') {
        return (raw, None);
    }
    match parse_offset(&raw[sign_at..]) {
        Some(offset) => (&raw[..sign_at], Some(offset)),
        None => (raw, None),
    }
}

/// `+03:00`, `+0300` or `+03`; anything else, whatever its bytes, is `None`.
fn parse_offset(text: &str) -> Option<Offset> {
    let (sign, rest): (i32, &str) = if let Some(rest) = text.strip_prefix('-') {
        (-1, rest)
    } else {
        (1, text.strip_prefix('+')?)
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()
}

/// `Sun Jun 26 2022 12:21:48 GMT+0300 (Arabia Standard Time)`.
fn javascript(raw: &str) -> Option<Occurred> {
    let mut parts = raw.split_whitespace();
    let _weekday = parts.next()?;
    let month = month_number(parts.next()?)?;
    let day: i8 = parts.next()?.parse().ok()?;
    let year: i16 = parts.next()?.parse().ok()?;
    let time = parts.next()?;
    let zone = parts.next();
    let civil: DateTime = format!("{year:04}-{month:02}-{day:02}T{time}")
        .parse()
        .ok()?;
    let offset = match zone {
        Some(z) => Some(parse_offset(
            z.strip_prefix("GMT").or_else(|| z.strip_prefix("UTC"))?,
        )?),
        None => None,
    };
    Some(finish(civil, offset))
}

fn month_number(name: &str) -> Option<u8> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let name = name.get(..3)?.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| *m == name)
        .and_then(|i| u8::try_from(i + 1).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(raw: &str) -> Option<String> {
        normalize(raw).map(|o| o.text)
    }

    #[test]
    fn salla_javascript_dates() {
        assert_eq!(
            text("Sun Jun 26 2022 12:21:48 GMT+0300").as_deref(),
            Some("2022-06-26T12:21:48+03:00")
        );
        assert_eq!(
            text("Sun Jun 26 2022 12:21:48 GMT+0300 (Arabia Standard Time)").as_deref(),
            Some("2022-06-26T12:21:48+03:00")
        );
        let same = normalize("Sun Jun 26 2022 12:21:48 GMT+0300").and_then(|o| o.instant);
        assert_eq!(same, "2022-06-26T09:21:48Z".parse().ok());
    }

    #[test]
    fn snipcart_seven_digit_fractions_with_zulu() {
        assert_eq!(
            text("2017-10-04T19:18:53.5703196Z").as_deref(),
            Some("2017-10-04T19:18:53.5703196+00:00")
        );
        assert_eq!(
            text("2017-10-04T19:17:51.963Z").as_deref(),
            Some("2017-10-04T19:17:51.963+00:00")
        );
    }

    #[test]
    fn ongoing_without_zone_stays_without_zone() {
        let o = normalize("2023-01-01T12:00:00.0000000");
        assert_eq!(
            o.as_ref().map(|o| o.text.as_str()),
            Some("2023-01-01T12:00:00")
        );
        assert_eq!(o.and_then(|o| o.instant), None);
        assert_eq!(
            text("2023-01-01T12:00:00.1234567").as_deref(),
            Some("2023-01-01T12:00:00.1234567")
        );
    }

    #[test]
    fn iso_with_offsets() {
        assert_eq!(
            text("2016-01-18T08:17:55+00:00").as_deref(),
            Some("2016-01-18T08:17:55+00:00")
        );
        assert_eq!(
            text("2024-03-12T09:41:07+0200").as_deref(),
            Some("2024-03-12T09:41:07+02:00")
        );
        assert_eq!(
            text("2024-03-12T09:41:07.25-05:30").as_deref(),
            Some("2024-03-12T09:41:07.25-05:30")
        );
        assert_eq!(
            text("2022-06-26 12:21:48.000000").as_deref(),
            Some("2022-06-26T12:21:48")
        );
    }

    #[test]
    fn garbage_is_none() {
        assert_eq!(text("yesterday"), None);
        assert_eq!(text(""), None);
        assert_eq!(text("Sun Foo 26 2022 12:21:48 GMT+0300"), None);
        assert_eq!(text("2024-13-01T00:00:00Z"), None);
        // Found by fuzzing: a zone that does not start with a sign.
        assert_eq!(text("Sat Mar 22 2025 16:11:08 GMT\u{fffd}+0300"), None);
        assert_eq!(text("Sat Mar 22 2025 16:11:08 GMT0300"), None);
    }
}
