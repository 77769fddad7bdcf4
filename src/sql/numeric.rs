//! [`Decimal`]: PostgreSQL's `numeric` as a scaled 128-bit integer.
//!
//! Invariant: `mant / 10^scale` is the value; `scale` is the display scale (trailing zeros are
//! significant for output, `1.50` stays `1.50`), as in PostgreSQL. Values beyond the 38 digits of
//! an `i128` raise 22003 instead of silently wrapping.

use std::cmp::Ordering;

use super::error::{SqlError, SqlState};

/// A fixed-point decimal number with a display scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Decimal {
    /// The digits as an integer.
    pub mant: i128,
    /// How many of the digits are after the decimal point.
    pub scale: u32,
}

fn overflow() -> SqlError {
    SqlError::new(
        SqlState::NumericValueOutOfRange,
        "value overflows numeric format",
    )
}

fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

impl Decimal {
    /// Zero with scale 0.
    pub const ZERO: Decimal = Decimal { mant: 0, scale: 0 };

    /// An integer as a decimal of scale 0.
    pub fn from_i64(v: i64) -> Self {
        Decimal {
            mant: v as i128,
            scale: 0,
        }
    }

    /// Parses PostgreSQL numeric input: optional sign, digits, optional point and fraction,
    /// optional exponent. Surrounding whitespace is allowed. `None` if it is not a number.
    pub fn parse(text: &str) -> Option<Result<Self, SqlError>> {
        let s = text.trim();
        let (neg, body) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let (num, exp) = match body.find(['e', 'E']) {
            Some(i) => {
                let e: i64 = body[i + 1..].parse().ok()?;
                (&body[..i], e)
            }
            None => (body, 0),
        };
        let (int_part, frac_part) = match num.find('.') {
            Some(i) => (&num[..i], &num[i + 1..]),
            None => (num, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        if !int_part.bytes().all(|b| b.is_ascii_digit())
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        Some(Self::from_parts(neg, int_part, frac_part, exp))
    }

    fn from_parts(neg: bool, int_part: &str, frac_part: &str, exp: i64) -> Result<Self, SqlError> {
        let mut mant: i128 = 0;
        let digits = int_part.bytes().chain(frac_part.bytes());
        let mut seen_nonzero = false;
        for d in digits {
            let v = (d - b'0') as i128;
            if v != 0 {
                seen_nonzero = true;
            }
            if !seen_nonzero && mant == 0 {
                continue;
            }
            mant = mant
                .checked_mul(10)
                .and_then(|m| m.checked_add(v))
                .ok_or_else(overflow)?;
        }
        let mut scale = frac_part.len() as i64 - exp;
        if scale < 0 {
            let f = pow10((-scale) as u32).ok_or_else(overflow)?;
            mant = mant.checked_mul(f).ok_or_else(overflow)?;
            scale = 0;
        }
        if scale > 1000 {
            return Err(overflow());
        }
        Ok(Decimal {
            mant: if neg { -mant } else { mant },
            scale: scale as u32,
        })
    }

    /// The value with exactly `scale` fraction digits, rounding half away from zero.
    pub fn rescale(self, scale: u32) -> Result<Self, SqlError> {
        match scale.cmp(&self.scale) {
            Ordering::Equal => Ok(self),
            Ordering::Greater => {
                let f = pow10(scale - self.scale).ok_or_else(overflow)?;
                Ok(Decimal {
                    mant: self.mant.checked_mul(f).ok_or_else(overflow)?,
                    scale,
                })
            }
            Ordering::Less => {
                let diff = self.scale - scale;
                let Some(f) = pow10(diff) else {
                    return Ok(Decimal { mant: 0, scale });
                };
                let q = self.mant / f;
                let r = self.mant % f;
                let half = f / 2;
                let q = if r.abs() >= half && f > 1 {
                    q + self.mant.signum()
                } else {
                    q
                };
                Ok(Decimal { mant: q, scale })
            }
        }
    }

    /// Number of digits before the decimal point (0 for |x| < 1).
    pub fn integer_digits(self) -> u32 {
        let f = match pow10(self.scale) {
            Some(f) => f,
            None => return 0,
        };
        let mut ip = (self.mant / f).unsigned_abs();
        let mut n = 0;
        while ip > 0 {
            n += 1;
            ip /= 10;
        }
        n
    }

    /// Applies a `numeric(p,s)` type modifier: round to `s`, then check the integer digits.
    pub fn apply_typmod(self, precision: u32, scale: u32) -> Result<Self, SqlError> {
        let r = self.rescale(scale)?;
        // |value| < 10^(precision - scale)  ⟺  |value · 10^scale| < 10^precision.
        let limit = 10u128.checked_pow(precision);
        if limit.is_some_and(|l| r.mant.unsigned_abs() >= l) {
            return Err(SqlError::numeric_field_overflow(precision, scale));
        }
        Ok(r)
    }

    fn align(a: Self, b: Self) -> Result<(i128, i128, u32), SqlError> {
        let s = a.scale.max(b.scale);
        Ok((a.rescale(s)?.mant, b.rescale(s)?.mant, s))
    }

    /// `a + b`.
    pub fn add(self, b: Self) -> Result<Self, SqlError> {
        let (x, y, s) = Self::align(self, b)?;
        Ok(Decimal {
            mant: x.checked_add(y).ok_or_else(overflow)?,
            scale: s,
        })
    }
    /// `a - b`.
    pub fn sub(self, b: Self) -> Result<Self, SqlError> {
        let (x, y, s) = Self::align(self, b)?;
        Ok(Decimal {
            mant: x.checked_sub(y).ok_or_else(overflow)?,
            scale: s,
        })
    }
    /// `a * b`, with the scale the sum of both scales (as PostgreSQL).
    pub fn mul(self, b: Self) -> Result<Self, SqlError> {
        let mant = self.mant.checked_mul(b.mant).ok_or_else(overflow)?;
        Ok(Decimal {
            mant,
            scale: self.scale + b.scale,
        })
    }
    /// `-a`.
    pub fn neg(self) -> Self {
        Decimal {
            mant: -self.mant,
            scale: self.scale,
        }
    }

    /// The base-10000 weight of the most significant digit group, as PostgreSQL's `NumericVar`.
    fn weight_and_first(self) -> (i64, i128) {
        if self.mant == 0 {
            return (0, 0);
        }
        // Digits before the point, grouped by 4 from the point.
        let abs = self.mant.unsigned_abs();
        let total_digits = abs.to_string().len() as i64;
        let int_digits = total_digits - self.scale as i64;
        // Position of the first nonzero decimal digit relative to the point: exponent e with
        // value in [10^e, 10^(e+1)).
        let e = int_digits - 1;
        let weight = e.div_euclid(4);
        // First base-10000 group's value.
        let s = abs.to_string();
        let group_low_exp = weight * 4;
        let digits_in_first = (e - group_low_exp + 1) as usize;
        let first: i128 = s[..digits_in_first.min(s.len())].parse().unwrap_or(0);
        let first = if digits_in_first > s.len() {
            first * 10i128.pow((digits_in_first - s.len()) as u32)
        } else {
            first
        };
        (weight, first)
    }

    /// `a / b` with PostgreSQL's result scale (`select_div_scale`: at least 16 significant digits).
    pub fn div(self, b: Self) -> Result<Self, SqlError> {
        if b.mant == 0 {
            return Err(SqlError::division_by_zero());
        }
        let (w1, f1) = self.weight_and_first();
        let (w2, f2) = b.weight_and_first();
        // Equal first digit groups: PostgreSQL cannot tell and assumes a < b.
        let mut qweight = w1 - w2;
        if f1 <= f2 {
            qweight -= 1;
        }
        let mut rscale = 16 - qweight * 4;
        rscale = rscale
            .max(self.scale as i64)
            .max(b.scale as i64)
            .clamp(0, 1000);
        self.div_scale(b, rscale as u32)
    }

    /// `a / b` rounded half away from zero to `scale` digits.
    pub fn div_scale(self, b: Self, scale: u32) -> Result<Self, SqlError> {
        if b.mant == 0 {
            return Err(SqlError::division_by_zero());
        }
        // value = a.mant/10^a.s / (b.mant/10^b.s); want q = value * 10^scale
        // q = a.mant * 10^(scale + b.s - a.s) / b.mant, computed with one extra digit to round.
        let exp = scale as i64 + b.scale as i64 - self.scale as i64 + 1;
        let (num, den) = if exp >= 0 {
            let f = pow10(exp as u32).ok_or_else(overflow)?;
            (self.mant.checked_mul(f).ok_or_else(overflow)?, b.mant)
        } else {
            let f = pow10((-exp) as u32).ok_or_else(overflow)?;
            (self.mant, b.mant.checked_mul(f).ok_or_else(overflow)?)
        };
        let q10 = num / den;
        let q = q10 / 10;
        let last = (q10 % 10).abs();
        let q = if last >= 5 { q + q10.signum() } else { q };
        Ok(Decimal { mant: q, scale })
    }

    /// `a % b` (sign of the dividend, as PostgreSQL).
    pub fn rem(self, b: Self) -> Result<Self, SqlError> {
        if b.mant == 0 {
            return Err(SqlError::division_by_zero());
        }
        let (x, y, s) = Self::align(self, b)?;
        Ok(Decimal {
            mant: x % y,
            scale: s,
        })
    }

    /// Numeric comparison independent of scale.
    pub fn cmp_value(self, b: Self) -> Ordering {
        match Self::align(self, b) {
            Ok((x, y, _)) => x.cmp(&y),
            Err(_) => self
                .to_f64()
                .partial_cmp(&b.to_f64())
                .unwrap_or(Ordering::Equal),
        }
    }

    /// Rounds half away from zero to an integer.
    pub fn round_to_i128(self) -> Result<i128, SqlError> {
        Ok(self.rescale(0)?.mant)
    }

    /// Truncates toward zero to an integer.
    pub fn trunc_to_i128(self) -> i128 {
        match pow10(self.scale) {
            Some(f) => self.mant / f,
            None => 0,
        }
    }

    /// Nearest double.
    pub fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(0.0)
    }

    /// The decimal written by a double's shortest representation (`NaN` and infinities refused).
    pub fn from_f64(v: f64) -> Result<Self, SqlError> {
        if !v.is_finite() {
            return Err(SqlError::new(
                SqlState::FeatureNotSupported,
                "cannot convert infinity to numeric",
            ));
        }
        // PostgreSQL converts with 15 significant digits (DBL_DIG).
        let s = format!("{:.*e}", 14, v);
        match Self::parse(&s) {
            Some(r) => {
                let d = r?;
                Ok(d.strip_trailing_zeros())
            }
            None => Err(overflow()),
        }
    }

    /// `sqrt(numeric)` with PostgreSQL's result scale (at least 16 significant digits), exact
    /// while the digits fit in 128 bits.
    pub fn sqrt(self) -> Option<Self> {
        if self.mant < 0 {
            return None;
        }
        let (weight, _) = self.weight_and_first();
        let sweight = (weight + 1) * 4 / 2 - 1;
        let rscale = (16 - sweight).max(self.scale as i64).clamp(0, 1000) as u32;
        // result·10^(rscale+1) = sqrt(mant · 10^(2·(rscale+1) − scale))
        let exp = 2 * (rscale as i64 + 1) - self.scale as i64;
        let radicand = if exp >= 0 {
            self.mant.checked_mul(pow10(exp as u32)?)?
        } else {
            self.mant / pow10((-exp) as u32)?
        };
        let mut x = (radicand as f64).sqrt() as i128;
        // Correct the float estimate to the exact integer square root.
        while x > 0 && x.checked_mul(x).is_none_or(|sq| sq > radicand) {
            x -= 1;
        }
        while (x + 1).checked_mul(x + 1).is_some_and(|sq| sq <= radicand) {
            x += 1;
        }
        Decimal {
            mant: x,
            scale: rscale + 1,
        }
        .rescale(rscale)
        .ok()
    }

    /// Removes trailing fraction zeros (used for float → numeric).
    pub fn strip_trailing_zeros(mut self) -> Self {
        while self.scale > 0 && self.mant % 10 == 0 {
            self.mant /= 10;
            self.scale -= 1;
        }
        self
    }

    /// True when zero.
    pub fn is_zero(self) -> bool {
        self.mant == 0
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let neg = self.mant < 0;
        let digits = self.mant.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let (ip, fp) = if digits.len() > scale {
            let (a, b) = digits.split_at(digits.len() - scale);
            (a.to_string(), b.to_string())
        } else {
            (
                "0".to_string(),
                format!("{}{}", "0".repeat(scale - digits.len()), digits),
            )
        };
        if neg && self.mant != 0 {
            f.write_str("-")?;
        }
        f.write_str(&ip)?;
        if scale > 0 {
            f.write_str(".")?;
            f.write_str(&fp)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap().unwrap()
    }

    #[test]
    fn parse_and_print() {
        for (input, out) in [
            ("1.50", "1.50"),
            ("-0.004", "-0.004"),
            ("007", "7"),
            (".5", "0.5"),
            ("1e3", "1000"),
            ("1.5e-2", "0.015"),
            ("  42 ", "42"),
        ] {
            assert_eq!(d(input).to_string(), out, "{input}");
        }
        assert!(Decimal::parse("abc").is_none());
        assert!(Decimal::parse("1.2.3").is_none());
        assert!(Decimal::parse("").is_none());
    }

    #[test]
    fn typmod_rounds_half_away_from_zero() {
        for (input, p, s, out) in [
            ("1.005", 5, 2, Some("1.01")),
            ("-1.005", 5, 2, Some("-1.01")),
            ("-0.004", 5, 2, Some("0.00")),
            ("999.994", 5, 2, Some("999.99")),
            ("999.995", 5, 2, None),
            ("1000", 5, 2, None),
            ("2.5", 3, 0, Some("3")),
        ] {
            let r = d(input).apply_typmod(p, s);
            assert_eq!(r.ok().map(|x| x.to_string()).as_deref(), out, "{input}");
        }
    }

    #[test]
    fn division_scale_matches_postgres() {
        for (a, b, out) in [
            ("60", "3", "20.0000000000000000"),
            ("1", "3", "0.33333333333333333333"),
            ("10", "4", "2.5000000000000000"),
            ("1.75", "2", "0.87500000000000000000"),
        ] {
            assert_eq!(d(a).div(d(b)).unwrap().to_string(), out, "{a}/{b}");
        }
    }
}
