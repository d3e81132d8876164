//! The Resource Directory and referrals: agencies kept by the social workers and read by everyone
//! signed in; a referral links a client to an agency with a reason (sealed) and is followed up to an
//! outcome; officers reach none of the referrals.

use crate::common::*;
use http::StatusCode;
use serde_json::{json, Value};

pub(crate) fn agency(name: &str, programs: &[&str]) -> Value {
    json!({ "draft": {
        "id": uuid::Uuid::now_v7().to_string(), "name": name, "programs": programs,
        "telephone": "(630) 555-0110", "languages": "English, Spanish",
        "last_verified": chrono_today(),
    }})
}

#[tokio::test]
async fn agencies_are_kept_by_social_workers_and_clients_are_referred_and_followed_up() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    let officer = app.sign_in("officer").await;

    let a = app
        .send(json_post(
            "/api/save_agency",
            Some(&sw),
            agency("Hope Pantry", &["food"]),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let pantry = a.body["id"].as_str().unwrap().to_string();
    assert_eq!(a.body["languages"], json!(["English", "Spanish"]));
    let a = app
        .send(json_post(
            "/api/save_agency",
            Some(&officer),
            agency("Officer's Pick", &["food"]),
        ))
        .await;
    assert_eq!(
        a.status,
        StatusCode::FORBIDDEN,
        "officers read the directory, they do not keep it"
    );
    let mut bad = agency("", &[]);
    bad["draft"]["telephone"] = json!("none");
    let a = app
        .send(json_post("/api/save_agency", Some(&sw), bad))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let named: Vec<&str> = a.body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(named, vec!["name", "programs", "telephone"]);

    // Everyone signed in reads it.
    let list = app.call("/api/list_agencies", &officer, "").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body[0]["name"], "Hope Pantry");

    // A referral with a reason, followed up.
    let client = uuid::Uuid::now_v7().to_string();
    let a = app
        .send(json_post(
            "/api/save_client",
            Some(&sw),
            json!({ "draft": { "id": client, "name": "Referred Person" }, "confirmed_new": true }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let referral = uuid::Uuid::now_v7().to_string();
    let body = json!({ "draft": { "id": referral, "client_id": client, "agency_id": pantry,
        "reason": "CANARY-REASON no food since Tuesday", "follow_up_on": chrono_today() } });
    let a = app
        .send(json_post("/api/refer_client", Some(&sw), body.clone()))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = app
        .send(json_post("/api/refer_client", Some(&sw), body))
        .await;
    assert_eq!(a.status, StatusCode::OK, "a resend is stored once");
    let a = app
        .send(json_post(
            "/api/refer_client",
            Some(&sw),
            json!({ "draft": { "id": uuid::Uuid::now_v7().to_string(), "client_id": client,
                "agency_id": uuid::Uuid::now_v7().to_string(), "reason": "x" } }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "an unknown agency");

    let a = app
        .call(
            "/api/referral_outcome",
            &sw,
            &format!("id={referral}&outcome=connected&note=Seen+Monday"),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = app
        .call(
            "/api/referral_outcome",
            &sw,
            &format!("id={referral}&outcome=vanished&note="),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["field"], "outcome");

    let list = app
        .call("/api/client_referrals", &sw, &format!("client={client}"))
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.body.as_array().unwrap().len(), 1);
    assert_eq!(list.body[0]["agency_name"], "Hope Pantry");
    assert_eq!(list.body[0]["outcome"], "connected");
    assert_eq!(list.body[0]["outcome_note"], "Seen Monday");
    assert_eq!(
        list.body[0]["reason"],
        "CANARY-REASON no food since Tuesday"
    );

    // Officers never reach referrals; the reason is sealed at rest.
    let a = app
        .call(
            "/api/client_referrals",
            &officer,
            &format!("client={client}"),
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(!a.body.to_string().contains("CANARY-REASON"));
    let mut res = app
        .db
        .query("SELECT VALUE reason FROM referral")
        .await
        .unwrap();
    let stored: Vec<String> = res.take(0).unwrap();
    assert!(stored[0].starts_with("hv1:"));
}

#[tokio::test]
async fn a_county_list_in_hsds_csv_is_imported_once_and_exported_back() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    let officer = app.sign_in("officer").await;
    let csv = "id,name,taxonomy_terms,phone,address_1,languages,last_modified\r\n\
               svc-1,Northwest Food Pantry,Emergency Food,630-555-0123,1 Elm St,English;Polish,2026-10-01T00:00:00Z\r\n\
               svc-2,\"Youth Outreach, Inc.\",Juvenile Justice Services,,,,\r\n\
               svc-3,,Shelter,not a phone,,,\r\n";
    let import = |who: &str| json_post("/api/import_directory", Some(who), json!({ "csv": csv }));
    let a = app.send(import(&officer)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = app.send(import(&sw)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["imported"], 2);
    assert_eq!(a.body["refused"][0]["line"], 4);
    let fields: Vec<&str> = a.body["refused"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["name", "telephone"]);
    // The same list again updates, never duplicates.
    let a = app.send(import(&sw)).await;
    assert_eq!(a.body["imported"], 2);
    let list = app.call("/api/list_agencies", &officer, "").await;
    assert_eq!(list.body.as_array().unwrap().len(), 2);
    let pantry = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "Northwest Food Pantry")
        .unwrap()
        .clone();
    assert_eq!(pantry["programs"], json!(["food"]));
    assert_eq!(pantry["languages"], json!(["English", "Polish"]));
    assert_eq!(pantry["last_verified"], "2026-10-01");

    // A file without a name column is refused whole, by name.
    let a = app
        .send(json_post(
            "/api/import_directory",
            Some(&sw),
            json!({ "csv": "title\r\nx\r\n" }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["field"], "csv");

    // Exported back for anyone signed in, in the same columns.
    let get = |cookie: Option<&str>| {
        let mut b = http::Request::get("/api/directory.csv");
        if let Some(c) = cookie {
            b = b.header(http::header::COOKIE, c);
        }
        b.body(axum::body::Body::empty()).unwrap()
    };
    let a = app.send(get(None)).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    let a = app.send(get(Some(&officer))).await;
    assert_eq!(a.status, StatusCode::OK);
    let text = a.body.as_str().unwrap().to_string();
    assert!(
        text.starts_with("\"id\",\"name\",\"taxonomy_terms\""),
        "{text}"
    );
    assert!(text.contains("\"Youth Outreach, Inc.\""), "{text}");
    assert!(text.contains("\"juvenile_delinquency\""), "{text}");
}
