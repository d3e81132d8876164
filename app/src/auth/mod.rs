//! Who is asking and what they may do. Roles are data on the person record (a person may hold several;
//! a chief's designee holds the chief's approval right); the policy below is the one place that maps
//! roles to rights, used by the server on every call and by the UI to show only what one may do.

use serde::{Deserialize, Serialize};

pub mod api;
pub mod idle;
pub mod lockout;
pub mod mfa;
pub mod mfa_views;
#[cfg(feature = "hydrate")]
pub mod passkey_js;
pub mod password;
#[cfg(feature = "ssr")]
pub mod ratelimit;
#[cfg(feature = "ssr")]
pub mod second_factor;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod totp;
pub mod views;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Officer,
    Supervisor,
    Chief,
    ChiefDesignee,
    SocialWorker,
    Lieutenant,
    DeputyChief,
    Administrator,
    /// Reads and exports the audit trail; sees no client content.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Officer,
        Role::Supervisor,
        Role::Chief,
        Role::ChiefDesignee,
        Role::SocialWorker,
        Role::Lieutenant,
        Role::DeputyChief,
        Role::Administrator,
        Role::Auditor,
    ];

    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Supervisor => "supervisor",
            Role::Chief => "chief",
            Role::ChiefDesignee => "chief_designee",
            Role::SocialWorker => "social_worker",
            Role::Lieutenant => "lieutenant",
            Role::DeputyChief => "deputy_chief",
            Role::Administrator => "administrator",
            Role::Auditor => "auditor",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Officer => "Officer",
            Role::Supervisor => "On-duty patrol supervisor",
            Role::Chief => "Chief of Police",
            Role::ChiefDesignee => "Chief's designee",
            Role::SocialWorker => "Police social worker",
            Role::Lieutenant => "Lieutenant of Support Services",
            Role::DeputyChief => "Deputy Chief of Support Services",
            Role::Administrator => "Administrator",
            Role::Auditor => "Auditor",
        }
    }
}

/// The signed-in person, as the server resolved it from the session cookie.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    /// The person's record key (not secret, not confidential).
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
}

impl CurrentUser {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// Rights over emergency fund requests. Fails closed: a right not listed here is refused.
pub mod policy {
    use super::{CurrentUser, Role};

    /// Who may call a server function at all (function level). Record level (whose request) and
    /// state level (which step now) are decided inside the function by [`can_view_request`] and the
    /// fund's state machine.
    #[derive(Clone, Copy)]
    pub enum Access {
        /// Anyone, signed in or not (sign-in itself; "who am I").
        Public,
        /// Any signed-in person; the function narrows by record.
        SignedIn,
        /// A session half-way through sign-in (password checked, second factor not yet) or a
        /// signed-in one: the second-factor functions. They check the session themselves.
        Session,
        /// Signed-in people for whom the rule holds.
        Rule(fn(&CurrentUser) -> bool),
    }

    impl Access {
        pub fn allows(self, user: Option<&CurrentUser>) -> bool {
            match (self, user) {
                (Access::Public, _) => true,
                (_, None) => false,
                (Access::SignedIn | Access::Session, Some(_)) => true,
                (Access::Rule(rule), Some(u)) => rule(u),
            }
        }
    }

    fn can_see_queue(user: &CurrentUser) -> bool {
        !queue_statuses(user).is_empty()
    }

    fn keeps_the_fund(user: &CurrentUser) -> bool {
        user.has(Role::SocialWorker)
    }

