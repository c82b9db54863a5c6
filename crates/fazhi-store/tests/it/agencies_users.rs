use crate::{event, tree};
use fazhi_domain::action_log::EventKind;
use fazhi_domain::role::Role;
use fazhi_store::agencies;
use fazhi_store::users::{self, NewUser};
use fazhi_store::{Db, events, sessions, stats, testing, tokens};

async fn user(db: &Db, name: &str, role: Role, agency_id: i64) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let id = users::insert(
        &mut tx,
        &NewUser {
            username: name,
            display_name: name,
            password_hash: "x",
            role,
            agency_id,
            at_us: 1,
        },
    )
    .await
    .unwrap();
    events::append(
        &mut tx,
        &event(
            EventKind::UserCreated,
            Some(agency_id),
            &format!("user:{id}"),
            10,
        ),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn a_district_lists_only_itself_and_a_city_lists_its_districts() {
    for t in testing::both().await {
        let (_p, c, d1, d2) = tree(&t.db).await;
        user(&t.db, "a", Role::Officer, d1.id).await;
        user(&t.db, "b", Role::Officer, d2.id).await;
        user(&t.db, "c", Role::AgencyHead, c.id).await;
        let in_d1 = users::list_in_scope(&t.db, &d1.path).await.unwrap();
        assert_eq!(
            in_d1
                .iter()
                .map(|u| u.username.as_str())
                .collect::<Vec<_>>(),
            vec!["a"]
        );
        let in_city = users::list_in_scope(&t.db, &c.path).await.unwrap();
        assert_eq!(in_city.len(), 3);
        let agencies_d2 = agencies::list_in_scope(&t.db, &d2.path).await.unwrap();
        assert_eq!(
            agencies_d2
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>(),
            vec!["乙区卫健局"]
        );
        let counts = stats::scope_counts(&t.db, &c.path).await.unwrap();
        assert_eq!(
            (
                counts.agencies,
                counts.users,
                counts.officers,
                counts.events
            ),
            (3, 3, 2, 3)
        );
        let by_day = stats::events_by_day(&t.db, &d1.path, 0).await.unwrap();
        assert_eq!(by_day, vec![(0, 1)]);
    }
}

#[tokio::test]
async fn duplicate_usernames_are_a_unique_violation() {
    for t in testing::both().await {
        let (p, ..) = tree(&t.db).await;
        user(&t.db, "dup", Role::ReadOnly, p.id).await;
        let mut tx = t.db.begin().await.unwrap();
        let err = users::insert(
            &mut tx,
            &NewUser {
                username: "dup",
                display_name: "d",
                password_hash: "x",
                role: Role::ReadOnly,
                agency_id: p.id,
                at_us: 1,
            },
        )
        .await
        .expect_err("duplicate");
        assert!(err.is_unique_violation(), "{err}");
    }
}

#[tokio::test]
async fn sessions_expire_and_tokens_revoke() {
    for t in testing::both().await {
        let (p, ..) = tree(&t.db).await;
        let uid = user(&t.db, "s", Role::SystemAdmin, p.id).await;
        let mut tx = t.db.begin().await.unwrap();
        sessions::insert(&mut tx, "h1", uid, "csrf", 100, 200)
            .await
            .unwrap();
        let tid = tokens::insert(&mut tx, uid, "ci", "th", 100).await.unwrap();
        tx.commit().await.unwrap();
        assert!(
            sessions::get_live(&t.db, "h1", 150)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            sessions::get_live(&t.db, "h1", 200)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(tokens::user_for_hash(&t.db, "th").await.unwrap(), Some(uid));
        let mut tx = t.db.begin().await.unwrap();
        assert_eq!(tokens::revoke(&mut tx, tid, 300).await.unwrap(), 1);
        assert_eq!(sessions::delete_expired(&mut tx, 250).await.unwrap(), 1);
        tx.commit().await.unwrap();
        assert_eq!(tokens::user_for_hash(&t.db, "th").await.unwrap(), None);
    }
}
