//! Canonicalisation and signing for the RPC-style API: signature V1 (`HMAC-SHA1`) and V3
//! (`ACS3-HMAC-SHA256`).
//!
//! Everything here is a pure function of its inputs: no clock, no randomness, no I/O. The client
//! signs with these functions and the mock verifies with the same ones, so the two can only agree
//! or both be wrong, and the unit tests below pin both against the published vectors.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// The `Authorization` scheme of signature V3.
pub const V3_ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// RFC 3986 unreserved characters stay; every other byte becomes `%XY` with uppercase hex.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes `s` as both signatures require: UTF-8, RFC 3986, space as `%20`, `~` kept.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    percent_encode_into(&mut out, s);
    out
}

/// [`percent_encode`], appended to `out`: runs of unreserved bytes are copied whole, without the
/// formatting machinery `to_string` goes through.
fn percent_encode_into(out: &mut String, s: &str) {
    out.extend(utf8_percent_encode(s, RFC3986));
}

/// `name=value` pairs, encoded, sorted by name and joined with `&`; `Signature` is left out.
///
/// This is V1's `CanonicalizedQueryString` and V3's `CanonicalQueryString` (a V3 query carries no
/// `Signature`). Empty values are kept as `name=`.
pub fn canonical_query<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut pairs: Vec<(&str, &str)> = params
        .into_iter()
        .filter(|(name, _)| *name != "Signature")
        .collect();
    pairs.sort_unstable();
    let mut out = String::with_capacity(pairs.iter().map(|(n, v)| n.len() + v.len() + 2).sum());
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        percent_encode_into(&mut out, name);
        out.push('=');
        percent_encode_into(&mut out, value);
    }
    out
}

/// V1 `StringToSign`: `METHOD&%2F&percentEncode(CanonicalizedQueryString)`.
pub fn v1_string_to_sign<'a>(
    method: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let query = canonical_query(params);
    let mut out = String::with_capacity(method.len() + 5 + query.len() * 5 / 4);
    out.push_str(method);
    out.push('&');
    percent_encode_into(&mut out, "/");
    out.push('&');
    percent_encode_into(&mut out, &query);
    out
}

/// V1 signature: base64 of HMAC-SHA1 keyed with `secret + "&"`.
pub fn v1_signature(secret: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Lowercase hex SHA-256, as `x-acs-content-sha256` and the V3 string-to-sign use it.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The parts of a request that V3 signs.
#[derive(Debug, Clone, Copy)]
pub struct V3Input<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// Query parameters, decoded.
    pub query: &'a [(String, String)],
    /// Every header of the request, with its name in any case.
    pub headers: &'a [(String, String)],
    /// Lowercase header names to sign, as the `SignedHeaders` of the `Authorization` lists them.
    pub signed_headers: &'a [String],
    /// `x-acs-content-sha256`: the lowercase hex SHA-256 of the body.
    pub payload_hash: &'a str,
}

/// V3 `CanonicalRequest`.
///
/// A header named in `signed_headers` but absent from the request contributes `name:` with an empty
/// value; one present several times contributes its trimmed values, sorted and joined with `,`.
pub fn v3_canonical_request(input: &V3Input<'_>) -> String {
    let query = canonical_query(input.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let mut names: Vec<&str> = input.signed_headers.iter().map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    let mut canonical_headers = String::new();
    for name in &names {
        let mut values: Vec<&str> = input
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .collect();
        values.sort_unstable();
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(&values.join(","));
        canonical_headers.push('\n');
    }
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        input.method,
        input.path,
        query,
        canonical_headers,
        names.join(";"),
        input.payload_hash
    )
}

