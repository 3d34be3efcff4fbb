//! Reversible PII masking (C-PII-1..4). The message row keeps the masked text; the
//! original run is kept only AES-256-GCM encrypted in `masks`. With `secure_delete` on
//! and the WAL checkpointed at shutdown, the plaintext survives nowhere in the database
//! files. Every mask and unmask is written to the audit log in the same transaction.
//!
//! The key: `OC_MASK_KEY` (64 hex characters) when set, else a `mask.key` file (0600)
//! next to the database, created at first start. Losing the key makes masked runs
//! unrecoverable (the masked text itself is unaffected).

use crate::store;
use std::path::Path;

use crate::db::Ex;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use chrono::Utc;
use rand::RngCore;
use shared::mask::{Run, check_range, merge, reconstruct, star_out};
use shared::{AuditEntry, ChatId, Message, MessageId, ServerMsg};

use crate::Engine;
use crate::caller::Caller;
use crate::error::{Error, Result};

/// A message's text after auto-masking, with the runs it hides.
pub(crate) struct AutoMasked {
    pub(crate) shown: String,
    pub(crate) runs: Vec<SealedRun>,
}

/// One hidden run, encrypted, waiting for its message's id.
pub(crate) struct SealedRun {
    run: Run,
    nonce: Vec<u8>,
    ciphertext: Vec<u8>,
}

/// The 256-bit masking key.
#[derive(Clone)]
pub struct MaskKey([u8; 32]);

impl std::fmt::Debug for MaskKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MaskKey(***)")
    }
}

fn parse_hex_key(s: &str) -> Option<[u8; 32]> {
    let s = s.trim();
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[i * 2..i * 2 + 2], 16).ok()?;
    }
    Some(out)
}

