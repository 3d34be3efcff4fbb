//! Files and images in the chat window and the console (issue 19): the attach button,
//! drop and paste, the early refusal of a file the service will not take (the server
//! still decides, by the bytes), the bubble's file — a thumbnail that opens full size,
//! a card for other files, "가려진 파일" once an agent hid it.
//!
//! Agents read files with their session cookie, so `<img>` and links point at the API
//! directly. A customer in a widget on another site has no cookie there: their window
//! fetches each file with the chat token and shows it from a `blob:` URL.

use leptos::prelude::*;
use shared::file::{accept_list, guess_kind, human_size};
use shared::{Attachment, ChatId, FileKind, FileRules, Message, MessageId};

use crate::client;
use crate::net::{self, PickedFile};

/// Files on their way from one window, and the last refusal.
#[derive(Clone, Copy)]
pub struct FileSender {
    pub sending: RwSignal<Vec<String>>,
    pub error: RwSignal<Option<String>>,
    texts: Signal<&'static shared::i18n::Texts>,
    /// Whose uploads these are (`c:{slug}:{chat}` or `a:{agent}`): a file waits in
    /// IndexedDB under it until stored (issue 31). `None`: not kept.
    party: StoredValue<Option<String>>,
}

/// Why a file is refused, in the reader's language, with the limit named.
fn refusal_text(t: &shared::i18n::FileTexts, rules: &FileRules, code: &str) -> Option<String> {
    let kinds = || {
        rules
            .types
            .iter()
            .map(|k| t.kind(*k))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Some(match code {
        "file_too_large" => format!("{} ({} {} MB)", t.too_large, t.at_most, rules.max_mb),
        "file_type_not_allowed" => format!("{} {}: {}", t.not_allowed, t.allowed, kinds()),
        "broken_image" => t.broken.to_owned(),
        "empty_file" => t.empty.to_owned(),
        "files_off" => t.files_off.to_owned(),
        _ => return None,
    })
}

impl FileSender {
    pub fn new() -> FileSender {
        FileSender {
            sending: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
            texts: crate::i18n::use_texts(),
            party: StoredValue::new(None),
        }
    }

    /// Starts keeping this party's uploads, and sends again what a reload or a closed
    /// tab left unsent (issue 31); `done` gets each stored message.
    pub fn resume(self, party: String, token: Option<String>, done: Callback<Message>) {
        self.party.set_value(Some(party.clone()));
        leptos::task::spawn_local(async move {
            for kept in net::kept::of_party(&party).await {
                self.upload(
                    kept.chat,
                    token.clone(),
                    FileRules::default(),
                    kept.file,
                    kept.client_id,
                    done,
                );
            }
        });
    }

    /// Forgets the party's kept uploads (the customer starts a new chat).
    pub fn forget(self) {
        let Some(party) = self.party.get_value() else {
            return;
        };
        self.party.set_value(None);
        leptos::task::spawn_local(async move {
            for kept in net::kept::of_party(&party).await {
                net::kept::remove(&kept.client_id).await;
            }
        });
    }

    /// Sends `file` into `chat` (`token`: the customer's; agents use their cookie)
    /// unless the rules refuse it here already; `done` gets the stored message.
    pub fn send(
        self,
        chat: ChatId,
        token: Option<String>,
        rules: FileRules,
        file: PickedFile,
        done: Callback<Message>,
    ) {
        let t = self.texts.get_untracked();
        let early = if file.size > rules.max_bytes() as f64 {
            Some("file_too_large")
        } else if file.size == 0.0 {
            Some("empty_file")
        } else if rules.types.is_empty() {
            Some("files_off")
        } else if guess_kind(&file.mime, &file.name).is_some_and(|k| !rules.allows(k)) {
            Some("file_type_not_allowed")
        } else {
            None
        };
        if let Some(code) = early {
            self.error.set(refusal_text(t.files, &rules, code));
            return;
        }
        self.error.set(None);
        let client_id = format!("f_{}", net::random_id());
        self.upload(chat, token, rules, file, client_id, done);
    }

    /// Sends a file (again) until the server stored or refused it, kept in IndexedDB
    /// meanwhile.
    fn upload(
        self,
        chat: ChatId,
        token: Option<String>,
        rules: FileRules,
        file: PickedFile,
        client_id: String,
        done: Callback<Message>,
    ) {
        let name = file.name.clone();
        self.sending.update(|s| s.push(name.clone()));
        let party = self.party.get_value();
        leptos::task::spawn_local(async move {
            if let Some(party) = &party {
                net::kept::put(party, chat, &client_id, &file).await;
            }
            // one client_id for every attempt: a repeat the server already stored
            // answers that message (issue 31); a lost network is waited out with the
            // outbox's backoff, a refusal is shown
            let mut wait = 0;
            let sent = loop {
                let sent = client::upload_file(chat, token.as_deref(), &file, &client_id).await;
                match &sent {
                    Err(e) if super::outbox::transient(e) => {
                        wait = super::outbox::next_backoff(wait);
                        net::sleep_ms(wait).await;
                    }
                    _ => break sent,
                }
            };
            net::kept::remove(&client_id).await;
            self.sending.update(|s| {
                if let Some(i) = s.iter().position(|n| *n == name) {
                    s.remove(i);
                }
            });
            match sent {
                Ok(message) => done.run(message),
                Err(e) => {
                    let t = self.texts.get_untracked();
                    self.error.set(Some(
                        refusal_text(t.files, &rules, &e.code).unwrap_or_else(|| e.shown()),
                    ));
                }
            }
        });
    }
}

/// The line under the transcript: files on their way, or why the last was refused
/// (`file-sending`, `file-error`).
#[component]
pub fn FileStatus(sender: FileSender) -> impl IntoView {
    let t = crate::i18n::use_texts();
    view! {
        {move || {
            let names = sender.sending.get();
            (!names.is_empty()).then(|| view! {
                <p class="file-status" role="status" data-testid="file-sending">
                    {format!("{}: {}", t.get().files.sending, names.join(", "))}
                </p>
            })
        }}
        {move || sender.error.get().map(|e| view! {
            <p class="form-error file-error" role="alert" data-testid="file-error">{e}</p>
        })}
    }
}

/// The files of a paste (a screenshot copied to the clipboard).
pub fn pasted(ev: &leptos::ev::ClipboardEvent) -> Vec<PickedFile> {
    #[cfg(feature = "hydrate")]
    {
        PickedFile::all(ev.clipboard_data().and_then(|d| d.files()))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        Vec::new()
    }
}

/// The files of a drop.
pub fn dropped(ev: &leptos::ev::DragEvent) -> Vec<PickedFile> {
    #[cfg(feature = "hydrate")]
    {
        PickedFile::all(ev.data_transfer().and_then(|d| d.files()))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        Vec::new()
    }
}

/// The attach button of the message box (`attach-file`, its input `attach-input`).
#[component]
pub fn AttachButton(
    #[prop(into)] enabled: Signal<bool>,
    #[prop(into)] rules: Signal<FileRules>,
    on_file: Callback<PickedFile>,
) -> impl IntoView {
    let t = crate::i18n::use_texts();
    view! {
        <label class="attach button" data-testid="attach-file" title=move || t.get().files.attach
            class:disabled=move || !enabled.get()>
            <svg class="attach-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                <path d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>
            </svg>
            <input type="file" class="visually-hidden" data-testid="attach-input" multiple
                aria-label=move || t.get().files.attach
                disabled=move || !enabled.get()
                accept=move || accept_list(&rules.get())
                on:change:target=move |ev| {
                    #[cfg(feature = "hydrate")]
                    {
                        let input = ev.target();
                        for f in PickedFile::all(input.files()) {
                            on_file.run(f);
                        }
                        input.set_value("");
                    }
                    #[cfg(not(feature = "hydrate"))]
                    let _ = (ev, on_file);
                }/>
        </label>
    }
}

/// A `blob:` URL of `url` for a customer (fetched with their token), cleaned up with
/// the view; `None` until it arrived (or when it could not be read).
fn customer_blob(url: String, token: String) -> RwSignal<Option<String>> {
    let src = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        if let Ok(blob) = net::object_url(&url, Some(&token)).await {
            src.set(Some(blob));
        }
    });
    on_cleanup(move || {
        if let Some(u) = src.get_untracked() {
            net::forget_object_url(&u);
        }
    });
    src
}

