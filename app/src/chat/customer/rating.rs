//! The satisfaction form in the customer's window (C-END-1/2).

use leptos::prelude::*;

use super::CustomerChatState;
use crate::client;
use crate::i18n::use_texts;

/// The satisfaction form (C-END-1/2): 1–5 stars and an optional comment; sending again
/// replaces the earlier rating.
#[component]
pub(super) fn RatingForm(state: CustomerChatState) -> impl IntoView {
    let t = use_texts();
    let score = RwSignal::new(0i64);
    let comment = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(saved) = state.session.get_untracked() else {
            return;
        };
        let req = shared::RatingRequest {
            score: score.get_untracked(),
            comment: Some(comment.get_untracked()),
        };
        if let Err(e) = req.validate() {
            problem.set(Some(e.to_string()));
            return;
        }
        leptos::task::spawn_local(async move {
            match client::rate_chat(saved.chat_id, &saved.token, &req).await {
                Ok(r) => {
                    state.rated.set(Some(r.score));
                    problem.set(None);
                }
                Err(e) => problem.set(Some(e.shown())),
            }
        });
    };
    view! {
        <form class="rating-form" data-testid="rating-form" on:submit=submit>
            {move || match state.rated.get() {
                Some(_) => view! { <p class="note ok" data-testid="rating-thanks">{t.get().rating_thanks}</p> }.into_any(),
                None => view! {
                    <strong>{t.get().rating_title}</strong>
                    <div class="stars" role="radiogroup">
                        {(1..=5i64).map(|n| view! {
                            <button type="button" class="star" class:on={move || score.get() >= n} role="radio"
                                aria-checked=move || (score.get() == n).to_string() aria-label=format!("{n}")
                                data-testid=format!("rating-star-{n}") on:click=move |_| score.set(n)>"★"</button>
                        }).collect_view()}
                    </div>
                    <textarea rows="2" placeholder=t.get().rating_comment prop:value=comment on:input:target=move |ev| comment.set(ev.target().value())></textarea>
                    {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                    <div class="info-actions">
                        <button type="submit" class="button primary small" data-testid="rating-submit" disabled=move || score.get() == 0>{t.get().rating_submit}</button>
                        <button type="button" class="button small" on:click=move |_| state.rating_open.set(false)>{t.get().close}</button>
                    </div>
                }.into_any(),
            }}
        </form>
    }
}
