//! Signed tree heads in the C2SP signed-note format (c2sp.org/signed-note,
//! c2sp.org/tlog-checkpoint), so that existing transparency-log tools can
//! check them.
//!
//! Body: `<origin>\n<size>\n<base64 root>\n`. Note: body, an empty line, then
//! one line per signature: `— <key name> <base64(key hash ‖ signature)>`.
//! Ed25519 key hash: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key).
//! Verifier key text: `<name>+<8 hex key hash>+<base64(0x01 ‖ public key)>`.
//! Witness cosignatures (c2sp.org/tlog-cosignature, `cosignature/v1`): the
//! signed message is `cosignature/v1\ntime <unix seconds>\n` + body, the key
//! hash uses type byte 0x04, and the payload is key hash ‖ 8-byte big-endian
//! time ‖ signature.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

const ALG_ED25519: u8 = 0x01;
const ALG_COSIGNATURE_V1: u8 = 0x04;
const SIGNATURE_PREFIX: &str = "\u{2014} ";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("检查点格式错误：{0} / malformed checkpoint: {0}")]
    Malformed(String),
    #[error("没有可验证的签名 / no signature from a known key verifies")]
    NoValidSignature,
    #[error("验证密钥格式错误 / malformed verifier key")]
    BadKey,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: [u8; 32],
}

impl Checkpoint {
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root)
        )
    }

    pub fn parse_body(body: &str) -> Result<Checkpoint, CheckpointError> {
        let mut lines = body.split('\n');
        let origin = lines
            .next()
            .filter(|o| !o.is_empty())
            .ok_or_else(|| CheckpointError::Malformed("origin".into()))?;
        let size: u64 = lines
            .next()
            .and_then(|s| {
                if s.starts_with('0') && s.len() > 1 {
                    None
                } else {
                    s.parse().ok()
                }
            })
            .ok_or_else(|| CheckpointError::Malformed("size".into()))?;
        let root: [u8; 32] = lines
            .next()
            .and_then(|r| B64.decode(r).ok())
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| CheckpointError::Malformed("root hash".into()))?;
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
        })
    }
}

fn key_hash(name: &str, alg: u8, public: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([0x0A, alg]);
    h.update(public);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// The public key of a 32-byte seed.
pub fn public_key(seed: &[u8; 32]) -> [u8; 32] {
    SigningKey::from_bytes(seed).verifying_key().to_bytes()
}

/// `<name>+<hex key hash>+<base64(0x01 ‖ key)>`
pub fn verifier_key_text(name: &str, public: &[u8; 32]) -> String {
    let mut typed = vec![ALG_ED25519];
    typed.extend_from_slice(public);
    format!(
        "{name}+{}+{}",
        hex::encode(key_hash(name, ALG_ED25519, public)),
        B64.encode(typed)
    )
}

/// A verifier key as published: the signer's name and Ed25519 public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteVerifier {
    pub name: String,
    pub public: [u8; 32],
}

pub fn parse_verifier_key(text: &str) -> Result<NoteVerifier, CheckpointError> {
    // The key is standard base64, which may itself contain '+': split twice only.
    let mut parts = text.trim().splitn(3, '+');
    let (Some(name), Some(hash_hex), Some(key_b64)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(CheckpointError::BadKey);
    };
    let typed = B64.decode(key_b64).map_err(|_| CheckpointError::BadKey)?;
    let (Some(&ALG_ED25519), Ok(public)) = (
        typed.first(),
        <[u8; 32]>::try_from(&typed[1.min(typed.len())..]),
    ) else {
        return Err(CheckpointError::BadKey);
    };
    if hex::encode(key_hash(name, ALG_ED25519, &public)) != hash_hex || name.is_empty() {
        return Err(CheckpointError::BadKey);
    }
    Ok(NoteVerifier {
        name: name.to_owned(),
        public,
    })
}

/// Sign a checkpoint: the full note text.
pub fn sign(cp: &Checkpoint, key_name: &str, seed: &[u8; 32]) -> String {
    let key = SigningKey::from_bytes(seed);
    let body = cp.body();
    let sig = key.sign(body.as_bytes()).to_bytes();
    let mut payload = key_hash(key_name, ALG_ED25519, &key.verifying_key().to_bytes()).to_vec();
    payload.extend_from_slice(&sig);
    format!(
        "{body}\n{SIGNATURE_PREFIX}{key_name} {}\n",
        B64.encode(payload)
    )
}

/// A witness cosignature line for a checkpoint at `time_s`.
pub fn cosign(cp: &Checkpoint, witness_name: &str, seed: &[u8; 32], time_s: u64) -> String {
    let key = SigningKey::from_bytes(seed);
    let msg = format!("cosignature/v1\ntime {time_s}\n{}", cp.body());
    let sig = key.sign(msg.as_bytes()).to_bytes();
    let mut payload = key_hash(
        witness_name,
        ALG_COSIGNATURE_V1,
        &key.verifying_key().to_bytes(),
    )
    .to_vec();
    payload.extend_from_slice(&time_s.to_be_bytes());
    payload.extend_from_slice(&sig);
    format!("{SIGNATURE_PREFIX}{witness_name} {}", B64.encode(payload))
}

