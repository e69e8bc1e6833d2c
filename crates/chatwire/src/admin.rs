//! What the one-shot admin commands do (`account`, `skill`, `app-key`, `admin-token`; agents
//! are in [`crate::admin_agents`]): each parsed subcommand becomes one engine use case, called
//! as the local operator (server-wide), and its result is printed for a person or a script.
//! Opening the database is [`crate::admin_open`]'s job; the command line is [`crate::cli`]'s.

use chatwire_engine::core::{Account, AccountId, AppKey};
use chatwire_engine::{AccountPatch, AppKeyInput, AppKeyPatch, Engine, NewSkillInput, SkillPatch};

pub(crate) use crate::admin_agents::agent;
use crate::cli::{AccountCmd, AdminTokenCmd, AppKeyCmd, SkillCmd};

pub(crate) fn account_id(id: &str) -> anyhow::Result<AccountId> {
    AccountId::parse(id).map_err(|e| anyhow::anyhow!("{e}"))
}

fn print_account(a: &Account) {
    println!("{}\t{}", a.id, a.name);
}

pub(crate) async fn account(engine: &Engine, cmd: &AccountCmd) -> anyhow::Result<()> {
    let by = engine.local_operator();
    match cmd {
        AccountCmd::Create { id, name } => {
            let account = engine.create_account_as(&by, id, name).await?;
            println!("created account {}", account.id);
        }
        AccountCmd::List => {
            for a in engine.accounts_as(&by).await? {
                println!("{}", a.id);
            }
        }
        AccountCmd::Show { id } => print_account(&engine.account_as(&by, &account_id(id)?).await?),
        AccountCmd::Update { id, name } => {
            let patch = AccountPatch { name: name.clone() };
            let a = engine
                .update_account_as(&by, &account_id(id)?, patch)
                .await?;
            print_account(&a);
        }
    }
    Ok(())
}

pub(crate) async fn skill(engine: &Engine, cmd: &SkillCmd) -> anyhow::Result<()> {
    let by = engine.local_operator();
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
            let skill = engine
                .create_skill_as(&by, &account_id(account)?, input)
                .await?;
            println!("created skill {} ({})", skill.id, skill.name);
        }
        SkillCmd::List { account } => {
            for s in engine.skills_as(&by, &account_id(account)?).await? {
                println!("{}\t{}", s.id, s.name);
            }
        }
        SkillCmd::Update {
            account,
            skill,
            name,
            description,
            welcome,
        } => {
            let account = account_id(account)?;
            let id = engine.skill_by_name_or_id(&account, skill).await?.id;
            let patch = SkillPatch {
                name: name.clone(),
                description: description.clone(),
                welcome_message: welcome.clone(),
            };
            let s = engine.update_skill_as(&by, &account, id, patch).await?;
            println!("{}\t{}", s.id, s.name);
        }
        SkillCmd::Delete { account, skill } => {
            let account = account_id(account)?;
            let id = engine.skill_by_name_or_id(&account, skill).await?.id;
            engine.delete_skill_as(&by, &account, id).await?;
            println!("deleted skill {id}");
        }
    }
    Ok(())
}

fn print_key(k: &AppKey) {
    println!(
        "{}\t{}\tfeed={}\torigins={}",
        k.key,
        k.name,
        k.can_read_feed,
        k.allowed_origins.join(",")
    );
}

pub(crate) async fn app_key(engine: &Engine, cmd: &AppKeyCmd) -> anyhow::Result<()> {
    let by = engine.local_operator();
    match cmd {
        AppKeyCmd::Create {
            account,
            key,
            name,
            feed,
            origins,
        } => {
            let input = AppKeyInput {
                key: key.clone(),
                name: name.clone(),
                can_read_feed: *feed,
                allowed_origins: origins.clone(),
            };
            let created = engine
                .create_app_key_as(&by, &account_id(account)?, input)
                .await?;
            println!("{}", created.key);
        }
        AppKeyCmd::List { account } => {
            for k in engine.app_keys_as(&by, &account_id(account)?).await? {
                print_key(&k);
            }
        }
        AppKeyCmd::Update {
            account,
            key,
            name,
            feed,
            origins,
            no_origins,
        } => {
            let patch = AppKeyPatch {
                name: name.clone(),
                can_read_feed: *feed,
                allowed_origins: if *no_origins {
                    Some(Vec::new())
                } else {
                    origins.clone()
                },
            };
            let k = engine
                .update_app_key_as(&by, &account_id(account)?, key, patch)
                .await?;
            print_key(&k);
        }
        AppKeyCmd::Revoke { account, key } => {
            engine
                .revoke_app_key_as(&by, &account_id(account)?, key)
                .await?;
            println!("revoked app key {key}");
        }
    }
    Ok(())
}

pub(crate) async fn admin_token(engine: &Engine, cmd: &AdminTokenCmd) -> anyhow::Result<()> {
    let by = engine.local_operator();
    match cmd {
        AdminTokenCmd::Create { account, name } => {
            let account = account.as_deref().map(account_id).transpose()?;
            let made = engine
                .create_admin_token_as(&by, account.as_ref(), name)
                .await?;
            eprintln!(
                "created admin token {} ({}); it is shown only now:",
                made.record.id,
                made.record
                    .account
                    .as_ref()
                    .map_or_else(|| "server-wide".to_owned(), |a| format!("account {a}"))
            );
            println!("{}", made.token);
        }
        AdminTokenCmd::List => {
            for t in engine.admin_tokens_as(&by).await? {
                let scope = t.account.map_or_else(|| "*".to_owned(), |a| a.to_string());
                println!("{}\t{}\t{}", t.id, scope, t.name);
            }
        }
        AdminTokenCmd::Revoke { id } => {
            engine.revoke_admin_token_as(&by, id).await?;
            println!("revoked admin token {id}");
        }
    }
    Ok(())
}
