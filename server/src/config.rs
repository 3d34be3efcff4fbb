//! Command line and environment configuration (clap, every flag with an env fallback).

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand};
use engine::{Limits, Rate};

/// The default database: a SQLite file under `./data`, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/online-contact.db";

#[derive(Debug, Parser)]
#[command(
    name = "online-contact",
    version,
    about = "Online Contact: live chat for contact centers"
)]
pub struct Cli {
    /// Without a command the server runs (`serve`, flags from the environment): what
    /// `cargo leptos watch` does, which starts the binary with no arguments (issue 17).
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The command to run: the one given, else `serve` from the environment, with the
    /// demo data on under `cargo leptos watch` (it sets `LEPTOS_WATCH`; a development
    /// loop without accounts is no loop) unless `OC_DEMO` says otherwise. A bare
    /// `online-contact` outside cargo-leptos serves without demo data.
    pub fn command(self) -> Command {
        self.command.unwrap_or_else(|| {
            let watch = std::env::var_os("LEPTOS_WATCH").is_some();
            Command::Serve(ServeArgs::from_env(watch))
        })
    }
}

impl ServeArgs {
    /// `serve`'s flags as if none were given: environment variables and defaults
    /// (the address also from cargo-leptos's `LEPTOS_SITE_ADDR` when `OC_ADDR` is not
    /// set); `demo_by_default` turns the demo on when `OC_DEMO` is not set.
    pub fn from_env(demo_by_default: bool) -> ServeArgs {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Serve::command().get_matches_from(["serve"]);
        let mut args = Serve::from_arg_matches(&matches)
            .expect("serve's flags all have defaults")
            .args;
        if demo_by_default && std::env::var_os("OC_DEMO").is_none() {
            args.demo = true;
        }
        // cargo-leptos names the address it opens the browser on and live-reloads
        if std::env::var_os("OC_ADDR").is_none()
            && let Some(addr) = std::env::var("LEPTOS_SITE_ADDR")
                .ok()
                .and_then(|a| a.parse().ok())
        {
            args.addr = addr;
        }
        args
    }
}

/// `serve` alone, to read its flags from the environment.
#[derive(Debug, Parser)]
struct Serve {
    #[command(flatten)]
    args: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (help center, console, admin, API, WebSocket).
    Serve(ServeArgs),
    /// Manage services (tenants).
    #[command(subcommand)]
    Service(ServiceCommand),
    /// The report rollups (issue 20).
    #[command(subcommand)]
    Reports(ReportsCommand),
    /// A consistent copy of the SQLite database, taken while the server runs (issue 21;
    /// PostgreSQL: pg_dump).
    Backup(BackupArgs),
    /// Put a backup in place of the SQLite database (stop the server first).
    Restore(RestoreArgs),
}

#[derive(Clone, Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The backup file to write (must not exist).
    #[arg(long)]
    pub to: PathBuf,
}

#[derive(Clone, Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The backup file to restore.
    #[arg(long)]
    pub from: PathBuf,
    /// Replace an existing database.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum ReportsCommand {
    /// Recompute a service's report rollups from its chats (after loading chats behind
    /// the server's back, or to check them); safe while the server runs.
    Rebuild(RebuildReportsArgs),
}

#[derive(Clone, Debug, Args)]
pub struct RebuildReportsArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The service's slug.
    #[arg(long)]
    pub service: String,
}

#[derive(Debug, Subcommand)]
pub enum ServiceCommand {
    /// Create a service with its first admin.
    Create(CreateServiceArgs),
}

