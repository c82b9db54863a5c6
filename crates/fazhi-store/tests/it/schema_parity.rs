use fazhi_store::testing;

#[tokio::test]
async fn sqlite_and_postgres_migrations_produce_the_same_schema() {
    if testing::skip_pg() {
        return;
    }
    let sqlite = testing::sqlite().await;
    let pg = testing::postgres().await;
    let s_cols = fazhi_store::schema::columns(&sqlite.db).await.unwrap();
    let p_cols = fazhi_store::schema::columns(&pg.db).await.unwrap();
    assert!(!s_cols.is_empty());
    let only_sqlite: Vec<_> = s_cols.difference(&p_cols).collect();
    let only_pg: Vec<_> = p_cols.difference(&s_cols).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "columns differ: sqlite-only {only_sqlite:?}, postgres-only {only_pg:?}"
    );

    let s_idx = fazhi_store::schema::indexes(&sqlite.db).await.unwrap();
    let p_idx = fazhi_store::schema::indexes(&pg.db).await.unwrap();
    assert_eq!(s_idx, p_idx, "indexes differ");

    // Append-only protection exists on both (names differ by design).
    for t in [&sqlite, &pg] {
        let triggers = fazhi_store::schema::triggers(&t.db).await.unwrap();
        assert!(
            triggers.iter().any(|n| n.starts_with("events_no_update")),
            "{triggers:?}"
        );
    }
}
