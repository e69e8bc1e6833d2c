//! What the `agent` admin commands do: each becomes one engine use case called as the local
//! operator, as chatwire's own admin API calls it. Agents are named by login or id.

use chatwire_engine::core::{AccountId, Agent, AgentId};
use chatwire_engine::{AdminAgentInput, AgentPatch, Engine};

use crate::admin::account_id;
use crate::cli::AgentCmd;
use crate::cli_admin::AgentRef;

async fn resolve(engine: &Engine, r: &AgentRef) -> anyhow::Result<(AccountId, AgentId)> {
    let account = account_id(&r.account)?;
    let agent = engine.agent_by_login_or_id(&account, &r.agent).await?;
    Ok((account, agent.id))
}

fn print_agent(a: &Agent) {
    println!(
        "{}\t{}\t{}\tmaxChats={}\t{}\t{}{}",
        a.id,
        a.login_name,
        a.nickname,
        a.max_chats.as_wire(),
        a.availability,
        if a.enabled { "enabled" } else { "disabled" },
        if a.is_admin { "\tadmin" } else { "" },
    );
}

pub(crate) async fn agent(engine: &Engine, cmd: &AgentCmd) -> anyhow::Result<()> {
    let by = engine.local_operator();
    match cmd {
        AgentCmd::Create(a) => {
            let input = AdminAgentInput {
                login_name: a.login.clone(),
                password: a.password.clone(),
                nickname: a.nickname.clone(),
                display_name: a.display_name.clone(),
                email: a.email.clone(),
                max_chats: a.max_chats,
                skills: a.skills.clone(),
                is_admin: a.admin,
            };
            let agent = engine
                .create_agent_as(&by, &account_id(&a.account)?, input)
                .await?;
            println!("created agent {} ({})", agent.id, agent.login_name);
        }
        AgentCmd::List { account } => {
            for a in engine.agents_as(&by, &account_id(account)?).await? {
                print_agent(&a);
            }
        }
        AgentCmd::Show(r) => {
            let (account, id) = resolve(engine, r).await?;
            print_agent(&engine.agent_as(&by, &account, id).await?);
        }
        AgentCmd::Update(u) => {
            let (account, id) = resolve(engine, &u.agent).await?;
            let patch = AgentPatch {
                login_name: u.login.clone(),
                nickname: u.nickname.clone(),
                display_name: u.display_name.clone(),
                email: u.email.clone(),
                max_chats: u.max_chats,
                skills: if u.no_skills {
                    Some(Vec::new())
                } else {
                    u.skills.clone()
                },
                is_admin: u.admin,
                enabled: None,
            };
            print_agent(&engine.update_agent_as(&by, &account, id, patch).await?);
        }
        AgentCmd::Disable(r) => {
            let (account, id) = resolve(engine, r).await?;
            print_agent(&engine.disable_agent_as(&by, &account, id).await?);
        }
        AgentCmd::Enable(r) => {
            let (account, id) = resolve(engine, r).await?;
            print_agent(&engine.enable_agent_as(&by, &account, id).await?);
        }
        AgentCmd::Delete(r) => {
            let (account, id) = resolve(engine, r).await?;
            engine.delete_agent_as(&by, &account, id).await?;
            println!("deleted agent {id}");
        }
        AgentCmd::Password { agent, password } => {
            let (account, id) = resolve(engine, agent).await?;
            match engine
                .reset_password_as(&by, &account, id, password.clone())
                .await?
            {
                Some(generated) => println!("{generated}"),
                None => println!("password set for agent {id}"),
            }
        }
    }
    Ok(())
}
