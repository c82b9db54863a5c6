//! Validated identifiers (parse at the edge, newtypes after).

/// Errors carry a bilingual message naming the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentError {
    #[error(
        "统一社会信用代码须为 18 位（GB 32100-2015） / USCC must be 18 characters (GB 32100-2015)"
    )]
    UsccLength,
    #[error(
        "统一社会信用代码含有不允许的字符“{0}”（GB 32100-2015） / USCC contains the character '{0}', not allowed by GB 32100-2015"
    )]
    UsccCharacter(char),
    #[error(
        "统一社会信用代码校验位错误，应为“{expected}”（GB 32100-2015） / USCC check character is wrong, expected '{expected}'"
    )]
    UsccCheck { expected: char },
}

/// 统一社会信用代码 — 18 characters from the GB 32100-2015 alphabet
/// (digits and capitals without I, O, Z, S, V) ending in a check character.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Uscc(String);

const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

impl Uscc {
    pub fn parse(text: &str) -> Result<Self, IdentError> {
        let chars: Vec<char> = text.trim().chars().collect();
        if chars.len() != 18 {
            return Err(IdentError::UsccLength);
        }
        let mut values = Vec::with_capacity(18);
        for c in &chars {
            let v = USCC_ALPHABET
                .find(*c)
                .ok_or(IdentError::UsccCharacter(*c))?;
            values.push(u32::try_from(v).map_err(|_| IdentError::UsccCharacter(*c))?);
        }
        let sum: u32 = values.iter().zip(USCC_WEIGHTS).map(|(v, w)| v * w).sum();
        let check = (31 - sum % 31) % 31;
        let expected = USCC_ALPHABET
            .chars()
            .nth(usize::try_from(check).unwrap_or(0))
            .unwrap_or('0');
        if chars[17] != expected {
            return Err(IdentError::UsccCheck { expected });
        }
        Ok(Uscc(chars.into_iter().collect()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The check character a 17-character prefix needs (for generating test data).
    pub fn check_character(prefix17: &str) -> Option<char> {
        let mut sum = 0u32;
        let mut n = 0;
        for (c, w) in prefix17.chars().zip(USCC_WEIGHTS) {
            sum += u32::try_from(USCC_ALPHABET.find(c)?).ok()? * w;
            n += 1;
        }
        if n != 17 {
            return None;
        }
        USCC_ALPHABET
            .chars()
            .nth(usize::try_from((31 - sum % 31) % 31).ok()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_published_uscc_passes_and_a_changed_check_character_fails() {
        // 91350100M000100Y43 is the standard's worked example.
        assert_eq!(
            Uscc::parse("91350100M000100Y43").unwrap().as_str(),
            "91350100M000100Y43"
        );
        assert_eq!(
            Uscc::parse("91350100M000100Y44"),
            Err(IdentError::UsccCheck { expected: '3' })
        );
        assert_eq!(Uscc::parse("91350100M00010"), Err(IdentError::UsccLength));
        assert_eq!(
            Uscc::parse("91350100I000100Y43"),
            Err(IdentError::UsccCharacter('I'))
        );
        assert_eq!(Uscc::check_character("91350100M000100Y4"), Some('3'));
    }
}
