// Readers for aenet `.nn` files: binary gfortran sequential records (§A11,
// every record length validated against the counts read before it) and the
// ASCII interchange layout (§A12, Fortran list-directed semantics: a group may
// continue on the next lines, `D` exponents, several logical spellings).
#include "slhmc/nnp/aenet_file.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "slhmc/core/error.hpp"

namespace slhmc::nnp {

namespace {

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (std::isspace(static_cast<unsigned char>(s[b])) || s[b] == '\0')) ++b;
  while (e > b && (std::isspace(static_cast<unsigned char>(s[e - 1])) || s[e - 1] == '\0')) --e;
  return std::string(s.substr(b, e - b));
}

// Checks shared by both readers once every field is read.
void validate(const AenetNetFile& f, const std::string& source) {
  auto fail = [&](const std::string& what) { throw ParseError(source, 0, what); };
  const std::size_t L = f.nnodes.size();
  if (L < 2) fail("network needs at least 2 layers, got " + std::to_string(L));
  std::size_t wsize = 0;
  for (std::size_t l = 0; l < L; ++l) {
    if (f.nnodes[l] <= 0) fail("layer " + std::to_string(l + 1) + " has " + std::to_string(f.nnodes[l]) + " nodes");
    if (l + 1 < L) wsize += static_cast<std::size_t>(f.nnodes[l] + 1) * f.nnodes[l + 1];
  }
  if (f.nnodes.back() != 1) fail("output layer must have 1 node, got " + std::to_string(f.nnodes.back()));
  if (f.weights.size() != wsize)
    fail("Wsize " + std::to_string(f.weights.size()) + " does not match the layer sizes (expected " +
         std::to_string(wsize) + ")");
  if (f.activation_codes.size() != L - 1) fail("expected " + std::to_string(L - 1) + " activation codes");
  for (int code : f.activation_codes) activation_from_aenet_code(code);  // throws on unknown codes
  if (f.nsf != f.nnodes[0])
    fail("nsf = " + std::to_string(f.nsf) + " but the network has " + std::to_string(f.nnodes[0]) + " inputs");
  if (f.atomtype.empty()) fail("empty central species name");
  if (f.envtypes.empty()) fail("ENV has no species");
  if (f.type_names.empty()) fail("training set lists no species");
  if (!(f.scale != 0.0) || !std::isfinite(f.scale)) fail("energy scale must be finite and non-zero");
  for (const auto& v : f.weights)
    if (!std::isfinite(v)) fail("non-finite network weight");
}

// ---- binary ---------------------------------------------------------------

class RecordReader {
 public:
  RecordReader(std::string_view data, const std::string& source) : data_(data), source_(source) {}

  // Next record, whose payload must be exactly `expected` bytes.
  std::string_view next(std::size_t expected, const char* what) {
    ++record_;
    const std::int32_t head = read_marker(what);
    if (head < 0 || static_cast<std::size_t>(head) != expected)
      fail(std::string(what) + ": record length " + std::to_string(head) + ", expected " + std::to_string(expected));
    if (data_.size() - pos_ < expected) fail(std::string(what) + ": file ends inside the record");
    std::string_view payload = data_.substr(pos_, expected);
    pos_ += expected;
    const std::int32_t tail = read_marker(what);
    if (tail != head) fail(std::string(what) + ": trailing record marker " + std::to_string(tail) + " ≠ " + std::to_string(head));
    return payload;
  }
  int next_int(const char* what) { return ints(next(4, what), 1)[0]; }
  double next_double(const char* what) { return doubles(next(8, what), 1)[0]; }
  std::vector<int> next_ints(std::size_t n, const char* what) { return ints(next(4 * n, what), n); }
  std::vector<double> next_doubles(std::size_t n, const char* what) { return doubles(next(8 * n, what), n); }
  // A count that sizes later records: must be in [lo, hi].
  int next_count(const char* what, int lo, int hi) {
    const int v = next_int(what);
    if (v < lo || v > hi)
      fail(std::string(what) + " = " + std::to_string(v) + " out of range [" + std::to_string(lo) + ", " +
           std::to_string(hi) + "]");
    return v;
  }
  bool at_end() const { return pos_ == data_.size(); }
  [[noreturn]] void fail(const std::string& what) const {
    throw ParseError(source_, 0, "record " + std::to_string(record_) + " (" + what + ")");
  }

