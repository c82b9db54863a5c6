//! 金额 — money in fen (分), exact integer arithmetic.
//!
//! Parsed once at the edge ("12,345.60", "12345.6", "12345", "¥1,000"),
//! formatted as "12,345.60" and in 大写 ("壹万贰仟叁佰肆拾伍元陆角整").

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct Money(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error(
        "金额“{0}”格式不正确（如 12,345.60） / amount '{0}' is not a valid amount (e.g. 12,345.60)"
    )]
    Format(String),
    #[error("金额“{0}”最多两位小数（角、分） / amount '{0}' has more than two decimals")]
    TooManyDecimals(String),
    #[error("金额“{0}”不能为负数 / amount '{0}' must not be negative")]
    Negative(String),
    #[error("金额超出范围 / amount out of range")]
    Overflow,
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_fen(fen: i64) -> Money {
        Money(fen)
    }
    pub const fn from_yuan(yuan: i64) -> Money {
        Money(yuan * 100)
    }
    pub const fn fen(self) -> i64 {
        self.0
    }

    /// Parse a non-negative amount in yuan. Thousands separators (`,` `，`) and a
    /// leading `¥`/`￥` are accepted; at most two decimals.
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        let raw = text.trim();
        let t: String = raw
            .trim_start_matches(['¥', '￥'])
            .trim_end_matches('元')
            .chars()
            .filter(|c| *c != ',' && *c != '，')
            .collect();
        if t.starts_with('-') {
            return Err(MoneyError::Negative(raw.to_owned()));
        }
        let (whole, frac) = t.split_once('.').unwrap_or((t.as_str(), ""));
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(MoneyError::Format(raw.to_owned()));
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooManyDecimals(raw.to_owned()));
        }
        let yuan: i64 = whole.parse().map_err(|_| MoneyError::Overflow)?;
        let mut fen: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse()
                .map_err(|_| MoneyError::Format(raw.to_owned()))?
        };
        if frac.len() == 1 {
            fen *= 10;
        }
        yuan.checked_mul(100)
            .and_then(|y| y.checked_add(fen))
            .map(Money)
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }
    /// `self × basis_points / 10000`, rounded down to the fen.
    pub fn checked_mul_basis_points(self, basis_points: i64) -> Option<Money> {
        self.0.checked_mul(basis_points).map(|v| Money(v / 10_000))
    }

    /// "12,345.60"
    /// Plain yuan as a form shows it: `1500`, `1500.5` → `1500.50`.
    pub fn yuan_text(self) -> String {
        if self.0 % 100 == 0 {
            (self.0 / 100).to_string()
        } else {
            format!("{}.{:02}", self.0 / 100, (self.0 % 100).abs())
        }
    }

    pub fn format(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let grouped = group_digits(&(abs / 100).to_string());
        format!("{sign}{grouped}.{:02}", abs % 100)
    }

    /// 大写金额 as on official documents, e.g. 壹万贰仟叁佰肆拾伍元陆角整,
    /// 壹仟零伍元整, 零元整, 壹拾元零伍分.
    pub fn format_chinese_upper(self) -> String {
        const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
        const UNITS: [&str; 4] = ["", "拾", "佰", "仟"];
        const GROUPS: [&str; 4] = ["", "万", "亿", "万亿"];
        let negative = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let yuan = abs / 100;
        let jiao = usize::try_from(abs / 10 % 10).unwrap_or(0);
        let fen = usize::try_from(abs % 10).unwrap_or(0);
        let mut int_part = String::new();
        if yuan == 0 {
            int_part.push('零');
        } else {
            let mut groups = Vec::new();
            let mut y = yuan;
            while y > 0 {
                groups.push(y % 10_000);
                y /= 10_000;
            }
            let mut need_zero = false;
            for (gi, g) in groups.iter().enumerate().rev() {
                if *g == 0 {
                    need_zero = !int_part.is_empty();
                    continue;
                }
                if need_zero || (!int_part.is_empty() && *g < 1000) {
                    int_part.push('零');
                }
                need_zero = false;
                let digits = [g / 1000, g / 100 % 10, g / 10 % 10, g % 10];
                let mut zero_pending = false;
                let mut started = false;
                for (pos, d) in digits.iter().enumerate() {
                    if *d == 0 {
                        if started {
                            zero_pending = true;
                        }
                        continue;
                    }
                    if zero_pending {
                        int_part.push('零');
                        zero_pending = false;
                    }
                    started = true;
                    int_part.push(DIGITS[usize::try_from(*d).unwrap_or(0)]);
                    int_part.push_str(UNITS[3 - pos]);
                }
                int_part.push_str(GROUPS[gi.min(3)]);
            }
        }
        let mut out = String::new();
        if negative {
            out.push('负');
        }
        out.push_str(&int_part);
        out.push('元');
        match (jiao, fen) {
            (0, 0) => out.push('整'),
            (j, 0) => {
                out.push(DIGITS[j]);
                out.push_str("角整");
            }
            (0, f) => {
                if yuan > 0 {
                    out.push('零');
                }
                out.push(DIGITS[f]);
                out.push('分');
            }
            (j, f) => {
                out.push(DIGITS[j]);
                out.push('角');
                out.push(DIGITS[f]);
                out.push('分');
            }
        }
        out
    }
}

