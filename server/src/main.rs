//! `online-contact`: the Online Contact server binary (see `server::config` for flags).

use clap::Parser;

/// The process's allocator (issue 16): under load glibc's malloc took about a tenth of
/// the server's CPU (arena locks, consolidation between the runtime's threads and
/// SQLite's worker threads); mimalloc's per-thread free lists cost a fraction of that
/// (BENCHMARKS.md). SQLite's own allocations still go through the C library.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    server::init_tracing();
    let cli = server::config::Cli::parse();
    match server::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