#[derive(Clone, Debug, Args)]
pub struct DatabaseArgs {
    /// Database URL; SQLite files are created with their migrations on start.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

#[derive(Clone, Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(long, env = "OC_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Make sure the demo service and accounts exist (changes nothing that exists).
    #[arg(long, env = "OC_DEMO", value_parser = clap::builder::BoolishValueParser::new(), default_value_t = false, num_args = 0..=1, default_missing_value = "true")]
    pub demo: bool,
    /// Directory with the built site (`pkg/` with the wasm, JS and CSS).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy you run).
    #[arg(long, env = "OC_TRUST_PROXY", value_parser = clap::builder::BoolishValueParser::new(), default_value_t = false, num_args = 0..=1, default_missing_value = "true")]
    pub trust_proxy: bool,
    /// Seconds an online agent may be without an open console (closed tab, lost
    /// network) before being set offline and their chats handed over.
    #[arg(long, env = "OC_PRESENCE_GRACE_SECS", default_value_t = 60)]
    pub presence_grace_secs: u64,
    /// The public address of this server (e.g. `https://chat.example.com`), used in the
    /// embed code; without it the request's Host is used.
    #[arg(long, env = "OC_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Mark session cookies `Secure` (serve over HTTPS).
    #[arg(long, env = "OC_SECURE_COOKIES", value_parser = clap::builder::BoolishValueParser::new(), default_value_t = false, num_args = 0..=1, default_missing_value = "true")]
    pub secure_cookies: bool,
    /// Serve `GET /metrics` (Prometheus) on the public port to requests with
    /// `Authorization: Bearer <this token>`; unset: not served there.
    #[arg(long, env = "OC_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Also serve `GET /metrics` without a token on this address (a private interface,
    /// e.g. `127.0.0.1:9464`).
    #[arg(long, env = "OC_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Let webhooks call loopback and private addresses (an intranet CRM); off, such
    /// URLs are refused (SSRF).
    #[arg(long, env = "OC_WEBHOOKS_ALLOW_PRIVATE", value_parser = clap::builder::BoolishValueParser::new(), default_value_t = false, num_args = 0..=1, default_missing_value = "true")]
    pub webhooks_allow_private: bool,
    /// Scales the webhook retry back-off (1: 10 s, 1 min, 5 min, 30 min, 2 h, 6 h).
    #[arg(
        long,
        env = "OC_WEBHOOK_RETRY_SCALE",
        default_value_t = 1.0,
        hide = true
    )]
    pub webhook_retry_scale: f64,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Limits on anonymous visitors (issue 15; `engine::limits`). Rates are
/// `COUNT/PERIOD` token buckets (`20/10m`: 20 at once, one more every 30 s) or `off`.
#[derive(Clone, Debug, Args)]
pub struct LimitArgs {
    /// Chat starts per client address (IPv6: per /64).
    #[arg(long = "limit-chat-starts-per-address", env = "OC_LIMIT_CHAT_STARTS_PER_ADDRESS", default_value_t = Limits::default().chat_starts_per_address)]
    pub chat_starts_per_address: Rate,
    /// Chat starts per visitor id (the widget's stable browser id).
    #[arg(long = "limit-chat-starts-per-visitor", env = "OC_LIMIT_CHAT_STARTS_PER_VISITOR", default_value_t = Limits::default().chat_starts_per_visitor)]
    pub chat_starts_per_visitor: Rate,
    /// 1:1 inquiries per client address.
    #[arg(long = "limit-inquiries-per-address", env = "OC_LIMIT_INQUIRIES_PER_ADDRESS", default_value_t = Limits::default().inquiries_per_address)]
    pub inquiries_per_address: Rate,
    /// Customer messages per chat (REST and WebSocket together).
    #[arg(long = "limit-customer-messages", env = "OC_LIMIT_CUSTOMER_MESSAGES", default_value_t = Limits::default().customer_messages_per_chat)]
    pub customer_messages_per_chat: Rate,
    /// Chats one visitor may have waiting or active at once (0: no limit).
    #[arg(long = "limit-open-chats-per-visitor", env = "OC_LIMIT_OPEN_CHATS_PER_VISITOR", default_value_t = Limits::default().open_chats_per_visitor)]
    pub open_chats_per_visitor: u32,
    /// Sockets one customer token may hold open per instance (0: no limit).
    #[arg(long = "limit-sockets-per-customer", env = "OC_LIMIT_SOCKETS_PER_CUSTOMER", default_value_t = Limits::default().sockets_per_customer)]
    pub sockets_per_customer: u32,
}

