//! The governance timeline of a platform or one of its documents, for the audit export: public
//! archive data, so not scoped by organisation (the export route checks the plan).
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// A stored version with its evidence.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ExportVersion {
    pub document: String,
    pub version_id: i64,
    pub captured_at: DateTime<Utc>,
    /// `capture` or `import`.
    pub origin: String,
    /// sha256 of the raw snapshot the version was extracted from; None for imported history.
    pub snapshot_sha256: Option<String>,
    /// sha256 of the extracted text.
    pub text_sha256: String,
}

/// A stored change between two versions.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ExportChange {
    pub document: String,
    pub change_id: i64,
    pub from_version_id: i64,
    pub to_version_id: i64,
    /// When the new version was captured.
    pub changed_at: DateTime<Utc>,
    /// `substantive`, `cosmetic` or `metadata`.
    pub class: String,
    /// The highest exposure of the topics a substantive change touched (`high`, `medium`, `low`).
    pub severity: Option<String>,
    /// Whether the change alerts subscribers: substantive and captured (not imported history).
    pub alerting: bool,
    pub summary: String,
    /// The keys of the provisions the change touched, in document order.
    pub provision_keys: Vec<String>,
}

/// The versions of a platform's documents (or of one), oldest first.
pub async fn versions(
    conn: &mut PgConnection,
    platform: &str,
    document: Option<&str>,
) -> Result<Vec<ExportVersion>, sqlx::Error> {
    sqlx::query_as(
        "select d.slug as document, v.version_id, v.captured_at, v.origin, s.sha256 as snapshot_sha256,
                v.sha256 as text_sha256
         from versions v
         join documents d on d.document_id = v.document_id
         join platforms p on p.platform_id = d.platform_id
         left join snapshots s on s.snapshot_id = v.snapshot_id
         where p.slug = $1 and ($2::text is null or d.slug = $2)
         order by v.captured_at, v.version_id",
    )
    .bind(platform)
    .bind(document)
    .fetch_all(conn)
    .await
}

/// The changes of a platform's documents (or of one), oldest first.
pub async fn changes(
    conn: &mut PgConnection,
    platform: &str,
    document: Option<&str>,
) -> Result<Vec<ExportChange>, sqlx::Error> {
    sqlx::query_as(concat!(
        "select d.slug as document, c.change_id, c.from_version_id, c.to_version_id, v.captured_at as changed_at,
                c.class,
                ",
        change_severity!(),
        ",
                (c.alert and v.origin = 'capture') as alerting,
                c.summary,
                array(select pc.key from provision_changes pc where pc.change_id = c.change_id
                      order by pc.ordinal) as provision_keys
         from changes c
         join versions v on v.version_id = c.to_version_id
         join documents d on d.document_id = c.document_id
         join platforms p on p.platform_id = d.platform_id
         where p.slug = $1 and ($2::text is null or d.slug = $2)
         order by v.captured_at, c.change_id"
    ))
    .bind(platform)
    .bind(document)
    .fetch_all(conn)
    .await
}
