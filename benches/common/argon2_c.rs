//! The reference C implementation of Argon2, built optimised for this
//! machine: the limit a login is measured against. Debian's `argon2`
//! binary is built from the portable code; this one is `opt.c` with
//! `gcc -O3 -march=native` (AVX2 or AVX-512 where the CPU has them).
//!
//! The source comes from PyPI's `argon2-cffi-bindings` source package,
//! which carries the reference code under `extras/libargon2`: fetched with
//! `pip download` at run time, or taken from `AUTHCTL_BENCH_ARGON2_SRC`
//! (that directory, a copy of `extras/libargon2`, or the package's
//! `.tar.gz`). Any step that fails is said on stderr and the comparison is
//! skipped, so the rest of the bench still runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The reference `argon2` CLI built in `dir`: `-march=native` (the limit)
/// and, for instruction counts under valgrind (which has no AVX-512), the
/// same with AVX-512 turned off.
pub struct Reference {
    /// `-O3 -march=native`.
    pub native: PathBuf,
    /// `-O3 -march=native -mno-avx512f`: runs under valgrind.
    pub avx2: PathBuf,
}

/// Builds the optimised reference CLI in `dir`, or says on stderr why not.
pub fn build(dir: &Path) -> Option<Reference> {
    let source = match source(dir) {
        Ok(source) => source,
        Err(why) => {
            eprintln!("skipping the optimised C reference: {why}");
            return None;
        }
    };
    let native = dir.join("argon2-native");
    let avx2 = dir.join("argon2-avx2");
    for (out, extra) in [(&native, None), (&avx2, Some("-mno-avx512f"))] {
        if let Err(why) = compile(&source, out, extra) {
            eprintln!("skipping the optimised C reference: {why}");
            return None;
        }
    }
    eprintln!(
        "optimised C reference built from {} (gcc -O3 -march=native -pthread, opt.c)",
        source.display()
    );
    Some(Reference { native, avx2 })
}

/// The `libargon2` source directory: from `AUTHCTL_BENCH_ARGON2_SRC`, or
/// downloaded into `dir` with pip.
fn source(dir: &Path) -> Result<PathBuf, String> {
    let given = std::env::var_os("AUTHCTL_BENCH_ARGON2_SRC").map(PathBuf::from);
    let archive = match given {
        Some(path) if path.is_dir() => return find_libargon2(&path),
        Some(path) => path,
        None => download(dir)?,
    };
    let unpacked = dir.join("argon2-src");
    std::fs::create_dir_all(&unpacked).map_err(|e| format!("mkdir: {e}"))?;
    run(Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&unpacked))?;
    find_libargon2(&unpacked)
}

/// `pip download` of the source package (only that package from source:
/// its build tools may come as wheels, which pip needs to read its
/// metadata). Returns the `.tar.gz`.
fn download(dir: &Path) -> Result<PathBuf, String> {
    let into = dir.join("argon2-sdist");
    run(Command::new("pip")
        .args(["download", "--quiet", "--no-deps"])
        .args([
            "--no-binary",
            "argon2-cffi-bindings",
            "argon2-cffi-bindings",
        ])
        .arg("-d")
        .arg(&into))?;
    std::fs::read_dir(&into)
        .map_err(|e| format!("reading {}: {e}", into.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .ok_or_else(|| "pip download left no .tar.gz".to_string())
}

/// The directory holding `src/opt.c` and `include/argon2.h` at or under
/// `root` (the package keeps it in `extras/libargon2`).
fn find_libargon2(root: &Path) -> Result<PathBuf, String> {
    let is_it = |d: &Path| d.join("src/opt.c").is_file() && d.join("include/argon2.h").is_file();
    if is_it(root) {
        return Ok(root.to_path_buf());
    }
    let mut dirs = vec![root.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            if path.is_dir() {
                if is_it(&path) {
                    return Ok(path);
                }
                dirs.push(path);
            }
        }
    }
    Err(format!(
        "no libargon2 source (src/opt.c) under {}",
        root.display()
    ))
}

/// `gcc -O3 -march=native -pthread` of the CLI (`run.c`) with the optimised
/// core (`opt.c`, not `ref.c`), as the reference Makefile builds it.
fn compile(source: &Path, out: &Path, extra: Option<&str>) -> Result<(), String> {
    let mut cmd = Command::new("gcc");
    cmd.args(["-O3", "-march=native", "-pthread", "-std=c89"])
        .args(extra)
        .arg("-I")
        .arg(source.join("include"))
        .arg("-I")
        .arg(source.join("src"));
    for file in [
        "argon2.c",
        "core.c",
        "blake2/blake2b.c",
        "thread.c",
        "encoding.c",
        "opt.c",
        "run.c",
    ] {
        cmd.arg(source.join("src").join(file));
    }
    run(cmd.arg("-o").arg(out))
}

/// Runs `cmd`, turning a failure into its stderr.
fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{:?}: {e}", cmd.get_program()))?;
    match out.status.success() {
        true => Ok(()),
        false => Err(format!(
            "{:?} failed: {}",
            cmd.get_program(),
            String::from_utf8_lossy(&out.stderr).trim()
        )),
    }
}