impl From<&LimitArgs> for Limits {
    fn from(a: &LimitArgs) -> Limits {
        Limits {
            chat_starts_per_address: a.chat_starts_per_address,
            chat_starts_per_visitor: a.chat_starts_per_visitor,
            inquiries_per_address: a.inquiries_per_address,
            customer_messages_per_chat: a.customer_messages_per_chat,
            open_chats_per_visitor: a.open_chats_per_visitor,
            sockets_per_customer: a.sockets_per_customer,
        }
    }
}

impl From<Limits> for LimitArgs {
    fn from(l: Limits) -> LimitArgs {
        LimitArgs {
            chat_starts_per_address: l.chat_starts_per_address,
            chat_starts_per_visitor: l.chat_starts_per_visitor,
            inquiries_per_address: l.inquiries_per_address,
            customer_messages_per_chat: l.customer_messages_per_chat,
            open_chats_per_visitor: l.open_chats_per_visitor,
            sockets_per_customer: l.sockets_per_customer,
        }
    }
}

#[derive(Clone, Debug, Args)]
pub struct CreateServiceArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// URL name of the service: its help center is `/hc/{slug}`.
    #[arg(long)]
    pub slug: String,
    /// Display name.
    #[arg(long)]
    pub name: String,
    /// Name of the first admin.
    #[arg(long, default_value = "Admin")]
    pub admin_name: String,
    #[arg(long)]
    pub admin_email: String,
    /// At least 8 characters.
    #[arg(long, env = "OC_ADMIN_PASSWORD")]
    pub admin_password: Secret,
}

/// A string that never shows in `Debug` output or logs.
#[derive(Clone)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_and_defaults_hold() {
        let cli = Cli::try_parse_from([
            "online-contact",
            "service",
            "create",
            "--slug",
            "acme",
            "--name",
            "Acme",
            "--admin-email",
            "a@acme.test",
            "--admin-password",
            "hunter22hunter",
        ])
        .unwrap();
        let dbg = format!("{cli:?}");
        assert!(!dbg.contains("hunter22hunter"), "{dbg}");
        assert!(dbg.contains(DEFAULT_DATABASE_URL));
    }

    /// Issue 17: `cargo leptos watch` runs the binary without arguments; that serves
    /// (with the demo only when asked for, here: not).
    #[test]
    fn no_command_serves() {
        let cli = Cli::try_parse_from(["online-contact"]).unwrap();
        assert!(cli.command.is_none());
        let Command::Serve(args) = cli.command() else {
            panic!("no command should serve");
        };
        assert!(!args.site_root.as_os_str().is_empty());
        let watch = ServeArgs::from_env(true);
        assert_eq!(watch.demo, std::env::var_os("OC_DEMO").is_none());
    }

    #[test]
    fn demo_flag_forms() {
        let Command::Serve(a) = Cli::try_parse_from(["online-contact", "serve", "--demo"])
            .unwrap()
            .command()
        else {
            panic!()
        };
        assert!(a.demo);
        assert_eq!(a.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(Limits::from(&a.limits), Limits::default(), "limit defaults");
    }

    #[test]
    fn limits_from_flags() {
        let Command::Serve(a) = Cli::try_parse_from([
            "online-contact",
            "serve",
            "--limit-chat-starts-per-address",
            "off",
            "--limit-customer-messages",
            "10/1s",
            "--limit-open-chats-per-visitor",
            "0",
        ])
        .unwrap()
        .command() else {
            panic!()
        };
        let l = Limits::from(&a.limits);
        assert_eq!(l.chat_starts_per_address, Rate::OFF);
        assert_eq!(l.customer_messages_per_chat.to_string(), "10/1s");
        assert_eq!(l.open_chats_per_visitor, 0);
        assert!(
            Cli::try_parse_from([
                "online-contact",
                "serve",
                "--limit-inquiries-per-address",
                "lots"
            ])
            .is_err()
        );
    }
}
