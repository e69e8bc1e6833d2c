//! Full-text search over chat lines: which lines are searchable and what a match is.
//!
//! A query is cut into words (runs of letters and digits, lowercased); a chat matches when one
//! of its visitor or agent lines holds every word as a word of its own. System lines (the
//! greeting, "you are now chatting with…") would match nearly every chat, so they are not
//! indexed. SQLite's FTS5 (`unicode61` tokenizer) and PostgreSQL's `simple` text search
//! configuration cut words the same way for plain letters and digits, which is what the
//! conformance suite checks.

use crate::{EventKind, LineSource};

/// Most words a search keeps (the rest are ignored): every word is one more index lookup.
pub const MAX_SEARCH_WORDS: usize = 8;
/// Longest word kept, in characters.
const MAX_WORD_CHARS: usize = 64;

/// The words of `q`: runs of letters and digits, lowercased, at most [`MAX_SEARCH_WORDS`],
/// duplicates dropped.
pub fn search_words(q: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for w in q.split(|c: char| !c.is_alphanumeric()) {
        if w.is_empty() || w.chars().count() > MAX_WORD_CHARS {
            continue;
        }
        let w = w.to_lowercase();
        if !words.contains(&w) {
            words.push(w);
        }
        if words.len() == MAX_SEARCH_WORDS {
            break;
        }
    }
    words
}

/// The text of an event the search indexes: visitor and agent lines only.
pub fn searchable_text(kind: &EventKind) -> Option<&str> {
    match kind {
        EventKind::Line(l) if matches!(l.source, LineSource::Visitor | LineSource::Agent) => {
            Some(&l.text)
        }
        _ => None,
    }
}

/// Whether `text` holds every one of `words` (from [`search_words`]) as a word.
pub fn line_matches(text: &str, words: &[String]) -> bool {
    let have: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.iter().all(|w| have.contains(w))
}
