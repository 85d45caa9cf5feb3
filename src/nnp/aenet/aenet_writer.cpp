// aenet `.nn` writers (§A11 binary records, §A12 ASCII groups). Every array is
// checked against the counts it is written with, because a reader sizes later
// records from them: a mismatch would produce a file that no reader accepts.
#include "slhmc/nnp/aenet_writer.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "slhmc/core/error.hpp"

namespace slhmc::nnp {

namespace {

static_assert(std::endian::native == std::endian::little, "aenet binary files are little-endian");

constexpr std::size_t kDescrLen = 1024, kTypeLen = 2, kSfTypeLen = 100, kFileLen = 1024;

[[noreturn]] void fail(const AenetNetFile& f, const std::string& what) {
  throw Error("cannot write aenet network" + (f.source.empty() ? std::string() : " '" + f.source + "'") + ": " +
              what);
}

void check_size(const AenetNetFile& f, std::size_t actual, std::size_t expected, const char* what) {
  if (actual != expected)
    fail(f, std::string(what) + " has " + std::to_string(actual) + " values, expected " + std::to_string(expected));
}

// Bookkeeping of §A8, 0-based values as aenet stores them (iw(1) = iv(1) = 0).
struct Layout {
  int nnodes_max = 0;
  int wsize = 0;
  int nvalues = 0;
  std::vector<int> iw, iv;
};

Layout layout_of(const AenetNetFile& f) {
  const std::size_t L = f.nnodes.size();
  if (L < 2) fail(f, "network needs at least 2 layers");
  Layout out;
  long long iw = 0, iv = 0;
  for (std::size_t l = 0; l < L; ++l) {
    if (f.nnodes[l] <= 0) fail(f, "layer " + std::to_string(l + 1) + " has no nodes");
    out.nnodes_max = std::max(out.nnodes_max, f.nnodes[l]);
    out.iw.push_back(static_cast<int>(iw));
    out.iv.push_back(static_cast<int>(iv));
    if (l + 1 < L) {
      iw += static_cast<long long>(f.nnodes[l] + 1) * f.nnodes[l + 1];
      iv += f.nnodes[l] + 1;
    } else {
      iv += f.nnodes[l];
    }
    if (iw > INT32_MAX || iv > INT32_MAX) fail(f, "network too large for 32-bit aenet counts");
  }
  out.wsize = static_cast<int>(iw);
  out.nvalues = static_cast<int>(iv);
  return out;
}

// The size relations every reader relies on.
void check_consistent(const AenetNetFile& f, const Layout& lay) {
  const std::size_t L = f.nnodes.size();
  check_size(f, f.activation_codes.size(), L - 1, "activation codes");
  check_size(f, f.weights.size(), static_cast<std::size_t>(lay.wsize), "W");
  if (f.nsf <= 0 || f.nsfparam <= 0) fail(f, "nsf and nsfparam must be positive");
  const auto nsf = static_cast<std::size_t>(f.nsf);
  check_size(f, f.sf.size(), nsf, "sf");
  check_size(f, f.sfparam.size(), static_cast<std::size_t>(f.nsfparam) * nsf, "sfparam");
  check_size(f, f.sfenv.size(), 2 * nsf, "sfenv");
  check_size(f, f.sfval_min.size(), nsf, "sfval_min");
  check_size(f, f.sfval_max.size(), nsf, "sfval_max");
  check_size(f, f.sfval_avg.size(), nsf, "sfval_avg");
  check_size(f, f.sfval_cov.size(), nsf, "sfval_cov");
  check_size(f, f.e_atom.size(), f.type_names.size(), "E_atom");
  if (f.envtypes.empty()) fail(f, "ENV has no species");
  if (f.type_names.empty()) fail(f, "training set lists no species");
}

// A species name as a whitespace-separated token / fixed 2-character field.
void check_species(const AenetNetFile& f, const std::string& name) {
  if (name.empty() || name.size() > kTypeLen) fail(f, "species name '" + name + "' must have 1 or 2 characters");
  for (char c : name)
    if (!std::isalpha(static_cast<unsigned char>(c))) fail(f, "species name '" + name + "' is not a symbol");
}

void check_line(const AenetNetFile& f, const std::string& s, std::size_t max_len, const char* what) {
  if (s.find_first_of("\r\n") != std::string::npos) fail(f, std::string(what) + " contains a line break");
  if (s.size() > max_len)
    fail(f, std::string(what) + " has " + std::to_string(s.size()) + " characters, at most " + std::to_string(max_len));
}

// ---- ASCII ----------------------------------------------------------------

class TextOut {
 public:
  explicit TextOut(const AenetNetFile& f) : f_(f) {}
  void integer(long long v) { item(std::to_string(v)); }
  void real(double v, const char* what) {
    if (!std::isfinite(v)) fail(f_, std::string("non-finite value in ") + what);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    item(buf);
  }
  void word(const std::string& s) { item(s); }
  void ints(const std::vector<int>& v) {
    for (int x : v) integer(x);
    end();
  }
  void reals(const std::vector<double>& v, const char* what) {
    for (double x : v) real(x, what);
    end();
  }
  void end() {
    out_ += '\n';
    fresh_ = true;
  }
  void line(const std::string& s) {
    out_ += s;
    end();
  }
  std::string take() { return std::move(out_); }

