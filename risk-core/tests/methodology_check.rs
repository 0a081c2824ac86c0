//! Every consistency rule of a methodology, each broken on its own in the default methodology
//! and rejected with the exact path of the field (and, where one change can only break one
//! rule, with no other problem reported).

use risk_core::methodology::DEFAULT_METHODOLOGY_JSON;
use risk_core::{Methodology, MethodologyFormat, MethodologyProblem};
use serde_json::{Value, json};

fn default_value() -> Value {
    serde_json::from_str(DEFAULT_METHODOLOGY_JSON).unwrap()
}

fn at<'a>(v: &'a mut Value, pointer: &str) -> &'a mut Value {
    v.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the default methodology"))
}

fn problems_of(v: &Value) -> Vec<MethodologyProblem> {
    match Methodology::from_json(&v.to_string()) {
        Ok(_) => panic!("the methodology was accepted"),
        Err(e) => e.problems().to_vec(),
    }
}

/// Exactly one problem, at `path`, whose message contains `fragment`.
fn only(v: &Value, path: &str, fragment: &str) {
    let p = problems_of(v);
    assert_eq!(p.len(), 1, "expected one problem at {path}, got {p:#?}");
    assert_eq!(p[0].path, path, "{p:#?}");
    assert!(
        p[0].message.contains(fragment),
        "message {:?} lacks {fragment:?}",
        p[0].message
    );
}

/// Among the problems, one at `path` whose message contains `fragment`.
fn includes(v: &Value, path: &str, fragment: &str) {
    let p = problems_of(v);
    assert!(
        p.iter()
            .any(|q| q.path == path && q.message.contains(fragment)),
        "no problem at {path} containing {fragment:?} in {p:#?}"
    );
}

/// Set one field of the default methodology; expect exactly one problem at `path`.
fn set_one(pointer: &str, value: Value, path: &str, fragment: &str) {
    let mut v = default_value();
    *at(&mut v, pointer) = value;
    only(&v, path, fragment);
}

macro_rules! rejects {
    ($($name:ident: $pointer:literal = $value:expr => $path:literal, $fragment:literal;)*) => {
        $(
            #[test]
            fn $name() {
                set_one($pointer, json!($value), $path, $fragment);
            }
        )*
    };
}

// ---- The default, and accepted variations ----------------------------------------------------

#[test]
fn default_is_valid_and_round_trips_in_both_formats() {
    let m = Methodology::default();
    assert_eq!(Methodology::from_json(&m.to_json()).unwrap(), m);
    assert_eq!(Methodology::from_toml(&m.to_toml()).unwrap(), m);
    assert_eq!(Methodology::from_str_auto(&m.to_json()).unwrap(), m);
    assert_eq!(Methodology::from_str_auto(&m.to_toml()).unwrap(), m);
    assert_eq!(
        MethodologyFormat::detect(&m.to_json()),
        MethodologyFormat::Json
    );
    assert_eq!(
        MethodologyFormat::detect(&m.to_toml()),
        MethodologyFormat::Toml
    );
}

#[test]
fn boundary_values_are_accepted() {
    let mut v = default_value();
    *at(&mut v, "/factors/3/weight") = json!(0.0); // one zero weight is fine
    *at(&mut v, "/priors/cyber_essentials_plus_multiplier") = json!(1.0);
    *at(&mut v, "/supply_chain/max_coupling") = json!(0.0);
    *at(&mut v, "/findings/internet_facing_exposure") = json!(1.0);
    *at(&mut v, "/findings/kev_multiplier") = json!(0.0);
    *at(&mut v, "/score/anchor_score") = json!(900.0);
    *at(&mut v, "/bands/0/min_score") = json!(900.0);
    *at(&mut v, "/tie_tolerance") = json!(0.0);
    Methodology::from_json(&v.to_string()).unwrap();
}

#[test]
fn a_principle_with_outcome_override_needs_no_other_outcomes() {
    // An override's principle is mapped, and the override names a catalogue outcome: valid even
    // when the catalogue has no other outcome of that principle.
    let mut v = default_value();
    let cat = at(&mut v, "/controls/catalogue").as_array_mut().unwrap();
    cat.retain(|e| !e["id"].as_str().unwrap().starts_with("B4") || e["id"] == "B4.d");
    Methodology::from_json(&v.to_string()).unwrap();
}

