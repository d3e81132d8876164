//! The cash box screen (balance, holds, ledger, counts) and the monthly report screen.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{
    count_cash, fund_move, get_fund_overview, get_monthly_report, submit_monthly_report,
    MovementInput,
};
use super::views::dollars;
use super::{FundOverview, MonthlyReport};
use crate::error::{AppError, FieldError};
use crate::ui::{ErrorNotice, LocalTime, Page};

#[component]
pub fn FundPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_fund_overview());
    let refresh = Callback::new(move |_: ()| overview.refetch());
    view! {
        <Page title="Cash box">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(o) => view! { <FundBody o=o refresh=refresh/> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </Page>
    }
}

/// Sends a movement; shows the field errors and the refusal, or refreshes on success.
fn movement_sender(
    refresh: Callback<()>,
    errors: RwSignal<Vec<FieldError>>,
    failure: RwSignal<Option<AppError>>,
) -> impl Fn(MovementInput) + Copy {
    move |m: MovementInput| {
        errors.set(vec![]);
        failure.set(None);
        leptos::task::spawn_local(async move {
            match fund_move(m).await {
                Ok(()) => refresh.run(()),
                Err(e) => {
                    errors.set(e.field_errors().to_vec());
                    failure.set(Some(e));
                }
            }
        });
    }
}

