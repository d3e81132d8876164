//! `/retention`: for the social workers, the records past their retention period (with "propose
//! disposal") and the disposals (with "destroy" once approved); for the Deputy Chief, the proposals
//! to approve, by kind, key and dates only.

use leptos::prelude::*;

use super::api::{approve_disposal, destroy_disposed, get_retention_overview, propose_disposal};
use super::domain::DisposalStatus;
use super::{DisposalView, DueRecord, RetentionOverview};
use crate::error::AppError;
use crate::privacy::Pii;
use crate::ui::{ErrorNotice, LocalTime, Page};

#[component]
pub fn RetentionPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_retention_overview());
    let reload = Callback::new(move |_: ()| overview.refetch());
    let failure = RwSignal::new(None::<AppError>);
    view! {
        <Page title="Retention and disposal">
            <p class="hint">
                "Records are kept for the department's retention period after their last activity. "
                "Past it, a social worker proposes a disposal, the Deputy Chief approves it, and only then is the record destroyed. "
                "What is destroyed leaves an audit entry and no content."
            </p>
            {move || failure.get().map(|e| view! { <p class="notice error" role="alert" id="retention-refused">{e.message()}</p> })}
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(o) => view! { <Overview o=o reload=reload failure=failure/> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </Page>
    }
}

fn name_of(kind: super::domain::RecordKind, key: &str, label: Option<String>) -> impl IntoView {
    let short: String = key.chars().take(8).collect();
    view! {
        <strong>{kind.label()}</strong> " " <span class="meta">{short}</span>
        {label.map(|l| view! { " · " <Pii text=l/> })}
    }
}

#[component]
fn Overview(
    o: RetentionOverview,
    reload: Callback<()>,
    failure: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let step_up = RwSignal::new(None::<String>);
    let run = move |r: Result<(), AppError>| match r {
        Ok(()) => {
            failure.set(None);
            reload.run(());
        }
        Err(e) => failure.set(Some(e)),
    };
    let destroy = move |id: String| {
        leptos::task::spawn_local(async move {
            match destroy_disposed(id.clone()).await {
                Err(AppError::StepUpRequired) => step_up.set(Some(id)),
                r => run(r),
            }
        });
    };
    view! {
        <section class="card" id="due" aria-label="Past their retention period">
            <h2>"Past their retention period"</h2>
            {o.due.is_empty().then(|| view! { <p>"Nothing is past its retention period."</p> })}
            <ul class="list">
                {o.due.into_iter().map(|d: DueRecord| {
                    let (kind, key) = (d.kind.code().to_string(), d.key.clone());
                    let propose = move |_| {
                        let (kind, key) = (kind.clone(), key.clone());
                        leptos::task::spawn_local(async move {
                            run(propose_disposal(kind, key).await.map(|_| ()));
                        });
                    };
                    view! {
                        <li class="due">
                            {name_of(d.kind, &d.key, d.label.clone())}
                            <p class="meta">"Last activity " {d.last_activity.format("%Y-%m-%d").to_string()}
                                "; kept until " {d.kept_until.format("%Y-%m-%d").to_string()}</p>
                            <button type="button" on:click=propose>"Propose disposal"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        <section class="card" id="disposals" aria-label="Disposals">
            <h2>"Disposals"</h2>
            {o.disposals.is_empty().then(|| view! { <p>"No disposal yet."</p> })}
            <ul class="list">
                {o.disposals.into_iter().map(|d: DisposalView| {
                    let id = d.id.clone();
                    let id2 = d.id.clone();
                    let approve = move |_| {
                        let id = id.clone();
                        leptos::task::spawn_local(async move { run(approve_disposal(id).await); });
                    };
                    view! {
                        <li class="disposal">
                            {name_of(d.kind, &d.key, d.label.clone())}
                            " · " <span class="badge">{d.status.label()}</span>
                            <p class="meta">"Last activity " {d.last_activity.format("%Y-%m-%d").to_string()}
                                "; proposed by " {d.proposed_by_name.clone()} ", " <LocalTime at=d.proposed_at/>
                                {d.approved_by_name.clone().map(|n| format!("; approved by {n}"))}
                                {d.destroyed_at.map(|t| view! { "; destroyed " <LocalTime at=t/> })}</p>
                            {(d.status == DisposalStatus::Proposed).then(|| view! {
                                <button type="button" on:click=approve.clone()>"Approve the disposal"</button>
                            })}
                            {(d.status == DisposalStatus::Approved).then(|| view! {
                                <button type="button" class="danger" on:click=move |_| destroy(id2.clone())>"Destroy now"</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || step_up.get().map(|id| view! {
                <crate::auth::mfa_views::StepUp done=move |_| { step_up.set(None); destroy(id.clone()); }/>
            })}
        </section>
    }
}
