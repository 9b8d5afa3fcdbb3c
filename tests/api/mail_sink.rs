//! `MailSink`: a real SMTP server on loopback (`tests/smtp_sink.py`, aiosmtpd) per test, whose
//! messages are read back and parsed. Recipients `reject…@` get a 550, `tempfail…@` a 451.
use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use mail_parser::MimeHeaders;
use tempfile::TempDir;

/// A running sink; killed when dropped.
pub struct MailSink {
    child: Child,
    port: u16,
    folder: TempDir,
}

/// One received message, parsed.
#[derive(Debug, Clone)]
pub struct ParsedMail {
    pub subject: String,
    pub to: Vec<String>,
    pub message_id: Option<String>,
    /// Every header as (name, unfolded value), in order.
    pub headers: Vec<(String, String)>,
    pub text: String,
    pub html: String,
    pub content_type: String,
}

impl ParsedMail {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl MailSink {
    /// Starts a sink on a free loopback port.
    pub fn start() -> MailSink {
        Self::start_on(0)
    }

    /// Starts a sink on this port (0: any).
    pub fn start_on(port: u16) -> MailSink {
        let folder = TempDir::new().expect("a folder for received mail");
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(folder.path())
            .arg(port.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs tests/smtp_sink.py (pip install aiosmtpd)");
        let stdout = child.stdout.take().expect("the sink's stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("the sink prints its port");
        let port =
            line.trim().parse().unwrap_or_else(|_| panic!("the sink did not start (is aiosmtpd installed?): {line:?}"));
        MailSink { child, port, folder }
    }

    /// `smtp://127.0.0.1:<port>` for `SMTP_URL`.
    pub fn smtp_url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, oldest first, waiting briefly for late arrivals.
    pub fn messages(&self) -> Vec<ParsedMail> {
        std::thread::sleep(Duration::from_millis(50));
        self.read()
    }

    /// Waits up to ten seconds for at least `n` messages and returns all of them.
    pub fn wait_for(&self, n: usize) -> Vec<ParsedMail> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let messages = self.read();
            if messages.len() >= n || Instant::now() > deadline {
                return messages;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn read(&self) -> Vec<ParsedMail> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.folder.path())
            .expect("the sink folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        files.sort();
        files.iter().map(|f| parse(&std::fs::read(f).expect("a received message"))).collect()
    }
}

impl Drop for MailSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Parses a raw message with `mail-parser`.
pub fn parse(raw: &[u8]) -> ParsedMail {
    let message = mail_parser::MessageParser::default().parse(raw).expect("a parsable message");
    let headers = message
        .headers()
        .iter()
        .map(|h| {
            let value = String::from_utf8_lossy(&raw[h.offset_start as usize..h.offset_end as usize]);
            (h.name().to_owned(), value.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .collect();
    let to =
        message.to().map(|to| to.iter().filter_map(|a| a.address().map(str::to_owned)).collect()).unwrap_or_default();
    let content_type = message
        .content_type()
        .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default()))
        .unwrap_or_default();
    ParsedMail {
        subject: message.subject().unwrap_or_default().to_owned(),
        to,
        message_id: message.message_id().map(str::to_owned),
        headers,
        text: message.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
        html: message.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
        content_type,
    }
}
