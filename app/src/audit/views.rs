//! The audit log screen (`/audit`, auditor): a search form that is a plain GET form (works before the
//! WASM, and the search is in the address bar to share with a colleague: it holds no content, only
//! usernames, actions and record ids), the matching events, and the same search as CSV.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{search_audit, AuditFilter, SEARCH_LIMIT};
use crate::ui::{ErrorNotice, Page};

fn query_string(f: &AuditFilter) -> String {
    let pairs = [
        ("username", &f.username),
        ("action", &f.action),
        ("record", &f.record),
        ("outcome", &f.outcome),
        ("from", &f.from),
        ("to", &f.to),
    ];
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        AuditFilter {
            username: get("username"),
            action: get("action"),
            record: get("record"),
            outcome: get("outcome"),
            from: get("from"),
            to: get("to"),
        }
    };
    let results = Resource::new(filter, search_audit);
    let field = move |name: &'static str, label: &'static str, kind: &'static str| {
        let value = move || query.read().get(name).unwrap_or_default();
        view! {
            <div class="field">
                <label for=format!("audit-{name}")>{label}</label>
                <input id=format!("audit-{name}") name=name type=kind value=value/>
            </div>
        }
    };
    view! {
        <Page title="Audit log">
            <form class="form audit-search" method="get" action="/audit" aria-label="Search the audit log">
                {field("username", "Username", "text")}
                {field("action", "Action (or its start, e.g. sign_in)", "text")}
                {field("record", "Record (or its start, e.g. fund_request)", "text")}
                <div class="field">
                    <label for="audit-outcome">"Outcome"</label>
                    <select id="audit-outcome" name="outcome">
                        {["", "ok", "refused", "failed"].into_iter().map(|o| {
                            let selected = move || query.read().get("outcome").unwrap_or_default() == o;
                            view! { <option value=o selected=selected>{if o.is_empty() { "any" } else { o }}</option> }
                        }).collect_view()}
                    </select>
                </div>
                {field("from", "From (UTC date)", "date")}
                {field("to", "To (UTC date)", "date")}
                <button type="submit" class="primary">"Search"</button>
            </form>
            <Transition fallback=|| view! { <p>"Searching…"</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(page) => {
                            let csv = format!("/api/audit/export.csv?{}", query_string(&filter()));
                            let count = page.rows.len();
                            view! {
                                <p class="exports">
                                    <span id="audit-count">{count}</span>
                                    {if page.truncated {
                                        format!(" events shown (the newest {SEARCH_LIMIT}; narrow the search for older ones). ")
                                    } else {
                                        " events. ".to_string()
                                    }}
                                    <a class="action" href=csv download rel="external">"Download CSV"</a>
                                </p>
                                <div class="table-scroll" tabindex="0" role="region" aria-label="Audit events">
                                    <table class="ledger audit">
                                        <thead><tr>
                                            <th scope="col">"#"</th><th scope="col">"When (UTC)"</th>
                                            <th scope="col">"Who"</th><th scope="col">"Action"</th>
                                            <th scope="col">"Record"</th><th scope="col">"Outcome"</th>
                                            <th scope="col">"Device"</th>
                                        </tr></thead>
                                        <tbody>
                                            {page.rows.into_iter().map(|r| {
                                                let class = format!("outcome-{}", r.outcome);
                                                let at = r.at.get(..19).unwrap_or(&r.at).replace('T', " ");
                                                view! {
                                                <tr class=class>
                                                    <td class="num">{r.seq}</td>
                                                    <td>{at}</td>
                                                    <td>{r.username}</td>
                                                    <td>{r.action}</td>
                                                    <td class="record-id">{r.record}</td>
                                                    <td>{r.outcome}</td>
                                                    <td class="device">{r.device}</td>
                                                </tr>
                                            }}).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_link_carries_the_same_search() {
        let f = AuditFilter {
            username: "officer".into(),
            action: "sign_in".into(),
            to: "2026-12-03".into(),
            ..Default::default()
        };
        assert_eq!(
            query_string(&f),
            "username=officer&action=sign_in&to=2026-12-03"
        );
        assert_eq!(encode("a b&c"), "a%20b%26c");
    }
}
