//! Command line and environment configuration (clap, every flag with an env fallback).

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand};

/// The default database: a SQLite file under `./data`, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/online-contact.db";

#[derive(Debug, Parser)]
#[command(
    name = "online-contact",
    version,
    about = "Online Contact: live chat for contact centers"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (help center, console, admin, API, WebSocket).
    Serve(ServeArgs),
    /// Manage services (tenants).
    #[command(subcommand)]
    Service(ServiceCommand),
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

    #[test]
    fn demo_flag_forms() {
        let Command::Serve(a) = Cli::try_parse_from(["online-contact", "serve", "--demo"])
            .unwrap()
            .command
        else {
            panic!()
        };
        assert!(a.demo);
        assert_eq!(a.addr.to_string(), "127.0.0.1:3000");
    }
}
