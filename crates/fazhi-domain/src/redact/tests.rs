use super::*;
use crate::ident::{IdCardNumber, Uscc};

fn id_with_check(prefix17: &str) -> String {
    "0123456789X"
        .chars()
        .map(|c| format!("{prefix17}{c}"))
        .find(|id| IdCardNumber::parse(id).is_ok())
        .unwrap()
}

// ---- names ----

#[test]
fn a_two_or_three_character_chinese_name_keeps_only_the_surname() {
    assert_eq!(mask_person_name("张三"), "张某某");
    assert_eq!(mask_person_name("李小明"), "李某某");
    assert_eq!(mask_person_name(" 王五 "), "王某某");
}

#[test]
fn a_compound_surname_is_kept_whole() {
    assert_eq!(mask_person_name("欧阳娜娜"), "欧阳某某");
    assert_eq!(mask_person_name("诸葛亮"), "诸葛某某");
    assert_eq!(mask_person_name("司马相如"), "司马某某");
    // Two characters are a single surname and a given name.
    assert_eq!(mask_person_name("欧阳"), "欧某某");
}

#[test]
fn a_non_chinese_name_keeps_its_first_letter() {
    assert_eq!(mask_person_name("John Smith"), "J*");
}

#[test]
fn an_empty_name_stays_empty() {
    assert_eq!(mask_person_name(""), "");
    assert_eq!(mask_person_name("  "), "");
}

#[test]
fn masking_a_masked_name_changes_nothing() {
    assert_eq!(mask_person_name("张某某"), "张某某");
    assert_eq!(mask_person_name("欧阳某某"), "欧阳某某");
}

#[test]
fn a_name_appearing_twice_is_masked_twice() {
    let r = redact_text("当事人张三经营的店铺，张三拒不整改。", &["张三"]);
    assert_eq!(r.text, "当事人张某某经营的店铺，张某某拒不整改。");
    assert_eq!(r.marks, 2);
}

#[test]
fn a_compound_surname_in_text_is_masked_keeping_both_characters() {
    let r = redact_text("欧阳娜娜未取得健康证明", &["欧阳娜娜"]);
    assert_eq!(r.text, "欧阳某某未取得健康证明");
    assert_eq!(r.marks, 1);
}

#[test]
fn the_longest_known_name_is_masked_first() {
    let r = redact_text("李小明与李小到场", &["李小", "李小明"]);
    assert_eq!(r.text, "李某某与李某某到场");
    assert_eq!(r.marks, 2);
}

#[test]
fn a_latin_name_is_masked_only_as_a_whole_word() {
    let r = redact_text("Ann signed the Annual report", &["Ann"]);
    assert_eq!(r.text, "A* signed the Annual report");
    assert_eq!(r.marks, 1);
}

#[test]
fn a_one_character_name_is_not_searched_for() {
    let r = redact_text("张家港张某", &["张"]);
    assert_eq!(r.text, "张家港张某");
    assert_eq!(r.marks, 0);
}

// ---- ID numbers ----

#[test]
fn an_id_number_inside_a_sentence_keeps_its_region_code_and_last_four() {
    let r = redact_text("当事人身份证号11010519491231002X，住北京。", &[]);
    assert_eq!(r.text, "当事人身份证号110105********002X，住北京。");
    assert_eq!(r.marks, 1);
    let id = id_with_check("35010219850615123");
    let r = redact_text(&format!("身份证{id}号"), &[]);
    assert_eq!(
        r.text,
        "身份证350102********123".to_owned() + &id[17..] + "号"
    );
}

#[test]
fn a_lowercase_x_id_number_is_masked_in_upper_case() {
    let r = redact_text("证号11010519491231002x。", &[]);
    assert_eq!(r.text, "证号110105********002X。");
}

#[test]
fn an_id_number_with_a_wrong_check_digit_but_a_real_birth_date_is_still_masked() {
    // The correct check character is X.
    let r = redact_text("证件号110105194912310021", &[]);
    assert_eq!(r.text, "证件号110105********0021");
    assert_eq!(r.marks, 1);
}

#[test]
fn an_eighteen_digit_number_without_a_birth_date_is_masked_as_a_card() {
    let r = redact_text("订单123456000000001234", &[]);
    assert_eq!(r.text, "订单1234****1234");
}

