//! The case machine, one test per rule it enforces (named after the rule id),
//! a walk through each procedure, and a property test over random commands.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use super::*;
use crate::calendar::Calendar;
use crate::registry::{Circumstance, CredentialStatus, SupervisionDomain};
use crate::role::Role;
use crate::rules::RuleRegistry;
use jiff::civil::{Date, date};
use std::sync::LazyLock;

static RULES: LazyLock<RuleRegistry> = LazyLock::new(|| RuleRegistry::national().unwrap());
static CAL: LazyLock<Calendar> = LazyLock::new(|| Calendar::national().unwrap());

const OFFICER_A: i64 = 11;
const OFFICER_B: i64 = 12;
const OFFICER_C: i64 = 13;
const SECTION: i64 = 20;
const HEAD: i64 = 21;
const REVIEWER: i64 = 30;

fn ctx(today: Date, actor: i64) -> Ctx<'static> {
    ctx_in(today, actor, "990000")
}

/// The context of an agency in province `jurisdiction`.
fn ctx_in(today: Date, actor: i64, jurisdiction: &'static str) -> Ctx<'static> {
    let role = match actor {
        SECTION => Role::SectionHead,
        HEAD => Role::AgencyHead,
        REVIEWER => Role::LegalReviewer,
        _ => Role::Officer,
    };
    Ctx {
        today,
        actor,
        role,
        rules: &RULES,
        calendar: &CAL,
        jurisdiction,
    }
}

fn handler(user_id: i64) -> HandlerFacts {
    HandlerFacts {
        user_id,
        name: format!("执法员{user_id}"),
        staff_no: Some(format!("DH-{user_id:04}")),
        credential: Some(CredentialStatus::Valid),
        domains: vec![SupervisionDomain::PublicPlaces],
        recused: false,
    }
}

fn organisation() -> Party {
    let prefix = "91990102MA0000001";
    Party {
        kind: PartyKind::Organisation,
        name: "示范市东湖区锦绣宾馆".into(),
        id_number: format!(
            "{prefix}{}",
            crate::ident::Uscc::check_character(prefix).unwrap()
        ),
        address: "东湖路2号".into(),
    }
}

fn citizen() -> Party {
    Party {
        kind: PartyKind::Citizen,
        name: "张三".into(),
        id_number: "11010519491231002X".into(),
        address: "东湖路3号".into(),
    }
}

fn step(case: &Case, cmd: Command, today: Date, actor: i64) -> Case {
    apply(Some(case), &cmd, &ctx(today, actor))
        .unwrap_or_else(|r| panic!("{} refused: {r}", cmd.code()))
}

fn refused(case: &Case, cmd: Command, today: Date, actor: i64) -> Refusal {
    match apply(Some(case), &cmd, &ctx(today, actor)) {
        Ok(c) => panic!("{} was allowed; stage now {:?}", cmd.code(), c.stage),
        Err(r) => r,
    }
}

fn opened(party: Party, act: Date, today: Date) -> Case {
    apply(
        None,
        &Command::Open {
            source: Source::Inspection,
            party,
            domain: SupervisionDomain::PublicPlaces,
            power_code: "CF-003".into(),
            summary: "未取得卫生许可证擅自营业".into(),
            act_date: act,
            life_health_harm: false,
            illegal_practice: false,
            prior_penalties: 0,
        },
        &ctx(today, OFFICER_A),
    )
    .unwrap()
}

fn filed(today: Date) -> Case {
    let c = opened(organisation(), date(2025, 3, 1), today);
    step(
        &c,
        Command::File {
            handlers: vec![handler(OFFICER_A), handler(OFFICER_B)],
        },
        today,
        SECTION,
    )
}

fn with_evidence(c: &Case, today: Date) -> Case {
    step(
        c,
        Command::AddEvidence {
            kind: EvidenceType::Record,
            title: "现场笔录".into(),
            sha256: None,
            officers: vec![OFFICER_A, OFFICER_B],
        },
        today,
        OFFICER_A,
    )
}

fn band() -> Band {
    Band {
        power_code: "CF-003".into(),
        circumstance: Circumstance::Ordinary,
        min: Money::from_yuan(500),
        max: Money::from_yuan(2000),
        version: 1,
        description: "一般".into(),
        citation: "《公共场所卫生管理条例实施细则》第三十五条".into(),
    }
}

fn propose(fine_yuan: i64, major: bool) -> Command {
    Command::ProposeOutcome {
        outcome: Outcome::Penalty,
        facts: "经查，当事人未取得公共场所卫生许可证擅自营业".into(),
        legal_basis: "《公共场所卫生管理条例实施细则》第三十五条".into(),
        fine: Money::from_yuan(fine_yuan),
        confiscation: Money::ZERO,
        other_penalties: "警告".into(),
        heavy_penalty: false,
        circumstance: Some(Circumstance::Ordinary),
        band: Some(band()),
        out_of_band_reason: None,
        education_record: None,
        major,
    }
}

fn proposed(today: Date) -> Case {
    let c = with_evidence(&filed(today), today);
    step(&c, propose(1500, false), today, OFFICER_A)
}

fn hearing_case() -> Case {
    let today = date(2025, 4, 2);
    let c = with_evidence(&filed(today), today);
    let Command::ProposeOutcome {
        outcome,
        facts,
        legal_basis,
        fine,
        confiscation,
        circumstance,
        education_record,
        major,
        ..
    } = propose(1500, false)
    else {
        unreachable!()
    };
    let heavy = Command::ProposeOutcome {
        outcome,
        facts,
        legal_basis,
        fine,
        confiscation,
        circumstance,
        education_record,
        major,
        other_penalties: "吊销卫生许可证".into(),
        heavy_penalty: true,
        band: None,
        out_of_band_reason: None,
    };
    let p = step(&c, heavy, today, OFFICER_A);
    step(
        &p,
        Command::SendNotice { served_on: today },
        today,
        OFFICER_A,
    )
}

fn decided(on: Date) -> Case {
    let start = date(2025, 4, 1);
    let n = step(
        &proposed(start),
        Command::SendNotice { served_on: start },
        start,
        OFFICER_A,
    );
    let n = step(&n, Command::WaiveRights, start, OFFICER_A);
    step(
        &n,
        Command::Decide {
            number: "东卫罚〔2025〕12号".into(),
            fine: Money::from_yuan(1500),
            publish: false,
        },
        on,
        HEAD,
    )
}

fn summary(party: Party, fine_yuan: i64, on_spot: bool) -> Result<Case, Refusal> {
    apply(
        None,
        &Command::OpenSummary {
            party,
            domain: SupervisionDomain::PublicPlaces,
            power_code: "CF-004".into(),
            summary: "从业人员未取得健康合格证明".into(),
            handlers: vec![handler(OFFICER_A), handler(OFFICER_B)],
            number: "东卫当罚〔2025〕7号".into(),
            fine: Money::from_yuan(fine_yuan),
            warning: true,
            collected_on_spot: on_spot,
            collection_ground: None,
            legal_basis: "《公共场所卫生管理条例实施细则》第三十八条".into(),
        },
        &ctx(date(2025, 6, 3), OFFICER_A),
    )
}

fn summary_collected(fine_yuan: i64, ground: CollectionGround) -> Result<Case, Refusal> {
    apply(
        None,
        &Command::OpenSummary {
            party: organisation(),
            domain: SupervisionDomain::PublicPlaces,
            power_code: "CF-004".into(),
            summary: "从业人员未取得健康合格证明".into(),
            handlers: vec![handler(OFFICER_A), handler(OFFICER_B)],
            number: "东卫当罚〔2025〕8号".into(),
            fine: Money::from_yuan(fine_yuan),
            warning: false,
            collected_on_spot: true,
            collection_ground: Some(ground),
            legal_basis: "《公共场所卫生管理条例实施细则》第三十八条".into(),
        },
        &ctx(date(2025, 6, 3), OFFICER_A),
    )
}

/// A case decided on 2 April 2025, served directly the next day.
fn served(d: &Case) -> Case {
    step(
        d,
        Command::Serve {
            method: ServiceMethod::Direct,
            on: date(2025, 4, 3),
            receipt: "签收".into(),
            electronic_consent: false,
        },
        date(2025, 4, 3),
        OFFICER_A,
    )
}

/// A served case with its 1,500 yuan fine paid on 10 April 2025.
fn paid(s: &Case) -> Case {
    step(
        s,
        Command::RecordPayment {
            on: date(2025, 4, 10),
            amount: Money::from_yuan(1500),
            collected_on_spot: false,
        },
        date(2025, 4, 10),
        OFFICER_A,
    )
}

mod decision;
mod execution;
mod filing;
mod lifecycle;
mod property;
mod review;