// ---- Identity --------------------------------------------------------------------------------

rejects! {
    empty_id: "/id" = "" => "id", "must not be empty";
    blank_id: "/id" = "   " => "id", "must not be empty";
    empty_version: "/version" = "" => "version", "must not be empty";
}

// ---- Factors ---------------------------------------------------------------------------------

rejects! {
    negative_weight: "/factors/3/weight" = -0.1 => "factors[3].weight", "must be ≥ 0";
}

#[test]
fn no_factors() {
    let mut v = default_value();
    *at(&mut v, "/factors") = json!([]);
    includes(&v, "factors", "at least one factor");
}

#[test]
fn all_weights_zero() {
    let mut v = default_value();
    for f in at(&mut v, "/factors").as_array_mut().unwrap() {
        f["weight"] = json!(0.0);
    }
    only(&v, "factors", "must not all be zero");
}

#[test]
fn empty_factor_id() {
    let mut v = default_value();
    *at(&mut v, "/factors/3/id") = json!("");
    includes(&v, "factors[3].id", "must not be empty");
    // policy_process is now unknown where B1 refers to it.
    includes(
        &v,
        "controls.principles.B1",
        "unknown factor `policy_process`",
    );
}

#[test]
fn duplicate_factor_id() {
    let mut v = default_value();
    *at(&mut v, "/factors/1/id") = json!("governance");
    includes(&v, "factors[1].id", "duplicate factor `governance`");
}

#[test]
fn weight_not_finite_in_toml() {
    let toml = Methodology::default().to_toml();
    for bad in ["nan", "inf", "-inf"] {
        let text = toml.replacen("weight = 0.25", &format!("weight = {bad}"), 1);
        let e = Methodology::from_toml(&text).unwrap_err();
        assert_eq!(e.problems().len(), 1, "{bad}: {:#?}", e.problems());
        assert_eq!(e.path(), "factors[0].weight");
        assert!(e.problems()[0].message.contains("finite"), "{e}");
    }
}

// ---- Controls --------------------------------------------------------------------------------

#[test]
fn principle_id_malformed() {
    let mut v = default_value();
    at(&mut v, "/controls/principles")["b7"] = json!("governance");
    only(&v, "controls.principles.b7", "principle id");
}

rejects! {
    principle_unknown_factor: "/controls/principles/A1" = "board" => "controls.principles.A1", "unknown factor `board`";
    outcome_unknown_factor: "/controls/outcomes/B4.d" = "patching" => "controls.outcomes.B4.d", "unknown factor `patching`";
    catalogue_id_malformed: "/controls/catalogue/0/id" = "A1" => "controls.catalogue[0].id", "not an outcome id";
    catalogue_duplicate: "/controls/catalogue/1/id" = "A1.a" => "controls.catalogue[1].id", "duplicate outcome `A1.a`";
}

#[test]
fn outcome_id_malformed() {
    let mut v = default_value();
    at(&mut v, "/controls/outcomes")["B4d"] = json!("vulnerability_management");
    only(&v, "controls.outcomes.B4d", "has the form `B4.d`");
}

#[test]
fn catalogue_outcome_of_an_unmapped_principle() {
    let mut v = default_value();
    at(&mut v, "/controls/catalogue")
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "F1.a", "name": "Invented"}));
    only(
        &v,
        "controls.catalogue[41].id",
        "principle the mapping does not cover",
    );
}

#[test]
fn catalogue_outcomes_of_a_removed_principle_each_reported() {
    let mut v = default_value();
    at(&mut v, "/controls/principles")
        .as_object_mut()
        .unwrap()
        .remove("B6");
    let p = problems_of(&v);
    let paths: Vec<&str> = p.iter().map(|q| q.path.as_str()).collect();
    // B6.a and B6.b are the 28th and 29th outcomes of the CAF v4.0 catalogue.
    assert_eq!(
        paths,
        ["controls.catalogue[27].id", "controls.catalogue[28].id"],
        "{p:#?}"
    );
}