/// An agent's buttons under a file: hide it (`file-mask`), or restore a hidden one
/// after a confirmation (`file-unmask`). Made only by the agents' screens (through
/// [`super::MaskActions`]), so none of it reaches the customers' bundle.
#[component]
pub fn FileControls(
    message: MessageId,
    masked: bool,
    on_mask: Callback<(MessageId, bool)>,
) -> impl IntoView {
    let t = crate::i18n::use_texts();
    if !masked {
        return view! {
            <button type="button" class="link-button file-hide" data-testid="file-mask"
                on:click=move |_| on_mask.run((message, true))>
                {move || t.get().files.mask}
            </button>
        }
        .into_any();
    }
    let confirm = RwSignal::new(false);
    view! {
        <button type="button" class="link-button" data-testid="file-unmask" on:click=move |_| confirm.set(true)>
            {move || t.get().files.unmask}
        </button>
        {move || confirm.get().then(|| view! {
            <super::ConfirmDialog text=t.get_untracked().files.unmask_confirm
                on_cancel=Callback::new(move |()| confirm.set(false))
                on_ok=Callback::new(move |()| { confirm.set(false); on_mask.run((message, false)); })/>
        })}
    }
    .into_any()
}

/// The view maker of [`super::MaskActions::file`]: [`FileControls`] calling `on_mask`.
pub fn controls(on_mask: Callback<(MessageId, bool)>) -> Callback<(MessageId, bool), AnyView> {
    Callback::new(move |(message, masked)| {
        view! { <FileControls message masked on_mask/> }.into_any()
    })
}

