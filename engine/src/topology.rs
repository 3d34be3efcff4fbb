//! How many processes share this installation, decided once at start-up (issue 16).
//!
//! A SQLite database belongs to one process; a PostgreSQL database may be shared by
//! several instances behind a load balancer. The few concerns that differ ask the
//! engine's [`Topology`] — never the database kind — so the choice is made in one place:
//!
//! | concern | `Single` | `Shared` |
//! |---|---|---|
//! | login throttle places | this process's memory | rows under advisory locks |
//! | agent presence | this process's socket counts | also mirrored to `agent_sockets` |
//! | live events | the in-process hub | the hub plus the LISTEN/NOTIFY bus |
//! | masking key | `mask.key` beside the database allowed | `OC_MASK_KEY` required |
//! | spilled bus events | none | deleted when their text is masked |
//!
//! Export jobs and their files live in the database under both (a job started on one
//! instance is followed and downloaded on another), so they need no choice.

/// One process, or several on one database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topology {
    /// The only process of the installation (SQLite).
    Single,
    /// One of several instances sharing a PostgreSQL database.
    Shared,
}

impl Topology {
    /// The topology a database URL implies.
    pub fn of_database_url(url: &str) -> Topology {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Topology::Shared
        } else {
            Topology::Single
        }
    }

    pub fn is_shared(self) -> bool {
        self == Topology::Shared
    }
}

#[cfg(test)]
mod tests {
    use super::Topology;

    #[test]
    fn the_database_decides_the_topology() {
        for (url, want) in [
            ("sqlite://data/oc.db", Topology::Single),
            ("sqlite::memory:", Topology::Single),
            ("postgres://oc@db/oc", Topology::Shared),
            ("postgresql://oc@db/oc", Topology::Shared),
        ] {
            assert_eq!(Topology::of_database_url(url), want, "{url}");
        }
    }
}
