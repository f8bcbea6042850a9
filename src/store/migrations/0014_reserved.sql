-- Reserved for branch custody's migration 0014. Versions must be contiguous, so the
-- forecast-accept branch (0016) carries this no-op until custody's 0014 is merged: drop this file
-- then (a real 0014 beside it fails loudly: "version 14 has both a common file and variants").
SELECT 1;
