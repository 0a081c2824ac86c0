//! Splits a stream of JSON into records without holding more than one record: a top-level JSON
//! array of values, or values one after another (JSON lines, or any whitespace between them).
//! Tracks line numbers and enforces the record size and nesting limits before any parsing.

use std::io::BufRead;

use super::error::{IngestError, IngestErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Start,
    /// Inside a top-level array; `expect_value` after `[` or `,`.
    Array {
        expect_value: bool,
        first: bool,
    },
    Lines,
    Done,
}

pub(crate) struct JsonRecords<'s, R> {
    reader: R,
    source: &'s str,
    mode: Mode,
    buf: Vec<u8>,
    line: u64,
    record: u64,
    max_record: usize,
    max_depth: usize,
    bom_checked: bool,
}

/// One record: its 0-based number and its bytes.
pub(crate) struct Record<'b> {
    pub index: u64,
    pub bytes: &'b [u8],
}

impl<'s, R: BufRead> JsonRecords<'s, R> {
    pub fn new(reader: R, source: &'s str, max_record: usize, max_depth: usize) -> Self {
        JsonRecords {
            reader,
            source,
            mode: Mode::Start,
            buf: Vec::new(),
            line: 1,
            record: 0,
            max_record,
            max_depth,
            bom_checked: false,
        }
    }

    fn err(&self, kind: IngestErrorKind, message: String) -> IngestError {
        IngestError::new(
            kind,
            self.source,
            Some(self.record),
            Some(self.line),
            format!("[{}]", self.record),
            message,
        )
    }

    fn fill(&mut self) -> Result<&[u8], IngestError> {
        let source = self.source;
        let (record, line) = (self.record, self.line);
        self.reader.fill_buf().map_err(|e| {
            IngestError::new(
                IngestErrorKind::Read,
                source,
                Some(record),
                Some(line),
                "",
                e.to_string(),
            )
        })
    }

    /// Skip whitespace; the next byte, not consumed (None at end of input).
    fn peek_non_ws(&mut self) -> Result<Option<u8>, IngestError> {
        loop {
            if !self.bom_checked {
                let chunk = self.fill()?;
                let (len, bom, ef) = (
                    chunk.len(),
                    chunk.starts_with(b"\xEF\xBB\xBF"),
                    chunk.first() == Some(&0xEF),
                );
                self.bom_checked = true;
                if bom {
                    self.reader.consume(3);
                } else if len > 0 && len < 3 && ef {
                    return Err(self.err(
                        IngestErrorKind::InvalidEncoding,
                        "not valid UTF-8 JSON".into(),
                    ));
                }
            }
            let chunk = self.fill()?;
            if chunk.is_empty() {
                return Ok(None);
            }
            let mut n = 0;
            let mut lines = 0;
            for &b in chunk {
                match b {
                    b'\n' => lines += 1,
                    b' ' | b'\t' | b'\r' => {}
                    _ => {
                        self.reader.consume(n);
                        self.line += lines;
                        return Ok(Some(b));
                    }
                }
                n += 1;
            }
            self.reader.consume(n);
            self.line += lines;
        }
    }

    /// Move to the start of the next record: true when one starts at the next byte (read it
    /// with [`buffered`](Self::buffered) then [`take`](Self::take), or with
    /// [`scan`](Self::scan)), false at the end of the input.
    pub fn next_value(&mut self) -> Result<bool, IngestError> {
        loop {
            match self.mode {
                Mode::Done => return Ok(false),
                Mode::Start => match self.peek_non_ws()? {
                    None => {
                        self.mode = Mode::Done;
                        return Ok(false);
                    }
                    Some(b'[') => {
                        self.reader.consume(1);
                        self.mode = Mode::Array {
                            expect_value: true,
                            first: true,
                        };
                    }
                    Some(_) => self.mode = Mode::Lines,
                },
                Mode::Array {
                    expect_value: false,
                    ..
                } => match self.peek_non_ws()? {
                    Some(b',') => {
                        self.reader.consume(1);
                        self.mode = Mode::Array {
                            expect_value: true,
                            first: false,
                        };
                    }
                    Some(b']') => {
                        self.reader.consume(1);
                        if let Some(b) = self.peek_non_ws()? {
                            return Err(self.err(
                                IngestErrorKind::MalformedJson,
                                format!(
                                    "unexpected `{}` after the end of the array",
                                    char::from(b).escape_default()
                                ),
                            ));
                        }
                        self.mode = Mode::Done;
                    }
                    Some(b) => {
                        return Err(self.err(
                            IngestErrorKind::MalformedJson,
                            format!(
                                "expected `,` or `]` between events, found `{}`",
                                char::from(b).escape_default()
                            ),
                        ));
                    }
                    None => {
                        return Err(self.err(
                            IngestErrorKind::MalformedJson,
                            "the array of events is not closed (truncated input?)".into(),
                        ));
                    }
                },
                Mode::Array {
                    expect_value: true,
                    first,
                } => match self.peek_non_ws()? {
                    Some(b']') if first => {
                        // `[]`: no events.
                        self.reader.consume(1);
                        self.mode = Mode::Done;
                        if let Some(b) = self.peek_non_ws()? {
                            return Err(self.err(
                                IngestErrorKind::MalformedJson,
                                format!(
                                    "unexpected `{}` after the end of the array",
                                    char::from(b).escape_default()
                                ),
                            ));
                        }
                    }
                    Some(_) => return Ok(true),
                    None => {
                        return Err(self.err(
                            IngestErrorKind::MalformedJson,
                            "the array of events ends after a `,` (truncated input?)".into(),
                        ));
                    }
                },
                Mode::Lines => match self.peek_non_ws()? {
                    None => {
                        self.mode = Mode::Done;
                        return Ok(false);
                    }
                    Some(_) => return Ok(true),
                },
            }
        }
    }