#[test]
fn a_full_width_id_number_is_masked() {
    let r = redact_text("身份证号１１０１０５１９４９１２３１００２Ｘ", &[]);
    assert_eq!(r.text, "身份证号110105********002X");
}

// ---- phones ----

#[test]
fn a_phone_next_to_chinese_text_is_masked() {
    let r = redact_text("联系电话13812345678。", &[]);
    assert_eq!(r.text, "联系电话138****5678。");
    assert_eq!(r.marks, 1);
}

#[test]
fn grouped_and_international_mobiles_are_masked() {
    assert_eq!(
        redact_text("手机 138 1234 5678", &[]).text,
        "手机 138****5678"
    );
    assert_eq!(
        redact_text("手机138-1234-5678", &[]).text,
        "手机138****5678"
    );
    assert_eq!(redact_text("+8613812345678", &[]).text, "+86138****5678");
    assert_eq!(
        redact_text("+86 138 1234 5678", &[]).text,
        "+86 138****5678"
    );
}

#[test]
fn a_mobile_like_run_inside_a_longer_number_is_not_a_phone() {
    let r = redact_text("编号138123456789", &[]);
    assert_eq!(r.text, "编号138123456789");
    assert_eq!(r.marks, 0);
}

#[test]
fn a_landline_with_area_code_is_masked() {
    assert_eq!(redact_text("电话010-12345678", &[]).text, "电话010******78");
    assert_eq!(
        redact_text("电话0591-87654321。", &[]).text,
        "电话0591******21。"
    );
    assert_eq!(
        redact_text("电话059187654321", &[]).text,
        "电话0591******21"
    );
    assert_eq!(
        redact_text("电话010-12345678-801", &[]).text,
        "电话010******78-801"
    );
}

// ---- bank cards ----

#[test]
fn a_bank_card_keeps_its_first_and_last_four() {
    assert_eq!(
        redact_text("账号6222021234567890123，", &[]).text,
        "账号6222****0123，"
    );
    assert_eq!(
        redact_text("卡号 6222 0212 3456 7890 ", &[]).text,
        "卡号 6222****7890 "
    );
    assert_eq!(
        redact_text("卡号6222-0212-3456-7890-123", &[]).text,
        "卡号6222****0123"
    );
}

#[test]
fn a_twenty_digit_serial_is_left_alone() {
    let text = "流水号20250312000000012345已登记";
    let r = redact_text(text, &[]);
    assert_eq!(r.text, text);
    assert_eq!(r.marks, 0);
    assert!(find_personal_identifiers(text).is_empty());
}

// ---- organisations ----

#[test]
fn a_uscc_stays_visible() {
    let text = "某某餐饮有限公司（统一社会信用代码91350100M000100Y43）";
    let r = redact_text(text, &[]);
    assert_eq!(r.text, text);
    assert_eq!(r.marks, 0);
    assert!(find_personal_identifiers(text).is_empty());
}

#[test]
fn an_all_digit_uscc_stays_visible() {
    let uscc = (0..1000)
        .map(|k| format!("913501000{k:08}"))
        .find_map(|p| {
            Uscc::check_character(&p)
                .filter(char::is_ascii_digit)
                .map(|c| format!("{p}{c}"))
        })
        .unwrap();
    let text = format!("信用代码：{uscc}。");
    assert_eq!(redact_text(&text, &[]).text, text);
}

// ---- addresses ----

#[test]
fn a_home_address_keeps_only_the_district() {
    let r = redact_text(
        "家庭住址：福建省福州市鼓楼区某某路88号3单元，电话13812345678",
        &[],
    );
    assert_eq!(r.text, "家庭住址：福建省福州市鼓楼区***，电话138****5678");
    assert_eq!(r.marks, 2);
    assert_eq!(
        redact_text("户籍地: 福建省闽侯县上街镇某某村5号。", &[]).text,
        "户籍地: 福建省闽侯县***。"
    );
}

#[test]
fn a_residential_compound_is_not_taken_for_a_district() {
    assert_eq!(
        redact_text("住址：福州市某某小区5栋601；", &[]).text,
        "住址：福州市***；"
    );
}

#[test]
fn an_address_without_a_district_is_hidden_whole() {
    let r = redact_text("居住地：某某村委会旁边\n", &[]);
    assert_eq!(r.text, "居住地：***\n");
    assert_eq!(r.marks, 1);
}

