//! CVSS vectors → base score, using the RustSec `cvss` crate for parsing and scoring.
//!
//! The methodology is stricter than the crate in two ways, checked here first: metric names and
//! values are case-sensitive (`AV:N`, not `av:n`), and every base metric must be present. For
//! v4.0 the CVSS-B score is used: threat, environmental and supplemental metrics in the vector are
//! validated by the crate and then dropped before scoring. For v3.x the crate's base score already
//! ignores temporal and environmental metrics.

use core::str::FromStr;

const V3_BASE: [&str; 8] = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];
const V4_BASE: [&str; 11] = [
    "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA",
];

/// The values of the v4.0 supplemental metric Provider Urgency (`U`), exactly as the CVSS v4.0
/// specification spells them.
const V4_URGENCY: [&str; 5] = ["X", "Clear", "Green", "Amber", "Red"];

/// The base score (0–10) of a CVSS v3.0, v3.1 or v4.0 vector, or a message saying why the
/// vector is invalid.
///
/// ```
/// use risk_core::cvss::base_score;
/// assert_eq!(base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), Ok(9.8));
/// assert_eq!(base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"), Ok(9.3));
/// assert!(base_score("CVSS:3.1/AV:N").is_err());
/// ```
///
/// # Errors
/// A message naming the unknown prefix or version, the unknown metric or value, or the missing or
/// repeated base metric.
pub fn base_score(vector: &str) -> Result<f64, String> {
    let mut parts = vector.split('/');
    let prefix = parts.next().unwrap_or("");
    let version = match prefix {
        "CVSS:3.0" | "CVSS:3.1" => 3,
        "CVSS:4.0" => 4,
        _ => {
            return Err(format!(
                "unknown CVSS prefix or version `{}` (expected CVSS:3.0, CVSS:3.1 or CVSS:4.0)",
                truncate(prefix)
            ));
        }
    };
    let required: &[&str] = if version == 3 { &V3_BASE } else { &V4_BASE };
    let mut seen = [false; 11];
    let mut base_parts: Vec<&str> = Vec::with_capacity(required.len());
    for comp in parts {
        let Some((name, value)) = comp.split_once(':') else {
            return Err(format!("malformed CVSS component `{}`", truncate(comp)));
        };
        // v4.0 Provider Urgency is the one metric whose values are not upper-case: they are
        // spelled `Clear`, `Green`, `Amber`, `Red` (or `X`), and nothing else is accepted.
        let value_ok = if version == 4 && name == "U" {
            V4_URGENCY.contains(&value)
        } else {
            !value.is_empty()
                && value
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_uppercase()) || !value_ok {
            return Err(format!(
                "invalid CVSS component `{}` (metric names and values are upper-case)",
                truncate(comp)
            ));
        }
        if let Some(i) = required.iter().position(|&r| r == name) {
            if seen[i] {
                return Err(format!("repeated CVSS base metric `{name}`"));
            }
            seen[i] = true;
            base_parts.push(comp);
        }
    }
    if let Some(i) = (0..required.len()).find(|&i| !seen[i]) {
        return Err(format!("missing CVSS base metric `{}`", required[i]));
    }
    let invalid = |e: cvss::Error| format!("invalid CVSS vector: {e}");
    if version == 3 {
        let v = cvss::v3::Vector::from_str(vector).map_err(invalid)?;
        Ok(v.base_score().value())
    } else {
        // Validate the whole vector (threat/environmental/supplemental included), then score the
        // base metrics alone (CVSS-B).
        cvss::v4::Vector::from_str(vector).map_err(invalid)?;
        let base = format!("CVSS:4.0/{}", base_parts.join("/"));
        let v = cvss::v4::Vector::from_str(&base).map_err(invalid)?;
        Ok(v.score().value())
    }
}

fn truncate(s: &str) -> String {
    let mut t: String = s.chars().take(40).collect();
    if t.len() < s.len() {
        t.push('…');
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v3_scores() {
        assert_eq!(
            base_score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Ok(9.8)
        );
        assert_eq!(
            base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"),
            Ok(10.0)
        );
        assert_eq!(
            base_score("CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N"),
            Ok(0.0)
        );
        // Temporal and environmental metrics are accepted and do not change the base score.
        assert_eq!(
            base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U/CR:L/MAV:P"),
            Ok(9.8)
        );
    }

    #[test]
    fn v4_uses_base_metrics_only() {
        let base = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
        assert_eq!(base_score(base), Ok(9.3));
        // E:U (unreported exploit maturity) would lower a CVSS-BT score; CVSS-B ignores it.
        assert_eq!(base_score(&format!("{base}/E:U/CR:H/S:P")), Ok(9.3));
        // Provider Urgency values are mixed-case in the CVSS v4.0 specification.
        for u in ["X", "Clear", "Green", "Amber", "Red"] {
            assert_eq!(base_score(&format!("{base}/U:{u}")), Ok(9.3));
        }
        for u in ["RED", "red", "Redd", ""] {
            assert!(base_score(&format!("{base}/U:{u}")).is_err(), "U:{u}");
        }
    }

    #[test]
    fn rejects_invalid() {
        for v in [
            "",
            "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
            "CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/av:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
            "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:Z",
        ] {
            assert!(base_score(v).is_err(), "{v}");
        }
    }
}
