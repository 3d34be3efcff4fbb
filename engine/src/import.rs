//! Excel import (issue 21): an admin loads agents and the handling-type tree from a
//! workbook they already keep (calamine reads it).
//!
//! The workbook: a sheet **상담원** (or *Agents*) with the columns name, email, role
//! (`admin`/`agent`, 관리자/상담원) and chat permission (Y/N, O/X, 예/아니오), and a sheet
//! **처리유형** (or *Handling types*) with one row per path, a column per level (three
//! at most). The first row of each is a header. Either sheet may be missing, not both.
//!
//! The same bytes are read twice: for the preview ([`Engine::import_preview`], which
//! writes nothing) and for the import ([`Engine::import`], which reads and checks them
//! again and writes everything in one transaction, or nothing if any row has an error —
//! so there is no half-done import and no stored upload to clean up after a cancel).
//!
//! Hostile files: the size is bounded by the API, the zip's entries are checked before
//! calamine inflates anything (at most 50 MB unpacked and a 100× ratio: a zip bomb is
//! refused), rows past [`MAX_IMPORT_ROWS`] are refused, and formulas and merged cells
//! are refused with the cells named, not evaluated or guessed at.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use shared::import::{
    CreatedAccount, ImportAgentRow, ImportCategoryRow, ImportDone, ImportPreview, MAX_IMPORT_ROWS,
};
use shared::{CategoryId, Role, validate};

use crate::Engine;
use crate::accounts::NewAgent;
use crate::caller::Caller;
use crate::error::{Error, Result};
use crate::store;

/// Unpacked bytes a workbook may hold, and the largest packing ratio of an entry.
const MAX_UNPACKED: u64 = 50 * 1024 * 1024;
const MAX_RATIO: u64 = 100;

fn bad_file(reason: impl Into<String>) -> Error {
    Error::Invalid(validate::Invalid {
        field: "file",
        reason: reason.into(),
    })
}

/// The zip's directory, read before anything is inflated.
fn check_zip(bytes: &[u8]) -> Result<()> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| bad_file("is not an .xlsx workbook"))?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|_| bad_file("is not a readable .xlsx workbook"))?;
        let (packed, size) = (f.compressed_size().max(1), f.size());
        total = total.saturating_add(size);
        if size / packed > MAX_RATIO && size > 1024 * 1024 {
            return Err(bad_file("unpacks to far more than it weighs (a zip bomb?)"));
        }
    }
    if total > MAX_UNPACKED {
        return Err(bad_file("unpacks to more than 50 MB"));
    }
    Ok(())
}

/// A cell as text (numbers as written, booleans as Y/N).
fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "Y" } else { "N" }.to_owned(),
        Data::Empty => String::new(),
        other => other.to_string().trim().to_owned(),
    }
}

fn role_of(s: &str) -> Option<Role> {
    match s.trim().to_lowercase().as_str() {
        "admin" | "관리자" | "administrator" => Some(Role::Admin),
        "" | "agent" | "상담원" => Some(Role::Agent),
        _ => None,
    }
}

fn yes_no(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "" | "y" | "yes" | "o" | "예" | "true" | "1" => Some(true),
        "n" | "no" | "x" | "아니오" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// A sheet read: rows after the header (sheet row number, cells as text).
type Rows = Vec<(u32, Vec<String>)>;

/// The workbook's two sheets (either may be absent), checked for formulas, merged cells
/// and size.
fn read_book(bytes: &[u8]) -> Result<(Option<Rows>, Option<Rows>)> {
    check_zip(bytes)?;
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|_| bad_file("is not a readable .xlsx workbook"))?;
    let names = book.sheet_names();
    let find = |wanted: &[&str]| {
        names
            .iter()
            .find(|n| wanted.iter().any(|w| n.trim().eq_ignore_ascii_case(w)))
            .cloned()
    };
    let agents_sheet = find(&["상담원", "Agents"]);
    let types_sheet = find(&["처리유형", "Handling types"]);
    if agents_sheet.is_none() && types_sheet.is_none() {
        return Err(bad_file(format!(
            "has no sheet named 상담원 (Agents) or 처리유형 (Handling types); it has: {}",
            names.join(", ")
        )));
    }
    let mut read = |name: Option<String>| -> Result<Option<Rows>> {
        let Some(name) = name else { return Ok(None) };
        if let Some(d) = book
            .merge_cells_by_sheet_name(&name)
            .ok()
            .and_then(|m| m.into_iter().next())
        {
            return Err(bad_file(format!(
                "sheet {name}: merged cells are not accepted (row {}); unmerge them",
                d.start.0 + 1
            )));
        }
        sheet_rows(&mut book, &name).map(Some)
    };
    let agents = read(agents_sheet)?;
    let types = read(types_sheet)?;
    Ok((agents, types))
}

