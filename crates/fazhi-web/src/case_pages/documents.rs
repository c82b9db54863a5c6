//! The documents of each step, rendered for print.

use super::*;

// ------------------------------------------------------------------ documents

/// The documents a case has produced so far, in case-file order.
pub(super) fn documents_of(c: &Case) -> Vec<fazhi_app::documents::DocKind> {
    fazhi_app::documents::DocKind::ALL
        .into_iter()
        .filter(|d| d.exists_for(c))
        .collect()
}

#[derive(Template)]
#[template(path = "document.html")]
pub struct DocumentPage {
    pub t: Tr,
    pub doc: fazhi_app::documents::Document,
}

#[derive(Deserialize, Default)]
pub struct DocQuery {
    /// `docx` for Word; anything else prints HTML.
    #[serde(default)]
    format: String,
}

pub(super) async fn document(
    State(state): State<AppState>,
    user: PageUser,
    Path((id, kind)): Path<(i64, String)>,
    Query(q): Query<DocQuery>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let view = match cases::get(&state.app, &actor, id).await {
        Ok(v) => v,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let Some(kind) = fazhi_app::documents::DocKind::parse(&kind) else {
        return PageError::new(
            AppError::NotFound {
                zh: "文书",
                en: "document",
            },
            tr.lang,
        )
        .into_response();
    };
    let doc = match fazhi_app::documents::render(&state.app, &view, kind).await {
        Ok(doc) => doc,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    if q.format == "docx" {
        return match fazhi_app::documents::to_docx(&doc) {
            Ok(bytes) => (
                [
                    (
                        axum::http::header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                            .to_owned(),
                    ),
                    (
                        axum::http::header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"case-{id}-{}.docx\"", kind.code()),
                    ),
                ],
                bytes,
            )
                .into_response(),
            Err(e) => PageError::new(e, tr.lang).into_response(),
        };
    }
    render(&DocumentPage { t: tr, doc }, StatusCode::OK, tr)
}
