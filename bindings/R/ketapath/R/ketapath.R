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

#' `ketapath simulate`: an NM-TRAN data set (a data frame, or the path of a CSV file) through a
#' catalogue model with fixed parameters (named numeric vector or list, NONMEM names, the data's
#' units). Returns ID, TIME, CP, A1..An (and CE with KE0). model_file, omega, sigma, nsub and seed
#' are not supported yet (user models and simulation with variability, issue 18): an error says so.
kp_simulate <- function(data, model = "", params = numeric(0), grid = NULL, model_file = "",
                        omega = NULL, sigma = NULL, nsub = 1L, seed = NULL, data_name = "data") {
  if (is.character(data) && length(data) == 1L) {
    columns <- list()
    path <- data
  } else {
    columns <- .columns_in(data)
    path <- ""
  }
  params <- unlist(params)
  p <- as.double(params)
  names(p) <- names(params)
  rows <- function(m) if (is.null(m)) list() else lapply(m, as.double)
  out <- .Call(kp_simulate_, .text(model, "model"), p, columns, path, .text(data_name, "data_name"),
               as.double(if (is.null(grid)) numeric(0) else grid), .text(model_file, "model_file"),
               rows(omega), rows(sigma), as.integer(nsub), if (is.null(seed)) NULL else as.double(seed))
  .frame(out)
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