#[test]
fn outcome_override_needs_its_principle_mapped() {
    // B4 unmapped, and the catalogue keeps only B4.d of B4: the override alone would accept
    // B4.d while the input check rejects every other B4 control "because its principle is not
    // mapped". The rule names the override.
    let mut v = default_value();
    at(&mut v, "/controls/principles")
        .as_object_mut()
        .unwrap()
        .remove("B4");
    at(&mut v, "/controls/catalogue")
        .as_array_mut()
        .unwrap()
        .retain(|e| !e["id"].as_str().unwrap().starts_with("B4") || e["id"] == "B4.d");
    only(&v, "controls.outcomes.B4.d", "principle `B4` is not mapped");
}

#[test]
fn outcome_override_must_be_in_catalogue() {
    let mut v = default_value();
    at(&mut v, "/controls/outcomes")["B4.z"] = json!("system_security");
    only(&v, "controls.outcomes.B4.z", "not in controls.catalogue");
}

#[test]
fn principle_listed_twice_in_json() {
    let text = DEFAULT_METHODOLOGY_JSON.replacen(
        "\"A2\": \"governance\"",
        "\"A1\": \"asset_management\"",
        1,
    );
    assert!(
        text != DEFAULT_METHODOLOGY_JSON,
        "the replacement must apply"
    );
    let e = Methodology::from_json(&text).unwrap_err();
    assert_eq!(e.path(), "controls.principles");
    assert!(
        e.problems()[0].message.contains("`A1` is listed twice"),
        "{e}"
    );
}

#[test]
fn outcome_listed_twice_in_json() {
    let text = DEFAULT_METHODOLOGY_JSON.replacen(
        "\"B4.d\": \"vulnerability_management\"",
        "\"B4.d\": \"vulnerability_management\", \"B4.d\": \"system_security\"",
        1,
    );
    assert!(
        text != DEFAULT_METHODOLOGY_JSON,
        "the replacement must apply"
    );
    let e = Methodology::from_json(&text).unwrap_err();
    assert_eq!(e.path(), "controls.outcomes");
    assert!(
        e.problems()[0].message.contains("`B4.d` is listed twice"),
        "{e}"
    );
}

// ---- Model and assessments -------------------------------------------------------------------

rejects! {
    z_zero: "/model/z" = 0.0 => "model.z", "must be > 0";
    z_negative: "/model/z" = -1.6 => "model.z", "must be > 0";
    assessment_half_life_zero: "/assessments/half_life_days" = 0.0 => "assessments.half_life_days", "must be > 0";
    assessment_half_life_negative: "/assessments/half_life_days" = -365.0 => "assessments.half_life_days", "must be > 0";
    outcome_value_above_one: "/assessments/outcome_values/achieved" = 1.5 => "assessments.outcome_values.achieved", "[0, 1]";
    outcome_value_below_zero: "/assessments/outcome_values/not_achieved" = -0.1 => "assessments.outcome_values.not_achieved", "[0, 1]";
    outcome_values_out_of_order: "/assessments/outcome_values/not_achieved" = 0.6 => "assessments.outcome_values", "must not decrease";
    assurance_strength_zero: "/assessments/assurance_strength/self_assessed" = 0.0 => "assessments.assurance_strength.self_assessed", "must be > 0";
    assurance_strength_out_of_order: "/assessments/assurance_strength/peer_reviewed" = 20.0 => "assessments.assurance_strength", "must not decrease";
}

#[test]
fn intercept_not_finite_in_toml() {
    let toml = Methodology::default().to_toml();
    let text = toml.replacen("intercept = -3.9", "intercept = -inf", 1);
    assert!(text != toml, "the replacement must apply");
    let e = Methodology::from_toml(&text).unwrap_err();
    assert_eq!(e.path(), "model.intercept");
    assert_eq!(e.problems().len(), 1, "{:#?}", e.problems());
}

// ---- Metrics ---------------------------------------------------------------------------------

