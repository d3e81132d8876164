//! The Emergency Money Fund end to end through the server: the request's life, separation of duties,
//! the cash box ledger under concurrency, and the monthly report.

use crate::common::*;
use http::StatusCode;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::str::FromStr;

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(
        v.as_str()
            .unwrap_or_else(|| panic!("not a decimal string: {v}")),
    )
    .unwrap()
}

fn signed() -> Value {
    json!({ "action": "disburse", "amount": "20.00",
            "acknowledgement": { "kind": "signed", "signature": "M10 10 L50 40 L90 20" } })
}

pub(crate) async fn open_fund(app: &TestApp, sw: &str, amount: &str) {
    let a = app
        .fund_move(sw, json!({ "kind": "open", "amount": amount }))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

/// The ledger adds up to the cash, and nothing is negative.
async fn books_balance(app: &TestApp, sw: &str) -> Value {
    let f = app.fund(sw).await;
    assert_eq!(
        dec(&f["ledger_sum"]),
        dec(&f["cash"]),
        "ledger != cash: {f}"
    );
    assert!(dec(&f["cash"]) >= Decimal::ZERO);
    assert!(dec(&f["available"]) >= Decimal::ZERO, "{f}");
    f
}

#[tokio::test]
async fn twenty_dollars_filed_approved_disbursed_signed_and_filed() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let sgt = app.sign_in("supervisor").await;
    let sw = app.sign_in("socialworker").await;
    open_fund(&app, &sw, "200").await;

    let id = app.file(&officer, "Maria Lopez", "20").await;
    // The officer may only withdraw; the social worker has nothing to do yet.
    let v = app
        .call("/api/get_request", &officer, &format!("id={id}"))
        .await;
    assert_eq!(v.body["actions"], json!(["withdraw"]));
    assert_eq!(
        app.step(&sw, &id, signed()).await.status,
        StatusCode::CONFLICT
    );

    let a = app.step(&sgt, &id, json!({ "action": "approve" })).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["status"], "approved");
    let f = books_balance(&app, &sw).await;
    assert_eq!(dec(&f["held"]), Decimal::new(20, 0));
    assert_eq!(dec(&f["available"]), Decimal::new(180, 0));

    let a = app.step(&sw, &id, signed()).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["status"], "disbursed");
    let f = books_balance(&app, &sw).await;
    assert_eq!(dec(&f["cash"]), Decimal::new(180, 0));
    assert_eq!(dec(&f["held"]), Decimal::ZERO);
    assert_eq!(f["entries"][0]["kind"], "disbursement");
    assert_eq!(dec(&f["entries"][0]["amount"]), Decimal::new(-20, 0));
    assert_eq!(f["entries"][0]["request"], json!(id));

    assert_eq!(app.status_of(&officer, &id).await, "disbursed");
    let v = app
        .call("/api/get_request", &officer, &format!("id={id}"))
        .await;
    let actions: Vec<&str> = v.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["filed", "approve", "disburse"]);
    assert_eq!(v.body["timeline"][1]["by_name"], "Sgt. Lee Morgan");
    assert!(v.body["signature"].as_str().unwrap().starts_with("M10 10"));

    let a = app.step(&sw, &id, json!({ "action": "file" })).await;
    assert_eq!(a.body["status"], "filed");
}

#[tokio::test]
async fn forty_dollars_needs_the_chief_before_any_disbursal() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let sgt = app.sign_in("supervisor").await;
    let sw = app.sign_in("socialworker").await;
    let chief = app.sign_in("chief").await;
    open_fund(&app, &sw, "200").await;
    let id = app.file(&officer, "John Roe", "40").await;

    let a = app.step(&sgt, &id, json!({ "action": "approve" })).await;
    assert_eq!(a.body["status"], "awaiting_chief");
    let mut disburse = signed();
    disburse["amount"] = json!("40");
    let refused = app.step(&sw, &id, disburse.clone()).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert_eq!(refused.body["refusal"]["code"], "wrong_state");

    // The chief's queue shows it; the supervisor cannot take the chief's step.
    let q = app.call("/api/request_queue", &chief, "").await;
    assert!(q
        .body
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == json!(id)));
    let wrong = app
        .step(&sgt, &id, json!({ "action": "chief_approve" }))
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);

    let a = app
        .step(&chief, &id, json!({ "action": "chief_approve" }))
        .await;
    assert_eq!(a.body["status"], "approved", "{}", a.body);
    let a = app.step(&sw, &id, disburse).await;
    assert_eq!(a.body["status"], "disbursed", "{}", a.body);
    let f = books_balance(&app, &sw).await;
    assert_eq!(dec(&f["cash"]), Decimal::new(160, 0));
}

