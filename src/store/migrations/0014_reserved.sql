-- Reserved for branch custody's migration 0014 (issue 15 item 1). Versions must be contiguous,
-- so the orders branch (0015) carries this no-op until custody's 0014 is merged: drop this file then.
SELECT 1;
