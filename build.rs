//! Link-time settings for the `authctl` binary.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        // Relative relocations packed as DT_RELR (glibc 2.36, binutils
        // 2.38): the pointers in static tables that the loader fixes up at
        // every start are listed in a few KiB instead of one 24-byte RELA
        // entry each (1 MiB when OpenSSL was linked in), so every command
        // reads fewer pages as it starts. The fixed-up values and the
        // address randomisation are the same.
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