#[tokio::test]
async fn separation_of_duties_is_enforced_by_the_server() {
    let app = spawn().await;
    let sgt = app.sign_in("supervisor").await;
    let sw = app.sign_in("socialworker").await;
    open_fund(&app, &sw, "100").await;
    // A supervisor cannot approve the request they filed.
    let own = app.file(&sgt, "Ann Lee", "10").await;
    let a = app.step(&sgt, &own, json!({ "action": "approve" })).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.body["refusal"]["code"], "separation_of_duties");
    // Denial needs a reason.
    let a = app
        .step(&sgt, &own, json!({ "action": "deny", "reason": "" }))
        .await;
    assert_eq!(
        a.status,
        StatusCode::FORBIDDEN,
        "the filer cannot deny either"
    );
    let officer = app.sign_in("officer").await;
    let id = app.file(&officer, "Bo Chan", "10").await;
    let a = app
        .step(&sgt, &id, json!({ "action": "deny", "reason": "  " }))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["refusal"]["code"], "reason_required");
    let a = app
        .step(
            &sgt,
            &id,
            json!({ "action": "deny", "reason": "Referred to township" }),
        )
        .await;
    assert_eq!(a.body["status"], "denied");
    // An officer cannot approve; the filer can withdraw before a decision only.
    let id2 = app.file(&officer, "Cy Diaz", "10").await;
    assert_eq!(
        app.step(&officer, &id2, json!({ "action": "approve" }))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let a = app
        .step(&officer, &id2, json!({ "action": "withdraw" }))
        .await;
    assert_eq!(a.body["status"], "withdrawn");
    let f = books_balance(&app, &sw).await;
    assert_eq!(
        dec(&f["held"]),
        Decimal::ZERO,
        "denial and withdrawal hold nothing"
    );
}

