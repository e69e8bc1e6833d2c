//! LivePerson helpers for end-to-end tests: one function per call, over real HTTP.

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE, LOCATION};
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// A logged-in agent with an agent session.
pub(crate) struct Agent {
    pub(crate) bearer: String,
    pub(crate) csrf: String,
    pub(crate) cookie: String,
    /// `…/api/account/1000/agentSession/{asid}`.
    pub(crate) session: String,
}

pub(crate) const ACCOUNT: &str = "/api/account/1000";

impl TestApp {
    /// Sends `method url` with an optional JSON body and the agent's bearer.
    pub(crate) async fn lp(
        &self,
        method: Method,
        url: &str,
        bearer: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let url = if url.starts_with("http") {
            url.to_owned()
        } else {
            format!("{}{url}", self.address)
        };
        let mut req = self
            .client
            .request(method, url)
            .header(ACCEPT, "application/json");
        if let Some(b) = bearer {
            req = req.header(AUTHORIZATION, format!("Bearer {b}"));
        }
        if let Some(body) = body {
            req = req
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        req.send().await.expect("request")
    }

    /// `POST /login` as a demo agent.
    pub(crate) async fn lp_login_raw(&self, user: &str, password: &str) -> Response {
        self.lp(
            Method::POST,
            &format!("{ACCOUNT}/login??v=1&NC=true"),
            None,
            Some(json!({"username": user, "password": password})),
        )
        .await
    }

    /// Logs in, opens an agent session and goes Online.
    pub(crate) async fn lp_agent(&self, user: &str) -> Agent {
        let resp = self.lp_login_raw(user, "demo-pass").await;
        assert_eq!(resp.status(), 200);
        let cookie = resp
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|c| c.split(';').next())
            .expect("cookie")
            .to_owned();
        let login: Value = resp.json().await.expect("login json");
        let bearer = login["bearer"].as_str().expect("bearer").to_owned();
        let csrf = login["csrf"].as_str().expect("csrf").to_owned();
        let resp = self
            .lp(
                Method::POST,
                &format!("{ACCOUNT}/agentSession?v=1&NC=true"),
                Some(&bearer),
                Some(json!({"loginData": {}})),
            )
            .await;
        assert_eq!(resp.status(), 201);
        let session = resp
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .expect("location")
            .to_owned();
        let agent = Agent {
            bearer,
            csrf,
            cookie,
            session,
        };
        let avail = self
            .client
            .post(format!("{}/availability.json?v=1&NC=true", agent.session))
            .header(AUTHORIZATION, format!("Bearer {}", agent.bearer))
            .header("X-HTTP-Method-Override", "PUT")
            .body(r#"{"availability":{"chat":"Online"}}"#)
            .send()
            .await
            .expect("availability");
        assert_eq!(avail.status(), 200);
        agent
    }

    /// A visitor requests a chat; returns the chat URL (`Location`).
    pub(crate) async fn lp_request_chat(&self, skill: &str) -> String {
        let resp = self
            .client
            .post(format!(
                "{}{ACCOUNT}/chat/request?v=1&NC=true",
                self.address
            ))
            .header(AUTHORIZATION, "LivePerson appKey=demo-app-key")
            .json(&json!({"request": {"skill": skill, "preChatLines": {"line": ["order #42"]}}}))
            .send()
            .await
            .expect("chat request");
        assert_eq!(resp.status(), 201);
        resp.headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .expect("location")
            .to_owned()
    }

    /// GET as the agent, returning status and JSON.
    pub(crate) async fn lp_get(&self, agent: &Agent, url: &str) -> (u16, Value) {
        let resp = self.lp(Method::GET, url, Some(&agent.bearer), None).await;
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// POST JSON as the agent, returning status, `Location` and JSON.
    pub(crate) async fn lp_post(
        &self,
        agent: &Agent,
        url: &str,
        body: Value,
    ) -> (u16, Option<String>, Value) {
        let resp = self
            .lp(Method::POST, url, Some(&agent.bearer), Some(body))
            .await;
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (status, location, resp.json().await.unwrap_or(Value::Null))
    }

    /// Raw request with a cookie (refresh/logout).
    pub(crate) async fn lp_with_cookie(
        &self,
        path: &str,
        cookie: Option<&str>,
        body: Value,
    ) -> Response {
        let mut req = self
            .client
            .post(format!("{}{path}", self.address))
            .json(&body);
        if let Some(c) = cookie {
            req = req.header(COOKIE, c);
        }
        req.send().await.expect("request")
    }
}

/// The chat key at the end of a chat URL.
pub(crate) fn key_of(url: &str) -> &str {
    url.rsplit('/').next().expect("key")
}
