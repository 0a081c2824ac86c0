//! The evidence collected so far, deduplicated, and how it becomes a portfolio at the end.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashSet};
use std::hash::BuildHasher;
use std::sync::Arc;

use foldhash::fast::RandomState;
use hashbrown::HashTable;

use super::{IngestOptions, IngestProblem, IngestReport, Ingested, SkipReason};
use crate::input::date::Date;
use crate::input::document::{
    Assessment, AssetCriticality, Finding, FindingKind, MetricObservation, Organisation, Outcome,
    Portfolio,
};

/// The date of an OCSF timestamp (milliseconds since 1970-01-01 UTC), if representable.
pub(crate) fn date_from_millis(ms: i64) -> Option<Date> {
    let days = ms.div_euclid(86_400_000);
    Date::from_ymd(1970, 1, 1)?.add_days(days)
}

/// One vulnerability finding as read (OCSF 2002 or a Nessus item), before (asset, CVE) collapse,
/// borrowed from the record: nothing is copied unless it is kept.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VulnIn<'v> {
    /// Event time in ms (Nessus: scan start); the latest report of a finding wins.
    pub time: i64,
    pub asset: &'v str,
    /// CVE id, or else the finding's own uid.
    pub key: &'v str,
    /// Whether `key` is a CVE id (the finding's `cve`).
    pub has_cve: bool,
    pub cvss: Option<&'v Arc<str>>,
    pub cvss_score: Option<f64>,
    pub epss: Option<f64>,
    pub kev: bool,
    pub internet_facing: bool,
    pub criticality: AssetCriticality,
    pub first_seen: Date,
    pub resolved_on: Option<Date>,
}

/// A vulnerability finding kept (the latest report of its finding uid).
#[derive(Debug, Clone)]
struct Vuln {
    time: i64,
    /// The finding's id, `asset/key`: the asset is `id[..asset_len]`.
    id: String,
    asset_len: usize,
    /// Where the key (CVE or finding uid) starts in the dedup key `uid U+001F key`.
    key_at: usize,
    has_cve: bool,
    /// Shared with the validated-vector cache: exports repeat a handful of vectors.
    cvss: Option<Arc<str>>,
    cvss_score: Option<f64>,
    epss: Option<f64>,
    kev: bool,
    internet_facing: bool,
    criticality: AssetCriticality,
    first_seen: Date,
    resolved_on: Option<Date>,
}

/// The first 16 bytes of `s` (zero-padded), big-endian: two strings whose prefixes differ
/// compare as their prefixes do.
fn prefix(s: &str) -> u128 {
    let mut b = [0u8; 16];
    let n = s.len().min(16);
    b[..n].copy_from_slice(&s.as_bytes()[..n]);
    u128::from_be_bytes(b)
}

/// Two distinct elements of `s`, mutably.
fn two_mut<T>(s: &mut [T], a: usize, b: usize) -> (&mut T, &mut T) {
    if a < b {
        let (l, r) = s.split_at_mut(b);
        (&mut l[a], &mut r[0])
    } else {
        let (l, r) = s.split_at_mut(a);
        (&mut r[0], &mut l[b])
    }
}

impl Vuln {
    fn asset(&self) -> &str {
        &self.id[..self.asset_len]
    }
}

/// `asset/key`, the id of the finding.
fn finding_id(asset: &str, key: &str) -> String {
    let mut id = String::with_capacity(asset.len() + 1 + key.len());
    id.push_str(asset);
    id.push('/');
    id.push_str(key);
    id
}

/// The findings of one organisation, in the order first reported, found by the hash of their
/// dedup key (computed once per report, kept, and reused when the table grows).
#[derive(Debug, Default)]
struct OrgVulns {
    /// (hash of the dedup key, index in `rows`).
    table: HashTable<(u64, usize)>,
    /// (dedup key: finding uid U+001F key, finding).
    rows: Vec<(Box<str>, Vuln)>,
}

/// Most distinct CVSS vectors remembered as valid (a bound on the cache, not on the input).
const CVSS_CACHE: usize = 4096;

