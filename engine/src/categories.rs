//! Handling-type categories (C-SET-6). All SQL on `categories` lives here; every query
//! is scoped to the caller's service, and only admins change the tree.

use crate::db::Ex;
use crate::store;
use chrono::Utc;
use shared::validate::Invalid;
use shared::{
    Category, CategoryDeleted, CategoryId, CategoryUpdate, MAX_CATEGORY_NAME_CHARS, NewCategory,
    can_have_child, swap_partner,
};

use crate::Engine;
use crate::caller::Caller;
use crate::error::{Error, Result};

fn check_name(name: &str) -> Result<String> {
    let n = name.trim();
    if n.is_empty()
        || n.chars().count() > MAX_CATEGORY_NAME_CHARS
        || n.chars().any(char::is_control)
    {
        return Err(Invalid {
            field: "name",
            reason: format!("must be 1 to {MAX_CATEGORY_NAME_CHARS} characters"),
        }
        .into());
    }
    Ok(n.to_owned())
}

/// Every category of a service with its depth and whether a chat uses it.
async fn load(conn: Ex<'_>, service: i64) -> Result<Vec<Category>> {
    Ok(store::categories::tree(conn, service).await?.into_vec())
}

impl Engine {
    /// The caller's service's categories, flat (use `shared::build_tree` for the tree).
    pub async fn categories(&self, caller: &Caller) -> Result<Vec<Category>> {
        let mut conn = self.db.acquire().await?;
        load(conn.ex(), caller.service_id().0).await
    }

    pub async fn create_category(&self, caller: &Caller, new: NewCategory) -> Result<Category> {
        caller.require_admin()?;
        let name = check_name(&new.name)?;
        let mut tx = self.write_tx().await?;
        let flat = load(tx.ex(), caller.service_id().0).await?;
        if let Some(parent) = new.parent_id {
            let p = flat
                .iter()
                .find(|c| c.id == parent)
                .ok_or(Error::NotFound("parent category"))?;
            if !can_have_child(p.depth) {
                return Err(Error::rule(
                    shared::ErrorCode::CategoryTooDeep,
                    "categories have at most 3 levels",
                ));
            }
        }
        let position = flat
            .iter()
            .filter(|c| c.parent_id == new.parent_id)
            .map(|c| c.position + 1)
            .max()
            .unwrap_or(0);
        let id = store::categories::insert(
            tx.ex(),
            caller.service_id().0,
            new.parent_id,
            &name,
            position,
            Utc::now(),
        )
        .await?;
        let created = load(tx.ex(), caller.service_id().0)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(Error::NotFound("category"))?;
        tx.commit().await?;
        Ok(created)
    }

    /// Rename, enable/disable, or move up/down among siblings.
    pub async fn update_category(
        &self,
        caller: &Caller,
        id: CategoryId,
        change: CategoryUpdate,
    ) -> Result<Category> {
        caller.require_admin()?;
        let name = change.name.as_deref().map(check_name).transpose()?;
        let mut tx = self.write_tx().await?;
        let flat = load(tx.ex(), caller.service_id().0).await?;
        let me = flat
            .iter()
            .find(|c| c.id == id)
            .ok_or(Error::NotFound("category"))?
            .clone();
        if let Some(name) = name {
            store::categories::rename(tx.ex(), id, &name).await?;
        }
        if let Some(enabled) = change.enabled {
            store::categories::set_enabled(tx.ex(), id, enabled).await?;
        }
        if let Some(dir) = change.move_to {
            let mut siblings: Vec<&Category> = flat
                .iter()
                .filter(|c| c.parent_id == me.parent_id)
                .collect();
            siblings.sort_by_key(|c| (c.position, c.id));
            let order: Vec<CategoryId> = siblings.iter().map(|c| c.id).collect();
            if let Some(other) = swap_partner(&order, id, dir) {
                // renumber the siblings 0..n with the two swapped, so equal positions cannot stick
                let mut order = order.clone();
                let (i, j) = (
                    order.iter().position(|c| *c == id).unwrap_or(0),
                    order.iter().position(|c| *c == other).unwrap_or(0),
                );
                order.swap(i, j);
                for (pos, cid) in order.iter().enumerate() {
                    store::categories::set_position(tx.ex(), *cid, pos as i64).await?;
                }
            }
        }
        let updated = load(tx.ex(), caller.service_id().0)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(Error::NotFound("category"))?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Deletes a category and its sub-categories; when any of them is used by a chat,
    /// disables them all instead so no chat loses its handling type.
    pub async fn delete_category(
        &self,
        caller: &Caller,
        id: CategoryId,
    ) -> Result<CategoryDeleted> {
        caller.require_admin()?;
        let mut tx = self.write_tx().await?;
        let tree = store::categories::tree(tx.ex(), caller.service_id().0).await?;
        if tree.get(id).is_none() {
            return Err(Error::NotFound("category"));
        }
        let ids = tree.below(id);
        let used = tree.all().iter().any(|c| ids.contains(&c.id) && c.in_use);
        for cid in ids.iter().rev() {
            if used {
                store::categories::set_enabled(tx.ex(), *cid, false).await?;
            } else {
                store::categories::delete(tx.ex(), *cid).await?;
            }
        }
        tx.commit().await?;
        Ok(CategoryDeleted {
            deleted: !used,
            disabled: used,
        })
    }

    /// Whether a category may be chosen for a chat of the caller's service: it exists
    /// there and it and its ancestors are enabled.
    pub(crate) async fn choosable_category(
        &self,
        conn: Ex<'_>,
        caller: &Caller,
        id: CategoryId,
    ) -> Result<()> {
        let flat = load(conn, caller.service_id().0).await?;
        let tree = shared::build_tree(&flat);
        if shared::choosable_paths(&tree).iter().any(|(c, _)| *c == id) {
            Ok(())
        } else {
            Err(Invalid {
                field: "category_id",
                reason: "is not an enabled category of this service".into(),
            }
            .into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(check_name("  배송  ").unwrap(), "배송");
        assert!(check_name(" ").is_err());
        assert!(check_name(&"가".repeat(MAX_CATEGORY_NAME_CHARS + 1)).is_err());
    }
}
