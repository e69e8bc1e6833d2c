//! Authenticated visitors: who a verified token says the visitor is. Only the engine makes an
//! [`AuthenticatedVisitor`], after checking the token's signature with a key configured for the
//! account; a chat request that carries none (or one that the account has no key for) stays
//! anonymous, whatever ids it sends.
//!
//! The fields are LivePerson's "engagement attributes" (`lp_sdes`) of the customer-info
//! (`ctmrinfo`) and personal (`personal`) kinds, the ones its participant info
//! (`participantExtendedInfo`) reports.

use serde::{Deserialize, Serialize};

/// A calendar date as LivePerson's attributes carry it (`{"day","month","year"}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateParts {
    /// Year, e.g. 2013.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
}

/// Customer info (`ctmrinfo`): what the account's login system says of its customer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomerInfo {
    /// `customerId`.
    pub customer_id: Option<String>,
    /// `cstatus` (shown as `customerStatus`).
    pub status: Option<String>,
    /// `ctype` (shown as `customerType`).
    pub kind: Option<String>,
    /// `balance`, kept as the decimal text the token held (a float would lose `Eq`).
    pub balance: Option<String>,
    /// `socialId`.
    pub social_id: Option<String>,
    /// `imei`.
    pub imei: Option<String>,
    /// `userName`.
    pub user_name: Option<String>,
    /// `companySize`.
    pub company_size: Option<i64>,
    /// `accountName`.
    pub account_name: Option<String>,
    /// `role`.
    pub role: Option<String>,
    /// `registrationDate`.
    pub registration_date: Option<DateParts>,
    /// `lastPaymentDate`.
    pub last_payment_date: Option<DateParts>,
}

/// One way to reach the customer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Contact {
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
}

/// Personal info (`personal`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonalInfo {
    /// `firstname` (shown as `name`).
    pub first_name: Option<String>,
    /// `lastname` (shown as `surname`).
    pub last_name: Option<String>,
    /// `contacts`.
    pub contacts: Vec<Contact>,
}

/// A visitor whose token was verified: its subject, the participant id derived from it, and
/// the attributes it carried.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthenticatedVisitor {
    /// The token's `sub`: the account's own id of its customer.
    pub subject: String,
    /// The token's `iss`, when it had one.
    pub issuer: Option<String>,
    /// The participant id (a GUID) this subject always gets in this account.
    pub participant_id: String,
    /// Customer info, when the token had a `ctmrinfo` attribute.
    pub customer: Option<CustomerInfo>,
    /// Personal info, when the token had a `personal` attribute.
    pub personal: Option<PersonalInfo>,
}
