//! The public notice list and its search, on both backends: every filter,
//! keyset page and search term gives exactly the visible notices a plain
//! scan of the rows gives, in the same order, also where the PostgreSQL
//! search crosses from its newest-first slice to the GIN index.

use crate::tree;
use fazhi_store::notices::{self, Lifecycle, NewNotice, PublicFilter};
use fazhi_store::{Backend, Db, testing};

const TODAY: &str = "2025-06-01";

/// One notice as the test wrote it.
#[derive(Debug, Clone)]
struct Row {
    id: i64,
    agency_id: i64,
    year: i64,
    domain: &'static str,
    kind: &'static str,
    tokens: Vec<&'static str>,
    life: Lifecycle,
}

/// What the public list shows (`notices::public_page`'s contract).
fn visible(r: &Row) -> bool {
    let l = &r.life;
    (l.state == "published" && (l.until_on.is_empty() || l.until_on.as_str() > TODAY))
        || (l.state == "withdrawn" && !l.published_on.is_empty())
}

/// 97 notices over two agencies: `every` in all, `odd` in odd ids, `rare`
/// in three; states, years, domains and kinds in rotation.
async fn load(db: &Db) -> Vec<Row> {
    let (_, city, district, _) = tree(db).await;
    let mut tx = db.begin().await.unwrap();
    let mut rows = Vec::new();
    for id in 1..=97_i64 {
        let mut tokens = vec!["every"];
        if id % 2 == 1 {
            tokens.push("odd");
        }
        if [4, 41, 90].contains(&id) {
            tokens.push("rare");
        }
        let published = |until: &str| Lifecycle {
            state: "published".into(),
            published_on: "2025-01-02".into(),
            until_on: until.into(),
            ..Lifecycle::default()
        };
        let life = match id % 7 {
            0 => Lifecycle {
                state: "pending".into(),
                due_on: "2025-06-09".into(),
                ..Lifecycle::default()
            },
            1 => published("2025-05-01"), // expired, not yet swept
            2 => Lifecycle {
                state: "withdrawn".into(),
                published_on: "2025-01-02".into(),
                reason: "撤销".into(),
                ..Lifecycle::default()
            },
            3 => Lifecycle {
                state: "withdrawn".into(), // withdrawn before publication
                reason: "撤销".into(),
                ..Lifecycle::default()
            },
            4 => Lifecycle {
                state: "taken_down".into(),
                published_on: "2025-01-02".into(),
                taken_down_on: "2025-03-01".into(),
                ..Lifecycle::default()
            },
            5 => published(""),
            _ => published("2026-01-02"),
        };
        let row = Row {
            id,
            agency_id: if id % 3 == 0 { city.id } else { district.id },
            year: 2023 + id % 3,
            domain: ["公共场所卫生", "医疗卫生"][(id % 2) as usize],
            kind: ["penalty", "permit"][usize::from(id % 5 == 0)],
            tokens,
            life,
        };
        let number = format!("示卫罚〔{}〕{id}号", row.year);
        let decided = format!("{}-03-01", row.year);
        let search = row.tokens.join(" ");
        notices::bulk_insert(
            &mut tx,
            id,
            &[(
                NewNotice {
                    agency_id: row.agency_id,
                    kind: row.kind,
                    case_id: 0,
                    number: &number,
                    decided_on: &decided,
                    year: row.year,
                    domain: row.domain,
                    party_name: "某某公司",
                    party_kind: "organisation",
                    party_code: "",
                    title: "案",
                    facts: "",
                    basis: "",
                    content: "",
                    search_tokens: &search,
                },
                row.life.clone(),
            )],
            1,
        )
        .await
        .unwrap();
        rows.push(row);
    }
    tx.commit().await.unwrap();
    rows
}

/// Every page of the list from the newest, `limit` rows per page.
async fn all_pages(db: &Db, f: &PublicFilter, limit: i64, slice: i64) -> Vec<i64> {
    let mut f = f.clone();
    let mut out = Vec::new();
    loop {
        let page = notices::public_page_sliced(db, &f, TODAY, limit, slice)
            .await
            .unwrap();
        assert!(page.len() as i64 <= limit);
        assert!(
            page.windows(2).all(|w| w[0].id > w[1].id),
            "newest first: {:?}",
            page.iter().map(|r| r.id).collect::<Vec<_>>()
        );
        out.extend(page.iter().map(|r| r.id));
        match page.last() {
            Some(last) if page.len() as i64 == limit => f.before_id = last.id,
            _ => return out,
        }
    }
}

#[tokio::test]
async fn the_public_list_and_its_search_equal_a_plain_scan_for_every_filter_page_and_slice() {
    for t in testing::both().await {
        let db = &t.db;
        let rows = load(db).await;
        let city = rows.iter().find(|r| r.id == 3).unwrap().agency_id;
        // (term for the backend, the tokens it requires)
        let terms: Vec<(Option<String>, Vec<&str>)> = vec![
            (None, vec![]),
            (Some("every".into()), vec!["every"]),
            (Some("odd".into()), vec!["odd"]),
            (Some("rare".into()), vec!["rare"]),
            (
                Some(match db.backend() {
                    Backend::Sqlite => "rare odd".into(),
                    Backend::Postgres => "rare & odd".into(),
                }),
                vec!["rare", "odd"],
            ),
            (Some("nowhere".into()), vec!["nowhere"]),
        ];
        let filters = [
            PublicFilter::default(),
            PublicFilter {
                year: 2024,
                ..PublicFilter::default()
            },
            PublicFilter {
                agency_id: city,
                domain: "医疗卫生".into(),
                ..PublicFilter::default()
            },
            PublicFilter {
                kind: "permit".into(),
                ..PublicFilter::default()
            },
        ];
        for (text, needs) in &terms {
            for base in &filters {
                let f = PublicFilter {
                    text: text.clone(),
                    ..base.clone()
                };
                let expected: Vec<i64> = rows
                    .iter()
                    .rev()
                    .filter(|r| visible(r))
                    .filter(|r| needs.iter().all(|n| r.tokens.contains(n)))
                    .filter(|r| f.year == 0 || r.year == f.year)
                    .filter(|r| f.agency_id == 0 || r.agency_id == f.agency_id)
                    .filter(|r| f.domain.is_empty() || r.domain == f.domain)
                    .filter(|r| f.kind.is_empty() || r.kind == f.kind)
                    .map(|r| r.id)
                    .collect();
                // Slices of 1, 5 and 16 rows make the PostgreSQL search go
                // to the GIN index on most pages; 4096 never does here.
                for slice in [1, 5, 16, notices::SEARCH_SLICE_ROWS] {
                    for limit in [1, 4, 21] {
                        assert_eq!(
                            all_pages(db, &f, limit, slice).await,
                            expected,
                            "{:?}: {f:?}, slice {slice}, limit {limit}",
                            db.backend()
                        );
                    }
                }
            }
        }
    }
}
