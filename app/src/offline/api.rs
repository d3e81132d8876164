//! The sync push: a device sends up to [`super::MAX_BATCH`] outbox records at once; each is
//! applied on its own (a bad one never blocks the rest) and idempotently by its device-made id,
//! and answered one by one. Each record is audited as if it had been sent from its form.

use leptos::prelude::*;

use super::{PushRecord, PushResult};
use crate::error::AppError;

/// Push outbox records. The answer has one line per record, in the order sent.
#[server(endpoint = "sync_push", prefix = "/api", input = server_fn::codec::Json)]
pub async fn sync_push(records: Vec<PushRecord>) -> Result<Vec<PushResult>, AppError> {
    use super::{PushOutcome, RecordKind, MAX_BATCH};
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let user =
        crate::auth::policy::require("/api/sync_push").inspect_err(crate::error::set_status)?;
    if records.len() > MAX_BATCH {
        let e = AppError::invalid(vec![crate::error::FieldError::new(
            "records",
            crate::error::ErrorCode::TooLong,
        )
        .with_limit(MAX_BATCH.to_string())]);
        crate::error::set_status(&e);
        return Err(e);
    }
    let mut answers = Vec::with_capacity(records.len());
    for r in records {
        let outcome = match r.kind {
            RecordKind::FundRequest => {
                // The record's id is the one in its body: a push cannot file under another id.
                let same_id = r.body.get("id").and_then(|v| v.as_str()) == Some(r.id.as_str());
                let result = if !same_id {
                    Err(AppError::invalid(vec![crate::error::FieldError::new(
                        "id",
                        crate::error::ErrorCode::InvalidId,
                    )]))
                } else if !crate::auth::policy::can_file_request(&user) {
                    Err(AppError::Forbidden)
                } else {
                    crate::funds::api::file_request(&state, &user, &r.body).await
                };
                let outcome = match &result {
                    Ok(o) if o.already_had_it => PushOutcome::Duplicate,
                    Ok(_) => PushOutcome::Accepted,
                    Err(AppError::Invalid { fields }) => PushOutcome::Rejected {
                        fields: fields.clone(),
                    },
                    Err(AppError::Conflict) => PushOutcome::Conflict,
                    Err(e) => PushOutcome::Failed {
                        message: e.message(),
                    },
                };
                crate::audit::store::record(
                    &state.db,
                    "request.create",
                    &crate::funds::api::request_record(&r.id),
                    crate::audit::store::outcome_of(&result),
                )
                .await;
                outcome
            }
        };
        answers.push(PushResult { id: r.id, outcome });
    }
    Ok(answers)
}