/// One device of an inventory (OCSF 5001), latest state.
#[derive(Debug, Clone)]
pub(crate) struct Device {
    pub time: i64,
    pub managed: bool,
    /// A server, desktop, laptop or virtual machine: a device that can run an EDR agent.
    pub edr_eligible: bool,
    pub has_edr: bool,
    pub iot: bool,
    pub segmented: bool,
}

/// One compliance check (OCSF 2003), latest state.
#[derive(Debug, Clone)]
pub(crate) struct Check {
    pub time: i64,
    pub control: String,
    pub outcome: Outcome,
    pub uid: String,
}

#[derive(Debug)]
pub(crate) struct State {
    pub options: IngestOptions,
    pub report: IngestReport,
    /// org → (finding uid, key) joined by U+001F → finding. Hashed for the look-up of every
    /// record; put in order once, at the end.
    vulns: BTreeMap<String, OrgVulns>,
    /// The hasher of the dedup keys (seeded per process: no output depends on a table's order).
    hasher: RandomState,
    /// CVSS vectors already checked valid by [`crate::cvss::base_score`] (a pure function, so a
    /// vector's verdict is remembered), at most [`CVSS_CACHE`].
    valid_cvss: HashSet<Arc<str>, RandomState>,
    /// The dedup key being looked up (reused: no allocation per record).
    scratch: String,
    /// The organisation of the event being read (reused: no allocation per record).
    pub org_scratch: String,
    /// (org, device key) → device.
    devices: BTreeMap<(String, String), Device>,
    /// (org, finding uid) → check.
    checks: BTreeMap<(String, String), Check>,
}

/// Where a record is, for problems.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At<'a> {
    pub source: &'a str,
    pub record: u64,
    pub line: u64,
}

impl State {
    pub fn new(options: IngestOptions) -> Self {
        State {
            options,
            report: IngestReport::default(),
            vulns: BTreeMap::new(),
            hasher: RandomState::default(),
            valid_cvss: HashSet::default(),
            scratch: String::new(),
            org_scratch: String::new(),
            devices: BTreeMap::new(),
            checks: BTreeMap::new(),
        }
    }

    pub fn problem(
        &mut self,
        at: At<'_>,
        path: String,
        code: &str,
        message: String,
        skipped: bool,
    ) {
        if self.report.problems.len() < self.options.limits.max_problems {
            self.report.problems.push(IngestProblem {
                source: crate::text::clip(at.source, 200),
                record: at.record,
                line: at.line,
                path,
                code: code.to_owned(),
                message,
                skipped,
            });
        } else {
            self.report.problems_omitted += 1;
        }
    }

    /// Count an OCSF event of this class (`by_class`), allocating only for a class not seen yet.
    pub fn count_class(&mut self, class_uid: i64) {
        use std::io::Write;
        let mut buf = [0u8; 20];
        let n = {
            let mut w = &mut buf[..];
            write!(w, "{class_uid}").expect("an i64 fits in 20 bytes");
            20 - w.len()
        };
        let name = std::str::from_utf8(&buf[..n]).expect("digits");
        match self.report.by_class.get_mut(name) {
            Some(c) => *c += 1,
            None => {
                self.report.by_class.insert(name.to_owned(), 1);
            }
        }
    }

    pub fn skip(&mut self, reason: SkipReason) {
        self.report.skip(reason);
    }

    /// Count a record that reached the evidence: used when it added something new, else a
    /// duplicate of what was already held.
    pub fn used(&mut self, new: bool) {
        if new {
            self.report.records_used += 1;
        } else {
            self.report.skip(SkipReason::Duplicate);
        }
    }

    /// Time after as_of?
    pub fn outside_window(&self, date: Date) -> bool {
        date > self.options.as_of
    }

    /// `vector`, shared, when it is a CVSS vector [`crate::cvss::base_score`] accepts; its error
    /// if not.
    pub fn check_cvss(&mut self, vector: &str) -> Result<Arc<str>, String> {
        if let Some(v) = self.valid_cvss.get(vector) {
            return Ok(v.clone());
        }
        crate::cvss::base_score(vector)?;
        let v: Arc<str> = Arc::from(vector);
        if self.valid_cvss.len() < CVSS_CACHE {
            self.valid_cvss.insert(v.clone());
        }
        Ok(v)
    }

