//! The authorization table: one row per route of the app (method, path template) and one per
//! SuperOffice agent method, saying who may call it. The matrix test fails on a route of
//! `chatwire_api::routes()` without a row, and on a row without a route.

/// Who may call a route, and so which intruders it is attacked with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Guard {
    /// Public by design; the reason is the row's documentation.
    Public(&'static str),
    /// Any agent of the account; touches no particular chat.
    Agent,
    /// An agent of the account acting on the fixture chat: a colleague with no part in it gets
    /// this status (and nothing of the chat).
    Chat(u16),
    /// Admins of the account only (a colleague gets 403).
    Admin,
    /// A login's own cookie and CSRF token (LivePerson refresh, logout).
    LoginCookie,
    /// A visitor app key of the account (and, for chat routes, the chat's secret key).
    AppKey,
    /// The account feed: an admin's bearer or an app key with the feed right.
    Feed,
    /// One chat's stream: its visitor's app key, or an agent who may read it.
    ChatStream,
    /// The SuperOffice agent method route: each method has its own row in [`METHODS`].
    Methods,
}

use Guard::{Admin, Agent, AppKey, Chat, ChatStream, Feed, LoginCookie, Methods, Public};

/// Routes outside the SuperOffice roots, by their full template.
#[rustfmt::skip]
pub(crate) const ROUTES: &[(&str, &str, Guard)] = &[
    ("GET", "/", Public("the landing page for people: names the server and its version")),
    ("GET", "/healthz", Public("load balancers probe it")),
    ("GET", "/metrics", Public("Prometheus scrapes it; counts only, no chat content (docs/operations.md: expose to monitoring only)")),
    ("GET", "/chatwire/v1/accounts/{account}/feed", Feed),
    ("GET", "/chatwire/v1/accounts/{account}/feed/stream", Feed),
    ("GET", "/chatwire/v1/accounts/{account}/chats/{chat}/stream", ChatStream),
    ("GET", "/chatwire/v1/accounts/{account}/mailbox", Admin),
    ("GET", "/chatwire/v1/openapi.json", Public("the API's description, generated from the code: routes and shapes, no data")),
    ("GET", "/chatwire/v1/docs", Public("the API's reference page, rendered from openapi.json")),
    ("GET", "/chatwire/v1/accounts/{account}/skills", Admin),
    ("POST", "/chatwire/v1/accounts/{account}/skills", Admin),
    ("GET", "/api/account/{account}/service/{service}/baseURI", Public("LivePerson domain lookup: names hosts only")),
    ("GET", "/csdr/account/{account}/service/baseURI", Public("LivePerson domain lookup: names hosts only")),
    ("GET", "/csdr/account/{account}/service/{service}/baseURI", Public("LivePerson domain lookup: names hosts only")),
    ("GET", "/csdr/account/{account}/service/{service}/baseURI.lpCsds", Public("LivePerson domain lookup: names hosts only")),
    ("POST", "/api/account/{account}/login", Public("the login itself")),
    ("POST", "/api/account/{account}/refresh", LoginCookie),
    ("POST", "/api/account/{account}/logout", LoginCookie),
    ("POST", "/api/account/{account}/chat/request", AppKey),
    ("GET", "/api/account/{account}", AppKey),
    ("POST", "/api/account/{account}/app/engagement/visitors", Public("engagement lookup before any key: answers the account's public engagement only")),
    ("POST", "/api/account/{account}/conversation", AppKey),
    ("GET", "/api/account/{account}/chat/availability", AppKey),
    ("GET", "/api/account/{account}/chat/availableSlots", AppKey),
    ("GET", "/api/account/{account}/chat/estimatedWaitTime", AppKey),
    ("GET", "/api/account/{account}/chat/preSurvey", AppKey),
    ("GET", "/api/account/{account}/chat/offlineSurvey", AppKey),
    ("PUT", "/api/account/{account}/chat/offlineSurvey", AppKey),
    ("GET", "/api/account/{account}/chat/{chat}", AppKey),
    ("GET", "/api/account/{account}/chat/{chat}/events", AppKey),
    ("POST", "/api/account/{account}/chat/{chat}/events", AppKey),
    ("GET", "/api/account/{account}/chat/{chat}/events/{event}", AppKey),
    ("GET", "/api/account/{account}/chat/{chat}/info", AppKey),
    ("GET", "/api/account/{account}/chat/{chat}/info/visitorName", AppKey),
    ("PUT", "/api/account/{account}/chat/{chat}/info/visitorName", AppKey),
    ("GET", "/api/account/{account}/chat/{chat}/info/visitorTyping", AppKey),
    ("PUT", "/api/account/{account}/chat/{chat}/info/visitorTyping", AppKey),
    ("GET", "/api/account/{account}/chat/{chat}/info/agentTyping", AppKey),
    ("GET", "/api/account/{account}/chat/{chat}/exitSurvey", AppKey),
    ("PUT", "/api/account/{account}/chat/{chat}/exitSurvey", AppKey),
    ("PUT", "/api/account/{account}/chat/{chat}/customVariables", AppKey),
    ("PUT", "/api/account/{account}/chat/{chat}/transcriptRequest", AppKey),
    ("PUT", "/api/account/{account}/chat/{chat}/transcriptWithSubjectRequest", AppKey),
    ("POST", "/api/account/{account}/agentSession", Agent),
    ("GET", "/api/account/{account}/agentSession/{asid}", Agent),
    ("GET", "/api/account/{account}/agentSession/{asid}/availability", Agent),
    ("PUT", "/api/account/{account}/agentSession/{asid}/availability", Agent),
    ("GET", "/api/account/{account}/agentSession/{asid}/availableAgents", Agent),
    ("GET", "/api/account/{account}/agentSession/{asid}/chat/availableSlots", Agent),
    ("GET", "/api/account/{account}/agentSession/{asid}/info", Agent),
    ("GET", "/api/account/{account}/agentSession/{asid}/incomingRequests", Agent),
    ("POST", "/api/account/{account}/agentSession/{asid}/incomingRequests", Agent),
    ("GET", "/api/account/{account}/agentSession/{asid}/chatSessions", Agent),
    // A multi-chat poll reports a foreign key inside its own entry, revealing nothing.
    ("GET", "/api/account/{account}/agentSession/{asid}/chat", Chat(200)),
    ("GET", "/api/account/{account}/agentSession/{asid}/chat/{chat}", Chat(403)),
    ("GET", "/api/account/{account}/agentSession/{asid}/chat/{chat}/events", Chat(403)),
    ("POST", "/api/account/{account}/agentSession/{asid}/chat/{chat}/events", Chat(403)),
    ("GET", "/api/account/{account}/agentSession/{asid}/chat/{chat}/info", Chat(403)),
    ("GET", "/api/account/{account}/agentSession/{asid}/chat/{chat}/info/visitorName", Chat(403)),
    ("GET", "/api/account/{account}/agentSession/{asid}/chat/{chat}/info/visitorTyping", Chat(403)),
    ("GET", "/api/account/{account}/agentSession/{asid}/chat/{chat}/info/agentTyping", Chat(403)),
    ("PUT", "/api/account/{account}/agentSession/{asid}/chat/{chat}/info/agentTyping", Chat(403)),
    ("GET", "/api/account/{account}/agentSession/{asid}/chat/{chat}/transfer", Chat(403)),
    ("POST", "/api/account/{account}/agentSession/{asid}/chat/{chat}/transfer", Chat(403)),
    ("GET", "/api/account/{account}/agentSession/{asid}/chat/{chat}/collaborationChannels", Chat(403)),
    ("POST", "/api/account/{account}/agentSession/{asid}/chat/{chat}/collaborationChannels", Chat(403)),
    ("DELETE", "/api/account/{account}/agentSession/{asid}/chat/{chat}/collaborationChannels/{channel}", Chat(403)),
    ("GET", "/api/account/{account}/agentSession/{asid}/chat/{chat}/transferAccount", Chat(403)),
    ("POST", "/api/account/{account}/agentSession/{asid}/chat/{chat}/transferAccount", Chat(403)),
    ("GET", "/api/account/{account}/agentSession/{asid}/chat/{chat}/events/{event}", Chat(403)),
    ("GET", "/api/account/{account}/agentSession/{asid}/chat/{chat}/survey", Chat(403)),
    ("PUT", "/api/account/{account}/agentSession/{asid}/chat/{chat}/survey", Chat(403)),
    ("GET", "/api/account/{account}/agentSession/{asid}/participantExtendedInfo/{participant}", Chat(404)),
    ("GET", "/api/account/{account}/agentSession/{asid}/visits/visit/{visit}", Chat(404)),
    ("GET", "/api/account/{account}/agentSession/{asid}/visits/visit/{visit}/info", Chat(404)),
    ("GET", "/api/account/{account}/agentSession/{asid}/visits/visit/{visit}/customVariables", Chat(404)),
];

