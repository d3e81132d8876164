//! The unit's records in SurrealDB (not confidential client data: plain). Server-only.

use chrono::{DateTime, NaiveDate, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::domain::{reminder, ReviewReminder, ValidPublicInfo, ValidReview, ValidTraining};
use super::{PublicInfoView, ReviewView, RosterPerson, TrainingView, UnitRecords};
use crate::db::{create_once, db_error, read_ymd, ymd, Db};
use crate::error::AppError;

/// A stored date, or the earliest date when it is not one (the schema asserts its shape).
fn date(v: &str) -> NaiveDate {
    read_ymd(v).unwrap_or(NaiveDate::MIN)
}

#[derive(Clone, SurrealValue)]
struct TrainingRow {
    date: String,
    topic: String,
    trainer: String,
    attendees: Vec<RecordId>,
    materials: Option<String>,
    recorded_by: RecordId,
    recorded_at: DateTime<Utc>,
}

/// Record a training session (once under its device-made id). Every attendee must be on the
/// roster.
pub async fn save_training(db: &Db, t: &ValidTraining, by: &str) -> Result<(), AppError> {
    let roster = roster(db).await?;
    if t.attendees
        .iter()
        .any(|a| !roster.iter().any(|p| &p.id == a))
    {
        return Err(AppError::invalid(vec![crate::error::FieldError::new(
            "attendees",
            crate::error::ErrorCode::InvalidChoice,
        )]));
    }
    let row = TrainingRow {
        date: ymd(t.date),
        topic: t.topic.clone(),
        trainer: t.trainer.clone(),
        attendees: t
            .attendees
            .iter()
            .map(|a| RecordId::new("person", a.clone()))
            .collect(),
        materials: t.materials.clone(),
        recorded_by: RecordId::new("person", by.to_string()),
        recorded_at: Utc::now(),
    };
    create_once(db, "save training", "training", &t.id.to_string(), row)
        .await
        .map(|_| ())
}

#[derive(Clone, SurrealValue)]
struct ReviewRow {
    reviewed_on: String,
    findings: String,
    services: String,
    decisions: String,
    attachments: Option<String>,
    recorded_by: RecordId,
    recorded_at: DateTime<Utc>,
}

pub async fn save_review(db: &Db, r: &ValidReview, by: &str) -> Result<(), AppError> {
    let row = ReviewRow {
        reviewed_on: ymd(r.reviewed_on),
        findings: r.findings.clone(),
        services: r.services.clone(),
        decisions: r.decisions.clone(),
        attachments: r.attachments.clone(),
        recorded_by: RecordId::new("person", by.to_string()),
        recorded_at: Utc::now(),
    };
    create_once(db, "save review", "victim_review", &r.id.to_string(), row)
        .await
        .map(|_| ())
}

#[derive(Clone, SurrealValue)]
struct PublicInfoRow {
    date: String,
    medium: String,
    audience: String,
    material: String,
    recorded_by: RecordId,
    recorded_at: DateTime<Utc>,
}

pub async fn save_public_info(db: &Db, p: &ValidPublicInfo, by: &str) -> Result<(), AppError> {
    let row = PublicInfoRow {
        date: ymd(p.date),
        medium: p.medium.clone(),
        audience: p.audience.clone(),
        material: p.material.clone(),
        recorded_by: RecordId::new("person", by.to_string()),
        recorded_at: Utc::now(),
    };
    create_once(
        db,
        "save public information",
        "public_info",
        &p.id.to_string(),
        row,
    )
    .await
    .map(|_| ())
}

#[derive(SurrealValue)]
struct RosterRead {
    id: String,
    name: String,
}

/// The active people of the department, by name.
pub async fn roster(db: &Db) -> Result<Vec<RosterPerson>, AppError> {
    let mut res = db
        .query(
            "SELECT record::id(id) AS id, display_name AS name FROM person
                 WHERE active = true ORDER BY name",
        )
        .await
        .map_err(|e| db_error("roster", e))?;
    let rows: Vec<RosterRead> = res.take(0).map_err(|e| db_error("roster", e))?;
    Ok(rows
        .into_iter()
        .map(|r| RosterPerson {
            id: r.id,
            name: r.name,
        })
        .collect())
}

/// The date of the latest needs review, if any.
async fn last_review(db: &Db) -> Result<Option<NaiveDate>, AppError> {
    let mut res = db
        .query("SELECT VALUE reviewed_on FROM victim_review ORDER BY reviewed_on DESC LIMIT 1")
        .await
        .map_err(|e| db_error("last review", e))?;
    let rows: Vec<String> = res.take(0).map_err(|e| db_error("last review", e))?;
    Ok(rows.first().map(|d| date(d)))
}

/// The reminder about the next needs review on `today`.
pub async fn review_reminder(
    db: &Db,
    months: u32,
    today: NaiveDate,
) -> Result<Option<ReviewReminder>, AppError> {
    Ok(reminder(last_review(db).await?, months, today))
}

#[derive(SurrealValue)]
struct TrainingRead {
    id: String,
    date: String,
    topic: String,
    trainer: String,
    attendees: Vec<String>,
    materials: Option<String>,
}

#[derive(SurrealValue)]
struct ReviewRead {
    id: String,
    reviewed_on: String,
    findings: String,
    services: String,
    decisions: String,
    attachments: Option<String>,
    recorded_by_name: String,
    recorded_at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct PublicInfoRead {
    id: String,
    date: String,
    medium: String,
    audience: String,
    material: String,
}

/// Everything of the `/unit` page.
pub async fn records(
    db: &Db,
    months: u32,
    today: NaiveDate,
    may_record: bool,
) -> Result<UnitRecords, AppError> {
    let mut res = db
        .query(
            "SELECT record::id(id) AS id, date, topic, trainer,
                 attendees.map(|$a| record::id($a)) AS attendees, materials
                 FROM training ORDER BY date DESC;
             SELECT record::id(id) AS id, reviewed_on, findings, services, decisions, attachments,
                 recorded_by.display_name AS recorded_by_name, recorded_at
                 FROM victim_review ORDER BY reviewed_on DESC;
             SELECT record::id(id) AS id, date, medium, audience, material
                 FROM public_info ORDER BY date DESC;",
        )
        .await
        .map_err(|e| db_error("unit records", e))?;
    let trainings: Vec<TrainingRead> = res.take(0).map_err(|e| db_error("unit records", e))?;
    let reviews: Vec<ReviewRead> = res.take(1).map_err(|e| db_error("unit records", e))?;
    let public: Vec<PublicInfoRead> = res.take(2).map_err(|e| db_error("unit records", e))?;
    let roster = roster(db).await?;
    let name_of = |id: &str| RosterPerson {
        id: id.to_string(),
        name: roster
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| "(no longer on the roster)".into()),
    };
    Ok(UnitRecords {
        trainings: trainings
            .into_iter()
            .map(|t| TrainingView {
                attendees: t.attendees.iter().map(|a| name_of(a)).collect(),
                date: date(&t.date),
                id: t.id,
                topic: t.topic,
                trainer: t.trainer,
                materials: t.materials,
            })
            .collect(),
        reminder: reminder(reviews.first().map(|r| date(&r.reviewed_on)), months, today),
        reviews: reviews
            .into_iter()
            .map(|r| ReviewView {
                reviewed_on: date(&r.reviewed_on),
                id: r.id,
                findings: r.findings,
                services: r.services,
                decisions: r.decisions,
                attachments: r.attachments,
                recorded_by_name: r.recorded_by_name,
                recorded_at: r.recorded_at,
            })
            .collect(),
        public_info: public
            .into_iter()
            .map(|p| PublicInfoView {
                date: date(&p.date),
                id: p.id,
                medium: p.medium,
                audience: p.audience,
                material: p.material,
            })
            .collect(),
        roster,
        may_record,
    })
}
