//! RFC 8785 (JSON Canonicalization Scheme) output for the provenance digests, written in one
//! pass into one buffer.
//!
//! serde_json drives the serialisation and this module is its [`Formatter`]: every byte goes
//! through the formatter, so the formatter writes into its own buffer and ignores serde_json's
//! writer. Arrays, strings and numbers are written in place. An object's members are written
//! in the order they come (`{k:v,k:v`). When the object ends, members already in JCS order need
//! only the `}`; otherwise they are put in JCS order in one copy: keys by their UTF-16 code
//! units, the last of equal keys kept. Numbers are written as ECMAScript writes them
//! (`ryu-js`); integers are first taken to `f64`, as JCS says. Strings keep serde_json's
//! escapes, which are JCS's.
//!
//! The output is byte for byte what `serde_jcs` writes; the test `jcs_equals_serde_jcs` checks
//! it on documents, methodologies and generated values. This one exists because `serde_jcs`
//! allocates per member and re-parses every key: it was 40% of a national rating.

use std::io;

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter};

/// One member of an object being written: where its key starts and ends, and where its value
/// ends (it starts after the `:` that follows the key), as offsets into the buffer.
#[derive(Clone, Copy)]
struct Member {
    key: (usize, usize),
    end: usize,
    /// The key has no escape and no non-ASCII byte: its bytes are its UTF-16 code units.
    plain: bool,
}

/// The formatter: the output buffer, for each object being written where it starts and where
/// its members start in `members` (a member is pushed when its key ends, its end set when its
/// value ends: an object inside the value pushes and pops its own above it), and where the
/// current key started.
struct Jcs<'a> {
    out: &'a mut Vec<u8>,
    objects: Vec<(usize, usize)>,
    members: Vec<Member>,
    key_start: usize,
    scratch: Vec<u8>,
}

/// Whether JSON key text has no escape and no non-ASCII byte (computed once per key).
fn plain(key: &[u8]) -> bool {
    key.iter().all(|&c| c < 0x80 && c != b'\\')
}

/// Whether JSON key text `a` sorts before or with `b` by the UTF-16 code units of the strings
/// they stand for; `plain` says both are [`plain`].
fn key_order(a: &[u8], b: &[u8], plain: bool) -> std::cmp::Ordering {
    // Without escapes or non-ASCII characters, bytes are code units (the quotes left out).
    if plain {
        return a[1..a.len() - 1].cmp(&b[1..b.len() - 1]);
    }
    let text = |k: &[u8]| serde_json::from_slice::<String>(k).unwrap_or_default();
    text(a).encode_utf16().cmp(text(b).encode_utf16())
}

impl Jcs<'_> {
    /// A number as ECMAScript writes it. serde_json hands no NaN or infinity to a formatter (it
    /// writes `null` for them itself); the engine's documents hold none (checked on input).
    fn number(&mut self, value: f64) -> io::Result<()> {
        self.out
            .extend_from_slice(ryu_js::Buffer::new().format_finite(value).as_bytes());
        Ok(())
    }
}

macro_rules! numbers {
    ($($method:ident: $t:ty),*) => {$(
        #[inline]
        #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
        fn $method<W: ?Sized + io::Write>(&mut self, _: &mut W, value: $t) -> io::Result<()> {
            self.number(value as f64)
        }
    )*};
}

