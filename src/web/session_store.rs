//! Our own `tower_sessions::SessionStore` over the `sessions` table: tower-sessions-sqlx-store
//! needs sqlx 0.8 and cannot take this project's sqlx 0.9 pool. Records are stored as JSON.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};

use crate::db::sessions;

/// Sessions in Postgres, shared by every web process.
#[derive(Debug, Clone)]
pub struct PgSessionStore {
    pool: PgPool,
}

impl PgSessionStore {
    /// A store over the pool.
    pub fn new(pool: PgPool) -> PgSessionStore {
        PgSessionStore { pool }
    }
}

fn backend(error: sqlx::Error) -> Error {
    Error::Backend(error.to_string())
}

fn expiry(record: &Record) -> DateTime<Utc> {
    DateTime::from_timestamp(record.expiry_date.unix_timestamp(), 0).unwrap_or_else(Utc::now)
}

fn encode(record: &Record) -> Result<Vec<u8>> {
    serde_json::to_vec(record).map_err(|e| Error::Encode(e.to_string()))
}

#[async_trait]
impl SessionStore for PgSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let mut conn = self.pool.acquire().await.map_err(backend)?;
        // A collision of 128-bit random ids is unlikely; pick another id rather than overwrite.
        loop {
            let data = encode(record)?;
            if sessions::insert_session(&mut conn, &record.id.to_string(), &data, expiry(record))
                .await
                .map_err(backend)?
            {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let mut conn = self.pool.acquire().await.map_err(backend)?;
        sessions::upsert_session(&mut conn, &record.id.to_string(), &encode(record)?, expiry(record))
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let mut conn = self.pool.acquire().await.map_err(backend)?;
        let Some(data) = sessions::load_session(&mut conn, &id.to_string()).await.map_err(backend)? else {
            return Ok(None);
        };
        serde_json::from_slice(&data).map(Some).map_err(|e| Error::Decode(e.to_string()))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        let mut conn = self.pool.acquire().await.map_err(backend)?;
        sessions::delete_session(&mut conn, &id.to_string()).await.map_err(backend)
    }
}
