//! One-line reasons for drivers, in words.

use crate::input::date::Date;
use crate::methodology::Methodology;
use crate::rating::output::DriverKind;
use crate::rating::validate::{PDep, PreparedOrg};

fn fmt_num(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:.1}")
    }
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// The reason text of item `index` of `kind` in organisation `o`.
pub(crate) fn reason(
    m: &Methodology,
    o: &PreparedOrg,
    as_of: Date,
    kind: DriverKind,
    index: usize,
    p_final: &[f64],
) -> String {
    let disputed = |d| crate::rating::disputes::reason_suffix(d, as_of);
    match kind {
        DriverKind::Assessment => {
            let a = &o.assessments[index];
            let name = m
                .outcome_name(&a.control)
                .map(|n| format!(" {n}"))
                .unwrap_or_default();
            format!(
                "{}{} {} ({}, assessed {}, {} old){}",
                a.control,
                name,
                a.outcome.as_str().replace('_', " "),
                a.assurance.as_str().replace('_', " "),
                a.assessed_on,
                days(as_of.days_since(a.assessed_on)),
                disputed(&a.dispute),
            )
        }
        DriverKind::Metric => {
            let x = &o.metrics[index];
            let pct = 100.0 * x.successes as f64 / x.trials as f64;
            format!(
                "{} {} of {} ({pct:.1}%), observed {} ({} old){}",
                x.metric.replace('_', " "),
                x.successes,
                x.trials,
                x.observed_on,
                days(as_of.days_since(x.observed_on)),
                disputed(&x.dispute),
            )
        }
        DriverKind::Finding => {
            let f = &o.findings[index];
            let what = match &f.cve {
                Some(cve) => cve.clone(),
                None => format!("{} finding {}", f.kind.as_str().replace('_', " "), f.id),
            };
            let mut head = String::new();
            if f.kev {
                head.push_str("KEV-listed ");
            }
            head.push_str(&what);
            let mut extras = Vec::new();
            if let Some(c) = f.cvss {
                extras.push(format!("CVSS {}", fmt_num(c)));
            }
            if let Some(e) = f.epss {
                extras.push(format!("EPSS {e:.2}"));
            }
            if !extras.is_empty() && !f.kev {
                head = format!("{head} ({})", extras.join(", "));
            }
            let exposure = if f.internet_facing {
                "internet-facing"
            } else {
                "internal"
            };
            let sla = fmt_num(m.sla_days(f.kev, f.severity));
            let status = match f.resolved_on {
                Some(r) if r <= as_of => {
                    let took = r.days_since(f.first_seen);
                    let timely = (took as f64) <= m.sla_days(f.kev, f.severity);
                    format!(
                        "fixed {}in {} (deadline {sla}), {} ago",
                        if timely { "" } else { "late " },
                        days(took),
                        days(as_of.days_since(r)),
                    )
                }
                _ => format!(
                    "open {}, deadline {sla}",
                    days(as_of.days_since(f.first_seen))
                ),
            };
            // Both "internet-facing" and "internal" take "an".
            format!(
                "{head} on an {exposure} {} asset, {status}{}",
                f.criticality.as_str(),
                disputed(&f.dispute),
            )
        }
        DriverKind::Dependency => dependency_reason(&o.deps[index], p_final, as_of),
    }
}

/// The reason text of a dependency edge, given the final supply-chain iterate.
pub(crate) fn dependency_reason(d: &PDep, p_final: &[f64], as_of: Date) -> String {
    format!(
        "depends on {} ({} criticality, {} access, coupling {:.2}), whose incident probability is {:.1}%{}",
        d.supplier_id,
        d.criticality.as_str(),
        d.access.as_str(),
        d.coupling,
        100.0 * p_final[d.supplier],
        crate::rating::disputes::reason_suffix(&d.dispute, as_of),
    )
}
