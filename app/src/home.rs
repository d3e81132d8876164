//! The home screen: each role sees its own work first.

use leptos::prelude::*;

use crate::auth::{policy, Role};
use crate::ui::{ErrorNotice, Page};

#[component]
pub fn HomePage() -> impl IntoView {
    let me = Resource::new(|| (), |_| crate::auth::api::whoami());
    view! {
        <Page title="Home">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(Some(user)) => {
                            let file = policy::can_file_request(&user);
                            let queue = policy::queue_statuses(&user);
                            let review = !queue.is_empty();
                            let queue_label = if user.has(Role::Supervisor) {
                                "Approval queue"
                            } else if user.has(Role::SocialWorker) {
                                "Requests to disburse"
                            } else {
                                "Approvals above the cap"
                            };
                            let fund = policy::can_view_fund(&user);
                            let report = policy::can_report(&user);
                            let audit = policy::can_audit(&user);
                            let admin = policy::administers(&user);
                            let casework = policy::does_casework(&user);
                            let check = policy::can_check_contact(&user) && !casework;
                            view! {
                                {user.has(Role::SocialWorker).then(|| view! { <ReplenishTask/> })}
                                {casework.then(|| view! { <crate::casework::views::FollowUpsDue/> })}
                                {policy::handles_breaches(&user).then(|| view! { <crate::breach::views::OpenBreaches/> })}
                                {policy::reviews_unit(&user).then(|| view! { <crate::unit::views::HomeReminder/> })}
                                <p class="roles">
                                    {user.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")}
                                </p>
                                <nav class="actions" aria-label="Your work">
                                    {casework.then(|| view! {
                                        <a class="action primary" href="/clients">"Clients"</a>
                                        <a class="action" href="/visits/new">"New crisis visit"</a>
                                        <a class="action" href="/directory">"Resource Directory"</a>
                                    })}
                                    {review.then(|| view! {
                                        <a class="action primary" href="/requests/queue">{queue_label}</a>
                                    })}
                                    {fund.then(|| view! {
                                        <a class="action" href="/fund">"Cash box"</a>
                                    })}
                                    {report.then(|| view! {
                                        <a class="action" href="/reports/monthly">"Monthly fund report"</a>
                                    })}
                                    {policy::handles_breaches(&user).then(|| view! {
                                        <a class="action" href="/breaches">"Breach reports"</a>
                                    })}
                                    {policy::reviews_unit(&user).then(|| view! {
                                        <a class="action" href="/unit">"Unit records"</a>
                                    })}
                                    {policy::reviews_retention(&user).then(|| view! {
                                        <a class="action" href="/retention">"Retention and disposal"</a>
                                    })}
                                    {audit.then(|| view! {
                                        <a class="action primary" href="/audit">"Audit log"</a>
                                    })}
                                    {admin.then(|| view! {
                                        <a class="action primary" href="/admin">"Administration"</a>
                                    })}
                                    {file.then(|| view! {
                                        <a class="action primary" href="/requests/new">"New emergency fund request"</a>
                                        <a class="action" href="/requests/mine">"My requests"</a>
                                    })}
                                    {check.then(|| view! {
                                        <a class="action" href="/contact-check">"Social-services contact check"</a>
                                    })}
                                </nav>
                                {file.then(|| view! { <crate::offline::views::OutboxPanel/> })}
                                {(!file && !review && !fund && !report && !audit && !admin).then(|| view! {
                                    <p>"Nothing waits for you here yet."</p>
                                })}
                                <p class="breach-link"><a href="/breach">"Report a breach"</a>
                                    " — a lost phone, records sent to the wrong person…"</p>
                            }.into_any()
                        }
                        Ok(None) => view! { <ErrorNotice error=crate::error::AppError::Unauthenticated/> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

/// The social worker's "replenish" task, raised when the available cash fell under the minimum.
#[component]
fn ReplenishTask() -> impl IntoView {
    let fund = Resource::new(|| (), |_| crate::funds::api::get_fund_overview());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                fund.await.ok().filter(|f| f.replenish_needed).map(|f| view! {
                    <p class="notice warn" role="status" id="replenish-task">
                        "Task: replenish the cash box — "
                        {crate::funds::views::dollars(f.available)}
                        " available, minimum "
                        {crate::funds::views::dollars(f.minimum)}
                        ". " <a href="/fund">"Open the cash box"</a>
                    </p>
                })
            })}
        </Transition>
    }
}
