//! Natural persons' names: known ones, and ones named after a role word.

use super::{COMPOUND_SURNAMES, Finding, Kind, is_cjk, mask_person_name};

/// Words for a person's role in a case or complaint, after which a name may
/// follow (举报人张三称, 患者王小明, 当事人：李四). Longest first, so
/// 被举报人 is met before the 举报人 inside it. 法定代表人 and 负责人 are not
/// among them: the publicity rules show an organisation's legal
/// representative by name.
const ROLE_WORDS: &[&str] = &[
    "委托代理人",
    "法定代理人",
    "非卫生技术人员",
    "被举报人",
    "被投诉人",
    "被申请人",
    "被检查人",
    "受送达人",
    "举报人",
    "投诉人",
    "申请人",
    "当事人",
    "就诊者",
    "就诊人",
    "受害人",
    "被害人",
    "监护人",
    "代理人",
    "求助人",
    "来电人",
    "来访人",
    "反映人",
    "信访人",
    "咨询人",
    "消费者",
    "经营者",
    "联系人",
    "见证人",
    "签收人",
    "操作人",
    "患者",
    "患儿",
    "病人",
    "病患",
    "伤者",
    "死者",
    "孕妇",
    "产妇",
    "证人",
    "家属",
    "亲属",
    "顾客",
    "居民",
    "村民",
    "住户",
    "业主",
    "租户",
    "房东",
    "店主",
    "员工",
    "职工",
    "雇员",
    "人员",
    "医师",
    "医生",
    "护士",
    "厨师",
    "其妻",
    "其夫",
    "男子",
    "女子",
    "姓名",
];

/// Common single-character surnames (the great majority of the population).
/// Characters that are surnames but mostly ordinary words after a role word
/// (和, 成, 时, 文, 明, 国 …) are left out; those kept are guarded by
/// [`NOT_NAMES`] and [`STOP_CHARS`].
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋\
    蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎\
    贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞\
    左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟\
    艾尤穆农卓古吉缪简车项连麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟应臧闵苟邬边卞姬师仇栾隋商刁\
    沙荣巫寇桑郎甄丛仲虞敖巩佘池查苑迟邝封匡鞠荆冀郁胥班储栗燕楚鄢谌奚皮粟冼蔺楼满闻厉伊仝郜阚权帅\
    屠朴练廉禹井祖漆巴丰卿狄晋扈晁芮阙戈伏鹿薄邸雍辜羊乌裘亓邰赫杭况鲜印逯茹诸慕亢嵇湛宾戎勾茅揭尉\
    冶束檀昝于";

/// Characters that end a name and never begin a given name: words that
/// follow a name in a sentence (称, 在, 于, 的, 等 …) and the 某 of a name
/// already masked.
const STOP_CHARS: &str = "称说讲道在于的地得了着过和与及或等因未无不没已曾将把被让向对从自到至为是有要会能\
    可应当经就来去也都又还并且而但却则即所其之此该本我你他她它们这那某述辩诉请报映表认拒同次今近上下前\
    后内外年月日时多少现均仍便遂再亦乃反投举提申签收持使用以作给";

/// Two characters after a role word that begin with a surname but are
/// ordinary words (当事人陈述, 当事人尚未, 患者家属 …).
const NOT_NAMES: &[&str] = &[
    "陈述", "申辩", "申请", "申报", "申诉", "应当", "应该", "应予", "尚未", "尚无", "尚在", "包括",
    "包装", "符合", "单位", "卫生", "卫健", "管理", "解释", "任职", "连续", "查看", "查处", "毕业",
    "甘愿", "党员", "安排", "安全", "关于", "方面", "常年", "常住", "车辆", "金额", "余额", "宁愿",
    "宁可", "康复", "路过", "路边", "严重", "严格", "房屋", "房间", "权益", "许可", "程序", "高度",
    "陆续", "付款", "项目", "钱款", "商品", "章程", "费用", "戴口", "伍拾", "万元",
];

/// Characters that make the words after a role word a place or an
/// organisation, not a person (当事人福州市某某诊所, 当事人王记小吃店).
const PLACE_CHARS: &str = "省市县区镇乡村州旗盟";
const ORGANISATION_CHARS: &str = "店院所厂部馆社站室局委会场铺吧队校司行坊堂城园";

