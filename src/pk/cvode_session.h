#pragma once
// The CVODE objects every ODE propagator of pk needs, created and freed in one place: a SUNDIALS
// context, the state vector, a dense matrix with its direct linear solver, and a BDF integrator
// with the given right-hand side, user data, scalar tolerances, error capture and step limit.
// Private to pk (ode.cpp, ode_function.cpp).

#include <string>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

namespace ketapath::pk {

struct CvodeSession {
  /// `states` >= 1; `rhs` receives `user_data`. The state vector starts at zero.
  CvodeSession(int states, CVRhsFn rhs, void* user_data, double relative_tolerance,
               double absolute_tolerance);
  ~CvodeSession();
  CvodeSession(const CvodeSession&) = delete;
  CvodeSession& operator=(const CvodeSession&) = delete;

  /// The last message CVODE reported ("CVODE CVode (code -4): ..."), for error messages.
  std::string last_error;
  SUNContext context = nullptr;
  N_Vector y = nullptr;
  SUNMatrix matrix = nullptr;
  SUNLinearSolver solver = nullptr;
  void* cvode = nullptr;
};

}  // namespace ketapath::pk
