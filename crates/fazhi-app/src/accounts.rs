//! Agencies, user accounts and API tokens.

use crate::{App, AppError, password, random_token, token_hash};
use fazhi_domain::action_log::EventKind;
use fazhi_domain::agency::{AgencyKind, AgencyLevel, validate_agency_name};
use fazhi_domain::authz::{Action, Actor, authorize};
use fazhi_domain::role::Role;
pub use fazhi_store::agencies::Agency;
use fazhi_store::agencies::{self, NewAgency};
use fazhi_store::tokens;
pub use fazhi_store::tokens::ApiToken;
pub use fazhi_store::users::User;
use fazhi_store::users::{self, NewUser};

pub const API_TOKEN_BYTES: usize = 32;
pub const DISPLAY_NAME_CHARS_MAX: usize = 40;
pub const TOKEN_NAME_CHARS_MAX: usize = 60;

/// Input of "create agency", as strings from a form or JSON body.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct CreateAgency {
    pub parent_id: Option<i64>,
    pub name: String,
    pub kind: String,
    pub region_code: String,
}

/// Input of "create user".
#[derive(Debug, Clone, serde::Deserialize)]
pub struct CreateUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: String,
    pub agency_id: i64,
}

/// Usernames: 3–32 of `a-z 0-9 . _ -`, starting with a letter or digit.
pub fn parse_username(text: &str) -> Result<String, AppError> {
    let t = text.trim().to_ascii_lowercase();
    let ok_len = (3..=crate::auth::USERNAME_CHARS_MAX).contains(&t.len());
    let ok_chars = t
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    let ok_first = t.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
    if ok_len && ok_chars && ok_first {
        Ok(t)
    } else {
        Err(AppError::invalid(
            "username",
            "用户名须为 3–32 位小写字母、数字或 . _ -，以字母或数字开头",
            "username must be 3–32 of a-z, 0-9, '.', '_', '-', starting with a letter or digit",
        ))
    }
}

fn parse_display_name(text: &str) -> Result<String, AppError> {
    let t = text.trim();
    let n = t.chars().count();
    if n == 0 || n > DISPLAY_NAME_CHARS_MAX || t.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "display_name",
            format!("姓名须为 1–{DISPLAY_NAME_CHARS_MAX} 个字符"),
            format!("display name must be 1–{DISPLAY_NAME_CHARS_MAX} characters"),
        ));
    }
    Ok(t.to_owned())
}

fn parse_role(code: &str) -> Result<Role, AppError> {
    Role::parse(code.trim()).ok_or_else(|| {
        AppError::invalid(
            "role",
            format!("未知角色“{}”", code.trim()),
            format!("unknown role '{}'", code.trim()),
        )
    })
}

/// Region codes are the 6-digit administrative division codes (GB/T 2260).
fn parse_region_code(code: &str) -> Result<String, AppError> {
    let t = code.trim();
    if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) {
        Ok(t.to_owned())
    } else {
        Err(AppError::invalid(
            "region_code",
            "行政区划代码须为 6 位数字（GB/T 2260）",
            "region code must be 6 digits (GB/T 2260)",
        ))
    }
}

async fn agency_in_scope(
    app: &App,
    actor: Option<&Actor>,
    action: Action,
    id: i64,
    field: &'static str,
) -> Result<Agency, AppError> {
    let agency = agencies::get(&app.db, id).await?.ok_or_else(|| {
        AppError::invalid(
            field,
            format!("机构 {id} 不存在"),
            format!("agency {id} does not exist"),
        )
    })?;
    if let Some(actor) = actor {
        authorize(actor, action, Some(&agency.path))?;
    }
    Ok(agency)
}