/// Names written after a role word, each a finding replacing it with
/// [`mask_person_name`]. Already masked names (张某某, 李某) are not found.
pub(super) fn role_name_findings(chars: &[char]) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some(role) = ROLE_WORDS.iter().find(|w| starts_with(chars, i, w)) else {
            i += 1;
            continue;
        };
        let mut at = skip_separators(chars, i + role.chars().count());
        i = at;
        // 举报人张三、李四称: a list of names after one role word.
        while let Some(end) = name_at(chars, at) {
            let name: String = chars[at..end].iter().collect();
            out.push(Finding {
                start: at,
                end,
                kind: Kind::Name,
                replacement: mask_person_name(&name),
            });
            i = end;
            match chars.get(end) {
                Some('、') => at = skip_separators(chars, end + 1),
                _ => break,
            }
        }
    }
    out
}

fn starts_with(chars: &[char], i: usize, word: &str) -> bool {
    word.chars()
        .enumerate()
        .all(|(k, c)| chars.get(i + k) == Some(&c))
}

fn skip_separators(chars: &[char], mut i: usize) -> usize {
    while chars
        .get(i)
        .is_some_and(|c| matches!(c, ' ' | '\u{3000}' | '：' | ':'))
    {
        i += 1;
    }
    i
}

/// The end of an unmasked natural person's name starting at `at`: a common
/// surname (a compound one whole) and one or two given-name characters.
fn name_at(chars: &[char], at: usize) -> Option<usize> {
    // The words after the role word, up to a character that ends a name.
    let phrase_end = (at..chars.len().min(at + 12))
        .find(|k| !is_cjk(chars[*k]) || STOP_CHARS.contains(chars[*k]))
        .unwrap_or(chars.len().min(at + 12));
    let phrase = &chars[at..phrase_end];
    // A compound surname is taken whole even when nothing follows it, so
    // that 欧阳某某 is seen as masked and not as 欧 + 阳.
    let surname_len = if COMPOUND_SURNAMES.iter().any(|s| starts_with(chars, at, s)) {
        2
    } else if phrase.first().is_some_and(|c| SURNAMES.contains(*c)) {
        1
    } else {
        return None;
    };
    if phrase.len() <= surname_len {
        // No given name, or an already masked one (张某某: 某 ends the phrase).
        return None;
    }
    // 卫医罚〔2026〕15号: the start of a document number, not a name.
    if phrase.contains(&'罚') || chars.get(phrase_end).is_some_and(|c| "〔[【".contains(*c)) {
        return None;
    }
    let first_two: String = phrase[..2].iter().collect();
    if NOT_NAMES.contains(&first_two.as_str()) || phrase.iter().any(|c| PLACE_CHARS.contains(*c)) {
        return None;
    }
    let name_len = (surname_len + 2).min(phrase.len());
    if phrase.len() > name_len && phrase.iter().any(|c| ORGANISATION_CHARS.contains(*c)) {
        return None;
    }
    Some(at + name_len)
}

pub(super) fn name_findings(
    chars: &[char],
    known_people: &[&str],
    taken: &[Finding],
) -> Vec<Finding> {
    let mut names: Vec<Vec<char>> = known_people
        .iter()
        .map(|n| n.trim().chars().collect::<Vec<char>>())
        .filter(|n| n.len() >= 2)
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.dedup();
    let mut out: Vec<Finding> = Vec::new();
    for name in names {
        let plain: String = name.iter().collect();
        let masked = mask_person_name(&plain);
        if masked == plain {
            continue;
        }
        let len = name.len();
        let mut i = 0;
        while i + len <= chars.len() {
            let candidate = Finding {
                start: i,
                end: i + len,
                kind: Kind::Name,
                replacement: masked.clone(),
            };
            if chars[i..i + len] == name[..]
                && whole_word(chars, i, i + len)
                && !taken.iter().chain(&out).any(|t| t.overlaps(&candidate))
            {
                out.push(candidate);
                i += len;
            } else {
                i += 1;
            }
        }
    }
    out
}

/// A match that begins or ends with a Latin letter or digit must not cut an
/// ASCII word (Ann in Annual; 张3 in 张31381…).
fn whole_word(chars: &[char], start: usize, end: usize) -> bool {
    let alnum = |c: &char| c.is_ascii_alphanumeric();
    let left_ok = !(alnum(&chars[start]) && start > 0 && alnum(&chars[start - 1]));
    let right_ok = !(alnum(&chars[end - 1]) && chars.get(end).is_some_and(alnum));
    left_ok && right_ok
}
