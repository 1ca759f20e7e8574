//! Reading a world document (or any of the control API's documents): strict JSON, one object,
//! every list where the document has one, and an error that names the field at fault.

use serde::de::DeserializeOwned;

/// A world document that failed to load, naming the field at fault (`disks[0].status`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct WorldError {
    pub field: String,
    pub message: String,
}

impl WorldError {
    pub(super) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The fields of the world document (and the control API's) that hold lists. Anywhere else an
/// array is refused: serde would read one as a struct, field by field, and accept `["s", []]`.
const LIST_FIELDS: [&str; 8] = [
    "instances",
    "kms_keys",
    "disks",
    "snapshots",
    "released_disk_ids",
    "faults",
    "lock_reasons",
    "tags",
];

/// Refuses arrays where the document has no list, and lists of lists.
fn check_shape(value: &serde_json::Value, path: &str) -> Result<(), WorldError> {
    use serde_json::Value;
    let at = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match v {
                    Value::Array(items) if LIST_FIELDS.contains(&key.as_str()) => {
                        for (i, item) in items.iter().enumerate() {
                            let here = format!("{}[{i}]", at(key));
                            if item.is_array() {
                                return Err(WorldError::new(
                                    here,
                                    "expected an object or a value, found a list",
                                ));
                            }
                            check_shape(item, &here)?;
                        }
                    }
                    Value::Array(_) => {
                        return Err(WorldError::new(
                            at(key),
                            "expected an object or a value, found a list",
                        ));
                    }
                    v => check_shape(v, &at(key))?,
                }
            }
            Ok(())
        }
        Value::Array(_) if path.is_empty() => Err(WorldError::new(
            "(document)",
            "expected an object, found a list",
        )),
        _ => Ok(()),
    }
}

/// Deserializes a JSON document, reporting the path of the first field that does not fit. The
/// whole input must be one JSON object: trailing data is refused, and so is a list where the
/// document has none.
pub fn from_json<T: DeserializeOwned>(json: &[u8]) -> Result<T, WorldError> {
    let value: serde_json::Value =
        serde_json::from_slice(json).map_err(|e| WorldError::new("(document)", e.to_string()))?;
    check_shape(&value, "")?;
    // From the bytes, not the value: a key given twice is refused, as serde's derive does.
    let de = &mut serde_json::Deserializer::from_slice(json);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." || path == "?" {
            "(document)".to_owned()
        } else {
            path
        };
        WorldError::new(field, e.into_inner().to_string())
    })
}