    /// Every server function, by endpoint. A function missing here is refused to everybody by
    /// [`require`], and the policy-matrix test fails until it is listed.
    pub const FUNCTIONS: &[(&str, Access)] = &[
        ("/api/sign_in", Access::Public),
        ("/api/whoami", Access::Public),
        // Idempotent: a stale page signing out an already-ended session still clears its cookie.
        ("/api/sign_out", Access::Public),
        ("/api/mfa_status", Access::Session),
        ("/api/passkey_register_begin", Access::Session),
        ("/api/passkey_register_finish", Access::Session),
        ("/api/passkey_sign_in_begin", Access::Session),
        ("/api/passkey_sign_in_finish", Access::Session),
        ("/api/totp_enrol_begin", Access::Session),
        ("/api/totp_enrol_finish", Access::Session),
        ("/api/totp_sign_in", Access::Session),
        ("/api/department_settings", Access::SignedIn),
        ("/api/submit_request", Access::Rule(can_file_request)),
        ("/api/my_requests", Access::SignedIn),
        ("/api/request_queue", Access::Rule(can_see_queue)),
        ("/api/get_request", Access::SignedIn),
        ("/api/take_step", Access::SignedIn),
        ("/api/fund_overview", Access::Rule(can_view_fund)),
        ("/api/fund_move", Access::Rule(keeps_the_fund)),
        ("/api/count_cash", Access::Rule(can_count)),
        ("/api/monthly_report", Access::Rule(can_report)),
        ("/api/submit_monthly_report", Access::Rule(keeps_the_fund)),
        ("/api/search_audit", Access::Rule(can_audit)),
        ("/api/report_breach", Access::SignedIn),
        ("/api/list_breaches", Access::Rule(handles_breaches)),
        ("/api/get_breach", Access::Rule(handles_breaches)),
        ("/api/acknowledge_breach", Access::Rule(handles_breaches)),
        ("/api/list_people", Access::Rule(administers)),
        ("/api/create_account", Access::Rule(administers)),
        ("/api/set_roles", Access::Rule(administers)),
        ("/api/set_active", Access::Rule(administers)),
        ("/api/update_settings", Access::Rule(administers)),
        // Casework: clinical content, for the social workers of the unit alone.
        ("/api/save_client", Access::Rule(does_casework)),
        ("/api/list_clients", Access::Rule(does_casework)),
        ("/api/get_client", Access::Rule(does_casework)),
        ("/api/save_visit", Access::Rule(does_casework)),
        ("/api/sign_visit", Access::Rule(does_casework)),
        ("/api/add_addendum", Access::Rule(does_casework)),
        ("/api/add_personal_note", Access::Rule(does_casework)),
        ("/api/follow_ups_due", Access::Rule(does_casework)),
        // Consent, disclosure and clients' access to their records: the social workers alone.
        ("/api/release_file", Access::Rule(does_casework)),
        ("/api/save_consent", Access::Rule(does_casework)),
        ("/api/revoke_consent", Access::Rule(does_casework)),
        ("/api/disclose", Access::Rule(does_casework)),
        ("/api/record_access_request", Access::Rule(does_casework)),
        ("/api/review_access_request", Access::Rule(does_casework)),
        // Retention: the social workers propose and destroy, the Deputy Chief approves.
        ("/api/retention_overview", Access::Rule(reviews_retention)),
        ("/api/propose_disposal", Access::Rule(does_casework)),
        ("/api/approve_disposal", Access::Rule(approves_disposal)),
        ("/api/destroy_disposed", Access::Rule(does_casework)),
        // The unit's own records: kept by the social workers, read by the Deputy Chief.
        ("/api/unit_records", Access::Rule(reviews_unit)),
        ("/api/review_reminder", Access::Rule(reviews_unit)),
        ("/api/save_training", Access::Rule(does_casework)),
        ("/api/save_review", Access::Rule(does_casework)),
        ("/api/save_public_info", Access::Rule(does_casework)),
        // The offline outbox: each record is checked as if sent from its form.
        ("/api/sync_push", Access::SignedIn),
        ("/api/sync_pull", Access::SignedIn),
        ("/api/enrol_device", Access::SignedIn),
        ("/api/device_secret", Access::SignedIn),
        // A lost phone's session may be over: it still learns it was revoked (by its random id).
        ("/api/device_check", Access::Public),
        ("/api/revoke_devices", Access::Rule(administers)),
        // The Resource Directory is public information; referrals are casework.
        ("/api/list_agencies", Access::SignedIn),
        ("/api/save_agency", Access::Rule(does_casework)),
        ("/api/refer_client", Access::Rule(does_casework)),
        ("/api/referral_outcome", Access::Rule(does_casework)),
        ("/api/client_referrals", Access::Rule(does_casework)),
        ("/api/import_directory", Access::Rule(does_casework)),
        // "Has a social-services contact — call the social worker": yes or no, no content.
        ("/api/contact_check", Access::Rule(can_check_contact)),
    ];

    /// The access rule of an endpoint, if it has one.
    pub fn access(endpoint: &str) -> Option<Access> {
        FUNCTIONS
            .iter()
            .find(|(e, _)| *e == endpoint)
            .map(|(_, a)| *a)
    }

    /// May this person call this endpoint? Unknown endpoints: no.
    pub fn allows(endpoint: &str, user: Option<&CurrentUser>) -> bool {
        access(endpoint).is_some_and(|a| a.allows(user))
    }

    /// The server functions' gate: the signed-in person, if the endpoint lets them in.
    #[cfg(feature = "ssr")]
    pub fn require(endpoint: &str) -> Result<CurrentUser, crate::error::AppError> {
        let user = crate::auth::server::require_user()?;
        if allows(endpoint, Some(&user)) {
            Ok(user)
        } else {
            Err(crate::error::AppError::Forbidden)
        }
    }

    /// Filing the Appendix A form: any sworn or unit member who meets residents.
    pub fn can_file_request(user: &CurrentUser) -> bool {
        user.has(Role::Officer) || user.has(Role::Supervisor) || user.has(Role::SocialWorker)
    }

    /// The approval queue: the on-duty patrol supervisor (and those above the cap).
    pub fn can_review_requests(user: &CurrentUser) -> bool {
        user.has(Role::Supervisor) || user.has(Role::Chief) || user.has(Role::ChiefDesignee)
    }

