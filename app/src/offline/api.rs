//! The sync push: a device sends up to [`super::MAX_BATCH`] outbox records at once; each is
//! applied on its own (a bad one never blocks the rest) and idempotently by its device-made id,
//! and answered one by one. Each record is audited as if it had been sent from its form.

use leptos::prelude::*;

use super::{PushRecord, PushResult};
use crate::error::AppError;

/// Push outbox records. The answer has one line per record, in the order sent.
#[server(endpoint = "sync_push", prefix = "/api", input = server_fn::codec::Json)]
pub async fn sync_push(records: Vec<PushRecord>) -> Result<Vec<PushResult>, AppError> {
    use super::{RecordKind, MAX_BATCH};
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
            RecordKind::FundRequest => push_request(&state, &user, &r).await,
            RecordKind::Visit => push_visit(&state, &user, &r).await,
            RecordKind::Referral => push_referral(&state, &user, &r).await,
        };
        answers.push(PushResult { id: r.id, outcome });
    }
    Ok(answers)
}

/// The answer about one record from what applying it gave: `Ok(true)` when the server already
/// had this very record.
#[cfg(feature = "ssr")]
fn outcome_of(result: &Result<bool, AppError>) -> super::PushOutcome {
    use super::PushOutcome;
    match result {
        Ok(true) => PushOutcome::Duplicate,
        Ok(false) => PushOutcome::Accepted,
        Err(AppError::Invalid { fields }) => PushOutcome::Rejected {
            fields: fields.clone(),
        },
        // A signed note sent again with other content: the same id, never overwritten.
        Err(AppError::Conflict)
        | Err(AppError::NoteRefused {
            refusal: crate::casework::domain::NoteRefusal::Signed,
        }) => PushOutcome::Conflict,
        Err(e) => PushOutcome::Failed {
            message: e.message(),
        },
    }
}

#[cfg(feature = "ssr")]
fn refused(field: &str, code: crate::error::ErrorCode) -> AppError {
    AppError::invalid(vec![crate::error::FieldError::new(field, code)])
}

/// A fund request, as if sent from its form. The record's id is the one in its body: a push
/// cannot file under another id.
#[cfg(feature = "ssr")]
async fn push_request(
    state: &crate::db::AppState,
    user: &crate::auth::CurrentUser,
    r: &PushRecord,
) -> super::PushOutcome {
    let same_id = r.body.get("id").and_then(|v| v.as_str()) == Some(r.id.as_str());
    let result = if !same_id {
        Err(refused("id", crate::error::ErrorCode::InvalidId))
    } else if !crate::auth::policy::can_file_request(user) {
        Err(AppError::Forbidden)
    } else {
        crate::funds::api::file_request(state, user, &r.body)
            .await
            .map(|o| o.already_had_it)
    };
    crate::audit::store::record(
        &state.db,
        "request.create",
        &crate::funds::api::request_record(&r.id),
        crate::audit::store::outcome_of(&result),
    )
    .await;
    outcome_of(&result)
}

/// A crisis visit written with no signal: saved as the form saves it, then signed when its
/// author signed it on the device. Each step is audited as from the form.
#[cfg(feature = "ssr")]
async fn push_visit(
    state: &crate::db::AppState,
    user: &crate::auth::CurrentUser,
    r: &PushRecord,
) -> super::PushOutcome {
    use crate::casework::domain::NoteStatus;
    use crate::error::ErrorCode;
    let record = crate::casework::api::visit_record(&r.id);
    let parsed = serde_json::from_value::<super::VisitRecord>(r.body.clone())
        .map_err(|_| refused("body", ErrorCode::WrongType))
        .and_then(|v| {
            if v.visit.id != r.id {
                Err(refused("id", ErrorCode::InvalidId))
            } else if !crate::auth::policy::does_casework(user) {
                Err(AppError::Forbidden)
            } else {
                Ok(v)
            }
        });
    let saved = match &parsed {
        Ok(v) => match crate::casework::domain::validate_visit(&v.visit, chrono::Utc::now()) {
            Ok(valid) => {
                crate::casework::store::save_visit(&state.db, &state.keys, &valid, &user.id).await
            }
            Err(fields) => Err(AppError::invalid(fields)),
        },
        Err(e) => Err(e.clone()),
    };
    let outcome = crate::audit::store::outcome_of(&saved);
    crate::audit::store::record(&state.db, "visit.save", &record, outcome).await;
    let result = match (saved, parsed) {
        (Ok(s), Ok(v)) if v.sign && s.status == NoteStatus::Draft => {
            let signed = crate::casework::store::sign_visit(&state.db, &s.id, &user.id).await;
            let outcome = crate::audit::store::outcome_of(&signed);
            crate::audit::store::record(&state.db, "visit.sign", &record, outcome).await;
            signed.map(|_| false)
        }
        (Ok(s), _) => Ok(s.already_had_it),
        (Err(e), _) => Err(e),
    };
    outcome_of(&result)
}