 private:
  void item(const std::string& s) {
    if (!fresh_) out_ += ' ';
    out_ += s;
    fresh_ = false;
  }
  const AenetNetFile& f_;
  std::string out_;
  bool fresh_ = true;
};

// L10/L27 must be non-empty and must not look like a list-directed separator or terminator.
std::string text_line(const AenetNetFile& f, const std::string& s, const std::string& empty_form, const char* what) {
  check_line(f, s, SIZE_MAX, what);
  std::string t = s;
  const auto b = t.find_first_not_of(" \t");
  if (b == std::string::npos) return empty_form;
  if (t[b] == ',' || t[b] == '/') fail(f, std::string(what) + " must not start with ',' or '/'");
  return t;
}

}  // namespace

std::string format_aenet_nn_ascii(const AenetNetFile& f) {
  const Layout lay = layout_of(f);
  check_consistent(f, lay);
  check_species(f, f.atomtype);
  for (const auto& s : f.envtypes) check_species(f, s);
  for (const auto& s : f.type_names) check_species(f, s);
  if (f.sftype.empty() || f.sftype.find_first_of(" \t\r\n") != std::string::npos)
    fail(f, "sftype '" + f.sftype + "' must be one word");
  TextOut o(f);
  o.integer(static_cast<long long>(f.nnodes.size()));
  o.end();
  o.integer(lay.nnodes_max);
  o.end();
  o.integer(lay.wsize);
  o.end();
  o.integer(lay.nvalues);
  o.end();
  o.ints(f.nnodes);
  o.ints(f.activation_codes);
  o.ints(lay.iw);
  o.ints(lay.iv);
  o.reals(f.weights, "W");
  o.line(text_line(f, f.description, "$$", "description"));
  o.word(f.atomtype);
  o.end();
  o.integer(static_cast<long long>(f.envtypes.size()));
  o.end();
  for (const auto& s : f.envtypes) o.word(s);
  o.end();
  o.real(f.rc_min, "Rc_min");
  o.end();
  o.real(f.rc_max, "Rc_max");
  o.end();
  o.word(f.sftype);
  o.end();
  o.integer(f.nsf);
  o.end();
  o.integer(f.nsfparam);
  o.end();
  o.ints(f.sf);
  o.reals(f.sfparam, "sfparam");
  o.ints(f.sfenv);
  o.integer(f.neval);
  o.end();
  o.reals(f.sfval_min, "sfval_min");
  o.reals(f.sfval_max, "sfval_max");
  o.reals(f.sfval_avg, "sfval_avg");
  o.reals(f.sfval_cov, "sfval_cov");
  o.line(text_line(f, f.trainset_file, "-", "training-set file name"));
  o.word(f.normalized ? "T" : "F");
  o.end();
  o.real(f.scale, "scale");
  o.end();
  o.real(f.shift, "shift");
  o.end();
  o.integer(static_cast<long long>(f.type_names.size()));
  o.end();
  for (const auto& s : f.type_names) o.word(s);
  o.end();
  o.reals(f.e_atom, "E_atom");
  o.integer(f.natoms_tot);
  o.end();
  o.integer(f.nstrucs);
  o.end();
  o.reals({f.e_min, f.e_max, f.e_av}, "E_min E_max E_av");
  return o.take();
}

// ---- binary ---------------------------------------------------------------

namespace {

class RecordOut {
 public:
  explicit RecordOut(const AenetNetFile& f) : f_(f) {}
  void record(const void* data, std::size_t n) {
    if (n > static_cast<std::size_t>(INT32_MAX)) fail(f_, "record too large for a gfortran record marker");
    const auto marker = static_cast<std::int32_t>(n);
    append(&marker, 4);
    append(data, n);
    append(&marker, 4);
  }
  void integer(int v) {
    const std::int32_t x = v;
    record(&x, 4);
  }
  void real(double v) { record(&v, 8); }
  void ints(const std::vector<int>& v) {
    std::vector<std::int32_t> x(v.begin(), v.end());
    record(x.data(), 4 * x.size());
  }
  void reals(const std::vector<double>& v) { record(v.data(), 8 * v.size()); }
  // Fixed-length character fields, blank padded as gfortran writes them.
  void chars(const std::vector<std::string>& items, std::size_t len, const char* what) {
    std::string buf;
    for (const auto& s : items) {
      check_line(f_, s, len, what);
      buf += s;
      buf.append(len - s.size(), ' ');
    }
    record(buf.data(), buf.size());
  }
  std::string take() { return std::move(out_); }

