//! The unit's records through the router: the victim/witness needs review and its reminder (90
//! and 30 days ahead, overdue after) for the social worker and the Deputy Chief, training sessions
//! with attendees from the roster, public-information activities; officers reach none of it.

use crate::common::*;
use chrono::{Months, Utc};
use http::StatusCode;
use serde_json::{json, Value};

fn review(on: &str) -> Value {
    json!({ "draft": {
        "id": uuid::Uuid::now_v7().to_string(), "reviewed_on": on,
        "findings": "Victims of burglary wait days for a callback.",
        "services": "Ours; the county's advocate program; the hospital's.",
        "decisions": "A follow-up call within 24 hours." } })
}

#[tokio::test]
async fn the_needs_review_reminds_before_it_falls_due_and_the_unit_keeps_its_records() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    let chief = app.sign_in("deputychief").await;
    let officer = app.sign_in("officer").await;

    // None on record: due now, for both.
    let a = app.call("/api/review_reminder", &chief, "").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["state"], "never_done", "{}", a.body);
    let a = app.call("/api/review_reminder", &officer, "").await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);

    // The last review two years less 29 days ago: due in 29 days, urgent.
    let today = Utc::now().date_naive();
    let last = (today + chrono::Duration::days(29))
        .checked_sub_months(Months::new(24))
        .unwrap();
    let a = app
        .send(json_post(
            "/api/save_review",
            Some(&sw),
            review(&last.to_string()),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    for who in [&sw, &chief] {
        let a = app.call("/api/review_reminder", who, "").await;
        assert_eq!(a.body["state"], "due", "{}", a.body);
        assert_eq!(a.body["days"], 29);
        assert_eq!(a.body["urgent"], true);
    }
    // The Deputy Chief reads the records but does not write them.
    let a = app
        .send(json_post(
            "/api/save_review",
            Some(&chief),
            review(&today.to_string()),
        ))
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    // A review with a missing part is refused by name.
    let mut bad = review(&today.to_string());
    bad["draft"]["decisions"] = json!("");
    let a = app
        .send(json_post("/api/save_review", Some(&sw), bad))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["field"], "decisions");

    // Training with attendees from the roster; somebody not on it is refused.
    let records = app.call("/api/unit_records", &sw, "").await;
    assert_eq!(records.status, StatusCode::OK, "{}", records.body);
    let roster = records.body["roster"].as_array().unwrap().clone();
    let id_of = |name: &str| {
        roster
            .iter()
            .find(|p| p["name"].as_str().unwrap().contains(name))
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (diaz, kim) = (id_of("Diaz"), id_of("Kim"));
    let training = |attendees: Vec<String>| {
        json!({ "draft": { "id": uuid::Uuid::now_v7().to_string(), "date": today.to_string(),
            "topic": "The role of social work in a police setting", "trainer": "Rosa Rivera, MSW",
            "attendees": attendees, "materials": "Slides; directive 515-S" } })
    };
    let a = app
        .send(json_post(
            "/api/save_training",
            Some(&sw),
            training(vec![diaz.clone(), kim.clone()]),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = app
        .send(json_post(
            "/api/save_training",
            Some(&sw),
            training(vec![uuid::Uuid::now_v7().to_string()]),
        ))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert_eq!(a.body["fields"][0]["field"], "attendees");
    let a = app
        .send(json_post(
            "/api/save_public_info",
            Some(&sw),
            json!({ "draft": { "id": uuid::Uuid::now_v7().to_string(), "date": today.to_string(),
                "medium": "Village newsletter", "audience": "Residents",
                "material": "Where victims of crime can find help" } }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    let records = app.call("/api/unit_records", &chief, "").await;
    assert_eq!(records.status, StatusCode::OK, "{}", records.body);
    assert_eq!(records.body["may_record"], false);
    assert_eq!(records.body["reviews"].as_array().unwrap().len(), 1);
    assert_eq!(records.body["reminder"]["days"], 29);
    let t = &records.body["trainings"][0];
    let names: Vec<&str> = t["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(
        records.body["public_info"][0]["medium"],
        "Village newsletter"
    );
    let a = app.call("/api/unit_records", &officer, "").await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
}