#[component]
fn FundBody(o: FundOverview, refresh: Callback<()>) -> impl IntoView {
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<AppError>);
    let send = movement_sender(refresh, errors, failure);
    let amount = RwSignal::new(String::new());
    let reference = RwSignal::new(String::new());
    let counted = RwSignal::new(String::new());
    let witness = RwSignal::new(String::new());
    let count_result = RwSignal::new(None::<String>);
    let err = move |f: &'static str| crate::ui::field_message(errors, f);
    let do_count = move || {
        failure.set(None);
        errors.set(vec![]);
        let (c, w) = (counted.get_untracked(), witness.get_untracked());
        leptos::task::spawn_local(async move {
            match count_cash(c, w).await {
                Ok(line) => {
                    count_result.set(Some(format!(
                        "Counted {}; the books say {}; variance {}.",
                        dollars(line.counted),
                        dollars(line.book),
                        dollars(line.variance)
                    )));
                    refresh.run(());
                }
                Err(e) => {
                    errors.set(e.field_errors().to_vec());
                    failure.set(Some(e));
                }
            }
        });
    };
    let books_ok = o.ledger_sum == o.cash;
    view! {
        <div class="balances">
            <p class="balance"><span>"Cash in the box"</span><strong id="fund-cash">{dollars(o.cash)}</strong></p>
            <p class="balance"><span>"On hold for approved requests"</span><strong id="fund-held">{dollars(o.held)}</strong></p>
            <p class="balance"><span>"Available"</span><strong id="fund-available">{dollars(o.available)}</strong></p>
            <p class="balance"><span>"Minimum to keep"</span><strong>{dollars(o.minimum)}</strong></p>
        </div>
        <p class="meta">{if books_ok { "The books balance: the ledger adds up to the cash." } else { "The ledger does not add up to the cash: tell the Lieutenant." }}</p>
        {o.replenish_needed.then(|| view! {
            <p class="notice warn" role="status">"Replenish the fund: the available cash is under the minimum."</p>
        })}
        {(o.can_manage && !o.opened).then(|| view! {
            <form class="form" on:submit=move |ev| { ev.prevent_default(); send(MovementInput::Open { amount: amount.get_untracked() }); }>
                <h2>"Opening balance"</h2>
                <div class="field">
                    <label for="open-amount">"Cash in the box now ($)"</label>
                    <input id="open-amount" type="text" inputmode="decimal" bind:value=amount/>
                    <p class="field-error">{move || err("amount")}</p>
                </div>
                <button type="submit" class="primary">"Open the fund"</button>
            </form>
        })}
        {(o.can_manage && o.opened).then(|| view! {
            <form class="form" on:submit=move |ev| { ev.prevent_default(); send(MovementInput::Replenish { amount: amount.get_untracked(), reference: reference.get_untracked() }); }>
                <h2>"Replenish"</h2>
                <div class="row">
                    <div class="field">
                        <label for="replenish-amount">"Amount ($)"</label>
                        <input id="replenish-amount" type="text" inputmode="decimal" bind:value=amount/>
                        <p class="field-error">{move || err("amount")}</p>
                    </div>
                    <div class="field">
                        <label for="replenish-reference">"Reference (check or voucher #)"</label>
                        <input id="replenish-reference" type="text" bind:value=reference/>
                        <p class="field-error">{move || err("reference")}</p>
                    </div>
                </div>
                <button type="submit" class="primary">"Add to the fund"</button>
            </form>
        })}
        {o.can_count.then(|| view! {
            <form class="form" on:submit=move |ev| { ev.prevent_default(); do_count(); }>
                <h2>"Count the box"</h2>
                <div class="row">
                    <div class="field">
                        <label for="count-amount">"Cash counted ($)"</label>
                        <input id="count-amount" type="text" inputmode="decimal" bind:value=counted/>
                        <p class="field-error">{move || err("counted")}</p>
                    </div>
                    <div class="field">
                        <label for="count-witness">"Witness (username)"</label>
                        <input id="count-witness" type="text" autocapitalize="none" bind:value=witness/>
                        <p class="field-error">{move || err("witness")}</p>
                    </div>
                </div>
                <button type="submit">"Record the count"</button>
                {move || count_result.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
            </form>
        })}
        {move || failure.get().map(|e| view! { <p class="notice error" role="alert">{e.message()}</p> })}
        <h2>"Ledger"</h2>
        // Focusable: on a phone the ledger scrolls sideways, and a keyboard must reach it too.
        <div class="table-wrap" tabindex="0" role="region" aria-label="Ledger">
            <table class="ledger">
                <thead><tr><th scope="col">"#"</th><th scope="col">"When"</th><th scope="col">"Entry"</th><th scope="col">"Amount"</th><th scope="col">"Balance"</th><th scope="col">"By"</th><th scope="col"></th></tr></thead>
                <tbody>
                    {o.entries.into_iter().map(|e| {
                        let reversible = o.can_manage && !e.reversed && e.reverses.is_none()
                            && matches!(e.kind, super::cashbox::EntryKind::Opening | super::cashbox::EntryKind::Replenishment);
                        let id = e.id.clone();
                        view! {
                            <tr data-kind=e.kind.code()>
                                <td>{e.seq}</td>
                                <td><LocalTime at=e.at/></td>
                                <td>{e.kind.label()}
                                    {e.reference.map(|r| format!(" · {r}"))}
                                    {e.request.map(|r| view! { " · " <a href=format!("/requests/{r}")>"request"</a> })}
                                    {e.reversed.then_some(" · reversed")}
                                </td>
                                <td class="num">{dollars(e.amount)}</td>
                                <td class="num">{dollars(e.balance_after)}</td>
                                <td>{e.by_name}</td>
                                <td>{reversible.then(|| view! {
                                    <button type="button" class="link" on:click=move |_| send(MovementInput::Reverse { entry: id.clone() })>"Reverse"</button>
                                })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h2>"Counts"</h2>
        <ul class="plain">
            {o.counts.into_iter().map(|c| view! {
                <li>{dollars(c.counted)} " counted, books " {dollars(c.book)} ", variance " {dollars(c.variance)}
                    " — " {c.counted_by} " with " {c.witness} ", " <LocalTime at=c.at/></li>
            }).collect_view()}
        </ul>
    }
}

fn this_month() -> String {
    chrono::Utc::now().format("%Y-%m").to_string()
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let query = use_query_map();
    let month = move || query.read().get("month").unwrap_or_else(this_month);
    let report = Resource::new(month, get_monthly_report);
    view! {
        <Page title="Monthly fund report">
            <form class="form inline" method="get" action="/reports/monthly">
                <div class="field">
                    <label for="month">"Month"</label>
                    <input id="month" name="month" type="month" value=month/>
                </div>
                <button type="submit">"Show"</button>
            </form>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Ok(r) => view! { <ReportBody r=r on_submit=Callback::new(move |_| report.refetch())/> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </Page>
    }
}

#[component]
fn ReportBody(r: MonthlyReport, on_submit: Callback<()>) -> impl IntoView {
    let failure = RwSignal::new(None::<AppError>);
    let month = r.month.clone();
    let submit = move |_| {
        let m = month.clone();
        leptos::task::spawn_local(async move {
            match submit_monthly_report(m).await {
                Ok(_) => on_submit.run(()),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let max = r
        .per_purpose
        .iter()
        .map(|p| p.amount)
        .max()
        .unwrap_or_default()
        .max(rust_decimal::Decimal::ONE);
    let csv = format!("/api/reports/monthly.csv?month={}", r.month);
    let pdf = format!("/api/reports/monthly.pdf?month={}", r.month);
    view! {
        <dl class="record report">
            <dt>"Persons who received funds"</dt><dd id="report-persons">{r.persons}</dd>
            <dt>"Disbursals"</dt><dd>{r.disbursals}</dd>
            <dt>"Expended this month"</dt><dd id="report-total">{dollars(r.total_expended)}</dd>
            <dt>"Current balance"</dt><dd id="report-balance">{dollars(r.current_balance)}</dd>
        </dl>
        <h2>"By purpose"</h2>
        <table class="ledger">
            <thead><tr><th scope="col">"Purpose"</th><th scope="col">"Requests"</th><th scope="col">"Amount"</th></tr></thead>
            <tbody>
                {r.per_purpose.iter().map(|p| view! {
                    <tr data-purpose=p.purpose.code()><td>{p.purpose.label()}</td><td class="num">{p.requests}</td><td class="num">{dollars(p.amount)}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
        <svg class="chart" viewBox="0 0 320 130" role="img" aria-label="Amount by purpose">
            {r.per_purpose.iter().enumerate().map(|(i, p)| {
                use rust_decimal::prelude::ToPrimitive;
                let h = (p.amount * rust_decimal::Decimal::new(100, 0) / max).round().to_i64().unwrap_or(0);
                let x = (i * 64 + 8).to_string();
                view! {
                    <g>
                        <rect x=x.clone() y=(110 - h).to_string() width="48" height=h.to_string()/>
                        <text x=x y="126" font-size="10">{p.purpose.label()}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
        <p class="exports">
            <a class="action" href=csv download>"Download CSV"</a>
            <a class="action" href=pdf target="_blank">"Open PDF"</a>
        </p>
        {match (r.submitted_by.clone(), r.submitted_at) {
            (Some(by), Some(at)) => view! {
                <p class="notice" id="report-submitted">"Sent to the Lieutenant by " {by} ", " <LocalTime at=at/></p>
            }.into_any(),
            _ => view! {
                <button type="button" class="primary" on:click=submit>"Send to the Lieutenant"</button>
            }.into_any(),
        }}
        {move || failure.get().map(|e| view! { <p class="notice error" role="alert">{e.message()}</p> })}
    }
}
