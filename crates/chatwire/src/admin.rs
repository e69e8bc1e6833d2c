//! What the one-shot admin commands do (`account`, `skill`, `agent`, `app-key`): each parsed
//! subcommand becomes one engine call, and its result is printed for a person or a script.
//! Opening the database is [`crate::admin_open`]'s job; the command line is [`crate::cli`]'s.

use chatwire_engine::core::{AccountId, NewAppKey};
use chatwire_engine::{Engine, NewAgentInput, NewSkillInput};

use crate::cli::{AccountCmd, AgentCmd, AppKeyCmd, SkillCmd};

fn account_id(id: &str) -> anyhow::Result<AccountId> {
    AccountId::parse(id).map_err(|e| anyhow::anyhow!("{e}"))
}

pub(crate) async fn account(engine: &Engine, cmd: &AccountCmd) -> anyhow::Result<()> {
    match cmd {
        AccountCmd::Create { id, name } => {
            let account = engine.create_account(id, name).await?;
            println!("created account {}", account.id);
        }
        AccountCmd::List => {
            for id in engine.account_ids().await? {
                println!("{id}");
            }
        }
    }
    Ok(())
}

pub(crate) async fn skill(engine: &Engine, cmd: &SkillCmd) -> anyhow::Result<()> {
    match cmd {
        SkillCmd::Create {
            account,
            name,
            description,
            welcome,
        } => {
            let input = NewSkillInput {
                name: name.clone(),
                description: description.clone(),
                welcome_message: welcome.clone(),
            };
            let by = engine.local_operator();
            let skill = engine
                .create_skill_as(&by, &account_id(account)?, input)
                .await?;
            println!("created skill {} ({})", skill.id, skill.name);
        }
        SkillCmd::List { account } => {
            let by = engine.local_operator();
            for s in engine.skills_as(&by, &account_id(account)?).await? {
                println!("{}\t{}", s.id, s.name);
            }
        }
    }
    Ok(())
}

pub(crate) async fn agent(engine: &Engine, cmd: &AgentCmd) -> anyhow::Result<()> {
    match cmd {
        AgentCmd::Create(a) => {
            let nickname = a.nickname.clone().unwrap_or_else(|| a.login.clone());
            let input = NewAgentInput {
                login_name: a.login.clone(),
                password: a.password.clone(),
                display_name: a.display_name.clone().unwrap_or_else(|| nickname.clone()),
                nickname,
                email: a.email.clone(),
                max_chats: a.max_chats,
                skills: a.skills.clone(),
                is_admin: a.admin,
            };
            let agent = engine.create_agent(&account_id(&a.account)?, input).await?;
            println!("created agent {} ({})", agent.id, agent.login_name);
        }
        AgentCmd::List { account } => {
            for a in engine.agents(&account_id(account)?).await? {
                println!(
                    "{}\t{}\t{}\tmaxChats={}\t{}",
                    a.id,
                    a.login_name,
                    a.nickname,
                    a.max_chats.as_wire(),
                    a.availability
                );
            }
        }
    }
    Ok(())
}

pub(crate) async fn app_key(engine: &Engine, cmd: &AppKeyCmd) -> anyhow::Result<()> {
    let AppKeyCmd::Create {
        account,
        key,
        name,
        feed,
    } = cmd;
    let key = match key {
        Some(k) => k.clone(),
        None => engine.random_token(16)?,
    };
    let new = NewAppKey {
        key,
        account: account_id(account)?,
        name: name.clone(),
        can_read_feed: *feed,
        allowed_origins: Vec::new(),
    };
    let created = engine.create_app_key(&new).await?;
    println!("{}", created.key);
    Ok(())
}