/// V3 `StringToSign`: the algorithm, a newline, and the hex SHA-256 of the canonical request.
pub fn v3_string_to_sign(canonical_request: &str) -> String {
    format!(
        "{V3_ALGORITHM}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// V3 signature: lowercase hex HMAC-SHA256 keyed with the bare secret.
pub fn v3_signature(secret: &str, string_to_sign: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The `Authorization` header of a V3 request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key_id: String,
    /// Lowercase, in the order the header gives them.
    pub signed_headers: Vec<String>,
    pub signature: String,
}

impl Authorization {
    /// Parses `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`; `None` when the value
    /// is not of that form (the caller reports `IncompleteSignature`).
    pub fn parse(value: &str) -> Option<Self> {
        let rest = value.strip_prefix(V3_ALGORITHM)?.strip_prefix(' ')?;
        let (mut credential, mut signed, mut signature) = (None, None, None);
        for part in rest.split(',') {
            let (key, val) = part.trim().split_once('=')?;
            let slot = match key {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed,
                "Signature" => &mut signature,
                _ => return None,
            };
            if slot.replace(val).is_some() {
                return None;
            }
        }
        let (access_key_id, signed, signature) = (credential?, signed?, signature?);
        if access_key_id.is_empty() || signed.is_empty() || signature.is_empty() {
            return None;
        }
        Some(Self {
            access_key_id: access_key_id.to_owned(),
            signed_headers: signed.split(';').map(str::to_ascii_lowercase).collect(),
            signature: signature.to_owned(),
        })
    }
}

impl std::fmt::Display for Authorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{V3_ALGORITHM} Credential={},SignedHeaders={},Signature={}",
            self.access_key_id,
            self.signed_headers.join(";"),
            self.signature
        )
    }
}

/// Whether `signature` (base64) is the V1 signature of `string_to_sign`; the comparison is
/// constant-time (hmac's `verify_slice`).
pub fn v1_verify(secret: &str, string_to_sign: &str, signature: &str) -> bool {
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(signature) else {
        return false;
    };
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    mac.verify_slice(&given).is_ok()
}

/// Whether `signature` (hex) is the V3 signature of `string_to_sign`; constant-time.
pub fn v3_verify(secret: &str, string_to_sign: &str, signature: &str) -> bool {
    let Ok(given) = hex::decode(signature) else {
        return false;
    };
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    mac.verify_slice(&given).is_ok()
}

#[cfg(test)]
mod tests {
    //! Every vector here is quoted from `docs/wire.md` (§4.2–4.5, §5.3–5.5), where
    //! each is traced to its published source.
    use super::*;

