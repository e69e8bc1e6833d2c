//! A chat's collaboration channels (rel `collaboration-channels`; undocumented by LivePerson,
//! so the shape is chatwire's, docs/liveperson.md): one channel per supervisor taking part,
//! named by the supervisor's agent id, with their mode (`listen` or `write`).

use chatwire_engine::core::Chat;

use super::{Shape, View};
use crate::liveperson::wire::Elem;

/// `collaborationChannels`: `[self]` and the channels (always a list).
#[derive(Debug, Clone, Copy)]
pub struct CollaborationChannels<'a> {
    /// The chat.
    pub chat: &'a Chat,
    /// `…/chat/{chatId}/collaborationChannels`.
    pub url: &'a str,
}

impl View for CollaborationChannels<'_> {
    fn render(&self) -> Elem {
        let channels = self.chat.collaborators.iter().map(|c| {
            let id = c.agent.id.0.to_string();
            Elem::new("channel")
                .child(Elem::link(format!("{}/{id}", self.url), "self"))
                .field("id", id)
                .field("agentId", c.agent.id.0)
                .field("agentName", c.agent.name.clone())
                .field("mode", c.mode.as_str())
        });
        Elem::new("collaborationChannels")
            .child(Elem::link(self.url.to_owned(), "self"))
            .children(channels)
    }

    fn shape(&self) -> Shape {
        Shape::listing(&["channel"])
    }
}
