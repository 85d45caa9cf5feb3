// SVG rendering of SvgPlot: a framed plot area, ticks and labels, a legend.
#include "slhmc/analysis/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "slhmc/core/error.hpp"

namespace slhmc::analysis {

namespace {
const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
}  // namespace

std::string svg_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

std::string tick_label(double v, double step) {
  char buf[32];
  if (v != 0 && (std::fabs(v) >= 1e5 || std::fabs(v) < 1e-3)) std::snprintf(buf, sizeof buf, "%.3g", v);
  else {
    const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
    std::snprintf(buf, sizeof buf, "%.*f", std::min(decimals, 6), v);
  }
  return buf;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) ticks.push_back(std::fabs(t) < 1e-12 * step ? 0.0 : t);
  return ticks;
}

SvgPlot::SvgPlot(std::string title, std::string x_label, std::string y_label)
    : title_(std::move(title)), x_label_(std::move(x_label)), y_label_(std::move(y_label)) {}

void SvgPlot::add(Series s) {
  if (s.color.empty()) s.color = kPalette[series_.size() % 6];
  series_.push_back(std::move(s));
}

void SvgPlot::add_line(const std::vector<double>& x, const std::vector<double>& y, const std::string& label,
                       const std::string& color) {
  if (x.size() != y.size()) throw Error("plot: x and y differ in length");
  add({Series::line, x, y, {}, label, color});
}
void SvgPlot::add_points(const std::vector<double>& x, const std::vector<double>& y, const std::string& label,
                         const std::string& color) {
  if (x.size() != y.size()) throw Error("plot: x and y differ in length");
  add({Series::points, x, y, {}, label, color});
}
void SvgPlot::add_error_bars(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& err,
                             const std::string& label, const std::string& color) {
  if (x.size() != y.size() || err.size() != y.size()) throw Error("plot: x, y and errors differ in length");
  add({Series::error_bars, x, y, err, label, color});
}
void SvgPlot::add_histogram(const std::vector<double>& edges, const std::vector<double>& counts,
                            const std::string& label, const std::string& color) {
  if (edges.size() != counts.size() + 1) throw Error("plot: a histogram needs one more edge than bins");
  add({Series::histogram, edges, counts, {}, label, color});
}
void SvgPlot::set_y_range(double lo, double hi) {
  fixed_y_ = true;
  y_lo_ = lo;
  y_hi_ = hi;
}

