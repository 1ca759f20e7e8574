//! How a full `api-docs.json` becomes the extract: its source's shape (what is read of it), the
//! reading, and the writing — one action per line, serialized from the model's types in their
//! field order, so the same input always gives the same bytes.

use serde::{Deserialize, Serialize};

use super::model::{
    Action, Directory, ErrorCode, Header, Ordered, Parameter, Schema, Success, or_default,
};

/// The extract's format, named in its header.
pub const FORMAT: &str = "ecs-conformance/metadata-extract/v1";
/// Where Alibaba Cloud publishes the ECS 2014-05-26 metadata.
pub const SOURCE_URL: &str =
    "https://api.aliyun.com/meta/v1/products/Ecs/versions/2014-05-26/api-docs.json";
/// The public archive of weekly snapshots the committed ones were taken from.
pub const ARCHIVE: &str =
    "github.com/dew-serverless/acs-metadata, en_us/ecs/2014-05-26/api-docs.json";
pub const PRODUCT: &str = "Ecs";
pub const VERSION: &str = "2014-05-26";

// --- The full api-docs.json, as published: read only, to be cut into the extract. ---

#[derive(Deserialize)]
struct Source {
    info: Info,
    #[serde(default)]
    directories: Vec<SourceDirectory>,
    apis: Ordered<SourceAction>,
}

#[derive(Deserialize)]
struct Info {
    product: String,
    version: String,
    #[serde(default)]
    style: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Child {
    Action(String),
    Directory(SourceDirectory),
}

#[derive(Deserialize)]
struct SourceDirectory {
    #[serde(default)]
    title: String,
    #[serde(default)]
    children: Vec<Child>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SourceAction {
    #[serde(default, deserialize_with = "or_default")]
    summary: String,
    #[serde(default, deserialize_with = "or_default")]
    methods: Vec<String>,
    #[serde(default, deserialize_with = "or_default")]
    deprecated: bool,
    #[serde(default, deserialize_with = "or_default")]
    system_tags: SystemTags,
    #[serde(default, deserialize_with = "or_default")]
    parameters: Vec<Parameter>,
    #[serde(default, deserialize_with = "or_default")]
    responses: Ordered<SourceResponse>,
    #[serde(default, deserialize_with = "or_default")]
    error_codes: Ordered<Vec<SourceError>>,
    #[serde(default, deserialize_with = "or_default")]
    response_demo: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SystemTags {
    operation_type: Option<String>,
    risk_type: Option<String>,
}

#[derive(Deserialize)]
struct SourceResponse {
    #[serde(default, deserialize_with = "or_default")]
    schema: Schema,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SourceError {
    error_code: String,
    error_message: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SourceDemo {
    #[serde(rename = "type")]
    format: String,
    #[serde(default, deserialize_with = "or_default")]
    example: String,
    #[serde(default, deserialize_with = "or_default")]
    error_example: String,
}

/// Why a file is not ECS 2014-05-26 metadata.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReadError {
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("not Alibaba Cloud API metadata (an api-docs.json with `info` and `apis`): {0}")]
    NotMetadata(String),
    #[error("the metadata of {0} {1}, not of {PRODUCT} {VERSION}")]
    OtherApi(String, String),
}

/// The metadata of a full `api-docs.json`: its header (with `snapshot` as given) and every
/// action, sorted by name.
pub fn read_source(json: &str, snapshot: &str) -> Result<(Header, Vec<Action>), ReadError> {
    let mut de = serde_json::Deserializer::from_str(json);
    let source: Source = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let at = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data if at == "." => ReadError::NotMetadata(
                format!("{inner}")
                    .split(" at line")
                    .next()
                    .unwrap_or("")
                    .to_owned(),
            ),
            serde_json::error::Category::Data => {
                ReadError::NotMetadata(format!("at {at}: {inner}"))
            }
            _ => ReadError::NotJson(inner.to_string()),
        }
    })?;
    de.end().map_err(|e| ReadError::NotJson(e.to_string()))?;
    if source.info.product != PRODUCT || source.info.version != VERSION {
        return Err(ReadError::OtherApi(
            source.info.product,
            source.info.version,
        ));
    }
    let mut directories = Vec::new();
    for d in &source.directories {
        flatten(d, "", &mut directories);
    }
    let mut actions: Vec<Action> = source
        .apis
        .0
        .into_iter()
        .map(|(name, a)| action(name, a))
        .collect::<Result<_, _>>()?;
    actions.sort_by(|a, b| a.name.cmp(&b.name));
    let header = Header {
        extract: FORMAT.into(),
        source: SOURCE_URL.into(),
        archive: ARCHIVE.into(),
        snapshot: snapshot.into(),
        product: source.info.product,
        version: source.info.version,
        style: source.info.style,
        actions: actions.len(),
        directories,
    };
    Ok((header, actions))
}

/// A directory and those within it, as `Parent / Child` titles, each with its own actions.
fn flatten(d: &SourceDirectory, parent: &str, out: &mut Vec<Directory>) {
    let title = if parent.is_empty() {
        d.title.clone()
    } else {
        format!("{parent} / {}", d.title)
    };
    let actions = d
        .children
        .iter()
        .filter_map(|c| match c {
            Child::Action(name) => Some(name.clone()),
            Child::Directory(_) => None,
        })
        .collect();
    out.push(Directory {
        title: title.clone(),
        actions,
    });
    for c in &d.children {
        if let Child::Directory(inner) = c {
            flatten(inner, &title, out);
        }
    }
}

fn action(name: String, a: SourceAction) -> Result<Action, ReadError> {
    let success = a
        .responses
        .0
        .into_iter()
        .find(|(status, _)| status.starts_with('2'))
        .map(|(status, r)| Success {
            status,
            schema: r.schema,
        });
    let mut response_demo = Ordered::default();
    let mut error_demo = Ordered::default();
    if !a.response_demo.trim().is_empty() {
        let demos: Vec<SourceDemo> = serde_json::from_str(&a.response_demo)
            .map_err(|e| ReadError::NotMetadata(format!("apis.{name}.responseDemo: {e}")))?;
        for d in demos {
            if !d.example.is_empty() {
                response_demo.0.push((d.format.clone(), d.example));
            }
            if !d.error_example.is_empty() {
                error_demo.0.push((d.format, d.error_example));
            }
        }
    }
    Ok(Action {
        name,
        deprecated: a.deprecated,
        summary: a.summary,
        operation_type: a.system_tags.operation_type,
        risk_type: a.system_tags.risk_type,
        methods: a.methods,
        parameters: a.parameters,
        success,
        error_codes: Ordered(
            a.error_codes
                .0
                .into_iter()
                .map(|(status, list)| {
                    let list = list
                        .into_iter()
                        .map(|e| ErrorCode {
                            code: e.error_code,
                            message: e.error_message,
                        })
                        .collect();
                    (status, list)
                })
                .collect(),
        ),
        response_demo,
        error_demo,
    })
}

/// The extract's text: the header line, then one line per action.
pub fn write(header: &Header, actions: &[Action]) -> String {
    let mut out = json_line(header);
    for a in actions {
        out.push_str(&json_line(a));
    }
    out
}

/// One JSON line. These types always serialize: string keys, strings, integers and booleans.
fn json_line<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string(v).expect("the extract's types serialize");
    s.push('\n');
    s
}
