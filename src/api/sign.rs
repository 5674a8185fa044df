//! Veriff's HMAC-SHA256 signatures, for requests and for responses.

use std::fmt;
use std::sync::Arc;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The integration's shared secret. It can be cloned and used to sign, but never
/// shown: `Debug` prints a placeholder and there is no `Display`, so it cannot reach
/// a log line, an error message or a panic by accident.
#[derive(Clone)]
pub struct Secret(Arc<str>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Arc::from(value.into()))
    }

    fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Starts a signature over a message fed in pieces (a streamed download).
    pub fn signer(&self) -> Signer {
        Signer(HmacSha256::new_from_slice(self.bytes()).expect("HMAC takes keys of any length"))
    }

    /// Lower-case hex HMAC-SHA256 of `message`: the `X-HMAC-SIGNATURE` of a request
    /// (message = the id in the path) or of a response (message = the body).
    pub fn sign(&self, message: &[u8]) -> String {
        let mut signer = self.signer();
        signer.update(message);
        signer.finish_hex()
    }

    /// Whether `signature_hex` is this secret's signature of `message`, compared in
    /// constant time.
    pub fn verifies(&self, message: &[u8], signature_hex: &str) -> bool {
        let mut signer = self.signer();
        signer.update(message);
        signer.verifies(signature_hex)
    }
}

/// Read from a config file as a plain string; kept behind the same redaction.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        String::deserialize(de).map(Secret::new)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// An HMAC in progress.
pub struct Signer(HmacSha256);

impl Signer {
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish_hex(self) -> String {
        hex::encode(self.0.finalize().into_bytes())
    }

    /// Constant-time comparison with a hex signature (either case); malformed hex
    /// never verifies.
    pub fn verifies(self, signature_hex: &str) -> bool {
        match hex::decode(signature_hex.trim()) {
            Ok(expected) => self.0.verify_slice(&expected).is_ok(),
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Published with a public Veriff client and recomputed independently
    // (shared/docs/veriff-api.md).
    const SECRET: &str = "abcdef12-abcd-abcd-abcd-abcdef012345";
    const MESSAGE: &str = "aea9ba6d-1b47-47fc-a4fc-f72b6d3584a7";
    const SIGNATURE: &str = "895cb3fd31139d89aeb7b263682e15479ab57651e70591256ad2c14fde4950dd";

    #[test]
    fn matches_the_published_test_vector() {
        assert_eq!(Secret::new(SECRET).sign(MESSAGE.as_bytes()), SIGNATURE);
    }

    #[test]
    fn verification_accepts_only_the_right_signature() {
        let secret = Secret::new(SECRET);
        assert!(secret.verifies(MESSAGE.as_bytes(), SIGNATURE));
        assert!(secret.verifies(MESSAGE.as_bytes(), &SIGNATURE.to_uppercase()));
        assert!(!secret.verifies(b"another body", SIGNATURE));
        assert!(!Secret::new("wrong").verifies(MESSAGE.as_bytes(), SIGNATURE));
        assert!(!secret.verifies(MESSAGE.as_bytes(), "not hex"));
        assert!(!secret.verifies(MESSAGE.as_bytes(), &SIGNATURE[..10]));
    }

    #[test]
    fn streamed_signature_equals_one_shot() {
        let secret = Secret::new(SECRET);
        let mut signer = secret.signer();
        for chunk in MESSAGE.as_bytes().chunks(5) {
            signer.update(chunk);
        }
        assert_eq!(signer.finish_hex(), SIGNATURE);
    }

    #[test]
    fn never_shows_itself() {
        let secret = Secret::new(SECRET);
        let shown = format!("{secret:?} {:?}", Some(&secret));
        assert!(!shown.contains(SECRET));
        assert!(!shown.contains("abcdef12"));
    }
}
