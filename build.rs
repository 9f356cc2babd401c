//! Link-time settings for the `authctl` binary.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        // Relative relocations packed as DT_RELR (glibc 2.36, binutils
        // 2.38): the 44,000 pointers in static tables (most of them
        // OpenSSL's) that the loader fixes up at every start are listed
        // in a few KiB instead of 1 MiB of RELA entries, so every command
        // starts with fewer instructions and fewer pages read. The fixed-up
        // values and the address randomisation are the same.
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
