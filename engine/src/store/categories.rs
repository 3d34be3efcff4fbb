//! The `categories` table (handling types) and the one walker of its tree: depth,
//! everything below a type, and a type's path of names — read the same way by the
//! admin's screen, the reports' filter and the Excel import.

use std::collections::{HashMap, HashSet};

use shared::{Category, CategoryId, ServiceId};

use crate::db::{self, Ex};
use crate::error::Result;

/// Deeper chains than this are cut (the product allows three levels; a cycle written
/// by hand cannot loop).
const MAX_WALK: usize = 10;

/// A service's handling types, flat, ordered by depth, position and id.
#[derive(Clone, Debug, Default)]
pub(crate) struct CategoryTree {
    flat: Vec<Category>,
    parent: HashMap<CategoryId, Option<CategoryId>>,
}

impl CategoryTree {
    /// The tree of these rows, each given its depth (1 at the top).
    pub(crate) fn of(mut flat: Vec<Category>) -> CategoryTree {
        let parent: HashMap<CategoryId, Option<CategoryId>> =
            flat.iter().map(|c| (c.id, c.parent_id)).collect();
        let tree = CategoryTree {
            flat: Vec::new(),
            parent,
        };
        for c in &mut flat {
            c.depth = u8::try_from(tree.up(c.id).len()).unwrap_or(u8::MAX);
        }
        flat.sort_by_key(|c| (c.depth, c.position, c.id));
        CategoryTree { flat, ..tree }
    }

    /// The ids from `id` up to its top (`id` first); empty for an unknown id.
    fn up(&self, id: CategoryId) -> Vec<CategoryId> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut at = Some(id);
        while let Some(c) = at.filter(|c| self.parent.contains_key(c) && seen.insert(*c)) {
            out.push(c);
            if out.len() >= MAX_WALK {
                break;
            }
            at = self.parent[&c];
        }
        out
    }

    pub(crate) fn all(&self) -> &[Category] {
        &self.flat
    }

    pub(crate) fn into_vec(self) -> Vec<Category> {
        self.flat
    }

    pub(crate) fn get(&self, id: CategoryId) -> Option<&Category> {
        self.flat.iter().find(|c| c.id == id)
    }

    /// `root` and every type below it.
    pub(crate) fn below(&self, root: CategoryId) -> Vec<CategoryId> {
        let mut out = vec![root];
        let mut i = 0;
        while i < out.len() {
            let id = out[i];
            out.extend(
                self.flat
                    .iter()
                    .filter(|c| c.parent_id == Some(id))
                    .map(|c| c.id),
            );
            i += 1;
        }
        out
    }

    /// A type's path from the top down, as (id, name); empty for an unknown id.
    pub(crate) fn path(&self, id: CategoryId) -> Vec<(CategoryId, String)> {
        let mut path: Vec<(CategoryId, String)> = self
            .up(id)
            .into_iter()
            .filter_map(|c| self.get(c).map(|k| (c, k.name.clone())))
            .collect();
        path.reverse();
        path
    }
}

/// Every handling type of a service, with whether a chat uses it.
pub(crate) async fn tree(mut ex: Ex<'_>, service: i64) -> Result<CategoryTree> {
    let flat = db::query(
        "SELECT k.id, k.parent_id, k.name, k.position, k.enabled,
                EXISTS (SELECT 1 FROM chats c WHERE c.category_id = k.id) AS in_use
         FROM categories k WHERE k.service_id = ?",
    )
    .bind(service)
    .fetch_all(ex.ex())
    .await?
    .iter()
    .map(|r| -> Result<Category> {
        Ok(Category {
            id: CategoryId(r.try_get("id")?),
            parent_id: r.try_get::<Option<i64>, _>("parent_id")?.map(CategoryId),
            name: r.try_get("name")?,
            position: r.try_get("position")?,
            enabled: r.try_get("enabled")?,
            depth: 0,
            in_use: r.try_get("in_use")?,
        })
    })
    .collect::<Result<_>>()?;
    Ok(CategoryTree::of(flat))
}

