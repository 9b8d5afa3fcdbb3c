//! One byte per character: the text is lowercased (ASCII) and every other character becomes the
//! byte of its class signature, so that the patterns run as small byte automata in which `.` is a
//! single transition and a bounded gap counts characters by counting bytes.
//!
//! Two characters share a byte only when every class of every pattern either holds both or
//! neither, so a rewritten pattern matches the rewritten text exactly where the case-insensitive
//! pattern matches the original text, at the same character positions.
use std::collections::HashMap;

use regex_syntax::hir::{Class, ClassBytes, ClassBytesRange, ClassUnicode, Hir, HirKind, Look};

/// First byte used for the characters outside ASCII.
const FIRST_BYTE: u8 = 0x80;

/// How the characters outside ASCII map onto bytes.
pub(super) struct Alphabet {
    /// Sorted, disjoint ranges covering every character outside ASCII, with their byte.
    pieces: Vec<(char, char, u8)>,
    /// One character of each byte, to test class membership.
    representatives: Vec<char>,
}

/// The text with one byte per character, and where each character starts in the original.
pub(super) struct Mapped {
    pub(super) bytes: Vec<u8>,
    /// Byte offset of each character, then the text's length; empty for an ASCII text.
    offsets: Vec<usize>,
}

impl Mapped {
    /// The byte offset in the original text of character `at`.
    pub(super) fn offset(&self, at: usize) -> usize {
        if self.offsets.is_empty() { at } else { self.offsets[at] }
    }
}

