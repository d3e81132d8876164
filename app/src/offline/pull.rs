//! The pull's queries (server only): a person's own requests changed since a cursor, and for those
//! who do casework the clients (id and name) and the Resource Directory changed since then.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use surrealdb::types::SurrealValue;

use super::{HeldRequest, PullAnswer, HOLD_DAYS};
use crate::db::{db_error, Db};
use crate::error::AppError;
use crate::funds::domain::RequestStatus;

#[derive(SurrealValue)]
struct Row {
    id: String,
    request_date: String,
    amount_requested: Decimal,
    status: String,
    updated_at: DateTime<Utc>,
}

/// The requests `person` filed that changed after `since` (less the overlap), or in the last
/// [`HOLD_DAYS`] days, oldest change first, with the database's clock as the next cursor.
pub async fn changed_since(
    db: &Db,
    person: &str,
    since: Option<DateTime<Utc>>,
) -> Result<PullAnswer, AppError> {
    // With no cursor, no lower bound but the hold.
    let after = if since.is_some() {
        "AND updated_at > <datetime> $from"
    } else {
        ""
    };
    let mut res = db
        .query(format!(
            "LET $now = time::now();
             SELECT record::id(id) AS id, request_date, amount_requested, status, updated_at
               FROM fund_request
              WHERE filed_by = type::record('person', $person)
                {after}
                AND updated_at > $now - {HOLD_DAYS}d
              ORDER BY updated_at ASC;
             RETURN $now;"
        ))
        .bind(serde_json::json!({
            "person": person,
            "from": since.map(|c| super::pull_from(c).to_rfc3339()).unwrap_or_default(),
        }))
        .await
        .map_err(|e| db_error("pull", e))?;
    let rows: Vec<Row> = res.take(1).map_err(|e| db_error("pull", e))?;
    let cursor: Option<DateTime<Utc>> = res.take(2).map_err(|e| db_error("pull cursor", e))?;
    Ok(PullAnswer {
        cursor: cursor.unwrap_or_else(Utc::now),
        clients: Vec::new(),
        agencies: Vec::new(),
        removed_clients: Vec::new(),
        requests: rows
            .into_iter()
            .map(|r| HeldRequest {
                id: r.id,
                date: r.request_date,
                amount_requested: r.amount_requested,
                status: RequestStatus::from_code(&r.status).unwrap_or(RequestStatus::Submitted),
                updated_at: r.updated_at,
            })
            .collect(),
    })
}

/// For a social worker's device: the clients and agencies changed since the cursor (less the
/// overlap), everything with no cursor. Added to the answer of [`changed_since`].
pub async fn casework_since(
    db: &Db,
    keys: &crate::crypto::Keyring,
    since: Option<DateTime<Utc>>,
    answer: &mut PullAnswer,
) -> Result<(), AppError> {
    let after = since.map(super::pull_from);
    answer.clients = crate::casework::store::clients_changed(db, keys, after).await?;
    answer.agencies = crate::directory::store::agencies_changed(db, after).await?;
    answer.removed_clients = crate::retention::store::destroyed_clients(db, after).await?;
    Ok(())
}
