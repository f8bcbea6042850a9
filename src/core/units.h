#pragma once
// Units as types. Each dimension has one canonical internal unit (mg, L, h, kg, mg/L, L/h, 1/h,
// mg/kg, ...). A quantity is built from a double only explicitly, adds and compares only with its
// own kind, scales by plain numbers, and combines with other kinds only where the physics does
// (mg / L -> mg/L, mg/kg * kg -> mg, L/h / L -> 1/h). Edge units (minutes, ng/mL, mL/h) are their
// own types, converted by the named functions at the bottom of this file and nowhere else.
//
// Example:
//   using namespace ketapath::core::literals;
//   Milligrams dose = 0.5_mg_per_kg * 70.0_kg;          // 35 mg
//   MilligramsPerLitre c = dose / 80.0_L;               // 0.4375 mg/L
//   NanogramsPerMillilitre shown = to_ng_per_ml(c);     // 437.5 ng/mL
//   // 100.0_mg + 1.0_mg_per_kg;   does not compile
//   // Milligrams m = 100.0;        does not compile

#include <compare>

namespace ketapath::core {

/// A value of one physical kind in that kind's canonical unit.
template <class Tag>
class Quantity {
 public:
  constexpr Quantity() = default;

  constexpr explicit Quantity(double value) : value_(value) {}

  /// The number in this kind's unit (for printing, storage and solver state vectors only).
  [[nodiscard]] constexpr double value() const { return value_; }

  constexpr auto operator<=>(const Quantity&) const = default;

  friend constexpr Quantity operator+(Quantity a, Quantity b) {
    return Quantity(a.value_ + b.value_);
  }

  friend constexpr Quantity operator-(Quantity a, Quantity b) {
    return Quantity(a.value_ - b.value_);
  }

  friend constexpr Quantity operator-(Quantity a) { return Quantity(-a.value_); }

  friend constexpr Quantity operator*(double k, Quantity q) { return Quantity(k * q.value_); }

  friend constexpr Quantity operator*(Quantity q, double k) { return Quantity(q.value_ * k); }

  friend constexpr Quantity operator/(Quantity q, double k) { return Quantity(q.value_ / k); }

  /// The ratio of two quantities of the same kind is a plain number.
  friend constexpr double operator/(Quantity a, Quantity b) { return a.value_ / b.value_; }

  constexpr Quantity& operator+=(Quantity b) {
    value_ += b.value_;
    return *this;
  }

  constexpr Quantity& operator-=(Quantity b) {
    value_ -= b.value_;
    return *this;
  }