/// Create an agency below `parent_id` (or a root agency when the actor is the
/// system itself, i.e. the CLI). `actor: None` means the command line.
pub async fn create_agency(
    app: &App,
    actor: Option<&Actor>,
    input: &CreateAgency,
) -> Result<Agency, AppError> {
    if let Some(actor) = actor {
        authorize(actor, Action::ManageAgencies, None)?;
    }
    let name = validate_agency_name(&input.name).map_err(|_| {
        AppError::invalid(
            "name",
            "机构名称须为 2–60 个字符",
            "agency name must be 2–60 characters",
        )
    })?;
    let kind = AgencyKind::parse(input.kind.trim()).ok_or_else(|| {
        AppError::invalid(
            "kind",
            "机构类型须为卫生健康委/局或卫生监督所",
            "kind must be health_commission or supervision_institute",
        )
    })?;
    let region_code = parse_region_code(&input.region_code)?;
    let parent = match input.parent_id {
        Some(pid) => {
            Some(agency_in_scope(app, actor, Action::ManageAgencies, pid, "parent_id").await?)
        }
        None if actor.is_some() => {
            return Err(AppError::invalid(
                "parent_id",
                "请选择上级机构（顶级机构只能由命令行创建）",
                "choose a parent agency (a root agency can only be created from the command line)",
            ));
        }
        None => None,
    };
    let level = match &parent {
        None => AgencyLevel::Province,
        Some(p) => match (p.level.child(), kind) {
            (Some(level), _) => level,
            // A district commission's supervision institute sits at the district level too.
            (None, AgencyKind::SupervisionInstitute) => AgencyLevel::District,
            (None, AgencyKind::HealthCommission) => {
                return Err(AppError::invalid(
                    "parent_id",
                    "区县级机构下不能再设卫生健康委/局",
                    "a district agency cannot have a health commission below it",
                ));
            }
        },
    };
    let mut tx = app.db.begin().await?;
    let created = agencies::insert(
        &mut tx,
        &NewAgency {
            parent: parent.as_ref(),
            name: &name,
            kind,
            level,
            region_code: &region_code,
            at_us: app.now_us(),
        },
    )
    .await
    .map_err(|e| {
        AppError::unique_or(
            e,
            format!("同一上级下已有名为“{name}”的机构"),
            format!("an agency named '{name}' already exists under this parent"),
        )
    })?;
    app.log(
        &mut tx,
        actor.map(|a| a.user_id),
        Some(created.id),
        EventKind::AgencyCreated,
        format!("agency:{}", created.id),
        serde_json::json!({ "name": created.name, "kind": kind.code(), "level": level.code(), "parent_id": created.parent_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

pub async fn create_user(
    app: &App,
    actor: Option<&Actor>,
    input: &CreateUser,
) -> Result<User, AppError> {
    if let Some(actor) = actor {
        authorize(actor, Action::ManageUsers, None)?;
    }
    let username = parse_username(&input.username)?;
    let display_name = parse_display_name(&input.display_name)?;
    let role = parse_role(&input.role)?;
    password::validate_new_password(&input.password)?;
    let agency = agency_in_scope(
        app,
        actor,
        Action::ManageUsers,
        input.agency_id,
        "agency_id",
    )
    .await?;
    let hash = password::hash(app.password_params, input.password.clone()).await?;
    let mut tx = app.db.begin().await?;
    let id = users::insert(
        &mut tx,
        &NewUser {
            username: &username,
            display_name: &display_name,
            password_hash: &hash,
            role,
            agency_id: agency.id,
            at_us: app.now_us(),
        },
    )
    .await
    .map_err(|e| {
        AppError::unique_or(
            e,
            format!("用户名“{username}”已被使用"),
            format!("username '{username}' is already taken"),
        )
    })?;
    app.log(
        &mut tx,
        actor.map(|a| a.user_id),
        Some(agency.id),
        EventKind::UserCreated,
        format!("user:{id}"),
        serde_json::json!({ "username": username, "role": role.code(), "agency_id": agency.id }),
    )
    .await?;
    tx.commit().await?;
    Ok(User {
        id,
        username,
        display_name,
        role,
        agency_id: agency.id,
        agency_name: agency.name,
        agency_path: agency.path,
        legal_qualification: String::new(),
        legal_review_before_2021: false,
        active: true,
    })
}

/// Enable or disable an account. Disabling ends its sessions at once.
pub async fn set_user_active(
    app: &App,
    actor: &Actor,
    user_id: i64,
    active: bool,
) -> Result<User, AppError> {
    authorize(actor, Action::ManageUsers, None)?;
    let user = users::get(&app.db, user_id)
        .await?
        .ok_or(AppError::NotFound {
            zh: "用户",
            en: "user",
        })?;
    authorize(actor, Action::ManageUsers, Some(&user.agency_path))?;
    if user.id == actor.user_id && !active {
        return Err(AppError::invalid(
            "active",
            "不能停用自己的账号",
            "you cannot deactivate your own account",
        ));
    }
    if user.active == active {
        return Ok(user);
    }
    let mut tx = app.db.begin().await?;
    users::set_active(&mut tx, user.id, active).await?;
    if !active {
        fazhi_store::sessions::delete_for_user(&mut tx, user.id).await?;
    }
    let kind = if active {
        EventKind::UserActivated
    } else {
        EventKind::UserDeactivated
    };
    app.log(
        &mut tx,
        Some(actor.user_id),
        Some(user.agency_id),
        kind,
        format!("user:{}", user.id),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(User { active, ..user })
}

/// Record a legal reviewer's 法律职业资格 (《行政处罚法》第五十八条第二款): the
/// certificate number (empty clears it) and whether the reviewer already did
/// legal review before 2021-07-15. One event; only for legal reviewers.
pub async fn set_legal_qualification(
    app: &App,
    actor: Option<&Actor>,
    user_id: i64,
    certificate: &str,
    before_2021: bool,
) -> Result<User, AppError> {
    if let Some(actor) = actor {
        authorize(actor, Action::ManageUsers, None)?;
    }
    let user = users::get(&app.db, user_id)
        .await?
        .ok_or(AppError::NotFound {
            zh: "用户",
            en: "user",
        })?;
    if let Some(actor) = actor {
        authorize(actor, Action::ManageUsers, Some(&user.agency_path))?;
    }
    if user.role != Role::LegalReviewer {
        return Err(AppError::invalid(
            "legal_qualification",
            "法律职业资格只登记在法制审核人员的账号上",
            "the legal qualification is recorded on legal reviewers' accounts only",
        ));
    }
    let certificate = certificate.trim();
    let ok = certificate.chars().count() <= 40
        && certificate.chars().all(|c| {
            c.is_ascii_alphanumeric() || c == '-' || ('\u{4e00}'..='\u{9fff}').contains(&c)
        });
    if !ok {
        return Err(AppError::invalid(
            "legal_qualification",
            "法律职业资格证书编号须为不超过 40 个字符的字母、数字或汉字（规则 ap_legal_review）",
            "the certificate number of the legal qualification: at most 40 letters, digits or Chinese characters (rule ap_legal_review)",
        ));
    }
    if user.legal_qualification == certificate && user.legal_review_before_2021 == before_2021 {
        return Ok(user);
    }
    let mut tx = app.db.begin().await?;
    users::set_legal_qualification(&mut tx, user.id, certificate, before_2021).await?;
    app.log(
        &mut tx,
        actor.map(|a| a.user_id),
        Some(user.agency_id),
        EventKind::UserQualificationSet,
        format!("user:{}", user.id),
        serde_json::json!({ "certificate": !certificate.is_empty(), "before_2021": before_2021 }),
    )
    .await?;
    tx.commit().await?;
    Ok(User {
        legal_qualification: certificate.to_owned(),
        legal_review_before_2021: before_2021,
        ..user
    })
}

pub async fn list_users(app: &App, actor: &Actor) -> Result<Vec<User>, AppError> {
    authorize(actor, Action::ViewUsers, None)?;
    Ok(users::list_in_scope(&app.db, &actor.agency_path).await?)
}

pub async fn list_agencies(app: &App, actor: &Actor) -> Result<Vec<Agency>, AppError> {
    authorize(actor, Action::ViewAgencies, None)?;
    Ok(agencies::list_in_scope(&app.db, &actor.agency_path).await?)
}

pub async fn get_agency(app: &App, actor: &Actor, id: i64) -> Result<Agency, AppError> {
    let agency = agencies::get(&app.db, id)
        .await?
        .ok_or(AppError::NotFound {
            zh: "机构",
            en: "agency",
        })?;
    authorize(actor, Action::ViewAgencies, Some(&agency.path))?;
    Ok(agency)
}

/// A new API token for the actor's own account. The clear token is returned
/// once; only its hash is kept.
pub async fn create_api_token(
    app: &App,
    actor: &Actor,
    name: &str,
) -> Result<(ApiToken, String), AppError> {
    authorize(actor, Action::ManageApiTokens, None)?;
    let name = name.trim();
    let n = name.chars().count();
    if n == 0 || n > TOKEN_NAME_CHARS_MAX {
        return Err(AppError::invalid(
            "name",
            format!("令牌名称须为 1–{TOKEN_NAME_CHARS_MAX} 个字符"),
            format!("token name must be 1–{TOKEN_NAME_CHARS_MAX} characters"),
        ));
    }
    let token = format!("fz_{}", random_token(API_TOKEN_BYTES)?);
    let mut tx = app.db.begin().await?;
    let id = tokens::insert(
        &mut tx,
        actor.user_id,
        name,
        &token_hash(&token),
        app.now_us(),
    )
    .await?;
    app.log(
        &mut tx,
        Some(actor.user_id),
        Some(actor.agency_id),
        EventKind::ApiTokenCreated,
        format!("api_token:{id}"),
        serde_json::json!({ "name": name }),
    )
    .await?;
    tx.commit().await?;
    let created = tokens::get(&app.db, id).await?.ok_or(AppError::NotFound {
        zh: "令牌",
        en: "token",
    })?;
    Ok((created, token))
}

pub async fn revoke_api_token(app: &App, actor: &Actor, id: i64) -> Result<(), AppError> {
    authorize(actor, Action::ManageApiTokens, None)?;
    let token = tokens::get(&app.db, id).await?.ok_or(AppError::NotFound {
        zh: "令牌",
        en: "token",
    })?;
    let owner = users::get(&app.db, token.user_id)
        .await?
        .ok_or(AppError::NotFound {
            zh: "用户",
            en: "user",
        })?;
    authorize(actor, Action::ManageApiTokens, Some(&owner.agency_path))?;
    let mut tx = app.db.begin().await?;
    if tokens::revoke(&mut tx, id, app.now_us()).await? == 0 {
        tx.rollback().await?;
        return Ok(());
    }
    app.log(
        &mut tx,
        Some(actor.user_id),
        Some(owner.agency_id),
        EventKind::ApiTokenRevoked,
        format!("api_token:{id}"),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn list_api_tokens(app: &App, actor: &Actor) -> Result<Vec<ApiToken>, AppError> {
    authorize(actor, Action::ManageApiTokens, None)?;
    Ok(tokens::list_in_scope(&app.db, actor.agency_path.as_str()).await?)
}

#[cfg(test)]
mod tests {
    use super::parse_username;

    #[test]
    fn usernames_are_lowercased_and_checked() {
        assert_eq!(parse_username(" Zhang.San ").unwrap(), "zhang.san");
        for bad in ["ab", "-abc", "张三", "a b c", &"x".repeat(33)] {
            assert_eq!(
                parse_username(bad).unwrap_err().field(),
                Some("username"),
                "{bad}"
            );
        }
    }
}
