//! The Docker Engine API, as much of it as a run needs: ping, create, start, inspect, logs and
//! remove a container, inspect an image. Plain HTTP/1.0 over the engine's socket (`DOCKER_HOST`:
//! `unix://PATH` or `tcp://HOST:PORT`; default `unix:///var/run/docker.sock`), one connection per
//! request, synchronous: the async callers run it on the blocking pool.
//!
//! Unversioned paths: the engine answers at its own API version, so Debian's Docker 20.10 (API
//! 1.41) and newer engines alike are spoken to (docs/choices.md: why not testcontainers).

use std::io::{Read, Write};
use std::time::Duration;

use serde_json::Value;

/// Where the engine listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Unix(std::path::PathBuf),
    Tcp(String),
}

impl Host {
    /// From `DOCKER_HOST` (absent or empty: the default socket).
    pub fn from_env(value: Option<&str>) -> Result<Self, String> {
        match value.filter(|v| !v.is_empty()) {
            None => Ok(Self::Unix("/var/run/docker.sock".into())),
            Some(v) => {
                if let Some(path) = v.strip_prefix("unix://") {
                    Ok(Self::Unix(path.into()))
                } else if let Some(addr) = v.strip_prefix("tcp://") {
                    Ok(Self::Tcp(addr.trim_end_matches('/').to_owned()))
                } else {
                    Err(format!(
                        "DOCKER_HOST={v:?}: only unix://PATH and tcp://HOST:PORT (without TLS) are \
                         supported"
                    ))
                }
            }
        }
    }
}

/// An engine's answer: status and body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The engine's `message`, or the body as text.
    pub fn message(&self) -> String {
        match self.json().get("message").and_then(Value::as_str) {
            Some(m) => m.to_owned(),
            None => String::from_utf8_lossy(&self.body).trim().to_owned(),
        }
    }
}

/// The engine at one host.
#[derive(Debug, Clone)]
pub struct Engine {
    host: Host,
    timeout: Duration,
}

trait Stream: Read + Write {}
impl<T: Read + Write> Stream for T {}

impl Engine {
    pub fn from_env() -> Result<Self, String> {
        Ok(Self {
            host: Host::from_env(std::env::var("DOCKER_HOST").ok().as_deref())?,
            timeout: Duration::from_secs(30),
        })
    }

    fn connect(&self) -> std::io::Result<Box<dyn Stream>> {
        Ok(match &self.host {
            Host::Unix(path) => {
                let s = std::os::unix::net::UnixStream::connect(path)?;
                s.set_read_timeout(Some(self.timeout))?;
                s.set_write_timeout(Some(self.timeout))?;
                Box::new(s)
            }
            Host::Tcp(addr) => {
                let s = std::net::TcpStream::connect(addr)?;
                s.set_read_timeout(Some(self.timeout))?;
                s.set_write_timeout(Some(self.timeout))?;
                Box::new(s)
            }
        })
    }

    /// One request; the engine closes the connection after its answer (HTTP/1.0).
    pub fn request(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Reply, String> {
        let where_ = match &self.host {
            Host::Unix(p) => p.display().to_string(),
            Host::Tcp(a) => a.clone(),
        };
        let fail = |e: std::io::Error| format!("the engine at {where_}: {e}");
        let mut stream = self.connect().map_err(fail)?;
        let body = body.map(Value::to_string).unwrap_or_default();
        let head = format!(
            "{method} {path} HTTP/1.0\r\nHost: docker\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).map_err(fail)?;
        stream.write_all(body.as_bytes()).map_err(fail)?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).map_err(fail)?;
        parse_reply(&raw).ok_or_else(|| format!("the engine at {where_} answered no HTTP"))
    }
}

/// Status and body of an HTTP/1.x answer (a chunked body decoded).
fn parse_reply(raw: &[u8]) -> Option<Reply> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .replace(' ', "")
            .starts_with("transfer-encoding:chunked")
    });
    let rest = &raw[split + 4..];
    let body = if chunked {
        dechunk(rest)?
    } else {
        rest.to_vec()
    };
    Some(Reply { status, body })
}

fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&rest[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

/// A container's log as the engine streams it without a TTY: frames of an 8-byte header (stream,
/// 3 zero bytes, big-endian length) and their bytes. Stdout, then stderr.
pub fn demux_logs(mut raw: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    while raw.len() >= 8 {
        let len = u32::from_be_bytes([raw[4], raw[5], raw[6], raw[7]]) as usize;
        let Some(frame) = raw.get(8..8 + len) else {
            break;
        };
        match raw[0] {
            2 => err.extend_from_slice(frame),
            _ => out.extend_from_slice(frame),
        }
        raw = &raw[8 + len..];
    }
    (out, err)
}

/// `s` percent-encoded for a URL path segment or query value.
pub fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_host_takes_unix_and_plain_tcp_and_refuses_the_rest() {
        assert_eq!(
            Host::from_env(None),
            Ok(Host::Unix("/var/run/docker.sock".into()))
        );
        assert_eq!(
            Host::from_env(Some("unix:///run/user/1/docker.sock")),
            Ok(Host::Unix("/run/user/1/docker.sock".into()))
        );
        assert_eq!(
            Host::from_env(Some("tcp://127.0.0.1:2375")),
            Ok(Host::Tcp("127.0.0.1:2375".into()))
        );
        let err = Host::from_env(Some("ssh://me@host")).unwrap_err();
        assert!(err.contains("only unix://"), "{err}");
    }

    #[test]
    fn a_reply_is_read_plain_or_chunked() {
        let plain =
            parse_reply(b"HTTP/1.0 201 Created\r\nContent-Type: x\r\n\r\n{\"Id\":\"a\"}").unwrap();
        assert_eq!(
            (plain.status, plain.json()["Id"].as_str()),
            (201, Some("a"))
        );
        let chunked = parse_reply(
            b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"mes\r\n10\r\nsage\":\"no such\"}\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!((chunked.status, chunked.message()), (404, "no such".into()));
        assert!(parse_reply(b"garbage").is_none());
    }

    #[test]
    fn logs_are_split_into_stdout_and_stderr() {
        let mut raw = vec![1, 0, 0, 0, 0, 0, 0, 3];
        raw.extend_from_slice(b"out");
        raw.extend_from_slice(&[2, 0, 0, 0, 0, 0, 0, 3]);
        raw.extend_from_slice(b"err");
        raw.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 9, b'x']); // cut short: ignored
        assert_eq!(demux_logs(&raw), (b"out".to_vec(), b"err".to_vec()));
    }
}
