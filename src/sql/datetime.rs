//! `date`, `timestamp` and `timestamptz` in PostgreSQL's ISO text format (DateStyle ISO, MDY;
//! TimeZone UTC).
//!
//! Invariant: a date is a day count from 1970-01-01; a timestamp is microseconds from
//! 1970-01-01 00:00:00 (UTC for `timestamptz`).

use super::error::SqlError;

/// Microseconds in a day.
pub const USECS_PER_DAY: i64 = 86_400_000_000;

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day count.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

fn format_year(y: i64) -> (String, &'static str) {
    if y <= 0 {
        (format!("{:04}", 1 - y), " BC")
    } else {
        (format!("{y:04}"), "")
    }
}

/// `YYYY-MM-DD`.
pub fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    let (ys, bc) = format_year(y);
    format!("{ys}-{m:02}-{d:02}{bc}")
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]` with trailing fraction zeros dropped.
pub fn format_timestamp(usecs: i64) -> String {
    let days = usecs.div_euclid(USECS_PER_DAY);
    let rem = usecs.rem_euclid(USECS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    let (ys, bc) = format_year(y);
    let secs = rem / 1_000_000;
    let frac = rem % 1_000_000;
    let mut s = format!(
        "{ys}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    if frac != 0 {
        let f = format!("{frac:06}");
        s.push('.');
        s.push_str(f.trim_end_matches('0'));
    }
    s.push_str(bc);
    s
}

/// A `timestamptz` in the UTC session time zone: `… HH:MM:SS+00`.
pub fn format_timestamptz(usecs: i64) -> String {
    let base = format_timestamp(usecs);
    match base.strip_suffix(" BC") {
        Some(b) => format!("{b}+00 BC"),
        None => format!("{base}+00"),
    }
}

enum DateErr {
    Syntax,
    Range,
    RangeDatestyle,
}

fn parse_ymd(s: &str) -> Result<(i64, u32, u32), DateErr> {
    let parts: Vec<&str> = if s.contains('-') {
        s.split('-').collect()
    } else if s.contains('/') {
        s.split('/').collect()
    } else if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        // A lone number (PostgreSQL's DecodeNumber / DecodeNumberField, DateStyle MDY):
        // one or two digits are a month with nothing else, 8 are YYYYMMDD, 6 YYMMDD, 3 to 5
        // a bare year; any other length overflows.
        match s.len() {
            1 | 2 => {
                let month: u32 = s.parse().unwrap_or(0);
                return Err(if (1..=12).contains(&month) {
                    DateErr::Syntax
                } else {
                    DateErr::RangeDatestyle
                });
            }
            3..=5 => return Err(DateErr::Syntax),
            6 => {
                let yy: i64 = s[0..2].parse().unwrap_or(0);
                let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
                return validate_ymd(
                    year,
                    s[2..4].parse().unwrap_or(0),
                    s[4..6].parse().unwrap_or(0),
                );
            }
            8 => vec![&s[0..4], &s[4..6], &s[6..8]],
            _ => return Err(DateErr::RangeDatestyle),
        }
    } else {
        return Err(DateErr::Syntax);
    };
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(DateErr::Syntax);
    }
    let nums: Vec<i64> = parts
        .iter()
        .map(|p| p.parse::<i64>().unwrap_or(i64::MAX))
        .collect();
    // ISO (year first) when the first field has more than two digits; otherwise MDY.
    let (y, m, d) = if parts[0].len() > 2 {
        (nums[0], nums[1], nums[2])
    } else {
        (nums[2], nums[0], nums[1])
    };
    validate_ymd(y, m, d)
}

/// A date's fields checked as ValidateDate does: a month out of range suggests another
/// DateStyle.
fn validate_ymd(y: i64, m: i64, d: i64) -> Result<(i64, u32, u32), DateErr> {
    if !(1..=12).contains(&m) {
        return Err(DateErr::RangeDatestyle);
    }
    if y > 5_874_897 {
        return Err(DateErr::Range);
    }
    if d < 1 || d > days_in_month(y, m as u32) as i64 {
        return Err(DateErr::Range);
    }
    Ok((y, m as u32, d as u32))
}

fn date_error(e: DateErr, type_name: &str, text: &str) -> SqlError {
    match e {
        DateErr::Syntax => SqlError::invalid_datetime(type_name, text),
        DateErr::Range => SqlError::datetime_out_of_range(text),
        DateErr::RangeDatestyle => SqlError::datetime_out_of_range(text)
            .with_hint("Perhaps you need a different \"datestyle\" setting."),
    }
}

/// Parses `date` input.
pub fn parse_date(text: &str) -> Result<i64, SqlError> {
    let s = text.trim();
    let lower = s.to_ascii_lowercase();
    if lower == "epoch" {
        return Ok(0);
    }
    // A time part after the date is accepted and ignored, as PostgreSQL does.
    let date_part = s.split([' ', 'T']).next().unwrap_or("");
    let (y, m, d) = parse_ymd(date_part).map_err(|e| date_error(e, "date", text))?;
    Ok(days_from_civil(y, m, d))
}

fn parse_time(s: &str, type_name: &str, text: &str) -> Result<i64, SqlError> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return Err(SqlError::invalid_datetime(type_name, text));
    }
    let h: i64 = parts[0]
        .parse()
        .map_err(|_| SqlError::invalid_datetime(type_name, text))?;
    let mi: i64 = parts[1]
        .parse()
        .map_err(|_| SqlError::invalid_datetime(type_name, text))?;
    let (sec, frac) = match parts.get(2) {
        Some(sp) => {
            let (ip, fp) = match sp.find('.') {
                Some(i) => (&sp[..i], &sp[i + 1..]),
                None => (*sp, ""),
            };
            let sec: i64 = ip
                .parse()
                .map_err(|_| SqlError::invalid_datetime(type_name, text))?;
            if !fp.bytes().all(|b| b.is_ascii_digit()) {
                return Err(SqlError::invalid_datetime(type_name, text));
            }
            // Round to microseconds.
            let mut digits: String = fp.chars().take(7).collect();
            while digits.len() < 7 {
                digits.push('0');
            }
            let f7: i64 = digits.parse().unwrap_or(0);
            (sec, (f7 + 5) / 10)
        }
        None => (0, 0),
    };
    if !(0..=24).contains(&h) || !(0..60).contains(&mi) || !(0..=60).contains(&sec) {
        return Err(SqlError::datetime_out_of_range(text));
    }
    if h == 24 && (mi != 0 || sec != 0 || frac != 0) {
        return Err(SqlError::datetime_out_of_range(text));
    }
    Ok(((h * 60 + mi) * 60 + sec) * 1_000_000 + frac)
}

/// Splits a trailing time zone (`Z`, `UTC`, `+02`, `-05:30`) off a time string: (rest, offset
/// in seconds east of UTC).
fn split_zone(s: &str) -> (&str, Option<i64>) {
    let t = s.trim_end();
    for z in ["UTC", "Z", "GMT", "utc", "z", "gmt"] {
        if let Some(rest) = t.strip_suffix(z) {
            return (rest.trim_end(), Some(0));
        }
    }
    if let Some(i) = t.rfind(['+', '-']) {
        let zone = &t[i + 1..];
        let sign = if t.as_bytes()[i] == b'-' { -1 } else { 1 };
        let digits: String = zone.chars().filter(|c| *c != ':').collect();
        if !zone.is_empty() && zone.len() <= 5 && digits.bytes().all(|b| b.is_ascii_digit()) {
            let (h, m) = match digits.len() {
                1 | 2 => (digits.parse::<i64>().unwrap_or(0), 0),
                4 => (
                    digits[..2].parse::<i64>().unwrap_or(0),
                    digits[2..].parse::<i64>().unwrap_or(0),
                ),
                _ => return (t, None),
            };
            // A time part must precede the zone; otherwise the '-' belongs to the date.
            if t[..i].contains(':') {
                return (t[..i].trim_end(), Some(sign * (h * 3600 + m * 60)));
            }
        }
    }
    (t, None)
}

/// Parses `timestamp` (or, with `tz`, `timestamptz`) input into microseconds.
pub fn parse_timestamp(text: &str, tz: bool) -> Result<i64, SqlError> {
    let type_name = if tz {
        "timestamp with time zone"
    } else {
        "timestamp"
    };
    let s = text.trim();
    if s.eq_ignore_ascii_case("epoch") {
        return Ok(0);
    }
    let (body, zone) = split_zone(s);
    let (date_part, time_part) = match body.find([' ', 'T']) {
        Some(i) => (&body[..i], body[i + 1..].trim()),
        None => (body, ""),
    };
    let (y, m, d) = parse_ymd(date_part).map_err(|e| date_error(e, type_name, text))?;
    let t = if time_part.is_empty() {
        0
    } else {
        parse_time(time_part, type_name, text)?
    };
    let mut us = days_from_civil(y, m, d) * USECS_PER_DAY + t;
    if tz {
        us -= zone.unwrap_or(0) * 1_000_000;
    }
    Ok(us)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for s in ["2024-02-29", "1970-01-01", "1999-12-31", "2000-03-01"] {
            assert_eq!(format_date(parse_date(s).unwrap()), s);
        }
    }

    #[test]
    fn date_errors() {
        for (input, code, hint) in [
            ("2023-02-29", "22008", false),
            ("2024-13-01", "22008", true),
            ("last tuesday", "22007", false),
        ] {
            let e = parse_date(input).unwrap_err();
            assert_eq!(e.code(), code, "{input}");
            assert_eq!(e.hint.is_some(), hint, "{input}");
        }
    }

    #[test]
    fn timestamps_drop_trailing_zeros() {
        for (input, out) in [
            ("2024-02-29 23:59:59.5", "2024-02-29 23:59:59.5"),
            ("2024-02-29 23:59:59.500000", "2024-02-29 23:59:59.5"),
            ("2024-01-01", "2024-01-01 00:00:00"),
            ("2024-01-01T10:00:00", "2024-01-01 10:00:00"),
        ] {
            assert_eq!(
                format_timestamp(parse_timestamp(input, false).unwrap()),
                out
            );
        }
        let tz = parse_timestamp("2024-01-01 10:00:00+02", true).unwrap();
        assert_eq!(format_timestamptz(tz), "2024-01-01 08:00:00+00");
    }
}
