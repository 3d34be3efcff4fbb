//! Values of the storage seam: what is bound as a parameter ([`Bind`]) and what a
//! cell is read as ([`Decode`]), the same for both drivers.

use chrono::{DateTime, Utc};

/// The type of a NULL, which PostgreSQL needs to know to accept it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Real,
    Text,
    Bytes,
    Time,
}

/// One bound parameter or one cell of a result row.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null(Kind),
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
    Time(DateTime<Utc>),
}

/// Something that can be bound as a parameter.
pub(crate) trait Bind {
    fn into_value(self) -> Value;
    /// The kind of a NULL of this type.
    fn kind() -> Kind;
}

macro_rules! bind_int {
    ($($t:ty),*) => {$(
        impl Bind for $t {
            fn into_value(self) -> Value {
                Value::Int(self as i64)
            }
            fn kind() -> Kind {
                Kind::Int
            }
        }
    )*};
}
bind_int!(i64, i32, u32, u8);

impl Bind for usize {
    fn into_value(self) -> Value {
        Value::Int(i64::try_from(self).unwrap_or(i64::MAX))
    }
    fn kind() -> Kind {
        Kind::Int
    }
}

impl Bind for bool {
    /// Flags are 0/1 integers in both schemas.
    fn into_value(self) -> Value {
        Value::Int(i64::from(self))
    }
    fn kind() -> Kind {
        Kind::Int
    }
}

impl Bind for f64 {
    fn into_value(self) -> Value {
        Value::Real(self)
    }
    fn kind() -> Kind {
        Kind::Real
    }
}

impl Bind for String {
    fn into_value(self) -> Value {
        Value::Text(self)
    }
    fn kind() -> Kind {
        Kind::Text
    }
}

impl Bind for &str {
    fn into_value(self) -> Value {
        Value::Text(self.to_owned())
    }
    fn kind() -> Kind {
        Kind::Text
    }
}

impl Bind for &String {
    fn into_value(self) -> Value {
        Value::Text(self.clone())
    }
    fn kind() -> Kind {
        Kind::Text
    }
}

impl Bind for Vec<u8> {
    fn into_value(self) -> Value {
        Value::Bytes(self)
    }
    fn kind() -> Kind {
        Kind::Bytes
    }
}

impl Bind for &[u8] {
    fn into_value(self) -> Value {
        Value::Bytes(self.to_vec())
    }
    fn kind() -> Kind {
        Kind::Bytes
    }
}

impl<const N: usize> Bind for &[u8; N] {
    fn into_value(self) -> Value {
        Value::Bytes(self.to_vec())
    }
    fn kind() -> Kind {
        Kind::Bytes
    }
}

impl Bind for DateTime<Utc> {
    fn into_value(self) -> Value {
        Value::Time(self)
    }
    fn kind() -> Kind {
        Kind::Time
    }
}

impl Bind for Value {
    fn into_value(self) -> Value {
        self
    }
    fn kind() -> Kind {
        Kind::Text
    }
}

impl<T: Bind + Clone> Bind for &Option<T> {
    fn into_value(self) -> Value {
        self.clone().into_value()
    }
    fn kind() -> Kind {
        T::kind()
    }
}

impl<T: Bind> Bind for Option<T> {
    fn into_value(self) -> Value {
        match self {
            Some(v) => v.into_value(),
            None => Value::Null(T::kind()),
        }
    }
    fn kind() -> Kind {
        T::kind()
    }
}

/// Something a cell can be read as.
pub(crate) trait Decode<'r>: Sized {
    fn decode(v: &'r Value) -> std::result::Result<Self, String>;
}

fn mismatch<T>(want: &str, v: &Value) -> std::result::Result<T, String> {
    Err(format!("expected {want}, found {v:?}"))
}

impl Decode<'_> for i64 {
    fn decode(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Int(i) => Ok(*i),
            _ => mismatch("an integer", v),
        }
    }
}

impl Decode<'_> for i32 {
    fn decode(v: &Value) -> std::result::Result<Self, String> {
        i32::try_from(i64::decode(v)?).map_err(|e| e.to_string())
    }
}

impl Decode<'_> for u32 {
    fn decode(v: &Value) -> std::result::Result<Self, String> {
        u32::try_from(i64::decode(v)?).map_err(|e| e.to_string())
    }
}

impl Decode<'_> for u8 {
    fn decode(v: &Value) -> std::result::Result<Self, String> {
        u8::try_from(i64::decode(v)?).map_err(|e| e.to_string())
    }
}

impl Decode<'_> for bool {
    fn decode(v: &Value) -> std::result::Result<Self, String> {
        Ok(i64::decode(v)? != 0)
    }
}

impl Decode<'_> for f64 {
    fn decode(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Real(f) => Ok(*f),
            Value::Int(i) => Ok(*i as f64),
            _ => mismatch("a number", v),
        }
    }
}

impl<'r> Decode<'r> for &'r str {
    fn decode(v: &'r Value) -> std::result::Result<Self, String> {
        match v {
            Value::Text(s) => Ok(s),
            _ => mismatch("text", v),
        }
    }
}

impl Decode<'_> for String {
    fn decode(v: &Value) -> std::result::Result<Self, String> {
        <&str>::decode(v).map(str::to_owned)
    }
}

impl<'r> Decode<'r> for &'r [u8] {
    fn decode(v: &'r Value) -> std::result::Result<Self, String> {
        match v {
            Value::Bytes(b) => Ok(b),
            _ => mismatch("bytes", v),
        }
    }
}

impl Decode<'_> for Vec<u8> {
    fn decode(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Bytes(b) => Ok(b.clone()),
            _ => mismatch("bytes", v),
        }
    }
}

impl Decode<'_> for DateTime<Utc> {
    /// `TIMESTAMPTZ` from PostgreSQL; RFC 3339 text (as sqlx writes it) from SQLite.
    fn decode(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Time(t) => Ok(*t),
            Value::Text(s) => parse_time(s).ok_or_else(|| format!("not a time: {s:?}")),
            _ => mismatch("a time", v),
        }
    }
}

impl Decode<'_> for Value {
    fn decode(v: &Value) -> std::result::Result<Self, String> {
        Ok(v.clone())
    }
}

impl<'r, T: Decode<'r>> Decode<'r> for Option<T> {
    fn decode(v: &'r Value) -> std::result::Result<Self, String> {
        match v {
            Value::Null(_) => Ok(None),
            _ => T::decode(v).map(Some),
        }
    }
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_str(s, "%F %T%.f%:z") {
        return Some(t.with_timezone(&Utc));
    }
    chrono::NaiveDateTime::parse_from_str(s, "%F %T%.f")
        .ok()
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::{Decode, Value, parse_time};

    #[test]
    fn times_read_from_sqlite_text() {
        let t = parse_time("2026-11-24T10:56:23.123456+00:00").unwrap();
        assert_eq!(t.timestamp_subsec_micros(), 123456);
        assert_eq!(
            parse_time("2026-11-24 10:56:23+00:00"),
            parse_time("2026-11-24T10:56:23Z")
        );
        assert!(parse_time("yesterday").is_none());
        let v = Value::Text("2026-11-24T10:56:23Z".into());
        assert!(<chrono::DateTime<chrono::Utc> as Decode>::decode(&v).is_ok());
    }
}
