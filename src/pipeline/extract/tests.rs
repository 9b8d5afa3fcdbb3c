//! The canonical text rules, on small hand-written pages and Markdown.

use super::*;
use crate::domain::declaration::{RangeEnd, RangeStart};

fn source(select: Vec<Selector>, remove: Vec<Selector>) -> SourceDocument {
    SourceDocument {
        fetch: url::Url::parse("https://example.com/terms").expect("a valid URL"),
        select,
        remove,
        execute_client_scripts: false,
        filters: Vec::new(),
    }
}

fn css(selector: &str) -> Selector {
    Selector::Css(selector.to_owned())
}

fn body(html: &str) -> String {
    extract_css(&format!("<html><body>{html}</body></html>"), "body").expect("extracts")
}

#[test]
fn headings_paragraphs_and_line_breaks_are_written_as_markdown() {
    let text = body("<h1>Terms</h1><p>First\n  line<br>second line</p><h3>Scope</h3><div>Last</div>");
    assert_eq!(text, "# Terms\n\nFirst line\nsecond line\n\n### Scope\n\nLast\n");
}

#[test]
fn words_of_adjacent_inline_elements_do_not_run_together() {
    let text = body(
        "<header><span>Effective October 8, 2025</span><a href=\"/old\">Previous Version</a></header>\
         <nav><a href=\"/t\">Terms of Service</a><a href=\"/p\">Privacy Policy</a></nav>",
    );
    assert_eq!(text, "Effective October 8, 2025 Previous Version\n\nTerms of Service Privacy Policy\n");
    // A word split across elements, or a capital after text, stays as written.
    assert_eq!(body("<p><b>W</b>e agree to Open<span>AI</span> terms</p>"), "**W**e agree to OpenAI terms\n");
    assert_eq!(body("<p><span>i</span><span>phone</span></p>"), "iphone\n");
}

#[test]
fn zero_width_characters_soft_hyphens_and_nbsp_are_cleaned() {
    let text = body("<p>\u{200B}Con\u{00AD}tract&nbsp;&nbsp;terms\u{FEFF} apply&#8203;.</p>");
    assert_eq!(text, "Contract terms apply.\n");
}

#[test]
fn text_is_normalised_to_nfc() {
    assert_eq!(body("<p>Cafe\u{0301} cre\u{0300}me</p>"), "Caf\u{00E9} cr\u{00E8}me\n");
}

#[test]
fn links_keep_their_text_and_images_and_scripts_disappear() {
    let html = "<p>Read <a href=\"https://t.co/x?utm=1\">our policy</a><img alt=\"logo\" src=\"a.png\">.\
                <script>var x = 1;</script><style>p{}</style><noscript>Enable JS</noscript>\
                <svg><text>icon</text></svg><template><p>hidden</p></template></p>";
    assert_eq!(body(html), "Read our policy.\n");
}

#[test]
fn lists_are_dashes_numbers_and_nested_indents() {
    // Adjacent lists run together: OTA's loose lists cannot be told apart from two lists.
    let html = "<ul><li>One</li><li>Two<ul><li>Two a</li></ul></li></ul><ol start=\"3\"><li>Three</li><li><p>Four</p></li></ol>";
    assert_eq!(body(html), "- One\n- Two\n  - Two a\n3. Three\n4. Four\n");
}

#[test]
fn tables_are_written_row_by_row() {
    let html = "<table><thead><tr><th>Data</th><th>Purpose</th></tr></thead>\
                <tbody><tr><td><p>Email</p><p>Name</p></td><td>Login</td></tr><tr><td></td><td></td></tr></tbody></table>";
    assert_eq!(body(html), "| Data | Purpose |\n| Email Name | Login |\n");
}

#[test]
fn bold_is_kept_with_whitespace_outside_and_italics_are_dropped() {
    let text = body(
        "<p><strong>Minimum age. </strong>You must be <em>at least</em> 18.</p><p><b><strong>Heading-like</strong></b></p>",
    );
    assert_eq!(text, "**Minimum age.** You must be at least 18.\n\n**Heading-like**\n");
}

#[test]
fn remove_applies_before_select_and_nested_matches_count_once() {
    let html = "<main><section class=\"a\">Keep <span class=\"ad\">Buy now</span>this<section class=\"a\">inner</section></section></main>";
    let text = extract(html, &source(vec![css(".a")], vec![css(".ad")])).expect("extracts");
    assert_eq!(text, "Keep this\n\ninner\n");
}

