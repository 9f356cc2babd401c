//! Passwords: a secret type that wipes itself, the policy, and Argon2id hashing.

use crate::error::{Error, Result};
use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Params, Version};
use memory::ArgonMemory;
use std::fmt;
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

mod memory;

/// A password in memory, in Unicode NFC form (NIST SP 800-63B-4), so that
/// the same characters typed composed or decomposed are the same password.
/// It is wiped when dropped and its `Debug` output is redacted, so it cannot
/// leak through a log line or an error message.
pub struct Password(Zeroizing<String>);

impl Password {
    /// Takes ownership of a password read from the user and normalises it.
    pub fn new(secret: Zeroizing<String>) -> Self {
        Self::from(secret.as_str())
    }

    /// The password's text, for hashing or comparing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Password {
    fn from(secret: &str) -> Self {
        let mut normal = Zeroizing::new(String::with_capacity(secret.len()));
        normal.extend(secret.nfc());
        Password(normal)
    }
}

impl PartialEq for Password {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashParams {
    /// Memory in KiB (`m`).
    pub memory_kib: u32,
    /// Passes over memory (`t`).
    pub iterations: u32,
    /// Lanes, computed in parallel (`p`).
    pub parallelism: u32,
}

impl HashParams {
    /// RFC 9106's second recommended option: 64 MiB, 3 passes, 4 lanes.
    pub const DEFAULT: HashParams = HashParams {
        memory_kib: 65536,
        iterations: 3,
        parallelism: 4,
    };

    /// OWASP's minimum for Argon2id; nothing weaker is ever used.
    pub const OWASP_MINIMUM: HashParams = HashParams {
        memory_kib: 19456,
        iterations: 2,
        parallelism: 1,
    };

    /// The most a hash may cost: 4 GiB, 100 passes, 64 lanes, so that a
    /// typo in a setting or a hostile imported hash cannot make a login
    /// exhaust the machine.
    pub const MAXIMUM: HashParams = HashParams {
        memory_kib: 4 * 1024 * 1024,
        iterations: 100,
        parallelism: 64,
    };

    /// Checks that the parameters are at least OWASP's minimum and at most
    /// [`HashParams::MAXIMUM`].
    pub fn validate(self) -> Result<Self> {
        let max = Self::MAXIMUM;
        if self.memory_kib > max.memory_kib
            || self.iterations > max.iterations
            || self.parallelism > max.parallelism
        {
            return Err(Error::Invalid(format!(
                "hash parameters m={},t={},p={} are above the maximum m={},t={},p={}",
                self.memory_kib,
                self.iterations,
                self.parallelism,
                max.memory_kib,
                max.iterations,
                max.parallelism
            )));
        }
        let min = Self::OWASP_MINIMUM;
        if self.memory_kib < min.memory_kib
            || self.iterations < min.iterations
            || self.parallelism < min.parallelism
        {
            return Err(Error::Invalid(format!(
                "hash parameters m={},t={},p={} are below the minimum m={},t={},p={}",
                self.memory_kib,
                self.iterations,
                self.parallelism,
                min.memory_kib,
                min.iterations,
                min.parallelism
            )));
        }
        Ok(self)
    }

    fn argon2(self) -> Result<Argon2<'static>> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| Error::Invalid(format!("invalid hash parameters: {e}")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// Hashes a password with a fresh random salt into a PHC string.
    pub fn hash(self, password: &Password) -> Result<String> {
        let prefault = memory::worth_prefaulting(self.parallelism);
        self.hasher_with(prefault)?.hash(password)
    }

    /// A [`Hasher`] for many passwords with these parameters, hashed side
    /// by side on every core (so no helper faults its memory in).
    pub(crate) fn hasher(self) -> Result<Hasher> {
        self.hasher_with(false)
    }

    fn hasher_with(self, prefault: bool) -> Result<Hasher> {
        let argon2 = self.argon2()?;
        let memory = ArgonMemory::new(argon2.params().block_count(), prefault)?;
        Ok(Hasher { argon2, memory })
    }

