//! A small strict JSON layer for the incident and configuration documents: UTF-8 with one
//! optional byte-order mark, no duplicate keys, object keys kept in document order.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::calibration::error::{CalibrationError, Document};

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum JVal {
    Null,
    Bool(bool),
    /// A JSON integer (no fraction, no exponent) that fits in i128.
    Int(i128),
    /// Any other number.
    Float(f64),
    Str(String),
    Arr(Vec<JVal>),
    Obj(Vec<(String, JVal)>),
}

impl JVal {
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            JVal::Null => "null",
            JVal::Bool(_) => "a boolean",
            JVal::Int(_) | JVal::Float(_) => "a number",
            JVal::Str(_) => "a string",
            JVal::Arr(_) => "a list",
            JVal::Obj(_) => "an object",
        }
    }
}

struct V;

impl<'de> Visitor<'de> for V {
    type Value = JVal;
    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<JVal, E> {
        Ok(JVal::Null)
    }
    fn visit_none<E>(self) -> Result<JVal, E> {
        Ok(JVal::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<JVal, E> {
        Ok(JVal::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<JVal, E> {
        Ok(JVal::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<JVal, E> {
        Ok(JVal::Int(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<JVal, E> {
        Ok(JVal::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<JVal, E> {
        Ok(JVal::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<JVal, E> {
        Ok(JVal::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JVal, A::Error> {
        let mut v = Vec::new();
        while let Some(x) = seq.next_element::<JVal>()? {
            v.push(x);
        }
        Ok(JVal::Arr(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JVal, A::Error> {
        let mut v: Vec<(String, JVal)> = Vec::new();
        while let Some(k) = map.next_key::<String>()? {
            if v.iter().any(|(kk, _)| *kk == k) {
                return Err(de::Error::custom(format!("duplicate key `{k}`")));
            }
            let x = map.next_value::<JVal>()?;
            v.push((k, x));
        }
        Ok(JVal::Obj(v))
    }
}

impl<'de> Deserialize<'de> for JVal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<JVal, D::Error> {
        d.deserialize_any(V)
    }
}

/// Parse a document's bytes; every failure is `malformed_json` at the document.
pub(crate) fn parse(bytes: &[u8], doc: Document) -> Result<JVal, CalibrationError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = core::str::from_utf8(bytes)
        .map_err(|e| CalibrationError::new("malformed_json", doc, "", format!("not UTF-8: {e}")))?;
    let mut de = serde_json::Deserializer::from_str(text);
    let v = JVal::deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| CalibrationError::new("malformed_json", doc, "", e.to_string()))?;
    Ok(v)
}

/// Convert a serde value (from an API given parsed objects) to a [`JVal`].
pub(crate) fn from_serde(v: &serde_json::Value) -> JVal {
    match v {
        serde_json::Value::Null => JVal::Null,
        serde_json::Value::Bool(b) => JVal::Bool(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                JVal::Int(i.into())
            } else if let Some(u) = n.as_u64() {
                JVal::Int(u.into())
            } else {
                JVal::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        serde_json::Value::String(s) => JVal::Str(s.clone()),
        serde_json::Value::Array(a) => JVal::Arr(a.iter().map(from_serde).collect()),
        serde_json::Value::Object(o) => {
            JVal::Obj(o.iter().map(|(k, v)| (k.clone(), from_serde(v))).collect())
        }
    }
}
