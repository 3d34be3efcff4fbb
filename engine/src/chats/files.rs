//! Files and images in a chat (issue 19): the chat's rules on an upload and a
//! download. An upload is checked before its first byte is read (the chat's parties
//! only, a chat that still takes messages from the sender, the service's size limit
//! against the declared length, the anonymous limits), written a chunk at a time as it
//! arrives, sniffed from its first bytes (refused with 415 when the content is not a
//! kind the service allows, whatever its name says), counted (413 past the limit),
//! given a thumbnail when it is an image (a broken image is 415) and then sent as a
//! message whose text is the file's name, through the same message writer as any
//! message (so `seq`, unread counts, first response and idempotency are the same).
//! A download is scoped exactly like the chat's messages ([`check_access`]): the
//! customer of the chat and the service's agents who may see it; a file in a note is
//! for agents only; another service's file id is "not found".

use shared::file::safe_file_name;
use shared::{Attachment, Author, ChatId, FileKind, FileRules, ServiceId};

use super::access::{check_access, require_assigned};
use crate::error::{Error, Result};
use crate::files::sniff::{SNIFF_BYTES, sniff};
use crate::files::{CHUNK_BYTES, thumb};
use crate::store;
use crate::store::chats::chat_row;
use crate::{Engine, Party, Sent};

/// Thumbnails decoded at once (CPU-bound; one per core of the 2-core target machine).
pub(crate) const MAX_THUMBNAILING: usize = 2;

/// An upload being received. Made by [`Engine::begin_upload`]; each piece goes to
/// [`Engine::upload_bytes`]; it ends with [`Engine::finish_upload`] or
/// [`Engine::abort_upload`].
pub struct Upload {
    file: i64,
    chat: ChatId,
    author: Author,
    rules: FileRules,
    name: String,
    received: u64,
    next_seq: i64,
    /// Bytes not yet stored (less than a chunk).
    pending: Vec<u8>,
    /// The sniffed type, once [`SNIFF_BYTES`] (or the whole file) arrived.
    mime: Option<&'static str>,
    /// An image's whole bytes: the thumbnailer decodes the picture at the end.
    image: Option<Vec<u8>>,
    /// Its place in the upload slots (issue 30): counted per chat and address from the
    /// start, holding a process-wide slot once bytes arrive.
    claim: crate::files::slots::Claim,
}

impl Upload {
    /// Bytes received so far.
    pub fn received(&self) -> u64 {
        self.received
    }
}

fn too_large(rules: &FileRules) -> Error {
    Error::TooLarge {
        code: shared::ErrorCode::FileTooLarge,
        message: format!("files may be at most {} MB", rules.max_mb),
    }
}

fn kinds_named(rules: &FileRules) -> String {
    let names: Vec<&str> = rules.types.iter().map(|k| k.as_str()).collect();
    names.join(", ")
}

impl Engine {
    /// Checks an upload to `chat` by `party` before its body is read; `declared` is the
    /// request's `Content-Length` when it has one, `addr` the client's address,
    /// `client_id` the sender's key for the message that will carry the file.
    pub async fn begin_upload(
        &self,
        party: Party<'_>,
        chat: ChatId,
        name: &str,
        client_id: &str,
        declared: Option<u64>,
        addr: Option<&str>,
    ) -> Result<Upload> {
        let row = chat_row(self.db.ex(), chat).await?;
        check_access(party, &row)?;
        let author = party.author();
        if let Party::Agent(caller) = party {
            require_assigned(caller, &row)?;
        }
        if !row.status.accepts_message_from(author) {
            return Err(Error::conflict(
                shared::ErrorCode::ChatClosed,
                format!("this chat is {}; no more files", row.status.as_str()),
            ));
        }
        let rules = self.file_rules(row.service_id).await?;
        if rules.types.is_empty() {
            return Err(Error::forbidden(
                shared::ErrorCode::FilesOff,
                "this service does not take files",
            ));
        }
        if declared.is_some_and(|n| n > rules.max_bytes()) {
            return Err(too_large(&rules));
        }
        if declared == Some(0) {
            return Err(Error::rule(
                shared::ErrorCode::EmptyFile,
                "the file is empty",
            ));
        }
        if let Party::Customer(c) = party {
            self.customer_may_send(c, chat, client_id).await?;
        }
        let claim = self.uploads.claim(chat, author, addr)?;
        let file = store::files::create(self, row.service_id, chat, author).await?;
        Ok(Upload {
            file,
            chat,
            author,
            rules,
            name: name.to_owned(),
            received: 0,
            next_seq: 0,
            pending: Vec::with_capacity(CHUNK_BYTES),
            mime: None,
            image: None,
            claim,
        })
    }

