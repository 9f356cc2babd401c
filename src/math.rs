//! `log`, `log10` and `pow` under their C names, from the `libm` crate, so
//! that the binary never loads glibc's libm.so.6.
//!
//! They are the only C math functions the binary calls (zxcvbn estimates
//! guesses with `f64::log10` and `f64::powf`, which compile to calls to
//! the C functions; SQLite's FTS5 ranking, which authctl never runs, calls
//! `log`). Loading libm.so.6 for them cost every command an open,
//! four mappings and, under immediate binding, libm's 21 IFUNC resolvers,
//! spread over its code: 344 KiB resident in every login (BENCHMARKS.md,
//! "Login memory"). A definition in the executable is what the linker
//! binds these calls to, so with `--as-needed` (rustc's default) libm.so.6
//! drops out of the needed libraries. The linker also exports them (as it
//! does any executable symbol that a shared library it saw defines), so a
//! library loaded into this process calling them (an NSS module, say) would
//! get these, which never set `errno`; libc calls none of them.
//!
//! The `libm` crate is rust-lang's port of musl's libm, the code Rust's own
//! targets without a C math library use. Its results are glibc's or one
//! unit in the last place away (a sweep of 200,000 arguments found no
//! larger difference), far below anything a strength estimate rounds to.
//! Only on glibc Linux, where the library would otherwise be loaded.
//! `cli::the_binary_loads_only_libc` fails if another math function (or
//! a library) brings libm.so.6 back; it runs the test build, so a call
//! that only the release build's optimiser introduces would pass it (the
//! release binary's needed libraries: `readelf -d`).

/// The natural logarithm.
#[unsafe(no_mangle)]
extern "C" fn log(x: f64) -> f64 {
    libm::log(x)
}

/// The base-10 logarithm.
#[unsafe(no_mangle)]
extern "C" fn log10(x: f64) -> f64 {
    libm::log10(x)
}

/// `x` to the power `y`.
#[unsafe(no_mangle)]
extern "C" fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hint::black_box as opaque;

    /// Distance in units in the last place between two finite doubles of
    /// the same sign.
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn agree_with_glibc_to_one_unit_in_the_last_place() {
        // What glibc 2.36's libm returns (Python's math module, Debian 12).
        let cases: [(f64, f64); 7] = [
            (log(opaque(0.1)), -2.3025850929940455),
            (log(opaque(123456.789)), 11.723646487185881),
            (log10(opaque(123456.789)), 5.09151497716927),
            (log10(opaque(1e-300)), -300.0),
            (pow(opaque(1.234), 5.678), 3.299798925315966),
            (pow(opaque(10.0), -7.5), 3.162277660168379e-08),
            (pow(opaque(26.0), 12.0), 9.542895666168218e+16),
        ];
        for (i, (ours, glibc)) in cases.into_iter().enumerate() {
            assert!(ulps(ours, glibc) <= 1, "case {i}: {ours:e} vs {glibc:e}");
        }
    }

    #[test]
    fn exact_where_the_answer_is_exact() {
        assert_eq!(log(opaque(1.0)), 0.0);
        assert_eq!(log10(opaque(1000.0)), 3.0);
        assert_eq!(pow(opaque(2.0), 10.0), 1024.0);
        assert_eq!(pow(opaque(0.5), -2.0), 4.0);
        assert!(log(opaque(0.0)).is_infinite() && log(opaque(-1.0)).is_nan());
    }
}
