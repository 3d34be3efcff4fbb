//! The admin's Excel import panel (issue 21): the template, a workbook picked, its
//! preview (every row and its error; nothing written), then *가져오기* — all or nothing —
//! or *취소*, and the created accounts' passwords shown once.

use leptos::prelude::*;
use shared::i18n::fill;
use shared::import::{ImportDone, ImportPreview};

use crate::client;
use crate::i18n::use_texts;
use crate::net::PickedFile;

/// A row's error in the console's words (or *정상*).
fn row_error(error: &Option<String>, code: &Option<String>) -> String {
    let t = crate::i18n::texts_now().import();
    match error {
        Some(e) => t.row_error(code.as_deref(), e).into_owned(),
        None => t.ok.to_owned(),
    }
}

#[component]
pub fn ImportPanel() -> impl IntoView {
    let t = use_texts();
    let file = StoredValue::new(None::<PickedFile>);
    let picked = RwSignal::new(false);
    let preview = RwSignal::new(None::<ImportPreview>);
    let done = RwSignal::new(None::<ImportDone>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let run_preview = move |_| {
        let Some(f) = file.get_value() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match client::import_preview(&f).await {
                Ok(p) => {
                    error.set(None);
                    preview.set(Some(p));
                }
                Err(e) => {
                    preview.set(None);
                    error.set(Some(e.shown()));
                }
            }
            busy.set(false);
        });
    };
    let run_import = move |_| {
        let Some(f) = file.get_value() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match client::import_workbook(&f).await {
                Ok(d) => {
                    error.set(None);
                    preview.set(None);
                    done.set(Some(d));
                }
                Err(e) => error.set(Some(e.shown())),
            }
            busy.set(false);
        });
    };
    let cancel = move |_| {
        preview.set(None);
        error.set(None);
    };
    view! {
        <section class="card import-panel" data-testid="import-panel">
            <h2>{move || t.get().import().title}</h2>
            <p class="muted">{move || t.get().import().hint}</p>
            <p><a href=client::import_template_url() download="" data-testid="import-template">{move || t.get().import().template}</a></p>
            <div class="row">
                <label class="field grow">
                    <span>{move || t.get().import().file}</span>
                    <input type="file" accept=".xlsx" data-testid="import-file"
                        on:change:target=move |ev| {
                            #[cfg(feature = "hydrate")]
                            {
                                let f = PickedFile::all(ev.target().files()).into_iter().next();
                                picked.set(f.is_some());
                                file.set_value(f);
                                preview.set(None);
                                done.set(None);
                            }
                            #[cfg(not(feature = "hydrate"))]
                            let _ = ev;
                        }/>
                </label>
                <button type="button" class="button" data-testid="import-preview"
                    disabled=move || !picked.get() || busy.get() on:click=run_preview>{move || t.get().import().preview}</button>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="import-error">{e}</p> })}
            {move || preview.get().map(|p| {
                let summary = fill(&fill(&fill(t.get().import().summary, "agents", p.agents_to_create), "categories", p.categories_to_create), "errors", p.errors);
                let clean = p.errors == 0;
                view! {
                    <p data-testid="import-summary" class:form-error=!clean>{summary}</p>
                    {(!p.agents.is_empty()).then(|| view! {
                        <table class="table" data-testid="import-agents">
                            <thead><tr>
                                <th>{move || t.get().import().row}</th>
                                <th>{move || t.get().admin_col_name}</th>
                                <th>"Email"</th>
                                <th>{move || t.get().admin_col_role}</th>
                                <th>{move || t.get().import().error}</th>
                            </tr></thead>
                            <tbody>
                                {p.agents.clone().into_iter().map(|r| {
                                    let bad = r.error.is_some();
                                    view! { <tr data-testid="import-row" class:row-error=bad>
                                        <td>{r.row}</td><td>{r.name}</td><td>{r.email}</td><td>{r.role}</td>
                                        <td>{row_error(&r.error, &r.error_code)}</td>
                                    </tr> }
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                    {(!p.categories.is_empty()).then(|| view! {
                        <table class="table" data-testid="import-categories">
                            <thead><tr>
                                <th>{move || t.get().import().row}</th>
                                <th>{move || t.get().import().path}</th>
                                <th>{move || t.get().import().creates}</th>
                                <th>{move || t.get().import().error}</th>
                            </tr></thead>
                            <tbody>
                                {p.categories.clone().into_iter().map(|r| {
                                    let bad = r.error.is_some();
                                    view! { <tr data-testid="import-row" class:row-error=bad>
                                        <td>{r.row}</td><td>{r.path.join(" > ")}</td><td>{r.creates}</td>
                                        <td>{row_error(&r.error, &r.error_code)}</td>
                                    </tr> }
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                    <div class="row">
                        <button type="button" class="button primary" data-testid="import-run"
                            disabled=move || !clean || busy.get() on:click=run_import>{move || t.get().import().import}</button>
                        <button type="button" class="button" data-testid="import-cancel" on:click=cancel>{move || t.get().import().cancel}</button>
                    </div>
                }
            })}
            {move || done.get().map(|d| view! {
                <div data-testid="import-done">
                    <p class="form-note" role="status">{move || t.get().import().done}</p>
                    <p>{fill(t.get().import().categories_created, "n", d.categories_created)}</p>
                    {(!d.agents.is_empty()).then(|| view! {
                        <table class="table">
                            <thead><tr><th>{move || t.get().admin_col_name}</th><th>"Email"</th><th>{move || t.get().import().password}</th></tr></thead>
                            <tbody>
                                {d.agents.clone().into_iter().map(|a| view! {
                                    <tr><td>{a.name}</td><td>{a.email}</td><td><code>{a.password}</code></td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                </div>
            })}
        </section>
    }
}
