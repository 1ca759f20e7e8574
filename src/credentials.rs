//! Credentials as Alibaba Cloud users keep them, found in the order the official credential chain
//! uses (docs/credentials.md): the environment (`ALIBABA_CLOUD_ACCESS_KEY_ID`,
//! `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, `ALIBABA_CLOUD_SECURITY_TOKEN`), then the Alibaba Cloud
//! CLI's `~/.aliyun/config.json` (modes `AK` and `StsToken`), then the SDKs' INI file
//! (`ALIBABA_CLOUD_CREDENTIALS_FILE`, else `~/.alibabacloud/credentials`, else
//! `~/.alibabacloud/credentials.ini`; type `access_key`). A profile is named by `--profile`, else
//! `ALIBABA_CLOUD_PROFILE`, else the CLI file's `current` (`default` in the INI file).
//!
//! [`choose`] owns the whole order a run follows, the command line first and the mock's own key
//! pair last; [`resolve`] is its part over the environment and the files.
//!
//! The environment and the home directory are passed in, so the chain is tested without touching
//! the real ones. Errors name files and profiles, never a secret.

use std::path::{Path, PathBuf};

use crate::client::Credentials;
use crate::mock::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};

/// Where credentials were found, for the run's first line (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub credentials: Credentials,
    pub source: String,
}

/// What the command line says about credentials: its flags, or the environment variables the
/// command line reads in their place (`ALIBABA_CLOUD_ACCESS_KEY_ID`, `_SECRET`,
/// `_SECURITY_TOKEN`). No `Debug`: it may hold a secret.
#[derive(Clone, Default)]
pub struct Given {
    pub access_key_id: Option<String>,
    pub access_key_secret: Option<String>,
    /// A file whose first line is the secret (`--access-key-secret-file`).
    pub access_key_secret_file: Option<PathBuf>,
    pub security_token: Option<String>,
    /// `--profile`: skips the command line's key pair for that profile of the files.
    pub profile: Option<String>,
}

/// The key pair a run signs with, in docs/credentials.md's order: the command line or the
/// environment (both halves, or neither; skipped when a profile is named), then the CLI's and the
/// SDKs' files ([`resolve`]), then the mock's own key pair. `Err` is the message for the user.
pub fn choose(
    given: &Given,
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&Path>,
) -> Result<Found, String> {
    let file_secret = given
        .access_key_secret_file
        .as_deref()
        .map(read_secret_file)
        .transpose()?;
    let secret = given.access_key_secret.clone().or(file_secret);
    let found = match (
        given.access_key_id.clone(),
        secret,
        given.profile.as_deref(),
    ) {
        (Some(id), Some(secret), None) => {
            let mut credentials = Credentials::new(id, secret);
            if let Some(token) = given.security_token.clone() {
                credentials = credentials.with_security_token(token);
            }
            Some(Found {
                credentials,
                source: "the command line or the environment".into(),
            })
        }
        (Some(_), None, None) | (None, Some(_), None) => {
            return Err("give both an access key id and its secret (--access-key-id and --access-key-secret, or ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET)".into());
        }
        (_, _, profile) => resolve(profile, env, home)?,
    };
    Ok(found.unwrap_or_else(|| Found {
        credentials: Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET),
        source: "the mock's default key pair".into(),
    }))
}

/// A secret from a file: its first line, trimmed; the file's contents never appear in an error.
pub fn read_secret_file(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read the secret file {}: {}",
            path.display(),
            e.kind()
        )
    })?;
    Ok(text.lines().next().unwrap_or_default().trim().to_owned())
}

/// Resolves credentials. `env` reads an environment variable; `home` is the user's home.
/// `Ok(None)`: nothing anywhere (the caller may fall back to the mock's own key pair).
pub fn resolve(
    profile: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&Path>,
) -> Result<Option<Found>, String> {
    let get = |name: &str| env(name).filter(|v| !v.is_empty());
    // 1. The environment: both halves of a key pair, or neither.
    match (
        get("ALIBABA_CLOUD_ACCESS_KEY_ID"),
        get("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
    ) {
        (Some(id), Some(secret)) if profile.is_none() => {
            let mut c = Credentials::new(id, secret);
            if let Some(token) = get("ALIBABA_CLOUD_SECURITY_TOKEN") {
                c = c.with_security_token(token);
            }
            return Ok(Some(Found {
                credentials: c,
                source: "the environment".into(),
            }));
        }
        (Some(_), None) | (None, Some(_)) if profile.is_none() => {
            return Err("ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET must be set together".into());
        }
        _ => {}
    }
    let profile = profile
        .map(str::to_owned)
        .or_else(|| get("ALIBABA_CLOUD_PROFILE"));
    // 2. The CLI's config.json.
    if let Some(home) = home {
        let cli = home.join(".aliyun").join("config.json");
        if cli.exists()
            && let Some(found) = from_cli_config(&cli, profile.as_deref())?
        {
            return Ok(Some(found));
        }
    }
    // 3. The SDKs' INI file.
    let ini = get("ALIBABA_CLOUD_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .or_else(|| {
            let dir = home?.join(".alibabacloud");
            [dir.join("credentials"), dir.join("credentials.ini")]
                .into_iter()
                .find(|p| p.exists())
        });
    if let Some(path) = ini.filter(|p| p.exists())
        && let Some(found) = from_ini(&path, profile.as_deref())?
    {
        return Ok(Some(found));
    }
    match profile {
        Some(name) => Err(format!(
            "no profile {name:?} in ~/.aliyun/config.json or the credentials file"
        )),
        None => Ok(None),
    }
}