#[test]
fn an_address_label_without_a_colon_is_ordinary_text() {
    let text = "核实其住所是否变更";
    assert_eq!(redact_text(text, &[]).text, text);
}

// ---- first-generation ID numbers ----

#[test]
fn a_fifteen_digit_old_id_number_keeps_its_region_code_and_last_three() {
    let r = redact_text("当事人身份证号110105491231002，住北京。", &[]);
    assert_eq!(r.text, "当事人身份证号110105******002，住北京。");
    assert_eq!(r.marks, 1);
    assert_eq!(
        find_personal_identifiers("旧证号350102850615123"),
        vec!["350102850615123"]
    );
}

#[test]
fn a_fifteen_digit_number_without_a_birth_date_is_left_alone() {
    // Month 13 is no date.
    let text = "编号350102851315123";
    assert_eq!(redact_text(text, &[]).text, text);
    assert!(find_personal_identifiers(text).is_empty());
}

#[test]
fn a_fifteen_digit_registration_number_after_its_label_stays_visible() {
    let text = "营业执照注册号：350100850615123。";
    assert_eq!(redact_text(text, &[]).text, text);
    assert!(find_personal_identifiers(text).is_empty());
}

// ---- mobiles with a country prefix ----

#[test]
fn a_mobile_with_86_written_together_is_masked() {
    assert_eq!(
        redact_text("电话8613912345678。", &[]).text,
        "电话86139****5678。"
    );
    assert_eq!(
        redact_text("电话008613912345678", &[]).text,
        "电话0086139****5678"
    );
    assert_eq!(
        find_personal_identifiers("8613912345678 008613912345678"),
        vec!["8613912345678", "008613912345678"]
    );
}

#[test]
fn a_mobile_after_a_separated_country_prefix_is_masked() {
    assert_eq!(
        redact_text("+86 139-1234-5678", &[]).text,
        "+86 139****5678"
    );
    assert_eq!(
        redact_text("+86-139-1234-5678", &[]).text,
        "+86-139****5678"
    );
    assert_eq!(
        redact_text("0086 139 1234 5678", &[]).text,
        "0086 139****5678"
    );
    assert_eq!(redact_text("+86 13912345678", &[]).text, "+86 139****5678");
}

// ---- addresses without a label ----

#[test]
fn an_address_written_as_a_phrase_keeps_only_the_district() {
    assert_eq!(
        redact_text("当事人家住福州市鼓楼区某某路88号，", &[]).text,
        "当事人家住福州市鼓楼区***，"
    );
    assert_eq!(
        redact_text("现住闽侯县上街镇某某村5号。", &[]).text,
        "现住闽侯县***。"
    );
    assert_eq!(
        redact_text("住址福州市台江区某某小区3栋", &[]).text,
        "住址福州市台江区***"
    );
    assert_eq!(
        redact_text("其居住在仓山区某某路1号；", &[]).text,
        "其居住在仓山区***；"
    );
    assert_eq!(redact_text("住址为某某村3组", &[]).text, "住址为***");
}

#[test]
fn a_phrase_that_is_not_an_address_is_ordinary_text() {
    for text in [
        "患者现住院治疗",
        "核实其住址是否变更",
        "国家住房公积金",
        "家住附近",
        "暂住证明已提交",
    ] {
        let r = redact_text(text, &[]);
        assert_eq!(r.text, text);
        assert_eq!(r.marks, 0);
    }
}

// ---- persons named after a role word ----

#[test]
fn a_name_after_a_role_word_is_masked() {
    let cases = [
        ("举报人张三称该店无证经营", "举报人张某某称该店无证经营"),
        ("患者王小明于3月就诊", "患者王某某于3月就诊"),
        ("患者王小明", "患者王某某"),
        ("当事人：李四，男", "当事人：李某某，男"),
        ("投诉人欧阳娜娜反映", "投诉人欧阳某某反映"),
        ("被举报人赵六经营的诊所", "被举报人赵某某经营的诊所"),
        (
            "聘用非卫生技术人员孙七从事诊疗",
            "聘用非卫生技术人员孙某某从事诊疗",
        ),
        ("姓名：周八", "姓名：周某某"),
    ];
    for (text, want) in cases {
        let r = redact_text(text, &[]);
        assert_eq!(r.text, want, "{text}");
        assert_eq!(r.marks, 1, "{text}");
    }
}

