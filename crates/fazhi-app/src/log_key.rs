//! The agency's log-signing key: an Ed25519 seed generated at first start and
//! kept in the data directory (`log-signing-key`, hex, owner-only). Its public
//! half is published on the portal so anyone can check checkpoints.

use crate::{AppError, random_fill};
use std::path::{Path, PathBuf};

pub const KEY_FILE_NAME: &str = "log-signing-key";

/// A 32-byte Ed25519 seed.
#[derive(Clone)]
pub struct Seed(pub [u8; 32]);

impl std::fmt::Debug for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Seed(…)")
    }
}

pub fn key_path(data_dir: &Path) -> PathBuf {
    data_dir.join(KEY_FILE_NAME)
}

/// Read the seed at `path`, or create it (random, mode 0600) if absent.
pub fn load_or_create(path: &Path) -> Result<Seed, AppError> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_seed(text.trim()).ok_or_else(|| {
            AppError::Internal(format!(
                "{} is not a 64-hex-digit Ed25519 seed",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            random_fill(&mut seed)?;
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| AppError::Internal(format!("{}: {e}", parent.display())))?;
            }
            write_private(path, &hex::encode(seed))?;
            Ok(Seed(seed))
        }
        Err(e) => Err(AppError::Internal(format!("{}: {e}", path.display()))),
    }
}

pub fn parse_seed(text: &str) -> Option<Seed> {
    let bytes = hex::decode(text).ok()?;
    Some(Seed(bytes.try_into().ok()?))
}

fn write_private(path: &Path, text: &str) -> Result<(), AppError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| AppError::Internal(format!("{}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| AppError::Internal(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_created_once_and_read_back_unchanged() {
        let dir =
            std::env::temp_dir().join(format!("fazhi-key-{}", crate::random_token(6).unwrap()));
        let path = key_path(&dir);
        let first = load_or_create(&path).unwrap();
        let second = load_or_create(&path).unwrap();
        assert_eq!(first.0, second.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        std::fs::write(&path, "zz").unwrap();
        assert!(load_or_create(&path).is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
