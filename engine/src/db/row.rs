//! Result rows of the storage seam: driver rows read into [`Row`]s of plain values,
//! cells looked up by name or position, and the [`FromRow`] mappers' trait.

use std::sync::Arc;

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Column, Row as _, TypeInfo, ValueRef};

use super::value::{Decode, Kind, Value};
use crate::error::Error;

/// A column chosen by position or by name.
pub(crate) trait ColumnIndex {
    fn position(&self, columns: &[String]) -> Option<usize>;
    /// The column as an error names it.
    fn name(&self) -> String;
}

impl ColumnIndex for usize {
    fn position(&self, columns: &[String]) -> Option<usize> {
        (*self < columns.len()).then_some(*self)
    }
    fn name(&self) -> String {
        format!("#{self}")
    }
}

impl ColumnIndex for &str {
    fn position(&self, columns: &[String]) -> Option<usize> {
        columns.iter().position(|c| c == self)
    }
    fn name(&self) -> String {
        (*self).to_owned()
    }
}

/// One result row.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    /// The cell at `index` as `T`, or a decoding error naming the column.
    pub(crate) fn try_get<'r, T: Decode<'r>, I: ColumnIndex>(
        &'r self,
        index: I,
    ) -> std::result::Result<T, sqlx::Error> {
        let i = index
            .position(&self.columns)
            .ok_or_else(|| sqlx::Error::ColumnNotFound(index.name()))?;
        T::decode(&self.values[i]).map_err(|e| sqlx::Error::ColumnDecode {
            index: self.columns[i].clone(),
            source: e.into(),
        })
    }
}

impl Row {
    /// A row of the given columns and cells (for the row mappers' unit tests).
    #[cfg(test)]
    pub(crate) fn of(columns: &[&str], values: Vec<Value>) -> Row {
        Row {
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            values,
        }
    }
}

/// A row shape: a struct built from a result row by its mapper. A missing column or a
/// cell of the wrong type is an error naming the column, never a panic (these run
/// inside the message writer and every page render).
pub(crate) trait FromRow: Sized {
    fn from_row(r: &Row) -> std::result::Result<Self, Error>;
}

fn sqlite_value(row: &SqliteRow, i: usize) -> std::result::Result<Value, sqlx::Error> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::Null(Kind::Text));
    }
    // the stored value's own type (SQLite columns are loosely typed)
    let name = raw.type_info().name().to_owned();
    Ok(match name.as_str() {
        "INTEGER" | "BOOLEAN" => Value::Int(row.try_get_unchecked(i)?),
        "REAL" => Value::Real(row.try_get_unchecked(i)?),
        "BLOB" => Value::Bytes(row.try_get_unchecked(i)?),
        _ => Value::Text(row.try_get_unchecked(i)?),
    })
}

fn pg_value(row: &PgRow, i: usize) -> std::result::Result<Value, sqlx::Error> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::Null(Kind::Text));
    }
    let name = row.columns()[i].type_info().name().to_owned();
    Ok(match name.as_str() {
        "INT8" => Value::Int(row.try_get_unchecked::<i64, _>(i)?),
        "INT4" => Value::Int(row.try_get_unchecked::<i32, _>(i)?.into()),
        "INT2" => Value::Int(row.try_get_unchecked::<i16, _>(i)?.into()),
        "BOOL" => Value::Int(row.try_get_unchecked::<bool, _>(i)?.into()),
        "FLOAT8" => Value::Real(row.try_get_unchecked(i)?),
        "FLOAT4" => Value::Real(row.try_get_unchecked::<f32, _>(i)?.into()),
        "BYTEA" => Value::Bytes(row.try_get_unchecked(i)?),
        "TIMESTAMPTZ" => Value::Time(row.try_get_unchecked(i)?),
        "TEXT" | "VARCHAR" | "NAME" | "BPCHAR" => Value::Text(row.try_get_unchecked(i)?),
        other => {
            return Err(sqlx::Error::ColumnDecode {
                index: row.columns()[i].name().to_owned(),
                source: format!("column type {other} is not read by the engine; cast it").into(),
            });
        }
    })
}

fn columns_of<R: sqlx::Row>(row: &R) -> Arc<[String]> {
    row.columns().iter().map(|c| c.name().to_owned()).collect()
}

/// Driver rows as [`Row`]s, reading each cell with the driver's `cell` reader.
fn rows_of<R: sqlx::Row>(
    rows: Vec<R>,
    cell: fn(&R, usize) -> std::result::Result<Value, sqlx::Error>,
) -> std::result::Result<Vec<Row>, sqlx::Error> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let columns = columns_of(first);
    rows.iter()
        .map(|r| {
            Ok(Row {
                columns: columns.clone(),
                values: (0..columns.len())
                    .map(|i| cell(r, i))
                    .collect::<std::result::Result<_, _>>()?,
            })
        })
        .collect()
}

pub(super) fn sqlite_rows(rows: Vec<SqliteRow>) -> std::result::Result<Vec<Row>, sqlx::Error> {
    rows_of(rows, sqlite_value)
}

pub(super) fn pg_rows(rows: Vec<PgRow>) -> std::result::Result<Vec<Row>, sqlx::Error> {
    rows_of(rows, pg_value)
}