    /// Keep the latest report of a finding (keyed by `uid` and `key` within the organisation);
    /// the first seen date is the earliest any report gives. True when the finding is new (else
    /// the report is a duplicate).
    pub fn add_vuln(&mut self, org: &str, (uid, key): (&str, &str), v: VulnIn<'_>) -> bool {
        let mut dedupe = std::mem::take(&mut self.scratch);
        dedupe.clear();
        dedupe.push_str(uid);
        dedupe.push('\u{1f}');
        dedupe.push_str(key);
        let inner = match self.vulns.get_mut(org) {
            Some(m) => m,
            None => self.vulns.entry(org.to_owned()).or_default(),
        };
        let key_at = dedupe.len() - v.key.len();
        debug_assert_eq!(&dedupe[key_at..], v.key);
        let hash = self.hasher.hash_one(dedupe.as_str());
        let OrgVulns { table, rows } = inner;
        let found = table
            .find(hash, |&(h, i)| h == hash && *rows[i].0 == *dedupe)
            .map(|&(_, i)| i);
        let new = match found {
            None => {
                table.insert_unique(hash, (hash, rows.len()), |&(h, _)| h);
                rows.push((
                    Box::from(dedupe.as_str()),
                    Vuln {
                        time: v.time,
                        id: finding_id(v.asset, v.key),
                        asset_len: v.asset.len(),
                        key_at,
                        has_cve: v.has_cve,
                        cvss: v.cvss.cloned(),
                        cvss_score: v.cvss_score,
                        epss: v.epss,
                        kev: v.kev,
                        internet_facing: v.internet_facing,
                        criticality: v.criticality,
                        first_seen: v.first_seen,
                        resolved_on: v.resolved_on,
                    },
                ));
                true
            }
            Some(i) => {
                let old = &mut rows[i].1;
                let first_seen = old.first_seen.min(v.first_seen);
                if v.time >= old.time {
                    if old.asset() != v.asset {
                        old.id = finding_id(v.asset, v.key);
                        old.asset_len = v.asset.len();
                    }
                    old.time = v.time;
                    old.has_cve = v.has_cve;
                    old.cvss = v.cvss.cloned();
                    old.cvss_score = v.cvss_score;
                    old.epss = v.epss;
                    old.kev = v.kev;
                    old.internet_facing = v.internet_facing;
                    old.criticality = v.criticality;
                    old.resolved_on = v.resolved_on;
                }
                old.first_seen = first_seen;
                false
            }
        };
        self.scratch = dedupe;
        new
    }

    pub fn add_device(&mut self, org: &str, key: &str, d: Device) -> bool {
        match self.devices.entry((org.to_owned(), key.to_owned())) {
            Entry::Vacant(e) => {
                e.insert(d);
                true
            }
            Entry::Occupied(mut e) => {
                if d.time >= e.get().time {
                    e.insert(d);
                }
                false
            }
        }
    }

    pub fn add_check(&mut self, org: &str, c: Check) -> bool {
        match self.checks.entry((org.to_owned(), c.uid.clone())) {
            Entry::Vacant(e) => {
                e.insert(c);
                true
            }
            Entry::Occupied(mut e) => {
                if c.time >= e.get().time {
                    e.insert(c);
                }
                false
            }
        }
    }

    pub fn finish(self) -> Ingested {
        let State {
            options,
            mut report,
            vulns,
            devices,
            checks,
            ..
        } = self;
        let mut orgs: BTreeMap<String, Organisation> = BTreeMap::new();

        // Findings: one per (organisation, asset, CVE). The reports of one (asset, CVE) are
        // merged in the order of their dedup keys, as they always were: sorting by (asset, key,
        // dedup key) gives the findings in order and each group in that order.
        for (org_id, m) in vulns {
            let OrgVulns { table, mut rows } = m;
            drop(table);
            let heads = merge_reports(&mut rows, &mut report);
            let o = orgs
                .entry(org_id.clone())
                .or_insert_with(|| Organisation::new(&org_id));
            push_findings(o, &mut rows, heads, &mut report);
        }
        device_metrics(devices, &options, &mut orgs, &mut report);
        compliance_assessments(checks, &options, &mut orgs, &mut report);

        Ingested {
            portfolio: Portfolio {
                as_of: options.as_of,
                organisations: orgs.into_values().collect(),
            },
            report,
        }
    }
}

