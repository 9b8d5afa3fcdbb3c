//! Changes as mail shows them: platform, document, each changed provision with its summary,
//! class and the words inserted and removed, and absolute links to the diff and provision pages.
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use url::Url;

/// At most this many provisions are listed per change; the rest are on the diff page.
pub const MAX_PROVISIONS: usize = 12;
/// Inserted or removed words are cut to this many characters.
pub const MAX_WORDS_CHARS: usize = 400;

/// One change between two versions of a document.
#[derive(Debug, Clone)]
pub struct ChangeView {
    pub change_id: i64,
    pub platform_slug: String,
    pub platform_name: String,
    pub document_slug: String,
    pub document_name: String,
    /// `substantive`, `cosmetic` or `metadata`.
    pub class: String,
    pub summary: String,
    pub captured_at: DateTime<Utc>,
    pub diff_url: String,
    pub provisions: Vec<ProvisionView>,
    /// Provisions not listed (over `MAX_PROVISIONS`).
    pub more_provisions: usize,
}

impl ChangeView {
    /// Substantive first, then by how many provisions changed.
    pub fn severity(&self) -> (u8, usize) {
        let rank = match self.class.as_str() {
            "substantive" => 2,
            "cosmetic" => 1,
            _ => 0,
        };
        (rank, self.provisions.len() + self.more_provisions)
    }

    /// The capture date, `2026-11-29`.
    pub fn date(&self) -> String {
        self.captured_at.format("%Y-%m-%d").to_string()
    }
}

/// One changed provision.
#[derive(Debug, Clone)]
pub struct ProvisionView {
    pub label: String,
    /// `added`, `removed`, `modified`, `moved` or `renumbered`.
    pub kind: String,
    pub class: String,
    pub summary: String,
    pub inserted: String,
    pub removed: String,
    pub url: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ChangeRow {
    change_id: i64,
    platform_slug: String,
    platform_name: String,
    document_slug: String,
    document_name: String,
    class: String,
    summary: String,
    from_version_id: i64,
    to_version_id: i64,
    captured_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ProvisionRow {
    change_id: i64,
    kind: String,
    class: String,
    label: String,
    summary: String,
    words: serde_json::Value,
    lineage_id: Option<i64>,
}

/// An absolute link under `base` (which may carry a path prefix).
pub fn link(base: &Url, path_and_query: &str) -> String {
    let mut base = base.clone();
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    base.join(path_and_query.trim_start_matches('/'))
        .map(String::from)
        .unwrap_or_else(|_| format!("{base}{path_and_query}"))
}

/// The changes with these ids, in id order, with links under `base`.
pub async fn load(conn: &mut PgConnection, ids: &[i64], base: &Url) -> Result<Vec<ChangeView>, sqlx::Error> {
    let rows: Vec<ChangeRow> = sqlx::query_as(
        "select c.change_id, p.slug as platform_slug, p.name as platform_name, d.slug as document_slug,
                d.terms_type as document_name, c.class, c.summary, c.from_version_id, c.to_version_id, v.captured_at
         from changes c
         join documents d on d.document_id = c.document_id
         join platforms p on p.platform_id = d.platform_id
         join versions v on v.version_id = c.to_version_id
         where c.change_id = any($1)
         order by c.change_id",
    )
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?;
    let provisions: Vec<ProvisionRow> = sqlx::query_as(
        "select change_id, kind, class, label, summary, words, lineage_id
         from provision_changes where change_id = any($1) order by change_id, ordinal",
    )
    .bind(ids)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|row| view(row, &provisions, base)).collect())
}

