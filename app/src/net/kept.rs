//! Files on their way, kept in the browser's IndexedDB until the server stored them
//! (issue 31): a picked `File` is stored there as it is (IndexedDB keeps blobs;
//! `localStorage`, which keeps the outbox's texts, holds strings only), so a reload or a
//! closed tab does not lose an upload the network had not carried yet.
//!
//! Written on `web-sys`'s IndexedDB bindings by hand: the crates that wrap IndexedDB
//! (`rexie`, `indexed_db_futures`) bring their own async layers for what here are three
//! one-request operations. Every failure (private browsing, storage off) is swallowed:
//! the upload still goes, it is only not kept.
//!
//! One database `oc_outbox`, one object store `files` keyed by `client_id`; each record
//! is `{client_id, party, chat, file}`, `party` naming whose upload it is (a customer's
//! chat, or an agent).

use shared::ChatId;

/// A kept upload, read back.
pub struct KeptFile {
    pub client_id: String,
    pub chat: ChatId,
    pub file: super::PickedFile,
}

#[cfg(feature = "hydrate")]
mod imp {
    use super::*;
    use wasm_bindgen::{JsCast, JsValue, closure::Closure};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{IdbDatabase, IdbRequest, IdbTransactionMode};

    const DB: &str = "oc_outbox";
    const STORE: &str = "files";

    /// A request's result, once it succeeded.
    async fn done(req: &IdbRequest) -> Result<JsValue, JsValue> {
        let promise = js_sys::Promise::new(&mut |resolve, reject| {
            req.set_onsuccess(Some(&resolve));
            req.set_onerror(Some(&reject));
        });
        JsFuture::from(promise).await?;
        req.result()
    }

    async fn open() -> Result<IdbDatabase, JsValue> {
        let factory = web_sys::window()
            .ok_or(JsValue::NULL)?
            .indexed_db()?
            .ok_or(JsValue::NULL)?;
        let req = factory.open_with_u32(DB, 1)?;
        let upgrade = Closure::once_into_js(move |ev: web_sys::Event| {
            let db = ev
                .target()
                .and_then(|t| t.dyn_into::<IdbRequest>().ok())
                .and_then(|r| r.result().ok())
                .and_then(|r| r.dyn_into::<IdbDatabase>().ok());
            if let Some(db) = db {
                let params = web_sys::IdbObjectStoreParameters::new();
                params.set_key_path(&JsValue::from_str("client_id"));
                let _ = db.create_object_store_with_optional_parameters(STORE, &params);
            }
        });
        req.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
        done(&req).await?.dyn_into::<IdbDatabase>()
    }

    fn store(
        db: &IdbDatabase,
        mode: IdbTransactionMode,
    ) -> Result<web_sys::IdbObjectStore, JsValue> {
        db.transaction_with_str_and_mode(STORE, mode)?
            .object_store(STORE)
    }

    pub async fn put(
        party: &str,
        chat: ChatId,
        client_id: &str,
        file: &web_sys::File,
    ) -> Result<(), JsValue> {
        let record = js_sys::Object::new();
        js_sys::Reflect::set(&record, &"client_id".into(), &client_id.into())?;
        js_sys::Reflect::set(&record, &"party".into(), &party.into())?;
        js_sys::Reflect::set(&record, &"chat".into(), &chat.to_string().into())?;
        js_sys::Reflect::set(&record, &"file".into(), file)?;
        js_sys::Reflect::set(&record, &"at".into(), &js_sys::Date::now().into())?;
        let db = open().await?;
        done(&store(&db, IdbTransactionMode::Readwrite)?.put(&record)?).await?;
        Ok(())
    }

    pub async fn remove(client_id: &str) -> Result<(), JsValue> {
        let db = open().await?;
        done(&store(&db, IdbTransactionMode::Readwrite)?.delete(&client_id.into())?).await?;
        Ok(())
    }

    pub async fn of_party(party: &str) -> Result<Vec<KeptFile>, JsValue> {
        let db = open().await?;
        let all = done(&store(&db, IdbTransactionMode::Readonly)?.get_all()?).await?;
        let text = |o: &JsValue, k: &str| {
            js_sys::Reflect::get(o, &k.into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        let mut records: Vec<JsValue> = js_sys::Array::from(&all)
            .iter()
            .filter(|o| text(o, "party") == party)
            .collect();
        let at = |o: &JsValue| {
            js_sys::Reflect::get(o, &"at".into())
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or_default()
        };
        records.sort_by(|a, b| at(a).total_cmp(&at(b)));
        Ok(records
            .into_iter()
            .filter_map(|o| {
                let file = js_sys::Reflect::get(&o, &"file".into())
                    .ok()?
                    .dyn_into::<web_sys::File>()
                    .ok()?;
                Some(KeptFile {
                    client_id: text(&o, "client_id"),
                    chat: text(&o, "chat").parse().ok().map(ChatId)?,
                    file: crate::net::PickedFile::of(file),
                })
            })
            .collect())
    }
}

/// Keeps `file` (an upload of `party` into `chat`) until [`remove`].
pub async fn put(party: &str, chat: ChatId, client_id: &str, file: &super::PickedFile) {
    #[cfg(feature = "hydrate")]
    let _ = imp::put(party, chat, client_id, file.browser_file()).await;
    #[cfg(not(feature = "hydrate"))]
    let _ = (party, chat, client_id, file);
}

/// The upload was stored (or refused): forget it.
pub async fn remove(client_id: &str) {
    #[cfg(feature = "hydrate")]
    let _ = imp::remove(client_id).await;
    #[cfg(not(feature = "hydrate"))]
    let _ = client_id;
}

/// Every upload `party` left unsent, oldest first.
pub async fn of_party(party: &str) -> Vec<KeptFile> {
    #[cfg(feature = "hydrate")]
    {
        imp::of_party(party).await.unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = party;
        Vec::new()
    }
}
