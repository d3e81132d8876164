//! Server functions of the directory and of referrals.

use leptos::prelude::*;

use super::domain::{Agency, AgencyDraft, ReferralDraft};
use super::Referral;
use crate::error::AppError;

/// The whole directory (public services), for search on the device.
#[server(endpoint = "list_agencies", prefix = "/api")]
pub async fn list_agencies() -> Result<Vec<Agency>, AppError> {
    let result = async {
        let state = crate::db::state()?;
        crate::auth::policy::require("/api/list_agencies")?;
        super::store::agencies(&state.db).await
    }
    .await;
    result.inspect_err(crate::error::set_status)
}

/// Add or update an agency entry.
#[server(endpoint = "save_agency", prefix = "/api", input = server_fn::codec::Json)]
pub async fn save_agency(draft: AgencyDraft) -> Result<Agency, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let record = format!("agency:{}", draft.id.trim());
    let result = async {
        crate::auth::policy::require("/api/save_agency")?;
        let today = crate::db::latest_local_date();
        let agency = super::domain::validate_agency(&draft, today).map_err(AppError::invalid)?;
        super::store::save_agency(&state.db, &agency).await?;
        Ok(agency)
    }
    .await;
    crate::audit::store::finish(&state.db, "agency.save", &record, result).await
}

/// Refer a client to an agency, with the reason (sealed) and a follow-up date.
#[server(endpoint = "refer_client", prefix = "/api", input = server_fn::codec::Json)]
pub async fn refer_client(draft: ReferralDraft) -> Result<(), AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let record = format!("client:{}", draft.client_id.trim());
    let result = async {
        let user = crate::auth::policy::require("/api/refer_client")?;
        let valid = super::domain::validate_referral(&draft).map_err(AppError::invalid)?;
        super::store::refer(&state.db, &state.keys, &valid, &user.id)
            .await
            .map(|_| ())
    }
    .await;
    crate::audit::store::finish(&state.db, "referral.create", &record, result).await
}

/// Record how a referral turned out.
#[server(endpoint = "referral_outcome", prefix = "/api")]
pub async fn referral_outcome(id: String, outcome: String, note: String) -> Result<(), AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let record = format!("referral:{}", id.trim());
    let result = async {
        crate::auth::policy::require("/api/referral_outcome")?;
        let id = uuid::Uuid::parse_str(id.trim())
            .map_err(|_| AppError::NotFound)?
            .to_string();
        let outcome = super::domain::ReferralOutcome::from_code(&outcome).ok_or_else(|| {
            AppError::invalid(vec![crate::error::FieldError::new(
                "outcome",
                crate::error::ErrorCode::InvalidChoice,
            )])
        })?;
        let note = note.trim();
        if note.chars().count() > 2000 {
            return Err(AppError::invalid(vec![crate::error::FieldError::new(
                "note",
                crate::error::ErrorCode::TooLong,
            )
            .with_limit("2000")]));
        }
        super::store::set_outcome(
            &state.db,
            &state.keys,
            &id,
            outcome,
            (!note.is_empty()).then_some(note),
        )
        .await
    }
    .await;
    crate::audit::store::finish(&state.db, "referral.outcome", &record, result).await
}

/// A client's referrals.
#[server(endpoint = "client_referrals", prefix = "/api")]
pub async fn client_referrals(client: String) -> Result<Vec<Referral>, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let record = format!("client:{}", client.trim());
    let result = async {
        crate::auth::policy::require("/api/client_referrals")?;
        let id = uuid::Uuid::parse_str(client.trim())
            .map_err(|_| AppError::NotFound)?
            .to_string();
        super::store::referrals_of(&state.db, &state.keys, &id).await
    }
    .await;
    crate::audit::store::finish(&state.db, "referral.read", &record, result).await
}

/// What an import did: how many agencies were added or updated, and each refused row.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportReport {
    pub imported: usize,
    pub refused: Vec<super::hsds::RowError>,
}

/// Our id for a service of an imported file: its own when it is a UUID, else one derived from it,
/// so importing the same county list again updates rather than duplicates.
#[cfg(feature = "ssr")]
fn import_id(source: &str) -> String {
    use sha2::Digest;
    if let Ok(u) = uuid::Uuid::parse_str(source.trim()) {
        return u.to_string();
    }
    let digest = sha2::Sha256::digest(format!("hsds:{}", source.trim()).as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// Load an Open Referral HSDS CSV (a county list): every valid row added or updated, each refused
/// row named with its line and fields.
#[server(endpoint = "import_directory", prefix = "/api", input = server_fn::codec::Json)]
pub async fn import_directory(csv: String) -> Result<ImportReport, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        crate::auth::policy::require("/api/import_directory")?;
        if csv.len() > 5_000_000 {
            return Err(AppError::invalid(vec![crate::error::FieldError::new(
                "csv",
                crate::error::ErrorCode::TooLong,
            )
            .with_limit("5000000")]));
        }
        let rows = super::hsds::drafts(&csv, import_id).map_err(|e| AppError::invalid(vec![e]))?;
        let today = crate::db::latest_local_date();
        let mut report = ImportReport {
            imported: 0,
            refused: Vec::new(),
        };
        for (line, draft) in rows {
            match super::domain::validate_agency(&draft, today) {
                Ok(agency) => {
                    super::store::save_agency(&state.db, &agency).await?;
                    report.imported += 1;
                }
                Err(fields) => report.refused.push(super::hsds::RowError { line, fields }),
            }
        }
        Ok(report)
    }
    .await;
    crate::audit::store::finish(&state.db, "directory.import", "agency:*", result).await
}
