//! Penalty cases (行政处罚案件): the summary and ordinary procedures of the
//! Administrative Penalty Law (2021) as an exhaustive state machine.
//!
//! [`apply`] takes a case (or none, for commands that open one), a command and
//! the context of the moment (date, actor, rules, calendar) and returns the
//! next case or a [`Refusal`] naming the rule that forbids the step. It is
//! pure: the use case loads the facts a command needs (officers' credentials,
//! recusals, the discretion band) and passes them in with the command.
//!
//! The stages, in the order a penalty case usually runs:
//! 受理 Intake → 立案调查 Investigation → 拟处理意见 Proposed → (法制审核 Review,
//! 集体讨论, 事先告知 Notice, 听证 Hearing, in the order the agency works) →
//! 决定 Decided → 送达 Served → 执行 Execution / 强制执行 Enforcement →
//! 待结案 Closing → 结案 Closed → 归档 Archived. Side exits: 不予立案 NotFiled,
//! 移送司法 Transfer. The summary procedure opens directly at 当场处罚 Summary.

use crate::calendar::Calendar;
use crate::deadline::{self, Extension};
use crate::money::Money;
use crate::registry::{Circumstance, CredentialStatus, SupervisionDomain};
use crate::role::Role;
use crate::rules::RuleRegistry;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

mod checks;
mod command;
mod deadlines;
mod deciding;
mod execution;
mod facts;
mod invariants;
mod opening;
mod transitions;
mod types;

pub use checks::*;
pub use command::*;
pub use deadlines::*;
use deciding::*;
pub use facts::*;
pub use invariants::*;
use opening::*;
pub use transitions::*;
pub use types::*;

mod recompute;
pub use recompute::{MovedDeadline, recompute_provisional};

#[cfg(test)]
mod tests;
