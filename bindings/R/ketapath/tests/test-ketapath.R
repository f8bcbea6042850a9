# The R package against the `ketapath` command: the same numbers (exactly, where the command
# prints round-trip numbers) and the same error messages. A plain script (no testthat), run by
# scripts/test.sh's bindings stage:
#   R_LIBS=build/bindings/R/library Rscript bindings/R/ketapath/tests/test-ketapath.R
# KETAPATH_SOURCE_DIR and KETAPATH_BUILD_DIR default to the working folder and its build/.

library(ketapath)

source_dir <- Sys.getenv("KETAPATH_SOURCE_DIR", getwd())
build_dir <- Sys.getenv("KETAPATH_BUILD_DIR", file.path(source_dir, "build"))
cli_path <- file.path(build_dir, "src", "cli", "ketapath")
examples <- file.path(source_dir, "examples", "nmtran")
failures <- 0L

check <- function(name, code) {
  result <- tryCatch({ force(code); NULL }, error = function(e) conditionMessage(e))
  if (is.null(result)) {
    cat("ok   ", name, "\n")
  } else {
    cat("FAIL ", name, ":", result, "\n")
    failures <<- failures + 1L
  }
}

cli <- function(args, ok = TRUE) {
  out <- tempfile()
  err <- tempfile()
  status <- system2(cli_path, args, stdout = out, stderr = err)
  res <- list(status = status, stdout = readLines(out), stderr = paste(readLines(err), collapse = "\n"))
  if (ok && status != 0) stop("ketapath ", paste(args, collapse = " "), ": ", res$stderr)
  res
}

read_cli <- function(lines) read.csv(text = lines, check.names = FALSE, stringsAsFactors = FALSE)

# Equal to the last bit. R's own number reader (R_strtod) can be one unit in the last place off
# on 16-17 digit numbers, so the command's output is read by python3, whose float() rounds
# correctly, and both sides are compared as 17 significant digits (glibc's exact formatting).
exact17 <- function(lines) {
  script <- paste("import csv, sys", "rows = csv.reader(sys.stdin)", "print(','.join(next(rows)))",
                  "for row in rows:",
                  "    print(','.join('NA' if v in ('', '.', 'nan') else '%.17g' % float(v) for v in row))",
                  sep = "\n")
  out <- system2("python3", c("-c", shQuote(script)), input = lines, stdout = TRUE)
  read.csv(text = out, colClasses = "character", check.names = FALSE, na.strings = "NA")
}

same_numbers <- function(got, cli_lines) {
  expected <- exact17(cli_lines)
  stopifnot(identical(names(got), names(expected)), nrow(got) == nrow(expected))
  for (name in names(expected)) {
    a <- ifelse(is.na(got[[name]]), NA_character_, sprintf("%.17g", as.double(got[[name]])))
    b <- expected[[name]]
    differ <- xor(is.na(a), is.na(b)) | (!is.na(a) & !is.na(b) & a != b)
    if (any(differ)) {
      stop(sprintf("column %s differs: %s vs %s", name, paste(head(a[differ], 3), collapse = " "),
                   paste(head(b[differ], 3), collapse = " ")))
    }
  }
}

nmtran <- function(file) read.csv(file.path(examples, file), comment.char = "#",
                                  check.names = FALSE, stringsAsFactors = FALSE)

cases <- list(
  list(file = "iv_infusion_addl.csv", model = "two_cmt",
       params = c(CL = 79, V1 = 80, Q = 250, V2 = 172), grid = c(0, 24, 0.5)),
  list(file = "sc_depot_lag.csv", model = "two_cmt_depot",
       params = c(KA = 4, CL = 79, V2 = 80, Q = 250, V3 = 172, F1 = 0.9, ALAG1 = 0.05, KE0 = 2.5),
       grid = NULL),
  list(file = "oral_ss_reset.csv", model = "one_cmt_depot",
       params = c(KA = 1.2, CL = 79, V = 250, F1 = 0.2), grid = NULL))

for (case in cases) {
  check(paste("simulate gives the command's numbers exactly:", case$file), {
    args <- c("simulate", "--model", case$model, "--data", file.path(examples, case$file),
              "--param", paste(names(case$params), case$params, sep = "=", collapse = ","))
    times <- NULL
    if (!is.null(case$grid)) {
      args <- c(args, "--grid", paste(case$grid, collapse = ":"))
      times <- seq(case$grid[1], case$grid[2], by = case$grid[3])
    }
    expected <- cli(args)$stdout
    same_numbers(kp_simulate(nmtran(case$file), model = case$model, params = case$params,
                             grid = times), expected)
    same_numbers(kp_simulate(file.path(examples, case$file), model = case$model,
                             params = as.list(case$params), grid = times), expected)
  })
}