 private:
  std::int32_t read_marker(const char* what) {
    if (data_.size() - pos_ < 4) fail(std::string(what) + ": file ends before the record marker");
    std::int32_t v;
    std::memcpy(&v, data_.data() + pos_, 4);
    pos_ += 4;
    return v;
  }
  static std::vector<int> ints(std::string_view p, std::size_t n) {
    std::vector<int> out(n);
    for (std::size_t k = 0; k < n; ++k) {
      std::int32_t v;
      std::memcpy(&v, p.data() + 4 * k, 4);
      out[k] = v;
    }
    return out;
  }
  static std::vector<double> doubles(std::string_view p, std::size_t n) {
    std::vector<double> out(n);
    if (n) std::memcpy(out.data(), p.data(), 8 * n);
    return out;
  }

  std::string_view data_;
  const std::string& source_;
  std::size_t pos_ = 0;
  int record_ = 0;
};

std::vector<std::string> split_names(std::string_view p, std::size_t n, std::size_t len) {
  std::vector<std::string> out;
  for (std::size_t k = 0; k < n; ++k) out.push_back(trim(p.substr(k * len, len)));
  return out;
}

// Sizes beyond these are not plausible networks; they also bound allocations on corrupt input.
constexpr int kMaxLayers = 64;
constexpr int kMaxCount = 1 << 24;
constexpr std::size_t kDescrLen = 1024, kTypeLen = 2, kSfTypeLen = 100, kFileLen = 1024;

}  // namespace

AenetNetFile parse_aenet_nn_binary(std::string_view bytes, const std::string& source) {
  RecordReader r(bytes, source);
  AenetNetFile f;
  f.source = source;
  const int nlayers = r.next_count("nlayers", 2, kMaxLayers);
  r.next_int("nnodes_max");
  const int wsize = r.next_count("Wsize", 1, kMaxCount);
  r.next_int("nvalues");
  f.nnodes = r.next_ints(nlayers, "nnodes");
  f.activation_codes = r.next_ints(nlayers - 1, "activation codes");
  r.next_ints(nlayers, "iw");
  r.next_ints(nlayers, "iv");
  f.weights = r.next_doubles(wsize, "W");
  {
    // DESCR lines joined with "$$"; keep it readable.
    f.description = trim(r.next(kDescrLen, "description"));
  }
  f.atomtype = trim(r.next(kTypeLen, "atomtype"));
  const int nenv = r.next_count("nenv", 1, 1000);
  f.envtypes = split_names(r.next(kTypeLen * nenv, "envtypes"), nenv, kTypeLen);
  f.rc_min = r.next_double("Rc_min");
  f.rc_max = r.next_double("Rc_max");
  f.sftype = trim(r.next(kSfTypeLen, "sftype"));
  f.nsf = r.next_count("nsf", 1, kMaxCount);
  f.nsfparam = r.next_count("nsfparam", 1, 64);
  f.sf = r.next_ints(f.nsf, "sf");
  f.sfparam = r.next_doubles(static_cast<std::size_t>(f.nsfparam) * f.nsf, "sfparam");
  f.sfenv = r.next_ints(2 * static_cast<std::size_t>(f.nsf), "sfenv");
  f.neval = r.next_int("neval");
  f.sfval_min = r.next_doubles(f.nsf, "sfval_min");
  f.sfval_max = r.next_doubles(f.nsf, "sfval_max");
  f.sfval_avg = r.next_doubles(f.nsf, "sfval_avg");
  f.sfval_cov = r.next_doubles(f.nsf, "sfval_cov");
  f.trainset_file = trim(r.next(kFileLen, "training-set file name"));
  {
    const int logical = r.next_int("normalized");
    f.normalized = logical != 0;
  }
  f.scale = r.next_double("scale");
  f.shift = r.next_double("shift");
  const int ntypes = r.next_count("ntypes", 1, 1000);
  f.type_names = split_names(r.next(kTypeLen * ntypes, "type names"), ntypes, kTypeLen);
  f.e_atom = r.next_doubles(ntypes, "E_atom");
  f.natoms_tot = r.next_int("nAtomsTot");
  f.nstrucs = r.next_int("nStrucs");
  const auto e = r.next_doubles(3, "E_min, E_max, E_av");
  f.e_min = e[0];
  f.e_max = e[1];
  f.e_av = e[2];
  if (!r.at_end()) r.fail("data after the 36th record");
  validate(f, source);
  return f;
}