rejects! {
    metric_id_empty: "/metrics/2/id" = "" => "metrics[2].id", "must not be empty";
    metric_duplicate: "/metrics/1/id" = "mfa_coverage" => "metrics[1].id", "duplicate metric `mfa_coverage`";
    metric_unknown_factor: "/metrics/0/factor" = "identity" => "metrics[0].factor", "unknown factor `identity`";
    metric_cap_zero: "/metrics/4/cap" = 0 => "metrics[4].cap", "must be > 0";
    metric_half_life_zero: "/metrics/10/half_life_days" = 0.0 => "metrics[10].half_life_days", "must be > 0";
    metric_half_life_negative: "/metrics/10/half_life_days" = -30.0 => "metrics[10].half_life_days", "must be > 0";
}

// ---- Findings --------------------------------------------------------------------------------

rejects! {
    kind_unknown_factor: "/findings/kinds/2/factor" = "tls_config" => "findings.kinds[2].factor", "unknown factor `tls_config`";
    kind_severity_above_one: "/findings/kinds/5/default_severity" = 1.2 => "findings.kinds[5].default_severity", "[0, 1]";
    kev_multiplier_negative: "/findings/kev_multiplier" = -1.0 => "findings.kev_multiplier", "must be ≥ 0";
    epss_multiplier_negative: "/findings/epss_multiplier" = -2.0 => "findings.epss_multiplier", "must be ≥ 0";
    exposure_below_one: "/findings/internet_facing_exposure" = 0.5 => "findings.internet_facing_exposure", "must be ≥ 1";
    exposure_zero: "/findings/internet_facing_exposure" = 0.0 => "findings.internet_facing_exposure", "must be ≥ 1";
    criticality_weight_zero: "/findings/asset_criticality/low" = 0.0 => "findings.asset_criticality.low", "must be > 0";
    criticality_weights_out_of_order: "/findings/asset_criticality/high" = 3.0 => "findings.asset_criticality", "must not decrease";
    sla_days_zero: "/findings/sla/urgent_days" = 0.0 => "findings.sla.urgent_days", "must be > 0";
    sla_days_out_of_order: "/findings/sla/high_days" = 100.0 => "findings.sla", "must not shorten";
    sla_severity_above_one: "/findings/sla/urgent_severity" = 1.1 => "findings.sla.urgent_severity", "[0, 1]";
    sla_severities_out_of_order: "/findings/sla/high_severity" = 0.95 => "findings.sla.high_severity", "must not exceed urgent_severity";
    open_weight_negative: "/findings/open_weight" = -0.5 => "findings.open_weight", "must be ≥ 0";
    max_overdue_negative: "/findings/max_overdue" = -1.0 => "findings.max_overdue", "must be ≥ 0";
    resolved_half_life_zero: "/findings/resolved_half_life_days" = 0.0 => "findings.resolved_half_life_days", "must be > 0";
    timely_fix_credit_negative: "/findings/timely_fix_credit" = -0.5 => "findings.timely_fix_credit", "must be ≥ 0";
    late_fix_penalty_negative: "/findings/late_fix_penalty" = -0.25 => "findings.late_fix_penalty", "must be ≥ 0";
}

#[test]
fn kind_listed_twice_leaves_another_unmapped() {
    let mut v = default_value();
    *at(&mut v, "/findings/kinds/1/kind") = json!("vulnerability");
    let p = problems_of(&v);
    let got: Vec<(&str, &str)> = p
        .iter()
        .map(|q| (q.path.as_str(), q.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "findings.kinds[1].kind",
                "kind `vulnerability` listed twice"
            ),
            ("findings.kinds", "kind `misconfiguration` is not mapped"),
        ]
    );
}

#[test]
fn kind_not_mapped() {
    let mut v = default_value();
    at(&mut v, "/findings/kinds").as_array_mut().unwrap().pop();
    only(&v, "findings.kinds", "kind `credential_leak` is not mapped");
}

#[test]
fn kind_unknown_value() {
    let mut v = default_value();
    *at(&mut v, "/findings/kinds/0/kind") = json!("phishing");
    only(&v, "findings.kinds[0].kind", "unknown variant `phishing`");
}

// ---- Priors ----------------------------------------------------------------------------------

