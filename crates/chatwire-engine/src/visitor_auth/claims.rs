//! The claims of a visitor token: `sub`, `iss`, and LivePerson's engagement attributes
//! (`lp_sdes`: a list of `{"type":"ctmrinfo","info":{…}}` and `{"type":"personal","personal":{…}}`
//! entries). Attributes of other kinds, and fields of the wrong type, are ignored: the token is
//! the account's, and what it cannot be read as is simply not shown.

use chatwire_core::AccountId;
use chatwire_core::identity::{
    AuthenticatedVisitor, Contact, CustomerInfo, DateParts, PersonalInfo,
};
use serde::Deserialize;
use serde_json::Value;

/// What a verified token is read as.
#[derive(Debug, Deserialize)]
pub(super) struct Claims {
    sub: String,
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    lp_sdes: Vec<Value>,
}

fn text(v: &Value, name: &str) -> Option<String> {
    match v.get(name)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn date(v: &Value, name: &str) -> Option<DateParts> {
    let d = v.get(name)?;
    let num = |k: &str| d.get(k).and_then(Value::as_i64);
    let (year, month, day) = (num("year")?, num("month")?, num("day")?);
    // LivePerson's samples send zeros for "unknown".
    if year == 0 || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(DateParts {
        year: i32::try_from(year).ok()?,
        month: u32::try_from(month).ok()?,
        day: u32::try_from(day).ok()?,
    })
}

fn customer(info: &Value) -> CustomerInfo {
    CustomerInfo {
        customer_id: text(info, "customerId"),
        status: text(info, "cstatus"),
        kind: text(info, "ctype"),
        balance: info
            .get("balance")
            .and_then(Value::as_f64)
            .map(|b| b.to_string()),
        social_id: text(info, "socialId"),
        imei: text(info, "imei"),
        user_name: text(info, "userName"),
        company_size: info.get("companySize").and_then(Value::as_i64),
        account_name: text(info, "accountName"),
        role: text(info, "role"),
        registration_date: date(info, "registrationDate"),
        last_payment_date: date(info, "lastPaymentDate"),
    }
}

fn personal(p: &Value) -> PersonalInfo {
    let contacts = p
        .get("contacts")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|c| Contact {
                    email: text(c, "email"),
                    phone: text(c, "phone"),
                })
                .filter(|c| c.email.is_some() || c.phone.is_some())
                .collect()
        })
        .unwrap_or_default();
    PersonalInfo {
        first_name: text(p, "firstname"),
        last_name: text(p, "lastname"),
        contacts,
    }
}

impl Claims {
    /// The visitor these claims describe, in `account`.
    pub(super) fn into_visitor(self, account: &AccountId) -> AuthenticatedVisitor {
        let mut who = AuthenticatedVisitor {
            participant_id: super::participant_id(account, &self.sub),
            subject: self.sub,
            issuer: self.iss,
            customer: None,
            personal: None,
        };
        for sde in &self.lp_sdes {
            match sde.get("type").and_then(Value::as_str) {
                Some("ctmrinfo") => who.customer = sde.get("info").map(customer),
                Some("personal") => who.personal = sde.get("personal").map(personal),
                _ => {}
            }
        }
        who
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn liveperson_attributes_are_read_and_unknown_ones_ignored() {
        let claims: Claims = serde_json::from_value(json!({
            "sub": "cust-1", "iss": "https://login.example.com",
            "lp_sdes": [
                {"type": "ctmrinfo", "info": {"cstatus": "cancelled", "ctype": "vip", "balance": -400.99,
                  "customerId": "138766AC", "companySize": 500,
                  "registrationDate": {"day": 23, "month": 5, "year": 2013},
                  "lastPaymentDate": {"day": 0, "month": 0, "year": 0}}},
                {"type": "personal", "personal": {"firstname": "Ada", "lastname": "L",
                  "contacts": [{"email": "ada@example.com"}, {}]}},
                {"type": "cart", "total": 11.7}
            ]
        }))
        .expect("claims");
        let account = AccountId::parse("1000").expect("account");
        let who = claims.into_visitor(&account);
        let c = who.customer.expect("customer");
        assert_eq!(c.status.as_deref(), Some("cancelled"));
        assert_eq!(c.balance.as_deref(), Some("-400.99"));
        assert_eq!(c.company_size, Some(500));
        assert_eq!(c.registration_date.map(|d| d.year), Some(2013));
        assert_eq!(c.last_payment_date, None, "zeros mean unknown");
        let p = who.personal.expect("personal");
        assert_eq!(p.contacts.len(), 1, "empty contacts are dropped");
        assert_eq!(
            who.participant_id,
            super::super::participant_id(&account, "cust-1")
        );
    }
}
