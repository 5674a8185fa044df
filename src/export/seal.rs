//! What holds `manifest.json` together: an HMAC of its canonical bytes under the
//! shared secret (the `hmac` field), for those who hold the secret, and the team's
//! Ed25519 signature of the whole file in minisign's format
//! (`manifest.json.minisig`), for anyone given the team's public key: a regulator
//! checks it with the standard `minisign -Vm manifest.json -p KEY.pub`.
//!
//! The HMAC covers every field but itself, the team's key id included, so the
//! signature over the file covers the HMAC too.

use std::io::Cursor;
use std::path::Path;

use serde_json::Value;

use crate::api::Secret;

/// The signature beside the manifest, over its exact bytes.
pub const SIGNATURE_FILE: &str = "manifest.json.minisig";
/// What the HMAC is computed over, before the canonical bytes: an HMAC of the
/// manifest can never pass for Veriff's signature of some answer, nor the reverse.
const HMAC_CONTEXT: &[u8] = b"veriff-tui manifest\n";
/// A key file is a few hundred bytes; anything much larger is not one.
const MAX_KEY_FILE: u64 = 64 * 1024;
/// The variable an encrypted minisign key's password is read from: never asked
/// for, so exports run unattended and in the browser alike.
pub const PASSWORD_VARIABLE: &str = "VERIFF_SIGNING_KEY_PASSWORD";

/// The team's signing key, loaded and ready to sign.
pub struct TeamKey {
    secret: minisign::SecretKey,
    public: minisign::PublicKey,
}

impl std::fmt::Debug for TeamKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TeamKey({})", self.id())
    }
}

/// `minisign`'s key id: 16 upper-case hex digits, as `minisign` prints it.
fn key_id(keynum: &[u8]) -> String {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&keynum[..8]);
    format!("{:016X}", u64::from_le_bytes(bytes))
}

impl TeamKey {
    /// A minisign secret key as its file holds it (`untrusted comment: ...` and the
    /// key). An unencrypted key is used as it is; an encrypted one needs `password`.
    pub fn from_text(text: &str, password: Option<String>) -> Result<TeamKey, String> {
        let boxed = || minisign::SecretKeyBox::from_string(text).map_err(|e| e.to_string());
        let secret = match (minisign::SecretKey::from_unencrypted_box(boxed()?), password) {
            (Ok(secret), _) => secret,
            (Err(_), Some(password)) => minisign::SecretKey::from_box(boxed()?, Some(password))
                .map_err(|e| format!("the team's signing key cannot be opened: {e}"))?,
            (Err(e), None) => match password_less(text) {
                Some(secret) => secret,
                // Never prompted for: it would hang a script or the browser.
                None => {
                    return Err(format!(
                        "the team's signing key is not an unencrypted minisign secret key ({e}); if it is an encrypted one, set {PASSWORD_VARIABLE}"
                    ));
                }
            },
        };
        let public = minisign::PublicKey::from_secret_key(&secret)
            .map_err(|e| format!("the team's signing key holds no public key: {e}"))?;
        // Whatever its checksum said: the key signs what its own public key verifies.
        minisign::sign(Some(&public), &secret, Cursor::new(b"veriff-tui"), None, None)
            .map_err(|e| format!("the team's signing key is damaged: {e}"))?;
        Ok(TeamKey { secret, public })
    }