std::string SvgPlot::render(int width, int height) const {
  const double left = 70, right = 20, top = 36, bottom = 50;
  const double pw = width - left - right, ph = height - top - bottom;
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
  for (const auto& s : series_) {
    for (double v : s.x)
      if (std::isfinite(v)) xlo = std::min(xlo, v), xhi = std::max(xhi, v);
    for (std::size_t i = 0; i < s.y.size(); ++i) {
      const double e = s.err.empty() ? 0.0 : s.err[i];
      if (std::isfinite(s.y[i])) ylo = std::min(ylo, s.y[i] - e), yhi = std::max(yhi, s.y[i] + e);
    }
    if (s.kind == Series::histogram) ylo = std::min(ylo, 0.0);
  }
  if (!std::isfinite(xlo)) xlo = 0, xhi = 1;
  if (!std::isfinite(ylo)) ylo = 0, yhi = 1;
  if (fixed_y_) ylo = y_lo_, yhi = y_hi_;
  if (xhi == xlo) xlo -= 0.5, xhi += 0.5;
  if (yhi == ylo) ylo -= 0.5, yhi += 0.5;
  const double pad = 0.04 * (yhi - ylo);
  if (!fixed_y_) ylo -= pad, yhi += pad;
  auto X = [&](double v) { return left + (v - xlo) / (xhi - xlo) * pw; };
  auto Y = [&](double v) { return top + (1 - (v - ylo) / (yhi - ylo)) * ph; };

  std::ostringstream o;
  o.precision(5);
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"" << width / 2 << "\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">" << svg_escape(title_)
    << "</text>\n";
  const auto xt = nice_ticks(xlo, xhi), yt = nice_ticks(ylo, yhi);
  for (double t : xt)
    o << "<line x1=\"" << X(t) << "\" y1=\"" << top << "\" x2=\"" << X(t) << "\" y2=\"" << top + ph
      << "\" stroke=\"#eee\"/><text x=\"" << X(t) << "\" y=\"" << top + ph + 16 << "\" text-anchor=\"middle\">"
      << tick_label(t, xt.size() > 1 ? xt[1] - xt[0] : 1) << "</text>\n";
  for (double t : yt)
    o << "<line x1=\"" << left << "\" y1=\"" << Y(t) << "\" x2=\"" << left + pw << "\" y2=\"" << Y(t)
      << "\" stroke=\"#eee\"/><text x=\"" << left - 6 << "\" y=\"" << Y(t) + 4 << "\" text-anchor=\"end\">"
      << tick_label(t, yt.size() > 1 ? yt[1] - yt[0] : 1) << "</text>\n";
  o << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\"" << ph
    << "\" fill=\"none\" stroke=\"black\"/>\n";
  o << "<text x=\"" << left + pw / 2 << "\" y=\"" << height - 10 << "\" text-anchor=\"middle\">" << svg_escape(x_label_)
    << "</text>\n<text transform=\"translate(16," << top + ph / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
    << svg_escape(y_label_) << "</text>\n";
  o << "<g clip-path=\"inset(0)\">\n";
  for (const auto& s : series_) {
    switch (s.kind) {
      case Series::line: {
        o << "<polyline fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"1.3\" points=\"";
        for (std::size_t i = 0; i < s.x.size(); ++i)
          if (std::isfinite(s.y[i])) o << X(s.x[i]) << ',' << Y(s.y[i]) << ' ';
        o << "\"/>\n";
        break;
      }
      case Series::points:
        for (std::size_t i = 0; i < s.x.size(); ++i)
          if (std::isfinite(s.y[i]))
            o << "<circle cx=\"" << X(s.x[i]) << "\" cy=\"" << Y(s.y[i]) << "\" r=\"1.6\" fill=\"" << s.color
              << "\" fill-opacity=\"0.5\"/>\n";
        break;
      case Series::error_bars:
        for (std::size_t i = 0; i < s.x.size(); ++i) {
          if (!std::isfinite(s.y[i])) continue;
          o << "<line x1=\"" << X(s.x[i]) << "\" y1=\"" << Y(s.y[i] - s.err[i]) << "\" x2=\"" << X(s.x[i])
            << "\" y2=\"" << Y(s.y[i] + s.err[i]) << "\" stroke=\"" << s.color << "\"/><circle cx=\"" << X(s.x[i])
            << "\" cy=\"" << Y(s.y[i]) << "\" r=\"2\" fill=\"" << s.color << "\"/>\n";
        }
        break;
      case Series::histogram:
        for (std::size_t i = 0; i + 1 < s.x.size(); ++i) {
          const double y0 = Y(std::max(ylo, 0.0)), y1 = Y(s.y[i]);
          o << "<rect x=\"" << X(s.x[i]) << "\" y=\"" << std::min(y0, y1) << "\" width=\""
            << std::max(0.0, X(s.x[i + 1]) - X(s.x[i])) << "\" height=\"" << std::fabs(y0 - y1) << "\" fill=\""
            << s.color << "\" fill-opacity=\"0.45\" stroke=\"" << s.color << "\"/>\n";
        }
        break;
    }
  }
  o << "</g>\n";
  double ly = top + 14;
  for (const auto& s : series_) {
    if (s.label.empty()) continue;
    o << "<rect x=\"" << left + pw - 150 << "\" y=\"" << ly - 9 << "\" width=\"10\" height=\"10\" fill=\"" << s.color
      << "\"/><text x=\"" << left + pw - 135 << "\" y=\"" << ly << "\">" << svg_escape(s.label) << "</text>\n";
    ly += 16;
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace slhmc::analysis