impl Alphabet {
    /// The alphabet that keeps every class of `hirs` apart, or `None` when that takes more than
    /// the 128 bytes above ASCII.
    pub(super) fn new(hirs: &[&Hir]) -> Option<Alphabet> {
        let mut classes: Vec<ClassUnicode> = Vec::new();
        for hir in hirs {
            collect(hir, &mut classes);
        }
        let non_ascii = ClassUnicode::new([regex_syntax::hir::ClassUnicodeRange::new('\u{80}', char::MAX)]);
        let mut cuts = vec![0x80_u32, u32::from(char::MAX) + 1];
        for class in &mut classes {
            class.intersect(&non_ascii);
            for range in class.ranges() {
                cuts.extend([u32::from(range.start()), u32::from(range.end()) + 1]);
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut ids: HashMap<Vec<bool>, u8> = HashMap::new();
        let mut pieces: Vec<(char, char, u8)> = Vec::new();
        let mut representatives = Vec::new();
        for window in cuts.windows(2) {
            let (Some(start), Some(end)) = (first_char(window[0], window[1]), last_char(window[0], window[1])) else {
                continue;
            };
            let signature: Vec<bool> = classes.iter().map(|class| contains(class, start)).collect();
            let next = u8::try_from(ids.len()).ok().and_then(|n| FIRST_BYTE.checked_add(n));
            let byte = match ids.get(&signature) {
                Some(&byte) => byte,
                None => {
                    let byte = next?;
                    ids.insert(signature, byte);
                    representatives.push(start);
                    byte
                }
            };
            match pieces.last_mut() {
                Some(last) if last.2 == byte && u32::from(last.1) + 1 >= u32::from(start) => last.1 = end,
                _ => pieces.push((start, end, byte)),
            }
        }
        Some(Alphabet { pieces, representatives })
    }

    fn byte(&self, c: char) -> u8 {
        if c.is_ascii() {
            return c.to_ascii_lowercase() as u8;
        }
        let at = self.pieces.partition_point(|&(_, end, _)| end < c);
        self.pieces.get(at).map_or(FIRST_BYTE, |&(_, _, byte)| byte)
    }

    /// The text, one byte per character.
    pub(super) fn map(&self, text: &str) -> Mapped {
        if text.is_ascii() {
            return Mapped { bytes: text.as_bytes().to_ascii_lowercase(), offsets: Vec::new() };
        }
        let mut bytes = Vec::with_capacity(text.len());
        let mut offsets = Vec::with_capacity(text.len() + 1);
        for (at, c) in text.char_indices() {
            bytes.push(self.byte(c));
            offsets.push(at);
        }
        offsets.push(text.len());
        Mapped { bytes, offsets }
    }

    /// The pattern for mapped text, or `None` when it cannot be rewritten exactly: a Unicode word
    /// boundary, or letters whose case matters (case-insensitivity switched off).
    pub(super) fn hir(&self, hir: &Hir) -> Option<Hir> {
        Some(match hir.kind() {
            HirKind::Empty => hir.clone(),
            HirKind::Look(look) => match look {
                Look::WordUnicode
                | Look::WordUnicodeNegate
                | Look::WordStartUnicode
                | Look::WordEndUnicode
                | Look::WordStartHalfUnicode
                | Look::WordEndHalfUnicode => return None,
                _ => hir.clone(),
            },
            HirKind::Literal(literal) => {
                let text = std::str::from_utf8(&literal.0).ok()?;
                if text.bytes().any(|b| b.is_ascii_uppercase()) {
                    return None;
                }
                Hir::literal(text.chars().map(|c| self.byte(c)).collect::<Vec<u8>>())
            }
            HirKind::Class(Class::Unicode(class)) => {
                let has = |c: char| contains(class, c);
                if !('A'..='Z').all(|c| has(c) == has(c.to_ascii_lowercase())) {
                    return None;
                }
                let mut ranges: Vec<ClassBytesRange> = (0..=0x7F_u8)
                    .filter(|&b| !b.is_ascii_uppercase() && has(char::from(b)))
                    .map(|b| ClassBytesRange::new(b, b))
                    .collect();
                ranges.extend(
                    (FIRST_BYTE..)
                        .zip(&self.representatives)
                        .filter(|&(_, &c)| has(c))
                        .map(|(b, _)| ClassBytesRange::new(b, b)),
                );
                Hir::class(Class::Bytes(ClassBytes::new(ranges)))
            }
            HirKind::Class(Class::Bytes(_)) => return None,
            HirKind::Repetition(rep) => {
                let mut rep = rep.clone();
                rep.sub = Box::new(self.hir(&rep.sub)?);
                Hir::repetition(rep)
            }
            HirKind::Capture(cap) => {
                let mut cap = cap.clone();
                cap.sub = Box::new(self.hir(&cap.sub)?);
                Hir::capture(cap)
            }
            HirKind::Concat(subs) => Hir::concat(subs.iter().map(|s| self.hir(s)).collect::<Option<_>>()?),
            HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(|s| self.hir(s)).collect::<Option<_>>()?),
        })
    }
}

/// Every class of `hir`, and every character outside ASCII of its literals as a class of its own.
fn collect(hir: &Hir, classes: &mut Vec<ClassUnicode>) {
    let mut add = |class: ClassUnicode| {
        if !classes.contains(&class) {
            classes.push(class);
        }
    };
    match hir.kind() {
        HirKind::Class(Class::Unicode(class)) => add(class.clone()),
        HirKind::Literal(literal) => {
            for c in String::from_utf8_lossy(&literal.0).chars().filter(|c| !c.is_ascii()) {
                add(ClassUnicode::new([regex_syntax::hir::ClassUnicodeRange::new(c, c)]));
            }
        }
        HirKind::Repetition(rep) => collect(&rep.sub, classes),
        HirKind::Capture(cap) => collect(&cap.sub, classes),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().for_each(|s| collect(s, classes)),
        HirKind::Empty | HirKind::Look(_) | HirKind::Class(Class::Bytes(_)) => {}
    }
}

fn contains(class: &ClassUnicode, c: char) -> bool {
    let ranges = class.ranges();
    let at = ranges.partition_point(|r| r.end() < c);
    ranges.get(at).is_some_and(|r| r.start() <= c)
}

/// The first scalar value in `[from, to)` (skipping surrogates).
fn first_char(from: u32, to: u32) -> Option<char> {
    (from..to).find_map(char::from_u32)
}

/// The last scalar value in `[from, to)` (skipping surrogates).
fn last_char(from: u32, to: u32) -> Option<char> {
    (from..to).rev().find_map(char::from_u32)
}