    /// The key in `path`, which must be a regular file private to the user (mode
    /// 0600, as ssh insists of its keys): a key others can read signs for anyone.
    pub fn from_file(path: &Path, password: Option<String>) -> Result<TeamKey, String> {
        use std::os::unix::fs::PermissionsExt;
        let bytes = read_key_file(path)?;
        let mode = std::fs::metadata(path).map_err(|e| e.to_string())?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(format!(
                "the team's signing key {} is readable by others (mode {mode:03o}); run: chmod 600 {}",
                path.display(),
                path.display()
            ));
        }
        let text = String::from_utf8(bytes).map_err(|_| format!("{} is not a minisign key", path.display()))?;
        TeamKey::from_text(&text, password)
    }

    /// A new key pair, unencrypted: kept like the shared secret, in a file of mode
    /// 0600 or behind a password manager's command.
    pub fn generate() -> Result<TeamKey, String> {
        let pair = minisign::KeyPair::generate_unencrypted_keypair().map_err(|e| e.to_string())?;
        Ok(TeamKey {
            secret: pair.sk,
            public: pair.pk,
        })
    }

    pub fn id(&self) -> String {
        key_id(self.public.keynum())
    }

    /// The secret key as minisign writes it.
    pub fn secret_text(&self) -> Result<String, String> {
        let comment = format!("veriff-tui team signing key {}", self.id());
        self.secret
            .to_box(Some(&comment))
            .map(|b| b.into_string())
            .map_err(|e| e.to_string())
    }

    /// The public key as minisign writes it, for `minisign -p` and `verify --pubkey`.
    pub fn public_text(&self) -> Result<String, String> {
        self.public.to_box().map(|b| b.into_string()).map_err(|e| e.to_string())
    }

    /// The `.minisig` of `bytes`, its trusted comment naming what it signs.
    pub fn sign(&self, bytes: &[u8], trusted_comment: &str) -> Result<String, String> {
        let untrusted = format!("signature from veriff-tui team key {}", self.id());
        minisign::sign(
            Some(&self.public),
            &self.secret,
            Cursor::new(bytes),
            Some(trusted_comment),
            Some(&untrusted),
        )
        .map(|b| b.into_string())
        .map_err(|e| format!("cannot sign the manifest: {e}"))
    }
}

/// A team's public key, as `KEY.pub` holds it.
pub struct PublicKey(minisign::PublicKey);

impl PublicKey {
    pub fn from_file(path: &Path) -> Result<PublicKey, String> {
        let bytes = read_key_file(path)?;
        let text = String::from_utf8_lossy(&bytes);
        minisign::PublicKey::from_box(minisign::PublicKeyBox::from_string(&text).map_err(|e| e.to_string())?)
            .map(PublicKey)
            .map_err(|e| format!("{} is not a minisign public key: {e}", path.display()))
    }

    pub fn id(&self) -> String {
        key_id(self.0.keynum())
    }

    /// Whether `signature` (a `.minisig`'s text) is this key's signature of `bytes`;
    /// `Err` says why not.
    pub fn verify(&self, bytes: &[u8], signature: &str) -> Result<(), String> {
        let signature =
            minisign::SignatureBox::from_string(signature).map_err(|e| format!("not a minisign signature: {e}"))?;
        minisign::verify(&self.0, &signature, Cursor::new(bytes), true, false, false).map_err(|e| e.to_string())
    }
}

/// A password-less key as the `minisign` tool writes it (`minisign -G -W`), whose
/// checksum the crate computes otherwise and refuses: read as it is, and checked
/// by signing with it.
fn password_less(text: &str) -> Option<minisign::SecretKey> {
    use base64::Engine;
    let encoded = text.lines().nth(1)?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let secret = minisign::SecretKey::from_bytes(&bytes).ok()?;
    (!secret.is_encrypted()).then_some(secret)
}

/// A key file of the user's choosing (through a link too, unlike what is beneath
/// an export folder): a regular file of a key's size.
fn read_key_file(path: &Path) -> Result<Vec<u8>, String> {
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() || meta.len() > MAX_KEY_FILE {
        return Err(format!("{} is not a key file", path.display()));
    }
    std::fs::read(path).map_err(cannot)
}

/// The HMAC the manifest `value` should carry under `secret`: over its canonical
/// bytes (keys sorted, no spaces) without the `hmac` field itself.
pub fn manifest_hmac(value: &Value, secret: &Secret) -> String {
    let mut message = HMAC_CONTEXT.to_vec();
    canonical(value, true, &mut message);
    secret.sign(&message)
}