check("a bad record gives the command's message", {
  bad <- tempfile(fileext = ".csv")
  writeLines(c("ID,TIME,AMT,EVID", "1,0,100,1", "1,abc,.,0"), bad)
  res <- cli(c("simulate", "--model", "one_cmt", "--param", "CL=2,V=10", "--data", bad), ok = FALSE)
  stopifnot(res$status == 2)
  expected <- sub("^ketapath: error: ", "", res$stderr)
  stopifnot(identical(expected, sprintf('%s:3: TIME: "abc" is not a number', bad)))
  frame <- data.frame(ID = c(1, 1), TIME = c("0", "abc"), AMT = c(100, NA), EVID = c(1, 0))
  got <- tryCatch(kp_simulate(frame, model = "one_cmt", params = c(CL = 2, V = 10),
                              data_name = bad), error = conditionMessage)
  if (!identical(got, expected)) stop(sprintf("'%s' vs the command's '%s'", got, expected))
  got <- tryCatch(kp_simulate(frame, model = "one_cmt", params = c(CL = 2, V = 10)),
                  error = conditionMessage)
  stopifnot(identical(got, 'data:3: TIME: "abc" is not a number'))
  got <- tryCatch(kp_simulate(bad, model = "one_cmt", params = c(CL = 2, V = 10)),
                  error = conditionMessage)
  stopifnot(identical(got, expected))
})

user_model <- file.path(source_dir, "models", "user", "two_cmt_wt.toml")
wt_data <- file.path(examples, "two_cmt_wt_obs.csv")

check("a user-model simulation with variability is the command's (issue 18's acceptance)", {
  expected <- cli(c("simulate", "--model-file", user_model, "--data", wt_data, "--nsub", "3",
                    "--seed", "7"))$stdout
  got <- kp_simulate(nmtran("two_cmt_wt_obs.csv"), model_file = user_model, nsub = 3, seed = 7)
  stopifnot(identical(names(got), c("REP", "ID", "TIME", "DV", "IPRED", "PRED", "ETA1", "ETA2")))
  same_numbers(got, expected)
  same_numbers(kp_simulate(wt_data, model_file = user_model, nsub = 3L, seed = 7, threads = 2),
               expected)
})

check("a catalogue simulation with omega and sigma is the command's", {
  p <- c(CL = 79, V1 = 80, Q = 250, V2 = 172)
  expected <- cli(c("simulate", "--model", "two_cmt", "--data",
                    file.path(examples, "iv_infusion_addl.csv"),
                    "--param", paste(names(p), p, sep = "=", collapse = ","),
                    "--omega", "CL,V1=0.09,0.02,0.04", "--sigma", "prop=0.01,add=1e-4",
                    "--seed", "3"))$stdout
  data <- nmtran("iv_infusion_addl.csv")
  same_numbers(kp_simulate(data, model = "two_cmt", params = p, etas = c("CL", "V1"),
                           omega = list(0.09, c(0.02, 0.04)),
                           sigma = c(prop = 0.01, add = 1e-4), seed = 3), expected)
  same_numbers(kp_simulate(data, model = "two_cmt", params = p, etas = c("CL", "V1"),
                           omega = matrix(c(0.09, 0.02, 0.02, 0.04), 2),
                           sigma = list(add = 1e-4, prop = 0.01), seed = 3), expected)
  diagonal <- cli(c("simulate", "--model", "two_cmt", "--data",
                    file.path(examples, "iv_infusion_addl.csv"),
                    "--param", paste(names(p), p, sep = "=", collapse = ","),
                    "--omega", "CL=0.09,V1=0.04", "--nsub", "1"))$stdout
  same_numbers(kp_simulate(data, model = "two_cmt", params = p, omega = c(CL = 0.09, V1 = 0.04),
                           nsub = 1), diagonal)
})

check("a fit is the command's (fit --out, --predictions)", {
  dir <- tempfile()
  dir.create(dir)
  out <- file.path(dir, "fit.csv")
  predictions <- file.path(dir, "pred.csv")
  cli(c("fit", "--model-file", user_model, "--data", wt_data, "--out", out, "--predictions",
        predictions))
  got <- kp_fit(nmtran("two_cmt_wt_obs.csv"), model_file = user_model, plots = TRUE)
  same_numbers(got$subjects, readLines(out))
  same_numbers(got$predictions, readLines(predictions))
  stopifnot(grepl("<svg", got$gof_svg), identical(got$vpc_svg, ""))
})