    /// Whether a stored hash was made with exactly these parameters (Argon2id,
    /// version 19, same m, t and p). Anything else is re-hashed at the next
    /// successful password check.
    pub(crate) fn is_current(self, stored: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(stored) else {
            return false;
        };
        let Ok(params) = Params::try_from(&parsed) else {
            return false;
        };
        parsed.algorithm == Algorithm::Argon2id.ident()
            && parsed.version == Some(Version::V0x13.into())
            && params.m_cost() == self.memory_kib
            && params.t_cost() == self.iterations
            && params.p_cost() == self.parallelism
    }

    /// Spends the same time as verifying a password against a hash made with
    /// these parameters, and always fails. Used for unknown usernames so that
    /// their response time does not reveal that the account does not exist.
    pub(crate) fn verify_dummy(self, password: &Password) {
        // A fixed salt and output: the result is never compared to anything real.
        let dummy = format!(
            "$argon2id$v=19$m={},t={},p={}$ZHVtbXlzYWx0ZHVtbXlzYWx0$ZHVtbXloYXNoZHVtbXloYXNoZHVtbXloYXNoMDAwMA",
            self.memory_kib, self.iterations, self.parallelism
        );
        let _ = verify(password, &dummy);
    }
}

/// The bcrypt costs an import accepts: htpasswd's range. Higher ones would
/// make each login take minutes.
const BCRYPT_COSTS_ACCEPTED: std::ops::RangeInclusive<u32> = 4..=17;

/// Whether a stored hash is bcrypt (`$2a$`, `$2b$`, `$2y$`), as imported
/// from an htpasswd file; it is replaced by Argon2id at the next login.
fn is_bcrypt(hash: &str) -> bool {
    ["$2a$", "$2b$", "$2y$"].iter().any(|p| hash.starts_with(p))
}

/// Checks that an imported hash is one authctl can verify and trusts: an
/// Argon2id PHC string or a bcrypt hash. Anything else is refused with the
/// reason: weak formats (Apache MD5, unsalted SHA-1, MD5-crypt, crypt DES),
/// formats we cannot verify, or a plain-text password.
pub(crate) fn check_importable_hash(hash: &str) -> std::result::Result<(), String> {
    if hash.starts_with("$argon2id$") {
        let params = argon2id_params(hash).map_err(|e| format!("malformed Argon2id hash: {e}"))?;
        let params = HashParams {
            memory_kib: params.m_cost(),
            iterations: params.t_cost(),
            parallelism: params.p_cost(),
        };
        return params.validate().map(|_| ()).map_err(|e| e.to_string());
    }
    if is_bcrypt(hash) {
        // The bcrypt crate reads the cost with `u32::from_str`, which takes
        // `+5` too; htpasswd always writes two digits.
        let cost = hash.as_bytes().get(4..6).unwrap_or_default();
        if !cost.iter().all(u8::is_ascii_digit) {
            return Err("malformed bcrypt hash: the cost is not two digits".to_string());
        }
        let parts = hash
            .parse::<bcrypt::HashParts>()
            .map_err(|e| format!("malformed bcrypt hash: {e}"))?;
        let cost = parts.get_cost();
        return match BCRYPT_COSTS_ACCEPTED.contains(&cost) {
            true => Ok(()),
            false => Err(format!(
                "bcrypt cost {cost} is outside {}..={} (what htpasswd -B makes)",
                BCRYPT_COSTS_ACCEPTED.start(),
                BCRYPT_COSTS_ACCEPTED.end()
            )),
        };
    }
    let des_alphabet = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '/';
    Err(if hash.starts_with("$apr1$") {
        "weak hash format: Apache MD5 ($apr1$); re-create it with htpasswd -B".to_string()
    } else if hash.starts_with("{SHA}") {
        "weak hash format: unsalted SHA-1 ({SHA}); re-create it with htpasswd -B".to_string()
    } else if hash.starts_with("$1$") {
        "weak hash format: MD5-crypt ($1$)".to_string()
    } else if hash.len() == 13 && hash.chars().all(des_alphabet) {
        "weak hash format: crypt DES; re-create it with htpasswd -B".to_string()
    } else if hash.starts_with('$') {
        "unsupported hash format: use Argon2id or bcrypt".to_string()
    } else {
        "a plain-text password, not a hash: refused".to_string()
    })
}

/// The parameters of an imported Argon2id hash, if it is one a login can
/// check: a known version, m, t and p spelt out (other implementations'
/// defaults differ from this library's), and a salt and an output to
/// compare (without them no password would ever match).
fn argon2id_params(hash: &str) -> std::result::Result<Params, String> {
    let parsed = PasswordHash::new(hash).map_err(|e| e.to_string())?;
    let known = [Version::V0x10, Version::V0x13].map(u32::from);
    match parsed.version {
        Some(v) if known.contains(&v) => {}
        Some(v) => return Err(format!("unknown version v={v} (use v=19)")),
        // The reference implementation reads no version as v=16, this
        // library as v=19: the same hash would check differently.
        None => return Err("no version (v=19)".to_string()),
    }
    if let Some(name) = ["m", "t", "p"]
        .into_iter()
        .find(|&name| parsed.params.get(name).is_none())
    {
        return Err(format!("no {name} parameter"));
    }
    if parsed.salt.is_none() || parsed.hash.is_none() {
        return Err("no salt and hash".to_string());
    }
    Params::try_from(&parsed).map_err(|e| e.to_string())
}

/// Hashes passwords with one set of parameters, reusing one block of
/// Argon2 memory for all of them: allocating and faulting in tens of MiB
/// for every hash costs about a fifth of its time in the kernel, and that
/// kernel work serialises threads hashing side by side (an import).
pub(crate) struct Hasher {
    argon2: Argon2<'static>,
    memory: ArgonMemory,
}

impl Hasher {
    /// Hashes a password with a fresh random 16-byte salt into a PHC string.
    pub fn hash(&mut self, password: &Password) -> Result<String> {
        let failed =
            |e: &dyn fmt::Display| Error::Internal(format!("password hashing failed: {e}"));
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt)
            .map_err(|e| Error::Internal(format!("the OS random generator failed: {e}")))?;
        let mut out = Zeroizing::new([0u8; 32]);
        self.argon2
            .hash_password_into_with_memory(
                password.expose().as_bytes(),
                &salt,
                out.as_mut(),
                self.memory.blocks(),
            )
            .map_err(|e| failed(&e))?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(self.argon2.params()).map_err(|e| failed(&e))?,
            salt: Some(Salt::new(&salt).map_err(|e| failed(&e))?),
            hash: Some(Output::new(out.as_ref()).map_err(|e| failed(&e))?),
        };
        Ok(phc.to_string())
    }
}

