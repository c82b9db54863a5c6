//! The agency scope of a registry import. Every row belongs to an agency:
//! the one its 所属机构 column names (an agency of the importer's scope, by
//! name or path), else the agency of the record it updates, else the
//! importer's own. A row naming an agency outside the scope, or matching a
//! record that belongs to one (an entity by USCC, an officer by staff
//! number, a credential by number, a recusal by officer and party), is an
//! error with its row and column, and then nothing is imported.

use super::{RowError, Table, row_error};
use crate::{App, AppError};
use fazhi_domain::agency::AgencyPath;
use fazhi_domain::authz::Actor;
use fazhi_store::Tx;
use fazhi_store::agencies::Agency;
use fazhi_store::registry::{CredentialRow, EntityRow, OfficerRow, RecusalRow};
use fazhi_store::registry_owners::{self, Owner};

/// The agencies an import may write to (the importer's scope) and, to name
/// the others in messages, every agency.
pub(super) struct Agencies {
    pub(super) actor_agency_id: i64,
    scope: AgencyPath,
    in_scope: Vec<Agency>,
    all: Vec<Agency>,
}

impl Agencies {
    pub(super) async fn load(app: &App, actor: &Actor) -> Result<Self, AppError> {
        Ok(Agencies {
            actor_agency_id: actor.agency_id,
            scope: actor.agency_path.clone(),
            in_scope: fazhi_store::agencies::list_in_scope(&app.db, &actor.agency_path).await?,
            all: fazhi_store::agencies::list_all(&app.db).await?,
        })
    }

    /// The name an export writes in the 所属机构 column.
    pub(super) fn name_of(&self, id: i64) -> String {
        self.all
            .iter()
            .find(|a| a.id == id)
            .map_or_else(|| id.to_string(), |a| a.name.clone())
    }

    fn covers(&self, path: &str) -> bool {
        AgencyPath::parse(path).is_some_and(|p| self.scope.covers(&p))
    }

