//! Errors are data: every failure that reaches a person is one of these, crossing the wire as a
//! machine-readable code (and, for bad input, the field it concerns) and turned into a sentence on screen.
//! Causes of server faults are logged on the server (redacted) and never sent to the client.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// Why a field's value was refused. Serialized as `snake_case` (e.g. `"too_many_decimals"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Required,
    TooLong,
    NotANumber,
    NotAWholeNumber,
    MustBePositive,
    TooManyDecimals,
    AboveCeiling,
    OutOfRange,
    InvalidChoice,
    InvalidDate,
    DateInFuture,
    DateTooOld,
    InvalidPhone,
    InvalidId,
    WrongType,
    UnknownField,
    PasswordTooShort,
    PasswordTooLong,
    PasswordCommon,
    PasswordRepetitive,
    PasswordContainsUsername,
    /// A second-factor code that is wrong or was already used.
    WrongCode,
    /// A passkey answer that did not verify (or was replayed).
    PasskeyRefused,
    /// The enrolment expired or was never started.
    StartAgain,
    /// A value that must be at least another setting (the ceiling and the Chief's cap).
    BelowCap,
    /// The change would leave the department without an active administrator.
    LastAdministrator,
    /// That username is taken.
    UsernameTaken,
    /// Pick at least one.
    NoneChosen,
    InvalidDateTime,
    PinFormat,
    PinGuessable,
    WrongPin,
    PinMismatch,
    MissingColumn,
    /// A box the person must tick: they were told of a right (to inspect, to revoke).
    MustAcknowledge,
    DateInPast,
    /// An expiry before the signature.
    BeforeSigned,
    /// The witness of a signature must be somebody else than the signer.
    WitnessIsSigner,
}

impl ErrorCode {
    /// The human sentence shown under the field. `limit` carries the bound that was crossed, when any.
    pub fn message(self, limit: Option<&str>) -> String {
        let limit = limit.unwrap_or("");
        match self {
            ErrorCode::Required => "This field is required.".into(),
            ErrorCode::TooLong => format!("Too long: at most {limit} characters."),
            ErrorCode::NotANumber => "Enter an amount in dollars, like 20 or 12.50.".into(),
            ErrorCode::NotAWholeNumber => "Enter a whole number.".into(),
            ErrorCode::MustBePositive => "The amount must be more than $0.".into(),
            ErrorCode::TooManyDecimals => "Use at most two digits after the decimal point.".into(),
            ErrorCode::AboveCeiling => format!("The amount cannot be more than ${limit}."),
            ErrorCode::OutOfRange => format!("Must be between {limit}."),
            ErrorCode::InvalidChoice => "Choose one of the listed options.".into(),
            ErrorCode::InvalidDate => "Enter a date as YYYY-MM-DD.".into(),
            ErrorCode::DateInFuture => "The date cannot be in the future.".into(),
            ErrorCode::DateTooOld => format!("The date cannot be more than {limit} days ago."),
            ErrorCode::InvalidPhone => {
                "Enter a telephone number: digits, spaces, + - ( ) and at least 7 digits.".into()
            }
            ErrorCode::InvalidId => "The form's identifier is invalid; reload the page.".into(),
            ErrorCode::WrongType => "This value has the wrong type.".into(),
            ErrorCode::UnknownField => "This field is not part of the form.".into(),
            ErrorCode::PasswordTooShort => crate::auth::password::Problem::TooShort.message(),
            ErrorCode::PasswordTooLong => crate::auth::password::Problem::TooLong.message(),
            ErrorCode::PasswordCommon => crate::auth::password::Problem::Common.message(),
            ErrorCode::PasswordRepetitive => crate::auth::password::Problem::Repetitive.message(),
            ErrorCode::PasswordContainsUsername => {
                crate::auth::password::Problem::ContainsUsername.message()
            }
            ErrorCode::WrongCode => {
                "That code is wrong or was already used. Enter the code the app shows now.".into()
            }
            ErrorCode::PasskeyRefused => "The passkey could not be verified. Try again.".into(),
            ErrorCode::StartAgain => "This set-up expired. Start again.".into(),
            ErrorCode::BelowCap => {
                format!("Must be at least the Chief's approval cap (${limit}).")
            }
            ErrorCode::LastAdministrator => {
                "Haven needs at least one active administrator: give the role to someone else first."
                    .into()
            }
            ErrorCode::UsernameTaken => "That username is already taken.".into(),
            ErrorCode::NoneChosen => "Choose at least one.".into(),
            ErrorCode::InvalidDateTime => "Enter a date and a time.".into(),
            ErrorCode::PinFormat => "Use 6 to 12 digits.".into(),
            ErrorCode::PinGuessable => {
                "Too easy to guess: avoid one digit repeated and runs like 123456.".into()
            }
            ErrorCode::PinMismatch => "The two PINs differ.".into(),
            ErrorCode::MissingColumn => format!("The file has no \"{limit}\" column."),
            ErrorCode::MustAcknowledge => {
                "Tick this once the person has been told: the consent is not valid without it."
                    .into()
            }
            ErrorCode::DateInPast => "The date cannot be in the past.".into(),
            ErrorCode::BeforeSigned => "The expiry cannot come before the signature.".into(),
            ErrorCode::WitnessIsSigner => "The witness must be somebody else than the signer.".into(),
            ErrorCode::WrongPin => format!(
                "Wrong PIN. {limit} more wrong PIN(s) and this device's offline data is wiped."
            ),
        }
    }
}

