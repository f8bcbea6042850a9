# Ketapath from R: the same job functions as the `ketapath` command (through its C++17 facade),
# with data frames. Named kp_* so that stats::simulate and stats::predict stay unmasked.
# Errors are R errors with the command's message, e.g. 'data:3: TIME: "abc" is not a number'
# (line 1 is the header, so line N is row N-1 of the data frame).

.columns_in <- function(data) {
  if (!is.data.frame(data)) stop("data: must be a data frame or the path of an NM-TRAN CSV file")
  cols <- lapply(names(data), function(name) {
    x <- data[[name]]
    if (is.logical(x)) stop(sprintf("data: column %s is logical; NM-TRAN columns are numbers", name))
    if (is.numeric(x)) return(as.double(x))  # NA becomes NaN: missing (".")
    x <- as.character(x)
    x[is.na(x)] <- "."
    x
  })
  names(cols) <- names(data)
  cols
}

.frame <- function(columns) {
  data.frame(columns, check.names = FALSE, stringsAsFactors = FALSE)
}

.text <- function(x, what) {
  if (is.null(x)) return("")
  if (!is.character(x) || length(x) != 1L) stop(sprintf("%s: must be one string", what))
  x
}

.data_in <- function(data) {
  if (is.character(data) && length(data) == 1L) list(columns = list(), path = data)
  else list(columns = .columns_in(data), path = "")
}

# The model arguments of kp_simulate and kp_fit as the glue takes them: params a named numeric
# vector; omega a named numeric vector (a diagonal; its names are the ETAs), a symmetric matrix,
# or a list of the rows of its lower triangle, with etas naming the parameters; sigma
# c(prop = VAR, add = VAR).
.model_in <- function(model, params, model_file, omega, etas, sigma) {
  params <- unlist(params)
  p <- as.double(params)
  names(p) <- names(params)
  etas <- if (is.null(etas)) character(0) else as.character(etas)
  if (is.null(omega)) {
    rows <- list()
  } else if (is.matrix(omega)) {
    if (nrow(omega) != ncol(omega) || !isSymmetric(unname(omega))) {
      stop(sprintf("omega: a %dx%d matrix is not square and symmetric", nrow(omega), ncol(omega)))
    }
    rows <- lapply(seq_len(nrow(omega)), function(k) as.double(omega[k, seq_len(k)]))
  } else if (is.list(omega)) {
    rows <- lapply(omega, as.double)
  } else {
    if (is.null(names(omega))) stop("omega: a vector of variances needs names (the ETAs)")
    if (length(etas) > 0L) stop("etas: give the ETA names once, as omega's names or as etas")
    etas <- names(omega)
    rows <- lapply(seq_along(omega), function(k) c(rep(0, k - 1L), as.double(omega[[k]])))
  }
  sigma <- unlist(sigma)
  keys <- tolower(names(sigma))
  if (length(sigma) > 0L && (is.null(names(sigma)) || !all(keys %in% c("prop", "add")))) {
    stop("sigma: must be named prop and/or add (variances), e.g. c(prop = 0.01, add = 1e-4)")
  }
  pick <- function(key) if (key %in% keys) as.double(sigma[[which(keys == key)[1]]]) else NULL
  list(.text(model, "model"), p, .text(model_file, "model_file"), etas, rows, pick("prop"),
       pick("add"))
}

#' `ketapath simulate`: an NM-TRAN data set (a data frame, or the path of a CSV file) through a
#' model.
#'
#' With a catalogue model and fixed parameters (named numeric vector or list, NONMEM names, the
#' data's units): columns ID, TIME, CP, A1..An (and CE with KE0), one row per EVID=0 record plus
#' the grid. With any of model_file (a user model file, docs/user-models.md), omega, sigma, nsub
#' or seed: a simulation with variability, columns [REP,]ID,TIME,DV,IPRED,PRED,ETA1..n exactly as
#' `ketapath simulate` writes them (REP when nsub > 1). omega: c(CL = 0.09, V1 = 0.04) (a
#' diagonal; the names are the ETAs), a symmetric matrix or a list of the rows of its lower
#' triangle, with etas = c("CL", "V1"); sigma = c(prop = VAR, add = VAR) (DV = IPRED (1 + EPS1) +
#' EPS2); nsub replicates; seed of the draws (default 1); threads (the numbers do not depend on
#' them). A model file states its own THETAs, OMEGA and SIGMA: params, omega and sigma are
#' refused beside it.
kp_simulate <- function(data, model = "", params = numeric(0), grid = NULL, model_file = "",
                        omega = NULL, etas = NULL, sigma = NULL, nsub = NULL, seed = NULL,
                        threads = 1L, data_name = "data") {
  d <- .data_in(data)
  args <- c(.model_in(model, params, model_file, omega, etas, sigma),
            list(d$columns, d$path, .text(data_name, "data_name"),
                 as.double(if (is.null(grid)) numeric(0) else grid),
                 if (is.null(nsub)) NULL else as.integer(nsub),
                 if (is.null(seed)) NULL else as.double(seed), as.integer(threads)))
  .frame(do.call(.Call, c(list(kp_simulate_), args)))
}

