//! Login, logout and resolving who is asking (session cookie or bearer token).

use crate::{App, AppError, password, random_token, throttle, token_hash};
use fazhi_domain::action_log::EventKind;
use fazhi_domain::authz::Actor;
use fazhi_store::users::User;
use fazhi_store::{sessions, tokens, users};

/// Entropy of session and CSRF tokens.
pub const SESSION_TOKEN_BYTES: usize = 32;
pub const USERNAME_CHARS_MAX: usize = 32;

/// The authenticated party of a request.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: User,
    /// Present for cookie sessions: forms and API writes must echo it.
    pub csrf_token: Option<String>,
}

impl Authenticated {
    pub fn actor(&self) -> Actor {
        actor_of(&self.user)
    }
}

pub fn actor_of(user: &User) -> Actor {
    Actor {
        user_id: user.id,
        role: user.role,
        agency_id: user.agency_id,
        agency_path: user.agency_path.clone(),
    }
}

pub struct LoginOutcome {
    /// The new session token for the cookie (never stored in clear).
    pub session_token: String,
    pub auth: Authenticated,
}

/// Check the password, rotate the session, record the login.
/// `previous_token` is the session cookie the client came with, if any: it is
/// deleted so a fixated session id cannot survive the login. `client` names
/// the caller's address (the edge decides it); failures are throttled per
/// account and client, per client, and per account for clients that failed
/// on it ([`throttle::login_limits`]).
pub async fn login(
    app: &App,
    username: &str,
    password_text: &str,
    client: &str,
    previous_token: Option<&str>,
) -> Result<LoginOutcome, AppError> {
    let username = username.trim();
    if username.is_empty() || username.chars().count() > USERNAME_CHARS_MAX {
        return Err(AppError::invalid(
            "username",
            "请输入用户名",
            "enter a username",
        ));
    }
    let now_s = app.now_us() / 1_000_000;
    // Reserved before the password is checked: concurrent guesses from one
    // client count at once, so no more than the limit are ever checked.
    let reservation = app
        .throttle
        .reserve(&throttle::login_limits(username, client), now_s)
        .map_err(|retry_after_s| AppError::Throttled { retry_after_s })?;
    let found = users::credentials_by_username(&app.db, username).await?;
    // Verify even for unknown users, against a fixed hash, so timing does not reveal which usernames exist.
    let (stored, user) = match found {
        Some(c) => (c.password_hash, Some(c.user)),
        None => (DUMMY_HASH.to_owned(), None),
    };
    let ok = password::verify(password_text.to_owned(), stored).await?;
    let user = match user {
        Some(u) if ok && u.active => u,
        // The reservation stays: it is this client's failure.
        _ => return Err(AppError::BadCredentials),
    };
    app.throttle.release(reservation);
    app.throttle.clear(&[throttle::pair_key(username, client)]);
    let session_token = random_token(SESSION_TOKEN_BYTES)?;
    let csrf_token = random_token(SESSION_TOKEN_BYTES)?;
    let now_us = app.now_us();
    let mut tx = app.db.begin().await?;
    if let Some(previous) = previous_token {
        sessions::delete(&mut tx, &token_hash(previous)).await?;
    }
    sessions::delete_expired(&mut tx, now_us).await?;
    sessions::insert(
        &mut tx,
        &token_hash(&session_token),
        user.id,
        &csrf_token,
        now_us,
        now_us + app.session_ttl_s * 1_000_000,
    )
    .await?;
    app.log(
        &mut tx,
        Some(user.id),
        Some(user.agency_id),
        EventKind::LoginSucceeded,
        format!("user:{}", user.id),
        serde_json::json!({ "username": user.username }),
    )
    .await?;
    tx.commit().await?;
    Ok(LoginOutcome {
        session_token,
        auth: Authenticated {
            user,
            csrf_token: Some(csrf_token),
        },
    })
}

/// An Argon2id hash of a random string: used to spend the same time on unknown usernames.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Y3CFq0eJ3YwYNKyAXmbEuSkItPgLu07uHOZ17fHAPho";

/// End the session; records the logout if the session was live.
pub async fn logout(app: &App, session_token: &str) -> Result<(), AppError> {
    let hash = token_hash(session_token);
    let Some(session) = sessions::get_live(&app.db, &hash, app.now_us()).await? else {
        return Ok(());
    };
    let user = users::get(&app.db, session.user_id).await?;
    let mut tx = app.db.begin().await?;
    sessions::delete(&mut tx, &hash).await?;
    app.log(
        &mut tx,
        Some(session.user_id),
        user.map(|u| u.agency_id),
        EventKind::LoggedOut,
        format!("user:{}", session.user_id),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The actor of a command-line operation (`fazhi import --user NAME`): an
/// existing, active account, else a bilingual error naming the field.
pub async fn actor_by_username(app: &App, username: &str) -> Result<Actor, AppError> {
    let name = username.trim();
    let found = users::credentials_by_username(&app.db, name).await?;
    match found {
        Some(c) if c.user.active => Ok(actor_of(&c.user)),
        Some(_) => Err(AppError::invalid(
            "user",
            format!("账户“{name}”已停用，不能执行此操作"),
            format!("the account '{name}' is disabled and cannot do this"),
        )),
        None => Err(AppError::invalid(
            "user",
            format!("没有名为“{name}”的账户：请用 fazhi user add 创建，或检查拼写"),
            format!(
                "there is no account named '{name}': create it with fazhi user add, or check the spelling"
            ),
        )),
    }
}

/// The user of a live session cookie, if the account is still active.
pub async fn resolve_session(
    app: &App,
    session_token: &str,
) -> Result<Option<Authenticated>, AppError> {
    let Some(session) =
        sessions::get_live(&app.db, &token_hash(session_token), app.now_us()).await?
    else {
        return Ok(None);
    };
    let user = users::get(&app.db, session.user_id)
        .await?
        .filter(|u| u.active);
    Ok(user.map(|user| Authenticated {
        user,
        csrf_token: Some(session.csrf_token),
    }))
}

/// The user of a live API bearer token, if the account is still active.
pub async fn resolve_bearer(app: &App, token: &str) -> Result<Option<Authenticated>, AppError> {
    let Some(user_id) = tokens::user_for_hash(&app.db, &token_hash(token)).await? else {
        return Ok(None);
    };
    let user = users::get(&app.db, user_id).await?.filter(|u| u.active);
    Ok(user.map(|user| Authenticated {
        user,
        csrf_token: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::DUMMY_HASH;

    #[test]
    fn the_dummy_hash_is_a_valid_phc_string() {
        assert!(argon2::PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