/// The message every form shows under `field`, when one of `errors` refuses it.
pub fn message_for(errors: &[FieldError], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(FieldError::message)
}

/// One refused field: which field, why, and the bound when there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: ErrorCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: ErrorCode) -> Self {
        Self {
            field: field.into(),
            code,
            limit: None,
        }
    }

    pub fn with_limit(mut self, limit: impl Into<String>) -> Self {
        self.limit = Some(limit.into());
        self
    }

    pub fn message(&self) -> String {
        self.code.message(self.limit.as_deref())
    }
}

/// The error of every server function.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum AppError {
    /// Bad input: one entry per refused field.
    #[error("invalid input")]
    Invalid { fields: Vec<FieldError> },
    #[error("not signed in")]
    Unauthenticated,
    #[error("wrong username or password")]
    BadCredentials,
    #[error("not allowed")]
    Forbidden,
    /// Also answered for records the person may not see, so ids cannot be probed.
    #[error("not found")]
    NotFound,
    /// The same id was already used for different content: never a silent overwrite.
    #[error("conflict")]
    Conflict,
    /// A step on a request or the fund was refused by the rules (state, role, separation of duties,
    /// cash available…).
    #[error("refused")]
    Refused {
        refusal: crate::funds::lifecycle::TransitionError,
    },
    /// A change to a clinical note was refused (signed notes are locked; only the author edits a
    /// draft).
    #[error("note refused")]
    NoteRefused {
        refusal: crate::casework::domain::NoteRefusal,
    },
    /// A disclosure was refused: no consent in force covers it (NASW 1.07b, 740 ILCS 110/5).
    /// Nothing left the unit.
    #[error("disclosure refused")]
    DisclosureRefused {
        refusal: crate::disclosure::domain::DisclosureRefusal,
    },
    /// A retention step was refused (not due, own proposal, not approved yet…).
    #[error("disposal refused")]
    DisposalRefused {
        refusal: crate::retention::domain::DisposalRefusal,
    },
    /// This action (disbursing cash, exporting, disclosing) needs the person to confirm it is them
    /// again: their last proof of presence is too old.
    #[error("step-up re-authentication required")]
    StepUpRequired,
    /// A fault on the server; its cause is in the server log, not here.
    #[error("server error")]
    Internal,
    /// The request never reached our code (network, malformed call).
    #[error("transport: {message}")]
    Transport { message: String },
}

impl AppError {
    pub fn invalid(fields: Vec<FieldError>) -> Self {
        AppError::Invalid { fields }
    }