 private:
  void append(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
  const AenetNetFile& f_;
  std::string out_;
};

}  // namespace

std::string format_aenet_nn_binary(const AenetNetFile& f) {
  const Layout lay = layout_of(f);
  check_consistent(f, lay);
  check_species(f, f.atomtype);
  for (const auto& s : f.envtypes) check_species(f, s);
  for (const auto& s : f.type_names) check_species(f, s);
  RecordOut o(f);
  o.integer(static_cast<int>(f.nnodes.size()));   // 1
  o.integer(lay.nnodes_max);                      // 2
  o.integer(lay.wsize);                           // 3
  o.integer(lay.nvalues);                         // 4
  o.ints(f.nnodes);                               // 5
  o.ints(f.activation_codes);                     // 6
  o.ints(lay.iw);                                 // 7
  o.ints(lay.iv);                                 // 8
  o.reals(f.weights);                             // 9
  o.chars({f.description}, kDescrLen, "description");  // 10
  o.chars({f.atomtype}, kTypeLen, "atomtype");    // 11
  o.integer(static_cast<int>(f.envtypes.size())); // 12
  o.chars(f.envtypes, kTypeLen, "envtypes");      // 13
  o.real(f.rc_min);                               // 14
  o.real(f.rc_max);                               // 15
  o.chars({f.sftype}, kSfTypeLen, "sftype");      // 16
  o.integer(f.nsf);                               // 17
  o.integer(f.nsfparam);                          // 18
  o.ints(f.sf);                                   // 19
  o.reals(f.sfparam);                             // 20
  o.ints(f.sfenv);                                // 21
  o.integer(f.neval);                             // 22
  o.reals(f.sfval_min);                           // 23
  o.reals(f.sfval_max);                           // 24
  o.reals(f.sfval_avg);                           // 25
  o.reals(f.sfval_cov);                           // 26
  o.chars({f.trainset_file}, kFileLen, "training-set file name");  // 27
  o.integer(f.normalized ? 1 : 0);                // 28
  o.real(f.scale);                                // 29
  o.real(f.shift);                                // 30
  o.integer(static_cast<int>(f.type_names.size()));  // 31
  o.chars(f.type_names, kTypeLen, "type names");  // 32
  o.reals(f.e_atom);                              // 33
  o.integer(f.natoms_tot);                        // 34
  o.integer(f.nstrucs);                           // 35
  o.reals({f.e_min, f.e_max, f.e_av});            // 36
  return o.take();
}

}  // namespace slhmc::nnp
