# Runs the benchmark workload in deSolve (LSODA, compiled C derivatives) one subject at a time,
# as a deSolve user would, and reports subjects per second.
# Usage: Rscript run_desolve.R SUBJECTS_CSV SHARED_LIBRARY OUTPUT_CSV
# SUBJECTS_CSV: one row per subject with columns subject,ka,f,v1,v2,cl,q,fm,v_nk,cl_nk,ke0,ec50,
# kon,koff,dose_scale (written by population_desolve_compare write-subjects).
# OUTPUT_CSV: subject,time,c,nk,ce,s for every subject and hour (for the agreement check).
# Prints one line: "desolve subjects=N cpu_s=X wall_s=Y".
suppressPackageStartupMessages(library(deSolve))
args <- commandArgs(trailingOnly = TRUE)
subjects <- read.csv(args[[1]])
dyn.load(args[[2]])
dll <- sub("\\.[^.]*$", "", basename(args[[2]]))
times <- 0:2016
dose_times <- seq(0, 1848, by = 168)
y0 <- c(DEPOT = 0, CENT = 0, PERI = 0, NKA = 0, CE = 0, S = 0)
results <- vector("list", nrow(subjects))
cpu0 <- proc.time()
for (i in seq_len(nrow(subjects))) {
  p <- subjects[i, ]
  parms <- c(p$ka, p$v1, p$v2, p$cl, p$q, p$fm, p$v_nk, p$cl_nk, p$ke0, p$ec50, p$kon, p$koff)
  events <- data.frame(var = "DEPOT", time = dose_times, value = 70 * p$dose_scale * p$f,
                       method = "add")
  out <- ode(y = y0, times = times, func = "derivs", parms = parms, dllname = dll,
             initfunc = "initmod", method = "lsoda", rtol = 1e-6, atol = 1e-9,
             events = list(data = events))
  results[[i]] <- data.frame(subject = p$subject, time = out[, "time"], c = out[, "CENT"] / p$v1,
                             nk = out[, "NKA"] / p$v_nk, ce = out[, "CE"], s = out[, "S"])
}
used <- proc.time() - cpu0
write.csv(do.call(rbind, results), args[[3]], row.names = FALSE)
cat(sprintf("desolve subjects=%d cpu_s=%.6f wall_s=%.6f\n", nrow(subjects),
            used[["user.self"]] + used[["sys.self"]], used[["elapsed"]]))