impl MaskKey {
    pub fn random() -> MaskKey {
        let mut k = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut k);
        MaskKey(k)
    }

    /// `OC_MASK_KEY`, else `<dir>/mask.key` (created 0600 when missing), else (no
    /// directory: an in-memory database) a random key for this process.
    ///
    /// A `shared` database (PostgreSQL: several instances, no directory of its own)
    /// must have `OC_MASK_KEY`: every instance has to open what another masked, and the
    /// key must not live in the database it protects.
    pub fn load(dir: Option<&Path>, shared: bool) -> Result<MaskKey> {
        let env_key = std::env::var("OC_MASK_KEY").ok();
        if shared && env_key.is_none() {
            return Err(Error::Internal(
                "with PostgreSQL, set OC_MASK_KEY (64 hex characters) to the same key on every instance"
                    .into(),
            ));
        }
        MaskKey::load_from(env_key, dir)
    }

    /// [`MaskKey::load`] with the environment's key handed in (unit tests run with and
    /// without `OC_MASK_KEY` set).
    fn load_from(env_key: Option<String>, dir: Option<&Path>) -> Result<MaskKey> {
        if let Some(v) = env_key {
            return parse_hex_key(&v).map(MaskKey).ok_or_else(|| {
                Error::Internal("OC_MASK_KEY must be 64 hex characters (256 bits)".into())
            });
        }
        let Some(dir) = dir else {
            return Ok(MaskKey::random());
        };
        let path = dir.join("mask.key");
        match std::fs::read_to_string(&path) {
            Ok(s) => parse_hex_key(&s).map(MaskKey).ok_or_else(|| {
                Error::Internal(format!("{} is not a 64-hex-character key", path.display()))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = MaskKey::random();
                let hex: String = key.0.iter().map(|b| format!("{b:02x}")).collect();
                write_private(&path, &hex).map_err(|e| {
                    Error::Internal(format!("cannot create {}: {e}", path.display()))
                })?;
                tracing::info!(path = %path.display(), "created the masking key");
                Ok(key)
            }
            Err(e) => Err(Error::Internal(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }

    fn seal(&self, plain: &str) -> (Vec<u8>, Vec<u8>) {
        self.seal_bytes(plain.as_bytes())
    }

    fn open(&self, nonce: &[u8], ct: &[u8]) -> Result<String> {
        String::from_utf8(self.open_bytes(nonce, ct)?)
            .map_err(|_| Error::Internal("a masked run is not text".into()))
    }

    /// A separate key for another purpose (`purpose` names it), derived from this one
    /// with HMAC-SHA-256, so one secret to keep serves both and neither reveals the
    /// other (issue 30: the recovery codes' hashing key).
    pub(crate) fn derive(&self, purpose: &[u8]) -> [u8; 32] {
        use hmac::Mac;
        let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::Mac>::new_from_slice(&self.0)
            .expect("HMAC takes any key length");
        mac.update(b"online-contact derived key: ");
        mac.update(purpose);
        mac.finalize().into_bytes().into()
    }

    /// Encrypts bytes under a fresh random nonce: `(nonce, ciphertext)` (masked runs and
    /// masked files, issue 19).
    pub(crate) fn seal_bytes(&self, plain: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let cipher = Aes256Gcm::new_from_slice(&self.0).expect("32-byte key");
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(Nonce::from_slice(&nonce), plain)
            .expect("encryption does not fail");
        (nonce.to_vec(), ct)
    }

    pub(crate) fn open_bytes(&self, nonce: &[u8], ct: &[u8]) -> Result<Vec<u8>> {
        let cipher = Aes256Gcm::new_from_slice(&self.0).expect("32-byte key");
        if nonce.len() != 12 {
            return Err(Error::Internal("bad mask nonce".into()));
        }
        cipher
            .decrypt(Nonce::from_slice(nonce), ct)
            .map_err(|_| Error::Internal("masked data cannot be decrypted with this key".into()))
    }
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}

impl Engine {
    /// C-PII-1: masking exists only with the service's security-service flag.
    pub(crate) async fn require_security(&self, caller: &Caller) -> Result<()> {
        if store::services::security_service(self.db.ex(), caller.service_id()).await? {
            Ok(())
        } else {
            Err(Error::forbidden(
                shared::ErrorCode::SecurityServiceOff,
                "PII masking needs the security service (contract)",
            ))
        }
    }

    /// The message, checked to belong to `chat` of the caller's service (and to be the
    /// caller's own chat when the service limits agents to their own).
    pub(crate) async fn scoped_message(
        &self,
        mut conn: Ex<'_>,
        caller: &Caller,
        chat: ChatId,
        message: MessageId,
    ) -> Result<(String, Option<i64>)> {
        let (text, agent) =
            store::masks::message_text(conn.ex(), caller.service_id(), chat, message)
                .await?
                .ok_or(Error::NotFound("message"))?;
        if !caller.sees_all_chats() && agent != Some(caller.agent_id().0) {
            return Err(Error::NotFound("message"));
        }
        Ok((text, agent))
    }

    pub(crate) async fn audit(
        &self,
        mut conn: Ex<'_>,
        caller: &Caller,
        action: &str,
        chat: Option<ChatId>,
        message: Option<MessageId>,
        detail: Option<&str>,
    ) -> Result<()> {
        store::audit::record(
            conn.ex(),
            caller.service_id(),
            caller.agent_id(),
            action,
            chat,
            message,
            detail,
            Utc::now(),
        )
        .await
    }

    pub(crate) async fn publish_updated(
        &self,
        chat: ChatId,
        message: MessageId,
        agent: Option<i64>,
    ) -> Result<Message> {
        let m = self.message(message).await?;
        let event = ServerMsg::MessageUpdated {
            chat_id: chat,
            message: m.clone(),
        };
        match (m.internal, agent) {
            // a masked note stays with the agents (issue 19)
            (true, Some(agent)) => self
                .hub
                .publish(crate::hub::Topic::Agent(shared::AgentId(agent)), event),
            (true, None) => {}
            (false, agent) => self
                .hub
                .publish_chat(chat, agent.map(shared::AgentId), event),
        }
        Ok(m)
    }

    /// Masks characters `start..end` of one message (C-PII-2), merging with overlapping
    /// or touching masks; every screen gets `message.updated`.
    pub async fn mask(
        &self,
        caller: &Caller,
        chat: ChatId,
        message: MessageId,
        start: usize,
        end: usize,
    ) -> Result<Message> {
        self.require_security(caller).await?;
        let mut tx = self.write_tx().await?;
        let (original, agent) = self
            .mask_in(tx.ex(), caller, chat, message, start, end)
            .await?;
        self.audit(tx.ex(), caller, "mask", Some(chat), Some(message), None)
            .await?;
        // every other copy of the text (issue 15): the ticket's subject, finished
        // exports; the bus's spill rows below, once committed
        crate::tickets::refresh_chat_ticket_subject(tx.ex(), chat).await?;
        self.drop_exports_of(tx.ex(), caller.service_id()).await?;
        tx.commit().await?;
        self.scrub_log().await?;
        if let (crate::Topology::Shared, Some(pg)) = (self.topology, self.db.postgres()) {
            crate::bus::forget_spilled(pg, &original).await;
        }
        tracing::info!(chat = %chat, message = %message, "masked");
        self.publish_updated(chat, message, agent).await
    }

    /// Masks `start..end` of a message inside the caller's transaction (merging with
    /// the runs it touches); answers the original text of the merged run and the chat's
    /// agent.
    pub(crate) async fn mask_in(
        &self,
        mut tx: Ex<'_>,
        caller: &Caller,
        chat: ChatId,
        message: MessageId,
        start: usize,
        end: usize,
    ) -> Result<(String, Option<i64>)> {
        let (text, agent) = self.scoped_message(tx.re(), caller, chat, message).await?;
        let new = check_range(text.chars().count(), start, end)?;
        let rows = store::masks::of_message(tx.ex(), message).await?;
        let existing: Vec<Run> = rows.iter().map(|m| m.run).collect();
        let (union, absorbed) = merge(&existing, new);
        let mut originals = Vec::new();
        for &i in &absorbed {
            let r = &rows[i];
            originals.push((existing[i], self.mask_key.open(&r.nonce, &r.ciphertext)?));
            store::masks::delete(tx.ex(), r.id).await?;
        }
        let original = reconstruct(&text, union, &originals);
        let (nonce, ct) = self.mask_key.seal(&original);
        store::masks::insert(
            tx.ex(),
            message,
            union,
            &nonce,
            &ct,
            Some(caller.agent_id()),
            Utc::now(),
        )
        .await?;
        store::messages::set_text(tx.ex(), message, &star_out(&text, union)).await?;
        Ok((original, agent))
    }

    /// Restores a masked run (C-PII-3) on every screen and in the store.
    pub async fn unmask(
        &self,
        caller: &Caller,
        chat: ChatId,
        message: MessageId,
        mask_id: i64,
    ) -> Result<Message> {
        self.require_security(caller).await?;
        let mut tx = self.write_tx().await?;
        let agent = self
            .unmask_in(tx.ex(), caller, chat, message, mask_id)
            .await?;
        self.audit(tx.ex(), caller, "unmask", Some(chat), Some(message), None)
            .await?;
        crate::tickets::refresh_chat_ticket_subject(tx.ex(), chat).await?;
        tx.commit().await?;
        tracing::info!(chat = %chat, message = %message, "unmasked");
        self.publish_updated(chat, message, agent).await
    }

    /// Restores one masked run inside the caller's transaction; answers the chat's agent.
    pub(crate) async fn unmask_in(
        &self,
        mut tx: Ex<'_>,
        caller: &Caller,
        chat: ChatId,
        message: MessageId,
        mask_id: i64,
    ) -> Result<Option<i64>> {
        let (text, agent) = self.scoped_message(tx.ex(), caller, chat, message).await?;
        let r = store::masks::one(tx.ex(), message, mask_id)
            .await?
            .ok_or(Error::NotFound("mask"))?;
        let original = self.mask_key.open(&r.nonce, &r.ciphertext)?;
        let restored = shared::mask::restore(&text, r.run.start, &original);
        store::masks::delete(tx.ex(), mask_id).await?;
        store::messages::set_text(tx.ex(), message, &restored).await?;
        Ok(agent)
    }

    /// Auto-masking (issue 7) of a customer message before it is stored: the runs that
    /// look like personal data, each sealed, and the text with them starred out; `None`
    /// when nothing was found. The message row then holds only the starred text.
    pub(crate) fn seal_detected(&self, text: &str) -> Option<AutoMasked> {
        let found = crate::pii::detect(text);
        if found.is_empty() {
            return None;
        }
        let mut shown = text.to_owned();
        let mut runs = Vec::with_capacity(found.len());
        for f in found {
            let run = Run {
                start: f.start,
                end: f.end,
            };
            let (nonce, ciphertext) = self.mask_key.seal(&shared::mask::slice(text, run));
            shown = star_out(&shown, run);
            runs.push(SealedRun {
                run,
                nonce,
                ciphertext,
            });
        }
        Some(AutoMasked { shown, runs })
    }

    /// Stores the sealed runs of an auto-masked message (no agent: the system masked
    /// them); answers the masks as the message shows them.
    pub(crate) async fn insert_auto_masks(
        &self,
        mut conn: Ex<'_>,
        message: i64,
        runs: &[SealedRun],
        now: chrono::DateTime<Utc>,
    ) -> Result<Vec<shared::Mask>> {
        let mut masks = Vec::with_capacity(runs.len());
        for r in runs {
            let id = store::masks::insert(
                conn.ex(),
                MessageId(message),
                r.run,
                &r.nonce,
                &r.ciphertext,
                None,
                now,
            )
            .await?;
            masks.push(shared::Mask {
                id: id.to_string(),
                start: r.run.start,
                end: r.run.end,
            });
        }
        masks.sort_by_key(|m| m.start);
        Ok(masks)
    }

    /// The service's audit log, newest first (admins).
    pub async fn audit_log(&self, caller: &Caller, limit: i64) -> Result<Vec<AuditEntry>> {
        caller.require_admin()?;
        store::audit::entries(self.db.ex(), caller.service_id(), limit.clamp(1, 1000)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_runs_open_only_with_their_key() {
        let k = MaskKey::random();
        let (n, ct) = k.seal("010-1234-5678");
        assert!(
            !ct.windows(4).any(|w| w == b"1234"),
            "ciphertext hides the digits"
        );
        assert_eq!(k.open(&n, &ct).unwrap(), "010-1234-5678");
        assert!(MaskKey::random().open(&n, &ct).is_err());
    }

    #[test]
    fn key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = MaskKey::load_from(None, Some(dir.path())).unwrap();
        let b = MaskKey::load_from(None, Some(dir.path())).unwrap();
        assert!(MaskKey::load_from(Some("12".into()), Some(dir.path())).is_err());
        assert_eq!(a.0, b.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("mask.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(parse_hex_key("zz").is_none());
    }
}
