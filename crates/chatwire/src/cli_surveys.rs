//! `chatwire survey …`: survey definitions from the command line, through the same engine use
//! cases and the same JSON document as the admin API (`/chatwire/v1/accounts/{a}/surveys`).

use std::path::PathBuf;

use anyhow::Context as _;
use chatwire_api::own::surveys::SurveyDto;
use chatwire_engine::Engine;
use chatwire_engine::core::AccountId;
use clap::Subcommand;

/// Survey commands.
#[derive(Debug, Subcommand)]
pub enum SurveyCmd {
    /// Define a survey from a JSON document (the admin API's survey body; see docs/api.md).
    Create {
        /// Account id.
        #[arg(long)]
        account: String,
        /// The JSON document (`-` for standard input).
        #[arg(long)]
        file: PathBuf,
    },
    /// List an account's surveys: id, kind, name, skill, active.
    List {
        /// Account id.
        #[arg(long)]
        account: String,
    },
    /// Print one survey's JSON document.
    Show {
        /// Account id.
        #[arg(long)]
        account: String,
        /// Survey id.
        id: i64,
    },
    /// Replace a survey's definition with a JSON document.
    Update {
        /// Account id.
        #[arg(long)]
        account: String,
        /// Survey id.
        id: i64,
        /// The JSON document (`-` for standard input).
        #[arg(long)]
        file: PathBuf,
    },
    /// Delete a survey nobody has answered (deactivate answered ones with `update`).
    Delete {
        /// Account id.
        #[arg(long)]
        account: String,
        /// Survey id.
        id: i64,
    },
}

fn account_id(id: &str) -> anyhow::Result<AccountId> {
    AccountId::parse(id).map_err(|e| anyhow::anyhow!("{e}"))
}

fn read_document(file: &PathBuf) -> anyhow::Result<SurveyDto> {
    let text = if file.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).context("reading standard input")?
    } else {
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?
    };
    SurveyDto::from_json_text(&text).map_err(|e| match e.field() {
        Some(field) => anyhow::anyhow!("{}: {field}: {}", file.display(), e.message()),
        None => anyhow::anyhow!("{}: {}", file.display(), e.message()),
    })
}

/// Runs one survey command.
pub(crate) async fn survey(engine: &Engine, cmd: &SurveyCmd) -> anyhow::Result<()> {
    let by = engine.local_operator();
    match cmd {
        SurveyCmd::Create { account, file } => {
            let account = account_id(account)?;
            let survey = read_document(file)?.into_survey(&account);
            let created = engine.create_survey_as(&by, &account, survey).await?;
            println!("created survey {} ({})", created.id, created.name);
        }
        SurveyCmd::List { account } => {
            for s in engine.surveys_as(&by, &account_id(account)?).await? {
                let dto = SurveyDto::from(&s);
                let kind = format!("{:?}", dto.kind);
                let skill = s.skill.map_or_else(|| "-".to_owned(), |k| k.0.to_string());
                println!(
                    "{}\t{kind}\t{}\tskill={skill}\tactive={}",
                    s.id, s.name, s.active
                );
            }
        }
        SurveyCmd::Show { account, id } => {
            let s = engine.survey_as(&by, &account_id(account)?, *id).await?;
            println!("{}", SurveyDto::from(&s).to_json_text());
        }
        SurveyCmd::Update { account, id, file } => {
            let account = account_id(account)?;
            let survey = read_document(file)?.into_survey(&account);
            let stored = engine.update_survey_as(&by, &account, *id, survey).await?;
            println!("updated survey {} ({})", stored.id, stored.name);
        }
        SurveyCmd::Delete { account, id } => {
            engine
                .delete_survey_as(&by, &account_id(account)?, *id)
                .await?;
            println!("deleted survey {id}");
        }
    }
    Ok(())
}
