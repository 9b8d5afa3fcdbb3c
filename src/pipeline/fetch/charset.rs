//! Decoding a fetched body to text: Content-Type charset, else `<meta>` in the first 1024
//! bytes, else a byte-order mark, else UTF-8 (lossy).

use std::sync::LazyLock;

use encoding_rs::{Encoding, UTF_8};
use regex::bytes::Regex;

/// How far into the body `<meta charset>` is looked for.
const META_SCAN_BYTES: usize = 1024;

/// Matches both `<meta charset="x">` and `<meta http-equiv=... content="text/html; charset=x">`.
static META_CHARSET: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?i-u)<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([a-z0-9_.:\-]+)"#).ok());

/// The `charset` parameter of a Content-Type header value, if any.
pub fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim().eq_ignore_ascii_case("charset").then(|| value.trim().trim_matches(|c| c == '"' || c == '\''))
    })
}

/// The encoding named by a `<meta>` tag in the first 1024 bytes of `body`.
fn meta_encoding(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(META_SCAN_BYTES)];
    let regex = META_CHARSET.as_ref()?;
    let label = regex.captures(head)?.get(1)?.as_bytes();
    let encoding = Encoding::for_label(label)?;
    // HTML: a meta tag naming UTF-16 means UTF-8 (the bytes could not hold the tag otherwise).
    Some(if encoding == encoding_rs::UTF_16BE || encoding == encoding_rs::UTF_16LE { UTF_8 } else { encoding })
}

/// Decodes `body`, choosing the encoding from `content_type`, then `<meta>`, then a BOM, then
/// UTF-8. Malformed sequences become U+FFFD. Returns the text and the encoding's name.
///
/// A BOM that contradicts the declared charset wins, as in browsers.
pub fn decode(body: &[u8], content_type: Option<&str>) -> (String, &'static str) {
    let declared = content_type
        .and_then(charset_param)
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .or_else(|| meta_encoding(body));
    let encoding = declared.or_else(|| Encoding::for_bom(body).map(|(enc, _)| enc)).unwrap_or(UTF_8);
    let (text, used, _had_errors) = encoding.decode(body);
    (text.into_owned(), used.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_charset_decodes_windows_1252() {
        let body = b"caf\xe9 \x80 \x92s";
        let (text, name) = decode(body, Some("text/html; charset=windows-1252"));
        assert_eq!(text, "café € ’s");
        assert_eq!(name, "windows-1252");
    }

    #[test]
    fn iso_8859_1_is_decoded_as_windows_1252_like_browsers_do() {
        let (text, _) = decode(b"d\xe9j\xe0 \x80", Some("text/html; charset=\"ISO-8859-1\""));
        assert_eq!(text, "déjà €");
    }

    #[test]
    fn a_meta_charset_is_used_when_the_header_has_none() {
        let body = b"<html><head><meta charset='windows-1252'></head><body>\xe9</body></html>";
        let (text, name) = decode(body, Some("text/html"));
        assert!(text.contains("<body>é</body>"));
        assert_eq!(name, "windows-1252");
    }

    #[test]
    fn a_meta_http_equiv_content_charset_is_used() {
        let body = b"<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=iso-8859-1\">\xe9";
        let (text, name) = decode(body, None);
        assert!(text.ends_with('é'));
        assert_eq!(name, "windows-1252");
    }

    #[test]
    fn a_meta_tag_past_the_first_1024_bytes_is_ignored() {
        let mut body = vec![b' '; 1100];
        body.extend_from_slice(b"<meta charset=windows-1252>\xe9");
        let (text, name) = decode(&body, None);
        assert_eq!(name, "UTF-8");
        assert!(text.ends_with('\u{fffd}'));
    }

    #[test]
    fn a_bom_is_used_when_nothing_is_declared_and_stripped() {
        let body = [0xff, 0xfe, b'h', 0, b'i', 0];
        let (text, name) = decode(&body, None);
        assert_eq!((text.as_str(), name), ("hi", "UTF-16LE"));
    }

    #[test]
    fn undeclared_bytes_are_utf8_and_bad_sequences_are_replaced() {
        let (text, name) = decode(b"ok \xff", None);
        assert_eq!((text.as_str(), name), ("ok \u{fffd}", "UTF-8"));
        assert_eq!(decode(b"", None).0, "");
    }

    #[test]
    fn an_unknown_charset_label_falls_back_to_utf8() {
        let (text, name) = decode("é".as_bytes(), Some("text/html; charset=klingon"));
        assert_eq!((text.as_str(), name), ("é", "UTF-8"));
    }
}
