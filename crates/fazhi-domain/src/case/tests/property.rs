// ------------------------------------------------------------ property

use super::*;
use proptest::prelude::*;

fn command(choice: u8, amount: i64, actor_pick: u8) -> (Command, i64) {
    let actor =
        [OFFICER_A, OFFICER_B, OFFICER_C, SECTION, HEAD, REVIEWER][usize::from(actor_pick % 6)];
    let money = Money::from_yuan(amount);
    let cmd = match choice % 24 {
        0 => Command::File {
            handlers: vec![handler(OFFICER_A), handler(OFFICER_B)],
        },
        1 => Command::AddEvidence {
            kind: EvidenceType::Record,
            title: "笔录".into(),
            sha256: None,
            officers: vec![OFFICER_A, OFFICER_B],
        },
        2 => Command::Preserve {
            items: "物品".into(),
        },
        3 => Command::HandlePreservation { index: 0 },
        4 => propose(amount, amount % 3 == 0),
        5 => Command::SubmitForReview,
        6 => Command::RecordReview {
            passed: amount % 2 == 0,
            checklist: vec![amount % 2 == 0; 7],
            opinion: "意见".into(),
            reviewer_qualified: amount % 5 != 0,
        },
        7 => Command::RecordDiscussion {
            participants: vec!["甲".into(), "乙".into(), "丙".into()],
            minutes: "纪要".into(),
            conclusion: "结论".into(),
        },
        8 => Command::SendNotice {
            served_on: date(2025, 4, 1),
        },
        9 => Command::RecordStatement {
            text: "申辩".into(),
            answer: "答复".into(),
            adopted: false,
        },
        10 => Command::WaiveRights,
        11 => Command::RequestHearing {
            on: date(2025, 4, 2),
        },
        12 => Command::ScheduleHearing {
            date: date(2025, 5, 6),
            chair: [OFFICER_B, OFFICER_C][usize::from(actor_pick % 2)],
        },
        13 => Command::RecordHearing {
            record: "笔录".into(),
            report: "报告".into(),
        },
        14 => Command::Decide {
            number: "东卫罚〔2025〕1号".into(),
            fine: money,
            publish: false,
        },
        15 => Command::Serve {
            method: ServiceMethod::Direct,
            on: date(2025, 5, 20),
            receipt: "签收".into(),
            electronic_consent: false,
        },
        16 => Command::RecordPayment {
            on: date(2025, 6, 1),
            amount: money,
            collected_on_spot: false,
        },
        17 => Command::SendDemand,
        18 => Command::ApplyToCourt,
        19 => Command::Close {
            report: "结案".into(),
        },
        20 => Command::Archive,
        21 => Command::ExtendDecisionDeadline {
            approver_superior: amount % 2 == 0,
            days: 30,
            reason_code: "force_majeure".into(),
        },
        22 => Command::ApproveTransfer,
        _ => Command::DeclineFiling {
            reason: "不属于本机关管辖".into(),
        },
    };
    (cmd, actor)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    /// Whatever sequence of commands people send, in whatever order and
    /// by whoever, the case never reaches a state the law forbids.
    #[test]
    fn random_command_sequences_never_reach_a_forbidden_state(
        province in 0usize..16,
        steps in proptest::collection::vec((any::<u8>(), 0i64..200_000, any::<u8>(), 0i64..90), 1..60)
    ) {
        // Each run in one of the provinces whose hearing amounts the rules
        // data sets (ap_hearing_triggers has no national amount).
        let provinces: Vec<&'static str> = RULES
            .versions("ap_hearing_triggers")
            .into_iter()
            .filter(|r| r.jurisdiction != crate::rules::NATIONAL)
            .map(|r| r.jurisdiction.as_str())
            .collect();
        prop_assert!(!provinces.is_empty());
        let jurisdiction = provinces[province % provinces.len()];
        let start = date(2025, 3, 3);
        let mut case = opened(organisation(), date(2025, 2, 1), start);
        let mut today = start;
        for (choice, amount, actor_pick, days) in steps {
            today = today.checked_add(jiff::Span::new().days(days % 4)).unwrap();
            let (cmd, actor) = command(choice, amount, actor_pick);
            let c = ctx_in(today, actor, jurisdiction);
            if let Ok(next) = apply(Some(&case), &cmd, &c) {
                prop_assert!(violations(&next).is_empty(), "{:?} after {}: {:?}", violations(&next), cmd.code(), next.stage);
                // The hearing right follows the province's amount.
                if let (Some(n), Some(p), None) = (&next.notice, &next.proposal, &case.notice) {
                    let large = hearing_threshold(&c, case.party.kind).unwrap();
                    let expected = p.heavy_penalty || p.fine.fen() + p.confiscation.fen() >= large.fen();
                    prop_assert_eq!(n.hearing_right, expected);
                }
                if case.stage == Stage::Archived {
                    prop_assert!(false, "an archived case changed");
                }
                case = next;
            }
            let _ = days;
        }
    }
}
