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
    #[error(
        "居民身份证号码须为 18 位，前 17 位为数字（GB 11643-1999） / ID number must be 18 characters, the first 17 digits (GB 11643-1999)"
    )]
    IdFormat,
    #[error(
        "居民身份证号码中的出生日期无效（GB 11643-1999） / the ID number's birth date is not a real date"
    )]
    IdBirthDate,
    #[error(
        "居民身份证号码校验码错误，应为“{expected}”（GB 11643-1999） / ID number check digit is wrong, expected '{expected}'"
    )]
    IdCheck { expected: char },
    #[error(
        "电话号码格式不正确（手机 11 位，座机含区号） / phone number is not a mobile (11 digits) or a landline with area code"
    )]
    Phone,
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

/// 居民身份证号码 — 18 characters: 6-digit region, 8-digit birth date,
/// 3-digit sequence, and the ISO 7064 MOD 11-2 check character (0–9 or X).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdCardNumber(String);

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

impl IdCardNumber {
    pub fn parse(text: &str) -> Result<Self, IdentError> {
        let t = text.trim().to_ascii_uppercase();
        let chars: Vec<char> = t.chars().collect();
        if chars.len() != 18 || !chars[..17].iter().all(char::is_ascii_digit) {
            return Err(IdentError::IdFormat);
        }
        let year: i16 = t[6..10].parse().map_err(|_| IdentError::IdFormat)?;
        let month: i8 = t[10..12].parse().map_err(|_| IdentError::IdFormat)?;
        let day: i8 = t[12..14].parse().map_err(|_| IdentError::IdFormat)?;
        if year < 1900 || jiff::civil::Date::new(year, month, day).is_err() {
            return Err(IdentError::IdBirthDate);
        }
        let sum: u32 = chars[..17]
            .iter()
            .zip(ID_WEIGHTS)
            .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
            .sum();
        let expected = ID_CHECK[usize::try_from(sum % 11).unwrap_or(0)];
        if chars[17] != expected {
            return Err(IdentError::IdCheck { expected });
        }
        Ok(IdCardNumber(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For public pages: region code and the last four kept, birth date hidden.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

/// 电话号码 — a mainland mobile (1[3-9] + 9 digits) or a landline with its area code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(text: &str) -> Result<Self, IdentError> {
        let t: String = text
            .trim()
            .chars()
            .filter(|c| *c != ' ' && *c != '-')
            .collect();
        let t = t.strip_prefix("+86").unwrap_or(&t).to_owned();
        let digits = t.bytes().all(|b| b.is_ascii_digit());
        let mobile =
            digits && t.len() == 11 && t.starts_with('1') && matches!(t.as_bytes()[1], b'3'..=b'9');
        let landline = digits && t.starts_with('0') && (10..=12).contains(&t.len());
        if mobile || landline {
            Ok(PhoneNumber(t))
        } else {
            Err(IdentError::Phone)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 138****1234 for mobiles; landlines keep the area code and the last two.
    pub fn masked(&self) -> String {
        if self.0.starts_with('1') {
            format!("{}****{}", &self.0[..3], &self.0[7..])
        } else {
            let keep = if self.0.starts_with("01") || self.0.starts_with("02") {
                3
            } else {
                4
            };
            format!(
                "{}{}{}",
                &self.0[..keep],
                "*".repeat(self.0.len() - keep - 2),
                &self.0[self.0.len() - 2..]
            )
        }
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

    #[test]
    fn id_numbers_check_their_birth_date_and_check_digit() {
        // GB 11643-1999's worked example.
        let id = IdCardNumber::parse("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.masked(), "110105********002X");
        assert_eq!(
            IdCardNumber::parse("110105194912310021"),
            Err(IdentError::IdCheck { expected: 'X' })
        );
        assert_eq!(
            IdCardNumber::parse("110105194902300021"),
            Err(IdentError::IdBirthDate)
        );
        assert_eq!(
            IdCardNumber::parse("1101051949123100"),
            Err(IdentError::IdFormat)
        );
    }

    #[test]
    fn phones_accept_mobiles_and_landlines_and_mask_the_middle() {
        let m = PhoneNumber::parse("+86 138-1234-5678").unwrap();
        assert_eq!(m.as_str(), "13812345678");
        assert_eq!(m.masked(), "138****5678");
        assert_eq!(
            PhoneNumber::parse("010-12345678").unwrap().masked(),
            "010******78"
        );
        assert!(PhoneNumber::parse("12812345678").is_err());
        assert!(PhoneNumber::parse("12345").is_err());
    }
}