/// SuperOffice routes, below either root (`/api/v1`, `/{account}/api/v1`).
#[rustfmt::skip]
pub(crate) const SO_ROUTES: &[(&str, &str, Guard)] = &[
    ("POST", "/Agents/Chat/{method}", Methods),
    ("GET", "/Agents/Chat/{method}", Public("describes a method, as SuperOffice does; calls nothing")),
    ("GET", "/ChatSession", Agent),
    ("POST", "/ChatSession", Chat(403)),
    ("GET", "/ChatSession/default", Agent),
    ("GET", "/ChatSession/ForCurrentUser", Agent),
    ("POST", "/ChatSession/Pickup", Agent),
    ("GET", "/ChatSession/{id}", Chat(403)),
    ("PUT", "/ChatSession/{id}", Chat(403)),
    ("PATCH", "/ChatSession/{id}", Chat(403)),
    ("DELETE", "/ChatSession/{id}", Chat(403)),
    ("POST", "/ChatSession/{id}/TransferTo/{to}", Chat(403)),
    ("POST", "/ChatSession/{id}/AcceptTransfer", Chat(403)),
    ("POST", "/ChatSession/{id}/RejectTransfer", Chat(403)),
    // A colleague of the chat's skill who lost the race to pick it up learns only `null`.
    ("POST", "/ChatSession/{id}/Pickup", Chat(200)),
    ("POST", "/ChatSession/{id}/Reset", Chat(403)),
    ("POST", "/ChatSession/{id}/Transcript", Chat(403)),
    ("GET", "/ChatSession/{id}/Messages", Chat(403)),
    ("POST", "/ChatSession/{id}/Messages", Chat(403)),
    ("POST", "/ChatTopic", Admin),
    ("GET", "/ChatTopic/default", Agent),
    ("GET", "/ChatTopic/ForCurrentUser", Agent),
    ("GET", "/ChatTopic/UserAgents", Agent),
    ("GET", "/ChatTopic/{id}", Agent),
    ("PUT", "/ChatTopic/{id}", Admin),
    ("PATCH", "/ChatTopic/{id}", Admin),
    ("DELETE", "/ChatTopic/{id}", Admin),
    ("GET", "/ChatTopic/{id}/Sessions", Agent),
    ("POST", "/ChatTopic/{id}/Sessions", Agent),
    ("GET", "/ChatTopic/{id}/IsOpen", Agent),
    ("GET", "/ChatTopic/{id}/UserAgent", Agent),
    ("PUT", "/ChatTopic/{id}/UserAgent", Admin),
    ("POST", "/ChatTopic/{id}/UserAgent", Admin),
    ("GET", "/ChatTopic/{id}/UserAgent/{user}", Agent),
    ("PUT", "/ChatTopic/{id}/UserAgent/{user}", Admin),
    ("DELETE", "/ChatTopic/{id}/UserAgent/{user}", Admin),
    ("GET", "/Presence/GetAll", Agent),
    ("POST", "/Presence/SaveAll", Agent),
    ("GET", "/ChatPresence/GetAll", Agent),
    ("POST", "/ChatPresence/SaveAll", Agent),
    ("ANY", "/{*rest}", Public("an unknown resource: 404 for everyone")),
];

