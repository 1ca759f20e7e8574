//! `call`: one signed call to any endpoint; its status, Content-Type and body.

use std::process::ExitCode;

use anyhow::bail;
use ecs_conformance::{Call, Client, Credentials};

use super::Fail;
use crate::CallArgs;

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
