use super::*;

impl Case {
    pub fn paid(&self) -> Money {
        Money::from_fen(self.payments.iter().map(|p| p.amount.fen()).sum())
    }
    pub fn fine(&self) -> Money {
        self.decision.as_ref().map_or(Money::ZERO, |d| d.fine)
    }
    /// The deadline a worklist should show next, with its rule id.
    pub fn next_due(&self) -> Option<(&'static str, Date)> {
        Dues {
            stage: self.stage,
            preservation: open_preservation_due(
                self.preservations.iter().map(|p| (p.due, p.handled_on)),
            ),
            decision: self.decision_due,
            service: self.service_due,
            payment: self.payment_due,
            summary_filing: self.summary_filing_due,
        }
        .next()
    }
}

/// The earliest handling deadline of a preservation not yet handled.
pub(super) fn open_preservation_due(
    preservations: impl Iterator<Item = (Option<Date>, Option<Date>)>,
) -> Option<Date> {
    preservations
        .filter(|(_, handled_on)| handled_on.is_none())
        .filter_map(|(due, _)| due)
        .min()
}

/// The deadlines a case can be waiting on; which one is next depends on
/// the stage. One definition for [`Case::next_due`] and [`CaseFacts::next_due`].
struct Dues {
    stage: Stage,
    preservation: Option<Date>,
    decision: Option<Date>,
    service: Option<Date>,
    payment: Option<Date>,
    summary_filing: Option<Date>,
}

impl Dues {
    fn next(&self) -> Option<(&'static str, Date)> {
        match self.stage {
            Stage::Investigation => self
                .preservation
                .map(|d| ("ap_evidence_preservation", d))
                .or(self.decision.map(|d| ("hp_decision_deadline", d))),
            Stage::Proposed | Stage::Review | Stage::Notice | Stage::Hearing => {
                self.decision.map(|d| ("hp_decision_deadline", d))
            }
            Stage::Decided => self.service.map(|d| ("ap_service", d)),
            Stage::Served | Stage::Execution => self.payment.map(|d| ("ap_payment_deadline", d)),
            Stage::Summary => self.summary_filing.map(|d| ("ap_summary_filing", d)),
            _ => None,
        }
    }
}

/// What statistics read of a case: the indicators' counts and sums, the
/// dashboard's overdue list and a drill-down row. It deserializes from the
/// stored JSON of a [`Case`] and skips the rest (evidence, documents,
/// minutes …), which a province's year of statistics does not need: parsing
/// 100,000 whole cases took about 2.5 s of one core, most of it building
/// strings and vectors that were never read. `From<&Case>` gives the same
/// value, and a test checks that both agree at every step of a case.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CaseFacts {
    pub procedure: Procedure,
    pub stage: Stage,
    pub party: PartyName,
    pub domain: SupervisionDomain,
    pub summary: String,
    pub opened_on: Date,
    pub filed_on: Option<Date>,
    /// The earliest handling deadline of an unhandled preservation.
    #[serde(rename = "preservations", deserialize_with = "preservation_due")]
    pub preservation_due: Option<Date>,
    pub review_required: bool,
    /// Legal reviews held (法制审核).
    #[serde(rename = "reviews", deserialize_with = "count_of")]
    pub reviews_held: usize,
    /// Collective discussion held (集体讨论).
    #[serde(rename = "discussion", deserialize_with = "is_present")]
    pub discussed: bool,
    pub hearing: Option<HearingFacts>,
    pub decision_due: Option<Date>,
    pub decision: Option<DecisionFacts>,
    pub service_due: Option<Date>,
    pub payment_due: Option<Date>,
    pub payments: Vec<Payment>,
    pub transfer: Option<Transfer>,
    pub summary_filing_due: Option<Date>,
}

/// The party as statistics name it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PartyName {
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct HearingFacts {
    pub date: Option<Date>,
    pub held: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct DecisionFacts {
    pub on: Date,
    pub outcome: Outcome,
    pub fine: Money,
    pub confiscation: Money,
}

impl CaseFacts {
    /// The next deadline the case waits on, as [`Case::next_due`].
    pub fn next_due(&self) -> Option<(&'static str, Date)> {
        Dues {
            stage: self.stage,
            preservation: self.preservation_due,
            decision: self.decision_due,
            service: self.service_due,
            payment: self.payment_due,
            summary_filing: self.summary_filing_due,
        }
        .next()
    }
}

impl From<&Case> for CaseFacts {
    fn from(c: &Case) -> Self {
        CaseFacts {
            procedure: c.procedure,
            stage: c.stage,
            party: PartyName {
                name: c.party.name.clone(),
            },
            domain: c.domain,
            summary: c.summary.clone(),
            opened_on: c.opened_on,
            filed_on: c.filed_on,
            preservation_due: open_preservation_due(
                c.preservations.iter().map(|p| (p.due, p.handled_on)),
            ),
            review_required: c.review_required,
            reviews_held: c.reviews.len(),
            discussed: c.discussion.is_some(),
            hearing: c.hearing.as_ref().map(|h| HearingFacts {
                date: h.date,
                held: h.held,
            }),
            decision_due: c.decision_due,
            decision: c.decision.as_ref().map(|d| DecisionFacts {
                on: d.on,
                outcome: d.outcome,
                fine: d.fine,
                confiscation: d.confiscation,
            }),
            service_due: c.service_due,
            payment_due: c.payment_due,
            payments: c.payments.clone(),
            transfer: c.transfer.clone(),
            summary_filing_due: c.summary_filing_due,
        }
    }
}

/// `preservations` read as the earliest due date of those not handled.
pub(super) fn preservation_due<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Date>, D::Error> {
    #[derive(Deserialize)]
    struct Due {
        due: Option<Date>,
        handled_on: Option<Date>,
    }
    let all = Vec::<Due>::deserialize(d)?;
    Ok(open_preservation_due(
        all.into_iter().map(|p| (p.due, p.handled_on)),
    ))
}

/// A list read as its length, its elements skipped.
pub(super) fn count_of<'de, D: serde::Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    struct Count;
    impl<'de> serde::de::Visitor<'de> for Count {
        type Value = usize;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
            let mut n = 0;
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                n += 1;
            }
            Ok(n)
        }
    }
    d.deserialize_seq(Count)
}

/// An optional value read as whether it is there, its contents skipped.
pub(super) fn is_present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<serde::de::IgnoredAny>::deserialize(d)?.is_some())
}

/// Facts about a prospective handler, loaded by the use case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandlerFacts {
    pub user_id: i64,
    pub name: String,
    pub staff_no: Option<String>,
    /// Status of the officer's credential today; `None` without one.
    pub credential: Option<CredentialStatus>,
    pub domains: Vec<SupervisionDomain>,
    /// The officer has a recusal relation with the party (第四十三条).
    pub recused: bool,
}
