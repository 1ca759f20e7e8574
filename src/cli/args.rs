//! How the commands read the values of their arguments: levels, editions, world modes, wire
//! forms.

use ecs_conformance::WireForm;
use ecs_conformance::contract::editions::Edition;
use ecs_conformance::evidence::Level;
use ecs_conformance::suite::WorldMode;

pub fn parse_level(s: &str) -> Result<Level, String> {
    s.parse()
}

pub fn parse_edition(s: &str) -> Result<&'static Edition, String> {
    ecs_conformance::contract::editions::named(s)
}

pub fn parse_world(s: &str) -> Result<WorldMode, String> {
    s.parse()
}

pub fn parse_form(s: &str) -> Result<WireForm, String> {
    match s {
        "v1-get" => Ok(WireForm::V1Get),
        "v1-post-query" => Ok(WireForm::V1PostQuery),
        "v1-post-form" => Ok(WireForm::V1PostForm),
        "v3" => Ok(WireForm::V3),
        _ => Err(format!(
            "unknown wire form {s:?}: expected v1-get, v1-post-query, v1-post-form or v3"
        )),
    }
}