fn from_cli_config(path: &Path, profile: Option<&str>) -> Result<Option<Found>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {}", path.display(), e.kind()))?;
    let doc: serde_json::Value = serde_json::from_str(&text)
        .map_err(|_| format!("{} is not a JSON document", path.display()))?;
    let name = profile
        .map(str::to_owned)
        .or_else(|| doc["current"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "default".into());
    let Some(p) = doc["profiles"].as_array().and_then(|ps| {
        ps.iter()
            .find(|p| p["name"].as_str() == Some(name.as_str()))
    }) else {
        return Ok(None);
    };
    let field = |k: &str| p[k].as_str().filter(|v| !v.is_empty()).map(str::to_owned);
    let missing = |k: &str| format!("profile {name:?} in {} has no {k}", path.display());
    let mode = field("mode").unwrap_or_else(|| "AK".into());
    let (id, secret) = (
        field("access_key_id").ok_or_else(|| missing("access_key_id"))?,
        field("access_key_secret").ok_or_else(|| missing("access_key_secret"))?,
    );
    let credentials = match mode.as_str() {
        "AK" => Credentials::new(id, secret),
        "StsToken" => Credentials::new(id, secret)
            .with_security_token(field("sts_token").ok_or_else(|| missing("sts_token"))?),
        other => {
            return Err(format!(
                "profile {name:?} in {} uses mode {other}; this harness reads AK and StsToken profiles (get temporary credentials and use StsToken, or set ALIBABA_CLOUD_ACCESS_KEY_ID, _SECRET and _SECURITY_TOKEN)",
                path.display()
            ));
        }
    };
    Ok(Some(Found {
        credentials,
        source: format!("profile {name:?} of {} ({mode})", path.display()),
    }))
}