/// An organisation's finding rows sorted by (asset, key, dedup key), each group of one (asset,
/// key) merged into its first row, the head; returns the heads in order. The rows stay where
/// they are: their indices are sorted (by the first bytes of the asset, which order as the
/// asset does, then by the whole key).
fn merge_reports(rows: &mut [(Box<str>, Vuln)], report: &mut IngestReport) -> Vec<(u128, usize)> {
    fn key((d, v): &(Box<str>, Vuln)) -> (&str, &str) {
        (v.asset(), &d[v.key_at..])
    }
    let mut order: Vec<(u128, usize)> = rows
        .iter()
        .enumerate()
        .map(|(i, (_, v))| (prefix(v.asset()), i))
        .collect();
    order.sort_unstable_by(|&(pa, a), &(pb, b)| {
        pa.cmp(&pb).then_with(|| {
            let (a, b) = (&rows[a], &rows[b]);
            key(a).cmp(&key(b)).then_with(|| a.0.cmp(&b.0))
        })
    });
    let mut heads: Vec<(u128, usize)> = Vec::with_capacity(rows.len());
    for (pi, i) in order {
        let Some(&(ph, h)) = heads.last() else {
            heads.push((pi, i));
            continue;
        };
        if ph != pi || key(&rows[h]) != key(&rows[i]) {
            heads.push((pi, i));
            continue;
        }
        let (g, v) = two_mut(rows, h, i);
        merge_into(&mut g.1, &mut v.1);
        // Two finding uids for one (asset, CVE): one finding.
        report.findings_collapsed += 1;
    }
    heads
}

/// Merge report `v` of a finding into `g`, the earlier in dedup-key order: the earliest first
/// sighting, the latest resolution (if both are resolved), any KEV or exposure, the highest
/// EPSS and criticality, and the CVSS of the latest report.
#[inline]
fn merge_into(g: &mut Vuln, v: &mut Vuln) {
    let first_seen = g.first_seen.min(v.first_seen);
    let resolved_on = match (g.resolved_on, v.resolved_on) {
        (Some(a), Some(b)) => Some(a.max(b)),
        _ => None,
    };
    let kev = g.kev || v.kev;
    let epss = match (g.epss, v.epss) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let internet_facing = g.internet_facing || v.internet_facing;
    let criticality = g.criticality.max(v.criticality);
    if v.time > g.time {
        g.time = v.time;
        g.has_cve = v.has_cve;
        g.cvss = v.cvss.take();
        g.cvss_score = v.cvss_score;
    }
    g.first_seen = first_seen;
    g.resolved_on = resolved_on;
    g.kev = kev;
    g.epss = epss;
    g.internet_facing = internet_facing;
    g.criticality = criticality;
}

/// The findings of the head rows, in order, into `o`.
fn push_findings(
    o: &mut Organisation,
    rows: &mut [(Box<str>, Vuln)],
    heads: Vec<(u128, usize)>,
    report: &mut IngestReport,
) {
    o.findings.reserve_exact(heads.len());
    for (_, h) in heads {
        let (d, v) = &mut rows[h];
        let d = std::mem::take(d);
        // A resolution date before the first sighting cannot be: the finding was
        // resolved when first reported (the report saw it already fixed).
        let resolved_on = v.resolved_on.map(|r| r.max(v.first_seen));
        // The dedup key `uid U+001F key` becomes the CVE id in place.
        let cve = v.has_cve.then(|| {
            let mut cve = String::from(d);
            cve.drain(..v.key_at);
            cve
        });
        o.findings.push(Finding {
            dispute: None,
            source: None,
            id: std::mem::take(&mut v.id),
            kind: FindingKind::Vulnerability,
            cve,
            cvss: v.cvss.take().map(|c| String::from(&*c)),
            cvss_score: v.cvss_score,
            epss: v.epss,
            kev: v.kev,
            internet_facing: v.internet_facing,
            asset_criticality: v.criticality,
            first_seen: v.first_seen,
            resolved_on,
        });
        report.findings += 1;
    }
}