    fn pairs<'a>(list: &'a [(&'a str, &'a str)]) -> impl Iterator<Item = (&'a str, &'a str)> {
        list.iter().copied()
    }

    #[test]
    fn percent_encode_follows_rfc3986() {
        assert_eq!(percent_encode(" ~/*-+"), "%20~%2F%2A-%2B");
        assert_eq!(percent_encode("\"中"), "%22%E4%B8%AD");
        assert_eq!(percent_encode("a.b_c-d~e"), "a.b_c-d~e");
    }

    #[test]
    fn v1_reproduces_the_ecs_documentation_example() {
        let params = [
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
        ];
        let sts = v1_string_to_sign("GET", pairs(&params));
        assert_eq!(
            sts,
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
        );
        assert_eq!(
            v1_signature("testsecret", &sts),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
    }

    #[test]
    fn v1_reproduces_the_older_timestamp_spelling_example() {
        let params = [
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            ("TimeStamp", "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
        ];
        let sts = v1_string_to_sign("GET", pairs(&params));
        assert_eq!(
            v1_signature("testsecret", &sts),
            "CT9X0VtwR86fNWSnsc6v8YGOjuE="
        );
    }

    #[test]
    fn v1_reproduces_the_darabonba_unit_test_vector() {
        let sts = v1_string_to_sign("GET", pairs(&[("query", "test"), ("body", "test")]));
        assert_eq!(v1_signature("secret", &sts), "XlUyV4sXjOuX5FnjUz9IF9tm5rU=");
    }

    #[test]
    fn v1_signs_empty_values_as_in_the_legacy_python_sdk_vector() {
        let params = [
            ("AccessKeyId", "access_key_id"),
            ("Format", "JSON"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "2018-12-04T04:03:12Z"),
            ("SignatureType", ""),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "7e1c7d12-7551-4856-8abb-1938ccac6bcc"),
        ];
        let sts = v1_string_to_sign("GET", pairs(&params));
        assert!(sts.contains("SignatureType%3D%26"));
        assert_eq!(
            v1_signature("access_key_secret", &sts),
            "5AYPtZduFYvj3ETTIQlivGqL7Ic="
        );
    }

    #[test]
    fn raw_hmac_matches_the_legacy_python_sdk_vectors() {
        // `get_sign_string(source, secret)` keys with the secret as given; ours appends `&`, so
        // the key passed here is the secret without its last `&`: these vectors use keys
        // without one, so they are checked at the HMAC level.
        let raw = |key: &str, msg: &str| {
            let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).unwrap();
            mac.update(msg.as_bytes());
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        };
        assert_eq!(raw("secret", "source"), "Jv4yi8SobFhg5t1C7nWLbhBSFZQ=");
        assert_eq!(raw("secret", "中文unicode"), "szlfHs3WVaO/HgY3Cg7/uyXDaRw=");
    }

    #[test]
    fn v1_reproduces_the_three_captured_client_string_to_signs() {
        let cases = [
            (
                "POST&%2F&AccessKeyId%3Dtestid%26Action%3DResetDisk%26DiskId%3Dd-1%26Format%3Djson%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3Dccb1e85a0b75efc157f98ce3e7a4db82%26SignatureVersion%3D1.0%26SnapshotId%3Ds-1%26Timestamp%3D2026-11-26T05%253A40%253A52Z%26Version%3D2014-05-26",
                "E/LyJWGyhrEef8LuJTx3qIsuYQI=",
            ),
            (
                "POST&%2F&AccessKeyId%3Dtestid%26Action%3DResetDisk%26DiskId%3Dd-1%26Format%3DJSON%26RegionId%3Dcn-hangzhou%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D55300aadfb0d739b09fddf91779529c0%26SignatureType%3D%26SignatureVersion%3D1.0%26SnapshotId%3Ds-1%26Timestamp%3D2026-11-26T05%253A41%253A08Z%26Version%3D2014-05-26",
                "RoMn1kOZefAS0Z1tG0+G/9I4XgA=",
            ),
            (
                "GET&%2F&AccessKeyId%3Dtestid%26Action%3DResetDisk%26DiskId%3Dd-1%26Format%3DJSON%26RegionId%3Dcn-hangzhou%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D0279020fad2ee774131bcdbc5e40c3f7%26SignatureVersion%3D1.0%26SnapshotId%3Ds-1%26Timestamp%3D2026-11-26T05%253A41%253A26Z%26Version%3D2014-05-26",
                "7aukTAdIpYpAZ+EHztB0dYq6h/U=",
            ),
        ];
        for (sts, signature) in cases {
            assert_eq!(v1_signature("testsecret", sts), signature, "{sts}");
        }
        // And the canonicalisation produces the first of them from its parameters.
        let params = [
            ("Version", "2014-05-26"),
            ("Timestamp", "2026-11-26T05:40:52Z"),
            ("SnapshotId", "s-1"),
            ("SignatureVersion", "1.0"),
            ("SignatureNonce", "ccb1e85a0b75efc157f98ce3e7a4db82"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("Format", "json"),
            ("DiskId", "d-1"),
            ("Action", "ResetDisk"),
            ("AccessKeyId", "testid"),
            ("Signature", "ignored"),
        ];
        assert_eq!(v1_string_to_sign("POST", pairs(&params)), cases[0].0);
    }

    fn owned(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn v3_reproduces_the_official_example() {
        let query = owned(&[
            (
                "ImageId",
                "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
            ),
            ("RegionId", "cn-shanghai"),
        ]);
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let headers = owned(&[
            ("host", "ecs.cn-shanghai.aliyuncs.com"),
            ("x-acs-action", "RunInstances"),
            ("x-acs-version", "2014-05-26"),
            ("x-acs-date", "2023-10-26T09:01:01Z"),
            ("x-acs-signature-nonce", "d410180a5abf7fe235dd9b74aca91fc0"),
            ("x-acs-content-sha256", empty),
        ]);
        let signed: Vec<String> = headers.iter().map(|(k, _)| k.clone()).collect();
        let canonical = v3_canonical_request(&V3Input {
            method: "POST",
            path: "/",
            query: &query,
            headers: &headers,
            signed_headers: &signed,
            payload_hash: empty,
        });
        assert_eq!(
            canonical,
            "POST\n/\nImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\nhost:ecs.cn-shanghai.aliyuncs.com\nx-acs-action:RunInstances\nx-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-acs-date:2023-10-26T09:01:01Z\nx-acs-signature-nonce:d410180a5abf7fe235dd9b74aca91fc0\nx-acs-version:2014-05-26\n\nhost;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let sts = v3_string_to_sign(&canonical);
        assert_eq!(
            sts,
            "ACS3-HMAC-SHA256\n29622f5feb1e9fcaaa2e276a72889c975f7b16f00e02be1ca34965b18cd85015"
        );
        assert_eq!(
            v3_signature("YourAccessKeySecret", &sts),
            "e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804"
        );
        assert_eq!(sha256_hex(b""), empty);
    }

    #[test]
    fn v3_reproduces_the_darabonba_unit_test_vector() {
        let query = owned(&[("test", "ok"), ("empty", "")]);
        let headers = owned(&[("x-acs-test", "http"), ("x-acs-TEST", "https")]);
        let hash = "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23";
        let signed = vec!["x-acs-test".to_owned()];
        let canonical = v3_canonical_request(&V3Input {
            method: "GET",
            path: "/",
            query: &query,
            headers: &headers,
            signed_headers: &signed,
            payload_hash: hash,
        });
        assert_eq!(
            canonical,
            format!("GET\n/\nempty=&test=ok\nx-acs-test:http,https\n\nx-acs-test\n{hash}")
        );
        let auth = Authorization {
            access_key_id: "acesskey".into(),
            signed_headers: signed,
            signature: v3_signature("secret", &v3_string_to_sign(&canonical)),
        };
        assert_eq!(
            auth.to_string(),
            "ACS3-HMAC-SHA256 Credential=acesskey,SignedHeaders=x-acs-test,Signature=d16b30a7699ae9e43875b13195b2f81bcc3ed10c14a9b5eb780e51619aa50be1"
        );
        assert_eq!(Authorization::parse(&auth.to_string()), Some(auth));
    }

    #[test]
    fn v3_reproduces_the_captured_client_string_to_signs() {
        let cases = [
            (
                "ACS3-HMAC-SHA256\nb4a68bad21dfd343e0af2dacc8eb13849dcaf3c11a66032285c82d8f29e22dd0",
                "f158e03ff72b2296c492db8787740fd4e45396191df06f529ece1ec51178622e",
            ),
            (
                "ACS3-HMAC-SHA256\n165b439c661f962fbf49b7c5fa3b61aac12757bffc4eba9c35e3df436cec362d",
                "30123dc3ad38f48d1afc8f985dbcd744b715edd76fcf50a5870aa45b2dbe44fe",
            ),
        ];
        for (sts, signature) in cases {
            assert_eq!(v3_signature("testsecret", sts), signature);
        }
    }

    #[test]
    fn authorization_rejects_malformed_values() {
        for bad in [
            "",
            "ACS3-HMAC-SHA256",
            "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host",
            "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=",
            "ACS3-HMAC-SHA256 Credential=a,Credential=b,SignedHeaders=host,Signature=x",
            "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=x,Extra=y",
            "HMAC-SHA1 Credential=a,SignedHeaders=host,Signature=x",
        ] {
            assert_eq!(Authorization::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn verification_accepts_exactly_the_right_signature() {
        let sts = "GET&%2F&x";
        let v1 = v1_signature("s", sts);
        assert!(v1_verify("s", sts, &v1));
        assert!(!v1_verify("t", sts, &v1));
        assert!(!v1_verify("s", sts, &v1[..v1.len() - 4]));
        assert!(!v1_verify("s", sts, "not base64!"));
        let v3 = v3_signature("s", sts);
        assert!(v3_verify("s", sts, &v3));
        assert!(!v3_verify("s", sts, &v3.to_uppercase().replace('A', "B")));
        assert!(!v3_verify("s", sts, "zz"));
    }
}