rejects! {
    explicit_strength_zero: "/priors/explicit_strength" = 0.0 => "priors.explicit_strength", "must be > 0";
    prior_probability_zero: "/priors/dspt/standards_exceeded/probability" = 0.0 => "priors.dspt.standards_exceeded.probability", "(0, 1)";
    prior_probability_one: "/priors/dspt/not_published/probability" = 1.0 => "priors.dspt.not_published.probability", "(0, 1)";
    prior_probability_above_one: "/priors/dspt/not_published/probability" = 1.5 => "priors.dspt.not_published.probability", "(0, 1)";
    prior_strength_zero: "/priors/dspt/standards_met/strength" = 0.0 => "priors.dspt.standards_met.strength", "must be > 0";
    prior_strength_negative: "/priors/dspt/approaching_standards/strength" = -4.0 => "priors.dspt.approaching_standards.strength", "must be > 0";
    prior_probabilities_out_of_order: "/priors/dspt/standards_met/probability" = 0.3 => "priors.dspt", "must not fall";
    ce_plus_multiplier_zero: "/priors/cyber_essentials_plus_multiplier" = 0.0 => "priors.cyber_essentials_plus_multiplier", "(0, 1]";
    ce_plus_multiplier_above_one: "/priors/cyber_essentials_plus_multiplier" = 1.2 => "priors.cyber_essentials_plus_multiplier", "(0, 1]";
    mean_min_zero: "/priors/mean_min" = 0.0 => "priors.mean_min", "(0, 1)";
    mean_max_one: "/priors/mean_max" = 1.0 => "priors.mean_max", "(0, 1)";
    mean_bounds_crossed: "/priors/mean_min" = 0.9995 => "priors.mean_min", "must be below priors.mean_max";
}

// ---- Supply chain ----------------------------------------------------------------------------

rejects! {
    coupling_negative: "/supply_chain/access/data" = -0.75 => "supply_chain.access.data", "must be ≥ 0";
    couplings_out_of_order: "/supply_chain/criticality/medium" = 0.5 => "supply_chain.criticality", "must not decrease";
    max_coupling_one: "/supply_chain/max_coupling" = 1.0 => "supply_chain.max_coupling", "[0, 1)";
    max_coupling_negative: "/supply_chain/max_coupling" = -0.1 => "supply_chain.max_coupling", "[0, 1)";
    tolerance_zero: "/supply_chain/tolerance" = 0.0 => "supply_chain.tolerance", "must be > 0";
    max_sweeps_zero: "/supply_chain/max_sweeps" = 0 => "supply_chain.max_sweeps", "at least 1";
}

// ---- Score and bands -------------------------------------------------------------------------

rejects! {
    anchor_probability_zero: "/score/anchor_probability" = 0.0 => "score.anchor_probability", "(0, 1)";
    anchor_probability_one: "/score/anchor_probability" = 1.0 => "score.anchor_probability", "(0, 1)";
    points_to_halve_odds_zero: "/score/points_to_halve_odds" = 0.0 => "score.points_to_halve_odds", "must be > 0";
    score_range_empty: "/score/min" = 900.0 => "score.min", "must be below score.max";
    anchor_score_outside_range: "/score/anchor_score" = 950.0 => "score.anchor_score", "must lie in [score.min, score.max]";
    band_label_empty: "/bands/2/band" = "" => "bands[2].band", "must not be empty";
    band_label_duplicate: "/bands/3/band" = "B" => "bands[3].band", "duplicate band `B`";
    band_missing_bound: "/bands/2/min_score" = Value::Null => "bands[2].min_score", "only the last band";
    last_band_bounded: "/bands/5/min_score" = 450.0 => "bands[5].min_score", "the last band must have no lower bound";
    bands_not_falling: "/bands/2/min_score" = 660.0 => "bands[2].min_score", "falling lower bounds";
    bands_equal_bounds: "/bands/2/min_score" = 650.0 => "bands[2].min_score", "falling lower bounds";
    band_above_score_max: "/bands/0/min_score" = 950.0 => "bands[0].min_score", "must lie in (score.min, score.max]";
    band_at_score_min: "/bands/4/min_score" = 250.0 => "bands[4].min_score", "must lie in (score.min, score.max]";
}

