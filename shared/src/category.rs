//! Handling-type categories (C-SET-6): a tree of at most three levels, and the pure
//! rules over it (depth, sibling order, what an agent may pick).

use serde::{Deserialize, Serialize};

use crate::ids::CategoryId;

/// Levels a category tree may have (1..=3, the guide's "1~3 뎁스").
pub const MAX_CATEGORY_DEPTH: u8 = 3;
/// Longest category name.
pub const MAX_CATEGORY_NAME_CHARS: usize = 50;

/// One category as stored, flat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: CategoryId,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub parent_id: Option<CategoryId>,
    pub name: String,
    /// Order among its siblings (ascending).
    pub position: i64,
    pub enabled: bool,
    /// 1 for a top-level category.
    pub depth: u8,
    /// Some chat uses it (so deleting it disables it instead).
    pub in_use: bool,
}

/// A category with its children, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryNode {
    pub category: Category,
    pub children: Vec<CategoryNode>,
}

/// `POST /api/v1/categories`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewCategory {
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::category_name))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::id_or_null))]
    #[serde(default)]
    pub parent_id: Option<CategoryId>,
}

/// Which way to move a category among its siblings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum MoveDirection {
    Up,
    Down,
}

/// `PUT /api/v1/categories/{id}`: any subset.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryUpdate {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::category_name_or_null))]
    pub name: Option<String>,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default, rename = "move")]
    pub move_to: Option<MoveDirection>,
}

/// `DELETE /api/v1/categories/{id}`: removed, or (when in use) disabled instead.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryDeleted {
    pub deleted: bool,
    pub disabled: bool,
}

/// Whether a category at `parent_depth` may get a child.
pub fn can_have_child(parent_depth: u8) -> bool {
    parent_depth < MAX_CATEGORY_DEPTH
}

/// Builds the ordered tree from the flat list (siblings by position, then id).
/// Orphans (a parent not in the list) are dropped.
pub fn build_tree(flat: &[Category]) -> Vec<CategoryNode> {
    fn children(flat: &[Category], parent: Option<CategoryId>) -> Vec<CategoryNode> {
        let mut kids: Vec<&Category> = flat.iter().filter(|c| c.parent_id == parent).collect();
        kids.sort_by_key(|c| (c.position, c.id));
        kids.into_iter()
            .map(|c| CategoryNode {
                category: c.clone(),
                children: children(flat, Some(c.id)),
            })
            .collect()
    }
    children(flat, None)
}

/// Every category an agent may choose, as `(id, "A > B > C")` in tree order. A
/// category is choosable at any level when it and all its ancestors are enabled.
pub fn choosable_paths(tree: &[CategoryNode]) -> Vec<(CategoryId, String)> {
    fn walk(nodes: &[CategoryNode], prefix: &str, out: &mut Vec<(CategoryId, String)>) {
        for n in nodes.iter().filter(|n| n.category.enabled) {
            let path = if prefix.is_empty() {
                n.category.name.clone()
            } else {
                format!("{prefix} > {}", n.category.name)
            };
            out.push((n.category.id, path.clone()));
            walk(&n.children, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(tree, "", &mut out);
    out
}

/// The sibling to swap with when moving `id` up or down; `None` at either end.
pub fn swap_partner(
    siblings_in_order: &[CategoryId],
    id: CategoryId,
    dir: MoveDirection,
) -> Option<CategoryId> {
    let i = siblings_in_order.iter().position(|s| *s == id)?;
    match dir {
        MoveDirection::Up => i.checked_sub(1).map(|j| siblings_in_order[j]),
        MoveDirection::Down => siblings_in_order.get(i + 1).copied(),
    }
}

/// The request schemas of a handling type's fields (issue 30).
#[cfg(feature = "openapi")]
mod schemas {
    use utoipa::openapi::Object;

    /// 1 to [`super::MAX_CATEGORY_NAME_CHARS`] after trimming, no control character
    /// (`engine::categories`).
    pub fn category_name() -> Object {
        crate::schema::display_name(super::MAX_CATEGORY_NAME_CHARS, false)
    }

    /// A new name, or `null` (unchanged).
    pub fn category_name_or_null() -> Object {
        crate::schema::display_name(super::MAX_CATEGORY_NAME_CHARS, true)
    }
}

#[cfg(all(test, feature = "openapi"))]
mod schema_tests {
    use super::schemas::category_name;
    use crate::schema::check::agrees;

    #[test]
    fn category_names_as_the_rule_reads_them() {
        // engine::categories::check_name: trimmed, 1–50, no control character
        agrees(category_name(), |s| {
            let t = s.trim();
            !t.is_empty()
                && t.chars().count() <= super::MAX_CATEGORY_NAME_CHARS
                && !t.chars().any(char::is_control)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: i64, parent: Option<i64>, pos: i64, enabled: bool, depth: u8) -> Category {
        Category {
            id: CategoryId(id),
            parent_id: parent.map(CategoryId),
            name: format!("c{id}"),
            position: pos,
            enabled,
            depth,
            in_use: false,
        }
    }

    #[test]
    fn depth_rule() {
        assert!(can_have_child(1));
        assert!(can_have_child(2));
        assert!(!can_have_child(3), "a fourth level is refused");
    }

    #[test]
    fn tree_orders_siblings_by_position() {
        let flat = vec![
            c(1, None, 1, true, 1),
            c(2, None, 0, true, 1),
            c(3, Some(1), 5, true, 2),
            c(4, Some(1), 2, true, 2),
        ];
        let tree = build_tree(&flat);
        assert_eq!(
            tree.iter().map(|n| n.category.id.0).collect::<Vec<_>>(),
            [2, 1]
        );
        assert_eq!(
            tree[1]
                .children
                .iter()
                .map(|n| n.category.id.0)
                .collect::<Vec<_>>(),
            [4, 3]
        );
    }

    #[test]
    fn disabled_branches_are_not_choosable() {
        let mut flat = vec![
            c(1, None, 0, true, 1),
            c(2, Some(1), 0, true, 2),
            c(3, Some(2), 0, true, 3),
            c(4, None, 1, false, 1),
            c(5, Some(4), 0, true, 2),
        ];
        flat[0].name = "배송".into();
        flat[1].name = "지연".into();
        flat[2].name = "해외".into();
        let paths = choosable_paths(&build_tree(&flat));
        assert_eq!(
            paths,
            vec![
                (CategoryId(1), "배송".into()),
                (CategoryId(2), "배송 > 지연".into()),
                (CategoryId(3), "배송 > 지연 > 해외".into())
            ]
        );
    }

    #[test]
    fn moving_swaps_with_the_neighbour() {
        let s = [CategoryId(7), CategoryId(8), CategoryId(9)];
        assert_eq!(
            swap_partner(&s, CategoryId(8), MoveDirection::Up),
            Some(CategoryId(7))
        );
        assert_eq!(
            swap_partner(&s, CategoryId(8), MoveDirection::Down),
            Some(CategoryId(9))
        );
        assert_eq!(swap_partner(&s, CategoryId(7), MoveDirection::Up), None);
        assert_eq!(swap_partner(&s, CategoryId(9), MoveDirection::Down), None);
    }
}