// ---- ASCII ----------------------------------------------------------------

namespace {

// Line cursor with Fortran list-directed reads: every read starts on a new line,
// takes tokens across lines until it has enough, and drops the rest of its last line.
class ListReader {
 public:
  ListReader(std::string_view text, const std::string& source) : source_(source) {
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      lines_.push_back(line);
      if (end == text.size()) break;
      start = end + 1;
    }
  }

  std::vector<std::string> tokens(std::size_t n, const char* what) {
    std::vector<std::string> out;
    out.reserve(n);
    if (n == 0) return out;
    while (out.size() < n) {
      if (line_ >= lines_.size())
        fail(std::string(what) + ": file ends after " + std::to_string(out.size()) + " of " + std::to_string(n) +
             " values");
      std::string_view line = lines_[line_++];
      std::size_t p = 0;
      while (out.size() < n) {
        while (p < line.size() && (std::isspace(static_cast<unsigned char>(line[p])) || line[p] == ',')) ++p;
        if (p >= line.size()) break;
        std::size_t q = p;
        while (q < line.size() && !std::isspace(static_cast<unsigned char>(line[q])) && line[q] != ',') ++q;
        out.emplace_back(line.substr(p, q - p));
        p = q;
      }
    }
    return out;
  }
  std::string whole_line(const char* what) {
    if (line_ >= lines_.size()) fail(std::string(what) + ": file ends");
    return trim(lines_[line_++]);
  }
  long integer(const std::string& tok, const char* what) {
    errno = 0;
    char* end = nullptr;
    const long v = std::strtol(tok.c_str(), &end, 10);
    if (tok.empty() || *end != '\0' || errno != 0) fail(std::string(what) + ": expected an integer, got '" + tok + "'");
    return v;
  }
  double real(std::string tok, const char* what) {
    for (char& c : tok)
      if (c == 'D' || c == 'd') c = 'e';
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(tok.c_str(), &end);
    if (tok.empty() || *end != '\0' || errno == ERANGE) fail(std::string(what) + ": expected a real, got '" + tok + "'");
    return v;
  }
  int count(const char* what, long lo, long hi) {
    const long v = integer(tokens(1, what)[0], what);
    if (v < lo || v > hi)
      fail(std::string(what) + " = " + std::to_string(v) + " out of range [" + std::to_string(lo) + ", " +
           std::to_string(hi) + "]");
    return static_cast<int>(v);
  }
  std::vector<int> ints(std::size_t n, const char* what) {
    std::vector<int> out;
    for (const auto& t : tokens(n, what)) {
      const long v = integer(t, what);
      if (v < INT32_MIN || v > INT32_MAX) fail(std::string(what) + ": integer out of range");
      out.push_back(static_cast<int>(v));
    }
    return out;
  }
  std::vector<double> reals(std::size_t n, const char* what) {
    std::vector<double> out;
    for (const auto& t : tokens(n, what)) out.push_back(real(t, what));
    return out;
  }
  double one_real(const char* what) { return reals(1, what)[0]; }
  bool logical(const char* what) {
    std::string t = tokens(1, what)[0];
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
    if (t == "t" || t == "true" || t == ".true." || t == ".t.") return true;
    if (t == "f" || t == "false" || t == ".false." || t == ".f.") return false;
    fail(std::string(what) + ": expected a logical (T/F, True/False, .true./.false.), got '" + t + "'");
  }
  [[noreturn]] void fail(const std::string& what) const { throw ParseError(source_, line_, what); }

 private:
  std::vector<std::string_view> lines_;
  std::size_t line_ = 0;
  const std::string& source_;
};

}  // namespace