fn from_ini(path: &Path, profile: Option<&str>) -> Result<Option<Found>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {}", path.display(), e.kind()))?;
    let name = profile.unwrap_or("default");
    let mut section = None;
    let mut fields = std::collections::HashMap::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = Some(s.trim().to_owned());
            continue;
        }
        if section.as_deref() == Some(name)
            && let Some((k, v)) = line.split_once('=')
        {
            fields.insert(k.trim().to_owned(), v.trim().to_owned());
        }
    }
    if fields.is_empty() {
        return Ok(None);
    }
    let kind = fields.get("type").map_or("access_key", String::as_str);
    if kind != "access_key" {
        return Err(format!(
            "section [{name}] of {} is of type {kind}; this harness reads access_key sections",
            path.display()
        ));
    }
    let get = |k: &str| {
        fields
            .get(k)
            .filter(|v| !v.is_empty())
            .cloned()
            .ok_or_else(|| format!("section [{name}] of {} has no {k}", path.display()))
    };
    Ok(Some(Found {
        credentials: Credentials::new(get("access_key_id")?, get("access_key_secret")?),
        source: format!("section [{name}] of {}", path.display()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home(files: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ecsc-home-{}", uuid::Uuid::new_v4().simple()));
        for (path, text) in files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    const CLI: &str = r#"{"current":"default","profiles":[
        {"name":"default","mode":"AK","access_key_id":"LTAIa","access_key_secret":"sa"},
        {"name":"sts","mode":"StsToken","access_key_id":"STS.b","access_key_secret":"sb","sts_token":"tok"},
        {"name":"role","mode":"RamRoleArn","access_key_id":"LTAIc","access_key_secret":"hidden-role-secret"}]}"#;

    #[test]
    fn the_environment_comes_first() {
        let env = |k: &str| match k {
            "ALIBABA_CLOUD_ACCESS_KEY_ID" => Some("id".into()),
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET" => Some("secret".into()),
            "ALIBABA_CLOUD_SECURITY_TOKEN" => Some("tok".into()),
            _ => None,
        };
        let h = home(&[(".aliyun/config.json", CLI)]);
        let found = resolve(None, &env, Some(&h)).unwrap().unwrap();
        assert_eq!(found.credentials.access_key_id, "id");
        assert_eq!(found.credentials.security_token(), Some("tok"));
        let half = |k: &str| (k == "ALIBABA_CLOUD_ACCESS_KEY_ID").then(|| "id".to_owned());
        assert!(resolve(None, &half, None).is_err());
    }

    #[test]
    fn cli_profiles_by_name_current_or_environment() {
        let h = home(&[(".aliyun/config.json", CLI)]);
        let current = resolve(None, &no_env, Some(&h)).unwrap().unwrap();
        assert_eq!(current.credentials.access_key_id, "LTAIa");
        let sts = resolve(Some("sts"), &no_env, Some(&h)).unwrap().unwrap();
        assert_eq!(sts.credentials.security_token(), Some("tok"));
        let env = |k: &str| (k == "ALIBABA_CLOUD_PROFILE").then(|| "sts".to_owned());
        assert_eq!(
            resolve(None, &env, Some(&h))
                .unwrap()
                .unwrap()
                .credentials
                .access_key_id,
            "STS.b"
        );
        let role = resolve(Some("role"), &no_env, Some(&h)).unwrap_err();
        assert!(
            role.contains("RamRoleArn") && !role.contains("hidden-role-secret"),
            "{role}"
        );
        assert!(
            resolve(Some("nope"), &no_env, Some(&h))
                .unwrap_err()
                .contains("no profile")
        );
    }

    #[test]
    fn the_ini_file_after_the_cli_file() {
        let ini = "[default]\ntype = access_key\naccess_key_id = LTAId\naccess_key_secret = sd\n\n[ecs]\ntype = ecs_ram_role\nrole_name = r\n";
        let h = home(&[(".alibabacloud/credentials", ini)]);
        let found = resolve(None, &no_env, Some(&h)).unwrap().unwrap();
        assert_eq!(found.credentials.access_key_id, "LTAId");
        assert!(
            resolve(Some("ecs"), &no_env, Some(&h))
                .unwrap_err()
                .contains("ecs_ram_role")
        );
        assert_eq!(resolve(None, &no_env, Some(&home(&[]))).unwrap(), None);
    }

    fn flags(id: Option<&str>, secret: Option<&str>) -> Given {
        Given {
            access_key_id: id.map(str::to_owned),
            access_key_secret: secret.map(str::to_owned),
            ..Given::default()
        }
    }

    #[test]
    fn the_command_line_comes_before_the_files_and_carries_its_token() {
        let h = home(&[(".aliyun/config.json", CLI)]);
        let given = Given {
            security_token: Some("tok".into()),
            ..flags(Some("id"), Some("secret"))
        };
        let found = choose(&given, &no_env, Some(&h)).unwrap();
        assert_eq!(found.source, "the command line or the environment");
        assert_eq!(found.credentials.access_key_id, "id");
        assert_eq!(found.credentials.secret(), "secret");
        assert_eq!(found.credentials.security_token(), Some("tok"));
    }

    #[test]
    fn a_named_profile_skips_the_command_line() {
        let h = home(&[(".aliyun/config.json", CLI)]);
        let given = Given {
            profile: Some("sts".into()),
            ..flags(Some("id"), Some("secret"))
        };
        let found = choose(&given, &no_env, Some(&h)).unwrap();
        assert_eq!(found.credentials.access_key_id, "STS.b");
        assert!(
            found.source.starts_with("profile \"sts\""),
            "{}",
            found.source
        );
    }

    #[test]
    fn half_a_key_pair_on_the_command_line_is_refused() {
        let h = home(&[(".aliyun/config.json", CLI)]);
        for given in [flags(Some("id"), None), flags(None, Some("secret"))] {
            assert_eq!(
                choose(&given, &no_env, Some(&h)).unwrap_err(),
                "give both an access key id and its secret (--access-key-id and --access-key-secret, or ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET)"
            );
        }
    }

    #[test]
    fn a_secret_file_stands_in_for_the_secret_but_not_over_it() {
        let h = home(&[("secret", "  from-file \nsecond line\n")]);
        let given = Given {
            access_key_secret_file: Some(h.join("secret")),
            ..flags(Some("id"), None)
        };
        let found = choose(&given, &no_env, None).unwrap();
        assert_eq!(found.credentials.secret(), "from-file");
        assert_eq!(found.source, "the command line or the environment");
        let both = Given {
            access_key_secret: Some("given".into()),
            ..given.clone()
        };
        assert_eq!(
            choose(&both, &no_env, None).unwrap().credentials.secret(),
            "given"
        );
        let missing = Given {
            access_key_secret_file: Some(h.join("absent")),
            ..given
        };
        let e = choose(&missing, &no_env, None).unwrap_err();
        assert!(e.starts_with("cannot read the secret file "), "{e}");
    }

    #[test]
    fn the_files_come_before_the_mocks_key_pair_which_comes_last() {
        let h = home(&[(".aliyun/config.json", CLI)]);
        let found = choose(&Given::default(), &no_env, Some(&h)).unwrap();
        assert_eq!(found.credentials.access_key_id, "LTAIa");
        let nothing = choose(&Given::default(), &no_env, Some(&home(&[]))).unwrap();
        assert_eq!(nothing.source, "the mock's default key pair");
        assert_eq!(nothing.credentials.access_key_id, DEFAULT_ACCESS_KEY_ID);
        assert_eq!(nothing.credentials.secret(), DEFAULT_ACCESS_KEY_SECRET);
        assert_eq!(nothing.credentials.security_token(), None);
    }
}