#[test]
fn a_name_found_after_a_role_word_is_masked_everywhere() {
    let r = redact_text("举报人张三称……经核实，张三所述属实。", &[]);
    assert_eq!(r.text, "举报人张某某称……经核实，张某某所述属实。");
    assert_eq!(r.marks, 2);
}

#[test]
fn a_list_of_names_after_one_role_word_is_masked() {
    let r = redact_text("举报人张三、李小红称", &[]);
    assert_eq!(r.text, "举报人张某某、李某某称");
}

#[test]
fn an_already_masked_name_after_a_role_word_is_left_as_it_is() {
    for text in ["当事人李某某经营", "患者王某就诊", "当事人欧阳某某"] {
        let r = redact_text(text, &[]);
        assert_eq!(r.text, text);
        assert_eq!(r.marks, 0);
        assert!(find_personal_identifiers(text).is_empty());
    }
}

#[test]
fn ordinary_words_and_organisations_after_a_role_word_stay() {
    for text in [
        "当事人陈述申辩意见已听取",
        "当事人于2026年3月12日",
        "当事人尚未改正",
        "当事人应当在十五日内缴纳罚款",
        "当事人福州市鼓楼区某某诊所",
        "当事人王记小吃店未取得卫生许可证",
        "当事人江西省某某医药有限公司",
        "消费者权益保护",
        "已告知举报人向有关部门反映",
        "法定代表人张三",
        "从业人员健康证明",
        "当事人有证据足以证明没有主观过错",
    ] {
        let r = redact_text(text, &[]);
        assert_eq!(r.text, text);
        assert_eq!(r.marks, 0, "{text}");
    }
}

#[test]
fn find_personal_identifiers_reports_a_name_after_a_role_word() {
    assert_eq!(
        find_personal_identifiers("举报人张三称，电话13812345678"),
        vec!["张三", "13812345678"]
    );
}

#[test]
fn dates_amounts_and_document_numbers_stay() {
    let text = "卫医罚〔2026〕15号：2026年3月12日，罚款人民币5,000.00元，\
                (2026)闽0102行初123号，统一社会信用代码91350100M000100Y43，\
                时间2026-03-12 08:30，金额12345678.90元";
    let r = redact_text(text, &[]);
    assert_eq!(r.text, text);
    assert_eq!(r.marks, 0);
}

// ---- the whole ----

#[test]
fn redacting_twice_changes_nothing_more() {
    let text = "当事人张三，身份证号11010519491231002X，住址：北京市朝阳区某路1号，\
                手机13812345678，账号6222021234567890123。";
    let once = redact_text(text, &["张三"]);
    assert_eq!(once.marks, 5);
    let twice = redact_text(&once.text, &["张三"]);
    assert_eq!(twice.text, once.text);
    assert_eq!(twice.marks, 0);
}

#[test]
fn find_personal_identifiers_lists_what_a_page_must_not_show() {
    let found = find_personal_identifiers(
        "身份证11010519491231002X，电话13812345678，卡6222021234567890123，\
         办公电话0591-87654321，代码91350100M000100Y43",
    );
    assert_eq!(
        found,
        vec!["11010519491231002X", "13812345678", "6222021234567890123"]
    );
}