/// Whether `value` carries the HMAC `secret` gives it.
pub fn hmac_holds(value: &Value, secret: &Secret) -> bool {
    let Some(hmac) = value.get("hmac").and_then(Value::as_str) else {
        return false;
    };
    let mut message = HMAC_CONTEXT.to_vec();
    canonical(value, true, &mut message);
    secret.verifies(&message, hmac)
}

/// JSON with every object's keys sorted and no white space; at the top level
/// without `hmac` when `skip_hmac`.
fn canonical(value: &Value, skip_hmac: bool, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().filter(|k| !(skip_hmac && *k == "hmac")).collect();
            keys.sort();
            out.push(b'{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend(serde_json::to_vec(key).expect("a string serialises"));
                out.push(b':');
                canonical(&map[key], false, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical(item, false, out);
            }
            out.push(b']');
        }
        other => out.extend(serde_json::to_vec(other).expect("a JSON value serialises")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hmac_covers_every_field_in_any_order_but_itself() {
        let secret = Secret::new("specimen-secret");
        let mut value: Value = serde_json::json!({"b": [1, {"y": "2", "x": null}], "a": "s"});
        let hmac = manifest_hmac(&value, &secret);
        value["hmac"] = hmac.clone().into();
        assert!(hmac_holds(&value, &secret));
        let reordered: Value =
            serde_json::from_str(&format!(r#"{{"hmac":"{hmac}","a":"s","b":[1,{{"x":null,"y":"2"}}]}}"#)).unwrap();
        assert!(hmac_holds(&reordered, &secret));
        let mut moved = value.clone();
        moved["b"][0] = 2.into();
        assert!(!hmac_holds(&moved, &secret));
        assert!(!hmac_holds(&value, &Secret::new("another")));
        let mut added = value.clone();
        added["c"] = "planted".into();
        assert!(!hmac_holds(&added, &secret));
    }

    #[test]
    fn a_signature_holds_for_its_bytes_and_key_only() {
        let key = TeamKey::generate().unwrap();
        let again = TeamKey::from_text(&key.secret_text().unwrap(), None).unwrap();
        assert_eq!(again.id(), key.id());
        let signature = again.sign(b"{\"a\":1}\n", "veriff-tui manifest").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("team.pub");
        std::fs::write(&public, key.public_text().unwrap()).unwrap();
        let public = PublicKey::from_file(&public).unwrap();
        assert_eq!(public.id(), key.id());
        assert_eq!(public.verify(b"{\"a\":1}\n", &signature), Ok(()));
        assert!(public.verify(b"{\"a\":2}\n", &signature).is_err());
        let other = TeamKey::generate().unwrap();
        assert!(
            public
                .verify(b"{\"a\":1}\n", &other.sign(b"{\"a\":1}\n", "x").unwrap())
                .is_err()
        );
    }

    #[test]
    fn a_damaged_key_is_refused_whatever_its_checksum() {
        use base64::Engine;
        let text = TeamKey::generate().unwrap().secret_text().unwrap();
        let engine = base64::engine::general_purpose::STANDARD;
        let mut bytes = engine.decode(text.lines().nth(1).unwrap()).unwrap();
        // The first byte of the Ed25519 seed (after algorithms, salt, limits, key id).
        bytes[62] ^= 1;
        let damaged = format!("{}\n{}\n", text.lines().next().unwrap(), engine.encode(&bytes));
        let err = TeamKey::from_text(&damaged, None).unwrap_err();
        assert!(err.contains("damaged"), "{err}");
        assert!(TeamKey::from_text("untrusted comment: x\nnot a key\n", None).is_err());
    }

    #[test]
    fn a_key_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let key = TeamKey::generate().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("team.key");
        std::fs::write(&path, key.secret_text().unwrap()).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = TeamKey::from_file(&path, None).unwrap_err();
        assert!(err.contains("chmod 600"), "{err}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(TeamKey::from_file(&path, None).unwrap().id(), key.id());
    }
}