#[test]
fn no_bands() {
    let mut v = default_value();
    *at(&mut v, "/bands") = json!([]);
    only(&v, "bands", "at least one band");
}

// ---- The rest --------------------------------------------------------------------------------

rejects! {
    coverage_saturation_zero: "/coverage_saturation" = 0.0 => "coverage_saturation", "must be > 0";
    quantile_zero: "/factor_quantiles/0" = 0.0 => "factor_quantiles[0]", "(0, 1)";
    quantile_one: "/factor_quantiles/1" = 1.0 => "factor_quantiles[1]", "(0, 1)";
    quantiles_crossed: "/factor_quantiles" = [0.95, 0.05] => "factor_quantiles", "lower quantile must be below";
    driver_min_impact_negative: "/drivers/min_impact" = -1.0 => "drivers.min_impact", "must be ≥ 0";
    tie_tolerance_negative: "/tie_tolerance" = -1e-9 => "tie_tolerance", "must be ≥ 0";
}

// ---- Structure: parse errors name the field --------------------------------------------------

rejects! {
    wrong_type: "/factors/0/weight" = "heavy" => "factors[0].weight", "invalid type";
    count_not_integer: "/drivers/count" = 2.5 => "drivers.count", "invalid type";
    sweeps_negative: "/supply_chain/max_sweeps" = -1 => "supply_chain.max_sweeps", "invalid value";
    quantiles_wrong_length: "/factor_quantiles" = [0.05, 0.5, 0.95] => "factor_quantiles", "trailing characters";
    quantiles_too_short: "/factor_quantiles" = [0.05] => "factor_quantiles", "invalid length 1";
}

#[test]
fn unknown_field() {
    let mut v = default_value();
    at(&mut v, "/findings/sla")["weekend_days"] = json!(2);
    only(
        &v,
        "findings.sla.weekend_days",
        "unknown field `weekend_days`",
    );
}

#[test]
fn missing_field() {
    let mut v = default_value();
    at(&mut v, "/model").as_object_mut().unwrap().remove("z");
    only(&v, "model", "missing field `z`");
}

#[test]
fn malformed_and_trailing_json() {
    let e = Methodology::from_json("{\"id\": ").unwrap_err();
    assert_eq!(e.path(), "id");
    assert!(
        e.problems()[0]
            .message
            .contains("EOF while parsing a value"),
        "{e}"
    );
    let e = Methodology::from_json("[]").unwrap_err();
    assert_eq!(e.path(), "");
    let e = Methodology::from_json(&format!("{DEFAULT_METHODOLOGY_JSON}\n{{}}")).unwrap_err();
    assert_eq!(e.path(), "");
    assert!(
        e.problems()[0].message.contains("trailing characters"),
        "{e}"
    );
}

#[test]
fn every_problem_is_listed_in_document_order() {
    let mut v = default_value();
    *at(&mut v, "/factors/0/weight") = json!(-1.0);
    *at(&mut v, "/model/z") = json!(0.0);
    *at(&mut v, "/tie_tolerance") = json!(-1.0);
    let p = problems_of(&v);
    let paths: Vec<&str> = p.iter().map(|q| q.path.as_str()).collect();
    assert_eq!(paths, ["factors[0].weight", "model.z", "tie_tolerance"]);
}

// ---- TOML ------------------------------------------------------------------------------------

