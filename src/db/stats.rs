//! Counts of stored changes, for `clausewatch changes stats`.
use sqlx::PgConnection;

/// How many changes of one class there are, and whether that class alerts.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClassCount {
    pub class: String,
    pub alert: bool,
    pub changes: i64,
}

/// Changes per class, alerting classes first, then the most frequent.
pub async fn class_counts(conn: &mut PgConnection) -> Result<Vec<ClassCount>, sqlx::Error> {
    sqlx::query_as(
        "select class, alert, count(*) as changes from changes group by class, alert
         order by alert desc, count(*) desc, class",
    )
    .fetch_all(conn)
    .await
}

/// How many changes have each severity (`high`, `medium`, `low`; none for the rest).
pub async fn severity_counts(conn: &mut PgConnection) -> Result<Vec<(Option<String>, i64)>, sqlx::Error> {
    sqlx::query_as(concat!(
        "select severity, count(*) from (select ",
        change_severity!(),
        " from changes c) s group by severity order by severity"
    ))
    .fetch_all(conn)
    .await
}
