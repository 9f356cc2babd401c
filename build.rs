//! Link-time settings for the `authctl` binary: what every command pays
//! before `main` (loading, relocating, faulting in code) is most of what a
//! read-only command costs, so the link is arranged to make that small
//! (and `src/main.rs` links the unwinder statically, for the same reason).

use std::env;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os != "linux" || target_env != "gnu" {
        return;
    }
    // Relative relocations packed as DT_RELR (glibc 2.36, binutils 2.38):
    // the pointers in static tables that the loader fixes up at every start
    // are listed in a few KiB instead of one 24-byte RELA entry each (1 MiB
    // when OpenSSL was linked in), so every command reads fewer pages as it
    // starts. The fixed-up values and the address randomisation are the same.
    println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    // lld is Rust's default linker on x86_64 Linux only; GNU ld would
    // refuse the ordering option.
    let x86_64 = env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("x86_64");
    if x86_64 && env::var("PROFILE").as_deref() == Ok("release") {
        code_order();
    }
}

/// Places the functions the common commands run first in `.text`, in the
/// order `src/link/order.txt` lists them (see `benches/link_order.py`,
/// which writes it): the kernel maps code 64 KiB at a time, so packed they
/// take about 20 page faults to start instead of about 60, and a login
/// keeps about 1.5 MiB less of the binary resident. A name the build does
/// not have (code changed since the list was made) is skipped: a stale
/// list costs speed, never correctness. Needs lld, Rust's default linker
/// on x86_64-unknown-linux-gnu since 1.90 (mold reads the ordering file
/// but not the data's linker script).
fn code_order() {
    let Ok(root) = env::var("CARGO_MANIFEST_DIR") else {
        return;
    };
    let order = format!("{root}/src/link/order.txt");
    println!("cargo:rerun-if-changed={order}");
    println!("cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={order}");
    println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    // The same for read-only data, mapped 64 KiB at a time too: what the
    // common commands read goes in a section of its own before .rodata
    // (`src/link/rodata.ld`, also written by `benches/link_order.py`).
    // Most of it is anonymous constants, which have no symbol for the
    // ordering file to name, so a linker script lists their sections; it
    // only adds to the default layout (INSERT), and a name the build does
    // not have matches nothing.
    let rodata = format!("{root}/src/link/rodata.ld");
    println!("cargo:rerun-if-changed={rodata}");
    println!("cargo:rustc-link-arg-bins=-Wl,-T,{rodata}");
    // A linker map for benches/link_order.py to find functions by address.
    println!("cargo:rerun-if-env-changed=AUTHCTL_LINK_MAP");
    if let Ok(map) = env::var("AUTHCTL_LINK_MAP") {
        println!("cargo:rustc-link-arg-bins=-Wl,-Map={map},--no-demangle");
    }
}