impl Formatter for Jcs<'_> {
    numbers!(write_i8: i8, write_i16: i16, write_i32: i32, write_i64: i64, write_i128: i128,
             write_u8: u8, write_u16: u16, write_u32: u32, write_u64: u64, write_u128: u128,
             write_f32: f32, write_f64: f64);

    fn write_null<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn write_bool<W: ?Sized + io::Write>(&mut self, _: &mut W, value: bool) -> io::Result<()> {
        self.out
            .extend_from_slice(if value { b"true" } else { b"false" });
        Ok(())
    }

    fn write_number_str<W: ?Sized + io::Write>(
        &mut self,
        _: &mut W,
        value: &str,
    ) -> io::Result<()> {
        self.number(value.parse().map_err(io::Error::other)?)
    }

    fn begin_string<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.out.push(b'"');
        Ok(())
    }

    fn end_string<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.out.push(b'"');
        Ok(())
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        _: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        self.out.extend_from_slice(fragment.as_bytes());
        Ok(())
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        _: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        match escape {
            CharEscape::Quote => self.out.extend_from_slice(b"\\\""),
            CharEscape::ReverseSolidus => self.out.extend_from_slice(b"\\\\"),
            CharEscape::Solidus => self.out.push(b'/'),
            CharEscape::Backspace => self.out.extend_from_slice(b"\\b"),
            CharEscape::FormFeed => self.out.extend_from_slice(b"\\f"),
            CharEscape::LineFeed => self.out.extend_from_slice(b"\\n"),
            CharEscape::CarriageReturn => self.out.extend_from_slice(b"\\r"),
            CharEscape::Tab => self.out.extend_from_slice(b"\\t"),
            CharEscape::AsciiControl(c) => self.out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(c >> 4)],
                HEX[usize::from(c & 0xF)],
            ]),
        }
        Ok(())
    }

    fn write_raw_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let value: serde_json::Value = serde_json::from_str(fragment)?;
        let _ = writer;
        write(&value, self.out)
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.out.push(b'[');
        Ok(())
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.out.push(b']');
        Ok(())
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        _: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if !first {
            self.out.push(b',');
        }
        Ok(())
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.objects.push((self.out.len(), self.members.len()));
        self.out.push(b'{');
        Ok(())
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        _: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if !first {
            self.out.push(b',');
        }
        self.key_start = self.out.len();
        Ok(())
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        let key = (self.key_start, self.out.len());
        self.members.push(Member {
            key,
            end: self.out.len(),
            plain: plain(&self.out[key.0..key.1]),
        });
        Ok(())
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.out.push(b':');
        Ok(())
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        let end = self.out.len();
        let member = self
            .members
            .last_mut()
            .ok_or_else(|| io::Error::other("a value ended that had no key"))?;
        member.end = end;
        Ok(())
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        let (start, first) = self
            .objects
            .pop()
            .ok_or_else(|| io::Error::other("an object ended that never began"))?;
        let out = &*self.out;
        let members = &mut self.members[first..];
        let key = |m: &Member| &out[m.key.0..m.key.1];
        let order = |a: &Member, b: &Member| key_order(key(a), key(b), a.plain && b.plain);
        // Members written in JCS order already (as `{k:v,k:v`) need only the closing brace.
        if members.windows(2).all(|w| order(&w[0], &w[1]).is_lt()) {
            self.members.truncate(first);
            self.out.push(b'}');
            return Ok(());
        }
        // Stable: of equal keys, the last one written stays last and is the one kept.
        members.sort_by(order);
        let scratch = &mut self.scratch;
        scratch.clear();
        scratch.push(b'{');
        let mut written = 0;
        for (i, m) in members.iter().enumerate() {
            let duplicate = members
                .get(i + 1)
                .is_some_and(|next| order(m, next).is_eq());
            if duplicate {
                continue;
            }
            if written > 0 {
                scratch.push(b',');
            }
            // The key, the `:` written after it, and the value.
            scratch.extend_from_slice(&out[m.key.0..m.end]);
            written += 1;
        }
        scratch.push(b'}');
        self.members.truncate(first);
        self.out.truncate(start);
        self.out.extend_from_slice(&self.scratch);
        Ok(())
    }
}

/// `value` in RFC 8785 canonical form, appended to `out`.
///
/// # Errors
/// A value serde_json cannot write (a map with keys that are not strings, for instance).
pub(crate) fn write<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> io::Result<()> {
    let jcs = Jcs {
        out,
        objects: Vec::new(),
        members: Vec::new(),
        key_start: 0,
        scratch: Vec::new(),
    };
    value
        .serialize(&mut serde_json::Serializer::with_formatter(io::sink(), jcs))
        .map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::write;
    use proptest::prelude::*;
    use serde_json::{Map, Value, json};

    fn ours<T: serde::Serialize + ?Sized>(v: &T) -> Vec<u8> {
        let mut out = Vec::new();
        write(v, &mut out).expect("writes");
        out
    }

    fn same<T: serde::Serialize + ?Sized>(v: &T, what: &str) {
        let want = serde_jcs::to_vec(v).expect("serde_jcs writes it");
        let got = ours(v);
        assert!(
            got == want,
            "{what}:\n ours   {}\n serde_jcs {}",
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want)
        );
    }

    #[test]
    fn jcs_equals_serde_jcs() {
        // The RFC's own ordering example: keys by UTF-16 code units (an astral character's
        // surrogates sort below U+E000..U+FFFF, unlike code points).
        same(
            &json!({"\u{20ac}": 1, "\r": 2, "\u{1f600}": 3, "\u{fb33}": 4, "1": 5, "\u{80}": 6,
                    "\u{f6}": 7, "a\"b": 8, "a\\b": 9, "": 10, "a": [1e21, 1e-7, -0.0, 0.1, 5e-324,
                    1.7976931348623157e308, 123456789012345680000.0, 9007199254740993u64, -3i64]}),
            "keys and numbers",
        );
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors");
        let mut documents = 0;
        for entry in std::fs::read_dir(dir).expect("tests/vectors") {
            let path = entry.expect("an entry").path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let bytes = std::fs::read(&path).expect("readable");
            let name = path.display().to_string();
            if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
                same(&v, &name);
            }
            if let Ok(doc) = crate::parse_portfolio_bytes(&bytes) {
                same(&doc, &name);
                documents += 1;
            }
        }
        assert!(documents > 25, "{documents} documents");
        same(&crate::Methodology::default(), "the default methodology");
        let sample = crate::sample::sample_portfolio(&crate::sample::SampleConfig::default());
        same(&sample, "the bundled sample");
    }

    fn key() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                Just('a'),
                Just('B'),
                Just('"'),
                Just('\\'),
                Just('\u{1}'),
                Just('\u{7f}'),
                Just('é'),
                Just('\u{ff21}'),
                Just('\u{1f600}'),
                Just('\u{e000}'),
            ],
            0..4,
        )
        .prop_map(|c| c.into_iter().collect())
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |x| x.is_finite())
                .prop_map(Value::from),
            key().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((key(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_value_is_written_as_serde_jcs_writes_it(v in value()) {
            let want = serde_jcs::to_vec(&v).expect("serde_jcs writes it");
            prop_assert_eq!(ours(&v), want);
        }
    }
}