#[test]
fn toml_errors_name_the_field() {
    let toml = Methodology::default().to_toml();

    // A consistency rule.
    let text = toml.replacen("z = 1.6448536269514722", "z = 0.0", 1);
    assert!(text != toml, "the replacement must apply");
    let e = Methodology::from_toml(&text).unwrap_err();
    assert_eq!(e.path(), "model.z");

    // Unknown field.
    let text = toml.replacen("[model]\n", "[model]\nslope = 1.0\n", 1);
    assert!(text != toml, "the replacement must apply");
    let e = Methodology::from_toml(&text).unwrap_err();
    assert_eq!(e.path(), "model.slope");
    assert!(
        e.problems()[0].message.contains("unknown field `slope`"),
        "{e}"
    );

    // Wrong type, with its line.
    let text = toml.replacen("weight = 0.25", "weight = \"heavy\"", 1);
    let e = Methodology::from_toml(&text).unwrap_err();
    assert_eq!(e.path(), "factors[0].weight");
    let line = text.lines().position(|l| l.contains("\"heavy\"")).unwrap() + 1;
    assert!(
        e.problems()[0]
            .message
            .contains(&format!("at line {line} ")),
        "{e}"
    );

    // A bounded last band.
    let text = toml.replacen("band = \"F\"\n", "band = \"F\"\nmin_score = 400.0\n", 1);
    assert!(text != toml, "the replacement must apply");
    let e = Methodology::from_toml(&text).unwrap_err();
    assert_eq!(e.path(), "bands[5].min_score");
}

#[test]
fn toml_syntax_error_gives_line_and_column() {
    let e = Methodology::from_toml("id = \"x\"\nversion = \n").unwrap_err();
    assert_eq!(e.path(), "");
    let msg = &e.problems()[0].message;
    assert!(msg.starts_with("malformed TOML: "), "{msg}");
    assert!(msg.contains("at line 2 column"), "{msg}");
}

#[test]
fn toml_duplicate_key_is_a_syntax_error() {
    let toml = Methodology::default().to_toml();
    let text = toml.replacen("A2 = \"governance\"", "A1 = \"asset_management\"", 1);
    assert!(text != toml, "the replacement must apply");
    let e = Methodology::from_toml(&text).unwrap_err();
    assert!(e.problems()[0].message.contains("malformed TOML"), "{e}");
}

#[test]
fn auto_detection_gives_the_same_errors_in_both_formats() {
    let mut v = default_value();
    *at(&mut v, "/metrics/3/half_life_days") = json!(-1.0);
    let json_text = v.to_string();
    let json_err = Methodology::from_str_auto(&json_text).unwrap_err();
    // The same document as TOML.
    let doc: risk_core::methodology::MethodologyDoc = serde_json::from_str(&json_text).unwrap();
    let toml_text = toml_of(&doc);
    let toml_err = Methodology::from_str_auto(&toml_text).unwrap_err();
    assert_eq!(json_err.problems(), toml_err.problems());
    assert_eq!(json_err.path(), "metrics[3].half_life_days");
}

