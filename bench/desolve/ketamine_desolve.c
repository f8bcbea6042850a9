/* The benchmark workload's ketamine PK/PD model as compiled derivatives for deSolve, following
 * deSolve's "compiledCode" vignette (initmod + derivs). States: DEPOT, CENT, PERI, NKA (mg),
 * CE (mg/L), S. Parameters, in this order: KA, V1, V2, CL, Q, FM, VNK, CLNK, KE0, EC50 (mg/L),
 * KON, KOFF. Built by bench/compare_desolve.sh with `R CMD SHLIB`. */
#include <R.h>

static double parms[12];
#define KA parms[0]
#define V1 parms[1]
#define V2 parms[2]
#define CL parms[3]
#define Q parms[4]
#define FM parms[5]
#define VNK parms[6]
#define CLNK parms[7]
#define KE0 parms[8]
#define EC50 parms[9]
#define KON parms[10]
#define KOFF parms[11]

void initmod(void (*odeparms)(int*, double*)) {
  int n = 12;
  odeparms(&n, parms);
}

void derivs(int* neq, double* t, double* y, double* ydot, double* yout, int* ip) {
  (void)neq;
  (void)t;
  (void)yout;
  (void)ip;
  const double c = y[1] / V1;
  const double ce2 = y[4] * y[4];
  const double g = ce2 / (EC50 * EC50 + ce2);
  ydot[0] = -KA * y[0];
  ydot[1] = KA * y[0] - (CL + Q) * c + Q * y[2] / V2;
  ydot[2] = Q * c - Q * y[2] / V2;
  ydot[3] = FM * CL * c - CLNK * y[3] / VNK;
  ydot[4] = KE0 * (c - y[4]);
  ydot[5] = KON * g * (1.0 - y[5]) - KOFF * y[5];
}
