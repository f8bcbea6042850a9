-- Row evidence (docs/storage.md "Row evidence"): from this version on every audit entry records,
-- in row_digests, the digest of each clinical row its transaction wrote, so `audit verify` finds
-- rows changed, deleted or inserted outside Ketapath. Entries written before are format 1 (no
-- row digests); this step's own re-base entry records every row as it stands.
ALTER TABLE audit_log ADD COLUMN entry_format INTEGER NOT NULL DEFAULT 1 CHECK (entry_format >= 1);
ALTER TABLE audit_log ADD COLUMN row_digests TEXT NOT NULL DEFAULT '';