/// Check a cosignature line against the witness's public key; returns its time.
pub fn verify_cosignature(
    cp: &Checkpoint,
    line: &str,
    witness_name: &str,
    public: &[u8; 32],
) -> Result<u64, CheckpointError> {
    let rest = line
        .trim_end()
        .strip_prefix(SIGNATURE_PREFIX)
        .ok_or_else(|| CheckpointError::Malformed("signature line".into()))?;
    let (name, b64) = rest
        .split_once(' ')
        .ok_or_else(|| CheckpointError::Malformed("signature line".into()))?;
    let payload = B64
        .decode(b64)
        .map_err(|_| CheckpointError::Malformed("signature base64".into()))?;
    if name != witness_name
        || payload.len() != 4 + 8 + 64
        || payload[..4] != key_hash(witness_name, ALG_COSIGNATURE_V1, public)
    {
        return Err(CheckpointError::NoValidSignature);
    }
    let time_s = u64::from_be_bytes(
        payload[4..12]
            .try_into()
            .map_err(|_| CheckpointError::Malformed("time".into()))?,
    );
    let sig = Signature::from_bytes(
        &payload[12..]
            .try_into()
            .map_err(|_| CheckpointError::Malformed("signature".into()))?,
    );
    let key = VerifyingKey::from_bytes(public).map_err(|_| CheckpointError::BadKey)?;
    let msg = format!("cosignature/v1\ntime {time_s}\n{}", cp.body());
    key.verify(msg.as_bytes(), &sig)
        .map_err(|_| CheckpointError::NoValidSignature)?;
    Ok(time_s)
}

/// Verify a note with the given verifiers: at least one known key must sign it.
/// Lines from unknown keys are ignored, as the signed-note spec asks.
pub fn open_note(text: &str, verifiers: &[NoteVerifier]) -> Result<Checkpoint, CheckpointError> {
    let (body, sigs) = text
        .split_once("\n\n")
        .ok_or_else(|| CheckpointError::Malformed("no signature block".into()))?;
    let body = format!("{body}\n");
    let cp = Checkpoint::parse_body(&body)?;
    let mut verified = false;
    for line in sigs.lines().filter(|l| !l.is_empty()) {
        let rest = line
            .strip_prefix(SIGNATURE_PREFIX)
            .ok_or_else(|| CheckpointError::Malformed("signature line".into()))?;
        let (name, b64) = rest
            .split_once(' ')
            .ok_or_else(|| CheckpointError::Malformed("signature line".into()))?;
        let payload = B64
            .decode(b64)
            .map_err(|_| CheckpointError::Malformed("signature base64".into()))?;
        for v in verifiers.iter().filter(|v| v.name == name) {
            if payload.len() == 68 && payload[..4] == key_hash(name, ALG_ED25519, &v.public) {
                let Ok(sig_bytes) = <[u8; 64]>::try_from(&payload[4..]) else {
                    continue;
                };
                let Ok(key) = VerifyingKey::from_bytes(&v.public) else {
                    continue;
                };
                if key
                    .verify(body.as_bytes(), &Signature::from_bytes(&sig_bytes))
                    .is_ok()
                {
                    verified = true;
                } else {
                    return Err(CheckpointError::NoValidSignature);
                }
            }
        }
    }
    if verified {
        Ok(cp)
    } else {
        Err(CheckpointError::NoValidSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cp() -> Checkpoint {
        Checkpoint {
            origin: "fazhi.example/示范市东湖区卫生健康局".into(),
            size: 42,
            root: [9u8; 32],
        }
    }

    #[test]
    fn a_signed_note_has_the_c2sp_layout_and_opens_with_the_published_key() {
        let seed = [7u8; 32];
        let note = sign(&cp(), "fazhi-log", &seed);
        assert!(note.starts_with("fazhi.example/示范市东湖区卫生健康局\n42\nCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=\n\n— fazhi-log "), "{note}");
        let key_text = verifier_key_text("fazhi-log", &public_key(&seed));
        let v = parse_verifier_key(&key_text).unwrap();
        assert_eq!(open_note(&note, std::slice::from_ref(&v)).unwrap(), cp());
        // The signature verifies independently with ed25519-dalek over the body.
        let line = note.lines().last().unwrap();
        let payload = B64.decode(line.rsplit(' ').next().unwrap()).unwrap();
        let sig = Signature::from_bytes(&payload[4..].try_into().unwrap());
        VerifyingKey::from_bytes(&v.public)
            .unwrap()
            .verify(cp().body().as_bytes(), &sig)
            .unwrap();
    }

    #[test]
    fn a_changed_size_root_origin_or_signature_byte_is_refused() {
        let seed = [7u8; 32];
        let v = parse_verifier_key(&verifier_key_text("fazhi-log", &public_key(&seed))).unwrap();
        let note = sign(&cp(), "fazhi-log", &seed);
        for tampered in [
            note.replace("\n42\n", "\n43\n"),
            note.replace("fazhi.example", "fazhi.evil"),
            note.replace("CQkJ", "CQkK"),
        ] {
            assert!(
                open_note(&tampered, std::slice::from_ref(&v)).is_err(),
                "{tampered}"
            );
        }
        let mut bytes = note.into_bytes();
        let n = bytes.len();
        bytes[n - 3] = if bytes[n - 3] == b'A' { b'B' } else { b'A' };
        assert!(open_note(&String::from_utf8(bytes).unwrap(), std::slice::from_ref(&v)).is_err());
        let other =
            parse_verifier_key(&verifier_key_text("other", &public_key(&[8u8; 32]))).unwrap();
        assert_eq!(
            open_note(&sign(&cp(), "fazhi-log", &seed), &[other]),
            Err(CheckpointError::NoValidSignature)
        );
        assert!(parse_verifier_key("fazhi-log+00000000+AAAA").is_err());
    }

    #[test]
    fn a_witness_cosignature_verifies_with_its_key_and_time() {
        let w = [3u8; 32];
        let line = cosign(&cp(), "司法局见证", &w, 1_795_000_000);
        assert_eq!(
            verify_cosignature(&cp(), &line, "司法局见证", &public_key(&w)),
            Ok(1_795_000_000)
        );
        let other = Checkpoint { size: 43, ..cp() };
        assert!(verify_cosignature(&other, &line, "司法局见证", &public_key(&w)).is_err());
    }
}