/// The file of a message: a thumbnail that opens full size (`file-thumb`,
/// `file-viewer`), a card to download (`file-card`), or 가려진 파일 (`file-masked`).
/// `token`: the customer's (else the agent's cookie is used); `controls`: what an
/// agent's screen adds under it ([`FileControls`]).
#[component]
pub fn FileView(
    message: Message,
    file: Attachment,
    #[prop(default = None)] token: Option<String>,
    #[prop(default = None)] controls: Option<AnyView>,
) -> impl IntoView {
    let t = crate::i18n::use_texts();
    let name = message.text.clone();
    if file.masked {
        return view! {
            <span class="file-masked" data-testid="file-masked">
                {move || t.get().files.masked}
            </span>
            {controls}
        }
        .into_any();
    }
    let hide = controls;
    if file.kind == FileKind::Image && file.thumbnail {
        let open = RwSignal::new(false);
        let (w, h) = thumb_size(&file);
        let thumb: Signal<Option<String>> = match &token {
            Some(tok) => customer_blob(client::thumbnail_url(&file.id), tok.clone()).into(),
            None => Signal::stored(Some(client::thumbnail_url(&file.id))),
        };
        let full_url = client::file_url(&file.id, false);
        let download_url = client::file_url(&file.id, true);
        let alt = name.clone();
        return view! {
            <button type="button" class="file-thumb" data-testid="file-thumb"
                aria-label=move || format!("{}: {}", t.get().files.open, alt)
                on:click=move |_| open.set(true)>
                {move || thumb.get().map(|src| view! { <img src=src alt="" width=w height=h/> })}
            </button>
            {hide}
            {move || open.get().then(|| {
                let full: Signal<Option<String>> = match &token {
                    Some(tok) => customer_blob(full_url.clone(), tok.clone()).into(),
                    None => Signal::stored(Some(full_url.clone())),
                };
                let name = name.clone();
                let shown = name.clone();
                let caption = name.clone();
                let download_url = download_url.clone();
                let save = move |ev: leptos::ev::MouseEvent| {
                    if let Some(src) = full.get_untracked().filter(|s| s.starts_with("blob:")) {
                        ev.prevent_default();
                        net::save_as(&src, &name);
                    }
                };
                view! {
                    <div class="modal-backdrop" data-testid="file-viewer" on:click=move |_| open.set(false)>
                        <div class="modal file-viewer" role="dialog" aria-modal="true" aria-label=move || t.get().files.open
                            on:click=|ev| ev.stop_propagation()>
                            {move || full.get().map(|src| view! { <img src=src alt=shown.clone()/> })}
                            <p class="file-caption">{caption}</p>
                            <div class="modal-actions">
                                <a class="button" href=download_url data-testid="file-download" on:click=save>{move || t.get().files.download}</a>
                                <button type="button" class="button primary" data-testid="file-viewer-close" on:click=move |_| open.set(false)>
                                    {move || t.get().files.close}
                                </button>
                            </div>
                        </div>
                    </div>
                }
            })}
        }
        .into_any();
    }
    let kind = file.kind;
    let meta = move || format!("{} · {}", t.get().files.kind(kind), human_size(file.size));
    let href = client::file_url(&file.id, true);
    let fetch_url = href.clone();
    let save_name = name.clone();
    let save = move |ev: leptos::ev::MouseEvent| {
        if let Some(tok) = token.clone() {
            ev.prevent_default();
            let (url, name) = (fetch_url.clone(), save_name.clone());
            leptos::task::spawn_local(async move {
                if let Ok(blob) = net::object_url(&url, Some(&tok)).await {
                    net::save_as(&blob, &name);
                    net::forget_object_url(&blob);
                }
            });
        }
    };
    view! {
        <a class="file-card" data-testid="file-card" href=href download=name.clone() on:click=save>
            <span class="file-icon" aria-hidden="true">{kind.badge()}</span>
            <span class="file-name">{name.clone()}</span>
            <span class="file-meta">{meta}</span>
        </a>
        {hide}
    }
    .into_any()
}