/// How many threads hashing can keep busy: the cores this process may run
/// on (1 if that cannot be told). Read once: it reads cgroup files, and a
/// login asks twice (its thread pool, and whether a helper fits).
pub(crate) fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// How many lanes a check of `stored` computes in parallel: its `p`, or 1
/// for bcrypt and anything that does not parse (which `verify` refuses).
pub(crate) fn lanes(stored: &str) -> usize {
    PasswordHash::new(stored)
        .ok()
        .and_then(|parsed| Params::try_from(&parsed).ok())
        .map_or(1, |params| usize::try_from(params.p_cost()).unwrap_or(1))
}

/// Checks a password against a stored hash: an Argon2id PHC string (using
/// the parameters it records) or an imported bcrypt hash. `Ok(false)` means
/// the password is wrong.
pub(crate) fn verify(password: &Password, stored: &str) -> Result<bool> {
    if is_bcrypt(stored) {
        return bcrypt::verify(password.expose(), stored)
            .map_err(|e| Error::Internal(format!("a stored bcrypt hash cannot be verified: {e}")));
    }
    let malformed =
        |e: &dyn fmt::Display| Error::Internal(format!("a stored password hash is malformed: {e}"));
    let parsed = PasswordHash::new(stored).map_err(|e| malformed(&e))?;
    // What `verify_password` does, with memory of our own (see `memory`).
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).map_err(|e| malformed(&e))?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).map_err(|e| malformed(&e))?,
        None => Version::default(),
    };
    let params = Params::try_from(&parsed).map_err(|e| malformed(&e))?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(malformed(&"no salt or no hash"));
    };
    let argon2 = Argon2::new(algorithm, version, params);
    let prefault = memory::worth_prefaulting(argon2.params().p_cost());
    let mut memory = ArgonMemory::new(argon2.params().block_count(), prefault)?;
    let mut out = Zeroizing::new(vec![0u8; expected.len()]);
    argon2
        .hash_password_into_with_memory(
            password.expose().as_bytes(),
            &salt,
            &mut out,
            memory.blocks(),
        )
        .map_err(|e| Error::Internal(format!("password verification failed: {e}")))?;
    // `Output`'s equality is constant-time.
    Ok(Output::new(&out).map_err(|e| malformed(&e))? == expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composed_and_decomposed_forms_are_the_same_password() {
        let composed: Password = "caf\u{e9} cr\u{e8}me".into();
        let decomposed: Password = "cafe\u{301} cre\u{300}me".into();
        assert_eq!(composed, decomposed);
        let hash = HashParams::OWASP_MINIMUM
            .hash(&composed)
            .unwrap_or_default();
        assert!(matches!(verify(&decomposed, &hash), Ok(true)));
    }

    #[test]
    fn hash_and_verify_round_trip_with_default_params() {
        let pw: Password = "correct horse".into();
        let hash = HashParams::DEFAULT.hash(&pw).unwrap_or_default();
        assert!(
            hash.starts_with("$argon2id$v=19$m=65536,t=3,p=4$"),
            "{hash}"
        );
        assert!(matches!(verify(&pw, &hash), Ok(true)));
        assert!(matches!(verify(&"wrong horse".into(), &hash), Ok(false)));
        // A fresh salt each time.
        assert_ne!(HashParams::DEFAULT.hash(&pw).unwrap_or_default(), hash);
    }

    /// Hashes made by the reference C implementation (Debian's `argon2`
    /// CLI) verify, and an altered output does not: the memory handling of
    /// `memory` (mapped by us, faulted in ahead of a single lane by a helper
    /// thread where a core is free) computes the real Argon2id.
    #[test]
    fn hashes_from_the_reference_implementation_verify() {
        let pw: Password = "correct horse battery staple".into();
        for reference in [
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM",
            "$argon2id$v=19$m=19456,t=2,p=2$c2FsdHNhbHRzYWx0c2FsdA$Ij0HTW2GuzXjMiTtWKj9YuXBoZLzp9N/JtMQM/zS1xE",
        ] {
            assert!(matches!(verify(&pw, reference), Ok(true)), "{reference}");
            let altered = reference.replace("$QKH", "$QKI").replace("$Ij0", "$Ij1");
            assert!(matches!(verify(&pw, &altered), Ok(false)), "{altered}");
        }
    }

    #[test]
    fn one_hasher_reuses_its_memory_for_right_hashes_with_fresh_salts() {
        let mut hasher = HashParams::OWASP_MINIMUM
            .hasher()
            .unwrap_or_else(|e| panic!("{e}"));
        let (a, b): (Password, Password) = ("correct horse".into(), "battery staple".into());
        let first = hasher.hash(&a).unwrap_or_default();
        let second = hasher.hash(&b).unwrap_or_default();
        let again = hasher.hash(&a).unwrap_or_default();
        assert!(
            first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{first}"
        );
        assert!(HashParams::OWASP_MINIMUM.is_current(&first));
        assert!(matches!(verify(&a, &first), Ok(true)));
        assert!(matches!(verify(&b, &second), Ok(true)));
        assert!(matches!(verify(&a, &again), Ok(true)));
        assert!(matches!(verify(&b, &first), Ok(false)));
        assert_ne!(first, again);
    }

    #[test]
    fn only_hashes_with_the_current_parameters_are_current() {
        let pw: Password = "correct horse".into();
        let weak = HashParams::OWASP_MINIMUM.hash(&pw).unwrap_or_default();
        assert!(HashParams::OWASP_MINIMUM.is_current(&weak));
        assert!(!HashParams::DEFAULT.is_current(&weak));
        assert!(!HashParams::DEFAULT.is_current("$2y$10$abcdefghijklmnopqrstuu"));
    }

    #[test]
    fn only_argon2id_and_bcrypt_hashes_are_importable() {
        let argon = HashParams::OWASP_MINIMUM
            .hash(&"correct horse".into())
            .unwrap_or_default();
        assert_eq!(check_importable_hash(&argon), Ok(()));
        let bcrypt = "$2y$05$AnP/AXeQl6ArBCz7mWYMaOw0wb7Jkzy.tmpAtKPBbJ3GzbX1TI8GO";
        assert_eq!(check_importable_hash(bcrypt), Ok(()));
        assert!(matches!(
            verify(&"apache horse battery 1".into(), bcrypt),
            Ok(true)
        ));
        assert!(matches!(
            verify(&"apache horse battery 2".into(), bcrypt),
            Ok(false)
        ));
        for (hash, why) in [
            ("$apr1$I2FE6csL$H/J9V2xpUZP5PCFrNDyCJ1", "Apache MD5"),
            ("{SHA}Y4mWo/k6M6Ssl6fElL2QLTZ2rPk=", "SHA-1"),
            ("RWATDTfgI9dxg", "crypt DES"),
            ("$1$abc$def", "MD5-crypt"),
            (
                "$argon2i$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2doYXNoaGFzaGhhc2doYXNo",
                "unsupported",
            ),
            ("$2y$05$short", "malformed bcrypt"),
            (
                "$2y$31$AnP/AXeQl6ArBCz7mWYMaOw0wb7Jkzy.tmpAtKPBbJ3GzbX1TI8GO",
                "bcrypt cost 31",
            ),
            (
                "$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2doYXNoaGFzaGhhc2doYXNo",
                "above the maximum",
            ),
            (
                "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2doYXNoaGFzaGhhc2doYXNo",
                "below the minimum",
            ),
            ("hunter2 hunter2", "plain-text"),
            // Found by the import_hash fuzz target: accepted, and then no
            // password ever matched (no salt and hash), the login failed
            // with an error (an unknown version), or not what htpasswd
            // writes (a bcrypt cost of +5).
            (
                "$argon2id$v=1",
                "malformed Argon2id hash: unknown version v=1",
            ),
            (
                "$argon2id$v=19$m=19456,t=2,p=1",
                "malformed Argon2id hash: no salt and hash",
            ),
            (
                "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ",
                "malformed Argon2id hash: no salt and hash",
            ),
            (
                "$argon2id$v=20$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2doYXNoaGFzaGhhc2doYXNo",
                "unknown version v=20",
            ),
            (
                "$argon2id$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2doYXNoaGFzaGhhc2doYXNo",
                "no version",
            ),
            (
                "$argon2id$v=19$t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2doYXNoaGFzaGhhc2doYXNo",
                "no m parameter",
            ),
            (
                "$2b$+5$cshsETBf0lS.XGJ4pKVwROzsgsldugPMVsAP/Kxs4NFYiI/4uw7pm",
                "malformed bcrypt hash: the cost is not two digits",
            ),
        ] {
            let err = check_importable_hash(hash).err().unwrap_or_default();
            assert!(err.contains(why), "{hash}: {err}");
        }
    }

    #[test]
    fn malformed_hash_is_an_error_not_a_match() {
        assert!(verify(&"x".into(), "not a hash").is_err());
    }

    #[test]
    fn params_below_owasp_minimum_are_refused() {
        assert!(HashParams::OWASP_MINIMUM.validate().is_ok());
        let weak = HashParams {
            memory_kib: 19455,
            ..HashParams::OWASP_MINIMUM
        };
        assert!(weak.validate().is_err());
    }

    #[test]
    fn debug_output_is_redacted() {
        let pw: Password = "hunter2hunter2".into();
        assert!(!format!("{pw:?}").contains("hunter2"));
    }
}
