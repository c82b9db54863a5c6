//! The binary as an operator runs it: mistakes get a clear bilingual
//! message and a non-zero exit, never a panic or a stack trace.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::process::Command;

fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("fazhi-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn import_as_an_unknown_user_is_a_clear_error_not_a_panic() {
    let dir = scratch_dir("import-nobody");
    let file = dir.join("entities.csv");
    std::fs::write(&file, "统一社会信用代码,名称\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(["import", "entities"])
        .arg(&file)
        .args(["--user", "nobody", "--data-dir"])
        .arg(dir.join("data"))
        .env("RUST_BACKTRACE", "1")
        .env_remove("FAZHI_DATABASE_URL")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("没有名为“nobody”的账户"), "{stderr}");
    assert!(stderr.contains("no account named 'nobody'"), "{stderr}");
    assert!(stderr.contains("[user]"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("backtrace"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
