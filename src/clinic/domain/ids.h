#pragma once
// Identifiers of the clinic's records. Each is a distinct type, so a PatientId can never be passed
// where a CourseId belongs. The store assigns them (positive, unique per table); 0 means "not yet
// stored".

#include "core/ids.h"

namespace ketapath::clinic {

using PatientId = core::StrongId<struct PatientIdTag>;
using ScreeningId = core::StrongId<struct ScreeningIdTag>;
using DrugId = core::StrongId<struct DrugIdTag>;
using DoseRecordId = core::StrongId<struct DoseRecordIdTag>;
using CourseId = core::StrongId<struct CourseIdTag>;
using SessionId = core::StrongId<struct SessionIdTag>;
using AlertId = core::StrongId<struct AlertIdTag>;
using AssessmentId = core::StrongId<struct AssessmentIdTag>;
using CareTeamId = core::StrongId<struct CareTeamIdTag>;
using StockLotId = core::StrongId<struct StockLotIdTag>;          ///< custody.h
using CustodyEntryId = core::StrongId<struct CustodyEntryIdTag>;  ///< custody.h
using AmendmentId = core::StrongId<struct AmendmentIdTag>;        ///< amendment.h

}  // namespace ketapath::clinic