AenetNetFile parse_aenet_nn_ascii(std::string_view text, const std::string& source) {
  ListReader r(text, source);
  AenetNetFile f;
  f.source = source;
  const int nlayers = r.count("nlayers", 2, kMaxLayers);
  r.count("nnodes_max", 0, kMaxCount);
  const int wsize = r.count("Wsize", 1, kMaxCount);
  r.count("nvalues", 0, kMaxCount);
  f.nnodes = r.ints(nlayers, "nnodes");
  f.activation_codes = r.ints(nlayers - 1, "activation codes");
  r.ints(nlayers, "iw");
  r.ints(nlayers, "iv");
  f.weights = r.reals(wsize, "W");
  f.description = r.whole_line("description");
  f.atomtype = r.tokens(1, "atomtype")[0];
  const int nenv = r.count("nenv", 1, 1000);
  f.envtypes = r.tokens(nenv, "envtypes");
  f.rc_min = r.one_real("Rc_min");
  f.rc_max = r.one_real("Rc_max");
  f.sftype = r.tokens(1, "sftype")[0];
  f.nsf = r.count("nsf", 1, kMaxCount);
  f.nsfparam = r.count("nsfparam", 1, 64);
  f.sf = r.ints(f.nsf, "sf");
  f.sfparam = r.reals(static_cast<std::size_t>(f.nsfparam) * f.nsf, "sfparam");
  f.sfenv = r.ints(2 * static_cast<std::size_t>(f.nsf), "sfenv");
  f.neval = r.count("neval", 0, INT32_MAX);
  f.sfval_min = r.reals(f.nsf, "sfval_min");
  f.sfval_max = r.reals(f.nsf, "sfval_max");
  f.sfval_avg = r.reals(f.nsf, "sfval_avg");
  f.sfval_cov = r.reals(f.nsf, "sfval_cov");
  f.trainset_file = r.whole_line("training-set file name");
  f.normalized = r.logical("normalized");
  f.scale = r.one_real("scale");
  f.shift = r.one_real("shift");
  const int ntypes = r.count("ntypes", 1, 1000);
  f.type_names = r.tokens(ntypes, "type names");
  f.e_atom = r.reals(ntypes, "E_atom");
  f.natoms_tot = r.count("nAtomsTot", INT32_MIN, INT32_MAX);
  f.nstrucs = r.count("nStrucs", INT32_MIN, INT32_MAX);
  const auto e = r.reals(3, "E_min E_max E_av");
  f.e_min = e[0];
  f.e_max = e[1];
  f.e_av = e[2];
  validate(f, source);
  return f;
}

AenetNetFile read_aenet_nn(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open aenet network file '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string data = ss.str();
  // gfortran records start with the 4-byte length of record 1 (nlayers: 4 bytes).
  static const char kBinaryStart[4] = {4, 0, 0, 0};
  if (data.size() >= 4 && std::memcmp(data.data(), kBinaryStart, 4) == 0) return parse_aenet_nn_binary(data, path);
  return parse_aenet_nn_ascii(data, path);
}

Network AenetNetFile::network() const {
  // 0-based aenet layout (§A8): weight(p ← q) = W[iw + q·n_out + p], bias = W[iw + n_in·n_out + p].
  std::vector<DenseLayer> layers;
  std::size_t iw = 0;
  for (std::size_t l = 0; l + 1 < nnodes.size(); ++l) {
    DenseLayer layer;
    layer.n_in = nnodes[l];
    layer.n_out = nnodes[l + 1];
    layer.activation = activation_from_aenet_code(activation_codes[l]);
    layer.weights.resize(static_cast<std::size_t>(layer.n_in) * layer.n_out);
    layer.bias.resize(layer.n_out);
    for (int p = 0; p < layer.n_out; ++p) {
      for (int q = 0; q < layer.n_in; ++q)
        layer.weights[static_cast<std::size_t>(p) * layer.n_in + q] = weights[iw + static_cast<std::size_t>(q) * layer.n_out + p];
      layer.bias[p] = weights[iw + static_cast<std::size_t>(layer.n_in) * layer.n_out + p];
    }
    iw += static_cast<std::size_t>(layer.n_in + 1) * layer.n_out;
    layers.push_back(std::move(layer));
  }
  return Network(std::move(layers));
}

}  // namespace slhmc::nnp