    /// The service's file rules.
    pub(crate) async fn file_rules(&self, service: ServiceId) -> Result<FileRules> {
        crate::store::services::file_rules(self.db.ex(), service).await
    }

    /// The next piece of an upload's body. An `Err` (over the limit, a refused kind)
    /// means the upload is over: call [`Engine::abort_upload`].
    pub async fn upload_bytes(&self, up: &mut Upload, mut bytes: &[u8]) -> Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        up.claim.bytes_flow()?;
        up.received += bytes.len() as u64;
        if up.received > up.rules.max_bytes() {
            return Err(too_large(&up.rules));
        }
        while !bytes.is_empty() {
            let take = (CHUNK_BYTES - up.pending.len()).min(bytes.len());
            up.pending.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if up.mime.is_none() && up.pending.len() >= SNIFF_BYTES.min(CHUNK_BYTES) {
                self.sniff_upload(up)?;
            }
            if up.pending.len() == CHUNK_BYTES {
                self.store_pending(up).await?;
            }
        }
        Ok(())
    }

    /// Decides what the upload is from what has arrived (the first [`SNIFF_BYTES`] or
    /// the whole of a smaller file).
    fn sniff_upload(&self, up: &mut Upload) -> Result<()> {
        let mime = sniff(&up.pending, &up.name).ok_or_else(|| Error::Unsupported {
            code: shared::ErrorCode::FileTypeNotAllowed,
            message: format!(
                "this kind of file is not accepted; allowed: {}",
                kinds_named(&up.rules)
            ),
        })?;
        let kind = FileKind::of_mime(mime).unwrap_or(FileKind::Zip);
        if !up.rules.allows(kind) {
            return Err(Error::Unsupported {
                code: shared::ErrorCode::FileTypeNotAllowed,
                message: format!(
                    "{} files are not accepted here; allowed: {}",
                    kind.as_str(),
                    kinds_named(&up.rules)
                ),
            });
        }
        up.mime = Some(mime);
        if kind == FileKind::Image {
            up.image = Some(Vec::new());
        }
        Ok(())
    }

    async fn store_pending(&self, up: &mut Upload) -> Result<()> {
        if up.pending.is_empty() {
            return Ok(());
        }
        store::files::put_chunk(self, up.file, up.next_seq, &up.pending).await?;
        if let Some(image) = &mut up.image {
            image.extend_from_slice(&up.pending);
        }
        up.next_seq += 1;
        up.pending.clear();
        Ok(())
    }

    /// Ends an upload: stores the rest, makes an image's thumbnail and sends the file
    /// as a message (idempotent per `client_id`, like any message: a resend answers the
    /// message stored first and keeps no second copy of the file).
    pub async fn finish_upload(
        &self,
        party: Party<'_>,
        mut up: Upload,
        client_id: &str,
    ) -> Result<Sent> {
        let done = self.finish_inner(party, &mut up, client_id).await;
        match &done {
            Ok(Sent::New(_)) => {}
            _ => {
                if let Err(e) = store::files::discard(self, up.file).await {
                    tracing::warn!(error = %e, file = up.file, "could not discard an upload");
                }
            }
        }
        done
    }

    async fn finish_inner(
        &self,
        party: Party<'_>,
        up: &mut Upload,
        client_id: &str,
    ) -> Result<Sent> {
        shared::validate_client_id(client_id)?;
        if up.received == 0 {
            return Err(Error::rule(
                shared::ErrorCode::EmptyFile,
                "the file is empty",
            ));
        }
        if up.mime.is_none() {
            self.sniff_upload(up)?;
        }
        self.store_pending(up).await?;
        let mime = up.mime.unwrap_or("application/octet-stream");
        let (mut width, mut height, mut jpeg) = (None, None, None);
        if let Some(bytes) = up.image.take() {
            let _turn = self
                .thumbnailing
                .acquire()
                .await
                .map_err(|_| Error::Internal("thumbnailing stopped".into()))?;
            let made = tokio::task::spawn_blocking(move || thumb::thumbnail(&bytes))
                .await
                .unwrap_or_else(|_| Err("the image decoder failed".into()));
            let t = made.map_err(|why| {
                tracing::info!(why, "a broken image was refused");
                Error::Unsupported {
                    code: shared::ErrorCode::BrokenImage,
                    message: "this image cannot be read (damaged or not really an image)".into(),
                }
            })?;
            width = Some(i64::from(t.width));
            height = Some(i64::from(t.height));
            jpeg = t.jpeg;
        }
        let size = up.received as i64;
        store::files::finish(
            self,
            up.file,
            store::files::Finished {
                mime,
                size,
                width,
                height,
                thumb: jpeg.as_deref(),
            },
        )
        .await?;
        let attachment = Attachment {
            id: up.file.to_string(),
            mime: mime.to_owned(),
            size,
            kind: FileKind::of_mime(mime).unwrap_or(FileKind::Zip),
            width,
            height,
            thumbnail: jpeg.is_some(),
            masked: false,
        };
        debug_assert_eq!(party.author(), up.author);
        let name = safe_file_name(&up.name, mime);
        self.send(party, up.chat, client_id, &name, Some(attachment))
            .await
    }

    /// Drops an upload that failed or was cut off.
    pub async fn abort_upload(&self, up: Upload) {
        if let Err(e) = store::files::discard(self, up.file).await {
            tracing::warn!(error = %e, file = up.file, "could not discard an upload");
        }
    }

    /// A file as `party` may download it (scoped like the chat), or "not found".
    pub async fn file(&self, party: Party<'_>, file: &str) -> Result<FileDownload> {
        let id: i64 = file.parse().map_err(|_| Error::NotFound("file"))?;
        let f = store::files::file_row(self, id)
            .await?
            .ok_or(Error::NotFound("file"))?;
        let row = chat_row(self.db.ex(), f.chat).await?;
        check_access(party, &row).map_err(|_| Error::NotFound("file"))?;
        if f.internal && matches!(party, Party::Customer(_)) {
            return Err(Error::NotFound("file"));
        }
        if f.masked {
            return Err(Error::conflict(
                shared::ErrorCode::FileMasked,
                "this file was hidden by an agent",
            ));
        }
        Ok(FileDownload {
            id,
            name: f.name,
            mime: f.mime,
            size: f.size,
            chunks: f.chunks,
        })
    }

    /// Piece `seq` of a file found with [`Engine::file`].
    pub async fn file_chunk(&self, file: &FileDownload, seq: i64) -> Result<Vec<u8>> {
        store::files::chunk(self, file.id, seq)
            .await?
            .ok_or(Error::NotFound("file"))
    }

    /// The thumbnail (JPEG) of an image found with [`Engine::file`].
    pub async fn file_thumbnail(&self, file: &FileDownload) -> Result<Vec<u8>> {
        store::files::thumbnail(self, file.id)
            .await?
            .ok_or(Error::NotFound("thumbnail"))
    }
}

/// A file someone may download.
#[derive(Clone, Debug)]
pub struct FileDownload {
    id: i64,
    pub name: String,
    pub mime: String,
    pub size: i64,
    /// How many pieces to read with [`Engine::file_chunk`].
    pub chunks: i64,
}

impl FileDownload {
    /// Shown in the browser (images: an `<img>` or the full-size view) rather than
    /// only downloaded.
    pub fn inline(&self) -> bool {
        FileKind::of_mime(&self.mime) == Some(FileKind::Image)
    }
}