/// A referral made during a visit with no signal, as the client's file makes it.
#[cfg(feature = "ssr")]
async fn push_referral(
    state: &crate::db::AppState,
    user: &crate::auth::CurrentUser,
    r: &PushRecord,
) -> super::PushOutcome {
    use crate::error::ErrorCode;
    let draft = serde_json::from_value::<crate::directory::domain::ReferralDraft>(r.body.clone());
    let result = match draft {
        Err(_) => Err(refused("body", ErrorCode::WrongType)),
        Ok(d) if d.id != r.id => Err(refused("id", ErrorCode::InvalidId)),
        Ok(_) if !crate::auth::policy::does_casework(user) => Err(AppError::Forbidden),
        Ok(d) => match crate::directory::domain::validate_referral(&d) {
            Ok(valid) => {
                crate::directory::store::refer(&state.db, &state.keys, &valid, &user.id).await
            }
            Err(fields) => Err(AppError::invalid(fields)),
        },
    };
    let client = r
        .body
        .get("client_id")
        .and_then(|v| v.as_str())
        .and_then(|c| uuid::Uuid::parse_str(c).ok())
        .map(|c| format!("client:{c}"))
        .unwrap_or_else(|| "client:?".into());
    let outcome = crate::audit::store::outcome_of(&result);
    crate::audit::store::record(&state.db, "referral.create", &client, outcome).await;
    outcome_of(&result)
}

/// Pull what changed since the device's cursor: the requests this person filed whose state
/// changed (an approval, a denial, a disbursal), looking back [`super::PULL_OVERLAP_SECS`] before
/// the cursor, and never further than [`super::HOLD_DAYS`]. The cursor is the database's clock,
/// the same clock that stamps the changes. No cursor: the last [`super::HOLD_DAYS`] days.
#[server(endpoint = "sync_pull", prefix = "/api", input = server_fn::codec::Json)]
pub async fn sync_pull(since: Option<String>) -> Result<super::PullAnswer, AppError> {
    let result = async {
        let state = crate::db::state()?;
        let user = crate::auth::policy::require("/api/sync_pull")?;
        let since =
            super::parse_cursor(since.as_deref()).map_err(|e| AppError::invalid(vec![e]))?;
        let mut answer = super::pull::changed_since(&state.db, &user.id, since).await?;
        if crate::auth::policy::does_casework(&user) {
            super::pull::casework_since(&state.db, &state.keys, since, &mut answer).await?;
        }
        Ok(answer)
    }
    .await;
    result.inspect_err(crate::error::set_status)
}

/// What the server says about a device store.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "device", rename_all = "snake_case")]
pub enum DeviceAnswer {
    /// The device's secret (base64): it opens the store without the PIN while signed in.
    Secret { secret: String },
    /// The device was revoked: it wipes itself now.
    Revoked,
}

#[cfg(feature = "ssr")]
fn device_id(id: &str) -> Result<String, AppError> {
    uuid::Uuid::parse_str(id.trim())
        .map(|u| u.to_string())
        .map_err(|_| {
            AppError::invalid(vec![crate::error::FieldError::new(
                "device",
                crate::error::ErrorCode::InvalidId,
            )])
        })
}

#[cfg(feature = "ssr")]
fn answer(known: super::devices::Known) -> Result<DeviceAnswer, AppError> {
    use super::devices::Known;
    match known {
        Known::Secret(secret) => Ok(DeviceAnswer::Secret { secret }),
        Known::Revoked => Ok(DeviceAnswer::Revoked),
        Known::Unknown => Err(AppError::NotFound),
    }
}

/// Enrol this device's store (when its PIN is set): the server keeps a secret for it.
#[server(endpoint = "enrol_device", prefix = "/api")]
pub async fn enrol_device(device: String) -> Result<DeviceAnswer, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let record = format!("device_vault:{}", device_id(&device).unwrap_or_default());
    let result = async {
        let user = crate::auth::policy::require("/api/enrol_device")?;
        let id = device_id(&device)?;
        answer(super::devices::enrol(&state.db, &state.keys, &id, &user.id).await?)
    }
    .await;
    crate::audit::store::finish(&state.db, "device.enrol", &record, result).await
}

/// The secret of this person's device, or that it was revoked.
#[server(endpoint = "device_secret", prefix = "/api")]
pub async fn device_secret(device: String) -> Result<DeviceAnswer, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let record = format!("device_vault:{}", device_id(&device).unwrap_or_default());
    let result = async {
        let user = crate::auth::policy::require("/api/device_secret")?;
        let id = device_id(&device)?;
        answer(super::devices::secret(&state.db, &state.keys, &id, &user.id).await?)
    }
    .await;
    let action = match &result {
        Ok(DeviceAnswer::Revoked) => "device.wipe",
        _ => "device.unlock",
    };
    crate::audit::store::finish(&state.db, action, &record, result).await
}

/// Has this device been revoked? Asked at every contact, signed in or not (a lost phone's session
/// may have ended); the id is a random UUID only its device knows. Unknown ids answer false.
#[server(endpoint = "device_check", prefix = "/api")]
pub async fn device_check(device: String) -> Result<bool, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let id = device_id(&device).inspect_err(crate::error::set_status)?;
    let revoked = super::devices::revoked(&state.db, &id)
        .await
        .inspect_err(crate::error::set_status)?;
    if revoked {
        crate::audit::store::record(
            &state.db,
            "device.wipe",
            &format!("device_vault:{id}"),
            crate::audit::store::Outcome::Ok,
        )
        .await;
    }
    Ok(revoked)
}

/// Revoke every offline device of a person (a lost phone): each wipes itself at its next contact.
#[server(endpoint = "revoke_devices", prefix = "/api")]
pub async fn revoke_devices(username: String) -> Result<usize, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let record = format!("person:{}", username.trim().to_lowercase());
    let result = async {
        crate::auth::policy::require("/api/revoke_devices")?;
        super::devices::revoke_all(&state.db, username.trim())
            .await?
            .ok_or(AppError::NotFound)
    }
    .await;
    crate::audit::store::finish(&state.db, "person.revoke_devices", &record, result).await
}
