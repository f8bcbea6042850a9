# Runs the benchmark workload in deSolve (LSODA, compiled C derivatives) one subject at a time,
# as a deSolve user would, and reports the CPU time of the ode() calls alone.
# Usage: Rscript run_desolve.R SUBJECTS_CSV SHARED_LIBRARY N HMAX OUTPUT_CSV
# SUBJECTS_CSV: a Ketapath subjects file for the benchmark workload (ID,KA,F,V1,V2,CL,Q,FM,VNK,
#   CLNK,KE0,EC50,KON,KOFF; written by population_desolve_compare write-subjects); the first N
#   rows are simulated.
# HMAX: passed to lsoda (0: no limit on the step; deSolve's default is the largest gap between
#   output times).
# OUTPUT_CSV: ID,time,c,nk,ce,s for every subject and hour (for the agreement check); "-" skips it.
# Prints one line: "desolve subjects=N ode_cpu_s=X". R start-up, reading the file, building the
# parameter vectors and event tables and the output data frames are not timed: only the loop of
# ode() calls, as Ketapath's side times only the simulation (with full time courses kept).
suppressPackageStartupMessages(library(deSolve))
args <- commandArgs(trailingOnly = TRUE)
subjects <- read.csv(args[[1]])
dyn.load(args[[2]])
n <- min(as.integer(args[[3]]), nrow(subjects))
hmax <- as.numeric(args[[4]])
dll <- sub("\\.[^.]*$", "", basename(args[[2]]))
times <- 0:2016
dose_times <- seq(0, 1848, by = 168)
y0 <- c(DEPOT = 0, CENT = 0, PERI = 0, NKA = 0, CE = 0, S = 0)
# Everything ode() needs is built first; the timed loop is ode() calls only.
parms <- lapply(seq_len(n), function(i) {
  p <- subjects[i, ]
  c(p$KA, p$V1, p$V2, p$CL, p$Q, p$FM, p$VNK, p$CLNK, p$KE0, p$EC50, p$KON, p$KOFF)
})
events <- lapply(seq_len(n), function(i) {
  list(data = data.frame(var = "DEPOT", time = dose_times, value = 70 * subjects$F[[i]],
                         method = "add"))
})
outs <- vector("list", n)
t0 <- proc.time()
for (i in seq_len(n)) {
  outs[[i]] <- ode(y = y0, times = times, func = "derivs", parms = parms[[i]], dllname = dll,
                   initfunc = "initmod", method = "lsoda", rtol = 1e-6, atol = 1e-9,
                   hmax = hmax, events = events[[i]])
}
used <- proc.time() - t0
ode_cpu <- used[["user.self"]] + used[["sys.self"]]
if (args[[5]] != "-") {
  frames <- lapply(seq_len(n), function(i) {
    o <- outs[[i]]
    data.frame(ID = subjects$ID[[i]], time = o[, "time"], c = o[, "CENT"] / subjects$V1[[i]],
               nk = o[, "NKA"] / subjects$VNK[[i]], ce = o[, "CE"], s = o[, "S"])
  })
  write.csv(do.call(rbind, frames), args[[5]], row.names = FALSE)
}
cat(sprintf("desolve subjects=%d ode_cpu_s=%.6f\n", n, ode_cpu))
