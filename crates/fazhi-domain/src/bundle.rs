//! An offline evidence bundle for one record (a case, an inspection): its
//! events with their inclusion proofs against one signed checkpoint, and the
//! hashes of its attachments. Anyone holding the agency's verifier key can
//! check it with nothing else (`fazhi log verify-bundle`).

use crate::action_log::Event;
use crate::checkpoint::{NoteVerifier, open_note};
use crate::merkle::verify_inclusion;
use serde::{Deserialize, Serialize};

pub const BUNDLE_FORMAT: &str = "fazhi.bundle.v1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleEvent {
    pub id: i64,
    pub at_us: i64,
    pub actor_user_id: Option<i64>,
    pub agency_id: Option<i64>,
    pub kind: String,
    pub subject: String,
    /// The payload exactly as stored (its bytes are hashed).
    pub payload_json: String,
    pub salt_hex: String,
    /// Audit path (hex) from this event's leaf to the checkpoint's root.
    pub proof: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleAttachment {
    pub sha256: String,
    pub size_bytes: i64,
    pub media_type: String,
    pub file_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundle {
    pub format: String,
    pub subject: String,
    /// The key the agency publishes; a verifier should compare it with the published one.
    pub verifier_key: String,
    /// The C2SP signed note all proofs refer to.
    pub checkpoint: String,
    pub events: Vec<BundleEvent>,
    pub attachments: Vec<BundleAttachment>,
}

impl BundleEvent {
    pub fn from_event(e: &Event, proof: Vec<String>) -> Self {
        BundleEvent {
            id: e.id,
            at_us: e.at_us,
            actor_user_id: e.actor_user_id,
            agency_id: e.agency_id,
            kind: e.kind.clone(),
            subject: e.subject.clone(),
            payload_json: e.payload_json.clone(),
            salt_hex: hex::encode(&e.salt),
            proof,
        }
    }

    fn event(&self) -> Result<Event, BundleError> {
        Ok(Event {
            id: self.id,
            at_us: self.at_us,
            actor_user_id: self.actor_user_id,
            agency_id: self.agency_id,
            kind: self.kind.clone(),
            subject: self.subject.clone(),
            payload_json: self.payload_json.clone(),
            salt: hex::decode(&self.salt_hex)
                .map_err(|_| BundleError::Malformed(format!("event {} salt", self.id)))?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("证据包格式错误：{0} / malformed bundle: {0}")]
    Malformed(String),
    #[error("检查点签名无效 / the checkpoint signature does not verify: {0}")]
    Checkpoint(String),
    #[error(
        "事件 {id} 的包含证明无效（内容被改动或不在日志中） / event {id} is not proven to be in the log unaltered"
    )]
    Event { id: i64 },
}

/// What a bundle proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleReport {
    pub tree_size: u64,
    pub events_verified: usize,
}

/// Check every event of the bundle against its signed checkpoint.
pub fn verify_bundle(
    bundle: &Bundle,
    verifier: &NoteVerifier,
) -> Result<BundleReport, BundleError> {
    if bundle.format != BUNDLE_FORMAT {
        return Err(BundleError::Malformed(format!("format {}", bundle.format)));
    }
    let cp = open_note(&bundle.checkpoint, std::slice::from_ref(verifier))
        .map_err(|e| BundleError::Checkpoint(e.to_string()))?;
    for be in &bundle.events {
        let event = be.event()?;
        let proof: Vec<[u8; 32]> = be
            .proof
            .iter()
            .map(|h| {
                hex::decode(h)
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
            })
            .collect::<Option<_>>()
            .ok_or_else(|| BundleError::Malformed(format!("event {} proof", be.id)))?;
        let index = u64::try_from(be.id - 1)
            .map_err(|_| BundleError::Malformed(format!("event id {}", be.id)))?;
        verify_inclusion(&event.leaf_hash(), index, cp.size, &proof, &cp.root)
            .map_err(|_| BundleError::Event { id: be.id })?;
    }
    Ok(BundleReport {
        tree_size: cp.size,
        events_verified: bundle.events.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoint::{Checkpoint, parse_verifier_key, public_key, sign, verifier_key_text};
    use crate::merkle::{NodeId, inclusion_proof, nodes_of_leaves, root};

    fn events(n: i64) -> Vec<Event> {
        (1..=n)
            .map(|id| Event {
                id,
                at_us: id * 1000,
                actor_user_id: Some(1),
                agency_id: Some(1),
                kind: "case.filed".into(),
                subject: if id % 2 == 0 {
                    "case:7".into()
                } else {
                    "case:8".into()
                },
                payload_json: format!("{{\"n\":{id}}}"),
                salt: vec![id as u8; 16],
            })
            .collect()
    }

    fn bundle_for(all: &[Event], subject: &str, seed: &[u8; 32]) -> Bundle {
        let leaves: Vec<[u8; 32]> = all.iter().map(Event::leaf_hash).collect();
        let nodes = nodes_of_leaves(&leaves);
        let lookup = |id: NodeId| nodes.get(&id).copied();
        let size = all.len() as u64;
        let cp = Checkpoint {
            origin: "fazhi.test/log".into(),
            size,
            root: root(size, &lookup).unwrap(),
        };
        Bundle {
            format: BUNDLE_FORMAT.into(),
            subject: subject.into(),
            verifier_key: verifier_key_text("fazhi.test/log", &public_key(seed)),
            checkpoint: sign(&cp, "fazhi.test/log", seed),
            events: all
                .iter()
                .filter(|e| e.subject == subject)
                .map(|e| {
                    let proof = inclusion_proof((e.id - 1) as u64, size, &lookup)
                        .unwrap()
                        .iter()
                        .map(hex::encode)
                        .collect();
                    BundleEvent::from_event(e, proof)
                })
                .collect(),
            attachments: vec![],
        }
    }

    #[test]
    fn a_bundle_verifies_offline_with_the_agency_key_and_a_changed_event_is_named() {
        let seed = [4u8; 32];
        let all = events(21);
        let b = bundle_for(&all, "case:7", &seed);
        let key = parse_verifier_key(&b.verifier_key).unwrap();
        assert_eq!(
            verify_bundle(&b, &key).unwrap(),
            BundleReport {
                tree_size: 21,
                events_verified: 10
            }
        );
        let mut tampered = b.clone();
        tampered.events[3].payload_json = "{\"n\":999}".into();
        assert_eq!(
            verify_bundle(&tampered, &key),
            Err(BundleError::Event {
                id: tampered.events[3].id
            })
        );
        let stranger = parse_verifier_key(&verifier_key_text(
            "fazhi.test/log",
            &public_key(&[5u8; 32]),
        ))
        .unwrap();
        assert!(matches!(
            verify_bundle(&b, &stranger),
            Err(BundleError::Checkpoint(_))
        ));
    }
}
