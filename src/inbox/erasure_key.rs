//! The store's own key for hashing erased ids: held by the store, used by
//! forgetting (`erase.rs`) and by ingest's check of the erased list.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use sqlx::AnyPool;

/// The store's own key for hashing erased ids (its value never printed).
#[derive(Clone)]
pub struct ErasureKey(std::sync::Arc<Vec<u8>>);

impl fmt::Debug for ErasureKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ErasureKey(..)")
    }
}

impl ErasureKey {
    pub(super) async fn read(pool: &AnyPool) -> Result<ErasureKey, String> {
        let key: String = sqlx::query_scalar("SELECT value FROM inbox_meta WHERE name = 'erasure'")
            .fetch_one(pool)
            .await
            .map_err(|e| format!("cannot read the inbox's erasure key: {e}"))?;
        Ok(ErasureKey(std::sync::Arc::new(key.into_bytes())))
    }

    /// What stands for `session` once it is erased: in the erased list and in
    /// the mark log, in place of its id.
    pub(super) fn token(&self, session: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(session.to_lowercase().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}