    /// Which requests wait for this person: the supervisor decides submitted ones, the Chief (or a
    /// designee) those above the cap, the social worker disburses approved ones. Empty: no queue.
    pub fn queue_statuses(user: &CurrentUser) -> Vec<crate::funds::domain::RequestStatus> {
        use crate::funds::domain::RequestStatus;
        let mut s = Vec::new();
        if user.has(Role::Supervisor) {
            s.push(RequestStatus::Submitted);
        }
        if user.has(Role::Chief) || user.has(Role::ChiefDesignee) {
            s.push(RequestStatus::AwaitingChief);
        }
        if user.has(Role::SocialWorker) {
            s.push(RequestStatus::Approved);
        }
        s
    }

    /// Who receives breach reports and the list of people they could affect (directive 515-S: the
    /// Deputy Chief of Support Services).
    pub fn handles_breaches(user: &CurrentUser) -> bool {
        user.has(Role::DeputyChief)
    }

    /// Who reads and writes clinical records (clients, visits, assessments, notes): the police
    /// social workers of the unit, unit-wide. Nobody else, the administrator included.
    pub fn does_casework(user: &CurrentUser) -> bool {
        user.has(Role::SocialWorker)
    }

    /// Who sees the records past their retention period: the social workers (with names) and the
    /// Deputy Chief (kinds, keys and dates only).
    pub fn reviews_retention(user: &CurrentUser) -> bool {
        does_casework(user) || approves_disposal(user)
    }

    /// Who reads the unit's records (training, victim/witness reviews, public information) and is
    /// reminded of the review: the social workers and the Deputy Chief who directs the unit.
    pub fn reviews_unit(user: &CurrentUser) -> bool {
        does_casework(user) || user.has(Role::DeputyChief)
    }

    /// Who approves a disposal before anything is destroyed: the Deputy Chief of Support
    /// Services, who directs the unit (directive 515-S I.A).
    pub fn approves_disposal(user: &CurrentUser) -> bool {
        user.has(Role::DeputyChief)
    }

    /// Who may ask whether a person is known to the unit (and learns nothing more): those who
    /// meet residents.
    pub fn can_check_contact(user: &CurrentUser) -> bool {
        [Role::Officer, Role::Supervisor, Role::SocialWorker]
            .iter()
            .any(|r| user.has(*r))
    }

    /// Who manages accounts, roles and department settings (and sees no client content).
    pub fn administers(user: &CurrentUser) -> bool {
        user.has(Role::Administrator)
    }
    /// Who reads and exports the audit trail (nobody edits it).
    pub fn can_audit(user: &CurrentUser) -> bool {
        user.has(Role::Auditor)
    }

    /// Who may count the cash box: anyone who keeps or oversees it.
    pub fn can_count(user: &CurrentUser) -> bool {
        [
            Role::SocialWorker,
            Role::Supervisor,
            Role::Lieutenant,
            Role::DeputyChief,
            Role::Chief,
        ]
        .iter()
        .any(|r| user.has(*r))
    }

    /// Who may see the fund's books (amounts and request ids; no client names).
    pub fn can_view_fund(user: &CurrentUser) -> bool {
        can_count(user)
    }

    /// Who reads the monthly report (the social worker sends it to the Lieutenant).
    pub fn can_report(user: &CurrentUser) -> bool {
        [
            Role::SocialWorker,
            Role::Lieutenant,
            Role::DeputyChief,
            Role::Chief,
        ]
        .iter()
        .any(|r| user.has(*r))
    }

    /// Reading one request: its filer, and the people who decide on or disburse requests.
    /// The administrator, lieutenant and deputy chief do not read individual requests (they get
    /// aggregates), so the resident's details stay need-to-know.
    pub fn can_view_request(user: &CurrentUser, filed_by: &str) -> bool {
        user.id == filed_by || can_review_requests(user) || user.has(Role::SocialWorker)
    }
}

#[cfg(test)]
mod tests {
    use super::policy::*;
    use super::*;

    fn user(id: &str, roles: &[Role]) -> CurrentUser {
        CurrentUser {
            id: id.into(),
            username: id.into(),
            display_name: id.into(),
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn officers_see_only_their_own_requests() {
        let diaz = user("diaz", &[Role::Officer]);
        assert!(can_view_request(&diaz, "diaz"));
        assert!(!can_view_request(&diaz, "kim"));
        assert!(!can_review_requests(&diaz));
        assert!(can_file_request(&diaz));
    }

    #[test]
    fn supervisors_review_and_admins_see_nothing() {
        let sgt = user("sgt", &[Role::Supervisor]);
        assert!(can_review_requests(&sgt));
        assert!(can_view_request(&sgt, "diaz"));
        let admin = user("admin", &[Role::Administrator]);
        assert!(!can_view_request(&admin, "diaz"));
        assert!(!can_review_requests(&admin));
        assert!(!can_file_request(&admin));
        let lt = user("lt", &[Role::Lieutenant]);
        assert!(!can_view_request(&lt, "diaz"));
    }
}
