//! Mail rendering: every mail is a subject, a plain-text body and an HTML body, rendered from
//! `templates/emails/<name>/{subject.txt,body.txt,body.html}` with askama.
use askama::Template;

/// A rendered mail, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Renders the three templates of one mail. The subject is folded onto one line (a template's
/// trailing newline or a wrapped line must not end up in the header).
pub fn render(subject: &impl Template, text: &impl Template, html: &impl Template) -> Result<Rendered, askama::Error> {
    let subject = subject.render()?.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(Rendered { subject, text: text.render()?, html: html.render()? })
}

/// Declares the three askama templates of a mail over one data type:
/// `email_templates!(AlertMail, "alert")` makes `AlertMail::render(&self) -> Result<Rendered, askama::Error>`
/// from `templates/emails/alert/…`. Each template sees the data as `m`.
#[macro_export]
macro_rules! email_templates {
    ($data:ident, $subject:tt, $text:tt, $html:tt) => {
        const _: () = {
            #[derive(askama::Template)]
            #[template(path = $subject, escape = "none")]
            struct Subject<'a> {
                m: &'a $data,
            }
            #[derive(askama::Template)]
            #[template(path = $text, escape = "none")]
            struct Text<'a> {
                m: &'a $data,
            }
            #[derive(askama::Template)]
            #[template(path = $html, escape = "html")]
            struct Html<'a> {
                m: &'a $data,
            }
            impl $data {
                /// Renders this mail's subject, text and HTML.
                pub fn render(&self) -> Result<$crate::mail::render::Rendered, askama::Error> {
                    $crate::mail::render::render(&Subject { m: self }, &Text { m: self }, &Html { m: self })
                }
            }
        };
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Template)]
    #[template(source = "Hello\n  {{ name }}\n", ext = "txt")]
    struct Subject<'a> {
        name: &'a str,
    }

    #[derive(Template)]
    #[template(source = "<p>{{ name }}</p>", ext = "html")]
    struct Html<'a> {
        name: &'a str,
    }

    #[test]
    fn the_subject_is_one_line_and_html_is_escaped() {
        let rendered = render(&Subject { name: "<Ada>" }, &Subject { name: "Ada" }, &Html { name: "<Ada>" }).unwrap();
        assert_eq!(rendered.subject, "Hello <Ada>");
        assert!(rendered.text.contains("\n  Ada"));
        assert_eq!(rendered.html, "<p>&#60;Ada&#62;</p>");
    }
}
