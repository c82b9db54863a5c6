-- 法制审核人员的法律职业资格 (《行政处罚法》第五十八条第二款): the certificate
-- number of the 法律职业资格 recorded on a legal reviewer's account, and whether
-- the reviewer already did legal review before 2021-07-15 (not "初次从事").
ALTER TABLE users ADD COLUMN legal_qualification TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN legal_review_before_2021 BIGINT NOT NULL DEFAULT 0;