/// Metrics from device inventories: asset inventory, EDR and (with segmented networks given)
/// IoMT segmentation coverage, observed on each organisation's latest inventory.
fn device_metrics(
    devices: BTreeMap<(String, String), Device>,
    options: &IngestOptions,
    orgs: &mut BTreeMap<String, Organisation>,
    report: &mut IngestReport,
) {
    // Metrics from device inventories.
    #[derive(Default)]
    struct Counts {
        latest: i64,
        devices: u64,
        managed: u64,
        edr_eligible: u64,
        edr: u64,
        iot: u64,
        segmented: u64,
    }
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    for ((org_id, _), d) in devices {
        let c = counts.entry(org_id).or_insert_with(|| Counts {
            latest: i64::MIN,
            ..Counts::default()
        });
        c.latest = c.latest.max(d.time);
        c.devices += 1;
        c.managed += u64::from(d.managed);
        c.edr_eligible += u64::from(d.edr_eligible);
        c.edr += u64::from(d.edr_eligible && d.has_edr);
        c.iot += u64::from(d.iot);
        c.segmented += u64::from(d.iot && d.segmented);
    }
    for (org_id, c) in counts {
        let Some(observed_on) = date_from_millis(c.latest) else {
            continue;
        };
        let o = orgs
            .entry(org_id.clone())
            .or_insert_with(|| Organisation::new(&org_id));
        let mut push = |metric: &str, successes: u64, trials: u64| {
            if trials > 0 {
                o.metrics.push(MetricObservation {
                    dispute: None,
                    source: None,
                    metric: metric.to_owned(),
                    successes,
                    trials,
                    observed_on,
                });
                report.metrics += 1;
            }
        };
        push("asset_inventory_coverage", c.managed, c.devices);
        push("edr_coverage", c.edr, c.edr_eligible);
        if options.segmented_networks.is_empty() {
            if c.iot > 0 {
                report.notes.push(format!(
                    "{org_id}: {} IoT/medical devices in the inventory but no segmented \
                     networks given, so no iomt_segmentation metric",
                    c.iot
                ));
            }
        } else {
            push("iomt_segmentation", c.segmented, c.iot);
        }
    }
}

/// Assessments from compliance checks, at the assurance the options give.
fn compliance_assessments(
    checks: BTreeMap<(String, String), Check>,
    options: &IngestOptions,
    orgs: &mut BTreeMap<String, Organisation>,
    report: &mut IngestReport,
) {
    // Assessments from compliance checks.
    for ((org_id, _), c) in checks {
        let Some(assessed_on) = date_from_millis(c.time) else {
            continue;
        };
        let o = orgs
            .entry(org_id.clone())
            .or_insert_with(|| Organisation::new(&org_id));
        o.assessments.push(Assessment {
            dispute: None,
            control: c.control,
            outcome: c.outcome,
            assurance: options.compliance_assurance,
            assessed_on,
            source: Some(format!("OCSF compliance finding {}", c.uid)),
        });
        report.assessments += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::prefix;
    use proptest::prelude::*;

    proptest! {
        /// Two strings whose prefixes differ compare as their prefixes do (what lets `finish`
        /// sort by prefix first).
        #[test]
        fn prefixes_order_as_the_strings(a in "[\\x00-\\x02a-c\u{e9}\u{1f600}]{0,20}", b in "[\\x00-\\x02a-c\u{e9}\u{1f600}]{0,20}") {
            let (pa, pb) = (prefix(&a), prefix(&b));
            if pa != pb {
                prop_assert_eq!(pa.cmp(&pb), a.cmp(&b));
            }
        }
    }

    #[test]
    fn prefixes_of_equal_beginnings_tie() {
        assert_eq!(prefix("0123456789abcdefX"), prefix("0123456789abcdefY"));
        assert_eq!(prefix("ab"), prefix("ab\0"));
        assert!(prefix("ab") < prefix("ab\u{1}"));
        assert!(prefix("host-10") < prefix("host-9"));
    }
}
