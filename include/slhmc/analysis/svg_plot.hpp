// Minimal, dependency-free 2-D plots as SVG: line series, scatter points,
// error bars and histograms with "nice" axis ticks. Enough for the pictures
// of `slhmc report`; the SVG opens in any browser and embeds in HTML.
#pragma once

#include <string>
#include <vector>

namespace slhmc::analysis {

class SvgPlot {
 public:
  SvgPlot(std::string title, std::string x_label, std::string y_label);

  void add_line(const std::vector<double>& x, const std::vector<double>& y, const std::string& label,
                const std::string& color = "");
  void add_points(const std::vector<double>& x, const std::vector<double>& y, const std::string& label,
                  const std::string& color = "");
  // Points with symmetric vertical error bars.
  void add_error_bars(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& err,
                      const std::string& label, const std::string& color = "");
  // Bars of `counts` over bin edges (edges.size() == counts.size() + 1).
  void add_histogram(const std::vector<double>& edges, const std::vector<double>& counts, const std::string& label,
                     const std::string& color = "");
  // Fixes the y range (otherwise taken from the data).
  void set_y_range(double lo, double hi);

  std::string render(int width = 640, int height = 400) const;

 private:
  struct Series {
    enum Kind { line, points, error_bars, histogram } kind;
    std::vector<double> x, y, err;
    std::string label, color;
  };
  void add(Series s);
  std::string title_, x_label_, y_label_;
  std::vector<Series> series_;
  bool fixed_y_ = false;
  double y_lo_ = 0, y_hi_ = 1;
};

// Text for SVG/HTML: <, > and & escaped.
std::string svg_escape(const std::string& s);
// A tick's label: as many decimals as the tick step needs, %g for very large or small values.
std::string tick_label(double v, double step);

// Tick positions covering [lo, hi] with about `target` "nice" steps (1, 2, 5 × 10^k).
std::vector<double> nice_ticks(double lo, double hi, int target = 6);

}  // namespace slhmc::analysis
