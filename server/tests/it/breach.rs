//! Breach reports: two taps for anyone; the Deputy Chief sees the people whose records could be
//! affected, computed from the audit trail; a lost device's sessions end at once.

use crate::common::*;
use http::StatusCode;

#[tokio::test]
async fn a_lost_phone_is_reported_and_the_deputy_chief_sees_who_could_be_affected() {
    let app = spawn().await;
    let phone = app.sign_in("officer").await;
    let mine_a = app.file(&phone, "Breach Canary Alpha", "10").await;
    let mine_b = app.file(&phone, "Breach Canary Beta", "12").await;
    let kim = app.sign_in("officer2").await;
    let not_mine = app.file(&kim, "Someone Else Entirely", "9").await;
    // The officer reports from the station computer: the phone's session must end.
    let station = app.sign_in("officer").await;
    let a = app
        .call(
            "/api/report_breach",
            &station,
            "kind=lost_device&note=Left+it+in+a+cab",
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["affected_records"], 2);
    assert_eq!(a.body["sessions_ended"], 1);
    assert_eq!(
        app.call("/api/my_requests", &phone, "").await.status,
        StatusCode::UNAUTHORIZED,
        "the lost phone is signed out"
    );
    assert_eq!(
        app.call("/api/my_requests", &station, "").await.status,
        StatusCode::OK,
        "the reporter stays signed in"
    );
    let id = a.body["id"].as_str().unwrap().to_string();

    // Nobody but the Deputy Chief reads reports.
    for who in [&station, &kim] {
        assert_eq!(
            app.call("/api/list_breaches", who, "").await.status,
            StatusCode::FORBIDDEN
        );
    }
    let dc = app.sign_in("deputychief").await;
    let list = app.call("/api/list_breaches", &dc, "").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body[0]["kind"], "lost_device");
    assert_eq!(list.body[0]["reported_by"], "Officer Ana Diaz");
    assert_eq!(list.body[0]["acknowledged"], false);
    let d = app.call("/api/get_breach", &dc, &format!("id={id}")).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    let people: Vec<&str> = d.body["affected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["person"].as_str().unwrap())
        .collect();
    assert_eq!(people.len(), 2);
    assert!(people.contains(&"Breach Canary Alpha") && people.contains(&"Breach Canary Beta"));
    let records = d.body["affected"].to_string();
    assert!(records.contains(&mine_a) && records.contains(&mine_b));
    assert!(
        !records.contains(&not_mine),
        "only what the reporter touched"
    );
    assert_eq!(d.body["note"], "Left it in a cab");
    assert!(!d.body["devices"].as_array().unwrap().is_empty());

    assert_eq!(
        app.call("/api/acknowledge_breach", &dc, &format!("id={id}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.call("/api/acknowledge_breach", &dc, &format!("id={id}"))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "once"
    );
    let list = app.call("/api/list_breaches", &dc, "").await;
    assert_eq!(list.body[0]["acknowledged"], true);
}

#[tokio::test]
async fn a_report_names_its_bad_fields_and_other_kinds_keep_sessions() {
    let app = spawn().await;
    let one = app.sign_in("supervisor").await;
    let two = app.sign_in("supervisor").await;
    let bad = app
        .call("/api/report_breach", &one, "kind=fire&note=")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["fields"][0]["field"], "kind");
    let ok = app
        .call(
            "/api/report_breach",
            &one,
            "kind=misdirected_disclosure&note=",
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.body["sessions_ended"], 0);
    assert_eq!(
        app.call("/api/whoami", &two, "").await.body["username"],
        "supervisor"
    );
}

#[tokio::test]
async fn the_deputy_chief_is_told_at_once_and_nobody_else_listens() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let app = spawn().await;
    let dc = app.sign_in("deputychief").await;
    let officer = app.sign_in("officer").await;
    let get = |cookie: &str| {
        http::Request::get("/api/events/breaches")
            .header(http::header::HOST, "127.0.0.1:3000")
            .header(http::header::COOKIE, cookie)
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let refused = app.router.clone().oneshot(get(&officer)).await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let res = app.router.clone().oneshot(get(&dc)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.into_body();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let a = app
        .call(
            "/api/report_breach",
            &officer,
            "kind=other&note=Quiet+canary",
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let text = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            let f = body.frame().await.expect("open").expect("frame");
            if let Ok(data) = f.into_data() {
                let text = String::from_utf8_lossy(&data).to_string();
                if text.contains("event: changed") {
                    return text;
                }
            }
        }
    })
    .await
    .expect("an event within 10 s");
    assert!(
        !text.contains("canary") && !text.contains("other"),
        "{text}"
    );
}