/// Columns a sheet may use: the agents' sheet has four, the types' three; a cell further
/// right is refused, not read.
const MAX_COLUMNS: u32 = 64;

/// A sheet's rows after its header, read cell by cell as the file lists them (issue 30):
/// nothing is sized by the sheet's declared dimension (`A1:XFD1048576` in a 2 KB file
/// made calamine's `worksheet_range` allocate gigabytes), a cell past [`MAX_COLUMNS`] or
/// more than [`MAX_IMPORT_ROWS`] rows below the first is refused as soon as it is met,
/// and so is a formula. The header is the first row holding a value; columns count from
/// the leftmost column holding one.
fn sheet_rows(book: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Result<Rows> {
    let unreadable = || bad_file(format!("sheet {name} cannot be read"));
    let mut reader = book
        .worksheet_cells_reader(name)
        .map_err(|_| unreadable())?;
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    let (mut top, mut bottom, mut left) = (u32::MAX, 0u32, u32::MAX);
    while let Some(cell) = reader.next_cell_with_formula().map_err(|_| unreadable())? {
        let (r, c) = cell.pos;
        if cell.formula.as_deref().is_some_and(|f| !f.is_empty()) {
            return Err(bad_file(format!(
                "sheet {name}: formulas are not accepted (row {}, column {}); paste the values",
                r as u64 + 1,
                c as u64 + 1
            )));
        }
        let value = text(&Data::from(cell.value));
        if value.is_empty() {
            continue;
        }
        if c >= MAX_COLUMNS {
            return Err(bad_file(format!(
                "sheet {name} uses column {}; at most {MAX_COLUMNS} columns are read",
                c as u64 + 1
            )));
        }
        (top, bottom, left) = (top.min(r), bottom.max(r), left.min(c));
        if (bottom - top) as usize > MAX_IMPORT_ROWS {
            return Err(bad_file(format!(
                "sheet {name} has more than {MAX_IMPORT_ROWS} rows; at most {MAX_IMPORT_ROWS} are read at once"
            )));
        }
        cells.push((r, c, value));
    }
    if cells.is_empty() {
        return Ok(Vec::new());
    }
    let width = cells
        .iter()
        .map(|(_, c, _)| c - left + 1)
        .max()
        .unwrap_or(0) as usize;
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    for (r, c, value) in cells {
        if r == top {
            continue;
        }
        let row = rows.entry(r).or_insert_with(|| vec![String::new(); width]);
        row[(c - left) as usize] = value;
    }
    Ok(rows.into_iter().map(|(r, cells)| (r + 1, cells)).collect())
}

/// The import as planned: every row with its error, and what would be created.
struct Plan {
    preview: ImportPreview,
    agents: Vec<NewAgent>,
    /// Paths (1–3 names) to make sure exist, in sheet order.
    paths: Vec<Vec<String>>,
}

impl Engine {
    /// Reads and checks a workbook against the service; writes nothing.
    async fn plan_import(&self, caller: &Caller, bytes: &[u8]) -> Result<Plan> {
        caller.require_admin()?;
        let book = bytes.to_vec();
        let (agent_rows, type_rows) = tokio::task::spawn_blocking(move || read_book(&book))
            .await
            .map_err(|e| Error::Internal(format!("import: {e}")))??;
        let mut preview = ImportPreview::default();
        let mut agents = Vec::new();
        let taken = store::agents::all_emails(self.db.ex()).await?;
        let mut seen: HashSet<String> = HashSet::new();
        for (row, cells) in agent_rows.unwrap_or_default() {
            let cell = |i: usize| cells.get(i).cloned().unwrap_or_default();
            let (name, email, role_s, perm_s) = (cell(0), cell(1), cell(2), cell(3));
            let normal = validate::normalize_email(&email);
            let role = role_of(&role_s);
            let perm = yes_no(&perm_s);
            let (error, code): (Option<String>, Option<&str>) =
                if let Err(e) = validate::name("name", &name) {
                    (Some(format!("name {}", e.reason)), Some("name_invalid"))
                } else if let Err(e) = validate::email("email", &email) {
                    (Some(format!("email {}", e.reason)), Some("email_invalid"))
                } else if taken.contains(&normal) {
                    (
                        Some(format!("an account with {normal} exists already")),
                        Some("email_taken"),
                    )
                } else if !seen.insert(normal.clone()) {
                    (
                        Some(format!("{normal} is in the sheet twice")),
                        Some("email_twice"),
                    )
                } else if role.is_none() {
                    (
                        Some(format!("role `{role_s}` must be admin or agent")),
                        Some("role_unknown"),
                    )
                } else if perm.is_none() {
                    (
                        Some(format!("chat permission `{perm_s}` must be Y or N")),
                        Some("permission_unknown"),
                    )
                } else {
                    (None, None)
                };
            if error.is_none() {
                agents.push(NewAgent {
                    name: name.trim().to_owned(),
                    email: normal.clone(),
                    role: role.unwrap_or(Role::Agent),
                    chat_permission: perm.unwrap_or(true),
                });
            }
            preview.agents.push(ImportAgentRow {
                row,
                name,
                email: normal,
                role: role.unwrap_or(Role::Agent).as_str().to_owned(),
                chat_permission: perm.unwrap_or(true),
                error,
                error_code: code.map(str::to_owned),
            });
        }
        // the tree as it is: every existing path (reused, never an error)
        let existing_paths = self.category_paths(caller.service_id().0).await?;
        let mut planned: HashSet<Vec<String>> = existing_paths;
        let mut paths = Vec::new();
        for (row, cells) in type_rows.unwrap_or_default() {
            let levels: Vec<String> = cells.iter().map(|c| c.trim().to_owned()).collect();
            let last = levels.iter().rposition(|c| !c.is_empty()).unwrap_or(0);
            let path: Vec<String> = levels[..=last].to_vec();
            let (error, code): (Option<String>, Option<&str>) = if last >= 3 {
                (
                    Some("a fourth level: handling types have at most three".to_owned()),
                    Some("level_fourth"),
                )
            } else if path.iter().any(String::is_empty) {
                (
                    Some("an empty level in the middle of the path".to_owned()),
                    Some("level_gap"),
                )
            } else if let Some(e) = path.iter().find_map(|n| validate::name("name", n).err()) {
                (
                    Some(format!("name {}", e.reason)),
                    Some("type_name_invalid"),
                )
            } else {
                (None, None)
            };
            let mut creates = 0;
            if error.is_none() {
                for depth in 1..=path.len() {
                    if planned.insert(path[..depth].to_vec()) {
                        creates += 1;
                    }
                }
                paths.push(path.clone());
            }
            preview.categories_to_create += creates;
            preview.categories.push(ImportCategoryRow {
                row,
                path,
                creates,
                error,
                error_code: code.map(str::to_owned),
            });
        }
        preview.errors = (preview.agents.iter().filter(|r| r.error.is_some()).count()
            + preview
                .categories
                .iter()
                .filter(|r| r.error.is_some())
                .count()) as u32;
        preview.agents_to_create = agents.len() as u32;
        Ok(Plan {
            preview,
            agents,
            paths,
        })
    }

    /// Every existing handling-type path of the service (names from the top).
    async fn category_paths(&self, service: i64) -> Result<HashSet<Vec<String>>> {
        let tree = crate::store::categories::tree(self.db.ex(), service).await?;
        let out = tree
            .all()
            .iter()
            .map(|c| tree.path(c.id).into_iter().map(|(_, name)| name).collect())
            .collect();
        Ok(out)
    }

    /// The preview of an import: every row and its error; nothing is written.
    pub async fn import_preview(&self, caller: &Caller, bytes: &[u8]) -> Result<ImportPreview> {
        Ok(self.plan_import(caller, bytes).await?.preview)
    }

    /// Imports a workbook: all of it in one transaction, or nothing when any row has an
    /// error (422 with the count). Created accounts get a generated password, answered
    /// once. Audited.
    pub async fn import(&self, caller: &Caller, bytes: &[u8]) -> Result<ImportDone> {
        let plan = self.plan_import(caller, bytes).await?;
        if plan.preview.errors > 0 {
            return Err(Error::rule(
                shared::ErrorCode::ImportHasErrors,
                format!(
                    "{} rows have errors; nothing was imported (see the preview)",
                    plan.preview.errors
                ),
            ));
        }
        // passwords hashed before the transaction (argon2 is slow on purpose)
        let mut accounts = Vec::new();
        for a in &plan.agents {
            let password = crate::auth::new_token("")
                .chars()
                .take(16)
                .collect::<String>();
            let hash = crate::password::hash(password.clone()).await?;
            accounts.push((a, password, hash));
        }
        let service = caller.service_id();
        let mut tx = self.write_tx().await?;
        for (a, _, hash) in &accounts {
            crate::accounts::insert(tx.ex(), service, a, hash).await?;
        }
        // the tree: each path's missing levels, parents first
        let mut ids: HashMap<Vec<String>, i64> = HashMap::new();
        let mut created = 0u32;
        for path in &plan.paths {
            let mut parent: Option<i64> = None;
            for depth in 1..=path.len() {
                let key = path[..depth].to_vec();
                if let Some(id) = ids.get(&key) {
                    parent = Some(*id);
                    continue;
                }
                let name = &path[depth - 1];
                let found = store::categories::child_named(tx.ex(), service, parent, name).await?;
                let id = match found {
                    Some(id) => id,
                    None => {
                        let position =
                            store::categories::next_position(tx.ex(), service, parent).await?;
                        created += 1;
                        store::categories::insert(
                            tx.ex(),
                            service.0,
                            parent.map(CategoryId),
                            name,
                            position,
                            chrono::Utc::now(),
                        )
                        .await?
                        .0
                    }
                };
                ids.insert(key, id);
                parent = Some(id);
            }
        }
        store::audit::record_service(
            tx.ex(),
            service,
            Some(caller.agent_id().0),
            "import",
            &serde_json::json!({"agents": accounts.len(), "categories": created}),
            chrono::Utc::now(),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            service = service.0,
            agents = accounts.len(),
            categories = created,
            "import"
        );
        Ok(ImportDone {
            agents: accounts
                .into_iter()
                .map(|(a, password, _)| CreatedAccount {
                    name: a.name.clone(),
                    email: a.email.clone(),
                    password,
                })
                .collect(),
            categories_created: created,
        })
    }
}

/// The template the admin screen offers: both sheets with their headers and an example
/// row each.
pub fn template() -> Result<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let fail = |e: rust_xlsxwriter::XlsxError| Error::Internal(format!("template: {e}"));
    let sheet = book.add_worksheet();
    sheet.set_name("상담원").map_err(fail)?;
    for (c, h) in ["이름", "이메일", "역할 (admin/agent)", "채팅 권한 (Y/N)"]
        .iter()
        .enumerate()
    {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(fail)?;
        sheet.set_column_width(c as u16, 24).map_err(fail)?;
    }
    for (c, v) in ["홍길동", "gildong@example.com", "agent", "Y"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16, *v).map_err(fail)?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name("처리유형").map_err(fail)?;
    for (c, h) in ["1단계", "2단계", "3단계"].iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(fail)?;
        sheet.set_column_width(c as u16, 20).map_err(fail)?;
    }
    for (r, row) in [
        ["주문·결제", "결제 오류", "카드 결제"],
        ["배송", "배송 조회", ""],
    ]
    .iter()
    .enumerate()
    {
        for (c, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
            sheet
                .write_string(r as u32 + 1, c as u16, *v)
                .map_err(fail)?;
        }
    }
    book.save_to_buffer().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_permissions_in_both_languages() {
        assert_eq!(role_of("관리자"), Some(Role::Admin));
        assert_eq!(role_of("Agent"), Some(Role::Agent));
        assert_eq!(role_of("boss"), None);
        assert_eq!(yes_no("예"), Some(true));
        assert_eq!(yes_no("x"), Some(false));
        assert_eq!(yes_no("maybe"), None);
    }

    #[test]
    fn the_template_reads_back_without_errors() {
        let bytes = template().unwrap();
        let (agents, types) = read_book(&bytes).unwrap();
        assert_eq!(agents.unwrap()[0].1[1], "gildong@example.com");
        assert_eq!(types.unwrap().len(), 2);
    }

    #[test]
    fn a_zip_bomb_is_refused_before_it_is_inflated() {
        use std::io::Write;
        let mut buf = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            z.start_file(
                "xl/worksheets/sheet1.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            let zeros = vec![0u8; 1024 * 1024];
            for _ in 0..60 {
                z.write_all(&zeros).unwrap();
            }
            z.finish().unwrap();
        }
        let err = check_zip(buf.get_ref()).unwrap_err().to_string();
        assert!(err.contains("zip bomb") || err.contains("50 MB"), "{err}");
        assert!(check_zip(b"not a zip").is_err());
    }
}