fn view(row: ChangeRow, provisions: &[ProvisionRow], base: &Url) -> ChangeView {
    let (p, d) = (&row.platform_slug, &row.document_slug);
    let mut mine: Vec<&ProvisionRow> = provisions.iter().filter(|pc| pc.change_id == row.change_id).collect();
    // Substantive provisions first, keeping document order within each class.
    mine.sort_by_key(|pc| pc.class != "substantive");
    let listed: Vec<ProvisionView> = mine
        .iter()
        .take(MAX_PROVISIONS)
        .map(|pc| {
            let (inserted, removed) = inserted_and_removed(&pc.words);
            ProvisionView {
                label: pc.label.clone(),
                kind: pc.kind.clone(),
                class: pc.class.clone(),
                summary: pc.summary.clone(),
                inserted,
                removed,
                url: pc.lineage_id.map(|l| link(base, &format!("/platforms/{p}/{d}/provisions/{l}"))),
            }
        })
        .collect();
    ChangeView {
        change_id: row.change_id,
        diff_url: link(base, &format!("/platforms/{p}/{d}/diff?from={}&to={}", row.from_version_id, row.to_version_id)),
        more_provisions: mine.len().saturating_sub(listed.len()),
        provisions: listed,
        platform_slug: row.platform_slug,
        platform_name: row.platform_name,
        document_slug: row.document_slug,
        document_name: row.document_name,
        class: row.class,
        summary: row.summary,
        captured_at: row.captured_at,
    }
}

/// The inserted and removed words of a stored word diff (`[{"Insert": "…"}, {"Delete": "…"}, …]`;
/// `{"op": "insert", "text": "…"}` is read too), each cut to `MAX_WORDS_CHARS`.
pub fn inserted_and_removed(words: &serde_json::Value) -> (String, String) {
    let (mut inserted, mut removed) = (Vec::new(), Vec::new());
    for op in words.as_array().into_iter().flatten() {
        let Some(object) = op.as_object() else { continue };
        let tagged = object.iter().find_map(|(k, v)| v.as_str().map(|text| (k.to_ascii_lowercase(), text)));
        let explicit = ["op", "kind", "tag"]
            .iter()
            .find_map(|k| object.get(*k).and_then(|v| v.as_str()))
            .zip(["text", "value"].iter().find_map(|k| object.get(*k).and_then(|v| v.as_str())))
            .map(|(op, text)| (op.to_ascii_lowercase(), text));
        match explicit.or(tagged) {
            Some((op, text)) if op.starts_with("insert") => inserted.push(text.trim()),
            Some((op, text)) if op.starts_with("delete") || op.starts_with("remove") => removed.push(text.trim()),
            _ => {}
        }
    }
    (clip(&inserted.join(" … ")), clip(&removed.join(" … ")))
}

fn clip(text: &str) -> String {
    match text.char_indices().nth(MAX_WORDS_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserted_and_removed_words_are_read_from_both_spellings() {
        let words = serde_json::json!([{"Equal": "We "}, {"Insert": "may train on"}, {"Delete": "never use"}, {"Equal": " it"}]);
        assert_eq!(inserted_and_removed(&words), ("may train on".into(), "never use".into()));
        let words = serde_json::json!([{"op": "insert", "text": "opt out"}, {"op": "equal", "text": "x"}]);
        assert_eq!(inserted_and_removed(&words), ("opt out".into(), String::new()));
        assert_eq!(inserted_and_removed(&serde_json::json!("garbage")), (String::new(), String::new()));
    }

    #[test]
    fn long_word_runs_are_clipped() {
        let long = "word ".repeat(200);
        let (inserted, _) = inserted_and_removed(&serde_json::json!([{"Insert": long}]));
        assert_eq!(inserted.chars().count(), MAX_WORDS_CHARS + 1);
        assert!(inserted.ends_with('…'));
    }

    #[test]
    fn links_keep_a_base_path_prefix() {
        let base: Url = "https://example.test/cw".parse().unwrap();
        assert_eq!(
            link(&base, "/platforms/a/b/diff?from=1&to=2"),
            "https://example.test/cw/platforms/a/b/diff?from=1&to=2"
        );
        let root: Url = "http://127.0.0.1:8080".parse().unwrap();
        assert_eq!(link(&root, "/unsubscribe?token=x"), "http://127.0.0.1:8080/unsubscribe?token=x");
    }
}