    /// The agency each record names in its 所属机构 column (`None` for an
    /// empty cell or a file without the column), in record order.
    pub(super) fn column(&self, t: &Table) -> Result<Vec<Option<i64>>, Vec<RowError>> {
        let mut out = Vec::with_capacity(t.records.len());
        let mut errors = Vec::new();
        let present = t.index.contains_key("agency");
        for (i, r) in t.records.iter().enumerate() {
            let text = if present { t.get(r, "agency") } else { "" };
            if text.is_empty() {
                out.push(None);
                continue;
            }
            let named = |a: &&Agency| a.name == text || a.path.as_str() == text;
            let matches: Vec<&Agency> = self.in_scope.iter().filter(named).collect();
            let row = i + 2;
            let column = t.header("agency");
            match matches.as_slice() {
                [one] => out.push(Some(one.id)),
                [] if self.all.iter().any(|a| named(&a)) => errors.push(row_error(
                    row,
                    &column,
                    format!("所属机构“{text}”不在您的管辖范围内：只能导入本机构及下级机构的记录"),
                    format!(
                        "agency '{text}' is outside your scope: you may import records of your agency and the agencies under it only"
                    ),
                )),
                [] => errors.push(row_error(
                    row,
                    &column,
                    format!("没有名为“{text}”的机构"),
                    format!("there is no agency named '{text}'"),
                )),
                _ => errors.push(row_error(
                    row,
                    &column,
                    format!("您的管辖范围内有多个名为“{text}”的机构，请改填机构路径"),
                    format!("several agencies of your scope are named '{text}': give the agency's path instead"),
                )),
            }
            if out.len() == i {
                out.push(None);
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// An error for a row whose existing record belongs to `owner`, when
    /// that agency is outside the scope.
    fn outside(
        &self,
        owner: Option<&Owner>,
        row: usize,
        column: &str,
        noun: (&str, &str),
        key: &str,
    ) -> Option<RowError> {
        let o = owner.filter(|o| !self.covers(&o.agency_path))?;
        Some(row_error(
            row,
            column,
            format!(
                "{}“{key}”属于“{}”，不在您的管辖范围内，不能导入或修改",
                noun.0, o.agency_name
            ),
            format!(
                "{} '{key}' belongs to '{}', outside your scope: it cannot be imported or changed",
                noun.1, o.agency_name
            ),
        ))
    }

    /// The agency of a row: named in the file, else its record's, else the importer's.
    fn place(&self, named: Option<i64>, owner: Option<&Owner>) -> i64 {
        named
            .or(owner.map(|o| o.agency_id))
            .unwrap_or(self.actor_agency_id)
    }
}

fn aligned<T>(t: &Table, rows: &[T]) -> Result<(), AppError> {
    if rows.len() == t.records.len() {
        Ok(())
    } else {
        Err(AppError::Internal(format!(
            "import rows ({}) do not match the file's records ({})",
            rows.len(),
            t.records.len()
        )))
    }
}

/// Set each row's agency to the one the file names (rows of registries
/// keyed by agency: power items, discretion bands, spot-check and
/// no-penalty items).
pub(super) fn set_named<'a>(named: &[Option<i64>], agency_ids: impl Iterator<Item = &'a mut i64>) {
    for (id, n) in agency_ids.zip(named) {
        if let Some(n) = n {
            *id = *n;
        }
    }
}

/// Place entity rows, refusing those whose USCC belongs to an entity of
/// another scope. A file without the permit columns keeps stored permits.
pub(super) async fn place_entities(
    tx: &mut Tx,
    ags: &Agencies,
    t: &Table,
    named: &[Option<i64>],
    rows: &mut [EntityRow],
) -> Result<Vec<RowError>, AppError> {
    aligned(t, rows)?;
    let keys: Vec<String> = rows.iter().map(|r| r.uscc.clone()).collect();
    let owners = registry_owners::entities(tx, &keys).await?;
    let keep_permits = !t.index.contains_key("permit_no");
    let mut errors = Vec::new();
    for (i, row) in rows.iter_mut().enumerate() {
        let owner = owners.get(&row.uscc);
        if let Some(e) = ags.outside(
            owner,
            i + 2,
            &t.header("uscc"),
            ("单位", "entity"),
            &row.uscc,
        ) {
            errors.push(e);
            continue;
        }
        row.agency_id = ags.place(named[i], owner);
        if keep_permits {
            row.permits_json = owner.map_or_else(|| "[]".to_owned(), |o| o.extra.clone());
        }
    }
    Ok(errors)
}

/// Place officer rows, refusing those whose staff number belongs to an
/// officer, or whose credential number to a credential, of another scope.
pub(super) async fn place_officers(
    tx: &mut Tx,
    ags: &Agencies,
    t: &Table,
    named: &[Option<i64>],
    rows: &mut [(OfficerRow, Option<CredentialRow>)],
) -> Result<Vec<RowError>, AppError> {
    aligned(t, rows)?;
    let staff: Vec<String> = rows.iter().map(|(o, _)| o.staff_no.clone()).collect();
    let numbers: Vec<String> = rows
        .iter()
        .filter_map(|(_, c)| c.as_ref().map(|c| c.number.clone()))
        .collect();
    let officers = registry_owners::officers(tx, &staff).await?;
    let credentials = registry_owners::credentials(tx, &numbers).await?;
    let mut errors = Vec::new();
    for (i, (officer, credential)) in rows.iter_mut().enumerate() {
        let owner = officers.get(&officer.staff_no);
        let mut bad = false;
        if let Some(e) = ags.outside(
            owner,
            i + 2,
            &t.header("staff_no"),
            ("执法人员", "officer"),
            &officer.staff_no,
        ) {
            errors.push(e);
            bad = true;
        }
        if let Some(c) = credential
            && let Some(e) = ags.outside(
                credentials.get(&c.number),
                i + 2,
                &t.header("credential_number"),
                ("执法证", "credential"),
                &c.number,
            )
        {
            errors.push(e);
            bad = true;
        }
        if !bad {
            officer.agency_id = ags.place(named[i], owner);
        }
    }
    Ok(errors)
}

/// Place recusal rows, refusing those that match a recusal of another scope.
pub(super) async fn place_recusals(
    tx: &mut Tx,
    ags: &Agencies,
    t: &Table,
    named: &[Option<i64>],
    rows: &mut [RecusalRow],
) -> Result<Vec<RowError>, AppError> {
    aligned(t, rows)?;
    let keys: Vec<String> = rows
        .iter()
        .map(|r| registry_owners::recusal_key(&r.staff_no, &r.party_key))
        .collect();
    let owners = registry_owners::recusals(tx, &keys).await?;
    let mut errors = Vec::new();
    for (i, row) in rows.iter_mut().enumerate() {
        let owner = owners.get(&keys[i]);
        if let Some(e) = ags.outside(
            owner,
            i + 2,
            &t.header("staff_no"),
            ("回避关系", "recusal"),
            &keys[i],
        ) {
            errors.push(e);
            continue;
        }
        row.agency_id = ags.place(named[i], owner);
    }
    Ok(errors)
}