check("a bad user model gives the command's message", {
  bad <- tempfile(fileext = ".toml")
  writeLines(sub("V2 = TVV2", "V2 = TVV3", readLines(user_model), fixed = TRUE), bad)
  res <- cli(c("simulate", "--model-file", bad, "--data", wt_data), ok = FALSE)
  stopifnot(res$status == 2, grepl("TVV3", res$stderr))
  expected <- sub("^ketapath: error: ", "", res$stderr)
  for (f in list(kp_simulate, kp_fit)) {
    got <- tryCatch(f(nmtran("two_cmt_wt_obs.csv"), model_file = bad), error = conditionMessage)
    if (!identical(got, expected)) stop(sprintf("'%s' vs the command's '%s'", got, expected))
  }
})

check("a model file refuses params, omega and sigma", {
  data <- nmtran("two_cmt_wt_obs.csv")
  for (args in list(list(params = c(CL = 1)), list(omega = c(CL = 0.1)),
                    list(sigma = c(prop = 0.01)))) {
    got <- tryCatch(do.call(kp_simulate, c(list(data, model_file = user_model), args)),
                    error = conditionMessage)
    stopifnot(startsWith(got, names(args)), grepl("states its own THETAs", got))
  }
  got <- tryCatch(kp_fit(data, model = "two_cmt", model_file = user_model),
                  error = conditionMessage)
  stopifnot(grepl("^give model NAME .* not both$", got))
})

check("predict gives the command's numbers", {
  expected <- read_cli(cli(c("predict", "--route", "iv", "--dose", "0.5mg/kg",
                             "--duration-min", "40", "--hours", "6"))$stdout)
  got <- kp_predict(route = "iv", dose = "0.5mg/kg", duration_min = 40, hours = 6)
  stopifnot(identical(names(got), names(expected)), nrow(got) == nrow(expected))
  decimals <- c(4, 3, 3, 3, 3, 3, 3, 3, 5, 5, 5)
  for (i in seq_along(decimals)) {
    stopifnot(all(abs(got[[i]] - expected[[i]]) <= 0.5 * 10^-decimals[i] + 1e-12))
  }
})

check("trial gives the command's JSON document", {
  expected <- paste(cli(c("trial", "glue2017", "--replicates", "3", "--seed", "5",
                          "--format", "json"))$stdout, collapse = "\n")
  got <- kp_trial("glue2017", replicates = 3, seed = 5)
  stopifnot(identical(sub("\n$", "", attr(got, "json")), expected))
  stopifnot("responders_0.5_1_mg_kg" %in% got$endpoint, is.numeric(got$median))
})

check("population writes the command's files", {
  dir <- tempfile()
  cli(c("population", "benchmark", "--subjects", "300", "--seed", "4", "--threads", "1",
        "--out", file.path(dir, "cli")))
  res <- kp_population("benchmark", subjects = 300, seed = 4, out = file.path(dir, "r"))
  a <- readBin(file.path(dir, "r", "endpoints.csv"), "raw", 1e7)
  b <- readBin(file.path(dir, "cli", "endpoints.csv"), "raw", 1e7)
  stopifnot(identical(a, b))
  cmax <- res$endpoints[res$endpoints$endpoint == "cmax_mg_l", ]
  stopifnot(cmax$n == 300, res$responders$subjects == 300)
})

check("the README's example runs", {
  text <- readLines(file.path(source_dir, "README.md"))
  from <- grep("^## From R and Python", text)
  start <- from + grep("^```r$", text[from:length(text)])[1]
  end <- start + grep("^```$", text[start:length(text)])[1] - 2
  scope <- new.env()
  old <- setwd(source_dir)
  tryCatch(eval(parse(text = text[start:end]), envir = scope), finally = setwd(old))
  stopifnot(identical(names(scope$cp), c("ID", "TIME", "CP", "A1", "A2")),
            nrow(scope$course) == 6 * 12 + 1, "responders_0.5_1_mg_kg" %in% scope$glue$endpoint,
            identical(names(scope$pop), c("endpoints", "responders")),
            identical(names(scope$sims), c("REP", "ID", "TIME", "DV", "IPRED", "PRED", "ETA1",
                                           "ETA2")),
            identical(sort(unique(scope$sims$REP)), c(1, 2, 3)), nrow(scope$fits$subjects) == 20,
            max(scope$var$REP) == 10, identical(names(scope$var)[7:8], c("ETA1", "ETA2")))
})

check("models lists the catalogue", stopifnot(all(c("one_cmt", "two_cmt") %in% kp_models())))

if (failures > 0L) {
  cat(failures, "R binding test(s) failed\n")
  quit(status = 1)
}
cat("all R binding tests passed\n")
