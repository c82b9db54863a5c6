//! View models: plain data the templates print. All decisions (what to show,
//! labels, formatting) are made here, not in templates.

use crate::error::PageError;
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use fazhi_app::AppError;
use fazhi_app::auth::Authenticated;
use fazhi_app::home::format_instant_cst;
use fazhi_domain::action_log::{Event, EventKind};
use fazhi_domain::authz::{Action, role_allows};

pub struct NavUser {
    pub display_name: String,
    pub role_name: &'static str,
    pub agency_name: String,
    pub can_view_users: bool,
    pub can_manage_tokens: bool,
    pub can_view_statistics: bool,
    pub csrf: String,
}

pub struct Nav {
    pub user: Option<NavUser>,
    pub lang_href: String,
}

impl Nav {
    pub fn new(tr: Tr, auth: Option<&Authenticated>, current_path: &str) -> Nav {
        let user = auth.map(|a| NavUser {
            display_name: a.user.display_name.clone(),
            role_name: tr.pick(a.user.role.name_zh(), a.user.role.name_en()),
            agency_name: a.user.agency_name.clone(),
            can_view_users: role_allows(a.user.role, Action::ViewUsers),
            can_manage_tokens: role_allows(a.user.role, Action::ManageApiTokens),
            can_view_statistics: role_allows(a.user.role, Action::ViewStatistics),
            csrf: a.csrf_token.clone().unwrap_or_default(),
        });
        Nav {
            user,
            lang_href: format!(
                "/lang/{}?next={}",
                tr.lang.other().code(),
                crate::auth::percent_encode(current_path)
            ),
        }
    }
}

pub struct EventRow {
    pub id: i64,
    pub time: String,
    pub kind: String,
    pub subject: String,
    /// `Some(true)` when a live inclusion proof against the latest signed
    /// checkpoint verified; `None` when not yet covered by a checkpoint.
    pub verified: Option<bool>,
}

impl EventRow {
    pub fn new(e: &Event, lang: Lang) -> Self {
        let kind = match (EventKind::parse(&e.kind), lang) {
            (Some(k), Lang::Zh) => k.name_zh().to_owned(),
            _ => e.kind.clone(),
        };
        EventRow {
            id: e.id,
            time: format_instant_cst(e.at_us),
            kind,
            subject: e.subject.clone(),
            verified: None,
        }
    }
}

pub struct StatCard {
    pub key: &'static str,
    pub label: &'static str,
    pub value: i64,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub t: Tr,
    pub nav: Nav,
    pub csrf: String,
    pub next: String,
    pub username: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub t: Tr,
    pub nav: Nav,
    pub agency_name: String,
    pub cards: Vec<StatCard>,
    pub chart_svg: String,
    pub recent: Vec<EventRow>,
    /// For the system administrator from 1 November: next year's holiday schedule is missing.
    pub holidays_missing: Option<i16>,
}

#[derive(Template)]
#[template(path = "log.html")]
pub struct LogPage {
    pub t: Tr,
    pub nav: Nav,
    pub events: Vec<EventRow>,
}

pub struct AgencyRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub level: &'static str,
    pub region_code: String,
    pub depth: usize,
}

#[derive(Template)]
#[template(path = "agencies.html")]
pub struct AgenciesPage {
    pub t: Tr,
    pub nav: Nav,
    pub agencies: Vec<AgencyRow>,
    pub can_create: bool,
    pub csrf: String,
    pub error: Option<String>,
}

pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub agency: String,
    pub active: bool,
    /// A legal reviewer: the 法律职业资格 is recorded on the account.
    pub reviewer: bool,
    pub legal_qualification: String,
    pub legal_review_before_2021: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    pub t: Tr,
    pub nav: Nav,
    pub users: Vec<UserRow>,
    pub can_manage: bool,
    pub roles: Vec<(&'static str, &'static str)>,
    pub agencies: Vec<(i64, String)>,
    pub csrf: String,
    pub error: Option<String>,
}

pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub username: String,
    pub created: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "tokens.html")]
pub struct TokensPage {
    pub t: Tr,
    pub nav: Nav,
    pub tokens: Vec<TokenRow>,
    pub created: Option<String>,
    pub csrf: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub t: Tr,
    pub status: u16,
    pub message: String,
}

/// Geometry of the home page bar chart, in SVG user units.
const CHART_WIDTH: i64 = 700;
const CHART_HEIGHT: i64 = 220;
const CHART_MARGIN_BOTTOM: i64 = 40;
const CHART_MARGIN_TOP: i64 = 20;

/// A server-rendered SVG bar chart (no JavaScript). Labels are escaped.
pub fn bar_chart_svg(points: &[(String, i64)], title: &str) -> String {
    let max = points.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let n = i64::try_from(points.len()).unwrap_or(1).max(1);
    let slot = CHART_WIDTH / n;
    let bar = (slot * 3 / 5).max(2);
    let plot_h = CHART_HEIGHT - CHART_MARGIN_BOTTOM - CHART_MARGIN_TOP;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {CHART_WIDTH} {CHART_HEIGHT}\" role=\"img\" aria-label=\"{}\">",
        escape(title)
    );
    for (i, (label, value)) in points.iter().enumerate() {
        let i = i64::try_from(i).unwrap_or(0);
        let h = value * plot_h / max;
        let x = i * slot + (slot - bar) / 2;
        let y = CHART_MARGIN_TOP + plot_h - h;
        let short = label.get(5..).unwrap_or(label);
        out.push_str(&format!(
            "<g><title>{} : {value}</title><rect x=\"{x}\" y=\"{y}\" width=\"{bar}\" height=\"{h}\" fill=\"#b3261e\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1d2330\">{value}</text>\
             <text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6475\">{}</text></g>",
            escape(label),
            x + bar / 2,
            y - 4,
            x + bar / 2,
            CHART_HEIGHT - CHART_MARGIN_BOTTOM + 16,
            escape(short)
        ));
    }
    out.push_str("</svg>");
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A back-office page, or the error page if its template fails.
pub(crate) fn render<T: Template>(view: &T, status: StatusCode, tr: Tr) -> Response {
    match view.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            PageError::new(AppError::Internal(format!("template: {e}")), tr.lang).into_response()
        }
    }
}

/// An error's message in the reader's language, for the form it refuses.
pub(crate) fn message(tr: Tr, e: &AppError) -> String {
    tr.pick(&e.message_zh(), &e.message_en()).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_has_one_bar_per_day_and_escapes_labels() {
        let svg = bar_chart_svg(&[("2026-01-01".into(), 3), ("<x>".into(), 0)], "a\"b");
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("&lt;x&gt;"));
        assert!(!svg.contains("<x>"));
        assert!(svg.contains("aria-label=\"a&quot;b\""));
    }
}
