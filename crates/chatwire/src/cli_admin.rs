//! The admin subcommands of the command line (clap definitions only): accounts, skills,
//! agents, visitor app keys and admin API tokens. What each does is [`crate::admin`]'s;
//! every one calls the same engine use case as chatwire's own admin API.

use clap::{Args, Subcommand};

/// Account commands.
#[derive(Debug, Subcommand)]
pub enum AccountCmd {
    /// Create an account.
    Create {
        /// Account id (`^[A-Za-z0-9_]{1,20}$`).
        id: String,
        /// Display name.
        #[arg(long, default_value = "")]
        name: String,
    },
    /// List accounts.
    List,
    /// Show one account.
    Show {
        /// Account id.
        id: String,
    },
    /// Change an account.
    Update {
        /// Account id.
        id: String,
        /// New display name.
        #[arg(long)]
        name: Option<String>,
    },
}

/// Skill commands.
#[derive(Debug, Subcommand)]
pub enum SkillCmd {
    /// Create a skill.
    Create {
        /// Account id.
        #[arg(long)]
        account: String,
        /// Skill name.
        name: String,
        /// Description.
        #[arg(long, default_value = "")]
        description: String,
        /// Welcome line sent when an agent accepts.
        #[arg(long, default_value = "")]
        welcome: String,
    },
    /// List an account's skills.
    List {
        /// Account id.
        #[arg(long)]
        account: String,
    },
    /// Change a skill.
    Update {
        /// Account id.
        #[arg(long)]
        account: String,
        /// The skill: name or id.
        skill: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New description.
        #[arg(long)]
        description: Option<String>,
        /// New welcome line.
        #[arg(long)]
        welcome: Option<String>,
    },
    /// Delete a skill (agents lose it; refused while an open chat is in it).
    Delete {
        /// Account id.
        #[arg(long)]
        account: String,
        /// The skill: name or id.
        skill: String,
    },
}

/// An agent of an account, by login name or id.
#[derive(Debug, Args)]
pub struct AgentRef {
    /// Account id.
    #[arg(long)]
    pub account: String,
    /// The agent: login name or id.
    pub agent: String,
}

/// Agent commands.
#[derive(Debug, Subcommand)]
pub enum AgentCmd {
    /// Create an agent.
    Create(NewAgentArgs),
    /// List an account's agents.
    List {
        /// Account id.
        #[arg(long)]
        account: String,
    },
    /// Show one agent.
    Show(AgentRef),
    /// Change an agent's record.
    Update(AgentUpdateArgs),
    /// Disable an agent: sessions end at once, open chats go back to the queue.
    Disable(AgentRef),
    /// Enable a disabled agent.
    Enable(AgentRef),
    /// Delete an agent who never handled a chat.
    Delete(AgentRef),
    /// Set an agent's password (generated and printed when not given); sessions end.
    Password {
        /// The agent.
        #[command(flatten)]
        agent: AgentRef,
        /// The new password (or CHATWIRE_AGENT_PASSWORD); generated when absent.
        #[arg(long, env = "CHATWIRE_AGENT_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

/// `agent create` flags.
#[derive(Debug, Args)]
pub struct NewAgentArgs {
    /// Account id.
    #[arg(long)]
    pub account: String,
    /// Login name.
    #[arg(long)]
    pub login: String,
    /// Password, 8 to 200 characters (or CHATWIRE_AGENT_PASSWORD, which keeps it out of the
    /// shell history).
    #[arg(long, env = "CHATWIRE_AGENT_PASSWORD", hide_env_values = true)]
    pub password: String,
    /// Name shown to visitors (defaults to the login).
    #[arg(long)]
    pub nickname: Option<String>,
    /// Name shown to colleagues (defaults to the nickname).
    #[arg(long)]
    pub display_name: Option<String>,
    /// E-mail address.
    #[arg(long, default_value = "")]
    pub email: String,
    /// Concurrent chat limit; -1 for unlimited.
    #[arg(long, default_value_t = -1, allow_negative_numbers = true)]
    pub max_chats: i32,
    /// Skill names (repeatable or comma-separated).
    #[arg(long = "skill", value_delimiter = ',')]
    pub skills: Vec<String>,
    /// Grant admin rights.
    #[arg(long)]
    pub admin: bool,
}

/// `agent update` flags: those given are changed.
#[derive(Debug, Args)]
pub struct AgentUpdateArgs {
    /// The agent.
    #[command(flatten)]
    pub agent: AgentRef,
    /// New login name.
    #[arg(long)]
    pub login: Option<String>,
    /// New nickname.
    #[arg(long)]
    pub nickname: Option<String>,
    /// New display name.
    #[arg(long)]
    pub display_name: Option<String>,
    /// New e-mail address (empty to clear).
    #[arg(long)]
    pub email: Option<String>,
    /// New chat limit; -1 for unlimited.
    #[arg(long, allow_negative_numbers = true)]
    pub max_chats: Option<i32>,
    /// Skills, replacing the present ones (repeatable or comma-separated).
    #[arg(long = "skill", value_delimiter = ',')]
    pub skills: Option<Vec<String>>,
    /// Remove every skill.
    #[arg(long, conflicts_with = "skills")]
    pub no_skills: bool,
    /// Grant (true) or withdraw (false) the admin right.
    #[arg(long)]
    pub admin: Option<bool>,
}

/// App key commands.
#[derive(Debug, Subcommand)]
pub enum AppKeyCmd {
    /// Create a visitor app key and print it.
    Create {
        /// Account id.
        #[arg(long)]
        account: String,
        /// The key (random when omitted).
        #[arg(long)]
        key: Option<String>,
        /// Label.
        #[arg(long, default_value = "")]
        name: String,
        /// Let the key read the account feed.
        #[arg(long)]
        feed: bool,
        /// Web origin allowed to use the key from a browser (repeatable or comma-separated).
        #[arg(long = "origin", value_delimiter = ',')]
        origins: Vec<String>,
    },
    /// List an account's app keys.
    List {
        /// Account id.
        #[arg(long)]
        account: String,
    },
    /// Change an app key.
    Update {
        /// Account id.
        #[arg(long)]
        account: String,
        /// The key.
        key: String,
        /// New label.
        #[arg(long)]
        name: Option<String>,
        /// Grant (true) or withdraw (false) the feed right.
        #[arg(long)]
        feed: Option<bool>,
        /// Allowed web origins, replacing the present ones.
        #[arg(long = "origin", value_delimiter = ',')]
        origins: Option<Vec<String>>,
        /// Remove every allowed origin.
        #[arg(long, conflicts_with = "origins")]
        no_origins: bool,
    },
    /// Revoke (delete) an app key: refused from the next request on.
    Revoke {
        /// Account id.
        #[arg(long)]
        account: String,
        /// The key.
        key: String,
    },
}

/// Admin API token commands.
#[derive(Debug, Subcommand)]
pub enum AdminTokenCmd {
    /// Create a token and print it (shown this once).
    Create {
        /// The account it manages; server-wide (every account) when omitted.
        #[arg(long)]
        account: Option<String>,
        /// Label.
        #[arg(long)]
        name: String,
    },
    /// List tokens (ids, never the tokens).
    List,
    /// Revoke a token by id: refused from the next request on, on every node.
    Revoke {
        /// Token id (from `list`).
        id: String,
    },
}