#' `ketapath fit`: each subject's ETAs fitted to the DV of an NM-TRAN data set (data frame or
#' path), by MAP with OMEGA as the prior (method = "map") or least squares ("ls"); the model as in
#' kp_simulate. Returns list(subjects = data frame as `fit --out` (ID, OBJ, ETA1..n, SE_ETA1..n,
#' the model's parameters, RSE_<parameter>, STARTS_AGREEING, ON_BOUND, HESSIAN_ADJUSTED),
#' predictions = data frame as `fit --predictions` (ID, TIME, DV, IPRED, PRED, IWRES), gof_svg =
#' the goodness-of-fit chart with plots = TRUE, vpc_svg = with plots = TRUE and vpc = N replicates
#' of a visual predictive check); the SVG texts are "" when not asked for.
kp_fit <- function(data, model = "", params = numeric(0), model_file = "", omega = NULL,
                   etas = NULL, sigma = NULL, method = "map", vpc = 0L, seed = 1, threads = 1L,
                   plots = FALSE, data_name = "data") {
  d <- .data_in(data)
  args <- c(.model_in(model, params, model_file, omega, etas, sigma),
            list(d$columns, d$path, .text(data_name, "data_name"), .text(method, "method"),
                 as.integer(vpc), as.double(seed), as.integer(threads), isTRUE(plots)))
  res <- do.call(.Call, c(list(kp_fit_), args))
  list(subjects = .frame(res$subjects), predictions = .frame(res$predictions),
       gof_svg = res$gof_svg, vpc_svg = res$vpc_svg)
}

#' `ketapath predict`: the typical patient's time course after one dose ("0.5mg/kg" or "35mg").
kp_predict <- function(route = "iv", dose = "0.5mg/kg", duration_min = 0, weight_kg = 70,
                       hours = 24, step_min = 5, model = "ketamine", data_dir = "") {
  .frame(.Call(kp_predict_, .text(route, "route"), .text(dose, "dose"), as.double(duration_min),
               as.double(weight_kg), as.double(hours), as.double(step_min),
               .text(model, "model"), .text(data_dir, "data_dir")))
}

#' `ketapath trial DESIGN`: one row per endpoint; attr(x, "json") is the document of
#' `ketapath trial --format json`.
kp_trial <- function(design, replicates = 200L, seed = 1, model = "", threads = 1L,
                     per_subject = FALSE, parameter_uncertainty = FALSE, data_dir = "") {
  out <- .Call(kp_trial_, .text(design, "design"), .text(model, "model"), as.integer(replicates),
               as.double(seed), as.integer(threads), isTRUE(per_subject),
               isTRUE(parameter_uncertainty), .text(data_dir, "data_dir"))
  frame <- .frame(out$endpoints)
  attr(frame, "json") <- out$json
  frame
}

#' `ketapath population DESIGN`: list(endpoints = data frame of statistics per arm and endpoint,
#' responders = data frame per arm). With `out`, the per-subject files of `--out` go there.
kp_population <- function(design, subjects = 1000, seed = 1, threads = 1, out = "", profiles = "",
                          subjects_file = "", responder_s_max = 0.3, pk_only = FALSE,
                          parameter_uncertainty = FALSE, data_dir = "") {
  res <- .Call(kp_population_, .text(design, "design"), as.double(subjects),
               .text(subjects_file, "subjects_file"), as.double(threads), as.double(seed),
               .text(out, "out"), .text(profiles, "profiles"), as.double(responder_s_max),
               isTRUE(pk_only), isTRUE(parameter_uncertainty), .text(data_dir, "data_dir"))
  list(endpoints = .frame(res$endpoints), responders = .frame(res$responders))
}

#' The catalogue's model names, as `ketapath models` lists them.
kp_models <- function() .Call(kp_models_)
