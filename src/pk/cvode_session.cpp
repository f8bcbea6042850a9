#include "pk/cvode_session.h"

#include <fmt/format.h>

#include "core/error.h"

namespace ketapath::pk {
namespace {

void capture_error(int code, const char* module, const char* function, char* message, void* data) {
  static_cast<CvodeSession*>(data)->last_error =
      fmt::format("{} {} (code {}): {}", module, function, code, message);
}

}  // namespace

CvodeSession::CvodeSession(int states, CVRhsFn rhs, void* user_data, double relative_tolerance,
                           double absolute_tolerance) {
  KETAPATH_ASSERT(states >= 1, "CvodeSession needs at least one state");
  KETAPATH_ASSERT(SUNContext_Create(nullptr, &context) == 0, "SUNContext_Create");
  y = N_VNew_Serial(states, context);
  matrix = SUNDenseMatrix(states, states, context);
  solver = SUNLinSol_Dense(y, matrix, context);
  cvode = CVodeCreate(CV_BDF, context);
  KETAPATH_ASSERT(y && matrix && solver && cvode, "CVODE allocation");
  N_VConst(0.0, y);
  KETAPATH_ASSERT(CVodeInit(cvode, rhs, 0.0, y) == CV_SUCCESS, "CVodeInit");
  CVodeSetErrHandlerFn(cvode, &capture_error, this);
  CVodeSetUserData(cvode, user_data);
  CVodeSStolerances(cvode, relative_tolerance, absolute_tolerance);
  CVodeSetLinearSolver(cvode, solver, matrix);
  CVodeSetMaxNumSteps(cvode, 500000);
}

CvodeSession::~CvodeSession() {
  CVodeFree(&cvode);
  SUNLinSolFree(solver);
  SUNMatDestroy(matrix);
  N_VDestroy(y);
  SUNContext_Free(&context);
}

}  // namespace ketapath::pk