fn toml_of(doc: &risk_core::methodology::MethodologyDoc) -> String {
    // A valid methodology's to_toml, with the one changed number patched in.
    let base = Methodology::default().to_toml();
    let target = doc.metrics[3].half_life_days;
    let mut seen = 0;
    let mut out = String::new();
    let mut in_metric = false;
    for line in base.lines() {
        if line == "[[metrics]]" {
            seen += 1;
            in_metric = seen == 4;
        }
        if in_metric && line.starts_with("half_life_days") {
            out.push_str(&format!("half_life_days = {target:?}\n"));
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

// ---- Properties ------------------------------------------------------------------------------

mod properties {
    use super::*;
    use proptest::prelude::*;
    use risk_core::{parse_portfolio, rate};

    const DOC: &str = r#"{"as_of": "2025-09-30", "organisations": [
      {"id": "T", "assessments": [
        {"control": "A4.a", "outcome": "not_achieved", "assurance": "independent_audit", "assessed_on": "2025-06-30"},
        {"control": "B4.d", "outcome": "partially_achieved", "assurance": "self_assessed", "assessed_on": "2024-01-31"},
        {"control": "B2.a", "outcome": "achieved", "assurance": "peer_reviewed", "assessed_on": "2025-09-30"}],
       "metrics": [{"metric": "mfa_coverage", "successes": 90, "trials": 100, "observed_on": "2025-08-01"}],
       "findings": [
        {"id": "F", "kind": "vulnerability", "cvss_score": 9.8, "kev": true, "epss": 0.9, "internet_facing": true,
         "asset_criticality": "clinical", "first_seen": "2025-01-01"},
        {"id": "G", "kind": "tls", "first_seen": "2025-01-01", "resolved_on": "2025-05-01"}],
       "dependencies": [{"supplier": "S", "criticality": "critical", "access": "admin"}]},
      {"id": "S", "attestation": {"incident_probability": 0.999},
       "dependencies": [{"supplier": "T", "criticality": "high", "access": "network"}]},
      {"id": "U"}
    ]}"#;

    /// Scale a number in the default methodology.
    fn scale(v: &mut Value, pointer: &str, by: f64) {
        let x = at(v, pointer).as_f64().unwrap();
        *at(v, pointer) = json!(x * by);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Whatever the numbers, a methodology that passes the checks rates without a NaN, an
        /// infinity or a figure outside its bounds: the checks are strong enough for the engine.
        #[test]
        fn an_accepted_methodology_always_rates_within_bounds(
            w in proptest::collection::vec(0.0f64..5.0, 14),
            intercept in -10.0f64..2.0,
            half_life in 0.01f64..10_000.0,
            strength in 0.01f64..100.0,
            prior in 0.0001f64..0.9999,
            coupling in 0.0f64..5.0,
            max_coupling in 0.0f64..0.9999,
            exposure in 1.0f64..10.0,
            multiplier in 0.0f64..50.0,
            anchor in 0.001f64..0.999,
            points in 0.1f64..500.0,
        ) {
            let mut v = default_value();
            for (i, wi) in w.iter().enumerate() {
                *at(&mut v, &format!("/factors/{i}/weight")) = json!(wi);
            }
            *at(&mut v, "/model/intercept") = json!(intercept);
            *at(&mut v, "/assessments/half_life_days") = json!(half_life);
            *at(&mut v, "/metrics/0/half_life_days") = json!(half_life);
            *at(&mut v, "/findings/resolved_half_life_days") = json!(half_life);
            scale(&mut v, "/assessments/assurance_strength/self_assessed", strength / 16.0);
            scale(&mut v, "/assessments/assurance_strength/peer_reviewed", strength / 16.0);
            scale(&mut v, "/assessments/assurance_strength/independent_audit", strength / 16.0);
            *at(&mut v, "/priors/dspt/not_published/probability") = json!(prior.max(0.15));
            *at(&mut v, "/priors/dspt/not_published/strength") = json!(strength);
            scale(&mut v, "/supply_chain/access/admin", coupling);
            *at(&mut v, "/supply_chain/max_coupling") = json!(max_coupling);
            *at(&mut v, "/findings/internet_facing_exposure") = json!(exposure);
            *at(&mut v, "/findings/kev_multiplier") = json!(multiplier);
            *at(&mut v, "/score/anchor_probability") = json!(anchor);
            *at(&mut v, "/score/points_to_halve_odds") = json!(points);
            let Ok(m) = Methodology::from_json(&v.to_string()) else {
                // Only all-zero weights can be rejected here.
                prop_assert!(w.iter().all(|&x| x == 0.0));
                return Ok(());
            };
            let doc = parse_portfolio(DOC).unwrap();
            let r = rate(&doc, &m).unwrap();
            for o in &r.ratings {
                prop_assert!(o.score.is_finite() && (250.0..=900.0).contains(&o.score), "{}: {}", o.id, o.score);
                prop_assert!(o.interval[0] <= o.score && o.score <= o.interval[1], "{}: {:?} {}", o.id, o.interval, o.score);
                prop_assert!((0.0..=1.0).contains(&o.probability), "{}", o.probability);
                prop_assert!(o.probability_interval[0] <= o.probability + 1e-12);
                prop_assert!(o.probability <= o.probability_interval[1] + 1e-12);
                for f in &o.factors {
                    prop_assert!(f.mean.is_finite() && f.lower.is_finite() && f.upper.is_finite() && f.points.is_finite(), "{f:?}");
                }
                for d in &o.drivers {
                    prop_assert!(d.impact.is_finite(), "{d:?}");
                }
            }
        }

        /// Arbitrary text in either format: a methodology or a typed error, never a panic.
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
            let _ = Methodology::from_str_auto(&text);
            let _ = Methodology::from_toml(&text);
            let _ = Methodology::from_json(&text);
        }
    }
}
