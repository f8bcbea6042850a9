#include "clinic/response.h"

#include <algorithm>
#include <cmath>

#include "clinic/dose_calculator.h"

namespace ketapath::clinic {
namespace {

ResponseStatus classify(Scale scale, int total, double change, const ResponsePolicy& p) {
  const auto cutoff = remission_cutoff(scale);
  if (-change >= p.responder_reduction) {
    return cutoff && total <= *cutoff ? ResponseStatus::Remission : ResponseStatus::Response;
  }
  if (-change >= p.partial_reduction) {
    return ResponseStatus::PartialResponse;
  }
  return ResponseStatus::NonResponse;
}

int rank(ResponseStatus s) {
  switch (s) {
    case ResponseStatus::Remission:
      return 4;
    case ResponseStatus::Response:
      return 3;
    case ResponseStatus::PartialResponse:
      return 2;
    case ResponseStatus::NonResponse:
      return 1;
    case ResponseStatus::Insufficient:
      return 0;
  }
  return 0;
}

}  // namespace

std::string_view to_string(ResponseStatus s) {
  switch (s) {
    case ResponseStatus::Remission:
      return "remission";
    case ResponseStatus::Response:
      return "response";
    case ResponseStatus::PartialResponse:
      return "partial_response";
    case ResponseStatus::NonResponse:
      return "non_response";
    case ResponseStatus::Insufficient:
      return "insufficient_data";
  }
  return "?";
}

std::optional<int> remission_cutoff(Scale scale) {
  switch (scale) {
    case Scale::HamA:
      return 7;
    case Scale::Gad7:
    case Scale::Phq9:
      return 4;
    case Scale::Lsas:
      return 30;
    case Scale::Fq:
    case Scale::Cadss:
      return std::nullopt;
  }
  return std::nullopt;
}

ResponseSummary analyse_response(const std::vector<Session>& input, Scale scale,
                                 const ResponsePolicy& p) {
  ResponseSummary r;
  r.scale = scale;
  std::vector<const Session*> sessions;
  for (const Session& s : input) {
    sessions.push_back(&s);
  }
  std::stable_sort(sessions.begin(), sessions.end(), [](const Session* a, const Session* b) {
    return a->started_at < b->started_at;
  });
  r.sessions = static_cast<int>(sessions.size());

  struct Rated {
    Timestamp at;
    int index;
    int total;
  };

  std::vector<Rated> ratings;
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    for (const ScaleRating& rating : sessions[i]->ratings) {
      if (rating.scale == scale) {
        ratings.push_back({rating.rated_at, static_cast<int>(i) + 1, rating.total});
      }
    }
  }
  std::stable_sort(ratings.begin(), ratings.end(),
                   [](const Rated& a, const Rated& b) { return a.at < b.at; });
  if (ratings.empty()) {
    r.suggestion =
        fmt::format("no {} ratings recorded: rate at every session", scale_definition(scale).name);
    return r;
  }
  r.baseline = ratings.front().total;
  for (std::size_t i = 1; i < ratings.size(); ++i) {
    const double change =
        *r.baseline > 0 ? static_cast<double>(ratings[i].total - *r.baseline) / *r.baseline : 0.0;
    r.trajectory.push_back({ratings[i].at, ratings[i].index, ratings[i].total, change});
    const ResponseStatus status = classify(scale, ratings[i].total, change, p);
    if (rank(status) > rank(r.best)) {
      r.best = status;
    }
    if (!r.best_change || change < *r.best_change) {
      r.best_change = change;
    }
    r.latest = status;
  }
  if (*r.baseline == 0) {
    r.latest = r.best = ResponseStatus::Insufficient;
    r.suggestion = "baseline score is 0: response cannot be judged on this scale";
    return r;
  }
  if (r.trajectory.size() >= 3) {
    // Compare the mean of the last three points with the three before (or the baseline).
    const std::size_t n = r.trajectory.size();
    double last = 0.0;
    for (std::size_t i = n - 3; i < n; ++i) {
      last += r.trajectory[i].total / 3.0;
    }
    double earlier = *r.baseline;
    if (n >= 6) {
      earlier = 0.0;
      for (std::size_t i = n - 6; i < n - 3; ++i) {
        earlier += r.trajectory[i].total / 3.0;
      }
    }
    const double step = 0.1 * *r.baseline;  // a tenth of baseline counts as a real change
    r.trend = last < earlier - step ? "improving" : last > earlier + step ? "worsening" : "stable";
  }
  const std::string name(scale_definition(scale).name);
  const std::string latest_pct =
      r.trajectory.empty() ? ""
                           : display_number(-100.0 * r.trajectory.back().change_from_baseline, 0);
  if (r.trajectory.empty()) {
    r.suggestion = "baseline only: continue the planned course and rate after each session";
  } else if ((r.latest == ResponseStatus::Response || r.latest == ResponseStatus::Remission) &&
             r.trend == "worsening") {
    r.suggestion = fmt::format(
        "response fading ({} now {}% below baseline, trend worsening): shorten the interval, "
        "dosing before the previous effect wears off",
        name, latest_pct);
  } else if (r.latest == ResponseStatus::Remission &&
             static_cast<int>(r.trajectory.size()) >= p.stable_ratings && r.trend != "worsening") {
    r.suggestion = fmt::format(
        "sustained remission ({} {}): taper by lengthening the interval one step (twice weekly -> "
        "weekly -> fortnightly), the least frequent dosing that keeps the response",
        name, r.trajectory.back().total);
  } else if (r.latest == ResponseStatus::Response || r.latest == ResponseStatus::Remission) {
    r.suggestion = fmt::format(
        "responder ({} {}% below baseline): continue maintenance at the current interval", name,
        latest_pct);
  } else if (r.best == ResponseStatus::Response || r.best == ResponseStatus::Remission) {
    r.suggestion = fmt::format(
        "lost response (best {}% below baseline, now {}%): shorten the interval or repeat a "
        "loading series; review",
        display_number(-100.0 * r.best_change.value_or(0.0), 0), latest_pct);
  } else if (r.sessions >= p.loading_sessions) {
    r.suggestion = fmt::format(
        "no response after {} sessions ({} {}% below baseline): maintenance not suggested; "
        "review diagnosis and alternatives",
        r.sessions, name, latest_pct);
  } else {
    r.suggestion = fmt::format(
        "{} {}% below baseline after {} sessions: complete the loading series before judging", name,
        latest_pct, r.sessions);
  }
  return r;
}

}  // namespace ketapath::clinic