    /// The HTTP status the server answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid { .. } => 422,
            AppError::Unauthenticated | AppError::BadCredentials | AppError::StepUpRequired => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict => 409,
            AppError::Refused { refusal } => refusal.status(),
            AppError::NoteRefused { .. }
            | AppError::DisclosureRefused { .. }
            | AppError::DisposalRefused { .. } => 409,
            AppError::Internal => 500,
            AppError::Transport { .. } => 400,
        }
    }

    /// A sentence for a person.
    pub fn message(&self) -> String {
        match self {
            AppError::Invalid { fields } => {
                format!("Please correct the {} highlighted field(s).", fields.len())
            }
            AppError::Unauthenticated => "Your session has ended. Please sign in again.".into(),
            AppError::BadCredentials => "Wrong username or password.".into(),
            AppError::Forbidden => "You are not allowed to do this.".into(),
            AppError::NotFound => "Not found.".into(),
            AppError::Conflict => {
                "This record was already sent with different content. Nothing was overwritten."
                    .into()
            }
            AppError::Refused { refusal } => refusal.message(),
            AppError::NoteRefused { refusal } => refusal.message().into(),
            AppError::DisclosureRefused { refusal } => refusal.message(),
            AppError::DisposalRefused { refusal } => refusal.message().into(),
            AppError::StepUpRequired => "Confirm it's you to continue.".into(),
            AppError::Internal => "Something went wrong on the server. Please try again.".into(),
            AppError::Transport { .. } => {
                "Haven could not be reached. Nothing you typed was lost; try again.".into()
            }
        }
    }

    /// The field errors, if this is an input error.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            AppError::Invalid { fields } => fields,
            _ => &[],
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport {
            message: value.to_string(),
        }
    }
}

/// On the server: answer with the error's HTTP status (the server-fn default would be 500).
#[cfg(feature = "ssr")]
pub fn set_status(err: &AppError) {
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = http::StatusCode::from_u16(err.status()) {
            res.set_status(code);
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// A plain HTTP answer for handlers outside server functions.
    pub fn status_response(&self) -> axum::response::Response {
        use axum::response::IntoResponse;
        let code = http::StatusCode::from_u16(self.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        (code, self.message()).into_response()
    }
}

/// Replace everything quoted in a message (values a database echoes back) by `…`, so a log line never
/// carries what a person typed.
pub fn redact(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quote: Option<char> = None;
    for c in message.chars() {
        match quote {
            Some(q) if c == q => {
                out.push('…');
                out.push(c);
                quote = None;
            }
            Some(_) => {}
            None => {
                out.push(c);
                if matches!(c, '\'' | '"' | '`' | '⟨') {
                    quote = Some(if c == '⟨' { '⟩' } else { c });
                }
            }
        }
    }
    if quote.is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_quoted_values() {
        assert_eq!(
            redact("Found 'Maria Lopez' for field `name`, with record `fund_request:⟨x⟩`"),
            "Found '…' for field `…`, with record `…`"
        );
        assert_eq!(redact("unterminated 'secret"), "unterminated '…");
        assert_eq!(redact("no quotes"), "no quotes");
    }

    #[test]
    fn errors_cross_the_wire_as_codes() -> Result<(), serde_json::Error> {
        let err = AppError::invalid(vec![FieldError::new(
            "amount_requested",
            ErrorCode::AboveCeiling,
        )
        .with_limit("500")]);
        let json = serde_json::to_value(&err)?;
        assert_eq!(json["error"], "invalid");
        assert_eq!(json["fields"][0]["field"], "amount_requested");
        assert_eq!(json["fields"][0]["code"], "above_ceiling");
        let back: AppError = serde_json::from_value(json)?;
        assert_eq!(back, err);
        assert_eq!(err.status(), 422);
        Ok(())
    }

    #[test]
    fn every_code_has_a_sentence() {
        let m = ErrorCode::AboveCeiling.message(Some("500"));
        assert!(m.contains("$500"), "{m}");
        assert!(!ErrorCode::Required.message(None).is_empty());
    }
}
