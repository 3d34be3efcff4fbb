//! The routed pages.

pub mod admin;
pub mod appearance;
pub mod canned;
pub mod categories;
pub mod consent;
pub mod console;
pub mod errors;
pub mod help_center;
pub mod history;
pub mod home;
pub mod import;
pub mod privacy;
pub mod reports;
pub mod routing;
pub mod settings;
pub mod tickets;
pub mod two_factor;
pub mod webhooks;
pub mod widget;
