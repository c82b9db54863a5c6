//! Who owns registry records, read inside an import's transaction before it
//! writes: the agency of each existing record by its natural key, so that an
//! import can refuse a row that would change a record outside the
//! importer's scope, and keep a record's agency when the file names none.

use crate::registry::PowerRow;
use crate::{StoreError, Tx, on_tx};
use std::collections::HashMap;

/// The agency of an existing record, and one extra stored value the import
/// needs (an entity's permits, a credential's staff number).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Owner {
    pub key: String,
    pub agency_id: i64,
    pub agency_path: String,
    pub agency_name: String,
    pub extra: String,
}

/// Keys bound in one `IN (…)` lookup (one parameter a key).
const KEYS_PER_STATEMENT: usize = 200;

async fn owners(
    tx: &mut Tx,
    select: &str,
    key_expr: &str,
    keys: &[String],
) -> Result<HashMap<String, Owner>, StoreError> {
    let mut out = HashMap::with_capacity(keys.len());
    for chunk in keys.chunks(KEYS_PER_STATEMENT) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        // Only fixed text and placeholders are formatted in; every key is bound.
        let sql = format!("{select} WHERE {key_expr} IN ({})", placeholders.join(", "));
        let rows: Vec<Owner> = on_tx!(tx, |c| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
            for k in chunk {
                q = q.bind(k);
            }
            q.fetch_all(&mut *c).await?
        });
        out.extend(rows.into_iter().map(|o| (o.key.clone(), o)));
    }
    Ok(out)
}

/// Existing entities by USCC (`extra`: their permits as JSON).
pub async fn entities(tx: &mut Tx, usccs: &[String]) -> Result<HashMap<String, Owner>, StoreError> {
    owners(
        tx,
        "SELECT e.uscc AS key, e.agency_id, a.path AS agency_path, a.name AS agency_name, e.permits_json AS extra \
         FROM entities e JOIN agencies a ON a.id = e.agency_id",
        "e.uscc",
        usccs,
    )
    .await
}

/// Existing officers by staff number.
pub async fn officers(
    tx: &mut Tx,
    staff_nos: &[String],
) -> Result<HashMap<String, Owner>, StoreError> {
    owners(
        tx,
        "SELECT o.staff_no AS key, o.agency_id, a.path AS agency_path, a.name AS agency_name, '' AS extra \
         FROM officers o JOIN agencies a ON a.id = o.agency_id",
        "o.staff_no",
        staff_nos,
    )
    .await
}

/// Existing credentials by number, owned by their officer's agency
/// (`extra`: the officer's staff number).
pub async fn credentials(
    tx: &mut Tx,
    numbers: &[String],
) -> Result<HashMap<String, Owner>, StoreError> {
    owners(
        tx,
        "SELECT cr.number AS key, o.agency_id, a.path AS agency_path, a.name AS agency_name, o.staff_no AS extra \
         FROM credentials cr JOIN officers o ON o.id = cr.officer_id JOIN agencies a ON a.id = o.agency_id",
        "cr.number",
        numbers,
    )
    .await
}

/// The key [`recusals`] reads a recusal by: staff number and party.
pub fn recusal_key(staff_no: &str, party_key: &str) -> String {
    format!("{staff_no}|{party_key}")
}

/// Existing recusals by [`recusal_key`].
pub async fn recusals(tx: &mut Tx, keys: &[String]) -> Result<HashMap<String, Owner>, StoreError> {
    owners(
        tx,
        "SELECT r.staff_no || '|' || r.party_key AS key, r.agency_id, a.path AS agency_path, a.name AS agency_name, '' AS extra \
         FROM recusals r JOIN agencies a ON a.id = r.agency_id",
        "r.staff_no || '|' || r.party_key",
        keys,
    )
    .await
}

/// The stored power item of an agency by code.
pub async fn power_item(
    tx: &mut Tx,
    agency_id: i64,
    code: &str,
) -> Result<Option<PowerRow>, StoreError> {
    Ok(on_tx!(tx, |c| {
        sqlx::query_as(
        "SELECT agency_id, code, kind, name, legal_basis, unit, status FROM power_items WHERE agency_id = $1 AND code = $2"
    )
    .bind(agency_id)
    .bind(code)
    .fetch_optional(&mut *c)
    .await?
    }))
}
