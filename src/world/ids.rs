//! Seeded identifiers and the logical clock.
//!
//! Architecture invariant: nothing in the world reads the host clock or the
//! host's randomness. Every id and every timestamp comes from here, so the
//! same seed and the same command log always give the same output.

/// A deterministic generator (SplitMix64) kept in the world's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdGen {
    state: u64,
}

impl IdGen {
    /// A generator whose whole sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        IdGen { state: seed }
    }

    /// The next 64 pseudo-random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `len` lowercase hex digits, e.g. a 12-character Alembic revision id.
    pub fn hex(&mut self, len: usize) -> String {
        let mut out = String::with_capacity(len);
        while out.len() < len {
            out.push_str(&format!("{:016x}", self.next_u64()));
        }
        out.truncate(len);
        out
    }
}

/// The world's clock: seconds since the Unix epoch, advanced by commands only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clock {
    /// Seconds since 1970-01-01 00:00:00 UTC.
    pub now: i64,
}

/// Monday 2026-01-05 09:00:00 UTC: the morning every lab starts.
pub const START_OF_LAB: i64 = 1_767_603_600;

/// How far the clock moves for each command the learner runs.
pub const SECONDS_PER_COMMAND: i64 = 20;

impl Default for Clock {
    fn default() -> Self {
        Clock { now: START_OF_LAB }
    }
}

impl Clock {
    /// Moves the clock forward by one command's worth of time.
    pub fn tick(&mut self) {
        self.now += SECONDS_PER_COMMAND;
    }
}

/// A calendar date and time of day in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime {
    /// The year, e.g. 2026.
    pub year: i64,
    /// 1..=12.
    pub month: u32,
    /// 1..=31.
    pub day: u32,
    /// 0..=23.
    pub hour: u32,
    /// 0..=59.
    pub minute: u32,
    /// 0..=59.
    pub second: u32,
}

impl DateTime {
    /// Converts Unix seconds to a UTC calendar date (Howard Hinnant's civil_from_days).
    pub fn from_unix(secs: i64) -> Self {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        DateTime {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
        }
    }

    /// The English three-letter weekday name.
    pub fn weekday_abbrev(&self) -> &'static str {
        const NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        // Howard Hinnant's days_from_civil; 1970-01-01 was a Thursday.
        let y = if self.month <= 2 {
            self.year - 1
        } else {
            self.year
        };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        NAMES[(days + 3).rem_euclid(7) as usize]
    }

    /// The English three-letter month name, as `ls -l` and `git log` print it.
    pub fn month_abbrev(&self) -> &'static str {
        const NAMES: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        NAMES[(self.month.clamp(1, 12) - 1) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_ids() {
        let mut a = IdGen::new(7);
        let mut b = IdGen::new(7);
        assert_eq!(a.hex(12), b.hex(12));
        assert_ne!(a.hex(12), IdGen::new(8).hex(12));
        assert_eq!(a.hex(40).len(), 40);
    }

    #[test]
    fn civil_dates() {
        let cases = [
            (0, (1970, 1, 1, 0, 0, 0)),
            (START_OF_LAB, (2026, 1, 5, 9, 0, 0)),
            (951_782_400, (2000, 2, 29, 0, 0, 0)),
            (1_709_251_199, (2024, 2, 29, 23, 59, 59)),
        ];
        for (secs, (y, mo, d, h, mi, s)) in cases {
            let t = DateTime::from_unix(secs);
            assert_eq!(
                (t.year, t.month, t.day, t.hour, t.minute, t.second),
                (y, mo, d, h, mi, s),
                "{secs}"
            );
        }
        let weekdays = [(0, "Thu"), (START_OF_LAB, "Mon"), (951_782_400, "Tue")];
        for (secs, day) in weekdays {
            assert_eq!(DateTime::from_unix(secs).weekday_abbrev(), day, "{secs}");
        }
    }
}