/// The SuperOffice agent methods (`POST …/Agents/Chat/{method}`).
pub(crate) const METHODS: &[(&str, Guard)] = &[
    ("GetChatPresence", Agent),
    ("SaveChatPresence", Agent),
    ("CreateDefaultChatSessionEntity", Agent),
    ("SaveChatSessionEntity", Chat(403)),
    ("DeleteChatSessionEntity", Chat(403)),
    ("GetChatSessionEntity", Chat(403)),
    ("ChatSessionsForUser", Agent),
    ("TransferChatSession", Chat(403)),
    ("AcceptChatSessionTransfer", Chat(403)),
    ("RejectChatSessionTransfer", Chat(403)),
    ("PickUpChatSession", Chat(200)),
    ("PickUpFirstChatSession", Agent),
    ("ResetChatSession", Chat(403)),
    ("GetChatTranscript", Chat(403)),
    ("GetChatMessages", Chat(403)),
    ("AddChatMessage", Chat(403)),
    ("CreateDefaultChatTopicAgent", Agent),
    ("CreateDefaultChatTopicEntity", Agent),
    ("SaveChatTopicEntity", Admin),
    ("DeleteChatTopicEntity", Admin),
    ("GetChatTopicEntity", Agent),
    ("IsWithinOpeningHours", Agent),
    ("ChatTopicsForUser", Agent),
    ("GetUserAgentList", Agent),
    ("GetChatTopicUserAgentList", Agent),
    ("GetChatTopicUserAgent", Agent),
    ("AddChatTopicUserAgent", Admin),
    ("UpdateChatTopicUserAgent", Admin),
    ("UpdateChatTopicUserAgents", Admin),
    ("DeleteChatTopicUserAgent", Admin),
    ("CreateChatSessionForTopic", Agent),
];

/// The roots every SuperOffice route exists under.
pub(crate) const SO_ROOTS: [&str; 2] = ["/api/v1", "/{account}/api/v1"];
