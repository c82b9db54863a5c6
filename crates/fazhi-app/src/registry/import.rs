//! Entity and officer row parsing and the all-or-nothing import.

use super::*;

pub(super) fn parse_entities(t: &Table, agency_id: i64) -> Result<Vec<EntityRow>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut rows = Vec::with_capacity(t.records.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, r) in t.records.iter().enumerate() {
        let row = i + 2;
        let uscc_text = t.get(r, "uscc").to_ascii_uppercase();
        if let Err(e) = fazhi_domain::ident::Uscc::parse(&uscc_text) {
            errors.push(row_error(
                row,
                &t.header("uscc"),
                format!("{e}"),
                format!("USCC '{uscc_text}': {e}"),
            ));
        }
        let uscc = uscc_text;
        if let Some(first) = seen.insert(uscc.clone(), row) {
            errors.push(row_error(
                row,
                &t.header("uscc"),
                format!("统一社会信用代码 {uscc} 与第 {first} 行重复"),
                format!("USCC {uscc} repeats row {first}"),
            ));
        }
        let name = text_field(&mut errors, t, r, row, "name", 100, true);
        let legal_rep = text_field(&mut errors, t, r, row, "legal_rep", 50, true);
        let address = text_field(&mut errors, t, r, row, "address", 200, true);
        let region_code = t.get(r, "region_code").to_owned();
        if region_code.len() != 6 || !region_code.bytes().all(|b| b.is_ascii_digit()) {
            errors.push(row_error(
                row,
                &t.header("region_code"),
                "行政区划代码须为 6 位数字（GB/T 2260）",
                "region code must be 6 digits (GB/T 2260)",
            ));
        }
        let domains = domains_field(&mut errors, t, r, row);
        let risk = match t.get(r, "risk_level") {
            "" => Some(RiskLevel::Medium),
            v => RiskLevel::parse(v),
        };
        let credit = match t.get(r, "credit_grade") {
            "" => Some(CreditGrade::B),
            v => CreditGrade::parse(v),
        };
        let status = match t.get(r, "status") {
            "" => Some(EntityStatus::Operating),
            v => EntityStatus::parse(v),
        };
        if risk.is_none() {
            errors.push(row_error(
                row,
                &t.header("risk_level"),
                "风险等级须为 低/中/高",
                "risk level must be low, medium or high",
            ));
        }
        if credit.is_none() {
            errors.push(row_error(
                row,
                &t.header("credit_grade"),
                "信用等级须为 A/B/C/D",
                "credit grade must be A, B, C or D",
            ));
        }
        if status.is_none() {
            errors.push(row_error(
                row,
                &t.header("status"),
                "经营状态须为 在营/停业/注销",
                "status must be operating, suspended or closed",
            ));
        }
        let permit_no = t.get(r, "permit_no");
        let permits_json = if permit_no.is_empty() {
            "[]".to_owned()
        } else {
            let valid_to = t.get(r, "permit_valid_to");
            let date = parse_date(valid_to);
            if date.is_none() {
                errors.push(row_error(
                    row,
                    &t.header("permit_valid_to"),
                    format!("许可有效期“{valid_to}”不是有效日期（YYYY-MM-DD）"),
                    format!("permit valid-to '{valid_to}' is not a real date (YYYY-MM-DD)"),
                ));
            }
            serde_json::json!([{ "number": permit_no, "item": t.get(r, "permit_item"), "valid_to": date.map(|d| d.to_string()) }]).to_string()
        };
        rows.push(EntityRow {
            agency_id,
            uscc,
            name,
            legal_rep,
            address,
            region_code,
            domains,
            risk_level: risk.map_or("", RiskLevel::code).to_owned(),
            credit_grade: credit.map_or("", CreditGrade::code).to_owned(),
            status: status.map_or("", EntityStatus::code).to_owned(),
            permits_json,
        });
        if errors.len() >= ROW_ERRORS_MAX {
            break;
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

pub(super) fn parse_officers(
    t: &Table,
    agency_id: i64,
) -> Result<Vec<(OfficerRow, Option<CredentialRow>)>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut rows = Vec::with_capacity(t.records.len());
    let mut seen_staff: HashMap<String, usize> = HashMap::new();
    let mut seen_credential: HashMap<String, usize> = HashMap::new();
    for (i, r) in t.records.iter().enumerate() {
        let row = i + 2;
        let staff_no = t.get(r, "staff_no").to_owned();
        if staff_no.is_empty()
            || staff_no.len() > 32
            || !staff_no
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            errors.push(row_error(
                row,
                &t.header("staff_no"),
                "工号须为 1–32 位字母、数字或 -",
                "staff number must be 1–32 of A-Z, 0-9, '-'",
            ));
        } else if let Some(first) = seen_staff.insert(staff_no.clone(), row) {
            errors.push(row_error(
                row,
                &t.header("staff_no"),
                format!("工号 {staff_no} 与第 {first} 行重复"),
                format!("staff number {staff_no} repeats row {first}"),
            ));
        }
        let name = text_field(&mut errors, t, r, row, "name", 20, true);
        let posts = text_field(&mut errors, t, r, row, "posts", 50, false);
        let domains = domains_field(&mut errors, t, r, row);
        let number = t.get(r, "credential_number").to_owned();
        let credential = if number.is_empty() {
            None
        } else {
            if let Some(first) = seen_credential.insert(number.clone(), row) {
                errors.push(row_error(
                    row,
                    &t.header("credential_number"),
                    format!("执法证号 {number} 与第 {first} 行重复"),
                    format!("credential number {number} repeats row {first}"),
                ));
            }
            let issuing_body = text_field(&mut errors, t, r, row, "issuing_body", 60, true);
            let area = text_field(&mut errors, t, r, row, "area", 60, true);
            let mut date = |code: &str| {
                let v = t.get(r, code);
                let d = parse_date(v);
                if d.is_none() {
                    let h = t.header(code);
                    errors.push(row_error(
                        row,
                        &h,
                        format!("“{h}”的值“{v}”不是有效日期（YYYY-MM-DD）"),
                        format!("'{h}' value '{v}' is not a real date (YYYY-MM-DD)"),
                    ));
                }
                d
            };
            let from = date("valid_from");
            let to = date("valid_to");
            if let (Some(f), Some(t2)) = (from, to)
                && t2 < f
            {
                errors.push(row_error(
                    row,
                    &t.header("valid_to"),
                    format!("有效期止 {t2} 早于有效期起 {f}"),
                    format!("credential ends ({t2}) before it starts ({f})"),
                ));
            }
            let review = match t.get(r, "last_review_year") {
                "" => None,
                v => match v.parse::<i64>() {
                    Ok(y) if (2000..=2100).contains(&y) => Some(y),
                    _ => {
                        errors.push(row_error(
                            row,
                            &t.header("last_review_year"),
                            format!("年审年度“{v}”须为 2000–2100 的年份"),
                            format!("review year '{v}' must be a year 2000–2100"),
                        ));
                        None
                    }
                },
            };
            let hours = match t.get(r, "training_hours") {
                "" => 0,
                v => match v.parse::<i64>() {
                    Ok(h) if (0..=2000).contains(&h) => h,
                    _ => {
                        errors.push(row_error(
                            row,
                            &t.header("training_hours"),
                            format!("培训学时“{v}”须为 0–2000 的整数"),
                            format!("training hours '{v}' must be a whole number 0–2000"),
                        ));
                        0
                    }
                },
            };
            Some(CredentialRow {
                number,
                issuing_body,
                area,
                valid_from: from.map(|d| d.to_string()).unwrap_or_default(),
                valid_to: to.map(|d| d.to_string()).unwrap_or_default(),
                last_review_year: review,
                training_hours: hours,
            })
        };
        rows.push((
            OfficerRow {
                agency_id,
                staff_no,
                name,
                posts,
                domains,
            },
            credential,
        ));
        if errors.len() >= ROW_ERRORS_MAX {
            break;
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Import a file into the actor's scope: each row into the agency its 所属机构
/// column names, else its record's, else the actor's. A row naming an agency
/// outside the scope, or matching a record of one, rejects the whole file.
/// `progress(done, total)` is called as rows are written.
pub async fn import(
    app: &App,
    actor: &Actor,
    kind: ImportKind,
    file_name: &str,
    bytes: &[u8],
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ImportOutcome, ImportFailure> {
    authorize(actor, Action::ManageRegistry, None).map_err(AppError::from)?;
    if bytes.len() > IMPORT_BYTES_MAX {
        return Err(AppError::invalid(
            "file",
            format!("文件超过 {IMPORT_BYTES_MAX} 字节"),
            format!("file exceeds {IMPORT_BYTES_MAX} bytes"),
        )
        .into());
    }
    let text = if crate::sheets::is_xlsx(bytes) {
        crate::sheets::xlsx_to_csv(bytes)
    } else {
        decode_text(bytes)
    }
    .map_err(|e| ImportFailure::Rejected(vec![e]))?;
    let file_sha256 = hex::encode(sha2::Sha256::digest(bytes));
    let now = app.now_us();
    let mut outcome = ImportOutcome::default();
    let count = |change: Change, outcome: &mut ImportOutcome| match change {
        Change::Inserted => outcome.inserted += 1,
        Change::Updated => outcome.updated += 1,
        Change::Unchanged => outcome.unchanged += 1,
    };
    let agencies = scope::Agencies::load(app, actor).await?;
    let mut tx = app.db.begin().await?;
    // Power-list adjustments are recorded one by one (with reason and document) in the import's event.
    let mut adjustments: Vec<serde_json::Value> = Vec::new();
    // (record key, change) of every row, for each record's history.
    let mut touched: Vec<(String, Change)> = Vec::new();
    let rejected = ImportFailure::Rejected;
    // Every row is placed in the importer's scope before anything is written.
    let table_of =
        |columns: &'static [Column]| -> Result<(Table, Vec<Option<i64>>), ImportFailure> {
            let table = parse_table(&text, columns).map_err(rejected)?;
            let named = agencies.column(&table).map_err(rejected)?;
            Ok((table, named))
        };
    let refuse_any = |errors: Vec<RowError>| {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ImportFailure::Rejected(errors))
        }
    };
    match kind {
        ImportKind::Entities => {
            let (table, named) = table_of(ENTITY_COLUMNS)?;
            let mut rows = parse_entities(&table, actor.agency_id).map_err(rejected)?;
            refuse_any(
                scope::place_entities(&mut tx, &agencies, &table, &named, &mut rows).await?,
            )?;
            outcome.rows = rows.len();
            let total = rows.len();
            let changes =
                registry::upsert_entities(&mut tx, &rows, now, &|done| progress(done, total))
                    .await?;
            for (row, change) in rows.iter().zip(changes) {
                count(change, &mut outcome);
                touched.push((row.uscc.clone(), change));
            }
        }
        ImportKind::SpotChecks => {
            let (table, named) = table_of(SPOT_CHECK_COLUMNS)?;
            let mut rows = parse_spot_checks(&table, actor.agency_id).map_err(rejected)?;
            scope::set_named(&named, rows.iter_mut().map(|r| &mut r.agency_id));
            outcome.rows = rows.len();
            for row in &rows {
                let change = registry::upsert_spot_check(&mut tx, row, now).await?;
                count(change, &mut outcome);
                touched.push((format!("{}:{}", row.agency_id, row.code), change));
            }
        }
        ImportKind::Recusals => {
            let (officers, _) = registry::list_officers(
                &app.db,
                &actor.agency_path,
                "",
                0,
                registry::ROWS_PER_QUERY_MAX,
            )
            .await?;
            let staff: Vec<String> = officers.into_iter().map(|o| o.staff_no).collect();
            let (table, named) = table_of(RECUSAL_COLUMNS)?;
            let mut rows = parse_recusals(&table, actor.agency_id, &staff).map_err(rejected)?;
            refuse_any(
                scope::place_recusals(&mut tx, &agencies, &table, &named, &mut rows).await?,
            )?;
            outcome.rows = rows.len();
            for row in &rows {
                count(
                    registry::upsert_recusal(&mut tx, row, now).await?,
                    &mut outcome,
                );
            }
        }
        ImportKind::Discretion => {
            let penalty_codes: Vec<String> = registry::list_powers(&app.db, &actor.agency_path, "")
                .await?
                .into_iter()
                .filter(|p| p.kind == "penalty" && p.status == "published")
                .map(|p| p.code)
                .collect();
            let (table, named) = table_of(DISCRETION_COLUMNS)?;
            let mut rows =
                parse_discretion(&table, actor.agency_id, &penalty_codes).map_err(rejected)?;
            scope::set_named(&named, rows.iter_mut().map(|r| &mut r.agency_id));
            outcome.rows = rows.len();
            for row in &rows {
                let change = registry::upsert_discretion(&mut tx, row, now).await?;
                count(change, &mut outcome);
                touched.push((format!("{}:{}", row.agency_id, row.power_code), change));
            }
        }
        ImportKind::NoPenalty => {
            let penalty_codes: Vec<String> = registry::list_powers(&app.db, &actor.agency_path, "")
                .await?
                .into_iter()
                .filter(|p| p.kind == "penalty" && p.status == "published")
                .map(|p| p.code)
                .collect();
            let (table, named) = table_of(NO_PENALTY_COLUMNS)?;
            let mut rows =
                parse_no_penalty(&table, actor.agency_id, &penalty_codes).map_err(rejected)?;
            scope::set_named(&named, rows.iter_mut().map(|r| &mut r.agency_id));
            outcome.rows = rows.len();
            for row in &rows {
                let change = registry::upsert_no_penalty(&mut tx, row, now).await?;
                count(change, &mut outcome);
                touched.push((format!("{}:{}", row.agency_id, row.power_code), change));
            }
        }
        ImportKind::Powers => {
            let (table, named) = table_of(POWER_COLUMNS)?;
            let mut changes = parse_powers(&table, actor.agency_id).map_err(rejected)?;
            scope::set_named(&named, changes.iter_mut().map(|c| &mut c.row.agency_id));
            // A row without an adjustment (an exported row) must leave its item as it is.
            let mut errors = Vec::new();
            for (i, c) in changes.iter().enumerate() {
                if c.adjustment.is_some() {
                    continue;
                }
                let stored =
                    fazhi_store::registry_owners::power_item(&mut tx, c.row.agency_id, &c.row.code)
                        .await?;
                let same = stored.is_some_and(|p| {
                    (&p.kind, &p.name, &p.legal_basis, &p.unit)
                        == (&c.row.kind, &c.row.name, &c.row.legal_basis, &c.row.unit)
                        && c.status.is_none_or(|s| s == p.status)
                });
                if !same {
                    errors.push(row_error(
                        i + 2,
                        "调整类型",
                        format!("事项 {} 是新增或有改动的事项：须填写调整类型（新增/变更/下放/取消）、调整理由和文号", c.row.code),
                        format!("item {} is new or changed: give its adjustment (added, changed, delegated_down, removed), reason and document", c.row.code),
                    ));
                }
            }
            refuse_any(errors)?;
            outcome.rows = changes.len();
            for c in &changes {
                let Some(adjustment) = c.adjustment else {
                    touched.push((
                        format!("{}:{}", c.row.agency_id, c.row.code),
                        Change::Unchanged,
                    ));
                    count(Change::Unchanged, &mut outcome);
                    continue;
                };
                let (_, change) =
                    registry::upsert_power(&mut tx, &c.row, &c.reason, &c.document, now).await?;
                touched.push((format!("{}:{}", c.row.agency_id, c.row.code), change));
                if change != Change::Unchanged {
                    adjustments.push(serde_json::json!({
                        "code": c.row.code, "adjustment": adjustment.code(), "reason": c.reason, "document": c.document,
                    }));
                }
                count(change, &mut outcome);
            }
        }
        ImportKind::Officers => {
            let (table, named) = table_of(OFFICER_COLUMNS)?;
            let mut rows = parse_officers(&table, actor.agency_id).map_err(rejected)?;
            refuse_any(
                scope::place_officers(&mut tx, &agencies, &table, &named, &mut rows).await?,
            )?;
            outcome.rows = rows.len();
            for (i, (officer, credential)) in rows.iter().enumerate() {
                let (id, mut change) = registry::upsert_officer(&mut tx, officer, now).await?;
                if let Some(cr) = credential {
                    let c = registry::upsert_credential(&mut tx, id, cr, now).await?;
                    if change == Change::Unchanged && c != Change::Unchanged {
                        change = Change::Updated;
                    }
                }
                count(change, &mut outcome);
                touched.push((officer.staff_no.clone(), change));
                if i % 1000 == 0 {
                    progress(i, rows.len());
                }
            }
        }
    }
    progress(outcome.rows, outcome.rows);
    if outcome.inserted + outcome.updated == 0 {
        tx.rollback().await?;
        return Ok(outcome);
    }
    let event = app.log(
        &mut tx,
        Some(actor.user_id),
        Some(actor.agency_id),
        EventKind::RegistryImported,
        format!("registry:{}", kind.code()),
        serde_json::json!({
            "kind": kind.code(), "file_name": file_name, "file_sha256": file_sha256,
            "rows": outcome.rows, "inserted": outcome.inserted, "updated": outcome.updated, "unchanged": outcome.unchanged,
            "adjustments": adjustments,
        }),
    )
    .await?;
    if let Some(record_kind) = kind.record_kind() {
        fazhi_store::history::record(&mut tx, record_kind, &touched, event.id).await?;
    }
    tx.commit().await?;
    if outcome.inserted >= BULK_IMPORT_ROWS {
        app.db.refresh_statistics().await?;
    }
    Ok(outcome)
}

/// Inserted rows from which an import refreshes the planner's statistics
/// (a registry of this size or larger changes the best query plans).
pub(super) const BULK_IMPORT_ROWS: usize = 10_000;
