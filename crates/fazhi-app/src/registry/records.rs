//! Record pages and edits of entities and officers, and name lookups.

use super::*;

/// A record's page: its current values, version for the edit form's
/// conflict check, and every event that changed it.
#[derive(Debug, Clone)]
pub struct RecordPage<T> {
    pub record: T,
    /// Extra stored text (an entity's permits as JSON).
    pub extra: String,
    pub version: i64,
    pub history: Vec<fazhi_store::history::HistoryEntry>,
}

pub(super) const ENTITY_NOUN: (&str, &str) = ("单位", "entity");
pub(super) const OFFICER_NOUN: (&str, &str) = ("执法人员", "officer");

pub async fn entity_page(
    app: &App,
    actor: &Actor,
    uscc: &str,
) -> Result<RecordPage<registry::EntityListed>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let Some((record, permits_json)) =
        registry::get_entity(&app.db, &actor.agency_path, uscc).await?
    else {
        return Err(AppError::NotFound {
            zh: ENTITY_NOUN.0,
            en: ENTITY_NOUN.1,
        });
    };
    let version = fazhi_store::history::version(&app.db, "entity", uscc).await?;
    let history = fazhi_store::history::of_record(&app.db, "entity", uscc).await?;
    Ok(RecordPage {
        record,
        extra: permits_json,
        version,
        history,
    })
}

pub async fn officer_page(
    app: &App,
    actor: &Actor,
    staff_no: &str,
) -> Result<RecordPage<registry::OfficerListed>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let Some(record) = registry::get_officer(&app.db, &actor.agency_path, staff_no).await? else {
        return Err(AppError::NotFound {
            zh: OFFICER_NOUN.0,
            en: OFFICER_NOUN.1,
        });
    };
    let version = fazhi_store::history::version(&app.db, "officer", staff_no).await?;
    let history = fazhi_store::history::of_record(&app.db, "officer", staff_no).await?;
    Ok(RecordPage {
        record,
        extra: String::new(),
        version,
        history,
    })
}

/// The fields of one record, validated by the import's own rules: a one-row
/// table with the import's columns. Errors name the form field.
pub(super) fn one_row_table(columns: &'static [Column], fields: &[(&'static str, &str)]) -> Table {
    let mut index = HashMap::new();
    let mut headers = Vec::new();
    let mut record = csv::StringRecord::new();
    for (i, col) in columns.iter().enumerate() {
        index.insert(col.code, i);
        headers.push(col.headers[0].to_owned());
        record.push_field(
            fields
                .iter()
                .find(|(code, _)| *code == col.code)
                .map_or("", |(_, v)| v),
        );
    }
    Table {
        index,
        headers,
        records: vec![record],
    }
}

pub(super) fn form_error(columns: &'static [Column], errors: Vec<RowError>) -> AppError {
    let field = errors
        .first()
        .and_then(|e| columns.iter().find(|c| c.headers[0] == e.column))
        .map_or("form", |c| c.code);
    AppError::invalid(
        field,
        errors
            .iter()
            .map(|e| e.message_zh.clone())
            .collect::<Vec<_>>()
            .join("；"),
        errors
            .iter()
            .map(|e| e.message_en.clone())
            .collect::<Vec<_>>()
            .join("; "),
    )
}

pub(super) fn stale_record() -> AppError {
    AppError::Conflict {
        zh: "该记录在您打开表单后已被他人修改，未保存；请重新打开后再改".into(),
        en: "someone changed this record after you opened the form; nothing was saved — reopen it and edit again".into(),
    }
}

/// An entity edit form. The USCC is the record's key and cannot change.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EntityEdit {
    pub name: String,
    pub legal_rep: String,
    pub address: String,
    pub region_code: String,
    /// Domain names or codes, separated by 、 , ; or spaces.
    pub domains: String,
    pub risk_level: String,
    pub credit_grade: String,
    pub status: String,
    #[serde(default)]
    pub permit_no: String,
    #[serde(default)]
    pub permit_item: String,
    #[serde(default)]
    pub permit_valid_to: String,
    /// The record's version when the form was shown (see
    /// `fazhi_store::history::version`).
    pub version: i64,
}

