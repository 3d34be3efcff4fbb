//! Excel import of agents and the handling-type tree (issue 21): what the admin's
//! preview and import exchange. The rules are the engine's (`engine/src/import.rs`).

use serde::{Deserialize, Serialize};

/// The largest workbook accepted (bytes).
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;
/// Rows read per sheet at most.
pub const MAX_IMPORT_ROWS: usize = 5_000;

/// One agent row of the sheet, as read, with what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportAgentRow {
    /// The sheet's row number (1 = the header).
    pub row: u32,
    pub name: String,
    pub email: String,
    /// `admin` or `agent`.
    pub role: String,
    pub chat_permission: bool,
    /// Why this row cannot be imported (`None`: it will be created).
    pub error: Option<String>,
    /// The same as a code for the console's own words ([`ROW_ERRORS`]).
    #[serde(default)]
    pub error_code: Option<String>,
}

/// One handling-type row: a path of one to three levels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportCategoryRow {
    pub row: u32,
    pub path: Vec<String>,
    /// How many of the path's levels will be created (0: it all exists already).
    pub creates: u32,
    pub error: Option<String>,
    #[serde(default)]
    pub error_code: Option<String>,
}

/// The codes of a row's error.
pub const ROW_ERRORS: [&str; 9] = [
    "name_invalid",
    "email_invalid",
    "email_taken",
    "email_twice",
    "role_unknown",
    "permission_unknown",
    "level_fourth",
    "level_gap",
    "type_name_invalid",
];

/// `POST /api/v1/import/preview`: every row and its error; nothing is written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportPreview {
    pub agents: Vec<ImportAgentRow>,
    pub categories: Vec<ImportCategoryRow>,
    /// Rows with an error: with any, the import writes nothing.
    pub errors: u32,
    pub agents_to_create: u32,
    pub categories_to_create: u32,
}

/// A created account and its generated password (shown once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedAccount {
    pub name: String,
    pub email: String,
    pub password: String,
}

/// `POST /api/v1/import`: what was created.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportDone {
    pub agents: Vec<CreatedAccount>,
    pub categories_created: u32,
}
