//! Rendering an alert (askama, three templates) and building its MIME message (lettre), the CPU
//! side of queueing and sending one mail.
use chrono::Utc;
use clausewatch::mail::{
    alerts::mail::AlertMail,
    changes::{ChangeView, ProvisionView},
    message,
    outbox::OutboxRow,
};
use criterion::{Criterion, criterion_group, criterion_main};

fn alert(provisions: usize) -> AlertMail {
    let provision = ProvisionView {
        label: "§4.2 Use of Content".into(),
        kind: "modified".into(),
        class: "substantive".into(),
        summary: "§4.2 Use of Content: added 'may train on'".into(),
        inserted: "may use your conversations to train our models unless you opt out".into(),
        removed: "never use".into(),
        url: Some("https://clausewatch.test/platforms/acme/terms-of-service/provisions/42".into()),
    };
    let change = ChangeView {
        change_id: 1,
        platform_slug: "acme".into(),
        platform_name: "Acme AI".into(),
        document_slug: "terms-of-service".into(),
        document_name: "Terms of Service".into(),
        class: "substantive".into(),
        summary: format!("{provisions} provisions modified"),
        captured_at: Utc::now(),
        diff_url: "https://clausewatch.test/platforms/acme/terms-of-service/diff?from=1&to=2".into(),
        provisions: vec![provision; provisions],
        more_provisions: 0,
    };
    AlertMail {
        changes: vec![change],
        unsubscribe_url: "https://clausewatch.test/unsubscribe?token=1.2.alerts.00".into(),
        settings_url: "https://clausewatch.test/account".into(),
    }
}

fn bench(c: &mut Criterion) {
    let mail = alert(12);
    c.bench_function("render an alert with 12 provisions", |b| b.iter(|| mail.render().map(|r| r.html.len())));
    let rendered = mail.render().unwrap_or_else(|e| panic!("renders: {e}"));
    let row = OutboxRow {
        outbox_id: 1,
        idempotency_key: "alert:1:2".into(),
        recipient: "ada@example.org".into(),
        template: "alert".into(),
        subject: rendered.subject,
        body_text: rendered.text,
        body_html: rendered.html,
        headers: serde_json::json!([["List-Unsubscribe-Post", "List-Unsubscribe=One-Click"]]),
        attempts: 0,
    };
    let from = "ClauseWatch <alerts@clausewatch.test>".parse().unwrap_or_else(|e| panic!("sender: {e}"));
    c.bench_function("build the MIME message of an alert", |b| {
        b.iter(|| message::build(&row, &from).map(|(m, _)| m.formatted().len()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