/// "1234567" → "1,234,567": digits grouped by thousands as figures are printed.
fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A whole number grouped by thousands: -1234567 → "-1,234,567".
pub fn group_thousands(n: i64) -> String {
    let grouped = group_digits(&n.unsigned_abs().to_string());
    if n < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.format())
    }
}

/// 加处罚款 (《行政处罚法》第七十二条, rule `ap_late_fee`): `rate_basis_points`
/// of the fine per day overdue (300 = 3%), the total capped at `cap_percent` of
/// the fine (100 = the fine itself). Days during reconsideration or litigation
/// are excluded by the caller.
pub fn late_fee(
    fine: Money,
    days_overdue: u32,
    rate_basis_points: i64,
    cap_percent: i64,
) -> Option<Money> {
    let daily = fine.checked_mul_basis_points(rate_basis_points)?;
    let total = daily.fen().checked_mul(i64::from(days_overdue))?;
    let cap = fine.fen().checked_mul(cap_percent)? / 100;
    Some(Money::from_fen(total.min(cap)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts_parse_with_separators_and_reject_garbage() {
        assert_eq!(Money::parse("12,345.60").unwrap().fen(), 1_234_560);
        assert_eq!(Money::parse("12345.6").unwrap().fen(), 1_234_560);
        assert_eq!(Money::parse("¥200").unwrap(), Money::from_yuan(200));
        assert_eq!(Money::parse("3，000元").unwrap(), Money::from_yuan(3000));
        assert!(matches!(
            Money::parse("1.234"),
            Err(MoneyError::TooManyDecimals(_))
        ));
        assert!(matches!(Money::parse("-5"), Err(MoneyError::Negative(_))));
        assert!(matches!(Money::parse("12a"), Err(MoneyError::Format(_))));
        assert!(matches!(Money::parse(""), Err(MoneyError::Format(_))));
        assert!(matches!(
            Money::parse("99999999999999999999"),
            Err(MoneyError::Overflow)
        ));
    }

    #[test]
    fn amounts_format_with_thousands_and_in_chinese_capitals() {
        assert_eq!(Money::from_fen(1_234_560).format(), "12,345.60");
        assert_eq!(Money::from_fen(5).format(), "0.05");
        assert_eq!(
            Money::from_fen(1_234_560).format_chinese_upper(),
            "壹万贰仟叁佰肆拾伍元陆角整"
        );
        assert_eq!(
            Money::from_yuan(1005).format_chinese_upper(),
            "壹仟零伍元整"
        );
        assert_eq!(
            Money::from_yuan(100_000).format_chinese_upper(),
            "壹拾万元整"
        );
        assert_eq!(
            Money::from_yuan(10_010).format_chinese_upper(),
            "壹万零壹拾元整"
        );
        assert_eq!(Money::from_yuan(200).format_chinese_upper(), "贰佰元整");
        assert_eq!(Money::from_fen(1005).format_chinese_upper(), "壹拾元零伍分");
        assert_eq!(Money::from_fen(0).format_chinese_upper(), "零元整");
        assert_eq!(Money::from_fen(35).format_chinese_upper(), "零元叁角伍分");
        assert_eq!(
            Money::from_yuan(100_000_000).format_chinese_upper(),
            "壹亿元整"
        );
        assert_eq!(
            Money::from_yuan(100_050_000).format_chinese_upper(),
            "壹亿零伍万元整"
        );
    }

    #[test]
    fn ap_late_fee_is_three_percent_a_day_capped_at_the_fine() {
        let fine = Money::from_yuan(10_000);
        assert_eq!(late_fee(fine, 1, 300, 100), Some(Money::from_yuan(300)));
        assert_eq!(late_fee(fine, 10, 300, 100), Some(Money::from_yuan(3_000)));
        assert_eq!(
            late_fee(fine, 34, 300, 100),
            Some(Money::from_yuan(10_000)),
            "capped at the fine"
        );
        assert_eq!(late_fee(fine, 0, 300, 100), Some(Money::ZERO));
    }

    proptest! {
        #[test]
        fn formatting_then_parsing_gives_the_same_amount(fen in 0i64..100_000_000_000) {
            let m = Money::from_fen(fen);
            prop_assert_eq!(Money::parse(&m.format()).unwrap(), m);
        }
    }
}
