//! Category management in `/admin` (C-SET-6): the handling-type tree of up to three
//! levels — add (top level or under a category), rename, move up/down, enable/disable,
//! delete (a category in use is disabled instead; the server decides).

use leptos::prelude::*;
use shared::{
    Category, CategoryId, CategoryNode, CategoryUpdate, MoveDirection, NewCategory, build_tree,
    can_have_child,
};

use crate::client;
use crate::i18n::use_texts;

/// The tree in display order, each with its depth.
fn flatten(nodes: &[CategoryNode], out: &mut Vec<Category>) {
    for n in nodes {
        out.push(n.category.clone());
        flatten(&n.children, out);
    }
}

#[derive(Clone, Copy)]
struct Manager {
    cats: RwSignal<Vec<Category>>,
    error: RwSignal<Option<String>>,
    /// Where the "add" input is open: `Some(None)` top level, `Some(Some(id))` under id.
    adding: RwSignal<Option<Option<CategoryId>>>,
    renaming: RwSignal<Option<CategoryId>>,
}

impl Manager {
    fn reload(self) {
        leptos::task::spawn_local(async move {
            match client::categories().await {
                Ok(c) => self.cats.set(c),
                Err(e) => self.error.set(Some(e.shown())),
            }
        });
    }

    fn create(self, name: String, parent_id: Option<CategoryId>) {
        leptos::task::spawn_local(async move {
            match client::create_category(&NewCategory { name, parent_id }).await {
                Ok(_) => {
                    self.error.set(None);
                    self.adding.set(None);
                    self.reload();
                }
                Err(e) => self.error.set(Some(e.shown())),
            }
        });
    }

    fn change(self, id: CategoryId, change: CategoryUpdate) {
        leptos::task::spawn_local(async move {
            match client::update_category(id, &change).await {
                Ok(_) => {
                    self.error.set(None);
                    self.renaming.set(None);
                    self.reload();
                }
                Err(e) => self.error.set(Some(e.shown())),
            }
        });
    }

    fn delete(self, id: CategoryId) {
        leptos::task::spawn_local(async move {
            match client::delete_category(id).await {
                Ok(_) => self.reload(),
                Err(e) => self.error.set(Some(e.shown())),
            }
        });
    }
}

#[component]
fn NameInput(
    testid: &'static str,
    initial: String,
    on_done: impl Fn(String) + Copy + 'static,
) -> impl IntoView {
    let t = use_texts();
    let value = RwSignal::new(initial);
    view! {
        <form class="inline-form" on:submit=move |ev| { ev.prevent_default(); on_done(value.get_untracked()); }>
            <input data-testid=testid placeholder=move || t.get().category_new_name aria-label=move || t.get().category_new_name prop:value=value
                on:input:target=move |ev| value.set(ev.target().value())/>
            <button type="submit" class="button small primary" data-testid=format!("{testid}-submit")>{move || t.get().save}</button>
        </form>
    }
}

#[component]
pub fn CategoryManager() -> impl IntoView {
    let t = use_texts();
    let m = Manager {
        cats: RwSignal::new(Vec::new()),
        error: RwSignal::new(None),
        adding: RwSignal::new(None),
        renaming: RwSignal::new(None),
    };
    Effect::new(move |_| m.reload());
    let rows = move || {
        let mut out = Vec::new();
        flatten(&build_tree(&m.cats.get()), &mut out);
        out
    };
    view! {
        <section class="card" data-testid="category-manager">
            <h2>{move || t.get().admin_categories}</h2>
            <p class="muted">{move || t.get().admin_categories_help}</p>
            {move || m.error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="category-error">{e}</p> })}
            <ul class="cat-tree">
                <For each=rows key=|c| (c.id, c.name.clone(), c.position, c.enabled, c.in_use) let:c>
                    {
                        let id = c.id;
                        let depth = c.depth;
                        let enabled = c.enabled;
                        let name = c.name.clone();
                        let label = c.name.clone();
                        view! {
                            <li class="cat-row" class:disabled=!enabled data-testid="category-row" data-name=label data-depth=depth
                                style=format!("padding-left: {}px", 12 + (depth as i32 - 1) * 28)>
                                {move || if m.renaming.get() == Some(id) {
                                    view! { <NameInput testid="category-rename-input" initial=name.clone()
                                        on_done=move |n| m.change(id, CategoryUpdate { name: Some(n), ..Default::default() })/> }.into_any()
                                } else {
                                    view! {
                                        <span class="cat-name">{name.clone()}</span>
                                        {(!enabled).then(|| view! { <span class="tag ended">{t.get().category_disabled}</span> })}
                                    }.into_any()
                                }}
                                <span class="cat-actions">
                                    <button type="button" class="button small ghost" title=move || t.get().category_up aria-label=move || t.get().category_up
                                        on:click=move |_| m.change(id, CategoryUpdate { move_to: Some(MoveDirection::Up), ..Default::default() })>"↑"</button>
                                    <button type="button" class="button small ghost" title=move || t.get().category_down aria-label=move || t.get().category_down
                                        on:click=move |_| m.change(id, CategoryUpdate { move_to: Some(MoveDirection::Down), ..Default::default() })>"↓"</button>
                                    <button type="button" class="button small ghost" data-testid="category-rename"
                                        on:click=move |_| m.renaming.set(Some(id))>{move || t.get().category_rename}</button>
                                    <button type="button" class="button small ghost" data-testid="category-toggle"
                                        on:click=move |_| m.change(id, CategoryUpdate { enabled: Some(!enabled), ..Default::default() })>
                                        {move || if enabled { t.get().category_disable } else { t.get().category_enable }}
                                    </button>
                                    {can_have_child(depth).then(|| view! {
                                        <button type="button" class="button small ghost" data-testid="category-add-child"
                                            on:click=move |_| m.adding.set(Some(Some(id)))>{move || t.get().category_add_child}</button>
                                    })}
                                    <button type="button" class="button small ghost danger" data-testid="category-delete"
                                        on:click=move |_| m.delete(id)>{move || t.get().category_delete}</button>
                                </span>
                                {move || (m.adding.get() == Some(Some(id))).then(|| view! {
                                    <div class="cat-add-child">
                                        <NameInput testid="category-child-name" initial=String::new() on_done=move |n| m.create(n, Some(id))/>
                                    </div>
                                })}
                            </li>
                        }
                    }
                </For>
            </ul>
            {move || if m.adding.get() == Some(None) {
                view! { <NameInput testid="category-top-name" initial=String::new() on_done=move |n| m.create(n, None)/> }.into_any()
            } else {
                view! {
                    <button type="button" class="button" data-testid="category-add-top" on:click=move |_| m.adding.set(Some(None))>
                        {move || format!("+ {}", t.get().category_add_top)}
                    </button>
                }.into_any()
            }}
        </section>
    }
}
