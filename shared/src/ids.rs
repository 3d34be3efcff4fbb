//! Id newtypes. Stored as integers, written on the wire as strings (API.md: "ids are
//! strings"), so a caller can never mix an agent id up with a service id.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                deserialize_id(d).map($name)
            }
        }
    };
}

/// Accepts `"42"` and, leniently, `42`.
fn deserialize_id<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = i64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an id (a string of digits)")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<i64, E> {
            v.trim()
                .parse()
                .map_err(|_| E::custom(format!("`{v}` is not an id")))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(|_| E::custom("id out of range"))
        }
    }
    d.deserialize_any(V)
}

id_type!(
    /// A service (tenant).
    ServiceId
);
id_type!(
    /// An agent or admin account.
    AgentId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_travel_as_strings() {
        assert_eq!(serde_json::to_string(&AgentId(7)).unwrap(), "\"7\"");
        let a: AgentId = serde_json::from_str("\"12\"").unwrap();
        assert_eq!(a, AgentId(12));
        let b: AgentId = serde_json::from_str("12").unwrap();
        assert_eq!(b, AgentId(12));
        assert!(serde_json::from_str::<AgentId>("\"x1\"").is_err());
    }
}

id_type!(
    /// A chat (one conversation between a customer and the service).
    ChatId
);
id_type!(
    /// A chat message.
    MessageId
);
id_type!(
    /// A ticket (from a chat or a 1:1 inquiry).
    TicketId
);
id_type!(
    /// A handling-type category.
    CategoryId
);
id_type!(
    /// A canned reply (상용구, issue 19).
    CannedId
);
