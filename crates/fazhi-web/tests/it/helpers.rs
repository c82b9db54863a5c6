use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use fazhi_app::password::PasswordParams;
use fazhi_app::{App, FixedClock};
use fazhi_store::testing::{self, TestDb};
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceExt;

pub const NOW_US: i64 = 1_795_000_000_000_000; // 2026-11-18

pub struct TestApp {
    pub router: axum::Router,
    pub app: App,
    pub clock: Arc<FixedClock>,
    _db: TestDb,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// A logged-in browser-like client: its session cookie and CSRF token.
#[derive(Clone, Default)]
pub struct Client {
    pub cookies: Vec<(String, String)>,
    pub csrf: String,
    /// The connection's peer address (default [`DEFAULT_PEER`]).
    pub peer: Option<SocketAddr>,
    /// An `X-Forwarded-For` header this client sends.
    pub forwarded_for: Option<String>,
}

impl Client {
    /// A client connecting from `addr` (`ip:port`).
    pub fn from_peer(addr: &str) -> Client {
        Client {
            peer: Some(addr.parse().unwrap()),
            ..Client::default()
        }
    }
}

impl Client {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
    fn absorb(&mut self, headers: &axum::http::HeaderMap) {
        for v in headers.get_all(header::SET_COOKIE) {
            let Some((pair, _)) = v.to_str().unwrap().split_once(';') else {
                continue;
            };
            let (k, val) = pair.split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            if !val.is_empty() {
                self.cookies.push((k.to_owned(), val.to_owned()));
            }
        }
    }
}

/// The peer address of clients that do not name their own.
pub const DEFAULT_PEER: &str = "192.0.2.1:50000";

/// The router as `serve` runs it: every request comes from a peer address
/// (axum's `MockConnectInfo`; a client with its own `peer` overrides it).
pub fn router_of(app: &App, trusted_proxies: fazhi_web::client::TrustedProxies) -> axum::Router {
    fazhi_web::router(fazhi_web::AppState {
        app: app.clone(),
        secure_cookies: false,
        pdf: None,
        trusted_proxies,
    })
    .layer(MockConnectInfo(DEFAULT_PEER.parse::<SocketAddr>().unwrap()))
}

/// One app per backend, each with the demo seeded.
pub async fn apps() -> Vec<TestApp> {
    let mut out = Vec::new();
    for db in testing::both().await {
        out.push(TestApp::with_db(db).await);
    }
    out
}

impl TestApp {
    pub async fn with_db(db: TestDb) -> Self {
        let clock = Arc::new(FixedClock::new(NOW_US));
        let files = std::env::temp_dir().join(format!(
            "fazhi-web-test-{}",
            fazhi_app::random_token(8).unwrap()
        ));
        let app = App::new(
            db.db.clone(),
            clock.clone(),
            PasswordParams::FAST_FOR_TESTS,
            &files,
        )
        .with_log_key("fazhi.test/action-log", fazhi_app::log_key::Seed([5u8; 32]));
        assert!(fazhi_app::demo::seed_accounts(&app).await.unwrap());
        let router = router_of(&app, fazhi_web::client::TrustedProxies::default());
        TestApp {
            router,
            app,
            clock,
            _db: db,
        }
    }

    pub fn backend(&self) -> &'static str {
        self.app.db.backend().name()
    }

    pub async fn send(
        &self,
        client: Option<&mut Client>,
        method: Method,
        uri: &str,
        content_type: Option<&str>,
        body: String,
        extra: &[(&str, &str)],
    ) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "localhost");
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        if let Some(c) = &client
            && !c.cookies.is_empty()
        {
            req = req.header(header::COOKIE, c.cookie_header());
        }
        if let Some(xff) = client.as_ref().and_then(|c| c.forwarded_for.clone()) {
            req = req.header("x-forwarded-for", xff);
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let mut req = req.body(Body::from(body)).unwrap();
        if let Some(peer) = client.as_ref().and_then(|c| c.peer) {
            req.extensions_mut().insert(ConnectInfo(peer));
        }
        let response = self.router.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
            .await
            .unwrap();
        if let Some(c) = client {
            c.absorb(&headers);
        }
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, client: &mut Client, uri: &str) -> Resp {
        self.send(Some(client), Method::GET, uri, None, String::new(), &[])
            .await
    }

    /// POST a form; the client's CSRF token is added unless the body has one.
    pub async fn post_form(&self, client: &mut Client, uri: &str, fields: &[(&str, &str)]) -> Resp {
        let mut pairs: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        if !fields.iter().any(|(k, _)| *k == "csrf") {
            pairs.push(("csrf".into(), client.csrf.clone()));
        }
        let body = serde_urlencoded::to_string(&pairs).unwrap();
        self.send(
            Some(client),
            Method::POST,
            uri,
            Some("application/x-www-form-urlencoded"),
            body,
            &[],
        )
        .await
    }

    /// An API call with the session cookie and the CSRF header.
    pub async fn api(
        &self,
        client: &mut Client,
        method: Method,
        uri: &str,
        body: Option<serde_json::Value>,
    ) -> Resp {
        let csrf = client.csrf.clone();
        let body_text = body.map(|b| b.to_string()).unwrap_or_default();
        self.send(
            Some(client),
            method,
            uri,
            Some("application/json"),
            body_text,
            &[("x-csrf-token", &csrf)],
        )
        .await
    }

    /// Log in through the login form, as a browser does.
    pub async fn login(&self, username: &str, password: &str) -> (Client, Resp) {
        self.login_as(Client::default(), username, password).await
    }

    /// Log in through the login form from a given client (its peer address).
    pub async fn login_as(
        &self,
        mut client: Client,
        username: &str,
        password: &str,
    ) -> (Client, Resp) {
        let page = self.get(&mut client, "/login").await;
        assert_eq!(page.status, StatusCode::OK);
        let csrf = extract_csrf(&page.body);
        let resp = self
            .post_form(
                &mut client,
                "/login",
                &[
                    ("csrf", &csrf),
                    ("username", username),
                    ("password", password),
                    ("next", "/"),
                ],
            )
            .await;
        if resp.status == StatusCode::SEE_OTHER {
            let home = self.get(&mut client, "/").await;
            assert_eq!(home.status, StatusCode::OK, "{}", home.body);
            client.csrf = extract_csrf(&home.body);
        }
        (client, resp)
    }

    pub async fn login_ok(&self, username: &str) -> Client {
        let (client, resp) = self.login(username, fazhi_app::demo::DEMO_PASSWORD).await;
        assert_eq!(
            resp.status,
            StatusCode::SEE_OTHER,
            "login {username}: {}",
            resp.body
        );
        client
    }

    pub async fn user_id(&self, username: &str) -> i64 {
        fazhi_store::users::credentials_by_username(&self.app.db, username)
            .await
            .unwrap()
            .unwrap()
            .user
            .id
    }

    pub async fn event_count(&self) -> i64 {
        fazhi_store::events::size(&self.app.db).await.unwrap()
    }
}

pub fn extract_csrf(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no csrf field in page"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}
