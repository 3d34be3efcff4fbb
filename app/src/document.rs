//! The HTML documents around the two apps (issue 17): the agents' app (console, admin)
//! and the customers' app (help center, widget), each hydrated by its own browser
//! bundle, so a customer downloads only the customer's code.
//!
//! The bundles' addresses come from the server ([`SiteAssets`]), which names every file
//! by a hash of its content so browsers may keep it for a year. leptos's own
//! `HydrationScripts` could not be used: it finds hashed names only in cargo-leptos's
//! `hash.txt` next to the running executable (absent for tests and for a second
//! bundle), so [`BundleScripts`] writes the same three tags from the server's names.

use leptos::prelude::*;
use leptos_meta::{Html, MetaTags, provide_meta_context};

use crate::i18n;

/// One browser bundle: its JavaScript glue, its WebAssembly and the function that
/// hydrates the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    pub js: String,
    pub wasm: String,
    /// The exported function that hydrates the page (`hydrate` or `hydrate_customer`).
    pub entry: &'static str,
}

/// Where the site's files are, as the server names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteAssets {
    pub stylesheet: String,
    /// The agents' app (console, admin): the whole bundle.
    pub agents: Bundle,
    /// The customers' app (help center, widget): the lean bundle when it was built,
    /// else the whole one (which can hydrate customer pages too).
    pub customers: Bundle,
}

/// The document of the agents' pages.
pub fn shell(options: LeptosOptions, assets: SiteAssets) -> impl IntoView {
    let bundle = assets.agents.clone();
    document(options, assets.stylesheet, bundle, crate::App)
}

/// The document of the customers' pages (help center, widget).
pub fn customer_shell(options: LeptosOptions, assets: SiteAssets) -> impl IntoView {
    let bundle = assets.customers.clone();
    document(options, assets.stylesheet, bundle, crate::CustomerApp)
}

fn document<V: IntoView + 'static>(
    options: LeptosOptions,
    stylesheet: String,
    bundle: Bundle,
    app: fn() -> V,
) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" id="leptos" href=stylesheet/>
                <AutoReload options/>
                <BundleScripts bundle/>
                <MetaTags/>
            </head>
            <body>{app()}</body>
        </html>
    }
}

/// Preloads a bundle and hydrates the page with it (the tags of leptos's
/// `HydrationScripts`, from our own file names).
#[component]
fn BundleScripts(bundle: Bundle) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    let script = format!(
        "import({js:?}).then(m => m.default({{module_or_path: {wasm:?}}}).then(() => m.{entry}()))",
        js = bundle.js,
        wasm = bundle.wasm,
        entry = bundle.entry,
    );
    view! {
        <link rel="modulepreload" href=bundle.js.clone() nonce=nonce.clone()/>
        <link rel="preload" href=bundle.wasm.clone() r#as="fetch" r#type="application/wasm" crossorigin="" nonce=nonce.clone()/>
        <script type="module" nonce=nonce>{script}</script>
    }
}

/// What both apps put around their routes: the page's language, and a marker set once
/// the page is interactive (tests and people can tell a hydrated page from a dead
/// server-rendered one).
#[component]
pub(crate) fn AppFrame(children: Children) -> impl IntoView {
    provide_meta_context();
    let locale = i18n::provide_locale();
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    view! {
        <Html {..} lang=move || locale.get().code()/>
        <div class="app" data-hydrated=move || if hydrated.get() { "true" } else { "false" }>
            {children()}
        </div>
    }
}
