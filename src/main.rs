//! The `slate` command-line tool: a thin layer over the library.

mod cli;

/// Bulk evaluation allocates many small, short-lived values on several
/// threads; mimalloc handles that pattern faster than the system allocator
/// (measured in `docs/performance.md`).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}