#[test]
fn empty_text_stays_empty() {
    assert_eq!(
        redact_text("", &["张三"]),
        Redacted {
            text: String::new(),
            marks: 0
        }
    );
    assert!(find_personal_identifiers("").is_empty());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn id_number() -> impl Strategy<Value = String> {
        (
            "[1-6][0-9]{5}",
            1930u16..2020,
            1u8..=12,
            1u8..=28,
            "[0-9]{3}",
        )
            .prop_map(|(region, y, m, d, seq)| {
                id_with_check(&format!("{region}{y}{m:02}{d:02}{seq}"))
            })
    }

    const ROLE_SAMPLES: &[&str] = &["举报人", "当事人", "患者", "人员", "姓名", "被举报人"];
    const SURNAME_SAMPLES: &[&str] = &["张", "王", "欧阳", "陈", "于", "李小", "店", "市"];
    const ADDRESS_PHRASES: &[&str] = &["家住", "现住", "住址", "居住在", "为", "路", "院"];

    fn old_id_number() -> impl Strategy<Value = String> {
        ("[1-8][0-9]{5}", 0u8..100, 1u8..=12, 1u8..=28, "[0-9]{3}")
            .prop_map(|(region, y, m, d, seq)| format!("{region}{y:02}{m:02}{d:02}{seq}"))
    }

    /// Text no rule may touch: dates, amounts, document and case numbers,
    /// organisations and their codes.
    fn safe_fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            (2000u16..2100, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| format!("{y}年{m}月{d}日")),
            (2000u16..2100, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
            (1u32..1_000_000, 0u8..100).prop_map(|(y, f)| format!("罚款{y}.{f:02}元")),
            (2000u16..2100, 1u16..999).prop_map(|(y, n)| format!("卫医罚〔{y}〕{n}号")),
            (2000u16..2100, 1u16..9999).prop_map(|(y, n)| format!("（{y}）闽0102行初{n}号")),
            Just("91350100M000100Y43".to_owned()),
            Just("福州市鼓楼区卫生健康局".to_owned()),
            Just("某某餐饮有限公司".to_owned()),
            Just("当事人".to_owned()),
        ]
    }

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9]{1,21}",
            id_number(),
            "1[3-9][0-9]{9}",
            "0[1-9][0-9]{1,2}-[1-9][0-9]{6,7}",
            "[0-9]{4}( [0-9]{4}){3,4}",
            "[０-９]{1,12}",
            "[ \\-+Xx]",
            "[A-Z0-9]{1,18}",
            "[一-龥]{1,3}",
            Just("住址：".to_owned()),
            Just("区".to_owned()),
            Just("，".to_owned()),
            Just("***".to_owned()),
            Just("91350100M000100Y43".to_owned()),
            old_id_number(),
            Just("+86 ".to_owned()),
            Just("0086".to_owned()),
            Just("86".to_owned()),
            Just("某".to_owned()),
            Just("、".to_owned()),
            Just("：".to_owned()),
            prop::sample::select(ROLE_SAMPLES).prop_map(str::to_owned),
            prop::sample::select(SURNAME_SAMPLES).prop_map(str::to_owned),
            prop::sample::select(ADDRESS_PHRASES).prop_map(str::to_owned),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(fragment(), 0..16).prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, .. ProptestConfig::default() })]

        /// Whatever the text, nothing the page check looks for survives redaction.
        #[test]
        fn redacted_text_never_shows_a_personal_identifier(text in text()) {
            let r = redact_text(&text, &[]);
            prop_assert!(find_personal_identifiers(&r.text).is_empty(), "{text} → {}", r.text);
        }

        /// Known names do not undo that guarantee either.
        #[test]
        fn redacted_text_with_names_never_shows_a_personal_identifier(
            text in text(),
            names in proptest::collection::vec("[一-龥A-Za-z0-9]{1,4}", 0..4),
        ) {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let r = redact_text(&text, &names);
            prop_assert!(find_personal_identifiers(&r.text).is_empty(), "{text} → {}", r.text);
        }

        /// Dates, amounts, document and case numbers and organisations'
        /// codes pass unchanged.
        #[test]
        fn dates_amounts_numbers_and_organisations_are_never_masked(
            parts in proptest::collection::vec(safe_fragment(), 0..12),
        ) {
            let text = parts.join("，");
            let r = redact_text(&text, &[]);
            prop_assert_eq!(&r.text, &text);
            prop_assert_eq!(r.marks, 0);
        }

        /// A USCC survives whatever surrounds it, when set apart from it.
        #[test]
        fn a_uscc_is_never_masked(before in text(), after in text()) {
            let text = format!("{before}，91350100M000100Y43，{after}");
            let r = redact_text(&text, &[]);
            prop_assert!(r.text.contains("，91350100M000100Y43，"), "{text} → {}", r.text);
        }

        /// Redacting a redacted text finds nothing more to hide.
        #[test]
        fn redaction_is_idempotent(text in text()) {
            let once = redact_text(&text, &[]);
            let twice = redact_text(&once.text, &[]);
            prop_assert_eq!(&twice.text, &once.text, "from {}", text);
            prop_assert_eq!(twice.marks, 0);
        }
    }
}