#[test]
fn range_selectors_follow_before_and_after_semantics() {
    let html = "<body><p>intro</p><h1>Title</h1><p>body</p><div id=\"end\">end</div><p>after</p></body>";
    let range = |start, end| Selector::Range { start, end };
    let before_after = range(RangeStart::Before("h1".into()), RangeEnd::After("#end".into()));
    let after_before = range(RangeStart::After("h1".into()), RangeEnd::Before("#end".into()));
    let text = extract(html, &source(vec![before_after], vec![])).expect("extracts");
    assert_eq!(text, "# Title\n\nbody\n\nend\n");
    let text = extract(html, &source(vec![after_before], vec![])).expect("extracts");
    assert_eq!(text, "body\n");
}

#[test]
fn a_selector_matching_nothing_or_not_parsing_is_an_error() {
    let html = "<p>text</p>";
    assert_eq!(extract_css(html, "article"), Err(ExtractError::NothingSelected { selector: "article".into() }));
    assert!(matches!(extract_css(html, "p[["), Err(ExtractError::InvalidSelector { .. })));
    assert!(matches!(extract_css("<p><img></p>", "p"), Err(ExtractError::NoText { .. })));
}

#[test]
fn combined_pages_are_joined_by_a_blank_line() {
    let terms = TermsDeclaration { sources: vec![source(vec![css("p")], vec![]), source(vec![css("h2")], vec![])] };
    let text = extract_terms(&["<p>One</p>", "<h2>Two</h2>"], &terms).expect("extracts");
    assert_eq!(text, "One\n\n## Two\n");
    assert!(matches!(
        extract_terms(&["<p>One</p>"], &terms),
        Err(ExtractError::PageCountMismatch { expected: 2, given: 1 })
    ));
}

#[test]
fn ota_markdown_headings_lists_links_and_escapes_are_normalised() {
    let md = "Consumer Terms\n==============\n\nEffective [Previous](https://a.b/(x)) ![logo](l.png)\n\n\
              1\\. Who we are\n--------------\n\n*   item _one_\n    \n*   **two**\n    * nested\n\n\
              + plus \\*star\\* \\[x\\]\n\n#### Deep ####\n\n* * *\n\nLast  \nline\n";
    assert_eq!(
        normalize_markdown(md),
        "# Consumer Terms\n\nEffective Previous\n\n## 1. Who we are\n\n- item one\n- **two**\n  - nested\n\
         - plus *star* [x]\n\n#### Deep\n\nLast\nline\n"
    );
}

#[test]
fn ota_markdown_tables_drop_separators_empty_rows_and_cell_breaks() {
    let md = "| Data | Purpose |\n| --- | --- |\n| Email<br>Name | Login |\n| | |\n";
    assert_eq!(normalize_markdown(md), "| Data | Purpose |\n| Email Name | Login |\n");
}

#[test]
fn html_and_its_ota_markdown_normalise_to_the_same_text() {
    let html =
        "<h2>1. Use</h2><p>You <strong>must</strong> read <a href=\"/x\">this</a>.</p><ul><li>a</li><li>b</li></ul>";
    let md = "1\\. Use\n-------\n\nYou **must** read [this](https://e.com/x).\n\n*   a\n*   b\n";
    assert_eq!(body(html), normalize_markdown(md));
}

mod properties {
    use proptest::prelude::*;

    use super::extract_css;

    const INVISIBLE: [char; 4] = ['\u{200B}', '\u{00AD}', '\u{00A0}', '\t'];
    const TAGS: &[&str] = &[
        "<p>",
        "</p>",
        "<li>",
        "<ul>",
        "</ul>",
        "<ol>",
        "<br>",
        "<h2>",
        "</h2>",
        "<b>",
        "</b>",
        "<table><tr><td>",
        "</td><td>",
        "</tr></table>",
        "<script>x",
        "</script>",
        "<a href=x>",
        "</a>",
        "<pre>",
        "</pre>",
    ];

    fn part() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z \u{00A0}\u{200B}\u{00AD}\u{0301}\n\t]{0,12}",
            proptest::sample::select(TAGS).prop_map(str::to_owned),
        ]
    }

    proptest! {
        #[test]
        fn any_page_gives_clean_text_or_an_error(parts in proptest::collection::vec(part(), 0..40)) {
            let html = format!("<html><body>{}</body></html>", parts.concat());
            if let Ok(text) = extract_css(&html, "body") {
                prop_assert!(text.ends_with('\n') && !text.ends_with("\n\n"));
                prop_assert!(!text.contains(INVISIBLE));
                prop_assert!(text.lines().all(|line| line == line.trim_end()));
                prop_assert!(!text.contains("\n\n\n"));
                prop_assert!(unicode_normalization::is_nfc(&text));
            }
        }
    }
}