 private:
  double value_ = 0.0;
};

// Canonical engine units.
using Milligrams = Quantity<struct MilligramsTag>;                        ///< amount, mg
using Litres = Quantity<struct LitresTag>;                                ///< volume, L
using Hours = Quantity<struct HoursTag>;                                  ///< time, h
using Kilograms = Quantity<struct KilogramsTag>;                          ///< body weight, kg
using MilligramsPerLitre = Quantity<struct MilligramsPerLitreTag>;        ///< concentration, mg/L
using LitresPerHour = Quantity<struct LitresPerHourTag>;                  ///< clearance, L/h
using PerHour = Quantity<struct PerHourTag>;                              ///< rate constant, 1/h
using MilligramsPerKilogram = Quantity<struct MilligramsPerKilogramTag>;  ///< weight-based dose
using MilligramsPerHour = Quantity<struct MilligramsPerHourTag>;          ///< infusion rate, mg/h
using LitresPerKilogram = Quantity<struct LitresPerKilogramTag>;          ///< weight-normalised V

// Edge units: parsed and printed at the edges (cli, server, store, file readers).
using Minutes = Quantity<struct MinutesTag>;                                  ///< time, min
using NanogramsPerMillilitre = Quantity<struct NanogramsPerMillilitreTag>;    ///< ng/mL (= ug/L)
using Millilitres = Quantity<struct MillilitresTag>;                          ///< volume, mL
using MillilitresPerHour = Quantity<struct MillilitresPerHourTag>;            ///< pump rate, mL/h
using MilligramsPerMillilitre = Quantity<struct MilligramsPerMillilitreTag>;  ///< vial strength
using MillimetresOfMercury = Quantity<struct MillimetresOfMercuryTag>;        ///< blood pressure
using BeatsPerMinute = Quantity<struct BeatsPerMinuteTag>;                    ///< heart rate

// The physically meaningful cross-kind operators, and no others.
constexpr MilligramsPerLitre operator/(Milligrams a, Litres v) {
  return MilligramsPerLitre(a.value() / v.value());
}

constexpr Milligrams operator*(MilligramsPerLitre c, Litres v) {
  return Milligrams(c.value() * v.value());
}

constexpr Milligrams operator*(Litres v, MilligramsPerLitre c) {
  return c * v;
}

constexpr Milligrams operator*(MilligramsPerKilogram d, Kilograms w) {
  return Milligrams(d.value() * w.value());
}

constexpr Milligrams operator*(Kilograms w, MilligramsPerKilogram d) {
  return d * w;
}

constexpr MilligramsPerKilogram operator/(Milligrams a, Kilograms w) {
  return MilligramsPerKilogram(a.value() / w.value());
}

constexpr Litres operator*(LitresPerKilogram v, Kilograms w) {
  return Litres(v.value() * w.value());
}

constexpr PerHour operator/(LitresPerHour cl, Litres v) {
  return PerHour(cl.value() / v.value());
}

constexpr LitresPerHour operator*(PerHour k, Litres v) {
  return LitresPerHour(k.value() * v.value());
}

constexpr LitresPerHour operator*(Litres v, PerHour k) {
  return k * v;
}

constexpr MilligramsPerHour operator*(LitresPerHour cl, MilligramsPerLitre c) {
  return MilligramsPerHour(cl.value() * c.value());
}

/// k * t is the dimensionless exponent of exp(-k t).
constexpr double operator*(PerHour k, Hours t) {
  return k.value() * t.value();
}

constexpr double operator*(Hours t, PerHour k) {
  return k * t;
}

constexpr PerHour operator/(double x, Hours t) {
  return PerHour(x / t.value());
}

constexpr Hours operator/(double x, PerHour k) {
  return Hours(x / k.value());
}

constexpr MilligramsPerHour operator/(Milligrams a, Hours t) {
  return MilligramsPerHour(a.value() / t.value());
}

constexpr Milligrams operator*(MilligramsPerHour r, Hours t) {
  return Milligrams(r.value() * t.value());
}

constexpr Milligrams operator*(Hours t, MilligramsPerHour r) {
  return r * t;
}

constexpr Hours operator/(Milligrams a, MilligramsPerHour r) {
  return Hours(a.value() / r.value());
}

constexpr Millilitres operator/(Milligrams a, MilligramsPerMillilitre c) {
  return Millilitres(a.value() / c.value());
}

constexpr Milligrams operator*(MilligramsPerMillilitre c, Millilitres v) {
  return Milligrams(c.value() * v.value());
}

// Conversions between edge units and canonical units: the only place the factors live.
constexpr Hours to_hours(Minutes m) {
  return Hours(m.value() / 60.0);
}

constexpr Minutes to_minutes(Hours h) {
  return Minutes(h.value() * 60.0);
}

constexpr NanogramsPerMillilitre to_ng_per_ml(MilligramsPerLitre c) {
  return NanogramsPerMillilitre(c.value() * 1000.0);
}

constexpr MilligramsPerLitre to_mg_per_l(NanogramsPerMillilitre c) {
  return MilligramsPerLitre(c.value() / 1000.0);
}

constexpr Litres to_litres(Millilitres v) {
  return Litres(v.value() / 1000.0);
}

constexpr Millilitres to_millilitres(Litres v) {
  return Millilitres(v.value() * 1000.0);
}

/// Pump rate for a volume delivered over a duration in minutes.
constexpr MillilitresPerHour pump_rate(Millilitres v, Minutes duration) {
  return MillilitresPerHour(v.value() / to_hours(duration).value());
}

namespace literals {
// clang-format off
constexpr Milligrams operator""_mg(long double v) { return Milligrams(static_cast<double>(v)); }
constexpr Litres operator""_L(long double v) { return Litres(static_cast<double>(v)); }
constexpr Hours operator""_h(long double v) { return Hours(static_cast<double>(v)); }
constexpr Minutes operator""_min(long double v) { return Minutes(static_cast<double>(v)); }
constexpr Kilograms operator""_kg(long double v) { return Kilograms(static_cast<double>(v)); }
constexpr MilligramsPerKilogram operator""_mg_per_kg(long double v) { return MilligramsPerKilogram(static_cast<double>(v)); }
constexpr MilligramsPerLitre operator""_mg_per_L(long double v) { return MilligramsPerLitre(static_cast<double>(v)); }
constexpr NanogramsPerMillilitre operator""_ng_per_mL(long double v) { return NanogramsPerMillilitre(static_cast<double>(v)); }
constexpr LitresPerHour operator""_L_per_h(long double v) { return LitresPerHour(static_cast<double>(v)); }
constexpr PerHour operator""_per_h(long double v) { return PerHour(static_cast<double>(v)); }
constexpr Millilitres operator""_mL(long double v) { return Millilitres(static_cast<double>(v)); }
constexpr MilligramsPerMillilitre operator""_mg_per_mL(long double v) { return MilligramsPerMillilitre(static_cast<double>(v)); }

// clang-format on
}  // namespace literals

}  // namespace ketapath::core
