//! The use-case error: every variant carries a Chinese and an English message
//! that names the field or rule, so the web layer can show it as is.

use fazhi_domain::authz::Denied;
use fazhi_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Bad input: the field and a bilingual message naming the rule.
    #[error("{field}: {zh} / {en}")]
    Invalid {
        field: &'static str,
        zh: String,
        en: String,
    },
    #[error("用户名或密码错误 / wrong username or password")]
    BadCredentials,
    #[error("请先登录，或登录已过期 / please log in (the session is missing or expired)")]
    Unauthenticated,
    #[error(
        "登录失败次数过多，请 {retry_after_s} 秒后再试 / too many failed logins, retry in {retry_after_s} s"
    )]
    Throttled { retry_after_s: i64 },
    #[error("{0}")]
    Denied(#[from] Denied),
    #[error(
        "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试 / the form expired or came from elsewhere (CSRF check failed); reload the page and retry"
    )]
    Csrf,
    #[error("{zh}不存在 / {en} not found")]
    NotFound { zh: &'static str, en: &'static str },
    #[error("{zh} / {en}")]
    Conflict { zh: String, en: String },
    /// A step the law forbids: the rule, its citation and why.
    #[error("{zh}（{citation}） / {en} ({citation})")]
    Refused {
        rule_id: &'static str,
        citation: String,
        zh: String,
        en: String,
    },
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn invalid(field: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::Invalid {
            field,
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// A store error, read as a conflict when it broke a uniqueness rule (a
    /// duplicate natural key), with the message that names the duplicate.
    pub fn unique_or(e: StoreError, zh: impl Into<String>, en: impl Into<String>) -> AppError {
        if e.is_unique_violation() {
            AppError::Conflict {
                zh: zh.into(),
                en: en.into(),
            }
        } else {
            e.into()
        }
    }

    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid { .. } => "invalid_input",
            AppError::BadCredentials => "bad_credentials",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Throttled { .. } => "throttled",
            AppError::Denied(Denied::Role { .. }) => "forbidden_role",
            AppError::Denied(Denied::Scope) => "forbidden_scope",
            AppError::Csrf => "csrf_failed",
            AppError::NotFound { .. } => "not_found",
            AppError::Conflict { .. } => "conflict",
            AppError::Refused { .. } => "refused_by_rule",
            AppError::Store(StoreError::Corrupt(_)) => "record_corrupt",
            AppError::Store(_) | AppError::Internal(_) => "internal",
        }
    }

    /// The message shown to users. Internal errors never reveal SQL or paths.
    pub fn message_zh(&self) -> String {
        match self {
            AppError::Invalid { zh, .. } => zh.clone(),
            AppError::Conflict { zh, .. } => zh.clone(),
            AppError::Refused { zh, citation, .. } => format!("{zh}（{citation}）"),
            AppError::NotFound { zh, .. } => format!("{zh}不存在"),
            AppError::Store(StoreError::Corrupt(_)) => {
                "数据库中的记录已损坏或被改动，请管理员运行 fazhi log verify 核查".to_owned()
            }
            AppError::Store(_) | AppError::Internal(_) => "服务器内部错误，请稍后重试".to_owned(),
            other => other
                .to_string()
                .split(" / ")
                .next()
                .unwrap_or_default()
                .to_owned(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            AppError::Invalid { en, .. } => en.clone(),
            AppError::Conflict { en, .. } => en.clone(),
            AppError::Refused { en, citation, .. } => format!("{en} ({citation})"),
            AppError::NotFound { en, .. } => format!("{en} not found"),
            AppError::Store(StoreError::Corrupt(_)) => {
                "a stored record is corrupt or was altered: an administrator should run fazhi log verify"
                    .to_owned()
            }
            AppError::Store(_) | AppError::Internal(_) => {
                "internal server error, please retry later".to_owned()
            }
            other => other
                .to_string()
                .split(" / ")
                .nth(1)
                .unwrap_or_default()
                .to_owned(),
        }
    }

    pub fn field(&self) -> Option<&'static str> {
        match self {
            AppError::Invalid { field, .. } => Some(field),
            AppError::Refused { rule_id, .. } => Some(rule_id),
            _ => None,
        }
    }
}

impl From<fazhi_domain::case::Refusal> for AppError {
    fn from(r: fazhi_domain::case::Refusal) -> Self {
        AppError::Refused {
            rule_id: r.rule_id,
            citation: r.citation,
            zh: r.message_zh,
            en: r.message_en,
        }
    }
}
