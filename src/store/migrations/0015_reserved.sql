-- Reserved for branch orders' migration 0015. Versions must be contiguous, so the forecast-accept
-- branch (0016) carries this no-op until orders' 0015 is merged: drop this file then (a real 0015
-- beside it fails loudly: "version 15 has both a common file and variants").
SELECT 1;
