//! Calendar dates (`YYYY-MM-DD`, proleptic Gregorian, 0001-01-01 to 9999-12-31).
//!
//! The rating model only needs whole-day differences between ISO calendar dates, so this is a
//! small exact type rather than a time-zone-aware date-time library: it parses exactly the
//! `YYYY-MM-DD` form the methodology specifies (no signs, no week dates, no times), which keeps
//! the accepted input identical across Rust, Python and the browser.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date, stored as the number of days since 0001-01-01 (day 0).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

/// Why a date string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid date `{text}`: expected an ISO calendar date YYYY-MM-DD between 0001-01-01 and 9999-12-31"
)]
pub struct DateError {
    /// The rejected text (truncated to 40 characters).
    pub text: String,
}

const fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

const fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if is_leap(y) {
                29
            } else {
                28
            }
        }
    }
}

/// Days from 1970-01-01 for a civil date (Howard Hinnant's algorithm).
const fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

const EPOCH_0001: i32 = days_from_civil(1, 1, 1);

impl Date {
    /// The date for a year, month and day, or `None` when it does not exist or is out of range.
    ///
    /// ```
    /// use risk_core::Date;
    /// let d = Date::from_ymd(2024, 2, 29).unwrap();
    /// assert_eq!(d.to_string(), "2024-02-29");
    /// assert!(Date::from_ymd(2025, 2, 29).is_none());
    /// ```
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date(days_from_civil(year, month, day) - EPOCH_0001))
    }

    /// Year, month and day.
    pub fn ymd(self) -> (i32, u32, u32) {
        // Inverse of days_from_civil.
        let z = self.0 + EPOCH_0001 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    /// Whole days from `earlier` to `self` (negative when `earlier` is later).
    ///
    /// ```
    /// use risk_core::Date;
    /// let a: Date = "2025-01-01".parse().unwrap();
    /// let b: Date = "2025-03-01".parse().unwrap();
    /// assert_eq!(b.days_since(a), 59);
    /// ```
    pub fn days_since(self, earlier: Date) -> i64 {
        i64::from(self.0) - i64::from(earlier.0)
    }

    /// The date `days` days later (or earlier when negative), if still within range.
    pub fn add_days(self, days: i64) -> Option<Date> {
        let n = i64::from(self.0) + days;
        let max = i64::from(Date::MAX.0);
        if (0..=max).contains(&n) {
            Some(Date(n as i32))
        } else {
            None
        }
    }

    /// 0001-01-01.
    pub const MIN: Date = Date(0);
    /// 9999-12-31.
    pub const MAX: Date = Date(days_from_civil(9999, 12, 31) - EPOCH_0001);
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || DateError {
            text: s.chars().take(40).collect(),
        };
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(err());
        }
        let num = |r: core::ops::Range<usize>| -> Option<u32> {
            let mut v = 0u32;
            for &c in &b[r] {
                if !c.is_ascii_digit() {
                    return None;
                }
                v = v * 10 + u32::from(c - b'0');
            }
            Some(v)
        };
        let (y, m, d) = match (num(0..4), num(5..7), num(8..10)) {
            (Some(y), Some(m), Some(d)) => (y, m, d),
            _ => return Err(err()),
        };
        Date::from_ymd(y as i32, m, d).ok_or_else(err)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({self})")
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO calendar date YYYY-MM-DD")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(V)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // The form only; whether the day exists (2025-02-30) is checked by the parser.
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "An ISO calendar date YYYY-MM-DD between 0001-01-01 and 9999-12-31."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_bounds() {
        for s in [
            "0001-01-01",
            "1970-01-01",
            "2000-02-29",
            "2025-09-30",
            "9999-12-31",
        ] {
            let d: Date = s.parse().unwrap();
            assert_eq!(d.to_string(), s);
        }
        assert_eq!("0001-01-01".parse::<Date>().unwrap(), Date::MIN);
        assert_eq!("9999-12-31".parse::<Date>().unwrap(), Date::MAX);
        // 400-year cycle has 146097 days.
        let a: Date = "2000-01-01".parse().unwrap();
        let b: Date = "2400-01-01".parse().unwrap();
        assert_eq!(b.days_since(a), 146_097);
    }

    #[test]
    fn rejects_malformed() {
        for s in [
            "",
            "2025-9-30",
            "2025-09-31",
            "2025-02-29",
            "1900-02-29",
            "0000-01-01",
            "+2025-01-01",
            "2025/01/01",
            "2025-01-01T00:00",
            "２０２５-01-01",
            "2025-13-01",
            "2025-00-10",
        ] {
            assert!(s.parse::<Date>().is_err(), "{s}");
        }
    }

    #[test]
    fn every_day_round_trips() {
        let mut d = Date::MIN;
        let mut n = 0;
        while d < Date::MAX {
            let (y, m, dd) = d.ymd();
            assert_eq!(Date::from_ymd(y, m, dd), Some(d));
            d = d.add_days(1).unwrap();
            n += 1;
        }
        assert_eq!(n, 3_652_058);
        assert!(Date::MAX.add_days(1).is_none());
    }
}