/// The shown size of a thumbnail (at most 240 × 240, the image's proportions), so the
/// transcript does not jump when it arrives.
fn thumb_size(file: &Attachment) -> (i64, i64) {
    let (w, h) = (
        file.width.unwrap_or(240).max(1),
        file.height.unwrap_or(240).max(1),
    );
    let scale = (240.0 / w.max(h) as f64).min(1.0);
    (
        ((w as f64 * scale).round() as i64).max(1),
        ((h as f64 * scale).round() as i64).max(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_limit_and_the_kinds() {
        let t = shared::i18n::KO.files;
        let rules = FileRules {
            max_mb: 5,
            types: vec![FileKind::Image, FileKind::Pdf],
        };
        assert_eq!(
            refusal_text(t, &rules, "file_too_large").unwrap(),
            "파일이 너무 큽니다 (최대 5 MB)"
        );
        assert!(
            refusal_text(t, &rules, "file_type_not_allowed")
                .unwrap()
                .ends_with("이미지, PDF")
        );
        assert_eq!(refusal_text(t, &rules, "chat_closed"), None);
    }

    #[test]
    fn thumbnails_keep_their_proportions() {
        let f = |w, h| Attachment {
            id: "1".into(),
            mime: "image/png".into(),
            size: 1,
            kind: FileKind::Image,
            width: Some(w),
            height: Some(h),
            thumbnail: true,
            masked: false,
        };
        assert_eq!(thumb_size(&f(640, 480)), (240, 180));
        assert_eq!(thumb_size(&f(100, 50)), (100, 50));
        assert_eq!(thumb_size(&f(10, 4000)), (1, 240));
    }
}
