//! Text helpers shared by every stage (a leaf module: it imports nothing from the crate).

/// A string as quoted in an error message: at most `max_chars` characters, with `…` when cut, so
/// that a hostile megabyte-long id is not echoed back whole.
pub(crate) fn clip(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}
