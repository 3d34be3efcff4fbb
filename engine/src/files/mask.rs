//! Masking a file (issue 19): an agent hides an attachment. Its bytes and thumbnail
//! are then kept only AES-256-GCM encrypted (each chunk under its own nonce, with the
//! masking key of masked runs), its name is masked like a run over the whole name, and
//! it shows as "가려진 파일". Unmasking decrypts it and restores the name. Both are
//! audited (`mask`/`unmask` with detail `file`) in the same transaction, and both need
//! the security service, as masking text does (C-PII-1).

use shared::{ChatId, Message, MessageId};

use crate::Engine;
use crate::caller::Caller;
use crate::db::Ex;
use crate::error::{Error, Result};

/// The file of a message: its id and whether it is masked.
async fn file_of(mut conn: Ex<'_>, message: MessageId) -> Result<(i64, bool)> {
    crate::store::files::of_message(conn.ex(), message.0)
        .await?
        .ok_or(Error::NotFound("file"))
}

impl Engine {
    /// Hides the file of a message; a file already hidden stays as it is.
    pub async fn mask_file(
        &self,
        caller: &Caller,
        chat: ChatId,
        message: MessageId,
    ) -> Result<Message> {
        self.require_security(caller).await?;
        let mut tx = self.write_tx().await?;
        let (text, agent) = self.scoped_message(tx.ex(), caller, chat, message).await?;
        let (file, masked) = file_of(tx.ex(), message).await?;
        if masked {
            drop(tx);
            return self.message(message).await;
        }
        let (name, _) = self
            .mask_in(tx.ex(), caller, chat, message, 0, text.chars().count())
            .await?;
        self.crypt_file(tx.ex(), file, true).await?;
        self.audit(
            tx.ex(),
            caller,
            "mask",
            Some(chat),
            Some(message),
            Some("file"),
        )
        .await?;
        crate::tickets::refresh_chat_ticket_subject(tx.ex(), chat).await?;
        self.drop_exports_of(tx.ex(), caller.service_id()).await?;
        tx.commit().await?;
        self.scrub_log().await?;
        if let (crate::Topology::Shared, Some(pg)) = (self.topology, self.db.postgres()) {
            crate::bus::forget_spilled(pg, &name).await;
        }
        tracing::info!(chat = %chat, message = %message, "file masked");
        self.publish_updated(chat, message, agent).await
    }

    /// Restores a hidden file and its name.
    pub async fn unmask_file(
        &self,
        caller: &Caller,
        chat: ChatId,
        message: MessageId,
    ) -> Result<Message> {
        self.require_security(caller).await?;
        let mut tx = self.write_tx().await?;
        let (_, agent) = self.scoped_message(tx.ex(), caller, chat, message).await?;
        let (file, masked) = file_of(tx.ex(), message).await?;
        if !masked {
            drop(tx);
            return self.message(message).await;
        }
        let runs: Vec<i64> = crate::store::masks::of_message(tx.ex(), message)
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect();
        for run in runs {
            self.unmask_in(tx.ex(), caller, chat, message, run).await?;
        }
        self.crypt_file(tx.ex(), file, false).await?;
        self.audit(
            tx.ex(),
            caller,
            "unmask",
            Some(chat),
            Some(message),
            Some("file"),
        )
        .await?;
        crate::tickets::refresh_chat_ticket_subject(tx.ex(), chat).await?;
        tx.commit().await?;
        tracing::info!(chat = %chat, message = %message, "file unmasked");
        self.publish_updated(chat, message, agent).await
    }

    /// Encrypts (`seal`) or decrypts a file's chunks and thumbnail in place, one chunk
    /// in memory at a time, and sets its `masked` flag.
    async fn crypt_file(&self, mut tx: Ex<'_>, file: i64, seal: bool) -> Result<()> {
        let seqs = crate::store::files::chunk_seqs(tx.ex(), file).await?;
        for seq in seqs {
            let (nonce, data) = crate::store::files::sealed_chunk(tx.ex(), file, seq).await?;
            let (nonce, data) = self.crypt(nonce, data, seal)?;
            crate::store::files::set_chunk(tx.ex(), file, seq, nonce.as_deref(), &data).await?;
        }
        let (thumb_nonce, thumb) = crate::store::files::sealed_thumbnail(tx.ex(), file).await?;
        let thumb = match thumb {
            Some(t) => Some(self.crypt(thumb_nonce, t, seal)?),
            None => None,
        };
        let (thumb_nonce, thumb) = thumb.map_or((None, None), |(n, t)| (n, Some(t)));
        crate::store::files::set_thumbnail_and_mask(
            tx.ex(),
            file,
            thumb.as_deref(),
            thumb_nonce.as_deref(),
            seal,
        )
        .await?;
        Ok(())
    }

    /// One piece sealed (plain in, `(nonce, ciphertext)` out) or opened (the reverse,
    /// `(None, plain)`); a piece already in the wanted state is left alone.
    fn crypt(
        &self,
        nonce: Option<Vec<u8>>,
        data: Vec<u8>,
        seal: bool,
    ) -> Result<(Option<Vec<u8>>, Vec<u8>)> {
        match (seal, nonce) {
            (true, None) => {
                let (n, ct) = self.mask_key.seal_bytes(&data);
                Ok((Some(n), ct))
            }
            (false, Some(n)) => Ok((None, self.mask_key.open_bytes(&n, &data)?)),
            (_, n) => Ok((n, data)),
        }
    }
}