#[tokio::test]
async fn the_ledger_is_append_only() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    open_fund(&app, &sw, "75").await;
    let res = app
        .db
        .query("UPDATE ledger_entry SET amount = 1000dec")
        .await
        .and_then(|r| r.check());
    assert!(res.is_err(), "an update must fail");
    let res = app
        .db
        .query("DELETE ledger_entry")
        .await
        .and_then(|r| r.check());
    assert!(res.is_err(), "a delete must fail");
    let f = books_balance(&app, &sw).await;
    assert_eq!(dec(&f["cash"]), Decimal::new(75, 0));
    assert_eq!(f["entries"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn replenish_reverse_and_count_with_a_witness() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    let sgt = app.sign_in("supervisor").await;
    let officer = app.sign_in("officer").await;
    let twice = app
        .fund_move(&sw, json!({ "kind": "open", "amount": "10" }))
        .await;
    assert_eq!(twice.status, StatusCode::OK);
    let again = app
        .fund_move(&sw, json!({ "kind": "open", "amount": "10" }))
        .await;
    assert_eq!(again.body["refusal"]["code"], "fund");
    assert_eq!(again.body["refusal"]["fund_error"], "already_opened");
    let bad = app
        .fund_move(
            &sw,
            json!({ "kind": "replenish", "amount": "abc", "reference": "x" }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["fields"][0]["field"], "amount");
    let noref = app
        .fund_move(
            &sw,
            json!({ "kind": "replenish", "amount": "50", "reference": " " }),
        )
        .await;
    assert_eq!(noref.body["fields"][0]["field"], "reference");
    let ok = app
        .fund_move(
            &sw,
            json!({ "kind": "replenish", "amount": "90", "reference": "Check 1041" }),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(
        app.fund_move(
            &officer,
            json!({ "kind": "replenish", "amount": "5", "reference": "x" })
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );

    let f = books_balance(&app, &sw).await;
    assert_eq!(dec(&f["cash"]), Decimal::new(100, 0));
    let replenishment = f["entries"][0]["id"].as_str().unwrap().to_string();
    let r = app
        .fund_move(&sw, json!({ "kind": "reverse", "entry": replenishment }))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r2 = app
        .fund_move(&sw, json!({ "kind": "reverse", "entry": replenishment }))
        .await;
    assert_ne!(r2.status, StatusCode::OK, "an entry is reversed once");
    let f = books_balance(&app, &sw).await;
    assert_eq!(dec(&f["cash"]), Decimal::new(10, 0));
    assert_eq!(
        f["entries"].as_array().unwrap().len(),
        3,
        "the correction is a new entry"
    );
    assert_eq!(f["replenish_needed"], true, "$10 < the $50 minimum");

    // Disburse once, then the disburser may not count; the supervisor counts with a witness.
    app.fund_move(
        &sw,
        json!({ "kind": "replenish", "amount": "100", "reference": "Check 1042" }),
    )
    .await;
    let id = app.file(&officer, "Dee Fox", "20").await;
    app.step(&sgt, &id, json!({ "action": "approve" })).await;
    assert_eq!(app.step(&sw, &id, signed()).await.status, StatusCode::OK);
    let c = app
        .call("/api/count_cash", &sw, "counted=90&witness=supervisor")
        .await;
    assert_eq!(c.status, StatusCode::FORBIDDEN, "{}", c.body);
    let c = app
        .call("/api/count_cash", &sgt, "counted=85&witness=nobody")
        .await;
    assert_eq!(c.body["fields"][0]["field"], "witness");
    let c = app
        .call("/api/count_cash", &sgt, "counted=85&witness=socialworker")
        .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.body);
    assert_eq!(dec(&c.body["book"]), Decimal::new(90, 0));
    assert_eq!(dec(&c.body["variance"]), Decimal::new(-5, 0));
    // After the count, the social worker may count again (with someone else as witness).
    let c = app
        .call("/api/count_cash", &sw, "counted=90&witness=supervisor")
        .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_disbursals_of_one_request_disburse_once() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let sgt = app.sign_in("supervisor").await;
    let sw = app.sign_in("socialworker").await;
    open_fund(&app, &sw, "100").await;
    let id = app.file(&officer, "Eve Gold", "20").await;
    app.step(&sgt, &id, json!({ "action": "approve" })).await;

    let requests = (0..100)
        .map(|_| {
            json_post(
                "/api/take_step",
                Some(&sw),
                json!({ "id": id, "step": signed() }),
            )
        })
        .collect();
    let answers = app.concurrently(requests).await;
    let mut ok = 0;
    for (status, body) in answers {
        if status == StatusCode::OK {
            ok += 1;
        } else {
            assert_eq!(status, StatusCode::CONFLICT, "{body}");
            assert_eq!(
                body["refusal"]["code"], "wrong_state",
                "told it lost: {body}"
            );
        }
    }
    assert_eq!(ok, 1);
    let f = books_balance(&app, &sw).await;
    assert_eq!(dec(&f["cash"]), Decimal::new(80, 0));
    let disbursals = f["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "disbursement")
        .count();
    assert_eq!(disbursals, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_25_dollar_requests_on_a_75_dollar_fund_never_overdraw() {
    // Approval holds the cash, so the race for the money is at approval; the disbursals then race too.
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let sgt = app.sign_in("supervisor").await;
    let sw = app.sign_in("socialworker").await;
    open_fund(&app, &sw, "75").await;
    let mut ids = Vec::new();
    for i in 0..50 {
        ids.push(app.file(&officer, &format!("Person {i}"), "25").await);
    }
    let run = |who: String, step: Value| {
        let requests = ids
            .iter()
            .map(|id| {
                json_post(
                    "/api/take_step",
                    Some(&who),
                    json!({ "id": id, "step": step.clone() }),
                )
            })
            .collect();
        app.concurrently(requests)
    };
    let approvals = run(sgt.clone(), json!({ "action": "approve" })).await;
    let approved = approvals
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .count();
    assert_eq!(approved, 3, "$75 holds three $25 approvals");
    for (s, body) in approvals.iter().filter(|(s, _)| *s != StatusCode::OK) {
        assert_eq!(*s, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["refusal"]["code"], "fund", "{body}");
        assert_eq!(body["refusal"]["fund_error"], "insufficient", "{body}");
    }
    let mut disburse = signed();
    disburse["amount"] = json!("25");
    let disbursals = run(sw.clone(), disburse).await;
    let done = disbursals
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .count();
    assert_eq!(done, 3);
    for (s, body) in disbursals.iter().filter(|(s, _)| *s != StatusCode::OK) {
        assert_eq!(*s, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["refusal"]["code"], "wrong_state", "{body}");
    }
    let f = books_balance(&app, &sw).await;
    assert_eq!(dec(&f["cash"]), Decimal::ZERO);
    assert_eq!(f["replenish_needed"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_supervisors_approving_and_denying_at_once_leave_one_final_state() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let sw = app.sign_in("socialworker").await;
    app::auth::server::create_person(
        &app.db,
        "supervisor2",
        "Sgt. Two",
        app::auth::server::DEMO_PASSWORD,
        &[app::auth::Role::Supervisor],
    )
    .await
    .unwrap();
    let sgt1 = app.sign_in("supervisor").await;
    let sgt2 = app.sign_in("supervisor2").await;
    open_fund(&app, &sw, "100").await;
    for round in 0..5 {
        let id = app.file(&officer, &format!("Race {round}"), "20").await;
        let (a, b) = tokio::join!(
            app.step(&sgt1, &id, json!({ "action": "approve" })),
            app.step(
                &sgt2,
                &id,
                json!({ "action": "deny", "reason": "duplicate" })
            ),
        );
        let oks = [a.status, b.status]
            .iter()
            .filter(|s| **s == StatusCode::OK)
            .count();
        assert_eq!(oks, 1, "round {round}: {} / {}", a.body, b.body);
        let loser = if a.status == StatusCode::OK { &b } else { &a };
        assert_eq!(loser.status, StatusCode::CONFLICT);
        assert_eq!(loser.body["refusal"]["code"], "wrong_state");
        let winner = if a.status == StatusCode::OK { &a } else { &b };
        assert_eq!(
            app.status_of(&officer, &id).await,
            winner.body["status"].as_str().unwrap()
        );
    }
    books_balance(&app, &sw).await;
}

#[tokio::test]
async fn the_monthly_report_counts_people_purposes_and_money_without_names() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let sgt = app.sign_in("supervisor").await;
    let sw = app.sign_in("socialworker").await;
    let chief = app.sign_in("chief").await;
    let lt = app.sign_in("lieutenant").await;
    open_fund(&app, &sw, "200").await;
    let a = app.file(&officer, "Maria Lopez", "20").await;
    app.step(&sgt, &a, json!({ "action": "approve" })).await;
    assert_eq!(app.step(&sw, &a, signed()).await.status, StatusCode::OK);
    let mut d = draft("40");
    d["requester_name"] = json!("John Roe");
    d["purpose"] = json!("shelter");
    app.submit(&officer, d.clone()).await;
    let b = d["id"].as_str().unwrap();
    app.step(&sgt, b, json!({ "action": "approve" })).await;
    app.step(&chief, b, json!({ "action": "chief_approve" }))
        .await;
    let mut disburse = signed();
    disburse["amount"] = json!("40");
    assert_eq!(app.step(&sw, b, disburse).await.status, StatusCode::OK);

    let month = chrono_today()[..7].to_string();
    let r = app
        .call("/api/monthly_report", &lt, &format!("month={month}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["persons"], 2);
    assert_eq!(dec(&r.body["total_expended"]), Decimal::new(60, 0));
    assert_eq!(dec(&r.body["current_balance"]), Decimal::new(140, 0));
    let food = r.body["per_purpose"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["purpose"] == "food")
        .unwrap()
        .clone();
    assert_eq!(
        (food["requests"].clone(), dec(&food["amount"])),
        (json!(1), Decimal::new(20, 0))
    );
    assert!(
        !r.body.to_string().contains("Maria"),
        "no client names in the report"
    );
    assert_eq!(
        app.call("/api/monthly_report", &officer, &format!("month={month}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // Sending it stores a snapshot the ledger reproduces; it can be sent once.
    let s = app
        .call("/api/submit_monthly_report", &sw, &format!("month={month}"))
        .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    assert_eq!(s.body["submitted_by"], "Rosa Rivera, MSW");
    let again = app
        .call("/api/submit_monthly_report", &sw, &format!("month={month}"))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let recomputed = app::funds::fund_store::compute_report(&app.db, &month)
        .await
        .unwrap();
    let stored: app::funds::MonthlyReport = serde_json::from_value(s.body.clone()).unwrap();
    assert_eq!(recomputed.persons, stored.persons);
    assert_eq!(recomputed.per_purpose, stored.per_purpose);
    assert_eq!(recomputed.total_expended, stored.total_expended);

    // CSV and PDF.
    let csv = app
        .send(get(&format!("/api/reports/monthly.csv?month={month}"), &lt))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let text = csv.body.as_str().unwrap().to_string();
    assert!(
        text.contains("\"persons who received funds\",\"2\""),
        "{text}"
    );
    assert!(!text.contains("Maria"));
    let pdf = app
        .send(get(&format!("/api/reports/monthly.pdf?month={month}"), &lt))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(
        pdf.headers.get(http::header::CONTENT_TYPE).unwrap(),
        "application/pdf"
    );
    assert!(pdf.body.as_str().unwrap().starts_with("%PDF-1.4"));
    let appendix = app
        .send(get(&format!("/api/requests/{a}/appendix-a.pdf"), &officer))
        .await;
    assert_eq!(appendix.status, StatusCode::OK);
    assert!(appendix.body.as_str().unwrap().contains("(Maria Lopez)"));
    let kim = app.sign_in("officer2").await;
    let peek = app
        .send(get(&format!("/api/requests/{a}/appendix-a.pdf"), &kim))
        .await;
    assert_eq!(peek.status, StatusCode::NOT_FOUND);
}

fn get(path: &str, cookie: &str) -> http::Request<axum::body::Body> {
    http::Request::get(path)
        .header(http::header::HOST, "127.0.0.1:3000")
        .header(http::header::COOKIE, cookie)
        .body(axum::body::Body::empty())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_feed_announces_a_new_request_without_its_content() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let app = spawn().await;
    let sgt = app.sign_in("supervisor").await;
    let officer = app.sign_in("officer").await;
    let anonymous = app
        .router
        .clone()
        .oneshot(
            http::Request::get("/api/events/requests")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let res = app
        .router
        .clone()
        .oneshot(get("/api/events/requests", &sgt))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers().get(http::header::CONTENT_TYPE).unwrap(),
        "text/event-stream"
    );
    let mut body = res.into_body();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.file(&officer, "Quiet Name", "10").await;
    let frame = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            let f = body.frame().await.expect("stream open").expect("frame");
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
    assert!(frame.contains("data: 1"), "{frame}");
    assert!(!frame.contains("Quiet"), "no content on the feed");
}

#[tokio::test]
async fn an_approval_not_disbursed_in_time_lapses_and_releases_its_hold() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let sgt = app.sign_in("supervisor").await;
    let sw = app.sign_in("socialworker").await;
    open_fund(&app, &sw, "100").await;
    let old = app.file(&officer, "Old Approval", "20").await;
    let fresh = app.file(&officer, "Fresh Approval", "25").await;
    app.step(&sgt, &old, json!({ "action": "approve" })).await;
    app.step(&sgt, &fresh, json!({ "action": "approve" })).await;
    assert_eq!(dec(&app.fund(&sw).await["held"]), Decimal::new(45, 0));
    app.db
        .query("UPDATE type::record('fund_request', $id) SET updated_at = time::now() - 8d")
        .bind(("id", old.clone()))
        .await
        .unwrap()
        .check()
        .unwrap();
    let settings = app::settings::store::load(&app.db).await.unwrap();
    assert_eq!(settings.hold_expiry_days, 7);
    let lapsed = app::funds::fund_store::expire_stale(&app.db, &settings)
        .await
        .unwrap();
    assert_eq!(lapsed, 1);
    assert_eq!(app.status_of(&officer, &old).await, "expired");
    assert_eq!(app.status_of(&officer, &fresh).await, "approved");
    let f = books_balance(&app, &sw).await;
    assert_eq!(dec(&f["held"]), Decimal::new(25, 0));
    let v = app
        .call("/api/get_request", &officer, &format!("id={old}"))
        .await;
    let last = v.body["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "expire");
    assert_eq!(last["by_name"], "Haven (automatic)");
    // It cannot be disbursed any more, and running the job again changes nothing.
    assert_eq!(
        app.step(&sw, &old, signed()).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app::funds::fund_store::expire_stale(&app.db, &settings)
            .await
            .unwrap(),
        0
    );
}
