#pragma once
// The controlled-substance log (clinic/domain/custody.h CustodyLog) as a letter: the same blocks
// the care-team letter is made of, so clinic/pdf lays it out in the letter's PDF style
// (render_letter_pdf). One table per lot: opening, every entry, closing, and the totals.

#include <string_view>

#include "clinic/domain/custody.h"
#include "clinic/service/report.h"

namespace ketapath::clinic {

/// `signed_by` is the user who printed it, `at` when.
Letter custody_letter(const CustodyLog& log, std::string_view signed_by, Timestamp at);

}  // namespace ketapath::clinic
