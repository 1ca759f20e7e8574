//! `call`: one signed call to any endpoint; its status, Content-Type and body.

use std::process::ExitCode;

use anyhow::bail;
use ecs_conformance::{
    Call, Client, Credentials, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Format, WireForm,
};

use super::args::parse_form;
use super::fail::Fail;

#[derive(clap::Args)]
pub struct CallArgs {
    /// The endpoint, e.g. http://127.0.0.1:8080.
    #[arg(long, env = "ECS_ENDPOINT", default_value = "http://127.0.0.1:8080")]
    pub endpoint: String,
    #[arg(long, env = "ALIBABA_CLOUD_ACCESS_KEY_ID", default_value = DEFAULT_ACCESS_KEY_ID)]
    pub access_key_id: String,
    #[arg(
        long,
        env = "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        default_value = DEFAULT_ACCESS_KEY_SECRET,
        hide_default_value = true,
        hide_env_values = true
    )]
    pub access_key_secret: String,
    /// Wire form: v1-get, v1-post-query, v1-post-form or v3.
    #[arg(long, default_value = "v1-get", value_parser = parse_form)]
    pub form: WireForm,
    /// Response format (xml or json); omitted, the endpoint's default applies.
    #[arg(long)]
    pub format: Option<Format>,
    /// The action, e.g. ResetDisk.
    pub action: String,
    /// Parameters as Name=Value.
    pub params: Vec<String>,
}

pub async fn exec(args: CallArgs) -> Result<ExitCode, Fail> {
    Ok(send(args).await?)
}

/// An error (exit status 1) when the call cannot be built or gets no answer.
async fn send(args: CallArgs) -> anyhow::Result<ExitCode> {
    let credentials = Credentials::new(args.access_key_id, args.access_key_secret);
    let client = Client::new(&args.endpoint, credentials)?;
    let mut call = Call::new(&args.action, args.form, args.format);
    for p in &args.params {
        let Some((name, value)) = p.split_once('=') else {
            bail!("parameter {p:?} is not of the form Name=Value");
        };
        call = call.param(name, value);
    }
    let response = client.send(&call).await?;
    println!("HTTP {} ({})", response.status, response.content_type);
    println!("{}", response.body);
    Ok(if (200..300).contains(&response.status) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
