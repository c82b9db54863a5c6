//! Argon2id password hashing with explicit parameters (never library defaults).

use crate::AppError;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};

/// Minimum password length in characters.
pub const PASSWORD_CHARS_MIN: usize = 10;
pub const PASSWORD_CHARS_MAX: usize = 128;
const SALT_BYTES: usize = 16;

#[derive(Debug, Clone, Copy)]
pub struct PasswordParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl PasswordParams {
    /// OWASP's Argon2id recommendation (19 MiB, 2 passes, 1 lane).
    pub const PRODUCTION: PasswordParams = PasswordParams {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };
    /// Cheap parameters for tests and the demo's bulk accounts; same algorithm.
    pub const FAST_FOR_TESTS: PasswordParams = PasswordParams {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
    };

    fn hasher(self) -> Result<Argon2<'static>, AppError> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| AppError::Internal(format!("argon2 params: {e}")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// Check a new password against the length rule.
pub fn validate_new_password(password: &str) -> Result<(), AppError> {
    let n = password.chars().count();
    if !(PASSWORD_CHARS_MIN..=PASSWORD_CHARS_MAX).contains(&n) {
        return Err(AppError::invalid(
            "password",
            format!("密码长度须为 {PASSWORD_CHARS_MIN}–{PASSWORD_CHARS_MAX} 个字符"),
            format!("password must be {PASSWORD_CHARS_MIN}–{PASSWORD_CHARS_MAX} characters long"),
        ));
    }
    Ok(())
}

/// Hash on a blocking thread: Argon2 is deliberately slow.
pub async fn hash(params: PasswordParams, password: String) -> Result<String, AppError> {
    let mut salt = [0u8; SALT_BYTES];
    crate::random_fill(&mut salt)?;
    tokio::task::spawn_blocking(move || {
        let hash = params
            .hasher()?
            .hash_password_with_salt(password.as_bytes(), &salt)
            .map_err(|e| AppError::Internal(format!("argon2 hash: {e}")))?;
        Ok(hash.to_string())
    })
    .await
    .map_err(|e| AppError::Internal(format!("hash task: {e}")))?
}

/// Verify on a blocking thread. Parameters are read from the stored PHC string.
pub async fn verify(password: String, stored: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return Ok(false);
        };
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| AppError::Internal(format!("verify task: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn argon2id_hash_verifies_the_right_password_only() {
        let h = hash(PasswordParams::FAST_FOR_TESTS, "correct horse".into())
            .await
            .unwrap();
        assert!(h.starts_with("$argon2id$v=19$"), "{h}");
        assert!(verify("correct horse".into(), h.clone()).await.unwrap());
        assert!(!verify("wrong horse".into(), h).await.unwrap());
        assert!(!verify("x".into(), "not a phc string".into()).await.unwrap());
    }

    #[test]
    fn short_passwords_are_refused_naming_the_field() {
        let e = validate_new_password("short").unwrap_err();
        assert_eq!(e.field(), Some("password"));
    }
}