/// Edit one entity: same validation as its import, refused if the record
/// changed since the form was shown, one event, one history line.
pub async fn edit_entity(
    app: &App,
    actor: &Actor,
    uscc: &str,
    edit: &EntityEdit,
) -> Result<Change, AppError> {
    authorize(actor, Action::ManageRegistry, None)?;
    if registry::get_entity(&app.db, &actor.agency_path, uscc)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound {
            zh: ENTITY_NOUN.0,
            en: ENTITY_NOUN.1,
        });
    }
    let mut tx = app.db.begin().await?;
    let Some(current) = registry::entity_row(&mut tx, uscc).await? else {
        return Err(AppError::NotFound {
            zh: ENTITY_NOUN.0,
            en: ENTITY_NOUN.1,
        });
    };
    if fazhi_store::history::version_in(&mut tx, "entity", uscc).await? != edit.version {
        return Err(stale_record());
    }
    let table = one_row_table(
        ENTITY_COLUMNS,
        &[
            ("uscc", uscc),
            ("name", &edit.name),
            ("legal_rep", &edit.legal_rep),
            ("address", &edit.address),
            ("region_code", &edit.region_code),
            ("domains", &edit.domains),
            ("risk_level", &edit.risk_level),
            ("credit_grade", &edit.credit_grade),
            ("status", &edit.status),
            ("permit_no", &edit.permit_no),
            ("permit_item", &edit.permit_item),
            ("permit_valid_to", &edit.permit_valid_to),
        ],
    );
    let row = parse_entities(&table, current.agency_id)
        .map_err(|e| form_error(ENTITY_COLUMNS, e))?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::Internal("one-row table parsed to nothing".into()))?;
    if row == current {
        tx.rollback().await?;
        return Ok(Change::Unchanged);
    }
    registry::upsert_entity(&mut tx, &row, app.now_us()).await?;
    let event = app
        .log(
            &mut tx,
            Some(actor.user_id),
            Some(actor.agency_id),
            EventKind::RegistryRecordEdited,
            format!("entity:{uscc}"),
            serde_json::json!({ "record_kind": "entity", "key": uscc, "before": current, "after": row }),
        )
        .await?;
    fazhi_store::history::record(
        &mut tx,
        "entity",
        &[(uscc.to_owned(), Change::Updated)],
        event.id,
    )
    .await?;
    tx.commit().await?;
    Ok(Change::Updated)
}

/// An officer edit form: the officer's fields and its newest credential.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct OfficerEdit {
    pub name: String,
    #[serde(default)]
    pub posts: String,
    pub domains: String,
    #[serde(default)]
    pub credential_number: String,
    #[serde(default)]
    pub issuing_body: String,
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
    #[serde(default)]
    pub last_review_year: String,
    #[serde(default)]
    pub training_hours: String,
    pub version: i64,
}

pub async fn edit_officer(
    app: &App,
    actor: &Actor,
    staff_no: &str,
    edit: &OfficerEdit,
) -> Result<Change, AppError> {
    authorize(actor, Action::ManageRegistry, None)?;
    let Some(listed) = registry::get_officer(&app.db, &actor.agency_path, staff_no).await? else {
        return Err(AppError::NotFound {
            zh: OFFICER_NOUN.0,
            en: OFFICER_NOUN.1,
        });
    };
    let mut tx = app.db.begin().await?;
    let Some(current) = registry::officer_row(&mut tx, staff_no).await? else {
        return Err(AppError::NotFound {
            zh: OFFICER_NOUN.0,
            en: OFFICER_NOUN.1,
        });
    };
    if fazhi_store::history::version_in(&mut tx, "officer", staff_no).await? != edit.version {
        return Err(stale_record());
    }
    let table = one_row_table(
        OFFICER_COLUMNS,
        &[
            ("staff_no", staff_no),
            ("name", &edit.name),
            ("posts", &edit.posts),
            ("domains", &edit.domains),
            ("credential_number", &edit.credential_number),
            ("issuing_body", &edit.issuing_body),
            ("area", &edit.area),
            ("valid_from", &edit.valid_from),
            ("valid_to", &edit.valid_to),
            ("last_review_year", &edit.last_review_year),
            ("training_hours", &edit.training_hours),
        ],
    );
    let (officer, credential) = parse_officers(&table, current.agency_id)
        .map_err(|e| form_error(OFFICER_COLUMNS, e))?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::Internal("one-row table parsed to nothing".into()))?;
    let now = app.now_us();
    let (id, mut change) = registry::upsert_officer(&mut tx, &officer, now).await?;
    if let Some(cr) = &credential {
        let c = registry::upsert_credential(&mut tx, id, cr, now).await?;
        if c != Change::Unchanged {
            change = Change::Updated;
        }
    }
    if change == Change::Unchanged {
        tx.rollback().await?;
        return Ok(Change::Unchanged);
    }
    let event = app
        .log(
            &mut tx,
            Some(actor.user_id),
            Some(actor.agency_id),
            EventKind::RegistryRecordEdited,
            format!("officer:{staff_no}"),
            serde_json::json!({
                "record_kind": "officer", "key": staff_no,
                "before": { "officer": current, "credential_number": listed.credential_number, "valid_to": listed.valid_to },
                "after": { "officer": officer, "credential": credential },
            }),
        )
        .await?;
    fazhi_store::history::record(
        &mut tx,
        "officer",
        &[(staff_no.to_owned(), Change::Updated)],
        event.id,
    )
    .await?;
    tx.commit().await?;
    Ok(Change::Updated)
}

/// Entity names by id, in scope (for tables of drawn entities).
pub async fn entity_names(app: &App, actor: &Actor) -> Result<HashMap<i64, String>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let (rows, _) =
        registry::list_entities(&app.db, &actor.agency_path, "", None, 0, EXPORT_ROWS_MAX).await?;
    Ok(rows.into_iter().map(|e| (e.id, e.name)).collect())
}

/// Officer names with credential numbers by id, in scope.
pub async fn officer_names(app: &App, actor: &Actor) -> Result<HashMap<i64, String>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let (rows, _) =
        registry::list_officers(&app.db, &actor.agency_path, "", 0, EXPORT_ROWS_MAX).await?;
    Ok(rows
        .into_iter()
        .map(|o| {
            (
                o.id,
                format!("{}（{}）", o.name, o.credential_number.unwrap_or_default()),
            )
        })
        .collect())
}