/// Stores a new handling type; answers its id.
pub(crate) async fn insert(
    mut ex: Ex<'_>,
    service: i64,
    parent: Option<CategoryId>,
    name: &str,
    position: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<CategoryId> {
    let id: i64 = db::query_scalar(
        "INSERT INTO categories (service_id, parent_id, name, position, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(service)
    .bind(parent.map(|p| p.0))
    .bind(name)
    .bind(position)
    .bind(now)
    .fetch_one(ex.ex())
    .await?;
    Ok(CategoryId(id))
}

pub(crate) async fn rename(mut ex: Ex<'_>, id: CategoryId, name: &str) -> Result<()> {
    db::query("UPDATE categories SET name = ? WHERE id = ?")
        .bind(name)
        .bind(id.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

pub(crate) async fn set_enabled(mut ex: Ex<'_>, id: CategoryId, enabled: bool) -> Result<()> {
    db::query("UPDATE categories SET enabled = ? WHERE id = ?")
        .bind(enabled)
        .bind(id.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

pub(crate) async fn set_position(mut ex: Ex<'_>, id: CategoryId, position: i64) -> Result<()> {
    db::query("UPDATE categories SET position = ? WHERE id = ?")
        .bind(position)
        .bind(id.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

pub(crate) async fn delete(mut ex: Ex<'_>, id: CategoryId) -> Result<()> {
    db::query("DELETE FROM categories WHERE id = ?")
        .bind(id.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// The handling type named `name` directly under `parent` (the top level for `None`).
pub(crate) async fn child_named(
    mut ex: Ex<'_>,
    service: ServiceId,
    parent: Option<i64>,
    name: &str,
) -> Result<Option<i64>> {
    Ok(db::query_scalar(
        "SELECT id FROM categories WHERE service_id = ? AND name = ?
           AND ((? IS NULL AND parent_id IS NULL) OR parent_id = ?)",
    )
    .bind(service.0)
    .bind(name)
    .bind(parent)
    .bind(parent)
    .fetch_optional(ex.ex())
    .await?)
}

/// The position after the last of `parent`'s children (the top level for `None`).
pub(crate) async fn next_position(
    mut ex: Ex<'_>,
    service: ServiceId,
    parent: Option<i64>,
) -> Result<i64> {
    Ok(db::query_scalar(
        "SELECT COALESCE(MAX(position) + 1, 0) FROM categories WHERE service_id = ?
           AND ((? IS NULL AND parent_id IS NULL) OR parent_id = ?)",
    )
    .bind(service.0)
    .bind(parent)
    .bind(parent)
    .fetch_one(ex.ex())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(id: i64, parent: Option<i64>, name: &str) -> Category {
        Category {
            id: CategoryId(id),
            parent_id: parent.map(CategoryId),
            name: name.into(),
            position: 0,
            enabled: true,
            depth: 0,
            in_use: false,
        }
    }

    #[test]
    fn one_walker_gives_depths_subtrees_and_paths() {
        let tree = CategoryTree::of(vec![
            k(3, Some(2), "본인인증"),
            k(1, None, "회원"),
            k(2, Some(1), "가입"),
            k(4, None, "배송"),
        ]);
        let depths: Vec<(i64, u8)> = tree.all().iter().map(|c| (c.id.0, c.depth)).collect();
        assert_eq!(depths, [(1, 1), (4, 1), (2, 2), (3, 3)]);
        let mut b = tree.below(CategoryId(1));
        b.sort();
        assert_eq!(b, [CategoryId(1), CategoryId(2), CategoryId(3)]);
        assert_eq!(tree.below(CategoryId(4)), [CategoryId(4)]);
        let names: Vec<String> = tree
            .path(CategoryId(3))
            .into_iter()
            .map(|(_, n)| n)
            .collect();
        assert_eq!(names, ["회원", "가입", "본인인증"]);
        assert_eq!(tree.path(CategoryId(2))[0].0, CategoryId(1));
        assert!(tree.path(CategoryId(0)).is_empty());
    }

    #[test]
    fn a_cycle_written_by_hand_does_not_loop() {
        let tree = CategoryTree::of(vec![k(1, Some(2), "a"), k(2, Some(1), "b")]);
        assert_eq!(tree.path(CategoryId(1)).len(), 2);
        assert!(tree.all().iter().all(|c| c.depth == 2));
    }
}