    /// At the start of a record: the reader's buffered bytes from there on (at least one), the
    /// record's number and the line it starts on. The record may end within them or not.
    pub fn buffered(&mut self) -> Result<(&[u8], u64, u64), IngestError> {
        let (record, line) = (self.record, self.line);
        let chunk = self.fill()?;
        Ok((chunk, record, line))
    }

    /// The record is the first `len` bytes of [`buffered`](Self::buffered), holding `lines`
    /// line breaks: the caller read it there and found it a well-formed JSON value, no larger
    /// and no deeper than the limits (so [`scan`](Self::scan) would frame the same bytes).
    pub fn take(&mut self, len: usize, lines: u64) {
        self.reader.consume(len);
        self.line += lines;
        self.record += 1;
        self.after_value();
    }

    /// The record, framed byte by byte (its brackets balanced outside strings) and copied.
    pub fn scan(&mut self) -> Result<Record<'_>, IngestError> {
        self.scan_value()?;
        self.after_value();
        let index = self.record;
        self.record += 1;
        Ok(Record {
            index,
            bytes: &self.buf,
        })
    }

    fn after_value(&mut self) {
        if let Mode::Array { .. } = self.mode {
            self.mode = Mode::Array {
                expect_value: false,
                first: false,
            };
        }
    }

    /// Copy one JSON value (starting at the next, non-blank, byte) into `buf`.
    fn scan_value(&mut self) -> Result<(), IngestError> {
        self.buf.clear();
        let mut depth: usize = 0;
        let mut in_string = false;
        let mut escape = false;
        let mut started = false;
        // A scalar (number, literal) ends at a delimiter; a string/object/array at its close.
        let mut scalar = false;
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(c) => c,
                Err(e) => {
                    return Err(self.err(IngestErrorKind::Read, e.to_string()));
                }
            };
            if chunk.is_empty() {
                if scalar && depth == 0 && !in_string {
                    return Ok(());
                }
                return Err(self.err(
                    IngestErrorKind::MalformedJson,
                    "the input ends inside an event (truncated input?)".into(),
                ));
            }
            let mut i = 0;
            let mut done = false;
            let mut lines = 0u64;
            let mut too_deep = false;
            let mut bad_start = None;
            while i < chunk.len() {
                let b = chunk[i];
                if b == b'\n' {
                    lines += 1;
                }
                if in_string {
                    if escape {
                        escape = false;
                    } else if b == b'\\' {
                        escape = true;
                    } else if b == b'"' {
                        in_string = false;
                        if depth == 0 {
                            i += 1;
                            done = true;
                            break;
                        }
                    }
                    i += 1;
                    continue;
                }
                if !started {
                    started = true;
                    match b {
                        b'{' | b'[' | b'"' => {}
                        // A delimiter cannot start a value: without this check it would be read
                        // as an empty scalar, consuming nothing, for ever.
                        b']' | b'}' | b',' | b':' => {
                            bad_start = Some(b);
                            break;
                        }
                        _ => scalar = true,
                    }
                }
                if scalar {
                    if matches!(
                        b,
                        b' ' | b'\t' | b'\r' | b'\n' | b',' | b']' | b'[' | b'{' | b'}'
                    ) {
                        if b == b'\n' {
                            lines -= 1; // not consumed: counted when skipped
                        }
                        done = true;
                        break;
                    }
                    i += 1;
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => {
                        depth += 1;
                        if depth > self.max_depth {
                            too_deep = true;
                            break;
                        }
                    }
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            i += 1;
                            done = true;
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            if self.buf.len() + i > self.max_record {
                let max = self.max_record;
                return Err(self.err(
                    IngestErrorKind::LimitExceeded,
                    format!("an event is larger than the limit of {max} bytes"),
                ));
            }
            self.buf.extend_from_slice(&chunk[..i]);
            self.reader.consume(i);
            self.line += lines;
            if bad_start.is_some() || too_deep {
                return Err(self.scan_error(bad_start));
            }
            if done {
                return Ok(());
            }
        }
    }

    /// Why [`Self::scan_value`] stopped: at `bad_start`, a delimiter where an event should
    /// start, or else at nesting deeper than the limit.
    #[cold]
    fn scan_error(&self, bad_start: Option<u8>) -> IngestError {
        match bad_start {
            Some(b) => self.err(
                IngestErrorKind::MalformedJson,
                format!(
                    "unexpected `{}` where an event should start",
                    char::from(b).escape_default()
                ),
            ),
            None => {
                let max = self.max_depth;
                self.err(
                    IngestErrorKind::LimitExceeded,
                    format!("an event is nested deeper than the limit of {max}"),
                )
            }
        }
    }
}
